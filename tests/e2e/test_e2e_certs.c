/*
 * test_e2e_certs.c - certificates that renew, and upgrades: the expiry
 * warnings of renbin status and sync under a shifted clock, a renewed bundle
 * (the old one refused after its grace), a reissued server certificate that
 * keeps an office working, cert revoke by unit and by serial prefix, the
 * message of an expired office certificate, and the backup written before a
 * migration (and migrate --dry-run).
 *
 * The clock is shifted with RENBIN_TEST_NOW (unix seconds, common/clock.c):
 * only the expiry checks read it. TLS verification keeps the real time, so a
 * grace that has ended is tested with --grace 0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "db.h"
#include "err.h"
#include "harness.h"
#include "tls.h"

#include <openssl/bn.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DAY 86400LL

struct fixture {
        char *tmp, *data;
        struct h_server srv;
        char *hr;
        char *old; /* K02's first bundle, renewed with a grace of 14 days */
};

static struct fixture fx;

static int group_setup(void **state)
{
        (void)state;
        fx.tmp = h_tmpdir("certs");
        fx.data = h_path(fx.tmp, "data");
        h_must_init(fx.data);
        h_must_start(&fx.srv, fx.data);
        fx.hr = h_must_units(&fx.srv, "K01", "K02", "K03", "K04", NULL);
        return 0;
}

static int group_teardown(void **state)
{
        (void)state;
        free(fx.hr);
        free(fx.old);
        free(fx.data);
        return h_group_end(&fx.srv, fx.tmp);
}

/* A new bundle for unit (extra: more cert issue options, or NULL) installed in
 * a new home; the home's path (free it). */
static char *office(const char *unit, const char *tag, const char *days)
{
        char *bundle = h_strf("%s/b-%s", fx.tmp, tag), *home = h_path(fx.tmp, tag);
        struct h_result r;

        h_renbind(&r, "cert", "issue", "--data", fx.data, "--unit", unit, "--role", "unit", "--out",
                  bundle, "--days", days, NULL);
        if (r.status != 0)
                fail_msg("cert issue: %s", r.err);
        h_result_free(&r);
        h_must_setup(home, fx.srv.addr, bundle);
        free(bundle);
        return home;
}

/* renbin --home home ARGS with RENBIN_TEST_NOW at now + shift seconds. */
static int renbin_at(struct h_result *r, long long shift, const char *home, const char *a1,
                     const char *a2)
{
        char *now = h_strf("RENBIN_TEST_NOW=%lld", (long long)time(NULL) + shift);
        const char *env[] = {now, NULL};
        const char *argv[] = {h_renbin_bin(), "--home", home, a1, a2, NULL};
        int rc = h_run_env(r, env, argv);

        free(now);
        return rc;
}

/* Warnings from 30 days before: the office's own certificate, the server's. */
static void test_expiry_warning(void **state)
{
        char *home = office("K01", "warn", "1000");
        struct h_result r;

        (void)state;
        assert_int_equal(renbin_at(&r, 0, home, "status", NULL), 0);
        assert_null(strstr(r.err, "warning"));
        assert_non_null(strstr(r.out, "principal"));
        h_result_free(&r);
        /* 1000 to 1006 days: at +980 the office's expires within 30 days. */
        assert_int_equal(renbin_at(&r, 980 * DAY, home, "status", NULL), 0);
        assert_non_null(strstr(r.err, "this office's certificate expires on"));
        assert_non_null(strstr(r.err, "renbind cert renew --unit K01"));
        h_result_free(&r);
        assert_int_equal(renbin_at(&r, 980 * DAY, home, "sync", NULL), 0);
        assert_int_equal(h_count(r.err, "this office's certificate expires on"), 1);
        h_result_free(&r);
        /* The server's is for 825 days: at +810 it warns of that one alone. */
        assert_int_equal(renbin_at(&r, 810 * DAY, home, "sync", NULL), 0);
        assert_non_null(strstr(r.err, "the server's certificate expires on"));
        assert_null(strstr(r.err, "this office's"));
        h_result_free(&r);
        assert_int_equal(renbin_at(&r, 0, home, "--json", "status"), 0);
        assert_non_null(strstr(r.out, "\"certificate_expires\": \"20"));
        assert_non_null(strstr(r.out, "\"server_certificate_expires\": \"20"));
        h_result_free(&r);
        free(home);
}

