/* store_moderation.c — the moderation queue, decisions, edits, site
 * replies; see store_moderation.h. */
#include <string.h>

#include <sqlite3.h>

#include "arena.h"
#include "buf.h"
#include "fold.h"
#include "log.h"
#include "store_audit.h"
#include "store_comments.h"
#include "store_db.h"
#include "store_moderation.h"
#include "utf8.h"

/* Paging bounds: the handlers show 50 a page; deeper than this nobody
 * reads, and OFFSET costs grow with the page. */
#define QUEUE_MAX_PER_PAGE 200
#define QUEUE_MAX_PAGE 100000
/* Search: only the start of q is read, at most this many words of at most
 * this many bytes each. A longer word becomes a prefix of itself. */
#define SEARCH_MAX_INPUT 4096
#define SEARCH_MAX_TERMS 16
#define SEARCH_MAX_TERM_BYTES 96
/* Texts kept in an edit's audit entry, in code points. */
#define AUDIT_TEXT_MAX 200

static const char *const action_names[ACTION__MAX] = {
	"approve",	/* ACTION_APPROVE */
	"reject",	/* ACTION_REJECT */
	"spam",		/* ACTION_SPAM */
	"delete",	/* ACTION_DELETE */
	"restore",	/* ACTION_RESTORE */
};

static const enum comment_status action_targets[ACTION__MAX] = {
	COMMENT_APPROVED,	/* ACTION_APPROVE */
	COMMENT_REJECTED,	/* ACTION_REJECT */
	COMMENT_SPAM,		/* ACTION_SPAM */
	COMMENT_DELETED,	/* ACTION_DELETE */
	COMMENT_PENDING,	/* ACTION_RESTORE */
};

/* --- The queue ---
 *
 * A page is chosen by ids first, from an index alone where one covers the
 * order (comments_queue is (status, created, id), comments_changed of
 * schema 3 (status, updated, id)), and only the rows of the page are
 * then read: a deep page skips index entries, not whole comments.
 * ?1 status, ?2 article, ?4 limit, ?5 offset; a statement ignores what it
 * does not use. Pending comments come oldest first, the other tabs newest
 * change first. */
#define IDS_TAB "SELECT c.id FROM comments c WHERE c.status = ?1"
/* Through (article, status, …): the planner would otherwise read the whole
 * tab in order and filter it. */
#define IDS_ARTICLE \
	"SELECT c.id FROM comments c INDEXED BY comments_thread" \
	" WHERE c.status = ?1 AND c.article = ?2"
#define OLDEST " ORDER BY c.created, c.id"
#define NEWEST " ORDER BY c.updated DESC, c.id DESC"
#define PAGE(ids, order) \
	"SELECT " COMMENT_COLUMNS ", p.name, p.body, u.name, v.body" \
	" FROM (" ids order " LIMIT ?4 OFFSET ?5) k" \
	" CROSS JOIN comments c ON c.id = k.id" \
	" LEFT JOIN comments p ON p.id = c.parent" \
	" LEFT JOIN users u ON u.id = c.updated_by" \
	" LEFT JOIN revisions v ON v.comment_id = c.id" order

static const char *const queue_sql[2][2] = {
	{ PAGE(IDS_TAB, OLDEST), PAGE(IDS_TAB, NEWEST) },
	{ PAGE(IDS_ARTICLE, OLDEST), PAGE(IDS_ARTICLE, NEWEST) },
};

/* The edits waiting for a moderator, oldest first: ?2 article or NULL,
 * ?4 limit, ?5 offset. Few wait at a time; a search does not apply. */
static const char sql_revisions_page[] =
	"SELECT " COMMENT_COLUMNS ", p.name, p.body, u.name, v.body"
	" FROM revisions v CROSS JOIN comments c ON c.id = v.comment_id"
	" LEFT JOIN comments p ON p.id = c.parent"
	" LEFT JOIN users u ON u.id = c.updated_by"
	" WHERE ?2 IS NULL OR c.article = ?2 ORDER BY v.at, v.comment_id LIMIT ?4 OFFSET ?5";
static const char sql_revisions_count[] =
	"SELECT count(*) FROM revisions v JOIN comments c ON c.id = v.comment_id"
	" WHERE ?1 IS NULL OR c.article = ?1";

/* The totals of whole tabs: the triggers count them already. */
static const char sql_count_tab[] = "SELECT n FROM status_counts WHERE status = ?1";
static const char sql_count_article[] = "SELECT count(*) FROM (" IDS_ARTICLE ")";

/* A search is answered by the search index alone (schema 14): besides the
 * folded text, each entry carries its comment's status and article as
 * tokens no folded word can be ("_approved", "_" and the article's bytes
 * in hex), so the words, the tab and the article are one FTS5 query whose
 * matches come in id order without sorting them: pending oldest first,
 * the other tabs newest first. ?1 the expression, ?2 how many to read.
 * The ids of the page are then read as a JSON array (?1), in its order. */
static const char *const sql_search_ids[2] = {
	"SELECT rowid FROM comments_fts WHERE comments_fts MATCH ?1 ORDER BY rowid LIMIT ?2",
	"SELECT rowid FROM comments_fts WHERE comments_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2",
};
static const char sql_search_page[] =
	"SELECT " COMMENT_COLUMNS ", p.name, p.body, u.name, v.body"
	" FROM json_each(?1) k CROSS JOIN comments c ON c.id = k.value"
	" LEFT JOIN comments p ON p.id = c.parent"
	" LEFT JOIN users u ON u.id = c.updated_by"
	" LEFT JOIN revisions v ON v.comment_id = c.id ORDER BY k.key";

/* The index's vocabulary, a table of this connection's own (nothing in
 * the database file): the words that start with a search's last word
 * (search_prefix). ?1 and ?2 bound them, ?3 how many to read. */
static const char sql_terms_table[] =
	"CREATE VIRTUAL TABLE IF NOT EXISTS temp.nazar_fts_words"
	" USING fts5vocab(main, comments_fts, row)";
