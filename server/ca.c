/*
 * ca.c - certificate authority: ECDSA P-256 keys, X.509 v3 certificates signed
 * with SHA-256. The subject of a client certificate carries the principal:
 * CN = unit code, OU = role (hr, unit, auditor); the server's OU is "server".
 * Private keys are created 0600 and never rewritten in place.
 */
#include "ca.h"
#include "db.h"
#include "fsutil.h"
#include "i18n.h"
#include "tls.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CA_DAYS 3650
#define SERVER_DAYS 825
/* Issued lifetimes get 0 to CA_SPREAD_DAYS more days at random, so one week's
 * bundles do not all expire on the same day (decision 6). */
#define CA_SPREAD_DAYS 6

int ca_spread(int days)
{
        unsigned char r = 0;

        if (RAND_bytes(&r, 1) != 1)
                r = 0;
        return days + (int)(r % (CA_SPREAD_DAYS + 1));
}

static int tls_fail(struct rb_err *e, const char *what)
{
        return err_set(e, RB_INTERNAL, NULL, "%s: %s", what, tls_last_error());
}

/* Writes key to path, created 0600; refuses to replace an existing file. */
static int write_key(const char *path, EVP_PKEY *key, struct rb_err *e)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
        FILE *f;
        int ok;

        if (fd < 0)
                return err_set(e, RB_PRECONDITION, "path", _("cannot create %s: %s"), path,
                               strerror(errno));
        if ((f = fdopen(fd, "w")) == NULL) {
                close(fd);
                return err_set(e, RB_INTERNAL, "path", "fdopen: %s", strerror(errno));
        }
        ok = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) == 1;
        ok = (fflush(f) == 0 && fsync(fd) == 0) && ok;
        fclose(f);
        return ok ? 0 : err_set(e, RB_INTERNAL, "path", _("cannot write %s"), path);
}

/* Writes a certificate to path (mode 0644). */
static int write_cert(const char *path, X509 *x, struct rb_err *e)
{
        FILE *f = fopen(path, "w");
        int ok;

        if (f == NULL)
                return err_set(e, RB_PRECONDITION, "path", _("cannot create %s: %s"), path,
                               strerror(errno));
        ok = PEM_write_X509(f, x) == 1;
        ok = fclose(f) == 0 && ok;
        return ok ? 0 : err_set(e, RB_INTERNAL, "path", _("cannot write %s"), path);
}

/* Adds one extension given in openssl.cnf syntax. */
static int add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
        X509V3_CTX ctx;
        X509_EXTENSION *ext;
        int ok;

        X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
        if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
                return -1;
        ok = X509_add_ext(x, ext, -1) == 1;
        X509_EXTENSION_free(ext);
        return ok ? 0 : -1;
}

/* A new certificate for key with subject O=renbin Belawan, OU=ou, CN=cn,
 * valid for days, with a random positive 127-bit serial. */
static X509 *cert_new(EVP_PKEY *key, const char *ou, const char *cn, int days)
{
        X509 *x = X509_new();
        X509_NAME *name;
        BIGNUM *bn = BN_new();

        if (x == NULL || bn == NULL || BN_rand(bn, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
            BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL ||
            X509_set_version(x, X509_VERSION_3) != 1 ||
            X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
            X509_gmtime_adj(X509_getm_notAfter(x), (long)days * 86400) == NULL ||
            X509_set_pubkey(x, key) != 1)
                goto fail;
        name = X509_get_subject_name(x);
        if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                       (const unsigned char *)"renbin Belawan", -1, -1, 0) != 1 ||
            X509_NAME_add_entry_by_txt(name, "OU", MBSTRING_UTF8, (const unsigned char *)ou, -1, -1,
                                       0) != 1 ||
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1,
                                       0) != 1)
                goto fail;
        BN_free(bn);
        return x;
fail:
        BN_free(bn);
        X509_free(x);
        return NULL;
}

