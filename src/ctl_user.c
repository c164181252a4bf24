/* ctl_user.c — nazarctl user: adding moderators, setting their password,
 * state and role, listing them. Passwords are read from the terminal (or
 * one line of standard input); the rules and the audit are the
 * operations' (op.h). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "arena.h"
#include "auth.h"
#include "ctl.h"
#include "op.h"
#include "store_users.h"

/* The terminal's settings while a password is typed without echo, so that
 * a signal can put them back before the program ends. */
static struct termios saved_tio;
static volatile sig_atomic_t tio_changed;

static void
restore_tty(int sig)
{
	if (tio_changed)
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Reads one line from fd with read(2): stdio would keep copies of the
 * password in buffers nobody wipes. The line without its "\n" (and a "\r"
 * before it) goes to buf; longer than max bytes: *too_long, the rest of
 * the line is read and dropped. Returns the length, or -1 at end of input
 * before anything was read, or on a read error. */
static ssize_t
read_secret_line(int fd, char *buf, size_t max, bool *too_long)
{
	size_t n = 0;
	bool any = false;
	*too_long = false;
	for (;;) {
		char ch;
		ssize_t got = read(fd, &ch, 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		if (got == 0) {
			if (!any)
				return -1;
			break;
		}
		any = true;
		if (ch == '\n')
			break;
		if (n < max)
			buf[n++] = ch;
		else
			*too_long = true;
		ch = 0;
	}
	if (n > 0 && buf[n - 1] == '\r')
		buf[--n] = '\0';
	buf[n] = '\0';
	return (ssize_t)n;
}

/* Reads a password: from a terminal, after a prompt on stderr, with echo
 * off (and put back, even on a signal); else one line of standard input.
 * -1 when nothing could be read. */
static ssize_t
read_password(const char *prompt, char *buf, size_t max, bool *too_long)
{
	bool tty = isatty(STDIN_FILENO);
	struct sigaction sa, old[4], old_tstp;
	static const int sigs[4] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	ssize_t n;

	if (!tty)
		return read_secret_line(STDIN_FILENO, buf, max, too_long);
	if (tcgetattr(STDIN_FILENO, &saved_tio) != 0) {
		fprintf(stderr, "nazarctl: cannot read the terminal's settings: %s\n",
		    strerror(errno));
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = restore_tty;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 4; i++)
		sigaction(sigs[i], &sa, &old[i]);
	/* Stopped with echo off, the shell would be left unusable. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGTSTP, &sa, &old_tstp);
	struct termios t = saved_tio;
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
	t.c_lflag |= ICANON;
	tio_changed = 1;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) != 0) {
		fprintf(stderr, "nazarctl: cannot turn off the terminal's echo: %s\n",
		    strerror(errno));
		n = -1;
	} else {
		fputs(prompt, stderr);
		fflush(stderr);
		n = read_secret_line(STDIN_FILENO, buf, max, too_long);
		fputc('\n', stderr);
	}
	(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
	tio_changed = 0;
	for (int i = 0; i < 4; i++)
		sigaction(sigs[i], &old[i], NULL);
	sigaction(SIGTSTP, &old_tstp, NULL);
	return n;
}

/* A password as read, and its second typing; wiped after use. */
struct secret {
	char pw[AUTH_PASSWORD_MAX_BYTES + 1];
	char again[AUTH_PASSWORD_MAX_BYTES + 1];
	size_t len;
};

/* A new password (typed twice on a terminal), checked against the policy
 * into b; 0, or 1 with a message naming the command. */
static int
new_password(const char *cmd, struct secret *b)
{
	bool too_long = false, too_long2 = false;
	ssize_t n = read_password("New password: ", b->pw, AUTH_PASSWORD_MAX_BYTES, &too_long);
	if (n < 0)
		return ctl_fail("%s: no password given", cmd);
	/* Checked before the second prompt: no need to type a bad one twice. */
	struct op_result res = { .problem = too_long ? OP_PASSWORD_LONG :
	    op_password_check(b->pw, (size_t)n) };
	if (res.problem != OP_OK)
		return ctl_fail("%s: %s", cmd, op_problem_text(&res));
	if (isatty(STDIN_FILENO)) {
		ssize_t n2 = read_password("Again: ", b->again, AUTH_PASSWORD_MAX_BYTES,
		    &too_long2);
		if (n2 != n || too_long2 || sodium_memcmp(b->pw, b->again, (size_t)n) != 0)
			return ctl_fail("%s: the two passwords differ; nothing changed", cmd);
	}
	if (auth_init(1, 0) != 0)
		return ctl_fail("%s: cannot start libsodium", cmd);
	b->len = (size_t)n;
	return 0;
}

/* A user change's failure: the message, and exit 1. */
static int
user_failed(const char *cmd, const char *name, const struct op_result *res)
{
	if (res->problem == OP_NO_USER)
		return ctl_no_user(name);
	fprintf(stderr, "nazarctl: %s: ", cmd);
	if (res->user.name != NULL) {
		ctl_err_clean(res->user.name);
		fputs(": ", stderr);
	}
	fprintf(stderr, "%s\n", op_problem_text(res));
	return CTL_EXIT_FAIL;
}

/* The options of a change that takes only --as; the arguments left must
 * be want in number. */
static int
as_only(struct ctl *c, int argc, char **argv, int want, const char *what)
{
	int rc = ctl_options_as(c, argc, argv);
	if (rc == 0 && argc - optind != want)
		return ctl_usage_error("user %s takes %s", argv[0], what);
	return rc;
}

/* What user add's options say. */
struct add_options {
	enum auth_role role;
	const char *display;
};

static int
add_option(void *arg, int opt, const char *value)
{
	struct add_options *ao = arg;
	if (opt == 'd')
		return ctl_opt_once(&ao->display, value, "display-name");
	if (auth_role_parse(value, &ao->role) != 0)
		return ctl_usage_error("unknown role \"%s\" (admin or moderator)", value);
	return 0;
}

/* Looks the user up before a password is typed for them: present (want)
 * or absent (!want), else 1 with a message. */
static int
user_check(struct ctl *c, const char *cmd, const char *name, bool want)
{
	struct user u;
	struct op_result res = { .problem = OP_OK };
	enum store_result r = store_user_by_name(c->st, c->a, name, &u, NULL);
	if (r == STORE_OK && !want)
		return ctl_fail("%s: there is already a user %s", cmd, u.name);
	if (r == STORE_NOT_FOUND && want)
		res.problem = OP_NO_USER;
	else if (r != STORE_OK && r != STORE_NOT_FOUND)
		res.problem = OP_UNAVAILABLE;
	return res.problem == OP_OK ? 0 : user_failed(cmd, name, &res);
}

/* Reads a new password and applies the change with it (add when role is
 * not NULL, else a new password); 0 or 1, the output printed. */
static int
with_password(struct op_ctx *oc, const char *cmd, const char *name, const char *display,
    const enum auth_role *role)
{
	struct secret b;
	struct op_result res;
	int status = new_password(cmd, &b);
	if (status == 0) {
		oc->now = time(NULL);	/* when it was typed */
		if (role != NULL ? op_user_add(oc, name, display, *role, b.pw, b.len, &res) :
		    op_user_password(oc, name, b.pw, b.len, NULL, &res))
			status = res.problem == OP_USER_EXISTS ?
			    ctl_fail("%s: there is already a user %s", cmd, name) :
			    user_failed(cmd, name, &res);
		else if (role != NULL)
			printf("added %s (%s)\n", name, auth_role_name(*role));
		else
			printf("new password for %s; their sessions have ended\n", res.user.name);
	}
	sodium_memzero(&b, sizeof(b));
	return status;
}

static int
user_add(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "display-name", required_argument, NULL, 'd' },
		CTL_OPTION_AS,
		{ NULL, 0, NULL, 0 },
	};
	struct add_options ao = { .role = ROLE_MODERATOR };
	int rc = ctl_change_options(c, argc, argv, opts, add_option, &ao);
	if (rc == 0 && argc - optind != 1)
		rc = ctl_usage_error("user add takes one user name");
	if (rc != 0)
		return rc;
	const char *clean;
	const char *name = argv[optind];
	struct op_result res = { .problem = op_user_check_names(c->a, name, ao.display, &clean) };
	if (res.problem != OP_OK)
		return ctl_usage_error("user add: %s", op_problem_text(&res));
	struct actor who;
	struct op_ctx oc;
	if (ctl_begin_change(c, &who, &oc) != 0)
		return CTL_EXIT_FAIL;
	if (user_check(c, "user add", name, false) != 0)
		return CTL_EXIT_FAIL;
	return with_password(&oc, "user add", name, ao.display, &ao.role);
}

/* The start of a change to the one user named: the options (--as), the
 * database and the operation context. 0, or the exit status. */
static int
one_user_begin(struct ctl *c, int argc, char **argv, struct actor *who, struct op_ctx *oc)
{
	int rc = as_only(c, argc, argv, 1, "one user name");
	if (rc == 0 && ctl_begin_change(c, who, oc) != 0)
		rc = CTL_EXIT_FAIL;
	return rc;
}

static int
user_passwd(struct ctl *c, int argc, char **argv)
{
	struct actor who;
	struct op_ctx oc;
	int rc = one_user_begin(c, argc, argv, &who, &oc);
	if (rc != 0)
		return rc;
	if (user_check(c, "user passwd", argv[optind], true) != 0)
		return CTL_EXIT_FAIL;
	return with_password(&oc, "user passwd", argv[optind], NULL, NULL);
}

/* disable or enable, as argv[0] says. */
static int
user_set_disabled(struct ctl *c, int argc, char **argv)
{
	bool disable = strcmp(argv[0], "disable") == 0;
	struct actor who;
	struct op_ctx oc;
	struct op_result res;
	int rc = one_user_begin(c, argc, argv, &who, &oc);
	if (rc != 0)
		return rc;
	const char *name = argv[optind];
	if (op_user_set_disabled(&oc, name, disable, &res) != OP_OK)
		return user_failed(arena_printf(c->a, "user %s", argv[0]), name, &res);
	const char *state = disable ? "disabled" : "enabled";
	if (res.unchanged)
		printf("%s is already %s\n", res.user.name, state);
	else
		printf("%s %s%s\n", res.user.name, state,
		    disable ? "; their sessions have ended" : "");
	return 0;
}

static int
user_role(struct ctl *c, int argc, char **argv)
{
	int rc = as_only(c, argc, argv, 2, "a user name and a role (admin or moderator)");
	if (rc != 0)
		return rc;
	const char *name = argv[optind];
	enum auth_role role;
	if (auth_role_parse(argv[optind + 1], &role) != 0)
		return ctl_usage_error("unknown role \"%s\" (admin or moderator)",
		    argv[optind + 1]);
	struct actor who;
	struct op_ctx oc;
	struct op_result res;
	if (ctl_begin_change(c, &who, &oc) != 0)
		return CTL_EXIT_FAIL;
	if (op_user_set_role(&oc, name, role, &res) != OP_OK)
		return user_failed("user role", name, &res);
	printf(res.unchanged ? "%s is already %s\n" : "%s is now %s\n", res.user.name,
	    auth_role_name(role));
	return 0;
}

/* What user notify's options say. */
struct notify_options {
	const char *email;
	const char *mode;
};

static int
notify_option(void *arg, int opt, const char *value)
{
	struct notify_options *no = arg;
	if (opt == 'e')
		return ctl_opt_once(&no->email, value, "email");
	return ctl_opt_once(&no->mode, value, "mode");
}

static int
user_notify(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "email", required_argument, NULL, 'e' },
		{ "mode", required_argument, NULL, 'm' },
		CTL_OPTION_AS,
		{ NULL, 0, NULL, 0 },
	};
	struct notify_options no = { 0 };
	int rc = ctl_change_options(c, argc, argv, opts, notify_option, &no);
	if (rc == 0 && argc - optind != 1)
		rc = ctl_usage_error("user notify takes a user name");
	if (rc == 0 && no.email == NULL && no.mode == NULL)
		rc = ctl_usage_error("user notify: give --email ADDRESS, --mode "
		    "now|hourly|daily|none, or both");
	if (rc != 0)
		return rc;
	enum user_notify mode = NOTIFY_NONE;
	if (no.mode != NULL && user_notify_parse(no.mode, &mode) != 0)
		return ctl_usage_error("unknown mode \"%s\" (now, hourly, daily or none)",
		    no.mode);
	const char *name = argv[optind];
	struct actor who;
	struct op_ctx oc;
	struct op_result res;
	if (ctl_begin_change(c, &who, &oc) != 0)
		return CTL_EXIT_FAIL;
	if (op_user_set_notify(&oc, name, no.email, no.mode != NULL ? (int)mode : -1, &res) !=
	    OP_OK) {
		if (res.problem == OP_USER_EMAIL)
			return ctl_usage_error("user notify: %s", op_problem_text(&res));
		return user_failed("user notify", name, &res);
	}
	if (res.unchanged)
		printf("%s: unchanged\n", res.user.name);
	else
		printf("%s: notify %s, address %s\n", res.user.name,
		    user_notify_name(no.mode != NULL ? mode : res.user.notify),
		    no.email != NULL ? (no.email[0] ? no.email : "none") :
		    (res.user.email[0] ? res.user.email : "none"));
	return 0;
}