static const char sql_terms_there[] =
	"SELECT 1 FROM temp.sqlite_schema WHERE name = 'nazar_fts_words'";
static const char sql_terms[] =
	"SELECT term FROM temp.nazar_fts_words WHERE term >= ?1 AND term < ?2 LIMIT ?3";

static const char sql_counts_all[] = "SELECT status, n FROM status_counts";
static const char sql_counts_article[] =
	"SELECT status, count(*) FROM comments WHERE article = ?1 GROUP BY status";

/* --- Decisions, edits, replies --- */
static const char sql_current[] =
	"SELECT c.status, c.version, c.updated, u.name, c.body, c.article, c.parent, c.pinned"
	" FROM comments c LEFT JOIN users u ON u.id = c.updated_by WHERE c.id = ?1";
/* ?1 pinned (0, or the time: later than any pin of the article, so that
 * two pins in one second keep their order), ?2 now, ?3 user id, ?4
 * comment id. */
static const char sql_set_pinned[] =
	"UPDATE comments SET pinned = CASE WHEN ?1 = 0 THEN 0 ELSE max(?1,"
	"  (SELECT coalesce(max(p.pinned), 0) + 1 FROM comments p INDEXED BY comments_pinned"
	"   WHERE p.article = comments.article AND p.pinned > 0)) END,"
	" version = version + 1, updated = ?2, updated_by = ?3 WHERE id = ?4";
/* The article's pinned published comments other than ?2. */
static const char sql_pinned_count[] =
	"SELECT count(*) FROM comments INDEXED BY comments_pinned"
	" WHERE article = ?1 AND pinned > 0 AND status = 'approved' AND id <> ?2";
static const char sql_set_status[] =
	"UPDATE comments SET status = ?1, version = version + 1, updated = ?2,"
	" updated_by = ?3, reason = ?4 WHERE id = ?5";
static const char sql_history_add[] =
	"INSERT INTO comment_history (comment_id, at, user_id, body, author)"
	" VALUES (?1, ?2, ?3, ?4, ?5)";
/* ?5: when its author changed it (0: a moderator did, edited kept). */
static const char sql_set_body[] =
	"UPDATE comments SET body = ?1, version = version + 1, updated = ?2, updated_by = ?3,"
	" edited = CASE WHEN ?5 > 0 THEN ?5 ELSE edited END WHERE id = ?4";
static const char sql_revision_put[] =
	"INSERT OR REPLACE INTO revisions (comment_id, body, at) VALUES (?1, ?2, ?3)";
static const char sql_revision_get[] = "SELECT body, at FROM revisions WHERE comment_id = ?1";
static const char sql_revision_drop[] = "DELETE FROM revisions WHERE comment_id = ?1";
/* A revision waiting changes the comment: a moderator's page shows it. */
static const char sql_touch[] =
	"UPDATE comments SET version = version + 1, updated = ?1 WHERE id = ?2";
static const char sql_created_replies[] =
	"SELECT c.created, (SELECT count(*) FROM comments r INDEXED BY comments_parent"
	"  WHERE r.parent = c.id AND r.status = 'approved'),"
	" (SELECT count(*) FROM comment_history h WHERE h.comment_id = c.id AND h.author = 1)"
	" FROM comments c WHERE c.id = ?1";
static const char sql_reply[] =
	"INSERT INTO comments (article, parent, name, email, body, status, created, updated,"
	" remote_addr, user_agent, site_reply, reason, updated_by)"
	" VALUES (?1, ?2, ?3, '', ?4, 'approved', ?5, ?5, ?6, '', 1, '', ?7)";
static const char sql_history[] =
	"SELECT h.at, u.name, h.body, h.author FROM comment_history h"
	" LEFT JOIN users u ON u.id = h.user_id WHERE h.comment_id = ?1 ORDER BY h.id";

const char *
moderation_action_name(enum moderation_action a)
{
	if ((unsigned)a >= ACTION__MAX)
		return "unknown";
	return action_names[a];
}

int
moderation_action_parse(const char *name, enum moderation_action *out)
{
	if (name == NULL)
		return -1;
	for (int i = 0; i < ACTION__MAX; i++)
		if (strcmp(name, action_names[i]) == 0) {
			*out = (enum moderation_action)i;
			return 0;
		}
	return -1;
}

/* The first max code points of s, "…" appended when cut; for the audit,
 * which shows what changed, not whole texts. Cuts only before a lead byte,
 * so even a damaged s never yields a split sequence. */
static char *
audit_excerpt(struct arena *a, const char *s)
{
	if (s == NULL)
		return arena_strdup(a, "");
	size_t len = strlen(s), i = utf8_cut_chars(s, len, AUDIT_TEXT_MAX);
	return i < len ? arena_printf(a, "%.*s…", (int)i, s) : arena_strdup(a, s);
}

/* Builds the FTS5 expression for q into out: the folded words, each a
 * double-quoted string (a quote inside doubled), all of which must match;
 * the last one — and a word cut at the length bound — also as a prefix.
 * User text never reaches FTS5's syntax: inside quotes NEAR, AND, ^, *,
 * column filters and parentheses are just characters, and folding has
 * turned most of them into spaces already. Returns the number of words.
 * When the last word is a prefix, *last_at is where its string starts in
 * out and last holds its bytes (search_prefix may write it otherwise);
 * else last is left empty. */
