/* nazarctl.c — the operator's command line: creating and migrating the
 * database, listing, showing, moderating and adding comments, managing
 * moderators, the blocklist, and reading the audit trail. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "arena.h"
#include "auth.h"
#include "blocklist.h"
#include "config.h"
#include "http.h"
#include "log.h"
#include "store.h"
#include "store_blocklist.h"
#include "store_moderation.h"
#include "store_users.h"
#include "text.h"
#include "utf8.h"
#include "validate.h"

#define EXIT_USAGE 2
#define LIST_DEFAULT_LIMIT 100
#define LIST_MAX_LIMIT 1000000
#define LIST_BODY_CHARS 60
/* Audit entries are read in pages of this many (the store's maximum). */
#define AUDIT_PAGE 200
/* Blocklist entries are listed in pages of this many. */
#define BLOCK_PAGE 500

/* Everything a command needs; commands are (noun, verb) pairs so that
 * later nouns (user, audit, block, export, backup) slot into the same
 * tables. */
struct ctl {
	const char *config_path;
	struct config cfg;
	bool cfg_loaded;
	struct store *st;
	struct arena *a;
};

struct command {
	const char *name;
	int (*run)(struct ctl *c, int argc, char **argv);
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: nazarctl [-c FILE] init\n"
	    "       nazarctl [-c FILE] comment list [--status S] [--article ID] [--limit N]\n"
	    "       nazarctl [-c FILE] comment show ID\n"
	    "       nazarctl [-c FILE] comment approve|reject|spam|delete ID...\n"
	    "       nazarctl [-c FILE] comment add --article ID --name NAME [--email E]\n"
	    "                [--parent ID] [--status S] [--body TEXT]   (body from stdin without --body)\n"
	    "       nazarctl [-c FILE] user add NAME [--role admin|moderator] [--display-name TEXT]\n"
	    "       nazarctl [-c FILE] user passwd NAME\n"
	    "       nazarctl [-c FILE] user disable|enable NAME\n"
	    "       nazarctl [-c FILE] user role NAME admin|moderator\n"
	    "       nazarctl [-c FILE] user list\n"
	    "       nazarctl [-c FILE] audit [--user NAME] [--limit N]\n"
	    "       nazarctl [-c FILE] block add word|email|address PATTERN [--action hold|spam]\n"
	    "                [--note TEXT]\n"
	    "       nazarctl [-c FILE] block remove ID | block remove KIND PATTERN\n"
	    "       nazarctl [-c FILE] block list [--kind word|email|address]\n"
	    "  Passwords are read from the terminal (twice, not shown), or as one line\n"
	    "  from standard input when it is not a terminal.\n"
	    "  -c FILE  configuration file (default: $NAZAR_CONFIG or %s/nazar.conf)\n"
	    "  -h       this help\n", NAZAR_SYSCONFDIR);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
	va_list ap;
	fputs("nazarctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(nazarctl -h lists the commands)\n", stderr);
	return EXIT_USAGE;
}

/* getopt's own messages would name the verb as the program; ours name
 * the option as typed. */
static int
bad_option(char **argv)
{
	return usage_error("%s: unknown option or missing value: %s", argv[0],
	    argv[optind - 1]);
}

/* A positive decimal id: digits only (no sign, spaces or hex), no overflow. */
static int
parse_id(const char *s, int64_t *out)
{
	if (s == NULL || s[0] < '0' || s[0] > '9')
		return -1;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0)
		return -1;
	*out = v;
	return 0;
}

static int
parse_limit(const char *s, int *out)
{
	int64_t v;
	if (parse_id(s, &v) != 0 || v > LIST_MAX_LIMIT)
		return -1;
	*out = (int)v;
	return 0;
}

static const char *
store_problem(enum store_result r)
{
	switch (r) {
	case STORE_BUSY:
		return "the database is busy; try again";
	case STORE_NOT_FOUND:
		return "not found";
	case STORE_CONFLICT:
		return "conflict";
	default:
		return "database error (see the message above)";
	}
}

/* Writes s with control characters (C0, DEL and C1) shown as spaces so
 * that a hostile name or body cannot move the operator's cursor, rewrite
 * the terminal or break the tab-separated columns. Stops after max code
 * points (0: no limit). keep_newlines lets '\n' through (for show). */
static void
put_clean(const char *s, size_t max, bool keep_newlines, const char *newline_prefix)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	const unsigned char *end = p + (max > 0 ? utf8_cut_chars(s, len, max) : len);
	while (p < end) {
		if (*p == '\n' && keep_newlines) {
			putchar('\n');
			fputs(newline_prefix, stdout);
		} else if (*p < 0x20 || *p == 0x7f)
			putchar(' ');
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			putchar(' ');
			p++;
		} else
			putchar(*p);
		p++;
	}
}

