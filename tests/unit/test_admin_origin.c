/* test_admin_origin.c — the admin's same-origin check (admin_same_origin)
 * against the Host, SERVER_PORT, Origin and Sec-Fetch-Site that nginx
 * passes: with and without the port in Host, on default and other ports,
 * IPv6 literals, and hostile values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "admin.h"
#include "request.h"

static bool
same(const char *host, const char *port, bool https, const char *origin, const char *site)
{
	struct request r = {
		.host = host, .server_port = port, .https = https, .origin = origin,
		.fetch_site = site,
	};
	return admin_same_origin(&r);
}

static void
origin_absent(void **state)
{
	(void)state;
	assert_true(same("news.example", "8080", false, "", ""));
	assert_true(same("news.example", "8080", false, "", "same-origin"));
	assert_true(same("news.example", "8080", false, "", "none"));
	assert_false(same("news.example", "8080", false, "", "cross-site"));
	assert_false(same("news.example", "8080", false, "", "same-site"));
}

/* Debian's fastcgi_params: Host without the port, SERVER_PORT beside it. */
static void
origin_host_without_port(void **state)
{
	(void)state;
	/* On the default port, an Origin without one is ours. */
	assert_true(same("news.example", "80", false, "http://news.example", ""));
	assert_true(same("news.example", "443", true, "https://news.example", ""));
	assert_true(same("NEWS.example", "443", true, "https://news.EXAMPLE", "same-origin"));
	/* On another port it names another server: refused. */
	assert_false(same("news.example", "8080", false, "http://news.example", ""));
	assert_false(same("news.example", "8443", true, "https://news.example", ""));
	assert_false(same("news.example", "443", false, "http://news.example", ""));
	assert_false(same("news.example", "80", true, "https://news.example", ""));
	/* The port in the Origin must be SERVER_PORT. */
	assert_true(same("news.example", "8080", false, "http://news.example:8080", ""));
	assert_false(same("news.example", "8080", false, "http://news.example:8081", ""));
	assert_false(same("news.example", "8080", false, "http://news.example:80800", ""));
	assert_false(same("news.example", "8080", false, "http://news.example:", ""));
	/* Without SERVER_PORT nothing tells: the Origin as Host says. */
	assert_true(same("news.example", "", false, "http://news.example", ""));
	assert_false(same("news.example", "", false, "http://news.example:8080", ""));
}

/* Host with its port, as $http_host passes it. */
static void
origin_host_with_port(void **state)
{
	(void)state;
	assert_true(same("news.example:8080", "8080", false, "http://news.example:8080", ""));
	assert_false(same("news.example:8080", "8080", false, "http://news.example", ""));
	assert_false(same("news.example:8080", "8080", false, "http://news.example:8081", ""));
	assert_true(same("[2001:db8::1]:8080", "8080", false, "http://[2001:db8::1]:8080", ""));
	/* An IPv6 literal without a port is like a name without one. */
	assert_true(same("[2001:db8::1]", "80", false, "http://[2001:db8::1]", ""));
	assert_false(same("[2001:db8::1]", "8080", false, "http://[2001:db8::1]", ""));
	assert_true(same("[2001:db8::1]", "8080", false, "http://[2001:db8::1]:8080", ""));
}

static void
origin_hostile(void **state)
{
	(void)state;
	assert_false(same("news.example", "80", false, "null", ""));
	assert_false(same("news.example", "80", false, "https://news.example", ""));
	assert_false(same("news.example", "443", true, "http://news.example", ""));
	assert_false(same("news.example", "80", false, "http://evil.example", ""));
	assert_false(same("news.example", "80", false, "http://news.example.evil.example", ""));
	assert_false(same("news.example", "80", false, "http://news.example@evil.example", ""));
	assert_false(same("news.example", "80", false, "http://news.example/", ""));
	assert_false(same("news.example", "80", false, "http://", ""));
	assert_false(same("", "80", false, "http://", ""));
	assert_false(same("news.example", "80", false, "http://news.example", "cross-site"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(origin_absent),
		cmocka_unit_test(origin_host_without_port),
		cmocka_unit_test(origin_host_with_port),
		cmocka_unit_test(origin_hostile),
	};
	return cmocka_run_group_tests_name("admin_origin", tests, NULL, NULL);
}
