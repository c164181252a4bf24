/* json.h — writing JSON: string escaping (RFC 8259) for nazar's API output. */
#ifndef NAZAR_JSON_H
#define NAZAR_JSON_H

#include <stddef.h>

struct buf;

/* Appends s as a quoted JSON string. Control characters become \uXXXX;
 * '<', '>' and '&' are escaped too so JSON is safe inside HTML. */
void json_quote(struct buf *out, const char *s, size_t len);
void json_quote_str(struct buf *out, const char *s);

#endif
