/* test_locale.c — dates, numbers and digits in fa and en, and the string
 * catalog: parsing, lookups, formatting and every load error. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "arena.h"
#include "buf.h"
#include "catalog.h"
#include "locale.h"
#include "tmpl.h"

#define S(x) (x), sizeof(x) - 1
#define FA_MINUS "\xe2\x80\x8e\xe2\x88\x92"	/* LRM, U+2212 */

static void
use_tz(const char *tz)
{
	assert_int_equal(setenv("TZ", tz, 1), 0);
	tzset();
}

/* --- ids ----------------------------------------------------------------- */

static void
parse_and_names(void **state)
{
	(void)state;
	enum locale_id l = LOCALE__MAX;

	assert_int_equal(locale_parse("fa", &l), 0);
	assert_int_equal(l, LOCALE_FA);
	assert_int_equal(locale_parse("en", &l), 0);
	assert_int_equal(l, LOCALE_EN);
	l = LOCALE__MAX;
	assert_int_equal(locale_parse("FA", &l), -1);
	assert_int_equal(locale_parse("fa_IR", &l), -1);
	assert_int_equal(locale_parse("f", &l), -1);
	assert_int_equal(locale_parse("", &l), -1);
	assert_int_equal(locale_parse("ar", &l), -1);
	assert_int_equal(locale_parse(NULL, &l), -1);
	assert_int_equal(l, LOCALE__MAX);	/* untouched on failure */

	assert_string_equal(locale_code(LOCALE_FA), "fa");
	assert_string_equal(locale_code(LOCALE_EN), "en");
	assert_string_equal(locale_dir(LOCALE_FA), "rtl");
	assert_string_equal(locale_dir(LOCALE_EN), "ltr");
	/* A corrupt id falls back to English rather than reading past. */
	assert_string_equal(locale_code(LOCALE__MAX), "en");
	assert_string_equal(locale_dir((enum locale_id)-1), "ltr");
}

/* --- numbers and digits -------------------------------------------------- */

static void
int_is(enum locale_id l, long long n, const char *want)
{
	struct buf b = { 0 };

	buf_puts(&b, "[");
	locale_format_int(&b, l, n);
	buf_puts(&b, "]");
	assert_string_equal(buf_str(&b), want);
	buf_free(&b);
}

static void
format_int(void **state)
{
	(void)state;
	int_is(LOCALE_EN, 0, "[0]");
	int_is(LOCALE_EN, 12, "[12]");
	int_is(LOCALE_EN, -5, "[-5]");
	int_is(LOCALE_EN, LLONG_MAX, "[9223372036854775807]");
	int_is(LOCALE_EN, LLONG_MIN, "[-9223372036854775808]");
	int_is(LOCALE_FA, 0, "[۰]");
	int_is(LOCALE_FA, 12, "[۱۲]");
	int_is(LOCALE_FA, 1234567890, "[۱۲۳۴۵۶۷۸۹۰]");
	int_is(LOCALE_FA, -5, "[" FA_MINUS "۵]");
	int_is(LOCALE_FA, LLONG_MAX, "[۹۲۲۳۳۷۲۰۳۶۸۵۴۷۷۵۸۰۷]");
	int_is(LOCALE_FA, LLONG_MIN, "[" FA_MINUS "۹۲۲۳۳۷۲۰۳۶۸۵۴۷۷۵۸۰۸]");
}

static void
digits_is(enum locale_id l, const char *in, const char *want)
{
	struct buf b = { 0 };

	locale_digits(&b, l, in);
	assert_string_equal(buf_str(&b), want);
	buf_free(&b);
}

