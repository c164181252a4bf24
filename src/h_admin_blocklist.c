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
#include "http.h"
#include "log.h"
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

static const char *
form_value(struct request *r, const char *key)
{
	const char *v = kvlist_get(&r->form, key);
	return v ? v : "";
}

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

static const char *const kind_values[BLOCK_KIND__MAX] = { "word", "email", "address" };
static const char *const action_values[BLOCK_ACTION__MAX] = { "hold", "spam" };

/* The page: the filter and search, a page of entries, the add form (as
 * typed after a refusal) and an error or notice. */
static void
blocklist_page(const struct ctx *c, struct request *r, struct response *res,
    const struct admin_session *s, int status, const char *error_key)
{
	struct arena *a = r->arena;
	enum blocklist_kind fk;
	const char *kind_q = kvlist_get(&r->query, "kind");
	int kind = kind_q != NULL && blocklist_kind_parse(kind_q, &fk) == 0 ? (int)fk : -1;
	const char *q = kvlist_get(&r->query, "q");
	if (q != NULL) {
		q = utf8_make_displayable(a, q);
		if (strlen(q) > BLOCK_MAX_Q_BYTES)
			q = "";
	}
	long long page = admin_int_param(kvlist_get(&r->query, "page"), 1,
	    STORE_BLOCKLIST_MAX_PAGE, 1);
	struct blocklist_entry *e;
	size_t n;
	long long total;
	if (store_blocklist_list(c->store, a, kind, q, (int)page, BLOCK_PAGE_SIZE, &e, &n,
	    &total) != STORE_OK) {
		response_header(res, "Retry-After", "5");
		admin_message(c, r, res, s, 503, "admin.error.unavailable", "/queue");
		return;
	}
	struct tval *o = admin_view(c, r, s, "admin.title.blocklist");
	struct tval *l = tval_list(a);
	for (size_t i = 0; i < n; i++) {
		struct tval *v = tval_object(a);
		tval_set_number(a, v, "id", (double)e[i].id);
		tval_set_str(a, v, "kind", blocklist_kind_name(e[i].kind));
		tval_set_str(a, v, "kind_text", catalog_get(c->app->strings,
		    arena_printf(a, "admin.block.kind.%s", blocklist_kind_name(e[i].kind))));
		tval_set_str(a, v, "action", blocklist_action_name(e[i].action));
		tval_set_str(a, v, "action_text", catalog_get(c->app->strings,
		    arena_printf(a, "admin.block.action.%s", blocklist_action_name(e[i].action))));
		tval_set_str(a, v, "pattern", e[i].pattern);
		tval_set_str(a, v, "folded", e[i].folded);
		tval_set_bool(a, v, "shown_as_typed", strcmp(e[i].pattern, e[i].folded) == 0);
		tval_set_str(a, v, "note", e[i].note);
		tval_set_str(a, v, "created", admin_date(c, r, e[i].created));
		tval_set_str(a, v, "created_by", e[i].created_by);
		tval_push(a, l, v);
	}
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

	/* The add form: as typed after a refusal, empty (hold) otherwise. */
	enum blocklist_kind new_kind = BLOCK_WORD;
	enum blocklist_action new_action = BLOCK_HOLD;
	if (status >= 400) {
		(void)blocklist_kind_parse(form_value(r, "kind"), &new_kind);
		(void)blocklist_action_parse(form_value(r, "block_action"), &new_action);
		tval_set_str(a, o, "new_pattern",
		    utf8_make_displayable(a, form_value(r, "pattern")));
		tval_set_str(a, o, "new_note", utf8_make_displayable(a, form_value(r, "note")));
	}
	tval_set(a, o, "new_kinds", options(c, a, "admin.block.kind.", kind_values,
	    BLOCK_KIND__MAX, (int)new_kind));
	tval_set(a, o, "new_actions", options(c, a, "admin.block.action.", action_values,
	    BLOCK_ACTION__MAX, (int)new_action));
	if (error_key != NULL)
		tval_set_str(a, o, "error", view_message(c, r, error_key));
	const char *done = kvlist_get(&r->query, "done");
	if (done != NULL && (strcmp(done, "block_added") == 0 || strcmp(done, "block_removed") == 0))
		tval_set_str(a, o, "notice", view_message(c, r,
		    arena_printf(a, "admin.notice.%s", done)));
	admin_render(c, r, res, status, "admin-blocklist", o);
}

/* The page again after a refused change, with its message. */
static void
refused(const struct ctx *c, struct request *r, struct response *res,
    const struct admin_session *s, const struct op_result *or)
{
	const char *retry = op_retry_after(or->problem);
	if (retry != NULL)
		response_header(res, "Retry-After", retry);
	blocklist_page(c, r, res, s, op_http_status(or->problem), op_problem_key(or));
}

static void
block_add(const struct ctx *c, struct request *r, struct response *res,
    const struct admin_session *s)
{
	enum blocklist_kind kind;
	enum blocklist_action action;
	if (blocklist_kind_parse(form_value(r, "kind"), &kind) != 0 ||
	    blocklist_action_parse(form_value(r, "block_action"), &action) != 0) {
		blocklist_page(c, r, res, s, 422, "admin.error.bad_request");
		return;
	}
	struct actor who;
	struct op_ctx oc;
	struct op_result or;
	op_ctx_set(&oc, &who, c->store, r->arena, &c->app->cfg, s->user.id, s->user.name,
	    r->remote_addr, r->now);
	if (op_block_add(&oc, kind, action, form_value(r, "pattern"), form_value(r, "note"),
	    &or) != OP_OK) {
		refused(c, r, res, s, &or);
		return;
	}
	admin_redirect(c, r, res, "/blocklist?done=block_added");
}

static void
block_remove(const struct ctx *c, struct request *r, struct response *res,
    const struct admin_session *s)
{
	long long id = admin_int_param(form_value(r, "id"), 1, INT64_MAX, 0);
	if (id == 0) {
		blocklist_page(c, r, res, s, 400, "admin.error.bad_request");
		return;
	}
	struct actor who;
	struct op_ctx oc;
	struct op_result or;
	op_ctx_set(&oc, &who, c->store, r->arena, &c->app->cfg, s->user.id, s->user.name,
	    r->remote_addr, r->now);
	if (op_block_remove(&oc, id, &or) != OP_OK) {
		refused(c, r, res, s, &or);
		return;
	}
	admin_redirect(c, r, res, "/blocklist?done=block_removed");
}

void
admin_blocklist(const struct ctx *c, struct request *r, struct response *res)
{
	struct admin_session s;
	if (!admin_enter(c, r, res, &s, PERM_MODERATE))
		return;
	if (strcmp(r->method, "POST") != 0) {
		blocklist_page(c, r, res, &s, 200, NULL);
		return;
	}
	const char *action = form_value(r, "action");
	if (strcmp(action, "add") == 0)
		block_add(c, r, res, &s);
	else if (strcmp(action, "remove") == 0)
		block_remove(c, r, res, &s);
	else
		blocklist_page(c, r, res, &s, 400, "admin.error.bad_action");
}
