/* mail_token.c — signed links in mail; see mail_token.h. */
#include <string.h>

#include <sodium.h>

#include "arena.h"
#include "codec.h"
#include "mail_token.h"

_Static_assert(crypto_auth_KEYBYTES == 32, "a 32-byte key");
_Static_assert(crypto_auth_BYTES == 32, "a 32-byte tag");
_Static_assert(B64URL_CHARS(MAIL_TOKEN_BYTES) < MAIL_TOKEN_TEXT_MAX, "room for the text");

/* Keeps these tags apart from every other use of the secret. */
static const char domain[] = "nazar mail link v2";
#define HEAD_BYTES 33
/* An address longer than this is not one (mime.h: 254). */
#define ADDRESS_MAX 320

/* The tag over kind, id, expires and the lowercased address. */
static void
tag_of(const unsigned char key[32], const unsigned char head[HEAD_BYTES], const char *address,
    unsigned char tag[32])
{
	crypto_auth_hmacsha512256_state st;
	crypto_auth_hmacsha512256_init(&st, key, 32);
	crypto_auth_hmacsha512256_update(&st, (const unsigned char *)domain, sizeof(domain));
	crypto_auth_hmacsha512256_update(&st, head, HEAD_BYTES);
	unsigned char lower[ADDRESS_MAX];
	size_t n = address != NULL ? strnlen(address, ADDRESS_MAX) : 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)address[i];
		lower[i] = ch >= 'A' && ch <= 'Z' ? (unsigned char)(ch + ('a' - 'A')) : ch;
	}
	crypto_auth_hmacsha512256_update(&st, lower, n);
	crypto_auth_hmacsha512256_final(&st, tag);
	sodium_memzero(&st, sizeof(st));
}

static void
head_of(const struct mail_token *t, unsigned char head[HEAD_BYTES])
{
	head[0] = (unsigned char)t->kind;
	be64_put(head + 1, (uint64_t)t->id);
	be64_put(head + 9, (uint64_t)t->user);
	be64_put(head + 17, (uint64_t)t->version);
	be64_put(head + 25, (uint64_t)t->expires);
}

char *
mail_token_reader(struct arena *a, const unsigned char key[32], enum mail_token_kind kind,
    int64_t id, int64_t expires, const char *address)
{
	const struct mail_token t = { .kind = kind, .id = id, .expires = expires };
	return mail_token_make(a, key, &t, address);
}

char *
mail_token_make(struct arena *a, const unsigned char key[32], const struct mail_token *t,
    const char *address)
{
	unsigned char raw[MAIL_TOKEN_BYTES];
	head_of(t, raw);
	tag_of(key, raw, address, raw + HEAD_BYTES);
	char *text = arena_alloc(a, B64URL_CHARS(MAIL_TOKEN_BYTES) + 1);
	b64url_encode(text, raw, sizeof(raw));
	return text;
}

int
mail_token_parse(const char *text, struct mail_token *out)
{
	memset(out, 0, sizeof(*out));
	if (text == NULL)
		return -1;
	size_t len = strnlen(text, MAIL_TOKEN_TEXT_MAX);
	unsigned char raw[MAIL_TOKEN_BYTES];
	size_t got;
	if (len != B64URL_CHARS(MAIL_TOKEN_BYTES) ||
	    b64url_decode(text, len, raw, sizeof(raw), &got) != 0 || got != sizeof(raw))
		return -1;
	if (raw[0] != MAIL_TOKEN_CONFIRM && raw[0] != MAIL_TOKEN_UNSUBSCRIBE &&
	    raw[0] != MAIL_TOKEN_STOP && raw[0] != MAIL_TOKEN_DECIDE)
		return -1;
	uint64_t id = be64_get(raw + 1), user = be64_get(raw + 9), version = be64_get(raw + 17),
	    expires = be64_get(raw + 25);
	if (id == 0 || id > INT64_MAX || user > INT64_MAX || version > INT64_MAX ||
	    expires > INT64_MAX)
		return -1;
	out->kind = (enum mail_token_kind)raw[0];
	out->id = (int64_t)id;
	out->user = (int64_t)user;
	out->version = (int64_t)version;
	out->expires = (int64_t)expires;
	memcpy(out->tag, raw + HEAD_BYTES, sizeof(out->tag));
	return 0;
}

bool
mail_token_verify(const unsigned char key[32], const struct mail_token *t,
    const char *address, time_t now)
{
	if (address == NULL || address[0] == '\0' || strnlen(address, ADDRESS_MAX) >= ADDRESS_MAX)
		return false;
	if (t->expires != 0 && t->expires < (int64_t)now)
		return false;
	unsigned char head[HEAD_BYTES], tag[32];
	head_of(t, head);
	tag_of(key, head, address, tag);
	bool ok = sodium_memcmp(tag, t->tag, sizeof(tag)) == 0;
	sodium_memzero(tag, sizeof(tag));
	return ok;
}
