/* test_op.c — the operations (op.h) against a real SQLite file: the rules
 * they apply once for the web and the command line (password policy, names,
 * the last enabled admin, oneself, the configured reasons, the pattern
 * forms), the audit row each change writes under its actor, the version
 * check, and a change undone with its audit row when either fails. */
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
#include "auth.h"
#include "config.h"
#include "op.h"
#include "store.h"
#include "store_audit.h"
#include "store_blocklist.h"
#include "store_moderation.h"
#include "store_users.h"
#include "store_fixture.h"
#include "reader.h"

#define T0 1700000000
#define GOOD_PW "a good long password"

struct t {
	struct store_fixture *f;
	struct config cfg;
	struct actor who;
	struct op_ctx o;
};

static int
setup(void **state)
{
	struct t *t = calloc(1, sizeof(*t));
	assert_non_null(t);
	t->f = store_fixture_new("op");
	config_defaults(&t->cfg);
	snprintf(t->cfg.reasons[0], sizeof(t->cfg.reasons[0]), "off-topic");
	t->cfg.reason_count = 1;
	op_ctx_set(&t->o, &t->who, t->f->st, t->f->a, &t->cfg, 0, "root (nazarctl)", "", T0);
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct t *t = *state;
	store_fixture_free(t->f);
	free(t);
	return 0;
}

/* The newest audit row, and how many there are. */
static long long
audit_rows(struct t *t, struct audit_entry *newest)
{
	struct audit_entry *rows;
	size_t n;
	long long total;
	assert_int_equal(store_audit_list(t->f->st, t->f->a, 0, 1, 10, &rows, &n, &total),
	    STORE_OK);
	if (newest != NULL && n > 0)
		*newest = rows[0];
	return total;
}

/* A user straight into the store (no Argon2), as someone else. */
static int64_t
add_user(struct t *t, const char *name, enum auth_role role)
{
	static const struct actor setup_actor = { .user_id = 0, .name = "setup",
	    .remote_addr = "" };
	int64_t id = 0;
	assert_int_equal(store_user_add(t->f->st, name, NULL, role, "$argon2id$x", &setup_actor,
	    T0, &id), STORE_OK);
	return id;
}

static int64_t
add_comment(struct t *t)
{
	struct comment c = { .article = (char *)"a1", .name = (char *)"خواننده",
	    .email = (char *)"", .body = (char *)"متن", .status = COMMENT_PENDING,
	    .remote_addr = (char *)"198.51.100.7" };
	assert_int_equal(store_insert_comment(t->f->st, &c, T0), STORE_OK);
	return c.id;
}

/* A comment of article a1 with a status and a parent (0: top level). */
static int64_t
add_comment_as(struct t *t, enum comment_status s, int64_t parent)
{
	struct comment c = { .article = (char *)"a1", .name = (char *)"خواننده",
	    .email = (char *)"", .body = (char *)"متن", .status = s, .parent = parent,
	    .remote_addr = (char *)"198.51.100.7" };
	assert_int_equal(store_insert_comment(t->f->st, &c, T0), STORE_OK);
	return c.id;
}

/* Pinning: only published top-level comments, at most pin_max per
 * article, audited under its actor, refused at an old version with no
 * audit row, already so changes nothing. */
