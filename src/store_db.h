/* store_db.h — inside the store: what the store_*.c files share.
 *
 * Not for handlers: they use store.h and store_*.h. This header exposes the
 * connection and the helpers that keep every store file to the same rules:
 * statements prepared once per connection and cached, errors logged and
 * mapped to enum store_result, writes in BEGIN IMMEDIATE transactions. */
#ifndef NAZAR_STORE_DB_H
#define NAZAR_STORE_DB_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <sqlite3.h>

#include "store.h"

struct arena;

/* Statements of the store_*.c modules, cached by the address of their SQL
 * text (always a string literal or a static const array element). */
#define STORE_CACHE_MAX 128

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmt[64];		/* store.c's own, by enum */
	struct {
		const char *sql;
		sqlite3_stmt *stmt;
	} cache[STORE_CACHE_MAX];
	int cached;
};

/* The columns store_row_comment reads, for "SELECT " COMMENT_COLUMNS
 * " FROM comments c …". */
#define COMMENT_COLUMNS \
	"c.id, c.article, c.parent, c.name, c.email, c.body, c.status, c.created, " \
	"c.remote_addr, c.user_agent, c.version, c.updated, c.site_reply, c.reason"

/* Logs what failed; STORE_BUSY for a lock, STORE_ERROR for anything else. */
enum store_result store_db_fail(sqlite3 *db, int rc, const char *what);

/* The prepared statement for sql (a static string: the cache key is its
 * address), reset and unbound; NULL with *rc set on failure. */
sqlite3_stmt *store_prepare(struct store *st, const char *sql, int *rc);
/* Resets and unbinds a statement after use; NULL is fine. */
void store_stmt_done(sqlite3_stmt *s);

/* Transactions: a write takes the lock first (BEGIN IMMEDIATE), a read is a
 * snapshot (BEGIN). Rollback does nothing outside a transaction; commit
 * rolls back when COMMIT itself fails. */
enum store_result store_begin_write(struct store *st);
enum store_result store_begin_read(struct store *st);
enum store_result store_commit(struct store *st);
void store_rollback(struct store *st);

/* Runs a statement to completion, ignoring rows (after binding). */
enum store_result store_step_done(struct store *st, sqlite3_stmt *s, const char *what);

/* NULL binds as '' so optional fields satisfy NOT NULL columns. */
int store_bind_text(sqlite3_stmt *s, int idx, const char *v);
/* A text column copied into the arena; "" for NULL. */
char *store_column_dup(struct arena *a, sqlite3_stmt *s, int col);
/* A row of COMMENT_COLUMNS (from column 0); -1 for an unknown status. */
int store_row_comment(struct arena *a, sqlite3_stmt *s, struct comment *c);
/* The rule for a reply, inside the caller's write transaction: the parent
 * exists, is approved and belongs to article (else STORE_CONFLICT). */
enum store_result store_parent_ok(struct store *st, int64_t parent, const char *article);
/* Inserts one comment row inside the caller's write transaction and sets
 * *id; addr_group and body_hash (the anti-spam counts, store_antispam.h)
 * may be NULL for comments that do not count. */
enum store_result store_insert_row(struct store *st, const struct comment *c,
    const char *addr_group, const unsigned char *body_hash, size_t hash_len, time_t now,
    int64_t *id);

/* Steps s, reading COMMENT_COLUMNS rows into an arena array. */
enum store_result store_collect(struct store *st, struct arena *a, sqlite3_stmt *s,
    const char *what, struct comment **out, size_t *count);

#endif
