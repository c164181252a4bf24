/* codec.h — the byte encodings nazar's signed values share: base64url
 * without padding (cookies, tokens) and big-endian 64-bit integers.
 *
 * Decoding is strict so that every value has exactly one text: only the
 * URL-safe alphabet, no padding, no spaces, no stray bits. libsodium alone
 * is not enough here — 1.0.18 decodes bytes above 0x7f as if they were
 * base64 characters. */
#ifndef NAZAR_CODEC_H
#define NAZAR_CODEC_H

#include <stddef.h>
#include <stdint.h>

/* Decodes text[0..len) into out (at most outmax bytes). Returns 0 and sets
 * *outlen, or -1 for anything that is not exactly one base64url text. */
int b64url_decode(const char *text, size_t len, unsigned char *out, size_t outmax,
    size_t *outlen);

/* Characters of the base64url text of n bytes, without the NUL. */
#define B64URL_CHARS(n) (((n) * 4 + 2) / 3)
/* Writes the base64url text of bin[0..n) and a NUL into out, which has room
 * for B64URL_CHARS(n) + 1 bytes. */
void b64url_encode(char *out, const unsigned char *bin, size_t n);

void be64_put(unsigned char *p, uint64_t v);
uint64_t be64_get(const unsigned char *p);

#endif