static int
search_expr(struct buf *out, const char *q, struct buf *last, size_t *last_at)
{
	size_t qlen = strnlen(q, SEARCH_MAX_INPUT);
	struct buf folded = { 0 };
	fold_append(&folded, q, qlen);
	const char *p = buf_str(&folded);
	int terms = 0;
	while (*p != '\0' && terms < SEARCH_MAX_TERMS) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		const char *word = p;
		size_t len = strcspn(p, " ");
		size_t use = utf8_cut(p, len, SEARCH_MAX_TERM_BYTES);
		bool cut = use < len;
		if (terms > 0)
			buf_putc(out, ' ');
		*last_at = out->len;
		buf_putc(out, '"');
		for (size_t i = 0; i < use; i++) {
			if (p[i] == '"')
				buf_putc(out, '"');
			buf_putc(out, p[i]);
		}
		buf_putc(out, '"');
		p += len;
		terms++;
		while (*p == ' ')
			p++;
		if (cut || *p == '\0' || terms == SEARCH_MAX_TERMS) {
			buf_putc(out, '*');
			if (*p == '\0' || terms == SEARCH_MAX_TERMS) {
				buf_reset(last);
				buf_append(last, word, use);
			}
		}
	}
	buf_free(&folded);
	return terms;
}

/* Whether a folded word is one token of the index as it stands, so that
 * the index's words can be compared with its bytes: lower-case ASCII
 * letters and digits and the Arabic script's letters (Persian's among
 * them), which the index's tokenizer keeps as they are. */
static bool
prefix_plain(const char *w, size_t len)
{
	const unsigned char *p = (const unsigned char *)w;
	while (len > 0) {
		uint32_t c;
		size_t n = utf8_decode(p, len, &c);
		if (n == 0)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (c >= 0x620 && c <= 0x64a) || (c >= 0x66e && c <= 0x6d3) || c == 0x6d5 ||
		    (c >= 0x6ee && c <= 0x6ef) || (c >= 0x6fa && c <= 0x6ff)))
			return false;
		p += n;
		len -= n;
	}
	return true;
}

/* The vocabulary table of search_prefix, made once a connection, outside
 * any transaction (a rollback would take it away again). */
static enum store_result
search_words_table(struct store *st)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_terms_there, &s);
	if (r == STORE_OK && (r = store_step_one(st, s)) == STORE_OK)
		store_stmt_done(s);
	else if (r == STORE_NOT_FOUND)
		r = store_exec(st, sql_terms_table);
	return r;
}

/* The last word of a search, also a prefix, written at the end of out.
 * SQLite's FTS5 (3.40) reads "word"* by first merging the entries of every
 * indexed word that starts so into one list: a word in a third of a
 * million comments costs that whole list (about 20 ms of CPU) before the
 * first match. So the words that start with it are looked up first in
 * the index's vocabulary (fts5vocab): none, and the word is matched alone;
 * up to SEARCH_PREFIX_WORDS, and it is matched as ("word" OR "wordx" OR …),
 * which FTS5 reads in step, match by match; more, and FTS5's prefix it is. */
#define SEARCH_PREFIX_WORDS 8
static void
expr_word(struct buf *out, const char *w, size_t len)
{
	buf_putc(out, '"');
	for (size_t i = 0; i < len; i++) {
		if (w[i] == '"')
			buf_putc(out, '"');
		buf_putc(out, w[i]);
	}
	buf_putc(out, '"');
}

static enum store_result
search_prefix(struct store *st, struct buf *out, const char *w, size_t len)
{
	if (!prefix_plain(w, len)) {
		expr_word(out, w, len);
		buf_putc(out, '*');
		return STORE_OK;
	}
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_terms, &s);
	if (r != STORE_OK)
		return r;
	/* The words after w itself that start with w: from w and a byte 1
	 * (no word has a byte 0) up to w and a byte 0xff (none in UTF-8). */
	struct buf lo = { 0 }, hi = { 0 }, words = { 0 };
	buf_append(&lo, w, len);
	buf_putc(&lo, '\x01');
	buf_append(&hi, w, len);
	buf_putc(&hi, '\xff');
	int rc = sqlite3_bind_text(s, 1, lo.data, (int)lo.len, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(s, 2, hi.data, (int)hi.len, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 3, SEARCH_PREFIX_WORDS + 1);
	int n = 0;
	if ((r = store_bind_check(st, s, rc)) == STORE_OK) {
		bool row;
		while ((r = store_step(st, s, &row)) == STORE_OK && row) {
			const char *t = (const char *)sqlite3_column_text(s, 0);
			int tl = sqlite3_column_bytes(s, 0);
			if (t == NULL || tl <= 0)
				continue;
			buf_puts(&words, " OR ");
			expr_word(&words, t, (size_t)tl);
			n++;
		}
		store_stmt_done(s);
	}
	if (r == STORE_OK) {
		if (n > SEARCH_PREFIX_WORDS) {
			expr_word(out, w, len);
			buf_putc(out, '*');
		} else if (n == 0)
			expr_word(out, w, len);
		else {
			/* FTS5 joins a parenthesis to what is before it only by
			 * an explicit AND. */
			buf_puts(out, out->len > 0 ? "AND (" : "(");
			expr_word(out, w, len);
			buf_append(out, words.data, words.len);
			buf_putc(out, ')');
		}
	}
	buf_free(&lo);
	buf_free(&hi);
	buf_free(&words);
	return r;
}

/* Appends to a search expression the tokens that keep it to a tab and,
 * unless NULL, an article (see sql_search_ids and schema 14). */
static void
search_scope(struct buf *out, const char *status, const char *article)
{
	buf_printf(out, " AND \"_%s\"", status);
	if (article != NULL) {
		buf_puts(out, " AND \"_");
		for (const unsigned char *p = (const unsigned char *)article; *p != '\0'; p++)
			buf_printf(out, "%02x", *p);
		buf_putc(out, '"');
	}
}

static enum store_result
queue_total(struct store *st, const char *sql, const char *status, const char *article,
    long long *total)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql, &s);
	if (r != STORE_OK)
		return r;
	int rc = store_bind_text(s, 1, status);
	if (rc == SQLITE_OK && article != NULL)
		rc = store_bind_text(s, 2, article);
	int64_t v = 0;
	if ((r = store_bind_check(st, s, rc)) == STORE_OK &&
	    (r = store_step_ints(st, s, &v, 1)) == STORE_NOT_FOUND)
		r = STORE_OK;
	*total = v;
	return r;
}

/* A row of the queue's PAGE: COMMENT_COLUMNS and the parent's name and
 * text and the last moderator's name; a store_row_fn. */
