/* store_blocklist.c — the blocklist's entries in SQLite; see
 * store_blocklist.h. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <sqlite3.h>

#include "arena.h"
#include "fold.h"
#include "log.h"
#include "store_audit.h"
#include "store_blocklist.h"
#include "store_db.h"

#define ENTRY_COLUMNS "id, kind, action, pattern, folded, note, created, created_by"

/* The SQL of this file (store_db.h: cached by the address of each). */
static const char sql_insert[] =
	"INSERT INTO blocklist (kind, pattern, folded, action, note, created, created_by)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char sql_exists[] =
	"SELECT 1 FROM blocklist WHERE kind = ?1 AND folded = ?2";
static const char sql_get[] =
	"SELECT " ENTRY_COLUMNS " FROM blocklist WHERE id = ?1";
static const char sql_find[] =
	"SELECT " ENTRY_COLUMNS " FROM blocklist WHERE kind = ?1 AND folded = ?2";
static const char sql_delete[] =
	"DELETE FROM blocklist WHERE id = ?1";
/* ?1 kind or NULL, ?2 the query or NULL, ?3 its folding; instr, not LIKE,
 * so that % and _ in a query are plain characters. */
#define LIST_WHERE \
	" WHERE (?1 IS NULL OR kind = ?1) AND (?2 IS NULL" \
	"  OR instr(lower(pattern), lower(?2)) > 0 OR instr(lower(note), lower(?2)) > 0" \
	"  OR (?3 <> '' AND instr(folded, ?3) > 0))"
static const char sql_list[] =
	"SELECT " ENTRY_COLUMNS " FROM blocklist" LIST_WHERE
	" ORDER BY id DESC LIMIT ?4 OFFSET ?5";
static const char sql_list_total[] =
	"SELECT count(*) FROM blocklist" LIST_WHERE;
static const char sql_load[] =
	"SELECT " ENTRY_COLUMNS " FROM blocklist ORDER BY id";
static const char sql_generation[] =
	"SELECT value FROM settings WHERE key = 'blocklist_generation'";

/* A row of ENTRY_COLUMNS (a store_row_fn); > 0 for a kind or action nazar
 * does not know (only in a database edited by hand): such rows are
 * skipped, and logged, rather than failing the list. */
static int
row_entry(struct arena *a, sqlite3_stmt *s, void *row)
{
	struct blocklist_entry *e = row;
	memset(e, 0, sizeof(*e));
	e->id = sqlite3_column_int64(s, 0);
	const char *kind = (const char *)sqlite3_column_text(s, 1);
	const char *action = (const char *)sqlite3_column_text(s, 2);
	e->pattern = store_column_dup(a, s, 3);
	e->folded = store_column_dup(a, s, 4);
	e->note = store_column_dup(a, s, 5);
	e->created = sqlite3_column_int64(s, 6);
	e->created_by = store_column_dup(a, s, 7);
	if (kind == NULL || blocklist_kind_parse(kind, &e->kind) != 0 || action == NULL ||
	    blocklist_action_parse(action, &e->action) != 0) {
		log_error("database: blocklist entry %lld has an unknown kind or action",
		    (long long)e->id);
		return 1;
	}
	return 0;
}

/* Steps s (bound with rc) for rows of ENTRY_COLUMNS into an arena array. */
static enum store_result
collect(struct store *st, struct arena *a, sqlite3_stmt *s, int rc,
    struct blocklist_entry **out, size_t *count)
{
	void *rows;
	enum store_result r = store_bind_check(st, s, rc);
	if (r == STORE_OK &&
	    (r = store_rows(st, a, s, sizeof(**out), row_entry, &rows, count)) == STORE_OK)
		*out = rows;
	return r;
}

/* One row by the statement s (bound with rc), into *out. */
static enum store_result
one_entry(struct store *st, struct arena *a, sqlite3_stmt *s, int rc,
    struct blocklist_entry *out)
{
	memset(out, 0, sizeof(*out));
	enum store_result r = store_bind_check(st, s, rc);
	if (r != STORE_OK || (r = store_step_one(st, s)) != STORE_OK)
		return r;
	r = row_entry(a, s, out) == 0 ? STORE_OK : STORE_ERROR;
	store_stmt_done(s);
	return r;
}

static bool
entry_complete(const struct blocklist_entry *e)
{
	return e != NULL && (unsigned)e->kind < BLOCK_KIND__MAX &&
	    (unsigned)e->action < BLOCK_ACTION__MAX && e->pattern != NULL &&
	    e->pattern[0] != '\0' && e->folded != NULL && e->folded[0] != '\0';
}

