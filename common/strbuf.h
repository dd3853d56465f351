/*
 * strbuf.h - text into fixed buffers. str_appendf is for SQL built once from
 * constant tables (the entity catalogue): running out of room there is a
 * programming error, so it is fatal rather than silently cut. str_copy is
 * the cheap bounded copy of the request path, cut to fit as snprintf's "%s"
 * cuts.
 */
#ifndef RENBIN_STRBUF_H
#define RENBIN_STRBUF_H

#include <stddef.h>

/* Appends to buf (of len bytes) at *off and advances *off; fatal() when the
 * text does not fit. */
void str_appendf(char *buf, size_t len, size_t *off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Copies src (NULL: "") into buf of len bytes (len > 0), cut to len - 1
 * bytes, always terminated; returns buf. */
char *str_copy(char *buf, size_t len, const char *src);

/* v in decimal, as "%lld" writes it, into buf (STR_LL bytes: any long long
 * fits); returns buf. The request path's integer to text, without printf. */
#define STR_LL 24
char *str_ll(char buf[STR_LL], long long v);

#endif
