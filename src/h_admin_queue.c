/* h_admin_queue.c — the moderation queue and its decisions.
 *
 * The queue works as a plain form: a checkbox per comment (value = id), a
 * hidden version per comment, one button per action for the checked ones
 * and, per comment, buttons named "one" with value "ACTION:ID". "Select
 * all" without JavaScript is a link that renders the page with every box
 * checked. */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "admin_view.h"
#include "app.h"
#include "arena.h"
#include "buf.h"
#include "catalog.h"
#include "handlers.h"
#include "http.h"
#include "log.h"
#include "num.h"
#include "op.h"
#include "param.h"
#include "request.h"
#include "store_moderation.h"
#include "text.h"
#include "tmpl.h"
#include "utf8.h"
#include "validate.h"
#include "view.h"

#define QUEUE_PAGE_SIZE 50
#define QUEUE_MAX_Q_BYTES 200
#define MODERATE_MAX_IDS 200

/* The tab of authors' edits waiting for a decision: not a status (the
 * comments keep theirs), a tab beside them. */
#define TAB_EDITED "edited"

static bool
status_valid(const char *v)
{
	enum comment_status st;
	return comment_status_parse(v, &st) == 0 || strcmp(v, TAB_EDITED) == 0;
}

/* The queue: a tab (status), an article, a search, a page; and what the
 * last decision did (done, n), from the redirect after it. */
enum { Q_STATUS, Q_ARTICLE, Q_Q, Q_PAGE, Q_SELECT, Q_DONE, Q_N };
static const struct param_spec queue_specs[] = {
	[Q_STATUS] = { PARAM("status", PARAM_TEXT, 0), .check = status_valid,
	    .error = "admin.error.bad_status" },
	[Q_ARTICLE] = { PARAM("article", PARAM_TEXT, 0), .check = validate_article_id,
	    .error = "error.article_invalid" },
	[Q_Q] = { PARAM("q", PARAM_TEXT, 0) },
	[Q_PAGE] = { PARAM("page", PARAM_INT, PARAM_LENIENT), .min = 1, .max = PARAM_PAGE_MAX },
	[Q_SELECT] = { PARAM("select", PARAM_TEXT, 0) },
	[Q_DONE] = { PARAM("done", PARAM_TEXT, 0) },
	[Q_N] = { PARAM("n", PARAM_INT, PARAM_LENIENT), .min = 0, .max = MODERATE_MAX_IDS },
};
const struct param_table queue_params = { PARAM_TABLE(queue_specs) };

/* A decision: one comment's button ("approve:12"), or an action for the
 * checked ids; the version of each comment as the moderator saw it; a
 * reason; and the page to return to. */
enum { M_ONE, M_ACTION, M_ID, M_VERSION, M_REASON, M_RETURN };
static const struct param_spec moderate_specs[] = {
	[M_ONE] = { PARAM("one", PARAM_TEXT, PARAM_FORM) },
	[M_ACTION] = { PARAM("action", PARAM_TEXT, PARAM_FORM) },
	[M_ID] = { PARAM("id", PARAM_INT, PARAM_FORM | PARAM_REPEAT | PARAM_UNIQUE), .min = 1,
	    .max = INT64_MAX, .max_count = MODERATE_MAX_IDS, .over_status = 413 },
	[M_VERSION] = { PARAM("version_", PARAM_INT, PARAM_FORM | PARAM_PREFIX), .min = 1,
	    .max = INT64_MAX, .max_count = REQUEST_MAX_ADMIN_FIELDS,
	    .error = "admin.error.no_version" },
	[M_REASON] = { PARAM("reason", PARAM_TEXT, PARAM_FORM) },
	[M_RETURN] = { PARAM("return", PARAM_TEXT, PARAM_FORM) },
};
const struct param_table moderate_params = {
	PARAM_TABLE(moderate_specs), .error = "admin.error.bad_request",
};

/* The queue URL (below admin_path) for a status, article, search and page. */
static const char *
queue_url(struct arena *a, const char *status, const char *article, const char *q, long long page)
{
	struct buf b = { 0 };
	buf_printf(&b, "/queue?status=%s", status);
	if (article != NULL && *article != '\0') {
		buf_puts(&b, "&article=");
		http_url_encode(&b, article);
	}
	if (q != NULL && *q != '\0') {
		buf_puts(&b, "&q=");
		http_url_encode(&b, q);
	}
	if (page > 1)
		buf_printf(&b, "&page=%lld", page);
	char *s = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return s;
}

/* What the queue shows: a status, an article, a search, a page. */
struct queue_filter {
	enum comment_status status;
	bool revisions;		/* the edited tab */
	const char *article;	/* NULL: every article */
	const char *q;		/* NULL: no search */
	long long page;
};

