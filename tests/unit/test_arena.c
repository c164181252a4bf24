/* test_arena.c — the request arena: alignment, zeroing, large one-off
 * allocations, and reset, which a worker calls after every request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"

static bool
all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static void
test_aligned_and_zeroed(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	for (size_t n = 1; n < 300; n += 7) {
		unsigned char *p = arena_alloc(a, n);
		assert_int_equal((uintptr_t)p % 16, 0);
		assert_true(all_zero(p, n));
		memset(p, 0xa5, n);
	}
	/* Larger than a block: its own allocation, the current block kept. */
	unsigned char *big = arena_alloc(a, 100000);
	assert_true(all_zero(big, 100000));
	unsigned char *after = arena_alloc(a, 10);
	assert_true(all_zero(after, 10));
	arena_free(a);
}

/* After a reset the same memory serves again, zeroed as if new. */
static void
test_reset_reuses(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	unsigned char *first = arena_alloc(a, 64);
	memset(first, 0xff, 64);
	for (int i = 0; i < 1000; i++)
		memset(arena_alloc(a, 100), 0xff, 100);
	arena_reset(a, 1 << 20);
	/* Some kept block is handed out again: within the blocks kept, and
	 * every byte zero although all of them were 0xff before. */
	for (int i = 0; i < 1000; i++) {
		unsigned char *p = arena_alloc(a, 100);
		assert_true(all_zero(p, 100));
	}
	arena_free(a);
}

/* keep bounds what stays; large one-offs never stay; keep 0 keeps none.
 * Nothing leaks whatever is kept (AddressSanitizer checks the frees). */
static void
test_reset_bounded(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	for (int round = 0; round < 5; round++) {
		for (int i = 0; i < 2000; i++)
			memset(arena_alloc(a, 48), 0x5a, 48);
		memset(arena_alloc(a, 50000), 0x5a, 50000);
		arena_reset(a, round % 2 ? 0 : 16384);
		unsigned char *p = arena_alloc(a, 8000);
		assert_true(all_zero(p, 8000));
	}
	arena_reset(a, 0);
	arena_free(a);
	arena_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aligned_and_zeroed),
		cmocka_unit_test(test_reset_reuses),
		cmocka_unit_test(test_reset_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
