/*
 * test_e2e_sttpp.c - certificates of completion (STTPP) end to end over TLS
 * (issue 15): three completions get 001/STTPP/BKPSDM/2027, 002 and 003 in
 * the order they were completed, and the rows reach the office's replica;
 * verify of a code gives the person's name, the program, its dates and JP
 * (exit 0), in any case and with a dash; an unknown code exits 4; HR's
 * correction selesai -> batal revokes the certificate (verify exits 5 with
 * the reason) and the next completion gets 004, never a number given
 * before; selesai again brings back the same number; show writes an A4
 * landscape page with the number, the name and the QR as an SVG; a format
 * from renbind.conf numbers a second server's certificates (and another
 * after SIGHUP, in the same sequence), and a format that could give two
 * certificates one number is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "err.h"
#include "flow.h"

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNIT_A "KEL-BLW1"
#define PEOPLE 5

struct world {
        char *tmp, *data, *hr, *a;
        char p[PEOPLE][19];
        struct h_server srv;
};

static struct world fx;

/* A seat of unit with role in w: its bundle issued, its home set up. */
static char *seat(struct world *w, const char *unit, const char *role, const char *name)
{
        char *bn = h_strf("bundle-%s", name), *hn = h_strf("home-%s", name);
        char *bundle = h_path(w->tmp, bn), *home = h_path(w->tmp, hn);

        h_must_issue(w->data, unit, role, bundle, NULL);
        h_must_setup(home, w->srv.addr, bundle);
        free(bundle);
        free(bn);
        free(hn);
        return home;
}

/* A server in a new temp folder with the roster, an approved 2027 plan and
 * program STT-01 (2027-03-01 to 2027-03-03, 24 JP). */
static void world_make(struct world *w, const char *tag, const char *const *env)
{
        char *csv, *path;

        w->tmp = h_tmpdir(tag);
        w->data = h_path(w->tmp, "data");
        h_must_init(w->data);
        h_server_env = env;
        h_must_start(&w->srv, w->data);
        w->hr = seat(w, "BKPSDM", "hr", "hr");
        f_ok(w->hr, "unit", "add", UNIT_A, "Kelurahan Belawan I", "--kind", "kelurahan", NULL);
        csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n");
        for (int i = 0; i < PEOPLE; i++) {
                char birth[48], *more;
                snprintf(birth, sizeof(birth), "198%d0%d1%d", i, i + 1, i);
                f_nip(w->p[i], birth, "201004", 1 + i % 2, 10 + i);
                more = h_strf("%s%s,Peserta %d,%s,Staf,III/b,\n", csv, w->p[i], i + 1, UNIT_A);
                free(csv);
                csv = more;
        }
        path = f_write(w->tmp, "roster.csv", csv);
        f_ok(w->hr, "import", "asn", path, NULL);
        free(path);
        free(csv);
        f_ok(w->hr, "plan", "create", "2027", "Rencana Pembinaan ASN Belawan 2027", NULL);
        f_ok(w->hr, "program", "add", "--plan", "2027", "--code", "STT-01", "--title",
             "Pengelolaan Keuangan Kelurahan", "--method", "pelatihan", "--start", "2027-03-01",
             "--end", "2027-03-03", "--jp", "24", "--capacity", "10", NULL);
        f_ok(w->hr, "plan", "approve", "2027", NULL);
        w->a = seat(w, UNIT_A, "unit", "a");
        json_decref(f_sync(w->a));
}

static int world_end(struct world *w)
{
        int rc = h_group_end(&w->srv, w->tmp);

        free(w->tmp);
        free(w->data);
        free(w->hr);
        free(w->a);
        return rc;
}

static int group_setup(void **state)
{
        (void)state;
        world_make(&fx, "sttpp", h_env_after_plans);
        return 0;
}

static int group_teardown(void **state)
{
        (void)state;
        return world_end(&fx);
}

/* home enrolls nip in STT-01 and marks it hadir, then selesai. */
static void complete(const char *home, const char *nip)
{
        f_ok(home, "enroll", "STT-01", nip, NULL);
        f_ok(home, "attend", "STT-01", nip, "--status", "hadir", NULL);
        f_ok(home, "attend", "STT-01", nip, "--status", "selesai", NULL);
}

/* The certificate of nip as home's `certificate list --json` shows it (a
 * new reference; the test fails when there is none). */
static json_t *cert_of(const char *home, const char *nip)
{
        json_t *rows, *row;

        json_decref(f_sync(home));
        rows = f_json(EXIT_OK, home, "certificate", "list", "--nip", nip, NULL);
        assert_int_equal(json_array_size(rows), 1);
        row = json_incref(json_array_get(rows, 0));
        json_decref(rows);
        return row;
}

