/* h_admin_blocklist.c — the blocklist page: moderators list, search, add
 * and remove entries (blocklist.h). Every change is audited ("block_add",
 * "block_remove", the target "kind pattern"); a pattern that is not valid
 * comes back with its message and the form as typed (422), one already on
 * the list with 409. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "admin.h"
#include "app.h"
#include "arena.h"
#include "blocklist.h"
#include "buf.h"
#include "catalog.h"
#include "handlers.h"
#include "http.h"
#include "log.h"
#include "param.h"
#include "op.h"
#include "request.h"
#include "store_blocklist.h"
#include "store_moderation.h"
#include "text.h"
#include "tmpl.h"
#include "validate.h"
#include "view.h"

#define BLOCK_PAGE_SIZE 50
#define BLOCK_MAX_Q_BYTES 200


/* The page's URL (below admin_path) for a filter, a search and a page. */
static const char *
page_url(struct arena *a, int kind, const char *q, long long page)
{
	struct buf b = { 0 };
	buf_puts(&b, "/blocklist");
	char sep = '?';
	if (kind >= 0) {
		buf_printf(&b, "%ckind=%s", sep, blocklist_kind_name((enum blocklist_kind)kind));
		sep = '&';
	}
	if (q != NULL && *q != '\0') {
		buf_printf(&b, "%cq=", sep);
		http_url_encode(&b, q);
		sep = '&';
	}
	if (page > 1)
		buf_printf(&b, "%cpage=%lld", sep, page);
	char *s = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return s;
}

/* The kinds or actions as <option>s, the chosen one selected. */
static struct tval *
options(const struct ctx *c, struct arena *a, const char *prefix, const char *const *names,
    int n, int chosen)
{
	struct tval *l = tval_list(a);
	for (int i = 0; i < n; i++) {
		struct tval *o = tval_object(a);
		tval_set_str(a, o, "value", names[i]);
		tval_set_str(a, o, "label", catalog_get(c->app->strings,
		    arena_printf(a, "%s%s", prefix, names[i])));
		tval_set_bool(a, o, "selected", i == chosen);
		tval_push(a, l, o);
	}
	return l;
}

static const char *const kind_values[BLOCK_KIND__MAX + 1] = { "word", "email", "address", NULL };
static const char *const action_values[BLOCK_ACTION__MAX + 1] = { "hold", "spam", NULL };
static const char *const block_changes[] = { "add", "remove", NULL };
static const char *const block_notices[] = { "block_added", "block_removed", NULL };

/* The page: a filter by kind, a search, a page, the notice after a change
 * (done); its forms: add (kind, block_action, pattern, note) and remove
 * (id). An unknown filter or page shows them all, from the first. */
enum { B_KIND, B_Q, B_PAGE, B_DONE, B_ACTION, B_NEW_KIND, B_NEW_ACTION, B_PATTERN,
	B_NOTE, B_ID };
static const struct param_spec blocklist_specs[] = {
	[B_KIND] = { PARAM("kind", PARAM_ENUM, PARAM_LENIENT), .names = kind_values },
	[B_Q] = { PARAM("q", PARAM_TEXT, 0) },
	[B_PAGE] = { PARAM("page", PARAM_INT, PARAM_LENIENT), .min = 1, .max = PARAM_PAGE_MAX },
	[B_DONE] = { PARAM("done", PARAM_ENUM, PARAM_LENIENT), .names = block_notices },
	[B_ACTION] = { PARAM("action", PARAM_ENUM, PARAM_FORM | PARAM_LENIENT), .names = block_changes },
	[B_NEW_KIND] = { PARAM("kind", PARAM_TEXT, PARAM_FORM) },
	[B_NEW_ACTION] = { PARAM("block_action", PARAM_TEXT, PARAM_FORM) },
	[B_PATTERN] = { PARAM("pattern", PARAM_TEXT, PARAM_FORM) },
	[B_NOTE] = { PARAM("note", PARAM_TEXT, PARAM_FORM) },
	[B_ID] = { PARAM("id", PARAM_INT, PARAM_FORM | PARAM_LENIENT), .min = 1, .max = INT64_MAX },
};
const struct param_table blocklist_params = { PARAM_TABLE(blocklist_specs) };

/* One entry of the list as the template shows it. */
static struct tval *
entry_value(const struct ctx *c, struct request *r, const struct blocklist_entry *e)
{
	struct arena *a = r->arena;
	struct tval *v = tval_object(a);
	tval_set_number(a, v, "id", (double)e->id);
	tval_set_str(a, v, "kind", blocklist_kind_name(e->kind));
	tval_set_str(a, v, "kind_text", catalog_get(c->app->strings,
	    arena_printf(a, "admin.block.kind.%s", blocklist_kind_name(e->kind))));
	tval_set_str(a, v, "action", blocklist_action_name(e->action));
	tval_set_str(a, v, "action_text", catalog_get(c->app->strings,
	    arena_printf(a, "admin.block.action.%s", blocklist_action_name(e->action))));
	tval_set_str(a, v, "pattern", e->pattern);
	tval_set_str(a, v, "folded", e->folded);
	tval_set_bool(a, v, "shown_as_typed", strcmp(e->pattern, e->folded) == 0);
	tval_set_str(a, v, "note", e->note);
	tval_set_str(a, v, "created", admin_date(c, r, e->created));
	tval_set_str(a, v, "created_by", e->created_by);
	return v;
}

/* The add form: as typed after a refusal (status 400 and up), empty
 * (hold) otherwise. */
