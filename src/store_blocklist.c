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

/* The SQL of this file; each string's address keys the statement cache. */
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

static enum store_result
prepare(struct store *st, const char *sql, sqlite3_stmt **s, const char *what)
{
	int rc;
	*s = store_prepare(st, sql, &rc);
	return *s != NULL ? STORE_OK : store_db_fail(st->db, rc, what);
}

/* A row of ENTRY_COLUMNS; -1 for a kind or action nazar does not know
 * (only in a database edited by hand). */
static int
row_entry(struct arena *a, sqlite3_stmt *s, struct blocklist_entry *e)
{
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
		return -1;
	}
	return 0;
}

/* Steps s for rows of ENTRY_COLUMNS into an arena array; rows nazar does
 * not understand are skipped (and logged) rather than failing the list. */
static enum store_result
collect(struct store *st, struct arena *a, sqlite3_stmt *s, const char *what,
    struct blocklist_entry **out, size_t *count)
{
	struct blocklist_entry *rows = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct blocklist_entry *nr = arena_calloc(a, ncap, sizeof(*nr));
			if (n > 0)
				memcpy(nr, rows, n * sizeof(*nr));
			rows = nr;
			cap = ncap;
		}
		if (row_entry(a, s, &rows[n]) == 0)
			n++;
	}
	if (rc != SQLITE_DONE)
		return store_db_fail(st->db, rc, what);
	*out = rows ? rows : arena_calloc(a, 1, sizeof(*rows));
	*count = n;
	return STORE_OK;
}

/* One row by the statement s (bound), into *out. */
static enum store_result
one_entry(struct store *st, struct arena *a, sqlite3_stmt *s, int rc, const char *what,
    struct blocklist_entry *out)
{
	enum store_result r;
	memset(out, 0, sizeof(*out));
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		r = row_entry(a, s, out) == 0 ? STORE_OK : STORE_ERROR;
	else if (rc == SQLITE_DONE)
		r = STORE_NOT_FOUND;
	else
		r = store_db_fail(st->db, rc, what);
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
	sqlite3_stmt *s;
	if ((r = prepare(st, sql_exists, &s, "blocklist add")) != STORE_OK)
		goto fail;
	int rc = store_bind_text(s, 1, blocklist_kind_name(e->kind));
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 2, e->folded);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	store_stmt_done(s);
	if (rc == SQLITE_ROW) {
		r = STORE_CONFLICT;
		goto fail;
	}
	if (rc != SQLITE_DONE) {
		r = store_db_fail(st->db, rc, "blocklist add");
		goto fail;
	}
	if ((r = prepare(st, sql_insert, &s, "blocklist add")) != STORE_OK)
		goto fail;
	rc = store_bind_text(s, 1, blocklist_kind_name(e->kind));
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
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	int64_t new_id = sqlite3_last_insert_rowid(st->db);
	store_stmt_done(s);
	if (rc != SQLITE_DONE) {
		r = (rc & 0xff) == SQLITE_CONSTRAINT ? STORE_CONFLICT :
		    store_db_fail(st->db, rc, "blocklist add");
		goto fail;
	}
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
	enum store_result r = prepare(st, sql_get, &s, "blocklist get");
	if (r != STORE_OK) {
		memset(out, 0, sizeof(*out));
		return r;
	}
	return one_entry(st, a, s, sqlite3_bind_int64(s, 1, id), "blocklist get", out);
}

enum store_result
store_blocklist_find(struct store *st, struct arena *a, enum blocklist_kind kind,
    const char *folded, struct blocklist_entry *out)
{
	memset(out, 0, sizeof(*out));
	if ((unsigned)kind >= BLOCK_KIND__MAX || folded == NULL)
		return STORE_NOT_FOUND;
	sqlite3_stmt *s;
	enum store_result r = prepare(st, sql_find, &s, "blocklist find");
	if (r != STORE_OK)
		return r;
	int rc = store_bind_text(s, 1, blocklist_kind_name(kind));
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 2, folded);
	return one_entry(st, a, s, rc, "blocklist find", out);
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
	if ((r = prepare(st, sql_delete, &s, "blocklist remove")) != STORE_OK)
		goto fail;
	int rc = sqlite3_bind_int64(s, 1, id);
	if (rc == SQLITE_OK)
		r = store_step_done(st, s, "blocklist remove");
	else {
		store_stmt_done(s);
		r = store_db_fail(st->db, rc, "blocklist remove");
	}
	if (r != STORE_OK)
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
	int rc = kind < 0 ? sqlite3_bind_null(s, 1) :
	    store_bind_text(s, 1, blocklist_kind_name((enum blocklist_kind)kind));
	if (rc == SQLITE_OK)
		rc = q == NULL ? sqlite3_bind_null(s, 2) : store_bind_text(s, 2, q);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 3, qfold);
	return rc;
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
	if ((r = prepare(st, sql_list_total, &s, "blocklist list")) != STORE_OK)
		goto out;
	int rc = bind_filter(s, kind, qq, qfold);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*total = sqlite3_column_int64(s, 0);
	else
		r = store_db_fail(st->db, rc, "blocklist list");
	store_stmt_done(s);
	if (r != STORE_OK)
		goto out;
	if ((r = prepare(st, sql_list, &s, "blocklist list")) != STORE_OK)
		goto out;
	rc = bind_filter(s, kind, qq, qfold);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 4, per_page);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 5, (sqlite3_int64)(page - 1) * per_page);
	if (rc == SQLITE_OK)
		r = collect(st, a, s, "blocklist list", out, count);
	else
		r = store_db_fail(st->db, rc, "blocklist list");
	store_stmt_done(s);
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
	enum store_result r = prepare(st, sql_generation, &s, "blocklist generation");
	if (r != STORE_OK)
		return r;
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*generation = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE)
		r = store_db_fail(st->db, rc, "blocklist generation");
	store_stmt_done(s);
	return r;
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
	if ((r = read_generation(st, generation)) != STORE_OK)
		goto out;
	sqlite3_stmt *s;
	if ((r = prepare(st, sql_load, &s, "blocklist load")) != STORE_OK)
		goto out;
	r = collect(st, a, s, "blocklist load", out, count);
	store_stmt_done(s);
out:
	store_rollback(st);
	if (r != STORE_OK) {
		*out = NULL;
		*count = 0;
		*generation = 0;
	}
	return r;
}
