/* test_http.c — the request parsers: urlencoded forms and query strings,
 * cookies, CONTENT_LENGTH, header-value safety, status texts, URL encoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "buf.h"
#include "http.h"

static const struct parse_limits body_lim = {
	.max_fields = 32, .max_key = 64, .max_value = 65536, .too_long_status = 413,
};
static const struct parse_limits query_lim = {
	.max_fields = 32, .max_key = 64, .max_value = 4096, .too_long_status = 400,
};

static int
setup(void **state)
{
	*state = arena_new();
	return 0;
}

static int
teardown(void **state)
{
	arena_free(*state);
	return 0;
}

static int
parse(struct arena *a, const char *s, const struct parse_limits *lim, struct kvlist *out)
{
	return http_parse_urlencoded(a, s, strlen(s), lim, out);
}

static void
assert_pair(const struct kvlist *l, size_t i, const char *k, const char *v)
{
	assert_true(i < l->count);
	assert_string_equal(l->items[i].key, k);
	assert_string_equal(l->items[i].value, v);
	assert_int_equal(l->items[i].value_len, strlen(v));
}

static void
form_basic(void **state)
{
	struct kvlist l;
	assert_int_equal(parse(*state, "a=1&b=two&c=", &body_lim, &l), 0);
	assert_int_equal(l.count, 3);
	assert_pair(&l, 0, "a", "1");
	assert_pair(&l, 1, "b", "two");
	assert_pair(&l, 2, "c", "");
	/* The first '=' separates; later ones belong to the value. */
	assert_int_equal(parse(*state, "x=a=b==", &body_lim, &l), 0);
	assert_int_equal(l.count, 1);
	assert_pair(&l, 0, "x", "a=b==");
}

static void
form_repeated_keys(void **state)
{
	struct kvlist l;
	assert_int_equal(parse(*state, "a=1&b=2&a=3&a=", &body_lim, &l), 0);
	assert_int_equal(l.count, 4);
	assert_pair(&l, 0, "a", "1");
	assert_pair(&l, 1, "b", "2");
	assert_pair(&l, 2, "a", "3");
	assert_pair(&l, 3, "a", "");
	assert_string_equal(kvlist_get(&l, "a"), "1");
	assert_int_equal(kvlist_count(&l, "a"), 3);
	assert_int_equal(kvlist_count(&l, "b"), 1);
	assert_int_equal(kvlist_count(&l, "z"), 0);
	assert_null(kvlist_get(&l, "z"));
	assert_null(kvlist_get(&l, "A"));
	assert_null(kvlist_get(&l, NULL));
	assert_null(kvlist_get(NULL, "a"));
	assert_int_equal(kvlist_count(NULL, "a"), 0);
}

static void
form_plus_and_percent(void **state)
{
	struct kvlist l;
	assert_int_equal(parse(*state, "q=a+b++c&k+1=%2B%2b&p=%41%7a%7E", &body_lim, &l), 0);
	assert_int_equal(l.count, 3);
	assert_pair(&l, 0, "q", "a b  c");
	assert_pair(&l, 1, "k 1", "++");
	assert_pair(&l, 2, "p", "Az~");
	/* Encoded separators are data, not structure. */
	assert_int_equal(parse(*state, "a=%26b%3Dc&%3D=%25", &body_lim, &l), 0);
	assert_int_equal(l.count, 2);
	assert_pair(&l, 0, "a", "&b=c");
	assert_pair(&l, 1, "=", "%");
	/* UTF-8 (Persian) goes through byte for byte. */
	assert_int_equal(parse(*state, "name=%D8%B9%D9%84%DB%8C", &body_lim, &l), 0);
	assert_pair(&l, 0, "name", "علی");
	/* Raw non-ASCII bytes are kept as they are. */
	assert_int_equal(parse(*state, "n=سلام", &body_lim, &l), 0);
	assert_pair(&l, 0, "n", "سلام");
}

static void
form_bad_percent(void **state)
{
	static const char *const bad[] = {
		"a=%", "a=%4", "a=%G1", "a=%1G", "a=%%", "a=%%41", "a=x%", "a=%-1",
		"a=% 1", "%=1", "%4=1", "%zz=1", "a=1&b=%4", "a=%4&b=1", "a=%0",
		"a=%00", "a=x%00y", "%00=1", "k%00=1", "a=%+1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kvlist l = { (void *)1, 99 };
		int st = parse(*state, bad[i], &body_lim, &l);
		if (st != 400)
			fail_msg("\"%s\" gave %d, expected 400", bad[i], st);
		assert_int_equal(st, 400);
	}
	/* A bad escape in a pair that would be skipped still counts. */
	struct kvlist l;
	assert_int_equal(parse(*state, "a=1&=%G0", &body_lim, &l), 400);
}

