/* mime.c — mail headers and bodies; see mime.h. */
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "mime.h"

#define LINE_MAX_CHARS 76
#define WORD_OPEN "=?UTF-8?B?"
#define WORD_CLOSE "?="

static bool
is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

static bool
valid_domain(const char *d, size_t len)
{
	if (len == 0 || len > 253)
		return false;
	size_t label = 0, dots = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)d[i];
		if (c == '.') {
			if (label == 0 || d[i - 1] == '-')
				return false;
			label = 0;
			dots++;
			continue;
		}
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9');
		if ((!alnum && c != '-') || (c == '-' && label == 0) || ++label > 63)
			return false;
	}
	if (label == 0 || d[len - 1] == '-')
		return false;
	return dots > 0 || (len == 9 && memcmp(d, "localhost", 9) == 0);
}

bool
mime_address_valid(const char *addr)
{
	if (addr == NULL)
		return false;
	size_t len = strnlen(addr, MIME_ADDRESS_MAX + 1);
	const char *at = strrchr(addr, '@');
	if (len > MIME_ADDRESS_MAX || at == NULL || at == addr)
		return false;
	size_t local = (size_t)(at - addr);
	if (local > 64 || addr[0] == '.' || addr[local - 1] == '.')
		return false;
	for (size_t i = 0; i < local; i++) {
		unsigned char c = (unsigned char)addr[i];
		if (c == '.' ? addr[i + 1] == '.' : !is_atext(c))
			return false;
	}
	return valid_domain(at + 1, len - local - 1);
}

const char *
mime_address_domain(const char *addr)
{
	const char *at = strrchr(addr, '@');
	return at != NULL ? at + 1 : "";
}

/* Whether v can stand as it is after "Name: ": printable ASCII, no
 * encoded-word look-alike, short enough for the line. */
static bool
plain_enough(const char *v, size_t len, size_t room)
{
	if (len > room || strstr(v, "=?") != NULL)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c < 0x20 || c > 0x7e)
			return false;
	}
	return true;
}

/* v with control characters (C0, DEL) as spaces, into tmp: no value adds
 * a line. */
static void
flatten(struct buf *tmp, const char *v)
{
	buf_reset(tmp);
	buf_puts(tmp, v != NULL ? v : "");
	for (size_t i = 0; i < tmp->len; i++)
		if ((unsigned char)tmp->data[i] < 0x20 || tmp->data[i] == 0x7f)
			tmp->data[i] = ' ';
}

/* Bytes of v[0..len) that fit max bytes without splitting a UTF-8
 * character (continuation bytes are 10xxxxxx); at least one character.
 * A character has at most three continuation bytes: a longer run is not
 * UTF-8, and is cut at max like any other bytes. */
static size_t
char_cut(const char *v, size_t len, size_t max)
{
	if (len <= max)
		return len;
	size_t n = max;
	while (n > 0 && max - n < 3 && ((unsigned char)v[n] & 0xc0) == 0x80)
		n--;
	if (((unsigned char)v[n] & 0xc0) == 0x80)
		return max > 0 ? max : 1;
	if (n == 0) {
		n = 1;
		while (n < len && n < 4 && ((unsigned char)v[n] & 0xc0) == 0x80)
			n++;
	}
	return n;
}

static void
base64(struct buf *out, const unsigned char *p, size_t n)
{
	char enc[sodium_base64_ENCODED_LEN(57, sodium_base64_VARIANT_ORIGINAL)];
	while (n > 0) {
		size_t k = n > 57 ? 57 : n;
		sodium_bin2base64(enc, sizeof(enc), p, k, sodium_base64_VARIANT_ORIGINAL);
		buf_puts(out, enc);
		p += k;
		n -= k;
	}
}

