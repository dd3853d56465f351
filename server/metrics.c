/*
 * metrics.c - the counters of metrics.h and their page in the Prometheus text
 * format (version 0.0.4), served by evhttp on the server's own event base.
 * A scrape reads the counters, the connection gauges of struct server, the
 * database's size, the server certificate's expiry (read from server.crt at
 * each scrape, so a reissued one shows) and the soonest expiry of the office
 * certificates still valid (the certs table). Only loopback addresses are
 * accepted: the page has no authentication (docs/decisions.md).
 */
#include "metrics.h"
#include "checkpoint.h"
#include "db.h"
#include "fsutil.h"
#include "i18n.h"
#include "log.h"
#include "server.h"
#include "store.h"
#include "wire.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <netdb.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NCODES 17 /* status codes 0..16 */
/* Calls are counted by their place among Request's fields
 * (wire_call_slot); the last slot counts what is no call. */
#define NCALLS 16
#define NBUCKETS 12

/* A histogram with fixed upper bounds (the last bucket is +Inf). */
struct histo {
        const double *le;
        uint64_t bucket[NBUCKETS + 1];
        uint64_t count;
        double sum;
};

static const double ops_le[NBUCKETS] = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 4000};
static const double sec_le[NBUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                        0.05,   0.1,   0.25,   0.5,   1,    2.5};
static const char *const refusal_names[REFUSE_N] = {"none",      "cap",  "pending", "pending_addr",
                                                    "addr",      "cert", "reserve", "handshake",
                                                    "principal", "other"};
enum { CERT_EXPIRED, CERT_NOT_YET_VALID, CERT_UNTRUSTED, CERT_OTHER, CERT_N };
static const char *const cert_names[CERT_N] = {"expired", "not_yet_valid", "untrusted", "other"};

static struct {
        uint64_t calls[NCALLS][NCODES];
        uint64_t ops[NCODES];
        uint64_t refused[REFUSE_N];
        uint64_t cert_errors[CERT_N];
        uint64_t handshakes[2]; /* full, resumed */
        uint64_t pull_pages, pull_rows;
        uint64_t groups_failed;
        struct histo group_ops, group_sec, fsync_sec;
        double fsync_total;
        struct timespec group_t0, fsync_t0;
        size_t group_n;
        int64_t last_commit;
        uint64_t last_ops;
        int64_t started;
        struct server *srv;
        struct evhttp *http;
        char addr[80];
} m = {.group_ops = {.le = ops_le}, .group_sec = {.le = sec_le}, .fsync_sec = {.le = sec_le}};

static void histo_add(struct histo *h, double v)
{
        size_t i = 0;

        while (i < NBUCKETS && v > h->le[i])
                i++;
        h->bucket[i]++;
        h->count++;
        h->sum += v;
}

