/* app.c — start-up: configuration, time zone, templates, strings, schema. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "catalog.h"
#include "log.h"
#include "store.h"
#include "store_antispam.h"
#include "store_outbox.h"
#include "store_file.h"
#include "tmpl.h"

/* Strings the C code itself uses (errors, notices); templates may use more,
 * and a missing one there only shows its key. */
static const char *const required_strings[] = {
	"error.article_invalid", "error.name_required", "error.name_too_long",
	"error.email_invalid", "error.body_required", "error.body_too_long",
	"error.encoding", "error.parent_invalid", "error.form", "error.unavailable",
	"error.not_found", "error.method", "error.bad_request", "error.too_large",
	"error.unsupported", "error.internal",
	"error.own_not_yours", "error.own_late", "error.own_has_replies", "error.own_expired",
	"error.own_refused", "error.own_edits_used", "own.held", "own.saved", "own.withdrawn",
	"admin.error.no_revision",
	"status.pending", "status.approved", "status.continue",
	"count.zero", "count.one", "count.other",
	"replies.more.one", "replies.more.other", "replies.count.one", "replies.count.other",
	"error.control", "error.body_lines", "error.name_reserved",
	"error.form_expired", "error.rate_limited", "error.duplicate",
	"error.thread_day_limit", "error.article_busy",
	"admin.error.login_failed", "admin.error.unavailable", "admin.error.csrf",
	"admin.error.cross_site", "admin.error.signed_out", "admin.error.forbidden",
	"site_badge", "closed.closed", "closed.read_only", "admin.more_than",
	"error.vote_invalid", "error.vote_expired", "error.vote_refused",
	"error.vote_no_comment", "error.vote_rate_limited",
	"error.notify_needs_email", "mail_page_title", "mail_page_bad_link",
	"mail_page_stopped_before", "mail_confirm_title", "mail_confirm_ask",
	"mail_confirm_button", "mail_confirm_done", "mail_unsubscribe_title",
	"mail_unsubscribe_ask", "mail_unsubscribe_button", "mail_unsubscribe_done",
	"mail_stop_title", "mail_stop_ask", "mail_stop_button", "mail_stop_done",
	"admin.title.outbox", "admin.outbox.pending", "admin.outbox.sending",
	"admin.outbox.sent", "admin.outbox.failed", "admin.outbox.merged",
	"admin.outbox.dropped", "admin.outbox.all", "mail_decide_title", "mail_decide_ask",
	"mail_decide_already", "admin_approve", "admin_reject", "admin_spam",
	"mail_decide_done.approve", "mail_decide_done.reject", "mail_decide_done.spam",
	"mail_reason",
	"mail_open_comment",
};

