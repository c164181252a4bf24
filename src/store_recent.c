/* store_recent.c — the latest published comments and when they changed;
 * see store_recent.h. */
#include <stdint.h>

#include <sqlite3.h>

#include "store.h"
#include "store_comments.h"
#include "store_db.h"
#include "store_recent.h"

/* Two statements, not one with "?1 IS NULL OR": each keeps its index
 * (comments_queue for the site, comments_thread for an article). */
static const char sql_recent_site[] =
	"SELECT " COMMENT_COLUMNS " FROM comments c WHERE c.status = 'approved'"
	" ORDER BY c.created DESC, c.id DESC LIMIT ?1";
static const char sql_recent_article[] =
	"SELECT " COMMENT_COLUMNS " FROM comments c"
	" WHERE c.article = ?2 AND c.status = 'approved'"
	" ORDER BY c.created DESC, c.id DESC LIMIT ?1";
/* Article ids are printable ASCII (validate_article_id), so every id that
 * starts with ?2 sorts between ?2 and ?2 || char(127): a range on the
 * (article, status, ...) index. */
static const char sql_recent_prefix[] =
	"SELECT " COMMENT_COLUMNS " FROM comments c"
	" WHERE c.article >= ?2 AND c.article < ?2 || char(127) AND c.status = 'approved'"
	" ORDER BY c.created DESC, c.id DESC LIMIT ?1";
/* One max() per status, so each is a single step down comments_changed. */
static const char sql_changed_site[] =
	"SELECT max(m) FROM ("
	" SELECT max(updated) AS m FROM comments WHERE status = 'pending'"
	" UNION ALL SELECT max(updated) FROM comments WHERE status = 'approved'"
	" UNION ALL SELECT max(updated) FROM comments WHERE status = 'rejected'"
	" UNION ALL SELECT max(updated) FROM comments WHERE status = 'spam'"
	" UNION ALL SELECT max(updated) FROM comments WHERE status = 'deleted'"
	" UNION ALL SELECT max(updated) FROM comments WHERE status = 'withdrawn')";
static const char sql_changed_article[] =
	"SELECT max(updated) FROM comments WHERE article = ?1";

enum store_result
store_recent(struct store *st, struct arena *a, const char *article, const char *prefix,
    int limit, struct comment **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	if (limit < 1)
		limit = 1;
	if (limit > STORE_RECENT_MAX)
		limit = STORE_RECENT_MAX;
	sqlite3_stmt *s;
	const char *filter = article != NULL ? article : prefix;
	enum store_result r = store_prepare(st, article != NULL ? sql_recent_article :
	    prefix != NULL ? sql_recent_prefix : sql_recent_site, &s);
	if (r != STORE_OK)
		return r;
	int rc = sqlite3_bind_int(s, 1, limit);
	if (rc == SQLITE_OK && filter != NULL)
		rc = store_bind_text(s, 2, filter);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	return store_collect(st, a, s, out, count);
}

enum store_result
store_recent_changed(struct store *st, const char *article, int64_t *when)
{
	*when = 0;
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st,
	    article != NULL ? sql_changed_article : sql_changed_site, &s);
	if (r != STORE_OK)
		return r;
	if (article != NULL &&
	    (r = store_bind_check(st, s, store_bind_text(s, 1, article))) != STORE_OK)
		return r;
	r = store_step_ints(st, s, when, 1);
	return r == STORE_NOT_FOUND ? STORE_OK : r;
}
