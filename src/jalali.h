/* jalali.h — Solar Hijri (Jalali, Persian) calendar conversion.
 *
 * Nowruz of each year follows Borkowski's table of the years where the
 * 33-year leap pattern of the astronomical calendar shifts (none between
 * 1210 and 1635 AP); the tests check every day of 1900–2100 against ICU,
 * the equinox and published dates. Months are 1–12, days 1–31. */
#ifndef NAZAR_JALALI_H
#define NAZAR_JALALI_H

void jalali_from_gregorian(int gy, int gm, int gd, int *jy, int *jm, int *jd);
void gregorian_from_jalali(int jy, int jm, int jd, int *gy, int *gm, int *gd);
/* Leap year in the Jalali calendar (Esfand has 30 days). */
int jalali_is_leap(int jy);

#endif
