/* view.c — building template values for threads, forms and error pages. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "antispam.h"
#include "app.h"
#include "arena.h"
#include "buf.h"
#include "catalog.h"
#include "http.h"
#include "locale.h"
#include "log.h"
#include "num.h"
#include "reader.h"
#include "request.h"
#include "store.h"
#include "store_articles.h"
#include "store_votes.h"
#include "text.h"
#include "tmpl.h"
#include "validate.h"
#include "view.h"

struct tval *
view_base(const struct ctx *c, struct request *r)
{
	const struct config *cfg = &c->app->cfg;
	struct arena *a = r->arena;
	struct tval *o = tval_object(a);
	struct tval *site = tval_object(a);
	tval_set_str(a, site, "name", cfg->site_name);
	tval_set_str(a, site, "lang", locale_code(cfg->locale));
	tval_set_str(a, site, "dir", locale_dir(cfg->locale));
	tval_set(a, o, "site", site);
	tval_set(a, o, "t", c->app->strings_value);
	tval_set_str(a, o, "base", cfg->base_path);
	tval_set_bool(a, o, "premoderated", cfg->mode == MODERATION_PRE);
	return o;
}

static const char *
localized_int(struct arena *a, const struct config *cfg, long long n)
{
	struct buf b = { 0 };
	locale_format_int(&b, cfg->locale, n);
	char *s = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return s;
}

const char *
view_vote_count(const struct ctx *c, struct request *r, long long n)
{
	const struct config *cfg = &c->app->cfg;
	if (n < cfg->votes_hide_below || n < 0)
		return "";
	return localized_int(r->arena, cfg, n);
}

/* What every comment of one thread page shares: where readers return to,
 * the vote forms' token (the thread's, as in the post form), and the
 * values every comment repeats, built once for the page (a value may sit
 * in many objects: rendering and JSON only read it). */
#define PAGE_COUNTS 64	/* vote counts kept as text, 0 .. PAGE_COUNTS - 1 */
struct thread_page {
	const char *article_url;
	const char *token;
	bool votes;		/* [votes] enabled */
	bool open;		/* the thread takes votes (not closed, not read-only) */
	struct tval *yes, *no, *null;
	struct tval *vote_action, *article, *vote_token, *vote_return, *both, *open_v;
	struct tval *s_true, *s_false, *s_none, *s_agree, *s_disagree;
	struct tval *counts[PAGE_COUNTS];	/* built when first needed */
	struct buf reply_url;	/* "…/embed?article=…&parent=", then each id and… */
	size_t reply_prefix;	/* …its length before the id */
	const char *reply_suffix;	/* "&return=…#nazar-form" */
	int64_t date_minute;	/* the last comment's minute (created / 60) */
	struct tval *date;	/* and its date */
	struct buf b;		/* scratch */
	const struct reader_ids *own;	/* the reader's cookie, or NULL */
};

static void
thread_page_init(const struct ctx *c, struct request *r, struct thread_page *tp,
    const char *article, bool open)
{
	const struct config *cfg = &c->app->cfg;
	struct arena *a = r->arena;
	memset(tp, 0, sizeof(*tp));
	tp->article_url = view_article_url(c, r, article);
	tp->token = antispam_token_make(a, c->app->secret, article, r->now);
	tp->votes = cfg->votes_enabled != 0;
	tp->open = open;
	tp->yes = tval_bool(a, true);
	tp->no = tval_bool(a, false);
	tp->null = tval_null(a);
	tp->vote_action = tval_str(a, arena_printf(a, "%s/vote", cfg->base_path));
	tp->article = tval_str(a, article);
	tp->vote_token = tval_str_ref(a, tp->token);
	tp->vote_return = tval_str_ref(a, tp->article_url ? tp->article_url : "");
	tp->both = cfg->votes_agree_only ? tp->no : tp->yes;
	tp->open_v = tp->open ? tp->yes : tp->no;
	tp->s_true = tval_str_ref(a, "true");
	tp->s_false = tval_str_ref(a, "false");
	tp->s_none = tval_str_ref(a, "none");
	tp->s_agree = tval_str_ref(a, "agree");
	tp->s_disagree = tval_str_ref(a, "disagree");
	/* A reply link that works without JavaScript: nazar's own page with
	 * the form set to answer this comment. */
	buf_printf(&tp->reply_url, "%s/embed?article=", cfg->base_path);
	http_url_encode(&tp->reply_url, article);
	buf_puts(&tp->reply_url, "&parent=");
	tp->reply_prefix = tp->reply_url.len;
	buf_puts(&tp->b, "");
	if (tp->article_url != NULL) {
		buf_puts(&tp->b, "&return=");
		http_url_encode(&tp->b, tp->article_url);
	}
	buf_puts(&tp->b, "#nazar-form");
	tp->reply_suffix = arena_strdup(a, buf_str(&tp->b));
	buf_reset(&tp->b);
	tp->date_minute = -1;
}

