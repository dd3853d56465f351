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
 * One log line is written when a connection ends: peer, principal, outcome.
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
#include "log.h"
#include "reply.h"
#include "server.h"
#include "store.h"
#include "wire.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Stop reading while this much output waits for a slow reader. */
#define OUT_HIGH (1024 * 1024)

enum conn_state { CONN_HANDSHAKE, CONN_READY, CONN_CLOSING };

struct conn {
        struct server *srv;
        struct bufferevent *bev;
        struct event *deadline;
        enum conn_state state;
        struct frame_dec dec;
        struct session ss; /* principal, role, language, reply handle */
        int waiting;       /* a deferred answer (Push) is outstanding */
        uint64_t id;
        uint64_t requests;
        char peer[64];
        char outcome[160];
        struct conn *prev, *next;
};

static void conn_read_cb(struct bufferevent *bev, void *arg);
static void conn_write_cb(struct bufferevent *bev, void *arg);
static void conn_event_cb(struct bufferevent *bev, short what, void *arg);
static void conn_deadline_cb(evutil_socket_t fd, short what, void *arg);
static void conn_free(struct conn *c);
static void conn_linger(struct conn *c);

static void conn_send(void *arg, const Renbin__Response *resp);
static void conn_resume(void *arg);

/* How answers reach a connection: its reply handle's callbacks. */
static const struct reply_ops conn_reply_ops = {.send = conn_send, .resume = conn_resume};

/* Records why the connection ends (first reason wins). */
static void conn_outcome(struct conn *c, const char *why)
{
        if (c->outcome[0] == '\0')
                snprintf(c->outcome, sizeof(c->outcome), "%s", why);
}

/* Formats the peer address for logs. */
static void peer_name(char *buf, size_t len, struct sockaddr *sa)
{
        char host[INET6_ADDRSTRLEN] = "?";
        unsigned port = 0;

        if (sa->sa_family == AF_INET) {
                struct sockaddr_in *in = (struct sockaddr_in *)sa;
                inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
                port = ntohs(in->sin_port);
        } else if (sa->sa_family == AF_INET6) {
                struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;
                inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
                port = ntohs(in6->sin6_port);
        }
        snprintf(buf, len, "%s:%u", host, port);
}

void conn_accept(struct server *srv, evutil_socket_t fd, struct sockaddr *sa, int salen)
{
        struct conn *c;
        SSL *ssl;
        char peer[64];
        int one = 1;

        (void)salen;
        peer_name(peer, sizeof(peer), sa);
        /* Answers are whole frames: send them at once, not after the peer's
         * delayed ACK (Nagle would hold the tail of every large reply). */
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        if (srv->nconns >= srv->lim.max_conns) {
                log_warn("conn peer=%s outcome=refused: %u connections open (limit)", peer,
                         srv->nconns);
                evutil_closesocket(fd);
                return;
        }
        if ((c = calloc(1, sizeof(*c))) == NULL || (ssl = SSL_new(srv->ssl_ctx)) == NULL) {
                log_err("conn peer=%s outcome=refused: out of memory", peer);
                free(c);
                evutil_closesocket(fd);
                return;
        }
        c->srv = srv;
        c->id = ++srv->conn_seq;
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
        /* A peer that vanishes without close_notify is an ordinary end. */
        bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
        bufferevent_setcb(c->bev, conn_read_cb, conn_write_cb, conn_event_cb, c);
        bufferevent_set_timeouts(c->bev, &srv->lim.idle, &srv->lim.idle);
        bufferevent_enable(c->bev, EV_READ | EV_WRITE);
        evtimer_add(c->deadline, &srv->lim.handshake);
        c->next = srv->conns;
        if (srv->conns)
                srv->conns->prev = c;
        srv->conns = c;
        srv->nconns++;
}

/* Writes the one log line of a connection and releases it. */
static void conn_free(struct conn *c)
{
        struct server *srv = c->srv;

        conn_outcome(c, "closed");
        if (c->ss.who.unit[0])
                log_info("conn #%llu peer=%s unit=%s role=%s requests=%llu outcome=%s",
                         (unsigned long long)c->id, c->peer, c->ss.who.unit, c->ss.who.role,
                         (unsigned long long)c->requests, c->outcome);
        else
                log_info("conn #%llu peer=%s principal=none outcome=%s", (unsigned long long)c->id,
                         c->peer, c->outcome);
        if (c->prev)
                c->prev->next = c->next;
        else
                srv->conns = c->next;
        if (c->next)
                c->next->prev = c->prev;
        srv->nconns--;
        /* Its queued pushes are still applied; their answers go nowhere. */
        reply_close(c->ss.reply);
        frame_dec_free(&c->dec);
        event_free(c->deadline);
        bufferevent_free(c->bev);
        free(c);
}