static void
add_form_value(const struct ctx *c, struct request *r, struct tval *o,
    const struct params *in, int status)
{
	struct arena *a = r->arena;
	enum blocklist_kind new_kind = BLOCK_WORD;
	enum blocklist_action new_action = BLOCK_HOLD;
	if (status >= 400) {
		(void)blocklist_kind_parse(param_str(in, B_NEW_KIND), &new_kind);
		(void)blocklist_action_parse(param_str(in, B_NEW_ACTION), &new_action);
		tval_set_str(a, o, "new_pattern",
		    utf8_make_displayable(a, param_str(in, B_PATTERN)));
		tval_set_str(a, o, "new_note", utf8_make_displayable(a, param_str(in, B_NOTE)));
	}
	tval_set(a, o, "new_kinds", options(c, a, "admin.block.kind.", kind_values,
	    BLOCK_KIND__MAX, (int)new_kind));
	tval_set(a, o, "new_actions", options(c, a, "admin.block.action.", action_values,
	    BLOCK_ACTION__MAX, (int)new_action));
}

/* The page: the filter and search, a page of entries, the add form (as
 * typed after a refusal) and an error or notice. */
static void
blocklist_page(const struct ctx *c, struct request *r, struct response *res,
    const struct params *in, const struct admin_session *s, int status, const char *error_key)
{
	struct arena *a = r->arena;
	int kind = (int)param_int(in, B_KIND, -1);
	const char *q = param_text(in, B_Q);
	if (q != NULL) {
		q = utf8_make_displayable(a, q);
		if (strlen(q) > BLOCK_MAX_Q_BYTES)
			q = "";
	}
	long long page = param_int(in, B_PAGE, 1);
	struct blocklist_entry *e;
	size_t n;
	long long total;
	if (store_blocklist_list(c->store, a, kind, q, (int)page, BLOCK_PAGE_SIZE, &e, &n,
	    &total) != STORE_OK) {
		admin_unavailable(c, r, res, s, "/queue");
		return;
	}
	struct tval *o = admin_view(c, r, s, "admin.title.blocklist");
	struct tval *l = tval_list(a);
	for (size_t i = 0; i < n; i++)
		tval_push(a, l, entry_value(c, r, &e[i]));
	tval_set(a, o, "entries", l);
	tval_set_bool(a, o, "empty", n == 0);
	tval_set_str(a, o, "total", admin_number(c, r, total));
	tval_set_str(a, o, "q", q ? q : "");
	tval_set(a, o, "filter_kinds", options(c, a, "admin.block.kind.", kind_values,
	    BLOCK_KIND__MAX, kind));
	tval_set_bool(a, o, "filter_all", kind < 0);
	long long pages = (total + BLOCK_PAGE_SIZE - 1) / BLOCK_PAGE_SIZE;
	if (page > 1)
		tval_set_str(a, o, "prev_url", page_url(a, kind, q, page - 1));
	if (page < pages)
		tval_set_str(a, o, "next_url", page_url(a, kind, q, page + 1));
	tval_set_bool(a, o, "paged", pages > 1);
	add_form_value(c, r, o, in, status);
	if (error_key != NULL)
		tval_set_str(a, o, "error", view_message(c, r, error_key));
	if (param_has(in, B_DONE))
		tval_set_str(a, o, "notice", view_message(c, r,
		    arena_printf(a, "admin.notice.%s", param_text(in, B_DONE))));
	admin_render(c, r, res, status, "admin-blocklist", o);
}

/* The page again after a refused change, with its message. */
static void
refused(const struct ctx *c, struct request *r, struct response *res,
    const struct params *in, const struct admin_session *s, const struct op_result *or)
{
	blocklist_page(c, r, res, in, s, admin_op_status(res, or), op_problem_key(or));
}

static void
block_add(const struct ctx *c, struct request *r, struct response *res,
    const struct params *in, const struct admin_session *s)
{
	enum blocklist_kind kind;
	enum blocklist_action action;
	if (blocklist_kind_parse(param_str(in, B_NEW_KIND), &kind) != 0 ||
	    blocklist_action_parse(param_str(in, B_NEW_ACTION), &action) != 0) {
		blocklist_page(c, r, res, in, s, 422, "admin.error.bad_request");
		return;
	}
	struct actor who;
	struct op_ctx oc;
	struct op_result or;
	admin_op_begin(c, r, s, &oc, &who);
	if (op_block_add(&oc, kind, action, param_str(in, B_PATTERN), param_str(in, B_NOTE),
	    &or) != OP_OK) {
		refused(c, r, res, in, s, &or);
		return;
	}
	admin_redirect(c, r, res, "/blocklist?done=block_added");
}

static void
block_remove(const struct ctx *c, struct request *r, struct response *res,
    const struct params *in, const struct admin_session *s)
{
	long long id = param_int(in, B_ID, 0);
	if (id == 0) {
		blocklist_page(c, r, res, in, s, 400, "admin.error.bad_request");
		return;
	}
	struct actor who;
	struct op_ctx oc;
	struct op_result or;
	admin_op_begin(c, r, s, &oc, &who);
	if (op_block_remove(&oc, id, &or) != OP_OK) {
		refused(c, r, res, in, s, &or);
		return;
	}
	admin_redirect(c, r, res, "/blocklist?done=block_removed");
}

void
admin_blocklist_page(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args)
{
	blocklist_page(c, r, res, args->in, args->session, 200, NULL);
}

void
admin_blocklist_change(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *args)
{
	const struct params *in = args->in;
	if (!param_has(in, B_ACTION))
		blocklist_page(c, r, res, in, args->session, 400, "admin.error.bad_action");
	else if (param_int(in, B_ACTION, 0) == 0)
		block_add(c, r, res, in, args->session);
	else
		block_remove(c, r, res, in, args->session);
}
