/* test_votes.c — readers' votes (store_votes.h) against a real SQLite
 * file: one vote per voter and comment, changed and withdrawn, the counts
 * on the comment row in step with the votes, only published comments of
 * the named article, the limits per address group (per minute, per hour,
 * per comment) with their Retry-After, changes never limited, a voter's
 * own votes, and the moderators' reset (op_comment_reset_votes) with its
 * audit row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "config.h"
#include "op.h"
#include "store.h"
#include "store_audit.h"
#include "store_votes.h"
#include "store_fixture.h"

#define T0 1700000000

struct t {
	struct store_fixture *f;
	int64_t a1, a2, held, other;	/* two approved, a pending, another article's */
};

static int64_t
add(struct store_fixture *f, const char *article, enum comment_status s)
{
	char name[] = "n", email[] = "", body[] = "b";
	struct comment c = { .article = (char *)article, .name = name, .email = email,
	    .body = body, .status = s };
	assert_int_equal(store_insert_comment(f->st, &c, T0), STORE_OK);
	return c.id;
}

static int
setup(void **state)
{
	struct t *t = calloc(1, sizeof(*t));
	assert_non_null(t);
	t->f = store_fixture_new("votes");
	t->a1 = add(t->f, "art", COMMENT_APPROVED);
	t->a2 = add(t->f, "art", COMMENT_APPROVED);
	t->held = add(t->f, "art", COMMENT_PENDING);
	t->other = add(t->f, "other", COMMENT_APPROVED);
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct t *t = *state;
	store_fixture_free(t->f);
	free(t);
	return 0;
}

/* Voter number n: 16 bytes that differ by n. */
static const unsigned char *
voter(int n)
{
	static unsigned char v[64][STORE_VOTER_BYTES];
	memset(v[n], 0xa5, STORE_VOTER_BYTES);
	v[n][0] = (unsigned char)n;
	v[n][15] = (unsigned char)(n >> 8);
	return v[n];
}

static const struct vote_guard no_limits = { .addr_group = "198.51.100.0/24" };

/* One vote that must count; returns the tally. */
static struct vote_tally
vote_ok(struct t *t, int64_t id, int who, enum vote_value v, const struct vote_guard *g,
    time_t now)
{
	enum vote_verdict verdict;
	int retry;
	struct vote_tally out;
	assert_int_equal(store_vote(t->f->st, id, "art", voter(who), v, g, now, &verdict, &retry,
	    &out), STORE_OK);
	assert_int_equal(verdict, VOTE_COUNTED);
	assert_int_equal(out.mine, v);
	return out;
}

static void
assert_counts(struct t *t, int64_t id, long long agree, long long disagree)
{
	struct comment c;
	assert_int_equal(store_get_comment(t->f->st, t->f->a, id, &c), STORE_OK);
	assert_int_equal(c.agree, agree);
	assert_int_equal(c.disagree, disagree);
}

static void
vote_change_withdraw(void **state)
{
	struct t *t = *state;
	struct vote_tally v = vote_ok(t, t->a1, 1, VOTE_AGREE, &no_limits, T0);
	assert_int_equal(v.agree, 1);
	assert_int_equal(v.disagree, 0);
	v = vote_ok(t, t->a1, 2, VOTE_AGREE, &no_limits, T0);
	assert_int_equal(v.agree, 2);
	v = vote_ok(t, t->a1, 3, VOTE_DISAGREE, &no_limits, T0);
	assert_int_equal(v.agree, 2);
	assert_int_equal(v.disagree, 1);
	/* The same vote again changes nothing. */
	v = vote_ok(t, t->a1, 1, VOTE_AGREE, &no_limits, T0 + 1);
	assert_int_equal(v.agree, 2);
	/* Changed: one agree fewer, one disagree more. */
	v = vote_ok(t, t->a1, 1, VOTE_DISAGREE, &no_limits, T0 + 2);
	assert_int_equal(v.agree, 1);
	assert_int_equal(v.disagree, 2);
	/* Withdrawn. */
	v = vote_ok(t, t->a1, 3, VOTE_NONE, &no_limits, T0 + 3);
	assert_int_equal(v.agree, 1);
	assert_int_equal(v.disagree, 1);
	/* Withdrawing what is not there is nothing. */
	v = vote_ok(t, t->a1, 9, VOTE_NONE, &no_limits, T0 + 3);
	assert_int_equal(v.agree, 1);
	assert_int_equal(v.disagree, 1);
	assert_counts(t, t->a1, 1, 1);
	assert_counts(t, t->a2, 0, 0);

	/* The voter's own votes, for pressed buttons. */
	int64_t ids[] = { t->a2, t->a1, 999 };
	enum vote_value mine[3];
	assert_int_equal(store_voter_votes(t->f->st, voter(1), ids, 3, mine), STORE_OK);
	assert_int_equal(mine[0], VOTE_NONE);
	assert_int_equal(mine[1], VOTE_DISAGREE);
	assert_int_equal(mine[2], VOTE_NONE);
	assert_int_equal(store_voter_votes(t->f->st, voter(2), ids, 3, mine), STORE_OK);
	assert_int_equal(mine[1], VOTE_AGREE);
	assert_int_equal(store_voter_votes(t->f->st, voter(3), ids, 3, mine), STORE_OK);
	assert_int_equal(mine[1], VOTE_NONE);
}

