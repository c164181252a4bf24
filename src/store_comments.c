/* store_comments.c — comments in SQLite: storing one, reading one, a
 * thread page, counts per article, the operator's listing and status
 * changes; see store.h and store_comments.h. */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "arena.h"
#include "buf.h"
#include "json.h"
#include "log.h"
#include "store.h"
#include "store_articles.h"
#include "store_comments.h"
#include "store_db.h"

/* Bounds on store_thread's paging arguments; the handlers stay far below. */
#define THREAD_MAX_PER_PAGE 1000
#define THREAD_MAX_PAGE 1000000

static const char *const status_names[COMMENT_STATUS__MAX] = {
	"pending", "approved", "rejected", "spam", "deleted", "withdrawn",
};

static const char sql_parent[] = "SELECT article, status FROM comments WHERE id = ?1";
static const char sql_insert[] =
	"INSERT INTO comments (article, parent, name, email, body, status, created, updated, "
	"remote_addr, user_agent, site_reply, reason, addr_group, body_hash, notify_replies) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
static const char sql_post_key_put[] =
	"INSERT INTO post_keys (key, comment_id, created) VALUES (?1, ?2, ?3)";
static const char sql_get[] = "SELECT " COMMENT_COLUMNS " FROM comments c WHERE c.id = ?1";
/* The published comments, and the top-level ones that are paged (the
 * pinned ones are not); then the article's state as store_article_state
 * reads it (closed, changed, the first published comment's time). */
static const char sql_totals[] =
	"SELECT count(*), count(*) FILTER (WHERE parent IS NULL AND pinned = 0),"
	" (SELECT closed FROM articles WHERE id = ?1),"
	" (SELECT changed FROM articles WHERE id = ?1), min(created)"
	" FROM comments WHERE article = ?1 AND status = 'approved'";
/* One page of a thread: ?1 article, ?2 limit, ?3 offset, ?4 JSON array
 * of the reader's own ids, ?5 whether own held comments at the top of the
 * page belong on this page (page 1 only), ?6 replies shown under each
 * comment of the page (0: all), ?7 the comment whose replies are the page
 * (sql_replies only). The reader's own comments come back while pending
 * and after a rejection (so they learn the outcome instead of seeing
 * their words vanish); never as spam or deleted. UNION, not UNION ALL: a
 * damaged database with a parent cycle must not make the recursion
 * endless. Replies are found through the parent index: without it SQLite
 * picks the (article, ...) index and rereads the whole article once per
 * comment in the tree. No comment brings more than ?6 of its replies into
 * the recursion, and each comment of the page (its root) at most ?6 of
 * its tree (the oldest), so one page stays bounded however many replies
 * a comment draws. The reader's own comments (at most READER_MAX_IDS)
 * come whatever the bound, published ones too: a reader sent back to
 * their new reply finds it there.
 *
 * A page of replies (sql_replies) is oldest first. A thread page
 * (SQL_THREAD, below) follows the same rules; it chooses its top-level
 * comments in the order asked for, the pinned ones apart (on page 1, not
 * paged), and thread_arrange puts the rows head by head (pinned first, in
 * the order pinned, then that order), each tree in time order. */
#define THREAD_RANKED \
	"  UNION" \
	"  SELECT c.id, t.root FROM tree t JOIN comments c INDEXED BY comments_parent" \
	"   ON c.parent = t.id" \
	"   WHERE c.article = ?1" \
	"   AND ((c.status = 'approved' AND (?6 <= 0 OR c.id IN own" \
	"     OR c.id IN (SELECT r.id FROM comments r" \
	"      INDEXED BY comments_parent WHERE r.parent = t.id AND r.status = 'approved'" \
	"      ORDER BY r.created, r.id LIMIT ?6)))" \
	"    OR (c.status IN ('pending', 'rejected') AND c.id IN own)))," \
	" ranked(id, root, n) AS (SELECT t.id, t.root, row_number() OVER" \
	"  (PARTITION BY t.root ORDER BY t.id <> t.root, c.created, c.id)" \
	"  FROM tree t JOIN comments c ON c.id = t.id)"
#define THREAD_ROWS \
	" SELECT " COMMENT_COLUMNS "," \
	"  (SELECT count(*) FROM comments r INDEXED BY comments_parent" \
	"   WHERE r.parent = c.id AND r.status = 'approved')" \
	" FROM ranked k JOIN comments c ON c.id = k.id"
