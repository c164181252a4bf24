/* auth.c — moderators' passwords (Argon2id behind a bounded limiter),
 * session and CSRF tokens, session expiry and the sign-in throttle; see
 * auth.h. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "codec.h"
#include "auth.h"
#include "log.h"
#include "num.h"
#include "text.h"

/* Characters of an encoded token, without the NUL. */
#define TOKEN_CHARS (AUTH_TOKEN_TEXT - 1)
#define PW_OPSLIMIT crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PW_MEMLIMIT crypto_pwhash_MEMLIMIT_INTERACTIVE

/* Binds the sign-in form's MAC to its purpose: the same server secret
 * signs the readers' cookies, whose layout never starts with this text. */
static const char login_csrf_label[] = "nazar login csrf";

_Static_assert(AUTH_HASH_TEXT >= crypto_pwhash_STRBYTES, "room for a crypto_pwhash_str string");
_Static_assert(B64URL_CHARS(AUTH_TOKEN_BYTES) + 1 == AUTH_TOKEN_TEXT,
    "AUTH_TOKEN_TEXT is the encoded size of a token");
_Static_assert(crypto_generichash_BYTES == AUTH_TOKEN_BYTES, "a 32-byte BLAKE2b digest");
_Static_assert(crypto_auth_BYTES == AUTH_TOKEN_BYTES, "a login CSRF value is one MAC");
_Static_assert(crypto_auth_KEYBYTES == 32, "auth.h promises a 32-byte secret");
_Static_assert(AUTH_PASSWORD_MAX_BYTES <= crypto_pwhash_PASSWD_MAX, "libsodium takes them all");

static const char *const role_names[ROLE__MAX] = {
	"moderator",	/* ROLE_MODERATOR */
	"admin",	/* ROLE_ADMIN */
};

/*
 * The hashing limiter: a counting semaphore of `limit` slots. A waiter
 * gives up at a deadline on the monotonic clock, so a changed wall clock
 * neither cuts the wait short nor makes it endless.
 */
static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int limit;		/* slots; 0 until auth_init */
	int in_use;
	int wait_ms;
} lim = { .mu = PTHREAD_MUTEX_INITIALIZER };
static pthread_once_t lim_once = PTHREAD_ONCE_INIT;
static bool lim_cv_ok;

/* Verified against for unknown users; made once, from a random password. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static bool dummy_ready;

const char *
auth_role_name(enum auth_role r)
{
	if ((unsigned)r >= ROLE__MAX)
		return "unknown";
	return role_names[r];
}

int
auth_role_parse(const char *name, enum auth_role *out)
{
	if (name == NULL)
		return -1;
	for (int i = 0; i < ROLE__MAX; i++)
		if (strcmp(name, role_names[i]) == 0) {
			*out = (enum auth_role)i;
			return 0;
		}
	return -1;
}

bool
auth_role_allows(enum auth_role r, enum auth_permission p)
{
	switch (r) {
	case ROLE_ADMIN:
		return p == PERM_MODERATE || p == PERM_MANAGE_USERS || p == PERM_AUDIT_ALL;
	case ROLE_MODERATOR:
		return p == PERM_MODERATE;
	default:
		/* A role nazar does not know (a damaged row) may do nothing. */
		return false;
	}
}

bool
auth_username_valid(const char *name, size_t len)
{
	if (name == NULL || len == 0 || len > AUTH_USERNAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return false;
	}
	return true;
}

static void
lim_cv_init(void)
{
	pthread_condattr_t ca;
	if (pthread_condattr_init(&ca) != 0)
		return;
	if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
	    pthread_cond_init(&lim.cv, &ca) == 0)
		lim_cv_ok = true;
	pthread_condattr_destroy(&ca);
}

int
auth_init(int hash_concurrency, int wait_ms)
{
	if (sodium_init() < 0) {
		log_error("auth: libsodium cannot start");
		return -1;
	}
	(void)pthread_once(&lim_once, lim_cv_init);
	if (!lim_cv_ok) {
		log_error("auth: cannot set up the hashing limiter");
		return -1;
	}
	if (!dummy_ready) {
		unsigned char pw[32];
		randombytes_buf(pw, sizeof(pw));
		int rc = crypto_pwhash_str(dummy_hash, (const char *)pw, sizeof(pw), PW_OPSLIMIT,
		    PW_MEMLIMIT);
		sodium_memzero(pw, sizeof(pw));
		if (rc != 0) {
			log_error("auth: cannot hash a password (out of memory?)");
			return -1;
		}
		dummy_ready = true;
	}
	pthread_mutex_lock(&lim.mu);
	lim.limit = hash_concurrency > 0 ? hash_concurrency : 1;
	lim.wait_ms = wait_ms > 0 ? wait_ms : 0;
	/* A raised limit lets waiters in at once. */
	pthread_cond_broadcast(&lim.cv);
	pthread_mutex_unlock(&lim.mu);
	return 0;
}