static void
thread_page_free(struct thread_page *tp)
{
	buf_free(&tp->reply_url);
	buf_free(&tp->b);
}

/* A vote count as shown ("" below votes_hide_below). */
static struct tval *
page_count(const struct ctx *c, struct request *r, struct thread_page *tp, long long n)
{
	if (n < 0 || n >= PAGE_COUNTS)
		return tval_str_ref(r->arena, view_vote_count(c, r, n));
	if (tp->counts[n] == NULL)
		tp->counts[n] = tval_str_ref(r->arena, view_vote_count(c, r, n));
	return tp->counts[n];
}

/* The author's own controls under their comment, within [thread]
 * edit_minutes of posting (reader.h): a link to the edit page and a form
 * that deletes it (not once it has published replies, which must stay
 * readable). NULL for anyone else, later, or in a closed thread. */
static struct tval *
own_value(const struct ctx *c, struct request *r, const struct comment *cm,
    const struct thread_page *tp)
{
	const struct config *cfg = &c->app->cfg;
	struct arena *a = r->arena;
	if (!tp->open || !reader_owns(tp->own, cm->id) ||
	    !reader_may_change(cm->created, cfg->edit_minutes, r->now) ||
	    (cm->status != COMMENT_PENDING && cm->status != COMMENT_APPROVED))
		return NULL;
	struct tval *v = tval_object(a);
	struct buf b = { 0 };
	buf_printf(&b, "%s/edit?comment=%lld", cfg->base_path, (long long)cm->id);
	if (tp->article_url != NULL) {
		buf_puts(&b, "&return=");
		http_url_encode(&b, tp->article_url);
	}
	tval_set_str(a, v, "edit_url", buf_str(&b));
	buf_free(&b);
	tval_set_str(a, v, "action", arena_printf(a, "%s/withdraw", cfg->base_path));
	tval_set_number(a, v, "comment", (double)cm->id);
	tval_set_str(a, v, "token", tp->token);
	tval_set_str(a, v, "return", tp->article_url ? tp->article_url : "");
	tval_set_bool(a, v, "can_withdraw", cm->replies == 0);
	tval_set_bool(a, v, "revision", cm->revision);
	return v;
}

/* The vote form of a published comment: each button names the vote it
 * asks for (its own again withdraws it), so the same form sent twice is
 * the same vote. */
static struct tval *
votes_value(const struct ctx *c, struct request *r, const struct comment *cm,
    struct thread_page *tp, enum vote_value mine)
{
	struct arena *a = r->arena;
	struct tval *v = tval_object(a);
	tval_add(a, v, "action", tp->vote_action);
	tval_add(a, v, "article", tp->article);
	tval_add(a, v, "comment", tval_number(a, (double)cm->id));
	tval_add(a, v, "token", tp->vote_token);
	tval_add(a, v, "return", tp->vote_return);
	tval_add(a, v, "agree_text", page_count(c, r, tp, cm->agree));
	tval_add(a, v, "disagree_text", page_count(c, r, tp, cm->disagree));
	tval_add(a, v, "agree", tval_number(a, (double)cm->agree));
	tval_add(a, v, "disagree", tval_number(a, (double)cm->disagree));
	tval_add(a, v, "agree_pressed", mine == VOTE_AGREE ? tp->s_true : tp->s_false);
	tval_add(a, v, "disagree_pressed", mine == VOTE_DISAGREE ? tp->s_true : tp->s_false);
	tval_add(a, v, "agree_value", mine == VOTE_AGREE ? tp->s_none : tp->s_agree);
	tval_add(a, v, "disagree_value", mine == VOTE_DISAGREE ? tp->s_none : tp->s_disagree);
	tval_add(a, v, "both", tp->both);
	/* A closed thread shows its counts, without the buttons. */
	tval_add(a, v, "open", tp->open_v);
	return v;
}

