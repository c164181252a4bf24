/* store_db.c — the SQLite connection, its statement cache, the helpers
 * every store file runs its SQL through, and transactions; see
 * store_db.h. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <sqlite3.h>

#include "arena.h"
#include "buf.h"
#include "fold.h"
#include "log.h"
#include "metrics.h"
#include "store.h"
#include "store_db.h"

/* Bytes of a statement's SQL that name it in the log. */
#define LOG_SQL_BYTES 60

static const char sql_begin[] = "BEGIN";
static const char sql_begin_immediate[] = "BEGIN IMMEDIATE";
static const char sql_commit[] = "COMMIT";
static const char sql_rollback[] = "ROLLBACK";
static const char sql_ping[] = "SELECT count(*) FROM sqlite_schema";

/* Connection set-up, run once at open. */
static const char *const setup[] = {
	"PRAGMA journal_mode = WAL",
	"PRAGMA synchronous = FULL",
	"PRAGMA foreign_keys = ON",
};

/* Logs what failed and maps the SQLite code to a store result: only a lock
 * is worth retrying, everything else is an error for the operator. */
enum store_result
store_db_fail(sqlite3 *db, int rc, const char *what)
{
	log_error("database: %s: %s (%d)", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc),
	    rc);
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_BUSY;
	default:
		return STORE_ERROR;
	}
}

/* A failure of statement s (named by the start of its SQL), which is done
 * with. */
static enum store_result
stmt_fail(struct store *st, sqlite3_stmt *s, int rc)
{
	char what[LOG_SQL_BYTES + 1];
	const char *sql = sqlite3_sql(s);
	snprintf(what, sizeof(what), "%s", sql ? sql : "?");
	enum store_result r = store_db_fail(st->db, rc, what);
	store_stmt_done(s);
	return r;
}

enum store_result
store_prepare(struct store *st, const char *sql, sqlite3_stmt **s)
{
	*s = NULL;
	for (int i = 0; i < st->cached; i++)
		if (st->cache[i].sql == sql) {
			*s = st->cache[i].stmt;
			return STORE_OK;
		}
	if (st->cached == STORE_CACHE_MAX) {
		log_error("database: statement cache full (%d); raise STORE_CACHE_MAX: %.*s",
		    STORE_CACHE_MAX, LOG_SQL_BYTES, sql);
		return STORE_ERROR;
	}
	sqlite3_stmt *ns;
	int rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &ns, NULL);
	if (rc != SQLITE_OK) {
		char what[LOG_SQL_BYTES + 1];
		snprintf(what, sizeof(what), "%s", sql);
		return store_db_fail(st->db, rc, what);
	}
	st->cache[st->cached].sql = sql;
	st->cache[st->cached].stmt = ns;
	st->cached++;
	*s = ns;
	return STORE_OK;
}

void
store_stmt_done(sqlite3_stmt *s)
{
	if (s == NULL)
		return;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

enum store_result
store_bind_check(struct store *st, sqlite3_stmt *s, int rc)
{
	return rc == SQLITE_OK ? STORE_OK : stmt_fail(st, s, rc);
}

int
store_bind_text(sqlite3_stmt *s, int idx, const char *v)
{
	return sqlite3_bind_text(s, idx, v ? v : "", -1, SQLITE_TRANSIENT);
}

int
store_bind_opt(sqlite3_stmt *s, int idx, const char *v)
{
	return v != NULL ? sqlite3_bind_text(s, idx, v, -1, SQLITE_TRANSIENT) :
	    sqlite3_bind_null(s, idx);
}

int
store_bind_id(sqlite3_stmt *s, int idx, int64_t id)
{
	return id > 0 ? sqlite3_bind_int64(s, idx, id) : sqlite3_bind_null(s, idx);
}

enum store_result
store_step(struct store *st, sqlite3_stmt *s, bool *row)
{
	int rc = sqlite3_step(s);
	*row = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return STORE_OK;
	return stmt_fail(st, s, rc);
}

enum store_result
store_step_one(struct store *st, sqlite3_stmt *s)
{
	bool row;
	enum store_result r = store_step(st, s, &row);
	if (r != STORE_OK)
		return r;
	if (!row) {
		store_stmt_done(s);
		return STORE_NOT_FOUND;
	}
	return STORE_OK;
}

enum store_result
store_step_ints(struct store *st, sqlite3_stmt *s, int64_t *v, int n)
{
	for (int i = 0; i < n; i++)
		v[i] = 0;
	enum store_result r = store_step_one(st, s);
	if (r != STORE_OK)
		return r;
	for (int i = 0; i < n; i++)
		v[i] = sqlite3_column_int64(s, i);
	store_stmt_done(s);
	return STORE_OK;
}

enum store_result
store_step_done(struct store *st, sqlite3_stmt *s)
{
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE)
		return stmt_fail(st, s, rc);
	store_stmt_done(s);
	return STORE_OK;
}

