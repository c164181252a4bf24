/* json_reader.h — a small, bounded JSON parser for the tests: it turns
 * JSON text (the Mustache spec files) into template values. */
#ifndef NAZAR_JSON_READER_H
#define NAZAR_JSON_READER_H

#include <stddef.h>

struct arena;
struct tval;

#define JSON_READER_MAX_DEPTH 64

/* Parses the whole of text[0, len) into values allocated in a. Returns the
 * value, or NULL with "offset N: problem" in err. Strings holding U+0000
 * are refused, since template values are C strings. */
struct tval *json_read(struct arena *a, const char *text, size_t len, char *err,
    size_t errlen);

#endif
