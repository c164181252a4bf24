/* utf8_buf.c — utf8_append_valid (declared in utf8.h): apart from the
 * decoder, so that the decoder needs nothing of buf, and buf's and the
 * log's users may use the decoder. */
#include <stdint.h>

#include "buf.h"
#include "utf8.h"

void
utf8_append_valid(struct buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;

	while (len > 0) {
		size_t n = utf8_decode(p, len, &cp);
		if (n == 0) {
			buf_puts(out, "\xef\xbf\xbd");
			n = 1;
		} else
			buf_append(out, p, n);
		p += n;
		len -= n;
	}
}
