/* catalog.c — the UI strings of a locale from "key = value" files, parsed
 * with fixed limits at start-up and read-only afterwards. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "catalog.h"
#include "log.h"
#include "text.h"
#include "tmpl.h"

/* The file is written by the site's staff, but a limit keeps a wrong path
 * (a log file, a device) from eating memory at start-up. */
#define CATALOG_MAX_FILE (256 * 1024)
#define CATALOG_MAX_LINE 4096
#define CATALOG_MAX_KEYS 1000

struct entry {
	char *key;
	char *value;
};

struct catalog {
	struct entry *entries;	/* in file order */
	struct entry **sorted;	/* by key, for lookups */
	size_t n;
};

static void
set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static char *
xstrndup(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (p == NULL)
		fatal("out of memory");
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool
valid_key(const char *k, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = k[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.'))
			return false;
	}
	return true;
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct entry *const *x = a, *const *y = b;

	return strcmp((*x)->key, (*y)->key);
}

static const struct entry *
lookup(const struct catalog *c, const char *key)
{
	struct entry probe = { (char *)key, NULL }, *pp = &probe, **hit;

	if (c == NULL || key == NULL || c->n == 0)
		return NULL;
	hit = bsearch(&pp, c->sorted, c->n, sizeof(*c->sorted), cmp_entry);
	return hit ? *hit : NULL;
}

/*
 * Parses one line (without its end) into c. Returns NULL or the problem.
 * Duplicates are found by a linear scan: at most 1000 keys, once at start.
 */
static const char *
parse_line(struct catalog *c, const char *line, size_t len)
{
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (memchr(line, '\0', len) != NULL)
		return "NUL byte";
	if (!utf8_valid(line, len))
		return "invalid UTF-8";
	while (len > 0 && is_blank(*line))
		line++, len--;
	while (len > 0 && is_blank(line[len - 1]))
		len--;
	if (len == 0 || line[0] == '#')
		return NULL;

	const char *eq = memchr(line, '=', len);
	if (eq == NULL)
		return "expected \"key = value\"";
	size_t klen = (size_t)(eq - line);
	while (klen > 0 && is_blank(line[klen - 1]))
		klen--;
	if (klen == 0)
		return "missing key";
	if (!valid_key(line, klen))
		return "invalid key (allowed: a-z 0-9 _ .)";
	const char *v = eq + 1;
	size_t vlen = len - (size_t)(v - line);
	while (vlen > 0 && is_blank(*v))
		v++, vlen--;

	for (size_t i = 0; i < c->n; i++)
		if (strlen(c->entries[i].key) == klen &&
		    memcmp(c->entries[i].key, line, klen) == 0)
			return "duplicate key";
	if (c->n == CATALOG_MAX_KEYS)
		return "too many keys";
	c->entries[c->n].key = xstrndup(line, klen);
	c->entries[c->n].value = xstrndup(v, vlen);
	c->n++;
	return NULL;
}

struct catalog *
catalog_load(const char *path, char *err, size_t errlen)
{
	struct catalog *c = NULL;
	size_t lineno = 0;
	struct buf file = { 0 };

	if (buf_read_file(&file, path, CATALOG_MAX_FILE, err, errlen) != 0)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		fatal("out of memory");
	c->entries = calloc(CATALOG_MAX_KEYS, sizeof(*c->entries));
	if (c->entries == NULL)
		fatal("out of memory");

	const char *p = file.data, *end = file.data + file.len;
	/* A byte-order mark, as some editors write, is not part of a key. */
	if (file.len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t llen = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *problem;

		lineno++;
		if (llen > CATALOG_MAX_LINE)
			problem = "line longer than 4096 bytes";
		else
			problem = parse_line(c, p, llen);
		if (problem != NULL) {
			set_err(err, errlen, "%s:%zu: %s", path, lineno, problem);
			goto fail;
		}
		p += llen + (nl != NULL);
	}

	c->sorted = calloc(c->n ? c->n : 1, sizeof(*c->sorted));
	if (c->sorted == NULL)
		fatal("out of memory");
	for (size_t i = 0; i < c->n; i++)
		c->sorted[i] = &c->entries[i];
	qsort(c->sorted, c->n, sizeof(*c->sorted), cmp_entry);
	buf_free(&file);
	return c;
fail:
	buf_free(&file);
	catalog_free(c);
	return NULL;
}

void
catalog_free(struct catalog *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->entries[i].key);
		free(c->entries[i].value);
	}
	free(c->entries);
	free(c->sorted);
	free(c);
}

bool
catalog_has(const struct catalog *c, const char *key)
{
	return lookup(c, key) != NULL;
}

const char *
catalog_get(const struct catalog *c, const char *key)
{
	const struct entry *e = lookup(c, key);

	if (e != NULL)
		return e->value;
	return key != NULL ? key : "";
}

char *
catalog_format(struct arena *a, const struct catalog *c, const char *key,
    const char *n_text)
{
	const char *v = catalog_get(c, key), *hit;
	struct buf b = { 0 };

	if (n_text == NULL)
		n_text = "";
	while ((hit = strstr(v, "{n}")) != NULL) {
		buf_append(&b, v, (size_t)(hit - v));
		buf_puts(&b, n_text);
		v = hit + 3;
	}
	buf_puts(&b, v);
	char *res = arena_strndup(a, buf_str(&b), b.len);
	buf_free(&b);
	return res;
}

void
catalog_to_tval(const struct catalog *c, struct arena *a, struct tval *obj)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++)
		tval_set_str(a, obj, c->entries[i].key, c->entries[i].value);
}
