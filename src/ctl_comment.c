/* ctl_comment.c — nazarctl comment: listing, showing, deciding on and
 * adding comments. Decisions go through op_moderate, audited under the
 * console's actor and, with --version, refused when the comment changed. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "ctl.h"
#include "http.h"
#include "op.h"
#include "store_moderation.h"
#include "validate.h"

#define LIST_BODY_CHARS 60

static int
bad_status(const char *s)
{
	return ctl_usage_error("unknown status \"%s\" (pending, approved, rejected, spam or "
	    "deleted)", s);
}

static void
put_row(const struct comment *cm)
{
	printf("%lld\t%s\t", (long long)cm->id, comment_status_name(cm->status));
	ctl_put_time(cm->created);
	putchar('\t');
	ctl_put_clean(cm->article, 0, false, "");
	if (cm->parent > 0)
		printf("\t%lld\t", (long long)cm->parent);
	else
		fputs("\t-\t", stdout);
	ctl_put_clean(cm->name, 0, false, "");
	putchar('\t');
	ctl_put_clean(cm->body, LIST_BODY_CHARS, false, "");
	putchar('\n');
}

static int
comment_list(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "status", required_argument, NULL, 's' },
		{ "article", required_argument, NULL, 'a' },
		{ "limit", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	int status = -1, limit = CTL_LIST_DEFAULT_LIMIT, o;
	const char *article = NULL;
	enum comment_status s;
	optind = 0;
	while ((o = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (o) {
		case 's':
			if (comment_status_parse(optarg, &s) != 0)
				return bad_status(optarg);
			status = (int)s;
			break;
		case 'a':
			article = optarg;
			break;
		case 'n':
			if (ctl_opt_limit(optarg, &limit) != 0)
				return CTL_EXIT_USAGE;
			break;
		default:
			return ctl_bad_option(argv);
		}
	}
	if (optind != argc)
		return ctl_usage_error("comment list: unexpected argument \"%s\"", argv[optind]);
	if (ctl_open_current_store(c) != 0)
		return CTL_EXIT_FAIL;
	struct comment *rows;
	size_t n;
	enum store_result r = store_list(c->st, c->a, status, article, limit, &rows, &n);
	if (r != STORE_OK)
		return ctl_fail("comment list: %s", ctl_store_problem(r));
	for (size_t i = 0; i < n; i++)
		put_row(&rows[i]);
	return 0;
}

static void
put_line(const char *label, const char *value)
{
	printf("\n%s: ", label);
	ctl_put_clean(value, 0, false, "");
}

static int
comment_show(struct ctl *c, int argc, char **argv)
{
	int64_t id;
	if (argc != 2)
		return ctl_usage_error("comment show takes one comment id");
	if (ctl_parse_id(argv[1], &id) != 0)
		return ctl_usage_error("\"%s\" is not a comment id", argv[1]);
	if (ctl_open_current_store(c) != 0)
		return CTL_EXIT_FAIL;
	struct comment cm;
	enum store_result r = store_get_comment(c->st, c->a, id, &cm);
	if (r == STORE_NOT_FOUND)
		return ctl_fail("no comment %lld", (long long)id);
	if (r != STORE_OK)
		return ctl_fail("comment show: %s", ctl_store_problem(r));
	printf("id: %lld\nstatus: %s\nversion: %lld\ncreated: ", (long long)cm.id,
	    comment_status_name(cm.status), (long long)cm.version);
	ctl_put_time(cm.created);
	put_line("article", cm.article);
	if (cm.parent > 0)
		printf("\nparent: %lld", (long long)cm.parent);
	else
		fputs("\nparent: -", stdout);
	put_line("name", cm.name);
	put_line("email", cm.email);
	put_line("remote_addr", cm.remote_addr);
	put_line("user_agent", cm.user_agent);
	printf("\nvotes: agree %lld, disagree %lld", (long long)cm.agree, (long long)cm.disagree);
	printf("\npinned: %s", cm.pinned > 0 ? "yes" : "no");
	/* The body last: its further lines are indented under the first. */
	fputs("\nbody: ", stdout);
	ctl_put_clean(cm.body, 0, true, "      ");
	putchar('\n');
	return 0;
}

