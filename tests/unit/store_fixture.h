/* store_fixture.h — for the store tests: a fresh database, migrated to the
 * current schema, in a temp directory of its own, with an arena. */
#ifndef NAZAR_TEST_STORE_FIXTURE_H
#define NAZAR_TEST_STORE_FIXTURE_H

struct arena;
struct store;

struct store_fixture {
	char dir[64];		/* /tmp/nazar-NAME-XXXXXX */
	char path[128];		/* dir/nazar.db */
	struct store *st;
	struct arena *a;
};

/* Fails the test (cmocka) when the database cannot be made. */
struct store_fixture *store_fixture_new(const char *name);
/* Closes the store and removes the directory with everything in it. */
void store_fixture_free(struct store_fixture *f);

#endif
