/*
 * conn.c - the life of one connection, as a small state machine:
 *
 *   HANDSHAKE --(certificate verified, principal read)--> READY
 *   READY --(frame)--> dispatch --> response queued --> READY
 *   any --(bad frame, timeout, peer close, shutdown)--> CLOSING --(drained)--> freed
 *
 * Two deadlines guard the server against slow peers: the handshake must end,
 * and a frame once started must arrive whole, within fixed times (one timer,
 * as they never overlap); the idle timeout is the bufferevent's read timeout.
 * One log line is written when a connection ends: peer, principal, outcome;
 * the lines of connections refused or ended before they were let in go
 * through the rate-limited refusal log (refuse.h).
 *
 * Admission (docs/decisions.md, "Connection handling"): handshakes have their
 * own, smaller budget, and so has each address; past either, the oldest
 * handshake is closed to make room, so peers that never finish one cannot
 * keep out one that does. Once the principal is known, established
 * connections are limited per address and per certificate, and the last
 * slots are kept for hr seats. A 1 s watch closes the connections of a
 * certificate revoked or a unit deactivated since.
 *
 * A connection may resume a session from a ticket this process issued
 * (common/tls.c): the certificate is not verified again, but everything
 * after the handshake (principal, revocation, limits, the unit's check on
 * every call) runs on it as on a full one.
 *
 * Partial frames share one memory budget: past it, a connection whose
 * partial frame is not small stops reading until other frames complete.
 *
 * What the calls see of a connection is its session (dispatch.h): the
 * principal and role bit read once at the handshake, the language, and the
 * reply handle (reply.h) through which every answer is sent. A deferred
 * answer (a Push waiting for the group commit) holds that handle, not the
 * connection; conn_free closes it, so an answer that comes after goes nowhere.
 */
#include "conn.h"
#include "dispatch.h"
#include "frame.h"
#include "h_sync.h"
#include "i18n.h"
#include "log.h"
#include "metrics.h"
#include "reply.h"
#include "server.h"
#include "refuse.h"
#include "session.h"
#include "store.h"
#include "wire.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Stop reading while this much output waits for a slow reader. */
#define OUT_HIGH (1024 * 1024)

enum conn_state { CONN_HANDSHAKE, CONN_READY, CONN_CLOSING };
/* Which of the server's counters a connection is in: pending until its
 * principal is let in (a refused one stays pending until it is freed). */
enum conn_count { COUNT_PENDING, COUNT_READY };

/* The address a connection came from, comparable with memcmp. */
struct conn_addr {
        sa_family_t family;
        uint8_t ip[16];
};

struct conn {
        struct server *srv;
        struct bufferevent *bev;
        struct event *deadline;
        struct event *closed; /* the peer's close, watched while reading waits for memory */
        enum conn_state state;
        struct frame_dec dec;
        struct session ss; /* principal, role, language, reply handle */
        int waiting;       /* a deferred answer (Push) is outstanding */
        uint64_t id;
        uint64_t requests;
        enum conn_count counted;
        enum refusal refusal; /* why it was turned away, for the refusal log */
        int mem_wait;         /* reading paused: partial frames over their budget */
        size_t held;          /* bytes of partial frame counted in srv->partial_bytes */
        int unit_seen;        /* its unit was active once (a unit seat) */
        int linger_ms;        /* how long a closing connection waits for the peer's close */
        struct conn_addr addr;
        char peer[64];
        char outcome[320];
        char cert_note[160]; /* what the verification said of a refused certificate */
        struct conn *prev, *next;
};

static void conn_read_cb(struct bufferevent *bev, void *arg);
static void conn_write_cb(struct bufferevent *bev, void *arg);
static void conn_event_cb(struct bufferevent *bev, short what, void *arg);
static void conn_deadline_cb(evutil_socket_t fd, short what, void *arg);
static void conn_free(struct conn *c);
static void conn_linger(struct conn *c);
static void conn_read_maybe(struct conn *c);
static void conn_mem_resume(struct server *srv);

static void conn_send(void *arg, const Renbin__Response *resp);
static void conn_resume(void *arg);

