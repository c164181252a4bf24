/* test_text.c — strict UTF-8, cleaning of what readers type, and the body
 * rendering with its links, including hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "buf.h"
#include "text.h"

#define A(s) (s), sizeof(s) - 1

#define REL "\" rel=\"nofollow ugc noopener\" target=\"_blank\">"

/* --- utf8_valid ---------------------------------------------------------- */

static void
valid_sequences(void **state)
{
	(void)state;
	assert_true(utf8_valid(A("")));
	assert_true(utf8_valid(A("plain ASCII ~\x7f")));
	assert_true(utf8_valid(A("سلام دنیا")));
	assert_true(utf8_valid(A("\xf0\x9f\x98\x80")));		/* U+1F600 */
	/* The edges of every range. */
	assert_true(utf8_valid(A("\xc2\x80")));			/* U+0080 */
	assert_true(utf8_valid(A("\xdf\xbf")));			/* U+07FF */
	assert_true(utf8_valid(A("\xe0\xa0\x80")));		/* U+0800 */
	assert_true(utf8_valid(A("\xed\x9f\xbf")));		/* U+D7FF */
	assert_true(utf8_valid(A("\xee\x80\x80")));		/* U+E000 */
	assert_true(utf8_valid(A("\xef\xbf\xbf")));		/* U+FFFF */
	assert_true(utf8_valid(A("\xf0\x90\x80\x80")));		/* U+10000 */
	assert_true(utf8_valid(A("\xf4\x8f\xbf\xbf")));		/* U+10FFFF */
	/* U+0000 is UTF-8; text_clean is what refuses it. */
	assert_true(utf8_valid(A("a\0b")));
	/* Only len bytes are read: a bad byte after them does not count. */
	assert_true(utf8_valid("ab\xff", 2));
}

static void
rejects_overlong(void **state)
{
	(void)state;
	assert_false(utf8_valid(A("\xc0\x80")));	/* NUL, two bytes */
	assert_false(utf8_valid(A("\xc0\xaf")));	/* '/' */
	assert_false(utf8_valid(A("\xc1\xbf")));
	assert_false(utf8_valid(A("\xe0\x80\xaf")));
	assert_false(utf8_valid(A("\xe0\x9f\xbf")));	/* U+07FF in three */
	assert_false(utf8_valid(A("\xf0\x80\x80\xaf")));
	assert_false(utf8_valid(A("\xf0\x8f\xbf\xbf")));	/* U+FFFF in four */
}

static void
rejects_surrogates(void **state)
{
	(void)state;
	assert_false(utf8_valid(A("\xed\xa0\x80")));	/* U+D800 */
	assert_false(utf8_valid(A("\xed\xad\xbf")));	/* U+DB7F */
	assert_false(utf8_valid(A("\xed\xb0\x80")));	/* U+DC00 */
	assert_false(utf8_valid(A("\xed\xbf\xbf")));	/* U+DFFF */
	/* A CESU-8 pair for U+1F600. */
	assert_false(utf8_valid(A("\xed\xa0\xbd\xed\xb8\x80")));
}

static void
rejects_above_max(void **state)
{
	(void)state;
	assert_false(utf8_valid(A("\xf4\x90\x80\x80")));	/* U+110000 */
	assert_false(utf8_valid(A("\xf5\x80\x80\x80")));
	assert_false(utf8_valid(A("\xf7\xbf\xbf\xbf")));
	assert_false(utf8_valid(A("\xf8\x88\x80\x80\x80")));	/* old 5-byte form */
	assert_false(utf8_valid(A("\xfc\x84\x80\x80\x80\x80")));
	assert_false(utf8_valid(A("\xfe")));
	assert_false(utf8_valid(A("\xff")));
}

static void
rejects_truncated(void **state)
{
	(void)state;
	assert_false(utf8_valid(A("\xc3")));
	assert_false(utf8_valid(A("\xe2\x82")));
	assert_false(utf8_valid(A("\xf0\x9f\x98")));
	assert_false(utf8_valid(A("سلا\xd9")));	/* cut inside م */
	assert_false(utf8_valid("\xd8\xb3", 1));	/* the length cuts it */
	/* A lead byte followed by something that is not a continuation. */
	assert_false(utf8_valid(A("\xc3\x28")));
	assert_false(utf8_valid(A("\xe2\x28\xa1")));
	assert_false(utf8_valid(A("\xe2\x82\x28")));
	assert_false(utf8_valid(A("\xf0\x9f\x98 ")));
	assert_false(utf8_valid(A("\xc3\x00")));
}

