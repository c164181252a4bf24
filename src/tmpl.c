/* tmpl.c — the Mustache engine: template values, the parser that turns a
 * template into a node tree once at start-up, and the renderer. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "html.h"
#include "json.h"
#include "log.h"
#include "num.h"
#include "tmpl.h"

#define TMPL_MAX_SIZE		(1024 * 1024)	/* bytes of one template */
#define TMPL_MAX_NAME		255		/* bytes of a tag or template name */
#define TMPL_MAX_SECTIONS	64		/* sections open at once */
#define TMPL_MAX_PARTIALS	64		/* partials nested while rendering */
#define TMPL_MAX_EXPANSIONS	100000		/* partials rendered by one call */
#define TMPL_MAX_DELIM		16		/* bytes of a custom delimiter */
#define TMPL_MAX_FILES		1024		/* templates in one directory */
#define TVAL_MAX_DEPTH		256		/* nesting written by tval_to_json */

/* ---- Values ------------------------------------------------------------ */

struct tmember {
	const char *key;
	size_t klen;
	struct tval *val;
};

struct tval {
	enum tval_type type;
	bool b;
	double n;
	const char *s;
	size_t slen;
	struct tval **items;		/* TVAL_LIST */
	struct tmember *members;	/* TVAL_OBJECT, in insertion order */
	size_t len, cap;
	struct tmember *sorted;		/* by key, after tval_freeze; else NULL */
	uint64_t keys;			/* key_bit of every member's key */
};

/* One of 64 bits for a key, from its length and first and last bytes: an
 * object without that bit has no such member, and a lookup walking up the
 * context stack skips it without comparing a key. */
static inline uint64_t
key_bit(const char *key, size_t klen)
{
	if (klen == 0)
		return 1;
	unsigned h = (unsigned char)key[0] * 7u + (unsigned char)key[klen - 1] * 3u + (unsigned)klen;
	return (uint64_t)1 << (h & 63);
}

static struct tval *
tval_new(struct arena *a, enum tval_type type)
{
	struct tval *v = arena_alloc(a, sizeof(*v));

	v->type = type;
	return v;
}

struct tval *
tval_null(struct arena *a)
{
	return tval_new(a, TVAL_NULL);
}

struct tval *
tval_bool(struct arena *a, bool b)
{
	struct tval *v = tval_new(a, TVAL_BOOL);

	v->b = b;
	return v;
}

struct tval *
tval_number(struct arena *a, double n)
{
	struct tval *v = tval_new(a, TVAL_NUMBER);

	v->n = n;
	return v;
}

struct tval *
tval_str(struct arena *a, const char *s)
{
	struct tval *v = tval_new(a, TVAL_STRING);

	if (s == NULL)
		s = "";
	v->slen = strlen(s);
	v->s = arena_strndup(a, s, v->slen);
	return v;
}

struct tval *
tval_str_ref(struct arena *a, const char *s)
{
	struct tval *v = tval_new(a, TVAL_STRING);

	if (s == NULL)
		s = "";
	v->slen = strlen(s);
	v->s = s;
	return v;
}

struct tval *
tval_list(struct arena *a)
{
	return tval_new(a, TVAL_LIST);
}

struct tval *
tval_object(struct arena *a)
{
	return tval_new(a, TVAL_OBJECT);
}

enum tval_type
tval_type(const struct tval *v)
{
	return v != NULL ? v->type : TVAL_NULL;
}

/* Makes room for one more item or member. Arrays double in the arena; the
 * old copy stays there until the arena goes, which is cheap enough for
 * per-request values. */
static void
tval_grow(struct arena *a, struct tval *v, size_t elem)
{
	size_t ncap;
	void *p;

	if (v->len < v->cap)
		return;
	ncap = v->cap == 0 ? 8 : v->cap * 2;
	p = arena_calloc(a, ncap, elem);
	if (v->len > 0)
		memcpy(p, v->type == TVAL_LIST ? (void *)v->items : (void *)v->members,
		    v->len * elem);
	if (v->type == TVAL_LIST)
		v->items = p;
	else
		v->members = p;
	v->cap = ncap;
}

/* The member key[0..klen), or NULL. The length and the first byte first:
 * most keys differ there, and a call to strcmp per member was a tenth of
 * a thread page's time. */
static struct tmember *
member_find(const struct tval *obj, const char *key, size_t klen)
{
	char first = klen > 0 ? key[0] : '\0';
	if ((obj->keys & key_bit(key, klen)) == 0)
		return NULL;
	for (size_t i = 0; i < obj->len; i++) {
		struct tmember *m = &obj->members[i];
		if (m->klen == klen && m->key[0] == first && memcmp(m->key, key, klen) == 0)
			return m;
	}
	return NULL;
}

