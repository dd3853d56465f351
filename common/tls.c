/*
 * tls.c - OpenSSL 3 context setup and certificate reading shared by renbind and
 * renbin. Every setup call is checked; a failure names the file involved.
 */
#include "tls.h"
#include "i18n.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>
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

/* The settings both ends share: protocol floor, CA, own certificate and key. */
static SSL_CTX *ctx_common(const SSL_METHOD *m, const char *ca, const char *cert, const char *key,
                           struct rb_err *e)
{
        SSL_CTX *ctx;

        if (tls_key_private(key, e) != 0)
                return NULL;
        if ((ctx = SSL_CTX_new(m)) == NULL) {
                err_set(e, RB_INTERNAL, NULL, "SSL_CTX_new: %s", tls_last_error());
                return NULL;
        }
        if (SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
            SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1) {
                err_set(e, RB_INTERNAL, NULL, _("cannot restrict to TLS 1.3: %s"),
                        tls_last_error());
                goto fail;
        }
        /* A peer that drops the TCP connection without close_notify is an EOF,
         * not an error (OpenSSL 3 otherwise reports SSL_R_UNEXPECTED_EOF). */
        SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_RENEGOTIATION);
        SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
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

SSL_CTX *tls_server_ctx(const char *ca, const char *cert, const char *key, struct rb_err *e)
{
        SSL_CTX *ctx = ctx_common(TLS_server_method(), ca, cert, key, e);
        STACK_OF(X509_NAME) * names;

        if (ctx == NULL)
                return NULL;
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
        SSL_CTX_set_verify_depth(ctx, 2);
        if ((names = SSL_load_client_CA_file(ca)) != NULL)
                SSL_CTX_set_client_CA_list(ctx, names);
        SSL_CTX_set_alpn_select_cb(ctx, alpn_select, NULL);
        /* Sessions are not resumed: every connection proves its certificate. */
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
        SSL_CTX_set_num_tickets(ctx, 0);
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

int tls_cert_principal(const char *path, struct principal *p, struct rb_err *e)
{
        FILE *f = fopen(path, "r");
        X509 *x;
        int rc;

        if (f == NULL)
                return err_set(e, RB_NOT_FOUND, "cert", _("cannot open certificate %s"), path);
        x = PEM_read_X509(f, NULL, NULL, NULL);
        fclose(f);
        if (x == NULL)
                return err_set(e, RB_INVALID, "cert", _("%s is not a PEM certificate"), path);
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
        FILE *f = fopen(path, "r");
        X509 *x;

        if (f == NULL)
                return err_set(e, RB_NOT_FOUND, "cert", _("cannot open certificate %s"), path);
        x = PEM_read_X509(f, NULL, NULL, NULL);
        fclose(f);
        *t = tls_x509_not_after(x);
        X509_free(x);
        if (*t == 0)
                return err_set(e, RB_INVALID, "cert", _("%s is not a PEM certificate"), path);
        return 0;
}
