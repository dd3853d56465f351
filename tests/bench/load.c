/*
 * load.c - the benchmark's load client: connections are opened blocking (TCP,
 * TLS handshake), then driven together from one thread with non-blocking
 * sockets and epoll, each keeping one request outstanding. One thread keeps
 * the client's share of the machine's two cores small and steady.
 */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

double now_s(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void lat_add(struct lat *l, double s)
{
        if (l->n == l->cap) {
                size_t ncap = l->cap ? l->cap * 2 : 4096;
                double *nv = realloc(l->v, ncap * sizeof(*nv));
                if (nv == NULL)
                        return;
                l->v = nv;
                l->cap = ncap;
        }
        l->v[l->n++] = s;
}

static int dbl_cmp(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return x < y ? -1 : x > y;
}

double lat_ms(struct lat *l, double q)
{
        size_t i;

        if (l->n == 0)
                return 0;
        qsort(l->v, l->n, sizeof(*l->v), dbl_cmp);
        i = (size_t)(q * (double)(l->n - 1) + 0.5);
        return l->v[i] * 1000.0;
}

void lat_free(struct lat *l)
{
        free(l->v);
        memset(l, 0, sizeof(*l));
}

int bconn_open(struct bconn *c, SSL_CTX *ctx, const struct sockaddr_in *sa)
{
        int one = 1;

        memset(c, 0, sizeof(*c));
        c->next_id = 1;
        frame_dec_init(&c->dec, FRAME_DEFAULT_MAX);
        if ((c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
                return -1;
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        if (connect(c->fd, (const struct sockaddr *)sa, sizeof(*sa)) != 0)
                goto fail;
        if ((c->ssl = SSL_new(ctx)) == NULL || SSL_set_fd(c->ssl, c->fd) != 1 ||
            SSL_connect(c->ssl) != 1)
                goto fail;
        return 0;
fail:
        ERR_clear_error();
        bconn_close(c);
        return -1;
}

void bconn_close(struct bconn *c)
{
        if (c->ssl != NULL)
                SSL_free(c->ssl);
        if (c->fd >= 0)
                close(c->fd);
        frame_dec_free(&c->dec);
        free(c->wbuf);
        c->ssl = NULL;
        c->wbuf = NULL;
        c->fd = -1;
}

uint8_t *bconn_call(struct bconn *c, const uint8_t *frame, size_t len, uint32_t *blen)
{
        uint8_t buf[16384];
        size_t got, used;

        if (SSL_write(c->ssl, frame, (int)len) != (int)len)
                return NULL;
        for (;;) {
                if (SSL_read_ex(c->ssl, buf, sizeof(buf), &got) != 1)
                        return NULL;
                for (size_t off = 0; off < got; off += used) {
                        int rc = frame_dec_feed(&c->dec, buf + off, got - off, &used);
                        if (rc < 0)
                                return NULL;
                        /* One call at a time: nothing follows the answer. */
                        if (rc == FRAME_READY)
                                return frame_dec_take(&c->dec, blen);
                }
        }
}

/* Tries to write the pending frame: 1 written, 0 must wait, -1 failed. */
static int try_write(struct bconn *c)
{
        size_t w = 0;
        int rc;

        if (c->wbuf == NULL)
                return 1;
        if (SSL_write_ex(c->ssl, c->wbuf, c->wlen, &w) == 1) {
                free(c->wbuf);
                c->wbuf = NULL;
                return 1;
        }
        rc = SSL_get_error(c->ssl, 0);
        return rc == SSL_ERROR_WANT_WRITE || rc == SSL_ERROR_WANT_READ ? 0 : -1;
}

/* Asks for the connection's next request and starts sending it. */
static int send_next(struct load *l, struct bconn *c, int ep)
{
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};

        if (now_s() >= l->deadline || (c->wbuf = l->next(l, c, &c->wlen)) == NULL) {
                c->done = 1;
                return 0;
        }
        c->busy = 1;
        c->sent_at = now_s();
        switch (try_write(c)) {
        case 1:
                return 0;
        case 0:
                ev.events |= EPOLLOUT;
                return epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
        }
        return -1;
}

/* Reads what TLS has and handles every whole frame. -1 when the peer is gone. */
static int read_frames(struct load *l, struct bconn *c, int ep)
{
        uint8_t buf[65536];
        size_t got, used;

        for (;;) {
                if (SSL_read_ex(c->ssl, buf, sizeof(buf), &got) != 1) {
                        int rc = SSL_get_error(c->ssl, 0);
                        return rc == SSL_ERROR_WANT_READ || rc == SSL_ERROR_WANT_WRITE ? 0 : -1;
                }
                for (size_t off = 0; off < got; off += used) {
                        int rc = frame_dec_feed(&c->dec, buf + off, got - off, &used);
                        uint32_t blen;
                        uint8_t *body;

                        if (rc < 0)
                                return -1;
                        if (rc != FRAME_READY)
                                continue;
                        body = frame_dec_take(&c->dec, &blen);
                        c->rx_bytes += FRAME_HEADER + blen;
                        lat_add(&l->lat, now_s() - c->sent_at);
                        l->answers++;
                        c->busy = 0;
                        if (l->answer)
                                l->answer(l, c, body, blen);
                        free(body);
                        if (send_next(l, c, ep) != 0)
                                return -1;
                }
        }
}

uint64_t load_run(struct load *l)
{
        struct epoll_event evs[256];
        int ep = epoll_create1(EPOLL_CLOEXEC), active = 0;

        if (ep < 0)
                return 0;
        for (int i = 0; i < l->n; i++) {
                struct bconn *c = &l->c[i];
                struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};

                c->idx = i;
                c->done = c->busy = 0;
                fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
                epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
                if (send_next(l, c, ep) != 0)
                        l->failed++;
        }
        for (;;) {
                active = 0;
                for (int i = 0; i < l->n; i++)
                        active += l->c[i].busy;
                if (active == 0 || now_s() > l->deadline + 30)
                        break;
                int k = epoll_wait(ep, evs, 256, 100);
                for (int i = 0; i < k; i++) {
                        struct bconn *c = evs[i].data.ptr;
                        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
                        int w;

                        if (c->wbuf != NULL) {
                                if ((w = try_write(c)) < 0)
                                        goto dead;
                                if (w == 1)
                                        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
                        }
                        if (read_frames(l, c, ep) == 0)
                                continue;
                dead:
                        l->failed++;
                        c->busy = 0;
                        c->done = 1;
                        epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
                }
        }
        for (int i = 0; i < l->n; i++)
                fcntl(l->c[i].fd, F_SETFL, fcntl(l->c[i].fd, F_GETFL) & ~O_NONBLOCK);
        close(ep);
        return l->answers;
}
