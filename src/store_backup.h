/* store_backup.h — copies of the database while nazar serves, putting one
 * back, and checking a database: SQLite's online backup API, PRAGMA
 * integrity_check and nazar's own invariants. For nazarctl (ctl_backup.c). */
#ifndef NAZAR_STORE_BACKUP_H
#define NAZAR_STORE_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Called after each step of a copy with the pages done and their total. */
typedef void (*store_progress_fn)(void *arg, int64_t done, int64_t total);

/* Copies the database at db_path to the new file dest (which must not
 * exist) with the online backup API: in steps from one read snapshot, so
 * nazar goes on reading and writing meanwhile and the copy is the database
 * as it was at one moment. The copy is written next to dest, made a
 * stand-alone file (no WAL), checked with integrity_check, synced, and
 * only then renamed to dest. On failure nothing is left behind; err says
 * why. */
enum store_result store_backup(const char *db_path, const char *dest, int busy_timeout_ms,
    store_progress_fn progress, void *arg, char *err, size_t errlen);

/* Puts the backup file src back as the database at db_path. src is checked
 * first (integrity_check, a nazar database of this build's schema); nothing
 * is touched if it fails. When db_path exists, its content is replaced
 * through the backup API in one transaction of the database's own, so that
 * a nazar serving it meanwhile sees either the old or the restored content,
 * never a mix, and waits (busy_timeout_ms) instead of failing; otherwise
 * the copy is written next to it and renamed into place. Ownership and mode
 * of an existing file are kept. */
enum store_result store_restore(const char *src, const char *db_path, int busy_timeout_ms,
    store_progress_fn progress, void *arg, char *err, size_t errlen);

/* Checks a database: PRAGMA integrity_check, then nazar's invariants: every
 * reply's parent exists and is on the same article, the status counts match
 * the comments, the search index holds exactly the comments, each with its
 * current folded text, status and article. Each problem is passed to problem(arg, text);
 * *problems is their number. STORE_OK when the checks could run (whatever
 * they found). */
enum store_result store_check(struct store *st, void (*problem)(void *arg, const char *text),
    void *arg, int64_t *problems);

#endif
