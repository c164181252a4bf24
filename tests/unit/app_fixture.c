/* app_fixture.c — see app_fixture.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "route.h"
#include "app_fixture.h"
#include "arena.h"
#include "buf.h"
#include "http.h"
#include "request.h"
#include "store_audit.h"
#include "store_db.h"
#include "store_users.h"

static int64_t generation_base = 1000;

struct app_fixture *
app_fixture_new(const char *name, const char *conf)
{
	struct app_fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	const char *srcdir = getenv("NAZAR_SRCDIR");
	if (srcdir == NULL || *srcdir == '\0')
		return f;
	int n = snprintf(f->dir, sizeof(f->dir), "/tmp/nazar-%s-XXXXXX", name);
	assert_true(n > 0 && (size_t)n < sizeof(f->dir));
	assert_non_null(mkdtemp(f->dir));
	char path[256];
	snprintf(path, sizeof(path), "%s/nazar.conf", f->dir);
	FILE *c = fopen(path, "w");
	assert_non_null(c);
	fprintf(c, "[database]\npath = %s/nazar.db\n[site]\nlocale = en\ntemplates = %s/templates\n"
	    "article_url = https://news.example/{article}\n"
	    "allowed_return_hosts = news.example\n%s[log]\nlevel = error\n", f->dir, srcdir,
	    conf != NULL ? conf : "");
	fclose(c);
	char err[512];
	if (app_init(&f->app, path, err, sizeof(err)) != 0)
		fail_msg("app_init: %s", err);
	assert_int_equal(ctx_open(&f->ctx, &f->app), 0);
	char sql[128];
	snprintf(sql, sizeof(sql), "UPDATE settings SET value = %lld WHERE key = "
	    "'blocklist_generation'", (long long)generation_base);
	assert_int_equal(sqlite3_exec(f->ctx.store->db, sql, NULL, NULL, NULL), SQLITE_OK);
	generation_base += 1000;
	f->a = arena_new();
	f->ready = true;
	return f;
}

void
app_fixture_free(struct app_fixture *f)
{
	if (f == NULL)
		return;
	if (f->ready) {
		ctx_close(&f->ctx);
		app_free(&f->app);
		arena_free(f->a);
		static const char *const names[] = { "nazar.db", "nazar.db-wal", "nazar.db-shm",
		    "nazar.conf" };
		char p[256];
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			snprintf(p, sizeof(p), "%s/%s", f->dir, names[i]);
			(void)unlink(p);
		}
		assert_int_equal(rmdir(f->dir), 0);
	}
	free(f);
}

int
app_fixture_setup(void **state)
{
	*state = app_fixture_new("app", NULL);
	return 0;
}

int
app_fixture_setup_open(void **state)
{
	struct app_fixture *f = app_fixture_new("open", APP_FIXTURE_OPEN);
	if (f->ready)
		app_fixture_sign_in(f, "maryam", "مریم", ROLE_MODERATOR, APP_FIXTURE_T0);
	f->now = APP_FIXTURE_T0 + 20;
	*state = f;
	return 0;
}

int
app_fixture_teardown(void **state)
{
	app_fixture_free(*state);
	*state = NULL;
	return 0;
}

void
app_fixture_sign_in(struct app_fixture *f, const char *name, const char *display,
    enum auth_role role, time_t now)
{
	int64_t uid;
	const struct actor who = { 0, name, "192.0.2.1" };
	assert_int_equal(store_user_add(f->ctx.store, name, display, role, "x", &who, now, &uid),
	    STORE_OK);
	unsigned char token[AUTH_TOKEN_BYTES], hash[AUTH_TOKEN_BYTES], csrf[AUTH_TOKEN_BYTES];
	char text[AUTH_TOKEN_TEXT];
	auth_token_new(token);
	auth_token_new(csrf);
	auth_token_hash(token, hash);
	assert_int_equal(store_session_create(f->ctx.store, hash, uid, csrf, "192.0.2.1", "test",
	    now), STORE_OK);
	auth_token_encode(token, text);
	snprintf(f->cookie, sizeof(f->cookie), "nazar_admin=%s", text);
	auth_token_encode(csrf, f->csrf);
}

void
app_fixture_field(struct buf *b, const char *k, const char *v)
{
	if (v == NULL)
		return;
	if (b->len > 0)
		buf_putc(b, '&');
	buf_puts(b, k);
	buf_putc(b, '=');
	http_url_encode(b, v);
}

const char *
app_fixture_header(const struct response *res, const char *name)
{
	for (size_t i = 0; i < res->header_count; i++)
		if (strcmp(res->headers[i].name, name) == 0)
			return res->headers[i].value;
	return NULL;
}

struct comment
app_fixture_comment(struct app_fixture *f, int64_t id)
{
	struct comment c;
	assert_true(id > 0);
	assert_int_equal(store_get_comment(f->ctx.store, f->a, id, &c), STORE_OK);
	return c;
}

void
app_fixture_admin(struct app_fixture *f, const char *method, const char *path,
    const char *query, const char *form, struct response *res)
{
	struct request r = {
		.arena = f->a, .method = method, .path = path, .accept = "text/html",
		.content_type = "application/x-www-form-urlencoded", .remote_addr = "192.0.2.1",
		.user_agent = "test", .host = "news.example", .server_port = "", .origin = "",
		.fetch_site = "same-origin", .now = f->now,
	};
	struct parse_limits lim = { .max_fields = REQUEST_MAX_FIELDS, .max_key = 64,
	    .max_value = 65536, .too_long_status = 413 };
	if (query != NULL)
		assert_int_equal(http_parse_urlencoded(f->a, query, strlen(query), &lim, &r.query),
		    0);
	if (strcmp(method, "POST") == 0) {
		struct buf b = { 0 };
		app_fixture_field(&b, "csrf", f->csrf);
		if (form != NULL && *form != '\0') {
			buf_putc(&b, '&');
			buf_puts(&b, form);
		}
		assert_int_equal(http_parse_urlencoded(f->a, buf_str(&b), b.len, &lim, &r.form), 0);
		buf_free(&b);
	}
	assert_int_equal(http_parse_cookies(f->a, f->cookie, 8192, 64, &r.cookies), 0);
	memset(res, 0, sizeof(*res));
	res->status = 200;
	route_dispatch(&f->ctx, &r, res);
}

void
app_fixture_block(struct app_fixture *f, const char *kind, const char *pattern,
    const char *action)
{
	struct buf b = { 0 };
	app_fixture_field(&b, "action", "add");
	app_fixture_field(&b, "kind", kind);
	app_fixture_field(&b, "pattern", pattern);
	app_fixture_field(&b, "block_action", action);
	struct response res;
	app_fixture_admin(f, "POST", "/admin/blocklist", NULL, buf_str(&b), &res);
	buf_free(&b);
	if (res.status != 303)
		fail_msg("adding %s %s: %d\n%s", kind, pattern, res.status, buf_str(&res.body));
	buf_free(&res.body);
}
