/* store_import_nazar.h — comments from nazar's own export written back
 * whole (nazarctl import nazar): every column, the edit history and the
 * audit rows, so that an export imported into an empty database exports
 * again the same.
 *
 * Comments keep their ids when every id of the file is above the
 * database's (an empty database, or one the file's site was exported
 * from); then, when they came from nowhere else, they keep no source
 * either, and a second run knows each by its id, article and time.
 * Otherwise each is added under a new id with the source ("nazar", its
 * id in the file), by which (with its time) a second run knows it; one that came from another
 * system (source_system set) is known by that source. Parents are found
 * through a table of this connection that maps the file's ids to the
 * database's, whatever the order of the file; users by name (unknown
 * ones leave no user id: the audit keeps the actor's name as text).
 * Each batch is one BEGIN IMMEDIATE transaction with one "import" audit
 * row; pending comments send no mail. */
#ifndef NAZAR_STORE_IMPORT_NAZAR_H
#define NAZAR_STORE_IMPORT_NAZAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store.h"
#include "store_audit.h"
#include "store_export.h"

struct store_nazar_result {
	int64_t added[COMMENT_STATUS__MAX];
	int64_t present;	/* already there: left alone */
	int64_t renumbered;	/* added under a new id (theirs was taken) */
	int64_t replies;	/* added comments that reply to another */
	int64_t users_unknown;	/* user names not in this database */
};

/* Starts a run on this connection: forgets the ids of an earlier one. */
enum store_result store_nazar_start(struct store *st);

/* Writes rows (as store_export reads them: c.id and c.parent are the
 * file's ids; body_hash and voters hex) in one transaction with its audit
 * row by who at now (action "import", target, after "N added"). *keep_ids
 * is -1 before the first batch of a run, which decides it (1: ids kept,
 * 0: new ids). Adds to *res only on commit. */
enum store_result store_nazar_batch(struct store *st, const struct export_comment *rows,
    size_t n, const struct actor *who, time_t now, const char *target, int *keep_ids,
    struct store_nazar_result *res);

/* Whether the row is stored already (as a batch would find it), for a
 * dry run; reads only. */
enum store_result store_nazar_present(struct store *st, const struct export_comment *e,
    bool *present);

/* After the last batch: gives each comment of this run whose parent came
 * later in the file its parent (same article), in one transaction; then
 * counts those left without one (*orphans: their parent is neither in the
 * file nor in the database, or under another article). */
enum store_result store_nazar_link(struct store *st, int64_t *linked, int64_t *orphans);

#endif
