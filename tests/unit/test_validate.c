/* test_validate.c — the rules for article ids, e-mail addresses, the
 * comment form and return addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "config.h"
#include "http.h"
#include "validate.h"

static void
article_ids(void **state)
{
	(void)state;
	assert_true(validate_article_id("1"));
	assert_true(validate_article_id("news/2018/05/25-rasht_library.html"));
	assert_true(validate_article_id("urn:x:1"));
	assert_false(validate_article_id(""));
	assert_false(validate_article_id(NULL));
	assert_false(validate_article_id("a b"));
	assert_false(validate_article_id("<script>"));
	assert_false(validate_article_id("a?b"));
	assert_false(validate_article_id("a%20b"));
	assert_false(validate_article_id("خبر"));
	char id[202];
	memset(id, 'a', 200);
	id[200] = '\0';
	assert_true(validate_article_id(id));
	id[200] = 'a';
	id[201] = '\0';
	assert_false(validate_article_id(id));
}

static void
emails(void **state)
{
	(void)state;
	assert_true(validate_email("reader@example.ir"));
	assert_true(validate_email("a.b+c@mail.example.com"));
	assert_false(validate_email("reader"));
	assert_false(validate_email("reader@"));
	assert_false(validate_email("@example.ir"));
	assert_false(validate_email("reader@localhost"));
	assert_false(validate_email("rea der@example.ir"));
	assert_false(validate_email("reader@example..ir"));
	assert_false(validate_email("reader@.example.ir"));
	assert_false(validate_email("reader@example.ir."));
	assert_false(validate_email("<x>@example.ir"));
	assert_false(validate_email("a@b@example.ir"));
}

/* Builds a form from "key=value" pairs (values used as they are). */
static struct kvlist
form_of(struct arena *a, const char *const *pairs, size_t n)
{
	struct kvlist l = { arena_calloc(a, n, sizeof(struct kv)), n };
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(pairs[i], '=');
		l.items[i].key = arena_strndup(a, pairs[i], (size_t)(eq - pairs[i]));
		l.items[i].value = eq + 1;
		l.items[i].value_len = strlen(eq + 1);
	}
	return l;
}

static void
good_form(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	const char *const pairs[] = { "article=news-1", "name=  مریم  ", "email=",
		"body=سلام\r\nدنیا", "return=/news/1" };
	struct kvlist l = form_of(a, pairs, 5);
	struct comment_form f;
	assert_int_equal(validate_comment_form(a, &l, 100, &f), 0);
	assert_string_equal(f.clean[FIELD_NAME], "مریم");
	assert_string_equal(f.clean[FIELD_BODY], "سلام\nدنیا");
	assert_string_equal(f.clean[FIELD_EMAIL], "");
	assert_int_equal(f.parent, 0);
	arena_free(a);
}

static void
bad_form(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	const char *const pairs[] = { "article=news 1", "name=", "email=nope",
		"body=   ", "parent=-3" };
	struct kvlist l = form_of(a, pairs, 5);
	struct comment_form f;
	assert_int_equal(validate_comment_form(a, &l, 100, &f), 5);
	assert_string_equal(f.error[FIELD_ARTICLE], "error.article_invalid");
	assert_string_equal(f.error[FIELD_NAME], "error.name_required");
	assert_string_equal(f.error[FIELD_EMAIL], "error.email_invalid");
	assert_string_equal(f.error[FIELD_BODY], "error.body_required");
	assert_string_equal(f.error[FIELD_PARENT], "error.parent_invalid");
	/* What was typed stays available for the form. */
	assert_string_equal(f.raw[FIELD_EMAIL], "nope");
	assert_string_equal(f.raw[FIELD_BODY], "   ");
	arena_free(a);
}

static void
limits(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	/* 80 Persian letters are fine (160 bytes), 81 are not. */
	char name[2 * 81 + 8] = "name=";
	for (int i = 0; i < 80; i++)
		strcat(name, "ب");
	const char *pairs[] = { "article=1", name, "body=12345" };
	struct kvlist l = form_of(a, pairs, 3);
	struct comment_form f;
	assert_int_equal(validate_comment_form(a, &l, 5, &f), 0);
	strcat(name, "ب");
	l = form_of(a, pairs, 3);
	assert_int_equal(validate_comment_form(a, &l, 5, &f), 1);
	assert_string_equal(f.error[FIELD_NAME], "error.name_too_long");

	const char *pairs2[] = { "article=1", "name=x", "body=123456" };
	l = form_of(a, pairs2, 3);
	assert_int_equal(validate_comment_form(a, &l, 5, &f), 1);
	assert_string_equal(f.error[FIELD_BODY], "error.body_too_long");
	assert_string_equal(f.raw[FIELD_BODY], "123456");
	arena_free(a);
}

static void
invalid_utf8(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	const char *pairs[] = { "article=1", "name=x", "body=ab\xff\xfe" "cd", "parent=12" };
	struct kvlist l = form_of(a, pairs, 4);
	struct comment_form f;
	assert_int_equal(validate_comment_form(a, &l, 100, &f), 1);
	assert_string_equal(f.error[FIELD_BODY], "error.encoding");
	/* Shown back with replacement characters, never as raw bad bytes. */
	assert_string_equal(f.raw[FIELD_BODY], "ab\xef\xbf\xbd\xef\xbf\xbd" "cd");
	assert_int_equal(f.parent, 12);
	arena_free(a);
}

static void
return_urls(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct config cfg;
	config_defaults(&cfg);
	strcpy(cfg.return_hosts[0], "example.ir");
	strcpy(cfg.return_hosts[1], "127.0.0.1:8080");
	cfg.return_host_count = 2;
	assert_string_equal(validate_return_url(a, "/news/1", &cfg), "/news/1");
	assert_string_equal(validate_return_url(a, "/news/1#old", &cfg), "/news/1");
	assert_string_equal(validate_return_url(a, "https://example.ir/news/1?x=1", &cfg),
	    "https://example.ir/news/1?x=1");
	assert_string_equal(validate_return_url(a, "http://EXAMPLE.ir/a", &cfg),
	    "http://EXAMPLE.ir/a");
	assert_non_null(validate_return_url(a, "http://127.0.0.1:8080/news/1", &cfg));
	assert_null(validate_return_url(a, "http://127.0.0.1:9090/news/1", &cfg));
	assert_null(validate_return_url(a, "https://evil.example/news/1", &cfg));
	assert_null(validate_return_url(a, "https://example.ir.evil.example/", &cfg));
	assert_null(validate_return_url(a, "https://example.ir@evil.example/", &cfg));
	assert_null(validate_return_url(a, "//evil.example/x", &cfg));
	assert_null(validate_return_url(a, "/\\evil.example", &cfg));
	assert_null(validate_return_url(a, "javascript:alert(1)", &cfg));
	assert_null(validate_return_url(a, "/news/1\r\nSet-Cookie: x=1", &cfg));
	assert_null(validate_return_url(a, "/news/\"><script>", &cfg));
	assert_null(validate_return_url(a, "", &cfg));
	assert_null(validate_return_url(a, NULL, &cfg));
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(article_ids),
		cmocka_unit_test(emails),
		cmocka_unit_test(good_form),
		cmocka_unit_test(bad_form),
		cmocka_unit_test(limits),
		cmocka_unit_test(invalid_utf8),
		cmocka_unit_test(return_urls),
	};
	return cmocka_run_group_tests_name("validate", tests, NULL, NULL);
}
