/* store_users.c — moderators, their sessions and failed sign-ins in
 * SQLite; see store_users.h. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <sqlite3.h>

#include "arena.h"
#include "log.h"
#include "store_audit.h"
#include "store_db.h"
#include "store_users.h"
#include "utf8.h"

/* Longest user name and address kept with a failure: a longer name cannot
 * be a user's (auth_username_valid), so cutting it loses nothing, and a
 * flood of huge names cannot bloat the table. */
#define FAILURE_NAME_MAX 256
#define FAILURE_ADDR_MAX 64

#define USER_COLUMNS "id, name, display_name, role, disabled, created, updated, pwhash, email," \
	" notify"

/* The SQL of this file (store_db.h: cached by the address of each). */
static const char sql_user_add[] =
	"INSERT INTO users (name, display_name, role, pwhash, created, updated)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?5)";
static const char sql_user_by_name[] =
	"SELECT " USER_COLUMNS " FROM users WHERE name = ?1";
static const char sql_user_by_id[] =
	"SELECT " USER_COLUMNS " FROM users WHERE id = ?1";
static const char sql_user_list[] =
	"SELECT " USER_COLUMNS " FROM users ORDER BY name, id";
static const char sql_user_password[] =
	"UPDATE users SET pwhash = ?2, updated = ?3 WHERE id = ?1";
/* ?2 NULL: every session of the user. */
static const char sql_sessions_end_but[] =
	"DELETE FROM sessions WHERE user_id = ?1 AND (?2 IS NULL OR token_hash <> ?2)";
static const char sql_user_disabled[] =
	"UPDATE users SET disabled = ?2, updated = ?3 WHERE id = ?1";
static const char sql_user_role[] =
	"UPDATE users SET role = ?2, updated = ?3 WHERE id = ?1";
static const char sql_user_notify[] =
	"UPDATE users SET email = ?2, notify = ?3, updated = ?4 WHERE id = ?1";
static const char sql_count_admins[] =
	"SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0";
static const char sql_session_create[] =
	"INSERT INTO sessions (token_hash, user_id, csrf, created, last_seen, remote_addr,"
	" user_agent) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6)";
static const char sql_session_get[] =
	"SELECT user_id, csrf, created, last_seen FROM sessions WHERE token_hash = ?1";
/* max(): a clock that went back never moves last_seen backwards. */
static const char sql_session_touch[] =
	"UPDATE sessions SET last_seen = max(last_seen, ?2) WHERE token_hash = ?1";
static const char sql_session_delete[] =
	"DELETE FROM sessions WHERE token_hash = ?1";
static const char sql_session_purge[] =
	"DELETE FROM sessions WHERE last_seen < ?1 OR created < ?2";
/* User names are kept lower-cased (ASCII), so that the (username, at)
 * index answers the case-insensitive count. */
static const char sql_failure_add[] =
	"INSERT INTO login_failures (username, remote_addr, at) VALUES (?1, ?2, ?3)";
static const char sql_failures_user[] =
	"SELECT count(*), min(at) FROM login_failures WHERE username = ?1 AND at > ?2";
static const char sql_failures_addr[] =
	"SELECT count(*), min(at) FROM login_failures WHERE remote_addr = ?1 AND at > ?2";
static const char sql_failures_clear[] =
	"DELETE FROM login_failures WHERE username = ?1";
static const char sql_failures_purge[] =
	"DELETE FROM login_failures WHERE at < ?1";

/* Reads a row of USER_COLUMNS; -1 for a role nazar does not know. */
static int
row_user(struct arena *a, sqlite3_stmt *s, struct user *u, char **pwhash)
{
	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(s, 0);
	u->name = store_column_dup(a, s, 1);
	u->display_name = store_column_dup(a, s, 2);
	u->disabled = sqlite3_column_int(s, 4) != 0;
	u->created = sqlite3_column_int64(s, 5);
	u->updated = sqlite3_column_int64(s, 6);
	if (pwhash != NULL)
		*pwhash = store_column_dup(a, s, 7);
	u->email = store_column_dup(a, s, 8);
	if (user_notify_parse((const char *)sqlite3_column_text(s, 9), &u->notify) != 0) {
		log_error("database: user %lld has an unknown notify mode", (long long)u->id);
		return -1;
	}
	if (auth_role_parse((const char *)sqlite3_column_text(s, 3), &u->role) != 0) {
		log_error("database: user %lld has an unknown role", (long long)u->id);
		return -1;
	}
	return 0;
}

