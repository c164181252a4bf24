/* store.c — the SQLite database: schema migrations, comments, threads,
 * counts and the server secret; see store.h. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "arena.h"
#include "buf.h"
#include "json.h"
#include "log.h"
#include "store.h"
#include "store_db.h"
#include "fold.h"

#define SECRET_BYTES 32
/* Bounds on store_thread's paging arguments; the handlers stay far below. */
#define THREAD_MAX_PER_PAGE 1000
#define THREAD_MAX_PAGE 1000000

/* Every query nazar runs, prepared once per connection on first use (the
 * tables may not exist before the first migration) and kept until close. */
enum stmt {
	STMT_BEGIN,
	STMT_BEGIN_IMMEDIATE,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_USER_VERSION,
	STMT_PING,
	STMT_SECRET_GET,
	STMT_SECRET_PUT,
	STMT_PARENT,
	STMT_INSERT,
	STMT_GET,
	STMT_TOTALS,
	STMT_THREAD,
	STMT_COUNTS,
	STMT_LIST,
	STMT_SET_STATUS,
	STMT__MAX
};

static const char *const stmts[STMT__MAX] = {
	/* STMT_BEGIN: a read snapshot, so totals and rows agree */
	"BEGIN",
	/* STMT_BEGIN_IMMEDIATE: take the write lock before doing any work */
	"BEGIN IMMEDIATE",
	/* STMT_COMMIT */
	"COMMIT",
	/* STMT_ROLLBACK */
	"ROLLBACK",
	/* STMT_USER_VERSION */
	"PRAGMA user_version",
	/* STMT_PING */
	"SELECT count(*) FROM sqlite_schema",
	/* STMT_SECRET_GET */
	"SELECT value FROM settings WHERE key = 'secret'",
	/* STMT_SECRET_PUT */
	"INSERT INTO settings (key, value) VALUES ('secret', ?1)",
	/* STMT_PARENT */
	"SELECT article, status FROM comments WHERE id = ?1",
	/* STMT_INSERT */
	"INSERT INTO comments (article, parent, name, email, body, status, created, updated, "
	"remote_addr, user_agent, site_reply, reason, addr_group, body_hash) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
	/* STMT_GET */
	"SELECT " COMMENT_COLUMNS " FROM comments c WHERE c.id = ?1",
	/* STMT_TOTALS */
	"SELECT count(*), count(*) FILTER (WHERE parent IS NULL) FROM comments "
	"WHERE article = ?1 AND status = 'approved'",
	/* STMT_THREAD: ?1 article, ?2 limit, ?3 offset, ?4 JSON array of the
	 * reader's own ids, ?5 whether own held top-level comments belong
	 * on this page (page 1 only). The reader's own comments come back
	 * while pending and after a rejection (so they learn the outcome
	 * instead of seeing their words vanish); never as spam or deleted. UNION, not UNION ALL: a damaged
	 * database with a parent cycle must not make the recursion endless.
	 * Replies are found through the parent index: without it SQLite
	 * picks the (article, ...) index and rereads the whole article once
	 * per comment in the tree. */
	"WITH RECURSIVE"
	" own(id) AS (SELECT value FROM json_each(?4)),"
	" top(id) AS (SELECT id FROM comments"
	"  WHERE article = ?1 AND status = 'approved' AND parent IS NULL"
	"  ORDER BY created, id LIMIT ?2 OFFSET ?3),"
	" tree(id) AS ("
	"  SELECT id FROM top"
	"  UNION"
	"  SELECT id FROM comments"
	"   WHERE ?5 AND article = ?1 AND status IN ('pending', 'rejected') AND parent IS NULL"
	"   AND id IN own"
	"  UNION"
	"  SELECT c.id FROM tree t JOIN comments c INDEXED BY comments_parent"
	"   ON c.parent = t.id"
	"   WHERE c.article = ?1"
	"   AND (c.status = 'approved'"
	"    OR (c.status IN ('pending', 'rejected') AND c.id IN own)))"
	" SELECT " COMMENT_COLUMNS " FROM tree t JOIN comments c ON c.id = t.id"
	" ORDER BY c.created, c.id",
	/* STMT_COUNTS: ?1 JSON array of article ids; one row per element */
	"SELECT j.key, (SELECT count(*) FROM comments c"
	"  WHERE c.article = j.value AND c.status = 'approved')"
	" FROM json_each(?1) j",
	/* STMT_LIST: ?1 status or NULL, ?2 article or NULL, ?3 limit */
	"SELECT " COMMENT_COLUMNS " FROM comments c"
	" WHERE (?1 IS NULL OR c.status = ?1) AND (?2 IS NULL OR c.article = ?2)"
	" ORDER BY c.created DESC, c.id DESC LIMIT ?3",
	/* STMT_SET_STATUS */
	"UPDATE comments SET status = ?1, updated = ?2, version = version + 1 WHERE id = ?3",
};

