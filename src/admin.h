/* admin.h — what every moderator page shares: the session, the CSRF and
 * cross-site checks, the security headers, and the page frame.
 *
 * The admin lives at base_path + "/admin/". Every response below it carries
 * a strict Content-Security-Policy (no inline script, no framing), nosniff,
 * Referrer-Policy: same-origin and Cache-Control: no-store, so that nothing
 * private is kept by the browser or a proxy, not even for the back button
 * after signing out. */
#ifndef NAZAR_ADMIN_H
#define NAZAR_ADMIN_H

#include <stdbool.h>

#include "auth.h"
#include "store_users.h"

struct ctx;
struct request;
struct response;
struct tval;

/* The signed-in moderator of a request. */
struct admin_session {
	struct user user;
	unsigned char token_hash[AUTH_TOKEN_BYTES];
	unsigned char csrf[AUTH_TOKEN_BYTES];
	char csrf_text[AUTH_TOKEN_TEXT];
};

/* Answers every path below /admin (route.c sends them here). */
void admin_dispatch(const struct ctx *c, struct request *r, struct response *res);

/* Adds the admin security headers to res. */
void admin_security_headers(struct response *res);

/* False when the request is visibly cross-site: an Origin header naming
 * another origin than the request's own, or Sec-Fetch-Site other than
 * same-origin or none. Absent headers are not evidence either way (the
 * CSRF token is the real check). */
bool admin_same_origin(const struct request *r);

/* An admin cookie's name for this request, for base "nazar_admin" (the
 * session) or "nazar_pre" (the sign-in form's): "__Host-" + base when
 * served over HTTPS at the root path, "__Secure-" + base over HTTPS
 * elsewhere, base alone over plain HTTP (development). */
const char *admin_cookie_name(const struct ctx *c, const struct request *r, const char *base);
/* The attributes every admin cookie carries (Path, HttpOnly, SameSite,
 * Secure), to append after "name=value". */
const char *admin_cookie_attributes(const struct ctx *c, const struct request *r);
/* The admin's URL path prefix, e.g. "/comments/admin". */
const char *admin_path(const struct ctx *c, const struct request *r);

/* Finds the request's session: true and *s filled when the cookie names a
 * live session of an enabled user (and records the use); expired sessions
 * are deleted on sight. */
bool admin_session_get(const struct ctx *c, struct request *r, struct admin_session *s);

/* The gate of every signed-in page: headers, then the session (a GET
 * without one is sent to the sign-in page, a POST gets 403), then for POSTs
 * the cross-site check and the session's CSRF token (403 otherwise), then
 * the permission (403). Returns true when the handler may go on. */
bool admin_enter(const struct ctx *c, struct request *r, struct response *res,
    struct admin_session *s, enum auth_permission perm);

/* The template context of an admin page: view_base plus "admin" (path,
 * csrf, user, is_admin, nav) and the page's title key. */
struct tval *admin_view(const struct ctx *c, struct request *r, const struct admin_session *s,
    const char *title_key);
/* Renders an admin template with status (200 when 0). */
void admin_render(const struct ctx *c, struct request *r, struct response *res, int status,
    const char *name, struct tval *obj);
/* An admin page that says one thing (error or notice) with status, and a
 * link back to where the moderator was. */
void admin_message(const struct ctx *c, struct request *r, struct response *res,
    const struct admin_session *s, int status, const char *message_key, const char *back);
/* 303 to an admin path (relative to admin_path, e.g. "/queue?status=spam"). */
void admin_redirect(const struct ctx *c, struct request *r, struct response *res,
    const char *where);

/* An integer query/form value in [min, max], else def. */
long long admin_int_param(const char *v, long long min, long long max, long long def);

/* A comment (with its reply context) as template values, for the queue
 * and the comment page; in h_admin_queue.c. */
struct queue_item;
struct tval *admin_comment_value(const struct ctx *c, struct request *r,
    const struct queue_item *it);
/* Adds "reasons" (the configured list) and "has_reasons" to obj. */
void admin_reasons(const struct ctx *c, struct request *r, struct tval *obj);

/* Localized date and number helpers for templates. */
const char *admin_date(const struct ctx *c, struct request *r, long long t);
const char *admin_number(const struct ctx *c, struct request *r, long long n);

/* The handlers, in h_admin_*.c. */
void admin_login_page(const struct ctx *c, struct request *r, struct response *res);
void admin_login(const struct ctx *c, struct request *r, struct response *res);
void admin_logout(const struct ctx *c, struct request *r, struct response *res);
void admin_queue(const struct ctx *c, struct request *r, struct response *res);
void admin_moderate(const struct ctx *c, struct request *r, struct response *res);
void admin_comment(const struct ctx *c, struct request *r, struct response *res, long long id,
    const char *verb);
void admin_users(const struct ctx *c, struct request *r, struct response *res);
void admin_account(const struct ctx *c, struct request *r, struct response *res);
void admin_audit(const struct ctx *c, struct request *r, struct response *res);
void admin_blocklist(const struct ctx *c, struct request *r, struct response *res);

#endif
