/*
 * tls.c - OpenSSL 3 context setup and certificate reading shared by renbind and
 * renbin. Every setup call is checked; a failure names the file involved.
 */
#include "tls.h"
#include "i18n.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const unsigned char alpn_wire[] = "\x08renbin/1";

const char *tls_last_error(void)
{
        static char buf[256];
        unsigned long e = ERR_peek_last_error();

        if (e == 0)
                return "no detail";
        ERR_error_string_n(e, buf, sizeof(buf));
        return buf;
}

int tls_key_private(const char *path, struct rb_err *e)
{
        struct stat st;

        if (stat(path, &st) != 0)
                return err_set(e, RB_PRECONDITION, "key", _("cannot read key %s"), path);
        if ((st.st_mode & 077) != 0)
                return err_set(e, RB_PRECONDITION, "key",
                               _("key %s can be read by others (mode %03o); run: chmod 600 %s"),
                               path, (unsigned)(st.st_mode & 0777), path);
        return 0;
}

/* Server side ALPN: only renbin/1 is spoken. */
static int alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                       const unsigned char *in, unsigned int inlen, void *arg)
{
        (void)ssl;
        (void)arg;
        if (SSL_select_next_proto((unsigned char **)out, outlen, alpn_wire, sizeof(alpn_wire) - 1,
                                  in, inlen) != OPENSSL_NPN_NEGOTIATED)
                return SSL_TLSEXT_ERR_ALERT_FATAL;
        return SSL_TLSEXT_ERR_OK;
}

/* A context with the settings both ends share: TLS 1.3 only, no
 * renegotiation. NULL and e on failure. */
static SSL_CTX *ctx_new(const SSL_METHOD *m, struct rb_err *e)
{
        SSL_CTX *ctx;

        if ((ctx = SSL_CTX_new(m)) == NULL) {
                err_set(e, RB_INTERNAL, NULL, "SSL_CTX_new: %s", tls_last_error());
                return NULL;
        }
        if (SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
            SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1) {
                err_set(e, RB_INTERNAL, NULL, _("cannot restrict to TLS 1.3: %s"),
                        tls_last_error());
                SSL_CTX_free(ctx);
                return NULL;
        }
        /* A peer that drops the TCP connection without close_notify is an EOF,
         * not an error (OpenSSL 3 otherwise reports SSL_R_UNEXPECTED_EOF). */
        SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_RENEGOTIATION);
        SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
        return ctx;
}

/* The settings both ends share: protocol floor, CA, own certificate and key. */
static SSL_CTX *ctx_common(const SSL_METHOD *m, const char *ca, const char *cert, const char *key,
                           struct rb_err *e)
{
        SSL_CTX *ctx;

        if (tls_key_private(key, e) != 0 || (ctx = ctx_new(m, e)) == NULL)
                return NULL;
        if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
                err_set(e, RB_PRECONDITION, "ca", _("cannot load CA certificate %s: %s"), ca,
                        tls_last_error());
                goto fail;
        }
        if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
                err_set(e, RB_PRECONDITION, "cert", _("cannot load certificate %s: %s"), cert,
                        tls_last_error());
                goto fail;
        }
        if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_check_private_key(ctx) != 1) {
                err_set(e, RB_PRECONDITION, "key", _("cannot use key %s: %s"), key,
                        tls_last_error());
                goto fail;
        }
        return ctx;
fail:
        SSL_CTX_free(ctx);
        return NULL;
}

/* When the full handshake that verified the client certificate of ss took
 * place (unix seconds), as its ticket carries it; 0 if it carries none. */
static long long ticket_auth_time(SSL_SESSION *ss)
{
        void *data = NULL;
        size_t len = 0;
        int64_t t;

        if (SSL_SESSION_get0_ticket_appdata(ss, &data, &len) != 1 || len != sizeof(t))
                return 0;
        memcpy(&t, data, sizeof(t));
        return t;
}

/* Before a ticket is sealed: stamps its session with the time of the full
 * handshake (a renewed ticket keeps the first one's) and ends it at the first
 * of its own life, TLS_REAUTH_SECS after that handshake, and the client
 * certificate's notAfter. Only this process's ticket keys read the stamp. */
static int ticket_gen(SSL *ssl, void *arg)
{
        SSL_SESSION *ss = SSL_get0_session(ssl);
        long long now = (long long)time(NULL), auth, end, na;
        int64_t t = now;

        (void)arg;
        if (ss == NULL)
                return 0;
        if ((auth = ticket_auth_time(ss)) == 0) {
                if (SSL_SESSION_set1_ticket_appdata(ss, &t, sizeof(t)) != 1)
                        return 0;
                auth = now;
        }
        end = now + TLS_TICKET_SECS;
        if (auth + TLS_REAUTH_SECS < end)
                end = auth + TLS_REAUTH_SECS;
        na = tls_x509_not_after(SSL_SESSION_get0_peer(ss));
        if (na < end)
                end = na;
        /* A ticket that could not be used is still sent (the handshake needs
         * its callback to succeed), but it is dead on arrival. */
        SSL_SESSION_set_timeout(ss, end > now ? (long)(end - now) : 1);
        return 1;
}

