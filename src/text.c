/* text.c — what readers type, made safe to store and to show: strict UTF-8,
 * NFC, trimming, and the plain-text-to-HTML rendering with links. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <utf8proc.h>

#include "arena.h"
#include "buf.h"
#include "html.h"
#include "text.h"

/*
 * Length of the well-formed sequence at s (1–4) with its code point in
 * *cp, or 0. The byte ranges are those of Unicode's table 3-7, which
 * exclude overlong forms, surrogates and everything above U+10FFFF.
 */
static size_t
utf8_decode(const unsigned char *s, size_t left, uint32_t *cp)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;
	uint32_t c;

	if (left == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
		if (s[0] == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (s[0] == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
		if (s[0] == 0xf0)
			lo = 0x90;	/* overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else
		return 0;	/* stray continuation byte, C0, C1, F5–FF */
	if (n > left)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	c = (c << 6) | (s[1] & 0x3f);
	for (size_t i = 2; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	*cp = c;
	return n;
}

bool
utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	uint32_t cp;

	while (i < len) {
		size_t n = utf8_decode(p + i, len - i, &cp);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

size_t
utf8_length(const char *s, size_t len)
{
	size_t n = 0;

	/* Every byte that is not a continuation byte starts a code point. */
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* The white space that trimming removes (U+FEFF only at the start: it is
 * a byte-order mark there and a no-break joiner elsewhere). */
static bool
is_space(uint32_t c)
{
	switch (c) {
	case ' ': case '\t': case '\n': case '\v': case '\f': case '\r':
	case 0x85: case 0xa0: case 0x1680: case 0x2028: case 0x2029:
	case 0x202f: case 0x205f: case 0x3000:
		return true;
	default:
		return c >= 0x2000 && c <= 0x200a;
	}
}

/*
 * Line endings to '\n'; other control characters (C0 but tab and line
 * feed, DEL, C1) removed, since they are invisible, can hide text in a
 * terminal and are not allowed in XML; NEL, U+2028 and U+2029 become '\n'.
 * In single-line mode every line break and tab becomes a space.
 */
static void
normalize_controls(struct buf *b, const unsigned char *s, size_t len, bool single_line)
{
	size_t i = 0;
	uint32_t c;

	while (i < len) {
		size_t n = utf8_decode(s + i, len - i, &c);
		bool brk = false;

		if (n == 0)
			return;	/* not reached: the caller validated s */
		if (c == '\r') {
			brk = true;
			if (i + 1 < len && s[i + 1] == '\n')
				n = 2;
		} else if (c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029)
			brk = true;
		else if (c == '\t') {
			buf_putc(b, single_line ? ' ' : '\t');
			i += n;
			continue;
		} else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
			i += n;
			continue;
		}
		if (brk)
			buf_putc(b, single_line ? ' ' : '\n');
		else
			buf_append(b, s + i, n);
		i += n;
	}
}

char *
text_clean(struct arena *a, const char *s, size_t len, bool single_line)
{
	struct buf b = { 0 };
	utf8proc_uint8_t *nfc = NULL;
	char *res = NULL;
	uint32_t c;

	/* A NUL would cut the stored C string short: refuse it as well. */
	if (s == NULL || memchr(s, '\0', len) != NULL || !utf8_valid(s, len))
		return NULL;
	normalize_controls(&b, (const unsigned char *)s, len, single_line);

	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)buf_str(&b),
	    (utf8proc_ssize_t)b.len, &nfc, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (n < 0)
		goto fail;

	const unsigned char *p = nfc, *end = nfc + n;
	bool first = true;
	while (p < end) {
		size_t k = utf8_decode(p, (size_t)(end - p), &c);
		if (k == 0)
			goto fail;	/* utf8proc gave back invalid text */
		if (!is_space(c) && !(first && c == 0xfeff))
			break;
		first = false;
		p += k;
	}
	while (end > p) {
		const unsigned char *q = end - 1;
		while (q > p && (*q & 0xc0) == 0x80)
			q--;
		if (utf8_decode(q, (size_t)(end - q), &c) == 0 || !is_space(c))
			break;
		end = q;
	}
	res = arena_strndup(a, (const char *)p, (size_t)(end - p));
fail:
	free(nfc);
	buf_free(&b);
	return res;
}

/* --- Rendering ---------------------------------------------------------- */

static bool
is_ascii_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
prefix_ci(const char *s, const char *prefix)
{
	for (; *prefix != '\0'; s++, prefix++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (c != (unsigned char)*prefix)
			return false;
	}
	return true;
}

/* Code points that end a URL: white space, what would end an HTML
 * attribute, controls and the invisible direction marks that Persian text
 * carries around links. ZWNJ and ZWJ do not: they are part of words. */
static bool
ends_url(uint32_t c)
{
	if (c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"' || c == '\'')
		return true;
	if (c == 0xfeff || c == 0x200b || c == 0x200e || c == 0x200f ||
	    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
		return true;
	return is_space(c);
}

/* Punctuation that ends a sentence rather than a URL, and joiners that
 * cannot end one. */
static bool
trailing_punct(uint32_t c)
{
	switch (c) {
	case '.': case ',': case ';': case ':': case '!': case '?':
	case 0x060c:	/* ، */
	case 0x061b:	/* ؛ */
	case 0x061f:	/* ؟ */
	case 0x00ab:	/* « */
	case 0x00bb:	/* » */
	case 0x200c:	/* ZWNJ, ZWJ: never at the end of a link */
	case 0x200d:
		return true;
	default:
		return false;
	}
}

/* Bytes before the terminating NUL, up to one sequence's worth. */
static size_t
avail(const unsigned char *p)
{
	size_t k = 0;

	while (k < 4 && p[k] != '\0')
		k++;
	return k;
}

/*
 * If a link starts at s (whose preceding byte is prev), its length in
 * bytes after trailing punctuation is dropped, else 0; *www is set for
 * links without a scheme. Work is linear in the link's length.
 */
static size_t
link_at(const char *s, unsigned char prev, bool *www)
{
	size_t start;
	const unsigned char *u = (const unsigned char *)s;

	/* "xhttp://" or "awww." are not links: words are not cut apart. */
	if (is_ascii_alnum(prev) || prev == '.' || prev == '/' || prev == '@' ||
	    prev == '-' || prev == '_')
		return 0;
	if (prefix_ci(s, "https://"))
		start = 8, *www = false;
	else if (prefix_ci(s, "http://"))
		start = 7, *www = false;
	else if (prefix_ci(s, "www."))
		start = 4, *www = true;
	else
		return 0;
	/* Something that can start a host name must follow. */
	if (!is_ascii_alnum(u[start]) && u[start] < 0x80)
		return 0;

	size_t len = start, opens = 0, closes = 0;
	uint32_t c;
	for (;;) {
		size_t n = utf8_decode(u + len, avail(u + len), &c);
		if (n == 0 || ends_url(c))
			break;
		if (c == '(')
			opens++;
		else if (c == ')')
			closes++;
		len += n;
	}
	/* Drop sentence punctuation and unbalanced ')' from the end. */
	while (len > start) {
		size_t q = len - 1;
		while (q > start && (u[q] & 0xc0) == 0x80)
			q--;
		if (utf8_decode(u + q, len - q, &c) == 0)
			break;
		if (c == ')' && closes > opens)
			closes--;
		else if (!trailing_punct(c))
			break;
		len = q;
	}
	return len > start ? len : 0;
}

void
text_body_to_html(struct buf *out, const char *body)
{
	size_t i = 0, run = 0;
	unsigned char prev = 0;

	if (body == NULL)
		return;
	while (body[i] != '\0') {
		bool www = false;
		size_t n = 0;
		unsigned char c = (unsigned char)body[i];

		if (c == '\n') {
			html_escape(out, body + run, i - run);
			buf_puts(out, "<br>\n");
			run = ++i;
			prev = c;
			continue;
		}
		if (c == 'h' || c == 'H' || c == 'w' || c == 'W')
			n = link_at(body + i, prev, &www);
		if (n == 0) {
			prev = c;
			i++;
			continue;
		}
		html_escape(out, body + run, i - run);
		buf_puts(out, "<a href=\"");
		if (www)
			buf_puts(out, "https://");
		html_escape(out, body + i, n);
		buf_puts(out, "\" rel=\"nofollow ugc noopener\" target=\"_blank\">");
		html_escape(out, body + i, n);
		buf_puts(out, "</a>");
		i += n;
		run = i;
		prev = (unsigned char)body[i - 1];
	}
	html_escape(out, body + run, i - run);
}
