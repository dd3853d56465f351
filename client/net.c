/*
 * net.c - blocking TLS transport of the CLI. The server address and bundle come
 * from the home folder (renbin setup). Timeouts: RENBIN_TIMEOUT seconds for
 * connect and for each read or write (default 15).
 */
#include "net.h"
#include "clock.h"
#include "digest.h"
#include "fsutil.h"
#include "i18n.h"
#include "opts.h"
#include "wire.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* The home's saved TLS session (decision 154): a header naming the server
 * and the bundle it was made with, the notAfter of the office's certificate
 * and of the server's, then the session in PEM, without the server's
 * certificate (decision 173). Whatever does not match is ignored: a full
 * handshake. */
#define SESSION_HEAD "renbin-session 2\n"
/* A new ticket shorter-lived than this is not worth writing. */
#define SESSION_MIN_SECS 60

/* A saved session as read from the home. */
struct saved {
        SSL_SESSION *sess;       /* to offer, or NULL: none usable */
        long long own_not_after; /* of the certificate it was made with */
        long long srv_not_after; /* of the server's, which its full handshake verified */
        long long end, life;     /* when it expires, and its whole life (seconds) */
};

static int timeout_secs(void)
{
        const char *s = getenv("RENBIN_TIMEOUT");
        long v;

        return s != NULL && opt_long(s, 1, 3600, &v) == 0 ? (int)v : 15;
}

/* Splits HOST:PORT (or [V6]:PORT). */
static int split_addr(const char *addr, char *host, size_t hlen, char *port, size_t plen)
{
        const char *colon = strrchr(addr, ':');
        size_t n;

        if (colon == NULL || colon[1] == '\0')
                return -1;
        n = (size_t)(colon - addr);
        if (addr[0] == '[' && n >= 2 && addr[n - 1] == ']') {
                addr++;
                n -= 2;
        }
        if (n == 0 || n >= hlen || strlen(colon + 1) >= plen)
                return -1;
        memcpy(host, addr, n);
        host[n] = '\0';
        snprintf(port, plen, "%s", colon + 1);
        return 0;
}

/* Connects a TCP socket within the timeout. */
static int tcp_connect(const char *addr, int secs, struct rb_err *e)
{
        char host[256], port[16];
        struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res, *ai;
        int fd = -1, err = 0;

        if (split_addr(addr, host, sizeof(host), port, sizeof(port)) != 0)
                return err_set(e, RB_INVALID, "server", _("bad server address '%s' (HOST:PORT)"),
                               addr);
        if ((err = getaddrinfo(host, port, &hints, &res)) != 0)
                return err_set(e, RB_UNAVAILABLE, "server", _("cannot resolve %s: %s"), host,
                               gai_strerror(err));
        for (ai = res; ai != NULL; ai = ai->ai_next) {
                struct pollfd pfd;
                socklen_t elen = sizeof(err);

                if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0)) < 0)
                        continue;
                fcntl(fd, F_SETFL, O_NONBLOCK);
                if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
                        break;
                err = errno;
                if (err == EINPROGRESS) {
                        pfd.fd = fd;
                        pfd.events = POLLOUT;
                        if (poll(&pfd, 1, secs * 1000) == 1 &&
                            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 && err == 0)
                                break;
                        if (err == EINPROGRESS)
                                err = ETIMEDOUT;
                }
                close(fd);
                fd = -1;
        }
        freeaddrinfo(res);
        if (fd < 0)
                return err_set(e, RB_UNAVAILABLE, "server", _("cannot reach server %s: %s"), addr,
                               strerror(err ? err : ECONNREFUSED));
        fcntl(fd, F_SETFL, 0);
        return fd;
}

/* Sets read and write timeouts on the socket, and sends small writes at once:
 * a request written after the handshake's last flight would otherwise wait
 * for the server's delayed ACK (40 ms on Linux). */
static void set_io_timeouts(int fd, int secs)
{
        struct timeval tv = {secs, 0};
        int one = 1;

        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* The language this client's messages are in, for the server's: the first
 * of LANGUAGE (which gettext honours under any locale but C), else the
 * locale's LC_MESSAGES. */
static const char *message_language(void)
{
        static char buf[64];
        const char *l = getenv("LANGUAGE"), *m = setlocale(LC_MESSAGES, NULL);

        if (l != NULL && l[0] != '\0' && m != NULL && strcmp(m, "C") != 0) {
                snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(l, ":"), l);
                return buf;
        }
        return m != NULL ? m : "C";
}