static void
member_append(struct arena *a, struct tval *obj, const char *key, size_t klen,
    struct tval *v)
{
	obj->sorted = NULL;	/* a frozen object that changes is thawed */
	tval_grow(a, obj, sizeof(struct tmember));
	obj->members[obj->len].key = key;
	obj->members[obj->len].klen = klen;
	obj->members[obj->len].val = v;
	obj->len++;
	obj->keys |= key_bit(key, klen);
}

void
tval_set(struct arena *a, struct tval *obj, const char *key, struct tval *v)
{
	if (obj == NULL || obj->type != TVAL_OBJECT || key == NULL)
		return;
	if (v == NULL)
		v = tval_null(a);
	size_t klen = strlen(key);
	struct tmember *m = member_find(obj, key, klen);
	if (m != NULL) {
		m->val = v;
		return;
	}
	member_append(a, obj, arena_strndup(a, key, klen), klen, v);
}

void
tval_add(struct arena *a, struct tval *obj, const char *key, struct tval *v)
{
	if (obj == NULL || obj->type != TVAL_OBJECT || key == NULL)
		return;
	member_append(a, obj, key, strlen(key), v != NULL ? v : tval_null(a));
}

void
tval_set_str(struct arena *a, struct tval *obj, const char *key, const char *s)
{
	tval_set(a, obj, key, tval_str(a, s));
}

void
tval_set_bool(struct arena *a, struct tval *obj, const char *key, bool b)
{
	tval_set(a, obj, key, tval_bool(a, b));
}

void
tval_set_number(struct arena *a, struct tval *obj, const char *key, double n)
{
	tval_set(a, obj, key, tval_number(a, n));
}

void
tval_push(struct arena *a, struct tval *list, struct tval *v)
{
	if (list == NULL || list->type != TVAL_LIST)
		return;
	if (v == NULL)
		v = tval_null(a);
	tval_grow(a, list, sizeof(struct tval *));
	list->items[list->len++] = v;
}

static int
cmp_members(const void *x, const void *y)
{
	return strcmp(((const struct tmember *)x)->key, ((const struct tmember *)y)->key);
}

void
tval_freeze(struct arena *a, struct tval *obj)
{
	if (obj == NULL || obj->type != TVAL_OBJECT || obj->len == 0)
		return;
	struct tmember *m = arena_calloc(a, obj->len, sizeof(*m));
	memcpy(m, obj->members, obj->len * sizeof(*m));
	qsort(m, obj->len, sizeof(*m), cmp_members);
	obj->sorted = m;
}