#define THREAD_BOUND \
	" WHERE ?6 <= 0 OR k.n <= ?6 + 1 OR c.status <> 'approved' OR c.id IN own"
#define THREAD_TREE THREAD_RANKED THREAD_ROWS THREAD_BOUND " ORDER BY c.created, c.id"
/* A thread page (SQL_THREAD): ?1 article, ?2 limit, ?3 offset, ?4 the
 * reader's own ids as a JSON array (the held heads are looked up by id
 * from it: an article may hold thousands of held comments, none of them
 * the reader's), ?5 page 1, ?6 replies shown, ?7 the same ids as
 * ",id,id," (instr tests a reply without building a temporary table for
 * an IN list). Its
 * top-level comments in the order asked for (ORDER, on c), the pinned
 * ones (page 1, not paged) and the reader's own held ones (page 1); then
 * their trees, each reply with its root. The three sets of heads are
 * disjoint (approved and not pinned, approved and pinned, held), and a
 * tree followed down from a comment without a parent cannot meet a
 * parent cycle (each comment has one parent, so a cycle never leads up to
 * a root): UNION ALL, no temporary table to find duplicates. A reply is
 * taken while fewer than ?6 approved replies of its parent come before it
 * (NOT EXISTS … OFFSET ?6 - 1 looks at ?6 of them at most), as in
 * sql_replies. Sorting the heads (pinned first, then ORDER), bounding
 * each tree to ?6 of its rows and putting the rows in order is done by
 * thread_arrange: on a page of 50 comments SQLite's window functions and
 * sorters for it cost twice the reading itself. */
#define SQL_THREAD(order) \
	"WITH RECURSIVE" \
	" top(id) AS (SELECT c.id FROM comments c" \
	"  WHERE c.article = ?1 AND c.status = 'approved' AND c.parent IS NULL" \
	"  AND c.pinned = 0 ORDER BY " order " LIMIT ?2 OFFSET ?3)," \
	" heads(id) AS (" \
	"  SELECT id FROM top" \
	"  UNION ALL" \
	"  SELECT id FROM comments INDEXED BY comments_pinned" \
	"   WHERE ?5 AND article = ?1 AND pinned > 0 AND status = 'approved'" \
	"   AND parent IS NULL" \
	"  UNION ALL" \
	"  SELECT c.id FROM json_each(?4) j CROSS JOIN comments c" \
	"   WHERE c.id = j.value AND ?5 AND c.article = ?1" \
	"   AND c.status IN ('pending', 'rejected') AND c.parent IS NULL)," \
	" tree(id, root) AS (" \
	"  SELECT id, id FROM heads" \
	"  UNION ALL" \
	"  SELECT c.id, t.root FROM tree t JOIN comments c INDEXED BY comments_parent" \
	"   ON c.parent = t.id" \
	"   WHERE c.article = ?1" \
	"   AND ((c.status = 'approved' AND (?6 <= 0 OR instr(?7, ',' || c.id || ',') > 0" \
	"     OR NOT EXISTS (SELECT 1 FROM comments r INDEXED BY comments_parent" \
	"      WHERE r.parent = t.id AND r.status = 'approved'" \
	"      AND (r.created, r.id) < (c.created, c.id) LIMIT 1 OFFSET ?6 - 1)))" \
	"    OR (c.status IN ('pending', 'rejected') AND instr(?7, ',' || c.id || ',') > 0)))" \
	" SELECT " COMMENT_COLUMNS "," \
	"  (SELECT count(*) FROM comments r INDEXED BY comments_parent" \
	"   WHERE r.parent = c.id AND r.status = 'approved'), t.root" \
	" FROM tree t JOIN comments c ON c.id = t.id"
