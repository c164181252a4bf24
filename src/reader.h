/* reader.h — the signed cookie that lets a reader see their own held comments.
 *
 * No account: the cookie lists the ids of comments this browser posted,
 * with an expiry, authenticated with crypto_auth (HMAC-SHA-512-256) under the
 * server secret. A forged or expired cookie is ignored, never an error. */
#ifndef NAZAR_READER_H
#define NAZAR_READER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct arena;

#define READER_COOKIE_NAME "nazar_own"
#define READER_MAX_IDS 20
#define READER_LIFETIME (30 * 24 * 3600)

struct reader_ids {
	int64_t ids[READER_MAX_IDS];
	size_t count;
};

/* Parses and verifies a cookie value; on any problem returns -1 and leaves
 * *out empty. */
int reader_cookie_parse(const unsigned char key[32], const char *value, time_t now,
    struct reader_ids *out);
/* Adds id (dropping the oldest beyond READER_MAX_IDS). */
void reader_ids_add(struct reader_ids *ids, int64_t id);
/* A signed cookie value (base64url, header-safe), valid until now + lifetime. */
char *reader_cookie_make(struct arena *a, const unsigned char key[32],
    const struct reader_ids *ids, time_t now);

#endif
