/* test_auth.c — roles, tokens and their hostile decodings, the password
 * policy, Argon2id hashing and verification (with the dummy and rehash
 * paths), CSRF binding, the throttle and session expiry on an injected
 * clock, and the hashing limiter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "auth.h"

#define NOW 1700000000
#define WINDOW 900
#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING

static unsigned char secret[32];
static unsigned char other_secret[32];

static int
group_setup(void **state)
{
	(void)state;
	if (auth_init(2, 2000) != 0)
		return -1;
	for (int i = 0; i < 32; i++) {
		secret[i] = (unsigned char)(i * 5 + 3);
		other_secret[i] = (unsigned char)(i * 5 + 4);
	}
	return 0;
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long)((t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000);
}

/* --- roles and names --- */

static void
roles(void **state)
{
	(void)state;
	enum auth_role r;
	assert_string_equal(auth_role_name(ROLE_ADMIN), "admin");
	assert_string_equal(auth_role_name(ROLE_MODERATOR), "moderator");
	assert_string_equal(auth_role_name((enum auth_role)7), "unknown");
	assert_int_equal(auth_role_parse("admin", &r), 0);
	assert_int_equal(r, ROLE_ADMIN);
	assert_int_equal(auth_role_parse("moderator", &r), 0);
	assert_int_equal(r, ROLE_MODERATOR);
	assert_int_equal(auth_role_parse("Admin", &r), -1);
	assert_int_equal(auth_role_parse("admin ", &r), -1);
	assert_int_equal(auth_role_parse("", &r), -1);
	assert_int_equal(auth_role_parse(NULL, &r), -1);

	assert_true(auth_role_allows(ROLE_MODERATOR, PERM_MODERATE));
	assert_false(auth_role_allows(ROLE_MODERATOR, PERM_MANAGE_USERS));
	assert_false(auth_role_allows(ROLE_MODERATOR, PERM_AUDIT_ALL));
	assert_true(auth_role_allows(ROLE_ADMIN, PERM_MODERATE));
	assert_true(auth_role_allows(ROLE_ADMIN, PERM_MANAGE_USERS));
	assert_true(auth_role_allows(ROLE_ADMIN, PERM_AUDIT_ALL));
	/* A role from a damaged row, or a permission nazar does not know. */
	assert_false(auth_role_allows((enum auth_role)ROLE__MAX, PERM_MODERATE));
	assert_false(auth_role_allows(ROLE_ADMIN, (enum auth_permission)99));
}

static void
usernames(void **state)
{
	(void)state;
	const char *good[] = { "maryam", "Ali.Rezaei", "mod_2", "a", "x-y", "0day" };
	const char *bad[] = { "", ".hidden", "-x", "_x", "with space", "مریم", "a/b",
	    "a@b", "tab\there", "semi;colon", "quote'" };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(auth_username_valid(good[i], strlen(good[i])));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(auth_username_valid(bad[i], strlen(bad[i])));
	char name[66];
	memset(name, 'n', sizeof(name));
	assert_true(auth_username_valid(name, 64));
	assert_false(auth_username_valid(name, 65));
	assert_false(auth_username_valid("ab\0c", 4));
	assert_false(auth_username_valid(NULL, 3));
}

/* --- tokens --- */

static int
cmp_token(const void *a, const void *b)
{
	return memcmp(a, b, AUTH_TOKEN_BYTES);
}

static void
token_unique(void **state)
{
	(void)state;
	enum { N = 2000 };
	unsigned char (*t)[AUTH_TOKEN_BYTES] = calloc(N, AUTH_TOKEN_BYTES);
	assert_non_null(t);
	for (int i = 0; i < N; i++)
		auth_token_new(t[i]);
	qsort(t, N, AUTH_TOKEN_BYTES, cmp_token);
	for (int i = 1; i < N; i++)
		assert_int_not_equal(memcmp(t[i - 1], t[i], AUTH_TOKEN_BYTES), 0);
	/* Not all zero, and bytes spread: 2000 × 32 bytes hit every value. */
	int seen[256] = { 0 };
	for (int i = 0; i < N; i++)
		for (int j = 0; j < AUTH_TOKEN_BYTES; j++)
			seen[t[i][j]] = 1;
	for (int v = 0; v < 256; v++)
		assert_int_equal(seen[v], 1);
	free(t);
}

