/* h_own.c — a reader's own comment: GET and POST edit (a page with the
 * text in a form; the new text), POST withdraw (deleted by its author).
 *
 * The author is the browser that posted the comment: its id in the
 * signed reader cookie (reader.h), within [thread] edit_minutes of
 * posting. Anyone else, or the author later, gets 403 in the site's
 * language and nothing changes (op_reader_change decides). A new text
 * passes what a post passes: its length and lines, the form's token, the
 * links, the honeypot and the blocklist; what would hold a post (or make
 * it spam) holds the edit of a published comment for a moderator, as
 * pre-moderation always does (store_reader_change). 303 back to the
 * comment, or JSON for nazar.js. */
#include <string.h>

#include "antispam.h"
#include "app.h"
#include "arena.h"
#include "blocklist_cache.h"
#include "buf.h"
#include "catalog.h"
#include "handlers.h"
#include "http.h"
#include "log.h"
#include "op.h"
#include "param.h"
#include "reader.h"
#include "request.h"
#include "store.h"
#include "store_antispam.h"
#include "store_moderation.h"
#include "text.h"
#include "tmpl.h"
#include "validate.h"
#include "view.h"

/* POST edit and withdraw: the form (withdraw sends no body). */
enum { E_COMMENT, E_RETURN, E_BODY, E_TOKEN, E_HONEYPOT };
static const struct param_spec own_specs[] = {
	[E_COMMENT] = { PARAM("comment", PARAM_INT, PARAM_FORM | PARAM_REQUIRED), .min = 1,
	    .max = INT64_MAX },
	[E_RETURN] = { PARAM("return", PARAM_TEXT, PARAM_FORM) },
	[E_BODY] = { PARAM("body", PARAM_TEXT, PARAM_FORM) },
	[E_TOKEN] = { PARAM(ANTISPAM_TOKEN_FIELD, PARAM_TEXT, PARAM_FORM) },
	[E_HONEYPOT] = { PARAM(ANTISPAM_HONEYPOT_FIELD, PARAM_TEXT, PARAM_FORM) },
};
const struct param_table own_params = {
	PARAM_TABLE(own_specs), .error = "error.bad_request",
};
/* GET edit: the same first two, in the query. */
static const struct param_spec own_page_specs[] = {
	[E_COMMENT] = { PARAM("comment", PARAM_INT, PARAM_REQUIRED), .min = 1,
	    .max = INT64_MAX },
	[E_RETURN] = { PARAM("return", PARAM_TEXT, 0) },
};
const struct param_table own_page_params = {
	PARAM_TABLE(own_page_specs), .error = "error.bad_request",
};

/* What every answer needs: the comment and where the reader goes back. */
struct own {
	struct comment cm;
	const char *back;	/* the article (or the allowed return address) */
	struct reader_ids ids;
};

/* A refusal: a small page with the message and the way back, or
 * {"error": …} for JSON clients. */
static void
refuse(const struct ctx *c, struct request *r, struct response *res, int status,
    const char *key, const char *back)
{
	response_header(res, "Cache-Control", "no-store");
	if (request_wants_json(r) || back == NULL) {
		view_error(c, r, res, status, key);
		return;
	}
	struct tval *obj = view_base(c, r);
	tval_set_str(r->arena, obj, "message", view_message(c, r, key));
	tval_set_str(r->arena, obj, "back_url", back);
	buf_reset(&res->body);
	view_render(c, res, "message", obj);
	if (res->status != 500)
		res->status = status;
}

/* Reads the comment and the reader's cookie. Answers 404 or 503 itself
 * and returns false when there is no comment to talk about. Whose it is
 * the op decides (a GET asks own_may_change). */
static bool
own_read(const struct ctx *c, struct request *r, struct response *res, const struct params *in,
    struct own *o)
{
	int64_t id = param_int(in, E_COMMENT, 0);
	view_reader_ids(c, r, &o->ids);
	switch (store_get_comment(c->store, r->arena, id, &o->cm)) {
	case STORE_OK:
		break;
	case STORE_NOT_FOUND:
		/* Not theirs either way: the same answer as another's comment. */
		refuse(c, r, res, 403, "error.own_not_yours", NULL);
		return false;
	default:
		view_retry_after(r, res, RETRY_STORAGE_SECONDS);
		refuse(c, r, res, 503, "error.unavailable", NULL);
		return false;
	}
	o->back = validate_return_url(r->arena, param_text(in, E_RETURN), &c->app->cfg);
	if (o->back == NULL)
		o->back = view_article_url(c, r, o->cm.article);
	return true;
}

/* The link back to the comment on the article. */
static const char *
at_comment(struct request *r, const struct own *o)
{
	return arena_printf(r->arena, "%s#nazar-comment-%lld", o->back, (long long)o->cm.id);
}

/* Why the reader may not change the comment now (a catalog key), or
 * NULL: the cookie, the time, the thread; the store checks again. */