/* How answers reach a connection: its reply handle's callbacks. */
static const struct reply_ops conn_reply_ops = {.send = conn_send, .resume = conn_resume};

/* The SSL ex_data slot that leads the verify callback to its connection. */
static int conn_ssl_idx = -1;

/* Records why the connection ends (first reason wins). */
static void conn_outcome(struct conn *c, const char *why)
{
        if (c->outcome[0] == '\0')
                snprintf(c->outcome, sizeof(c->outcome), "%s", why);
}

/* Formats the peer address for logs and keeps its comparable form in *a. */
static void peer_name(char *buf, size_t len, struct sockaddr *sa, struct conn_addr *a)
{
        char host[INET6_ADDRSTRLEN] = "?";
        unsigned port = 0;

        memset(a, 0, sizeof(*a));
        a->family = sa->sa_family;
        if (sa->sa_family == AF_INET) {
                struct sockaddr_in *in = (struct sockaddr_in *)sa;
                inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
                port = ntohs(in->sin_port);
                memcpy(a->ip, &in->sin_addr, sizeof(in->sin_addr));
        } else if (sa->sa_family == AF_INET6) {
                struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;
                inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
                port = ntohs(in6->sin6_port);
                memcpy(a->ip, &in6->sin6_addr, sizeof(in6->sin6_addr));
        }
        snprintf(buf, len, "%s:%u", host, port);
}

/* The handshake to close for a new one from addr, when the budget of its
 * address or the whole handshake budget is spent: the oldest (its peer has had
 * the longest to finish), with the reason in *why. NULL while there is room. */
static struct conn *pending_victim(struct server *srv, const struct conn_addr *addr,
                                   enum refusal *why)
{
        struct conn *oldest = NULL, *oldest_here = NULL;
        unsigned here = 0;

        for (struct conn *o = srv->conns; o != NULL; o = o->next) {
                if (o->counted != COUNT_PENDING)
                        continue;
                if (oldest == NULL || o->id < oldest->id)
                        oldest = o;
                if (memcmp(&o->addr, addr, sizeof(*addr)) == 0) {
                        here++;
                        if (oldest_here == NULL || o->id < oldest_here->id)
                                oldest_here = o;
                }
        }
        if (here >= srv->lim.pending_per_addr) {
                *why = REFUSE_PENDING_ADDR;
                return oldest_here;
        }
        *why = REFUSE_PENDING;
        return srv->npending >= srv->lim.max_pending ? oldest : NULL;
}

/* Refuses a socket before any TLS, with a rate-limited log line. */
static void refuse_socket(struct server *srv, evutil_socket_t fd, const char *peer,
                          enum refusal why, const char *msg)
{
        if (refuse_log_allow(srv->refuse, why))
                log_warn("conn peer=%s outcome=refused: %s", peer, msg);
        metrics_refused(why);
        evutil_closesocket(fd);
}

/* Makes room for one more handshake from addr (see pending_victim). */
static void admit_pending(struct server *srv, const struct conn_addr *addr)
{
        enum refusal why;
        struct conn *victim = pending_victim(srv, addr, &why);

        if (victim == NULL)
                return;
        victim->refusal = why;
        conn_outcome(victim, why == REFUSE_PENDING_ADDR
                                 ? "closed: too many handshakes from this address (oldest first)"
                                 : "closed: handshake slots full (oldest first)");
        conn_free(victim);
}

/* Notes a failed certificate check at the leaf (or its chain) for the log:
 * expiry and not-yet-valid by name, with the unit and serial it claims. */
