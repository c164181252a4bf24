/* store_audit.c — the audit trail in SQLite; see store_audit.h. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "arena.h"
#include "log.h"
#include "store_audit.h"
#include "store_db.h"

static const char sql_audit_add[] =
	"INSERT INTO audit (at, user_id, actor, remote_addr, action, comment_id, target,"
	" before, after, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
#define AUDIT_COLUMNS \
	"SELECT id, at, user_id, actor, remote_addr, action, comment_id, target, before," \
	" after, reason FROM audit"
static const char sql_audit_all[] = AUDIT_COLUMNS " ORDER BY id DESC LIMIT ?2 OFFSET ?3";
static const char sql_audit_user[] =
	AUDIT_COLUMNS " WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2 OFFSET ?3";
static const char sql_audit_count_all[] = "SELECT count(*) FROM audit";
static const char sql_audit_count_user[] = "SELECT count(*) FROM audit WHERE user_id = ?1";
/* Newest first, for the throttled sign-ins' row of the current window:
 * read until the window's start, so a long trail is never scanned. */
static const char sql_audit_recent[] =
	"SELECT id, at, action, reason, actor, target, after FROM audit ORDER BY id DESC";
static const char sql_audit_count_up[] = "UPDATE audit SET after = ?2 WHERE id = ?1";

/* The audit row's line in the log: who, what, which comment or target,
 * from where; never the texts before and after (a comment's words) nor
 * the name typed into a failed sign-in that is nobody's (it may be a
 * password typed into the wrong field). */
static void
audit_log(struct store *st, const struct audit_entry *e)
{
	int failed = strcmp(e->action, "login_failed") == 0;
	const char *actor = e->actor != NULL && e->actor[0] != '\0' ? e->actor : "-";
	if (failed && e->user_id <= 0)
		actor = "(a name of no user)";
	char comment[40] = "";
	if (e->comment_id > 0)
		snprintf(comment, sizeof(comment), " comment %lld", (long long)e->comment_id);
	int target = e->target != NULL && e->target[0] != '\0';
	int from = e->remote_addr != NULL && e->remote_addr[0] != '\0';
	int why = failed && e->reason != NULL && e->reason[0] != '\0';
	store_audit_log_line(st, failed, "audit: %s: %s%s%s%s%s%s%s%s", actor, e->action, comment,
	    target ? " " : "", target ? e->target : "", from ? " from " : "",
	    from ? e->remote_addr : "", why ? ": " : "", why ? e->reason : "");
}

enum store_result
store_audit_insert(struct store *st, const struct audit_entry *e)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_audit_add, &s);
	if (r != STORE_OK)
		return r;
	int rc = sqlite3_bind_int64(s, 1, e->at);
	if (rc == SQLITE_OK)
		rc = store_bind_id(s, 2, e->user_id);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 3, e->actor);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 4, e->remote_addr);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 5, e->action);
	if (rc == SQLITE_OK)
		rc = store_bind_id(s, 6, e->comment_id);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 7, e->target);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 8, e->before);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 9, e->after);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 10, e->reason);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	/* Outside a transaction the INSERT commits by itself. */
	return store_step_done(st, s);
}

enum store_result
store_audit_add(struct store *st, const struct audit_entry *e)
{
	if (e == NULL || e->action == NULL || e->action[0] == '\0') {
		log_error("database: audit: no action");
		return STORE_ERROR;
	}
	enum store_result r = store_audit_insert(st, e);
	if (r == STORE_OK)
		audit_log(st, e);
	return r;
}

enum store_result
store_audit_write(struct store *st, const struct actor *who, time_t now,
    const struct audit_change *ch)
{
	if (who == NULL || ch == NULL) {
		log_error("database: audit: no actor");
		return STORE_ERROR;
	}
	struct audit_entry e = {
		.at = (int64_t)now, .user_id = who->user_id, .actor = (char *)who->name,
		.remote_addr = (char *)who->remote_addr, .action = (char *)ch->action,
		.comment_id = ch->comment_id, .target = (char *)ch->target,
		.before = (char *)ch->before, .after = (char *)ch->after,
		.reason = (char *)ch->reason,
	};
	return store_audit_add(st, &e);
}

static enum store_result
audit_total(struct store *st, int64_t user_id, long long *total)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, user_id > 0 ? sql_audit_count_user :
	    sql_audit_count_all, &s);
	if (r != STORE_OK)
		return r;
	int rc = user_id > 0 ? sqlite3_bind_int64(s, 1, user_id) : SQLITE_OK;
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	int64_t v;
	if ((r = store_step_ints(st, s, &v, 1)) != STORE_OK)
		return r == STORE_NOT_FOUND ? STORE_ERROR : r;
	*total = v;
	return STORE_OK;
}

