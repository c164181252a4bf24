/* app.h — what every request handler can reach: the loaded configuration,
 * templates and strings (read-only after start-up, shared by all threads)
 * and the worker's own database connection. */
#ifndef NAZAR_APP_H
#define NAZAR_APP_H

#include <stddef.h>

#include "config.h"

struct tmpl_set;
struct catalog;
struct store;
struct arena;
struct tval;

struct post_group;

struct app {
	struct config cfg;
	struct tmpl_set *templates;
	struct catalog *strings;
	unsigned char secret[32];	/* signs reader cookies */
	/* The strings as a template value, built once: every page shares it
	 * read-only instead of copying the catalog per request. */
	struct arena *arena;
	struct tval *strings_value;
	/* The workers' group commit of posts (store_antispam.h). */
	struct post_group *posts;
};

/* One per worker thread (SQLite connections are not shared). */
struct ctx {
	const struct app *app;
	struct store *store;
};

/* Loads config_path (NULL: defaults only), sets the process time zone,
 * parses templates and strings, creates or migrates the database and reads
 * the server secret. Call before starting threads. Returns 0, or -1 with a
 * message fit for an operator in err. */
int app_init(struct app *app, const char *config_path, char *err, size_t errlen);
void app_free(struct app *app);

/* Opens a connection for one worker; logs and returns -1 on failure. */
int ctx_open(struct ctx *c, const struct app *app);
void ctx_close(struct ctx *c);

#endif
