/* fuzz_reader_cookie.c — the reader's signed cookie, with a fixed key.
 *
 * 1. The input as a cookie value: nobody without the key can make one, so
 *    whatever the fuzzer writes is refused with the output left empty —
 *    unless it is one of the seeds, which are real cookies (then the ids
 *    must be valid ones).
 * 2. The input as ids and a time: the cookie made from them parses back
 *    to the same ids; the same cookie is refused once expired, under
 *    another key, and after any one of its characters is changed. */
#include <stdbool.h>
#include <string.h>

#include <sodium.h>

#include "arena.h"
#include "fuzz.h"
#include "reader.h"

#define NOW 1700000000

static unsigned char key[32], other_key[32];
static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static bool
empty(const struct reader_ids *ids)
{
	static const struct reader_ids zero;
	return memcmp(ids, &zero, sizeof(zero)) == 0;
}

static void
value_from_input(const uint8_t *data, size_t size)
{
	char *value = malloc(size + 1);
	struct reader_ids out;
	FUZZ_CHECK(value != NULL);
	memcpy(value, data, size);
	value[size] = '\0';
	memset(&out, 0x5a, sizeof(out));
	if (reader_cookie_parse(key, value, NOW, &out) == 0) {
		FUZZ_CHECK(out.count <= READER_MAX_IDS);
		for (size_t i = 0; i < out.count; i++)
			FUZZ_CHECK(out.ids[i] > 0);
	} else
		FUZZ_CHECK(empty(&out));
	memset(&out, 0x5a, sizeof(out));
	FUZZ_CHECK(reader_cookie_parse(other_key, value, NOW, &out) == -1);
	FUZZ_CHECK(empty(&out));
	free(value);
}

static uint64_t
get_u64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void
ids_from_input(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct reader_ids ids = { .count = 0 }, out;

	/* The first 8 bytes are the time (within 40 bits: any real clock);
	 * every further 8 bytes an id, added as the post handler adds them. */
	time_t now = size >= 8 ? (time_t)(get_u64(data) & 0xffffffffffULL) : NOW;
	for (size_t p = 8; p + 8 <= size; p += 8)
		reader_ids_add(&ids, (int64_t)get_u64(data + p));
	FUZZ_CHECK(ids.count <= READER_MAX_IDS);

	char *cookie = reader_cookie_make(a, key, &ids, now);
	size_t len = strlen(cookie);
	FUZZ_CHECK(len > 0 && strspn(cookie, b64) == len);
	FUZZ_CHECK(reader_cookie_parse(key, cookie, now, &out) == 0);
	FUZZ_CHECK(out.count == ids.count);
	for (size_t i = 0; i < ids.count; i++)
		FUZZ_CHECK(out.ids[i] == ids.ids[i]);

	FUZZ_CHECK(reader_cookie_parse(key, cookie, now + READER_LIFETIME, &out) == -1);
	FUZZ_CHECK(empty(&out));
	FUZZ_CHECK(reader_cookie_parse(other_key, cookie, now, &out) == -1);

	/* One character changed, where and to what the input says. */
	size_t at = size > 0 ? data[size - 1] % len : 0;
	size_t was = (size_t)(strchr(b64, cookie[at]) - b64);
	cookie[at] = b64[(was + 1 + (size > 1 ? data[size - 2] % 63 : 0)) % 64];
	FUZZ_CHECK(reader_cookie_parse(key, cookie, now, &out) == -1);
	FUZZ_CHECK(empty(&out));
	/* And cut short by one character. */
	cookie[len - 1] = '\0';
	FUZZ_CHECK(reader_cookie_parse(key, cookie, now, &out) == -1);
	arena_free(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	value_from_input(data, size);
	ids_from_input(data, size);
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	/* The key of tests/unit/test_reader.c, so seeds can be made there. */
	for (int i = 0; i < 32; i++) {
		key[i] = (unsigned char)(i * 7 + 1);
		other_key[i] = (unsigned char)(i * 7 + 2);
	}
	return 0;
}
