/* store_votes.c — readers' votes in SQLite; see store_votes.h. The counts
 * on the comment row follow the votes table through the triggers of
 * schema 9 (store_schema.c). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "log.h"
#include "store_comments.h"
#include "store_db.h"
#include "store_votes.h"

static const char sql_vote_comment[] =
	"SELECT status, agree, disagree, article FROM comments WHERE id = ?1";
static const char sql_vote_get[] =
	"SELECT value FROM votes WHERE comment_id = ?1 AND voter = ?2";
static const char sql_vote_insert[] =
	"INSERT INTO votes (comment_id, voter, value, addr_group, created)"
	" VALUES (?1, ?2, ?3, ?4, ?5)";
static const char sql_vote_update[] =
	"UPDATE votes SET value = ?3 WHERE comment_id = ?1 AND voter = ?2";
static const char sql_vote_delete[] =
	"DELETE FROM votes WHERE comment_id = ?1 AND voter = ?2";
/* The ?3-th newest (0-based) new vote of a group in the window (on
 * comment ?4): when it exists the group is at its limit. */
static const char sql_vote_nth_group[] =
	"SELECT created FROM votes WHERE addr_group = ?1 AND created > ?2"
	" ORDER BY created DESC LIMIT 1 OFFSET ?3";
static const char sql_vote_nth_comment[] =
	"SELECT created FROM votes WHERE addr_group = ?1 AND comment_id = ?4 AND created > ?2"
	" ORDER BY created DESC LIMIT 1 OFFSET ?3";
/* ?1 the voter, ?2 a JSON array of comment ids. */
static const char sql_voter_votes[] =
	"SELECT comment_id, value FROM votes"
	" WHERE comment_id IN (SELECT value FROM json_each(?2)) AND voter = ?1";
static const char sql_votes_clear[] = "DELETE FROM votes WHERE comment_id = ?1";
/* The triggers have brought them to 0 already; this also mends counts
 * that a hand edit put out of step. */
static const char sql_votes_zero[] =
	"UPDATE comments SET agree = 0, disagree = 0 WHERE id = ?1";

/* The comment's counts, and whether it takes votes (approved, and of
 * article unless that is NULL); STORE_NOT_FOUND when there is none. */
static enum store_result
comment_counts(struct store *st, int64_t id, const char *article, bool *approved,
    struct vote_tally *t)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_vote_comment, &s);
	if (r != STORE_OK ||
	    (r = store_bind_check(st, s, sqlite3_bind_int64(s, 1, id))) != STORE_OK ||
	    (r = store_step_one(st, s)) != STORE_OK)
		return r;
	const char *status = (const char *)sqlite3_column_text(s, 0);
	const char *of = (const char *)sqlite3_column_text(s, 3);
	*approved = status != NULL && strcmp(status, "approved") == 0 &&
	    (article == NULL || (of != NULL && strcmp(of, article) == 0));
	t->agree = sqlite3_column_int64(s, 1);
	t->disagree = sqlite3_column_int64(s, 2);
	store_stmt_done(s);
	return STORE_OK;
}

/* Binds ?1 comment id and ?2 voter. */
static int
bind_key(sqlite3_stmt *s, int64_t id, const unsigned char *voter)
{
	int rc = sqlite3_bind_int64(s, 1, id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_blob(s, 2, voter, STORE_VOTER_BYTES, SQLITE_TRANSIENT);
	return rc;
}

static enum store_result
current_vote(struct store *st, int64_t id, const unsigned char *voter, enum vote_value *v)
{
	*v = VOTE_NONE;
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_vote_get, &s);
	if (r != STORE_OK || (r = store_bind_check(st, s, bind_key(s, id, voter))) != STORE_OK)
		return r;
	r = store_step_one(st, s);
	if (r == STORE_NOT_FOUND)
		return STORE_OK;
	if (r != STORE_OK)
		return r;
	int value = sqlite3_column_int(s, 0);
	*v = value > 0 ? VOTE_AGREE : value < 0 ? VOTE_DISAGREE : VOTE_NONE;
	store_stmt_done(s);
	return STORE_OK;
}

