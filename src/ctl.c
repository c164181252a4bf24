/* ctl.c — nazarctl's shared core: see ctl.h. */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "auth.h"
#include "ctl.h"
#include "store_file.h"
#include "log.h"
#include "num.h"
#include "utf8.h"

/* Shown in the audit after the name of whoever acted from the console. */
#define CTL_ACTOR_SUFFIX " (nazarctl)"

int
ctl_dispatch(struct ctl *c, const struct ctl_command *cmds, size_t n, const char *noun,
    int argc, char **argv)
{
	if (argc < 1)
		return ctl_usage_error("%s: which command? (see nazarctl -h)", noun);
	for (size_t i = 0; i < n; i++)
		if (strcmp(argv[0], cmds[i].name) == 0)
			return cmds[i].run(c, argc, argv);
	fprintf(stderr, "nazarctl: %s: unknown command \"%s\"; one of:", noun, argv[0]);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, " %s", cmds[i].name);
	fputc('\n', stderr);
	return CTL_EXIT_USAGE;
}

/* "nazarctl: MESSAGE" and the end of the line on stderr. */
static void say(const char *fmt, va_list ap, const char *end)
    __attribute__((format(printf, 1, 0)));

static void
say(const char *fmt, va_list ap, const char *end)
{
	fputs("nazarctl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs(end, stderr);
}

int
ctl_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say(fmt, ap, "\n(nazarctl -h lists the commands)\n");
	va_end(ap);
	return CTL_EXIT_USAGE;
}

/* getopt's own messages would name the verb as the program; ours name
 * the option as typed. */
int
ctl_bad_option(char **argv)
{
	return ctl_usage_error("%s: unknown option or missing value: %s", argv[0],
	    argv[optind - 1]);
}

int
ctl_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say(fmt, ap, "\n");
	va_end(ap);
	return CTL_EXIT_FAIL;
}

int
ctl_no_user(const char *name)
{
	fputs("nazarctl: no user \"", stderr);
	ctl_err_clean(name);
	fputs("\"\n", stderr);
	return CTL_EXIT_FAIL;
}

int
ctl_parse_id(const char *s, int64_t *out)
{
	return num_parse(s, 1, INT64_MAX, out) ? 0 : -1;
}

int
ctl_opt_limit(const char *s, int *out)
{
	int64_t v;
	if (!num_parse(s, 1, CTL_LIST_MAX_LIMIT, &v))
		return ctl_usage_error("--limit: \"%s\" is not a number from 1 to %d", s,
		    CTL_LIST_MAX_LIMIT);
	*out = (int)v;
	return 0;
}

int
ctl_opt_once(const char **slot, const char *value, const char *name)
{
	if (*slot != NULL)
		return ctl_usage_error("--%s given twice", name);
	*slot = value;
	return 0;
}

int
ctl_set_as(struct ctl *c, const char *name)
{
	if (c->as != NULL)
		return ctl_usage_error("--as given twice");
	if (!auth_username_valid(name, strlen(name)))
		return ctl_usage_error("--as: a name is 1 to 64 letters, digits, '.', '_' or '-' "
		    "(ASCII), starting with a letter or digit");
	c->as = name;
	return 0;
}

int
ctl_change_options(struct ctl *c, int argc, char **argv, const struct option *opts,
    int (*set)(void *arg, int opt, const char *value), void *arg)
{
	int o, rc;
	optind = 0;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == CTL_OPT_AS)
			rc = ctl_set_as(c, optarg);
		else if (o == '?' || o == ':' || set == NULL)
			rc = ctl_bad_option(argv);
		else
			rc = set(arg, o, optarg);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
ctl_options_as(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = { CTL_OPTION_AS, { NULL, 0, NULL, 0 } };
	return ctl_change_options(c, argc, argv, opts, NULL, NULL);
}

/* The name the audit shows for whoever acts from the console. */
static const char *
actor_name(struct ctl *c)
{
	const char *name = c->as;
	if (name == NULL) {
		uid_t uid = geteuid();
		struct passwd *pw = getpwuid(uid);
		/* A name the audit can show as it is; else the number. */
		if (pw != NULL && pw->pw_name != NULL &&
		    auth_username_valid(pw->pw_name, strlen(pw->pw_name)))
			name = arena_strdup(c->a, pw->pw_name);
		else
			name = arena_printf(c->a, "uid%lld", (long long)uid);
	}
	return arena_printf(c->a, "%s" CTL_ACTOR_SUFFIX, name);
}

int
ctl_begin_change(struct ctl *c, struct actor *who, struct op_ctx *o)
{
	if (ctl_open_current_store(c) != 0)
		return -1;
	op_ctx_set(o, who, c->st, c->a, &c->cfg, 0, actor_name(c), "", time(NULL));
	return 0;
}

const char *
ctl_store_problem(enum store_result r)
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

void
ctl_put_clean(const char *s, size_t max, bool keep_newlines, const char *newline_prefix)
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
		else if (*p == 0xc2 && p + 1 < end && p[1] >= 0x80 && p[1] <= 0x9f) {
			putchar(' ');
			p++;
		} else
			putchar(*p);
		p++;
	}
}

