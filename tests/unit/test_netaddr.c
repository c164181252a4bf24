/* test_netaddr.c — client addresses: IPv4, IPv6, IPv4-mapped IPv6, bad
 * text, prefixes at their edges, ranges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "netaddr.h"

/* s parsed as a client address, masked to prefix, as a range. */
static const char *
grouped(const char *s, int prefix)
{
	static char out[NETADDR_TEXT_MAX];
	unsigned char a[NETADDR_BYTES];
	if (!netaddr_parse_client(s, a))
		return "(bad)";
	netaddr_mask(a, prefix);
	netaddr_range_text(a, prefix, out);
	return out;
}

static void
test_parse_v4_v6(void **state)
{
	(void)state;
	unsigned char a[NETADDR_BYTES];
	static const unsigned char v4[NETADDR_BYTES] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
		203, 0, 113, 7 };
	assert_true(netaddr_parse("203.0.113.7", 11, a));
	assert_memory_equal(a, v4, NETADDR_BYTES);
	assert_true(netaddr_is_v4(a));
	/* IPv4-mapped IPv6 is the same address. */
	assert_true(netaddr_parse_client("::ffff:203.0.113.7", a));
	assert_memory_equal(a, v4, NETADDR_BYTES);
	assert_true(netaddr_parse_client("::FFFF:cb00:7107", a));
	assert_memory_equal(a, v4, NETADDR_BYTES);

	assert_true(netaddr_parse_client("2001:db8::1", a));
	assert_false(netaddr_is_v4(a));
	assert_int_equal(a[0], 0x20);
	assert_int_equal(a[15], 1);
	/* A zone is ignored for a client, refused in plain parsing. */
	assert_true(netaddr_parse_client("fe80::1%eth0", a));
	assert_false(netaddr_parse("fe80::1%eth0", 12, a));
	/* Only len bytes are read. */
	assert_true(netaddr_parse("10.0.0.1xyz", 8, a));
	assert_int_equal(a[15], 1);
}

static void
test_refuses_bad_text(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", " 203.0.113.7", "203.0.113.7 ", "203.0.113", "203.0.113.256", "0x7f.0.0.1",
		"203.0.113.7/24", "[2001:db8::1]", "2001:db8::1::2", "2001:db8:::1", "g::1",
		"localhost", "1.2.3.4.5", "::ffff:1.2.3", "unix:/run/nazar.sock",
		"2001:0db8:0000:0000:0000:0000:0000:0000:0001",
	};
	unsigned char a[NETADDR_BYTES];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(netaddr_parse(bad[i], strlen(bad[i]), a));
		if (strchr(bad[i], '%') == NULL)
			assert_false(netaddr_parse_client(bad[i], a));
	}
	assert_false(netaddr_parse_client(NULL, a));
	assert_false(netaddr_parse("1.2\0.3.4", 8, a));
	/* Longer than any address text. */
	char longer[200];
	memset(longer, '1', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	assert_false(netaddr_parse_client(longer, a));
}

