/* notify.h — delivering the outbox (store_outbox.h): the mail each row
 * stands for, rendered from templates/mail/ in the site's language, handed
 * to the transport (mail_transport.h), with retries.
 *
 * Run by `nazarctl mail send` from a systemd timer, not by a thread in
 * nazar: nazar's workers answer readers and must never wait on an MTA,
 * nazar may run as several processes on one database, and a timer's
 * one-shot process, serialised by notify_lock, is the simplest way to
 * have exactly one sender at a time.
 *
 * Delivery is at least once. A row is claimed (committed) before the
 * transport is called and marked sent after it returned, so a crash
 * before the transport took the message leaves a claimed row that the
 * next run sends: nothing lost. A crash in the instant after the MTA took
 * the message and before the mark commits sends it again on the next run,
 * with the same Message-ID (from the row's id and token), so a mail
 * client or a deduplicating MTA can tell the copy; that window is one
 * SQLite commit wide. */
#ifndef NAZAR_NOTIFY_H
#define NAZAR_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "config.h"

struct store;
struct arena;
struct tmpl_set;
struct catalog;
struct outbox_item;
struct buf;

struct notify {
	const struct config *cfg;
	struct store *st;
	struct tmpl_set *templates;	/* templates/mail/ */
	struct catalog *strings;	/* the site's locale */
	unsigned char key[32];		/* the server secret: readers' links */
	unsigned char hook_key[256];	/* [webhook] secret_file's secret */
	size_t hook_keylen;		/* 0: no webhooks */
	int lock_fd;
};

struct notify_stats {
	long long recovered, digests, sent, retried, failed, dropped;
};

/* Loads the mail templates and strings; checks the mail configuration.
 * 0, or -1 with a message for the operator in err. */
int notify_open(struct notify *n, const struct config *cfg, struct store *st, char *err,
    size_t errlen);
void notify_close(struct notify *n);
/* The one-sender lock (a file beside the database, flock): 1 taken, 0
 * another sender holds it, -1 error (in err). Released by notify_close
 * or by the process's end, however it ends. */
int notify_lock(struct notify *n, char *err, size_t errlen);
/* Sends what is due at now (digests not yet due too when flush). 0, or -1
 * when the database failed (err); a message that could not be delivered
 * is counted, not an error. */
int notify_run(struct notify *n, time_t now, bool flush, struct notify_stats *stats,
    char *err, size_t errlen);
/* The message of one claimed row, rendered into out with its recipient:
 * 1 a message, 0 nothing left to send (why in err), -1 failure. */
int notify_compose(struct notify *n, struct arena *a, const struct outbox_item *it,
    time_t now, struct buf *out, char *err, size_t errlen);
/* The JSON body of a webhook row (kind webhook) into out: 1, 0 nothing
 * left to send (the comment is gone; why in err), -1 failure. The body
 * never holds an author's e-mail or address. */
int notify_webhook_body(struct notify *n, struct arena *a, const struct outbox_item *it,
    struct buf *out, char *err, size_t errlen);
/* The seconds before attempt n + 1 after n failed ones: 1, 2, 4 … minutes,
 * at most six hours. */
long notify_backoff(long long attempts);

#endif
