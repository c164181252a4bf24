/* text.h — UTF-8 and plain-text handling for what readers type.
 *
 * Input is UTF-8 or it is refused; stored text is NFC (utf8proc), with
 * line endings as '\n'. Rendering turns a plain-text body into safe HTML. */
#ifndef NAZAR_TEXT_H
#define NAZAR_TEXT_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct buf;

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
bool utf8_valid(const char *s, size_t len);
/* Number of code points in valid UTF-8. */
size_t utf8_length(const char *s, size_t len);

/* Input text as stored: valid UTF-8 without NUL required (else NULL),
 * CRLF and CR become LF, NFC applied, leading/trailing white space
 * (Unicode) removed. Other control characters (C0 but tab and LF, DEL, C1)
 * are dropped; NEL, U+2028 and U+2029 become LF.
 * When single_line is set, every line break or tab becomes a space. */
char *text_clean(struct arena *a, const char *s, size_t len, bool single_line);

/* Plain text body → HTML: everything escaped, "\n" → "<br>\n",
 * http:// and https:// URLs (and www. ones) become
 * <a href="…" rel="nofollow ugc noopener" target="_blank">…</a>;
 * trailing punctuation (.,;:!? and Persian ، ؛ ؟ « ») and an unmatched ')'
 * stay outside the link. A URL ends at white space, < > " ', controls and
 * direction marks; only http and https ever become links. */
void text_body_to_html(struct buf *out, const char *body);

#endif