/* A renewed bundle works; the old one works through its grace, and is
 * refused once it is over (--grace 0: at once). */
static void test_renew(void **state)
{
        char *old = office("K02", "old", "730");
        char *b2 = h_path(fx.tmp, "b-new"), *b3 = h_path(fx.tmp, "b-new3");
        char *home2 = h_path(fx.tmp, "new"), *home3 = h_path(fx.tmp, "new3");
        struct h_result r;

        (void)state;
        h_renbind(&r, "cert", "renew", "--data", fx.data, "--unit", "K02", "--out", b2, NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "is accepted until"));
        h_result_free(&r);
        h_must_setup(home2, fx.srv.addr, b2);
        assert_int_equal(h_renbin(&r, old, "sync", NULL), 0); /* in its grace */
        h_result_free(&r);
        assert_int_equal(h_renbin(&r, home2, "sync", NULL), 0);
        h_result_free(&r);
        /* Renewing again with no grace: the one just renewed is refused. */
        h_renbind(&r, "cert", "renew", "--data", fx.data, "--unit", "K02", "--out", b3, "--grace",
                  "0", NULL);
        assert_int_equal(r.status, 0);
        h_result_free(&r);
        h_must_setup(home3, fx.srv.addr, b3);
        assert_int_equal(h_renbin(&r, home3, "sync", NULL), 0);
        h_result_free(&r);
        assert_int_equal(h_renbin(&r, home2, "sync", NULL), EXIT_DENIED);
        h_result_free(&r);
        /* The first one's grace (14 days) is over in two weeks' time. */
        h_renbind(&r, "cert", "list", "--data", fx.data, NULL);
        assert_non_null(strstr(r.out, "grace 20"));
        h_result_free(&r);
        fx.old = old;
        free(b2);
        free(b3);
        free(home2);
        free(home3);
}

/* Stops the server and starts it again on the same port, its clock shifted
 * by shift seconds (0: none). */
static void restart(long long shift)
{
        char *port = h_strf("127.0.0.1:%d", fx.srv.port);
        char *now = h_strf("RENBIN_TEST_NOW=%lld", (long long)time(NULL) + shift);
        const char *extra[] = {"--listen", port, NULL};
        const char *env[] = {now, NULL};

        assert_int_equal(h_server_stop(&fx.srv), 0);
        h_server_free(&fx.srv);
        h_server_env = shift ? env : NULL;
        assert_int_equal(h_server_start(&fx.srv, fx.data, extra, NULL), 0);
        h_server_env = NULL;
        free(port);
        free(now);
}

/* The serial of a certificate file. */
static void serial_of(const char *path, char serial[64])
{
        struct principal p;
        struct rb_err e;

        if (tls_cert_principal(path, &p, &e) != 0)
                fail_msg("%s: %s", path, e.msg);
        snprintf(serial, 64, "%s", p.serial);
}

/* The serial of the certificate the server presents to a new connection
 * made with home's bundle (a renbin home holds client.crt, client.key). */
static void served_serial(const char *home, char serial[64])
{
        struct h_tls t;
        X509 *x;
        BIGNUM *bn;
        char *hex;

        if (h_tls_connect(&t, fx.srv.port, home, 0) != 0)
                fail_msg("connect: %s", t.error);
        assert_non_null(x = SSL_get1_peer_certificate(t.ssl));
        assert_non_null(bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL));
        assert_non_null(hex = BN_bn2hex(bn));
        snprintf(serial, 64, "%s", hex);
        OPENSSL_free(hex);
        BN_free(bn);
        X509_free(x);
        h_tls_close(&t);
}

/* cert server: a new key and certificate from the same CA; after a restart
 * the office that had synced before syncs again with nothing new. And the
 * server's clock past a grace: the renewed bundle is refused. */
