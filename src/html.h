/* html.h — escaping by context.
 *
 * One escaper is safe for both text and quoted attribute values: it
 * escapes & < > " ' and is what {{name}} in templates uses. */
#ifndef NAZAR_HTML_H
#define NAZAR_HTML_H

#include <stddef.h>

struct buf;

void html_escape(struct buf *out, const char *s, size_t len);
void html_escape_str(struct buf *out, const char *s);
/* The same for s[0..len) followed by a NUL and holding none (as template
 * values are): faster, it finds the specials with strcspn. */
void html_escape_nul(struct buf *out, const char *s, size_t len);

#endif
