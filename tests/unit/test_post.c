/* test_post.c — the post handler end to end, in process: the form a
 * thread carries (token, honeypot, the moderation hint), a person's post
 * and the bots' (303/201, 409, 422, 429 with Retry-After, HTML and JSON),
 * expired forms, rate limits, duplicates, links, trusted readers, and the
 * blocklist's verdicts (hold even in post mode, spam answered as a clean
 * comment, the reason shown in the queue). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "antispam.h"
#include "app.h"
#include "app_fixture.h"
#include "arena.h"
#include "buf.h"
#include "route.h"
#include "http.h"
#include "reader.h"
#include "request.h"
#include "store.h"

#define T0 1700000000
#define DAY (24 * 3600)

static const unsigned char other_key[32] = "fedcba9876543210fedcba987654321";

#define ART "news-1403-7"
#define IP1 "203.0.113.10"
#define IP1B "203.0.113.99"	/* the same /24 */
#define IP2 "198.51.100.7"

struct form {
	const char *name, *email, *body, *token, *website, *parent, *article;
};

struct answer {
	struct response res;
	int64_t id;		/* from Location or the JSON body; 0 when none */
};

/* POSTs form as from addr at now (cookie: a Cookie header or NULL); the
 * response is freed by answer_free. */
static void
do_post(struct app_fixture *f, const struct form *fm, const char *addr, const char *cookie,
    bool json, time_t now, struct answer *out)
{
	struct buf body = { 0 };
	app_fixture_field(&body, "article", fm->article ? fm->article : ART);
	app_fixture_field(&body, "parent", fm->parent);
	app_fixture_field(&body, "name", fm->name ? fm->name : "Reader");
	app_fixture_field(&body, "email", fm->email);
	app_fixture_field(&body, "body", fm->body);
	app_fixture_field(&body, "return", "https://news.example/" ART);
	app_fixture_field(&body, "token", fm->token);
	app_fixture_field(&body, "website", fm->website);
	struct request r = {
		.arena = f->a, .method = "POST", .path = "/post", .accept = json ?
		    "application/json" : "text/html", .content_type =
		    "application/x-www-form-urlencoded", .remote_addr = addr, .user_agent = "test",
		.host = "news.example", .origin = "", .fetch_site = "", .now = now,
	};
	struct parse_limits lim = { .max_fields = REQUEST_MAX_FIELDS, .max_key = 64,
	    .max_value = 65536, .too_long_status = 413 };
	assert_int_equal(http_parse_urlencoded(f->a, buf_str(&body), body.len, &lim, &r.form), 0);
	if (cookie != NULL)
		assert_int_equal(http_parse_cookies(f->a, cookie, 8192, 64, &r.cookies), 0);
	buf_free(&body);
	memset(out, 0, sizeof(*out));
	out->res.status = 200;
	route_dispatch(&f->ctx, &r, &out->res);
	const char *loc = app_fixture_header(&out->res, "Location");
	const char *hash = loc ? strstr(loc, "#nazar-comment-") : NULL;
	if (hash != NULL)
		out->id = strtoll(hash + strlen("#nazar-comment-"), NULL, 10);
	else if (json && out->res.status == 201) {
		const char *p = strstr(buf_str(&out->res.body), "\"id\":");
		assert_non_null(p);
		out->id = strtoll(p + 5, NULL, 10);
	}
}

static void
answer_free(struct answer *an)
{
	buf_free(&an->res.body);
}

static const char *
body_of(const struct answer *an)
{
	return buf_str(&an->res.body);
}

static size_t
stored_count(struct app_fixture *f)
{
	struct comment *rows;
	size_t n;
	assert_int_equal(store_list(f->ctx.store, f->a, -1, NULL, 100000, &rows, &n), STORE_OK);
	return n;
}

static const char *cookie_of(struct app_fixture *f, const struct answer *an);

static const char *
token_at(struct app_fixture *f, const char *article, time_t served)
{
	return antispam_token_make(f->a, f->app.secret, article, served);
}

/* Posts a comment as a reader with a form served at T0, ten seconds
 * later; returns the new comment's id (0: none) and leaves the response
 * in *res (body freed by the caller). */
static int64_t
post(struct app_fixture *f, const char *name, const char *email, const char *body,
    const char *addr, bool json, struct response *res)
{
	const struct form fm = { .name = name, .email = email, .body = body,
	    .token = token_at(f, ART, T0) };
	struct answer an;
	do_post(f, &fm, addr, NULL, json, T0 + 10, &an);
	*res = an.res;
	return an.id;
}

