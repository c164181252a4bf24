/* test_import.c — the import core (import.h, store_import.h) on a fresh
 * database, fed records by hand: replies found whatever the order and the
 * batch they fall in, a second run adding nothing, a failed batch leaving
 * nothing, a dry run writing nothing, statuses, text, threads to articles
 * (--map and the article_url pattern), --screen; and the helpers (dates,
 * URLs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "arena.h"
#include "blocklist.h"
#include "import.h"
#include "store.h"
#include "store_audit.h"
#include "store_fixture.h"

#define T0 1796342400	/* 2026-12-04T00:00:00Z */
#define PATTERN "https://www.example.ir/news/{article}"

static const struct actor op = { 0, "test (nazarctl)", "" };
static const struct import_format fmt = { "test", "test", NULL, "records by hand" };

static struct import_record
rec(const char *id, const char *parent, const char *thread, int64_t created)
{
	struct import_record r = {
		.id = id, .parent = parent, .thread_url = thread, .name = "Ali",
		.email = "ali@example.ir", .remote_addr = "203.0.113.9", .created = created,
		.status = COMMENT_APPROVED, .body = "<p>text</p>", .body_html = true,
	};
	return r;
}

static void
options(struct import_options *o, int batch)
{
	memset(o, 0, sizeof(*o));
	o->format = &fmt;
	o->file = "by-hand";
	o->unknown_status = -1;
	o->article_url = PATTERN;
	o->who = &op;
	o->now = T0;
	o->batch = batch;
}

/* Runs the records through a run; the result of import_finish. */
static enum store_result
run(struct store *st, const struct import_options *o, const struct import_record *r, size_t n,
    struct import_report *rep)
{
	struct import *imp = import_new(st, o);
	struct import_sink sink;
	import_sink_init(imp, &sink, NULL, NULL);
	for (size_t i = 0; i < n; i++)
		if (sink.record(sink.arg, &r[i]) != 0)
			break;
	enum store_result res = import_finish(imp, rep);
	import_free(imp);
	return res;
}