/* row_user as a store_row_fn, for lists. */
static int
row_user_list(struct arena *a, sqlite3_stmt *s, void *row)
{
	return row_user(a, s, row, NULL);
}

/* Runs the prepared and bound statement s alone in a BEGIN IMMEDIATE
 * transaction; *changes (unless NULL) receives the rows it changed. */
static enum store_result
write_alone(struct store *st, sqlite3_stmt *s, int *changes)
{
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK) {
		store_stmt_done(s);
		return r;
	}
	if ((r = store_step_done(st, s)) != STORE_OK) {
		store_rollback(st);
		return r;
	}
	if (changes != NULL)
		*changes = sqlite3_changes(st->db);
	return store_commit(st);
}

enum store_result
store_user_add(struct store *st, const char *name, const char *display_name,
    enum auth_role role, const char *pwhash, const struct actor *who, time_t now, int64_t *id)
{
	if (name == NULL || name[0] == '\0' || pwhash == NULL || pwhash[0] == '\0' ||
	    (unsigned)role >= ROLE__MAX || who == NULL) {
		log_error("database: user add: invalid arguments");
		return STORE_ERROR;
	}
	if (display_name == NULL || display_name[0] == '\0')
		display_name = name;
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		return r;
	sqlite3_stmt *s;
	if ((r = store_prepare(st, sql_user_add, &s)) != STORE_OK)
		goto fail;
	int rc = store_bind_text(s, 1, name);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 2, display_name);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 3, auth_role_name(role));
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 4, pwhash);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 5, (sqlite3_int64)now);
	/* A conflict is the name taken, in some case. */
	if ((r = store_bind_check(st, s, rc)) != STORE_OK ||
	    (r = store_step_insert(st, s)) != STORE_OK)
		goto fail;
	int64_t newid = sqlite3_last_insert_rowid(st->db);
	if ((r = store_audit_write(st, who, now, &(struct audit_change){ .action = "user_add",
	    .target = name, .after = auth_role_name(role) })) != STORE_OK)
		goto fail;
	if ((r = store_commit(st)) != STORE_OK)
		return r;
	if (id != NULL)
		*id = newid;
	return STORE_OK;

fail:
	store_rollback(st);
	return r;
}

static enum store_result
user_get(struct store *st, struct arena *a, const char *sql, const char *name, int64_t id,
    struct user *out, char **pwhash)
{
	memset(out, 0, sizeof(*out));
	if (pwhash != NULL)
		*pwhash = NULL;
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql, &s);
	if (r != STORE_OK)
		return r;
	int rc = name != NULL ? store_bind_text(s, 1, name) : sqlite3_bind_int64(s, 1, id);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK ||
	    (r = store_step_one(st, s)) != STORE_OK)
		return r;
	r = row_user(a, s, out, pwhash) == 0 ? STORE_OK : STORE_ERROR;
	store_stmt_done(s);
	if (r != STORE_OK) {
		memset(out, 0, sizeof(*out));
		if (pwhash != NULL)
			*pwhash = NULL;
	}
	return r;
}

enum store_result
store_user_by_name(struct store *st, struct arena *a, const char *name, struct user *out,
    char **pwhash)
{
	if (name == NULL) {
		memset(out, 0, sizeof(*out));
		return STORE_NOT_FOUND;
	}
	return user_get(st, a, sql_user_by_name, name, 0, out, pwhash);
}

enum store_result
store_user_by_id(struct store *st, struct arena *a, int64_t id, struct user *out,
    char **pwhash)
{
	return user_get(st, a, sql_user_by_id, NULL, id, out, pwhash);
}

enum store_result
store_user_list(struct store *st, struct arena *a, struct user **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	sqlite3_stmt *s;
	void *rows;
	enum store_result r = store_prepare(st, sql_user_list, &s);
	if (r != STORE_OK)
		return r;
	if ((r = store_rows(st, a, s, sizeof(struct user), row_user_list, &rows, count)) ==
	    STORE_OK)
		*out = rows;
	return r;
}