static void
post_form_markup(void **state)
{
	struct app_fixture *f = *state;
	APP_FIXTURE_NEED(f);
	struct request r = {
		.arena = f->a, .method = "GET", .path = "/thread", .accept = "", .content_type = "",
		.remote_addr = IP1, .user_agent = "", .host = "", .origin = "", .fetch_site = "",
		.now = T0,
	};
	struct parse_limits lim = { .max_fields = 32, .max_key = 64, .max_value = 4096,
	    .too_long_status = 400 };
	const char *q = "article=" ART;
	assert_int_equal(http_parse_urlencoded(f->a, q, strlen(q), &lim, &r.query), 0);
	struct response res = { .status = 200 };
	route_dispatch(&f->ctx, &r, &res);
	assert_int_equal(res.status, 200);
	const char *html = buf_str(&res.body);
	/* The token of this article and second, and the honeypot out of
	 * everyone's way: hidden, aria-hidden, not focusable, not autofilled,
	 * empty. */
	char want[256];
	snprintf(want, sizeof(want), "name=\"token\" value=\"%s\"", token_at(f, ART, T0));
	assert_non_null(strstr(html, want));
	const char *hp = strstr(html, "name=\"website\"");
	assert_non_null(hp);
	const char *div = strstr(html, "<div class=\"nazar-hp\" hidden aria-hidden=\"true\"");
	assert_non_null(div);
	assert_true(div < hp);
	const char *input = strstr(html, "<input id=\"nazar-website\" name=\"website\" value=\"\" "
	    "tabindex=\"-1\" autocomplete=\"off\">");
	assert_non_null(input);
	assert_non_null(strstr(html, "Leave this field empty"));
	/* Pre-moderated by default: the hint says so. */
	assert_non_null(strstr(html, "Comments are published after review."));
	buf_free(&res.body);

	/* mode = trusted holds most comments: the hint must not promise
	 * publication. */
	f->app.cfg.mode = MODERATION_TRUSTED;
	struct response res2 = { .status = 200 };
	route_dispatch(&f->ctx, &r, &res2);
	assert_non_null(strstr(buf_str(&res2.body), "Comments are published after review."));
	buf_free(&res2.body);
	f->app.cfg.mode = MODERATION_POST;
	struct response res3 = { .status = 200 };
	route_dispatch(&f->ctx, &r, &res3);
	assert_non_null(strstr(buf_str(&res3.body), "Your comment is published at once."));
	buf_free(&res3.body);
}

/* GET path?query as a reader at T0, with a Cookie header (or NULL); the
 * body is the caller's to free. */
static void
get_page_cookie(struct app_fixture *f, const char *path, const char *q, const char *cookie,
    struct response *res)
{
	struct request r = {
		.arena = f->a, .method = "GET", .path = path, .accept = "", .content_type = "",
		.remote_addr = IP1, .user_agent = "", .host = "", .origin = "", .fetch_site = "",
		.now = T0,
	};
	struct parse_limits lim = { .max_fields = 32, .max_key = 64, .max_value = 4096,
	    .too_long_status = 400 };
	assert_int_equal(http_parse_urlencoded(f->a, q, strlen(q), &lim, &r.query), 0);
	if (cookie != NULL)
		assert_int_equal(http_parse_cookies(f->a, cookie, 8192, 64, &r.cookies), 0);
	memset(res, 0, sizeof(*res));
	res->status = 200;
	route_dispatch(&f->ctx, &r, res);
}

static void
get_page(struct app_fixture *f, const char *path, const char *q, struct response *res)
{
	get_page_cookie(f, path, q, NULL, res);
}

static size_t
occurrences(const char *s, const char *what)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, what)) != NULL; p += strlen(what))
		n++;
	return n;
}

static int64_t
approved(struct app_fixture *f, const char *article, int64_t parent, const char *body,
    time_t when)
{
	struct comment c = { .article = (char *)article, .parent = parent,
	    .name = (char *)"Reader", .body = (char *)body, .status = COMMENT_APPROVED };
	assert_int_equal(store_insert_comment(f->ctx.store, &c, when), STORE_OK);
	return c.id;
}

/* 60 replies under one comment: the thread shows replies_shown of them and
 * a link to the rest; the replies' page shows 50 a page, each reply with
 * its own bounded replies and its own link. */