static int64_t
q(struct store_fixture *f, const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static void
exec(struct store_fixture *f, const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* The nazar id of source id s, or -1. */
static int64_t
id_of(struct store_fixture *f, const char *s)
{
	char sql[200];
	snprintf(sql, sizeof(sql), "SELECT id FROM comments WHERE source_id = '%s'", s);
	return q(f, sql);
}

static int64_t
parent_of(struct store_fixture *f, const char *s)
{
	char sql[200];
	snprintf(sql, sizeof(sql), "SELECT coalesce(parent, 0) FROM comments WHERE source_id = '%s'",
	    s);
	return q(f, sql);
}

#define URL1 "https://www.example.ir/news/12"
#define URL2 "https://www.example.ir/news/13"

/* A tree of four in every order and every batch size: the same parents. */
static void
replies_found_whatever_the_order(void **state)
{
	(void)state;
	static const int orders[][4] = {
		{ 0, 1, 2, 3 }, { 3, 2, 1, 0 }, { 2, 0, 3, 1 }, { 1, 3, 0, 2 },
	};
	for (size_t o = 0; o < sizeof(orders) / sizeof(orders[0]); o++)
		for (int batch = 1; batch <= 4; batch++) {
			struct store_fixture *f = store_fixture_new("import");
			struct import_record all[4] = {
				rec("1", NULL, URL1, T0 - 400),
				rec("2", "1", URL1, T0 - 300),
				rec("3", "2", URL1, T0 - 200),
				rec("4", "1", URL1, T0 - 100),
			};
			struct import_record r[4];
			for (int i = 0; i < 4; i++)
				r[i] = all[orders[o][i]];
			struct import_options opt;
			options(&opt, batch);
			struct import_report rep;
			assert_int_equal(run(f->st, &opt, r, 4, &rep), STORE_OK);
			assert_int_equal(rep.added_total, 4);
			assert_int_equal(rep.replies, 3);
			assert_int_equal(rep.orphans, 0);
			assert_int_equal(parent_of(f, "1"), 0);
			assert_int_equal(parent_of(f, "2"), id_of(f, "1"));
			assert_int_equal(parent_of(f, "3"), id_of(f, "2"));
			assert_int_equal(parent_of(f, "4"), id_of(f, "1"));
			assert_int_equal(q(f, "SELECT count(*) FROM comments WHERE article = '12'"), 4);
			store_fixture_free(f);
		}
}

/* A parent that is missing, in another article, dated after its reply,
 * or the reply itself: the reply stays at the top level, counted. */
static void
orphans_kept_and_counted(void **state)
{
	(void)state;
	struct store_fixture *f = store_fixture_new("import");
	struct import_record r[] = {
		rec("1", "99", URL1, T0 - 100),		/* missing */
		rec("2", NULL, URL2, T0 - 900),
		rec("3", "2", URL1, T0 - 100),		/* in another article */
		rec("4", "5", URL1, T0 - 800),		/* dated before its parent */
		rec("5", NULL, URL1, T0 - 700),
		rec("6", "6", URL1, T0 - 100),		/* itself: top level */
	};
	struct import_options opt;
	options(&opt, 2);
	struct import_report rep;
	assert_int_equal(run(f->st, &opt, r, 6, &rep), STORE_OK);
	assert_int_equal(rep.added_total, 6);
	assert_int_equal(rep.orphans, 3);
	assert_int_equal(rep.replies, 3);
	assert_int_equal(q(f, "SELECT count(*) FROM comments WHERE parent IS NOT NULL"), 0);
	assert_int_equal(rep.threads, 2);
	assert_int_equal(rep.threads_new, 2);
	store_fixture_free(f);
}

/* The same records again add nothing; more records add only themselves,
 * and a reply among them finds its parent from the first run. */
static void
second_run_adds_nothing(void **state)
{
	(void)state;
	struct store_fixture *f = store_fixture_new("import");
	struct import_record r[] = {
		rec("1", NULL, URL1, T0 - 400), rec("2", "1", URL1, T0 - 300),
		rec("3", NULL, URL2, T0 - 200),
	};
	struct import_options opt;
	options(&opt, 2);
	struct import_report rep;
	assert_int_equal(run(f->st, &opt, r, 3, &rep), STORE_OK);
	assert_int_equal(rep.added_total, 3);
	assert_int_equal(run(f->st, &opt, r, 3, &rep), STORE_OK);
	assert_int_equal(rep.added_total, 0);
	assert_int_equal(rep.present, 3);
	assert_int_equal(rep.threads_new, 0);
	assert_int_equal(q(f, "SELECT count(*) FROM comments"), 3);
	assert_int_equal(q(f, "SELECT count(*) FROM audit WHERE action = 'import'"), 2);

	struct import_record newer[] = {
		r[0], r[1], r[2], rec("4", "2", URL1, T0 - 100),
	};
	assert_int_equal(run(f->st, &opt, newer, 4, &rep), STORE_OK);
	assert_int_equal(rep.added_total, 1);
	assert_int_equal(rep.present, 3);
	assert_int_equal(parent_of(f, "4"), id_of(f, "2"));
	/* The search index follows. */
	assert_int_equal(q(f, "SELECT count(*) FROM comments_fts"), 4);
	store_fixture_free(f);
}

/* A batch that fails leaves nothing of itself; those before stand; the
 * next run adds the rest. */
static void
failed_batch_leaves_nothing(void **state)
{
	(void)state;
	struct store_fixture *f = store_fixture_new("import");
	exec(f, "CREATE TRIGGER refuse BEFORE INSERT ON comments WHEN new.source_id = 'bad'"
	    " BEGIN SELECT RAISE(ABORT, 'refused'); END;");
	struct import_record r[] = {
		rec("1", NULL, URL1, T0 - 500), rec("2", NULL, URL1, T0 - 400),
		rec("3", NULL, URL1, T0 - 300), rec("bad", NULL, URL1, T0 - 200),
		rec("5", NULL, URL1, T0 - 100),
	};
	struct import_options opt;
	options(&opt, 2);
	struct import_report rep;
	assert_int_equal(run(f->st, &opt, r, 5, &rep), STORE_ERROR);
	assert_int_equal(q(f, "SELECT count(*) FROM comments"), 2);
	assert_int_equal(id_of(f, "3"), -1);
	assert_int_equal(q(f, "SELECT count(*) FROM audit WHERE action = 'import'"), 1);
	assert_int_equal(q(f, "SELECT sum(n) FROM status_counts"), 2);

	exec(f, "DROP TRIGGER refuse");
	assert_int_equal(run(f->st, &opt, r, 5, &rep), STORE_OK);
	assert_int_equal(rep.added_total, 3);
	assert_int_equal(rep.present, 2);
	assert_int_equal(q(f, "SELECT count(*) FROM comments"), 5);
	store_fixture_free(f);
}

static void
dry_run_writes_nothing(void **state)
{
	(void)state;
	struct store_fixture *f = store_fixture_new("import");
	struct import_record r[] = {
		rec("2", "1", URL1, T0 - 300), rec("1", NULL, URL1, T0 - 400),
		rec("3", "77", URL1, T0 - 200),
	};
	struct import_options opt;
	options(&opt, 2);
	opt.dry_run = true;
	struct import_report rep;
	assert_int_equal(run(f->st, &opt, r, 3, &rep), STORE_OK);
	assert_true(rep.dry_run);
	assert_int_equal(rep.added_total, 3);
	assert_int_equal(rep.replies, 2);
	assert_int_equal(rep.orphans, 1);
	assert_int_equal(q(f, "SELECT count(*) FROM comments"), 0);
	assert_int_equal(q(f, "SELECT count(*) FROM audit"), 0);
	store_fixture_free(f);
}

/* Statuses as given; unknown ones skipped unless --status-of-unknown;
 * records that are not comments counted by reason; the text as nazar
 * keeps it; threads without an article skipped and named. */
static void
statuses_text_and_threads(void **state)
{
	(void)state;
	struct store_fixture *f = store_fixture_new("import");
	struct import_record r[] = {
		rec("1", NULL, URL1, T0), rec("2", NULL, URL1, T0), rec("3", NULL, URL1, T0),
		rec("4", NULL, URL1, 0), rec("5", NULL, "https://elsewhere.example/x", T0),
		rec("6", NULL, URL1, T0), rec("7", NULL, URL1, T0), rec("", NULL, URL1, T0),
	};
	r[1].status = COMMENT_SPAM;
	r[2].status_unknown = true;
	r[3].body = "<p>سلام&nbsp;دنيا</p><p>\xe2\x80\xaeدوم<script>x</script></p>";
	r[3].name = "  \xe2\x80\xae\xd8\xb9\xd9\x84\xdb\x8c  ";	/* an RLO and علی */
	r[3].email = "not an address";
	r[3].remote_addr = "nonsense";
	r[5].skip = "pingback";
	r[6].body = "plain \xff text\r\nline two";
	r[6].body_html = false;
	struct import_options opt;
	options(&opt, 0);
	struct import_report rep;
	assert_int_equal(run(f->st, &opt, r, 8, &rep), STORE_OK);
	assert_int_equal(rep.records, 8);
	assert_int_equal(rep.added[COMMENT_APPROVED], 3);
	assert_int_equal(rep.added[COMMENT_SPAM], 1);
	assert_int_equal(rep.skipped_total, 4);
	assert_int_equal(rep.nunmapped, 1);
	assert_string_equal(rep.unmapped[0], "https://elsewhere.example/x");
	assert_int_equal(rep.no_date, 1);
	assert_int_equal(q(f, "SELECT created FROM comments WHERE source_id = '4'"), T0);
	char *body = NULL;
	{
		sqlite3 *db;
		sqlite3_open(f->path, &db);
		sqlite3_stmt *s;
		sqlite3_prepare_v2(db, "SELECT body, name, email, remote_addr FROM comments"
		    " WHERE source_id = '4'", -1, &s, NULL);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		body = strdup((const char *)sqlite3_column_text(s, 0));
		assert_string_equal(sqlite3_column_text(s, 1), "علی");
		assert_string_equal(sqlite3_column_text(s, 2), "");
		assert_string_equal(sqlite3_column_text(s, 3), "");
		sqlite3_finalize(s);
		sqlite3_prepare_v2(db, "SELECT body FROM comments WHERE source_id = '7'", -1, &s,
		    NULL);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_string_equal(sqlite3_column_text(s, 0), "plain \xef\xbf\xbd text\nline two");
		sqlite3_finalize(s);
		sqlite3_close(db);
	}
	assert_string_equal(body, "سلام دنيا\n\nدوم");
	free(body);

	/* --status-of-unknown held brings the unknown one in as pending. */
	opt.unknown_status = COMMENT_PENDING;
	assert_int_equal(run(f->st, &opt, r, 8, &rep), STORE_OK);
	assert_int_equal(rep.added_total, 1);
	assert_int_equal(rep.added[COMMENT_PENDING], 1);
	/* No mail to moderators about imported held comments. */
	assert_int_equal(q(f, "SELECT count(*) FROM outbox"), 0);
	store_fixture_free(f);
}

static void
map_and_pattern(void **state)
{
	(void)state;
	struct store_fixture *f = store_fixture_new("import");
	char path[200], err[300];
	snprintf(path, sizeof(path), "%s/map", f->dir);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("# old addresses\n"
	    "https://old.example.ir/2019/05/story.html   story-5\n"
	    "\n"
	    "thread-77\tnews/77\n", fp);
	fclose(fp);
	struct import_map *m = import_map_load(f->a, path, err, sizeof(err));
	assert_non_null(m);
	assert_string_equal(import_map_find(m, "thread-77"), "news/77");
	assert_null(import_map_find(m, "thread-78"));

	struct import_record r[] = {
		rec("1", NULL, "https://old.example.ir/2019/05/story.html", T0),
		rec("2", NULL, "https://nowhere.example/", T0),
		rec("3", NULL, "http://WWW.example.ir/news/abc/?utm=1#comments", T0),
		rec("4", NULL, "/news/def", T0),
		rec("5", NULL, NULL, T0),
	};
	r[1].thread_id = "thread-77";
	r[4].thread_article = "disqus-ident";
	struct import_options opt;
	options(&opt, 0);
	opt.map = m;
	struct import_report rep;
	assert_int_equal(run(f->st, &opt, r, 5, &rep), STORE_OK);
	assert_int_equal(rep.added_total, 5);
	assert_int_equal(q(f, "SELECT count(*) FROM comments WHERE article IN"
	    " ('story-5', 'news/77', 'abc', 'def', 'disqus-ident')"), 5);

	/* Bad lines are refused with their line. */
	fp = fopen(path, "w");
	fputs("a b\nc\n", fp);
	fclose(fp);
	assert_null(import_map_load(f->a, path, err, sizeof(err)));
	assert_non_null(strstr(err, ":2:"));
	fp = fopen(path, "w");
	fputs("a <script>\n", fp);
	fclose(fp);
	assert_null(import_map_load(f->a, path, err, sizeof(err)));
	store_fixture_free(f);
}

static void
article_from_url(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	assert_string_equal(import_article_from_url(a, PATTERN, URL1), "12");
	assert_string_equal(import_article_from_url(a, PATTERN, "https://www.example.ir/news/12/"),
	    "12");
	assert_string_equal(import_article_from_url(a, PATTERN, "/news/a-b"), "a-b");
	assert_null(import_article_from_url(a, PATTERN, "https://evil.example/news/12"));
	assert_null(import_article_from_url(a, PATTERN, "https://www.example.ir/other/12"));
	assert_null(import_article_from_url(a, PATTERN, "https://www.example.ir/news/"));
	assert_null(import_article_from_url(a, PATTERN, "https://www.example.ir/news/a b"));
	assert_null(import_article_from_url(a, "", URL1));
	assert_null(import_article_from_url(a, NULL, URL1));
	const char *p2 = "https://example.ir/n/{article}.html";
	assert_string_equal(import_article_from_url(a, p2, "https://example.ir/n/5.html"), "5");
	assert_null(import_article_from_url(a, p2, "https://example.ir/n/5.php"));
	const char *p3 = "https://example.ir/view?id={article}";
	assert_string_equal(import_article_from_url(a, p3, "https://example.ir/view?id=9#c"), "9");
	arena_free(a);
}

/* --screen: an approved comment the blocklist matches is held with the
 * reason; nothing is deleted. */
static void
screen_holds(void **state)
{
	(void)state;
	struct store_fixture *f = store_fixture_new("import");
	char word[] = "کلاهبردار", word2[] = "کلاهبردار", none[] = "", by[] = "t";
	struct blocklist_entry e = {
		.id = 1, .kind = BLOCK_WORD, .action = BLOCK_SPAM, .pattern = word,
		.folded = word2, .note = none, .created = T0, .created_by = by,
	};
	struct blocklist *bl = blocklist_compile(&e, 1, NULL);
	struct import_record r[] = { rec("1", NULL, URL1, T0), rec("2", NULL, URL1, T0) };
	r[0].body = "<p>یک كلاهبردار است</p>";
	struct import_options opt;
	options(&opt, 0);
	opt.screen = bl;
	struct import_report rep;
	assert_int_equal(run(f->st, &opt, r, 2, &rep), STORE_OK);
	assert_int_equal(rep.screened, 1);
	assert_int_equal(q(f, "SELECT count(*) FROM comments WHERE status = 'pending'"
	    " AND reason LIKE 'blocklist%'"), 1);
	assert_int_equal(q(f, "SELECT count(*) FROM comments WHERE status = 'approved'"), 1);
	blocklist_free(bl);
	store_fixture_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(replies_found_whatever_the_order),
		cmocka_unit_test(orphans_kept_and_counted),
		cmocka_unit_test(second_run_adds_nothing),
		cmocka_unit_test(failed_batch_leaves_nothing),
		cmocka_unit_test(dry_run_writes_nothing),
		cmocka_unit_test(statuses_text_and_threads),
		cmocka_unit_test(map_and_pattern),
		cmocka_unit_test(article_from_url),
		cmocka_unit_test(screen_holds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