/* The schema history: migrations[v] takes a database from user_version v to
 * v + 1. Later versions append steps; a released step never changes. */
static const char *const migrations[] = {
	/* 0 → 1 */
	"CREATE TABLE comments ("
	" id INTEGER PRIMARY KEY,"
	" article TEXT NOT NULL,"
	" parent INTEGER REFERENCES comments(id),"
	" name TEXT NOT NULL,"
	" email TEXT NOT NULL DEFAULT '',"
	" body TEXT NOT NULL,"
	" status TEXT NOT NULL"
	"  CHECK (status IN ('pending','approved','rejected','spam','deleted')),"
	" created INTEGER NOT NULL,"
	" updated INTEGER NOT NULL,"
	" remote_addr TEXT NOT NULL DEFAULT '',"
	" user_agent TEXT NOT NULL DEFAULT '',"
	" version INTEGER NOT NULL DEFAULT 1);"
	"CREATE INDEX comments_thread ON comments (article, status, parent, created, id);"
	"CREATE INDEX comments_queue ON comments (status, created);"
	"CREATE INDEX comments_parent ON comments (parent);"
	"CREATE TABLE settings (key TEXT PRIMARY KEY, value BLOB NOT NULL);"
	"PRAGMA user_version = 1;",

	/* 1 → 2: moderators, their sessions and sign-in failures, the audit
	 * trail, edit history, site replies, and the search index.
	 * comments_fts holds the folded name, e-mail and text of each comment
	 * under its id; the triggers keep it in step through nazar_fold(), an
	 * SQL function every nazar connection registers (see fold.h). The
	 * status counts make the queue's tabs cost nothing on a big table. */
	"CREATE TABLE users ("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	" display_name TEXT NOT NULL,"
	" role TEXT NOT NULL CHECK (role IN ('admin','moderator')),"
	" pwhash TEXT NOT NULL,"
	" disabled INTEGER NOT NULL DEFAULT 0,"
	" created INTEGER NOT NULL,"
	" updated INTEGER NOT NULL);"
	"CREATE TABLE sessions ("
	" token_hash BLOB PRIMARY KEY,"
	" user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" csrf BLOB NOT NULL,"
	" created INTEGER NOT NULL,"
	" last_seen INTEGER NOT NULL,"
	" remote_addr TEXT NOT NULL DEFAULT '',"
	" user_agent TEXT NOT NULL DEFAULT '') WITHOUT ROWID;"
	"CREATE INDEX sessions_user ON sessions (user_id);"
	"CREATE TABLE login_failures ("
	" id INTEGER PRIMARY KEY,"
	" username TEXT NOT NULL,"
	" remote_addr TEXT NOT NULL,"
	" at INTEGER NOT NULL);"
	"CREATE INDEX login_failures_user ON login_failures (username, at);"
	"CREATE INDEX login_failures_addr ON login_failures (remote_addr, at);"
	"CREATE TABLE audit ("
	" id INTEGER PRIMARY KEY,"
	" at INTEGER NOT NULL,"
	" user_id INTEGER REFERENCES users(id),"
	" actor TEXT NOT NULL,"
	" remote_addr TEXT NOT NULL DEFAULT '',"
	" action TEXT NOT NULL,"
	" comment_id INTEGER,"
	" target TEXT NOT NULL DEFAULT '',"
	" before TEXT NOT NULL DEFAULT '',"
	" after TEXT NOT NULL DEFAULT '',"
	" reason TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX audit_user ON audit (user_id, id);"
	"CREATE INDEX audit_comment ON audit (comment_id, id);"
	"CREATE TABLE comment_history ("
	" id INTEGER PRIMARY KEY,"
	" comment_id INTEGER NOT NULL REFERENCES comments(id),"
	" at INTEGER NOT NULL,"
	" user_id INTEGER REFERENCES users(id),"
	" body TEXT NOT NULL);"
	"CREATE INDEX comment_history_comment ON comment_history (comment_id, id);"
	"ALTER TABLE comments ADD COLUMN updated_by INTEGER REFERENCES users(id);"
	"ALTER TABLE comments ADD COLUMN site_reply INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE comments ADD COLUMN reason TEXT NOT NULL DEFAULT '';"
	"CREATE TABLE status_counts (status TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;"
	"INSERT INTO status_counts (status, n) VALUES"
	" ('pending', 0), ('approved', 0), ('rejected', 0), ('spam', 0), ('deleted', 0);"
	"UPDATE status_counts SET n = (SELECT count(*) FROM comments c"
	" WHERE c.status = status_counts.status);"
	"CREATE TRIGGER comments_count_insert AFTER INSERT ON comments BEGIN"
	" UPDATE status_counts SET n = n + 1 WHERE status = new.status; END;"
	"CREATE TRIGGER comments_count_delete AFTER DELETE ON comments BEGIN"
	" UPDATE status_counts SET n = n - 1 WHERE status = old.status; END;"
	"CREATE TRIGGER comments_count_update AFTER UPDATE OF status ON comments"
	" WHEN old.status <> new.status BEGIN"
	" UPDATE status_counts SET n = n - 1 WHERE status = old.status;"
	" UPDATE status_counts SET n = n + 1 WHERE status = new.status; END;"
	"CREATE VIRTUAL TABLE comments_fts USING fts5 (folded, tokenize = 'unicode61');"
	"INSERT INTO comments_fts (rowid, folded)"
	" SELECT id, nazar_fold(name || ' ' || email || ' ' || body) FROM comments;"
	"CREATE TRIGGER comments_fts_insert AFTER INSERT ON comments BEGIN"
	" INSERT INTO comments_fts (rowid, folded)"
	" VALUES (new.id, nazar_fold(new.name || ' ' || new.email || ' ' || new.body)); END;"
	"CREATE TRIGGER comments_fts_update AFTER UPDATE OF name, email, body ON comments BEGIN"
	" DELETE FROM comments_fts WHERE rowid = old.id;"
	" INSERT INTO comments_fts (rowid, folded)"
	" VALUES (new.id, nazar_fold(new.name || ' ' || new.email || ' ' || new.body)); END;"
	"CREATE TRIGGER comments_fts_delete AFTER DELETE ON comments BEGIN"
	" DELETE FROM comments_fts WHERE rowid = old.id; END;"
	"PRAGMA user_version = 2;",

	/* 2 → 3: the queue's tabs other than pending list the newest change
	 * first (ORDER BY updated DESC, id DESC); without this index every page
	 * sorts the whole tab (0.4 s for 850,000 approved comments). */
	"CREATE INDEX comments_changed ON comments (status, updated);"
	"PRAGMA user_version = 3;",

	/* 3 → 4: what the anti-spam checks count (antispam.h): the client's
	 * address group and a digest of the folded text of each new comment,
	 * indexed by time; and approved comments by author for trusted mode.
	 * Older comments have neither and never count towards a limit. */
	"ALTER TABLE comments ADD COLUMN addr_group TEXT;"
	"ALTER TABLE comments ADD COLUMN body_hash BLOB;"
	"CREATE INDEX comments_addr ON comments (addr_group, created);"
	"CREATE INDEX comments_addr_article ON comments (addr_group, article, created);"
	"CREATE INDEX comments_body_hash ON comments (body_hash, created);"
	"CREATE INDEX comments_author ON comments (lower(email), name)"
	" WHERE status = 'approved';"
	"PRAGMA user_version = 4;",

	/* 4 → 5: the blocklist (store_blocklist.h), unique per kind in its
	 * canonical form, and a generation the triggers raise on every change
	 * (hand edits too) so the workers know when to compile it again. */
	"CREATE TABLE blocklist ("
	" id INTEGER PRIMARY KEY,"
	" kind TEXT NOT NULL CHECK (kind IN ('word','email','address')),"
	" pattern TEXT NOT NULL,"
	" folded TEXT NOT NULL,"
	" action TEXT NOT NULL CHECK (action IN ('hold','spam')),"
	" note TEXT NOT NULL DEFAULT '',"
	" created INTEGER NOT NULL,"
	" created_by TEXT NOT NULL DEFAULT '');"
	"CREATE UNIQUE INDEX blocklist_kind_folded ON blocklist (kind, folded);"
	"INSERT OR IGNORE INTO settings (key, value) VALUES ('blocklist_generation', 0);"
	"CREATE TRIGGER blocklist_generation_insert AFTER INSERT ON blocklist BEGIN"
	" UPDATE settings SET value = value + 1 WHERE key = 'blocklist_generation'; END;"
	"CREATE TRIGGER blocklist_generation_update AFTER UPDATE ON blocklist BEGIN"
	" UPDATE settings SET value = value + 1 WHERE key = 'blocklist_generation'; END;"
	"CREATE TRIGGER blocklist_generation_delete AFTER DELETE ON blocklist BEGIN"
	" UPDATE settings SET value = value + 1 WHERE key = 'blocklist_generation'; END;"
	"PRAGMA user_version = 5;",
};

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == STORE_SCHEMA_VERSION,
    "one migration step per schema version");
