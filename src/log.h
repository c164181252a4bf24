/* log.h — one line per notable event, with its level, to standard error
 * (the journal, nginx's error log or the terminal) or to syslog.
 *
 * Details that must never reach a client (SQLite messages, file paths) go
 * here instead. Every line passes through one function (log_format), which
 * makes it one line (control characters become spaces) and masks anything
 * that looks like an e-mail address ("s***@e***.org"), so that no message
 * can put a whole address into the log; passwords, session tokens and
 * comment texts are never handed to it. Lines are written with one
 * write(2) (or one syslog(3) call) so threads don't mix. */
#ifndef NAZAR_LOG_H
#define NAZAR_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };
enum log_target { LOG_TARGET_STDERR, LOG_TARGET_SYSLOG };

#define LOG_LINE_MAX 2048

void log_set_level(enum log_level level);
/* Where lines go from now on; ident names the program in syslog and in the
 * lines written to a terminal or file ("nazar", "nazarctl"). */
void log_open(enum log_target target, const char *ident);
/* True when standard error is systemd's journal (JOURNAL_STREAM). */
int log_stderr_is_journal(void);
/* True when a line of this level would be written. */
int log_enabled(enum log_level level);
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Logs and exits with status 1; for impossible states and out-of-memory. */
_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

/* The message as a log line's text in out (always terminated, cut to
 * outlen - 1 bytes on a character boundary): control characters as
 * spaces, e-mail addresses masked. Returns its length. */
size_t log_format(char *out, size_t outlen, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* An e-mail address (len bytes) masked into out: the first character of
 * the local part and of the domain, the last label of the domain, e.g.
 * "s***@e***.org"; "***" without an '@'. Lower case; always terminated.
 * Returns the length written. */
size_t log_mask_email(char *out, size_t outlen, const char *email, size_t len);

#endif