/* Whether the group (on comment id, unless 0) has `limit` new votes in the
 * window ending at now; if so *retry_after is when it will not. */
static enum store_result
vote_at_limit(struct store *st, const char *group, int64_t id, int limit, int window,
    time_t now, bool *over, int *retry_after)
{
	*over = false;
	if (limit <= 0)
		return STORE_OK;
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, id ? sql_vote_nth_comment : sql_vote_nth_group,
	    &s);
	if (r != STORE_OK)
		return r;
	int rc = store_bind_text(s, 1, group);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, (sqlite3_int64)now - window);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 3, limit - 1);
	if (rc == SQLITE_OK && id != 0)
		rc = sqlite3_bind_int64(s, 4, id);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	r = store_step_one(st, s);
	if (r == STORE_NOT_FOUND)
		return STORE_OK;
	if (r != STORE_OK)
		return r;
	long long created = sqlite3_column_int64(s, 0);
	store_stmt_done(s);
	*over = true;
	long long wait = created + window - (long long)now;
	*retry_after = wait < 1 ? 1 : wait > window ? window : (int)wait;
	return STORE_OK;
}

/* The limits on a new vote: VOTE_COUNTED when none is reached. */
static enum store_result
vote_limits(struct store *st, int64_t id, const struct vote_guard *g, time_t now,
    enum vote_verdict *verdict, int *retry_after)
{
	const struct {
		enum vote_verdict verdict;
		bool per_comment;
		int window;
		int limit;
	} limits[] = {
		{ VOTE_LIMIT_MINUTE, false, 60, g->per_minute },
		{ VOTE_LIMIT_HOUR, false, 3600, g->per_hour },
		{ VOTE_LIMIT_COMMENT, true, 3600, g->per_comment_hour },
	};
	*verdict = VOTE_COUNTED;
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		bool over;
		enum store_result r = vote_at_limit(st, g->addr_group, limits[i].per_comment ? id : 0,
		    limits[i].limit, limits[i].window, now, &over, retry_after);
		if (r != STORE_OK)
			return r;
		if (over) {
			*verdict = limits[i].verdict;
			return STORE_OK;
		}
	}
	return STORE_OK;
}

/* Writes the change from was to value; inside the caller's transaction. */
static enum store_result
vote_write(struct store *st, int64_t id, const unsigned char *voter, enum vote_value was,
    enum vote_value value, const char *group, time_t now)
{
	const char *sql = value == VOTE_NONE ? sql_vote_delete :
	    was == VOTE_NONE ? sql_vote_insert : sql_vote_update;
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql, &s);
	if (r != STORE_OK)
		return r;
	int rc = bind_key(s, id, voter);
	if (rc == SQLITE_OK && value != VOTE_NONE)
		rc = sqlite3_bind_int(s, 3, (int)value);
	if (rc == SQLITE_OK && sql == sql_vote_insert)
		rc = store_bind_text(s, 4, group);
	if (rc == SQLITE_OK && sql == sql_vote_insert)
		rc = sqlite3_bind_int64(s, 5, (sqlite3_int64)now);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	return store_step_done(st, s);
}