static void
pin(void **state)
{
	struct t *t = *state;
	t->cfg.pin_max = 2;
	int64_t a = add_comment_as(t, COMMENT_APPROVED, 0);
	int64_t b = add_comment_as(t, COMMENT_APPROVED, 0);
	int64_t c = add_comment_as(t, COMMENT_APPROVED, 0);
	int64_t reply = add_comment_as(t, COMMENT_APPROVED, a);
	int64_t held = add_comment_as(t, COMMENT_PENDING, 0);
	struct op_result res;
	struct audit_entry e;
	long long before = audit_rows(t, NULL);

	assert_int_equal(op_comment_pin(&t->o, a, 1, true, &res), OP_OK);
	assert_false(res.unchanged);
	assert_int_equal(audit_rows(t, &e), before + 1);
	assert_string_equal(e.action, "pin");
	assert_string_equal(e.actor, "root (nazarctl)");
	assert_int_equal(e.comment_id, a);
	assert_string_equal(e.target, "a1");
	struct comment cm;
	assert_int_equal(store_get_comment(t->f->st, t->f->a, a, &cm), STORE_OK);
	assert_int_equal(cm.pinned, T0);
	assert_int_equal(cm.version, 2);
	/* Again: nothing written. */
	assert_int_equal(op_comment_pin(&t->o, a, 0, true, &res), OP_OK);
	assert_true(res.unchanged);
	assert_int_equal(audit_rows(t, NULL), before + 1);
	/* A reply, a held comment, no comment. */
	assert_int_equal(op_comment_pin(&t->o, reply, 0, true, &res), OP_CANNOT_PIN);
	assert_int_equal(op_comment_pin(&t->o, held, 0, true, &res), OP_CANNOT_PIN);
	assert_int_equal(op_comment_pin(&t->o, 9999, 0, true, &res), OP_NO_COMMENT);
	/* An old version. */
	assert_int_equal(op_comment_pin(&t->o, b, 7, true, &res), OP_CHANGED);
	assert_int_equal(audit_rows(t, NULL), before + 1);
	/* pin_max = 2: the third is refused until one is unpinned. */
	assert_int_equal(op_comment_pin(&t->o, b, 1, true, &res), OP_OK);
	assert_int_equal(op_comment_pin(&t->o, c, 1, true, &res), OP_PIN_FULL);
	assert_int_equal(op_comment_pin(&t->o, a, 2, false, &res), OP_OK);
	assert_int_equal(audit_rows(t, &e), before + 3);
	assert_string_equal(e.action, "unpin");
	assert_int_equal(store_get_comment(t->f->st, t->f->a, a, &cm), STORE_OK);
	assert_int_equal(cm.pinned, 0);
	assert_int_equal(op_comment_pin(&t->o, c, 1, true, &res), OP_OK);
	/* Unpinning what is not pinned changes nothing. */
	assert_int_equal(op_comment_pin(&t->o, a, 0, false, &res), OP_OK);
	assert_true(res.unchanged);
	/* The message of each refusal, for the web and the command line. */
	res.problem = OP_PIN_FULL;
	assert_string_equal(op_problem_key(&res), "admin.error.pin_full");
	res.problem = OP_CANNOT_PIN;
	assert_string_equal(op_problem_key(&res), "admin.error.cannot_pin");
}

/* The reader's cookie naming these comments. */
static void
own_ids(struct reader_ids *own, int64_t a, int64_t b)
{
	memset(own, 0, sizeof(*own));
	reader_ids_add(own, a);
	reader_ids_add(own, b);
}

/* A reader's own comment: the cookie proves the author, edit_minutes
 * bounds the time, post mode shows the text at once (old text in the
 * history, marked as its author's), pre mode keeps a published comment's
 * text and holds the edit as a revision a moderator approves or rejects,
 * and a withdrawal is a status of its own, refused once replied to. */
