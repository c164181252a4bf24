/* store_outbox.c — the outbox's rows in SQLite; see store_outbox.h. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <sqlite3.h>

#include "arena.h"
#include "log.h"
#include "store_db.h"
#include "store_outbox.h"

#define ITEM_COLUMNS "id, kind, state, recipient, user_id, comment_id, batch, token," \
	" created, due, attempts, sent, last_error, event"
/* The longest error kept: the first line of a transport's answer. */
#define ERROR_MAX 400

static const char sql_recover[] =
	"UPDATE outbox SET state = 'pending', claimed = NULL WHERE state = 'sending'";
/* ?1 now, ?2 flush */
#define DIGEST_WAITING \
	" state = 'pending' AND kind = 'held' AND batch <> 'now' AND (?2 OR due <= ?1)"
static const char sql_digest_insert[] =
	"INSERT INTO outbox (kind, recipient, user_id, batch, created, due)"
	" SELECT 'digest', max(recipient), user_id, batch, ?1, ?1 FROM outbox"
	" WHERE" DIGEST_WAITING " GROUP BY user_id, batch";
static const char sql_digest_mark[] =
	"UPDATE outbox SET state = 'merged', digest_of = (SELECT d.id FROM outbox d"
	"  WHERE d.kind = 'digest' AND d.state = 'pending' AND d.user_id IS outbox.user_id"
	"  AND d.batch = outbox.batch AND d.created = ?1 ORDER BY d.id DESC LIMIT 1)"
	" WHERE" DIGEST_WAITING;
static const char sql_next[] =
	"SELECT id FROM outbox WHERE state = 'pending' AND due <= ?1"
	" AND (kind <> 'held' OR batch = 'now') ORDER BY due, id LIMIT 1";
static const char sql_claim[] =
	"UPDATE outbox SET state = 'sending', claimed = ?2, attempts = attempts + 1"
	" WHERE id = ?1";
static const char sql_get[] =
	"SELECT " ITEM_COLUMNS " FROM outbox WHERE id = ?1";
static const char sql_members[] =
	"SELECT comment_id FROM outbox WHERE digest_of = ?1 AND comment_id IS NOT NULL"
	" ORDER BY created, id";
static const char sql_sent[] =
	"UPDATE outbox SET state = 'sent', sent = ?2, last_error = '' WHERE id = ?1";
static const char sql_retry[] =
	"UPDATE outbox SET state = 'pending', due = ?2, last_error = ?3, claimed = NULL"
	" WHERE id = ?1";
static const char sql_fail[] =
	"UPDATE outbox SET state = 'failed', last_error = ?2, claimed = NULL WHERE id = ?1";
static const char sql_drop[] =
	"UPDATE outbox SET state = 'dropped', last_error = ?2, claimed = NULL WHERE id = ?1";
static const char sql_add_test[] =
	"INSERT INTO outbox (kind, recipient, created, due) VALUES ('test', ?1, ?2, ?2)";
static const char sql_counts[] =
	"SELECT state, count(*) FROM outbox GROUP BY state";
static const char sql_list[] =
	"SELECT " ITEM_COLUMNS " FROM outbox WHERE ?1 IS NULL OR state = ?1"
	" ORDER BY id DESC LIMIT ?2";

static const char sql_webhooks_clear[] = "DELETE FROM webhooks";
static const char sql_webhooks_count[] = "SELECT count(*) FROM webhooks";
static const char sql_webhooks_add[] =
	"INSERT OR REPLACE INTO webhooks (url, events) VALUES (?1, ?2)";

static const char *const kind_names[] = {
	[OUTBOX_HELD] = "held", [OUTBOX_DIGEST] = "digest", [OUTBOX_TEST] = "test",
	[OUTBOX_CONFIRM] = "confirm", [OUTBOX_REPLY] = "reply", [OUTBOX_WEBHOOK] = "webhook",
};
_Static_assert(sizeof(kind_names) / sizeof(kind_names[0]) == OUTBOX_KIND__MAX,
    "a name for every kind");
static const char *const state_names[] = {
	[OUTBOX_PENDING] = "pending", [OUTBOX_SENDING] = "sending", [OUTBOX_SENT] = "sent",
	[OUTBOX_FAILED] = "failed", [OUTBOX_MERGED] = "merged", [OUTBOX_DROPPED] = "dropped",
};
_Static_assert(sizeof(state_names) / sizeof(state_names[0]) == OUTBOX_STATE__MAX,
    "a name for every state");

const char *
outbox_kind_name(enum outbox_kind k)
{
	return (unsigned)k < OUTBOX_KIND__MAX ? kind_names[k] : "unknown";
}

const char *
outbox_state_name(enum outbox_state s)
{
	return (unsigned)s < OUTBOX_STATE__MAX ? state_names[s] : "unknown";
}

