/* test_jsonl.c — JSON records from hostile files (jsonl.h): lines and
 * documents read one record at a time, and every way a file can be
 * wrong refused with its line: invalid UTF-8, NUL, duplicate keys,
 * numbers past 64 bits, records past the size bound, nesting past the
 * depth bound, a cut file, something after the document. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "jsonl.h"

#define S(x) (x), sizeof(x) - 1

/* Reads every line of text; the number read, or -1 - records before the
 * error with err filled. */
static int
lines(const char *text, size_t len, size_t max, char *err)
{
	struct jsonl *r = jsonl_memory(text, len, max);
	json_t *v;
	int n = 0, rc;
	err[0] = '\0';
	while ((rc = jsonl_next(r, &v, err, 200)) == 1) {
		assert_true(json_is_object(v));
		json_decref(v);
		n++;
	}
	jsonl_close(r);
	return rc == 0 ? n : -1 - n;
}

static void
lines_read(void **state)
{
	(void)state;
	char err[200];
	assert_int_equal(lines(S(""), 0, err), 0);
	assert_int_equal(lines(S("\n\n  \t\n"), 0, err), 0);
	assert_int_equal(lines(S("{\"a\":1}\n{\"b\":\"سلام\"}\n"), 0, err), 2);
	/* No newline at the end, CRLF, blank lines between, a byte-order mark. */
	assert_int_equal(lines(S("{\"a\":1}\r\n\r\n{}"), 0, err), 2);
	assert_int_equal(lines(S("\xef\xbb\xbf{\"a\":1}\n"), 0, err), 1);
	/* Text as JSON has it: escapes, surrogate pairs, U+2028. */
	struct jsonl *r = jsonl_memory(S("{\"t\":\"a\\n\\\"b\\u0633\\ud83d\\ude00\xe2\x80\xa8\"}\n"),
	    0);
	json_t *v;
	assert_int_equal(jsonl_next(r, &v, err, sizeof(err)), 1);
	assert_string_equal(json_string_value(json_object_get(v, "t")),
	    "a\n\"b\xd8\xb3\xf0\x9f\x98\x80\xe2\x80\xa8");
	json_decref(v);
	assert_int_equal(jsonl_next(r, &v, err, sizeof(err)), 0);
	assert_int_equal(jsonl_done(r), jsonl_total(r));
	jsonl_close(r);
}

static void
lines_refused(void **state)
{
	(void)state;
	char err[200];
	assert_int_equal(lines(S("{\"a\":1}\n{\"a\":\"\xff\"}\n{}\n"), 0, err), -2);
	assert_non_null(strstr(err, "line 2"));
	assert_int_equal(lines(S("{\"a\":\"\xc0\xaf\"}"), 0, err), -1);
	assert_int_equal(lines(S("{\"a\":\"\xed\xa0\x80\"}"), 0, err), -1);
	assert_int_equal(lines(S("{\"a\":\"x\\u0000y\"}"), 0, err), -1);
	assert_int_equal(lines(S("{\"a\":\"\\ud800\"}"), 0, err), -1);
	assert_int_equal(lines(S("{\"a\":1,\"a\":2}"), 0, err), -1);
	assert_non_null(strstr(err, "duplicate"));
	assert_int_equal(lines(S("{\"a\":99999999999999999999}"), 0, err), -1);
	assert_int_equal(lines(S("[1,2]\n"), 0, err), -1);
	assert_non_null(strstr(err, "not a JSON object"));
	assert_int_equal(lines(S("\"text\"\n"), 0, err), -1);
	assert_int_equal(lines(S("{\"a\":1}{\"b\":2}\n"), 0, err), -1);
	assert_int_equal(lines(S("{\"a\":1}\n{\"b\":"), 0, err), -2);
	assert_int_equal(lines(S("{\"a\":1} x"), 0, err), -1);
	assert_int_equal(lines(S("{'a':1}"), 0, err), -1);
	assert_int_equal(lines(S("\xef\xbb{}"), 0, err), -1);
	assert_int_equal(lines(S("{\"a\":\"\x01\"}"), 0, err), -1);
	/* The bounds: bytes a record, nesting. */
	assert_int_equal(lines(S("{\"a\":\"0123456789\"}\n{\"a\":\"01234567890123456789\"}\n"), 20,
	    err), -2);
	assert_non_null(strstr(err, "line 2: longer than 20 bytes"));
	struct buf b = { 0 };
	buf_puts(&b, "{\"a\":");
	for (int i = 0; i < JSONL_MAX_DEPTH; i++)
		buf_putc(&b, '[');
	for (int i = 0; i < JSONL_MAX_DEPTH; i++)
		buf_putc(&b, ']');
	buf_puts(&b, "}\n");
	assert_int_equal(lines(b.data, b.len, 0, err), -1);
	assert_non_null(strstr(err, "nested deeper"));
	/* Brackets inside strings are not nesting. */
	buf_reset(&b);
	buf_puts(&b, "{\"a\":\"");
	for (int i = 0; i < 1000; i++)
		buf_puts(&b, "[{");
	buf_puts(&b, "\\\"\"}\n");
	assert_int_equal(lines(b.data, b.len, 0, err), 1);
	buf_free(&b);
}

/* --- documents --- */

struct seen {
	struct buf log;
	int stop_at;
	int calls;
};