static void
thread_bounds_replies(void **state)
{
	struct app_fixture *f = *state;
	APP_FIXTURE_NEED(f);
	assert_int_equal(f->app.cfg.replies_shown, 20);
	f->app.cfg.replies_shown = 5;
	int64_t top = approved(f, ART, 0, "The first comment", T0 - 1000);
	int64_t other = approved(f, ART, 0, "Another comment", T0 - 999);
	int64_t first = 0;
	for (int i = 0; i < 60; i++) {
		char body[32];
		snprintf(body, sizeof(body), "«r%02d»", i);
		int64_t id = approved(f, ART, top, body, T0 - 900 + i);
		if (i == 0)
			first = id;
	}
	for (int i = 0; i < 8; i++) {
		char body[32];
		snprintf(body, sizeof(body), "«d%d»", i);
		approved(f, ART, first, body, T0 - 100 + i);
	}
	(void)other;
	struct response res;
	get_page(f, "/thread", "article=" ART, &res);
	assert_int_equal(res.status, 200);
	const char *html = buf_str(&res.body);
	/* The top comment and its five oldest replies; the deep ones are
	 * newer than those and wait behind the links. */
	assert_int_equal(occurrences(html, "«r"), 5);
	assert_int_equal(occurrences(html, "«d"), 0);
	assert_non_null(strstr(html, "«r04»"));
	assert_null(strstr(html, "«r05»"));
	char want[256];
	snprintf(want, sizeof(want), "<p class=\"nazar-more\"><a href=\"/comments/replies?"
	    "article=" ART "&amp;comment=%lld\" data-comment=\"%lld\">55 more replies</a></p>",
	    (long long)top, (long long)top);
	assert_non_null(strstr(html, want));
	snprintf(want, sizeof(want), "comment=%lld\" data-comment=\"%lld\">8 more replies</a>",
	    (long long)first, (long long)first);
	assert_non_null(strstr(html, want));
	assert_int_equal(occurrences(html, "class=\"nazar-more\""), 2);
	buf_free(&res.body);

	/* The replies' page: the comment, 50 of its replies, the next page. */
	char q[128];
	snprintf(q, sizeof(q), "article=" ART "&comment=%lld", (long long)top);
	get_page(f, "/replies", q, &res);
	assert_int_equal(res.status, 200);
	html = buf_str(&res.body);
	assert_non_null(strstr(html, "The first comment"));
	assert_null(strstr(html, "Another comment"));
	assert_int_equal(occurrences(html, "«r"), 50);
	assert_non_null(strstr(html, "60 replies"));
	/* The first reply brings five of its eight. */
	assert_int_equal(occurrences(html, "«d"), 5);
	assert_non_null(strstr(html, "3 more replies"));
	snprintf(want, sizeof(want), "href=\"/comments/replies?article=" ART
	    "&amp;comment=%lld&amp;page=2\"", (long long)top);
	assert_non_null(strstr(html, want));
	assert_non_null(strstr(html, "<html"));
	buf_free(&res.body);
	snprintf(q, sizeof(q), "article=" ART "&comment=%lld&page=2", (long long)top);
	get_page(f, "/replies", q, &res);
	assert_int_equal(res.status, 200);
	assert_int_equal(occurrences(buf_str(&res.body), "«r"), 10);
	assert_non_null(strstr(buf_str(&res.body), "«r59»"));
	buf_free(&res.body);
	snprintf(q, sizeof(q), "article=" ART "&comment=%lld", (long long)first);
	get_page(f, "/replies", q, &res);
	assert_int_equal(occurrences(buf_str(&res.body), "«d"), 8);
	assert_null(strstr(buf_str(&res.body), "nazar-more"));
	buf_free(&res.body);

	/* Another article's comment, a held one, none at all: not found. */
	snprintf(q, sizeof(q), "article=other&comment=%lld", (long long)top);
	get_page(f, "/replies", q, &res);
	assert_int_equal(res.status, 404);
	buf_free(&res.body);
	struct comment held = { .article = (char *)ART, .name = (char *)"n", .body = (char *)"b",
	    .status = COMMENT_PENDING };
	assert_int_equal(store_insert_comment(f->ctx.store, &held, T0), STORE_OK);
	snprintf(q, sizeof(q), "article=" ART "&comment=%lld", (long long)held.id);
	get_page(f, "/replies", q, &res);
	assert_int_equal(res.status, 404);
	buf_free(&res.body);
	get_page(f, "/replies", "article=" ART "&comment=999999", &res);
	assert_int_equal(res.status, 404);
	buf_free(&res.body);
	get_page(f, "/replies", "article=" ART, &res);
	assert_int_equal(res.status, 400);
	buf_free(&res.body);
	get_page(f, "/replies", "article=" ART "&comment=0", &res);
	assert_int_equal(res.status, 400);
	buf_free(&res.body);

	/* A reader's reply, published at once (mode = post), is the newest of
	 * 61: sent back to the article, they find it there all the same. */
	f->app.cfg.mode = MODERATION_POST;
	char parent[24];
	snprintf(parent, sizeof(parent), "%lld", (long long)top);
	struct form mine = { .body = "«my own reply»", .token = token_at(f, ART, T0),
	    .parent = parent };
	struct answer an;
	do_post(f, &mine, IP2, NULL, false, T0 + 10, &an);
	assert_int_equal(an.res.status, 303);
	const char *cookie = cookie_of(f, &an);
	answer_free(&an);
	get_page_cookie(f, "/thread", "article=" ART, cookie, &res);
	assert_non_null(strstr(buf_str(&res.body), "«my own reply»"));
	assert_non_null(strstr(buf_str(&res.body), "55 more replies"));
	buf_free(&res.body);
	get_page(f, "/thread", "article=" ART, &res);
	assert_null(strstr(buf_str(&res.body), "«my own reply»"));
	assert_non_null(strstr(buf_str(&res.body), "56 more replies"));
	buf_free(&res.body);
}

/* The Set-Cookie of an answer as a Cookie header ("name=value"). */
static const char *
cookie_of(struct app_fixture *f, const struct answer *an)
{
	const char *sc = app_fixture_header(&an->res, "Set-Cookie");
	assert_non_null(sc);
	const char *end = strchr(sc, ';');
	return arena_printf(f->a, "%.*s", (int)(end ? end - sc : (long)strlen(sc)), sc);
}

/* per_reader_per_article_per_day: by address group, and by the reader's
 * cookie on another network; other articles and readers unaffected. */
static void
post_reader_day_limit(void **state)
{
	struct app_fixture *f = *state;
	APP_FIXTURE_NEED(f);
	assert_int_equal(f->app.cfg.posts_per_reader_article_day, 20);
	f->app.cfg.posts_per_reader_article_day = 2;
	f->app.cfg.posts_per_minute = 0;
	f->app.cfg.posts_per_hour = 0;
	f->app.cfg.posts_per_article_minute = 0;
	const char *tok = token_at(f, ART, T0);
	struct answer an;
	struct form a = { .body = "one", .token = tok };
	do_post(f, &a, IP1, NULL, false, T0 + 10, &an);
	assert_int_equal(an.res.status, 303);
	const char *cookie = cookie_of(f, &an);
	answer_free(&an);
	struct form b = { .body = "two", .token = tok };
	do_post(f, &b, IP1B, cookie, false, T0 + 100, &an);
	assert_int_equal(an.res.status, 303);
	cookie = cookie_of(f, &an);
	answer_free(&an);
	size_t before = stored_count(f);
	struct form c = { .name = "Mina", .body = "three, kept", .token = tok };
	do_post(f, &c, IP1, NULL, false, T0 + 200, &an);
	assert_int_equal(an.res.status, 429);
	assert_string_equal(app_fixture_header(&an.res, "Retry-After"), "86210");
	assert_non_null(strstr(body_of(&an), "three, kept</textarea>"));
	assert_non_null(strstr(body_of(&an), "You have sent many comments on this article today"));
	answer_free(&an);
	/* Another network, the same browser. */
	do_post(f, &c, IP2, cookie, true, T0 + 200, &an);
	assert_int_equal(an.res.status, 429);
	assert_non_null(strstr(body_of(&an), "\"retry_after\":86210"));
	answer_free(&an);
	assert_int_equal(stored_count(f), before);
	/* Another reader; the same reader on another article; a day later. */
	do_post(f, &c, IP2, NULL, false, T0 + 200, &an);
	assert_int_equal(an.res.status, 303);
	answer_free(&an);
	struct form d = { .body = "elsewhere", .token = token_at(f, "other", T0),
	    .article = "other" };
	do_post(f, &d, IP1, cookie, false, T0 + 200, &an);
	assert_int_equal(an.res.status, 303);
	answer_free(&an);
	struct form e = { .body = "tomorrow", .token = token_at(f, ART, T0 + DAY) };
	do_post(f, &e, IP1, cookie, false, T0 + DAY + 20, &an);
	assert_int_equal(an.res.status, 303);
	answer_free(&an);
}

