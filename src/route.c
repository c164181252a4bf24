/* route.c — the table of what nazar serves below base_path. */
#include <string.h>

#include "admin.h"
#include "app.h"
#include "handlers.h"
#include "request.h"
#include "route.h"
#include "view.h"

enum method { GET = 1, POST = 2 };

struct route {
	const char *path;
	enum method method;
	handler_fn *handler;
};

static const struct route routes[] = {
	{ "/thread", GET, handle_thread },
	{ "/thread.json", GET, handle_thread_json },
	{ "/embed", GET, handle_embed },
	{ "/counts", GET, handle_counts },
	{ "/post", POST, handle_post },
	{ "/health", GET, handle_health },
};

void
route_dispatch(const struct ctx *c, struct request *r, struct response *res)
{
	/* HEAD is GET without a body; the server drops the body. */
	/* Everything below /admin has its own gate (admin.c). */
	if (strcmp(r->path, "/admin") == 0 || strncmp(r->path, "/admin/", 7) == 0) {
		admin_dispatch(c, r, res);
		return;
	}
	enum method m = strcmp(r->method, "POST") == 0 ? POST :
	    (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0) ? GET : 0;
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (strcmp(routes[i].path, r->path) != 0)
			continue;
		if (routes[i].method != m) {
			response_header(res, "Allow", routes[i].method == POST ? "POST" : "GET, HEAD");
			view_error(c, r, res, 405, "error.method");
			return;
		}
		routes[i].handler(c, r, res);
		return;
	}
	view_error(c, r, res, 404, "error.not_found");
}
