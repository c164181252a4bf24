/* test_migrate.c — every earlier schema version upgrades to the current one
 * with nothing lost, and a failed upgrade leaves the file as it was.
 *
 * tests/fixtures/schema-vN.sql is a database as schema version N left it,
 * with rows of every kind (dev/schema-fixture wrote it once; it never
 * changes). For each N from 1 to STORE_SCHEMA_VERSION the file is loaded,
 * opened with nazar's store and migrated; then every row of every table
 * is still there with the same bytes, nazar reads each comment as it was,
 * the search finds each one, store_check finds nothing wrong and the file
 * carries the current version and nazar's application id. A migration
 * made to fail at each step, or by an object in the way, leaves the file
 * byte for byte as it was. A new schema version needs its fixture: the
 * test fails until tests/fixtures/schema-vN.sql exists. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "arena.h"
#include "store.h"
#include "store_backup.h"
#include "store_db.h"
#include "store_file.h"
#include "store_moderation.h"

/* The conflict test: migration 7 → 8 creates this index. */
#define CONFLICT_FROM 7
#define CONFLICT_SQL "CREATE INDEX comments_source ON comments (article)"

struct place {
	char dir[64];
	char db[128];
};

static void
fixture_path(int version, char *out, size_t len)
{
	const char *src = getenv("NAZAR_SRCDIR");
	int n = snprintf(out, len, "%s/tests/fixtures/schema-v%d.sql", src ? src : ".", version);
	assert_true(n > 0 && (size_t)n < len);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	struct { char *p; size_t n, cap; } b = { NULL, 0, 0 };
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b.n + got + 1 > b.cap) {
			b.cap = (b.n + got + 1) * 2;
			b.p = realloc(b.p, b.cap);
			assert_non_null(b.p);
		}
		memcpy(b.p + b.n, chunk, got);
		b.n += got;
	}
	fclose(f);
	if (b.p == NULL)
		b.p = calloc(1, 1);
	assert_non_null(b.p);
	b.p[b.n] = '\0';
	*len = b.n;
	return b.p;
}

static int
raw_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int v = -1;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* A new temporary directory with the fixture of `version` loaded as a
 * database in WAL mode, as nazar keeps it; extra (or NULL) run after. */
static void
load(struct place *p, int version, const char *extra)
{
	snprintf(p->dir, sizeof(p->dir), "/tmp/nazar-migrate-XXXXXX");
	assert_non_null(mkdtemp(p->dir));
	snprintf(p->db, sizeof(p->db), "%s/nazar.db", p->dir);
	char path[512];
	fixture_path(version, path, sizeof(path));
	size_t len;
	char *sql = slurp(path, &len);
	if (sql == NULL)
		fail_msg("%s is missing: a schema version needs its fixture (dev/schema-fixture %d)",
		    path, version);
	sqlite3 *db;
	char *msg = NULL;
	assert_int_equal(sqlite3_open(p->db, &db), SQLITE_OK);
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, &msg);
	if (rc == SQLITE_OK && extra != NULL)
		rc = sqlite3_exec(db, extra, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fail_msg("loading %s: %s", path, msg ? msg : sqlite3_errstr(rc));
	sqlite3_close(db);
	free(sql);
	assert_int_equal(raw_int(p->db, "PRAGMA user_version"), version);
}

static void
unload(struct place *p)
{
	static const char *const tails[] = { "", "-wal", "-shm", "-journal" };
	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		char f[160];
		snprintf(f, sizeof(f), "%s%s", p->db, tails[i]);
		(void)unlink(f);
	}
	assert_int_equal(rmdir(p->dir), 0);
}

/* --- Every row of every table, each as one string of SQL literals. --- */

struct table {
	char *name;
	char *select;	/* the old columns as one quoted string per row */
	char **rows;	/* sorted */
	size_t n;
};

struct snapshot {
	struct table *t;
	size_t n;
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
read_rows(sqlite3 *db, struct table *t)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, t->select, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", t->select, sqlite3_errmsg(db));
	size_t cap = 0;
	t->rows = NULL;
	t->n = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (t->n == cap) {
			cap = cap ? cap * 2 : 16;
			t->rows = realloc(t->rows, cap * sizeof(*t->rows));
			assert_non_null(t->rows);
		}
		t->rows[t->n] = strdup((const char *)sqlite3_column_text(s, 0));
		assert_non_null(t->rows[t->n]);
		t->n++;
	}
	sqlite3_finalize(s);
	if (t->n > 0)
		qsort(t->rows, t->n, sizeof(*t->rows), cmp_str);
}

/* The tables nazar keeps (not SQLite's, not the search index's own, which
 * the search and store_check test), with the columns they have now. */