void
ctl_put_field(const char *s)
{
	if (s == NULL || s[0] == '\0')
		putchar('-');
	else
		ctl_put_clean(s, 0, false, "");
}

static void
format_time(int64_t t, char *s, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (gmtime_r(&tt, &tm) == NULL || strftime(s, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(s, len, "%lld", (long long)t);
}

void
ctl_put_time(int64_t t)
{
	char s[32];
	format_time(t, s, sizeof(s));
	fputs(s, stdout);
}

const char *
ctl_time_text(struct ctl *c, int64_t t)
{
	char s[32];
	format_time(t, s, sizeof(s));
	return arena_strdup(c->a, s);
}

void
ctl_err_clean(const char *s)
{
	for (const char *p = s; *p != '\0'; p++)
		fputc((unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p, stderr);
}

void
ctl_progress_start(struct ctl_progress *p, const char *what, const char *unit)
{
	memset(p, 0, sizeof(*p));
	p->what = what;
	p->unit = unit;
	p->on = isatty(STDERR_FILENO) != 0;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

int64_t
ctl_import_put_added(bool dry_run, const int64_t *added)
{
	int64_t total = 0;
	for (int s = 0; s < COMMENT_STATUS__MAX; s++)
		total += added[s];
	printf("%s: %lld", dry_run ? "would add" : "added", (long long)total);
	const char *sep = " (";
	for (int s = 0; s < COMMENT_STATUS__MAX; s++) {
		if (added[s] == 0)
			continue;
		printf("%s%s %lld", sep, comment_status_name((enum comment_status)s),
		    (long long)added[s]);
		sep = ", ";
	}
	puts(sep[0] == ',' ? ")" : "");
	return total;
}

void
ctl_progress_show(struct ctl_progress *p, int64_t count, int64_t done, int64_t total)
{
	if (!p->on)
		return;
	double t = seconds_since(&p->start);
	bool end = total > 0 && done >= total;
	if (!end && p->shown && t - p->last_shown < 0.2)
		return;
	if (end && p->shown && p->last_shown < 0)
		return;	/* the end was shown */
	p->last_shown = t;
	p->shown = true;
	double rate = t > 0 ? (double)count / t : 0;
	if (count == done && total > 0)
		fprintf(stderr, "\r%s: %lld/%lld %s, %.0f %s/s", p->what, (long long)count,
		    (long long)total, p->unit, rate, p->unit);
	else
		fprintf(stderr, "\r%s: %lld %s, %.0f %s/s", p->what, (long long)count, p->unit,
		    rate, p->unit);
	if (count != done && total > 0)
		fprintf(stderr, ", %.0f%%", 100.0 * (double)done / (double)total);
	double drate = t > 0 ? (double)done / t : 0;
	if (!end && total > 0 && drate > 0)
		fprintf(stderr, ", %.0f s left   ", (double)(total - done) / drate);
	else
		fputs("          ", stderr);
	if (end) {
		fputc('\n', stderr);
		p->last_shown = -1;
	}
}

void
ctl_progress_end(struct ctl_progress *p)
{
	if (p->on && p->shown && p->last_shown >= 0) {
		fputc('\n', stderr);
		p->last_shown = -1;
	}
}

int
ctl_load_config(struct ctl *c)
{
	char err[1024];
	if (c->cfg_loaded)
		return 0;
	config_defaults(&c->cfg);
	if (config_load(c->config_path, &c->cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "nazarctl: %s\n", err);
		return -1;
	}
	/* The log: syslog or the journal (a timer's run) as configured; on a
	 * terminal or in a script only warnings and errors, since the command
	 * prints what it did itself. */
	enum log_level level = (enum log_level)c->cfg.log_level;
	if (c->cfg.log_target == LOG_TARGET_SYSLOG)
		log_open(LOG_TARGET_SYSLOG, "nazarctl");
	else {
		log_open(LOG_TARGET_STDERR, "nazarctl");
		if (!log_stderr_is_journal() && level > LOG_LEVEL_WARN)
			level = LOG_LEVEL_WARN;
	}
	log_set_level(level);
	c->cfg_loaded = true;
	return 0;
}

/* mkdir -p for the database's directory, so init works on a fresh host. */
int
ctl_make_parent_dirs(const char *path)
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

int
ctl_open_store(struct ctl *c)
{
	char err[1024];
	if (ctl_load_config(c) != 0)
		return -1;
	if (store_file_check(c->cfg.db_path, err, sizeof(err)) == STORE_ERROR ||
	    store_open(c->cfg.db_path, c->cfg.busy_timeout_ms, &c->st, err, sizeof(err)) !=
	    STORE_OK) {
		fprintf(stderr, "nazarctl: %s\n", err);
		return -1;
	}
	return 0;
}

int
ctl_open_current_store(struct ctl *c)
{
	if (ctl_load_config(c) != 0)
		return -1;
	if (access(c->cfg.db_path, F_OK) != 0) {
		fprintf(stderr, "nazarctl: %s: no database; run nazarctl init\n", c->cfg.db_path);
		return -1;
	}
	if (ctl_open_store(c) != 0)
		return -1;
	char err[512];
	if (store_check_schema(c->st, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "nazarctl: %s: %s\n", c->cfg.db_path, err);
		return -1;
	}
	return 0;
}
