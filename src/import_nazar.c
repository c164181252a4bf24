/* import_nazar.c — nazar's own export read back whole; see import_nazar.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "import_nazar.h"
#include "jsonl.h"
#include "locale.h"
#include "netaddr.h"
#include "store_export.h"
#include "store_import_nazar.h"
#include "text.h"
#include "utf8.h"
#include "validate.h"

#define NAME_MAX_BYTES 1024
#define LINE_MAX_BYTES 4096
#define ID_MAX_BYTES 1024
#define HEX_MAX_BYTES 128
#define BATCH_ARENA_KEEP (1024 * 1024)

struct run {
	struct store *st;
	bool dry_run;
	const struct actor *who;
	time_t now;
	const char *target;
	struct import_nazar_report *rep;
	struct store_nazar_result res;
	int keep_ids;
	struct arena *a;		/* the batch's */
	struct export_comment rows[IMPORT_NAZAR_BATCH];
	size_t n;
};

static void
skip(struct import_nazar_report *rep, const char *reason)
{
	rep->skipped_total++;
	for (size_t i = 0; i < rep->nskipped; i++)
		if (strcmp(rep->skipped[i].reason, reason) == 0) {
			rep->skipped[i].n++;
			return;
		}
	if (rep->nskipped < IMPORT_NAZAR_REASONS) {
		rep->skipped[rep->nskipped].reason = reason;
		rep->skipped[rep->nskipped++].n = 1;
	}
}

/* A time as the format writes it: a UTC text or a number of seconds. */
static bool
time_of(const json_t *v, int64_t *t)
{
	if (json_is_integer(v)) {
		*t = (int64_t)json_integer_value(v);
		return true;
	}
	const char *s = json_string_value(v);
	return s != NULL && locale_parse_iso8601(s, strlen(s), 0, t) == 0;
}

/* A text field cleaned like any imported text and bounded; "" when absent. */
static const char *
text(struct run *r, const json_t *o, const char *key, size_t max, bool single_line)
{
	const char *s = jsonl_str(o, key);
	if (s == NULL)
		return "";
	char *t = text_clean(r->a, s, strlen(s), single_line);
	if (t == NULL)
		return "";
	size_t len = strlen(t), keep = utf8_cut(t, len, max);
	if (keep < len) {
		t[keep] = '\0';
		r->rep->cut++;
	}
	return t;
}

/* A string kept as it is when short; NULL when absent, null or longer. */
static const char *
raw(struct run *r, const json_t *o, const char *key, size_t max)
{
	const char *s = jsonl_str(o, key);
	if (s == NULL || strlen(s) > max)
		return NULL;
	return arena_strdup(r->a, s);
}

