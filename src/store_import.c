/* store_import.c — imported comments in SQLite; see store_import.h. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_audit.h"
#include "store_db.h"
#include "store_import.h"

static const char sql_present[] =
	"SELECT id FROM comments WHERE source_system = ?1 AND source_id = ?2";
/* The parent a reply may have: the same system and article, and older
 * (created, then id), so that no chain of imported parents can loop. */
static const char sql_parent[] =
	"SELECT id, created FROM comments WHERE source_system = ?1 AND source_id = ?2"
	" AND article = ?3";
static const char sql_insert[] =
	"INSERT INTO comments (article, parent, name, email, body, status, created, updated, "
	"remote_addr, user_agent, reason, source_system, source_id, source_parent) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
static const char sql_outbox_drop[] =
	"DELETE FROM outbox WHERE comment_id = ?1 AND kind = 'held' AND state = 'pending'";
static const char sql_link[] =
	"UPDATE comments AS c SET parent = p.id FROM comments AS p"
	" WHERE c.source_system = ?1 AND c.source_id IS NOT NULL AND c.parent IS NULL"
	" AND c.source_parent IS NOT NULL"
	" AND p.source_system = ?1 AND p.source_id = c.source_parent AND p.article = c.article"
	" AND (p.created < c.created OR (p.created = c.created AND p.id < c.id))";
static const char sql_orphans[] =
	"SELECT count(*) FROM comments WHERE source_system = ?1 AND source_id IS NOT NULL"
	" AND parent IS NULL AND source_parent IS NOT NULL AND id > ?2";
/* Replies of this run under a comment that is not shown. */
static const char sql_hidden_parent[] =
	"SELECT count(*) FROM comments c JOIN comments p ON p.id = c.parent"
	" WHERE c.source_system = ?1 AND c.source_id IS NOT NULL AND c.id > ?2"
	" AND p.status <> 'approved'";
static const char sql_last_id[] = "SELECT coalesce(max(id), 0) FROM comments";
static const char sql_article_exists[] =
	"SELECT EXISTS (SELECT 1 FROM comments WHERE article = ?1)";
static const char sql_dry_create[] =
	"CREATE TEMP TABLE IF NOT EXISTS import_dry ("
	" id TEXT PRIMARY KEY, parent TEXT, article TEXT NOT NULL) WITHOUT ROWID";
static const char sql_dry_note[] =
	"INSERT OR IGNORE INTO temp.import_dry (id, parent, article) VALUES (?1, ?2, ?3)";
static const char sql_dry_orphans[] =
	"SELECT count(*) FROM temp.import_dry d WHERE d.parent IS NOT NULL"
	" AND NOT EXISTS (SELECT 1 FROM temp.import_dry p"
	"  WHERE p.id = d.parent AND p.article = d.article)"
	" AND NOT EXISTS (SELECT 1 FROM comments c WHERE c.source_system = ?1"
	"  AND c.source_id = d.parent AND c.article = d.article)";

enum store_result
store_import_find(struct store *st, const char *system, const char *id, int64_t *found)
{
	sqlite3_stmt *s;
	*found = 0;
	enum store_result r = store_prepare(st, sql_present, &s);
	if (r != STORE_OK)
		return r;
	int rc = store_bind_text(s, 1, system);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 2, id);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	r = store_step_one(st, s);
	if (r == STORE_OK) {
		*found = sqlite3_column_int64(s, 0);
		store_stmt_done(s);
	}
	return r == STORE_NOT_FOUND ? STORE_OK : r;
}

enum store_result
store_import_present(struct store *st, const char *system, const char *id, bool *present)
{
	int64_t found;
	enum store_result r = store_import_find(st, system, id, &found);
	*present = r == STORE_OK && found > 0;
	return r;
}

