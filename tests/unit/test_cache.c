/* test_cache.c — what nginx's cache may keep: the rule on its own
 * (response_cache_rule: a 200 to a GET or HEAD of a shared row, no cookie
 * set, no reader cookie sent → "@now"; anything else → "0"), which rows
 * of the table are shared, and the rule as the router applies it to real
 * answers: the thread and its kin with and without the reader cookie, a
 * post, errors, health, the admin pages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "antispam.h"
#include "app_fixture.h"
#include "arena.h"
#include "buf.h"
#include "http.h"
#include "reader.h"
#include "request.h"
#include "route.h"

#define T0 1700000000
#define ART "news-1403-7"

/* The value of X-Accel-Expires, asserting there is exactly one. */
static const char *
accel(const struct response *res)
{
	const char *v = NULL;
	int n = 0;
	for (size_t i = 0; i < res->header_count; i++)
		if (strcmp(res->headers[i].name, "X-Accel-Expires") == 0) {
			v = res->headers[i].value;
			n++;
		}
	assert_int_equal(n, 1);
	return v;
}

/* The rule on one request and answer. */
static const char *
rule(struct arena *a, const char *method, int status, const char *cookie,
    const char *set_cookie, bool shared)
{
	struct request r = { .arena = a, .method = method, .path = "/thread", .now = T0 };
	if (cookie != NULL)
		assert_int_equal(http_parse_cookies(a, cookie, 8192, 64, &r.cookies), 0);
	struct response *res = arena_calloc(a, 1, sizeof(*res));
	res->status = status;
	if (set_cookie != NULL)
		response_header(res, "Set-Cookie", set_cookie);
	response_cache_rule(res, &r, shared);
	return accel(res);
}

static void
rule_alone(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	char until[32];
	snprintf(until, sizeof(until), "@%lld", (long long)T0);
	/* Kept until the request's second ends. */
	assert_string_equal(rule(a, "GET", 200, NULL, NULL, true), until);
	assert_string_equal(rule(a, "HEAD", 200, NULL, NULL, true), until);
	assert_string_equal(rule(a, "GET", 0, NULL, NULL, true), until);	/* 0: 200 */
	/* The site's own cookies change nothing; the reader's does. */
	assert_string_equal(rule(a, "GET", 200, "_ga=GA1.2.3; theme=dark", NULL, true), until);
	assert_string_equal(rule(a, "GET", 200, READER_COOKIE_NAME "=x", NULL, true), "0");
	assert_string_equal(rule(a, "GET", 200, "a=1; " READER_COOKIE_NAME "=", NULL, true), "0");
	/* An answer that sets a cookie is one reader's. */
	assert_string_equal(rule(a, "GET", 200, NULL, "nazar_own=abc; Path=/", true), "0");
	/* Only 200. */
	static const int others[] = { 201, 303, 304, 400, 403, 404, 405, 409, 413, 422, 429,
		500, 503 };
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		assert_string_equal(rule(a, "GET", others[i], NULL, NULL, true), "0");
	/* Only reads. */
	static const char *const methods[] = { "POST", "PUT", "DELETE", "OPTIONS", "get", "" };
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		assert_string_equal(rule(a, methods[i], 200, NULL, NULL, true), "0");
	struct request r = { .arena = a, .method = NULL, .now = T0 };
	struct response res = { .status = 200 };
	response_cache_rule(&res, &r, true);
	assert_string_equal(accel(&res), "0");
	/* Only shared rows. */
	assert_string_equal(rule(a, "GET", 200, NULL, NULL, false), "0");
	arena_free(a);
}

static void
shared_rows(void **state)
{
	(void)state;
	size_t n;
	const struct route *t = route_table(&n);
	size_t shared = 0;
	for (size_t i = 0; i < n; i++) {
		if (t[i].cache != ROUTE_SHARED) {
			assert_int_equal(t[i].cache, ROUTE_PRIVATE);
			continue;
		}
		shared++;
		/* A shared row is a public read. */
		assert_int_equal(t[i].access, ROUTE_PUBLIC);
		assert_int_equal(t[i].methods, ROUTE_GET);
		assert_true(strcmp(t[i].path, "/thread") == 0 ||
		    strcmp(t[i].path, "/thread.json") == 0 || strcmp(t[i].path, "/embed") == 0 ||
		    strcmp(t[i].path, "/counts") == 0 || strcmp(t[i].path, "/latest") == 0 ||
		    strcmp(t[i].path, "/latest.json") == 0 || strcmp(t[i].path, "/count") == 0);
	}
	assert_int_equal(shared, 7);
}

/* A reader's request through the router at f->now: method, path, query,
 * a Cookie header (or NULL), a form body (or NULL). */
