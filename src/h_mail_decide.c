/* h_mail_decide.c — deciding a held comment from the mail about it,
 * without signing in: the link in a moderator's mail (notify.c,
 * mail_token.h) opens a page with the comment and three buttons; a GET
 * never changes anything, the POST decides through op_moderate, audited as
 * "NAME (mail)".
 *
 * The link is the moderator's only proof, so it is checked whole every
 * time: signed for the user it names and that user's address now (a
 * changed address ends it), a user still enabled who may moderate, within
 * [mail] decide_hours, and for the comment's version the mail showed: a
 * decision by anyone raises the version, so a link works once, and a POST
 * that comes after another decision is refused by op_moderate's version
 * check like a stale queue page. */
#include <string.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "catalog.h"
#include "handlers.h"
#include "log.h"
#include "mail_token.h"
#include "op.h"
#include "param.h"
#include "request.h"
#include "store.h"
#include "store_moderation.h"
#include "store_users.h"
#include "tmpl.h"
#include "view.h"

/* In the order of enum moderation_action: the three a mail offers. */
static const char *const actions[] = { "approve", "reject", "spam", NULL };

enum { D_TOKEN, D_ACTION };
static const struct param_spec decide_specs[] = {
	[D_TOKEN] = { PARAM("t", PARAM_TEXT, PARAM_LENIENT), .max = MAIL_TOKEN_TEXT_MAX },
	[D_ACTION] = { PARAM("action", PARAM_ENUM, PARAM_FORM | PARAM_LENIENT),
	    .names = actions },
};
const struct param_table decide_params = { PARAM_TABLE(decide_specs) };

struct decide {
	const char *text;
	struct mail_token t;
	struct user user;
	struct comment comment;
};

/* 1 a valid link, 0 not one, -1 the database failed. */
static int
decide_check(const struct ctx *c, struct request *r, const char *text, struct decide *d)
{
	memset(d, 0, sizeof(*d));
	d->text = text;
	if (c->app->cfg.mail_decide_hours <= 0 || mail_token_parse(text, &d->t) != 0 ||
	    d->t.kind != MAIL_TOKEN_DECIDE)
		return 0;
	enum store_result s = store_user_by_id(c->store, r->arena, d->t.user, &d->user, NULL);
	if (s == STORE_OK)
		s = store_get_comment(c->store, r->arena, d->t.id, &d->comment);
	if (s == STORE_NOT_FOUND)
		return 0;
	if (s != STORE_OK)
		return -1;
	if (d->user.disabled || !auth_role_allows(d->user.role, PERM_MODERATE))
		return 0;
	return mail_token_verify(c->app->secret, &d->t, d->user.email, r->now) ? 1 : 0;
}

/* The page: a title, a message, the comment (NULL: none), the buttons. */
static void
answer(const struct ctx *c, struct request *r, struct response *res, int status,
    const char *message, const struct decide *d, bool buttons)
{
	struct arena *a = r->arena;
	struct tval *o = view_base(c, r);
	tval_set_str(a, o, "title", catalog_get(c->app->strings, "mail_decide_title"));
	tval_set_str(a, o, "message", message);
	tval_set_bool(a, o, "failed", status >= 400);
	if (d != NULL) {
		struct tval *cm = tval_object(a);
		tval_set_str(a, cm, "name", d->comment.name);
		tval_set_str(a, cm, "article", d->comment.article);
		tval_set_str(a, cm, "body", d->comment.body);
		tval_set_str(a, cm, "reason", d->comment.reason);
		tval_set_str(a, cm, "admin_link", arena_printf(a, "%s/admin/comments/%lld",
		    c->app->cfg.base_path, (long long)d->comment.id));
		tval_set(a, o, "comment", cm);
	}
	if (d != NULL && buttons) {
		struct tval *forms = tval_list(a);
		for (int i = 0; actions[i] != NULL; i++) {
			struct tval *f = tval_object(a);
			tval_set_str(a, f, "action", actions[i]);
			tval_set_str(a, f, "label", catalog_get(c->app->strings,
			    arena_printf(a, "admin_%s", actions[i])));
			tval_set_bool(a, f, "secondary", i > 0);
			tval_push(a, forms, f);
		}
		tval_set(a, o, "forms", forms);
		tval_set_str(a, o, "post_url", arena_printf(a, "%s/decide?t=%s",
		    c->app->cfg.base_path, d->text));
	}
	response_header(res, "Cache-Control", "no-store");
	response_header(res, "Referrer-Policy", "no-referrer");
	res->status = status;
	view_render(c, res, "mail-decide", o);
	if (res->status != 500)
		res->status = status;
}

static const char *
status_text(const struct ctx *c, struct request *r, enum comment_status s)
{
	return catalog_format(r->arena, c->app->strings, "mail_decide_already",
	    catalog_get(c->app->strings, arena_printf(r->arena, "admin.status.%s",
	    comment_status_name(s))));
}

void
handle_mail_decide(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *a)
{
	struct decide d;
	int check = decide_check(c, r, param_text(a->in, D_TOKEN), &d);
	if (check <= 0) {
		answer(c, r, res, check < 0 ? 503 : 400, catalog_get(c->app->strings,
		    check < 0 ? "error.unavailable" : "mail_page_bad_link"), NULL, false);
		return;
	}
	if (d.comment.version != d.t.version || d.comment.status != COMMENT_PENDING) {
		answer(c, r, res, 200, status_text(c, r, d.comment.status), &d, false);
		return;
	}
	if (strcmp(r->method, "POST") != 0) {
		answer(c, r, res, 200, catalog_get(c->app->strings, "mail_decide_ask"), &d, true);
		return;
	}
	int64_t act = param_int(a->in, D_ACTION, -1);
	if (act < 0) {
		answer(c, r, res, 400, catalog_get(c->app->strings, "error.bad_request"), &d, true);
		return;
	}
	struct op_ctx oc;
	struct actor who;
	op_ctx_set(&oc, &who, c->store, r->arena, &c->app->cfg, d.user.id,
	    arena_printf(r->arena, "%s (mail)", d.user.name), r->remote_addr, r->now);
	const struct moderation item = { .id = d.comment.id, .version = d.t.version };
	struct moderation_result mr;
	struct op_result or;
	if (op_moderate(&oc, &item, 1, (enum moderation_action)act, NULL, &mr, &or) != OP_OK ||
	    mr.result == STORE_NOT_FOUND) {
		answer(c, r, res, 503, catalog_get(c->app->strings, "error.unavailable"), NULL,
		    false);
		return;
	}
	if (mr.result == STORE_CONFLICT) {
		answer(c, r, res, 409, status_text(c, r, mr.status), &d, false);
		return;
	}
	log_info("comment %lld: %s from the mail of %s", (long long)d.comment.id, actions[act],
	    d.user.name);
	answer(c, r, res, 200, catalog_get(c->app->strings,
	    arena_printf(r->arena, "mail_decide_done.%s", actions[act])), &d, false);
}
