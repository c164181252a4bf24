/* jsonl.c — JSON records from a file, bounded, parsed by jansson; see
 * jsonl.h. The only JSON this file reads itself is structure: where a
 * line or an array element ends (strings, escapes and brackets), so that
 * each record can be handed to jansson on its own. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "jsonl.h"
#include "locale.h"

#define READ_CHUNK 65536
/* A member's name in a document. */
#define KEY_MAX 256

struct jsonl {
	FILE *f;
	const unsigned char *mem;
	size_t memlen;
	size_t max;
	unsigned char chunk[READ_CHUNK];
	size_t pos, len;
	int pushed;		/* a byte given back, or -1 */
	int error;		/* errno of a failed read */
	bool started;		/* past a byte-order mark */
	uint64_t done, total;
	int64_t line;
	struct buf rec;
};

static struct jsonl *
reader_new(size_t max_record)
{
	struct jsonl *r = calloc(1, sizeof(*r));
	if (r == NULL)
		abort();
	r->max = max_record > 0 ? max_record : JSONL_DEFAULT_MAX_RECORD;
	r->pushed = -1;
	r->line = 1;
	return r;
}

struct jsonl *
jsonl_open(const char *path, size_t max_record, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct stat sb;
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		fclose(f);
		return NULL;
	}
	struct jsonl *r = reader_new(max_record);
	r->f = f;
	r->total = (uint64_t)sb.st_size;
	return r;
}

struct jsonl *
jsonl_memory(const char *data, size_t len, size_t max_record)
{
	struct jsonl *r = reader_new(max_record);
	r->mem = (const unsigned char *)data;
	r->memlen = len;
	r->total = len;
	return r;
}

void
jsonl_close(struct jsonl *r)
{
	if (r == NULL)
		return;
	if (r->f != NULL)
		fclose(r->f);
	buf_free(&r->rec);
	free(r);
}

uint64_t
jsonl_done(const struct jsonl *r)
{
	return r->done;
}

uint64_t
jsonl_total(const struct jsonl *r)
{
	return r->total;
}

int64_t
jsonl_line(const struct jsonl *r)
{
	return r->line;
}

const char *
jsonl_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

bool
jsonl_true(const json_t *obj, const char *key)
{
	return json_is_true(json_object_get(obj, key));
}

int64_t
jsonl_int(const json_t *obj, const char *key, int64_t def)
{
	const json_t *v = json_object_get(obj, key);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : def;
}

int64_t
jsonl_time(const json_t *obj, const char *key)
{
	const char *s = jsonl_str(obj, key);
	int64_t t;
	if (s == NULL || locale_parse_iso8601(s, strlen(s), 0, &t) != 0 || t < 0)
		return 0;
	return t;
}

/* The next byte, or -1 at the end (r->error set on a failed read). */
static int
next_byte(struct jsonl *r)
{
	int c;
	if (r->pushed >= 0) {
		c = r->pushed;
		r->pushed = -1;
	} else if (r->mem != NULL || r->f == NULL) {
		if (r->pos >= r->memlen)
			return -1;
		c = r->mem[r->pos++];
	} else {
		if (r->pos == r->len) {
			r->len = fread(r->chunk, 1, sizeof(r->chunk), r->f);
			r->pos = 0;
			if (r->len == 0) {
				if (ferror(r->f))
					r->error = errno != 0 ? errno : EIO;
				return -1;
			}
		}
		c = r->chunk[r->pos++];
	}
	r->done++;
	if (c == '\n')
		r->line++;
	return c;
}

static void
give_back(struct jsonl *r, int c)
{
	if (c < 0)
		return;
	r->pushed = c;
	r->done--;
	if (c == '\n')
		r->line--;
}

/* Skips a UTF-8 byte-order mark at the very start: 0, or -1 when the
 * file starts with part of one (which no JSON text does). */
static int
skip_bom(struct jsonl *r)
{
	if (r->started)
		return 0;
	r->started = true;
	int c = next_byte(r);
	if (c != 0xef) {
		give_back(r, c);
		return 0;
	}
	return next_byte(r) == 0xbb && next_byte(r) == 0xbf ? 0 : -1;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int
read_failed(struct jsonl *r, char *err, size_t errlen)
{
	return fail(err, errlen, "reading the file: %s", strerror(r->error));
}

static bool
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The nesting of text[0..len) outside strings, at its deepest. */
static int
max_depth(const char *text, size_t len)
{
	int depth = 0, deepest = 0;
	bool in_string = false;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		} else if (c == '"')
			in_string = true;
		else if (c == '{' || c == '[') {
			if (++depth > deepest)
				deepest = depth;
		} else if (c == '}' || c == ']')
			depth--;
	}
	return deepest;
}