static void
form_missing_equals_and_empty(void **state)
{
	struct kvlist l;
	assert_int_equal(parse(*state, "flag&a=1&other", &body_lim, &l), 0);
	assert_int_equal(l.count, 3);
	assert_pair(&l, 0, "flag", "");
	assert_pair(&l, 1, "a", "1");
	assert_pair(&l, 2, "other", "");

	assert_int_equal(parse(*state, "&&a=1&&&b=2&", &body_lim, &l), 0);
	assert_int_equal(l.count, 2);
	assert_pair(&l, 0, "a", "1");
	assert_pair(&l, 1, "b", "2");

	/* An empty key names nothing: skipped. */
	assert_int_equal(parse(*state, "=1&=&a=2&=x", &body_lim, &l), 0);
	assert_int_equal(l.count, 1);
	assert_pair(&l, 0, "a", "2");

	static const char *const empty[] = { "", "&", "&&&", "=", "=&=", "=x" };
	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		l.items = (void *)1;
		l.count = 99;
		assert_int_equal(parse(*state, empty[i], &body_lim, &l), 0);
		assert_int_equal(l.count, 0);
		assert_null(l.items);
	}
	assert_int_equal(http_parse_urlencoded(*state, NULL, 0, &body_lim, &l), 0);
	assert_int_equal(l.count, 0);
}

static void
form_not_nul_terminated(void **state)
{
	/* Only len bytes are read: what follows is not part of the input. */
	const char s[] = "a=12&b=3XYZ";
	struct kvlist l;
	assert_int_equal(http_parse_urlencoded(*state, s, 8, &body_lim, &l), 0);
	assert_int_equal(l.count, 2);
	assert_pair(&l, 0, "a", "12");
	assert_pair(&l, 1, "b", "3");
	/* A '%' cut off by len is truncated, even if bytes follow it. */
	const char t[] = "a=%41";
	assert_int_equal(http_parse_urlencoded(*state, t, 4, &body_lim, &l), 400);
	/* An embedded raw NUL is refused as well. */
	const char u[] = "a=1\0b";
	assert_int_equal(http_parse_urlencoded(*state, u, 5, &body_lim, &l), 400);
}