static const char sql_thread_oldest[] = SQL_THREAD("c.created, c.id");
static const char sql_thread_newest[] = SQL_THREAD("c.created DESC, c.id DESC");
/* Most agreed; among equals the older first. */
static const char sql_thread_agreed[] = SQL_THREAD("c.agree DESC, c.created, c.id");
static const char *const sql_threads[THREAD_SORT__MAX] = {
	[THREAD_OLDEST] = sql_thread_oldest,
	[THREAD_NEWEST] = sql_thread_newest,
	[THREAD_AGREED] = sql_thread_agreed,
};
static const char *const sort_names[THREAD_SORT__MAX] = {
	[THREAD_OLDEST] = "oldest", [THREAD_NEWEST] = "newest", [THREAD_AGREED] = "agreed",
};
static const char sql_replies[] =
	"WITH RECURSIVE"
	" own(id) AS (SELECT value FROM json_each(?4)),"
	" top(id) AS (SELECT id FROM comments INDEXED BY comments_parent"
	"  WHERE parent = ?7 AND article = ?1 AND status = 'approved'"
	"  ORDER BY created, id LIMIT ?2 OFFSET ?3),"
	" tree(id, root) AS ("
	"  SELECT id, id FROM top"
	"  UNION"
	"  SELECT id, id FROM comments INDEXED BY comments_parent"
	"   WHERE ?5 AND parent = ?7 AND article = ?1 AND status IN ('pending', 'rejected')"
	"   AND id IN own"
	THREAD_TREE;
/* ?1 the comment, ?2 its article: as sql_totals. */
static const char sql_reply_totals[] =
	"SELECT count(*), count(*),"
	" (SELECT closed FROM articles WHERE id = ?2),"
	" (SELECT changed FROM articles WHERE id = ?2),"
	" (SELECT min(created) FROM comments WHERE article = ?2 AND status = 'approved')"
	" FROM comments INDEXED BY comments_parent WHERE parent = ?1 AND status = 'approved'";
/* ?1 JSON array of article ids; one row per element */
static const char sql_counts[] =
	"SELECT j.key, (SELECT count(*) FROM comments c"
	"  WHERE c.article = j.value AND c.status = 'approved')"
	" FROM json_each(?1) j";
/* ?1 status or NULL, ?2 article or NULL, ?3 limit */
static const char sql_list[] =
	"SELECT " COMMENT_COLUMNS " FROM comments c"
	" WHERE (?1 IS NULL OR c.status = ?1) AND (?2 IS NULL OR c.article = ?2)"
	" ORDER BY c.created DESC, c.id DESC LIMIT ?3";
static const char sql_set_status[] =
	"UPDATE comments SET status = ?1, updated = ?2, version = version + 1 WHERE id = ?3";

const char *
thread_sort_name(enum thread_sort s)
{
	return (unsigned)s < THREAD_SORT__MAX ? sort_names[s] : "unknown";
}

int
thread_sort_parse(const char *name, enum thread_sort *out)
{
	for (int i = 0; name != NULL && i < THREAD_SORT__MAX; i++)
		if (strcmp(name, sort_names[i]) == 0) {
			*out = (enum thread_sort)i;
			return 0;
		}
	return -1;
}

const char *
comment_status_name(enum comment_status s)
{
	if ((unsigned)s >= COMMENT_STATUS__MAX)
		return "unknown";
	return status_names[s];
}

int
comment_status_parse(const char *name, enum comment_status *out)
{
	if (name == NULL)
		return -1;
	for (int i = 0; i < COMMENT_STATUS__MAX; i++)
		if (strcmp(name, status_names[i]) == 0) {
			*out = (enum comment_status)i;
			return 0;
		}
	return -1;
}

/* Reads a row of COMMENT_COLUMNS; -1 when the status is not one we know
 * (only possible in a database edited by hand). */
int
store_row_comment(struct arena *a, sqlite3_stmt *s, void *row)
{
	struct comment *c = row;
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(s, 0);
	c->article = store_column_dup(a, s, 1);
	c->parent = sqlite3_column_int64(s, 2);
	c->name = store_column_dup(a, s, 3);
	c->email = store_column_dup(a, s, 4);
	c->body = store_column_dup(a, s, 5);
	c->created = sqlite3_column_int64(s, 7);
	c->remote_addr = store_column_dup(a, s, 8);
	c->user_agent = store_column_dup(a, s, 9);
	c->version = sqlite3_column_int64(s, 10);
	c->updated = sqlite3_column_int64(s, 11);
	c->site_reply = sqlite3_column_int(s, 12) != 0;
	c->reason = store_column_dup(a, s, 13);
	c->agree = sqlite3_column_int64(s, 14);
	c->disagree = sqlite3_column_int64(s, 15);
	c->pinned = sqlite3_column_int64(s, 16);
	c->edited = sqlite3_column_int64(s, 17);
	c->revision = sqlite3_column_int(s, 18) != 0;
	if (comment_status_parse((const char *)sqlite3_column_text(s, 6), &c->status) != 0) {
		log_error("database: comment %lld has an unknown status", (long long)c->id);
		return -1;
	}
	return 0;
}