static void
post_person_and_bots(void **state)
{
	struct app_fixture *f = *state;
	APP_FIXTURE_NEED(f);
	f->app.cfg.posts_per_minute = 0;
	f->app.cfg.posts_per_hour = 0;
	f->app.cfg.posts_per_article_minute = 0;
	const char *tok = token_at(f, ART, T0);
	struct answer an;

	/* A person: 303 to the article, held in pre mode, no reason. */
	struct form person = { .body = "A considered comment.", .token = tok, .website = "" };
	do_post(f, &person, IP1, NULL, false, T0 + 20, &an);
	assert_int_equal(an.res.status, 303);
	assert_non_null(strstr(app_fixture_header(&an.res, "Location"),
	    "https://news.example/" ART "#nazar-comment-"));
	assert_non_null(app_fixture_header(&an.res, "Set-Cookie"));
	struct comment c = app_fixture_comment(f, an.id);
	assert_int_equal(c.status, COMMENT_PENDING);
	assert_string_equal(c.reason, "");
	answer_free(&an);

	/* Bots get the same answer, and their comments go to spam, named. */
	const struct { struct form fm; const char *reason; time_t at; } bots[] = {
		{ { .body = "bot 1", .token = tok, .website = "http://spam.example" },
		    "honeypot", T0 + 20 },
		{ { .body = "bot 2" }, "token-missing", T0 + 20 },
		{ { .body = "bot 3", .token = "not-a-token" }, "token-forged", T0 + 20 },
		{ { .body = "bot 4", .token = antispam_token_make(f->a, other_key, ART, T0) },
		    "token-forged", T0 + 20 },
		{ { .body = "bot 5", .token = token_at(f, "another-article", T0) },
		    "token-other-article", T0 + 20 },
		{ { .body = "bot 6", .token = tok }, "token-too-soon", T0 + 1 },
		/* Honeypot and an expired form: still spam, not a second chance. */
		{ { .body = "bot 7", .token = tok, .website = "x" }, "honeypot", T0 + 2 * DAY },
	};
	for (size_t i = 0; i < sizeof(bots) / sizeof(bots[0]); i++) {
		do_post(f, &bots[i].fm, IP2, NULL, false, bots[i].at, &an);
		if (an.res.status != 303)
			fail_msg("bot %zu: status %d", i + 1, an.res.status);
		assert_non_null(strstr(app_fixture_header(&an.res, "Location"), "#nazar-comment-"));
		assert_non_null(app_fixture_header(&an.res, "Set-Cookie"));
		c = app_fixture_comment(f, an.id);
		assert_int_equal(c.status, COMMENT_SPAM);
		assert_string_equal(c.reason, bots[i].reason);
		answer_free(&an);
		/* JSON: 201 and "pending", like a person in pre mode. */
		struct form fm = bots[i].fm;
		char body[32];
		snprintf(body, sizeof(body), "json %s", bots[i].fm.body);
		fm.body = body;
		do_post(f, &fm, "2001:db8::1", NULL, true, bots[i].at, &an);
		assert_int_equal(an.res.status, 201);
		assert_non_null(strstr(body_of(&an), "\"status\":\"pending\""));
		assert_int_equal(app_fixture_comment(f, an.id).status, COMMENT_SPAM);
		answer_free(&an);
	}
}

