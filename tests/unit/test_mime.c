/* test_mime.c — mail headers, addresses and messages (mime.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "buf.h"
#include "mime.h"

/* Decodes every encoded word of a header value back to UTF-8, checking
 * the rules on the way: no line over 76 characters, every word whole. */
static char *
decode_header(const char *h)
{
	struct buf out = { 0 };
	const char *colon = strchr(h, ':');
	assert_non_null(colon);
	const char *p = colon + 2;
	/* Lines */
	const char *line = h;
	for (const char *q = h; *q; q++)
		if (*q == '\n') {
			assert_true(q - line <= 77);	/* 76 + the CR */
			line = q + 1;
		}
	while (*p != '\0') {
		if (strncmp(p, "=?UTF-8?B?", 10) == 0) {
			const char *end = strstr(p + 10, "?=");
			assert_non_null(end);
			assert_true(end + 2 - p <= 75);
			unsigned char bin[100];
			size_t len;
			assert_int_equal(sodium_base642bin(bin, sizeof(bin), p + 10,
			    (size_t)(end - p - 10), NULL, &len, NULL,
			    sodium_base64_VARIANT_ORIGINAL), 0);
			buf_append(&out, bin, len);
			p = end + 2;
		} else if (strncmp(p, "\r\n ", 3) == 0) {
			p += 3;
		} else if (strcmp(p, "\r\n") == 0) {
			break;
		} else {
			buf_putc(&out, *p++);
		}
	}
	char *s = strdup(buf_str(&out));
	buf_free(&out);
	return s;
}

static void
ascii_stays_plain(void **state)
{
	(void)state;
	struct buf b = { 0 };
	mime_header(&b, "Subject", "[news] comment waiting");
	assert_string_equal(buf_str(&b), "Subject: [news] comment waiting\r\n");
	buf_free(&b);
}

static void
persian_is_encoded_and_folded(void **state)
{
	(void)state;
	const char *v = "[خبرگزاری] نظری در انتظار بررسی: علی رضایی از تهران، با متنی بلند "
	    "که باید در چند واژهٔ رمزشده بیاید";
	struct buf b = { 0 };
	mime_header(&b, "Subject", v);
	assert_non_null(strstr(buf_str(&b), "=?UTF-8?B?"));
	assert_non_null(strstr(buf_str(&b), "\r\n "));
	char *back = decode_header(buf_str(&b));
	assert_string_equal(back, v);
	free(back);
	buf_free(&b);
}

static void
no_header_injection(void **state)
{
	(void)state;
	struct buf b = { 0 };
	mime_header(&b, "Subject", "hi\r\nBcc: victim@example.org");
	/* One line only: the CR LF became spaces. */
	const char *s = buf_str(&b);
	assert_ptr_equal(strstr(s, "\r\n"), s + strlen(s) - 2);
	assert_null(strstr(s, "\nBcc"));
	buf_free(&b);
}

static void
encoded_word_lookalike_is_encoded(void **state)
{
	(void)state;
	struct buf b = { 0 };
	mime_header(&b, "Subject", "=?UTF-8?B?aGk=?=");
	char *back = decode_header(buf_str(&b));
	assert_string_equal(back, "=?UTF-8?B?aGk=?=");
	free(back);
	buf_free(&b);
}

static void
characters_never_split(void **state)
{
	(void)state;
	/* Four-byte characters across every word boundary. */
	char v[400] = "";
	for (int i = 0; i < 60; i++)
		strcat(v, "😀");
	struct buf b = { 0 };
	mime_header(&b, "Subject", v);
	char *back = decode_header(buf_str(&b));
	assert_string_equal(back, v);
	free(back);
	buf_free(&b);
}

/* Not UTF-8: a long run of continuation bytes (the fuzzer's find) is
 * cut like any bytes, and no line grows past 76 characters. */
static void
invalid_runs_keep_lines_short(void **state)
{
	(void)state;
	char v[300];
	v[0] = (char)0x82;
	memset(v + 1, 0x81, sizeof(v) - 2);
	v[sizeof(v) - 1] = '\0';
	struct buf b = { 0 };
	mime_header(&b, "Subject", v);
	char *back = decode_header(buf_str(&b));
	assert_string_equal(back, v);
	free(back);
	buf_free(&b);
}

