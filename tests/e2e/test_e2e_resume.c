/*
 * test_e2e_resume.c - TLS session resumption end to end (decision 154): a
 * real renbind issuing session tickets, the real renbin keeping its session
 * in the home. What resumed is read from the server's own count of
 * handshakes (renbind_handshakes_total on its metrics page), never guessed
 * from timing.
 *
 * Covers: a second command resumes and leaves the saved session as it was;
 * one in its session's last quarter resumes and keeps a renewed ticket;
 * a certificate revoked after its office saved a session is refused on the
 * resumed connection with today's error, and so is the office of a unit
 * deactivated since; a ticket only for a Hello that asks (decision 155);
 * the saved session holds no server certificate, and a resumed command
 * reports the server certificate's expiry as a full one does (decision
 * 173); a corrupt or foreign session file
 * is ignored for a full handshake (which saves a good one); a restarted
 * server (new ticket keys) refuses the old ticket and the command still
 * works; a server at the same address with an office's certificate (a
 * machine that took the server's place) is refused though the office
 * holds a session, which it cannot resume. The restarts come last: the
 * group's server is replaced by them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "err.h"
#include "harness.h"
#include "wire.h"

#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define UNIT_A "KEL-RSM1"
#define UNIT_B "KEL-RSM2"
#define UNIT_OFF "KEL-RSM3" /* deactivated by its test */
#define SESSION_HEAD "renbin-session 2\n"

struct fixture {
        char *tmp, *data;
        char *bundle_a, *bundle_b, *bundle_off;
        char *hr; /* the hr seat that registers the units */
        struct h_server srv;
};

static struct fixture fx;

static const char *const metrics_args[] = {"--metrics", "127.0.0.1:0", NULL};

static int group_setup(void **state)
{
        (void)state;
        fx.tmp = h_tmpdir("resume");
        fx.data = h_path(fx.tmp, "data");
        fx.bundle_a = h_path(fx.tmp, "bundle-a");
        fx.bundle_b = h_path(fx.tmp, "bundle-b");
        fx.bundle_off = h_path(fx.tmp, "bundle-off");
        h_must_init(fx.data);
        h_must_issue(fx.data, UNIT_OFF, "unit", fx.bundle_off, NULL);
        h_must_issue(fx.data, UNIT_A, "unit", fx.bundle_a, NULL);
        h_must_issue(fx.data, UNIT_B, "unit", fx.bundle_b, NULL);
        assert_int_equal(h_server_start(&fx.srv, fx.data, metrics_args, NULL), 0);
        fx.hr = h_must_units(&fx.srv, UNIT_A, UNIT_B, UNIT_OFF, NULL);
        return 0;
}

static int group_teardown(void **state)
{
        int rc;

        (void)state;
        rc = h_group_end(&fx.srv, fx.tmp);
        free(fx.tmp);
        free(fx.data);
        free(fx.bundle_a);
        free(fx.bundle_b);
        free(fx.bundle_off);
        free(fx.hr);
        return rc;
}

/* The server's handshakes so far: full and resumed. */
struct counts {
        long long full, resumed;
};

static struct counts handshakes(void)
{
        struct counts c = {h_metric(&fx.srv, "renbind_handshakes_total{kind=\"full\"}"),
                           h_metric(&fx.srv, "renbind_handshakes_total{kind=\"resumed\"}")};

        return c;
}

/* Runs `renbin status` for home with the client's clock shift seconds on
 * (RENBIN_TEST_NOW, common/clock.c), which must succeed, and checks how the
 * server saw its one handshake: resumed (1) or full (0). */
static void status_at(const char *home, long long shift, int resumed)
{
        char *now = h_strf("RENBIN_TEST_NOW=%lld", (long long)time(NULL) + shift);
        const char *env[] = {now, NULL};
        const char *argv[] = {h_renbin_bin(), "--home", home, "status", NULL};
        struct counts before = handshakes(), after;
        struct h_result r;

        h_run_env(&r, shift != 0 ? env : NULL, argv);
        free(now);
        if (r.status != 0)
                fail_msg("renbin status exited %d: %s", r.status, r.err);
        assert_null(strstr(r.err, "warning"));
        h_result_free(&r);
        after = handshakes();
        assert_int_equal(after.full - before.full, resumed ? 0 : 1);
        assert_int_equal(after.resumed - before.resumed, resumed ? 1 : 0);
}

/* status_at without moving the clock. */
static void status_handshake(const char *home, int resumed)
{
        status_at(home, 0, resumed);
}