static void
post_expired_form(void **state)
{
	struct app_fixture *f = *state;
	APP_FIXTURE_NEED(f);
	const char *tok = token_at(f, ART, T0);
	struct form fm = { .name = "Reza", .body = "Kept <text> & all", .token = tok };
	size_t before = stored_count(f);
	struct answer an;
	time_t now = T0 + DAY + 1;
	do_post(f, &fm, IP1, NULL, false, now, &an);
	assert_int_equal(an.res.status, 422);
	assert_int_equal(stored_count(f), before);
	const char *html = body_of(&an);
	assert_non_null(strstr(html, "This form was open for a long time and has expired."));
	assert_non_null(strstr(html, "Kept &lt;text&gt; &amp; all</textarea>"));
	assert_non_null(strstr(html, "value=\"Reza\""));
	/* A fresh token, which must age min_seconds like any form's: a bot
	 * that waits out one form does not get one good at once. */
	const char *t = strstr(html, "name=\"token\" value=\"");
	assert_non_null(t);
	char fresh[77];
	memcpy(fresh, t + strlen("name=\"token\" value=\""), 76);
	fresh[76] = '\0';
	assert_int_equal(antispam_token_check(f->app.secret, fresh, ART, now, 3, DAY),
	    TOKEN_TOO_SOON);
	assert_int_equal(antispam_token_check(f->app.secret, fresh, ART, now + 3, 3, DAY),
	    TOKEN_OK);
	assert_string_equal(app_fixture_header(&an.res, "Cache-Control"), "no-store");
	answer_free(&an);

	fm.token = fresh;
	do_post(f, &fm, IP1, NULL, false, now + 1, &an);
	assert_int_equal(an.res.status, 303);
	struct comment soon = app_fixture_comment(f, an.id);
	assert_int_equal(soon.status, COMMENT_SPAM);
	assert_string_equal(soon.reason, "token-too-soon");
	answer_free(&an);
	fm.body = "Kept <text> & all, a person's pace";
	do_post(f, &fm, IP1, NULL, false, now + 20, &an);
	assert_int_equal(an.res.status, 303);
	assert_int_equal(app_fixture_comment(f, an.id).status, COMMENT_PENDING);
	answer_free(&an);

	/* JSON: 422 with the message and the new token. */
	fm.token = tok;
	fm.body = "json expired";
	do_post(f, &fm, IP1, NULL, true, now, &an);
	assert_int_equal(an.res.status, 422);
	assert_non_null(strstr(body_of(&an), "{\"errors\":{\"form\":\"This form was open"));
	t = strstr(body_of(&an), "\"token\":\"");
	assert_non_null(t);
	memcpy(fresh, t + strlen("\"token\":\""), 76);
	assert_int_equal(antispam_token_check(f->app.secret, fresh, ART, now + 3, 3, DAY),
	    TOKEN_OK);
	answer_free(&an);

	/* A form with a field error keeps the reader's own token (its time). */
	struct form invalid = { .name = "", .body = "x", .token = tok };
	do_post(f, &invalid, IP1, NULL, false, T0 + 100, &an);
	assert_int_equal(an.res.status, 422);
	char want[128];
	snprintf(want, sizeof(want), "name=\"token\" value=\"%s\"", tok);
	assert_non_null(strstr(body_of(&an), want));
	answer_free(&an);
}

static void
post_rate_limits(void **state)
{
	struct app_fixture *f = *state;
	APP_FIXTURE_NEED(f);
	f->app.cfg.duplicate_window_minutes = 0;
	f->app.cfg.posts_per_minute = 2;
	f->app.cfg.posts_per_hour = 3;
	f->app.cfg.posts_per_article_minute = 0;
	const char *tok = token_at(f, ART, T0);
	struct answer an;
	struct form a = { .body = "first", .token = tok };
	do_post(f, &a, IP1, NULL, false, T0 + 10, &an);
	assert_int_equal(an.res.status, 303);
	answer_free(&an);
	/* Another address of the same /24 counts for the same group. */
	struct form b = { .body = "second", .token = tok };
	do_post(f, &b, IP1B, NULL, false, T0 + 20, &an);
	assert_int_equal(an.res.status, 303);
	answer_free(&an);

	size_t before = stored_count(f);
	struct form c = { .name = "Mina", .body = "third, kept", .token = tok };
	do_post(f, &c, IP1, NULL, false, T0 + 30, &an);
	assert_int_equal(an.res.status, 429);
	assert_string_equal(app_fixture_header(&an.res, "Retry-After"), "40");
	assert_non_null(strstr(body_of(&an), "third, kept</textarea>"));
	assert_non_null(strstr(body_of(&an), "value=\"Mina\""));
	assert_non_null(strstr(body_of(&an), "Many comments were sent from your network"));
	assert_int_equal(stored_count(f), before);
	answer_free(&an);
	/* JSON: 429, the message, and the wait. */
	do_post(f, &c, IP1, NULL, true, T0 + 30, &an);
	assert_int_equal(an.res.status, 429);
	assert_string_equal(app_fixture_header(&an.res, "Retry-After"), "40");
	assert_non_null(strstr(body_of(&an), "{\"errors\":{\"form\":\"Many comments"));
	assert_non_null(strstr(body_of(&an), "\"retry_after\":40}"));
	assert_int_equal(stored_count(f), before);
	answer_free(&an);
	/* Someone else is not affected, over IPv4 or IPv6. */
	do_post(f, &c, IP2, NULL, false, T0 + 30, &an);
	assert_int_equal(an.res.status, 303);
	answer_free(&an);
	/* Refused posts were not counted: after the minute, the third fits;
	 * then the hour is full. */
	do_post(f, &c, IP1, NULL, false, T0 + 70, &an);
	assert_int_equal(an.res.status, 303);
	answer_free(&an);
	struct form d = { .body = "fourth", .token = tok };
	do_post(f, &d, IP1, NULL, false, T0 + 200, &an);
	assert_int_equal(an.res.status, 429);
	assert_string_equal(app_fixture_header(&an.res, "Retry-After"), "3410");
	answer_free(&an);
	/* IPv4-mapped IPv6 is the same client. */
	do_post(f, &d, "::ffff:" IP1, NULL, false, T0 + 200, &an);
	assert_int_equal(an.res.status, 429);
	answer_free(&an);

	/* Per article per minute. */
	f->app.cfg.posts_per_minute = 0;
	f->app.cfg.posts_per_hour = 0;
	f->app.cfg.posts_per_article_minute = 1;
	struct form e = { .body = "on the article", .token = tok };
	do_post(f, &e, "2001:db8:5::1", NULL, false, T0 + 300, &an);
	assert_int_equal(an.res.status, 303);
	answer_free(&an);
	struct form g = { .body = "again on the article", .token = tok };
	do_post(f, &g, "2001:db8:5::2", NULL, false, T0 + 301, &an);
	assert_int_equal(an.res.status, 429);
	assert_string_equal(app_fixture_header(&an.res, "Retry-After"), "59");
	answer_free(&an);
	struct form h = { .body = "on another article", .token = token_at(f, "other", T0),
	    .article = "other" };
	do_post(f, &h, "2001:db8:5::2", NULL, false, T0 + 301, &an);
	assert_int_equal(an.res.status, 303);
	answer_free(&an);
}