static double since(const struct timespec *t0)
{
        struct timespec t;

        clock_gettime(CLOCK_MONOTONIC, &t);
        return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A status code as an index (an unknown one counts as UNKNOWN). */
static int code_index(int code)
{
        return code >= 0 && code < NCODES ? code : RENBIN__CODE__UNKNOWN;
}

static int call_index(int call_case)
{
        int slot = wire_call_slot(call_case);

        return slot >= 0 && slot < NCALLS - 1 ? slot : NCALLS - 1;
}

/* The label of slot c: the call's name as the proto gives it, or "other". */
static const char *call_label(int c)
{
        const char *name = NULL;

        if (c < NCALLS - 1 && (unsigned)c < renbin__request__descriptor.n_fields)
                name = wire_call_name((int)renbin__request__descriptor.fields[c].id);
        return name != NULL ? name : "other";
}

void metrics_call(int call_case, int code)
{
        if (code != METRICS_DEFERRED)
                m.calls[call_index(call_case)][code_index(code)]++;
}

void metrics_push(const Renbin__PushReply *answer, size_t n_ops, const struct rb_err *e)
{
        metrics_call(RENBIN__REQUEST__CALL_PUSH, e != NULL ? e->code : RB_OK);
        if (e != NULL || answer == NULL) {
                m.ops[code_index(e != NULL ? e->code : RB_INTERNAL)] += n_ops;
                return;
        }
        for (size_t i = 0; i < answer->n_results; i++)
                m.ops[code_index(answer->results[i]->status ? (int)answer->results[i]->status->code
                                                            : RB_OK)]++;
}

void metrics_group_begin(size_t ops)
{
        clock_gettime(CLOCK_MONOTONIC, &m.group_t0);
        m.group_n = ops;
}

void metrics_fsync_begin(void)
{
        clock_gettime(CLOCK_MONOTONIC, &m.fsync_t0);
}

void metrics_fsync_end(void)
{
        double s = since(&m.fsync_t0);

        histo_add(&m.fsync_sec, s);
        m.fsync_total += s;
}

void metrics_group_end(int failed)
{
        histo_add(&m.group_ops, (double)m.group_n);
        histo_add(&m.group_sec, since(&m.group_t0));
        if (failed) {
                m.groups_failed++;
                return;
        }
        m.last_commit = (int64_t)time(NULL);
        m.last_ops = m.group_n;
}

void metrics_pull_rows(size_t n)
{
        m.pull_pages++;
        m.pull_rows += n;
}

void metrics_refused(enum refusal why)
{
        if (why > REFUSE_NONE && why < REFUSE_N)
                m.refused[why]++;
}

void metrics_handshake(int resumed)
{
        m.handshakes[resumed != 0]++;
}

void metrics_cert_error(int x509_err)
{
        switch (x509_err) {
        case X509_V_ERR_CERT_HAS_EXPIRED:
                m.cert_errors[CERT_EXPIRED]++;
                break;
        case X509_V_ERR_CERT_NOT_YET_VALID:
                m.cert_errors[CERT_NOT_YET_VALID]++;
                break;
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_CERT_SIGNATURE_FAILURE:
                m.cert_errors[CERT_UNTRUSTED]++;
                break;
        default:
                m.cert_errors[CERT_OTHER]++;
        }
}

void metrics_last_commit(int64_t *when, uint64_t *ops)
{
        *when = m.last_commit;
        *ops = m.last_ops;
}

long long metrics_db_bytes(const struct server *srv)
{
        static const char *const files[] = {STORE_FILE, STORE_FILE "-wal"};
        char path[4096];
        struct stat st;
        long long n = 0;

        for (size_t i = 0; i < 2; i++)
                if (fs_join(path, sizeof(path), srv->data, files[i]) == 0 && stat(path, &st) == 0)
                        n += (long long)st.st_size;
        return n;
}

const char *metrics_address(void)
{
        return m.addr;
}

int64_t metrics_started(void)
{
        return m.started;
}

/* ---- the page ---- */

static void head(struct evbuffer *b, const char *name, const char *type, const char *help)
{
        evbuffer_add_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void histo_put(struct evbuffer *b, const char *name, const char *help, const struct histo *h)
{
        uint64_t cum = 0;

        head(b, name, "histogram", help);
        for (size_t i = 0; i < NBUCKETS; i++) {
                cum += h->bucket[i];
                evbuffer_add_printf(b, "%s_bucket{le=\"%g\"} %llu\n", name, h->le[i],
                                    (unsigned long long)cum);
        }
        evbuffer_add_printf(b, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %.6f\n%s_count %llu\n", name,
                            (unsigned long long)h->count, name, h->sum, name,
                            (unsigned long long)h->count);
}

/* Calls and ops by outcome; a series appears once it is non-zero. */
static void put_calls(struct evbuffer *b)
{
        head(b, "renbind_calls_total", "counter", "Calls answered, by call and status code.");
        for (int c = 0; c < NCALLS; c++)
                for (int k = 0; k < NCODES; k++)
                        if (m.calls[c][k] != 0)
                                evbuffer_add_printf(
                                    b, "renbind_calls_total{call=\"%s\",code=\"%s\"} %llu\n",
                                    call_label(c), err_code_name(k),
                                    (unsigned long long)m.calls[c][k]);
        head(b, "renbind_ops_total", "counter", "Pushed ops answered, by status code.");
        evbuffer_add_printf(b, "renbind_ops_total{code=\"OK\"} %llu\n",
                            (unsigned long long)m.ops[RB_OK]);
        for (int k = 1; k < NCODES; k++)
                if (m.ops[k] != 0)
                        evbuffer_add_printf(b, "renbind_ops_total{code=\"%s\"} %llu\n",
                                            err_code_name(k), (unsigned long long)m.ops[k]);
}

static void put_conns(struct evbuffer *b, const struct server *srv)
{
        head(b, "renbind_connections", "gauge",
             "Open connections: in the handshake (not yet let in) or established.");
        evbuffer_add_printf(b, "renbind_connections{state=\"handshake\"} %u\n", srv->npending);
        evbuffer_add_printf(b, "renbind_connections{state=\"established\"} %u\n", srv->nready);
        head(b, "renbind_connections_waiting_memory", "gauge",
             "Connections whose reading waits for the partial-frame budget.");
        evbuffer_add_printf(b, "renbind_connections_waiting_memory %u\n", srv->mem_waiting);
        head(b, "renbind_connections_limit", "gauge", "Established connections at most.");
        evbuffer_add_printf(b, "renbind_connections_limit %u\n", srv->lim.max_conns);
        head(b, "renbind_refusals_total", "counter",
             "Connections refused or ended before they were let in, by reason.");
        for (int r = REFUSE_NONE + 1; r < REFUSE_N; r++)
                evbuffer_add_printf(b, "renbind_refusals_total{reason=\"%s\"} %llu\n",
                                    refusal_names[r], (unsigned long long)m.refused[r]);
        head(b, "renbind_handshakes_total", "counter",
             "TLS handshakes completed: full, or resumed from a session ticket.");
        evbuffer_add_printf(b, "renbind_handshakes_total{kind=\"full\"} %llu\n",
                            (unsigned long long)m.handshakes[0]);
        evbuffer_add_printf(b, "renbind_handshakes_total{kind=\"resumed\"} %llu\n",
                            (unsigned long long)m.handshakes[1]);
        head(b, "renbind_certificate_refusals_total", "counter",
             "Client certificates the TLS verification refused, by error.");
        for (int r = 0; r < CERT_N; r++)
                evbuffer_add_printf(b, "renbind_certificate_refusals_total{error=\"%s\"} %llu\n",
                                    cert_names[r], (unsigned long long)m.cert_errors[r]);
}

static void put_commits(struct evbuffer *b, const struct server *srv)
{
        struct ckpt_counts ck = ckpt_counts(srv->ckpt);

        histo_put(b, "renbind_group_commit_ops", "Ops per group commit.", &m.group_ops);
        histo_put(b, "renbind_group_commit_seconds",
                  "Duration of a group commit: apply, COMMIT and answers.", &m.group_sec);
        histo_put(b, "renbind_commit_fsync_seconds", "Time spent in one COMMIT (its fsync).",
                  &m.fsync_sec);
        head(b, "renbind_commit_fsync_seconds_total", "counter", "Time spent in COMMIT in all.");
        evbuffer_add_printf(b, "renbind_commit_fsync_seconds_total %.6f\n", m.fsync_total);
        head(b, "renbind_group_commits_failed_total", "counter",
             "Group commits rolled back as a whole.");
        evbuffer_add_printf(b, "renbind_group_commits_failed_total %llu\n",
                            (unsigned long long)m.groups_failed);
        head(b, "renbind_last_group_commit_timestamp_seconds", "gauge",
             "When the last group commit ended (0: none yet).");
        evbuffer_add_printf(b, "renbind_last_group_commit_timestamp_seconds %lld\n",
                            (long long)m.last_commit);
        head(b, "renbind_wal_checkpoints_total", "counter",
             "WAL checkpoints, by who made them: the checkpoint thread, or a commit that found "
             "the WAL past its bound.");
        evbuffer_add_printf(b, "renbind_wal_checkpoints_total{by=\"thread\"} %llu\n",
                            (unsigned long long)ck.thread);
        evbuffer_add_printf(b, "renbind_wal_checkpoints_total{by=\"commit\"} %llu\n",
                            (unsigned long long)ck.loop);
        head(b, "renbind_wal_checkpoints_failed_total", "counter",
             "WAL checkpoints that failed (logged with their cause).");
        evbuffer_add_printf(b, "renbind_wal_checkpoints_failed_total %llu\n",
                            (unsigned long long)ck.failed);
        head(b, "renbind_pull_pages_total", "counter", "Pull pages served.");
        evbuffer_add_printf(b, "renbind_pull_pages_total %llu\n", (unsigned long long)m.pull_pages);
        head(b, "renbind_pull_rows_total", "counter", "Changes sent in Pull pages.");
        evbuffer_add_printf(b, "renbind_pull_rows_total %llu\n", (unsigned long long)m.pull_rows);
}

/* The notAfter of DATA/server.crt (unix seconds), or -1. */
static long long server_cert_expiry(const struct server *srv)
{
        char path[4096];
        FILE *f;
        X509 *x = NULL;
        struct tm tm;
        long long t = -1;

        if (fs_join(path, sizeof(path), srv->data, "server.crt") != 0 ||
            (f = fopen(path, "r")) == NULL)
                return -1;
        x = PEM_read_X509(f, NULL, NULL, NULL);
        fclose(f);
        if (x != NULL && ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) == 1)
                t = (long long)timegm(&tm);
        X509_free(x);
        return t;
}

static void put_server(struct evbuffer *b, const struct server *srv)
{
        static const char sql_soonest[] =
            "SELECT min(expires_at) FROM certs WHERE revoked_at IS NULL"
            " AND expires_at > CAST(strftime('%s','now') AS INTEGER) AND ?1 IS NULL";
        long long soonest = 0;
        struct rb_err e;

        head(b, "renbind_start_time_seconds", "gauge", "When the server started (unix seconds).");
        evbuffer_add_printf(b, "renbind_start_time_seconds %lld\n", (long long)m.started);
        head(b, "renbind_database_bytes", "gauge", "The database file and its WAL, in bytes.");
        evbuffer_add_printf(b, "renbind_database_bytes %lld\n", metrics_db_bytes(srv));
        head(b, "renbind_server_certificate_expiry_timestamp_seconds", "gauge",
             "When the server certificate expires (unix seconds).");
        evbuffer_add_printf(b, "renbind_server_certificate_expiry_timestamp_seconds %lld\n",
                            server_cert_expiry(srv));
        /* The soonest of those not revoked and not yet expired; 0: none. */
        if (db_value(srv->db, sql_soonest, NULL, &soonest, &e) < 0)
                soonest = -1;
        head(b, "renbind_office_certificate_next_expiry_timestamp_seconds", "gauge",
             "The soonest expiry of the issued certificates still valid (0: none).");
        evbuffer_add_printf(b, "renbind_office_certificate_next_expiry_timestamp_seconds %lld\n",
                            soonest);
}

static void on_request(struct evhttp_request *req, void *arg)
{
        struct evbuffer *b;

        (void)arg;
        if (evhttp_request_get_command(req) != EVHTTP_REQ_GET) {
                evhttp_send_error(req, 405, "Method Not Allowed");
                return;
        }
        if (strcmp(evhttp_request_get_uri(req), "/metrics") != 0) {
                evhttp_send_error(req, HTTP_NOTFOUND, NULL);
                return;
        }
        if ((b = evbuffer_new()) == NULL) {
                evhttp_send_error(req, HTTP_INTERNAL, NULL);
                return;
        }
        put_conns(b, m.srv);
        put_calls(b);
        put_commits(b, m.srv);
        put_server(b, m.srv);
        evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                          "text/plain; version=0.0.4; charset=utf-8");
        evhttp_send_reply(req, HTTP_OK, "OK", b);
        evbuffer_free(b);
}

