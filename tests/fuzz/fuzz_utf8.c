/* fuzz_utf8.c — UTF-8 validation, cleaning, body rendering and folding.
 *
 * What must hold:
 *  - utf8_decode (utf8.h) agrees at every offset with a decoder written
 *    here the other way round (decode any lead byte, then refuse overlong
 *    forms, surrogates and values above U+10FFFF by value); so does
 *    utf8_valid, and utf8_length counts its code points;
 *  - utf8_cut ends on a character boundary and is the longest such prefix
 *    within its bound; utf8_cut_chars of valid text is valid and has the
 *    asked number of characters; utf8_append_valid gives valid UTF-8 and
 *    leaves valid text as it is;
 *  - text_clean refuses exactly invalid UTF-8 and NUL; its output is valid
 *    NFC UTF-8 without controls (but tab and line feed in multi-line
 *    mode), bidi embeddings, overrides or isolates, more than
 *    TEXT_MAX_MARKS marks in a pile, trailing blanks on a line, long runs
 *    of blank lines or outer white space, and cleaning it again changes
 *    nothing; text_clean_rules refuses only for its documented reasons
 *    and otherwise agrees with text_clean;
 *  - text_body_to_html of any input contains no '<', '>', '"' or '\''
 *    but those of the markup it makes itself (<br>, and links whose href
 *    cannot be left early);
 *  - fold_append gives valid UTF-8 of single-space-separated words, and
 *    folding the folding changes nothing. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "arena.h"
#include "buf.h"
#include "fold.h"
#include "fuzz.h"
#include "text.h"
#include "utf8.h"

/* Decodes the sequence at s by its lead byte alone, then judges the value.
 * Returns its length, or 0 when it is not well-formed. */
