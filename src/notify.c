/* notify.c — the outbox's sender; see notify.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <unistd.h>

#include <sodium.h>

#include "arena.h"
#include "buf.h"
#include "catalog.h"
#include "json.h"
#include "locale.h"
#include "log.h"
#include "mail_token.h"
#include "mail_transport.h"
#include "mime.h"
#include "notify.h"
#include "store.h"
#include "store_outbox.h"
#include "store_subscribers.h"
#include "store_users.h"
#include "tmpl.h"
#include "webhook.h"

/* Comments listed in one digest at most; the rest are counted. */
#define DIGEST_MAX 50

/* How long a confirmation link works. */
#define CONFIRM_DAYS 7

static const char *const kinds[] = { "held", "digest", "test", "confirm", "reply" };
static const char *const parts[] = { "subject", "txt", "html" };

/* The webhooks' secret, and the endpoints recorded for the triggers. */
static int
open_webhooks(struct notify *n, char *err, size_t errlen)
{
	const struct config *cfg = n->cfg;
	struct buf b = { 0 };
	if (buf_read_file(&b, cfg->webhook_secret_file, sizeof(n->hook_key) + 2, err,
	    errlen) != 0) {
		buf_free(&b);
		return -1;
	}
	size_t len = b.len;
	while (len > 0 && (b.data[len - 1] == '\n' || b.data[len - 1] == '\r'))
		len--;
	if (len < WEBHOOK_SECRET_MIN || len > sizeof(n->hook_key)) {
		snprintf(err, errlen, "%s: the webhook secret must be %d to %zu bytes",
		    cfg->webhook_secret_file, WEBHOOK_SECRET_MIN, sizeof(n->hook_key));
		sodium_memzero(b.data, b.cap);
		buf_free(&b);
		return -1;
	}
	memcpy(n->hook_key, b.data, len);
	n->hook_keylen = len;
	sodium_memzero(b.data, b.cap);
	buf_free(&b);
	if (store_webhooks_set(n->st, cfg->webhook_urls, (size_t)cfg->webhook_url_count,
	    cfg->webhook_events) != STORE_OK) {
		snprintf(err, errlen, "the database failed (see the log)");
		return -1;
	}
	return 0;
}

int
notify_open(struct notify *n, const struct config *cfg, struct store *st, char *err,
    size_t errlen)
{
	memset(n, 0, sizeof(*n));
	n->cfg = cfg;
	n->st = st;
	n->lock_fd = -1;
	if (cfg->mail_transport == MAIL_TRANSPORT_NONE && cfg->webhook_url_count == 0) {
		snprintf(err, errlen, "no mail transport configured: set [mail] transport");
		return -1;
	}
	if (cfg->webhook_url_count > 0 && open_webhooks(n, err, errlen) != 0)
		return -1;
	char dir[1200];
	snprintf(dir, sizeof(dir), "%s/mail", cfg->templates);
	n->templates = tmpl_set_new();
	if (tmpl_set_load_dir(n->templates, dir, err, errlen) != 0)
		return -1;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		for (size_t p = 0; p < sizeof(parts) / sizeof(parts[0]); p++) {
			char name[64];
			snprintf(name, sizeof(name), "%s.%s", kinds[k], parts[p]);
			if (!tmpl_set_has(n->templates, name)) {
				snprintf(err, errlen, "%s: template %s.mustache is missing", dir,
				    name);
				return -1;
			}
		}
	snprintf(dir, sizeof(dir), "%s/i18n/%s.ini", cfg->templates, locale_code(cfg->locale));
	n->strings = catalog_load(dir, err, errlen);
	if (n->strings == NULL)
		return -1;
	/* The links in mail to readers are signed with the server's secret. */
	if (store_secret(st, n->key) != STORE_OK) {
		snprintf(err, errlen, "the database's secret could not be read");
		return -1;
	}
	return 0;
}

void
notify_close(struct notify *n)
{
	if (n->lock_fd >= 0)
		close(n->lock_fd);
	n->lock_fd = -1;
	tmpl_set_free(n->templates);
	n->templates = NULL;
	catalog_free(n->strings);
	n->strings = NULL;
	sodium_memzero(n->key, sizeof(n->key));
}

