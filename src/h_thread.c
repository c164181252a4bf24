/* h_thread.c — reading threads: the HTML fragment, the embeddable page,
 * thread.json and the per-article counts. */
#include <errno.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "antispam.h"
#include "app.h"
#include "arena.h"
#include "buf.h"
#include "handlers.h"
#include "json.h"
#include "reader.h"
#include "request.h"
#include "store.h"
#include "tmpl.h"
#include "validate.h"
#include "view.h"

#define COUNTS_MAX_ARTICLES 100

/* The article id and page from the query; 400 when either is invalid. */
static int
thread_params(struct request *r, const char **article, int *page)
{
	*article = kvlist_get(&r->query, "article");
	if (*article == NULL || !validate_article_id(*article) ||
	    kvlist_count(&r->query, "article") != 1)
		return 400;
	const char *p = kvlist_get(&r->query, "page");
	*page = 1;
	if (p != NULL && *p != '\0') {
		char *end;
		errno = 0;
		long v = strtol(p, &end, 10);
		if (errno != 0 || *end != '\0' || v < 1 || v > 100000 || p[0] < '0' || p[0] > '9')
			return 400;
		*page = (int)v;
	}
	return 0;
}

/* Builds the thread context; on failure answers res and returns NULL. */
static struct tval *
thread_context(const struct ctx *c, struct request *r, struct response *res)
{
	const char *article;
	int page;
	if (thread_params(r, &article, &page) != 0) {
		view_error(c, r, res, 400, "error.article_invalid");
		return NULL;
	}
	struct reader_ids own;
	view_reader_ids(c, r, &own);
	struct tval *obj = view_base(c, r);
	if (view_thread(c, r, obj, article, page, &own) != STORE_OK) {
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
	response_header(res, "X-Content-Type-Options", "nosniff");
}

void
handle_thread(const struct ctx *c, struct request *r, struct response *res)
{
	struct tval *obj = thread_context(c, r, res);
	if (obj == NULL)
		return;
	thread_headers(r, res);
	view_render(c, res, "thread", obj);
}

void
handle_embed(const struct ctx *c, struct request *r, struct response *res)
{
	struct tval *obj = thread_context(c, r, res);
	if (obj == NULL)
		return;
	thread_headers(r, res);
	tval_set_str(r->arena, obj, "back_url",
	    view_article_url(c, r, tval_string(tval_get(obj, "article"))));
	view_render(c, res, "page", obj);
}

void
handle_thread_json(const struct ctx *c, struct request *r, struct response *res)
{
	const char *article;
	int page;
	res->content_type = "application/json; charset=utf-8";
	if (thread_params(r, &article, &page) != 0) {
		r->accept = "application/json";
		view_error(c, r, res, 400, "error.article_invalid");
		return;
	}
	struct reader_ids own;
	view_reader_ids(c, r, &own);
	struct tval *obj = tval_object(r->arena);
	if (view_thread(c, r, obj, article, page, &own) != STORE_OK) {
		r->accept = "application/json";
		view_error(c, r, res, 503, "error.unavailable");
		return;
	}
	/* JSON front ends post too: they need the form token (and field
	 * names) as much as the HTML form does. */
	struct tval *form = tval_object(r->arena);
	tval_set_str(r->arena, form, "action", arena_printf(r->arena, "%s/post",
	    c->app->cfg.base_path));
	tval_set_str(r->arena, form, "token", antispam_token_make(r->arena, c->app->secret,
	    article, r->now));
	tval_set(r->arena, obj, "form", form);
	thread_headers(r, res);
	tval_to_json(&res->body, obj);
	buf_putc(&res->body, '\n');
}

void
handle_counts(const struct ctx *c, struct request *r, struct response *res)
{
	r->accept = "application/json";
	res->content_type = "application/json; charset=utf-8";
	size_t n = 0;
	const char *articles[COUNTS_MAX_ARTICLES];
	for (size_t i = 0; i < r->query.count; i++) {
		if (strcmp(r->query.items[i].key, "article") != 0)
			continue;
		if (n == COUNTS_MAX_ARTICLES || !validate_article_id(r->query.items[i].value)) {
			view_error(c, r, res, 400, "error.article_invalid");
			return;
		}
		/* A repeated id is answered once: JSON objects have unique keys. */
		bool seen = false;
		for (size_t k = 0; k < n && !seen; k++)
			seen = strcmp(articles[k], r->query.items[i].value) == 0;
		if (!seen)
			articles[n++] = r->query.items[i].value;
	}
	if (n == 0) {
		view_error(c, r, res, 400, "error.article_invalid");
		return;
	}
	long long *counts = arena_calloc(r->arena, n, sizeof(*counts));
	if (store_counts(c->store, articles, n, counts) != STORE_OK) {
		view_error(c, r, res, 503, "error.unavailable");
		return;
	}
	buf_putc(&res->body, '{');
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(&res->body, ',');
		json_string_str(&res->body, articles[i]);
		buf_printf(&res->body, ":%lld", counts[i]);
	}
	buf_puts(&res->body, "}\n");
	response_header(res, "Cache-Control", "no-cache");
}
