/* store_isso.c — an Isso database read; see store_isso.h. A connection of
 * its own, not nazar's: nothing here is cached or written. */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store_isso.h"

static const char sql_isso_count[] = "SELECT count(*) FROM comments";
static const char sql_isso_comments[] =
	"SELECT c.id, c.parent, c.tid, t.uri, t.title, c.created, c.modified, c.mode,"
	" c.remote_addr, c.text, c.author, c.email, c.website, c.likes, c.dislikes"
	" FROM comments c LEFT JOIN threads t ON t.id = c.tid ORDER BY c.id";

static const char *
text_or_null(sqlite3_stmt *s, int col)
{
	return sqlite3_column_type(s, col) == SQLITE_NULL ? NULL :
	    (const char *)sqlite3_column_text(s, col);
}

/* SQLite's own header: the first 16 bytes. */
static int
is_sqlite(const char *path, char *err, size_t errlen)
{
	char head[16] = { 0 };
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(err, errlen, "%s: cannot be opened", path);
		return 0;
	}
	size_t n = fread(head, 1, sizeof(head), f);
	fclose(f);
	if (n != sizeof(head) || memcmp(head, "SQLite format 3", 16) != 0) {
		snprintf(err, errlen, "%s: not an SQLite database (Isso's comments.db)", path);
		return 0;
	}
	return 1;
}

static int
open_untrusted(const char *path, sqlite3 **db, char *err, size_t errlen)
{
	int rc = sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(*db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(*db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(*db, "PRAGMA query_only = 1", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, *db != NULL ? sqlite3_errmsg(*db) :
		    sqlite3_errstr(rc));
		return -1;
	}
	sqlite3_limit(*db, SQLITE_LIMIT_LENGTH, STORE_ISSO_MAX_TEXT);
	sqlite3_busy_timeout(*db, 5000);
	return 0;
}

static void
read_row(sqlite3_stmt *s, struct isso_comment *c)
{
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(s, 0);
	c->parent = sqlite3_column_int64(s, 1);
	c->tid = sqlite3_column_int64(s, 2);
	c->uri = text_or_null(s, 3);
	c->title = text_or_null(s, 4);
	c->created = sqlite3_column_double(s, 5);
	c->modified = sqlite3_column_double(s, 6);
	c->mode = sqlite3_column_int64(s, 7);
	c->remote_addr = text_or_null(s, 8);
	c->text = text_or_null(s, 9);
	c->author = text_or_null(s, 10);
	c->email = text_or_null(s, 11);
	c->website = text_or_null(s, 12);
	c->likes = sqlite3_column_int64(s, 13);
	c->dislikes = sqlite3_column_int64(s, 14);
}

int
store_isso_read(const char *path, store_isso_fn fn, void *arg, char *err, size_t errlen)
{
	if (!is_sqlite(path, err, errlen))
		return -1;
	sqlite3 *db = NULL;
	sqlite3_stmt *count = NULL, *s = NULL;
	int status = -1;
	if (open_untrusted(path, &db, err, errlen) != 0)
		goto out;
	if (sqlite3_prepare_v2(db, sql_isso_count, -1, &count, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, sql_isso_comments, -1, &s, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: not an Isso database (%s)", path, sqlite3_errmsg(db));
		goto out;
	}
	int64_t total = sqlite3_step(count) == SQLITE_ROW ? sqlite3_column_int64(count, 0) : 0;
	int64_t done = 0;
	int rc;
	status = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct isso_comment c;
		read_row(s, &c);
		if ((status = fn(arg, &c, ++done, total)) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s: reading comment %lld: %s", path, (long long)done + 1,
		    sqlite3_errmsg(db));
		status = -1;
	}
out:
	sqlite3_finalize(count);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return status;
}