void
view_count(const struct ctx *c, struct arena *a, struct tval *o, long long n)
{
	const char *key = n == 0 ? "count.zero" : n == 1 ? "count.one" : "count.other";
	tval_set_number(a, o, "count", (double)n);
	tval_set_str(a, o, "count_text",
	    catalog_format(a, c->app->strings, key, localized_int(a, &c->app->cfg, n)));
}

void
view_avatar(struct arena *a, struct tval *o, const char *name)
{
	char letter[TEXT_INITIAL_MAX];
	text_initial(name, letter);
	tval_set_str(a, o, "avatar", letter);
	tval_set_number(a, o, "avatar_colour", text_avatar_colour(name));
}

/* One node of the tree being built: the comment's tval, its depth, the
 * list its replies go into, and how many of its approved replies are
 * shown of how many there are. */
struct node {
	int64_t id;
	int depth;
	struct tval *value;
	struct tval *replies;
	struct tval *siblings;	/* the list this comment is in */
	int64_t shown, total;
};

static struct tval *
comment_value(const struct ctx *c, struct request *r, const struct comment *cm, int depth,
    struct thread_page *tp, enum vote_value mine)
{
	const struct config *cfg = &c->app->cfg;
	struct arena *a = r->arena;
	struct tval *o = tval_object(a);
	struct buf *b = &tp->b;
	char id[NUM_TEXT_MAX];
	size_t idlen = num_format(id, cm->id);
	/* The keys are literals, each added once: tval_add neither looks
	 * them up nor copies them. The strings of the row are in the
	 * request's arena already. */
	tval_add(a, o, "id", tval_number(a, (double)cm->id));
	char *anchor = arena_alloc(a, sizeof("nazar-comment-") + idlen);
	memcpy(anchor, "nazar-comment-", sizeof("nazar-comment-") - 1);
	memcpy(anchor + sizeof("nazar-comment-") - 1, id, idlen + 1);
	tval_add(a, o, "anchor", tval_str_ref(a, anchor));
	tval_add(a, o, "parent", cm->parent != 0 ? tval_number(a, (double)cm->parent) : tp->null);
	tval_add(a, o, "name", tval_str_ref(a, cm->name));
	char letter[TEXT_INITIAL_MAX];
	text_initial(cm->name, letter);
	tval_add(a, o, "avatar", tval_str(a, letter));
	tval_add(a, o, "avatar_colour", tval_number(a, text_avatar_colour(cm->name)));
	tval_add(a, o, "body", tval_str_ref(a, cm->body));
	buf_reset(b);
	text_body_to_html(b, cm->body);
	tval_add(a, o, "body_html", tval_str(a, buf_str(b)));
	buf_reset(b);
	locale_format_iso8601(b, (time_t)cm->created);
	tval_add(a, o, "created", tval_str(a, buf_str(b)));
	/* Comments of one minute show one date: formatted once (local time
	 * has been whole minutes off UTC everywhere since 1972). */
	int64_t minute = cm->created >= 100000000 ? cm->created / 60 : -1;
	if (minute < 0 || minute != tp->date_minute) {
		buf_reset(b);
		locale_format_datetime(b, cfg->locale, (time_t)cm->created);
		tp->date = tval_str(a, buf_str(b));
		tp->date_minute = minute;
	}
	tval_add(a, o, "date", tp->date);
	tval_add(a, o, "status", tval_str_ref(a, comment_status_name(cm->status)));
	tval_add(a, o, "pending", cm->status == COMMENT_PENDING ? tp->yes : tp->no);
	/* Only its author is ever shown a rejected comment (store_thread). */
	tval_add(a, o, "rejected", cm->status == COMMENT_REJECTED ? tp->yes : tp->no);
	tval_add(a, o, "unpublished", cm->status != COMMENT_APPROVED ? tp->yes : tp->no);
	tval_add(a, o, "site_reply", cm->site_reply ? tp->yes : tp->no);
	tval_add(a, o, "pinned", cm->pinned > 0 && cm->status == COMMENT_APPROVED &&
	    cm->parent == 0 ? tp->yes : tp->no);
	tval_add(a, o, "depth", tval_number(a, depth));
	/* The reply link: the page's prefix, the id, the page's suffix. */
	tp->reply_url.len = tp->reply_prefix;
	buf_append(&tp->reply_url, id, idlen);
	buf_puts(&tp->reply_url, tp->reply_suffix);
	tval_add(a, o, "reply_url", tval_str(a, buf_str(&tp->reply_url)));
	if (tp->votes && cm->status == COMMENT_APPROVED)
		tval_add(a, o, "votes", votes_value(c, r, cm, tp, mine));
	tval_add(a, o, "edited", cm->edited > 0 && cm->status == COMMENT_APPROVED ? tp->yes :
	    tp->no);
	struct tval *own = own_value(c, r, cm, tp);
	/* Set on every comment, so that a reply never shows its parent's. */
	tval_add(a, o, "own", own ? own : tp->null);
	return o;
}