static void
digits(void **state)
{
	(void)state;
	digits_is(LOCALE_FA, "", "");
	digits_is(LOCALE_FA, NULL, "");
	digits_is(LOCALE_FA, "0123456789", "۰۱۲۳۴۵۶۷۸۹");
	digits_is(LOCALE_FA, "صفحهٔ 3 از 12", "صفحهٔ ۳ از ۱۲");
	digits_is(LOCALE_FA, "a/b-9", "a/b-۹");
	digits_is(LOCALE_FA, "۱۲ stays", "۱۲ stays");
	digits_is(LOCALE_EN, "page 3 of 12", "page 3 of 12");
	digits_is(LOCALE_EN, "", "");
}

/* --- dates --------------------------------------------------------------- */

static void
date_is(enum locale_id l, time_t t, const char *want)
{
	struct buf b = { 0 };

	locale_format_datetime(&b, l, t);
	assert_string_equal(buf_str(&b), want);
	buf_free(&b);
}

static void
datetime_tehran(void **state)
{
	(void)state;
	use_tz("Asia/Tehran");
	/* 2018-05-25 10:00 UTC, daylight saving time (+04:30). */
	date_is(LOCALE_FA, 1527242400, "جمعه ۴ خرداد ۱۳۹۷، ساعت ۱۴:۳۰");
	date_is(LOCALE_EN, 1527242400, "Friday 25 May 2018, 14:30");
	/* Nowruz 1404: the last minute of 1403 and the first of 1404
	 * (no daylight saving since 2022: +03:30). */
	date_is(LOCALE_FA, 1742502540, "پنجشنبه ۳۰ اسفند ۱۴۰۳، ساعت ۲۳:۵۹");
	date_is(LOCALE_FA, 1742502600, "جمعه ۱ فروردین ۱۴۰۴، ساعت ۰۰:۰۰");
	date_is(LOCALE_EN, 1742502600, "Friday 21 March 2025, 00:00");
	/* Daylight saving began at the end of 1 Farvardin 1397: 23:59:59
	 * is followed by 01:00. */
	date_is(LOCALE_FA, 1521664199, "چهارشنبه ۱ فروردین ۱۳۹۷، ساعت ۲۳:۵۹");
	date_is(LOCALE_FA, 1521664200, "پنجشنبه ۲ فروردین ۱۳۹۷، ساعت ۰۱:۰۰");
	date_is(LOCALE_EN, 1521664200, "Thursday 22 March 2018, 01:00");
	/* …and ended at the end of 30 Shahrivar: 23:59 is followed by 23:00. */
	date_is(LOCALE_FA, 1537558199, "جمعه ۳۰ شهریور ۱۳۹۷، ساعت ۲۳:۵۹");
	date_is(LOCALE_FA, 1537558200, "جمعه ۳۰ شهریور ۱۳۹۷، ساعت ۲۳:۰۰");
	date_is(LOCALE_EN, 1537558200, "Friday 21 September 2018, 23:00");
	/* 22 Bahman 1357, 12:05 (+03:30). */
	date_is(LOCALE_FA, 287570100, "یکشنبه ۲۲ بهمن ۱۳۵۷، ساعت ۱۲:۰۵");
	date_is(LOCALE_EN, 287570100, "Sunday 11 February 1979, 12:05");
}

static void
day_is(enum locale_id l, time_t t, bool year, const char *want)
{
	struct buf b = { 0 };
	locale_format_day(&b, l, t, year);
	assert_string_equal(buf_str(&b), want);
	buf_free(&b);
}

static void
day_tehran(void **state)
{
	(void)state;
	use_tz("Asia/Tehran");
	day_is(LOCALE_FA, 1527242400, false, "۴ خرداد");
	day_is(LOCALE_FA, 1527242400, true, "۴ خرداد ۱۳۹۷");
	day_is(LOCALE_EN, 1527242400, false, "25 May");
	day_is(LOCALE_EN, 1527242400, true, "25 May 2018");
	/* The last minute of 1403 and the first of 1404. */
	day_is(LOCALE_FA, 1742502540, true, "۳۰ اسفند ۱۴۰۳");
	day_is(LOCALE_FA, 1742502600, true, "۱ فروردین ۱۴۰۴");
	day_is(LOCALE_FA, 287570100, false, "۲۲ بهمن");
}

