/* param.c — reading a request's parameters against a handler's table;
 * see param.h for the rules. */
#include <string.h>

#include "arena.h"
#include "http.h"
#include "num.h"
#include "param.h"

/* The id after a PARAM_PREFIX name in key, or 0 when key is not one. */
static int64_t
prefix_id(const struct param_spec *s, const char *key)
{
	size_t n = strlen(s->name);
	int64_t id;
	if (strncmp(key, s->name, n) != 0 || key[n] < '1' || key[n] > '9' ||
	    !num_parse(key + n, 1, INT64_MAX, &id))
		return 0;
	return id;
}

/* Whether v is a value of s; *num set for numbers and names. */
static bool
value_fits(const struct param_spec *s, const char *v, int64_t *num)
{
	*num = 0;
	switch (s->type) {
	case PARAM_INT:
		return num_parse(v, s->min, s->max, num);
	case PARAM_TEXT:
		if (s->max > 0 && strnlen(v, (size_t)s->max + 1) > (size_t)s->max)
			return false;
		return s->check == NULL || s->check(v);
	case PARAM_ENUM:
		for (int64_t i = 0; s->names != NULL && s->names[i] != NULL; i++)
			if (strcmp(v, s->names[i]) == 0) {
				*num = i;
				return true;
			}
		return false;
	}
	return false;
}

/* Room for the values of s: one, or max_count when it may repeat. */
static void
value_alloc(struct arena *a, const struct param_spec *s, struct param_value *pv)
{
	size_t cap = (s->flags & (PARAM_REPEAT | PARAM_PREFIX)) ? s->max_count : 1;
	if (cap == 0)
		cap = 1;
	pv->text = arena_calloc(a, cap, sizeof(*pv->text));
	pv->num = arena_calloc(a, cap, sizeof(*pv->num));
	pv->key_id = arena_calloc(a, cap, sizeof(*pv->key_id));
}

/* Adds one occurrence (key_id 0 unless PARAM_PREFIX). Returns 0 or the
 * status to refuse the request with. */
static int
value_add(struct arena *a, const struct param_spec *s, struct param_value *pv,
    const struct kv *kv, int64_t key_id, size_t *seen)
{
	bool many = (s->flags & (PARAM_REPEAT | PARAM_PREFIX)) != 0;
	if (s->flags & PARAM_PREFIX) {
		for (size_t k = 0; k < pv->count; k++)
			if (pv->key_id[k] == key_id)
				return 400;	/* the same key twice */
	} else if (!(s->flags & PARAM_REPEAT) && (*seen)++ > 0)
		return 400;
	if (strlen(kv->value) != kv->value_len)
		return 400;
	if (kv->value_len == 0)
		return 0;
	int64_t num;
	if (!value_fits(s, kv->value, &num))
		return (s->flags & PARAM_LENIENT) ? 0 : 400;
	if (s->flags & PARAM_UNIQUE)
		for (size_t k = 0; k < pv->count; k++)
			if (s->type == PARAM_TEXT ? strcmp(pv->text[k], kv->value) == 0 :
			    pv->num[k] == num)
				return 0;
	if (pv->text == NULL)
		value_alloc(a, s, pv);
	size_t cap = many && s->max_count > 0 ? s->max_count : 1;
	if (pv->count == cap)
		return s->over_status ? s->over_status : 400;
	pv->text[pv->count] = kv->value;
	pv->num[pv->count] = num;
	pv->key_id[pv->count] = key_id;
	pv->count++;
	return 0;
}

/* Reads the values of one spec from l. */
static int
read_one(struct arena *a, const struct param_spec *s, const struct kvlist *l,
    struct param_value *pv)
{
	size_t seen = 0;
	for (size_t i = 0; l != NULL && i < l->count; i++) {
		const struct kv *kv = &l->items[i];
		int64_t key_id = 0;
		if (s->flags & PARAM_PREFIX) {
			if ((key_id = prefix_id(s, kv->key)) == 0)
				continue;
		} else if (strcmp(kv->key, s->name) != 0)
			continue;
		int status = value_add(a, s, pv, kv, key_id, &seen);
		if (status != 0)
			return status;
	}
	if ((s->flags & PARAM_REQUIRED) && pv->count == 0)
		return 400;
	return 0;
}

int
param_read(struct arena *a, const struct param_table *t, const struct kvlist *query,
    const struct kvlist *form, struct params *out, const struct param_spec **bad)
{
	*bad = NULL;
	out->table = t;
	out->v = arena_calloc(a, t->count ? t->count : 1, sizeof(*out->v));
	for (size_t i = 0; i < t->count; i++) {
		const struct param_spec *s = &t->specs[i];
		int status = read_one(a, s, (s->flags & PARAM_FORM) ? form : query, &out->v[i]);
		if (status != 0) {
			*bad = s;
			return status;
		}
	}
	return 0;
}

static const struct param_value *
value(const struct params *p, size_t i)
{
	return p != NULL && p->table != NULL && i < p->table->count ? &p->v[i] : NULL;
}

bool
param_has(const struct params *p, size_t i)
{
	return param_count(p, i) > 0;
}

size_t
param_count(const struct params *p, size_t i)
{
	const struct param_value *v = value(p, i);
	return v ? v->count : 0;
}

const char *
param_text_at(const struct params *p, size_t i, size_t k)
{
	const struct param_value *v = value(p, i);
	return v && k < v->count ? v->text[k] : NULL;
}

int64_t
param_int_at(const struct params *p, size_t i, size_t k)
{
	const struct param_value *v = value(p, i);
	return v && k < v->count ? v->num[k] : 0;
}

const char *
param_text(const struct params *p, size_t i)
{
	return param_text_at(p, i, 0);
}

const char *
param_str(const struct params *p, size_t i)
{
	const char *s = param_text(p, i);
	return s ? s : "";
}

int64_t
param_int(const struct params *p, size_t i, int64_t def)
{
	return param_has(p, i) ? param_int_at(p, i, 0) : def;
}

int64_t
param_int_for(const struct params *p, size_t i, int64_t id, int64_t def)
{
	const struct param_value *v = value(p, i);
	for (size_t k = 0; v != NULL && k < v->count; k++)
		if (v->key_id[k] == id)
			return v->num[k];
	return def;
}
