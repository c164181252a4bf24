/* ctl_article.c — nazarctl article rename: every comment filed under one
 * article id filed under another (a site that changed its URLs), through
 * op_article_rename, audited under the console's actor. */
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

const struct ctl_command ctl_article_commands[] = {
	{ "rename", article_rename },
};
const size_t ctl_article_ncommands = sizeof(ctl_article_commands) /
    sizeof(ctl_article_commands[0]);