enum store_result
store_vote(struct store *st, int64_t id, const char *article,
    const unsigned char voter[STORE_VOTER_BYTES],
    enum vote_value value, const struct vote_guard *g, time_t now, enum vote_verdict *verdict,
    int *retry_after, struct vote_tally *out)
{
	*verdict = VOTE_COUNTED;
	*retry_after = 0;
	memset(out, 0, sizeof(*out));
	if (g == NULL || g->addr_group == NULL || voter == NULL ||
	    (value != VOTE_AGREE && value != VOTE_DISAGREE && value != VOTE_NONE)) {
		log_error("database: vote: invalid arguments");
		return STORE_ERROR;
	}
	/* The write lock first: the limits read below must still hold when
	 * the vote is written, whatever the other workers do. */
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		return r;
	bool approved;
	enum vote_value was;
	if ((r = comment_counts(st, id, article, &approved, out)) != STORE_OK)
		goto fail;
	if (!approved) {
		r = STORE_NOT_FOUND;
		goto fail;
	}
	if ((r = current_vote(st, id, voter, &was)) != STORE_OK)
		goto fail;
	out->mine = was;
	if (was == value) {
		store_rollback(st);
		return STORE_OK;
	}
	if (was == VOTE_NONE) {
		if ((r = vote_limits(st, id, g, now, verdict, retry_after)) != STORE_OK)
			goto fail;
		if (*verdict != VOTE_COUNTED) {
			store_rollback(st);
			return STORE_OK;
		}
	}
	if ((r = vote_write(st, id, voter, was, value, g->addr_group, now)) != STORE_OK ||
	    (r = comment_counts(st, id, NULL, &approved, out)) != STORE_OK ||
	    (r = store_commit(st)) != STORE_OK)
		goto fail;
	out->mine = value;
	return STORE_OK;

fail:
	store_rollback(st);
	*verdict = VOTE_COUNTED;
	*retry_after = 0;
	return r;
}

enum store_result
store_voter_votes(struct store *st, const unsigned char voter[STORE_VOTER_BYTES],
    const int64_t *ids, size_t n, enum vote_value *mine)
{
	for (size_t i = 0; i < n; i++)
		mine[i] = VOTE_NONE;
	if (n == 0 || voter == NULL)
		return STORE_OK;
	struct buf list = { 0 };
	store_ids_json(&list, ids, n);
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_voter_votes, &s);
	if (r != STORE_OK)
		goto out;
	int rc = sqlite3_bind_blob(s, 1, voter, STORE_VOTER_BYTES, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(s, 2, buf_str(&list), (int)list.len, SQLITE_STATIC);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		goto out;
	bool row;
	while ((r = store_step(st, s, &row)) == STORE_OK && row) {
		int64_t cid = sqlite3_column_int64(s, 0);
		int value = sqlite3_column_int(s, 1);
		for (size_t i = 0; i < n; i++)
			if (ids[i] == cid)
				mine[i] = value > 0 ? VOTE_AGREE : value < 0 ? VOTE_DISAGREE : VOTE_NONE;
	}
	store_stmt_done(s);
out:
	buf_free(&list);
	return r;
}

/* Runs a statement bound with the comment id alone. */
static enum store_result
by_id(struct store *st, const char *sql, int64_t id)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql, &s);
	if (r != STORE_OK ||
	    (r = store_bind_check(st, s, sqlite3_bind_int64(s, 1, id))) != STORE_OK)
		return r;
	return store_step_done(st, s);
}

enum store_result
store_reset_votes(struct store *st, int64_t id, const struct actor *who, time_t now,
    struct vote_tally *before)
{
	memset(before, 0, sizeof(*before));
	if (who == NULL) {
		log_error("database: reset votes: no actor");
		return STORE_ERROR;
	}
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		return r;
	bool approved;
	if ((r = comment_counts(st, id, NULL, &approved, before)) != STORE_OK)
		goto fail;
	if (before->agree == 0 && before->disagree == 0) {
		store_rollback(st);
		return STORE_OK;
	}
	char was[64];
	snprintf(was, sizeof(was), "agree %lld, disagree %lld", (long long)before->agree,
	    (long long)before->disagree);
	if ((r = by_id(st, sql_votes_clear, id)) != STORE_OK ||
	    (r = by_id(st, sql_votes_zero, id)) != STORE_OK ||
	    (r = store_audit_write(st, who, now, &(struct audit_change){
	    .action = "reset_votes", .comment_id = id, .before = was,
	    .after = "agree 0, disagree 0" })) != STORE_OK)
		goto fail;
	return store_commit(st);

fail:
	store_rollback(st);
	return r;
}
