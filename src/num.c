/* num.c — decimal integers from untrusted text; see num.h. */
#include "num.h"

bool
num_parse_prefix(const char *s, size_t len, int64_t min, int64_t max, int64_t *out,
    size_t *used)
{
	if (s == NULL)
		return false;
	size_t i = 0;
	uint64_t v = 0;
	while (i < len && s[i] >= '0' && s[i] <= '9') {
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
		i++;
	}
	if (i == 0 || v > (uint64_t)INT64_MAX)
		return false;
	int64_t n = (int64_t)v;
	if (n < min || n > max)
		return false;
	*out = n;
	*used = i;
	return true;
}

bool
num_parse_n(const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
	if (s == NULL || len == 0)
		return false;
	if (s[0] == '-') {
		/* Negative values: parse the magnitude, "-0" is not a spelling. */
		if (min >= 0 || len < 2 || s[1] == '0')
			return false;
		size_t used;
		int64_t mag;
		/* The magnitude of INT64_MIN does not fit; nazar never needs it. */
		if (!num_parse_prefix(s + 1, len - 1, 1, INT64_MAX, &mag, &used) ||
		    used != len - 1 || -mag < min || -mag > max)
			return false;
		*out = -mag;
		return true;
	}
	size_t used;
	int64_t v;
	if (!num_parse_prefix(s, len, min < 0 ? 0 : min, max, &v, &used) || used != len ||
	    v < min)
		return false;
	*out = v;
	return true;
}

bool
num_parse(const char *s, int64_t min, int64_t max, int64_t *out)
{
	if (s == NULL)
		return false;
	size_t len = 0;
	while (s[len] != '\0')
		len++;
	return num_parse_n(s, len, min, max, out);
}

size_t
num_format(char out[NUM_TEXT_MAX], int64_t v)
{
	/* The magnitude as unsigned: -INT64_MIN does not fit an int64_t. */
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	char digits[NUM_TEXT_MAX];
	size_t k = 0, n = 0;
	do {
		digits[k++] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		out[n++] = '-';
	while (k > 0)
		out[n++] = digits[--k];
	out[n] = '\0';
	return n;
}