enum store_result
store_collect(struct store *st, struct arena *a, sqlite3_stmt *s, struct comment **out,
    size_t *count)
{
	void *rows;
	enum store_result r = store_rows(st, a, s, sizeof(struct comment), store_row_comment,
	    &rows, count);
	*out = rows;
	return r;
}

void
store_ids_json(struct buf *b, const int64_t *ids, size_t n)
{
	buf_putc(b, '[');
	bool first = true;
	for (size_t i = 0; ids != NULL && i < n; i++) {
		if (ids[i] <= 0)
			continue;
		buf_printf(b, "%s%lld", first ? "" : ",", (long long)ids[i]);
		first = false;
	}
	buf_putc(b, ']');
}

/* STORE_OK when parent exists, is approved and belongs to article. */
static enum store_result
parent_ok(struct store *st, int64_t parent, const char *article)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_parent, &s);
	if (r != STORE_OK ||
	    (r = store_bind_check(st, s, sqlite3_bind_int64(s, 1, parent))) != STORE_OK)
		return r;
	if ((r = store_step_one(st, s)) != STORE_OK)
		return r == STORE_NOT_FOUND ? STORE_CONFLICT : r;
	const char *pa = (const char *)sqlite3_column_text(s, 0);
	const char *ps = (const char *)sqlite3_column_text(s, 1);
	r = pa != NULL && ps != NULL && strcmp(pa, article) == 0 &&
	    strcmp(ps, "approved") == 0 ? STORE_OK : STORE_CONFLICT;
	store_stmt_done(s);
	return r;
}

static enum store_result
insert_row(struct store *st, const struct comment *c, const char *addr_group,
    const unsigned char *body_hash, size_t hash_len, time_t now, int64_t *id)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_insert, &s);
	if (r != STORE_OK)
		return r;
	int rc = store_bind_text(s, 1, c->article);
	if (rc == SQLITE_OK)
		rc = store_bind_id(s, 2, c->parent);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 3, c->name);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 4, c->email);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 5, c->body);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 6, status_names[c->status]);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 7, (sqlite3_int64)now);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 8, c->remote_addr);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 9, c->user_agent);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 10, c->site_reply ? 1 : 0);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 11, c->reason);
	if (rc == SQLITE_OK)
		rc = store_bind_opt(s, 12, addr_group);
	if (rc == SQLITE_OK)
		rc = body_hash != NULL ? sqlite3_bind_blob(s, 13, body_hash, (int)hash_len,
		    SQLITE_TRANSIENT) : sqlite3_bind_null(s, 13);
	/* Only an author with an address can be told about replies. */
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 14, c->notify_replies && c->email != NULL &&
		    c->email[0] != '\0' ? 1 : 0);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK ||
	    (r = store_step_done(st, s)) != STORE_OK)
		return r;
	*id = sqlite3_last_insert_rowid(st->db);
	return STORE_OK;
}

enum store_result
store_comment_check(const struct comment *c, const char *what)
{
	if (c->article == NULL || c->name == NULL || c->body == NULL ||
	    (unsigned)c->status >= COMMENT_STATUS__MAX) {
		log_error("database: %s: incomplete comment", what);
		return STORE_ERROR;
	}
	return c->parent < 0 ? STORE_CONFLICT : STORE_OK;
}

static enum store_result
insert_post_key(struct store *st, const unsigned char *key, size_t len, int64_t id,
    time_t now)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_post_key_put, &s);
	if (r != STORE_OK)
		return r;
	int rc = sqlite3_bind_blob(s, 1, key, (int)len, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 3, (sqlite3_int64)now);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	return store_step_done(st, s);
}

