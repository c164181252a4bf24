/* store_subscribers.c — readers who asked for mail about replies; see
 * store_subscribers.h. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <sqlite3.h>

#include "arena.h"
#include "log.h"
#include "store_db.h"
#include "store_subscribers.h"

#define SUB_COLUMNS "id, address, state, asked"
#define READER_KINDS "kind IN ('confirm','reply')"

static const char sql_get[] = "SELECT " SUB_COLUMNS " FROM subscribers WHERE id = ?1";
static const char sql_by_address[] =
	"SELECT " SUB_COLUMNS " FROM subscribers WHERE address = ?1";
static const char sql_confirm[] =
	"UPDATE subscribers SET state = 'confirmed', changed = ?2"
	" WHERE id = ?1 AND state = 'unconfirmed'";
static const char sql_exists[] = "SELECT count(*) FROM subscribers WHERE id = ?1";
static const char sql_stop[] =
	"UPDATE subscribers SET state = 'stopped', changed = ?2 WHERE id = ?1";
static const char sql_stop_drop[] =
	"UPDATE outbox SET state = 'dropped', last_error = 'the address asked for no more mail'"
	" WHERE state = 'pending' AND " READER_KINDS " AND recipient ="
	" (SELECT address FROM subscribers WHERE id = ?1) COLLATE NOCASE";
static const char sql_replies_off[] =
	"UPDATE comments SET notify_replies = 0 WHERE id = ?1";
static const char sql_replies_drop[] =
	"UPDATE outbox SET state = 'dropped',"
	" last_error = 'the reader unsubscribed from these replies'"
	" WHERE state = 'pending' AND kind = 'reply'"
	" AND comment_id IN (SELECT id FROM comments WHERE parent = ?1)";
static const char sql_wants[] = "SELECT notify_replies FROM comments WHERE id = ?1";
static const char sql_sent_since[] =
	"SELECT count(*) FROM outbox WHERE recipient = ?1 COLLATE NOCASE AND " READER_KINDS
	" AND state = 'sent' AND sent >= ?2";

static const char *const state_names[] = {
	[SUBSCRIBER_UNCONFIRMED] = "unconfirmed", [SUBSCRIBER_CONFIRMED] = "confirmed",
	[SUBSCRIBER_STOPPED] = "stopped",
};
_Static_assert(sizeof(state_names) / sizeof(state_names[0]) == SUBSCRIBER_STATE__MAX,
    "a name for every state");

const char *
subscriber_state_name(enum subscriber_state s)
{
	return (unsigned)s < SUBSCRIBER_STATE__MAX ? state_names[s] : "unknown";
}

/* The row s stands on into out; STORE_ERROR for a state nazar does not know. */
static enum store_result
read_row(struct arena *a, sqlite3_stmt *s, struct subscriber *out)
{
	out->id = sqlite3_column_int64(s, 0);
	out->address = store_column_dup(a, s, 1);
	const unsigned char *state = sqlite3_column_text(s, 2);
	out->asked = sqlite3_column_int64(s, 3);
	for (int i = 0; i < SUBSCRIBER_STATE__MAX; i++)
		if (state != NULL && strcmp((const char *)state, state_names[i]) == 0) {
			out->state = (enum subscriber_state)i;
			store_stmt_done(s);
			return STORE_OK;
		}
	log_error("database: subscriber %lld has an unknown state", (long long)out->id);
	store_stmt_done(s);
	return STORE_ERROR;
}

enum store_result
store_subscriber_get(struct store *st, struct arena *a, int64_t id, struct subscriber *out)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_get, &s);
	if (r != STORE_OK ||
	    (r = store_bind_check(st, s, sqlite3_bind_int64(s, 1, id))) != STORE_OK ||
	    (r = store_step_one(st, s)) != STORE_OK)
		return r;
	return read_row(a, s, out);
}

enum store_result
store_subscriber_by_address(struct store *st, struct arena *a, const char *address,
    struct subscriber *out)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_by_address, &s);
	if (r != STORE_OK ||
	    (r = store_bind_check(st, s, store_bind_text(s, 1, address))) != STORE_OK ||
	    (r = store_step_one(st, s)) != STORE_OK)
		return r;
	return read_row(a, s, out);
}

/* Runs sql bound with (id) or (id, now). */
static enum store_result
run_id(struct store *st, const char *sql, int64_t id, bool with_now, time_t now)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql, &s);
	if (r != STORE_OK)
		return r;
	int rc = sqlite3_bind_int64(s, 1, id);
	if (rc == SQLITE_OK && with_now)
		rc = sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	return store_step_done(st, s);
}

/* Whether subscriber id exists (inside the caller's transaction). */
static enum store_result
exists(struct store *st, int64_t id)
{
	sqlite3_stmt *s;
	int64_t n = 0;
	enum store_result r = store_prepare(st, sql_exists, &s);
	if (r != STORE_OK ||
	    (r = store_bind_check(st, s, sqlite3_bind_int64(s, 1, id))) != STORE_OK ||
	    (r = store_step_ints(st, s, &n, 1)) != STORE_OK)
		return r;
	return n > 0 ? STORE_OK : STORE_NOT_FOUND;
}

enum store_result
store_subscriber_confirm(struct store *st, int64_t id, time_t now, bool *changed)
{
	*changed = false;
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		return r;
	if ((r = exists(st, id)) == STORE_OK &&
	    (r = run_id(st, sql_confirm, id, true, now)) == STORE_OK)
		*changed = sqlite3_changes(st->db) > 0;
	if (r != STORE_OK) {
		store_rollback(st);
		*changed = false;
		return r;
	}
	return store_commit(st);
}

enum store_result
store_subscriber_stop(struct store *st, int64_t id, time_t now)
{
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		return r;
	if ((r = exists(st, id)) != STORE_OK ||
	    (r = run_id(st, sql_stop, id, true, now)) != STORE_OK ||
	    (r = run_id(st, sql_stop_drop, id, false, 0)) != STORE_OK) {
		store_rollback(st);
		return r;
	}
	return store_commit(st);
}

enum store_result
store_replies_unsubscribe(struct store *st, int64_t comment_id)
{
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		return r;
	if ((r = run_id(st, sql_replies_off, comment_id, false, 0)) != STORE_OK ||
	    (r = run_id(st, sql_replies_drop, comment_id, false, 0)) != STORE_OK) {
		store_rollback(st);
		return r;
	}
	return store_commit(st);
}

enum store_result
store_comment_wants_replies(struct store *st, int64_t id, bool *wants)
{
	*wants = false;
	sqlite3_stmt *s;
	int64_t v = 0;
	enum store_result r = store_prepare(st, sql_wants, &s);
	if (r != STORE_OK ||
	    (r = store_bind_check(st, s, sqlite3_bind_int64(s, 1, id))) != STORE_OK ||
	    (r = store_step_ints(st, s, &v, 1)) != STORE_OK)
		return r;
	*wants = v != 0;
	return STORE_OK;
}

enum store_result
store_reader_mail_sent_since(struct store *st, const char *address, time_t since,
    long long *n)
{
	*n = 0;
	sqlite3_stmt *s;
	int64_t v = 0;
	enum store_result r = store_prepare(st, sql_sent_since, &s);
	if (r != STORE_OK)
		return r;
	int rc = store_bind_text(s, 1, address);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, (sqlite3_int64)since);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK ||
	    (r = store_step_ints(st, s, &v, 1)) != STORE_OK)
		return r;
	*n = (long long)v;
	return STORE_OK;
}
