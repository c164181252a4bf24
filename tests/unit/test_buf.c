/* test_buf.c — the growable buffer: appending, formatting, and reading a
 * whole file within a limit (missing, too large, empty, exactly the limit,
 * not a regular file). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "arena.h"
#include "buf.h"

/* A private directory for the files of one test. */
struct dir {
	char path[64];
};

static int
setup(void **state)
{
	struct dir *d = calloc(1, sizeof(*d));
	if (d == NULL)
		return -1;
	snprintf(d->path, sizeof(d->path), "/tmp/nazar-test-buf.XXXXXX");
	if (mkdtemp(d->path) == NULL) {
		free(d);
		return -1;
	}
	*state = d;
	return 0;
}

static int
teardown(void **state)
{
	static const char *const names[] = { "big", "empty", "one", "exact" };
	struct dir *d = *state;
	char path[128];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", d->path, names[i]);
		(void)unlink(path);
	}
	int rc = rmdir(d->path);
	free(d);
	return rc;
}

/* Writes len bytes of 'x' to name (one of those teardown removes) in the
 * test's directory; its path. */
static const char *
make_file(struct dir *d, const char *name, size_t len)
{
	static char path[128];
	snprintf(path, sizeof(path), "%s/%s", d->path, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(fputc('x', f), 'x');
	assert_int_equal(fclose(f), 0);
	return path;
}

static void
test_append_and_printf(void **state)
{
	(void)state;
	struct buf b = { 0 };
	assert_string_equal(buf_str(&b), "");
	buf_puts(&b, "abc");
	buf_putc(&b, '-');
	buf_printf(&b, "%d/%s", 42, "x");
	assert_string_equal(buf_str(&b), "abc-42/x");
	assert_int_equal(b.len, 8);
	/* Past the first allocation. */
	for (int i = 0; i < 100; i++)
		buf_printf(&b, "%08d", i);
	assert_int_equal(b.len, 808);
	assert_int_equal(strlen(b.data), 808);
	buf_reset(&b);
	assert_string_equal(buf_str(&b), "");
	buf_free(&b);
	assert_null(b.data);
}

static void
test_arena_printf(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	assert_string_equal(arena_printf(a, "%s=%lld", "n", 12345678901LL), "n=12345678901");
	assert_string_equal(arena_printf(a, "%s", ""), "");
	arena_free(a);
}

static void
test_read_missing(void **state)
{
	struct dir *d = *state;
	char path[128], err[256] = "";
	snprintf(path, sizeof(path), "%s/none", d->path);
	struct buf b = { 0 };
	assert_int_equal(buf_read_file(&b, path, 100, err, sizeof(err)), -1);
	assert_null(b.data);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "No such file"));
	/* No room for a message is no harm. */
	assert_int_equal(buf_read_file(&b, path, 100, NULL, 0), -1);
}

static void
test_read_too_large(void **state)
{
	struct dir *d = *state;
	char err[256] = "";
	const char *path = make_file(d, "big", 101);
	struct buf b = { 0 };
	buf_puts(&b, "old");
	assert_int_equal(buf_read_file(&b, path, 100, err, sizeof(err)), -1);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	char want[200];
	snprintf(want, sizeof(want), "%s: larger than 100 bytes", path);
	assert_string_equal(err, want);
}

static void
test_read_empty(void **state)
{
	struct dir *d = *state;
	char err[256] = "";
	const char *path = make_file(d, "empty", 0);
	struct buf b = { 0 };
	assert_int_equal(buf_read_file(&b, path, 100, err, sizeof(err)), 0);
	assert_non_null(b.data);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	buf_free(&b);
	/* A limit of 0 takes an empty file, and nothing more. */
	assert_int_equal(buf_read_file(&b, path, 0, err, sizeof(err)), 0);
	buf_free(&b);
	path = make_file(d, "one", 1);
	assert_int_equal(buf_read_file(&b, path, 0, err, sizeof(err)), -1);
}

static void
test_read_exact_limit(void **state)
{
	struct dir *d = *state;
	char err[256] = "";
	/* Larger than the buffer's first allocation, so it grows. */
	const char *path = make_file(d, "exact", 5000);
	struct buf b = { 0 };
	buf_puts(&b, "replaced");
	assert_int_equal(buf_read_file(&b, path, 5000, err, sizeof(err)), 0);
	assert_int_equal(b.len, 5000);
	assert_int_equal(strlen(b.data), 5000);
	assert_int_equal(b.data[0], 'x');
	assert_int_equal(b.data[4999], 'x');
	buf_free(&b);
	assert_int_equal(buf_read_file(&b, path, 4999, err, sizeof(err)), -1);
	assert_null(b.data);
}

static void
test_read_not_regular(void **state)
{
	struct dir *d = *state;
	char err[256] = "";
	struct buf b = { 0 };
	assert_int_equal(buf_read_file(&b, d->path, 100, err, sizeof(err)), -1);
	char want[200];
	snprintf(want, sizeof(want), "%s: not a regular file", d->path);
	assert_string_equal(err, want);
	assert_int_equal(buf_read_file(&b, "/dev/null", 100, err, sizeof(err)), -1);
	assert_string_equal(err, "/dev/null: not a regular file");
	assert_null(b.data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_and_printf),
		cmocka_unit_test(test_arena_printf),
		cmocka_unit_test_setup_teardown(test_read_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_exact_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_not_regular, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