/* The number of nip's certificate (malloc'd). */
static char *number_of(const char *home, const char *nip)
{
        json_t *row = cert_of(home, nip);
        char *n = strdup(f_text(row, "number"));

        json_decref(row);
        return n;
}

/* The verification code of nip's certificate (malloc'd). */
static char *code_of(const char *home, const char *nip)
{
        json_t *row = cert_of(home, nip);
        char *c = strdup(f_text(row, "code"));

        json_decref(row);
        return c;
}

/* Three completions, numbered in the order they happened; the office's
 * replica holds the three rows with their codes. */
static void test_sequence(void **state)
{
        static const char *const want[] = {"001/STTPP/BKPSDM/2027", "002/STTPP/BKPSDM/2027",
                                           "003/STTPP/BKPSDM/2027"};
        json_t *rows;

        (void)state;
        for (int i = 0; i < 3; i++)
                complete(fx.a, fx.p[i]);
        for (int i = 0; i < 3; i++) {
                char *n = number_of(fx.hr, fx.p[i]);
                assert_string_equal(n, want[i]);
                free(n);
        }
        rows = f_json(EXIT_OK, fx.hr, "certificate", "list", "--program", "STT-01", NULL);
        assert_int_equal(json_array_size(rows), 3);
        assert_string_equal(f_text(json_array_get(rows, 0), "number"), want[0]);
        assert_string_equal(f_text(json_array_get(rows, 2), "name"), "Peserta 3");
        json_decref(rows);
        /* The office's own replica has them, codes and all. */
        json_decref(f_sync(fx.a));
        assert_int_equal(f_replica_int(fx.a,
                                       "SELECT count(*) FROM certificates WHERE unit = ?1"
                                       " AND length(code) = 10 AND revoked_at IS NULL",
                                       UNIT_A),
                         3);
        char *n = f_replica_text(fx.a, "SELECT number FROM certificates WHERE nip = ?1", fx.p[1]);
        assert_string_equal(n, want[1]);
        free(n);
}

/* verify of a code: valid, with the name, program, dates and JP, on any
 * seat, in lower case and with a dash too; an unknown code exits 4. */
static void test_verify(void **state)
{
        char *code = code_of(fx.a, fx.p[0]), typed[16];
        struct h_result r;
        json_t *doc;

        (void)state;
        doc = f_json(EXIT_OK, fx.a, "certificate", "verify", code, NULL);
        assert_string_equal(f_text(doc, "result"), "valid");
        assert_string_equal(f_text(doc, "name"), "Peserta 1");
        assert_string_equal(f_text(doc, "nip"), fx.p[0]);
        assert_string_equal(f_text(doc, "program"), "STT-01");
        assert_string_equal(f_text(doc, "title"), "Pengelolaan Keuangan Kelurahan");
        assert_string_equal(f_text(doc, "start_date"), "2027-03-01");
        assert_string_equal(f_text(doc, "end_date"), "2027-03-03");
        assert_int_equal(f_int(doc, "jp"), 24);
        assert_string_equal(f_text(doc, "number"), "001/STTPP/BKPSDM/2027");
        json_decref(doc);
        /* As a person types it from paper. */
        snprintf(typed, sizeof(typed), "%.5s-%s", code, code + 5);
        for (char *c = typed; *c != '\0'; c++)
                *c = (char)tolower((unsigned char)*c);
        f_expect(&r, EXIT_OK, fx.hr, "certificate", "verify", typed, NULL);
        assert_non_null(strstr(r.out, "VALID"));
        assert_non_null(strstr(r.out, "Peserta 1"));
        assert_non_null(strstr(r.out, "24"));
        h_result_free(&r);
        f_expect(&r, EXIT_NOT_FOUND, fx.a, "certificate", "verify", "0000000000", NULL);
        assert_non_null(strstr(r.err, "not genuine"));
        h_result_free(&r);
        f_expect(&r, EXIT_NOT_FOUND, fx.a, "certificate", "verify", "bukan-kode", NULL);
        h_result_free(&r);
        free(code);
}

/* HR's correction selesai -> batal revokes the certificate: verify exits 5
 * with the reason; the next completion gets 004, not 002; selesai again
 * brings back 002 with its code. */