static size_t
ref_decode(const unsigned char *s, size_t left, uint32_t *cp)
{
	size_t n;
	uint32_t c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, c = s[0] & 0x1f, min = 0x80;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, c = s[0] & 0x0f, min = 0x800;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, c = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (n > left)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Code points of s, or SIZE_MAX when it is not valid UTF-8. */
static size_t
ref_count(const char *s, size_t len)
{
	size_t i = 0, count = 0;
	uint32_t c;
	while (i < len) {
		size_t n = ref_decode((const unsigned char *)s + i, len - i, &c);
		if (n == 0)
			return SIZE_MAX;
		i += n;
		count++;
	}
	return count;
}

static bool
unicode_space(uint32_t c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 || c == 0xa0 ||
	    c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
	    c == 0x202f || c == 0x205f || c == 0x3000;
}

/* The Unicode general category of the code point at s (valid UTF-8). */
static int
category_at(const char *s, size_t left, size_t *n)
{
	uint32_t c;
	*n = ref_decode((const unsigned char *)s, left, &c);
	FUZZ_CHECK(*n > 0);
	return utf8proc_category((utf8proc_int32_t)c);
}

/* What utf8.h promises, for a bound chosen by the first byte. */
static void
check_utf8(const char *in, size_t len, size_t count)
{
	const unsigned char *u = (const unsigned char *)in;

	for (size_t i = 0; i < len; i++) {
		uint32_t a = UINT32_MAX, b = UINT32_MAX;
		size_t n = utf8_decode(u + i, len - i, &a);
		FUZZ_CHECK(n == ref_decode(u + i, len - i, &b));
		FUZZ_CHECK(n == 0 ? a == UINT32_MAX : a == b);
	}
	size_t max = len > 0 ? u[0] % (len + 1) : 0;
	size_t cut = utf8_cut(in, len, max);
	FUZZ_CHECK(cut <= max && cut <= len);
	FUZZ_CHECK(cut == 0 || cut == len || (u[cut] & 0xc0) != 0x80);
	for (size_t k = cut + 1; k <= max && k < len; k++)
		FUZZ_CHECK((u[k] & 0xc0) == 0x80);
	size_t chars = utf8_cut_chars(in, len, max);
	FUZZ_CHECK(chars <= len);
	if (count != SIZE_MAX) {
		FUZZ_CHECK(utf8_valid(in, cut) && utf8_valid(in, chars));
		FUZZ_CHECK(ref_count(in, chars) == (max < count ? max : count));
	}
	struct buf fixed = { 0 };
	utf8_append_valid(&fixed, in, len);
	FUZZ_CHECK(ref_count(buf_str(&fixed), fixed.len) != SIZE_MAX);
	if (count != SIZE_MAX)
		FUZZ_CHECK(fixed.len == len && memcmp(buf_str(&fixed), in, len) == 0);
	buf_free(&fixed);
}

/* What text.h promises of a cleaned text. */
static void
check_cleaned(const char *out, bool single_line)
{
	size_t olen = strlen(out), marks = 0, n;

	FUZZ_CHECK(ref_count(out, olen) != SIZE_MAX);
	for (const unsigned char *p = (const unsigned char *)out; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			FUZZ_CHECK(!single_line && (*p == '\n' || *p == '\t'));
		if (*p == '\n')
			FUZZ_CHECK(p == (const unsigned char *)out || (p[-1] != ' ' && p[-1] != '\t'));
	}
	FUZZ_CHECK(strstr(out, "\n\n\n\n") == NULL);
	/* No embedding, override or isolate survives; nor a C1 control. */
	for (size_t i = 0; i < olen; i += n) {
		uint32_t c;
		n = ref_decode((const unsigned char *)out + i, olen - i, &c);
		FUZZ_CHECK(n > 0);
		FUZZ_CHECK(!(c >= 0x202a && c <= 0x202e) && !(c >= 0x2066 && c <= 0x2069));
		FUZZ_CHECK(!(c >= 0x80 && c <= 0x9f) && c != 0xfeff);
		int cat = category_at(out + i, olen - i, &n);
		if (cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_ME)
			FUZZ_CHECK(++marks <= TEXT_MAX_MARKS);
		else if (cat != UTF8PROC_CATEGORY_CF)
			marks = 0;
	}
	if (olen > 0) {
		uint32_t first, last;
		const char *q = out + olen - 1;
		while (q > out && ((unsigned char)*q & 0xc0) == 0x80)
			q--;
		FUZZ_CHECK(ref_decode((const unsigned char *)out, olen, &first) > 0);
		FUZZ_CHECK(ref_decode((const unsigned char *)q, olen - (size_t)(q - out), &last) > 0);
		FUZZ_CHECK(!unicode_space(first) && !unicode_space(last));
	}
	/* Stored text is NFC. */
	utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)out);
	FUZZ_CHECK(nfc != NULL && strcmp((const char *)nfc, out) == 0);
	free(nfc);
}

static void
check_clean(const char *in, size_t len, bool single_line, bool valid)
{
	struct arena *a = arena_new();
	char *out = text_clean(a, in, len, single_line);
	bool acceptable = valid && memchr(in, '\0', len) == NULL;

	FUZZ_CHECK((out != NULL) == acceptable);
	if (out != NULL) {
		check_cleaned(out, single_line);
		char *again = text_clean(a, out, strlen(out), single_line);
		FUZZ_CHECK(again != NULL && strcmp(again, out) == 0);
	}
	arena_free(a);
}

/* text_clean_rules with the rules the first byte chooses: it refuses for
 * the documented reasons only, and what it accepts is what text_clean
 * makes of the same text. */
static void
check_rules(const char *in, size_t len, bool valid)
{
	struct arena *a = arena_new();
	unsigned char r = len > 0 ? (unsigned char)in[0] : 0;
	struct text_rules rules = {
		.single_line = r & 1, .refuse_controls = (r & 2) != 0, .max_lines = (r >> 2) & 7,
	};
	enum text_status st = (enum text_status)-1;
	char *out = text_clean_rules(a, in, len, &rules, &st);

	FUZZ_CHECK((out != NULL) == (st == TEXT_OK));
	if (!valid || memchr(in, '\0', len) != NULL)
		FUZZ_CHECK(st == TEXT_ENCODING);
	else
		FUZZ_CHECK(st != TEXT_ENCODING);
	if (st == TEXT_CONTROL)
		FUZZ_CHECK(rules.refuse_controls);
	if (st == TEXT_TOO_MANY_LINES)
		FUZZ_CHECK(rules.max_lines > 0);
	if (out != NULL) {
		size_t lines = 1;
		for (const char *p = out; *p != '\0'; p++)
			lines += *p == '\n';
		FUZZ_CHECK(rules.max_lines == 0 || lines <= rules.max_lines);
		char *plain = text_clean(a, in, len, rules.single_line);
		FUZZ_CHECK(plain != NULL && strcmp(plain, out) == 0);
	}
	arena_free(a);
}