static void
token_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < 200; i++) {
		unsigned char t[AUTH_TOKEN_BYTES], back[AUTH_TOKEN_BYTES];
		char text[AUTH_TOKEN_TEXT];
		auth_token_new(t);
		memset(text, 'Z', sizeof(text));
		auth_token_encode(t, text);
		assert_int_equal(strlen(text), AUTH_TOKEN_TEXT - 1);
		for (size_t j = 0; text[j] != '\0'; j++)
			assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789-_", text[j]));
		assert_int_equal(auth_token_decode(text, back), 0);
		assert_memory_equal(t, back, AUTH_TOKEN_BYTES);
	}
	/* A known value: 32 zero bytes. */
	unsigned char zero[AUTH_TOKEN_BYTES] = { 0 };
	char text[AUTH_TOKEN_TEXT];
	auth_token_encode(zero, text);
	assert_string_equal(text, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	/* And 0xff bytes use the URL-safe alphabet. */
	unsigned char ones[AUTH_TOKEN_BYTES];
	memset(ones, 0xff, sizeof(ones));
	auth_token_encode(ones, text);
	assert_string_equal(text, "__________________________________________8");
}

/* A decode that must fail and leave the output zeroed. */
#define bad_decode(text) bad_decode_at(text, __LINE__)
static void
bad_decode_at(const char *text, int line)
{
	unsigned char out[AUTH_TOKEN_BYTES];
	memset(out, 0xa5, sizeof(out));
	if (auth_token_decode(text, out) != -1)
		fail_msg("line %d: decoded: %s", line, text);
	for (int i = 0; i < AUTH_TOKEN_BYTES; i++)
		assert_int_equal(out[i], 0);
}

static void
token_hostile(void **state)
{
	(void)state;
	unsigned char t[AUTH_TOKEN_BYTES];
	char good[AUTH_TOKEN_TEXT], s[AUTH_TOKEN_TEXT + 8];
	auth_token_new(t);
	auth_token_encode(t, good);

	bad_decode(NULL);
	bad_decode("");
	/* One character short, one too many, padded. */
	memcpy(s, good, 42);
	s[42] = '\0';
	bad_decode(s);
	snprintf(s, sizeof(s), "%sA", good);
	bad_decode(s);
	snprintf(s, sizeof(s), "%s=", good);
	bad_decode(s);
	memcpy(s, good, 42);
	s[42] = '=';
	s[43] = '\0';
	bad_decode(s);
	/* Every byte outside the URL-safe alphabet, at the start, inside and
	 * last: the standard alphabet's '+' and '/', space, controls, and the
	 * bytes above 0x7f (which libsodium 1.0.18 alone would decode). */
	for (int c = 1; c < 256; c++) {
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_')
			continue;
		const size_t at[] = { 0, 10, AUTH_TOKEN_TEXT - 2 };
		for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
			memcpy(s, good, sizeof(good));
			s[at[i]] = (char)c;
			bad_decode(s);
		}
	}
	/* Two characters for one: right length in characters, not in bytes. */
	memcpy(s, good, 41);
	memcpy(s + 41, "\xd8\xa7", 3);
	bad_decode(s);
	/* The last character carries 2 bits of padding, which must be zero:
	 * "AAA…AB" would decode to the same bytes as "AAA…AA". */
	bad_decode("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB");
	assert_int_equal(auth_token_decode("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE", t), 0);
	/* 10 KB of valid base64. */
	char *big = malloc(10241);
	assert_non_null(big);
	memset(big, 'A', 10240);
	big[10240] = '\0';
	bad_decode(big);
	/* A good token followed by a NUL and more is the good token. */
	memcpy(big, good, sizeof(good));
	assert_int_equal(auth_token_decode(big, t), 0);
	free(big);
}