static int conn_verify_cb(int ok, X509_STORE_CTX *x)
{
        SSL *ssl = X509_STORE_CTX_get_ex_data(x, SSL_get_ex_data_X509_STORE_CTX_idx());
        struct conn *c = ssl != NULL ? SSL_get_ex_data(ssl, conn_ssl_idx) : NULL;
        X509 *cert = X509_STORE_CTX_get_current_cert(x);
        char unit[64] = "?", serial[64] = "?";
        int err = X509_STORE_CTX_get_error(x);
        BIGNUM *bn;
        char *hex;

        if (ok || c == NULL || c->cert_note[0] != '\0' || cert == NULL)
                return ok;
        metrics_cert_error(err);
        X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, unit, sizeof(unit));
        if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL)) != NULL &&
            (hex = BN_bn2hex(bn)) != NULL) {
                snprintf(serial, sizeof(serial), "%s", hex);
                OPENSSL_free(hex);
        }
        BN_free(bn);
        /* Truncation is fine: the note only names what it can. */
        if (snprintf(c->cert_note, sizeof(c->cert_note), "certificate %s (unit=%s serial=%s%s)",
                     err == X509_V_ERR_CERT_HAS_EXPIRED     ? "expired"
                     : err == X509_V_ERR_CERT_NOT_YET_VALID ? "not yet valid"
                                                            : X509_verify_cert_error_string(err),
                     unit, serial,
                     X509_STORE_CTX_get_error_depth(x) > 0 ? ", in its chain" : "") < 0)
                c->cert_note[0] = '\0';
        return ok;
}

/* A new connection's SSL, with the verify callback that names why a
 * certificate was refused. NULL when out of memory. */
static SSL *conn_ssl_new(struct server *srv, struct conn *c)
{
        SSL *ssl;

        if (conn_ssl_idx < 0 &&
            (conn_ssl_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL)) < 0)
                return NULL;
        if ((ssl = SSL_new(srv->ssl_ctx)) == NULL)
                return NULL;
        SSL_set_ex_data(ssl, conn_ssl_idx, c);
        SSL_set_verify(ssl, SSL_CTX_get_verify_mode(srv->ssl_ctx), conn_verify_cb);
        return ssl;
}

/* Wires a new connection's bufferevent and timers and links it in as pending. */
static void conn_start(struct conn *c)
{
        struct server *srv = c->srv;

        /* A peer that vanishes without close_notify is an ordinary end. */
        bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
        bufferevent_setcb(c->bev, conn_read_cb, conn_write_cb, conn_event_cb, c);
        bufferevent_set_timeouts(c->bev, &srv->lim.idle, &srv->lim.idle);
        bufferevent_enable(c->bev, EV_READ | EV_WRITE);
        evtimer_add(c->deadline, &srv->lim.handshake);
        c->counted = COUNT_PENDING;
        c->next = srv->conns;
        if (srv->conns)
                srv->conns->prev = c;
        srv->conns = c;
        srv->nconns++;
        srv->npending++;
}

void conn_accept(struct server *srv, evutil_socket_t fd, struct sockaddr *sa, int salen)
{
        struct conn *c;
        struct conn_addr addr;
        SSL *ssl = NULL;
        char peer[64], msg[64];
        int one = 1;

        (void)salen;
        peer_name(peer, sizeof(peer), sa, &addr);
        /* Answers are whole frames: send them at once, not after the peer's
         * delayed ACK (Nagle would hold the tail of every large reply). */
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        if (srv->nready >= srv->lim.max_conns) {
                snprintf(msg, sizeof(msg), "%u connections open (limit)", srv->nready);
                refuse_socket(srv, fd, peer, REFUSE_CAP, msg);
                return;
        }
        admit_pending(srv, &addr);
        if ((c = calloc(1, sizeof(*c))) == NULL || (ssl = conn_ssl_new(srv, c)) == NULL) {
                free(c);
                refuse_socket(srv, fd, peer, REFUSE_OTHER, "out of memory");
                return;
        }
        c->srv = srv;
        c->id = ++srv->conn_seq;
        c->addr = addr;
        memcpy(c->peer, peer, sizeof(peer));
        frame_dec_init(&c->dec, srv->lim.max_frame);
        c->bev = bufferevent_openssl_socket_new(srv->base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING,
                                                BEV_OPT_CLOSE_ON_FREE);
        c->deadline = evtimer_new(srv->base, conn_deadline_cb, c);
        c->ss.reply = reply_new(&conn_reply_ops, c);
        if (c->bev == NULL || c->deadline == NULL || c->ss.reply == NULL) {
                log_err("conn peer=%s outcome=refused: out of memory", peer);
                if (c->bev == NULL) {
                        SSL_free(ssl);
                        evutil_closesocket(fd);
                } else {
                        bufferevent_free(c->bev);
                }
                if (c->deadline)
                        event_free(c->deadline);
                reply_close(c->ss.reply);
                free(c);
                return;
        }
        conn_start(c);
}

