/* html_text.c — imported HTML as plain text; see html_text.h. One pass
 * over the input, no tree, no recursion: a tag is read within
 * HTML_TEXT_MAX_TAG bytes or it is text. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "buf.h"
#include "html_text.h"
#include "text.h"
#include "utf8.h"

#define TAG_NAME_MAX 16
#define ENTITY_NAME_MAX 10
/* Line breaks kept in a row (two blank lines). */
#define MAX_BREAKS 3

struct conv {
	struct buf out;
	size_t limit;		/* stop writing past this many bytes */
	int breaks;		/* line breaks owed before the next text */
	bool block;		/* the last thing seen was a block tag */
	bool space;		/* a space owed before the next text */
	bool full;		/* limit reached */
	bool in_link;
	size_t link_start;	/* out.len where the link's text began */
	char *href;		/* the link's URL (arena), or NULL */
	bool no_comment_end;	/* no "-->" after some point: stop looking */
	bool no_script_end;	/* the same for "</script" and "</style" */
};

static const struct {
	const char *name;
	const char *utf8;
} entities[] = {
	{ "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" }, { "apos", "'" },
	{ "nbsp", " " }, { "hellip", "\xe2\x80\xa6" }, { "mdash", "\xe2\x80\x94" },
	{ "ndash", "\xe2\x80\x93" }, { "lsquo", "\xe2\x80\x98" }, { "rsquo", "\xe2\x80\x99" },
	{ "sbquo", "\xe2\x80\x9a" }, { "ldquo", "\xe2\x80\x9c" }, { "rdquo", "\xe2\x80\x9d" },
	{ "bdquo", "\xe2\x80\x9e" }, { "laquo", "\xc2\xab" }, { "raquo", "\xc2\xbb" },
	{ "zwnj", "\xe2\x80\x8c" }, { "zwj", "\xe2\x80\x8d" }, { "lrm", "\xe2\x80\x8e" },
	{ "rlm", "\xe2\x80\x8f" }, { "copy", "\xc2\xa9" }, { "reg", "\xc2\xae" },
	{ "trade", "\xe2\x84\xa2" }, { "times", "\xc3\x97" }, { "divide", "\xc3\xb7" },
	{ "shy", "\xc2\xad" }, { "euro", "\xe2\x82\xac" }, { "bull", "\xe2\x80\xa2" },
	{ "middot", "\xc2\xb7" }, { "deg", "\xc2\xb0" }, { "plusmn", "\xc2\xb1" },
	{ "para", "\xc2\xb6" }, { "sect", "\xc2\xa7" }, { "cent", "\xc2\xa2" },
	{ "pound", "\xc2\xa3" }, { "yen", "\xc2\xa5" }, { "iexcl", "\xc2\xa1" },
	{ "iquest", "\xc2\xbf" }, { "frac12", "\xc2\xbd" }, { "frac14", "\xc2\xbc" },
	{ "frac34", "\xc2\xbe" }, { "larr", "\xe2\x86\x90" }, { "rarr", "\xe2\x86\x92" },
};

/* Text goes out after the breaks or the space owed. */
static void
put(struct conv *c, const char *s, size_t n)
{
	if (c->full || n == 0)
		return;
	if (c->out.len > 0 && c->breaks > 0) {
		int k = c->breaks < MAX_BREAKS ? c->breaks : MAX_BREAKS;
		while (k-- > 0)
			buf_putc(&c->out, '\n');
	} else if (c->space && c->out.len > 0 && c->out.data[c->out.len - 1] != '\n') {
		buf_putc(&c->out, ' ');
	}
	c->breaks = 0;
	c->space = false;
	c->block = false;
	buf_append(&c->out, s, n);
	if (c->out.len > c->limit)
		c->full = true;
}

static void
put_cp(struct conv *c, uint32_t cp)
{
	char u[4];
	size_t n;
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	put(c, u, n);
}

static bool
is_alpha(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static bool
is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool
is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f';
}