/* What a decision's options say: the version seen, the reason. */
struct decision {
	int64_t version;
	const char *reason;
};

static int
decision_option(void *arg, int opt, const char *value)
{
	struct decision *d = arg;
	if (opt == 'r')
		return ctl_opt_once(&d->reason, value, "reason");
	if (d->version != 0 || ctl_parse_id(value, &d->version) != 0)
		return ctl_usage_error("--version: \"%s\" is not a version (a number from 1), or "
		    "it is given twice", value);
	return 0;
}

/* One comment's outcome: printed; 0, CTL_EXIT_FAIL or CTL_EXIT_CONFLICT. */
static int
decision_outcome(struct ctl *c, const struct moderation *m, const struct moderation_result *mr,
    enum moderation_action action)
{
	if (mr->result == STORE_OK) {
		printf("%lld %s\n", (long long)m->id, comment_status_name(mr->status));
		return 0;
	}
	if (mr->result == STORE_NOT_FOUND)
		return ctl_fail("no comment %lld", (long long)m->id);
	if (m->version == 0)	/* restore of an approved comment */
		return ctl_fail("comment %lld: it is %s; %s brings back only rejected, spam or "
		    "deleted comments", (long long)m->id, comment_status_name(mr->status),
		    moderation_action_name(action));
	fprintf(stderr, "nazarctl: comment %lld: changed since version %lld, by %s at %s (now "
	    "%s); nothing changed\n", (long long)m->id, (long long)m->version,
	    mr->updated_by && *mr->updated_by ? mr->updated_by : "someone",
	    ctl_time_text(c, mr->updated), comment_status_name(mr->status));
	return CTL_EXIT_CONFLICT;
}

/* approve, reject, spam, delete, restore (argv[0], an action's name): all
 * ids in one transaction, each audited. Any missing → exit 1; changed
 * since --version → 3. */
static int
comment_decide(struct ctl *c, int argc, char **argv)
{
	enum moderation_action action;
	if (moderation_action_parse(argv[0], &action) != 0)
		return ctl_usage_error("comment: no action \"%s\"", argv[0]);
	static const struct option opts[] = {
		{ "version", required_argument, NULL, 'v' },
		{ "reason", required_argument, NULL, 'r' },
		CTL_OPTION_AS,
		{ NULL, 0, NULL, 0 },
	};
	struct decision d = { 0 };
	int rc = ctl_change_options(c, argc, argv, opts, decision_option, &d);
	if (rc != 0)
		return rc;
	int n = argc - optind;
	if (n < 1)
		return ctl_usage_error("comment %s needs at least one comment id", argv[0]);
	if (d.version != 0 && n != 1)
		return ctl_usage_error("comment %s: --version goes with one comment id", argv[0]);
	struct moderation *items = arena_calloc(c->a, (size_t)n, sizeof(*items));
	/* All ids are checked before anything is changed. */
	for (int i = 0; i < n; i++) {
		if (ctl_parse_id(argv[optind + i], &items[i].id) != 0)
			return ctl_usage_error("\"%s\" is not a comment id", argv[optind + i]);
		items[i].version = d.version;
	}
	struct actor who;
	struct op_ctx oc;
	if (ctl_begin_change(c, &who, &oc) != 0)
		return CTL_EXIT_FAIL;
	struct moderation_result *results = arena_calloc(c->a, (size_t)n, sizeof(*results));
	struct op_result res;
	if (op_moderate(&oc, items, (size_t)n, action, d.reason, results, &res) != OP_OK)
		return ctl_fail("comment %s: %s", argv[0], op_problem_text(&res));
	int status = 0;
	for (int i = 0; i < n; i++) {
		int s = decision_outcome(c, &items[i], &results[i], action);
		if (s > status)
			status = s;
	}
	return status;
}

