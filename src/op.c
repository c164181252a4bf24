/* op.c — what the operations share: their messages, once, as catalog keys
 * for the web and as English sentences for the command line, and the
 * password policy. See op.h. */
#include <string.h>

#include "op.h"
#include "op_impl.h"

/* Seconds a client waits before trying again: a hashing slot frees up
 * sooner than a busy database. */
#define RETRY_HASH "2"
#define RETRY_DATABASE "5"

#define STR(x) #x
#define XSTR(x) STR(x)

static const struct {
	const char *key;
	const char *text;
	int http;
} problems[OP__MAX] = {
	[OP_OK] = { "", "done", 200 },
	[OP_UNAVAILABLE] = { "admin.error.unavailable",
	    "the database is not answering (busy or failing); nothing was changed, try again",
	    503 },
	[OP_BUSY] = { "admin.error.busy", "no password-hashing slot is free; try again", 503 },
	[OP_BAD_REASON] = { "admin.error.bad_reason", "that reason is not in the configured "
	    "list ([admin] reasons)", 400 },
	[OP_NO_COMMENT] = { "admin.error.no_comment", "no such comment", 404 },
	[OP_CHANGED] = { "admin.error.changed", "the comment was changed meanwhile", 409 },
	[OP_NO_VERSION] = { "admin.error.no_version", "no version given: reload and decide "
	    "again", 400 },
	[OP_CANNOT_REPLY] = { "admin.error.cannot_reply", "a deleted comment cannot be answered",
	    422 },
	[OP_BODY_ENCODING] = { "error.encoding", "the text is not valid UTF-8", 422 },
	[OP_BODY_REQUIRED] = { "error.body_required", "the text is empty", 422 },
	[OP_BODY_TOO_LONG] = { "error.body_too_long", "the text is too long", 422 },
	[OP_USER_NAME] = { "admin.error.user_name", "a user name is 1 to 64 letters, digits, "
	    "'.', '_' or '-' (ASCII), starting with a letter or digit", 422 },
	[OP_DISPLAY_NAME] = { "admin.error.display_name",
	    "a display name is UTF-8 text of 1 to 80 characters", 422 },
	[OP_USER_EXISTS] = { "admin.error.user_exists", "there is already such a user", 409 },
	[OP_NO_USER] = { "admin.error.no_user", "no such user", 404 },
	[OP_SELF] = { "admin.error.self", "one cannot disable oneself", 422 },
	[OP_LAST_ADMIN] = { "admin.error.last_admin", "this is the last enabled admin; make "
	    "another user admin first", 422 },
	[OP_PASSWORD_SHORT] = { "admin.error.password_short",
	    "the password is too short: at least " XSTR(AUTH_PASSWORD_MIN_CHARS)
	    " characters, please", 422 },
	[OP_PASSWORD_LONG] = { "admin.error.password_long",
	    "the password is too long: at most " XSTR(AUTH_PASSWORD_MAX_BYTES) " bytes", 422 },
	[OP_PASSWORD_INVALID] = { "admin.error.password_invalid",
	    "the password must be UTF-8 text without control characters", 422 },
	[OP_BLOCK_PATTERN] = { NULL, NULL, 422 },	/* blocklist.h says which */
	[OP_BLOCK_NOTE] = { "admin.error.block_note", "a note is UTF-8 text on one line of at "
	    "most 500 bytes", 422 },
	[OP_BLOCK_EXISTS] = { "admin.error.block_exists", "already on the list", 409 },
	[OP_NO_BLOCK] = { "admin.error.no_block", "no such entry", 404 },
	[OP_USER_EMAIL] = { "admin.error.user_email", "an address is a plain name@example.ir "
	    "(ASCII, at most 254 characters)", 422 },
	[OP_ARTICLE_ID] = { "admin.error.article_id", "an article id is 1 to 200 letters, "
	    "digits or \"-_./:\", and the new one differs from the old", 422 },
	[OP_NO_ARTICLE] = { "admin.error.no_article", "no comment is filed under that article",
	    404 },
	[OP_ARTICLE_TAKEN] = { "admin.error.article_taken", "the new article has comments "
	    "already; merging them must be asked for", 409 },
	[OP_FORGET_EMAIL] = { "admin.error.forget_email", "give the reader's whole e-mail "
	    "address, as they wrote it under their comments (name@example.ir)", 422 },
	[OP_CANNOT_PIN] = { "admin.error.cannot_pin", "only a published top-level comment can "
	    "be pinned", 422 },
	[OP_PIN_FULL] = { "admin.error.pin_full", "the article has as many pinned comments as "
	    "[thread] pin_max allows; unpin one first", 409 },
	[OP_NOT_YOURS] = { "error.own_not_yours", "only the browser that posted a comment "
	    "can change it", 403 },
	[OP_EDIT_LATE] = { "error.own_late", "the time for changing this comment has passed",
	    403 },
	[OP_HAS_REPLIES] = { "error.own_has_replies", "a comment with published replies "
	    "cannot be deleted by its author", 409 },
	[OP_NO_REVISION] = { "admin.error.no_revision", "no edit of that comment waits", 404 },
	[OP_EDITS_USED] = { "error.own_edits_used", "this comment has been edited as often as "
	    "its author may", 403 },
};

const char *
op_problem_key(const struct op_result *r)
{
	if (r->problem == OP_BLOCK_PATTERN)
		return blocklist_pattern_message_key(r->pattern);
	return (unsigned)r->problem < OP__MAX ? problems[r->problem].key :
	    problems[OP_UNAVAILABLE].key;
}

const char *
op_problem_text(const struct op_result *r)
{
	if (r->problem == OP_BLOCK_PATTERN)
		return blocklist_pattern_message(r->pattern);
	return (unsigned)r->problem < OP__MAX ? problems[r->problem].text :
	    problems[OP_UNAVAILABLE].text;
}

int
op_http_status(enum op_problem p)
{
	return (unsigned)p < OP__MAX ? problems[p].http : 503;
}

enum op_problem
op_done(struct op_result *res, enum op_problem p)
{
	res->problem = p;
	return p;
}

enum op_problem
op_store_problem(enum store_result r, enum op_problem not_found)
{
	return r == STORE_OK ? OP_OK : r == STORE_NOT_FOUND ? not_found : OP_UNAVAILABLE;
}

const char *
op_retry_after(enum op_problem p)
{
	return p == OP_BUSY ? RETRY_HASH : p == OP_UNAVAILABLE ? RETRY_DATABASE : NULL;
}

void
op_ctx_set(struct op_ctx *o, struct actor *who, struct store *st, struct arena *a,
    const struct config *cfg, int64_t user_id, const char *name, const char *remote_addr,
    time_t now)
{
	*who = (struct actor){ .user_id = user_id, .name = name,
	    .remote_addr = remote_addr ? remote_addr : "" };
	*o = (struct op_ctx){ .st = st, .a = a, .cfg = cfg, .who = who, .now = now };
}

enum op_problem
op_password_check(const char *pw, size_t len)
{
	switch (auth_password_check(pw, len)) {
	case AUTH_PW_OK:
		return OP_OK;
	case AUTH_PW_TOO_SHORT:
		return OP_PASSWORD_SHORT;
	case AUTH_PW_TOO_LONG:
		return OP_PASSWORD_LONG;
	default:
		return OP_PASSWORD_INVALID;
	}
}
