/* test_blocklist.c — the blocklist's patterns and matching: every folding
 * case of the issue in Persian and English, whole words against
 * substrings, phrases, e-mail addresses, domains and subdomains, IPv4 and
 * IPv6 ranges at their edges, spam beating hold, hostile patterns, and a
 * list of 10,000 entries checked against a slow, obvious matcher. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "arena.h"
#include "blocklist.h"
#include "buf.h"
#include "fold.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* --- helpers --- */

static const char *
canon(struct arena *a, enum blocklist_kind k, const char *pattern)
{
	const char *clean, *folded;
	enum blocklist_pattern_status st = blocklist_normalize(a, k, pattern, &clean, &folded);
	if (st != BLOCK_PATTERN_OK)
		fail_msg("\"%s\" refused: %s", pattern, blocklist_pattern_message(st));
	assert_non_null(clean);
	return folded;
}

static void
refused(struct arena *a, enum blocklist_kind k, const char *pattern,
    enum blocklist_pattern_status want)
{
	const char *clean = "x", *folded = "x";
	enum blocklist_pattern_status st = blocklist_normalize(a, k, pattern, &clean, &folded);
	if (st != want)
		fail_msg("\"%s\" (%s): got %d, want %d", pattern, blocklist_kind_name(k), (int)st,
		    (int)want);
	assert_null(clean);
	assert_null(folded);
}

/* A list built from "kind:action:pattern" lines, ids 1, 2, … in order. */
static struct blocklist *
list_of(const char *const *lines, size_t n)
{
	struct arena *a = arena_new();
	struct blocklist_entry *e = arena_calloc(a, n ? n : 1, sizeof(*e));
	for (size_t i = 0; i < n; i++) {
		char kind[16], action[16];
		const char *p = lines[i];
		size_t kl = strcspn(p, ":");
		assert_true(kl < sizeof(kind));
		memcpy(kind, p, kl);
		kind[kl] = '\0';
		p += kl + 1;
		size_t al = strcspn(p, ":");
		assert_true(al < sizeof(action));
		memcpy(action, p, al);
		action[al] = '\0';
		p += al + 1;
		e[i].id = (int64_t)i + 1;
		assert_int_equal(blocklist_kind_parse(kind, &e[i].kind), 0);
		assert_int_equal(blocklist_action_parse(action, &e[i].action), 0);
		e[i].pattern = arena_strdup(a, p);
		e[i].folded = (char *)canon(a, e[i].kind, p);
	}
	size_t skipped = 99;
	struct blocklist *bl = blocklist_compile(e, n, &skipped);
	assert_int_equal(skipped, 0);
	assert_int_equal(blocklist_size(bl), n);
	arena_free(a);	/* the list keeps its own copies */
	return bl;
}

/* The id of the entry matching, 0 for none. */
static int64_t
hit(const struct blocklist *bl, const char *name, const char *email, const char *body,
    const char *addr)
{
	const struct blocklist_subject s = { name, email, body, addr };
	struct blocklist_match m;
	if (!blocklist_match(bl, &s, &m)) {
		assert_int_equal(m.id, 0);
		assert_null(m.pattern);
		return 0;
	}
	assert_non_null(m.pattern);
	return m.id;
}

static int64_t
body_hit(const struct blocklist *bl, const char *body)
{
	return hit(bl, NULL, NULL, body, NULL);
}

static int64_t
addr_hit(const struct blocklist *bl, const char *addr)
{
	return hit(bl, NULL, NULL, NULL, addr);
}

static int64_t
email_hit(const struct blocklist *bl, const char *email)
{
	return hit(bl, NULL, email, NULL, NULL);
}

/* --- names --- */

static void
names(void **state)
{
	(void)state;
	enum blocklist_kind k;
	enum blocklist_action a;
	assert_string_equal(blocklist_kind_name(BLOCK_WORD), "word");
	assert_string_equal(blocklist_kind_name(BLOCK_EMAIL), "email");
	assert_string_equal(blocklist_kind_name(BLOCK_ADDRESS), "address");
	assert_string_equal(blocklist_kind_name(BLOCK_KIND__MAX), "");
	assert_string_equal(blocklist_action_name(BLOCK_HOLD), "hold");
	assert_string_equal(blocklist_action_name(BLOCK_SPAM), "spam");
	assert_int_equal(blocklist_kind_parse("address", &k), 0);
	assert_int_equal(k, BLOCK_ADDRESS);
	assert_int_equal(blocklist_kind_parse("Word", &k), -1);
	assert_int_equal(blocklist_kind_parse("", &k), -1);
	assert_int_equal(blocklist_kind_parse(NULL, &k), -1);
	assert_int_equal(blocklist_action_parse("spam", &a), 0);
	assert_int_equal(a, BLOCK_SPAM);
	assert_int_equal(blocklist_action_parse("reject", &a), -1);
	assert_int_equal(blocklist_action_parse("spam ", &a), -1);
	for (int s = 0; s < BLOCK_PATTERN__MAX; s++) {
		assert_non_null(strstr(blocklist_pattern_message_key(s), "admin."));
		assert_true(strlen(blocklist_pattern_message(s)) > 5);
	}
}

/* --- patterns --- */

static void
word_patterns(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	/* The issue's forms of one word all become one entry. */
	assert_string_equal(canon(a, BLOCK_WORD, "کلاهبردار"), "کلاهبردار");
	assert_string_equal(canon(a, BLOCK_WORD, "كلاهبردار"), "کلاهبردار");
	assert_string_equal(canon(a, BLOCK_WORD, "کلاه\xe2\x80\x8c" "بردار"), "کلاهبردار");
	assert_string_equal(canon(a, BLOCK_WORD, "كـلاهـبـردار"), "کلاهبردار");
	assert_string_equal(canon(a, BLOCK_WORD, "  WordPress  "), "wordpress");
	assert_string_equal(canon(a, BLOCK_WORD, "Free   MONEY!!"), "free money");
	assert_string_equal(canon(a, BLOCK_WORD, "۱۲۳"), "123");
	/* What the moderator sees is the pattern cleaned, not folded. */
	const char *clean, *folded;
	assert_int_equal(blocklist_normalize(a, BLOCK_WORD, " \xe2\x80\xae" "كلاهبردار ",
	    &clean, &folded), BLOCK_PATTERN_OK);
	assert_string_equal(clean, "كلاهبردار");
	assert_string_equal(folded, "کلاهبردار");
	arena_free(a);
}

