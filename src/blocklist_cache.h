/* blocklist_cache.h — the compiled blocklist (blocklist.h) shared by the
 * worker threads and kept in step with the database (store_blocklist.h),
 * and the post path's screening step that uses it.
 *
 * Dependencies run one way: this module → store_blocklist → blocklist. */
#ifndef NAZAR_BLOCKLIST_CACHE_H
#define NAZAR_BLOCKLIST_CACHE_H

#include <stdbool.h>
#include <time.h>

#include "blocklist.h"
#include "store.h"

struct arena;

/*
 * A compiled list is shared by all worker threads (read-only,
 * reference-counted) instead of one copy per worker: 10,000 entries are
 * compiled once per change, not once per thread, and held in memory once.
 * The database keeps a generation number (settings 'blocklist_generation',
 * raised by triggers on every change to the table, whoever makes it: the
 * admin page, nazarctl or sqlite3 by hand); each post reads it (one
 * primary-key lookup) and compares. The first worker to see a new
 * generation reloads and compiles while the others go on with the list
 * they have; then the new list is swapped in under the lock, and the old
 * one is freed when its last user releases it. PRAGMA data_version would
 * not do: it changes with every comment any other connection commits.
 */
struct blocklist_cache;

struct blocklist_cache *blocklist_cache_new(void);
/* Frees the cache; no list acquired from it may be in use. */
void blocklist_cache_free(struct blocklist_cache *bc);
/* The process's cache, shared by the workers of the server. */
struct blocklist_cache *blocklist_cache_shared(void);

/* The current list for a post at time now, through the worker's own
 * connection; release it when done. Never NULL: when the database cannot
 * be read the last list compiled is used (an empty one at first), the
 * problem is logged, and reading is tried again no sooner than 10 s later. */
const struct blocklist *blocklist_cache_acquire(struct blocklist_cache *bc, struct store *st,
    time_t now);
void blocklist_cache_release(struct blocklist_cache *bc, const struct blocklist *bl);

/* The post path's step: matches s against the shared cache's list and,
 * on a match, raises *status (a spam entry makes it spam, a hold entry
 * makes an approved comment pending; nothing is ever lowered) and adds the
 * blocklist's reason to *reason (joined by "; "): first when the match
 * changed the status, after the reason already there otherwise. Returns
 * whether an entry matched. */
bool blocklist_screen(struct store *st, struct arena *a, const struct blocklist_subject *s,
    time_t now, enum comment_status *status, const char **reason);

#endif
