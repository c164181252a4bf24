/* test_reader.c — the reader cookie: round trips, and every way a cookie
 * can be forged, damaged, cut or expired. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "arena.h"
#include "reader.h"

#define NOW 1700000000
#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING

static unsigned char key[32];
static unsigned char other_key[32];

static int
group_setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	for (int i = 0; i < 32; i++) {
		key[i] = (unsigned char)(i * 7 + 1);
		other_key[i] = (unsigned char)(i * 7 + 2);
	}
	return 0;
}

/* A parse that must fail, and must leave the output empty. */
static void
refused(const unsigned char *k, const char *value, time_t now)
{
	struct reader_ids out;
	memset(&out, 0x5a, sizeof(out));
	assert_int_equal(reader_cookie_parse(k, value, now, &out), -1);
	assert_int_equal(out.count, 0);
	assert_false(out.has_reader);
	for (int i = 0; i < READER_MAX_IDS; i++)
		assert_int_equal(out.ids[i], 0);
	for (int i = 0; i < READER_ID_BYTES; i++)
		assert_int_equal(out.reader[i], 0);
}

static char *
make(struct arena *a, const int64_t *ids, size_t n)
{
	struct reader_ids r = { .count = 0 };
	for (size_t i = 0; i < n; i++)
		r.ids[r.count++] = ids[i];
	return reader_cookie_make(a, key, &r, NOW);
}

/* The reader id forge writes into a cookie of layout 2. */
static const unsigned char forged_reader[READER_ID_BYTES] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
};

/* Builds a cookie by hand: any version, count and ids, signed with k;
 * from version 2 on with forged_reader after the expiry. */
static char *
forge(struct arena *a, const unsigned char *k, unsigned version, uint64_t expiry,
    unsigned count, const uint64_t *ids, size_t nids)
{
	unsigned char raw[512];
	size_t n = 0;
	raw[n++] = (unsigned char)version;
	for (int i = 7; i >= 0; i--)
		raw[n++] = (unsigned char)(expiry >> (8 * i));
	if (version >= 2)
		for (int i = 0; i < READER_ID_BYTES; i++)
			raw[n++] = forged_reader[i];
	raw[n++] = (unsigned char)count;
	for (size_t j = 0; j < nids; j++)
		for (int i = 7; i >= 0; i--)
			raw[n++] = (unsigned char)(ids[j] >> (8 * i));
	crypto_auth(raw + n, raw, n, k);
	n += crypto_auth_BYTES;
	size_t len = sodium_base64_ENCODED_LEN(n, B64);
	char *out = arena_alloc(a, len);
	sodium_bin2base64(out, len, raw, n, B64);
	return out;
}