/* Splits a numeric HOST:PORT (or [V6]:PORT) with a loopback host. 0, or -1. */
static int parse_loopback(const char *s, char *host, size_t hlen, unsigned *port)
{
        struct addrinfo hints = {.ai_flags = AI_NUMERICHOST, .ai_socktype = SOCK_STREAM};
        struct addrinfo *res;
        const char *colon = strrchr(s, ':');
        size_t n = colon ? (size_t)(colon - s) : 0;
        long v;
        char *end;
        int ok;

        if (colon == NULL || colon[1] == '\0')
                return -1;
        if (s[0] == '[' && n >= 2 && s[n - 1] == ']') {
                s++;
                n -= 2;
        }
        v = strtol(colon + 1, &end, 10);
        if (n == 0 || n >= hlen || *end != '\0' || v < 0 || v > 65535)
                return -1;
        memcpy(host, s, n);
        host[n] = '\0';
        *port = (unsigned)v;
        if (getaddrinfo(host, NULL, &hints, &res) != 0)
                return -1;
        if (res->ai_family == AF_INET)
                ok = (ntohl(((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr) >> 24) == 127;
        else
                ok = IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)res->ai_addr)->sin6_addr);
        freeaddrinfo(res);
        return ok ? 0 : -1;
}

/* Writes the bound address to DATA/renbind.metrics (as serve does renbind.addr). */
static void write_metrics_addr(struct evhttp_bound_socket *bs, const char *host)
{
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        char path[4096];
        struct rb_err e;
        unsigned port = 0;

        if (getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&ss, &len) == 0)
                port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                                     : ((struct sockaddr_in6 *)&ss)->sin6_port);
        snprintf(m.addr, sizeof(m.addr), strchr(host, ':') ? "[%s]:%u" : "%s:%u", host, port);
        log_info("metrics on http://%s/metrics", m.addr);
        fs_join(path, sizeof(path), m.srv->data, "renbind.metrics");
        len = (socklen_t)strlen(m.addr);
        m.addr[len] = '\n';
        if (fs_write_file(path, m.addr, len + 1, 0644, &e) != 0)
                log_err("%s", e.msg);
        m.addr[len] = '\0';
}

