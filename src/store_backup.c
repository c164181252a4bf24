/* store_backup.c — backup, restore and check of the database (see
 * store_backup.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "store_backup.h"
#include "store_db.h"

/* Pages copied per step (4 MiB at SQLite's default 4 KiB pages). */
#define BACKUP_STEP_PAGES 1024

static void
set_err(char *err, size_t errlen, const char *path, sqlite3 *db, const char *what)
{
	snprintf(err, errlen, "%s: %s: %s", path, what, db ? sqlite3_errmsg(db) : "out of memory");
}

/* Opens path with flags; NULL with err on failure. */
static sqlite3 *
open_db(const char *path, int flags, int busy_timeout_ms, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		set_err(err, errlen, path, db, "cannot open");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, busy_timeout_ms > 0 ? busy_timeout_ms : 0);
	return db;
}

/* Runs sql, which returns at most one row whose first column, as text, is
 * copied to out (when given). SQLITE_OK or the error code. */
static int
exec_one(sqlite3 *db, const char *sql, char *out, size_t outlen)
{
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	if (out != NULL && outlen > 0)
		out[0] = '\0';
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (out != NULL && outlen > 0 && out[0] == '\0') {
			const unsigned char *t = sqlite3_column_text(s, 0);
			snprintf(out, outlen, "%s", t ? (const char *)t : "");
		}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* integrity_check says "ok" about db. */
static int
integrity_ok(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	char answer[512];
	int rc = exec_one(db, "PRAGMA integrity_check", answer, sizeof(answer));
	if (rc != SQLITE_OK) {
		set_err(err, errlen, path, db, "integrity check failed");
		return 0;
	}
	if (strcmp(answer, "ok") != 0) {
		snprintf(err, errlen, "%s: integrity check: %s", path, answer);
		return 0;
	}
	return 1;
}

/* Copies src into dst through the backup API, reporting progress. The
 * caller holds whatever snapshot of src it wants copied. */
static int
copy_pages(sqlite3 *dst, sqlite3 *src, store_progress_fn progress, void *arg)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (b == NULL)
		return sqlite3_errcode(dst);
	int rc;
	do {
		rc = sqlite3_backup_step(b, BACKUP_STEP_PAGES);
		if (progress != NULL && (rc == SQLITE_OK || rc == SQLITE_DONE)) {
			int total = sqlite3_backup_pagecount(b);
			progress(arg, total - sqlite3_backup_remaining(b), total);
		}
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	int frc = sqlite3_backup_finish(b);
	if (rc == SQLITE_DONE)
		rc = frc;
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* fsync of the directory holding path, so a rename survives a power cut. */
static void
sync_dir_of(const char *path)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else
		*(slash == dir ? slash + 1 : slash) = '\0';
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

static int
sync_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int r = fsync(fd);
	close(fd);
	return r;
}

/* Writes a stand-alone, checked copy of src (read in the snapshot the
 * caller holds) to tmp. */
static int
write_copy(sqlite3 *src, const char *tmp, store_progress_fn progress, void *arg, char *err,
    size_t errlen)
{
	sqlite3 *dst = open_db(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, 0, err, errlen);
	if (dst == NULL)
		return -1;
	int ok = 0;
	int rc = copy_pages(dst, src, progress, arg);
	if (rc != SQLITE_OK)
		set_err(err, errlen, tmp, dst, "copy failed");
	/* The pages say WAL; a backup is one file on its own. */
	else if (exec_one(dst, "PRAGMA journal_mode = DELETE", NULL, 0) != SQLITE_OK)
		set_err(err, errlen, tmp, dst, "cannot leave WAL mode");
	else
		ok = integrity_ok(dst, tmp, err, errlen);
	if (sqlite3_close(dst) != SQLITE_OK && ok) {
		snprintf(err, errlen, "%s: cannot close the copy", tmp);
		ok = 0;
	}
	if (ok && sync_file(tmp) != 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		ok = 0;
	}
	return ok ? 0 : -1;
}

/* A temporary name next to path: "path.tmp-PID". */
static void
tmp_name(char *out, size_t outlen, const char *path)
{
	snprintf(out, outlen, "%s.tmp-%ld", path, (long)getpid());
}

static void
remove_tmp(const char *tmp)
{
	char side[4300];
	unlink(tmp);
	snprintf(side, sizeof(side), "%s-journal", tmp);
	unlink(side);
}

enum store_result
store_backup(const char *db_path, const char *dest, int busy_timeout_ms,
    store_progress_fn progress, void *arg, char *err, size_t errlen)
{
	char tmp[4200];
	struct stat st;
	if (strlen(dest) > 4000) {
		snprintf(err, errlen, "%s: the name is too long", dest);
		return STORE_ERROR;
	}
	if (lstat(dest, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			snprintf(err, errlen, "%s: is a directory; give the backup's file name, "
			    "or use backup --rotate %s", dest, dest);
		else
			snprintf(err, errlen, "%s: exists already; nazarctl does not overwrite a file",
			    dest);
		return STORE_ERROR;
	}
	if (stat(db_path, &st) != 0) {
		snprintf(err, errlen, "%s: %s", db_path, strerror(errno));
		return STORE_ERROR;
	}
	sqlite3 *src = open_db(db_path, SQLITE_OPEN_READONLY, busy_timeout_ms, err, errlen);
	if (src == NULL)
		return STORE_ERROR;
	tmp_name(tmp, sizeof(tmp), dest);
	remove_tmp(tmp);
	/* The copy holds readers' addresses, password hashes and the server
	 * secret: readable by its owner only, whatever the umask (SQLite
	 * would create it 0644 and gives its journal the same mode). */
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		sqlite3_close(src);
		return STORE_ERROR;
	}
	close(fd);
	/* One read transaction over all the steps: the copy is one snapshot,
	 * and writers elsewhere never make the backup start over. */
	int ok = 0;
	char ver[32];
	if (exec_one(src, "BEGIN", NULL, 0) != SQLITE_OK ||
	    exec_one(src, "PRAGMA user_version", ver, sizeof(ver)) != SQLITE_OK)
		set_err(err, errlen, db_path, src, "cannot read");
	else
		ok = write_copy(src, tmp, progress, arg, err, errlen) == 0;
	exec_one(src, "COMMIT", NULL, 0);
	sqlite3_close(src);
	if (ok && link(tmp, dest) != 0) {
		/* link, not rename: a file that appeared meanwhile is not
		 * replaced. */
		snprintf(err, errlen, "%s: %s", dest, strerror(errno));
		ok = 0;
	}
	remove_tmp(tmp);
	if (!ok)
		return STORE_ERROR;
	sync_dir_of(dest);
	return STORE_OK;
}

/* src is a sound nazar database of this build's schema. */
static int
backup_usable(sqlite3 *src, const char *path, char *err, size_t errlen)
{
	char ver[32], tables[32];
	if (!integrity_ok(src, path, err, errlen))
		return 0;
	if (exec_one(src, "PRAGMA user_version", ver, sizeof(ver)) != SQLITE_OK ||
	    exec_one(src, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
	    "('comments', 'settings', 'users', 'status_counts')", tables, sizeof(tables)) !=
	    SQLITE_OK) {
		set_err(err, errlen, path, src, "cannot read");
		return 0;
	}
	if (strcmp(tables, "4") != 0) {
		snprintf(err, errlen, "%s: not a nazar database", path);
		return 0;
	}
	if (atoi(ver) != STORE_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: schema version %s, but this nazar uses %d; restore it "
		    "with the nazar that made it, or copy it aside and run nazarctl init on "
		    "the copy first", path, ver, STORE_SCHEMA_VERSION);
		return 0;
	}
	return 1;
}

