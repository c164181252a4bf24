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
#include "text.h"
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

#define RLO "\xe2\x80\xae"
#define PDF "\xe2\x80\xac"
#define RLI "\xe2\x81\xa7"
#define PDI "\xe2\x81\xa9"
#define ZWSP "\xe2\x80\x8b"
#define ZWNJ "\xe2\x80\x8c"
#define TATWEEL "\xd9\x80"

/* Validates a form of article=1, name and body. */
static int
check(struct arena *a, const char *name, const char *body, struct comment_form *f)
{
	const char *pairs[] = { "article=1", arena_printf(a, "name=%s", name),
		arena_printf(a, "body=%s", body) };
	struct kvlist l = form_of(a, pairs, 3);
	return validate_comment_form(a, &l, 1000, f);
}

static void
hostile_names(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct comment_form f;

	/* Bidi controls go; the name is what it looks like. */
	assert_int_equal(check(a, RLO "مریم" PDF, "x", &f), 0);
	assert_string_equal(f.clean[FIELD_NAME], "مریم");
	assert_int_equal(check(a, "Bob " RLI "nimda" PDI, "x", &f), 0);
	assert_string_equal(f.clean[FIELD_NAME], "Bob nimda");
	/* ZWNJ inside the word stays, at the edges it goes. */
	assert_int_equal(check(a, ZWNJ "علی" ZWNJ "رضا" ZWNJ, "x", &f), 0);
	assert_string_equal(f.clean[FIELD_NAME], "علی" ZWNJ "رضا");
	/* Controls, tabs and line breaks are refused; the text is kept. */
	const char *bad[] = { "Bob\tSmith", "Bob\nSmith", "Bob\r\nSmith", "Bob\x01", "\x1b[31mBob",
		"Bob\xc2\x85", "Bob\x7f" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(check(a, bad[i], "x", &f), 1);
		assert_string_equal(f.error[FIELD_NAME], "error.control");
		assert_null(f.clean[FIELD_NAME]);
		assert_string_equal(f.raw[FIELD_NAME], bad[i]);
	}
	/* Nothing visible: no name. */
	const char *blank[] = { ZWSP, ZWNJ ZWNJ, RLO PDF, "\xe2\xa0\x80", "\xe3\x85\xa4",
		"\xc2\xa0" "\xe2\x80\x8f", "\xef\xbb\xbf" };
	for (size_t i = 0; i < sizeof(blank) / sizeof(blank[0]); i++) {
		assert_int_equal(check(a, blank[i], "x", &f), 1);
		assert_string_equal(f.error[FIELD_NAME], "error.name_required");
	}
	/* Invisible padding does not count towards the 80 characters. */
	char *padded = arena_printf(a, "%s", "");
	for (int i = 0; i < 80; i++)
		padded = arena_printf(a, "%sب" ZWSP, padded);
	assert_int_equal(check(a, padded, "x", &f), 0);
	assert_int_equal(utf8_length(f.clean[FIELD_NAME], strlen(f.clean[FIELD_NAME])), 80);
	arena_free(a);
}

static void
hostile_bodies(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct comment_form f;

	/* Controls other than tab and line breaks: 422 with the text kept. */
	assert_int_equal(check(a, "x", "red \x1b[31mtext", &f), 1);
	assert_string_equal(f.error[FIELD_BODY], "error.control");
	assert_string_equal(f.raw[FIELD_BODY], "red \x1b[31mtext");
	assert_int_equal(check(a, "x", "سلام\x07", &f), 1);
	assert_string_equal(f.error[FIELD_BODY], "error.control");
	assert_int_equal(check(a, "x", "a\tb\r\nc", &f), 0);
	assert_string_equal(f.clean[FIELD_BODY], "a\tb\nc");
	/* Bidi overrides go; Persian with ZWNJ stays. */
	assert_int_equal(check(a, "x", "می" ZWNJ "خواهم " RLO "بنویسم", &f), 0);
	assert_string_equal(f.clean[FIELD_BODY], "می" ZWNJ "خواهم بنویسم");
	/* Blank runs collapsed, trailing spaces gone, silently. */
	assert_int_equal(check(a, "x", "a   \n\n\n\n\n\nb", &f), 0);
	assert_string_equal(f.clean[FIELD_BODY], "a\n\n\nb");
	/* Nothing visible: empty. */
	assert_int_equal(check(a, "x", ZWSP "\n" ZWNJ "\n \n" RLO, &f), 1);
	assert_string_equal(f.error[FIELD_BODY], "error.body_required");
	/* Zalgo capped; harakat intact. */
	assert_int_equal(check(a, "x", "Z\xcc\xb6\xcc\xb6\xcc\xb6\xcc\xb6\xcc\xb6", &f), 0);
	assert_string_equal(f.clean[FIELD_BODY], "Z\xcc\xb6\xcc\xb6\xcc\xb6");
	assert_int_equal(check(a, "x", "بِسْمِ اللّٰهِ", &f), 0);
	assert_string_equal(f.clean[FIELD_BODY], "بِسْمِ اللّٰهِ");

	/* BODY_MAX_LINES lines are fine, one more is refused, text kept. */
	char *body = arena_printf(a, "%s", "line");
	for (int i = 1; i < BODY_MAX_LINES; i++)
		body = arena_printf(a, "%s\nline", body);
	assert_int_equal(check(a, "x", body, &f), 0);
	body = arena_printf(a, "%s\nline", body);
	assert_int_equal(check(a, "x", body, &f), 1);
	assert_string_equal(f.error[FIELD_BODY], "error.body_lines");
	assert_string_equal(f.raw[FIELD_BODY], body);
	/* Blank lines collapsed away do not count. */
	body = arena_printf(a, "%s", "line");
	for (int i = 1; i < BODY_MAX_LINES / 3; i++)
		body = arena_printf(a, "%s\n\n\n\n\n\nline", body);
	assert_int_equal(check(a, "x", body, &f), 0);
	arena_free(a);
}

