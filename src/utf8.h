/* utf8.h — the one UTF-8 decoder: every module that reads, checks, counts
 * or cuts UTF-8 text does it here.
 *
 * Decoding is strict (Unicode's table 3-7): no overlong forms, no
 * surrogates, nothing above U+10FFFF, no 5- or 6-byte forms, no stray
 * continuation bytes, no sequence cut short. */
#ifndef NAZAR_UTF8_H
#define NAZAR_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

/* Length (1–4) of the well-formed sequence at the start of s[0..left),
 * with its code point in *cp; 0 when there is none (left == 0 included),
 * and *cp is then untouched. */
size_t utf8_decode(const unsigned char *s, size_t left, uint32_t *cp);
/* Whether s[0..len) is UTF-8 throughout. */
bool utf8_valid(const char *s, size_t len);
/* Number of code points in s[0..len): the bytes that are not continuation
 * bytes (exact for valid UTF-8). */
size_t utf8_length(const char *s, size_t len);

/* The largest n <= max_bytes (and <= len) such that s[0..n) does not end
 * inside a character: never cuts before a continuation byte. */
size_t utf8_cut(const char *s, size_t len, size_t max_bytes);
/* The byte length of the first max_chars characters of s[0..len) (all of
 * it when it has no more). Cuts only before a lead byte. */
size_t utf8_cut_chars(const char *s, size_t len, size_t max_chars);

/* Appends s[0..len) to out with each byte that does not start a valid
 * sequence replaced by U+FFFD. (In utf8_buf.c: the decoder itself needs
 * nothing of buf.h, so that buf and log may use it.) */
void utf8_append_valid(struct buf *out, const char *s, size_t len);

#endif
