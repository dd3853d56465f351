/*
 * test_e2e_transport.c - the transport end to end: a real renbind serving
 * mutual TLS on 127.0.0.1 from a temp folder, driven by the real renbin and by
 * a raw TLS client. Covers who a certificate makes you, which peers are
 * refused, what a bad frame costs (its own connection, nobody else's),
 * pipelining, the Hello rule, connection logging, shutdown, key permissions,
 * revocation, the start-up check of the database against the catalogue, and
 * the log line of an op that fails inside the server.
 *
 * One server serves the group (started in the group setup); the tests that
 * stop or break a server use a second data folder of their own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "err.h"
#include "harness.h"
#include "uuid.h"
#include "wire.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <sqlite3.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define UNIT "KEL-BLW1"
#define NPIPE 50

/* What the group shares: one temp folder, one data folder and its server. */
struct fixture {
        char *tmp;
        char *data;
        char *unit_bundle, *hr_bundle, *auditor_bundle;
        char *foreign_bundle; /* issued by another data folder's CA */
        struct h_server srv;
};

static struct fixture fx;

static int group_setup(void **state)
{
        char *other;

        (void)state;
        fx.tmp = h_tmpdir("transport");
        fx.data = h_path(fx.tmp, "data");
        fx.unit_bundle = h_path(fx.tmp, "bundle-unit");
        fx.hr_bundle = h_path(fx.tmp, "bundle-hr");
        fx.auditor_bundle = h_path(fx.tmp, "bundle-auditor");
        fx.foreign_bundle = h_path(fx.tmp, "bundle-foreign");
        h_must_init(fx.data);
        h_must_issue(fx.data, UNIT, "unit", fx.unit_bundle, NULL);
        h_must_issue(fx.data, "BKPSDM", "hr", fx.hr_bundle, NULL);
        h_must_issue(fx.data, "INSPEKTORAT", "auditor", fx.auditor_bundle, NULL);
        other = h_path(fx.tmp, "other-data");
        h_must_init(other);
        h_must_issue(other, UNIT, "unit", fx.foreign_bundle, NULL);
        free(other);
        h_must_start(&fx.srv, fx.data);
        free(h_must_units(&fx.srv, UNIT, "PKM-BLW", NULL));
        return 0;
}

static int group_teardown(void **state)
{
        int rc;

        (void)state;
        rc = h_group_end(&fx.srv, fx.tmp);
        free(fx.tmp);
        free(fx.data);
        free(fx.unit_bundle);
        free(fx.hr_bundle);
        free(fx.auditor_bundle);
        free(fx.foreign_bundle);
        return rc;
}

/* A fresh client home under the temp folder (malloc'd path). */
static char *new_home(const char *name)
{
        return h_path(fx.tmp, name);
}

/* The local port of a connected socket, to find its line in the server log. */
static int local_port(int fd)
{
        struct sockaddr_in sin;
        socklen_t len = sizeof(sin);

        assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
        return ntohs(sin.sin_port);
}

/* Runs `renbin status --json` for home and checks unit, role and reachable. */
static void assert_status(const char *home, const char *unit, const char *role)
{
        struct h_result r;
        json_error_t jerr;
        json_t *j;

        h_renbin(&r, home, "status", "--json", NULL);
        if (r.status != 0)
                fail_msg("renbin status exited %d: %s", r.status, r.err);
        j = json_loads(r.out, 0, &jerr);
        if (j == NULL)
                fail_msg("status --json printed no JSON (%s): %s", jerr.text, r.out);
        assert_string_equal(json_string_value(json_object_get(j, "unit")), unit);
        assert_string_equal(json_string_value(json_object_get(j, "role")), role);
        assert_true(json_is_true(json_object_get(j, "reachable")));
        assert_string_equal(json_string_value(json_object_get(j, "server")), fx.srv.addr);
        json_decref(j);
        h_result_free(&r);
}

/* A unit certificate is the unit KEL-BLW1, role unit. */
static void test_status_unit(void **state)
{
        char *home = new_home("home-unit");

        (void)state;
        h_must_setup(home, fx.srv.addr, fx.unit_bundle);
        assert_status(home, UNIT, "unit");
        free(home);
}