_Static_assert(crypto_auth_KEYBYTES == SECRET_BYTES, "the secret is a crypto_auth key");

/* Connection set-up, run once at open. */
static const char *const setup[] = {
	"PRAGMA journal_mode = WAL",
	"PRAGMA synchronous = FULL",
	"PRAGMA foreign_keys = ON",
};

_Static_assert(STMT__MAX <= (int)(sizeof(((struct store *)0)->stmt) /
    sizeof(((struct store *)0)->stmt[0])), "room for store.c's statements");

static const char *const status_names[COMMENT_STATUS__MAX] = {
	"pending", "approved", "rejected", "spam", "deleted",
};


const char *
comment_status_name(enum comment_status s)
{
	if ((unsigned)s >= COMMENT_STATUS__MAX)
		return "unknown";
	return status_names[s];
}

int
comment_status_parse(const char *name, enum comment_status *out)
{
	if (name == NULL)
		return -1;
	for (int i = 0; i < COMMENT_STATUS__MAX; i++)
		if (strcmp(name, status_names[i]) == 0) {
			*out = (enum comment_status)i;
			return 0;
		}
	return -1;
}

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

static sqlite3_stmt *
stmt_get(struct store *st, enum stmt which, int *rc)
{
	if (st->stmt[which] == NULL) {
		*rc = sqlite3_prepare_v3(st->db, stmts[which], -1, SQLITE_PREPARE_PERSISTENT,
		    &st->stmt[which], NULL);
		if (*rc != SQLITE_OK) {
			st->stmt[which] = NULL;
			return NULL;
		}
	}
	*rc = SQLITE_OK;
	return st->stmt[which];
}

