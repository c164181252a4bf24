/* route.c — the table of what nazar serves below base_path, and the router
 * that answers from it; see route.h. */
#include <string.h>

#include "admin.h"
#include "app.h"
#include "arena.h"
#include "handlers.h"
#include "num.h"
#include "param.h"
#include "request.h"
#include "route.h"
#include "view.h"

#define GET ROUTE_GET
#define POST ROUTE_POST
#define PUBLIC ROUTE_PUBLIC
#define OPEN ROUTE_ADMIN_OPEN
#define ADMIN ROUTE_ADMIN
#define SHARED ROUTE_SHARED
#define PRIVATE ROUTE_PRIVATE

static const struct route routes[] = {
	/* path, methods, handler, access, permission, parameters, cache */
	{ "/thread", GET, handle_thread, PUBLIC, 0, &thread_params, SHARED },
	{ "/thread.json", GET, handle_thread_json, PUBLIC, 0, &thread_json_params, SHARED },
	{ "/embed", GET, handle_embed, PUBLIC, 0, &thread_params, SHARED },
	{ "/replies", GET, handle_replies, PUBLIC, 0, &replies_params, PRIVATE },
	{ "/counts", GET, handle_counts, PUBLIC, 0, &counts_params, SHARED },
	{ "/post", POST, handle_post, PUBLIC, 0, &post_params, PRIVATE },
	{ "/vote", POST, handle_vote, PUBLIC, 0, &vote_params, PRIVATE },
	/* A reader's own comment (h_own.c): GET and POST differ in rows. */
	{ "/edit", GET, handle_edit_page, PUBLIC, 0, &own_page_params, PRIVATE },
	{ "/edit", POST, handle_edit, PUBLIC, 0, &own_params, PRIVATE },
	{ "/withdraw", POST, handle_withdraw, PUBLIC, 0, &own_params, PRIVATE },
	{ "/health", GET, handle_health, PUBLIC, 0, NULL, PRIVATE },
	{ "/feed.atom", GET, handle_feed, PUBLIC, 0, &feed_params, PRIVATE },
	{ "/latest", GET, handle_latest, PUBLIC, 0, &latest_params, SHARED },
	{ "/latest.json", GET, handle_latest_json, PUBLIC, 0, &latest_json_params, SHARED },
	{ "/count", GET, handle_count, PUBLIC, 0, &count_params, SHARED },
	/* For [metrics] allow only; never cached. */
	{ "/metrics", GET, handle_metrics, PUBLIC, 0, NULL, PRIVATE },
	/* The links in mail to readers: a token in the address; never cached. */
	{ "/confirm", GET | POST, handle_confirm, PUBLIC, 0, &reader_mail_params, PRIVATE },
	{ "/unsubscribe", GET | POST, handle_unsubscribe, PUBLIC, 0, &reader_mail_params,
	    PRIVATE },
	{ "/decide", GET | POST, handle_mail_decide, PUBLIC, 0, &decide_params, PRIVATE },

	/* /comments/admin → /comments/admin/, so relative links work. */
	{ "/admin", GET | POST, admin_root, OPEN, 0, NULL, PRIVATE },
	{ "/admin/", GET, admin_login_page, OPEN, 0, &login_page_params, PRIVATE },
	{ "/admin/login", POST, admin_login, OPEN, 0, &login_params, PRIVATE },
	{ "/admin/logout", POST, admin_logout, ADMIN, PERM_MODERATE, NULL, PRIVATE },
	{ "/admin/overview", GET, admin_overview, ADMIN, PERM_MODERATE, NULL, PRIVATE },
	{ "/admin/queue", GET, admin_queue, ADMIN, PERM_MODERATE, &queue_params, PRIVATE },
	{ "/admin/moderate", POST, admin_moderate, ADMIN, PERM_MODERATE, &moderate_params,
	    PRIVATE },
	{ "/admin/comments/{id}", GET, admin_comment_page, ADMIN, PERM_MODERATE,
	    &comment_params, PRIVATE },
	{ "/admin/comments/{id}/edit", POST, admin_comment_edit, ADMIN, PERM_MODERATE,
	    &comment_params, PRIVATE },
	{ "/admin/comments/{id}/reply", POST, admin_comment_reply, ADMIN, PERM_MODERATE,
	    &comment_params, PRIVATE },
	{ "/admin/comments/{id}/reset-votes", POST, admin_comment_reset_votes, ADMIN,
	    PERM_MODERATE, NULL, PRIVATE },
	{ "/admin/comments/{id}/revision", POST, admin_comment_revision, ADMIN, PERM_MODERATE,
	    &revision_params, PRIVATE },
	{ "/admin/comments/{id}/pin", POST, admin_comment_pin, ADMIN, PERM_MODERATE,
	    &pin_params, PRIVATE },
	{ "/admin/comments/{id}/close-thread", POST, admin_comment_close_thread, ADMIN,
	    PERM_MODERATE, NULL, PRIVATE },
	{ "/admin/comments/{id}/open-thread", POST, admin_comment_open_thread, ADMIN,
	    PERM_MODERATE, NULL, PRIVATE },
	{ "/admin/users", GET, admin_users_page, ADMIN, PERM_MANAGE_USERS, &users_params,
	    PRIVATE },
	{ "/admin/users", POST, admin_users_change, ADMIN, PERM_MANAGE_USERS, &users_params,
	    PRIVATE },
	{ "/admin/account", GET, admin_account_page, ADMIN, PERM_MODERATE, &account_params,
	    PRIVATE },
	{ "/admin/account", POST, admin_account_change, ADMIN, PERM_MODERATE, &account_params,
	    PRIVATE },
	{ "/admin/account/notify", POST, admin_account_notify, ADMIN, PERM_MODERATE,
	    &account_notify_params, PRIVATE },
	{ "/admin/audit", GET, admin_audit, ADMIN, PERM_MODERATE, &audit_params, PRIVATE },
	{ "/admin/outbox", GET, admin_outbox_page, ADMIN, PERM_MANAGE_USERS, &outbox_params,
	    PRIVATE },
	{ "/admin/blocklist", GET, admin_blocklist_page, ADMIN, PERM_MODERATE,
	    &blocklist_params, PRIVATE },
	{ "/admin/blocklist", POST, admin_blocklist_change, ADMIN, PERM_MODERATE,
	    &blocklist_params, PRIVATE },
	/* Anything else below /admin/ is a 404 of the admin area. */
	{ "/admin/*", 0, NULL, OPEN, 0, NULL, PRIVATE },
};

