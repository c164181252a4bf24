/* ctl_import.c — nazarctl import FORMAT FILE: another comment system's
 * export read by its reader (import.h's format table), written by the
 * import core in batches, and a report of everything it did. Progress on
 * a terminal (records, rate, time left), quiet otherwise. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "blocklist.h"
#include "ctl.h"
#include "import.h"
#include "store_blocklist.h"

struct import_args {
	bool dry_run;
	bool screen;
	const char *map;
	const char *unknown;
	const char *source;
	int unknown_status;
};

enum { OPT_DRY_RUN = 1, OPT_MAP, OPT_UNKNOWN, OPT_SCREEN, OPT_SOURCE };

/* --source: 1 to 64 of a-z 0-9 . _ : - */
static bool
source_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || strchr("._:-", *s)))
			return false;
	return true;
}

static int
set_option(void *arg, int opt, const char *value)
{
	struct import_args *ia = arg;
	switch (opt) {
	case OPT_DRY_RUN:
		ia->dry_run = true;
		return 0;
	case OPT_SCREEN:
		ia->screen = true;
		return 0;
	case OPT_MAP:
		return ctl_opt_once(&ia->map, value, "map");
	case OPT_SOURCE:
		if (ctl_opt_once(&ia->source, value, "source") != 0)
			return CTL_EXIT_USAGE;
		if (!source_valid(value))
			return ctl_usage_error("--source: 1 to 64 of a-z, 0-9, '.', '_', ':' and '-'");
		return 0;
	case OPT_UNKNOWN:
		if (ctl_opt_once(&ia->unknown, value, "status-of-unknown") != 0)
			return CTL_EXIT_USAGE;
		enum comment_status s;
		if (strcmp(value, "held") == 0)
			s = COMMENT_PENDING;
		else if (comment_status_parse(value, &s) != 0)
			return ctl_usage_error("--status-of-unknown: \"%s\" is not held, pending, "
			    "approved, rejected, spam or deleted", value);
		ia->unknown_status = (int)s;
		return 0;
	default:
		return CTL_EXIT_USAGE;
	}
}

static int
usage_formats(const char *name)
{
	fprintf(stderr, "nazarctl: import: unknown format \"");
	ctl_err_clean(name);
	fprintf(stderr, "\"; one of:\n");
	for (size_t i = 0; i < import_nformats; i++)
		fprintf(stderr, "  %-9s %s\n", import_formats[i].name, import_formats[i].what);
	fprintf(stderr, "  %-9s %s\n", "nazar", "nazar's own export (nazarctl export)");
	return CTL_EXIT_USAGE;
}

/* The progress line: records read, and the share of the file. */
static void
progress(void *arg, int64_t records, uint64_t done, uint64_t total)
{
	ctl_progress_show(arg, records, (int64_t)done, (int64_t)total);
}

static void
put_report(const struct import_options *o, const struct import_report *r)
{
	printf("%s %s: %lld records read%s\n", o->system ? o->system : o->format->name, o->file,
	    (long long)r->records, r->dry_run ? " (dry run: nothing written)" : "");
	ctl_import_put_added(r->dry_run, r->added);
	printf("already there: %lld\n", (long long)r->present);
	printf("skipped: %lld", (long long)r->skipped_total);
	const char *sep = " (";
	for (size_t i = 0; i < r->nskipped; i++) {
		printf("%s%s %lld", sep, r->skipped[i].reason, (long long)r->skipped[i].n);
		sep = ", ";
	}
	puts(sep[0] == ',' ? ")" : "");
	printf("articles: %lld (%lld without comments before)\n", (long long)r->threads,
	    (long long)r->threads_new);
	printf("replies: %lld; replies without their parent: %lld\n", (long long)r->replies,
	    (long long)r->orphans);
	if (r->hidden_parent > 0)
		printf("replies under a comment that is not shown (deleted, spam, held): %lld\n",
		    (long long)r->hidden_parent);
	if (r->screened > 0 || o->screen != NULL)
		printf("held by the blocklist: %lld\n", (long long)r->screened);
	if (r->cut > 0)
		printf("texts cut at %d bytes: %lld\n", IMPORT_BODY_MAX, (long long)r->cut);
	if (r->empty > 0)
		printf("texts with nothing left once cleaned: %lld\n", (long long)r->empty);
	if (r->no_date > 0)
		printf("without a date (dated now): %lld\n", (long long)r->no_date);
	for (size_t i = 0; i < r->nunmapped; i++) {
		fputs("thread without an article (give it a --map line): ", stdout);
		ctl_put_clean(r->unmapped[i], 300, false, NULL);
		putchar('\n');
	}
	if (r->added_total == 0 && r->present > 0)
		printf("nothing new: all %lld comments are already there\n", (long long)r->present);
}

