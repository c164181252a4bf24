/* test_moderation.c — the moderation store against real SQLite files: the
 * queue and its search (Persian and English, hostile queries), status
 * counts, decisions with version checks, edits and their history, site
 * replies, the audit trail, a 10,000-comment table and the query plans. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
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
#include "store_moderation.h"
#include "text.h"
#include "store_fixture.h"

#define T0 1700000000
#define NIDS(a) (sizeof(a) / sizeof((a)[0]))

static const struct actor admin = { 1, "admin", "192.0.2.1" };
static const struct actor maryam = { 2, "maryam", "192.0.2.2" };
static const struct actor reza = { 3, "reza", "2001:db8::3" };
static const struct actor cli = { 0, "nazarctl", "" };


static void
exec_sql(struct store_fixture *f, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(f->st->db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
}

static long long
raw_int(struct store_fixture *f, const char *sql)
{
	sqlite3_stmt *s;
	long long v = -1;
	assert_int_equal(sqlite3_prepare_v2(f->st->db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static int
setup(void **state)
{
	struct store_fixture *f = store_fixture_new("moderation");
	/* The moderators the decisions are recorded against. */
	exec_sql(f,
	    "INSERT INTO users (id, name, display_name, role, pwhash, created, updated) VALUES"
	    " (1, 'admin', 'مدیر سایت', 'admin', 'x', 0, 0),"
	    " (2, 'maryam', 'مریم', 'moderator', 'x', 0, 0),"
	    " (3, 'reza', 'رضا', 'moderator', 'x', 0, 0);");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	store_fixture_free(*state);
	return 0;
}

static int64_t
add_full(struct store_fixture *f, const char *article, int64_t parent, enum comment_status s, time_t when,
    const char *name, const char *email, const char *body)
{
	struct comment c = {
		.article = (char *)article, .parent = parent, .name = (char *)name,
		.email = (char *)email, .body = (char *)body, .status = s,
		.remote_addr = (char *)"198.51.100.7",
	};
	assert_int_equal(store_insert_comment(f->st, &c, when), STORE_OK);
	return c.id;
}

static int64_t
add(struct store_fixture *f, const char *article, enum comment_status s, time_t when, const char *body)
{
	return add_full(f, article, 0, s, when, "خواننده", "", body);
}

/* Whether the last queue() counted only part of a search's matches. */
static bool queue_more;

static struct queue_item *
queue(struct store_fixture *f, enum comment_status status, const char *article, const char *q, int page,
    int per_page, size_t *n, long long *total)
{
	struct queue_query qq = { .status = status, .article = article, .q = q, .page = page,
	    .per_page = per_page };
	struct queue_item *items = NULL;
	assert_int_equal(store_queue(f->st, f->a, &qq, &items, n, total, &queue_more), STORE_OK);
	if (q == NULL || *q == '\0')
		assert_false(queue_more);
	assert_non_null(items);
	return items;
}

/* The first page (up to 200) of a tab is exactly want, in that order, and
 * the total says so too. */
static void
expect_ids(struct store_fixture *f, enum comment_status status, const char *article, const char *q,
    const int64_t *want, size_t nwant)
{
	size_t n;
	long long total;
	struct queue_item *items = queue(f, status, article, q, 1, 200, &n, &total);
	if (n != nwant || total != (long long)nwant)
		fail_msg("q \"%s\": %zu rows, total %lld, want %zu", q ? q : "", n, total, nwant);
	for (size_t i = 0; i < n; i++)
		if (items[i].c.id != want[i])
			fail_msg("q \"%s\": row %zu is %lld, want %lld", q ? q : "", i,
			    (long long)items[i].c.id, (long long)want[i]);
}

static void
expect_none(struct store_fixture *f, enum comment_status status, const char *q)
{
	expect_ids(f, status, NULL, q, NULL, 0);
}

static struct moderation_result
moderate1(struct store_fixture *f, int64_t id, int64_t version, enum moderation_action action,
    const char *reason, const struct actor *who, time_t now)
{
	struct moderation item = { id, version };
	struct moderation_result res;
	assert_int_equal(store_moderate(f->st, f->a, &item, 1, action, reason, who, now, &res),
	    STORE_OK);
	return res;
}

static struct comment
get(struct store_fixture *f, int64_t id)
{
	struct comment c;
	assert_int_equal(store_get_comment(f->st, f->a, id, &c), STORE_OK);
	return c;
}

static long long
audit_rows(struct store_fixture *f)
{
	return raw_int(f, "SELECT count(*) FROM audit");
}

/* --- names ---------------------------------------------------------------- */

static void
action_names(void **state)
{
	(void)state;
	const char *names[] = { "approve", "reject", "spam", "delete", "restore" };
	for (int i = 0; i < ACTION__MAX; i++) {
		enum moderation_action a;
		assert_string_equal(moderation_action_name((enum moderation_action)i), names[i]);
		assert_int_equal(moderation_action_parse(names[i], &a), 0);
		assert_int_equal(a, i);
	}
	enum moderation_action a;
	assert_int_equal(moderation_action_parse("Approve", &a), -1);
	assert_int_equal(moderation_action_parse("approve ", &a), -1);
	assert_int_equal(moderation_action_parse("", &a), -1);
	assert_int_equal(moderation_action_parse("edit", &a), -1);
	assert_int_equal(moderation_action_parse(NULL, &a), -1);
	assert_string_equal(moderation_action_name(ACTION__MAX), "unknown");
}

/* --- the queue ------------------------------------------------------------ */

static void
queue_pending_oldest_first(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = add(f, "art-1", COMMENT_PENDING, T0 + 30, "a");
	int64_t b = add(f, "art-1", COMMENT_PENDING, T0 + 10, "b");
	int64_t c = add(f, "art-2", COMMENT_PENDING, T0 + 20, "c");
	int64_t d = add(f, "art-1", COMMENT_PENDING, T0 + 10, "d");	/* tie: by id */
	(void)add(f, "art-1", COMMENT_APPROVED, T0 + 1, "x");
	(void)add(f, "art-1", COMMENT_SPAM, T0 + 2, "y");
	int64_t want[] = { b, d, c, a };
	expect_ids(f, COMMENT_PENDING, NULL, NULL, want, 4);
	expect_ids(f, COMMENT_PENDING, "", "", want, 4);

	/* Paging: 3 a page. */
	size_t n;
	long long total;
	struct queue_item *it = queue(f, COMMENT_PENDING, NULL, NULL, 1, 3, &n, &total);
	assert_int_equal(n, 3);
	assert_int_equal(total, 4);
	assert_int_equal(it[0].c.id, b);
	assert_int_equal(it[2].c.id, c);
	it = queue(f, COMMENT_PENDING, NULL, NULL, 2, 3, &n, &total);
	assert_int_equal(n, 1);
	assert_int_equal(total, 4);
	assert_int_equal(it[0].c.id, a);
	it = queue(f, COMMENT_PENDING, NULL, NULL, 3, 3, &n, &total);
	assert_int_equal(n, 0);
	assert_int_equal(total, 4);

	/* One article. */
	int64_t want1[] = { b, d, a };
	expect_ids(f, COMMENT_PENDING, "art-1", NULL, want1, 3);
	int64_t want2[] = { c };
	expect_ids(f, COMMENT_PENDING, "art-2", NULL, want2, 1);
	expect_ids(f, COMMENT_PENDING, "art-3", NULL, NULL, 0);
	it = queue(f, COMMENT_PENDING, "art-1", NULL, 2, 2, &n, &total);
	assert_int_equal(n, 1);
	assert_int_equal(total, 3);
	assert_int_equal(it[0].c.id, a);

	/* Rows carry the whole comment. */
	it = queue(f, COMMENT_PENDING, "art-2", NULL, 1, 10, &n, &total);
	assert_string_equal(it[0].c.body, "c");
	assert_string_equal(it[0].c.article, "art-2");
	assert_string_equal(it[0].c.remote_addr, "198.51.100.7");
	assert_int_equal(it[0].c.status, COMMENT_PENDING);
	assert_int_equal(it[0].c.version, 1);
	assert_string_equal(it[0].updated_by, "");
	assert_string_equal(it[0].parent_name, "");
	assert_string_equal(it[0].parent_body, "");
}

static void
queue_newest_change_first(void **state)
{
	struct store_fixture *f = *state;
	int64_t w = add(f, "a", COMMENT_APPROVED, T0 + 5, "w");
	int64_t x = add(f, "a", COMMENT_PENDING, T0 + 1, "x");
	int64_t y = add(f, "b", COMMENT_PENDING, T0 + 2, "y");
	int64_t z = add(f, "a", COMMENT_PENDING, T0 + 3, "z");
	int64_t v = add(f, "a", COMMENT_PENDING, T0 + 4, "v");
	assert_int_equal(moderate1(f, x, 1, ACTION_APPROVE, NULL, &maryam, T0 + 100).result,
	    STORE_OK);
	assert_int_equal(moderate1(f, y, 1, ACTION_APPROVE, NULL, &reza, T0 + 300).result,
	    STORE_OK);
	assert_int_equal(moderate1(f, z, 1, ACTION_APPROVE, NULL, &cli, T0 + 200).result,
	    STORE_OK);
	assert_int_equal(moderate1(f, v, 1, ACTION_APPROVE, NULL, &maryam, T0 + 200).result,
	    STORE_OK);
	/* Newest change first; the same time: the higher id first. */
	int64_t want[] = { y, v, z, x, w };
	expect_ids(f, COMMENT_APPROVED, NULL, NULL, want, 5);
	int64_t want_a[] = { v, z, x, w };
	expect_ids(f, COMMENT_APPROVED, "a", NULL, want_a, 4);
	size_t n;
	long long total;
	struct queue_item *it = queue(f, COMMENT_APPROVED, NULL, NULL, 1, 5, &n, &total);
	assert_string_equal(it[0].updated_by, "reza");
	assert_string_equal(it[1].updated_by, "maryam");
	assert_string_equal(it[2].updated_by, "");	/* the CLI */
	assert_string_equal(it[4].updated_by, "");	/* never moderated */
	assert_int_equal(it[0].c.updated, T0 + 300);
	assert_int_equal(it[0].c.version, 2);
	it = queue(f, COMMENT_APPROVED, NULL, NULL, 2, 2, &n, &total);
	assert_int_equal(n, 2);
	assert_int_equal(total, 5);
	assert_int_equal(it[0].c.id, z);
	assert_int_equal(it[1].c.id, x);

	/* Rejected and the other tabs are ordered the same way. */
	assert_int_equal(moderate1(f, x, 0, ACTION_REJECT, "", &reza, T0 + 400).result, STORE_OK);
	assert_int_equal(moderate1(f, w, 0, ACTION_REJECT, "", &reza, T0 + 500).result, STORE_OK);
	int64_t want_r[] = { w, x };
	expect_ids(f, COMMENT_REJECTED, NULL, NULL, want_r, 2);
	expect_ids(f, COMMENT_SPAM, NULL, NULL, NULL, 0);
}

