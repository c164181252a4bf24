/* store_comments.h — inside the store: the comment rows as the store files
 * share them (store_comments.c, store_antispam.c, store_moderation.c).
 *
 * Not for handlers: they use store.h. */
#ifndef NAZAR_STORE_COMMENTS_H
#define NAZAR_STORE_COMMENTS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <sqlite3.h>

#include "store.h"

struct arena;
struct buf;

/* The columns store_row_comment reads, for "SELECT " COMMENT_COLUMNS
 * " FROM comments c …". */
#define COMMENT_COLUMNS \
	"c.id, c.article, c.parent, c.name, c.email, c.body, c.status, c.created, " \
	"c.remote_addr, c.user_agent, c.version, c.updated, c.site_reply, c.reason, " \
	"c.agree, c.disagree, c.pinned, c.edited, c.id IN (SELECT comment_id FROM revisions)"
/* How many: a query's further columns start at this index. */
#define COMMENT_NCOLUMNS 19

/* A row of COMMENT_COLUMNS (from column 0); -1 for an unknown status. A
 * store_row_fn (store_db.h) for struct comment. */
int store_row_comment(struct arena *a, sqlite3_stmt *s, void *c);
/* Steps s, reading COMMENT_COLUMNS rows into an arena array. */
enum store_result store_collect(struct store *st, struct arena *a, sqlite3_stmt *s,
    struct comment **out, size_t *count);
/* STORE_OK when c may be stored: STORE_ERROR (logged) when it lacks what
 * every comment needs (article, name, body, a known status),
 * STORE_CONFLICT for a negative parent. */
enum store_result store_comment_check(const struct comment *c, const char *what);
/* Ends the write transaction the caller began by storing c: the parent,
 * when set, must exist, be approved and belong to the same article (else
 * STORE_CONFLICT); then the row is inserted, with addr_group and
 * body_hash (the anti-spam counts, store_antispam.h; NULL for comments
 * that do not count), with post_key (key_len bytes; NULL: none) in
 * post_keys, and committed. Only a committed comment is
 * reported back as stored: c->id and c->created are set then. On
 * failure the transaction is rolled back. */
enum store_result store_insert_commit(struct store *st, struct comment *c,
    const char *addr_group, const unsigned char *body_hash, size_t hash_len,
    const unsigned char *post_key, size_t key_len, time_t now);
/* What store_insert_commit does before its commit, inside the caller's
 * write transaction, which it leaves open whatever happens: the parent
 * checked, the row and its post key inserted, *id the new row's (0 on
 * failure; the caller rolls back what was written, e.g. to a savepoint). */
enum store_result store_insert_row(struct store *st, const struct comment *c,
    const char *addr_group, const unsigned char *body_hash, size_t hash_len,
    const unsigned char *post_key, size_t key_len, time_t now, int64_t *id);
/* "[1,2,3]": ids for json_each, the positive ones only. */
void store_ids_json(struct buf *b, const int64_t *ids, size_t n);

#endif
