/* store_subscribers.h — readers' addresses that asked for mail about
 * replies (schema 10).
 *
 * A reader who ticks "tell me about replies" on the form with an address
 * makes it a subscriber (a trigger of the schema, in the comment's
 * transaction): unconfirmed, with a confirmation mail in the outbox (at
 * most one a day per address). The link in that mail confirms it. Only a
 * confirmed address is told about replies, and only about replies to the
 * comments whose author asked (comments.notify_replies), once each reply
 * is published: the triggers write the reply's outbox row in the
 * transaction that publishes it. "Stop all mail" makes the address
 * stopped for good: no confirmation, no reply notice, nothing pending.
 *
 * Addresses are kept as typed (compared without regard to ASCII case):
 * the sender must know them, and the comment keeps its e-mail anyway. No
 * page shows one. */
#ifndef NAZAR_STORE_SUBSCRIBERS_H
#define NAZAR_STORE_SUBSCRIBERS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "store.h"

struct arena;

enum subscriber_state {
	SUBSCRIBER_UNCONFIRMED, SUBSCRIBER_CONFIRMED, SUBSCRIBER_STOPPED, SUBSCRIBER_STATE__MAX
};

struct subscriber {
	int64_t id;
	char *address;
	enum subscriber_state state;
	int64_t asked;		/* when the last confirmation mail was written */
};

const char *subscriber_state_name(enum subscriber_state s);

enum store_result store_subscriber_get(struct store *st, struct arena *a, int64_t id,
    struct subscriber *out);
enum store_result store_subscriber_by_address(struct store *st, struct arena *a,
    const char *address, struct subscriber *out);
/* Unconfirmed → confirmed. *changed false when it was not unconfirmed
 * (confirmed already, or stopped: a stop is never undone by an old
 * link). STORE_NOT_FOUND when there is no such subscriber. */
enum store_result store_subscriber_confirm(struct store *st, int64_t id, time_t now,
    bool *changed);
/* Stopped for good; every reader mail still waiting for the address is
 * dropped, in one transaction. */
enum store_result store_subscriber_stop(struct store *st, int64_t id, time_t now);
/* No more mail about replies to comment id: its notify_replies off, its
 * replies' waiting notices dropped, in one transaction. */
enum store_result store_replies_unsubscribe(struct store *st, int64_t comment_id);
/* Whether the author of comment id asked for mail about its replies. */
enum store_result store_comment_wants_replies(struct store *st, int64_t id, bool *wants);
/* Reader mail (confirm, reply) sent to address since the time given. */
enum store_result store_reader_mail_sent_since(struct store *st, const char *address,
    time_t since, long long *n);

#endif
