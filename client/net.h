/*
 * net.h - the client's blocking transport: TCP connect with a deadline, TLS
 * 1.3 with the installed bundle, Hello, then request/response calls. Requests
 * may be sent ahead of their responses (pipelining); each carries an id.
 */
#ifndef RENBIN_NET_H
#define RENBIN_NET_H

#include <openssl/ssl.h>
#include <stdint.h>

#include "cli.h"
#include "frame.h"
#include "renbin.pb-c.h"
#include "tls.h"

/* The home's saved TLS session (decision 154), beside the bundle. */
#define NET_SESSION_FILE "tls-session"

struct net {
        int fd;
        SSL_CTX *ctx;
        SSL *ssl;
        uint64_t next_id;
        struct frame_dec dec;
        struct principal who; /* as the server read it */
        char server_version[32];
        uint32_t max_ops, max_page;
        uint32_t max_frame;    /* the server's frame limit, from Hello (0: unknown) */
        char generation[64];   /* the server database's generation ("": none said) */
        uint64_t last_seq;     /* the last change sequence it issued */
        uint32_t journal_days; /* how long acknowledged ops are kept to resend */
        uint8_t rbuf[16384];   /* bytes read but not yet decoded */
        size_t roff, rlen;
        char cert[4096];        /* this office's client.crt, for messages */
        struct tls_creds creds; /* the bundle, read when the handshake needs it */
        SSL_SESSION *fresh;     /* the last session ticket the server sent, or NULL */
        /* Responses are unpacked with this allocator (NULL: malloc); whoever
         * sets it frees them with it too. */
        ProtobufCAllocator *alloc;
};

/* Readies OpenSSL for one short-lived client: no openssl.cnf is read (the
 * client sets everything it uses itself). Call before any other TLS call. */
void net_init(void);

/* Connects to the configured server and says Hello. On failure e says why;
 * an unreachable server is UNAVAILABLE. */
int net_open(struct cli *cli, struct net *n, struct rb_err *e);
/* Sends one request (its id is assigned here and returned). */
int net_send(struct net *n, Renbin__Request *req, struct rb_err *e);
/* Receives the next response; free it with renbin__response__free_unpacked. */
int net_recv(struct net *n, Renbin__Response **resp, struct rb_err *e);
/* Sends req and waits for its response. A non-OK status is returned as -1 with
 * e set from it, and *resp is still filled (caller frees). */
int net_call(struct net *n, Renbin__Request *req, Renbin__Response **resp, struct rb_err *e);
/* Waits for the response to request id (sent with net_send, perhaps
 * before others' answers were read: those are skipped); an error with id 0
 * ends the wait too. Status as net_call. */
int net_wait(struct net *n, uint64_t id, Renbin__Response **resp, struct rb_err *e);
void net_close(struct net *n);
/* The notAfter (unix seconds) of the server certificate seen in this
 * process's last successful handshake, or 0 if none. */
long long net_server_not_after(void);
/* The notAfter of this office's certificate as this process's last
 * net_open loaded it, or 0 if none. */
long long net_own_not_after(void);
/* The notAfter of this office's certificate as the home's saved TLS session
 * keeps it (written when the certificate was last read), or 0 if none is
 * kept for the certificate installed now. Reads no certificate. */
long long net_home_not_after(const struct cli *cli);

#endif