/* The database does not exist: a checked copy renamed into place. */
static enum store_result
restore_new(sqlite3 *src, const char *db_path, store_progress_fn progress, void *arg,
    char *err, size_t errlen)
{
	char tmp[4200];
	tmp_name(tmp, sizeof(tmp), db_path);
	remove_tmp(tmp);
	if (write_copy(src, tmp, progress, arg, err, errlen) != 0) {
		remove_tmp(tmp);
		return STORE_ERROR;
	}
	/* nazar keeps its database in WAL mode. */
	sqlite3 *dst = open_db(tmp, SQLITE_OPEN_READWRITE, 0, err, errlen);
	int ok = dst != NULL && exec_one(dst, "PRAGMA journal_mode = WAL", NULL, 0) == SQLITE_OK;
	if (dst != NULL && !ok)
		set_err(err, errlen, tmp, dst, "cannot set WAL mode");
	sqlite3_close(dst);
	if (ok && rename(tmp, db_path) != 0) {
		snprintf(err, errlen, "%s: %s", db_path, strerror(errno));
		ok = 0;
	}
	remove_tmp(tmp);
	if (!ok)
		return STORE_ERROR;
	sync_dir_of(db_path);
	return STORE_OK;
}

enum store_result
store_restore(const char *src_path, const char *db_path, int busy_timeout_ms,
    store_progress_fn progress, void *arg, char *err, size_t errlen)
{
	if (strlen(db_path) > 4000) {
		snprintf(err, errlen, "%s: the name is too long", db_path);
		return STORE_ERROR;
	}
	/* SQLite says "disk I/O error" for a directory and "unable to open
	 * database file" for a missing file: say what it is instead. */
	struct stat sst;
	if (stat(src_path, &sst) != 0) {
		snprintf(err, errlen, "%s: %s", src_path, strerror(errno));
		return STORE_ERROR;
	}
	if (!S_ISREG(sst.st_mode)) {
		snprintf(err, errlen, "%s: not a file (give the backup's file)", src_path);
		return STORE_ERROR;
	}
	sqlite3 *src = open_db(src_path, SQLITE_OPEN_READONLY, 0, err, errlen);
	if (src == NULL)
		return STORE_ERROR;
	if (!backup_usable(src, src_path, err, errlen)) {
		sqlite3_close(src);
		return STORE_ERROR;
	}
	struct stat st;
	enum store_result r;
	if (stat(db_path, &st) != 0 && errno == ENOENT) {
		r = restore_new(src, db_path, progress, arg, err, errlen);
		sqlite3_close(src);
		return r;
	}
	/* In place: the backup API writes the destination in one transaction
	 * of its own, under its write lock; the file, its owner and nazar's
	 * connections to it stay. */
	sqlite3 *dst = open_db(db_path, SQLITE_OPEN_READWRITE, busy_timeout_ms, err, errlen);
	r = STORE_ERROR;
	if (dst != NULL) {
		int rc = copy_pages(dst, src, progress, arg);
		if (rc == SQLITE_OK)
			r = STORE_OK;
		else {
			set_err(err, errlen, db_path, dst, "restore failed, the database is unchanged");
			r = rc == SQLITE_BUSY ? STORE_BUSY : STORE_ERROR;
		}
	}
	sqlite3_close(dst);
	sqlite3_close(src);
	return r;
}

