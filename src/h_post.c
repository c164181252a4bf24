/* h_post.c — POST post: a reader's comment, validated, stored and only then
 * acknowledged (303 back to the article, or 201 for JSON clients). */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "catalog.h"
#include "handlers.h"
#include "json.h"
#include "reader.h"
#include "request.h"
#include "store.h"
#include "tmpl.h"
#include "validate.h"
#include "view.h"

/* The form again, as typed, with the errors next to their fields: a whole
 * page for browsers, {"errors": {field: message}} for JSON clients. */
static void
answer_invalid(const struct ctx *c, struct request *r, struct response *res, int status,
    const struct comment_form *f, const char *general_error)
{
	res->status = status;
	if (request_wants_json(r)) {
		res->content_type = "application/json; charset=utf-8";
		buf_puts(&res->body, "{\"errors\":{");
		int n = 0;
		for (int i = 0; i < FIELD__MAX; i++) {
			if (f->error[i] == NULL)
				continue;
			if (n++ > 0)
				buf_putc(&res->body, ',');
			json_string_str(&res->body, form_field_names[i]);
			buf_putc(&res->body, ':');
			json_string_str(&res->body, view_message(c, r, f->error[i]));
		}
		if (general_error != NULL) {
			if (n > 0)
				buf_putc(&res->body, ',');
			buf_puts(&res->body, "\"form\":");
			json_string_str(&res->body, view_message(c, r, general_error));
		}
		buf_puts(&res->body, "}}\n");
		return;
	}
	const char *article = f->clean[FIELD_ARTICLE];
	struct tval *obj = view_base(c, r);
	struct reader_ids own;
	view_reader_ids(c, r, &own);
	/* Show the thread around the form when the database answers; the form
	 * alone (with the reader's text) when it does not. */
	if (view_thread(c, r, obj, article, 1, &own) != STORE_OK)
		tval_set_bool(r->arena, obj, "thread_unavailable", true);
	view_form(c, r, obj, article, f, general_error ? general_error : "error.form");
	tval_set_str(r->arena, obj, "back_url", view_article_url(c, r, article));
	view_render(c, res, "page", obj);
	res->status = status;
	response_header(res, "Cache-Control", "no-store");
}

void
handle_post(const struct ctx *c, struct request *r, struct response *res)
{
	const struct config *cfg = &c->app->cfg;
	struct comment_form f;
	validate_comment_form(r->arena, &r->form, cfg->max_length, &f);
	/* Without a valid article there is no thread to show the form in. */
	if (f.error[FIELD_ARTICLE] != NULL) {
		view_error(c, r, res, 400, "error.article_invalid");
		return;
	}
	if (f.error_count > 0) {
		answer_invalid(c, r, res, 422, &f, NULL);
		return;
	}

	struct comment cm = {
		.article = (char *)f.clean[FIELD_ARTICLE],
		.parent = f.parent,
		.name = (char *)f.clean[FIELD_NAME],
		.email = (char *)f.clean[FIELD_EMAIL],
		.body = (char *)f.clean[FIELD_BODY],
		.status = cfg->mode == MODERATION_POST ? COMMENT_APPROVED : COMMENT_PENDING,
		.remote_addr = (char *)r->remote_addr,
		.user_agent = arena_strndup(r->arena, r->user_agent,
		    strnlen(r->user_agent, 512)),
	};
	cm.user_agent = utf8_make_displayable(r->arena, cm.user_agent);
	switch (store_insert_comment(c->store, &cm, r->now)) {
	case STORE_OK:
		break;
	case STORE_CONFLICT:
	case STORE_NOT_FOUND:
		f.error[FIELD_PARENT] = "error.parent_invalid";
		f.error_count++;
		answer_invalid(c, r, res, 422, &f, NULL);
		return;
	default:
		/* Nothing was committed: say so, and keep the text. */
		answer_invalid(c, r, res, 503, &f, "error.unavailable");
		response_header(res, "Retry-After", "5");
		return;
	}

	/* Committed: from here on the comment is acknowledged. */
	struct reader_ids own;
	view_reader_ids(c, r, &own);
	reader_ids_add(&own, cm.id);
	char *cookie = arena_printf(r->arena,
	    "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s", READER_COOKIE_NAME,
	    reader_cookie_make(r->arena, c->app->secret, &own, r->now), READER_LIFETIME,
	    r->https ? "; Secure" : "");
	response_header(res, "Set-Cookie", cookie);
	response_header(res, "Cache-Control", "no-store");

	const char *status = comment_status_name(cm.status);
	if (request_wants_json(r)) {
		res->status = 201;
		res->content_type = "application/json; charset=utf-8";
		buf_printf(&res->body, "{\"id\":%lld,\"status\":", (long long)cm.id);
		json_string_str(&res->body, status);
		buf_puts(&res->body, ",\"message\":");
		json_string_str(&res->body, catalog_get(c->app->strings,
		    cm.status == COMMENT_PENDING ? "status.pending" : "status.approved"));
		buf_puts(&res->body, "}\n");
		return;
	}
	const char *back = validate_return_url(r->arena, f.clean[FIELD_RETURN], cfg);
	if (back == NULL)
		back = view_article_url(c, r, cm.article);
	res->status = 303;
	response_header(res, "Location",
	    arena_printf(r->arena, "%s#nazar-comment-%lld", back, (long long)cm.id));
	buf_puts(&res->body, "<!doctype html><meta charset=\"utf-8\"><p><a href=\"");
	/* back is validated: no quotes, spaces or angle brackets. */
	buf_printf(&res->body, "%s#nazar-comment-%lld\">%s</a></p>\n", back, (long long)cm.id,
	    catalog_get(c->app->strings, "status.continue"));
}