int
outbox_state_parse(const char *name, enum outbox_state *out)
{
	for (int i = 0; i < OUTBOX_STATE__MAX; i++)
		if (name != NULL && strcmp(name, state_names[i]) == 0) {
			*out = (enum outbox_state)i;
			return 0;
		}
	return -1;
}

static int
name_index(const char *const *names, int n, const unsigned char *v)
{
	for (int i = 0; v != NULL && i < n; i++)
		if (strcmp((const char *)v, names[i]) == 0)
			return i;
	return -1;
}

/* A row of ITEM_COLUMNS (a store_row_fn); -1 for a kind or state nazar
 * does not know. */
static int
row_item(struct arena *a, sqlite3_stmt *s, void *row)
{
	struct outbox_item *it = row;
	memset(it, 0, sizeof(*it));
	it->id = sqlite3_column_int64(s, 0);
	int kind = name_index(kind_names, OUTBOX_KIND__MAX, sqlite3_column_text(s, 1));
	int state = name_index(state_names, OUTBOX_STATE__MAX, sqlite3_column_text(s, 2));
	if (kind < 0 || state < 0) {
		log_error("database: outbox row %lld has an unknown kind or state",
		    (long long)it->id);
		return -1;
	}
	it->kind = (enum outbox_kind)kind;
	it->state = (enum outbox_state)state;
	it->recipient = store_column_dup(a, s, 3);
	it->user_id = sqlite3_column_int64(s, 4);
	it->comment_id = sqlite3_column_int64(s, 5);
	it->batch = store_column_dup(a, s, 6);
	it->token = store_column_dup(a, s, 7);
	it->created = sqlite3_column_int64(s, 8);
	it->due = sqlite3_column_int64(s, 9);
	it->attempts = sqlite3_column_int64(s, 10);
	it->sent = sqlite3_column_int64(s, 11);
	it->last_error = store_column_dup(a, s, 12);
	it->event = store_column_dup(a, s, 13);
	return 0;
}

enum store_result
store_outbox_get(struct store *st, struct arena *a, int64_t id, struct outbox_item *out)
{
	sqlite3_stmt *s;
	memset(out, 0, sizeof(*out));
	enum store_result r = store_prepare(st, sql_get, &s);
	if (r != STORE_OK ||
	    (r = store_bind_check(st, s, sqlite3_bind_int64(s, 1, id))) != STORE_OK ||
	    (r = store_step_one(st, s)) != STORE_OK)
		return r;
	r = row_item(a, s, out) == 0 ? STORE_OK : STORE_ERROR;
	store_stmt_done(s);
	return r;
}

enum store_result
store_outbox_recover(struct store *st, long long *n)
{
	*n = 0;
	enum store_result r = store_exec(st, sql_recover);
	if (r == STORE_OK)
		*n = sqlite3_changes(st->db);
	return r;
}

/* Runs sql bound with (now, flush). */
static enum store_result
run_now_flush(struct store *st, const char *sql, time_t now, bool flush)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql, &s);
	if (r != STORE_OK)
		return r;
	int rc = sqlite3_bind_int64(s, 1, (sqlite3_int64)now);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 2, flush ? 1 : 0);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	return store_step_done(st, s);
}

enum store_result
store_outbox_merge_digests(struct store *st, time_t now, bool flush, long long *made)
{
	*made = 0;
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		return r;
	if ((r = run_now_flush(st, sql_digest_insert, now, flush)) == STORE_OK) {
		*made = sqlite3_changes(st->db);
		r = run_now_flush(st, sql_digest_mark, now, flush);
	}
	if (r != STORE_OK) {
		store_rollback(st);
		*made = 0;
		return r;
	}
	return store_commit(st);
}

/* Runs sql bound with (id, n). */
static enum store_result
run_id_int(struct store *st, const char *sql, int64_t id, int64_t n)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql, &s);
	if (r != STORE_OK)
		return r;
	int rc = sqlite3_bind_int64(s, 1, id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, n);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	return store_step_done(st, s);
}

enum store_result
store_outbox_claim(struct store *st, struct arena *a, time_t now, struct outbox_item *out)
{
	memset(out, 0, sizeof(*out));
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		return r;
	sqlite3_stmt *s;
	int64_t id = 0;
	if ((r = store_prepare(st, sql_next, &s)) == STORE_OK &&
	    (r = store_bind_check(st, s, sqlite3_bind_int64(s, 1, (sqlite3_int64)now))) ==
	    STORE_OK)
		r = store_step_ints(st, s, &id, 1);
	if (r == STORE_OK)
		r = run_id_int(st, sql_claim, id, (int64_t)now);
	if (r == STORE_OK)
		r = store_outbox_get(st, a, id, out);
	if (r != STORE_OK) {
		store_rollback(st);
		return r;
	}
	return store_commit(st);
}

