/* antispam.c — the form token, address groups, link counting, duplicate
 * digests and the decision about a posted comment; see antispam.h. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "codec.h"
#include "antispam.h"
#include "arena.h"
#include "buf.h"
#include "fold.h"
#include "netaddr.h"
#include "text.h"

_Static_assert(ANTISPAM_GROUP_MAX >= NETADDR_TEXT_MAX, "an address group fits");

/* Token layout: [version][served u64 BE][article digest][tag], base64url.
 * The tag covers a label and everything before it, so a token can never
 * pass for a reader cookie (reader.c) signed with the same secret, nor the
 * other way round. The article digest lets a genuine token for another
 * article be told apart from a forged one. */
#define TOKEN_VERSION 1
#define ARTICLE_DIGEST_BYTES 16
#define SIGNED_BYTES (1 + 8 + ARTICLE_DIGEST_BYTES)
#define TAG_BYTES crypto_auth_hmacsha512256_BYTES
#define RAW_BYTES (SIGNED_BYTES + TAG_BYTES)
/* Exactly this long, without padding: (57 * 4 + 2) / 3. */
#define TOKEN_CHARS B64URL_CHARS(RAW_BYTES)
static const char token_label[] = "nazar form token";

_Static_assert(crypto_auth_BYTES == TAG_BYTES, "crypto_auth is HMAC-SHA-512-256");
_Static_assert(crypto_auth_hmacsha512256_KEYBYTES == 32, "a 32-byte secret");
_Static_assert(TOKEN_CHARS == 76, "the length antispam.h promises");

static void
article_digest(const char *article, unsigned char out[ARTICLE_DIGEST_BYTES])
{
	if (article == NULL)
		article = "";
	crypto_generichash(out, ARTICLE_DIGEST_BYTES, (const unsigned char *)article,
	    strlen(article), NULL, 0);
}

/* The tag of raw[0 .. SIGNED_BYTES), behind the label (NUL included). */
static void
token_tag(const unsigned char key[32], const unsigned char *raw, unsigned char tag[TAG_BYTES])
{
	crypto_auth_hmacsha512256_state st;
	crypto_auth_hmacsha512256_init(&st, key, 32);
	crypto_auth_hmacsha512256_update(&st, (const unsigned char *)token_label,
	    sizeof(token_label));
	crypto_auth_hmacsha512256_update(&st, raw, SIGNED_BYTES);
	crypto_auth_hmacsha512256_final(&st, tag);
	sodium_memzero(&st, sizeof(st));
}

char *
antispam_token_make(struct arena *a, const unsigned char key[32], const char *article,
    time_t served)
{
	unsigned char raw[RAW_BYTES];
	raw[0] = TOKEN_VERSION;
	be64_put(raw + 1, (uint64_t)(served > 0 ? served : 0));
	article_digest(article, raw + 9);
	token_tag(key, raw, raw + SIGNED_BYTES);
	char *out = arena_alloc(a, TOKEN_CHARS + 1);
	b64url_encode(out, raw, sizeof(raw));
	return out;
}

enum token_verdict
antispam_token_check(const unsigned char key[32], const char *token, const char *article,
    time_t now, int min_seconds, int max_age_seconds)
{
	unsigned char raw[RAW_BYTES], tag[TAG_BYTES], digest[ARTICLE_DIGEST_BYTES];
	size_t rawlen;

	if (token == NULL || token[0] == '\0')
		return TOKEN_MISSING;
	/* Anything but the exact length is not ours: not worth decoding. */
	if (strnlen(token, TOKEN_CHARS + 1) != TOKEN_CHARS)
		return TOKEN_FORGED;
	if (b64url_decode(token, TOKEN_CHARS, raw, sizeof(raw), &rawlen) != 0 ||
	    rawlen != RAW_BYTES || raw[0] != TOKEN_VERSION)
		return TOKEN_FORGED;
	token_tag(key, raw, tag);
	if (sodium_memcmp(tag, raw + SIGNED_BYTES, TAG_BYTES) != 0)
		return TOKEN_FORGED;
	article_digest(article, digest);
	if (sodium_memcmp(digest, raw + 9, ARTICLE_DIGEST_BYTES) != 0)
		return TOKEN_OTHER_ARTICLE;

	uint64_t served = be64_get(raw + 1);
	uint64_t t = now > 0 ? (uint64_t)now : 0;
	/* Served "in the future" (a clock stepped back): too soon as well. */
	if (served > t)
		return TOKEN_TOO_SOON;
	uint64_t age = t - served;
	if (min_seconds > 0 && age < (uint64_t)min_seconds)
		return TOKEN_TOO_SOON;
	if (age > (uint64_t)(max_age_seconds > 0 ? max_age_seconds : 0))
		return TOKEN_TOO_LATE;
	return TOKEN_OK;
}

