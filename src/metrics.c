/* metrics.c — process-wide counters kept with atomic additions, and the
 * Prometheus text exposition; see metrics.h. */
#include <inttypes.h>
#include <string.h>

#include "buf.h"
#include "metrics.h"

static const int status_codes[METRICS_STATUSES] = {
	200, 201, 204, 301, 302, 303, 304, 400, 401, 403, 404,
	405, 409, 410, 413, 415, 422, 429, 500, 502, 503, 504,
};

/* Bucket bounds in microseconds, and as the "le" label writes them. */
static const uint64_t bucket_us[METRICS_BUCKETS] = {
	1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
	1000000, 2500000, 5000000, 10000000,
};
static const char *const bucket_le[METRICS_BUCKETS + 1] = {
	"0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5",
	"1", "2.5", "5", "10", "+Inf",
};

static const char *const post_names[METRICS_POST__MAX] = {
	[METRICS_POST_APPROVED] = "approved",
	[METRICS_POST_PENDING] = "pending",
	[METRICS_POST_SPAM] = "spam",
};

/* The counters. Relaxed additions: each number is exact, no order
 * between them is promised. */
static struct {
	int64_t started;
	uint64_t requests[METRICS_ROUTES + 1][METRICS_STATUSES + 1];
	uint64_t buckets[METRICS_BUCKETS + 1];
	uint64_t latency_count;
	uint64_t latency_sum_us;
	uint64_t posts[METRICS_POST__MAX];
	uint64_t busy_retries;
	uint64_t post_commits;
} m;

#define ADD(x, v) __atomic_fetch_add(&(x), (v), __ATOMIC_RELAXED)
#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

static void
started_now(void)
{
	int64_t zero = 0;
	int64_t now = (int64_t)time(NULL);
	__atomic_compare_exchange_n(&m.started, &zero, now, false, __ATOMIC_RELAXED,
	    __ATOMIC_RELAXED);
}

void
metrics_start(time_t now)
{
	__atomic_store_n(&m.started, (int64_t)now, __ATOMIC_RELAXED);
}

static size_t
status_index(int status)
{
	for (size_t i = 0; i < METRICS_STATUSES; i++)
		if (status_codes[i] == status)
			return i;
	return METRICS_STATUSES;
}

int
metrics_status_code(size_t i)
{
	return i < METRICS_STATUSES ? status_codes[i] : 0;
}

void
metrics_request(size_t route, int status, uint64_t micros)
{
	if (LOAD(m.started) == 0)
		started_now();
	if (route > METRICS_ROUTES)
		route = METRICS_ROUTES;
	ADD(m.requests[route][status_index(status)], 1);
	size_t b = 0;
	while (b < METRICS_BUCKETS && micros > bucket_us[b])
		b++;
	ADD(m.buckets[b], 1);
	ADD(m.latency_count, 1);
	ADD(m.latency_sum_us, micros);
}

void
metrics_post(enum metrics_post p)
{
	if ((unsigned)p < METRICS_POST__MAX)
		ADD(m.posts[p], 1);
}

void
metrics_busy_retry(void)
{
	ADD(m.busy_retries, 1);
}

void
metrics_post_commit(void)
{
	ADD(m.post_commits, 1);
}

void
metrics_read(struct metrics_counts *out)
{
	if (LOAD(m.started) == 0)
		started_now();
	out->started = (time_t)LOAD(m.started);
	for (size_t r = 0; r <= METRICS_ROUTES; r++)
		for (size_t s = 0; s <= METRICS_STATUSES; s++)
			out->requests[r][s] = LOAD(m.requests[r][s]);
	for (size_t b = 0; b <= METRICS_BUCKETS; b++)
		out->buckets[b] = LOAD(m.buckets[b]);
	out->latency_count = LOAD(m.latency_count);
	out->latency_sum_us = LOAD(m.latency_sum_us);
	for (size_t p = 0; p < METRICS_POST__MAX; p++)
		out->posts[p] = LOAD(m.posts[p]);
	out->busy_retries = LOAD(m.busy_retries);
	out->post_commits = LOAD(m.post_commits);
}