static char *
repeat(char c, size_t n)
{
	char *s = malloc(n + 1);
	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void
form_key_limit(void **state)
{
	struct kvlist l;
	char key[70];
	memset(key, 'k', 64);
	strcpy(key + 64, "=v");
	assert_int_equal(parse(*state, key, &body_lim, &l), 0);
	assert_int_equal(strlen(l.items[0].key), 64);
	memset(key, 'k', 65);
	strcpy(key + 65, "=v");
	assert_int_equal(parse(*state, key, &body_lim, &l), 400);
	/* The limit is on decoded bytes: 64 × "%41" is 64 bytes. */
	char enc[64 * 3 + 3];
	for (int i = 0; i < 64; i++)
		memcpy(enc + i * 3, "%41", 3);
	strcpy(enc + 64 * 3, "=1");
	assert_int_equal(parse(*state, enc, &body_lim, &l), 0);
	assert_int_equal(strlen(l.items[0].key), 64);
	/* A key alone, without '=', is bounded the same way; over the key
	 * limit is 400 even for bodies. */
	memset(key, 'k', 65);
	key[65] = '\0';
	assert_int_equal(parse(*state, key, &body_lim, &l), 400);
}

static void
form_value_limit(void **state)
{
	struct kvlist l;
	struct parse_limits lim = { .max_fields = 4, .max_key = 8, .max_value = 10,
		.too_long_status = 413 };
	assert_int_equal(parse(*state, "v=0123456789", &lim, &l), 0);
	assert_int_equal(l.items[0].value_len, 10);
	assert_int_equal(parse(*state, "v=0123456789a", &lim, &l), 413);
	/* Decoded length counts: ten escapes are ten bytes. */
	assert_int_equal(parse(*state, "v=%41%41%41%41%41%41%41%41%41%41", &lim, &l), 0);
	assert_int_equal(parse(*state, "v=%41%41%41%41%41%41%41%41%41%41+", &lim, &l), 413);
	lim.too_long_status = 400;
	assert_int_equal(parse(*state, "v=0123456789a", &lim, &l), 400);
	lim.max_value = 0;
	assert_int_equal(parse(*state, "v=&w", &lim, &l), 0);
	assert_int_equal(l.count, 2);
	assert_int_equal(parse(*state, "v=x", &lim, &l), 400);
}

static void
form_field_limit(void **state)
{
	struct kvlist l;
	struct parse_limits lim = { .max_fields = 3, .max_key = 8, .max_value = 8,
		.too_long_status = 413 };
	assert_int_equal(parse(*state, "a=1&b=2&c=3", &lim, &l), 0);
	assert_int_equal(l.count, 3);
	assert_int_equal(parse(*state, "a=1&b=2&c=3&d=4", &lim, &l), 400);
	/* Empty pairs are not fields. */
	assert_int_equal(parse(*state, "&a=1&&b=2&&c=3&&", &lim, &l), 0);
	assert_int_equal(l.count, 3);
	/* Valueless and empty-key pairs are pairs all the same. */
	assert_int_equal(parse(*state, "a&b&c&d", &lim, &l), 400);
	assert_int_equal(parse(*state, "=1&=2&=3&=4", &lim, &l), 400);
	lim.max_fields = 0;
	assert_int_equal(parse(*state, "&&", &lim, &l), 0);
	assert_int_equal(parse(*state, "a", &lim, &l), 400);
}

static void
form_huge_inputs(void **state)
{
	struct kvlist l;
	/* 1 MB of 'a': one key far over the key limit. */
	char *s = repeat('a', 1 << 20);
	assert_int_equal(parse(*state, s, &body_lim, &l), 400);
	/* The same as a value: over the value limit → too_long_status. */
	s[0] = 'k';
	s[1] = '=';
	assert_int_equal(parse(*state, s, &body_lim, &l), 413);
	assert_int_equal(parse(*state, s, &query_lim, &l), 400);
	struct parse_limits big = body_lim;
	big.max_value = 1 << 20;
	assert_int_equal(parse(*state, s, &big, &l), 0);
	assert_int_equal(l.count, 1);
	assert_int_equal(l.items[0].value_len, (1 << 20) - 2);
	free(s);

	/* 100 000 fields → 400 from the field limit. */
	size_t n = 100000;
	s = malloc(n * 4 + 1);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * 4, "a=1&", 4);
	s[n * 4] = '\0';
	assert_int_equal(parse(*state, s, &body_lim, &l), 400);
	big.max_fields = n;
	assert_int_equal(parse(*state, s, &big, &l), 0);
	assert_int_equal(l.count, n);
	assert_int_equal(kvlist_count(&l, "a"), n);
	big.max_fields = n - 1;
	assert_int_equal(parse(*state, s, &big, &l), 400);
	free(s);

	/* 1 MB of '&' is empty pairs only: nothing, quickly. */
	s = repeat('&', 1 << 20);
	assert_int_equal(parse(*state, s, &body_lim, &l), 0);
	assert_int_equal(l.count, 0);
	free(s);
	/* 1 MB of '%' is malformed. */
	s = repeat('%', 1 << 20);
	assert_int_equal(parse(*state, s, &big, &l), 400);
	free(s);
}

static int
cookies(struct arena *a, const char *h, struct kvlist *l)
{
	return http_parse_cookies(a, h, 8192, 64, l);
}

static void
cookie_basic(void **state)
{
	struct kvlist l;
	assert_int_equal(cookies(*state, "a=1; b=2;c=3", &l), 0);
	assert_int_equal(l.count, 3);
	assert_pair(&l, 0, "a", "1");
	assert_pair(&l, 1, "b", "2");
	assert_pair(&l, 2, "c", "3");
	/* Spaces and tabs around names and values go; inner ones stay. */
	assert_int_equal(cookies(*state, "  a = 1 ;\tb\t=\tx y\t;  ", &l), 0);
	assert_int_equal(l.count, 2);
	assert_pair(&l, 0, "a", "1");
	assert_pair(&l, 1, "b", "x y");
	/* The first '=' separates: base64 padding survives. */
	assert_int_equal(cookies(*state, "t=YWJj==; u==", &l), 0);
	assert_pair(&l, 0, "t", "YWJj==");
	assert_pair(&l, 1, "u", "=");
	/* Values are not percent-decoded. */
	assert_int_equal(cookies(*state, "p=%41+b", &l), 0);
	assert_pair(&l, 0, "p", "%41+b");
	/* Repeated names are kept in order. */
	assert_int_equal(cookies(*state, "s=1; s=2", &l), 0);
	assert_int_equal(kvlist_count(&l, "s"), 2);
	assert_string_equal(kvlist_get(&l, "s"), "1");
}

