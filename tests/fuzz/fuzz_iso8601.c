/* fuzz_iso8601.c — locale_parse_iso8601, the one reader of times in files
 * nazar did not write (imports, --since), under every set of its flags.
 *
 * 1. It reads s[0..size) only (the input is copied into a buffer of
 *    exactly that size, so ASan sees any read past it).
 * 2. What the strict form takes, every looser one takes the same way:
 *    ISO8601_SPACE adds only white space around; ISO8601_NEED_TIME and
 *    ISO8601_UNIX only refuse.
 * 3. ISO8601_UNIX never gives a time before 1970; every time is within
 *    years 0001-9999 give or take a day of offset.
 * 4. A time it gives, written back by locale_format_iso8601 (from 1970
 *    to the end of 9999: an offset can carry a time past it, into a
 *    five-digit year that is not ISO 8601's), reads again as the same
 *    time. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "fuzz.h"
#include "locale.h"

#define MIN_T (-62135596800LL - 86400)	/* 0001-01-01, a day early */
#define LAST_T 253402300799LL		/* 9999-12-31T23:59:59 */
#define MAX_T (LAST_T + 86400)		/* a day late */

static bool
parse(const char *s, size_t len, unsigned flags, int64_t *t)
{
	*t = -1;
	return locale_parse_iso8601(s, len, flags, t) == 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size ? size : 1);
	FUZZ_CHECK(s != NULL);
	memcpy(s, data, size);
	int64_t strict, t;
	bool ok = parse(s, size, 0, &strict);
	if (ok)
		FUZZ_CHECK(strict >= MIN_T && strict <= MAX_T);
	for (unsigned flags = 1; flags < 8; flags++) {
		bool loose = parse(s, size, flags, &t);
		if (loose) {
			FUZZ_CHECK(t >= MIN_T && t <= MAX_T);
			if (flags & ISO8601_UNIX)
				FUZZ_CHECK(t >= 0);
			/* Whatever a looser form takes, the strict one takes
			 * with the white space gone, the same way. */
			size_t from = 0, to = size;
			while (from < to && strchr(" \t\n\r\v\f", s[from]) != NULL && s[from] != '\0')
				from++;
			while (to > from && strchr(" \t\n\r\v\f", s[to - 1]) != NULL &&
			    s[to - 1] != '\0')
				to--;
			int64_t again;
			FUZZ_CHECK(parse(s + from, to - from, 0, &again) && again == t);
		}
		/* SPACE alone refuses nothing the strict form takes. */
		if (ok && flags == ISO8601_SPACE)
			FUZZ_CHECK(loose && t == strict);
	}
	if (ok && strict >= 0 && strict <= LAST_T) {
		struct buf b = { 0 };
		locale_format_iso8601(&b, (time_t)strict);
		FUZZ_CHECK(parse(buf_str(&b), b.len, 0, &t) && t == strict);
		buf_free(&b);
	}
	free(s);
	return 0;
}
