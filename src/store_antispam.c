/* store_antispam.c — rate limits, duplicates and trusted readers in SQLite;
 * see store_antispam.h. */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "log.h"
#include "metrics.h"
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

/* One post on its way through a group (or alone): what the caller asked
 * and, once done, what came of it. Lives on the posting thread's stack,
 * which waits until done. */
struct post_job {
	struct comment *c;
	const struct post_guard *g;
	time_t now;
	enum post_verdict verdict;
	int retry_after;
	enum store_result result;
	int64_t id;			/* inserted, not yet committed */
	bool done;			/* under the group's mutex */
	struct post_job *next;
};

struct post_group {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct post_job *head, **tail;	/* waiting for a leader, oldest first */
	size_t waiting;
	bool leading;			/* a worker is committing a group */
	struct post_group_stats stats;
};

/* The checks of one post, in the open write transaction: its key, the
 * limits, duplicates; then, when it passes, its row. Refusals set
 * j->verdict; the caller rolls back what a refused or failed post wrote. */
static enum store_result
post_one(struct store *st, struct post_job *j)
{
	const struct post_guard *g = j->g;
	struct comment *c = j->c;
	time_t now = j->now;
	enum store_result r;
	if (g->post_key != NULL) {
		r = repeat_of(st, g->post_key, c);
		if (r == STORE_OK) {
			j->verdict = POST_REPEAT;
			return STORE_OK;
		}
		if (r != STORE_NOT_FOUND)
			return r;
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
		    limit_of[i], limits[i].window, now, &over, &j->retry_after);
		if (r != STORE_OK)
			return r;
		if (over) {
			j->verdict = limits[i].verdict;
			return STORE_OK;
		}
	}
	bool over;
	if ((r = reader_day_limit(st, g, c->article, now, &over, &j->retry_after)) != STORE_OK)
		return r;
	if (over) {
		j->verdict = POST_LIMIT_READER_DAY;
		return STORE_OK;
	}
	if (g->duplicate_window > 0 && g->body_hash != NULL) {
		long long n;
		r = count_duplicates(st, g->body_hash, g->addr_group, g->own_ids, g->own_count,
		    now - g->duplicate_window, &n);
		if (r != STORE_OK)
			return r;
		if (n > 0) {
			j->verdict = POST_DUPLICATE;
			return STORE_OK;
		}
	}
	if (g->post_key != NULL &&
	    (r = expire_post_keys(st, now - (g->post_key_keep > 0 ? g->post_key_keep : 0))) !=
	    STORE_OK)
		return r;
	return store_insert_row(st, c, g->addr_group, g->body_hash, STORE_BODY_HASH_BYTES,
	    g->post_key, STORE_POST_KEY_BYTES, now, &j->id);
}

static const char sql_savepoint[] = "SAVEPOINT post";
static const char sql_release[] = "RELEASE post";
static const char sql_rollback_to[] = "ROLLBACK TO post";

/* Runs the posts of jobs, in order, in the write transaction the caller
 * began, and ends it: each post in a savepoint of its own, so that one
 * refused or failed leaves the others' rows; each sees the rows of those
 * before it, so a second identical post of the group is a duplicate.
 * One COMMIT (one flush) for all; a post is stored only when it returns. */
static void
post_batch(struct store *st, struct post_job *jobs)
{
	bool any = false;
	enum store_result lost = STORE_OK;
	for (struct post_job *j = jobs; j != NULL; j = j->next) {
		j->verdict = POST_STORED;
		j->retry_after = 0;
		j->id = 0;
		if (lost != STORE_OK) {
			j->result = lost;
			continue;
		}
		enum store_result r = store_exec(st, sql_savepoint);
		bool saved = r == STORE_OK;
		if (saved)
			r = post_one(st, j);
		bool keep = r == STORE_OK && j->verdict == POST_STORED;
		if (!store_in_transaction(st)) {
			/* SQLite gave the transaction up (I/O error, full disk):
			 * nothing of the group stands. */
			lost = r != STORE_OK ? r : STORE_ERROR;
			j->result = lost;
			continue;
		}
		if (saved && !keep)
			(void)store_exec(st, sql_rollback_to);
		if (saved && store_exec(st, sql_release) != STORE_OK && r == STORE_OK)
			r = STORE_ERROR;
		if (r != STORE_OK) {
			j->verdict = POST_STORED;
			j->retry_after = 0;
			j->id = 0;
		}
		j->result = r;
		any = any || (r == STORE_OK && j->verdict == POST_STORED);
	}
	enum store_result r = STORE_OK;
	if (lost != STORE_OK)
		store_rollback(st);
	else if (any) {
		if ((r = store_commit(st)) == STORE_OK)
			metrics_post_commit();
	} else
		store_rollback(st);	/* nothing to keep: no flush */
	for (struct post_job *j = jobs; j != NULL; j = j->next) {
		if (lost != STORE_OK && j->result == STORE_OK)
			j->result = lost;
		if (r != STORE_OK && j->result == STORE_OK)
			j->result = r;	/* not committed: no answer of the group stands */
		if (j->result != STORE_OK) {
			j->verdict = POST_STORED;
			j->retry_after = 0;
		} else if (j->verdict == POST_STORED) {
			j->c->id = j->id;
			j->c->created = (int64_t)j->now;
		}
	}
}

