/* h_thread.c — reading threads: the HTML fragment, the embeddable page,
 * thread.json and the per-article counts. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "antispam.h"
#include "app.h"
#include "arena.h"
#include "handlers.h"
#include "reader.h"
#include "request.h"
#include "store.h"
#include "tmpl.h"
#include "validate.h"
#include "view.h"

#define COUNTS_MAX_ARTICLES 100

/* thread, embed and thread.json: the article and the page; the form's
 * fields may come in the query too (a reply link names its parent, a
 * return address), to fill the form in (view_form). */
enum { T_ARTICLE, T_PAGE, T_PARENT, T_NAME, T_EMAIL, T_BODY, T_RETURN, T_SORT };
/* In the order of enum thread_sort. An order nazar does not know (a link
 * edited by hand) is the site's. */
static const char *const sort_names[] = { "oldest", "newest", "agreed", NULL };
_Static_assert(sizeof(sort_names) / sizeof(sort_names[0]) == THREAD_SORT__MAX + 1,
    "a name for every order");
static const struct param_spec thread_specs[] = {
	[T_SORT] = { PARAM("sort", PARAM_ENUM, PARAM_LENIENT), .names = sort_names },
	[T_ARTICLE] = { PARAM("article", PARAM_TEXT, PARAM_REQUIRED), .check = validate_article_id },
	[T_PAGE] = { PARAM("page", PARAM_INT, 0), .min = 1, .max = PARAM_PAGE_MAX },
	[T_PARENT] = { PARAM("parent", PARAM_TEXT, 0) },
	[T_NAME] = { PARAM("name", PARAM_TEXT, 0) },
	[T_EMAIL] = { PARAM("email", PARAM_TEXT, 0) },
	[T_BODY] = { PARAM("body", PARAM_TEXT, 0) },
	[T_RETURN] = { PARAM("return", PARAM_TEXT, 0) },
};
const struct param_table thread_params = {
	PARAM_TABLE(thread_specs), .error = "error.article_invalid",
};
const struct param_table thread_json_params = {
	PARAM_TABLE(thread_specs), .error = "error.article_invalid", .json = true,
};

/* replies: one comment's replies, a page at a time (the "more replies"
 * link of a thread). */
enum { R_ARTICLE, R_COMMENT, R_PAGE };
static const struct param_spec replies_specs[] = {
	[R_ARTICLE] = { PARAM("article", PARAM_TEXT, PARAM_REQUIRED), .check = validate_article_id },
	[R_COMMENT] = { PARAM("comment", PARAM_INT, PARAM_REQUIRED), .min = 1,
	    .max = INT64_MAX },
	[R_PAGE] = { PARAM("page", PARAM_INT, 0), .min = 1, .max = PARAM_PAGE_MAX },
};
const struct param_table replies_params = {
	PARAM_TABLE(replies_specs), .error = "error.article_invalid",
};

/* counts: up to COUNTS_MAX_ARTICLES article ids, a repeated one once (JSON
 * objects have unique keys). */
enum { C_ARTICLE };
static const struct param_spec counts_specs[] = {
	[C_ARTICLE] = { PARAM("article", PARAM_TEXT, PARAM_REQUIRED | PARAM_REPEAT | PARAM_UNIQUE),
	    .max_count = COUNTS_MAX_ARTICLES, .check = validate_article_id },
};
const struct param_table counts_params = {
	PARAM_TABLE(counts_specs), .error = "error.article_invalid", .json = true,
};

/* Builds the thread context; on failure answers res and returns NULL. */
static struct tval *
thread_context(const struct ctx *c, struct request *r, struct response *res,
    const struct params *in)
{
	const char *article = param_text(in, T_ARTICLE);
	int page = (int)param_int(in, T_PAGE, 1);
	struct reader_ids own;
	view_reader_ids(c, r, &own);
	struct tval *obj = view_base(c, r);
	enum thread_sort sort = view_sort(c, (int)param_int(in, T_SORT, -1));
	if (view_thread_sorted(c, r, obj, article, sort, page, &own) != STORE_OK) {
		view_error(c, r, res, 503, "error.unavailable");
		return NULL;
	}
	view_form(c, r, obj, article, NULL, NULL);
	return obj;
}

/* Threads change whenever a moderator acts: let nobody cache them long,
 * and never share one reader's view (it may hold their pending comment). */