enum store_result
store_step_insert(struct store *st, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	if ((rc & 0xff) == SQLITE_CONSTRAINT) {
		store_stmt_done(s);
		return STORE_CONFLICT;
	}
	if (rc != SQLITE_DONE)
		return stmt_fail(st, s, rc);
	store_stmt_done(s);
	return STORE_OK;
}

enum store_result
store_exec(struct store *st, const char *sql)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql, &s);
	return r != STORE_OK ? r : store_step_done(st, s);
}

enum store_result
store_rows(struct store *st, struct arena *a, sqlite3_stmt *s, size_t size, store_row_fn fn,
    void **out, size_t *count)
{
	unsigned char *rows = NULL, *spare = arena_alloc(a, size);
	size_t n = 0, cap = 0;
	*out = NULL;
	*count = 0;
	for (;;) {
		bool row;
		enum store_result r = store_step(st, s, &row);
		if (r != STORE_OK)
			return r;
		if (!row)
			break;
		memset(spare, 0, size);
		int keep = fn(a, s, spare);
		if (keep < 0) {
			store_stmt_done(s);
			return STORE_ERROR;
		}
		if (keep > 0)
			continue;
		if (n == cap)
			rows = arena_grow(a, rows, &cap, n, size);
		memcpy(rows + n * size, spare, size);
		n++;
	}
	store_stmt_done(s);
	*out = rows != NULL ? rows : arena_alloc(a, size);
	*count = n;
	return STORE_OK;
}

char *
store_column_dup(struct arena *a, sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	int n = sqlite3_column_bytes(s, col);
	if (t == NULL || n <= 0)
		return arena_strdup(a, "");
	return arena_strndup(a, (const char *)t, (size_t)n);
}

enum store_result
store_begin_write(struct store *st)
{
	return store_exec(st, sql_begin_immediate);
}

enum store_result
store_begin_read(struct store *st)
{
	return store_exec(st, sql_begin);
}

void
store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		(void)store_exec(st, sql_rollback);
	buf_reset(&st->audit_log);
}

bool
store_in_transaction(struct store *st)
{
	return !sqlite3_get_autocommit(st->db);
}

void
store_audit_log_line(struct store *st, int warn, const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	log_format(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (sqlite3_get_autocommit(st->db)) {
		log_msg(warn ? LOG_LEVEL_WARN : LOG_LEVEL_INFO, "%s", line);
		return;
	}
	buf_putc(&st->audit_log, warn ? 'w' : 'i');
	buf_puts(&st->audit_log, line);
	buf_putc(&st->audit_log, '\n');
}

/* The audit's lines of the transaction that just committed. */
static void
audit_log_flush(struct store *st)
{
	const char *p = buf_str(&st->audit_log), *end = p + st->audit_log.len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			break;
		log_msg(p[0] == 'w' ? LOG_LEVEL_WARN : LOG_LEVEL_INFO, "%.*s", (int)(nl - p - 1),
		    p + 1);
		p = nl + 1;
	}
	buf_reset(&st->audit_log);
}

/* COMMIT, or ROLLBACK when COMMIT itself failed (the transaction may still
 * be open then, e.g. after SQLITE_BUSY on a checkpoint-blocked commit). */
enum store_result
store_commit(struct store *st)
{
	enum store_result r = store_exec(st, sql_commit);
	if (r != STORE_OK)
		store_rollback(st);
	else
		audit_log_flush(st);
	return r;
}

