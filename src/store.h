/* store.h — everything nazar keeps, in one SQLite database.
 *
 * One struct store is one connection; each worker thread owns its own.
 * Connections run in WAL mode with synchronous=FULL (an acknowledged comment
 * survives a power cut), foreign keys on and a busy timeout. SQL and SQLite
 * stay inside the store_*.c files, run through store_db.h: the connection
 * in store_db.c, the schema in store_schema.c, comments in
 * store_comments.c. Writes use BEGIN IMMEDIATE so a busy database is
 * detected before any work, never half-way through.
 *
 * Functions return an enum store_result; details of a failure are logged,
 * never returned, so nothing of SQLite can leak into a response. */
#ifndef NAZAR_STORE_H
#define NAZAR_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct arena;
struct store;

/* The schema version this build writes (PRAGMA user_version). */
#define STORE_SCHEMA_VERSION 15

enum store_result {
	STORE_OK = 0,
	STORE_NOT_FOUND,	/* no such row */
	STORE_CONFLICT,		/* e.g. a reply whose parent does not qualify */
	STORE_BUSY,		/* locked past the busy timeout: retry later (503) */
	STORE_ERROR		/* I/O, disk full, read-only, corrupt: 503 + log */
};

enum comment_status {
	COMMENT_PENDING,
	COMMENT_APPROVED,
	COMMENT_REJECTED,
	COMMENT_SPAM,
	COMMENT_DELETED,	/* by a moderator */
	COMMENT_WITHDRAWN,	/* deleted by its author (store_moderation.h) */
	COMMENT_STATUS__MAX
};

const char *comment_status_name(enum comment_status s);	/* "pending" … */
/* Returns 0 and sets *out, or -1 for an unknown name. */
int comment_status_parse(const char *name, enum comment_status *out);

struct comment {
	int64_t id;
	char *article;
	int64_t parent;		/* 0: top level */
	char *name;
	char *email;		/* "" when not given */
	char *body;
	enum comment_status status;
	int64_t created;	/* Unix time, UTC */
	char *remote_addr;
	char *user_agent;
	int64_t version;	/* +1 on every change: moderators' edit check */
	int64_t updated;	/* Unix time of the last change */
	bool site_reply;	/* posted by a moderator for the site */
	char *reason;		/* why it was held or refused; "" when none */
	int64_t agree;		/* readers' votes (store_votes.h) */
	int64_t disagree;
	bool notify_replies;	/* the author asked for mail about replies */
	int64_t replies;	/* its approved direct replies: set by store_thread_read */
	int64_t pinned;		/* 0, or when a moderator pinned it (shown first) */
	int64_t edited;		/* 0, or when its author last changed its text */
	bool revision;		/* its author's edit waits for a moderator */
};

/* Opens (creating the file if needed) and configures a connection.
 * It does not touch the schema. On failure *out is NULL and err says why. */
enum store_result store_open(const char *path, int busy_timeout_ms, struct store **out,
    char *err, size_t errlen);
void store_close(struct store *st);

/* Creates the schema or upgrades it to STORE_SCHEMA_VERSION, in one
 * transaction. A database from a newer nazar is refused (STORE_ERROR, err
 * names both versions). *from is the version found. */
enum store_result store_migrate(struct store *st, int *from, char *err, size_t errlen);
/* The same up to version to (1 … STORE_SCHEMA_VERSION) only: for tests,
 * a database as an older nazar left it. */
enum store_result store_migrate_to(struct store *st, int to, int *from, char *err,
    size_t errlen);
/* STORE_OK when the schema is exactly the current version. */
enum store_result store_check_schema(struct store *st, char *err, size_t errlen);
/* A cheap query proving the database answers (for /health). */
enum store_result store_ping(struct store *st);

/* The server's 32-byte secret for signing cookies; created at first
 * migration with randombytes_buf and kept in the database. */
enum store_result store_secret(struct store *st, unsigned char key[32]);

/* Inserts c (id and created ignored on input; id set on success) in a
 * BEGIN IMMEDIATE transaction and returns only after COMMIT succeeded.
 * When c->parent is set, the parent must exist, be approved and belong to
 * the same article, else STORE_CONFLICT and nothing is written. */
enum store_result store_insert_comment(struct store *st, struct comment *c, time_t now);