static void
email_patterns(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	assert_string_equal(canon(a, BLOCK_EMAIL, "Spammer@Example.COM"), "spammer@example.com");
	assert_string_equal(canon(a, BLOCK_EMAIL, "@Example.com"), "example.com");
	assert_string_equal(canon(a, BLOCK_EMAIL, "example.com"), "example.com");
	assert_string_equal(canon(a, BLOCK_EMAIL, "*.example.com"), "example.com");
	assert_string_equal(canon(a, BLOCK_EMAIL, "example.com."), "example.com");
	assert_string_equal(canon(a, BLOCK_EMAIL, "xyz"), "xyz");	/* a whole TLD */
	assert_string_equal(canon(a, BLOCK_EMAIL, "a.b+tag@mail.example.ir"),
	    "a.b+tag@mail.example.ir");
	arena_free(a);
}

static void
address_patterns(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	assert_string_equal(canon(a, BLOCK_ADDRESS, "203.0.113.7"), "203.0.113.7");
	assert_string_equal(canon(a, BLOCK_ADDRESS, "203.0.113.7/32"), "203.0.113.7");
	/* Host bits cleared: the range is what it blocks. */
	assert_string_equal(canon(a, BLOCK_ADDRESS, "203.0.113.7/24"), "203.0.113.0/24");
	assert_string_equal(canon(a, BLOCK_ADDRESS, "198.51.100.200/26"), "198.51.100.192/26");
	assert_string_equal(canon(a, BLOCK_ADDRESS, "10.1.2.3/8"), "10.0.0.0/8");
	assert_string_equal(canon(a, BLOCK_ADDRESS, "2001:DB8::1"), "2001:db8::1");
	assert_string_equal(canon(a, BLOCK_ADDRESS, "2001:db8:0:0:0:0:0:1/128"), "2001:db8::1");
	assert_string_equal(canon(a, BLOCK_ADDRESS, "2001:db8:abcd:1234::5/48"),
	    "2001:db8:abcd::/48");
	assert_string_equal(canon(a, BLOCK_ADDRESS, "2001:db8::/16"), "2001::/16");
	/* IPv4-mapped IPv6 is IPv4. */
	assert_string_equal(canon(a, BLOCK_ADDRESS, "::ffff:203.0.113.9"), "203.0.113.9");
	assert_string_equal(canon(a, BLOCK_ADDRESS, "::FFFF:cb00:7109/120"), "203.0.113.0/24");
	assert_string_equal(canon(a, BLOCK_ADDRESS, "::ffff:198.51.100.1/104"), "198.0.0.0/8");
	arena_free(a);
}