bool
auth_slot_take(void)
{
	struct timespec deadline;
	bool got = false;

	pthread_mutex_lock(&lim.mu);
	if (lim.limit == 0) {
		pthread_mutex_unlock(&lim.mu);
		log_error("auth: hashing before auth_init");
		return false;
	}
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += lim.wait_ms / 1000;
	deadline.tv_nsec += (long)(lim.wait_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	for (;;) {
		if (lim.in_use < lim.limit) {
			lim.in_use++;
			got = true;
			break;
		}
		if (pthread_cond_timedwait(&lim.cv, &lim.mu, &deadline) == ETIMEDOUT) {
			/* A slot freed as the time ran out still counts. */
			if (lim.in_use < lim.limit) {
				lim.in_use++;
				got = true;
			}
			break;
		}
	}
	pthread_mutex_unlock(&lim.mu);
	return got;
}

void
auth_slot_release(void)
{
	pthread_mutex_lock(&lim.mu);
	if (lim.in_use > 0)
		lim.in_use--;
	pthread_cond_signal(&lim.cv);
	pthread_mutex_unlock(&lim.mu);
}

enum auth_password_check
auth_password_check(const char *pw, size_t len)
{
	if (pw == NULL)
		return AUTH_PW_INVALID;
	/* First, so that a huge password costs one comparison. */
	if (len > AUTH_PASSWORD_MAX_BYTES)
		return AUTH_PW_TOO_LONG;
	if (!utf8_valid(pw, len))
		return AUTH_PW_INVALID;
	/* Control characters cannot be typed reliably, and some (NUL, CR,
	 * escape sequences) would be changed by the path the password takes.
	 * C1 controls are refused as well: in UTF-8 they are C2 80 to C2 9F. */
	const unsigned char *p = (const unsigned char *)pw;
	for (size_t i = 0; i < len; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			return AUTH_PW_INVALID;
		if (p[i] == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
			return AUTH_PW_INVALID;
	}
	if (utf8_length(pw, len) < AUTH_PASSWORD_MIN_CHARS)
		return AUTH_PW_TOO_SHORT;
	return AUTH_PW_OK;
}

enum auth_hash_result
auth_hash_password(const char *pw, size_t len, char out[AUTH_HASH_TEXT])
{
	memset(out, 0, AUTH_HASH_TEXT);
	if (pw == NULL || len > AUTH_PASSWORD_MAX_BYTES) {
		log_error("auth: refusing to hash a password the policy does not allow");
		return AUTH_HASH_FAILED;
	}
	if (!auth_slot_take())
		return AUTH_HASH_BUSY;
	int rc = crypto_pwhash_str(out, pw, len, PW_OPSLIMIT, PW_MEMLIMIT);
	auth_slot_release();
	if (rc != 0) {
		memset(out, 0, AUTH_HASH_TEXT);
		log_error("auth: cannot hash a password (out of memory?)");
		return AUTH_HASH_FAILED;
	}
	return AUTH_HASH_OK;
}

enum auth_hash_result
auth_verify_password(const char *stored, const char *pw, size_t len, bool *ok, bool *rehash,
    char rehashed[AUTH_HASH_TEXT])
{
	*ok = false;
	if (rehash != NULL)
		*rehash = false;
	if (rehashed != NULL)
		memset(rehashed, 0, AUTH_HASH_TEXT);
	if (pw == NULL)
		pw = "", len = 0;
	/* No accepted password is this long: refused before any hashing, for
	 * every user alike, so this says nothing about who exists. */
	if (len > AUTH_PASSWORD_MAX_BYTES)
		return AUTH_HASH_OK;
	if (!dummy_ready) {
		log_error("auth: verifying before auth_init");
		return AUTH_HASH_FAILED;
	}
	const char *h = dummy_hash;
	bool real = false;
	if (stored != NULL) {
		/* needs_rehash parses the string: -1 is not an Argon2 hash at
		 * all (a damaged row), which can match nothing. */
		if (strnlen(stored, crypto_pwhash_STRBYTES) < crypto_pwhash_STRBYTES &&
		    crypto_pwhash_str_needs_rehash(stored, PW_OPSLIMIT, PW_MEMLIMIT) >= 0) {
			h = stored;
			real = true;
		} else
			log_error("auth: a stored password hash is not an Argon2 string");
	}
	if (!auth_slot_take())
		return AUTH_HASH_BUSY;
	errno = 0;
	int rc = crypto_pwhash_str_verify(h, pw, len);
	/* libsodium sets EINVAL for a mismatch; anything else that fails is
	 * the computation itself (memory). */
	if (rc != 0 && errno != EINVAL) {
		auth_slot_release();
		log_error("auth: cannot verify a password (out of memory?)");
		return AUTH_HASH_FAILED;
	}
	if (rc == 0 && real) {
		*ok = true;
		if (rehash != NULL &&
		    crypto_pwhash_str_needs_rehash(stored, PW_OPSLIMIT, PW_MEMLIMIT) == 1) {
			if (rehashed == NULL)
				*rehash = true;
			else if (crypto_pwhash_str(rehashed, pw, len, PW_OPSLIMIT, PW_MEMLIMIT) == 0)
				*rehash = true;
			else {
				/* The sign-in stands; the upgrade waits for the next one. */
				memset(rehashed, 0, AUTH_HASH_TEXT);
				log_warn("auth: cannot rehash a password (out of memory?)");
			}
		}
	}
	auth_slot_release();
	return AUTH_HASH_OK;
}

void
auth_token_new(unsigned char token[AUTH_TOKEN_BYTES])
{
	randombytes_buf(token, AUTH_TOKEN_BYTES);
}

void
auth_token_encode(const unsigned char token[AUTH_TOKEN_BYTES], char text[AUTH_TOKEN_TEXT])
{
	b64url_encode(text, token, AUTH_TOKEN_BYTES);
}

int
auth_token_decode(const char *text, unsigned char token[AUTH_TOKEN_BYTES])
{
	unsigned char raw[AUTH_TOKEN_BYTES];
	size_t rawlen = 0;

	memset(token, 0, AUTH_TOKEN_BYTES);
	if (text == NULL || strnlen(text, TOKEN_CHARS + 1) != TOKEN_CHARS)
		return -1;
	int rc = -1;
	if (b64url_decode(text, TOKEN_CHARS, raw, sizeof(raw), &rawlen) == 0 &&
	    rawlen == AUTH_TOKEN_BYTES) {
		memcpy(token, raw, AUTH_TOKEN_BYTES);
		rc = 0;
	}
	sodium_memzero(raw, sizeof(raw));
	return rc == 0 ? 0 : -1;
}

void
auth_token_hash(const unsigned char token[AUTH_TOKEN_BYTES], unsigned char hash[AUTH_TOKEN_BYTES])
{
	crypto_generichash(hash, AUTH_TOKEN_BYTES, token, AUTH_TOKEN_BYTES, NULL, 0);
}

bool
auth_csrf_matches(const unsigned char session_csrf[AUTH_TOKEN_BYTES], const char *form_value)
{
	unsigned char got[AUTH_TOKEN_BYTES];
	bool ok = auth_token_decode(form_value, got) == 0 &&
	    sodium_memcmp(got, session_csrf, AUTH_TOKEN_BYTES) == 0;
	sodium_memzero(got, sizeof(got));
	return ok;
}

/* The MAC of the label and the pre-session value under the secret. */
static void
login_mac(const unsigned char secret[32], const unsigned char presession[AUTH_TOKEN_BYTES],
    unsigned char mac[crypto_auth_BYTES])
{
	unsigned char msg[sizeof(login_csrf_label) + AUTH_TOKEN_BYTES];
	/* The label with its NUL, then the value: no two inputs collide. */
	memcpy(msg, login_csrf_label, sizeof(login_csrf_label));
	memcpy(msg + sizeof(login_csrf_label), presession, AUTH_TOKEN_BYTES);
	crypto_auth(mac, msg, sizeof(msg), secret);
	sodium_memzero(msg, sizeof(msg));
}

void
auth_login_csrf(const unsigned char secret[32], const unsigned char presession[AUTH_TOKEN_BYTES],
    char text[AUTH_TOKEN_TEXT])
{
	unsigned char mac[crypto_auth_BYTES];
	login_mac(secret, presession, mac);
	auth_token_encode(mac, text);
	sodium_memzero(mac, sizeof(mac));
}

bool
auth_login_csrf_matches(const unsigned char secret[32],
    const unsigned char presession[AUTH_TOKEN_BYTES], const char *form_value)
{
	unsigned char mac[crypto_auth_BYTES], got[AUTH_TOKEN_BYTES];
	login_mac(secret, presession, mac);
	bool ok = auth_token_decode(form_value, got) == 0 &&
	    sodium_memcmp(got, mac, sizeof(mac)) == 0;
	sodium_memzero(mac, sizeof(mac));
	sodium_memzero(got, sizeof(got));
	return ok;
}

/* The device cookie: "<user id>.<issued>.<MAC>", the MAC (truncated to
 * AUTH_TOKEN_BYTES, base64url) over a label, the id and the time. */
static const char device_label[] = "nazar known device";

static void
device_mac(const unsigned char secret[32], long long user_id, long long issued,
    char text[AUTH_TOKEN_TEXT])
{
	char msg[sizeof(device_label) + 48];
	int n = snprintf(msg, sizeof(msg), "%s|%lld|%lld", device_label, user_id, issued);
	unsigned char mac[crypto_auth_BYTES];
	crypto_auth(mac, (const unsigned char *)msg, (size_t)n, secret);
	auth_token_encode(mac, text);	/* the first AUTH_TOKEN_BYTES of it */
	sodium_memzero(mac, sizeof(mac));
}

void
auth_device_cookie(const unsigned char secret[32], int64_t user_id, time_t now,
    char out[AUTH_DEVICE_TEXT])
{
	char mac[AUTH_TOKEN_TEXT];
	device_mac(secret, (long long)user_id, (long long)now, mac);
	snprintf(out, AUTH_DEVICE_TEXT, "%lld.%lld.%s", (long long)user_id, (long long)now, mac);
}

bool
auth_device_cookie_valid(const unsigned char secret[32], const char *text, int64_t user_id,
    time_t now, int max_age_s)
{
	if (text == NULL || strlen(text) >= AUTH_DEVICE_TEXT)
		return false;
	/* "uid.issued.mac" */
	size_t len = strlen(text), used;
	int64_t uid, issued;
	if (!num_parse_prefix(text, len, 0, INT64_MAX, &uid, &used) || text[used] != '.')
		return false;
	const char *p = text + used + 1;
	if (!num_parse_prefix(p, len - used - 1, 0, INT64_MAX, &issued, &used) || p[used] != '.')
		return false;
	const char *mac = p + used + 1;
	if (uid != user_id || issued > (int64_t)now || (int64_t)now - issued > (int64_t)max_age_s)
		return false;
	char want[AUTH_TOKEN_TEXT];
	device_mac(secret, (long long)uid, (long long)issued, want);
	bool ok = strlen(mac) == strlen(want) && sodium_memcmp(mac, want, strlen(want)) == 0;
	sodium_memzero(want, sizeof(want));
	return ok;
}

bool
auth_session_expired(int64_t created, int64_t last_seen, time_t now, int idle_s, int lifetime_s)
{
	/* Limits that make no sense end every session rather than none. */
	if (idle_s <= 0 || lifetime_s <= 0)
		return true;
	/* Written without subtracting the stored times, which a damaged row
	 * could make overflow. */
	return last_seen < (int64_t)now - idle_s || created < (int64_t)now - lifetime_s;
}

/* Seconds until the oldest counted failure leaves the window. */
static int64_t
until_out(int64_t oldest, int window_s, time_t now)
{
	if (oldest > (int64_t)now)
		oldest = (int64_t)now;		/* a clock that went back */
	if (oldest < (int64_t)now - window_s)
		return 0;
	return oldest + window_s - (int64_t)now;
}

int
auth_throttle_wait(long long user_failures, int64_t user_oldest, long long addr_failures,
    int64_t addr_oldest, int max_user, int max_addr, int window_s, time_t now)
{
	bool blocked = false;
	int64_t wait = 0, w;

	if (window_s < 1)
		window_s = 1;
	if (max_user < 1)
		max_user = 1;
	if (max_addr < 1)
		max_addr = 1;
	if (user_failures >= max_user) {
		blocked = true;
		if ((w = until_out(user_oldest, window_s, now)) > wait)
			wait = w;
	}
	if (addr_failures >= max_addr) {
		blocked = true;
		if ((w = until_out(addr_oldest, window_s, now)) > wait)
			wait = w;
	}
	if (!blocked)
		return 0;
	if (wait < 1)
		wait = 1;
	if (wait > window_s)
		wait = window_s;
	return (int)wait;
}