void
store_stmt_done(sqlite3_stmt *s)
{
	if (s == NULL)
		return;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

/* Runs a statement that returns no rows we need. */
static enum store_result
run(struct store *st, enum stmt which)
{
	int rc;
	sqlite3_stmt *s = stmt_get(st, which, &rc);
	if (s == NULL)
		return store_db_fail(st->db, rc, stmts[which]);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		;
	enum store_result r = rc == SQLITE_DONE ? STORE_OK : store_db_fail(st->db, rc, stmts[which]);
	store_stmt_done(s);
	return r;
}

void
store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		(void)run(st, STMT_ROLLBACK);
}

/* COMMIT, or ROLLBACK when COMMIT itself failed (the transaction may still
 * be open then, e.g. after SQLITE_BUSY on a checkpoint-blocked commit). */
enum store_result
store_commit(struct store *st)
{
	enum store_result r = run(st, STMT_COMMIT);
	if (r != STORE_OK)
		store_rollback(st);
	return r;
}

sqlite3_stmt *
store_prepare(struct store *st, const char *sql, int *rc)
{
	for (int i = 0; i < st->cached; i++)
		if (st->cache[i].sql == sql) {
			*rc = SQLITE_OK;
			return st->cache[i].stmt;
		}
	sqlite3_stmt *s;
	*rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
	if (*rc != SQLITE_OK)
		return NULL;
	/* A full cache means more statements in the code than slots: a
	 * programming error, reported loudly rather than leaking statements. */
	if (st->cached == STORE_CACHE_MAX) {
		sqlite3_finalize(s);
		log_error("database: statement cache full; raise STORE_CACHE_MAX");
		*rc = SQLITE_NOMEM;
		return NULL;
	}
	st->cache[st->cached].sql = sql;
	st->cache[st->cached].stmt = s;
	st->cached++;
	return s;
}

enum store_result
store_begin_write(struct store *st)
{
	return run(st, STMT_BEGIN_IMMEDIATE);
}

enum store_result
store_begin_read(struct store *st)
{
	return run(st, STMT_BEGIN);
}

enum store_result
store_step_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		;
	enum store_result r = rc == SQLITE_DONE ? STORE_OK : store_db_fail(st->db, rc, what);
	store_stmt_done(s);
	return r;
}

static enum store_result
bind_check(struct store *st, int rc)
{
	return rc == SQLITE_OK ? STORE_OK : store_db_fail(st->db, rc, "bind");
}

