/* op.h — the operations: one function per change a moderator makes on the
 * web or the operator makes with nazarctl. Each applies the business rules
 * once (the password policy and hashing, the last enabled admin, the
 * blocklist's pattern forms, the configured reasons, a comment's length)
 * and writes the change and its audit row in one transaction through the
 * store, with the version check where one applies.
 *
 * An operation never prints or renders: it returns an enum op_problem (and
 * fills a struct op_result with the details); the web renders the message
 * under op_problem_key, the command line prints op_problem_text. Layers:
 * handler or nazarctl → op → store. */
#ifndef NAZAR_OP_H
#define NAZAR_OP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "auth.h"
#include "blocklist.h"
#include "config.h"
#include "store.h"
#include "store_audit.h"
#include "store_moderation.h"
#include "store_users.h"
#include "store_votes.h"

struct arena;
struct reader_ids;

/* A display name's length in characters. */
#define OP_DISPLAY_NAME_MAX_CHARS 80

/* What every operation works with: the database, an arena for what it
 * returns, the configuration (reasons, comment length), who acts (for the
 * audit; user id 0 for the command line) and the time of the change. */
struct op_ctx {
	struct store *st;
	struct arena *a;
	const struct config *cfg;
	const struct actor *who;
	time_t now;
};

/* Fills *who (user id, name, address: "" from the command line) and *o,
 * which points at *who. */
void op_ctx_set(struct op_ctx *o, struct actor *who, struct store *st, struct arena *a,
    const struct config *cfg, int64_t user_id, const char *name, const char *remote_addr,
    time_t now);

/* Why nothing changed (OP_OK: it did, or it was so already). */
enum op_problem {
	OP_OK,
	OP_UNAVAILABLE,		/* the database failed or is busy: try again */
	OP_BUSY,		/* no password-hashing slot free: try again */
	OP_BAD_REASON,		/* a reason not in the configured list */
	OP_NO_COMMENT,
	OP_CHANGED,		/* changed since the version given: see change */
	OP_NO_VERSION,		/* an edit must name the version it replaces */
	OP_CANNOT_REPLY,	/* the comment is deleted */
	OP_BODY_ENCODING,
	OP_BODY_REQUIRED,
	OP_BODY_TOO_LONG,
	OP_USER_NAME,		/* not a valid user name */
	OP_DISPLAY_NAME,
	OP_USER_EXISTS,
	OP_NO_USER,
	OP_SELF,		/* disabling oneself */
	OP_LAST_ADMIN,		/* disabling or demoting the last enabled admin */
	OP_PASSWORD_SHORT,
	OP_PASSWORD_LONG,
	OP_PASSWORD_INVALID,
	OP_BLOCK_PATTERN,	/* see pattern */
	OP_BLOCK_NOTE,
	OP_BLOCK_EXISTS,	/* entry: the one already there, when found */
	OP_NO_BLOCK,
	OP_USER_EMAIL,		/* not a plain address */
	OP_ARTICLE_ID,		/* not a valid article id (validate_article_id) */
	OP_NO_ARTICLE,		/* no comment is filed under that article */
	OP_ARTICLE_TAKEN,	/* the new article has comments and no merge was asked */
	OP_FORGET_EMAIL,	/* forgetting needs a reader's whole address */
	OP_CANNOT_PIN,		/* pinning: not a published top-level comment */
	OP_PIN_FULL,		/* pinning: [thread] pin_max pinned already */
	OP_NOT_YOURS,		/* a reader's change: not their comment (or no cookie) */
	OP_EDIT_LATE,		/* a reader's change: past edit_minutes, or no longer shown */
	OP_HAS_REPLIES,		/* a reader's withdrawal: it has published replies */
	OP_NO_REVISION,		/* no edit of that comment waits */
	OP_EDITS_USED,		/* a reader's edit: the text replaced as often as allowed */
	OP__MAX
};

