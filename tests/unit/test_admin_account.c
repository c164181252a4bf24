/* test_admin_account.c — a moderator's mail settings on the account page,
 * in process: the form with the stored values, a bad address refused with
 * the form kept, a good one stored and audited, the notice after it. */
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
#include "buf.h"
#include "request.h"
#include "store.h"
#include "store_audit.h"
#include "store_users.h"

static void
notify_settings(void **state)
{
	struct app_fixture *f = *state;
	APP_FIXTURE_NEED(f);
	struct response res;
	app_fixture_admin(f, "GET", "/admin/account", NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	const char *html = buf_str(&res.body);
	assert_non_null(strstr(html, "action=\"/comments/admin/account/notify\""));
	assert_non_null(strstr(html, "name=\"mode\" value=\"none\" checked"));
	assert_non_null(strstr(html, "one mail an hour"));
	buf_free(&res.body);

	/* A bad address: 422, the message, the form as typed. */
	app_fixture_admin(f, "POST", "/admin/account/notify", NULL,
	    "email=%3Cx%3E%40example.org&mode=hourly", &res);
	assert_int_equal(res.status, 422);
	html = buf_str(&res.body);
	assert_non_null(strstr(html, "An address is a plain name@example.ir"));
	assert_non_null(strstr(html, "value=\"&lt;x&gt;@example.org\""));
	assert_non_null(strstr(html, "name=\"mode\" value=\"hourly\" checked"));
	buf_free(&res.body);
	struct user u;
	assert_int_equal(store_user_by_name(f->ctx.store, f->a, "maryam", &u, NULL), STORE_OK);
	assert_string_equal(u.email, "");
	assert_int_equal(u.notify, NOTIFY_NONE);

	/* An unknown mode is a 400 from the parameter table. */
	app_fixture_admin(f, "POST", "/admin/account/notify", NULL,
	    "email=m%40example.org&mode=weekly", &res);
	assert_int_equal(res.status, 400);
	buf_free(&res.body);

	app_fixture_admin(f, "POST", "/admin/account/notify", NULL,
	    "email=maryam%40news.example.org&mode=daily", &res);
	assert_int_equal(res.status, 303);
	assert_non_null(strstr(app_fixture_header(&res, "Location"), "/account?done=notify"));
	buf_free(&res.body);
	assert_int_equal(store_user_by_name(f->ctx.store, f->a, "maryam", &u, NULL), STORE_OK);
	assert_string_equal(u.email, "maryam@news.example.org");
	assert_int_equal(u.notify, NOTIFY_DAILY);

	app_fixture_admin(f, "GET", "/admin/account", "done=notify", NULL, &res);
	html = buf_str(&res.body);
	assert_non_null(strstr(html, "Your mail settings were saved."));
	assert_non_null(strstr(html, "value=\"maryam@news.example.org\""));
	assert_non_null(strstr(html, "name=\"mode\" value=\"daily\" checked"));
	buf_free(&res.body);

	struct audit_entry *e;
	size_t n;
	long long total;
	assert_int_equal(store_audit_list(f->ctx.store, f->a, 0, 1, 1, &e, &n, &total), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(e[0].action, "user_notify");
	assert_string_equal(e[0].after, "maryam@news.example.org daily");
	assert_string_equal(e[0].actor, "maryam");

}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(notify_settings, app_fixture_setup_open,
		    app_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