/* Binds s (NULL as ''), so optional fields satisfy NOT NULL columns. */
int
store_bind_text(sqlite3_stmt *s, int idx, const char *v)
{
	return sqlite3_bind_text(s, idx, v ? v : "", -1, SQLITE_TRANSIENT);
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

/* Reads a row of COMMENT_COLUMNS; -1 when the status is not one we know
 * (only possible in a database edited by hand). */
int
store_row_comment(struct arena *a, sqlite3_stmt *s, struct comment *c)
{
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(s, 0);
	c->article = store_column_dup(a, s, 1);
	c->parent = sqlite3_column_int64(s, 2);
	c->name = store_column_dup(a, s, 3);
	c->email = store_column_dup(a, s, 4);
	c->body = store_column_dup(a, s, 5);
	c->created = sqlite3_column_int64(s, 7);
	c->remote_addr = store_column_dup(a, s, 8);
	c->user_agent = store_column_dup(a, s, 9);
	c->version = sqlite3_column_int64(s, 10);
	c->updated = sqlite3_column_int64(s, 11);
	c->site_reply = sqlite3_column_int(s, 12) != 0;
	c->reason = store_column_dup(a, s, 13);
	if (comment_status_parse((const char *)sqlite3_column_text(s, 6), &c->status) != 0) {
		log_error("database: comment %lld has an unknown status", (long long)c->id);
		return -1;
	}
	return 0;
}

/* Appends to an arena array that doubles when full. */
static struct comment *
rows_push(struct arena *a, struct comment **rows, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct comment *nr = arena_calloc(a, ncap, sizeof(*nr));
		if (*n > 0)
			memcpy(nr, *rows, *n * sizeof(*nr));
		*rows = nr;
		*cap = ncap;
	}
	return &(*rows)[(*n)++];
}

/* Steps a statement returning COMMENT_COLUMNS into an arena array. */
enum store_result
store_collect(struct store *st, struct arena *a, sqlite3_stmt *s, const char *what,
    struct comment **out, size_t *count)
{
	struct comment *rows = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (store_row_comment(a, s, rows_push(a, &rows, &n, &cap)) != 0)
			return STORE_ERROR;
	if (rc != SQLITE_DONE)
		return store_db_fail(st->db, rc, what);
	*out = rows ? rows : arena_calloc(a, 1, sizeof(*rows));
	*count = n;
	return STORE_OK;
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
	rc = sqlite3_create_function_v2(st->db, "nazar_fold", 1,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, sql_fold, NULL, NULL,
	    NULL);
	if (rc != SQLITE_OK)
		goto fail;
	rc = sqlite3_busy_timeout(st->db, busy_timeout_ms > 0 ? busy_timeout_ms : 0);
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
	for (int i = 0; i < STMT__MAX; i++)
		sqlite3_finalize(st->stmt[i]);
	for (int i = 0; i < st->cached; i++)
		sqlite3_finalize(st->cache[i].stmt);
	if (sqlite3_close(st->db) != SQLITE_OK)
		log_error("database: close: %s", sqlite3_errmsg(st->db));
	free(st);
}

static enum store_result
user_version(struct store *st, int *v)
{
	int rc;
	sqlite3_stmt *s = stmt_get(st, STMT_USER_VERSION, &rc);
	if (s == NULL)
		return store_db_fail(st->db, rc, "user_version");
	rc = sqlite3_step(s);
	enum store_result r = STORE_OK;
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int(s, 0);
	else
		r = store_db_fail(st->db, rc, "user_version");
	store_stmt_done(s);
	return r;
}

/* Creates the secret unless there is one; inside the migration transaction. */
static enum store_result
ensure_secret(struct store *st)
{
	unsigned char key[SECRET_BYTES];
	enum store_result r = store_secret(st, key);
	sodium_memzero(key, sizeof(key));
	if (r != STORE_NOT_FOUND)
		return r;
	int rc;
	sqlite3_stmt *s = stmt_get(st, STMT_SECRET_PUT, &rc);
	if (s == NULL)
		return store_db_fail(st->db, rc, "secret");
	randombytes_buf(key, sizeof(key));
	rc = sqlite3_bind_blob(s, 1, key, sizeof(key), SQLITE_TRANSIENT);
	sodium_memzero(key, sizeof(key));
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	r = rc == SQLITE_DONE ? STORE_OK : store_db_fail(st->db, rc, "secret");
	store_stmt_done(s);
	return r;
}

enum store_result
store_migrate(struct store *st, int *from, char *err, size_t errlen)
{
	if (errlen > 0)
		err[0] = '\0';
	*from = 0;
	/* The write lock first: two processes starting at once must not both
	 * see version 0 and both create tables. */
	enum store_result r = run(st, STMT_BEGIN_IMMEDIATE);
	if (r != STORE_OK)
		goto fail;
	int v;
	if ((r = user_version(st, &v)) != STORE_OK)
		goto fail;
	*from = v;
	if (v > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen,
		    "database schema version %d is newer than this nazar (%d); upgrade nazar",
		    v, STORE_SCHEMA_VERSION);
		r = STORE_ERROR;
		goto fail;
	}
	if (v < 0) {
		snprintf(err, errlen, "database schema version %d is not valid", v);
		r = STORE_ERROR;
		goto fail;
	}
	for (; v < STORE_SCHEMA_VERSION; v++) {
		char *msg = NULL;
		int rc = sqlite3_exec(st->db, migrations[v], NULL, NULL, &msg);
		if (rc != SQLITE_OK) {
			log_error("database: migration %d to %d: %s", v, v + 1,
			    msg ? msg : sqlite3_errstr(rc));
			sqlite3_free(msg);
			snprintf(err, errlen, "migration from schema version %d to %d failed",
			    v, v + 1);
			r = (rc & 0xff) == SQLITE_BUSY ? STORE_BUSY : STORE_ERROR;
			goto fail;
		}
	}
	if ((r = ensure_secret(st)) != STORE_OK)
		goto fail;
	if ((r = store_commit(st)) != STORE_OK)
		goto fail;
	return STORE_OK;

