/*
 * dispatch.h - the call table: each request case, the roles allowed to make
 * it, and its handler. Authorization by role happens here before a handler
 * runs; handlers check row-level rules (own unit only) themselves.
 *
 * Dispatch does not know the connection: conn.c hands it the connection's
 * session (below), and every answer, now or later, goes through the
 * session's reply handle (reply.h).
 */
#ifndef RENBIN_DISPATCH_H
#define RENBIN_DISPATCH_H

#include <locale.h>
#include <stdint.h>

#include "arena.h"
#include "err.h"
#include "role.h"
#include "tls.h"
#include "renbin.pb-c.h"

struct server;
struct reply;

/* What the calls of one connection share. conn.c owns it (one per
 * connection, filled at the handshake); dispatch and the handlers read it,
 * and Hello sets its language. */
struct session {
        struct principal who;
        unsigned role;        /* role_bit(who.role), computed once at the handshake */
        locale_t loc;         /* messages in the client's language; 0: English */
        int hello_done;       /* the first call, Hello, has succeeded */
        int64_t unit_checked; /* database change count + 1 when the unit was last found active */
        struct reply *reply;  /* how answers reach the connection */
};

/* What a handler sees of its call. */
struct call_ctx {
        struct server *srv;
        struct session *ss;
        const struct principal *who; /* &ss->who */
        unsigned role;               /* ss->role: one of role_bits */
        locale_t loc;                /* the locale messages are written in */
        struct reply *reply;         /* ss->reply: hold it to answer later */
        struct arena *arena;         /* lives until the response is packed */
        int keep_req;                /* set by a deferring handler: it owns req */
};

/* A handler fills resp (result and, on success, nothing else) and returns 0,
 * or returns -1 with e set, or returns CALL_DEFERRED after taking the request
 * over (cx->keep_req = 1) and a reference to cx->reply (reply_hold): it then
 * answers later with reply_send and reply_resume, releases the reference, and
 * frees the request with renbin__request__free_unpacked. */
#define CALL_DEFERRED 1
typedef int (*call_fn)(struct call_ctx *cx, const Renbin__Request *req, Renbin__Response *resp,
                       struct rb_err *e);

struct call_def {
        int call_case;
        const char *name;
        unsigned roles;
        call_fn fn;
};

/* Decodes one frame body of session ss and answers it through ss->reply.
 * Returns 0, CALL_DEFERRED when the answer comes later (read no further
 * frames until the reply's resume), or -1 when the connection must be closed
 * (unreadable frame: the error response is queued). */
int dispatch_frame(struct server *srv, struct session *ss, const uint8_t *body, size_t len);
/* Chooses the session's message language from the client's Hello. */
void session_set_language(struct server *srv, struct session *ss, const char *language);

#endif
