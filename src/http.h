/* http.h — bounded parsers for what arrives in a request: query strings,
 * urlencoded bodies, cookies, CONTENT_LENGTH; and header-value safety.
 *
 * Every parser takes explicit limits and returns 0 on success or the HTTP
 * status the request deserves (400 malformed, 413 too large). Decoded
 * strings are NUL-terminated and live in the caller's arena; a decoded NUL
 * byte (%00) is refused with 400 so that C string handling stays honest. */
#ifndef NAZAR_HTTP_H
#define NAZAR_HTTP_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

struct arena;

struct kv {
	const char *key;
	const char *value;
	size_t value_len;	/* == strlen(value) */
};

/* Keeps the order of the input; repeated keys appear repeatedly. */
struct kvlist {
	struct kv *items;
	size_t count;
};

struct parse_limits {
	size_t max_fields;	/* more pairs than this: 400 */
	size_t max_key;		/* decoded key bytes: 400 */
	size_t max_value;	/* decoded value bytes: 413 for bodies, 400 for queries */
	int too_long_status;	/* 400 or 413 */
};

/* application/x-www-form-urlencoded (query strings and POST bodies):
 * '&'-separated; '+' is space; "%XX" decoded, any other '%' use is 400;
 * a pair without '=' is a key with an empty value; empty pairs ("a=1&&b=2")
 * are skipped. len bytes of s are read; s need not be NUL-terminated. */
int http_parse_urlencoded(struct arena *a, const char *s, size_t len,
    const struct parse_limits *lim, struct kvlist *out);

/* Cookie header ("a=1; b=2"). Values are not percent-decoded (nazar's own
 * cookies use base64url); malformed pairs are skipped, as browsers do, but
 * more than max_cookies pairs or a header over max_len bytes is 400. */
int http_parse_cookies(struct arena *a, const char *header, size_t max_len,
    size_t max_cookies, struct kvlist *out);

/* First value for key, or NULL. */
const char *kvlist_get(const struct kvlist *l, const char *key);
/* Number of pairs with this key. */
size_t kvlist_count(const struct kvlist *l, const char *key);

/* CONTENT_LENGTH: NULL or "" means 0; digits only (no sign, no spaces),
 * overflow-checked; 400 when malformed, 413 when above max. */
int http_parse_content_length(const char *s, size_t max, size_t *out);

/* True when s can go into a response header: no CR, LF or NUL, no other
 * control characters, bounded length. */
bool http_header_value_safe(const char *s);

/* "Not Found" for 404 etc.; "Unknown" otherwise. */
const char *http_status_text(int status);

/* Appends s percent-encoded for a query-string value. */
struct buf;
void http_url_encode(struct buf *out, const char *s);

/* s[0 .. len) made fit for a Location header and an href: every byte a
 * URL may not hold as it is (non-ASCII, in valid UTF-8 or not, controls,
 * space, and " < > \ ^ ` { | }) percent-encoded, everything else
 * (reserved characters and existing %XX escapes too) kept. In the arena. */
char *http_location_encode(struct arena *a, const char *s, size_t len);

/* An HTTP date (RFC 9110's IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT")
 * of a Unix time, into out (HTTP_DATE_LEN bytes with the NUL). */
#define HTTP_DATE_LEN 30
void http_date_format(int64_t t, char out[HTTP_DATE_LEN]);
/* Reads an IMF-fixdate; false for anything else (the obsolete forms too:
 * a conditional request that cannot be read is answered in full). */
bool http_date_parse(const char *s, int64_t *t);

/* Whether an If-None-Match value (a list of entity tags, or "*") names
 * etag (quoted, e.g. "\"abc\""), by the weak comparison of RFC 9110:
 * W/ prefixes ignored. A malformed list matches nothing. */
bool http_etag_matches(const char *if_none_match, const char *etag);

#endif