/* The reader's own votes on rows, shown pressed: only a reader with an id
 * (whose page no cache shares) costs this one lookup. All VOTE_NONE when
 * own is NULL or has no reader id, or the lookup fails. */
static enum vote_value *
reader_votes(const struct ctx *c, struct request *r, const struct comment *rows, size_t n,
    const struct reader_ids *own)
{
	enum vote_value *mine = arena_calloc(r->arena, n ? n : 1, sizeof(*mine));
	if (own == NULL || !own->has_reader || n == 0)
		return mine;
	int64_t *ids = arena_calloc(r->arena, n, sizeof(*ids));
	for (size_t i = 0; i < n; i++)
		ids[i] = rows[i].id;
	if (store_voter_votes(c->store, own->reader, ids, n, mine) != STORE_OK)
		memset(mine, 0, n * sizeof(*mine));
	return mine;
}

/* The link to the page of comment id's replies. */
static const char *
replies_url(const struct ctx *c, struct arena *a, const char *article, int64_t id, int page)
{
	struct buf b = { 0 };
	buf_printf(&b, "%s/replies?article=", c->app->cfg.base_path);
	http_url_encode(&b, article);
	buf_printf(&b, "&comment=%lld", (long long)id);
	if (page > 1)
		buf_printf(&b, "&page=%d", page);
	char *s = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return s;
}

/* Each comment with approved replies that are not among the rows gets
 * more_replies: the link to its replies' page and how many are not shown.
 * The root of a replies page (skip) has its own page links instead. */
static void
more_replies(const struct ctx *c, struct arena *a, const char *article, struct node *nodes,
    size_t used, int64_t skip)
{
	const struct config *cfg = &c->app->cfg;
	for (size_t i = 0; i < used; i++) {
		long long hidden = nodes[i].total - nodes[i].shown;
		if (hidden <= 0 || nodes[i].id == skip)
			continue;
		struct tval *m = tval_object(a);
		tval_set_str(a, m, "url", replies_url(c, a, article, nodes[i].id, 1));
		tval_set_number(a, m, "count", (double)hidden);
		tval_set_str(a, m, "text", catalog_format(a, c->app->strings,
		    hidden == 1 ? "replies.more.one" : "replies.more.other",
		    localized_int(a, cfg, hidden)));
		tval_set(a, nodes[i].value, "more_replies", m);
	}
}

/* The rows as a tree: a row is a root when its id is root (a replies
 * page) or, with root 0, when it has no parent (a thread page). Returns
 * the list of roots. */