static const struct metrics_route *named;
static size_t named_count;

void
metrics_name_routes(const struct metrics_route *r, size_t n)
{
	named = r;
	__atomic_store_n(&named_count, n, __ATOMIC_RELEASE);
}

const struct metrics_route *
metrics_routes(size_t *n)
{
	*n = __atomic_load_n(&named_count, __ATOMIC_ACQUIRE);
	return named;
}

/* --- the exposition --- */

static void
head(struct buf *out, const char *name, const char *type, const char *help)
{
	buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value: \\, \" and \n escaped, nothing else changed. */
static void
label_value(struct buf *out, const char *v)
{
	for (const char *p = v ? v : ""; *p != '\0'; p++) {
		if (*p == '\\')
			buf_puts(out, "\\\\");
		else if (*p == '"')
			buf_puts(out, "\\\"");
		else if (*p == '\n')
			buf_puts(out, "\\n");
		else
			buf_putc(out, *p);
	}
}

/* name{label="value"} n, one line per pair. */
static void
pairs(struct buf *out, const char *name, const char *label, const struct metrics_pair *p,
    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		buf_printf(out, "%s{%s=\"", name, label);
		label_value(out, p[i].label);
		buf_printf(out, "\"} %" PRId64 "\n", p[i].n);
	}
}

static void
route_labels(struct buf *out, const struct metrics_route *routes, size_t n, size_t r)
{
	buf_puts(out, "route=\"");
	label_value(out, r < n ? routes[r].path : "none");
	buf_puts(out, "\",method=\"");
	label_value(out, r < n ? routes[r].method : "");
	buf_puts(out, "\"");
}

static void
write_requests(struct buf *out, const struct metrics_counts *c,
    const struct metrics_route *routes, size_t n)
{
	if (n > METRICS_ROUTES)
		n = METRICS_ROUTES;
	head(out, "nazar_requests_total", "counter",
	    "Requests this process answered since it started, by route and status.");
	for (size_t r = 0; r <= METRICS_ROUTES; r++) {
		if (r >= n && r != METRICS_ROUTES)
			continue;
		for (size_t s = 0; s <= METRICS_STATUSES; s++) {
			if (c->requests[r][s] == 0)
				continue;
			buf_puts(out, "nazar_requests_total{");
			route_labels(out, routes, n, r);
			if (s < METRICS_STATUSES)
				buf_printf(out, ",status=\"%d\"", status_codes[s]);
			else
				buf_puts(out, ",status=\"other\"");
			buf_printf(out, "} %" PRIu64 "\n", c->requests[r][s]);
		}
	}
	size_t s429 = status_index(429);
	head(out, "nazar_throttled_requests_total", "counter",
	    "Requests this process answered 429 (a rate limit or the sign-in throttle), by route.");
	for (size_t r = 0; r <= METRICS_ROUTES; r++) {
		if ((r >= n && r != METRICS_ROUTES) || c->requests[r][s429] == 0)
			continue;
		buf_puts(out, "nazar_throttled_requests_total{");
		route_labels(out, routes, n, r);
		buf_printf(out, "} %" PRIu64 "\n", c->requests[r][s429]);
	}
}

static void
write_latency(struct buf *out, const struct metrics_counts *c)
{
	head(out, "nazar_request_duration_seconds", "histogram",
	    "Time from reading a request to its answer being ready, in this process.");
	uint64_t cum = 0;
	for (size_t b = 0; b <= METRICS_BUCKETS; b++) {
		cum += c->buckets[b];
		buf_printf(out, "nazar_request_duration_seconds_bucket{le=\"%s\"} %" PRIu64 "\n",
		    bucket_le[b], cum);
	}
	buf_printf(out, "nazar_request_duration_seconds_sum %" PRIu64 ".%06" PRIu64 "\n",
	    c->latency_sum_us / 1000000, c->latency_sum_us % 1000000);
	buf_printf(out, "nazar_request_duration_seconds_count %" PRIu64 "\n", cum);
}

