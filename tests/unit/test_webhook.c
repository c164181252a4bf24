/* test_webhook.c — webhooks (webhook.h): the URL rule against hostile
 * URLs, the signature against a value computed elsewhere (Python's hmac),
 * and the schema's triggers writing webhook rows for the configured
 * endpoints only, for the events they asked for, without the e-mail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "buf.h"
#include "notify.h"
#include "store.h"
#include "store_fixture.h"
#include "store_moderation.h"
#include "store_outbox.h"
#include "webhook.h"

#define T0 1796342400

static const char allow[] = "hooks.example 127.0.0.1 ::1 Relay.Example.ORG";

static void
accepts_https_and_loopback_http(void **state)
{
	(void)state;
	static const char *const good[] = {
		"https://hooks.example/x", "https://hooks.example", "https://HOOKS.example:8443/a?b=c",
		"https://relay.example.org/nazar/hook", "http://127.0.0.1:8080/hook",
		"http://[::1]:9/x", "https://[::1]/x",
	};
	char err[256];
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		err[0] = '\0';
		if (webhook_url_check(good[i], allow, err, sizeof(err)) != 0)
			fail_msg("%s refused: %s", good[i], err);
	}
}

static void
refuses_hostile_urls(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "hooks.example/x", "ftp://hooks.example/x", "file:///etc/passwd",
		"gopher://127.0.0.1:25/x", "HTTPS://hooks.example/x", "//hooks.example/x",
		/* http only to loopback literals */
		"http://hooks.example/x", "http://localhost/x", "http://127.0.0.2/x",
		"http://169.254.169.254/latest/meta-data", "http://[::ffff:127.0.0.1]/x",
		"http://2130706433/x", "http://0x7f.0.0.1/x",
		/* userinfo, in every disguise */
		"https://user@hooks.example/x", "https://user:pw@hooks.example/x",
		"https://hooks.example@evil.example/x", "https://evil.example#@hooks.example/x",
		"https://hooks.example:443@evil.example/",
		/* hosts not allowed, or dressed up */
		"https://evil.example/x", "https://hooks.example.evil.example/x",
		"https://evil.example/?hooks.example", "https://hooks.example./x",
		"https://hooks%2eexample/x", "https://hooks.example\\@evil.example/",
		"https:///x", "https://:443/x", "https://[::1/x", "https://[::1]x/",
		/* ports */
		"https://hooks.example:0/x", "https://hooks.example:65536/x",
		"https://hooks.example:/x", "https://hooks.example:12a/x",
		"https://hooks.example:123456/x",
		/* characters */
		"https://hooks.example/x y", "https://hooks.example/\x01", "https://hooks.example/\"",
		"https://hooks.example/x#frag", "https://hooks.exämple/x", "https://hooks.example\r\n/x",
	};
	char err[256];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (webhook_url_check(bad[i], allow, err, sizeof(err)) == 0)
			fail_msg("%s accepted", bad[i]);
		assert_true(err[0] != '\0');
	}
	/* Nothing is allowed when allow_hosts is empty. */
	assert_int_equal(webhook_url_check("https://hooks.example/x", "", err, sizeof(err)), -1);
	char long_url[WEBHOOK_URL_MAX + 10];
	memset(long_url, 'a', sizeof(long_url) - 1);
	long_url[sizeof(long_url) - 1] = '\0';
	memcpy(long_url, "https://hooks.example/", 22);
	assert_int_equal(webhook_url_check(long_url, allow, err, sizeof(err)), -1);
}

static void
events_are_known(void **state)
{
	(void)state;
	assert_true(webhook_event_known("held", 4));
	assert_true(webhook_event_known("published", 9));
	assert_true(webhook_event_known("rejected", 8));
	assert_true(webhook_event_known("reply", 5));
	assert_false(webhook_event_known("hel", 3));
	assert_false(webhook_event_known("helds", 5));
	assert_false(webhook_event_known("", 0));
}