static int
user_list(struct ctl *c, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return ctl_usage_error("user list takes no arguments");
	if (ctl_open_current_store(c) != 0)
		return CTL_EXIT_FAIL;
	struct user *users;
	size_t n;
	enum store_result r = store_user_list(c->st, c->a, &users, &n);
	if (r != STORE_OK)
		return ctl_fail("user list: %s", ctl_store_problem(r));
	for (size_t i = 0; i < n; i++) {
		ctl_put_clean(users[i].name, 0, false, "");
		putchar('\t');
		ctl_put_clean(users[i].display_name, 0, false, "");
		printf("\t%s\t%s\t", auth_role_name(users[i].role),
		    users[i].disabled ? "disabled" : "enabled");
		ctl_put_time(users[i].created);
		putchar('\t');
		ctl_put_field(users[i].email);
		printf("\t%s", user_notify_name(users[i].notify));
		putchar('\n');
	}
	return 0;
}

const struct ctl_command ctl_user_commands[] = {
	{ "add", user_add },
	{ "passwd", user_passwd },
	{ "disable", user_set_disabled },
	{ "enable", user_set_disabled },
	{ "role", user_role },
	{ "list", user_list },
	{ "notify", user_notify },
};
const size_t ctl_user_ncommands = sizeof(ctl_user_commands) / sizeof(ctl_user_commands[0]);
