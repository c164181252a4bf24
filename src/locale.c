/* locale.c — dates, numbers and direction for Persian and English pages:
 * Solar Hijri dates with Persian digits in fa, Gregorian ones in en. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "jalali.h"
#include "locale.h"
#include "num.h"

static const char *const codes[LOCALE__MAX] = {
	"en",	/* LOCALE_EN */
	"fa",	/* LOCALE_FA */
};

static const char *const dirs[LOCALE__MAX] = {
	"ltr",	/* LOCALE_EN */
	"rtl",	/* LOCALE_FA */
};

/* Indexed by struct tm's tm_wday: Sunday first. */
static const char *const fa_weekdays[7] = {
	"یکشنبه", "دوشنبه", "سه\u200cشنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه"
};
static const char *const fa_months[12] = {
	"فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
	"مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"
};
static const char *const en_weekdays[7] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"
};
static const char *const en_months[12] = {
	"January", "February", "March", "April", "May", "June",
	"July", "August", "September", "October", "November", "December"
};

/* ۰ … ۹ (U+06F0 … U+06F9), two bytes each. */
static const char *const fa_digits[10] = {
	"۰", "۱", "۲", "۳", "۴", "۵", "۶", "۷", "۸", "۹"
};

/* CLDR's minus sign for fa: a left-to-right mark keeps it before the
 * number in right-to-left text, U+2212 is the real minus. */
#define FA_MINUS "\u200e\u2212"

static enum locale_id
checked(enum locale_id l)
{
	return (unsigned)l < LOCALE__MAX ? l : LOCALE_EN;
}

int
locale_parse(const char *name, enum locale_id *out)
{
	if (name == NULL)
		return -1;
	for (int i = 0; i < LOCALE__MAX; i++) {
		if (strcmp(name, codes[i]) == 0) {
			*out = (enum locale_id)i;
			return 0;
		}
	}
	return -1;
}

const char *
locale_code(enum locale_id l)
{
	return codes[checked(l)];
}

const char *
locale_dir(enum locale_id l)
{
	return dirs[checked(l)];
}

void
locale_digits(struct buf *out, enum locale_id l, const char *s)
{
	size_t run = 0, i;

	if (s == NULL)
		return;
	if (checked(l) != LOCALE_FA) {
		buf_puts(out, s);
		return;
	}
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			continue;
		buf_append(out, s + run, i - run);
		buf_puts(out, fa_digits[s[i] - '0']);
		run = i + 1;
	}
	buf_append(out, s + run, i - run);
}

void
locale_format_int(struct buf *out, enum locale_id l, long long n)
{
	char tmp[NUM_TEXT_MAX];

	/* num_format prints INT64_MIN correctly; negating it would overflow. */
	num_format(tmp, (int64_t)n);
	if (checked(l) == LOCALE_FA && tmp[0] == '-') {
		buf_puts(out, FA_MINUS);
		locale_digits(out, l, tmp + 1);
	} else
		locale_digits(out, l, tmp);
}

/* Two-digit hour or minute in the locale's digits. */
static void
two_digits(struct buf *out, enum locale_id l, int v)
{
	char tmp[3] = { (char)('0' + v / 10 % 10), (char)('0' + v % 10), '\0' };

	locale_digits(out, l, tmp);
}

void
locale_format_datetime(struct buf *out, enum locale_id l, time_t t)
{
	struct tm tm;

	/* Only a time far outside any comment's life fails here. */
	if (localtime_r(&t, &tm) == NULL || tm.tm_wday < 0 || tm.tm_wday > 6 ||
	    tm.tm_mon < 0 || tm.tm_mon > 11)
		return;
	long long gy = (long long)tm.tm_year + 1900;

	if (checked(l) == LOCALE_FA) {
		int jy, jm, jd;

		jalali_from_gregorian((int)gy, tm.tm_mon + 1, tm.tm_mday, &jy, &jm, &jd);
		buf_puts(out, fa_weekdays[tm.tm_wday]);
		buf_putc(out, ' ');
		locale_format_int(out, l, jd);
		buf_putc(out, ' ');
		buf_puts(out, fa_months[jm - 1]);
		buf_putc(out, ' ');
		locale_format_int(out, l, jy);
		buf_puts(out, "، ساعت ");
	} else {
		buf_printf(out, "%s %d %s %lld, ", en_weekdays[tm.tm_wday], tm.tm_mday,
		    en_months[tm.tm_mon], gy);
	}
	two_digits(out, l, tm.tm_hour);
	buf_putc(out, ':');
	two_digits(out, l, tm.tm_min);
}

