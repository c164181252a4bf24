/* test_import_nazar.c — nazar's export read back (import_nazar.h): the
 * round trip is exact (every column, votes, history, audit, ids and
 * parents; the export of the copy equals the original's but for the
 * header's time); a second run adds nothing; into a database whose ids
 * are taken, comments are renumbered with their replies still under them
 * and a second run knows them; replies before their parents in the file;
 * files that are not nazar's, of a newer version, cut short, or with bad
 * lines. */
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
#include "buf.h"
#include "export_json.h"
#include "import_nazar.h"
#include "store.h"
#include "store_audit.h"
#include "store_db.h"
#include "store_export.h"
#include "store_moderation.h"
#include "store_users.h"
#include "store_fixture.h"

#define T0 1700000000

static struct actor root = { 0, "root (nazarctl)", "" };

static int64_t
add(struct store_fixture *f, const char *article, int64_t parent, const char *name,
    const char *body, enum comment_status status, time_t at)
{
	struct comment c = {
		.article = (char *)article, .parent = parent, .name = (char *)name,
		.email = (char *)"r@example.ir", .body = (char *)body, .status = status,
		.remote_addr = (char *)"2001:db8::7", .user_agent = (char *)"Mozilla/5.0",
	};
	assert_int_equal(store_insert_comment(f->st, &c, at), STORE_OK);
	return c.id;
}