static int
row_queue(struct arena *a, sqlite3_stmt *s, void *row)
{
	struct queue_item *it = row;
	if (store_row_comment(a, s, &it->c) != 0)
		return -1;
	it->parent_name = store_column_dup(a, s, COMMENT_NCOLUMNS);
	it->parent_body = store_column_dup(a, s, COMMENT_NCOLUMNS + 1);
	it->updated_by = store_column_dup(a, s, COMMENT_NCOLUMNS + 2);
	it->revision = sqlite3_column_type(s, COMMENT_NCOLUMNS + 3) == SQLITE_NULL ? NULL :
	    store_column_dup(a, s, COMMENT_NCOLUMNS + 3);
	return 0;
}

/* A page of a search, inside the caller's snapshot: one pass over the
 * matches in order, up to STORE_QUEUE_SEARCH_COUNT of them or the end of the
 * page, whichever is further (and one more, to know whether there are
 * more), keeping the ids of the page; then those comments. */
static enum store_result
search_page(struct store *st, struct arena *a, const char *match, bool newest,
    long long offset, int per_page, void **rows, size_t *count, long long *total, bool *more)
{
	long long limit = offset + per_page;
	if (limit < STORE_QUEUE_SEARCH_COUNT)
		limit = STORE_QUEUE_SEARCH_COUNT;
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_search_ids[newest], &s);
	if (r != STORE_OK)
		return r;
	int rc = store_bind_text(s, 1, match);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, limit + 1);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	struct buf ids = { 0 };
	buf_putc(&ids, '[');
	long long n = 0;
	bool row;
	while ((r = store_step(st, s, &row)) == STORE_OK && row) {
		if (n >= offset && n < offset + per_page)
			buf_printf(&ids, "%s%lld", n > offset ? "," : "",
			    (long long)sqlite3_column_int64(s, 0));
		n++;
	}
	store_stmt_done(s);
	buf_putc(&ids, ']');
	if (r == STORE_OK) {
		*more = n > limit;
		*total = *more ? limit : n;
		if (offset >= *total)
			*rows = arena_calloc(a, 1, sizeof(struct queue_item));
		else if ((r = store_prepare(st, sql_search_page, &s)) == STORE_OK &&
		    (r = store_bind_check(st, s, store_bind_text(s, 1, buf_str(&ids)))) ==
		    STORE_OK)
			r = store_rows(st, a, s, sizeof(struct queue_item), row_queue, rows,
			    count);
	}
	buf_free(&ids);
	return r;
}

/* Binds ?1 (or, with at2, ?2) to article or NULL. */
static int
bind_article(sqlite3_stmt *s, int at, const char *article)
{
	return article != NULL ? store_bind_text(s, at, article) : sqlite3_bind_null(s, at);
}

enum store_result
store_revision_count(struct store *st, const char *article, long long *n)
{
	*n = 0;
	if (article != NULL && article[0] == '\0')
		article = NULL;
	sqlite3_stmt *s;
	int64_t v = 0;
	enum store_result r = store_prepare(st, sql_revisions_count, &s);
	if (r != STORE_OK ||
	    (r = store_bind_check(st, s, bind_article(s, 1, article))) != STORE_OK)
		return r;
	if ((r = store_step_ints(st, s, &v, 1)) == STORE_NOT_FOUND)
		r = STORE_OK;
	*n = v;
	return r;
}

/* The queue's tab of edits waiting, in one snapshot with its total. */
static enum store_result
revisions_queue(struct store *st, struct arena *a, const struct queue_query *qq,
    const char *article, struct queue_item **out, size_t *count, long long *total)
{
	void *rows = NULL;
	sqlite3_stmt *s;
	enum store_result r = store_begin_read(st);
	if (r != STORE_OK || (r = store_revision_count(st, article, total)) != STORE_OK ||
	    (r = store_prepare(st, sql_revisions_page, &s)) != STORE_OK)
		goto out;
	int rc = bind_article(s, 2, article);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 4, qq->per_page);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 5, (long long)(qq->page - 1) * qq->per_page);
	if ((r = store_bind_check(st, s, rc)) == STORE_OK)
		r = store_rows(st, a, s, sizeof(**out), row_queue, &rows, count);
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

enum store_result
store_queue(struct store *st, struct arena *a, const struct queue_query *qq,
    struct queue_item **out, size_t *count, long long *total, bool *more)
{
	*out = NULL;
	*count = 0;
	*total = 0;
	*more = false;
	if (qq == NULL || (unsigned)qq->status >= COMMENT_STATUS__MAX || qq->page < 1 ||
	    qq->page > QUEUE_MAX_PAGE || qq->per_page < 1 ||
	    qq->per_page > QUEUE_MAX_PER_PAGE) {
		log_error("database: queue: invalid arguments");
		return STORE_ERROR;
	}
	const char *article = qq->article != NULL && qq->article[0] != '\0' ? qq->article : NULL;
	if (qq->revisions)
		return revisions_queue(st, a, qq, article, out, count, total);
	const char *status = comment_status_name(qq->status);
	bool newest = qq->status != COMMENT_PENDING;
	long long offset = (long long)(qq->page - 1) * qq->per_page;
	struct buf match = { 0 }, last = { 0 };
	size_t last_at = 0;
	if (qq->q != NULL && qq->q[0] != '\0' &&
	    search_expr(&match, qq->q, &last, &last_at) == 0) {
		/* Only punctuation or invisible characters: a search for
		 * nothing finds nothing (never everything). */
		buf_free(&match);
		buf_free(&last);
		*out = arena_calloc(a, 1, sizeof(**out));
		return STORE_OK;
	}
	sqlite3_stmt *s;
	void *rows = NULL;
	enum store_result r = STORE_OK;
	if (last.len > 0 && (r = search_words_table(st)) != STORE_OK)
		goto out;
	/* One snapshot, so the total and the page agree. */
	if ((r = store_begin_read(st)) != STORE_OK)
		goto out;
	if (match.len > 0) {
		if (last.len > 0) {
			match.len = last_at;
			match.data[last_at] = '\0';
			if ((r = search_prefix(st, &match, last.data, last.len)) != STORE_OK)
				goto out;
		}
		search_scope(&match, status, article);
		r = search_page(st, a, buf_str(&match), newest, offset, qq->per_page, &rows,
		    count, total, more);
		goto out;
	}
	if ((r = queue_total(st, article ? sql_count_article : sql_count_tab, status, article,
	    total)) != STORE_OK)
		goto out;
	if (offset >= *total) {
		rows = arena_calloc(a, 1, sizeof(**out));
		goto out;
	}
	if ((r = store_prepare(st, queue_sql[article != NULL][newest], &s)) != STORE_OK)
		goto out;
	int rc = store_bind_text(s, 1, status);
	if (rc == SQLITE_OK && article != NULL)
		rc = store_bind_text(s, 2, article);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 4, qq->per_page);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 5, offset);
	if ((r = store_bind_check(st, s, rc)) == STORE_OK)
		r = store_rows(st, a, s, sizeof(**out), row_queue, &rows, count);
