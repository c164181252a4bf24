/* ctl_block.c — nazarctl block: adding, removing and listing blocklist
 * entries. Patterns are normalised and changes audited by the operations
 * (op.h). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "ctl.h"
#include "op.h"
#include "store_blocklist.h"

/* Blocklist entries are listed in pages of this many. */
#define BLOCK_PAGE 500

static int
parse_kind(const char *s, enum blocklist_kind *k)
{
	if (blocklist_kind_parse(s, k) == 0)
		return 0;
	return ctl_usage_error("unknown kind \"%s\" (word, email or address)", s);
}

/* A change's failure: a pattern or note refused is a usage error (2), as
 * the command line was wrong; anything else 1. */
static int
block_failed(const char *cmd, const struct op_result *res)
{
	if (res->problem == OP_BLOCK_PATTERN || res->problem == OP_BLOCK_NOTE)
		return ctl_usage_error("%s: %s", cmd, op_problem_text(res));
	fprintf(stderr, "nazarctl: %s: %s", cmd, op_problem_text(res));
	if (res->problem == OP_BLOCK_EXISTS && res->entry.pattern != NULL) {
		fprintf(stderr, " as %lld: ", (long long)res->entry.id);
		ctl_err_clean(res->entry.pattern);
	}
	fputc('\n', stderr);
	return CTL_EXIT_FAIL;
}

/* What block add's options say. */
struct add_options {
	enum blocklist_action action;
	const char *note;
};

static int
add_option(void *arg, int opt, const char *value)
{
	struct add_options *ao = arg;
	if (opt == 'n')
		return ctl_opt_once(&ao->note, value, "note");
	if (blocklist_action_parse(value, &ao->action) != 0)
		return ctl_usage_error("unknown action \"%s\" (hold or spam)", value);
	return 0;
}

static int
block_add(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "action", required_argument, NULL, 'a' },
		{ "note", required_argument, NULL, 'n' },
		CTL_OPTION_AS,
		{ NULL, 0, NULL, 0 },
	};
	struct add_options ao = { .action = BLOCK_HOLD };
	/* "--" ends the options, for a pattern that starts with '-'. */
	int rc = ctl_change_options(c, argc, argv, opts, add_option, &ao);
	if (rc == 0 && argc - optind != 2)
		rc = ctl_usage_error("block add takes a kind (word, email or address) and a "
		    "pattern");
	if (rc != 0)
		return rc;
	enum blocklist_kind kind;
	if (parse_kind(argv[optind], &kind) != 0)
		return CTL_EXIT_USAGE;
	const char *pattern = argv[optind + 1];
	struct actor who;
	struct op_ctx oc;
	struct op_result res;
	if (ctl_begin_change(c, &who, &oc) != 0)
		return CTL_EXIT_FAIL;
	if (op_block_add(&oc, kind, ao.action, pattern, ao.note, &res) != OP_OK)
		return block_failed("block add", &res);
	const struct blocklist_entry *e = &res.entry;
	printf("added %lld: ", (long long)res.id);
	ctl_put_clean(op_block_target(c->a, kind, e->pattern), 0, false, "");
	printf(" (%s", blocklist_action_name(ao.action));
	if (strcmp(e->pattern, e->folded) != 0) {
		fputs("; matches as ", stdout);
		ctl_put_clean(e->folded, 0, false, "");
	}
	puts(")");
	return 0;
}

static int
block_remove(struct ctl *c, int argc, char **argv)
{
	int rc = ctl_options_as(c, argc, argv);
	if (rc != 0)
		return rc;
	int64_t id = 0;
	enum blocklist_kind kind = BLOCK_WORD;
	int n = argc - optind;
	if (n == 1 && ctl_parse_id(argv[optind], &id) != 0)
		return ctl_usage_error("block remove: \"%s\" is not an entry id (or give a kind "
		    "and a pattern)", argv[optind]);
	if (n == 2 && parse_kind(argv[optind], &kind) != 0)
		return CTL_EXIT_USAGE;
	if (n != 1 && n != 2)
		return ctl_usage_error("block remove takes an entry id, or a kind and a pattern");
	struct actor who;
	struct op_ctx oc;
	struct op_result res;
	if (ctl_begin_change(c, &who, &oc) != 0)
		return CTL_EXIT_FAIL;
	/* The pattern in any spelling: its canonical form finds it. */
	enum op_problem p = n == 1 ? op_block_remove(&oc, id, &res) :
	    op_block_remove_pattern(&oc, kind, argv[optind + 1], &res);
	if (p != OP_OK)
		return block_failed("block remove", &res);
	printf("removed %lld: ", (long long)res.entry.id);
	ctl_put_clean(op_block_target(c->a, res.entry.kind, res.entry.pattern), 0, false, "");
	putchar('\n');
	return 0;
}

static void
put_entry(const struct blocklist_entry *e)
{
	printf("%lld\t%s\t%s\t", (long long)e->id, blocklist_kind_name(e->kind),
	    blocklist_action_name(e->action));
	ctl_put_field(e->pattern);
	putchar('\t');
	ctl_put_field(e->folded);
	putchar('\t');
	ctl_put_time(e->created);
	putchar('\t');
	ctl_put_field(e->created_by);
	putchar('\t');
	ctl_put_field(e->note);
	putchar('\n');
}

static int
block_list(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	int kind = -1, o;
	enum blocklist_kind k;
	optind = 0;
	while ((o = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (o != 'k')
			return ctl_bad_option(argv);
		if (parse_kind(optarg, &k) != 0)
			return CTL_EXIT_USAGE;
		kind = (int)k;
	}
	if (optind != argc)
		return ctl_usage_error("block list: unexpected argument \"%s\"", argv[optind]);
	if (ctl_open_current_store(c) != 0)
		return CTL_EXIT_FAIL;
	/* Newest first, like the admin page; one line an entry, tab-separated:
	 * id, kind, action, pattern, canonical form, added, by, note. */
	for (int page = 1; page <= STORE_BLOCKLIST_MAX_PAGE; page++) {
		struct blocklist_entry *e;
		size_t n;
		long long total;
		enum store_result r = store_blocklist_list(c->st, c->a, kind, NULL, page, BLOCK_PAGE,
		    &e, &n, &total);
		if (r != STORE_OK)
			return ctl_fail("block list: %s", ctl_store_problem(r));
		for (size_t i = 0; i < n; i++)
			put_entry(&e[i]);
		if (n < BLOCK_PAGE)
			break;
	}
	return 0;
}

const struct ctl_command ctl_block_commands[] = {
	{ "add", block_add },
	{ "remove", block_remove },
	{ "list", block_list },
};
const size_t ctl_block_ncommands = sizeof(ctl_block_commands) / sizeof(ctl_block_commands[0]);