enum store_result
store_article_exists(struct store *st, const char *article, bool *exists)
{
	sqlite3_stmt *s;
	int64_t v = 0;
	enum store_result r = store_prepare(st, sql_article_exists, &s);
	if (r != STORE_OK ||
	    (r = store_bind_check(st, s, store_bind_text(s, 1, article))) != STORE_OK ||
	    (r = store_step_ints(st, s, &v, 1)) != STORE_OK)
		return r == STORE_NOT_FOUND ? STORE_ERROR : r;
	*exists = v != 0;
	return STORE_OK;
}

/* The parent of row, when it is stored and may be one: its id, else 0. */
static enum store_result
find_parent(struct store *st, const char *system, const struct import_row *row,
    int64_t *parent)
{
	*parent = 0;
	if (row->source_parent == NULL)
		return STORE_OK;
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_parent, &s);
	if (r != STORE_OK)
		return r;
	int rc = store_bind_text(s, 1, system);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 2, row->source_parent);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 3, row->article);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	if ((r = store_step_one(st, s)) != STORE_OK)
		return r == STORE_NOT_FOUND ? STORE_OK : r;
	/* Stored before this row, so its id is smaller: older by created
	 * alone decides, an equal time by id. */
	if (sqlite3_column_int64(s, 1) <= row->created)
		*parent = sqlite3_column_int64(s, 0);
	store_stmt_done(s);
	return STORE_OK;
}

static enum store_result
insert_row(struct store *st, const char *system, const struct import_row *row,
    int64_t parent, int64_t *id)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_insert, &s);
	if (r != STORE_OK)
		return r;
	int rc = store_bind_text(s, 1, row->article);
	if (rc == SQLITE_OK)
		rc = store_bind_id(s, 2, parent);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 3, row->name);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 4, row->email);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 5, row->body);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 6, comment_status_name(row->status));
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 7, row->created);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 8, row->remote_addr);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 9, row->user_agent);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 10, row->reason);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 11, system);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 12, row->source_id);
	if (rc == SQLITE_OK)
		rc = store_bind_opt(s, 13, row->source_parent);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK ||
	    (r = store_step_done(st, s)) != STORE_OK)
		return r;
	*id = sqlite3_last_insert_rowid(st->db);
	return STORE_OK;
}

static enum store_result
drop_outbox(struct store *st, int64_t id)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_outbox_drop, &s);
	if (r != STORE_OK ||
	    (r = store_bind_check(st, s, sqlite3_bind_int64(s, 1, id))) != STORE_OK)
		return r;
	return store_step_done(st, s);
}

/* One row inside the batch's transaction. */
static enum store_result
import_one(struct store *st, const char *system, const struct import_row *row,
    struct store_import_result *res)
{
	bool present;
	enum store_result r = store_import_present(st, system, row->source_id, &present);
	if (r != STORE_OK)
		return r;
	if (present) {
		res->present++;
		return STORE_OK;
	}
	if ((unsigned)row->status >= COMMENT_STATUS__MAX || row->article == NULL ||
	    row->source_id == NULL)
		return STORE_ERROR;
	int64_t parent, id;
	if ((r = find_parent(st, system, row, &parent)) != STORE_OK ||
	    (r = insert_row(st, system, row, parent, &id)) != STORE_OK)
		return r;
	if (row->status == COMMENT_PENDING && (r = drop_outbox(st, id)) != STORE_OK)
		return r;
	res->added[row->status]++;
	if (row->source_parent != NULL)
		res->replies++;
	if (parent > 0)
		res->linked++;
	return STORE_OK;
}

enum store_result
store_import_commit(struct store *st, const int64_t *added, const char *more,
    const struct actor *who, time_t now, const char *target)
{
	int64_t n = 0;
	for (int i = 0; i < COMMENT_STATUS__MAX; i++)
		n += added[i];
	char after[128];
	snprintf(after, sizeof(after), "%lld added%s", (long long)n, more);
	const struct audit_change ch = { .action = "import", .target = target, .after = after };
	enum store_result r = STORE_OK;
	if (n > 0 && (r = store_audit_write(st, who, now, &ch)) != STORE_OK) {
		store_rollback(st);
		return r;
	}
	return store_commit(st);
}