static void
reader_change(void **state)
{
	struct t *t = *state;
	t->cfg.edit_minutes = 15;
	int64_t mine = add_comment_as(t, COMMENT_APPROVED, 0);
	int64_t other = add_comment_as(t, COMMENT_APPROVED, 0);
	int64_t held = add_comment_as(t, COMMENT_PENDING, 0);
	struct reader_ids own;
	own_ids(&own, mine, held);
	struct actor who;
	struct op_ctx o;
	op_ctx_set(&o, &who, t->f->st, t->f->a, &t->cfg, 0, "خواننده (reader)", "198.51.100.7",
	    T0 + 60);
	struct op_result res;
	struct audit_entry e;
	struct comment cm;
	long long before = audit_rows(t, NULL);

	/* Not theirs, or no cookie: nothing written, whatever else. */
	struct reader_edit ed = { .id = other, .own = &own, .body = "دیگری" };
	assert_int_equal(op_reader_change(&o, &ed, &res), OP_NOT_YOURS);
	ed.own = NULL;
	ed.id = mine;
	assert_int_equal(op_reader_change(&o, &ed, &res), OP_NOT_YOURS);
	assert_int_equal(audit_rows(t, NULL), before);

	/* Post mode: shown at once. */
	ed.own = &own;
	ed.body = "  متن درست‌شده  ";
	assert_int_equal(op_reader_change(&o, &ed, &res), OP_OK);
	assert_false(res.held);
	assert_int_equal(store_get_comment(t->f->st, t->f->a, mine, &cm), STORE_OK);
	assert_string_equal(cm.body, "متن درست‌شده");
	assert_int_equal(cm.edited, T0 + 60);
	assert_int_equal(cm.status, COMMENT_APPROVED);
	assert_int_equal(audit_rows(t, &e), before + 1);
	assert_string_equal(e.action, "reader_edit");
	assert_string_equal(e.actor, "خواننده (reader)");
	assert_string_equal(e.before, "متن");
	struct history_entry *h;
	size_t nh;
	assert_int_equal(store_comment_history(t->f->st, t->f->a, mine, &h, &nh), STORE_OK);
	assert_int_equal(nh, 1);
	assert_string_equal(h[0].body, "متن");
	assert_true(h[0].author);
	/* The same text again: nothing. */
	assert_int_equal(op_reader_change(&o, &ed, &res), OP_OK);
	assert_true(res.unchanged);
	assert_int_equal(audit_rows(t, NULL), before + 1);
	/* The text's rules are a post's. */
	ed.body = " ";
	assert_int_equal(op_reader_change(&o, &ed, &res), OP_BODY_REQUIRED);

	/* Pre-moderation: the published text stays, the edit waits. */
	ed.body = "نسخهٔ دوم";
	ed.hold = true;
	assert_int_equal(op_reader_change(&o, &ed, &res), OP_OK);
	assert_true(res.held);
	assert_int_equal(store_get_comment(t->f->st, t->f->a, mine, &cm), STORE_OK);
	assert_string_equal(cm.body, "متن درست‌شده");
	assert_true(cm.revision);
	long long edited;
	assert_int_equal(store_revision_count(t->f->st, NULL, &edited), STORE_OK);
	assert_int_equal(edited, 1);
	/* A moderator rejects it at an old version, then at the right one. */
	assert_int_equal(op_revision_decide(&t->o, mine, cm.version - 1, false, &res),
	    OP_CHANGED);
	assert_int_equal(op_revision_decide(&t->o, mine, cm.version, false, &res), OP_OK);
	assert_int_equal(audit_rows(t, &e), before + 3);
	assert_string_equal(e.action, "revision_reject");
	assert_int_equal(store_get_comment(t->f->st, t->f->a, mine, &cm), STORE_OK);
	assert_string_equal(cm.body, "متن درست‌شده");
	assert_false(cm.revision);
	assert_int_equal(op_revision_decide(&t->o, mine, 0, true, &res), OP_NO_REVISION);
	/* Again, and approved: the text swapped in, the old one kept. */
	assert_int_equal(op_reader_change(&o, &ed, &res), OP_OK);
	assert_true(res.held);
	assert_int_equal(store_get_comment(t->f->st, t->f->a, mine, &cm), STORE_OK);
	assert_int_equal(op_revision_decide(&t->o, mine, cm.version, true, &res), OP_OK);
	assert_int_equal(audit_rows(t, &e), before + 5);
	assert_string_equal(e.action, "revision_approve");
	assert_string_equal(e.actor, "root (nazarctl)");
	assert_int_equal(store_get_comment(t->f->st, t->f->a, mine, &cm), STORE_OK);
	assert_string_equal(cm.body, "نسخهٔ دوم");
	assert_false(cm.revision);
	assert_int_equal(store_comment_history(t->f->st, t->f->a, mine, &h, &nh), STORE_OK);
	assert_int_equal(nh, 2);
	assert_string_equal(h[1].body, "متن درست‌شده");
	/* A held comment's text is replaced, held or not. */
	ed.id = held;
	assert_int_equal(op_reader_change(&o, &ed, &res), OP_OK);
	assert_false(res.held);
	assert_int_equal(store_get_comment(t->f->st, t->f->a, held, &cm), STORE_OK);
	assert_string_equal(cm.body, "نسخهٔ دوم");
	assert_int_equal(cm.status, COMMENT_PENDING);

	/* Its author replaces its text STORE_READER_MAX_EDITS times at most:
	 * the history cannot be grown at will. */
	int64_t busy = add_comment_as(t, COMMENT_APPROVED, 0);
	reader_ids_add(&own, busy);
	struct reader_edit many = { .id = busy, .own = &own };
	for (int i = 0; i < STORE_READER_MAX_EDITS; i++) {
		many.body = i % 2 ? "یک" : "دو";
		assert_int_equal(op_reader_change(&o, &many, &res), OP_OK);
	}
	many.body = "سه";
	assert_int_equal(op_reader_change(&o, &many, &res), OP_EDITS_USED);
	assert_int_equal(op_http_status(OP_EDITS_USED), 403);
	assert_int_equal(store_comment_history(t->f->st, t->f->a, busy, &h, &nh), STORE_OK);
	assert_int_equal(nh, STORE_READER_MAX_EDITS);
	struct reader_edit wbusy = { .id = busy, .own = &own };
	assert_int_equal(op_reader_change(&o, &wbusy, &res), OP_OK);

	/* Withdrawn: a status of its own, counted, audited under the reader;
	 * not once it has a published reply. */
	int64_t reply = add_comment_as(t, COMMENT_APPROVED, mine);
	struct reader_edit wd = { .id = mine, .own = &own };
	assert_int_equal(op_reader_change(&o, &wd, &res), OP_HAS_REPLIES);
	struct moderation m = { .id = reply };
	struct moderation_result mr;
	assert_int_equal(op_moderate(&t->o, &m, 1, ACTION_DELETE, NULL, &mr, &res), OP_OK);
	long long counts[COMMENT_STATUS__MAX];
	before = audit_rows(t, NULL);
	assert_int_equal(op_reader_change(&o, &wd, &res), OP_OK);
	assert_int_equal(audit_rows(t, &e), before + 1);
	assert_string_equal(e.action, "withdraw");
	assert_string_equal(e.after, "withdrawn");
	assert_string_equal(e.actor, "خواننده (reader)");
	assert_int_equal(store_get_comment(t->f->st, t->f->a, mine, &cm), STORE_OK);
	assert_int_equal(cm.status, COMMENT_WITHDRAWN);
	assert_int_equal(store_status_counts(t->f->st, NULL, counts), STORE_OK);
	assert_int_equal(counts[COMMENT_WITHDRAWN], 2);	/* and the busy one */
	assert_int_equal(counts[COMMENT_DELETED], 1);
	/* Withdrawn: no more changes; nor after edit_minutes; nor with 0. */
	assert_int_equal(op_reader_change(&o, &ed, &res), OP_OK);	/* held, still pending */
	ed.id = mine;
	assert_int_equal(op_reader_change(&o, &ed, &res), OP_EDIT_LATE);
	ed.id = held;
	op_ctx_set(&o, &who, t->f->st, t->f->a, &t->cfg, 0, "خواننده (reader)", "", T0 + 15 * 60);
	assert_int_equal(op_reader_change(&o, &ed, &res), OP_EDIT_LATE);
	op_ctx_set(&o, &who, t->f->st, t->f->a, &t->cfg, 0, "خواننده (reader)", "", T0 + 60);
	t->cfg.edit_minutes = 0;
	assert_int_equal(op_reader_change(&o, &ed, &res), OP_EDIT_LATE);
	res.problem = OP_EDIT_LATE;
	assert_string_equal(op_problem_key(&res), "error.own_late");
	assert_int_equal(op_http_status(OP_NOT_YOURS), 403);
	assert_int_equal(op_http_status(OP_EDIT_LATE), 403);
}