/* reset-votes ID: every reader vote on the comment removed, audited.
 * Prints the counts it had. */
static int
comment_reset_votes(struct ctl *c, int argc, char **argv)
{
	int rc = ctl_options_as(c, argc, argv);
	if (rc != 0)
		return rc;
	int64_t id;
	if (argc - optind != 1)
		return ctl_usage_error("comment reset-votes takes one comment id");
	if (ctl_parse_id(argv[optind], &id) != 0)
		return ctl_usage_error("\"%s\" is not a comment id", argv[optind]);
	struct actor who;
	struct op_ctx oc;
	if (ctl_begin_change(c, &who, &oc) != 0)
		return CTL_EXIT_FAIL;
	struct op_result res;
	enum op_problem p = op_comment_reset_votes(&oc, id, &res);
	if (p == OP_NO_COMMENT)
		return ctl_fail("no comment %lld", (long long)id);
	if (p != OP_OK)
		return ctl_fail("comment reset-votes: %s", op_problem_text(&res));
	if (res.unchanged)
		printf("%lld has no votes\n", (long long)id);
	else
		printf("%lld votes reset (were: agree %lld, disagree %lld)\n", (long long)id,
		    (long long)res.votes.agree, (long long)res.votes.disagree);
	return 0;
}

/* pin ID, unpin ID (argv[0]): shown first in its thread, or no longer;
 * audited. Exit 1 when there is no such comment or it cannot be pinned,
 * 3 when it changed since --version. */
static int
comment_pin(struct ctl *c, int argc, char **argv)
{
	bool pin = strcmp(argv[0], "pin") == 0;
	static const struct option opts[] = {
		{ "version", required_argument, NULL, 'v' },
		CTL_OPTION_AS,
		{ NULL, 0, NULL, 0 },
	};
	struct decision d = { 0 };
	int rc = ctl_change_options(c, argc, argv, opts, decision_option, &d);
	if (rc != 0)
		return rc;
	int64_t id;
	if (argc - optind != 1)
		return ctl_usage_error("comment %s takes one comment id", argv[0]);
	if (ctl_parse_id(argv[optind], &id) != 0)
		return ctl_usage_error("\"%s\" is not a comment id", argv[optind]);
	struct actor who;
	struct op_ctx oc;
	if (ctl_begin_change(c, &who, &oc) != 0)
		return CTL_EXIT_FAIL;
	struct op_result res;
	enum op_problem p = op_comment_pin(&oc, id, d.version, pin, &res);
	if (p == OP_NO_COMMENT)
		return ctl_fail("no comment %lld", (long long)id);
	if (p == OP_CHANGED) {
		fprintf(stderr, "nazarctl: comment %lld: changed since version %lld, by %s at %s; "
		    "nothing changed\n", (long long)id, (long long)d.version,
		    res.change.updated_by && *res.change.updated_by ? res.change.updated_by :
		    "someone", ctl_time_text(c, res.change.updated));
		return CTL_EXIT_CONFLICT;
	}
	if (p != OP_OK)
		return ctl_fail("comment %s %lld: %s", argv[0], (long long)id, op_problem_text(&res));
	printf("%lld %s%s\n", (long long)id, pin ? "pinned" : "unpinned",
	    res.unchanged ? " (it was already)" : "");
	return 0;
}

/* approve-edit ID, reject-edit ID (argv[0]): its author's waiting edit
 * published (the text before kept in the history) or dropped (the
 * published text stays); audited. Exit 1 when no edit of it waits, 3
 * when it changed since --version. */
