/* test_route.c — the route table: lookups, 404, 405 with Allow, {id}
 * patterns, the admin area, and the permission of every admin row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "request.h"
#include "route.h"

static void
test_public_lookup(void **state)
{
	(void)state;
	struct route_match m;
	route_find("GET", "/thread", &m);
	assert_non_null(m.route);
	assert_string_equal(m.route->path, "/thread");
	assert_int_equal(m.route->access, ROUTE_PUBLIC);
	assert_non_null(m.route->params);
	route_find("HEAD", "/counts", &m);
	assert_non_null(m.route);
	assert_string_equal(m.route->path, "/counts");
	route_find("POST", "/post", &m);
	assert_non_null(m.route);
	route_find("GET", "/health", &m);
	assert_non_null(m.route);
	assert_false(route_is_admin("/thread"));
	assert_int_equal(route_max_form_fields("/post"), REQUEST_MAX_FIELDS);
	/* The links in mail to readers read no body: a one-click unsubscribe
	 * may POST multipart. */
	assert_int_equal(route_max_form_fields("/unsubscribe"), 0);
	assert_int_equal(route_max_form_fields("/confirm"), 0);
}

static void
test_not_found(void **state)
{
	(void)state;
	static const char *const paths[] = {
		"/", "", "/nothing", "/thread/", "/threadx", "/Thread", "/thread.jsonx",
		"/admin/nothing", "/admin/queue/", "/admin/comments/", "/admin/comments/x",
		"/admin/comments/0", "/admin/comments/007", "/admin/comments/-1",
		"/admin/comments/99999999999999999999999", "/admin/comments/1/delete",
		"/admin/comments/1/edit/", "/admin/comments/1//edit", "/administrator",
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct route_match m;
		route_find("GET", paths[i], &m);
		assert_null(m.route);
		assert_int_equal(m.allow, 0);
		route_find("POST", paths[i], &m);
		assert_null(m.route);
		assert_int_equal(m.allow, 0);
	}
	/* Below /admin/ a 404 is still the admin's (its headers). */
	assert_true(route_is_admin("/admin/nothing"));
	assert_true(route_is_admin("/admin/comments/0"));
	assert_false(route_is_admin("/administrator"));
	assert_false(route_is_admin("/nothing"));
}

