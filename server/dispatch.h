/*
 * dispatch.h - the call table: each request case, the roles allowed to make
 * it, and its handler. Authorization by role happens here before a handler
 * runs; handlers check row-level rules (own unit only) themselves.
 */
#ifndef RENBIN_DISPATCH_H
#define RENBIN_DISPATCH_H

#include "arena.h"
#include "err.h"
#include "role.h"
#include "tls.h"
#include "renbin.pb-c.h"

struct server;
struct conn;

/* What a handler sees of its call. */
struct call_ctx {
        struct server *srv;
        struct conn *conn;
        const struct principal *who;
        unsigned role;       /* one of role_bits */
        struct arena *arena; /* lives until the response is packed */
        int keep_req;        /* set by a deferring handler: it owns req */
};

/* A handler fills resp (result and, on success, nothing else) and returns 0,
 * or returns -1 with e set, or returns CALL_DEFERRED after taking the request
 * over (cx->keep_req = 1): it then answers later with conn_send and
 * conn_resume, and frees the request with renbin__request__free_unpacked. */
#define CALL_DEFERRED 1
typedef int (*call_fn)(struct call_ctx *cx, const Renbin__Request *req, Renbin__Response *resp,
                       struct rb_err *e);

struct call_def {
        int call_case;
        const char *name;
        unsigned roles;
        call_fn fn;
};

/* Decodes one frame body and answers it on c. Returns 0, CALL_DEFERRED when
 * the answer comes later (read no further frames of c until conn_resume), or
 * -1 when the connection must be closed (unreadable frame: the error response
 * is queued). */
int dispatch_frame(struct server *srv, struct conn *c, const uint8_t *body, size_t len,
                   int *hello_done);

#endif
