/* admin.c — the gate of the moderators' pages (sessions, CSRF, cross-site
 * checks, the admin-only headers) and the page frame they share; see
 * admin.h. Which paths are admin pages is the route table's to say. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "admin.h"
#include "app.h"
#include "arena.h"
#include "buf.h"
#include "catalog.h"
#include "html.h"
#include "http.h"
#include "locale.h"
#include "log.h"
#include "op.h"
#include "request.h"
#include "tmpl.h"
#include "view.h"

/* A session's last use is written at most this often: one write per page
 * view would serialize moderators on the database lock for nothing. */
#define SESSION_TOUCH_SECONDS 60

void
admin_security_headers(struct response *res)
{
	response_header(res, "Content-Security-Policy",
	    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
	    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
	response_header(res, "Cache-Control", "no-store");
}

const char *
admin_path(const struct ctx *c, const struct request *r)
{
	(void)r;
	/* base_path never ends in '/', and is "" when nazar owns the root. */
	return arena_printf(r->arena, "%s/admin", c->app->cfg.base_path);
}

const char *
admin_cookie_name(const struct ctx *c, const struct request *r, const char *base)
{
	if (!r->https)
		return base;
	/* __Host- demands Path=/, which only an admin at the root allows. */
	return arena_printf(r->arena, "%s%s",
	    c->app->cfg.base_path[0] == '\0' ? "__Host-" : "__Secure-", base);
}

const char *
admin_cookie_attributes(const struct ctx *c, const struct request *r)
{
	const char *path = c->app->cfg.base_path[0] == '\0' && r->https ? "/" :
	    admin_path(c, r);
	return arena_printf(r->arena, "Path=%s; HttpOnly; SameSite=Strict%s", path,
	    r->https ? "; Secure" : "");
}

bool
admin_same_origin(const struct request *r)
{
	if (r->fetch_site[0] != '\0' && strcmp(r->fetch_site, "same-origin") != 0 &&
	    strcmp(r->fetch_site, "none") != 0)
		return false;
	if (r->origin[0] == '\0')
		return true;
	/* "null" (sandboxed or privacy-stripped) is not our origin either. */
	const char *scheme = r->https ? "https://" : "http://";
	size_t sl = strlen(scheme);
	if (strncasecmp(r->origin, scheme, sl) != 0)
		return false;
	const char *o = r->origin + sl;
	if (r->host[0] == '\0')
		return false;
	bool host_port = request_host_has_port(r);
	if (strcasecmp(o, r->host) == 0)
		/* An Origin without a port means the scheme's default port: the
		 * server must be listening there (Debian's fastcgi_params send
		 * Host without the port, so on :8080 Host and such an Origin
		 * agree and only SERVER_PORT tells them apart). */
		return host_port || r->server_port[0] == '\0' ||
		    strcmp(r->server_port, r->https ? "443" : "80") == 0;
	/* nginx's stock fastcgi_params pass HTTP_HOST as $host, without the
	 * port; a browser's Origin names it unless it is the scheme's default.
	 * Then the host plus SERVER_PORT must be what the Origin says. */
	if (host_port || r->server_port[0] == '\0')
		return false;
	size_t hl = strlen(r->host);
	return strncasecmp(o, r->host, hl) == 0 && o[hl] == ':' &&
	    strcmp(o + hl + 1, r->server_port) == 0;
}

bool
admin_session_get(const struct ctx *c, struct request *r, struct admin_session *s)
{
	const struct config *cfg = &c->app->cfg;
	memset(s, 0, sizeof(*s));
	const char *cookie = kvlist_get(&r->cookies, admin_cookie_name(c, r, "nazar_admin"));
	unsigned char token[AUTH_TOKEN_BYTES];
	if (cookie == NULL || auth_token_decode(cookie, token) != 0)
		return false;
	auth_token_hash(token, s->token_hash);
	sodium_memzero(token, sizeof(token));
	struct session ses;
	if (store_session_get(c->store, s->token_hash, &ses) != STORE_OK)
		return false;
	if (auth_session_expired(ses.created, ses.last_seen, r->now,
	    cfg->session_idle_minutes * 60, cfg->session_lifetime_hours * 3600)) {
		(void)store_session_delete(c->store, s->token_hash);
		return false;
	}
	if (store_user_by_id(c->store, r->arena, ses.user_id, &s->user, NULL) != STORE_OK ||
	    s->user.disabled)
		return false;
	memcpy(s->csrf, ses.csrf, sizeof(s->csrf));
	auth_token_encode(s->csrf, s->csrf_text);
	if (r->now - ses.last_seen >= SESSION_TOUCH_SECONDS)
		(void)store_session_touch(c->store, s->token_hash, r->now);
	return true;
}

bool
admin_enter(const struct ctx *c, struct request *r, struct response *res,
    struct admin_session *s, enum auth_permission perm)
{
	bool post = strcmp(r->method, "POST") == 0;
	if (post && !admin_same_origin(r)) {
		admin_message(c, r, res, NULL, 403, "admin.error.cross_site", NULL);
		return false;
	}
	if (!admin_session_get(c, r, s)) {
		if (post)
			admin_message(c, r, res, NULL, 403, "admin.error.signed_out", "/");
		else
			admin_redirect(c, r, res, "/");
		return false;
	}
	if (post && !auth_csrf_matches(s->csrf, kvlist_get(&r->form, "csrf"))) {
		admin_message(c, r, res, s, 403, "admin.error.csrf", NULL);
		return false;
	}
	if (!auth_role_allows(s->user.role, perm)) {
		admin_message(c, r, res, s, 403, "admin.error.forbidden", "/queue");
		return false;
	}
	return true;
}

bool
admin_enter_open(const struct ctx *c, struct request *r, struct response *res)
{
	if (strcmp(r->method, "POST") == 0 && !admin_same_origin(r)) {
		admin_message(c, r, res, NULL, 403, "admin.error.cross_site", "/");
		return false;
	}
	return true;
}

void
admin_forget_passwords(struct request *r)
{
	for (size_t i = 0; i < r->form.count; i++)
		if (strstr(r->form.items[i].key, "password") != NULL)
			sodium_memzero((char *)r->form.items[i].value, r->form.items[i].value_len);
}

struct tval *
admin_view(const struct ctx *c, struct request *r, const struct admin_session *s,
    const char *title_key)
{
	struct arena *a = r->arena;
	struct tval *o = view_base(c, r);
	struct tval *ad = tval_object(a);
	tval_set_str(a, ad, "path", admin_path(c, r));
	if (s != NULL) {
		tval_set_str(a, ad, "csrf", s->csrf_text);
		struct tval *u = tval_object(a);
		tval_set_str(a, u, "name", s->user.name);
		tval_set_str(a, u, "display_name", s->user.display_name);
		tval_set_str(a, u, "role", auth_role_name(s->user.role));
		tval_set(a, ad, "user", u);
		tval_set_bool(a, ad, "is_admin", auth_role_allows(s->user.role,
		    PERM_MANAGE_USERS));
	}
	tval_set(a, o, "admin", ad);
	const char *title = title_key ? catalog_get(c->app->strings, title_key) : NULL;
	tval_set_str(a, o, "page_title", title ? title : "");
	tval_set_str(a, o, "page", title_key ? title_key : "");
	return o;
}

void
admin_render(const struct ctx *c, struct request *r, struct response *res, int status,
    const char *name, struct tval *obj)
{
	(void)r;
	view_render(c, res, name, obj);
	if (res->status == 0 || res->status == 200)
		res->status = status ? status : 200;
}

void
admin_message(const struct ctx *c, struct request *r, struct response *res,
    const struct admin_session *s, int status, const char *message_key, const char *back)
{
	if (request_wants_json(r)) {
		struct tval *e = tval_object(r->arena);
		tval_set_str(r->arena, e, "error", view_message(c, r, message_key));
		view_json(res, status, e);
		return;
	}
	struct tval *o = admin_view(c, r, s, "admin.title.message");
	tval_set_str(r->arena, o, "message", view_message(c, r, message_key));
	if (back != NULL)
		tval_set_str(r->arena, o, "back_url",
		    arena_printf(r->arena, "%s%s", admin_path(c, r), back));
	tval_set_bool(r->arena, o, "is_error", status >= 400);
	admin_render(c, r, res, status, "admin-message", o);
}

void
admin_unavailable(const struct ctx *c, struct request *r, struct response *res,
    const struct admin_session *s, const char *back)
{
	view_retry_after(r, res, RETRY_STORAGE_SECONDS);
	admin_message(c, r, res, s, 503, "admin.error.unavailable", back);
}

void
admin_redirect(const struct ctx *c, struct request *r, struct response *res, const char *where)
{
	res->status = 303;
	const char *url = arena_printf(r->arena, "%s%s", admin_path(c, r), where);
	response_header(res, "Location", url);
	buf_puts(&res->body, "<!doctype html><meta charset=\"utf-8\"><title>303</title><p><a href=\"");
	html_escape_str(&res->body, url);
	buf_puts(&res->body, "\">→</a></p>\n");
}

void
admin_op_begin(const struct ctx *c, struct request *r, const struct admin_session *s,
    struct op_ctx *oc, struct actor *who)
{
	op_ctx_set(oc, who, c->store, r->arena, &c->app->cfg, s->user.id, s->user.name,
	    r->remote_addr, r->now);
}

int
admin_op_status(struct response *res, const struct op_result *or)
{
	const char *retry = op_retry_after(or->problem);
	if (retry != NULL)
		response_header(res, "Retry-After", retry);
	return op_http_status(or->problem);
}

const char *
admin_date(const struct ctx *c, struct request *r, long long t)
{
	struct buf b = { 0 };
	locale_format_datetime(&b, c->app->cfg.locale, (time_t)t);
	char *s = arena_strdup(r->arena, buf_str(&b));
	buf_free(&b);
	return s;
}

const char *
admin_number(const struct ctx *c, struct request *r, long long n)
{
	struct buf b = { 0 };
	locale_format_int(&b, c->app->cfg.locale, n);
	char *s = arena_strdup(r->arena, buf_str(&b));
	buf_free(&b);
	return s;
}
