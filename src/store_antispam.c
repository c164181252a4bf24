/* store_antispam.c — rate limits, duplicates and trusted readers in SQLite;
 * see store_antispam.h. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "log.h"
#include "store_antispam.h"
#include "store_comments.h"
#include "store_db.h"

/* addr_group is NULL for comments that did not come through the post form
 * (schema version 4, store_schema.c), so they are never counted. */
/* The ?3-th newest (0-based) comment of a group in the window: when it
 * exists the group is at its limit, and when it leaves the window the
 * group is below it again. */
static const char sql_nth_group[] =
	"SELECT created FROM comments WHERE addr_group = ?1 AND created > ?2"
	" ORDER BY created DESC LIMIT 1 OFFSET ?3";
static const char sql_nth_article[] =
	"SELECT created FROM comments WHERE addr_group = ?1 AND article = ?4 AND created > ?2"
	" ORDER BY created DESC LIMIT 1 OFFSET ?3";
/* ?1 JSON array of the reader's own ids (their cookie), ?4 the article. */
static const char sql_nth_own[] =
	"SELECT created FROM comments WHERE id IN (SELECT value FROM json_each(?1))"
	" AND article = ?4 AND created > ?2 ORDER BY created DESC LIMIT 1 OFFSET ?3";
static const char sql_count_group[] =
	"SELECT count(*) FROM comments WHERE addr_group = ?1 AND created > ?2";
static const char sql_count_article[] =
	"SELECT count(*) FROM comments WHERE addr_group = ?1 AND article = ?3 AND created > ?2";
/* The same author: the same address group, or one of the reader's own
 * ids (?3 JSON array, their signed cookie). Another reader's same words
 * are theirs to say. */
static const char sql_duplicates[] =
	"SELECT count(*) FROM comments WHERE body_hash = ?1 AND created > ?2"
	" AND (addr_group = ?4 OR id IN (SELECT value FROM json_each(?3)))";
/* Everyone's posts on one article (?4): the ?3-th newest in the window. */
static const char sql_nth_article_all[] =
	"SELECT created FROM comments WHERE article = ?4 AND addr_group IS NOT NULL"
	" AND created > ?2 ORDER BY created DESC LIMIT 1 OFFSET ?3";
static const char sql_post_key_get[] =
	"SELECT c.id, c.status, c.article, c.created FROM post_keys k"
	" JOIN comments c ON c.id = k.comment_id WHERE k.key = ?1";
static const char sql_post_keys_expire[] = "DELETE FROM post_keys WHERE created < ?1";
/* ?3 caps the count (only "enough or not" matters); ?4 is a JSON array of
 * the reader's own ids. */
static const char sql_standing[] =
	"SELECT (SELECT count(*) FROM (SELECT 1 FROM comments"
	"   WHERE lower(email) = lower(?1) AND name = ?2 AND status = 'approved' LIMIT ?3)),"
	" EXISTS (SELECT 1 FROM comments WHERE id IN (SELECT value FROM json_each(?4))"
	"   AND lower(email) = lower(?1) AND name = ?2 AND status = 'approved')";

/* Steps s (bound with rc) for one integer in column 0 (0 when there is
 * no row). */
static enum store_result
one_int(struct store *st, sqlite3_stmt *s, int rc, long long *out, bool *found)
{
	int64_t v = 0;
	enum store_result r = store_bind_check(st, s, rc);
	if (r == STORE_OK)
		r = store_step_ints(st, s, &v, 1);
	*out = v;
	if (found != NULL)
		*found = r == STORE_OK;
	return r == STORE_NOT_FOUND ? STORE_OK : r;
}

/* Whether the group (on article, unless NULL; with group NULL, everyone
 * on article) has `limit` comments in the window ending at now; if so
 * *retry_after is when it will not. */
static enum store_result
at_limit(struct store *st, const char *group, const char *article, int limit, int window,
    time_t now, bool *over, int *retry_after)
{
	*over = false;
	if (limit <= 0)
		return STORE_OK;
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, group == NULL ? sql_nth_article_all :
	    article ? sql_nth_article : sql_nth_group, &s);
	if (r != STORE_OK)
		return r;
	int rc = group != NULL ? store_bind_text(s, 1, group) : SQLITE_OK;
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, (sqlite3_int64)now - window);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 3, limit - 1);
	if (rc == SQLITE_OK && article != NULL)
		rc = store_bind_text(s, 4, article);
	long long created;
	if ((r = one_int(st, s, rc, &created, over)) != STORE_OK || !*over)
		return r;
	long long wait = created + window - (long long)now;
	*retry_after = wait < 1 ? 1 : wait > window ? window : (int)wait;
	return STORE_OK;
}

