/* json_reader.c — recursive-descent JSON parser for the tests (RFC 8259),
 * bounded in nesting depth and strict about what it accepts. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "json_reader.h"
#include "tmpl.h"

struct reader {
	struct arena *a;
	const char *s;
	size_t len, pos;
	char *err;
	size_t errlen;
	bool failed;
};

static struct tval *
fail(struct reader *r, const char *what)
{
	if (!r->failed && r->err != NULL && r->errlen > 0)
		snprintf(r->err, r->errlen, "offset %zu: %s", r->pos, what);
	r->failed = true;
	return NULL;
}

static void
skip_ws(struct reader *r)
{
	while (r->pos < r->len && (r->s[r->pos] == ' ' || r->s[r->pos] == '\t' ||
	    r->s[r->pos] == '\n' || r->s[r->pos] == '\r'))
		r->pos++;
}

static bool
literal(struct reader *r, const char *word)
{
	size_t n = strlen(word);

	if (r->len - r->pos < n || memcmp(r->s + r->pos, word, n) != 0)
		return false;
	r->pos += n;
	return true;
}

static int
hex4(struct reader *r, uint32_t *out)
{
	uint32_t v = 0;
	size_t i;
	char c;

	if (r->len - r->pos < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		c = r->s[r->pos + i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	r->pos += 4;
	*out = v;
	return 0;
}

static void
put_utf8(struct buf *b, uint32_t c)
{
	char u[4];

	if (c < 0x80) {
		buf_putc(b, (char)c);
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3f));
		buf_append(b, u, 2);
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		buf_append(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (c >> 18));
		u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		buf_append(b, u, 4);
	}
}

/* Parses a string literal at r->pos (the opening quote) into *out, which
 * the caller frees. */
static int
string(struct reader *r, struct buf *out)
{
	uint32_t c, lo;
	unsigned char ch;

	r->pos++;
	for (;;) {
		if (r->pos >= r->len) {
			fail(r, "unterminated string");
			return -1;
		}
		ch = (unsigned char)r->s[r->pos];
		if (ch == '"') {
			r->pos++;
			return 0;
		}
		if (ch < 0x20) {
			fail(r, "control character in string");
			return -1;
		}
		if (ch != '\\') {
			buf_putc(out, (char)ch);
			r->pos++;
			continue;
		}
		if (++r->pos >= r->len) {
			fail(r, "unterminated string");
			return -1;
		}
		ch = (unsigned char)r->s[r->pos++];
		switch (ch) {
		case '"': buf_putc(out, '"'); break;
		case '\\': buf_putc(out, '\\'); break;
		case '/': buf_putc(out, '/'); break;
		case 'b': buf_putc(out, '\b'); break;
		case 'f': buf_putc(out, '\f'); break;
		case 'n': buf_putc(out, '\n'); break;
		case 'r': buf_putc(out, '\r'); break;
		case 't': buf_putc(out, '\t'); break;
		case 'u':
			if (hex4(r, &c) != 0) {
				fail(r, "bad \\u escape");
				return -1;
			}
			if (c >= 0xd800 && c <= 0xdbff) {
				/* A high surrogate must be followed by a low one. */
				if (!literal(r, "\\u") || hex4(r, &lo) != 0 ||
				    lo < 0xdc00 || lo > 0xdfff) {
					fail(r, "unpaired surrogate");
					return -1;
				}
				c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
			} else if (c >= 0xdc00 && c <= 0xdfff) {
				fail(r, "unpaired surrogate");
				return -1;
			} else if (c == 0) {
				fail(r, "U+0000 in string");
				return -1;
			}
			put_utf8(out, c);
			break;
		default:
			r->pos--;
			fail(r, "bad escape");
			return -1;
		}
	}
}