static struct tval *
build_tree(const struct ctx *c, struct request *r, const char *article, bool open,
    const struct comment *rows, size_t n, int64_t root, const struct reader_ids *own)
{
	struct arena *a = r->arena;
	struct thread_page tp;
	thread_page_init(c, r, &tp, article, open);
	tp.own = own;
	enum vote_value *mine = reader_votes(c, r, rows, n, tp.votes ? own : NULL);
	struct tval *roots = tval_list(a);
	struct node *nodes = arena_calloc(a, n ? n : 1, sizeof(*nodes));
	size_t used = 0;
	for (size_t i = 0; i < n; i++) {
		struct node *parent = NULL;
		bool is_root = root != 0 ? rows[i].id == root : rows[i].parent == 0;
		if (!is_root) {
			for (size_t j = used; j-- > 0;)
				if (nodes[j].id == rows[i].parent) {
					parent = &nodes[j];
					break;
				}
			/* A reply whose parent is not shown (removed since, or
			 * beyond the bound) is left out rather than shown out
			 * of context. */
			if (parent == NULL)
				continue;
		}
		struct node *nd = &nodes[used++];
		nd->id = rows[i].id;
		nd->total = rows[i].replies;
		if (parent == NULL) {
			nd->depth = 0;
			nd->siblings = roots;
		} else if (parent->depth + 1 < THREAD_MAX_DEPTH) {
			nd->depth = parent->depth + 1;
			nd->siblings = parent->replies;
		} else {
			/* Deeper replies stay at the last level, after their parent. */
			nd->depth = parent->depth;
			nd->siblings = parent->siblings;
		}
		if (parent != NULL && rows[i].status == COMMENT_APPROVED)
			parent->shown++;
		nd->replies = tval_list(a);
		nd->value = comment_value(c, r, &rows[i], nd->depth, &tp, mine[i]);
		tval_add(a, nd->value, "replies", nd->replies);
		/* Set on every comment, so that a reply never shows its
		 * parent's link (a template looks a missing key up outside). */
		tval_add(a, nd->value, "more_replies", tp.null);
		tval_push(a, nd->siblings, nd->value);
	}
	thread_page_free(&tp);
	more_replies(c, a, article, nodes, used, root);
	return roots;
}

_Static_assert((int)CONFIG_SORT_OLDEST == (int)THREAD_OLDEST &&
    (int)CONFIG_SORT_NEWEST == (int)THREAD_NEWEST &&
    (int)CONFIG_SORT_AGREED == (int)THREAD_AGREED &&
    (int)CONFIG_SORT__MAX == (int)THREAD_SORT__MAX, "[thread] sort names a thread_sort");

enum thread_sort
view_sort(const struct ctx *c, int asked)
{
	const struct config *cfg = &c->app->cfg;
	enum thread_sort s = asked >= 0 && asked < THREAD_SORT__MAX ? (enum thread_sort)asked :
	    (enum thread_sort)cfg->thread_sort;
	/* Without votes there is nothing to sort by agreement. */
	if (s == THREAD_AGREED && !cfg->votes_enabled)
		s = (enum thread_sort)cfg->thread_sort == THREAD_AGREED ? THREAD_OLDEST :
		    (enum thread_sort)cfg->thread_sort;
	return s;
}

/* nazar's own page of the thread in an order ("" for the site's), from
 * which the page links go on. */
static const char *
thread_link(const struct ctx *c, struct arena *a, const char *article, const char *sort)
{
	struct buf b = { 0 };
	buf_printf(&b, "%s/embed?article=", c->app->cfg.base_path);
	http_url_encode(&b, article);
	if (*sort != '\0')
		buf_printf(&b, "&sort=%s", sort);
	const char *link = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return link;
}

/* sort (the order's name) and, once there is more than one top-level
 * comment to order, sorts: the links to each order (the site's without
 * sort=), the current one marked. */
static void
sorts_value(const struct ctx *c, struct arena *a, struct tval *obj, const char *article,
    enum thread_sort sort, long long tops)
{
	const struct config *cfg = &c->app->cfg;
	tval_set_str(a, obj, "sort", thread_sort_name(sort));
	if (tops < 2)
		return;
	struct tval *list = tval_list(a);
	for (int i = 0; i < THREAD_SORT__MAX; i++) {
		if (i == THREAD_AGREED && !cfg->votes_enabled)
			continue;
		struct tval *o = tval_object(a);
		const char *name = thread_sort_name((enum thread_sort)i);
		tval_set_str(a, o, "name", name);
		tval_set_str(a, o, "text", catalog_get(c->app->strings,
		    arena_printf(a, "sort.%s", name)));
		tval_set_str(a, o, "url", thread_link(c, a, article,
		    i == (int)cfg->thread_sort ? "" : name));
		tval_set_bool(a, o, "current", i == (int)sort);
		tval_push(a, list, o);
	}
	tval_set(a, obj, "sorts", list);
	tval_set_bool(a, obj, "has_sorts", true);
}

/* page, pages and pagination (to the thread's pages in the order sort
 * names, "" for the site's; or with under set to that comment's replies'
 * pages) for `total` items. */
