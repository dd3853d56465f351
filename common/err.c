/*
 * err.c - status codes, their names and their exit statuses, and the UTF-8
 * check every message passes: a Status is a protobuf string, which another
 * runtime refuses to parse when it is not UTF-8.
 */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

static const char *const code_names[] = {
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
};

/* The length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
        unsigned c = s[0];
        size_t k;
        unsigned long cp;

        if (c < 0x80)
                return 1;
        if (c < 0xC2 || c > 0xF4)
                return 0;
        k = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (n < k)
                return 0;
        cp = c & (0x3F >> (k - 1));
        for (size_t i = 1; i < k; i++) {
                if ((s[i] & 0xC0) != 0x80)
                        return 0;
                cp = cp << 6 | (s[i] & 0x3F);
        }
        if ((k == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
                return 0;
        return k;
}

size_t err_utf8_bad(const char *s, size_t len)
{
        const unsigned char *p = (const unsigned char *)s;
        uint64_t w;

        for (size_t i = 0, k; i < len; i += k) {
                /* Eight ASCII bytes at a time: most of what is checked is ASCII. */
                if (len - i >= 8 && (memcpy(&w, p + i, 8), (w & 0x8080808080808080ULL) == 0)) {
                        k = 8;
                        continue;
                }
                if ((k = utf8_seq(p + i, len - i)) == 0)
                        return i;
        }
        return ERR_UTF8_OK;
}

/* 1 if the n bytes at p are the start of a sequence that the end of the
 * string cut short (a lead byte, then fewer continuation bytes than it needs). */
static int cut_short(const unsigned char *p, size_t n)
{
        size_t need = p[0] < 0xE0 ? 2 : p[0] < 0xF0 ? 3 : 4;

        if (p[0] < 0xC2 || p[0] > 0xF4 || n >= need)
                return 0;
        for (size_t k = 1; k < n; k++)
                if ((p[k] & 0xC0) != 0x80)
                        return 0;
        return 1;
}

void err_utf8_fix(char *s)
{
        unsigned char *p = (unsigned char *)s;
        size_t len = strlen(s), i, bad;

        for (i = 0; (bad = err_utf8_bad(s + i, len - i)) != ERR_UTF8_OK; i++) {
                i += bad;
                if (cut_short(p + i, len - i)) {
                        p[i] = '\0';
                        return;
                }
                p[i] = '?';
        }
}

int err_set(struct rb_err *e, int code, const char *field, const char *fmt, ...)
{
        char msg[sizeof(e->msg)], fld[sizeof(e->field)];
        va_list ap;

        if (e == NULL)
                return -1;
        /* Formatted aside first: a caller may wrap what e holds ("cannot
         * keep X aside: %s", e->msg). */
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        snprintf(fld, sizeof(fld), "%s", field != NULL ? field : "");
        e->code = code;
        memcpy(e->field, fld, sizeof(fld));
        memcpy(e->msg, msg, sizeof(msg));
        err_utf8_fix(e->field);
        err_utf8_fix(e->msg);
        return -1;
}

void err_clear(struct rb_err *e)
{
        memset(e, 0, sizeof(*e));
}

const char *err_code_name(int code)
{
        if (code < 0 || (size_t)code >= sizeof(code_names) / sizeof(code_names[0]))
                return "UNKNOWN";
        return code_names[code];
}

int err_exit_status(int code)
{
        switch (code) {
        case RENBIN__CODE__OK:
                return EXIT_OK;
        case RENBIN__CODE__INVALID_ARGUMENT:
        case RENBIN__CODE__OUT_OF_RANGE:
                return EXIT_INVALID;
        case RENBIN__CODE__NOT_FOUND:
                return EXIT_NOT_FOUND;
        case RENBIN__CODE__ALREADY_EXISTS:
        case RENBIN__CODE__FAILED_PRECONDITION:
        case RENBIN__CODE__ABORTED:
                return EXIT_REFUSED;
        case RENBIN__CODE__PERMISSION_DENIED:
        case RENBIN__CODE__UNAUTHENTICATED:
                return EXIT_DENIED;
        case RENBIN__CODE__UNAVAILABLE:
        case RENBIN__CODE__DEADLINE_EXCEEDED:
                return EXIT_OFFLINE;
        case RENBIN__CODE__RESOURCE_EXHAUSTED:
                return EXIT_BUSY;
        }
        return EXIT_FAIL;
}