int
notify_lock(struct notify *n, char *err, size_t errlen)
{
	char path[1100];
	snprintf(path, sizeof(path), "%s.mail-lock", n->cfg->db_path);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		close(fd);
		if (e == EWOULDBLOCK)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -1;
	}
	n->lock_fd = fd;
	return 1;
}

long
notify_backoff(long long attempts)
{
	long s = 60;
	for (long long i = 1; i < attempts && s < 6 * 3600; i++)
		s *= 2;
	return s < 6 * 3600 ? s : 6 * 3600;
}

/* --- the values a mail template sees --- */

static const char *
localized_date(struct arena *a, const struct config *cfg, int64_t t)
{
	struct buf b = { 0 };
	locale_format_datetime(&b, cfg->locale, (time_t)t);
	char *s = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return s;
}

static const char *
localized_int(struct arena *a, const struct config *cfg, long long v)
{
	struct buf b = { 0 };
	locale_format_int(&b, cfg->locale, v);
	char *s = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return s;
}

static const char *
article_link(struct arena *a, const struct config *cfg, const char *article)
{
	const char *slot = strstr(cfg->article_url, "{article}");
	if (cfg->article_url[0] == '\0' || slot == NULL)
		return "";
	/* Article ids are URL-safe by construction (validate.h). */
	return arena_printf(a, "%.*s%s%s", (int)(slot - cfg->article_url), cfg->article_url,
	    article, slot + strlen("{article}"));
}

static struct tval *
comment_value(struct arena *a, const struct config *cfg, const struct comment *c)
{
	struct tval *o = tval_object(a);
	tval_set_str(a, o, "id", localized_int(a, cfg, c->id));
	tval_set_str(a, o, "name", c->name);
	tval_set_str(a, o, "email", c->email);
	tval_set_str(a, o, "article", c->article);
	tval_set_str(a, o, "article_link", article_link(a, cfg, c->article));
	tval_set_str(a, o, "date", localized_date(a, cfg, c->created));
	tval_set_str(a, o, "body", c->body);
	tval_set_str(a, o, "reason", c->reason);
	tval_set_bool(a, o, "is_reply", c->parent > 0);
	tval_set_str(a, o, "link", arena_printf(a, "%s/admin/comments/%lld",
	    cfg->mail_base_url, (long long)c->id));
	return o;
}

/* Adds to o the link that decides comment c from the mail of row it, for
 * the moderator it was written for ([mail] decide_hours; mail_token.h):
 * signed for the address it goes to and c's version, so one decision
 * ends it. */
static struct tval *
decide_value(struct notify *n, struct arena *a, const struct outbox_item *it, time_t now,
    const struct comment *c, struct tval *o)
{
	if (n->cfg->mail_decide_hours <= 0 || it->user_id <= 0)
		return o;
	const struct mail_token t = {
		.kind = MAIL_TOKEN_DECIDE, .id = c->id, .user = it->user_id,
		.version = c->version,
		.expires = (int64_t)now + (int64_t)n->cfg->mail_decide_hours * 3600,
	};
	tval_set_str(a, o, "decide_link", arena_printf(a, "%s/decide?t=%s", n->cfg->mail_base_url,
	    mail_token_make(a, n->key, &t, it->recipient)));
	tval_set_str(a, o, "decide_hours", localized_int(a, n->cfg, n->cfg->mail_decide_hours));
	return o;
}

static struct tval *
base_value(struct notify *n, struct arena *a, const struct outbox_item *it)
{
	const struct config *cfg = n->cfg;
	struct tval *v = tval_object(a);
	struct tval *t = tval_object(a);
	catalog_to_tval(n->strings, a, t);
	tval_set(a, v, "t", t);
	tval_set_str(a, v, "lang", locale_code(cfg->locale));
	tval_set_str(a, v, "dir", locale_dir(cfg->locale));
	tval_set_str(a, v, "site", cfg->site_name);
	tval_set_str(a, v, "to", it->recipient);
	tval_set_str(a, v, "queue_link", arena_printf(a, "%s/admin/queue", cfg->mail_base_url));
	tval_set_str(a, v, "account_link", arena_printf(a, "%s/admin/account",
	    cfg->mail_base_url));
	return v;
}

