/* h_reader_mail.c — the pages behind the links in mail to readers
 * (mail_token.h, store_subscribers.h): confirm an address, stop the mail
 * about replies to one comment, stop all mail to an address.
 *
 * A GET only shows what the link would do, with a button; the POST does
 * it. The token in the query string is all the proof there is: these
 * pages need no cookie and no form token, because a mail client's
 * one-click unsubscribe (RFC 8058) POSTs the List-Unsubscribe link with
 * nothing else, and the body it sends (List-Unsubscribe=One-Click, as a
 * form or as multipart) is not read at all (body_ignored). The
 * address itself is never shown. */
#include <string.h>

#include "app.h"
#include "arena.h"
#include "handlers.h"
#include "log.h"
#include "mail_token.h"
#include "param.h"
#include "request.h"
#include "store.h"
#include "store_subscribers.h"
#include "tmpl.h"
#include "view.h"

enum { L_TOKEN };
static const struct param_spec link_specs[] = {
	/* A token that does not fit is answered with a page, not a bare 400. */
	[L_TOKEN] = { PARAM("t", PARAM_TEXT, PARAM_LENIENT), .max = MAIL_TOKEN_TEXT_MAX },
};
const struct param_table reader_mail_params = { PARAM_TABLE(link_specs), .body_ignored = true };

/* What a link stands for, once its tag is checked. */
struct link {
	const char *text;
	struct mail_token t;
	struct subscriber sub;		/* confirm, stop */
	struct comment comment;		/* unsubscribe */
};

/* 1 a valid link, 0 not one (forged, expired, for a row that is gone), -1
 * the database failed. */
static int
link_check(const struct ctx *c, struct request *r, const char *text, struct link *l)
{
	memset(l, 0, sizeof(*l));
	l->text = text;
	if (mail_token_parse(text, &l->t) != 0)
		return 0;
	enum store_result s;
	const char *address;
	if (l->t.kind == MAIL_TOKEN_UNSUBSCRIBE) {
		s = store_get_comment(c->store, r->arena, l->t.id, &l->comment);
		address = l->comment.email;
	} else {
		s = store_subscriber_get(c->store, r->arena, l->t.id, &l->sub);
		address = l->sub.address;
	}
	if (s == STORE_NOT_FOUND)
		return 0;
	if (s != STORE_OK)
		return -1;
	return mail_token_verify(c->app->secret, &l->t, address, r->now) ? 1 : 0;
}

/* A button: a form that POSTs to path?t=token. */
static void
add_button(const struct ctx *c, struct request *r, struct tval *forms, const char *path,
    const char *token, const char *label_key, bool secondary)
{
	struct arena *a = r->arena;
	struct tval *f = tval_object(a);
	tval_set_str(a, f, "action", arena_printf(a, "%s/%s?t=%s", c->app->cfg.base_path, path,
	    token));
	tval_set_str(a, f, "label", view_message(c, r, label_key));
	tval_set_bool(a, f, "secondary", secondary);
	tval_push(a, forms, f);
}

/* The page: a title, a message, and the buttons in forms (may be NULL). */
static void
answer(const struct ctx *c, struct request *r, struct response *res, int status,
    const char *title_key, const char *message_key, struct tval *forms)
{
	struct arena *a = r->arena;
	struct tval *o = view_base(c, r);
	tval_set_str(a, o, "title", view_message(c, r, title_key));
	tval_set_str(a, o, "message", view_message(c, r, message_key));
	tval_set_bool(a, o, "failed", status >= 400);
	if (forms != NULL)
		tval_set(a, o, "forms", forms);
	/* The link's token is in this page's address: not for caches, not
	 * for other sites. */
	response_header(res, "Cache-Control", "no-store");
	response_header(res, "Referrer-Policy", "no-referrer");
	res->status = status;
	view_render(c, res, "reader-mail", o);
	if (res->status != 500)
		res->status = status;
}

/* A link that is not valid, or a database that did not answer. */
static void
answer_bad_link(const struct ctx *c, struct request *r, struct response *res, int check)
{
	if (check < 0)
		answer(c, r, res, 503, "mail_page_title", "error.unavailable", NULL);
	else
		answer(c, r, res, 400, "mail_page_title", "mail_page_bad_link", NULL);
}

