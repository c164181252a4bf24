/* h_misc.c — small resources: the health check. */
#include "app.h"
#include "arena.h"
#include "handlers.h"
#include "request.h"
#include "store.h"
#include "store_health.h"
#include "tmpl.h"
#include "view.h"

void
handle_health(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *a)
{
	struct tval *o = tval_object(r->arena);
	response_header(res, "Cache-Control", "no-store");
	if (store_ping(c->store) != STORE_OK) {
		tval_set_str(r->arena, o, "status", "unavailable");
		tval_set_bool(r->arena, o, "writable", false);
		view_json(res, 503, o);
		return;
	}
	/* Reads work; posts need writes too (a full disk, a read-only file). */
	bool writable = store_writable(c->store, r->now);
	tval_set_str(r->arena, o, "status", writable ? "ok" : "read-only");
	tval_set_bool(r->arena, o, "writable", writable);
	tval_set_str(r->arena, o, "version", PACKAGE_VERSION);
	view_json(res, writable ? 200 : 503, o);
}