static void
put_time(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char s[32];
	if (gmtime_r(&tt, &tm) == NULL || strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		printf("%lld", (long long)t);
	else
		fputs(s, stdout);
}

/* --- config and database --- */

/* Read once, after the command line is known to be right, so that a usage
 * error is reported as such even without a configuration file. */
static int
load_config(struct ctl *c)
{
	char err[1024];
	if (c->cfg_loaded)
		return 0;
	config_defaults(&c->cfg);
	if (config_load(c->config_path, &c->cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "nazarctl: %s\n", err);
		return -1;
	}
	log_set_level((enum log_level)c->cfg.log_level);
	c->cfg_loaded = true;
	return 0;
}

/* mkdir -p for the database's directory, so init works on a fresh host. */
static int
make_parent_dirs(const char *path)
{
	char dir[sizeof(((struct config *)0)->db_path)];
	size_t len = strlen(path);
	if (len >= sizeof(dir))
		return -1;
	memcpy(dir, path, len + 1);
	char *slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
			fprintf(stderr, "nazarctl: cannot create %s: %s\n", dir, strerror(errno));
			return -1;
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	struct stat sb;
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "nazarctl: %s is not a directory\n", dir);
		return -1;
	}
	return 0;
}

static int
open_store(struct ctl *c)
{
	char err[1024];
	if (load_config(c) != 0)
		return -1;
	if (store_open(c->cfg.db_path, c->cfg.busy_timeout_ms, &c->st, err, sizeof(err)) !=
	    STORE_OK) {
		fprintf(stderr, "nazarctl: %s\n", err);
		return -1;
	}
	return 0;
}

/* Every command but init works only on a database at this build's schema. */
static int
open_current_store(struct ctl *c)
{
	if (load_config(c) != 0)
		return -1;
	if (access(c->cfg.db_path, F_OK) != 0) {
		fprintf(stderr, "nazarctl: %s: no database; run nazarctl init\n", c->cfg.db_path);
		return -1;
	}
	if (open_store(c) != 0)
		return -1;
	char err[512];
	if (store_check_schema(c->st, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "nazarctl: %s: %s\n", c->cfg.db_path, err);
		return -1;
	}
	return 0;
}

/* --- init --- */

static int
cmd_init(struct ctl *c, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return usage_error("init takes no arguments");
	if (load_config(c) != 0 || make_parent_dirs(c->cfg.db_path) != 0 || open_store(c) != 0)
		return 1;
	char err[512];
	int from = 0;
	enum store_result r = store_migrate(c->st, &from, err, sizeof(err));
	if (r != STORE_OK) {
		fprintf(stderr, "nazarctl: %s: %s\n", c->cfg.db_path, err);
		return 1;
	}
	if (from == 0)
		printf("created schema version %d\n", STORE_SCHEMA_VERSION);
	else if (from < STORE_SCHEMA_VERSION)
		printf("migrated from %d to %d\n", from, STORE_SCHEMA_VERSION);
	else
		puts("up to date");
	return 0;
}

/* --- comment --- */