static void
hostile_patterns(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	char huge[4096];
	memset(huge, 'a', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	for (int k = 0; k < BLOCK_KIND__MAX; k++) {
		refused(a, k, NULL, BLOCK_PATTERN_EMPTY);
		refused(a, k, "", BLOCK_PATTERN_EMPTY);
		refused(a, k, "   ", BLOCK_PATTERN_EMPTY);
		refused(a, k, "\xe2\x80\x8b\xe2\x80\xae", BLOCK_PATTERN_EMPTY);	/* invisible only */
		refused(a, k, huge, BLOCK_PATTERN_TOO_LONG);
		refused(a, k, "a\xff" "b", BLOCK_PATTERN_ENCODING);
		refused(a, k, "\xc0\xaf", BLOCK_PATTERN_ENCODING);		/* overlong '/' */
		refused(a, k, "x\xed\xa0\x80", BLOCK_PATTERN_ENCODING);		/* surrogate */
		refused(a, k, "\xd9", BLOCK_PATTERN_ENCODING);			/* cut short */
		refused(a, k, "a\tb", BLOCK_PATTERN_ENCODING);
		refused(a, k, "a\nb", BLOCK_PATTERN_ENCODING);
		refused(a, k, "a\x1b[2Jb", BLOCK_PATTERN_ENCODING);
	}
	refused(a, BLOCK_KIND__MAX, "word", BLOCK_PATTERN_EMPTY);
	/* 200 bytes pass, 201 do not, whatever the kind. */
	huge[BLOCKLIST_PATTERN_MAX] = '\0';
	assert_string_equal(canon(a, BLOCK_WORD, huge), huge);
	huge[BLOCKLIST_PATTERN_MAX] = 'a';
	huge[BLOCKLIST_PATTERN_MAX + 1] = '\0';
	refused(a, BLOCK_WORD, huge, BLOCK_PATTERN_TOO_LONG);

	/* Words: something to match must be left after folding. */
	refused(a, BLOCK_WORD, "...!!!", BLOCK_PATTERN_NO_WORDS);
	refused(a, BLOCK_WORD, "«»،؛؟", BLOCK_PATTERN_NO_WORDS);
	refused(a, BLOCK_WORD, "ـــ", BLOCK_PATTERN_NO_WORDS);	/* tatweel only */
	refused(a, BLOCK_WORD, "\xd9\x8e\xd9\x91", BLOCK_PATTERN_EMPTY);	/* harakat only */
	refused(a, BLOCK_WORD, "😀😀", BLOCK_PATTERN_NO_WORDS);
	refused(a, BLOCK_WORD, "a b c d e f g h i j k l m", BLOCK_PATTERN_TOO_LONG);
	assert_string_equal(canon(a, BLOCK_WORD, "a b c d e f g h i j k l"),
	    "a b c d e f g h i j k l");

	static const char *const emails[] = {
		"@", "@@", "a@", "@.com", "example..com", ".example.com", "exa mple.com",
		"user@@example.com", "<x>@example.com", "a\"b@example.com", "user@exa_mple.com",
		"user@", "example.com/path", "http://example.com", "*.", "*",
		"x@[203.0.113.1]", "example.com..",
	};
	for (size_t i = 0; i < NELEM(emails); i++)
		refused(a, BLOCK_EMAIL, emails[i], BLOCK_PATTERN_EMAIL);
	char local[80];
	memset(local, 'l', 65);
	strcpy(local + 65, "@example.com");
	refused(a, BLOCK_EMAIL, local, BLOCK_PATTERN_EMAIL);
	char label[100];
	memset(label, 'd', 64);
	strcpy(label + 64, ".com");
	refused(a, BLOCK_EMAIL, label, BLOCK_PATTERN_EMAIL);

	static const char *const addrs[] = {
		"1.2.3.4/33", "1.2.3/24", "1.2.3", "::1/129", "1.2.3.4/", "1.2.3.4/-1",
		"1.2.3.4/08", "1.2.3.4/ 8", "1.2.3.4 /8", "999.1.1.1", "1.2.3.4.5",
		"fe80::1%eth0", "[2001:db8::1]", "2001:db8::1/64/64", "2001:db8:::1",
		"01.2.3.4", "0x7f.0.0.1", "1.2.3.4/1000", "/24", "localhost", "example.com",
		"1.2.3.4/+8", "2001:db8::/0x20", "١.٢.٣.٤",
	};
	for (size_t i = 0; i < NELEM(addrs); i++)
		refused(a, BLOCK_ADDRESS, addrs[i], BLOCK_PATTERN_ADDRESS);
	static const char *const wide[] = {
		"0.0.0.0/0", "1.2.3.4/7", "::/0", "2001:db8::/15", "::ffff:1.2.3.4/97",
		"::ffff:0:0/96",
	};
	for (size_t i = 0; i < NELEM(wide); i++)
		refused(a, BLOCK_ADDRESS, wide[i], BLOCK_PATTERN_TOO_WIDE);
	arena_free(a);
}

/* --- matching words --- */

static void
persian_word_forms(void **state)
{
	(void)state;
	/* Whichever form the moderator typed … */
	static const char *const forms[] = {
		"کلاهبردار", "كلاهبردار", "کلاه\xe2\x80\x8c" "بردار", "كـلاهـبـردار",
		"کلاه\xe2\x80\x8d" "بردار", "كَلاهبَردار",
	};
	for (size_t i = 0; i < NELEM(forms); i++) {
		char line[128];
		snprintf(line, sizeof(line), "word:hold:%s", forms[i]);
		const char *lines[] = { line };
		struct blocklist *bl = list_of(lines, 1);
		/* … every form in a comment matches, */
		for (size_t j = 0; j < NELEM(forms); j++) {
			char body[256];
			snprintf(body, sizeof(body), "این آقا یک %s است.", forms[j]);
			assert_int_equal(body_hit(bl, body), 1);
			assert_int_equal(body_hit(bl, forms[j]), 1);
		}
		/* … a longer word or the two halves apart do not. */
		assert_int_equal(body_hit(bl, "کلاهبرداری"), 0);
		assert_int_equal(body_hit(bl, "کلاهبرداران"), 0);
		assert_int_equal(body_hit(bl, "کلاه بردار"), 0);
		assert_int_equal(body_hit(bl, "کلاه"), 0);
		assert_int_equal(body_hit(bl, "«کلاهبردار»؟"), 1);
		assert_int_equal(body_hit(bl, "کلاهبردار!"), 1);
		blocklist_free(bl);
	}
}

static void
letter_variants(void **state)
{
	(void)state;
	/* Each folding rule of the issue: the entry in one form, the comment
	 * in the other. */
	static const struct {
		const char *entry, *text;
	} cases[] = {
		{ "علی", "علي" },		/* ARABIC YEH → FARSI YEH */
		{ "مصطفی", "مصطفى" },		/* ALEF MAKSURA */
		{ "کتاب", "كتاب" },		/* ARABIC KAF → KEHEH */
		{ "مدرسه", "مدرسة" },		/* TEH MARBUTA → HEH */
		{ "احمد", "أحمد" },		/* ALEF WITH HAMZA ABOVE */
		{ "ایران", "إيران" },		/* ALEF WITH HAMZA BELOW */
		{ "اب", "آب" },			/* ALEF WITH MADDA */
		{ "الله", "ٱلله" },		/* ALEF WASLA */
		{ "سلام", "ســــلام" },		/* tatweel */
		{ "محمد", "مُحَمَّدٌ" },		/* harakat */
		{ "میخواهم", "می\xe2\x80\x8c" "خواهم" },	/* ZWNJ */
		{ "1403", "۱۴۰۳" },		/* Persian digits */
		{ "1403", "١٤٠٣" },		/* Arabic-Indic digits */
		{ "۱۴۰۳", "1403" },
		{ "casino", "CASINO" },		/* case */
		{ "casino", "Casino" },
		{ "wordpress", "ＷｏｒｄＰｒｅｓｓ" },	/* NFKC: full width */
		{ "finance", "\xef\xac\x81nance" },	/* NFKC: ligature */
		{ "ecole", "École" },		/* accents */
		{ "strasse", "Straße" },
	};
	for (size_t i = 0; i < NELEM(cases); i++) {
		char line[128];
		snprintf(line, sizeof(line), "word:spam:%s", cases[i].entry);
		const char *lines[] = { line };
		struct blocklist *bl = list_of(lines, 1);
		char body[256];
		snprintf(body, sizeof(body), "before %s after", cases[i].text);
		if (body_hit(bl, body) != 1)
			fail_msg("entry \"%s\" does not match \"%s\"", cases[i].entry, body);
		blocklist_free(bl);
		/* And the other way round. */
		snprintf(line, sizeof(line), "word:spam:%s", cases[i].text);
		bl = list_of(lines, 1);
		snprintf(body, sizeof(body), "before %s after", cases[i].entry);
		if (body_hit(bl, body) != 1)
			fail_msg("entry \"%s\" does not match \"%s\"", cases[i].text, body);
		blocklist_free(bl);
	}
}

static void
whole_words(void **state)
{
	(void)state;
	static const char *const lines[] = { "word:hold:press", "word:hold:viagra" };
	struct blocklist *bl = list_of(lines, NELEM(lines));
	assert_int_equal(body_hit(bl, "Powered by WordPress."), 0);
	assert_int_equal(body_hit(bl, "pressing matters, compressed, depress"), 0);
	assert_int_equal(body_hit(bl, "Freedom of the PRESS!"), 1);
	assert_int_equal(body_hit(bl, "press"), 1);
	assert_int_equal(body_hit(bl, "(press)"), 1);
	assert_int_equal(body_hit(bl, "the press-release"), 1);	/* '-' separates */
	assert_int_equal(body_hit(bl, "buy v1agra"), 0);
	assert_int_equal(body_hit(bl, "buy VIAGRA now"), 2);
	assert_int_equal(body_hit(bl, "viagras"), 0);
	assert_int_equal(body_hit(bl, ""), 0);
	assert_int_equal(body_hit(bl, "!!!"), 0);
	/* The name is checked as the body is. */
	assert_int_equal(hit(bl, "Viagra Shop", NULL, "a harmless comment", NULL), 2);
	assert_int_equal(hit(bl, "WordPress fan", NULL, "a harmless comment", NULL), 0);
	blocklist_free(bl);
}

static void
phrases(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"word:hold:free money", "word:spam:کسب درآمد میلیونی",
		"word:hold:money back", "word:hold:free",
	};
	struct blocklist *bl = list_of(lines, NELEM(lines));
	assert_int_equal(body_hit(bl, "get FREE money today"), 1);
	assert_int_equal(body_hit(bl, "get free, money today"), 1);	/* punctuation between */
	assert_int_equal(body_hit(bl, "free\n\nmoney"), 1);
	assert_int_equal(body_hit(bl, "freemoney"), 0);
	assert_int_equal(body_hit(bl, "money free"), 4);	/* the word alone */
	assert_int_equal(body_hit(bl, "free moneys"), 4);	/* the phrase does not match … */
	assert_int_equal(body_hit(bl, "carefree money"), 0);	/* … nor here */
	assert_int_equal(body_hit(bl, "get your money back"), 3);
	assert_int_equal(body_hit(bl, "money"), 0);
	assert_int_equal(body_hit(bl, "راه کسب درآمد میلیونی در خانه"), 2);
	assert_int_equal(body_hit(bl, "راه كسب درآمد ميليوني"), 2);
	assert_int_equal(body_hit(bl, "کسب درآمد"), 0);
	assert_int_equal(body_hit(bl, "کسب درآمدِ میلیونی"), 2);	/* kasra */
	/* A phrase does not run from the name into the body. */
	assert_int_equal(hit(bl, "Mr Free", NULL, "money talks", NULL), 4);
	static const char *const only_phrase[] = { "word:hold:free money" };
	struct blocklist *bl2 = list_of(only_phrase, 1);
	assert_int_equal(hit(bl2, "Mr Free", NULL, "money talks", NULL), 0);
	assert_int_equal(hit(bl2, "free money", NULL, "hello", NULL), 1);
	/* At the very end of the text, and a phrase longer than the text. */
	assert_int_equal(body_hit(bl2, "it is free money"), 1);
	assert_int_equal(body_hit(bl2, "it is free"), 0);
	assert_int_equal(body_hit(bl2, "free"), 0);
	blocklist_free(bl2);
	blocklist_free(bl);
}

