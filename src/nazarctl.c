/* nazarctl.c — the operator's command line: creating and migrating the
 * database, then one noun a file (ctl_comment.c, ctl_user.c, ctl_block.c,
 * ctl_audit.c, ctl_backup.c, ctl_import.c) over the shared core in ctl.c. This file holds main, init
 * and the table of nouns. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "config.h"
#include "ctl.h"
#include "store.h"
#include "store_outbox.h"
#include "store_file.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: nazarctl [-c FILE] init\n"
	    "       nazarctl [-c FILE] comment list [--status S] [--article ID] [--limit N]\n"
	    "       nazarctl [-c FILE] comment show ID\n"
	    "       nazarctl [-c FILE] comment approve|reject|spam|delete|restore ID...\n"
	    "                [--version N] [--reason TEXT] [--as NAME]\n"
	    "       nazarctl [-c FILE] comment add --article ID --name NAME [--email E]\n"
	    "                [--parent ID] [--status S] [--body TEXT]   (body from stdin without --body)\n"
	    "       nazarctl [-c FILE] comment reset-votes ID [--as NAME]\n"
	    "       nazarctl [-c FILE] comment forget --email ADDRESS [--delete-comments] [--as NAME]\n"
	    "       nazarctl [-c FILE] comment pin|unpin ID [--version N] [--as NAME]\n"
	    "       nazarctl [-c FILE] comment approve-edit|reject-edit ID [--version N] [--as NAME]\n"
	    "       nazarctl [-c FILE] user add NAME [--role admin|moderator] [--display-name TEXT]\n"
	    "       nazarctl [-c FILE] user passwd NAME\n"
	    "       nazarctl [-c FILE] user disable|enable NAME\n"
	    "       nazarctl [-c FILE] user role NAME admin|moderator\n"
	    "       nazarctl [-c FILE] user notify NAME [--email ADDRESS|\"\"] [--mode now|hourly|daily|none]\n"
	    "       nazarctl [-c FILE] user list\n"
	    "       nazarctl [-c FILE] audit [--user NAME] [--limit N]\n"
	    "       nazarctl [-c FILE] block add word|email|address PATTERN [--action hold|spam]\n"
	    "                [--note TEXT]\n"
	    "       nazarctl [-c FILE] block remove ID | block remove KIND PATTERN\n"
	    "       nazarctl [-c FILE] block list [--kind word|email|address]\n"
	    "       nazarctl [-c FILE] backup FILE | backup --rotate [DIR]\n"
	    "       nazarctl [-c FILE] restore FILE\n"
	    "       nazarctl [-c FILE] check\n"
	    "       nazarctl [-c FILE] import wxr|disqus|isso|remark42|commento|nazar FILE\n"
	    "                [--dry-run] [--map FILE] [--status-of-unknown held] [--screen]\n"
	    "                [--source NAME] [--as NAME]   (nazar: --dry-run and --as only)\n"
	    "       nazarctl [-c FILE] mail send [--flush]   (digests not yet due too with --flush)\n"
	    "       nazarctl [-c FILE] mail status [--state S] [--limit N]\n"
	    "       nazarctl [-c FILE] mail test ADDRESS\n"
	    "       nazarctl [-c FILE] export [--article ID] [--since DATE] FILE|-\n"
	    "       nazarctl [-c FILE] article rename OLD NEW [--merge]\n"
	    "       nazarctl [-c FILE] article close|open ID\n"
	    "  Every change (comment decisions, user, block and article changes) takes\n"
	    "  --as NAME: the audit records it as \"NAME (nazarctl)\"; by default NAME is\n"
	    "  the Unix user.\n"
	    "  --version N: only if the comment is still at version N (else exit 3).\n"
	    "  Passwords are read from the terminal (twice, not shown), or as one line\n"
	    "  from standard input when it is not a terminal.\n"
	    "  -c FILE  configuration file (default: $NAZAR_CONFIG or %s)\n"
	    "  -h       this help\n", CONFIG_DEFAULT_PATH);
}

static int
cmd_init(struct ctl *c, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return ctl_usage_error("init takes no arguments");
	if (ctl_load_config(c) != 0 || ctl_make_parent_dirs(c->cfg.db_path) != 0 ||
	    ctl_open_store(c) != 0)
		return CTL_EXIT_FAIL;
	char err[512];
	if (store_file_verify(c->st, c->cfg.db_path, err, sizeof(err)) != STORE_OK)
		return ctl_fail("%s", err);
	int from = 0;
	enum store_result r = store_migrate(c->st, &from, err, sizeof(err));
	if (r != STORE_OK)
		return ctl_fail("%s: %s", c->cfg.db_path, err);
	/* The webhook endpoints, for the schema's triggers (store_outbox.h). */
	if (store_webhooks_set(c->st, c->cfg.webhook_urls, (size_t)c->cfg.webhook_url_count,
	    c->cfg.webhook_events) != STORE_OK)
		return ctl_fail("%s: the webhook endpoints could not be recorded", c->cfg.db_path);
	if (from == 0)
		printf("created schema version %d\n", STORE_SCHEMA_VERSION);
	else if (from < STORE_SCHEMA_VERSION)
		printf("migrated from %d to %d\n", from, STORE_SCHEMA_VERSION);
	else
		puts("up to date");
	return 0;
}

static int
cmd_comment(struct ctl *c, int argc, char **argv)
{
	return ctl_dispatch(c, ctl_comment_commands, ctl_comment_ncommands, "comment",
	    argc - 1, argv + 1);
}

static int
cmd_user(struct ctl *c, int argc, char **argv)
{
	return ctl_dispatch(c, ctl_user_commands, ctl_user_ncommands, "user", argc - 1,
	    argv + 1);
}

static int
cmd_block(struct ctl *c, int argc, char **argv)
{
	return ctl_dispatch(c, ctl_block_commands, ctl_block_ncommands, "block", argc - 1,
	    argv + 1);
}

static int
cmd_mail(struct ctl *c, int argc, char **argv)
{
	return ctl_dispatch(c, ctl_mail_commands, ctl_mail_ncommands, "mail", argc - 1,
	    argv + 1);
}

static int
cmd_article(struct ctl *c, int argc, char **argv)
{
	return ctl_dispatch(c, ctl_article_commands, ctl_article_ncommands, "article",
	    argc - 1, argv + 1);
}

static const struct ctl_command commands[] = {
	{ "init", cmd_init },
	{ "comment", cmd_comment },
	{ "user", cmd_user },
	{ "audit", ctl_audit },
	{ "block", cmd_block },
	{ "mail", cmd_mail },
	{ "article", cmd_article },
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
			return CTL_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CTL_EXIT_USAGE;
	}
	const struct ctl_command *cmd = NULL;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[optind], commands[i].name) == 0)
			cmd = &commands[i];
	for (size_t i = 0; i < ctl_import_ncommands; i++)
		if (strcmp(argv[optind], ctl_import_commands[i].name) == 0)
			cmd = &ctl_import_commands[i];
	for (size_t i = 0; i < ctl_backup_ncommands; i++)
		if (strcmp(argv[optind], ctl_backup_commands[i].name) == 0)
			cmd = &ctl_backup_commands[i];
	for (size_t i = 0; i < ctl_export_ncommands; i++)
		if (strcmp(argv[optind], ctl_export_commands[i].name) == 0)
			cmd = &ctl_export_commands[i];
	if (cmd == NULL) {
		fprintf(stderr, "nazarctl: unknown command \"%s\"\n", argv[optind]);
		usage(stderr);
		return CTL_EXIT_USAGE;
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
		return CTL_EXIT_FAIL;
	}
	return status;
}
