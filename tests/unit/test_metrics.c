/* test_metrics.c — GET /metrics's pieces: the counters (buckets, statuses,
 * routes), the exposition's exact text and its label escaping, spam
 * reasons as rules, [metrics] allow, and the database's numbers on a real
 * SQLite file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "antispam.h"
#include "arena.h"
#include "buf.h"
#include "config.h"
#include "metrics.h"
#include "store.h"
#include "store_audit.h"
#include "store_metrics.h"
#include "store_moderation.h"
#include "store_fixture.h"

#define T0 1700000000

static bool
has_line(const struct buf *b, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = buf_str(b); (p = strstr(p, line)) != NULL; p++)
		if ((p == b->data || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

static void
assert_line(const struct buf *b, const char *line)
{
	if (!has_line(b, line))
		fail_msg("no line \"%s\" in:\n%s", line, buf_str(b));
}

static const struct metrics_route routes[] = {
	{ "/thread", "GET" },
	{ "/post", "POST" },
	{ "/odd\"path\\x\ny", "GET,POST" },
};

static void
test_exposition(void **state)
{
	(void)state;
	static struct metrics_counts c;
	memset(&c, 0, sizeof(c));
	c.started = 1699999000;
	c.requests[0][0] = 7;			/* /thread 200 */
	c.requests[1][17] = 2;			/* /post 429 */
	c.requests[2][10] = 1;			/* odd 404 */
	c.requests[METRICS_ROUTES][10] = 3;	/* none 404 */
	c.requests[METRICS_ROUTES][METRICS_STATUSES] = 1;	/* none, other */
	c.requests[40][0] = 99;			/* a row past those named: not shown */
	c.buckets[0] = 5;
	c.buckets[3] = 2;
	c.buckets[METRICS_BUCKETS] = 1;
	c.latency_sum_us = 12500123;
	c.posts[METRICS_POST_PENDING] = 4;
	c.busy_retries = 6;
	c.post_commits = 3;
	assert_int_equal(metrics_status_code(17), 429);
	assert_int_equal(metrics_status_code(10), 404);
	assert_int_equal(metrics_status_code(METRICS_STATUSES), 0);

	static const struct metrics_pair statuses[] = { { "approved", 10 }, { "pending", 2 } };
	static const struct metrics_pair spam[] = { { "honeypot", 3 } };
	static const struct metrics_pair decisions[] = { { "approve", 9 }, { "reject", 1 } };
	struct metrics_db db = {
		.statuses = statuses, .status_count = 2, .spam_rules = spam,
		.spam_rule_count = 1, .decisions = decisions, .decision_count = 2,
		.signin_failures = 5, .queue_length = 2, .queue_oldest = T0 - 90,
		.db_bytes = 4096 * 10, .db_free_bytes = 4096, .wal_bytes = 8192,
	};
	struct buf b = { 0 };
	metrics_write(&b, &c, routes, 3, &db, T0);
	assert_line(&b, "# TYPE nazar_requests_total counter");
	assert_line(&b, "nazar_requests_total{route=\"/thread\",method=\"GET\",status=\"200\"} 7");
	assert_line(&b, "nazar_requests_total{route=\"/post\",method=\"POST\",status=\"429\"} 2");
	assert_line(&b, "nazar_requests_total{route=\"/odd\\\"path\\\\x\\ny\",method=\"GET,POST\","
	    "status=\"404\"} 1");
	assert_line(&b, "nazar_requests_total{route=\"none\",method=\"\",status=\"404\"} 3");
	assert_line(&b, "nazar_requests_total{route=\"none\",method=\"\",status=\"other\"} 1");
	assert_null(strstr(buf_str(&b), " 99\n"));
	assert_line(&b, "nazar_throttled_requests_total{route=\"/post\",method=\"POST\"} 2");
	assert_line(&b, "# TYPE nazar_request_duration_seconds histogram");
	assert_line(&b, "nazar_request_duration_seconds_bucket{le=\"0.001\"} 5");
	assert_line(&b, "nazar_request_duration_seconds_bucket{le=\"0.005\"} 5");
	assert_line(&b, "nazar_request_duration_seconds_bucket{le=\"0.01\"} 7");
	assert_line(&b, "nazar_request_duration_seconds_bucket{le=\"10\"} 7");
	assert_line(&b, "nazar_request_duration_seconds_bucket{le=\"+Inf\"} 8");
	assert_line(&b, "nazar_request_duration_seconds_sum 12.500123");
	assert_line(&b, "nazar_request_duration_seconds_count 8");
	assert_line(&b, "nazar_process_start_time_seconds 1699999000");
	assert_line(&b, "nazar_posts_total{status=\"pending\"} 4");
	assert_line(&b, "nazar_posts_total{status=\"spam\"} 0");
	assert_line(&b, "nazar_sqlite_busy_retries_total 6");
	assert_line(&b, "# TYPE nazar_post_commits_total counter");
	assert_line(&b, "nazar_post_commits_total 3");
	assert_line(&b, "nazar_database_up 1");
	assert_line(&b, "nazar_comments{status=\"approved\"} 10");
	assert_line(&b, "nazar_spam_caught_total{rule=\"honeypot\"} 3");
	assert_line(&b, "nazar_moderation_decisions_total{action=\"approve\"} 9");
	assert_line(&b, "nazar_signin_failures_total 5");
	assert_line(&b, "nazar_queue_length 2");
	assert_line(&b, "nazar_queue_oldest_age_seconds 90");
	assert_line(&b, "nazar_database_bytes{file=\"main\"} 40960");
	assert_line(&b, "nazar_database_bytes{file=\"free\"} 4096");
	assert_line(&b, "nazar_database_bytes{file=\"wal\"} 8192");

	/* Every line is a comment or "name{labels} value" with one value, and
	 * every sample's family was declared (HELP and TYPE) before it. */
	const char *p = buf_str(&b);
	char family[128] = "";
	while (*p != '\0') {
		const char *e = strchr(p, '\n');
		assert_non_null(e);
		if (strncmp(p, "# TYPE ", 7) == 0) {
			size_t n = strcspn(p + 7, " ");
			snprintf(family, sizeof(family), "%.*s", (int)n, p + 7);
		} else if (p[0] != '#') {
			assert_true(strncmp(p, family, strlen(family)) == 0);
			const char *sp = e;
			while (sp > p && sp[-1] != ' ')
				sp--;
			assert_true(sp > p && (sp[0] == '-' || (sp[0] >= '0' && sp[0] <= '9')));
		}
		p = e + 1;
	}
	buf_free(&b);

	/* Without the database: said so, and none of its families. */
	metrics_write(&b, &c, routes, 3, NULL, T0);
	assert_line(&b, "nazar_database_up 0");
	assert_null(strstr(buf_str(&b), "nazar_queue_length"));
	buf_free(&b);

	/* No queue: age 0. */
	db.queue_length = 0;
	db.queue_oldest = 0;
	metrics_write(&b, &c, routes, 3, &db, T0);
	assert_line(&b, "nazar_queue_oldest_age_seconds 0");
	buf_free(&b);
}