/* --- e-mail --- */

static void
emails(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"email:hold:@example.com", "email:spam:bot@example.org", "email:hold:spam.ir",
	};
	struct blocklist *bl = list_of(lines, NELEM(lines));
	assert_int_equal(email_hit(bl, "anyone@example.com"), 1);
	assert_int_equal(email_hit(bl, "Anyone@EXAMPLE.COM"), 1);
	assert_int_equal(email_hit(bl, "x@mail.example.com"), 1);	/* subdomain */
	assert_int_equal(email_hit(bl, "x@a.b.example.com"), 1);
	assert_int_equal(email_hit(bl, "x@example.com."), 1);
	assert_int_equal(email_hit(bl, "x@badexample.com"), 0);	/* not a subdomain */
	assert_int_equal(email_hit(bl, "x@example.com.evil.net"), 0);
	assert_int_equal(email_hit(bl, "x@example.co"), 0);
	assert_int_equal(email_hit(bl, "example.com@gmail.com"), 0);	/* the local part */
	assert_int_equal(email_hit(bl, "bot@example.org"), 2);
	assert_int_equal(email_hit(bl, "BOT@Example.Org"), 2);
	assert_int_equal(email_hit(bl, "bot2@example.org"), 0);
	assert_int_equal(email_hit(bl, "bot@sub.example.org"), 0);	/* an address is exact */
	assert_int_equal(email_hit(bl, "reader@spam.ir"), 3);
	assert_int_equal(email_hit(bl, "reader@mail.spam.ir"), 3);
	assert_int_equal(email_hit(bl, "reader@nospam.ir"), 0);
	assert_int_equal(email_hit(bl, ""), 0);
	assert_int_equal(email_hit(bl, "@"), 0);
	assert_int_equal(email_hit(bl, "example.com"), 1);	/* no '@': a domain */
	/* Bounded: a huge value is not looked at. */
	char big[2000];
	memset(big, 'a', sizeof(big));
	strcpy(big + sizeof(big) - 20, "@example.com");
	assert_int_equal(email_hit(bl, big), 0);
	/* An e-mail entry does not match words of the body, nor the reverse. */
	assert_int_equal(body_hit(bl, "write to anyone@example.com"), 0);
	static const char *const word[] = { "word:hold:example" };
	struct blocklist *bl2 = list_of(word, 1);
	assert_int_equal(email_hit(bl2, "x@example.com"), 0);
	blocklist_free(bl2);
	blocklist_free(bl);
}

