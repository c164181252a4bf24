/* h_admin_comment.c — one comment: its page with history, editing its text
 * (the original is kept), and replying for the site. */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "admin_view.h"
#include "app.h"
#include "arena.h"
#include "buf.h"
#include "catalog.h"
#include "handlers.h"
#include "op.h"
#include "param.h"
#include "request.h"
#include "store_moderation.h"
#include "text.h"
#include "store_articles.h"
#include "tmpl.h"
#include "validate.h"
#include "view.h"

/* The comment page (done: what the last change was) and its edit and
 * reply forms (body, and the version the edit is based on). */
enum { CM_DONE, CM_BODY, CM_VERSION };
static const char *const done_names[] = { "edit", "reply", "votes", "pinned", "unpinned",
	"closed", "opened", "revision_approve", "revision_reject", NULL };
static const char *const done_notices[] = { "admin.notice.edited", "admin.notice.replied",
	"admin.notice.votes_reset", "admin.notice.pinned", "admin.notice.unpinned",
	"admin.notice.thread_closed", "admin.notice.thread_opened",
	"admin.notice.revision_approved", "admin.notice.revision_rejected" };
static const struct param_spec comment_specs[] = {
	[CM_DONE] = { PARAM("done", PARAM_ENUM, PARAM_LENIENT), .names = done_names },
	[CM_BODY] = { PARAM("body", PARAM_TEXT, PARAM_FORM) },
	/* Left out or not a version: the page again, with its message. */
	[CM_VERSION] = { PARAM("version", PARAM_INT, PARAM_FORM | PARAM_LENIENT), .min = 1,
	    .max = INT64_MAX },
};
const struct param_table comment_params = { PARAM_TABLE(comment_specs) };

/* Pin: whether to pin ("1") or unpin ("0"), and the version seen. */
enum { PIN_PINNED, PIN_VERSION };
static const char *const pinned_names[] = { "0", "1", NULL };
static const struct param_spec pin_specs[] = {
	[PIN_PINNED] = { PARAM("pinned", PARAM_ENUM, PARAM_FORM | PARAM_REQUIRED),
	    .names = pinned_names },
	[PIN_VERSION] = { PARAM("version", PARAM_INT, PARAM_FORM | PARAM_REQUIRED), .min = 1,
	    .max = INT64_MAX },
};
const struct param_table pin_params = { PARAM_TABLE(pin_specs) };

/* An author's waiting edit: approve or reject it, at the version seen
 * (version_ID, as in the queue's form, whose buttons post here too), and
 * whether the queue is where to go back to. */
enum { RV_DECISION, RV_VERSION, RV_RETURN };
static const char *const decision_names[] = { "approve", "reject", NULL };
static const struct param_spec revision_specs[] = {
	[RV_DECISION] = { PARAM("decision", PARAM_ENUM, PARAM_FORM | PARAM_REQUIRED),
	    .names = decision_names },
	[RV_VERSION] = { PARAM("version_", PARAM_INT, PARAM_FORM | PARAM_PREFIX), .min = 1,
	    .max = INT64_MAX, .max_count = REQUEST_MAX_ADMIN_FIELDS,
	    .error = "admin.error.no_version" },
	[RV_RETURN] = { PARAM("return", PARAM_TEXT, PARAM_FORM) },
};
const struct param_table revision_params = {
	PARAM_TABLE(revision_specs), .error = "admin.error.bad_request",
};

/* The comment page, with the edit and reply forms as typed (when an
 * attempt failed) and an error (already in the site's language) next to
 * the form that failed. */