/* What the audit calls an entry: "word کلاهبردار". */
static const char *
entry_target(struct arena *a, enum blocklist_kind kind, const char *pattern)
{
	return arena_printf(a, "%s %s", blocklist_kind_name(kind), pattern);
}

/* Whether the kind has an entry of this folded form; inside the caller's
 * transaction. */
static enum store_result
entry_exists(struct store *st, const struct blocklist_entry *e, bool *exists)
{
	*exists = false;
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_exists, &s);
	if (r != STORE_OK)
		return r;
	int rc = store_bind_text(s, 1, blocklist_kind_name(e->kind));
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 2, e->folded);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK ||
	    (r = store_step_one(st, s)) != STORE_OK)
		return r == STORE_NOT_FOUND ? STORE_OK : r;
	*exists = true;
	store_stmt_done(s);
	return STORE_OK;
}

/* Inserts e inside the caller's transaction and sets *id. */
static enum store_result
entry_insert(struct store *st, const struct blocklist_entry *e, const struct actor *who,
    int64_t *id)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_insert, &s);
	if (r != STORE_OK)
		return r;
	int rc = store_bind_text(s, 1, blocklist_kind_name(e->kind));
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 2, e->pattern);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 3, e->folded);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 4, blocklist_action_name(e->action));
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 5, e->note);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 6, e->created);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 7, e->created_by ? e->created_by : who->name);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK ||
	    (r = store_step_insert(st, s)) != STORE_OK)
		return r;
	*id = sqlite3_last_insert_rowid(st->db);
	return STORE_OK;
}

enum store_result
store_blocklist_add(struct store *st, const struct blocklist_entry *e,
    const struct actor *who, int64_t *id)
{
	*id = 0;
	if (!entry_complete(e) || who == NULL) {
		log_error("database: blocklist add: incomplete entry");
		return STORE_ERROR;
	}
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		return r;
	/* Asked first, so that a duplicate is a conflict, not a constraint
	 * error in the log. */
	bool exists;
	int64_t new_id = 0;
	if ((r = entry_exists(st, e, &exists)) != STORE_OK)
		goto fail;
	if (exists) {
		r = STORE_CONFLICT;
		goto fail;
	}
	if ((r = entry_insert(st, e, who, &new_id)) != STORE_OK)
		goto fail;
	struct arena *a = arena_new();
	r = store_audit_write(st, who, (time_t)e->created, &(struct audit_change){
	    .action = "block_add", .target = entry_target(a, e->kind, e->pattern),
	    .after = blocklist_action_name(e->action), .reason = e->note });
	arena_free(a);
	if (r != STORE_OK)
		goto fail;
	if ((r = store_commit(st)) != STORE_OK)
		return r;
	*id = new_id;
	return STORE_OK;
fail:
	store_rollback(st);
	return r;
}

enum store_result
store_blocklist_get(struct store *st, struct arena *a, int64_t id, struct blocklist_entry *out)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_get, &s);
	if (r != STORE_OK) {
		memset(out, 0, sizeof(*out));
		return r;
	}
	return one_entry(st, a, s, sqlite3_bind_int64(s, 1, id), out);
}

enum store_result
store_blocklist_find(struct store *st, struct arena *a, enum blocklist_kind kind,
    const char *folded, struct blocklist_entry *out)
{
	memset(out, 0, sizeof(*out));
	if ((unsigned)kind >= BLOCK_KIND__MAX || folded == NULL)
		return STORE_NOT_FOUND;
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_find, &s);
	if (r != STORE_OK)
		return r;
	int rc = store_bind_text(s, 1, blocklist_kind_name(kind));
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 2, folded);
	return one_entry(st, a, s, rc, out);
}

enum store_result
store_blocklist_remove(struct store *st, struct arena *a, int64_t id,
    const struct actor *who, time_t now, struct blocklist_entry *removed)
{
	memset(removed, 0, sizeof(*removed));
	if (who == NULL) {
		log_error("database: blocklist remove: no actor");
		return STORE_ERROR;
	}
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		return r;
	/* Read in the same transaction as the delete: the audit names exactly
	 * what went. */
	if ((r = store_blocklist_get(st, a, id, removed)) != STORE_OK)
		goto fail;
	sqlite3_stmt *s;
	if ((r = store_prepare(st, sql_delete, &s)) != STORE_OK ||
	    (r = store_bind_check(st, s, sqlite3_bind_int64(s, 1, id))) != STORE_OK ||
	    (r = store_step_done(st, s)) != STORE_OK)
		goto fail;
	if ((r = store_audit_write(st, who, now, &(struct audit_change){
	    .action = "block_remove", .target = entry_target(a, removed->kind, removed->pattern),
	    .before = blocklist_action_name(removed->action) })) != STORE_OK)
		goto fail;
	if ((r = store_commit(st)) != STORE_OK)
		goto fail_out;
	return STORE_OK;
fail:
	store_rollback(st);
fail_out:
	memset(removed, 0, sizeof(*removed));
	return r;
}

