/* auth.h — moderators' passwords, session tokens, CSRF tokens and the
 * sign-in throttle.
 *
 * Passwords are kept only as libsodium crypto_pwhash_str strings (Argon2id,
 * the INTERACTIVE limits: 2 passes over 64 MiB). Hashing is the expensive
 * part of nazar, so at most `hash_concurrency` computations run at once
 * (auth_init); a sign-in that cannot get a slot within a short wait is
 * answered 503 rather than queued without bound — a flood of sign-ins must
 * not exhaust memory or starve the public thread.
 *
 * Session tokens are 32 bytes from randombytes_buf, sent base64url-encoded
 * in a cookie; the database keeps only their BLAKE2b hash, so a copy of the
 * database does not sign anyone in. Every function that needs the time
 * takes `now`, so tests control the clock. */
#ifndef NAZAR_AUTH_H
#define NAZAR_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define AUTH_TOKEN_BYTES 32
/* base64url without padding of 32 bytes, plus NUL */
#define AUTH_TOKEN_TEXT 44
#define AUTH_HASH_TEXT 128	/* >= crypto_pwhash_STRBYTES */
#define AUTH_PASSWORD_MIN_CHARS 10
#define AUTH_PASSWORD_MAX_BYTES 1024

enum auth_role { ROLE_MODERATOR, ROLE_ADMIN, ROLE__MAX };
const char *auth_role_name(enum auth_role r);		/* "moderator", "admin" */
int auth_role_parse(const char *name, enum auth_role *out);	/* 0 or -1 */

/* What may a role do? Moderators moderate; admins also manage users and see
 * everyone's audit trail. */
enum auth_permission { PERM_MODERATE, PERM_MANAGE_USERS, PERM_AUDIT_ALL };
bool auth_role_allows(enum auth_role r, enum auth_permission p);

/* Bytes of a user name; longer ones are no user's. */
#define AUTH_USERNAME_MAX 64
/* A user name: 1 to 64 ASCII letters, digits, '.', '_' or '-', starting
 * with a letter or digit. Compared without regard to ASCII case. */
bool auth_username_valid(const char *name, size_t len);
/* Characters of a user's display name (shown on replies and in the audit). */
#define DISPLAY_NAME_MAX_CHARS 80

/* Sets up libsodium and the hash limiter, and hashes the dummy password
 * (one Argon2id computation); call once before threads start (again only
 * while nothing is hashing, e.g. in tests, to change the limits).
 * wait_ms: how long a sign-in waits for a free slot before giving up.
 * Returns 0, or -1 when libsodium cannot start. */
int auth_init(int hash_concurrency, int wait_ms);

/* The limiter's slots, which auth_hash_password and auth_verify_password
 * take for themselves; offered for tests. A slot taken (true: within
 * wait_ms) must be released. */
bool auth_slot_take(void);
void auth_slot_release(void);

enum auth_password_check {
	AUTH_PW_OK,
	AUTH_PW_TOO_SHORT,	/* fewer than AUTH_PASSWORD_MIN_CHARS characters */
	AUTH_PW_TOO_LONG,	/* more than AUTH_PASSWORD_MAX_BYTES bytes */
	AUTH_PW_INVALID		/* not UTF-8, or contains NUL or control characters
				 * (C0, DEL, C1) */
};
/* The policy for a new password; checked before any hashing, so a huge
 * password costs nothing. Accepted passwords are used exactly as typed. */
enum auth_password_check auth_password_check(const char *pw, size_t len);

enum auth_hash_result {
	AUTH_HASH_OK,
	AUTH_HASH_BUSY,		/* no hashing slot free in time: answer 503 */
	AUTH_HASH_FAILED	/* out of memory: answer 503, log */
};
/* Hashes a password (policy already checked) into out. */
enum auth_hash_result auth_hash_password(const char *pw, size_t len,
    char out[AUTH_HASH_TEXT]);

/* Verifies pw against stored (a crypto_pwhash_str string). *ok is the
 * answer when the result is AUTH_HASH_OK. stored == NULL (unknown user)
 * verifies against a fixed dummy hash so that the time taken and the
 * answer do not tell whether the user exists; *ok is then false. When the
 * password is right but the hash uses older limits, *rehash is set and
 * rehashed (if not NULL) receives the new hash to store. A password
 * longer than AUTH_PASSWORD_MAX_BYTES is wrong for everyone: *ok is false
 * at once, without hashing. */
enum auth_hash_result auth_verify_password(const char *stored, const char *pw, size_t len,
    bool *ok, bool *rehash, char rehashed[AUTH_HASH_TEXT]);

/* Session tokens. */
void auth_token_new(unsigned char token[AUTH_TOKEN_BYTES]);
void auth_token_encode(const unsigned char token[AUTH_TOKEN_BYTES],
    char text[AUTH_TOKEN_TEXT]);
/* 0, or -1 when text is not exactly an encoded token. */
int auth_token_decode(const char *text, unsigned char token[AUTH_TOKEN_BYTES]);
/* What the database keeps of a token (BLAKE2b-256). */
void auth_token_hash(const unsigned char token[AUTH_TOKEN_BYTES],
    unsigned char hash[AUTH_TOKEN_BYTES]);

/* CSRF. A signed-in form carries the session's own random csrf value
 * (encoded as a token); the sign-in form, before any session exists,
 * carries a MAC under the server secret of a random pre-session cookie.
 * Comparisons are constant-time. */
bool auth_csrf_matches(const unsigned char session_csrf[AUTH_TOKEN_BYTES],
    const char *form_value);
void auth_login_csrf(const unsigned char secret[32],
    const unsigned char presession[AUTH_TOKEN_BYTES], char text[AUTH_TOKEN_TEXT]);
bool auth_login_csrf_matches(const unsigned char secret[32],
    const unsigned char presession[AUTH_TOKEN_BYTES], const char *form_value);

/* The known-device cookie, set at a successful sign-in: proof that this
 * browser signed in as user_id before. Its holder is exempt from the
 * per-user-name throttle (not from the per-address one), so that an
 * attacker who keeps failing on a name cannot lock its moderator out. */
#define AUTH_DEVICE_TEXT 96
void auth_device_cookie(const unsigned char secret[32], int64_t user_id, time_t now,
    char out[AUTH_DEVICE_TEXT]);
bool auth_device_cookie_valid(const unsigned char secret[32], const char *text,
    int64_t user_id, time_t now, int max_age_s);

/* Session expiry: idle for longer than idle_s, or older than lifetime_s. */
bool auth_session_expired(int64_t created, int64_t last_seen, time_t now, int idle_s,
    int lifetime_s);

/* The sign-in throttle's decision, from failure counts in the window:
 * user_failures/addr_failures failures since now - window_s, the oldest of
 * each at user_oldest/addr_oldest. Returns 0 when a sign-in may be tried,
 * else the seconds until it may (for Retry-After; at least 1, never more
 * than window_s). A failure counts while it is less than window_s old
 * (store_login_failures counts those after `since`), so the wait ends
 * exactly when the oldest blocking failure leaves the window. */
int auth_throttle_wait(long long user_failures, int64_t user_oldest,
    long long addr_failures, int64_t addr_oldest, int max_user, int max_addr,
    int window_s, time_t now);

#endif