static void
round_trip(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	int64_t ids[] = { 1, 42, INT64_MAX, 7 };
	char *v = make(a, ids, 4);
	/* 1 + 8 + 16 + 1 + 4 * 8 + 32 = 90 bytes → 120 base64url characters */
	assert_int_equal(strlen(v), 120);
	assert_int_equal(strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_"), 120);

	struct reader_ids out;
	assert_int_equal(reader_cookie_parse(key, v, NOW, &out), 0);
	assert_int_equal(out.count, 4);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(out.ids[i], ids[i]);
	assert_int_equal(reader_cookie_parse(key, v, NOW + READER_LIFETIME - 1, &out), 0);
	assert_int_equal(out.count, 4);

	/* No ids at all is still a valid cookie. */
	v = make(a, NULL, 0);
	assert_int_equal(reader_cookie_parse(key, v, NOW, &out), 0);
	assert_int_equal(out.count, 0);

	/* A full cookie. */
	int64_t many[READER_MAX_IDS];
	for (int i = 0; i < READER_MAX_IDS; i++)
		many[i] = 1000 + i;
	v = make(a, many, READER_MAX_IDS);
	assert_int_equal(reader_cookie_parse(key, v, NOW, &out), 0);
	assert_int_equal(out.count, READER_MAX_IDS);
	assert_memory_equal(out.ids, many, sizeof(many));

	/* Invalid ids are left out when making, not signed into the cookie. */
	int64_t odd[] = { 0, 5, -3, 6 };
	v = make(a, odd, 4);
	assert_int_equal(reader_cookie_parse(key, v, NOW, &out), 0);
	assert_int_equal(out.count, 2);
	assert_int_equal(out.ids[0], 5);
	assert_int_equal(out.ids[1], 6);

	/* The hand-made cookie below is the same format as the real one. */
	uint64_t one[] = { 9 };
	v = forge(a, key, 2, NOW + 10, 1, one, 1);
	assert_int_equal(reader_cookie_parse(key, v, NOW, &out), 0);
	assert_int_equal(out.count, 1);
	assert_int_equal(out.ids[0], 9);
	assert_true(out.has_reader);
	assert_memory_equal(out.reader, forged_reader, READER_ID_BYTES);
	/* A cookie of the first layout (before reader ids) is still read,
	 * without a reader id. */
	v = forge(a, key, 1, NOW + 10, 1, one, 1);
	assert_int_equal(reader_cookie_parse(key, v, NOW, &out), 0);
	assert_int_equal(out.count, 1);
	assert_int_equal(out.ids[0], 9);
	assert_false(out.has_reader);
	arena_free(a);
}

/* The reader id: made once, random, kept by every cookie made from it. */
static void
reader_id(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct reader_ids r = { .count = 0 }, out, other = { .count = 0 };
	assert_true(reader_ensure_id(&r));
	assert_true(r.has_reader);
	unsigned char first[READER_ID_BYTES];
	memcpy(first, r.reader, sizeof(first));
	assert_false(reader_ensure_id(&r));
	assert_memory_equal(r.reader, first, sizeof(first));
	assert_true(reader_ensure_id(&other));
	assert_memory_not_equal(other.reader, first, sizeof(first));
	reader_ids_add(&r, 12);
	char *v = reader_cookie_make(a, key, &r, NOW);
	assert_int_equal(reader_cookie_parse(key, v, NOW, &out), 0);
	assert_true(out.has_reader);
	assert_memory_equal(out.reader, first, sizeof(first));
	assert_int_equal(out.count, 1);
	/* Made again from what was read: the same reader. */
	v = reader_cookie_make(a, key, &out, NOW + 100);
	assert_int_equal(reader_cookie_parse(key, v, NOW + 100, &out), 0);
	assert_memory_equal(out.reader, first, sizeof(first));
	/* The fuzzer's seed of layout 2 (corpus/fuzz_reader_cookie/reader-id). */
	assert_int_equal(reader_cookie_parse(key, "AgAAAABle34AAAECAwQFBgcICQoLDA0ODwIAAAAAAAAABwAAAA"
	    "AAAAAq2gJ5dykDEW0pfSoQbXJLMOYviNAvSqTyDxEYO2vQVLg", NOW, &out), 0);
	assert_int_equal(out.count, 2);
	assert_int_equal(out.ids[1], 42);
	assert_int_equal(out.reader[15], 15);
	/* Made without one: a cookie with some reader id all the same. */
	v = reader_cookie_make(a, key, NULL, NOW);
	assert_int_equal(reader_cookie_parse(key, v, NOW, &out), 0);
	assert_true(out.has_reader);
	arena_free(a);
}

static void
tampered(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	int64_t ids[] = { 3, 4, 5 };
	char *v = make(a, ids, 3);
	size_t len = strlen(v);
	char *t = arena_strdup(a, v);

	/* Any character replaced by any other base64url character. */
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	for (size_t i = 0; i < len; i++) {
		for (const char *c = alphabet; *c; c++) {
			if (*c == v[i])
				continue;
			t[i] = *c;
			refused(key, t, NOW);
		}
		t[i] = v[i];
	}
	/* Any bit of the decoded bytes flipped, re-encoded cleanly. */
	unsigned char raw[256];
	size_t rawlen;
	assert_int_equal(sodium_base642bin(raw, sizeof(raw), v, len, NULL, &rawlen, NULL, B64),
	    0);
	for (size_t i = 0; i < rawlen; i++)
		for (int bit = 0; bit < 8; bit++) {
			raw[i] ^= (unsigned char)(1u << bit);
			char enc[400];
			sodium_bin2base64(enc, sizeof(enc), raw, rawlen, B64);
			refused(key, enc, NOW);
			raw[i] ^= (unsigned char)(1u << bit);
		}
	arena_free(a);
}

static void
wrong_key(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	int64_t ids[] = { 3 };
	refused(other_key, make(a, ids, 1), NOW);
	uint64_t one[] = { 3 };
	refused(key, forge(a, other_key, 1, NOW + 100, 1, one, 1), NOW);
	arena_free(a);
}

static void
expired(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	int64_t ids[] = { 3 };
	char *v = make(a, ids, 1);
	refused(key, v, NOW + READER_LIFETIME);
	refused(key, v, NOW + READER_LIFETIME + 1);
	refused(key, v, (time_t)INT64_MAX);
	refused(key, v, -1);
	uint64_t one[] = { 3 };
	refused(key, forge(a, key, 1, 0, 1, one, 1), NOW);
	refused(key, forge(a, key, 1, NOW, 1, one, 1), NOW);
	arena_free(a);
}

/* Correctly signed, yet malformed: the signature alone is not enough. */
static void
signed_but_malformed(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	uint64_t ids[READER_MAX_IDS + 1];
	for (int i = 0; i <= READER_MAX_IDS; i++)
		ids[i] = (uint64_t)i + 1;
	uint64_t exp = NOW + 100;
	refused(key, forge(a, key, 0, exp, 1, ids, 1), NOW);
	refused(key, forge(a, key, 3, exp, 1, ids, 1), NOW);
	refused(key, forge(a, key, 255, exp, 1, ids, 1), NOW);
	/* layout 2 without its reader id, layout 1 with one */
	unsigned char raw[128];
	size_t n = 0;
	raw[n++] = 2;
	for (int i = 7; i >= 0; i--)
		raw[n++] = (unsigned char)(exp >> (8 * i));
	raw[n++] = 0;
	crypto_auth(raw + n, raw, n, key);
	n += crypto_auth_BYTES;
	char enc[200];
	sodium_bin2base64(enc, sizeof(enc), raw, n, B64);
	refused(key, enc, NOW);
	/* too many ids, layout 2 */
	refused(key, forge(a, key, 2, exp, READER_MAX_IDS + 1, ids, READER_MAX_IDS + 1), NOW);
	refused(key, forge(a, key, 2, exp, 2, ids, 1), NOW);
	refused(key, forge(a, key, 2, exp, 0, ids, 1), NOW);
	/* too many ids */
	refused(key, forge(a, key, 1, exp, READER_MAX_IDS + 1, ids, READER_MAX_IDS + 1), NOW);
	/* count and length disagree */
	refused(key, forge(a, key, 1, exp, 2, ids, 1), NOW);
	refused(key, forge(a, key, 1, exp, 1, ids, 2), NOW);
	refused(key, forge(a, key, 1, exp, 0, ids, 1), NOW);
	/* ids that are not positive int64 */
	uint64_t zero[] = { 5, 0 };
	refused(key, forge(a, key, 1, exp, 2, zero, 2), NOW);
	uint64_t neg[] = { (uint64_t)INT64_MAX + 1 };
	refused(key, forge(a, key, 1, exp, 1, neg, 1), NOW);
	uint64_t max[] = { UINT64_MAX };
	refused(key, forge(a, key, 1, exp, 1, max, 1), NOW);
	arena_free(a);
}

static void
truncated(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	int64_t ids[] = { 11, 12 };
	char *v = make(a, ids, 2);
	size_t len = strlen(v);
	for (size_t i = 0; i < len; i++)
		refused(key, arena_strndup(a, v, i), NOW);
	/* and the tail alone */
	refused(key, v + 1, NOW);
	refused(key, v + 4, NOW);
	arena_free(a);
}

static void
garbage(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	refused(key, NULL, NOW);
	refused(key, "", NOW);
	refused(key, "x", NOW);
	refused(key, "!!!!", NOW);
	refused(key, "a b", NOW);
	refused(key, "سلام", NOW);
	refused(key, "null", NOW);
	refused(key, "deleted", NOW);

	/* The right bytes in the wrong alphabet or with padding. */
	int64_t ids[] = { 62, 63 };
	char *v = make(a, ids, 2);
	size_t len = strlen(v);
	char *t = arena_strdup(a, v);
	for (size_t i = 0; i < len; i++)
		t[i] = t[i] == '-' ? '+' : t[i] == '_' ? '/' : t[i];
	if (strcmp(t, v) != 0)
		refused(key, t, NOW);
	refused(key, arena_printf(a, "%s=", v), NOW);
	refused(key, arena_printf(a, "%s==", v), NOW);
	refused(key, arena_printf(a, " %s", v), NOW);
	refused(key, arena_printf(a, "%s ", v), NOW);
	refused(key, arena_printf(a, "%s;", v), NOW);
	refused(key, arena_printf(a, "\"%s\"", v), NOW);
	/* A NUL inside the value ends it: the rest is cut off. */
	t = arena_strdup(a, v);
	t[len / 2] = '\0';
	refused(key, t, NOW);
	arena_free(a);
}

static void
over_long(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	int64_t ids[READER_MAX_IDS];
	for (int i = 0; i < READER_MAX_IDS; i++)
		ids[i] = i + 1;
	char *v = make(a, ids, READER_MAX_IDS);
	struct reader_ids out;
	assert_int_equal(reader_cookie_parse(key, v, NOW, &out), 0);
	/* one character more than the longest valid cookie */
	refused(key, arena_printf(a, "%sA", v), NOW);
	refused(key, arena_printf(a, "%sAAAA", v), NOW);
	size_t big = 1 << 20;
	char *huge = arena_alloc(a, big + 1);
	memset(huge, 'A', big);
	refused(key, huge, NOW);
	arena_free(a);
}

static void
ids_rollover(void **state)
{
	(void)state;
	struct reader_ids r = { .count = 0 };
	for (int64_t id = 1; id <= 25; id++)
		reader_ids_add(&r, id);
	assert_int_equal(r.count, READER_MAX_IDS);
	for (int i = 0; i < READER_MAX_IDS; i++)
		assert_int_equal(r.ids[i], 6 + i);

	/* an id already there is not added twice, nor does it push one out */
	reader_ids_add(&r, 10);
	assert_int_equal(r.count, READER_MAX_IDS);
	assert_int_equal(r.ids[0], 6);
	/* ids no cookie may carry are ignored */
	reader_ids_add(&r, 0);
	reader_ids_add(&r, -1);
	assert_int_equal(r.ids[0], 6);
	assert_int_equal(r.ids[READER_MAX_IDS - 1], 25);
	reader_ids_add(&r, 26);
	assert_int_equal(r.ids[0], 7);
	assert_int_equal(r.ids[READER_MAX_IDS - 1], 26);

	/* the rolled-over list survives a round trip in order */
	struct arena *a = arena_new();
	char *v = reader_cookie_make(a, key, &r, NOW);
	struct reader_ids out;
	assert_int_equal(reader_cookie_parse(key, v, NOW, &out), 0);
	assert_int_equal(out.count, READER_MAX_IDS);
	assert_memory_equal(out.ids, r.ids, sizeof(r.ids));
	arena_free(a);

	struct reader_ids small = { .count = 0 };
	reader_ids_add(&small, 5);
	reader_ids_add(&small, 3);
	assert_int_equal(small.count, 2);
	assert_int_equal(small.ids[0], 5);
	assert_int_equal(small.ids[1], 3);
}

/* A cookie has one text only: a byte outside the base64url alphabet
 * anywhere (libsodium alone would read bytes above 0x7f as digits) is
 * refused, even where it would decode to the same bits. */
static void
one_text_only(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	const int64_t ids[] = { 7, 8 };
	char *v = make(a, ids, 2);
	size_t n = strlen(v);
	for (size_t i = 0; i < n; i++)
		for (int b = 0x80; b <= 0xff; b += 0x1f) {
			char *t = arena_strdup(a, v);
			t[i] = (char)b;
			refused(key, t, NOW);
		}
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(reader_id),
		cmocka_unit_test(tampered),
		cmocka_unit_test(wrong_key),
		cmocka_unit_test(expired),
		cmocka_unit_test(signed_but_malformed),
		cmocka_unit_test(truncated),
		cmocka_unit_test(garbage),
		cmocka_unit_test(over_long),
		cmocka_unit_test(ids_rollover),
		cmocka_unit_test(one_text_only),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