/* --- addresses --- */

static void
ipv4_ranges(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"address:hold:203.0.113.0/24", "address:spam:198.51.100.64/26",
		"address:hold:192.0.2.7", "address:hold:10.0.0.0/8",
	};
	struct blocklist *bl = list_of(lines, NELEM(lines));
	assert_int_equal(addr_hit(bl, "203.0.113.0"), 1);
	assert_int_equal(addr_hit(bl, "203.0.113.255"), 1);
	assert_int_equal(addr_hit(bl, "203.0.112.255"), 0);
	assert_int_equal(addr_hit(bl, "203.0.114.0"), 0);
	assert_int_equal(addr_hit(bl, "198.51.100.63"), 0);
	assert_int_equal(addr_hit(bl, "198.51.100.64"), 2);
	assert_int_equal(addr_hit(bl, "198.51.100.127"), 2);
	assert_int_equal(addr_hit(bl, "198.51.100.128"), 0);
	assert_int_equal(addr_hit(bl, "192.0.2.7"), 3);
	assert_int_equal(addr_hit(bl, "192.0.2.6"), 0);
	assert_int_equal(addr_hit(bl, "192.0.2.8"), 0);
	assert_int_equal(addr_hit(bl, "10.255.255.255"), 4);
	assert_int_equal(addr_hit(bl, "11.0.0.0"), 0);
	assert_int_equal(addr_hit(bl, "9.255.255.255"), 0);
	/* The same client over an IPv6 socket. */
	assert_int_equal(addr_hit(bl, "::ffff:203.0.113.9"), 1);
	assert_int_equal(addr_hit(bl, "::ffff:192.0.2.7"), 3);
	assert_int_equal(addr_hit(bl, "::FFFF:C000:0207"), 3);
	assert_int_equal(addr_hit(bl, "::ffff:192.0.2.8"), 0);
	/* Not an address, or not one of these. */
	assert_int_equal(addr_hit(bl, ""), 0);
	assert_int_equal(addr_hit(bl, "unix:"), 0);
	assert_int_equal(addr_hit(bl, "203.0.113"), 0);
	assert_int_equal(addr_hit(bl, "::203.0.113.9"), 0);	/* IPv4-compatible is not mapped */
	assert_int_equal(addr_hit(bl, "2001:db8::1"), 0);
	blocklist_free(bl);
	/* A mapped pattern blocks the IPv4 client. */
	static const char *const mapped[] = { "address:hold:::ffff:198.51.100.0/120" };
	bl = list_of(mapped, 1);
	assert_int_equal(addr_hit(bl, "198.51.100.9"), 1);
	assert_int_equal(addr_hit(bl, "198.51.101.9"), 0);
	blocklist_free(bl);
}

static void
ipv6_ranges(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"address:hold:2001:db8::/32", "address:spam:2001:db9:0:10::/60",
		"address:hold:2001:dba::1", "address:hold:fe80::/16",
	};
	struct blocklist *bl = list_of(lines, NELEM(lines));
	assert_int_equal(addr_hit(bl, "2001:db8::"), 1);
	assert_int_equal(addr_hit(bl, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"), 1);
	assert_int_equal(addr_hit(bl, "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff"), 0);
	assert_int_equal(addr_hit(bl, "2001:db9::"), 0);
	assert_int_equal(addr_hit(bl, "2001:db9:0:f:ffff:ffff:ffff:ffff"), 0);
	assert_int_equal(addr_hit(bl, "2001:db9:0:10::"), 2);
	assert_int_equal(addr_hit(bl, "2001:db9:0:1f:ffff:ffff:ffff:ffff"), 2);
	assert_int_equal(addr_hit(bl, "2001:db9:0:20::"), 0);
	assert_int_equal(addr_hit(bl, "2001:dba::1"), 3);
	assert_int_equal(addr_hit(bl, "2001:DBA:0:0:0:0:0:1"), 3);
	assert_int_equal(addr_hit(bl, "2001:dba::2"), 0);
	assert_int_equal(addr_hit(bl, "2001:dba::"), 0);
	/* A zone is not part of the address. */
	assert_int_equal(addr_hit(bl, "fe80::1%eth0"), 4);
	assert_int_equal(addr_hit(bl, "fe80::1%"), 4);
	assert_int_equal(addr_hit(bl, "fe81::1"), 0);
	assert_int_equal(addr_hit(bl, "203.0.113.1"), 0);
	assert_int_equal(addr_hit(bl, "2001:db8::1/64"), 0);	/* a client has no prefix */
	blocklist_free(bl);
}

/* --- which entry decides --- */

static void
spam_beats_hold(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"word:hold:casino", "word:spam:poker", "address:hold:203.0.113.0/24",
		"email:hold:example.com", "word:hold:bonus", "word:spam:casino bonus",
		"address:spam:203.0.113.66",
	};
	struct blocklist *bl = list_of(lines, NELEM(lines));
	struct blocklist_match m;
	const struct blocklist_subject s1 = { "Ali", NULL, "casino then poker", NULL };
	assert_true(blocklist_match(bl, &s1, &m));
	assert_int_equal(m.id, 2);
	assert_int_equal(m.action, BLOCK_SPAM);
	assert_int_equal(m.kind, BLOCK_WORD);
	assert_string_equal(m.pattern, "poker");
	/* Holds only: the first found, the address before the e-mail before
	 * the name before the body. */
	const struct blocklist_subject s2 = { "casino", "a@example.com", "bonus", "203.0.113.5" };
	assert_true(blocklist_match(bl, &s2, &m));
	assert_int_equal(m.id, 3);
	assert_int_equal(m.action, BLOCK_HOLD);
	const struct blocklist_subject s3 = { "bonus", "a@example.com", "casino", NULL };
	assert_true(blocklist_match(bl, &s3, &m));
	assert_int_equal(m.id, 4);
	const struct blocklist_subject s4 = { "bonus", NULL, "casino", NULL };
	assert_true(blocklist_match(bl, &s4, &m));
	assert_int_equal(m.id, 5);
	/* The spam phrase at the same place as a hold word wins. */
	assert_int_equal(body_hit(bl, "a casino bonus"), 6);
	/* A spam address beats the hold range around it, and the words. */
	const struct blocklist_subject s5 = { "bonus", NULL, "casino", "203.0.113.66" };
	assert_true(blocklist_match(bl, &s5, &m));
	assert_int_equal(m.id, 7);
	assert_int_equal(m.action, BLOCK_SPAM);
	assert_int_equal(m.kind, BLOCK_ADDRESS);
	/* The reason the queue shows. */
	struct arena *a = arena_new();
	assert_string_equal(blocklist_reason(a, &m), "blocklist: address «203.0.113.66»");
	assert_true(blocklist_match(bl, &s1, &m));
	assert_string_equal(blocklist_reason(a, &m), "blocklist: word «poker»");
	arena_free(a);
	blocklist_free(bl);
}

