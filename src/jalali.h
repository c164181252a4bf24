/* jalali.h — Solar Hijri (Jalali, Persian) calendar conversion.
 *
 * The arithmetic follows the 33-year-cycle rule that the Iranian calendar
 * matches for 1900–2100 (the range the tests verify against an independent
 * source). Months are 1–12, days 1–31. */
#ifndef NAZAR_JALALI_H
#define NAZAR_JALALI_H

void jalali_from_gregorian(int gy, int gm, int gd, int *jy, int *jm, int *jd);
void gregorian_from_jalali(int jy, int jm, int jd, int *gy, int *gm, int *gd);
/* Leap year in the Jalali calendar (Esfand has 30 days). */
int jalali_is_leap(int jy);

#endif
