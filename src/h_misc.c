/* h_misc.c — small resources: the health check. */
#include "app.h"
#include "buf.h"
#include "handlers.h"
#include "request.h"
#include "store.h"

void
handle_health(const struct ctx *c, struct request *r, struct response *res)
{
	res->content_type = "application/json; charset=utf-8";
	response_header(res, "Cache-Control", "no-store");
	if (store_ping(c->store) == STORE_OK) {
		buf_puts(&res->body, "{\"status\":\"ok\",\"version\":\"" PACKAGE_VERSION "\"}\n");
		return;
	}
	res->status = 503;
	buf_puts(&res->body, "{\"status\":\"unavailable\"}\n");
}
