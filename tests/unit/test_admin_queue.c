/* test_admin_queue.c — the queue page's search, in process: a word in
 * more comments than a search counts says "more than" in the total and
 * the page count and still links the next page, which goes on in order;
 * a rare word is counted exactly, its pages numbered. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "app_fixture.h"
#include "buf.h"
#include "request.h"
#include "store.h"
#include "store_db.h"
#include "store_moderation.h"

/* 1,200 pending comments with "library" (ids 1 to 1,200, oldest first),
 * every hundredth with "saffron" too, through the triggers. */
static void
fill(struct app_fixture *f)
{
	char *err = NULL;
	int rc = sqlite3_exec(f->ctx.store->db, "BEGIN;"
	    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200)"
	    " INSERT INTO comments (id, article, name, email, body, status, created, updated)"
	    " SELECT i, 'news-' || (i % 7), 'Reader ' || i, '',"
	    "  'comment ' || i || ' on the library' ||"
	    "  CASE WHEN i % 100 = 0 THEN ' and saffron' ELSE '' END,"
	    "  'pending', 1699000000 + i, 1699000000 + i FROM n;"
	    "COMMIT;", NULL, NULL, &err);
	if (rc != SQLITE_OK)
		fail_msg("fill: %s", err ? err : sqlite3_errstr(rc));
}

static void
queue_search_pages(void **state)
{
	struct app_fixture *f = *state;
	APP_FIXTURE_NEED(f);
	fill(f);
	struct response res;
	app_fixture_admin(f, "GET", "/admin/queue", "status=pending&q=library", NULL, &res);
	assert_int_equal(res.status, 200);
	const char *html = buf_str(&res.body);
	assert_non_null(strstr(html, "Matching comments: more than 1000</p>"));
	assert_non_null(strstr(html, "/ more than 20</span>"));
	assert_non_null(strstr(html, "page=2\" rel=\"next\""));
	assert_non_null(strstr(html, "id=\"nazar-item-1\""));
	assert_non_null(strstr(html, "id=\"nazar-item-50\""));
	assert_null(strstr(html, "id=\"nazar-item-51\""));
	buf_free(&res.body);

	/* Page 24 (comments 1,151 to 1,200): the last, counted to the end. */
	app_fixture_admin(f, "GET", "/admin/queue", "status=pending&q=library&page=24", NULL,
	    &res);
	assert_int_equal(res.status, 200);
	html = buf_str(&res.body);
	assert_null(strstr(html, "more than"));
	assert_non_null(strstr(html, "24 / 24</span>"));
	assert_null(strstr(html, "rel=\"next\""));
	assert_non_null(strstr(html, "id=\"nazar-item-1151\""));
	assert_non_null(strstr(html, "id=\"nazar-item-1200\""));
	buf_free(&res.body);

	/* A rare word: counted exactly. */
	app_fixture_admin(f, "GET", "/admin/queue", "status=pending&q=saffron", NULL, &res);
	html = buf_str(&res.body);
	assert_non_null(strstr(html, "Matching comments: 12</p>"));
	assert_null(strstr(html, "more than"));
	assert_null(strstr(html, "rel=\"next\""));
	buf_free(&res.body);

	/* A whole tab: its exact count, whatever its size. */
	app_fixture_admin(f, "GET", "/admin/queue", "status=pending", NULL, &res);
	html = buf_str(&res.body);
	assert_non_null(strstr(html, "/ 24</span>"));
	assert_null(strstr(html, "more than"));
	buf_free(&res.body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(queue_search_pages, app_fixture_setup_open,
		    app_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