const char *
antispam_token_renew(struct arena *a, const unsigned char key[32], const char *posted,
    const char *article, time_t now, int min_seconds, int max_age_seconds)
{
	switch (antispam_token_check(key, posted, article, now, 0, max_age_seconds)) {
	case TOKEN_OK:
		return posted;
	default:
		/* Expired, forged or missing: a token served now, which
		 * must age min_seconds like any other, so that a refused
		 * post never hands out a form that can be sent at once. */
		(void)min_seconds;
		return antispam_token_make(a, key, article, now);
	}
}

static const char post_key_label[] = "nazar post key";

static void
post_key_part(crypto_generichash_state *st, const char *s)
{
	unsigned char len[8];
	size_t n = s != NULL ? strlen(s) : 0;
	be64_put(len, (uint64_t)n);
	crypto_generichash_update(st, len, sizeof(len));
	if (n > 0)
		crypto_generichash_update(st, (const unsigned char *)s, n);
}

bool
antispam_post_key(const unsigned char key[32], const char *token, const char *const *fields,
    size_t n, unsigned char out[ANTISPAM_POST_KEY_BYTES])
{
	if (token == NULL || token[0] == '\0')
		return false;
	crypto_generichash_state st;
	crypto_generichash_init(&st, key, 32, ANTISPAM_POST_KEY_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)post_key_label,
	    sizeof(post_key_label));
	post_key_part(&st, token);
	for (size_t i = 0; i < n; i++)
		post_key_part(&st, fields[i]);
	crypto_generichash_final(&st, out, ANTISPAM_POST_KEY_BYTES);
	sodium_memzero(&st, sizeof(st));
	return true;
}

const char *
antispam_token_reason(enum token_verdict v)
{
	switch (v) {
	case TOKEN_MISSING: return ANTISPAM_REASON_TOKEN_MISSING;
	case TOKEN_FORGED: return ANTISPAM_REASON_TOKEN_FORGED;
	case TOKEN_OTHER_ARTICLE: return ANTISPAM_REASON_TOKEN_ARTICLE;
	case TOKEN_TOO_SOON: return ANTISPAM_REASON_TOKEN_TOO_SOON;
	default: return NULL;
	}
}

const char *
antispam_reason_rule(const char *reason)
{
	static const char *const rules[] = {
		ANTISPAM_REASON_HONEYPOT, ANTISPAM_REASON_TOKEN_MISSING,
		ANTISPAM_REASON_TOKEN_FORGED, ANTISPAM_REASON_TOKEN_ARTICLE,
		ANTISPAM_REASON_TOKEN_TOO_SOON, ANTISPAM_REASON_LINKS,
	};
	static const struct {
		const char *prefix, *rule;
	} blocks[] = {
		{ "blocklist: word ", "blocklist-word" },
		{ "blocklist: email ", "blocklist-email" },
		{ "blocklist: address ", "blocklist-address" },
	};
	if (reason == NULL)
		return "moderator";
	size_t len = strcspn(reason, ";");
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (strlen(rules[i]) == len && memcmp(rules[i], reason, len) == 0)
			return rules[i];
	for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++) {
		size_t n = strlen(blocks[i].prefix);
		if (len >= n && memcmp(blocks[i].prefix, reason, n) == 0)
			return blocks[i].rule;
	}
	return "moderator";
}

/* --- address groups --- */

static int
clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