static void
token_hash(void **state)
{
	(void)state;
	unsigned char t[AUTH_TOKEN_BYTES], u[AUTH_TOKEN_BYTES];
	unsigned char h1[AUTH_TOKEN_BYTES], h2[AUTH_TOKEN_BYTES], h3[AUTH_TOKEN_BYTES];
	auth_token_new(t);
	memcpy(u, t, sizeof(u));
	u[31] ^= 1;
	auth_token_hash(t, h1);
	auth_token_hash(t, h2);
	auth_token_hash(u, h3);
	assert_memory_equal(h1, h2, sizeof(h1));
	assert_memory_not_equal(h1, h3, sizeof(h1));
	assert_memory_not_equal(h1, t, sizeof(h1));
	/* BLAKE2b-256 of 32 zero bytes, unkeyed (Python: hashlib.blake2b(bytes(32), digest_size=32)). */
	static const unsigned char expect[32] = {
		0x89, 0xeb, 0x0d, 0x6a, 0x8a, 0x69, 0x1d, 0xae, 0x2c, 0xd1, 0x5e, 0xd0,
		0x36, 0x99, 0x31, 0xce, 0x0a, 0x94, 0x9e, 0xca, 0xfa, 0x5c, 0x3f, 0x93,
		0xf8, 0x12, 0x18, 0x33, 0x64, 0x6e, 0x15, 0xc3,
	};
	memset(t, 0, sizeof(t));
	auth_token_hash(t, h1);
	assert_memory_equal(h1, expect, sizeof(expect));
}

/* --- the password policy --- */

static enum auth_password_check
check(const char *pw)
{
	return auth_password_check(pw, strlen(pw));
}

static void
password_policy(void **state)
{
	(void)state;
	/* Nine and ten characters, in English and Persian (2 bytes each). */
	assert_int_equal(check("abcdefghi"), AUTH_PW_TOO_SHORT);
	assert_int_equal(check("abcdefghij"), AUTH_PW_OK);
	assert_int_equal(check("سلامدوستان"), AUTH_PW_OK);		/* 10 letters, 20 bytes */
	assert_int_equal(check("سلامدوستا"), AUTH_PW_TOO_SHORT);	/* 9 letters, 18 bytes */
	assert_int_equal(check("۱۲۳۴۵۶۷۸۹"), AUTH_PW_TOO_SHORT);	/* 9 digits, 27 bytes */
	assert_int_equal(check("۱۲۳۴۵۶۷۸۹۰"), AUTH_PW_OK);
	assert_int_equal(check(""), AUTH_PW_TOO_SHORT);
	/* Spaces count and are kept, leading and trailing too. */
	assert_int_equal(check("          "), AUTH_PW_OK);
	assert_int_equal(check(" abcdefgh "), AUTH_PW_OK);
	assert_int_equal(check(" abcdefg "), AUTH_PW_TOO_SHORT);
	/* Emoji and the zero-width non-joiner are characters like any other. */
	assert_int_equal(check("می\xe2\x80\x8cخواهم😀😀😀"), AUTH_PW_OK);

	/* 64 characters: accepted whole (the policy never cuts). */
	char pw[1100];
	memset(pw, 'p', 64);
	pw[64] = '\0';
	assert_int_equal(check(pw), AUTH_PW_OK);
	/* 1024 bytes yes, 1025 no, even when the rest is bad. */
	memset(pw, 'q', 1025);
	assert_int_equal(auth_password_check(pw, 1024), AUTH_PW_OK);
	assert_int_equal(auth_password_check(pw, 1025), AUTH_PW_TOO_LONG);
	pw[3] = '\0';
	assert_int_equal(auth_password_check(pw, 1025), AUTH_PW_TOO_LONG);
	assert_int_equal(auth_password_check(pw, 1024), AUTH_PW_INVALID);
	assert_int_equal(auth_password_check(pw, SIZE_MAX), AUTH_PW_TOO_LONG);
	/* 512 Persian letters are 1024 bytes: fine; one more is too long. */
	for (int i = 0; i < 513; i++)
		memcpy(pw + 2 * i, "ش", 2);
	assert_int_equal(auth_password_check(pw, 1024), AUTH_PW_OK);
	assert_int_equal(auth_password_check(pw, 1026), AUTH_PW_TOO_LONG);

	/* Invalid UTF-8: a cut sequence, an overlong form, a surrogate, a
	 * stray continuation byte, bytes that never occur. */
	assert_int_equal(check("abcdefghij\xd8"), AUTH_PW_INVALID);
	assert_int_equal(check("abcdefghij\xc0\xaf"), AUTH_PW_INVALID);
	assert_int_equal(check("abcdefghij\xed\xa0\x80"), AUTH_PW_INVALID);
	assert_int_equal(check("abcdefghij\x80"), AUTH_PW_INVALID);
	assert_int_equal(check("abcdefghij\xff"), AUTH_PW_INVALID);
	/* NUL inside, controls anywhere. */
	assert_int_equal(auth_password_check("abcde\0fghij", 11), AUTH_PW_INVALID);
	assert_int_equal(check("abcdefghij\n"), AUTH_PW_INVALID);
	assert_int_equal(check("\tabcdefghij"), AUTH_PW_INVALID);
	assert_int_equal(check("abcde\rfghij"), AUTH_PW_INVALID);
	assert_int_equal(check("abcde\x1b[2Jfghij"), AUTH_PW_INVALID);
	assert_int_equal(check("abcde\x7f" "fghij"), AUTH_PW_INVALID);
	assert_int_equal(check("abcde\xc2\x9b" "fghij"), AUTH_PW_INVALID);	/* C1 CSI */
	assert_int_equal(check("abcde\xc2\xa0" "fghij"), AUTH_PW_OK);	/* NBSP is text */
	/* Short and invalid: invalid wins, so the message is the useful one. */
	assert_int_equal(check("ab\x01"), AUTH_PW_INVALID);
	assert_int_equal(auth_password_check(NULL, 0), AUTH_PW_INVALID);
}