static const char *
own_refusal(const struct ctx *c, struct request *r, const struct own *o)
{
	if (!reader_owns(&o->ids, o->cm.id))
		return "error.own_not_yours";
	if (!reader_may_change(o->cm.created, c->app->cfg.edit_minutes, r->now) ||
	    (o->cm.status != COMMENT_PENDING && o->cm.status != COMMENT_APPROVED))
		return "error.own_late";
	return view_closed_reason(c, o->cm.article, r->now);
}

/* The edit page: the text in a form, with the error beside it when it
 * comes back (422 with the reader's text kept). */
static void
edit_page(const struct ctx *c, struct request *r, struct response *res, int status,
    const struct own *o, const char *text, const char *error)
{
	const struct config *cfg = &c->app->cfg;
	struct arena *a = r->arena;
	struct tval *obj = view_base(c, r);
	struct tval *f = tval_object(a);
	tval_set_str(a, f, "action", arena_printf(a, "%s/edit", cfg->base_path));
	tval_set_number(a, f, "comment", (double)o->cm.id);
	tval_set_str(a, f, "name", o->cm.name);
	tval_set_str(a, f, "body", text);
	tval_set_str(a, f, "return", o->back);
	tval_set_str(a, f, "back_url", at_comment(r, o));
	/* A form shown again keeps the reader's token, as the post form. */
	tval_set_str(a, f, "token", error != NULL ?
	    antispam_token_renew(a, c->app->secret, kvlist_get(&r->form, ANTISPAM_TOKEN_FIELD),
		o->cm.article, r->now, cfg->min_seconds, cfg->max_age_hours * 3600) :
	    antispam_token_make(a, c->app->secret, o->cm.article, r->now));
	tval_set_bool(a, f, "held_after", cfg->mode != MODERATION_POST &&
	    o->cm.status == COMMENT_APPROVED);
	if (error != NULL)
		tval_set_str(a, f, "error", view_message(c, r, error));
	tval_set(a, obj, "edit", f);
	response_header(res, "Cache-Control", "no-store");
	buf_reset(&res->body);
	view_render(c, res, "edit", obj);
	if (res->status != 500)
		res->status = status;
}

void
handle_edit_page(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *a)
{
	struct own o;
	if (!own_read(c, r, res, a->in, &o))
		return;
	const char *why = own_refusal(c, r, &o);
	if (why != NULL) {
		refuse(c, r, res, 403, why, at_comment(r, &o));
		return;
	}
	/* An edit waiting for a moderator is what the reader goes on from. */
	char *waiting = NULL;
	int64_t at;
	if (store_revision_get(c->store, r->arena, o.cm.id, &waiting, &at) != STORE_OK)
		waiting = NULL;
	edit_page(c, r, res, 200, &o, waiting ? waiting : o.cm.body, NULL);
}

/* The text refused as a post's would be: 422 with it kept. */
static void
edit_invalid(const struct ctx *c, struct request *r, struct response *res,
    const struct own *o, const char *text, const char *key)
{
	if (request_wants_json(r)) {
		struct tval *e = tval_object(r->arena);
		struct tval *errors = tval_object(r->arena);
		tval_set_str(r->arena, errors, "body", view_message(c, r, key));
		tval_set(r->arena, e, "errors", errors);
		response_header(res, "Cache-Control", "no-store");
		view_json(res, 422, e);
		return;
	}
	edit_page(c, r, res, 422, o, text, key);
}

/* Whether a post of this text by this author would wait for a moderator
 * (or be spam): then the edit of a published comment waits. Sets
 * *expired for a form too old to take (422). */
static bool
edit_held(const struct ctx *c, struct request *r, const struct params *in,
    const struct own *o, const char *body, bool *expired)
{
	const struct config *cfg = &c->app->cfg;
	const struct antispam_input ai = {
		.honeypot = param_text(in, E_HONEYPOT),
		.token = antispam_token_check(c->app->secret, param_text(in, E_TOKEN),
		    o->cm.article, r->now, 0, cfg->max_age_hours * 3600),
		.links = antispam_count_links(body),
		.max_links = cfg->max_links,
		.mode = cfg->mode,
	};
	struct antispam_decision d;
	antispam_decide(&ai, &d);
	*expired = d.expired;
	if (d.ask_trust) {
		long long approved;
		bool listed;
		if (store_author_standing(c->store, o->cm.name, o->cm.email, o->ids.ids,
		    o->ids.count, cfg->trusted_after, &approved, &listed) == STORE_OK &&
		    antispam_trusted(o->cm.email, approved, listed, cfg->trusted_after))
			d.status = COMMENT_APPROVED;
	}
	const struct blocklist_subject bs = {
		.name = o->cm.name, .email = o->cm.email, .body = body,
		.remote_addr = r->remote_addr,
	};
	(void)blocklist_screen(c->store, r->arena, &bs, r->now, &d.status, &d.reason);
	if (d.status != COMMENT_APPROVED)
		log_info("edit of comment %lld held: %s", (long long)o->cm.id,
		    d.reason && *d.reason ? d.reason : "pre-moderation");
	return d.status != COMMENT_APPROVED;
}