#define NROUTES (sizeof(routes) / sizeof(routes[0]))

const struct route *
route_table(size_t *n)
{
	*n = NROUTES;
	return routes;
}

/* Whether path matches pattern; *id set from a "{id}" segment. */
static bool
path_matches(const char *pattern, const char *path, int64_t *id)
{
	static const char slot[] = "{id}";
	for (;;) {
		if (strncmp(pattern, slot, sizeof(slot) - 1) == 0) {
			size_t n = strcspn(path, "/");
			if (path[0] < '1' || path[0] > '9' || !num_parse_n(path, n, 1, INT64_MAX, id))
				return false;
			pattern += sizeof(slot) - 1;
			path += n;
			continue;
		}
		if (pattern[0] == '*' && pattern[1] == '\0')
			return true;
		if (*pattern != *path)
			return false;
		if (*pattern == '\0')
			return true;
		pattern++;
		path++;
	}
}

static unsigned
method_bit(const char *method)
{
	if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
		return ROUTE_GET;
	if (strcmp(method, "POST") == 0)
		return ROUTE_POST;
	return 0;
}

void
route_find(const char *method, const char *path, struct route_match *m)
{
	unsigned want = method_bit(method ? method : "");
	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < NROUTES; i++) {
		int64_t id = 0;
		if (!path_matches(routes[i].path, path, &id))
			continue;
		if (m->area == NULL)
			m->area = &routes[i];
		/* An area row (no handler) answers nothing itself: 404. */
		if (routes[i].handler == NULL)
			return;
		m->allow |= routes[i].methods;
		if ((routes[i].methods & want) != 0) {
			m->route = m->area = &routes[i];
			m->id = id;
			return;
		}
	}
}

