/* export_json.c — nazar's export format, written; see export_json.h. */
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "export_json.h"
#include "json.h"
#include "locale.h"

/* 9999-12-31T23:59:59Z: the last time with a four-digit year. */
#define EXPORT_TIME_MAX 253402300799LL

void
export_json_time(struct buf *out, int64_t t)
{
	if (t < 0 || t > EXPORT_TIME_MAX) {
		buf_printf(out, "%lld", (long long)t);
		return;
	}
	buf_putc(out, '"');
	locale_format_iso8601(out, (time_t)t);
	buf_putc(out, '"');
}

/* ,"key": — the first key of an object without the comma. */
static void
key(struct buf *out, const char *k, bool first)
{
	if (!first)
		buf_putc(out, ',');
	json_quote_str(out, k);
	buf_putc(out, ':');
}

static void
str(struct buf *out, const char *k, const char *v)
{
	key(out, k, false);
	json_quote_str(out, v);
}

/* A string or null. */
static void
opt(struct buf *out, const char *k, const char *v)
{
	key(out, k, false);
	if (v == NULL)
		buf_puts(out, "null");
	else
		json_quote_str(out, v);
}

static void
num(struct buf *out, const char *k, int64_t v)
{
	key(out, k, false);
	buf_printf(out, "%lld", (long long)v);
}

static void
when(struct buf *out, const char *k, int64_t t)
{
	key(out, k, false);
	export_json_time(out, t);
}

void
export_json_header(struct buf *out, const struct export_header *h)
{
	buf_puts(out, "{\"type\":\"header\",\"format\":\"" EXPORT_FORMAT "\"");
	num(out, "version", EXPORT_FORMAT_VERSION);
	str(out, "site", h->site);
	when(out, "exported", h->exported);
	num(out, "schema", h->schema);
	opt(out, "article", h->article);
	key(out, "since", false);
	if (h->since > 0)
		export_json_time(out, h->since);
	else
		buf_puts(out, "null");
	buf_puts(out, "}\n");
}

static void
boolean(struct buf *out, const char *k, bool v)
{
	key(out, k, false);
	buf_puts(out, v ? "true" : "false");
}

static void
votes(struct buf *out, const struct export_comment *e)
{
	key(out, "votes", false);
	buf_putc(out, '[');
	for (size_t i = 0; i < e->nvotes; i++) {
		const struct export_vote *v = &e->votes[i];
		buf_puts(out, i > 0 ? ",{" : "{");
		key(out, "voter", true);
		json_quote_str(out, v->voter);
		num(out, "value", v->value);
		str(out, "addr_group", v->addr_group);
		when(out, "created", v->created);
		buf_putc(out, '}');
	}
	buf_putc(out, ']');
}

static void
history(struct buf *out, const struct export_comment *e)
{
	key(out, "history", false);
	buf_putc(out, '[');
	for (size_t i = 0; i < e->nhistory; i++) {
		const struct export_history *h = &e->history[i];
		buf_puts(out, i > 0 ? ",{" : "{");
		key(out, "at", true);
		export_json_time(out, h->at);
		opt(out, "by", h->by);
		boolean(out, "author", h->author);
		str(out, "body", h->body);
		buf_putc(out, '}');
	}
	buf_putc(out, ']');
}

static void
audit(struct buf *out, const struct export_comment *e)
{
	key(out, "audit", false);
	buf_putc(out, '[');
	for (size_t i = 0; i < e->naudit; i++) {
		const struct export_audit *x = &e->audit[i];
		buf_puts(out, i > 0 ? ",{" : "{");
		key(out, "at", true);
		export_json_time(out, x->at);
		opt(out, "user", x->user);
		str(out, "actor", x->actor);
		str(out, "remote_addr", x->remote_addr);
		str(out, "action", x->action);
		str(out, "target", x->target);
		str(out, "before", x->before);
		str(out, "after", x->after);
		str(out, "reason", x->reason);
		buf_putc(out, '}');
	}
	buf_putc(out, ']');
}

void
export_json_comment(struct buf *out, const struct export_comment *e)
{
	const struct comment *c = &e->c;
	buf_puts(out, "{\"type\":\"comment\"");
	num(out, "id", c->id);
	str(out, "article", c->article);
	key(out, "parent", false);
	if (c->parent > 0)
		buf_printf(out, "%lld", (long long)c->parent);
	else
		buf_puts(out, "null");
	str(out, "status", comment_status_name(c->status));
	when(out, "created", c->created);
	when(out, "updated", c->updated);
	num(out, "version", c->version);
	opt(out, "updated_by", e->updated_by);
	str(out, "name", c->name);
	str(out, "email", c->email);
	str(out, "remote_addr", c->remote_addr);
	str(out, "user_agent", c->user_agent);
	boolean(out, "site_reply", c->site_reply);
	num(out, "agree", c->agree);
	num(out, "disagree", c->disagree);
	num(out, "pinned", c->pinned);
	num(out, "edited", c->edited);
	str(out, "reason", c->reason);
	opt(out, "addr_group", e->addr_group);
	opt(out, "body_hash", e->body_hash);
	opt(out, "source_system", e->source_system);
	opt(out, "source_id", e->source_id);
	opt(out, "source_parent", e->source_parent);
	boolean(out, "notify_replies", c->notify_replies);
	opt(out, "subscriber", e->subscriber);
	str(out, "body", c->body);
	key(out, "revision", false);
	if (e->revision != NULL) {
		buf_putc(out, '{');
		key(out, "at", true);
		export_json_time(out, e->revision_at);
		str(out, "body", e->revision);
		buf_putc(out, '}');
	} else
		buf_puts(out, "null");
	votes(out, e);
	history(out, e);
	audit(out, e);
	buf_puts(out, "}\n");
}

void
export_json_end(struct buf *out, int64_t comments)
{
	buf_puts(out, "{\"type\":\"end\"");
	num(out, "comments", comments);
	buf_puts(out, "}\n");
}
