/*
 * strbuf.c - bounded appends for SQL built from the catalogue, and the
 * bounded copy (strbuf.h).
 */
#include "strbuf.h"
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void str_appendf(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
        va_list ap;
        int n;

        if (*off >= len)
                fatal("str_appendf: buffer of %zu bytes already full", len);
        va_start(ap, fmt);
        n = vsnprintf(buf + *off, len - *off, fmt, ap);
        va_end(ap);
        if (n < 0 || (size_t)n >= len - *off)
                fatal("str_appendf: %zu bytes are not enough", len);
        *off += (size_t)n;
}

char *str_copy(char *buf, size_t len, const char *src)
{
        size_t n = src != NULL ? strnlen(src, len - 1) : 0;

        if (n > 0)
                memcpy(buf, src, n);
        buf[n] = '\0';
        return buf;
}

char *str_ll(char buf[STR_LL], long long v)
{
        unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
        char d[STR_LL];
        size_t i = sizeof(d);

        d[--i] = '\0';
        do {
                d[--i] = (char)('0' + u % 10);
                u /= 10;
        } while (u != 0);
        if (v < 0)
                d[--i] = '-';
        memcpy(buf, d + i, sizeof(d) - i);
        return buf;
}
