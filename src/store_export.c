/* store_export.c — the comments with their history and audit rows, one at
 * a time, for nazarctl export; see store_export.h. */
#include <stdbool.h>
#include <string.h>

#include <sqlite3.h>

#include "arena.h"
#include "log.h"
#include "store_comments.h"
#include "store_db.h"
#include "store_export.h"

/* Bytes of its blocks the per-comment arena keeps from one to the next. */
#define EXPORT_ARENA_KEEP (256 * 1024)

/* ?1 article or NULL, ?2 changed at or after. The optional columns follow
 * COMMENT_COLUMNS (0 .. COMMENT_NCOLUMNS - 1). */
static const char sql_export[] =
	"SELECT " COMMENT_COLUMNS ", u.name, c.addr_group,"
	" CASE WHEN c.body_hash IS NULL THEN NULL ELSE lower(hex(c.body_hash)) END,"
	" c.source_system, c.source_id, c.source_parent, c.notify_replies,"
	" (SELECT s.state FROM subscribers s WHERE c.email <> '' AND s.address = c.email),"
	" v.body, v.at"
	" FROM comments c LEFT JOIN users u ON u.id = c.updated_by"
	" LEFT JOIN revisions v ON v.comment_id = c.id"
	" WHERE (?1 IS NULL OR c.article = ?1) AND c.updated >= ?2"
	" ORDER BY c.id";
static const char sql_export_history[] =
	"SELECT h.at, u.name, h.body, h.author FROM comment_history h"
	" LEFT JOIN users u ON u.id = h.user_id"
	" WHERE h.comment_id = ?1 ORDER BY h.id";
static const char sql_export_votes[] =
	"SELECT lower(hex(voter)), value, addr_group, created FROM votes"
	" WHERE comment_id = ?1 ORDER BY created, voter";
static const char sql_export_audit[] =
	"SELECT a.at, u.name, a.actor, a.remote_addr, a.action, a.target, a.before, a.after,"
	" a.reason FROM audit a LEFT JOIN users u ON u.id = a.user_id"
	" WHERE a.comment_id = ?1 ORDER BY a.id";

/* A text column in the arena; NULL for SQL NULL. */
static const char *
column_opt(struct arena *a, sqlite3_stmt *s, int col)
{
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return NULL;
	return store_column_dup(a, s, col);
}

static int
row_history(struct arena *a, sqlite3_stmt *s, void *row)
{
	struct export_history *h = row;
	h->at = sqlite3_column_int64(s, 0);
	h->by = column_opt(a, s, 1);
	h->body = store_column_dup(a, s, 2);
	h->author = sqlite3_column_int(s, 3) != 0;
	return 0;
}

static int
row_vote(struct arena *a, sqlite3_stmt *s, void *row)
{
	struct export_vote *v = row;
	v->voter = store_column_dup(a, s, 0);
	v->value = sqlite3_column_int(s, 1);
	v->addr_group = store_column_dup(a, s, 2);
	v->created = sqlite3_column_int64(s, 3);
	return 0;
}

static int
row_audit(struct arena *a, sqlite3_stmt *s, void *row)
{
	struct export_audit *e = row;
	e->at = sqlite3_column_int64(s, 0);
	e->user = column_opt(a, s, 1);
	e->actor = store_column_dup(a, s, 2);
	e->remote_addr = store_column_dup(a, s, 3);
	e->action = store_column_dup(a, s, 4);
	e->target = store_column_dup(a, s, 5);
	e->before = store_column_dup(a, s, 6);
	e->after = store_column_dup(a, s, 7);
	e->reason = store_column_dup(a, s, 8);
	return 0;
}

/* The rows of sql (?1: the comment's id) through fn. */
static enum store_result
related(struct store *st, struct arena *a, const char *sql, int64_t id, size_t size,
    store_row_fn fn, const void **out, size_t *n)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql, &s);
	if (r != STORE_OK ||
	    (r = store_bind_check(st, s, sqlite3_bind_int64(s, 1, id))) != STORE_OK)
		return r;
	void *rows;
	r = store_rows(st, a, s, size, fn, &rows, n);
	*out = rows;
	return r;
}

/* The current row of the export statement, with its history and audit. */
static enum store_result
read_one(struct store *st, struct arena *a, sqlite3_stmt *s, struct export_comment *e)
{
	memset(e, 0, sizeof(*e));
	if (store_row_comment(a, s, &e->c) != 0)
		return STORE_ERROR;
	e->updated_by = column_opt(a, s, COMMENT_NCOLUMNS);
	e->addr_group = column_opt(a, s, COMMENT_NCOLUMNS + 1);
	e->body_hash = column_opt(a, s, COMMENT_NCOLUMNS + 2);
	e->source_system = column_opt(a, s, COMMENT_NCOLUMNS + 3);
	e->source_id = column_opt(a, s, COMMENT_NCOLUMNS + 4);
	e->source_parent = column_opt(a, s, COMMENT_NCOLUMNS + 5);
	e->c.notify_replies = sqlite3_column_int(s, COMMENT_NCOLUMNS + 6) != 0;
	e->subscriber = column_opt(a, s, COMMENT_NCOLUMNS + 7);
	e->revision = column_opt(a, s, COMMENT_NCOLUMNS + 8);
	e->revision_at = sqlite3_column_int64(s, COMMENT_NCOLUMNS + 9);
	const void *rows;
	enum store_result r = related(st, a, sql_export_votes, e->c.id,
	    sizeof(struct export_vote), row_vote, &rows, &e->nvotes);
	if (r != STORE_OK)
		return r;
	e->votes = rows;
	r = related(st, a, sql_export_history, e->c.id,
	    sizeof(struct export_history), row_history, &rows, &e->nhistory);
	if (r != STORE_OK)
		return r;
	e->history = rows;
	r = related(st, a, sql_export_audit, e->c.id, sizeof(struct export_audit), row_audit,
	    &rows, &e->naudit);
	e->audit = rows;
	return r;
}

enum store_result
store_export(struct store *st, const struct export_filter *f, store_export_fn fn, void *arg,
    int64_t *count, int *stopped)
{
	*count = 0;
	*stopped = 0;
	struct arena *a = arena_new();
	sqlite3_stmt *s = NULL;
	enum store_result r = store_begin_read(st);
	if (r != STORE_OK || (r = store_prepare(st, sql_export, &s)) != STORE_OK)
		goto out;
	int rc = store_bind_opt(s, 1, f->article);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, f->since);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		goto out;
	bool row;
	while ((r = store_step(st, s, &row)) == STORE_OK && row) {
		struct export_comment e;
		arena_reset(a, EXPORT_ARENA_KEEP);
		if ((r = read_one(st, a, s, &e)) != STORE_OK)
			break;
		if (fn(arg, &e) != 0) {
			*stopped = 1;
			r = STORE_ERROR;
			break;
		}
		(*count)++;
	}
out:
	store_stmt_done(s);
	/* A read transaction: ending it cannot lose anything. */
	store_rollback(st);
	arena_free(a);
	return r;
}
