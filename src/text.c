/* text.c — what readers type, made safe to store and to show: strict UTF-8,
 * NFC, invisible and hostile characters removed, lines tidied, and the
 * plain-text-to-HTML rendering with links. */
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
#include "utf8.h"

/* --- Cleaning ----------------------------------------------------------- */

#define ZWNJ 0x200c
#define ZWJ 0x200d

/* The white space that trimming removes. */
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

/* C0, DEL and C1: invisible, able to rewrite a terminal, not allowed in
 * XML. Tab and the line breaks are taken care of before this is asked. */
static bool
is_control(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

static int
category(uint32_t c)
{
	return utf8proc_category((utf8proc_int32_t)c);
}

static bool
is_letter(uint32_t c)
{
	switch (category(c)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
		return true;
	default:
		return false;
	}
}

static bool
is_mark(uint32_t c)
{
	int cat = category(c);
	return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
	    cat == UTF8PROC_CATEGORY_ME;
}

/* Something a reader sees. Marks alone are not (they need a base), and
 * BRAILLE PATTERN BLANK is drawn as nothing, a known way to post a blank
 * name. */
static bool
is_visible(uint32_t c)
{
	if (c == 0x2800)
		return false;
	switch (category(c)) {
	case UTF8PROC_CATEGORY_ZS: case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP:
	case UTF8PROC_CATEGORY_CC: case UTF8PROC_CATEGORY_CF: case UTF8PROC_CATEGORY_CS:
	case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
		return false;
	default:
		return true;
	}
}

static bool
is_emoji(uint32_t c)
{
	return utf8proc_get_property((utf8proc_int32_t)c)->boundclass ==
	    UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC;
}

/*
 * LRM, RLM and ALM act as one strong letter of their direction and have no
 * scope: they settle where neighbouring punctuation goes and cannot turn
 * around the text after them, unlike the embeddings, overrides and
 * isolates, which reverse everything to the end of the paragraph when
 * nothing closes them. Persian writers type them (the Persian keyboard has
 * them) to place a full stop after a Latin word, or to start a comment
 * that opens with a Latin word right to left, so they are kept.
 */
static bool
is_direction_mark(uint32_t c)
{
	return c == 0x200e || c == 0x200f || c == 0x061c;
}

/* Standardized and emoji variation selectors, and the Mongolian free
 * variation selectors: they choose a glyph for the character before. */
static bool
is_variation_selector(uint32_t c)
{
	return (c >= 0xfe00 && c <= 0xfe0f) || (c >= 0xe0100 && c <= 0xe01ef) ||
	    (c >= 0x180b && c <= 0x180d) || c == 0x180f;
}

static bool
is_tag(uint32_t c)
{
	return c >= 0xe0000 && c <= 0xe007f;
}

/* The invisible characters that keep_in_context judges by their
 * neighbours. */
static bool
judged_in_context(uint32_t c)
{
	return c == ZWNJ || c == ZWJ || is_direction_mark(c) || is_variation_selector(c) ||
	    is_tag(c) || c == 0x180e;
}

/*
 * Removed wherever they are: every default-ignorable code point not judged
 * in context — the bidi embeddings, overrides and isolates (U+202A–202E,
 * U+2066–2069), which reverse or hide the text after them; the zero-width
 * space, word joiner, invisible operators, BOM and soft hyphen, which
 * split a word or join two without showing it; the combining grapheme
 * joiner, the Hangul fillers (blank "letters"), the deprecated format
 * characters — and the interlinear annotation characters, which are not
 * default-ignorable but hide text in the renderers that honour them.
 */
static bool
always_removed(uint32_t c)
{
	if (c >= 0xfff9 && c <= 0xfffb)
		return true;
	return utf8proc_get_property((utf8proc_int32_t)c)->ignorable && !judged_in_context(c);
}

/*
 * First pass, on the bytes: line endings to '\n', controls dropped or
 * refused, the invisible characters that are never kept removed. In
 * single-line mode every line break or tab becomes a space, or, with
 * refuse_controls, is refused: a name field cannot hold one.
 */
static enum text_status
first_pass(struct buf *b, const unsigned char *s, size_t len, const struct text_rules *r)
{
	size_t i = 0;
	uint32_t c;

	while (i < len) {
		size_t n = utf8_decode(s + i, len - i, &c);
		const unsigned char *at = s + i;
		bool brk = false;

		if (n == 0)
			return TEXT_ENCODING;	/* not reached: the caller validated s */
		if (c == '\r') {
			brk = true;
			if (i + 1 < len && s[i + 1] == '\n')
				n = 2;
		} else if (c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029)
			brk = true;
		i += n;
		if (brk || c == '\t') {
			if (r->single_line && r->refuse_controls)
				return TEXT_CONTROL;
			buf_putc(b, r->single_line ? ' ' : brk ? '\n' : '\t');
		} else if (is_control(c)) {
			if (r->refuse_controls)
				return TEXT_CONTROL;
		} else if (!always_removed(c))
			buf_append(b, at, n);
	}
	return TEXT_OK;
}

/* The code points of len bytes of valid UTF-8, in a new array (NULL when
 * the bytes are not valid after all). */
static uint32_t *
decode_all(const char *s, size_t len, size_t *n)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t *cp;
	size_t k = 0;

	if (len >= SIZE_MAX / sizeof(*cp))
		abort();
	if ((cp = malloc((len + 1) * sizeof(*cp))) == NULL)
		abort();	/* like the arena: no recovery inside a request */
	for (size_t i = 0; i < len; k++) {
		size_t m = utf8_decode(u + i, len - i, &cp[k]);
		if (m == 0) {
			free(cp);
			return NULL;
		}
		i += m;
	}
	*n = k;
	return cp;
}

