/* http.c — bounded parsers for query strings, urlencoded bodies, cookies and
 * CONTENT_LENGTH, and the checks for what we put into response headers. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "http.h"

/* Longest value we let into a response header; longer ones are a bug or an
 * attack, and some proxies refuse them anyway. */
#define HEADER_VALUE_MAX 4096

/* Longest CONTENT_LENGTH accepted: 19 decimal digits always fit in 64 bits,
 * so the digit count alone stops absurd inputs before any arithmetic. */
#define CONTENT_LENGTH_DIGITS 19

static int
hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes len bytes of s ('+' → space, %XX → byte) into a fresh arena
 * string. The decoded length never exceeds len, so one allocation of len + 1
 * is enough. Stops as soon as the output would pass max bytes.
 * Returns 0, 400 for a bad escape or a decoded NUL, or too_long.
 */
static int
form_decode(struct arena *a, const char *s, size_t len, size_t max, int too_long,
    char **out, size_t *outlen)
{
	char *d = arena_alloc(a, len + 1);
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '+')
			c = ' ';
		else if (c == '%') {
			if (len - i < 3)
				return 400;
			int hi = hex_value((unsigned char)s[i + 1]);
			int lo = hex_value((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return 400;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
		if (c == '\0')
			return 400;
		if (n == max)
			return too_long;
		d[n++] = (char)c;
	}
	d[n] = '\0';
	*out = d;
	*outlen = n;
	return 0;
}

/* The next segment of s[0, len) after *i, up to the next sep or the end:
 * [*p, *p + *plen), and *i moved past it. False when none is left. */
static bool
next_segment(const char *s, size_t len, char sep, size_t *i, const char **p, size_t *plen)
{
	if (*i >= len)
		return false;
	const char *end = memchr(s + *i, sep, len - *i);
	size_t e = end != NULL ? (size_t)(end - s) : len;
	*p = s + *i;
	*plen = e - *i;
	*i = e + 1;
	return true;
}

int
http_parse_urlencoded(struct arena *a, const char *s, size_t len,
    const struct parse_limits *lim, struct kvlist *out)
{
	out->items = NULL;
	out->count = 0;
	if (s == NULL || len == 0)
		return 0;

	/* Count the pairs first: the limit is enforced before any decoding,
	 * so 100 000 fields cost one memchr pass, and the array is sized
	 * exactly. Empty pairs ("&&") do not count. */
	size_t pairs = 0, i = 0, plen;
	const char *p;
	while (next_segment(s, len, '&', &i, &p, &plen))
		if (plen > 0 && ++pairs > lim->max_fields)
			return 400;
	if (pairs == 0)
		return 0;

	struct kv *items = arena_calloc(a, pairs, sizeof(*items));
	size_t count = 0;
	for (i = 0; next_segment(s, len, '&', &i, &p, &plen);) {
		if (plen == 0)
			continue;

		const char *eq = memchr(p, '=', plen);
		size_t klen = eq != NULL ? (size_t)(eq - p) : plen;
		const char *v = eq != NULL ? eq + 1 : p + plen;
		size_t vlen = eq != NULL ? plen - klen - 1 : 0;

		char *key, *value;
		size_t dk, dv;
		int st = form_decode(a, p, klen, lim->max_key, 400, &key, &dk);
		if (st != 0)
			return st;
		st = form_decode(a, v, vlen, lim->max_value, lim->too_long_status, &value, &dv);
		if (st != 0)
			return st;
		/* "=x" names nothing a handler could ask for. */
		if (dk == 0)
			continue;
		items[count].key = key;
		items[count].value = value;
		items[count].value_len = dv;
		count++;
	}
	out->items = count > 0 ? items : NULL;
	out->count = count;
	return 0;
}

static bool
is_cookie_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Trims spaces and tabs from both ends of [*p, *p + *len). */
static void
trim(const char **p, size_t *len)
{
	while (*len > 0 && is_cookie_space(**p)) {
		(*p)++;
		(*len)--;
	}
	while (*len > 0 && is_cookie_space((*p)[*len - 1]))
		(*len)--;
}

int
http_parse_cookies(struct arena *a, const char *header, size_t max_len,
    size_t max_cookies, struct kvlist *out)
{
	out->items = NULL;
	out->count = 0;
	if (header == NULL)
		return 0;
	/* strnlen: never walk further than the limit into a hostile header. */
	size_t len = strnlen(header, max_len + 1);
	if (len > max_len)
		return 400;

	/* Every non-empty segment counts against the limit, well-formed or
	 * not, so junk cannot make us do more work than real cookies would. */
	size_t segments = 0, i = 0, plen;
	const char *p;
	while (next_segment(header, len, ';', &i, &p, &plen)) {
		trim(&p, &plen);
		if (plen > 0 && ++segments > max_cookies)
			return 400;
	}
	if (segments == 0)
		return 0;

	struct kv *items = arena_calloc(a, segments, sizeof(*items));
	size_t count = 0;
	for (i = 0; next_segment(header, len, ';', &i, &p, &plen);) {
		trim(&p, &plen);

		const char *eq = memchr(p, '=', plen);
		if (eq == NULL)
			continue;
		const char *k = p;
		size_t klen = (size_t)(eq - p);
		const char *v = eq + 1;
		size_t vlen = plen - klen - 1;
		trim(&k, &klen);
		trim(&v, &vlen);
		if (klen == 0)
			continue;
		/* RFC 6265 allows a value in double quotes; the quotes are not
		 * part of the value. */
		if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
			v++;
			vlen -= 2;
		}
		items[count].key = arena_strndup(a, k, klen);
		items[count].value = arena_strndup(a, v, vlen);
		items[count].value_len = vlen;
		count++;
	}
	out->items = count > 0 ? items : NULL;
	out->count = count;
	return 0;
}