out:
	store_rollback(st);
	buf_free(&match);
	buf_free(&last);
	*out = rows;
	if (r != STORE_OK) {
		*out = NULL;
		*count = 0;
		*total = 0;
		*more = false;
	}
	return r;
}

enum store_result
store_status_counts(struct store *st, const char *article, long long counts[COMMENT_STATUS__MAX])
{
	for (int i = 0; i < COMMENT_STATUS__MAX; i++)
		counts[i] = 0;
	bool by_article = article != NULL && article[0] != '\0';
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, by_article ? sql_counts_article : sql_counts_all,
	    &s);
	if (r != STORE_OK)
		return r;
	int rc = by_article ? store_bind_text(s, 1, article) : SQLITE_OK;
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	bool row;
	while ((r = store_step(st, s, &row)) == STORE_OK && row) {
		enum comment_status cs;
		if (comment_status_parse((const char *)sqlite3_column_text(s, 0), &cs) == 0)
			counts[cs] = sqlite3_column_int64(s, 1);
	}
	store_stmt_done(s);
	if (r != STORE_OK)
		for (int i = 0; i < COMMENT_STATUS__MAX; i++)
			counts[i] = 0;
	return r;
}

/* A comment as a decision or an edit needs it, read inside the write
 * transaction. body and article are wanted by some callers only. */
struct current {
	enum comment_status status;
	int64_t version;
	int64_t updated;
	char *updated_by;
	char *body;
	char *article;
	int64_t parent;
	int64_t pinned;
};

static enum store_result
current_get(struct store *st, struct arena *a, int64_t id, struct current *cur)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_current, &s);
	if (r != STORE_OK ||
	    (r = store_bind_check(st, s, sqlite3_bind_int64(s, 1, id))) != STORE_OK ||
	    (r = store_step_one(st, s)) != STORE_OK)
		return r;
	if (comment_status_parse((const char *)sqlite3_column_text(s, 0), &cur->status) != 0) {
		log_error("database: comment %lld has an unknown status", (long long)id);
		store_stmt_done(s);
		return STORE_ERROR;
	}
	cur->version = sqlite3_column_int64(s, 1);
	cur->updated = sqlite3_column_int64(s, 2);
	cur->updated_by = store_column_dup(a, s, 3);
	cur->body = store_column_dup(a, s, 4);
	cur->article = store_column_dup(a, s, 5);
	cur->parent = sqlite3_column_int64(s, 6);
	cur->pinned = sqlite3_column_int64(s, 7);
	store_stmt_done(s);
	return STORE_OK;
}

static const struct actor cli_actor = { .user_id = 0, .name = "nazarctl", .remote_addr = "" };

static void
result_conflict(struct moderation_result *res, const struct current *cur)
{
	res->result = STORE_CONFLICT;
	res->status = cur->status;
	res->updated = cur->updated;
	res->updated_by = cur->updated_by;
}

/* Sets a comment's status, who changed it and why; inside the caller's
 * transaction. */
static enum store_result
status_write(struct store *st, int64_t id, enum comment_status target, const char *why,
    const struct actor *who, time_t now)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_set_status, &s);
	if (r != STORE_OK)
		return r;
	int rc = store_bind_text(s, 1, comment_status_name(target));
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
	if (rc == SQLITE_OK)
		rc = store_bind_id(s, 3, who->user_id);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 4, why);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 5, id);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	return store_step_done(st, s);
}

/* One item of store_moderate, inside its transaction. Returns an error
 * only when the transaction must be abandoned; the item's own outcome is
 * in *res. */
static enum store_result
moderate_one(struct store *st, struct arena *a, const struct moderation *item,
    enum moderation_action action, const char *reason, const struct actor *who, time_t now,
    struct moderation_result *res)
{
	enum comment_status target = action_targets[action];
	struct current cur;
	res->updated_by = arena_strdup(a, "");
	enum store_result r = current_get(st, a, item->id, &cur);
	if (r == STORE_NOT_FOUND) {
		res->result = STORE_NOT_FOUND;
		return STORE_OK;
	}
	if (r != STORE_OK)
		return r;
	/* Already done — by this moderator's earlier submit or by another
	 * one — undoes nothing, whatever version the page showed. */
	res->status = cur.status;
	if (cur.status == target) {
		res->result = STORE_OK;
		return STORE_OK;
	}
	if (item->version != 0 && item->version != cur.version) {
		result_conflict(res, &cur);
		return STORE_OK;
	}
	/* Restoring brings back what was taken off; unpublishing an approved
	 * comment is not that, so it is refused like a change in between. */
	if (action == ACTION_RESTORE && cur.status == COMMENT_APPROVED) {
		result_conflict(res, &cur);
		return STORE_OK;
	}
	const char *why = action == ACTION_REJECT || action == ACTION_SPAM ? reason : "";
	if ((r = status_write(st, item->id, target, why, who, now)) != STORE_OK)
		return r;
	r = store_audit_write(st, who, now, &(struct audit_change){ .action =
	    action_names[action], .comment_id = item->id, .before =
	    comment_status_name(cur.status), .after = comment_status_name(target),
	    .reason = why });
	if (r != STORE_OK)
		return r;
	res->result = STORE_OK;
	res->status = target;
	res->updated = (int64_t)now;
	res->updated_by = arena_strdup(a, who->name ? who->name : "");
	return STORE_OK;
}