static void
snapshot_take(const char *path, struct snapshot *snap)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db,
	    "SELECT name FROM sqlite_schema WHERE type = 'table'"
	    " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
	    " AND name NOT LIKE 'comments\\_fts%' ESCAPE '\\' ORDER BY name", -1, &s, NULL),
	    SQLITE_OK);
	snap->t = calloc(64, sizeof(*snap->t));
	assert_non_null(snap->t);
	snap->n = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		assert_true(snap->n < 64);
		struct table *t = &snap->t[snap->n++];
		t->name = strdup((const char *)sqlite3_column_text(s, 0));
		char *cols = sqlite3_mprintf("SELECT group_concat('quote(\"' || name || '\")',"
		    " ' || '','' || ') FROM pragma_table_info(%Q)", t->name);
		sqlite3_stmt *c;
		assert_int_equal(sqlite3_prepare_v2(db, cols, -1, &c, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(c), SQLITE_ROW);
		char *sel = sqlite3_mprintf("SELECT %s FROM \"%w\"",
		    (const char *)sqlite3_column_text(c, 0), t->name);
		t->select = strdup(sel);
		sqlite3_free(sel);
		sqlite3_finalize(c);
		sqlite3_free(cols);
		read_rows(db, t);
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
}

/* The rows of old read again from the file at path, with the same columns. */
static void
snapshot_again(const char *path, const struct snapshot *old, struct snapshot *now)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	now->t = calloc(old->n ? old->n : 1, sizeof(*now->t));
	assert_non_null(now->t);
	now->n = old->n;
	for (size_t i = 0; i < old->n; i++) {
		now->t[i].name = strdup(old->t[i].name);
		now->t[i].select = strdup(old->t[i].select);
		read_rows(db, &now->t[i]);
	}
	sqlite3_close(db);
}

static void
snapshot_free(struct snapshot *snap)
{
	for (size_t i = 0; i < snap->n; i++) {
		for (size_t j = 0; j < snap->t[i].n; j++)
			free(snap->t[i].rows[j]);
		free(snap->t[i].rows);
		free(snap->t[i].name);
		free(snap->t[i].select);
	}
	free(snap->t);
}

/* Every old row is in the new table, byte for byte; no table lost a row
 * or gained one, except settings, where a migration may add a key, and
 * status_counts, where it may add a status (15: withdrawn). */
static void
snapshot_kept(const struct snapshot *old, const struct snapshot *now, int version)
{
	for (size_t i = 0; i < old->n; i++) {
		const struct table *a = &old->t[i], *b = &now->t[i];
		if (strcmp(a->name, "settings") != 0 && strcmp(a->name, "status_counts") != 0 &&
		    a->n != b->n)
			fail_msg("from v%d: table %s had %zu rows, has %zu", version, a->name, a->n,
			    b->n);
		size_t j = 0;
		for (size_t k = 0; k < a->n; k++) {
			while (j < b->n && strcmp(b->rows[j], a->rows[k]) < 0)
				j++;
			if (j == b->n || strcmp(b->rows[j], a->rows[k]) != 0)
				fail_msg("from v%d: table %s lost the row %s", version, a->name,
				    a->rows[k]);
			j++;
		}
	}
}

/* --- The comments as nazar reads them. --- */

struct old_comment {
	int64_t id, parent;
	char *article, *name, *body, *status;
};

static size_t
old_comments(const char *path, struct old_comment **out)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	    "SELECT id, coalesce(parent, 0), article, name, body, status FROM comments"
	    " ORDER BY id", -1, &s, NULL), SQLITE_OK);
	size_t n = 0;
	*out = calloc(256, sizeof(**out));
	assert_non_null(*out);
	while (sqlite3_step(s) == SQLITE_ROW) {
		assert_true(n < 256);
		struct old_comment *c = &(*out)[n++];
		c->id = sqlite3_column_int64(s, 0);
		c->parent = sqlite3_column_int64(s, 1);
		c->article = strdup((const char *)sqlite3_column_text(s, 2));
		c->name = strdup((const char *)sqlite3_column_text(s, 3));
		c->body = strdup((const char *)sqlite3_column_text(s, 4));
		c->status = strdup((const char *)sqlite3_column_text(s, 5));
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

static void
old_comments_free(struct old_comment *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].article);
		free(c[i].name);
		free(c[i].body);
		free(c[i].status);
	}
	free(c);
}

/* A word of body to search for: its longest run of letters and digits
 * (any script), at most 60 bytes. */
static void
search_word(const char *body, char *out, size_t len)
{
	size_t best = 0, best_at = 0;
	for (size_t i = 0; body[i] != '\0';) {
		size_t j = i;
		while (body[j] != '\0' && ((unsigned char)body[j] >= 0x80 ||
		    isalnum((unsigned char)body[j])))
			j++;
		if (j - i > best) {
			best = j - i;
			best_at = i;
		}
		i = j > i ? j : i + 1;
	}
	if (best >= len)
		best = len - 1;
	/* Never cut a character in two. */
	while (best > 0 && ((unsigned char)body[best_at + best] & 0xc0) == 0x80)
		best--;
	memcpy(out, body + best_at, best);
	out[best] = '\0';
}

