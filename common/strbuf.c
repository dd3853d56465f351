/*
 * strbuf.c - bounded appends for SQL built from the catalogue.
 */
#include "strbuf.h"
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

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
