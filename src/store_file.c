/* store_file.c — hostile or damaged database files refused at start; see
 * store_file.h. The header layout is SQLite's file format, section 1.3
 * (https://www.sqlite.org/fileformat.html). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store_db.h"
#include "store_file.h"

#define HEADER_BYTES 100
static const char magic[16] = "SQLite format 3";	/* with its NUL */

static const char sql_application_id[] = "PRAGMA application_id";
static const char sql_quick_check[] = "PRAGMA quick_check(1)";

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Whether PATH-wal exists and is not empty: then the main file may lag
 * behind its header until the next checkpoint. */
static bool
wal_present(const char *path)
{
	char wal[4096];
	struct stat sb;
	int n = snprintf(wal, sizeof(wal), "%s-wal", path);
	return n > 0 && (size_t)n < sizeof(wal) && stat(wal, &sb) == 0 && sb.st_size > 0;
}

/* The header's own checks; h is HEADER_BYTES, size the file's. */
static enum store_result
header_check(const char *path, const unsigned char *h, long long size, char *err,
    size_t errlen)
{
	if (memcmp(h, magic, sizeof(magic)) != 0) {
		snprintf(err, errlen, "%s: not an SQLite database (no SQLite header)", path);
		return STORE_ERROR;
	}
	uint32_t page = (uint32_t)h[16] << 8 | h[17];
	if (page == 1)
		page = 65536;
	if (page < 512 || page > 65536 || (page & (page - 1)) != 0) {
		snprintf(err, errlen, "%s: damaged: the header's page size (%u) is not valid",
		    path, page);
		return STORE_ERROR;
	}
	uint32_t app = be32(h + 68);
	if (app != 0 && app != STORE_APPLICATION_ID) {
		snprintf(err, errlen,
		    "%s: not a nazar database: its application id is 0x%08x, nazar's is 0x%08x",
		    path, app, (unsigned)STORE_APPLICATION_ID);
		return STORE_ERROR;
	}
	int32_t version = (int32_t)be32(h + 60);
	if (version > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen,
		    "%s: database schema version %d is newer than this nazar (%d); upgrade nazar",
		    path, (int)version, STORE_SCHEMA_VERSION);
		return STORE_ERROR;
	}
	/* The page count is valid when the change counter matches the
	 * version-valid-for number; the file must then hold every page. */
	uint32_t pages = be32(h + 28);
	if (!wal_present(path) && pages > 0 && be32(h + 24) == be32(h + 92) &&
	    size < (long long)pages * page) {
		snprintf(err, errlen,
		    "%s: truncated: %lld bytes, but its header counts %u pages of %u bytes",
		    path, size, pages, page);
		return STORE_ERROR;
	}
	return STORE_OK;
}

enum store_result
store_file_check(const char *path, char *err, size_t errlen)
{
	if (errlen > 0)
		err[0] = '\0';
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT)
			return STORE_NOT_FOUND;
		snprintf(err, errlen, "%s: cannot read the database: %s", path, strerror(errno));
		return STORE_ERROR;
	}
	struct stat sb;
	unsigned char h[HEADER_BYTES];
	enum store_result r = STORE_OK;
	if (fstat(fd, &sb) != 0) {
		snprintf(err, errlen, "%s: cannot read the database: %s", path, strerror(errno));
		r = STORE_ERROR;
	} else if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		r = STORE_ERROR;
	} else if (sb.st_size == 0) {
		r = STORE_OK;	/* a new database */
	} else if (sb.st_size < HEADER_BYTES) {
		snprintf(err, errlen,
		    "%s: truncated: %lld bytes, less than an SQLite header (%d bytes)", path,
		    (long long)sb.st_size, HEADER_BYTES);
		r = STORE_ERROR;
	} else if (pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h)) {
		snprintf(err, errlen, "%s: cannot read the database's header", path);
		r = STORE_ERROR;
	} else
		r = header_check(path, h, (long long)sb.st_size, err, errlen);
	close(fd);
	return r;
}

enum store_result
store_file_verify(struct store *st, const char *path, char *err, size_t errlen)
{
	if (errlen > 0)
		err[0] = '\0';
	sqlite3_stmt *s;
	int64_t app = 0;
	enum store_result r = store_prepare(st, sql_application_id, &s);
	if (r == STORE_OK)
		r = store_step_ints(st, s, &app, 1);
	if (r == STORE_OK && app != 0 && app != STORE_APPLICATION_ID) {
		snprintf(err, errlen,
		    "%s: not a nazar database: its application id is 0x%08x, nazar's is 0x%08x",
		    path, (unsigned)(uint32_t)app, (unsigned)STORE_APPLICATION_ID);
		return STORE_ERROR;
	}
	if (r == STORE_OK && (r = store_prepare(st, sql_quick_check, &s)) == STORE_OK &&
	    (r = store_step_one(st, s)) == STORE_OK) {
		const char *says = (const char *)sqlite3_column_text(s, 0);
		if (says == NULL || strcmp(says, "ok") != 0) {
			snprintf(err, errlen, "%s: damaged: PRAGMA quick_check says: %.200s", path,
			    says ? says : "nothing");
			r = STORE_ERROR;
		}
		store_stmt_done(s);
		return r;
	}
	if (r != STORE_OK)
		snprintf(err, errlen, "%s: damaged or not a database: %s", path,
		    sqlite3_errmsg(st->db));
	return r == STORE_BUSY ? r : STORE_ERROR;
}