static void
post_duplicates(void **state)
{
	struct app_fixture *f = *state;
	APP_FIXTURE_NEED(f);
	const char *tok = token_at(f, ART, T0);
	struct answer an;
	struct form a = { .body = "كتاب خوبی است", .token = tok };
	do_post(f, &a, IP1, NULL, false, T0 + 10, &an);
	assert_int_equal(an.res.status, 303);
	const char *cookie = cookie_of(f, &an);
	answer_free(&an);
	size_t before = stored_count(f);
	/* Retyped with Persian letters and other spacing, by the same reader
	 * from another network (their cookie says so). */
	struct form b = { .name = "Ali", .body = "کتاب  خوبی است!", .token = tok };
	do_post(f, &b, IP2, cookie, false, T0 + 20, &an);
	assert_int_equal(an.res.status, 409);
	assert_non_null(strstr(body_of(&an), "This same text was posted a moment ago"));
	assert_non_null(strstr(body_of(&an), "کتاب  خوبی است!</textarea>"));
	assert_int_equal(stored_count(f), before);
	answer_free(&an);
	do_post(f, &b, IP2, cookie, true, T0 + 20, &an);
	assert_int_equal(an.res.status, 409);
	assert_non_null(strstr(body_of(&an), "{\"errors\":{\"form\":\"This same text"));
	answer_free(&an);
	assert_int_equal(stored_count(f), before);
	/* From the same group on another article, without the cookie. */
	struct form c = { .body = "کتاب خوبی است", .token = token_at(f, "other", T0),
	    .article = "other" };
	do_post(f, &c, IP1B, NULL, false, T0 + 30, &an);
	assert_int_equal(an.res.status, 409);
	answer_free(&an);
	/* Someone else, on this article or another: their own words. Two
	 * readers who both write «عالی بود» are both published. */
	do_post(f, &b, IP2, NULL, false, T0 + 30, &an);
	assert_int_equal(an.res.status, 303);
	answer_free(&an);
	struct form great = { .body = "عالی بود", .token = tok };
	do_post(f, &great, IP1, NULL, false, T0 + 40, &an);
	assert_int_equal(an.res.status, 303);
	answer_free(&an);
	struct form great2 = { .body = "عالي بود!", .token = tok };
	do_post(f, &great2, "2001:db8:77::1", NULL, false, T0 + 41, &an);
	assert_int_equal(an.res.status, 303);
	answer_free(&an);
	/* Within the window (60 minutes by default) the group's own copy
	 * still counts; after it, nothing does. */
	do_post(f, &c, IP1B, NULL, false, T0 + 3599, &an);
	assert_int_equal(an.res.status, 409);
	answer_free(&an);
	do_post(f, &c, IP1B, NULL, false, T0 + 10 + 3600, &an);
	assert_int_equal(an.res.status, 303);
	answer_free(&an);
}

/* The same form sent again unchanged (nginx retrying a post whose answer
 * a crash cut off, a double click) gets the comment the first one stored:
 * 303 to it, or 201 with its id; nothing is stored twice. A change to any
 * field, another address group or another token is a new post. */
static void
post_sent_again(void **state)
{
	struct app_fixture *f = *state;
	APP_FIXTURE_NEED(f);
	const char *tok = token_at(f, ART, T0);
	struct answer an;
	struct form a = { .body = "نظر من درباره‌ی این خبر", .token = tok };
	do_post(f, &a, IP1, NULL, false, T0 + 10, &an);
	assert_int_equal(an.res.status, 303);
	int64_t id = an.id;
	assert_true(id > 0);
	answer_free(&an);
	size_t before = stored_count(f);
	do_post(f, &a, IP1, NULL, false, T0 + 11, &an);
	assert_int_equal(an.res.status, 303);
	assert_int_equal(an.id, id);
	char want[128];
	snprintf(want, sizeof(want), "https://news.example/" ART "#nazar-comment-%lld",
	    (long long)id);
	assert_string_equal(app_fixture_header(&an.res, "Location"), want);
	answer_free(&an);
	do_post(f, &a, IP1, NULL, true, T0 + 12, &an);
	assert_int_equal(an.res.status, 201);
	assert_int_equal(an.id, id);
	answer_free(&an);
	assert_int_equal(stored_count(f), before);
	/* The same text in another post is still a duplicate. */
	struct form b = { .body = a.body, .token = token_at(f, ART, T0 + 1) };
	do_post(f, &b, IP1, NULL, false, T0 + 13, &an);
	assert_int_equal(an.res.status, 409);
	answer_free(&an);
	/* Another name with the same token is another reader's post. */
	struct form c = { .name = "Sara", .body = "نظر دیگری", .token = tok };
	do_post(f, &c, IP2, NULL, true, T0 + 14, &an);
	assert_int_equal(an.res.status, 201);
	assert_true(an.id > id);
	answer_free(&an);
	assert_int_equal(stored_count(f), before + 1);
	/* Once the form has expired its key is gone with it: sent again then,
	 * the post is judged as new (an expired form). */
	do_post(f, &a, IP1, NULL, false, T0 + 10 + 48 * 3600, &an);
	assert_int_equal(an.res.status, 422);
	answer_free(&an);
}

