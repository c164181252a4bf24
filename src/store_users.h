/* store_users.h — moderators, their sessions and failed sign-ins.
 *
 * Same rules as store.h: prepared statements, writes in BEGIN IMMEDIATE
 * transactions, results as enum store_result. User names are unique
 * without regard to ASCII case. */
#ifndef NAZAR_STORE_USERS_H
#define NAZAR_STORE_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "auth.h"
#include "store.h"
#include "store_audit.h"

struct arena;

/* Which held comments a moderator hears of by mail. */
enum user_notify { NOTIFY_NONE, NOTIFY_NOW, NOTIFY_HOURLY, NOTIFY_DAILY, NOTIFY__MAX };
const char *user_notify_name(enum user_notify n);	/* "none", "now", "hourly", "daily" */
int user_notify_parse(const char *name, enum user_notify *out);	/* 0 or -1 */

struct user {
	int64_t id;
	char *name;		/* sign-in name */
	char *display_name;	/* shown on site replies and in the audit */
	enum auth_role role;
	bool disabled;
	int64_t created;
	int64_t updated;
	char *email;		/* "" when none */
	enum user_notify notify;	/* mail about held comments */
};

struct session {
	int64_t user_id;
	unsigned char csrf[AUTH_TOKEN_BYTES];
	int64_t created;
	int64_t last_seen;
};

/* The changes to a user below are written together with their audit row
 * (store_audit.h), by who at now, in one transaction: both or neither.
 * who is required (STORE_ERROR when NULL). */

/* STORE_CONFLICT when the name is taken (in any case). *id receives the
 * new id. display_name NULL or "": the name. Audited as "user_add", the
 * role after. */
enum store_result store_user_add(struct store *st, const char *name, const char *display_name,
    enum auth_role role, const char *pwhash, const struct actor *who, time_t now, int64_t *id);
/* By name (case-insensitive) or id; STORE_NOT_FOUND when absent. pwhash may
 * be NULL when not wanted. */
enum store_result store_user_by_name(struct store *st, struct arena *a, const char *name,
    struct user *out, char **pwhash);
enum store_result store_user_by_id(struct store *st, struct arena *a, int64_t id,
    struct user *out, char **pwhash);
/* Every user, by name. */
enum store_result store_user_list(struct store *st, struct arena *a, struct user **out,
    size_t *count);
/* New password hash; also ends every session of the user except the one
 * whose token hash is keep (NULL: all of them). Audited as "password" when
 * who is the user, else "user_password". STORE_NOT_FOUND for an unknown id. */
enum store_result store_user_set_password(struct store *st, int64_t id, const char *pwhash,
    const unsigned char *keep, const struct actor *who, time_t now);
/* The same password under a new hash (stronger parameters, at sign-in):
 * like store_user_set_password, but no audit row, since nothing changed
 * that anyone decided. */
enum store_result store_user_rehash(struct store *st, int64_t id, const char *pwhash,
    const unsigned char *keep, time_t now);
/* Disabling also ends all the user's sessions. Disabling the last enabled
 * admin, or making them a moderator, is refused with STORE_CONFLICT,
 * decided inside the write transaction so that two admins acting at once
 * cannot both succeed. STORE_NOT_FOUND for an unknown id. Audited as
 * "user_disable" or "user_enable" ("enabled"/"disabled" before and after),
 * and "user_role" (the roles before and after). */
enum store_result store_user_set_disabled(struct store *st, int64_t id, bool disabled,
    const struct actor *who, time_t now);
enum store_result store_user_set_role(struct store *st, int64_t id, enum auth_role role,
    const struct actor *who, time_t now);
/* The user's address and notify mode (email "" with a mode: no mail
 * until there is an address). Audited as "user_notify", "ADDRESS MODE"
 * before and after. STORE_NOT_FOUND for an unknown id. */
enum store_result store_user_set_notify(struct store *st, int64_t id, const char *email,
    enum user_notify notify, const struct actor *who, time_t now);
/* Number of enabled admins (so the last one cannot be disabled). */
enum store_result store_user_count_admins(struct store *st, long long *count);

/* Sessions, by the hash of their token. create: STORE_CONFLICT when the
 * user does not exist. */
enum store_result store_session_create(struct store *st,
    const unsigned char token_hash[AUTH_TOKEN_BYTES], int64_t user_id,
    const unsigned char csrf[AUTH_TOKEN_BYTES], const char *remote_addr,
    const char *user_agent, time_t now);
enum store_result store_session_get(struct store *st,
    const unsigned char token_hash[AUTH_TOKEN_BYTES], struct session *out);
/* Records use; cheap (called on each signed-in request, at most once a
 * minute per session is enough — the caller decides). STORE_NOT_FOUND
 * when the session is gone. last_seen never moves back. */
enum store_result store_session_touch(struct store *st,
    const unsigned char token_hash[AUTH_TOKEN_BYTES], time_t now);
/* STORE_OK also when there was no such session. */
enum store_result store_session_delete(struct store *st,
    const unsigned char token_hash[AUTH_TOKEN_BYTES]);
/* Deletes sessions idle since before idle_before or created before
 * created_before. */
enum store_result store_session_purge(struct store *st, time_t idle_before,
    time_t created_before);

/* Failed sign-ins. username is kept in ASCII lower case (so the index
 * serves the case-insensitive count), cut to 256 bytes; the address to 64. */
enum store_result store_login_failure_add(struct store *st, const char *username,
    const char *remote_addr, time_t now);
/* Failures after `since` (strictly: with since = now - window, a failure
 * stops counting when it is exactly window seconds old, as
 * auth_throttle_wait expects) for the user name and for the address, with
 * the time of the oldest of each (0 when none). */
enum store_result store_login_failures(struct store *st, const char *username,
    const char *remote_addr, time_t since, long long *user_count, int64_t *user_oldest,
    long long *addr_count, int64_t *addr_oldest);
/* A successful sign-in clears the user name's failures. */
enum store_result store_login_failures_clear(struct store *st, const char *username);
/* Forgets failures older than before (housekeeping). */
enum store_result store_login_failures_purge(struct store *st, time_t before);

#endif
