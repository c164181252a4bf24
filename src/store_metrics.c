/* store_metrics.c — the database's part of GET /metrics; see
 * store_metrics.h.
 *
 * Cost on a large database: the status counts come from status_counts
 * (kept by triggers), the queue's oldest item from the index
 * comments_queue (status, created). Counting the audit trail by action or
 * the spam comments by reason on every scrape would scan a million rows
 * each time (1.5 s for a million audit rows); both only grow, so the
 * counts are kept per process and each scrape adds the rows past the last
 * id it saw (a range of the rowid). The first scrape after a start scans
 * all; a database whose largest id went down (a restore) is counted anew. */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "antispam.h"
#include "arena.h"
#include "store_db.h"
#include "store_metrics.h"

static const char sql_statuses[] = "SELECT status, n FROM status_counts ORDER BY status";
static const char sql_queue[] =
    "SELECT count(*), min(created) FROM comments WHERE status = 'pending'";
static const char sql_max_ids[] =
    "SELECT (SELECT max(id) FROM comments), (SELECT max(id) FROM audit)";
static const char sql_spam[] =
    "SELECT reason, count(*) FROM comments WHERE id > ?1 AND id <= ?2 AND status = 'spam'"
    " GROUP BY reason";
static const char sql_audit[] =
    "SELECT action, count(*) FROM audit WHERE id > ?1 AND id <= ?2 AND action IN"
    " ('approve', 'reject', 'spam', 'delete', 'restore', 'edit', 'reply', 'login_failed')"
    " GROUP BY action";
static const char sql_size[] =
    "SELECT p.page_count * s.page_size, f.freelist_count * s.page_size"
    " FROM pragma_page_count() p, pragma_page_size() s, pragma_freelist_count() f";

/* The audit actions counted, and the rules (antispam_reason_rule) but
 * "moderator": a person's decision is a decision, not a catch. */
static const char *const actions[] = {
	"approve", "reject", "spam", "delete", "restore", "edit", "reply", "login_failed",
};
#define NACTIONS (sizeof(actions) / sizeof(actions[0]))
static const char *const rules[] = {
	ANTISPAM_REASON_HONEYPOT, ANTISPAM_REASON_TOKEN_MISSING, ANTISPAM_REASON_TOKEN_FORGED,
	ANTISPAM_REASON_TOKEN_ARTICLE, ANTISPAM_REASON_TOKEN_TOO_SOON, ANTISPAM_REASON_LINKS,
	"blocklist-word", "blocklist-email", "blocklist-address",
};
#define NRULES (sizeof(rules) / sizeof(rules[0]))

/* The counts so far, of the database at path, up to the ids seen. */
static pthread_mutex_t counted_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char path[1024];
	int64_t comments_seen, audit_seen;
	int64_t actions[NACTIONS];
	int64_t rules[NRULES];
} counted;

static int
read_pair(struct arena *a, sqlite3_stmt *s, void *row)
{
	struct metrics_pair *p = row;
	p->label = store_column_dup(a, s, 0);
	p->n = sqlite3_column_int64(s, 1);
	return 0;
}

static enum store_result
read_pairs(struct store *st, struct arena *a, const char *sql, struct metrics_pair **out,
    size_t *n)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql, &s);
	if (r != STORE_OK)
		return r;
	void *rows;
	r = store_rows(st, a, s, sizeof(struct metrics_pair), read_pair, &rows, n);
	*out = rows;
	return r;
}

/* Adds the rows of sql (label, count) with ids in (from, to] to counts
 * under the names given. */
static enum store_result
add_counts(struct store *st, struct arena *a, const char *sql, int64_t from, int64_t to,
    const char *const *names, size_t nnames, int64_t *counts, bool by_rule)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql, &s);
	if (r != STORE_OK)
		return r;
	int rc = sqlite3_bind_int64(s, 1, from);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, to);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	void *rows;
	size_t n;
	if ((r = store_rows(st, a, s, sizeof(struct metrics_pair), read_pair, &rows, &n)) !=
	    STORE_OK)
		return r;
	const struct metrics_pair *p = rows;
	for (size_t i = 0; i < n; i++) {
		const char *name = by_rule ? antispam_reason_rule(p[i].label) : p[i].label;
		for (size_t j = 0; j < nnames; j++)
			if (strcmp(names[j], name) == 0)
				counts[j] += p[i].n;
	}
	return STORE_OK;
}

