/* test_reader_mail.c — mail to readers about replies: the signed links
 * (mail_token.h) and the subscribers with the schema's triggers
 * (store_subscribers.h): a confirmation once a day per address, a reply
 * notice only for a confirmed address and only once the reply is
 * published, unsubscribing and stopping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "arena.h"
#include "codec.h"
#include "mail_token.h"
#include "store.h"
#include "store_fixture.h"
#include "store_moderation.h"
#include "store_outbox.h"
#include "store_subscribers.h"

#define T0 1796342400

static unsigned char key[32], other_key[32];

static void
token_round_trip(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	char *text = mail_token_reader(a, key, MAIL_TOKEN_CONFIRM, 42, T0 + 60, "Ali@Example.org");
	struct mail_token t;
	assert_int_equal(mail_token_parse(text, &t), 0);
	assert_int_equal(t.kind, MAIL_TOKEN_CONFIRM);
	assert_int_equal(t.id, 42);
	assert_int_equal(t.expires, T0 + 60);
	assert_true(mail_token_verify(key, &t, "ali@example.org", T0));
	assert_true(mail_token_verify(key, &t, "ALI@EXAMPLE.ORG", T0 + 60));
	assert_false(mail_token_verify(key, &t, "ali@example.org", T0 + 61));
	assert_false(mail_token_verify(key, &t, "bob@example.org", T0));
	assert_false(mail_token_verify(other_key, &t, "ali@example.org", T0));
	assert_false(mail_token_verify(key, &t, "", T0));
	/* Another kind or id with the same tag. */
	t.kind = MAIL_TOKEN_STOP;
	assert_false(mail_token_verify(key, &t, "ali@example.org", T0));
	t.kind = MAIL_TOKEN_CONFIRM;
	t.id = 43;
	assert_false(mail_token_verify(key, &t, "ali@example.org", T0));
	/* No expiry. */
	text = mail_token_reader(a, key, MAIL_TOKEN_STOP, 7, 0, "x@example.org");
	assert_int_equal(mail_token_parse(text, &t), 0);
	assert_true(mail_token_verify(key, &t, "x@example.org", INT32_MAX));
	arena_free(a);
}