/* Writes the one log line of a connection: refusals and connections that
 * ended before they were let in through the rate-limited refusal log; a
 * refused certificate at warning level. */
static void conn_log_end(struct conn *c)
{
        struct server *srv = c->srv;
        int warn = c->cert_note[0] != '\0' || c->refusal != REFUSE_NONE;

        if (c->refusal == REFUSE_NONE && c->counted == COUNT_PENDING)
                c->refusal = c->ss.who.unit[0] ? REFUSE_PRINCIPAL : REFUSE_HANDSHAKE;
        if (c->refusal != REFUSE_NONE && !refuse_log_allow(srv->refuse, c->refusal))
                return;
        if (c->ss.who.unit[0])
                log_msg(warn ? LOG_WARN : LOG_INFO,
                        "conn #%llu peer=%s unit=%s role=%s requests=%llu outcome=%s%s%s",
                        (unsigned long long)c->id, c->peer, c->ss.who.unit, c->ss.who.role,
                        (unsigned long long)c->requests, c->outcome, warn ? " serial=" : "",
                        warn ? c->ss.who.serial : "");
        else
                log_msg(warn ? LOG_WARN : LOG_INFO, "conn #%llu peer=%s principal=none outcome=%s",
                        (unsigned long long)c->id, c->peer, c->outcome);
}

/* Writes the one log line of a connection and releases it. */
static void conn_free(struct conn *c)
{
        struct server *srv = c->srv;

        conn_outcome(c, "closed");
        conn_log_end(c);
        metrics_refused(c->refusal);
        if (c->prev)
                c->prev->next = c->next;
        else
                srv->conns = c->next;
        if (c->next)
                c->next->prev = c->prev;
        srv->nconns--;
        if (c->counted == COUNT_PENDING)
                srv->npending--;
        else
                srv->nready--;
        if (c->mem_wait)
                srv->mem_waiting--;
        srv->partial_bytes -= c->held;
        /* Its queued pushes are still applied; their answers go nowhere. */
        reply_close(c->ss.reply);
        session_release(&c->ss);
        pull_ahead_free(c->ss.ahead);
        frame_dec_free(&c->dec);
        event_free(c->deadline);
        if (c->closed != NULL)
                event_free(c->closed);
        bufferevent_free(c->bev);
        free(c);
        conn_mem_resume(srv);
}

/* Everything is written: wait a moment for the peer to close its side (its
 * EOF frees the connection), then close anyway. */
static void conn_linger(struct conn *c)
{
        int ms = c->linger_ms > 0 ? c->linger_ms : 2000;
        struct timeval linger = {ms / 1000, (ms % 1000) * 1000};

        evtimer_add(c->deadline, &linger);
}

/* Discards input and frees the connection once what is queued has been written
 * and the peer has closed (or lingered long enough). */
static void conn_close_after_drain(struct conn *c, const char *why)
{
        conn_outcome(c, why);
        c->state = CONN_CLOSING;
        evtimer_del(c->deadline);
        /* Keep reading (and discarding): closing a socket with unread input
         * makes the kernel send a reset, which can destroy the answer just
         * written before the peer reads it. */
        bufferevent_enable(c->bev, EV_READ);
        if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
                conn_linger(c);
        else
                /* Give the drain a bound too: a peer that never reads is cut. */
                evtimer_add(c->deadline, &c->srv->lim.frame);
}

/* Packs and queues a response (the reply handle's send). */
/* The answer that stands in for one over the frame limit: the same id,
 * RESOURCE_EXHAUSTED, and how to ask for less. Packed into *len bytes. */
