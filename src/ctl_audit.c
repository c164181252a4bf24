/* ctl_audit.c — nazarctl audit: the audit trail, newest first, one line
 * an entry: time, actor, address, action, comment, target, before → after,
 * reason. */
#include <getopt.h>
#include <stdio.h>

#include "ctl.h"
#include "store_audit.h"
#include "store_users.h"

/* Audit entries are read in pages of this many (the store's maximum). */
#define AUDIT_PAGE STORE_AUDIT_MAX_PER_PAGE

static void
put_entry(const struct audit_entry *e)
{
	ctl_put_time(e->at);
	putchar('\t');
	ctl_put_field(e->actor);
	putchar('\t');
	ctl_put_field(e->remote_addr);
	putchar('\t');
	ctl_put_field(e->action);
	if (e->comment_id > 0)
		printf("\t%lld\t", (long long)e->comment_id);
	else
		fputs("\t-\t", stdout);
	ctl_put_field(e->target);
	putchar('\t');
	if ((e->before == NULL || e->before[0] == '\0') &&
	    (e->after == NULL || e->after[0] == '\0'))
		putchar('-');
	else {
		ctl_put_field(e->before);
		fputs(" → ", stdout);
		ctl_put_field(e->after);
	}
	putchar('\t');
	ctl_put_field(e->reason);
	putchar('\n');
}

static int
audit_options(int argc, char **argv, const char **user, int *limit)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "limit", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	int o;
	optind = 0;
	while ((o = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (o) {
		case 'u':
			*user = optarg;
			break;
		case 'n':
			if (ctl_opt_limit(optarg, limit) != 0)
				return CTL_EXIT_USAGE;
			break;
		default:
			return ctl_bad_option(argv);
		}
	}
	if (optind != argc)
		return ctl_usage_error("audit: unexpected argument \"%s\"", argv[optind]);
	return 0;
}

int
ctl_audit(struct ctl *c, int argc, char **argv)
{
	const char *user = NULL;
	int limit = CTL_LIST_DEFAULT_LIMIT;
	int rc = audit_options(argc, argv, &user, &limit);
	if (rc != 0)
		return rc;
	if (ctl_open_current_store(c) != 0)
		return CTL_EXIT_FAIL;
	int64_t user_id = 0;
	if (user != NULL) {
		struct user u;
		enum store_result r = store_user_by_name(c->st, c->a, user, &u, NULL);
		if (r == STORE_NOT_FOUND)
			return ctl_no_user(user);
		if (r != STORE_OK)
			return ctl_fail("audit: %s", ctl_store_problem(r));
		user_id = u.id;
	}
	int shown = 0;
	/* Pages of AUDIT_PAGE, the last one cut to the limit. */
	for (int page = 1; shown < limit; page++) {
		struct audit_entry *rows;
		size_t n;
		long long total;
		enum store_result r = store_audit_list(c->st, c->a, user_id, page, AUDIT_PAGE, &rows,
		    &n, &total);
		if (r != STORE_OK)
			return ctl_fail("audit: %s", ctl_store_problem(r));
		for (size_t i = 0; i < n && shown < limit; i++, shown++)
			put_entry(&rows[i]);
		if (n < AUDIT_PAGE)
			break;
	}
	return 0;
}