/* A new office home set up with bundle (malloc'd path). */
static char *office(const char *name, const char *bundle)
{
        char *home = h_path(fx.tmp, name), *trial = h_path(home, ".setup-new");
        struct stat st;

        h_must_setup(home, fx.srv.addr, bundle);
        /* setup's trial connection, session and all, leaves nothing behind. */
        assert_int_not_equal(stat(trial, &st), 0);
        free(trial);
        return home;
}

/* The home's saved session file (malloc'd contents; NULL when none). */
static char *session_of(const char *home)
{
        char *path = h_path(home, "tls-session"), *text = h_read_file(path);

        free(path);
        return text;
}

/* The first command makes a full handshake and saves its session (0600);
 * the next resumes it and leaves the file as it was. */
static void test_second_resumes(void **state)
{
        char *home = office("home-second", fx.bundle_a), *path = h_path(home, "tls-session");
        char *first, *second;
        struct stat st;

        (void)state;
        status_handshake(home, 0);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        assert_non_null(first = session_of(home));
        assert_int_equal(strncmp(first, SESSION_HEAD, strlen(SESSION_HEAD)), 0);
        status_handshake(home, 1);
        status_handshake(home, 1);
        assert_non_null(second = session_of(home));
        assert_string_equal(first, second);
        free(first);
        free(second);
        free(path);
        free(home);
}

/* A session resumed in the last quarter of its life (TLS_TICKET_SECS, an
 * hour) asks for a new ticket and keeps it: 50 minutes on, the status
 * resumes and the saved session is a new one; the next command resumes with
 * that one and leaves it as it is. Past the new session's end, the command
 * makes a full handshake and saves a session again. */
static void test_renewed_near_end(void **state)
{
        char *home = office("home-renew", fx.bundle_b), *first, *renewed, *kept, *last;

        (void)state;
        status_handshake(home, 0);
        assert_non_null(first = session_of(home));
        status_at(home, 50 * 60, 1);
        assert_non_null(renewed = session_of(home));
        assert_string_not_equal(first, renewed);
        status_handshake(home, 1);
        assert_non_null(kept = session_of(home));
        assert_string_equal(renewed, kept);
        status_at(home, 61 * 60, 0);
        assert_non_null(last = session_of(home));
        assert_string_not_equal(kept, last);
        free(first);
        free(renewed);
        free(kept);
        free(last);
        free(home);
}

/* What `renbin status --json` says of the server certificate's expiry
 * (malloc'd), after checking the handshake was resumed or not. */
static char *server_expiry(const char *home, int resumed)
{
        struct counts before = handshakes(), after;
        struct h_result r;
        const char *at, *key = "\"server_certificate_expires\": ";
        char *v;

        h_renbin(&r, home, "status", "--json", NULL);
        assert_int_equal(r.status, 0);
        after = handshakes();
        assert_int_equal(after.resumed - before.resumed, resumed ? 1 : 0);
        assert_non_null(at = strstr(r.out, key));
        at += strlen(key);
        v = h_strf("%.*s", (int)strcspn(at, ",\n}"), at);
        h_result_free(&r);
        return v;
}

/* The saved session leaves the server's certificate out (decision 173):
 * it decodes, it is resumable, it has no peer; the certificate's expiry
 * travels in the header, so a resumed status reports the date a full one
 * read from the certificate. */
static void test_session_without_server_cert(void **state)
{
        char *home = office("home-nocert", fx.bundle_a), *text, *full, *resumed;
        const char *pem;
        SSL_SESSION *s;
        BIO *b;

        (void)state;
        full = server_expiry(home, 0);
        assert_non_null(strstr(full, "\"20"));
        assert_non_null(text = session_of(home));
        assert_non_null(strstr(text, "server-not-after "));
        assert_non_null(pem = strstr(text, "-----BEGIN SSL SESSION PARAMETERS-----"));
        assert_non_null(b = BIO_new_mem_buf(pem, -1));
        assert_non_null(s = PEM_read_bio_SSL_SESSION(b, NULL, NULL, NULL));
        assert_int_equal(SSL_SESSION_is_resumable(s), 1);
        assert_null(SSL_SESSION_get0_peer(s));
        SSL_SESSION_free(s);
        BIO_free(b);
        resumed = server_expiry(home, 1);
        assert_string_equal(full, resumed);
        free(resumed);
        free(full);
        free(text);
        free(home);
}

/* A certificate revoked after its office saved a session: the resumed
 * connection is refused as a full one is, with the same error. */