static void test_server_reissue(void **state)
{
        char *home = office("K04", "srv", "730"), *crt = h_path(fx.data, "server.crt");
        char before[64], after[64], served[64], *key = h_path(fx.data, "server.key"), *k1, *k2;
        struct h_result r;

        (void)state;
        assert_int_equal(h_renbin(&r, home, "sync", NULL), 0);
        h_result_free(&r);
        serial_of(crt, before);
        k1 = h_read_file(key);
        h_renbind(&r, "cert", "server", "--data", fx.data, NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "next start"));
        h_result_free(&r);
        serial_of(crt, after);
        k2 = h_read_file(key);
        assert_string_not_equal(before, after);
        assert_string_not_equal(k1, k2);
        /* A reload serves new connections with it, no restart needed. */
        assert_int_equal(h_server_kill(&fx.srv, SIGHUP), 0);
        assert_true(h_server_log_wait(&fx.srv, "SIGHUP: server certificate reloaded", 5000));
        served_serial(home, served);
        assert_string_equal(served, after);
        assert_int_equal(h_renbin(&r, home, "sync", NULL), 0);
        h_result_free(&r);
        restart(0);
        assert_int_equal(h_renbin(&r, home, "sync", NULL), 0);
        h_result_free(&r);
        assert_int_equal(h_renbin(&r, fx.old, "sync", NULL), 0);
        h_result_free(&r);
        /* Fifteen days on, by the server's clock, the 14-day grace is over. */
        restart(15 * DAY);
        assert_int_equal(h_renbin(&r, fx.old, "sync", NULL), EXIT_DENIED);
        h_result_free(&r);
        assert_int_equal(h_renbin(&r, home, "sync", NULL), 0);
        h_result_free(&r);
        restart(0);
        free(home);
        free(crt);
        free(key);
        free(k1);
        free(k2);
}

/* The serials cert list shows for unit, into s (at most max); how many. */
static int list_serials(const char *unit, char s[][64], int max)
{
        struct h_result r;
        char *line, *save = NULL;
        int n = 0;

        h_renbind(&r, "cert", "list", "--data", fx.data, NULL);
        for (line = strtok_r(r.out, "\n", &save); line && n < max;
             line = strtok_r(NULL, "\n", &save)) {
                char serial[64], u[64];
                if (sscanf(line, "%63s %63s", serial, u) == 2 && strcmp(u, unit) == 0)
                        snprintf(s[n++], 64, "%s", serial);
        }
        h_result_free(&r);
        return n;
}

/* cert revoke: an ambiguous prefix is refused with the matches listed; a
 * unique prefix revokes one; --unit revokes all of a unit's. */
static void test_revoke_unit_prefix(void **state)
{
        char s[32][64], *home = office("K03", "rv", "730"), *b, prefix[2] = "";
        struct h_result r;
        int n, i, k;

        (void)state;
        /* 17 serials: two share their first hex digit. */
        for (i = 0; i < 16; i++) {
                b = h_strf("%s/b-rv%d", fx.tmp, i);
                h_must_issue(fx.data, "K03", "unit", b, NULL);
                free(b);
        }
        n = list_serials("K03", s, 32);
        assert_int_equal(n, 17);
        for (i = 0; i < n && prefix[0] == '\0'; i++)
                for (k = i + 1; k < n; k++)
                        if (s[i][0] == s[k][0])
                                prefix[0] = s[i][0];
        h_renbind(&r, "cert", "revoke", "--data", fx.data, "--serial", prefix, NULL);
        assert_int_equal(r.status, EXIT_INVALID);
        assert_non_null(strstr(r.err, "matches"));
        assert_true(h_count(r.err, " K03 unit") >= 2);
        h_result_free(&r);
        /* 20 digits of a 127-bit random serial are unique. */
        s[1][20] = '\0';
        h_renbind(&r, "cert", "revoke", "--data", fx.data, "--serial", s[1], NULL);
        assert_int_equal(r.status, 0);
        h_result_free(&r);
        assert_int_equal(h_renbin(&r, home, "sync", NULL), 0);
        h_result_free(&r);
        h_renbind(&r, "cert", "revoke", "--data", fx.data, "--unit", "K03", NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "revoked 16 certificates of K03"));
        h_result_free(&r);
        assert_int_equal(h_renbin(&r, home, "sync", NULL), EXIT_DENIED);
        h_result_free(&r);
        h_renbind(&r, "cert", "list", "--data", fx.data, "--expiring", "3650", NULL);
        assert_null(strstr(r.out, " K03 "));
        assert_non_null(strstr(r.out, " K04 "));
        h_result_free(&r);
        h_renbind(&r, "cert", "list", "--data", fx.data, "--expiring", "30", NULL);
        assert_null(strstr(r.out, " K04 "));
        h_result_free(&r);
        free(home);
}

