/* test_store_blocklist.c — the blocklist in SQLite and in use: entries
 * added, refused as duplicates in another spelling, removed, listed and
 * searched; the generation the triggers keep; the workers' cache reloading
 * only on a change and keeping a list alive while it is in use; and the
 * screen a post goes through, with entries added on the admin page. The
 * post handler's verdicts are tested in test_post.c, the admin page in
 * test_admin_blocklist.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "blocklist.h"
#include "blocklist_cache.h"
#include "buf.h"
#include "store.h"
#include "store_blocklist.h"
#include "store_db.h"
#include "store_fixture.h"
#include "app_fixture.h"

#define T0 1700000000

static void
exec_sql(struct store *st, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
}

static void
remove_dir(const char *dir)
{
	static const char *const names[] = { "nazar.db", "nazar.db-wal", "nazar.db-shm",
	    "nazar.conf" };
	char p[256];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		(void)unlink(p);
	}
	assert_int_equal(rmdir(dir), 0);
}

/* --- the store --- */


static int
setup(void **state)
{
	*state = store_fixture_new("blocklist");
	return 0;
}

static int
teardown(void **state)
{
	store_fixture_free(*state);
	return 0;
}

/* Who changes the list in these tests. */
static const struct actor maryam = { 0, "maryam", "192.0.2.1" };

/* Adds a pattern as a moderator would (normalized first). */
static enum store_result
add(struct store_fixture *f, enum blocklist_kind k, const char *pattern, enum blocklist_action act,
    const char *note, int64_t *id)
{
	const char *clean, *folded;
	assert_int_equal(blocklist_normalize(f->a, k, pattern, &clean, &folded), BLOCK_PATTERN_OK);
	const struct blocklist_entry e = {
		.kind = k, .action = act, .pattern = (char *)clean, .folded = (char *)folded,
		.note = (char *)note, .created = T0, .created_by = (char *)"maryam",
	};
	return store_blocklist_add(f->st, &e, &maryam, id);
}

static int64_t
generation(struct store_fixture *f)
{
	int64_t g = -1;
	assert_int_equal(store_blocklist_generation(f->st, &g), STORE_OK);
	return g;
}