/* Everything is written: wait a moment for the peer to close its side (its
 * EOF frees the connection), then close anyway. */
static void conn_linger(struct conn *c)
{
        static const struct timeval linger = {2, 0};

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
static void conn_send(void *arg, const Renbin__Response *resp)
{
        struct conn *c = arg;
        size_t len;
        uint8_t *buf = wire_pack(&resp->base, &len);

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

/* The handshake is done: read and check the principal, arm the idle timer. */
static void conn_established(struct conn *c)
{
        SSL *ssl = bufferevent_openssl_get_ssl(c->bev);

        evtimer_del(c->deadline);
        /* A refused peer is told why (UNAUTHENTICATED, id 0) before the close, so
         * that its client can say more than "connection lost". */
        /* The role bit is computed here, once: every call and op reads it. */
        if (tls_peer_principal(ssl, &c->ss.who) != 0 ||
            (c->ss.role = role_bit(c->ss.who.role)) == 0) {
                memset(&c->ss.who, 0, sizeof(c->ss.who));
                conn_protocol_error(c, RB_UNAUTHENTICATED,
                                    "refused: certificate names no client principal");
                return;
        }
        if (store_cert_revoked(c->srv->db, c->ss.who.serial)) {
                conn_protocol_error(c, RB_UNAUTHENTICATED, "refused: certificate revoked");
                return;
        }
        c->state = CONN_READY;
}

/* Feeds what arrived into the frame decoder and dispatches each whole frame. */
static void conn_read_cb(struct bufferevent *bev, void *arg)
{
        struct conn *c = arg;
        struct evbuffer *in = bufferevent_get_input(bev);
        uint8_t chunk[16384];
        char why[128];

        if (c->state == CONN_CLOSING) {
                evbuffer_drain(in, evbuffer_get_length(in));
                return;
        }
        while (c->state == CONN_READY && !c->waiting && evbuffer_get_length(in) > 0) {
                ev_ssize_t n = evbuffer_copyout(in, chunk, sizeof(chunk));
                size_t used = 0;
                int was_partial = frame_dec_partial(&c->dec);
                int rc = frame_dec_feed(&c->dec, chunk, (size_t)n, &used);

                evbuffer_drain(in, used);
                if (rc < 0) {
                        snprintf(why, sizeof(why), "protocol error: %s (%u bytes, limit %u)",
                                 frame_strerror(rc), c->dec.bad_len, c->dec.max);
                        conn_protocol_error(c, rc == FRAME_ETOOBIG ? RB_EXHAUSTED : RB_INVALID,
                                            why);
                        return;
                }
                if (rc == FRAME_MORE) {
                        if (!was_partial)
                                evtimer_add(c->deadline, &c->srv->lim.frame);
                        continue;
                }
                evtimer_del(c->deadline);
                uint32_t len;
                uint8_t *body = frame_dec_take(&c->dec, &len);
                c->requests++;
                rc = dispatch_frame(c->srv, &c->ss, body, len);
                free(body);
                if (rc == CALL_DEFERRED) {
                        /* Answers go out in order: hold the next frames. */
                        c->waiting = 1;
                        bufferevent_disable(bev, EV_READ);
                        return;
                }
                if (rc != 0) {
                        conn_close_after_drain(c, "protocol error: unreadable request");
                        return;
                }
        }
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
        if (left < OUT_HIGH / 2 && !c->waiting)
                bufferevent_enable(bev, EV_READ);
}

/* The deferred answer is out (the reply handle's resume): read again,
 * starting with what already arrived. */
static void conn_resume(void *arg)
{
        struct conn *c = arg;

        c->waiting = 0;
        if (c->state != CONN_READY)
                return;
        if (evbuffer_get_length(bufferevent_get_output(c->bev)) <= OUT_HIGH)
                bufferevent_enable(c->bev, EV_READ);
        /* Frames that arrived meanwhile are handled from the loop, not here:
         * the caller may be walking a list that holds this connection. */
        if (evbuffer_get_length(bufferevent_get_input(c->bev)) > 0)
                bufferevent_trigger(c->bev, EV_READ,
                                    BEV_TRIG_IGNORE_WATERMARKS | BEV_TRIG_DEFER_CALLBACKS);
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
        char why[160], reasons[120];

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
                snprintf(why, sizeof(why), "%s: %s",
                         c->state == CONN_HANDSHAKE ? "TLS handshake failed" : "TLS error",
                         reasons[0] ? reasons
                                    : evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
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
        while (srv->conns != NULL) {
                conn_outcome(srv->conns, "server shutdown");
                conn_free(srv->conns);
        }
}
