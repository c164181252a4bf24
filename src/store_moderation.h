/* store_moderation.h — the moderation queue, decisions, edits and site
 * replies.
 *
 * Every decision and edit is written together with its audit entry in one
 * transaction: there is no moderated comment without its record. Decisions
 * carry the comment version the moderator saw; a comment changed since
 * then is not touched and the caller learns who changed it and when. */
#ifndef NAZAR_STORE_MODERATION_H
#define NAZAR_STORE_MODERATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store.h"
#include "store_audit.h"

struct arena;

struct queue_query {
	enum comment_status status;
	bool revisions;		/* instead of status: the edits waiting (oldest first) */
	const char *article;	/* NULL or "": every article */
	const char *q;		/* NULL or "": no search; else words, all must match */
	int page;		/* 1-based */
	int per_page;		/* 1..200 */
};

struct queue_item {
	struct comment c;
	char *parent_name;	/* "" when a top-level comment */
	char *parent_body;
	char *updated_by;	/* user name of the last moderator to change it, or "" */
	char *revision;		/* its author's edit waiting for a moderator, or NULL */
};

/* How far a search counts its matches at least (see store_queue). */
#define STORE_QUEUE_SEARCH_COUNT 1000

/* One page of the queue: pending oldest first (nothing waits forever);
 * the other statuses newest change first. *total counts every comment of
 * the tab (or of the article in it).
 * Searching folds q like the index (fold.h) and matches whole words, the
 * last one also as a prefix. Its matches come in the order they were
 * posted (by id): pending oldest first, the other tabs newest first. It
 * counts them up to STORE_QUEUE_SEARCH_COUNT or the end of the page,
 * whichever is further: when there are more than that, *total is that
 * bound and *more is set (never for a whole tab). A search reads the
 * search index alone, up to that count, and only the page's comments. */
enum store_result store_queue(struct store *st, struct arena *a, const struct queue_query *qq,
    struct queue_item **out, size_t *count, long long *total, bool *more);

/* Comments per status, for the queue's tabs (article NULL: all). */
enum store_result store_status_counts(struct store *st, const char *article,
    long long counts[COMMENT_STATUS__MAX]);
/* Authors' edits waiting for a moderator (article NULL: all). */
enum store_result store_revision_count(struct store *st, const char *article, long long *n);

enum moderation_action {
	ACTION_APPROVE,		/* → approved */
	ACTION_REJECT,		/* → rejected */
	ACTION_SPAM,		/* → spam */
	ACTION_DELETE,		/* → deleted */
	ACTION_RESTORE,		/* → pending, from rejected, spam or deleted */
	ACTION__MAX
};
const char *moderation_action_name(enum moderation_action a);	/* "approve" … */
int moderation_action_parse(const char *name, enum moderation_action *out);

struct moderation {
	int64_t id;
	int64_t version;	/* as the moderator saw it; 0: do not check */
};

struct moderation_result {
	enum store_result result;	/* OK, NOT_FOUND, or CONFLICT (version) */
	enum comment_status status;	/* the status now */
	int64_t updated;		/* on CONFLICT: when it changed */
	char *updated_by;		/* on CONFLICT: by whom ("" if unknown) */
};

/* Applies one action to n comments in one transaction, with one audit entry
 * per changed comment (action name, before/after status, reason). A comment
 * already in the target status is OK and not audited again. results[i]
 * answers for items[i]. Returns STORE_OK when the transaction committed,
 * whatever the items' results. */
enum store_result store_moderate(struct store *st, struct arena *a,
    const struct moderation *items, size_t n, enum moderation_action action,
    const char *reason, const struct actor *who, time_t now,
    struct moderation_result *results);

/* Replaces a comment's text, keeping the old text in its history;
 * CONFLICT (with *result filled) when version does not match. */
enum store_result store_edit_comment(struct store *st, struct arena *a, int64_t id,
    int64_t version, const char *body, const struct actor *who, time_t now,
    struct moderation_result *result);

/* A reply posted by a moderator for the site: approved at once,
 * site_reply set, the moderator's display name as the name. The parent
 * must exist (any status but deleted) on the same article. */
