/*
 * call.h - what a call handler sees (the types dispatch.c and the handlers
 * of h_*.c share): the call's context and the handler's signature. Types
 * only, so the handlers need not include the dispatch table's header.
 */
#ifndef RENBIN_CALL_H
#define RENBIN_CALL_H

#include <locale.h>

#include "arena.h"
#include "err.h"
#include "session.h"
#include "tls.h"
#include "role.h"
#include "renbin.pb-c.h"

struct server;
struct reply;

/* What a handler sees of its call. */
struct call_ctx {
        struct server *srv;
        struct session *ss;
        const struct principal *who; /* &ss->who */
        unsigned role;               /* ss->role: one of role_bits */
        locale_t loc;                /* the locale messages are written in */
        struct reply *reply;         /* ss->reply: hold it to answer later */
        struct arena *arena;         /* lives until the response is packed */
        struct arena *req_arena;     /* the request's memory, freed after the call */
};

/* A handler fills resp (result and, on success, nothing else) and returns 0,
 * or returns -1 with e set, or returns CALL_DEFERRED after taking the request
 * over (moving *cx->req_arena, which holds it, into its own, so the caller's
 * is left empty) and a reference to cx->reply (reply_hold): it then answers
 * later with reply_send and reply_resume, releases the reference, and frees
 * the request's arena. */
#define CALL_DEFERRED 1
typedef int (*call_fn)(struct call_ctx *cx, const Renbin__Request *req, Renbin__Response *resp,
                       struct rb_err *e);

#endif
