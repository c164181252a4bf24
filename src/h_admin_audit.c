/* h_admin_audit.c — the audit trail, newest first: admins see everyone's,
 * moderators their own. */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "app.h"
#include "arena.h"
#include "catalog.h"
#include "handlers.h"
#include "param.h"
#include "request.h"
#include "store_moderation.h"
#include "tmpl.h"

#define AUDIT_PAGE_SIZE 100

enum { AU_PAGE };
static const struct param_spec audit_specs[] = {
	[AU_PAGE] = { PARAM("page", PARAM_INT, PARAM_LENIENT), .min = 1, .max = PARAM_PAGE_MAX },
};
const struct param_table audit_params = { PARAM_TABLE(audit_specs) };

void
admin_audit(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args)
{
	const struct admin_session *s = args->session;
	struct arena *a = r->arena;
	bool all = auth_role_allows(s->user.role, PERM_AUDIT_ALL);
	long long page = param_int(args->in, AU_PAGE, 1);
	struct audit_entry *e;
	size_t n;
	long long total;
	if (store_audit_list(c->store, a, all ? 0 : s->user.id, (int)page, AUDIT_PAGE_SIZE, &e,
	    &n, &total) != STORE_OK) {
		admin_unavailable(c, r, res, s, "/queue");
		return;
	}
	struct tval *o = admin_view(c, r, s, "admin.title.audit");
	struct tval *l = tval_list(a);
	for (size_t i = 0; i < n; i++) {
		struct tval *v = tval_object(a);
		tval_set_str(a, v, "date", admin_date(c, r, e[i].at));
		tval_set_str(a, v, "actor", e[i].actor);
		tval_set_str(a, v, "remote_addr", e[i].remote_addr);
		const char *key = arena_printf(a, "admin.action.%s", e[i].action);
		tval_set_str(a, v, "action", e[i].action);
		tval_set_str(a, v, "action_text", catalog_has(c->app->strings, key) ?
		    catalog_get(c->app->strings, key) : e[i].action);
		if (e[i].comment_id != 0)
			tval_set_number(a, v, "comment_id", (double)e[i].comment_id);
		tval_set_str(a, v, "target", e[i].target);
		tval_set_str(a, v, "before", e[i].before);
		tval_set_str(a, v, "after", e[i].after);
		tval_set_str(a, v, "reason", e[i].reason);
		tval_push(a, l, v);
	}
	tval_set(a, o, "entries", l);
	tval_set_bool(a, o, "all", all);
	tval_set_bool(a, o, "empty", n == 0);
	long long pages = (total + AUDIT_PAGE_SIZE - 1) / AUDIT_PAGE_SIZE;
	if (page > 1)
		tval_set_str(a, o, "prev_url", arena_printf(a, "%s/audit?page=%lld",
		    admin_path(c, r), page - 1));
	if (page < pages)
		tval_set_str(a, o, "next_url", arena_printf(a, "%s/audit?page=%lld",
		    admin_path(c, r), page + 1));
	admin_render(c, r, res, 200, "admin-audit", o);
}
