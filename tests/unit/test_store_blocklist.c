/* test_store_blocklist.c — the blocklist in SQLite and in use: entries
 * added, refused as duplicates in another spelling, removed, listed and
 * searched; the generation the triggers keep; the workers' cache reloading
 * only on a change and keeping a list alive while it is in use; and, end
 * to end, the post handler (hold even in post mode, spam, the reason, the
 * reader's answer) and the admin page (list, add, 422 and 409 with the form
 * kept, remove, audit, the reason in the queue).
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

#include "admin.h"
#include "antispam.h"
#include "app.h"
#include "arena.h"
#include "auth.h"
#include "blocklist.h"
#include "buf.h"
#include "handlers.h"
#include "http.h"
#include "request.h"
#include "store.h"
#include "store_blocklist.h"
#include "store_db.h"
#include "store_moderation.h"
#include "store_users.h"
#include "store_fixture.h"

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

/* --- the post handler and the admin page, end to end --- */

struct pfx {
	char dir[64];
	struct app app;
	struct ctx ctx;
	struct arena *a;
	char cookie[128];
	char csrf[AUTH_TOKEN_TEXT];
	bool ready;
};

/* The shared cache outlives each fixture's database: every fixture starts
 * its generations far from the last one's, as a real server never changes
 * databases under a running cache. */
static int64_t generation_base = 1000;