static void
queue_filter_read(struct request *r, const struct params *in, struct queue_filter *f)
{
	f->status = COMMENT_PENDING;
	f->revisions = false;
	if (param_has(in, Q_STATUS) &&
	    comment_status_parse(param_text(in, Q_STATUS), &f->status) != 0)
		f->revisions = true;
	f->article = param_text(in, Q_ARTICLE);
	f->q = param_text(in, Q_Q);
	if (f->q != NULL) {
		/* Cut at a character boundary: a cut sequence would make the
		 * whole query invalid, and the search would silently become
		 * the whole tab. */
		size_t qlen = utf8_cut(f->q, strnlen(f->q, QUEUE_MAX_Q_BYTES + 1), QUEUE_MAX_Q_BYTES);
		f->q = text_clean(r->arena, f->q, qlen, true);
		if (f->q == NULL)
			f->q = "";
	}
	f->page = param_int(in, Q_PAGE, 1);
}

/* The tabs, one per status, with their counts. */
static struct tval *
queue_tabs(const struct ctx *c, struct request *r, const struct queue_filter *f,
    const long long counts[COMMENT_STATUS__MAX], long long edited)
{
	struct arena *a = r->arena;
	struct tval *tabs = tval_list(a);
	for (int i = 0; i < COMMENT_STATUS__MAX; i++) {
		const char *name = comment_status_name((enum comment_status)i);
		struct tval *t = tval_object(a);
		tval_set_str(a, t, "status", name);
		tval_set_str(a, t, "label", catalog_get(c->app->strings,
		    arena_printf(a, "admin.tab.%s", name)));
		tval_set_str(a, t, "count", admin_number(c, r, counts[i]));
		tval_set_str(a, t, "url", queue_url(a, name, f->article, f->q, 1));
		tval_set_bool(a, t, "current", !f->revisions && i == (int)f->status);
		tval_push(a, tabs, t);
	}
	struct tval *t = tval_object(a);
	tval_set_str(a, t, "status", TAB_EDITED);
	tval_set_str(a, t, "label", catalog_get(c->app->strings, "admin.tab.edited"));
	tval_set_str(a, t, "count", admin_number(c, r, edited));
	tval_set_str(a, t, "url", queue_url(a, TAB_EDITED, f->article, f->q, 1));
	tval_set_bool(a, t, "current", f->revisions);
	tval_push(a, tabs, t);
	return tabs;
}

/* The list, the select-all link and the page links. */
static void
queue_list(const struct ctx *c, struct request *r, struct tval *o, const struct params *in,
    const struct queue_filter *f, const struct queue_item *items, size_t n, long long total,
    bool more)
{
	struct arena *a = r->arena;
	const char *sname = f->revisions ? TAB_EDITED : comment_status_name(f->status);
	tval_set_str(a, o, "status", sname);
	tval_set_str(a, o, "article", f->article ? f->article : "");
	tval_set_str(a, o, "q", f->q ? f->q : "");
	/* A search counts its matches only so far: past that, "more than". */
	tval_set_str(a, o, "total", more ? catalog_format(a, c->app->strings, "admin.more_than",
	    admin_number(c, r, total)) : admin_number(c, r, total));
	tval_set_bool(a, o, "select_all", param_has(in, Q_SELECT));
	const char *here = queue_url(a, sname, f->article, f->q, f->page);
	tval_set_str(a, o, "here", here);
	tval_set_str(a, o, "select_all_url", arena_printf(a, "%s&select=all", here));
	struct tval *list = tval_list(a);
	for (size_t i = 0; i < n; i++)
		tval_push(a, list, admin_comment_value(c, r, &items[i]));
	tval_set(a, o, "comments", list);
	tval_set_bool(a, o, "empty", n == 0);
	long long pages = (total + QUEUE_PAGE_SIZE - 1) / QUEUE_PAGE_SIZE;
	if (f->page > 1)
		tval_set_str(a, o, "prev_url", queue_url(a, sname, f->article, f->q, f->page - 1));
	if (f->page < pages || more)
		tval_set_str(a, o, "next_url", queue_url(a, sname, f->article, f->q, f->page + 1));
	tval_set_str(a, o, "page_number", admin_number(c, r, f->page));
	const char *pages_text = admin_number(c, r, pages ? pages : 1);
	tval_set_str(a, o, "pages_number", more ? catalog_format(a, c->app->strings,
	    "admin.more_than", pages_text) : pages_text);
	tval_set_bool(a, o, "paged", pages > 1 || more);
}