static void
write_process(struct buf *out, const struct metrics_counts *c)
{
	head(out, "nazar_process_start_time_seconds", "gauge",
	    "When this process started counting (Unix time); its counters start at 0 then.");
	buf_printf(out, "nazar_process_start_time_seconds %lld\n", (long long)c->started);
	head(out, "nazar_posts_total", "counter",
	    "Comments this process stored from readers' posts, by the status they got.");
	for (size_t p = 0; p < METRICS_POST__MAX; p++)
		buf_printf(out, "nazar_posts_total{status=\"%s\"} %" PRIu64 "\n", post_names[p],
		    c->posts[p]);
	head(out, "nazar_sqlite_busy_retries_total", "counter",
	    "Times this process waited for a database lock held by another connection.");
	buf_printf(out, "nazar_sqlite_busy_retries_total %" PRIu64 "\n", c->busy_retries);
	head(out, "nazar_post_commits_total", "counter",
	    "Transactions this process committed with readers' posts in them: posts that "
	    "arrive together share one (group commit).");
	buf_printf(out, "nazar_post_commits_total %" PRIu64 "\n", c->post_commits);
}

static void
write_db(struct buf *out, const struct metrics_db *db, time_t now)
{
	head(out, "nazar_comments", "gauge", "Comments in the database now, by status.");
	pairs(out, "nazar_comments", "status", db->statuses, db->status_count);
	head(out, "nazar_spam_caught_total", "counter",
	    "Comments the anti-spam rules kept as spam, by rule (counted once each).");
	pairs(out, "nazar_spam_caught_total", "rule", db->spam_rules, db->spam_rule_count);
	head(out, "nazar_moderation_decisions_total", "counter",
	    "Decisions in the audit trail (web and nazarctl), by action.");
	pairs(out, "nazar_moderation_decisions_total", "action", db->decisions,
	    db->decision_count);
	head(out, "nazar_signin_failures_total", "counter",
	    "Failed sign-ins in the audit trail (throttled ones: one a window per name and address group).");
	buf_printf(out, "nazar_signin_failures_total %" PRId64 "\n", db->signin_failures);
	head(out, "nazar_queue_length", "gauge", "Comments waiting for a moderator.");
	buf_printf(out, "nazar_queue_length %" PRId64 "\n", db->queue_length);
	head(out, "nazar_queue_oldest_age_seconds", "gauge",
	    "How long the oldest waiting comment has waited (0: none waits).");
	int64_t age = db->queue_oldest > 0 && (int64_t)now > db->queue_oldest ?
	    (int64_t)now - db->queue_oldest : 0;
	buf_printf(out, "nazar_queue_oldest_age_seconds %" PRId64 "\n", age);
	head(out, "nazar_database_bytes", "gauge",
	    "The database's size: main file (pages in use and free), write-ahead log.");
	buf_printf(out, "nazar_database_bytes{file=\"main\"} %" PRId64 "\n", db->db_bytes);
	buf_printf(out, "nazar_database_bytes{file=\"free\"} %" PRId64 "\n", db->db_free_bytes);
	if (db->wal_bytes >= 0)
		buf_printf(out, "nazar_database_bytes{file=\"wal\"} %" PRId64 "\n",
		    db->wal_bytes);
}

void
metrics_write(struct buf *out, const struct metrics_counts *c,
    const struct metrics_route *routes, size_t n, const struct metrics_db *db, time_t now)
{
	head(out, "nazar_database_up", "gauge",
	    "1 when the database answered this scrape's reads, 0 otherwise.");
	buf_printf(out, "nazar_database_up %d\n", db != NULL ? 1 : 0);
	write_requests(out, c, routes, n);
	write_latency(out, c);
	write_process(out, c);
	if (db != NULL)
		write_db(out, db, now);
}
