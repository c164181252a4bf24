/* h_admin_login.c — signing in and out.
 *
 * A wrong user name and a wrong password get the same answer, status and
 * (through the dummy hash) about the same time. Failed attempts are counted
 * per user name and per address; over the configured limits the attempt is
 * refused with 429 before any hashing — and refused attempts are not
 * counted, so the real moderator is never locked out for longer than the
 * window. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "admin.h"
#include "antispam.h"
#include "app.h"
#include "arena.h"
#include "auth.h"
#include "http.h"
#include "log.h"
#include "request.h"
#include "store_moderation.h"
#include "store_users.h"
#include "text.h"
#include "tmpl.h"
#include "validate.h"
#include "view.h"

/* Longer user names are not ours; they are still answered like a wrong
 * password (and counted), just cut for the log and the audit. */
#define USERNAME_MAX_BYTES 64
/* How long a browser is remembered as one a user signed in from. */
#define DEVICE_MAX_AGE (90 * 24 * 3600)

/* The pre-session value of the sign-in form: from the cookie when it is
 * well-formed, else a new one, sent as a cookie. */
static void
presession(const struct ctx *c, struct request *r, struct response *res,
    unsigned char pre[AUTH_TOKEN_BYTES])
{
	const char *name = admin_cookie_name(c, r, "nazar_pre");
	const char *v = kvlist_get(&r->cookies, name);
	if (v != NULL && auth_token_decode(v, pre) == 0)
		return;
	auth_token_new(pre);
	char text[AUTH_TOKEN_TEXT];
	auth_token_encode(pre, text);
	response_header(res, "Set-Cookie", arena_printf(r->arena, "%s=%s; %s", name, text,
	    admin_cookie_attributes(c, r)));
}

static void
login_form(const struct ctx *c, struct request *r, struct response *res, int status,
    const char *username, const char *message_key)
{
	unsigned char pre[AUTH_TOKEN_BYTES];
	presession(c, r, res, pre);
	char csrf[AUTH_TOKEN_TEXT];
	auth_login_csrf(c->app->secret, pre, csrf);
	struct tval *o = admin_view(c, r, NULL, "admin.title.login");
	struct tval *ad = tval_get(o, "admin");
	tval_set_str(r->arena, ad, "csrf", csrf);
	tval_set_str(r->arena, o, "username", username ? username : "");
	if (message_key != NULL)
		tval_set_str(r->arena, o, "error", view_message(c, r, message_key));
	if (kvlist_get(&r->query, "signed_out") != NULL)
		tval_set_str(r->arena, o, "notice", view_message(c, r, "admin.notice.signed_out"));
	admin_render(c, r, res, status, "admin-login", o);
}

void
admin_login_page(const struct ctx *c, struct request *r, struct response *res)
{
	admin_security_headers(res);
	struct admin_session s;
	if (admin_session_get(c, r, &s)) {
		admin_redirect(c, r, res, "/queue");
		return;
	}
	login_form(c, r, res, 200, NULL, NULL);
}

static void
audit_login(const struct ctx *c, struct request *r, int64_t user_id, const char *name,
    const char *action, const char *reason)
{
	struct audit_entry e = {
		.at = r->now, .user_id = user_id, .actor = (char *)name,
		.remote_addr = (char *)r->remote_addr, .action = (char *)action,
		.target = (char *)"", .before = (char *)"", .after = (char *)"",
		.reason = (char *)(reason ? reason : ""),
	};
	if (store_audit_add(c->store, &e) != STORE_OK)
		log_error("audit: %s of %s not recorded", action, name);
}