enum store_result
store_moderate(struct store *st, struct arena *a, const struct moderation *items, size_t n,
    enum moderation_action action, const char *reason, const struct actor *who, time_t now,
    struct moderation_result *results)
{
	if ((unsigned)action >= ACTION__MAX || (n > 0 && (items == NULL || results == NULL))) {
		log_error("database: moderate: invalid arguments");
		return STORE_ERROR;
	}
	if (who == NULL)
		who = &cli_actor;
	for (size_t i = 0; i < n; i++)
		results[i] = (struct moderation_result){ .result = STORE_NOT_FOUND };
	if (n == 0)
		return STORE_OK;
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		return r;
	for (size_t i = 0; i < n; i++)
		if ((r = moderate_one(st, a, &items[i], action, reason ? reason : "", who, now,
		    &results[i])) != STORE_OK) {
			store_rollback(st);
			return r;
		}
	return store_commit(st);
}

/* Keeps the old text in the history (author: the text its author
 * replaced) and writes the new one; edited: when its author changed it
 * (0: a moderator did). Inside the caller's transaction. */
static enum store_result
edit_write(struct store *st, int64_t id, const char *old, const char *body,
    const struct actor *who, time_t now, int64_t edited, bool author)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_history_add, &s);
	if (r != STORE_OK)
		return r;
	int rc = sqlite3_bind_int64(s, 1, id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
	if (rc == SQLITE_OK)
		rc = store_bind_id(s, 3, who->user_id);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 4, old);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(s, 5, author);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK ||
	    (r = store_step_done(st, s)) != STORE_OK)
		return r;
	if ((r = store_prepare(st, sql_set_body, &s)) != STORE_OK)
		return r;
	rc = store_bind_text(s, 1, body);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
	if (rc == SQLITE_OK)
		rc = store_bind_id(s, 3, who->user_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 4, id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 5, edited);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	return store_step_done(st, s);
}

/* Begins the write transaction of a change to comment id as the
 * moderator saw it at version (0: whatever it is now) and reads it into
 * *cur; a comment changed since is STORE_CONFLICT (result_conflict). On
 * any error after the BEGIN the transaction is rolled back and
 * result->result says why. */
static enum store_result
change_begin(struct store *st, struct arena *a, int64_t id, int64_t version,
    struct moderation_result *result, struct current *cur)
{
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		return r;
	if ((r = current_get(st, a, id, cur)) == STORE_OK && version != 0 &&
	    version != cur->version) {
		result_conflict(result, cur);
		r = STORE_CONFLICT;
	}
	if (r != STORE_OK) {
		store_rollback(st);
		result->result = r;
	}
	return r;
}

enum store_result
store_edit_comment(struct store *st, struct arena *a, int64_t id, int64_t version,
    const char *body, const struct actor *who, time_t now, struct moderation_result *result)
{
	struct moderation_result dummy;
	if (result == NULL)
		result = &dummy;
	*result = (struct moderation_result){ .result = STORE_NOT_FOUND,
	    .updated_by = arena_strdup(a, "") };
	if (body == NULL) {
		log_error("database: edit: no text");
		return STORE_ERROR;
	}
	if (who == NULL)
		who = &cli_actor;
	struct current cur;
	enum store_result r = change_begin(st, a, id, version, result, &cur);
	if (r != STORE_OK)
		return r;
	result->status = cur.status;
	/* Saving the form unchanged changes nothing: no history, no audit. */
	if (strcmp(body, cur.body) == 0) {
		store_rollback(st);
		result->result = STORE_OK;
		result->updated = cur.updated;
		result->updated_by = cur.updated_by;
		return STORE_OK;
	}
	if ((r = edit_write(st, id, cur.body, body, who, now, 0, false)) != STORE_OK)
		goto fail;
	if ((r = store_audit_write(st, who, now, &(struct audit_change){ .action = "edit",
	    .comment_id = id, .before = audit_excerpt(a, cur.body),
	    .after = audit_excerpt(a, body) })) != STORE_OK)
		goto fail;
	if ((r = store_commit(st)) != STORE_OK)
		return r;
	result->result = STORE_OK;
	result->updated = (int64_t)now;
	result->updated_by = arena_strdup(a, who->name ? who->name : "");
	return STORE_OK;

fail:
	store_rollback(st);
	result->result = r;
	return r;
}

/* Runs a statement of one id (?1) and, when given, a text (?2) and a
 * time (?3); inside the caller's transaction. */
static enum store_result
id_write(struct store *st, const char *sql, int64_t id, const char *text, int64_t at)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql, &s);
	if (r != STORE_OK)
		return r;
	int rc = sqlite3_bind_int64(s, 1, id);
	if (rc == SQLITE_OK && text != NULL)
		rc = store_bind_text(s, 2, text);
	if (rc == SQLITE_OK && text != NULL)
		rc = sqlite3_bind_int64(s, 3, at);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	return store_step_done(st, s);
}

static enum store_result
touch(struct store *st, int64_t id, time_t now)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_touch, &s);
	if (r != STORE_OK)
		return r;
	int rc = sqlite3_bind_int64(s, 1, (sqlite3_int64)now);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, id);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	return store_step_done(st, s);
}

/* When comment id was posted, how many published replies it has and how
 * many of its texts its author replaced. */
static enum store_result
created_replies(struct store *st, int64_t id, int64_t v[3])
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_created_replies, &s);
	if (r != STORE_OK ||
	    (r = store_bind_check(st, s, sqlite3_bind_int64(s, 1, id))) != STORE_OK)
		return r;
	return store_step_ints(st, s, v, 3);
}

