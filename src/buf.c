/* buf.c — growable byte buffer; see buf.h. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"

static void
buf_grow(struct buf *b, size_t extra)
{
	if (extra > SIZE_MAX - b->len - 1)
		fatal("buffer too large");
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	char *p = realloc(b->data, cap);
	if (p == NULL)
		fatal("out of memory");
	b->data = p;
	b->cap = cap;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
buf_append(struct buf *b, const void *data, size_t len)
{
	buf_grow(b, len);
	if (len > 0)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void
buf_putc(struct buf *b, char c)
{
	buf_append(b, &c, 1);
}

size_t
buf_format_len(const char *fmt, va_list ap)
{
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		fatal("vsnprintf failed");
	return (size_t)n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap, aq;
	/* Formatted once into the room there is, which is nearly always
	 * enough (a thread page formats hundreds of short strings); only a
	 * longer result grows the buffer and is formatted again. */
	buf_grow(b, 64);
	size_t room = b->cap - b->len;
	va_start(ap, fmt);
	va_copy(aq, ap);
	int r = vsnprintf(b->data + b->len, room, fmt, aq);
	va_end(aq);
	if (r < 0)
		fatal("vsnprintf failed");
	size_t n = (size_t)r;
	if (n >= room) {
		buf_grow(b, n);
		vsnprintf(b->data + b->len, n + 1, fmt, ap);
	}
	va_end(ap);
	b->len += n;
}

const char *
buf_str(const struct buf *b)
{
	return b->data ? b->data : "";
}

static int read_error(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
read_error(char *err, size_t errlen, const char *fmt, ...)
{
	if (err != NULL && errlen > 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Reads fd to its end into b, up to max bytes. */
static int
read_all(struct buf *b, int fd, const char *path, size_t max, char *err, size_t errlen)
{
	for (;;) {
		/* Room for one byte more than max, to notice a file that grew. */
		buf_grow(b, 1);
		size_t room = b->cap - b->len - 1;
		if (room > max + 1 - b->len)
			room = max + 1 - b->len;
		ssize_t r = read(fd, b->data + b->len, room);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return read_error(err, errlen, "%s: %s", path, strerror(errno));
		if (r == 0)
			break;
		b->len += (size_t)r;
		if (b->len > max)
			return read_error(err, errlen, "%s: larger than %zu bytes", path, max);
	}
	b->data[b->len] = '\0';
	return 0;
}

int
buf_read_file(struct buf *b, const char *path, size_t max, char *err, size_t errlen)
{
	struct stat st;
	int fd, rc = -1;

	buf_reset(b);
	if (max >= SIZE_MAX / 2)
		fatal("buf_read_file: limit too large");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return read_error(err, errlen, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) == -1)
		read_error(err, errlen, "%s: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		read_error(err, errlen, "%s: not a regular file", path);
	else if ((uintmax_t)st.st_size > max)
		read_error(err, errlen, "%s: larger than %zu bytes", path, max);
	else {
		/* The size fstat gave, and the byte that says the end. */
		buf_grow(b, (size_t)st.st_size + 1);
		rc = read_all(b, fd, path, max, err, errlen);
	}
	close(fd);
	if (rc != 0)
		buf_free(b);
	return rc;
}