/* The templates, each of needed[] among them. */
static int
load_templates(struct app *app, char *err, size_t errlen)
{
	static const char *const needed[] = { "thread", "comment", "form", "page", "error", "message",
	    "admin-login", "admin-queue", "admin-comment", "admin-users", "admin-account",
	    "admin-audit", "admin-message", "admin-conflict", "admin-blocklist", "feed",
	    "reader-mail", "latest", "count", "admin-outbox", "mail-decide", "admin-overview", "edit" };

	app->templates = tmpl_set_new();
	if (tmpl_set_load_dir(app->templates, app->cfg.templates, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		if (!tmpl_set_has(app->templates, needed[i])) {
			snprintf(err, errlen, "%s: template %s.mustache is missing",
			    app->cfg.templates, needed[i]);
			return -1;
		}
	}
	return 0;
}

/* The locale's strings, each of required_strings[] among them, and the
 * frozen value templates read them from. */
static int
load_strings(struct app *app, char *err, size_t errlen)
{
	char path[1200];
	snprintf(path, sizeof(path), "%s/i18n/%s.ini", app->cfg.templates,
	    locale_code(app->cfg.locale));
	app->strings = catalog_load(path, err, errlen);
	if (app->strings == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(required_strings) / sizeof(required_strings[0]); i++) {
		if (!catalog_has(app->strings, required_strings[i])) {
			snprintf(err, errlen, "%s: the string \"%s\" is missing", path,
			    required_strings[i]);
			return -1;
		}
	}
	app->arena = arena_new();
	app->strings_value = tval_object(app->arena);
	catalog_to_tval(app->strings, app->arena, app->strings_value);
	tval_freeze(app->arena, app->strings_value);
	return 0;
}

/* The database checked and migrated, the secret read and the webhook
 * endpoints recorded, through a connection of its own that is closed
 * again before any thread starts. */
static int
prepare_database(struct app *app, char *err, size_t errlen)
{
	/* A file that is not a sound nazar database is refused before
	 * anything is written to it: truncated, not SQLite, another
	 * program's, of a newer schema, or damaged. */
	struct store *st;
	if (store_file_check(app->cfg.db_path, err, errlen) == STORE_ERROR ||
	    store_open(app->cfg.db_path, app->cfg.busy_timeout_ms, &st, err, errlen) != STORE_OK)
		return -1;
	if (store_file_verify(st, app->cfg.db_path, err, errlen) != STORE_OK) {
		store_close(st);
		return -1;
	}
	int from = 0;
	enum store_result r = store_migrate(st, &from, err, errlen);
	if (r != STORE_OK && err[0] != '\0') {
		char why[512];
		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "%s: %s", app->cfg.db_path, why);
	}
	if (r == STORE_OK && from != STORE_SCHEMA_VERSION)
		log_info("database %s migrated from schema %d to %d", app->cfg.db_path, from,
		    STORE_SCHEMA_VERSION);
	if (r == STORE_OK)
		r = store_secret(st, app->secret);
	/* The triggers write webhook rows for the endpoints configured now. */
	if (r == STORE_OK)
		r = store_webhooks_set(st, app->cfg.webhook_urls,
		    (size_t)app->cfg.webhook_url_count, app->cfg.webhook_events);
	store_close(st);
	if (r == STORE_OK)
		app->posts = store_post_group_new();
	if (r != STORE_OK) {
		if (err[0] == '\0')
			snprintf(err, errlen, "%s: the database could not be prepared (see the log)",
			    app->cfg.db_path);
		return -1;
	}
	return 0;
}

int
app_init(struct app *app, const char *config_path, char *err, size_t errlen)
{
	memset(app, 0, sizeof(*app));
	if (errlen > 0)
		err[0] = '\0';
	config_defaults(&app->cfg);
	if (config_path != NULL && config_load(config_path, &app->cfg, err, errlen) != 0)
		return -1;
	log_set_level((enum log_level)app->cfg.log_level);

	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium could not be initialised");
		return -1;
	}
	/* One zone for the whole process, set before any thread exists, so
	 * localtime_r is safe everywhere afterwards. */
	setenv("TZ", app->cfg.timezone, 1);
	tzset();

	if (load_templates(app, err, errlen) != 0 || load_strings(app, err, errlen) != 0)
		return -1;

	/* A sign-in that finds every hashing slot taken is answered 503 at
	 * once: waiting for a slot holds a worker, and a flood of sign-ins
	 * would then hold all of them and stall the public thread (measured:
	 * 0.6-0.9 s thread latency with a 50 ms wait, see bench/signin.sh). */
	if (auth_init(app->cfg.hash_concurrency, 0) != 0) {
		snprintf(err, errlen, "libsodium could not be initialised");
		return -1;
	}
	return prepare_database(app, err, errlen);
}

void
app_free(struct app *app)
{
	tmpl_set_free(app->templates);
	catalog_free(app->strings);
	arena_free(app->arena);
	app->arena = NULL;
	app->strings_value = NULL;
	store_post_group_free(app->posts);
	app->posts = NULL;
	sodium_memzero(app->secret, sizeof(app->secret));
	app->templates = NULL;
	app->strings = NULL;
}

int
ctx_open(struct ctx *c, const struct app *app)
{
	char err[512] = "";
	c->app = app;
	if (store_open(app->cfg.db_path, app->cfg.busy_timeout_ms, &c->store, err,
	    sizeof(err)) != STORE_OK) {
		log_error("cannot open the database: %s", err);
		return -1;
	}
	if (app->posts != NULL)
		store_join_post_group(c->store, app->posts);
	return 0;
}

void
ctx_close(struct ctx *c)
{
	store_close(c->store);
	c->store = NULL;
}