static void
pages_value(const struct ctx *c, struct arena *a, struct tval *obj, int page, long long total,
    const char *article, int64_t under, const char *sort)
{
	const struct config *cfg = &c->app->cfg;
	int pages = total > 0 ? (int)((total + THREAD_PAGE_SIZE - 1) / THREAD_PAGE_SIZE) : 1;
	tval_set_number(a, obj, "page", page);
	tval_set_number(a, obj, "pages", pages);
	if (pages <= 1)
		return;
	struct tval *p = tval_object(a);
	const char *link;
	if (under > 0)
		link = replies_url(c, a, article, under, 1);
	else
		link = thread_link(c, a, article, sort);
	if (page > 1)
		tval_set_str(a, p, "prev_url", arena_printf(a, "%s&page=%d", link, page - 1));
	if (page < pages)
		tval_set_str(a, p, "next_url", arena_printf(a, "%s&page=%d", link, page + 1));
	tval_set_str(a, p, "text", arena_printf(a, "%s / %s",
	    localized_int(a, cfg, page), localized_int(a, cfg, pages)));
	tval_set(a, obj, "pagination", p);
}

/* view_closed_reason of an article whose state is known. */
static const char *
closed_reason(const struct config *cfg, const struct article_state *st, time_t now)
{
	if (cfg->read_only)
		return "closed.read_only";
	if (st->closed)
		return "closed.closed";
	if (cfg->close_after_days > 0 && st->first > 0 &&
	    (int64_t)now - st->first >= (int64_t)cfg->close_after_days * 86400)
		return "closed.closed";
	return NULL;
}

const char *
view_closed_reason(const struct ctx *c, const char *article, time_t now)
{
	const struct config *cfg = &c->app->cfg;
	if (cfg->read_only)
		return "closed.read_only";
	struct article_state st;
	/* A database that does not answer cannot take the comment either:
	 * the post says so then, not this. */
	if (store_article_state(c->store, article, &st) != STORE_OK)
		return NULL;
	return closed_reason(cfg, &st, now);
}

/* Sets "closed" and "closed_text" on obj when the thread takes no new
 * comments (why, from closed_reason): it says so instead of showing the
 * form. */
static void
closed_value(const struct ctx *c, struct request *r, struct tval *obj, const char *why)
{
	tval_set_bool(r->arena, obj, "closed", why != NULL);
	if (why != NULL)
		tval_set_str(r->arena, obj, "closed_text", view_message(c, r, why));
}

enum store_result
view_thread(const struct ctx *c, struct request *r, struct tval *obj, const char *article,
    int page, const struct reader_ids *own)
{
	return view_thread_sorted(c, r, obj, article, view_sort(c, -1), page, own);
}

enum store_result
view_thread_sorted(const struct ctx *c, struct request *r, struct tval *obj,
    const char *article, enum thread_sort sort, int page, const struct reader_ids *own)
{
	const struct config *cfg = &c->app->cfg;
	struct arena *a = r->arena;
	struct comment *rows;
	size_t n;
	long long approved, top;
	const struct thread_query q = {
		.article = article, .page = page, .per_page = THREAD_PAGE_SIZE,
		.replies_shown = cfg->replies_shown,
		.own_ids = own ? own->ids : NULL, .own_count = own ? own->count : 0,
		.sort = sort,
	};
	struct article_state state;
	enum store_result res = store_thread_read(c->store, a, &q, &rows, &n, &approved, &top,
	    &state);
	if (res != STORE_OK)
		return res;
	const char *why = closed_reason(cfg, &state, r->now);
	struct tval *roots = build_tree(c, r, article, why == NULL, rows, n, 0, own);
	tval_set_str(a, obj, "article", article);
	tval_set_bool(a, obj, "feed", cfg->feed_entries > 0);
	view_count(c, a, obj, approved);
	closed_value(c, r, obj, why);
	tval_set(a, obj, "comments", roots);
	tval_set_bool(a, obj, "has_comments", tval_list_length(roots) > 0);
	/* The pinned ones are not paged, nor counted in top. */
	long long heads = (long long)tval_list_length(roots);
	sorts_value(c, a, obj, article, sort, top > heads ? top : heads);
	pages_value(c, a, obj, page, top, article, 0,
	    sort == (enum thread_sort)cfg->thread_sort ? "" : thread_sort_name(sort));
	return STORE_OK;
}

