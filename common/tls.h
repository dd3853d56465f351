/*
 * tls.h - OpenSSL contexts for both ends of the renbin protocol: TLS 1.3 only,
 * mutual authentication against the district CA, ALPN "renbin/1". The
 * principal (unit code and role) is read from the peer certificate's subject:
 * CN is the unit code, OU the role, and an optional name entry the person
 * the seat is issued to.
 */
#ifndef RENBIN_TLS_H
#define RENBIN_TLS_H

#include <openssl/ssl.h>
#include <stddef.h>

#include "err.h"

#define TLS_ALPN "renbin/1"

struct principal {
        char unit[64];
        char role[16];   /* hr | unit | auditor | server */
        char serial[64]; /* certificate serial, hex */
        char name[128];  /* the seat's person (subject "name"); "" when none */
};

/* Server context: requires and verifies a client certificate. NULL and e on failure. */
SSL_CTX *tls_server_ctx(const char *ca, const char *cert, const char *key, struct rb_err *e);
/* Client context: presents cert/key and verifies the server against ca. */
SSL_CTX *tls_client_ctx(const char *ca, const char *cert, const char *key, struct rb_err *e);

/* A session ticket's life (seconds), and how long after the full handshake
 * that proved the client certificate its session may be resumed and renewed
 * (docs/decisions.md, 154). Neither outlives the certificate. */
#define TLS_TICKET_SECS 3600
#define TLS_REAUTH_SECS (8 * 3600)

/* What a lazy client context reads when the handshake first needs it: the
 * office's certificate and key when the server asks for them, the CA when the
 * server's certificate must be verified. A resumed session needs neither. */
struct tls_creds {
        char ca[4096], cert[4096], key[4096];
        X509 *own;         /* the office certificate once read (owned), or NULL */
        int ca_loaded;     /* the CA is in the context's store */
        struct rb_err err; /* why a deferred load failed; err.code is 0 when none did */
};

/* Client context that reads cr's files only when the handshake needs them
 * (cr must outlive it). Sessions are offered with SSL_set_session; a new one
 * reaches the new-session callback (SSL_CTX_sess_set_new_cb). NULL and e on
 * failure (a private key others can read is refused here, as always). */
SSL_CTX *tls_client_ctx_lazy(struct tls_creds *cr, struct rb_err *e);
/* Frees what cr holds. */
void tls_creds_free(struct tls_creds *cr);
/* Reads the certificate file path into *x (caller frees): 0, or -1 with e. */
int tls_cert_read(const char *path, X509 **x, struct rb_err *e);
/* Refuses (returns -1 with e) a private key file that group or others can read. */
int tls_key_private(const char *path, struct rb_err *e);
/* Reads the principal from the verified peer certificate. 0, or -1 if absent or malformed. */
int tls_peer_principal(SSL *ssl, struct principal *p);
/* Reads the principal from a certificate file. */
int tls_cert_principal(const char *path, struct principal *p, struct rb_err *e);
/* The notAfter of x as unix seconds, or 0 if it cannot be read. */
long long tls_x509_not_after(const X509 *x);
/* The notAfter of the certificate file path as unix seconds: 0, or -1 with e. */
int tls_cert_not_after(const char *path, long long *t, struct rb_err *e);
/* The first queued OpenSSL error as text, for messages. */
const char *tls_last_error(void);

#endif
