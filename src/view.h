/* view.h — turning stored comments into the values templates and JSON show.
 *
 * The HTML fragment, the embeddable page and thread.json are all rendered
 * from the same tval tree built here, so they cannot disagree. */
#ifndef NAZAR_VIEW_H
#define NAZAR_VIEW_H

#include <time.h>

#include "store.h"

struct arena;
struct ctx;
struct request;
struct response;
struct tval;
struct comment_form;
struct reader_ids;

#define THREAD_PAGE_SIZE 50
#define THREAD_MAX_DEPTH 3

/* Retry-After of a 503: the database did not answer (a lock, a restart),
 * or every password-hashing slot was busy. */
#define RETRY_STORAGE_SECONDS 5
#define RETRY_BUSY_SECONDS 2

/* The common context of every page: site, strings (t), direction, base. */
struct tval *view_base(const struct ctx *c, struct request *r);

/* Why article's thread takes no new comments: "closed.read_only" (the
 * site is read-only), "closed.closed" (a moderator closed it, or
 * close_after_days passed since its first comment); NULL when it is open. */
const char *view_closed_reason(const struct ctx *c, const char *article, time_t now);

/* Sets "count" and "count_text" ("۳ نظر", in the site's words and
 * digits) on o. */
void view_count(const struct ctx *c, struct arena *a, struct tval *o, long long n);

/* Sets "avatar" (the name's first letter) and "avatar_colour" (0-7, for
 * the nazar-avatar-N class) on o. */
void view_avatar(struct arena *a, struct tval *o, const char *name);

/* Adds to ctx_obj: article, page, pages, count, count_text, comments (a
 * tree: each comment's replies nested up to THREAD_MAX_DEPTH levels, at
 * most replies_shown of them under each top-level comment; the reader's
 * own held comments marked pending). */
enum store_result view_thread(const struct ctx *c, struct request *r, struct tval *ctx_obj,
    const char *article, int page, const struct reader_ids *own);
/* The same in an order (view_sort); also adds sort (its name), sorts (the
 * links to each order, the current one marked, once there are two
 * top-level comments) and the page links in that order. Pinned comments
 * first, marked pinned. */
enum store_result view_thread_sorted(const struct ctx *c, struct request *r,
    struct tval *ctx_obj, const char *article, enum thread_sort sort, int page,
    const struct reader_ids *own);
/* The order to show: asked (an enum thread_sort; < 0: none asked), else
 * [thread] sort; never most agreed while [votes] is off. */
enum thread_sort view_sort(const struct ctx *c, int asked);

/* Like view_thread, for the page of one comment's replies: the comment
 * (approved, of its article) as the only root, page `page` of its direct
 * replies under it, each with at most replies_shown of its own; count and
 * count_text are its number of approved replies. A comment anywhere with
 * more approved replies than shown carries more_replies {url, count,
 * text}, the link to its own replies' page. */
enum store_result view_replies(const struct ctx *c, struct request *r, struct tval *ctx_obj,
    const struct comment *under, int page, const struct reader_ids *own);

/* Adds "form" to ctx_obj: the post form for article, pre-filled from f
 * (NULL: empty; parent from the query string when replying), with each
 * field's error message in the site's language. */
void view_form(const struct ctx *c, struct request *r, struct tval *ctx_obj,
    const char *article, const struct comment_form *f, const char *general_error);
/* The form's "tell me about replies" box (a checkbox of this name). */
#define VIEW_NOTIFY_FIELD "notify"
/* Whether the form offers it: a mail transport is set and readers may get
 * mail ([mail] reader_daily_limit above 0). */
bool view_offers_reply_mail(const struct ctx *c);

/* Renders template name with ctx_obj into res->body (500 when it fails). */
void view_render(const struct ctx *c, struct response *res, const char *name,
    struct tval *ctx_obj);

/* A JSON answer: v rendered by the value tree's JSON writer, with status
 * (200 when 0) and the JSON content type. */
void view_json(struct response *res, int status, const struct tval *v);

/* Adds Retry-After: seconds. */
void view_retry_after(struct request *r, struct response *res, int seconds);

/* A full error page (or {"error": …} for JSON clients) with status. */
void view_error(const struct ctx *c, struct request *r, struct response *res, int status,
    const char *message_key);

/* The reader's own comment ids from the signed cookie (empty when none). */
void view_reader_ids(const struct ctx *c, struct request *r, struct reader_ids *out);
/* Sets the signed reader cookie (READER_COOKIE_NAME) to ids, for
 * READER_LIFETIME, Secure over HTTPS. */
void view_set_reader_cookie(const struct ctx *c, struct request *r, struct response *res,
    const struct reader_ids *ids);

/* A vote count as shown: in the site's digits, "" below [votes]
 * hide_below. */
const char *view_vote_count(const struct ctx *c, struct request *r, long long n);

/* The message for a catalog key in the site's language ("{n}" → the
 * configured maximum comment length). */
const char *view_message(const struct ctx *c, struct request *r, const char *key);

/* The page a reader returns to for article: the configured article_url,
 * else nazar's own embeddable page. */
const char *view_article_url(const struct ctx *c, struct request *r, const char *article);

#endif