static void
test_counters(void **state)
{
	(void)state;
	static struct metrics_counts before, after;
	metrics_read(&before);
	metrics_request(1, 200, 1000);		/* le 0.001 */
	metrics_request(1, 200, 1001);		/* le 0.0025 */
	metrics_request(1, 418, 20000000);	/* other, +Inf */
	metrics_request(1000, 404, 10);		/* no route */
	metrics_post(METRICS_POST_SPAM);
	metrics_busy_retry();
	metrics_post_commit();
	metrics_read(&after);
	assert_true(after.started > 0);
	assert_int_equal(after.requests[1][0] - before.requests[1][0], 2);
	assert_int_equal(after.requests[1][METRICS_STATUSES] -
	    before.requests[1][METRICS_STATUSES], 1);
	assert_int_equal(after.requests[METRICS_ROUTES][10] -
	    before.requests[METRICS_ROUTES][10], 1);
	assert_int_equal(after.buckets[0] - before.buckets[0], 2);	/* 1000 and 10 */
	assert_int_equal(after.buckets[1] - before.buckets[1], 1);
	assert_int_equal(after.buckets[METRICS_BUCKETS] - before.buckets[METRICS_BUCKETS], 1);
	assert_int_equal(after.latency_count - before.latency_count, 4);
	assert_int_equal(after.latency_sum_us - before.latency_sum_us, 20002011);
	assert_int_equal(after.posts[METRICS_POST_SPAM] - before.posts[METRICS_POST_SPAM], 1);
	assert_int_equal(after.busy_retries - before.busy_retries, 1);
	assert_int_equal(after.post_commits - before.post_commits, 1);
}

