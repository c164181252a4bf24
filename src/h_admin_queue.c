/* h_admin_queue.c — the moderation queue and its decisions.
 *
 * The queue works as a plain form: a checkbox per comment (value = id), a
 * hidden version per comment, one button per action for the checked ones
 * and, per comment, buttons named "one" with value "ACTION:ID". "Select
 * all" without JavaScript is a link that renders the page with every box
 * checked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "app.h"
#include "arena.h"
#include "buf.h"
#include "catalog.h"
#include "http.h"
#include "json.h"
#include "locale.h"
#include "log.h"
#include "op.h"
#include "request.h"
#include "store_moderation.h"
#include "text.h"
#include "tmpl.h"
#include "validate.h"
#include "view.h"

#define QUEUE_PAGE_SIZE 50
#define QUEUE_MAX_Q_BYTES 200
#define MODERATE_MAX_IDS 200

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

struct tval *
admin_comment_value(const struct ctx *c, struct request *r, const struct queue_item *it)
{
	struct arena *a = r->arena;
	const struct comment *cm = &it->c;
	struct tval *o = tval_object(a);
	struct buf b = { 0 };
	tval_set_number(a, o, "id", (double)cm->id);
	tval_set_number(a, o, "version", (double)cm->version);
	tval_set_str(a, o, "name", cm->name);
	tval_set_str(a, o, "email", cm->email);
	tval_set_str(a, o, "remote_addr", cm->remote_addr);
	tval_set_str(a, o, "user_agent", cm->user_agent);
	tval_set_str(a, o, "article", cm->article);
	tval_set_str(a, o, "article_url", view_article_url(c, r, cm->article));
	tval_set_str(a, o, "status", comment_status_name(cm->status));
	tval_set_str(a, o, "status_text", catalog_get(c->app->strings,
	    arena_printf(a, "admin.status.%s", comment_status_name(cm->status))));
	tval_set_str(a, o, "date", admin_date(c, r, cm->created));
	locale_format_iso8601(&b, (time_t)cm->created);
	tval_set_str(a, o, "created", buf_str(&b));
	buf_reset(&b);
	text_body_to_html(&b, cm->body);
	tval_set_str(a, o, "body_html", buf_str(&b));
	buf_free(&b);
	tval_set_str(a, o, "body", cm->body);
	tval_set_bool(a, o, "site_reply", cm->site_reply);
	if (cm->reason != NULL && *cm->reason != '\0')
		tval_set_str(a, o, "reason", cm->reason);
	if (cm->parent != 0) {
		struct tval *p = tval_object(a);
		tval_set_number(a, p, "id", (double)cm->parent);
		tval_set_str(a, p, "name", it->parent_name ? it->parent_name : "");
		/* The reply's context, not the whole parent: a long parent
		 * would bury the comment being judged. */
		const char *pb = it->parent_body ? it->parent_body : "";
		size_t n = strlen(pb);
		if (utf8_length(pb, n) > 280) {
			size_t i = 0, chars = 0;
			while (i < n && chars < 280) {
				i++;
				while (i < n && ((unsigned char)pb[i] & 0xC0) == 0x80)
					i++;
				chars++;
			}
			tval_set_str(a, p, "body", arena_printf(a, "%.*s…", (int)i, pb));
		} else
			tval_set_str(a, p, "body", pb);
		tval_set(a, o, "parent", p);
	}
	if (it->updated_by != NULL && *it->updated_by != '\0') {
		tval_set_str(a, o, "updated_by", it->updated_by);
		tval_set_str(a, o, "updated_date", admin_date(c, r, cm->updated));
	}
	/* Which buttons make sense for this status. */
	tval_set_bool(a, o, "can_approve", cm->status != COMMENT_APPROVED);
	tval_set_bool(a, o, "can_reject", cm->status == COMMENT_PENDING ||
	    cm->status == COMMENT_APPROVED);
	tval_set_bool(a, o, "can_spam", cm->status != COMMENT_SPAM);
	tval_set_bool(a, o, "can_delete", cm->status != COMMENT_DELETED);
	tval_set_bool(a, o, "can_restore", cm->status == COMMENT_REJECTED ||
	    cm->status == COMMENT_SPAM || cm->status == COMMENT_DELETED);
	return o;
}

void
admin_reasons(const struct ctx *c, struct request *r, struct tval *obj)
{
	const struct config *cfg = &c->app->cfg;
	struct tval *l = tval_list(r->arena);
	for (int i = 0; i < cfg->reason_count; i++) {
		struct tval *o = tval_object(r->arena);
		tval_set_str(r->arena, o, "text", cfg->reasons[i]);
		tval_push(r->arena, l, o);
	}
	tval_set(r->arena, obj, "reasons", l);
	tval_set_bool(r->arena, obj, "has_reasons", cfg->reason_count > 0);
}

