/* reader.c — the reader's signed cookie: a random reader id and a short
 * list of their own comment ids with an expiry, authenticated with
 * crypto_auth; see reader.h. */
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "codec.h"
#include "arena.h"
#include "reader.h"

/* Layout 2: [2][expiry u64 BE][reader id][count][count × id u64 BE][tag].
 * Layout 1 (still read): [1][expiry u64 BE][count][ids][tag]. */
#define COOKIE_VERSION 2
#define COOKIE_VERSION_1 1
#define HEAD_BYTES (1 + 8 + READER_ID_BYTES + 1)
#define HEAD_BYTES_1 (1 + 8 + 1)
#define ID_BYTES 8
#define TAG_BYTES crypto_auth_BYTES
#define MAX_RAW (HEAD_BYTES + READER_MAX_IDS * ID_BYTES + TAG_BYTES)
/* The longest well-formed value; anything longer is rejected unread. */
#define MAX_ENCODED B64URL_CHARS(MAX_RAW)

_Static_assert(crypto_auth_KEYBYTES == 32, "reader.h promises a 32-byte key");
_Static_assert(crypto_auth_BYTES == 32, "the tag is 32 bytes");

int
reader_cookie_parse(const unsigned char key[32], const char *value, time_t now,
    struct reader_ids *out)
{
	unsigned char raw[MAX_RAW];
	size_t rawlen, len;

	memset(out, 0, sizeof(*out));
	if (value == NULL)
		return -1;
	len = strnlen(value, MAX_ENCODED + 1);
	if (len == 0 || len > MAX_ENCODED)
		return -1;
	if (b64url_decode(value, len, raw, sizeof(raw), &rawlen) != 0)
		return -1;
	/* The structure must be exact before the tag is worth checking. */
	if (rawlen < 1 || (raw[0] != COOKIE_VERSION && raw[0] != COOKIE_VERSION_1))
		return -1;
	bool v1 = raw[0] == COOKIE_VERSION_1;
	size_t head = v1 ? HEAD_BYTES_1 : HEAD_BYTES;
	if (rawlen < head + TAG_BYTES)
		return -1;
	size_t count = raw[head - 1];
	if (count > READER_MAX_IDS || rawlen != head + count * ID_BYTES + TAG_BYTES)
		return -1;
	size_t signed_len = rawlen - TAG_BYTES;
	if (crypto_auth_verify(raw + signed_len, raw, signed_len, key) != 0)
		return -1;
	uint64_t expiry = be64_get(raw + 1);
	if (now < 0 || expiry <= (uint64_t)now)
		return -1;
	struct reader_ids ids = { .count = 0, .has_reader = !v1 };
	if (!v1)
		memcpy(ids.reader, raw + 9, READER_ID_BYTES);
	for (size_t i = 0; i < count; i++) {
		uint64_t id = be64_get(raw + head + i * ID_BYTES);
		if (id == 0 || id > INT64_MAX)
			return -1;
		ids.ids[ids.count++] = (int64_t)id;
	}
	*out = ids;
	return 0;
}

bool
reader_ensure_id(struct reader_ids *ids)
{
	if (ids->has_reader)
		return false;
	randombytes_buf(ids->reader, sizeof(ids->reader));
	ids->has_reader = true;
	return true;
}

bool
reader_owns(const struct reader_ids *ids, int64_t id)
{
	if (ids == NULL || id <= 0)
		return false;
	size_t n = ids->count > READER_MAX_IDS ? READER_MAX_IDS : ids->count;
	for (size_t i = 0; i < n; i++)
		if (ids->ids[i] == id)
			return true;
	return false;
}

bool
reader_may_change(int64_t created, int minutes, time_t now)
{
	if (minutes <= 0 || created <= 0)
		return false;
	return (int64_t)now >= created && (int64_t)now - created < (int64_t)minutes * 60;
}

void
reader_ids_add(struct reader_ids *ids, int64_t id)
{
	/* Ids that no cookie may carry, or that it carries already. */
	if (id <= 0)
		return;
	if (ids->count > READER_MAX_IDS)
		ids->count = READER_MAX_IDS;
	for (size_t i = 0; i < ids->count; i++)
		if (ids->ids[i] == id)
			return;
	if (ids->count == READER_MAX_IDS) {
		memmove(ids->ids, ids->ids + 1, (READER_MAX_IDS - 1) * sizeof(ids->ids[0]));
		ids->count--;
	}
	ids->ids[ids->count++] = id;
}

char *
reader_cookie_make(struct arena *a, const unsigned char key[32], const struct reader_ids *ids,
    time_t now)
{
	unsigned char raw[MAX_RAW];
	size_t n = HEAD_BYTES, count = 0;

	raw[0] = COOKIE_VERSION;
	be64_put(raw + 1, (uint64_t)(now > 0 ? now : 0) + READER_LIFETIME);
	if (ids != NULL && ids->has_reader)
		memcpy(raw + 9, ids->reader, READER_ID_BYTES);
	else
		randombytes_buf(raw + 9, READER_ID_BYTES);
	/* Skip invalid ids: a cookie carrying one would be refused whole. */
	size_t have = ids == NULL ? 0 : ids->count > READER_MAX_IDS ? READER_MAX_IDS : ids->count;
	for (size_t i = 0; i < have; i++) {
		if (ids->ids[i] <= 0)
			continue;
		be64_put(raw + n, (uint64_t)ids->ids[i]);
		n += ID_BYTES;
		count++;
	}
	raw[HEAD_BYTES - 1] = (unsigned char)count;
	crypto_auth(raw + n, raw, n, key);
	n += TAG_BYTES;

	char *out = arena_alloc(a, B64URL_CHARS(n) + 1);
	b64url_encode(out, raw, n);
	return out;
}
