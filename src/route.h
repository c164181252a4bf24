/* route.h — from method and path to a handler (404/405 otherwise). */
#ifndef NAZAR_ROUTE_H
#define NAZAR_ROUTE_H

struct ctx;
struct request;
struct response;

/* Answers r into res: the matching handler, or an error page. */
void route_dispatch(const struct ctx *c, struct request *r, struct response *res);

#endif