/* The value of a decimal or hex digit, or -1. */
static int
digit_value(char ch, bool hex)
{
	if (is_digit(ch))
		return ch - '0';
	if (hex && ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (hex && ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* The character reference at s[0] == '&': its length (0: none) and what
 * it stands for, as a code point (*cp) or a UTF-8 text (*text). */
static size_t
entity(const char *s, size_t left, uint32_t *cp, const char **text)
{
	size_t i = 1;
	*text = NULL;
	if (i < left && s[i] == '#') {
		bool hex = i + 1 < left && (s[i + 1] == 'x' || s[i + 1] == 'X');
		i += hex ? 2 : 1;
		size_t start = i;
		uint32_t v = 0;
		for (; i < left && i - start < 8; i++) {
			int d = digit_value(s[i], hex);
			if (d < 0)
				break;
			v = v * (hex ? 16 : 10) + (uint32_t)d;
		}
		if (i == start || (i < left && digit_value(s[i], hex) >= 0))
			return 0;	/* no digits, or too many */
		*cp = v;
		return i < left && s[i] == ';' ? i + 1 : i;
	}
	size_t start = i;
	while (i < left && i - start <= ENTITY_NAME_MAX && (is_alpha(s[i]) || is_digit(s[i])))
		i++;
	if (i == start || i >= left || s[i] != ';' || i - start > ENTITY_NAME_MAX)
		return 0;
	for (size_t k = 0; k < sizeof(entities) / sizeof(entities[0]); k++)
		if (strlen(entities[k].name) == i - start &&
		    memcmp(entities[k].name, s + start, i - start) == 0) {
			*text = entities[k].utf8;
			return i + 1;
		}
	return 0;
}

/* s[0..n) with its references decoded, in the arena. */
static char *
decode_value(struct arena *a, const char *s, size_t n)
{
	struct buf b = { 0 };
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		const char *t;
		size_t k = s[i] == '&' ? entity(s + i, n - i, &cp, &t) : 0;
		if (k == 0) {
			buf_putc(&b, s[i++]);
			continue;
		}
		if (t != NULL) {
			buf_puts(&b, t);
		} else {
			struct conv tmp = { .limit = 8 };
			put_cp(&tmp, cp);
			buf_append(&b, tmp.out.data, tmp.out.len);
			buf_free(&tmp.out);
		}
		i += k;
	}
	char *v = arena_strndup(a, buf_str(&b), b.len);
	buf_free(&b);
	return v;
}

/* A tag read from its '<': name lowercased, closing or not, and the
 * attributes nazar uses. */
struct tag {
	char name[TAG_NAME_MAX + 1];
	bool closing;
	const char *href, *alt;	/* raw values (not decoded), or NULL */
	size_t href_len, alt_len;
};

/* Reads the tag at s[0] == '<'. Its length up to and with '>', or 0 when
 * it is not one (then '<' is text). */
static size_t
read_tag(const char *s, size_t left, struct tag *t)
{
	memset(t, 0, sizeof(*t));
	size_t max = left < HTML_TEXT_MAX_TAG ? left : HTML_TEXT_MAX_TAG;
	if (memchr(s, '>', max) == NULL)
		return 0;
	size_t i = 1;
	if (i < max && s[i] == '/') {
		t->closing = true;
		i++;
	}
	if (i >= max || !is_alpha(s[i]))
		return 0;
	size_t n = 0;
	for (; i < max && (is_alpha(s[i]) || is_digit(s[i])); i++)
		if (n < TAG_NAME_MAX)
			t->name[n++] = (char)(s[i] | 0x20);
	/* Attributes: name, name=value, name="value", name='value'. */
	while (i < max) {
		while (i < max && (is_blank(s[i]) || s[i] == '/'))
			i++;
		if (i >= max)
			return 0;
		if (s[i] == '>')
			return i + 1;
		size_t an = i;
		while (i < max && !is_blank(s[i]) && s[i] != '=' && s[i] != '>' && s[i] != '/')
			i++;
		size_t alen = i - an;
		while (i < max && is_blank(s[i]))
			i++;
		if (i >= max || s[i] != '=')
			continue;
		i++;
		while (i < max && is_blank(s[i]))
			i++;
		if (i >= max)
			return 0;
		const char *v;
		size_t vlen;
		if (s[i] == '"' || s[i] == '\'') {
			const char *end = memchr(s + i + 1, s[i], max - i - 1);
			if (end == NULL)
				return 0;
			v = s + i + 1;
			vlen = (size_t)(end - v);
			i = (size_t)(end - s) + 1;
		} else {
			v = s + i;
			while (i < max && !is_blank(s[i]) && s[i] != '>')
				i++;
			vlen = (size_t)(s + i - v);
		}
		if (alen == 4 && strncasecmp(s + an, "href", 4) == 0) {
			t->href = v;
			t->href_len = vlen;
		} else if (alen == 3 && strncasecmp(s + an, "alt", 3) == 0) {
			t->alt = v;
			t->alt_len = vlen;
		}
	}
	return 0;
}

static bool
tag_is(const struct tag *t, const char *const *names)
{
	for (; *names != NULL; names++)
		if (strcmp(t->name, *names) == 0)
			return true;
	return false;
}

static void
owe_breaks(struct conv *c, int n)
{
	if (c->breaks < n)
		c->breaks = n;
	c->block = true;
}

/* An href nazar keeps: http, https or mailto, trimmed, no controls. */
static char *
link_target(struct arena *a, const struct tag *t)
{
	if (t->href == NULL)
		return NULL;
	char *v = decode_value(a, t->href, t->href_len);
	while (*v != '\0' && is_blank(*v))
		v++;
	size_t n = strlen(v);
	while (n > 0 && is_blank(v[n - 1]))
		v[--n] = '\0';
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f || v[i] == ' ')
			return NULL;
	if (strncasecmp(v, "http://", 7) == 0 || strncasecmp(v, "https://", 8) == 0 ||
	    strncasecmp(v, "mailto:", 7) == 0)
		return n > 7 ? v : NULL;
	return NULL;
}

/* </a>, or a new <a> or the end while a link is open. */
static void
close_link(struct conv *c)
{
	if (!c->in_link)
		return;
	c->in_link = false;
	if (c->href == NULL || c->full)
		return;
	const char *text = c->out.data != NULL ? c->out.data + c->link_start : "";
	size_t tlen = c->out.len - c->link_start;
	while (tlen > 0 && is_blank(*text))
		text++, tlen--;
	size_t hlen = strlen(c->href);
	const char *bare = c->href;
	if (strncasecmp(bare, "mailto:", 7) == 0)
		bare += 7;
	else
		bare += strncasecmp(bare, "https://", 8) == 0 ? 8 : 7;
	if (tlen == 0) {
		put(c, c->href, hlen);
		return;
	}
	if ((tlen == hlen && memcmp(text, c->href, hlen) == 0) ||
	    (tlen == strlen(bare) && memcmp(text, bare, tlen) == 0))
		return;
	c->space = true;
	put(c, "(", 1);
	buf_append(&c->out, c->href, hlen);
	buf_putc(&c->out, ')');
	if (c->out.len > c->limit)
		c->full = true;
}

/* Skips to the end of <script> or <style>: the length consumed after the
 * opening tag; 0 when there is no end (what follows is then read as
 * text: nothing is lost to a tag left open). */
static size_t
skip_raw(struct conv *c, const char *s, size_t left, const char *name)
{
	size_t nlen = strlen(name);
	if (!c->no_script_end)
		for (size_t i = 0; i + 2 + nlen <= left; i++) {
			const char *p = memchr(s + i, '<', left - i);
			if (p == NULL)
				break;
			i = (size_t)(p - s);
			if (i + 2 + nlen <= left && s[i + 1] == '/' &&
			    strncasecmp(s + i + 2, name, nlen) == 0) {
				const char *gt = memchr(s + i, '>', left - i);
				return gt != NULL ? (size_t)(gt - s) + 1 : left;
			}
		}
	c->no_script_end = true;
	return 0;
}

static void
apply_tag(struct conv *c, struct arena *a, const struct tag *t)
{
	static const char *const para[] = { "p", NULL };
	static const char *const blocks[] = {
		"div", "li", "ul", "ol", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
		"pre", "tr", "table", "hr", "dd", "dt", "dl", "section", "article", "figure",
		"figcaption", "header", "footer", "address", NULL,
	};
	if (strcmp(t->name, "br") == 0) {
		/* "<br>\n" is one line break, as a browser shows it. */
		c->breaks++;
		c->block = true;
	} else if (tag_is(t, para)) {
		owe_breaks(c, 2);
	} else if (tag_is(t, blocks)) {
		owe_breaks(c, 1);
	} else if (strcmp(t->name, "a") == 0) {
		close_link(c);
		if (!t->closing) {
			c->href = link_target(a, t);
			c->in_link = true;
			/* The space or break owed comes out with the text;
			 * close_link skips it when it compares. */
			c->link_start = c->out.len;
		}
	} else if (strcmp(t->name, "img") == 0 && t->alt != NULL) {
		char *alt = decode_value(a, t->alt, t->alt_len);
		put(c, alt, strlen(alt));
	}
}

static void
convert(struct conv *c, struct arena *a, const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && !c->full) {
		char ch = s[i];
		if (ch == '<') {
			struct tag t;
			size_t n = 0;
			if (i + 1 < len && (s[i + 1] == '!' || s[i + 1] == '?')) {
				if (len - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
					const char *end = c->no_comment_end ? NULL :
					    memmem(s + i + 4, len - i - 4, "-->", 3);
					if (end != NULL)
						n = (size_t)(end - (s + i)) + 3;
					else
						c->no_comment_end = true;
				} else {
					size_t max = len - i < HTML_TEXT_MAX_TAG ? len - i :
					    HTML_TEXT_MAX_TAG;
					const char *gt = memchr(s + i, '>', max);
					if (gt != NULL)
						n = (size_t)(gt - (s + i)) + 1;
				}
			} else if ((n = read_tag(s + i, len - i, &t)) > 0) {
				apply_tag(c, a, &t);
				if (!t.closing && (strcmp(t.name, "script") == 0 ||
				    strcmp(t.name, "style") == 0))
					n += skip_raw(c, s + i + n, len - i - n, t.name);
			}
			if (n > 0) {
				i += n;
				continue;
			}
			put(c, "<", 1);
			i++;
		} else if (ch == '&') {
			uint32_t cp;
			const char *text;
			size_t n = entity(s + i, len - i, &cp, &text);
			if (n == 0)
				put(c, "&", 1), n = 1;
			else if (text != NULL && strcmp(text, " ") == 0)
				c->space = true;
			else if (text != NULL)
				put(c, text, strlen(text));
			else
				put_cp(c, cp);
			i += n;
		} else if (ch == '\n' || ch == '\r') {
			if (ch == '\r' && i + 1 < len && s[i + 1] == '\n')
				i++;
			if (!c->block)
				c->breaks++;
			i++;
		} else if (ch == ' ' || ch == '\t' || ch == '\f' || ch == '\v') {
			c->space = true;
			i++;
		} else if (ch == '\0') {
			i++;
		} else {
			size_t start = i;
			while (i < len && s[i] != '<' && s[i] != '&' && !is_blank(s[i]) &&
			    s[i] != '\v' && s[i] != '\0')
				i++;
			put(c, s + start, i - start);
		}
	}
	close_link(c);
}

char *
html_to_text(struct arena *a, const char *s, size_t len, size_t max_bytes, bool *cut)
{
	struct buf valid = { 0 };
	utf8_append_valid(&valid, s, len);
	/* Room for what cleaning removes (spaces before line breaks, marks),
	 * not for the whole input. */
	struct conv c = { .limit = max_bytes + max_bytes / 2 + 64 };
	convert(&c, a, buf_str(&valid), valid.len);
	buf_free(&valid);
	char *out = text_clean(a, buf_str(&c.out), c.out.len, false);
	buf_free(&c.out);
	if (out == NULL)	/* cannot happen: valid UTF-8 without NUL */
		out = arena_strdup(a, "");
	size_t n = strlen(out);
	bool was_cut = c.full || n > max_bytes;
	if (n > max_bytes) {
		n = utf8_cut(out, n, max_bytes);
		out = text_clean(a, out, n, false);
		if (out == NULL)
			out = arena_strdup(a, "");
	}
	if (cut != NULL)
		*cut = was_cut;
	return out;
}