static void
cookie_quotes_and_junk(void **state)
{
	struct kvlist l;
	assert_int_equal(cookies(*state, "a=\"quoted value\"; b=\"\"; c=\"; d=\"x", &l), 0);
	assert_int_equal(l.count, 4);
	assert_pair(&l, 0, "a", "quoted value");
	assert_pair(&l, 1, "b", "");
	/* A lone or unbalanced quote is not a quoted value. */
	assert_pair(&l, 2, "c", "\"");
	assert_pair(&l, 3, "d", "\"x");
	/* Without '=' or without a name: skipped, like browsers do. */
	assert_int_equal(cookies(*state, "junk; =v; a=1; ;;; b", &l), 0);
	assert_int_equal(l.count, 1);
	assert_pair(&l, 0, "a", "1");
	assert_int_equal(cookies(*state, "", &l), 0);
	assert_int_equal(l.count, 0);
	assert_int_equal(cookies(*state, " ; ; ", &l), 0);
	assert_int_equal(l.count, 0);
	assert_int_equal(cookies(*state, NULL, &l), 0);
	assert_int_equal(l.count, 0);
	assert_int_equal(cookies(*state, "a=", &l), 0);
	assert_pair(&l, 0, "a", "");
}

static void
cookie_limits(void **state)
{
	struct kvlist l;
	/* max_len bytes exactly is fine, one more is 400. */
	char h[40];
	memset(h, 'x', sizeof(h));
	memcpy(h, "a=", 2);
	h[20] = '\0';
	assert_int_equal(http_parse_cookies(*state, h, 20, 4, &l), 0);
	assert_int_equal(l.items[0].value_len, 18);
	h[20] = 'x';
	h[21] = '\0';
	assert_int_equal(http_parse_cookies(*state, h, 20, 4, &l), 400);

	/* max_cookies exactly is fine, one more is 400; junk counts too. */
	assert_int_equal(http_parse_cookies(*state, "a=1; b=2; c=3", 100, 3, &l), 0);
	assert_int_equal(l.count, 3);
	assert_int_equal(http_parse_cookies(*state, "a=1; b=2; c=3; d=4", 100, 3, &l), 400);
	assert_int_equal(http_parse_cookies(*state, "a=1; b=2; c=3; junk", 100, 3, &l), 400);
	assert_int_equal(http_parse_cookies(*state, "a=1;; b=2; ; c=3;", 100, 3, &l), 0);

	/* Many cookies in a big header. */
	struct buf b = { 0 };
	for (int i = 0; i < 64; i++)
		buf_printf(&b, "%sc%d=v%d", i ? "; " : "", i, i);
	assert_int_equal(cookies(*state, buf_str(&b), &l), 0);
	assert_int_equal(l.count, 64);
	assert_string_equal(kvlist_get(&l, "c63"), "v63");
	buf_puts(&b, "; c64=v64");
	assert_int_equal(cookies(*state, buf_str(&b), &l), 400);
	buf_free(&b);

	/* An over-long header (1 MB) is refused without being walked. */
	char *big = repeat('a', 1 << 20);
	assert_int_equal(cookies(*state, big, &l), 400);
	free(big);
}