void
admin_queue(const struct ctx *c, struct request *r, struct response *res)
{
	struct admin_session s;
	if (!admin_enter(c, r, res, &s, PERM_MODERATE))
		return;
	struct arena *a = r->arena;

	enum comment_status status = COMMENT_PENDING;
	const char *sv = kvlist_get(&r->query, "status");
	if (sv != NULL && *sv != '\0' && comment_status_parse(sv, &status) != 0) {
		admin_message(c, r, res, &s, 400, "admin.error.bad_status", "/queue");
		return;
	}
	const char *article = kvlist_get(&r->query, "article");
	if (article != NULL && *article != '\0' && !validate_article_id(article)) {
		admin_message(c, r, res, &s, 400, "error.article_invalid", "/queue");
		return;
	}
	const char *q = kvlist_get(&r->query, "q");
	if (q != NULL) {
		/* Cut at a character boundary: a cut sequence would make the
		 * whole query invalid, and the search would silently become
		 * the whole tab. */
		size_t qlen = strnlen(q, QUEUE_MAX_Q_BYTES + 1);
		if (qlen > QUEUE_MAX_Q_BYTES) {
			qlen = QUEUE_MAX_Q_BYTES;
			while (qlen > 0 && ((unsigned char)q[qlen] & 0xC0) == 0x80)
				qlen--;
		}
		q = text_clean(a, q, qlen, true);
		if (q == NULL)
			q = "";
	}
	long long page = admin_int_param(kvlist_get(&r->query, "page"), 1, 100000, 1);
	bool select_all = kvlist_get(&r->query, "select") != NULL;

	struct queue_query qq = {
		.status = status, .article = article, .q = q, .page = (int)page,
		.per_page = QUEUE_PAGE_SIZE,
	};
	struct queue_item *items;
	size_t n;
	long long total;
	long long counts[COMMENT_STATUS__MAX];
	if (store_queue(c->store, a, &qq, &items, &n, &total) != STORE_OK ||
	    store_status_counts(c->store, article, counts) != STORE_OK) {
		response_header(res, "Retry-After", "5");
		admin_message(c, r, res, &s, 503, "admin.error.unavailable", NULL);
		return;
	}

	struct tval *o = admin_view(c, r, &s, "admin.title.queue");
	const char *sname = comment_status_name(status);
	struct tval *tabs = tval_list(a);
	for (int i = 0; i < COMMENT_STATUS__MAX; i++) {
		const char *name = comment_status_name((enum comment_status)i);
		struct tval *t = tval_object(a);
		tval_set_str(a, t, "status", name);
		tval_set_str(a, t, "label", catalog_get(c->app->strings,
		    arena_printf(a, "admin.tab.%s", name)));
		tval_set_str(a, t, "count", admin_number(c, r, counts[i]));
		tval_set_str(a, t, "url", queue_url(a, name, article, q, 1));
		tval_set_bool(a, t, "current", i == (int)status);
		tval_push(a, tabs, t);
	}
	tval_set(a, o, "tabs", tabs);
	tval_set_str(a, o, "status", sname);
	tval_set_str(a, o, "article", article ? article : "");
	tval_set_str(a, o, "q", q ? q : "");
	tval_set_str(a, o, "total", admin_number(c, r, total));
	tval_set_bool(a, o, "select_all", select_all);
	const char *here = queue_url(a, sname, article, q, page);
	tval_set_str(a, o, "here", here);
	tval_set_str(a, o, "select_all_url", arena_printf(a, "%s&select=all", here));

	struct tval *list = tval_list(a);
	for (size_t i = 0; i < n; i++)
		tval_push(a, list, admin_comment_value(c, r, &items[i]));
	tval_set(a, o, "comments", list);
	tval_set_bool(a, o, "empty", n == 0);

	long long pages = (total + QUEUE_PAGE_SIZE - 1) / QUEUE_PAGE_SIZE;
	if (page > 1)
		tval_set_str(a, o, "prev_url", queue_url(a, sname, article, q, page - 1));
	if (page < pages)
		tval_set_str(a, o, "next_url", queue_url(a, sname, article, q, page + 1));
	tval_set_str(a, o, "page_number", admin_number(c, r, page));
	tval_set_str(a, o, "pages_number", admin_number(c, r, pages ? pages : 1));
	tval_set_bool(a, o, "paged", pages > 1);

	/* What the last decision did, from the redirect after it. */
	const char *done = kvlist_get(&r->query, "done");
	const char *count = kvlist_get(&r->query, "n");
	enum moderation_action act;
	if (done != NULL && moderation_action_parse(done, &act) == 0) {
		long long k = admin_int_param(count, 0, MODERATE_MAX_IDS, 0);
		tval_set_str(a, o, "notice", catalog_format(a, c->app->strings,
		    arena_printf(a, "admin.done.%s", done), admin_number(c, r, k)));
	}
	admin_reasons(c, r, o);
	admin_render(c, r, res, 200, "admin-queue", o);
}

/* Where to go after a decision: a path below the admin (the queue page or
 * a comment page the form came from), never anywhere else. */