static void
test_method_not_allowed(void **state)
{
	(void)state;
	static const struct {
		const char *method, *path, *allow;
	} cases[] = {
		{ "POST", "/thread", "GET, HEAD" },
		{ "GET", "/post", "POST" },
		{ "HEAD", "/post", "POST" },
		{ "GET", "/vote", "POST" },
		{ "GET", "/withdraw", "POST" },
		{ "PUT", "/edit", "GET, HEAD, POST" },
		{ "GET", "/admin/comments/3/revision", "POST" },
		{ "GET", "/admin/comments/3/reset-votes", "POST" },
		{ "GET", "/admin/comments/3/pin", "POST" },
		{ "PUT", "/thread.json", "GET, HEAD" },
		{ "GET", "/admin/login", "POST" },
		{ "GET", "/admin/logout", "POST" },
		{ "POST", "/admin/queue", "GET, HEAD" },
		{ "GET", "/admin/moderate", "POST" },
		{ "POST", "/admin/audit", "GET, HEAD" },
		{ "DELETE", "/admin/users", "GET, HEAD, POST" },
		{ "PUT", "/admin/account", "GET, HEAD, POST" },
		{ "GET", "/admin/account/notify", "POST" },
		{ "PATCH", "/admin/blocklist", "GET, HEAD, POST" },
		{ "POST", "/admin/comments/12", "GET, HEAD" },
		{ "GET", "/admin/comments/12/edit", "POST" },
		{ "GET", "/admin/comments/12/reply", "POST" },
		{ "DELETE", "/admin", "GET, HEAD, POST" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct route_match m;
		route_find(cases[i].method, cases[i].path, &m);
		assert_null(m.route);
		assert_int_not_equal(m.allow, 0);
		assert_string_equal(route_allow_text(m.allow), cases[i].allow);
	}
}

static void
test_patterns(void **state)
{
	(void)state;
	struct route_match m;
	route_find("GET", "/admin/comments/12", &m);
	assert_non_null(m.route);
	assert_string_equal(m.route->path, "/admin/comments/{id}");
	assert_int_equal(m.id, 12);
	route_find("POST", "/admin/comments/9223372036854775807/edit", &m);
	assert_non_null(m.route);
	assert_string_equal(m.route->path, "/admin/comments/{id}/edit");
	assert_true(m.id == INT64_MAX);
	route_find("POST", "/admin/comments/5/reply", &m);
	assert_non_null(m.route);
	assert_string_equal(m.route->path, "/admin/comments/{id}/reply");
	assert_int_equal(m.id, 5);
	route_find("GET", "/admin/comments/9223372036854775808", &m);
	assert_null(m.route);
}

/* Every admin row: its access and permission, as the gate applies them. */
static void
test_admin_permissions(void **state)
{
	(void)state;
	static const struct {
		const char *path;
		unsigned method;
		enum route_access access;
		enum auth_permission perm;
	} want[] = {
		{ "/admin", ROUTE_GET, ROUTE_ADMIN_OPEN, 0 },
		{ "/admin/", ROUTE_GET, ROUTE_ADMIN_OPEN, 0 },
		{ "/admin/login", ROUTE_POST, ROUTE_ADMIN_OPEN, 0 },
		{ "/admin/logout", ROUTE_POST, ROUTE_ADMIN, PERM_MODERATE },
		{ "/admin/overview", ROUTE_GET, ROUTE_ADMIN, PERM_MODERATE },
		{ "/admin/queue", ROUTE_GET, ROUTE_ADMIN, PERM_MODERATE },
		{ "/admin/moderate", ROUTE_POST, ROUTE_ADMIN, PERM_MODERATE },
		{ "/admin/comments/{id}", ROUTE_GET, ROUTE_ADMIN, PERM_MODERATE },
		{ "/admin/comments/{id}/edit", ROUTE_POST, ROUTE_ADMIN, PERM_MODERATE },
		{ "/admin/comments/{id}/reply", ROUTE_POST, ROUTE_ADMIN, PERM_MODERATE },
		{ "/admin/comments/{id}/reset-votes", ROUTE_POST, ROUTE_ADMIN, PERM_MODERATE },
		{ "/admin/comments/{id}/pin", ROUTE_POST, ROUTE_ADMIN, PERM_MODERATE },
		{ "/admin/comments/{id}/revision", ROUTE_POST, ROUTE_ADMIN, PERM_MODERATE },
		{ "/admin/comments/{id}/close-thread", ROUTE_POST, ROUTE_ADMIN, PERM_MODERATE },
		{ "/admin/comments/{id}/open-thread", ROUTE_POST, ROUTE_ADMIN, PERM_MODERATE },
		{ "/admin/users", ROUTE_GET, ROUTE_ADMIN, PERM_MANAGE_USERS },
		{ "/admin/users", ROUTE_POST, ROUTE_ADMIN, PERM_MANAGE_USERS },
		{ "/admin/account", ROUTE_GET, ROUTE_ADMIN, PERM_MODERATE },
		{ "/admin/account", ROUTE_POST, ROUTE_ADMIN, PERM_MODERATE },
		{ "/admin/account/notify", ROUTE_POST, ROUTE_ADMIN, PERM_MODERATE },
		{ "/admin/audit", ROUTE_GET, ROUTE_ADMIN, PERM_MODERATE },
		{ "/admin/blocklist", ROUTE_GET, ROUTE_ADMIN, PERM_MODERATE },
		{ "/admin/blocklist", ROUTE_POST, ROUTE_ADMIN, PERM_MODERATE },
		{ "/admin/outbox", ROUTE_GET, ROUTE_ADMIN, PERM_MANAGE_USERS },
	};
	size_t n, admin_rows = 0;
	const struct route *t = route_table(&n);
	for (size_t i = 0; i < n; i++) {
		bool is_admin = strncmp(t[i].path, "/admin", 6) == 0;
		/* The table alone says which rows are the admin's. */
		assert_int_equal(is_admin, t[i].access != ROUTE_PUBLIC);
		if (!is_admin || t[i].handler == NULL)
			continue;
		admin_rows++;
		bool found = false;
		for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
			if (strcmp(want[k].path, t[i].path) != 0 ||
			    (t[i].methods & want[k].method) == 0)
				continue;
			found = true;
			assert_int_equal(t[i].access, want[k].access);
			if (t[i].access == ROUTE_ADMIN)
				assert_int_equal(t[i].perm, want[k].perm);
		}
		assert_true(found);
	}
	assert_int_equal(admin_rows, sizeof(want) / sizeof(want[0]));
	assert_int_equal(route_max_form_fields("/admin/moderate"), REQUEST_MAX_ADMIN_FIELDS);
	assert_true(route_is_admin("/admin"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_public_lookup),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_method_not_allowed),
		cmocka_unit_test(test_patterns),
		cmocka_unit_test(test_admin_permissions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