void
admin_queue(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args)
{
	struct arena *a = r->arena;
	const struct params *in = args->in;
	struct queue_filter f;
	queue_filter_read(r, in, &f);
	struct queue_query qq = {
		.status = f.status, .revisions = f.revisions, .article = f.article, .q = f.q,
		.page = (int)f.page,
		.per_page = QUEUE_PAGE_SIZE,
	};
	struct queue_item *items;
	size_t n;
	long long total;
	bool more;
	long long counts[COMMENT_STATUS__MAX], edited;
	if (store_queue(c->store, a, &qq, &items, &n, &total, &more) != STORE_OK ||
	    store_status_counts(c->store, f.article, counts) != STORE_OK ||
	    store_revision_count(c->store, f.article, &edited) != STORE_OK) {
		admin_unavailable(c, r, res, args->session, NULL);
		return;
	}
	struct tval *o = admin_view(c, r, args->session, "admin.title.queue");
	tval_set(a, o, "tabs", queue_tabs(c, r, &f, counts, edited));
	queue_list(c, r, o, in, &f, items, n, total, more);
	/* What the last decision did, from the redirect after it. */
	const char *done = param_text(in, Q_DONE);
	enum moderation_action act;
	if (done != NULL && moderation_action_parse(done, &act) == 0)
		tval_set_str(a, o, "notice", catalog_format(a, c->app->strings,
		    arena_printf(a, "admin.done.%s", done),
		    admin_number(c, r, param_int(in, Q_N, 0))));
	else if (done != NULL && strncmp(done, "revision_", 9) == 0)
		tval_set_str(a, o, "notice", catalog_get(c->app->strings,
		    strcmp(done, "revision_approve") == 0 ? "admin.notice.revision_approved" :
		    "admin.notice.revision_rejected"));
	admin_reasons(c, r, o);
	admin_render(c, r, res, 200, "admin-queue", o);
}

/* Where to go after a decision: a path below the admin (the queue page or
 * a comment page the form came from), never anywhere else. */
static const char *
moderate_return(const struct params *in)
{
	const char *ret = param_text(in, M_RETURN);
	if (ret == NULL || (strncmp(ret, "/queue", 6) != 0 && strncmp(ret, "/comments/", 10) != 0))
		return "/queue";
	for (const char *p = ret; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == '"' || *p == '<' || *p == '>' ||
		    *p == '\\' || *p == '#' || (unsigned char)*p >= 0x7f)
			return "/queue";
	if (strstr(ret, "//") != NULL || strstr(ret, "/..") != NULL)
		return "/queue";
	/* Encoded dots and slashes in the path would be decoded by the
	 * browser into a way out of the admin ("%2e%2e/"). */
	size_t plen = strcspn(ret, "?");
	for (size_t i = 0; i < plen; i++)
		if (ret[i] == '%')
			return "/queue";
	return ret;
}

/* Drops done/n/select from a queue URL so notices do not pile up. */
static const char *
strip_notice(struct arena *a, const char *ret)
{
	const char *qm = strchr(ret, '?');
	if (qm == NULL)
		return ret;
	struct buf b = { 0 };
	buf_append(&b, ret, (size_t)(qm - ret));
	char sep = '?';
	const char *p = qm + 1;
	while (*p != '\0') {
		size_t len = strcspn(p, "&");
		if (!(strncmp(p, "done=", 5) == 0 || strncmp(p, "n=", 2) == 0 ||
		    strncmp(p, "select=", 7) == 0) && len > 0) {
			buf_putc(&b, sep);
			buf_append(&b, p, len);
			sep = '&';
		}
		p += len;
		if (*p == '&')
			p++;
	}
	char *s = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return s;
}

/* The comments a decision is about, their versions and the action: NULL,
 * or the message key of what the form leaves out or gets wrong. */
static const char *
moderate_selection(struct request *r, const struct params *in, struct moderation **items,
    size_t *n, enum moderation_action *action)
{
	struct arena *a = r->arena;
	const char *one = param_text(in, M_ONE);
	const char *action_name = param_text(in, M_ACTION);
	*items = arena_calloc(a, MODERATE_MAX_IDS, sizeof(**items));
	*n = 0;
	if (one != NULL) {
		/* One comment's button ("approve:12") wins over the checked boxes. */
		const char *colon = strchr(one, ':');
		int64_t id;
		if (colon == NULL || !num_parse(colon + 1, 1, INT64_MAX, &id))
			return "admin.error.bad_request";
		action_name = arena_strndup(a, one, (size_t)(colon - one));
		(*items)[(*n)++].id = id;
	} else
		for (size_t i = 0; i < param_count(in, M_ID); i++)
			(*items)[(*n)++].id = param_int_at(in, M_ID, i);
	if (action_name == NULL || moderation_action_parse(action_name, action) != 0)
		return "admin.error.bad_action";
	if (*n == 0)
		return "admin.error.none_selected";
	/* Every decision names the version the moderator saw: without it two
	 * moderators could undo each other silently (op_moderate would not
	 * check), so a form or client that leaves it out is refused. */
	for (size_t i = 0; i < *n; i++) {
		(*items)[i].version = param_int_for(in, M_VERSION, (*items)[i].id, 0);
		if ((*items)[i].version == 0)
			return "admin.error.no_version";
	}
	return NULL;
}