fail:
	store_rollback(st);
	if (errlen > 0 && err[0] == '\0')
		snprintf(err, errlen, "the database schema could not be %s (see the log)",
		    r == STORE_BUSY ? "updated while the database is locked" : "updated");
	return r;
}

enum store_result
store_check_schema(struct store *st, char *err, size_t errlen)
{
	if (errlen > 0)
		err[0] = '\0';
	int v;
	enum store_result r = user_version(st, &v);
	if (r != STORE_OK) {
		snprintf(err, errlen, "the database schema version could not be read");
		return r;
	}
	if (v == STORE_SCHEMA_VERSION)
		return STORE_OK;
	if (v > STORE_SCHEMA_VERSION)
		snprintf(err, errlen,
		    "database schema version %d is newer than this nazar (%d); upgrade nazar",
		    v, STORE_SCHEMA_VERSION);
	else
		snprintf(err, errlen,
		    "database schema version %d is older than this nazar (%d); run nazarctl init",
		    v, STORE_SCHEMA_VERSION);
	return STORE_ERROR;
}

enum store_result
store_ping(struct store *st)
{
	return run(st, STMT_PING);
}

enum store_result
store_secret(struct store *st, unsigned char key[32])
{
	int rc;
	sqlite3_stmt *s = stmt_get(st, STMT_SECRET_GET, &rc);
	if (s == NULL)
		return store_db_fail(st->db, rc, "secret");
	enum store_result r;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_type(s, 0) == SQLITE_BLOB &&
		    sqlite3_column_bytes(s, 0) == SECRET_BYTES) {
			memcpy(key, sqlite3_column_blob(s, 0), SECRET_BYTES);
			r = STORE_OK;
		} else {
			log_error("database: the stored secret is not %d bytes", SECRET_BYTES);
			r = STORE_ERROR;
		}
	} else if (rc == SQLITE_DONE)
		r = STORE_NOT_FOUND;
	else
		r = store_db_fail(st->db, rc, "secret");
	store_stmt_done(s);
	return r;
}

/* STORE_OK when parent exists, is approved and belongs to article. */
enum store_result
store_parent_ok(struct store *st, int64_t parent, const char *article)
{
	int rc;
	sqlite3_stmt *s = stmt_get(st, STMT_PARENT, &rc);
	if (s == NULL)
		return store_db_fail(st->db, rc, "parent");
	enum store_result r;
	if ((r = bind_check(st, sqlite3_bind_int64(s, 1, parent))) != STORE_OK)
		goto out;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const char *pa = (const char *)sqlite3_column_text(s, 0);
		const char *ps = (const char *)sqlite3_column_text(s, 1);
		r = pa != NULL && ps != NULL && strcmp(pa, article) == 0 &&
		    strcmp(ps, "approved") == 0 ? STORE_OK : STORE_CONFLICT;
	} else if (rc == SQLITE_DONE)
		r = STORE_CONFLICT;
	else
		r = store_db_fail(st->db, rc, "parent");
out:
	store_stmt_done(s);
	return r;
}

enum store_result
store_insert_row(struct store *st, const struct comment *c, const char *addr_group,
    const unsigned char *body_hash, size_t hash_len, time_t now, int64_t *id)
{
	int rc;
	sqlite3_stmt *s = stmt_get(st, STMT_INSERT, &rc);
	if (s == NULL)
		return store_db_fail(st->db, rc, "insert");
	rc = store_bind_text(s, 1, c->article);
	if (rc == SQLITE_OK)
		rc = c->parent > 0 ? sqlite3_bind_int64(s, 2, c->parent) : sqlite3_bind_null(s, 2);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 3, c->name);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 4, c->email);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 5, c->body);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 6, status_names[c->status]);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 7, (sqlite3_int64)now);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 8, c->remote_addr);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 9, c->user_agent);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 10, c->site_reply ? 1 : 0);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 11, c->reason);
	if (rc == SQLITE_OK)
		rc = addr_group != NULL ? store_bind_text(s, 12, addr_group) :
		    sqlite3_bind_null(s, 12);
	if (rc == SQLITE_OK)
		rc = body_hash != NULL ? sqlite3_bind_blob(s, 13, body_hash, (int)hash_len,
		    SQLITE_TRANSIENT) : sqlite3_bind_null(s, 13);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	enum store_result r = STORE_OK;
	if (rc != SQLITE_DONE)
		r = store_db_fail(st->db, rc, "insert");
	else
		*id = sqlite3_last_insert_rowid(st->db);
	store_stmt_done(s);
	return r;
}

