/*
 * log.c - one-line records: on stderr with a UTC timestamp, the program and
 * the level; under journald (JOURNAL_STREAM names stderr) with a syslog
 * priority prefix instead; or appended to a log file that can be reopened.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static enum log_level max_level = LOG_INFO;
static const char *prog = "renbin";
static const char *names[] = {"error", "warning", "info", "debug"};
/* syslog(3) priorities of the levels: LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG. */
static const int prios[] = {3, 4, 6, 7};
static int journal;          /* stderr is journald's stream */
static FILE *file;           /* the log file, NULL for stderr */
static char file_path[4096]; /* ... its path, for log_reopen */

static void vlog(enum log_level lvl, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

void log_set_level(enum log_level lvl)
{
        max_level = lvl;
}

void log_set_prog(const char *p)
{
        prog = p;
}

int log_detect_journal(void)
{
        const char *js = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        /* systemd's advice: trust the variable only while stderr is still the
         * stream it names (device:inode), not after a redirection. */
        journal = js != NULL && sscanf(js, "%llu:%llu", &dev, &ino) == 2 && fstat(2, &st) == 0 &&
                  (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
        return journal;
}

int log_open(const char *path)
{
        FILE *f = NULL;

        if (path != NULL && path[0] != '\0') {
                if (strlen(path) >= sizeof(file_path) || (f = fopen(path, "ae")) == NULL)
                        return -1;
                setvbuf(f, NULL, _IOLBF, 0);
        }
        if (file != NULL)
                fclose(file);
        file = f;
        snprintf(file_path, sizeof(file_path), "%s", f != NULL ? path : "");
        return 0;
}

int log_reopen(void)
{
        char path[sizeof(file_path)];

        if (file == NULL)
                return 0;
        memcpy(path, file_path, sizeof(path));
        return log_open(path);
}

/* Prints one record: the time, the program, the level, the message; or, for
 * journald, the priority and the message (it adds the time and the name). */
static void vlog(enum log_level lvl, const char *fmt, va_list ap)
{
        FILE *out = file != NULL ? file : stderr;
        char ts[32];
        time_t now = time(NULL);
        struct tm tm;

        if (file == NULL && journal) {
                fprintf(out, "<%d>", prios[lvl]);
        } else {
                gmtime_r(&now, &tm);
                strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
                fprintf(out, "%s %s %s: ", ts, prog, names[lvl]);
        }
        vfprintf(out, fmt, ap);
        fputc('\n', out);
        fflush(out);
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
        va_list ap;

        if (lvl > max_level)
                return;
        va_start(ap, fmt);
        vlog(lvl, fmt, ap);
        va_end(ap);
}

void fatal(const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vlog(LOG_ERR, fmt, ap);
        va_end(ap);
        exit(70);
}
