/* fuzz_jsonl.c — JSON records from hostile bytes (jsonl.h), both ways of
 * reading: lines and one document.
 *
 * What must hold, for any bytes and a record bound chosen by the first
 * byte:
 *  - every line handed over is a JSON object that jansson writes and
 *    reads back equal, from a line within the bound; no more records
 *    than lines; the position never passes the end;
 *  - a document read to its end without error is one jansson reads whole
 *    too, an object, and every member was handed over: an array's
 *    elements one by one, in order and equal, any other value once. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "jsonl.h"

static void
check_lines(const char *in, size_t size, size_t max)
{
	struct jsonl *r = jsonl_memory(in, size, max);
	char err[256];
	json_t *v;
	size_t records = 0, newlines = 0;
	for (size_t i = 0; i < size; i++)
		newlines += in[i] == '\n';
	int rc;
	while ((rc = jsonl_next(r, &v, err, sizeof(err))) == 1) {
		FUZZ_CHECK(json_is_object(v));
		char *text = json_dumps(v, JSON_COMPACT);
		FUZZ_CHECK(text != NULL);
		json_t *back = json_loads(text, 0, NULL);
		FUZZ_CHECK(back != NULL && json_equal(v, back));
		json_decref(back);
		free(text);
		json_decref(v);
		records++;
		FUZZ_CHECK(jsonl_done(r) <= size);
	}
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK(rc == 0 || err[0] != '\0');
	FUZZ_CHECK(records <= newlines + 1);
	jsonl_close(r);
}

struct walk {
	json_t *whole;
	int64_t next;
	size_t members;
};

static int
member(void *arg, const char *key, int64_t index, json_t *value)
{
	struct walk *w = arg;
	FUZZ_CHECK(value != NULL);
	if (w->whole == NULL)
		return 0;
	json_t *m = json_object_get(w->whole, key);
	FUZZ_CHECK(m != NULL);
	if (index < 0) {
		FUZZ_CHECK(json_equal(m, value));
		w->members++;
		return 0;
	}
	FUZZ_CHECK(json_is_array(m));
	if (index == 0)
		w->next = 0;
	FUZZ_CHECK(index == w->next);
	FUZZ_CHECK((size_t)index < json_array_size(m));
	FUZZ_CHECK(json_equal(json_array_get(m, (size_t)index), value));
	w->next++;
	if ((size_t)w->next == json_array_size(m))
		w->members++;
	return 0;
}

static void
check_document(const char *in, size_t size, size_t max)
{
	/* jansson's reading of the whole is the oracle. A document the
	 * reader takes must be JSON (top-level names may repeat: the reader
	 * hands each over); when its names are unique, every member must
	 * have come over equal. jansson knows no byte-order mark. */
	size_t bom = size >= 3 && memcmp(in, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	json_t *loose = json_loadb(in + bom, size - bom, 0, NULL);
	struct walk w = { 0 };
	w.whole = json_loadb(in + bom, size - bom, JSON_REJECT_DUPLICATES, NULL);
	struct jsonl *r = jsonl_memory(in, size, max);
	char err[256];
	int rc = jsonl_document(r, member, &w, err, sizeof(err));
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc == 0)
		FUZZ_CHECK(loose != NULL && json_is_object(loose));
	json_decref(loose);
	if (rc == 0 && w.whole != NULL) {
		/* Each member handed over whole: empty arrays count by themselves. */
		size_t want = 0;
		const char *k;
		json_t *m;
		json_object_foreach(w.whole, k, m)
			want += !json_is_array(m) || json_array_size(m) > 0;
		FUZZ_CHECK(w.members == want);
	} else
		FUZZ_CHECK(err[0] != '\0');
	jsonl_close(r);
	json_decref(w.whole);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	size_t max = (size_t)data[0] * 8 + 1;
	const char *in = (const char *)data + 1;
	check_lines(in, size - 1, max);
	check_document(in, size - 1, max);
	return 0;
}