struct op_result {
	enum op_problem problem;
	bool unchanged;		/* OP_OK, but it was so already: nothing written */
	int64_t id;		/* the new user, reply or blocklist entry */
	int64_t count;		/* comments changed (op_comment_forget) */
	struct moderation_result change;	/* OP_CHANGED: status, when, by whom */
	enum blocklist_pattern_status pattern;	/* OP_BLOCK_PATTERN */
	struct user user;	/* user changes: the user as they were */
	struct blocklist_entry entry;	/* block changes: the entry added or removed */
	int64_t moved;		/* article rename: comments moved */
	int64_t merged_into;	/* article rename: comments the new article had */
	struct vote_tally votes;	/* reset votes: the counts before */
	bool held;		/* a reader's edit waits for a moderator */
};

/* The catalog key of the result's message ("admin.error.password_short",
 * "error.body_required", "admin.error.block_email" …), for the web. */
const char *op_problem_key(const struct op_result *r);
/* The same message as a plain English sentence, for the command line. */
const char *op_problem_text(const struct op_result *r);
/* The HTTP status a page answers with for the problem (200 for OP_OK),
 * and the Retry-After it sends with it (NULL: none). */
int op_http_status(enum op_problem p);
const char *op_retry_after(enum op_problem p);

/* The password policy alone (OP_OK or OP_PASSWORD_*), for asking before a
 * second prompt or an old password is checked. */
enum op_problem op_password_check(const char *pw, size_t len);

/* Comments. op_moderate applies one action to n comments, each with the
 * version the actor saw (0: whatever it is now), in one transaction with
 * one audit row per changed comment; results[i] answers for items[i]
 * (OK, NOT_FOUND, or CONFLICT with who changed it and when). A reason is
 * kept only for reject and spam, and must be one of the configured ones
 * (NULL or "": none). */
enum op_problem op_moderate(const struct op_ctx *o, const struct moderation *items, size_t n,
    enum moderation_action action, const char *reason, struct moderation_result *results,
    struct op_result *res);
/* A new text for a comment, cleaned like a reader's, replacing the text
 * at version (> 0, else OP_NO_VERSION once the text is found fine). */
enum op_problem op_comment_edit(const struct op_ctx *o, int64_t id, int64_t version,
    const char *body, struct op_result *res);
/* A reply for the site under parent, signed with display_name; res->id. */
enum op_problem op_site_reply(const struct op_ctx *o, int64_t parent, const char *display_name,
    const char *body, struct op_result *res);
/* Removes every reader vote on comment id (a flood of forged votes, a
 * comment edited into another meaning): res->votes holds the counts it
 * had; a comment without votes is OP_OK with unchanged set. Audited as
 * "reset_votes". */
enum op_problem op_comment_reset_votes(const struct op_ctx *o, int64_t id,
    struct op_result *res);
/* Pins (pin) or unpins comment id, seen at version (0: not checked), as
 * store_pin_comment does, with [thread] pin_max: OP_CANNOT_PIN,
 * OP_PIN_FULL, OP_CHANGED (see change), OP_NO_COMMENT; already so: OP_OK
 * with unchanged set. Audited as "pin" or "unpin". */
enum op_problem op_comment_pin(const struct op_ctx *o, int64_t id, int64_t version, bool pin,
    struct op_result *res);

/* A reader's change to their own comment (store_reader_change): a new
 * text (body, cleaned and checked like a post's), or body NULL to
 * withdraw it. own is the reader's proof (the ids of their signed
 * cookie): a comment not among them is OP_NOT_YOURS, one posted more
 * than [thread] edit_minutes ago (or edit_minutes 0, or a comment no
 * longer pending or published) OP_EDIT_LATE, a withdrawal of one with
 * published replies OP_HAS_REPLIES, an edit of a text its author replaced
 * STORE_READER_MAX_EDITS times already OP_EDITS_USED. With hold, a published comment's new
 * text waits for a moderator (res->held). The same text again is OP_OK
 * with unchanged set. Audited under the ctx's actor, the reader. */
struct reader_edit {
	int64_t id;
	const struct reader_ids *own;
	const char *body;
	bool hold;
};
enum op_problem op_reader_change(const struct op_ctx *o, const struct reader_edit *e,
    struct op_result *res);
/* A moderator approves (approve) or rejects the waiting edit of comment
 * id seen at version (0: not checked): OP_NO_REVISION when none waits,
 * OP_CHANGED on a stale version. */
