/*
 * audit_head.c - `renbind audit head`: the chain's last record (sequence and
 * hash) signed with the server's private key, as a small JSON file an
 * auditor keeps away from the server. `audit verify --head FILE` checks the
 * signature (by the server certificate the file carries, itself checked
 * against this data folder's CA, so a head survives `cert server`) and that
 * the log still holds that record with that hash: a chain rewritten with
 * its meta head to match is caught, since the rewriter cannot sign.
 */
#include "audit.h"
#include "ca.h"
#include "db.h"
#include "fsutil.h"
#include "i18n.h"
#include "tls.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HEAD_FORMAT "renbin audit head 1"

/* What is signed: the format, the sequence and the hash, one per line. */
static int head_message(const struct audit_head *h, char *buf, size_t len)
{
        return snprintf(buf, len, "%s\n%lld\n%s\n", HEAD_FORMAT, h->n, h->hash);
}

/* Hex of len bytes, malloc'd. */
static char *hex_of(const unsigned char *p, size_t len)
{
        static const char hex[] = "0123456789abcdef";
        char *s = malloc(2 * len + 1);

        for (size_t i = 0; s != NULL && i < len; i++) {
                s[2 * i] = hex[p[i] >> 4];
                s[2 * i + 1] = hex[p[i] & 15];
        }
        if (s != NULL)
                s[2 * len] = '\0';
        return s;
}

/* Bytes of hex s into out (at most max): their number, or -1. */
static long unhex(const char *s, unsigned char *out, size_t max)
{
        size_t n = strlen(s) / 2;

        if (strlen(s) % 2 != 0 || n > max)
                return -1;
        for (size_t i = 0; i < n; i++) {
                unsigned v;
                if (sscanf(s + 2 * i, "%2x", &v) != 1)
                        return -1;
                out[i] = (unsigned char)v;
        }
        return (long)n;
}

/* A PEM file of the data folder: a private key (key) or a certificate. */
static void *pem_read(const char *data, const char *name, int key)
{
        char path[4096];
        FILE *f;
        void *p;

        fs_join(path, sizeof(path), data, name);
        if ((f = fopen(path, "r")) == NULL)
                return NULL;
        p = key ? (void *)PEM_read_PrivateKey(f, NULL, NULL, NULL)
                : (void *)PEM_read_X509(f, NULL, NULL, NULL);
        fclose(f);
        return p;
}

/* The signature of h's message with key, as hex (malloc'd), or NULL. */
static char *head_sign(EVP_PKEY *key, const struct audit_head *h)
{
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        unsigned char sig[512];
        size_t len = sizeof(sig);
        char msg[160];
        int n = head_message(h, msg, sizeof(msg));
        char *hex = NULL;

        if (ctx != NULL && EVP_DigestSignInit_ex(ctx, NULL, "SHA256", NULL, NULL, key, NULL) == 1 &&
            EVP_DigestSign(ctx, sig, &len, (const unsigned char *)msg, (size_t)n) == 1)
                hex = hex_of(sig, len);
        EVP_MD_CTX_free(ctx);
        return hex;
}

/* The chain's last record: its sequence and hash (0 and the genesis: empty). */
static int head_last(sqlite3 *db, struct audit_head *h, struct rb_err *e)
{
        sqlite3_stmt *st = db_prepare(db, "SELECT n, hash FROM audit ORDER BY n DESC LIMIT 1", e);
        int step;

        h->n = 0;
        memset(h->hash, '0', 64);
        h->hash[64] = '\0';
        if (st == NULL)
                return -1;
        if ((step = db_step(db, st, e)) > 0) {
                h->n = sqlite3_column_int64(st, 0);
                snprintf(h->hash, sizeof(h->hash), "%s", db_col_text(st, 1));
        }
        sqlite3_finalize(st);
        return step < 0 ? -1 : 0;
}

/* The head document: format, seq, hash, at, signature, certificate. */
static json_t *head_doc(const struct audit_head *h, const char *sig, X509 *cert)
{
        BIO *b = BIO_new(BIO_s_mem());
        char *pem = NULL, at[32];
        time_t now = time(NULL);
        struct tm tm;
        json_t *j = NULL;
        long n;

        gmtime_r(&now, &tm);
        strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
        if (b != NULL && PEM_write_bio_X509(b, cert) == 1 && (n = BIO_get_mem_data(b, &pem)) > 0)
                j = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s%}", "format", HEAD_FORMAT, "seq",
                              (json_int_t)h->n, "hash", h->hash, "at", at, "signature", sig,
                              "certificate", pem, (size_t)n);
        BIO_free(b);
        return j;
}

