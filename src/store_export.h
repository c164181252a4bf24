/* store_export.h — every comment with everything the database knows of it,
 * one at a time, for nazarctl export (export_json.h writes it out).
 *
 * One read transaction: the export is a snapshot even while nazar serves.
 * Memory stays constant however many comments there are: one statement
 * walks the comments and each comment's history and audit rows are read
 * into an arena that is emptied before the next. */
#ifndef NAZAR_STORE_EXPORT_H
#define NAZAR_STORE_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* One earlier text of a comment (comment_history): the text as it was
 * before an edit at at, by the user named by (NULL: none or unknown). */
struct export_history {
	int64_t at;
	const char *by;
	const char *body;
	bool author;		/* the text its author replaced */
};

/* One audit row about a comment. user: the user's name when the row has a
 * user id (NULL: none); actor: the name recorded at the time. */
struct export_audit {
	int64_t at;
	const char *user;
	const char *actor;
	const char *remote_addr;
	const char *action;
	const char *target;
	const char *before;
	const char *after;
	const char *reason;
};

/* A reader's vote on a comment: voter (the reader's random id, lower-case
 * hex), +1 agree or -1 disagree, the address group and time it came from. */
struct export_vote {
	const char *voter;
	int value;
	const char *addr_group;
	int64_t created;
};

/* A comment as stored. The optional columns are NULL when the row has
 * NULL there: updated_by (the name of the user who changed it last),
 * addr_group and body_hash (lower-case hex) of the anti-spam counts, and
 * where an imported comment came from. */
struct export_comment {
	struct comment c;
	const char *updated_by;
	const char *addr_group;
	const char *body_hash;
	const char *source_system;
	const char *source_id;
	const char *source_parent;
	/* c.notify_replies: the author asked for mail about replies; the
	 * state of the author's address as a subscriber ("unconfirmed",
	 * "confirmed", "stopped"; NULL: none). */
	const char *subscriber;
	/* Its author's edit waiting for a moderator (NULL: none), and when
	 * it was written; c.edited is when its author last changed it. */
	const char *revision;
	int64_t revision_at;
	const struct export_vote *votes;	/* oldest first */
	size_t nvotes;
	const struct export_history *history;	/* oldest first */
	size_t nhistory;
	const struct export_audit *audit;	/* oldest first */
	size_t naudit;
};

struct export_filter {
	const char *article;	/* NULL: every article */
	int64_t since;		/* only comments changed (or posted) at or after; 0: all */
};

/* Called for each comment in id order; the pointers live until it
 * returns. Nonzero stops the export (store_export returns STORE_ERROR
 * then, and *stopped is set). */
typedef int (*store_export_fn)(void *arg, const struct export_comment *e);

/* Walks the comments the filter selects. *count: how many were given to
 * fn. */
enum store_result store_export(struct store *st, const struct export_filter *f,
    store_export_fn fn, void *arg, int64_t *count, int *stopped);

#endif