static bool
hex_ok(const char *s)
{
	if (s == NULL || s[0] == '\0' || strlen(s) % 2 != 0)
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

static void
read_votes(struct run *r, const json_t *o, struct export_comment *e)
{
	const json_t *arr = json_object_get(o, "votes");
	size_t n = json_array_size(arr), k = 0;
	struct export_vote *v = arena_calloc(r->a, n > 0 ? n : 1, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		const json_t *x = json_array_get(arr, i);
		int64_t value = jsonl_int(x, "value", 0);
		const char *voter = raw(r, x, "voter", HEX_MAX_BYTES);
		if ((value != 1 && value != -1) || !hex_ok(voter) ||
		    !time_of(json_object_get(x, "created"), &v[k].created))
			continue;
		v[k].voter = voter;
		v[k].value = (int)value;
		v[k].addr_group = text(r, x, "addr_group", LINE_MAX_BYTES, true);
		k++;
	}
	e->votes = v;
	e->nvotes = k;
}

static void
read_history(struct run *r, const json_t *o, struct export_comment *e)
{
	const json_t *arr = json_object_get(o, "history");
	size_t n = json_array_size(arr), k = 0;
	struct export_history *h = arena_calloc(r->a, n > 0 ? n : 1, sizeof(*h));
	for (size_t i = 0; i < n; i++) {
		const json_t *x = json_array_get(arr, i);
		if (!time_of(json_object_get(x, "at"), &h[k].at))
			continue;
		h[k].by = raw(r, x, "by", NAME_MAX_BYTES);
		h[k].body = text(r, x, "body", IMPORT_NAZAR_BODY_MAX, false);
		h[k].author = jsonl_true(x, "author");
		k++;
	}
	e->history = h;
	e->nhistory = k;
}

static void
read_audit(struct run *r, const json_t *o, struct export_comment *e)
{
	const json_t *arr = json_object_get(o, "audit");
	size_t n = json_array_size(arr), k = 0;
	struct export_audit *a = arena_calloc(r->a, n > 0 ? n : 1, sizeof(*a));
	for (size_t i = 0; i < n; i++) {
		const json_t *x = json_array_get(arr, i);
		struct export_audit *y = &a[k];
		y->action = text(r, x, "action", LINE_MAX_BYTES, true);
		if (y->action[0] == '\0' || !time_of(json_object_get(x, "at"), &y->at))
			continue;
		y->user = raw(r, x, "user", NAME_MAX_BYTES);
		y->actor = text(r, x, "actor", LINE_MAX_BYTES, true);
		y->remote_addr = text(r, x, "remote_addr", LINE_MAX_BYTES, true);
		y->target = text(r, x, "target", LINE_MAX_BYTES, true);
		y->before = text(r, x, "before", LINE_MAX_BYTES, true);
		y->after = text(r, x, "after", LINE_MAX_BYTES, true);
		y->reason = text(r, x, "reason", LINE_MAX_BYTES, true);
		k++;
	}
	e->audit = a;
	e->naudit = k;
}

/* One comment line into e; NULL, or why it is skipped. */
static const char *
read_comment(struct run *r, const json_t *o, struct export_comment *e)
{
	memset(e, 0, sizeof(*e));
	struct comment *c = &e->c;
	c->id = jsonl_int(o, "id", 0);
	if (c->id <= 0)
		return "no id";
	const char *article = jsonl_str(o, "article");
	if (article == NULL || !validate_article_id(article))
		return "not a valid article id";
	c->article = arena_strdup(r->a, article);
	const json_t *parent = json_object_get(o, "parent");
	c->parent = json_is_integer(parent) && json_integer_value(parent) > 0 ?
	    (int64_t)json_integer_value(parent) : 0;
	if (comment_status_parse(jsonl_str(o, "status"), &c->status) != 0)
		return "unknown status";
	if (!time_of(json_object_get(o, "created"), &c->created))
		return "no time";
	if (!time_of(json_object_get(o, "updated"), &c->updated))
		c->updated = c->created;
	c->version = jsonl_int(o, "version", 1);
	if (c->version < 1)
		c->version = 1;
	c->name = (char *)text(r, o, "name", NAME_MAX_BYTES, true);
	const char *email = text(r, o, "email", LINE_MAX_BYTES, true);
	c->email = (char *)(validate_email(email) ? email : "");
	const char *addr = jsonl_str(o, "remote_addr");
	unsigned char bin[NETADDR_BYTES];
	c->remote_addr = (char *)(addr != NULL && netaddr_parse_client(addr, bin) ?
	    arena_strdup(r->a, addr) : "");
	c->user_agent = (char *)text(r, o, "user_agent", LINE_MAX_BYTES, true);
	c->site_reply = jsonl_true(o, "site_reply");
	/* When it was pinned (0: not); a pin is a published top-level
	 * comment's only. */
	c->pinned = jsonl_int(o, "pinned", 0);
	if (c->pinned < 0 || c->status != COMMENT_APPROVED || c->parent != 0)
		c->pinned = 0;
	/* When its author last changed it (0: never), and their edit
	 * waiting for a moderator, a published comment's only. */
	c->edited = jsonl_int(o, "edited", 0);
	if (c->edited < 0)
		c->edited = 0;
	const json_t *rev = json_object_get(o, "revision");
	if (json_is_object(rev) && c->status == COMMENT_APPROVED &&
	    time_of(json_object_get(rev, "at"), &e->revision_at))
		e->revision = text(r, rev, "body", IMPORT_NAZAR_BODY_MAX, false);
	c->notify_replies = jsonl_true(o, "notify_replies") && c->email[0] != '\0';
	const char *sub = jsonl_str(o, "subscriber");
	if (sub != NULL && c->email[0] != '\0' && (strcmp(sub, "unconfirmed") == 0 ||
	    strcmp(sub, "confirmed") == 0 || strcmp(sub, "stopped") == 0))
		e->subscriber = arena_strdup(r->a, sub);
	c->reason = (char *)text(r, o, "reason", LINE_MAX_BYTES, true);
	c->body = (char *)text(r, o, "body", IMPORT_NAZAR_BODY_MAX, false);
	e->updated_by = raw(r, o, "updated_by", NAME_MAX_BYTES);
	e->addr_group = raw(r, o, "addr_group", 64);
	e->body_hash = raw(r, o, "body_hash", HEX_MAX_BYTES);
	if (!hex_ok(e->body_hash))
		e->body_hash = NULL;
	e->source_system = raw(r, o, "source_system", ID_MAX_BYTES);
	e->source_id = raw(r, o, "source_id", ID_MAX_BYTES);
	e->source_parent = raw(r, o, "source_parent", ID_MAX_BYTES);
	if (e->source_system == NULL || e->source_id == NULL)
		e->source_system = e->source_id = e->source_parent = NULL;
	read_votes(r, o, e);
	read_history(r, o, e);
	read_audit(r, o, e);
	return NULL;
}

static enum store_result
flush(struct run *r)
{
	enum store_result sr = STORE_OK;
	if (r->n == 0)
		return sr;
	if (r->dry_run) {
		for (size_t i = 0; i < r->n && sr == STORE_OK; i++) {
			bool present = false;
			if (r->st != NULL)
				sr = store_nazar_present(r->st, &r->rows[i], &present);
			if (present)
				r->res.present++;
			else
				r->res.added[r->rows[i].c.status]++;
		}
	} else
		sr = store_nazar_batch(r->st, r->rows, r->n, r->who, r->now, r->target,
		    &r->keep_ids, &r->res);
	r->n = 0;
	arena_reset(r->a, BATCH_ARENA_KEEP);
	return sr;
}

/* The header line: 0, or -1 with err. */
static int
header(json_t *o, struct import_nazar_report *rep, char *err, size_t errlen)
{
	const char *type = jsonl_str(o, "type"), *format = jsonl_str(o, "format");
	if (type == NULL || strcmp(type, "header") != 0 || format == NULL ||
	    strcmp(format, "nazar") != 0) {
		snprintf(err, errlen, "line 1: not a nazar export (no {\"type\":\"header\","
		    "\"format\":\"nazar\"…} line first)");
		return -1;
	}
	int64_t version = jsonl_int(o, "version", 0);
	if (version != 1) {
		snprintf(err, errlen, "line 1: version %lld of nazar's format; this nazar reads "
		    "version 1", (long long)version);
		return -1;
	}
	const char *site = jsonl_str(o, "site");
	snprintf(rep->site, sizeof(rep->site), "%s", site != NULL ? site : "");
	return 0;
}

static int
run_lines(struct run *r, struct jsonl *j,
    void (*progress)(void *arg, int64_t records, uint64_t done, uint64_t total),
    void *progress_arg, char *err, size_t errlen)
{
	json_t *o;
	int rc;
	bool first = true, ended = false;
	int64_t end_count = -1;
	while ((rc = jsonl_next(j, &o, err, errlen)) == 1) {
		const char *type = jsonl_str(o, "type");
		int bad = 0;
		if (first)
			bad = header(o, r->rep, err, errlen);
		else if (ended) {
			snprintf(err, errlen, "line %lld: more after the end line",
			    (long long)jsonl_line(j) - 1);
			bad = -1;
		} else if (type != NULL && strcmp(type, "end") == 0) {
			ended = true;
			end_count = jsonl_int(o, "comments", -1);
		} else if (type != NULL && strcmp(type, "comment") == 0) {
			r->rep->records++;
			const char *why = read_comment(r, o, &r->rows[r->n]);
			if (why != NULL)
				skip(r->rep, why);
			else if (++r->n == IMPORT_NAZAR_BATCH && flush(r) != STORE_OK) {
				snprintf(err, errlen, "the database failed (see the log); the batch "
				    "before line %lld was not written", (long long)jsonl_line(j));
				bad = -1;
			}
		} else
			skip(r->rep, "a line of another type");
		first = false;
		json_decref(o);
		if (bad != 0)
			return -1;
		if (progress != NULL)
			progress(progress_arg, r->rep->records, jsonl_done(j), jsonl_total(j));
	}
	if (rc < 0)
		return -1;
	if (first) {
		snprintf(err, errlen, "an empty file, not a nazar export");
		return -1;
	}
	r->rep->complete = ended && end_count == r->rep->records;
	return 0;
}

int
import_nazar_run(struct store *st, const char *path, const char *data, size_t len,
    bool dry_run, const struct actor *who, time_t now,
    void (*progress)(void *arg, int64_t records, uint64_t done, uint64_t total),
    void *progress_arg, struct import_nazar_report *rep, char *err, size_t errlen)
{
	memset(rep, 0, sizeof(*rep));
	rep->dry_run = dry_run;
	err[0] = '\0';
	struct jsonl *j = data != NULL ? jsonl_memory(data, len, 0) :
	    jsonl_open(path, 0, err, errlen);
	if (j == NULL)
		return -1;
	struct run *r = calloc(1, sizeof(*r));
	if (r == NULL)
		abort();
	r->st = st;
	r->dry_run = dry_run;
	r->who = who;
	r->now = now;
	r->rep = rep;
	r->keep_ids = -1;
	r->a = arena_new();
	char target[1100];
	snprintf(target, sizeof(target), "nazar %s", path != NULL ? path : "-");
	r->target = target;
	int status = 0;
	if (!dry_run && store_nazar_start(st) != STORE_OK) {
		snprintf(err, errlen, "the database failed (see the log)");
		status = -1;
	}
	if (status == 0)
		status = run_lines(r, j, progress, progress_arg, err, errlen);
	/* What was read before a broken line is written all the same. */
	if (flush(r) != STORE_OK && status == 0) {
		snprintf(err, errlen, "the database failed (see the log); the last batch was not "
		    "written");
		status = -1;
	}
	int64_t linked = 0;
	if (!dry_run && status == 0 &&
	    store_nazar_link(st, &linked, &rep->orphans) != STORE_OK) {
		snprintf(err, errlen, "the database failed linking replies (see the log)");
		status = -1;
	}
	for (int i = 0; i < COMMENT_STATUS__MAX; i++)
		rep->added[i] = r->res.added[i];
	rep->present = r->res.present;
	rep->renumbered = r->res.renumbered;
	rep->replies = r->res.replies;
	rep->users_unknown = r->res.users_unknown;
	arena_free(r->a);
	free(r);
	jsonl_close(j);
	return status;
}
