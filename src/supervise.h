/* supervise.h — keeping nazar's listening socket open across restarts of
 * the process that serves it.
 *
 * Without systemd, nothing else holds the socket: if the serving process
 * died with it, nginx would answer 502 until a restart. So a small parent
 * opens the socket once and runs the serving process as its child, on the
 * same socket, re-spawning it when it dies. Connections that arrive in
 * between wait in the socket's backlog. A child is a fork of the parent,
 * which has read the configuration already: a re-spawn costs a fork. A
 * graceful restart (SIGHUP or SIGUSR2) checks the new binary and
 * configuration with nazar -t, then executes nazar anew in the parent (same
 * pid, same children, same socket); the new image starts its own child,
 * and only when that one says it is ready is the old child told to finish
 * its requests and stop. */
#ifndef NAZAR_SUPERVISE_H
#define NAZAR_SUPERVISE_H

/* Runs the supervising parent on listen_fd until SIGTERM or SIGINT, which
 * it passes on to the serving child. Each child calls serve(arg, listen_fd)
 * and exits with what it returns. argv is nazar's own command line,
 * executed on a graceful restart; owned says nazar opened the socket itself
 * (and removes a unix socket at the end). Returns the exit status for main:
 * 0, or 1 when a child stopping on request did not exit cleanly. */
int supervise(int listen_fd, int owned, char *const argv[],
    int (*serve)(void *arg, int listen_fd), void *arg);

/* In nazar executed anew by a graceful restart: the listening socket it
 * keeps (checked to be one) and in *owned whether nazar opened it itself;
 * -1 when this process was not started so. */
int supervise_inherited_fd(int *owned);

/* In a child of supervise: tells the parent that it is serving. Nothing
 * when there is no supervising parent. */
void supervise_ready(void);

#endif
