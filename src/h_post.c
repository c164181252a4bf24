/* h_post.c — POST post: a reader's comment, validated, checked against
 * spam and floods (antispam.h), stored and only then acknowledged (303
 * back to the article, or 201 for JSON clients).
 *
 * A bot is answered exactly like a person (its comment goes to spam), so
 * that it learns nothing; a person who trips a limit gets the form back
 * with their text and a message saying what to do. */
#include <stdio.h>
#include <string.h>

#include "antispam.h"
#include "app.h"
#include "arena.h"
#include "blocklist_cache.h"
#include "buf.h"
#include "catalog.h"
#include "handlers.h"
#include "log.h"
#include "metrics.h"
#include "reader.h"
#include "request.h"
#include "store.h"
#include "store_users.h"
#include "store_antispam.h"
#include "tmpl.h"
#include "validate.h"
#include "view.h"

_Static_assert(ANTISPAM_POST_KEY_BYTES == STORE_POST_KEY_BYTES, "one post key size");
_Static_assert(ANTISPAM_HASH_BYTES == STORE_BODY_HASH_BYTES, "one text digest size");

/* The form's fields; validate.c checks them and says what is wrong with
 * each, from the raw values. Any of them twice is a 400. */
enum {
	P_ARTICLE, P_PARENT, P_NAME, P_EMAIL, P_BODY, P_RETURN, P_TOKEN, P_HONEYPOT, P_NOTIFY
};
static const struct param_spec post_specs[] = {
	[P_ARTICLE] = { PARAM("article", PARAM_TEXT, PARAM_FORM) },
	[P_PARENT] = { PARAM("parent", PARAM_TEXT, PARAM_FORM) },
	[P_NAME] = { PARAM("name", PARAM_TEXT, PARAM_FORM) },
	[P_EMAIL] = { PARAM("email", PARAM_TEXT, PARAM_FORM) },
	[P_BODY] = { PARAM("body", PARAM_TEXT, PARAM_FORM) },
	[P_RETURN] = { PARAM("return", PARAM_TEXT, PARAM_FORM) },
	[P_TOKEN] = { PARAM(ANTISPAM_TOKEN_FIELD, PARAM_TEXT, PARAM_FORM) },
	[P_HONEYPOT] = { PARAM(ANTISPAM_HONEYPOT_FIELD, PARAM_TEXT, PARAM_FORM) },
	[P_NOTIFY] = { PARAM(VIEW_NOTIFY_FIELD, PARAM_TEXT, PARAM_FORM) },
};
const struct param_table post_params = { PARAM_TABLE(post_specs) };

/* {"errors": {field: message, "form": message}}, the token to send again
 * with and the seconds to wait after a limit. */
static void
answer_invalid_json(const struct ctx *c, struct request *r, struct response *res, int status,
    const struct params *in, const struct comment_form *f, const char *general_error,
    int retry_after)
{
	const struct config *cfg = &c->app->cfg;
	struct arena *a = r->arena;
	struct tval *o = tval_object(a);
	struct tval *errors = tval_object(a);
	for (int i = 0; i < FIELD__MAX; i++)
		if (f->error[i] != NULL)
			tval_set_str(a, errors, form_field_names[i], view_message(c, r, f->error[i]));
	if (general_error != NULL)
		tval_set_str(a, errors, "form", view_message(c, r, general_error));
	tval_set(a, o, "errors", errors);
	const char *article = f->clean[FIELD_ARTICLE];
	if (article != NULL)
		tval_set_str(a, o, "token", antispam_token_renew(a, c->app->secret,
		    param_text(in, P_TOKEN), article, r->now, cfg->min_seconds,
		    cfg->max_age_hours * 3600));
	if (retry_after > 0)
		tval_set_number(a, o, "retry_after", retry_after);
	view_json(res, status, o);
}

/* The form again, as typed, with the errors next to their fields: a whole
 * page for browsers, {"errors": {field: message}} for JSON clients, who
 * also get the token to send again with and, after a limit (429), the
 * seconds to wait, as in Retry-After. */