static int
comment_revision(struct ctl *c, int argc, char **argv)
{
	bool approve = strcmp(argv[0], "approve-edit") == 0;
	static const struct option opts[] = {
		{ "version", required_argument, NULL, 'v' },
		CTL_OPTION_AS,
		{ NULL, 0, NULL, 0 },
	};
	struct decision d = { 0 };
	int rc = ctl_change_options(c, argc, argv, opts, decision_option, &d);
	if (rc != 0)
		return rc;
	int64_t id;
	if (argc - optind != 1)
		return ctl_usage_error("comment %s takes one comment id", argv[0]);
	if (ctl_parse_id(argv[optind], &id) != 0)
		return ctl_usage_error("\"%s\" is not a comment id", argv[optind]);
	struct actor who;
	struct op_ctx oc;
	if (ctl_begin_change(c, &who, &oc) != 0)
		return CTL_EXIT_FAIL;
	struct op_result res;
	enum op_problem p = op_revision_decide(&oc, id, d.version, approve, &res);
	if (p == OP_CHANGED) {
		fprintf(stderr, "nazarctl: comment %lld: changed since version %lld, by %s at %s; "
		    "nothing changed\n", (long long)id, (long long)d.version,
		    res.change.updated_by && *res.change.updated_by ? res.change.updated_by :
		    "someone", ctl_time_text(c, res.change.updated));
		return CTL_EXIT_CONFLICT;
	}
	if (p != OP_OK)
		return ctl_fail("comment %s %lld: %s", argv[0], (long long)id, op_problem_text(&res));
	printf("%lld %s\n", (long long)id, approve ? "edit published" : "edit rejected");
	return 0;
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

/* The same fields and rules as the web form, so that nothing enters the
 * database by this door that the form would have refused. */
enum { F_ARTICLE, F_NAME, F_EMAIL, F_PARENT, F_BODY, F__MAX };
static const char *const add_keys[F__MAX] = { "article", "name", "email", "parent", "body" };

/* comment add's options into val[] and *status; 0 or a usage error. */
static int
add_options(int argc, char **argv, const char *val[F__MAX], enum comment_status *status)
{
	static const struct option opts[] = {
		{ "article", required_argument, NULL, F_ARTICLE },
		{ "name", required_argument, NULL, F_NAME },
		{ "email", required_argument, NULL, F_EMAIL },
		{ "parent", required_argument, NULL, F_PARENT },
		{ "body", required_argument, NULL, F_BODY },
		{ "status", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	int o;
	optind = 0;
	while ((o = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (o == 's') {
			if (comment_status_parse(optarg, status) != 0)
				return bad_status(optarg);
			continue;
		}
		if (o < 0 || o >= F__MAX)
			return ctl_bad_option(argv);
		if (ctl_opt_once(&val[o], optarg, add_keys[o]) != 0)
			return CTL_EXIT_USAGE;
	}
	if (optind != argc)
		return ctl_usage_error("comment add: unexpected argument \"%s\"", argv[optind]);
	if (val[F_ARTICLE] == NULL)
		return ctl_usage_error("comment add: --article is required");
	if (val[F_NAME] == NULL)
		return ctl_usage_error("comment add: --name is required");
	int64_t p;
	if (val[F_PARENT] != NULL && ctl_parse_id(val[F_PARENT], &p) != 0)
		return ctl_usage_error("--parent: \"%s\" is not a comment id", val[F_PARENT]);
	return 0;
}

/* The fields through the web form's validation; 0, or 1 with messages. */
static int
add_validate(struct ctl *c, const char *val[F__MAX], struct comment_form *cf)
{
	struct kvlist form = { .items = arena_calloc(c->a, F__MAX, sizeof(struct kv)) };
	for (int f = 0; f < F__MAX; f++) {
		if (val[f] == NULL)
			continue;
		form.items[form.count].key = add_keys[f];
		form.items[form.count].value = val[f];
		form.items[form.count].value_len = strlen(val[f]);
		form.count++;
	}
	if (validate_comment_form(c->a, &form, c->cfg.max_length, cf) == 0)
		return 0;
	for (int f = 0; f < FIELD__MAX; f++)
		if (cf->error[f] != NULL)
			fprintf(stderr, "nazarctl: comment add: %s: %s\n", form_field_names[f],
			    cf->error[f]);
	return CTL_EXIT_FAIL;
}

static int
comment_add(struct ctl *c, int argc, char **argv)
{
	const char *val[F__MAX] = { NULL };
	enum comment_status status = COMMENT_PENDING;
	int rc = add_options(argc, argv, val, &status);
	if (rc != 0)
		return rc;
	if (ctl_load_config(c) != 0)
		return CTL_EXIT_FAIL;
	/* UTF-8 takes at most 4 bytes a character; the slack is for white
	 * space the cleaning trims. */
	if (val[F_BODY] == NULL &&
	    (val[F_BODY] = read_stdin(c->a, (size_t)c->cfg.max_length * 4 + 4096)) == NULL)
		return CTL_EXIT_FAIL;
	struct comment_form cf;
	if (add_validate(c, val, &cf) != 0 || ctl_open_current_store(c) != 0)
		return CTL_EXIT_FAIL;
	struct comment cm = {
		.article = (char *)cf.clean[FIELD_ARTICLE],
		.parent = cf.parent,
		.name = (char *)cf.clean[FIELD_NAME],
		.email = (char *)cf.clean[FIELD_EMAIL],
		.body = (char *)cf.clean[FIELD_BODY],
		.status = status,
	};
	enum store_result r = store_insert_comment(c->st, &cm, time(NULL));
	if (r == STORE_CONFLICT)
		return ctl_fail("comment add: parent %lld is missing, not approved or under "
		    "another article", (long long)cf.parent);
	if (r != STORE_OK)
		return ctl_fail("comment add: %s", ctl_store_problem(r));
	printf("%lld\n", (long long)cm.id);
	return 0;
}

/* forget's options: the address, and whether the comments go too. */
struct forget {
	const char *email;
	bool delete;
};

static int
forget_option(void *arg, int opt, const char *value)
{
	struct forget *f = arg;
	if (opt == 'e')
		return ctl_opt_once(&f->email, value, "email");
	f->delete = true;
	return 0;
}

/* forget --email ADDR [--delete-comments]: the reader's address, client
 * addresses and browser out of all their comments (and the comments with
 * --delete-comments), audited with the address masked. */
static int
comment_forget(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "email", required_argument, NULL, 'e' },
		{ "delete-comments", no_argument, NULL, 'd' },
		CTL_OPTION_AS,
		{ NULL, 0, NULL, 0 },
	};
	struct forget f = { 0 };
	int rc = ctl_change_options(c, argc, argv, opts, forget_option, &f);
	if (rc != 0)
		return rc;
	if (f.email == NULL)
		return ctl_usage_error("comment forget needs --email ADDRESS");
	if (optind != argc)
		return ctl_usage_error("comment forget takes no arguments besides its options");
	struct actor who;
	struct op_ctx oc;
	if (ctl_begin_change(c, &who, &oc) != 0)
		return CTL_EXIT_FAIL;
	struct op_result res;
	if (op_comment_forget(&oc, f.email, f.delete, &res) != OP_OK)
		return ctl_fail("comment forget: %s", op_problem_text(&res));
	printf("%s: %lld comment%s %s\n", op_email_mask(c->a, f.email), (long long)res.count,
	    res.count == 1 ? "" : "s", f.delete ? "forgotten and deleted" : "forgotten");
	return 0;
}

const struct ctl_command ctl_comment_commands[] = {
	{ "list", comment_list },
	{ "show", comment_show },
	{ "approve", comment_decide },
	{ "reject", comment_decide },
	{ "spam", comment_decide },
	{ "delete", comment_decide },
	{ "restore", comment_decide },
	{ "add", comment_add },
	{ "reset-votes", comment_reset_votes },
	{ "forget", comment_forget },
	{ "pin", comment_pin },
	{ "unpin", comment_pin },
	{ "approve-edit", comment_revision },
	{ "reject-edit", comment_revision },
};
const size_t ctl_comment_ncommands = sizeof(ctl_comment_commands) /
    sizeof(ctl_comment_commands[0]);