static void
comment_page(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args, int status, const char *edit_text,
    const char *edit_error, const char *reply_text, const char *reply_error)
{
	struct arena *a = r->arena;
	const struct admin_session *s = args->session;
	long long id = args->id;
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
	/* Its author's edit waiting for a decision, if one does. */
	int64_t revised;
	if (sr == STORE_OK && store_revision_get(c->store, a, id, &it.revision, &revised) ==
	    STORE_NOT_FOUND)
		it.revision = NULL;
	if (sr != STORE_OK) {
		admin_unavailable(c, r, res, s, "/queue");
		return;
	}
	struct tval *o = admin_view(c, r, s, "admin.title.comment");
	tval_set(a, o, "comment", admin_comment_value(c, r, &it));
	struct tval *hl = tval_list(a);
	for (size_t i = 0; i < nhist; i++) {
		struct tval *h = tval_object(a);
		tval_set_str(a, h, "date", admin_date(c, r, hist[i].at));
		tval_set_str(a, h, "by", hist[i].by);
		tval_set_bool(a, h, "author", hist[i].author);
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
	tval_set_bool(a, o, "can_reply", it.c.status != COMMENT_DELETED &&
	    it.c.status != COMMENT_WITHDRAWN);
	/* The article's thread: closed by a moderator (reopen), closed by
	 * age or a read-only site (nothing to do here), or open (close). */
	struct article_state as;
	if (store_article_state(c->store, it.c.article, &as) == STORE_OK) {
		tval_set_bool(a, o, "thread_closed", as.closed);
		const char *why = view_closed_reason(c, it.c.article, r->now);
		tval_set_bool(a, o, "thread_open", why == NULL);
		if (why != NULL && !as.closed)
			tval_set_str(a, o, "thread_closed_text", view_message(c, r, why));
	}
	tval_set_str(a, o, "return", arena_printf(a, "/comments/%lld", id));
	if (param_has(args->in, CM_DONE))
		tval_set_str(a, o, "notice", view_message(c, r,
		    done_notices[param_int(args->in, CM_DONE, 0)]));
	admin_reasons(c, r, o);
	admin_render(c, r, res, status, "admin-comment", o);
}

/* A change refused: the page again with the text as typed (for the edit
 * or the reply form) and the message next to it. */
static void
comment_again(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args, int status, bool is_edit, const char *message)
{
	const char *typed = utf8_make_displayable(r->arena, param_str(args->in, CM_BODY));
	if (is_edit)
		comment_page(c, r, res, args, status, typed, message, NULL, NULL);
	else
		comment_page(c, r, res, args, status, NULL, NULL, typed, message);
}

/* An operation refused: the page again with the form as typed and the
 * operation's message (a conflict names who changed the comment, and when). */
static void
op_refused(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args, bool is_edit, enum op_problem p,
    const struct op_result *or)
{
	if (p == OP_NO_COMMENT) {
		admin_message(c, r, res, args->session, 404, "admin.error.no_comment", "/queue");
		return;
	}
	const char *msg = view_message(c, r, op_problem_key(or));
	if (p == OP_CHANGED) {
		const char *by = or->change.updated_by && *or->change.updated_by ?
		    or->change.updated_by : catalog_get(c->app->strings, "admin.someone");
		msg = arena_printf(r->arena, "%s %s — %s", msg, by,
		    admin_date(c, r, or->change.updated));
	}
	comment_again(c, r, res, args, admin_op_status(res, or), is_edit, msg);
}

void
admin_comment_edit(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args)
{
	struct actor who;
	struct op_ctx oc;
	struct op_result or;
	admin_op_begin(c, r, args->session, &oc, &who);
	/* Version 0 would skip the check: the op refuses it for an edit. */
	enum op_problem p = op_comment_edit(&oc, args->id, param_int(args->in, CM_VERSION, 0),
	    param_str(args->in, CM_BODY), &or);
	if (p != OP_OK) {
		op_refused(c, r, res, args, true, p, &or);
		return;
	}
	admin_redirect(c, r, res, arena_printf(r->arena, "/comments/%lld?done=edit",
	    (long long)args->id));
}

void
admin_comment_reply(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args)
{
	struct actor who;
	struct op_ctx oc;
	struct op_result or;
	admin_op_begin(c, r, args->session, &oc, &who);
	enum op_problem p = op_site_reply(&oc, args->id, args->session->user.display_name,
	    param_str(args->in, CM_BODY), &or);
	if (p != OP_OK) {
		op_refused(c, r, res, args, false, p, &or);
		return;
	}
	admin_redirect(c, r, res, arena_printf(r->arena, "/comments/%lld?done=reply",
	    (long long)args->id));
}

/* An author's waiting edit approved (its text shown, the published one
 * to the history) or rejected (op_revision_decide); back to the queue's
 * tab of edits when the queue sent it, else to the comment. */
void
admin_comment_revision(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args)
{
	struct actor who;
	struct op_ctx oc;
	struct op_result or;
	const char *back = arena_printf(r->arena, "/comments/%lld", (long long)args->id);
	int64_t version = param_int_for(args->in, RV_VERSION, args->id, 0);
	if (version == 0) {
		admin_message(c, r, res, args->session, 400, "admin.error.no_version", back);
		return;
	}
	admin_op_begin(c, r, args->session, &oc, &who);
	bool approve = param_int(args->in, RV_DECISION, 0) == 0;
	enum op_problem p = op_revision_decide(&oc, args->id, version, approve, &or);
	if (p != OP_OK) {
		admin_message(c, r, res, args->session, admin_op_status(res, &or),
		    op_problem_key(&or), back);
		return;
	}
	const char *ret = param_text(args->in, RV_RETURN);
	const char *done = approve ? "revision_approve" : "revision_reject";
	if (ret != NULL && strncmp(ret, "/queue", 6) == 0)
		admin_redirect(c, r, res, arena_printf(r->arena, "/queue?status=edited&done=%s",
		    done));
	else
		admin_redirect(c, r, res, arena_printf(r->arena, "%s?done=%s", back, done));
}

/* Readers' votes on the comment removed (op_comment_reset_votes). */
void
admin_comment_reset_votes(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args)
{
	struct actor who;
	struct op_ctx oc;
	struct op_result or;
	admin_op_begin(c, r, args->session, &oc, &who);
	enum op_problem p = op_comment_reset_votes(&oc, args->id, &or);
	if (p == OP_NO_COMMENT) {
		admin_message(c, r, res, args->session, 404, "admin.error.no_comment", "/queue");
		return;
	}
	if (p != OP_OK) {
		admin_message(c, r, res, args->session, admin_op_status(res, &or),
		    op_problem_key(&or), arena_printf(r->arena, "/comments/%lld",
		    (long long)args->id));
		return;
	}
	admin_redirect(c, r, res, arena_printf(r->arena, "/comments/%lld?done=votes",
	    (long long)args->id));
}

/* Pinned to the top of its thread, or no longer (op_comment_pin). */
void
admin_comment_pin(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args)
{
	struct actor who;
	struct op_ctx oc;
	struct op_result or;
	admin_op_begin(c, r, args->session, &oc, &who);
	bool pin = param_int(args->in, PIN_PINNED, 0) == 1;
	enum op_problem p = op_comment_pin(&oc, args->id, param_int(args->in, PIN_VERSION, 0),
	    pin, &or);
	const char *back = arena_printf(r->arena, "/comments/%lld", (long long)args->id);
	if (p == OP_NO_COMMENT) {
		admin_message(c, r, res, args->session, 404, "admin.error.no_comment", "/queue");
		return;
	}
	/* Refused (a reply, the article's pins all taken, changed since):
	 * the message, and the way back to the comment as it is now. */
	if (p != OP_OK) {
		admin_message(c, r, res, args->session, admin_op_status(res, &or),
		    op_problem_key(&or), back);
		return;
	}
	admin_redirect(c, r, res, arena_printf(r->arena, "%s?done=%s", back,
	    pin ? "pinned" : "unpinned"));
}

/* The comment's article's thread closed to new comments or opened again
 * (op_article_close); back to the comment page. */
static void
thread_close_open(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args, bool closed)
{
	struct comment cm;
	enum store_result sr = store_get_comment(c->store, r->arena, args->id, &cm);
	if (sr == STORE_NOT_FOUND) {
		admin_message(c, r, res, args->session, 404, "admin.error.no_comment", "/queue");
		return;
	}
	if (sr != STORE_OK) {
		admin_unavailable(c, r, res, args->session, "/queue");
		return;
	}
	struct actor who;
	struct op_ctx oc;
	struct op_result or;
	admin_op_begin(c, r, args->session, &oc, &who);
	if (op_article_close(&oc, cm.article, closed, &or) != OP_OK) {
		admin_message(c, r, res, args->session, admin_op_status(res, &or),
		    op_problem_key(&or), arena_printf(r->arena, "/comments/%lld",
		    (long long)args->id));
		return;
	}
	admin_redirect(c, r, res, arena_printf(r->arena, "/comments/%lld?done=%s",
	    (long long)args->id, closed ? "closed" : "opened"));
}

void
admin_comment_close_thread(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args)
{
	thread_close_open(c, r, res, args, true);
}

void
admin_comment_open_thread(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args)
{
	thread_close_open(c, r, res, args, false);
}

void
admin_comment_page(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args)
{
	comment_page(c, r, res, args, 200, NULL, NULL, NULL, NULL);
}
