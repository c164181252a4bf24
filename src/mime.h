/* mime.h — Internet mail as nazar writes it (RFC 5322, MIME, RFC 2047).
 *
 * Pure: no I/O. Header values are UTF-8; any that is not plain printable
 * ASCII short enough for one line is written as RFC 2047 encoded words
 * ("=?UTF-8?B?...?="), split on character boundaries and folded so that
 * no line passes 76 characters. CR, LF and other control characters in a
 * value become spaces first, so no value can add a header. Bodies go out
 * as base64 in lines of 76, so any UTF-8 passes any relay. */
#ifndef NAZAR_MIME_H
#define NAZAR_MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct buf;

/* The longest address accepted (RFC 5321's path limit less the brackets). */
#define MIME_ADDRESS_MAX 254

/* A plain ASCII addr-spec: local@domain, the local part dot-atoms (no
 * quoted strings, no leading, trailing or double dot), the domain DNS
 * labels with at least one dot (or "localhost"). */
bool mime_address_valid(const char *addr);
/* The domain of a valid address (after the '@'). */
const char *mime_address_domain(const char *addr);

/* "Name: value\r\n", the value encoded and folded as above. */
void mime_header(struct buf *out, const char *name, const char *value);
/* "Name: display <address>\r\n": the display name encoded when needed,
 * else quoted; an empty display name gives the address alone. */
void mime_header_mailbox(struct buf *out, const char *name, const char *display,
    const char *address);
/* An RFC 5322 date in UTC: "Fri, 04 Dec 2026 03:27:54 +0000". */
void mime_date(struct buf *out, time_t t);
/* data[0..len) as base64 lines of 76 characters, each ending in CRLF. */
void mime_base64_lines(struct buf *out, const void *data, size_t len);

/* A whole message: the headers every nazar mail carries (From, To,
 * Subject, Date, Message-ID, MIME-Version, Auto-Submitted:
 * auto-generated), the extra headers given (each "Name: value", already
 * safe), and a text/plain part, with a text/html one as
 * multipart/alternative when html is not NULL. */
struct mime_message {
	const char *from_name;
	const char *from;
	const char *to;
	const char *subject;
	time_t date;
	const char *message_id;		/* without the angle brackets */
	const char *const *extra;	/* NULL-terminated, or NULL */
	const char *text;
	const char *html;		/* NULL: text only */
	const char *boundary;		/* for the alternative; random per message */
};
void mime_message_write(struct buf *out, const struct mime_message *m);

#endif
