/*
 * err.h - an error as both sides carry it: a protocol status code (the gRPC
 * canonical codes of proto/renbin.proto), the offending field and one line of
 * text. The CLI turns the code into a documented exit status.
 */
#ifndef RENBIN_ERR_H
#define RENBIN_ERR_H

#include "renbin.pb-c.h"

/* Short names for the status codes. */
enum {
        RB_OK = RENBIN__CODE__OK,
        RB_CANCELLED = RENBIN__CODE__CANCELLED,
        RB_INVALID = RENBIN__CODE__INVALID_ARGUMENT,
        RB_NOT_FOUND = RENBIN__CODE__NOT_FOUND,
        RB_EXISTS = RENBIN__CODE__ALREADY_EXISTS,
        RB_DENIED = RENBIN__CODE__PERMISSION_DENIED,
        RB_EXHAUSTED = RENBIN__CODE__RESOURCE_EXHAUSTED,
        RB_PRECONDITION = RENBIN__CODE__FAILED_PRECONDITION,
        RB_ABORTED = RENBIN__CODE__ABORTED,
        RB_UNIMPLEMENTED = RENBIN__CODE__UNIMPLEMENTED,
        RB_INTERNAL = RENBIN__CODE__INTERNAL,
        RB_UNAVAILABLE = RENBIN__CODE__UNAVAILABLE,
        RB_UNAUTHENTICATED = RENBIN__CODE__UNAUTHENTICATED,
};

/* Exit statuses of both programs (docs/exit-codes.md). */
enum {
        EXIT_OK = 0,
        EXIT_FAIL = 1,      /* internal or unexpected failure */
        EXIT_USAGE = 2,     /* bad command line */
        EXIT_INVALID = 3,   /* bad input: a field, a file, a line */
        EXIT_NOT_FOUND = 4, /* the named thing does not exist */
        EXIT_REFUSED = 5,   /* refused by a rule: exists, wrong state, conflict */
        EXIT_DENIED = 6,    /* not allowed for this certificate / role */
        EXIT_OFFLINE = 7,   /* server unreachable or timed out */
        EXIT_BUSY = 8,      /* server over a limit, try later */
};
/* Stopped by Ctrl-C (128 + SIGINT) during a sync or an import; what was
 * done is saved (docs/exit-codes.md). */
enum { EXIT_INTERRUPTED = 130 };

struct rb_err {
        int code;
        char field[64];
        char msg[512];
};

/* Fills e (which may be NULL) and returns -1, so callers can `return err_set(...)`.
 * The message and field are made valid UTF-8 (err_utf8_fix): every reply's
 * Status comes from here, and protobuf strings must be UTF-8. */
int err_set(struct rb_err *e, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The byte offset (from 0) of the first byte of s (len bytes) that does not
 * begin a valid UTF-8 sequence (overlong forms, surrogates and code points
 * over U+10FFFF are invalid), or ERR_UTF8_OK when s is valid UTF-8. */
#define ERR_UTF8_OK ((size_t)-1)
size_t err_utf8_bad(const char *s, size_t len);
/* Makes the NUL-terminated s valid UTF-8 in place: each invalid byte becomes
 * '?', and a sequence cut short at the end (a truncated copy) is dropped. */
void err_utf8_fix(char *s);
/* Clears e to RB_OK. */
void err_clear(struct rb_err *e);
/* "INVALID_ARGUMENT" and so on. */
const char *err_code_name(int code);
/* The exit status for a status code. */
int err_exit_status(int code);

#endif