enum store_result store_get_comment(struct store *st, struct arena *a, int64_t id,
    struct comment *out);

/* The orders of a thread's top-level comments; replies always follow
 * their parent in time order. */
enum thread_sort {
	THREAD_OLDEST,		/* oldest first (the default) */
	THREAD_NEWEST,		/* newest first */
	THREAD_AGREED,		/* most agreed first; among equals the older first */
	THREAD_SORT__MAX
};
const char *thread_sort_name(enum thread_sort s);	/* "oldest", "newest", "agreed" */
/* Returns 0 and sets *out, or -1 for an unknown name. */
int thread_sort_parse(const char *name, enum thread_sort *out);

/* One page of an article's thread: on page 1 the pinned published
 * top-level comments (in the order they were pinned), then the other
 * approved top-level comments of page `page` (1-based, per_page of them,
 * in the order sort says), all approved descendants of those, plus —
 * wherever they would appear — the pending and rejected comments whose
 * ids are in own_ids (the reader's own: held, or refused by a moderator,
 * so that the author learns the outcome; their held top-level ones on
 * page 1, where the order puts them). Rows come head by head in that
 * order, each head followed by its replies ordered by created, id.
 * *approved_total is the article's number of approved comments and
 * *top_total its number of approved top-level comments that are not
 * pinned (for paging). */
enum store_result store_thread_sorted(struct store *st, struct arena *a, const char *article,
    enum thread_sort sort, int page, int per_page, const int64_t *own_ids, size_t own_count,
    struct comment **out, size_t *count, long long *approved_total, long long *top_total);
/* store_thread_sorted oldest first. Both read every reply (store_thread_read
 * with replies_shown 0). */
enum store_result store_thread(struct store *st, struct arena *a, const char *article,
    int page, int per_page, const int64_t *own_ids, size_t own_count,
    struct comment **out, size_t *count, long long *approved_total, long long *top_total);

/* What store_thread_read reads: one page of an article's top-level
 * comments (under = 0; in the order sort says, the pinned ones first on
 * page 1 and not paged, as in store_thread_sorted) or of one comment's
 * direct replies (under = its id; oldest first), each with its replies and theirs down the tree — at
 * most replies_shown of them under each comment of the page (the oldest,
 * whatever their depth; and no comment brings more than replies_shown of
 * its direct replies), all of them when replies_shown is 0. The reader's
 * own comments (own_ids) come outside the bound: held or refused ones as
 * in store_thread, and published ones, so that a reader sent back to
 * their new reply finds it. Each row's `replies` counts its approved direct replies, so
 * that the page can say how many are not shown. With under set,
 * *approved_total and *top_total both count under's approved direct
 * replies (under itself is not among the rows). */
struct thread_query {
	const char *article;
	int64_t under;
	int page;		/* 1-based */
	int per_page;
	int replies_shown;
	const int64_t *own_ids;
	size_t own_count;
	enum thread_sort sort;	/* top-level comments only; 0: oldest first */
};
struct article_state;
/* *state (when not NULL): the article's state (store_articles.h), read
 * with the totals in one statement, so that a thread page needs no query
 * of its own for it. */
enum store_result store_thread_read(struct store *st, struct arena *a,
    const struct thread_query *q, struct comment **out, size_t *count,
    long long *approved_total, long long *top_total, struct article_state *state);

/* Approved-comment counts for each article (0 for unknown ones). */
enum store_result store_counts(struct store *st, const char *const *articles, size_t n,
    long long *counts);

/* Listing for the operator; status < 0 means any, article NULL means any.
 * Newest first, at most limit rows. */
enum store_result store_list(struct store *st, struct arena *a, int status,
    const char *article, int limit, struct comment **out, size_t *count);

/* Sets the status of one comment (STORE_NOT_FOUND when absent). */
enum store_result store_set_status(struct store *st, int64_t id, enum comment_status s,
    time_t now);

/* EXPLAIN QUERY PLAN of the thread query, one line per step, in a; NULL on
 * error. For tests and for checking the indexes by hand. */
char *store_thread_plan(struct store *st, struct arena *a);
/* The same for each order. */
char *store_thread_plan_sorted(struct store *st, struct arena *a, enum thread_sort sort);

#endif
