/* test_outbox.c — the outbox (store_outbox.h): rows written with the held
 * comment by the schema's trigger, claims, retries, digests, recovery
 * after a dead sender; and the sender's back-off (notify.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "notify.h"
#include "store.h"
#include "store_fixture.h"
#include "store_outbox.h"
#include "store_users.h"

#define T0 1796342400	/* 2026-12-04T00:00:00Z, on the hour */

static const struct actor op = { 0, "nazarctl", "" };

static int64_t
user(struct store_fixture *f, const char *name, const char *email, enum user_notify mode)
{
	int64_t id;
	assert_int_equal(store_user_add(f->st, name, NULL, ROLE_MODERATOR, "h", &op, T0, &id),
	    STORE_OK);
	assert_int_equal(store_user_set_notify(f->st, id, email, mode, &op, T0), STORE_OK);
	return id;
}

static int64_t
comment(struct store_fixture *f, enum comment_status status, time_t at)
{
	char article[] = "a", name[] = "Ali", empty[] = "", body[] = "text";
	struct comment c = { .article = article, .name = name, .email = empty, .body = body,
	    .status = status, .remote_addr = empty, .user_agent = empty };
	assert_int_equal(store_insert_comment(f->st, &c, at), STORE_OK);
	return c.id;
}

static void
counts(struct store_fixture *f, long long pending, long long sending, long long sent)
{
	long long n[OUTBOX_STATE__MAX];
	assert_int_equal(store_outbox_counts(f->st, n), STORE_OK);
	assert_int_equal(n[OUTBOX_PENDING], pending);
	assert_int_equal(n[OUTBOX_SENDING], sending);
	assert_int_equal(n[OUTBOX_SENT], sent);
}

static void
held_comment_writes_rows_for_those_who_asked(void **state)
{
	(void)state;
	struct store_fixture *f = store_fixture_new("outbox");
	user(f, "now", "now@example.org", NOTIFY_NOW);
	user(f, "none", "none@example.org", NOTIFY_NONE);
	user(f, "noaddr", "", NOTIFY_NOW);
	int64_t dis = user(f, "disabled", "dis@example.org", NOTIFY_NOW);
	assert_int_equal(store_user_set_disabled(f->st, dis, true, &op, T0), STORE_OK);
	comment(f, COMMENT_APPROVED, T0);
	counts(f, 0, 0, 0);
	int64_t id = comment(f, COMMENT_PENDING, T0 + 10);
	counts(f, 1, 0, 0);

	struct outbox_item it;
	assert_int_equal(store_outbox_claim(f->st, f->a, T0 + 10, &it), STORE_OK);
	assert_int_equal(it.kind, OUTBOX_HELD);
	assert_string_equal(it.recipient, "now@example.org");
	assert_int_equal(it.comment_id, id);
	assert_int_equal(it.attempts, 1);
	assert_int_equal(strlen(it.token), 24);
	counts(f, 0, 1, 0);
	/* Nothing else is due. */
	assert_int_equal(store_outbox_claim(f->st, f->a, T0 + 10, &it), STORE_NOT_FOUND);
	store_fixture_free(f);
}

static void
retry_then_fail_then_recover(void **state)
{
	(void)state;
	struct store_fixture *f = store_fixture_new("outbox");
	user(f, "now", "now@example.org", NOTIFY_NOW);
	comment(f, COMMENT_PENDING, T0);
	struct outbox_item it;
	assert_int_equal(store_outbox_claim(f->st, f->a, T0, &it), STORE_OK);
	const char *token = arena_strdup(f->a, it.token);
	assert_int_equal(store_outbox_retry(f->st, it.id, T0 + 60, "451 busy"), STORE_OK);
	/* Not before its time. */
	assert_int_equal(store_outbox_claim(f->st, f->a, T0 + 59, &it), STORE_NOT_FOUND);
	assert_int_equal(store_outbox_claim(f->st, f->a, T0 + 60, &it), STORE_OK);
	assert_int_equal(it.attempts, 2);
	assert_string_equal(it.last_error, "451 busy");
	assert_string_equal(it.token, token);
	/* The sender dies here: the next one takes the row back. */
	long long n;
	assert_int_equal(store_outbox_recover(f->st, &n), STORE_OK);
	assert_int_equal(n, 1);
	counts(f, 1, 0, 0);
	assert_int_equal(store_outbox_claim(f->st, f->a, T0 + 61, &it), STORE_OK);
	assert_int_equal(it.attempts, 3);
	assert_string_equal(it.token, token);	/* the same Message-ID */
	assert_int_equal(store_outbox_fail(f->st, it.id, "550 no such user"), STORE_OK);
	struct outbox_item *rows;
	size_t count;
	assert_int_equal(store_outbox_list(f->st, f->a, OUTBOX_FAILED, 10, &rows, &count),
	    STORE_OK);
	assert_int_equal(count, 1);
	assert_string_equal(rows[0].last_error, "550 no such user");
	store_fixture_free(f);
}

