/* reader.h — the signed cookie that lets a reader see their own held
 * comments and keeps their votes.
 *
 * No account: the cookie carries a random reader id (the voter of
 * store_votes.h) and lists the ids of comments this browser posted, with
 * an expiry, authenticated with crypto_auth (HMAC-SHA-512-256) under the
 * server secret. A forged or expired cookie is ignored, never an error.
 * Cookies of the first layout (no reader id) are still read; the next
 * cookie nazar sets for them has an id. */
#ifndef NAZAR_READER_H
#define NAZAR_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct arena;

#define READER_COOKIE_NAME "nazar_own"
#define READER_MAX_IDS 20
#define READER_LIFETIME (30 * 24 * 3600)
/* Bytes of a reader id. */
#define READER_ID_BYTES 16

struct reader_ids {
	int64_t ids[READER_MAX_IDS];
	size_t count;
	bool has_reader;		/* reader holds an id (not a cookie of layout 1) */
	unsigned char reader[READER_ID_BYTES];
};

/* Parses and verifies a cookie value; on any problem returns -1 and leaves
 * *out empty. */
int reader_cookie_parse(const unsigned char key[32], const char *value, time_t now,
    struct reader_ids *out);
/* Gives ids a new random reader id unless it has one; returns true when
 * it made one (the cookie must be set again). */
bool reader_ensure_id(struct reader_ids *ids);
/* Whether ids names comment id: this browser posted it. */
bool reader_owns(const struct reader_ids *ids, int64_t id);
/* Whether a comment posted at created may still be changed by its author
 * at now, with [thread] edit_minutes = minutes (0: never). */
bool reader_may_change(int64_t created, int minutes, time_t now);
/* Adds id (dropping the oldest beyond READER_MAX_IDS). */
void reader_ids_add(struct reader_ids *ids, int64_t id);
/* A signed cookie value (base64url, header-safe), valid until now +
 * lifetime, with the reader id of ids (a new random one, not kept, when
 * ids has none: call reader_ensure_id first to know it). */
char *reader_cookie_make(struct arena *a, const unsigned char key[32],
    const struct reader_ids *ids, time_t now);

#endif
