/* h_admin_comment.c — one comment: its page with history, editing its text
 * (the original is kept), and replying for the site. */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "app.h"
#include "arena.h"
#include "buf.h"
#include "catalog.h"
#include "op.h"
#include "request.h"
#include "store_moderation.h"
#include "text.h"
#include "tmpl.h"
#include "validate.h"
#include "view.h"

/* The comment page, with the edit and reply forms as typed (when an
 * attempt failed) and an error (already in the site's language) next to
 * the form that failed. */
static void
comment_page(const struct ctx *c, struct request *r, struct response *res,
    const struct admin_session *s, long long id, int status, const char *edit_text,
    const char *edit_error, const char *reply_text, const char *reply_error)
{
	struct arena *a = r->arena;
	struct queue_item it = { 0 };
	enum store_result sr = store_get_comment(c->store, a, id, &it.c);
	if (sr == STORE_NOT_FOUND) {
		admin_message(c, r, res, s, 404, "admin.error.no_comment", "/queue");
		return;
	}
	struct history_entry *hist = NULL;
	size_t nhist = 0;
	if (sr == STORE_OK && it.c.parent != 0) {
		struct comment parent;
		if (store_get_comment(c->store, a, it.c.parent, &parent) == STORE_OK) {
			it.parent_name = parent.name;
			it.parent_body = parent.body;
		}
	}
	if (sr == STORE_OK)
		sr = store_comment_history(c->store, a, id, &hist, &nhist);
	if (sr != STORE_OK) {
		response_header(res, "Retry-After", "5");
		admin_message(c, r, res, s, 503, "admin.error.unavailable", "/queue");
		return;
	}
	struct tval *o = admin_view(c, r, s, "admin.title.comment");
	tval_set(a, o, "comment", admin_comment_value(c, r, &it));
	struct tval *hl = tval_list(a);
	for (size_t i = 0; i < nhist; i++) {
		struct tval *h = tval_object(a);
		tval_set_str(a, h, "date", admin_date(c, r, hist[i].at));
		tval_set_str(a, h, "by", hist[i].by);
		struct buf b = { 0 };
		text_body_to_html(&b, hist[i].body);
		tval_set_str(a, h, "body_html", buf_str(&b));
		buf_free(&b);
		tval_push(a, hl, h);
	}
	tval_set(a, o, "history", hl);
	tval_set_bool(a, o, "has_history", nhist > 0);
	tval_set_str(a, o, "edit_text", edit_text ? edit_text : it.c.body);
	if (edit_error != NULL)
		tval_set_str(a, o, "edit_error", edit_error);
	tval_set_str(a, o, "reply_text", reply_text ? reply_text : "");
	if (reply_error != NULL)
		tval_set_str(a, o, "reply_error", reply_error);
	tval_set_bool(a, o, "can_reply", it.c.status != COMMENT_DELETED);
	tval_set_str(a, o, "return", arena_printf(a, "/comments/%lld", id));
	const char *done = kvlist_get(&r->query, "done");
	if (done != NULL && (strcmp(done, "edit") == 0 || strcmp(done, "reply") == 0))
		tval_set_str(a, o, "notice", view_message(c, r,
		    strcmp(done, "edit") == 0 ? "admin.notice.edited" : "admin.notice.replied"));
	admin_reasons(c, r, o);
	admin_render(c, r, res, status, "admin-comment", o);
}

static void
edit(const struct ctx *c, struct request *r, struct response *res,
    const struct admin_session *s, long long id)
{
	const char *typed = utf8_make_displayable(r->arena, kvlist_get(&r->form, "body") ?
	    kvlist_get(&r->form, "body") : "");
	long long version = admin_int_param(kvlist_get(&r->form, "version"), 1, INT64_MAX, 0);
	struct actor who;
	struct op_ctx oc;
	struct op_result or;
	op_ctx_set(&oc, &who, c->store, r->arena, &c->app->cfg, s->user.id, s->user.name,
	    r->remote_addr, r->now);
	enum op_problem p = op_comment_edit(&oc, id, version, kvlist_get(&r->form, "body"), &or);
	if (p == OP_NO_COMMENT) {
		admin_message(c, r, res, s, 404, "admin.error.no_comment", "/queue");
		return;
	}
	if (p == OP_CHANGED) {
		const char *by = or.change.updated_by && *or.change.updated_by ?
		    or.change.updated_by : catalog_get(c->app->strings, "admin.someone");
		const char *msg = arena_printf(r->arena, "%s %s — %s",
		    view_message(c, r, "admin.error.changed"), by,
		    admin_date(c, r, or.change.updated));
		comment_page(c, r, res, s, id, 409, typed, msg, NULL, NULL);
		return;
	}
	if (p != OP_OK) {
		const char *retry = op_retry_after(p);
		if (retry != NULL)
			response_header(res, "Retry-After", retry);
		comment_page(c, r, res, s, id, op_http_status(p), typed,
		    view_message(c, r, op_problem_key(&or)), NULL, NULL);
		return;
	}
	admin_redirect(c, r, res, arena_printf(r->arena, "/comments/%lld?done=edit", id));
}

static void
reply(const struct ctx *c, struct request *r, struct response *res,
    const struct admin_session *s, long long id)
{
	const char *typed = utf8_make_displayable(r->arena, kvlist_get(&r->form, "body") ?
	    kvlist_get(&r->form, "body") : "");
	struct actor who;
	struct op_ctx oc;
	struct op_result or;
	op_ctx_set(&oc, &who, c->store, r->arena, &c->app->cfg, s->user.id, s->user.name,
	    r->remote_addr, r->now);
	enum op_problem p = op_site_reply(&oc, id, s->user.display_name,
	    kvlist_get(&r->form, "body"), &or);
	if (p == OP_NO_COMMENT) {
		admin_message(c, r, res, s, 404, "admin.error.no_comment", "/queue");
		return;
	}
	if (p != OP_OK) {
		const char *retry = op_retry_after(p);
		if (retry != NULL)
			response_header(res, "Retry-After", retry);
		comment_page(c, r, res, s, id, op_http_status(p), NULL, NULL, typed,
		    view_message(c, r, op_problem_key(&or)));
		return;
	}
	admin_redirect(c, r, res, arena_printf(r->arena, "/comments/%lld?done=reply", id));
}

void
admin_comment(const struct ctx *c, struct request *r, struct response *res, long long id,
    const char *verb)
{
	struct admin_session s;
	if (!admin_enter(c, r, res, &s, PERM_MODERATE))
		return;
	if (strcmp(verb, "edit") == 0)
		edit(c, r, res, &s, id);
	else if (strcmp(verb, "reply") == 0)
		reply(c, r, res, &s, id);
	else
		comment_page(c, r, res, &s, id, 200, NULL, NULL, NULL, NULL);
}
