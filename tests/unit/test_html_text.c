/* test_html_text.c — imported HTML as plain text: paragraphs and line
 * breaks, entities, links, dropped markup, hostile and broken input, the
 * bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "html_text.h"
#include "utf8.h"

static struct arena *a;

static const char *
conv(const char *s)
{
	return html_to_text(a, s, strlen(s), 100000, NULL);
}

static void
paragraphs_and_breaks(void **state)
{
	(void)state;
	assert_string_equal(conv("<p>Hello</p><p>World</p>"), "Hello\n\nWorld");
	assert_string_equal(conv("<P>Hello</P>\n<P>World</P>\n"), "Hello\n\nWorld");
	assert_string_equal(conv("one<br>two<br/>three<BR />four"), "one\ntwo\nthree\nfour");
	assert_string_equal(conv("one<br>\ntwo"), "one\ntwo");
	assert_string_equal(conv("one<br><br>two"), "one\n\ntwo");
	/* WordPress keeps a comment's lines as typed. */
	assert_string_equal(conv("first line\nsecond\n\nnew paragraph"),
	    "first line\nsecond\n\nnew paragraph");
	assert_string_equal(conv("a\r\nb"), "a\nb");
	assert_string_equal(conv("<div>a</div><div>b</div>"), "a\nb");
	assert_string_equal(conv("<ul><li>one</li><li>two</li></ul>"), "one\ntwo");
	assert_string_equal(conv("<blockquote>quoted</blockquote>reply"), "quoted\nreply");
	/* Blank lines are capped, leading and trailing ones gone. */
	assert_string_equal(conv("<p></p><p></p><br><br>x<br><br><br><br><br>y<p></p>"),
	    "x\n\n\ny");
	assert_string_equal(conv("  lots   of\t\tspace  "), "lots of space");
}

static void
entities(void **state)
{
	(void)state;
	assert_string_equal(conv("Tom &amp; Jerry &lt;3 &gt; &quot;q&quot; &apos;s"),
	    "Tom & Jerry <3 > \"q\" 's");
	assert_string_equal(conv("&#1587;&#1604;&#1575;&#1605;"), "سلام");
	assert_string_equal(conv("&#x633;&#X644;&#x627;&#x645;"), "سلام");
	assert_string_equal(conv("&laquo;نظر&raquo; &hellip; &mdash;"), "«نظر» … —");
	assert_string_equal(conv("می&zwnj;خواهم"), "می\u200cخواهم");
	assert_string_equal(conv("a&nbsp;b"), "a b");
	/* Broken or unknown ones stay as typed. */
	assert_string_equal(conv("AT&T &unknown; & &; &#; &#x; &amp"),
	    "AT&T &unknown; & &; &#; &#x; &amp");
	/* NUL, surrogates and values past Unicode are U+FFFD. */
	assert_string_equal(conv("&#0;&#xd800;&#x110000;"), "\ufffd\ufffd\ufffd");
	assert_string_equal(conv("&#99999999999;"), "&#99999999999;");
	/* Decoded markup is text, never markup. */
	assert_string_equal(conv("&lt;script&gt;alert(1)&lt;/script&gt;"),
	    "<script>alert(1)</script>");
	assert_string_equal(conv("&lt;br&gt;"), "<br>");
}

static void
links(void **state)
{
	(void)state;
	assert_string_equal(conv("see <a href=\"https://example.com/x?a=1&amp;b=2\">this</a>."),
	    "see this (https://example.com/x?a=1&b=2).");
	assert_string_equal(conv("<a href='https://example.com/'>https://example.com/</a>"),
	    "https://example.com/");
	assert_string_equal(conv("<a href=https://example.com/>example.com/</a>"),
	    "example.com/");
	assert_string_equal(conv("<a href=\"http://x.ir\"></a>"), "http://x.ir");
	assert_string_equal(conv("<a href=\"mailto:a@b.ir\">نامه</a>"), "نامه (mailto:a@b.ir)");
	/* Only http, https and mailto are kept; the text stays. */
	assert_string_equal(conv("<a href=\"javascript:alert(1)\">click</a>"), "click");
	assert_string_equal(conv("<a href=\"  JaVaScRiPt:x\">c</a>"), "c");
	assert_string_equal(conv("<a href=\"data:text/html,x\">d</a>"), "d");
	assert_string_equal(conv("<a name=\"x\">anchor</a>"), "anchor");
	/* Unclosed. */
	assert_string_equal(conv("<a href=\"https://e.ir/\">open"), "open (https://e.ir/)");
	assert_string_equal(conv("<img src=x alt=\"&#x1F600;\"> ok"), "\U0001F600 ok");
}

