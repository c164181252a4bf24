/* test_export.c — nazar's export format: every column of a comment, its
 * edit history and audit rows written as JSON Lines that a strict JSON
 * parser (jansson) reads back, whatever the stored text holds; the
 * article and time filters; a stop asked by the writer; and renaming an
 * article (op_article_rename), audited, refused onto an article with
 * comments unless merging. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "export_json.h"
#include "op.h"
#include "store.h"
#include "store_audit.h"
#include "store_db.h"
#include "store_export.h"
#include "store_moderation.h"
#include "store_users.h"
#include "store_fixture.h"

#define T0 1700000000

struct t {
	struct store_fixture *f;
	struct config cfg;
	struct actor who;
	struct op_ctx o;
	struct buf out;
};

static int
setup(void **state)
{
	struct t *t = calloc(1, sizeof(*t));
	assert_non_null(t);
	t->f = store_fixture_new("export");
	config_defaults(&t->cfg);
	op_ctx_set(&t->o, &t->who, t->f->st, t->f->a, &t->cfg, 0, "root (nazarctl)", "", T0);
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct t *t = *state;
	buf_free(&t->out);
	store_fixture_free(t->f);
	free(t);
	return 0;
}

static int64_t
add(struct t *t, const char *article, int64_t parent, const char *name, const char *body,
    enum comment_status status, time_t at)
{
	struct comment c = {
		.article = (char *)article, .parent = parent, .name = (char *)name,
		.email = (char *)"r@example.ir", .body = (char *)body, .status = status,
		.remote_addr = (char *)"192.0.2.7", .user_agent = (char *)"Mozilla/5.0",
	};
	assert_int_equal(store_insert_comment(t->f->st, &c, at), STORE_OK);
	return c.id;
}

static void
sql(struct t *t, const char *q)
{
	assert_int_equal(sqlite3_exec(t->f->st->db, q, NULL, NULL, NULL), SQLITE_OK);
}

static int
collect(void *arg, const struct export_comment *e)
{
	struct t *t = arg;
	export_json_comment(&t->out, e);
	return 0;
}

/* The export of filter f as lines in t->out; the count. */
static int64_t
export(struct t *t, const struct export_filter *f)
{
	buf_reset(&t->out);
	int64_t n = -1;
	int stopped = -1;
	assert_int_equal(store_export(t->f->st, f, collect, t, &n, &stopped), STORE_OK);
	assert_int_equal(stopped, 0);
	return n;
}

/* Line i (0-based) of t->out parsed strictly; the caller json_decrefs. */
static json_t *
line(struct t *t, int i)
{
	const char *p = buf_str(&t->out);
	for (; i > 0; i--) {
		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
	}
	const char *end = strchr(p, '\n');
	assert_non_null(end);
	json_error_t err;
	json_t *j = json_loadb(p, (size_t)(end - p), JSON_REJECT_DUPLICATES, &err);
	if (j == NULL)
		fail_msg("line does not parse: %s: %.*s", err.text, (int)(end - p), p);
	return j;
}

static const char *
s_of(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	assert_non_null(v);
	if (json_is_null(v))
		return NULL;
	assert_true(json_is_string(v));
	return json_string_value(v);
}

