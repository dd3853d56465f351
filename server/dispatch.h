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

#include "call.h"
#include "role.h"
#include "renbin.pb-c.h"

/* A call: its case (named by the proto: wire_call_name), who may make it. */
struct call_def {
        int call_case;
        unsigned roles;
        call_fn fn;
};

/* Decodes one frame body of session ss and answers it through ss->reply.
 * Returns 0, CALL_DEFERRED when the answer comes later (read no further
 * frames until the reply's resume), or -1 when the connection must be closed
 * (unreadable frame: the error response is queued). */
int dispatch_frame(struct server *srv, struct session *ss, const uint8_t *body, size_t len);

#endif
