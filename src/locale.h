/* locale.h — what differs between a Persian and an English site: direction,
 * digits, calendar and the way dates are written.
 *
 * Dates use the process time zone, which start-up sets from the config
 * (setenv("TZ") + tzset() once, before threads start). */
#ifndef NAZAR_LOCALE_H
#define NAZAR_LOCALE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct buf;

enum locale_id {
	LOCALE_EN,
	LOCALE_FA,
	LOCALE__MAX
};

/* "fa" / "en" → id; -1 when unknown. */
int locale_parse(const char *name, enum locale_id *out);
const char *locale_code(enum locale_id l);	/* "fa" — for lang="" */
const char *locale_dir(enum locale_id l);	/* "rtl" or "ltr" */

/* fa: "جمعه ۴ خرداد ۱۳۹۷، ساعت ۱۴:۳۰" (Solar Hijri, Persian digits)
 * en: "Friday 25 May 2018, 14:30" */
void locale_format_datetime(struct buf *out, enum locale_id l, time_t t);
/* The local day of t, without the time: fa "۱۴ آذر" (Solar Hijri, Persian
 * digits), en "4 December"; with_year adds the year ("۱۴ آذر ۱۴۰۵",
 * "4 December 2026"). For a chart's axis and its table. */
void locale_format_day(struct buf *out, enum locale_id l, time_t t, bool with_year);
/* ISO 8601 in UTC ("2018-05-25T10:00:00Z") for JSON and <time datetime>. */
void locale_format_iso8601(struct buf *out, time_t t);
/* What locale_parse_iso8601 takes besides the strict form. */
enum {
	ISO8601_SPACE = 1,	/* white space before and after is dropped */
	ISO8601_NEED_TIME = 2,	/* a date alone is refused */
	ISO8601_UNIX = 4,	/* years from 1970, times not before the epoch */
};
/* Another system's time stamps in an import: "2012-12-12 12:12:12". */
#define ISO8601_IMPORT (ISO8601_SPACE | ISO8601_NEED_TIME | ISO8601_UNIX)
/* Reads a time written as RFC 3339 / ISO 8601 into Unix seconds:
 * "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DD" 'T' (or ' ') "HH:MM[:SS]",
 * an optional fraction of a second (dropped), then "Z", "+HH:MM",
 * "-HH:MM", "+HHMM", "+HH" or nothing (UTC). Years 0001–9999, every
 * field in range (a leap second :60 reads as :59). s[0..len), no NUL
 * needed; s NULL is refused. flags: ISO8601_*. 0, or -1 for anything
 * else. */
int locale_parse_iso8601(const char *s, size_t len, unsigned flags, int64_t *out);
/* Decimal with the locale's digits ("۱۲" in fa). */
void locale_format_int(struct buf *out, enum locale_id l, long long n);
/* Replaces ASCII digits 0-9 in s with the locale's digits. */
void locale_digits(struct buf *out, enum locale_id l, const char *s);

#endif