/* Whether the queue's search for word under status finds id. */
static bool
search_finds(struct store *st, struct arena *a, const char *status, const char *word,
    int64_t id)
{
	struct queue_query q = { .q = word, .page = 1, .per_page = 200 };
	assert_int_equal(comment_status_parse(status, &q.status), 0);
	struct queue_item *items;
	size_t n;
	long long total;
	bool more;
	assert_int_equal(store_queue(st, a, &q, &items, &n, &total, &more), STORE_OK);
	for (size_t i = 0; i < n; i++)
		if (items[i].c.id == id)
			return true;
	return false;
}

static void
problem(void *arg, const char *text)
{
	print_error("store_check from v%d: %s\n", *(int *)arg, text);
}

static void
comments_kept(struct store *st, struct arena *a, const struct old_comment *old, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct comment c;
		assert_int_equal(store_get_comment(st, a, old[i].id, &c), STORE_OK);
		assert_string_equal(c.body, old[i].body);
		assert_string_equal(c.name, old[i].name);
		assert_string_equal(c.article, old[i].article);
		assert_string_equal(comment_status_name(c.status), old[i].status);
		assert_int_equal(c.parent, old[i].parent);
		char word[64];
		search_word(old[i].body, word, sizeof(word));
		if (!search_finds(st, a, old[i].status, word, old[i].id))
			fail_msg("the search for \"%s\" does not find comment %lld", word,
			    (long long)old[i].id);
	}
}

/* Each article's thread: its approved count as the rows say, every reply
 * shown under a parent that is shown. */
static void
threads_kept(struct store *st, struct arena *a, const char *path,
    const struct old_comment *old, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (old[i].parent != 0 || strcmp(old[i].status, "approved") != 0)
			continue;
		struct comment *rows;
		size_t count;
		long long approved, top;
		assert_int_equal(store_thread(st, a, old[i].article, 1, 200, NULL, 0, &rows, &count,
		    &approved, &top), STORE_OK);
		char *q = sqlite3_mprintf("SELECT count(*) FROM comments WHERE article = %Q"
		    " AND status = 'approved'", old[i].article);
		assert_int_equal(approved, raw_int(path, q));
		sqlite3_free(q);
		bool found = false;
		for (size_t k = 0; k < count; k++) {
			found = found || rows[k].id == old[i].id;
			bool parent_shown = rows[k].parent == 0;
			for (size_t m = 0; m < count && !parent_shown; m++)
				parent_shown = rows[m].id == rows[k].parent;
			assert_true(parent_shown);
		}
		assert_true(found);
	}
}