/* {"results": [{"id", "result", "status", "updated", "updated_by"}]}: 409
 * when any was changed by someone else first. */
static void
moderate_json(struct request *r, struct response *res, const struct moderation *items,
    const struct moderation_result *results, size_t n, size_t conflicts)
{
	struct arena *a = r->arena;
	struct tval *list = tval_list(a);
	for (size_t i = 0; i < n; i++) {
		const struct moderation_result *m = &results[i];
		struct tval *e = tval_object(a);
		tval_set_number(a, e, "id", (double)items[i].id);
		tval_set_str(a, e, "result", m->result == STORE_OK ? "ok" :
		    m->result == STORE_CONFLICT ? "conflict" : "not_found");
		if (m->result != STORE_NOT_FOUND)
			tval_set_str(a, e, "status", comment_status_name(m->status));
		if (m->result == STORE_CONFLICT) {
			tval_set_number(a, e, "updated", (double)m->updated);
			tval_set_str(a, e, "updated_by", m->updated_by ? m->updated_by : "");
		}
		tval_push(a, list, e);
	}
	struct tval *o = tval_object(a);
	tval_set(a, o, "results", list);
	view_json(res, conflicts ? 409 : 200, o);
}

/* Some were not changed: a page that says which and why, never silently. */
static void
moderate_problems(const struct ctx *c, struct request *r, struct response *res,
    const struct admin_session *s, const struct moderation *items,
    const struct moderation_result *results, size_t n, enum moderation_action action,
    size_t done, const char *ret)
{
	struct arena *a = r->arena;
	struct tval *o = admin_view(c, r, s, "admin.title.conflict");
	struct tval *list = tval_list(a);
	for (size_t i = 0; i < n; i++) {
		const struct moderation_result *m = &results[i];
		if (m->result == STORE_OK)
			continue;
		struct tval *e = tval_object(a);
		tval_set_number(a, e, "id", (double)items[i].id);
		if (m->result == STORE_CONFLICT) {
			const char *by = m->updated_by && *m->updated_by ? m->updated_by :
			    catalog_get(c->app->strings, "admin.someone");
			tval_set_str(a, e, "by", by);
			tval_set_str(a, e, "when", admin_date(c, r, m->updated));
			tval_set_str(a, e, "status_text", catalog_get(c->app->strings,
			    arena_printf(a, "admin.status.%s", comment_status_name(m->status))));
			tval_set_bool(a, e, "conflict", true);
		} else
			tval_set_bool(a, e, "missing", true);
		tval_push(a, list, e);
	}
	tval_set(a, o, "problems", list);
	tval_set_str(a, o, "done_text", catalog_format(a, c->app->strings,
	    arena_printf(a, "admin.done.%s", moderation_action_name(action)),
	    admin_number(c, r, (long long)done)));
	tval_set_str(a, o, "back_url", arena_printf(a, "%s%s", admin_path(c, r),
	    strip_notice(a, ret)));
	admin_render(c, r, res, 409, "admin-conflict", o);
}

void
admin_moderate(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args)
{
	struct arena *a = r->arena;
	const struct admin_session *s = args->session;
	const char *ret = moderate_return(args->in);
	struct moderation *items;
	size_t n;
	enum moderation_action action;
	const char *problem = moderate_selection(r, args->in, &items, &n, &action);
	if (problem != NULL) {
		admin_message(c, r, res, s, 400, problem, ret);
		return;
	}
	/* The reason must be one of the configured ones: the op checks. */
	struct actor who;
	struct op_ctx oc;
	struct op_result or;
	admin_op_begin(c, r, s, &oc, &who);
	struct moderation_result *results = arena_calloc(a, n, sizeof(*results));
	if (op_moderate(&oc, items, n, action, param_text(args->in, M_REASON), results,
	    &or) != OP_OK) {
		admin_message(c, r, res, s, admin_op_status(res, &or), op_problem_key(&or), ret);
		return;
	}
	size_t done = 0, conflicts = 0;
	for (size_t i = 0; i < n; i++) {
		done += results[i].result == STORE_OK;
		conflicts += results[i].result == STORE_CONFLICT;
	}
	if (request_wants_json(r))
		moderate_json(r, res, items, results, n, conflicts);
	else if (done == n) {
		const char *back = strip_notice(a, ret);
		admin_redirect(c, r, res, arena_printf(a, "%s%cdone=%s&n=%zu", back,
		    strchr(back, '?') ? '&' : '?', moderation_action_name(action), done));
	} else
		moderate_problems(c, r, res, s, items, results, n, action, done, ret);
}