static void
datetime_follows_tz(void **state)
{
	(void)state;
	use_tz("UTC");
	date_is(LOCALE_FA, 1527242400, "جمعه ۴ خرداد ۱۳۹۷، ساعت ۱۰:۰۰");
	date_is(LOCALE_EN, 1527242400, "Friday 25 May 2018, 10:00");
	/* 20:30 UTC is still 30 Esfand in UTC, already Nowruz in Tehran. */
	date_is(LOCALE_FA, 1742502600, "پنجشنبه ۳۰ اسفند ۱۴۰۳، ساعت ۲۰:۳۰");
	date_is(LOCALE_EN, 0, "Thursday 1 January 1970, 00:00");
	use_tz("Asia/Tehran");
}

/* Every weekday and month name, from the tables a reader sees. */
static void
datetime_all_names(void **state)
{
	(void)state;
	static const char *const fa_days[7] = {
		"شنبه", "یکشنبه", "دوشنبه", "سه\xe2\x80\x8cشنبه", "چهارشنبه", "پنجشنبه", "جمعه"
	};
	static const char *const en_days[7] = {
		"Saturday", "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday"
	};
	static const char *const fa_months[12] = {
		"فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
		"مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"
	};
	/* 1 Farvardin … 1 Esfand 1403, 12:00 UTC (15:30 in Tehran). */
	static const time_t month_starts[12] = {
		1710936000, 1713614400, 1716292800, 1718971200, 1721649600, 1724328000,
		1727006400, 1729598400, 1732190400, 1734782400, 1737374400, 1739966400
	};
	struct buf b = { 0 }, want = { 0 };

	use_tz("Asia/Tehran");
	/* Saturday 26 May 2018 = 5 Khordad 1397, 12:00 UTC. */
	for (int i = 0; i < 7; i++) {
		time_t t = 1527336000 + (time_t)i * 86400;
		buf_reset(&b);
		buf_reset(&want);
		locale_format_datetime(&b, LOCALE_FA, t);
		buf_printf(&want, "%s ", fa_days[i]);
		locale_format_int(&want, LOCALE_FA, 5 + i);
		buf_puts(&want, " خرداد ۱۳۹۷، ساعت ۱۶:۳۰");
		assert_string_equal(buf_str(&b), buf_str(&want));
		buf_reset(&b);
		buf_reset(&want);
		locale_format_datetime(&b, LOCALE_EN, t);
		if (i < 6)
			buf_printf(&want, "%s %d May 2018, 16:30", en_days[i], 26 + i);
		else
			buf_printf(&want, "%s 1 June 2018, 16:30", en_days[i]);
		assert_string_equal(buf_str(&b), buf_str(&want));
	}
	for (int m = 0; m < 12; m++) {
		const char *s;
		buf_reset(&b);
		locale_format_datetime(&b, LOCALE_FA, month_starts[m]);
		s = buf_str(&b);
		/* "<weekday> ۱ <month> ۱۴۰۳، ساعت ۱۵:۳۰" */
		buf_reset(&want);
		buf_printf(&want, " ۱ %s ۱۴۰۳، ساعت ۱۵:۳۰", fa_months[m]);
		assert_non_null(strstr(s, buf_str(&want)));
		assert_string_equal(s + strlen(s) - want.len, buf_str(&want));
	}
	buf_free(&b);
	buf_free(&want);
}