/* hr and auditor bundles get their roles. */
static void test_status_hr_auditor(void **state)
{
        char *hr = new_home("home-hr"), *aud = new_home("home-auditor");

        (void)state;
        h_must_setup(hr, fx.srv.addr, fx.hr_bundle);
        assert_status(hr, "BKPSDM", "hr");
        h_must_setup(aud, fx.srv.addr, fx.auditor_bundle);
        assert_status(aud, "INSPEKTORAT", "auditor");
        free(hr);
        free(aud);
}

/* Copies src to dst with mode. */
static void copy_file(const char *src, const char *dst, mode_t mode)
{
        char *text = h_read_file(src);
        FILE *f;

        assert_non_null(text);
        assert_non_null(f = fopen(dst, "w"));
        fputs(text, f);
        fclose(f);
        chmod(dst, mode);
        free(text);
}

/* Runs renbin setup for a new home with this bundle: it must exit
 * EXIT_DENIED with a reason that says why, on one line, and leave the home
 * as it was (status: not set up, nothing claiming a principal). */
static void assert_denied(const char *home, const char *bundle, const char *why)
{
        struct h_result r;

        h_renbin(&r, home, "setup", "--server", fx.srv.addr, "--bundle", bundle, NULL);
        if (r.status != EXIT_DENIED || strstr(r.err, why) == NULL)
                fail_msg("setup exited %d, not %d\nstderr: %s", r.status, EXIT_DENIED, r.err);
        assert_int_equal(h_count(r.err, "\n"), 1);
        h_result_free(&r);
        h_renbin(&r, home, "status", NULL);
        if (r.status != EXIT_REFUSED || strstr(r.err, "not set up") == NULL)
                fail_msg("status exited %d, not %d\nstdout: %s\nstderr: %s", r.status, EXIT_REFUSED,
                         r.out, r.err);
        assert_null(strstr(r.out, "principal"));
        h_result_free(&r);
}

/* Copies a bundle file from one folder to another. */
static void copy_bundle_file(const char *from, const char *to, const char *name, mode_t mode)
{
        char *src = h_path(from, name), *dst = h_path(to, name);

        copy_file(src, dst, mode);
        free(src);
        free(dst);
}

/* A bundle from another CA is refused, whichever side finds out. */
static void test_foreign_ca_refused(void **state)
{
        static const char failed[] = "principal=none outcome=TLS handshake failed: ";
        char *home = new_home("home-foreign"), *mixed = h_path(fx.tmp, "bundle-mixed");
        int before = h_server_log_count(&fx.srv, failed);
        struct h_tls t;

        (void)state;
        /* The whole foreign bundle: the client does not trust our server. */
        assert_denied(home, fx.foreign_bundle, "does not trust");
        assert_true(h_server_log_wait_n(&fx.srv, failed, before + 1, 5000));

        /* The foreign certificate with our CA: now the server refuses it, which in
         * TLS 1.3 the client learns only on its first read. */
        assert_int_equal(mkdir(mixed, 0700), 0);
        copy_bundle_file(fx.foreign_bundle, mixed, "client.crt", 0644);
        copy_bundle_file(fx.foreign_bundle, mixed, "client.key", 0600);
        copy_bundle_file(fx.unit_bundle, mixed, "ca.crt", 0644);
        free(home);
        home = new_home("home-mixed");
        before = h_server_log_count(&fx.srv, "outcome=TLS handshake failed: certificate verify");
        assert_denied(home, mixed, "refused this office's certificate");
        assert_true(h_server_log_wait_n(
            &fx.srv, "outcome=TLS handshake failed: certificate verify failed", before + 1, 5000));

        /* The same at the protocol level: no answer to Hello but an alert. */
        assert_int_equal(h_tls_connect(&t, fx.srv.port, fx.foreign_bundle, 0), 0);
        assert_int_equal(h_tls_hello(&t), -1);
        assert_int_equal(t.state, H_TLS_CLOSED);
        if (strstr(t.error, "tlsv1 alert") == NULL)
                fail_msg("closed without an alert: %s", t.error);
        h_tls_close(&t);
        assert_true(h_server_log_wait_n(
            &fx.srv, "outcome=TLS handshake failed: certificate verify failed", before + 2, 5000));
        free(home);
        free(mixed);
}

