/* antispam.h — what nazar decides about a posted comment before it reaches
 * the database: the honeypot, the signed form token, the client's address
 * group, links, duplicate text and trusted readers.
 *
 * Everything here is a pure decision: no I/O, no database, and the clock is
 * a parameter, so each rule is tested on its own. Counting recent comments
 * is the store's part (store_antispam.h); h_post.c puts the two together.
 *
 * The form token is signed with crypto_auth (HMAC-SHA-512-256) under the
 * server secret and carries only the article and the time the form was
 * served: every reader of an article gets the same token in the same second,
 * so forms served from an nginx cache or through SSI keep working. */
#ifndef NAZAR_ANTISPAM_H
#define NAZAR_ANTISPAM_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "config.h"
#include "store.h"

struct arena;

/* Form fields. A bot that fills every field it sees fills "website";
 * people never see it (hidden, aria-hidden, out of the tab order). */
#define ANTISPAM_HONEYPOT_FIELD "website"
#define ANTISPAM_TOKEN_FIELD "token"

/* Room for any address group, NUL included ("2001:db8:…::/64", "raw:…"). */
#define ANTISPAM_GROUP_MAX 80	/* > NETADDR_TEXT_MAX */
/* Bytes of the digest of a comment's folded text (duplicate detection). */
#define ANTISPAM_HASH_BYTES 16

/* Reasons stored in comments.reason; the moderation queue shows them. */
#define ANTISPAM_REASON_HONEYPOT "honeypot"
#define ANTISPAM_REASON_TOKEN_MISSING "token-missing"
#define ANTISPAM_REASON_TOKEN_FORGED "token-forged"
#define ANTISPAM_REASON_TOKEN_ARTICLE "token-other-article"
#define ANTISPAM_REASON_TOKEN_TOO_SOON "token-too-soon"
#define ANTISPAM_REASON_LINKS "links"

enum token_verdict {
	TOKEN_OK,
	TOKEN_MISSING,		/* no token: a post made without the form */
	TOKEN_FORGED,		/* malformed, or the signature does not verify */
	TOKEN_OTHER_ARTICLE,	/* genuine, but served with another article's form */
	TOKEN_TOO_SOON,		/* posted less than min_seconds after serving */
	TOKEN_TOO_LATE,		/* posted more than max_age after serving */
	TOKEN__MAX
};

/* A token for article's form served at `served` (base64url, 76 bytes,
 * safe in an HTML attribute). */
char *antispam_token_make(struct arena *a, const unsigned char key[32], const char *article,
    time_t served);

/* Checks a posted token (NULL or "" = missing) against the posted article
 * at time now. The age (now - served) must be at least min_seconds and at
 * most max_age_seconds; a token served in the future is too soon. Bounded:
 * anything longer than a token is forged without being decoded. */
enum token_verdict antispam_token_check(const unsigned char key[32], const char *token,
    const char *article, time_t now, int min_seconds, int max_age_seconds);

/* The token for a form shown again with the reader's text (after a 422,
 * 409, 429 or 503): the posted one while it is genuine and not expired, so
 * that it keeps its served time; otherwise (expired, forged, missing) one
 * served now, which must age min_seconds before it is accepted like any
 * form's: a refused post is never a way round the minimum time.
 * min_seconds is kept in the signature for the callers' sake. */
const char *antispam_token_renew(struct arena *a, const unsigned char key[32],
    const char *posted, const char *article, time_t now, int min_seconds, int max_age_seconds);

/* Bytes of a post key (antispam_post_key). */
#define ANTISPAM_POST_KEY_BYTES 16

/* The key of one posted form: a keyed digest (under the server secret) of
 * the posted token and of the fields as posted (fields[0 .. n), NULL taken
 * as ""), each with its length, so no two different forms share a key. A
 * request sent again unchanged (nginx retrying a post after the serving
 * process died, a double click) has the same key, and the store answers
 * it with the comment it already stored (store_antispam.h). The token
 * dates the form to the second, the fields tell apart the readers who got
 * the same token. Returns false, and leaves out alone, without a token
 * (antispam_token_check would say TOKEN_MISSING). */
bool antispam_post_key(const unsigned char key[32], const char *token,
    const char *const *fields, size_t n, unsigned char out[ANTISPAM_POST_KEY_BYTES]);

/* The rule a comment's stored reason names, for counting spam by rule:
 * the first part of the reason (before "; ") when it is one of the
 * reasons above ("honeypot", "token-forged", "links" …) or a blocklist
 * match ("blocklist-word", "blocklist-email", "blocklist-address");
 * "moderator" for anything else (a person's reason, or none). */
const char *antispam_reason_rule(const char *reason);

/* The reason stored for a token that sends a comment to spam; NULL for
 * TOKEN_OK and TOKEN_TOO_LATE (which are not spam). */
const char *antispam_token_reason(enum token_verdict v);

/* The group whose posts are counted together: the IPv4 address masked to
 * ipv4_prefix bits ("203.0.113.0/24"), the IPv6 address to ipv6_prefix
 * bits ("2001:db8:1:2::/64"); IPv4-mapped IPv6 (::ffff:a.b.c.d) counts as
 * IPv4, so one client is one group over both socket types. A zone
 * ("%eth0") is ignored. Anything else is its own group ("raw:" and up to
 * 64 printable bytes), an empty address is "none". Prefixes are clamped
 * to 0..32 and 0..128. Returns 0 for an IP address, -1 otherwise. */
int antispam_address_group(const char *addr, int ipv4_prefix, int ipv6_prefix,
    char out[ANTISPAM_GROUP_MAX]);

/* Links in a comment body: each http://, https:// or www. (any case) that
 * starts a URL counts once, wherever it stands — also glued to Persian
 * words or inside markup a bot pasted ("<a href=http://…"). */
size_t antispam_count_links(const char *body);

/* The digest of body after folding (fold.h: case, Arabic/Persian letter
 * variants, diacritics, tatweel, ZWNJ, digits, punctuation and spacing), so
 * that retyped copies of one text are the same. A body that folds to
 * nothing (only punctuation) is digested as it is. */
void antispam_body_hash(const char *body, unsigned char out[ANTISPAM_HASH_BYTES]);

/* In mode = trusted: published at once only when the reader gave an
 * e-mail, the same name and e-mail have at least trusted_after approved
 * comments, and the reader's signed cookie lists one of them. */
bool antispam_trusted(const char *email, long long approved, bool cookie_lists_one,
    int trusted_after);

/* What the post handler knows about a valid comment before storing it. */
struct antispam_input {
	const char *honeypot;		/* the honeypot field's value; NULL when absent */
	enum token_verdict token;
	size_t links;
	int max_links;
	enum moderation_mode mode;
};

struct antispam_decision {
	bool expired;			/* TOKEN_TOO_LATE: show the form again (422) */
	enum comment_status status;	/* else store with this status … */
	const char *reason;		/* … and reason ("" when none) */
	bool ask_trust;			/* pending only for want of trust: look it up */
};

/* The order of the rules: a filled honeypot and a bad token (missing,
 * forged, another article's, too soon) are spam; an expired token sends
 * the form back; more than max_links links hold the comment whatever the
 * mode; then the mode decides (trusted: pending with ask_trust set). */
void antispam_decide(const struct antispam_input *in, struct antispam_decision *out);

#endif
