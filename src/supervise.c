/* supervise.c — the supervising parent and the child's side of it.
 *
 * The parent is single-threaded and does nothing but wait: on a signalfd
 * (SIGTERM, SIGINT, SIGHUP, SIGUSR2, SIGCHLD) and on the read end of each
 * starting child's readiness pipe. The child finds the socket and the
 * pipe's write end in NAZAR_LISTEN_FD and NAZAR_READY_FD. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "num.h"
#include "supervise.h"

/* What a graceful restart hands to the new image of the supervisor. */
#define ENV_LISTEN "NAZAR_LISTEN_FD"
#define ENV_OLD "NAZAR_OLD_CHILD"
#define ENV_OWNED "NAZAR_LISTEN_OWNED"

/* A new child must say it is ready within this time, or it is stopped. */
#define READY_TIMEOUT_MS 30000
/* Back-off after children that die before they are ready, one after the
 * other: none for the first, then 100 ms doubling up to 10 s. */
#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS 10000
/* Children still running this long after SIGTERM asked them to stop are
 * killed (systemd's TimeoutStopSec in nazar.service is 30 s: the
 * supervisor says which child held the stop up before it is killed
 * itself). */
#define STOP_TIMEOUT_MS 20000
/* Children stopping after a graceful restart, tracked at most. */
#define DRAINING_MAX 8

struct child {
	pid_t pid;		/* -1: none */
	int ready_fd;		/* read end of the readiness pipe, -1 once read */
	int ready;
	int64_t started;	/* ms, monotonic */
	int64_t ready_at;	/* ms, monotonic, once ready */
};

struct supervisor {
	int listen_fd, owned, sfd;
	char *const *argv;
	int (*serve)(void *arg, int listen_fd);
	void *arg;
	sigset_t set, mask;	/* the signals taken; the mask for children */
};

/* In a child: the write end of its readiness pipe. */
static int ready_fd = -1;

/* The number in the environment variable, removed from it; -1 if none. */
static int
env_int(const char *name)
{
	const char *v = getenv(name);
	int64_t n;
	int ok = v != NULL && num_parse(v, 0, INT32_MAX, &n);
	unsetenv(name);
	return ok ? (int)n : -1;
}

static int64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
child_clear(struct child *ch)
{
	if (ch->ready_fd >= 0)
		close(ch->ready_fd);
	*ch = (struct child){ .pid = -1, .ready_fd = -1 };
}

/* Starts a child: a fork of this process, which has read the
 * configuration already, so that a re-spawn costs no more than the fork. */
static int
spawn(struct child *ch, const struct supervisor *sv)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0) {
		log_error("supervisor: pipe: %s", strerror(errno));
		return -1;
	}
	pid_t parent = getpid();
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		log_error("supervisor: fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		/* Stop (gracefully) should the parent die without a word. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(1);
		close(p[0]);
		close(sv->sfd);
		ready_fd = p[1];
		sigprocmask(SIG_SETMASK, &sv->mask, NULL);
		exit(sv->serve(sv->arg, sv->listen_fd));
	}
	close(p[1]);
	*ch = (struct child){ .pid = pid, .ready_fd = p[0], .started = now_ms() };
	return 0;
}

/* The check's messages, each logged as the reason a restart is refused:
 * without the prefix of nazar's own log lines ("TIME nazar[PID] error: "),
 * so that the line names the file and line of the new configuration. */
static void
log_refusal(char *out, size_t len)
{
	char *line = out, *end = out + len;
	int logged = 0;
	while (line < end) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		if (nl != NULL)
			*nl = '\0';
		else
			*end = '\0';
		char *text = line;
		char *tag = strstr(line, "] error: ");
		if (tag != NULL)
			text = tag + strlen("] error: ");
		/* Its other log lines (a migration it made, say) are no reason. */
		if (strstr(line, "] info: ") != NULL || strstr(line, "] debug: ") != NULL)
			text = (char *)"";
		if (*text != '\0') {
			log_error("supervisor: reload refused, the running nazar keeps its "
			    "configuration: %s", text);
			logged = 1;
		}
		line = nl != NULL ? nl + 1 : end;
	}
	if (!logged)
		log_error("supervisor: reload refused: the new configuration or binary does "
		    "not start (nazar -t failed); the running nazar keeps serving");
}

