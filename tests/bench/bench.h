/*
 * bench.h - the pieces of renbin-bench: a load client that drives many TLS
 * connections from one thread (load.c) and the bare libevent + OpenSSL echo
 * server that is the baseline for round trips and handshakes (echo.c).
 */
#ifndef RENBIN_BENCH_H
#define RENBIN_BENCH_H

#include <netinet/in.h>
#include <openssl/ssl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "frame.h"

/* Seconds on the monotonic clock. */
double now_s(void);

/* Latency samples in seconds. */
struct lat {
        double *v;
        size_t n, cap;
};
void lat_add(struct lat *l, double s);
/* The q-quantile (0..1) in milliseconds; 0 when empty. Sorts the samples. */
double lat_ms(struct lat *l, double q);
void lat_free(struct lat *l);

/* One client connection. */
struct bconn {
        int fd;
        SSL *ssl;
        struct frame_dec dec;
        uint8_t *wbuf; /* a frame waiting for SSL_write (retried as is) */
        size_t wlen;
        double sent_at; /* when the outstanding request went out */
        int busy;       /* a request is outstanding */
        int done;       /* nothing more to send */
        int idx;        /* index in the load */
        uint64_t next_id;
        uint64_t rx_bytes; /* frame bytes received */
};

/* Opens a connection and completes the TLS handshake (blocking). -1 on failure. */
int bconn_open(struct bconn *c, SSL_CTX *ctx, const struct sockaddr_in *sa);
/* Sends one frame and reads one whole frame back (blocking). Returns the body
 * (free() it) or NULL. */
uint8_t *bconn_call(struct bconn *c, const uint8_t *frame, size_t len, uint32_t *blen);
void bconn_close(struct bconn *c);

/*
 * A closed-loop load: every connection keeps one request outstanding; when
 * its answer arrives the next is sent. next() makes the next request frame
 * (malloc'd, with header) or returns NULL when that connection is done;
 * answer() sees each response body. Runs until every connection is done or
 * the deadline passes. Returns the number of answers.
 */
struct load {
        struct bconn *c;
        int n;
        double deadline;
        void *arg;
        uint8_t *(*next)(struct load *l, struct bconn *c, size_t *len);
        void (*answer)(struct load *l, struct bconn *c, const uint8_t *body, uint32_t len);
        struct lat lat;
        uint64_t answers;
        int failed;
};
uint64_t load_run(struct load *l);

/* Starts the baseline echo server in a child process on 127.0.0.1 with the
 * same TLS context as renbind's; fills the port. Returns the child's pid. */
pid_t echo_start(const char *ca, const char *cert, const char *key, int *port);

#ifdef BENCH_PG
#include <jansson.h>
/* The same enrollment rows into a local PostgreSQL over mutual TLS (pg.c):
 * data holds the server's certificates, bundle an office's; sets rows_per_s
 * in out, or skipped with the reason. */
void bench_pg(const char *data, const char *bundle, double secs, json_t *out);
#endif

#endif
