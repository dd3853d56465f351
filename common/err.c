/*
 * err.c - status codes, their names and their exit statuses.
 */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
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

int err_set(struct rb_err *e, int code, const char *field, const char *fmt, ...)
{
        va_list ap;

        if (e == NULL)
                return -1;
        e->code = code;
        snprintf(e->field, sizeof(e->field), "%s", field != NULL ? field : "");
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
        va_end(ap);
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
