/* h_misc.c — small resources: the health check. */
#include "app.h"
#include "arena.h"
#include "handlers.h"
#include "request.h"
#include "store.h"
#include "tmpl.h"
#include "view.h"

void
handle_health(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *a)
{
	struct tval *o = tval_object(r->arena);
	response_header(res, "Cache-Control", "no-store");
	if (store_ping(c->store) == STORE_OK) {
		tval_set_str(r->arena, o, "status", "ok");
		tval_set_str(r->arena, o, "version", PACKAGE_VERSION);
		view_json(res, 200, o);
		return;
	}
	tval_set_str(r->arena, o, "status", "unavailable");
	view_json(res, 503, o);
}
