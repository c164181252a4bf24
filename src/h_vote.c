/* h_vote.c — POST vote: a reader agrees or disagrees with a published
 * comment, changes their vote or withdraws it (store_votes.h). The voter
 * is the reader id of the signed reader cookie (reader.h), given to a
 * reader who has none with the answer. The form carries the thread's
 * signed token (antispam.h) and says the vote wanted, not a toggle, so
 * the same request twice (a double click, nginx sending it again) is the
 * same vote. 303 back to the comment, or JSON with the counts. */
#include <string.h>

#include "antispam.h"
#include "app.h"
#include "arena.h"
#include "buf.h"
#include "handlers.h"
#include "log.h"
#include "param.h"
#include "reader.h"
#include "request.h"
#include "store_votes.h"
#include "tmpl.h"
#include "validate.h"
#include "view.h"

_Static_assert(READER_ID_BYTES == STORE_VOTER_BYTES, "the voter is the reader id");

enum { V_ARTICLE, V_COMMENT, V_VOTE, V_TOKEN, V_RETURN };
/* In the order of enum vote_value + 1: disagree, none, agree. */
static const char *const vote_names[] = { "disagree", "none", "agree", NULL };
static const struct param_spec vote_specs[] = {
	[V_ARTICLE] = { PARAM("article", PARAM_TEXT, PARAM_FORM | PARAM_REQUIRED),
	    .check = validate_article_id },
	[V_COMMENT] = { PARAM("comment", PARAM_INT, PARAM_FORM | PARAM_REQUIRED), .min = 1,
	    .max = INT64_MAX },
	[V_VOTE] = { PARAM("vote", PARAM_ENUM, PARAM_FORM | PARAM_REQUIRED), .names = vote_names },
	[V_TOKEN] = { PARAM(ANTISPAM_TOKEN_FIELD, PARAM_TEXT, PARAM_FORM) },
	[V_RETURN] = { PARAM("return", PARAM_TEXT, PARAM_FORM) },
};
const struct param_table vote_params = {
	PARAM_TABLE(vote_specs), .error = "error.vote_invalid",
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

/* Where the reader goes back to: the form's return address when it is
 * allowed, else the article; at the comment. */
static const char *
back_to(const struct ctx *c, struct request *r, const struct params *in, int64_t id)
{
	const char *article = param_text(in, V_ARTICLE);
	const char *back = validate_return_url(r->arena, param_text(in, V_RETURN), &c->app->cfg);
	if (back == NULL)
		back = view_article_url(c, r, article);
	return arena_printf(r->arena, "%s#nazar-comment-%lld", back, (long long)id);
}

/* The answer to a vote that counts: JSON with the counts as numbers and
 * as shown (in the site's digits, "" below hide_below), or 303. */
static void
answer(const struct ctx *c, struct request *r, struct response *res, const char *back,
    const struct vote_tally *t)
{
	response_header(res, "Cache-Control", "no-store");
	if (request_wants_json(r)) {
		struct arena *a = r->arena;
		struct tval *o = tval_object(a);
		tval_set_number(a, o, "agree", (double)t->agree);
		tval_set_number(a, o, "disagree", (double)t->disagree);
		tval_set_str(a, o, "agree_text", view_vote_count(c, r, t->agree));
		tval_set_str(a, o, "disagree_text", view_vote_count(c, r, t->disagree));
		if (t->mine == VOTE_NONE)
			tval_set(a, o, "vote", tval_null(a));
		else
			tval_set_str(a, o, "vote", vote_names[t->mine + 1]);
		view_json(res, 200, o);
		return;
	}
	res->status = 303;
	response_header(res, "Location", back);
	buf_puts(&res->body, "<!doctype html><meta charset=\"utf-8\"><p><a href=\"");
	/* back is validated: no quotes, spaces or angle brackets. */
	buf_printf(&res->body, "%s\">%s</a></p>\n", back, view_message(c, r, "status.continue"));
}

/* Why a vote is refused before the database is asked (a disagree where
 * only agree is taken, a closed thread, the thread's token not good), its
 * status in *status; NULL when it may be counted. */
static const char *
refused_at_once(const struct ctx *c, struct request *r, const struct params *in,
    const char *article, enum vote_value value, int *status)
{
	const struct config *cfg = &c->app->cfg;
	*status = 400;
	if (value == VOTE_DISAGREE && cfg->votes_agree_only)
		return "error.vote_invalid";
	*status = 403;
	/* A closed thread (or the site read-only) takes no votes either. */
	const char *closed = view_closed_reason(c, article, r->now);
	if (closed != NULL)
		return closed;
	/* The thread's own token: the page was fetched from here, for this
	 * article, and not too long ago. A vote takes no thought, so no
	 * minimum time. */
	enum token_verdict tv = antispam_token_check(c->app->secret, param_text(in, V_TOKEN),
	    article, r->now, 0, cfg->max_age_hours * 3600);
	if (tv == TOKEN_TOO_LATE)
		return "error.vote_expired";
	if (tv != TOKEN_OK)
		return "error.vote_refused";
	return NULL;
}

/* The vote of reader on comment id within the limits of its address
 * group: true and *t when it counted; else false with res answered (404,
 * 429 with Retry-After, 503). */
static bool
count_vote(const struct ctx *c, struct request *r, struct response *res, int64_t id,
    const char *article, const unsigned char *reader, enum vote_value value,
    const char *back, struct vote_tally *t)
{
	const struct config *cfg = &c->app->cfg;
	char group[ANTISPAM_GROUP_MAX];
	antispam_address_group(r->remote_addr, cfg->ipv4_prefix, cfg->ipv6_prefix, group);
	const struct vote_guard g = {
		.addr_group = group,
		.per_minute = cfg->votes_per_minute,
		.per_hour = cfg->votes_per_hour,
		.per_comment_hour = cfg->votes_per_comment_hour,
	};
	enum vote_verdict verdict;
	int retry_after;
	switch (store_vote(c->store, id, article, reader, value, &g, r->now, &verdict,
	    &retry_after, t)) {
	case STORE_OK:
		break;
	case STORE_NOT_FOUND:
		refuse(c, r, res, 404, "error.vote_no_comment", back);
		return false;
	default:
		view_retry_after(r, res, RETRY_STORAGE_SECONDS);
		refuse(c, r, res, 503, "error.unavailable", back);
		return false;
	}
	if (verdict != VOTE_COUNTED) {
		log_info("vote refused: %s limit reached by %s (comment %lld)",
		    verdict == VOTE_LIMIT_HOUR ? "hourly" : verdict == VOTE_LIMIT_COMMENT ?
		    "per-comment" : "per-minute", group, (long long)id);
		view_retry_after(r, res, retry_after);
		refuse(c, r, res, 429, "error.vote_rate_limited", back);
		return false;
	}
	return true;
}

void
handle_vote(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *a)
{
	if (!c->app->cfg.votes_enabled) {
		view_error(c, r, res, 404, "error.not_found");
		return;
	}
	const char *article = param_text(a->in, V_ARTICLE);
	int64_t id = param_int(a->in, V_COMMENT, 0);
	enum vote_value value = (enum vote_value)(param_int(a->in, V_VOTE, 1) - 1);
	const char *back = back_to(c, r, a->in, id);
	int status;
	const char *why = refused_at_once(c, r, a->in, article, value, &status);
	if (why != NULL) {
		refuse(c, r, res, status, why, back);
		return;
	}
	struct reader_ids me;
	view_reader_ids(c, r, &me);
	bool fresh = reader_ensure_id(&me);
	struct vote_tally t;
	if (!count_vote(c, r, res, id, article, me.reader, value, back, &t))
		return;
	/* The reader keeps this id from now on: their votes are theirs. */
	if (fresh)
		view_set_reader_cookie(c, r, res, &me);
	answer(c, r, res, back, &t);
}
