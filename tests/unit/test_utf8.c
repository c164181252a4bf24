/* test_utf8.c — the one UTF-8 decoder: hostile sequences, counting,
 * cutting at a boundary and repair. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "utf8.h"

/* A literal with its length, NULs included. */
#define L(s) (const unsigned char *)(s), sizeof(s) - 1

static void
test_decode_boundaries(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		size_t len;
		uint32_t cp;
	} good[] = {
		{ "\x00", 1, 0 }, { "\x7f", 1, 0x7f },
		{ "\xc2\x80", 2, 0x80 }, { "\xdf\xbf", 2, 0x7ff },
		{ "\xe0\xa0\x80", 3, 0x800 }, { "\xed\x9f\xbf", 3, 0xd7ff },
		{ "\xee\x80\x80", 3, 0xe000 }, { "\xef\xbf\xbf", 3, 0xffff },
		{ "\xf0\x90\x80\x80", 4, 0x10000 }, { "\xf4\x8f\xbf\xbf", 4, 0x10ffff },
		{ "\xd8\xb3", 2, 0x633 },	/* س */
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		uint32_t cp = 0xdeadbeef;
		assert_int_equal(utf8_decode((const unsigned char *)good[i].s, good[i].len, &cp),
		    good[i].len);
		assert_int_equal(cp, good[i].cp);
	}
	/* Only the first sequence is read. */
	uint32_t cp = 0;
	assert_int_equal(utf8_decode(L("a\xff"), &cp), 1);
	assert_int_equal(cp, 'a');
	assert_int_equal(utf8_decode(L(""), &cp), 0);
}

static void
test_decode_refuses_hostile(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"\xc0\x80", "\xc1\xbf",			/* overlong 2-byte (NUL, '?') */
		"\xe0\x80\x80", "\xe0\x9f\xbf",		/* overlong 3-byte */
		"\xf0\x80\x80\x80", "\xf0\x8f\xbf\xbf",	/* overlong 4-byte */
		"\xed\xa0\x80", "\xed\xbf\xbf",		/* surrogates D800, DFFF */
		"\xed\xa0\xbd\xed\xb8\x80",		/* a CESU-8 pair */
		"\xf4\x90\x80\x80", "\xf7\xbf\xbf\xbf",	/* above U+10FFFF */
		"\xf8\x88\x80\x80\x80",			/* 5-byte form */
		"\xfc\x84\x80\x80\x80\x80",		/* 6-byte form */
		"\xfe", "\xff",
		"\x80", "\xbf",				/* stray continuation bytes */
		"\xc2", "\xe0\xa0", "\xf0\x90\x80",	/* cut short */
		"\xc2\x41", "\xe2\x82\x41", "\xf0\x9f\x98\x41",	/* not continued */
		"\xc2\xc0", "\xe2\xc0\x80",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint32_t cp = 7;
		assert_int_equal(utf8_decode((const unsigned char *)bad[i], strlen(bad[i]), &cp), 0);
		assert_int_equal(cp, 7);
		assert_false(utf8_valid(bad[i], strlen(bad[i])));
	}
	/* The length bounds the read even where the bytes would go on. */
	uint32_t cp = 7;
	assert_int_equal(utf8_decode((const unsigned char *)"\xd8\xb3", 1, &cp), 0);
	assert_int_equal(utf8_decode((const unsigned char *)"\xf0\x9f\x98\x80", 3, &cp), 0);
	assert_false(utf8_valid("\xd8\xb3", 1));
}

static void
test_valid_and_length(void **state)
{
	(void)state;
	const char *fa = "سلام، دنیا! 😀";
	assert_true(utf8_valid(fa, strlen(fa)));
	assert_int_equal(utf8_length(fa, strlen(fa)), 13);
	assert_true(utf8_valid("", 0));
	assert_int_equal(utf8_length("", 0), 0);
	/* A NUL is a character like any other; callers refuse it. */
	assert_true(utf8_valid("a\0b", 3));
	assert_int_equal(utf8_length("a\0b", 3), 3);
	assert_false(utf8_valid("ok\xc3", 3));
}

/* Cut a Persian string (2-byte letters, a 3-byte ZWNJ, a 4-byte emoji) at
 * every byte: the cut never splits a character and is the longest one. */
static void
test_cut_every_byte(void **state)
{
	(void)state;
	const char *s = "می‌خواهم 😀 نظر";
	size_t len = strlen(s);
	for (size_t max = 0; max <= len + 2; max++) {
		size_t n = utf8_cut(s, len, max);
		assert_true(n <= max && n <= len);
		assert_true(utf8_valid(s, n));
		if (max >= len)
			assert_int_equal(n, len);
		else {
			assert_true(((unsigned char)s[n] & 0xc0) != 0x80);
			for (size_t k = n + 1; k <= max; k++)
				assert_true(((unsigned char)s[k] & 0xc0) == 0x80);
		}
	}
	/* One 4-byte character: nothing fits below 4. */
	for (size_t max = 0; max < 4; max++)
		assert_int_equal(utf8_cut("😀", 4, max), 0);
	assert_int_equal(utf8_cut("😀", 4, 4), 4);
}

static void
test_cut_chars(void **state)
{
	(void)state;
	const char *s = "می‌خواهم 😀 نظر";
	size_t len = strlen(s), chars = utf8_length(s, len);
	for (size_t max = 0; max <= chars + 1; max++) {
		size_t n = utf8_cut_chars(s, len, max);
		assert_true(utf8_valid(s, n));
		assert_int_equal(utf8_length(s, n), max < chars ? max : chars);
	}
	assert_int_equal(utf8_cut_chars("abc", 3, 2), 2);
	assert_int_equal(utf8_cut_chars("abc", 3, 0), 0);
	assert_int_equal(utf8_cut_chars("", 0, 5), 0);
	/* Damaged text is cut before a lead byte only. */
	assert_int_equal(utf8_cut_chars("a\x80\x80" "b", 4, 1), 3);
}

static void
test_append_valid(void **state)
{
	(void)state;
	struct buf b = { 0 };
	utf8_append_valid(&b, "سلام", strlen("سلام"));
	assert_string_equal(buf_str(&b), "سلام");
	buf_reset(&b);
	/* Each bad byte becomes one U+FFFD; what follows is kept. */
	static const char bad[] = "a\xc0\x80" "b\xed\xa0\x80" "c\xf0\x9f";
	utf8_append_valid(&b, bad, sizeof(bad) - 1);
	assert_string_equal(buf_str(&b), "a\xef\xbf\xbd\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd");
	assert_true(utf8_valid(buf_str(&b), b.len));
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_boundaries),
		cmocka_unit_test(test_decode_refuses_hostile),
		cmocka_unit_test(test_valid_and_length),
		cmocka_unit_test(test_cut_every_byte),
		cmocka_unit_test(test_cut_chars),
		cmocka_unit_test(test_append_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
