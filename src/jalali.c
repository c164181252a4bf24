/* jalali.c — Solar Hijri ↔ Gregorian by day numbers: the Gregorian date of
 * every Nowruz comes from the leap-pattern "breaks" of K. Borkowski. */
#include <stddef.h>

#include "jalali.h"

/*
 * The Iranian calendar starts its year on the day of the vernal equinox
 * (when it falls before noon in Tehran), so leap years follow the sky, not
 * a formula. Borkowski ("The Persian calendar for 3000 years", 1996) showed
 * that between the years listed below the astronomical leap years follow a
 * fixed 33-year pattern (leap years 1, 5, 9, …, 29 after the start of each
 * cycle) and that only at these years does the pattern shift. Between 1210
 * and 1635 AP, which contains all of 1900–2100 AD, there is no shift at
 * all. The plain "(25y + 11) mod 33" formula is the same pattern without
 * the shifts, which is why it is right in our range but not far outside.
 * Valid for -61 … 3177 AP; beyond that the last pattern simply continues.
 */
static const int breaks[] = {
	-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210,
	1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178
};
#define NBREAKS (sizeof(breaks) / sizeof(breaks[0]))

/* Years this far from the epoch are meaningless but must not overflow. */
#define YEAR_LIMIT 1000000

static long long
fdiv(long long a, long long b)
{
	long long q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static long long
fmod_ll(long long a, long long b)
{
	return a - fdiv(a, b) * b;
}

static int
clamp_year(int y)
{
	if (y > YEAR_LIMIT)
		return YEAR_LIMIT;
	if (y < -YEAR_LIMIT)
		return -YEAR_LIMIT;
	return y;
}

/* Days from 1970-01-01 in the proleptic Gregorian calendar. Years are
 * counted from March so that the leap day is the last day of a year. */
static long long
days_from_gregorian(long long y, int m, int d)
{
	if (m <= 2)
		y--;
	long long era = fdiv(y, 400);
	long long yoe = y - era * 400;			/* 0 … 399 */
	long long mp = (m + 9) % 12;			/* March = 0 */
	long long doy = (153 * mp + 2) / 5 + d - 1;	/* 0 … 365 */
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
gregorian_from_days(long long z, long long *y, int *m, int *d)
{
	z += 719468;
	long long era = fdiv(z, 146097);
	long long doe = z - era * 146097;			/* 0 … 146096 */
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/*
 * For Jalali year jy: the day number of its 1 Farvardin, and how many years
 * have passed since the last leap year (0 when jy itself is leap).
 */
static void
jalali_year(long long jy, long long *nowruz, int *since_leap)
{
	long long gy = jy + 621;
	long long leaps = -14;		/* Jalali leap days before jy, offset */
	long long prev = breaks[0];
	long long span = 0;
	size_t i;

	for (i = 1; i < NBREAKS; i++) {
		span = breaks[i] - prev;
		if (jy < breaks[i])
			break;
		leaps += fdiv(span, 33) * 8 + fdiv(fmod_ll(span, 33), 4);
		prev = breaks[i];
	}
	long long n = jy - prev;	/* years into the current interval */
	leaps += fdiv(n, 33) * 8 + fdiv(fmod_ll(n, 33) + 3, 4);
	/* An interval of 33k+4 years ends with a leap year that the quarter
	 * count above does not see. */
	if (fmod_ll(span, 33) == 4 && span - n == 4)
		leaps++;

	/* Gregorian leap days, with the same offset convention. */
	long long gleaps = fdiv(gy, 4) - fdiv((fdiv(gy, 100) + 1) * 3, 4) - 150;
	*nowruz = days_from_gregorian(gy, 3, 1) + (20 + leaps - gleaps) - 1;

	/* Near the end of an interval the next one's pattern takes over. */
	if (span - n < 6)
		n = n - span + fdiv(span + 4, 33) * 33;
	long long pos = fmod_ll(fmod_ll(n + 1, 33) - 1, 4);
	*since_leap = pos == -1 ? 4 : (int)pos;
}

int
jalali_is_leap(int jy)
{
	long long nowruz;
	int since;

	jalali_year(clamp_year(jy), &nowruz, &since);
	return since == 0;
}

static int
clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void
jalali_from_gregorian(int gy, int gm, int gd, int *jy, int *jm, int *jd)
{
	/* Clamping keeps a bad month or day within a few days of the year,
	 * so that the search below takes at most one step. */
	long long day = days_from_gregorian(clamp_year(gy), clamp(gm, 1, 12),
	    clamp(gd, 1, 31));
	long long y = (long long)clamp_year(gy) - 621;
	long long nowruz, next, k;
	int since;

	jalali_year(y, &nowruz, &since);
	if (day < nowruz) {
		/* Before this Gregorian year's Nowruz: the previous Jalali year. */
		y--;
		jalali_year(y, &nowruz, &since);
	} else {
		jalali_year(y + 1, &next, &since);
		if (day >= next) {
			y++;
			nowruz = next;
		}
	}
	k = day - nowruz;
	/* Six months of 31 days, five of 30, Esfand 29 or 30. */
	if (k < 186) {
		*jm = (int)(k / 31) + 1;
		*jd = (int)(k % 31) + 1;
	} else {
		k -= 186;
		*jm = (int)(k / 30) + 7;
		*jd = (int)(k % 30) + 1;
	}
	*jy = (int)y;
}

void
gregorian_from_jalali(int jy, int jm, int jd, int *gy, int *gm, int *gd)
{
	long long nowruz, y;
	int since;

	jalali_year(clamp_year(jy), &nowruz, &since);
	long long day = nowruz + (jm <= 7 ? (jm - 1) * 31 : 186 + (jm - 7) * 30) +
	    (long long)jd - 1;
	gregorian_from_days(day, &y, gm, gd);
	*gy = (int)y;
}