/* A row of AUDIT_COLUMNS; a store_row_fn. */
static int
row_audit(struct arena *a, sqlite3_stmt *s, void *row)
{
	struct audit_entry *e = row;
	e->id = sqlite3_column_int64(s, 0);
	e->at = sqlite3_column_int64(s, 1);
	e->user_id = sqlite3_column_int64(s, 2);
	e->actor = store_column_dup(a, s, 3);
	e->remote_addr = store_column_dup(a, s, 4);
	e->action = store_column_dup(a, s, 5);
	e->comment_id = sqlite3_column_int64(s, 6);
	e->target = store_column_dup(a, s, 7);
	e->before = store_column_dup(a, s, 8);
	e->after = store_column_dup(a, s, 9);
	e->reason = store_column_dup(a, s, 10);
	return 0;
}

enum store_result
store_audit_list(struct store *st, struct arena *a, int64_t user_id, int page, int per_page,
    struct audit_entry **out, size_t *count, long long *total)
{
	*out = NULL;
	*count = 0;
	*total = 0;
	if (page < 1 || page > STORE_AUDIT_MAX_PAGE || per_page < 1 ||
	    per_page > STORE_AUDIT_MAX_PER_PAGE || user_id < 0) {
		log_error("database: audit: invalid arguments");
		return STORE_ERROR;
	}
	sqlite3_stmt *s;
	void *rows = NULL;
	enum store_result r = store_begin_read(st);
	if (r != STORE_OK)
		return r;
	if ((r = audit_total(st, user_id, total)) != STORE_OK)
		goto out;
	if ((r = store_prepare(st, user_id > 0 ? sql_audit_user : sql_audit_all, &s)) !=
	    STORE_OK)
		goto out;
	int rc = user_id > 0 ? sqlite3_bind_int64(s, 1, user_id) : SQLITE_OK;
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 2, per_page);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 3, (sqlite3_int64)(page - 1) * per_page);
	if ((r = store_bind_check(st, s, rc)) == STORE_OK)
		r = store_rows(st, a, s, sizeof(struct audit_entry), row_audit, &rows, count);
out:
	store_rollback(st);
	*out = rows;
	if (r != STORE_OK) {
		*out = NULL;
		*count = 0;
		*total = 0;
	}
	return r;
}

static bool
column_is(sqlite3_stmt *s, int col, const char *want)
{
	const char *v = (const char *)sqlite3_column_text(s, col);
	return v != NULL && strcmp(v, want) == 0;
}

/* The id and count of the window's throttled row for name and group, or
 * *id 0. */
static enum store_result
throttled_row(struct store *st, const char *name, const char *group, time_t since,
    int64_t *id, long long *count)
{
	*id = 0;
	*count = 0;
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_audit_recent, &s);
	if (r != STORE_OK)
		return r;
	bool row;
	while ((r = store_step(st, s, &row)) == STORE_OK && row) {
		if (sqlite3_column_int64(s, 1) <= (sqlite3_int64)since)
			break;
		const char *actor = (const char *)sqlite3_column_text(s, 4);
		/* User names are compared without ASCII case, as the users
		 * table does. */
		if (column_is(s, 2, "login_failed") && column_is(s, 3, "throttled") &&
		    actor != NULL && strcasecmp(actor, name) == 0 && column_is(s, 5, group)) {
			*id = sqlite3_column_int64(s, 0);
			const char *n = (const char *)sqlite3_column_text(s, 6);
			*count = n != NULL ? strtoll(n, NULL, 10) : 0;
			if (*count < 1)
				*count = 1;
			break;
		}
	}
	store_stmt_done(s);
	return r;
}

enum store_result
store_audit_throttled(struct store *st, const char *name, const char *remote_addr,
    const char *group, time_t now, int window, long long *attempts)
{
	*attempts = 0;
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		return r;
	int64_t id;
	long long count;
	if ((r = throttled_row(st, name, group, now - (window > 0 ? window : 0), &id, &count)) !=
	    STORE_OK)
		goto fail;
	char n[24];
	snprintf(n, sizeof(n), "%lld", count + 1);
	if (id > 0) {
		sqlite3_stmt *s;
		if ((r = store_prepare(st, sql_audit_count_up, &s)) != STORE_OK)
			goto fail;
		int rc = sqlite3_bind_int64(s, 1, id);
		if (rc == SQLITE_OK)
			rc = store_bind_text(s, 2, n);
		if ((r = store_bind_check(st, s, rc)) != STORE_OK ||
		    (r = store_step_done(st, s)) != STORE_OK)
			goto fail;
	} else {
		const struct audit_entry e = {
			.at = now, .actor = (char *)name, .remote_addr = (char *)remote_addr,
			.action = (char *)"login_failed", .target = (char *)group,
			.before = (char *)"", .after = n, .reason = (char *)"throttled",
		};
		if ((r = store_audit_add(st, &e)) != STORE_OK)
			goto fail;
	}
	if ((r = store_commit(st)) != STORE_OK)
		return r;
	*attempts = count + 1;
	return STORE_OK;
fail:
	store_rollback(st);
	return r;
}