/* --- hashing --- */

static void
hash_and_verify(void **state)
{
	(void)state;
	const char *pw = "رمز عبور خوب ۱۴۰۳";
	char h[AUTH_HASH_TEXT], again[AUTH_HASH_TEXT], re[AUTH_HASH_TEXT];
	bool ok = true, rehash = true;

	assert_int_equal(auth_hash_password(pw, strlen(pw), h), AUTH_HASH_OK);
	assert_true(strncmp(h, "$argon2id$", 10) == 0);
	assert_non_null(strstr(h, "m=65536,t=2,p=1"));
	assert_null(strstr(h, "رمز"));
	/* A new salt every time. */
	assert_int_equal(auth_hash_password(pw, strlen(pw), again), AUTH_HASH_OK);
	assert_string_not_equal(h, again);

	assert_int_equal(auth_verify_password(h, pw, strlen(pw), &ok, &rehash, re), AUTH_HASH_OK);
	assert_true(ok);
	assert_false(rehash);
	assert_string_equal(re, "");
	/* One character less, a trailing space, another case. */
	assert_int_equal(auth_verify_password(h, pw, strlen(pw) - 2, &ok, &rehash, re),
	    AUTH_HASH_OK);
	assert_false(ok);
	assert_false(rehash);
	char longer[64];
	snprintf(longer, sizeof(longer), "%s ", pw);
	assert_int_equal(auth_verify_password(again, longer, strlen(longer), &ok, NULL, NULL),
	    AUTH_HASH_OK);
	assert_false(ok);
	/* Too long for any account: false without hashing. */
	char *huge = malloc(AUTH_PASSWORD_MAX_BYTES + 1);
	assert_non_null(huge);
	memset(huge, 'x', AUTH_PASSWORD_MAX_BYTES + 1);
	ok = true;
	assert_int_equal(auth_verify_password(h, huge, AUTH_PASSWORD_MAX_BYTES + 1, &ok, &rehash,
	    re), AUTH_HASH_OK);
	assert_false(ok);
	assert_int_equal(auth_hash_password(huge, AUTH_PASSWORD_MAX_BYTES + 1, re),
	    AUTH_HASH_FAILED);
	free(huge);
}

static void
verify_unknown_user(void **state)
{
	(void)state;
	bool ok = true, rehash = true;
	char re[AUTH_HASH_TEXT];
	/* The dummy path runs the same computation and answers no. */
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(auth_verify_password(NULL, "abcdefghij", 10, &ok, &rehash, re),
	    AUTH_HASH_OK);
	long ms = ms_since(&t0);
	assert_false(ok);
	assert_false(rehash);
	/* Argon2id over 64 MiB takes tens of milliseconds at least: the dummy
	 * was really verified, not skipped. */
	assert_true(ms >= 10);
	/* Nor does the empty password, or a damaged stored hash. */
	assert_int_equal(auth_verify_password(NULL, "", 0, &ok, NULL, NULL), AUTH_HASH_OK);
	assert_false(ok);
	assert_int_equal(auth_verify_password("not a hash", "abcdefghij", 10, &ok, &rehash, re),
	    AUTH_HASH_OK);
	assert_false(ok);
	assert_int_equal(auth_verify_password("", "", 0, &ok, &rehash, re), AUTH_HASH_OK);
	assert_false(ok);
}