/* Sends Hello, asking for a session ticket when want (decision 155), and
 * keeps what the server says of us. */
static int net_hello(struct net *n, int want, struct rb_err *e)
{
        Renbin__Request req = RENBIN__REQUEST__INIT;
        Renbin__Hello h = RENBIN__HELLO__INIT;
        Renbin__Response *resp = NULL;

        h.protocol_version = PROTOCOL_VERSION;
        h.client_version = RENBIN_VERSION;
        h.language = (char *)message_language();
        h.want_ticket = want != 0;
        req.call_case = RENBIN__REQUEST__CALL_HELLO;
        req.hello = &h;
        if (net_call(n, &req, &resp, e) != 0) {
                if (resp)
                        renbin__response__free_unpacked(resp, NULL);
                return -1;
        }
        if (resp->result_case != RENBIN__RESPONSE__RESULT_HELLO) {
                renbin__response__free_unpacked(resp, NULL);
                return err_set(e, RB_INTERNAL, NULL, _("server answered Hello with no reply"));
        }
        snprintf(n->who.unit, sizeof(n->who.unit), "%s", resp->hello->unit);
        snprintf(n->who.role, sizeof(n->who.role), "%s", resp->hello->role);
        snprintf(n->server_version, sizeof(n->server_version), "%s", resp->hello->server_version);
        n->max_ops = resp->hello->max_ops;
        n->max_frame = resp->hello->max_frame;
        n->max_page = resp->hello->max_page;
        snprintf(n->generation, sizeof(n->generation), "%s", resp->hello->generation);
        n->last_seq = resp->hello->last_seq;
        n->journal_days = resp->hello->journal_days;
        renbin__response__free_unpacked(resp, NULL);
        return 0;
}

/* True for a TLS alert by which the server rejects our certificate. */
static int cert_alert(unsigned long err)
{
        if (ERR_GET_LIB(err) != ERR_LIB_SSL)
                return 0;
        switch (ERR_GET_REASON(err) - SSL_AD_REASON_OFFSET) {
        case SSL_AD_BAD_CERTIFICATE:
        case SSL_AD_UNSUPPORTED_CERTIFICATE:
        case SSL_AD_CERTIFICATE_REVOKED:
        case SSL_AD_CERTIFICATE_EXPIRED:
        case SSL_AD_CERTIFICATE_UNKNOWN:
        case SSL_AD_UNKNOWN_CA:
        case SSL_AD_ACCESS_DENIED:
        case SSL_AD_DECRYPT_ERROR:
        case SSL_AD_CERTIFICATE_REQUIRED:
                return 1;
        }
        return 0;
}

static long long server_not_after;

long long net_server_not_after(void)
{
        return server_not_after;
}

/* An expired office certificate: what it is, since when, what to ask for. */
static int expired_error(const char *cert, struct rb_err *e)
{
        char date[16] = "?", unit[64] = "UNIT";
        struct principal p;
        struct rb_err ie;
        long long t = 0;

        if (tls_cert_not_after(cert, &t, &ie) == 0)
                clock_date(t, date, sizeof(date));
        if (tls_cert_principal(cert, &p, &ie) == 0)
                snprintf(unit, sizeof(unit), "%s", p.unit);
        return err_set(e, RB_UNAUTHENTICATED, "certificate",
                       _("this office's certificate expired on %s; ask BKPSDM for a renewed "
                         "bundle (renbind cert renew --unit %s), then run renbin setup --bundle "
                         "DIR"),
                       date, unit);
}

/* True for the alert by which the server says our certificate has expired. */
static int expired_alert(unsigned long err)
{
        return ERR_GET_LIB(err) == ERR_LIB_SSL &&
               ERR_GET_REASON(err) - SSL_AD_REASON_OFFSET == SSL_AD_CERTIFICATE_EXPIRED;
}

/* Turns a failed handshake (SSL_connect returned ret) into a message a person
 * can act on. Only a verdict on a certificate is UNAUTHENTICATED: ours
 * refused by an alert, or the server's not trusted here. A connection that
 * ends mid-handshake (EOF, reset, timeout: the server stopped, or it was over
 * its connection cap and closed before TLS) is a server out of reach. */