enum store_result
store_outbox_digest_comments(struct store *st, struct arena *a, int64_t digest_id,
    int64_t **ids, size_t *n)
{
	*ids = NULL;
	*n = 0;
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_members, &s);
	if (r != STORE_OK ||
	    (r = store_bind_check(st, s, sqlite3_bind_int64(s, 1, digest_id))) != STORE_OK)
		return r;
	size_t cap = 0;
	for (;;) {
		bool row;
		if ((r = store_step(st, s, &row)) != STORE_OK)
			return r;
		if (!row)
			break;
		*ids = arena_grow(a, *ids, &cap, *n + 1, sizeof(**ids));
		(*ids)[(*n)++] = sqlite3_column_int64(s, 0);
	}
	store_stmt_done(s);
	return STORE_OK;
}

enum store_result
store_outbox_sent(struct store *st, int64_t id, time_t now)
{
	return run_id_int(st, sql_sent, id, (int64_t)now);
}

/* Runs sql bound with (id, text) — the text cut to ERROR_MAX bytes at a
 * character boundary is the caller's; here only the bound. */
static enum store_result
run_id_text(struct store *st, const char *sql, int idx, int64_t id, int64_t n,
    const char *text)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql, &s);
	if (r != STORE_OK)
		return r;
	size_t len = text != NULL ? strnlen(text, ERROR_MAX) : 0;
	int rc = sqlite3_bind_int64(s, 1, id);
	if (rc == SQLITE_OK && idx == 3)
		rc = sqlite3_bind_int64(s, 2, n);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(s, idx, text != NULL ? text : "", (int)len,
		    SQLITE_TRANSIENT);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	return store_step_done(st, s);
}

enum store_result
store_outbox_retry(struct store *st, int64_t id, time_t retry_at, const char *error)
{
	return run_id_text(st, sql_retry, 3, id, (int64_t)retry_at, error);
}

enum store_result
store_outbox_fail(struct store *st, int64_t id, const char *error)
{
	return run_id_text(st, sql_fail, 2, id, 0, error);
}

enum store_result
store_outbox_drop(struct store *st, int64_t id, const char *why)
{
	return run_id_text(st, sql_drop, 2, id, 0, why);
}

enum store_result
store_outbox_add_test(struct store *st, const char *address, time_t now, int64_t *id)
{
	*id = 0;
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_add_test, &s);
	if (r != STORE_OK)
		return r;
	int rc = store_bind_text(s, 1, address);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK ||
	    (r = store_step_done(st, s)) != STORE_OK)
		return r;
	*id = sqlite3_last_insert_rowid(st->db);
	return STORE_OK;
}

enum store_result
store_outbox_counts(struct store *st, long long *counts)
{
	memset(counts, 0, sizeof(*counts) * OUTBOX_STATE__MAX);
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_counts, &s);
	if (r != STORE_OK)
		return r;
	for (;;) {
		bool row;
		if ((r = store_step(st, s, &row)) != STORE_OK)
			return r;
		if (!row)
			break;
		int i = name_index(state_names, OUTBOX_STATE__MAX, sqlite3_column_text(s, 0));
		if (i >= 0)
			counts[i] = sqlite3_column_int64(s, 1);
	}
	store_stmt_done(s);
	return STORE_OK;
}

enum store_result
store_outbox_list(struct store *st, struct arena *a, int state, int limit,
    struct outbox_item **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_list, &s);
	if (r != STORE_OK)
		return r;
	int rc = store_bind_opt(s, 1, state >= 0 && state < OUTBOX_STATE__MAX ?
	    state_names[state] : NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 2, limit);
	void *rows;
	if ((r = store_bind_check(st, s, rc)) == STORE_OK &&
	    (r = store_rows(st, a, s, sizeof(**out), row_item, &rows, count)) == STORE_OK)
		*out = rows;
	return r;
}

enum store_result
store_webhooks_set(struct store *st, const char (*urls)[WEBHOOK_URL_MAX], size_t n,
    const char *events)
{
	/* Without webhooks, a start writes nothing unless there were some. */
	if (n == 0) {
		sqlite3_stmt *s;
		int64_t had = 0;
		enum store_result r = store_prepare(st, sql_webhooks_count, &s);
		if (r == STORE_OK)
			r = store_step_ints(st, s, &had, 1);
		if (r != STORE_OK || had == 0)
			return r;
	}
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		return r;
	r = store_exec(st, sql_webhooks_clear);
	for (size_t i = 0; i < n && r == STORE_OK; i++) {
		sqlite3_stmt *s;
		if ((r = store_prepare(st, sql_webhooks_add, &s)) != STORE_OK)
			break;
		int rc = store_bind_text(s, 1, urls[i]);
		if (rc == SQLITE_OK)
			rc = store_bind_text(s, 2, events);
		if ((r = store_bind_check(st, s, rc)) == STORE_OK)
			r = store_step_done(st, s);
	}
	if (r != STORE_OK) {
		store_rollback(st);
		return r;
	}
	return store_commit(st);
}