static void test_revoked_on_resumption(void **state)
{
        char *bundle = h_path(fx.tmp, "bundle-revoked"), *home;
        struct counts before, after;
        struct h_result r;
        char serial[64];

        (void)state;
        h_must_issue(fx.data, UNIT_A, "unit", bundle, serial);
        home = office("home-revoked", bundle);
        status_handshake(home, 0);
        status_handshake(home, 1);
        h_must_revoke(fx.data, serial);
        before = handshakes();
        h_renbin(&r, home, "status", NULL);
        if (r.status != EXIT_DENIED || strstr(r.err, "revoked") == NULL)
                fail_msg("status exited %d, not %d\nstderr: %s", r.status, EXIT_DENIED, r.err);
        h_result_free(&r);
        after = handshakes();
        assert_int_equal(after.resumed - before.resumed, 1);
        assert_int_equal(after.full - before.full, 0);
        assert_true(h_server_log_wait(&fx.srv,
                                      "unit=" UNIT_A " role=unit requests=0 "
                                      "outcome=refused: certificate revoked",
                                      5000));
        free(bundle);
        free(home);
}

/* A unit deactivated after its office saved a session: the resumed
 * connection is locked out as a full one is (decision 24). */
static void test_unit_off_on_resumption(void **state)
{
        char *home = office("home-off", fx.bundle_off);
        struct counts before, after;
        struct h_result r;

        (void)state;
        status_handshake(home, 0);
        status_handshake(home, 1);
        h_renbin(&r, fx.hr, "unit", "deactivate", UNIT_OFF, NULL);
        assert_int_equal(r.status, 0);
        h_result_free(&r);
        before = handshakes();
        h_renbin(&r, home, "status", NULL);
        if (r.status != EXIT_DENIED || strstr(r.err, "deactivated") == NULL)
                fail_msg("status exited %d, not %d\nstderr: %s", r.status, EXIT_DENIED, r.err);
        h_result_free(&r);
        after = handshakes();
        assert_int_equal(after.resumed - before.resumed, 1);
        assert_int_equal(after.full - before.full, 0);
        free(home);
}

/* Writes text over home's session file. */
static void put_session(const char *home, const char *text)
{
        char *path = h_path(home, "tls-session");
        FILE *f = fopen(path, "w");

        assert_non_null(f);
        assert_int_equal(fputs(text, f) >= 0, 1);
        assert_int_equal(fclose(f), 0);
        free(path);
}

/* A corrupt session file, a truncated one and another office's are ignored:
 * a full handshake follows, as this office (never the other), and a good
 * session is saved in their place. */
static void test_bad_session_ignored(void **state)
{
        char *home = office("home-bad", fx.bundle_a), *other = office("home-other", fx.bundle_b);
        char *mine, *theirs, *cut, *now;
        struct h_result r;

        (void)state;
        status_handshake(home, 0);
        status_handshake(other, 0);
        assert_non_null(mine = session_of(home));
        assert_non_null(theirs = session_of(other));

        put_session(home, "not a session\n");
        status_handshake(home, 0);
        status_handshake(home, 1);

        cut = h_strf("%.*s", (int)(strlen(mine) - 40), mine);
        put_session(home, cut);
        status_handshake(home, 0);
        status_handshake(home, 1);

        /* The other office's session names its bundle, not this one's. */
        put_session(home, theirs);
        status_handshake(home, 0);
        h_renbin(&r, home, "status", "--json", NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "\"unit\": \"" UNIT_A "\""));
        h_result_free(&r);
        assert_non_null(now = session_of(home));
        assert_string_not_equal(now, theirs);
        free(now);
        free(cut);
        free(mine);
        free(theirs);
        free(home);
        free(other);
}

/* Copies the text file from (a PEM) over to, which must work. */
static void must_copy(const char *from, const char *to)
{
        char *text = h_read_file(from);
        FILE *f = fopen(to, "w");

        assert_non_null(text);
        assert_non_null(f);
        assert_int_equal(fputs(text, f) >= 0, 1);
        assert_int_equal(fclose(f), 0);
        free(text);
}

/* A server that is not the one the office's session was made with, at the
 * same address, presenting another office's certificate (issued by the
 * same CA): the ticket cannot be resumed there, the full handshake refuses
 * the certificate (exit 6), and the saved session stays as it was. Then
 * the real server comes back and the session resumes again. */