static void
encode_all(struct buf *b, const uint32_t *cp, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		utf8proc_uint8_t enc[4];
		utf8proc_ssize_t k = utf8proc_encode_char((utf8proc_int32_t)cp[i], enc);
		buf_append(b, enc, (size_t)k);
	}
}

/* What a ZWNJ or ZWJ may follow inside a word: a letter, a mark on one,
 * or a digit (Persian writes «۱۰‌ها»). */
static bool
joins_after(uint32_t c)
{
	return is_letter(c) || is_mark(c) || category(c) == UTF8PROC_CATEGORY_ND;
}

static bool
joins_before(uint32_t c)
{
	return is_letter(c) || category(c) == UTF8PROC_CATEGORY_ND;
}

/* What a ZWJ may follow in an emoji sequence: an emoji, a skin tone, the
 * emoji presentation selector. */
static bool
emoji_before_zwj(uint32_t c)
{
	return is_emoji(c) || (c >= 0x1f3fb && c <= 0x1f3ff) || c == 0xfe0f;
}

static bool
is_mongolian_letter(uint32_t c)
{
	return c >= 0x1820 && c <= 0x18aa;
}

/* Length of the tags of an emoji flag sequence at cp (after U+1F3F4: one
 * to seven tag letters or digits, then CANCEL TAG), or 0. */
static size_t
flag_tags(const uint32_t *cp, size_t n)
{
	size_t k = 0;

	while (k < n && k < 8 && ((cp[k] >= 0xe0030 && cp[k] <= 0xe0039) ||
	    (cp[k] >= 0xe0061 && cp[k] <= 0xe007a)))
		k++;
	if (k == 0 || k > 7 || k >= n || cp[k] != 0xe007f)
		return 0;
	return k + 1;
}

/*
 * Second pass: the invisible characters that do a job are kept where they
 * do it, removed elsewhere. ZWNJ, which Persian needs («می‌خواهم»), only
 * between two letters: leading, trailing, doubled or next to a space it
 * only hides a word break. ZWJ between two letters (Arabic and Indic
 * shaping) or two emoji (👩‍💻). One direction mark of a run. A variation
 * selector after something visible. Tags only in a flag (🏴 + "gbeng" +
 * CANCEL TAG): anywhere else they carry text no reader can see. U+180E
 * only between Mongolian letters, its one use. cp is rewritten in place;
 * the new length is returned.
 */
static size_t
keep_in_context(uint32_t *cp, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t c = cp[i];
		uint32_t prev = o > 0 ? cp[o - 1] : 0;	/* what was kept */
		uint32_t next = i + 1 < n ? cp[i + 1] : 0;
		bool keep = true;

		if (c == 0x1f3f4) {
			size_t t = flag_tags(cp + i + 1, n - i - 1);
			cp[o++] = c;
			for (size_t k = 1; k <= t; k++)
				cp[o++] = cp[i + k];
			i += t;
			continue;
		}
		if (c == ZWNJ)
			keep = joins_after(prev) && joins_before(next);
		else if (c == ZWJ)
			keep = (joins_after(prev) && joins_before(next)) ||
			    (emoji_before_zwj(prev) && is_emoji(next));
		else if (is_direction_mark(c))
			keep = !is_direction_mark(prev);
		else if (is_variation_selector(c))
			keep = prev != 0 && !is_space(prev) &&
			    category(prev) != UTF8PROC_CATEGORY_CF;
		else if (is_tag(c))
			keep = false;
		else if (c == 0x180e)
			keep = is_mongolian_letter(prev) && is_mongolian_letter(next);
		if (keep)
			cp[o++] = c;
	}
	return o;
}

/*
 * At most TEXT_MAX_MARKS non-spacing or enclosing marks on one base: the
 * rest of a "zalgo" pile is dropped. Format characters between marks do
 * not start a new count, so an invisible character cannot restart the
 * pile. On NFC text only the tail of a run goes, so the text stays NFC.
 */
static size_t
cap_marks(uint32_t *cp, size_t n)
{
	size_t o = 0, marks = 0;

	for (size_t i = 0; i < n; i++) {
		int cat = category(cp[i]);

		if (cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_ME) {
			if (++marks > TEXT_MAX_MARKS)
				continue;
		} else if (cat != UTF8PROC_CATEGORY_CF)
			marks = 0;
		cp[o++] = cp[i];
	}
	return o;
}

