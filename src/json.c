/* json.c — JSON string literals for the API: RFC 8259 escaping, plus the
 * characters that would let JSON break out of an HTML <script> element. */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "utf8.h"

void
json_quote(struct buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0, n;
	uint32_t cp;

	buf_putc(out, '"');
	while (i < len) {
		n = utf8_decode(p + i, len - i, &cp);
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
json_quote_str(struct buf *out, const char *s)
{
	json_quote(out, s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}