/* Ends the user's sessions but keep's (NULL: all); inside a transaction. */
static enum store_result
sessions_end(struct store *st, int64_t id, const unsigned char *keep)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_sessions_end_but, &s);
	if (r != STORE_OK)
		return r;
	int rc = sqlite3_bind_int64(s, 1, id);
	if (rc == SQLITE_OK)
		rc = keep != NULL ? sqlite3_bind_blob(s, 2, keep, AUTH_TOKEN_BYTES, SQLITE_STATIC) :
		    sqlite3_bind_null(s, 2);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	return store_step_done(st, s);
}

/* The user, read inside the caller's write transaction, and whether they
 * are the last enabled admin. */
static enum store_result
user_state(struct store *st, struct arena *a, int64_t id, struct user *u, bool *is_last)
{
	*is_last = false;
	enum store_result r = store_user_by_id(st, a, id, u, NULL);
	if (r != STORE_OK || u->role != ROLE_ADMIN || u->disabled)
		return r;
	long long admins = 0;
	if ((r = store_user_count_admins(st, &admins)) == STORE_OK)
		*is_last = admins <= 1;
	return r;
}

/* A change to one user under way: the write transaction is open, and the
 * user is read as they are. */
struct user_change {
	struct arena *a;	/* for what is read */
	struct user u;
	bool is_last;		/* the last enabled admin */
};

/* Starts a change to user id. On failure nothing is left open. */
static enum store_result
user_change_begin(struct store *st, int64_t id, struct user_change *uc)
{
	uc->a = NULL;
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		return r;
	uc->a = arena_new();
	if ((r = user_state(st, uc->a, id, &uc->u, &uc->is_last)) != STORE_OK) {
		store_rollback(st);
		arena_free(uc->a);
		uc->a = NULL;
	}
	return r;
}

/* Ends what user_change_begin started: commits when r is STORE_OK, else
 * rolls back and returns r. */
static enum store_result
user_change_end(struct store *st, struct user_change *uc, enum store_result r)
{
	arena_free(uc->a);
	uc->a = NULL;
	if (r == STORE_OK)
		return store_commit(st);
	store_rollback(st);
	return r;
}

/* Sets one column of a user: ?1 id, ?2 value (text unless NULL, else
 * value), ?3 now; inside the caller's transaction. */
static enum store_result
user_write(struct store *st, const char *sql, int64_t id, const char *text, int value,
    time_t now)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql, &s);
	if (r != STORE_OK)
		return r;
	int rc = sqlite3_bind_int64(s, 1, id);
	if (rc == SQLITE_OK)
		rc = text != NULL ? store_bind_text(s, 2, text) : sqlite3_bind_int(s, 2, value);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 3, (sqlite3_int64)now);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	return store_step_done(st, s);
}

/* Sets the password hash in a transaction; with its audit row unless who
 * is NULL (a rehash). */
static enum store_result
password_set(struct store *st, int64_t id, const char *pwhash, const unsigned char *keep,
    const struct actor *who, time_t now)
{
	if (pwhash == NULL || pwhash[0] == '\0') {
		log_error("database: set password: no hash");
		return STORE_ERROR;
	}
	struct user_change uc;
	enum store_result r = user_change_begin(st, id, &uc);
	if (r != STORE_OK)
		return r;
	r = user_write(st, sql_user_password, id, pwhash, 0, now);
	/* Whoever knew the old password is signed out with it. */
	if (r == STORE_OK)
		r = sessions_end(st, id, keep);
	if (r == STORE_OK && who != NULL)
		r = store_audit_write(st, who, now, &(struct audit_change){
		    .action = who->user_id == id ? "password" : "user_password",
		    .target = uc.u.name });
	return user_change_end(st, &uc, r);
}

enum store_result
store_user_set_password(struct store *st, int64_t id, const char *pwhash,
    const unsigned char *keep, const struct actor *who, time_t now)
{
	if (who == NULL) {
		log_error("database: set password: no actor");
		return STORE_ERROR;
	}
	return password_set(st, id, pwhash, keep, who, now);
}

enum store_result
store_user_rehash(struct store *st, int64_t id, const char *pwhash,
    const unsigned char *keep, time_t now)
{
	return password_set(st, id, pwhash, keep, NULL, now);
}

static const char *
state_name(bool disabled)
{
	return disabled ? "disabled" : "enabled";
}

