/* fuzz_cookies.c — http_parse_cookies with the limits of request.c and with
 * small ones, so that both the limit paths and the pair splitting are hit.
 *
 * What must hold: 400 exactly when the header is longer than the limit or
 * has more non-empty segments than allowed (counted here independently);
 * on success every cookie has a non-empty key without ';', '=' or outer
 * blanks, a value without ';', and value_len == strlen(value).
 *
 * The same bytes as the conditional-request headers: an HTTP date that
 * parses formats back to the same text; a quoted tag found in an
 * If-None-Match value matches it. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "fuzz.h"
#include "http.h"
#include "request.h"

static const struct {
	size_t max_len, max_cookies;
} limits[] = {
	{ REQUEST_MAX_COOKIE_HEADER, REQUEST_MAX_COOKIES },
	{ 64, 4 },
};

static bool
blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Segments between ';' that are not only blanks. */
static size_t
segments(const char *h)
{
	size_t n = 0;
	bool content = false;
	for (; ; h++) {
		if (*h == ';' || *h == '\0') {
			n += content;
			content = false;
			if (*h == '\0')
				return n;
		} else if (!blank(*h))
			content = true;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *h = malloc(size + 1);
	FUZZ_CHECK(h != NULL);
	memcpy(h, data, size);
	h[size] = '\0';
	size_t len = strlen(h);

	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		struct arena *a = arena_new();
		struct kvlist l;
		int st = http_parse_cookies(a, h, limits[i].max_len, limits[i].max_cookies, &l);
		bool over = len > limits[i].max_len ||
		    (len <= limits[i].max_len && segments(h) > limits[i].max_cookies);
		FUZZ_CHECK(st == (over ? 400 : 0));
		if (st == 0) {
			FUZZ_CHECK(l.count <= limits[i].max_cookies);
			for (size_t k = 0; k < l.count; k++) {
				const char *key = l.items[k].key, *v = l.items[k].value;
				size_t klen = strlen(key);
				FUZZ_CHECK(klen > 0);
				FUZZ_CHECK(!blank(key[0]) && !blank(key[klen - 1]));
				FUZZ_CHECK(strpbrk(key, ";=") == NULL);
				FUZZ_CHECK(strchr(v, ';') == NULL);
				FUZZ_CHECK(l.items[k].value_len == strlen(v));
				FUZZ_CHECK(strstr(h, key) != NULL);
				FUZZ_CHECK(kvlist_get(&l, key) != NULL);
			}
		} else
			FUZZ_CHECK(l.count == 0 && l.items == NULL);
		arena_free(a);
	}
	int64_t t;
	if (http_date_parse(h, &t)) {
		char back[HTTP_DATE_LEN];
		http_date_format(t, back);
		FUZZ_CHECK(strcmp(back, h) == 0);
	}
	if (http_etag_matches(h, "\"nazar\"") && strcmp(h, "*") != 0)
		FUZZ_CHECK(strchr(h, '*') != NULL || strstr(h, "\"nazar\"") != NULL);
	free(h);
	return 0;
}