/* The blocklist compiled, for --screen; NULL with a message. */
static struct blocklist *
load_screen(struct ctl *c)
{
	struct blocklist_entry *e;
	size_t n;
	int64_t gen;
	enum store_result r = store_blocklist_load(c->st, c->a, &e, &n, &gen);
	if (r != STORE_OK) {
		ctl_fail("import: the blocklist could not be read: %s", ctl_store_problem(r));
		return NULL;
	}
	return blocklist_compile(e, n, NULL);
}

static int
run(struct ctl *c, struct import_options *o)
{
	struct import *imp = import_new(c->st, o);
	struct import_sink sink;
	struct ctl_progress p;
	ctl_progress_start(&p, "import", "records");
	import_sink_init(imp, &sink, progress, &p);
	char err[1024] = "";
	int rc = o->format->read(o->file, &sink, err, sizeof(err));
	ctl_progress_end(&p);
	struct import_report rep;
	enum store_result r = import_finish(imp, &rep);
	put_report(o, &rep);
	import_free(imp);
	int status = 0;
	if (rc < 0)
		status = ctl_fail("import: %s", err[0] ? err : "the file could not be read");
	if (r != STORE_OK)
		status = ctl_fail("import: stopped: %s; the batches written before stand, the "
		    "one that failed left nothing (run it again to go on)", ctl_store_problem(r));
	return status;
}

static int
cmd_import(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "map", required_argument, NULL, OPT_MAP },
		{ "status-of-unknown", required_argument, NULL, OPT_UNKNOWN },
		{ "screen", no_argument, NULL, OPT_SCREEN },
		{ "source", required_argument, NULL, OPT_SOURCE },
		CTL_OPTION_AS,
		{ NULL, 0, NULL, 0 },
	};
	struct import_args ia = { .unknown_status = -1 };
	int rc = ctl_change_options(c, argc, argv, opts, set_option, &ia);
	if (rc != 0)
		return rc;
	if (argc - optind != 2)
		return ctl_usage_error("usage: import FORMAT FILE [--dry-run] [--map FILE] "
		    "[--status-of-unknown held] [--screen] [--source NAME] [--as NAME]");
	if (strcmp(argv[optind], "nazar") == 0) {
		if (ia.map != NULL || ia.screen || ia.unknown != NULL || ia.source != NULL)
			return ctl_usage_error("import nazar: --map, --screen, --status-of-unknown "
			    "and --source are for other formats (nazar's export names its articles "
			    "and statuses)");
		return ctl_import_nazar(c, argv[optind + 1], ia.dry_run);
	}
	const struct import_format *f = import_format_find(argv[optind]);
	if (f == NULL)
		return usage_formats(argv[optind]);
	struct import_options o = {
		.format = f, .system = ia.source, .file = argv[optind + 1], .dry_run = ia.dry_run,
		.unknown_status = ia.unknown_status,
	};
	if (ctl_load_config(c) != 0)
		return CTL_EXIT_FAIL;
	char err[1024];
	if (ia.map != NULL && (o.map = import_map_load(c->a, ia.map, err, sizeof(err))) == NULL)
		return ctl_fail("--map: %s", err);
	struct actor who;
	struct op_ctx oc;
	if (ctl_begin_change(c, &who, &oc) != 0)
		return CTL_EXIT_FAIL;
	o.who = &who;
	o.now = time(NULL);
	o.article_url = c->cfg.article_url;
	struct blocklist *bl = NULL;
	if (ia.screen && (bl = load_screen(c)) == NULL)
		return CTL_EXIT_FAIL;
	o.screen = bl;
	int status = run(c, &o);
	blocklist_free(bl);
	return status;
}

const struct ctl_command ctl_import_commands[] = {
	{ "import", cmd_import },
};
const size_t ctl_import_ncommands = sizeof(ctl_import_commands) /
    sizeof(ctl_import_commands[0]);