void
locale_format_day(struct buf *out, enum locale_id l, time_t t, bool with_year)
{
	struct tm tm;
	if (localtime_r(&t, &tm) == NULL || tm.tm_mon < 0 || tm.tm_mon > 11)
		return;
	long long gy = (long long)tm.tm_year + 1900;
	if (checked(l) == LOCALE_FA) {
		int jy, jm, jd;
		jalali_from_gregorian((int)gy, tm.tm_mon + 1, tm.tm_mday, &jy, &jm, &jd);
		locale_format_int(out, l, jd);
		buf_putc(out, ' ');
		buf_puts(out, fa_months[jm - 1]);
		if (with_year) {
			buf_putc(out, ' ');
			locale_format_int(out, l, jy);
		}
	} else {
		buf_printf(out, "%d %s", tm.tm_mday, en_months[tm.tm_mon]);
		if (with_year)
			buf_printf(out, " %lld", gy);
	}
}

void
locale_format_iso8601(struct buf *out, time_t t)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		return;
	long long y = (long long)tm.tm_year + 1900;
	if (y < 0 || y > 9999) {
		buf_printf(out, "%04lld-%02d-%02dT%02d:%02d:%02dZ", y, tm.tm_mon + 1, tm.tm_mday,
		    tm.tm_hour, tm.tm_min, tm.tm_sec);
		return;
	}
	/* By hand, as snprintf would: every comment of a page has its date. */
	char s[] = "0000-00-00T00:00:00Z";
	const int part[] = { tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec };
	for (int i = 3; i >= 0; i--, y /= 10)
		s[i] = (char)('0' + y % 10);
	for (int i = 0; i < 5; i++) {
		s[5 + 3 * i] = (char)('0' + part[i] / 10 % 10);
		s[6 + 3 * i] = (char)('0' + part[i] % 10);
	}
	buf_append(out, s, sizeof(s) - 1);
}

/* n digits at s[*i] as a number; -1 when they are not all digits. */
static int
digits(const char *s, size_t len, size_t *i, int n)
{
	int v = 0;
	for (int k = 0; k < n; k++, (*i)++) {
		if (*i >= len || s[*i] < '0' || s[*i] > '9')
			return -1;
		v = v * 10 + (s[*i] - '0');
	}
	return v;
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
month_days(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* The zone after the time: "", "Z", "+HH:MM", "-HH:MM", "+HHMM" or "+HH",
 * as seconds east of UTC; -1 when it is none of these. */
static int
zone(const char *s, size_t len, size_t i, int *offset)
{
	*offset = 0;
	if (i == len || (len - i == 1 && (s[i] == 'Z' || s[i] == 'z')))
		return 0;
	if (s[i] != '+' && s[i] != '-')
		return -1;
	int sign = s[i] == '-' ? -1 : 1;
	i++;
	int hh = digits(s, len, &i, 2), mm = 0;
	if (hh >= 0 && i < len) {
		if (s[i] == ':')
			i++;
		mm = digits(s, len, &i, 2);
	}
	if (hh < 0 || mm < 0 || hh > 23 || mm > 59 || i != len)
		return -1;
	*offset = sign * (hh * 3600 + mm * 60);
	return 0;
}

/* "HH:MM[:SS[.fraction]]" at s[*i]: the seconds into the day; -1 when it
 * is not that. */
static int
time_of_day(const char *s, size_t len, size_t *i)
{
	int h = digits(s, len, i, 2);
	if (h < 0 || h > 23 || *i >= len || s[(*i)++] != ':')
		return -1;
	int mi = digits(s, len, i, 2);
	if (mi < 0 || mi > 59)
		return -1;
	int sec = 0;
	if (*i < len && s[*i] == ':') {
		(*i)++;
		sec = digits(s, len, i, 2);
		if (sec < 0 || sec > 60)
			return -1;
		if (sec == 60)
			sec = 59;
		if (*i < len && (s[*i] == '.' || s[*i] == ',')) {
			size_t from = ++*i;
			while (*i < len && s[*i] >= '0' && s[*i] <= '9')
				(*i)++;
			if (*i == from)
				return -1;
		}
	}
	return h * 3600 + mi * 60 + sec;
}

int
locale_parse_iso8601(const char *s, size_t len, unsigned flags, int64_t *out)
{
	if (s == NULL)
		return -1;
	if (flags & ISO8601_SPACE) {
		while (len > 0 && is_space(s[0]))
			s++, len--;
		while (len > 0 && is_space(s[len - 1]))
			len--;
	}
	size_t i = 0;
	int y = digits(s, len, &i, 4);
	if (y < ((flags & ISO8601_UNIX) ? 1970 : 1) || i >= len || s[i++] != '-')
		return -1;
	int mo = digits(s, len, &i, 2);
	if (mo < 1 || mo > 12 || i >= len || s[i++] != '-')
		return -1;
	int d = digits(s, len, &i, 2);
	if (d < 1 || d > month_days(y, mo))
		return -1;
	int secs = 0, offset = 0;
	if (i < len) {
		if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
			return -1;
		i++;
		secs = time_of_day(s, len, &i);
		if (secs < 0 || zone(s, len, i, &offset) != 0)
			return -1;
	} else if (flags & ISO8601_NEED_TIME) {
		return -1;
	}
	int64_t t = days_from_civil(y, mo, d) * 86400 + secs - offset;
	if ((flags & ISO8601_UNIX) && t < 0)
		return -1;
	*out = t;
	return 0;
}
