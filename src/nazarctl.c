/* nazarctl.c — the operator's command line: creating and migrating the
 * database, listing, showing, moderating and adding comments. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "config.h"
#include "http.h"
#include "log.h"
#include "store.h"
#include "validate.h"

#define EXIT_USAGE 2
#define LIST_DEFAULT_LIMIT 100
#define LIST_MAX_LIMIT 1000000
#define LIST_BODY_CHARS 60

/* Everything a command needs; commands are (noun, verb) pairs so that
 * later nouns (user, audit, export, backup) slot into the same tables. */
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
	size_t chars = 0;
	while (*p != '\0') {
		if ((*p & 0xc0) != 0x80) {
			if (max > 0 && chars == max)
				break;
			chars++;
		}
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

static const struct command commands[] = {
	{ "init", cmd_init },
	{ "comment", cmd_comment },
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
	if (c.config_path == NULL) {
		const char *env = getenv("NAZAR_CONFIG");
		c.config_path = env != NULL && env[0] != '\0' ? env : NAZAR_SYSCONFDIR "/nazar.conf";
	}
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
