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
#include "handlers.h"
#include "http.h"
#include "log.h"
#include "param.h"
#include "request.h"
#include "store_moderation.h"
#include "store_users.h"
#include "text.h"
#include "tmpl.h"
#include "validate.h"
#include "view.h"

/* How long a browser is remembered as one a user signed in from. */
#define DEVICE_MAX_AGE (90 * 24 * 3600)

/* The sign-in page (signed_out: after signing out) and the sign-in form. */
enum { LP_SIGNED_OUT };
static const struct param_spec login_page_specs[] = {
	[LP_SIGNED_OUT] = { PARAM("signed_out", PARAM_TEXT, 0) },
};
const struct param_table login_page_params = { PARAM_TABLE(login_page_specs) };

enum { L_USERNAME, L_PASSWORD, L_CSRF };
static const struct param_spec login_specs[] = {
	[L_USERNAME] = { PARAM("username", PARAM_TEXT, PARAM_FORM) },
	[L_PASSWORD] = { PARAM("password", PARAM_TEXT, PARAM_FORM) },
	[L_CSRF] = { PARAM("csrf", PARAM_TEXT, PARAM_FORM) },
};
const struct param_table login_params = { PARAM_TABLE(login_specs) };

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
    const char *username, const char *message_key, bool signed_out)
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
	if (signed_out)
		tval_set_str(r->arena, o, "notice", view_message(c, r, "admin.notice.signed_out"));
	admin_render(c, r, res, status, "admin-login", o);
}

void
admin_root(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args)
{
	admin_redirect(c, r, res, "/");
}