static void
from_version(void **state)
{
	int version = (int)(intptr_t)*state;
	struct place p;
	load(&p, version, NULL);
	struct snapshot before, after;
	snapshot_take(p.db, &before);
	struct old_comment *old;
	size_t n = old_comments(p.db, &old);
	assert_true(n >= 10);

	struct store *st;
	char err[256];
	assert_int_equal(store_open(p.db, 1000, &st, err, sizeof(err)), STORE_OK);
	int from = -1;
	assert_int_equal(store_migrate(st, &from, err, sizeof(err)), STORE_OK);
	assert_int_equal(from, version);
	assert_int_equal(store_check_schema(st, err, sizeof(err)), STORE_OK);
	assert_int_equal(raw_int(p.db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(raw_int(p.db, "PRAGMA application_id"), STORE_APPLICATION_ID);

	snapshot_again(p.db, &before, &after);
	snapshot_kept(&before, &after, version);
	assert_int_equal(raw_int(p.db, "SELECT count(*) FROM comments_fts"), (int)n);

	struct arena *a = arena_new();
	comments_kept(st, a, old, n);
	threads_kept(st, a, p.db, old, n);
	/* Folded: typed with Arabic kaf and yeh, found with the Persian ones. */
	assert_true(search_finds(st, a, "approved", "کتاب", 1));
	assert_true(search_finds(st, a, "approved", "رضایی", 1));
	int64_t problems = -1;
	assert_int_equal(store_check(st, problem, &version, &problems), STORE_OK);
	assert_int_equal(problems, 0);
	/* The upgraded file takes new comments, replies to old ones too. */
	struct comment c = {
		.article = old[0].article, .parent = old[0].id, .name = (char *)"تازه",
		.body = (char *)"پاسخ پس از ارتقا", .status = COMMENT_APPROVED,
	};
	assert_int_equal(store_insert_comment(st, &c, 1800000000), STORE_OK);
	assert_true(search_finds(st, a, "approved", "ارتقا", c.id));
	unsigned char key[32];
	assert_int_equal(store_secret(st, key), STORE_OK);

	arena_free(a);
	store_close(st);
	snapshot_free(&before);
	snapshot_free(&after);
	old_comments_free(old, n);
	unload(&p);
}

/* --- Failed migrations. --- */

static int deny_version;	/* PRAGMA user_version = this is refused */

static int
deny_step(void *arg, int action, const char *a3, const char *a4, const char *a5,
    const char *a6)
{
	(void)arg;
	(void)a5;
	(void)a6;
	if (action == SQLITE_PRAGMA && a3 != NULL && strcmp(a3, "user_version") == 0 &&
	    a4 != NULL && atoi(a4) == deny_version)
		return SQLITE_DENY;
	return SQLITE_OK;
}

/* Migrates the file at p (made at `version`), expecting the step to
 * `failing` to fail, and checks the file did not change by a byte. */
static void
migration_fails(struct place *p, int version, int failing, bool deny)
{
	size_t len0, len1;
	char *was = slurp(p->db, &len0);
	assert_non_null(was);
	struct store *st;
	char err[256], want[128];
	assert_int_equal(store_open(p->db, 1000, &st, err, sizeof(err)), STORE_OK);
	if (deny) {
		deny_version = failing;
		sqlite3_set_authorizer(st->db, deny_step, NULL);
	}
	int from = -1;
	assert_int_equal(store_migrate(st, &from, err, sizeof(err)), STORE_ERROR);
	assert_int_equal(from, version);
	snprintf(want, sizeof(want), "migration from schema version %d to %d failed",
	    failing - 1, failing);
	assert_string_equal(err, want);
	assert_int_equal(store_check_schema(st, err, sizeof(err)), STORE_ERROR);
	store_close(st);
	char *is = slurp(p->db, &len1);
	assert_non_null(is);
	assert_int_equal(len1, len0);
	assert_memory_equal(is, was, len0);
	free(was);
	free(is);
	assert_int_equal(raw_int(p->db, "PRAGMA user_version"), version);
}

/* A step made to fail at its last statement, for each step between the
 * fixture's version and the current one: every step before it is undone. */
static void
failed_from_version(void **state)
{
	int version = (int)(intptr_t)*state;
	for (int failing = version + 1; failing <= STORE_SCHEMA_VERSION; failing++) {
		struct place p;
		load(&p, version, NULL);
		migration_fails(&p, version, failing, true);
		unload(&p);
	}
}

/* An object in the way of a step (made by hand, or by another program). */
static void
conflict_leaves_file(void **state)
{
	(void)state;
	struct place p;
	load(&p, CONFLICT_FROM, CONFLICT_SQL);
	migration_fails(&p, CONFLICT_FROM, CONFLICT_FROM + 1, false);
	unload(&p);
}

/* Every version has its fixture, and none is newer than this nazar. */
static void
fixtures_complete(void **state)
{
	(void)state;
	for (int v = 1; v <= STORE_SCHEMA_VERSION + 1; v++) {
		char path[512];
		fixture_path(v, path, sizeof(path));
		bool there = access(path, R_OK) == 0;
		if (v <= STORE_SCHEMA_VERSION && !there)
			fail_msg("%s is missing: each schema version needs one (dev/schema-fixture %d)",
			    path, v);
		if (v > STORE_SCHEMA_VERSION && there)
			fail_msg("%s is newer than schema version %d", path, STORE_SCHEMA_VERSION);
	}
}

int
main(void)
{
	static char names[2 * STORE_SCHEMA_VERSION][32];
	struct CMUnitTest tests[2 * STORE_SCHEMA_VERSION + 2];
	size_t n = 0;
	tests[n++] = (struct CMUnitTest){ "fixtures_complete", fixtures_complete, NULL, NULL,
		NULL };
	for (int v = 1; v <= STORE_SCHEMA_VERSION; v++) {
		snprintf(names[n - 1], sizeof(names[0]), "from_v%d", v);
		tests[n] = (struct CMUnitTest){ names[n - 1], from_version, NULL, NULL,
			(void *)(intptr_t)v };
		n++;
		if (v == STORE_SCHEMA_VERSION)
			continue;
		snprintf(names[n - 1], sizeof(names[0]), "failed_from_v%d", v);
		tests[n] = (struct CMUnitTest){ names[n - 1], failed_from_version, NULL, NULL,
			(void *)(intptr_t)v };
		n++;
	}
	if (STORE_SCHEMA_VERSION > CONFLICT_FROM)
		tests[n++] = (struct CMUnitTest){ "conflict_leaves_file", conflict_leaves_file,
			NULL, NULL, NULL };
	return _cmocka_run_group_tests("migrate", tests, n, NULL, NULL);
}