/* No client certificate: refused. */
static void test_no_client_cert_refused(void **state)
{
        struct h_tls t;

        (void)state;
        /* TLS 1.3: our side finishes; the server's alert comes on the first read. */
        assert_int_equal(h_tls_connect(&t, fx.srv.port, NULL, 0), 0);
        assert_int_equal(h_tls_hello(&t), -1);
        assert_int_equal(t.state, H_TLS_CLOSED);
        if (strstr(t.error, "certificate required") == NULL)
                fail_msg("closed, but not for want of a certificate: %s", t.error);
        h_tls_close(&t);
        assert_true(h_server_log_wait(
            &fx.srv, "outcome=TLS handshake failed: peer did not return a certificate", 5000));
}

/* A client that speaks at most TLS 1.2 is refused during the handshake. */
static void test_tls12_refused(void **state)
{
        struct h_tls t;

        (void)state;
        assert_int_equal(h_tls_connect(&t, fx.srv.port, fx.unit_bundle, TLS1_2_VERSION), -1);
        assert_int_equal(t.state, H_TLS_CLOSED);
        assert_non_null(strstr(t.error, "protocol version"));
        h_tls_close(&t);
        assert_true(h_server_log_wait(&fx.srv, "TLS handshake failed: unsupported protocol", 5000));
}

/* Plain TCP is closed without an answer a browser could read. */
static void test_plain_tcp_closed(void **state)
{
        static const char get[] = "GET / HTTP/1.0\r\n\r\n";
        int fd = h_tcp_connect(fx.srv.port);

        (void)state;
        assert_true(fd >= 0);
        assert_int_equal(write(fd, get, sizeof(get) - 1), (ssize_t)(sizeof(get) - 1));
        assert_int_equal(h_fd_wait_closed(fd, 5000), 1);
        close(fd);
        assert_true(h_server_log_wait(&fx.srv, "TLS handshake failed: http request", 5000));
}

/* A connected unit client that has said Hello. */
static void connect_hello(struct h_tls *t)
{
        if (h_tls_connect(t, fx.srv.port, fx.unit_bundle, 0) != 0)
                fail_msg("connect: %s", t->error);
        assert_int_equal(h_tls_hello(t), RENBIN__CODE__OK);
}

/* Sends raw bytes as a bad client, expects one error with id 0 and the close;
 * meanwhile a good client on the same server keeps working. */
static void assert_bad_frame(const void *bytes, size_t len, int code, const char *logged)
{
        struct h_tls bad, good;
        Renbin__Response *resp;

        connect_hello(&good);
        connect_hello(&bad);
        assert_int_equal(h_tls_ping(&bad, "before"), RENBIN__CODE__OK);
        assert_int_equal(h_tls_send(&bad, bytes, len), 0);
        resp = h_tls_recv(&bad, H_RECV_TIMEOUT_MS);
        if (resp == NULL)
                fail_msg("no error response to a bad frame: %s", bad.error);
        assert_int_equal(resp->id, 0);
        assert_non_null(resp->status);
        assert_int_equal(resp->status->code, code);
        assert_int_equal(resp->result_case, RENBIN__RESPONSE__RESULT__NOT_SET);
        renbin__response__free_unpacked(resp, NULL);
        assert_int_equal(h_tls_wait_closed(&bad, 5000), 1);
        h_tls_close(&bad);
        assert_true(h_server_log_wait(&fx.srv, logged, 5000));

        /* The good client was connected all along and is still served. */
        assert_int_equal(h_tls_ping(&good, "still here"), RENBIN__CODE__OK);
        h_tls_close(&good);
        connect_hello(&good);
        assert_int_equal(h_tls_ping(&good, "new one"), RENBIN__CODE__OK);
        h_tls_close(&good);
}

