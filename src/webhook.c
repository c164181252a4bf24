/* webhook.c — the URL rule, event names and signature; see webhook.h. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "num.h"
#include "webhook.h"

static const char *const events[] = { "held", "published", "rejected", "reply" };

bool
webhook_event_known(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		if (strlen(events[i]) == len && memcmp(events[i], name, len) == 0)
			return true;
	return false;
}

/* Whether host[0..hlen) is a word of the space-separated list. */
static bool
host_allowed(const char *host, size_t hlen, const char *list)
{
	for (const char *p = list; *p != '\0';) {
		p += strspn(p, " \t");
		size_t n = strcspn(p, " \t");
		if (n == hlen && n > 0 && strncasecmp(p, host, n) == 0)
			return true;
		p += n;
	}
	return false;
}

/* No byte a URL in a configuration file should carry: white space,
 * control and non-ASCII bytes, quotes, a backslash, a fragment. */
static bool
url_bytes_ok(const char *url)
{
	for (const char *p = url; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= ' ' || c >= 0x7f || strchr("\"<>\\`{}|^#", c) != NULL)
			return false;
	}
	return true;
}

/* The host (an IPv6 literal without its brackets) and the port (NULL:
 * none) of the authority auth[0..alen); -1 with err when it has no host
 * or a bracket out of place. */
static int
split_authority(const char *auth, size_t alen, const char **host, size_t *hlen,
    const char **portp, size_t *plen, char *err, size_t errlen)
{
	const char *port = NULL;
	*host = auth;
	if (alen > 0 && auth[0] == '[') {
		const char *close = memchr(auth, ']', alen);
		if (close == NULL) {
			snprintf(err, errlen, "an IPv6 address needs its closing ']'");
			return -1;
		}
		*host = auth + 1;
		*hlen = (size_t)(close - *host);
		if (close + 1 < auth + alen) {
			if (close[1] != ':') {
				snprintf(err, errlen, "junk after the IPv6 address");
				return -1;
			}
			port = close + 2;
		}
	} else {
		const char *colon = memchr(auth, ':', alen);
		*hlen = colon != NULL ? (size_t)(colon - auth) : alen;
		if (colon != NULL)
			port = colon + 1;
	}
	if (*hlen == 0) {
		snprintf(err, errlen, "has no host");
		return -1;
	}
	*plen = port != NULL ? (size_t)(auth + alen - port) : 0;
	*portp = port;
	return 0;
}

/* A name or an address literal: letters, digits, dots and hyphens, and
 * colons inside an IPv6 literal's brackets. */
static bool
host_bytes_ok(const char *host, size_t hlen, bool bracketed)
{
	for (size_t i = 0; i < hlen; i++) {
		unsigned char c = (unsigned char)host[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '-' || (c == ':' && bracketed)))
			return false;
	}
	return true;
}

static bool
loopback(const char *host, size_t hlen)
{
	return (hlen == 9 && memcmp(host, "127.0.0.1", 9) == 0) ||
	    (hlen == 3 && memcmp(host, "::1", 3) == 0);
}

int
webhook_url_check(const char *url, const char *allow_hosts, char *err, size_t errlen)
{
	bool https = strncmp(url, "https://", 8) == 0;
	if (!https && strncmp(url, "http://", 7) != 0) {
		snprintf(err, errlen, "must start with https:// (http:// only to 127.0.0.1 "
		    "or [::1])");
		return -1;
	}
	if (strlen(url) >= WEBHOOK_URL_MAX) {
		snprintf(err, errlen, "longer than %d bytes", WEBHOOK_URL_MAX - 1);
		return -1;
	}
	if (!url_bytes_ok(url)) {
		snprintf(err, errlen, "must not contain spaces, control or non-ASCII "
		    "characters, quotes, a backslash or a fragment");
		return -1;
	}
	const char *auth = url + (https ? 8 : 7);
	size_t alen = strcspn(auth, "/?");
	if (memchr(auth, '@', alen) != NULL) {
		snprintf(err, errlen, "must not carry a user name or password (user@host)");
		return -1;
	}
	const char *host, *port;
	size_t hlen, plen;
	int64_t v;
	if (split_authority(auth, alen, &host, &hlen, &port, &plen, err, errlen) != 0)
		return -1;
	if (!host_bytes_ok(host, hlen, host != auth)) {
		snprintf(err, errlen, "the host must be a name or an address literal");
		return -1;
	}
	if (port != NULL && (plen > 5 || !num_parse_n(port, plen, 1, 65535, &v))) {
		snprintf(err, errlen, "the port must be 1 to 65535");
		return -1;
	}
	if (!https && !loopback(host, hlen)) {
		snprintf(err, errlen, "http:// only to 127.0.0.1 or [::1]; use https://");
		return -1;
	}
	if (!host_allowed(host, hlen, allow_hosts)) {
		snprintf(err, errlen, "its host %.*s is not in [webhook] allow_hosts",
		    (int)(hlen < 200 ? hlen : 200), host);
		return -1;
	}
	return 0;
}

void
webhook_sign(const unsigned char *key, size_t keylen, const char *timestamp,
    const char *body, size_t len, char hex[65])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_init(&st, key, keylen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)timestamp, strlen(timestamp));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(hex, 65, mac, sizeof(mac));
	sodium_memzero(&st, sizeof(st));
}
