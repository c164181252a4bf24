/* handlers.h — one function per resource, and the parameter table of each;
 * route.c maps paths to them and is the only caller (the h_*.c files that
 * define them include this header for their prototypes, nothing else does).
 *
 * A handler fills the response (status, body, headers) and never writes
 * to the client itself; it answers with the status the issue defines for
 * each failure (400 bad input, 422 invalid form, 503 storage trouble). By
 * the time it runs, the router has checked the method, the admin gate (for
 * admin rows) and the parameters against its table (param.h). */
#ifndef NAZAR_HANDLERS_H
#define NAZAR_HANDLERS_H

#include <stdint.h>

#include "param.h"

struct admin_session;
struct ctx;
struct request;
struct response;

/* What the router hands a handler besides the request. */
struct handler_args {
	const struct params *in;	/* read against the route's parameter table */
	struct admin_session *session;	/* the signed-in moderator on ROUTE_ADMIN rows */
	int64_t id;			/* the path's {id}; 0 when it has none */
};

typedef void handler_fn(const struct ctx *c, struct request *r, struct response *res,
    const struct handler_args *a);

/* Public, h_thread.c, h_post.c, h_vote.c, h_misc.c. */
handler_fn handle_thread;	/* GET thread: HTML fragment for SSI/iframe */
handler_fn handle_thread_json;	/* GET thread.json */
handler_fn handle_embed;	/* GET embed: the thread as a whole page */
handler_fn handle_replies;	/* GET replies: one comment's replies, paginated */
handler_fn handle_counts;	/* GET counts */
handler_fn handle_post;		/* POST post */
handler_fn handle_vote;		/* POST vote */
handler_fn handle_edit_page;	/* GET edit: a reader's own comment in a form */
handler_fn handle_edit;		/* POST edit */
handler_fn handle_withdraw;	/* POST withdraw: deleted by its author */
handler_fn handle_health;	/* GET health */
handler_fn handle_feed;		/* GET feed.atom: h_feed.c */
handler_fn handle_metrics;	/* GET metrics, for [metrics] allow */
handler_fn handle_latest;	/* GET latest: h_widget.c */
handler_fn handle_latest_json;	/* GET latest.json */
handler_fn handle_count;	/* GET count: one article's, as HTML */
extern const struct param_table thread_params, thread_json_params, counts_params,
    replies_params, post_params, feed_params, vote_params, own_params, own_page_params,
    latest_params, latest_json_params,
    count_params;

/* The links in mail to readers, h_reader_mail.c: GET shows, POST does. */
handler_fn handle_confirm;	/* /confirm?t=: confirm an address */
handler_fn handle_unsubscribe;	/* /unsubscribe?t=: one comment's replies, or all mail */
extern const struct param_table reader_mail_params;
/* A held comment decided from a moderator's mail, h_mail_decide.c. */
handler_fn handle_mail_decide;	/* /decide?t=: GET shows, POST action= decides */
extern const struct param_table decide_params;

/* Signing in and out, h_admin_login.c. */
handler_fn admin_root;		/* /admin → /admin/ */
handler_fn admin_login_page;	/* GET /admin/ */
handler_fn admin_login;		/* POST /admin/login */
handler_fn admin_logout;	/* POST /admin/logout */
extern const struct param_table login_page_params, login_params;

/* The overview, the first page after signing in, h_admin_overview.c. */
handler_fn admin_overview;	/* GET /admin/overview */

/* The queue and its decisions, h_admin_queue.c. */
handler_fn admin_queue;		/* GET /admin/queue */
handler_fn admin_moderate;	/* POST /admin/moderate */
extern const struct param_table queue_params, moderate_params;

/* One comment, h_admin_comment.c. */
handler_fn admin_comment_page;	/* GET /admin/comments/{id} */
handler_fn admin_comment_edit;	/* POST /admin/comments/{id}/edit */
handler_fn admin_comment_reply;	/* POST /admin/comments/{id}/reply */
handler_fn admin_comment_reset_votes;	/* POST /admin/comments/{id}/reset-votes */
handler_fn admin_comment_pin;	/* POST /admin/comments/{id}/pin */
handler_fn admin_comment_revision;	/* POST: its author's waiting edit decided */
handler_fn admin_comment_close_thread;	/* POST: its article's thread closed */
handler_fn admin_comment_open_thread;	/* POST: and opened again */
extern const struct param_table comment_params, pin_params, revision_params;

/* Users and one's own account, h_admin_users.c. */
handler_fn admin_users_page;	/* GET /admin/users */
handler_fn admin_users_change;	/* POST /admin/users */
handler_fn admin_account_page;	/* GET /admin/account */
handler_fn admin_account_change;	/* POST /admin/account */
handler_fn admin_account_notify;	/* POST /admin/account/notify */
extern const struct param_table users_params, account_params, account_notify_params;

/* The audit trail, h_admin_audit.c. */
handler_fn admin_audit;		/* GET /admin/audit */
extern const struct param_table audit_params;

/* The outbox for administrators, h_admin_outbox.c. */
handler_fn admin_outbox_page;	/* GET /admin/outbox */
extern const struct param_table outbox_params;

/* The blocklist, h_admin_blocklist.c. */
handler_fn admin_blocklist_page;	/* GET /admin/blocklist */
handler_fn admin_blocklist_change;	/* POST /admin/blocklist */
extern const struct param_table blocklist_params;

#endif