const char *
kvlist_get(const struct kvlist *l, const char *key)
{
	if (l == NULL || key == NULL)
		return NULL;
	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->items[i].key, key) == 0)
			return l->items[i].value;
	return NULL;
}

size_t
kvlist_count(const struct kvlist *l, const char *key)
{
	size_t n = 0;
	if (l == NULL || key == NULL)
		return 0;
	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->items[i].key, key) == 0)
			n++;
	return n;
}

int
http_parse_content_length(const char *s, size_t max, size_t *out)
{
	*out = 0;
	if (s == NULL || *s == '\0')
		return 0;
	uint64_t n = 0;
	size_t digits = 0;
	for (const char *p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return 400;
		if (++digits > CONTENT_LENGTH_DIGITS)
			return 400;
		unsigned d = (unsigned)(*p - '0');
		if (n > (UINT64_MAX - d) / 10)
			return 400;
		n = n * 10 + d;
	}
	/* Compare in 64 bits: on a 32-bit size_t a huge value must not wrap
	 * into an acceptable one. */
	if (n > (uint64_t)max)
		return 413;
	*out = (size_t)n;
	return 0;
}

bool
http_header_value_safe(const char *s)
{
	if (s == NULL)
		return false;
	size_t i;
	for (i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i >= HEADER_VALUE_MAX)
			return false;
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return false;
	}
	return true;
}

const char *
http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

void
http_url_encode(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	if (s == NULL)
		return;
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		unsigned char c = *p;
		/* RFC 3986 unreserved characters stay as they are. */
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
			buf_putc(out, (char)c);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 0xf] };
			buf_append(out, e, sizeof(e));
		}
	}
}

char *
http_location_encode(struct arena *a, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		n += c <= 0x20 || c >= 0x7f || strchr("\"<>\\^`{|}", c) != NULL ? 3 : 1;
	}
	char *out = arena_alloc(a, n + 1), *o = out;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c >= 0x7f || strchr("\"<>\\^`{|}", c) != NULL) {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 0xf];
		} else
			*o++ = (char)c;
	}
	*o = '\0';
	return out;
}

static const char wdays[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
	"Aug", "Sep", "Oct", "Nov", "Dec" };

void
http_date_format(int64_t t, char out[HTTP_DATE_LEN])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (gmtime_r(&tt, &tm) == NULL || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0) {
		snprintf(out, HTTP_DATE_LEN, "Thu, 01 Jan 1970 00:00:00 GMT");
		return;
	}
	snprintf(out, HTTP_DATE_LEN, "%s, %02d %s %04d %02d:%02d:%02d GMT", wdays[tm.tm_wday],
	    tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	    tm.tm_sec);
}

/* n decimal digits at s, into *v. */
static bool
digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

bool
http_date_parse(const char *s, int64_t *t)
{
	/* "Sun, 06 Nov 1994 08:49:37 GMT": fixed positions, 29 characters. */
	if (s == NULL || strlen(s) != HTTP_DATE_LEN - 1 || s[3] != ',' || s[4] != ' ' ||
	    s[7] != ' ' || s[11] != ' ' || s[16] != ' ' || s[19] != ':' || s[22] != ':' ||
	    strcmp(s + 25, " GMT") != 0)
		return false;
	int wday = -1, mon = -1;
	for (int i = 0; i < 7; i++)
		if (memcmp(s, wdays[i], 3) == 0)
			wday = i;
	for (int i = 0; i < 12; i++)
		if (memcmp(s + 8, months[i], 3) == 0)
			mon = i;
	int day, year, hour, min, sec;
	if (wday < 0 || mon < 0 || !digits(s + 5, 2, &day) || !digits(s + 12, 4, &year) ||
	    !digits(s + 17, 2, &hour) || !digits(s + 20, 2, &min) || !digits(s + 23, 2, &sec))
		return false;
	if (day < 1 || day > 31 || hour > 23 || min > 59 || sec > 59 || year < 1970)
		return false;
	struct tm tm = { .tm_year = year - 1900, .tm_mon = mon, .tm_mday = day,
		.tm_hour = hour, .tm_min = min, .tm_sec = sec };
	time_t v = timegm(&tm);
	/* timegm normalises 31 Feb into March: such a date was not a date;
	 * nor is one that names the wrong day of the week. */
	if (v == (time_t)-1 || tm.tm_mday != day || tm.tm_mon != mon || tm.tm_wday != wday)
		return false;
	*t = (int64_t)v;
	return true;
}

bool
http_etag_matches(const char *header, const char *etag)
{
	if (header == NULL || etag == NULL)
		return false;
	size_t want = strlen(etag);
	const char *p = header;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			return false;
		if (*p == '*')
			return true;
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		if (*p != '"')
			return false;
		const char *end = strchr(p + 1, '"');
		if (end == NULL)
			return false;
		size_t len = (size_t)(end - p) + 1;
		if (len == want && memcmp(p, etag, len) == 0)
			return true;
		p = end + 1;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != ',' && *p != '\0')
			return false;
	}
}