enum store_result
store_insert_row(struct store *st, const struct comment *c, const char *addr_group,
    const unsigned char *body_hash, size_t hash_len, const unsigned char *post_key,
    size_t key_len, time_t now, int64_t *id)
{
	enum store_result r;
	*id = 0;
	if ((c->parent > 0 && (r = parent_ok(st, c->parent, c->article)) != STORE_OK) ||
	    (r = insert_row(st, c, addr_group, body_hash, hash_len, now, id)) != STORE_OK ||
	    (post_key != NULL && (r = insert_post_key(st, post_key, key_len, *id, now)) !=
	    STORE_OK)) {
		*id = 0;
		return r;
	}
	return STORE_OK;
}

enum store_result
store_insert_commit(struct store *st, struct comment *c, const char *addr_group,
    const unsigned char *body_hash, size_t hash_len, const unsigned char *post_key,
    size_t key_len, time_t now)
{
	int64_t id;
	enum store_result r = store_insert_row(st, c, addr_group, body_hash, hash_len, post_key,
	    key_len, now, &id);
	if (r != STORE_OK) {
		store_rollback(st);
		return r;
	}
	if ((r = store_commit(st)) != STORE_OK)
		return r;
	c->id = id;
	c->created = (int64_t)now;
	return STORE_OK;
}

enum store_result
store_insert_comment(struct store *st, struct comment *c, time_t now)
{
	enum store_result r = store_comment_check(c, "insert");
	if (r != STORE_OK || (r = store_begin_write(st)) != STORE_OK)
		return r;
	return store_insert_commit(st, c, NULL, NULL, 0, NULL, 0, now);
}

enum store_result
store_get_comment(struct store *st, struct arena *a, int64_t id, struct comment *out)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_get, &s);
	if (r != STORE_OK ||
	    (r = store_bind_check(st, s, sqlite3_bind_int64(s, 1, id))) != STORE_OK ||
	    (r = store_step_one(st, s)) != STORE_OK)
		return r;
	r = store_row_comment(a, s, out) == 0 ? STORE_OK : STORE_ERROR;
	store_stmt_done(s);
	return r;
}

/* The counts of the page, and the article's state in the same statement
 * (state may be NULL). */
static enum store_result
thread_totals(struct store *st, const char *article, int64_t under, long long *approved,
    long long *top, struct article_state *state)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, under > 0 ? sql_reply_totals : sql_totals, &s);
	if (r != STORE_OK)
		return r;
	int rc = under > 0 ? sqlite3_bind_int64(s, 1, under) : store_bind_text(s, 1, article);
	if (rc == SQLITE_OK && under > 0)
		rc = store_bind_text(s, 2, article);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	int64_t v[5];
	if ((r = store_step_ints(st, s, v, 5)) != STORE_OK)
		return r == STORE_NOT_FOUND ? STORE_ERROR : r;
	*approved = v[0];
	*top = v[1];
	if (state != NULL)
		*state = (struct article_state){ .closed = v[2] != 0, .changed = v[3], .first = v[4] };
	return STORE_OK;
}

/* A row of the thread: COMMENT_COLUMNS, then the count of approved replies. */
static int
thread_row(struct arena *a, sqlite3_stmt *s, void *row)
{
	if (store_row_comment(a, s, row) != 0)
		return -1;
	((struct comment *)row)->replies = sqlite3_column_int64(s, COMMENT_NCOLUMNS);
	return 0;
}

/* A row of SQL_THREAD: the comment, the head of its tree, and where that
 * head stands on the page (thread_arrange). */
struct tree_row {
	struct comment c;
	int64_t root;
	size_t pos;
};

static int
tree_row_read(struct arena *a, sqlite3_stmt *s, void *row)
{
	if (thread_row(a, s, row) != 0)
		return -1;
	((struct tree_row *)row)->root = sqlite3_column_int64(s, COMMENT_NCOLUMNS + 1);
	return 0;
}

static int
cmp_i64(int64_t x, int64_t y)
{
	return x < y ? -1 : x > y;
}

/* The heads: pinned first, in the order pinned, then the order asked for
 * (the ORDER of SQL_THREAD). */
static int
head_cmp_pinned(const struct comment *x, const struct comment *y)
{
	int r = cmp_i64(x->pinned == 0, y->pinned == 0);
	return r != 0 ? r : cmp_i64(x->pinned, y->pinned);
}

static int
head_cmp_oldest(const void *p, const void *q)
{
	const struct comment *x = *(struct comment *const *)p, *y = *(struct comment *const *)q;
	int r = head_cmp_pinned(x, y);
	if (r == 0)
		r = cmp_i64(x->created, y->created);
	return r != 0 ? r : cmp_i64(x->id, y->id);
}

