/* store_db.h — inside the store: the connection and the helpers every
 * store_*.c file runs its SQL through.
 *
 * Not for handlers: they use store.h and store_*.h. One way to run a
 * statement, in every store file:
 *
 *	static const char sql_x[] = "SELECT a, b FROM t WHERE id = ?1";
 *	sqlite3_stmt *s;
 *	if ((r = store_prepare(st, sql_x, &s)) != STORE_OK)
 *		return r;
 *	int rc = sqlite3_bind_int64(s, 1, id);
 *	if (rc == SQLITE_OK)
 *		rc = store_bind_text(s, 2, name);
 *	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
 *		return r;
 *	r = store_step_one(st, s);	(or store_step, store_step_done, store_rows)
 *	… read the columns …
 *	store_stmt_done(s);
 *
 * Statements are prepared once per connection and cached under the
 * address of their SQL text, which is therefore always a static string
 * (a string literal or a static const array); SQL built at run time is
 * never cached (store_thread_plan prepares its own). Every helper logs
 * what failed and maps it to enum store_result; writes run in BEGIN
 * IMMEDIATE transactions. */
#ifndef NAZAR_STORE_DB_H
#define NAZAR_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "buf.h"
#include "store.h"

struct arena;

/* Slots of the statement cache: more than the distinct SQL texts of the
 * store (about 80). A statement that finds the cache full is refused with
 * STORE_ERROR and logged: a programming error (a new statement past the
 * bound, or SQL built at run time), never a silent leak. */
#define STORE_CACHE_MAX 128

struct store {
	sqlite3 *db;
	struct {
		const char *sql;	/* the key: the address of the text */
		sqlite3_stmt *stmt;
	} cache[STORE_CACHE_MAX];
	int cached;
	int busy_timeout_ms;	/* how long busy_wait waits for a lock in all */
	int64_t busy_since_ms;	/* when busy_wait began waiting for this lock */
	/* The log lines of the audit rows written in the open transaction,
	 * each ending in '\n': logged by store_commit, dropped by a rollback,
	 * so the log names only what was done. */
	struct buf audit_log;
	/* The process's group commit of posts (store_antispam.h), shared
	 * by the workers' connections; NULL: each post commits alone. */
	struct post_group *post_group;
};

/* The log line of an audit row: written at once outside a transaction,
 * else when it commits. */
void store_audit_log_line(struct store *st, int warn, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Logs what failed; STORE_BUSY for a lock, STORE_ERROR for anything else. */
enum store_result store_db_fail(sqlite3 *db, int rc, const char *what);

/* The prepared statement for sql (a static string), reset and unbound, in
 * *s; on failure *s is NULL and the failure logged. */
enum store_result store_prepare(struct store *st, const char *sql, sqlite3_stmt **s);
/* Resets and unbinds a statement after use; NULL is fine. */
void store_stmt_done(sqlite3_stmt *s);

/* The result of a chain of binds (rc: the first SQLite code that was not
 * SQLITE_OK); on failure the statement is done with and the failure
 * logged. */
enum store_result store_bind_check(struct store *st, sqlite3_stmt *s, int rc);
/* NULL binds as '' so optional fields satisfy NOT NULL columns. */
int store_bind_text(sqlite3_stmt *s, int idx, const char *v);
/* NULL binds as NULL (an absent filter: "?1 IS NULL OR …"). */
int store_bind_opt(sqlite3_stmt *s, int idx, const char *v);
/* A row id for a column that references a table: NULL when id <= 0. */
int store_bind_id(sqlite3_stmt *s, int idx, int64_t id);

/* One step: STORE_OK with *row true on a row, false at the end. On
 * failure the statement is done with. */
enum store_result store_step(struct store *st, sqlite3_stmt *s, bool *row);
/* The first step of a query for one row: STORE_OK on a row (read it, then
 * store_stmt_done), STORE_NOT_FOUND when there is none (the statement is
 * done with then, as on failure). */
enum store_result store_step_one(struct store *st, sqlite3_stmt *s);
/* The first row of s as n integer columns in v[0 .. n-1] (NULL reads as
 * 0), done with s: STORE_NOT_FOUND (v all 0) when there is no row. For
 * counts and single values. */
enum store_result store_step_ints(struct store *st, sqlite3_stmt *s, int64_t *v, int n);
/* Runs a statement to completion, ignoring rows, and is done with it. */
enum store_result store_step_done(struct store *st, sqlite3_stmt *s);
/* store_step_done for a write that may break a constraint: a taken name, a
 * row it refers to that is not there. That is STORE_CONFLICT, not logged:
 * the caller's answer, not the operator's problem. */
enum store_result store_step_insert(struct store *st, sqlite3_stmt *s);
/* store_prepare and store_step_done of a statement without parameters. */
enum store_result store_exec(struct store *st, const char *sql);

/* Reads one row into row (size bytes, zeroed); < 0: a row nazar cannot
 * understand (the query fails), > 0: one to skip, 0: keep it. */
typedef int (*store_row_fn)(struct arena *a, sqlite3_stmt *s, void *row);
/* Steps s to the end, each row read by fn into an arena array of elements
 * of size bytes; *out is never NULL on success (an empty array). Is done
 * with s. */
enum store_result store_rows(struct store *st, struct arena *a, sqlite3_stmt *s, size_t size,
    store_row_fn fn, void **out, size_t *count);

/* A text column copied into the arena; "" for NULL. */
char *store_column_dup(struct arena *a, sqlite3_stmt *s, int col);

/* Transactions: a write takes the lock first (BEGIN IMMEDIATE), a read is a
 * snapshot (BEGIN). Rollback does nothing outside a transaction; commit
 * rolls back when COMMIT itself fails. */
enum store_result store_begin_write(struct store *st);
enum store_result store_begin_read(struct store *st);
enum store_result store_commit(struct store *st);
void store_rollback(struct store *st);
/* Whether a transaction is open: after some failures (a full disk, an I/O
 * error) SQLite has already rolled it back. */
bool store_in_transaction(struct store *st);

/* The SQL of the migration step from schema version `from` to from + 1
 * (store_schema.c), NULL outside 0 .. STORE_SCHEMA_VERSION - 1. For the
 * generator of the old-schema fixtures (dev/schema-fixture), which
 * rebuilds a database as each released step left it. */
const char *store_schema_step(int from);

#endif
