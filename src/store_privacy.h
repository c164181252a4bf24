/* store_privacy.h — a reader forgotten: their e-mail address, client
 * addresses and browser removed from every comment they wrote, and
 * optionally the comments themselves, with the audit row, in one
 * transaction (op_comment_forget is the caller). */
#ifndef NAZAR_STORE_PRIVACY_H
#define NAZAR_STORE_PRIVACY_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "store.h"
#include "store_audit.h"

/* The comments whose e-mail is email (ASCII letters in any case; never
 * "") lose their e-mail, address, address group, user agent and their
 * wish for mail about replies, the address stops being a subscriber and
 * the reader mail to it (sent or waiting) goes from the outbox; with
 * delete, also their name and text, their edit history and their place:
 * status deleted (the row stays, so that replies keep their parent and
 * the audit its subject; the search index follows the triggers). Each
 * changed comment's version goes up. One audit row "forget" with target
 * (the address masked by the caller: the audit never holds it whole) and
 * the count; written even when nothing matched, as the record that the
 * request was carried out. *count: comments changed. */
enum store_result store_forget_email(struct store *st, const char *email, bool delete,
    const char *target, const struct actor *who, time_t now, int64_t *count);

#endif
