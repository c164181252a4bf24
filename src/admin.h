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

struct actor;
struct ctx;
struct op_ctx;
struct op_result;
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

/* Adds the headers only admin answers carry (a strict CSP, no-store);
 * response_common_headers adds the rest. */
void admin_security_headers(struct response *res);

/* False when the request is visibly cross-site: an Origin header naming
 * another origin than the request's own, or Sec-Fetch-Site other than
 * same-origin or none. An Origin without a port names the scheme's
 * default one: it is ours only when SERVER_PORT is that port (or unknown)
 * or Host itself carries a port. Absent headers are not evidence either
 * way (the CSRF token is the real check). */
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

/* The gate of every signed-in page, applied by the router from the route
 * table: the session (a GET without one is sent to the sign-in page, a
 * POST gets 403), then for POSTs the cross-site check and the session's
 * CSRF token (403 otherwise), then the permission (403). Returns true when
 * the handler may go on. */
bool admin_enter(const struct ctx *c, struct request *r, struct response *res,
    struct admin_session *s, enum auth_permission perm);
/* The gate of the pages open without a session (signing in): a POST must
 * not be visibly cross-site (403). */
bool admin_enter_open(const struct ctx *c, struct request *r, struct response *res);
/* After any admin request: passwords typed into a form (sign-in, account,
 * users) are wiped from the request's memory, which is not cleared when
 * the arena is freed. */
void admin_forget_passwords(struct request *r);

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
/* The storage did not answer: 503 with Retry-After and a link back. */
void admin_unavailable(const struct ctx *c, struct request *r, struct response *res,
    const struct admin_session *s, const char *back);
/* 303 to an admin path (relative to admin_path, e.g. "/queue?status=spam"). */
void admin_redirect(const struct ctx *c, struct request *r, struct response *res,
    const char *where);

/* Sets up an operation (op.h) on behalf of the signed-in moderator: *who
 * names them and their address, *oc points at *who. */
void admin_op_begin(const struct ctx *c, struct request *r, const struct admin_session *s,
    struct op_ctx *oc, struct actor *who);
/* For an operation that changed nothing: sends the Retry-After its problem
 * calls for, if any, and returns the status the page answers with. */
int admin_op_status(struct response *res, const struct op_result *or);

/* Localized date and number helpers for templates. */
const char *admin_date(const struct ctx *c, struct request *r, long long t);
const char *admin_number(const struct ctx *c, struct request *r, long long n);

#endif