int
antispam_address_group(const char *addr, int ipv4_prefix, int ipv6_prefix,
    char out[ANTISPAM_GROUP_MAX])
{
	unsigned char ip[NETADDR_BYTES];

	if (addr == NULL || addr[0] == '\0') {
		snprintf(out, ANTISPAM_GROUP_MAX, "none");
		return -1;
	}
	if (netaddr_parse_client(addr, ip)) {
		int prefix = netaddr_is_v4(ip) ? NETADDR_V4_OFFSET + clamp(ipv4_prefix, 0, 32) :
		    clamp(ipv6_prefix, 0, 128);
		netaddr_mask(ip, prefix);
		netaddr_range_text(ip, prefix, out);	/* ANTISPAM_GROUP_MAX > NETADDR_TEXT_MAX */
		return 0;
	}
	/* Not an IP address (a unix socket peer, a misconfigured proxy): its
	 * own group, kept printable for logs. */
	size_t o = (size_t)snprintf(out, ANTISPAM_GROUP_MAX, "raw:");
	for (size_t i = 0; i < 64 && addr[i] != '\0' && o + 1 < ANTISPAM_GROUP_MAX; i++) {
		unsigned char c = (unsigned char)addr[i];
		out[o++] = c > 0x20 && c < 0x7f ? (char)c : '?';
	}
	out[o] = '\0';
	return -1;
}

/* --- links --- */

size_t
antispam_count_links(const char *body)
{
	size_t n = 0;
	unsigned char prev = 0;

	if (body == NULL)
		return 0;
	/* Every scheme counts, even inside another URL ("?r=http://…"): a
	 * redirect is a link as well. A "www." counts unless it continues a
	 * word or a URL ("awww.", "http://www.", "a.www."). */
	for (const char *p = body; *p != '\0'; prev = (unsigned char)*p++) {
		unsigned char c = (unsigned char)*p;
		if (c != 'h' && c != 'H' && c != 'w' && c != 'W')
			continue;
		bool www;
		size_t start = text_link_start(p, &www);
		if (start > 0 && text_host_start((unsigned char)p[start]) &&
		    (!www || !text_link_glued(prev)))
			n++;
	}
	return n;
}

/* --- duplicates --- */

void
antispam_body_hash(const char *body, unsigned char out[ANTISPAM_HASH_BYTES])
{
	struct buf b = { 0 };
	if (body == NULL)
		body = "";
	size_t len = strlen(body);
	fold_append(&b, body, len);
	if (b.len > 0)
		crypto_generichash(out, ANTISPAM_HASH_BYTES, (const unsigned char *)b.data, b.len,
		    NULL, 0);
	else
		crypto_generichash(out, ANTISPAM_HASH_BYTES, (const unsigned char *)body, len,
		    NULL, 0);
	buf_free(&b);
}

/* --- trust and the decision --- */

bool
antispam_trusted(const char *email, long long approved, bool cookie_lists_one,
    int trusted_after)
{
	/* A typed e-mail alone proves nothing: anyone can type it. */
	return email != NULL && email[0] != '\0' && trusted_after > 0 &&
	    approved >= trusted_after && cookie_lists_one;
}

void
antispam_decide(const struct antispam_input *in, struct antispam_decision *out)
{
	memset(out, 0, sizeof(*out));
	out->reason = "";
	const char *token_reason = antispam_token_reason(in->token);
	if (in->honeypot != NULL && in->honeypot[0] != '\0') {
		out->status = COMMENT_SPAM;
		out->reason = ANTISPAM_REASON_HONEYPOT;
	} else if (token_reason != NULL) {
		out->status = COMMENT_SPAM;
		out->reason = token_reason;
	} else if (in->token == TOKEN_TOO_LATE) {
		out->expired = true;
		out->status = COMMENT_PENDING;
	} else if (in->links > (size_t)(in->max_links > 0 ? in->max_links : 0)) {
		out->status = COMMENT_PENDING;
		out->reason = ANTISPAM_REASON_LINKS;
	} else if (in->mode == MODERATION_POST) {
		out->status = COMMENT_APPROVED;
	} else {
		out->status = COMMENT_PENDING;
		out->ask_trust = in->mode == MODERATION_TRUSTED;
	}
}
