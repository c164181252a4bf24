/* server.c — FastCGI worker pool, plain CGI, and the request life cycle.
 *
 * Threads take turns in accept (one at a time, under a mutex) after a poll
 * that also watches a wake-up pipe, which shutdown writes to. The listening
 * socket may be shared with other processes (an old nazar finishing its
 * requests after a graceful restart, spawn-fcgi -F 2): it is made
 * non-blocking, so that a connection another process took first sends the
 * thread back to poll instead of leaving it blocked in accept, where it
 * would notice neither signals nor the pipe. The socket itself is never
 * shut down: it outlives this process. */
#include <errno.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <fastcgi.h>
#include <fcgiapp.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "log.h"
#include "metrics.h"
#include "num.h"
#include "request.h"
#include "route.h"
#include "server.h"
#include "supervise.h"

extern char **environ;

/* What a worker's arena keeps between requests: enough for a long thread
 * page, so that a steady stream of requests does not go back to malloc
 * (whose returning memory to the kernel after each one costs more than the
 * request itself). */
#define WORKER_ARENA_KEEP (1024 * 1024)

/* glibc's malloc gives the free top of a thread's heap back to the kernel
 * as soon as it passes 128 KB (more after the first large free), and the
 * next request faults the same pages in again, zeroed: a thread page's
 * SQLite statements and buffers did that on every request, a fifth of its
 * CPU time in page faults and madvise. Heaps keep up to 8 MB free instead;
 * blocks of 4 MB and more (Argon2id's 64 MiB) still come from mmap and go
 * back to the kernel when freed. */
#define MALLOC_TRIM_KEEP (8 * 1024 * 1024)
#define MALLOC_MMAP_FROM (4 * 1024 * 1024)
/* Bodies of at least FCGI_DIRECT_MIN bytes skip libfcgi's 8 KB buffer
 * (fcgi_write_direct), up to FCGI_DIRECT_RECORDS records a writev; a
 * socket that takes nothing for FCGI_WRITE_WAIT_MS is given up. */
#define FCGI_DIRECT_MIN (16 * 1024)
#define FCGI_DIRECT_RECORDS 8
#define FCGI_WRITE_WAIT_MS 30000

static void
malloc_tune(void)
{
#if defined(__GLIBC__)
	if (mallopt(M_TRIM_THRESHOLD, MALLOC_TRIM_KEEP) != 1 ||
	    mallopt(M_MMAP_THRESHOLD, MALLOC_MMAP_FROM) != 1)
		log_warn("malloc thresholds not set");
#endif
}

/* The route table's rows as the request counters name them. */
static struct metrics_route route_names[METRICS_ROUTES];

static void
name_routes(void)
{
	size_t n;
	const struct route *t = route_table(&n);
	if (n > METRICS_ROUTES) {
		log_warn("metrics: only the first %d routes are counted by name", METRICS_ROUTES);
		n = METRICS_ROUTES;
	}
	for (size_t i = 0; i < n; i++)
		route_names[i] = (struct metrics_route){ .path = t[i].path,
		    .method = t[i].methods == (ROUTE_GET | ROUTE_POST) ? "GET,POST" :
		    t[i].methods == ROUTE_POST ? "POST" : "GET" };
	metrics_name_routes(route_names, n);
	metrics_start(time(NULL));
}

static uint64_t
micros_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void
server_handle(const struct ctx *c, struct arena *a, const struct request_source *src,
    void (*write)(void *wctx, const char *data, size_t len), void *wctx)
{
	uint64_t began = micros_now();
	struct request r = { .arena = a };
	struct response res = { .status = 200 };
	/* The route table says which paths take the admin's longer forms. */
	struct request_source from = *src;
	from.max_form_fields = route_max_form_fields;
	int status = request_read(&r, &from, &c->app->cfg);
	size_t row = METRICS_ROUTES;
	if (status != 0)
		route_refused(c, &r, &res, status);
	else
		row = route_dispatch(c, &r, &res);
	size_t rows;
	(void)route_table(&rows);
	if (row >= rows)
		row = METRICS_ROUTES;	/* counted as route "none" */
	metrics_request(row, res.status, micros_now() - began);

	if (res.status >= 500)
		log_warn("%s %s → %d", r.method ? r.method : "-", r.path ? r.path : "-", res.status);
	struct buf head = { 0 };
	response_head(&res, &head);
	write(wctx, head.data, head.len);
	if (r.method == NULL || strcmp(r.method, "HEAD") != 0)
		write(wctx, buf_str(&res.body), res.body.len);
	buf_free(&head);
	buf_free(&res.body);
	arena_reset(a, WORKER_ARENA_KEEP);
}