/* Runs the op as the reader; answers a refusal itself (false). */
static bool
own_change(const struct ctx *c, struct request *r, struct response *res, const struct own *o,
    const char *body, bool hold, struct op_result *or)
{
	struct actor who;
	struct op_ctx oc;
	/* The audit names the reader as their comment does. */
	op_ctx_set(&oc, &who, c->store, r->arena, &c->app->cfg, 0,
	    arena_printf(r->arena, "%s (reader)", o->cm.name), r->remote_addr, r->now);
	const struct reader_edit e = { .id = o->cm.id, .own = &o->ids, .body = body,
	    .hold = hold };
	if (op_reader_change(&oc, &e, or) == OP_OK)
		return true;
	int status = op_http_status(or->problem);
	if (status == 503)
		view_retry_after(r, res, RETRY_STORAGE_SECONDS);
	if (status == 422) {
		edit_invalid(c, r, res, o, body, op_problem_key(or));
		return false;
	}
	refuse(c, r, res, status, op_problem_key(or), at_comment(r, o));
	return false;
}

/* 303 to where, or JSON with the message and what the comment shows. */
static void
own_done(const struct ctx *c, struct request *r, struct response *res, const struct own *o,
    const char *where, const char *status, const char *key, const char *body)
{
	struct arena *a = r->arena;
	response_header(res, "Cache-Control", "no-store");
	if (request_wants_json(r)) {
		struct tval *j = tval_object(a);
		tval_set_number(a, j, "id", (double)o->cm.id);
		tval_set_str(a, j, "status", status);
		tval_set_str(a, j, "message", catalog_get(c->app->strings, key));
		if (body != NULL) {
			struct buf b = { 0 };
			text_body_to_html(&b, body);
			tval_set_str(a, j, "body_html", buf_str(&b));
			buf_free(&b);
		}
		view_json(res, 200, j);
		return;
	}
	res->status = 303;
	response_header(res, "Location", where);
	buf_puts(&res->body, "<!doctype html><meta charset=\"utf-8\"><p><a href=\"");
	/* where is validated: no quotes, spaces or angle brackets. */
	buf_printf(&res->body, "%s\">%s</a></p>\n", where,
	    catalog_get(c->app->strings, "status.continue"));
}

void
handle_edit(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *a)
{
	struct own o;
	if (!own_read(c, r, res, a->in, &o))
		return;
	const char *why = own_refusal(c, r, &o);
	if (why != NULL) {
		refuse(c, r, res, 403, why, at_comment(r, &o));
		return;
	}
	/* The text as a post's: the comment's own name and address with it. */
	const char *raw = param_text(a->in, E_BODY);
	struct kv fields[] = {
		{ .key = "article", .value = o.cm.article },
		{ .key = "name", .value = o.cm.name },
		{ .key = "email", .value = o.cm.email },
		{ .key = "body", .value = raw ? raw : "" },
	};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		fields[i].value_len = strlen(fields[i].value);
	const struct kvlist kv = { .items = fields, .count = sizeof(fields) / sizeof(fields[0]) };
	struct comment_form f;
	(void)validate_comment_form(r->arena, &kv, c->app->cfg.max_length, &f);
	const char *shown = f.raw[FIELD_BODY];
	if (f.error[FIELD_BODY] != NULL) {
		edit_invalid(c, r, res, &o, shown, f.error[FIELD_BODY]);
		return;
	}
	bool expired;
	bool hold = edit_held(c, r, a->in, &o, f.clean[FIELD_BODY], &expired);
	if (expired) {
		edit_invalid(c, r, res, &o, shown, "error.form_expired");
		return;
	}
	struct op_result or;
	if (!own_change(c, r, res, &o, f.clean[FIELD_BODY], hold, &or))
		return;
	const char *body = or.held ? o.cm.body : f.clean[FIELD_BODY];
	/* The same text again, an edit that waits already: said as such. */
	if (or.unchanged && !or.held)
		body = o.cm.body;
	own_done(c, r, res, &o, at_comment(r, &o), comment_status_name(o.cm.status),
	    or.held ? "own.held" : "own.saved", body);
}

void
handle_withdraw(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *a)
{
	struct own o;
	if (!own_read(c, r, res, a->in, &o))
		return;
	const char *why = own_refusal(c, r, &o);
	if (why != NULL) {
		refuse(c, r, res, 403, why, at_comment(r, &o));
		return;
	}
	/* The thread's own token: the button was on its page. */
	enum token_verdict tv = antispam_token_check(c->app->secret,
	    param_text(a->in, E_TOKEN), o.cm.article, r->now, 0,
	    c->app->cfg.max_age_hours * 3600);
	if (tv != TOKEN_OK) {
		refuse(c, r, res, 403, tv == TOKEN_TOO_LATE ? "error.own_expired" :
		    "error.own_refused", at_comment(r, &o));
		return;
	}
	struct op_result or;
	if (!own_change(c, r, res, &o, NULL, false, &or))
		return;
	own_done(c, r, res, &o, arena_printf(r->arena, "%s#nazar", o.back),
	    comment_status_name(COMMENT_WITHDRAWN), "own.withdrawn", NULL);
}