static void
only_published(void **state)
{
	struct t *t = *state;
	enum vote_verdict verdict;
	int retry;
	struct vote_tally out;
	/* Held, another article's, missing: nothing written. */
	assert_int_equal(store_vote(t->f->st, t->held, "art", voter(1), VOTE_AGREE, &no_limits,
	    T0, &verdict, &retry, &out), STORE_NOT_FOUND);
	assert_int_equal(store_vote(t->f->st, t->other, "art", voter(1), VOTE_AGREE, &no_limits,
	    T0, &verdict, &retry, &out), STORE_NOT_FOUND);
	assert_int_equal(store_vote(t->f->st, 12345, "art", voter(1), VOTE_AGREE, &no_limits,
	    T0, &verdict, &retry, &out), STORE_NOT_FOUND);
	assert_counts(t, t->held, 0, 0);
	assert_counts(t, t->other, 0, 0);
	/* A vote that is not one of the three. */
	assert_int_equal(store_vote(t->f->st, t->a1, "art", voter(1), (enum vote_value)2,
	    &no_limits, T0, &verdict, &retry, &out), STORE_ERROR);
	/* A comment taken down keeps its votes but takes no more. */
	vote_ok(t, t->a2, 1, VOTE_AGREE, &no_limits, T0);
	assert_int_equal(store_set_status(t->f->st, t->a2, COMMENT_DELETED, T0), STORE_OK);
	assert_int_equal(store_vote(t->f->st, t->a2, "art", voter(2), VOTE_AGREE, &no_limits,
	    T0, &verdict, &retry, &out), STORE_NOT_FOUND);
	assert_counts(t, t->a2, 1, 0);
}

/* A refused vote: the verdict and Retry-After, nothing written. */
static void
refused(struct t *t, int64_t id, int who, const struct vote_guard *g, time_t now,
    enum vote_verdict want, int want_retry)
{
	enum vote_verdict verdict;
	int retry;
	struct vote_tally out;
	struct comment before;
	assert_int_equal(store_get_comment(t->f->st, t->f->a, id, &before), STORE_OK);
	assert_int_equal(store_vote(t->f->st, id, "art", voter(who), VOTE_AGREE, g, now, &verdict,
	    &retry, &out), STORE_OK);
	assert_int_equal(verdict, want);
	assert_int_equal(retry, want_retry);
	assert_int_equal(out.mine, VOTE_NONE);
	assert_counts(t, id, before.agree, before.disagree);
}

static void
limits(void **state)
{
	struct t *t = *state;
	const struct vote_guard minute = { .addr_group = "g1", .per_minute = 3 };
	vote_ok(t, t->a1, 1, VOTE_AGREE, &minute, T0);
	vote_ok(t, t->a1, 2, VOTE_AGREE, &minute, T0 + 10);
	vote_ok(t, t->a2, 3, VOTE_AGREE, &minute, T0 + 20);
	/* The fourth new vote within the minute: refused until the first
	 * leaves the window. */
	refused(t, t->a1, 4, &minute, T0 + 30, VOTE_LIMIT_MINUTE, 30);
	/* Changing and withdrawing are never limited: they add nothing. */
	vote_ok(t, t->a1, 1, VOTE_DISAGREE, &minute, T0 + 31);
	vote_ok(t, t->a1, 2, VOTE_NONE, &minute, T0 + 32);
	/* A withdrawn vote no longer counts against the group. */
	vote_ok(t, t->a1, 4, VOTE_AGREE, &minute, T0 + 33);
	refused(t, t->a1, 5, &minute, T0 + 34, VOTE_LIMIT_MINUTE, 26);
	/* Another group is not held back. */
	const struct vote_guard other = { .addr_group = "g2", .per_minute = 3 };
	vote_ok(t, t->a1, 5, VOTE_AGREE, &other, T0 + 34);
	/* After the window. */
	vote_ok(t, t->a1, 6, VOTE_AGREE, &minute, T0 + 61);

	const struct vote_guard hour = { .addr_group = "g3", .per_hour = 2 };
	vote_ok(t, t->a1, 10, VOTE_AGREE, &hour, T0);
	vote_ok(t, t->a2, 11, VOTE_AGREE, &hour, T0 + 100);
	refused(t, t->a2, 12, &hour, T0 + 200, VOTE_LIMIT_HOUR, 3400);
	vote_ok(t, t->a2, 12, VOTE_AGREE, &hour, T0 + 3601);

	const struct vote_guard comment = { .addr_group = "g4", .per_comment_hour = 2 };
	vote_ok(t, t->a1, 20, VOTE_AGREE, &comment, T0);
	vote_ok(t, t->a1, 21, VOTE_DISAGREE, &comment, T0 + 1);
	refused(t, t->a1, 22, &comment, T0 + 2, VOTE_LIMIT_COMMENT, 3598);
	/* The limit is per comment: the other one still takes votes. */
	vote_ok(t, t->a2, 22, VOTE_AGREE, &comment, T0 + 3);
}

