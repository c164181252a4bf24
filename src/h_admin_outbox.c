/* h_admin_outbox.c — the outbox for administrators: how many messages
 * wait, are being sent, were sent, failed, were merged into a digest or
 * dropped, and the newest of one state with their last error; what
 * `nazarctl mail status` prints, in the browser. Read only. */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "app.h"
#include "arena.h"
#include "catalog.h"
#include "handlers.h"
#include "param.h"
#include "request.h"
#include "store_outbox.h"
#include "tmpl.h"

#define OUTBOX_PAGE_ROWS 100

/* In the order of enum outbox_state; "all" is any. */
static const char *const states[] = {
	"pending", "sending", "sent", "failed", "merged", "dropped", "all", NULL
};
_Static_assert(sizeof(states) / sizeof(states[0]) == OUTBOX_STATE__MAX + 2,
    "every state and all");

enum { OB_STATE };
static const struct param_spec outbox_specs[] = {
	[OB_STATE] = { PARAM("state", PARAM_ENUM, PARAM_LENIENT), .names = states },
};
const struct param_table outbox_params = { PARAM_TABLE(outbox_specs) };

static struct tval *
outbox_tabs(const struct ctx *c, struct request *r, int current, const long long *counts)
{
	struct arena *a = r->arena;
	struct tval *tabs = tval_list(a);
	long long all = 0;
	for (int i = 0; i <= OUTBOX_STATE__MAX; i++) {
		if (i < OUTBOX_STATE__MAX)
			all += counts[i];
		struct tval *t = tval_object(a);
		tval_set_str(a, t, "label", catalog_get(c->app->strings,
		    arena_printf(a, "admin.outbox.%s", states[i])));
		tval_set_str(a, t, "count", admin_number(c, r, i < OUTBOX_STATE__MAX ? counts[i] :
		    all));
		tval_set_str(a, t, "url", arena_printf(a, "/outbox?state=%s", states[i]));
		tval_set_bool(a, t, "current", i == current);
		tval_push(a, tabs, t);
	}
	return tabs;
}

static struct tval *
outbox_row(const struct ctx *c, struct request *r, const struct outbox_item *it)
{
	struct arena *a = r->arena;
	struct tval *v = tval_object(a);
	tval_set_str(a, v, "id", admin_number(c, r, it->id));
	const char *key = arena_printf(a, "admin.outbox.kind.%s", outbox_kind_name(it->kind));
	const char *kind = catalog_has(c->app->strings, key) ?
	    catalog_get(c->app->strings, key) : outbox_kind_name(it->kind);
	/* A webhook's event is a fixed English word, as the receiver sees it. */
	if (it->kind == OUTBOX_WEBHOOK && it->event != NULL && it->event[0] != '\0')
		kind = arena_printf(a, "%s (%s)", kind, it->event);
	tval_set_str(a, v, "kind", kind);
	tval_set_str(a, v, "state", catalog_get(c->app->strings,
	    arena_printf(a, "admin.outbox.%s", outbox_state_name(it->state))));
	tval_set_str(a, v, "state_name", outbox_state_name(it->state));
	tval_set_str(a, v, "recipient", it->recipient);
	tval_set_str(a, v, "attempts", admin_number(c, r, it->attempts));
	tval_set_str(a, v, "created", admin_date(c, r, it->created));
	tval_set_str(a, v, "when", admin_date(c, r, it->sent > 0 ? it->sent : it->due));
	tval_set_bool(a, v, "was_sent", it->sent > 0);
	if (it->comment_id > 0)
		tval_set_number(a, v, "comment_id", (double)it->comment_id);
	tval_set_str(a, v, "error", it->last_error);
	return v;
}

void
admin_outbox_page(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args)
{
	const struct admin_session *s = args->session;
	struct arena *a = r->arena;
	/* Failures first: what an operator comes here for. */
	long long state = param_int(args->in, OB_STATE, OUTBOX_FAILED);
	long long counts[OUTBOX_STATE__MAX];
	struct outbox_item *items;
	size_t n;
	if (store_outbox_counts(c->store, counts) != STORE_OK ||
	    store_outbox_list(c->store, a, state < OUTBOX_STATE__MAX ? (int)state : -1,
	    OUTBOX_PAGE_ROWS, &items, &n) != STORE_OK) {
		admin_unavailable(c, r, res, s, "/queue");
		return;
	}
	struct tval *o = admin_view(c, r, s, "admin.title.outbox");
	tval_set(a, o, "tabs", outbox_tabs(c, r, (int)state, counts));
	struct tval *l = tval_list(a);
	for (size_t i = 0; i < n; i++)
		tval_push(a, l, outbox_row(c, r, &items[i]));
	tval_set(a, o, "rows", l);
	tval_set_bool(a, o, "empty", n == 0);
	tval_set_bool(a, o, "mail_off", c->app->cfg.mail_transport == MAIL_TRANSPORT_NONE);
	tval_set_str(a, o, "limit", admin_number(c, r, OUTBOX_PAGE_ROWS));
	admin_render(c, r, res, 200, "admin-outbox", o);
}