static void
lowest_id_first(void **state)
{
	(void)state;
	/* The same place matched by two entries: the older one is named,
	 * whatever order the entries came in. */
	struct arena *a = arena_new();
	struct blocklist_entry e[3] = {
		{ .id = 30, .kind = BLOCK_WORD, .action = BLOCK_HOLD, .pattern = (char *)"spam words" },
		{ .id = 10, .kind = BLOCK_WORD, .action = BLOCK_HOLD, .pattern = (char *)"spam" },
		{ .id = 20, .kind = BLOCK_ADDRESS, .action = BLOCK_HOLD, .pattern = (char *)"2001:db8::/32" },
	};
	struct blocklist *bl = blocklist_compile(e, 3, NULL);
	assert_int_equal(body_hit(bl, "spam words"), 10);
	assert_int_equal(hit(bl, NULL, NULL, "spam words", "2001:db8::5"), 20);
	blocklist_free(bl);
	arena_free(a);
}

static void
compile_skips_invalid(void **state)
{
	(void)state;
	struct blocklist_entry e[] = {
		{ .id = 1, .kind = BLOCK_WORD, .action = BLOCK_HOLD, .pattern = (char *)"good" },
		{ .id = 2, .kind = BLOCK_WORD, .action = BLOCK_HOLD, .pattern = (char *)"!!!" },
		{ .id = 3, .kind = BLOCK_ADDRESS, .action = BLOCK_SPAM, .pattern = (char *)"1.2.3.4/99" },
		{ .id = 4, .kind = BLOCK_EMAIL, .action = BLOCK_ACTION__MAX, .pattern = (char *)"x.com" },
		{ .id = 5, .kind = BLOCK_KIND__MAX, .action = BLOCK_HOLD, .pattern = (char *)"x" },
		{ .id = 6, .kind = BLOCK_WORD, .action = BLOCK_HOLD, .pattern = NULL },
		{ .id = 7, .kind = BLOCK_ADDRESS, .action = BLOCK_SPAM, .pattern = (char *)"1.2.3.4/24" },
	};
	size_t skipped = 0;
	struct blocklist *bl = blocklist_compile(e, NELEM(e), &skipped);
	assert_int_equal(skipped, 5);
	assert_int_equal(blocklist_size(bl), 2);
	assert_int_equal(body_hit(bl, "good"), 1);
	assert_int_equal(addr_hit(bl, "1.2.3.200"), 7);	/* normalized when compiled */
	blocklist_free(bl);
	/* An empty list matches nothing and costs nothing. */
	bl = blocklist_compile(NULL, 0, NULL);
	assert_int_equal(blocklist_size(bl), 0);
	assert_int_equal(hit(bl, "casino", "a@b.c", "casino", "1.2.3.4"), 0);
	struct blocklist_match m;
	assert_false(blocklist_match(bl, NULL, &m));
	assert_false(blocklist_match(NULL, NULL, &m));
	blocklist_free(bl);
	blocklist_free(NULL);
}

static void
hostile_subjects(void **state)
{
	(void)state;
	static const char *const lines[] = { "word:hold:spam", "address:hold:203.0.113.0/24" };
	struct blocklist *bl = list_of(lines, NELEM(lines));
	/* Invalid UTF-8 and control characters separate words, as folding
	 * says; nothing crashes. */
	assert_int_equal(body_hit(bl, "x\xffspam\xfe"), 1);
	assert_int_equal(body_hit(bl, "\xc0\x80spam"), 1);
	assert_int_equal(body_hit(bl, "\xff\xff\xff"), 0);
	assert_int_equal(body_hit(bl, "sp\xe2\x80\x8b" "am"), 1);	/* zero-width space */
	assert_int_equal(body_hit(bl, "s\xe2\x80\xae" "pam"), 1);	/* bidi override */
	assert_int_equal(addr_hit(bl, "203.0.113.5\xff"), 0);
	char addr[4096];
	memset(addr, '1', sizeof(addr) - 1);
	addr[sizeof(addr) - 1] = '\0';
	assert_int_equal(addr_hit(bl, addr), 0);
	/* A long body of many words. */
	struct buf b = { 0 };
	for (int i = 0; i < 20000; i++)
		buf_puts(&b, "word ");
	assert_int_equal(body_hit(bl, buf_str(&b)), 0);
	buf_puts(&b, "SPAM");
	assert_int_equal(body_hit(bl, buf_str(&b)), 1);
	buf_free(&b);
	blocklist_free(bl);
}