static int handshake_error(struct net *n, int ret, const char *addr, const char *cert,
                           struct rb_err *e)
{
        long v = SSL_get_verify_result(n->ssl);
        int err = errno, kind = SSL_get_error(n->ssl, ret);
        unsigned long last = ERR_peek_last_error();

        if (v != X509_V_OK)
                return err_set(e, RB_UNAUTHENTICATED, "server",
                               _("server %s has a certificate this office does not trust: %s"),
                               addr, X509_verify_cert_error_string(v));
        if (kind == SSL_ERROR_SSL && expired_alert(last))
                return expired_error(cert, e);
        if (kind == SSL_ERROR_SSL && cert_alert(last))
                return err_set(e, RB_UNAUTHENTICATED, "certificate",
                               _("server %s refused this office's certificate (%s): is the bundle "
                                 "from this server's renbind?"),
                               addr, ERR_reason_error_string(last));
        if (kind == SSL_ERROR_SYSCALL || kind == SSL_ERROR_ZERO_RETURN ||
            kind == SSL_ERROR_WANT_READ || kind == SSL_ERROR_WANT_WRITE ||
            (kind == SSL_ERROR_SSL && ERR_GET_LIB(last) == ERR_LIB_SSL &&
             ERR_GET_REASON(last) == SSL_R_UNEXPECTED_EOF_WHILE_READING))
                return err_set(e, RB_UNAVAILABLE, "server",
                               _("lost the connection to server %s during the TLS handshake (%s): "
                                 "the server may be down or busy; try again later"),
                               addr,
                               kind == SSL_ERROR_SYSCALL && err != 0 ? strerror(err)
                                                                     : _("closed by the server"));
        return err_set(e, RB_UNAUTHENTICATED, "certificate",
                       _("server %s refused the TLS handshake (certificate not accepted?): %s"),
                       addr, tls_last_error());
}

static long long own_not_after;

long long net_own_not_after(void)
{
        return own_not_after;
}

/* The notAfter of the server's certificate on this connection, or 0. */
static long long peer_not_after(SSL *ssl)
{
        X509 *x = SSL_get1_peer_certificate(ssl);
        long long t = tls_x509_not_after(x);

        X509_free(x);
        return t;
}

/* The SHA-256 (hex) of the file at path into out; -1 if it cannot be read. */
static int file_digest(const char *path, char out[DIGEST_HEX])
{
        struct rb_err e;
        size_t len;
        char *data = fs_read(path, &len, &e);

        if (data == NULL)
                return -1;
        digest_sha256_hex(data, len, out);
        free(data);
        return 0;
}

/* How long session s lives (seconds): what the server's ticket says (the
 * client's own default timeout knows nothing of it), at most. */
static long long session_life(const SSL_SESSION *s)
{
        long long life = (long long)SSL_SESSION_get_timeout(s);
        long long hint = (long long)SSL_SESSION_get_ticket_lifetime_hint(s);

        return hint > 0 && hint < life ? hint : life;
}

/* The header fields of the saved session file (malloc'd contents in *buf):
 * 0 with the PEM's offset in *pem, or -1 if there is none or it is not one. */
static int session_read(const struct cli *cli, char **buf, char server[512],
                        char ca_hex[DIGEST_HEX], char cert_hex[DIGEST_HEX], long long *not_after,
                        long long *srv_not_after, int *pem)
{
        char path[4096];
        struct rb_err e;
        size_t len;

        cli_path(cli, NET_SESSION_FILE, path, sizeof(path));
        if ((*buf = fs_read(path, &len, &e)) == NULL)
                return -1;
        *pem = -1;
        if (strncmp(*buf, SESSION_HEAD, strlen(SESSION_HEAD)) != 0 ||
            sscanf(*buf + strlen(SESSION_HEAD),
                   "server %511s bundle %64s %64s not-after %lld server-not-after %lld %n", server,
                   ca_hex, cert_hex, not_after, srv_not_after, pem) != 5 ||
            *pem < 0) {
                free(*buf);
                *buf = NULL;
                return -1;
        }
        *pem += (int)strlen(SESSION_HEAD);
        return 0;
}

