/* buf.h — growable byte buffer, always NUL-terminated.
 *
 * Used for response bodies, rendered templates and JSON. Like the arena,
 * allocation failure aborts. A zeroed struct buf is a valid empty buffer. */
#ifndef NAZAR_BUF_H
#define NAZAR_BUF_H

#include <stdarg.h>
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

/* The length vsnprintf(NULL, 0, fmt, ap) gives, for whoever sizes the room
 * for a formatted string (buf_printf, arena_printf); ap is not consumed.
 * A format error aborts. */
size_t buf_format_len(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));

/* Replaces b's contents with the whole file at path, refusing anything but
 * a regular file of at most max bytes (one that grows past max while it is
 * read as well). On success b->data is not NULL, even for an empty file.
 * 0, or -1 with "PATH: why" in err (b then freed). */
int buf_read_file(struct buf *b, const char *path, size_t max, char *err, size_t errlen);

#endif
