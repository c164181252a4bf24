/* metrics.h — what GET /metrics reports, in the Prometheus text exposition
 * format (version 0.0.4).
 *
 * Two kinds of numbers. The request counters, the latency histogram, the
 * posts taken and SQLite's busy retries are counted by this process since
 * it started: each worker thread adds to process-wide counters with
 * relaxed atomic additions (no lock on the request path), and a scrape
 * reads them. They are per process: after a restart they start again at 0
 * (nazar_process_start_time_seconds says when), and several nazar
 * processes on one socket each keep their own. The comment and moderation
 * numbers (by status, spam by rule, decisions, sign-in failures, the queue,
 * the database's size) are read from the database at scrape time
 * (struct metrics_db), so they are exact whichever process answers.
 *
 * A leaf helper: it knows nothing of requests, routes or the database;
 * the caller names the routes and fills struct metrics_db. */
#ifndef NAZAR_METRICS_H
#define NAZAR_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct buf;

/* Rows of the route table counted; a larger index counts as no route. */
#define METRICS_ROUTES 64
/* The statuses counted one by one; any other is counted as "other". */
#define METRICS_STATUSES 22
/* Upper bounds of the latency buckets, seconds (and +Inf). */
#define METRICS_BUCKETS 13

/* How a post this process stored started out. */
enum metrics_post {
	METRICS_POST_APPROVED,	/* published at once */
	METRICS_POST_PENDING,	/* held for a moderator */
	METRICS_POST_SPAM,	/* kept as spam */
	METRICS_POST__MAX
};

/* The process-wide counters (the time the process started is taken at
 * the first call of any of these, or metrics_start). */
void metrics_start(time_t now);
/* One answered request: the row it ran (or >= METRICS_ROUTES for none),
 * its status and how long it took in microseconds. */
void metrics_request(size_t route, int status, uint64_t micros);
void metrics_post(enum metrics_post p);
/* SQLite asked its busy handler to wait once more for a lock. */
void metrics_busy_retry(void);
/* A transaction with readers' posts in it committed (one flush for all
 * the posts of its group, store_antispam.h). */
void metrics_post_commit(void);

/* A snapshot of the counters, read one by one (not one instant: a
 * request counted while the snapshot is read may be in one number and not
 * yet in another). */
struct metrics_counts {
	time_t started;
	uint64_t requests[METRICS_ROUTES + 1][METRICS_STATUSES + 1];
	uint64_t buckets[METRICS_BUCKETS + 1];	/* not cumulative; last: +Inf */
	uint64_t latency_count;
	uint64_t latency_sum_us;
	uint64_t posts[METRICS_POST__MAX];
	uint64_t busy_retries;
	uint64_t post_commits;
};
void metrics_read(struct metrics_counts *out);
/* The status code counted at index i ("other" past the list: 0). */
int metrics_status_code(size_t i);

/* A label and a number, as the database gave them. */
struct metrics_pair {
	const char *label;
	int64_t n;
};

/* What the database says at scrape time. */
struct metrics_db {
	const struct metrics_pair *statuses;	/* comments now in each status */
	size_t status_count;
	const struct metrics_pair *spam_rules;	/* comments caught as spam, by rule */
	size_t spam_rule_count;
	const struct metrics_pair *decisions;	/* audited decisions by action */
	size_t decision_count;
	int64_t signin_failures;		/* audited failed sign-ins */
	int64_t queue_length;			/* pending comments */
	int64_t queue_oldest;			/* created of the oldest; 0: none */
	int64_t db_bytes;			/* pages × page size */
	int64_t db_free_bytes;			/* of which on the free list */
	int64_t wal_bytes;			/* the -wal file; -1: unknown */
};

/* One route as the counters' labels name it. */
struct metrics_route {
	const char *path;	/* "/thread" */
	const char *method;	/* "GET", "POST", "GET,POST" */
};

/* The labels of the route table's rows, named once at start (the server
 * does, from route.h's table); r must outlive the process's serving. */
void metrics_name_routes(const struct metrics_route *r, size_t n);
const struct metrics_route *metrics_routes(size_t *n);

/* Appends the exposition: the counters c of the routes (route[i] for
 * counter row i, n of them; the row past them is "none"), db when not
 * NULL (else nazar_database_up 0), at time now. Label values are escaped
 * as the format asks (backslash, double quote, line feed). */
void metrics_write(struct buf *out, const struct metrics_counts *c,
    const struct metrics_route *routes, size_t n, const struct metrics_db *db, time_t now);

#endif
