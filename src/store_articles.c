/* store_articles.c — renaming an article, closing and reopening its
 * thread; see store_articles.h. */
#include <string.h>

#include <sqlite3.h>

#include "store_articles.h"
#include "store_db.h"

static const char sql_article_count[] = "SELECT count(*) FROM comments WHERE article = ?1";
/* The thread index (article, …) finds the rows; updated and version as
 * for any change to a comment. */
static const char sql_article_move[] =
	"UPDATE comments SET article = ?2, updated = ?3, version = version + 1"
	" WHERE article = ?1";

static const char sql_state[] =
	"SELECT (SELECT closed FROM articles WHERE id = ?1),"
	" (SELECT changed FROM articles WHERE id = ?1),"
	" (SELECT min(created) FROM comments WHERE article = ?1 AND status = 'approved')";
/* Each changes a row only when the state changes (an article without a
 * row is open), so that sqlite3_changes says whether anything happened. */
static const char sql_close[] =
	"INSERT INTO articles (id, closed, changed) VALUES (?1, 1, ?2)"
	" ON CONFLICT (id) DO UPDATE SET closed = 1, changed = excluded.changed"
	" WHERE closed = 0";
static const char sql_open[] =
	"UPDATE articles SET closed = 0, changed = ?2 WHERE id = ?1 AND closed = 1";
/* A renamed article keeps its state, unless the new id has one already. */
static const char sql_state_move[] =
	"UPDATE OR IGNORE articles SET id = ?2 WHERE id = ?1";
static const char sql_state_drop[] = "DELETE FROM articles WHERE id = ?1";

static enum store_result
article_count(struct store *st, const char *article, int64_t *n)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_article_count, &s);
	if (r != STORE_OK ||
	    (r = store_bind_check(st, s, store_bind_text(s, 1, article))) != STORE_OK)
		return r;
	r = store_step_ints(st, s, n, 1);
	return r == STORE_NOT_FOUND ? STORE_ERROR : r;
}

enum store_result
store_article_rename(struct store *st, const char *from, const char *to, bool merge,
    const struct actor *who, time_t now, int64_t *moved, int64_t *merged_into)
{
	*moved = *merged_into = 0;
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		return r;
	int64_t n;
	if ((r = article_count(st, from, &n)) != STORE_OK)
		goto fail;
	if (n == 0) {
		r = STORE_NOT_FOUND;
		goto fail;
	}
	if ((r = article_count(st, to, merged_into)) != STORE_OK)
		goto fail;
	if (*merged_into > 0 && !merge) {
		r = STORE_CONFLICT;
		goto fail;
	}
	sqlite3_stmt *s;
	if ((r = store_prepare(st, sql_article_move, &s)) != STORE_OK)
		goto fail;
	int rc = store_bind_text(s, 1, from);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 2, to);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 3, (sqlite3_int64)now);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK ||
	    (r = store_step_done(st, s)) != STORE_OK)
		goto fail;
	*moved = sqlite3_changes(st->db);
	for (int i = 0; i < 2; i++) {
		if ((r = store_prepare(st, i == 0 ? sql_state_move : sql_state_drop, &s)) != STORE_OK)
			goto fail;
		rc = store_bind_text(s, 1, from);
		if (rc == SQLITE_OK && i == 0)
			rc = store_bind_text(s, 2, to);
		if ((r = store_bind_check(st, s, rc)) != STORE_OK ||
		    (r = store_step_done(st, s)) != STORE_OK)
			goto fail;
	}
	const struct audit_change ch = {
		.action = "article_rename", .target = from, .before = from, .after = to,
		.reason = *merged_into > 0 ? "merge" : "",
	};
	if ((r = store_audit_write(st, who, now, &ch)) != STORE_OK)
		goto fail;
	return store_commit(st);

fail:
	store_rollback(st);
	*moved = 0;
	return r;
}

enum store_result
store_article_state(struct store *st, const char *article, struct article_state *out)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_state, &s);
	if (r != STORE_OK ||
	    (r = store_bind_check(st, s, store_bind_text(s, 1, article))) != STORE_OK)
		return r;
	int64_t v[3];
	if ((r = store_step_ints(st, s, v, 3)) != STORE_OK)
		return r == STORE_NOT_FOUND ? STORE_ERROR : r;
	out->closed = v[0] != 0;
	out->changed = v[1];
	out->first = v[2];
	return STORE_OK;
}

enum store_result
store_article_set_closed(struct store *st, const char *article, bool closed,
    const struct actor *who, time_t now, bool *changed)
{
	*changed = false;
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		return r;
	sqlite3_stmt *s;
	if ((r = store_prepare(st, closed ? sql_close : sql_open, &s)) != STORE_OK)
		goto fail;
	int rc = store_bind_text(s, 1, article);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK ||
	    (r = store_step_done(st, s)) != STORE_OK)
		goto fail;
	*changed = sqlite3_changes(st->db) > 0;
	if (*changed) {
		const struct audit_change ch = {
			.action = closed ? "article_close" : "article_open", .target = article,
			.before = closed ? "open" : "closed", .after = closed ? "closed" : "open",
		};
		if ((r = store_audit_write(st, who, now, &ch)) != STORE_OK)
			goto fail;
	}
	return store_commit(st);

fail:
	store_rollback(st);
	*changed = false;
	return r;
}