/* Reads a PEM certificate and key from the data folder. */
static int load_ca(const char *data, X509 **cert, EVP_PKEY **key, struct rb_err *e)
{
        char path[4096];
        FILE *f;

        *cert = NULL;
        *key = NULL;
        fs_join(path, sizeof(path), data, CA_CERT);
        if ((f = fopen(path, "r")) == NULL)
                return err_set(e, RB_PRECONDITION, "data",
                               _("%s has no CA (run renbind init --data %s)"), data, data);
        *cert = PEM_read_X509(f, NULL, NULL, NULL);
        fclose(f);
        fs_join(path, sizeof(path), data, CA_KEY);
        if (tls_key_private(path, e) != 0)
                goto fail;
        if ((f = fopen(path, "r")) == NULL) {
                err_set(e, RB_PRECONDITION, "data", _("cannot open %s"), path);
                goto fail;
        }
        *key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
        fclose(f);
        if (*cert == NULL || *key == NULL) {
                err_set(e, RB_PRECONDITION, "data", _("the CA in %s cannot be read"), data);
                goto fail;
        }
        return 0;
fail:
        X509_free(*cert);
        EVP_PKEY_free(*key);
        return -1;
}

/* Builds the subjectAltName value from comma-separated names and addresses. */
static void san_value(const char *hosts, char *buf, size_t len)
{
        char tmp[1024], *save = NULL, *tok;
        size_t off = 0;

        snprintf(tmp, sizeof(tmp), "localhost,127.0.0.1,%s", hosts ? hosts : "");
        buf[0] = '\0';
        for (tok = strtok_r(tmp, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                int ip = strspn(tok, "0123456789.:") == strlen(tok);
                int n = snprintf(buf + off, len - off, "%s%s:%s", off ? "," : "", ip ? "IP" : "DNS",
                                 tok);
                if (n < 0 || (size_t)n >= len - off)
                        break;
                off += (size_t)n;
        }
}

int ca_init(const char *data, const char *hosts, struct rb_err *e)
{
        char path[4096], san[1024];
        EVP_PKEY *cakey = NULL, *skey = NULL;
        X509 *ca = NULL, *srv = NULL;
        int rc = -1;

        if ((cakey = EVP_EC_gen("P-256")) == NULL || (skey = EVP_EC_gen("P-256")) == NULL) {
                tls_fail(e, "EC key generation");
                goto out;
        }
        if ((ca = cert_new(cakey, "ca", "renbin Belawan CA", CA_DAYS)) == NULL ||
            X509_set_issuer_name(ca, X509_get_subject_name(ca)) != 1 ||
            add_ext(ca, ca, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
            add_ext(ca, ca, NID_key_usage, "critical,keyCertSign,cRLSign") ||
            add_ext(ca, ca, NID_subject_key_identifier, "hash") ||
            X509_sign(ca, cakey, EVP_sha256()) == 0) {
                tls_fail(e, "CA certificate");
                goto out;
        }
        san_value(hosts, san, sizeof(san));
        if ((srv = cert_new(skey, "server", "renbind", SERVER_DAYS)) == NULL ||
            X509_set_issuer_name(srv, X509_get_subject_name(ca)) != 1 ||
            add_ext(srv, ca, NID_basic_constraints, "critical,CA:FALSE") ||
            add_ext(srv, ca, NID_key_usage, "critical,digitalSignature") ||
            add_ext(srv, ca, NID_ext_key_usage, "serverAuth") ||
            add_ext(srv, ca, NID_subject_alt_name, san) ||
            X509_sign(srv, cakey, EVP_sha256()) == 0) {
                tls_fail(e, "server certificate");
                goto out;
        }
        fs_join(path, sizeof(path), data, CA_KEY);
        if (write_key(path, cakey, e) != 0)
                goto out;
        fs_join(path, sizeof(path), data, SERVER_KEY);
        if (write_key(path, skey, e) != 0)
                goto out;
        fs_join(path, sizeof(path), data, CA_CERT);
        if (write_cert(path, ca, e) != 0)
                goto out;
        fs_join(path, sizeof(path), data, SERVER_CERT);
        if (write_cert(path, srv, e) != 0)
                goto out;
        rc = 0;
out:
        X509_free(ca);
        X509_free(srv);
        EVP_PKEY_free(cakey);
        EVP_PKEY_free(skey);
        return rc;
}

/* Records an issued certificate (as its subject names it: unit, role,
 * serial, the seat's name) so it can be listed and revoked. */
static int record_cert(sqlite3 *db, const struct principal *p, int days, struct rb_err *e)
{
        sqlite3_stmt *st =
            db_prepare(db,
                       "INSERT INTO certs(serial, unit, role, issued_at, expires_at, name)"
                       " VALUES(?1, ?2, ?3, unixepoch(), unixepoch() + ?4 * 86400, ?5)",
                       e);
        int rc;

        if (st == NULL)
                return -1;
        db_bind_text(st, 1, p->serial);
        db_bind_text(st, 2, p->unit);
        db_bind_text(st, 3, p->role);
        sqlite3_bind_int(st, 4, days);
        db_bind_text(st, 5, p->name[0] ? p->name : NULL);
        rc = db_run(db, st, e);
        sqlite3_finalize(st);
        return rc;
}

/* Adds the seat's name (if any) to the subject of x: 0, or -1. */
static int seat_name_add(X509 *x, const char *name)
{
        if (name == NULL || name[0] == '\0')
                return 0;
        return X509_NAME_add_entry_by_NID(X509_get_subject_name(x), NID_name, MBSTRING_UTF8,
                                          (const unsigned char *)name, -1, -1, 0) == 1
                   ? 0
                   : -1;
}

int ca_issue(const char *data, sqlite3 *db, const struct ca_seat *seat, int days, const char *out,
             char serial_out[64], struct rb_err *e)
{
        char path[4096];
        X509 *ca = NULL, *x = NULL;
        EVP_PKEY *cakey = NULL, *key = NULL;
        struct principal p;
        int rc = -1;

        days = ca_spread(days);
        if (load_ca(data, &ca, &cakey, e) != 0)
                return -1;
        if (fs_mkdirs(out, 0700, e) != 0)
                goto out;
        fs_join(path, sizeof(path), out, BUNDLE_KEY);
        if (fs_exists(path)) {
                err_set(e, RB_EXISTS, "out", _("%s already holds a key; choose another --out"),
                        out);
                goto out;
        }
        if ((key = EVP_EC_gen("P-256")) == NULL) {
                tls_fail(e, "EC key generation");
                goto out;
        }
        if ((x = cert_new(key, seat->role, seat->unit, days)) == NULL ||
            seat_name_add(x, seat->name) != 0 ||
            X509_set_issuer_name(x, X509_get_subject_name(ca)) != 1 ||
            add_ext(x, ca, NID_basic_constraints, "critical,CA:FALSE") ||
            add_ext(x, ca, NID_key_usage, "critical,digitalSignature") ||
            add_ext(x, ca, NID_ext_key_usage, "clientAuth") ||
            X509_sign(x, cakey, EVP_sha256()) == 0) {
                tls_fail(e, "client certificate");
                goto out;
        }
        if (write_key(path, key, e) != 0)
                goto out;
        fs_join(path, sizeof(path), out, BUNDLE_CERT);
        if (write_cert(path, x, e) != 0)
                goto out;
        fs_join(path, sizeof(path), out, BUNDLE_CA);
        if (write_cert(path, ca, e) != 0)
                goto out;
        fs_join(path, sizeof(path), out, BUNDLE_CERT);
        if (tls_cert_principal(path, &p, e) != 0)
                goto out;
        snprintf(serial_out, 64, "%s", p.serial);
        rc = record_cert(db, &p, days, e);
out:
        X509_free(ca);
        X509_free(x);
        EVP_PKEY_free(cakey);
        EVP_PKEY_free(key);
        return rc;
}

/* Reads the certificate file path; NULL and e if it cannot. */
static X509 *read_cert(const char *path, struct rb_err *e)
{
        FILE *f = fopen(path, "r");
        X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;

        if (f != NULL)
                fclose(f);
        if (x == NULL)
                err_set(e, RB_PRECONDITION, "data", _("cannot read %s"), path);
        return x;
}

/* A new server certificate for key, signed by ca, with old's subjectAltName. */
static X509 *server_cert(EVP_PKEY *key, X509 *ca, EVP_PKEY *cakey, X509 *old, int days)
{
        int i = X509_get_ext_by_NID(old, NID_subject_alt_name, -1);
        X509 *x = cert_new(key, "server", "renbind", days);

        if (x == NULL || X509_set_issuer_name(x, X509_get_subject_name(ca)) != 1 ||
            add_ext(x, ca, NID_basic_constraints, "critical,CA:FALSE") ||
            add_ext(x, ca, NID_key_usage, "critical,digitalSignature") ||
            add_ext(x, ca, NID_ext_key_usage, "serverAuth") ||
            (i >= 0 && X509_add_ext(x, X509_get_ext(old, i), -1) != 1) ||
            X509_sign(x, cakey, EVP_sha256()) == 0) {
                X509_free(x);
                return NULL;
        }
        return x;
}

/* Writes the new key and certificate to temporaries, then moves both into
 * place (the key first): a failure before the moves changes nothing. */
static int server_write(const char *data, EVP_PKEY *key, X509 *x, struct rb_err *e)
{
        char kpath[4096], cpath[4096];
        struct fs_out ko, co;
        int ok;

        fs_join(kpath, sizeof(kpath), data, SERVER_KEY);
        fs_join(cpath, sizeof(cpath), data, SERVER_CERT);
        if (fs_out_open(&ko, kpath, 0600, FS_OUT_REPLACE, e) != 0)
                return -1;
        if (fs_out_open(&co, cpath, 0644, FS_OUT_REPLACE, e) != 0) {
                fs_out_abort(&ko);
                return -1;
        }
        ok = PEM_write_PrivateKey(ko.f, key, NULL, NULL, 0, NULL, NULL) == 1 &&
             PEM_write_X509(co.f, x) == 1;
        if (!ok) {
                fs_out_abort(&ko);
                fs_out_abort(&co);
                return err_set(e, RB_INTERNAL, "path", _("cannot write %s"), kpath);
        }
        if (fs_out_commit(&ko, e) != 0) {
                fs_out_abort(&co);
                return -1;
        }
        return fs_out_commit(&co, e);
}

int ca_server_reissue(const char *data, int days, char serial_out[64], long long *not_after,
                      struct rb_err *e)
{
        char path[4096];
        X509 *ca = NULL, *old = NULL, *x = NULL;
        EVP_PKEY *cakey = NULL, *key = NULL;
        struct principal p;
        int rc = -1;

        if (load_ca(data, &ca, &cakey, e) != 0)
                return -1;
        fs_join(path, sizeof(path), data, SERVER_CERT);
        if ((old = read_cert(path, e)) == NULL)
                goto out;
        if ((key = EVP_EC_gen("P-256")) == NULL ||
            (x = server_cert(key, ca, cakey, old, days)) == NULL) {
                tls_fail(e, "server certificate");
                goto out;
        }
        if (server_write(data, key, x, e) != 0 || tls_cert_principal(path, &p, e) != 0)
                goto out;
        snprintf(serial_out, 64, "%s", p.serial);
        *not_after = tls_x509_not_after(x);
        rc = 0;
out:
        X509_free(ca);
        X509_free(old);
        X509_free(x);
        EVP_PKEY_free(cakey);
        EVP_PKEY_free(key);
        return rc;
}