enum store_result
view_replies(const struct ctx *c, struct request *r, struct tval *obj,
    const struct comment *under, int page, const struct reader_ids *own)
{
	const struct config *cfg = &c->app->cfg;
	struct arena *a = r->arena;
	struct comment *rows;
	size_t n;
	long long approved, top;
	const struct thread_query q = {
		.article = under->article, .under = under->id, .page = page,
		.per_page = THREAD_PAGE_SIZE, .replies_shown = cfg->replies_shown,
		.own_ids = own ? own->ids : NULL, .own_count = own ? own->count : 0,
	};
	struct article_state state;
	enum store_result res = store_thread_read(c->store, a, &q, &rows, &n, &approved, &top,
	    &state);
	if (res != STORE_OK)
		return res;
	const char *why = closed_reason(cfg, &state, r->now);
	/* The comment itself first, as the root of its replies. */
	struct comment *all = arena_calloc(a, n + 1, sizeof(*all));
	all[0] = *under;
	all[0].replies = approved;
	if (n > 0)
		memcpy(all + 1, rows, n * sizeof(*rows));
	struct tval *roots = build_tree(c, r, under->article, why == NULL, all, n + 1, under->id,
	    own);
	tval_set_str(a, obj, "article", under->article);
	closed_value(c, r, obj, why);
	tval_set_number(a, obj, "count", (double)approved);
	tval_set_number(a, obj, "replies_of", (double)under->id);
	tval_set_str(a, obj, "count_text", catalog_format(a, c->app->strings,
	    approved == 1 ? "replies.count.one" : "replies.count.other",
	    localized_int(a, cfg, approved)));
	tval_set(a, obj, "comments", roots);
	tval_set_bool(a, obj, "has_comments", true);
	pages_value(c, a, obj, page, top, under->article, under->id, "");
	return STORE_OK;
}

const char *
view_message(const struct ctx *c, struct request *r, const char *key)
{
	/* The only number a message needs is the length limit. */
	return catalog_format(r->arena, c->app->strings, key,
	    localized_int(r->arena, &c->app->cfg, c->app->cfg.max_length));
}

const char *
view_article_url(const struct ctx *c, struct request *r, const char *article)
{
	const struct config *cfg = &c->app->cfg;
	struct buf b = { 0 };
	const char *pattern = cfg->article_url;
	const char *slot = strstr(pattern, "{article}");
	if (*pattern != '\0' && slot != NULL) {
		buf_append(&b, pattern, (size_t)(slot - pattern));
		buf_puts(&b, article);	/* article ids are URL-safe by construction */
		buf_puts(&b, slot + strlen("{article}"));
	} else {
		buf_printf(&b, "%s/embed?article=", cfg->base_path);
		http_url_encode(&b, article);
	}
	char *s = arena_strdup(r->arena, buf_str(&b));
	buf_free(&b);
	return s;
}

bool
view_offers_reply_mail(const struct ctx *c)
{
	const struct config *cfg = &c->app->cfg;
	return cfg->mail_transport != MAIL_TRANSPORT_NONE && cfg->mail_reader_daily_limit > 0;
}

