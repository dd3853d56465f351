/*
 * dispatch.c - request -> handler. The table below is the whole list of calls:
 * adding a call is one handler and one line here. The role check happens here,
 * for every call, before the handler runs.
 */
#include "dispatch.h"
#include "h_sync.h"
#include "handlers.h"
#include "i18n.h"
#include "log.h"
#include "metrics.h"
#include "reply.h"
#include "server.h"
#include "store.h"
#include "wire.h"

#include <string.h>

static const struct call_def calls[] = {
    {RENBIN__REQUEST__CALL_HELLO, ROLE_ANY, h_hello},
    {RENBIN__REQUEST__CALL_PING, ROLE_ANY, h_ping},
    {RENBIN__REQUEST__CALL_PUSH, ROLE_HR | ROLE_UNIT, h_push},
    {RENBIN__REQUEST__CALL_PULL, ROLE_ANY, h_pull},
    {RENBIN__REQUEST__CALL_QUERY, ROLE_ANY, h_query},
    {RENBIN__REQUEST__CALL_SNAPSHOT, ROLE_ANY, h_snapshot},
};

/* The table entry for a call case, or NULL. */
static const struct call_def *call_find(int call_case)
{
        for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
                if (calls[i].call_case == call_case)
                        return &calls[i];
        return NULL;
}

/* Runs one decoded request through the checks and its handler into resp.
 * Returns 0 (resp is the answer) or CALL_DEFERRED (the handler answers later). */
static int dispatch_call(struct call_ctx *cx, const Renbin__Request *req, Renbin__Response *resp)
{
        const struct call_def *def = call_find(req->call_case);
        struct rb_err e;
        int rc;

        err_clear(&e);
        if (def == NULL) {
                err_set(&e, RB_UNIMPLEMENTED, "call", _("unknown call %d"), (int)req->call_case);
        } else if (!cx->ss->hello_done && def->call_case != RENBIN__REQUEST__CALL_HELLO) {
                err_set(&e, RB_PRECONDITION, "call", _("the first call must be Hello"));
        } else if (session_check(cx->srv, cx->ss, &e) != 0) {
                /* A revoked certificate or a deactivated unit: refused (the
                 * connection watch closes it within a second). */
        } else if ((def->roles & cx->role) == 0) {
                err_set(&e, RB_DENIED, "role", _("role %s may not call %s"), cx->who->role,
                        wire_call_name(def->call_case));
        } else if ((rc = def->fn(cx, req, resp, &e)) == CALL_DEFERRED) {
                return CALL_DEFERRED;
        } else if (rc == 0) {
                if (def->call_case == RENBIN__REQUEST__CALL_HELLO)
                        cx->ss->hello_done = 1;
                resp->status = wire_status(cx->arena, NULL);
                return 0;
        }
        resp->result_case = RENBIN__RESPONSE__RESULT__NOT_SET;
        resp->status = wire_status(cx->arena, &e);
        if (e.code == RB_INTERNAL)
                log_err("unit=%s call=%s: %s", cx->who->unit,
                        def ? wire_call_name(def->call_case) : "?", e.msg);
        return 0;
}

int dispatch_frame(struct server *srv, struct session *ss, const uint8_t *body, size_t len)
{
        /* Decoded into an arena: one free for the whole request, rather than
         * one per string and message of every op. */
        struct arena req_arena = ARENA_INIT;
        ProtobufCAllocator alloc = wire_arena_allocator(&req_arena);
        Renbin__Request *req = renbin__request__unpack(&alloc, len, body);
        Renbin__Response resp = RENBIN__RESPONSE__INIT;
        struct arena arena = ARENA_INIT;
        struct call_ctx cx = {
            .srv = srv,
            .ss = ss,
            .who = &ss->who,
            .role = ss->role,
            .loc = session_locale(srv, ss),
            .reply = ss->reply,
            .arena = &arena,
            .req_arena = &req_arena,
        };
        struct rb_err e;
        locale_t old;
        int rc;

        if (req == NULL) {
                err_set(&e, RB_INVALID, "frame", _("frame is not a renbin Request"));
                resp.status = wire_status(&arena, &e);
                reply_send(ss->reply, &resp);
                arena_free(&arena);
                arena_free(&req_arena);
                return -1;
        }
        resp.id = req->id;
        old = uselocale(cx.loc);
        /* protobuf-c cuts a string at a NUL unseen: such a request is refused
         * whole, naming the field and the byte, before any call sees it. */
        if (wire_strings_check(&renbin__request__descriptor, body, len, &e) != 0) {
                resp.status = wire_status(&arena, &e);
                rc = 0;
        } else {
                /* A read-ahead page is only for the Pull that continues it. */
                if (req->call_case != RENBIN__REQUEST__CALL_PULL)
                        pull_ahead_drop(ss->ahead);
                rc = dispatch_call(&cx, req, &resp);
        }
        uselocale(old);
        metrics_call(req->call_case,
                     rc == CALL_DEFERRED ? METRICS_DEFERRED : (int)resp.status->code);
        if (rc != CALL_DEFERRED)
                reply_send(ss->reply, &resp);
        arena_free(&req_arena); /* empty if a deferred call took the request */
        arena_free(&arena);
        return rc;
}