/* --- plain CGI --- */

static ssize_t
cgi_read(void *ctx, char *data, size_t len)
{
	(void)ctx;
	for (;;) {
		ssize_t n = read(STDIN_FILENO, data, len);
		if (n >= 0 || errno != EINTR)
			return n;
	}
}

static void
cgi_write(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	fwrite(data, 1, len, stdout);
}

int
server_run_cgi(const struct app *app)
{
	struct ctx c;
	if (ctx_open(&c, app) != 0) {
		fputs("Status: 503 Service Unavailable\r\n"
		    "Content-Type: text/plain; charset=utf-8\r\n\r\nunavailable\n", stdout);
		return 1;
	}
	name_routes();
	struct request_source src = { .envp = environ, .read = cgi_read };
	struct arena *a = arena_new();
	server_handle(&c, a, &src, cgi_write, NULL);
	arena_free(a);
	fflush(stdout);
	ctx_close(&c);
	return 0;
}

/* --- FastCGI --- */

struct pool {
	const struct app *app;
	int listen_fd;
	int wake[2];			/* read end polled by the acceptor */
	pthread_mutex_t accept_lock;
	int stopping;			/* set by the signal thread, atomically */
};

static ssize_t
fcgi_read(void *ctx, char *data, size_t len)
{
	FCGX_Request *req = ctx;
	if (len > INT32_MAX)
		len = INT32_MAX;
	int n = FCGX_GetStr(data, (int)len, req->in);
	return n < 0 ? -1 : n;
}

/* Writes iov[0..n) whole to fd, through short writes and interruptions;
 * -1 when the peer is gone or the socket fails. */
static int
writev_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = writev(fd, iov, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				struct pollfd pf = { .fd = fd, .events = POLLOUT };
				if (poll(&pf, 1, FCGI_WRITE_WAIT_MS) > 0)
					continue;
			}
			return -1;
		}
		size_t done = (size_t)w;
		while (n > 0 && done >= iov->iov_len) {
			done -= iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + done;
			iov->iov_len -= done;
		}
	}
	return 0;
}

/* A large body (a thread page is 90 KB) goes to nginx as FastCGI stdout
 * records of up to 64 KB each, several in one writev, instead of through
 * libfcgi's 8 KB buffer, which costs a write of its own (and a wake-up of
 * nginx) for every 8 KB. What libfcgi holds already (the head) is flushed
 * first; it sends the end of the stream at FCGX_Finish_r as always. */
static int
fcgi_write_direct(FCGX_Request *req, const char *data, size_t len)
{
	if (FCGX_FFlush(req->out) < 0)
		return -1;
	while (len > 0) {
		unsigned char head[FCGI_DIRECT_RECORDS][FCGI_HEADER_LEN];
		struct iovec iov[2 * FCGI_DIRECT_RECORDS];
		int n = 0;
		size_t batch = 0;
		while (batch < len && n < 2 * FCGI_DIRECT_RECORDS) {
			size_t chunk = len - batch > FCGI_MAX_LENGTH ? FCGI_MAX_LENGTH : len - batch;
			unsigned char *h = head[n / 2];
			h[0] = FCGI_VERSION_1;
			h[1] = FCGI_STDOUT;
			h[2] = (unsigned char)((req->requestId >> 8) & 0xff);
			h[3] = (unsigned char)(req->requestId & 0xff);
			h[4] = (unsigned char)((chunk >> 8) & 0xff);
			h[5] = (unsigned char)(chunk & 0xff);
			h[6] = 0;	/* no padding */
			h[7] = 0;
			iov[n].iov_base = h;
			iov[n++].iov_len = FCGI_HEADER_LEN;
			iov[n].iov_base = (void *)(data + batch);
			iov[n++].iov_len = chunk;
			batch += chunk;
		}
		if (writev_all(req->ipcFd, iov, n) != 0)
			return -1;
		data += batch;
		len -= batch;
	}
	return 0;
}