static void
queue_reply_context(void **state)
{
	struct store_fixture *f = *state;
	int64_t p = add_full(f, "a", 0, COMMENT_APPROVED, T0, "سارا", "s@example.ir",
	    "متن اصلی که پاسخ دارد");
	int64_t r = add_full(f, "a", p, COMMENT_PENDING, T0 + 1, "علی", "", "پاسخ من");
	int64_t t = add(f, "a", COMMENT_PENDING, T0 + 2, "بی‌پاسخ");
	size_t n;
	long long total;
	struct queue_item *it = queue(f, COMMENT_PENDING, NULL, NULL, 1, 50, &n, &total);
	assert_int_equal(n, 2);
	assert_int_equal(it[0].c.id, r);
	assert_int_equal(it[0].c.parent, p);
	assert_string_equal(it[0].parent_name, "سارا");
	assert_string_equal(it[0].parent_body, "متن اصلی که پاسخ دارد");
	assert_int_equal(it[1].c.id, t);
	assert_string_equal(it[1].parent_name, "");
	assert_string_equal(it[1].parent_body, "");
}

static void
queue_bad_args(void **state)
{
	struct store_fixture *f = *state;
	(void)add(f, "a", COMMENT_PENDING, T0, "x");
	struct {
		int status, page, per_page;
	} bad[] = {
		{ COMMENT_PENDING, 0, 50 }, { COMMENT_PENDING, -1, 50 },
		{ COMMENT_PENDING, 100001, 50 }, { COMMENT_PENDING, 1, 0 },
		{ COMMENT_PENDING, 1, 201 }, { COMMENT_PENDING, 1, -5 },
		{ COMMENT_STATUS__MAX, 1, 50 }, { -1, 1, 50 },
	};
	for (size_t i = 0; i < NIDS(bad); i++) {
		struct queue_query qq = { .status = (enum comment_status)bad[i].status,
		    .page = bad[i].page, .per_page = bad[i].per_page };
		struct queue_item *items = (struct queue_item *)1;
		size_t n = 7;
		long long total = 7;
		bool more = true;
		assert_int_equal(store_queue(f->st, f->a, &qq, &items, &n, &total, &more),
		    STORE_ERROR);
		assert_null(items);
		assert_int_equal(n, 0);
		assert_int_equal(total, 0);
		assert_false(more);
	}
	struct queue_item *items;
	size_t n;
	long long total;
	bool more;
	assert_int_equal(store_queue(f->st, f->a, NULL, &items, &n, &total, &more), STORE_ERROR);
	/* The edges are fine. */
	(void)queue(f, COMMENT_PENDING, NULL, NULL, 100000, 200, &n, &total);
	assert_int_equal(n, 0);
	assert_int_equal(total, 1);
	(void)queue(f, COMMENT_PENDING, NULL, NULL, 1, 1, &n, &total);
	assert_int_equal(n, 1);
}

/* --- search --------------------------------------------------------------- */

static void
search_persian(void **state)
{
	struct store_fixture *f = *state;
	int64_t c1 = add(f, "a", COMMENT_PENDING, T0 + 1, "این یک كلاهبردار است");
	int64_t c2 = add(f, "a", COMMENT_PENDING, T0 + 2, "کلاه‌بردار دیگری");
	int64_t c3 = add(f, "a", COMMENT_PENDING, T0 + 3, "علي آقا گفت");
	int64_t c4 = add(f, "a", COMMENT_PENDING, T0 + 4, "مُحَمَّد رسول");
	int64_t c5 = add(f, "a", COMMENT_PENDING, T0 + 5, "قیمت ۱۲۵۰ تومان");
	int64_t c6 = add(f, "a", COMMENT_PENDING, T0 + 6, "price 1250 dollars");
	int64_t c7 = add(f, "a", COMMENT_PENDING, T0 + 7, "ســلام دوستان");
	(void)add(f, "a", COMMENT_PENDING, T0 + 8, "نظر بی‌ربط");
	int64_t c9 = add_full(f, "a", 0, COMMENT_PENDING, T0 + 9, "Sara Example",
	    "sara@example.com", "hello there");

	int64_t fraud[] = { c1, c2 };
	expect_ids(f, COMMENT_PENDING, NULL, "کلاهبردار", fraud, 2);
	expect_ids(f, COMMENT_PENDING, NULL, "كلاهبردار", fraud, 2);
	expect_ids(f, COMMENT_PENDING, NULL, "کلاه‌بردار", fraud, 2);
	expect_ids(f, COMMENT_PENDING, NULL, "كـلاهـبـردار", fraud, 2);
	expect_ids(f, COMMENT_PENDING, NULL, "  «کلاهبردار»؟ ", fraud, 2);
	/* The last word is a prefix: "کلاه" finds کلاهبردار. */
	expect_ids(f, COMMENT_PENDING, NULL, "کلاه", fraud, 2);
	/* Words are whole: the end of a word is not a word. */
	expect_none(f, COMMENT_PENDING, "بردار");

	int64_t ali[] = { c3 };
	expect_ids(f, COMMENT_PENDING, NULL, "علی", ali, 1);
	expect_ids(f, COMMENT_PENDING, NULL, "علي", ali, 1);
	expect_ids(f, COMMENT_PENDING, NULL, "علی گفت", ali, 1);
	int64_t mhd[] = { c4 };
	expect_ids(f, COMMENT_PENDING, NULL, "محمد", mhd, 1);
	expect_ids(f, COMMENT_PENDING, NULL, "مُحمّد", mhd, 1);
	expect_ids(f, COMMENT_PENDING, NULL, "مـحـمـد رسول", mhd, 1);
	int64_t num[] = { c5, c6 };
	expect_ids(f, COMMENT_PENDING, NULL, "1250", num, 2);
	expect_ids(f, COMMENT_PENDING, NULL, "۱۲۵۰", num, 2);
	expect_ids(f, COMMENT_PENDING, NULL, "١٢٥٠", num, 2);
	int64_t toman[] = { c5 };
	expect_ids(f, COMMENT_PENDING, NULL, "۱۲۵۰ تومان", toman, 1);
	int64_t salam[] = { c7 };
	expect_ids(f, COMMENT_PENDING, NULL, "سلام", salam, 1);

	/* English: case, several words, prefix of the last word only. */
	int64_t price[] = { c6 };
	expect_ids(f, COMMENT_PENDING, NULL, "PRICE", price, 1);
	expect_ids(f, COMMENT_PENDING, NULL, "Dollars Price", price, 1);
	expect_ids(f, COMMENT_PENDING, NULL, "pri", price, 1);
	expect_ids(f, COMMENT_PENDING, NULL, "dollars PRI", price, 1);
	expect_none(f, COMMENT_PENDING, "pri dollars");
	expect_none(f, COMMENT_PENDING, "price euros");
	/* Name and e-mail are searched too. */
	int64_t sara[] = { c9 };
	expect_ids(f, COMMENT_PENDING, NULL, "sara", sara, 1);
	expect_ids(f, COMMENT_PENDING, NULL, "example.com", sara, 1);
	expect_ids(f, COMMENT_PENDING, NULL, "sara@example.com", sara, 1);
	expect_ids(f, COMMENT_PENDING, NULL, "There HELL", sara, 1);
	expect_none(f, COMMENT_PENDING, "ample");

	/* A search stays within its tab and article. */
	assert_int_equal(moderate1(f, c1, 0, ACTION_APPROVE, NULL, &maryam, T0 + 50).result,
	    STORE_OK);
	int64_t c10 = add(f, "b", COMMENT_PENDING, T0 + 10, "کلاهبردار دوم");
	int64_t p_all[] = { c2, c10 };
	expect_ids(f, COMMENT_PENDING, NULL, "کلاهبردار", p_all, 2);
	int64_t p_a[] = { c2 };
	expect_ids(f, COMMENT_PENDING, "a", "کلاهبردار", p_a, 1);
	int64_t p_b[] = { c10 };
	expect_ids(f, COMMENT_PENDING, "b", "کلاهبردار", p_b, 1);
	int64_t ap[] = { c1 };
	expect_ids(f, COMMENT_APPROVED, NULL, "کلاهبردار", ap, 1);
	expect_ids(f, COMMENT_APPROVED, "a", "کلاهبردار", ap, 1);
	expect_ids(f, COMMENT_APPROVED, "b", "کلاهبردار", NULL, 0);
	expect_none(f, COMMENT_SPAM, "کلاهبردار");
}

/* Nothing of a query reaches FTS5 as syntax: operators, column filters,
 * quotes and stars are words or nothing. Every query here answers, and
 * none matches more than its plain words do. */