/* The database refuses every audit row from now on: a change must then
 * not happen either. */
static void
break_audit(struct t *t)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(t->f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TRIGGER no_audit BEFORE INSERT ON audit "
	    "BEGIN SELECT RAISE(ABORT, 'audit refused'); END", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* One integer from the database file, outside the store. */
static long long
sql_int(struct t *t, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_open(t->f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	long long v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static int64_t
add_reader_comment(struct t *t, const char *email, const char *body)
{
	struct comment c = { .article = (char *)"a1", .name = (char *)"Reader",
	    .email = (char *)email, .body = (char *)body, .status = COMMENT_APPROVED,
	    .remote_addr = (char *)"198.51.100.7", .user_agent = (char *)"Firefox/140" };
	assert_int_equal(store_insert_comment(t->f->st, &c, T0), STORE_OK);
	return c.id;
}

static void
forget(void **state)
{
	struct t *t = *state;
	struct op_result r;
	struct audit_entry e;
	assert_string_equal(op_email_mask(t->f->a, "sara@example.org"), "s***@e***.org");
	assert_string_equal(op_email_mask(t->f->a, "مریم@mail.example.ir"), "م***@m***.ir");
	assert_string_equal(op_email_mask(t->f->a, "a@localhost"), "a***@l***");
	assert_string_equal(op_email_mask(t->f->a, "nothing"), "***");

	int64_t a = add_reader_comment(t, "Sara@Example.ORG", "first words");
	int64_t b = add_reader_comment(t, "sara@example.org", "second words");
	int64_t other = add_reader_comment(t, "ali@example.org", "other words");
	int64_t anon = add_reader_comment(t, "", "anonymous words");
	/* An edit leaves the first text in the history. */
	struct comment cm;
	assert_int_equal(store_get_comment(t->f->st, t->f->a, b, &cm), STORE_OK);
	assert_int_equal(op_comment_edit(&t->o, b, cm.version, "second words, edited", &r), OP_OK);
	long long rows = audit_rows(t, NULL);

	/* Bad addresses change nothing and leave no row. */
	assert_int_equal(op_comment_forget(&t->o, "", false, &r), OP_FORGET_EMAIL);
	assert_int_equal(op_comment_forget(&t->o, "sara", false, &r), OP_FORGET_EMAIL);
	assert_int_equal(op_comment_forget(&t->o, NULL, false, &r), OP_FORGET_EMAIL);
	assert_string_equal(op_problem_key(&r), "admin.error.forget_email");
	assert_int_equal(audit_rows(t, NULL), rows);

	/* Subscribed to mail about replies, with a confirmation mail sent. */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(t->f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO subscribers (address, created, changed)"
	    " VALUES ('sara@Example.org', 1, 1), ('ali@example.org', 1, 1);"
	    "INSERT INTO outbox (kind, recipient, created, due, state) VALUES"
	    " ('confirm', 'SARA@example.org', 1, 1, 'sent'), ('confirm', 'ali@example.org', 1, 1,"
	    " 'pending')", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	/* Forgotten: e-mail, address and browser gone from both, in any case. */
	assert_int_equal(op_comment_forget(&t->o, "SARA@example.org", false, &r), OP_OK);
	assert_int_equal(r.count, 2);
	assert_int_equal(sql_int(t, "SELECT count(*) FROM comments WHERE email = '' AND"
	    " remote_addr = '' AND user_agent = '' AND addr_group IS NULL AND status = 'approved'"
	    " AND body LIKE '%words%'"), 2);
	assert_int_equal(sql_int(t, "SELECT count(*) FROM comments WHERE email <> ''"), 1);
	assert_int_equal(sql_int(t, "SELECT count(*) FROM subscribers"), 1);
	assert_int_equal(sql_int(t, "SELECT count(*) FROM outbox WHERE recipient LIKE 'sara%'"), 0);
	assert_int_equal(sql_int(t, "SELECT count(*) FROM outbox WHERE recipient LIKE 'ali%'"), 1);
	assert_int_equal(sql_int(t, "SELECT count(*) FROM comments WHERE remote_addr <> ''"), 2);
	assert_int_equal(store_get_comment(t->f->st, t->f->a, a, &cm), STORE_OK);
	assert_int_equal(cm.version, 2);
	/* The search index follows: the address is not found any more. */
	assert_int_equal(sql_int(t, "SELECT count(*) FROM comments_fts WHERE comments_fts MATCH"
	    " '\"example\"'"), 1);
	assert_int_equal(audit_rows(t, &e), rows + 1);
	assert_string_equal(e.action, "forget");
	assert_string_equal(e.target, "s***@e***.org");
	assert_string_equal(e.after, "2 comments");
	assert_string_equal(e.actor, "root (nazarctl)");
	assert_int_equal(sql_int(t, "SELECT count(*) FROM audit WHERE target LIKE '%sara%' OR"
	    " before LIKE '%sara%' OR after LIKE '%sara%' OR reason LIKE '%sara%'"), 0);

	/* Again: nothing matches now, and the request is still recorded. */
	assert_int_equal(op_comment_forget(&t->o, "sara@example.org", true, &r), OP_OK);
	assert_int_equal(r.count, 0);
	assert_int_equal(audit_rows(t, &e), rows + 2);
	assert_string_equal(e.after, "0 comments deleted");

	/* With the comments: name, text and history gone, deleted. */
	assert_int_equal(sql_int(t, "SELECT count(*) FROM comment_history"), 1);
	assert_int_equal(op_comment_forget(&t->o, "Ali@Example.org", true, &r), OP_OK);
	assert_int_equal(r.count, 1);
	assert_int_equal(store_get_comment(t->f->st, t->f->a, other, &cm), STORE_OK);
	assert_int_equal(cm.status, COMMENT_DELETED);
	assert_string_equal(cm.body, "");
	assert_string_equal(cm.name, "");
	assert_string_equal(cm.email, "");
	assert_int_equal(sql_int(t, "SELECT count(*) FROM comments_fts WHERE comments_fts MATCH"
	    " '\"other\"'"), 0);
	assert_int_equal(sql_int(t, "SELECT n FROM status_counts WHERE status = 'deleted'"), 1);
	assert_int_equal(sql_int(t, "SELECT count(*) FROM comment_history"), 1);
	assert_int_equal(store_get_comment(t->f->st, t->f->a, anon, &cm), STORE_OK);
	assert_string_equal(cm.remote_addr, "198.51.100.7");

	/* The change and its audit row go together. */
	add_reader_comment(t, "x@example.org", "x words");
	break_audit(t);
	assert_int_equal(op_comment_forget(&t->o, "x@example.org", false, &r), OP_UNAVAILABLE);
	assert_int_equal(sql_int(t, "SELECT count(*) FROM comments WHERE email = 'x@example.org'"),
	    1);
}

static void
user_rules(void **state)
{
	struct t *t = *state;
	struct op_result r;
	const char *shown;
	assert_int_equal(op_user_add(&t->o, "bad name", NULL, ROLE_MODERATOR, GOOD_PW,
	    strlen(GOOD_PW), &r), OP_USER_NAME);
	assert_int_equal(op_user_add(&t->o, "sara", "", ROLE_MODERATOR, GOOD_PW,
	    strlen(GOOD_PW), &r), OP_DISPLAY_NAME);
	assert_int_equal(op_user_add(&t->o, "sara", NULL, ROLE_MODERATOR, "short", 5, &r),
	    OP_PASSWORD_SHORT);
	assert_string_equal(op_problem_key(&r), "admin.error.password_short");
	assert_non_null(strstr(op_problem_text(&r), "too short"));
	assert_int_equal(op_http_status(r.problem), 422);
	assert_int_equal(op_password_check("abc\001defghijk", 13), OP_PASSWORD_INVALID);
	assert_int_equal(op_user_check_names(t->f->a, "sara", NULL, &shown), OP_OK);
	assert_string_equal(shown, "sara");
	/* Nothing refused left a trace. */
	assert_int_equal(audit_rows(t, NULL), 0);

	/* One real hash: the op checks, hashes and writes with its row. */
	assert_int_equal(auth_init(1, 0), 0);
	struct audit_entry e;
	assert_int_equal(op_user_add(&t->o, "sara", " سارا ", ROLE_MODERATOR, GOOD_PW,
	    strlen(GOOD_PW), &r), OP_OK);
	assert_true(r.id > 0);
	assert_int_equal(audit_rows(t, &e), 1);
	assert_string_equal(e.action, "user_add");
	assert_string_equal(e.actor, "root (nazarctl)");
	assert_string_equal(e.target, "sara");
	assert_int_equal(e.user_id, 0);
	struct user u;
	assert_int_equal(store_user_by_name(t->f->st, t->f->a, "SARA", &u, NULL), STORE_OK);
	assert_string_equal(u.display_name, "سارا");
	assert_int_equal(op_user_add(&t->o, "Sara", NULL, ROLE_MODERATOR, GOOD_PW,
	    strlen(GOOD_PW), &r), OP_USER_EXISTS);
	assert_int_equal(op_user_password(&t->o, "nobody", GOOD_PW, strlen(GOOD_PW), NULL, &r),
	    OP_NO_USER);
	assert_int_equal(audit_rows(t, NULL), 1);
}

static void
last_admin_and_self(void **state)
{
	struct t *t = *state;
	struct op_result r;
	int64_t maryam = add_user(t, "maryam", ROLE_ADMIN);
	add_user(t, "ali", ROLE_MODERATOR);
	long long before = audit_rows(t, NULL);
	assert_int_equal(op_user_set_disabled(&t->o, "maryam", true, &r), OP_LAST_ADMIN);
	assert_string_equal(op_problem_key(&r), "admin.error.last_admin");
	assert_int_equal(op_user_set_role(&t->o, "MARYAM", ROLE_MODERATOR, &r), OP_LAST_ADMIN);
	assert_int_equal(op_user_set_disabled(&t->o, "nobody", true, &r), OP_NO_USER);
	assert_int_equal(audit_rows(t, NULL), before);

	/* Already so: OK, nothing written. */
	assert_int_equal(op_user_set_disabled(&t->o, "ali", false, &r), OP_OK);
	assert_true(r.unchanged);
	assert_int_equal(op_user_set_role(&t->o, "ali", ROLE_MODERATOR, &r), OP_OK);
	assert_true(r.unchanged);
	assert_int_equal(audit_rows(t, NULL), before);

	struct audit_entry e;
	assert_int_equal(op_user_set_role(&t->o, "ali", ROLE_ADMIN, &r), OP_OK);
	assert_false(r.unchanged);
	assert_int_equal(audit_rows(t, &e), before + 1);
	assert_string_equal(e.action, "user_role");
	assert_string_equal(e.before, "moderator");
	assert_string_equal(e.after, "admin");

	/* Maryam on the web cannot disable herself, though she is no longer
	 * the last admin; ali can. */
	struct actor web;
	struct op_ctx o;
	op_ctx_set(&o, &web, t->f->st, t->f->a, &t->cfg, maryam, "maryam", "192.0.2.1", T0);
	assert_int_equal(op_user_set_disabled(&o, "maryam", true, &r), OP_SELF);
	assert_int_equal(op_user_set_disabled(&t->o, "maryam", true, &r), OP_OK);
	assert_int_equal(audit_rows(t, &e), before + 2);
	assert_string_equal(e.action, "user_disable");
	assert_string_equal(e.target, "maryam");
}

static void
moderate_version_and_reason(void **state)
{
	struct t *t = *state;
	int64_t id = add_comment(t);
	struct comment c;
	assert_int_equal(store_get_comment(t->f->st, t->f->a, id, &c), STORE_OK);
	struct moderation item = { .id = id, .version = c.version + 1 };
	struct moderation_result mr;
	struct op_result r;

	/* A reason outside the configured list: nothing at all. */
	assert_int_equal(op_moderate(&t->o, &item, 1, ACTION_REJECT, "because", &mr, &r),
	    OP_BAD_REASON);
	assert_int_equal(op_http_status(r.problem), 400);

	/* Not the version it is at: refused, with who and when. */
	assert_int_equal(op_moderate(&t->o, &item, 1, ACTION_APPROVE, NULL, &mr, &r), OP_OK);
	assert_int_equal(mr.result, STORE_CONFLICT);
	assert_int_equal(mr.status, COMMENT_PENDING);
	assert_int_equal(audit_rows(t, NULL), 0);

	item.version = c.version;
	assert_int_equal(op_moderate(&t->o, &item, 1, ACTION_REJECT, "off-topic", &mr, &r),
	    OP_OK);
	assert_int_equal(mr.result, STORE_OK);
	assert_int_equal(mr.status, COMMENT_REJECTED);
	struct audit_entry e;
	assert_int_equal(audit_rows(t, &e), 1);
	assert_string_equal(e.action, "reject");
	assert_string_equal(e.actor, "root (nazarctl)");
	assert_string_equal(e.reason, "off-topic");
	assert_int_equal(e.comment_id, id);

	/* The version it was at before: refused, naming the console's actor
	 * (from the audit: such a change has no user id). */
	assert_int_equal(op_moderate(&t->o, &item, 1, ACTION_SPAM, NULL, &mr, &r), OP_OK);
	assert_int_equal(mr.result, STORE_CONFLICT);
	assert_string_equal(mr.updated_by, "root (nazarctl)");
	assert_int_equal(mr.updated, T0);
	assert_int_equal(audit_rows(t, NULL), 1);

	/* Version 0: whatever it is now. */
	item.version = 0;
	assert_int_equal(op_moderate(&t->o, &item, 1, ACTION_RESTORE, NULL, &mr, &r), OP_OK);
	assert_int_equal(mr.result, STORE_OK);
	assert_int_equal(mr.status, COMMENT_PENDING);
	assert_int_equal(audit_rows(t, NULL), 2);
}

static void
edit_and_reply(void **state)
{
	struct t *t = *state;
	int64_t id = add_comment(t);
	struct comment c;
	assert_int_equal(store_get_comment(t->f->st, t->f->a, id, &c), STORE_OK);
	struct op_result r;
	assert_int_equal(op_comment_edit(&t->o, id, c.version, "   ", &r), OP_BODY_REQUIRED);
	assert_string_equal(op_problem_key(&r), "error.body_required");
	assert_int_equal(op_comment_edit(&t->o, id, 0, "new text", &r), OP_NO_VERSION);
	assert_int_equal(op_comment_edit(&t->o, id, c.version + 5, "new text", &r), OP_CHANGED);
	assert_int_equal(op_comment_edit(&t->o, id + 100, 1, "new text", &r), OP_NO_COMMENT);
	t->cfg.max_length = 3;
	assert_int_equal(op_comment_edit(&t->o, id, c.version, "four", &r), OP_BODY_TOO_LONG);
	t->cfg.max_length = 5000;
	assert_int_equal(audit_rows(t, NULL), 0);
	assert_int_equal(op_comment_edit(&t->o, id, c.version, "new text", &r), OP_OK);
	assert_int_equal(op_site_reply(&t->o, id, "The site", "thanks", &r), OP_OK);
	assert_true(r.id > id);
	struct audit_entry e;
	assert_int_equal(audit_rows(t, &e), 2);
	assert_string_equal(e.action, "reply");
}

static void
blocklist(void **state)
{
	struct t *t = *state;
	struct op_result r;
	assert_int_equal(op_block_add(&t->o, BLOCK_ADDRESS, BLOCK_HOLD, "198.51.100.0/33", NULL,
	    &r), OP_BLOCK_PATTERN);
	assert_string_equal(op_problem_key(&r), blocklist_pattern_message_key(r.pattern));
	assert_int_equal(op_block_add(&t->o, BLOCK_WORD, BLOCK_HOLD, "!!!", NULL, &r),
	    OP_BLOCK_PATTERN);
	char note[BLOCKLIST_NOTE_MAX + 2];
	memset(note, 'n', sizeof(note) - 1);
	note[sizeof(note) - 1] = '\0';
	assert_int_equal(op_block_add(&t->o, BLOCK_WORD, BLOCK_HOLD, "spam", note, &r),
	    OP_BLOCK_NOTE);
	assert_int_equal(audit_rows(t, NULL), 0);

	assert_int_equal(op_block_add(&t->o, BLOCK_WORD, BLOCK_SPAM, "کلاهبردار", "wave", &r),
	    OP_OK);
	int64_t id = r.id;
	struct audit_entry e;
	assert_int_equal(audit_rows(t, &e), 1);
	assert_string_equal(e.action, "block_add");
	assert_string_equal(e.target, "word کلاهبردار");
	assert_string_equal(e.actor, "root (nazarctl)");
	/* The same word in Arabic letters is the same entry. */
	assert_int_equal(op_block_add(&t->o, BLOCK_WORD, BLOCK_HOLD, "كلاهبردار", NULL, &r),
	    OP_BLOCK_EXISTS);
	assert_int_equal(r.entry.id, id);
	assert_int_equal(op_block_remove(&t->o, id + 1, &r), OP_NO_BLOCK);
	assert_int_equal(audit_rows(t, NULL), 1);
	assert_int_equal(op_block_remove_pattern(&t->o, BLOCK_WORD, "کلاه‌بردار", &r), OP_OK);
	assert_int_equal(r.entry.id, id);
	assert_int_equal(audit_rows(t, &e), 2);
	assert_string_equal(e.action, "block_remove");
}

/* A change and its audit row commit together or not at all. */
static void
no_change_without_audit(void **state)
{
	struct t *t = *state;
	add_user(t, "maryam", ROLE_ADMIN);
	add_user(t, "ali", ROLE_MODERATOR);
	int64_t id = add_comment(t);
	break_audit(t);
	struct op_result r;
	assert_int_equal(op_block_add(&t->o, BLOCK_WORD, BLOCK_HOLD, "spam", NULL, &r),
	    OP_UNAVAILABLE);
	assert_non_null(op_retry_after(r.problem));
	struct blocklist_entry *e;
	size_t n;
	long long total;
	assert_int_equal(store_blocklist_list(t->f->st, t->f->a, -1, NULL, 1, 10, &e, &n, &total),
	    STORE_OK);
	assert_int_equal(total, 0);

	assert_int_equal(op_user_set_role(&t->o, "ali", ROLE_ADMIN, &r), OP_UNAVAILABLE);
	struct user u;
	assert_int_equal(store_user_by_name(t->f->st, t->f->a, "ali", &u, NULL), STORE_OK);
	assert_int_equal(u.role, ROLE_MODERATOR);
	assert_int_equal(op_user_set_disabled(&t->o, "ali", true, &r), OP_UNAVAILABLE);
	assert_int_equal(store_user_by_name(t->f->st, t->f->a, "ali", &u, NULL), STORE_OK);
	assert_false(u.disabled);

	struct moderation item = { .id = id };
	struct moderation_result mr;
	assert_int_equal(op_moderate(&t->o, &item, 1, ACTION_APPROVE, NULL, &mr, &r),
	    OP_UNAVAILABLE);
	struct comment c;
	assert_int_equal(store_get_comment(t->f->st, t->f->a, id, &c), STORE_OK);
	assert_int_equal(c.status, COMMENT_PENDING);
}

/* One text per password refusal, for the admin pages (a catalog key) and
 * for nazarctl (a sentence with the policy's own numbers). */
static void
password_messages(void **state)
{
	(void)state;
	static const struct {
		const char *pw;
		enum op_problem p;
		const char *key, *text;
	} cases[] = {
		{ "short", OP_PASSWORD_SHORT, "admin.error.password_short",
		    "the password is too short: at least 10 characters, please" },
		{ "tab\tin the middle", OP_PASSWORD_INVALID, "admin.error.password_invalid",
		    "the password must be UTF-8 text without control characters" },
		{ "bad \xff byte here", OP_PASSWORD_INVALID, "admin.error.password_invalid",
		    "the password must be UTF-8 text without control characters" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct op_result r = { .problem = op_password_check(cases[i].pw,
		    strlen(cases[i].pw)) };
		assert_int_equal(r.problem, cases[i].p);
		assert_string_equal(op_problem_key(&r), cases[i].key);
		assert_string_equal(op_problem_text(&r), cases[i].text);
		assert_int_equal(op_http_status(r.problem), 422);
	}
	char longpw[1100];
	memset(longpw, 'a', sizeof(longpw));
	struct op_result r = { .problem = op_password_check(longpw, sizeof(longpw)) };
	assert_int_equal(r.problem, OP_PASSWORD_LONG);
	assert_string_equal(op_problem_key(&r), "admin.error.password_long");
	assert_string_equal(op_problem_text(&r), "the password is too long: at most 1024 bytes");
	assert_int_equal(op_password_check("a good long password", 20), OP_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(password_messages),
		cmocka_unit_test_setup_teardown(user_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(last_admin_and_self, setup, teardown),
		cmocka_unit_test_setup_teardown(moderate_version_and_reason, setup, teardown),
		cmocka_unit_test_setup_teardown(edit_and_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(blocklist, setup, teardown),
		cmocka_unit_test_setup_teardown(no_change_without_audit, setup, teardown),
		cmocka_unit_test_setup_teardown(forget, setup, teardown),
		cmocka_unit_test_setup_teardown(pin, setup, teardown),
		cmocka_unit_test_setup_teardown(reader_change, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