/* A held comment still waiting, into *c: 1, or 0 when it is gone or was
 * decided already (nothing to tell), -1 on failure. */
static int
waiting_comment(struct notify *n, struct arena *a, int64_t id, struct comment *c)
{
	enum store_result r = store_get_comment(n->st, a, id, c);
	if (r == STORE_NOT_FOUND)
		return 0;
	if (r != STORE_OK)
		return -1;
	return c->status == COMMENT_PENDING ? 1 : 0;
}

/* The values of a held or digest row: 1, 0 nothing to send, -1 failure. */
static int
comments_value(struct notify *n, struct arena *a, const struct outbox_item *it, time_t now,
    struct tval *v, char *err, size_t errlen)
{
	struct comment c;
	if (it->kind == OUTBOX_HELD) {
		int w = waiting_comment(n, a, it->comment_id, &c);
		if (w <= 0) {
			snprintf(err, errlen, w < 0 ? "the database failed" :
			    "comment %lld was decided or removed before the mail went out",
			    (long long)it->comment_id);
			return w;
		}
		tval_set(a, v, "comment", decide_value(n, a, it, now, &c, comment_value(a, n->cfg, &c)));
		return 1;
	}
	int64_t *ids;
	size_t count, shown = 0, waiting = 0;
	if (store_outbox_digest_comments(n->st, a, it->id, &ids, &count) != STORE_OK) {
		snprintf(err, errlen, "the database failed");
		return -1;
	}
	struct tval *list = tval_list(a);
	for (size_t i = 0; i < count; i++) {
		int w = waiting_comment(n, a, ids[i], &c);
		if (w < 0) {
			snprintf(err, errlen, "the database failed");
			return -1;
		}
		if (w == 0)
			continue;
		waiting++;
		if (shown < DIGEST_MAX) {
			tval_push(a, list, decide_value(n, a, it, now, &c, comment_value(a, n->cfg, &c)));
			shown++;
		}
	}
	if (waiting == 0) {
		snprintf(err, errlen, "every comment of the digest was decided before it went out");
		return 0;
	}
	tval_set(a, v, "comments", list);
	tval_set_str(a, v, "count", localized_int(a, n->cfg, (long long)waiting));
	tval_set_bool(a, v, "more", waiting > shown);
	tval_set_str(a, v, "more_count", localized_int(a, n->cfg, (long long)(waiting - shown)));
	return 1;
}

/* --- mail to readers --- */

/* base_url/path?t=token: the token is base64url, safe in a URL as it is. */
static const char *
signed_link(struct notify *n, struct arena *a, const char *path, enum mail_token_kind kind,
    int64_t id, int64_t expires, const char *address)
{
	return arena_printf(a, "%s/%s?t=%s", n->cfg->mail_base_url, path,
	    mail_token_reader(a, n->key, kind, id, expires, address));
}

/* Where a reader sees comment c: the article page, or nazar's own page of
 * the thread when no article_url is set. */
static const char *
comment_url(struct arena *a, const struct config *cfg, const struct comment *c)
{
	const char *page = article_link(a, cfg, c->article);
	if (page[0] == '\0')
		page = arena_printf(a, "%s/embed?article=%s", cfg->mail_base_url, c->article);
	return arena_printf(a, "%s#nazar-comment-%lld", page, (long long)c->id);
}

static struct tval *
reader_comment_value(struct arena *a, const struct config *cfg, const struct comment *c)
{
	struct tval *o = tval_object(a);
	tval_set_str(a, o, "name", c->name);
	tval_set_str(a, o, "date", localized_date(a, cfg, c->created));
	tval_set_str(a, o, "body", c->body);
	tval_set_str(a, o, "article", c->article);
	tval_set_str(a, o, "link", comment_url(a, cfg, c));
	return o;
}

/* The reply a reply row announces and the comment it answers, both still
 * as they were when it was written: 1, 0 nothing to say (why in err), -1. */
