/* log.h — diagnostics to stderr (journald, nginx error log or the terminal).
 *
 * Details that must never reach a client (SQLite messages, file paths) go
 * here instead. Lines are written with one write(2) so threads don't mix. */
#ifndef NAZAR_LOG_H
#define NAZAR_LOG_H

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

void log_set_level(enum log_level level);
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Logs and exits with status 1; for impossible states and out-of-memory. */
_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
