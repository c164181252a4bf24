/* test_log.c — the log line: e-mail addresses masked wherever they appear
 * in a message, control characters made spaces (one event, one line), long
 * messages cut on a character boundary, levels; the audit's lines logged
 * when their transaction commits and never when it rolls back, without the
 * texts of the change or a failed sign-in's unknown name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"
#include "store.h"
#include "store_audit.h"
#include "store_db.h"
#include "store_fixture.h"
#include "utf8.h"

static size_t
fmt(char *out, size_t outlen, const char *f, ...) __attribute__((format(printf, 3, 4)));

static size_t
fmt(char *out, size_t outlen, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	size_t n = log_format(out, outlen, f, ap);
	va_end(ap);
	return n;
}

static void
mask_email(void **state)
{
	(void)state;
	char out[128];
	static const struct { const char *in, *want; } cases[] = {
		{ "sara@example.org", "s***@e***.org" },
		{ "Sara.K@Example.ORG", "s***@e***.org" },
		{ "مریم@mail.example.ir", "م***@m***.ir" },
		{ "a@localhost", "a***@l***" },
		{ "@example.org", "****@e***.org" },
		{ "x@.org", "x***@****.org" },
		{ "nothing", "***" },
		{ "", "***" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		log_mask_email(out, sizeof(out), cases[i].in, strlen(cases[i].in));
		assert_string_equal(out, cases[i].want);
	}
	/* A small buffer: cut, terminated. */
	size_t n = log_mask_email(out, 4, "sara@example.org", 16);
	assert_int_equal(n, 3);
	assert_string_equal(out, "s**");
}