/* Sets whether a user is disabled (disable >= 0) or their role (role >= 0)
 * in a transaction, with its audit row; refuses (STORE_CONFLICT) to take
 * away the last enabled admin, and ends the sessions of a disabled user. */
static enum store_result
user_update(struct store *st, int64_t id, int disable, int role, const struct actor *who,
    time_t now)
{
	if (who == NULL) {
		log_error("database: user change: no actor");
		return STORE_ERROR;
	}
	struct user_change uc;
	enum store_result r = user_change_begin(st, id, &uc);
	if (r != STORE_OK)
		return r;
	if (uc.is_last && (disable > 0 || (role >= 0 && role != ROLE_ADMIN)))
		return user_change_end(st, &uc, STORE_CONFLICT);
	struct audit_change ch = { .action = "user_role", .target = uc.u.name,
	    .before = auth_role_name(uc.u.role),
	    .after = auth_role_name((enum auth_role)role) };
	if (disable >= 0)
		ch = (struct audit_change){ .action = disable ? "user_disable" : "user_enable",
		    .target = uc.u.name, .before = state_name(uc.u.disabled),
		    .after = state_name(disable) };
	if (disable >= 0)
		r = user_write(st, sql_user_disabled, id, NULL, disable, now);
	else
		r = user_write(st, sql_user_role, id, ch.after, 0, now);
	if (r == STORE_OK && disable > 0)
		r = sessions_end(st, id, NULL);
	if (r == STORE_OK)
		r = store_audit_write(st, who, now, &ch);
	return user_change_end(st, &uc, r);
}

enum store_result
store_user_set_disabled(struct store *st, int64_t id, bool disabled, const struct actor *who,
    time_t now)
{
	return user_update(st, id, disabled ? 1 : 0, -1, who, now);
}

enum store_result
store_user_set_role(struct store *st, int64_t id, enum auth_role role,
    const struct actor *who, time_t now)
{
	if ((unsigned)role >= ROLE__MAX) {
		log_error("database: set role: invalid role %d", (int)role);
		return STORE_ERROR;
	}
	return user_update(st, id, -1, (int)role, who, now);
}

static const char *const notify_names[] = {
	[NOTIFY_NONE] = "none", [NOTIFY_NOW] = "now", [NOTIFY_HOURLY] = "hourly",
	[NOTIFY_DAILY] = "daily",
};
_Static_assert(sizeof(notify_names) / sizeof(notify_names[0]) == NOTIFY__MAX,
    "a name for every notify mode");

const char *
user_notify_name(enum user_notify n)
{
	return (unsigned)n < NOTIFY__MAX ? notify_names[n] : "none";
}

int
user_notify_parse(const char *name, enum user_notify *out)
{
	for (int i = 0; name != NULL && i < NOTIFY__MAX; i++)
		if (strcmp(name, notify_names[i]) == 0) {
			*out = (enum user_notify)i;
			return 0;
		}
	return -1;
}

enum store_result
store_user_set_notify(struct store *st, int64_t id, const char *email,
    enum user_notify notify, const struct actor *who, time_t now)
{
	if (who == NULL || email == NULL || (unsigned)notify >= NOTIFY__MAX) {
		log_error("database: set notify: no actor, address or mode");
		return STORE_ERROR;
	}
	struct user_change uc;
	enum store_result r = user_change_begin(st, id, &uc);
	if (r != STORE_OK)
		return r;
	sqlite3_stmt *s;
	if ((r = store_prepare(st, sql_user_notify, &s)) == STORE_OK) {
		int rc = sqlite3_bind_int64(s, 1, id);
		if (rc == SQLITE_OK)
			rc = store_bind_text(s, 2, email);
		if (rc == SQLITE_OK)
			rc = store_bind_text(s, 3, notify_names[notify]);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(s, 4, (sqlite3_int64)now);
		if ((r = store_bind_check(st, s, rc)) == STORE_OK)
			r = store_step_done(st, s);
	}
	if (r == STORE_OK)
		r = store_audit_write(st, who, now, &(struct audit_change){
		    .action = "user_notify", .target = uc.u.name,
		    .before = arena_printf(uc.a, "%s %s", uc.u.email[0] ? uc.u.email : "-",
			notify_names[uc.u.notify]),
		    .after = arena_printf(uc.a, "%s %s", email[0] ? email : "-",
			notify_names[notify]) });
	return user_change_end(st, &uc, r);
}