/* --- check --- */

/* Each row of sql is a problem, described by its columns joined. */
static enum store_result
report_rows(struct store *st, const char *sql, const char *prefix,
    void (*problem)(void *arg, const char *text), void *arg, int64_t *problems)
{
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return store_db_fail(st->db, rc, "check");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		char line[600];
		int n = snprintf(line, sizeof(line), "%s", prefix);
		for (int i = 0; i < sqlite3_column_count(s) && n >= 0 && (size_t)n < sizeof(line); i++) {
			const unsigned char *t = sqlite3_column_text(s, i);
			n += snprintf(line + n, sizeof(line) - (size_t)n, "%s%s", i ? " " : "",
			    t ? (const char *)t : "NULL");
		}
		problem(arg, line);
		(*problems)++;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? STORE_OK : store_db_fail(st->db, rc, "check");
}

enum store_result
store_check(struct store *st, void (*problem)(void *arg, const char *text), void *arg,
    int64_t *problems)
{
	*problems = 0;
	static const struct {
		const char *sql, *prefix;
	} checks[] = {
		{ "SELECT * FROM pragma_integrity_check WHERE integrity_check <> 'ok'",
		    "integrity_check: " },
		{ "SELECT c.id, c.parent FROM comments c WHERE c.parent IS NOT NULL"
		    " AND c.parent <> 0 AND NOT EXISTS (SELECT 1 FROM comments p"
		    " WHERE p.id = c.parent)", "a reply whose parent does not exist (id, parent): " },
		{ "SELECT c.id, c.parent FROM comments c JOIN comments p ON p.id = c.parent"
		    " WHERE p.article <> c.article",
		    "a reply on another article than its parent (id, parent): " },
		{ "SELECT s.status, s.n, (SELECT count(*) FROM comments c WHERE c.status = s.status)"
		    " FROM status_counts s WHERE s.n <> (SELECT count(*) FROM comments c"
		    " WHERE c.status = s.status)",
		    "a status count that does not match (status, counted, found): " },
		{ "SELECT c.id, c.agree, c.disagree FROM comments c"
		    " WHERE c.agree <> (SELECT count(*) FROM votes v"
		    "  WHERE v.comment_id = c.id AND v.value = 1)"
		    " OR c.disagree <> (SELECT count(*) FROM votes v"
		    "  WHERE v.comment_id = c.id AND v.value = -1)",
		    "vote counts that do not match the votes (id, agree, disagree): " },
		{ "SELECT c.id FROM comments c WHERE NOT EXISTS (SELECT 1 FROM comments_fts f"
		    " WHERE f.rowid = c.id)", "a comment missing from the search index (id): " },
		{ "SELECT f.rowid FROM comments_fts f WHERE NOT EXISTS (SELECT 1 FROM comments c"
		    " WHERE c.id = f.rowid)", "a search index entry without a comment (id): " },
		{ "SELECT c.id FROM comments c JOIN comments_fts f ON f.rowid = c.id"
		    " WHERE f.folded IS NOT nazar_fold(c.name || ' ' || c.email || ' ' || c.body)"
		    " OR f.status IS NOT '_' || c.status OR f.article IS NOT '_' || hex(c.article)",
		    "a search index entry out of date (id): " },
	};
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		enum store_result r = report_rows(st, checks[i].sql, checks[i].prefix, problem, arg,
		    problems);
		if (r != STORE_OK)
			return r;
	}
	/* FTS5's own check of its index structure. */
	int rc = sqlite3_exec(st->db,
	    "INSERT INTO comments_fts (comments_fts) VALUES ('integrity-check')", NULL, NULL, NULL);
	if (rc == SQLITE_CORRUPT_VTAB || rc == SQLITE_CORRUPT) {
		problem(arg, "the search index is damaged (FTS5 integrity-check)");
		(*problems)++;
	} else if (rc != SQLITE_OK)
		return store_db_fail(st->db, rc, "check");
	return STORE_OK;
}