static int
head_cmp_newest(const void *p, const void *q)
{
	const struct comment *x = *(struct comment *const *)p, *y = *(struct comment *const *)q;
	int r = head_cmp_pinned(x, y);
	if (r == 0)
		r = cmp_i64(y->created, x->created);
	return r != 0 ? r : cmp_i64(y->id, x->id);
}

static int
head_cmp_agreed(const void *p, const void *q)
{
	const struct comment *x = *(struct comment *const *)p, *y = *(struct comment *const *)q;
	int r = head_cmp_pinned(x, y);
	if (r == 0)
		r = cmp_i64(y->agree, x->agree);
	if (r == 0)
		r = cmp_i64(x->created, y->created);
	return r != 0 ? r : cmp_i64(x->id, y->id);
}

static int (*const head_cmps[THREAD_SORT__MAX])(const void *, const void *) = {
	[THREAD_OLDEST] = head_cmp_oldest,
	[THREAD_NEWEST] = head_cmp_newest,
	[THREAD_AGREED] = head_cmp_agreed,
};

/* Each tree's rows: its head first, then by time. */
static int
rank_cmp(const void *p, const void *q)
{
	const struct tree_row *x = *(struct tree_row *const *)p, *y = *(struct tree_row *const *)q;
	int r = cmp_i64((int64_t)x->pos, (int64_t)y->pos);
	if (r == 0)
		r = cmp_i64(x->c.id != x->root, y->c.id != y->root);
	if (r == 0)
		r = cmp_i64(x->c.created, y->c.created);
	return r != 0 ? r : cmp_i64(x->c.id, y->c.id);
}

/* The page's order: tree by tree, each in time order. */
static int
page_cmp(const void *p, const void *q)
{
	const struct tree_row *x = *(struct tree_row *const *)p, *y = *(struct tree_row *const *)q;
	int r = cmp_i64((int64_t)x->pos, (int64_t)y->pos);
	if (r == 0)
		r = cmp_i64(x->c.created, y->c.created);
	return r != 0 ? r : cmp_i64(x->c.id, y->c.id);
}

static int
cmp_head_id(const void *p, const void *q)
{
	return cmp_i64((*(struct tree_row *const *)p)->c.id, (*(struct tree_row *const *)q)->c.id);
}

static bool
is_own(const struct thread_query *q, int64_t id)
{
	for (size_t i = 0; q->own_ids != NULL && i < q->own_count; i++)
		if (q->own_ids[i] == id && id > 0)
			return true;
	return false;
}

/* Puts SQL_THREAD's rows in the page's order into an arena array of
 * comments: the heads sorted (pinned first, then q->sort), every row after
 * its head, at most q->replies_shown approved rows of each tree besides
 * its head (the oldest; the reader's own and the held ones whatever the
 * bound), each tree in time order. */
static struct comment *
thread_arrange(struct arena *a, const struct thread_query *q, struct tree_row *rows,
    size_t n, size_t *count)
{
	struct tree_row **by = arena_calloc(a, n ? n : 1, sizeof(*by));
	struct tree_row **heads = arena_calloc(a, n ? n : 1, sizeof(*heads));
	size_t nheads = 0;
	for (size_t i = 0; i < n; i++)
		if (rows[i].c.id == rows[i].root)
			heads[nheads++] = &rows[i];
	/* A head is the comment itself: sorting pointers to it by its
	 * struct comment is sorting the heads. */
	qsort(heads, nheads, sizeof(*heads), head_cmps[q->sort]);
	for (size_t i = 0; i < nheads; i++)
		heads[i]->pos = i;
	qsort(heads, nheads, sizeof(*heads), cmp_head_id);
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		struct tree_row key = { .c.id = rows[i].root }, *kp = &key;
		struct tree_row **h = bsearch(&kp, heads, nheads, sizeof(*heads), cmp_head_id);
		if (h == NULL)
			continue;	/* cannot happen: every tree starts at a head */
		rows[i].pos = (*h)->pos;
		by[kept++] = &rows[i];
	}
	qsort(by, kept, sizeof(*by), rank_cmp);
	size_t out = 0;
	int64_t rank = 0;
	for (size_t i = 0; i < kept; i++) {
		rank = i > 0 && by[i]->pos == by[i - 1]->pos ? rank + 1 : 1;
		const struct comment *c = &by[i]->c;
		if (q->replies_shown <= 0 || rank <= (int64_t)q->replies_shown + 1 ||
		    c->status != COMMENT_APPROVED || is_own(q, c->id))
			by[out++] = by[i];
	}
	qsort(by, out, sizeof(*by), page_cmp);
	struct comment *res = arena_calloc(a, out ? out : 1, sizeof(*res));
	for (size_t i = 0; i < out; i++)
		res[i] = by[i]->c;
	*count = out;
	return res;
}