/* A reader's new text, inside the caller's transaction. */
static enum store_result
reader_edit(struct store *st, struct arena *a, const struct reader_change *rc,
    const struct current *cur, const struct actor *who, time_t now,
    enum reader_refusal *refused, bool *held)
{
	char *waiting = NULL;
	int64_t at;
	enum store_result r = store_revision_get(st, a, rc->id, &waiting, &at);
	if (r != STORE_OK && r != STORE_NOT_FOUND)
		return r;
	bool hold = rc->hold && cur->status == COMMENT_APPROVED;
	if (strcmp(rc->body, hold && waiting ? waiting : cur->body) == 0 &&
	    (hold || waiting == NULL)) {
		*refused = READER_UNCHANGED;
		*held = waiting != NULL;
		return STORE_OK;
	}
	if (hold) {
		/* Back to the queue; the published text stays until then. */
		if (strcmp(rc->body, cur->body) == 0)
			r = id_write(st, sql_revision_drop, rc->id, NULL, 0);
		else {
			r = id_write(st, sql_revision_put, rc->id, rc->body, (int64_t)now);
			*held = true;
		}
		if (r == STORE_OK)
			r = touch(st, rc->id, now);
	} else {
		if (waiting != NULL)
			r = id_write(st, sql_revision_drop, rc->id, NULL, 0);
		else
			r = STORE_OK;
		if (r == STORE_OK && strcmp(rc->body, cur->body) != 0)
			r = edit_write(st, rc->id, cur->body, rc->body, who, now, (int64_t)now, true);
	}
	if (r != STORE_OK)
		return r;
	return store_audit_write(st, who, now, &(struct audit_change){ .action = "reader_edit",
	    .comment_id = rc->id, .before = audit_excerpt(a, cur->body),
	    .after = audit_excerpt(a, rc->body), .reason = *held ? "held" : "" });
}

enum store_result
store_reader_change(struct store *st, struct arena *a, const struct reader_change *rc,
    const struct actor *who, time_t now, enum reader_refusal *refused, bool *held)
{
	*refused = READER_DONE;
	*held = false;
	if (who == NULL)
		who = &cli_actor;
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		return r;
	struct current cur;
	int64_t v[3];
	if ((r = current_get(st, a, rc->id, &cur)) != STORE_OK ||
	    (r = created_replies(st, rc->id, v)) != STORE_OK)
		goto fail;
	if (v[0] < rc->since)
		*refused = READER_LATE;
	else if (cur.status != COMMENT_PENDING && cur.status != COMMENT_APPROVED)
		*refused = READER_NOT_EDITABLE;
	else if (rc->body == NULL && v[1] > 0)
		*refused = READER_HAS_REPLIES;
	else if (rc->body != NULL && v[2] >= STORE_READER_MAX_EDITS)
		*refused = READER_TOO_MANY;
	if (*refused != READER_DONE) {
		store_rollback(st);
		return STORE_OK;
	}
	if (rc->body != NULL)
		r = reader_edit(st, a, rc, &cur, who, now, refused, held);
	else if ((r = id_write(st, sql_revision_drop, rc->id, NULL, 0)) == STORE_OK &&
	    (r = status_write(st, rc->id, COMMENT_WITHDRAWN, "", who, now)) == STORE_OK)
		r = store_audit_write(st, who, now, &(struct audit_change){ .action = "withdraw",
		    .comment_id = rc->id, .before = comment_status_name(cur.status),
		    .after = comment_status_name(COMMENT_WITHDRAWN) });
	if (r != STORE_OK)
		goto fail;
	if (*refused == READER_UNCHANGED) {
		store_rollback(st);
		return STORE_OK;
	}
	return store_commit(st);

fail:
	store_rollback(st);
	return r;
}

enum store_result
store_revision_get(struct store *st, struct arena *a, int64_t id, char **body, int64_t *at)
{
	*body = NULL;
	*at = 0;
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_revision_get, &s);
	if (r != STORE_OK ||
	    (r = store_bind_check(st, s, sqlite3_bind_int64(s, 1, id))) != STORE_OK ||
	    (r = store_step_one(st, s)) != STORE_OK)
		return r;
	*body = store_column_dup(a, s, 0);
	*at = sqlite3_column_int64(s, 1);
	store_stmt_done(s);
	return STORE_OK;
}

enum store_result
store_revision_decide(struct store *st, struct arena *a, int64_t id, int64_t version,
    bool approve, const struct actor *who, time_t now, struct moderation_result *result)
{
	*result = (struct moderation_result){ .result = STORE_NOT_FOUND,
	    .updated_by = arena_strdup(a, "") };
	if (who == NULL)
		who = &cli_actor;
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		return r;
	struct current cur;
	char *body;
	int64_t at;
	if ((r = current_get(st, a, id, &cur)) != STORE_OK ||
	    (r = store_revision_get(st, a, id, &body, &at)) != STORE_OK)
		goto fail;
	if (version != 0 && version != cur.version) {
		result_conflict(result, &cur);
		r = STORE_CONFLICT;
		goto fail;
	}
	result->status = cur.status;
	if ((r = id_write(st, sql_revision_drop, id, NULL, 0)) != STORE_OK)
		goto fail;
	if (approve)
		r = edit_write(st, id, cur.body, body, who, now, at, true);
	else
		r = touch(st, id, now);
	if (r != STORE_OK ||
	    (r = store_audit_write(st, who, now, &(struct audit_change){
	    .action = approve ? "revision_approve" : "revision_reject", .comment_id = id,
	    .before = audit_excerpt(a, cur.body), .after = audit_excerpt(a, body) })) != STORE_OK)
		goto fail;
	if ((r = store_commit(st)) != STORE_OK)
		return r;
	result->result = STORE_OK;
	result->updated = (int64_t)now;
	result->updated_by = arena_strdup(a, who->name ? who->name : "");
	return STORE_OK;

fail:
	store_rollback(st);
	result->result = r;
	return r;
}