bool
route_is_admin(const char *path)
{
	struct route_match m;
	route_find("GET", path, &m);
	return m.area != NULL && m.area->access != ROUTE_PUBLIC;
}

size_t
route_max_form_fields(const char *path)
{
	struct route_match m;
	route_find("POST", path, &m);
	if (m.route != NULL && m.route->params != NULL && m.route->params->body_ignored)
		return 0;
	return route_is_admin(path) ? REQUEST_MAX_ADMIN_FIELDS : REQUEST_MAX_FIELDS;
}

const char *
route_allow_text(unsigned methods)
{
	if (methods == (ROUTE_GET | ROUTE_POST))
		return "GET, HEAD, POST";
	return methods == ROUTE_POST ? "POST" : "GET, HEAD";
}

/* Reads the parameters; on a refusal answers 400 (or 413) and returns false. */
static bool
read_params(const struct ctx *c, struct request *r, struct response *res,
    const struct route *rt, struct admin_session *s, struct params *p)
{
	const struct param_spec *bad;
	memset(p, 0, sizeof(*p));
	if (rt->params == NULL)
		return true;
	int status = param_read(r->arena, rt->params, &r->query, &r->form, p, &bad);
	if (status == 0)
		return true;
	const char *key = bad && bad->error ? bad->error : rt->params->error;
	if (rt->access != ROUTE_PUBLIC) {
		if (status == 413 && (bad == NULL || bad->error == NULL))
			key = "admin.error.too_many";
		admin_message(c, r, res, s, status, key ? key : "admin.error.bad_request",
		    "/queue");
		return false;
	}
	if (rt->params->json)
		r->accept = "application/json";
	view_error(c, r, res, status, key ? key : "error.bad_request");
	return false;
}

/* Runs a row: the gate for admin rows, the parameters, the handler. */
static void
run(const struct ctx *c, struct request *r, struct response *res, const struct route *rt,
    int64_t id)
{
	struct admin_session s;
	struct handler_args args = { .id = id };
	if (rt->access == ROUTE_ADMIN) {
		if (!admin_enter(c, r, res, &s, rt->perm))
			return;
		args.session = &s;
	} else if (rt->access == ROUTE_ADMIN_OPEN && !admin_enter_open(c, r, res))
		return;
	struct params p;
	if (!read_params(c, r, res, rt, args.session, &p))
		return;
	args.in = &p;
	rt->handler(c, r, res, &args);
}

size_t
route_dispatch(const struct ctx *c, struct request *r, struct response *res)
{
	struct route_match m;
	route_find(r->method, r->path, &m);
	bool admin = m.area != NULL && m.area->access != ROUTE_PUBLIC;
	if (admin)
		admin_security_headers(res);
	if (m.route != NULL)
		run(c, r, res, m.route, m.id);
	else if (m.allow != 0) {
		response_header(res, "Allow", route_allow_text(m.allow));
		view_error(c, r, res, 405, "error.method");
	} else
		view_error(c, r, res, 404, "error.not_found");
	if (admin)
		admin_forget_passwords(r);
	response_common_headers(res, admin ? RESPONSE_ADMIN : RESPONSE_PUBLIC);
	response_cache_rule(res, r, m.route != NULL && m.route->cache == ROUTE_SHARED);
	return m.route != NULL ? (size_t)(m.route - routes) : NROUTES;
}

void
route_refused(const struct ctx *c, struct request *r, struct response *res, int status)
{
	static const char *const keys[] = { [400] = "error.bad_request",
	    [404] = "error.not_found", [413] = "error.too_large",
	    [415] = "error.unsupported" };
	const char *key = status > 0 && status < 416 && keys[status] ? keys[status] :
	    "error.bad_request";
	if (r->path == NULL)
		r->path = "";
	/* A refused admin request is still an admin response. */
	bool admin = route_is_admin(r->path);
	if (admin)
		admin_security_headers(res);
	view_error(c, r, res, status, key);
	if (admin)
		admin_forget_passwords(r);
	response_common_headers(res, admin ? RESPONSE_ADMIN : RESPONSE_PUBLIC);
	response_cache_rule(res, r, false);
}