static void
digests_wait_for_their_hour(void **state)
{
	(void)state;
	struct store_fixture *f = store_fixture_new("outbox");
	int64_t h = user(f, "hourly", "h@example.org", NOTIFY_HOURLY);
	user(f, "daily", "d@example.org", NOTIFY_DAILY);
	int64_t c1 = comment(f, COMMENT_PENDING, T0 + 100);
	int64_t c2 = comment(f, COMMENT_PENDING, T0 + 200);
	long long made;
	struct outbox_item it;
	/* Within the hour: nothing to merge, nothing due. */
	assert_int_equal(store_outbox_merge_digests(f->st, T0 + 3599, false, &made), STORE_OK);
	assert_int_equal(made, 0);
	assert_int_equal(store_outbox_claim(f->st, f->a, T0 + 3599, &it), STORE_NOT_FOUND);
	/* On the hour: the hourly moderator's digest of both. */
	assert_int_equal(store_outbox_merge_digests(f->st, T0 + 3600, false, &made), STORE_OK);
	assert_int_equal(made, 1);
	assert_int_equal(store_outbox_claim(f->st, f->a, T0 + 3600, &it), STORE_OK);
	assert_int_equal(it.kind, OUTBOX_DIGEST);
	assert_int_equal(it.user_id, h);
	int64_t *ids;
	size_t n;
	assert_int_equal(store_outbox_digest_comments(f->st, f->a, it.id, &ids, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], c1);
	assert_int_equal(ids[1], c2);
	assert_int_equal(store_outbox_sent(f->st, it.id, T0 + 3600), STORE_OK);
	/* The daily one at midnight, or at once when flushed. */
	assert_int_equal(store_outbox_merge_digests(f->st, T0 + 3601, true, &made), STORE_OK);
	assert_int_equal(made, 1);
	assert_int_equal(store_outbox_claim(f->st, f->a, T0 + 3601, &it), STORE_OK);
	assert_string_equal(it.recipient, "d@example.org");
	assert_string_equal(it.batch, "daily");
	store_fixture_free(f);
}

static void
test_rows_and_backoff(void **state)
{
	(void)state;
	struct store_fixture *f = store_fixture_new("outbox");
	int64_t id;
	assert_int_equal(store_outbox_add_test(f->st, "x@example.org", T0, &id), STORE_OK);
	struct outbox_item it;
	assert_int_equal(store_outbox_claim(f->st, f->a, T0, &it), STORE_OK);
	assert_int_equal(it.id, id);
	assert_int_equal(it.kind, OUTBOX_TEST);
	assert_int_equal(store_outbox_sent(f->st, id, T0), STORE_OK);
	counts(f, 0, 0, 1);
	assert_int_equal(notify_backoff(1), 60);
	assert_int_equal(notify_backoff(2), 120);
	assert_int_equal(notify_backoff(5), 960);
	assert_int_equal(notify_backoff(30), 6 * 3600);
	store_fixture_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(held_comment_writes_rows_for_those_who_asked),
		cmocka_unit_test(retry_then_fail_then_recover),
		cmocka_unit_test(digests_wait_for_their_hour),
		cmocka_unit_test(test_rows_and_backoff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
