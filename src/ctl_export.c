/* ctl_export.c — nazarctl export: every comment with its history and its
 * audit rows, in nazar's own format (export_json.h), to a file or to
 * standard output. A file is written under a temporary name, readable by
 * its owner only (it holds readers' e-mail and network addresses), and
 * renamed into place once complete; progress on a terminal. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "ctl.h"
#include "export_json.h"
#include "locale.h"
#include "store_export.h"
#include "validate.h"

struct export_out {
	FILE *f;
	struct buf line;
	int64_t n;
	int tty;
	struct timespec start;
	double last_shown;
};

static double
seconds_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
show_progress(struct export_out *x, int last)
{
	double t = seconds_since(&x->start);
	if (!last && t - x->last_shown < 0.2)
		return;
	x->last_shown = t;
	fprintf(stderr, "\rexport: %lld comments, %.0f comments/s   %s", (long long)x->n,
	    t > 0 ? (double)x->n / t : 0.0, last ? "\n" : "");
}

static int
put_comment(void *arg, const struct export_comment *e)
{
	struct export_out *x = arg;
	buf_reset(&x->line);
	export_json_comment(&x->line, e);
	if (fwrite(x->line.data, 1, x->line.len, x->f) != x->line.len)
		return -1;
	x->n++;
	if (x->tty)
		show_progress(x, 0);
	return 0;
}

/* --since: a date or a time (locale_parse_iso8601). */
static int
parse_since(const char *s, int64_t *out)
{
	if (locale_parse_iso8601(s, strlen(s), 0, out) != 0 || *out < 0)
		return ctl_usage_error("--since: \"%s\" is not a date (2026-01-31) or a UTC time "
		    "(2026-01-31T12:00:00Z)", s);
	return 0;
}

/* Opens where the export goes: stdout for "-", else a new file beside
 * path (mode 0600) in *tmp, renamed by finish. */
static FILE *
open_out(const char *path, char *tmp, size_t len)
{
	tmp[0] = '\0';
	if (strcmp(path, "-") == 0)
		return stdout;
	if ((size_t)snprintf(tmp, len, "%s.partial-XXXXXX", path) >= len) {
		ctl_fail("%s: the name is too long", path);
		return NULL;
	}
	int fd = mkstemp(tmp);
	if (fd < 0) {
		ctl_fail("%s: %s", tmp, strerror(errno));
		tmp[0] = '\0';
		return NULL;
	}
	FILE *f = fdopen(fd, "w");
	if (f == NULL) {
		ctl_fail("%s: %s", tmp, strerror(errno));
		close(fd);
	}
	return f;
}

/* Flushes and closes the file (synced to disk), then gives it its name;
 * on failure (ok 0) removes the temporary file. 0 or CTL_EXIT_FAIL. */
static int
finish(FILE *f, const char *path, const char *tmp, int ok)
{
	if (f == stdout)
		return ok && fflush(stdout) == 0 ? 0 : CTL_EXIT_FAIL;
	int err = 0;
	if (!ok || fflush(f) != 0 || fsync(fileno(f)) != 0)
		err = errno != 0 ? errno : EIO;
	if (fclose(f) != 0 && err == 0)
		err = errno;
	if (ok && err == 0 && rename(tmp, path) != 0)
		err = errno;
	if (!ok || err != 0) {
		unlink(tmp);
		return ok ? ctl_fail("%s: %s", path, strerror(err)) : CTL_EXIT_FAIL;
	}
	return 0;
}

static int
cmd_export(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "article", required_argument, NULL, 'a' },
		{ "since", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct export_filter filter = { 0 };
	int o;
	optind = 0;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 'a') {
			if (filter.article != NULL || !validate_article_id(optarg))
				return ctl_usage_error("--article: \"%s\" is not an article id (or it "
				    "is given twice)", optarg);
			filter.article = optarg;
		} else if (o == 's') {
			if (filter.since != 0)
				return ctl_usage_error("--since given twice");
			if (parse_since(optarg, &filter.since) != 0)
				return CTL_EXIT_USAGE;
		} else
			return ctl_bad_option(argv);
	}
	if (argc - optind != 1)
		return ctl_usage_error("usage: export [--article ID] [--since DATE] FILE|-");
	const char *path = argv[optind];
	if (ctl_open_current_store(c) != 0)
		return CTL_EXIT_FAIL;
	char tmp[4200];
	struct export_out x = { .tty = isatty(STDERR_FILENO) };
	clock_gettime(CLOCK_MONOTONIC, &x.start);
	if ((x.f = open_out(path, tmp, sizeof(tmp))) == NULL)
		return CTL_EXIT_FAIL;
	const struct export_header h = {
		.site = c->cfg.site_name, .exported = (int64_t)time(NULL),
		.schema = STORE_SCHEMA_VERSION, .article = filter.article, .since = filter.since,
	};
	export_json_header(&x.line, &h);
	int ok = fwrite(x.line.data, 1, x.line.len, x.f) == x.line.len;
	int stopped = 0;
	int64_t given = 0;
	enum store_result r = STORE_OK;
	if (ok)
		r = store_export(c->st, &filter, put_comment, &x, &given, &stopped);
	ok = ok && r == STORE_OK;
	if (ok) {
		buf_reset(&x.line);
		export_json_end(&x.line, x.n);
		ok = fwrite(x.line.data, 1, x.line.len, x.f) == x.line.len;
	}
	if (x.tty && ok)
		show_progress(&x, 1);
	buf_free(&x.line);
	int werr = errno;
	if (r != STORE_OK && !stopped)
		ctl_fail("export: %s", ctl_store_problem(r));
	else if (!ok)
		ctl_fail("export: writing %s: %s", strcmp(path, "-") == 0 ? "the output" : path,
		    strerror(werr));
	int status = finish(x.f, path, tmp, ok);
	if (status == 0 && x.f != stdout)
		printf("%lld comment%s written to %s\n", (long long)x.n, x.n == 1 ? "" : "s",
		    path);
	return status;
}

const struct ctl_command ctl_export_commands[] = {
	{ "export", cmd_export },
};
const size_t ctl_export_ncommands = sizeof(ctl_export_commands) /
    sizeof(ctl_export_commands[0]);
