/* h_widget.c — pieces of comments for the rest of a site: the latest
 * published comments (of the site or of a section of article ids) as an
 * HTML fragment for SSI and as JSON, and one article's count as a
 * fragment to include beside its headline on a list page. */
#include <stdbool.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "handlers.h"
#include "locale.h"
#include "request.h"
#include "store.h"
#include "store_recent.h"
#include "tmpl.h"
#include "utf8.h"
#include "validate.h"
#include "view.h"

#define LATEST_DEFAULT 10
#define LATEST_MAX 50
/* Characters of a comment shown in the list; the rest is a click away. */
#define LATEST_EXCERPT_CHARS 140

enum { L_LIMIT, L_SECTION };
static const struct param_spec latest_specs[] = {
	[L_LIMIT] = { PARAM("limit", PARAM_INT, 0), .min = 1, .max = LATEST_MAX },
	[L_SECTION] = { PARAM("section", PARAM_TEXT, 0), .check = validate_article_id },
};
const struct param_table latest_params = {
	PARAM_TABLE(latest_specs), .error = "error.article_invalid",
};
const struct param_table latest_json_params = {
	PARAM_TABLE(latest_specs), .error = "error.article_invalid", .json = true,
};

enum { N_ARTICLE };
static const struct param_spec count_specs[] = {
	[N_ARTICLE] = { PARAM("article", PARAM_TEXT, PARAM_REQUIRED), .check = validate_article_id },
};
const struct param_table count_params = {
	PARAM_TABLE(count_specs), .error = "error.article_invalid",
};

/* The first LATEST_EXCERPT_CHARS characters of body on one line, with an
 * ellipsis when cut. */
static const char *
excerpt(struct arena *a, const char *body)
{
	size_t len = strlen(body);
	size_t cut = utf8_cut_chars(body, len, LATEST_EXCERPT_CHARS);
	char *s = arena_printf(a, "%.*s%s", (int)cut, body, cut < len ? "…" : "");
	for (char *p = s; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	return s;
}

static struct tval *
latest_item(const struct ctx *c, struct request *r, const struct comment *cm)
{
	struct arena *a = r->arena;
	struct tval *o = tval_object(a);
	struct buf b = { 0 };
	tval_set_number(a, o, "id", (double)cm->id);
	tval_set_str(a, o, "article", cm->article);
	tval_set_str(a, o, "name", cm->name);
	view_avatar(a, o, cm->name);
	tval_set_str(a, o, "excerpt", excerpt(a, cm->body));
	tval_set_bool(a, o, "site_reply", cm->site_reply);
	locale_format_iso8601(&b, (time_t)cm->created);
	tval_set_str(a, o, "created", buf_str(&b));
	buf_reset(&b);
	locale_format_datetime(&b, c->app->cfg.locale, (time_t)cm->created);
	tval_set_str(a, o, "date", buf_str(&b));
	buf_free(&b);
	tval_set_str(a, o, "url", arena_printf(a, "%s#nazar-comment-%lld",
	    view_article_url(c, r, cm->article), (long long)cm->id));
	return o;
}

/* The list for latest and latest.json; NULL (res answered) on failure. */
static struct tval *
latest_context(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *a)
{
	int limit = (int)param_int(a->in, L_LIMIT, LATEST_DEFAULT);
	const char *section = param_text(a->in, L_SECTION);
	struct comment *rows;
	size_t n;
	if (store_recent(c->store, r->arena, NULL, section, limit, &rows, &n) != STORE_OK) {
		view_retry_after(r, res, RETRY_STORAGE_SECONDS);
		view_error(c, r, res, 503, "error.unavailable");
		return NULL;
	}
	struct tval *obj = view_base(c, r);
	struct tval *list = tval_list(r->arena);
	for (size_t i = 0; i < n; i++)
		tval_push(r->arena, list, latest_item(c, r, &rows[i]));
	tval_set(r->arena, obj, "comments", list);
	tval_set_bool(r->arena, obj, "has_comments", n > 0);
	if (section != NULL)
		tval_set_str(r->arena, obj, "section", section);
	/* The same for every reader: a short time in shared caches is fine. */
	response_header(res, "Cache-Control", "public, max-age=10");
	return obj;
}

void
handle_latest(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *a)
{
	struct tval *obj = latest_context(c, r, res, a);
	if (obj != NULL)
		view_render(c, res, "latest", obj);
}

void
handle_latest_json(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *a)
{
	r->accept = "application/json";
	struct tval *obj = latest_context(c, r, res, a);
	if (obj == NULL)
		return;
	struct tval *o = tval_object(r->arena);
	tval_set(r->arena, o, "comments", tval_get(obj, "comments"));
	view_json(res, 200, o);
}

void
handle_count(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *a)
{
	const char *article = param_text(a->in, N_ARTICLE);
	long long n = 0;
	if (store_counts(c->store, &article, 1, &n) != STORE_OK) {
		view_retry_after(r, res, RETRY_STORAGE_SECONDS);
		view_error(c, r, res, 503, "error.unavailable");
		return;
	}
	struct tval *obj = view_base(c, r);
	tval_set_str(r->arena, obj, "article", article);
	tval_set_str(r->arena, obj, "url", arena_printf(r->arena, "%s#nazar",
	    view_article_url(c, r, article)));
	view_count(c, r->arena, obj, n);
	response_header(res, "Cache-Control", "public, max-age=10");
	view_render(c, res, "count", obj);
}
