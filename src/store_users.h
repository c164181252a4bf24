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

struct arena;

struct user {
	int64_t id;
	char *name;		/* sign-in name */
	char *display_name;	/* shown on site replies and in the audit */
	enum auth_role role;
	bool disabled;
	int64_t created;
	int64_t updated;
};

struct session {
	int64_t user_id;
	unsigned char csrf[AUTH_TOKEN_BYTES];
	int64_t created;
	int64_t last_seen;
};

/* STORE_CONFLICT when the name is taken. *id receives the new id. */
enum store_result store_user_add(struct store *st, const char *name, const char *display_name,
    enum auth_role role, const char *pwhash, time_t now, int64_t *id);
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
 * whose token hash is keep (NULL: all of them). */
enum store_result store_user_set_password(struct store *st, int64_t id, const char *pwhash,
    const unsigned char *keep, time_t now);
/* Disabling also ends all the user's sessions. */
enum store_result store_user_set_disabled(struct store *st, int64_t id, bool disabled,
    time_t now);
enum store_result store_user_set_role(struct store *st, int64_t id, enum auth_role role,
    time_t now);
/* Number of enabled admins (so the last one cannot be disabled). */
enum store_result store_user_count_admins(struct store *st, long long *count);

/* Sessions, by the hash of their token. */
enum store_result store_session_create(struct store *st,
    const unsigned char token_hash[AUTH_TOKEN_BYTES], int64_t user_id,
    const unsigned char csrf[AUTH_TOKEN_BYTES], const char *remote_addr,
    const char *user_agent, time_t now);
enum store_result store_session_get(struct store *st,
    const unsigned char token_hash[AUTH_TOKEN_BYTES], struct session *out);
/* Records use; cheap (called on each signed-in request, at most once a
 * minute per session is enough — the caller decides). */
enum store_result store_session_touch(struct store *st,
    const unsigned char token_hash[AUTH_TOKEN_BYTES], time_t now);
enum store_result store_session_delete(struct store *st,
    const unsigned char token_hash[AUTH_TOKEN_BYTES]);
/* Deletes sessions idle since before idle_before or created before
 * created_before. */
enum store_result store_session_purge(struct store *st, time_t idle_before,
    time_t created_before);

/* Failed sign-ins. username is stored as given, compared ASCII
 * case-insensitively. */
enum store_result store_login_failure_add(struct store *st, const char *username,
    const char *remote_addr, time_t now);
/* Failures since `since` for the user name and for the address, with the
 * time of the oldest of each (0 when none). */
enum store_result store_login_failures(struct store *st, const char *username,
    const char *remote_addr, time_t since, long long *user_count, int64_t *user_oldest,
    long long *addr_count, int64_t *addr_oldest);
/* A successful sign-in clears the user name's failures. */
enum store_result store_login_failures_clear(struct store *st, const char *username);
/* Forgets failures older than before (housekeeping). */
enum store_result store_login_failures_purge(struct store *st, time_t before);

#endif