static void
token_hostile_text(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct mail_token t;
	/* Right length, bad alphabet. */
	char plus[B64URL_CHARS(MAIL_TOKEN_BYTES) + 1];
	memset(plus, 'A', sizeof(plus) - 1);
	plus[0] = '+';
	plus[sizeof(plus) - 1] = '\0';
	const char *bad[] = { NULL, "", "x", "not-a-token", "====", plus };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(mail_token_parse(bad[i], &t), -1);
	char *text = mail_token_reader(a, key, MAIL_TOKEN_UNSUBSCRIBE, 1, 0, "a@b.example");
	/* Longer by one, shorter by one. */
	char *longer = arena_printf(a, "%sA", text);
	assert_int_equal(mail_token_parse(longer, &t), -1);
	text[strlen(text) - 1] = '\0';
	assert_int_equal(mail_token_parse(text, &t), -1);
	/* An unknown kind; id 0; an id past INT64_MAX. */
	unsigned char raw[MAIL_TOKEN_BYTES] = { 'x', 0, 0, 0, 0, 0, 0, 0, 1 };
	char out[MAIL_TOKEN_TEXT_MAX + 8];
	sodium_bin2base64(out, sizeof(out), raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	assert_int_equal(mail_token_parse(out, &t), -1);
	raw[0] = 'c';
	raw[8] = 0;
	sodium_bin2base64(out, sizeof(out), raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	assert_int_equal(mail_token_parse(out, &t), -1);
	raw[1] = 0x80;
	sodium_bin2base64(out, sizeof(out), raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	assert_int_equal(mail_token_parse(out, &t), -1);
	raw[1] = 0;
	raw[8] = 1;
	sodium_bin2base64(out, sizeof(out), raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	assert_int_equal(mail_token_parse(out, &t), 0);
	assert_false(mail_token_verify(key, &t, "a@b.example", T0));
	/* A user or a version past INT64_MAX. */
	raw[9] = 0x80;
	sodium_bin2base64(out, sizeof(out), raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	assert_int_equal(mail_token_parse(out, &t), -1);
	raw[9] = 0;
	raw[17] = 0x80;
	sodium_bin2base64(out, sizeof(out), raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	assert_int_equal(mail_token_parse(out, &t), -1);
	arena_free(a);
}

/* A moderator's link: bound to the user, the comment's version and the
 * address; none of them can be changed. */
static void
token_decide(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	const struct mail_token d = { .kind = MAIL_TOKEN_DECIDE, .id = 12, .user = 3,
	    .version = 2, .expires = T0 + 3600 };
	char *text = mail_token_make(a, key, &d, "sara@example.ir");
	struct mail_token t;
	assert_int_equal(mail_token_parse(text, &t), 0);
	assert_int_equal(t.kind, MAIL_TOKEN_DECIDE);
	assert_int_equal(t.id, 12);
	assert_int_equal(t.user, 3);
	assert_int_equal(t.version, 2);
	assert_true(mail_token_verify(key, &t, "sara@example.ir", T0));
	assert_false(mail_token_verify(key, &t, "sara@example.ir", T0 + 3601));
	assert_false(mail_token_verify(key, &t, "reza@example.ir", T0));
	t.user = 4;
	assert_false(mail_token_verify(key, &t, "sara@example.ir", T0));
	t.user = 3;
	t.version = 3;
	assert_false(mail_token_verify(key, &t, "sara@example.ir", T0));
	arena_free(a);
}

static int64_t
post(struct store_fixture *f, const char *email, int64_t parent, enum comment_status status,
    bool notify, time_t at)
{
	char article[] = "a", name[] = "Ali", empty[] = "", body[40];
	snprintf(body, sizeof(body), "text %lld %lld", (long long)parent, (long long)at);
	struct comment c = { .article = article, .name = name, .email = (char *)email,
	    .body = body, .status = status, .remote_addr = empty, .user_agent = empty,
	    .parent = parent, .notify_replies = notify };
	assert_int_equal(store_insert_comment(f->st, &c, at), STORE_OK);
	return c.id;
}

/* Rows of kind in the outbox, pending. */
static long long
waiting(struct store_fixture *f, enum outbox_kind kind)
{
	struct outbox_item *items;
	size_t n;
	long long k = 0;
	assert_int_equal(store_outbox_list(f->st, f->a, OUTBOX_PENDING, 100, &items, &n),
	    STORE_OK);
	for (size_t i = 0; i < n; i++)
		k += items[i].kind == kind;
	return k;
}

static void
approve(struct store_fixture *f, int64_t id, time_t at)
{
	assert_int_equal(store_set_status(f->st, id, COMMENT_APPROVED, at), STORE_OK);
}

static void
confirmation_once_a_day(void **state)
{
	(void)state;
	struct store_fixture *f = store_fixture_new("reader-mail");
	post(f, "ali@example.org", 0, COMMENT_APPROVED, false, T0);
	assert_int_equal(waiting(f, OUTBOX_CONFIRM), 0);
	post(f, "ali@example.org", 0, COMMENT_PENDING, true, T0 + 1);
	post(f, "ALI@example.org", 0, COMMENT_APPROVED, true, T0 + 2);
	assert_int_equal(waiting(f, OUTBOX_CONFIRM), 1);
	/* Spam asks nobody. */
	post(f, "victim@example.org", 0, COMMENT_SPAM, true, T0 + 3);
	assert_int_equal(waiting(f, OUTBOX_CONFIRM), 1);
	struct subscriber s;
	assert_int_equal(store_subscriber_by_address(f->st, f->a, "Ali@Example.org", &s),
	    STORE_OK);
	assert_int_equal(s.state, SUBSCRIBER_UNCONFIRMED);
	assert_string_equal(s.address, "ali@example.org");
	assert_int_equal(store_subscriber_by_address(f->st, f->a, "victim@example.org", &s),
	    STORE_NOT_FOUND);
	/* A day later, still unconfirmed: asked again. */
	post(f, "ali@example.org", 0, COMMENT_APPROVED, true, T0 + 86401);
	assert_int_equal(waiting(f, OUTBOX_CONFIRM), 2);
	store_fixture_free(f);
}

static void
replies_after_confirmation_and_publication(void **state)
{
	(void)state;
	struct store_fixture *f = store_fixture_new("reader-mail");
	int64_t ali = post(f, "ali@example.org", 0, COMMENT_APPROVED, true, T0);
	int64_t bob = post(f, "bob@example.org", 0, COMMENT_APPROVED, true, T0);
	struct subscriber s;
	assert_int_equal(store_subscriber_by_address(f->st, f->a, "ali@example.org", &s),
	    STORE_OK);
	/* Unconfirmed: a published reply says nothing. */
	post(f, "x@example.org", ali, COMMENT_APPROVED, false, T0 + 1);
	assert_int_equal(waiting(f, OUTBOX_REPLY), 0);
	bool changed;
	assert_int_equal(store_subscriber_confirm(f->st, s.id, T0 + 2, &changed), STORE_OK);
	assert_true(changed);
	assert_int_equal(store_subscriber_confirm(f->st, s.id, T0 + 2, &changed), STORE_OK);
	assert_false(changed);
	assert_int_equal(store_subscriber_confirm(f->st, 999, T0 + 2, &changed),
	    STORE_NOT_FOUND);
	/* Held: nothing until approved, then one row, once. */
	int64_t r = post(f, "x@example.org", ali, COMMENT_PENDING, false, T0 + 3);
	assert_int_equal(waiting(f, OUTBOX_REPLY), 0);
	approve(f, r, T0 + 4);
	assert_int_equal(waiting(f, OUTBOX_REPLY), 1);
	assert_int_equal(store_set_status(f->st, r, COMMENT_PENDING, T0 + 5), STORE_OK);
	approve(f, r, T0 + 6);
	assert_int_equal(waiting(f, OUTBOX_REPLY), 1);
	/* Published at once: one more. The author's own reply and replies to
	 * the unconfirmed bob: none. */
	post(f, "y@example.org", ali, COMMENT_APPROVED, false, T0 + 7);
	post(f, "Ali@example.org", ali, COMMENT_APPROVED, false, T0 + 8);
	post(f, "y@example.org", bob, COMMENT_APPROVED, false, T0 + 9);
	assert_int_equal(waiting(f, OUTBOX_REPLY), 2);
	/* Unsubscribed from ali's comment: the waiting notices dropped, no new ones. */
	assert_int_equal(store_replies_unsubscribe(f->st, ali), STORE_OK);
	assert_int_equal(waiting(f, OUTBOX_REPLY), 0);
	post(f, "z@example.org", ali, COMMENT_APPROVED, false, T0 + 10);
	assert_int_equal(waiting(f, OUTBOX_REPLY), 0);
	bool wants = true;
	assert_int_equal(store_comment_wants_replies(f->st, ali, &wants), STORE_OK);
	assert_false(wants);
	store_fixture_free(f);
}

static void
stop_is_for_good(void **state)
{
	(void)state;
	struct store_fixture *f = store_fixture_new("reader-mail");
	int64_t ali = post(f, "ali@example.org", 0, COMMENT_APPROVED, true, T0);
	struct subscriber s;
	assert_int_equal(store_subscriber_by_address(f->st, f->a, "ali@example.org", &s),
	    STORE_OK);
	bool changed;
	assert_int_equal(store_subscriber_confirm(f->st, s.id, T0, &changed), STORE_OK);
	post(f, "x@example.org", ali, COMMENT_APPROVED, false, T0 + 1);
	assert_int_equal(waiting(f, OUTBOX_REPLY), 1);
	assert_int_equal(store_subscriber_stop(f->st, s.id, T0 + 2), STORE_OK);
	assert_int_equal(waiting(f, OUTBOX_REPLY) + waiting(f, OUTBOX_CONFIRM), 0);
	/* No confirmation a day later, no notices, no way back by a link. */
	post(f, "ali@example.org", 0, COMMENT_APPROVED, true, T0 + 2 * 86400);
	post(f, "x@example.org", ali, COMMENT_APPROVED, false, T0 + 2 * 86400);
	assert_int_equal(waiting(f, OUTBOX_REPLY) + waiting(f, OUTBOX_CONFIRM), 0);
	assert_int_equal(store_subscriber_confirm(f->st, s.id, T0, &changed), STORE_OK);
	assert_false(changed);
	assert_int_equal(store_subscriber_get(f->st, f->a, s.id, &s), STORE_OK);
	assert_int_equal(s.state, SUBSCRIBER_STOPPED);
	assert_int_equal(store_subscriber_stop(f->st, 999, T0), STORE_NOT_FOUND);
	store_fixture_free(f);
}

static void
sent_counts_for_the_limit(void **state)
{
	(void)state;
	struct store_fixture *f = store_fixture_new("reader-mail");
	post(f, "ali@example.org", 0, COMMENT_APPROVED, true, T0);
	struct outbox_item it;
	assert_int_equal(store_outbox_claim(f->st, f->a, T0, &it), STORE_OK);
	assert_int_equal(it.kind, OUTBOX_CONFIRM);
	long long n = -1;
	assert_int_equal(store_reader_mail_sent_since(f->st, "ALI@example.org", T0 - 10, &n),
	    STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_outbox_sent(f->st, it.id, T0), STORE_OK);
	assert_int_equal(store_reader_mail_sent_since(f->st, "ALI@example.org", T0 - 10, &n),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_reader_mail_sent_since(f->st, "ali@example.org", T0 + 1, &n),
	    STORE_OK);
	assert_int_equal(n, 0);
	store_fixture_free(f);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	for (int i = 0; i < 32; i++) {
		key[i] = (unsigned char)(i * 7 + 1);
		other_key[i] = (unsigned char)(i * 7 + 2);
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(token_round_trip),
		cmocka_unit_test(token_hostile_text),
		cmocka_unit_test(token_decide),
		cmocka_unit_test(confirmation_once_a_day),
		cmocka_unit_test(replies_after_confirmation_and_publication),
		cmocka_unit_test(stop_is_for_good),
		cmocka_unit_test(sent_counts_for_the_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