static enum store_result
pinned_count(struct store *st, const char *article, int64_t except, int64_t *n)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_pinned_count, &s);
	if (r != STORE_OK)
		return r;
	int rc = store_bind_text(s, 1, article);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, except);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	r = store_step_ints(st, s, n, 1);
	return r == STORE_NOT_FOUND ? STORE_ERROR : r;
}

static enum store_result
pinned_write(struct store *st, int64_t id, int64_t pinned, const struct actor *who,
    time_t now)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_set_pinned, &s);
	if (r != STORE_OK)
		return r;
	int rc = sqlite3_bind_int64(s, 1, pinned);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
	if (rc == SQLITE_OK)
		rc = store_bind_id(s, 3, who->user_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 4, id);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	return store_step_done(st, s);
}

enum store_result
store_pin_comment(struct store *st, struct arena *a, int64_t id, int64_t version, bool pin,
    int max, const struct actor *who, time_t now, enum pin_refusal *refused,
    struct moderation_result *result)
{
	*refused = PIN_DONE;
	*result = (struct moderation_result){ .result = STORE_NOT_FOUND,
	    .updated_by = arena_strdup(a, "") };
	if (who == NULL)
		who = &cli_actor;
	struct current cur;
	enum store_result r = change_begin(st, a, id, version, result, &cur);
	if (r != STORE_OK)
		return r;
	result->status = cur.status;
	result->result = STORE_OK;
	/* Already so: nothing written, nothing audited. */
	if ((cur.pinned > 0) == pin) {
		*refused = PIN_ALREADY;
		store_rollback(st);
		result->updated = cur.updated;
		result->updated_by = cur.updated_by;
		return STORE_OK;
	}
	if (pin) {
		int64_t n = 0;
		if (cur.status != COMMENT_APPROVED || cur.parent != 0)
			*refused = PIN_NOT_TOP;
		else if ((r = pinned_count(st, cur.article, id, &n)) != STORE_OK)
			goto fail;
		else if (n >= max)
			*refused = PIN_FULL;
		if (*refused != PIN_DONE) {
			store_rollback(st);
			return STORE_OK;
		}
	}
	if ((r = pinned_write(st, id, pin ? (int64_t)now : 0, who, now)) != STORE_OK ||
	    (r = store_audit_write(st, who, now, &(struct audit_change){
	    .action = pin ? "pin" : "unpin", .comment_id = id, .target = cur.article,
	    .before = cur.pinned > 0 ? "pinned" : "", .after = pin ? "pinned" : "" })) != STORE_OK)
		goto fail;
	if ((r = store_commit(st)) != STORE_OK)
		return r;
	result->updated = (int64_t)now;
	result->updated_by = arena_strdup(a, who->name ? who->name : "");
	return STORE_OK;

fail:
	store_rollback(st);
	result->result = r;
	return r;
}

/* Inserts the reply row; inside the caller's transaction. */
static enum store_result
reply_insert(struct store *st, const char *article, int64_t parent, const char *display_name,
    const char *body, const struct actor *who, time_t now, int64_t *id)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_reply, &s);
	if (r != STORE_OK)
		return r;
	int rc = store_bind_text(s, 1, article);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, parent);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 3, display_name);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 4, body);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 5, (sqlite3_int64)now);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 6, who->remote_addr);
	if (rc == SQLITE_OK)
		rc = store_bind_id(s, 7, who->user_id);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK ||
	    (r = store_step_done(st, s)) != STORE_OK)
		return r;
	*id = sqlite3_last_insert_rowid(st->db);
	return STORE_OK;
}

enum store_result
store_site_reply(struct store *st, int64_t parent, const char *display_name, const char *body,
    const struct actor *who, time_t now, int64_t *id)
{
	if (id != NULL)
		*id = 0;
	if (display_name == NULL || body == NULL) {
		log_error("database: site reply: incomplete");
		return STORE_ERROR;
	}
	if (parent <= 0)
		return STORE_NOT_FOUND;
	if (who == NULL)
		who = &cli_actor;
	struct arena *a = arena_new();
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		goto out;
	struct current cur;
	int64_t new_id = 0;
	if ((r = current_get(st, a, parent, &cur)) != STORE_OK)
		goto fail;
	if (cur.status == COMMENT_DELETED || cur.status == COMMENT_WITHDRAWN) {
		r = STORE_CONFLICT;
		goto fail;
	}
	/* The reply belongs to the parent's article, by construction. */
	if ((r = reply_insert(st, cur.article, parent, display_name, body, who, now,
	    &new_id)) != STORE_OK)
		goto fail;
	if ((r = store_audit_write(st, who, now, &(struct audit_change){ .action = "reply",
	    .comment_id = new_id, .after = audit_excerpt(a, body) })) != STORE_OK)
		goto fail;
	if ((r = store_commit(st)) == STORE_OK && id != NULL)
		*id = new_id;
	goto out;

fail:
	store_rollback(st);
out:
	arena_free(a);
	return r;
}

/* A row of the history; a store_row_fn. */
static int
row_history(struct arena *a, sqlite3_stmt *s, void *row)
{
	struct history_entry *h = row;
	h->at = sqlite3_column_int64(s, 0);
	h->by = store_column_dup(a, s, 1);
	h->body = store_column_dup(a, s, 2);
	h->author = sqlite3_column_int(s, 3) != 0;
	return 0;
}

enum store_result
store_comment_history(struct store *st, struct arena *a, int64_t id,
    struct history_entry **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	sqlite3_stmt *s;
	void *rows;
	enum store_result r = store_prepare(st, sql_history, &s);
	if (r != STORE_OK ||
	    (r = store_bind_check(st, s, sqlite3_bind_int64(s, 1, id))) != STORE_OK)
		return r;
	if ((r = store_rows(st, a, s, sizeof(**out), row_history, &rows, count)) == STORE_OK)
		*out = rows;
	return r;
}