long long net_home_not_after(const struct cli *cli)
{
        char *buf, server[512], ca_hex[DIGEST_HEX], cert_hex[DIGEST_HEX], now_hex[DIGEST_HEX];
        char cert[4096];
        long long t, srv;
        int pem;

        if (session_read(cli, &buf, server, ca_hex, cert_hex, &t, &srv, &pem) != 0)
                return 0;
        free(buf);
        cli_path(cli, "client.crt", cert, sizeof(cert));
        return file_digest(cert, now_hex) == 0 && strcmp(now_hex, cert_hex) == 0 ? t : 0;
}

/* Reads the saved session into sv if it was made with server addr and the
 * bundle installed now, and has not expired; sv->sess stays NULL otherwise. */
static void session_load(const struct cli *cli, const char *addr, const struct tls_creds *cr,
                         struct saved *sv)
{
        char *buf, server[512], ca_hex[DIGEST_HEX], cert_hex[DIGEST_HEX], hex[DIGEST_HEX];
        long long t, srv, now = clock_now();
        SSL_SESSION *s = NULL;
        BIO *b;
        int pem;

        memset(sv, 0, sizeof(*sv));
        if (session_read(cli, &buf, server, ca_hex, cert_hex, &t, &srv, &pem) != 0)
                return;
        if (strcmp(server, addr) == 0 && file_digest(cr->ca, hex) == 0 &&
            strcmp(hex, ca_hex) == 0 && file_digest(cr->cert, hex) == 0 &&
            strcmp(hex, cert_hex) == 0 && (b = BIO_new_mem_buf(buf + pem, -1)) != NULL) {
                s = PEM_read_bio_SSL_SESSION(b, NULL, NULL, NULL);
                BIO_free(b);
        }
        free(buf);
        ERR_clear_error();
        if (s == NULL)
                return;
        sv->life = session_life(s);
        sv->end = (long long)SSL_SESSION_get_time(s) + sv->life;
        if (!SSL_SESSION_is_resumable(s) || sv->end <= now || t <= 0) {
                SSL_SESSION_free(s);
                return;
        }
        sv->sess = s;
        sv->own_not_after = t;
        sv->srv_not_after = srv;
}

/* The DER of session s without its [3] element, the server's certificate
 * (OpenSSL's session ASN.1 has it as `peer [3] EXPLICIT Certificate
 * OPTIONAL`), in *der (malloc'd); its
 * length, or -1. OpenSSL 3.0 decodes that certificate's key through its
 * decoders whenever it reads a session back (2.5M instructions, a tenth of
 * a resumed status), and has no call to leave it out. A resumed handshake
 * never looks at it: the ticket proves the server, whose certificate the
 * full handshake that made the session verified. */
static long session_der(SSL_SESSION *s, unsigned char **der)
{
        unsigned char *full = NULL, *kept = NULL, *o;
        const unsigned char *p, *end, *at;
        long body, l, nkept = 0, len = -1;
        int tag, cls, ret, n = i2d_SSL_SESSION(s, &full);

        *der = NULL;
        if (n <= 0)
                return -1;
        p = full;
        /* DER only: an error (0x80) or an indefinite length (0x21) is not. */
        ret = ASN1_get_object(&p, &body, &tag, &cls, n);
        if ((ret & 0x80) != 0 || ret == 0x21 || tag != V_ASN1_SEQUENCE || cls != V_ASN1_UNIVERSAL ||
            body != n - (p - full) || (kept = malloc((size_t)n)) == NULL)
                goto out;
        for (end = p + body; p < end; p += l) {
                at = p;
                ret = ASN1_get_object(&p, &l, &tag, &cls, end - p);
                if ((ret & 0x80) != 0 || ret == 0x21 || l > end - p)
                        goto out;
                if (cls == V_ASN1_CONTEXT_SPECIFIC && tag == 3)
                        continue;
                memcpy(kept + nkept, at, (size_t)(p + l - at));
                nkept += p + l - at;
        }
        if ((o = *der = malloc((size_t)ASN1_object_size(1, (int)nkept, V_ASN1_SEQUENCE))) == NULL)
                goto out;
        ASN1_put_object(&o, 1, (int)nkept, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL);
        memcpy(o, kept, (size_t)nkept);
        len = (long)(o - *der) + nkept;
out:
        free(kept);
        OPENSSL_free(full);
        return len;
}

/* Writes n's new session to the home (0600, atomically), for server addr
 * and the bundle installed now. A failure costs only the next command's
 * resumption: it is said, not fatal. */