enum store_result
store_ping(struct store *st)
{
	return store_exec(st, sql_ping);
}

/* nazar_fold(text): the search index's view of a comment (fold.h). */
static void
sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *t = (const char *)sqlite3_value_text(argv[0]);
	int n = sqlite3_value_bytes(argv[0]);
	if (t == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	struct buf b = { 0 };
	fold_append(&b, t, (size_t)n);
	sqlite3_result_text(ctx, buf_str(&b), (int)b.len, SQLITE_TRANSIENT);
	buf_free(&b);
}

static int64_t
monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for a lock a millisecond at a time until busy_timeout_ms has passed
 * since the first wait, each wait counted (metrics.h). SQLite's own steps
 * grow to 100 ms: with a few workers posting at once, a writer that had
 * just missed the lock slept on long after it was free (a commit holds it
 * for one flush, a few ms), and one post in a hundred took half a second. */
static int
busy_wait(void *arg, int count)
{
	struct store *st = arg;
	int64_t now = monotonic_ms();
	if (count == 0)
		st->busy_since_ms = now;
	if (now - st->busy_since_ms >= st->busy_timeout_ms)
		return 0;
	metrics_busy_retry();
	sqlite3_sleep(1);
	return 1;
}

enum store_result
store_open(const char *path, int busy_timeout_ms, struct store **out, char *err,
    size_t errlen)
{
	*out = NULL;
	if (errlen > 0)
		err[0] = '\0';
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium could not be initialised");
		return STORE_ERROR;
	}
	if (path == NULL || path[0] == '\0') {
		snprintf(err, errlen, "no database path given");
		return STORE_ERROR;
	}
	struct store *st = calloc(1, sizeof(*st));
	if (st == NULL)
		fatal("out of memory");
	/* Each worker owns its connection: no SQLite mutexes needed. Plain
	 * file names only (no URIs), so a path is always just a path. */
	int rc = sqlite3_open_v2(path, &st->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	const char *what = "open";
	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_extended_result_codes(st->db, 1);
	/* SQLite opens a file it cannot write (a read-only filesystem or
	 * file) read-only without a word; nazar must write, so it says so at
	 * start instead of failing every post later. */
	if (sqlite3_db_readonly(st->db, "main") == 1) {
		rc = SQLITE_READONLY;
		goto fail;
	}
	rc = sqlite3_create_function_v2(st->db, "nazar_fold", 1,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, sql_fold, NULL, NULL,
	    NULL);
	if (rc != SQLITE_OK)
		goto fail;
	st->busy_timeout_ms = busy_timeout_ms > 0 ? busy_timeout_ms : 0;
	rc = sqlite3_busy_handler(st->db, busy_wait, st);
	if (rc != SQLITE_OK)
		goto fail;
	for (size_t i = 0; i < sizeof(setup) / sizeof(setup[0]); i++) {
		sqlite3_stmt *s;
		what = setup[i];
		rc = sqlite3_prepare_v2(st->db, setup[i], -1, &s, NULL);
		if (rc != SQLITE_OK)
			goto fail;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW)
			/* journal_mode answers with the mode it got: WAL or bust,
			 * since readers must never wait for a writer. */
			if (i == 0 && sqlite3_stricmp((const char *)sqlite3_column_text(s, 0),
			    "wal") != 0) {
				log_error("database %s: cannot use WAL mode", path);
				rc = SQLITE_CANTOPEN;
				break;
			}
		sqlite3_finalize(s);
		if (rc != SQLITE_DONE)
			goto fail;
	}
	*out = st;
	return STORE_OK;

fail:;
	enum store_result r = store_db_fail(st->db, rc, what);
	snprintf(err, errlen, "%s: cannot open the database: %s", path, sqlite3_errstr(rc));
	sqlite3_close_v2(st->db);
	free(st);
	return r;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	for (int i = 0; i < st->cached; i++)
		sqlite3_finalize(st->cache[i].stmt);
	if (sqlite3_close(st->db) != SQLITE_OK)
		log_error("database: close: %s", sqlite3_errmsg(st->db));
	buf_free(&st->audit_log);
	free(st);
}