static uint8_t *pack_too_big(struct conn *c, const Renbin__Response *resp, size_t size, size_t *len)
{
        Renbin__Response small = RENBIN__RESPONSE__INIT;
        struct arena a = ARENA_INIT;
        struct rb_err e;
        uint8_t *buf;

        log_warn("conn #%llu: answer to request %llu is %zu bytes, over the %u-byte frame limit",
                 (unsigned long long)c->id, (unsigned long long)resp->id, size,
                 (unsigned)c->srv->lim.max_frame);
        err_set(&e, RB_EXHAUSTED, NULL,
                ngettext("the answer is larger than one frame (%zu byte); ask for less (a unit, "
                         "a year, a period)",
                         "the answer is larger than one frame (%zu bytes); ask for less (a unit, "
                         "a year, a period)",
                         size),
                size);
        small.id = resp->id;
        small.status = wire_status(&a, &e);
        buf = wire_pack(&small.base, len);
        arena_free(&a);
        return buf;
}

static void conn_send(void *arg, const Renbin__Response *resp)
{
        struct conn *c = arg;
        size_t len;
        uint8_t *buf = wire_pack(&resp->base, &len);

        /* No answer goes out over the frame limit: the peer would drop it and
         * the connection with it. */
        if (buf != NULL && len - FRAME_HEADER > c->srv->lim.max_frame) {
                free(buf);
                buf = pack_too_big(c, resp, len - FRAME_HEADER, &len);
        }
        if (buf == NULL) {
                log_err("conn #%llu: cannot pack a response", (unsigned long long)c->id);
                return;
        }
        bufferevent_write(c->bev, buf, len);
        free(buf);
        if (evbuffer_get_length(bufferevent_get_output(c->bev)) > OUT_HIGH)
                bufferevent_disable(c->bev, EV_READ);
}

/* Sends an error for a frame that could not be read, then closes. */
static void conn_protocol_error(struct conn *c, int code, const char *msg)
{
        Renbin__Response resp = RENBIN__RESPONSE__INIT;
        Renbin__Status st = RENBIN__STATUS__INIT;

        st.code = (Renbin__Code)code;
        st.message = (char *)msg;
        resp.status = &st;
        conn_send(c, &resp);
        conn_close_after_drain(c, msg);
}

/* Whether the established budget has room for c's principal: REFUSE_NONE, or
 * the reason with its message in why. */
static enum refusal admit_ready(struct conn *c, char *why, size_t len)
{
        const struct server_limits *lim = &c->srv->lim;
        unsigned same_addr = 0, same_cert = 0, nready = c->srv->nready;

        for (struct conn *o = c->srv->conns; o != NULL; o = o->next) {
                if (o->counted != COUNT_READY)
                        continue;
                same_addr += memcmp(&o->addr, &c->addr, sizeof(c->addr)) == 0;
                same_cert += strcmp(o->ss.who.serial, c->ss.who.serial) == 0;
        }
        if (nready >= lim->max_conns) {
                snprintf(why, len, "refused: %u connections open (limit)", nready);
                return REFUSE_CAP;
        }
        if (same_cert >= lim->conns_per_cert) {
                snprintf(why, len, "refused: %u connections with this certificate (limit)",
                         same_cert);
                return REFUSE_CERT;
        }
        if (same_addr >= lim->conns_per_addr) {
                snprintf(why, len, "refused: %u connections from this address (limit)", same_addr);
                return REFUSE_ADDR;
        }
        if (c->ss.role != ROLE_HR && nready + lim->hr_reserve >= lim->max_conns) {
                snprintf(why, len, "refused: the %u connections left are kept for hr seats",
                         lim->max_conns - nready);
                return REFUSE_RESERVE;
        }
        return REFUSE_NONE;
}

/* Refuses c after its handshake: the peer is told why before the close. */
static void conn_refuse(struct conn *c, enum refusal why, int code, const char *msg)
{
        c->refusal = why;
        conn_protocol_error(c, code, msg);
}