/* --- 10,000 entries against an obvious matcher --- */

#define BIG 10000

static const char *const persian_digits[] = {
	"۰", "۱", "۲", "۳", "۴", "۵", "۶", "۷", "۸", "۹",
};

/* n in Persian digits. */
static void
put_persian(struct buf *b, unsigned n)
{
	char d[16];
	snprintf(d, sizeof(d), "%u", n);
	for (const char *p = d; *p; p++)
		buf_puts(b, persian_digits[*p - '0']);
}

/* The pattern of entry i (1-based): English and Persian words, phrases,
 * domains, addresses, IPv4 and IPv6 ranges and single addresses. */
static char *
big_pattern(struct arena *a, unsigned i)
{
	struct buf b = { 0 };
	switch (i % 10) {
	case 0: case 1: case 2:
		buf_printf(&b, "bad%uword", i);
		break;
	case 3: case 4:
		/* Typed with Arabic letters: comments use the Persian ones. */
		buf_puts(&b, "كلمهي");
		put_persian(&b, i);
		break;
	case 5:
		buf_printf(&b, "cheap pills %u now", i);
		break;
	case 6:
		buf_printf(&b, "@spam%u.example", i);
		break;
	case 7:
		buf_printf(&b, "bot%u@mail.example", i);
		break;
	case 8:
		if (i % 20 == 8)
			buf_printf(&b, "10.%u.%u.0/24", i / 256 % 256, i % 256);
		else
			buf_printf(&b, "172.16.%u.%u", i / 256 % 256, i % 256);
		break;
	default:
		if (i % 20 == 9)
			buf_printf(&b, "2001:db8:%x::/48", i);
		else
			buf_printf(&b, "2001:db8:ffff::%x", i);
		break;
	}
	char *s = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return s;
}

static enum blocklist_kind
big_kind(unsigned i)
{
	return i % 10 <= 5 ? BLOCK_WORD : i % 10 <= 7 ? BLOCK_EMAIL : BLOCK_ADDRESS;
}

/* The slow matcher: every entry tried at every place, in the order the
 * header promises. */
struct oracle_entry {
	int64_t id;
	enum blocklist_kind kind;
	enum blocklist_action action;
	const char *folded;
	unsigned char net[16];
	int prefix;
};

static void
to16(const char *s, unsigned char out[16])
{
	unsigned char v4[4];
	if (inet_pton(AF_INET, s, v4) == 1) {
		memset(out, 0, 16);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, v4, 4);
	} else if (inet_pton(AF_INET6, s, out) != 1)
		fail_msg("bad address %s", s);
}

static bool
in_range(const unsigned char ip[16], const struct oracle_entry *e)
{
	for (int bit = 0; bit < e->prefix; bit++) {
		int mask = 0x80 >> (bit % 8);
		if ((ip[bit / 8] & mask) != (e->net[bit / 8] & mask))
			return false;
	}
	return true;
}

static void
oracle_take(const struct oracle_entry *e, int64_t *best, enum blocklist_action *act)
{
	if (*best == 0 || e->action > *act) {
		*best = e->id;
		*act = e->action;
	}
}