static int
reply_and_parent(struct notify *n, struct arena *a, const struct outbox_item *it,
    const struct subscriber *sub, struct comment *reply, struct comment *parent,
    char *err, size_t errlen)
{
	enum store_result r = store_get_comment(n->st, a, it->comment_id, reply);
	if (r == STORE_OK && reply->status == COMMENT_APPROVED && reply->parent > 0)
		r = store_get_comment(n->st, a, reply->parent, parent);
	else if (r == STORE_OK || r == STORE_NOT_FOUND) {
		snprintf(err, errlen, "reply %lld is no longer published",
		    (long long)it->comment_id);
		return 0;
	}
	bool wants = false;
	if (r == STORE_OK)
		r = store_comment_wants_replies(n->st, parent->id, &wants);
	if (r == STORE_NOT_FOUND || (r == STORE_OK && (!wants ||
	    strcasecmp(parent->email, sub->address) != 0))) {
		snprintf(err, errlen, "the reader no longer asks about replies to comment %lld",
		    (long long)reply->parent);
		return 0;
	}
	if (r != STORE_OK) {
		snprintf(err, errlen, "the database failed");
		return -1;
	}
	return 1;
}

/* The values of a confirm or reply row, and the one-click unsubscribe
 * link for List-Unsubscribe: 1, 0 nothing to send (why in err), -1. */
static int
reader_value(struct notify *n, struct arena *a, const struct outbox_item *it, time_t now,
    struct tval *v, const char **unsubscribe, char *err, size_t errlen)
{
	struct subscriber sub;
	enum store_result r = store_subscriber_by_address(n->st, a, it->recipient, &sub);
	long long sent = 0;
	if (r == STORE_OK)
		r = store_reader_mail_sent_since(n->st, it->recipient, now - 24 * 3600, &sent);
	if (r != STORE_OK && r != STORE_NOT_FOUND) {
		snprintf(err, errlen, "the database failed");
		return -1;
	}
	const char *why = r == STORE_NOT_FOUND ? "the address is not a subscriber" :
	    sub.state == SUBSCRIBER_STOPPED ? "the address asked for no more mail" :
	    it->kind == OUTBOX_CONFIRM && sub.state != SUBSCRIBER_UNCONFIRMED ?
	    "the address was confirmed already" :
	    it->kind == OUTBOX_REPLY && sub.state != SUBSCRIBER_CONFIRMED ?
	    "the address is not confirmed" : NULL;
	if (why == NULL && sent >= n->cfg->mail_reader_daily_limit) {
		snprintf(err, errlen, "the address had its %d mails of the last 24 hours",
		    n->cfg->mail_reader_daily_limit);
		return 0;
	}
	if (why != NULL) {
		snprintf(err, errlen, "%s", why);
		return 0;
	}
	const char *stop = signed_link(n, a, "unsubscribe", MAIL_TOKEN_STOP, sub.id, 0,
	    sub.address);
	tval_set_str(a, v, "stop_link", stop);
	if (it->kind == OUTBOX_CONFIRM) {
		tval_set_str(a, v, "confirm_link", signed_link(n, a, "confirm",
		    MAIL_TOKEN_CONFIRM, sub.id, (int64_t)now + CONFIRM_DAYS * 24 * 3600,
		    sub.address));
		tval_set_str(a, v, "confirm_days", localized_int(a, n->cfg, CONFIRM_DAYS));
		*unsubscribe = stop;
		return 1;
	}
	struct comment reply, parent;
	int rc = reply_and_parent(n, a, it, &sub, &reply, &parent, err, errlen);
	if (rc <= 0)
		return rc;
	tval_set(a, v, "reply", reader_comment_value(a, n->cfg, &reply));
	tval_set(a, v, "parent", reader_comment_value(a, n->cfg, &parent));
	*unsubscribe = signed_link(n, a, "unsubscribe", MAIL_TOKEN_UNSUBSCRIBE, parent.id, 0,
	    parent.email);
	tval_set_str(a, v, "unsubscribe_link", *unsubscribe);
	return 1;
}

/* Renders kind.part; the subject on one line, trimmed. */
static const char *
render(struct notify *n, struct arena *a, const char *kind, const char *part,
    const struct tval *v)
{
	char name[64];
	snprintf(name, sizeof(name), "%s.%s", kind, part);
	struct buf b = { 0 };
	tmpl_render(n->templates, name, v, &b);
	if (strcmp(part, "subject") == 0) {
		for (size_t i = 0; i < b.len; i++)
			if (b.data[i] == '\n' || b.data[i] == '\r' || b.data[i] == '\t')
				b.data[i] = ' ';
		while (b.len > 0 && b.data[b.len - 1] == ' ')
			b.data[--b.len] = '\0';
	}
	char *s = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return s;
}