static void
addresses_in_lines(void **state)
{
	(void)state;
	char out[LOG_LINE_MAX];
	static const struct { const char *in, *want; } cases[] = {
		{ "mail: outbox 3 to editor@example.ir failed: 550 <editor@example.ir> unknown",
		  "mail: outbox 3 to e***@e***.ir failed: 550 <e***@e***.ir> unknown" },
		{ "blocklist: email «spam.king+x@Bad-Domain.example.com».",
		  "blocklist: email «s***@b***.com»." },
		{ "reply-to:a@b", "reply-to:a***@b***" },
		{ "Forget r'o%s@x.y done", "Forget r***@x***.y done" },
		{ "no address @ here, nor x@ nor @y", "no address @ here, nor x@ nor @y" },
		{ "two: a@b.c,d@e.f", "two: a***@b***.c,d***@e***.f" },
		{ "persian: مریم@mail.example.ir", "persian: م***@m***.ir" },
		{ "sara (nazarctl): approve comment 12", "sara (nazarctl): approve comment 12" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fmt(out, sizeof(out), "%s", cases[i].in);
		assert_string_equal(out, cases[i].want);
	}
	/* From an argument as from the format. */
	fmt(out, sizeof(out), "to %s and %d more", "Someone@Example.com", 2);
	assert_string_equal(out, "to s***@e***.com and 2 more");
}

static void
one_line(void **state)
{
	(void)state;
	char out[LOG_LINE_MAX];
	fmt(out, sizeof(out), "name %s", "evil\nnazar[1] error: forged\r\x1b[31m\x7f");
	assert_string_equal(out, "name evil nazar[1] error: forged  [31m ");
	assert_null(strchr(out, '\n'));
}

static void
long_lines_cut_whole(void **state)
{
	(void)state;
	/* Two-byte letters: whatever the cut, the line stays valid UTF-8. */
	static char big[3 * LOG_LINE_MAX];
	for (size_t i = 0; i + 1 < sizeof(big); i += 2)
		memcpy(big + i, "ش", 2);
	big[sizeof(big) - 1] = '\0';
	for (size_t skip = 0; skip < 2; skip++) {
		char out[LOG_LINE_MAX];
		size_t n = fmt(out, sizeof(out), "%s%s", skip ? "x" : "", big);
		assert_true(n < LOG_LINE_MAX);
		assert_int_equal(strlen(out), n);
		assert_true(utf8_valid(out, n));
		char small[17];
		n = fmt(small, sizeof(small), "%s%s", skip ? "x" : "", "شششششششششش");
		assert_true(n <= 16);
		assert_true(utf8_valid(small, n));
	}
}

/* What log_msg writes to standard error, through a temporary file. */
struct capture {
	int saved;
	FILE *f;
};

static void
capture_start(struct capture *c)
{
	fflush(stderr);
	c->f = tmpfile();
	assert_non_null(c->f);
	c->saved = dup(STDERR_FILENO);
	assert_true(c->saved >= 0);
	assert_int_equal(dup2(fileno(c->f), STDERR_FILENO), STDERR_FILENO);
}

/* The captured text (static), standard error back. */
static const char *
capture_end(struct capture *c)
{
	static char text[8192];
	dup2(c->saved, STDERR_FILENO);
	close(c->saved);
	rewind(c->f);
	size_t n = fread(text, 1, sizeof(text) - 1, c->f);
	text[n] = '\0';
	fclose(c->f);
	return text;
}

static void
levels_and_format(void **state)
{
	(void)state;
	unsetenv("JOURNAL_STREAM");
	log_open(LOG_TARGET_STDERR, "nazar-test");
	log_set_level(LOG_LEVEL_INFO);
	struct capture c;
	capture_start(&c);
	log_debug("not this one");
	log_info("approved by %s", "editor@example.org");
	log_warn("second");
	const char *text = capture_end(&c);
	assert_null(strstr(text, "not this one"));
	assert_non_null(strstr(text, " nazar-test["));
	assert_non_null(strstr(text, "] info: approved by e***@e***.org\n"));
	assert_non_null(strstr(text, "] warn: second\n"));
	assert_null(strstr(text, "editor@"));
	assert_true(log_enabled(LOG_LEVEL_WARN));
	assert_false(log_enabled(LOG_LEVEL_DEBUG));
	log_open(LOG_TARGET_STDERR, "nazar");
}

/* --- the audit's lines --- */

static int
setup_store(void **state)
{
	*state = store_fixture_new("log");
	return 0;
}

static int
teardown_store(void **state)
{
	store_fixture_free(*state);
	return 0;
}

static void
audit_lines_follow_commits(void **state)
{
	struct store_fixture *f = *state;
	unsetenv("JOURNAL_STREAM");
	log_set_level(LOG_LEVEL_INFO);
	struct actor who = { .user_id = 0, .name = "sara (nazarctl)", .remote_addr = "" };
	struct capture c;

	capture_start(&c);
	assert_int_equal(store_begin_write(f->st), STORE_OK);
	assert_int_equal(store_audit_write(f->st, &who, 1000, &(struct audit_change){
	    .action = "edit", .comment_id = 0, .target = "rolled back",
	    .before = "old words", .after = "new words" }), STORE_OK);
	store_rollback(f->st);
	assert_int_equal(store_begin_write(f->st), STORE_OK);
	assert_int_equal(store_audit_write(f->st, &who, 1000, &(struct audit_change){
	    .action = "forget", .target = "r***@e***.org", .after = "3 comments" }), STORE_OK);
	assert_int_equal(store_audit_write(f->st, &who, 1000, &(struct audit_change){
	    .action = "block_add", .target = "email spammer@bad.example",
	    .reason = "a note" }), STORE_OK);
	assert_int_equal(store_commit(f->st), STORE_OK);
	const char *text = capture_end(&c);
	assert_null(strstr(text, "rolled back"));
	assert_null(strstr(text, "words"));
	assert_non_null(strstr(text, "info: audit: sara (nazarctl): forget r***@e***.org\n"));
	assert_non_null(strstr(text, "info: audit: sara (nazarctl): block_add email s***@b***.example\n"));
	assert_null(strstr(text, "spammer@"));
	assert_null(strstr(text, "a note"));

	/* Outside a transaction: at once. A failed sign-in under a name that
	 * is nobody's does not name it; one of a user does, as a warning. */
	capture_start(&c);
	assert_int_equal(store_audit_add(f->st, &(struct audit_entry){ .at = 1000,
	    .actor = (char *)"my secret passphrase", .remote_addr = (char *)"192.0.2.7",
	    .action = (char *)"login_failed", .reason = (char *)"unknown user" }), STORE_OK);
	assert_int_equal(store_audit_add(f->st, &(struct audit_entry){ .at = 1000,
	    .user_id = 0, .actor = (char *)"editor", .remote_addr = (char *)"192.0.2.8",
	    .action = (char *)"login" }), STORE_OK);
	text = capture_end(&c);
	assert_null(strstr(text, "passphrase"));
	assert_non_null(strstr(text,
	    "warn: audit: (a name of no user): login_failed from 192.0.2.7: unknown user\n"));
	assert_non_null(strstr(text, "info: audit: editor: login from 192.0.2.8\n"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mask_email),
		cmocka_unit_test(addresses_in_lines),
		cmocka_unit_test(one_line),
		cmocka_unit_test(long_lines_cut_whole),
		cmocka_unit_test(levels_and_format),
		cmocka_unit_test_setup_teardown(audit_lines_follow_commits, setup_store,
		    teardown_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