static int64_t
oracle(const struct oracle_entry *es, size_t n, const char *name, const char *email,
    const char *body, const char *addr)
{
	int64_t best = 0;
	enum blocklist_action act = BLOCK_HOLD;
	unsigned char ip[16];
	to16(addr, ip);
	for (size_t i = 0; i < n; i++)
		if (es[i].kind == BLOCK_ADDRESS && in_range(ip, &es[i]))
			oracle_take(&es[i], &best, &act);
	char low[256];
	snprintf(low, sizeof(low), "%s", email);
	for (char *p = low; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 'a' - 'A';
	const char *domain = strchr(low, '@') + 1;
	for (size_t i = 0; i < n; i++) {
		if (es[i].kind != BLOCK_EMAIL)
			continue;
		const char *f = es[i].folded;
		bool m;
		if (strchr(f, '@') != NULL)
			m = strcmp(f, low) == 0;
		else {
			size_t dl = strlen(domain), fl = strlen(f);
			m = strcmp(domain, f) == 0 || (dl > fl && domain[dl - fl - 1] == '.' &&
			    strcmp(domain + dl - fl, f) == 0);
		}
		if (m)
			oracle_take(&es[i], &best, &act);
	}
	const char *texts[] = { name, body };
	for (int t = 0; t < 2; t++) {
		struct buf fb = { 0 };
		fold_append(&fb, texts[t], strlen(texts[t]));
		/* " text " so that a phrase is " phrase " somewhere in it. */
		struct buf padded = { 0 };
		buf_printf(&padded, " %s ", buf_str(&fb));
		const char *s = buf_str(&padded);
		for (size_t pos = 0; pos + 1 < padded.len; pos++) {
			if (s[pos] != ' ')
				continue;
			for (size_t i = 0; i < n; i++) {
				if (es[i].kind != BLOCK_WORD)
					continue;
				size_t fl = strlen(es[i].folded);
				if (strncmp(s + pos + 1, es[i].folded, fl) == 0 &&
				    s[pos + 1 + fl] == ' ')
					oracle_take(&es[i], &best, &act);
			}
		}
		buf_free(&fb);
		buf_free(&padded);
	}
	return best;
}

static void
ten_thousand(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct blocklist_entry *e = arena_calloc(a, BIG, sizeof(*e));
	struct oracle_entry *o = arena_calloc(a, BIG, sizeof(*o));
	for (unsigned i = 1; i <= BIG; i++) {
		struct blocklist_entry *x = &e[i - 1];
		x->id = i;
		x->kind = big_kind(i);
		x->action = i % 7 == 0 ? BLOCK_SPAM : BLOCK_HOLD;
		x->pattern = big_pattern(a, i);
		const char *clean;
		assert_int_equal(blocklist_normalize(a, x->kind, x->pattern, &clean,
		    (const char **)&x->folded), BLOCK_PATTERN_OK);
		o[i - 1] = (struct oracle_entry){ .id = i, .kind = x->kind, .action = x->action,
		    .folded = x->folded };
		if (x->kind == BLOCK_ADDRESS) {
			char net[64];
			snprintf(net, sizeof(net), "%s", x->folded);
			char *slash = strchr(net, '/');
			o[i - 1].prefix = 128;
			if (slash != NULL) {
				*slash = '\0';
				o[i - 1].prefix = atoi(slash + 1);
			}
			bool v4 = strchr(net, ':') == NULL;
			if (v4 && slash != NULL)
				o[i - 1].prefix += 96;
			to16(net, o[i - 1].net);
		}
	}
	/* Entries given in a shuffled order: compiling sorts them. */
	for (unsigned i = BIG - 1; i > 0; i--) {
		unsigned j = (i * 2654435761u) % (i + 1);
		struct blocklist_entry t = e[i];
		e[i] = e[j];
		e[j] = t;
	}
	size_t skipped = 1;
	struct blocklist *bl = blocklist_compile(e, BIG, &skipped);
	assert_int_equal(skipped, 0);
	assert_int_equal(blocklist_size(bl), BIG);

	/* Every entry matches a comment made for it and names itself; every
	 * 97th is also checked against the oracle (which is slow). */
	for (unsigned i = 1; i <= BIG; i++) {
		struct buf body = { 0 }, email = { 0 }, addr = { 0 };
		const char *em = "reader@news.example", *ad = "192.0.2.1";
		switch (i % 10) {
		case 0: case 1: case 2:
			buf_printf(&body, "hello BAD%uWORD there", i);
			break;
		case 3: case 4:
			/* Persian letters, a ZWNJ and Persian digits: one word,
			 * "کلمهی" and the number, once folded. */
			buf_puts(&body, "یک کلمه\xe2\x80\x8cی");
			put_persian(&body, i);
			buf_puts(&body, "، دیگر");
			break;
		case 5:
			buf_printf(&body, "Cheap pills, %u NOW!", i);
			break;
		case 6:
			buf_printf(&email, "someone@www.SPAM%u.example", i);
			break;
		case 7:
			buf_printf(&email, "Bot%u@Mail.Example", i);
			break;
		case 8:
			if (i % 20 == 8)
				buf_printf(&addr, "::ffff:10.%u.%u.77", i / 256 % 256, i % 256);
			else
				buf_printf(&addr, "172.16.%u.%u", i / 256 % 256, i % 256);
			break;
		default:
			if (i % 20 == 9)
				buf_printf(&addr, "2001:db8:%x:ffff::1", i);
			else
				buf_printf(&addr, "2001:db8:ffff::%x", i);
			break;
		}
		if (email.len > 0)
			em = buf_str(&email);
		if (addr.len > 0)
			ad = buf_str(&addr);
		int64_t got = hit(bl, "Reader", em, buf_str(&body), ad);
		if (got != (int64_t)i)
			fail_msg("entry %u (%s): got %lld", i, o[i - 1].folded, (long long)got);
		if (i % 97 == 0)
			assert_int_equal(oracle(o, BIG, "Reader", em, buf_str(&body), ad), i);
		buf_free(&body);
		buf_free(&email);
		buf_free(&addr);
	}

	/* Near misses, and mixtures, against the oracle. */
	for (unsigned t = 1; t <= 300; t++) {
		unsigned i = (t * 7919u) % BIG + 1, j = (t * 104729u) % BIG + 1;
		struct buf body = { 0 }, email = { 0 }, addr = { 0 };
		buf_printf(&body, "xbad%uword bad%uwordx bad%u word cheap pills %u", i, i, i, i + 1);
		if (t % 3 == 0)
			buf_printf(&body, " cheap pills %u now bad%uword", j, j);
		buf_printf(&email, "x@%sspam%u.example", t % 2 ? "no" : "a.", j);
		if (t % 2)
			buf_printf(&addr, "172.16.%u.%u", t % 5, t % 256);
		else
			buf_printf(&addr, "2001:db8:%x::%x", j, t);
		int64_t want = oracle(o, BIG, "Reader", buf_str(&email), buf_str(&body),
		    buf_str(&addr));
		int64_t got = hit(bl, "Reader", buf_str(&email), buf_str(&body), buf_str(&addr));
		if (got != want)
			fail_msg("mixture %u: \"%s\" %s %s: got %lld, want %lld", t, buf_str(&body),
			    buf_str(&email), buf_str(&addr), (long long)got, (long long)want);
		buf_free(&body);
		buf_free(&email);
		buf_free(&addr);
	}
	/* A clean comment matches nothing. */
	assert_int_equal(hit(bl, "مریم", "maryam@example.ir", "خبر خوبی بود، ممنون از "
	    "گزارش. bad word cheap pills now", "192.0.2.44"), 0);
	blocklist_free(bl);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(word_patterns),
		cmocka_unit_test(email_patterns),
		cmocka_unit_test(address_patterns),
		cmocka_unit_test(hostile_patterns),
		cmocka_unit_test(persian_word_forms),
		cmocka_unit_test(letter_variants),
		cmocka_unit_test(whole_words),
		cmocka_unit_test(phrases),
		cmocka_unit_test(emails),
		cmocka_unit_test(ipv4_ranges),
		cmocka_unit_test(ipv6_ranges),
		cmocka_unit_test(spam_beats_hold),
		cmocka_unit_test(lowest_id_first),
		cmocka_unit_test(compile_skips_invalid),
		cmocka_unit_test(hostile_subjects),
		cmocka_unit_test(ten_thousand),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
