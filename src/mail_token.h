/* mail_token.h — the signed links in mail: for readers, confirm an
 * address, stop the replies to one comment, stop all mail to an address;
 * for moderators, decide a held comment from the mail about it.
 *
 * A token is base64url of: its kind (one byte), an id (the subscriber's
 * for confirm and stop, the comment's for unsubscribe and decide), a user
 * and a version (decide: the moderator the mail went to and the version
 * of the comment it showed; 0 otherwise), an expiry (0: none) and a
 * crypto_auth tag (HMAC-SHA-512-256 under the server secret) over those
 * and the address, lowercased: a token works for the one address it was
 * made for, and cannot be turned into another kind, id, user, version or
 * expiry. A decide link is single-use by its version: any decision raises
 * the comment's version, and the link then names an old one. Pure: the
 * caller finds the address the id names and asks mail_token_verify. */
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
	MAIL_TOKEN_DECIDE = 'd',	/* id: comment; user, version: see above */
};

/* 1 + 4 × 8 + 32 bytes; the text is longer by a third. */
#define MAIL_TOKEN_BYTES 65
#define MAIL_TOKEN_TEXT_MAX 96

struct mail_token {
	enum mail_token_kind kind;
	int64_t id;		/* positive */
	int64_t user;		/* decide: the moderator's user id; else 0 */
	int64_t version;	/* decide: the comment's version; else 0 */
	int64_t expires;	/* Unix time; 0: never */
	unsigned char tag[32];
};

/* The token's text for address (in the arena; URL-safe); t's tag is not
 * read. */
char *mail_token_make(struct arena *a, const unsigned char key[32], const struct mail_token *t,
    const char *address);
/* The same for a reader's link (user and version 0). */
char *mail_token_reader(struct arena *a, const unsigned char key[32],
    enum mail_token_kind kind, int64_t id, int64_t expires, const char *address);
/* Reads a token's text without checking its tag: 0, or -1 for anything
 * that is not one well-formed token (length, alphabet, kind, id > 0, user
 * and version not negative). */
int mail_token_parse(const char *text, struct mail_token *out);
/* True when t was made for address under key and has not expired at now. */
bool mail_token_verify(const unsigned char key[32], const struct mail_token *t,
    const char *address, time_t now);

#endif