/* at_limit for the comments among own (a JSON array of ids) on article. */
static enum store_result
own_at_limit(struct store *st, const struct buf *own, const char *article, int limit,
    int window, time_t now, bool *over, int *retry_after)
{
	*over = false;
	if (limit <= 0 || own->len <= 2)
		return STORE_OK;
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_nth_own, &s);
	if (r != STORE_OK)
		return r;
	int rc = sqlite3_bind_text(s, 1, own->data, (int)own->len, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, (sqlite3_int64)now - window);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 3, limit - 1);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 4, article);
	long long created;
	if ((r = one_int(st, s, rc, &created, over)) != STORE_OK || !*over)
		return r;
	long long wait = created + window - (long long)now;
	*retry_after = wait < 1 ? 1 : wait > window ? window : (int)wait;
	return STORE_OK;
}

/* The per-reader daily limit on c->article: by address group, then by the
 * reader's cookie. */
static enum store_result
reader_day_limit(struct store *st, const struct post_guard *g, const char *article,
    time_t now, bool *over, int *retry_after)
{
	enum store_result r = at_limit(st, g->addr_group, article, g->per_reader_article_day,
	    86400, now, over, retry_after);
	if (r != STORE_OK || *over || g->own_count == 0)
		return r;
	struct buf own = { 0 };
	store_ids_json(&own, g->own_ids, g->own_count);
	r = own_at_limit(st, &own, article, g->per_reader_article_day, 86400, now, over,
	    retry_after);
	buf_free(&own);
	return r;
}

static enum store_result
count_duplicates(struct store *st, const unsigned char *hash, const char *group,
    const int64_t *own_ids, size_t own_count, time_t since, long long *count)
{
	sqlite3_stmt *s;
	struct buf own = { 0 };
	store_ids_json(&own, own_ids, own_count);
	enum store_result r = store_prepare(st, sql_duplicates, &s);
	if (r != STORE_OK)
		goto out;
	int rc = sqlite3_bind_blob(s, 1, hash, STORE_BODY_HASH_BYTES, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, (sqlite3_int64)since);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(s, 3, buf_str(&own), (int)own.len, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 4, group);
	r = one_int(st, s, rc, count, NULL);
out:
	buf_free(&own);
	return r;
}

/* The comment stored under key, into c: STORE_NOT_FOUND when there is none. */
static enum store_result
repeat_of(struct store *st, const unsigned char *key, struct comment *c)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_post_key_get, &s);
	if (r != STORE_OK)
		return r;
	int rc = sqlite3_bind_blob(s, 1, key, STORE_POST_KEY_BYTES, SQLITE_TRANSIENT);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK ||
	    (r = store_step_one(st, s)) != STORE_OK)
		return r;
	enum comment_status status;
	const char *article = (const char *)sqlite3_column_text(s, 2);
	if (comment_status_parse((const char *)sqlite3_column_text(s, 1), &status) != 0 ||
	    article == NULL || c->article == NULL || strcmp(article, c->article) != 0) {
		/* The key covers the article: another one means a damaged row. */
		log_error("database: post key of comment %lld does not fit it",
		    (long long)sqlite3_column_int64(s, 0));
		store_stmt_done(s);
		return STORE_NOT_FOUND;
	}
	c->id = sqlite3_column_int64(s, 0);
	c->status = status;
	c->created = sqlite3_column_int64(s, 3);
	store_stmt_done(s);
	return STORE_OK;
}

static enum store_result
expire_post_keys(struct store *st, time_t before)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_post_keys_expire, &s);
	if (r != STORE_OK ||
	    (r = store_bind_check(st, s, sqlite3_bind_int64(s, 1, (sqlite3_int64)before))) !=
	    STORE_OK)
		return r;
	return store_step_done(st, s);
}

