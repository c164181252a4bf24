/* json.c — JSON string literals for the API: RFC 8259 escaping, plus the
 * characters that would let JSON break out of an HTML <script> element. */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "json.h"

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when the
 * bytes are not well-formed (overlong, surrogate, above U+10FFFF, cut). */
static size_t
utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		len = 2; c = s[0] & 0x1f; min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3; c = s[0] & 0x0f; min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4; c = s[0] & 0x07; min = 0x10000;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

void
json_string(struct buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0, n;
	uint32_t cp;

	buf_putc(out, '"');
	while (i < len) {
		n = utf8_seq(p + i, len - i, &cp);
		if (n > 1 && cp != 0x2028 && cp != 0x2029) {
			i += n;
			continue;
		}
		if (n == 1 && cp >= 0x20 && cp != '"' && cp != '\\' &&
		    cp != '<' && cp != '>' && cp != '&' && cp != 0x7f) {
			i++;
			continue;
		}
		if (i > run)
			buf_append(out, s + run, i - run);
		if (n == 0) {
			/* Invalid UTF-8 would make the whole document
			 * invalid JSON; substitute U+FFFD for the byte. */
			buf_puts(out, "\\ufffd");
			n = 1;
		} else {
			switch (cp) {
			case '"': buf_puts(out, "\\\""); break;
			case '\\': buf_puts(out, "\\\\"); break;
			case '\n': buf_puts(out, "\\n"); break;
			case '\r': buf_puts(out, "\\r"); break;
			case '\t': buf_puts(out, "\\t"); break;
			case '\b': buf_puts(out, "\\b"); break;
			case '\f': buf_puts(out, "\\f"); break;
			default: buf_printf(out, "\\u%04x", (unsigned)cp); break;
			}
		}
		i += n;
		run = i;
	}
	if (len > run)
		buf_append(out, s + run, len - run);
	buf_putc(out, '"');
}

void
json_string_str(struct buf *out, const char *s)
{
	json_string(out, s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}