static void
search_hostile(void **state)
{
	struct store_fixture *f = *state;
	int64_t hello = add(f, "a", COMMENT_PENDING, T0 + 1, "hello world");
	(void)add(f, "a", COMMENT_PENDING, T0 + 2, "spam offer");
	(void)add(f, "a", COMMENT_PENDING, T0 + 3, "سلام دنیا");
	(void)add(f, "a", COMMENT_PENDING, T0 + 4, "good morning");
	(void)add(f, "a", COMMENT_PENDING, T0 + 5, "قیمت دلار");
	(void)add(f, "a", COMMENT_PENDING, T0 + 6, "football match");
	static const char *const nothing[] = {
		"\"", "\"\"", "\"\"\"", "*", "**", "\"*\"", "^", ":", "()", ")", "(", "-", "+",
		"\"hello\" OR \"spam\"", "hello OR spam", "hello AND world", "hello NOT spam",
		"NOT hello", "NEAR(hello world)", "NEAR(hello world, 5)", "NEAR/2 hello",
		"folded:hello", "{folded}: hello", "folded : hello", "- folded:spam",
		"comments_fts", "rowid:1", "rowid = 1", "* OR *", "a\"b", "hel*lo",
		"'; DROP TABLE comments; --", "\\", "%", "_", "یا", "و", "\xff\xfe\xfd",
		"\xc0\x80", "\xed\xa0\x80", "\xe2\x80\xae", "\xe2\x80\x8c", "ـ", "\xd9\x8e",
		/* the index's own tokens for the status and the article ("a" is
		 * "_61"): no search reaches them */
		"pending", "_pending", "pend", "status:pending", "{status}: _pending",
		"status : \"_pending\"", "61", "_61", "article:_61", "_", "__",
		/* letters older SQLite tables may not know (Adlam, Unicode 9) */
		"\xf0\x9e\xa4\x80\xf0\x9e\xa4\x81",
	};
	for (size_t i = 0; i < NIDS(nothing); i++)
		expect_none(f, COMMENT_PENDING, nothing[i]);
	int64_t h[] = { hello };
	static const char *const just_hello[] = {
		"hello", "^hello", "hello*", "(hello", "hello world)", "- hello", "\"hello\"",
		"hello\xffworld", "\xe2\x80\xaehello\xe2\x80\xac", "HeLLo", "h",
		"\"hello world\"", "hello\"*", "NEAR hello",
	};
	for (size_t i = 0; i < NIDS(just_hello); i++) {
		if (strcmp(just_hello[i], "NEAR hello") == 0)
			expect_none(f, COMMENT_PENDING, just_hello[i]);
		else
			expect_ids(f, COMMENT_PENDING, NULL, just_hello[i], h, 1);
	}
	/* 10 KB queries: of one word, of operators, of quotes, of one letter,
	 * of random bytes. */
	size_t big = 10 * 1024;
	char *q = malloc(big + 1);
	assert_non_null(q);
	const char *units[] = { "hello ", "OR ", "\"", "a", "NEAR(", "*\"^:" };
	for (size_t u = 0; u < NIDS(units); u++) {
		size_t ul = strlen(units[u]), len = 0;
		while (len + ul <= big) {
			memcpy(q + len, units[u], ul);
			len += ul;
		}
		q[len] = '\0';
		if (u == 0)
			expect_ids(f, COMMENT_PENDING, NULL, q, h, 1);
		else
			expect_none(f, COMMENT_PENDING, q);
	}
	srand(7);
	for (int round = 0; round < 20; round++) {
		for (size_t i = 0; i < big; i++)
			q[i] = (char)(1 + rand() % 255);
		q[big] = '\0';
		size_t n;
		long long total;
		(void)queue(f, COMMENT_PENDING, NULL, q, 1, 50, &n, &total);
		assert_true(total < 6);
	}
	free(q);
	/* The connection is fine after all of that. */
	assert_int_equal(store_ping(f->st), STORE_OK);
	expect_ids(f, COMMENT_PENDING, NULL, "world", h, 1);
}

/* --- counts --------------------------------------------------------------- */

/* The counts against a GROUP BY over the table itself. */
static void
check_counts(struct store_fixture *f, const char *article)
{
	long long counts[COMMENT_STATUS__MAX];
	assert_int_equal(store_status_counts(f->st, article, counts), STORE_OK);
	for (int i = 0; i < COMMENT_STATUS__MAX; i++) {
		char sql[256];
		if (article == NULL)
			snprintf(sql, sizeof(sql),
			    "SELECT count(*) FROM comments WHERE status = '%s'",
			    comment_status_name((enum comment_status)i));
		else
			snprintf(sql, sizeof(sql),
			    "SELECT count(*) FROM comments WHERE status = '%s' AND article = '%s'",
			    comment_status_name((enum comment_status)i), article);
		assert_int_equal(counts[i], raw_int(f, sql));
	}
}

/* The search index follows each comment's status, article and text: a
 * decision moves it to its new tab's searches, a renamed article takes its
 * comments along, a deleted row leaves the index. store_check agrees. */
static void
check_quiet(void *arg, const char *text)
{
	(void)arg;
	fail_msg("store_check: %s", text);
}

static void
search_follows_changes(void **state)
{
	struct store_fixture *f = *state;
	static const char long_article[] =
	    "news/2024/05/01:a-very-long-article-id_with.every-allowed-character-"
	    "0123456789012345678901234567890123456789012345678901234567890123456789"
	    "01234567890123456789012345678901234567890123456789012345678901";
	int64_t a1 = add(f, "news-1", COMMENT_PENDING, T0 + 1, "زلزله در کرمان");
	int64_t a2 = add(f, "news-1", COMMENT_PENDING, T0 + 2, "زلزله دیگر");
	int64_t b1 = add(f, "news-10", COMMENT_PENDING, T0 + 3, "زلزله بزرگ");
	int64_t l1 = add(f, long_article, COMMENT_PENDING, T0 + 4, "زلزله و پس‌لرزه");
	int64_t all[] = { a1, a2, b1, l1 };
	expect_ids(f, COMMENT_PENDING, NULL, "زلزله", all, 4);
	int64_t in_a[] = { a1, a2 }, in_b[] = { b1 }, in_l[] = { l1 };
	expect_ids(f, COMMENT_PENDING, "news-1", "زلزله", in_a, 2);
	expect_ids(f, COMMENT_PENDING, "news-10", "زلزله", in_b, 1);
	expect_ids(f, COMMENT_PENDING, long_article, "زلزله", in_l, 1);
	expect_ids(f, COMMENT_PENDING, "news-", "زلزله", NULL, 0);
	expect_ids(f, COMMENT_PENDING, "news", "زلزله", NULL, 0);
	/* Approved: out of the pending tab's search, into the approved one. */
	(void)moderate1(f, a2, 0, ACTION_APPROVE, NULL, &maryam, T0 + 10);
	int64_t left[] = { a1, b1, l1 }, approved[] = { a2 };
	expect_ids(f, COMMENT_PENDING, NULL, "زلزله", left, 3);
	expect_ids(f, COMMENT_APPROVED, NULL, "زلزله", approved, 1);
	expect_ids(f, COMMENT_APPROVED, "news-1", "زلز", approved, 1);
	expect_ids(f, COMMENT_REJECTED, NULL, "زلزله", NULL, 0);
	/* Restored to pending, then rejected: the index follows each time. */
	(void)moderate1(f, a2, 0, ACTION_REJECT, NULL, &maryam, T0 + 11);
	expect_ids(f, COMMENT_APPROVED, NULL, "زلزله", NULL, 0);
	expect_ids(f, COMMENT_REJECTED, "news-1", "زلزله", approved, 1);
	/* An article renamed (as op_article_rename does it). */
	exec_sql(f, "UPDATE comments SET article = 'news-2' WHERE article = 'news-1'");
	int64_t moved[] = { a1 };
	expect_ids(f, COMMENT_PENDING, "news-1", "زلزله", NULL, 0);
	expect_ids(f, COMMENT_PENDING, "news-2", "زلزله", moved, 1);
	/* A row removed (as forgetting a reader or a purge does). */
	char sql[64];
	snprintf(sql, sizeof(sql), "DELETE FROM comments WHERE id = %lld", (long long)b1);
	exec_sql(f, sql);
	int64_t rest[] = { a1, l1 };
	expect_ids(f, COMMENT_PENDING, NULL, "زلزله", rest, 2);
	int64_t problems = -1;
	assert_int_equal(store_check(f->st, check_quiet, NULL, &problems), STORE_OK);
	assert_int_equal(problems, 0);
}

/* The last word is also a prefix, however it is read: alone when no
 * other indexed word starts with it, with the few that do, or as FTS5's
 * prefix when many do or the word is not plain letters of the index. */