int audit_head_write(sqlite3 *db, const char *data, const char *out, struct rb_err *e)
{
        EVP_PKEY *key = pem_read(data, SERVER_KEY, 1);
        X509 *cert = pem_read(data, SERVER_CERT, 0);
        struct audit_head h;
        char *sig = NULL, *s = NULL;
        json_t *j = NULL;
        int rc = -1;

        if (key == NULL || cert == NULL)
                err_set(e, RB_PRECONDITION, "data",
                        _("the server key or certificate in %s cannot "
                          "be read"),
                        data);
        else if (head_last(db, &h, e) == 0 && (sig = head_sign(key, &h)) == NULL)
                err_set(e, RB_INTERNAL, NULL, _("cannot sign the audit head: %s"),
                        tls_last_error());
        else if (sig != NULL && ((j = head_doc(&h, sig, cert)) == NULL ||
                                 (s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) == NULL))
                err_set(e, RB_INTERNAL, NULL, _("out of memory"));
        else if (s != NULL && out == NULL)
                rc = printf("%s\n", s) < 0 ? -1 : 0;
        else if (s != NULL) {
                size_t len = strlen(s);
                s[len] = '\n';
                rc = fs_write_file(out, s, len + 1, 0644, e);
        }
        free(s);
        free(sig);
        json_decref(j);
        EVP_PKEY_free(key);
        X509_free(cert);
        return rc;
}

/* Whether sig (hex) signs h's message by cert, and cert was issued by the
 * data folder's CA. */
static int head_signed(const char *data, X509 *cert, const struct audit_head *h, const char *sig)
{
        X509 *ca = pem_read(data, CA_CERT, 0);
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        unsigned char raw[512];
        long len = unhex(sig, raw, sizeof(raw));
        char msg[160];
        int n = head_message(h, msg, sizeof(msg)), ok = 0;

        if (ca != NULL && ctx != NULL && len > 0 && X509_verify(cert, X509_get0_pubkey(ca)) == 1 &&
            EVP_DigestVerifyInit_ex(ctx, NULL, "SHA256", NULL, NULL, X509_get0_pubkey(cert),
                                    NULL) == 1)
                ok = EVP_DigestVerify(ctx, raw, (size_t)len, (const unsigned char *)msg,
                                      (size_t)n) == 1;
        EVP_MD_CTX_free(ctx);
        X509_free(ca);
        return ok;
}

/* The certificate of a head document's PEM text, or NULL. */
static X509 *head_cert(const char *pem)
{
        BIO *b = pem != NULL ? BIO_new_mem_buf(pem, -1) : NULL;
        X509 *x = b != NULL ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;

        BIO_free(b);
        return x;
}

int audit_head_read(const char *data, const char *path, struct audit_head *h, struct rb_err *e)
{
        json_error_t je;
        json_t *j;
        const char *fmt = NULL, *hash = NULL, *sig = NULL, *pem = NULL;
        json_int_t seq = -1;
        X509 *cert;
        int rc;

        if (!fs_exists(path))
                return err_set(e, RB_NOT_FOUND, "head", _("no head file %s"), path);
        if ((j = json_load_file(path, 0, &je)) == NULL ||
            json_unpack(j, "{s:s, s:I, s:s, s:s, s:s}", "format", &fmt, "seq", &seq, "hash", &hash,
                        "signature", &sig, "certificate", &pem) != 0 ||
            strcmp(fmt, HEAD_FORMAT) != 0 || strlen(hash) != 64 || seq < 0) {
                json_decref(j);
                return err_set(e, RB_INVALID, "head",
                               _("%s is not an audit head written by "
                                 "renbind audit head"),
                               path);
        }
        h->n = (long long)seq;
        snprintf(h->hash, sizeof(h->hash), "%s", hash);
        cert = head_cert(pem);
        rc = cert != NULL && head_signed(data, cert, h, sig)
                 ? 0
                 : err_set(e, RB_INVALID, "head",
                           _("%s: the signature does not verify: it was not signed by this "
                             "server's key, or the file was altered"),
                           path);
        X509_free(cert);
        json_decref(j);
        return rc;
}
