/* store_fixture.c — see store_fixture.h. */
#include <dirent.h>
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
#include "store.h"
#include "store_fixture.h"

struct store_fixture *
store_fixture_new(const char *name)
{
	struct store_fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	int n = snprintf(f->dir, sizeof(f->dir), "/tmp/nazar-%s-XXXXXX", name);
	assert_true(n > 0 && (size_t)n < sizeof(f->dir));
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/nazar.db", f->dir);
	char err[256];
	assert_int_equal(store_open(f->path, 1000, &f->st, err, sizeof(err)), STORE_OK);
	int from = -1;
	assert_int_equal(store_migrate(f->st, &from, err, sizeof(err)), STORE_OK);
	assert_int_equal(from, 0);
	f->a = arena_new();
	return f;
}

void
store_fixture_free(struct store_fixture *f)
{
	if (f == NULL)
		return;
	store_close(f->st);
	arena_free(f->a);
	/* Whatever a test left there: WAL files, second databases, configs. */
	DIR *d = opendir(f->dir);
	assert_non_null(d);
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char p[sizeof(f->dir) + 256 + 2];
		snprintf(p, sizeof(p), "%s/%s", f->dir, de->d_name);
		(void)unlink(p);
	}
	closedir(d);
	assert_int_equal(rmdir(f->dir), 0);
	free(f);
}