static void
search_prefix_words(void **state)
{
	struct store_fixture *f = *state;
	int64_t book = add(f, "a", COMMENT_PENDING, T0 + 1, "کتاب خوبی بود");
	int64_t library = add(f, "a", COMMENT_PENDING, T0 + 2, "کتابخانه شهر");
	int64_t books = add(f, "a", COMMENT_PENDING, T0 + 3, "کتاب‌ها و دفترها");
	int64_t other = add(f, "a", COMMENT_PENDING, T0 + 4, "کتری جوش آمد");
	int64_t hello = add(f, "a", COMMENT_PENDING, T0 + 5, "привет мир");
	int64_t all3[] = { book, library, books };
	expect_ids(f, COMMENT_PENDING, NULL, "کتاب", all3, 3);
	expect_ids(f, COMMENT_PENDING, NULL, "كتاب", all3, 3);
	int64_t lib[] = { library }, lib_books[] = { library, books };
	expect_ids(f, COMMENT_PENDING, NULL, "کتابخانه", lib, 1);
	expect_ids(f, COMMENT_PENDING, NULL, "کتابخ", lib, 1);
	expect_ids(f, COMMENT_PENDING, NULL, "کتابخانه‌ای", NULL, 0);
	int64_t four[] = { book, library, books, other };
	expect_ids(f, COMMENT_PENDING, NULL, "کت", four, 4);
	/* The prefix with other words before it. */
	expect_ids(f, COMMENT_PENDING, NULL, "شهر کتاب", lib, 1);
	expect_ids(f, COMMENT_PENDING, NULL, "دفترها کتاب", &lib_books[1], 1);
	/* Not letters the index keeps as they are: FTS5's own prefix. */
	int64_t h[] = { hello };
	expect_ids(f, COMMENT_PENDING, NULL, "прив", h, 1);
	expect_ids(f, COMMENT_PENDING, NULL, "ПРИВЕТ", h, 1);
	/* Many words start with it: more than are looked up one by one. */
	int64_t many[12];
	for (int i = 0; i < 12; i++) {
		char body[64];
		snprintf(body, sizeof(body), "word%c%d and more", 'a' + i, i);
		many[i] = add(f, "a", COMMENT_APPROVED, T0 + 10 + i, body);
	}
	int64_t newest[12];
	for (int i = 0; i < 12; i++)
		newest[i] = many[11 - i];
	expect_ids(f, COMMENT_APPROVED, NULL, "word", newest, 12);
	expect_ids(f, COMMENT_APPROVED, NULL, "WORDC", &newest[9], 1);
	expect_ids(f, COMMENT_APPROVED, NULL, "more wor", newest, 12);
}

static void
counts_follow_moderation(void **state)
{
	struct store_fixture *f = *state;
	long long counts[COMMENT_STATUS__MAX];
	assert_int_equal(store_status_counts(f->st, NULL, counts), STORE_OK);
	for (int i = 0; i < COMMENT_STATUS__MAX; i++)
		assert_int_equal(counts[i], 0);
	int64_t ids[12];
	for (int i = 0; i < 12; i++)
		ids[i] = add(f, i % 3 ? "a" : "b", i % 4 == 0 ? COMMENT_APPROVED : COMMENT_PENDING,
		    T0 + i, "متن");
	check_counts(f, NULL);
	check_counts(f, "a");
	check_counts(f, "b");
	assert_int_equal(store_status_counts(f->st, NULL, counts), STORE_OK);
	assert_int_equal(counts[COMMENT_PENDING], 9);
	assert_int_equal(counts[COMMENT_APPROVED], 3);
	assert_int_equal(store_status_counts(f->st, "b", counts), STORE_OK);
	assert_int_equal(counts[COMMENT_PENDING], 3);
	assert_int_equal(counts[COMMENT_APPROVED], 1);

	struct moderation batch[] = { { ids[1], 0 }, { ids[2], 0 }, { ids[3], 0 } };
	struct moderation_result res[3];
	assert_int_equal(store_moderate(f->st, f->a, batch, 3, ACTION_APPROVE, NULL, &maryam,
	    T0 + 100, res), STORE_OK);
	assert_int_equal(moderate1(f, ids[5], 0, ACTION_REJECT, "x", &maryam, T0 + 101).result,
	    STORE_OK);
	assert_int_equal(moderate1(f, ids[6], 0, ACTION_SPAM, "x", &maryam, T0 + 102).result,
	    STORE_OK);
	assert_int_equal(moderate1(f, ids[7], 0, ACTION_DELETE, NULL, &maryam, T0 + 103).result,
	    STORE_OK);
	assert_int_equal(moderate1(f, ids[0], 0, ACTION_DELETE, NULL, &maryam, T0 + 104).result,
	    STORE_OK);
	check_counts(f, NULL);
	check_counts(f, "a");
	check_counts(f, "b");
	assert_int_equal(store_status_counts(f->st, "", counts), STORE_OK);
	assert_int_equal(counts[COMMENT_PENDING], 3);
	assert_int_equal(counts[COMMENT_APPROVED], 5);
	assert_int_equal(counts[COMMENT_REJECTED], 1);
	assert_int_equal(counts[COMMENT_SPAM], 1);
	assert_int_equal(counts[COMMENT_DELETED], 1 + 1);

	assert_int_equal(moderate1(f, ids[7], 0, ACTION_RESTORE, NULL, &maryam, T0 + 105).result,
	    STORE_OK);
	int64_t reply;
	assert_int_equal(store_site_reply(f->st, ids[4], "مدیر", "پاسخ", &admin, T0 + 106,
	    &reply), STORE_OK);
	struct moderation_result mr;
	assert_int_equal(store_edit_comment(f->st, f->a, ids[8], 0, "متن تازه", &reza, T0 + 107,
	    &mr), STORE_OK);
	check_counts(f, NULL);
	check_counts(f, "a");
	check_counts(f, "b");
	assert_int_equal(store_status_counts(f->st, NULL, counts), STORE_OK);
	assert_int_equal(counts[COMMENT_PENDING], 4);
	assert_int_equal(counts[COMMENT_APPROVED], 6);
	assert_int_equal(counts[COMMENT_DELETED], 1);
	/* An article nobody wrote under, and a hostile article id. */
	assert_int_equal(store_status_counts(f->st, "nothing", counts), STORE_OK);
	for (int i = 0; i < COMMENT_STATUS__MAX; i++)
		assert_int_equal(counts[i], 0);
	assert_int_equal(store_status_counts(f->st, "a' OR '1'='1", counts), STORE_OK);
	for (int i = 0; i < COMMENT_STATUS__MAX; i++)
		assert_int_equal(counts[i], 0);
	/* The tab totals of the queue agree with the counts. */
	assert_int_equal(store_status_counts(f->st, NULL, counts), STORE_OK);
	for (int i = 0; i < COMMENT_STATUS__MAX; i++) {
		size_t n;
		long long total;
		(void)queue(f, (enum comment_status)i, NULL, NULL, 1, 50, &n, &total);
		assert_int_equal(total, counts[i]);
		assert_int_equal(n, (size_t)counts[i]);
	}
}

/* --- decisions ------------------------------------------------------------ */

struct audit_row {
	long long user_id, comment_id;
	char actor[64], remote_addr[64], action[32], before[64], after[64], reason[64];
};

/* The audit rows for a comment, oldest first. */
static size_t
audit_of(struct store_fixture *f, int64_t comment_id, struct audit_row *rows, size_t max)
{
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(f->st->db,
	    "SELECT coalesce(user_id, 0), coalesce(comment_id, 0), actor, remote_addr, action,"
	    " before, after, reason FROM audit WHERE comment_id = ?1 ORDER BY id", -1, &s, NULL),
	    SQLITE_OK);
	sqlite3_bind_int64(s, 1, comment_id);
	size_t n = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		assert_true(n < max);
		struct audit_row *r = &rows[n++];
		r->user_id = sqlite3_column_int64(s, 0);
		r->comment_id = sqlite3_column_int64(s, 1);
		snprintf(r->actor, sizeof(r->actor), "%s", sqlite3_column_text(s, 2));
		snprintf(r->remote_addr, sizeof(r->remote_addr), "%s", sqlite3_column_text(s, 3));
		snprintf(r->action, sizeof(r->action), "%s", sqlite3_column_text(s, 4));
		snprintf(r->before, sizeof(r->before), "%s", sqlite3_column_text(s, 5));
		snprintf(r->after, sizeof(r->after), "%s", sqlite3_column_text(s, 6));
		snprintf(r->reason, sizeof(r->reason), "%s", sqlite3_column_text(s, 7));
	}
	sqlite3_finalize(s);
	return n;
}

static void
moderate_batch(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = add(f, "art", COMMENT_PENDING, T0, "a");
	int64_t b = add(f, "art", COMMENT_PENDING, T0 + 1, "b");
	int64_t c = add(f, "art", COMMENT_PENDING, T0 + 2, "c");
	struct moderation items[] = { { a, 0 }, { 9999, 0 }, { c, 5 }, { b, 1 }, { -3, 1 } };
	struct moderation_result res[5];
	assert_int_equal(store_moderate(f->st, f->a, items, 5, ACTION_APPROVE, "ignored",
	    &maryam, T0 + 100, res), STORE_OK);
	assert_int_equal(res[0].result, STORE_OK);
	assert_int_equal(res[0].status, COMMENT_APPROVED);
	assert_int_equal(res[1].result, STORE_NOT_FOUND);
	assert_int_equal(res[2].result, STORE_CONFLICT);
	assert_int_equal(res[2].status, COMMENT_PENDING);
	assert_int_equal(res[2].updated, T0 + 2);
	assert_string_equal(res[2].updated_by, "");
	assert_int_equal(res[3].result, STORE_OK);
	assert_int_equal(res[4].result, STORE_NOT_FOUND);

	struct comment g = get(f, a);
	assert_int_equal(g.status, COMMENT_APPROVED);
	assert_int_equal(g.version, 2);
	assert_int_equal(g.updated, T0 + 100);
	assert_string_equal(g.reason, "");	/* no reason for an approval */
	g = get(f, c);
	assert_int_equal(g.status, COMMENT_PENDING);
	assert_int_equal(g.version, 1);
	assert_int_equal(raw_int(f, "SELECT updated_by FROM comments WHERE id = 1"), 2);

	/* One audit row per changed comment, none for the others. */
	assert_int_equal(audit_rows(f), 2);
	struct audit_row rows[4];
	assert_int_equal(audit_of(f, a, rows, 4), 1);
	assert_int_equal(rows[0].user_id, 2);
	assert_int_equal(rows[0].comment_id, a);
	assert_string_equal(rows[0].actor, "maryam");
	assert_string_equal(rows[0].remote_addr, "192.0.2.2");
	assert_string_equal(rows[0].action, "approve");
	assert_string_equal(rows[0].before, "pending");
	assert_string_equal(rows[0].after, "approved");
	assert_string_equal(rows[0].reason, "");
	assert_int_equal(audit_of(f, c, rows, 4), 0);

	/* A rejection and a spam decision keep their reason, on the comment
	 * and in the audit; approving again clears it. */
	struct moderation_result r = moderate1(f, a, 2, ACTION_REJECT, "توهین", &reza, T0 + 200);
	assert_int_equal(r.result, STORE_OK);
	assert_int_equal(r.status, COMMENT_REJECTED);
	g = get(f, a);
	assert_string_equal(g.reason, "توهین");
	assert_int_equal(g.version, 3);
	assert_int_equal(audit_of(f, a, rows, 4), 2);
	assert_string_equal(rows[1].action, "reject");
	assert_string_equal(rows[1].before, "approved");
	assert_string_equal(rows[1].after, "rejected");
	assert_string_equal(rows[1].reason, "توهین");
	assert_string_equal(rows[1].remote_addr, "2001:db8::3");
	assert_int_equal(moderate1(f, b, 0, ACTION_SPAM, NULL, &reza, T0 + 201).result, STORE_OK);
	assert_string_equal(get(f, b).reason, "");
	assert_int_equal(moderate1(f, c, 0, ACTION_SPAM, "تبلیغ", &reza, T0 + 202).result,
	    STORE_OK);
	assert_string_equal(get(f, c).reason, "تبلیغ");
	assert_int_equal(moderate1(f, c, 0, ACTION_APPROVE, "تبلیغ", &reza, T0 + 203).result,
	    STORE_OK);
	assert_string_equal(get(f, c).reason, "");

	/* Nothing to do is fine; bad arguments are refused. */
	assert_int_equal(store_moderate(f->st, f->a, NULL, 0, ACTION_APPROVE, NULL, &reza, T0,
	    NULL), STORE_OK);
	assert_int_equal(store_moderate(f->st, f->a, items, 1, ACTION__MAX, NULL, &reza, T0, res),
	    STORE_ERROR);
	assert_int_equal(store_moderate(f->st, f->a, NULL, 1, ACTION_APPROVE, NULL, &reza, T0,
	    res), STORE_ERROR);
	assert_int_equal(store_moderate(f->st, f->a, items, 1, ACTION_APPROVE, NULL, &reza, T0,
	    NULL), STORE_ERROR);
}