enum store_result
store_insert_comment(struct store *st, struct comment *c, time_t now)
{
	if (c->article == NULL || c->name == NULL || c->body == NULL ||
	    (unsigned)c->status >= COMMENT_STATUS__MAX) {
		log_error("database: insert: incomplete comment");
		return STORE_ERROR;
	}
	if (c->parent < 0)
		return STORE_CONFLICT;
	enum store_result r = run(st, STMT_BEGIN_IMMEDIATE);
	if (r != STORE_OK)
		return r;
	int64_t id = 0;
	if (c->parent > 0 && (r = store_parent_ok(st, c->parent, c->article)) != STORE_OK)
		goto fail;
	if ((r = store_insert_row(st, c, NULL, NULL, 0, now, &id)) != STORE_OK)
		goto fail;
	/* Only a committed comment is reported back as stored. */
	if ((r = store_commit(st)) != STORE_OK)
		return r;
	c->id = id;
	c->created = (int64_t)now;
	return STORE_OK;

fail:
	store_rollback(st);
	return r;
}

enum store_result
store_get_comment(struct store *st, struct arena *a, int64_t id, struct comment *out)
{
	int rc;
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *s = stmt_get(st, STMT_GET, &rc);
	if (s == NULL)
		return store_db_fail(st->db, rc, "get");
	enum store_result r;
	if ((r = bind_check(st, sqlite3_bind_int64(s, 1, id))) != STORE_OK)
		goto out;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		r = store_row_comment(a, s, out) == 0 ? STORE_OK : STORE_ERROR;
	else if (rc == SQLITE_DONE)
		r = STORE_NOT_FOUND;
	else
		r = store_db_fail(st->db, rc, "get");
out:
	store_stmt_done(s);
	return r;
}

/* "[1,2,3]": the reader's ids for json_each; only positive ones. */
static void
ids_json(struct buf *b, const int64_t *ids, size_t n)
{
	buf_putc(b, '[');
	int first = 1;
	for (size_t i = 0; ids != NULL && i < n; i++) {
		if (ids[i] <= 0)
			continue;
		buf_printf(b, "%s%lld", first ? "" : ",", (long long)ids[i]);
		first = 0;
	}
	buf_putc(b, ']');
}

static enum store_result
thread_totals(struct store *st, const char *article, long long *approved, long long *top)
{
	int rc;
	sqlite3_stmt *s = stmt_get(st, STMT_TOTALS, &rc);
	if (s == NULL)
		return store_db_fail(st->db, rc, "totals");
	enum store_result r;
	if ((r = bind_check(st, store_bind_text(s, 1, article))) != STORE_OK)
		goto out;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*approved = sqlite3_column_int64(s, 0);
		*top = sqlite3_column_int64(s, 1);
	} else
		r = store_db_fail(st->db, rc, "totals");
out:
	store_stmt_done(s);
	return r;
}

enum store_result
store_thread(struct store *st, struct arena *a, const char *article, int page, int per_page,
    const int64_t *own_ids, size_t own_count, struct comment **out, size_t *count,
    long long *approved_total, long long *top_total)
{
	*out = NULL;
	*count = 0;
	*approved_total = *top_total = 0;
	if (article == NULL || page < 1 || page > THREAD_MAX_PAGE || per_page < 1 ||
	    per_page > THREAD_MAX_PER_PAGE) {
		log_error("database: thread: invalid arguments (page %d, per page %d)", page,
		    per_page);
		return STORE_ERROR;
	}
	struct buf own = { 0 };
	ids_json(&own, own_ids, own_count);
	sqlite3_stmt *s = NULL;
	enum store_result r = run(st, STMT_BEGIN);
	if (r != STORE_OK)
		goto out;
	if ((r = thread_totals(st, article, approved_total, top_total)) != STORE_OK)
		goto out;
	int rc;
	if ((s = stmt_get(st, STMT_THREAD, &rc)) == NULL) {
		r = store_db_fail(st->db, rc, "thread");
		goto out;
	}
	rc = store_bind_text(s, 1, article);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 2, per_page);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 3, (sqlite3_int64)(page - 1) * per_page);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(s, 4, buf_str(&own), (int)own.len, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 5, page == 1);
	if ((r = bind_check(st, rc)) != STORE_OK)
		goto out;
	r = store_collect(st, a, s, "thread", out, count);