/* ",id,id," for SQL_THREAD's ?7 (ids ≤ 0 left out). */
static void
own_ids_list(struct buf *b, const int64_t *ids, size_t n)
{
	buf_putc(b, ',');
	for (size_t i = 0; ids != NULL && i < n; i++)
		if (ids[i] > 0)
			buf_printf(b, "%lld,", (long long)ids[i]);
}

enum store_result
store_thread_read(struct store *st, struct arena *a, const struct thread_query *q,
    struct comment **out, size_t *count, long long *approved_total, long long *top_total,
    struct article_state *state)
{
	*out = NULL;
	*count = 0;
	*approved_total = *top_total = 0;
	if (q->article == NULL || q->page < 1 || q->page > THREAD_MAX_PAGE || q->per_page < 1 ||
	    q->per_page > THREAD_MAX_PER_PAGE || q->under < 0 || q->replies_shown < 0 ||
	    (unsigned)q->sort >= THREAD_SORT__MAX) {
		log_error("database: thread: invalid arguments (page %d, per page %d, sort %d)",
		    q->page, q->per_page, (int)q->sort);
		return STORE_ERROR;
	}
	struct buf own = { 0 }, own_list = { 0 };
	store_ids_json(&own, q->own_ids, q->own_count);
	own_ids_list(&own_list, q->own_ids, q->own_count);
	sqlite3_stmt *s;
	enum store_result r = store_begin_read(st);
	if (r != STORE_OK)
		goto out;
	if ((r = thread_totals(st, q->article, q->under, approved_total, top_total, state)) !=
	    STORE_OK)
		goto out;
	if ((r = store_prepare(st, q->under > 0 ? sql_replies : sql_threads[q->sort], &s)) !=
	    STORE_OK)
		goto out;
	int rc = store_bind_text(s, 1, q->article);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 2, q->per_page);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 3, (sqlite3_int64)(q->page - 1) * q->per_page);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(s, 4, buf_str(&own), (int)own.len, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 5, q->page == 1);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 6, q->replies_shown);
	if (rc == SQLITE_OK)
		rc = q->under > 0 ? sqlite3_bind_int64(s, 7, q->under) :
		    sqlite3_bind_text(s, 7, buf_str(&own_list), (int)own_list.len, SQLITE_STATIC);
	if ((r = store_bind_check(st, s, rc)) == STORE_OK) {
		void *rows;
		if (q->under > 0) {
			r = store_rows(st, a, s, sizeof(struct comment), thread_row, &rows, count);
			*out = rows;
		} else {
			size_t n;
			r = store_rows(st, a, s, sizeof(struct tree_row), tree_row_read, &rows, &n);
			if (r == STORE_OK)
				*out = thread_arrange(a, q, rows, n, count);
		}
	}
out:
	/* A read transaction: ending it cannot lose anything. */
	store_rollback(st);
	buf_free(&own);
	buf_free(&own_list);
	if (r != STORE_OK) {
		*out = NULL;
		*count = 0;
	}
	return r;
}

enum store_result
store_thread(struct store *st, struct arena *a, const char *article, int page, int per_page,
    const int64_t *own_ids, size_t own_count, struct comment **out, size_t *count,
    long long *approved_total, long long *top_total)
{
	const struct thread_query q = {
		.article = article, .page = page, .per_page = per_page,
		.own_ids = own_ids, .own_count = own_count,
	};
	return store_thread_read(st, a, &q, out, count, approved_total, top_total, NULL);
}

