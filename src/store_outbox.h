/* store_outbox.h — the outbox: notifications waiting to be delivered.
 *
 * A row is written in the transaction of the event that causes it (a held
 * comment's rows by a trigger of the schema, one per moderator whose
 * notify mode is not "none"), so an event is never committed without its
 * notifications, nor a notification without its event. The sender
 * (nazarctl mail send, one at a time under a lock) claims a due row
 * (pending → sending, one more attempt), delivers it, and marks it sent;
 * a failure puts it back to pending with a later due time, or failed
 * after the last attempt. Rows still "sending" when a sender starts were
 * left by one that died: they go back to pending and are sent again, with
 * the same token (and so the same Message-ID).
 *
 * Rows of moderators who want a digest wait until their hour or day is
 * over (due); store_outbox_merge_digests then makes one digest row per
 * moderator of them, marking them merged. */
#ifndef NAZAR_STORE_OUTBOX_H
#define NAZAR_STORE_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store.h"
#include "webhook.h"

struct arena;

/* confirm and reply: mail to readers (store_subscribers.h); webhook: a
 * POST to an endpoint (webhook.h), written by the triggers of schema 13
 * for the endpoints store_webhooks_set recorded. */
enum outbox_kind {
	OUTBOX_HELD, OUTBOX_DIGEST, OUTBOX_TEST, OUTBOX_CONFIRM, OUTBOX_REPLY, OUTBOX_WEBHOOK,
	OUTBOX_KIND__MAX
};
enum outbox_state {
	OUTBOX_PENDING, OUTBOX_SENDING, OUTBOX_SENT, OUTBOX_FAILED, OUTBOX_MERGED,
	OUTBOX_DROPPED, OUTBOX_STATE__MAX
};

const char *outbox_kind_name(enum outbox_kind k);
const char *outbox_state_name(enum outbox_state s);
/* 0, or -1 for an unknown name. */
int outbox_state_parse(const char *name, enum outbox_state *out);

struct outbox_item {
	int64_t id;
	enum outbox_kind kind;
	enum outbox_state state;
	char *recipient;	/* an e-mail address; a webhook's URL */
	int64_t user_id;	/* 0: none */
	int64_t comment_id;	/* 0: none */
	char *batch;		/* "now", "hourly", "daily" */
	char *token;		/* random hex, the same on every attempt */
	int64_t created;
	int64_t due;
	int64_t attempts;
	int64_t sent;		/* 0: not sent */
	char *last_error;	/* "" when none */
	char *event;		/* a webhook's event (held, published …); "" */
};

/* Rows a dead sender left "sending" back to pending; *n how many. */
enum store_result store_outbox_recover(struct store *st, long long *n);
/* One digest row per moderator from their waiting rows due by now (all of
 * them when flush), in one transaction; *made how many digests. */
enum store_result store_outbox_merge_digests(struct store *st, time_t now, bool flush,
    long long *made);
/* Claims the oldest due row (digest members excluded): sending, one more
 * attempt, claimed now; committed before it returns, so that the claim
 * survives whatever the delivery does. STORE_NOT_FOUND when nothing is due. */
enum store_result store_outbox_claim(struct store *st, struct arena *a, time_t now,
    struct outbox_item *out);
/* The comment ids a digest row was made of, oldest first. */
enum store_result store_outbox_digest_comments(struct store *st, struct arena *a,
    int64_t digest_id, int64_t **ids, size_t *n);
/* After an attempt: sent; back to pending, due at retry_at, with the
 * error; failed with the error; dropped (nothing left to say: the comment
 * was decided or removed before the mail went out) with why. */
enum store_result store_outbox_sent(struct store *st, int64_t id, time_t now);
enum store_result store_outbox_retry(struct store *st, int64_t id, time_t retry_at,
    const char *error);
enum store_result store_outbox_fail(struct store *st, int64_t id, const char *error);
enum store_result store_outbox_drop(struct store *st, int64_t id, const char *why);
/* A test message to address, due now; *id the new row. */
enum store_result store_outbox_add_test(struct store *st, const char *address, time_t now,
    int64_t *id);
/* Rows in each state (counts[OUTBOX_STATE__MAX]). */
enum store_result store_outbox_counts(struct store *st, long long *counts);
/* The newest rows, of one state (state < 0: any), at most limit. */
enum store_result store_outbox_list(struct store *st, struct arena *a, int state, int limit,
    struct outbox_item **out, size_t *count);
enum store_result store_outbox_get(struct store *st, struct arena *a, int64_t id,
    struct outbox_item *out);
/* The configured webhook endpoints, each for the space-separated events,
 * replacing those recorded before (one transaction): the triggers write
 * webhook rows for these. */
enum store_result store_webhooks_set(struct store *st, const char (*urls)[WEBHOOK_URL_MAX],
    size_t n, const char *events);

#endif