static void
fcgi_write(void *ctx, const char *data, size_t len)
{
	FCGX_Request *req = ctx;
	if (len >= FCGI_DIRECT_MIN && req->ipcFd >= 0) {
		(void)fcgi_write_direct(req, data, len);	/* a lost client: as below */
		return;
	}
	while (len > 0) {
		int chunk = len > (1 << 30) ? (1 << 30) : (int)len;
		if (FCGX_PutStr(data, chunk, req->out) < 0)
			return;	/* client gone; libfcgi reports it at finish */
		data += chunk;
		len -= (size_t)chunk;
	}
}

/* Waits, holding accept_lock, until a connection is ready or shutdown is
 * asked for. Returns 1 when a connection is ready, 0 to stop. */
static int
wait_for_connection(struct pool *p)
{
	struct pollfd fds[2] = {
		{ .fd = p->listen_fd, .events = POLLIN },
		{ .fd = p->wake[0], .events = POLLIN },
	};
	for (;;) {
		if (__atomic_load_n(&p->stopping, __ATOMIC_ACQUIRE))
			return 0;
		int n = poll(fds, 2, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_error("poll: %s", strerror(errno));
			return 0;
		}
		if (fds[1].revents != 0 || __atomic_load_n(&p->stopping, __ATOMIC_ACQUIRE))
			return 0;
		if (fds[0].revents & POLLIN)
			return 1;
		if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL))
			return 0;
	}
}