/* A frame whose body is not a Request. */
static void test_garbage_frame(void **state)
{
        static const uint8_t garbage[] = {0, 0, 0, 6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

        (void)state;
        assert_bad_frame(garbage, sizeof(garbage), RENBIN__CODE__INVALID_ARGUMENT,
                         "requests=3 outcome=protocol error: unreadable request");
}

/* A length over the limit: RESOURCE_EXHAUSTED before any allocation. */
static void test_over_limit_frame(void **state)
{
        static const uint8_t big[] = {0x7f, 0xff, 0xff, 0xff, 1, 2, 3};

        (void)state;
        assert_bad_frame(big, sizeof(big), RENBIN__CODE__RESOURCE_EXHAUSTED,
                         "outcome=protocol error: frame length over the limit "
                         "(2147483647 bytes, limit 4194304)");
}

/* A frame of length zero. */
static void test_zero_frame(void **state)
{
        static const uint8_t zero[] = {0, 0, 0, 0};

        (void)state;
        assert_bad_frame(zero, sizeof(zero), RENBIN__CODE__INVALID_ARGUMENT,
                         "outcome=protocol error: frame of length 0");
}

/* Fifty Pings in one write; every answer carries its own request's payload. */
static void test_pipelined_pings(void **state)
{
        uint8_t *all = NULL;
        size_t total = 0;
        char payload[NPIPE][32];
        int seen[NPIPE] = {0};
        struct h_tls t;

        (void)state;
        connect_hello(&t);
        for (int i = 0; i < NPIPE; i++) {
                Renbin__Request req = RENBIN__REQUEST__INIT;
                Renbin__Ping p = RENBIN__PING__INIT;
                size_t len;
                uint8_t *buf;

                snprintf(payload[i], sizeof(payload[i]), "ping %d of %d: %x", i, NPIPE,
                         (unsigned)(i * 2654435761u));
                p.payload.data = (uint8_t *)payload[i];
                p.payload.len = strlen(payload[i]);
                req.id = 1000 + (uint64_t)i;
                req.call_case = RENBIN__REQUEST__CALL_PING;
                req.ping = &p;
                assert_non_null(buf = wire_pack(&req.base, &len));
                assert_non_null(all = realloc(all, total + len));
                memcpy(all + total, buf, len);
                total += len;
                free(buf);
        }
        assert_int_equal(h_tls_send(&t, all, total), 0);
        free(all);
        for (int n = 0; n < NPIPE; n++) {
                Renbin__Response *resp = h_tls_recv(&t, H_RECV_TIMEOUT_MS);
                int i;

                if (resp == NULL)
                        fail_msg("response %d of %d missing: %s", n + 1, NPIPE, t.error);
                assert_in_range(resp->id, 1000, 1000 + NPIPE - 1);
                i = (int)(resp->id - 1000);
                assert_int_equal(seen[i], 0);
                seen[i] = 1;
                assert_int_equal(resp->status ? resp->status->code : 0, RENBIN__CODE__OK);
                assert_int_equal(resp->result_case, RENBIN__RESPONSE__RESULT_PONG);
                assert_int_equal(resp->pong->payload.len, strlen(payload[i]));
                assert_memory_equal(resp->pong->payload.data, payload[i], strlen(payload[i]));
                renbin__response__free_unpacked(resp, NULL);
        }
        /* Nothing more: exactly one answer per request. */
        assert_null(h_tls_recv(&t, 200));
        assert_int_equal(t.state, H_TLS_TIMEOUT);
        h_tls_close(&t);
}

/* A Ping of 3 MiB arrives in many reads and comes back whole. */
static void test_large_ping(void **state)
{
        const size_t size = 3u << 20;
        Renbin__Request req = RENBIN__REQUEST__INIT;
        Renbin__Ping p = RENBIN__PING__INIT;
        Renbin__Response *resp;
        uint8_t *payload = malloc(size);
        struct h_tls t;

        (void)state;
        assert_non_null(payload);
        for (size_t i = 0; i < size; i++)
                payload[i] = (uint8_t)(i * 31 + (i >> 16));
        connect_hello(&t);
        p.payload.data = payload;
        p.payload.len = size;
        req.call_case = RENBIN__REQUEST__CALL_PING;
        req.ping = &p;
        assert_int_equal(h_tls_send_req(&t, &req), 0);
        resp = h_tls_recv(&t, 20000);
        if (resp == NULL)
                fail_msg("no Pong for 3 MiB: %s", t.error);
        assert_int_equal(resp->id, req.id);
        assert_int_equal(resp->result_case, RENBIN__RESPONSE__RESULT_PONG);
        assert_int_equal(resp->pong->payload.len, size);
        assert_memory_equal(resp->pong->payload.data, payload, size);
        renbin__response__free_unpacked(resp, NULL);
        assert_int_equal(h_tls_ping(&t, "after"), RENBIN__CODE__OK);
        h_tls_close(&t);
        free(payload);
}

/* Ping before Hello is FAILED_PRECONDITION; the connection stays usable. */
static void test_ping_before_hello(void **state)
{
        struct h_tls t;

        (void)state;
        assert_int_equal(h_tls_connect(&t, fx.srv.port, fx.unit_bundle, 0), 0);
        assert_int_equal(h_tls_ping(&t, "too early"), RENBIN__CODE__FAILED_PRECONDITION);
        assert_int_equal(h_tls_hello(&t), RENBIN__CODE__OK);
        assert_int_equal(h_tls_ping(&t, "now"), RENBIN__CODE__OK);
        h_tls_close(&t);
}

/* Hello names the principal and the limits. */
static void test_hello_reply(void **state)
{
        Renbin__Request req = RENBIN__REQUEST__INIT;
        Renbin__Hello h = RENBIN__HELLO__INIT;
        Renbin__Response *resp;
        struct h_tls t;

        (void)state;
        assert_int_equal(h_tls_connect(&t, fx.srv.port, fx.hr_bundle, 0), 0);
        h.protocol_version = PROTOCOL_VERSION;
        req.id = 7;
        req.call_case = RENBIN__REQUEST__CALL_HELLO;
        req.hello = &h;
        assert_int_equal(h_tls_send_req(&t, &req), 0);
        assert_non_null(resp = h_tls_recv(&t, H_RECV_TIMEOUT_MS));
        assert_int_equal(resp->id, 7);
        assert_int_equal(resp->result_case, RENBIN__RESPONSE__RESULT_HELLO);
        assert_string_equal(resp->hello->unit, "BKPSDM");
        assert_string_equal(resp->hello->role, "hr");
        assert_int_equal(resp->hello->protocol_version, PROTOCOL_VERSION);
        assert_int_equal(resp->hello->max_frame, FRAME_DEFAULT_MAX);
        renbin__response__free_unpacked(resp, NULL);

        /* Another protocol version is refused, by name of the field. */
        h.protocol_version = PROTOCOL_VERSION + 1;
        req.id = 8;
        assert_int_equal(h_tls_send_req(&t, &req), 0);
        assert_non_null(resp = h_tls_recv(&t, H_RECV_TIMEOUT_MS));
        assert_int_equal(resp->id, 8);
        assert_int_equal(resp->status->code, RENBIN__CODE__FAILED_PRECONDITION);
        assert_string_equal(resp->status->field, "protocol_version");
        renbin__response__free_unpacked(resp, NULL);
        h_tls_close(&t);
}

/* One log line per connection, with peer, principal, requests and outcome. */
static void test_connection_log_line(void **state)
{
        struct h_tls t;
        char *line, *log;
        int port;

        (void)state;
        connect_hello(&t);
        port = local_port(t.fd);
        assert_int_equal(h_tls_ping(&t, "a"), RENBIN__CODE__OK);
        assert_int_equal(h_tls_ping(&t, "b"), RENBIN__CODE__OK);
        h_tls_close(&t);
        line = h_strf("peer=127.0.0.1:%d unit=" UNIT " role=unit requests=3 "
                      "outcome=closed by peer\n",
                      port);
        assert_true(h_server_log_wait(&fx.srv, line, 5000));
        free(line);
        line = h_strf("peer=127.0.0.1:%d ", port);
        log = h_server_log(&fx.srv);
        assert_int_equal(h_count(log, line), 1);
        free(log);
        free(line);
}

/* A revoked certificate is refused; before revocation it was served. */
static void test_revoked_refused(void **state)
{
        char *bundle = h_path(fx.tmp, "bundle-revoked"), *home = new_home("home-revoked");
        char serial[64];
        struct h_result r;
        struct h_tls t;
        Renbin__Response *resp;

        (void)state;
        h_must_issue(fx.data, "PKM-BLW", "unit", bundle, serial);
        h_must_setup(home, fx.srv.addr, bundle);
        assert_status(home, "PKM-BLW", "unit");
        h_renbind(&r, "cert", "list", "--data", fx.data, NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, serial));
        h_result_free(&r);

        h_must_revoke(fx.data, serial);
        h_renbind(&r, "cert", "revoke", "--data", fx.data, "--serial", serial, NULL);
        assert_int_equal(r.status, EXIT_NOT_FOUND);
        h_result_free(&r);

        /* The raw client: an UNAUTHENTICATED answer, then the close. */
        assert_int_equal(h_tls_connect(&t, fx.srv.port, bundle, 0), 0);
        h_tls_hello(&t);
        assert_int_equal(h_tls_wait_closed(&t, 5000), 1);
        h_tls_close(&t);
        assert_int_equal(h_tls_connect(&t, fx.srv.port, bundle, 0), 0);
        resp = h_tls_recv(&t, H_RECV_TIMEOUT_MS);
        if (resp == NULL)
                fail_msg("no answer for a revoked certificate: %s", t.error);
        assert_int_equal(resp->id, 0);
        assert_int_equal(resp->status->code, RENBIN__CODE__UNAUTHENTICATED);
        assert_non_null(strstr(resp->status->message, "revoked"));
        renbin__response__free_unpacked(resp, NULL);
        assert_int_equal(h_tls_wait_closed(&t, 5000), 1);
        h_tls_close(&t);
        assert_true(h_server_log_wait(&fx.srv,
                                      "unit=PKM-BLW role=unit requests=0 "
                                      "outcome=refused: certificate revoked",
                                      5000));

        /* renbin says so, with the exit status for "not allowed". */
        h_renbin(&r, home, "status", NULL);
        if (r.status != EXIT_DENIED || strstr(r.err, "revoked") == NULL)
                fail_msg("status exited %d, not %d\nstdout: %s\nstderr: %s", r.status, EXIT_DENIED,
                         r.out, r.err);
        h_result_free(&r);
        free(bundle);
        free(home);
}

