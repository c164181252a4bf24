/* h_misc.c — small resources: the health check. */
#include "app.h"
#include "buf.h"
#include "handlers.h"
#include "request.h"
#include "store.h"
#include "store_health.h"

void
handle_health(const struct ctx *c, struct request *r, struct response *res)
{
	res->content_type = "application/json; charset=utf-8";
	response_header(res, "Cache-Control", "no-store");
	if (store_ping(c->store) != STORE_OK) {
		res->status = 503;
		buf_puts(&res->body, "{\"status\":\"unavailable\",\"writable\":false}\n");
		return;
	}
	/* Reads work; posts need writes too (a full disk, a read-only file). */
	if (!store_writable(c->store, r->now)) {
		res->status = 503;
		buf_puts(&res->body, "{\"status\":\"read-only\",\"writable\":false,"
		    "\"version\":\"" PACKAGE_VERSION "\"}\n");
		return;
	}
	buf_puts(&res->body, "{\"status\":\"ok\",\"writable\":true,\"version\":\""
	    PACKAGE_VERSION "\"}\n");
}