static struct tval *
number(struct reader *r)
{
	size_t start = r->pos, n;
	char tmp[64];
	char *end;
	double d;

	/* The JSON grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
	if (r->pos < r->len && r->s[r->pos] == '-')
		r->pos++;
	if (r->pos < r->len && r->s[r->pos] == '0')
		r->pos++;
	else if (r->pos < r->len && r->s[r->pos] >= '1' && r->s[r->pos] <= '9')
		while (r->pos < r->len && r->s[r->pos] >= '0' && r->s[r->pos] <= '9')
			r->pos++;
	else
		return fail(r, "bad number");
	if (r->pos < r->len && r->s[r->pos] == '.') {
		r->pos++;
		if (r->pos >= r->len || r->s[r->pos] < '0' || r->s[r->pos] > '9')
			return fail(r, "bad number");
		while (r->pos < r->len && r->s[r->pos] >= '0' && r->s[r->pos] <= '9')
			r->pos++;
	}
	if (r->pos < r->len && (r->s[r->pos] == 'e' || r->s[r->pos] == 'E')) {
		r->pos++;
		if (r->pos < r->len && (r->s[r->pos] == '+' || r->s[r->pos] == '-'))
			r->pos++;
		if (r->pos >= r->len || r->s[r->pos] < '0' || r->s[r->pos] > '9')
			return fail(r, "bad number");
		while (r->pos < r->len && r->s[r->pos] >= '0' && r->s[r->pos] <= '9')
			r->pos++;
	}
	n = r->pos - start;
	if (n >= sizeof(tmp))
		return fail(r, "number too long");
	memcpy(tmp, r->s + start, n);
	tmp[n] = '\0';
	d = strtod(tmp, &end);
	if (*end != '\0')
		return fail(r, "bad number");
	return tval_number(r->a, d);
}

static struct tval *value(struct reader *, int);

static struct tval *
array(struct reader *r, int depth)
{
	struct tval *list = tval_list(r->a), *v;

	r->pos++;
	skip_ws(r);
	if (r->pos < r->len && r->s[r->pos] == ']') {
		r->pos++;
		return list;
	}
	for (;;) {
		if ((v = value(r, depth + 1)) == NULL)
			return NULL;
		tval_push(r->a, list, v);
		skip_ws(r);
		if (r->pos < r->len && r->s[r->pos] == ',') {
			r->pos++;
			continue;
		}
		if (r->pos < r->len && r->s[r->pos] == ']') {
			r->pos++;
			return list;
		}
		return fail(r, "expected ',' or ']'");
	}
}

static struct tval *
object(struct reader *r, int depth)
{
	struct tval *obj = tval_object(r->a), *v;
	struct buf key = { 0 };

	r->pos++;
	skip_ws(r);
	if (r->pos < r->len && r->s[r->pos] == '}') {
		r->pos++;
		return obj;
	}
	for (;;) {
		skip_ws(r);
		if (r->pos >= r->len || r->s[r->pos] != '"') {
			fail(r, "expected a key");
			goto fail;
		}
		buf_reset(&key);
		if (string(r, &key) != 0)
			goto fail;
		skip_ws(r);
		if (r->pos >= r->len || r->s[r->pos] != ':') {
			fail(r, "expected ':'");
			goto fail;
		}
		r->pos++;
		if ((v = value(r, depth + 1)) == NULL)
			goto fail;
		tval_set(r->a, obj, buf_str(&key), v);
		skip_ws(r);
		if (r->pos < r->len && r->s[r->pos] == ',') {
			r->pos++;
			continue;
		}
		if (r->pos < r->len && r->s[r->pos] == '}') {
			r->pos++;
			buf_free(&key);
			return obj;
		}
		fail(r, "expected ',' or '}'");
		goto fail;
	}
fail:
	buf_free(&key);
	return NULL;
}

static struct tval *
value(struct reader *r, int depth)
{
	struct buf s = { 0 };
	struct tval *v;

	if (depth > JSON_READER_MAX_DEPTH)
		return fail(r, "nested too deeply");
	skip_ws(r);
	if (r->pos >= r->len)
		return fail(r, "unexpected end");
	switch (r->s[r->pos]) {
	case '{':
		return object(r, depth);
	case '[':
		return array(r, depth);
	case '"':
		if (string(r, &s) != 0) {
			buf_free(&s);
			return NULL;
		}
		v = tval_str(r->a, buf_str(&s));
		buf_free(&s);
		return v;
	case 't':
		if (literal(r, "true"))
			return tval_bool(r->a, true);
		break;
	case 'f':
		if (literal(r, "false"))
			return tval_bool(r->a, false);
		break;
	case 'n':
		if (literal(r, "null"))
			return tval_null(r->a);
		break;
	default:
		return number(r);
	}
	return fail(r, "unexpected character");
}

struct tval *
json_read(struct arena *a, const char *text, size_t len, char *err, size_t errlen)
{
	struct reader r;
	struct tval *v;

	memset(&r, 0, sizeof(r));
	r.a = a;
	r.s = text;
	r.len = len;
	r.err = err;
	r.errlen = errlen;
	if ((v = value(&r, 0)) == NULL)
		return NULL;
	skip_ws(&r);
	if (r.pos != r.len)
		return fail(&r, "trailing characters");
	return v;
}