static void
signature_matches_hmac_sha256(void **state)
{
	(void)state;
	/* python3 -c 'import hmac,hashlib; print(hmac.new(b"0123456789abcdef-secret",
	 *     b"1796342400." + b"{\"event\":\"held\"}", hashlib.sha256).hexdigest())' */
	static const char key[] = "0123456789abcdef-secret";
	static const char body[] = "{\"event\":\"held\"}";
	char hex[65];
	webhook_sign((const unsigned char *)key, strlen(key), "1796342400", body, strlen(body),
	    hex);
	assert_string_equal(hex,
	    "b3d8ca63b38f3770bececf3483d44797d9d2bb68fb13d61be0bb6b205a97a6d6");
	/* The timestamp is part of what is signed. */
	char other[65];
	webhook_sign((const unsigned char *)key, strlen(key), "1796342401", body, strlen(body),
	    other);
	assert_string_not_equal(hex, other);
}

static int64_t
comment(struct store_fixture *f, enum comment_status status, int64_t parent, time_t at)
{
	char article[] = "a", name[] = "Ali", email[] = "ali@example.org", body[] = "text",
	    addr[] = "203.0.113.9", empty[] = "";
	struct comment c = { .article = article, .parent = parent, .name = name,
	    .email = email, .body = body, .status = status, .remote_addr = addr,
	    .user_agent = empty };
	assert_int_equal(store_insert_comment(f->st, &c, at), STORE_OK);
	return c.id;
}

/* The webhook rows, oldest first, as "EVENT URL" lines. */
static const char *
rows(struct store_fixture *f)
{
	struct outbox_item *items;
	size_t n;
	assert_int_equal(store_outbox_list(f->st, f->a, -1, 100, &items, &n), STORE_OK);
	struct buf b = { 0 };
	for (size_t i = n; i-- > 0;)
		if (items[i].kind == OUTBOX_WEBHOOK)
			buf_printf(&b, "%s %s\n", items[i].event, items[i].recipient);
	char *s = arena_strdup(f->a, buf_str(&b));
	buf_free(&b);
	return s;
}

static void
triggers_write_rows_for_configured_events(void **state)
{
	(void)state;
	struct store_fixture *f = store_fixture_new("webhook");
	/* No endpoint: no row. */
	comment(f, COMMENT_PENDING, 0, T0);
	assert_string_equal(rows(f), "");
	static const char urls[2][WEBHOOK_URL_MAX] = { "https://a.example/h",
	    "https://b.example/h" };
	assert_int_equal(store_webhooks_set(f->st, urls, 1, "held rejected"), STORE_OK);
	int64_t id = comment(f, COMMENT_PENDING, 0, T0 + 1);
	assert_string_equal(rows(f), "held https://a.example/h\n");
	assert_int_equal(store_webhooks_set(f->st, urls, 2, "published reply rejected"),
	    STORE_OK);
	struct moderation m = { .id = id };
	struct moderation_result res;
	static const struct actor op = { 0, "nazarctl", "" };
	assert_int_equal(store_moderate(f->st, f->a, &m, 1, ACTION_APPROVE, "", &op, T0 + 2,
	    &res), STORE_OK);
	comment(f, COMMENT_APPROVED, id, T0 + 3);
	int64_t bad = comment(f, COMMENT_PENDING, 0, T0 + 4);
	m.id = bad;
	assert_int_equal(store_moderate(f->st, f->a, &m, 1, ACTION_REJECT, "", &op, T0 + 5,
	    &res), STORE_OK);
	assert_string_equal(rows(f),
	    "held https://a.example/h\n"
	    "published https://a.example/h\n" "published https://b.example/h\n"
	    "published https://a.example/h\n" "published https://b.example/h\n"
	    "reply https://a.example/h\n" "reply https://b.example/h\n"
	    "rejected https://a.example/h\n" "rejected https://b.example/h\n");
	store_fixture_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_https_and_loopback_http),
		cmocka_unit_test(refuses_hostile_urls),
		cmocka_unit_test(events_are_known),
		cmocka_unit_test(signature_matches_hmac_sha256),
		cmocka_unit_test(triggers_write_rows_for_configured_events),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