static void
content_length(void **state)
{
	(void)state;
	static const struct { const char *s; size_t max; int status; size_t n; } t[] = {
		{ NULL, 100, 0, 0 },
		{ "", 100, 0, 0 },
		{ "0", 100, 0, 0 },
		{ "1", 100, 0, 1 },
		{ "100", 100, 0, 100 },
		{ "101", 100, 413, 0 },
		{ "007", 100, 0, 7 },
		{ "65536", 65536, 0, 65536 },
		{ "65537", 65536, 413, 0 },
		{ "1", 0, 413, 0 },
		{ "0", 0, 0, 0 },
		{ "9999999999999999999", 100, 413, 0 },
		{ "9999999999999999999", SIZE_MAX, 0, (size_t)9999999999999999999ULL },
		{ "0000000000000000001", 100, 0, 1 },
		{ "00000000000000000001", 100, 400, 0 },
		{ "18446744073709551615", SIZE_MAX, 400, 0 },
		{ "18446744073709551616", SIZE_MAX, 400, 0 },
		{ "99999999999999999999999999", SIZE_MAX, 400, 0 },
		{ "+1", 100, 400, 0 },
		{ "-1", 100, 400, 0 },
		{ "-0", 100, 400, 0 },
		{ " 1", 100, 400, 0 },
		{ "1 ", 100, 400, 0 },
		{ "1\t", 100, 400, 0 },
		{ "1\n", 100, 400, 0 },
		{ "0x10", 100, 400, 0 },
		{ "1e3", 100, 400, 0 },
		{ "1.0", 100, 400, 0 },
		{ "1,000", 100, 400, 0 },
		{ "abc", 100, 400, 0 },
		{ " ", 100, 400, 0 },
		{ "۱۲", 100, 400, 0 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t n = 12345;
		int st = http_parse_content_length(t[i].s, t[i].max, &n);
		if (st != t[i].status)
			fail_msg("\"%s\" (max %zu) gave %d, expected %d",
			    t[i].s ? t[i].s : "(null)", t[i].max, st, t[i].status);
		if (st == 0)
			assert_int_equal(n, t[i].n);
	}
}

static void
header_safety(void **state)
{
	(void)state;
	assert_true(http_header_value_safe(""));
	assert_true(http_header_value_safe("text/html; charset=utf-8"));
	assert_true(http_header_value_safe("a\tb"));
	assert_true(http_header_value_safe("/comments/embed?article=1#c-12"));
	assert_true(http_header_value_safe("نظر"));
	assert_false(http_header_value_safe(NULL));
	assert_false(http_header_value_safe("a\r\nSet-Cookie: x=1"));
	assert_false(http_header_value_safe("a\rb"));
	assert_false(http_header_value_safe("a\nb"));
	assert_false(http_header_value_safe("\x01"));
	assert_false(http_header_value_safe("a\x1b[31m"));
	assert_false(http_header_value_safe("a\x1f"));
	assert_false(http_header_value_safe("a\x7f"));
	assert_false(http_header_value_safe("\x0b"));
	assert_false(http_header_value_safe("\x0c"));
	char *s = repeat('a', 4096);
	assert_true(http_header_value_safe(s));
	free(s);
	s = repeat('a', 4097);
	assert_false(http_header_value_safe(s));
	free(s);
}

static void
status_texts(void **state)
{
	(void)state;
	static const struct { int code; const char *text; } t[] = {
		{ 200, "OK" }, { 201, "Created" }, { 204, "No Content" },
		{ 303, "See Other" }, { 304, "Not Modified" }, { 400, "Bad Request" },
		{ 401, "Unauthorized" }, { 403, "Forbidden" }, { 404, "Not Found" },
		{ 405, "Method Not Allowed" },
		{ 409, "Conflict" }, { 413, "Content Too Large" },
		{ 415, "Unsupported Media Type" }, { 422, "Unprocessable Content" },
		{ 429, "Too Many Requests" }, { 500, "Internal Server Error" },
		{ 503, "Service Unavailable" },
		{ 0, "Unknown" }, { -1, "Unknown" }, { 302, "Unknown" }, { 999, "Unknown" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_string_equal(http_status_text(t[i].code), t[i].text);
}

static void
url_encode(void **state)
{
	(void)state;
	static const struct { const char *in, *out; } t[] = {
		{ "", "" },
		{ "AZaz09-._~", "AZaz09-._~" },
		{ "a b", "a%20b" },
		{ "a+b&c=d", "a%2Bb%26c%3Dd" },
		{ "100%", "100%25" },
		{ "/news/1?x#y", "%2Fnews%2F1%3Fx%23y" },
		{ "علی", "%D8%B9%D9%84%DB%8C" },
		{ "\x01\x7f\xff", "%01%7F%FF" },
		{ "\"<'>\\", "%22%3C%27%3E%5C" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct buf b = { 0 };
		http_url_encode(&b, t[i].in);
		assert_string_equal(buf_str(&b), t[i].out);
		buf_free(&b);
	}
	/* Appends, and decoding undoes it. */
	struct buf b = { 0 };
	buf_puts(&b, "q=");
	http_url_encode(&b, "a b&c/علی");
	struct kvlist l;
	assert_int_equal(http_parse_urlencoded(*state, b.data, b.len, &body_lim, &l), 0);
	assert_pair(&l, 0, "q", "a b&c/علی");
	buf_free(&b);
}

static void
location_encode(void **state)
{
	struct arena *a = *state;
	assert_string_equal(http_location_encode(a, "/a?b=c&d=%20#e", 14), "/a?b=c&d=%20#e");
	assert_string_equal(http_location_encode(a, "/\xd9\x86\xd8\xb8\xd8\xb1", 7),
	    "/%D9%86%D8%B8%D8%B1");
	assert_string_equal(http_location_encode(a, "\xff\xfe\x7f \"<>\\", 8),
	    "%FF%FE%7F%20%22%3C%3E%5C");
	assert_string_equal(http_location_encode(a, "\r\n\t", 3), "%0D%0A%09");
	/* Only len bytes, a NUL inside them encoded too. */
	assert_string_equal(http_location_encode(a, "ab\0cd", 5), "ab%00cd");
	assert_string_equal(http_location_encode(a, "abc", 1), "a");
	assert_string_equal(http_location_encode(a, "", 0), "");
	assert_true(http_header_value_safe(http_location_encode(a, "\x01\xc3\x28\x80", 4)));
}

/* HTTP dates: IMF-fixdate out and back; anything else refused. */
static void
http_dates(void **state)
{
	(void)state;
	char d[HTTP_DATE_LEN];
	http_date_format(784111777, d);
	assert_string_equal(d, "Sun, 06 Nov 1994 08:49:37 GMT");
	int64_t t = 0;
	assert_true(http_date_parse(d, &t));
	assert_int_equal(t, 784111777);
	http_date_format(0, d);
	assert_string_equal(d, "Thu, 01 Jan 1970 00:00:00 GMT");
	assert_true(http_date_parse("Thu, 29 Feb 2024 23:59:59 GMT", &t));
	assert_int_equal(t, 1709251199);
	static const char *const bad[] = {
		"", "Sun, 06 Nov 1994 08:49:37", "Sunday, 06-Nov-94 08:49:37 GMT",
		"Sun Nov  6 08:49:37 1994", "Sun, 06 Nov 1994 08:49:37 UTC",
		"Sun, 06 Nov 1994 08:49:37 GMT ", " Sun, 06 Nov 1994 08:49:37 GMT",
		"Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
		"Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 00 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 1969 08:49:37 GMT", "Sun, 0x Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 1994 08:4:937 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov -994 08:49:37 GMT", "Mon, 06 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 1994 08:49:60 GMT",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = 42;
		assert_false(http_date_parse(bad[i], &t));
		assert_int_equal(t, 42);
	}
	assert_false(http_date_parse(NULL, &t));
}

/* If-None-Match: weak comparison, lists, "*", and malformed lists. */
static void
etag_matching(void **state)
{
	(void)state;
	const char *e = "\"abc\"";
	assert_true(http_etag_matches("\"abc\"", e));
	assert_true(http_etag_matches("W/\"abc\"", e));
	assert_true(http_etag_matches("\"x\", \"abc\"", e));
	assert_true(http_etag_matches(" \"x\" ,W/\"abc\" ", e));
	assert_true(http_etag_matches("*", e));
	assert_false(http_etag_matches("\"abcd\"", e));
	assert_false(http_etag_matches("\"ab\"", e));
	assert_false(http_etag_matches("abc", e));
	assert_false(http_etag_matches("\"abc", e));
	assert_false(http_etag_matches("\"x\" junk \"abc\"", e));
	assert_false(http_etag_matches("w/\"abc\"", e));
	assert_false(http_etag_matches("", e));
	assert_false(http_etag_matches(",,,", e));
	assert_false(http_etag_matches(NULL, e));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(form_basic, setup, teardown),
		cmocka_unit_test_setup_teardown(location_encode, setup, teardown),
		cmocka_unit_test_setup_teardown(form_repeated_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(form_plus_and_percent, setup, teardown),
		cmocka_unit_test_setup_teardown(form_bad_percent, setup, teardown),
		cmocka_unit_test_setup_teardown(form_missing_equals_and_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(form_not_nul_terminated, setup, teardown),
		cmocka_unit_test_setup_teardown(form_key_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(form_value_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(form_field_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(form_huge_inputs, setup, teardown),
		cmocka_unit_test_setup_teardown(cookie_basic, setup, teardown),
		cmocka_unit_test_setup_teardown(cookie_quotes_and_junk, setup, teardown),
		cmocka_unit_test_setup_teardown(cookie_limits, setup, teardown),
		cmocka_unit_test(content_length),
		cmocka_unit_test(header_safety),
		cmocka_unit_test(status_texts),
		cmocka_unit_test(http_dates),
		cmocka_unit_test(etag_matching),
		cmocka_unit_test_setup_teardown(url_encode, setup, teardown),
	};
	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