static void
rejects_stray_continuation(void **state)
{
	(void)state;
	assert_false(utf8_valid(A("\x80")));
	assert_false(utf8_valid(A("\xbf")));
	assert_false(utf8_valid(A("a\xbf" "b")));
	assert_false(utf8_valid(A("\xd8\xb3\xb3")));	/* one too many */
	assert_false(utf8_valid(A("\xf0\x9f\x98\x80\x80")));
}

static void
length_in_code_points(void **state)
{
	(void)state;
	assert_int_equal(utf8_length(A("")), 0);
	assert_int_equal(utf8_length(A("abc")), 3);
	assert_int_equal(utf8_length(A("سلام")), 4);
	assert_int_equal(utf8_length(A("e\xcc\x81")), 2);
	assert_int_equal(utf8_length(A("\xf0\x9f\x98\x80!")), 2);
	assert_int_equal(utf8_length(A("می\xe2\x80\x8cخواهم")), 8);	/* ZWNJ counts */
}

/* --- text_clean ---------------------------------------------------------- */

static void
clean_is(const char *in, size_t len, bool single, const char *want)
{
	struct arena *a = arena_new();
	char *got = text_clean(a, in, len, single);

	assert_non_null(got);
	assert_string_equal(got, want);
	arena_free(a);
}

static void
clean_refuses(const char *in, size_t len)
{
	struct arena *a = arena_new();

	assert_null(text_clean(a, in, len, false));
	assert_null(text_clean(a, in, len, true));
	arena_free(a);
}

static void
clean_refuses_invalid(void **state)
{
	(void)state;
	clean_refuses(A("\xc0\xaf"));
	clean_refuses(A("ok \xed\xa0\x80"));
	clean_refuses(A("\xf4\x90\x80\x80"));
	clean_refuses(A("trailing \xe2\x82"));
	clean_refuses(A("\x80"));
	clean_refuses(A("a\0b"));	/* would truncate what is stored */
	clean_refuses(A("\0"));
}

static void
clean_nfc(void **state)
{
	(void)state;
	clean_is(A("e\xcc\x81"), false, "\xc3\xa9");
	clean_is(A("Cafe\xcc\x81 cre\xcc\x80me"), false, "Caf\xc3\xa9 cr\xc3\xa8me");
	/* Alef + madda above composes to آ. */
	clean_is(A("\xd8\xa7\xd9\x93ب"), false, "آب");
	/* Persian text, with ZWNJ, Persian digits and punctuation: unchanged. */
	clean_is(A("می‌خواهم این خبر را در ۱۴۰۳ بخوانم؛ آیا ممکن است؟"), false,
	    "می‌خواهم این خبر را در ۱۴۰۳ بخوانم؛ آیا ممکن است؟");
	/* Harakat in canonical order: kasra (ccc 32) before shadda (33). */
	clean_is(A("\xd8\xa8\xd9\x91\xd9\x90"), false, "\xd8\xa8\xd9\x90\xd9\x91");
	clean_is(A("\xd8\xa8\xd9\x90\xd9\x91"), false, "\xd8\xa8\xd9\x90\xd9\x91");
	/* Compatibility forms are kept (NFC, not NFKC): ﷲ and ﬁ stay. */
	clean_is(A("\xef\xb7\xb2 \xef\xac\x81"), false, "\xef\xb7\xb2 \xef\xac\x81");
	/* Hangul jamo compose. */
	clean_is(A("\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab"), false, "\xed\x95\x9c");
}

static void
clean_line_endings(void **state)
{
	(void)state;
	clean_is(A("a\r\nb\rc\nd"), false, "a\nb\nc\nd");
	clean_is(A("a\r\n\r\nb"), false, "a\n\nb");
	clean_is(A("a\r\rb"), false, "a\n\nb");
	clean_is(A("a\n\rb"), false, "a\n\nb");
	clean_is(A("a\xe2\x80\xa8" "b\xc2\x85" "c"), false, "a\nb\nc");	/* LS, NEL */
	clean_is(A("a\tb"), false, "a\tb");
}

static void
clean_single_line(void **state)
{
	(void)state;
	clean_is(A("a\r\nb\tc\nd\re"), true, "a b c d e");
	clean_is(A("  name\n"), true, "name");
	clean_is(A("x\xe2\x80\xa9y"), true, "x y");
}

