/* store_privacy.c — a reader forgotten; see store_privacy.h.
 *
 * The match is lower(email) = lower(?1): SQLite's lower() folds ASCII
 * only, as the form admits addresses. No index serves it (comments_author
 * covers approved comments only), so it scans the comments once: about a
 * second on a million, for a request that comes rarely. */
#include <stdio.h>

#include "arena.h"
#include "store_db.h"
#include "store_privacy.h"

#define MATCH "lower(email) = lower(?1) AND email <> ''"

static const char sql_history_drop[] =
    "DELETE FROM comment_history WHERE comment_id IN (SELECT id FROM comments WHERE " MATCH ")";
static const char sql_revision_drop[] =
    "DELETE FROM revisions WHERE comment_id IN (SELECT id FROM comments WHERE " MATCH ")";
/* The address as a subscriber to mail about replies, and the reader mail
 * written to it, sent or waiting (store_subscribers.h): the column and
 * the outbox's index compare without regard to case. */
static const char sql_subscriber_drop[] = "DELETE FROM subscribers WHERE address = ?1";
static const char sql_reader_mail_drop[] =
    "DELETE FROM outbox WHERE kind IN ('confirm', 'reply') AND recipient = ?1 COLLATE NOCASE";
static const char sql_forget[] =
    "UPDATE comments SET email = '', remote_addr = '', user_agent = '', addr_group = NULL,"
    " notify_replies = 0,"
    " version = version + 1, updated = ?2, updated_by = ?3 WHERE " MATCH;
static const char sql_forget_delete[] =
    "UPDATE comments SET email = '', remote_addr = '', user_agent = '', addr_group = NULL,"
    " name = '', body = '', body_hash = NULL, reason = '', status = 'deleted', notify_replies = 0,"
    " version = version + 1, updated = ?2, updated_by = ?3 WHERE " MATCH;

static enum store_result
run(struct store *st, const char *sql, const char *email, time_t now, int64_t user_id,
    int64_t *changed)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql, &s);
	if (r != STORE_OK)
		return r;
	int rc = store_bind_text(s, 1, email);
	if (rc == SQLITE_OK && sqlite3_bind_parameter_count(s) >= 3) {
		rc = sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
		if (rc == SQLITE_OK)
			rc = store_bind_id(s, 3, user_id);
	}
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	if ((r = store_step_done(st, s)) != STORE_OK)
		return r;
	if (changed != NULL)
		*changed = sqlite3_changes(st->db);
	return STORE_OK;
}

enum store_result
store_forget_email(struct store *st, const char *email, bool delete, const char *target,
    const struct actor *who, time_t now, int64_t *count)
{
	*count = 0;
	if (email == NULL || *email == '\0')
		return STORE_NOT_FOUND;
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		return r;
	int64_t n = 0;
	if ((!delete || (r = run(st, sql_history_drop, email, now, 0, NULL)) == STORE_OK) &&
	    (!delete || (r = run(st, sql_revision_drop, email, now, 0, NULL)) == STORE_OK) &&
	    (r = run(st, sql_subscriber_drop, email, now, 0, NULL)) == STORE_OK &&
	    (r = run(st, sql_reader_mail_drop, email, now, 0, NULL)) == STORE_OK &&
	    (r = run(st, delete ? sql_forget_delete : sql_forget, email, now, who->user_id,
	    &n)) == STORE_OK) {
		char after[64];
		snprintf(after, sizeof(after), "%lld comment%s%s", (long long)n, n == 1 ? "" : "s",
		    delete ? " deleted" : "");
		r = store_audit_write(st, who, now, &(struct audit_change){ .action = "forget",
		    .target = target, .after = after });
	}
	if (r == STORE_OK)
		r = store_commit(st);
	else
		store_rollback(st);
	if (r == STORE_OK)
		*count = n;
	return r;
}