static void test_revoke_no_reuse(void **state)
{
        char *code = code_of(fx.hr, fx.p[1]), *n;
        struct h_result r;
        json_t *doc, *row;

        (void)state;
        f_ok(fx.hr, "attend", "STT-01", fx.p[1], "--status", "batal", "--reason",
             "tidak mengikuti ujian akhir", NULL);
        f_expect(&r, EXIT_REFUSED, fx.a, "certificate", "verify", code, NULL);
        assert_non_null(strstr(r.out, "REVOKED"));
        assert_non_null(strstr(r.err, "tidak mengikuti ujian akhir"));
        h_result_free(&r);
        doc = f_json(EXIT_REFUSED, fx.a, "certificate", "verify", code, NULL);
        assert_string_equal(f_text(doc, "result"), "revoked");
        json_decref(doc);
        row = cert_of(fx.a, fx.p[1]);
        assert_string_equal(f_text(row, "revoked_reason"), "tidak mengikuti ujian akhir");
        assert_true(json_is_string(json_object_get(row, "revoked_at")));
        json_decref(row);
        complete(fx.a, fx.p[3]);
        n = number_of(fx.hr, fx.p[3]);
        assert_string_equal(n, "004/STTPP/BKPSDM/2027");
        free(n);
        /* The correction undone: the same certificate, valid again. */
        f_ok(fx.hr, "attend", "STT-01", fx.p[1], "--status", "selesai", "--reason",
             "ujian susulan lulus", NULL);
        doc = f_json(EXIT_OK, fx.a, "certificate", "verify", code, NULL);
        assert_string_equal(f_text(doc, "number"), "002/STTPP/BKPSDM/2027");
        json_decref(doc);
        free(code);
}

/* show writes the printable page: the number, the name, the code and its QR
 * as an SVG, A4 landscape; a number this seat does not have exits 4. */
static void test_show(void **state)
{
        char *out = h_path(fx.tmp, "sttpp-001.html"), *code = code_of(fx.a, fx.p[0]), *page;
        struct h_result r;

        (void)state;
        f_ok(fx.a, "certificate", "show", "001/STTPP/BKPSDM/2027", "--out", out, NULL);
        page = h_read_file(out);
        assert_non_null(page);
        assert_non_null(strstr(page, "001/STTPP/BKPSDM/2027"));
        assert_non_null(strstr(page, "Peserta 1"));
        assert_non_null(strstr(page, fx.p[0]));
        assert_non_null(strstr(page, code));
        assert_non_null(strstr(page, "size:A4 landscape"));
        assert_non_null(strstr(page, "<svg class=\"qr\""));
        /* A QR symbol of 10 characters (version 1, 21 modules) has far more
         * than a handful of dark modules. */
        assert_true(h_count(page, "width=\"1\" height=\"1\"") > 100);
        free(page);
        f_expect(&r, EXIT_NOT_FOUND, fx.a, "certificate", "show", "999/STTPP/BKPSDM/2027", "--out",
                 out, NULL);
        h_result_free(&r);
        f_expect(&r, EXIT_USAGE, fx.a, "certificate", "show", "001/STTPP/BKPSDM/2027", NULL);
        h_result_free(&r);
        free(code);
        free(out);
}

/* A second server numbers with the format its renbind.conf names; a
 * format without {year} is refused with the file's line (exit 3). */
static void test_custom_format(void **state)
{
        char *dir = h_tmpdir("sttpp-conf"), *conf, *bad, *env_conf, *n;
        const char *env[3] = {h_env_after_plans[0], NULL, NULL};
        struct world w = {0};
        struct h_result r;

        (void)state;
        conf =
            f_write(dir, "renbind.conf", "[serve]\ncertificate-format = STTPP-{year}-{seq:04}\n");
        bad = f_write(dir, "bad.conf", "[serve]\ncertificate-format = {seq}/STTPP\n");
        env_conf = h_strf("RENBIND_CONFIG=%s", conf);
        env[1] = env_conf;
        world_make(&w, "sttpp2", env);
        complete(w.hr, w.p[0]);
        complete(w.hr, w.p[1]);
        n = number_of(w.hr, w.p[1]);
        assert_string_equal(n, "STTPP-2027-0002");
        free(n);
        /* SIGHUP: the certificates issued from then on take the new format,
         * in the same sequence. */
        free(f_write(dir, "renbind.conf", "[serve]\ncertificate-format = BLW/{year}/{seq}\n"));
        assert_int_equal(h_server_kill(&w.srv, SIGHUP), 0);
        assert_true(h_server_log_wait(&w.srv, "SIGHUP: reloaded", H_SERVER_TIMEOUT_MS));
        complete(w.hr, w.p[2]);
        n = number_of(w.hr, w.p[2]);
        assert_string_equal(n, "BLW/2027/3");
        free(n);
        assert_int_equal(world_end(&w), 0);
        h_server_env = h_env_after_plans;
        assert_int_equal(h_renbind(&r, "config", "--config", bad, NULL), EXIT_INVALID);
        assert_non_null(strstr(r.err, "bad.conf:2"));
        assert_non_null(strstr(r.err, "{year}"));
        h_result_free(&r);
        h_rmtree(dir);
        free(dir);
        free(conf);
        free(bad);
        free(env_conf);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_sequence),        cmocka_unit_test(test_verify),
            cmocka_unit_test(test_revoke_no_reuse), cmocka_unit_test(test_show),
            cmocka_unit_test(test_custom_format),
        };
        return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