void
admin_login_page(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args)
{
	struct admin_session s;
	if (admin_session_get(c, r, &s)) {
		admin_redirect(c, r, res, "/overview");
		return;
	}
	login_form(c, r, res, 200, NULL, NULL, param_has(args->in, LP_SIGNED_OUT));
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

/* The user name as typed, for the form, the audit and the log: bounded,
 * valid UTF-8, without line breaks or escapes. */
static char *
shown_name(struct request *r, const char *username)
{
	char *shown = utf8_make_displayable(r->arena,
	    arena_strndup(r->arena, username, strnlen(username, AUTH_USERNAME_MAX)));
	for (char *p = shown; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return shown;
}

/* What a sign-in attempt is about: the name as shown, the user (when
 * found), their stored hash, and the address group failures count on. */
struct attempt {
	const char *shown;
	bool found;
	struct user u;
	char *stored;
	char group[ANTISPAM_GROUP_MAX];
	int window;
};

/* The user and the throttle: false when the attempt is answered already
 * (503, or 429 with Retry-After). */
static bool
login_admitted(const struct ctx *c, struct request *r, struct response *res,
    struct attempt *at)
{
	const struct config *cfg = &c->app->cfg;
	/* Failures are counted per address group (/24, /64 as configured for
	 * posting): an attacker rotating through their own IPv6 /64 is one
	 * address, not 2^64 of them. */
	(void)antispam_address_group(r->remote_addr, cfg->ipv4_prefix, cfg->ipv6_prefix,
	    at->group);
	enum store_result sr = store_user_by_name(c->store, r->arena, at->shown, &at->u,
	    &at->stored);
	long long ufail, afail;
	int64_t uold, aold;
	at->found = sr == STORE_OK;
	at->window = cfg->login_window_minutes * 60;
	if ((sr != STORE_OK && sr != STORE_NOT_FOUND) ||
	    store_login_failures(c->store, at->shown, at->group, r->now - at->window, &ufail,
	    &uold, &afail, &aold) != STORE_OK) {
		view_retry_after(r, res, RETRY_STORAGE_SECONDS);
		login_form(c, r, res, 503, at->shown, "admin.error.unavailable", false);
		return false;
	}
	/* A browser that signed in as this user before is not held back by
	 * failures others can cause: on the user name (an attacker could keep
	 * the moderator out for ever, one try per window) nor from the
	 * address group (an office NAT, a carrier's CGNAT /24 shared with
	 * whoever is guessing). Its own wrong passwords still count against
	 * the name and the group, for everyone else. */
	if (at->found && auth_device_cookie_valid(c->app->secret,
	    kvlist_get(&r->cookies, admin_cookie_name(c, r, "nazar_device")), at->u.id, r->now,
	    DEVICE_MAX_AGE))
		ufail = afail = 0;
	int wait = auth_throttle_wait(ufail, uold, afail, aold, cfg->login_failures_per_user,
	    cfg->login_failures_per_address, at->window, r->now);
	if (wait > 0) {
		long long attempts;
		if (store_audit_throttled(c->store, at->shown, r->remote_addr, at->group, r->now,
		    at->window, &attempts) != STORE_OK)
			log_error("audit: throttled sign-in of %s not recorded", at->shown);
		view_retry_after(r, res, wait);
		login_form(c, r, res, 429, at->shown, "admin.error.throttled", false);
		return false;
	}
	return true;
}

/* The password: true when it is the user's; otherwise the attempt is
 * answered (503 busy, or 401 counted and audited). A hash in an older
 * form is upgraded after the session is open (*rehash, newhash). */
static bool
login_verified(const struct ctx *c, struct request *r, struct response *res,
    const struct attempt *at, const char *username, const char *password, bool *rehash,
    char newhash[AUTH_HASH_TEXT])
{
	bool known = at->found && !at->u.disabled && strlen(username) <= AUTH_USERNAME_MAX;
	bool ok = false;
	size_t pwlen = strlen(password);
	enum auth_hash_result hr = AUTH_HASH_OK;
	*rehash = false;
	if (pwlen <= AUTH_PASSWORD_MAX_BYTES)
		hr = auth_verify_password(known ? at->stored : NULL, password, pwlen, &ok, rehash,
		    newhash);
	sodium_memzero((char *)password, pwlen);	/* the request's copy */
	if (hr != AUTH_HASH_OK) {
		view_retry_after(r, res, RETRY_BUSY_SECONDS);
		login_form(c, r, res, 503, at->shown, "admin.error.busy", false);
		return false;
	}
	if (!ok) {
		(void)store_login_failure_add(c->store, at->shown, at->group, r->now);
		audit_login(c, r, known ? at->u.id : 0, at->shown, "login_failed",
		    known ? "password" : "user");
		login_form(c, r, res, 401, at->shown, "admin.error.login_failed", false);
		return false;
	}
	return true;
}

/* The cookies of a new session: the session itself, the device this user
 * signed in from, and the end of the pre-session value (a new one comes
 * with the next sign-in form). */
static void
session_cookies(const struct ctx *c, struct request *r, struct response *res,
    const struct user *u, const unsigned char token[AUTH_TOKEN_BYTES])
{
	char text[AUTH_TOKEN_TEXT];
	auth_token_encode(token, text);
	const char *attrs = admin_cookie_attributes(c, r);
	response_header(res, "Set-Cookie", arena_printf(r->arena, "%s=%s; %s",
	    admin_cookie_name(c, r, "nazar_admin"), text, attrs));
	sodium_memzero(text, sizeof(text));
	char device[AUTH_DEVICE_TEXT];
	auth_device_cookie(c->app->secret, u->id, r->now, device);
	response_header(res, "Set-Cookie", arena_printf(r->arena, "%s=%s; Max-Age=%d; %s",
	    admin_cookie_name(c, r, "nazar_device"), device, DEVICE_MAX_AGE, attrs));
	response_header(res, "Set-Cookie", arena_printf(r->arena, "%s=; Max-Age=0; %s",
	    admin_cookie_name(c, r, "nazar_pre"), attrs));
}

/* Opens the session of a verified user and sends them to the queue. */
static void
login_open(const struct ctx *c, struct request *r, struct response *res,
    const struct attempt *at, bool rehash, char newhash[AUTH_HASH_TEXT])
{
	const struct config *cfg = &c->app->cfg;
	unsigned char token[AUTH_TOKEN_BYTES], hash[AUTH_TOKEN_BYTES], csrf[AUTH_TOKEN_BYTES];
	auth_token_new(token);
	auth_token_new(csrf);
	auth_token_hash(token, hash);
	enum store_result sr = store_session_create(c->store, hash, at->u.id, csrf,
	    r->remote_addr, utf8_make_displayable(r->arena, r->user_agent), r->now);
	sodium_memzero(csrf, sizeof(csrf));
	if (sr != STORE_OK) {
		sodium_memzero(token, sizeof(token));
		view_retry_after(r, res, RETRY_STORAGE_SECONDS);
		login_form(c, r, res, 503, at->shown, "admin.error.unavailable", false);
		return;
	}
	(void)store_login_failures_clear(c->store, at->u.name);
	/* Housekeeping on the rare event of a sign-in: failures past the
	 * window and sessions past their limits are of no use any more. */
	(void)store_login_failures_purge(c->store, r->now - at->window);
	(void)store_session_purge(c->store, r->now - cfg->session_idle_minutes * 60,
	    r->now - cfg->session_lifetime_hours * 3600);
	if (rehash && store_user_rehash(c->store, at->u.id, newhash, hash, r->now) ==
	    STORE_OK)
		log_info("password hash of %s upgraded", at->u.name);
	audit_login(c, r, at->u.id, at->u.name, "login", NULL);
	session_cookies(c, r, res, &at->u, token);
	sodium_memzero(token, sizeof(token));
	/* The overview first; the queue is one link away. */
	admin_redirect(c, r, res, "/overview");
}

void
admin_login(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args)
{
	const char *username = param_str(args->in, L_USERNAME);
	const char *password = param_str(args->in, L_PASSWORD);
	struct attempt at = { .shown = shown_name(r, username) };
	unsigned char pre[AUTH_TOKEN_BYTES];
	const char *pre_text = kvlist_get(&r->cookies, admin_cookie_name(c, r, "nazar_pre"));
	if (pre_text == NULL || auth_token_decode(pre_text, pre) != 0 ||
	    !auth_login_csrf_matches(c->app->secret, pre, param_text(args->in, L_CSRF))) {
		login_form(c, r, res, 403, at.shown, "admin.error.login_expired", false);
		return;
	}
	if (!login_admitted(c, r, res, &at))
		return;
	bool rehash;
	char newhash[AUTH_HASH_TEXT];
	if (login_verified(c, r, res, &at, username, password, &rehash, newhash))
		login_open(c, r, res, &at, rehash, newhash);
	sodium_memzero(newhash, sizeof(newhash));
}

void
admin_logout(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args)
{
	const struct admin_session *s = args->session;
	if (store_session_delete(c->store, s->token_hash) != STORE_OK) {
		admin_unavailable(c, r, res, s, "/queue");
		return;
	}
	audit_login(c, r, s->user.id, s->user.name, "logout", NULL);
	response_header(res, "Set-Cookie", arena_printf(r->arena, "%s=; Max-Age=0; %s",
	    admin_cookie_name(c, r, "nazar_admin"), admin_cookie_attributes(c, r)));
	/* Clear-Site-Data also empties the browser's cache of admin pages. */
	response_header(res, "Clear-Site-Data", "\"cache\"");
	admin_redirect(c, r, res, "/?signed_out=1");
}