static int
member(void *arg, const char *key, int64_t index, json_t *value)
{
	struct seen *s = arg;
	char *text = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
	assert_non_null(text);
	buf_printf(&s->log, "%s[%lld]=%s;", key, (long long)index, text);
	free(text);
	return ++s->calls == s->stop_at ? 7 : 0;
}

static int
document(const char *text, size_t len, size_t max, struct seen *s, char *err)
{
	buf_reset(&s->log);
	s->calls = 0;
	struct jsonl *r = jsonl_memory(text, len, max);
	err[0] = '\0';
	int rc = jsonl_document(r, member, s, err, 200);
	jsonl_close(r);
	return rc;
}

static void
documents(void **state)
{
	(void)state;
	struct seen s = { 0 };
	char err[200];
	assert_int_equal(document(S("{}"), 0, &s, err), 0);
	assert_string_equal(buf_str(&s.log), "");
	assert_int_equal(document(S("\xef\xbb\xbf { \"version\" : 1 ,\n \"comments\" : [ {\"a\":\"x]\"} ,"
	    "{\"b\":[1,{\"c\":null}]}, \"s\", 2.5, true ] , \"commenters\":[],\"o\":{\"k\":\"v\"},"
	    "\"k\\u0633\":\"\"}\n"), 0, &s, err), 0);
	assert_string_equal(buf_str(&s.log), "version[-1]=1;comments[0]={\"a\":\"x]\"};"
	    "comments[1]={\"b\":[1,{\"c\":null}]};comments[2]=\"s\";comments[3]=2.5;"
	    "comments[4]=true;o[-1]={\"k\":\"v\"};k\xd8\xb3[-1]=\"\";");
	/* A stop asked by the callback is returned. */
	s.stop_at = 2;
	assert_int_equal(document(S("{\"c\":[1,2,3]}"), 0, &s, err), 7);
	assert_int_equal(s.calls, 2);
	s.stop_at = 0;
	buf_free(&s.log);
}

static void
documents_refused(void **state)
{
	(void)state;
	struct seen s = { 0 };
	char err[200];
	static const char *const bad[] = {
		"", "[]", "\"x\"", "{", "{\"a\"", "{\"a\":", "{\"a\":1", "{\"a\":1,}",
		"{\"a\" 1}", "{a:1}", "{\"a\":[1,2", "{\"a\":[1,2,]}", "{\"a\":[1 2]}",
		"{\"a\":[{\"b\":1]}", "{\"a\":\"x}", "{\"a\":[\"\xff\"]}", "{\"a\":[{\"b\":1,\"b\":2}]}",
		"{\"a\":1} {}", "{\"a\":1}x", "{\"a\":[1]]}", "{\"a\":tru}", "{\"a\":[nul]}",
		"{\"\\u0000\":1}", "{\"a\":[1e99999]}", "{\"a\":[\"\\u0000\"]}", "{\"a\":[,]}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = document(bad[i], strlen(bad[i]), 0, &s, err);
		if (rc != -1)
			fail_msg("accepted: %s", bad[i]);
		assert_true(err[0] != '\0');
	}
	/* Elements past the bound, nesting past the bound. */
	assert_int_equal(document(S("{\"a\":[\"0123456789\",\"01234567890123456789\"]}"), 16, &s,
	    err), -1);
	assert_non_null(strstr(err, "longer than 16"));
	assert_int_equal(s.calls, 1);
	struct buf b = { 0 };
	buf_puts(&b, "{\"a\":[");
	for (int i = 0; i < 100000; i++)
		buf_putc(&b, '[');
	assert_int_equal(document(b.data, b.len, 0, &s, err), -1);
	assert_non_null(strstr(err, "nested deeper"));
	/* A name past its bound. */
	buf_reset(&b);
	buf_putc(&b, '{');
	buf_putc(&b, '"');
	for (int i = 0; i < 1000; i++)
		buf_putc(&b, 'k');
	buf_puts(&b, "\":1}");
	assert_int_equal(document(b.data, b.len, 0, &s, err), -1);
	buf_free(&b);
	buf_free(&s.log);
}

static void
files(void **state)
{
	(void)state;
	char dir[] = "/tmp/nazar-jsonl-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64], err[200];
	snprintf(path, sizeof(path), "%s/x.jsonl", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	/* More than one read chunk, and a line across the chunks' edge. */
	for (int i = 0; i < 5000; i++)
		fprintf(f, "{\"i\":%d,\"pad\":\"%040d\"}\n", i, i);
	fclose(f);
	struct jsonl *r = jsonl_open(path, 0, err, sizeof(err));
	assert_non_null(r);
	json_t *v;
	int n = 0;
	while (jsonl_next(r, &v, err, sizeof(err)) == 1) {
		assert_int_equal(json_integer_value(json_object_get(v, "i")), n);
		json_decref(v);
		n++;
	}
	assert_int_equal(n, 5000);
	assert_int_equal(jsonl_line(r), 5001);
	assert_int_equal(jsonl_done(r), jsonl_total(r));
	jsonl_close(r);
	assert_null(jsonl_open(dir, 0, err, sizeof(err)));
	assert_non_null(strstr(err, "not a regular file"));
	unlink(path);
	assert_null(jsonl_open(path, 0, err, sizeof(err)));
	assert_non_null(strstr(err, "No such file"));
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lines_read),
		cmocka_unit_test(lines_refused),
		cmocka_unit_test(documents),
		cmocka_unit_test(documents_refused),
		cmocka_unit_test(files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