static void
test_rules(void **state)
{
	(void)state;
	assert_string_equal(antispam_reason_rule("honeypot"), "honeypot");
	assert_string_equal(antispam_reason_rule("token-too-soon"), "token-too-soon");
	assert_string_equal(antispam_reason_rule("links; blocklist: word «x»"), "links");
	assert_string_equal(antispam_reason_rule("blocklist: word «کلاهبردار»"),
	    "blocklist-word");
	assert_string_equal(antispam_reason_rule("blocklist: address «10.0.0.0/8»; links"),
	    "blocklist-address");
	assert_string_equal(antispam_reason_rule("blocklist: email «a@b.c»"), "blocklist-email");
	assert_string_equal(antispam_reason_rule("off-topic"), "moderator");
	assert_string_equal(antispam_reason_rule(""), "moderator");
	assert_string_equal(antispam_reason_rule(NULL), "moderator");
	assert_string_equal(antispam_reason_rule("honeypotx"), "moderator");
	assert_string_equal(antispam_reason_rule("blocklist: wordy"), "moderator");
}

static void
test_allow(void **state)
{
	(void)state;
	struct config cfg;
	config_defaults(&cfg);
	assert_true(config_metrics_allowed(&cfg, "127.0.0.1"));
	assert_true(config_metrics_allowed(&cfg, "127.9.9.9"));
	assert_true(config_metrics_allowed(&cfg, "::1"));
	assert_true(config_metrics_allowed(&cfg, "::ffff:127.0.0.1"));
	assert_false(config_metrics_allowed(&cfg, "10.0.0.1"));
	assert_false(config_metrics_allowed(&cfg, "::2"));
	assert_false(config_metrics_allowed(&cfg, ""));
	assert_false(config_metrics_allowed(&cfg, NULL));
	assert_false(config_metrics_allowed(&cfg, "127.0.0.1 "));

	char err[512];
	static const char ok[] = "[metrics]\nallow = 10.1.0.0/16, 2001:db8::/32 192.0.2.7\n";
	assert_int_equal(config_parse("t.conf", ok, sizeof(ok) - 1, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.metrics_allow_count, 3);
	assert_true(config_metrics_allowed(&cfg, "10.1.200.3"));
	assert_false(config_metrics_allowed(&cfg, "10.2.0.1"));
	assert_true(config_metrics_allowed(&cfg, "2001:db8:1::5"));
	assert_true(config_metrics_allowed(&cfg, "192.0.2.7"));
	assert_false(config_metrics_allowed(&cfg, "192.0.2.8"));
	assert_false(config_metrics_allowed(&cfg, "127.0.0.1"));

	static const char none[] = "[metrics]\nallow =\n";
	assert_int_equal(config_parse("t.conf", none, sizeof(none) - 1, &cfg, err, sizeof(err)),
	    0);
	assert_int_equal(cfg.metrics_allow_count, 0);
	assert_false(config_metrics_allowed(&cfg, "127.0.0.1"));

	static const char *const bad[] = {
		"[metrics]\nallow = 10.0.0.0/33\n", "[metrics]\nallow = localhost\n",
		"[metrics]\nallow = 10.0.0.0/08\n", "[metrics]\nallow = ::1/129\n",
		"[metrics]\nallow = 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n",
		"[metrics]\nallowed = 127.0.0.1\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		config_defaults(&cfg);
		assert_int_equal(config_parse("t.conf", bad[i], strlen(bad[i]), &cfg, err,
		    sizeof(err)), -1);
		assert_non_null(strstr(err, "t.conf:2"));
	}
}

static int64_t
add(struct store_fixture *f, enum comment_status s, time_t when, const char *reason)
{
	struct comment c = {
		.article = (char *)"a1", .name = (char *)"n", .email = (char *)"",
		.body = (char *)"text", .status = s, .remote_addr = (char *)"198.51.100.7",
		.reason = (char *)reason,
	};
	assert_int_equal(store_insert_comment(f->st, &c, when), STORE_OK);
	return c.id;
}

static int64_t
find(const struct metrics_pair *p, size_t n, const char *label)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(p[i].label, label) == 0)
			return p[i].n;
	return -1;
}

