/* test_store.c — the database layer against real SQLite files in a
 * temporary directory: migrations, replies, threads, paging, counts, locks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "arena.h"
#include "store.h"
#include "store_articles.h"
#include "store_audit.h"
#include "store_db.h"
#include "store_fixture.h"

#define T0 1700000000


static void
path_in(const struct store_fixture *f, char *out, size_t len, const char *name)
{
	int n = snprintf(out, len, "%s/%s", f->dir, name);
	assert_true(n > 0 && (size_t)n < len);
}

static int
setup(void **state)
{
	*state = store_fixture_new("store");
	return 0;
}

static void
rm_in(const struct store_fixture *f, const char *name)
{
	char p[160];
	path_in(f, p, sizeof(p), name);
	(void)unlink(p);
}

static int
teardown(void **state)
{
	store_fixture_free(*state);
	return 0;
}

/* Inserts a comment and returns its id (asserting success). */
static int64_t
add(struct store_fixture *f, const char *article, int64_t parent, enum comment_status s, time_t when)
{
	struct comment c = {
		.article = (char *)article, .parent = parent, .name = (char *)"n",
		.body = (char *)"b", .status = s,
	};
	assert_int_equal(store_insert_comment(f->st, &c, when), STORE_OK);
	assert_true(c.id > 0);
	return c.id;
}

static int
raw_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	int rc = sqlite3_open(path, &db);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

/* nazar_fold as the raw connections of these tests see it: the text as it
 * is (the triggers of the search index call it). */
static void
fold_as_is(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_value(ctx, argv[0]);
}