/* A batch is one transaction: when a step fails, nothing of it stays. */
static void
moderate_all_or_nothing(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = add(f, "art", COMMENT_PENDING, T0, "a");
	int64_t b = add(f, "art", COMMENT_PENDING, T0 + 1, "b");
	struct moderation items[] = { { a, 0 }, { b, 0 } };
	struct moderation_result res[2];
	/* A user id that is no user: the first update already fails its
	 * reference; the whole batch is refused. */
	const struct actor ghost = { 99, "ghost", "192.0.2.99" };
	assert_int_equal(store_moderate(f->st, f->a, items, 2, ACTION_APPROVE, NULL, &ghost,
	    T0 + 10, res), STORE_ERROR);
	assert_int_equal(get(f, a).status, COMMENT_PENDING);
	assert_int_equal(get(f, a).version, 1);
	assert_int_equal(get(f, b).status, COMMENT_PENDING);
	assert_int_equal(audit_rows(f), 0);
	/* The connection is usable afterwards. */
	assert_int_equal(store_moderate(f->st, f->a, items, 2, ACTION_APPROVE, NULL, &maryam,
	    T0 + 11, res), STORE_OK);
	assert_int_equal(get(f, b).status, COMMENT_APPROVED);
	assert_int_equal(audit_rows(f), 2);
}

static void
moderate_conflict(void **state)
{
	struct store_fixture *f = *state;
	int64_t c = add(f, "art", COMMENT_PENDING, T0, "متن");
	/* Both moderators saw version 1; maryam approves first. */
	struct moderation_result r = moderate1(f, c, 1, ACTION_APPROVE, NULL, &maryam, T0 + 50);
	assert_int_equal(r.result, STORE_OK);
	r = moderate1(f, c, 1, ACTION_REJECT, "x", &reza, T0 + 60);
	assert_int_equal(r.result, STORE_CONFLICT);
	assert_int_equal(r.status, COMMENT_APPROVED);
	assert_int_equal(r.updated, T0 + 50);
	assert_string_equal(r.updated_by, "maryam");
	struct comment g = get(f, c);
	assert_int_equal(g.status, COMMENT_APPROVED);
	assert_int_equal(g.version, 2);
	assert_int_equal(audit_rows(f), 1);
	/* With the version now shown, the decision goes through. */
	r = moderate1(f, c, 2, ACTION_REJECT, "x", &reza, T0 + 70);
	assert_int_equal(r.result, STORE_OK);
	assert_int_equal(get(f, c).version, 3);

	/* A change from the CLI: no user to name. */
	r = moderate1(f, c, 0, ACTION_SPAM, NULL, &cli, T0 + 80);
	assert_int_equal(r.result, STORE_OK);
	r = moderate1(f, c, 3, ACTION_APPROVE, NULL, &maryam, T0 + 90);
	assert_int_equal(r.result, STORE_CONFLICT);
	assert_int_equal(r.status, COMMENT_SPAM);
	assert_int_equal(r.updated, T0 + 80);
	assert_string_equal(r.updated_by, "");
	struct audit_row rows[8];
	size_t n = audit_of(f, c, rows, 8);
	assert_int_equal(n, 3);
	assert_int_equal(rows[2].user_id, 0);
	assert_string_equal(rows[2].actor, "nazarctl");
	assert_string_equal(rows[2].remote_addr, "");
	assert_int_equal(raw_int(f, "SELECT count(*) FROM audit WHERE user_id IS NULL"), 1);
	/* No actor at all is the CLI too. */
	r = moderate1(f, c, 0, ACTION_APPROVE, NULL, NULL, T0 + 95);
	assert_int_equal(r.result, STORE_OK);
	n = audit_of(f, c, rows, 8);
	assert_int_equal(n, 4);
	assert_string_equal(rows[3].actor, "nazarctl");
}

static void
moderate_idempotent(void **state)
{
	struct store_fixture *f = *state;
	int64_t c = add(f, "art", COMMENT_PENDING, T0, "متن");
	struct moderation_result r = moderate1(f, c, 1, ACTION_APPROVE, NULL, &maryam, T0 + 10);
	assert_int_equal(r.result, STORE_OK);
	assert_int_equal(audit_rows(f), 1);
	/* The same form sent twice (version 1 again), and the same decision
	 * by someone else: done already, nothing changes, nothing is logged. */
	r = moderate1(f, c, 1, ACTION_APPROVE, NULL, &maryam, T0 + 20);
	assert_int_equal(r.result, STORE_OK);
	assert_int_equal(r.status, COMMENT_APPROVED);
	r = moderate1(f, c, 0, ACTION_APPROVE, NULL, &reza, T0 + 30);
	assert_int_equal(r.result, STORE_OK);
	struct comment g = get(f, c);
	assert_int_equal(g.version, 2);
	assert_int_equal(g.updated, T0 + 10);
	assert_int_equal(audit_rows(f), 1);
	size_t n;
	long long total;
	struct queue_item *it = queue(f, COMMENT_APPROVED, NULL, NULL, 1, 10, &n, &total);
	assert_string_equal(it[0].updated_by, "maryam");
}

static void
moderate_delete_restore(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = add(f, "art", COMMENT_APPROVED, T0, "a");
	int64_t b = add(f, "art", COMMENT_PENDING, T0 + 1, "b");
	long long rows_before = raw_int(f, "SELECT count(*) FROM comments");
	/* Deleting keeps the row. */
	assert_int_equal(moderate1(f, a, 1, ACTION_DELETE, NULL, &maryam, T0 + 10).result,
	    STORE_OK);
	struct comment g = get(f, a);
	assert_int_equal(g.status, COMMENT_DELETED);
	assert_string_equal(g.body, "a");
	assert_int_equal(raw_int(f, "SELECT count(*) FROM comments"), rows_before);
	int64_t del[] = { a };
	expect_ids(f, COMMENT_DELETED, NULL, NULL, del, 1);
	/* ... and it is gone from the public thread. */
	struct comment *thread;
	size_t n;
	long long approved, top;
	assert_int_equal(store_thread(f->st, f->a, "art", 1, 50, NULL, 0, &thread, &n, &approved,
	    &top), STORE_OK);
	assert_int_equal(n, 0);
	/* Restore brings it back for review. */
	struct moderation_result r = moderate1(f, a, 2, ACTION_RESTORE, NULL, &reza, T0 + 20);
	assert_int_equal(r.result, STORE_OK);
	assert_int_equal(r.status, COMMENT_PENDING);
	assert_int_equal(get(f, a).status, COMMENT_PENDING);
	struct audit_row rows[4];
	assert_int_equal(audit_of(f, a, rows, 4), 2);
	assert_string_equal(rows[0].action, "delete");
	assert_string_equal(rows[0].before, "approved");
	assert_string_equal(rows[0].after, "deleted");
	assert_string_equal(rows[1].action, "restore");
	assert_string_equal(rows[1].before, "deleted");
	assert_string_equal(rows[1].after, "pending");
	/* From spam and from rejected as well. */
	assert_int_equal(moderate1(f, b, 0, ACTION_SPAM, NULL, &reza, T0 + 30).result, STORE_OK);
	assert_int_equal(moderate1(f, b, 0, ACTION_RESTORE, NULL, &reza, T0 + 31).result,
	    STORE_OK);
	assert_int_equal(get(f, b).status, COMMENT_PENDING);
	assert_int_equal(moderate1(f, b, 0, ACTION_REJECT, NULL, &reza, T0 + 32).result,
	    STORE_OK);
	assert_int_equal(moderate1(f, b, 0, ACTION_RESTORE, NULL, &reza, T0 + 33).result,
	    STORE_OK);
	assert_int_equal(get(f, b).status, COMMENT_PENDING);
	/* Restoring what is pending changes nothing. */
	long long audits = audit_rows(f);
	assert_int_equal(moderate1(f, b, 0, ACTION_RESTORE, NULL, &reza, T0 + 34).result,
	    STORE_OK);
	assert_int_equal(audit_rows(f), audits);
	/* A published comment is not "restored" to pending. */
	assert_int_equal(moderate1(f, b, 0, ACTION_APPROVE, NULL, &maryam, T0 + 40).result,
	    STORE_OK);
	r = moderate1(f, b, 0, ACTION_RESTORE, NULL, &reza, T0 + 41);
	assert_int_equal(r.result, STORE_CONFLICT);
	assert_int_equal(r.status, COMMENT_APPROVED);
	assert_string_equal(r.updated_by, "maryam");
	assert_int_equal(get(f, b).status, COMMENT_APPROVED);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM comments"), rows_before);
}

