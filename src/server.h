/* server.h — getting requests in and responses out: a pool of FastCGI
 * worker threads, or a single plain-CGI request. */
#ifndef NAZAR_SERVER_H
#define NAZAR_SERVER_H

#include <stddef.h>

struct app;
struct ctx;
struct request_source;

/* Opens the listening socket named by listen ("unix:/path" or
 * "host:port"). Returns the fd, or -1 with the reason in err. */
int server_listen(const char *listen, unsigned socket_mode, char *err, size_t errlen);

/* True when fd 0 is a listening socket (spawn-fcgi, systemd). */
int server_fd0_is_listener(void);

/* The socket systemd passed by socket activation (LISTEN_PID, LISTEN_FDS:
 * fd 3), or -1. Clears those variables either way, so that no child takes
 * them for its own. */
int server_systemd_listener(void);

/* Serves FastCGI on listen_fd with app->cfg.workers threads until SIGTERM
 * or SIGINT; requests in flight are finished first, and the socket is left
 * open for whoever shares it. Returns the exit status (0 after a clean
 * shutdown). */
int server_run_fastcgi(const struct app *app, int listen_fd);

/* Answers the one CGI request in the environment; returns exit status. */
int server_run_cgi(const struct app *app);

/* Reads, routes and answers one request: the part shared by both modes.
 * write is called with the complete response (head, then body). Everything
 * the request needs is allocated in a, which is reset (not freed) at the
 * end, so a worker passes the same arena every time. */
struct arena;
void server_handle(const struct ctx *c, struct arena *a, const struct request_source *src,
    void (*write)(void *wctx, const char *data, size_t len), void *wctx);

#endif