/* raw_exec on a connection that has nazar_fold, for writes to comments. */
static int
raw_exec_fold(const char *path, const char *sql)
{
	sqlite3 *db;
	int rc = sqlite3_open(path, &db);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "nazar_fold", 1, SQLITE_UTF8, NULL, fold_as_is,
		    NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

static int
raw_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int v = -1;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static size_t
total_rows(struct store_fixture *f)
{
	struct comment *rows;
	size_t n;
	assert_int_equal(store_list(f->st, f->a, -1, NULL, 100000, &rows, &n), STORE_OK);
	return n;
}

static void
status_names(void **state)
{
	(void)state;
	enum comment_status s;
	assert_string_equal(comment_status_name(COMMENT_PENDING), "pending");
	assert_string_equal(comment_status_name(COMMENT_DELETED), "deleted");
	assert_int_equal(comment_status_parse("spam", &s), 0);
	assert_int_equal(s, COMMENT_SPAM);
	assert_int_equal(comment_status_parse("approved", &s), 0);
	assert_int_equal(s, COMMENT_APPROVED);
	assert_int_equal(comment_status_parse("Approved", &s), -1);
	assert_int_equal(comment_status_parse("", &s), -1);
	assert_int_equal(comment_status_parse(NULL, &s), -1);
	assert_int_equal(comment_status_parse("pending ", &s), -1);
}

static void
migrate_fresh(void **state)
{
	struct store_fixture *f = *state;
	char err[256];
	assert_int_equal(store_check_schema(f->st, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_ping(f->st), STORE_OK);
	assert_int_equal(raw_int(f->path, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(raw_int(f->path,
	    "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
	assert_int_equal(raw_int(f->path,
	    "SELECT count(*) FROM sqlite_schema WHERE name IN ('comments', 'settings', "
	    "'comments_thread', 'comments_queue', 'comments_parent')"), 5);
	/* An unmigrated database is reported, and refused by check_schema. */
	char fresh[160];
	path_in(f, fresh, sizeof(fresh), "fresh.db");
	struct store *st;
	assert_int_equal(store_open(fresh, 100, &st, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_check_schema(st, err, sizeof(err)), STORE_ERROR);
	char want[160];
	snprintf(want, sizeof(want),
	    "database schema version 0 is older than this nazar (%d); run nazarctl init",
	    STORE_SCHEMA_VERSION);
	assert_string_equal(err, want);
	struct comment c = { .article = (char *)"a", .name = (char *)"n", .body = (char *)"b" };
	assert_int_equal(store_insert_comment(st, &c, T0), STORE_ERROR);
	unsigned char key[32];
	assert_int_equal(store_secret(st, key), STORE_ERROR);
	store_close(st);
}

static void
migrate_twice(void **state)
{
	struct store_fixture *f = *state;
	char err[256];
	unsigned char k1[32], k2[32];
	assert_int_equal(store_secret(f->st, k1), STORE_OK);
	int64_t id = add(f, "a", 0, COMMENT_APPROVED, T0);
	int from = -1;
	assert_int_equal(store_migrate(f->st, &from, err, sizeof(err)), STORE_OK);
	assert_int_equal(from, STORE_SCHEMA_VERSION);
	assert_int_equal(store_migrate(f->st, &from, err, sizeof(err)), STORE_OK);
	assert_int_equal(from, STORE_SCHEMA_VERSION);
	assert_int_equal(store_secret(f->st, k2), STORE_OK);
	assert_memory_equal(k1, k2, 32);
	struct comment c;
	assert_int_equal(store_get_comment(f->st, f->a, id, &c), STORE_OK);
	assert_int_equal(total_rows(f), 1);
}

/* A database written by nazar 0.1 (schema 1), with comments in it, as a
 * file on a server would be: migrated in place, nothing lost, the search
 * index and the status counts built from the existing rows. */
static void
migrate_from_v1(void **state)
{
	struct store_fixture *f = *state;
	char old[160], err[256];
	path_in(f, old, sizeof(old), "other.db");
	assert_int_equal(raw_exec(old,
	    "PRAGMA journal_mode = WAL;"
	    "CREATE TABLE comments (id INTEGER PRIMARY KEY, article TEXT NOT NULL,"
	    " parent INTEGER REFERENCES comments(id), name TEXT NOT NULL,"
	    " email TEXT NOT NULL DEFAULT '', body TEXT NOT NULL, status TEXT NOT NULL"
	    " CHECK (status IN ('pending','approved','rejected','spam','deleted')),"
	    " created INTEGER NOT NULL, updated INTEGER NOT NULL,"
	    " remote_addr TEXT NOT NULL DEFAULT '', user_agent TEXT NOT NULL DEFAULT '',"
	    " version INTEGER NOT NULL DEFAULT 1);"
	    "CREATE INDEX comments_thread ON comments (article, status, parent, created, id);"
	    "CREATE INDEX comments_queue ON comments (status, created);"
	    "CREATE INDEX comments_parent ON comments (parent);"
	    "CREATE TABLE settings (key TEXT PRIMARY KEY, value BLOB NOT NULL);"
	    "INSERT INTO settings VALUES ('secret', zeroblob(32));"
	    "INSERT INTO comments (article, name, body, status, created, updated) VALUES"
	    " ('a', 'علي', 'كتاب خوب', 'pending', 10, 10),"
	    " ('a', 'Sara', 'Nice library', 'approved', 11, 11),"
	    " ('b', 'x', 'spam spam', 'spam', 12, 12);"
	    "PRAGMA user_version = 1;"), SQLITE_OK);
	struct store *st;
	assert_int_equal(store_open(old, 1000, &st, err, sizeof(err)), STORE_OK);
	int from = -1;
	assert_int_equal(store_migrate(st, &from, err, sizeof(err)), STORE_OK);
	assert_int_equal(from, 1);
	assert_int_equal(store_check_schema(st, err, sizeof(err)), STORE_OK);
	struct comment c;
	assert_int_equal(store_get_comment(st, f->a, 1, &c), STORE_OK);
	assert_string_equal(c.body, "كتاب خوب");
	assert_int_equal(c.version, 1);
	assert_false(c.site_reply);
	assert_string_equal(c.reason, "");
	store_close(st);
	assert_int_equal(raw_int(old, "SELECT n FROM status_counts WHERE status = 'pending'"), 1);
	assert_int_equal(raw_int(old, "SELECT n FROM status_counts WHERE status = 'spam'"), 1);
	assert_int_equal(raw_int(old, "SELECT count(*) FROM comments_fts"), 3);
	/* Folded: Arabic kaf and yeh were indexed as the Persian letters. */
	assert_int_equal(raw_int(old,
	    "SELECT rowid FROM comments_fts WHERE comments_fts MATCH '\"کتاب\"'"), 1);
	assert_int_equal(raw_int(old,
	    "SELECT rowid FROM comments_fts WHERE comments_fts MATCH '\"علی\"'"), 1);
	/* Comments held before the outbox existed announce nothing. */
	assert_int_equal(raw_int(old, "SELECT count(*) FROM outbox"), 0);
	assert_int_equal(raw_int(old, "SELECT count(*) FROM pragma_table_info('users')"
	    " WHERE name IN ('email', 'notify')"), 2);
	/* Comments from before imports came from nowhere else; one id of one
	 * system is one comment. */
	assert_int_equal(raw_int(old,
	    "SELECT count(*) FROM comments WHERE source_system IS NULL AND source_id IS NULL"
	    " AND source_parent IS NULL"), 3);
	assert_int_equal(raw_exec(old,
	    "UPDATE comments SET source_system = 'wxr', source_id = '7' WHERE id = 1"),
	    SQLITE_OK);
	assert_int_not_equal(raw_exec(old,
	    "UPDATE comments SET source_system = 'wxr', source_id = '7' WHERE id = 2"),
	    SQLITE_OK);
	assert_int_equal(raw_exec(old,
	    "UPDATE comments SET source_system = 'disqus', source_id = '7' WHERE id = 2"),
	    SQLITE_OK);
	/* Comments from before votes have none; a vote moves the counts on
	 * its comment (the triggers of schema 9), a second one by the same
	 * voter is refused. */
	assert_int_equal(raw_int(old,
	    "SELECT count(*) FROM comments WHERE agree = 0 AND disagree = 0"), 3);
	assert_int_equal(raw_exec(old,
	    "INSERT INTO votes VALUES (2, x'01', 1, 'g', 20), (2, x'02', -1, 'g', 21),"
	    " (2, x'03', 1, 'g', 22)"), SQLITE_OK);
	assert_int_equal(raw_int(old, "SELECT agree * 10 + disagree FROM comments WHERE id = 2"),
	    21);
	assert_int_not_equal(raw_exec(old, "INSERT INTO votes VALUES (2, x'01', -1, 'g', 23)"),
	    SQLITE_OK);
	assert_int_equal(raw_exec(old, "UPDATE votes SET value = -1 WHERE voter = x'01';"
	    "DELETE FROM votes WHERE voter = x'03'"), SQLITE_OK);
	assert_int_equal(raw_int(old, "SELECT agree * 10 + disagree FROM comments WHERE id = 2"),
	    2);
	rm_in(f, "other.db");
	rm_in(f, "other.db-wal");
	rm_in(f, "other.db-shm");
}

/* A database of schema 9 with an outbox in use (a held comment's rows, a
 * digest and its members): schema 10 makes the outbox again for its new
 * kinds; every row, its state and its digest survive, and the held
 * comment trigger still writes to the new table. */
static void
migrate_from_v9(void **state)
{
	struct store_fixture *f = *state;
	char old[160], err[256];
	path_in(f, old, sizeof(old), "v9.db");
	struct store *st;
	assert_int_equal(store_open(old, 1000, &st, err, sizeof(err)), STORE_OK);
	int from = -1;
	assert_int_equal(store_migrate_to(st, 9, &from, err, sizeof(err)), STORE_OK);
	assert_int_equal(from, 0);
	assert_int_equal(raw_int(old, "PRAGMA user_version"), 9);
	assert_int_equal(raw_exec_fold(old,
	    "INSERT INTO users (name, display_name, role, pwhash, created, updated, email, notify)"
	    " VALUES ('sara', 'Sara', 'moderator', 'h', 1, 1, 'sara@example.org', 'daily');"
	    "INSERT INTO comments (article, name, body, status, created, updated) VALUES"
	    " ('a', 'x', 'held one', 'pending', 10, 10), ('a', 'y', 'held two', 'pending', 11, 11);"
	    "INSERT INTO outbox (kind, recipient, user_id, batch, created, due)"
	    " VALUES ('digest', 'sara@example.org', 1, 'daily', 12, 12);"
	    "UPDATE outbox SET state = 'merged', digest_of = 3 WHERE id IN (1, 2);"
	    "UPDATE outbox SET state = 'failed', last_error = 'boom', attempts = 8 WHERE id = 3;"),
	    SQLITE_OK);
	assert_int_equal(raw_int(old, "SELECT count(*) FROM outbox"), 3);
	assert_int_equal(store_migrate(st, &from, err, sizeof(err)), STORE_OK);
	assert_int_equal(from, 9);
	store_close(st);
	assert_int_equal(raw_int(old, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(raw_int(old, "SELECT count(*) FROM outbox WHERE digest_of = 3"
	    " AND state = 'merged'"), 2);
	assert_int_equal(raw_int(old, "SELECT attempts FROM outbox WHERE id = 3"
	    " AND state = 'failed' AND last_error = 'boom'"), 8);
	assert_int_equal(raw_int(old, "SELECT count(*) FROM sqlite_master WHERE name = 'outbox_old'"),
	    0);
	assert_int_equal(raw_int(old, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	assert_int_equal(raw_exec_fold(old,
	    "INSERT INTO comments (article, name, body, status, created, updated) VALUES"
	    " ('a', 'z', 'held three', 'pending', 13, 13);"), SQLITE_OK);
	assert_int_equal(raw_int(old, "SELECT count(*) FROM outbox WHERE kind = 'held'"), 3);
	assert_int_equal(raw_exec(old,
	    "INSERT INTO outbox (kind, recipient, created, due) VALUES ('reply', 'r@x.org', 1, 1)"),
	    SQLITE_OK);
	assert_int_not_equal(raw_exec(old,
	    "INSERT INTO outbox (kind, recipient, created, due) VALUES ('nonsense', 'r@x.org', 1, 1)"),
	    SQLITE_OK);
	assert_int_equal(raw_int(old, "SELECT count(*) FROM comments WHERE notify_replies = 0"), 3);
	rm_in(f, "v9.db");
	rm_in(f, "v9.db-wal");
	rm_in(f, "v9.db-shm");
}

/* store_thread_read: at most replies_shown replies under each comment of
 * the page, the oldest of its whole tree, each row with its count of
 * approved replies; the reader's own held reply beyond the bound still
 * comes; a comment's replies as a page of their own. */
static void
thread_bounded(void **state)
{
	struct store_fixture *f = *state;
	int64_t top = add(f, "b", 0, COMMENT_APPROVED, T0);
	int64_t r[12];
	for (int i = 0; i < 12; i++)
		r[i] = add(f, "b", top, COMMENT_APPROVED, T0 + 10 + i);
	int64_t deep = add(f, "b", r[0], COMMENT_APPROVED, T0 + 100);
	add(f, "b", top, COMMENT_SPAM, T0 + 101);
	int64_t mine = add(f, "b", top, COMMENT_PENDING, T0 + 200);
	struct comment *rows;
	size_t n;
	long long approved, tops;
	struct thread_query q = { .article = "b", .page = 1, .per_page = 50, .replies_shown = 4,
	    .own_ids = &mine, .own_count = 1 };
	assert_int_equal(store_thread_read(f->st, f->a, &q, &rows, &n, &approved, &tops, NULL),
	    STORE_OK);
	assert_int_equal(approved, 14);
	assert_int_equal(tops, 1);
	assert_int_equal(n, 6);
	assert_int_equal(rows[0].id, top);
	assert_int_equal(rows[0].replies, 12);
	for (int i = 0; i < 4; i++)
		assert_int_equal(rows[1 + i].id, r[i]);
	assert_int_equal(rows[1].replies, 1);
	assert_int_equal(rows[2].replies, 0);
	assert_int_equal(rows[5].id, mine);
	/* The reader's own published reply, the newest: there too, beyond
	 * the bound (they were sent back to it). */
	int64_t mine2[2] = { mine, r[11] };
	q.own_ids = mine2;
	q.own_count = 2;
	assert_int_equal(store_thread_read(f->st, f->a, &q, &rows, &n, &approved, &tops, NULL),
	    STORE_OK);
	assert_int_equal(n, 7);
	assert_int_equal(rows[5].id, r[11]);
	assert_int_equal(rows[6].id, mine);
	q.own_count = 1;
	/* 0: everything, as store_thread. */
	q.replies_shown = 0;
	assert_int_equal(store_thread_read(f->st, f->a, &q, &rows, &n, &approved, &tops, NULL),
	    STORE_OK);
	assert_int_equal(n, 15);
	/* The replies of top, five a page: page 3 holds the last two. */
	q = (struct thread_query){ .article = "b", .under = top, .page = 1, .per_page = 5,
	    .replies_shown = 4 };
	assert_int_equal(store_thread_read(f->st, f->a, &q, &rows, &n, &approved, &tops, NULL),
	    STORE_OK);
	assert_int_equal(approved, 12);
	assert_int_equal(tops, 12);
	assert_int_equal(n, 6);
	assert_int_equal(rows[0].id, r[0]);
	assert_int_equal(rows[5].id, deep);
	q.page = 3;
	assert_int_equal(store_thread_read(f->st, f->a, &q, &rows, &n, &approved, &tops, NULL),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(rows[1].id, r[11]);
	/* Another article's comment has no replies here. */
	q.article = "a";
	q.page = 1;
	assert_int_equal(store_thread_read(f->st, f->a, &q, &rows, &n, &approved, &tops, NULL),
	    STORE_OK);
	assert_int_equal(n, 0);
	q.replies_shown = -1;
	assert_int_equal(store_thread_read(f->st, f->a, &q, &rows, &n, &approved, &tops, NULL),
	    STORE_ERROR);
}

/* store_thread_read gives the article's state with the totals, the same
 * as store_article_state: closed or not, when that changed, the first
 * published comment's time; on a replies page too. */
static void
thread_state(void **state)
{
	struct store_fixture *f = *state;
	add(f, "s", 0, COMMENT_PENDING, T0);
	int64_t top = add(f, "s", 0, COMMENT_APPROVED, T0 + 50);
	add(f, "s", top, COMMENT_APPROVED, T0 + 60);
	add(f, "other", 0, COMMENT_APPROVED, T0 - 500);
	struct comment *rows;
	size_t n;
	long long approved, tops;
	struct article_state got, want;
	struct thread_query q = { .article = "s", .page = 1, .per_page = 50 };
	assert_int_equal(store_thread_read(f->st, f->a, &q, &rows, &n, &approved, &tops, &got),
	    STORE_OK);
	assert_false(got.closed);
	assert_int_equal(got.changed, 0);
	assert_int_equal(got.first, T0 + 50);
	const struct actor who = { 0, "sara (nazarctl)", "" };
	bool changed;
	assert_int_equal(store_article_set_closed(f->st, "s", true, &who, T0 + 70, &changed),
	    STORE_OK);
	assert_true(changed);
	assert_int_equal(store_article_state(f->st, "s", &want), STORE_OK);
	for (int under = 0; under < 2; under++) {
		q = (struct thread_query){ .article = "s", .under = under ? top : 0, .page = 1,
		    .per_page = 50 };
		memset(&got, 0xff, sizeof(got));
		assert_int_equal(store_thread_read(f->st, f->a, &q, &rows, &n, &approved, &tops,
		    &got), STORE_OK);
		assert_true(got.closed);
		assert_int_equal(got.changed, T0 + 70);
		assert_int_equal(got.changed, want.changed);
		assert_int_equal(got.first, want.first);
		assert_int_equal(approved, under ? 1 : 2);
	}
	/* An article nothing is known of: all zero. */
	q = (struct thread_query){ .article = "none", .page = 1, .per_page = 50 };
	assert_int_equal(store_thread_read(f->st, f->a, &q, &rows, &n, &approved, &tops, &got),
	    STORE_OK);
	assert_false(got.closed);
	assert_int_equal(got.changed, 0);
	assert_int_equal(got.first, 0);
}

static void
newer_refused(void **state)
{
	struct store_fixture *f = *state;
	char err[256];
	int from = -1;
	char set[64];
	snprintf(set, sizeof(set), "PRAGMA user_version = %d", STORE_SCHEMA_VERSION + 1);
	assert_int_equal(raw_exec(f->path, set), SQLITE_OK);
	assert_int_equal(store_migrate(f->st, &from, err, sizeof(err)), STORE_ERROR);
	assert_int_equal(from, STORE_SCHEMA_VERSION + 1);
	char want[160];
	snprintf(want, sizeof(want),
	    "database schema version %d is newer than this nazar (%d); upgrade nazar",
	    STORE_SCHEMA_VERSION + 1, STORE_SCHEMA_VERSION);
	assert_string_equal(err, want);
	assert_int_equal(store_check_schema(f->st, err, sizeof(err)), STORE_ERROR);
	assert_string_equal(err, want);
	/* Nothing was changed by the refusal. */
	assert_int_equal(raw_int(f->path, "PRAGMA user_version"), STORE_SCHEMA_VERSION + 1);
}

static void
insert_get(void **state)
{
	struct store_fixture *f = *state;
	struct comment c = {
		.article = (char *)"news/1403/01/15-خبر",
		.name = (char *)"مریم رضایی",
		.email = (char *)"maryam@example.ir",
		.body = (char *)"سلام! این یک نظر است.\n۱۲۳۴ — «نقل‌قول»",
		.status = COMMENT_PENDING,
		.remote_addr = (char *)"2001:db8::1",
		.user_agent = (char *)"Mozilla/5.0",
		.id = 999, .created = 5,
	};
	assert_int_equal(store_insert_comment(f->st, &c, T0 + 42), STORE_OK);
	assert_int_equal(c.id, 1);
	assert_int_equal(c.created, T0 + 42);

	struct comment g;
	assert_int_equal(store_get_comment(f->st, f->a, c.id, &g), STORE_OK);
	assert_int_equal(g.id, 1);
	assert_string_equal(g.article, c.article);
	assert_int_equal(g.parent, 0);
	assert_string_equal(g.name, "مریم رضایی");
	assert_string_equal(g.email, "maryam@example.ir");
	assert_string_equal(g.body, "سلام! این یک نظر است.\n۱۲۳۴ — «نقل‌قول»");
	assert_int_equal(g.status, COMMENT_PENDING);
	assert_int_equal(g.created, T0 + 42);
	assert_string_equal(g.remote_addr, "2001:db8::1");
	assert_string_equal(g.user_agent, "Mozilla/5.0");

	/* Optional fields left NULL come back as "". */
	struct comment d = { .article = (char *)"a", .name = (char *)"x", .body = (char *)"y",
	    .status = COMMENT_APPROVED };
	assert_int_equal(store_insert_comment(f->st, &d, T0), STORE_OK);
	assert_int_equal(d.id, 2);
	assert_int_equal(store_get_comment(f->st, f->a, 2, &g), STORE_OK);
	assert_string_equal(g.email, "");
	assert_string_equal(g.remote_addr, "");
	assert_string_equal(g.user_agent, "");
	assert_int_equal(g.status, COMMENT_APPROVED);

	assert_int_equal(store_get_comment(f->st, f->a, 3, &g), STORE_NOT_FOUND);
	assert_int_equal(store_get_comment(f->st, f->a, -1, &g), STORE_NOT_FOUND);
	assert_int_equal(store_get_comment(f->st, f->a, INT64_MAX, &g), STORE_NOT_FOUND);

	/* Incomplete comments and bad statuses are refused without a write. */
	struct comment bad = { .article = (char *)"a", .name = NULL, .body = (char *)"b" };
	assert_int_equal(store_insert_comment(f->st, &bad, T0), STORE_ERROR);
	bad.name = (char *)"n";
	bad.status = COMMENT_STATUS__MAX;
	assert_int_equal(store_insert_comment(f->st, &bad, T0), STORE_ERROR);
	bad.status = (enum comment_status)-1;
	assert_int_equal(store_insert_comment(f->st, &bad, T0), STORE_ERROR);
	assert_int_equal(total_rows(f), 2);
}

static void
reply_rules(void **state)
{
	struct store_fixture *f = *state;
	int64_t pending = add(f, "a", 0, COMMENT_PENDING, T0);
	int64_t approved = add(f, "a", 0, COMMENT_APPROVED, T0 + 1);
	int64_t rejected = add(f, "a", 0, COMMENT_REJECTED, T0 + 2);
	int64_t other = add(f, "b", 0, COMMENT_APPROVED, T0 + 3);
	size_t before = total_rows(f);
	int64_t parents[] = { pending, rejected, other, 12345, -7 };
	for (size_t i = 0; i < sizeof(parents) / sizeof(parents[0]); i++) {
		struct comment c = { .article = (char *)"a", .parent = parents[i],
		    .name = (char *)"n", .body = (char *)"b", .status = COMMENT_APPROVED };
		assert_int_equal(store_insert_comment(f->st, &c, T0 + 10), STORE_CONFLICT);
		assert_int_equal(c.id, 0);
	}
	assert_int_equal(total_rows(f), before);
	/* The connection is usable after the refusals (no transaction left open). */
	int64_t reply = add(f, "a", approved, COMMENT_PENDING, T0 + 11);
	struct comment g;
	assert_int_equal(store_get_comment(f->st, f->a, reply, &g), STORE_OK);
	assert_int_equal(g.parent, approved);
	/* A pending reply is itself no parent. */
	struct comment c = { .article = (char *)"a", .parent = reply, .name = (char *)"n",
	    .body = (char *)"b", .status = COMMENT_APPROVED };
	assert_int_equal(store_insert_comment(f->st, &c, T0 + 12), STORE_CONFLICT);
	assert_int_equal(total_rows(f), before + 1);
}

static void
assert_ids(const struct comment *rows, size_t n, const int64_t *want, size_t nwant)
{
	assert_int_equal(n, nwant);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(rows[i].id, want[i]);
}

static void
thread_nesting(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = add(f, "art", 0, COMMENT_APPROVED, T0 + 100);
	int64_t b = add(f, "art", 0, COMMENT_APPROVED, T0 + 200);
	int64_t a1 = add(f, "art", a, COMMENT_APPROVED, T0 + 300);
	int64_t b1 = add(f, "art", b, COMMENT_APPROVED, T0 + 250);
	int64_t a1a = add(f, "art", a1, COMMENT_APPROVED, T0 + 400);
	(void)add(f, "art", a, COMMENT_REJECTED, T0 + 310);
	(void)add(f, "art", b, COMMENT_PENDING, T0 + 320);
	(void)add(f, "art", 0, COMMENT_SPAM, T0 + 50);
	(void)add(f, "art", 0, COMMENT_PENDING, T0 + 60);
	(void)add(f, "other", 0, COMMENT_APPROVED, T0 + 10);
	/* Same timestamp: id breaks the tie. */
	int64_t c = add(f, "art", 0, COMMENT_APPROVED, T0 + 200);
	/* An approved reply under a parent removed later disappears with it. */
	int64_t d = add(f, "art", 0, COMMENT_APPROVED, T0 + 500);
	(void)add(f, "art", d, COMMENT_APPROVED, T0 + 510);
	assert_int_equal(store_set_status(f->st, d, COMMENT_DELETED, T0 + 600), STORE_OK);

	struct comment *rows;
	size_t n;
	long long approved, top;
	assert_int_equal(store_thread(f->st, f->a, "art", 1, 50, NULL, 0, &rows, &n, &approved,
	    &top), STORE_OK);
	/* Head by head, each followed by its replies in time order. */
	int64_t want[] = { a, a1, a1a, b, b1, c };
	assert_ids(rows, n, want, 6);
	assert_int_equal(rows[1].parent, a);
	assert_int_equal(rows[2].parent, a1);
	assert_int_equal(rows[4].parent, b);
	assert_int_equal(rows[0].parent, 0);
	assert_string_equal(rows[0].article, "art");
	/* a, b, c, a1, b1, a1a and the orphaned approved reply */
	assert_int_equal(approved, 7);
	assert_int_equal(top, 3);

	assert_int_equal(store_thread(f->st, f->a, "nothing-here", 1, 50, NULL, 0, &rows, &n,
	    &approved, &top), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(approved, 0);
	assert_int_equal(top, 0);

	/* Nonsense paging is refused, not turned into a huge OFFSET. */
	assert_int_equal(store_thread(f->st, f->a, "art", 0, 50, NULL, 0, &rows, &n, &approved,
	    &top), STORE_ERROR);
	assert_int_equal(store_thread(f->st, f->a, "art", 1, 0, NULL, 0, &rows, &n, &approved,
	    &top), STORE_ERROR);
	assert_int_equal(store_thread(f->st, f->a, "art", 2000000, 50, NULL, 0, &rows, &n,
	    &approved, &top), STORE_ERROR);
	assert_int_equal(store_ping(f->st), STORE_OK);
}

static void
own_pending(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = add(f, "art", 0, COMMENT_APPROVED, T0 + 100);
	int64_t mine_top = add(f, "art", 0, COMMENT_PENDING, T0 + 150);
	int64_t mine_reply = add(f, "art", a, COMMENT_PENDING, T0 + 160);
	int64_t theirs = add(f, "art", a, COMMENT_PENDING, T0 + 170);
	int64_t mine_rejected = add(f, "art", a, COMMENT_REJECTED, T0 + 180);
	int64_t mine_elsewhere = add(f, "zzz", 0, COMMENT_PENDING, T0 + 190);
	int64_t mine_spam = add(f, "art", a, COMMENT_SPAM, T0 + 200);
	int64_t mine_deleted = add(f, "art", 0, COMMENT_DELETED, T0 + 210);
	int64_t theirs_rejected = add(f, "art", a, COMMENT_REJECTED, T0 + 220);
	(void)theirs;
	(void)theirs_rejected;

	struct comment *rows;
	size_t n;
	long long approved, top;
	assert_int_equal(store_thread(f->st, f->a, "art", 1, 50, NULL, 0, &rows, &n, &approved,
	    &top), STORE_OK);
	int64_t only_a[] = { a };
	assert_ids(rows, n, only_a, 1);

	/* The reader's own: held ones, and refused ones (so that they learn
	 * the outcome); never their spam or deleted ones, never others'. */
	int64_t own[] = { mine_reply, mine_top, mine_rejected, mine_elsewhere, -5, 0, 999,
	    mine_spam, mine_deleted };
	assert_int_equal(store_thread(f->st, f->a, "art", 1, 50, own, 9, &rows, &n, &approved,
	    &top), STORE_OK);
	int64_t want[] = { a, mine_reply, mine_rejected, mine_top };
	assert_ids(rows, n, want, 4);
	assert_int_equal(rows[1].status, COMMENT_PENDING);
	assert_int_equal(rows[1].parent, a);
	assert_int_equal(rows[2].status, COMMENT_REJECTED);
	assert_int_equal(rows[3].status, COMMENT_PENDING);
	assert_int_equal(rows[3].parent, 0);
	/* Held comments are not counted as published. */
	assert_int_equal(approved, 1);
	assert_int_equal(top, 1);

	/* own_count bounds the array: only the first id is looked at. */
	assert_int_equal(store_thread(f->st, f->a, "art", 1, 50, own, 1, &rows, &n, &approved,
	    &top), STORE_OK);
	int64_t want1[] = { a, mine_reply };
	assert_ids(rows, n, want1, 2);

	/* Own pending top-level comments show on page 1 only. */
	assert_int_equal(store_thread(f->st, f->a, "art", 2, 50, own, 9, &rows, &n, &approved,
	    &top), STORE_OK);
	assert_int_equal(n, 0);
}

static void
pagination(void **state)
{
	struct store_fixture *f = *state;
	int64_t tops_ids[120];
	for (int i = 0; i < 120; i++) {
		tops_ids[i] = add(f, "p", 0, COMMENT_APPROVED, T0 + i);
		/* every tenth gets a reply, created after all top-level ones */
		if (i % 10 == 0)
			(void)add(f, "p", tops_ids[i], COMMENT_APPROVED, T0 + 1000 + i);
	}
	size_t want_tops[] = { 50, 50, 20, 0 };
	size_t want_replies[] = { 5, 5, 2, 0 };
	for (int page = 1; page <= 4; page++) {
		struct comment *rows;
		size_t n;
		long long approved, top;
		assert_int_equal(store_thread(f->st, f->a, "p", page, 50, NULL, 0, &rows, &n,
		    &approved, &top), STORE_OK);
		assert_int_equal(n, want_tops[page - 1] + want_replies[page - 1]);
		assert_int_equal(approved, 132);
		assert_int_equal(top, 120);
		size_t k = (size_t)(page - 1) * 50, t = 0;
		/* The page's top-level comments in order, each followed by its
		 * reply. */
		for (size_t i = 0; i < n; i++) {
			if (rows[i].parent != 0) {
				assert_true(t > 0);
				assert_int_equal(rows[i].parent, tops_ids[k + t - 1]);
				assert_int_equal((k + t - 1) % 10, 0);
				continue;
			}
			assert_int_equal(rows[i].id, tops_ids[k + t]);
			t++;
		}
		assert_int_equal(t, want_tops[page - 1]);
	}
}

/* Sets a comment's agree count and pinned time straight in the file. */
static void
set_raw(struct store_fixture *f, int64_t id, int agree, int64_t pinned)
{
	char sql[160];
	snprintf(sql, sizeof(sql), "UPDATE comments SET agree = %d, pinned = %lld WHERE id = %lld",
	    agree, (long long)pinned, (long long)id);
	assert_int_equal(raw_exec(f->path, sql), SQLITE_OK);
}

/* The heads of rows (top-level comments) in order, replies checked to
 * follow their head in time order. */
static size_t
heads_of(const struct comment *rows, size_t n, int64_t *heads)
{
	size_t k = 0;
	int64_t last_created = 0;
	for (size_t i = 0; i < n; i++) {
		if (rows[i].parent == 0) {
			heads[k++] = rows[i].id;
			last_created = rows[i].created;
			continue;
		}
		assert_true(k > 0);
		assert_true(rows[i].created >= last_created);
		last_created = rows[i].created;
	}
	return k;
}

/* Oldest, newest, most agreed: the top-level comments in that order,
 * pinned ones first on page 1 only (in the order pinned), replies under
 * their parent in time order whatever the order, every comment on
 * exactly one page. */
static void
thread_orders(void **state)
{
	struct store_fixture *f = *state;
	enum { N = 7 };
	int64_t t[N];
	/* t[i] created at T0 + i; agree counts 3, 0, 5, 5, 1, 0, 2. */
	static const int agree[N] = { 3, 0, 5, 5, 1, 0, 2 };
	for (int i = 0; i < N; i++) {
		t[i] = add(f, "o", 0, COMMENT_APPROVED, T0 + i);
		set_raw(f, t[i], agree[i], 0);
	}
	int64_t r0 = add(f, "o", t[0], COMMENT_APPROVED, T0 + 100);
	int64_t r0a = add(f, "o", r0, COMMENT_APPROVED, T0 + 101);
	int64_t r4 = add(f, "o", t[4], COMMENT_APPROVED, T0 + 50);
	(void)r0a;
	(void)r4;
	struct comment *rows;
	size_t n;
	long long approved, top;
	int64_t heads[16];
	static const int want_order[THREAD_SORT__MAX][N] = {
		[THREAD_OLDEST] = { 0, 1, 2, 3, 4, 5, 6 },
		[THREAD_NEWEST] = { 6, 5, 4, 3, 2, 1, 0 },
		/* ties: the older first */
		[THREAD_AGREED] = { 2, 3, 0, 6, 4, 1, 5 },
	};
	for (int s = 0; s < THREAD_SORT__MAX; s++) {
		assert_int_equal(store_thread_sorted(f->st, f->a, "o", (enum thread_sort)s, 1, 50,
		    NULL, 0, &rows, &n, &approved, &top), STORE_OK);
		assert_int_equal(n, N + 3);
		assert_int_equal(heads_of(rows, n, heads), N);
		for (int i = 0; i < N; i++)
			assert_int_equal(heads[i], t[want_order[s][i]]);
		/* Paged three at a time: every top-level comment once, in order. */
		for (int page = 1; page <= 4; page++) {
			assert_int_equal(store_thread_sorted(f->st, f->a, "o", (enum thread_sort)s,
			    page, 3, NULL, 0, &rows, &n, &approved, &top), STORE_OK);
			size_t k = heads_of(rows, n, heads);
			assert_int_equal(top, N);
			assert_int_equal(approved, N + 3);
			size_t from = (size_t)(page - 1) * 3;
			assert_int_equal(k, from >= N ? 0 : N - from < 3 ? N - from : 3);
			for (size_t i = 0; i < k; i++)
				assert_int_equal(heads[i], t[want_order[s][from + i]]);
		}
	}

	/* t[5] and then t[1] pinned: first on page 1, in the order pinned,
	 * and not paged with the others. */
	set_raw(f, t[5], 0, T0 + 500);
	set_raw(f, t[1], 0, T0 + 600);
	for (int s = 0; s < THREAD_SORT__MAX; s++) {
		int64_t seen[N] = { 0 };
		size_t nseen = 0;
		for (int page = 1; page <= 3; page++) {
			assert_int_equal(store_thread_sorted(f->st, f->a, "o", (enum thread_sort)s,
			    page, 2, NULL, 0, &rows, &n, &approved, &top), STORE_OK);
			assert_int_equal(top, N - 2);
			size_t k = heads_of(rows, n, heads);
			if (page == 1) {
				assert_int_equal(k, 4);
				assert_int_equal(heads[0], t[5]);
				assert_int_equal(heads[1], t[1]);
				assert_int_equal(rows[0].pinned, T0 + 500);
			}
			for (size_t i = page == 1 ? 2 : 0; i < k; i++) {
				assert_int_not_equal(heads[i], t[5]);
				assert_int_not_equal(heads[i], t[1]);
				seen[nseen++] = heads[i];
			}
		}
		/* The five others, each once, in the order asked for. */
		assert_int_equal(nseen, N - 2);
		size_t j = 0;
		for (int i = 0; i < N; i++) {
			int idx = want_order[s][i];
			if (idx == 5 || idx == 1)
				continue;
			assert_int_equal(seen[j++], t[idx]);
		}
	}
	/* A pinned comment no longer published is not shown. */
	assert_int_equal(store_set_status(f->st, t[5], COMMENT_REJECTED, T0 + 700), STORE_OK);
	assert_int_equal(store_thread_sorted(f->st, f->a, "o", THREAD_OLDEST, 1, 50, NULL, 0,
	    &rows, &n, &approved, &top), STORE_OK);
	assert_int_equal(heads_of(rows, n, heads), N - 1);
	assert_int_equal(heads[0], t[1]);
	/* An order that is none of them is refused. */
	assert_int_equal(store_thread_sorted(f->st, f->a, "o", THREAD_SORT__MAX, 1, 50, NULL, 0,
	    &rows, &n, &approved, &top), STORE_ERROR);
	assert_string_equal(thread_sort_name(THREAD_AGREED), "agreed");
	enum thread_sort parsed;
	assert_int_equal(thread_sort_parse("newest", &parsed), 0);
	assert_int_equal(parsed, THREAD_NEWEST);
	assert_int_equal(thread_sort_parse("Newest", &parsed), -1);
	assert_int_equal(thread_sort_parse(NULL, &parsed), -1);
}

static void
thread_uses_indexes(void **state)
{
	struct store_fixture *f = *state;
	char *plan = store_thread_plan(f->st, f->a);
	assert_non_null(plan);
	/* Top-level comments come from the thread index, replies from the
	 * parent index, the reader's held ones by id from their list (not by
	 * walking every held comment of the article); no full scan of
	 * comments anywhere. */
	assert_non_null(strstr(plan, "SEARCH c USING INDEX comments_thread "
	    "(article=? AND status=? AND parent=?)\n"));
	assert_non_null(strstr(plan, "SCAN j VIRTUAL TABLE"));
	assert_null(strstr(plan, "SEARCH comments USING COVERING INDEX comments_thread "
	    "(article=? AND status=? AND parent=?)\n"));
	assert_non_null(strstr(plan, "SEARCH c USING INDEX comments_parent (parent=?)\n"));
	assert_null(strstr(plan, "SCAN comments"));
	assert_null(strstr(plan, "SCAN c\n"));
	assert_null(strstr(plan, "SCAN c "));
	/* The other orders: newest first reads the same index backwards, most
	 * agreed its own; the pinned ones come from theirs. Nothing sorts the
	 * article's comments. */
	for (int s = 0; s < THREAD_SORT__MAX; s++) {
		plan = store_thread_plan_sorted(f->st, f->a, (enum thread_sort)s);
		assert_non_null(plan);
		assert_non_null(strstr(plan, s == THREAD_AGREED ?
		    "SEARCH c USING INDEX comments_agreed (article=?)\n" :
		    "SEARCH c USING INDEX comments_thread (article=? AND status=? AND parent=?)\n"));
		assert_non_null(strstr(plan, "USING INDEX comments_pinned (article=? AND pinned>?)"));
		assert_non_null(strstr(plan, "SEARCH c USING INDEX comments_parent (parent=?)\n"));
		assert_null(strstr(plan, "SCAN comments"));
		assert_null(strstr(plan, "SCAN c\n"));
		assert_null(strstr(plan, "SCAN c "));
	}
}

static void
counts(void **state)
{
	struct store_fixture *f = *state;
	for (int i = 0; i < 3; i++)
		(void)add(f, "a", 0, COMMENT_APPROVED, T0 + i);
	(void)add(f, "a", 0, COMMENT_PENDING, T0);
	(void)add(f, "b", 0, COMMENT_REJECTED, T0);
	int64_t q = add(f, "x\"y\\z", 0, COMMENT_APPROVED, T0);
	(void)add(f, "x\"y\\z", q, COMMENT_APPROVED, T0 + 1);
	(void)add(f, "خبر", 0, COMMENT_APPROVED, T0);

	const char *articles[] = { "a", "b", "unknown", "a", "x\"y\\z", "خبر", "" };
	long long c[7];
	memset(c, 0xff, sizeof(c));
	assert_int_equal(store_counts(f->st, articles, 7, c), STORE_OK);
	assert_int_equal(c[0], 3);
	assert_int_equal(c[1], 0);
	assert_int_equal(c[2], 0);
	assert_int_equal(c[3], 3);
	assert_int_equal(c[4], 2);
	assert_int_equal(c[5], 1);
	assert_int_equal(c[6], 0);
	assert_int_equal(store_counts(f->st, articles, 0, c), STORE_OK);
}

static void
set_status(void **state)
{
	struct store_fixture *f = *state;
	int64_t id = add(f, "a", 0, COMMENT_PENDING, T0);
	struct comment *rows;
	size_t n;
	long long approved, top;
	assert_int_equal(store_set_status(f->st, id, COMMENT_APPROVED, T0 + 5), STORE_OK);
	assert_int_equal(store_thread(f->st, f->a, "a", 1, 10, NULL, 0, &rows, &n, &approved,
	    &top), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(approved, 1);
	assert_int_equal(raw_int(f->path, "SELECT version FROM comments WHERE id = 1"), 2);
	assert_int_equal(raw_int(f->path, "SELECT updated - created FROM comments"), 5);

	assert_int_equal(store_set_status(f->st, id, COMMENT_SPAM, T0 + 6), STORE_OK);
	struct comment g;
	assert_int_equal(store_get_comment(f->st, f->a, id, &g), STORE_OK);
	assert_int_equal(g.status, COMMENT_SPAM);
	assert_int_equal(store_thread(f->st, f->a, "a", 1, 10, NULL, 0, &rows, &n, &approved,
	    &top), STORE_OK);
	assert_int_equal(n, 0);

	assert_int_equal(store_set_status(f->st, 4242, COMMENT_APPROVED, T0), STORE_NOT_FOUND);
	assert_int_equal(store_set_status(f->st, id, COMMENT_STATUS__MAX, T0), STORE_ERROR);
	assert_int_equal(store_set_status(f->st, id, COMMENT_DELETED, T0 + 7), STORE_OK);
	assert_int_equal(store_get_comment(f->st, f->a, id, &g), STORE_OK);
	assert_int_equal(g.status, COMMENT_DELETED);
}

static void
list_filters(void **state)
{
	struct store_fixture *f = *state;
	int64_t p1 = add(f, "a", 0, COMMENT_PENDING, T0 + 1);
	int64_t a1 = add(f, "a", 0, COMMENT_APPROVED, T0 + 2);
	int64_t p2 = add(f, "b", 0, COMMENT_PENDING, T0 + 3);
	int64_t s1 = add(f, "b", 0, COMMENT_SPAM, T0 + 3);
	struct comment *rows;
	size_t n;

	assert_int_equal(store_list(f->st, f->a, -1, NULL, 100, &rows, &n), STORE_OK);
	int64_t all[] = { s1, p2, a1, p1 };
	assert_ids(rows, n, all, 4);

	assert_int_equal(store_list(f->st, f->a, COMMENT_PENDING, NULL, 100, &rows, &n), STORE_OK);
	int64_t pending[] = { p2, p1 };
	assert_ids(rows, n, pending, 2);

	assert_int_equal(store_list(f->st, f->a, -1, "a", 100, &rows, &n), STORE_OK);
	int64_t in_a[] = { a1, p1 };
	assert_ids(rows, n, in_a, 2);

	assert_int_equal(store_list(f->st, f->a, COMMENT_PENDING, "b", 100, &rows, &n), STORE_OK);
	int64_t pb[] = { p2 };
	assert_ids(rows, n, pb, 1);

	assert_int_equal(store_list(f->st, f->a, COMMENT_REJECTED, NULL, 100, &rows, &n),
	    STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_list(f->st, f->a, -1, "nope", 100, &rows, &n), STORE_OK);
	assert_int_equal(n, 0);

	assert_int_equal(store_list(f->st, f->a, -1, NULL, 2, &rows, &n), STORE_OK);
	int64_t two[] = { s1, p2 };
	assert_ids(rows, n, two, 2);
	assert_int_equal(store_list(f->st, f->a, -1, NULL, 0, &rows, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_list(f->st, f->a, -1, NULL, -1, &rows, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_list(f->st, f->a, COMMENT_STATUS__MAX, NULL, 10, &rows, &n),
	    STORE_ERROR);
}

static void
busy(void **state)
{
	struct store_fixture *f = *state;
	int64_t id = add(f, "a", 0, COMMENT_APPROVED, T0);
	char err[256];
	struct store *st;
	assert_int_equal(store_open(f->path, 50, &st, err, sizeof(err)), STORE_OK);

	sqlite3 *holder;
	assert_int_equal(sqlite3_open(f->path, &holder), SQLITE_OK);
	assert_int_equal(sqlite3_exec(holder, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);

	struct comment c = { .article = (char *)"a", .name = (char *)"n", .body = (char *)"b",
	    .status = COMMENT_PENDING };
	assert_int_equal(store_insert_comment(st, &c, T0), STORE_BUSY);
	assert_int_equal(c.id, 0);
	assert_int_equal(store_set_status(st, id, COMMENT_SPAM, T0), STORE_BUSY);
	int from;
	assert_int_equal(store_migrate(st, &from, err, sizeof(err)), STORE_BUSY);
	/* WAL: readers carry on while a writer holds the lock. */
	struct comment *rows;
	size_t n;
	long long approved, top;
	assert_int_equal(store_thread(st, f->a, "a", 1, 10, NULL, 0, &rows, &n, &approved, &top),
	    STORE_OK);
	assert_int_equal(n, 1);

	assert_int_equal(sqlite3_exec(holder, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(holder);
	assert_int_equal(store_insert_comment(st, &c, T0), STORE_OK);
	assert_int_equal(store_set_status(st, id, COMMENT_SPAM, T0), STORE_OK);
	store_close(st);
	assert_int_equal(total_rows(f), 2);
}

static void
open_errors(void **state)
{
	struct store_fixture *f = *state;
	char err[256], path[160];
	struct store *st = (struct store *)f;

	/* A file that is not a database fails at open, not at the first query. */
	path_in(f, path, sizeof(path), "garbage.db");
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	for (int i = 0; i < 200; i++)
		fputs("this is not an SQLite database\n", fp);
	fclose(fp);
	assert_int_equal(store_open(path, 50, &st, err, sizeof(err)), STORE_ERROR);
	assert_null(st);
	assert_non_null(strstr(err, "garbage.db: cannot open the database: "));

	/* A directory that does not exist. */
	st = (struct store *)f;
	path_in(f, path, sizeof(path), "missing/nazar.db");
	assert_int_equal(store_open(path, 50, &st, err, sizeof(err)), STORE_ERROR);
	assert_null(st);
	assert_non_null(strstr(err, "missing/nazar.db: cannot open the database"));

	/* A directory where the file should be. */
	assert_int_equal(store_open(f->dir, 50, &st, err, sizeof(err)), STORE_ERROR);
	assert_null(st);
	assert_int_equal(store_open("", 50, &st, err, sizeof(err)), STORE_ERROR);
	assert_null(st);
}

static void
write_error(void **state)
{
	struct store_fixture *f = *state;
	(void)add(f, "a", 0, COMMENT_APPROVED, T0);
	/* Damage the schema behind the store's back: the insert statement no
	 * longer prepares, which is an error, not a conflict or busy. */
	assert_int_equal(raw_exec(f->path,
	    "ALTER TABLE comments RENAME COLUMN user_agent TO ua;"), SQLITE_OK);
	struct comment c = { .article = (char *)"a", .name = (char *)"n", .body = (char *)"b",
	    .status = COMMENT_PENDING };
	char err[256];
	struct store *st;
	assert_int_equal(store_open(f->path, 50, &st, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_insert_comment(st, &c, T0), STORE_ERROR);
	/* ... and the failed attempt left no transaction open. */
	assert_int_equal(store_set_status(st, 1, COMMENT_SPAM, T0), STORE_OK);
	store_close(st);
}

static void
secret(void **state)
{
	struct store_fixture *f = *state;
	unsigned char k1[32], k2[32], zero[32] = { 0 };
	assert_int_equal(store_secret(f->st, k1), STORE_OK);
	assert_memory_not_equal(k1, zero, 32);
	assert_int_equal(raw_int(f->path,
	    "SELECT length(value) FROM settings WHERE key = 'secret'"), 32);

	char err[256];
	struct store *st;
	assert_int_equal(store_open(f->path, 50, &st, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_secret(st, k2), STORE_OK);
	assert_memory_equal(k1, k2, 32);
	store_close(st);

	/* Another database gets its own secret. */
	char other[160];
	path_in(f, other, sizeof(other), "other.db");
	assert_int_equal(store_open(other, 50, &st, err, sizeof(err)), STORE_OK);
	int from;
	assert_int_equal(store_migrate(st, &from, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_secret(st, k2), STORE_OK);
	assert_memory_not_equal(k1, k2, 32);
	store_close(st);

	/* A damaged secret is an error, never a short key. */
	assert_int_equal(raw_exec(f->path,
	    "UPDATE settings SET value = x'0102' WHERE key = 'secret'"), SQLITE_OK);
	assert_int_equal(store_secret(f->st, k2), STORE_ERROR);
	assert_int_equal(raw_exec(f->path, "DELETE FROM settings"), SQLITE_OK);
	assert_int_equal(store_secret(f->st, k2), STORE_NOT_FOUND);
	/* init puts a missing secret back */
	assert_int_equal(store_migrate(f->st, &from, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_secret(f->st, k2), STORE_OK);
}

/* --- the helpers every store file runs its SQL through (store_db.h) --- */

/* A full statement cache refuses a new statement, loudly, and keeps
 * serving the ones it holds. */
static void
cache_full(void **state)
{
	struct store_fixture *f = *state;
	static char sql[STORE_CACHE_MAX + 1][24];
	sqlite3_stmt *s, *first = NULL;
	assert_int_equal(store_ping(f->st), STORE_OK);	/* one cached already */
	int had = f->st->cached;
	assert_true(had >= 1);
	for (int i = 0; i < STORE_CACHE_MAX - had; i++) {
		snprintf(sql[i], sizeof(sql[i]), "SELECT %d", i);
		assert_int_equal(store_prepare(f->st, sql[i], &s), STORE_OK);
		if (i == 0)
			first = s;
	}
	assert_int_equal(f->st->cached, STORE_CACHE_MAX);
	snprintf(sql[STORE_CACHE_MAX], sizeof(sql[0]), "SELECT 'one too many'");
	s = (sqlite3_stmt *)1;
	assert_int_equal(store_prepare(f->st, sql[STORE_CACHE_MAX], &s), STORE_ERROR);
	assert_null(s);
	assert_int_equal(f->st->cached, STORE_CACHE_MAX);
	/* The same text at another address is another statement: refused. */
	static const char again[] = "SELECT 0";
	assert_int_equal(store_prepare(f->st, again, &s), STORE_ERROR);
	/* What is cached still runs; a store call needing a new one fails
	 * cleanly. */
	assert_int_equal(store_prepare(f->st, sql[0], &s), STORE_OK);
	assert_ptr_equal(s, first);
	assert_int_equal(store_step_one(f->st, s), STORE_OK);
	assert_int_equal(sqlite3_column_int(s, 0), 0);
	store_stmt_done(s);
	assert_int_equal(store_ping(f->st), STORE_OK);
	struct comment c;
	assert_int_equal(store_get_comment(f->st, f->a, 1, &c), STORE_ERROR);
}

static int
row_int(struct arena *a, sqlite3_stmt *s, void *row)
{
	(void)a;
	int v = sqlite3_column_int(s, 0);
	*(int *)row = v;
	return v < 0 ? -1 : v % 2;	/* odd: skipped; negative: refused */
}

static void
helpers(void **state)
{
	struct store_fixture *f = *state;
	static const char create[] = "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)";
	static const char insert[] = "INSERT INTO t (k, v) VALUES (?1, ?2)";
	static const char get[] = "SELECT v FROM t WHERE k = ?1";
	static const char all[] = "SELECT k FROM t ORDER BY k";
	static const char bad[] = "SELECT nothing FROM nowhere";
	sqlite3_stmt *s;
	assert_int_equal(store_exec(f->st, create), STORE_OK);
	assert_int_equal(store_prepare(f->st, bad, &s), STORE_ERROR);
	assert_null(s);
	/* Binds: NULL text is '', an id <= 0 is NULL (refused by NOT NULL
	 * here), an index out of range fails the chain. */
	for (int k = 1; k <= 40; k++) {
		assert_int_equal(store_prepare(f->st, insert, &s), STORE_OK);
		int rc = sqlite3_bind_int(s, 1, k);
		if (rc == SQLITE_OK)
			rc = store_bind_text(s, 2, k == 1 ? NULL : "x");
		assert_int_equal(store_bind_check(f->st, s, rc), STORE_OK);
		assert_int_equal(store_step_insert(f->st, s), STORE_OK);
	}
	assert_int_equal(store_prepare(f->st, insert, &s), STORE_OK);
	assert_int_equal(store_bind_check(f->st, s, sqlite3_bind_int(s, 3, 1)), STORE_ERROR);
	assert_int_equal(store_prepare(f->st, insert, &s), STORE_OK);
	int rc = sqlite3_bind_int(s, 1, 1);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 2, "dup");
	assert_int_equal(store_bind_check(f->st, s, rc), STORE_OK);
	assert_int_equal(store_step_insert(f->st, s), STORE_CONFLICT);	/* key taken */
	assert_int_equal(store_prepare(f->st, insert, &s), STORE_OK);
	rc = sqlite3_bind_int(s, 1, 99);
	if (rc == SQLITE_OK)
		rc = store_bind_opt(s, 2, NULL);
	assert_int_equal(store_bind_check(f->st, s, rc), STORE_OK);
	assert_int_equal(store_step_insert(f->st, s), STORE_CONFLICT);	/* NOT NULL */
	/* One row, or none. */
	assert_int_equal(store_prepare(f->st, get, &s), STORE_OK);
	assert_int_equal(store_bind_check(f->st, s, store_bind_id(s, 1, 1)), STORE_OK);
	assert_int_equal(store_step_one(f->st, s), STORE_OK);
	assert_string_equal(store_column_dup(f->a, s, 0), "");
	store_stmt_done(s);
	assert_int_equal(store_prepare(f->st, get, &s), STORE_OK);
	assert_int_equal(store_bind_check(f->st, s, store_bind_id(s, 1, 0)), STORE_OK);
	assert_int_equal(store_step_one(f->st, s), STORE_NOT_FOUND);
	/* Rows into a growing array: 40 rows, the odd ones skipped. */
	void *rows;
	size_t n = 99;
	assert_int_equal(store_prepare(f->st, all, &s), STORE_OK);
	assert_int_equal(store_rows(f->st, f->a, s, sizeof(int), row_int, &rows, &n), STORE_OK);
	assert_int_equal(n, 20);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(((int *)rows)[i], (int)(2 * i + 2));
	/* A row that cannot be read fails the whole query. */
	assert_int_equal(store_exec(f->st, "INSERT INTO t (k, v) VALUES (-4, 'x')"), STORE_OK);
	assert_int_equal(store_prepare(f->st, all, &s), STORE_OK);
	assert_int_equal(store_rows(f->st, f->a, s, sizeof(int), row_int, &rows, &n),
	    STORE_ERROR);
	/* An empty result is an empty array, not NULL. */
	static const char none[] = "SELECT k FROM t WHERE k > 1000";
	assert_int_equal(store_prepare(f->st, none, &s), STORE_OK);
	assert_int_equal(store_rows(f->st, f->a, s, sizeof(int), row_int, &rows, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_non_null(rows);
	/* Nothing was left in a transaction or mid-statement. */
	assert_int_equal(store_begin_write(f->st), STORE_OK);
	assert_int_equal(store_commit(f->st), STORE_OK);
}

static void
arena_grow_doubles(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	int64_t *v = NULL;
	size_t cap = 12345, n = 0;
	for (int i = 0; i < 1000; i++) {
		int64_t *before = v;
		size_t had = cap;
		if (n == cap || v == NULL)
			v = arena_grow(a, v, &cap, n, sizeof(*v));
		if (before != NULL && n < had)
			assert_ptr_equal(v, before);	/* room: the same array */
		assert_true(n < cap);
		assert_int_equal(v[n], 0);		/* new room is zeroed */
		v[n++] = i * 3;
	}
	assert_int_equal(cap, 1024);		/* 16, 32, … */
	for (size_t i = 0; i < n; i++)
		assert_int_equal(v[i], (int64_t)i * 3);
	/* With room left, the array comes back as it is. */
	assert_ptr_equal(arena_grow(a, v, &cap, n, sizeof(*v)), v);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(status_names),
		cmocka_unit_test_setup_teardown(migrate_fresh, setup, teardown),
		cmocka_unit_test_setup_teardown(migrate_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(migrate_from_v9, setup, teardown),
		cmocka_unit_test_setup_teardown(migrate_from_v1, setup, teardown),
		cmocka_unit_test_setup_teardown(newer_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(thread_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(thread_state, setup, teardown),
		cmocka_unit_test_setup_teardown(insert_get, setup, teardown),
		cmocka_unit_test_setup_teardown(reply_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(thread_nesting, setup, teardown),
		cmocka_unit_test_setup_teardown(own_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(pagination, setup, teardown),
		cmocka_unit_test_setup_teardown(thread_orders, setup, teardown),
		cmocka_unit_test_setup_teardown(thread_uses_indexes, setup, teardown),
		cmocka_unit_test_setup_teardown(counts, setup, teardown),
		cmocka_unit_test_setup_teardown(set_status, setup, teardown),
		cmocka_unit_test_setup_teardown(list_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(busy, setup, teardown),
		cmocka_unit_test_setup_teardown(open_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(write_error, setup, teardown),
		cmocka_unit_test_setup_teardown(secret, setup, teardown),
		cmocka_unit_test_setup_teardown(cache_full, setup, teardown),
		cmocka_unit_test_setup_teardown(helpers, setup, teardown),
		cmocka_unit_test(arena_grow_doubles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
