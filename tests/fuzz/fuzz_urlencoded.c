/* fuzz_urlencoded.c — http_parse_urlencoded under the limits nazar uses for
 * query strings, public form bodies and admin form bodies.
 *
 * What must hold: only 0, 400 or the limit's own status comes back; on
 * success the limits are kept, every key is non-empty, every value is
 * NUL-free with value_len == strlen(value); and encoding the pairs again
 * with http_url_encode parses back to exactly the same pairs. */
#include <stdbool.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "fuzz.h"
#include "http.h"
#include "request.h"

/* The limits of request.c: query string, public body, admin body. */
static const struct parse_limits limits[] = {
	{ .max_fields = REQUEST_MAX_FIELDS, .max_key = 64,
	  .max_value = REQUEST_MAX_QUERY, .too_long_status = 400 },
	{ .max_fields = REQUEST_MAX_FIELDS, .max_key = 64,
	  .max_value = 65536, .too_long_status = 413 },
	{ .max_fields = REQUEST_MAX_ADMIN_FIELDS, .max_key = 64,
	  .max_value = 65536, .too_long_status = 413 },
};

static void
check_list(const struct kvlist *l, const struct parse_limits *lim)
{
	FUZZ_CHECK(l->count <= lim->max_fields);
	FUZZ_CHECK((l->count == 0) == (l->items == NULL));
	for (size_t i = 0; i < l->count; i++) {
		const struct kv *kv = &l->items[i];
		size_t klen = strlen(kv->key);
		FUZZ_CHECK(klen > 0 && klen <= lim->max_key);
		FUZZ_CHECK(kv->value_len == strlen(kv->value));
		FUZZ_CHECK(kv->value_len <= lim->max_value);
	}
}

/* Encodes l again and parses the result: the same pairs must come back. */
static void
check_round_trip(struct arena *a, const struct kvlist *l, const struct parse_limits *lim)
{
	struct buf enc = { 0 };
	struct kvlist back;

	for (size_t i = 0; i < l->count; i++) {
		if (i > 0)
			buf_putc(&enc, '&');
		http_url_encode(&enc, l->items[i].key);
		buf_putc(&enc, '=');
		http_url_encode(&enc, l->items[i].value);
	}
	FUZZ_CHECK(http_parse_urlencoded(a, buf_str(&enc), enc.len, lim, &back) == 0);
	FUZZ_CHECK(back.count == l->count);
	for (size_t i = 0; i < l->count; i++) {
		FUZZ_CHECK(strcmp(back.items[i].key, l->items[i].key) == 0);
		FUZZ_CHECK(back.items[i].value_len == l->items[i].value_len);
		FUZZ_CHECK(memcmp(back.items[i].value, l->items[i].value,
		    l->items[i].value_len) == 0);
	}
	if (l->count > 0) {
		/* kvlist_get finds the first pair of a key. */
		const char *v = kvlist_get(l, l->items[0].key);
		FUZZ_CHECK(v == l->items[0].value);
		FUZZ_CHECK(kvlist_count(l, l->items[0].key) >= 1);
	}
	buf_free(&enc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		struct arena *a = arena_new();
		struct kvlist l;
		/* A copy of exactly size bytes: no terminating NUL to lean on,
		 * so ASan sees any read past the end. */
		char *s = malloc(size > 0 ? size : 1);
		FUZZ_CHECK(s != NULL);
		if (size > 0)
			memcpy(s, data, size);
		int st = http_parse_urlencoded(a, s, size, &limits[i], &l);
		FUZZ_CHECK(st == 0 || st == 400 || st == limits[i].too_long_status);
		if (st == 0) {
			check_list(&l, &limits[i]);
			check_round_trip(a, &l, &limits[i]);
		}
		free(s);
		arena_free(a);
	}
	return 0;
}