/* Runs nazar -t with the command line of this nazar (the new binary, the
 * new configuration, as the user nazar runs as). 0 when it passes, else
 * -1 with its messages logged. */
static int
check_new(const struct supervisor *sv)
{
	int argc = 0;
	while (sv->argv[argc] != NULL)
		argc++;
	char **check = calloc((size_t)argc + 2, sizeof(*check));
	int p[2];
	if (check == NULL || pipe2(p, O_CLOEXEC) != 0) {
		free(check);
		log_error("supervisor: reload refused: cannot run the check: %s", strerror(errno));
		return -1;
	}
	memcpy(check, sv->argv, (size_t)argc * sizeof(*check));
	check[argc] = (char *)"-t";
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		dup2(p[1], STDERR_FILENO);
		sigprocmask(SIG_SETMASK, &sv->mask, NULL);
		execvp(check[0], check);
		log_error("cannot execute %s: %s", check[0], strerror(errno));
		_exit(127);
	}
	free(check);
	close(p[1]);
	/* What it says: a few lines at most (one error, a sanitizer report
	 * in a test build); the rest is read and dropped. */
	char out[4096];
	size_t len = 0;
	for (;;) {
		char more[512];
		ssize_t n = read(p[0], len < sizeof(out) - 1 ? out + len : more,
		    len < sizeof(out) - 1 ? sizeof(out) - 1 - len : sizeof(more));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (len < sizeof(out) - 1)
			len += (size_t)n;
	}
	close(p[0]);
	int st = 0;
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (pid < 0)
		log_error("supervisor: reload refused: fork: %s", strerror(errno));
	else
		log_refusal(out, len);
	return -1;
}

/* A graceful restart: checks the (new) configuration with the (new)
 * binary, then executes nazar anew in this process, keeping its pid (and
 * so its children), the socket and the old child's pid in the environment.
 * Returns only when that cannot be done; the old child keeps serving,
 * with the configuration it has. */
static void
reexec(const struct supervisor *sv, pid_t old)
{
	if (check_new(sv) != 0)
		return;
	char fd[16], o[16];
	snprintf(fd, sizeof(fd), "%d", sv->listen_fd);
	snprintf(o, sizeof(o), "%d", (int)old);
	if (fcntl(sv->listen_fd, F_SETFD, 0) != 0 || setenv(ENV_LISTEN, fd, 1) != 0 ||
	    setenv(ENV_OLD, o, 1) != 0 || (sv->owned && setenv(ENV_OWNED, "1", 1) != 0)) {
		log_error("supervisor: cannot prepare the restart: %s", strerror(errno));
		return;
	}
	log_info("supervisor: reload: the check passed; executing %s anew", sv->argv[0]);
	fflush(NULL);
	/* The signals stay blocked: one that comes while the new image
	 * starts waits for its signalfd. */
	execvp(sv->argv[0], sv->argv);
	log_error("supervisor: cannot execute %s: %s", sv->argv[0], strerror(errno));
	fcntl(sv->listen_fd, F_SETFD, FD_CLOEXEC);
	unsetenv(ENV_LISTEN);
	unsetenv(ENV_OLD);
	unsetenv(ENV_OWNED);
}

static int64_t
backoff_ms(int quick)
{
	if (quick <= 1)
		return 0;
	int64_t ms = BACKOFF_FIRST_MS;
	for (int i = 2; i < quick && ms < BACKOFF_MAX_MS; i++)
		ms *= 2;
	return ms < BACKOFF_MAX_MS ? ms : BACKOFF_MAX_MS;
}

/* Reads the readiness byte; 1 when the child is ready, 0 when not yet or
 * never (end of file: it died or failed to start). */
