/*
 * log.c - timestamped one-line records on stderr.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static enum log_level max_level = LOG_INFO;
static const char *prog = "renbin";
static const char *names[] = {"error", "warning", "info", "debug"};

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

/* Prints one record: the time, the program, the level, the message. */
static void vlog(enum log_level lvl, const char *fmt, va_list ap)
{
        char ts[32];
        time_t now = time(NULL);
        struct tm tm;

        gmtime_r(&now, &tm);
        strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
        fprintf(stderr, "%s %s %s: ", ts, prog, names[lvl]);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
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