static void
answer_invalid(const struct ctx *c, struct request *r, struct response *res, int status,
    const struct params *in, const struct comment_form *f, const char *general_error,
    int retry_after)
{
	res->status = status;
	if (retry_after > 0)
		view_retry_after(r, res, retry_after);
	response_header(res, "Cache-Control", "no-store");
	if (request_wants_json(r)) {
		answer_invalid_json(c, r, res, status, in, f, general_error, retry_after);
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
	if (res->status != 500)
		res->status = status;
}

/* mode = trusted: whether this reader has earned publication at once. A
 * database that does not answer leaves the comment held, which is safe. */
static bool
reader_trusted(const struct ctx *c, struct request *r, const struct comment_form *f)
{
	const struct config *cfg = &c->app->cfg;
	struct reader_ids own;
	view_reader_ids(c, r, &own);
	long long approved;
	bool listed;
	if (store_author_standing(c->store, f->clean[FIELD_NAME], f->clean[FIELD_EMAIL],
	    own.ids, own.count, cfg->trusted_after, &approved, &listed) != STORE_OK)
		return false;
	return antispam_trusted(f->clean[FIELD_EMAIL], approved, listed, cfg->trusted_after);
}

/* The store's verdict on a post from group: true when the comment is
 * stored (now or by the same form before); else the refusal answered
 * (409, 429 with Retry-After) and logged, and false. */
static bool
verdict_taken(const struct ctx *c, struct request *r, struct response *res,
    const struct params *in, struct comment_form *f, const struct comment *cm,
    enum post_verdict verdict, const char *group, int retry_after)
{
	switch (verdict) {
	case POST_STORED:
		return true;
	case POST_REPEAT:
		log_info("post sent again: answered with comment %lld", (long long)cm->id);
		return true;
	case POST_DUPLICATE:
		log_info("post refused: the same text again by its author (from %s, article %s)",
		    group, cm->article);
		answer_invalid(c, r, res, 409, in, f, "error.duplicate", 0);
		return false;
	case POST_LIMIT_ARTICLE_ALL:
		log_info("post refused: article %s takes no more comments this minute (from %s)",
		    cm->article, group);
		answer_invalid(c, r, res, 429, in, f, "error.article_busy", retry_after);
		return false;
	case POST_LIMIT_READER_DAY:
		log_info("post refused: daily limit on article %s reached by %s or its cookie",
		    cm->article, group);
		answer_invalid(c, r, res, 429, in, f, "error.thread_day_limit", retry_after);
		return false;
	default:
		log_info("post refused: %s limit reached by %s (article %s)",
		    verdict == POST_LIMIT_HOUR ? "hourly" :
		    verdict == POST_LIMIT_ARTICLE ? "per-article" : "per-minute", group,
		    cm->article);
		answer_invalid(c, r, res, 429, in, f, "error.rate_limited", retry_after);
		return false;
	}
}

/* Stores the comment unless a limit or a duplicate refuses it; answers the
 * refusal (429, 409, 422, 503) itself and then returns false. */
static bool
store_guarded(const struct ctx *c, struct request *r, struct response *res,
    const struct params *in, struct comment_form *f, struct comment *cm)
{
	const struct config *cfg = &c->app->cfg;
	char group[ANTISPAM_GROUP_MAX];
	unsigned char hash[ANTISPAM_HASH_BYTES];
	antispam_address_group(r->remote_addr, cfg->ipv4_prefix, cfg->ipv6_prefix, group);
	antispam_body_hash(cm->body, hash);
	/* The form as posted, and where from: the same request again has the
	 * same key. */
	const char *const posted[] = {
		cm->article, f->raw[FIELD_PARENT], cm->name, cm->email, cm->body, group,
	};
	struct reader_ids own;
	view_reader_ids(c, r, &own);
	unsigned char key[ANTISPAM_POST_KEY_BYTES];
	bool keyed = antispam_post_key(c->app->secret, param_text(in, P_TOKEN), posted,
	    sizeof(posted) / sizeof(posted[0]), key);
	const struct post_guard g = {
		.addr_group = group,
		.body_hash = hash,
		.per_minute = cfg->posts_per_minute,
		.per_hour = cfg->posts_per_hour,
		.per_article_per_minute = cfg->posts_per_article_minute,
		.article_per_minute = cfg->article_posts_per_minute,
		.per_reader_article_day = cfg->posts_per_reader_article_day,
		.own_ids = own.ids,
		.own_count = own.count,
		.duplicate_window = cfg->duplicate_window_minutes * 60,
		.post_key = keyed ? key : NULL,
		.post_key_keep = cfg->max_age_hours * 3600,
	};
	enum post_verdict verdict;
	int retry_after;
	switch (store_post_comment(c->store, cm, &g, r->now, &verdict, &retry_after)) {
	case STORE_OK:
		break;
	case STORE_CONFLICT:
	case STORE_NOT_FOUND:
		f->error[FIELD_PARENT] = "error.parent_invalid";
		f->error_count++;
		answer_invalid(c, r, res, 422, in, f, NULL, 0);
		return false;
	default:
		/* Nothing was committed: say so, and keep the text. */
		answer_invalid(c, r, res, 503, in, f, "error.unavailable", RETRY_STORAGE_SECONDS);
		return false;
	}
	return verdict_taken(c, r, res, in, f, cm, verdict, group, retry_after);
}

/* The names a reader may not pass for: every moderator's display name
 * (disabled ones too: their names are on old site replies) and the site's
 * own badge. Sign-in names are not among them: they are never shown to
 * readers, and refusing them would tell anyone which accounts exist (the
 * sign-in page answers an unknown user like a wrong password). A display
 * name left empty is the sign-in name, and protected as such. When the
 * users cannot be read, the badge alone is protected rather than the post
 * refused. */
static const char **
protected_names(const struct ctx *c, struct request *r, size_t *n)
{
	struct user *users = NULL;
	size_t nusers = 0;
	if (store_user_list(c->store, r->arena, &users, &nusers) != STORE_OK)
		nusers = 0;
	const char **names = arena_calloc(r->arena, nusers + 1, sizeof(*names));
	*n = 0;
	for (size_t i = 0; i < nusers; i++)
		names[(*n)++] = users[i].display_name;
	names[(*n)++] = catalog_get(c->app->strings, "site_badge");
	return names;
}

/* Whether the reader ticked "tell me about replies" on a form that
 * offers it. */
static bool
wants_reply_mail(const struct ctx *c, const struct params *in)
{
	const char *v = param_text(in, P_NOTIFY);
	return view_offers_reply_mail(c) && v != NULL && *v != '\0';
}

/* Validates the form; answers 400 or 422 itself and returns false when it
 * does not pass. */
static bool
form_valid(const struct ctx *c, struct request *r, struct response *res,
    const struct params *in, struct comment_form *f)
{
	size_t nprotected;
	const char **protected = protected_names(c, r, &nprotected);
	validate_comment_form_protected(r->arena, &r->form, c->app->cfg.max_length, protected,
	    nprotected, f);
	/* Without a valid article there is no thread to show the form in. */
	if (f->error[FIELD_ARTICLE] != NULL) {
		view_error(c, r, res, 400, "error.article_invalid");
		return false;
	}
	/* Mail about replies needs an address to go to. */
	if (wants_reply_mail(c, in) && f->error[FIELD_EMAIL] == NULL &&
	    (f->clean[FIELD_EMAIL] == NULL || f->clean[FIELD_EMAIL][0] == '\0')) {
		f->error[FIELD_EMAIL] = "error.notify_needs_email";
		f->error_count++;
	}
	if (f->error_count > 0) {
		answer_invalid(c, r, res, 422, in, f, NULL, 0);
		return false;
	}
	return true;
}

/* The status the comment gets: antispam's verdict (a bot's comment goes to
 * spam), the reader's standing, then the blocklist (blocklist.h: a matching
 * entry holds the comment, even in post and trusted mode, or sends it to
 * spam; the reason names it). Answers 422 and returns false when the form
 * has expired. */
static bool
screen(const struct ctx *c, struct request *r, struct response *res,
    const struct params *in, const struct comment_form *f, struct antispam_decision *d)
{
	const struct config *cfg = &c->app->cfg;
	const struct antispam_input ai = {
		.honeypot = param_text(in, P_HONEYPOT),
		.token = antispam_token_check(c->app->secret, param_text(in, P_TOKEN),
		    f->clean[FIELD_ARTICLE], r->now, cfg->min_seconds, cfg->max_age_hours * 3600),
		.links = antispam_count_links(f->clean[FIELD_BODY]),
		.max_links = cfg->max_links,
		.mode = cfg->mode,
	};
	antispam_decide(&ai, d);
	if (d->expired) {
		answer_invalid(c, r, res, 422, in, f, "error.form_expired", 0);
		return false;
	}
	if (d->ask_trust && reader_trusted(c, r, f))
		d->status = COMMENT_APPROVED;
	const struct blocklist_subject bs = {
		.name = f->clean[FIELD_NAME], .email = f->clean[FIELD_EMAIL],
		.body = f->clean[FIELD_BODY], .remote_addr = r->remote_addr,
	};
	(void)blocklist_screen(c->store, r->arena, &bs, r->now, &d->status, &d->reason);
	return true;
}

/* The reader's cookie now names this comment too: they see it while held.
 * A reader without an id gets one here as well (their votes). */
static void
remember_own(const struct ctx *c, struct request *r, struct response *res, int64_t id)
{
	struct reader_ids own;
	view_reader_ids(c, r, &own);
	reader_ids_add(&own, id);
	(void)reader_ensure_id(&own);
	view_set_reader_cookie(c, r, res, &own);
}

/* The answer to a stored comment: 201 with its id and status for JSON
 * clients, else 303 back to the article, at the comment.
 *
 * Spam is answered as a person's comment would be in this mode (held in
 * pre mode, published in post mode): a bot must not learn that it tripped
 * anything. Trusted mode holds unproven readers, so "pending" is what a
 * person gets there too. */
static void
acknowledge(const struct ctx *c, struct request *r, struct response *res,
    const struct comment_form *f, const struct comment *cm)
{
	const struct config *cfg = &c->app->cfg;
	enum comment_status shown = cm->status;
	if (cm->status == COMMENT_SPAM)
		shown = cfg->mode == MODERATION_POST ? COMMENT_APPROVED : COMMENT_PENDING;
	if (request_wants_json(r)) {
		struct tval *o = tval_object(r->arena);
		tval_set_number(r->arena, o, "id", (double)cm->id);
		tval_set_str(r->arena, o, "status", comment_status_name(shown));
		tval_set_str(r->arena, o, "message", catalog_get(c->app->strings,
		    shown == COMMENT_PENDING ? "status.pending" : "status.approved"));
		view_json(res, 201, o);
		return;
	}
	const char *back = validate_return_url(r->arena, f->clean[FIELD_RETURN], cfg);
	if (back == NULL)
		back = view_article_url(c, r, cm->article);
	res->status = 303;
	response_header(res, "Location",
	    arena_printf(r->arena, "%s#nazar-comment-%lld", back, (long long)cm->id));
	buf_puts(&res->body, "<!doctype html><meta charset=\"utf-8\"><p><a href=\"");
	/* back is validated: no quotes, spaces or angle brackets. */
	buf_printf(&res->body, "%s#nazar-comment-%lld\">%s</a></p>\n", back, (long long)cm->id,
	    catalog_get(c->app->strings, "status.continue"));
}

/* A closed thread (or a read-only site) takes no comment: 403 with the
 * form as typed and the reason, before anything is screened or stored. */
static bool
thread_open(const struct ctx *c, struct request *r, struct response *res,
    const struct params *in, const struct comment_form *f)
{
	const char *why = view_closed_reason(c, f->clean[FIELD_ARTICLE], r->now);
	if (why == NULL)
		return true;
	answer_invalid(c, r, res, 403, in, f, why, 0);
	return false;
}

void
handle_post(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *a)
{
	struct comment_form f;
	struct antispam_decision d;
	if (!form_valid(c, r, res, a->in, &f) || !thread_open(c, r, res, a->in, &f) ||
	    !screen(c, r, res, a->in, &f, &d))
		return;
	struct comment cm = {
		.article = (char *)f.clean[FIELD_ARTICLE],
		.parent = f.parent,
		.name = (char *)f.clean[FIELD_NAME],
		.email = (char *)f.clean[FIELD_EMAIL],
		.body = (char *)f.clean[FIELD_BODY],
		.status = d.status,
		.reason = (char *)d.reason,
		.remote_addr = (char *)r->remote_addr,
		.user_agent = utf8_make_displayable(r->arena, r->user_agent),
		.notify_replies = wants_reply_mail(c, a->in),
	};
	if (!store_guarded(c, r, res, a->in, &f, &cm))
		return;
	if (cm.status == COMMENT_SPAM)
		log_info("comment %lld stored as spam: %s", (long long)cm.id, cm.reason);
	metrics_post(cm.status == COMMENT_SPAM ? METRICS_POST_SPAM :
	    cm.status == COMMENT_PENDING ? METRICS_POST_PENDING : METRICS_POST_APPROVED);
	/* Committed: from here on the comment is acknowledged. */
	remember_own(c, r, res, cm.id);
	response_header(res, "Cache-Control", "no-store");
	acknowledge(c, r, res, &f, &cm);
}
