/* app_fixture.h — for the tests of handlers and views: a whole nazar
 * application (its config, a fresh database, the templates and strings of
 * the source tree) in a temp directory of its own, a signed-in moderator
 * on demand, and requests handed to the handlers in process, as a worker
 * would. Without NAZAR_SRCDIR (no templates) the fixture is not ready and
 * the tests skip. */
#ifndef NAZAR_TEST_APP_FIXTURE_H
#define NAZAR_TEST_APP_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "app.h"
#include "auth.h"
#include "store.h"

struct arena;
struct buf;
struct response;

struct app_fixture {
	char dir[64];		/* /tmp/nazar-NAME-XXXXXX */
	struct app app;
	struct ctx ctx;
	struct arena *a;
	char cookie[128];	/* nazar_admin=…, after app_fixture_sign_in */
	char csrf[AUTH_TOKEN_TEXT];
	time_t now;		/* the clock of app_fixture_admin's requests */
	bool ready;
};

/* More config for app_fixture_new: post moderation, no minimum time to
 * fill the form, no rate limits; every clean comment is published. */
#define APP_FIXTURE_OPEN "[moderation]\nmode = post\n[antispam]\nmin_seconds = 0\n" \
	"per_article_per_minute = 0\nper_minute = 0\n"

/* Skips the test when the fixture could not be made ready. */
#define APP_FIXTURE_NEED(f) do { if (!(f)->ready) { skip(); return; } } while (0)

/* A fixture whose config is the base (database in the temp directory,
 * English, article URLs on news.example, logging errors only) followed by
 * conf, more sections or NULL. Each fixture starts the blocklist's
 * generation far from the last one's: the process-wide cache outlives
 * the fixture's database, as a real server never changes databases
 * under a running cache. Fails the test (cmocka) on any error. */
struct app_fixture *app_fixture_new(const char *name, const char *conf);
/* Closes everything and removes the directory. */
void app_fixture_free(struct app_fixture *f);

/* cmocka's setups and teardown: a fixture of the defaults (pre
 * moderation), or one of APP_FIXTURE_OPEN with the moderator "maryam"
 * signed in at APP_FIXTURE_T0 and f->now twenty seconds later. */
#define APP_FIXTURE_T0 1700000000
int app_fixture_setup(void **state);
int app_fixture_setup_open(void **state);
int app_fixture_teardown(void **state);

/* Adds the user name with role and signs them in from 192.0.2.1 at now:
 * f->cookie and f->csrf are theirs afterwards. */
void app_fixture_sign_in(struct app_fixture *f, const char *name, const char *display,
    enum auth_role role, time_t now);

/* Appends k=v (URL-encoded, '&' between) to b; a NULL v adds nothing. */
void app_fixture_field(struct buf *b, const char *k, const char *v);
/* The value of a response header, or NULL. */
const char *app_fixture_header(const struct response *res, const char *name);
/* The stored comment with id, asserting it exists (strings in f->a). */
struct comment app_fixture_comment(struct app_fixture *f, int64_t id);

/* A moderator's request below /admin at f->now, from 192.0.2.1 with the
 * fixture's cookie: method, path, query, form fields ("k=v&…", the CSRF
 * token added to POSTs). The response's body is the caller's to free. */
void app_fixture_admin(struct app_fixture *f, const char *method, const char *path,
    const char *query, const char *form, struct response *res);
/* Adds a blocklist entry through the admin page, failing unless 303. */
void app_fixture_block(struct app_fixture *f, const char *kind, const char *pattern,
    const char *action);

#endif