/* Binds the list's filter: ?1 kind, ?2 query, ?3 its folding. */
static int
bind_filter(sqlite3_stmt *s, int kind, const char *q, const char *qfold)
{
	int rc = store_bind_opt(s, 1, kind < 0 ? NULL :
	    blocklist_kind_name((enum blocklist_kind)kind));
	if (rc == SQLITE_OK)
		rc = store_bind_opt(s, 2, q);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 3, qfold);
	return rc;
}

/* The number of entries the filter matches; inside the caller's snapshot. */
static enum store_result
list_total(struct store *st, int kind, const char *q, const char *qfold, long long *total)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_list_total, &s);
	if (r != STORE_OK ||
	    (r = store_bind_check(st, s, bind_filter(s, kind, q, qfold))) != STORE_OK)
		return r;
	int64_t v;
	if ((r = store_step_ints(st, s, &v, 1)) != STORE_OK)
		return r == STORE_NOT_FOUND ? STORE_ERROR : r;
	*total = v;
	return STORE_OK;
}

enum store_result
store_blocklist_list(struct store *st, struct arena *a, int kind, const char *q, int page,
    int per_page, struct blocklist_entry **out, size_t *count, long long *total)
{
	*out = NULL;
	*count = 0;
	*total = 0;
	if (kind >= BLOCK_KIND__MAX || page < 1 || page > STORE_BLOCKLIST_MAX_PAGE ||
	    per_page < 1 || per_page > STORE_BLOCKLIST_MAX_PER_PAGE) {
		log_error("database: blocklist list: invalid arguments (kind %d, page %d, per page "
		    "%d)", kind, page, per_page);
		return STORE_ERROR;
	}
	if (kind < 0)
		kind = -1;
	/* Only the start of a long query is read, cut on a character
	 * boundary; an empty one lists everything. */
	const char *qq = NULL, *qfold = "";
	if (q != NULL && q[0] != '\0') {
		size_t len = strnlen(q, STORE_BLOCKLIST_QUERY_MAX + 1);
		if (len > STORE_BLOCKLIST_QUERY_MAX) {
			len = STORE_BLOCKLIST_QUERY_MAX;
			while (len > 0 && ((unsigned char)q[len] & 0xc0) == 0x80)
				len--;
		}
		qq = arena_strndup(a, q, len);
		qfold = fold_text(a, qq);
	}
	enum store_result r = store_begin_read(st);
	if (r != STORE_OK)
		return r;
	sqlite3_stmt *s;
	if ((r = list_total(st, kind, qq, qfold, total)) != STORE_OK ||
	    (r = store_prepare(st, sql_list, &s)) != STORE_OK)
		goto out;
	int rc = bind_filter(s, kind, qq, qfold);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 4, per_page);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 5, (sqlite3_int64)(page - 1) * per_page);
	r = collect(st, a, s, rc, out, count);
out:
	/* A read transaction: ending it cannot lose anything. */
	store_rollback(st);
	if (r != STORE_OK) {
		*out = NULL;
		*count = 0;
		*total = 0;
	}
	return r;
}

/* The generation within the caller's transaction, if any. */
static enum store_result
read_generation(struct store *st, int64_t *generation)
{
	*generation = 0;
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_generation, &s);
	if (r != STORE_OK || (r = store_step_ints(st, s, generation, 1)) != STORE_OK)
		return r == STORE_NOT_FOUND ? STORE_OK : r;
	return STORE_OK;
}

enum store_result
store_blocklist_generation(struct store *st, int64_t *generation)
{
	return read_generation(st, generation);
}

enum store_result
store_blocklist_load(struct store *st, struct arena *a, struct blocklist_entry **out,
    size_t *count, int64_t *generation)
{
	*out = NULL;
	*count = 0;
	*generation = 0;
	/* One snapshot: the rows are exactly those of the generation. */
	enum store_result r = store_begin_read(st);
	if (r != STORE_OK)
		return r;
	sqlite3_stmt *s;
	if ((r = read_generation(st, generation)) == STORE_OK &&
	    (r = store_prepare(st, sql_load, &s)) == STORE_OK)
		r = collect(st, a, s, SQLITE_OK, out, count);
	store_rollback(st);
	if (r != STORE_OK) {
		*out = NULL;
		*count = 0;
		*generation = 0;
	}
	return r;
}
