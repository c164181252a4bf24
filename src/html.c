/* html.c — the HTML escaper behind {{name}}: one function that is safe in
 * element text and in quoted attribute values alike. */
#include <string.h>

#include "buf.h"
#include "html.h"

/* What each byte becomes: NULL for the harmless ones, copied as they are
 * (bytes >= 0x80 too, so UTF-8 such as Persian text is untouched). */
static const char *const replacement[256] = {
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;",
};
static const unsigned char replacement_len[256] = {
	['&'] = 5, ['<'] = 4, ['>'] = 4, ['"'] = 6, ['\''] = 5,
};

void
html_escape(struct buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, run = 0;

	/* Runs of harmless bytes go out in one append; a table says which
	 * five bytes are not. */
	for (i = 0; i < len; i++) {
		if (replacement_len[p[i]] == 0)
			continue;
		if (i > run)
			buf_append(out, s + run, i - run);
		buf_append(out, replacement[p[i]], replacement_len[p[i]]);
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

void
html_escape_nul(struct buf *out, const char *s, size_t len)
{
	while (len > 0) {
		/* s[len] is the NUL, so strcspn stops there at the latest. */
		size_t n = strcspn(s, "&<>\"'");
		if (n >= len) {
			buf_append(out, s, len);
			return;
		}
		if (n > 0)
			buf_append(out, s, n);
		unsigned char ch = (unsigned char)s[n];
		buf_append(out, replacement[ch], replacement_len[ch]);
		s += n + 1;
		len -= n + 1;
	}
}