out:
	store_stmt_done(s);
	/* A read transaction: ending it cannot lose anything. */
	store_rollback(st);
	buf_free(&own);
	if (r != STORE_OK) {
		*out = NULL;
		*count = 0;
	}
	return r;
}

enum store_result
store_counts(struct store *st, const char *const *articles, size_t n, long long *counts)
{
	for (size_t i = 0; i < n; i++)
		counts[i] = 0;
	if (n == 0)
		return STORE_OK;
	struct buf list = { 0 };
	buf_putc(&list, '[');
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(&list, ',');
		json_string_str(&list, articles[i] ? articles[i] : "");
	}
	buf_putc(&list, ']');
	int rc;
	enum store_result r = STORE_OK;
	sqlite3_stmt *s = stmt_get(st, STMT_COUNTS, &rc);
	if (s == NULL) {
		r = store_db_fail(st->db, rc, "counts");
		goto out;
	}
	if (list.len > INT_MAX) {
		r = STORE_ERROR;
		goto out;
	}
	rc = sqlite3_bind_text(s, 1, buf_str(&list), (int)list.len, SQLITE_STATIC);
	if ((r = bind_check(st, rc)) != STORE_OK)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		sqlite3_int64 k = sqlite3_column_int64(s, 0);
		if (k >= 0 && (uint64_t)k < n)
			counts[k] = sqlite3_column_int64(s, 1);
	}
	if (rc != SQLITE_DONE)
		r = store_db_fail(st->db, rc, "counts");
out:
	store_stmt_done(s);
	buf_free(&list);
	return r;
}

enum store_result
store_list(struct store *st, struct arena *a, int status, const char *article, int limit,
    struct comment **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	if (status >= COMMENT_STATUS__MAX) {
		log_error("database: list: invalid status %d", status);
		return STORE_ERROR;
	}
	int rc;
	sqlite3_stmt *s = stmt_get(st, STMT_LIST, &rc);
	if (s == NULL)
		return store_db_fail(st->db, rc, "list");
	rc = status < 0 ? sqlite3_bind_null(s, 1) : store_bind_text(s, 1, status_names[status]);
	if (rc == SQLITE_OK)
		rc = article == NULL ? sqlite3_bind_null(s, 2) : store_bind_text(s, 2, article);
	/* SQLite reads a negative LIMIT as "no limit": not what limit means. */
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 3, limit > 0 ? limit : 0);
	enum store_result r = bind_check(st, rc);
	if (r == STORE_OK)
		r = store_collect(st, a, s, "list", out, count);
	store_stmt_done(s);
	return r;
}

enum store_result
store_set_status(struct store *st, int64_t id, enum comment_status status, time_t now)
{
	if ((unsigned)status >= COMMENT_STATUS__MAX) {
		log_error("database: set status: invalid status %d", (int)status);
		return STORE_ERROR;
	}
	enum store_result r = run(st, STMT_BEGIN_IMMEDIATE);
	if (r != STORE_OK)
		return r;
	int rc;
	sqlite3_stmt *s = stmt_get(st, STMT_SET_STATUS, &rc);
	if (s == NULL) {
		r = store_db_fail(st->db, rc, "set status");
		goto fail;
	}
	rc = store_bind_text(s, 1, status_names[status]);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 3, id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc != SQLITE_DONE) {
		r = store_db_fail(st->db, rc, "set status");
		goto fail;
	}
	store_stmt_done(s);
	s = NULL;
	if (sqlite3_changes(st->db) == 0) {
		r = STORE_NOT_FOUND;
		goto fail;
	}
	return store_commit(st);

fail:
	store_stmt_done(s);
	store_rollback(st);
	return r;
}

char *
store_thread_plan(struct store *st, struct arena *a)
{
	struct buf sql = { 0 }, plan = { 0 };
	sqlite3_stmt *s = NULL;
	char *res = NULL;
	buf_puts(&sql, "EXPLAIN QUERY PLAN ");
	buf_puts(&sql, stmts[STMT_THREAD]);
	int rc = sqlite3_prepare_v2(st->db, buf_str(&sql), -1, &s, NULL);
	if (rc != SQLITE_OK) {
		(void)store_db_fail(st->db, rc, "explain");
		goto out;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *d = (const char *)sqlite3_column_text(s, 3);
		buf_puts(&plan, d ? d : "");
		buf_putc(&plan, '\n');
	}
	if (rc != SQLITE_DONE) {
		(void)store_db_fail(st->db, rc, "explain");
		goto out;
	}
	res = arena_strdup(a, buf_str(&plan));
out:
	sqlite3_finalize(s);
	buf_free(&sql);
	buf_free(&plan);
	return res;
}
