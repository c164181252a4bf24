/* buf.h — growable byte buffer, always NUL-terminated.
 *
 * Used for response bodies, rendered templates and JSON. Like the arena,
 * allocation failure aborts. A zeroed struct buf is a valid empty buffer. */
#ifndef NAZAR_BUF_H
#define NAZAR_BUF_H

#include <stddef.h>

struct buf {
	char *data;	/* NULL or NUL-terminated */
	size_t len;
	size_t cap;
};

void buf_free(struct buf *b);
void buf_reset(struct buf *b);	/* keeps the allocation */
void buf_append(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Never NULL: "" for an empty buffer. */
const char *buf_str(const struct buf *b);

#endif