static void
email_controls(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	const char *pairs[] = { "article=1", "name=x", "body=y", "email=rea\x01" "der@example.ir" };
	struct kvlist l = form_of(a, pairs, 4);
	struct comment_form f;

	assert_int_equal(validate_comment_form(a, &l, 100, &f), 1);
	assert_string_equal(f.error[FIELD_EMAIL], "error.email_invalid");
	arena_free(a);
}

/* Validates name against the protected names. */
static const char *
name_error(struct arena *a, const char *name, const char *const *names, size_t n)
{
	const char *pairs[] = { "article=1", arena_printf(a, "name=%s", name), "body=x" };
	struct kvlist l = form_of(a, pairs, 3);
	struct comment_form f;

	validate_comment_form_protected(a, &l, 100, names, n, &f);
	return f.error[FIELD_NAME];
}

static void
protected_names(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	const char *const mods[] = { "Admin", "admin", "ادمین", "مریم احمدی", "m.ahmadi" };
	const size_t n = sizeof(mods) / sizeof(mods[0]);
	const char *const refused[] = {
		"Admin", "ADMIN", "\xd0\x90" "dmin", "\xd0\x90" "dm\xd1\x96" "n", "Adm1n",
		"A d m i n", RLO "\xd0\x90" "dmin" PDF,
		"ادمین", "ادمين", "اد" ZWNJ "مـین", "ا" TATWEEL "د" TATWEEL "م" TATWEEL "ين",
		"اِدمین", "مريم احمدي", "مریم" ZWNJ "احمدی", "مریم احمدی (مدیر)", "M. Ahmadi",
	};
	const char *const accepted[] = {
		"Adrian", "Admiral", "Ali", "مریم", "احمدی", "امین", "مریم احمدیان", "Maryam",
		/* Without its override it is shown as typed: "nimdA". */
		RLO "nimdA" PDF,
	};

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		const char *e = name_error(a, refused[i], mods, n);
		if (e == NULL || strcmp(e, "error.name_reserved") != 0)
			fail_msg("\"%s\": %s, not error.name_reserved", refused[i], e ? e : "accepted");
	}
	for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
		const char *e = name_error(a, accepted[i], mods, n);
		if (e != NULL)
			fail_msg("\"%s\": %s", accepted[i], e);
	}
	/* Other errors come first: an empty or too long name is that. */
	assert_string_equal(name_error(a, ZWSP, mods, n), "error.name_required");
	assert_string_equal(name_error(a, "Ad\tmin", mods, n), "error.control");
	/* Without a list (nazarctl, the site itself) nothing is reserved. */
	assert_null(name_error(a, "Admin", NULL, 0));
	const char *pairs[] = { "article=1", "name=Admin", "body=x" };
	struct kvlist l = form_of(a, pairs, 3);
	struct comment_form f;
	assert_int_equal(validate_comment_form(a, &l, 100, &f), 0);
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
	/* Raw non-ASCII bytes, valid UTF-8 or not, are percent-encoded: a
	 * Location header holds ASCII only. Existing escapes are kept. */
	assert_string_equal(validate_return_url(a, "/news/\xd8\xae\xd8\xa8\xd8\xb1?q=\xff\xc0%41#x",
	    &cfg), "/news/%D8%AE%D8%A8%D8%B1?q=%FF%C0%41");
	assert_string_equal(validate_return_url(a, "https://example.ir/\x80{x}|^`", &cfg),
	    "https://example.ir/%80%7Bx%7D%7C%5E%60");
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
		cmocka_unit_test(hostile_names),
		cmocka_unit_test(hostile_bodies),
		cmocka_unit_test(email_controls),
		cmocka_unit_test(protected_names),
		cmocka_unit_test(return_urls),
	};
	return cmocka_run_group_tests_name("validate", tests, NULL, NULL);
}