/* Binary search of a frozen object for key[0..len). */
static const struct tval *
sorted_find(const struct tval *obj, const char *key, size_t len)
{
	size_t lo = 0, hi = obj->len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *mk = obj->sorted[mid].key;
		int r = strncmp(mk, key, len);
		if (r == 0)
			r = mk[len] == '\0' ? 0 : 1;	/* a longer key sorts after */
		if (r == 0)
			return obj->sorted[mid].val;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct tval *
tval_get(const struct tval *obj, const char *key)
{
	if (obj == NULL || obj->type != TVAL_OBJECT || key == NULL)
		return NULL;
	size_t klen = strlen(key);
	if (obj->sorted != NULL)
		return (struct tval *)sorted_find(obj, key, klen);
	struct tmember *m = member_find(obj, key, klen);
	return m != NULL ? m->val : NULL;
}

/* Like tval_get for a key that is not NUL-terminated (a part of a dotted
 * name inside the template source). */
static const struct tval *
tval_getn(const struct tval *obj, const char *key, size_t len)
{
	if (obj == NULL || obj->type != TVAL_OBJECT)
		return NULL;
	if (obj->sorted != NULL)
		return sorted_find(obj, key, len);
	struct tmember *m = member_find(obj, key, len);
	return m != NULL ? m->val : NULL;
}

size_t
tval_list_length(const struct tval *list)
{
	return list != NULL && list->type == TVAL_LIST ? list->len : 0;
}

struct tval *
tval_list_at(const struct tval *list, size_t i)
{
	return list != NULL && list->type == TVAL_LIST && i < list->len ?
	    list->items[i] : NULL;
}

size_t
tval_object_count(const struct tval *obj)
{
	return obj != NULL && obj->type == TVAL_OBJECT ? obj->len : 0;
}

const char *
tval_object_key_at(const struct tval *obj, size_t i)
{
	return obj != NULL && obj->type == TVAL_OBJECT && i < obj->len ?
	    obj->members[i].key : NULL;
}

struct tval *
tval_object_value_at(const struct tval *obj, size_t i)
{
	return obj != NULL && obj->type == TVAL_OBJECT && i < obj->len ?
	    obj->members[i].val : NULL;
}

const char *
tval_string(const struct tval *v)
{
	return v != NULL && v->type == TVAL_STRING ? v->s : NULL;
}

bool
tval_truthy(const struct tval *v)
{
	if (v == NULL)
		return false;
	switch (v->type) {
	case TVAL_NULL:
		return false;
	case TVAL_BOOL:
		return v->b;
	case TVAL_NUMBER:
		return v->n != 0 && v->n == v->n;
	case TVAL_STRING:
		return v->slen > 0;
	case TVAL_LIST:
		return v->len > 0;
	case TVAL_OBJECT:
		return true;
	}
	return false;
}

/* Writes n into out (at least 32 bytes) the way JavaScript would for the
 * values nazar uses: integers without a fraction, other numbers in the
 * shortest %g form that reads back as the same double. Returns false for
 * NaN and infinities, which have no JSON or sensible HTML form. */
static bool
format_number(char *out, size_t outlen, double n)
{
	int prec;
	char *p;

	if (n != n || n > 1.7976931348623157e308 || n < -1.7976931348623157e308)
		return false;
	if (n > -1e15 && n < 1e15 && n == (double)(long long)n) {
		/* Also turns -0 into "0"; num_format, not snprintf: numbers
		 * fill a thread page. */
		char text[NUM_TEXT_MAX];
		size_t len = num_format(text, (int64_t)n);
		if (len >= outlen)
			return false;
		memcpy(out, text, len + 1);
		return true;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(out, outlen, "%.*g", prec, n);
		if (strtod(out, NULL) == n)
			break;
	}
	/* A locale with a decimal comma must not leak into JSON. */
	if ((p = strchr(out, ',')) != NULL)
		*p = '.';
	return true;
}

static void
json_value(struct buf *out, const struct tval *v, int depth)
{
	char num[40];
	size_t i;

	if (v == NULL || depth > TVAL_MAX_DEPTH) {
		/* Too deep can only be a cycle built by mistake. */
		buf_puts(out, "null");
		return;
	}
	switch (v->type) {
	case TVAL_NULL:
		buf_puts(out, "null");
		break;
	case TVAL_BOOL:
		buf_puts(out, v->b ? "true" : "false");
		break;
	case TVAL_NUMBER:
		buf_puts(out, format_number(num, sizeof(num), v->n) ? num : "null");
		break;
	case TVAL_STRING:
		json_quote(out, v->s, v->slen);
		break;
	case TVAL_LIST:
		buf_putc(out, '[');
		for (i = 0; i < v->len; i++) {
			if (i > 0)
				buf_putc(out, ',');
			json_value(out, v->items[i], depth + 1);
		}
		buf_putc(out, ']');
		break;
	case TVAL_OBJECT:
		buf_putc(out, '{');
		for (i = 0; i < v->len; i++) {
			if (i > 0)
				buf_putc(out, ',');
			json_quote_str(out, v->members[i].key);
			buf_putc(out, ':');
			json_value(out, v->members[i].val, depth + 1);
		}
		buf_putc(out, '}');
		break;
	}
}

void
tval_to_json(struct buf *out, const struct tval *v)
{
	json_value(out, v, 0);
}

/* ---- Templates --------------------------------------------------------- */

enum ntype {
	N_TEXT,		/* literal text */
	N_VAR,		/* {{x}}, HTML-escaped */
	N_RAW,		/* {{{x}}} and {{&x}} */
	N_SECTION,	/* {{#x}}…{{/x}} */
	N_INVERTED,	/* {{^x}}…{{/x}} */
	N_PARTIAL	/* {{>x}} */
};

/* A dotted name split into its parts; no parts means "." (the top of the
 * context stack). */
struct name {
	const char **part;
	size_t *plen;
	size_t nparts;
};

struct node {
	enum ntype type;
	const char *s;		/* text, or the name as written */
	size_t len;
	struct name name;
	const char *indent;	/* standalone partial: the whitespace before it */
	size_t indentlen;
	struct node *child;	/* sections: first node inside */
	struct node *next;
};

struct tmpl {
	char *name;
	struct arena *arena;	/* the source copy and all nodes */
	struct node *root;
	struct tmpl *next;
};

struct tmpl_set {
	struct tmpl *head;
};

struct tmpl_set *
tmpl_set_new(void)
{
	struct tmpl_set *set = calloc(1, sizeof(*set));

	if (set == NULL)
		abort();
	return set;
}

static void
tmpl_free(struct tmpl *t)
{
	arena_free(t->arena);
	free(t);
}

void
tmpl_set_free(struct tmpl_set *set)
{
	struct tmpl *t, *next;

	if (set == NULL)
		return;
	for (t = set->head; t != NULL; t = next) {
		next = t->next;
		tmpl_free(t);
	}
	free(set);
}

static const struct tmpl *
tmpl_find(const struct tmpl_set *set, const char *name, size_t len)
{
	const struct tmpl *t;

	for (t = set->head; t != NULL; t = t->next)
		if (strncmp(t->name, name, len) == 0 && t->name[len] == '\0')
			return t;
	return NULL;
}

bool
tmpl_set_has(const struct tmpl_set *set, const char *name)
{
	return set != NULL && name != NULL && tmpl_find(set, name, strlen(name)) != NULL;
}

/* ---- Parser ------------------------------------------------------------ */

struct parser {
	struct arena *a;
	const char *src;
	size_t len;
	const char *label;	/* template or file name for messages */
	char *err;
	size_t errlen;
	char otag[TMPL_MAX_DELIM + 1], ctag[TMPL_MAX_DELIM + 1];
	size_t olen, clen;
};

static size_t
line_of(const struct parser *p, size_t pos)
{
	size_t i, line = 1;

	for (i = 0; i < pos && i < p->len; i++)
		if (p->src[i] == '\n')
			line++;
	return line;
}

static int
parse_error(const struct parser *p, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
parse_error(const struct parser *p, size_t pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->err == NULL || p->errlen == 0)
		return -1;
	n = snprintf(p->err, p->errlen, "%s:%zu: ", p->label, line_of(p, pos));
	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* First occurrence of needle in src[from, len), or SIZE_MAX. */
static size_t
find(const struct parser *p, size_t from, const char *needle, size_t nlen)
{
	const char *hit;

	if (from > p->len || nlen == 0)
		return SIZE_MAX;
	hit = memmem(p->src + from, p->len - from, needle, nlen);
	return hit != NULL ? (size_t)(hit - p->src) : SIZE_MAX;
}

/* Trims the tag content [*s, *s + *n) and checks it is one name: not empty,
 * no inner white space, bounded. */
static int
tag_name(const struct parser *p, size_t pos, const char **s, size_t *n)
{
	const char *b = *s, *e = *s + *n;
	const char *q;

	while (b < e && is_space(*b))
		b++;
	while (e > b && is_space(e[-1]))
		e--;
	if (b == e)
		return parse_error(p, pos, "empty tag name");
	if ((size_t)(e - b) > TMPL_MAX_NAME)
		return parse_error(p, pos, "tag name too long");
	for (q = b; q < e; q++)
		if (is_space(*q))
			return parse_error(p, pos, "bad tag name \"%.*s\"", (int)(e - b), b);
	*s = b;
	*n = (size_t)(e - b);
	return 0;
}

/* Splits a dotted name; "." alone is the implicit iterator. */
static int
split_name(const struct parser *p, size_t pos, struct node *nd)
{
	size_t i, start, k;

	if (nd->len == 1 && nd->s[0] == '.')
		return 0;
	nd->name.nparts = 1;
	for (i = 0; i < nd->len; i++)
		if (nd->s[i] == '.')
			nd->name.nparts++;
	nd->name.part = arena_calloc(p->a, nd->name.nparts, sizeof(char *));
	nd->name.plen = arena_calloc(p->a, nd->name.nparts, sizeof(size_t));
	for (i = 0, start = 0, k = 0; i <= nd->len; i++) {
		if (i < nd->len && nd->s[i] != '.')
			continue;
		if (i == start)
			return parse_error(p, pos, "bad dotted name \"%.*s\"",
			    (int)nd->len, nd->s);
		nd->name.part[k] = nd->s + start;
		nd->name.plen[k] = i - start;
		k++;
		start = i + 1;
	}
	return 0;
}

/* Parses the inside of {{=<% %>=}}: two delimiters separated by white
 * space, neither containing white space or '='. */
static int
set_delimiters(struct parser *p, size_t pos, const char *s, size_t n)
{
	const char *e = s + n, *o, *c;
	size_t ol, cl;

	while (s < e && is_space(*s))
		s++;
	while (e > s && is_space(e[-1]))
		e--;
	o = s;
	while (s < e && !is_space(*s))
		s++;
	ol = (size_t)(s - o);
	while (s < e && is_space(*s))
		s++;
	c = s;
	cl = (size_t)(e - c);
	if (ol == 0 || cl == 0 || ol > TMPL_MAX_DELIM || cl > TMPL_MAX_DELIM ||
	    memchr(o, '=', ol) != NULL || memchr(c, '=', cl) != NULL)
		return parse_error(p, pos, "bad set-delimiter tag");
	for (s = c; s < e; s++)
		if (is_space(*s))
			return parse_error(p, pos, "bad set-delimiter tag");
	memcpy(p->otag, o, ol);
	p->otag[ol] = '\0';
	p->olen = ol;
	memcpy(p->ctag, c, cl);
	p->ctag[cl] = '\0';
	p->clen = cl;
	return 0;
}

struct open_section {
	struct node *node;
	struct node **tail;	/* where the next node of the enclosing level goes */
	size_t pos;
};

static struct node *
node_add(struct parser *p, struct node ***tail, enum ntype type, const char *s, size_t len)
{
	struct node *nd = arena_alloc(p->a, sizeof(*nd));

	nd->type = type;
	nd->s = s;
	nd->len = len;
	**tail = nd;
	*tail = &nd->next;
	return nd;
}

static void
text_add(struct parser *p, struct node ***tail, size_t from, size_t to)
{
	if (to > from)
		node_add(p, tail, N_TEXT, p->src + from, to - from);
}

/* Whether a tag [start, end) stands alone on its line, which makes the line
 * vanish from the output. If so, *ls is where the line starts and *next
 * where the following line starts (or the end of the source). */
static bool
standalone(const struct parser *p, size_t text, size_t start, size_t end, size_t *ls,
    size_t *next)
{
	size_t i = start;

	while (i > text && (p->src[i - 1] == ' ' || p->src[i - 1] == '\t'))
		i--;
	if (i > 0 && p->src[i - 1] != '\n')
		return false;
	*ls = i;
	i = end;
	while (i < p->len && (p->src[i] == ' ' || p->src[i] == '\t'))
		i++;
	if (i == p->len)
		*next = i;
	else if (p->src[i] == '\n')
		*next = i + 1;
	else if (p->src[i] == '\r' && i + 1 < p->len && p->src[i + 1] == '\n')
		*next = i + 2;
	else
		return false;
	return true;
}

/* A tag as found in the source. */
struct tag {
	size_t start;		/* of its opening delimiter */
	char sigil;		/* the character after it */
	const char *s;		/* what is inside, without the sigil */
	size_t n;
	size_t after;		/* just past its closing delimiter */
	size_t ls;		/* where its line starts when it stands alone, else start */
};

/* The sections open at a point of the parse, and where the next node goes. */
struct tree {
	struct open_section open[TMPL_MAX_SECTIONS];
	size_t nopen;
	struct node **tail;
};

/* Reads the tag whose opening delimiter is at start (all but t->ls). */
static int
read_tag(struct parser *p, size_t start, struct tag *t)
{
	size_t body = start + p->olen, end;

	t->start = start;
	if (body >= p->len)
		return parse_error(p, start, "unclosed tag");
	t->sigil = p->src[body];
	if (t->sigil == '{' || t->sigil == '=') {
		/* The closing delimiter is preceded by '}' or '='. */
		char close[TMPL_MAX_DELIM + 2];

		close[0] = t->sigil == '{' ? '}' : '=';
		memcpy(close + 1, p->ctag, p->clen + 1);
		end = find(p, body + 1, close, p->clen + 1);
		if (end == SIZE_MAX)
			return parse_error(p, start, t->sigil == '=' ?
			    "set-delimiter tag without closing \"=\"" : "unclosed tag");
		t->s = p->src + body + 1;
		t->n = end - body - 1;
		t->after = end + 1 + p->clen;
	} else {
		/* The sigil, if any, is not part of the name. */
		if (strchr("#^/!>&", t->sigil) != NULL)
			body++;
		end = find(p, body, p->ctag, p->clen);
		if (end == SIZE_MAX)
			return parse_error(p, start, "unclosed tag");
		t->s = p->src + body;
		t->n = end - body;
		t->after = end + p->clen;
	}
	return 0;
}

/* {{#name}} or {{^name}}: a section node, whose children follow. */
static int
open_section(struct parser *p, struct tree *tr, const struct tag *t, const char *s, size_t n)
{
	if (tr->nopen == TMPL_MAX_SECTIONS)
		return parse_error(p, t->start, "sections nested too deeply");
	struct node *nd = node_add(p, &tr->tail, t->sigil == '#' ? N_SECTION : N_INVERTED, s,
	    n);
	if (split_name(p, t->start, nd) != 0)
		return -1;
	tr->open[tr->nopen].node = nd;
	tr->open[tr->nopen].tail = tr->tail;
	tr->open[tr->nopen].pos = t->start;
	tr->nopen++;
	tr->tail = &nd->child;
	return 0;
}

/* {{/name}}: closes the innermost section, which must be name. */
static int
close_section(struct parser *p, struct tree *tr, const struct tag *t, const char *s, size_t n)
{
	if (tr->nopen == 0)
		return parse_error(p, t->start, "closing tag \"%.*s\" without open section",
		    (int)n, s);
	struct node *nd = tr->open[tr->nopen - 1].node;
	if (nd->len != n || memcmp(nd->s, s, n) != 0)
		return parse_error(p, t->start,
		    "closing tag \"%.*s\" does not match open section \"%.*s\"",
		    (int)n, s, (int)nd->len, nd->s);
	tr->nopen--;
	tr->tail = tr->open[tr->nopen].tail;
	return 0;
}

/* Adds what the tag stands for to the tree. */
static int
add_tag(struct parser *p, struct tree *tr, const struct tag *t)
{
	const char *s = t->s;
	size_t n = t->n;
	struct node *nd;

	if (t->sigil == '!')
		return 0;
	if (t->sigil == '=')
		return set_delimiters(p, t->start, s, n);
	if (tag_name(p, t->start, &s, &n) != 0)
		return -1;
	switch (t->sigil) {
	case '>':
		nd = node_add(p, &tr->tail, N_PARTIAL, s, n);
		nd->indent = p->src + t->ls;
		nd->indentlen = t->start - t->ls;
		return 0;
	case '#':
	case '^':
		return open_section(p, tr, t, s, n);
	case '/':
		return close_section(p, tr, t, s, n);
	default:
		nd = node_add(p, &tr->tail, t->sigil == '{' || t->sigil == '&' ? N_RAW : N_VAR,
		    s, n);
		return split_name(p, t->start, nd);
	}
}

static int
parse(struct parser *p, struct node **root)
{
	struct tree tr = { .nopen = 0, .tail = root };
	size_t pos = 0, text = 0, tag, next;
	struct tag t = { 0 };

	*root = NULL;
	strcpy(p->otag, "{{");
	strcpy(p->ctag, "}}");
	p->olen = p->clen = 2;

	for (;;) {
		tag = find(p, pos, p->otag, p->olen);
		if (tag == SIZE_MAX) {
			text_add(p, &tr.tail, text, p->len);
			break;
		}
		if (read_tag(p, tag, &t) != 0)
			return -1;
		/* Everything but interpolation may stand alone on a line. */
		if (strchr("#^/!>=", t.sigil) != NULL &&
		    standalone(p, text, tag, t.after, &t.ls, &next)) {
			text_add(p, &tr.tail, text, t.ls);
			text = pos = next;
		} else {
			text_add(p, &tr.tail, text, tag);
			text = pos = t.after;
			t.ls = tag;
		}
		if (add_tag(p, &tr, &t) != 0)
			return -1;
	}
	if (tr.nopen > 0) {
		struct node *nd = tr.open[tr.nopen - 1].node;
		return parse_error(p, tr.open[tr.nopen - 1].pos, "unclosed section \"%.*s\"",
		    (int)nd->len, nd->s);
	}
	return 0;
}

static int
tmpl_add_labelled(struct tmpl_set *set, const char *name, const char *label,
    const char *src, size_t len, char *err, size_t errlen)
{
	struct parser p;
	struct tmpl *t, **tp;
	char *copy;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	memset(&p, 0, sizeof(p));
	p.label = label;
	p.err = err;
	p.errlen = errlen;
	if (set == NULL || name == NULL || (src == NULL && len > 0))
		return parse_error(&p, 0, "no template");
	if (name[0] == '\0' || strlen(name) > TMPL_MAX_NAME)
		return parse_error(&p, 0, "bad template name");
	if (len > TMPL_MAX_SIZE)
		return parse_error(&p, 0, "template larger than %d bytes", TMPL_MAX_SIZE);

	if ((t = calloc(1, sizeof(*t))) == NULL)
		abort();
	t->arena = arena_new();
	t->name = arena_strdup(t->arena, name);
	/* Nodes point into this private copy of the source. */
	copy = arena_strndup(t->arena, src != NULL ? src : "", len);
	p.a = t->arena;
	p.src = copy;
	p.len = len;
	if (parse(&p, &t->root) != 0) {
		tmpl_free(t);
		return -1;
	}

	/* Replace a template of the same name, or append. */
	for (tp = &set->head; *tp != NULL; tp = &(*tp)->next)
		if (strcmp((*tp)->name, name) == 0) {
			t->next = (*tp)->next;
			tmpl_free(*tp);
			*tp = t;
			return 0;
		}
	*tp = t;
	return 0;
}

int
tmpl_set_add(struct tmpl_set *set, const char *name, const char *src, size_t len,
    char *err, size_t errlen)
{
	return tmpl_add_labelled(set, name, name != NULL ? name : "?", src, len, err, errlen);
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int
tmpl_set_load_dir(struct tmpl_set *set, const char *dir, char *err, size_t errlen)
{
	static const char ext[] = ".mustache";
	const size_t extlen = sizeof(ext) - 1;
	char *names[TMPL_MAX_FILES];
	char path[PATH_MAX], name[TMPL_MAX_NAME + 1];
	size_t nnames = 0, i, n;
	struct dirent *de;
	struct buf file = { 0 };
	DIR *d;
	int rc = -1;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (set == NULL || dir == NULL)
		return set_err(err, errlen, "no template directory");
	if ((d = opendir(dir)) == NULL)
		return set_err(err, errlen, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		/* Hidden files (editor droppings) and bare ".mustache" are skipped. */
		if (de->d_name[0] == '.' || n <= extlen ||
		    strcmp(de->d_name + n - extlen, ext) != 0)
			continue;
		if (n - extlen > TMPL_MAX_NAME) {
			set_err(err, errlen, "%s/%s: name too long", dir, de->d_name);
			goto fail;
		}
		if (nnames == TMPL_MAX_FILES) {
			set_err(err, errlen, "%s: more than %d templates", dir, TMPL_MAX_FILES);
			goto fail;
		}
		if ((names[nnames] = strdup(de->d_name)) == NULL)
			abort();
		nnames++;
	}
	/* A fixed order makes "the first problem" the same on every start. */
	qsort(names, nnames, sizeof(names[0]), cmp_names);
	for (i = 0; i < nnames; i++) {
		n = (size_t)snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (n >= sizeof(path)) {
			set_err(err, errlen, "%s/%s: path too long", dir, names[i]);
			goto fail;
		}
		n = strlen(names[i]) - extlen;
		memcpy(name, names[i], n);
		name[n] = '\0';
		if (buf_read_file(&file, path, TMPL_MAX_SIZE, err, errlen) != 0)
			goto fail;
		if (tmpl_add_labelled(set, name, path, file.data, file.len, err, errlen) != 0)
			goto fail;
	}
	rc = 0;
fail:
	buf_free(&file);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	closedir(d);
	return rc;
}

/* ---- Renderer ---------------------------------------------------------- */

/* The context stack and the partial indentation live on the C stack as
 * linked frames, so rendering allocates nothing shared and several threads
 * may render the same set at once. */
struct ctx {
	const struct tval *v;
	const struct ctx *up;
};

struct indent {
	const char *s;
	size_t len;
	const struct indent *up;
};

struct render {
	const struct tmpl_set *set;
	struct buf *out;
	const struct indent *indent;	/* innermost; NULL when none */
	bool bol;			/* at the beginning of an output line */
	int partials;			/* partials nested */
	unsigned long expansions;	/* partials rendered so far */
};

static void
put_indent(struct buf *out, const struct indent *in)
{
	if (in == NULL)
		return;
	put_indent(out, in->up);
	buf_append(out, in->s, in->len);
}

/* Template text; inside an indented partial every line it starts gets the
 * indentation first. */
static void
emit_text(struct render *r, const char *s, size_t len)
{
	const char *nl;
	size_t n;

	/* Outside an indented partial the text goes out whole. */
	if (r->indent == NULL) {
		if (len > 0) {
			buf_append(r->out, s, len);
			r->bol = s[len - 1] == '\n';
		}
		return;
	}
	while (len > 0) {
		if (r->bol && r->indent != NULL)
			put_indent(r->out, r->indent);
		nl = memchr(s, '\n', len);
		n = nl != NULL ? (size_t)(nl - s) + 1 : len;
		buf_append(r->out, s, n);
		r->bol = nl != NULL;
		s += n;
		len -= n;
	}
}

static const struct tval *
lookup(const struct ctx *c, const struct name *nm)
{
	const struct tval *v = NULL;
	size_t i;

	if (nm->nparts == 0)
		return c != NULL ? c->v : NULL;
	/* Only the first part walks up the stack; the rest must be found
	 * inside what it names. */
	for (; c != NULL; c = c->up)
		if ((v = tval_getn(c->v, nm->part[0], nm->plen[0])) != NULL)
			break;
	for (i = 1; v != NULL && i < nm->nparts; i++)
		v = tval_getn(v, nm->part[i], nm->plen[i]);
	return v;
}

static void render_nodes(struct render *, const struct node *, const struct ctx *);

static void
render_value(struct render *r, const struct tval *v, bool escape)
{
	char num[40];

	if (r->bol && r->indent != NULL)
		put_indent(r->out, r->indent);
	r->bol = false;
	if (v == NULL)
		return;
	switch (v->type) {
	case TVAL_STRING:
		if (escape)
			html_escape_nul(r->out, v->s, v->slen);
		else
			buf_append(r->out, v->s, v->slen);
		break;
	case TVAL_NUMBER:
		if (format_number(num, sizeof(num), v->n))
			buf_puts(r->out, num);
		break;
	case TVAL_BOOL:
		buf_puts(r->out, v->b ? "true" : "false");
		break;
	default:
		/* null, lists and objects have no text of their own. */
		break;
	}
}

static void
render_partial(struct render *r, const struct node *nd, const struct ctx *c)
{
	const struct tmpl *t;
	const struct indent *saved = r->indent;
	struct indent in;

	/* A partial that includes itself stops here instead of running
	 * out of stack; what was rendered so far stays. */
	if (r->partials >= TMPL_MAX_PARTIALS)
		return;
	if ((t = tmpl_find(r->set, nd->s, nd->len)) == NULL)
		return;
	/* A partial that includes itself twice doubles the work at every
	 * level; the depth bound alone would allow 2^64 expansions. */
	if (r->expansions >= TMPL_MAX_EXPANSIONS) {
		if (r->expansions++ == TMPL_MAX_EXPANSIONS)
			log_warn("template: more than %d partials in one rendering; "
			    "output cut short", TMPL_MAX_EXPANSIONS);
		return;
	}
	r->expansions++;
	if (nd->indentlen > 0) {
		in.s = nd->indent;
		in.len = nd->indentlen;
		in.up = r->indent;
		r->indent = &in;
	}
	r->partials++;
	render_nodes(r, t->root, c);
	r->partials--;
	r->indent = saved;
}

static void
render_nodes(struct render *r, const struct node *nd, const struct ctx *c)
{
	const struct tval *v;
	struct ctx inner;
	size_t i;

	for (; nd != NULL; nd = nd->next) {
		switch (nd->type) {
		case N_TEXT:
			emit_text(r, nd->s, nd->len);
			break;
		case N_VAR:
		case N_RAW:
			render_value(r, lookup(c, &nd->name), nd->type == N_VAR);
			break;
		case N_SECTION:
			v = lookup(c, &nd->name);
			if (!tval_truthy(v))
				break;
			inner.up = c;
			if (v->type == TVAL_LIST) {
				for (i = 0; i < v->len; i++) {
					inner.v = v->items[i];
					render_nodes(r, nd->child, &inner);
				}
			} else {
				inner.v = v;
				render_nodes(r, nd->child, &inner);
			}
			break;
		case N_INVERTED:
			if (!tval_truthy(lookup(c, &nd->name)))
				render_nodes(r, nd->child, c);
			break;
		case N_PARTIAL:
			render_partial(r, nd, c);
			break;
		}
	}
}

int
tmpl_render(const struct tmpl_set *set, const char *name, const struct tval *ctx,
    struct buf *out)
{
	const struct tmpl *t;
	struct render r;
	struct ctx top;

	if (set == NULL || name == NULL || out == NULL ||
	    (t = tmpl_find(set, name, strlen(name))) == NULL)
		return -1;
	memset(&r, 0, sizeof(r));
	r.set = set;
	r.out = out;
	r.bol = true;
	top.v = ctx;
	top.up = NULL;
	render_nodes(&r, t->root, &top);
	/* An empty rendering still leaves a valid, NUL-terminated buffer. */
	buf_append(out, "", 0);
	return 0;
}