static void
verify_rehash(void **state)
{
	(void)state;
	const char *pw = "correct horse battery";
	char weak[crypto_pwhash_STRBYTES], re[AUTH_HASH_TEXT];
	bool ok = false, rehash = false;
	assert_int_equal(crypto_pwhash_str(weak, pw, strlen(pw), crypto_pwhash_OPSLIMIT_MIN,
	    crypto_pwhash_MEMLIMIT_MIN), 0);
	/* The wrong password upgrades nothing. */
	assert_int_equal(auth_verify_password(weak, "wrong horse battery", 19, &ok, &rehash, re),
	    AUTH_HASH_OK);
	assert_false(ok);
	assert_false(rehash);
	assert_string_equal(re, "");
	/* The right one is accepted and comes with the new hash. */
	assert_int_equal(auth_verify_password(weak, pw, strlen(pw), &ok, &rehash, re),
	    AUTH_HASH_OK);
	assert_true(ok);
	assert_true(rehash);
	assert_non_null(strstr(re, "m=65536,t=2,p=1"));
	assert_int_equal(crypto_pwhash_str_needs_rehash(re, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE), 0);
	bool ok2 = false, rehash2 = true;
	assert_int_equal(auth_verify_password(re, pw, strlen(pw), &ok2, &rehash2, NULL),
	    AUTH_HASH_OK);
	assert_true(ok2);
	assert_false(rehash2);
	/* Without room for the new hash the caller still learns it is due. */
	assert_int_equal(auth_verify_password(weak, pw, strlen(pw), &ok, &rehash, NULL),
	    AUTH_HASH_OK);
	assert_true(ok);
	assert_true(rehash);
}

/* --- CSRF --- */