/* Commits j together with the posts the other workers of the process
 * are waiting to commit: the first to find no group in progress leads,
 * takes the write lock, then every post waiting by then (its own among
 * them), and commits them as one; the others wait until a commit that
 * holds theirs has returned, or lead the next group. */
static void
post_grouped(struct store *st, struct post_group *grp, struct post_job *j)
{
	pthread_mutex_lock(&grp->mu);
	j->next = NULL;
	*grp->tail = j;
	grp->tail = &j->next;
	grp->waiting++;
	while (!j->done) {
		if (grp->leading) {
			pthread_cond_wait(&grp->cv, &grp->mu);
			continue;
		}
		grp->leading = true;
		pthread_mutex_unlock(&grp->mu);
		enum store_result r = store_begin_write(st);
		pthread_mutex_lock(&grp->mu);
		struct post_job *batch = NULL;
		if (r != STORE_OK) {
			/* This post alone waited the busy timeout: it alone
			 * fails; the next waiting leads and waits its own. */
			struct post_job **p = &grp->head;
			while (*p != j)
				p = &(*p)->next;
			*p = j->next;
			if (grp->tail == &j->next)
				grp->tail = p;
			grp->waiting--;
			j->result = r;
			j->verdict = POST_STORED;
			j->retry_after = 0;
		} else {
			batch = grp->head;
			grp->head = NULL;
			grp->tail = &grp->head;
			grp->waiting = 0;
		}
		pthread_mutex_unlock(&grp->mu);
		size_t n = 0;
		if (batch != NULL) {
			post_batch(st, batch);
			for (struct post_job *b = batch; b != NULL; b = b->next)
				n++;
		}
		pthread_mutex_lock(&grp->mu);
		for (struct post_job *b = batch, *next; b != NULL; b = next) {
			next = b->next;
			b->done = true;
		}
		j->done = true;
		if (n > 0) {
			grp->stats.groups++;
			grp->stats.posts += n;
			if (n > grp->stats.largest)
				grp->stats.largest = n;
		}
		grp->leading = false;
		pthread_cond_broadcast(&grp->cv);
	}
	pthread_mutex_unlock(&grp->mu);
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
	enum store_result r = store_comment_check(c, "post");
	if (r != STORE_OK)
		return r;
	struct post_job j = { .c = c, .g = g, .now = now };
	if (st->post_group != NULL)
		post_grouped(st, st->post_group, &j);
	else {
		/* The write lock first: the counts must still hold when the
		 * comment is inserted, whatever other writers are doing. */
		if ((r = store_begin_write(st)) != STORE_OK)
			return r;
		post_batch(st, &j);
	}
	*verdict = j.verdict;
	*retry_after = j.retry_after;
	return j.result;
}

struct post_group *
store_post_group_new(void)
{
	struct post_group *grp = calloc(1, sizeof(*grp));
	if (grp == NULL)
		fatal("out of memory");
	pthread_mutex_init(&grp->mu, NULL);
	pthread_cond_init(&grp->cv, NULL);
	grp->tail = &grp->head;
	return grp;
}

void
store_post_group_free(struct post_group *grp)
{
	if (grp == NULL)
		return;
	pthread_cond_destroy(&grp->cv);
	pthread_mutex_destroy(&grp->mu);
	free(grp);
}

void
store_join_post_group(struct store *st, struct post_group *grp)
{
	st->post_group = grp;
}

void
store_post_group_stats(struct post_group *grp, struct post_group_stats *out)
{
	pthread_mutex_lock(&grp->mu);
	*out = grp->stats;
	out->waiting = grp->waiting;
	pthread_mutex_unlock(&grp->mu);
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
