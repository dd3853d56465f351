/*
 * h_session.c - the session calls: Hello (first call: versions, principal and
 * limits) and Ping (echo, for liveness and round-trip measurement).
 */
#include "handlers.h"
#include "i18n.h"
#include "log.h"
#include "server.h"
#include "store.h"
#include "wire.h"

#include <stdlib.h>
#include <time.h>

/* The database's generation, its last sequence and the journal window
 * (tombstone_days), by which an office tells a restored server. When the
 * database cannot say, the generation is left "": the office then checks
 * nothing this time, rather than take a made-up 0 for a restore. */
static void hello_generation(struct call_ctx *cx, Renbin__HelloReply *r)
{
        char *gen = arena_alloc(cx->arena, 64), days[16];
        long long last = 0;
        struct rb_err e;

        if (store_last_seq(cx->srv->db, &last, &e) != 0) {
                log_warn("hello: no generation said: %s", e.msg);
                return;
        }
        r->generation = store_meta(cx->srv->db, "generation", gen, 64) ? gen : "";
        r->last_seq = (uint64_t)last;
        r->journal_days = store_meta(cx->srv->db, "tombstone_days", days, sizeof(days))
                              ? (uint32_t)atoi(days)
                              : 0;
}

int h_hello(struct call_ctx *cx, const Renbin__Request *req, Renbin__Response *resp,
            struct rb_err *e)
{
        const Renbin__Hello *h = req->hello;
        Renbin__HelloReply *r;

        if (h->protocol_version != PROTOCOL_VERSION)
                return err_set(e, RB_PRECONDITION, "protocol_version",
                               _("protocol version %u is not supported (server speaks %u)"),
                               h->protocol_version, PROTOCOL_VERSION);
        session_set_language(cx->srv, cx->ss, h->language);
        /* Queued now, the ticket goes out before this reply (decision 155). */
        if (h->want_ticket && cx->ss->ssl != NULL && SSL_new_session_ticket(cx->ss->ssl) != 1)
                log_warn("hello: no session ticket for %s: %s", cx->who->unit, tls_last_error());
        r = arena_alloc(cx->arena, sizeof(*r));
        renbin__hello_reply__init(r);
        r->protocol_version = PROTOCOL_VERSION;
        r->server_version = RENBIN_VERSION;
        r->unit = (char *)cx->who->unit;
        r->role = (char *)cx->who->role;
        r->max_frame = cx->srv->lim.max_frame;
        r->max_ops = cx->srv->lim.max_ops;
        r->max_page = cx->srv->lim.max_page;
        r->server_time = (int64_t)time(NULL);
        hello_generation(cx, r);
        resp->result_case = RENBIN__RESPONSE__RESULT_HELLO;
        resp->hello = r;
        return 0;
}

int h_ping(struct call_ctx *cx, const Renbin__Request *req, Renbin__Response *resp,
           struct rb_err *e)
{
        Renbin__Pong *p = arena_alloc(cx->arena, sizeof(*p));

        (void)e;
        renbin__pong__init(p);
        p->payload = req->ping->payload;
        resp->result_case = RENBIN__RESPONSE__RESULT_PONG;
        resp->pong = p;
        return 0;
}
