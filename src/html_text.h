/* html_text.h — HTML from another comment system turned into nazar's plain
 * text, for imports (WordPress, Disqus and the others keep a comment's
 * text as HTML; nazar keeps plain text and makes its own HTML on output).
 *
 * Not a sanitizer: nothing of the input's markup ever comes out as markup.
 * Tags become line breaks or nothing, entities become characters, and
 * what is left is text, escaped like any other when it is shown. */
#ifndef NAZAR_HTML_TEXT_H
#define NAZAR_HTML_TEXT_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

/* Tags and attribute values longer than this are not markup but text. */
#define HTML_TEXT_MAX_TAG 4096

/*
 * The text of s[0..len), any bytes at all, as nazar stores a comment:
 * - bytes that are not UTF-8 become U+FFFD, NUL bytes are dropped;
 * - <p>, </p> start a paragraph (a blank line); <br> is a line break;
 *   other block elements (div, li, blockquote, h1–h6, pre, tr, hr …) a
 *   line break; a line break in the source is one too (WordPress keeps a
 *   comment's lines as typed); runs of spaces and tabs are one space;
 * - <a href="URL">text</a> becomes "text (URL)", or the URL alone when the
 *   text is empty or is the URL; only http, https and mailto URLs are
 *   kept; <img alt="…"> its alt text; <script> and <style> with their
 *   content, comments, <!…> and <?…?> vanish; every other tag is dropped
 *   and its content kept;
 * - character references (&amp; &#1587; &#x633; and the common named
 *   ones) are decoded; NUL, surrogates and values past U+10FFFF give
 *   U+FFFD; an unknown or malformed one stays as typed;
 * - a '<' that does not start a tag (or a tag with no '>' within
 *   HTML_TEXT_MAX_TAG bytes) is text;
 * - then text_clean (NFC, controls and invisible characters, line tidying)
 *   and at most max_bytes bytes, cut on a character (*cut set then; cut
 *   may be NULL).
 * Never NULL; "" when nothing is left. Linear in len.
 */
char *html_to_text(struct arena *a, const char *s, size_t len, size_t max_bytes, bool *cut);

#endif