/* jansson's verdict on rec; *out the value. line: where the record began. */
static int
parse(struct jsonl *r, int64_t line, size_t flags, json_t **out, char *err, size_t errlen)
{
	*out = NULL;
	if (max_depth(r->rec.data ? r->rec.data : "", r->rec.len) > JSONL_MAX_DEPTH)
		return fail(err, errlen, "line %lld: nested deeper than %d", (long long)line,
		    JSONL_MAX_DEPTH);
	json_error_t je;
	*out = json_loadb(buf_str(&r->rec), r->rec.len, JSON_REJECT_DUPLICATES | flags, &je);
	if (*out == NULL)
		return fail(err, errlen, "line %lld: %s", (long long)(line + je.line - 1),
		    je.text);
	return 0;
}

int
jsonl_next(struct jsonl *r, json_t **out, char *err, size_t errlen)
{
	*out = NULL;
	for (;;) {
		buf_reset(&r->rec);
		if (skip_bom(r) != 0)
			return fail(err, errlen, "line 1: not JSON");
		int64_t line = r->line;
		int c;
		bool blank = true;
		while ((c = next_byte(r)) >= 0 && c != '\n') {
			if (r->rec.len >= r->max)
				return fail(err, errlen, "line %lld: longer than %zu bytes",
				    (long long)line, r->max);
			buf_putc(&r->rec, (char)c);
			if (!is_space(c))
				blank = false;
		}
		if (r->error != 0)
			return read_failed(r, err, errlen);
		if (blank) {
			if (c < 0)
				return 0;
			continue;
		}
		if (r->rec.len > 0 && r->rec.data[r->rec.len - 1] == '\r')
			r->rec.data[--r->rec.len] = '\0';
		if (parse(r, line, 0, out, err, errlen) != 0)
			return -1;
		if (!json_is_object(*out)) {
			json_decref(*out);
			*out = NULL;
			return fail(err, errlen, "line %lld: not a JSON object", (long long)line);
		}
		return 1;
	}
}

/* --- documents --- */

static int
skip_space(struct jsonl *r)
{
	int c;
	while ((c = next_byte(r)) >= 0 && is_space(c))
		;
	return c;
}

static int
put(struct jsonl *r, int c, size_t max, int64_t line, char *err, size_t errlen)
{
	if (r->rec.len >= max)
		return fail(err, errlen, "line %lld: a value longer than %zu bytes",
		    (long long)line, max);
	buf_putc(&r->rec, (char)c);
	return 0;
}

/* The rest of a string whose '"' is in rec. */
static int
capture_string(struct jsonl *r, size_t max, int64_t line, char *err, size_t errlen)
{
	int c;
	while ((c = next_byte(r)) >= 0) {
		if (put(r, c, max, line, err, errlen) != 0)
			return -1;
		if (c == '"')
			return 0;
		if (c == '\\') {
			if ((c = next_byte(r)) < 0)
				break;
			if (put(r, c, max, line, err, errlen) != 0)
				return -1;
		}
	}
	return r->error != 0 ? read_failed(r, err, errlen) :
	    fail(err, errlen, "line %lld: the file ends inside a string", (long long)line);
}