int
notify_compose(struct notify *n, struct arena *a, const struct outbox_item *it,
    time_t now, struct buf *out, char *err, size_t errlen)
{
	if (!mime_address_valid(it->recipient)) {
		snprintf(err, errlen, "not a valid address: the row's recipient");
		return 0;
	}
	struct tval *v = base_value(n, a, it);
	const char *unsubscribe = NULL;
	int rc = 1;
	if (it->kind == OUTBOX_CONFIRM || it->kind == OUTBOX_REPLY)
		rc = reader_value(n, a, it, now, v, &unsubscribe, err, errlen);
	else if (it->kind != OUTBOX_TEST)
		rc = comments_value(n, a, it, now, v, err, errlen);
	if (rc <= 0)
		return rc;
	/* RFC 8058: a mail client may unsubscribe with one POST to the link,
	 * without a page, cookies or a form token. */
	const char *extra[3] = { NULL, NULL, NULL };
	if (unsubscribe != NULL) {
		extra[0] = arena_printf(a, "List-Unsubscribe: <%s>", unsubscribe);
		extra[1] = "List-Unsubscribe-Post: List-Unsubscribe=One-Click";
	}
	const char *kind = outbox_kind_name(it->kind);
	const char *from_name = n->cfg->mail_from_name[0] != '\0' ? n->cfg->mail_from_name :
	    n->cfg->site_name;
	struct mime_message m = {
		.from_name = from_name,
		.from = n->cfg->mail_from,
		.to = it->recipient,
		.subject = render(n, a, kind, "subject", v),
		.date = now,
		.message_id = arena_printf(a, "nazar.%lld.%s@%s", (long long)it->id, it->token,
		    mime_address_domain(n->cfg->mail_from)),
		.extra = extra,
		.text = render(n, a, kind, "txt", v),
		.html = render(n, a, kind, "html", v),
		.boundary = arena_printf(a, "nazar-%s-%lld", it->token, (long long)it->id),
	};
	mime_message_write(out, &m);
	return 1;
}

/* --- webhooks --- */

static bool
url_configured(const struct config *cfg, const char *url)
{
	for (int i = 0; i < cfg->webhook_url_count; i++)
		if (strcmp(cfg->webhook_urls[i], url) == 0)
			return true;
	return false;
}

static void
json_field(struct buf *b, const char *name, const char *value)
{
	buf_printf(b, ",\"%s\":", name);
	json_quote_str(b, value != NULL ? value : "");
}

int
notify_webhook_body(struct notify *n, struct arena *a, const struct outbox_item *it,
    struct buf *out, char *err, size_t errlen)
{
	const struct config *cfg = n->cfg;
	struct comment c;
	enum store_result r = store_get_comment(n->st, a, it->comment_id, &c);
	if (r == STORE_NOT_FOUND) {
		snprintf(err, errlen, "comment %lld was removed before the webhook went out",
		    (long long)it->comment_id);
		return 0;
	}
	if (r != STORE_OK) {
		snprintf(err, errlen, "the database failed");
		return -1;
	}
	bool public = strcmp(it->event, "published") == 0 || strcmp(it->event, "reply") == 0;
	const char *link = public ? comment_url(a, cfg, &c) :
	    arena_printf(a, "%s/admin/comments/%lld", cfg->mail_base_url, (long long)c.id);
	buf_puts(out, "{\"event\":");
	json_quote_str(out, it->event);
	buf_printf(out, ",\"delivery\":\"%lld.%s\"", (long long)it->id, it->token);
	buf_printf(out, ",\"comment_id\":%lld", (long long)c.id);
	if (c.parent > 0)
		buf_printf(out, ",\"parent_id\":%lld", (long long)c.parent);
	json_field(out, "article", c.article);
	json_field(out, "author", c.name);
	json_field(out, "text", c.body);
	json_field(out, "status", comment_status_name(c.status));
	buf_printf(out, ",\"time\":%lld", (long long)it->created);
	json_field(out, "link", link);
	json_field(out, "site", cfg->site_name);
	buf_puts(out, "}");
	return 1;
}