/* The handshake is done: read and check the principal, arm the idle timer. */
static void conn_established(struct conn *c)
{
        SSL *ssl = bufferevent_openssl_get_ssl(c->bev);
        char why[128];
        enum refusal r;

        evtimer_del(c->deadline);
        metrics_handshake(SSL_session_reused(ssl));
        c->ss.ssl = ssl;
        /* A resumed session (decision 154) carries the certificate its full
         * handshake verified: the principal, the revocation check and the
         * unit's below read it the same way. */
        /* A refused peer is told why (UNAUTHENTICATED, id 0) before the close, so
         * that its client can say more than "connection lost". */
        /* The role bit is computed here, once: every call and op reads it. */
        if (tls_peer_principal(ssl, &c->ss.who) != 0 ||
            (c->ss.role = role_bit(c->ss.who.role)) == 0) {
                memset(&c->ss.who, 0, sizeof(c->ss.who));
                conn_refuse(c, REFUSE_PRINCIPAL, RB_UNAUTHENTICATED,
                            "refused: certificate names no client principal");
                return;
        }
        if (store_cert_revoked(c->srv->db, c->ss.who.serial)) {
                conn_refuse(c, REFUSE_PRINCIPAL, RB_UNAUTHENTICATED,
                            "refused: certificate revoked");
                return;
        }
        if ((r = admit_ready(c, why, sizeof(why))) != REFUSE_NONE) {
                conn_refuse(c, r, RB_EXHAUSTED, why);
                return;
        }
        c->unit_seen = c->ss.role == ROLE_UNIT && store_unit_active(c->srv->db, c->ss.who.unit);
        c->counted = COUNT_READY;
        c->srv->npending--;
        c->srv->nready++;
        c->state = CONN_READY;
}

/* Bytes of c's partial frame received so far (what it pins in memory). */
static size_t conn_partial(const struct conn *c)
{
        return c->dec.body != NULL ? c->dec.body_got : 0;
}

/* Brings the server's partial-frame total up to date with c's decoder; wakes
 * the connections waiting for memory if c's partial frame shrank. */
static void conn_account(struct conn *c)
{
        size_t now = conn_partial(c), was = c->held;

        c->srv->partial_bytes = c->srv->partial_bytes - was + now;
        c->held = now;
        if (now < was)
                conn_mem_resume(c->srv);
}

/* True if c's partial frame must wait before it grows by n more bytes: all
 * partial frames together are at their budget and c's is not small. */
static int conn_mem_full(const struct conn *c, size_t n)
{
        const struct server *srv = c->srv;

        return c->held >= srv->lim.frame_small && srv->partial_bytes + n > srv->lim.frame_memory;
}

/* The peer closed while its connection waited for memory: without this
 * (EV_CLOSED, where the backend has it) a waiting connection would not see its
 * peer go, and would hold its partial frame until the frame timeout. */
static void conn_closed_cb(evutil_socket_t fd, short what, void *arg)
{
        struct conn *c = arg;

        (void)fd;
        (void)what;
        conn_outcome(c, "closed by peer mid-frame (waiting for memory)");
        conn_free(c);
}

/* Stops reading c until partial frames shrink (conn_mem_resume). */
static void conn_mem_pause(struct conn *c)
{
        if (!c->mem_wait) {
                c->mem_wait = 1;
                c->srv->mem_waiting++;
        }
        bufferevent_disable(c->bev, EV_READ);
        if (c->closed == NULL)
                c->closed = event_new(c->srv->base, bufferevent_getfd(c->bev), EV_CLOSED,
                                      conn_closed_cb, c);
        if (c->closed != NULL)
                event_add(c->closed, NULL);
}

/* Partial frames shrank: below 7/8 of the budget, every connection waiting for
 * memory reads again (each checks the budget before it grows). */
static void conn_mem_resume(struct server *srv)
{
        if (srv->mem_waiting == 0 || srv->partial_bytes > srv->lim.frame_memory / 8 * 7)
                return;
        for (struct conn *o = srv->conns; o != NULL && srv->mem_waiting > 0; o = o->next) {
                if (!o->mem_wait)
                        continue;
                o->mem_wait = 0;
                srv->mem_waiting--;
                if (o->closed != NULL)
                        event_del(o->closed);
                conn_read_maybe(o);
        }
}

/* Decodes and dispatches one frame's worth of c's input. 1 to go on reading,
 * 0 to stop (waiting, paused or closing). */