static void *
worker_main(void *arg)
{
	struct pool *p = arg;
	struct ctx c;
	if (ctx_open(&c, p->app) != 0)
		return NULL;
	FCGX_Request req;
	if (FCGX_InitRequest(&req, p->listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		ctx_close(&c);
		return NULL;
	}
	struct arena *a = arena_new();
	for (;;) {
		pthread_mutex_lock(&p->accept_lock);
		int ready = wait_for_connection(p);
		int rc = ready ? FCGX_Accept_r(&req) : -1;
		pthread_mutex_unlock(&p->accept_lock);
		/* Taken by another process, or given up by nginx: poll again. */
		if (ready && (rc == -EAGAIN || rc == -EWOULDBLOCK || rc == -EINTR ||
		    rc == -ECONNABORTED))
			continue;
		if (rc < 0)
			break;
		struct request_source src = { .envp = req.envp, .read = fcgi_read, .ctx = &req };
		server_handle(&c, a, &src, fcgi_write, &req);
		FCGX_Finish_r(&req);
	}
	FCGX_Free(&req, 1);
	arena_free(a);
	ctx_close(&c);
	return NULL;
}

int
server_run_fastcgi(const struct app *app, int listen_fd)
{
	struct pool p = { .app = app, .listen_fd = listen_fd };
	malloc_tune();
	if (FCGX_Init() != 0 || pipe2(p.wake, O_CLOEXEC) != 0) {
		log_error("cannot initialise FastCGI");
		return 1;
	}
	int fl = fcntl(listen_fd, F_GETFL);
	if (fl < 0 || fcntl(listen_fd, F_SETFL, fl | O_NONBLOCK) != 0) {
		log_error("cannot make the listening socket non-blocking: %s", strerror(errno));
		close(p.wake[0]);
		close(p.wake[1]);
		return 1;
	}
	pthread_mutex_init(&p.accept_lock, NULL);
	name_routes();

	/* Signals are taken by this thread alone, with sigwait. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	int n = app->cfg.workers;
	pthread_t *threads = calloc((size_t)n, sizeof(*threads));
	if (threads == NULL)
		fatal("out of memory");
	int started = 0;
	for (int i = 0; i < n; i++) {
		if (pthread_create(&threads[i], NULL, worker_main, &p) != 0) {
			log_error("cannot start worker %d", i);
			break;
		}
		started++;
	}
	log_info("serving FastCGI with %d worker threads", started);
	if (started > 0)
		supervise_ready();

	int sig = 0;
	while (started > 0) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			log_info("SIGHUP ignored: send it to the supervising nazar (or restart "
			    "nazar) to reload its configuration");
			continue;
		}
		break;
	}
	log_info("signal %d: finishing requests in flight", sig);
	__atomic_store_n(&p.stopping, 1, __ATOMIC_RELEASE);
	ssize_t w = write(p.wake[1], "x", 1);
	(void)w;
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	close(p.wake[0]);
	close(p.wake[1]);
	pthread_mutex_destroy(&p.accept_lock);
	log_info("stopped");
	return started > 0 ? 0 : 1;
}

int
server_fd0_is_listener(void)
{
	int listening = 0;
	socklen_t len = sizeof(listening);
	if (getsockopt(STDIN_FILENO, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0)
		return 0;
	return listening != 0;
}

int
server_systemd_listener(void)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	int64_t p, n;
	int ok = pid != NULL && fds != NULL && num_parse(pid, 1, INT32_MAX, &p) &&
	    (pid_t)p == getpid() && num_parse(fds, 1, 1024, &n);
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (!ok)
		return -1;
	if (n > 1)
		log_warn("systemd passed %d sockets; nazar serves the first", (int)n);
	int listening = 0;
	socklen_t len = sizeof(listening);
	if (getsockopt(3, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening)
		return -1;
	fcntl(3, F_SETFD, FD_CLOEXEC);
	return 3;
}

/* A unix socket at path, with socket_mode. */
static int
listen_unix(const char *path, unsigned socket_mode, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	/* A stale socket from an earlier run would make bind fail; only
	 * remove it if it is a socket nobody answers on. */
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe >= 0 && connect(probe, (struct sockaddr *)&sun, sizeof(sun)) != 0)
			unlink(path);
		if (probe >= 0)
			close(probe);
	}
	mode_t old = umask(0777 & ~socket_mode);
	int rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (rc != 0 || chmod(path, socket_mode) != 0 || listen(fd, SOMAXCONN) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* A TCP socket for address. */
static int
listen_inet(const char *address, char *err, size_t errlen)
{
	/* IPv4:port or [IPv6]:port (config.c checked the form). Opened here
	 * rather than by libfcgi, which knows no IPv6 literals. */
	if (FCGX_Init() != 0) {
		snprintf(err, errlen, "cannot initialise FastCGI");
		return -1;
	}
	const char *colon = strrchr(address, ':');
	if (colon == NULL) {
		snprintf(err, errlen, "%s: no port", address);
		return -1;
	}
	char host[INET6_ADDRSTRLEN + 2];
	size_t hlen = (size_t)(colon - address);
	const char *h = address;
	if (hlen >= 2 && h[0] == '[' && h[hlen - 1] == ']') {
		h++;
		hlen -= 2;
	}
	if (hlen >= sizeof(host)) {
		snprintf(err, errlen, "%s: address too long", address);
		return -1;
	}
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
	}, *ai;
	int gai = getaddrinfo(host, colon + 1, &hints, &ai);
	if (gai != 0) {
		snprintf(err, errlen, "%s: %s", address, gai_strerror(gai));
		return -1;
	}
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, SOMAXCONN) != 0) {
		snprintf(err, errlen, "%s: cannot listen: %s", address, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	return fd;
}

int
server_listen(const char *address, unsigned socket_mode, char *err, size_t errlen)
{
	if (strncmp(address, "unix:", 5) == 0)
		return listen_unix(address + 5, socket_mode, err, errlen);
	return listen_inet(address, err, errlen);
}