/* One whole value into rec, whose first byte is first. */
static int
capture_value(struct jsonl *r, int first, size_t max, int64_t line, char *err,
    size_t errlen)
{
	buf_reset(&r->rec);
	if (put(r, first, max, line, err, errlen) != 0)
		return -1;
	if (first == '"')
		return capture_string(r, max, line, err, errlen);
	if (first != '{' && first != '[') {
		/* a number, true, false or null: up to the next delimiter */
		int c;
		while ((c = next_byte(r)) >= 0 && !is_space(c) && c != ',' && c != ']' &&
		    c != '}') {
			if (put(r, c, max, line, err, errlen) != 0)
				return -1;
		}
		give_back(r, c);
		return r->error != 0 ? read_failed(r, err, errlen) : 0;
	}
	int depth = 1, c;
	while (depth > 0 && (c = next_byte(r)) >= 0) {
		if (put(r, c, max, line, err, errlen) != 0)
			return -1;
		if (c == '"') {
			if (capture_string(r, max, line, err, errlen) != 0)
				return -1;
		} else if (c == '{' || c == '[') {
			if (++depth > JSONL_MAX_DEPTH)
				return fail(err, errlen, "line %lld: nested deeper than %d",
				    (long long)line, JSONL_MAX_DEPTH);
		} else if (c == '}' || c == ']')
			depth--;
	}
	if (depth > 0)
		return r->error != 0 ? read_failed(r, err, errlen) :
		    fail(err, errlen, "line %lld: the file ends inside a value", (long long)line);
	return 0;
}

/* One array member: each element to member(), then ']'. */
static int
walk_array(struct jsonl *r, const char *key, jsonl_member_fn member, void *arg, char *err,
    size_t errlen)
{
	int c = skip_space(r);
	if (c == ']')
		return 0;
	for (int64_t i = 0;; i++) {
		if (c < 0)
			break;
		int64_t line = r->line;
		json_t *v;
		if (capture_value(r, c, r->max, line, err, errlen) != 0 ||
		    parse(r, line, JSON_DECODE_ANY, &v, err, errlen) != 0)
			return -1;
		int rc = member(arg, key, i, v);
		json_decref(v);
		if (rc != 0)
			return rc;
		c = skip_space(r);
		if (c == ']')
			return 0;
		if (c != ',')
			break;
		c = skip_space(r);
	}
	if (r->error != 0)
		return read_failed(r, err, errlen);
	return fail(err, errlen, c < 0 ? "line %lld: the file ends inside the array \"%s\"" :
	    "line %lld: expected ',' or ']' in the array \"%s\"", (long long)r->line, key);
}

/* A member's name: a JSON string, decoded. */
static int
read_key(struct jsonl *r, int c, char *key, size_t keylen, char *err, size_t errlen)
{
	int64_t line = r->line;
	json_t *k;
	if (c != '"')
		return fail(err, errlen, "line %lld: expected a member's name", (long long)line);
	if (capture_value(r, c, KEY_MAX, line, err, errlen) != 0 ||
	    parse(r, line, JSON_DECODE_ANY, &k, err, errlen) != 0)
		return -1;
	snprintf(key, keylen, "%s", json_string_value(k));
	json_decref(k);
	return 0;
}

int
jsonl_document(struct jsonl *r, jsonl_member_fn member, void *arg, char *err, size_t errlen)
{
	buf_reset(&r->rec);
	if (skip_bom(r) != 0 || skip_space(r) != '{')
		return r->error != 0 ? read_failed(r, err, errlen) :
		    fail(err, errlen, "line %lld: not a JSON object", (long long)r->line);
	int c = skip_space(r);
	if (c != '}') {
		for (;;) {
			char key[KEY_MAX];
			if (read_key(r, c, key, sizeof(key), err, errlen) != 0)
				return -1;
			if (skip_space(r) != ':')
				return fail(err, errlen, "line %lld: expected ':' after \"%s\"",
				    (long long)r->line, key);
			c = skip_space(r);
			int rc;
			if (c == '[')
				rc = walk_array(r, key, member, arg, err, errlen);
			else {
				int64_t line = r->line;
				json_t *v;
				if (c < 0 || capture_value(r, c, r->max, line, err, errlen) != 0 ||
				    parse(r, line, JSON_DECODE_ANY, &v, err, errlen) != 0)
					return c < 0 ? fail(err, errlen, "the file ends after \"%s\":",
					    key) : -1;
				rc = member(arg, key, -1, v);
				json_decref(v);
			}
			if (rc != 0)
				return rc;
			c = skip_space(r);
			if (c == '}')
				break;
			if (c != ',')
				return r->error != 0 ? read_failed(r, err, errlen) :
				    fail(err, errlen, "line %lld: expected ',' or '}'",
				    (long long)r->line);
			c = skip_space(r);
		}
	}
	if (skip_space(r) >= 0)
		return fail(err, errlen, "line %lld: something after the document",
		    (long long)r->line);
	return r->error != 0 ? read_failed(r, err, errlen) : 0;
}