static void
iso8601(void **state)
{
	(void)state;
	struct buf b = { 0 };

	use_tz("Asia/Tehran");	/* must not matter */
	locale_format_iso8601(&b, 1527242400);
	assert_string_equal(buf_str(&b), "2018-05-25T10:00:00Z");
	buf_reset(&b);
	locale_format_iso8601(&b, 0);
	assert_string_equal(buf_str(&b), "1970-01-01T00:00:00Z");
	buf_reset(&b);
	locale_format_iso8601(&b, -1);
	assert_string_equal(buf_str(&b), "1969-12-31T23:59:59Z");
	buf_reset(&b);
	locale_format_iso8601(&b, 1742502600);
	assert_string_equal(buf_str(&b), "2025-03-20T20:30:00Z");
	buf_free(&b);
}

/* --- catalog ------------------------------------------------------------- */

/* Writes data to a new temporary file; returns its path (to free). */
static char *
temp_file(const void *data, size_t len)
{
	const char *dir = getenv("TMPDIR");
	char *path = malloc(4096);

	assert_non_null(path);
	snprintf(path, 4096, "%s/nazar-catalog-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

static void
load_fails(const char *data, size_t len, int line, const char *problem)
{
	char *path = temp_file(data, len);
	char err[512], want[4200];

	memset(err, 0, sizeof(err));
	assert_null(catalog_load(path, err, sizeof(err)));
	if (line > 0)
		snprintf(want, sizeof(want), "%s:%d: %s", path, line, problem);
	else
		snprintf(want, sizeof(want), "%s: %s", path, problem);
	assert_string_equal(err, want);
	unlink(path);
	free(path);
}

static const char good[] =
    "\xef\xbb\xbf# nazar strings\r\n"
    "\n"
    "   # indented comment\n"
    "title = نظرات\r\n"
    "count.other={n} نظر\n"
    "  spaced.key\t=\t  value with  inner  spaces  \t\n"
    "eq = a = b # not a comment\n"
    "empty =\n"
    "repeat = {n} and {n}, {x} {n\n"
    "under_score.9 = ok";	/* no final newline */

static void
catalog_good_file(void **state)
{
	(void)state;
	char err[256] = "";
	char *path = temp_file(good, sizeof(good) - 1);
	struct catalog *c = catalog_load(path, err, sizeof(err));
	struct arena *a = arena_new();

	assert_non_null(c);
	assert_string_equal(err, "");
	assert_true(catalog_has(c, "title"));
	assert_string_equal(catalog_get(c, "title"), "نظرات");
	assert_string_equal(catalog_get(c, "count.other"), "{n} نظر");
	assert_string_equal(catalog_get(c, "spaced.key"), "value with  inner  spaces");
	assert_string_equal(catalog_get(c, "eq"), "a = b # not a comment");
	assert_true(catalog_has(c, "empty"));
	assert_string_equal(catalog_get(c, "empty"), "");
	assert_string_equal(catalog_get(c, "under_score.9"), "ok");
	/* Absent keys: not there, and shown as the key itself. */
	assert_false(catalog_has(c, "missing"));
	assert_false(catalog_has(c, "titl"));
	assert_false(catalog_has(c, "# nazar strings"));
	assert_false(catalog_has(c, "\xef\xbb\xbf# nazar strings"));
	assert_string_equal(catalog_get(c, "missing.key"), "missing.key");

	assert_string_equal(catalog_format(a, c, "count.other", "۱۲"), "۱۲ نظر");
	assert_string_equal(catalog_format(a, c, "repeat", "7"), "7 and 7, {x} {n");
	assert_string_equal(catalog_format(a, c, "repeat", NULL), " and , {x} {n");
	assert_string_equal(catalog_format(a, c, "title", "7"), "نظرات");
	assert_string_equal(catalog_format(a, c, "no.such", "7"), "no.such");
	/* n_text is not searched again: no recursion, no blow-up. */
	assert_string_equal(catalog_format(a, c, "repeat", "{n}"), "{n} and {n}, {x} {n");

	struct tval *obj = tval_object(a);
	catalog_to_tval(c, a, obj);
	assert_string_equal(tval_string(tval_get(obj, "title")), "نظرات");
	assert_string_equal(tval_string(tval_get(obj, "count.other")), "{n} نظر");
	assert_string_equal(tval_string(tval_get(obj, "empty")), "");
	assert_null(tval_get(obj, "missing"));

	catalog_free(c);
	arena_free(a);
	unlink(path);
	free(path);
}

static void
catalog_null_and_empty(void **state)
{
	(void)state;
	char err[256] = "";
	struct arena *a = arena_new();

	assert_false(catalog_has(NULL, "x"));
	assert_string_equal(catalog_get(NULL, "x"), "x");
	assert_string_equal(catalog_format(a, NULL, "a{n}", "1"), "a1");
	catalog_free(NULL);

	char *path = temp_file("", 0);
	struct catalog *c = catalog_load(path, err, sizeof(err));
	assert_non_null(c);
	assert_false(catalog_has(c, "x"));
	assert_string_equal(catalog_get(c, "x"), "x");
	catalog_free(c);
	unlink(path);
	free(path);
	arena_free(a);
}

static void
catalog_line_errors(void **state)
{
	(void)state;
	load_fails(S("a = 1\nno equals sign\n"), 2, "expected \"key = value\"");
	load_fails(S("= value\n"), 1, "missing key");
	load_fails(S("a = 1\nb = 2\n  a\t= 3\n"), 3, "duplicate key");
	load_fails(S("Title = x\n"), 1, "invalid key (allowed: a-z 0-9 _ .)");
	load_fails(S("two words = x\n"), 1, "invalid key (allowed: a-z 0-9 _ .)");
	load_fails(S("a-b = x\n"), 1, "invalid key (allowed: a-z 0-9 _ .)");
	load_fails(S("عنوان = x\n"), 1, "invalid key (allowed: a-z 0-9 _ .)");
	load_fails(S("a = 1\nb = \xc0\xaf\n"), 2, "invalid UTF-8");
	load_fails(S("a = \xed\xa0\x80\n"), 1, "invalid UTF-8");
	load_fails(S("# \xff comment\n"), 1, "invalid UTF-8");
	load_fails(S("a = 1\nb = x\0y\n"), 2, "NUL byte");
	/* The first problem in the file is the one reported. */
	load_fails(S("a = 1\na = 2\nbad\n"), 2, "duplicate key");
}

static void
catalog_limits(void **state)
{
	(void)state;
	struct buf b = { 0 };
	char err[512];

	/* A 4096-byte line is accepted, 4097 bytes are not. */
	buf_puts(&b, "k = ");
	for (int i = 0; i < 4092; i++)
		buf_putc(&b, 'x');
	buf_putc(&b, '\n');
	char *path = temp_file(b.data, b.len);
	struct catalog *c = catalog_load(path, err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(strlen(catalog_get(c, "k")), 4092);
	catalog_free(c);
	unlink(path);
	free(path);
	buf_reset(&b);
	buf_puts(&b, "a = 1\nk = ");
	for (int i = 0; i < 4093; i++)
		buf_putc(&b, 'x');
	load_fails(b.data, b.len, 2, "line longer than 4096 bytes");

	/* 1000 keys are accepted, the 1001st is refused. */
	buf_reset(&b);
	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "key.%d = value %d\n", i, i);
	path = temp_file(b.data, b.len);
	c = catalog_load(path, err, sizeof(err));
	assert_non_null(c);
	assert_string_equal(catalog_get(c, "key.999"), "value 999");
	assert_string_equal(catalog_get(c, "key.0"), "value 0");
	assert_string_equal(catalog_get(c, "key.500"), "value 500");
	catalog_free(c);
	unlink(path);
	free(path);
	buf_puts(&b, "# comments do not count\nkey.1000 = one too many\n");
	load_fails(b.data, b.len, 1002, "too many keys");

	/* 256 KiB exactly is accepted; one byte more is not. */
	buf_reset(&b);
	while (b.len + 100 <= 256 * 1024) {
		buf_puts(&b, "#");
		for (int i = 0; i < 98; i++)
			buf_putc(&b, '-');
		buf_putc(&b, '\n');
	}
	while (b.len < 256 * 1024 - 1)
		buf_putc(&b, '#');
	buf_putc(&b, '\n');
	assert_int_equal(b.len, 256 * 1024);
	path = temp_file(b.data, b.len);
	c = catalog_load(path, err, sizeof(err));
	assert_non_null(c);
	catalog_free(c);
	unlink(path);
	free(path);
	buf_putc(&b, '\n');
	load_fails(b.data, b.len, 0, "larger than 262144 bytes");
	buf_free(&b);
}

static void
catalog_file_errors(void **state)
{
	(void)state;
	char err[512], small[12];
	const char *dir = getenv("TMPDIR");

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	assert_null(catalog_load("/nonexistent/nazar/fa.ini", err, sizeof(err)));
	assert_string_equal(err, "/nonexistent/nazar/fa.ini: No such file or directory");
	assert_null(catalog_load(dir, err, sizeof(err)));
	assert_non_null(strstr(err, ": not a regular file"));
	/* A short error buffer is truncated, never overrun. */
	memset(small, 'Z', sizeof(small));
	assert_null(catalog_load("/nonexistent/nazar/fa.ini", small, 8));
	assert_string_equal(small, "/nonexi");
	assert_int_equal(small[8], 'Z');
	assert_null(catalog_load("/nonexistent/nazar/fa.ini", NULL, 0));
}

/* The shipped catalogs load and offer the same keys. */
static void
catalog_shipped_files(void **state)
{
	(void)state;
	const char *src = getenv("NAZAR_SRCDIR");
	char fa_path[4096], en_path[4096], err[512] = "";

	if (src == NULL || *src == '\0')
		skip();
	snprintf(fa_path, sizeof(fa_path), "%s/templates/i18n/fa.ini", src);
	snprintf(en_path, sizeof(en_path), "%s/templates/i18n/en.ini", src);
	struct catalog *fa = catalog_load(fa_path, err, sizeof(err));
	if (fa == NULL)
		print_error("%s\n", err);
	assert_non_null(fa);
	struct catalog *en = catalog_load(en_path, err, sizeof(err));
	if (en == NULL)
		print_error("%s\n", err);
	assert_non_null(en);

	/* Every key of one file is in the other. */
	const char *sides[2][2] = { { fa_path, en_path }, { en_path, fa_path } };
	for (int s = 0; s < 2; s++) {
		FILE *f = fopen(sides[s][0], "r");
		struct catalog *other = s == 0 ? en : fa;
		char line[4200];
		assert_non_null(f);
		while (fgets(line, sizeof(line), f) != NULL) {
			char *eq = strchr(line, '=');
			if (line[0] == '#' || eq == NULL)
				continue;
			while (eq > line && (eq[-1] == ' ' || eq[-1] == '\t'))
				eq--;
			*eq = '\0';
			if (!catalog_has(other, line))
				print_error("%s lacks \"%s\"\n", sides[s][1], line);
			assert_true(catalog_has(other, line));
		}
		fclose(f);
	}
	catalog_free(fa);
	catalog_free(en);
}

/* --- reading ISO 8601 / RFC 3339 times ----------------------------------- */

static int64_t
iso(const char *s)
{
	int64_t t = -12345;
	assert_int_equal(locale_parse_iso8601(s, strlen(s), 0, &t), 0);
	return t;
}

static bool
iso_refused(const char *s)
{
	int64_t t;
	return locale_parse_iso8601(s, strlen(s), 0, &t) != 0;
}

/* An import's time stamp (ISO8601_IMPORT); -1 when refused. */
static int64_t
stamp(const char *s)
{
	int64_t t = -12345;
	return locale_parse_iso8601(s, s != NULL ? strlen(s) : 0, ISO8601_IMPORT, &t) == 0 ? t : -1;
}

static void
parse_iso8601(void **state)
{
	(void)state;
	assert_int_equal(iso("1970-01-01"), 0);
	assert_int_equal(iso("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(iso("2018-05-25T10:00:00Z"), 1527242400);
	assert_int_equal(iso("2018-05-25 10:00:00"), 1527242400);
	assert_int_equal(iso("2018-05-25T10:00"), 1527242400);
	assert_int_equal(iso("2018-05-25t10:00:00z"), 1527242400);
	assert_int_equal(iso("2018-05-25T10:00:00.999999999Z"), 1527242400);
	assert_int_equal(iso("2018-05-25T13:30:00+03:30"), 1527242400);
	assert_int_equal(iso("2018-05-25T13:30:00+0330"), 1527242400);
	assert_int_equal(iso("2018-05-25T05:00:00-05:00"), 1527242400);
	assert_int_equal(iso("2016-12-31T23:59:60Z"), 1483228799);
	assert_int_equal(iso("2024-02-29"), 1709164800);
	assert_int_equal(iso("9999-12-31T23:59:59Z"), 253402300799LL);
	assert_true(iso("0001-01-01") < 0);
	/* Every other shape is refused, whole. */
	assert_true(iso_refused(""));
	assert_true(iso_refused("2018"));
	assert_true(iso_refused("2018-5-25"));
	assert_true(iso_refused("2018-05-25T"));
	assert_true(iso_refused("2018-05-25T10"));
	assert_true(iso_refused("2018-05-25T10:00:00ZZ"));
	assert_true(iso_refused("2018-05-25T10:00:00 "));
	assert_true(iso_refused(" 2018-05-25"));
	assert_true(iso_refused("2018-05-25T10:00:00."));
	assert_true(iso_refused("2018-05-25T10:00:00+3"));
	assert_true(iso_refused("2018-05-25T10:00:00+24:00"));
	assert_true(iso_refused("2023-02-29"));
	assert_true(iso_refused("2018-13-01"));
	assert_true(iso_refused("2018-00-01"));
	assert_true(iso_refused("2018-04-31"));
	assert_true(iso_refused("2018-05-25T24:00:00Z"));
	assert_true(iso_refused("2018-05-25T10:60:00Z"));
	assert_true(iso_refused("0000-01-01"));
	assert_true(iso_refused("-001-01-01"));
	assert_true(iso_refused("۲۰۱۸-۰۵-۲۵"));
	/* len bounds the text: no NUL needed, none read past. */
	int64_t t;
	assert_int_equal(locale_parse_iso8601("2018-05-25XYZ", 10, 0, &t), 0);
	assert_int_equal(t, 1527206400);
	assert_int_equal(locale_parse_iso8601("2018-05-25T10:00:00+03X", 22, 0, &t), 0);
	assert_int_equal(t, 1527231600);
	assert_int_equal(locale_parse_iso8601(NULL, 0, 0, &t), -1);
	/* A NUL inside is not a character the form has. */
	assert_int_equal(locale_parse_iso8601("2018-05-25\0", 11, 0, &t), -1);
	assert_int_equal(locale_parse_iso8601("2018-05-25T10:00:00\0Z", 21, 0, &t), -1);
	/* Hours alone as the offset, never one digit or a colon with nothing after. */
	assert_int_equal(iso("2018-05-25T13:00:00+03"), 1527242400);
	assert_true(iso_refused("2018-05-25T13:00:00+03:"));
	assert_true(iso_refused("2018-05-25T13:00:00+03:3"));
	assert_true(iso_refused("2018-05-25T13:00:00+033"));
	assert_true(iso_refused("2018-05-25T13:00:00+03:300"));
	assert_true(iso_refused("2018-05-25T13:00:00++03:30"));
	assert_true(iso_refused("2018-05-25T13:00:00Z+03:30"));
}

/* Another system's time stamps, as imports read them: white space around,
 * a space or T between, no zone for UTC, a time of day needed, nothing
 * before 1970. */
static void
parse_iso8601_import(void **state)
{
	(void)state;
	const int64_t t0 = 1796342400;	/* 2026-12-04T00:00:00Z */
	assert_int_equal(stamp("2026-12-04T00:00:00Z"), t0);
	assert_int_equal(stamp("  2026-12-04 00:00:00  "), t0);
	assert_int_equal(stamp("\t\n2026-12-04 00:00:00\r\n"), t0);
	assert_int_equal(stamp("2026-12-04 00:00"), t0);
	assert_int_equal(stamp("2026-12-04T03:30:00+03:30"), t0);
	assert_int_equal(stamp("2026-12-04T03:00:00+03"), t0);
	assert_int_equal(stamp("2026-12-03T19:00:00.123-0500"), t0);
	assert_int_equal(stamp("2024-02-29 12:00:00"), 1709208000);
	assert_int_equal(stamp("1970-01-01 00:00:00"), 0);
	assert_int_equal(stamp("9999-12-31T23:59:59Z"), 253402300799LL);
	/* The strict form refuses the white space; the import's refuses the rest. */
	assert_true(iso_refused("  2026-12-04 00:00:00  "));
	assert_int_equal(stamp("2023-02-29 12:00:00"), -1);
	assert_int_equal(stamp("0000-00-00 00:00:00"), -1);
	assert_int_equal(stamp("2026-13-01 00:00:00"), -1);
	assert_int_equal(stamp("2026-12-04"), -1);
	assert_int_equal(stamp("2026-12-04 "), -1);
	assert_int_equal(stamp("2026-12-04T00:00:00Zjunk"), -1);
	assert_int_equal(stamp("2026-12-04T00:00:00 Z"), -1);
	assert_int_equal(stamp("2026-12-04  00:00:00"), -1);
	assert_int_equal(stamp("1969-12-31 23:59:59"), -1);
	assert_int_equal(stamp("1970-01-01T00:00:00+00:01"), -1);
	assert_int_equal(stamp("1969-12-31T23:00:00-02:00"), -1);
	assert_int_equal(stamp(""), -1);
	assert_int_equal(stamp("   "), -1);
	assert_int_equal(stamp(NULL), -1);
	assert_int_equal(stamp("\xd9\xa2\xd9\xa0\xd9\xa2\xd9\xa6-12-04 00:00:00"), -1);
	assert_int_equal(stamp("2026-12-04T00:00:00.Z"), -1);
	assert_int_equal(stamp("2026-12-04T00:00:00+99:99"), -1);
	assert_int_equal(stamp("99999-12-04T00:00:00Z"), -1);
	/* Every prefix of a good stamp is whole or refused, never read past. */
	const char *whole = "2026-12-03T19:00:00.123-05:00";
	for (size_t n = 0; n <= strlen(whole); n++) {
		int64_t t = -1;
		int rc = locale_parse_iso8601(whole, n, ISO8601_IMPORT, &t);
		assert_true(rc == -1 || (rc == 0 && t >= 0));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_and_names),
		cmocka_unit_test(format_int),
		cmocka_unit_test(digits),
		cmocka_unit_test(datetime_tehran),
		cmocka_unit_test(datetime_follows_tz),
		cmocka_unit_test(day_tehran),
		cmocka_unit_test(datetime_all_names),
		cmocka_unit_test(iso8601),
		cmocka_unit_test(catalog_good_file),
		cmocka_unit_test(catalog_null_and_empty),
		cmocka_unit_test(catalog_line_errors),
		cmocka_unit_test(catalog_limits),
		cmocka_unit_test(catalog_file_errors),
		cmocka_unit_test(catalog_shipped_files),
		cmocka_unit_test(parse_iso8601),
		cmocka_unit_test(parse_iso8601_import),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