enum op_problem op_revision_decide(const struct op_ctx *o, int64_t id, int64_t version,
    bool approve, struct op_result *res);

/* A reader forgotten (store_privacy.h): email's comments (the address
 * matched without regard to ASCII case) lose their e-mail, client address
 * and user agent, and with delete_comments their name and text too, and
 * are deleted; res->count says how many. Audited as "forget" with the
 * address masked (op_email_mask), never whole. An address the comment
 * form would refuse is OP_FORGET_EMAIL. */
enum op_problem op_comment_forget(const struct op_ctx *o, const char *email,
    bool delete_comments, struct op_result *res);
/* An address as the audit keeps it: its first letter, the domain's first
 * letter and its last label, ASCII in lower case ("Sara@Example.org" →
 * "s***@e***.org"). */
const char *op_email_mask(struct arena *a, const char *email);

/* The name and display name rules alone (OP_OK, OP_USER_NAME or
 * OP_DISPLAY_NAME), with the display name as it will be kept in *clean
 * (display_name NULL: the name), for asking before a password is typed. */
enum op_problem op_user_check_names(struct arena *a, const char *name,
    const char *display_name, const char **clean);
/* Users, by name (without regard to ASCII case). A password (len bytes)
 * is checked against the policy and hashed here, and wiped by the caller.
 * display_name NULL: the name. A new password ends the user's sessions
 * but the one whose token hash is keep (NULL: all). Disabling oneself is
 * OP_SELF, losing the last enabled admin OP_LAST_ADMIN (decided inside
 * the write transaction); a user already so is OP_OK with unchanged set
 * and nothing written. */
enum op_problem op_user_add(const struct op_ctx *o, const char *name, const char *display_name,
    enum auth_role role, const char *password, size_t len, struct op_result *res);
enum op_problem op_user_password(const struct op_ctx *o, const char *name,
    const char *password, size_t len, const unsigned char *keep, struct op_result *res);
enum op_problem op_user_set_disabled(const struct op_ctx *o, const char *name, bool disabled,
    struct op_result *res);
enum op_problem op_user_set_role(const struct op_ctx *o, const char *name, enum auth_role role,
    struct op_result *res);
/* A user's address for notifications and which held comments they hear
 * of (store_users.h). email NULL: kept as it is, "": none (no mail);
 * else a plain address (mime.h), OP_USER_EMAIL otherwise. notify < 0:
 * kept. Audited as "user_notify". */
enum op_problem op_user_set_notify(const struct op_ctx *o, const char *name, const char *email,
    int notify, struct op_result *res);

/* The blocklist. A pattern as typed is normalised (blocklist_normalize);
 * note NULL: none. Removing by kind and pattern finds the entry by its
 * canonical form, in any spelling. */
enum op_problem op_block_add(const struct op_ctx *o, enum blocklist_kind kind,
    enum blocklist_action action, const char *pattern, const char *note,
    struct op_result *res);
enum op_problem op_block_remove(const struct op_ctx *o, int64_t id, struct op_result *res);
enum op_problem op_block_remove_pattern(const struct op_ctx *o, enum blocklist_kind kind,
    const char *pattern, struct op_result *res);

/* Articles. Every comment filed under from is filed under to instead,
 * audited as "article_rename" (store_articles.h). Both must be article
 * ids and differ (OP_ARTICLE_ID); OP_NO_ARTICLE when from has no
 * comments; OP_ARTICLE_TAKEN when to has some and merge is false.
 * res->moved, res->merged_into. */
enum op_problem op_article_rename(const struct op_ctx *o, const char *from, const char *to,
    bool merge, struct op_result *res);
/* Closes (closed true) or reopens an article's thread: readers see its
 * comments but no form, and posts are refused. Audited as
 * "article_close" / "article_open"; res->unchanged when it was so
 * already. OP_ARTICLE_ID for an invalid id. */
enum op_problem op_article_close(const struct op_ctx *o, const char *article, bool closed,
    struct op_result *res);

/* What messages call a blocklist entry, like the audit: "word کلاهبردار". */
const char *op_block_target(struct arena *a, enum blocklist_kind kind, const char *pattern);

#endif