static int
read_ready(struct child *ch)
{
	char b;
	ssize_t n = read(ch->ready_fd, &b, 1);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	close(ch->ready_fd);
	ch->ready_fd = -1;
	if (n == 1) {
		ch->ready = 1;
		ch->ready_at = now_ms();
	}
	return ch->ready;
}

static void
describe(int st, char *out, size_t len)
{
	if (WIFEXITED(st))
		snprintf(out, len, "exited with status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(out, len, "was killed by signal %d", WTERMSIG(st));
	else
		snprintf(out, len, "stopped (status %d)", st);
}

/* The supervisor's moving parts: the serving child, the one starting
 * after a graceful restart, the old ones finishing their requests. */
struct loop {
	struct child cur, next;
	pid_t draining[DRAINING_MAX];
	int ndraining;
	int quick;		/* children in a row that died unready */
	int64_t respawn_at;
	int stopping, status;
	int64_t stop_by;	/* ms: children not gone by then are killed */
	int stop_killed;
	int old;		/* the old image's child, until ours starts */
};

/* Takes the signals through a signalfd; children get them unblocked. */
static int
take_signals(struct supervisor *sv)
{
	sigemptyset(&sv->set);
	sigaddset(&sv->set, SIGTERM);
	sigaddset(&sv->set, SIGINT);
	sigaddset(&sv->set, SIGHUP);
	sigaddset(&sv->set, SIGUSR2);
	sigaddset(&sv->set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &sv->set, &sv->mask);
	/* After a graceful restart they were blocked already (so that none
	 * was lost across the exec); children get them unblocked. */
	static const int taken[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR2, SIGCHLD };
	for (size_t i = 0; i < sizeof(taken) / sizeof(taken[0]); i++)
		sigdelset(&sv->mask, taken[i]);
	sv->sfd = signalfd(-1, &sv->set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sv->sfd < 0) {
		log_error("supervisor: signalfd: %s", strerror(errno));
		sigprocmask(SIG_SETMASK, &sv->mask, NULL);
		return -1;
	}
	return 0;
}

/* Starts the children the state calls for. */
static void
start_children(const struct supervisor *sv, struct loop *l, int64_t now)
{
	if (!l->stopping && l->cur.pid < 0 && l->next.pid < 0 && now >= l->respawn_at) {
		if (spawn(&l->cur, sv) != 0)
			l->respawn_at = now + BACKOFF_MAX_MS;
	}
	if (!l->stopping && l->old > 0 && l->next.pid < 0) {
		spawn(&l->next, sv);
		l->old = 0;
	}
}

/* The new child serves: the old one finishes and stops. */
static void
promote_next(struct loop *l)
{
	log_info("supervisor: reloaded: new child %d is serving; stopping %d", (int)l->next.pid,
	    (int)l->cur.pid);
	if (l->cur.pid >= 0) {
		kill(l->cur.pid, SIGTERM);
		if (l->ndraining < DRAINING_MAX)
			l->draining[l->ndraining++] = l->cur.pid;
	}
	child_clear(&l->cur);
	l->cur = l->next;
	l->next = (struct child){ .pid = -1, .ready_fd = -1 };
	l->quick = 0;
}

/* Waits for a signal, a child's readiness or a deadline, and takes in the
 * readiness. Returns -1 when poll itself fails. */
static int
wait_events(const struct supervisor *sv, struct loop *l, int64_t now)
{
	struct pollfd fds[3] = { { .fd = sv->sfd, .events = POLLIN } };
	nfds_t nfds = 1;
	int cur_at = -1, next_at = -1;
	if (l->cur.ready_fd >= 0) {
		fds[nfds] = (struct pollfd){ .fd = l->cur.ready_fd, .events = POLLIN };
		cur_at = (int)nfds++;
	}
	if (l->next.ready_fd >= 0) {
		fds[nfds] = (struct pollfd){ .fd = l->next.ready_fd, .events = POLLIN };
		next_at = (int)nfds++;
	}
	int timeout = -1;
	if (!l->stopping && l->cur.pid < 0 && l->next.pid < 0)
		timeout = (int)(l->respawn_at > now ? l->respawn_at - now : 0);
	if (l->next.pid >= 0 && !l->next.ready) {
		int64_t left = l->next.started + READY_TIMEOUT_MS - now;
		timeout = (int)(left > 0 ? left : 0);
	}
	if (l->stopping && !l->stop_killed) {
		int64_t left = l->stop_by - now;
		if (left < 0)
			left = 0;
		if (timeout < 0 || left < timeout)
			timeout = (int)left;
	}
	int n = poll(fds, nfds, timeout);
	if (n < 0 && errno != EINTR) {
		log_error("supervisor: poll: %s", strerror(errno));
		return -1;
	}
	now = now_ms();
	if (cur_at >= 0 && fds[cur_at].revents != 0 && read_ready(&l->cur))
		l->quick = 0;
	if (next_at >= 0 && fds[next_at].revents != 0 && read_ready(&l->next))
		promote_next(l);
	if (l->next.pid >= 0 && !l->next.ready && now - l->next.started >= READY_TIMEOUT_MS) {
		log_error("supervisor: new child %d not ready after %d s; keeping %d",
		    (int)l->next.pid, READY_TIMEOUT_MS / 1000, (int)l->cur.pid);
		kill(l->next.pid, SIGKILL);
	}
	return 0;
}

/* SIGTERM and SIGINT stop everything; SIGHUP and SIGUSR2 restart. */
static void
take_signal(const struct supervisor *sv, struct loop *l, int sig, int64_t now)
{
	if (sig == SIGTERM || sig == SIGINT) {
		if (!l->stopping) {
			log_info("supervisor: signal %d: stopping", sig);
			l->stop_by = now + STOP_TIMEOUT_MS;
		}
		l->stopping = 1;
		if (l->cur.pid >= 0)
			kill(l->cur.pid, SIGTERM);
		if (l->next.pid >= 0)
			kill(l->next.pid, SIGTERM);
		for (int i = 0; i < l->ndraining; i++)
			kill(l->draining[i], SIGTERM);
	} else if ((sig == SIGHUP || sig == SIGUSR2) && !l->stopping) {
		if (l->next.pid >= 0) {
			log_info("supervisor: a restart is already under way");
		} else if (l->cur.pid < 0) {
			l->respawn_at = now;	/* nothing to replace */
		} else {
			log_info("supervisor: signal %d: restarting", sig);
			reexec(sv, l->cur.pid);
		}
	}
}

/* A stop that takes too long: the children still running are named in the
 * log and killed, and nazar's exit status says it did not stop cleanly. */
static void
stop_overdue(struct loop *l, int64_t now)
{
	if (!l->stopping || l->stop_killed || now < l->stop_by)
		return;
	pid_t left[2 + DRAINING_MAX];
	int n = 0;
	if (l->cur.pid >= 0)
		left[n++] = l->cur.pid;
	if (l->next.pid >= 0)
		left[n++] = l->next.pid;
	for (int i = 0; i < l->ndraining; i++)
		left[n++] = l->draining[i];
	l->stop_killed = 1;
	if (n == 0)
		return;
	char names[16 * (2 + DRAINING_MAX)] = "";
	size_t used = 0;
	for (int i = 0; i < n && used < sizeof(names); i++) {
		int w = snprintf(names + used, sizeof(names) - used, "%s%d", i ? ", " : "",
		    (int)left[i]);
		if (w > 0)
			used += (size_t)w;
	}
	log_error("supervisor: child %s still running %d s after SIGTERM; killing it",
	    names, STOP_TIMEOUT_MS / 1000);
	for (int i = 0; i < n; i++)
		kill(left[i], SIGKILL);
	l->status = 1;
}

/* One child that ended: the serving one is replaced (after a pause when
 * children keep dying unready), a starting one leaves the old serving. */
static void
reap(struct loop *l, pid_t pid, int st, int64_t now)
{
	char how[64];
	describe(st, how, sizeof(how));
	/* A child stopped by SIGTERM before it took the signal itself (while
	 * starting) stopped as asked too. */
	int clean = (WIFEXITED(st) && WEXITSTATUS(st) == 0) ||
	    (l->stopping && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	if (pid == l->cur.pid) {
		if (l->stopping) {
			if (!clean) {
				l->status = 1;
				log_error("supervisor: child %d %s when asked to stop", (int)pid, how);
			} else {
				log_info("supervisor: child %d %s", (int)pid, how);
			}
		} else {
			char life[96];
			if (l->cur.ready)
				snprintf(life, sizeof(life), " %lld ms after it started (ready after %lld ms)",
				    (long long)(now - l->cur.started),
				    (long long)(l->cur.ready_at - l->cur.started));
			else
				snprintf(life, sizeof(life), " %lld ms after it started, before it was ready",
				    (long long)(now - l->cur.started));
			if (!l->cur.ready)
				l->quick++;
			l->respawn_at = now + backoff_ms(l->quick);
			log_warn("supervisor: child %d %s%s; starting another%s", (int)pid, how, life,
			    l->quick > 1 ? " after a pause" : "");
		}
		child_clear(&l->cur);
	} else if (pid == l->next.pid) {
		log_error("supervisor: new child %d %s before it was ready; "
		    "the old one keeps serving", (int)pid, how);
		child_clear(&l->next);
		if (l->stopping && !clean)
			l->status = 1;
	} else {
		for (int i = 0; i < l->ndraining; i++) {
			if (l->draining[i] == pid) {
				l->draining[i] = l->draining[--l->ndraining];
				break;
			}
		}
		if (!clean) {
			l->status = 1;
			log_error("supervisor: old child %d %s when asked to stop; nazar will "
			    "exit with status 1", (int)pid, how);
		} else {
			log_info("supervisor: old child %d %s", (int)pid, how);
		}
	}
}

int
supervise(int listen_fd, int owned, char *const argv[], int (*serve)(void *arg, int listen_fd),
    void *arg)
{
	struct supervisor sv = { .listen_fd = listen_fd, .owned = owned, .argv = argv,
	    .serve = serve, .arg = arg };
	if (take_signals(&sv) != 0)
		return 1;
	struct loop l = { .cur = { .pid = -1, .ready_fd = -1 },
	    .next = { .pid = -1, .ready_fd = -1 } };
	/* After a graceful restart: the child of the old image serves until
	 * the first one of this image is ready. */
	l.old = env_int(ENV_OLD);
	if (l.old > 0)
		l.cur = (struct child){ .pid = l.old, .ready_fd = -1, .ready = 1 };
	log_info("supervisor %d: serving through a child process", (int)getpid());

	for (;;) {
		int64_t now = now_ms();
		start_children(&sv, &l, now);
		siginfo_t wi;
		if (l.stopping && waitid(P_ALL, 0, &wi, WEXITED | WNOHANG | WNOWAIT) != 0 &&
		    errno == ECHILD)
			break;
		if (wait_events(&sv, &l, now) != 0)
			break;
		now = now_ms();
		struct signalfd_siginfo si;
		while (read(sv.sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			take_signal(&sv, &l, (int)si.ssi_signo, now);
		int st;
		pid_t pid;
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
			reap(&l, pid, st, now);
		stop_overdue(&l, now_ms());
	}
	child_clear(&l.cur);
	child_clear(&l.next);
	close(sv.sfd);
	sigprocmask(SIG_SETMASK, &sv.mask, NULL);
	log_info("supervisor: stopped");
	return l.status;
}

int
supervise_inherited_fd(int *owned)
{
	*owned = env_int(ENV_OWNED) == 1;
	int fd = env_int(ENV_LISTEN);
	if (fd < 0)
		return -1;
	int listening = 0;
	socklen_t len = sizeof(listening);
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) {
		log_error("%s=%d is not a listening socket", ENV_LISTEN, fd);
		return -1;
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

void
supervise_ready(void)
{
	if (ready_fd < 0)
		return;
	ssize_t w = write(ready_fd, "1", 1);
	(void)w;
	close(ready_fd);
	ready_fd = -1;
}
