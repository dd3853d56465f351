/*
 * echo.c - the baseline server: libevent 2.1 + bufferevent_openssl with the
 * very TLS context renbind builds (common/tls.c: TLS 1.3, mutual TLS, ALPN),
 * sending every whole frame back as it came. It runs in a child process, as
 * renbind does, so both are measured the same way. No protobuf, no SQLite:
 * what is left is the floor that the transport itself costs.
 */
#include "bench.h"
#include "err.h"
#include "tls.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Moves every whole frame of the input to the output. */
static void echo_read(struct bufferevent *bev, void *arg)
{
        struct evbuffer *in = bufferevent_get_input(bev);
        uint8_t h[FRAME_HEADER];

        (void)arg;
        while (evbuffer_copyout(in, h, sizeof(h)) == (ev_ssize_t)sizeof(h)) {
                uint32_t n =
                    (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];

                if (evbuffer_get_length(in) < FRAME_HEADER + (size_t)n)
                        return;
                evbuffer_remove_buffer(in, bufferevent_get_output(bev), FRAME_HEADER + (size_t)n);
        }
}

static void echo_event(struct bufferevent *bev, short what, void *arg)
{
        (void)arg;
        if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
                bufferevent_free(bev);
}

static void echo_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
                        int salen, void *arg)
{
        struct event_base *base = evconnlistener_get_base(l);
        SSL *ssl = SSL_new(arg);
        struct bufferevent *bev;

        (void)sa;
        (void)salen;
        if (ssl == NULL) {
                evutil_closesocket(fd);
                return;
        }
        bev = bufferevent_openssl_socket_new(base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING,
                                             BEV_OPT_CLOSE_ON_FREE);
        if (bev == NULL) {
                SSL_free(ssl);
                evutil_closesocket(fd);
                return;
        }
        bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
        bufferevent_setcb(bev, echo_read, NULL, echo_event, NULL);
        bufferevent_enable(bev, EV_READ | EV_WRITE);
}

/* The child: serves until killed; writes the port to fd first. */
static void echo_serve(SSL_CTX *ctx, int fd)
{
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t len = sizeof(sa);
        struct event_base *base = event_base_new();
        struct evconnlistener *l;
        int port = -1;

        signal(SIGPIPE, SIG_IGN);
        l = evconnlistener_new_bind(base, echo_accept, ctx,
                                    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 512,
                                    (struct sockaddr *)&sa, sizeof(sa));
        if (l != NULL && getsockname(evconnlistener_get_fd(l), (struct sockaddr *)&sa, &len) == 0)
                port = ntohs(sa.sin_port);
        if (write(fd, &port, sizeof(port)) != (ssize_t)sizeof(port) || port < 0)
                _exit(1);
        close(fd);
        event_base_dispatch(base);
        _exit(0);
}

pid_t echo_start(const char *ca, const char *cert, const char *key, int *port)
{
        struct rb_err e;
        SSL_CTX *ctx = tls_server_ctx(ca, cert, key, &e);
        int p[2];
        pid_t pid;

        if (ctx == NULL) {
                fprintf(stderr, "renbin-bench: echo server: %s\n", e.msg);
                return -1;
        }
        if (pipe(p) != 0 || (pid = fork()) < 0) {
                SSL_CTX_free(ctx);
                return -1;
        }
        if (pid == 0) {
                close(p[0]);
                echo_serve(ctx, p[1]);
        }
        close(p[1]);
        SSL_CTX_free(ctx);
        if (read(p[0], port, sizeof(*port)) != (ssize_t)sizeof(*port) || *port < 0) {
                close(p[0]);
                return -1;
        }
        close(p[0]);
        return pid;
}