enum store_result
store_import_batch(struct store *st, const char *system, const struct import_row *rows,
    size_t n, const struct actor *who, time_t now, const char *target,
    struct store_import_result *res)
{
	struct store_import_result here = { 0 };
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		return r;
	for (size_t i = 0; i < n; i++)
		if ((r = import_one(st, system, &rows[i], &here)) != STORE_OK) {
			store_rollback(st);
			return r;
		}
	char more[48];
	snprintf(more, sizeof(more), ", %lld already there", (long long)here.present);
	if ((r = store_import_commit(st, here.added, more, who, now, target)) != STORE_OK)
		return r;
	for (int i = 0; i < COMMENT_STATUS__MAX; i++)
		res->added[i] += here.added[i];
	res->present += here.present;
	res->replies += here.replies;
	res->linked += here.linked;
	return STORE_OK;
}

/* sql's count for system (?1) and, when it has one, since (?2). */
static enum store_result
count_orphans(struct store *st, const char *sql, const char *system, int64_t since,
    int64_t *orphans)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql, &s);
	if (r != STORE_OK)
		return r;
	int rc = store_bind_text(s, 1, system);
	if (rc == SQLITE_OK && sqlite3_bind_parameter_count(s) >= 2)
		rc = sqlite3_bind_int64(s, 2, since);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK ||
	    (r = store_step_ints(st, s, orphans, 1)) != STORE_OK)
		return r == STORE_NOT_FOUND ? STORE_ERROR : r;
	return STORE_OK;
}

enum store_result
store_import_last_id(struct store *st, int64_t *id)
{
	sqlite3_stmt *s;
	*id = 0;
	enum store_result r = store_prepare(st, sql_last_id, &s);
	if (r != STORE_OK || (r = store_step_ints(st, s, id, 1)) != STORE_OK)
		return r == STORE_NOT_FOUND ? STORE_ERROR : r;
	return STORE_OK;
}

enum store_result
store_import_link(struct store *st, const char *system, int64_t since, int64_t *linked,
    int64_t *orphans, int64_t *hidden)
{
	*linked = *orphans = *hidden = 0;
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		return r;
	sqlite3_stmt *s;
	if ((r = store_prepare(st, sql_link, &s)) != STORE_OK ||
	    (r = store_bind_check(st, s, store_bind_text(s, 1, system))) != STORE_OK ||
	    (r = store_step_done(st, s)) != STORE_OK) {
		store_rollback(st);
		return r;
	}
	*linked = sqlite3_changes(st->db);
	if ((r = count_orphans(st, sql_orphans, system, since, orphans)) != STORE_OK ||
	    (r = count_orphans(st, sql_hidden_parent, system, since, hidden)) != STORE_OK) {
		store_rollback(st);
		return r;
	}
	return store_commit(st);
}

enum store_result
store_import_dry_note(struct store *st, const char *id, const char *parent,
    const char *article)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_dry_note, &s);
	if (r != STORE_OK)
		return r;
	int rc = store_bind_text(s, 1, id);
	if (rc == SQLITE_OK)
		rc = store_bind_opt(s, 2, parent);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 3, article);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	return store_step_done(st, s);
}

enum store_result
store_import_dry_orphans(struct store *st, const char *system, int64_t *orphans)
{
	*orphans = 0;
	enum store_result r = store_exec(st, sql_dry_create);
	if (r != STORE_OK)
		return r;
	return count_orphans(st, sql_dry_orphans, system, 0, orphans);
}

enum store_result
store_import_dry_begin(struct store *st)
{
	enum store_result r = store_exec(st, sql_dry_create);
	return r != STORE_OK ? r : store_begin_read(st);
}

enum store_result
store_import_dry_end(struct store *st, bool keep)
{
	if (keep)
		return store_commit(st);
	store_rollback(st);
	return STORE_OK;
}
