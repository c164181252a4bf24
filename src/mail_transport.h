/* mail_transport.h — handing one finished message to the mail system:
 * the sendmail(8) program every Debian MTA provides (exim4, postfix,
 * msmtp-mta, nullmailer), or SMTP submission through libcurl (STARTTLS or
 * TLS, optional authentication) for hosts without an MTA; and webhooks'
 * POSTs, with libcurl too.
 *
 * A success means the MTA or the submission server took responsibility
 * for the message; nothing after that is nazar's to see. */
#ifndef NAZAR_MAIL_TRANSPORT_H
#define NAZAR_MAIL_TRANSPORT_H

#include <stddef.h>

#include "config.h"

/* Once per process, before any delivery (libcurl's global set-up). */
int mail_transport_init(void);
void mail_transport_cleanup(void);

/* Delivers msg[0..len) (CRLF lines) to rcpt with the envelope sender
 * cfg->mail_from, within cfg->mail_timeout_seconds. 0, or -1 with one line
 * saying why in err (the program's exit status and first line of output,
 * or the SMTP server's answer). */
int mail_deliver(const struct config *cfg, const char *rcpt, const char *msg, size_t len,
    char *err, size_t errlen);
/* POSTs body[0..len) to a webhook endpoint url (webhook.h, checked
 * again here) with the NULL-ended headers: no redirect followed, only
 * https (http for a loopback URL), no proxy unless [webhook] proxy,
 * within [webhook] timeout_seconds. 0 for a 2xx answer; -1 with why in
 * err for anything else, which the sender retries. */
int webhook_post(const struct config *cfg, const char *url, const char *body, size_t len,
    const char *const *headers, char *err, size_t errlen);

#endif