static int
app_setup(void **state)
{
	struct pfx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	*state = f;
	const char *srcdir = getenv("NAZAR_SRCDIR");
	if (srcdir == NULL || *srcdir == '\0')
		return 0;
	strcpy(f->dir, "/tmp/nazar-blockpost-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	char conf[256];
	snprintf(conf, sizeof(conf), "%s/nazar.conf", f->dir);
	FILE *c = fopen(conf, "w");
	assert_non_null(c);
	fprintf(c, "[database]\npath = %s/nazar.db\n[site]\nlocale = en\ntemplates = %s/templates\n"
	    "article_url = https://news.example/{article}\n"
	    "allowed_return_hosts = news.example\n[moderation]\nmode = post\n"
	    "[antispam]\nmin_seconds = 0\nper_article_per_minute = 0\nper_minute = 0\n"
	    "[log]\nlevel = error\n", f->dir, srcdir);
	fclose(c);
	char err[512];
	if (app_init(&f->app, conf, err, sizeof(err)) != 0)
		fail_msg("app_init: %s", err);
	assert_int_equal(ctx_open(&f->ctx, &f->app), 0);
	char sql[128];
	snprintf(sql, sizeof(sql), "UPDATE settings SET value = %lld WHERE key = "
	    "'blocklist_generation'", (long long)generation_base);
	exec_sql(f->ctx.store, sql);
	generation_base += 1000;
	f->a = arena_new();

	/* A signed-in moderator. */
	int64_t uid;
	assert_int_equal(store_user_add(f->ctx.store, "maryam", "مریم", ROLE_MODERATOR, "x",
	    &maryam, T0, &uid), STORE_OK);
	unsigned char token[AUTH_TOKEN_BYTES], hash[AUTH_TOKEN_BYTES], csrf[AUTH_TOKEN_BYTES];
	char text[AUTH_TOKEN_TEXT];
	auth_token_new(token);
	auth_token_new(csrf);
	auth_token_hash(token, hash);
	assert_int_equal(store_session_create(f->ctx.store, hash, uid, csrf, "192.0.2.1", "test",
	    T0), STORE_OK);
	auth_token_encode(token, text);
	snprintf(f->cookie, sizeof(f->cookie), "nazar_admin=%s", text);
	auth_token_encode(csrf, f->csrf);
	f->ready = true;
	return 0;
}

static int
app_teardown(void **state)
{
	struct pfx *f = *state;
	if (f->ready) {
		ctx_close(&f->ctx);
		app_free(&f->app);
		arena_free(f->a);
		remove_dir(f->dir);
	}
	free(f);
	return 0;
}

#define NEED_APP(f) do { if (!(f)->ready) { skip(); return; } } while (0)
#define ART "news-1403-7"

static void
add_field(struct buf *b, const char *k, const char *v)
{
	if (v == NULL)
		return;
	if (b->len > 0)
		buf_putc(b, '&');
	buf_puts(b, k);
	buf_putc(b, '=');
	http_url_encode(b, v);
}

static const char *
header(const struct response *res, const char *name)
{
	for (size_t i = 0; i < res->header_count; i++)
		if (strcmp(res->headers[i].name, name) == 0)
			return res->headers[i].value;
	return NULL;
}

/* Posts a comment as a reader; returns the new comment's id (0: none)
 * and leaves the response in *res (body freed by the caller). */
static int64_t
post(struct pfx *f, const char *name, const char *email, const char *body, const char *addr,
    bool json, struct response *res)
{
	struct buf b = { 0 };
	add_field(&b, "article", ART);
	add_field(&b, "name", name);
	add_field(&b, "email", email);
	add_field(&b, "body", body);
	add_field(&b, "token", antispam_token_make(f->a, f->app.secret, ART, T0));
	struct request r = {
		.arena = f->a, .method = "POST", .path = "/post", .accept = json ?
		    "application/json" : "text/html", .content_type =
		    "application/x-www-form-urlencoded", .remote_addr = addr, .user_agent = "test",
		.host = "news.example", .server_port = "", .origin = "", .fetch_site = "",
		.now = T0 + 10,
	};
	struct parse_limits lim = { .max_fields = REQUEST_MAX_FIELDS, .max_key = 64,
	    .max_value = 65536, .too_long_status = 413 };
	assert_int_equal(http_parse_urlencoded(f->a, buf_str(&b), b.len, &lim, &r.form), 0);
	buf_free(&b);
	memset(res, 0, sizeof(*res));
	res->status = 200;
	handle_post(&f->ctx, &r, res);
	const char *loc = header(res, "Location");
	const char *h = loc ? strstr(loc, "#nazar-comment-") : NULL;
	if (h != NULL)
		return strtoll(h + strlen("#nazar-comment-"), NULL, 10);
	const char *p = strstr(buf_str(&res->body), "\"id\":");
	return json && p != NULL ? strtoll(p + 5, NULL, 10) : 0;
}

static struct comment
stored(struct pfx *f, int64_t id)
{
	struct comment c;
	assert_true(id > 0);
	assert_int_equal(store_get_comment(f->ctx.store, f->a, id, &c), STORE_OK);
	return c;
}

/* A moderator's request below /admin: method, path, query, form fields
 * ("k=v&…", the CSRF token added to POSTs); the body stays in *res. */
static void
admin(struct pfx *f, const char *method, const char *path, const char *query,
    const char *form, struct response *res)
{
	struct request r = {
		.arena = f->a, .method = method, .path = path, .accept = "text/html",
		.content_type = "application/x-www-form-urlencoded", .remote_addr = "192.0.2.1",
		.user_agent = "test", .host = "news.example", .server_port = "", .origin = "",
		.fetch_site = "same-origin", .now = T0 + 20,
	};
	struct parse_limits lim = { .max_fields = REQUEST_MAX_FIELDS, .max_key = 64,
	    .max_value = 65536, .too_long_status = 413 };
	if (query != NULL)
		assert_int_equal(http_parse_urlencoded(f->a, query, strlen(query), &lim, &r.query),
		    0);
	if (strcmp(method, "POST") == 0) {
		struct buf b = { 0 };
		add_field(&b, "csrf", f->csrf);
		if (form != NULL && *form != '\0') {
			buf_putc(&b, '&');
			buf_puts(&b, form);
		}
		assert_int_equal(http_parse_urlencoded(f->a, buf_str(&b), b.len, &lim, &r.form), 0);
		buf_free(&b);
	}
	assert_int_equal(http_parse_cookies(f->a, f->cookie, 8192, 64, &r.cookies), 0);
	memset(res, 0, sizeof(*res));
	res->status = 200;
	admin_dispatch(&f->ctx, &r, res);
}

/* Adds an entry through the admin page, expecting the 303. */
static void
admin_add(struct pfx *f, const char *kind, const char *pattern, const char *action)
{
	struct buf b = { 0 };
	add_field(&b, "action", "add");
	add_field(&b, "kind", kind);
	add_field(&b, "pattern", pattern);
	add_field(&b, "block_action", action);
	struct response res;
	admin(f, "POST", "/admin/blocklist", NULL, buf_str(&b), &res);
	buf_free(&b);
	if (res.status != 303)
		fail_msg("adding %s %s: %d\n%s", kind, pattern, res.status, buf_str(&res.body));
	buf_free(&res.body);
}

static void
post_path(void **state)
{
	struct pfx *f = *state;
	NEED_APP(f);
	admin_add(f, "word", "كلاهبردار", "hold");
	admin_add(f, "word", "free money", "spam");
	admin_add(f, "email", "@spam.example", "spam");
	admin_add(f, "address", "198.51.100.0/24", "hold");

	/* mode = post: a clean comment is published at once … */
	struct response res;
	int64_t ok = post(f, "Reader", NULL, "A fair article.", "192.0.2.10", false, &res);
	assert_int_equal(res.status, 303);
	assert_int_equal(stored(f, ok).status, COMMENT_APPROVED);
	assert_string_equal(stored(f, ok).reason, "");
	buf_free(&res.body);

	/* … a held word holds it, in whatever spelling … */
	int64_t held = post(f, "Reader", NULL, "این آقا کلاه‌بردار است.", "192.0.2.11", false,
	    &res);
	assert_int_equal(res.status, 303);	/* the same answer as any held comment */
	struct comment c = stored(f, held);
	assert_int_equal(c.status, COMMENT_PENDING);
	assert_string_equal(c.reason, "blocklist: word «كلاهبردار»");
	buf_free(&res.body);

	/* … a spam phrase sends it to spam, answered exactly as a clean
	 * comment is (201, the same status and message) … */
	int64_t clean = post(f, "Reader", NULL, "Nothing to see here.", "192.0.2.17", true, &res);
	assert_int_equal(res.status, 201);
	const char *clean_answer = strstr(buf_str(&res.body), "\"status\":");
	assert_non_null(clean_answer);
	clean_answer = strdup(clean_answer);
	buf_free(&res.body);
	assert_int_equal(stored(f, clean).status, COMMENT_APPROVED);
	int64_t spam = post(f, "Reader", NULL, "Get FREE, money now!", "192.0.2.12", true, &res);
	assert_int_equal(res.status, 201);
	const char *spam_answer = strstr(buf_str(&res.body), "\"status\":");
	assert_non_null(spam_answer);
	assert_string_equal(spam_answer, clean_answer);
	free((void *)clean_answer);
	assert_null(strstr(buf_str(&res.body), "blocklist"));
	assert_null(strstr(buf_str(&res.body), "spam"));
	c = stored(f, spam);
	assert_int_equal(c.status, COMMENT_SPAM);
	assert_string_equal(c.reason, "blocklist: word «free money»");
	buf_free(&res.body);

	/* … the e-mail's domain and subdomains, the name, the address. */
	int64_t by_mail = post(f, "Reader", "x@mail.spam.example", "Hello", "192.0.2.13", false,
	    &res);
	c = stored(f, by_mail);
	assert_int_equal(c.status, COMMENT_SPAM);
	assert_string_equal(c.reason, "blocklist: email «@spam.example»");
	buf_free(&res.body);
	int64_t by_name = post(f, "كلاهبردار", NULL, "Hello there", "192.0.2.14", false, &res);
	assert_int_equal(stored(f, by_name).status, COMMENT_PENDING);
	buf_free(&res.body);
	int64_t by_addr = post(f, "Reader", NULL, "Hello from afar", "::ffff:198.51.100.77", false,
	    &res);
	c = stored(f, by_addr);
	assert_int_equal(c.status, COMMENT_PENDING);
	assert_string_equal(c.reason, "blocklist: address «198.51.100.0/24»");
	buf_free(&res.body);
	/* "press" must not catch WordPress. */
	admin_add(f, "word", "press", "spam");
	int64_t wp = post(f, "Reader", NULL, "I use WordPress.", "192.0.2.15", false, &res);
	assert_int_equal(stored(f, wp).status, COMMENT_APPROVED);
	buf_free(&res.body);
	/* Another anti-spam reason and the blocklist's together. */
	int64_t both = post(f, "Reader", NULL, "free money: http://a.example http://b.example "
	    "http://c.example", "192.0.2.16", false, &res);
	c = stored(f, both);
	assert_int_equal(c.status, COMMENT_SPAM);
	assert_string_equal(c.reason, "blocklist: word «free money»; links");
	buf_free(&res.body);

	/* The queue shows why. */
	admin(f, "GET", "/admin/queue", "status=spam", NULL, &res);
	assert_int_equal(res.status, 200);
	assert_non_null(strstr(buf_str(&res.body), "blocklist: word «free money»"));
	assert_non_null(strstr(buf_str(&res.body), "blocklist: email «@spam.example»"));
	buf_free(&res.body);
	admin(f, "GET", "/admin/queue", "status=pending", NULL, &res);
	assert_non_null(strstr(buf_str(&res.body), "blocklist: word «كلاهبردار»"));
	buf_free(&res.body);
}

static void
blocklist_screen_rules(void **state)
{
	struct pfx *f = *state;
	NEED_APP(f);
	admin_add(f, "word", "casino", "hold");
	admin_add(f, "word", "poker", "spam");
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

static void
admin_page(void **state)
{
	struct pfx *f = *state;
	NEED_APP(f);
	struct response res;
	admin(f, "GET", "/admin/blocklist", NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	const char *html = buf_str(&res.body);
	assert_non_null(strstr(html, "<h1>Blocklist</h1>"));
	assert_non_null(strstr(html, "No entries."));
	assert_non_null(strstr(html, "href=\"/comments/admin/blocklist\""));	/* the nav */
	assert_non_null(strstr(html, "name=\"csrf\" value=\"" ));
	buf_free(&res.body);

	admin_add(f, "word", "كـلاه‌بردار", "spam");
	admin(f, "GET", "/admin/blocklist", "done=block_added", NULL, &res);
	html = buf_str(&res.body);
	assert_non_null(strstr(html, "The entry was added."));
	assert_non_null(strstr(html, "<bdi>كـلاه"));
	assert_non_null(strstr(html, "matches as <bdi>کلاهبردار</bdi>"));
	assert_non_null(strstr(html, "Send to spam"));
	assert_non_null(strstr(html, "<bdi>maryam</bdi>"));
	buf_free(&res.body);

	/* Refused patterns: 422, the message, the form as typed. */
	admin(f, "POST", "/admin/blocklist", NULL,
	    "action=add&kind=address&pattern=10.0.0.0%2F4&block_action=spam&note=n%C3%B3te", &res);
	assert_int_equal(res.status, 422);
	html = buf_str(&res.body);
	assert_non_null(strstr(html, "This range is too wide"));
	assert_non_null(strstr(html, "value=\"10.0.0.0/4\""));
	assert_non_null(strstr(html, "value=\"nóte\""));
	assert_non_null(strstr(html, "<option value=\"address\" selected>"));
	assert_non_null(strstr(html, "<option value=\"spam\" selected>"));
	buf_free(&res.body);
	static const struct {
		const char *form, *message;
	} bad[] = {
		{ "action=add&kind=word&pattern=%21%21%21&block_action=hold", "at least one letter" },
		{ "action=add&kind=word&pattern=&block_action=hold", "Please enter a pattern" },
		{ "action=add&kind=word&pattern=a%FFb&block_action=hold", "one line" },
		{ "action=add&kind=email&pattern=a%40%40b&block_action=hold", "not an e-mail" },
		{ "action=add&kind=address&pattern=1.2.3.4%2F33&block_action=hold",
		  "not an IP address" },
		{ "action=add&kind=regex&pattern=x&block_action=hold", "not understood" },
		{ "action=add&kind=word&pattern=x&block_action=delete", "not understood" },
		{ "action=add&kind=word&pattern=x%3Cscript%3E&block_action=hold&note="
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		  "The note is too long" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		admin(f, "POST", "/admin/blocklist", NULL, bad[i].form, &res);
		if (res.status != 422 || strstr(buf_str(&res.body), bad[i].message) == NULL)
			fail_msg("%s: %d", bad[i].form, res.status);
		/* Typed text comes back escaped. */
		assert_null(strstr(buf_str(&res.body), "x<script>"));
		buf_free(&res.body);
	}
	/* The same entry in another spelling: 409, kept. */
	admin(f, "POST", "/admin/blocklist", NULL,
	    "action=add&kind=word&pattern=%DA%A9%D9%84%D8%A7%D9%87%D8%A8%D8%B1%D8%AF%D8%A7%D8%B1"
	    "&block_action=hold", &res);
	assert_int_equal(res.status, 409);
	assert_non_null(strstr(buf_str(&res.body), "already on the list"));
	assert_non_null(strstr(buf_str(&res.body), "value=\"کلاهبردار\""));
	buf_free(&res.body);

	/* Removal: by id, audited; a second time 404. */
	struct blocklist_entry e;
	assert_int_equal(store_blocklist_find(f->ctx.store, f->a, BLOCK_WORD, "کلاهبردار", &e),
	    STORE_OK);
	char form[64];
	snprintf(form, sizeof(form), "action=remove&id=%lld", (long long)e.id);
	admin(f, "POST", "/admin/blocklist", NULL, form, &res);
	assert_int_equal(res.status, 303);
	assert_non_null(strstr(header(&res, "Location"), "/blocklist?done=block_removed"));
	buf_free(&res.body);
	admin(f, "POST", "/admin/blocklist", NULL, form, &res);
	assert_int_equal(res.status, 404);
	assert_non_null(strstr(buf_str(&res.body), "There is no such entry."));
	buf_free(&res.body);
	admin(f, "POST", "/admin/blocklist", NULL, "action=remove&id=abc", &res);
	assert_int_equal(res.status, 400);
	buf_free(&res.body);
	admin(f, "POST", "/admin/blocklist", NULL, "action=burn", &res);
	assert_int_equal(res.status, 400);
	buf_free(&res.body);

	struct audit_entry *au;
	size_t n;
	long long total;
	assert_int_equal(store_audit_list(f->ctx.store, f->a, 0, 1, 50, &au, &n, &total),
	    STORE_OK);
	assert_int_equal(n, 3);		/* and the user_add of the fixture */
	assert_string_equal(au[2].action, "user_add");
	assert_string_equal(au[0].action, "block_remove");
	assert_string_equal(au[0].target, "word كـلاه‌بردار");
	assert_string_equal(au[0].before, "spam");
	assert_string_equal(au[0].actor, "maryam");
	assert_string_equal(au[1].action, "block_add");
	assert_string_equal(au[1].target, "word كـلاه‌بردار");
	assert_string_equal(au[1].after, "spam");
	admin(f, "GET", "/admin/audit", NULL, NULL, &res);
	assert_non_null(strstr(buf_str(&res.body), "added to the blocklist"));
	assert_non_null(strstr(buf_str(&res.body), "removed from the blocklist"));
	buf_free(&res.body);

	/* Filters, search and paging. */
	char pat[32];
	for (int i = 0; i < 60; i++) {
		snprintf(pat, sizeof(pat), "word%02d", i);
		admin_add(f, "word", pat, "hold");
	}
	admin_add(f, "email", "@spam.example", "spam");
	admin(f, "GET", "/admin/blocklist", "kind=email", NULL, &res);
	html = buf_str(&res.body);
	assert_non_null(strstr(html, "Entries: 1"));
	assert_non_null(strstr(html, "@spam.example"));
	assert_null(strstr(html, "word01"));
	assert_non_null(strstr(html, "<option value=\"email\" selected>"));
	buf_free(&res.body);
	admin(f, "GET", "/admin/blocklist", "q=WORD0", NULL, &res);
	assert_non_null(strstr(buf_str(&res.body), "Entries: 10"));
	buf_free(&res.body);
	admin(f, "GET", "/admin/blocklist", NULL, NULL, &res);
	html = buf_str(&res.body);
	assert_non_null(strstr(html, "Entries: 61"));
	assert_non_null(strstr(html, "href=\"/comments/admin/blocklist?page=2\""));
	buf_free(&res.body);
	admin(f, "GET", "/admin/blocklist", "kind=word&q=w%C3%B6rd&page=2", NULL, &res);
	assert_int_equal(res.status, 200);
	buf_free(&res.body);

	/* Without the CSRF token, or signed out: nothing changes. */
	char saved[AUTH_TOKEN_TEXT];
	memcpy(saved, f->csrf, sizeof(saved));
	strcpy(f->csrf, "forged");
	admin(f, "POST", "/admin/blocklist", NULL, "action=add&kind=word&pattern=zzz&"
	    "block_action=spam", &res);
	assert_int_equal(res.status, 403);
	buf_free(&res.body);
	memcpy(f->csrf, saved, sizeof(saved));
	strcpy(f->cookie, "nazar_admin=none");
	admin(f, "POST", "/admin/blocklist", NULL, "action=add&kind=word&pattern=zzz&"
	    "block_action=spam", &res);
	assert_int_equal(res.status, 403);
	buf_free(&res.body);
	admin(f, "GET", "/admin/blocklist", NULL, NULL, &res);
	assert_int_equal(res.status, 303);
	buf_free(&res.body);
	assert_int_equal(store_blocklist_find(f->ctx.store, f->a, BLOCK_WORD, "zzz", &e),
	    STORE_NOT_FOUND);
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
		cmocka_unit_test_setup_teardown(post_path, app_setup, app_teardown),
		cmocka_unit_test_setup_teardown(blocklist_screen_rules, app_setup, app_teardown),
		cmocka_unit_test_setup_teardown(admin_page, app_setup, app_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