/* --- edits ---------------------------------------------------------------- */

static void
edit_keeps_history(void **state)
{
	struct store_fixture *f = *state;
	int64_t c = add(f, "art", COMMENT_PENDING, T0, "متن اول");
	struct history_entry *h;
	size_t n;
	assert_int_equal(store_comment_history(f->st, f->a, c, &h, &n), STORE_OK);
	assert_int_equal(n, 0);

	struct moderation_result r;
	assert_int_equal(store_edit_comment(f->st, f->a, c, 1, "متن دوم", &maryam, T0 + 10, &r),
	    STORE_OK);
	assert_int_equal(r.result, STORE_OK);
	assert_int_equal(r.updated, T0 + 10);
	assert_string_equal(r.updated_by, "maryam");
	struct comment g = get(f, c);
	assert_string_equal(g.body, "متن دوم");
	assert_int_equal(g.version, 2);
	assert_int_equal(g.updated, T0 + 10);
	assert_int_equal(g.status, COMMENT_PENDING);
	assert_int_equal(store_edit_comment(f->st, f->a, c, 2, "متن سوم", &reza, T0 + 20, &r),
	    STORE_OK);
	assert_int_equal(store_comment_history(f->st, f->a, c, &h, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(h[0].at, T0 + 10);
	assert_string_equal(h[0].by, "maryam");
	assert_string_equal(h[0].body, "متن اول");
	assert_int_equal(h[1].at, T0 + 20);
	assert_string_equal(h[1].by, "reza");
	assert_string_equal(h[1].body, "متن دوم");

	/* A stale version: refused, with who and when. */
	assert_int_equal(store_edit_comment(f->st, f->a, c, 2, "متن چهارم", &maryam, T0 + 30, &r),
	    STORE_CONFLICT);
	assert_int_equal(r.result, STORE_CONFLICT);
	assert_int_equal(r.updated, T0 + 20);
	assert_string_equal(r.updated_by, "reza");
	assert_int_equal(r.status, COMMENT_PENDING);
	assert_string_equal(get(f, c).body, "متن سوم");
	assert_int_equal(store_comment_history(f->st, f->a, c, &h, &n), STORE_OK);
	assert_int_equal(n, 2);
	/* The same text again changes nothing. */
	assert_int_equal(store_edit_comment(f->st, f->a, c, 3, "متن سوم", &maryam, T0 + 40, &r),
	    STORE_OK);
	assert_int_equal(get(f, c).version, 3);
	assert_int_equal(store_comment_history(f->st, f->a, c, &h, &n), STORE_OK);
	assert_int_equal(n, 2);
	/* Missing, and no text. */
	assert_int_equal(store_edit_comment(f->st, f->a, 9999, 0, "x", &maryam, T0, &r),
	    STORE_NOT_FOUND);
	assert_int_equal(r.result, STORE_NOT_FOUND);
	assert_int_equal(store_edit_comment(f->st, f->a, c, 0, NULL, &maryam, T0, &r),
	    STORE_ERROR);
	assert_int_equal(store_edit_comment(f->st, f->a, c, 0, "بدون نتیجه", &maryam, T0 + 41,
	    NULL), STORE_OK);
	assert_string_equal(get(f, c).body, "بدون نتیجه");
	assert_int_equal(store_comment_history(f->st, f->a, 9999, &h, &n), STORE_OK);
	assert_int_equal(n, 0);

	/* The audit has each edit with the text before and after. */
	struct audit_row rows[8];
	size_t na = audit_of(f, c, rows, 8);
	assert_int_equal(na, 3);
	assert_string_equal(rows[0].action, "edit");
	assert_string_equal(rows[0].before, "متن اول");
	assert_string_equal(rows[0].after, "متن دوم");
	assert_string_equal(rows[1].actor, "reza");
	/* The search index follows the text. */
	int64_t want[] = { c };
	expect_ids(f, COMMENT_PENDING, NULL, "نتیجه", want, 1);
	expect_none(f, COMMENT_PENDING, "سوم");
}

static void
edit_audit_excerpt(void **state)
{
	struct store_fixture *f = *state;
	/* Before: 300 code points of two bytes. After: 200 of them, a ZWNJ
	 * of three bytes, 10 more. Both are cut after 200 code points. */
	char before[700], after[700];
	for (int i = 0; i < 300; i++)
		memcpy(before + 2 * i, "ب", 2);
	before[600] = '\0';
	memcpy(after, before, 400);
	memcpy(after + 400, "\xe2\x80\x8c", 3);
	memcpy(after + 403, before, 20);
	after[423] = '\0';
	int64_t c = add(f, "art", COMMENT_PENDING, T0, before);
	assert_int_equal(store_edit_comment(f->st, f->a, c, 1, after, &maryam, T0 + 1, NULL),
	    STORE_OK);
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(f->st->db,
	    "SELECT before, after FROM audit WHERE action = 'edit'", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	const char *ab = (const char *)sqlite3_column_text(s, 0);
	const char *aa = (const char *)sqlite3_column_text(s, 1);
	assert_true(utf8_valid(ab, strlen(ab)));
	assert_true(utf8_valid(aa, strlen(aa)));
	assert_int_equal(utf8_length(ab, strlen(ab)), 201);
	assert_int_equal(utf8_length(aa, strlen(aa)), 201);
	assert_int_equal(strlen(ab), 400 + 3);
	assert_string_equal(ab + 400, "…");
	sqlite3_finalize(s);
	/* The history keeps the whole text. */
	struct history_entry *h;
	size_t n;
	assert_int_equal(store_comment_history(f->st, f->a, c, &h, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(h[0].body, before);
}

/* --- site replies --------------------------------------------------------- */

static void
site_reply(void **state)
{
	struct store_fixture *f = *state;
	int64_t p = add(f, "news/1", COMMENT_APPROVED, T0, "پرسش خواننده");
	int64_t id = 0;
	assert_int_equal(store_site_reply(f->st, p, "مدیر سایت", "پاسخ سایت", &admin, T0 + 5,
	    &id), STORE_OK);
	assert_true(id > p);
	struct comment g = get(f, id);
	assert_int_equal(g.status, COMMENT_APPROVED);
	assert_true(g.site_reply);
	assert_string_equal(g.name, "مدیر سایت");
	assert_string_equal(g.email, "");
	assert_string_equal(g.body, "پاسخ سایت");
	assert_string_equal(g.article, "news/1");
	assert_string_equal(g.remote_addr, "192.0.2.1");
	assert_int_equal(g.parent, p);
	assert_int_equal(g.created, T0 + 5);
	assert_int_equal(g.version, 1);
	/* Public at once, under its parent. */
	struct comment *rows;
	size_t n;
	long long approved, top;
	assert_int_equal(store_thread(f->st, f->a, "news/1", 1, 50, NULL, 0, &rows, &n, &approved,
	    &top), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(rows[1].id, id);
	assert_true(rows[1].site_reply);
	struct audit_row ar[2];
	assert_int_equal(audit_of(f, id, ar, 2), 1);
	assert_string_equal(ar[0].action, "reply");
	assert_string_equal(ar[0].actor, "admin");
	assert_string_equal(ar[0].after, "پاسخ سایت");
	assert_int_equal(ar[0].user_id, 1);

	/* Any parent but a deleted one: held and spam ones too. */
	int64_t held = add(f, "news/2", COMMENT_PENDING, T0, "held");
	assert_int_equal(store_site_reply(f->st, held, "مدیر", "پاسخ", &admin, T0 + 6, &id),
	    STORE_OK);
	assert_string_equal(get(f, id).article, "news/2");
	int64_t gone = add(f, "news/2", COMMENT_APPROVED, T0, "gone");
	assert_int_equal(moderate1(f, gone, 0, ACTION_DELETE, NULL, &admin, T0 + 1).result,
	    STORE_OK);
	long long before = raw_int(f, "SELECT count(*) FROM comments");
	long long audits = audit_rows(f);
	id = 77;
	assert_int_equal(store_site_reply(f->st, gone, "مدیر", "پاسخ", &admin, T0 + 7, &id),
	    STORE_CONFLICT);
	assert_int_equal(id, 0);
	assert_int_equal(store_site_reply(f->st, 9999, "مدیر", "پاسخ", &admin, T0 + 7, &id),
	    STORE_NOT_FOUND);
	assert_int_equal(store_site_reply(f->st, 0, "مدیر", "پاسخ", &admin, T0 + 7, &id),
	    STORE_NOT_FOUND);
	assert_int_equal(store_site_reply(f->st, -1, "مدیر", "پاسخ", &admin, T0 + 7, &id),
	    STORE_NOT_FOUND);
	assert_int_equal(store_site_reply(f->st, p, NULL, "پاسخ", &admin, T0 + 7, &id),
	    STORE_ERROR);
	assert_int_equal(store_site_reply(f->st, p, "مدیر", NULL, &admin, T0 + 7, &id),
	    STORE_ERROR);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM comments"), before);
	assert_int_equal(audit_rows(f), audits);
	/* The connection is usable after the refusals. */
	assert_int_equal(store_site_reply(f->st, p, "مدیر", "دوباره", &maryam, T0 + 8, &id),
	    STORE_OK);
}

/* --- the audit trail ------------------------------------------------------ */

static void
audit_list_paging(void **state)
{
	struct store_fixture *f = *state;
	for (int i = 0; i < 25; i++) {
		int64_t user = i % 5 == 4 ? 0 : (i % 2 ? 1 : 2);
		struct audit_entry e = {
			.at = T0 + i, .user_id = user, .actor = (char *)(user ? "u" : "nazarctl"),
			.remote_addr = (char *)"192.0.2.9", .action = (char *)"login",
			.target = (char *)"t", .before = (char *)"b", .after = (char *)"a",
			.reason = (char *)"r",
		};
		assert_int_equal(store_audit_add(f->st, &e), STORE_OK);
	}
	struct audit_entry *rows;
	size_t n;
	long long total;
	assert_int_equal(store_audit_list(f->st, f->a, 0, 1, 10, &rows, &n, &total), STORE_OK);
	assert_int_equal(n, 10);
	assert_int_equal(total, 25);
	assert_int_equal(rows[0].at, T0 + 24);	/* newest first */
	assert_int_equal(rows[9].at, T0 + 15);
	assert_true(rows[0].id > rows[1].id);
	assert_int_equal(rows[0].user_id, 0);
	assert_string_equal(rows[0].actor, "nazarctl");
	assert_string_equal(rows[0].remote_addr, "192.0.2.9");
	assert_string_equal(rows[0].action, "login");
	assert_string_equal(rows[0].target, "t");
	assert_string_equal(rows[0].before, "b");
	assert_string_equal(rows[0].after, "a");
	assert_string_equal(rows[0].reason, "r");
	assert_int_equal(rows[0].comment_id, 0);
	assert_int_equal(store_audit_list(f->st, f->a, 0, 3, 10, &rows, &n, &total), STORE_OK);
	assert_int_equal(n, 5);
	assert_int_equal(rows[4].at, T0);
	assert_int_equal(store_audit_list(f->st, f->a, 0, 4, 10, &rows, &n, &total), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(total, 25);

	/* One user's own entries. */
	assert_int_equal(store_audit_list(f->st, f->a, 2, 1, 200, &rows, &n, &total), STORE_OK);
	assert_int_equal(total, 10);
	assert_int_equal(n, 10);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(rows[i].user_id, 2);
		if (i > 0)
			assert_true(rows[i].at < rows[i - 1].at);
	}
	assert_int_equal(store_audit_list(f->st, f->a, 1, 2, 4, &rows, &n, &total), STORE_OK);
	assert_int_equal(total, 10);
	assert_int_equal(n, 4);
	assert_int_equal(store_audit_list(f->st, f->a, 3, 1, 50, &rows, &n, &total), STORE_OK);
	assert_int_equal(total, 0);
	assert_int_equal(n, 0);

	/* Decisions show in the moderator's own list. */
	int64_t c = add(f, "a", COMMENT_PENDING, T0, "x");
	assert_int_equal(moderate1(f, c, 0, ACTION_SPAM, "تبلیغ", &reza, T0 + 100).result,
	    STORE_OK);
	assert_int_equal(store_audit_list(f->st, f->a, 3, 1, 50, &rows, &n, &total), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].action, "spam");
	assert_int_equal(rows[0].comment_id, c);
	assert_string_equal(rows[0].reason, "تبلیغ");
	assert_string_equal(rows[0].target, "");

	/* Bad arguments. */
	int bad[][2] = { { 0, 10 }, { 1, 0 }, { 1, 201 }, { 100001, 10 }, { -1, 10 } };
	for (size_t i = 0; i < NIDS(bad); i++)
		assert_int_equal(store_audit_list(f->st, f->a, 0, bad[i][0], bad[i][1], &rows, &n,
		    &total), STORE_ERROR);
	assert_int_equal(store_audit_list(f->st, f->a, -2, 1, 10, &rows, &n, &total),
	    STORE_ERROR);
}

static void
audit_add_rules(void **state)
{
	struct store_fixture *f = *state;
	struct audit_entry e = { .at = T0, .actor = (char *)"someone", .action = (char *)"login_failed" };
	/* NULL text fields are stored as "". */
	assert_int_equal(store_audit_add(f->st, &e), STORE_OK);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM audit WHERE remote_addr = '' AND"
	    " target = '' AND before = '' AND after = '' AND reason = '' AND user_id IS NULL"
	    " AND comment_id IS NULL"), 1);
	struct audit_entry bad = e;
	bad.action = NULL;
	assert_int_equal(store_audit_add(f->st, &bad), STORE_ERROR);
	bad.action = (char *)"";
	assert_int_equal(store_audit_add(f->st, &bad), STORE_ERROR);
	assert_int_equal(store_audit_add(f->st, NULL), STORE_ERROR);
	bad = e;
	bad.user_id = 42;	/* no such user */
	assert_int_equal(store_audit_add(f->st, &bad), STORE_ERROR);
	assert_int_equal(audit_rows(f), 1);

	/* Inside the caller's transaction it shares its fate. */
	assert_int_equal(store_begin_write(f->st), STORE_OK);
	assert_int_equal(store_audit_add(f->st, &e), STORE_OK);
	store_rollback(f->st);
	assert_int_equal(audit_rows(f), 1);
	assert_int_equal(store_begin_write(f->st), STORE_OK);
	assert_int_equal(store_audit_add(f->st, &e), STORE_OK);
	assert_int_equal(store_audit_add(f->st, &e), STORE_OK);
	assert_int_equal(store_commit(f->st), STORE_OK);
	assert_int_equal(audit_rows(f), 3);
}

/* --- a bigger table ------------------------------------------------------- */

/* The plan of every moderation statement the connection has prepared:
 * none reads the whole comments table, and the whole-tab pages come from
 * their index in order, with only the page itself sorted. */
static void
check_plans(struct store_fixture *f)
{
	int checked = 0, tabs = 0, searches = 0;
	for (int i = 0; i < f->st->cached; i++) {
		const char *sql = f->st->cache[i].sql;
		if (strstr(sql, "comments") == NULL || strncmp(sql, "SELECT", 6) != 0)
			continue;
		char *q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
		sqlite3_stmt *s;
		assert_int_equal(sqlite3_prepare_v2(f->st->db, q, -1, &s, NULL), SQLITE_OK);
		int sorts = 0;
		bool queue_idx = false, changed_idx = false;
		while (sqlite3_step(s) == SQLITE_ROW) {
			const char *d = (const char *)sqlite3_column_text(s, 3);
			if (strcmp(d, "SCAN c") == 0 || strcmp(d, "SCAN comments") == 0 ||
			    strncmp(d, "SCAN c ", 7) == 0 || strncmp(d, "SCAN comments ", 14) == 0)
				fail_msg("full scan in %s", sql);
			sorts += strstr(d, "TEMP B-TREE") != NULL;
			queue_idx |= strstr(d, "INDEX comments_queue (status=?)") != NULL;
			changed_idx |= strstr(d, "INDEX comments_changed (status=?)") != NULL;
		}
		sqlite3_finalize(s);
		sqlite3_free(q);
		checked++;
		/* A search's matches come in the index's order, never sorted. */
		if (strstr(sql, "FROM comments_fts WHERE comments_fts MATCH") != NULL) {
			searches++;
			assert_int_equal(sorts, 0);
		}
		if (strstr(sql, "FROM (SELECT c.id FROM comments c WHERE c.status = ?1 ORDER BY")) {
			tabs++;
			assert_int_equal(sorts, 1);
			if (strstr(sql, "DESC"))
				assert_true(changed_idx);
			else
				assert_true(queue_idx);
		}
	}
	assert_true(checked >= 9);
	assert_int_equal(tabs, 2);
	assert_int_equal(searches, 2);
}

static void
big_table(void **state)
{
	struct store_fixture *f = *state;
	/* 10,000 comments in one statement, through the triggers as every
	 * comment goes: i % 4 == 0 approved, else pending; every hundredth
	 * (i % 100 == 1) carries كلاهبردار, the others "معمولی"; one has a
	 * rare word. */
	exec_sql(f, "BEGIN;"
	    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)"
	    " INSERT INTO comments (id, article, name, email, body, status, created, updated)"
	    " SELECT i, 'art-' || (i % 50), 'خواننده ' || i, '',"
	    "  'نظر شماره ' || i || ' ' ||"
	    "  CASE WHEN i % 100 = 1 THEN 'كلاهبردار' ELSE 'معمولی' END ||"
	    "  CASE WHEN i = 4321 THEN ' زعفران‌زار' ELSE '' END,"
	    "  CASE WHEN i % 4 = 0 THEN 'approved' ELSE 'pending' END, 1700000000 + i,"
	    "  1700000000 + i FROM n;"
	    "COMMIT;");
	long long counts[COMMENT_STATUS__MAX];
	assert_int_equal(store_status_counts(f->st, NULL, counts), STORE_OK);
	assert_int_equal(counts[COMMENT_PENDING], 7500);
	assert_int_equal(counts[COMMENT_APPROVED], 2500);
	assert_int_equal(store_status_counts(f->st, "art-1", counts), STORE_OK);
	assert_int_equal(counts[COMMENT_PENDING], 200);
	assert_int_equal(counts[COMMENT_APPROVED], 0);

	/* Few matches in a big tab: 100 of 7500. */
	size_t n;
	long long total;
	struct queue_item *it = queue(f, COMMENT_PENDING, NULL, "کلاه‌بردار", 1, 50, &n, &total);
	assert_int_equal(total, 100);
	assert_int_equal(n, 50);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(it[i].c.id, 1 + 100 * (int64_t)i);
	it = queue(f, COMMENT_PENDING, NULL, "كلاهبردار", 2, 50, &n, &total);
	assert_int_equal(n, 50);
	assert_int_equal(it[49].c.id, 9901);
	it = queue(f, COMMENT_PENDING, NULL, "كلاهبردار", 3, 50, &n, &total);
	assert_int_equal(n, 0);
	assert_int_equal(total, 100);
	assert_false(queue_more);
	/* Many matches: 7400 of 7500, counted up to 1,000 (or the end of the
	 * page asked for). */
	it = queue(f, COMMENT_PENDING, NULL, "معمولی", 1, 50, &n, &total);
	assert_int_equal(total, STORE_QUEUE_SEARCH_COUNT);
	assert_true(queue_more);
	assert_int_equal(n, 50);
	assert_int_equal(it[0].c.id, 2);
	assert_int_equal(it[1].c.id, 3);
	assert_int_equal(it[2].c.id, 5);
	assert_int_equal(it[49].c.id, 67);
	/* The next page goes on where the first ended. */
	it = queue(f, COMMENT_PENDING, NULL, "معمولی", 2, 50, &n, &total);
	assert_int_equal(n, 50);
	assert_int_equal(it[0].c.id, 69);
	/* Past the count: counted to the end of the page, and one more. */
	it = queue(f, COMMENT_PENDING, NULL, "معمولی", 30, 50, &n, &total);
	assert_int_equal(n, 50);
	assert_int_equal(total, 1500);
	assert_true(queue_more);
	/* The last page: every match counted. */
	it = queue(f, COMMENT_PENDING, NULL, "معمولی", 37, 200, &n, &total);
	assert_int_equal(n, 200);
	assert_int_equal(total, 7400);
	assert_false(queue_more);
	assert_int_equal(it[199].c.id, 9999);
	it = queue(f, COMMENT_PENDING, NULL, "معمولی", 38, 200, &n, &total);
	assert_int_equal(n, 0);
	assert_int_equal(total, 7400);
	assert_false(queue_more);
	/* A page ending on the last match: all counted, no "more". */
	it = queue(f, COMMENT_APPROVED, NULL, "معمولی", 25, 100, &n, &total);
	assert_int_equal(n, 100);
	assert_int_equal(total, 2500);
	assert_false(queue_more);
	assert_int_equal(it[99].c.id, 4);
	it = queue(f, COMMENT_APPROVED, NULL, "معمولی", 1, 10, &n, &total);
	assert_int_equal(total, STORE_QUEUE_SEARCH_COUNT);
	assert_true(queue_more);
	assert_int_equal(it[0].c.id, 10000);	/* newest first */
	assert_int_equal(it[9].c.id, 9964);
	it = queue(f, COMMENT_APPROVED, NULL, "كلاهبردار", 1, 10, &n, &total);
	assert_int_equal(total, 0);
	/* One in ten thousand; a prefix; with an article. */
	int64_t rare[] = { 4321 };
	expect_ids(f, COMMENT_PENDING, NULL, "زعفرانزار", rare, 1);
	expect_ids(f, COMMENT_PENDING, NULL, "زعفر", rare, 1);
	expect_ids(f, COMMENT_PENDING, "art-21", "زعفرانزار", rare, 1);
	expect_ids(f, COMMENT_PENDING, "art-22", "زعفرانزار", NULL, 0);
	expect_ids(f, COMMENT_APPROVED, NULL, "زعفرانزار", NULL, 0);
	it = queue(f, COMMENT_PENDING, "art-1", "كلاهبردار", 1, 200, &n, &total);
	assert_int_equal(total, 100);
	/* art-2 is i = 2 + 50k: pending for even k, approved for odd k. */
	it = queue(f, COMMENT_PENDING, "art-2", "معمولی", 1, 200, &n, &total);
	assert_int_equal(total, 100);
	assert_int_equal(it[0].c.id, 2);
	it = queue(f, COMMENT_APPROVED, "art-0", "معمولی", 1, 200, &n, &total);
	assert_int_equal(total, 100);
	assert_int_equal(it[0].c.id, 10000);
	/* Whole tabs and articles, both orders. */
	it = queue(f, COMMENT_PENDING, NULL, NULL, 75, 100, &n, &total);
	assert_int_equal(total, 7500);
	assert_int_equal(n, 100);
	assert_int_equal(it[99].c.id, 9999);
	it = queue(f, COMMENT_APPROVED, NULL, NULL, 2, 100, &n, &total);
	assert_int_equal(it[0].c.id, 9600);
	it = queue(f, COMMENT_PENDING, "art-3", NULL, 1, 5, &n, &total);
	assert_int_equal(total, 200);
	assert_int_equal(it[0].c.id, 3);
	it = queue(f, COMMENT_APPROVED, "art-4", NULL, 1, 5, &n, &total);
	assert_int_equal(total, 100);
	assert_int_equal(it[0].c.id, 9904);
	check_plans(f);
}

/* A reader's change in the store: the time bound and the statuses are
 * checked inside the transaction; the queue's tab of edits lists a
 * waiting revision with its text, by article; a withdrawn comment leaves
 * the thread and the counts but keeps its own tab. */
static void
reader_change_store(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = add(f, "n1", COMMENT_APPROVED, T0, "published");
	int64_t b = add(f, "n2", COMMENT_APPROVED, T0 + 10, "other article");
	int64_t spam = add(f, "n1", COMMENT_SPAM, T0, "spam");
	enum reader_refusal why;
	bool held;
	struct reader_change rc = { .id = a, .since = T0 + 1, .body = "late" };
	assert_int_equal(store_reader_change(f->st, f->a, &rc, &cli, T0 + 5, &why, &held),
	    STORE_OK);
	assert_int_equal(why, READER_LATE);
	rc.since = T0;
	rc.id = spam;
	assert_int_equal(store_reader_change(f->st, f->a, &rc, &cli, T0 + 5, &why, &held),
	    STORE_OK);
	assert_int_equal(why, READER_NOT_EDITABLE);
	rc.id = 9999;
	assert_int_equal(store_reader_change(f->st, f->a, &rc, &cli, T0 + 5, &why, &held),
	    STORE_NOT_FOUND);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM audit"), 0);
	/* Held edits of two articles: the tab, all or by article. */
	rc = (struct reader_change){ .id = a, .since = T0, .body = "revised a", .hold = true };
	assert_int_equal(store_reader_change(f->st, f->a, &rc, &cli, T0 + 5, &why, &held),
	    STORE_OK);
	assert_int_equal(why, READER_DONE);
	assert_true(held);
	rc = (struct reader_change){ .id = b, .since = T0, .body = "revised b", .hold = true };
	assert_int_equal(store_reader_change(f->st, f->a, &rc, &cli, T0 + 15, &why, &held),
	    STORE_OK);
	struct queue_query qq = { .revisions = true, .page = 1, .per_page = 10 };
	struct queue_item *items;
	size_t n;
	long long total;
	assert_int_equal(store_queue(f->st, f->a, &qq, &items, &n, &total, &queue_more),
	    STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(total, 2);
	assert_int_equal(items[0].c.id, a);
	assert_string_equal(items[0].c.body, "published");
	assert_string_equal(items[0].revision, "revised a");
	qq.article = "n2";
	assert_int_equal(store_queue(f->st, f->a, &qq, &items, &n, &total, &queue_more),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(items[0].c.id, b);
	long long edited;
	assert_int_equal(store_revision_count(f->st, "n1", &edited), STORE_OK);
	assert_int_equal(edited, 1);
	/* The other tabs show the revision beside the comment. */
	items = queue(f, COMMENT_APPROVED, "n1", NULL, 1, 10, &n, &total);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].revision, "revised a");
	/* Withdrawn: its revision dropped, out of the thread and the counts. */
	rc = (struct reader_change){ .id = a, .since = T0 };
	assert_int_equal(store_reader_change(f->st, f->a, &rc, &cli, T0 + 20, &why, &held),
	    STORE_OK);
	assert_int_equal(why, READER_DONE);
	assert_int_equal(store_revision_count(f->st, NULL, &edited), STORE_OK);
	assert_int_equal(edited, 1);
	const char *const arts[] = { "n1" };
	long long counts[1];
	assert_int_equal(store_counts(f->st, arts, 1, counts), STORE_OK);
	assert_int_equal(counts[0], 0);
	struct comment *rows;
	long long approved, top;
	assert_int_equal(store_thread(f->st, f->a, "n1", 1, 10, &a, 1, &rows, &n, &approved, &top),
	    STORE_OK);
	assert_int_equal(n, 0);
	items = queue(f, COMMENT_WITHDRAWN, NULL, NULL, 1, 10, &n, &total);
	assert_int_equal(n, 1);
	assert_int_equal(items[0].c.id, a);
	assert_int_equal(raw_int(f, "SELECT n FROM status_counts WHERE status = 'withdrawn'"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(action_names),
		cmocka_unit_test_setup_teardown(queue_pending_oldest_first, setup, teardown),
		cmocka_unit_test_setup_teardown(queue_newest_change_first, setup, teardown),
		cmocka_unit_test_setup_teardown(queue_reply_context, setup, teardown),
		cmocka_unit_test_setup_teardown(queue_bad_args, setup, teardown),
		cmocka_unit_test_setup_teardown(search_persian, setup, teardown),
		cmocka_unit_test_setup_teardown(search_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(search_follows_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(search_prefix_words, setup, teardown),
		cmocka_unit_test_setup_teardown(counts_follow_moderation, setup, teardown),
		cmocka_unit_test_setup_teardown(moderate_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(moderate_all_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(moderate_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(moderate_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(moderate_delete_restore, setup, teardown),
		cmocka_unit_test_setup_teardown(edit_keeps_history, setup, teardown),
		cmocka_unit_test_setup_teardown(edit_audit_excerpt, setup, teardown),
		cmocka_unit_test_setup_teardown(site_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(audit_list_paging, setup, teardown),
		cmocka_unit_test_setup_teardown(audit_add_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(big_table, setup, teardown),
		cmocka_unit_test_setup_teardown(reader_change_store, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