enum store_result
store_post_comment(struct store *st, struct comment *c, const struct post_guard *g,
    time_t now, enum post_verdict *verdict, int *retry_after)
{
	*verdict = POST_STORED;
	*retry_after = 0;
	if (g == NULL || g->addr_group == NULL) {
		log_error("database: post: no address group");
		return STORE_ERROR;
	}
	/* The write lock first: the counts below must still hold when the
	 * comment is inserted, whatever the other workers are doing. */
	enum store_result r = store_comment_check(c, "post");
	if (r != STORE_OK || (r = store_begin_write(st)) != STORE_OK)
		return r;
	if (g->post_key != NULL) {
		r = repeat_of(st, g->post_key, c);
		if (r == STORE_OK) {
			*verdict = POST_REPEAT;
			goto refuse;
		}
		if (r != STORE_NOT_FOUND)
			goto fail;
	}
	static const struct {
		enum post_verdict verdict;
		bool per_article, everyone;
		int window;
	} limits[] = {
		{ POST_LIMIT_MINUTE, false, false, 60 },
		{ POST_LIMIT_HOUR, false, false, 3600 },
		{ POST_LIMIT_ARTICLE, true, false, 60 },
		{ POST_LIMIT_ARTICLE_ALL, true, true, 60 },
	};
	const int limit_of[] = { g->per_minute, g->per_hour, g->per_article_per_minute,
	    g->article_per_minute };
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		bool over;
		r = at_limit(st, limits[i].everyone ? NULL : g->addr_group,
		    limits[i].per_article ? c->article : NULL,
		    limit_of[i], limits[i].window, now, &over, retry_after);
		if (r != STORE_OK)
			goto fail;
		if (over) {
			*verdict = limits[i].verdict;
			goto refuse;
		}
	}
	bool over;
	if ((r = reader_day_limit(st, g, c->article, now, &over, retry_after)) != STORE_OK)
		goto fail;
	if (over) {
		*verdict = POST_LIMIT_READER_DAY;
		goto refuse;
	}
	if (g->duplicate_window > 0 && g->body_hash != NULL) {
		long long n;
		r = count_duplicates(st, g->body_hash, g->addr_group, g->own_ids, g->own_count,
		    now - g->duplicate_window, &n);
		if (r != STORE_OK)
			goto fail;
		if (n > 0) {
			*verdict = POST_DUPLICATE;
			goto refuse;
		}
	}
	if (g->post_key != NULL &&
	    (r = expire_post_keys(st, now - (g->post_key_keep > 0 ? g->post_key_keep : 0))) !=
	    STORE_OK)
		goto fail;
	return store_insert_commit(st, c, g->addr_group, g->body_hash, STORE_BODY_HASH_BYTES,
	    g->post_key, STORE_POST_KEY_BYTES, now);

refuse:
	store_rollback(st);
	return STORE_OK;
fail:
	store_rollback(st);
	*verdict = POST_STORED;
	*retry_after = 0;
	return r;
}

enum store_result
store_count_recent(struct store *st, const char *addr_group, const char *article,
    time_t since, long long *count)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, article ? sql_count_article : sql_count_group,
	    &s);
	if (r != STORE_OK)
		return r;
	int rc = store_bind_text(s, 1, addr_group);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, (sqlite3_int64)since);
	if (rc == SQLITE_OK && article != NULL)
		rc = store_bind_text(s, 3, article);
	return one_int(st, s, rc, count, NULL);
}

enum store_result
store_count_duplicates(struct store *st, const unsigned char *body_hash,
    const char *addr_group, const int64_t *own_ids, size_t own_count, time_t since,
    long long *count)
{
	return count_duplicates(st, body_hash, addr_group, own_ids, own_count, since, count);
}

enum store_result
store_author_standing(struct store *st, const char *name, const char *email,
    const int64_t *own_ids, size_t own_count, int enough, long long *approved, bool *listed)
{
	*approved = 0;
	*listed = false;
	if (name == NULL || email == NULL || email[0] == '\0' || enough <= 0)
		return STORE_OK;
	struct buf ids = { 0 };
	store_ids_json(&ids, own_ids, own_count);
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_standing, &s);
	if (r != STORE_OK)
		goto out;
	int rc = store_bind_text(s, 1, email);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 2, name);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 3, enough);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(s, 4, buf_str(&ids), (int)ids.len, SQLITE_STATIC);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		goto out;
	if ((r = store_step_one(st, s)) == STORE_OK) {
		*approved = sqlite3_column_int64(s, 0);
		*listed = sqlite3_column_int(s, 1) != 0;
		store_stmt_done(s);
	} else if (r == STORE_NOT_FOUND)
		r = STORE_ERROR;	/* an aggregate always has its row */
out:
	buf_free(&ids);
	return r;
}