void
admin_login(const struct ctx *c, struct request *r, struct response *res)
{
	const struct config *cfg = &c->app->cfg;
	admin_security_headers(res);
	if (!admin_same_origin(r)) {
		admin_message(c, r, res, NULL, 403, "admin.error.cross_site", "/");
		return;
	}
	const char *username = kvlist_get(&r->form, "username");
	const char *password = kvlist_get(&r->form, "password");
	if (username == NULL)
		username = "";
	if (password == NULL)
		password = "";
	/* Shown back in the form and written to the audit: bounded and valid. */
	char *shown = utf8_make_displayable(r->arena,
	    arena_strndup(r->arena, username, strnlen(username, USERNAME_MAX_BYTES)));
	/* It goes into the audit and the log: no line breaks or escapes. */
	for (char *p = shown; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';

	unsigned char pre[AUTH_TOKEN_BYTES];
	const char *pre_text = kvlist_get(&r->cookies, admin_cookie_name(c, r, "nazar_pre"));
	if (pre_text == NULL || auth_token_decode(pre_text, pre) != 0 ||
	    !auth_login_csrf_matches(c->app->secret, pre, kvlist_get(&r->form, "csrf"))) {
		login_form(c, r, res, 403, shown, "admin.error.login_expired");
		return;
	}

	/* Failures are counted per address group (/24, /64 as configured for
	 * posting): an attacker rotating through their own IPv6 /64 is one
	 * address, not 2^64 of them. */
	char group[ANTISPAM_GROUP_MAX];
	(void)antispam_address_group(r->remote_addr, cfg->ipv4_prefix, cfg->ipv6_prefix, group);
	struct user u;
	char *stored = NULL;
	enum store_result sr = store_user_by_name(c->store, r->arena, shown, &u, &stored);
	if (sr != STORE_OK && sr != STORE_NOT_FOUND) {
		response_header(res, "Retry-After", "5");
		login_form(c, r, res, 503, shown, "admin.error.unavailable");
		return;
	}

	long long ufail, afail;
	int64_t uold, aold;
	int window = cfg->login_window_minutes * 60;
	if (store_login_failures(c->store, shown, group, r->now - window, &ufail, &uold,
	    &afail, &aold) != STORE_OK) {
		response_header(res, "Retry-After", "5");
		login_form(c, r, res, 503, shown, "admin.error.unavailable");
		return;
	}
	/* A browser that signed in as this user before is not held back by
	 * failures on the user name: those may be an attacker's, who could
	 * otherwise keep the moderator out for ever, one try per window. */
	if (sr == STORE_OK && auth_device_cookie_valid(c->app->secret,
	    kvlist_get(&r->cookies, admin_cookie_name(c, r, "nazar_device")), u.id, r->now,
	    DEVICE_MAX_AGE))
		ufail = 0;
	int wait = auth_throttle_wait(ufail, uold, afail, aold, cfg->login_failures_per_user,
	    cfg->login_failures_per_address, window, r->now);
	if (wait > 0) {
		audit_login(c, r, 0, shown, "login_failed", "throttled");
		response_header(res, "Retry-After", arena_printf(r->arena, "%d", wait));
		login_form(c, r, res, 429, shown, "admin.error.throttled");
		return;
	}

	bool known = sr == STORE_OK && !u.disabled && strlen(username) <= USERNAME_MAX_BYTES;
	bool ok = false, rehash = false;
	char newhash[AUTH_HASH_TEXT];
	size_t pwlen = strlen(password);
	enum auth_hash_result hr = AUTH_HASH_OK;
	if (pwlen <= AUTH_PASSWORD_MAX_BYTES)
		hr = auth_verify_password(known ? stored : NULL, password, pwlen, &ok, &rehash,
		    newhash);
	sodium_memzero((char *)password, pwlen);	/* the request's copy */
	if (hr != AUTH_HASH_OK) {
		response_header(res, "Retry-After", "2");
		login_form(c, r, res, 503, shown, "admin.error.busy");
		return;
	}
	if (!ok) {
		(void)store_login_failure_add(c->store, shown, group, r->now);
		audit_login(c, r, known ? u.id : 0, shown, "login_failed",
		    known ? "password" : "user");
		login_form(c, r, res, 401, shown, "admin.error.login_failed");
		return;
	}

	unsigned char token[AUTH_TOKEN_BYTES], hash[AUTH_TOKEN_BYTES], csrf[AUTH_TOKEN_BYTES];
	auth_token_new(token);
	auth_token_new(csrf);
	auth_token_hash(token, hash);
	sr = store_session_create(c->store, hash, u.id, csrf, r->remote_addr,
	    utf8_make_displayable(r->arena, arena_strndup(r->arena, r->user_agent,
	    strnlen(r->user_agent, 256))), r->now);
	sodium_memzero(csrf, sizeof(csrf));
	if (sr != STORE_OK) {
		sodium_memzero(token, sizeof(token));
		response_header(res, "Retry-After", "5");
		login_form(c, r, res, 503, shown, "admin.error.unavailable");
		return;
	}
	(void)store_login_failures_clear(c->store, u.name);
	/* Housekeeping on the rare event of a sign-in: failures past the
	 * window and sessions past their limits are of no use any more. */
	(void)store_login_failures_purge(c->store, r->now - window);
	(void)store_session_purge(c->store, r->now - cfg->session_idle_minutes * 60,
	    r->now - cfg->session_lifetime_hours * 3600);
	if (rehash && store_user_rehash(c->store, u.id, newhash, hash, r->now) == STORE_OK)
		log_info("password hash of %s upgraded", u.name);
	sodium_memzero(newhash, sizeof(newhash));
	audit_login(c, r, u.id, u.name, "login", NULL);

	char text[AUTH_TOKEN_TEXT];
	auth_token_encode(token, text);
	sodium_memzero(token, sizeof(token));
	const char *attrs = admin_cookie_attributes(c, r);
	response_header(res, "Set-Cookie", arena_printf(r->arena, "%s=%s; %s",
	    admin_cookie_name(c, r, "nazar_admin"), text, attrs));
	sodium_memzero(text, sizeof(text));
	char device[AUTH_DEVICE_TEXT];
	auth_device_cookie(c->app->secret, u.id, r->now, device);
	response_header(res, "Set-Cookie", arena_printf(r->arena, "%s=%s; Max-Age=%d; %s",
	    admin_cookie_name(c, r, "nazar_device"), device, DEVICE_MAX_AGE, attrs));
	/* The pre-session value has done its job; a new one comes with the
	 * next sign-in form. */
	response_header(res, "Set-Cookie", arena_printf(r->arena, "%s=; Max-Age=0; %s",
	    admin_cookie_name(c, r, "nazar_pre"), attrs));
	admin_redirect(c, r, res, "/queue");
}

void
admin_logout(const struct ctx *c, struct request *r, struct response *res)
{
	struct admin_session s;
	if (!admin_enter(c, r, res, &s, PERM_MODERATE))
		return;
	if (store_session_delete(c->store, s.token_hash) != STORE_OK) {
		response_header(res, "Retry-After", "5");
		admin_message(c, r, res, &s, 503, "admin.error.unavailable", "/queue");
		return;
	}
	audit_login(c, r, s.user.id, s.user.name, "logout", NULL);
	response_header(res, "Set-Cookie", arena_printf(r->arena, "%s=; Max-Age=0; %s",
	    admin_cookie_name(c, r, "nazar_admin"), admin_cookie_attributes(c, r)));
	/* Clear-Site-Data also empties the browser's cache of admin pages. */
	response_header(res, "Clear-Site-Data", "\"cache\"");
	admin_redirect(c, r, res, "/?signed_out=1");
}