int metrics_start(struct server *srv, const char *addr, struct rb_err *e)
{
        struct evhttp_bound_socket *bs;
        char host[64];
        unsigned port;

        m.srv = srv;
        m.started = (int64_t)time(NULL);
        if (addr == NULL)
                return 0;
        if (parse_loopback(addr, host, sizeof(host), &port) != 0)
                return err_set(e, RB_INVALID, "metrics",
                               _("bad --metrics address '%s' (numeric loopback HOST:PORT, such "
                                 "as 127.0.0.1:9464: the page has no authentication)"),
                               addr);
        if ((m.http = evhttp_new(srv->base)) == NULL)
                return err_set(e, RB_INTERNAL, NULL, "evhttp_new failed");
        evhttp_set_allowed_methods(m.http, EVHTTP_REQ_GET);
        evhttp_set_timeout(m.http, 10);
        evhttp_set_gencb(m.http, on_request, NULL);
        if ((bs = evhttp_bind_socket_with_handle(m.http, host, (ev_uint16_t)port)) == NULL)
                return err_set(e, RB_UNAVAILABLE, "metrics", _("cannot listen on %s: %s"), addr,
                               strerror(errno));
        write_metrics_addr(bs, host);
        return 0;
}

void metrics_stop(void)
{
        char path[4096];

        if (m.http == NULL)
                return;
        evhttp_free(m.http);
        m.http = NULL;
        m.addr[0] = '\0';
        if (fs_join(path, sizeof(path), m.srv->data, "renbind.metrics") == 0)
                unlink(path);
}
