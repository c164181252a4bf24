/* store_health.c — the write probe of the health check. */
#include <stdbool.h>
#include <stdint.h>
#include <sys/statvfs.h>

#include "store_db.h"
#include "store_health.h"

/* The last answer and when it was found, shared by the worker threads. */
static int64_t probed_at = INT64_MIN;
static int probed_ok = 1;

bool
store_writable(struct store *st, time_t now)
{
	int64_t last = __atomic_load_n(&probed_at, __ATOMIC_ACQUIRE);
	if (last != INT64_MIN && (int64_t)now - last < STORE_WRITABLE_EVERY &&
	    (int64_t)now >= last)
		return __atomic_load_n(&probed_ok, __ATOMIC_ACQUIRE) != 0;
	/* The statement changes nothing, but SQLite writes the page all the
	 * same: the commit must reach the disk. */
	static const char sql[] =
	    "UPDATE status_counts SET n = n WHERE status = 'pending'";
	bool ok = store_begin_write(st) == STORE_OK;
	/* The probe's one page may fit where the WAL has room already; a
	 * post needs more. So the filesystem must have room too. */
	const char *path = sqlite3_db_filename(st->db, "main");
	struct statvfs vfs;
	if (ok && path != NULL && *path != '\0' && statvfs(path, &vfs) == 0 &&
	    (uint64_t)vfs.f_bavail * vfs.f_frsize < STORE_WRITABLE_MIN_FREE)
		ok = false;
	if (ok) {
		ok = store_exec(st, sql) == STORE_OK && store_commit(st) == STORE_OK;
	}
	if (!ok)
		store_rollback(st);
	__atomic_store_n(&probed_ok, ok ? 1 : 0, __ATOMIC_RELEASE);
	__atomic_store_n(&probed_at, (int64_t)now, __ATOMIC_RELEASE);
	return ok;
}