static void
add_get_remove(void **state)
{
	struct store_fixture *f = *state;
	assert_int_equal(generation(f), 0);
	int64_t id1, id2, id3;
	assert_int_equal(add(f, BLOCK_WORD, "كلاهبردار", BLOCK_SPAM, "کلاهبرداری تلفنی", &id1),
	    STORE_OK);
	assert_true(id1 > 0);
	assert_int_equal(generation(f), 1);
	struct blocklist_entry e;
	assert_int_equal(store_blocklist_get(f->st, f->a, id1, &e), STORE_OK);
	assert_int_equal(e.id, id1);
	assert_int_equal(e.kind, BLOCK_WORD);
	assert_int_equal(e.action, BLOCK_SPAM);
	assert_string_equal(e.pattern, "كلاهبردار");	/* as typed */
	assert_string_equal(e.folded, "کلاهبردار");
	assert_string_equal(e.note, "کلاهبرداری تلفنی");
	assert_int_equal(e.created, T0);
	assert_string_equal(e.created_by, "maryam");

	/* The same entry in another spelling is a duplicate, per kind. */
	int64_t dup = 99;
	assert_int_equal(add(f, BLOCK_WORD, "کلاه‌بردار", BLOCK_HOLD, NULL, &dup), STORE_CONFLICT);
	assert_int_equal(dup, 0);
	assert_int_equal(add(f, BLOCK_WORD, "كـلاهـبـردار", BLOCK_HOLD, NULL, &dup),
	    STORE_CONFLICT);
	assert_int_equal(generation(f), 1);	/* nothing written */
	assert_int_equal(add(f, BLOCK_EMAIL, "@Example.com", BLOCK_HOLD, NULL, &id2), STORE_OK);
	assert_int_equal(add(f, BLOCK_EMAIL, "example.com.", BLOCK_SPAM, NULL, &dup),
	    STORE_CONFLICT);
	assert_int_equal(add(f, BLOCK_ADDRESS, "203.0.113.9/24", BLOCK_HOLD, "", &id3), STORE_OK);
	assert_int_equal(add(f, BLOCK_ADDRESS, "::ffff:203.0.113.0/120", BLOCK_HOLD, "", &dup),
	    STORE_CONFLICT);
	/* A word may be spelled like a domain: another kind, no conflict. */
	int64_t id4;
	assert_int_equal(add(f, BLOCK_WORD, "example", BLOCK_HOLD, NULL, &id4), STORE_OK);
	assert_int_equal(generation(f), 4);

	assert_int_equal(store_blocklist_find(f->st, f->a, BLOCK_ADDRESS, "203.0.113.0/24", &e),
	    STORE_OK);
	assert_int_equal(e.id, id3);
	assert_string_equal(e.pattern, "203.0.113.9/24");
	assert_int_equal(store_blocklist_find(f->st, f->a, BLOCK_WORD, "203.0.113.0/24", &e),
	    STORE_NOT_FOUND);
	assert_int_equal(store_blocklist_find(f->st, f->a, BLOCK_KIND__MAX, "x", &e),
	    STORE_NOT_FOUND);

	struct blocklist_entry gone;
	assert_int_equal(store_blocklist_remove(f->st, f->a, id1, &maryam, T0, &gone), STORE_OK);
	assert_int_equal(gone.id, id1);
	assert_string_equal(gone.pattern, "كلاهبردار");
	assert_int_equal(gone.action, BLOCK_SPAM);
	assert_int_equal(generation(f), 5);
	assert_int_equal(store_blocklist_get(f->st, f->a, id1, &e), STORE_NOT_FOUND);
	assert_int_equal(store_blocklist_remove(f->st, f->a, id1, &maryam, T0, &gone), STORE_NOT_FOUND);
	assert_int_equal(gone.id, 0);
	assert_int_equal(generation(f), 5);
	/* Once removed, it can be added again. */
	assert_int_equal(add(f, BLOCK_WORD, "کلاهبردار", BLOCK_HOLD, NULL, &id1), STORE_OK);

	/* Incomplete entries are refused before any SQL. */
	struct blocklist_entry bad = { .kind = BLOCK_WORD, .action = BLOCK_HOLD,
	    .pattern = (char *)"x", .folded = (char *)"" };
	int64_t id;
	assert_int_equal(store_blocklist_add(f->st, &bad, &maryam, &id), STORE_ERROR);
	bad.folded = (char *)"x";
	bad.kind = BLOCK_KIND__MAX;
	assert_int_equal(store_blocklist_add(f->st, &bad, &maryam, &id), STORE_ERROR);
	/* The table's own checks stand behind the code's. */
	assert_int_not_equal(sqlite3_exec(f->st->db, "INSERT INTO blocklist (kind, pattern, "
	    "folded, action, created) VALUES ('regex', 'x', 'x', 'hold', 0)", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(f->st->db, "INSERT INTO blocklist (kind, pattern, "
	    "folded, action, created) VALUES ('word', 'x', 'x', 'delete', 0)", NULL, NULL, NULL),
	    SQLITE_OK);
}

/* A change to the list and its audit row commit together, or neither. */
static void
changes_audited(void **state)
{
	struct store_fixture *f = *state;
	struct audit_entry *rows;
	size_t n;
	long long total;
	int64_t id;
	assert_int_equal(add(f, BLOCK_WORD, "Spam", BLOCK_SPAM, "تبلیغ", &id), STORE_OK);
	assert_int_equal(store_audit_list(f->st, f->a, 0, 1, 10, &rows, &n, &total), STORE_OK);
	assert_int_equal(total, 1);
	assert_string_equal(rows[0].action, "block_add");
	assert_string_equal(rows[0].actor, "maryam");
	assert_string_equal(rows[0].remote_addr, "192.0.2.1");
	assert_string_equal(rows[0].target, "word Spam");
	assert_string_equal(rows[0].before, "");
	assert_string_equal(rows[0].after, "spam");
	assert_string_equal(rows[0].reason, "تبلیغ");
	assert_int_equal(rows[0].at, T0);
	/* A duplicate writes nothing. */
	int64_t dup;
	assert_int_equal(add(f, BLOCK_WORD, "spam", BLOCK_HOLD, NULL, &dup), STORE_CONFLICT);
	struct blocklist_entry gone;
	assert_int_equal(store_blocklist_remove(f->st, f->a, id, &maryam, T0 + 9, &gone),
	    STORE_OK);
	assert_int_equal(store_audit_list(f->st, f->a, 0, 1, 10, &rows, &n, &total), STORE_OK);
	assert_int_equal(total, 2);
	assert_string_equal(rows[0].action, "block_remove");
	assert_string_equal(rows[0].target, "word Spam");
	assert_string_equal(rows[0].before, "spam");
	assert_string_equal(rows[0].after, "");
	assert_int_equal(rows[0].at, T0 + 9);
	assert_int_equal(store_blocklist_remove(f->st, f->a, id, &maryam, T0, &gone),
	    STORE_NOT_FOUND);
	assert_int_equal(generation(f), 2);

	/* The audit row cannot be written (no user 99): the change is undone. */
	const struct actor ghost = { 99, "ghost", "" };
	const char *clean, *folded;
	assert_int_equal(blocklist_normalize(f->a, BLOCK_WORD, "x", &clean, &folded),
	    BLOCK_PATTERN_OK);
	const struct blocklist_entry e = { .kind = BLOCK_WORD, .action = BLOCK_HOLD,
	    .pattern = (char *)clean, .folded = (char *)folded, .created = T0 };
	assert_int_equal(store_blocklist_add(f->st, &e, &ghost, &id), STORE_ERROR);
	assert_int_equal(id, 0);
	assert_int_equal(generation(f), 2);
	assert_int_equal(store_blocklist_add(f->st, &e, NULL, &id), STORE_ERROR);
	assert_int_equal(store_blocklist_add(f->st, &e, &maryam, &id), STORE_OK);
	assert_int_equal(store_blocklist_get(f->st, f->a, id, &gone), STORE_OK);
	assert_string_equal(gone.created_by, "maryam");	/* who's name by default */
	assert_int_equal(store_blocklist_remove(f->st, f->a, id, &ghost, T0, &gone), STORE_ERROR);
	assert_int_equal(store_blocklist_remove(f->st, f->a, id, NULL, T0, &gone), STORE_ERROR);
	assert_int_equal(store_blocklist_get(f->st, f->a, id, &gone), STORE_OK);
	assert_int_equal(store_audit_list(f->st, f->a, 0, 1, 10, &rows, &n, &total), STORE_OK);
	assert_int_equal(total, 3);
	assert_string_equal(rows[0].action, "block_add");
}

static void
list_and_search(void **state)
{
	struct store_fixture *f = *state;
	int64_t id;
	char p[64];
	for (int i = 0; i < 120; i++) {
		snprintf(p, sizeof(p), "spamword%03d", i);
		assert_int_equal(add(f, BLOCK_WORD, p, i % 2 ? BLOCK_SPAM : BLOCK_HOLD,
		    i == 7 ? "50% off, 100_percent" : "", &id), STORE_OK);
	}
	assert_int_equal(add(f, BLOCK_WORD, "كلاهبردار", BLOCK_HOLD, "تلفنی", &id), STORE_OK);
	assert_int_equal(add(f, BLOCK_EMAIL, "bot@Spam.example", BLOCK_SPAM, NULL, &id), STORE_OK);
	assert_int_equal(add(f, BLOCK_ADDRESS, "2001:db8::/32", BLOCK_HOLD, NULL, &id), STORE_OK);

	struct blocklist_entry *e;
	size_t n;
	long long total;
	assert_int_equal(store_blocklist_list(f->st, f->a, -1, NULL, 1, 50, &e, &n, &total),
	    STORE_OK);
	assert_int_equal(total, 123);
	assert_int_equal(n, 50);
	assert_string_equal(e[0].pattern, "2001:db8::/32");	/* newest first */
	assert_string_equal(e[3].pattern, "spamword119");
	assert_int_equal(store_blocklist_list(f->st, f->a, -1, "", 3, 50, &e, &n, &total),
	    STORE_OK);
	assert_int_equal(n, 23);
	assert_string_equal(e[22].pattern, "spamword000");
	assert_int_equal(store_blocklist_list(f->st, f->a, -1, NULL, 4, 50, &e, &n, &total),
	    STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(total, 123);

	/* By kind. */
	assert_int_equal(store_blocklist_list(f->st, f->a, BLOCK_EMAIL, NULL, 1, 50, &e, &n,
	    &total), STORE_OK);
	assert_int_equal(total, 1);
	assert_string_equal(e[0].folded, "bot@spam.example");
	assert_int_equal(store_blocklist_list(f->st, f->a, BLOCK_ADDRESS, NULL, 1, 50, &e, &n,
	    &total), STORE_OK);
	assert_int_equal(total, 1);

	/* Search: the pattern as typed, without ASCII case; the folding, so
	 * another spelling finds it; the note; % and _ are plain. */
	assert_int_equal(store_blocklist_list(f->st, f->a, -1, "SPAMWORD11", 1, 50, &e, &n,
	    &total), STORE_OK);
	assert_int_equal(total, 10);
	assert_int_equal(store_blocklist_list(f->st, f->a, -1, "کلاه‌بردار", 1, 50, &e, &n,
	    &total), STORE_OK);
	assert_int_equal(total, 1);
	assert_string_equal(e[0].pattern, "كلاهبردار");
	assert_int_equal(store_blocklist_list(f->st, f->a, -1, "تلفنی", 1, 50, &e, &n, &total),
	    STORE_OK);
	assert_int_equal(total, 1);
	assert_int_equal(store_blocklist_list(f->st, f->a, -1, "50% OFF", 1, 50, &e, &n, &total),
	    STORE_OK);
	assert_int_equal(total, 1);
	assert_string_equal(e[0].pattern, "spamword007");
	assert_int_equal(store_blocklist_list(f->st, f->a, -1, "0_p", 1, 50, &e, &n, &total),
	    STORE_OK);
	assert_int_equal(total, 1);
	assert_int_equal(store_blocklist_list(f->st, f->a, -1, "%", 1, 50, &e, &n, &total),
	    STORE_OK);
	assert_int_equal(total, 1);
	assert_int_equal(store_blocklist_list(f->st, f->a, BLOCK_EMAIL, "spamword", 1, 50, &e, &n,
	    &total), STORE_OK);
	assert_int_equal(total, 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_blocklist_list(f->st, f->a, -1, "db8::", 1, 50, &e, &n, &total),
	    STORE_OK);
	assert_int_equal(total, 1);
	/* Hostile queries: SQL, long, invalid UTF-8. */
	assert_int_equal(store_blocklist_list(f->st, f->a, -1, "') OR 1=1 --", 1, 50, &e, &n,
	    &total), STORE_OK);
	assert_int_equal(total, 0);
	char big[5000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(store_blocklist_list(f->st, f->a, -1, big, 1, 50, &e, &n, &total),
	    STORE_OK);
	assert_int_equal(total, 0);
	assert_int_equal(store_blocklist_list(f->st, f->a, -1, "\xff\xfe", 1, 50, &e, &n, &total),
	    STORE_OK);
	/* Bad paging is refused. */
	assert_int_equal(store_blocklist_list(f->st, f->a, -1, NULL, 0, 50, &e, &n, &total),
	    STORE_ERROR);
	assert_int_equal(store_blocklist_list(f->st, f->a, -1, NULL, 1, 0, &e, &n, &total),
	    STORE_ERROR);
	assert_int_equal(store_blocklist_list(f->st, f->a, -1, NULL, 1,
	    STORE_BLOCKLIST_MAX_PER_PAGE + 1, &e, &n, &total), STORE_ERROR);
	assert_int_equal(store_blocklist_list(f->st, f->a, BLOCK_KIND__MAX, NULL, 1, 50, &e, &n,
	    &total), STORE_ERROR);
	assert_null(e);
	assert_int_equal(n, 0);
}

static void
load_all(void **state)
{
	struct store_fixture *f = *state;
	struct blocklist_entry *e;
	size_t n;
	int64_t gen = -1;
	assert_int_equal(store_blocklist_load(f->st, f->a, &e, &n, &gen), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(gen, 0);
	int64_t id;
	assert_int_equal(add(f, BLOCK_WORD, "b", BLOCK_HOLD, NULL, &id), STORE_OK);
	assert_int_equal(add(f, BLOCK_WORD, "a", BLOCK_SPAM, NULL, &id), STORE_OK);
	/* A row edited by hand into nonsense is skipped, not fatal; the
	 * edit raised the generation like any other. */
	exec_sql(f->st, "PRAGMA ignore_check_constraints = 1;"
	    "UPDATE blocklist SET action = 'nonsense' WHERE pattern = 'b';"
	    "PRAGMA ignore_check_constraints = 0;");
	assert_int_equal(store_blocklist_load(f->st, f->a, &e, &n, &gen), STORE_OK);
	assert_int_equal(gen, 3);
	assert_int_equal(n, 1);
	assert_string_equal(e[0].pattern, "a");
	assert_int_equal(e[0].action, BLOCK_SPAM);
}

/* --- the cache --- */

static void
cache_follows_generation(void **state)
{
	struct store_fixture *f = *state;
	struct blocklist_cache *bc = blocklist_cache_new();
	const struct blocklist *l0 = blocklist_cache_acquire(bc, f->st, T0);
	assert_int_equal(blocklist_size(l0), 0);
	const struct blocklist *l0b = blocklist_cache_acquire(bc, f->st, T0);
	assert_ptr_equal(l0, l0b);
	blocklist_cache_release(bc, l0b);

	int64_t id;
	assert_int_equal(add(f, BLOCK_WORD, "casino", BLOCK_HOLD, NULL, &id), STORE_OK);
	/* A second connection, like another worker's, sees the change. */
	struct store *other;
	char err[256];
	assert_int_equal(store_open(f->path, 1000, &other, err, sizeof(err)), STORE_OK);
	const struct blocklist *l1 = blocklist_cache_acquire(bc, other, T0);
	assert_ptr_not_equal(l1, l0);
	assert_int_equal(blocklist_size(l1), 1);
	struct blocklist_match m;
	const struct blocklist_subject s = { .body = "best CASINO in town" };
	assert_true(blocklist_match(l1, &s, &m));
	/* The old list is still whole for whoever holds it. */
	assert_int_equal(blocklist_size(l0), 0);
	assert_false(blocklist_match(l0, &s, &m));
	blocklist_cache_release(bc, l0);
	/* Unchanged: the same list, nothing reloaded. */
	const struct blocklist *l1b = blocklist_cache_acquire(bc, f->st, T0);
	assert_ptr_equal(l1, l1b);
	blocklist_cache_release(bc, l1b);
	blocklist_cache_release(bc, l1);

	/* A removal is seen too. */
	struct blocklist_entry gone;
	assert_int_equal(store_blocklist_remove(f->st, f->a, id, &maryam, T0, &gone), STORE_OK);
	const struct blocklist *l2 = blocklist_cache_acquire(bc, other, T0);
	assert_int_equal(blocklist_size(l2), 0);
	assert_false(blocklist_match(l2, &s, &m));
	blocklist_cache_release(bc, l2);
	store_close(other);
	blocklist_cache_free(bc);
}

static void
cache_survives_a_broken_database(void **state)
{
	struct store_fixture *f = *state;
	struct blocklist_cache *bc = blocklist_cache_new();
	int64_t id;
	assert_int_equal(add(f, BLOCK_WORD, "casino", BLOCK_HOLD, NULL, &id), STORE_OK);
	const struct blocklist *l = blocklist_cache_acquire(bc, f->st, T0);
	assert_int_equal(blocklist_size(l), 1);
	blocklist_cache_release(bc, l);
	/* The table gone (a damaged database): the last list is kept. */
	exec_sql(f->st, "ALTER TABLE blocklist RENAME TO blocklist_away;"
	    "UPDATE settings SET value = 77 WHERE key = 'blocklist_generation';");
	l = blocklist_cache_acquire(bc, f->st, T0);
	assert_int_equal(blocklist_size(l), 1);
	blocklist_cache_release(bc, l);
	/* Not tried again at once … */
	exec_sql(f->st, "ALTER TABLE blocklist_away RENAME TO blocklist;");
	l = blocklist_cache_acquire(bc, f->st, T0 + 5);
	assert_int_equal(blocklist_size(l), 1);
	blocklist_cache_release(bc, l);
	exec_sql(f->st, "DELETE FROM blocklist;");
	l = blocklist_cache_acquire(bc, f->st, T0 + 9);
	assert_int_equal(blocklist_size(l), 1);
	blocklist_cache_release(bc, l);
	/* … but after the pause. */
	l = blocklist_cache_acquire(bc, f->st, T0 + 10);
	assert_int_equal(blocklist_size(l), 0);
	blocklist_cache_release(bc, l);
	blocklist_cache_free(bc);
}

static void
cache_without_the_table(void **state)
{
	(void)state;
	/* A database at schema 4: no generation, an empty list, no error. */
	char dir[64] = "/tmp/nazar-blocklist4-XXXXXX", path[128], err[256];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/nazar.db", dir);
	struct store *st;
	assert_int_equal(store_open(path, 1000, &st, err, sizeof(err)), STORE_OK);
	int from;
	assert_int_equal(store_migrate(st, &from, err, sizeof(err)), STORE_OK);
	struct blocklist_cache *bc = blocklist_cache_new();
	const struct blocklist *l = blocklist_cache_acquire(bc, st, T0);
	assert_int_equal(blocklist_size(l), 0);
	blocklist_cache_release(bc, l);
	blocklist_cache_free(bc);
	store_close(st);
	remove_dir(dir);
}

/* Workers with their own connections use one cache while the list
 * changes under them: each sees a whole list of some generation, never a
 * torn or freed one (ASan would see a use after free). */
struct worker {
	const char *path;
	struct blocklist_cache *bc;
	int seen_max;
	int bad;
};

static void *
worker_run(void *arg)
{
	struct worker *w = arg;
	struct store *st;
	char err[256];
	if (store_open(w->path, 5000, &st, err, sizeof(err)) != STORE_OK) {
		w->bad++;
		return NULL;
	}
	const struct blocklist_subject s = { .body = "w0 w1 w2 w3 w4 w5 w6 w7 w8 w9" };
	for (int i = 0; i < 300; i++) {
		const struct blocklist *bl = blocklist_cache_acquire(w->bc, st, T0 + i);
		int n = (int)blocklist_size(bl);
		struct blocklist_match m;
		bool hit = blocklist_match(bl, &s, &m);
		/* Entries are added as w0, w1, …: a list of n > 0 holds w0. */
		if (n > 10 || hit != (n > 0) || (hit && m.id <= 0))
			w->bad++;
		if (n > w->seen_max)
			w->seen_max = n;
		blocklist_cache_release(w->bc, bl);
	}
	store_close(st);
	return NULL;
}

static void
cache_shared_by_threads(void **state)
{
	struct store_fixture *f = *state;
	struct blocklist_cache *bc = blocklist_cache_new();
	struct worker w[4];
	pthread_t t[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){ .path = f->path, .bc = bc };
		assert_int_equal(pthread_create(&t[i], NULL, worker_run, &w[i]), 0);
	}
	char p[16];
	int64_t id;
	for (int i = 0; i < 10; i++) {
		snprintf(p, sizeof(p), "w%d", i);
		assert_int_equal(add(f, BLOCK_WORD, p, BLOCK_HOLD, NULL, &id), STORE_OK);
		usleep(2000);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(w[i].bad, 0);
	}
	/* Afterwards everyone gets the last list. */
	const struct blocklist *bl = blocklist_cache_acquire(bc, f->st, T0 + 1000);
	assert_int_equal(blocklist_size(bl), 10);
	blocklist_cache_release(bc, bl);
	blocklist_cache_free(bc);
}
/* --- the screen of a post, end to end --- */

static void
blocklist_screen_rules(void **state)
{
	struct app_fixture *f = *state;
	APP_FIXTURE_NEED(f);
	app_fixture_block(f, "word", "casino", "hold");
	app_fixture_block(f, "word", "poker", "spam");
	const struct blocklist_subject hold = { .body = "casino" }, spam = { .body = "poker" },
	    none = { .body = "chess" };
	enum comment_status st = COMMENT_APPROVED;
	const char *why = "";
	assert_false(blocklist_screen(f->ctx.store, f->a, &none, T0, &st, &why));
	assert_int_equal(st, COMMENT_APPROVED);
	assert_string_equal(why, "");
	assert_true(blocklist_screen(f->ctx.store, f->a, &hold, T0, &st, &why));
	assert_int_equal(st, COMMENT_PENDING);
	assert_string_equal(why, "blocklist: word «casino»");
	/* Pending already (pre mode, links): the reason is added after. */
	st = COMMENT_PENDING;
	why = "links";
	assert_true(blocklist_screen(f->ctx.store, f->a, &hold, T0, &st, &why));
	assert_int_equal(st, COMMENT_PENDING);
	assert_string_equal(why, "links; blocklist: word «casino»");
	/* Never lowered: spam stays spam under a hold entry. */
	st = COMMENT_SPAM;
	why = "honeypot";
	assert_true(blocklist_screen(f->ctx.store, f->a, &hold, T0, &st, &why));
	assert_int_equal(st, COMMENT_SPAM);
	assert_string_equal(why, "honeypot; blocklist: word «casino»");
	st = COMMENT_PENDING;
	why = NULL;
	assert_true(blocklist_screen(f->ctx.store, f->a, &spam, T0, &st, &why));
	assert_int_equal(st, COMMENT_SPAM);
	assert_string_equal(why, "blocklist: word «poker»");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(add_get_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(changes_audited, setup, teardown),
		cmocka_unit_test_setup_teardown(list_and_search, setup, teardown),
		cmocka_unit_test_setup_teardown(load_all, setup, teardown),
		cmocka_unit_test_setup_teardown(cache_follows_generation, setup, teardown),
		cmocka_unit_test_setup_teardown(cache_survives_a_broken_database, setup, teardown),
		cmocka_unit_test(cache_without_the_table),
		cmocka_unit_test_setup_teardown(cache_shared_by_threads, setup, teardown),
		cmocka_unit_test_setup_teardown(blocklist_screen_rules, app_fixture_setup_open, app_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