static void
reader(struct app_fixture *f, const char *method, const char *path, const char *query,
    const char *cookie, const char *form, struct response *res)
{
	struct request r = {
		.arena = f->a, .method = method, .path = path, .accept = "text/html",
		.content_type = "application/x-www-form-urlencoded", .remote_addr = "203.0.113.10",
		.user_agent = "test", .host = "news.example", .server_port = "", .origin = "",
		.fetch_site = "", .now = f->now,
	};
	struct parse_limits lim = { .max_fields = REQUEST_MAX_FIELDS, .max_key = 64,
	    .max_value = 65536, .too_long_status = 413 };
	if (query != NULL)
		assert_int_equal(http_parse_urlencoded(f->a, query, strlen(query), &lim, &r.query),
		    0);
	if (form != NULL)
		assert_int_equal(http_parse_urlencoded(f->a, form, strlen(form), &lim, &r.form), 0);
	if (cookie != NULL)
		assert_int_equal(http_parse_cookies(f->a, cookie, 8192, 64, &r.cookies), 0);
	memset(res, 0, sizeof(*res));
	res->status = 200;
	route_dispatch(&f->ctx, &r, res);
}

/* The X-Accel-Expires of one reader's request (the body freed). */
static const char *
reader_accel(struct app_fixture *f, const char *method, const char *path, const char *query,
    const char *cookie, int want_status)
{
	struct response res;
	reader(f, method, path, query, cookie, NULL, &res);
	assert_int_equal(res.status, want_status);
	const char *v = arena_strdup(f->a, accel(&res));
	buf_free(&res.body);
	return v;
}

static void
rule_through_router(void **state)
{
	struct app_fixture *f = *state;
	APP_FIXTURE_NEED(f);
	f->now = T0 + 100;
	const char *until = arena_printf(f->a, "@%lld", (long long)f->now);
	const char *q = "article=" ART;
	assert_string_equal(reader_accel(f, "GET", "/thread", q, NULL, 200), until);
	assert_string_equal(reader_accel(f, "HEAD", "/thread", q, NULL, 200), until);
	assert_string_equal(reader_accel(f, "GET", "/embed", q, NULL, 200), until);
	assert_string_equal(reader_accel(f, "GET", "/thread.json", q, NULL, 200), until);
	assert_string_equal(reader_accel(f, "GET", "/counts", q, NULL, 200), until);
	assert_string_equal(reader_accel(f, "GET", "/thread", q, "theme=dark", 200), until);

	/* A post: stored, the reader cookie set; never kept. */
	struct buf b = { 0 };
	app_fixture_field(&b, "article", ART);
	app_fixture_field(&b, "name", "Reader");
	app_fixture_field(&b, "body", "A held comment about the library.");
	app_fixture_field(&b, "token", antispam_token_make(f->a, f->app.secret, ART, f->now - 60));
	struct response res;
	reader(f, "POST", "/post", NULL, NULL, buf_str(&b), &res);
	buf_free(&b);
	assert_int_equal(res.status, 303);
	const char *set = app_fixture_header(&res, "Set-Cookie");
	assert_non_null(set);
	assert_string_equal(accel(&res), "0");
	const char *own = arena_strndup(f->a, set, strcspn(set, ";"));
	buf_free(&res.body);

	/* Its author's thread shows the held comment: never shared. */
	reader(f, "GET", "/thread", q, own, NULL, &res);
	assert_int_equal(res.status, 200);
	assert_non_null(strstr(buf_str(&res.body), "A held comment about the library."));
	assert_string_equal(accel(&res), "0");
	buf_free(&res.body);
	assert_string_equal(reader_accel(f, "GET", "/thread.json", q, own, 200), "0");
	assert_string_equal(reader_accel(f, "GET", "/embed", q, own, 200), "0");
	/* Everybody else's does not. */
	reader(f, "GET", "/thread", q, NULL, NULL, &res);
	assert_null(strstr(buf_str(&res.body), "A held comment about the library."));
	assert_string_equal(accel(&res), until);
	buf_free(&res.body);

	/* Errors, health, methods, unknown paths. */
	assert_string_equal(reader_accel(f, "GET", "/thread", "article=", NULL, 400), "0");
	assert_string_equal(reader_accel(f, "GET", "/thread", NULL, NULL, 400), "0");
	assert_string_equal(reader_accel(f, "POST", "/thread", q, NULL, 405), "0");
	assert_string_equal(reader_accel(f, "GET", "/post", NULL, NULL, 405), "0");
	assert_string_equal(reader_accel(f, "GET", "/nothing", NULL, NULL, 404), "0");
	assert_string_equal(reader_accel(f, "GET", "/health", NULL, NULL, 200), "0");
	/* What request_read refused. */
	struct request r = { .arena = f->a, .method = "GET", .path = "/thread", .accept = "",
	    .now = f->now };
	memset(&res, 0, sizeof(res));
	route_refused(&f->ctx, &r, &res, 400);
	assert_string_equal(accel(&res), "0");
	buf_free(&res.body);

	/* The admin area: signed in or not. */
	assert_string_equal(reader_accel(f, "GET", "/admin/", NULL, NULL, 200), "0");
	assert_string_equal(reader_accel(f, "GET", "/admin/queue", NULL, NULL, 303), "0");
	app_fixture_sign_in(f, "maryam", "Maryam", ROLE_ADMIN, f->now);
	app_fixture_admin(f, "GET", "/admin/queue", NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	assert_string_equal(accel(&res), "0");
	buf_free(&res.body);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rule_alone),
		cmocka_unit_test(shared_rows),
		cmocka_unit_test_setup_teardown(rule_through_router, app_fixture_setup,
		    app_fixture_teardown),
	};
	return cmocka_run_group_tests_name("cache", tests, NULL, NULL);
}