static int
comment_list(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "status", required_argument, NULL, 's' },
		{ "article", required_argument, NULL, 'a' },
		{ "limit", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	int status = -1, limit = LIST_DEFAULT_LIMIT, o;
	const char *article = NULL;
	enum comment_status s;
	optind = 0;
	while ((o = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (o) {
		case 's':
			if (comment_status_parse(optarg, &s) != 0)
				return usage_error("unknown status \"%s\" (pending, approved, "
				    "rejected, spam or deleted)", optarg);
			status = (int)s;
			break;
		case 'a':
			article = optarg;
			break;
		case 'n':
			if (parse_limit(optarg, &limit) != 0)
				return usage_error("--limit: \"%s\" is not a number from 1 to 1000000",
				    optarg);
			break;
		default:
			return bad_option(argv);
		}
	}
	if (optind != argc)
		return usage_error("comment list: unexpected argument \"%s\"", argv[optind]);
	if (open_current_store(c) != 0)
		return 1;
	struct comment *rows;
	size_t n;
	enum store_result r = store_list(c->st, c->a, status, article, limit, &rows, &n);
	if (r != STORE_OK) {
		fprintf(stderr, "nazarctl: comment list: %s\n", store_problem(r));
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		printf("%lld\t%s\t", (long long)rows[i].id, comment_status_name(rows[i].status));
		put_time(rows[i].created);
		putchar('\t');
		put_clean(rows[i].article, 0, false, "");
		if (rows[i].parent > 0)
			printf("\t%lld\t", (long long)rows[i].parent);
		else
			fputs("\t-\t", stdout);
		put_clean(rows[i].name, 0, false, "");
		putchar('\t');
		put_clean(rows[i].body, LIST_BODY_CHARS, false, "");
		putchar('\n');
	}
	return 0;
}

static int
comment_show(struct ctl *c, int argc, char **argv)
{
	int64_t id;
	if (argc != 2)
		return usage_error("comment show takes one comment id");
	if (parse_id(argv[1], &id) != 0)
		return usage_error("\"%s\" is not a comment id", argv[1]);
	if (open_current_store(c) != 0)
		return 1;
	struct comment cm;
	enum store_result r = store_get_comment(c->st, c->a, id, &cm);
	if (r == STORE_NOT_FOUND) {
		fprintf(stderr, "nazarctl: no comment %lld\n", (long long)id);
		return 1;
	}
	if (r != STORE_OK) {
		fprintf(stderr, "nazarctl: comment show: %s\n", store_problem(r));
		return 1;
	}
	printf("id: %lld\nstatus: %s\ncreated: ", (long long)cm.id,
	    comment_status_name(cm.status));
	put_time(cm.created);
	fputs("\narticle: ", stdout);
	put_clean(cm.article, 0, false, "");
	if (cm.parent > 0)
		printf("\nparent: %lld", (long long)cm.parent);
	else
		fputs("\nparent: -", stdout);
	fputs("\nname: ", stdout);
	put_clean(cm.name, 0, false, "");
	fputs("\nemail: ", stdout);
	put_clean(cm.email, 0, false, "");
	fputs("\nremote_addr: ", stdout);
	put_clean(cm.remote_addr, 0, false, "");
	fputs("\nuser_agent: ", stdout);
	put_clean(cm.user_agent, 0, false, "");
	/* The body last: its further lines are indented under the first. */
	fputs("\nbody: ", stdout);
	put_clean(cm.body, 0, true, "      ");
	putchar('\n');
	return 0;
}

/* approve, reject, spam, delete: every id is tried; any failure → exit 1. */
static int
comment_set(struct ctl *c, int argc, char **argv, enum comment_status s)
{
	if (argc < 2)
		return usage_error("comment %s needs at least one comment id", argv[0]);
	int64_t *ids = arena_calloc(c->a, (size_t)argc, sizeof(*ids));
	/* All ids are checked before anything is changed. */
	for (int i = 1; i < argc; i++)
		if (parse_id(argv[i], &ids[i]) != 0)
			return usage_error("\"%s\" is not a comment id", argv[i]);
	if (open_current_store(c) != 0)
		return 1;
	int status = 0;
	time_t now = time(NULL);
	for (int i = 1; i < argc; i++) {
		enum store_result r = store_set_status(c->st, ids[i], s, now);
		if (r == STORE_OK)
			printf("%lld %s\n", (long long)ids[i], comment_status_name(s));
		else {
			if (r == STORE_NOT_FOUND)
				fprintf(stderr, "nazarctl: no comment %lld\n", (long long)ids[i]);
			else
				fprintf(stderr, "nazarctl: comment %lld: %s\n", (long long)ids[i],
				    store_problem(r));
			status = 1;
		}
	}
	return status;
}

static int
comment_approve(struct ctl *c, int argc, char **argv)
{
	return comment_set(c, argc, argv, COMMENT_APPROVED);
}

static int
comment_reject(struct ctl *c, int argc, char **argv)
{
	return comment_set(c, argc, argv, COMMENT_REJECTED);
}

static int
comment_spam(struct ctl *c, int argc, char **argv)
{
	return comment_set(c, argc, argv, COMMENT_SPAM);
}

static int
comment_delete(struct ctl *c, int argc, char **argv)
{
	return comment_set(c, argc, argv, COMMENT_DELETED);
}

/* Reads all of stdin, refusing more than max bytes or a NUL byte. */
static char *
read_stdin(struct arena *a, size_t max)
{
	char *data = arena_alloc(a, max + 1);
	size_t len = 0;
	for (;;) {
		size_t room = max + 1 - len;
		if (room == 0)
			break;
		size_t n = fread(data + len, 1, room, stdin);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(stdin)) {
		fprintf(stderr, "nazarctl: comment add: reading the body: %s\n", strerror(errno));
		return NULL;
	}
	if (len > max) {
		fprintf(stderr, "nazarctl: comment add: the body is longer than %zu bytes\n", max);
		return NULL;
	}
	if (memchr(data, '\0', len) != NULL) {
		fprintf(stderr, "nazarctl: comment add: the body contains a NUL byte\n");
		return NULL;
	}
	data[len] = '\0';
	return data;
}

static int
comment_add(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "article", required_argument, NULL, 'a' },
		{ "name", required_argument, NULL, 'n' },
		{ "email", required_argument, NULL, 'e' },
		{ "parent", required_argument, NULL, 'p' },
		{ "status", required_argument, NULL, 's' },
		{ "body", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	/* The same fields and rules as the web form, so that nothing enters
	 * the database by this door that the form would have refused. */
	enum { F_ARTICLE, F_NAME, F_EMAIL, F_PARENT, F_BODY, F__MAX };
	static const char *const keys[F__MAX] = { "article", "name", "email", "parent", "body" };
	const char *val[F__MAX] = { NULL };
	enum comment_status status = COMMENT_PENDING;
	int o;
	optind = 0;
	while ((o = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		int f;
		switch (o) {
		case 'a': f = F_ARTICLE; break;
		case 'n': f = F_NAME; break;
		case 'e': f = F_EMAIL; break;
		case 'p': f = F_PARENT; break;
		case 'b': f = F_BODY; break;
		case 's':
			if (comment_status_parse(optarg, &status) != 0)
				return usage_error("unknown status \"%s\" (pending, approved, "
				    "rejected, spam or deleted)", optarg);
			continue;
		default:
			return bad_option(argv);
		}
		if (val[f] != NULL)
			return usage_error("comment add: --%s given twice", keys[f]);
		val[f] = optarg;
	}
	if (optind != argc)
		return usage_error("comment add: unexpected argument \"%s\"", argv[optind]);
	if (val[F_ARTICLE] == NULL)
		return usage_error("comment add: --article is required");
	if (val[F_NAME] == NULL)
		return usage_error("comment add: --name is required");
	if (val[F_PARENT] != NULL) {
		int64_t p;
		if (parse_id(val[F_PARENT], &p) != 0)
			return usage_error("--parent: \"%s\" is not a comment id", val[F_PARENT]);
	}
	if (load_config(c) != 0)
		return 1;
	if (val[F_BODY] == NULL) {
		/* UTF-8 takes at most 4 bytes a character; the slack is for
		 * white space the cleaning trims. */
		size_t max = (size_t)c->cfg.max_length * 4 + 4096;
		if ((val[F_BODY] = read_stdin(c->a, max)) == NULL)
			return 1;
	}

	struct kvlist form = { .items = arena_calloc(c->a, F__MAX, sizeof(struct kv)) };
	for (int f = 0; f < F__MAX; f++) {
		if (val[f] == NULL)
			continue;
		form.items[form.count].key = keys[f];
		form.items[form.count].value = val[f];
		form.items[form.count].value_len = strlen(val[f]);
		form.count++;
	}
	struct comment_form cf;
	if (validate_comment_form(c->a, &form, c->cfg.max_length, &cf) > 0) {
		for (int f = 0; f < FIELD__MAX; f++)
			if (cf.error[f] != NULL)
				fprintf(stderr, "nazarctl: comment add: %s: %s\n", form_field_names[f],
				    cf.error[f]);
		return 1;
	}
	if (open_current_store(c) != 0)
		return 1;
	struct comment cm = {
		.article = (char *)cf.clean[FIELD_ARTICLE],
		.parent = cf.parent,
		.name = (char *)cf.clean[FIELD_NAME],
		.email = (char *)cf.clean[FIELD_EMAIL],
		.body = (char *)cf.clean[FIELD_BODY],
		.status = status,
	};
	enum store_result r = store_insert_comment(c->st, &cm, time(NULL));
	if (r == STORE_CONFLICT) {
		fprintf(stderr, "nazarctl: comment add: parent %lld is missing, not approved or "
		    "under another article\n", (long long)cf.parent);
		return 1;
	}
	if (r != STORE_OK) {
		fprintf(stderr, "nazarctl: comment add: %s\n", store_problem(r));
		return 1;
	}
	printf("%lld\n", (long long)cm.id);
	return 0;
}

static const struct command comment_commands[] = {
	{ "list", comment_list },
	{ "show", comment_show },
	{ "approve", comment_approve },
	{ "reject", comment_reject },
	{ "spam", comment_spam },
	{ "delete", comment_delete },
	{ "add", comment_add },
};

static int
dispatch(struct ctl *c, const struct command *cmds, size_t n, const char *noun, int argc,
    char **argv)
{
	if (argc < 1)
		return usage_error("%s: which command? (see nazarctl -h)", noun);
	for (size_t i = 0; i < n; i++)
		if (strcmp(argv[0], cmds[i].name) == 0)
			return cmds[i].run(c, argc, argv);
	fprintf(stderr, "nazarctl: %s: unknown command \"%s\"; one of:", noun, argv[0]);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, " %s", cmds[i].name);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

static int
cmd_comment(struct ctl *c, int argc, char **argv)
{
	return dispatch(c, comment_commands, sizeof(comment_commands) / sizeof(comment_commands[0]),
	    "comment", argc - 1, argv + 1);
}

/* --- user --- */

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

/* A new password, checked against the policy and hashed into hash.
 * Nothing of the password outlives this function. 0, or 1 with a
 * message naming the command. */
static int
new_password_hash(const char *cmd, char hash[AUTH_HASH_TEXT])
{
	struct {
		char pw[AUTH_PASSWORD_MAX_BYTES + 1];
		char again[AUTH_PASSWORD_MAX_BYTES + 1];
	} b;
	bool too_long = false, too_long2 = false;
	int status = 1;
	ssize_t n, n2;
	bool tty = isatty(STDIN_FILENO);

	if ((n = read_password("New password: ", b.pw, AUTH_PASSWORD_MAX_BYTES, &too_long)) < 0) {
		fprintf(stderr, "nazarctl: %s: no password given\n", cmd);
		goto out;
	}
	/* Checked before the second prompt: no need to type a bad one twice. */
	enum auth_password_check pc = too_long ? AUTH_PW_TOO_LONG :
	    auth_password_check(b.pw, (size_t)n);
	if (pc != AUTH_PW_OK) {
		fprintf(stderr, "nazarctl: %s: %s\n", cmd, auth_password_message(pc));
		goto out;
	}
	if (tty) {
		n2 = read_password("Again: ", b.again, AUTH_PASSWORD_MAX_BYTES, &too_long2);
		if (n2 != n || too_long2 || sodium_memcmp(b.pw, b.again, (size_t)n) != 0) {
			fprintf(stderr, "nazarctl: %s: the two passwords differ; nothing changed\n",
			    cmd);
			goto out;
		}
	}
	if (auth_init(1, 0) != 0) {
		fprintf(stderr, "nazarctl: %s: cannot start libsodium\n", cmd);
		goto out;
	}
	if (auth_hash_password(b.pw, (size_t)n, hash) != AUTH_HASH_OK) {
		fprintf(stderr, "nazarctl: %s: cannot hash the password (out of memory?)\n", cmd);
		goto out;
	}
	status = 0;
out:
	sodium_memzero(&b, sizeof(b));
	return status;
}

/* Who acts from the command line, for the audit trail. */
static const struct actor cli_actor = { .user_id = 0, .name = "nazarctl", .remote_addr = "" };

/* The user named on the command line; 1 with a message when absent. */
static int
find_user(struct ctl *c, const char *cmd, const char *name, struct user *u)
{
	enum store_result r = store_user_by_name(c->st, c->a, name, u, NULL);
	if (r == STORE_OK)
		return 0;
	if (r == STORE_NOT_FOUND) {
		fputs("nazarctl: no user \"", stderr);
		for (const char *p = name; *p != '\0'; p++)
			fputc((unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p, stderr);
		fputs("\"\n", stderr);
	} else
		fprintf(stderr, "nazarctl: %s: %s\n", cmd, store_problem(r));
	return 1;
}

static int
user_add(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "display-name", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	enum auth_role role = ROLE_MODERATOR;
	const char *display = NULL;
	int o;
	optind = 0;
	/* Options may come before or after the name. */
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'r':
			if (auth_role_parse(optarg, &role) != 0)
				return usage_error("unknown role \"%s\" (admin or moderator)", optarg);
			break;
		case 'd':
			if (display != NULL)
				return usage_error("user add: --display-name given twice");
			display = optarg;
			break;
		default:
			return bad_option(argv);
		}
	}
	if (argc - optind != 1)
		return usage_error("user add takes one user name");
	const char *name = argv[optind];
	if (!auth_username_valid(name, strlen(name)))
		return usage_error("user add: a user name is 1 to 64 letters, digits, '.', '_' "
		    "or '-' (ASCII), starting with a letter or digit");
	if (display != NULL) {
		display = text_clean(c->a, display, strlen(display), true);
		if (display == NULL || display[0] == '\0' ||
		    utf8_length(display, strlen(display)) > DISPLAY_NAME_MAX_CHARS)
			return usage_error("user add: --display-name must be UTF-8 text of 1 to %d "
			    "characters", DISPLAY_NAME_MAX_CHARS);
	} else
		display = name;
	if (open_current_store(c) != 0)
		return 1;
	/* Asked first, so nobody types a password for a name that is taken. */
	struct user u;
	enum store_result r = store_user_by_name(c->st, c->a, name, &u, NULL);
	if (r == STORE_OK) {
		fprintf(stderr, "nazarctl: user add: there is already a user %s\n", u.name);
		return 1;
	}
	if (r != STORE_NOT_FOUND) {
		fprintf(stderr, "nazarctl: user add: %s\n", store_problem(r));
		return 1;
	}
	char hash[AUTH_HASH_TEXT];
	if (new_password_hash("user add", hash) != 0)
		return 1;
	int64_t id;
	r = store_user_add(c->st, name, display, role, hash, &cli_actor, time(NULL), &id);
	sodium_memzero(hash, sizeof(hash));
	if (r == STORE_CONFLICT) {
		fprintf(stderr, "nazarctl: user add: there is already a user %s\n", name);
		return 1;
	}
	if (r != STORE_OK) {
		fprintf(stderr, "nazarctl: user add: %s\n", store_problem(r));
		return 1;
	}
	printf("added %s (%s)\n", name, auth_role_name(role));
	return 0;
}

static int
user_passwd(struct ctl *c, int argc, char **argv)
{
	if (argc != 2)
		return usage_error("user passwd takes one user name");
	if (open_current_store(c) != 0)
		return 1;
	struct user u;
	if (find_user(c, "user passwd", argv[1], &u) != 0)
		return 1;
	char hash[AUTH_HASH_TEXT];
	if (new_password_hash("user passwd", hash) != 0)
		return 1;
	enum store_result r = store_user_set_password(c->st, u.id, hash, NULL, &cli_actor,
	    time(NULL));
	sodium_memzero(hash, sizeof(hash));
	if (r != STORE_OK) {
		fprintf(stderr, "nazarctl: user passwd: %s\n", store_problem(r));
		return 1;
	}
	printf("new password for %s; their sessions have ended\n", u.name);
	return 0;
}

static int
user_set_disabled(struct ctl *c, int argc, char **argv, bool disable)
{
	if (argc != 2)
		return usage_error("user %s takes one user name", argv[0]);
	if (open_current_store(c) != 0)
		return 1;
	struct user u;
	if (find_user(c, argv[0], argv[1], &u) != 0)
		return 1;
	const char *state = disable ? "disabled" : "enabled";
	if (u.disabled == disable) {
		printf("%s is already %s\n", u.name, state);
		return 0;
	}
	enum store_result r = store_user_set_disabled(c->st, u.id, disable, &cli_actor,
	    time(NULL));
	if (r == STORE_CONFLICT) {
		fprintf(stderr, "nazarctl: user disable: %s is the last enabled admin; make "
		    "another user admin first\n", u.name);
		return 1;
	}
	if (r != STORE_OK) {
		fprintf(stderr, "nazarctl: user %s: %s\n", argv[0], store_problem(r));
		return 1;
	}
	printf("%s %s%s\n", u.name, state, disable ? "; their sessions have ended" : "");
	return 0;
}

static int
user_disable(struct ctl *c, int argc, char **argv)
{
	return user_set_disabled(c, argc, argv, true);
}

static int
user_enable(struct ctl *c, int argc, char **argv)
{
	return user_set_disabled(c, argc, argv, false);
}

static int
user_role(struct ctl *c, int argc, char **argv)
{
	enum auth_role role;
	if (argc != 3)
		return usage_error("user role takes a user name and a role (admin or moderator)");
	if (auth_role_parse(argv[2], &role) != 0)
		return usage_error("unknown role \"%s\" (admin or moderator)", argv[2]);
	if (open_current_store(c) != 0)
		return 1;
	struct user u;
	if (find_user(c, "user role", argv[1], &u) != 0)
		return 1;
	if (u.role == role) {
		printf("%s is already %s\n", u.name, auth_role_name(role));
		return 0;
	}
	enum store_result r = store_user_set_role(c->st, u.id, role, &cli_actor, time(NULL));
	if (r == STORE_CONFLICT) {
		fprintf(stderr, "nazarctl: user role: %s is the last enabled admin; make another "
		    "user admin first\n", u.name);
		return 1;
	}
	if (r != STORE_OK) {
		fprintf(stderr, "nazarctl: user role: %s\n", store_problem(r));
		return 1;
	}
	printf("%s is now %s\n", u.name, auth_role_name(role));
	return 0;
}

static int
user_list(struct ctl *c, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return usage_error("user list takes no arguments");
	if (open_current_store(c) != 0)
		return 1;
	struct user *users;
	size_t n;
	enum store_result r = store_user_list(c->st, c->a, &users, &n);
	if (r != STORE_OK) {
		fprintf(stderr, "nazarctl: user list: %s\n", store_problem(r));
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		put_clean(users[i].name, 0, false, "");
		putchar('\t');
		put_clean(users[i].display_name, 0, false, "");
		printf("\t%s\t%s\t", auth_role_name(users[i].role),
		    users[i].disabled ? "disabled" : "enabled");
		put_time(users[i].created);
		putchar('\n');
	}
	return 0;
}

static const struct command user_commands[] = {
	{ "add", user_add },
	{ "passwd", user_passwd },
	{ "disable", user_disable },
	{ "enable", user_enable },
	{ "role", user_role },
	{ "list", user_list },
};

/* --- audit --- */

/* A field of the audit listing: "-" when empty. */
static void
put_field(const char *s)
{
	if (s == NULL || s[0] == '\0')
		putchar('-');
	else
		put_clean(s, 0, false, "");
}

static int
cmd_audit(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "limit", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *user = NULL;
	int limit = LIST_DEFAULT_LIMIT, o;
	optind = 0;
	while ((o = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (o) {
		case 'u':
			user = optarg;
			break;
		case 'n':
			if (parse_limit(optarg, &limit) != 0)
				return usage_error("--limit: \"%s\" is not a number from 1 to 1000000",
				    optarg);
			break;
		default:
			return bad_option(argv);
		}
	}
	if (optind != argc)
		return usage_error("audit: unexpected argument \"%s\"", argv[optind]);
	if (open_current_store(c) != 0)
		return 1;
	int64_t user_id = 0;
	if (user != NULL) {
		struct user u;
		if (find_user(c, "audit", user, &u) != 0)
			return 1;
		user_id = u.id;
	}
	int shown = 0;
	for (int page = 1; shown < limit; page++) {
		int want = limit - shown < AUDIT_PAGE ? limit - shown : AUDIT_PAGE;
		struct audit_entry *rows;
		size_t n;
		long long total;
		/* Pages of AUDIT_PAGE, the last one cut to the limit. */
		enum store_result r = store_audit_list(c->st, c->a, user_id, page, AUDIT_PAGE, &rows,
		    &n, &total);
		if (r != STORE_OK) {
			fprintf(stderr, "nazarctl: audit: %s\n", store_problem(r));
			return 1;
		}
		for (size_t i = 0; i < n && (int)i < want; i++) {
			const struct audit_entry *e = &rows[i];
			put_time(e->at);
			putchar('\t');
			put_field(e->actor);
			putchar('\t');
			put_field(e->remote_addr);
			putchar('\t');
			put_field(e->action);
			if (e->comment_id > 0)
				printf("\t%lld\t", (long long)e->comment_id);
			else
				fputs("\t-\t", stdout);
			put_field(e->target);
			putchar('\t');
			if ((e->before == NULL || e->before[0] == '\0') &&
			    (e->after == NULL || e->after[0] == '\0'))
				putchar('-');
			else {
				put_field(e->before);
				fputs(" → ", stdout);
				put_field(e->after);
			}
			putchar('\t');
			put_field(e->reason);
			putchar('\n');
			shown++;
		}
		if (n < AUDIT_PAGE)
			break;
	}
	return 0;
}

/* --- block --- */

static int
parse_kind(const char *s, enum blocklist_kind *k)
{
	if (blocklist_kind_parse(s, k) == 0)
		return 0;
	return usage_error("unknown kind \"%s\" (word, email or address)", s);
}

/* An entry as "KIND PATTERN", for messages and the audit. */
static const char *
block_target(struct ctl *c, enum blocklist_kind kind, const char *pattern)
{
	return arena_printf(c->a, "%s %s", blocklist_kind_name(kind), pattern);
}

static int
block_add(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "action", required_argument, NULL, 'a' },
		{ "note", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct text_rules note_rules = { .single_line = true };
	enum blocklist_action action = BLOCK_HOLD;
	const char *note = NULL;
	int o;
	optind = 0;
	/* Options may come before or after the kind and pattern; "--" ends
	 * them, for a pattern that starts with '-'. */
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'a':
			if (blocklist_action_parse(optarg, &action) != 0)
				return usage_error("unknown action \"%s\" (hold or spam)", optarg);
			break;
		case 'n':
			if (note != NULL)
				return usage_error("block add: --note given twice");
			note = optarg;
			break;
		default:
			return bad_option(argv);
		}
	}
	if (argc - optind != 2)
		return usage_error("block add takes a kind (word, email or address) and a pattern");
	enum blocklist_kind kind;
	if (parse_kind(argv[optind], &kind) != 0)
		return EXIT_USAGE;
	const char *clean, *folded;
	enum blocklist_pattern_status ps = blocklist_normalize(c->a, kind, argv[optind + 1],
	    &clean, &folded);
	if (ps != BLOCK_PATTERN_OK)
		return usage_error("block add: %s", blocklist_pattern_message(ps));
	if (note != NULL) {
		enum text_status ts;
		size_t len = strlen(note);
		note = len > BLOCKLIST_NOTE_MAX ? NULL :
		    text_clean_rules(c->a, note, len, &note_rules, &ts);
		if (note == NULL)
			return usage_error("block add: --note must be UTF-8 text of at most %d bytes",
			    BLOCKLIST_NOTE_MAX);
	}
	if (open_current_store(c) != 0)
		return 1;
	const struct blocklist_entry e = {
		.kind = kind, .action = action, .pattern = (char *)clean, .folded = (char *)folded,
		.note = (char *)note, .created = (int64_t)time(NULL), .created_by = (char *)"nazarctl",
	};
	int64_t id;
	enum store_result r = store_blocklist_add(c->st, &e, &cli_actor, &id);
	if (r == STORE_CONFLICT) {
		struct blocklist_entry old;
		fputs("nazarctl: block add: already on the list", stderr);
		if (store_blocklist_find(c->st, c->a, kind, folded, &old) == STORE_OK) {
			fprintf(stderr, " as %lld: ", (long long)old.id);
			for (const char *p = old.pattern; *p != '\0'; p++)
				fputc((unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p, stderr);
		}
		fputc('\n', stderr);
		return 1;
	}
	if (r != STORE_OK) {
		fprintf(stderr, "nazarctl: block add: %s\n", store_problem(r));
		return 1;
	}
	printf("added %lld: ", (long long)id);
	put_clean(block_target(c, kind, clean), 0, false, "");
	printf(" (%s", blocklist_action_name(action));
	if (strcmp(clean, folded) != 0) {
		fputs("; matches as ", stdout);
		put_clean(folded, 0, false, "");
	}
	puts(")");
	return 0;
}

static int
block_remove(struct ctl *c, int argc, char **argv)
{
	int64_t id = 0;
	enum blocklist_kind kind = BLOCK_WORD;
	const char *folded = NULL;
	if (argc == 2) {
		if (parse_id(argv[1], &id) != 0)
			return usage_error("block remove: \"%s\" is not an entry id (or give a kind "
			    "and a pattern)", argv[1]);
	} else if (argc == 3) {
		if (parse_kind(argv[1], &kind) != 0)
			return EXIT_USAGE;
		const char *clean;
		enum blocklist_pattern_status ps = blocklist_normalize(c->a, kind, argv[2], &clean,
		    &folded);
		if (ps != BLOCK_PATTERN_OK)
			return usage_error("block remove: %s", blocklist_pattern_message(ps));
	} else
		return usage_error("block remove takes an entry id, or a kind and a pattern");
	if (open_current_store(c) != 0)
		return 1;
	enum store_result r;
	if (folded != NULL) {
		/* The pattern in any spelling: its canonical form finds it. */
		struct blocklist_entry e;
		r = store_blocklist_find(c->st, c->a, kind, folded, &e);
		if (r == STORE_OK)
			id = e.id;
	} else
		r = STORE_OK;
	struct blocklist_entry gone;
	if (r == STORE_OK)
		r = store_blocklist_remove(c->st, c->a, id, &cli_actor, time(NULL), &gone);
	if (r == STORE_NOT_FOUND) {
		fputs("nazarctl: block remove: no such entry\n", stderr);
		return 1;
	}
	if (r != STORE_OK) {
		fprintf(stderr, "nazarctl: block remove: %s\n", store_problem(r));
		return 1;
	}
	printf("removed %lld: ", (long long)gone.id);
	put_clean(block_target(c, gone.kind, gone.pattern), 0, false, "");
	putchar('\n');
	return 0;
}

static int
block_list(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	int kind = -1, o;
	optind = 0;
	while ((o = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (o) {
		case 'k': {
			enum blocklist_kind k;
			if (parse_kind(optarg, &k) != 0)
				return EXIT_USAGE;
			kind = (int)k;
			break;
		}
		default:
			return bad_option(argv);
		}
	}
	if (optind != argc)
		return usage_error("block list: unexpected argument \"%s\"", argv[optind]);
	if (open_current_store(c) != 0)
		return 1;
	/* Newest first, like the admin page; one line an entry, tab-separated:
	 * id, kind, action, pattern, canonical form, added, by, note. */
	for (int page = 1; page <= STORE_BLOCKLIST_MAX_PAGE; page++) {
		struct blocklist_entry *e;
		size_t n;
		long long total;
		enum store_result r = store_blocklist_list(c->st, c->a, kind, NULL, page, BLOCK_PAGE,
		    &e, &n, &total);
		if (r != STORE_OK) {
			fprintf(stderr, "nazarctl: block list: %s\n", store_problem(r));
			return 1;
		}
		for (size_t i = 0; i < n; i++) {
			printf("%lld\t%s\t%s\t", (long long)e[i].id, blocklist_kind_name(e[i].kind),
			    blocklist_action_name(e[i].action));
			put_field(e[i].pattern);
			putchar('\t');
			put_field(e[i].folded);
			putchar('\t');
			put_time(e[i].created);
			putchar('\t');
			put_field(e[i].created_by);
			putchar('\t');
			put_field(e[i].note);
			putchar('\n');
		}
		if (n < BLOCK_PAGE)
			break;
	}
	return 0;
}

static const struct command block_commands[] = {
	{ "add", block_add },
	{ "remove", block_remove },
	{ "list", block_list },
};

static int
cmd_block(struct ctl *c, int argc, char **argv)
{
	return dispatch(c, block_commands, sizeof(block_commands) / sizeof(block_commands[0]),
	    "block", argc - 1, argv + 1);
}

static int
cmd_user(struct ctl *c, int argc, char **argv)
{
	return dispatch(c, user_commands, sizeof(user_commands) / sizeof(user_commands[0]),
	    "user", argc - 1, argv + 1);
}

static const struct command commands[] = {
	{ "init", cmd_init },
	{ "comment", cmd_comment },
	{ "user", cmd_user },
	{ "audit", cmd_audit },
	{ "block", cmd_block },
};

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl c = { 0 };
	int o;
	/* "+": options after the command belong to the command. */
	while ((o = getopt_long(argc, argv, "+c:h", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			c.config_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const struct command *cmd = NULL;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[optind], commands[i].name) == 0)
			cmd = &commands[i];
	if (cmd == NULL) {
		fprintf(stderr, "nazarctl: unknown command \"%s\"\n", argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (c.config_path == NULL)
		c.config_path = config_default_path();
	opterr = 0;
	c.a = arena_new();
	int status = cmd->run(&c, argc - optind, argv + optind);
	store_close(c.st);
	arena_free(c.a);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "nazarctl: writing the output: %s\n", strerror(errno));
		return 1;
	}
	return status;
}
