/* test_param.c — reading a request against a parameter table, with hostile
 * input: huge numbers, embedded NULs, repeats, overflow, long texts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "http.h"
#include "param.h"

static bool
short_word(const char *s)
{
	return strspn(s, "abcdefghijklmnopqrstuvwxyz") == strlen(s);
}

static const char *const colours[] = { "red", "green", "blue", NULL };

enum { T_PAGE, T_NAME, T_COLOUR, T_ID, T_VERSION, T_BODY, T_MUST };
static const struct param_spec specs[] = {
	[T_PAGE] = { PARAM("page", PARAM_INT, PARAM_LENIENT), .min = 1, .max = PARAM_PAGE_MAX },
	[T_NAME] = { PARAM("name", PARAM_TEXT, 0), .max = 8, .check = short_word,
	    .error = "name.bad" },
	[T_COLOUR] = { PARAM("colour", PARAM_ENUM, 0), .names = colours },
	[T_ID] = { PARAM("id", PARAM_INT, PARAM_FORM | PARAM_REPEAT | PARAM_UNIQUE), .min = 1,
	    .max = INT64_MAX, .max_count = 3, .over_status = 413 },
	[T_VERSION] = { PARAM("version_", PARAM_INT, PARAM_FORM | PARAM_PREFIX), .min = 1,
	    .max = INT64_MAX, .max_count = 4 },
	[T_BODY] = { PARAM("body", PARAM_TEXT, PARAM_FORM) },
	[T_MUST] = { PARAM("must", PARAM_TEXT, PARAM_REQUIRED) },
};
static const struct param_table table = { PARAM_TABLE(specs), .error = "table.bad" };

static struct arena *a;

/* Reads query and form (urlencoded text) against the table. */
static int
read_qs(const char *query, const char *form, struct params *p, const struct param_spec **bad)
{
	static const struct parse_limits lim = {
		.max_fields = 64, .max_key = 64, .max_value = 1 << 16, .too_long_status = 400,
	};
	struct kvlist q, f;
	assert_int_equal(http_parse_urlencoded(a, query, strlen(query), &lim, &q), 0);
	assert_int_equal(http_parse_urlencoded(a, form, strlen(form), &lim, &f), 0);
	return param_read(a, &table, &q, &f, p, bad);
}

static int
setup(void **state)
{
	(void)state;
	a = arena_new();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	arena_free(a);
	return 0;
}

static void
test_reads_values(void **state)
{
	(void)state;
	struct params p;
	const struct param_spec *bad;
	assert_int_equal(read_qs("must=x&page=3&name=abc&colour=blue&utm_source=news",
	    "id=5&id=7&id=5&version_5=2&version_7=9&body=hi%20there", &p, &bad), 0);
	assert_int_equal(param_int(&p, T_PAGE, 1), 3);
	assert_string_equal(param_str(&p, T_NAME), "abc");
	assert_int_equal(param_int(&p, T_COLOUR, -1), 2);
	/* A repeated equal id is kept once. */
	assert_int_equal(param_count(&p, T_ID), 2);
	assert_int_equal(param_int_at(&p, T_ID, 0), 5);
	assert_int_equal(param_int_at(&p, T_ID, 1), 7);
	assert_int_equal(param_int_for(&p, T_VERSION, 7, 0), 9);
	assert_int_equal(param_int_for(&p, T_VERSION, 5, 0), 2);
	assert_int_equal(param_int_for(&p, T_VERSION, 6, 0), 0);
	assert_string_equal(param_str(&p, T_BODY), "hi there");
	assert_false(param_has(&p, 99));
}

static void
test_absent_and_empty(void **state)
{
	(void)state;
	struct params p;
	const struct param_spec *bad;
	/* Required and absent, or empty: 400 naming it. */
	assert_int_equal(read_qs("", "", &p, &bad), 400);
	assert_ptr_equal(bad, &specs[T_MUST]);
	assert_int_equal(read_qs("must=", "", &p, &bad), 400);
	/* An empty value is no value. */
	assert_int_equal(read_qs("must=x&page=&name=&colour=", "body=", &p, &bad), 0);
	assert_false(param_has(&p, T_PAGE));
	assert_int_equal(param_int(&p, T_PAGE, 1), 1);
	assert_null(param_text(&p, T_NAME));
	assert_string_equal(param_str(&p, T_BODY), "");
	/* Query keys are not form keys, nor the other way round. */
	assert_int_equal(read_qs("must=x&body=q&id=1", "page=2&must=", &p, &bad), 0);
	assert_false(param_has(&p, T_BODY));
	assert_false(param_has(&p, T_ID));
	assert_false(param_has(&p, T_PAGE));
}