static int conn_read_one(struct conn *c, struct evbuffer *in)
{
        uint8_t chunk[16384];
        char why[128];
        ev_ssize_t n = evbuffer_copyout(in, chunk, sizeof(chunk));
        size_t used = 0;
        int was_partial = frame_dec_partial(&c->dec), rc;

        if (n > 0 && conn_mem_full(c, (size_t)n)) {
                conn_mem_pause(c);
                return 0;
        }
        rc = frame_dec_feed(&c->dec, chunk, (size_t)n, &used);
        evbuffer_drain(in, used);
        conn_account(c);
        if (rc < 0) {
                snprintf(why, sizeof(why), "protocol error: %s (%u bytes, limit %u)",
                         frame_strerror(rc), c->dec.bad_len, c->dec.max);
                conn_protocol_error(c, rc == FRAME_ETOOBIG ? RB_EXHAUSTED : RB_INVALID, why);
                return 0;
        }
        if (rc == FRAME_MORE) {
                if (!was_partial)
                        evtimer_add(c->deadline, &c->srv->lim.frame);
                return 1;
        }
        evtimer_del(c->deadline);
        uint32_t len;
        uint8_t *body = frame_dec_take(&c->dec, &len);
        conn_account(c);
        c->requests++;
        rc = dispatch_frame(c->srv, &c->ss, body, len);
        free(body);
        if (rc == CALL_DEFERRED) {
                /* Answers go out in order: hold the next frames. */
                c->waiting = 1;
                bufferevent_disable(c->bev, EV_READ);
                return 0;
        }
        if (rc != 0) {
                conn_close_after_drain(c, "protocol error: unreadable request");
                return 0;
        }
        return c->state == CONN_READY;
}

/* Feeds what arrived into the frame decoder and dispatches each whole frame. */
static void conn_read_cb(struct bufferevent *bev, void *arg)
{
        struct conn *c = arg;
        struct evbuffer *in = bufferevent_get_input(bev);

        if (c->state == CONN_CLOSING) {
                evbuffer_drain(in, evbuffer_get_length(in));
                return;
        }
        while (c->state == CONN_READY && !c->waiting && !c->mem_wait && evbuffer_get_length(in) > 0)
                if (!conn_read_one(c, in))
                        return;
}

/* Reads c again if nothing holds it back (a deferred answer, memory, a full
 * output buffer), starting with what already arrived. */
static void conn_read_maybe(struct conn *c)
{
        if (c->state != CONN_READY || c->waiting || c->mem_wait)
                return;
        if (evbuffer_get_length(bufferevent_get_output(c->bev)) <= OUT_HIGH)
                bufferevent_enable(c->bev, EV_READ);
        /* Frames that arrived meanwhile are handled from the loop, not here:
         * the caller may be walking a list that holds this connection. */
        if (evbuffer_get_length(bufferevent_get_input(c->bev)) > 0)
                bufferevent_trigger(c->bev, EV_READ,
                                    BEV_TRIG_IGNORE_WATERMARKS | BEV_TRIG_DEFER_CALLBACKS);
}

/* Output drained: resume reading, or finish a close. */
static void conn_write_cb(struct bufferevent *bev, void *arg)
{
        struct conn *c = arg;
        size_t left = evbuffer_get_length(bufferevent_get_output(bev));

        if (c->state == CONN_CLOSING) {
                if (left == 0)
                        conn_linger(c);
                return;
        }
        /* A Pull page is out: build the next while the client reads it. */
        if (left == 0)
                pull_ahead_build(c->ss.ahead);
        if (left < OUT_HIGH / 2 && !c->waiting && !c->mem_wait)
                bufferevent_enable(bev, EV_READ);
}

/* The deferred answer is out (the reply handle's resume): read again,
 * starting with what already arrived. */
static void conn_resume(void *arg)
{
        struct conn *c = arg;

        c->waiting = 0;
        conn_read_maybe(c);
}

/* Collects OpenSSL's reasons for a failed connection into buf. libevent also
 * queues the bare SSL_get_error() code, which has no reason text: skipped. */
static void ssl_reasons(struct bufferevent *bev, char *buf, size_t len)
{
        unsigned long e;
        size_t off = 0;

        buf[0] = '\0';
        while ((e = bufferevent_get_openssl_error(bev)) != 0 && off + 2 < len) {
                const char *r = ERR_reason_error_string(e);
                int n;

                if (r == NULL)
                        continue;
                if ((n = snprintf(buf + off, len - off, "%s%s", off ? "; " : "", r)) < 0)
                        break;
                off += (size_t)n;
        }
}