static void
test_mask_and_text(void **state)
{
	(void)state;
	assert_string_equal(grouped("203.0.113.7", 96 + 24), "203.0.113.0/24");
	assert_string_equal(grouped("::ffff:203.0.113.7", 96 + 24), "203.0.113.0/24");
	assert_string_equal(grouped("203.0.113.7", 96 + 32), "203.0.113.7/32");
	assert_string_equal(grouped("203.0.113.7", 96), "0.0.0.0/0");
	assert_string_equal(grouped("203.0.113.255", 96 + 25), "203.0.113.128/25");
	assert_string_equal(grouped("2001:db8:1:2:3:4:5:6", 64), "2001:db8:1:2::/64");
	assert_string_equal(grouped("2001:db8:1:2:3:4:5:6", 128), "2001:db8:1:2:3:4:5:6/128");
	assert_string_equal(grouped("2001:db8:1:2:3:4:5:6", 0), "::/0");
	assert_string_equal(grouped("2001:db8:ffff::", 33), "2001:db8:8000::/33");
	/* A mapped address under /96 is shown as IPv6. */
	assert_string_equal(grouped("203.0.113.7", 80), "::/80");
	/* Out-of-range prefixes: all bits kept, or none. */
	assert_string_equal(grouped("2001:db8::1", 200), "2001:db8::1/200");
	assert_string_equal(grouped("2001:db8::1", -5), "::/-5");

	unsigned char a[NETADDR_BYTES];
	char text[NETADDR_TEXT_MAX];
	assert_true(netaddr_parse_client("::ffff:198.51.100.1", a));
	netaddr_text(a, text);
	assert_string_equal(text, "198.51.100.1");
	assert_true(netaddr_parse_client("2001:DB8:0:0::1", a));
	netaddr_text(a, text);
	assert_string_equal(text, "2001:db8::1");
	/* The longest text fits. */
	assert_true(netaddr_parse_client("ffff:ffff:ffff:ffff:ffff:fffe:255.255.255.255", a));
	netaddr_range_text(a, 128, text);
	assert_true(strlen(text) < NETADDR_TEXT_MAX);
}

static void
test_ranges(void **state)
{
	(void)state;
	unsigned char net[NETADDR_BYTES], a[NETADDR_BYTES];
	int prefix = -1;
	assert_true(netaddr_parse_range("203.0.113.0/24", 14, net, &prefix));
	assert_int_equal(prefix, 96 + 24);
	assert_true(netaddr_parse_client("203.0.113.200", a));
	assert_true(netaddr_in_range(a, net, prefix));
	assert_true(netaddr_parse_client("::ffff:203.0.113.1", a));
	assert_true(netaddr_in_range(a, net, prefix));
	assert_true(netaddr_parse_client("203.0.114.1", a));
	assert_false(netaddr_in_range(a, net, prefix));

	assert_true(netaddr_parse_range("2001:db8::/32", 13, net, &prefix));
	assert_int_equal(prefix, 32);
	assert_true(netaddr_parse_client("2001:db8:ffff::1", a));
	assert_true(netaddr_in_range(a, net, prefix));
	assert_true(netaddr_parse_client("2001:db9::1", a));
	assert_false(netaddr_in_range(a, net, prefix));

	/* Without a prefix: the whole address. */
	assert_true(netaddr_parse_range("198.51.100.7", 12, net, &prefix));
	assert_int_equal(prefix, 128);
	assert_true(netaddr_parse_range("2001:db8::1", 11, net, &prefix));
	assert_int_equal(prefix, 128);
	/* The edges of each family. */
	assert_true(netaddr_parse_range("0.0.0.0/0", 9, net, &prefix));
	assert_int_equal(prefix, 96);
	assert_true(netaddr_parse_range("1.2.3.4/32", 10, net, &prefix));
	assert_int_equal(prefix, 128);
	assert_true(netaddr_parse_range("::/0", 4, net, &prefix));
	assert_int_equal(prefix, 0);
	assert_true(netaddr_parse_range("::1/128", 7, net, &prefix));
	assert_int_equal(prefix, 128);

	static const char *const bad[] = {
		"1.2.3.4/33", "::1/129", "1.2.3.4/", "1.2.3.4/024", "1.2.3.4/-1", "1.2.3.4/+8",
		"1.2.3.4/8/8", "1.2.3.4/ 8", "1.2.3.4/1000", "/24", "1.2.3/24", "::1/0x10",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		prefix = -1;
		assert_false(netaddr_parse_range(bad[i], strlen(bad[i]), net, &prefix));
		assert_int_equal(prefix, -1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_v4_v6),
		cmocka_unit_test(test_refuses_bad_text),
		cmocka_unit_test(test_mask_and_text),
		cmocka_unit_test(test_ranges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
