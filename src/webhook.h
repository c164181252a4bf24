/* webhook.h — what nazar's webhooks are made of, apart from sending them
 * (mail_transport.h posts them, notify.c writes them from outbox rows):
 * the rule an endpoint's URL must follow, the event names, and the
 * signature.
 *
 * An endpoint is https://HOST[:PORT][/PATH], or http:// to a loopback
 * address literal (127.0.0.1, [::1]) for tests; HOST must be one of the
 * configured allow_hosts; no userinfo (user@), no spaces or control
 * characters, no backslash, no fragment. The sender follows no redirect,
 * so a URL that passes stays the only place a webhook goes.
 *
 * The signature: HMAC-SHA256 with the shared secret over
 * "TIMESTAMP.BODY" (the decimal Unix time of the X-Nazar-Timestamp header,
 * a dot, the raw body), sent as "X-Nazar-Signature: sha256=HEX". A
 * receiver recomputes it and refuses an old timestamp. */
#ifndef NAZAR_WEBHOOK_H
#define NAZAR_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>

#define WEBHOOK_URLS_MAX 4
#define WEBHOOK_URL_MAX 512
/* The shortest secret accepted, in bytes. */
#define WEBHOOK_SECRET_MIN 16

/* 0 when url follows the rule above with its host in allow_hosts
 * (space-separated host names or address literals, compared without
 * case; an IPv6 literal written without brackets); -1 with why in err. */
int webhook_url_check(const char *url, const char *allow_hosts, char *err, size_t errlen);
/* Whether name is an event nazar sends: held, published, rejected, reply. */
bool webhook_event_known(const char *name, size_t len);
/* hex (65 bytes) = the signature of body[0..len) sent at timestamp. */
void webhook_sign(const unsigned char *key, size_t keylen, const char *timestamp,
    const char *body, size_t len, char hex[65]);

#endif
