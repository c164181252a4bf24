/* utf8.c — strict UTF-8 decoding, checking, counting and cutting; see
 * utf8.h. */
#include "utf8.h"

static bool
is_continuation(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/*
 * The byte ranges are those of Unicode's table 3-7: the second byte's
 * range depends on the first, which excludes overlong forms (E0, F0),
 * surrogates (ED) and everything above U+10FFFF (F4); C0, C1 and F5–FF
 * never start a sequence.
 */
size_t
utf8_decode(const unsigned char *s, size_t left, uint32_t *cp)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;
	uint32_t c;

	if (left == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
		if (s[0] == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (s[0] == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
		if (s[0] == 0xf0)
			lo = 0x90;	/* overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else
		return 0;	/* stray continuation byte, C0, C1, F5–FF */
	if (n > left)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	c = (c << 6) | (s[1] & 0x3f);
	for (size_t i = 2; i < n; i++) {
		if (!is_continuation(s[i]))
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	*cp = c;
	return n;
}

bool
utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	uint32_t cp;

	while (i < len) {
		size_t n = utf8_decode(p + i, len - i, &cp);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

size_t
utf8_length(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (!is_continuation((unsigned char)s[i]))
			n++;
	return n;
}

size_t
utf8_cut(const char *s, size_t len, size_t max_bytes)
{
	if (len <= max_bytes)
		return len;
	size_t n = max_bytes;
	while (n > 0 && is_continuation((unsigned char)s[n]))
		n--;
	return n;
}

size_t
utf8_cut_chars(const char *s, size_t len, size_t max_chars)
{
	size_t chars = 0;

	for (size_t i = 0; i < len; i++)
		if (!is_continuation((unsigned char)s[i]) && chars++ == max_chars)
			return i;
	return len;
}

