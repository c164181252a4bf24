/* mail_token.h — the signed links in mail to readers: confirm an address,
 * stop the replies to one comment, stop all mail to an address.
 *
 * A token is base64url of: its kind (one byte), an id (the subscriber's
 * for confirm and stop, the comment's for unsubscribe), an expiry (0:
 * none) and a crypto_auth tag (HMAC-SHA-512-256 under the server secret)
 * over those and the address, lowercased: a token works for the one
 * address it was made for, and cannot be turned into another kind, id or
 * expiry. Pure: the caller finds the address the id names and asks
 * mail_token_verify. */
#ifndef NAZAR_MAIL_TOKEN_H
#define NAZAR_MAIL_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct arena;

enum mail_token_kind {
	MAIL_TOKEN_CONFIRM = 'c',	/* id: subscriber; confirm the address */
	MAIL_TOKEN_UNSUBSCRIBE = 'u',	/* id: comment; no more mail about its replies */
	MAIL_TOKEN_STOP = 's',		/* id: subscriber; no mail at all, for good */
};

/* 1 + 8 + 8 + 32 bytes; the text is longer by a third. */
#define MAIL_TOKEN_BYTES 49
#define MAIL_TOKEN_TEXT_MAX 80

struct mail_token {
	enum mail_token_kind kind;
	int64_t id;		/* positive */
	int64_t expires;	/* Unix time; 0: never */
	unsigned char tag[32];
};

/* The token's text for address (in the arena; URL-safe). */
char *mail_token_make(struct arena *a, const unsigned char key[32], enum mail_token_kind kind,
    int64_t id, int64_t expires, const char *address);
/* Reads a token's text without checking its tag: 0, or -1 for anything
 * that is not one well-formed token (length, alphabet, kind, id > 0). */
int mail_token_parse(const char *text, struct mail_token *out);
/* True when t was made for address under key and has not expired at now. */
bool mail_token_verify(const unsigned char key[32], const struct mail_token *t,
    const char *address, time_t now);

#endif
