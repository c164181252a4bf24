/* num.h — the one parser of decimal integers from untrusted text.
 *
 * Query values, form fields, CLI arguments, config values and cookie parts
 * all go through num_parse: digits only (an optional leading '-' where min
 * is negative), no spaces, no '+', no hex, no overflow, and the value within
 * [min, max]. Anything else is refused. */
#ifndef NAZAR_NUM_H
#define NAZAR_NUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parses s[0..len) as a whole. True and *out set when it is a decimal
 * integer in [min, max]; false (and *out untouched) otherwise. */
bool num_parse_n(const char *s, size_t len, int64_t min, int64_t max, int64_t *out);
/* The same for a NUL-terminated s; NULL is refused. */
bool num_parse(const char *s, int64_t min, int64_t max, int64_t *out);
/* Parses the digits at the start of s[0..len) (at least one, no sign) and
 * sets *used to how many bytes they took, for values inside larger texts
 * ("12.1700000000.mac"). Same bounds as num_parse_n. */
bool num_parse_prefix(const char *s, size_t len, int64_t min, int64_t max, int64_t *out,
    size_t *used);

/* Room for any int64_t in decimal, with its sign and the NUL. */
#define NUM_TEXT_MAX 21
/* Writes v in decimal into out and returns its length: what snprintf's
 * "%lld" does, without its cost where pages write many numbers. */
size_t num_format(char out[NUM_TEXT_MAX], int64_t v);

#endif
