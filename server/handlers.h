/*
 * handlers.h - every call handler, one group per file (h_*.c), named in the
 * dispatch table of dispatch.c.
 */
#ifndef RENBIN_HANDLERS_H
#define RENBIN_HANDLERS_H

#include "call.h"

/* h_session.c */
int h_hello(struct call_ctx *cx, const Renbin__Request *req, Renbin__Response *resp,
            struct rb_err *e);
int h_ping(struct call_ctx *cx, const Renbin__Request *req, Renbin__Response *resp,
           struct rb_err *e);

/* h_sync.c */
int h_push(struct call_ctx *cx, const Renbin__Request *req, Renbin__Response *resp,
           struct rb_err *e);
int h_pull(struct call_ctx *cx, const Renbin__Request *req, Renbin__Response *resp,
           struct rb_err *e);

/* h_snapshot.c */
int h_snapshot(struct call_ctx *cx, const Renbin__Request *req, Renbin__Response *resp,
               struct rb_err *e);

/* h_query.c */
int h_query(struct call_ctx *cx, const Renbin__Request *req, Renbin__Response *resp,
            struct rb_err *e);

#endif