static json_int_t
i_of(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

static void
empty_database(void **state)
{
	struct t *t = *state;
	struct export_filter f = { 0 };
	assert_int_equal(export(t, &f), 0);
	assert_int_equal(t->out.len, 0);
	const struct export_header h = { .site = "خبر \"روز\"", .exported = T0, .schema = 8 };
	export_json_header(&t->out, &h);
	export_json_end(&t->out, 0);
	json_t *j = line(t, 0);
	assert_string_equal(s_of(j, "type"), "header");
	assert_string_equal(s_of(j, "format"), "nazar");
	assert_int_equal(i_of(j, "version"), 1);
	assert_string_equal(s_of(j, "site"), "خبر \"روز\"");
	assert_string_equal(s_of(j, "exported"), "2023-11-14T22:13:20Z");
	assert_int_equal(i_of(j, "schema"), 8);
	assert_null(s_of(j, "article"));
	assert_null(s_of(j, "since"));
	json_decref(j);
	j = line(t, 1);
	assert_string_equal(s_of(j, "type"), "end");
	assert_int_equal(i_of(j, "comments"), 0);
	json_decref(j);
}

static void
every_field(void **state)
{
	struct t *t = *state;
	int64_t uid;
	struct actor system = { 0, "root (nazarctl)", "" };
	assert_int_equal(store_user_add(t->f->st, "sara", "سارا", ROLE_MODERATOR, "x", &system, T0,
	    &uid), STORE_OK);
	int64_t a = add(t, "news-1", 0, "مریم", "نظر اول", COMMENT_APPROVED, T0);
	int64_t b = add(t, "news-1", a, "Ali", "a reply", COMMENT_PENDING, T0 + 60);
	struct actor sara = { uid, "sara", "198.51.100.1" };
	struct moderation_result mr;
	assert_int_equal(store_edit_comment(t->f->st, t->f->a, b, 1, "a reply, edited", &sara,
	    T0 + 120, &mr), STORE_OK);
	struct moderation item = { b, 0 };
	assert_int_equal(store_moderate(t->f->st, t->f->a, &item, 1, ACTION_REJECT, "off-topic",
	    &sara, T0 + 180, &mr), STORE_OK);
	sql(t, "UPDATE comments SET addr_group = '192.0.2.0/24', body_hash = x'00ff10',"
	    " source_system = 'wxr', source_id = '17', source_parent = '12', reason = 'held: links'"
	    " WHERE id = 1");
	sql(t, "INSERT INTO votes (comment_id, voter, value, addr_group, created) VALUES"
	    " (1, x'0a0b', 1, '203.0.113.0/24', 1700000500), (1, x'ff', -1, '2001:db8::/64', 1700000400)");
	struct export_filter f = { 0 };
	assert_int_equal(export(t, &f), 2);

	json_t *j = line(t, 0);
	assert_int_equal(i_of(j, "agree"), 1);
	assert_int_equal(i_of(j, "disagree"), 1);
	json_t *votes = json_object_get(j, "votes");
	assert_int_equal(json_array_size(votes), 2);
	assert_string_equal(s_of(json_array_get(votes, 0), "voter"), "ff");
	assert_int_equal(i_of(json_array_get(votes, 0), "value"), -1);
	assert_string_equal(s_of(json_array_get(votes, 0), "addr_group"), "2001:db8::/64");
	assert_string_equal(s_of(json_array_get(votes, 1), "voter"), "0a0b");
	assert_string_equal(s_of(json_array_get(votes, 1), "created"), "2023-11-14T22:21:40Z");
	assert_string_equal(s_of(j, "type"), "comment");
	assert_int_equal(i_of(j, "id"), a);
	assert_string_equal(s_of(j, "article"), "news-1");
	assert_true(json_is_null(json_object_get(j, "parent")));
	assert_string_equal(s_of(j, "status"), "approved");
	assert_string_equal(s_of(j, "created"), "2023-11-14T22:13:20Z");
	assert_string_equal(s_of(j, "name"), "مریم");
	assert_string_equal(s_of(j, "email"), "r@example.ir");
	assert_string_equal(s_of(j, "remote_addr"), "192.0.2.7");
	assert_string_equal(s_of(j, "user_agent"), "Mozilla/5.0");
	assert_string_equal(s_of(j, "body"), "نظر اول");
	assert_true(json_is_false(json_object_get(j, "site_reply")));
	assert_string_equal(s_of(j, "addr_group"), "192.0.2.0/24");
	assert_string_equal(s_of(j, "body_hash"), "00ff10");
	assert_string_equal(s_of(j, "source_system"), "wxr");
	assert_string_equal(s_of(j, "source_id"), "17");
	assert_string_equal(s_of(j, "source_parent"), "12");
	assert_string_equal(s_of(j, "reason"), "held: links");
	assert_null(s_of(j, "updated_by"));
	assert_int_equal(json_array_size(json_object_get(j, "history")), 0);
	assert_int_equal(json_array_size(json_object_get(j, "audit")), 0);
	json_decref(j);

	j = line(t, 1);
	assert_int_equal(i_of(j, "id"), b);
	assert_int_equal(i_of(j, "parent"), a);
	assert_string_equal(s_of(j, "status"), "rejected");
	assert_string_equal(s_of(j, "body"), "a reply, edited");
	assert_int_equal(i_of(j, "version"), 3);
	assert_string_equal(s_of(j, "updated"), "2023-11-14T22:16:20Z");
	assert_string_equal(s_of(j, "updated_by"), "sara");
	assert_null(s_of(j, "source_system"));
	assert_null(s_of(j, "addr_group"));
	assert_null(s_of(j, "body_hash"));
	json_t *h = json_object_get(j, "history");
	assert_int_equal(json_array_size(h), 1);
	assert_string_equal(s_of(json_array_get(h, 0), "body"), "a reply");
	assert_string_equal(s_of(json_array_get(h, 0), "by"), "sara");
	assert_string_equal(s_of(json_array_get(h, 0), "at"), "2023-11-14T22:15:20Z");
	json_t *au = json_object_get(j, "audit");
	assert_int_equal(json_array_size(au), 2);
	assert_string_equal(s_of(json_array_get(au, 0), "action"), "edit");
	json_t *r = json_array_get(au, 1);
	assert_string_equal(s_of(r, "action"), "reject");
	assert_string_equal(s_of(r, "user"), "sara");
	assert_string_equal(s_of(r, "actor"), "sara");
	assert_string_equal(s_of(r, "remote_addr"), "198.51.100.1");
	assert_string_equal(s_of(r, "before"), "pending");
	assert_string_equal(s_of(r, "after"), "rejected");
	assert_string_equal(s_of(r, "reason"), "off-topic");
	json_decref(j);
}

/* Text that never passes the form's cleaning, put in by hand: each line
 * must still be one line of valid JSON holding the text. */
static void
hostile_text(void **state)
{
	struct t *t = *state;
	add(t, "a", 0, "n", "x", COMMENT_APPROVED, T0);
	sql(t, "UPDATE comments SET body = 'q\"b\\s/'||char(0x2028)||char(1)||char(10)||char(13)"
	    "||char(9)||char(127)||'</script>' , name = CAST(x'41ff42c0af' AS TEXT),"
	    " user_agent = char(27)||'[2J' WHERE id = 1");
	struct export_filter f = { 0 };
	assert_int_equal(export(t, &f), 1);
	assert_non_null(strchr(buf_str(&t->out), '\n'));
	assert_ptr_equal(strchr(buf_str(&t->out), '\n'), buf_str(&t->out) + t->out.len - 1);
	assert_null(strstr(buf_str(&t->out), "</script"));
	json_t *j = line(t, 0);
	assert_string_equal(s_of(j, "body"),
	    "q\"b\\s/\xe2\x80\xa8\x01\n\r\t\x7f</script>");
	assert_string_equal(s_of(j, "name"), "A\xef\xbf\xbd" "B\xef\xbf\xbd\xef\xbf\xbd");
	assert_string_equal(s_of(j, "user_agent"), "\x1b[2J");
	json_decref(j);
}

static void
times_out_of_range(void **state)
{
	struct t *t = *state;
	add(t, "a", 0, "n", "x", COMMENT_APPROVED, T0);
	sql(t, "UPDATE comments SET created = -5, updated = 253402300800 WHERE id = 1");
	struct export_filter f = { 0 };
	assert_int_equal(export(t, &f), 1);
	json_t *j = line(t, 0);
	assert_int_equal(i_of(j, "created"), -5);
	assert_int_equal(i_of(j, "updated"), 253402300800LL);
	json_decref(j);
}

static void
filters(void **state)
{
	struct t *t = *state;
	add(t, "a", 0, "n", "one", COMMENT_APPROVED, T0);
	add(t, "b", 0, "n", "two", COMMENT_APPROVED, T0 + 100);
	add(t, "a", 0, "n", "three", COMMENT_SPAM, T0 + 200);
	struct export_filter f = { .article = "a" };
	assert_int_equal(export(t, &f), 2);
	f.since = T0 + 100;
	assert_int_equal(export(t, &f), 1);
	json_t *j = line(t, 0);
	assert_string_equal(s_of(j, "body"), "three");
	json_decref(j);
	f.article = NULL;
	assert_int_equal(export(t, &f), 2);
	f.article = "none";
	assert_int_equal(export(t, &f), 0);
	/* A change after since counts: the comment is in a --since export. */
	f.article = NULL;
	f.since = T0 + 300;
	assert_int_equal(export(t, &f), 0);
	struct moderation item = { 1, 0 };
	struct moderation_result mr;
	assert_int_equal(store_moderate(t->f->st, t->f->a, &item, 1, ACTION_SPAM, NULL, t->o.who,
	    T0 + 400, &mr), STORE_OK);
	assert_int_equal(export(t, &f), 1);
}

static int
stop_at_second(void *arg, const struct export_comment *e)
{
	int *seen = arg;
	(void)e;
	return ++*seen == 2;
}

static void
writer_stops(void **state)
{
	struct t *t = *state;
	for (int i = 0; i < 3; i++)
		add(t, "a", 0, "n", "x", COMMENT_APPROVED, T0 + i);
	struct export_filter f = { 0 };
	int seen = 0, stopped = 0;
	int64_t n = 0;
	assert_int_equal(store_export(t->f->st, &f, stop_at_second, &seen, &n, &stopped),
	    STORE_ERROR);
	assert_int_equal(stopped, 1);
	assert_int_equal(n, 1);
	/* No transaction is left open: a write goes through. */
	add(t, "a", 0, "n", "y", COMMENT_APPROVED, T0 + 9);
}

/* --- article rename ------------------------------------------------------ */

static int64_t
count_article(struct t *t, const char *article)
{
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(t->f->st->db,
	    "SELECT count(*) FROM comments WHERE article = ?1", -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_text(s, 1, article, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

static void
rename_article(void **state)
{
	struct t *t = *state;
	int64_t a = add(t, "old-url", 0, "n", "top", COMMENT_APPROVED, T0);
	int64_t b = add(t, "old-url", a, "n", "reply", COMMENT_APPROVED, T0 + 1);
	add(t, "other", 0, "n", "elsewhere", COMMENT_APPROVED, T0 + 2);
	struct op_result res;
	assert_int_equal(op_article_rename(&t->o, "old-url", "new-url", false, &res), OP_OK);
	assert_int_equal(res.moved, 2);
	assert_int_equal(res.merged_into, 0);
	assert_int_equal(count_article(t, "old-url"), 0);
	assert_int_equal(count_article(t, "new-url"), 2);
	struct comment c;
	assert_int_equal(store_get_comment(t->f->st, t->f->a, b, &c), STORE_OK);
	assert_int_equal(c.parent, a);
	assert_int_equal(c.version, 2);
	assert_int_equal(c.updated, T0);
	long long counts[1];
	const char *arts[1] = { "new-url" };
	assert_int_equal(store_counts(t->f->st, arts, 1, counts), STORE_OK);
	assert_int_equal(counts[0], 2);
	struct audit_entry *rows;
	size_t n;
	long long total;
	assert_int_equal(store_audit_list(t->f->st, t->f->a, 0, 1, 10, &rows, &n, &total),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].action, "article_rename");
	assert_string_equal(rows[0].actor, "root (nazarctl)");
	assert_string_equal(rows[0].before, "old-url");
	assert_string_equal(rows[0].after, "new-url");
	assert_string_equal(rows[0].reason, "");

	/* Onto an article with comments: refused, then merged when asked. */
	assert_int_equal(op_article_rename(&t->o, "new-url", "other", false, &res),
	    OP_ARTICLE_TAKEN);
	assert_int_equal(res.merged_into, 1);
	assert_int_equal(count_article(t, "new-url"), 2);
	assert_int_equal(op_article_rename(&t->o, "new-url", "other", true, &res), OP_OK);
	assert_int_equal(res.moved, 2);
	assert_int_equal(res.merged_into, 1);
	assert_int_equal(count_article(t, "other"), 3);
	assert_int_equal(store_audit_list(t->f->st, t->f->a, 0, 1, 10, &rows, &n, &total),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].reason, "merge");

	assert_int_equal(op_article_rename(&t->o, "gone", "x", false, &res), OP_NO_ARTICLE);
	assert_int_equal(op_article_rename(&t->o, "other", "other", true, &res), OP_ARTICLE_ID);
	assert_int_equal(op_article_rename(&t->o, "other", "a b", false, &res), OP_ARTICLE_ID);
	assert_int_equal(op_article_rename(&t->o, "", "x", false, &res), OP_ARTICLE_ID);
	assert_int_equal(store_audit_list(t->f->st, t->f->a, 0, 1, 10, &rows, &n, &total),
	    STORE_OK);
	assert_int_equal(n, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(empty_database, setup, teardown),
		cmocka_unit_test_setup_teardown(every_field, setup, teardown),
		cmocka_unit_test_setup_teardown(hostile_text, setup, teardown),
		cmocka_unit_test_setup_teardown(times_out_of_range, setup, teardown),
		cmocka_unit_test_setup_teardown(filters, setup, teardown),
		cmocka_unit_test_setup_teardown(writer_stops, setup, teardown),
		cmocka_unit_test_setup_teardown(rename_article, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