static void conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
        struct conn *c = arg;
        char why[320], reasons[120];

        if (what & BEV_EVENT_CONNECTED) {
                conn_established(c);
                return;
        }
        if (what & BEV_EVENT_TIMEOUT) {
                conn_outcome(c, "idle timeout");
        } else if (what & BEV_EVENT_EOF) {
                conn_outcome(c, c->state == CONN_HANDSHAKE   ? "closed during handshake"
                                : frame_dec_partial(&c->dec) ? "closed by peer mid-frame"
                                                             : "closed by peer");
        } else if (what & BEV_EVENT_ERROR) {
                ssl_reasons(bev, reasons, sizeof(reasons));
                snprintf(why, sizeof(why), "%s: %s%s%s",
                         c->state == CONN_HANDSHAKE ? "TLS handshake failed" : "TLS error",
                         reasons[0] ? reasons
                                    : evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()),
                         c->cert_note[0] ? ": " : "", c->cert_note);
                conn_outcome(c, why);
        }
        conn_free(c);
}

static void conn_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
        struct conn *c = arg;

        (void)fd;
        (void)what;
        conn_outcome(c, c->state == CONN_HANDSHAKE ? "handshake timeout"
                        : c->state == CONN_READY   ? "partial frame timeout"
                                                   : "peer does not read");
        conn_free(c);
}

void conn_close_all(struct server *srv)
{
        /* Nothing may read again: a deferred read would keep its
         * bufferevent alive past the loop's end. */
        for (struct conn *c = srv->conns; c != NULL; c = c->next)
                c->mem_wait = 0;
        srv->mem_waiting = 0;
        while (srv->conns != NULL) {
                conn_outcome(srv->conns, "server shutdown");
                srv->conns->refusal = REFUSE_NONE;
                conn_free(srv->conns);
        }
}

/* Closes c if its certificate has been revoked, or its unit (which was
 * active) has been deactivated, since it was let in. The peer is told why;
 * the close follows at most 100 ms after the answer is written, not after
 * the usual 2 s linger, so that the cut comes within the watch's second. */
static void conn_recheck(struct conn *c)
{
        char why[128];

        c->linger_ms = 100;

        if (store_cert_revoked(c->srv->db, c->ss.who.serial)) {
                conn_refuse(c, REFUSE_PRINCIPAL, RB_UNAUTHENTICATED, "closed: certificate revoked");
                return;
        }
        if (c->unit_seen && !store_unit_active(c->srv->db, c->ss.who.unit)) {
                snprintf(why, sizeof(why), "closed: unit %s has been deactivated", c->ss.who.unit);
                conn_refuse(c, REFUSE_PRINCIPAL, RB_UNAUTHENTICATED, why);
        }
}

/* Once a second: when the database has changed (another process's commit,
 * such as `renbind cert revoke`, moves its data_version; the server's own
 * writes, such as a unit's deactivation, its change count), re-checks every
 * open principal. */
static void conn_watch_cb(evutil_socket_t fd, short what, void *arg)
{
        struct server *srv = arg;
        long long gen[2];

        (void)fd;
        (void)what;
        if (store_generation(srv->db, gen) != 0 ||
            (gen[0] == srv->watch_gen[0] && gen[1] == srv->watch_gen[1]))
                return;
        srv->watch_gen[0] = gen[0];
        srv->watch_gen[1] = gen[1];
        for (struct conn *c = srv->conns; c != NULL; c = c->next)
                if (c->state == CONN_READY)
                        conn_recheck(c);
}

int conn_watch_start(struct server *srv)
{
        static const struct timeval second = {1, 0};

        if (store_generation(srv->db, srv->watch_gen) != 0)
                return -1;
        if ((srv->watch = event_new(srv->base, -1, EV_PERSIST, conn_watch_cb, srv)) == NULL)
                return -1;
        return event_add(srv->watch, &second);
}