enum store_result
store_user_count_admins(struct store *st, long long *count)
{
	*count = 0;
	sqlite3_stmt *s;
	int64_t v;
	enum store_result r = store_prepare(st, sql_count_admins, &s);
	if (r != STORE_OK || (r = store_step_ints(st, s, &v, 1)) != STORE_OK)
		return r == STORE_NOT_FOUND ? STORE_ERROR : r;
	*count = v;
	return STORE_OK;
}

/* --- sessions --- */

enum store_result
store_session_create(struct store *st, const unsigned char token_hash[AUTH_TOKEN_BYTES],
    int64_t user_id, const unsigned char csrf[AUTH_TOKEN_BYTES], const char *remote_addr,
    const char *user_agent, time_t now)
{
	enum store_result r = store_begin_write(st);
	if (r != STORE_OK)
		return r;
	sqlite3_stmt *s;
	if ((r = store_prepare(st, sql_session_create, &s)) != STORE_OK)
		goto fail;
	int rc = sqlite3_bind_blob(s, 1, token_hash, AUTH_TOKEN_BYTES, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, user_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_blob(s, 3, csrf, AUTH_TOKEN_BYTES, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 4, (sqlite3_int64)now);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 5, remote_addr);
	if (rc == SQLITE_OK)
		rc = store_bind_text(s, 6, user_agent);
	/* A conflict: no such user (or, impossibly, a token already in use). */
	if ((r = store_bind_check(st, s, rc)) != STORE_OK ||
	    (r = store_step_insert(st, s)) != STORE_OK)
		goto fail;
	return store_commit(st);

fail:
	store_rollback(st);
	return r;
}

enum store_result
store_session_get(struct store *st, const unsigned char token_hash[AUTH_TOKEN_BYTES],
    struct session *out)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_session_get, &s);
	if (r != STORE_OK)
		return r;
	int rc = sqlite3_bind_blob(s, 1, token_hash, AUTH_TOKEN_BYTES, SQLITE_STATIC);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK ||
	    (r = store_step_one(st, s)) != STORE_OK)
		return r;
	const void *csrf = sqlite3_column_blob(s, 1);
	if (csrf == NULL || sqlite3_column_bytes(s, 1) != AUTH_TOKEN_BYTES) {
		log_error("database: a session has a damaged csrf value");
		r = STORE_ERROR;
	} else {
		out->user_id = sqlite3_column_int64(s, 0);
		memcpy(out->csrf, csrf, AUTH_TOKEN_BYTES);
		out->created = sqlite3_column_int64(s, 2);
		out->last_seen = sqlite3_column_int64(s, 3);
	}
	store_stmt_done(s);
	return r;
}

/* Runs a one-statement write keyed by a token hash, with an optional time
 * as ?2; *changes (unless NULL) the rows it changed. */
static enum store_result
session_write(struct store *st, const char *sql, const unsigned char token_hash[AUTH_TOKEN_BYTES],
    const time_t *now, int *changes)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql, &s);
	if (r != STORE_OK)
		return r;
	int rc = sqlite3_bind_blob(s, 1, token_hash, AUTH_TOKEN_BYTES, SQLITE_STATIC);
	if (rc == SQLITE_OK && now != NULL)
		rc = sqlite3_bind_int64(s, 2, (sqlite3_int64)*now);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	return write_alone(st, s, changes);
}

enum store_result
store_session_touch(struct store *st, const unsigned char token_hash[AUTH_TOKEN_BYTES],
    time_t now)
{
	int changes = 0;
	enum store_result r = session_write(st, sql_session_touch, token_hash, &now, &changes);
	if (r == STORE_OK && changes == 0)
		r = STORE_NOT_FOUND;
	return r;
}

enum store_result
store_session_delete(struct store *st, const unsigned char token_hash[AUTH_TOKEN_BYTES])
{
	/* Idempotent: a session already gone is what was asked for. */
	return session_write(st, sql_session_delete, token_hash, NULL, NULL);
}