/* True if cert list's output shows serial with a REVOKED date (its 6th column). */
static int listed_revoked(const char *out, const char *serial)
{
        const char *at = strstr(out, serial);
        char line[256], *tok, *save = NULL;
        int n = 0;

        if (at == NULL)
                fail_msg("cert list has no %s:\n%s", serial, out);
        snprintf(line, sizeof(line), "%.*s", (int)strcspn(at, "\n"), at);
        for (tok = strtok_r(line, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save))
                n++;
        return n == 6;
}

/* cert revoke with the database locked by another process: it says the
 * database is busy and exits 8, never "no unrevoked certificate", and the
 * certificate stays valid until a revoke that gets through. The revoke waits
 * for the busy timeout (5 s, db_open) before it gives up. */
static void test_revoke_busy(void **state)
{
        char *bundle = h_path(fx.tmp, "bundle-busy"), *path = h_path(fx.data, "renbin.db");
        char serial[64];
        struct h_result r;
        sqlite3 *db = NULL;

        (void)state;
        h_must_issue(fx.data, "PKM-BUSY", "unit", bundle, serial);
        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db,
                                      "BEGIN IMMEDIATE; UPDATE certs SET unit = unit"
                                      " WHERE serial = 'none'",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        h_renbind(&r, "cert", "revoke", "--data", fx.data, "--serial", serial, NULL);
        if (r.status != EXIT_BUSY || strstr(r.err, "busy") == NULL ||
            strstr(r.err, "no unrevoked") != NULL)
                fail_msg("revoke on a locked database exited %d, not %d\nstderr: %s", r.status,
                         EXIT_BUSY, r.err);
        h_result_free(&r);
        assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);

        h_renbind(&r, "cert", "list", "--data", fx.data, NULL);
        assert_int_equal(r.status, 0);
        assert_false(listed_revoked(r.out, serial));
        h_result_free(&r);
        h_must_revoke(fx.data, serial);
        h_renbind(&r, "cert", "list", "--data", fx.data, NULL);
        assert_int_equal(r.status, 0);
        assert_true(listed_revoked(r.out, serial));
        h_result_free(&r);
        free(bundle);
        free(path);
}