/* A ticket offered for resumption: used only while its full handshake is
 * recent enough and the client certificate it proved has not expired;
 * anything else (another process's keys, a stamp too old) means a full
 * handshake, which verifies the certificate again. */
static SSL_TICKET_RETURN ticket_dec(SSL *ssl, SSL_SESSION *ss, const unsigned char *keyname,
                                    size_t keyname_len, SSL_TICKET_STATUS status, void *arg)
{
        long long now = (long long)time(NULL), auth;

        (void)ssl;
        (void)keyname;
        (void)keyname_len;
        (void)arg;
        switch (status) {
        case SSL_TICKET_SUCCESS:
        case SSL_TICKET_SUCCESS_RENEW:
                auth = ticket_auth_time(ss);
                if (auth == 0 || now - auth >= TLS_REAUTH_SECS ||
                    now >= tls_x509_not_after(SSL_SESSION_get0_peer(ss)))
                        return SSL_TICKET_RETURN_IGNORE_RENEW;
                return status == SSL_TICKET_SUCCESS ? SSL_TICKET_RETURN_USE
                                                    : SSL_TICKET_RETURN_USE_RENEW;
        case SSL_TICKET_EMPTY:
        case SSL_TICKET_NO_DECRYPT:
                return SSL_TICKET_RETURN_IGNORE_RENEW;
        default:
                return SSL_TICKET_RETURN_ABORT;
        }
}

SSL_CTX *tls_server_ctx(const char *ca, const char *cert, const char *key, struct rb_err *e)
{
        static const unsigned char sid_ctx[] = "renbind";
        SSL_CTX *ctx = ctx_common(TLS_server_method(), ca, cert, key, e);
        STACK_OF(X509_NAME) * names;

        if (ctx == NULL)
                return NULL;
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
        SSL_CTX_set_verify_depth(ctx, 2);
        if ((names = SSL_load_client_CA_file(ca)) != NULL)
                SSL_CTX_set_client_CA_list(ctx, names);
        SSL_CTX_set_alpn_select_cb(ctx, alpn_select, NULL);
        /* Sessions resume from stateless tickets only (decision 154): sealed
         * with keys this context drew at random, in memory, so a restart or a
         * reload means full handshakes. No cache, a ticket only when the
         * client's Hello asks for one (decision 155), a short life, no early
         * data. The client certificate travels inside the ticket, so the
         * revocation check after the handshake reads it on a resumed
         * connection too. */
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
        if (SSL_CTX_set_session_id_context(ctx, sid_ctx, sizeof(sid_ctx) - 1) != 1 ||
            SSL_CTX_set_num_tickets(ctx, 0) != 1 || SSL_CTX_set_max_early_data(ctx, 0) != 1 ||
            SSL_CTX_set_recv_max_early_data(ctx, 0) != 1 ||
            SSL_CTX_set_session_ticket_cb(ctx, ticket_gen, ticket_dec, NULL) != 1) {
                err_set(e, RB_INTERNAL, NULL, "session tickets: %s", tls_last_error());
                SSL_CTX_free(ctx);
                return NULL;
        }
        SSL_CTX_set_timeout(ctx, TLS_TICKET_SECS);
        return ctx;
}

SSL_CTX *tls_client_ctx(const char *ca, const char *cert, const char *key, struct rb_err *e)
{
        SSL_CTX *ctx = ctx_common(TLS_client_method(), ca, cert, key, e);

        if (ctx == NULL)
                return NULL;
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
        if (SSL_CTX_set_alpn_protos(ctx, alpn_wire, sizeof(alpn_wire) - 1) != 0) {
                err_set(e, RB_INTERNAL, NULL, "ALPN: %s", tls_last_error());
                SSL_CTX_free(ctx);
                return NULL;
        }
        return ctx;
}

/* The server asks for this office's certificate: the certificate (read
 * once) and the key are read now. 0 fails the handshake, with cr->err. */
static int creds_cert_cb(SSL *ssl, void *arg)
{
        struct tls_creds *cr = arg;

        if (cr->own == NULL && tls_cert_read(cr->cert, &cr->own, &cr->err) != 0)
                return 0;
        if (SSL_use_certificate(ssl, cr->own) != 1) {
                err_set(&cr->err, RB_PRECONDITION, "cert", _("cannot load certificate %s: %s"),
                        cr->cert, tls_last_error());
                return 0;
        }
        if (SSL_use_PrivateKey_file(ssl, cr->key, SSL_FILETYPE_PEM) != 1 ||
            SSL_check_private_key(ssl) != 1) {
                err_set(&cr->err, RB_PRECONDITION, "key", _("cannot use key %s: %s"), cr->key,
                        tls_last_error());
                return 0;
        }
        return 1;
}

/* The server's certificate must be verified: the CA is read into the
 * context's store first (once), then the usual verification runs. */
