/* test_admin_outbox.c — the outbox page, in process: administrators only
 * (a moderator gets 403), the counts by state, failures first with the
 * mail system's last answer escaped, the other states on their tabs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app_fixture.h"
#include "arena.h"
#include "buf.h"
#include "request.h"
#include "store.h"
#include "store_outbox.h"

static void
outbox_page(void **state)
{
	struct app_fixture *f = *state;
	APP_FIXTURE_NEED(f);
	struct response res;
	/* The fixture's maryam is a moderator. */
	app_fixture_admin(f, "GET", "/admin/outbox", NULL, NULL, &res);
	assert_int_equal(res.status, 403);
	buf_free(&res.body);

	int64_t failed, waiting;
	assert_int_equal(store_outbox_add_test(f->ctx.store, "ops@example.org", f->now, &failed),
	    STORE_OK);
	struct outbox_item it;
	assert_int_equal(store_outbox_claim(f->ctx.store, f->a, f->now, &it), STORE_OK);
	assert_int_equal(it.id, failed);
	assert_int_equal(store_outbox_fail(f->ctx.store, failed,
	    "smtp: 550 <b>mailbox</b> unavailable"), STORE_OK);
	assert_int_equal(store_outbox_add_test(f->ctx.store, "later@example.org", f->now,
	    &waiting), STORE_OK);

	app_fixture_sign_in(f, "ops", "Ops", ROLE_ADMIN, f->now);
	app_fixture_admin(f, "GET", "/admin/outbox", NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	const char *html = buf_str(&res.body);
	assert_non_null(strstr(html, "<h1>Outbox</h1>"));
	assert_non_null(strstr(html, "href=\"/comments/admin/outbox\">Outbox</a>"));
	/* Failures first, the error escaped. */
	assert_non_null(strstr(html, "aria-current=\"page\">Failed"));
	assert_non_null(strstr(html, "ops@example.org"));
	assert_non_null(strstr(html, "smtp: 550 &lt;b&gt;mailbox&lt;/b&gt; unavailable"));
	assert_null(strstr(html, "<b>mailbox"));
	assert_null(strstr(html, "later@example.org"));
	buf_free(&res.body);

	app_fixture_admin(f, "GET", "/admin/outbox", "state=pending", NULL, &res);
	assert_int_equal(res.status, 200);
	html = buf_str(&res.body);
	assert_non_null(strstr(html, "later@example.org"));
	assert_null(strstr(html, "ops@example.org"));
	buf_free(&res.body);

	/* A webhook row: its event beside its kind, its URL as the recipient. */
	static const char urls[1][WEBHOOK_URL_MAX] = { "https://hooks.example/x?a=1&b=2" };
	assert_int_equal(store_webhooks_set(f->ctx.store, urls, 1, "held"), STORE_OK);
	char article[] = "a", name[] = "Ali", email[] = "ali@example.org", body[] = "text",
	    empty[] = "";
	struct comment c = { .article = article, .name = name, .email = email, .body = body,
	    .status = COMMENT_PENDING, .remote_addr = empty, .user_agent = empty };
	assert_int_equal(store_insert_comment(f->ctx.store, &c, f->now), STORE_OK);
	app_fixture_admin(f, "GET", "/admin/outbox", "state=pending", NULL, &res);
	assert_int_equal(res.status, 200);
	html = buf_str(&res.body);
	assert_non_null(strstr(html, "webhook (held)"));
	assert_non_null(strstr(html, "https://hooks.example/x?a=1&amp;b=2"));
	buf_free(&res.body);

	app_fixture_admin(f, "GET", "/admin/outbox", "state=all", NULL, &res);
	html = buf_str(&res.body);
	assert_non_null(strstr(html, "later@example.org"));
	assert_non_null(strstr(html, "ops@example.org"));
	buf_free(&res.body);

	/* A state that is not one: the failed tab, not an error. */
	app_fixture_admin(f, "GET", "/admin/outbox", "state=%3Cx%3E", NULL, &res);
	assert_int_equal(res.status, 200);
	assert_non_null(strstr(buf_str(&res.body), "aria-current=\"page\">Failed"));
	buf_free(&res.body);

	app_fixture_admin(f, "GET", "/admin/outbox", "state=sent", NULL, &res);
	assert_non_null(strstr(buf_str(&res.body), "No message in this state."));
	buf_free(&res.body);
	/* Read only. */
	app_fixture_admin(f, "POST", "/admin/outbox", NULL, "state=all", &res);
	assert_int_equal(res.status, 405);
	buf_free(&res.body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(outbox_page, app_fixture_setup_open,
		    app_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
