/* handlers.h — one function per resource; route.c maps paths to them.
 *
 * A handler fills the response (status, body, headers) and never writes
 * to the client itself; it answers with the status the issue defines for
 * each failure (400 bad input, 422 invalid form, 503 storage trouble). */
#ifndef NAZAR_HANDLERS_H
#define NAZAR_HANDLERS_H

struct ctx;
struct request;
struct response;

typedef void handler_fn(const struct ctx *c, struct request *r, struct response *res);

handler_fn handle_thread;	/* GET thread: HTML fragment for SSI/iframe */
handler_fn handle_thread_json;	/* GET thread.json */
handler_fn handle_embed;	/* GET embed: the thread as a whole page */
handler_fn handle_counts;	/* GET counts */
handler_fn handle_post;		/* POST post */
handler_fn handle_health;	/* GET health */

#endif
