/* test_num.c — the one integer parser: bounds, signs, overflow, junk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "num.h"

static void
test_accepts_plain_digits(void **state)
{
	(void)state;
	int64_t v = -1;
	assert_true(num_parse("0", 0, 10, &v));
	assert_int_equal(v, 0);
	assert_true(num_parse("100000", 1, 100000, &v));
	assert_int_equal(v, 100000);
	assert_true(num_parse("9223372036854775807", 0, INT64_MAX, &v));
	assert_true(v == INT64_MAX);
	assert_true(num_parse("-42", -100, 100, &v));
	assert_int_equal(v, -42);
}

static void
test_refuses_junk(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", " 1", "1 ", "+1", "0x10", "1e3", "1.0", "١٢", "۱۲", "12a", "-", "--1",
		"-0", "9223372036854775808", "99999999999999999999999", "1\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t v = 7;
		assert_false(num_parse(bad[i], INT64_MIN + 1, INT64_MAX, &v));
		assert_int_equal(v, 7);
	}
	int64_t v = 7;
	assert_false(num_parse(NULL, 0, 10, &v));
	assert_false(num_parse("-1", 0, 10, &v));	/* no sign where min >= 0 */
	assert_int_equal(v, 7);
}

static void
test_bounds(void **state)
{
	(void)state;
	int64_t v = 7;
	assert_false(num_parse("0", 1, 10, &v));
	assert_false(num_parse("11", 1, 10, &v));
	assert_false(num_parse("-101", -100, 100, &v));
	assert_true(num_parse("10", 1, 10, &v));
	assert_int_equal(v, 10);
}

static void
test_lengths_and_prefixes(void **state)
{
	(void)state;
	int64_t v = 0;
	/* Only len bytes are read: "12" out of "123". */
	assert_true(num_parse_n("123", 2, 0, 1000, &v));
	assert_int_equal(v, 12);
	assert_false(num_parse_n("12\0" "3", 4, 0, 1000, &v));
	size_t used = 0;
	assert_true(num_parse_prefix("1700000000.abc", 14, 0, INT64_MAX, &v, &used));
	assert_int_equal(v, 1700000000);
	assert_int_equal(used, 10);
	assert_false(num_parse_prefix(".1", 2, 0, 10, &v, &used));
	assert_false(num_parse_prefix("99", 2, 0, 10, &v, &used));
}

/* num_format writes what "%lld" writes, and num_parse reads it back. */
static void
test_format(void **state)
{
	(void)state;
	static const int64_t values[] = { 0, 1, -1, 9, 10, -10, 99, 100, 1700000000,
	    -1700000000, INT64_MAX, INT64_MIN, INT64_MIN + 1, 123456789012345678 };
	char text[NUM_TEXT_MAX], want[32];
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		size_t n = num_format(text, values[i]);
		snprintf(want, sizeof(want), "%lld", (long long)values[i]);
		assert_string_equal(text, want);
		assert_int_equal(n, strlen(want));
		int64_t back = 0;
		if (values[i] == INT64_MIN)
			continue;	/* beyond what num_parse takes */
		assert_true(num_parse(text, INT64_MIN + 1, INT64_MAX, &back));
		assert_true(back == values[i]);
	}
	assert_int_equal(num_format(text, INT64_MIN), NUM_TEXT_MAX - 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_accepts_plain_digits),
		cmocka_unit_test(test_refuses_junk),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_lengths_and_prefixes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
