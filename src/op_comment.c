/* op_comment.c — decisions on comments, edits and site replies (op.h).
 * The store writes each with its audit row in one transaction and checks
 * the version; the rules on the reason and the text are applied here. */
#include <string.h>

#include "arena.h"
#include "op.h"
#include "op_impl.h"
#include "reader.h"
#include "text.h"

/* A reason only from the configured list: the audit must not become a
 * free-text channel, and the list is what the newsroom agreed on. Other
 * actions than reject and spam keep none. */
static enum op_problem
check_reason(const struct config *cfg, enum moderation_action action, const char *reason,
    const char **use)
{
	*use = "";
	if (reason == NULL || *reason == '\0' ||
	    (action != ACTION_REJECT && action != ACTION_SPAM))
		return OP_OK;
	for (int i = 0; i < cfg->reason_count; i++)
		if (strcmp(reason, cfg->reasons[i]) == 0)
			*use = cfg->reasons[i];
	return **use == '\0' ? OP_BAD_REASON : OP_OK;
}

/* Rows of the newest audit page searched for who changed a comment when
 * the comment itself does not say (a change made with nazarctl has no
 * user id): recent changes are what a version conflict is about. */
#define RECENT_AUDIT_ROWS STORE_AUDIT_MAX_PER_PAGE

/* Names who changed the comment of a conflict when the comment row does
 * not: the actor of its newest audit row among the recent ones. */
static void
name_changer(const struct op_ctx *o, int64_t id, struct moderation_result *mr)
{
	if (mr->result != STORE_CONFLICT || (mr->updated_by != NULL && *mr->updated_by != '\0'))
		return;
	struct audit_entry *rows;
	size_t n;
	long long total;
	if (store_audit_list(o->st, o->a, 0, 1, RECENT_AUDIT_ROWS, &rows, &n, &total) != STORE_OK)
		return;
	for (size_t i = 0; i < n; i++)
		if (rows[i].comment_id == id) {
			mr->updated_by = rows[i].actor;
			return;
		}
}

enum op_problem
op_moderate(const struct op_ctx *o, const struct moderation *items, size_t n,
    enum moderation_action action, const char *reason, struct moderation_result *results,
    struct op_result *res)
{
	memset(res, 0, sizeof(*res));
	const char *use;
	enum op_problem p = check_reason(o->cfg, action, reason, &use);
	if (p != OP_OK)
		return op_done(res, p);
	if (store_moderate(o->st, o->a, items, n, action, use, o->who, o->now, results) !=
	    STORE_OK)
		return op_done(res, OP_UNAVAILABLE);
	for (size_t i = 0; i < n; i++)
		name_changer(o, items[i].id, &results[i]);
	return op_done(res, OP_OK);
}

/* A text posted by a moderator, cleaned like a reader's. */
static enum op_problem
clean_body(const struct op_ctx *o, const char *raw, const char **clean)
{
	*clean = text_clean(o->a, raw ? raw : "", raw ? strlen(raw) : 0, false);
	if (*clean == NULL)
		return OP_BODY_ENCODING;
	if (**clean == '\0')
		return OP_BODY_REQUIRED;
	if (utf8_length(*clean, strlen(*clean)) > (size_t)o->cfg->max_length)
		return OP_BODY_TOO_LONG;
	return OP_OK;
}

enum op_problem
op_comment_edit(const struct op_ctx *o, int64_t id, int64_t version, const char *body,
    struct op_result *res)
{
	memset(res, 0, sizeof(*res));
	const char *clean;
	enum op_problem p = clean_body(o, body, &clean);
	if (p != OP_OK)
		return op_done(res, p);
	/* 0 would skip the check: an edit always names what it replaces. */
	if (version <= 0)
		return op_done(res, OP_NO_VERSION);
	enum store_result sr = store_edit_comment(o->st, o->a, id, version, clean, o->who,
	    o->now, &res->change);
	if (sr == STORE_CONFLICT) {
		name_changer(o, id, &res->change);
		return op_done(res, OP_CHANGED);
	}
	return op_done(res, op_store_problem(sr, OP_NO_COMMENT));
}