/* An expired office certificate is reported as expired, with its date and
 * what to ask HR for: the office checks its own before connecting. */
static void test_expired_message(void **state)
{
        char *home = office("K01", "exp", "730");
        struct h_result r;

        (void)state;
        assert_int_equal(renbin_at(&r, 800 * DAY, home, "sync", NULL), EXIT_DENIED);
        assert_non_null(strstr(r.err, "this office's certificate expired on 20"));
        assert_non_null(strstr(r.err, "renbind cert renew --unit K01"));
        assert_null(strstr(r.err, "is the bundle from"));
        h_result_free(&r);
        assert_int_equal(renbin_at(&r, 800 * DAY, home, "status", NULL), EXIT_DENIED);
        assert_non_null(strstr(r.err, "expired on"));
        h_result_free(&r);
        free(home);
}

/* Takes a database back to schema 4, as the release before renewals left it
 * (undoing every later migration); returns the schema it had. */
static int downgrade(const char *data)
{
        char *path = h_path(data, "renbin.db");
        struct rb_err e;
        sqlite3 *db = db_open(path, 0, &e);
        long long had = 0;

        assert_non_null(db);
        if (db_value(db, "PRAGMA user_version", NULL, &had, &e) < 0 ||
            db_exec(db,
                    "DROP INDEX certs_unit; ALTER TABLE certs DROP COLUMN renewed_by;"
                    " ALTER TABLE certs DROP COLUMN grace_until; DROP TABLE standards;"
                    " PRAGMA user_version = 4;",
                    &e) != 0)
                fail_msg("downgrade: %s", e.msg);
        db_close(db);
        free(path);
        return (int)had;
}

/* migrate --dry-run changes nothing; the next command backs up first. */
static void test_migrate_backup(void **state)
{
        char *data = h_path(fx.tmp, "old"), *bak, *name, *want;
        struct h_result r;
        int target;

        (void)state;
        h_must_init(data);
        target = downgrade(data);
        name = h_strf("renbin.db.before-v%d", target);
        bak = h_path(data, name);
        want = h_strf("database schema 4, this program's %d", target);
        h_renbind(&r, "migrate", "--data", data, "--dry-run", NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, want));
        assert_non_null(strstr(r.out, "5: renewed certificates"));
        h_result_free(&r);
        assert_false(access(bak, F_OK) == 0);
        h_renbind(&r, "migrate", "--data", data, "--dry-run", NULL);
        assert_non_null(strstr(r.out, "schema 4"));
        h_result_free(&r);
        h_renbind(&r, "cert", "list", "--data", data, NULL);
        assert_int_equal(r.status, 0);
        assert_int_equal(h_count(r.err, "backed up to"), 1);
        assert_non_null(strstr(r.err, name));
        h_result_free(&r);
        assert_true(access(bak, F_OK) == 0);
        h_renbind(&r, "migrate", "--data", data, NULL);
        assert_non_null(strstr(r.out, "nothing to migrate"));
        assert_int_equal(h_count(r.err, "backed up"), 0);
        h_result_free(&r);
        free(want);
        free(name);
        free(bak);
        free(data);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_expiry_warning),  cmocka_unit_test(test_renew),
            cmocka_unit_test(test_server_reissue),  cmocka_unit_test(test_revoke_unit_prefix),
            cmocka_unit_test(test_expired_message), cmocka_unit_test(test_migrate_backup),
        };
        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
