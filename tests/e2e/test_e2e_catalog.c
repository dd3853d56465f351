/*
 * test_e2e_catalog.c - the catalogue's promise (docs/decisions.md 21): a
 * field is its line in common/entity.c and one migration line, and the rest
 * follows. It runs the -testfield build of both programs, whose forum notes
 * have a `place` (RENBIN_TEST_FIELD), and checks, over TLS against a real
 * renbind, that the field
 *   - is an option of `forum add` (with its help) and is checked with the
 *     catalogue's limit before anything is queued;
 *   - is a column of `import forums`;
 *   - is stored by the server, travels in the change feed to another seat's
 *     replica, and is exported there;
 *   - is refused by the server over its limit even from a client that does
 *     not check (a raw op).
 * Each program of this build is told apart from the normal build by its
 * help; the test fails if it runs the programs without the field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "err.h"
#include "flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNIT_A "KEL-BLW1"
#define PLACE "Aula Kantor Lurah Belawan I"

struct fixture {
        char *tmp, *data;
        char *bundle_hr, *bundle_aud, *bundle_a;
        char *hr, *aud, *a; /* homes */
        struct h_server srv;
};

static struct fixture fx;

/* The place of the forum note with topic in home's replica ("" if none). */
static char *replica_place(const char *home, const char *topic)
{
        char *v =
            f_replica_text(home, "SELECT ifnull(place, '') FROM forums WHERE topic = ?1", topic);

        return v != NULL ? v : h_strf("%s", "");
}

static int group_setup(void **state)
{
        (void)state;
        fx.tmp = h_tmpdir("catalog");
        fx.data = h_path(fx.tmp, "data");
        fx.bundle_hr = h_path(fx.tmp, "bundle-hr");
        fx.bundle_aud = h_path(fx.tmp, "bundle-aud");
        fx.bundle_a = h_path(fx.tmp, "bundle-a");
        fx.hr = h_path(fx.tmp, "home-hr");
        fx.aud = h_path(fx.tmp, "home-aud");
        fx.a = h_path(fx.tmp, "home-a");
        h_must_init(fx.data);
        h_must_issue(fx.data, "BKPSDM", "hr", fx.bundle_hr, NULL);
        h_must_issue(fx.data, "INSPEKTORAT", "auditor", fx.bundle_aud, NULL);
        h_must_issue(fx.data, UNIT_A, "unit", fx.bundle_a, NULL);
        h_must_start(&fx.srv, fx.data);
        h_must_setup(fx.hr, fx.srv.addr, fx.bundle_hr);
        f_ok(fx.hr, "unit", "add", UNIT_A, "Kelurahan Belawan I", "--kind", "kelurahan", NULL);
        h_must_setup(fx.a, fx.srv.addr, fx.bundle_a);
        h_must_setup(fx.aud, fx.srv.addr, fx.bundle_aud);
        return 0;
}

static int group_teardown(void **state)
{
        int rc;

        (void)state;
        rc = h_group_end(&fx.srv, fx.tmp);
        free(fx.tmp);
        free(fx.data);
        free(fx.bundle_hr);
        free(fx.bundle_aud);
        free(fx.bundle_a);
        free(fx.hr);
        free(fx.aud);
        free(fx.a);
        return rc;
}

/* The option exists, with the catalogue's help and limit. */
static void test_option_from_catalogue(void **state)
{
        struct h_result r;
        char big[200];

        (void)state;
        f_expect(&r, 0, fx.a, "forum", "add", "--help", NULL);
        if (strstr(r.out, "--place VALUE") == NULL ||
            strstr(r.out, "where the forum was held") == NULL)
                fail_msg("forum add --help does not list --place (not the -testfield build?):\n%s",
                         r.out);
        h_result_free(&r);
        memset(big, 'x', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        f_expect(&r, EXIT_INVALID, fx.a, "forum", "add", "--date", "2027-03-05", "--topic",
                 "Terlalu panjang", "--place", big, NULL);
        assert_non_null(strstr(r.err, "place"));
        h_result_free(&r);
        json_t *st = f_status(fx.a);
        assert_int_equal(f_pending(st), 0);
        json_decref(st);
}

/* Typed at the office, the place reaches the auditor's replica and export. */
static void test_cli_to_other_replica(void **state)
{
        struct h_result r;
        char *place;

        (void)state;
        f_ok(fx.a, "forum", "add", "--date", "2027-03-05", "--topic", "Musrenbang kelurahan",
             "--place", PLACE, "--input", "Jalan lingkungan", NULL);
        json_decref(f_sync(fx.aud));
        place = replica_place(fx.aud, "Musrenbang kelurahan");
        assert_string_equal(place, PLACE);
        free(place);
        f_expect(&r, 0, fx.aud, "export", "forums", NULL);
        if (strstr(r.out, "place") == NULL || strstr(r.out, PLACE) == NULL)
                fail_msg("export forums lacks the place column or value:\n%s", r.out);
        h_result_free(&r);
}

/* A column of the spreadsheet, checked and carried the same way. */
static void test_import_column(void **state)
{
        struct h_result r;
        char *path, *place;

        (void)state;
        path = f_write(fx.tmp, "forums.csv",
                       "unit,date,topic,input,follow_up,place\n" UNIT_A
                       ",2027-04-02,Forum pelayanan,Antrian panjang,Tambah loket,Balai warga\n");
        f_ok(fx.a, "import", "forums", path, NULL);
        free(path);
        json_decref(f_sync(fx.aud));
        place = replica_place(fx.aud, "Forum pelayanan");
        assert_string_equal(place, "Balai warga");
        free(place);
        path = f_write(
            fx.tmp, "forums-bad.csv",
            "unit,date,topic,place\n" UNIT_A ",2027-04-03,Forum dua,"
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n");
        f_expect(&r, EXIT_INVALID, fx.a, "import", "forums", path, NULL);
        assert_non_null(strstr(r.err, "line 2, column place:"));
        h_result_free(&r);
        free(path);
}

/* A raw Push that skips the client's checks: the server holds the field to
 * the catalogue's limit too, and names it. */
static void test_server_checks_field(void **state)
{
        char big[200];
        const char *const kv[4][2] = {{"unit", UNIT_A},
                                      {"date", "2027-04-01"},
                                      {"topic", "Tanpa pemeriksaan"},
                                      {"place", big}};
        Renbin__Response *resp;
        struct h_tls t;

        (void)state;
        memset(big, 'x', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        if (h_tls_connect(&t, fx.srv.port, fx.bundle_a, 0) != 0)
                fail_msg("connect: %s", t.error);
        assert_int_equal(h_tls_hello(&t), RENBIN__CODE__OK);
        resp = h_tls_push(&t, "forum", NULL, "add", kv, 4, NULL);
        assert_int_equal(resp->result_case, RENBIN__RESPONSE__RESULT_PUSH);
        assert_int_equal(resp->push->n_results, 1);
        assert_int_equal(resp->push->results[0]->status->code, RENBIN__CODE__INVALID_ARGUMENT);
        assert_string_equal(resp->push->results[0]->status->field, "place");
        renbin__response__free_unpacked(resp, NULL);
        h_tls_close(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_option_from_catalogue),
            cmocka_unit_test(test_cli_to_other_replica),
            cmocka_unit_test(test_import_column),
            cmocka_unit_test(test_server_checks_field),
        };

        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