static void
addresses(void **state)
{
	(void)state;
	assert_true(mime_address_valid("comments@example.ir"));
	assert_true(mime_address_valid("a.b+tag@mail.example.org"));
	assert_true(mime_address_valid("root@localhost"));
	assert_false(mime_address_valid("noat.example.org"));
	assert_false(mime_address_valid("@example.org"));
	assert_false(mime_address_valid("a@example"));
	assert_false(mime_address_valid(".a@example.org"));
	assert_false(mime_address_valid("a..b@example.org"));
	assert_false(mime_address_valid("a b@example.org"));
	assert_false(mime_address_valid("a@example.org>"));
	assert_false(mime_address_valid("\"a\"@example.org"));
	assert_false(mime_address_valid("a@exa_mple.org"));
	assert_false(mime_address_valid("a@-example.org"));
	assert_false(mime_address_valid("a@example.org\r\nBcc: x@y.z"));
	assert_false(mime_address_valid("علی@example.org"));
	assert_false(mime_address_valid(NULL));
	char longer[300];
	memset(longer, 'a', sizeof(longer));
	strcpy(longer + 250, "@x.org");
	assert_false(mime_address_valid(longer));
	assert_string_equal(mime_address_domain("a@b.example"), "b.example");
}

static void
date_is_rfc5322(void **state)
{
	(void)state;
	struct buf b = { 0 };
	mime_date(&b, 1796355474);	/* 2026-12-04T03:37:54Z */
	assert_string_equal(buf_str(&b), "Fri, 04 Dec 2026 03:37:54 +0000");
	buf_free(&b);
}

static void
mailbox_forms(void **state)
{
	(void)state;
	struct buf b = { 0 };
	mime_header_mailbox(&b, "From", "News site", "c@example.ir");
	assert_string_equal(buf_str(&b), "From: \"News site\"\r\n <c@example.ir>\r\n");
	buf_reset(&b);
	mime_header_mailbox(&b, "From", "", "c@example.ir");
	assert_string_equal(buf_str(&b), "From: <c@example.ir>\r\n");
	buf_reset(&b);
	mime_header_mailbox(&b, "From", "say \"hi\"", "c@example.ir");
	assert_non_null(strstr(buf_str(&b), "=?UTF-8?B?"));
	buf_free(&b);
}

static void
message_has_both_parts(void **state)
{
	(void)state;
	struct buf b = { 0 };
	struct mime_message m = { .from_name = "خبر", .from = "c@example.ir",
	    .to = "m@example.ir", .subject = "سلام", .date = 0, .message_id = "x.1@example.ir",
	    .text = "متن", .html = "<p dir=\"rtl\">متن</p>", .boundary = "nazar-b-1" };
	mime_message_write(&b, &m);
	const char *s = buf_str(&b);
	assert_non_null(strstr(s, "Message-ID: <x.1@example.ir>\r\n"));
	assert_non_null(strstr(s, "Auto-Submitted: auto-generated\r\n"));
	assert_non_null(strstr(s, "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"));
	assert_non_null(strstr(s, "multipart/alternative; boundary=\"nazar-b-1\""));
	assert_non_null(strstr(s, "Content-Type: text/plain; charset=UTF-8"));
	assert_non_null(strstr(s, "Content-Type: text/html; charset=UTF-8"));
	assert_non_null(strstr(s, "--nazar-b-1--\r\n"));
	/* Only ASCII on the wire. */
	for (size_t i = 0; i < b.len; i++)
		assert_true((unsigned char)s[i] < 0x80);
	buf_free(&b);
}

static void
base64_lines_are_76(void **state)
{
	(void)state;
	char data[200];
	memset(data, 'x', sizeof(data));
	struct buf b = { 0 };
	mime_base64_lines(&b, data, sizeof(data));
	const char *s = buf_str(&b);
	assert_int_equal(strcspn(s, "\r"), 76);
	assert_int_equal(b.len, 3 * (76 + 2) + 40 + 2);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ascii_stays_plain),
		cmocka_unit_test(persian_is_encoded_and_folded),
		cmocka_unit_test(no_header_injection),
		cmocka_unit_test(encoded_word_lookalike_is_encoded),
		cmocka_unit_test(characters_never_split),
		cmocka_unit_test(invalid_runs_keep_lines_short),
		cmocka_unit_test(addresses),
		cmocka_unit_test(date_is_rfc5322),
		cmocka_unit_test(mailbox_forms),
		cmocka_unit_test(message_has_both_parts),
		cmocka_unit_test(base64_lines_are_76),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
