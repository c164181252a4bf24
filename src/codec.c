/* codec.c — strict base64url and big-endian integers; see codec.h. */
#include <stdbool.h>

#include <sodium.h>

#include "codec.h"

static bool
b64url_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '_';
}

#define SODIUM_B64URL_LEN(n) sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING)
_Static_assert(SODIUM_B64URL_LEN(30) == B64URL_CHARS(30) + 1 &&
    SODIUM_B64URL_LEN(31) == B64URL_CHARS(31) + 1 &&
    SODIUM_B64URL_LEN(32) == B64URL_CHARS(32) + 1, "B64URL_CHARS is libsodium's length");

void
b64url_encode(char *out, const unsigned char *bin, size_t n)
{
	sodium_bin2base64(out, B64URL_CHARS(n) + 1, bin, n,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int
b64url_decode(const char *text, size_t len, unsigned char *out, size_t outmax,
    size_t *outlen)
{
	if (text == NULL || len == 0)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (!b64url_char(text[i]))
			return -1;
	const char *end = NULL;
	/* libsodium refuses non-zero padding bits, so with the alphabet
	 * checked above each value has exactly one text. */
	if (sodium_base642bin(out, outmax, text, len, NULL, outlen, &end,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || end != text + len)
		return -1;
	return 0;
}

void
be64_put(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

uint64_t
be64_get(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}