static void
thread_headers(struct request *r, struct response *res)
{
	response_header(res, "Cache-Control",
	    kvlist_get(&r->cookies, READER_COOKIE_NAME) ? "private, no-cache" : "no-cache");
}

void
handle_thread(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *a)
{
	struct tval *obj = thread_context(c, r, res, a->in);
	if (obj == NULL)
		return;
	thread_headers(r, res);
	view_render(c, res, "thread", obj);
}

void
handle_embed(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *a)
{
	struct tval *obj = thread_context(c, r, res, a->in);
	if (obj == NULL)
		return;
	thread_headers(r, res);
	tval_set_str(r->arena, obj, "back_url",
	    view_article_url(c, r, tval_string(tval_get(obj, "article"))));
	view_render(c, res, "page", obj);
}

/* The page of one approved comment's replies, for readers without the
 * script as much as with it; any other comment is not found. */
void
handle_replies(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *a)
{
	const char *article = param_text(a->in, R_ARTICLE);
	int64_t id = param_int(a->in, R_COMMENT, 0);
	int page = (int)param_int(a->in, R_PAGE, 1);
	struct comment under;
	enum store_result sr = store_get_comment(c->store, r->arena, id, &under);
	if (sr == STORE_OK && (under.status != COMMENT_APPROVED ||
	    strcmp(under.article, article) != 0))
		sr = STORE_NOT_FOUND;
	if (sr == STORE_NOT_FOUND) {
		view_error(c, r, res, 404, "error.not_found");
		return;
	}
	struct reader_ids own;
	view_reader_ids(c, r, &own);
	struct tval *obj = view_base(c, r);
	if (sr != STORE_OK || view_replies(c, r, obj, &under, page, &own) != STORE_OK) {
		view_error(c, r, res, 503, "error.unavailable");
		return;
	}
	view_form(c, r, obj, article, NULL, NULL);
	thread_headers(r, res);
	tval_set_str(r->arena, obj, "back_url", arena_printf(r->arena, "%s#nazar-comment-%lld",
	    view_article_url(c, r, article), (long long)id));
	view_render(c, res, "page", obj);
}

void
handle_thread_json(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *a)
{
	const char *article = param_text(a->in, T_ARTICLE);
	int page = (int)param_int(a->in, T_PAGE, 1);
	struct reader_ids own;
	view_reader_ids(c, r, &own);
	struct tval *obj = tval_object(r->arena);
	enum thread_sort sort = view_sort(c, (int)param_int(a->in, T_SORT, -1));
	if (view_thread_sorted(c, r, obj, article, sort, page, &own) != STORE_OK) {
		r->accept = "application/json";
		view_error(c, r, res, 503, "error.unavailable");
		return;
	}
	/* JSON front ends post too: they need the form token (and field
	 * names) as much as the HTML form does; a closed thread has none
	 * ("closed": true, "closed_text" says why). */
	if (tval_truthy(tval_get(obj, "closed"))) {
		thread_headers(r, res);
		view_json(res, 200, obj);
		return;
	}
	struct tval *form = tval_object(r->arena);
	tval_set_str(r->arena, form, "action", arena_printf(r->arena, "%s/post",
	    c->app->cfg.base_path));
	tval_set_str(r->arena, form, "token", antispam_token_make(r->arena, c->app->secret,
	    article, r->now));
	tval_set(r->arena, obj, "form", form);
	thread_headers(r, res);
	view_json(res, 200, obj);
}

void
handle_counts(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *a)
{
	r->accept = "application/json";
	size_t n = param_count(a->in, C_ARTICLE);
	const char **articles = arena_calloc(r->arena, n, sizeof(*articles));
	for (size_t i = 0; i < n; i++)
		articles[i] = param_text_at(a->in, C_ARTICLE, i);
	long long *counts = arena_calloc(r->arena, n, sizeof(*counts));
	if (store_counts(c->store, articles, n, counts) != STORE_OK) {
		view_error(c, r, res, 503, "error.unavailable");
		return;
	}
	struct tval *o = tval_object(r->arena);
	for (size_t i = 0; i < n; i++)
		tval_set_number(r->arena, o, articles[i], (double)counts[i]);
	view_json(res, 200, o);
	response_header(res, "Cache-Control", "no-cache");
}
