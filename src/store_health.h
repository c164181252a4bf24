/* store_health.h — whether the database can take writes, for the health
 * check: a read that works says nothing about a full disk or a read-only
 * file, where every post fails. */
#ifndef NAZAR_STORE_HEALTH_H
#define NAZAR_STORE_HEALTH_H

#include <stdbool.h>
#include <time.h>

struct store;

/* True when a small write commits: BEGIN IMMEDIATE, an update of one row
 * to its own value, COMMIT (which appends to the WAL and syncs it), and the
 * database's filesystem has STORE_WRITABLE_MIN_FREE bytes free for users.
 * At most one such probe per STORE_WRITABLE_EVERY seconds per process; in
 * between, the last answer. */
#define STORE_WRITABLE_EVERY 2
#define STORE_WRITABLE_MIN_FREE (512 * 1024)
bool store_writable(struct store *st, time_t now);

#endif