static void test_impostor_refused(void **state)
{
        char *home = office("home-impostor", fx.bundle_a),
             *port = h_strf("127.0.0.1:%d", fx.srv.port);
        const char *const args[] = {"--metrics", "127.0.0.1:0", "--listen", port, NULL};
        char *crt = h_path(fx.data, "server.crt"), *key = h_path(fx.data, "server.key");
        char *crt_real = h_strf("%s.real", crt), *key_real = h_strf("%s.real", key);
        char *office_crt = h_path(fx.bundle_b, "client.crt");
        char *office_key = h_path(fx.bundle_b, "client.key");
        char *before, *after;
        struct h_result r;

        (void)state;
        status_handshake(home, 0);
        status_handshake(home, 1);
        assert_non_null(before = session_of(home));
        assert_int_equal(h_server_stop(&fx.srv), 0);
        h_server_free(&fx.srv);
        must_copy(crt, crt_real);
        must_copy(key, key_real);
        must_copy(office_crt, crt);
        must_copy(office_key, key);
        assert_int_equal(h_server_start(&fx.srv, fx.data, args, NULL), 0);
        h_renbin(&r, home, "status", NULL);
        assert_int_equal(r.status, 6);
        assert_non_null(strstr(r.err, "does not trust"));
        h_result_free(&r);
        assert_non_null(after = session_of(home));
        assert_string_equal(before, after);

        assert_int_equal(h_server_stop(&fx.srv), 0);
        h_server_free(&fx.srv);
        must_copy(crt_real, crt);
        must_copy(key_real, key);
        assert_int_equal(h_server_start(&fx.srv, fx.data, args, NULL), 0);
        status_handshake(home, 0); /* new ticket keys: a full handshake */
        status_handshake(home, 1);
        free(before);
        free(after);
        free(office_crt);
        free(office_key);
        free(crt_real);
        free(key_real);
        free(crt);
        free(key);
        free(port);
        free(home);
}

/* After a restart (new ticket keys) the saved ticket is refused, the
 * command still works on a full handshake, and the next one resumes. */
static void test_server_restart(void **state)
{
        char *home = office("home-restart", fx.bundle_a),
             *port = h_strf("127.0.0.1:%d", fx.srv.port);
        const char *const args[] = {"--metrics", "127.0.0.1:0", "--listen", port, NULL};
        char *before, *after;

        (void)state;
        status_handshake(home, 0);
        assert_non_null(before = session_of(home));
        assert_int_equal(h_server_stop(&fx.srv), 0);
        h_server_free(&fx.srv);
        assert_int_equal(h_server_start(&fx.srv, fx.data, args, NULL), 0);
        assert_string_equal(fx.srv.addr, port);
        status_handshake(home, 0);
        assert_non_null(after = session_of(home));
        assert_string_not_equal(before, after);
        status_handshake(home, 1);
        free(before);
        free(after);
        free(port);
        free(home);
}

/* A ticket only for a Hello that asks (decision 155): a client that does
 * not ask holds no ticket after its calls; one that asks holds one before
 * the Hello reply is read to its end, and can resume from it. */
static void test_ticket_only_when_asked(void **state)
{
        Renbin__Request req = RENBIN__REQUEST__INIT;
        Renbin__Hello h = RENBIN__HELLO__INIT;
        Renbin__Response *resp;
        struct h_tls t;

        (void)state;
        assert_int_equal(h_tls_connect(&t, fx.srv.port, fx.bundle_a, 0), 0);
        assert_int_equal(h_tls_hello(&t), 0);
        assert_int_equal(h_tls_ping(&t, "no ticket"), 0);
        assert_int_equal(SSL_SESSION_has_ticket(SSL_get_session(t.ssl)), 0);
        h_tls_close(&t);

        assert_int_equal(h_tls_connect(&t, fx.srv.port, fx.bundle_a, 0), 0);
        h.protocol_version = PROTOCOL_VERSION;
        h.client_version = "harness";
        h.want_ticket = 1;
        req.id = 1;
        req.call_case = RENBIN__REQUEST__CALL_HELLO;
        req.hello = &h;
        assert_int_equal(h_tls_send_req(&t, &req), 0);
        assert_non_null(resp = h_tls_recv(&t, 5000));
        assert_int_equal(resp->result_case, RENBIN__RESPONSE__RESULT_HELLO);
        renbin__response__free_unpacked(resp, NULL);
        assert_int_equal(SSL_SESSION_has_ticket(SSL_get_session(t.ssl)), 1);
        assert_int_equal(SSL_SESSION_is_resumable(SSL_get_session(t.ssl)), 1);
        h_tls_close(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_second_resumes),
            cmocka_unit_test(test_renewed_near_end),
            cmocka_unit_test(test_session_without_server_cert),
            cmocka_unit_test(test_revoked_on_resumption),
            cmocka_unit_test(test_unit_off_on_resumption),
            cmocka_unit_test(test_bad_session_ignored),
            cmocka_unit_test(test_server_restart),
            cmocka_unit_test(test_ticket_only_when_asked),
            cmocka_unit_test(test_impostor_refused),
        };

        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