static void
sql(struct store_fixture *f, const char *q)
{
	char *msg = NULL;
	if (sqlite3_exec(f->st->db, q, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", q, msg);
}

static int64_t
count(struct store_fixture *f, const char *q)
{
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(f->st->db, q, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

static int
put(void *arg, const struct export_comment *e)
{
	export_json_comment(arg, e);
	return 0;
}

/* The whole export of f: header (at a fixed time), comments, end. */
static void
export_all(struct store_fixture *f, struct buf *out)
{
	buf_reset(out);
	const struct export_header h = { .site = "خبر", .exported = T0, .schema =
	    STORE_SCHEMA_VERSION };
	export_json_header(out, &h);
	struct export_filter filter = { 0 };
	int64_t n;
	int stopped;
	assert_int_equal(store_export(f->st, &filter, put, out, &n, &stopped), STORE_OK);
	export_json_end(out, n);
}

static int
import(struct store_fixture *f, const struct buf *in, struct import_nazar_report *rep,
    char *err)
{
	return import_nazar_run(f->st, "x.jsonl", buf_str(in), in->len, false, &root, T0 + 9999,
	    NULL, NULL, rep, err, 300);
}

/* A site with a bit of everything. */
static void
fill(struct store_fixture *f)
{
	int64_t uid;
	assert_int_equal(store_user_add(f->st, "sara", "سارا", ROLE_MODERATOR, "x", &root, T0,
	    &uid), STORE_OK);
	struct actor sara = { uid, "sara", "198.51.100.1" };
	int64_t a = add(f, "news-1", 0, "مریم", "نظر اول\n\nبا دو بند", COMMENT_APPROVED, T0);
	int64_t b = add(f, "news-1", a, "Ali", "a reply", COMMENT_PENDING, T0 + 60);
	add(f, "news-1", 0, "spammer", "buy now", COMMENT_SPAM, T0 + 70);
	add(f, "news-2", 0, "x", "gone", COMMENT_DELETED, T0 + 80);
	add(f, "news-2", 0, "y", "no", COMMENT_REJECTED, T0 + 90);
	struct moderation_result mr;
	assert_int_equal(store_edit_comment(f->st, f->a, b, 1, "a reply, edited", &sara, T0 + 120,
	    &mr), STORE_OK);
	struct moderation item = { b, 0 };
	assert_int_equal(store_moderate(f->st, f->a, &item, 1, ACTION_APPROVE, NULL, &sara,
	    T0 + 180, &mr), STORE_OK);
	int64_t reply;
	assert_int_equal(store_site_reply(f->st, a, "سارا", "پاسخ تحریریه", &sara, T0 + 200,
	    &reply), STORE_OK);
	sql(f, "UPDATE comments SET addr_group = '203.0.113.0/24', body_hash = x'00ff10ab'"
	    " WHERE id = 1");
	/* The author of 1 asked for mail about replies and confirmed. */
	sql(f, "UPDATE comments SET notify_replies = 1 WHERE id = 1;"
	    "INSERT INTO subscribers (address, state, created, changed)"
	    " VALUES ('r@example.ir', 'confirmed', 1700000000, 1700000000)");
	/* 1 pinned to the top of its thread; edited by its author (the old
	 * text in the history as theirs) and an edit of theirs waiting. */
	sql(f, "UPDATE comments SET pinned = 1700000600, edited = 1700000650 WHERE id = 1;"
	    "INSERT INTO comment_history (comment_id, at, user_id, body, author)"
	    " VALUES (1, 1700000650, NULL, 'نظر اول با غلط', 1);"
	    "INSERT INTO revisions (comment_id, body, at) VALUES (1, 'نظر اول، در انتظار', 1700000700)");
	/* One deleted by its author. */
	add(f, "news-2", 0, "z", "taken back", COMMENT_WITHDRAWN, T0 + 95);
	sql(f, "INSERT INTO votes (comment_id, voter, value, addr_group, created) VALUES"
	    " (1, x'0a0b0c0d0e0f00112233445566778899', 1, '203.0.113.0/24', 1700000500),"
	    " (1, x'ff', -1, '2001:db8::/64', 1700000400)");
	/* Imported from elsewhere once, a reply stored before its parent
	 * (a higher id for the parent), and an orphan. */
	sql(f, "INSERT INTO comments (id, article, parent, name, email, body, status, created,"
	    " updated, source_system, source_id, source_parent) VALUES"
	    " (20, 'wp-1', NULL, 'child', '', 'child first', 'approved', 1600000100, 1600000100,"
	    "  'wxr', '11', '10'),"
	    " (21, 'wp-1', NULL, 'parent', '', 'parent after', 'approved', 1600000000, 1600000000,"
	    "  'wxr', '10', NULL),"
	    " (22, 'wp-1', NULL, 'orphan', '', 'lost parent', 'approved', 1600000200, 1600000200,"
	    "  'wxr', '12', '99');"
	    "UPDATE comments SET parent = 21 WHERE id = 20");
}

static void
round_trip(void **state)
{
	(void)state;
	struct store_fixture *a = store_fixture_new("imp-a"), *b = store_fixture_new("imp-b");
	fill(a);
	int64_t uid;
	assert_int_equal(store_user_add(b->st, "sara", "سارا", ROLE_MODERATOR, "x", &root, T0,
	    &uid), STORE_OK);
	struct buf one = { 0 }, two = { 0 };
	export_all(a, &one);
	struct import_nazar_report rep;
	char err[300];
	assert_int_equal(import(b, &one, &rep, err), 0);
	assert_true(rep.complete);
	assert_int_equal(rep.records, 10);
	assert_int_equal(rep.added[COMMENT_APPROVED], 6);
	assert_int_equal(rep.added[COMMENT_WITHDRAWN], 1);
	assert_int_equal(rep.added[COMMENT_SPAM], 1);
	assert_int_equal(rep.added[COMMENT_DELETED], 1);
	assert_int_equal(rep.added[COMMENT_REJECTED], 1);
	assert_int_equal(rep.renumbered, 0);
	assert_int_equal(rep.users_unknown, 0);
	assert_int_equal(rep.orphans, 0);
	export_all(b, &two);
	assert_string_equal(buf_str(&two), buf_str(&one));
	/* The counts, the search index and the checks agree with the rows. */
	assert_int_equal(count(b, "SELECT n FROM status_counts WHERE status = 'approved'"), 6);
	assert_int_equal(count(b, "SELECT count(*) FROM comments_fts WHERE comments_fts MATCH 'edited'"),
	    1);
	assert_int_equal(count(b, "SELECT count(*) FROM outbox"), 0);
	assert_int_equal(count(b, "SELECT count(*) FROM subscribers WHERE address = 'r@example.ir'"
	    " AND state = 'confirmed'"), 1);
	assert_int_equal(count(b, "SELECT agree FROM comments WHERE id = 1"), 1);
	/* The import is audited, once a batch, without a comment id. */
	assert_int_equal(count(b, "SELECT count(*) FROM audit WHERE action = 'import'"
	    " AND comment_id IS NULL AND after = '10 added'"), 1);
	/* Its author's doings came back too. */
	assert_int_equal(count(b, "SELECT count(*) FROM revisions WHERE comment_id = 1"), 1);
	assert_int_equal(count(b, "SELECT edited FROM comments WHERE id = 1"), 1700000650);
	assert_int_equal(count(b, "SELECT count(*) FROM comment_history WHERE author = 1"), 1);
	assert_int_equal(count(b, "SELECT n FROM status_counts WHERE status = 'withdrawn'"), 1);

	/* Again: nothing added. */
	assert_int_equal(import(b, &one, &rep, err), 0);
	assert_int_equal(rep.present, 10);
	assert_int_equal(rep.added[COMMENT_APPROVED], 0);
	export_all(b, &two);
	assert_string_equal(buf_str(&two), buf_str(&one));
	buf_free(&one);
	buf_free(&two);
	store_fixture_free(a);
	store_fixture_free(b);
}

static void
into_a_used_database(void **state)
{
	(void)state;
	struct store_fixture *a = store_fixture_new("imp-a"), *b = store_fixture_new("imp-b");
	fill(a);
	/* b has its own comments under ids 1–3; no user sara. */
	add(b, "mine", 0, "m", "one", COMMENT_APPROVED, T0);
	add(b, "mine", 0, "m", "two", COMMENT_APPROVED, T0);
	add(b, "mine", 0, "m", "three", COMMENT_APPROVED, T0);
	struct buf one = { 0 };
	export_all(a, &one);
	struct import_nazar_report rep;
	char err[300];
	assert_int_equal(import(b, &one, &rep, err), 0);
	assert_int_equal(rep.added[COMMENT_APPROVED] + rep.added[COMMENT_SPAM], 7);
	assert_int_equal(rep.renumbered, 10);
	assert_true(rep.users_unknown > 0);
	/* The reply to comment 1 of the file is under its new id. */
	assert_int_equal(count(b, "SELECT count(*) FROM comments r JOIN comments p"
	    " ON p.id = r.parent WHERE r.body = 'a reply, edited' AND p.body LIKE 'نظر اول%'"
	    " AND p.id > 3 AND p.source_system = 'nazar' AND p.source_id = '1'"), 1);
	assert_int_equal(count(b, "SELECT count(*) FROM comments WHERE body = 'پاسخ تحریریه'"
	    " AND site_reply = 1 AND parent = (SELECT id FROM comments WHERE source_id = '1'"
	    " AND source_system = 'nazar')"), 1);
	/* The child of the wxr pair found its parent, the orphan did not. */
	assert_int_equal(count(b, "SELECT count(*) FROM comments c JOIN comments p"
	    " ON p.id = c.parent WHERE c.source_id = '11' AND p.source_id = '10'"), 1);
	assert_int_equal(count(b, "SELECT count(*) FROM comments WHERE source_id = '12'"
	    " AND parent IS NULL"), 1);
	assert_int_equal(count(b, "SELECT count(*) FROM comments WHERE body IN ('one', 'two',"
	    " 'three') AND article = 'mine'"), 3);
	/* Again: known by their sources. */
	assert_int_equal(import(b, &one, &rep, err), 0);
	assert_int_equal(rep.present, 10);
	assert_int_equal(count(b, "SELECT count(*) FROM comments"), 13);
	buf_free(&one);
	store_fixture_free(a);
	store_fixture_free(b);
}

static void
reply_before_parent(void **state)
{
	(void)state;
	struct store_fixture *b = store_fixture_new("imp-b");
	static const char file[] =
	    "{\"type\":\"header\",\"format\":\"nazar\",\"version\":1,\"site\":\"s\"}\n"
	    "{\"type\":\"comment\",\"id\":7,\"article\":\"a\",\"parent\":5,\"status\":\"approved\","
	    "\"created\":\"2024-01-02T00:00:00Z\",\"name\":\"r\",\"body\":\"reply\"}\n"
	    "{\"type\":\"comment\",\"id\":5,\"article\":\"a\",\"parent\":null,\"status\":\"approved\","
	    "\"created\":\"2024-01-01T00:00:00Z\",\"name\":\"p\",\"body\":\"parent\"}\n"
	    /* A loop in the file: 8 and 9 each other's parent, at one time. */
	    "{\"type\":\"comment\",\"id\":8,\"article\":\"a\",\"parent\":9,\"status\":\"approved\","
	    "\"created\":1704067200,\"name\":\"x\",\"body\":\"8\"}\n"
	    "{\"type\":\"comment\",\"id\":9,\"article\":\"a\",\"parent\":8,\"status\":\"approved\","
	    "\"created\":1704067200,\"name\":\"y\",\"body\":\"9\"}\n"
	    "{\"type\":\"end\",\"comments\":4}\n";
	struct buf in = { 0 };
	buf_puts(&in, file);
	struct import_nazar_report rep;
	char err[300];
	assert_int_equal(import(b, &in, &rep, err), 0);
	assert_true(rep.complete);
	assert_int_equal(count(b, "SELECT parent FROM comments WHERE id = 7"), 5);
	assert_int_equal(count(b, "SELECT parent FROM comments WHERE id = 9"), 8);
	assert_int_equal(count(b, "SELECT count(*) FROM comments WHERE id = 8 AND parent IS NULL"),
	    1);
	assert_int_equal(rep.orphans, 1);
	buf_free(&in);
	store_fixture_free(b);
}

static void
bad_files(void **state)
{
	(void)state;
	struct store_fixture *b = store_fixture_new("imp-b");
	struct import_nazar_report rep;
	char err[300];
	struct buf in = { 0 };
	static const char *const refused[] = {
		"",
		"{\"type\":\"comment\",\"id\":1}\n",
		"{\"type\":\"header\",\"format\":\"remark42\",\"version\":1}\n",
		"{\"type\":\"header\",\"format\":\"nazar\",\"version\":2}\n",
		"{\"type\":\"header\",\"format\":\"nazar\",\"version\":1}\n{\"type\":\"end\","
		"\"comments\":0}\n{\"type\":\"comment\"}\n",
		"{\"type\":\"header\",\"format\":\"nazar\",\"version\":1}\n{\"type\":\"comment\",\n",
		"{\"type\":\"header\",\"format\":\"nazar\",\"version\":1}\n[]\n",
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		buf_reset(&in);
		buf_puts(&in, refused[i]);
		if (import(b, &in, &rep, err) != -1)
			fail_msg("accepted: %s", refused[i]);
		assert_true(err[0] != '\0');
	}
	/* Lines that are not comments nazar can take are skipped, counted. */
	buf_reset(&in);
	buf_puts(&in, "{\"type\":\"header\",\"format\":\"nazar\",\"version\":1}\n"
	    "{\"type\":\"comment\",\"article\":\"a\",\"status\":\"approved\",\"created\":1}\n"
	    "{\"type\":\"comment\",\"id\":2,\"article\":\"a b\",\"status\":\"approved\",\"created\":1}\n"
	    "{\"type\":\"comment\",\"id\":3,\"article\":\"a\",\"status\":\"held\",\"created\":1}\n"
	    "{\"type\":\"comment\",\"id\":4,\"article\":\"a\",\"status\":\"approved\"}\n"
	    "{\"type\":\"comment\",\"id\":5,\"article\":\"a\",\"status\":\"approved\",\"created\":1,"
	    "\"name\":\"a\\u202eb\",\"email\":\"not an address\",\"remote_addr\":\"999.1.1.1\","
	    "\"body\":\"x\\u0007y\",\"body_hash\":\"XYZ\",\"votes\":[{\"voter\":\"ab\",\"value\":5,"
	    "\"created\":1}],\"history\":[{\"body\":\"no time\"}],\"audit\":[{\"at\":1}]}\n");
	assert_int_equal(import(b, &in, &rep, err), 0);
	assert_false(rep.complete);
	assert_int_equal(rep.records, 5);
	assert_int_equal(rep.skipped_total, 4);
	assert_int_equal(rep.added[COMMENT_APPROVED], 1);
	assert_int_equal(count(b, "SELECT count(*) FROM comments WHERE id = 5 AND name = 'ab'"
	    " AND email = '' AND remote_addr = '' AND body = 'xy' AND body_hash IS NULL"), 1);
	assert_int_equal(count(b, "SELECT count(*) FROM votes"), 0);
	assert_int_equal(count(b, "SELECT count(*) FROM comment_history"), 0);
	assert_int_equal(count(b, "SELECT count(*) FROM audit WHERE comment_id = 5"), 0);
	/* A dry run reads and counts, and writes nothing. */
	buf_reset(&in);
	buf_puts(&in, "{\"type\":\"header\",\"format\":\"nazar\",\"version\":1}\n"
	    "{\"type\":\"comment\",\"id\":6,\"article\":\"a\",\"status\":\"spam\",\"created\":1}\n"
	    "{\"type\":\"end\",\"comments\":1}\n");
	assert_int_equal(import_nazar_run(NULL, "-", buf_str(&in), in.len, true, &root, T0, NULL,
	    NULL, &rep, err, sizeof(err)), 0);
	assert_true(rep.complete && rep.dry_run);
	assert_int_equal(rep.added[COMMENT_SPAM], 1);
	assert_int_equal(count(b, "SELECT count(*) FROM comments WHERE id = 6"), 0);
	buf_free(&in);
	store_fixture_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(into_a_used_database),
		cmocka_unit_test(reply_before_parent),
		cmocka_unit_test(bad_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
