/* log.c — see log.h. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "utf8.h"

static enum log_level current_level = LOG_LEVEL_INFO;
static enum log_target current_target = LOG_TARGET_STDERR;
static char current_ident[32] = "nazar";
/* Standard error is the journal's stream: it takes "<N>" priorities and
 * adds the time, the program and its pid itself. */
static int to_journal = -1;
static const char *const level_names[] = { "error", "warn", "info", "debug" };
static const int level_priorities[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

void
log_set_level(enum log_level level)
{
	current_level = level;
}

int
log_enabled(enum log_level level)
{
	return level <= current_level;
}

int
log_stderr_is_journal(void)
{
	const char *v = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char end;
	if (v == NULL || sscanf(v, "%llu:%llu%c", &dev, &ino, &end) != 2 ||
	    fstat(STDERR_FILENO, &st) != 0)
		return 0;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void
log_open(enum log_target target, const char *ident)
{
	if (ident != NULL)
		snprintf(current_ident, sizeof(current_ident), "%s", ident);
	if (current_target == LOG_TARGET_SYSLOG && target != LOG_TARGET_SYSLOG)
		closelog();
	current_target = target;
	if (target == LOG_TARGET_SYSLOG)
		openlog(current_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	to_journal = -1;
}

/* --- e-mail addresses --- */

/* The length of the whole UTF-8 character at s (at most len). */
static size_t
char_len(const char *s, size_t len)
{
	size_t n = 1;
	while (n < len && ((unsigned char)s[n] & 0xC0) == 0x80)
		n++;
	return len == 0 ? 0 : n;
}

/* Appends n bytes of s to out[*pos], keeping room for the terminator. */
static void
put(char *out, size_t outlen, size_t *pos, const char *s, size_t n)
{
	if (outlen == 0)
		return;
	if (n > outlen - 1 - *pos)
		n = outlen - 1 - *pos;
	memcpy(out + *pos, s, n);
	*pos += n;
}

size_t
log_mask_email(char *out, size_t outlen, const char *email, size_t len)
{
	size_t pos = 0;
	if (outlen == 0)
		return 0;
	const char *at = NULL;
	for (size_t i = 0; email != NULL && i < len; i++)
		if (email[i] == '@')
			at = email + i;
	if (at == NULL) {
		put(out, outlen, &pos, "***", 3);
	} else {
		const char *domain = at + 1;
		size_t dlen = len - (size_t)(domain - email);
		const char *dot = NULL;
		for (size_t i = 0; i < dlen; i++)
			if (domain[i] == '.')
				dot = domain + i;
		size_t local = (size_t)(at - email);
		if (local == 0)
			put(out, outlen, &pos, "*", 1);
		else
			put(out, outlen, &pos, email, char_len(email, local));
		put(out, outlen, &pos, "***@", 4);
		size_t first = dot ? (size_t)(dot - domain) : dlen;
		if (first == 0)
			put(out, outlen, &pos, "*", 1);
		else
			put(out, outlen, &pos, domain, char_len(domain, first));
		put(out, outlen, &pos, "***", 3);
		if (dot != NULL && dot + 1 < domain + dlen)
			put(out, outlen, &pos, dot, (size_t)(domain + dlen - dot));
	}
	out[pos] = '\0';
	/* The same address in any case is the same address: one mask. */
	for (size_t i = 0; i < pos; i++)
		if (out[i] >= 'A' && out[i] <= 'Z')
			out[i] = (char)(out[i] - 'A' + 'a');
	return pos;
}

/* A character that may be part of an address on either side of its '@':
 * letters, digits, the usual punctuation of local parts ('*' left out, so
 * that a masked address is not masked again), any other script's letters
 * but not the punctuation around an address («», quotes, ، and the like). */
static int
address_char(uint32_t c, int local)
{
	if (c >= 0x80)
		return !(c < 0xC0 || (c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) ||
		    c == 0x060C || c == 0x061B || c == 0x061F || c == 0x06D4 ||
		    (c >= 0xFE30 && c <= 0xFE6F) || (c >= 0xFF00 && c <= 0xFF0F));
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '.' || c == '-' || c == '_')
		return 1;
	return local && (c == '+' || c == '%' || c == '\'' || c == '=' || c == '!' ||
	    c == '#' || c == '$' || c == '&' || c == '/' || c == '?' || c == '^' || c == '`' ||
	    c == '{' || c == '|' || c == '}' || c == '~');
}

/* The length of the address character ending at text[end - 1] (after
 * from), or 0. */
static size_t
address_char_before(const char *text, size_t from, size_t end, int local)
{
	size_t k = end;
	while (k > from && end - k < 4 && ((unsigned char)text[k - 1] & 0xC0) == 0x80)
		k--;
	if (k == from)
		return 0;
	uint32_t cp;
	size_t n = utf8_decode((const unsigned char *)text + k - 1, end - (k - 1), &cp);
	return n == end - (k - 1) && address_char(cp, local) ? n : 0;
}

/* The length of the address character at text[i], or 0. */
static size_t
address_char_at(const char *text, size_t i, size_t len, int local)
{
	uint32_t cp;
	size_t n = utf8_decode((const unsigned char *)text + i, len - i, &cp);
	return n > 0 && address_char(cp, local) ? n : 0;
}

/* Copies text to out with every address masked and every control
 * character as a space. */
static size_t
scrub(char *out, size_t outlen, const char *text, size_t len)
{
	size_t pos = 0, i = 0, copied = 0;
	while (i < len) {
		if (text[i] != '@') {
			i++;
			continue;
		}
		size_t start = i, end = i + 1, n;
		while ((n = address_char_before(text, copied, start, 1)) > 0)
			start -= n;
		while (end < len && (n = address_char_at(text, end, len, 0)) > 0)
			end += n;
		/* An address does not end with its sentence's full stop. */
		while (end > i + 1 && text[end - 1] == '.')
			end--;
		if (start == i || end == i + 1) {
			i++;
			continue;
		}
		put(out, outlen, &pos, text + copied, start - copied);
		char masked[128];
		size_t m = log_mask_email(masked, sizeof(masked), text + start, end - start);
		put(out, outlen, &pos, masked, m);
		copied = i = end;
	}
	put(out, outlen, &pos, text + copied, len - copied);
	for (size_t k = 0; k < pos; k++)
		if ((unsigned char)out[k] < 0x20 || out[k] == 0x7f)
			out[k] = ' ';
	if (outlen > 0)
		out[pos] = '\0';
	return pos;
}

size_t
log_format(char *out, size_t outlen, const char *fmt, va_list ap)
{
	/* A few bytes past the line's end, so utf8_cut sees whether the cut
	 * falls inside a character; room for masks longer than addresses. */
	char raw[LOG_LINE_MAX + 8], clean[3 * LOG_LINE_MAX];
	if (outlen == 0)
		return 0;
	if (outlen > LOG_LINE_MAX)
		outlen = LOG_LINE_MAX;
	int n = vsnprintf(raw, sizeof(raw), fmt, ap);
	size_t len = n < 0 ? 0 : (size_t)n < sizeof(raw) ? (size_t)n : sizeof(raw) - 1;
	len = utf8_cut(raw, len, LOG_LINE_MAX - 1);
	size_t clen = scrub(clean, sizeof(clean), raw, len);
	size_t keep = utf8_cut(clean, clen, outlen - 1);
	memcpy(out, clean, keep);
	out[keep] = '\0';
	return keep;
}

static void
log_vwrite(enum log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void
log_vwrite(enum log_level level, const char *fmt, va_list ap)
{
	char text[LOG_LINE_MAX];
	log_format(text, sizeof(text), fmt, ap);
	if (current_target == LOG_TARGET_SYSLOG) {
		syslog(level_priorities[level], "%s: %s", level_names[level], text);
		return;
	}
	if (to_journal < 0)
		to_journal = log_stderr_is_journal();
	char line[LOG_LINE_MAX + 128];
	int n;
	if (to_journal) {
		n = snprintf(line, sizeof(line), "<%d>%s: %s", level_priorities[level],
		    level_names[level], text);
	} else {
		struct timespec ts;
		struct tm tm;
		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		n = snprintf(line, sizeof(line), "%04d-%02d-%02dT%02d:%02d:%02dZ %s[%ld] %s: %s",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		    tm.tm_sec, current_ident, (long)getpid(), level_names[level], text);
	}
	if (n < 0)
		return;
	size_t len = (size_t)n < sizeof(line) - 1 ? (size_t)n : sizeof(line) - 2;
	line[len++] = '\n';
	ssize_t w = write(STDERR_FILENO, line, len);
	(void)w;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	if (level > current_level)
		return;
	va_list ap;
	va_start(ap, fmt);
	log_vwrite(level, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERROR, fmt, ap);
	va_end(ap);
	exit(1);
}