/* Every line loses its trailing spaces and, when nothing on it is
 * visible, everything; runs of blank lines are cut to
 * TEXT_MAX_BLANK_LINES. In place; returns the new length. */
static size_t
tidy_lines(uint32_t *cp, size_t n)
{
	size_t o = 0, i = 0, blanks = 0;

	for (;;) {
		size_t end = i, keep;
		bool visible = false;

		while (end < n && cp[end] != '\n') {
			visible = visible || is_visible(cp[end]);
			end++;
		}
		keep = visible ? end : i;
		while (keep > i && is_space(cp[keep - 1]))
			keep--;
		blanks = keep == i ? blanks + 1 : 0;
		if (blanks <= TEXT_MAX_BLANK_LINES) {
			memmove(cp + o, cp + i, (keep - i) * sizeof(*cp));
			o += keep - i;
			if (end < n)
				cp[o++] = '\n';
		}
		if (end == n)
			return o;
		i = end + 1;
	}
}

char *
text_clean_rules(struct arena *a, const char *s, size_t len, const struct text_rules *rules,
    enum text_status *status)
{
	struct buf b = { 0 };
	utf8proc_uint8_t *nfc = NULL;
	uint32_t *cp = NULL;
	char *res = NULL;
	enum text_status st = TEXT_ENCODING;
	size_t n;

	/* A NUL would cut the stored C string short: refuse it as well. */
	if (s == NULL || memchr(s, '\0', len) != NULL || !utf8_valid(s, len))
		goto out;
	if ((st = first_pass(&b, (const unsigned char *)s, len, rules)) != TEXT_OK)
		goto out;
	st = TEXT_ENCODING;	/* what is left to fail is utf8proc */
	if ((cp = decode_all(buf_str(&b), b.len, &n)) == NULL)
		goto out;
	n = keep_in_context(cp, n);
	buf_reset(&b);
	encode_all(&b, cp, n);
	free(cp);
	cp = NULL;

	utf8proc_ssize_t m = utf8proc_map((const utf8proc_uint8_t *)buf_str(&b),
	    (utf8proc_ssize_t)b.len, &nfc, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (m < 0 || (cp = decode_all((const char *)nfc, (size_t)m, &n)) == NULL)
		goto out;
	n = cap_marks(cp, n);
	n = tidy_lines(cp, n);

	size_t start = 0, end = n, lines = 1;
	while (start < end && is_space(cp[start]))
		start++;
	while (end > start && is_space(cp[end - 1]))
		end--;
	for (size_t i = start; i < end; i++)
		lines += cp[i] == '\n';
	if (rules->max_lines > 0 && lines > rules->max_lines) {
		st = TEXT_TOO_MANY_LINES;
		goto out;
	}
	buf_reset(&b);
	encode_all(&b, cp + start, end - start);
	res = arena_strndup(a, buf_str(&b), b.len);
	st = TEXT_OK;
out:
	free(cp);
	free(nfc);
	buf_free(&b);
	if (status != NULL)
		*status = st;
	return res;
}

char *
text_clean(struct arena *a, const char *s, size_t len, bool single_line)
{
	const struct text_rules rules = { .single_line = single_line };

	return text_clean_rules(a, s, len, &rules, NULL);
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

size_t
text_link_start(const char *s, bool *www)
{
	*www = false;
	if (prefix_ci(s, "https://"))
		return 8;
	if (prefix_ci(s, "http://"))
		return 7;
	if (prefix_ci(s, "www.")) {
		*www = true;
		return 4;
	}
	return 0;
}

bool
text_host_start(unsigned char c)
{
	return is_ascii_alnum(c) || c >= 0x80;
}

bool
text_link_glued(unsigned char prev)
{
	return is_ascii_alnum(prev) || prev == '.' || prev == '/' || prev == '@' ||
	    prev == '-' || prev == '_';
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
	if (text_link_glued(prev) || (start = text_link_start(s, www)) == 0)
		return 0;
	/* Something that can start a host name must follow. */
	if (!text_host_start(u[start]))
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
		size_t q = utf8_cut(s, len, len - 1);
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

void
text_initial(const char *name, char out[TEXT_INITIAL_MAX])
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)(name != NULL ? name : "");
	for (;;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);
		if (n <= 0 || cp == 0)
			break;
		p += n;
		utf8proc_category_t cat = utf8proc_category(cp);
		if ((cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
		    cat == UTF8PROC_CATEGORY_ND) {
			utf8proc_int32_t up = utf8proc_totitle(cp);
			utf8proc_ssize_t len = utf8proc_encode_char(up, (utf8proc_uint8_t *)out);
			out[len > 0 ? len : 0] = '\0';
			return;
		}
	}
	out[0] = '?';
	out[1] = '\0';
}

unsigned
text_avatar_colour(const char *name)
{
	/* FNV-1a over the bytes: stable, and spread enough for eight colours. */
	uint32_t h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)(name != NULL ? name : ""); *p; p++)
		h = (h ^ *p) * 16777619u;
	return h % TEXT_AVATAR_COLOURS;
}