enum store_result
store_thread_sorted(struct store *st, struct arena *a, const char *article,
    enum thread_sort sort, int page, int per_page, const int64_t *own_ids, size_t own_count,
    struct comment **out, size_t *count, long long *approved_total, long long *top_total)
{
	const struct thread_query q = {
		.article = article, .page = page, .per_page = per_page,
		.own_ids = own_ids, .own_count = own_count, .sort = sort,
	};
	return store_thread_read(st, a, &q, out, count, approved_total, top_total, NULL);
}

enum store_result
store_counts(struct store *st, const char *const *articles, size_t n, long long *counts)
{
	for (size_t i = 0; i < n; i++)
		counts[i] = 0;
	if (n == 0)
		return STORE_OK;
	struct buf list = { 0 };
	buf_putc(&list, '[');
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(&list, ',');
		json_quote_str(&list, articles[i] ? articles[i] : "");
	}
	buf_putc(&list, ']');
	sqlite3_stmt *s;
	enum store_result r = STORE_ERROR;
	if (list.len > INT_MAX || (r = store_prepare(st, sql_counts, &s)) != STORE_OK)
		goto out;
	int rc = sqlite3_bind_text(s, 1, buf_str(&list), (int)list.len, SQLITE_STATIC);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		goto out;
	bool row;
	while ((r = store_step(st, s, &row)) == STORE_OK && row) {
		sqlite3_int64 k = sqlite3_column_int64(s, 0);
		if (k >= 0 && (uint64_t)k < n)
			counts[k] = sqlite3_column_int64(s, 1);
	}
	store_stmt_done(s);
out:
	buf_free(&list);
	return r;
}

enum store_result
store_list(struct store *st, struct arena *a, int status, const char *article, int limit,
    struct comment **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	if (status >= COMMENT_STATUS__MAX) {
		log_error("database: list: invalid status %d", status);
		return STORE_ERROR;
	}
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_list, &s);
	if (r != STORE_OK)
		return r;
	int rc = store_bind_opt(s, 1, status < 0 ? NULL : status_names[status]);
	if (rc == SQLITE_OK)
		rc = store_bind_opt(s, 2, article);
	/* SQLite reads a negative LIMIT as "no limit": not what limit means. */
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 3, limit > 0 ? limit : 0);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	return store_collect(st, a, s, out, count);
}

enum store_result
store_set_status(struct store *st, int64_t id, enum comment_status status, time_t now)
{
	if ((unsigned)status >= COMMENT_STATUS__MAX) {
		log_error("database: set status: invalid status %d", (int)status);
		return STORE_ERROR;
	}
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		return r;
	sqlite3_stmt *s;
	if ((r = store_prepare(st, sql_set_status, &s)) != STORE_OK)
		goto fail;
	int rc = store_bind_text(s, 1, status_names[status]);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 3, id);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK ||
	    (r = store_step_done(st, s)) != STORE_OK)
		goto fail;
	if (sqlite3_changes(st->db) == 0) {
		r = STORE_NOT_FOUND;
		goto fail;
	}
	return store_commit(st);

fail:
	store_rollback(st);
	return r;
}

char *
store_thread_plan(struct store *st, struct arena *a)
{
	return store_thread_plan_sorted(st, a, THREAD_OLDEST);
}

char *
store_thread_plan_sorted(struct store *st, struct arena *a, enum thread_sort sort)
{
	struct buf sql = { 0 }, plan = { 0 };
	sqlite3_stmt *s = NULL;
	char *res = NULL;
	buf_puts(&sql, "EXPLAIN QUERY PLAN ");
	buf_puts(&sql, sql_threads[(unsigned)sort < THREAD_SORT__MAX ? sort : THREAD_OLDEST]);
	/* Built here, so prepared here: the cache keeps static SQL only. */
	int rc = sqlite3_prepare_v2(st->db, buf_str(&sql), -1, &s, NULL);
	if (rc != SQLITE_OK) {
		(void)store_db_fail(st->db, rc, "explain");
		goto out;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *d = (const char *)sqlite3_column_text(s, 3);
		buf_puts(&plan, d ? d : "");
		buf_putc(&plan, '\n');
	}
	if (rc != SQLITE_DONE) {
		(void)store_db_fail(st->db, rc, "explain");
		goto out;
	}
	res = arena_strdup(a, buf_str(&plan));
out:
	sqlite3_finalize(s);
	buf_free(&sql);
	buf_free(&plan);
	return res;
}
