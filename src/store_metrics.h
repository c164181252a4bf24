/* store_metrics.h — the numbers GET /metrics reads from the database at
 * scrape time (metrics.h): comments by status, spam by rule, decisions
 * and failed sign-ins in the audit trail, the queue, the file's size.
 * Exact whichever nazar process (or nazarctl) made the changes. */
#ifndef NAZAR_STORE_METRICS_H
#define NAZAR_STORE_METRICS_H

#include "metrics.h"
#include "store.h"

struct arena;

/* Fills *out (its lists in the arena) in one read transaction. The audit
 * counts scan the audit trail (see the note in store_metrics.c). */
enum store_result store_metrics_read(struct store *st, struct arena *a, struct metrics_db *out);

#endif