static void session_save(const struct cli *cli, struct net *n, const char *addr, long long own_na,
                         long long srv_na)
{
        char path[4096], ca_hex[DIGEST_HEX], cert_hex[DIGEST_HEX], *pem = NULL;
        unsigned char *der = NULL;
        struct rb_err e;
        BIO *b = BIO_new(BIO_s_mem());
        long plen, dlen;

        err_set(&e, RB_INTERNAL, NULL, _("cannot read the bundle"));
        if (b == NULL || file_digest(n->creds.ca, ca_hex) != 0 ||
            file_digest(n->creds.cert, cert_hex) != 0)
                goto out;
        if ((dlen = session_der(n->fresh, &der)) < 0) {
                err_set(&e, RB_INTERNAL, NULL, _("cannot encode the TLS session"));
                goto out;
        }
        if (BIO_printf(
                b, SESSION_HEAD "server %s\nbundle %s %s\nnot-after %lld server-not-after %lld\n",
                addr, ca_hex, cert_hex, own_na, srv_na) <= 0 ||
            PEM_write_bio(b, PEM_STRING_SSL_SESSION, "", der, dlen) <= 0 ||
            (plen = BIO_get_mem_data(b, &pem)) <= 0) {
                err_set(&e, RB_INTERNAL, NULL, "%s", tls_last_error());
                goto out;
        }
        cli_path(cli, NET_SESSION_FILE, path, sizeof(path));
        if (fs_write_file(path, pem, (size_t)plen, 0600, &e) == 0)
                e.code = RB_OK;
out:
        if (e.code != RB_OK)
                fprintf(stderr,
                        _("renbin: warning: cannot keep the TLS session for the next "
                          "command: %s\n"),
                        e.msg);
        BIO_free(b);
        free(der);
        ERR_clear_error();
}

/* Whether this connection wants a new session ticket: after a full
 * handshake, or when the session resumed is near its end (its last
 * quarter); a resumed session still young is kept as it is (no ticket, no
 * write). */
static int session_wanted(const struct net *n, const struct saved *sv)
{
        long long now = clock_now();

        return !(SSL_session_reused(n->ssl) && sv->sess != NULL && sv->end - now > sv->life / 4);
}

/* Keeps the session ticket the server sent on this connection, when one
 * was wanted. */
static void session_keep(const struct cli *cli, struct net *n, const char *addr, int want)
{
        if (!want || n->fresh == NULL || session_life(n->fresh) < SESSION_MIN_SECS)
                return;
        session_save(cli, n, addr, own_not_after, server_not_after);
}

/* A session ticket arrived (after the handshake, with the first answer):
 * kept on the connection until net_open decides whether to save it. */
static int net_new_session(SSL *ssl, SSL_SESSION *sess)
{
        struct net *n = SSL_get_app_data(ssl);

        if (n == NULL)
                return 0;
        SSL_SESSION_free(n->fresh);
        n->fresh = sess;
        return 1;
}

/* The notAfter of this office's certificate, before connecting: as the
 * saved session keeps it, else read from the certificate (kept in cr for the
 * handshake). 0, or -1 with e. */
static int own_cert_not_after(struct tls_creds *cr, const struct saved *sv, struct rb_err *e)
{
        struct rb_err ie;

        if (sv->sess != NULL) {
                own_not_after = sv->own_not_after;
                return 0;
        }
        if (cr->own == NULL && tls_cert_read(cr->cert, &cr->own, &ie) != 0)
                return err_set(e, RB_PRECONDITION, "cert", _("cannot load certificate %s: %s"),
                               cr->cert, ie.msg);
        own_not_after = tls_x509_not_after(cr->own);
        return 0;
}

/* Without its config file (nothing in it is wanted), and without the
 * clean-up at exit: a short command would spend a twentieth of its
 * instructions freeing what the process's end frees anyway (decision 172). */
void net_init(void)
{
        OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT, NULL);
}

/* The TLS handshake on n's socket, offering sess when not NULL; then the
 * check that the peer is the server. 0, or -1 with e. */