static void
test_repeats(void **state)
{
	(void)state;
	struct params p;
	const struct param_spec *bad;
	/* Twice, even with the same value: 400. */
	assert_int_equal(read_qs("must=x&name=ab&name=ab", "", &p, &bad), 400);
	assert_ptr_equal(bad, &specs[T_NAME]);
	assert_int_equal(read_qs("must=x&must=x", "", &p, &bad), 400);
	assert_int_equal(read_qs("must=x&page=1&page=", "", &p, &bad), 400);
	assert_int_equal(read_qs("must=x", "version_3=1&version_3=2", &p, &bad), 400);
	assert_int_equal(read_qs("must=x", "body=a&body=b", &p, &bad), 400);
	/* Too many of a repeatable one: its status. */
	assert_int_equal(read_qs("must=x", "id=1&id=2&id=3&id=4", &p, &bad), 413);
	assert_ptr_equal(bad, &specs[T_ID]);
	assert_int_equal(read_qs("must=x", "version_1=1&version_2=1&version_3=1&version_4=1"
	    "&version_5=1", &p, &bad), 400);
}

static void
test_hostile_numbers(void **state)
{
	(void)state;
	struct params p;
	const struct param_spec *bad;
	static const char *const ids[] = {
		"0", "-1", "+1", " 1", "1 ", "0x10", "1e3", "9223372036854775808",
		"99999999999999999999999999999999", "%D9%A1", "1%0A",
	};
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		char form[128];
		snprintf(form, sizeof(form), "id=%s", ids[i]);
		assert_int_equal(read_qs("must=x", form, &p, &bad), 400);
		assert_ptr_equal(bad, &specs[T_ID]);
	}
	assert_int_equal(read_qs("must=x", "id=9223372036854775807", &p, &bad), 0);
	assert_true(param_int_at(&p, T_ID, 0) == INT64_MAX);
	/* A lenient page that does not fit is page 1, never an error. */
	assert_int_equal(read_qs("must=x&page=100001", "", &p, &bad), 0);
	assert_int_equal(param_int(&p, T_PAGE, 1), 1);
	assert_int_equal(read_qs("must=x&page=99999999999999999999999", "", &p, &bad), 0);
	assert_int_equal(param_int(&p, T_PAGE, 1), 1);
	/* Prefixed keys: only "version_" + a positive id is one of them. */
	assert_int_equal(read_qs("must=x", "version_0=1&version_=1&version_01=1&version_x=1"
	    "&version_99999999999999999999=1&version_5=3", &p, &bad), 0);
	assert_int_equal(param_count(&p, T_VERSION), 1);
	assert_int_equal(param_int_for(&p, T_VERSION, 5, 0), 3);
	assert_int_equal(read_qs("must=x", "version_5=0", &p, &bad), 400);
}

static void
test_texts_and_names(void **state)
{
	(void)state;
	struct params p;
	const struct param_spec *bad;
	assert_int_equal(read_qs("must=x&name=abcdefgh", "", &p, &bad), 0);
	assert_int_equal(read_qs("must=x&name=abcdefghi", "", &p, &bad), 400);
	assert_ptr_equal(bad, &specs[T_NAME]);
	assert_string_equal(bad->error, "name.bad");
	assert_int_equal(read_qs("must=x&name=AB", "", &p, &bad), 400);
	assert_int_equal(read_qs("must=x&colour=Red", "", &p, &bad), 400);
	assert_int_equal(read_qs("must=x&colour=redd", "", &p, &bad), 400);
	/* A huge text without a limit is read as it is. */
	char big[60000];
	memcpy(big, "body=", 5);
	memset(big + 5, 'a', sizeof(big) - 6);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(read_qs("must=x", big, &p, &bad), 0);
	assert_int_equal(strlen(param_str(&p, T_BODY)), sizeof(big) - 6);
}

/* A kvlist as a parser other than http.c might build it: a NUL inside a
 * value (value_len past it) is refused. */
static void
test_embedded_nul(void **state)
{
	(void)state;
	struct kv items[] = {
		{ .key = "must", .value = "x", .value_len = 1 },
		{ .key = "name", .value = "ab\0cd", .value_len = 5 },
	};
	struct kvlist q = { .items = items, .count = 2 };
	struct kvlist f = { 0 };
	struct params p;
	const struct param_spec *bad;
	assert_int_equal(param_read(a, &table, &q, &f, &p, &bad), 400);
	assert_ptr_equal(bad, &specs[T_NAME]);
	items[1].value_len = 2;
	items[1].value = "ab";
	assert_int_equal(param_read(a, &table, &q, &f, &p, &bad), 0);
	/* No lists at all: only the required parameter is missed. */
	assert_int_equal(param_read(a, &table, NULL, NULL, &p, &bad), 400);
	assert_ptr_equal(bad, &specs[T_MUST]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reads_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_absent_and_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_repeats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_texts_and_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_embedded_nul, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