static void
post_links(void **state)
{
	struct app_fixture *f = *state;
	APP_FIXTURE_NEED(f);
	f->app.cfg.mode = MODERATION_POST;
	const char *tok = token_at(f, ART, T0);
	struct answer an;
	struct form two = { .body = "منبع: https://a.ir و www.b.ir", .token = tok };
	do_post(f, &two, IP1, NULL, false, T0 + 10, &an);
	assert_int_equal(an.res.status, 303);
	struct comment c = app_fixture_comment(f, an.id);
	assert_int_equal(c.status, COMMENT_APPROVED);
	assert_string_equal(c.reason, "");
	answer_free(&an);
	struct form three = { .body = "https://a.ir www.b.ir http://c.ir", .token = tok };
	do_post(f, &three, IP2, NULL, true, T0 + 10, &an);
	assert_int_equal(an.res.status, 201);
	assert_non_null(strstr(body_of(&an), "\"status\":\"pending\""));
	c = app_fixture_comment(f, an.id);
	assert_int_equal(c.status, COMMENT_PENDING);
	assert_string_equal(c.reason, "links");
	answer_free(&an);
}

static void
post_trusted(void **state)
{
	struct app_fixture *f = *state;
	APP_FIXTURE_NEED(f);
	f->app.cfg.mode = MODERATION_TRUSTED;
	f->app.cfg.posts_per_minute = 0;
	f->app.cfg.posts_per_hour = 0;
	f->app.cfg.posts_per_article_minute = 0;
	const char *tok = token_at(f, ART, T0);
	struct answer an;
	struct reader_ids own = { .count = 0 };
	/* Three comments, held at first, then approved by a moderator. */
	int64_t first = 0;
	for (int i = 0; i < 3; i++) {
		char body[32];
		snprintf(body, sizeof(body), "comment %d", i);
		struct form fm = { .name = "Nasrin", .email = "nasrin@example.ir", .body = body,
		    .token = tok };
		do_post(f, &fm, IP1, NULL, false, T0 + 10 + i, &an);
		assert_int_equal(an.res.status, 303);
		assert_int_equal(app_fixture_comment(f, an.id).status, COMMENT_PENDING);
		assert_int_equal(store_set_status(f->ctx.store, an.id, COMMENT_APPROVED, T0 + 50),
		    STORE_OK);
		reader_ids_add(&own, an.id);
		if (first == 0)
			first = an.id;
		answer_free(&an);
	}
	char cookie[512];
	snprintf(cookie, sizeof(cookie), "other=1; " READER_COOKIE_NAME "=%s",
	    reader_cookie_make(f->a, f->app.secret, &own, T0 + 100));
	struct form next = { .name = "Nasrin", .email = "NASRIN@example.ir", .body = "fourth",
	    .token = tok };
	do_post(f, &next, IP1, cookie, false, T0 + 100, &an);
	assert_int_equal(an.res.status, 303);
	assert_int_equal(app_fixture_comment(f, an.id).status, COMMENT_APPROVED);
	answer_free(&an);
	/* The same name and e-mail without the cookie: held. */
	next.body = "fifth";
	do_post(f, &next, IP2, NULL, false, T0 + 100, &an);
	assert_int_equal(app_fixture_comment(f, an.id).status, COMMENT_PENDING);
	answer_free(&an);
	/* A cookie signed with another secret: held. */
	snprintf(cookie, sizeof(cookie), READER_COOKIE_NAME "=%s",
	    reader_cookie_make(f->a, other_key, &own, T0 + 100));
	next.body = "sixth";
	do_post(f, &next, IP1, cookie, false, T0 + 100, &an);
	assert_int_equal(app_fixture_comment(f, an.id).status, COMMENT_PENDING);
	answer_free(&an);
	/* The right cookie with another name: held. */
	snprintf(cookie, sizeof(cookie), READER_COOKIE_NAME "=%s",
	    reader_cookie_make(f->a, f->app.secret, &own, T0 + 100));
	struct form other = { .name = "Someone", .email = "nasrin@example.ir", .body = "seventh",
	    .token = tok };
	do_post(f, &other, IP1, cookie, false, T0 + 100, &an);
	assert_int_equal(app_fixture_comment(f, an.id).status, COMMENT_PENDING);
	answer_free(&an);
	/* Trust does not open the other gates: links still hold. */
	struct form linky = { .name = "Nasrin", .email = "nasrin@example.ir",
	    .body = "http://a.ir http://b.ir http://c.ir", .token = tok };
	do_post(f, &linky, IP1, cookie, true, T0 + 100, &an);
	assert_int_equal(an.res.status, 201);
	assert_int_equal(app_fixture_comment(f, an.id).status, COMMENT_PENDING);
	assert_string_equal(app_fixture_comment(f, an.id).reason, "links");
	answer_free(&an);
	/* Four approved so far (three by a moderator, "fourth" at once):
	 * with trusted_after = 5 one more is needed. */
	f->app.cfg.trusted_after = 5;
	next.body = "eighth";
	do_post(f, &next, IP1, cookie, true, T0 + 100, &an);
	assert_int_equal(an.res.status, 201);
	assert_non_null(strstr(body_of(&an), "\"status\":\"pending\""));
	answer_free(&an);
	f->app.cfg.trusted_after = 3;
	next.body = "ninth";
	do_post(f, &next, IP1, cookie, true, T0 + 100, &an);
	assert_non_null(strstr(body_of(&an), "\"status\":\"approved\""));
	answer_free(&an);
}

