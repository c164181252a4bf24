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
	"c.remote_addr, c.user_agent, c.version, c.updated, c.site_reply, c.reason"

/* A row of COMMENT_COLUMNS (from column 0); -1 for an unknown status. A
 * store_row_fn (store_db.h) for struct comment. */
int store_row_comment(struct arena *a, sqlite3_stmt *s, void *c);
/* Steps s, reading COMMENT_COLUMNS rows into an arena array. */
enum store_result store_collect(struct store *st, struct arena *a, sqlite3_stmt *s,
    struct comment **out, size_t *count);
/* The rule for a reply, inside the caller's write transaction: the parent
 * exists, is approved and belongs to article (else STORE_CONFLICT). */
enum store_result store_parent_ok(struct store *st, int64_t parent, const char *article);
/* Inserts one comment row inside the caller's write transaction and sets
 * *id; addr_group and body_hash (the anti-spam counts, store_antispam.h)
 * may be NULL for comments that do not count. */
enum store_result store_insert_row(struct store *st, const struct comment *c,
    const char *addr_group, const unsigned char *body_hash, size_t hash_len, time_t now,
    int64_t *id);
/* "[1,2,3]": ids for json_each, the positive ones only. */
void store_ids_json(struct buf *b, const int64_t *ids, size_t n);

#endif
