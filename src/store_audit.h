/* store_audit.h — the audit trail: who did what, when, from where.
 *
 * Every change a moderator or the operator makes is written with its audit
 * row in the same transaction (store_moderation.h, store_users.h,
 * store_blocklist.h take the actor and write both or neither). The
 * functions here add a row on their own, for what changes nothing in the
 * database (a sign-in, a refused password), and list the trail. */
#ifndef NAZAR_STORE_AUDIT_H
#define NAZAR_STORE_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store.h"

struct arena;

/* Paging bounds of store_audit_list. */
#define STORE_AUDIT_MAX_PER_PAGE 200
#define STORE_AUDIT_MAX_PAGE 100000

/* Who does something, for the audit trail. user_id 0: the operator's CLI
 * (actor "nazarctl") or an unknown user name at sign-in. */
struct actor {
	int64_t user_id;
	const char *name;		/* user name at the time */
	const char *remote_addr;	/* "" from the CLI */
};

struct audit_entry {
	int64_t id;
	int64_t at;
	int64_t user_id;	/* 0: none */
	char *actor;
	char *remote_addr;
	char *action;		/* "login", "login_failed", "logout", "password",
				 * "user_add", "user_disable", "user_enable",
				 * "user_role", "user_password", "approve", "reject",
				 * "spam", "delete", "restore", "edit", "reply",
				 * "block_add", "block_remove" */
	int64_t comment_id;	/* 0: none */
	char *target;		/* e.g. the user name acted on */
	char *before;
	char *after;
	char *reason;
};

/* What one change was, for store_audit_write. NULL strings are "". */
struct audit_change {
	const char *action;	/* required */
	int64_t comment_id;	/* 0: none */
	const char *target;
	const char *before;
	const char *after;
	const char *reason;
};

/* Adds one entry (its own transaction, or inside the caller's). */
enum store_result store_audit_add(struct store *st, const struct audit_entry *e);
/* Writes an entry as it was elsewhere (an imported comment's trail): not
 * checked, and no line in the log, since nobody acted here and now. */
enum store_result store_audit_insert(struct store *st, const struct audit_entry *e);
/* Adds the entry of a change by who at now; inside the caller's write
 * transaction, so that the change and its row commit together. */
enum store_result store_audit_write(struct store *st, const struct actor *who, time_t now,
    const struct audit_change *ch);
/* A sign-in refused by the throttle (429), for name as typed from
 * remote_addr in address group: one row per name (without ASCII case)
 * and group per window
 * (action login_failed, reason "throttled", target the group, after the
 * number of attempts), made by the first attempt and counted up by the
 * others until window seconds after it; then a new row. A throttled
 * guesser adds a row a window, not one per request. *attempts is the
 * row's count. Its own transaction. */
enum store_result store_audit_throttled(struct store *st, const char *name,
    const char *remote_addr, const char *group, time_t now, int window, long long *attempts);
/* Newest first; user_id 0 for everyone's. *total counts all matching. */
enum store_result store_audit_list(struct store *st, struct arena *a, int64_t user_id,
    int page, int per_page, struct audit_entry **out, size_t *count, long long *total);

#endif
