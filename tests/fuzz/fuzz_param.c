/* fuzz_param.c — param_read against every parameter table of the route
 * table, with the input as the query string and as the form (split at the
 * first newline).
 *
 * What must hold: only 0, 400 or a spec's over_status comes back, with the
 * refused parameter named; on success every value keeps its spec: integers
 * within bounds, names from the list, texts within their byte limit and
 * NUL-free, no more values than allowed, a required one present, a
 * unique one without repeats, and the accessors agree with the values. */
#include <stdbool.h>
#include <string.h>

#include "arena.h"
#include "fuzz.h"
#include "http.h"
#include "param.h"
#include "request.h"
#include "route.h"

static void
check_value(const struct param_spec *s, const struct params *p, size_t i)
{
	const struct param_value *v = &p->v[i];
	size_t cap = (s->flags & (PARAM_REPEAT | PARAM_PREFIX)) ? s->max_count : 1;
	FUZZ_CHECK(v->count <= (cap ? cap : 1));
	FUZZ_CHECK(!(s->flags & PARAM_REQUIRED) || v->count > 0);
	FUZZ_CHECK(param_count(p, i) == v->count);
	for (size_t k = 0; k < v->count; k++) {
		const char *t = v->text[k];
		FUZZ_CHECK(t != NULL && *t != '\0');
		FUZZ_CHECK(param_text_at(p, i, k) == t);
		switch (s->type) {
		case PARAM_INT:
			FUZZ_CHECK(v->num[k] >= s->min && v->num[k] <= s->max);
			break;
		case PARAM_TEXT:
			FUZZ_CHECK(s->max == 0 || strlen(t) <= (size_t)s->max);
			break;
		case PARAM_ENUM:
			FUZZ_CHECK(v->num[k] >= 0 && strcmp(s->names[v->num[k]], t) == 0);
			break;
		}
		if (s->flags & PARAM_PREFIX)
			FUZZ_CHECK(v->key_id[k] >= 1);
		for (size_t j = 0; j < k; j++) {
			if (s->flags & PARAM_PREFIX)
				FUZZ_CHECK(v->key_id[j] != v->key_id[k]);
			if ((s->flags & PARAM_UNIQUE) && s->type == PARAM_TEXT)
				FUZZ_CHECK(strcmp(v->text[j], t) != 0);
			else if (s->flags & PARAM_UNIQUE)
				FUZZ_CHECK(v->num[j] != v->num[k]);
		}
	}
}

static void
check_table(struct arena *a, const struct param_table *t, const struct kvlist *q,
    const struct kvlist *f)
{
	struct params p;
	const struct param_spec *bad;
	int st = param_read(a, t, q, f, &p, &bad);
	if (st != 0) {
		FUZZ_CHECK(bad != NULL && bad >= t->specs && bad < t->specs + t->count);
		FUZZ_CHECK(st == 400 || st == bad->over_status);
		return;
	}
	for (size_t i = 0; i < t->count; i++)
		check_value(&t->specs[i], &p, i);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct parse_limits lim = {
		.max_fields = REQUEST_MAX_ADMIN_FIELDS, .max_key = REQUEST_MAX_KEY,
		.max_value = 65536, .too_long_status = 413,
	};
	const char *s = (const char *)data;
	const char *nl = memchr(s, '\n', size);
	size_t qlen = nl ? (size_t)(nl - s) : size;
	struct arena *a = arena_new();
	struct kvlist q = { 0 }, f = { 0 };
	if (http_parse_urlencoded(a, s, qlen, &lim, &q) != 0)
		memset(&q, 0, sizeof(q));
	if (nl != NULL && http_parse_urlencoded(a, nl + 1, size - qlen - 1, &lim, &f) != 0)
		memset(&f, 0, sizeof(f));
	size_t n;
	const struct route *routes = route_table(&n);
	for (size_t i = 0; i < n; i++)
		if (routes[i].params != NULL)
			check_table(a, routes[i].params, &q, &f);
	arena_free(a);
	return 0;
}
