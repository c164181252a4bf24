/* test_antispam.c — anti-spam at the form: the signed form token (with an
 * injected clock), address groups, link counting, duplicate digests, the
 * decision order, trusted readers; the store's counting windows against a
 * real SQLite file; the catalogs' messages. The post handler that applies
 * all this is tested in test_post.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "antispam.h"
#include "arena.h"
#include "buf.h"
#include "catalog.h"
#include "reader.h"
#include "store.h"
#include "store_antispam.h"
#include "store_db.h"
#include "store_fixture.h"

#define T0 1700000000
#define DAY (24 * 3600)

static const unsigned char key[32] = "0123456789abcdef0123456789abcde";
static const unsigned char other_key[32] = "fedcba9876543210fedcba987654321";

/* --- the form token --- */

static void
token_round_trip(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	char *t = antispam_token_make(a, key, "news-1", T0);
	assert_int_equal(strlen(t), 76);
	/* base64url only: safe in an attribute and in a urlencoded body. */
	assert_int_equal(strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_"), 76);
	/* Deterministic: every reader of the article gets the same token in
	 * the same second (caches and SSI), another second another token. */
	assert_string_equal(t, antispam_token_make(a, key, "news-1", T0));
	assert_string_not_equal(t, antispam_token_make(a, key, "news-1", T0 + 1));
	assert_string_not_equal(t, antispam_token_make(a, key, "news-2", T0));

	assert_int_equal(antispam_token_check(key, t, "news-1", T0 + 3, 3, DAY), TOKEN_OK);
	assert_int_equal(antispam_token_check(key, t, "news-1", T0 + 2, 3, DAY), TOKEN_TOO_SOON);
	assert_int_equal(antispam_token_check(key, t, "news-1", T0, 3, DAY), TOKEN_TOO_SOON);
	assert_int_equal(antispam_token_check(key, t, "news-1", T0, 0, DAY), TOKEN_OK);
	/* One text per token: bytes above 0x7f in it are never decoded. */
	for (size_t i = 0; i < 76; i++) {
		char *u = arena_strdup(a, t);
		u[i] = (char)0xc1;
		assert_int_equal(antispam_token_check(key, u, "news-1", T0 + 3, 3, DAY),
		    TOKEN_FORGED);
	}
	assert_int_equal(antispam_token_check(key, t, "news-1", T0 + DAY, 3, DAY), TOKEN_OK);
	assert_int_equal(antispam_token_check(key, t, "news-1", T0 + DAY + 1, 3, DAY),
	    TOKEN_TOO_LATE);
	assert_int_equal(antispam_token_check(key, t, "news-1", T0 + 3600, 3, 3600), TOKEN_OK);
	assert_int_equal(antispam_token_check(key, t, "news-1", T0 + 3601, 3, 3600),
	    TOKEN_TOO_LATE);
	/* A clock that went back: served "in the future" is too soon, even
	 * without a minimum. */
	assert_int_equal(antispam_token_check(key, t, "news-1", T0 - 1, 0, DAY), TOKEN_TOO_SOON);
	assert_int_equal(antispam_token_check(key, t, "news-1", T0 - DAY, 3, DAY),
	    TOKEN_TOO_SOON);
	/* Served at time 0 or before the epoch: still a well-formed token. */
	char *t0 = antispam_token_make(a, key, "x", -5);
	assert_int_equal(antispam_token_check(key, t0, "x", 10, 3, DAY), TOKEN_OK);
	arena_free(a);
}

static void
token_article_binding(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	char *t = antispam_token_make(a, key, "news-1", T0);
	assert_int_equal(antispam_token_check(key, t, "news-2", T0 + 10, 3, DAY),
	    TOKEN_OTHER_ARTICLE);
	assert_int_equal(antispam_token_check(key, t, "news-1 ", T0 + 10, 3, DAY),
	    TOKEN_OTHER_ARTICLE);
	assert_int_equal(antispam_token_check(key, t, "News-1", T0 + 10, 3, DAY),
	    TOKEN_OTHER_ARTICLE);
	assert_int_equal(antispam_token_check(key, t, "", T0 + 10, 3, DAY), TOKEN_OTHER_ARTICLE);
	assert_int_equal(antispam_token_check(key, t, NULL, T0 + 10, 3, DAY),
	    TOKEN_OTHER_ARTICLE);
	/* The article is checked before the time: a reused token from another
	 * article is named as such even when it is also too soon. */
	assert_int_equal(antispam_token_check(key, t, "news-2", T0, 3, DAY), TOKEN_OTHER_ARTICLE);
	arena_free(a);
}

/* Re-encodes raw bytes as a token string. */
static void
encode(const unsigned char *raw, size_t n, char *out, size_t outlen)
{
	sodium_bin2base64(out, outlen, raw, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static void
token_forgery(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	char *t = antispam_token_make(a, key, "news-1", T0);
	assert_int_equal(antispam_token_check(key, NULL, "news-1", T0 + 10, 3, DAY),
	    TOKEN_MISSING);
	assert_int_equal(antispam_token_check(key, "", "news-1", T0 + 10, 3, DAY), TOKEN_MISSING);
	/* Another server's secret. */
	assert_int_equal(antispam_token_check(other_key, t, "news-1", T0 + 10, 3, DAY),
	    TOKEN_FORGED);
	/* Every single character changed: 76 base64 characters carry exactly
	 * 57 bytes, so each change alters the signed bytes or the tag. */
	char mod[80];
	for (size_t i = 0; i < 76; i++) {
		strcpy(mod, t);
		mod[i] = mod[i] == 'A' ? 'B' : 'A';
		if (antispam_token_check(key, mod, "news-1", T0 + 10, 3, DAY) != TOKEN_FORGED)
			fail_msg("changing character %zu was not noticed", i);
	}
	/* Truncated, extended, padded, the wrong alphabet. */
	strcpy(mod, t);
	mod[75] = '\0';
	assert_int_equal(antispam_token_check(key, mod, "news-1", T0 + 10, 3, DAY), TOKEN_FORGED);
	snprintf(mod, sizeof(mod), "%sA", t);
	assert_int_equal(antispam_token_check(key, mod, "news-1", T0 + 10, 3, DAY), TOKEN_FORGED);
	snprintf(mod, sizeof(mod), "%s=", t);
	assert_int_equal(antispam_token_check(key, mod, "news-1", T0 + 10, 3, DAY), TOKEN_FORGED);
	strcpy(mod, t);
	mod[10] = '+';
	assert_int_equal(antispam_token_check(key, mod, "news-1", T0 + 10, 3, DAY), TOKEN_FORGED);
	strcpy(mod, t);
	mod[10] = ' ';
	assert_int_equal(antispam_token_check(key, mod, "news-1", T0 + 10, 3, DAY), TOKEN_FORGED);
	/* A well-formed token from someone without the secret: the served
	 * time pushed back and the tag kept, or a version byte changed. */
	unsigned char raw[57];
	size_t rawlen;
	assert_int_equal(sodium_base642bin(raw, sizeof(raw), t, 76, NULL, &rawlen, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
	assert_int_equal(rawlen, 57);
	raw[8] ^= 0x10;
	encode(raw, sizeof(raw), mod, sizeof(mod));
	assert_int_equal(antispam_token_check(key, mod, "news-1", T0 + 10, 3, DAY), TOKEN_FORGED);
	raw[8] ^= 0x10;
	raw[0] = 2;
	encode(raw, sizeof(raw), mod, sizeof(mod));
	assert_int_equal(antispam_token_check(key, mod, "news-1", T0 + 10, 3, DAY), TOKEN_FORGED);
	/* All zeros of the right length. */
	memset(raw, 0, sizeof(raw));
	encode(raw, sizeof(raw), mod, sizeof(mod));
	assert_int_equal(antispam_token_check(key, mod, "news-1", T0 + 10, 3, DAY), TOKEN_FORGED);
	/* A reader cookie signed with the same secret is not a token. */
	struct reader_ids ids = { .ids = { 1, 2, 3, 4, 5 }, .count = 5 };
	char *cookie = reader_cookie_make(a, key, &ids, T0);
	assert_int_equal(antispam_token_check(key, cookie, "news-1", T0 + 10, 3, DAY),
	    TOKEN_FORGED);
	/* Huge input is refused without being read through. */
	size_t big = 1 << 20;
	char *huge = malloc(big + 1);
	assert_non_null(huge);
	memset(huge, 'A', big);
	huge[big] = '\0';
	assert_int_equal(antispam_token_check(key, huge, "news-1", T0 + 10, 3, DAY),
	    TOKEN_FORGED);
	memcpy(huge, t, 76);
	assert_int_equal(antispam_token_check(key, huge, "news-1", T0 + 10, 3, DAY),
	    TOKEN_FORGED);
	free(huge);
	arena_free(a);
}

static void
token_renew(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	char *t = antispam_token_make(a, key, "news-1", T0);
	/* Genuine and not expired, even if too soon: kept, with its time. */
	assert_ptr_equal(antispam_token_renew(a, key, t, "news-1", T0 + 1, 3, DAY), t);
	assert_ptr_equal(antispam_token_renew(a, key, t, "news-1", T0 + 100, 3, DAY), t);
	/* Expired: a new one, which must age min_seconds like any form's, so
	 * that waiting out one form never buys a token good at once. */
	const char *n = antispam_token_renew(a, key, t, "news-1", T0 + DAY + 1, 3, DAY);
	assert_string_not_equal(n, t);
	assert_int_equal(antispam_token_check(key, n, "news-1", T0 + DAY + 1, 3, DAY),
	    TOKEN_TOO_SOON);
	assert_int_equal(antispam_token_check(key, n, "news-1", T0 + DAY + 3, 3, DAY),
	    TOKEN_TOO_SOON);
	assert_int_equal(antispam_token_check(key, n, "news-1", T0 + DAY + 4, 3, DAY), TOKEN_OK);
	/* Its renewal again, before it ages: itself, its time kept. */
	assert_ptr_equal(antispam_token_renew(a, key, n, "news-1", T0 + DAY + 2, 3, DAY), n);
	/* Missing, forged or another article's: a fresh one, which must wait
	 * min_seconds like any new form. */
	const char *bad[] = { NULL, "", "garbage", antispam_token_make(a, key, "news-2", T0),
	    antispam_token_make(a, other_key, "news-1", T0) };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = antispam_token_renew(a, key, bad[i], "news-1", T0 + 50, 3, DAY);
		assert_int_equal(antispam_token_check(key, n, "news-1", T0 + 50, 3, DAY),
		    TOKEN_TOO_SOON);
		assert_int_equal(antispam_token_check(key, n, "news-1", T0 + 53, 3, DAY), TOKEN_OK);
	}
	arena_free(a);
}

static void
token_reasons(void **state)
{
	(void)state;
	assert_null(antispam_token_reason(TOKEN_OK));
	assert_null(antispam_token_reason(TOKEN_TOO_LATE));
	assert_string_equal(antispam_token_reason(TOKEN_MISSING), "token-missing");
	assert_string_equal(antispam_token_reason(TOKEN_FORGED), "token-forged");
	assert_string_equal(antispam_token_reason(TOKEN_OTHER_ARTICLE), "token-other-article");
	assert_string_equal(antispam_token_reason(TOKEN_TOO_SOON), "token-too-soon");
	assert_null(antispam_token_reason(TOKEN__MAX));
}

/* --- address groups --- */

static const char *
group(const char *addr, int v4, int v6)
{
	static char out[ANTISPAM_GROUP_MAX];
	memset(out, 'x', sizeof(out));
	antispam_address_group(addr, v4, v6, out);
	assert_true(strlen(out) < ANTISPAM_GROUP_MAX);
	return out;
}

static void
groups_ipv4(void **state)
{
	(void)state;
	char out[ANTISPAM_GROUP_MAX];
	assert_int_equal(antispam_address_group("203.0.113.77", 24, 64, out), 0);
	assert_string_equal(out, "203.0.113.0/24");
	assert_string_equal(group("203.0.113.1", 24, 64), "203.0.113.0/24");
	assert_string_equal(group("203.0.113.255", 24, 64), "203.0.113.0/24");
	assert_string_equal(group("203.0.114.1", 24, 64), "203.0.114.0/24");
	assert_string_equal(group("203.0.113.77", 32, 64), "203.0.113.77/32");
	assert_string_equal(group("203.0.113.77", 16, 64), "203.0.0.0/16");
	assert_string_equal(group("203.0.113.77", 20, 64), "203.0.112.0/20");
	assert_string_equal(group("203.0.113.77", 0, 64), "0.0.0.0/0");
	assert_string_equal(group("10.200.3.4", 8, 64), "10.0.0.0/8");
	assert_string_equal(group("255.255.255.255", 31, 64), "255.255.255.254/31");
	/* Out-of-range prefixes are clamped. */
	assert_string_equal(group("203.0.113.77", 40, 64), "203.0.113.77/32");
	assert_string_equal(group("203.0.113.77", -3, 64), "0.0.0.0/0");
	/* The IPv6 prefix does not touch IPv4. */
	assert_string_equal(group("203.0.113.77", 24, 128), "203.0.113.0/24");
}

static void
groups_ipv6(void **state)
{
	(void)state;
	char out[ANTISPAM_GROUP_MAX];
	assert_int_equal(antispam_address_group("2001:db8:1:2:3:4:5:6", 24, 64, out), 0);
	assert_string_equal(out, "2001:db8:1:2::/64");
	/* The same /64 however it is written. */
	static const char *const same[] = {
		"2001:db8:1:2::9", "2001:0db8:0001:0002:0000:0000:0000:0001",
		"2001:DB8:1:2::A", "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::",
		"2001:db8:1:2:0:0:0:1", "2001:db8:1:2::1%eth0",
	};
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		if (strcmp(group(same[i], 24, 64), "2001:db8:1:2::/64") != 0)
			fail_msg("%s → %s", same[i], group(same[i], 24, 64));
	assert_string_equal(group("2001:db8:1:3::1", 24, 64), "2001:db8:1:3::/64");
	assert_string_equal(group("2001:db8:1:2:3::", 24, 48), "2001:db8:1::/48");
	assert_string_equal(group("2001:db8:1:2:3::", 24, 56), "2001:db8:1::/56");
	assert_string_equal(group("2001:db8:1:2ff:3::", 24, 56), "2001:db8:1:200::/56");
	assert_string_equal(group("2001:db8::5", 24, 128), "2001:db8::5/128");
	assert_string_equal(group("2001:db8::5", 24, 200), "2001:db8::5/128");
	assert_string_equal(group("2001:db8::5", 24, 0), "::/0");
	assert_string_equal(group("::1", 24, 64), "::/64");
	assert_string_equal(group("fe80::1%eth0", 24, 64), "fe80::/64");
	/* IPv4-mapped: the same client as over IPv4, in every spelling. */
	assert_string_equal(group("::ffff:203.0.113.9", 24, 64), "203.0.113.0/24");
	assert_string_equal(group("::FFFF:203.0.113.200", 24, 64), "203.0.113.0/24");
	assert_string_equal(group("::ffff:cb00:7109", 24, 64), "203.0.113.0/24");
	assert_string_equal(group("0:0:0:0:0:ffff:cb00:7109", 24, 64), "203.0.113.0/24");
	assert_string_equal(group("::ffff:203.0.113.9", 32, 64), "203.0.113.9/32");
}

static void
groups_hostile(void **state)
{
	(void)state;
	char out[ANTISPAM_GROUP_MAX];
	assert_int_equal(antispam_address_group("", 24, 64, out), -1);
	assert_string_equal(out, "none");
	assert_int_equal(antispam_address_group(NULL, 24, 64, out), -1);
	assert_string_equal(out, "none");
	assert_int_equal(antispam_address_group("256.1.1.1", 24, 64, out), -1);
	assert_string_equal(out, "raw:256.1.1.1");
	assert_string_equal(group("1.2.3", 24, 64), "raw:1.2.3");
	assert_string_equal(group("1.2.3.4:80", 24, 64), "raw:1.2.3.4:80");
	assert_string_equal(group("[::1]", 24, 64), "raw:[::1]");
	assert_string_equal(group("unix:", 24, 64), "raw:unix:");
	assert_string_equal(group("2001:db8:::1", 24, 64), "raw:2001:db8:::1");
	assert_string_equal(group("a b\x01\"<>", 24, 64), "raw:a?b?\"<>");
	/* A zone alone is not an address. */
	assert_string_equal(group("%eth0", 24, 64), "raw:%eth0");
	/* Long input: bounded and printable. */
	char big[4096];
	memset(big, '7', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	const char *g = group(big, 24, 64);
	assert_int_equal(strlen(g), 4 + 64);
	assert_int_equal(strncmp(g, "raw:7777", 8), 0);
	memset(big, 0xd9, sizeof(big) - 1);
	g = group(big, 24, 64);
	assert_int_equal(strspn(g + 4, "?"), 64);
	/* An address followed by garbage after a zone: the zone is dropped. */
	assert_string_equal(group("::1%%%%", 24, 64), "::/64");
}

/* --- links --- */

static void
links(void **state)
{
	(void)state;
	static const struct { const char *body; size_t n; } t[] = {
		{ "", 0 },
		{ "no links here", 0 },
		{ "see http://a.com", 1 },
		{ "HTTPS://A.COM and www.b.ir", 2 },
		{ "Https://a.com/x?y=1#z", 1 },
		{ "http://www.a.com", 1 },
		{ "https://www.a.com www.a.com", 2 },
		{ "WWW.EXAMPLE.COM", 1 },
		/* Persian text around links, glued and spaced. */
		{ "لینک: www.example.ir و https://x.ir/مسیر", 2 },
		{ "سلامhttp://spam.ir", 1 },
		{ "سلام‌www.spam.ir", 1 },
		{ "«http://a.ir»، «www.b.ir»؛ http://c.ir؟", 3 },
		{ "http://نمونه.ایران", 1 },
		{ "www.نمونه.ایران", 1 },
		/* What is not a link. */
		{ "http://", 0 },
		{ "http:// a.com", 0 },
		{ "www.", 0 },
		{ "www. a", 0 },
		{ "awww.b.com", 0 },
		{ "a.www.b.com", 0 },
		{ "mail a@www.b.com", 0 },
		{ "x-www.b.com x_www.c.com /www.d.com", 0 },
		{ "httpx://a.com ftp://a.com", 0 },
		{ "http:/a.com", 0 },
		/* Redirects and pasted markup count every scheme. */
		{ "http://a.com/?r=http://b.com", 2 },
		{ "<a href=\"http://a\">x</a>", 1 },
		{ "[url=www.a.com]x[/url] [url=http://b.com]y[/url]", 2 },
		{ "(www.a.com)", 1 },
		{ "\nwww.a.com\nwww.b.com\n", 2 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t got = antispam_count_links(t[i].body);
		if (got != t[i].n)
			fail_msg("\"%s\": %zu links, expected %zu", t[i].body, got, t[i].n);
	}
	assert_int_equal(antispam_count_links(NULL), 0);

	/* Many links: counted in one pass. */
	struct buf b = { 0 };
	for (int i = 0; i < 5000; i++)
		buf_puts(&b, "http://x.ir ");
	assert_int_equal(antispam_count_links(buf_str(&b)), 5000);
	/* Invalid UTF-8 and stray bytes do not stop the count. */
	buf_reset(&b);
	buf_puts(&b, "\xff\xfe http://a.com \xc3 www.b.com \xe2\x80");
	assert_int_equal(antispam_count_links(buf_str(&b)), 2);
	buf_free(&b);
}

/* --- duplicates --- */

static int
same_hash(const char *x, const char *y)
{
	unsigned char hx[ANTISPAM_HASH_BYTES], hy[ANTISPAM_HASH_BYTES];
	antispam_body_hash(x, hx);
	antispam_body_hash(y, hy);
	return memcmp(hx, hy, sizeof(hx)) == 0;
}

static void
duplicates(void **state)
{
	(void)state;
	static const char *const same[][2] = {
		/* Spacing and punctuation. */
		{ "سلام دنیا", "سلام  دنیا" },
		{ "سلام دنیا", "سلام\nدنیا!" },
		{ "سلام دنیا", "  سلام، دنیا.  " },
		/* Arabic and Persian letter variants. */
		{ "كتاب جيد", "کتاب جید" },
		{ "مدرسة", "مدرسه" },
		{ "أخبار", "اخبار" },
		/* Tatweel, harakat, zero-width non-joiner. */
		{ "کتاب", "کـتـاب" },
		{ "کتاب", "کِتاب" },
		{ "می‌خواهم", "میخواهم" },
		/* Digits of three scripts. */
		{ "خبر ۱۲۳", "خبر 123" },
		{ "خبر ١٢٣", "خبر 123" },
		/* Case and compatibility forms in English. */
		{ "Hello World", "hello world." },
		{ "HELLO\tWORLD", "hello world" },
		{ "ｈｅｌｌｏ", "hello" },
		{ "!!!", "!!!" },
	};
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		if (!same_hash(same[i][0], same[i][1]))
			fail_msg("\"%s\" and \"%s\" should be duplicates", same[i][0], same[i][1]);
	static const char *const differ[][2] = {
		{ "سلام", "سلام دنیا" },
		{ "کتاب خوب", "کتاب بد" },
		{ "helloworld", "hello world" },
		{ "123", "1234" },
		/* Bodies that fold to nothing are compared as written. */
		{ "!!!", "???" },
		{ "", "x" },
	};
	for (size_t i = 0; i < sizeof(differ) / sizeof(differ[0]); i++)
		if (same_hash(differ[i][0], differ[i][1]))
			fail_msg("\"%s\" and \"%s\" should differ", differ[i][0], differ[i][1]);
	assert_true(same_hash(NULL, ""));
}

/* --- trust and the decision --- */

/* A post key covers the token and every field, each with its length; no
 * token, no key. */
static void
post_keys(void **state)
{
	(void)state;
	unsigned char k1[ANTISPAM_POST_KEY_BYTES], k2[ANTISPAM_POST_KEY_BYTES];
	const char *a[] = { "art", "", "Ali", NULL, "سلام" };
	const char *b[] = { "art", "", "Ali", "", "سلام" };
	const char *c[] = { "art", "", "Al", "i", "سلام" };
	const char *d[] = { "art", "", "Ali", NULL, "سلام!" };
	assert_true(antispam_post_key(key, "tok", a, 5, k1));
	assert_true(antispam_post_key(key, "tok", b, 5, k2));
	assert_memory_equal(k1, k2, sizeof(k1));	/* NULL is "" */
	assert_true(antispam_post_key(key, "tok", c, 5, k2));
	assert_memory_not_equal(k1, k2, sizeof(k1));
	assert_true(antispam_post_key(key, "tok", d, 5, k2));
	assert_memory_not_equal(k1, k2, sizeof(k1));
	assert_true(antispam_post_key(key, "tok2", a, 5, k2));
	assert_memory_not_equal(k1, k2, sizeof(k1));
	assert_true(antispam_post_key(other_key, "tok", a, 5, k2));
	assert_memory_not_equal(k1, k2, sizeof(k1));
	assert_true(antispam_post_key(key, "tok", a, 4, k2));
	assert_memory_not_equal(k1, k2, sizeof(k1));
	assert_false(antispam_post_key(key, NULL, a, 5, k2));
	assert_false(antispam_post_key(key, "", a, 5, k2));
}

static void
trusted(void **state)
{
	(void)state;
	assert_true(antispam_trusted("a@b.ir", 3, true, 3));
	assert_true(antispam_trusted("a@b.ir", 10, true, 3));
	assert_false(antispam_trusted("a@b.ir", 2, true, 3));
	/* The e-mail alone proves nothing: the cookie must list a comment. */
	assert_false(antispam_trusted("a@b.ir", 3, false, 3));
	assert_false(antispam_trusted("a@b.ir", 100, false, 3));
	/* Without an e-mail nobody is trusted. */
	assert_false(antispam_trusted("", 3, true, 3));
	assert_false(antispam_trusted(NULL, 3, true, 3));
	assert_true(antispam_trusted("a@b.ir", 1, true, 1));
	assert_false(antispam_trusted("a@b.ir", 0, true, 0));
}

static struct antispam_decision
decide(const char *honeypot, enum token_verdict token, size_t links, int max_links,
    enum moderation_mode mode)
{
	struct antispam_input in = {
		.honeypot = honeypot, .token = token, .links = links, .max_links = max_links,
		.mode = mode,
	};
	struct antispam_decision d;
	memset(&d, 0x5a, sizeof(d));
	antispam_decide(&in, &d);
	return d;
}

static void
decisions(void **state)
{
	(void)state;
	struct antispam_decision d;
	/* A person in each mode. */
	d = decide(NULL, TOKEN_OK, 0, 2, MODERATION_PRE);
	assert_false(d.expired);
	assert_int_equal(d.status, COMMENT_PENDING);
	assert_string_equal(d.reason, "");
	assert_false(d.ask_trust);
	d = decide("", TOKEN_OK, 2, 2, MODERATION_POST);
	assert_int_equal(d.status, COMMENT_APPROVED);
	assert_string_equal(d.reason, "");
	d = decide(NULL, TOKEN_OK, 1, 2, MODERATION_TRUSTED);
	assert_int_equal(d.status, COMMENT_PENDING);
	assert_true(d.ask_trust);
	assert_string_equal(d.reason, "");

	/* The honeypot wins over everything, in every mode. */
	const enum moderation_mode modes[] = { MODERATION_PRE, MODERATION_POST,
	    MODERATION_TRUSTED };
	for (size_t m = 0; m < 3; m++) {
		for (int t = 0; t < TOKEN__MAX; t++) {
			d = decide("http://spam", (enum token_verdict)t, 9, 2, modes[m]);
			assert_int_equal(d.status, COMMENT_SPAM);
			assert_string_equal(d.reason, "honeypot");
			assert_false(d.expired);
			assert_false(d.ask_trust);
		}
		d = decide(" ", TOKEN_OK, 0, 2, modes[m]);
		assert_int_equal(d.status, COMMENT_SPAM);
	}
	/* Bad tokens are spam, named; before the link rule. */
	static const struct { enum token_verdict t; const char *reason; } bad[] = {
		{ TOKEN_MISSING, "token-missing" }, { TOKEN_FORGED, "token-forged" },
		{ TOKEN_OTHER_ARTICLE, "token-other-article" },
		{ TOKEN_TOO_SOON, "token-too-soon" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		d = decide(NULL, bad[i].t, 5, 2, MODERATION_POST);
		assert_int_equal(d.status, COMMENT_SPAM);
		assert_string_equal(d.reason, bad[i].reason);
		assert_false(d.expired);
	}
	/* Too late: the form goes back, whatever else. */
	d = decide(NULL, TOKEN_TOO_LATE, 5, 2, MODERATION_POST);
	assert_true(d.expired);
	assert_false(d.ask_trust);
	/* Links: more than max_links holds, even in post and trusted mode. */
	d = decide(NULL, TOKEN_OK, 3, 2, MODERATION_POST);
	assert_int_equal(d.status, COMMENT_PENDING);
	assert_string_equal(d.reason, "links");
	d = decide(NULL, TOKEN_OK, 3, 2, MODERATION_TRUSTED);
	assert_int_equal(d.status, COMMENT_PENDING);
	assert_string_equal(d.reason, "links");
	assert_false(d.ask_trust);
	d = decide(NULL, TOKEN_OK, 1, 0, MODERATION_POST);
	assert_string_equal(d.reason, "links");
	d = decide(NULL, TOKEN_OK, 1, -4, MODERATION_POST);
	assert_string_equal(d.reason, "links");
	d = decide(NULL, TOKEN_OK, 0, 0, MODERATION_POST);
	assert_int_equal(d.status, COMMENT_APPROVED);
}

/* --- the store: counting windows --- */


static int
store_setup(void **state)
{
	*state = store_fixture_new("antispam");
	return 0;
}

static int
store_teardown(void **state)
{
	store_fixture_free(*state);
	return 0;
}

static const unsigned char hash_a[STORE_BODY_HASH_BYTES] = "aaaaaaaaaaaaaaa";
static const unsigned char hash_b[STORE_BODY_HASH_BYTES] = "bbbbbbbbbbbbbbb";

/* Posts through store_post_comment; returns the verdict (id in *id). */
static enum post_verdict
post(struct store_fixture *f, const struct post_guard *g, const char *article, enum comment_status s,
    time_t when, int64_t parent, int64_t *id, int *retry)
{
	struct comment c = {
		.article = (char *)article, .parent = parent, .name = (char *)"n",
		.email = (char *)"", .body = (char *)"b", .status = s, .reason = (char *)"",
	};
	enum post_verdict v;
	int r;
	assert_int_equal(store_post_comment(f->st, &c, g, when, &v, &r), STORE_OK);
	if (v == POST_STORED)
		assert_true(c.id > 0);
	else
		assert_int_equal(c.id, 0);
	if (id != NULL)
		*id = c.id;
	if (retry != NULL)
		*retry = r;
	return v;
}

static long long
recent(struct store_fixture *f, const char *grp, const char *article, time_t since)
{
	long long n = -1;
	assert_int_equal(store_count_recent(f->st, grp, article, since, &n), STORE_OK);
	return n;
}

static size_t
rows(struct store_fixture *f)
{
	struct comment *r;
	size_t n;
	assert_int_equal(store_list(f->st, f->a, -1, NULL, 100000, &r, &n), STORE_OK);
	return n;
}

static void
store_windows(void **state)
{
	struct store_fixture *f = *state;
	struct post_guard g = { .addr_group = "203.0.113.0/24", .body_hash = hash_a };
	const time_t at[] = { T0 - 3600, T0 - 61, T0 - 60, T0 - 59, T0 - 1, T0 };
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		assert_int_equal(post(f, &g, "a", COMMENT_PENDING, at[i], 0, NULL, NULL),
		    POST_STORED);
	/* A window counts what is strictly newer than its start. */
	assert_int_equal(recent(f, "203.0.113.0/24", NULL, T0 - 60), 3);
	assert_int_equal(recent(f, "203.0.113.0/24", NULL, T0 - 61), 4);
	assert_int_equal(recent(f, "203.0.113.0/24", NULL, T0 - 3600), 5);
	assert_int_equal(recent(f, "203.0.113.0/24", NULL, T0 - 3601), 6);
	assert_int_equal(recent(f, "203.0.113.0/24", "a", T0 - 60), 3);
	assert_int_equal(recent(f, "203.0.113.0/24", "b", T0 - 60), 0);
	assert_int_equal(recent(f, "203.0.114.0/24", NULL, 0), 0);
	/* Comments that did not come through the form have no group. */
	struct comment c = { .article = (char *)"a", .name = (char *)"n", .body = (char *)"b",
	    .status = COMMENT_APPROVED };
	assert_int_equal(store_insert_comment(f->st, &c, T0), STORE_OK);
	assert_int_equal(recent(f, "203.0.113.0/24", NULL, 0), 6);
	assert_int_equal(recent(f, "", NULL, 0), 0);

	/* Duplicates: by text, from the group or among the reader's own ids;
	 * another group's on the same article is not. */
	long long n = -1;
	assert_int_equal(store_count_duplicates(f->st, hash_a, "203.0.113.0/24", NULL, 0,
	    T0 - 60, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(store_count_duplicates(f->st, hash_a, "x", NULL, 0, T0 - 60, &n),
	    STORE_OK);
	assert_int_equal(n, 0);
	const int64_t own[] = { 6, 1, 999 };
	assert_int_equal(store_count_duplicates(f->st, hash_a, "x", own, 3, T0 - 60, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_count_duplicates(f->st, hash_a, "x", own, 3, 0, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_count_duplicates(f->st, hash_b, "203.0.113.0/24", own, 3, 0, &n),
	    STORE_OK);
	assert_int_equal(n, 0);
}

static void
store_rate_limits(void **state)
{
	struct store_fixture *f = *state;
	struct post_guard g = { .addr_group = "g1", .body_hash = NULL, .per_minute = 3 };
	int retry = -1;
	assert_int_equal(post(f, &g, "a", COMMENT_PENDING, T0, 0, NULL, NULL), POST_STORED);
	assert_int_equal(post(f, &g, "b", COMMENT_PENDING, T0 + 10, 0, NULL, NULL), POST_STORED);
	assert_int_equal(post(f, &g, "c", COMMENT_SPAM, T0 + 20, 0, NULL, NULL), POST_STORED);
	/* The fourth in the minute: refused, nothing written, and told when
	 * the first leaves the window. */
	size_t before = rows(f);
	assert_int_equal(post(f, &g, "a", COMMENT_PENDING, T0 + 30, 0, NULL, &retry),
	    POST_LIMIT_MINUTE);
	assert_int_equal(retry, 30);
	assert_int_equal(rows(f), before);
	assert_int_equal(post(f, &g, "a", COMMENT_PENDING, T0 + 59, 0, NULL, &retry),
	    POST_LIMIT_MINUTE);
	assert_int_equal(retry, 1);
	/* Another group is not affected. */
	struct post_guard g2 = g;
	g2.addr_group = "g2";
	assert_int_equal(post(f, &g2, "a", COMMENT_PENDING, T0 + 30, 0, NULL, NULL),
	    POST_STORED);
	/* A minute after the first, one more fits; then full again until the
	 * second leaves. */
	assert_int_equal(post(f, &g, "a", COMMENT_PENDING, T0 + 60, 0, NULL, NULL), POST_STORED);
	assert_int_equal(post(f, &g, "a", COMMENT_PENDING, T0 + 61, 0, NULL, &retry),
	    POST_LIMIT_MINUTE);
	assert_int_equal(retry, 9);

	/* Per hour, with the minute limit off. */
	struct post_guard h = { .addr_group = "h", .per_hour = 2 };
	assert_int_equal(post(f, &h, "a", COMMENT_PENDING, T0, 0, NULL, NULL), POST_STORED);
	assert_int_equal(post(f, &h, "b", COMMENT_PENDING, T0 + 100, 0, NULL, NULL), POST_STORED);
	assert_int_equal(post(f, &h, "c", COMMENT_PENDING, T0 + 200, 0, NULL, &retry),
	    POST_LIMIT_HOUR);
	assert_int_equal(retry, 3400);
	assert_int_equal(post(f, &h, "c", COMMENT_PENDING, T0 + 3600, 0, NULL, NULL),
	    POST_STORED);

	/* Per article per minute: only that article is closed to the group. */
	struct post_guard p = { .addr_group = "p", .per_minute = 10,
	    .per_article_per_minute = 2 };
	assert_int_equal(post(f, &p, "x", COMMENT_PENDING, T0, 0, NULL, NULL), POST_STORED);
	assert_int_equal(post(f, &p, "x", COMMENT_PENDING, T0 + 5, 0, NULL, NULL), POST_STORED);
	assert_int_equal(post(f, &p, "x", COMMENT_PENDING, T0 + 6, 0, NULL, &retry),
	    POST_LIMIT_ARTICLE);
	assert_int_equal(retry, 54);
	assert_int_equal(post(f, &p, "y", COMMENT_PENDING, T0 + 6, 0, NULL, NULL), POST_STORED);
	struct post_guard p2 = p;
	p2.addr_group = "p2";
	assert_int_equal(post(f, &p2, "x", COMMENT_PENDING, T0 + 6, 0, NULL, NULL), POST_STORED);

	/* The minute limit is checked first, then the hour, then the article. */
	struct post_guard all = { .addr_group = "all", .per_minute = 1, .per_hour = 1,
	    .per_article_per_minute = 1 };
	assert_int_equal(post(f, &all, "x", COMMENT_PENDING, T0, 0, NULL, NULL), POST_STORED);
	assert_int_equal(post(f, &all, "x", COMMENT_PENDING, T0 + 1, 0, NULL, NULL),
	    POST_LIMIT_MINUTE);
	assert_int_equal(post(f, &all, "x", COMMENT_PENDING, T0 + 61, 0, NULL, &retry),
	    POST_LIMIT_HOUR);
	assert_int_equal(retry, 3539);
	/* Everyone on one article: other groups count together; other
	 * articles and comments without a group (nazarctl, moderators) do
	 * not. */
	struct post_guard e1 = { .addr_group = "e1", .article_per_minute = 3 };
	struct post_guard e2 = e1, e3 = e1;
	e2.addr_group = "e2";
	e3.addr_group = "e3";
	struct comment mod = { .article = (char *)"busy", .name = (char *)"m",
	    .body = (char *)"b", .status = COMMENT_APPROVED };
	assert_int_equal(store_insert_comment(f->st, &mod, T0 + 5000), STORE_OK);
	assert_int_equal(post(f, &e1, "busy", COMMENT_PENDING, T0 + 5000, 0, NULL, NULL),
	    POST_STORED);
	assert_int_equal(post(f, &e2, "busy", COMMENT_PENDING, T0 + 5010, 0, NULL, NULL),
	    POST_STORED);
	assert_int_equal(post(f, &e3, "other", COMMENT_PENDING, T0 + 5015, 0, NULL, NULL),
	    POST_STORED);
	assert_int_equal(post(f, &e3, "busy", COMMENT_PENDING, T0 + 5020, 0, NULL, NULL),
	    POST_STORED);
	assert_int_equal(post(f, &e1, "busy", COMMENT_PENDING, T0 + 5030, 0, NULL, &retry),
	    POST_LIMIT_ARTICLE_ALL);
	assert_int_equal(retry, 30);
	assert_int_equal(post(f, &e1, "busy", COMMENT_PENDING, T0 + 5060, 0, NULL, NULL),
	    POST_STORED);

	/* Zero means no limit. */
	struct post_guard none = { .addr_group = "none" };
	for (int i = 0; i < 50; i++)
		assert_int_equal(post(f, &none, "x", COMMENT_PENDING, T0, 0, NULL, NULL),
		    POST_STORED);
}

static void
store_duplicates(void **state)
{
	struct store_fixture *f = *state;
	struct post_guard g = { .addr_group = "g1", .body_hash = hash_a,
	    .duplicate_window = 600 };
	assert_int_equal(post(f, &g, "a", COMMENT_PENDING, T0, 0, NULL, NULL), POST_STORED);
	size_t before = rows(f);
	/* Same group, another article. */
	assert_int_equal(post(f, &g, "b", COMMENT_PENDING, T0 + 10, 0, NULL, NULL),
	    POST_DUPLICATE);
	assert_int_equal(rows(f), before);
	/* Another group on the same article: another reader, who may say the
	 * same words ("عالی بود"). */
	struct post_guard g2 = g;
	g2.addr_group = "g2";
	int64_t first2;
	assert_int_equal(post(f, &g2, "a", COMMENT_PENDING, T0 + 10, 0, &first2, NULL),
	    POST_STORED);
	/* That reader again from a third network, known by their cookie. */
	struct post_guard g2c = g;
	g2c.addr_group = "g3";
	g2c.own_ids = &first2;
	g2c.own_count = 1;
	assert_int_equal(post(f, &g2c, "b", COMMENT_PENDING, T0 + 20, 0, NULL, NULL),
	    POST_DUPLICATE);
	g2c.own_count = 0;
	assert_int_equal(post(f, &g2c, "b", COMMENT_PENDING, T0 + 20, 0, NULL, NULL),
	    POST_STORED);
	/* Another text. */
	struct post_guard g3 = g;
	g3.body_hash = hash_b;
	assert_int_equal(post(f, &g3, "a", COMMENT_PENDING, T0 + 10, 0, NULL, NULL),
	    POST_STORED);
	/* After the window. */
	assert_int_equal(post(f, &g, "a", COMMENT_PENDING, T0 + 600, 0, NULL, NULL),
	    POST_STORED);
	/* With the check off, the same text is stored again. */
	struct post_guard off = g;
	off.duplicate_window = 0;
	assert_int_equal(post(f, &off, "a", COMMENT_PENDING, T0 + 601, 0, NULL, NULL),
	    POST_STORED);
	/* Limits are checked before duplicates. */
	struct post_guard both = { .addr_group = "both", .body_hash = hash_b,
	    .duplicate_window = 600, .per_minute = 1 };
	assert_int_equal(post(f, &both, "q", COMMENT_PENDING, T0 + 1000, 0, NULL, NULL),
	    POST_STORED);
	assert_int_equal(post(f, &both, "q", COMMENT_PENDING, T0 + 1001, 0, NULL, NULL),
	    POST_LIMIT_MINUTE);
}

static void
store_post_details(void **state)
{
	struct store_fixture *f = *state;
	struct post_guard g = { .addr_group = "2001:db8::/64", .body_hash = hash_a };
	struct comment c = {
		.article = (char *)"a", .name = (char *)"سارا", .email = (char *)"s@x.ir",
		.body = (char *)"متن", .status = COMMENT_PENDING, .reason = (char *)"links",
		.remote_addr = (char *)"2001:db8::5", .user_agent = (char *)"UA",
	};
	enum post_verdict v;
	int retry;
	assert_int_equal(store_post_comment(f->st, &c, &g, T0, &v, &retry), STORE_OK);
	assert_int_equal(v, POST_STORED);
	struct comment got;
	assert_int_equal(store_get_comment(f->st, f->a, c.id, &got), STORE_OK);
	assert_string_equal(got.reason, "links");
	assert_string_equal(got.name, "سارا");
	assert_string_equal(got.remote_addr, "2001:db8::5");
	assert_int_equal(got.created, T0);
	assert_int_equal(got.status, COMMENT_PENDING);
	assert_false(got.site_reply);
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(f->st->db, "SELECT addr_group, length(body_hash)"
	    " FROM comments WHERE id = ?1", -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_int64(s, 1, c.id);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), "2001:db8::/64");
	assert_int_equal(sqlite3_column_int(s, 1), STORE_BODY_HASH_BYTES);
	sqlite3_finalize(s);

	/* Replies follow store_insert_comment's rule. */
	int64_t pending = c.id, other, ok;
	size_t before = rows(f);
	struct comment r = { .article = (char *)"a", .parent = pending, .name = (char *)"n",
	    .body = (char *)"b", .status = COMMENT_PENDING };
	assert_int_equal(store_post_comment(f->st, &r, &g, T0, &v, &retry), STORE_CONFLICT);
	assert_int_equal(rows(f), before);
	assert_int_equal(post(f, &g, "other", COMMENT_APPROVED, T0, 0, &other, NULL),
	    POST_STORED);
	r.parent = other;
	assert_int_equal(store_post_comment(f->st, &r, &g, T0, &v, &retry), STORE_CONFLICT);
	r.parent = 999999;
	assert_int_equal(store_post_comment(f->st, &r, &g, T0, &v, &retry), STORE_CONFLICT);
	r.parent = -1;
	assert_int_equal(store_post_comment(f->st, &r, &g, T0, &v, &retry), STORE_CONFLICT);
	assert_int_equal(post(f, &g, "a", COMMENT_APPROVED, T0, 0, &ok, NULL), POST_STORED);
	r.parent = ok;
	assert_int_equal(store_post_comment(f->st, &r, &g, T0, &v, &retry), STORE_OK);
	assert_int_equal(v, POST_STORED);
	/* Incomplete input is an error, not a crash. */
	struct comment bad = { .article = NULL, .name = (char *)"n", .body = (char *)"b" };
	assert_int_equal(store_post_comment(f->st, &bad, &g, T0, &v, &retry), STORE_ERROR);
	struct post_guard nogroup = { .addr_group = NULL };
	assert_int_equal(store_post_comment(f->st, &r, &nogroup, T0, &v, &retry), STORE_ERROR);
}

static void
store_locked(void **state)
{
	struct store_fixture *f = *state;
	struct store *quick;
	char err[256];
	assert_int_equal(store_open(f->path, 10, &quick, err, sizeof(err)), STORE_OK);
	/* Another writer holds the lock: busy, nothing written, and the
	 * connection usable afterwards. */
	assert_int_equal(sqlite3_exec(f->st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	struct comment c = { .article = (char *)"a", .name = (char *)"n", .body = (char *)"b",
	    .status = COMMENT_PENDING };
	struct post_guard g = { .addr_group = "g", .body_hash = hash_a, .per_minute = 5,
	    .duplicate_window = 60 };
	enum post_verdict v;
	int retry;
	assert_int_equal(store_post_comment(quick, &c, &g, T0, &v, &retry), STORE_BUSY);
	assert_int_equal(c.id, 0);
	assert_int_equal(sqlite3_exec(f->st->db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(store_post_comment(quick, &c, &g, T0, &v, &retry), STORE_OK);
	assert_int_equal(v, POST_STORED);
	assert_true(c.id > 0);
	store_close(quick);
}

static void
store_standing(void **state)
{
	struct store_fixture *f = *state;
	struct post_guard g = { .addr_group = "g" };
	int64_t ids[6];
	const struct { const char *name, *email; enum comment_status s; } t[] = {
		{ "سارا", "Sara@Example.org", COMMENT_APPROVED },
		{ "سارا", "sara@example.org", COMMENT_APPROVED },
		{ "سارا", "sara@example.org", COMMENT_APPROVED },
		{ "سارا", "sara@example.org", COMMENT_PENDING },
		{ "سارا ", "sara@example.org", COMMENT_APPROVED },
		{ "Sara", "sara@example.org", COMMENT_APPROVED },
	};
	for (size_t i = 0; i < 6; i++) {
		struct comment c = { .article = (char *)"a", .name = (char *)t[i].name,
		    .email = (char *)t[i].email, .body = (char *)"b", .status = t[i].s };
		enum post_verdict v;
		int retry;
		assert_int_equal(store_post_comment(f->st, &c, &g, T0, &v, &retry), STORE_OK);
		ids[i] = c.id;
	}
	long long n;
	bool listed;
	/* Three approved under exactly this name, e-mail in any ASCII case. */
	assert_int_equal(store_author_standing(f->st, "سارا", "SARA@example.ORG", ids, 1, 3, &n,
	    &listed), STORE_OK);
	assert_int_equal(n, 3);
	assert_true(listed);
	assert_int_equal(store_author_standing(f->st, "سارا", "sara@example.org", ids, 1, 10, &n,
	    &listed), STORE_OK);
	assert_int_equal(n, 3);
	/* Counted only up to what is needed. */
	assert_int_equal(store_author_standing(f->st, "سارا", "sara@example.org", ids, 1, 2, &n,
	    &listed), STORE_OK);
	assert_int_equal(n, 2);
	/* A cookie listing only a pending one, or someone else's, proves nothing. */
	assert_int_equal(store_author_standing(f->st, "سارا", "sara@example.org", ids + 3, 3, 3,
	    &n, &listed), STORE_OK);
	assert_int_equal(n, 3);
	assert_false(listed);
	assert_int_equal(store_author_standing(f->st, "سارا", "sara@example.org", NULL, 0, 3,
	    &n, &listed), STORE_OK);
	assert_false(listed);
	const int64_t junk[] = { -1, 0, INT64_MAX };
	assert_int_equal(store_author_standing(f->st, "سارا", "sara@example.org", junk, 3, 3,
	    &n, &listed), STORE_OK);
	assert_false(listed);
	/* Another name, another e-mail, no e-mail. */
	assert_int_equal(store_author_standing(f->st, "Sara", "sara@example.org", ids + 5, 1, 3,
	    &n, &listed), STORE_OK);
	assert_int_equal(n, 1);
	assert_true(listed);
	assert_int_equal(store_author_standing(f->st, "سارا", "sara@example.com", ids, 3, 3, &n,
	    &listed), STORE_OK);
	assert_int_equal(n, 0);
	assert_false(listed);
	assert_int_equal(store_author_standing(f->st, "سارا", "", ids, 3, 3, &n, &listed),
	    STORE_OK);
	assert_int_equal(n, 0);
	assert_false(listed);
}

static void
catalogs(void **state)
{
	(void)state;
	const char *srcdir = getenv("NAZAR_SRCDIR");
	if (srcdir == NULL || *srcdir == '\0') {
		skip();
		return;
	}
	static const char *const keys[] = { "honeypot", "error.form_expired",
	    "error.rate_limited", "error.duplicate" };
	static const char *const locales[] = { "fa", "en" };
	for (size_t l = 0; l < 2; l++) {
		char path[1024], err[256];
		snprintf(path, sizeof(path), "%s/templates/i18n/%s.ini", srcdir, locales[l]);
		struct catalog *c = catalog_load(path, err, sizeof(err));
		if (c == NULL)
			fail_msg("%s", err);
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!catalog_has(c, keys[i]))
				fail_msg("%s: no %s", path, keys[i]);
		catalog_free(c);
	}
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(token_round_trip),
		cmocka_unit_test(token_article_binding),
		cmocka_unit_test(token_forgery),
		cmocka_unit_test(token_renew),
		cmocka_unit_test(token_reasons),
		cmocka_unit_test(groups_ipv4),
		cmocka_unit_test(groups_ipv6),
		cmocka_unit_test(groups_hostile),
		cmocka_unit_test(links),
		cmocka_unit_test(duplicates),
		cmocka_unit_test(post_keys),
		cmocka_unit_test(trusted),
		cmocka_unit_test(decisions),
		cmocka_unit_test_setup_teardown(store_windows, store_setup, store_teardown),
		cmocka_unit_test_setup_teardown(store_rate_limits, store_setup, store_teardown),
		cmocka_unit_test_setup_teardown(store_duplicates, store_setup, store_teardown),
		cmocka_unit_test_setup_teardown(store_post_details, store_setup, store_teardown),
		cmocka_unit_test_setup_teardown(store_locked, store_setup, store_teardown),
		cmocka_unit_test_setup_teardown(store_standing, store_setup, store_teardown),
		cmocka_unit_test(catalogs),
	};
	return cmocka_run_group_tests_name("antispam", tests, NULL, NULL);
}
