/* admin_view.c — template values the admin pages share: a comment with its
 * reply context (the queue and the comment page), the configured reasons. */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "admin_view.h"
#include "app.h"
#include "arena.h"
#include "buf.h"
#include "catalog.h"
#include "locale.h"
#include "request.h"
#include "store_moderation.h"
#include "text.h"
#include "tmpl.h"
#include "validate.h"
#include "view.h"

/* The reply's context, not the whole parent: a long parent would bury the
 * comment being judged. */
#define PARENT_EXCERPT_CHARS 280

/* Its author's doing: when they edited it, and their edit waiting for a
 * decision (set to null when none, so that the queue's buttons for it
 * never show elsewhere). */
static void
author_changes(const struct ctx *c, struct request *r, struct tval *o,
    const struct queue_item *it)
{
	struct arena *a = r->arena;
	if (it->c.edited > 0)
		tval_set_str(a, o, "edited_date", admin_date(c, r, it->c.edited));
	if (it->revision == NULL) {
		tval_set(a, o, "revision", tval_null(a));
		return;
	}
	struct tval *v = tval_object(a);
	struct buf b = { 0 };
	text_body_to_html(&b, it->revision);
	tval_set_str(a, v, "body_html", buf_str(&b));
	buf_free(&b);
	tval_set(a, o, "revision", v);
}

struct tval *
admin_comment_value(const struct ctx *c, struct request *r, const struct queue_item *it)
{
	struct arena *a = r->arena;
	const struct comment *cm = &it->c;
	struct tval *o = tval_object(a);
	struct buf b = { 0 };
	tval_set_number(a, o, "id", (double)cm->id);
	tval_set_number(a, o, "version", (double)cm->version);
	tval_set_str(a, o, "name", cm->name);
	tval_set_str(a, o, "email", cm->email);
	tval_set_str(a, o, "remote_addr", cm->remote_addr);
	tval_set_str(a, o, "user_agent", cm->user_agent);
	tval_set_str(a, o, "article", cm->article);
	tval_set_str(a, o, "article_url", view_article_url(c, r, cm->article));
	tval_set_str(a, o, "status", comment_status_name(cm->status));
	tval_set_str(a, o, "status_text", catalog_get(c->app->strings,
	    arena_printf(a, "admin.status.%s", comment_status_name(cm->status))));
	tval_set_str(a, o, "date", admin_date(c, r, cm->created));
	locale_format_iso8601(&b, (time_t)cm->created);
	tval_set_str(a, o, "created", buf_str(&b));
	buf_reset(&b);
	text_body_to_html(&b, cm->body);
	tval_set_str(a, o, "body_html", buf_str(&b));
	buf_free(&b);
	tval_set_str(a, o, "body", cm->body);
	tval_set_bool(a, o, "site_reply", cm->site_reply);
	if (cm->reason != NULL && *cm->reason != '\0')
		tval_set_str(a, o, "reason", cm->reason);
	if (cm->parent != 0) {
		struct tval *p = tval_object(a);
		tval_set_number(a, p, "id", (double)cm->parent);
		tval_set_str(a, p, "name", it->parent_name ? it->parent_name : "");
		const char *pb = it->parent_body ? it->parent_body : "";
		size_t n = strlen(pb);
		/* The reply's context, not the whole parent: a long parent
		 * would bury the comment being judged. */
		size_t i = utf8_cut_chars(pb, n, PARENT_EXCERPT_CHARS);
		if (i < n)
			tval_set_str(a, p, "body", arena_printf(a, "%.*s…", (int)i, pb));
		else
			tval_set_str(a, p, "body", pb);
		tval_set(a, o, "parent", p);
	}
	tval_set_bool(a, o, "pinned", cm->pinned > 0);
	tval_set_bool(a, o, "can_pin", cm->status == COMMENT_APPROVED && cm->parent == 0);
	/* Readers' votes, whatever [votes] hide_below hides from them. */
	if (cm->agree != 0 || cm->disagree != 0) {
		struct tval *v = tval_object(a);
		struct buf n = { 0 };
		locale_format_int(&n, c->app->cfg.locale, (long long)cm->agree);
		tval_set_str(a, v, "agree", buf_str(&n));
		buf_reset(&n);
		locale_format_int(&n, c->app->cfg.locale, (long long)cm->disagree);
		tval_set_str(a, v, "disagree", buf_str(&n));
		buf_free(&n);
		tval_set(a, o, "votes", v);
	}
	if (it->updated_by != NULL && *it->updated_by != '\0') {
		tval_set_str(a, o, "updated_by", it->updated_by);
		tval_set_str(a, o, "updated_date", admin_date(c, r, cm->updated));
	}
	/* Which buttons make sense for this status. */
	tval_set_bool(a, o, "can_approve", cm->status != COMMENT_APPROVED);
	tval_set_bool(a, o, "can_reject", cm->status == COMMENT_PENDING ||
	    cm->status == COMMENT_APPROVED);
	tval_set_bool(a, o, "can_spam", cm->status != COMMENT_SPAM);
	tval_set_bool(a, o, "can_delete", cm->status != COMMENT_DELETED);
	tval_set_bool(a, o, "can_restore", cm->status == COMMENT_REJECTED ||
	    cm->status == COMMENT_SPAM || cm->status == COMMENT_DELETED ||
	    cm->status == COMMENT_WITHDRAWN);
	author_changes(c, r, o, it);
	return o;
}

void
admin_reasons(const struct ctx *c, struct request *r, struct tval *obj)
{
	const struct config *cfg = &c->app->cfg;
	struct tval *l = tval_list(r->arena);
	for (int i = 0; i < cfg->reason_count; i++) {
		struct tval *o = tval_object(r->arena);
		tval_set_str(r->arena, o, "text", cfg->reasons[i]);
		tval_push(r->arena, l, o);
	}
	tval_set(r->arena, obj, "reasons", l);
	tval_set_bool(r->arena, obj, "has_reasons", cfg->reason_count > 0);
}
