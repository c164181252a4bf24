/* store_articles.c — renaming an article; see store_articles.h. */
#include <sqlite3.h>

#include "store_articles.h"
#include "store_db.h"

static const char sql_article_count[] = "SELECT count(*) FROM comments WHERE article = ?1";
/* The thread index (article, …) finds the rows; updated and version as
 * for any change to a comment. */
static const char sql_article_move[] =
	"UPDATE comments SET article = ?2, updated = ?3, version = version + 1"
	" WHERE article = ?1";

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