/* v[0..len) as encoded words; used is how much of the line is taken. */
static void
encode_words(struct buf *out, const char *v, size_t len, size_t used)
{
	const size_t overhead = sizeof(WORD_OPEN) - 1 + sizeof(WORD_CLOSE) - 1;
	bool first = true;
	do {
		size_t room = LINE_MAX_CHARS > used + overhead + 4 ?
		    LINE_MAX_CHARS - used - overhead : 4;
		size_t bytes = room / 4 * 3;
		size_t n = char_cut(v, len, bytes);
		if (!first)
			buf_puts(out, "\r\n ");
		buf_puts(out, WORD_OPEN);
		base64(out, (const unsigned char *)v, n);
		buf_puts(out, WORD_CLOSE);
		v += n;
		len -= n;
		used = 1;
		first = false;
	} while (len > 0);
}

void
mime_header(struct buf *out, const char *name, const char *value)
{
	struct buf tmp = { 0 };
	flatten(&tmp, value);
	size_t used = strlen(name) + 2;
	buf_printf(out, "%s: ", name);
	if (plain_enough(buf_str(&tmp), tmp.len, LINE_MAX_CHARS > used ? LINE_MAX_CHARS - used : 0))
		buf_append(out, tmp.data, tmp.len);
	else
		encode_words(out, buf_str(&tmp), tmp.len, used);
	buf_puts(out, "\r\n");
	buf_free(&tmp);
}

void
mime_header_mailbox(struct buf *out, const char *name, const char *display,
    const char *address)
{
	struct buf tmp = { 0 };
	flatten(&tmp, display);
	buf_printf(out, "%s: ", name);
	if (tmp.len > 0) {
		bool quotable = plain_enough(buf_str(&tmp), tmp.len, 60) &&
		    strpbrk(buf_str(&tmp), "\"\\") == NULL;
		if (quotable)
			buf_printf(out, "\"%s\"", buf_str(&tmp));
		else
			encode_words(out, buf_str(&tmp), tmp.len, strlen(name) + 2);
		buf_puts(out, "\r\n <");
	} else
		buf_putc(out, '<');
	buf_puts(out, address);
	buf_puts(out, ">\r\n");
	buf_free(&tmp);
}

void
mime_date(struct buf *out, time_t t)
{
	static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
	    "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	gmtime_r(&t, &tm);
	buf_printf(out, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7],
	    tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	    tm.tm_sec);
}

void
mime_base64_lines(struct buf *out, const void *data, size_t len)
{
	const unsigned char *p = data;
	/* 57 bytes are 76 characters. */
	while (len > 0) {
		size_t k = len > 57 ? 57 : len;
		base64(out, p, k);
		buf_puts(out, "\r\n");
		p += k;
		len -= k;
	}
}

static void
part(struct buf *out, const char *type, const char *body)
{
	buf_printf(out, "Content-Type: %s; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n", type);
	mime_base64_lines(out, body, strlen(body));
}

void
mime_message_write(struct buf *out, const struct mime_message *m)
{
	struct buf v = { 0 };
	mime_header_mailbox(out, "From", m->from_name, m->from);
	buf_printf(out, "To: <%s>\r\n", m->to);
	mime_header(out, "Subject", m->subject);
	mime_date(&v, m->date);
	buf_printf(out, "Date: %s\r\n", buf_str(&v));
	buf_printf(out, "Message-ID: <%s>\r\n", m->message_id);
	buf_puts(out, "MIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n");
	for (size_t i = 0; m->extra != NULL && m->extra[i] != NULL; i++)
		buf_printf(out, "%s\r\n", m->extra[i]);
	if (m->html == NULL)
		part(out, "text/plain", m->text);
	else {
		buf_printf(out, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n"
		    "--%s\r\n", m->boundary, m->boundary);
		part(out, "text/plain", m->text);
		buf_printf(out, "--%s\r\n", m->boundary);
		part(out, "text/html", m->html);
		buf_printf(out, "--%s--\r\n", m->boundary);
	}
	buf_free(&v);
}