static void
csrf_session(void **state)
{
	(void)state;
	unsigned char csrf[AUTH_TOKEN_BYTES], other[AUTH_TOKEN_BYTES];
	char text[AUTH_TOKEN_TEXT];
	auth_token_new(csrf);
	auth_token_encode(csrf, text);
	assert_true(auth_csrf_matches(csrf, text));
	memcpy(other, csrf, sizeof(other));
	other[0] ^= 0x80;
	assert_false(auth_csrf_matches(other, text));
	char flipped[AUTH_TOKEN_TEXT];
	memcpy(flipped, text, sizeof(text));
	flipped[5] = flipped[5] == 'A' ? 'B' : 'A';
	assert_false(auth_csrf_matches(csrf, flipped));
	assert_false(auth_csrf_matches(csrf, NULL));
	assert_false(auth_csrf_matches(csrf, ""));
	assert_false(auth_csrf_matches(csrf, "garbage"));
	char padded[AUTH_TOKEN_TEXT + 1];
	snprintf(padded, sizeof(padded), "%s=", text);
	assert_false(auth_csrf_matches(csrf, padded));
	/* An all-zero session value is matched only by its own encoding. */
	memset(other, 0, sizeof(other));
	assert_false(auth_csrf_matches(other, text));
	assert_true(auth_csrf_matches(other, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
}

static void
csrf_login(void **state)
{
	(void)state;
	unsigned char pre[AUTH_TOKEN_BYTES], pre2[AUTH_TOKEN_BYTES];
	char v[AUTH_TOKEN_TEXT], again[AUTH_TOKEN_TEXT], other[AUTH_TOKEN_TEXT];
	char pre_text[AUTH_TOKEN_TEXT];
	auth_token_new(pre);
	auth_token_new(pre2);
	auth_login_csrf(secret, pre, v);
	auth_login_csrf(secret, pre, again);
	assert_string_equal(v, again);
	assert_int_equal(strlen(v), AUTH_TOKEN_TEXT - 1);
	assert_true(auth_login_csrf_matches(secret, pre, v));
	/* Bound to the pre-session value … */
	assert_false(auth_login_csrf_matches(secret, pre2, v));
	auth_login_csrf(secret, pre2, other);
	assert_string_not_equal(v, other);
	assert_false(auth_login_csrf_matches(secret, pre, other));
	/* … and to the secret. */
	assert_false(auth_login_csrf_matches(other_secret, pre, v));
	auth_login_csrf(other_secret, pre, other);
	assert_string_not_equal(v, other);
	/* The pre-session cookie itself is not the form value. */
	auth_token_encode(pre, pre_text);
	assert_false(auth_login_csrf_matches(secret, pre, pre_text));
	/* Nor is a plain MAC of the value without the label. */
	unsigned char mac[crypto_auth_BYTES];
	crypto_auth(mac, pre, sizeof(pre), secret);
	auth_token_encode(mac, other);
	assert_false(auth_login_csrf_matches(secret, pre, other));
	assert_false(auth_login_csrf_matches(secret, pre, NULL));
	assert_false(auth_login_csrf_matches(secret, pre, ""));
	assert_false(auth_login_csrf_matches(secret, pre, "%00%00"));
	char cut[AUTH_TOKEN_TEXT];
	memcpy(cut, v, sizeof(cut));
	cut[AUTH_TOKEN_TEXT - 2] = '\0';
	assert_false(auth_login_csrf_matches(secret, pre, cut));
}

/* --- the throttle on an injected clock --- */

/* Failures as the store keeps them; counted as store_login_failures does:
 * those after now - WINDOW. */
struct failure {
	const char *user;
	const char *addr;
	time_t at;
};

static int
wait_for(const struct failure *f, size_t n, const char *user, const char *addr, time_t now,
    int max_user, int max_addr)
{
	long long uc = 0, ac = 0;
	int64_t uo = 0, ao = 0;
	for (size_t i = 0; i < n; i++) {
		if (f[i].at <= now - WINDOW)
			continue;
		if (strcmp(f[i].user, user) == 0) {
			if (uc++ == 0 || f[i].at < uo)
				uo = f[i].at;
		}
		if (strcmp(f[i].addr, addr) == 0) {
			if (ac++ == 0 || f[i].at < ao)
				ao = f[i].at;
		}
	}
	return auth_throttle_wait(uc, uo, ac, ao, max_user, max_addr, WINDOW, now);
}

static void
throttle_user(void **state)
{
	(void)state;
	struct failure f[8];
	size_t n = 0;
	/* Four failures: still allowed. */
	for (int i = 0; i < 4; i++)
		f[n++] = (struct failure){ "maryam", "192.0.2.1", NOW + i };
	assert_int_equal(wait_for(f, n, "maryam", "192.0.2.1", NOW + 4, 5, 20), 0);
	/* The fifth blocks, from any address, until the first is 900 s old. */
	f[n++] = (struct failure){ "maryam", "192.0.2.1", NOW + 4 };
	assert_int_equal(wait_for(f, n, "maryam", "192.0.2.1", NOW + 4, 5, 20), 896);
	assert_int_equal(wait_for(f, n, "maryam", "198.51.100.7", NOW + 5, 5, 20), 895);
	assert_int_equal(wait_for(f, n, "maryam", "192.0.2.1", NOW + 600, 5, 20), 300);
	assert_int_equal(wait_for(f, n, "maryam", "192.0.2.1", NOW + WINDOW - 1, 5, 20), 1);
	/* Exactly when the window has passed over the first failure. */
	assert_int_equal(wait_for(f, n, "maryam", "192.0.2.1", NOW + WINDOW, 5, 20), 0);
	/* Refused attempts were not counted; one more failure now blocks
	 * until the second-oldest leaves the window. */
	f[n++] = (struct failure){ "maryam", "192.0.2.1", NOW + WINDOW };
	assert_int_equal(wait_for(f, n, "maryam", "192.0.2.1", NOW + WINDOW, 5, 20), 1);
	assert_int_equal(wait_for(f, n, "maryam", "192.0.2.1", NOW + WINDOW + 1, 5, 20), 0);
	/* Another user is not affected, even from the same address. */
	assert_int_equal(wait_for(f, n, "ali", "192.0.2.1", NOW + 10, 5, 20), 0);
	/* And a lower limit blocks sooner. */
	assert_int_equal(wait_for(f, 2, "maryam", "192.0.2.1", NOW + 2, 2, 20), WINDOW - 2);
}

static void
throttle_address(void **state)
{
	(void)state;
	struct failure f[24];
	static const char *const users[] = { "u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7",
	    "u8", "u9", "u10", "u11", "u12", "u13", "u14", "u15", "u16", "u17", "u18", "u19" };
	size_t n = 0;
	for (int i = 0; i < 19; i++)
		f[n++] = (struct failure){ users[i], "203.0.113.9", NOW + 10 * i };
	assert_int_equal(wait_for(f, n, "maryam", "203.0.113.9", NOW + 200, 5, 20), 0);
	f[n++] = (struct failure){ users[19], "203.0.113.9", NOW + 190 };
	/* Twenty from one address: every name is refused from there … */
	assert_int_equal(wait_for(f, n, "maryam", "203.0.113.9", NOW + 200, 5, 20), 700);
	assert_int_equal(wait_for(f, n, "u3", "203.0.113.9", NOW + 200, 5, 20), 700);
	/* … but not from elsewhere. */
	assert_int_equal(wait_for(f, n, "maryam", "203.0.113.10", NOW + 200, 5, 20), 0);
	assert_int_equal(wait_for(f, n, "maryam", "203.0.113.9", NOW + WINDOW - 1, 5, 20), 1);
	assert_int_equal(wait_for(f, n, "maryam", "203.0.113.9", NOW + WINDOW, 5, 20), 0);
}

static void
throttle_bounds(void **state)
{
	(void)state;
	/* Both limits hit: the longer wait. */
	assert_int_equal(auth_throttle_wait(5, NOW - 100, 20, NOW - 500, 5, 20, WINDOW, NOW), 800);
	assert_int_equal(auth_throttle_wait(5, NOW - 500, 20, NOW - 100, 5, 20, WINDOW, NOW), 800);
	assert_int_equal(auth_throttle_wait(4, NOW - 500, 19, NOW - 100, 5, 20, WINDOW, NOW), 0);
	/* Inconsistent input never yields 0 while blocked, nor more than the
	 * window: a count without an oldest time, a time in the future (a
	 * clock that went back), a time long past. */
	assert_int_equal(auth_throttle_wait(5, 0, 0, 0, 5, 20, WINDOW, NOW), 1);
	assert_int_equal(auth_throttle_wait(5, NOW + 5000, 0, 0, 5, 20, WINDOW, NOW), WINDOW);
	assert_int_equal(auth_throttle_wait(5, INT64_MIN, 0, 0, 5, 20, WINDOW, NOW), 1);
	assert_int_equal(auth_throttle_wait(0, 0, 21, INT64_MAX, 5, 20, WINDOW, NOW), WINDOW);
	assert_int_equal(auth_throttle_wait(1000000, NOW - 3, 0, 0, 5, 20, WINDOW, NOW),
	    WINDOW - 3);
	/* Nonsense limits are raised to 1: one failure blocks. */
	assert_int_equal(auth_throttle_wait(1, NOW, 0, 0, 0, 20, WINDOW, NOW), WINDOW);
	assert_int_equal(auth_throttle_wait(0, 0, 0, 0, 0, 0, WINDOW, NOW), 0);
	assert_int_equal(auth_throttle_wait(9, NOW, 0, 0, 5, 20, 0, NOW), 1);
}

/* --- sessions --- */

static void
session_expiry(void **state)
{
	(void)state;
	const int idle = 30 * 60, life = 12 * 3600;
	/* Idle: exactly 30 minutes unused is still fine, one second more is not. */
	assert_false(auth_session_expired(NOW, NOW, NOW, idle, life));
	assert_false(auth_session_expired(NOW, NOW, NOW + idle, idle, life));
	assert_true(auth_session_expired(NOW, NOW, NOW + idle + 1, idle, life));
	/* Kept in use, it lives 12 hours and no longer. */
	assert_false(auth_session_expired(NOW, NOW + life - 60, NOW + life, idle, life));
	assert_true(auth_session_expired(NOW, NOW + life, NOW + life + 1, idle, life));
	assert_true(auth_session_expired(NOW, NOW + life + 1, NOW + life + 1, idle, life));
	/* Both at once. */
	assert_true(auth_session_expired(NOW, NOW, NOW + life + 1, idle, life));
	/* Damaged rows and nonsense limits end the session. */
	assert_true(auth_session_expired(INT64_MIN, NOW, NOW, idle, life));
	assert_true(auth_session_expired(NOW, INT64_MIN, NOW, idle, life));
	assert_true(auth_session_expired(NOW, NOW, NOW, 0, life));
	assert_true(auth_session_expired(NOW, NOW, NOW, idle, -1));
}

/* --- the limiter --- */

struct hasher {
	enum auth_hash_result r;
	bool ok;
	long ms;
};

static void *
hash_thread(void *arg)
{
	struct hasher *h = arg;
	char out[AUTH_HASH_TEXT];
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	h->r = auth_hash_password("abcdefghij", 10, out);
	h->ms = ms_since(&t0);
	return NULL;
}

static void *
verify_thread(void *arg)
{
	struct hasher *h = arg;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	h->r = auth_verify_password(NULL, "abcdefghij", 10, &h->ok, NULL, NULL);
	h->ms = ms_since(&t0);
	return NULL;
}

static void
limiter(void **state)
{
	(void)state;
	pthread_t th;
	struct hasher h = { .r = AUTH_HASH_OK };

	/* One slot, 50 ms of patience. The slot is held here, as a running
	 * hash would hold it; the other thread's hash gives up in time. */
	assert_int_equal(auth_init(1, 50), 0);
	assert_true(auth_slot_take());
	assert_int_equal(pthread_create(&th, NULL, hash_thread, &h), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(h.r, AUTH_HASH_BUSY);
	assert_true(h.ms >= 45);
	assert_true(h.ms < 2000);
	/* A verification too; and a second slot is not there either. */
	h.r = AUTH_HASH_OK;
	assert_int_equal(pthread_create(&th, NULL, verify_thread, &h), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(h.r, AUTH_HASH_BUSY);
	assert_false(auth_slot_take());

	/* With a longer wait, a waiter gets the slot once it is released. */
	assert_int_equal(auth_init(1, 5000), 0);
	h.r = AUTH_HASH_BUSY;
	h.ok = true;
	assert_int_equal(pthread_create(&th, NULL, verify_thread, &h), 0);
	usleep(100 * 1000);
	auth_slot_release();
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(h.r, AUTH_HASH_OK);
	assert_false(h.ok);
	assert_true(h.ms >= 90);

	/* Everything given back: two slots now, both free. */
	assert_int_equal(auth_init(2, 0), 0);
	assert_true(auth_slot_take());
	assert_true(auth_slot_take());
	assert_false(auth_slot_take());
	auth_slot_release();
	auth_slot_release();
	assert_int_equal(auth_init(2, 2000), 0);
}

/* The known-device cookie: bound to the user id, the secret and its age;
 * anything else about it is refused. */
static void
device_cookie(void **state)
{
	(void)state;
	const time_t now = 1800000000;
	const int age = 90 * 24 * 3600;
	char c[AUTH_DEVICE_TEXT];
	auth_device_cookie(secret, 42, now, c);
	assert_true(auth_device_cookie_valid(secret, c, 42, now, age));
	assert_true(auth_device_cookie_valid(secret, c, 42, now + age, age));
	assert_false(auth_device_cookie_valid(secret, c, 42, now + age + 1, age));
	assert_false(auth_device_cookie_valid(secret, c, 43, now, age));
	assert_false(auth_device_cookie_valid(other_secret, c, 42, now, age));
	assert_false(auth_device_cookie_valid(secret, c, 42, now - 1, age));	/* from the future */
	/* Every one-character change is refused. */
	size_t n = strlen(c);
	for (size_t i = 0; i < n; i++) {
		char t[AUTH_DEVICE_TEXT];
		memcpy(t, c, n + 1);
		t[i] = t[i] == 'A' ? 'B' : 'A';
		assert_false(auth_device_cookie_valid(secret, t, 42, now, age));
	}
	char longer[AUTH_DEVICE_TEXT * 2];
	snprintf(longer, sizeof(longer), "%sAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", c);
	assert_false(auth_device_cookie_valid(secret, longer, 42, now, age));
	static const char *const junk[] = { "", ".", "42", "42.", "42..", "-42.1800000000.x",
	    "42.-1.x", " 42.1800000000.x", "42.1800000000", "99999999999999999999.1.x" };
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		assert_false(auth_device_cookie_valid(secret, junk[i], 42, now, age));
	assert_false(auth_device_cookie_valid(secret, NULL, 42, now, age));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roles),
		cmocka_unit_test(usernames),
		cmocka_unit_test(token_unique),
		cmocka_unit_test(token_round_trip),
		cmocka_unit_test(token_hostile),
		cmocka_unit_test(token_hash),
		cmocka_unit_test(password_policy),
		cmocka_unit_test(hash_and_verify),
		cmocka_unit_test(verify_unknown_user),
		cmocka_unit_test(verify_rehash),
		cmocka_unit_test(csrf_session),
		cmocka_unit_test(csrf_login),
		cmocka_unit_test(throttle_user),
		cmocka_unit_test(throttle_address),
		cmocka_unit_test(throttle_bounds),
		cmocka_unit_test(session_expiry),
		cmocka_unit_test(limiter),
		cmocka_unit_test(device_cookie),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
