/* test_store_backup.c — backup while another connection holds the database
 * open and writes, the copy is a sound stand-alone file; a backup never
 * overwrites a file; restore refuses a damaged file, a non-nazar file and
 * another schema without touching the database, and puts a backup back
 * both in place (over a database another connection has open) and where
 * none is; check finds each broken invariant. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store.h"
#include "store_backup.h"
#include "store_fixture.h"

static int
setup(void **state)
{
	*state = store_fixture_new("backup");
	return 0;
}

static int
teardown(void **state)
{
	store_fixture_free(*state);
	return 0;
}

static int64_t
add(struct store *st, const char *article, int64_t parent)
{
	struct comment c = {
		.article = (char *)article, .parent = parent, .name = (char *)"n",
		.body = (char *)"a body", .status = COMMENT_APPROVED,
	};
	assert_int_equal(store_insert_comment(st, &c, 1700000000), STORE_OK);
	return c.id;
}

static long long
count(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long long n = -1;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

static void
raw(const char *path, const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static int64_t steps_seen, last_done, last_total;

static void
progress(void *arg, int64_t done, int64_t total)
{
	(void)arg;
	steps_seen++;
	last_done = done;
	last_total = total;
}

static void
path_in(const struct store_fixture *f, char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", f->dir, name);
}

static void
backup_and_restore(void **state)
{
	struct store_fixture *f = *state;
	char copy[200], err[1024];
	path_in(f, copy, sizeof(copy), "copy.db");
	for (int i = 0; i < 50; i++)
		add(f->st, "a", 0);
	/* The fixture's connection stays open (as nazar's would). */
	steps_seen = 0;
	assert_int_equal(store_backup(f->path, copy, 1000, progress, NULL, err, sizeof(err)),
	    STORE_OK);
	assert_true(steps_seen >= 1);
	assert_int_equal(last_done, last_total);
	assert_int_equal(count(copy, "SELECT count(*) FROM comments"), 50);
	assert_int_equal(count(copy, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	/* A stand-alone file: no WAL beside it. */
	char wal[220];
	snprintf(wal, sizeof(wal), "%s-wal", copy);
	assert_int_not_equal(access(wal, F_OK), 0);
	assert_int_equal(count(copy, "SELECT count(*) FROM pragma_journal_mode "
	    "WHERE journal_mode = 'delete'"), 1);
	/* Never over an existing file. */
	assert_int_equal(store_backup(f->path, copy, 1000, NULL, NULL, err, sizeof(err)),
	    STORE_ERROR);
	assert_non_null(strstr(err, "exists already"));

	/* More comments, then the backup back in place: 50 again, seen by the
	 * connection that stayed open. */
	for (int i = 0; i < 5; i++)
		add(f->st, "b", 0);
	assert_int_equal(store_restore(copy, f->path, 1000, NULL, NULL, err, sizeof(err)),
	    STORE_OK);
	const char *art[] = { "a", "b" };
	long long counts[2];
	assert_int_equal(store_counts(f->st, art, 2, counts), STORE_OK);
	assert_int_equal(counts[0], 50);
	assert_int_equal(counts[1], 0);
	add(f->st, "c", 0);	/* and it writes on */

	/* Where there is no database: the copy renamed into place, in WAL. */
	char fresh[200];
	path_in(f, fresh, sizeof(fresh), "fresh.db");
	assert_int_equal(store_restore(copy, fresh, 1000, NULL, NULL, err, sizeof(err)),
	    STORE_OK);
	assert_int_equal(count(fresh, "SELECT count(*) FROM comments"), 50);
	assert_int_equal(count(fresh, "SELECT count(*) FROM pragma_journal_mode "
	    "WHERE journal_mode = 'wal'"), 1);
	unlink(copy);
	unlink(fresh);
}

/* What restore refuses leaves the database as it was. */
static void
restore_refusals(void **state)
{
	struct store_fixture *f = *state;
	char bad[200], other[200], old[200], err[1024];
	add(f->st, "a", 0);
	path_in(f, bad, sizeof(bad), "bad.db");
	path_in(f, other, sizeof(other), "other.db");
	path_in(f, old, sizeof(old), "old.db");
	FILE *fp = fopen(bad, "w");
	assert_non_null(fp);
	fputs("SQLite format 3 but not really, just text written over the header ....", fp);
	for (int i = 0; i < 2000; i++)
		fputs("junk ", fp);
	fclose(fp);
	assert_int_equal(store_restore(bad, f->path, 1000, NULL, NULL, err, sizeof(err)),
	    STORE_ERROR);
	raw(other, "CREATE TABLE t (x); INSERT INTO t VALUES (1);");
	assert_int_equal(store_restore(other, f->path, 1000, NULL, NULL, err, sizeof(err)),
	    STORE_ERROR);
	assert_non_null(strstr(err, "not a nazar database"));
	assert_int_equal(store_backup(f->path, old, 1000, NULL, NULL, err, sizeof(err)), STORE_OK);
	raw(old, "PRAGMA user_version = 1");
	assert_int_equal(store_restore(old, f->path, 1000, NULL, NULL, err, sizeof(err)),
	    STORE_ERROR);
	assert_non_null(strstr(err, "schema version 1"));
	char missing[200];
	path_in(f, missing, sizeof(missing), "missing.db");
	assert_int_equal(store_restore(missing, f->path, 1000, NULL, NULL, err, sizeof(err)),
	    STORE_ERROR);
	assert_int_equal(count(f->path, "SELECT count(*) FROM comments"), 1);
	unlink(bad);
	unlink(other);
	unlink(old);
}

struct found {
	int n;
	char text[8][600];
};

static void
collect(void *arg, const char *text)
{
	struct found *fd = arg;
	if (fd->n < 8)
		snprintf(fd->text[fd->n], sizeof(fd->text[0]), "%s", text);
	fd->n++;
}

static int
has(const struct found *fd, const char *needle)
{
	for (int i = 0; i < fd->n && i < 8; i++)
		if (strstr(fd->text[i], needle) != NULL)
			return 1;
	return 0;
}

/* Each invariant broken behind the store's back is found. */
static void
check_invariants(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = add(f->st, "a", 0);
	add(f->st, "a", a);
	int64_t b = add(f->st, "b", 0);
	struct found fd = { 0 };
	int64_t problems = -1;
	assert_int_equal(store_check(f->st, collect, &fd, &problems), STORE_OK);
	assert_int_equal(problems, 0);

	char sql[400];
	snprintf(sql, sizeof(sql),
	    "INSERT INTO comments (article, parent, name, body, status, created, updated)"
	    " VALUES ('a', 999, 'n', 'orphan', 'pending', 1, 1);"
	    "INSERT INTO comments (article, parent, name, body, status, created, updated)"
	    " VALUES ('a', %lld, 'n', 'elsewhere', 'pending', 1, 1);"
	    "UPDATE status_counts SET n = n + 3 WHERE status = 'spam';", (long long)b);
	/* nazar_fold is not in a plain connection: no triggers on these. */
	raw(f->path, "DROP TRIGGER comments_fts_insert;");
	raw(f->path, sql);
	raw(f->path, "DELETE FROM comments_fts WHERE rowid = 1;");
	snprintf(sql, sizeof(sql), "UPDATE comments_fts SET folded = 'stale' WHERE rowid = %lld;",
	    (long long)b);
	raw(f->path, sql);
	/* Counts moved by hand, not by a vote. */
	snprintf(sql, sizeof(sql), "UPDATE comments SET agree = 4 WHERE id = %lld;", (long long)a);
	raw(f->path, sql);
	memset(&fd, 0, sizeof(fd));
	assert_int_equal(store_check(f->st, collect, &fd, &problems), STORE_OK);
	assert_true(has(&fd, "a reply whose parent does not exist (id, parent): "));
	assert_true(has(&fd, "a reply on another article than its parent"));
	assert_true(has(&fd, "a status count that does not match (status, counted, found): spam 3 0"));
	assert_true(has(&fd, "a comment missing from the search index (id): 1"));
	assert_true(has(&fd, "a search index entry out of date"));
	assert_true(has(&fd, "vote counts that do not match the votes (id, agree, disagree): "));
	assert_int_equal(problems, fd.n);
	assert_true(problems >= 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(backup_and_restore, setup, teardown),
		cmocka_unit_test_setup_teardown(restore_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(check_invariants, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