static const char *
moderate_return(struct request *r)
{
	const char *ret = kvlist_get(&r->form, "return");
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

void
admin_moderate(const struct ctx *c, struct request *r, struct response *res)
{
	struct admin_session s;
	if (!admin_enter(c, r, res, &s, PERM_MODERATE))
		return;
	struct arena *a = r->arena;
	const char *ret = moderate_return(r);

	/* One comment's button ("approve:12") wins over the checked boxes. */
	const char *one = kvlist_get(&r->form, "one");
	const char *action_name = kvlist_get(&r->form, "action");
	struct moderation *items = arena_calloc(a, MODERATE_MAX_IDS, sizeof(*items));
	size_t n = 0;
	if (one != NULL) {
		const char *colon = strchr(one, ':');
		if (colon == NULL) {
			admin_message(c, r, res, &s, 400, "admin.error.bad_request", ret);
			return;
		}
		action_name = arena_strndup(a, one, (size_t)(colon - one));
		long long id = admin_int_param(colon + 1, 1, INT64_MAX, 0);
		if (id == 0) {
			admin_message(c, r, res, &s, 400, "admin.error.bad_request", ret);
			return;
		}
		items[n++].id = id;
	} else {
		for (size_t i = 0; i < r->form.count; i++) {
			if (strcmp(r->form.items[i].key, "id") != 0)
				continue;
			long long id = admin_int_param(r->form.items[i].value, 1, INT64_MAX, 0);
			if (id == 0) {
				admin_message(c, r, res, &s, 400, "admin.error.bad_request", ret);
				return;
			}
			if (n == MODERATE_MAX_IDS) {
				admin_message(c, r, res, &s, 413, "admin.error.too_many", ret);
				return;
			}
			bool dup = false;
			for (size_t k = 0; k < n; k++)
				dup = dup || items[k].id == id;
			if (!dup)
				items[n++].id = id;
		}
	}
	enum moderation_action action;
	if (action_name == NULL || moderation_action_parse(action_name, &action) != 0) {
		admin_message(c, r, res, &s, 400, "admin.error.bad_action", ret);
		return;
	}
	if (n == 0) {
		admin_message(c, r, res, &s, 400, "admin.error.none_selected", ret);
		return;
	}
	/* Every decision names the version the moderator saw: without it two
	 * moderators could undo each other silently (store_moderate would not
	 * check), so a form or client that leaves it out is refused. */
	for (size_t i = 0; i < n; i++) {
		char key[40];
		snprintf(key, sizeof(key), "version_%lld", (long long)items[i].id);
		items[i].version = admin_int_param(kvlist_get(&r->form, key), 1, INT64_MAX, 0);
		if (items[i].version == 0) {
			admin_message(c, r, res, &s, 400, "admin.error.no_version", ret);
			return;
		}
	}
	struct actor who;
	struct op_ctx oc;
	struct op_result or;
	op_ctx_set(&oc, &who, c->store, a, &c->app->cfg, s.user.id, s.user.name, r->remote_addr,
	    r->now);
	struct moderation_result *results = arena_calloc(a, n, sizeof(*results));
	if (op_moderate(&oc, items, n, action, kvlist_get(&r->form, "reason"), results,
	    &or) != OP_OK) {
		const char *retry = op_retry_after(or.problem);
		if (retry != NULL)
			response_header(res, "Retry-After", retry);
		admin_message(c, r, res, &s, op_http_status(or.problem), op_problem_key(&or), ret);
		return;
	}
	size_t done = 0, conflicts = 0, missing = 0;
	for (size_t i = 0; i < n; i++) {
		if (results[i].result == STORE_OK)
			done++;
		else if (results[i].result == STORE_CONFLICT)
			conflicts++;
		else
			missing++;
	}

	if (request_wants_json(r)) {
		res->status = conflicts ? 409 : 200;
		res->content_type = "application/json; charset=utf-8";
		buf_puts(&res->body, "{\"results\":[");
		for (size_t i = 0; i < n; i++) {
			const struct moderation_result *m = &results[i];
			buf_printf(&res->body, "%s{\"id\":%lld,\"result\":\"%s\"", i ? "," : "",
			    (long long)items[i].id, m->result == STORE_OK ? "ok" :
			    m->result == STORE_CONFLICT ? "conflict" : "not_found");
			if (m->result != STORE_NOT_FOUND)
				buf_printf(&res->body, ",\"status\":\"%s\"",
				    comment_status_name(m->status));
			if (m->result == STORE_CONFLICT) {
				buf_printf(&res->body, ",\"updated\":%lld,\"updated_by\":",
				    (long long)m->updated);
				json_string_str(&res->body, m->updated_by ? m->updated_by : "");
			}
			buf_putc(&res->body, '}');
		}
		buf_puts(&res->body, "]}\n");
		return;
	}
	if (conflicts == 0 && missing == 0) {
		const char *back = strip_notice(a, ret);
		admin_redirect(c, r, res, arena_printf(a, "%s%cdone=%s&n=%zu", back,
		    strchr(back, '?') ? '&' : '?', moderation_action_name(action), done));
		return;
	}
	/* Some were not changed: say which and why, never silently. */
	struct tval *o = admin_view(c, r, &s, "admin.title.conflict");
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
