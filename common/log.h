/*
 * log.h - one-line log records on stderr (or a log file), and fatal() for the
 * unrecoverable.
 */
#ifndef RENBIN_LOG_H
#define RENBIN_LOG_H

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Sets the most verbose level printed (LOG_INFO by default). */
void log_set_level(enum log_level lvl);
/* Prints "2027-02-10T08:00:00Z renbind info: ..." on stderr. */
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Logs and exits with status 70 (EX_SOFTWARE). */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Sets the program name used in log lines. */
void log_set_prog(const char *prog);
/* Under journald (JOURNAL_STREAM names our stderr's device:inode) records on
 * stderr become "<6>message": a syslog priority, no timestamp of their own.
 * Returns 1 if so. */
int log_detect_journal(void);
/* Appends records to path from now on (NULL or "": stderr again), in the
 * timestamped format. 0, or -1 with errno (the old destination is kept). */
int log_open(const char *path);
/* Closes and reopens the log file (after a rotation); 0 or -1 with errno. */
int log_reopen(void);

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
