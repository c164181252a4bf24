/* h_feed.c — Atom feeds (RFC 4287) of published comments: one article's
 * or the whole site's, newest first, with ETag and Last-Modified so that
 * feed readers polling every few minutes mostly get a 304. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "handlers.h"
#include "http.h"
#include "locale.h"
#include "request.h"
#include "store.h"
#include "store_recent.h"
#include "tmpl.h"
#include "validate.h"
#include "view.h"

enum { F_ARTICLE };
static const struct param_spec feed_specs[] = {
	[F_ARTICLE] = { PARAM("article", PARAM_TEXT, 0), .check = validate_article_id },
};
const struct param_table feed_params = {
	PARAM_TABLE(feed_specs), .error = "error.article_invalid",
};

/* A permanent id that depends on neither the host name nor the URL
 * layout (both change when a site moves): a UUID made from the server's
 * secret and what it names, so it is the same for as long as the
 * database lives and differs from every other site's. */
static const char *
feed_urn(struct arena *a, const unsigned char secret[32], const char *what)
{
	unsigned char h[16];
	crypto_generichash(h, sizeof(h), (const unsigned char *)what, strlen(what), secret, 32);
	h[6] = (unsigned char)((h[6] & 0x0f) | 0x80);	/* version 8: custom */
	h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);	/* the RFC 9562 variant */
	return arena_printf(a, "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7],
	    h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15]);
}

/* scheme://host of this site: from [mail] base_url when set (the address
 * the operator names), else from the request. */
static const char *
feed_origin(const struct ctx *c, struct request *r)
{
	const char *base = c->app->cfg.mail_base_url;
	const char *hostpart = strstr(base, "://");
	if (base[0] != '\0' && hostpart != NULL) {
		size_t n = (size_t)(hostpart + 3 - base) + strcspn(hostpart + 3, "/");
		return arena_printf(r->arena, "%.*s", (int)n, base);
	}
	return request_origin(r);
}

static const char *
absolute(struct request *r, const char *origin, const char *url)
{
	if (url[0] == '/' && url[1] != '/')
		return arena_printf(r->arena, "%s%s", origin, url);
	return url;
}

static const char *
rfc3339(struct request *r, int64_t t)
{
	struct buf b = { 0 };
	locale_format_iso8601(&b, (time_t)t);
	const char *s = arena_strdup(r->arena, buf_str(&b));
	buf_free(&b);
	return s;
}

static void
feed_entry(const struct ctx *c, struct request *r, struct tval *list, const char *origin,
    const struct comment *cm)
{
	struct arena *a = r->arena;
	struct tval *e = tval_object(a);
	tval_set_str(a, e, "id", feed_urn(a, c->app->secret,
	    arena_printf(a, "comment:%lld", (long long)cm->id)));
	tval_set_str(a, e, "name", cm->name);
	tval_set_str(a, e, "article", cm->article);
	tval_set_str(a, e, "published", rfc3339(r, cm->created));
	tval_set_str(a, e, "updated", rfc3339(r, cm->updated > cm->created ?
	    cm->updated : cm->created));
	tval_set_str(a, e, "url", arena_printf(a, "%s#nazar-comment-%lld",
	    absolute(r, origin, view_article_url(c, r, cm->article)), (long long)cm->id));
	tval_set_str(a, e, "body", cm->body);
	tval_set_bool(a, e, "site_reply", cm->site_reply);
	tval_push(a, list, e);
}

/* 304 when the client's copy is this one: If-None-Match decides when
 * present (RFC 9110 13.2.2), else If-Modified-Since. */
static bool
not_modified(struct request *r, const char *etag, int64_t changed)
{
	if (r->if_none_match[0] != '\0')
		return http_etag_matches(r->if_none_match, etag);
	int64_t since;
	return r->if_modified_since[0] != '\0' && changed > 0 &&
	    http_date_parse(r->if_modified_since, &since) && changed <= since;
}

void
handle_feed(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *a)
{
	const struct config *cfg = &c->app->cfg;
	if (cfg->feed_entries == 0) {
		view_error(c, r, res, 404, "error.not_found");
		return;
	}
	const char *article = param_text(a->in, F_ARTICLE);
	struct comment *rows;
	size_t n;
	int64_t changed;
	if (store_recent_changed(c->store, article, &changed) != STORE_OK ||
	    store_recent(c->store, r->arena, article, NULL, cfg->feed_entries, &rows,
	    &n) != STORE_OK) {
		view_retry_after(r, res, RETRY_STORAGE_SECONDS);
		view_error(c, r, res, 503, "error.unavailable");
		return;
	}
	struct arena *ar = r->arena;
	const char *origin = feed_origin(c, r);
	struct tval *obj = view_base(c, r);
	const char *self = article != NULL ?
	    arena_printf(ar, "%s%s/feed.atom?article=%s", origin, cfg->base_path, article) :
	    arena_printf(ar, "%s%s/feed.atom", origin, cfg->base_path);
	tval_set_str(ar, obj, "self_url", self);
	tval_set_str(ar, obj, "feed_id", feed_urn(ar, c->app->secret,
	    article != NULL ? arena_printf(ar, "feed:article:%s", article) : "feed:site"));
	tval_set_str(ar, obj, "updated", rfc3339(r, changed > 0 ? changed : 0));
	if (article != NULL) {
		tval_set_str(ar, obj, "article", article);
		tval_set_str(ar, obj, "alternate_url",
		    absolute(r, origin, view_article_url(c, r, article)));
	}
	struct tval *entries = tval_list(ar);
	for (size_t i = 0; i < n; i++)
		feed_entry(c, r, entries, origin, &rows[i]);
	tval_set(ar, obj, "entries", entries);
	view_render(c, res, "feed", obj);
	if (res->status >= 400)
		return;

	unsigned char h[16];
	crypto_generichash(h, sizeof(h), (const unsigned char *)res->body.data, res->body.len,
	    NULL, 0);
	char hex[2 * sizeof(h) + 1];
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	const char *etag = arena_printf(ar, "\"%s\"", hex);
	char date[HTTP_DATE_LEN];
	http_date_format(changed > 0 ? changed : 0, date);
	response_header(res, "ETag", etag);
	response_header(res, "Last-Modified", arena_strdup(ar, date));
	/* Public and the same for everyone; a minute keeps a removed comment
	 * from lingering long in shared caches. */
	response_header(res, "Cache-Control", "public, max-age=60");
	res->content_type = "application/atom+xml; charset=utf-8";
	if (not_modified(r, etag, changed)) {
		res->status = 304;
		buf_reset(&res->body);
	}
}