static void
post_path(void **state)
{
	struct app_fixture *f = *state;
	APP_FIXTURE_NEED(f);
	app_fixture_block(f, "word", "كلاهبردار", "hold");
	app_fixture_block(f, "word", "free money", "spam");
	app_fixture_block(f, "email", "@spam.example", "spam");
	app_fixture_block(f, "address", "198.51.100.0/24", "hold");

	/* mode = post: a clean comment is published at once … */
	struct response res;
	int64_t ok = post(f, "Reader", NULL, "A fair article.", "192.0.2.10", false, &res);
	assert_int_equal(res.status, 303);
	assert_int_equal(app_fixture_comment(f, ok).status, COMMENT_APPROVED);
	assert_string_equal(app_fixture_comment(f, ok).reason, "");
	buf_free(&res.body);

	/* … a held word holds it, in whatever spelling … */
	int64_t held = post(f, "Reader", NULL, "این آقا کلاه‌بردار است.", "192.0.2.11", false,
	    &res);
	assert_int_equal(res.status, 303);	/* the same answer as any held comment */
	struct comment c = app_fixture_comment(f, held);
	assert_int_equal(c.status, COMMENT_PENDING);
	assert_string_equal(c.reason, "blocklist: word «كلاهبردار»");
	buf_free(&res.body);

	/* … a spam phrase sends it to spam, answered exactly as a clean
	 * comment is (201, the same status and message) … */
	int64_t clean = post(f, "Reader", NULL, "Nothing to see here.", "192.0.2.17", true, &res);
	assert_int_equal(res.status, 201);
	const char *clean_answer = strstr(buf_str(&res.body), "\"status\":");
	assert_non_null(clean_answer);
	clean_answer = strdup(clean_answer);
	buf_free(&res.body);
	assert_int_equal(app_fixture_comment(f, clean).status, COMMENT_APPROVED);
	int64_t spam = post(f, "Reader", NULL, "Get FREE, money now!", "192.0.2.12", true, &res);
	assert_int_equal(res.status, 201);
	const char *spam_answer = strstr(buf_str(&res.body), "\"status\":");
	assert_non_null(spam_answer);
	assert_string_equal(spam_answer, clean_answer);
	free((void *)clean_answer);
	assert_null(strstr(buf_str(&res.body), "blocklist"));
	assert_null(strstr(buf_str(&res.body), "spam"));
	c = app_fixture_comment(f, spam);
	assert_int_equal(c.status, COMMENT_SPAM);
	assert_string_equal(c.reason, "blocklist: word «free money»");
	buf_free(&res.body);

	/* … the e-mail's domain and subdomains, the name, the address. */
	int64_t by_mail = post(f, "Reader", "x@mail.spam.example", "Hello", "192.0.2.13", false,
	    &res);
	c = app_fixture_comment(f, by_mail);
	assert_int_equal(c.status, COMMENT_SPAM);
	assert_string_equal(c.reason, "blocklist: email «@spam.example»");
	buf_free(&res.body);
	int64_t by_name = post(f, "كلاهبردار", NULL, "Hello there", "192.0.2.14", false, &res);
	assert_int_equal(app_fixture_comment(f, by_name).status, COMMENT_PENDING);
	buf_free(&res.body);
	int64_t by_addr = post(f, "Reader", NULL, "Hello from afar", "::ffff:198.51.100.77", false,
	    &res);
	c = app_fixture_comment(f, by_addr);
	assert_int_equal(c.status, COMMENT_PENDING);
	assert_string_equal(c.reason, "blocklist: address «198.51.100.0/24»");
	buf_free(&res.body);
	/* "press" must not catch WordPress. */
	app_fixture_block(f, "word", "press", "spam");
	int64_t wp = post(f, "Reader", NULL, "I use WordPress.", "192.0.2.15", false, &res);
	assert_int_equal(app_fixture_comment(f, wp).status, COMMENT_APPROVED);
	buf_free(&res.body);
	/* Another anti-spam reason and the blocklist's together. */
	int64_t both = post(f, "Reader", NULL, "free money: http://a.example http://b.example "
	    "http://c.example", "192.0.2.16", false, &res);
	c = app_fixture_comment(f, both);
	assert_int_equal(c.status, COMMENT_SPAM);
	assert_string_equal(c.reason, "blocklist: word «free money»; links");
	buf_free(&res.body);

	/* The queue shows why. */
	app_fixture_admin(f, "GET", "/admin/queue", "status=spam", NULL, &res);
	assert_int_equal(res.status, 200);
	assert_non_null(strstr(buf_str(&res.body), "blocklist: word «free money»"));
	assert_non_null(strstr(buf_str(&res.body), "blocklist: email «@spam.example»"));
	buf_free(&res.body);
	app_fixture_admin(f, "GET", "/admin/queue", "status=pending", NULL, &res);
	assert_non_null(strstr(buf_str(&res.body), "blocklist: word «كلاهبردار»"));
	buf_free(&res.body);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(post_form_markup, app_fixture_setup, app_fixture_teardown),
		cmocka_unit_test_setup_teardown(post_person_and_bots, app_fixture_setup, app_fixture_teardown),
		cmocka_unit_test_setup_teardown(post_expired_form, app_fixture_setup, app_fixture_teardown),
		cmocka_unit_test_setup_teardown(post_rate_limits, app_fixture_setup, app_fixture_teardown),
		cmocka_unit_test_setup_teardown(post_duplicates, app_fixture_setup, app_fixture_teardown),
		cmocka_unit_test_setup_teardown(post_sent_again, app_fixture_setup, app_fixture_teardown),
		cmocka_unit_test_setup_teardown(post_links, app_fixture_setup, app_fixture_teardown),
		cmocka_unit_test_setup_teardown(post_trusted, app_fixture_setup, app_fixture_teardown),
		cmocka_unit_test_setup_teardown(post_path, app_fixture_setup_open, app_fixture_teardown),
		cmocka_unit_test_setup_teardown(thread_bounds_replies, app_fixture_setup, app_fixture_teardown),
		cmocka_unit_test_setup_teardown(post_reader_day_limit, app_fixture_setup, app_fixture_teardown),
	};
	return cmocka_run_group_tests_name("post", tests, NULL, NULL);
}