/* Posts one claimed webhook row: 1 delivered, 0 nothing to send (why),
 * -1 failed (why). */
static int
deliver_webhook(struct notify *n, struct arena *a, const struct outbox_item *it, time_t now,
    char *why, size_t whylen)
{
	if (!url_configured(n->cfg, it->recipient) || n->hook_keylen == 0) {
		snprintf(why, whylen, "the endpoint is no longer in [webhook] url");
		return 0;
	}
	struct buf body = { 0 };
	int rc = notify_webhook_body(n, a, it, &body, why, whylen);
	if (rc > 0) {
		char ts[24], sig[65];
		snprintf(ts, sizeof(ts), "%lld", (long long)now);
		webhook_sign(n->hook_key, n->hook_keylen, ts, body.data, body.len, sig);
		const char *headers[] = {
			"Content-Type: application/json; charset=utf-8",
			arena_printf(a, "X-Nazar-Event: %s", it->event),
			arena_printf(a, "X-Nazar-Delivery: %lld.%s", (long long)it->id, it->token),
			arena_printf(a, "X-Nazar-Timestamp: %s", ts),
			arena_printf(a, "X-Nazar-Signature: sha256=%s", sig),
			"Expect:",
			NULL,
		};
		rc = webhook_post(n->cfg, it->recipient, body.data, body.len, headers, why,
		    whylen) == 0 ? 1 : -1;
	}
	buf_free(&body);
	return rc;
}

/* Delivers one claimed row and records the outcome. */
static enum store_result
deliver_one(struct notify *n, struct arena *a, const struct outbox_item *it, time_t now,
    struct notify_stats *stats)
{
	char why[512] = "";
	struct buf msg = { 0 };
	int rc;
	bool hook = it->kind == OUTBOX_WEBHOOK;
	if (hook)
		rc = deliver_webhook(n, a, it, now, why, sizeof(why));
	else
		rc = notify_compose(n, a, it, now, &msg, why, sizeof(why));
	enum store_result r;
	if (rc == 0) {
		stats->dropped++;
		r = store_outbox_drop(n->st, it->id, why);
	} else if (rc > 0 && (hook ||
	    mail_deliver(n->cfg, it->recipient, msg.data, msg.len, why, sizeof(why)) == 0)) {
		stats->sent++;
		r = store_outbox_sent(n->st, it->id, now);
	} else if (it->attempts >= n->cfg->mail_max_attempts) {
		stats->failed++;
		log_warn("mail: outbox %lld to %s failed after %lld attempts: %s",
		    (long long)it->id, it->recipient, (long long)it->attempts, why);
		r = store_outbox_fail(n->st, it->id, why);
	} else {
		stats->retried++;
		log_info("mail: outbox %lld to %s: attempt %lld failed, again in %ld s: %s",
		    (long long)it->id, it->recipient, (long long)it->attempts,
		    notify_backoff(it->attempts), why);
		r = store_outbox_retry(n->st, it->id, now + notify_backoff(it->attempts), why);
	}
	buf_free(&msg);
	return r;
}

int
notify_run(struct notify *n, time_t now, bool flush, struct notify_stats *stats,
    char *err, size_t errlen)
{
	memset(stats, 0, sizeof(*stats));
	enum store_result r = store_outbox_recover(n->st, &stats->recovered);
	if (r == STORE_OK)
		r = store_outbox_merge_digests(n->st, now, flush, &stats->digests);
	struct arena *a = arena_new();
	while (r == STORE_OK) {
		struct outbox_item it;
		arena_reset(a, 0);
		r = store_outbox_claim(n->st, a, now, &it);
		if (r == STORE_NOT_FOUND) {
			r = STORE_OK;
			break;
		}
		if (r == STORE_OK)
			r = deliver_one(n, a, &it, now, stats);
	}
	arena_free(a);
	if (r != STORE_OK) {
		snprintf(err, errlen, "the database failed (see the log)");
		return -1;
	}
	return 0;
}