static int creds_verify_cb(X509_STORE_CTX *x, void *arg)
{
        struct tls_creds *cr = arg;

        if (!cr->ca_loaded) {
                if (X509_STORE_load_file(X509_STORE_CTX_get0_store(x), cr->ca) != 1) {
                        err_set(&cr->err, RB_PRECONDITION, "ca",
                                _("cannot load CA certificate %s: %s"), cr->ca, tls_last_error());
                        X509_STORE_CTX_set_error(x, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
                        return 0;
                }
                cr->ca_loaded = 1;
        }
        return X509_verify_cert(x);
}

SSL_CTX *tls_client_ctx_lazy(struct tls_creds *cr, struct rb_err *e)
{
        SSL_CTX *ctx;

        memset(&cr->err, 0, sizeof(cr->err));
        cr->ca_loaded = 0;
        if (tls_key_private(cr->key, e) != 0 || (ctx = ctx_new(TLS_client_method(), e)) == NULL)
                return NULL;
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
        SSL_CTX_set_cert_verify_callback(ctx, creds_verify_cb, cr);
        SSL_CTX_set_cert_cb(ctx, creds_cert_cb, cr);
        SSL_CTX_set_session_cache_mode(ctx,
                                       SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
        if (SSL_CTX_set_alpn_protos(ctx, alpn_wire, sizeof(alpn_wire) - 1) != 0) {
                err_set(e, RB_INTERNAL, NULL, "ALPN: %s", tls_last_error());
                SSL_CTX_free(ctx);
                return NULL;
        }
        return ctx;
}

void tls_creds_free(struct tls_creds *cr)
{
        X509_free(cr->own);
        cr->own = NULL;
}

/* Copies one subject entry (by NID) into buf; -1 if missing or too long. */
static int subject_entry(X509_NAME *name, int nid, char *buf, size_t len)
{
        int n = X509_NAME_get_text_by_NID(name, nid, buf, (int)len);

        return n <= 0 || (size_t)n >= len ? -1 : 0;
}

/* Fills p from a certificate. */
static int cert_principal(X509 *x, struct principal *p)
{
        X509_NAME *name = X509_get_subject_name(x);
        const ASN1_INTEGER *sn = X509_get0_serialNumber(x);
        BIGNUM *bn;
        char *hex;

        memset(p, 0, sizeof(*p));
        if (name == NULL || subject_entry(name, NID_commonName, p->unit, sizeof(p->unit)) ||
            subject_entry(name, NID_organizationalUnitName, p->role, sizeof(p->role)))
                return -1;
        if ((bn = ASN1_INTEGER_to_BN(sn, NULL)) == NULL)
                return -1;
        hex = BN_bn2hex(bn);
        BN_free(bn);
        if (hex == NULL)
                return -1;
        snprintf(p->serial, sizeof(p->serial), "%s", hex);
        OPENSSL_free(hex);
        /* A seat issued before seats had names has none. */
        if (X509_NAME_get_index_by_NID(name, NID_name, -1) >= 0 &&
            subject_entry(name, NID_name, p->name, sizeof(p->name)) != 0)
                return -1;
        return 0;
}

int tls_peer_principal(SSL *ssl, struct principal *p)
{
        X509 *x = SSL_get1_peer_certificate(ssl);
        int rc;

        if (x == NULL || SSL_get_verify_result(ssl) != X509_V_OK) {
                X509_free(x);
                return -1;
        }
        rc = cert_principal(x, p);
        X509_free(x);
        return rc;
}

int tls_cert_read(const char *path, X509 **x, struct rb_err *e)
{
        FILE *f = fopen(path, "r");

        *x = NULL;
        if (f == NULL)
                return err_set(e, RB_NOT_FOUND, "cert", _("cannot open certificate %s"), path);
        *x = PEM_read_X509(f, NULL, NULL, NULL);
        fclose(f);
        if (*x == NULL)
                return err_set(e, RB_INVALID, "cert", _("%s is not a PEM certificate"), path);
        return 0;
}

int tls_cert_principal(const char *path, struct principal *p, struct rb_err *e)
{
        X509 *x;
        int rc;

        if (tls_cert_read(path, &x, e) != 0)
                return -1;
        rc = cert_principal(x, p);
        X509_free(x);
        if (rc != 0)
                return err_set(e, RB_INVALID, "cert",
                               _("%s has no renbin principal (CN unit, OU role)"), path);
        return 0;
}

long long tls_x509_not_after(const X509 *x)
{
        struct tm tm;

        if (x == NULL || ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) != 1)
                return 0;
        return (long long)timegm(&tm);
}

int tls_cert_not_after(const char *path, long long *t, struct rb_err *e)
{
        X509 *x;

        *t = 0;
        if (tls_cert_read(path, &x, e) != 0)
                return -1;
        *t = tls_x509_not_after(x);
        X509_free(x);
        if (*t == 0)
                return err_set(e, RB_INVALID, "cert", _("%s is not a PEM certificate"), path);
        return 0;
}