static bool
is_post(const struct request *r)
{
	return strcmp(r->method, "POST") == 0;
}

void
handle_confirm(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *a)
{
	struct link l;
	int check = link_check(c, r, param_text(a->in, L_TOKEN), &l);
	if (check <= 0 || l.t.kind != MAIL_TOKEN_CONFIRM) {
		answer_bad_link(c, r, res, check < 0 ? -1 : 0);
		return;
	}
	if (l.sub.state == SUBSCRIBER_STOPPED) {
		answer(c, r, res, 200, "mail_confirm_title", "mail_page_stopped_before", NULL);
		return;
	}
	if (!is_post(r) && l.sub.state == SUBSCRIBER_UNCONFIRMED) {
		struct tval *forms = tval_list(r->arena);
		add_button(c, r, forms, "confirm", l.text, "mail_confirm_button", false);
		answer(c, r, res, 200, "mail_confirm_title", "mail_confirm_ask", forms);
		return;
	}
	bool changed = false;
	if (is_post(r) &&
	    store_subscriber_confirm(c->store, l.sub.id, r->now, &changed) != STORE_OK) {
		answer_bad_link(c, r, res, -1);
		return;
	}
	if (changed)
		log_info("reader mail: subscriber %lld confirmed", (long long)l.sub.id);
	answer(c, r, res, 200, "mail_confirm_title", "mail_confirm_done", NULL);
}

/* The page of a link about one comment's replies: that, and stopping all
 * mail to its address, each a button. */
static void
unsubscribe_page(const struct ctx *c, struct request *r, struct response *res,
    const struct link *l, const char *message_key, bool offer_unsubscribe)
{
	struct tval *forms = tval_list(r->arena);
	if (offer_unsubscribe)
		add_button(c, r, forms, "unsubscribe", l->text, "mail_unsubscribe_button", false);
	struct subscriber sub;
	if (store_subscriber_by_address(c->store, r->arena, l->comment.email, &sub) ==
	    STORE_OK && sub.state != SUBSCRIBER_STOPPED)
		add_button(c, r, forms, "unsubscribe", mail_token_reader(r->arena, c->app->secret,
		    MAIL_TOKEN_STOP, sub.id, 0, sub.address), "mail_stop_button",
		    offer_unsubscribe);
	answer(c, r, res, 200, "mail_unsubscribe_title", message_key, forms);
}

void
handle_unsubscribe(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *a)
{
	struct link l;
	int check = link_check(c, r, param_text(a->in, L_TOKEN), &l);
	if (check <= 0 || l.t.kind == MAIL_TOKEN_CONFIRM) {
		answer_bad_link(c, r, res, check < 0 ? -1 : 0);
		return;
	}
	if (l.t.kind == MAIL_TOKEN_UNSUBSCRIBE) {
		if (!is_post(r)) {
			unsubscribe_page(c, r, res, &l, "mail_unsubscribe_ask", true);
			return;
		}
		if (store_replies_unsubscribe(c->store, l.comment.id) != STORE_OK) {
			answer_bad_link(c, r, res, -1);
			return;
		}
		log_info("reader mail: no more replies to comment %lld", (long long)l.comment.id);
		unsubscribe_page(c, r, res, &l, "mail_unsubscribe_done", false);
		return;
	}
	if (l.sub.state == SUBSCRIBER_STOPPED) {
		answer(c, r, res, 200, "mail_stop_title", "mail_stop_done", NULL);
		return;
	}
	if (!is_post(r)) {
		struct tval *forms = tval_list(r->arena);
		add_button(c, r, forms, "unsubscribe", l.text, "mail_stop_button", false);
		answer(c, r, res, 200, "mail_stop_title", "mail_stop_ask", forms);
		return;
	}
	if (store_subscriber_stop(c->store, l.sub.id, r->now) != STORE_OK) {
		answer_bad_link(c, r, res, -1);
		return;
	}
	log_info("reader mail: subscriber %lld stopped all mail", (long long)l.sub.id);
	answer(c, r, res, 200, "mail_stop_title", "mail_stop_done", NULL);
}
