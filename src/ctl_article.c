/* ctl_article.c — nazarctl article rename: every comment filed under one
 * article id filed under another (a site that changed its URLs), through
 * op_article_rename; article close|open: a thread closed to new comments
 * or opened again, through op_article_close. Audited under the console's
 * actor. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "ctl.h"
#include "op.h"

static int
rename_option(void *arg, int opt, const char *value)
{
	(void)value;
	bool *merge = arg;
	if (opt != 'm' || *merge)
		return ctl_usage_error("--merge given twice");
	*merge = true;
	return 0;
}

static int
article_rename(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "merge", no_argument, NULL, 'm' },
		CTL_OPTION_AS,
		{ NULL, 0, NULL, 0 },
	};
	bool merge = false;
	int rc = ctl_change_options(c, argc, argv, opts, rename_option, &merge);
	if (rc != 0)
		return rc;
	if (argc - optind != 2)
		return ctl_usage_error("usage: article rename OLD NEW [--merge] [--as NAME]");
	const char *from = argv[optind], *to = argv[optind + 1];
	struct actor who;
	struct op_ctx o;
	if (ctl_begin_change(c, &who, &o) != 0)
		return CTL_EXIT_FAIL;
	struct op_result res;
	if (op_article_rename(&o, from, to, merge, &res) != OP_OK) {
		if (res.problem == OP_ARTICLE_TAKEN)
			return ctl_fail("article rename: %s has %lld comment%s already; --merge "
			    "files both under it", to, (long long)res.merged_into,
			    res.merged_into == 1 ? "" : "s");
		fputs("nazarctl: article rename: ", stderr);
		ctl_err_clean(op_problem_text(&res));
		fputc('\n', stderr);
		return CTL_EXIT_FAIL;
	}
	printf("%lld comment%s moved from %s to %s", (long long)res.moved,
	    res.moved == 1 ? "" : "s", from, to);
	if (res.merged_into > 0)
		printf(", merged with its %lld", (long long)res.merged_into);
	putchar('\n');
	return 0;
}

static int
article_close_open(struct ctl *c, int argc, char **argv, bool closed)
{
	const char *verb = closed ? "close" : "open";
	int rc = ctl_options_as(c, argc, argv);
	if (rc != 0)
		return rc;
	if (argc - optind != 1)
		return ctl_usage_error("usage: article %s ID [--as NAME]", verb);
	const char *article = argv[optind];
	struct actor who;
	struct op_ctx o;
	if (ctl_begin_change(c, &who, &o) != 0)
		return CTL_EXIT_FAIL;
	struct op_result res;
	if (op_article_close(&o, article, closed, &res) != OP_OK) {
		fprintf(stderr, "nazarctl: article %s: ", verb);
		ctl_err_clean(op_problem_text(&res));
		fputc('\n', stderr);
		return CTL_EXIT_FAIL;
	}
	printf("%s: %s%s\n", article, closed ? "closed" : "open",
	    res.unchanged ? " already" : "");
	return 0;
}

static int
article_close(struct ctl *c, int argc, char **argv)
{
	return article_close_open(c, argc, argv, true);
}

static int
article_open(struct ctl *c, int argc, char **argv)
{
	return article_close_open(c, argc, argv, false);
}

const struct ctl_command ctl_article_commands[] = {
	{ "rename", article_rename },
	{ "close", article_close },
	{ "open", article_open },
};
const size_t ctl_article_ncommands = sizeof(ctl_article_commands) /
    sizeof(ctl_article_commands[0]);
