/* test_overview.c — the overview page's numbers on a real SQLite file:
 * days counted at the site's offset (a comment just after local midnight
 * is on the new day), the status each has now, the queue, the busiest
 * articles of the week, spam by rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "store.h"
#include "store_overview.h"
#include "store_fixture.h"

/* 2026-12-04 12:00 UTC; Tehran is 3:30 ahead (no daylight saving). */
#define NOW 1796385600
#define OFFSET 12600

static void
add(struct store_fixture *f, const char *article, enum comment_status s, time_t when,
    const char *reason)
{
	struct comment c = {
		.article = (char *)article, .name = (char *)"n", .email = (char *)"",
		.body = (char *)"text", .status = s, .remote_addr = (char *)"198.51.100.7",
		.reason = (char *)reason,
	};
	assert_int_equal(store_insert_comment(f->st, &c, when), STORE_OK);
}

static void
test_numbers(void **state)
{
	(void)state;
	struct store_fixture *f = store_fixture_new("overview");
	struct overview ov;
	assert_int_equal(store_overview_read(f->st, f->a, NOW, OFFSET, &ov), STORE_OK);
	int64_t today = (NOW + OFFSET) / 86400;
	assert_int_equal(ov.first_day, today - 29);
	assert_int_equal(ov.queue_length, 0);
	assert_int_equal(ov.queue_oldest, 0);
	assert_int_equal(ov.busiest_count, 0);
	assert_int_equal(ov.spam_rule_count, 0);

	/* Local midnight today, in UTC. */
	time_t midnight = (time_t)(today * 86400 - OFFSET);
	add(f, "a1", COMMENT_APPROVED, midnight, "");		/* today */
	add(f, "a1", COMMENT_APPROVED, midnight - 1, "");	/* yesterday */
	add(f, "a1", COMMENT_PENDING, NOW - 3600, "");
	add(f, "a2", COMMENT_PENDING, NOW - 86400 * 2, "");
	add(f, "a2", COMMENT_SPAM, NOW - 86400 * 3, "honeypot");
	add(f, "a3", COMMENT_SPAM, NOW - 86400 * 10, "blocklist: word «x»; links");
	add(f, "a3", COMMENT_SPAM, NOW - 86400 * 12, "honeypot");
	add(f, "a3", COMMENT_SPAM, NOW - 86400 * 13, "off-topic");
	add(f, "old", COMMENT_APPROVED, midnight - 86400 * 29 - 1, "");	/* 30 days back */
	add(f, "a4", COMMENT_APPROVED, midnight - 86400 * 29, "");	/* the first day */
	add(f, "future", COMMENT_APPROVED, NOW + 86400 * 2, "");

	assert_int_equal(store_overview_read(f->st, f->a, NOW, OFFSET, &ov), STORE_OK);
	assert_int_equal(ov.per_day[29][COMMENT_APPROVED], 1);
	assert_int_equal(ov.per_day[29][COMMENT_PENDING], 1);
	assert_int_equal(ov.per_day[28][COMMENT_APPROVED], 1);
	assert_int_equal(ov.per_day[27][COMMENT_PENDING], 1);
	assert_int_equal(ov.per_day[26][COMMENT_SPAM], 1);
	assert_int_equal(ov.per_day[0][COMMENT_APPROVED], 1);
	int64_t all = 0;
	for (int d = 0; d < STORE_OVERVIEW_DAYS; d++)
		for (int s = 0; s < COMMENT_STATUS__MAX; s++)
			all += ov.per_day[d][s];
	assert_int_equal(all, 9);	/* not the old one, not the future one */
	assert_int_equal(ov.queue_length, 2);
	assert_int_equal(ov.queue_oldest, NOW - 86400 * 2);

	/* The week: a1 (3), a2 (2) and the future one; a3 is older. */
	assert_int_equal(ov.busiest_count, 3);
	assert_string_equal(ov.busiest[0].article, "a1");
	assert_int_equal(ov.busiest[0].comments, 3);
	assert_int_equal(ov.busiest[0].approved, 2);
	assert_string_equal(ov.busiest[1].article, "a2");
	assert_int_equal(ov.busiest[1].comments, 2);
	assert_int_equal(ov.busiest[1].approved, 0);

	assert_int_equal(ov.spam_rule_count, 3);
	assert_string_equal(ov.spam_rules[0].rule, "honeypot");
	assert_int_equal(ov.spam_rules[0].n, 2);
	assert_string_equal(ov.spam_rules[1].rule, "blocklist-word");
	assert_string_equal(ov.spam_rules[2].rule, "moderator");
	store_fixture_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
