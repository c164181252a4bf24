/* store_import.h — imported comments in SQLite (schema 8: source_system,
 * source_id, source_parent, unique per (system, id) by the index
 * comments_source).
 *
 * A batch is written in one BEGIN IMMEDIATE transaction with one audit row
 * ("import"): a failure anywhere leaves the database as it was before the
 * batch. The search index follows through the schema's triggers; the
 * outbox rows the held-comment trigger writes for an imported pending
 * comment are removed in the same transaction (moderators are not mailed
 * about years-old comments; the queue shows them). */
#ifndef NAZAR_STORE_IMPORT_H
#define NAZAR_STORE_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store.h"
#include "store_audit.h"

/* One comment ready to store: cleaned, its article known. */
struct import_row {
	const char *source_id;
	const char *source_parent;	/* NULL: top level */
	const char *article;
	const char *name;
	const char *email;
	const char *body;
	const char *remote_addr;
	const char *user_agent;
	const char *reason;		/* why it is held; NULL: "" */
	enum comment_status status;
	int64_t created;
};

struct store_import_result {
	int64_t added[COMMENT_STATUS__MAX];
	int64_t present;		/* already there: left alone */
	int64_t replies;		/* added comments with a source parent */
	int64_t linked;			/* replies given their parent at once */
};

/* Writes the rows of system that are not there yet, in one transaction
 * with an audit row by who at now (action "import", target, after "N
 * added"). A reply whose parent (same system, same article, older by
 * created then id) is already stored gets it; the others keep their
 * source_parent for store_import_link. Adds to *res only on commit. */
enum store_result store_import_batch(struct store *st, const char *system,
    const struct import_row *rows, size_t n, const struct actor *who, time_t now,
    const char *target, struct store_import_result *res);

/* Gives every reply of system without a parent the stored comment its
 * source_parent names (same article, older), in one transaction; then
 * counts the replies of system with an id above since still without one
 * (those of this run: since is store_import_last_id before it), and
 * those of them whose parent is not approved (deleted, spam, held: the
 * reply is attached as the source had it, but not shown while its parent
 * is not). */
enum store_result store_import_link(struct store *st, const char *system, int64_t since,
    int64_t *linked, int64_t *orphans, int64_t *hidden);
/* The highest comment id (0 when there is none). */
enum store_result store_import_last_id(struct store *st, int64_t *id);

/* Whether (system, id) is stored. */
enum store_result store_import_present(struct store *st, const char *system, const char *id,
    bool *present);
/* The same with the stored comment's id in *found (0: not stored). */
enum store_result store_import_find(struct store *st, const char *system, const char *id,
    int64_t *found);

/* The end of a batch begun with store_begin_write, for each importer:
 * when any comment was added (added[] by status), the "import" audit row
 * by who at now with target and after "N added" and then more (may be
 * ""), and the commit; anything that fails rolls the batch back. */
enum store_result store_import_commit(struct store *st, const int64_t *added,
    const char *more, const struct actor *who, time_t now, const char *target);
/* Whether the article has any comment. */
enum store_result store_article_exists(struct store *st, const char *article, bool *exists);

/* A dry run's notes, in a temporary table of this connection (nothing of
 * the database is written or locked): each record's id, parent and
 * article, between store_import_dry_begin and _end; then the replies
 * whose parent is neither noted nor stored (same article). */
enum store_result store_import_dry_note(struct store *st, const char *id, const char *parent,
    const char *article);
/* A batch of notes in one transaction: begun (a read of the database),
 * then ended, kept or not. */
enum store_result store_import_dry_begin(struct store *st);
enum store_result store_import_dry_end(struct store *st, bool keep);
enum store_result store_import_dry_orphans(struct store *st, const char *system,
    int64_t *orphans);

#endif
