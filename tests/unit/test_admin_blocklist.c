/* test_admin_blocklist.c — the blocklist's admin page end to end, in
 * process: the list, adding (422 and 409 with the form kept, typed text
 * escaped), removing, the audit, filters, search and paging, and nothing
 * changed without the CSRF token or signed out. */
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
#include "auth.h"
#include "blocklist.h"
#include "buf.h"
#include "request.h"
#include "store.h"
#include "store_blocklist.h"
#include "store_moderation.h"

static void
admin_page(void **state)
{
	struct app_fixture *f = *state;
	APP_FIXTURE_NEED(f);
	struct response res;
	app_fixture_admin(f, "GET", "/admin/blocklist", NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	const char *html = buf_str(&res.body);
	assert_non_null(strstr(html, "<h1>Blocklist</h1>"));
	assert_non_null(strstr(html, "No entries."));
	assert_non_null(strstr(html, "href=\"/comments/admin/blocklist\""));	/* the nav */
	assert_non_null(strstr(html, "name=\"csrf\" value=\"" ));
	buf_free(&res.body);

	app_fixture_block(f, "word", "كـلاه‌بردار", "spam");
	app_fixture_admin(f, "GET", "/admin/blocklist", "done=block_added", NULL, &res);
	html = buf_str(&res.body);
	assert_non_null(strstr(html, "The entry was added."));
	assert_non_null(strstr(html, "<bdi>كـلاه"));
	assert_non_null(strstr(html, "matches as <bdi>کلاهبردار</bdi>"));
	assert_non_null(strstr(html, "Send to spam"));
	assert_non_null(strstr(html, "<bdi>maryam</bdi>"));
	buf_free(&res.body);

	/* Refused patterns: 422, the message, the form as typed. */
	app_fixture_admin(f, "POST", "/admin/blocklist", NULL,
	    "action=add&kind=address&pattern=10.0.0.0%2F4&block_action=spam&note=n%C3%B3te", &res);
	assert_int_equal(res.status, 422);
	html = buf_str(&res.body);
	assert_non_null(strstr(html, "This range is too wide"));
	assert_non_null(strstr(html, "value=\"10.0.0.0/4\""));
	assert_non_null(strstr(html, "value=\"nóte\""));
	assert_non_null(strstr(html, "<option value=\"address\" selected>"));
	assert_non_null(strstr(html, "<option value=\"spam\" selected>"));
	buf_free(&res.body);
	static const struct {
		const char *form, *message;
	} bad[] = {
		{ "action=add&kind=word&pattern=%21%21%21&block_action=hold", "at least one letter" },
		{ "action=add&kind=word&pattern=&block_action=hold", "Please enter a pattern" },
		{ "action=add&kind=word&pattern=a%FFb&block_action=hold", "one line" },
		{ "action=add&kind=email&pattern=a%40%40b&block_action=hold", "not an e-mail" },
		{ "action=add&kind=address&pattern=1.2.3.4%2F33&block_action=hold",
		  "not an IP address" },
		{ "action=add&kind=regex&pattern=x&block_action=hold", "not understood" },
		{ "action=add&kind=word&pattern=x&block_action=delete", "not understood" },
		{ "action=add&kind=word&pattern=x%3Cscript%3E&block_action=hold&note="
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		  "The note is too long" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		app_fixture_admin(f, "POST", "/admin/blocklist", NULL, bad[i].form, &res);
		if (res.status != 422 || strstr(buf_str(&res.body), bad[i].message) == NULL)
			fail_msg("%s: %d", bad[i].form, res.status);
		/* Typed text comes back escaped. */
		assert_null(strstr(buf_str(&res.body), "x<script>"));
		buf_free(&res.body);
	}
	/* The same entry in another spelling: 409, kept. */
	app_fixture_admin(f, "POST", "/admin/blocklist", NULL,
	    "action=add&kind=word&pattern=%DA%A9%D9%84%D8%A7%D9%87%D8%A8%D8%B1%D8%AF%D8%A7%D8%B1"
	    "&block_action=hold", &res);
	assert_int_equal(res.status, 409);
	assert_non_null(strstr(buf_str(&res.body), "already on the list"));
	assert_non_null(strstr(buf_str(&res.body), "value=\"کلاهبردار\""));
	buf_free(&res.body);

	/* Removal: by id, audited; a second time 404. */
	struct blocklist_entry e;
	assert_int_equal(store_blocklist_find(f->ctx.store, f->a, BLOCK_WORD, "کلاهبردار", &e),
	    STORE_OK);
	char form[64];
	snprintf(form, sizeof(form), "action=remove&id=%lld", (long long)e.id);
	app_fixture_admin(f, "POST", "/admin/blocklist", NULL, form, &res);
	assert_int_equal(res.status, 303);
	assert_non_null(strstr(app_fixture_header(&res, "Location"), "/blocklist?done=block_removed"));
	buf_free(&res.body);
	app_fixture_admin(f, "POST", "/admin/blocklist", NULL, form, &res);
	assert_int_equal(res.status, 404);
	assert_non_null(strstr(buf_str(&res.body), "There is no such entry."));
	buf_free(&res.body);
	app_fixture_admin(f, "POST", "/admin/blocklist", NULL, "action=remove&id=abc", &res);
	assert_int_equal(res.status, 400);
	buf_free(&res.body);
	app_fixture_admin(f, "POST", "/admin/blocklist", NULL, "action=burn", &res);
	assert_int_equal(res.status, 400);
	buf_free(&res.body);

	struct audit_entry *au;
	size_t n;
	long long total;
	assert_int_equal(store_audit_list(f->ctx.store, f->a, 0, 1, 50, &au, &n, &total),
	    STORE_OK);
	assert_int_equal(n, 3);		/* and the user_add of the fixture */
	assert_string_equal(au[2].action, "user_add");
	assert_string_equal(au[0].action, "block_remove");
	assert_string_equal(au[0].target, "word كـلاه‌بردار");
	assert_string_equal(au[0].before, "spam");
	assert_string_equal(au[0].actor, "maryam");
	assert_string_equal(au[1].action, "block_add");
	assert_string_equal(au[1].target, "word كـلاه‌بردار");
	assert_string_equal(au[1].after, "spam");
	app_fixture_admin(f, "GET", "/admin/audit", NULL, NULL, &res);
	assert_non_null(strstr(buf_str(&res.body), "added to the blocklist"));
	assert_non_null(strstr(buf_str(&res.body), "removed from the blocklist"));
	buf_free(&res.body);

	/* Filters, search and paging. */
	char pat[32];
	for (int i = 0; i < 60; i++) {
		snprintf(pat, sizeof(pat), "word%02d", i);
		app_fixture_block(f, "word", pat, "hold");
	}
	app_fixture_block(f, "email", "@spam.example", "spam");
	app_fixture_admin(f, "GET", "/admin/blocklist", "kind=email", NULL, &res);
	html = buf_str(&res.body);
	assert_non_null(strstr(html, "Entries: 1"));
	assert_non_null(strstr(html, "@spam.example"));
	assert_null(strstr(html, "word01"));
	assert_non_null(strstr(html, "<option value=\"email\" selected>"));
	buf_free(&res.body);
	app_fixture_admin(f, "GET", "/admin/blocklist", "q=WORD0", NULL, &res);
	assert_non_null(strstr(buf_str(&res.body), "Entries: 10"));
	buf_free(&res.body);
	app_fixture_admin(f, "GET", "/admin/blocklist", NULL, NULL, &res);
	html = buf_str(&res.body);
	assert_non_null(strstr(html, "Entries: 61"));
	assert_non_null(strstr(html, "href=\"/comments/admin/blocklist?page=2\""));
	buf_free(&res.body);
	app_fixture_admin(f, "GET", "/admin/blocklist", "kind=word&q=w%C3%B6rd&page=2", NULL, &res);
	assert_int_equal(res.status, 200);
	buf_free(&res.body);

	/* Without the CSRF token, or signed out: nothing changes. */
	char saved[AUTH_TOKEN_TEXT];
	memcpy(saved, f->csrf, sizeof(saved));
	strcpy(f->csrf, "forged");
	app_fixture_admin(f, "POST", "/admin/blocklist", NULL, "action=add&kind=word&pattern=zzz&"
	    "block_action=spam", &res);
	assert_int_equal(res.status, 403);
	buf_free(&res.body);
	memcpy(f->csrf, saved, sizeof(saved));
	strcpy(f->cookie, "nazar_admin=none");
	app_fixture_admin(f, "POST", "/admin/blocklist", NULL, "action=add&kind=word&pattern=zzz&"
	    "block_action=spam", &res);
	assert_int_equal(res.status, 403);
	buf_free(&res.body);
	app_fixture_admin(f, "GET", "/admin/blocklist", NULL, NULL, &res);
	assert_int_equal(res.status, 303);
	buf_free(&res.body);
	assert_int_equal(store_blocklist_find(f->ctx.store, f->a, BLOCK_WORD, "zzz", &e),
	    STORE_NOT_FOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(admin_page, app_fixture_setup_open, app_fixture_teardown),
	};
	return cmocka_run_group_tests_name("admin_blocklist", tests, NULL, NULL);
}