/* A DELETE binding ?1 (and ?2 unless NULL) to times, in a transaction. */
static enum store_result
purge(struct store *st, const char *sql, time_t t1, const time_t *t2)
{
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql, &s);
	if (r != STORE_OK)
		return r;
	int rc = sqlite3_bind_int64(s, 1, (sqlite3_int64)t1);
	if (rc == SQLITE_OK && t2 != NULL)
		rc = sqlite3_bind_int64(s, 2, (sqlite3_int64)*t2);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	return write_alone(st, s, NULL);
}

enum store_result
store_session_purge(struct store *st, time_t idle_before, time_t created_before)
{
	return purge(st, sql_session_purge, idle_before, &created_before);
}

/* --- failed sign-ins --- */

/* The key a user name is kept under: ASCII lower case, at most
 * FAILURE_NAME_MAX bytes, cut at a character boundary. */
static size_t
failure_key(const char *name, char key[FAILURE_NAME_MAX + 1])
{
	size_t n = name == NULL ? 0 : utf8_cut(name, strnlen(name, FAILURE_NAME_MAX + 1),
	    FAILURE_NAME_MAX);
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		key[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	key[n] = '\0';
	return n;
}

static size_t
addr_len(const char *addr)
{
	size_t n = addr == NULL ? 0 : strnlen(addr, FAILURE_ADDR_MAX + 1);
	return n > FAILURE_ADDR_MAX ? FAILURE_ADDR_MAX : n;
}

enum store_result
store_login_failure_add(struct store *st, const char *username, const char *remote_addr,
    time_t now)
{
	char key[FAILURE_NAME_MAX + 1];
	size_t klen = failure_key(username, key);
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_failure_add, &s);
	if (r != STORE_OK)
		return r;
	int rc = sqlite3_bind_text(s, 1, key, (int)klen, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(s, 2, remote_addr ? remote_addr : "",
		    (int)addr_len(remote_addr), SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 3, (sqlite3_int64)now);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	return write_alone(st, s, NULL);
}

/* count(*) and min(at) of one failure query. */
static enum store_result
failure_count(struct store *st, const char *sql, const char *key, size_t klen, time_t since,
    long long *count, int64_t *oldest)
{
	*count = 0;
	*oldest = 0;
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql, &s);
	if (r != STORE_OK)
		return r;
	int rc = sqlite3_bind_text(s, 1, key, (int)klen, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s, 2, (sqlite3_int64)since);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	int64_t v[2];	/* count(*), min(at): NULL reads as 0 */
	if ((r = store_step_ints(st, s, v, 2)) != STORE_OK)
		return r == STORE_NOT_FOUND ? STORE_ERROR : r;
	*count = v[0];
	*oldest = v[1];
	return STORE_OK;
}

enum store_result
store_login_failures(struct store *st, const char *username, const char *remote_addr,
    time_t since, long long *user_count, int64_t *user_oldest, long long *addr_count,
    int64_t *addr_oldest)
{
	char key[FAILURE_NAME_MAX + 1];
	size_t klen = failure_key(username, key);
	*user_count = *addr_count = 0;
	*user_oldest = *addr_oldest = 0;
	/* One snapshot for both counts. */
	enum store_result r = store_begin_read(st);
	if (r != STORE_OK)
		return r;
	r = failure_count(st, sql_failures_user, key, klen, since, user_count, user_oldest);
	if (r == STORE_OK)
		r = failure_count(st, sql_failures_addr, remote_addr ? remote_addr : "",
		    addr_len(remote_addr), since, addr_count, addr_oldest);
	store_rollback(st);
	if (r != STORE_OK) {
		*user_count = *addr_count = 0;
		*user_oldest = *addr_oldest = 0;
	}
	return r;
}

enum store_result
store_login_failures_clear(struct store *st, const char *username)
{
	char key[FAILURE_NAME_MAX + 1];
	size_t klen = failure_key(username, key);
	sqlite3_stmt *s;
	enum store_result r = store_prepare(st, sql_failures_clear, &s);
	if (r != STORE_OK)
		return r;
	int rc = sqlite3_bind_text(s, 1, key, (int)klen, SQLITE_TRANSIENT);
	if ((r = store_bind_check(st, s, rc)) != STORE_OK)
		return r;
	return write_alone(st, s, NULL);
}

enum store_result
store_login_failures_purge(struct store *st, time_t before)
{
	return purge(st, sql_failures_purge, before, NULL);
}
