/*
 * strbuf.h - appending formatted text to a fixed buffer, for SQL built once
 * from constant tables (the entity catalogue). Running out of room there is a
 * programming error, so it is fatal rather than silently cut.
 */
#ifndef RENBIN_STRBUF_H
#define RENBIN_STRBUF_H

#include <stddef.h>

/* Appends to buf (of len bytes) at *off and advances *off; fatal() when the
 * text does not fit. */
void str_appendf(char *buf, size_t len, size_t *off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