enum store_result store_site_reply(struct store *st, int64_t parent, const char *display_name,
    const char *body, const struct actor *who, time_t now, int64_t *id);

/* Why a pin changed nothing though the comment is there and current. */
enum pin_refusal {
	PIN_DONE,		/* pinned or unpinned */
	PIN_ALREADY,		/* it was so already: nothing written */
	PIN_NOT_TOP,		/* only a published top-level comment is pinned */
	PIN_FULL,		/* the article has max pinned comments already */
};

/* Pins (pin) or unpins a comment, with version as in store_edit_comment
 * (0: not checked), with an audit row ("pin" or "unpin", the article as
 * its target) in the same transaction. A pinned comment is shown first
 * in its thread, before the others, in the order pinned. Pinning takes a
 * published top-level comment, and at most max pinned published ones
 * per article; else *refused says why and nothing is written. A comment
 * already so is STORE_OK, PIN_ALREADY, and not audited again. CONFLICT (with *result
 * filled) when version does not match; NOT_FOUND when there is none. */
enum store_result store_pin_comment(struct store *st, struct arena *a, int64_t id,
    int64_t version, bool pin, int max, const struct actor *who, time_t now,
    enum pin_refusal *refused, struct moderation_result *result);

/* Why a reader's change to their own comment changed nothing. */
enum reader_refusal {
	READER_DONE,		/* changed (or, with held, waiting for a moderator) */
	READER_UNCHANGED,	/* the same text again: nothing written */
	READER_LATE,		/* posted before since */
	READER_NOT_EDITABLE,	/* neither pending nor published */
	READER_HAS_REPLIES,	/* withdrawing: it has published replies */
	READER_TOO_MANY,	/* its author replaced its text STORE_READER_MAX_EDITS times */
};
/* How many times an author may replace their comment's text: each time
 * keeps a text in its history, which a script must not grow at will. */
#define STORE_READER_MAX_EDITS 10

/* A reader's change to their own comment (op_reader_change): a new text
 * (body), or body NULL to withdraw it. The caller has proven the reader
 * is its author; the comment must have been posted at or after since
 * and be pending or published. A published comment's new text waits as
 * a revision when hold is set (the published text stays: *held), else
 * replaces the text at once, the old one kept in its history (marked as
 * its author's) and edited set; a pending comment's text is replaced.
 * Withdrawing sets the status withdrawn and drops a waiting revision; a
 * comment with published replies is not withdrawn (READER_HAS_REPLIES),
 * so they stay readable; a text replaced STORE_READER_MAX_EDITS times by
 * its author takes no more (READER_TOO_MANY). Audited as "reader_edit" or "withdraw" under
 * who, in the same transaction. NOT_FOUND when there is no comment. */
struct reader_change {
	int64_t id;
	int64_t since;
	const char *body;
	bool hold;
};
enum store_result store_reader_change(struct store *st, struct arena *a,
    const struct reader_change *rc, const struct actor *who, time_t now,
    enum reader_refusal *refused, bool *held);

/* A moderator's decision on the revision of comment id, seen at version
 * (0: not checked): approve puts its text in (the published one goes to
 * the history, marked as its author's), reject drops it (the published
 * text stays). Audited as "revision_approve" or "revision_reject".
 * NOT_FOUND when there is no such comment or it has no revision;
 * CONFLICT (with *result filled) on a stale version. */
enum store_result store_revision_decide(struct store *st, struct arena *a, int64_t id,
    int64_t version, bool approve, const struct actor *who, time_t now,
    struct moderation_result *result);
/* The revision of comment id: its text and when it was written;
 * NOT_FOUND when there is none. */
enum store_result store_revision_get(struct store *st, struct arena *a, int64_t id,
    char **body, int64_t *at);

struct history_entry {
	int64_t at;
	char *by;		/* user name, or "" */
	char *body;		/* the text before that edit */
	bool author;		/* its author replaced it */
};
enum store_result store_comment_history(struct store *st, struct arena *a, int64_t id,
    struct history_entry **out, size_t *count);

#endif