/* SIGTERM with a client connected: exit 0, the client is closed. */
static void test_sigterm_clean(void **state)
{
        char *data = h_path(fx.tmp, "data-term"), *bundle = h_path(fx.tmp, "bundle-term");
        struct h_server s;
        struct h_tls t;

        (void)state;
        h_must_init(data);
        h_must_issue(data, UNIT, "unit", bundle, NULL);
        h_must_start(&s, data);
        free(h_must_units(&s, UNIT, NULL));
        assert_int_equal(h_tls_connect(&t, s.port, bundle, 0), 0);
        assert_int_equal(h_tls_hello(&t), RENBIN__CODE__OK);
        assert_int_equal(h_server_stop(&s), 0);
        assert_int_equal(h_tls_wait_closed(&t, 5000), 1);
        h_tls_close(&t);
        assert_true(h_server_log_wait(&s,
                                      "unit=" UNIT " role=unit requests=1 "
                                      "outcome=server shutdown",
                                      1000));
        assert_true(h_server_log_wait(&s, "stopped (", 1000));
        h_server_free(&s);
        free(data);
        free(bundle);
}

/* A server key that others can read: serve refuses to start and names the key. */
static void test_key_mode_refused(void **state)
{
        char *data = h_path(fx.tmp, "data-key"), *key;
        struct h_server s;
        char *log;
        int st = 0;

        (void)state;
        h_must_init(data);
        key = h_path(data, "server.key");
        assert_int_equal(chmod(key, 0644), 0);
        if (h_server_start(&s, data, NULL, &st) == 0) {
                h_server_stop(&s);
                fail_msg("renbind served with a server.key of mode 644");
        }
        assert_int_equal(st, EXIT_REFUSED);
        log = h_server_log(&s);
        assert_non_null(log);
        assert_non_null(strstr(log, key));
        assert_non_null(strstr(log, "mode 644"));
        free(log);

        /* And with the mode fixed, it serves. */
        assert_int_equal(chmod(key, 0600), 0);
        h_server_free(&s);
        h_must_start(&s, data);
        assert_int_equal(h_server_stop(&s), 0);
        h_server_free(&s);
        free(key);
        free(data);
}