/* Everything in html is escaped text, "<br>\n", or a link made of the
 * exact pieces text_body_to_html writes. */
static void
check_body_html(const char *html)
{
	static const char open[] = "<a href=\"";
	static const char mid[] = "\" rel=\"nofollow ugc noopener\" target=\"_blank\">";
	const char *p = html;

	while (*p != '\0') {
		if (strncmp(p, "<br>\n", 5) == 0) {
			p += 5;
		} else if (strncmp(p, open, sizeof(open) - 1) == 0) {
			/* <a href="URL" rel=…>TEXT</a>: only http and https, and
			 * the text is the URL (without the https:// added to www.). */
			p += sizeof(open) - 1;
			const char *href = p;
			size_t hlen = strcspn(p, "<>\"'");
			FUZZ_CHECK(strncasecmp(href, "http://", 7) == 0 ||
			    strncasecmp(href, "https://", 8) == 0);
			p += hlen;
			FUZZ_CHECK(strncmp(p, mid, sizeof(mid) - 1) == 0);
			p += sizeof(mid) - 1;
			const char *text = p;
			size_t tlen = strcspn(p, "<>\"'");
			FUZZ_CHECK((tlen == hlen && memcmp(text, href, hlen) == 0) ||
			    (tlen + 8 == hlen && memcmp(href, "https://", 8) == 0 &&
			    memcmp(text, href + 8, tlen) == 0));
			p += tlen;
			FUZZ_CHECK(strncmp(p, "</a>", 4) == 0);
			p += 4;
		} else {
			FUZZ_CHECK(*p != '<' && *p != '>' && *p != '"' && *p != '\'');
			p++;
		}
	}
}

static void
check_fold(const char *in, size_t len)
{
	struct buf once = { 0 }, twice = { 0 };

	fold_append(&once, in, len);
	FUZZ_CHECK(ref_count(buf_str(&once), once.len) != SIZE_MAX);
	FUZZ_CHECK(strlen(buf_str(&once)) == once.len);
	if (once.len > 0) {
		FUZZ_CHECK(once.data[0] != ' ' && once.data[once.len - 1] != ' ');
		FUZZ_CHECK(strstr(once.data, "  ") == NULL);
	}
	fold_append(&twice, buf_str(&once), once.len);
	FUZZ_CHECK(twice.len == once.len && memcmp(buf_str(&twice), buf_str(&once), once.len) == 0);
	buf_free(&once);
	buf_free(&twice);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exactly size bytes, so ASan sees any read past the end. */
	char *in = malloc(size > 0 ? size : 1);
	FUZZ_CHECK(in != NULL);
	if (size > 0)
		memcpy(in, data, size);

	size_t count = ref_count(in, size);
	bool valid = count != SIZE_MAX;
	FUZZ_CHECK(utf8_valid(in, size) == valid);
	if (valid)
		FUZZ_CHECK(utf8_length(in, size) == count);
	check_utf8(in, size, count);

	check_clean(in, size, false, valid);
	check_clean(in, size, true, valid);
	check_rules(in, size, valid);
	check_fold(in, size);

	/* The body as stored (cleaned) and as anything at all. */
	struct arena *a = arena_new();
	struct buf html = { 0 };
	char *body = text_clean(a, in, size, false);
	if (body != NULL) {
		text_body_to_html(&html, body);
		check_body_html(buf_str(&html));
		buf_reset(&html);
	}
	char *raw = arena_strndup(a, in, size);
	text_body_to_html(&html, raw);
	check_body_html(buf_str(&html));
	buf_free(&html);
	arena_free(a);
	free(in);
	return 0;
}