/* Many voters, one group, a limit: the counts stop exactly at it. */
static void
stuffing(void **state)
{
	struct t *t = *state;
	const struct vote_guard g = { .addr_group = "203.0.113.0/24", .per_minute = 20,
	    .per_hour = 50, .per_comment_hour = 10 };
	int counted = 0;
	for (int i = 0; i < 60; i++) {
		enum vote_verdict verdict;
		int retry;
		struct vote_tally out;
		assert_int_equal(store_vote(t->f->st, t->a1, "art", voter(i), VOTE_AGREE, &g, T0 + i,
		    &verdict, &retry, &out), STORE_OK);
		counted += verdict == VOTE_COUNTED;
	}
	assert_int_equal(counted, 10);
	assert_counts(t, t->a1, 10, 0);
}

static void
reset(void **state)
{
	struct t *t = *state;
	struct config cfg;
	config_defaults(&cfg);
	struct actor who;
	struct op_ctx o;
	op_ctx_set(&o, &who, t->f->st, t->f->a, &cfg, 0, "sara (nazarctl)", "", T0 + 50);
	struct op_result res;
	/* No votes: nothing written, nothing audited. */
	assert_int_equal(op_comment_reset_votes(&o, t->a1, &res), OP_OK);
	assert_true(res.unchanged);
	struct audit_entry *rows;
	size_t n;
	long long total;
	assert_int_equal(store_audit_list(t->f->st, t->f->a, 0, 1, 10, &rows, &n, &total),
	    STORE_OK);
	assert_int_equal(total, 0);

	vote_ok(t, t->a1, 1, VOTE_AGREE, &no_limits, T0);
	vote_ok(t, t->a1, 2, VOTE_AGREE, &no_limits, T0);
	vote_ok(t, t->a1, 3, VOTE_DISAGREE, &no_limits, T0);
	vote_ok(t, t->a2, 1, VOTE_AGREE, &no_limits, T0);
	assert_int_equal(op_comment_reset_votes(&o, t->a1, &res), OP_OK);
	assert_false(res.unchanged);
	assert_int_equal(res.votes.agree, 2);
	assert_int_equal(res.votes.disagree, 1);
	assert_counts(t, t->a1, 0, 0);
	assert_counts(t, t->a2, 1, 0);
	assert_int_equal(store_audit_list(t->f->st, t->f->a, 0, 1, 10, &rows, &n, &total),
	    STORE_OK);
	assert_int_equal(total, 1);
	assert_string_equal(rows[0].action, "reset_votes");
	assert_string_equal(rows[0].actor, "sara (nazarctl)");
	assert_int_equal(rows[0].comment_id, t->a1);
	assert_string_equal(rows[0].before, "agree 2, disagree 1");
	assert_int_equal(rows[0].at, T0 + 50);
	/* The voters' own votes are gone too: they may vote again. */
	enum vote_value mine;
	assert_int_equal(store_voter_votes(t->f->st, voter(1), &t->a1, 1, &mine), STORE_OK);
	assert_int_equal(mine, VOTE_NONE);
	struct vote_tally v = vote_ok(t, t->a1, 1, VOTE_AGREE, &no_limits, T0 + 60);
	assert_int_equal(v.agree, 1);
	/* No such comment. */
	assert_int_equal(op_comment_reset_votes(&o, 12345, &res), OP_NO_COMMENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(vote_change_withdraw, setup, teardown),
		cmocka_unit_test_setup_teardown(only_published, setup, teardown),
		cmocka_unit_test_setup_teardown(limits, setup, teardown),
		cmocka_unit_test_setup_teardown(stuffing, setup, teardown),
		cmocka_unit_test_setup_teardown(reset, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