static void
markup_dropped(void **state)
{
	(void)state;
	assert_string_equal(conv("<b>bold</b> <i>it</i> <span style=\"x\">s</span>"),
	    "bold it s");
	assert_string_equal(conv("a<script>alert('<p>x</p>')</script>b"), "ab");
	assert_string_equal(conv("a<style>p{}</style>b"), "ab");
	assert_string_equal(conv("a<!-- <p>hidden</p> -->b"), "ab");
	assert_string_equal(conv("a<!DOCTYPE html>b<?php echo 1; ?>c"), "abc");
	assert_string_equal(conv("<img src=\"x\" onerror=\"alert(1)\">x"), "x");
	assert_string_equal(conv("<a href=\"x\" title='>'>t</a>"), "t");
}

static void
not_markup(void **state)
{
	(void)state;
	assert_string_equal(conv("1 < 2 and 3 > 2"), "1 < 2 and 3 > 2");
	assert_string_equal(conv("a <3 b"), "a <3 b");
	assert_string_equal(conv("x <b unclosed"), "x <b unclosed");
	assert_string_equal(conv("x <a href=\"never closed>y"), "x <a href=\"never closed>y");
	/* An unclosed comment or script is text too: nothing is lost. */
	assert_string_equal(conv("a <!-- b"), "a <!-- b");
	assert_string_equal(conv("a <script>b"), "a b");
}

static void
hostile_bytes(void **state)
{
	(void)state;
	/* Invalid UTF-8 becomes U+FFFD; NUL is dropped; controls go. */
	assert_string_equal(html_to_text(a, "a\xff" "b\xc3", 4, 100, NULL), "a\ufffdb\ufffd");
	assert_string_equal(html_to_text(a, "a\0b", 3, 100, NULL), "ab");
	assert_string_equal(conv("a\x1b[31mb\x7f"), "a[31mb");
	/* Bidi overrides go; NFC. */
	assert_string_equal(conv("a\u202eb"), "ab");
	assert_string_equal(conv("e\xcc\x81"), "\xc3\xa9");
	/* Found by fuzz_html_text: a control, NULs and an ASCII letter that
	 * NFC joins with the combining mark after it (t + U+0307 = U+1E6B),
	 * so the letter itself is not in the text any more. */
	assert_string_equal(html_to_text(a, "lic\x07ipt\xcc\x87n\0\0kown;", 17, 100, NULL),
	    "licip\xe1\xb9\xabnkown;");
	assert_string_equal(conv(""), "");
	assert_string_equal(conv("<p> </p>"), "");
	/* A tag too long to be one is text. */
	size_t n = HTML_TEXT_MAX_TAG + 100;
	char *big = malloc(n + 1);
	assert_non_null(big);
	memset(big, 'x', n);
	memcpy(big, "<a title=\"", 10);
	big[n - 2] = '"';
	big[n - 1] = '>';
	big[n] = '\0';
	const char *out = conv(big);
	assert_true(strncmp(out, "<a title=", 9) == 0);
	free(big);
}

static void
bounded(void **state)
{
	(void)state;
	bool cut = false;
	const char *out = html_to_text(a, "سلام دنیا", strlen("سلام دنیا"), 7, &cut);
	assert_true(cut);
	assert_string_equal(out, "سلا");
	out = html_to_text(a, "<p>abc</p>", 10, 3, &cut);
	assert_false(cut);
	assert_string_equal(out, "abc");
	/* Many '<' without '>', many comment openers: linear, no crash. */
	size_t n = 1 << 20;
	char *big = malloc(n);
	assert_non_null(big);
	for (size_t i = 0; i < n; i++)
		big[i] = "<!--<a <script"[i % 14];
	out = html_to_text(a, big, n, 1000, &cut);
	assert_true(cut);
	assert_true(strlen(out) <= 1000);
	assert_true(utf8_valid(out, strlen(out)));
	free(big);
}

static int
setup(void **state)
{
	(void)state;
	a = arena_new();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	arena_free(a);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(paragraphs_and_breaks),
		cmocka_unit_test(entities),
		cmocka_unit_test(links),
		cmocka_unit_test(markup_dropped),
		cmocka_unit_test(not_markup),
		cmocka_unit_test(hostile_bytes),
		cmocka_unit_test(bounded),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