enum op_problem
op_reader_change(const struct op_ctx *o, const struct reader_edit *e, struct op_result *res)
{
	memset(res, 0, sizeof(*res));
	/* The cookie proves the author: nothing else is looked at first, so
	 * nobody learns anything of another's comment. */
	if (!reader_owns(e->own, e->id))
		return op_done(res, OP_NOT_YOURS);
	if (o->cfg->edit_minutes <= 0)
		return op_done(res, OP_EDIT_LATE);
	const char *clean = NULL;
	if (e->body != NULL) {
		enum op_problem p = clean_body(o, e->body, &clean);
		if (p != OP_OK)
			return op_done(res, p);
	}
	const struct reader_change rc = {
		.id = e->id, .body = clean, .hold = e->hold,
		.since = (int64_t)o->now - (int64_t)o->cfg->edit_minutes * 60 + 1,
	};
	enum reader_refusal refused;
	enum store_result sr = store_reader_change(o->st, o->a, &rc, o->who, o->now, &refused,
	    &res->held);
	if (sr != STORE_OK)
		return op_done(res, op_store_problem(sr, OP_NO_COMMENT));
	switch (refused) {
	case READER_LATE:
	case READER_NOT_EDITABLE:
		return op_done(res, OP_EDIT_LATE);
	case READER_HAS_REPLIES:
		return op_done(res, OP_HAS_REPLIES);
	case READER_TOO_MANY:
		return op_done(res, OP_EDITS_USED);
	case READER_UNCHANGED:
		res->unchanged = true;
		return op_done(res, OP_OK);
	default:
		return op_done(res, OP_OK);
	}
}

enum op_problem
op_revision_decide(const struct op_ctx *o, int64_t id, int64_t version, bool approve,
    struct op_result *res)
{
	memset(res, 0, sizeof(*res));
	enum store_result sr = store_revision_decide(o->st, o->a, id, version, approve, o->who,
	    o->now, &res->change);
	if (sr == STORE_CONFLICT) {
		name_changer(o, id, &res->change);
		return op_done(res, OP_CHANGED);
	}
	return op_done(res, op_store_problem(sr, OP_NO_REVISION));
}

enum op_problem
op_comment_reset_votes(const struct op_ctx *o, int64_t id, struct op_result *res)
{
	memset(res, 0, sizeof(*res));
	enum store_result sr = store_reset_votes(o->st, id, o->who, o->now, &res->votes);
	if (sr == STORE_OK && res->votes.agree == 0 && res->votes.disagree == 0)
		res->unchanged = true;
	return op_done(res, op_store_problem(sr, OP_NO_COMMENT));
}

enum op_problem
op_comment_pin(const struct op_ctx *o, int64_t id, int64_t version, bool pin,
    struct op_result *res)
{
	memset(res, 0, sizeof(*res));
	enum pin_refusal refused;
	enum store_result sr = store_pin_comment(o->st, o->a, id, version, pin,
	    o->cfg->pin_max, o->who, o->now, &refused, &res->change);
	if (sr == STORE_CONFLICT) {
		name_changer(o, id, &res->change);
		return op_done(res, OP_CHANGED);
	}
	if (sr == STORE_OK && (refused == PIN_FULL || refused == PIN_NOT_TOP))
		return op_done(res, refused == PIN_FULL ? OP_PIN_FULL : OP_CANNOT_PIN);
	res->unchanged = sr == STORE_OK && refused == PIN_ALREADY;
	return op_done(res, op_store_problem(sr, OP_NO_COMMENT));
}

enum op_problem
op_site_reply(const struct op_ctx *o, int64_t parent, const char *display_name,
    const char *body, struct op_result *res)
{
	memset(res, 0, sizeof(*res));
	const char *clean;
	enum op_problem p = clean_body(o, body, &clean);
	if (p != OP_OK)
		return op_done(res, p);
	enum store_result sr = store_site_reply(o->st, parent, display_name, clean, o->who,
	    o->now, &res->id);
	if (sr == STORE_CONFLICT)
		return op_done(res, OP_CANNOT_REPLY);
	return op_done(res, op_store_problem(sr, OP_NO_COMMENT));
}