void
view_form(const struct ctx *c, struct request *r, struct tval *obj, const char *article,
    const struct comment_form *f, const char *general_error)
{
	struct arena *a = r->arena;
	/* A closed thread has no form to fill in; a post refused as closed
	 * shows its form again, with the reader's text. */
	const struct tval *closed = tval_get(obj, "closed");
	if (f == NULL && closed != NULL && tval_type(closed) == TVAL_BOOL &&
	    tval_truthy(closed))
		return;
	struct tval *form = tval_object(a);
	struct tval *errors = tval_object(a);
	const struct config *cfg = &c->app->cfg;
	tval_set_str(a, form, "action", arena_printf(a, "%s/post", cfg->base_path));
	tval_set_str(a, form, "article", article);
	/* The token is the same for every reader of the article in the same
	 * second, so a cached or SSI-included form stays valid. A form shown
	 * again keeps the reader's token (antispam_token_renew). The honeypot
	 * is never filled back in. */
	tval_set_str(a, form, "token", f != NULL ?
	    antispam_token_renew(a, c->app->secret, kvlist_get(&r->form, ANTISPAM_TOKEN_FIELD),
		article, r->now, cfg->min_seconds, cfg->max_age_hours * 3600) :
	    antispam_token_make(a, c->app->secret, article, r->now));
	/* Only mode = post publishes every comment at once. */
	tval_set_bool(a, form, "premoderated", cfg->mode != MODERATION_POST);
	for (int i = FIELD_PARENT; i < FIELD__MAX; i++) {
		const char *value = f ? f->raw[i] : NULL;
		if (value == NULL) {
			value = kvlist_get(&r->query, form_field_names[i]);
			value = value ? utf8_make_displayable(a, value) : "";
		}
		tval_set_str(a, form, form_field_names[i], value);
		if (f != NULL && f->error[i] != NULL)
			tval_set_str(a, errors, form_field_names[i], view_message(c, r, f->error[i]));
	}
	const char *ret = tval_string(tval_get(form, "return"));
	if (ret == NULL || *ret == '\0' || validate_return_url(a, ret, &c->app->cfg) == NULL)
		tval_set_str(a, form, "return", view_article_url(c, r, article));
	tval_set(a, form, "errors", errors);
	tval_set_bool(a, form, "has_errors", (f != NULL && f->error_count > 0) ||
	    general_error != NULL);
	if (general_error != NULL)
		tval_set_str(a, form, "general_error", view_message(c, r, general_error));
	const char *parent = tval_string(tval_get(form, "parent"));
	tval_set_bool(a, form, "is_reply", parent != NULL && *parent != '\0');
	/* "Tell me about replies", when there is mail to tell with; ticked
	 * again when the form comes back with it ticked. */
	tval_set_bool(a, form, "offer_notify", view_offers_reply_mail(c));
	const char *notify = f != NULL ? kvlist_get(&r->form, VIEW_NOTIFY_FIELD) : NULL;
	tval_set_bool(a, form, "notify", notify != NULL && *notify != '\0');
	tval_set(a, obj, "form", form);
}

void
view_render(const struct ctx *c, struct response *res, const char *name, struct tval *obj)
{
	if (tmpl_render(c->app->templates, name, obj, &res->body) != 0) {
		log_error("template %s cannot be rendered", name);
		buf_reset(&res->body);
		res->status = 500;
		buf_puts(&res->body, "<p>Internal error</p>\n");
	}
}

void
view_json(struct response *res, int status, const struct tval *v)
{
	res->status = status ? status : 200;
	res->content_type = "application/json; charset=utf-8";
	tval_to_json(&res->body, v);
	buf_putc(&res->body, '\n');
}

void
view_retry_after(struct request *r, struct response *res, int seconds)
{
	response_header(res, "Retry-After", arena_printf(r->arena, "%d", seconds));
}

void
view_error(const struct ctx *c, struct request *r, struct response *res, int status,
    const char *message_key)
{
	const char *message = view_message(c, r, message_key);
	res->status = status;
	buf_reset(&res->body);
	if (request_wants_json(r)) {
		struct tval *e = tval_object(r->arena);
		tval_set_str(r->arena, e, "error", message);
		view_json(res, status, e);
		return;
	}
	struct tval *obj = view_base(c, r);
	tval_set_str(r->arena, obj, "message", message);
	tval_set_number(r->arena, obj, "status", status);
	tval_set_str(r->arena, obj, "title", message);
	view_render(c, res, "error", obj);
	res->status = status;
}

void
view_set_reader_cookie(const struct ctx *c, struct request *r, struct response *res,
    const struct reader_ids *ids)
{
	char *cookie = arena_printf(r->arena,
	    "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s", READER_COOKIE_NAME,
	    reader_cookie_make(r->arena, c->app->secret, ids, r->now), READER_LIFETIME,
	    r->https ? "; Secure" : "");
	response_header(res, "Set-Cookie", cookie);
}

void
view_reader_ids(const struct ctx *c, struct request *r, struct reader_ids *out)
{
	memset(out, 0, sizeof(*out));
	const char *v = kvlist_get(&r->cookies, READER_COOKIE_NAME);
	if (v != NULL)
		(void)reader_cookie_parse(c->app->secret, v, r->now, out);
}
