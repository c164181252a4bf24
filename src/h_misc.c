/* h_misc.c — small resources: the health check and the metrics. */
#include "app.h"
#include "arena.h"
#include "buf.h"
#include "metrics.h"
#include "handlers.h"
#include "request.h"
#include "store.h"
#include "store_health.h"
#include "store_metrics.h"
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

/* GET /metrics: the Prometheus exposition (metrics.h), to the addresses
 * of [metrics] allow only; everyone else gets a 403 that says nothing
 * more. Never cached: every scrape is counted and read afresh. */
void
handle_metrics(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *a)
{
	(void)a;
	response_header(res, "Cache-Control", "no-store");
	res->content_type = "text/plain; charset=utf-8";
	if (!config_metrics_allowed(&c->app->cfg, r->remote_addr)) {
		res->status = 403;
		buf_puts(&res->body, "forbidden\n");
		return;
	}
	res->content_type = "text/plain; version=0.0.4; charset=utf-8";
	struct metrics_counts *counts = arena_alloc(r->arena, sizeof(*counts));
	metrics_read(counts);
	struct metrics_db db;
	bool up = store_metrics_read(c->store, r->arena, &db) == STORE_OK;
	size_t n;
	const struct metrics_route *routes = metrics_routes(&n);
	metrics_write(&res->body, counts, routes, n, up ? &db : NULL, r->now);
}
