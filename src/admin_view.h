/* admin_view.h — template values more than one admin page shows: a
 * comment as the queue and the comment page list it, and the configured
 * reasons for rejecting. Built on admin.h's frame; no handler is called. */
#ifndef NAZAR_ADMIN_VIEW_H
#define NAZAR_ADMIN_VIEW_H

struct ctx;
struct request;
struct tval;
struct queue_item;

/* A comment (with its reply context, its status text and the buttons
 * that make sense for its status) as template values. */
struct tval *admin_comment_value(const struct ctx *c, struct request *r,
    const struct queue_item *it);
/* Adds "reasons" (the configured list) and "has_reasons" to obj. */
void admin_reasons(const struct ctx *c, struct request *r, struct tval *obj);

#endif