static void
clean_trims_unicode_space(void **state)
{
	(void)state;
	clean_is(A(""), false, "");
	clean_is(A(" \t\r\n "), false, "");
	clean_is(A("  \t\n hello world \n "), false, "hello world");
	clean_is(A("\xc2\xa0x\xc2\xa0"), false, "x");			/* NBSP */
	clean_is(A("\xe3\x80\x80x\xe3\x80\x80"), false, "x");		/* U+3000 */
	clean_is(A("\xe2\x80\x80\xe2\x80\x8ax\xe2\x80\x83"), false, "x");	/* U+2000…200A */
	clean_is(A("\xe2\x80\xafx\xe2\x81\x9f"), false, "x");		/* U+202F, U+205F */
	clean_is(A("\xe1\x9a\x80x\xe2\x80\xa8\xe2\x80\xa9"), false, "x");	/* U+1680, LS, PS */
	clean_is(A("\xef\xbb\xbf  x"), false, "x");			/* BOM */
	/* U+FEFF is trimmed only as a byte-order mark at the start. */
	clean_is(A("x\xef\xbb\xbf"), false, "x\xef\xbb\xbf");
	/* Not white space: RLM, ZWNJ, ZWSP stay. */
	clean_is(A("\xe2\x80\x8fسلام\xe2\x80\x8f"), false, "\xe2\x80\x8fسلام\xe2\x80\x8f");
	clean_is(A("\xe2\x80\x8c" "a\xe2\x80\x8b"), false, "\xe2\x80\x8c" "a\xe2\x80\x8b");
	/* Inner white space is kept as it is. */
	clean_is(A(" a \xc2\xa0 b "), false, "a \xc2\xa0 b");
}

static void
clean_removes_controls(void **state)
{
	(void)state;
	clean_is(A("a\x01" "b\x1b[31mc\x7f" "d"), false, "ab[31mcd");
	clean_is(A("a\xc2\x80\xc2\x9f" "b"), false, "ab");		/* C1 */
	clean_is(A("\x0b\x0c" "x\x08"), false, "x");
}

static void
clean_long_input(void **state)
{
	(void)state;
	const char *word = "سلام ";	/* 9 bytes */
	size_t n = 100000, wl = strlen(word);
	char *in = malloc(n * wl + 1);
	struct arena *a = arena_new();

	assert_non_null(in);
	for (size_t i = 0; i < n; i++)
		memcpy(in + i * wl, word, wl);
	char *out = text_clean(a, in, n * wl, false);
	assert_non_null(out);
	assert_int_equal(strlen(out), n * wl - 1);	/* the last space trimmed */
	assert_memory_equal(out, in, n * wl - 1);
	/* One bad byte at the very end still refuses the whole text. */
	in[n * wl - 1] = (char)0xd9;
	assert_null(text_clean(a, in, n * wl, false));
	arena_free(a);
	free(in);
}

/* --- text_body_to_html --------------------------------------------------- */

static void
html_is(const char *in, const char *want)
{
	struct buf b = { 0 };

	text_body_to_html(&b, in);
	assert_string_equal(buf_str(&b), want);
	buf_free(&b);
}

