/* ctl_mail.c — nazarctl mail: sending what the outbox holds (run by
 * nazar-mail.timer), its state, and a test message (notify.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "ctl.h"
#include "mail_transport.h"
#include "mime.h"
#include "notify.h"
#include "store_outbox.h"

#define STATUS_DEFAULT_LIMIT 20

/* The database, the templates and the lock for a sender; 1 ready, 0
 * another sender runs, else an exit code (negated). */
static int
open_sender(struct ctl *c, struct notify *n)
{
	if (ctl_open_current_store(c) != 0)
		return -CTL_EXIT_FAIL;
	/* Dates in mail are in the site's zone. */
	setenv("TZ", c->cfg.timezone, 1);
	tzset();
	char err[1400];
	if (notify_open(n, &c->cfg, c->st, err, sizeof(err)) != 0) {
		notify_close(n);
		return -ctl_fail("%s", err);
	}
	int locked = notify_lock(n, err, sizeof(err));
	if (locked < 0) {
		notify_close(n);
		return -ctl_fail("%s", err);
	}
	if (locked == 0) {
		notify_close(n);
		return 0;
	}
	if (mail_transport_init() != 0) {
		notify_close(n);
		return -ctl_fail("libcurl could not be initialised");
	}
	return 1;
}

static int
run_sender(struct notify *n, bool flush, struct notify_stats *stats)
{
	char err[512];
	int rc = notify_run(n, time(NULL), flush, stats, err, sizeof(err));
	mail_transport_cleanup();
	notify_close(n);
	return rc == 0 ? 0 : ctl_fail("%s", err);
}

static int
mail_send(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "flush", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	bool flush = false;
	int o;
	optind = 0;
	while ((o = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (o != 'f')
			return ctl_bad_option(argv);
		flush = true;
	}
	if (optind != argc)
		return ctl_usage_error("mail send takes no arguments");
	struct notify n;
	int ready = open_sender(c, &n);
	if (ready <= 0) {
		if (ready == 0)
			puts("another sender is running");
		return -ready;
	}
	struct notify_stats s;
	int rc = run_sender(&n, flush, &s);
	if (rc == 0)
		printf("sent %lld, to retry %lld, failed %lld, dropped %lld, digests made %lld, "
		    "recovered %lld\n", s.sent, s.retried, s.failed, s.dropped, s.digests,
		    s.recovered);
	return rc;
}

static void
put_item(struct ctl *c, const struct outbox_item *it)
{
	/* A webhook's kind says its event: webhook:held, webhook:published … */
	printf("%lld\t%s%s%s\t%s\t", (long long)it->id, outbox_kind_name(it->kind),
	    it->kind == OUTBOX_WEBHOOK ? ":" : "", it->kind == OUTBOX_WEBHOOK ? it->event : "",
	    outbox_state_name(it->state));
	ctl_put_field(it->recipient);
	printf("\t%lld\t%s\t", (long long)it->attempts,
	    ctl_time_text(c, it->sent > 0 ? it->sent : it->due));
	ctl_put_field(it->last_error);
	putchar('\n');
}

static int
mail_status(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "limit", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	int limit = STATUS_DEFAULT_LIMIT, state = -1, o;
	optind = 0;
	while ((o = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (o == 'l') {
			if (ctl_opt_limit(optarg, &limit) != 0)
				return CTL_EXIT_USAGE;
		} else if (o == 's') {
			enum outbox_state s;
			if (outbox_state_parse(optarg, &s) != 0)
				return ctl_usage_error("unknown state \"%s\" (pending, sending, "
				    "sent, failed, merged or dropped)", optarg);
			state = (int)s;
		} else
			return ctl_bad_option(argv);
	}
	if (optind != argc)
		return ctl_usage_error("mail status takes no arguments");
	if (ctl_open_current_store(c) != 0)
		return CTL_EXIT_FAIL;
	long long counts[OUTBOX_STATE__MAX];
	struct outbox_item *items;
	size_t n;
	enum store_result r = store_outbox_counts(c->st, counts);
	if (r == STORE_OK)
		r = store_outbox_list(c->st, c->a, state, limit, &items, &n);
	if (r != STORE_OK)
		return ctl_fail("%s", ctl_store_problem(r));
	for (int i = 0; i < OUTBOX_STATE__MAX; i++)
		printf("%s%s %lld", i ? ", " : "", outbox_state_name((enum outbox_state)i),
		    counts[i]);
	putchar('\n');
	for (size_t i = 0; i < n; i++)
		put_item(c, &items[i]);
	return 0;
}

static int
mail_test(struct ctl *c, int argc, char **argv)
{
	if (argc != 2)
		return ctl_usage_error("mail test takes one address");
	const char *to = argv[1];
	if (!mime_address_valid(to))
		return ctl_usage_error("\"%s\" is not a plain address such as name@example.ir",
		    to);
	struct notify n;
	int ready = open_sender(c, &n);
	if (ready <= 0)
		return ready == 0 ? ctl_fail("another sender is running; try again") : -ready;
	int64_t id;
	enum store_result r = store_outbox_add_test(c->st, to, time(NULL), &id);
	if (r != STORE_OK) {
		mail_transport_cleanup();
		notify_close(&n);
		return ctl_fail("%s", ctl_store_problem(r));
	}
	struct notify_stats s;
	int rc = run_sender(&n, false, &s);
	struct outbox_item it;
	if (rc != 0 || (r = store_outbox_get(c->st, c->a, id, &it)) != STORE_OK)
		return rc != 0 ? rc : ctl_fail("%s", ctl_store_problem(r));
	if (it.state == OUTBOX_SENT) {
		printf("sent to %s (outbox %lld)\n", to, (long long)id);
		return 0;
	}
	fprintf(stderr, "nazarctl: not sent (outbox %lld, %s): ", (long long)id,
	    outbox_state_name(it.state));
	ctl_err_clean(it.last_error);
	fputc('\n', stderr);
	return CTL_EXIT_FAIL;
}

const struct ctl_command ctl_mail_commands[] = {
	{ "send", mail_send },
	{ "status", mail_status },
	{ "test", mail_test },
};
const size_t ctl_mail_ncommands = sizeof(ctl_mail_commands) / sizeof(ctl_mail_commands[0]);
