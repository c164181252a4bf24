/* route.h — the one table of what nazar serves below base_path, public and
 * admin, and the router that answers from it.
 *
 * A row names the methods, the path (exact, "{id}" for one segment of a
 * positive id, or a final "*" for everything below a prefix), the handler,
 * who may call it (anyone; the admin area without a session, as the
 * sign-in pages; or a signed-in moderator with a permission) and the
 * handler's parameter table (param.h). From the table come 404, 405 with
 * Allow, the admin gate (admin.h), the 400 of a request that does not fit
 * the parameters, and the headers every answer carries. */
#ifndef NAZAR_ROUTE_H
#define NAZAR_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"

struct ctx;
struct handler_args;
struct param_table;
struct request;
struct response;

/* Methods of a row; GET answers HEAD too (the server drops the body). */
#define ROUTE_GET	0x1u
#define ROUTE_POST	0x2u

/* The cache column of a row (see struct route). */
#define ROUTE_PRIVATE	0u
#define ROUTE_SHARED	1u

enum route_access {
	ROUTE_PUBLIC,		/* anyone; the public headers */
	ROUTE_ADMIN_OPEN,	/* the admin headers, no session (signing in) */
	ROUTE_ADMIN		/* the admin gate: session, CSRF on POST, perm */
};

struct route {
	const char *path;
	unsigned methods;
	/* The handler (handlers.h); NULL: the row only marks an area (404). */
	void (*handler)(const struct ctx *c, struct request *r, struct response *res,
	    const struct handler_args *a);
	enum route_access access;
	enum auth_permission perm;	/* ROUTE_ADMIN only */
	const struct param_table *params;
	/* ROUTE_SHARED: a public read whose answer is the same for every
	 * reader who holds no reader cookie, so nginx may keep it for a
	 * second (response_cache_rule); 0 for everything else. */
	unsigned cache;
};

/* The outcome of looking a request up in the table. */
struct route_match {
	const struct route *route;	/* the row to run; NULL: 404 or 405 */
	const struct route *area;	/* a row the path matched, for any method */
	unsigned allow;			/* methods the path answers (405 when set) */
	int64_t id;			/* the path's {id} */
};

/* Looks method and path up: m->route is set when a row answers them;
 * otherwise m->allow names the methods that would (405), or is 0 (404). */
void route_find(const char *method, const char *path, struct route_match *m);

/* True when path belongs to the admin area (its rows and below /admin/). */
bool route_is_admin(const char *path);

/* How many form fields a POST to path may carry (request_source); 0: its
 * body is not read at all (param_table's body_ignored). */
size_t route_max_form_fields(const char *path);

/* "GET, HEAD, POST" and the like, for the Allow header. */
const char *route_allow_text(unsigned methods);

/* The table itself (for tests and documentation). */
const struct route *route_table(size_t *n);

/* Answers r into res: the matching handler, or an error page. Returns
 * the index in the table of the row that answered, or the table's size
 * when none did (404, 405), for the request counters (metrics.h). */
size_t route_dispatch(const struct ctx *c, struct request *r, struct response *res);

/* Answers a request that request_read refused with status. */
void route_refused(const struct ctx *c, struct request *r, struct response *res, int status);

#endif