/* A database that lacks a column the catalogue names: serve refuses to start
 * (exit 5) with one line naming the entity and the column. */
static void test_missing_column_refused(void **state)
{
        char *data = h_path(fx.tmp, "data-column"), *db_path;
        struct h_server s;
        sqlite3 *db;
        char *log;
        int st = 0;

        (void)state;
        h_must_init(data);
        db_path = h_path(data, "renbin.db");
        assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db, "ALTER TABLE forums DROP COLUMN input", NULL, NULL, NULL),
                         SQLITE_OK);
        sqlite3_close(db);
        if (h_server_start(&s, data, NULL, &st) == 0) {
                h_server_stop(&s);
                fail_msg("renbind served a database without forums.input");
        }
        assert_int_equal(st, EXIT_REFUSED);
        log = h_server_log(&s);
        assert_non_null(log);
        assert_string_equal(log, "renbind: the database lacks column forums.input of entity forum"
                                 " (the catalogue names it; add a migration)\n");
        free(log);
        h_server_free(&s);
        free(db_path);
        free(data);
}

/* Pushes one competency create as hr and returns the op's result code; its
 * op id goes to op_id. */
static int push_competency(struct h_tls *t, char op_id[UUID_STR])
{
        static const char *const kv[3][2] = {
            {"code", "K-BOOM"}, {"name", "Kompetensi uji"}, {"type", "teknis"}};
        Renbin__Response *resp;
        int code;

        op_id[0] = '\0';
        resp = h_tls_push(t, "competency", NULL, "create", kv, 3, op_id);
        assert_int_equal(resp->result_case, RENBIN__RESPONSE__RESULT_PUSH);
        assert_int_equal(resp->push->n_results, 1);
        code = (int)resp->push->results[0]->status->code;
        renbin__response__free_unpacked(resp, NULL);
        return code;
}

/* An op that fails inside the server (here: a trigger on a table that does
 * not exist) is answered INTERNAL, and the server logs the op id, entity,
 * action and SQLite's message. */
static void test_internal_op_logged(void **state)
{
        char *data = h_path(fx.tmp, "data-internal"), *bundle = h_path(fx.tmp, "bundle-internal");
        char *db_path = h_path(data, "renbin.db"), *line, op_id[UUID_STR];
        struct h_server s;
        struct h_tls t;
        sqlite3 *db;

        (void)state;
        h_must_init(data);
        h_must_issue(data, "BKPSDM", "hr", bundle, NULL);
        assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db,
                                      "CREATE TRIGGER boom BEFORE INSERT ON competencies"
                                      " BEGIN INSERT INTO nowhere VALUES(1); END",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        sqlite3_close(db);
        h_must_start(&s, data);
        if (h_tls_connect(&t, s.port, bundle, 0) != 0)
                fail_msg("connect: %s", t.error);
        assert_int_equal(h_tls_hello(&t), RENBIN__CODE__OK);
        assert_int_equal(push_competency(&t, op_id), RENBIN__CODE__INTERNAL);
        h_tls_close(&t);
        line = h_strf("op %s: competency create failed: ", op_id);
        assert_true(h_server_log_wait(&s, line, 5000));
        assert_true(h_server_log_wait(&s, "no such table: main.nowhere", 1000));
        assert_int_equal(h_server_stop(&s), 0);
        h_server_free(&s);
        free(line);
        free(db_path);
        free(bundle);
        free(data);
}