static void
html_escapes(void **state)
{
	(void)state;
	html_is("", "");
	html_is(NULL, "");
	html_is("a & b <c> \"d\" 'e'", "a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39;");
	html_is("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
	html_is("line1\nline2\n\nline4", "line1<br>\nline2<br>\n<br>\nline4");
	html_is("سلام & خداحافظ", "سلام &amp; خداحافظ");
	html_is("&amp;", "&amp;amp;");
}

static void
html_links(void **state)
{
	(void)state;
	html_is("see https://example.com/a?b=1&c=2.",
	    "see <a href=\"https://example.com/a?b=1&amp;c=2" REL
	    "https://example.com/a?b=1&amp;c=2</a>.");
	html_is("http://example.com", "<a href=\"http://example.com" REL "http://example.com</a>");
	html_is("go to www.example.com, now",
	    "go to <a href=\"https://www.example.com" REL "www.example.com</a>, now");
	html_is("HTTPS://EXAMPLE.COM/X", "<a href=\"HTTPS://EXAMPLE.COM/X" REL "HTTPS://EXAMPLE.COM/X</a>");
	html_is("a\nhttps://a.b\n", "a<br>\n<a href=\"https://a.b" REL "https://a.b</a><br>\n");
	html_is("http://a.com:8080/p;x=1#frag", "<a href=\"http://a.com:8080/p;x=1#frag" REL
	    "http://a.com:8080/p;x=1#frag</a>");
	html_is("two: http://a.com http://b.com",
	    "two: <a href=\"http://a.com" REL "http://a.com</a> <a href=\"http://b.com" REL
	    "http://b.com</a>");
	/* A URL inside a URL is part of it. */
	html_is("http://a.com/?u=http://b.com",
	    "<a href=\"http://a.com/?u=http://b.com" REL "http://a.com/?u=http://b.com</a>");
}

static void
html_link_punctuation(void **state)
{
	(void)state;
	html_is("http://a.com?!...", "<a href=\"http://a.com" REL "http://a.com</a>?!...");
	html_is("(see http://x.org/wiki/Foo_(bar))",
	    "(see <a href=\"http://x.org/wiki/Foo_(bar)" REL "http://x.org/wiki/Foo_(bar)</a>)");
	html_is("http://x.org)", "<a href=\"http://x.org" REL "http://x.org</a>)");
	html_is("http://x.org/(a)).", "<a href=\"http://x.org/(a)" REL "http://x.org/(a)</a>).");
	html_is("http://x.org/a.b", "<a href=\"http://x.org/a.b" REL "http://x.org/a.b</a>");
	/* Persian punctuation and guillemets. */
	html_is("ببینید: https://example.ir/خبر، و",
	    "ببینید: <a href=\"https://example.ir/خبر" REL "https://example.ir/خبر</a>، و");
	html_is("«https://example.com»", "«<a href=\"https://example.com" REL "https://example.com</a>»");
	html_is("https://a.ir؟", "<a href=\"https://a.ir" REL "https://a.ir</a>؟");
	html_is("https://a.ir؛", "<a href=\"https://a.ir" REL "https://a.ir</a>؛");
	/* Only punctuation after the scheme: not a link. */
	html_is("http://...", "http://...");
}

static void
html_not_links(void **state)
{
	(void)state;
	html_is("javascript:alert(1)", "javascript:alert(1)");
	html_is("JaVaScRiPt:alert(document.cookie)", "JaVaScRiPt:alert(document.cookie)");
	html_is("data:text/html,<b>x</b>", "data:text/html,&lt;b&gt;x&lt;/b&gt;");
	html_is("ftp://example.com", "ftp://example.com");
	html_is("http://", "http://");
	html_is("http:// x", "http:// x");
	html_is("https://-x", "https://-x");
	html_is("www.", "www.");
	html_is("www. x", "www. x");
	html_is("xhttp://a.com", "xhttp://a.com");
	html_is("awww.a.com", "awww.a.com");
	html_is("a@www.a.com", "a@www.a.com");
	html_is("http:/a.com", "http:/a.com");
	html_is("httpx://a.com", "httpx://a.com");
}

static void
html_hostile_links(void **state)
{
	(void)state;
	/* Quotes end the URL, so nothing can leave the attribute. */
	html_is("http://x.com/\"onmouseover=\"alert(1)",
	    "<a href=\"http://x.com/" REL "http://x.com/</a>&quot;onmouseover=&quot;alert(1)");
	html_is("http://x.com/'onmouseover='alert(1)'",
	    "<a href=\"http://x.com/" REL "http://x.com/</a>&#39;onmouseover=&#39;alert(1)&#39;");
	html_is("http://x.com/<script>alert(1)</script>",
	    "<a href=\"http://x.com/" REL "http://x.com/</a>&lt;script&gt;alert(1)&lt;/script&gt;");
	html_is("www.x.com\"><img src=x onerror=alert(1)>",
	    "<a href=\"https://www.x.com" REL "www.x.com</a>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
	/* & in a URL is escaped in both places. */
	html_is("http://x.com/?a=1&amp;b=&#106;",
	    "<a href=\"http://x.com/?a=1&amp;amp;b=&amp;#106" REL
	    "http://x.com/?a=1&amp;amp;b=&amp;#106</a>;");
	/* A scheme hidden after http:// is just a path. */
	html_is("http://javascript:alert(1)",
	    "<a href=\"http://javascript:alert(1)" REL "http://javascript:alert(1)</a>");
	/* Control bytes end a URL (stored text has none, but be safe). */
	html_is("http://a.com\x01x", "<a href=\"http://a.com" REL "http://a.com</a>\x01x");
}

static void
html_links_with_direction_marks(void **state)
{
	(void)state;
	/* RLM / LRM / ZWNJ / embeddings around a link stay outside it. */
	html_is("\xe2\x80\x8fhttps://example.com\xe2\x80\x8f",
	    "\xe2\x80\x8f<a href=\"https://example.com" REL "https://example.com</a>\xe2\x80\x8f");
	html_is("https://a.com\xe2\x80\x8elink", "<a href=\"https://a.com" REL "https://a.com</a>\xe2\x80\x8elink");
	html_is("https://a.com\xe2\x80\xaex", "<a href=\"https://a.com" REL "https://a.com</a>\xe2\x80\xaex");
	html_is("https://a.com\xc2\xa0x", "<a href=\"https://a.com" REL "https://a.com</a>\xc2\xa0x");
	/* A Persian path is part of the URL. */
	html_is("https://fa.wikipedia.org/wiki/تهران را ببینید",
	    "<a href=\"https://fa.wikipedia.org/wiki/تهران" REL "https://fa.wikipedia.org/wiki/تهران</a> را ببینید");
	/* ZWNJ belongs to Persian words, also in a path, but not at the end. */
	html_is("https://fa.wikipedia.org/wiki/می\xe2\x80\x8cخواهم",
	    "<a href=\"https://fa.wikipedia.org/wiki/می\xe2\x80\x8cخواهم" REL
	    "https://fa.wikipedia.org/wiki/می\xe2\x80\x8cخواهم</a>");
	html_is("https://a.com\xe2\x80\x8c", "<a href=\"https://a.com" REL "https://a.com</a>\xe2\x80\x8c");
	/* Invalid UTF-8 ends a URL and is passed through untouched. */
	html_is("http://a.com\xff", "<a href=\"http://a.com" REL "http://a.com</a>\xff");
}

/* Input built to make a naive linkifier quadratic; it must finish and
 * produce the exact output. */
static void
html_long_inputs(void **state)
{
	(void)state;
	size_t n = 200000;
	char *in = malloc(n * 8 + 16);
	struct buf b = { 0 };

	assert_non_null(in);
	/* One enormous URL: "http://a" then ")" n times. */
	memcpy(in, "http://a", 8);
	memset(in + 8, ')', n);
	in[8 + n] = '\0';
	text_body_to_html(&b, in);
	assert_int_equal(b.len, strlen("<a href=\"http://a" REL "http://a</a>") + n);
	assert_memory_equal(b.data, "<a href=\"http://a" REL "http://a</a>))",
	    strlen("<a href=\"http://a" REL "http://a</a>))"));
	buf_reset(&b);

	/* "www. " over and over: never a host, never a link. */
	for (size_t i = 0; i < n; i++)
		memcpy(in + i * 5, "www. ", 5);
	in[n * 5] = '\0';
	text_body_to_html(&b, in);
	assert_int_equal(b.len, n * 5);
	buf_reset(&b);

	/* "www.www.…": one link, its final '.' outside. */
	for (size_t i = 0; i < n; i++)
		memcpy(in + i * 4, "www.", 4);
	in[n * 4] = '\0';
	text_body_to_html(&b, in);
	assert_int_equal(b.len, strlen("<a href=\"https://" REL "</a>.") + 2 * (n * 4 - 1));
	buf_reset(&b);

	/* "http://" repeated: one URL ("http://http://…"). */
	for (size_t i = 0; i < n; i++)
		memcpy(in + i * 7, "http://", 7);
	in[n * 7] = '\0';
	text_body_to_html(&b, in);
	assert_int_equal(b.len, 2 * n * 7 + strlen("<a href=\"" REL "</a>"));
	buf_reset(&b);

	/* Many short links, escapes and line breaks. */
	const char *unit = "http://a.co<\n ";
	size_t ul = strlen(unit);
	for (size_t i = 0; i < n / 2; i++)
		memcpy(in + i * ul, unit, ul);
	in[(n / 2) * ul] = '\0';
	text_body_to_html(&b, in);
	const char *want = "<a href=\"http://a.co" REL "http://a.co</a>&lt;<br>\n ";
	assert_int_equal(b.len, (n / 2) * strlen(want));
	assert_memory_equal(b.data + b.len - strlen(want), want, strlen(want));
	buf_free(&b);
	free(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_sequences),
		cmocka_unit_test(rejects_overlong),
		cmocka_unit_test(rejects_surrogates),
		cmocka_unit_test(rejects_above_max),
		cmocka_unit_test(rejects_truncated),
		cmocka_unit_test(rejects_stray_continuation),
		cmocka_unit_test(length_in_code_points),
		cmocka_unit_test(clean_refuses_invalid),
		cmocka_unit_test(clean_nfc),
		cmocka_unit_test(clean_line_endings),
		cmocka_unit_test(clean_single_line),
		cmocka_unit_test(clean_trims_unicode_space),
		cmocka_unit_test(clean_removes_controls),
		cmocka_unit_test(clean_long_input),
		cmocka_unit_test(html_escapes),
		cmocka_unit_test(html_links),
		cmocka_unit_test(html_link_punctuation),
		cmocka_unit_test(html_not_links),
		cmocka_unit_test(html_hostile_links),
		cmocka_unit_test(html_links_with_direction_marks),
		cmocka_unit_test(html_long_inputs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