static int net_handshake(struct net *n, const char *addr, SSL_SESSION *sess, struct rb_err *e)
{
        struct principal srv;
        int ret;

        if ((n->ssl = SSL_new(n->ctx)) == NULL || SSL_set_fd(n->ssl, n->fd) != 1 ||
            SSL_set_app_data(n->ssl, n) != 1 ||
            (sess != NULL && SSL_set_session(n->ssl, sess) != 1))
                return err_set(e, RB_INTERNAL, NULL, "SSL_new: %s", tls_last_error());
        ERR_clear_error();
        errno = 0;
        if ((ret = SSL_connect(n->ssl)) != 1) {
                /* A file read only now (the CA, the certificate, the key). */
                if (n->creds.err.code != RB_OK) {
                        *e = n->creds.err;
                        return -1;
                }
                return handshake_error(n, ret, addr, n->cert, e);
        }
        /* Only the server's own certificate may answer, not another office's.
         * A resumed session carries no certificate (decision 173): its ticket
         * proves the server whose certificate its full handshake checked. */
        if (SSL_session_reused(n->ssl))
                return 0;
        if (tls_peer_principal(n->ssl, &srv) != 0 || strcmp(srv.role, "server") != 0)
                return err_set(e, RB_UNAUTHENTICATED, "server",
                               _("%s presented a certificate that is not a renbin server's"), addr);
        return 0;
}

int net_open(struct cli *cli, struct net *n, struct rb_err *e)
{
        char addr[512];
        struct saved sv = {0};
        int secs = timeout_secs(), ret, want;

        memset(n, 0, sizeof(*n));
        n->fd = -1;
        n->next_id = 1;
        if (cli->offline)
                return err_set(e, RB_UNAVAILABLE, "server",
                               _("not contacting the server (--offline)"));
        frame_dec_init(&n->dec, FRAME_DEFAULT_MAX);
        if ((ret = cli_setting(cli, "server", addr, sizeof(addr), e)) < 0)
                return -1;
        if (ret == 0)
                return err_set(e, RB_PRECONDITION, "server",
                               _("no server configured: run renbin setup --server HOST:PORT "
                                 "--bundle DIR"));
        cli_path(cli, "ca.crt", n->creds.ca, sizeof(n->creds.ca));
        cli_path(cli, "client.crt", n->creds.cert, sizeof(n->creds.cert));
        snprintf(n->cert, sizeof(n->cert), "%s", n->creds.cert);
        cli_path(cli, "client.key", n->creds.key, sizeof(n->creds.key));
        if ((n->ctx = tls_client_ctx_lazy(&n->creds, e)) == NULL)
                goto fail;
        SSL_CTX_sess_set_new_cb(n->ctx, net_new_session);
        session_load(cli, addr, &n->creds, &sv);
        if (own_cert_not_after(&n->creds, &sv, e) != 0)
                goto fail;
        if (own_not_after != 0 && own_not_after < clock_now()) {
                expired_error(n->cert, e);
                goto fail;
        }
        if ((n->fd = tcp_connect(addr, secs, e)) < 0)
                goto fail;
        set_io_timeouts(n->fd, secs);
        if (net_handshake(n, addr, sv.sess, e) != 0)
                goto fail;
        server_not_after = SSL_session_reused(n->ssl) ? sv.srv_not_after : peer_not_after(n->ssl);
        want = session_wanted(n, &sv);
        if (net_hello(n, want, e) != 0)
                goto fail;
        session_keep(cli, n, addr, want);
        SSL_SESSION_free(sv.sess);
        return 0;
fail:
        SSL_SESSION_free(sv.sess);
        net_close(n);
        return -1;
}

/* Turns a failed SSL_read/SSL_write into e. In TLS 1.3 the server judges our
 * certificate after our side of the handshake is done, so its refusal arrives
 * here, as an alert: that is UNAUTHENTICATED, not a lost connection. */
static int io_error(struct net *n, int ret, const char *lost, struct rb_err *e)
{
        unsigned long err = ERR_peek_last_error();

        if (SSL_get_error(n->ssl, ret) == SSL_ERROR_SSL && expired_alert(err))
                return expired_error(n->cert, e);
        if (SSL_get_error(n->ssl, ret) == SSL_ERROR_SSL && cert_alert(err))
                return err_set(e, RB_UNAUTHENTICATED, "certificate",
                               _("the server refused this office's certificate (%s): is the "
                                 "bundle from this server's renbind?"),
                               ERR_reason_error_string(err));
        return err_set(e, RB_UNAVAILABLE, "server", "%s", lost);
}