/* The limits: connections over --max-conns are closed at once; a handshake, a
 * started frame and an idle connection each get cut at their deadline. */
static void test_limits_and_timeouts(void **state)
{
        static const char *const opts[] = {"--max-conns=2", "--handshake-timeout=1",
                                           "--frame-timeout=1", "--idle-timeout=3", NULL};
        static const uint8_t half_header[] = {0, 0};
        char *data = h_path(fx.tmp, "data-limits"), *bundle = h_path(fx.tmp, "bundle-limits");
        struct h_server s;
        struct h_tls a, b;
        int fd, st;

        (void)state;
        h_must_init(data);
        h_must_issue(data, UNIT, "unit", bundle, NULL);
        if (h_server_start(&s, data, opts, &st) != 0)
                fail_msg("renbind with limits did not start (exit %d)", st);
        free(h_must_units(&s, UNIT, NULL));

        /* Two connections are the limit: a third is closed without a handshake. */
        assert_int_equal(h_tls_connect(&a, s.port, bundle, 0), 0);
        assert_int_equal(h_tls_hello(&a), RENBIN__CODE__OK);
        assert_int_equal(h_tls_connect(&b, s.port, bundle, 0), 0);
        assert_int_equal(h_tls_hello(&b), RENBIN__CODE__OK);
        assert_true((fd = h_tcp_connect(s.port)) >= 0);
        assert_int_equal(h_fd_wait_closed(fd, 2000), 1);
        close(fd);
        assert_true(h_server_log_wait(&s, "outcome=refused: 2 connections open (limit)", 2000));

        /* a: half a frame header, then nothing: cut by the frame timeout (1 s).
         * b: nothing after Hello: cut by the idle timeout (3 s).
         * Then, with a's place free, TCP without a handshake (1 s). */
        assert_int_equal(h_tls_send(&a, half_header, sizeof(half_header)), 0);
        assert_int_equal(h_tls_wait_closed(&a, 4000), 1);
        assert_true(h_server_log_wait(&s, "requests=1 outcome=partial frame timeout", 2000));
        assert_true((fd = h_tcp_connect(s.port)) >= 0);
        assert_int_equal(h_fd_wait_closed(fd, 4000), 1);
        close(fd);
        assert_true(h_server_log_wait(&s, "principal=none outcome=handshake timeout", 2000));
        assert_int_equal(h_tls_wait_closed(&b, 6000), 1);
        assert_true(h_server_log_wait(&s, "requests=1 outcome=idle timeout", 2000));
        h_tls_close(&a);
        h_tls_close(&b);
        assert_int_equal(h_server_stop(&s), 0);
        h_server_free(&s);
        free(data);
        free(bundle);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_status_unit),
            cmocka_unit_test(test_status_hr_auditor),
            cmocka_unit_test(test_hello_reply),
            cmocka_unit_test(test_foreign_ca_refused),
            cmocka_unit_test(test_no_client_cert_refused),
            cmocka_unit_test(test_tls12_refused),
            cmocka_unit_test(test_plain_tcp_closed),
            cmocka_unit_test(test_garbage_frame),
            cmocka_unit_test(test_over_limit_frame),
            cmocka_unit_test(test_zero_frame),
            cmocka_unit_test(test_pipelined_pings),
            cmocka_unit_test(test_large_ping),
            cmocka_unit_test(test_ping_before_hello),
            cmocka_unit_test(test_connection_log_line),
            cmocka_unit_test(test_revoked_refused),
            cmocka_unit_test(test_revoke_busy),
            cmocka_unit_test(test_sigterm_clean),
            cmocka_unit_test(test_key_mode_refused),
            cmocka_unit_test(test_missing_column_refused),
            cmocka_unit_test(test_internal_op_logged),
            cmocka_unit_test(test_limits_and_timeouts),
        };

        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
