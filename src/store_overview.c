/* store_overview.c — the overview page's numbers; see store_overview.h.
 *
 * Every query is a range of the index comments_queue (status, created)
 * for each status: the days' counts read the index alone; the busiest
 * articles and the spam reasons look up each comment of their range (a
 * week, thirty days of spam). bench/overview.sh times it on a million
 * comments. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "antispam.h"
#include "arena.h"
#include "store_db.h"
#include "store_overview.h"

#define ALL_STATUSES \
	"status IN ('pending', 'approved', 'rejected', 'spam', 'deleted', 'withdrawn')"

static const char sql_day[] =
    "SELECT count(*) FROM comments WHERE status = ?1 AND created >= ?2 AND created < ?3";
static const char sql_queue[] =
    "SELECT (SELECT n FROM status_counts WHERE status = 'pending'),"
    " (SELECT min(created) FROM comments WHERE status = 'pending')";
static const char sql_busiest[] =
    "SELECT article, count(*), sum(status = 'approved') FROM comments"
    " WHERE " ALL_STATUSES " AND created >= ?1"
    " GROUP BY article ORDER BY 2 DESC, article LIMIT ?2";
static const char sql_spam[] =
    "SELECT reason, count(*) FROM comments WHERE status = 'spam' AND created >= ?1"
    " GROUP BY reason";

/* One count a status and day: a range of comments_queue each, which
 * SQLite counts without reading a row; one GROUP BY over the 30 days
 * (evaluating the day of each comment and sorting them) took ten times
 * longer on a month of 86,000 comments. */
static enum store_result
read_days(struct store *st, long offset, struct overview *out)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_day, &s);
	if (r != STORE_OK)
		return r;
	for (int status = 0; status < COMMENT_STATUS__MAX; status++)
		for (int d = 0; d < STORE_OVERVIEW_DAYS; d++) {
			int64_t from = (out->first_day + d) * 86400 - offset;
			int rc = sqlite3_bind_text(s, 1,
			    comment_status_name((enum comment_status)status), -1, SQLITE_STATIC);
			if (rc == SQLITE_OK)
				rc = sqlite3_bind_int64(s, 2, from);
			if (rc == SQLITE_OK)
				rc = sqlite3_bind_int64(s, 3, from + 86400);
			int64_t n;
			if ((r = store_bind_check(st, s, rc)) != STORE_OK ||
			    (r = store_step_ints(st, s, &n, 1)) != STORE_OK)
				return r;
			out->per_day[d][status] = n;
		}
	return STORE_OK;
}

static int
read_article(struct arena *a, sqlite3_stmt *s, void *row)
{
	struct overview_article *o = row;
	o->article = store_column_dup(a, s, 0);
	o->comments = sqlite3_column_int64(s, 1);
	o->approved = sqlite3_column_int64(s, 2);
	return 0;
}

static enum store_result
read_busiest(struct store *st, struct arena *a, int64_t since, struct overview *out)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_busiest, &s);
	if (r != STORE_OK)
		return r;
	int rc = sqlite3_bind_int64(s, 1, since);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 2, STORE_OVERVIEW_BUSIEST);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	void *rows;
	r = store_rows(st, a, s, sizeof(struct overview_article), read_article, &rows,
	    &out->busiest_count);
	out->busiest = rows;
	return r;
}

static int
more_first(const void *x, const void *y)
{
	const struct overview_rule *a = x, *b = y;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return strcmp(a->rule, b->rule);
}

/* Spam by reason, folded into spam by rule. */
static enum store_result
read_spam(struct store *st, struct arena *a, int64_t since, struct overview *out)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_spam, &s);
	if (r != STORE_OK)
		return r;
	if ((r = store_bind_check(st, s, sqlite3_bind_int64(s, 1, since))) != STORE_OK)
		return r;
	struct overview_rule *rules = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		bool row;
		if ((r = store_step(st, s, &row)) != STORE_OK)
			return r;
		if (!row)
			break;
		const char *rule = antispam_reason_rule((const char *)sqlite3_column_text(s, 0));
		size_t i = 0;
		while (i < n && strcmp(rules[i].rule, rule) != 0)
			i++;
		if (i == n) {
			if (n == cap)
				rules = arena_grow(a, rules, &cap, n, sizeof(*rules));
			rules[n++] = (struct overview_rule){ .rule = rule };
		}
		rules[i].n += sqlite3_column_int64(s, 1);
	}
	store_stmt_done(s);
	if (n > 1)
		qsort(rules, n, sizeof(*rules), more_first);
	out->spam_rules = rules;
	out->spam_rule_count = n;
	return STORE_OK;
}

static enum store_result
read_all(struct store *st, struct arena *a, time_t now, long offset, struct overview *out)
{
	int64_t today = ((int64_t)now + offset) / 86400;
	out->first_day = today - (STORE_OVERVIEW_DAYS - 1);
	int64_t since = out->first_day * 86400 - offset;
	enum store_result r = read_days(st, offset, out);
	if (r != STORE_OK)
		return r;
	sqlite3_stmt *s;
	int64_t v[2];
	if ((r = store_prepare(st, sql_queue, &s)) != STORE_OK ||
	    (r = store_step_ints(st, s, v, 2)) != STORE_OK)
		return r;
	out->queue_length = v[0];
	out->queue_oldest = v[1];
	if ((r = read_busiest(st, a, (int64_t)now - STORE_OVERVIEW_WEEK, out)) != STORE_OK)
		return r;
	return read_spam(st, a, since, out);
}

enum store_result
store_overview_read(struct store *st, struct arena *a, time_t now, long utc_offset,
    struct overview *out)
{
	memset(out, 0, sizeof(*out));
	enum store_result r = store_begin_read(st);
	if (r != STORE_OK)
		return r;
	r = read_all(st, a, now, utc_offset, out);
	store_rollback(st);
	return r;
}