/* Writes all of buf through TLS. */
static int ssl_write_all(struct net *n, const uint8_t *buf, size_t len, struct rb_err *e)
{
        int ret;

        while (len > 0) {
                size_t w = 0;
                ERR_clear_error();
                if ((ret = SSL_write_ex(n->ssl, buf, len, &w)) != 1)
                        return io_error(n, ret, _("connection to the server lost while sending"),
                                        e);
                buf += w;
                len -= w;
        }
        return 0;
}

int net_send(struct net *n, Renbin__Request *req, struct rb_err *e)
{
        size_t len;
        uint8_t *buf;
        int rc;

        req->id = n->next_id++;
        if ((buf = wire_pack(&req->base, &len)) == NULL)
                return err_set(e, RB_INTERNAL, NULL, _("out of memory"));
        if (len - FRAME_HEADER > FRAME_DEFAULT_MAX) {
                free(buf);
                return err_set(
                    e, RB_INVALID, NULL,
                    ngettext("request too large (%zu byte)", "request too large (%zu bytes)", len),
                    len);
        }
        rc = ssl_write_all(n, buf, len, e);
        free(buf);
        return rc;
}

int net_recv(struct net *n, Renbin__Response **resp, struct rb_err *e)
{
        size_t used, got;
        uint32_t len;
        uint8_t *body;
        int rc, ret;

        *resp = NULL;
        for (;;) {
                while (n->roff < n->rlen) {
                        rc = frame_dec_feed(&n->dec, n->rbuf + n->roff, n->rlen - n->roff, &used);
                        n->roff += used;
                        if (rc < 0)
                                return err_set(e, RB_INTERNAL, NULL, _("bad frame from server: %s"),
                                               frame_strerror(rc));
                        if (rc != FRAME_READY)
                                continue;
                        body = frame_dec_take(&n->dec, &len);
                        *resp = renbin__response__unpack(n->alloc, len, body);
                        free(body);
                        if (*resp == NULL)
                                return err_set(e, RB_INTERNAL, NULL,
                                               _("server sent an unreadable response"));
                        return 0;
                }
                n->roff = n->rlen = 0;
                ERR_clear_error();
                if ((ret = SSL_read_ex(n->ssl, n->rbuf, sizeof(n->rbuf), &got)) != 1)
                        return io_error(n, ret,
                                        _("connection to the server lost (or timed out) while "
                                          "waiting for an answer"),
                                        e);
                n->rlen = got;
        }
}

/* 0 if the server answered OK, else -1 with its status in e. */
static int answer_ok(const Renbin__Response *resp, struct rb_err *e)
{
        if (resp->status != NULL && resp->status->code != RENBIN__CODE__OK) {
                wire_status_err(resp->status, e);
                return -1;
        }
        return 0;
}

int net_call(struct net *n, Renbin__Request *req, Renbin__Response **resp, struct rb_err *e)
{
        struct rb_err re;
        int sent;

        *resp = NULL;
        /* A failed send still reads: a server that refused us may have said why
         * (an alert, or an error with id 0) before our request reached it. */
        sent = net_send(n, req, e) == 0;
        for (;;) {
                if (net_recv(n, resp, &re) != 0) {
                        if (sent || re.code == RB_UNAUTHENTICATED)
                                *e = re;
                        return -1;
                }
                if ((*resp)->id == 0 || (sent && (*resp)->id == req->id))
                        break;
                renbin__response__free_unpacked(*resp, n->alloc);
                *resp = NULL;
        }
        return answer_ok(*resp, e);
}

int net_wait(struct net *n, uint64_t id, Renbin__Response **resp, struct rb_err *e)
{
        *resp = NULL;
        for (;;) {
                if (net_recv(n, resp, e) != 0)
                        return -1;
                if ((*resp)->id == 0 || (*resp)->id == id)
                        break;
                renbin__response__free_unpacked(*resp, n->alloc);
                *resp = NULL;
        }
        return answer_ok(*resp, e);
}

void net_close(struct net *n)
{
        if (n->ssl != NULL) {
                SSL_shutdown(n->ssl);
                SSL_free(n->ssl);
        }
        if (n->fd >= 0)
                close(n->fd);
        SSL_CTX_free(n->ctx);
        SSL_SESSION_free(n->fresh);
        tls_creds_free(&n->creds);
        frame_dec_free(&n->dec);
        n->fresh = NULL;
        n->ssl = NULL;
        n->ctx = NULL;
        n->fd = -1;
}