/* Brings the counts up to the newest rows; inside the read transaction,
 * under counted_lock. */
static enum store_result
count_new(struct store *st, struct arena *a)
{
	const char *path = sqlite3_db_filename(st->db, "main");
	sqlite3_stmt *s;
	int64_t max[2];
	enum store_result r = store_prepare(st, sql_max_ids, &s);
	if (r != STORE_OK || (r = store_step_ints(st, s, max, 2)) != STORE_OK)
		return r;
	if (strcmp(counted.path, path ? path : "") != 0 || max[0] < counted.comments_seen ||
	    max[1] < counted.audit_seen) {
		memset(&counted, 0, sizeof(counted));
		snprintf(counted.path, sizeof(counted.path), "%s", path ? path : "");
	}
	/* Counted into a copy: a failure halfway leaves the old counts. */
	int64_t acts[NACTIONS], caught[NRULES];
	memcpy(acts, counted.actions, sizeof(acts));
	memcpy(caught, counted.rules, sizeof(caught));
	if ((r = add_counts(st, a, sql_spam, counted.comments_seen, max[0], rules, NRULES,
	    caught, true)) != STORE_OK ||
	    (r = add_counts(st, a, sql_audit, counted.audit_seen, max[1], actions, NACTIONS,
	    acts, false)) != STORE_OK)
		return r;
	memcpy(counted.actions, acts, sizeof(acts));
	memcpy(counted.rules, caught, sizeof(caught));
	counted.comments_seen = max[0];
	counted.audit_seen = max[1];
	return STORE_OK;
}

/* The counts as metrics_db lists (labels are static strings). */
static void
copy_counts(struct arena *a, struct metrics_db *out)
{
	struct metrics_pair *p = arena_alloc(a, NRULES * sizeof(*p));
	for (size_t i = 0; i < NRULES; i++)
		p[i] = (struct metrics_pair){ .label = rules[i], .n = counted.rules[i] };
	out->spam_rules = p;
	out->spam_rule_count = NRULES;
	p = arena_alloc(a, NACTIONS * sizeof(*p));
	size_t k = 0;
	for (size_t i = 0; i < NACTIONS; i++) {
		if (strcmp(actions[i], "login_failed") == 0)
			out->signin_failures = counted.actions[i];
		else
			p[k++] = (struct metrics_pair){ .label = actions[i],
			    .n = counted.actions[i] };
	}
	out->decisions = p;
	out->decision_count = k;
}

static int64_t
wal_bytes(struct store *st, struct arena *a)
{
	const char *path = sqlite3_db_filename(st->db, "main");
	if (path == NULL || *path == '\0')
		return -1;
	struct stat sb;
	if (stat(arena_printf(a, "%s-wal", path), &sb) != 0)
		return 0;
	return (int64_t)sb.st_size;
}

static enum store_result
read_all(struct store *st, struct arena *a, struct metrics_db *out)
{
	struct metrics_pair *p;
	enum store_result r = read_pairs(st, a, sql_statuses, &p, &out->status_count);
	if (r != STORE_OK)
		return r;
	out->statuses = p;
	pthread_mutex_lock(&counted_lock);
	r = count_new(st, a);
	if (r == STORE_OK)
		copy_counts(a, out);
	pthread_mutex_unlock(&counted_lock);
	if (r != STORE_OK)
		return r;
	sqlite3_stmt *s;
	int64_t v[2];
	if ((r = store_prepare(st, sql_queue, &s)) != STORE_OK ||
	    (r = store_step_ints(st, s, v, 2)) != STORE_OK)
		return r;
	out->queue_length = v[0];
	out->queue_oldest = v[1];
	if ((r = store_prepare(st, sql_size, &s)) != STORE_OK ||
	    (r = store_step_ints(st, s, v, 2)) != STORE_OK)
		return r;
	out->db_bytes = v[0];
	out->db_free_bytes = v[1];
	return STORE_OK;
}

enum store_result
store_metrics_read(struct store *st, struct arena *a, struct metrics_db *out)
{
	memset(out, 0, sizeof(*out));
	enum store_result r = store_begin_read(st);
	if (r != STORE_OK)
		return r;
	r = read_all(st, a, out);
	store_rollback(st);
	out->wal_bytes = wal_bytes(st, a);
	return r;
}