static void
test_store(void **state)
{
	(void)state;
	struct store_fixture *f = store_fixture_new("metrics");
	struct metrics_db db;
	assert_int_equal(store_metrics_read(f->st, f->a, &db), STORE_OK);
	assert_int_equal(db.queue_length, 0);
	assert_int_equal(db.queue_oldest, 0);
	assert_int_equal(find(db.spam_rules, db.spam_rule_count, "honeypot"), 0);
	assert_int_equal(find(db.decisions, db.decision_count, "approve"), 0);
	assert_true(db.db_bytes > 0);
	assert_true(db.wal_bytes >= 0);

	int64_t p1 = add(f, COMMENT_PENDING, T0 - 100, "");
	add(f, COMMENT_PENDING, T0 - 50, "links");
	add(f, COMMENT_SPAM, T0, "honeypot");
	add(f, COMMENT_SPAM, T0, "honeypot");
	add(f, COMMENT_SPAM, T0, "blocklist: word «x»");
	add(f, COMMENT_SPAM, T0, "blocklist: word «y»; links");
	add(f, COMMENT_APPROVED, T0, "");
	const struct actor who = { .user_id = 0, .name = "sara (nazarctl)", .remote_addr = "" };
	struct moderation item = { .id = p1 };
	struct moderation_result res;
	assert_int_equal(store_moderate(f->st, f->a, &item, 1, ACTION_REJECT, "off-topic", &who,
	    T0, &res), STORE_OK);
	assert_int_equal(store_audit_add(f->st, &(struct audit_entry){ .at = T0,
	    .actor = (char *)"x", .remote_addr = (char *)"", .action = (char *)"login_failed",
	    .target = (char *)"", .before = (char *)"", .after = (char *)"",
	    .reason = (char *)"" }), STORE_OK);

	assert_int_equal(store_metrics_read(f->st, f->a, &db), STORE_OK);
	assert_int_equal(find(db.statuses, db.status_count, "pending"), 1);
	assert_int_equal(find(db.statuses, db.status_count, "spam"), 4);
	assert_int_equal(find(db.statuses, db.status_count, "approved"), 1);
	assert_int_equal(find(db.statuses, db.status_count, "rejected"), 1);
	assert_int_equal(db.queue_length, 1);
	assert_int_equal(db.queue_oldest, T0 - 50);
	assert_int_equal(find(db.spam_rules, db.spam_rule_count, "honeypot"), 2);
	assert_int_equal(find(db.spam_rules, db.spam_rule_count, "blocklist-word"), 2);
	assert_int_equal(find(db.spam_rules, db.spam_rule_count, "links"), 0);
	assert_int_equal(find(db.spam_rules, db.spam_rule_count, "moderator"), -1);
	assert_int_equal(find(db.decisions, db.decision_count, "reject"), 1);
	assert_int_equal(find(db.decisions, db.decision_count, "approve"), 0);
	assert_int_equal(find(db.decisions, db.decision_count, "login_failed"), -1);
	assert_int_equal(db.signin_failures, 1);

	/* The next scrape adds only what is new, and counts it once. */
	add(f, COMMENT_SPAM, T0, "honeypot");
	assert_int_equal(store_metrics_read(f->st, f->a, &db), STORE_OK);
	assert_int_equal(find(db.spam_rules, db.spam_rule_count, "honeypot"), 3);
	assert_int_equal(find(db.spam_rules, db.spam_rule_count, "blocklist-word"), 2);
	assert_int_equal(find(db.decisions, db.decision_count, "reject"), 1);
	assert_int_equal(store_metrics_read(f->st, f->a, &db), STORE_OK);
	assert_int_equal(find(db.spam_rules, db.spam_rule_count, "honeypot"), 3);
	assert_int_equal(db.signin_failures, 1);
	store_fixture_free(f);

	/* Another database (a restore, another file) is counted from scratch. */
	f = store_fixture_new("metrics2");
	add(f, COMMENT_SPAM, T0, "links");
	assert_int_equal(store_metrics_read(f->st, f->a, &db), STORE_OK);
	assert_int_equal(find(db.spam_rules, db.spam_rule_count, "honeypot"), 0);
	assert_int_equal(find(db.spam_rules, db.spam_rule_count, "links"), 1);
	assert_int_equal(db.signin_failures, 0);
	store_fixture_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exposition),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_allow),
		cmocka_unit_test(test_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
