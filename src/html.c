/* html.c — the HTML escaper behind {{name}}: one function that is safe in
 * element text and in quoted attribute values alike. */
#include <string.h>

#include "buf.h"
#include "html.h"

void
html_escape(struct buf *out, const char *s, size_t len)
{
	size_t i, run = 0;
	const char *rep;

	/* Copy runs of harmless bytes in one append; only the five
	 * specials are replaced. Bytes >= 0x80 pass through as they are,
	 * so UTF-8 (Persian text) is untouched. */
	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		if (i > run)
			buf_append(out, s + run, i - run);
		buf_puts(out, rep);
		run = i + 1;
	}
	if (len > run)
		buf_append(out, s + run, len - run);
}

void
html_escape_str(struct buf *out, const char *s)
{
	if (s != NULL)
		html_escape(out, s, strlen(s));
}
