/*
 * test_e2e_levels.c - evaluation levels 2 and 3 (Kirkpatrick) end to end
 * over TLS (issue 15): pre/post tests, follow-ups on the job from 60 days
 * after a program's end, and `report program` with levels 1, 2 and 3 side
 * by side under the rule that hides groups of fewer than 3; the audit log
 * verifies over the new rows.
 *
 * The server's clock (and the client's, for `followup due`) is 2027-04-15.
 * LV-01 ran 2027-01-25..27 (78 days before); LV-02 ended 2027-03-01 (45 days:
 * its follow-ups open on 2027-04-30). The data, by hand:
 *
 *   LV-01  A1, A2, A3 selesai, A4 hadir (KEL-A); B1 selesai, B2 terdaftar (KEL-B)
 *   tests  A1 40/70 (after 10/20, replaced), A2 50/80: 2 tests, hidden;
 *          + A3 60/90: KEL-A pre 50.00, post 80.00, gain 30.00 (HR alike);
 *          + B1 30/60: HR pre 45.00, post 75.00, gain 30.00; KEL-A hidden with
 *          it (complementary: B's 1 would be HR's 4 less A's 3)
 *   follow-ups LV-01  A1 4, A2 5: hidden; + A3 4: 13 / 3 = 4.33, of 3 completed
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "err.h"
#include "flow.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNIT_A "KEL-A"
#define UNIT_B "KEL-B"
/* 2027-04-15 00:00 UTC. */
#define NOW "1807747200"

static const char *const server_env[] = {"RENBIN_TEST_NOW=" NOW, NULL};

static struct {
        char *tmp, *data, *bundle_hr, *bundle_a, *hr, *a;
        char a1[19], a2[19], a3[19], a4[19], b1[19], b2[19];
        struct h_server srv;
} fx;

/* The value at a dotted path, which must be there. */
static json_t *at(json_t *doc, const char *path)
{
        json_t *v = f_at(doc, path);

        if (v == NULL)
                fail_msg("no %s in the document", path);
        return v;
}

#define ASSERT_NUM(doc, path, want)                                                                \
        assert_int_equal(llround(json_number_value(at(doc, path)) * 100), llround((want)*100))

/* The roster: four people in KEL-A, two in KEL-B. */
static void roster(void)
{
        char *csv, *path;

        f_nip(fx.a1, "19700101", "199503", 1, 1);
        f_nip(fx.a2, "19800202", "200503", 2, 2);
        f_nip(fx.a3, "19850303", "201003", 1, 3);
        f_nip(fx.a4, "19900404", "201503", 2, 4);
        f_nip(fx.b1, "19810505", "200603", 1, 5);
        f_nip(fx.b2, "19820606", "200703", 2, 6);
        csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n"
                     "%s,Satu,%s,Lurah,IV/a,\n%s,Dua,%s,Staf,III/a,\n%s,Tiga,%s,Staf,III/a,\n"
                     "%s,Empat,%s,Staf,III/a,\n%s,B Satu,%s,Staf,III/b,\n%s,B Dua,%s,Staf,III/b,\n",
                     fx.a1, UNIT_A, fx.a2, UNIT_A, fx.a3, UNIT_A, fx.a4, UNIT_A, fx.b1, UNIT_B,
                     fx.b2, UNIT_B);
        path = f_write(fx.tmp, "roster.csv", csv);
        f_ok(fx.hr, "import", "asn", path, NULL);
        free(path);
        free(csv);
}

/* HR moves nip in program through hadir (and selesai when done). */
static void attend(const char *program, const char *nip, int done)
{
        f_ok(fx.hr, "attend", program, nip, "--status", "hadir", NULL);
        if (done)
                f_ok(fx.hr, "attend", program, nip, "--status", "selesai", NULL);
}

/* The plan, its two programs and the enrollments of the table above. */
static void programs(void)
{
        f_ok(fx.hr, "competency", "add", "ADM", "Administrasi", "--type", "teknis", NULL);
        f_ok(fx.hr, "plan", "create", "2027", "Rencana 2027", NULL);
        f_ok(fx.hr, "program", "add", "--plan", "2027", "--code", "LV-01", "--title",
             "Administrasi Umum", "--method", "pelatihan", "--competency", "ADM", "--start",
             "2027-01-25", "--end", "2027-01-27", "--jp", "24", "--capacity", "30", NULL);
        f_ok(fx.hr, "program", "add", "--plan", "2027", "--code", "LV-02", "--title", "Arsip",
             "--method", "pelatihan", "--competency", "ADM", "--start", "2027-03-01", "--end",
             "2027-03-01", "--jp", "8", "--capacity", "30", NULL);
        f_ok(fx.hr, "plan", "approve", "2027", NULL);
        f_ok(fx.hr, "enroll", "LV-01", fx.a1, fx.a2, fx.a3, fx.a4, fx.b1, fx.b2, NULL);
        attend("LV-01", fx.a1, 1);
        attend("LV-01", fx.a2, 1);
        attend("LV-01", fx.a3, 1);
        attend("LV-01", fx.a4, 0);
        attend("LV-01", fx.b1, 1);
        f_ok(fx.hr, "enroll", "LV-02", fx.a1, NULL);
        attend("LV-02", fx.a1, 1);
}

static int group_setup(void **state)
{
        (void)state;
        fx.tmp = h_tmpdir("levels");
        fx.data = h_path(fx.tmp, "data");
        fx.bundle_hr = h_path(fx.tmp, "bundle-hr");
        fx.bundle_a = h_path(fx.tmp, "bundle-a");
        fx.hr = h_path(fx.tmp, "home-hr");
        fx.a = h_path(fx.tmp, "home-a");
        h_must_init(fx.data);
        h_must_issue(fx.data, "BKPSDM", "hr", fx.bundle_hr, NULL);
        h_must_issue(fx.data, UNIT_A, "unit", fx.bundle_a, NULL);
        h_server_env = server_env;
        h_must_start(&fx.srv, fx.data);
        h_must_setup(fx.hr, fx.srv.addr, fx.bundle_hr);
        f_ok(fx.hr, "unit", "add", UNIT_A, "Kelurahan A", "--kind", "kelurahan", NULL);
        f_ok(fx.hr, "unit", "add", UNIT_B, "Kelurahan B", "--kind", "kelurahan", NULL);
        h_must_setup(fx.a, fx.srv.addr, fx.bundle_a);
        roster();
        programs();
        json_decref(f_sync(fx.a));
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
        free(fx.bundle_a);
        free(fx.hr);
        free(fx.a);
        return rc;
}

/* report program LV-01 --json of home. */
static json_t *report(const char *home)
{
        return f_json(0, home, "report", "program", "LV-01", NULL);
}

/* Level 2 of home's report is hidden with tests people tested. */
static void assert_level2_hidden(const char *home, long long tests)
{
        json_t *d = report(home);

        assert_int_equal(f_int(at(d, "level2"), "tests"), tests);
        assert_true(json_is_true(at(d, "level2.suppressed")));
        assert_true(json_is_null(at(d, "level2.mean_pre")));
        assert_true(json_is_null(at(d, "level2.gain")));
        assert_true(json_is_string(at(d, "level2.reason")));
        json_decref(d);
}

/* Level 2 of home's report shows the hand-computed means. */
static void assert_level2(const char *home, long long tests, double pre, double post, double gain)
{
        json_t *d = report(home);

        assert_int_equal(f_int(at(d, "level2"), "tests"), tests);
        assert_true(json_is_false(at(d, "level2.suppressed")));
        assert_true(json_is_null(at(d, "level2.reason")));
        ASSERT_NUM(d, "level2.mean_pre", pre);
        ASSERT_NUM(d, "level2.mean_post", post);
        ASSERT_NUM(d, "level2.gain", gain);
        json_decref(d);
}

/* Pre/post tests: the rules of who and when, a second one replacing the
 * first, and the figures under the n >= 3 rule with complementary
 * suppression. */
static void test_level2(void **state)
{
        struct h_result r;
        char *csv, *path;

        (void)state;
        f_expect(&r, 0, fx.a, "eval", "test", "LV-01", fx.a1, "--pre", "10", "--post", "20", NULL);
        assert_non_null(strstr(r.out, "recorded"));
        h_result_free(&r);
        f_expect(&r, 0, fx.a, "eval", "test", "LV-01", fx.a1, "--pre", "40", "--post", "70", NULL);
        assert_non_null(strstr(r.out, "replaced"));
        h_result_free(&r);
        f_expect(&r, EXIT_INVALID, fx.a, "eval", "test", "LV-01", fx.a2, "--pre", "101", "--post",
                 "80", NULL);
        assert_non_null(strstr(r.err, "pre"));
        h_result_free(&r);
        f_expect(&r, EXIT_DENIED, fx.a, "eval", "test", "LV-01", fx.b1, "--pre", "30", "--post",
                 "60", NULL);
        h_result_free(&r);
        f_expect(&r, EXIT_REFUSED, fx.hr, "eval", "test", "LV-01", fx.b2, "--pre", "30", "--post",
                 "60", NULL);
        assert_non_null(strstr(r.err, "terdaftar"));
        h_result_free(&r);
        f_ok(fx.a, "eval", "test", "LV-01", fx.a2, "--pre", "50", "--post", "80", NULL);
        assert_level2_hidden(fx.a, 2);
        assert_level2_hidden(fx.hr, 2);
        /* The third from a spreadsheet, as offices keep them. */
        csv = h_strf("program,nip,pre,post\nLV-01,%s,60,90\n", fx.a3);
        path = f_write(fx.tmp, "tests.csv", csv);
        f_ok(fx.a, "import", "tests", path, NULL);
        free(path);
        free(csv);
        assert_level2(fx.a, 3, 50.00, 80.00, 30.00);
        assert_level2(fx.hr, 3, 50.00, 80.00, 30.00);
        f_ok(fx.hr, "eval", "test", "LV-01", fx.b1, "--pre", "30", "--post", "60", NULL);
        assert_level2(fx.hr, 4, 45.00, 75.00, 30.00);
        assert_level2_hidden(fx.a, 3);
        /* The office's replica holds its own unit's scores, the person's own. */
        json_decref(f_sync(fx.a));
        assert_int_equal(f_replica_int(fx.a, "SELECT count(*) FROM learning_tests", NULL), 3);
        assert_int_equal(
            f_replica_int(fx.a, "SELECT post FROM learning_tests WHERE nip = ?1", fx.a1), 70);
}

/* followup due of home as of the client clock NOW (or --on day). */
static json_t *due(const char *home, const char *day)
{
        json_t *rows;

        setenv("RENBIN_TEST_NOW", NOW, 1);
        rows = day ? f_json(0, home, "followup", "due", "--on", day, NULL)
                   : f_json(0, home, "followup", "due", NULL);
        unsetenv("RENBIN_TEST_NOW");
        assert_true(json_is_array(rows));
        return rows;
}

/* Exactly the completed enrollments past 60 days are due, with the days
 * since the program's end; an office sees its own unit's. */
static void test_followup_due(void **state)
{
        json_t *rows;

        (void)state;
        json_decref(f_sync(fx.hr));
        rows = due(fx.hr, NULL);
        assert_int_equal(json_array_size(rows), 4);
        assert_int_equal(f_rows_with(rows, "program", "LV-01"), 4);
        assert_int_equal(f_rows_with(rows, "nip", fx.a4), 0);
        assert_int_equal(f_rows_with(rows, "nip", fx.b2), 0);
        assert_int_equal(f_int(f_row_with(rows, "nip", fx.b1), "days_since_end"), 78);
        assert_string_equal(f_text(f_row_with(rows, "nip", fx.a1), "end_date"), "2027-01-27");
        json_decref(rows);
        rows = due(fx.a, NULL);
        assert_int_equal(json_array_size(rows), 3);
        assert_int_equal(f_rows_with(rows, "unit", UNIT_A), 3);
        json_decref(rows);
        /* Day 60 is the first; LV-02's day 60 is 2027-04-30. */
        rows = due(fx.a, "2027-03-28");
        assert_int_equal(json_array_size(rows), 3);
        assert_int_equal(f_int(json_array_get(rows, 0), "days_since_end"), 60);
        json_decref(rows);
        rows = due(fx.a, "2027-03-27");
        assert_int_equal(json_array_size(rows), 0);
        json_decref(rows);
        rows = due(fx.a, "2027-04-30");
        assert_int_equal(f_rows_with(rows, "program", "LV-02"), 1);
        json_decref(rows);
}

/* Level 3 of home's report. */
static json_t *level3(const char *home)
{
        json_t *d = report(home), *l = json_incref(at(d, "level3"));

        json_decref(d);
        return l;
}

/* follow-ups: refused before day 60 naming the day, once per enrollment,
 * only of completed enrollments, only the office's own; the figures under
 * the n >= 3 rule; due no longer lists those done. */
static void test_followup_add(void **state)
{
        struct h_result r;
        json_t *l, *rows;

        (void)state;
        f_expect(&r, EXIT_REFUSED, fx.a, "followup", "add", "LV-02", fx.a1, "--rating", "4",
                 "--note", "Rapi", NULL);
        assert_non_null(strstr(r.err, "2027-04-30"));
        h_result_free(&r);
        f_expect(&r, 0, fx.a, "followup", "add", "LV-01", fx.a1, "--rating", "4", "--note",
                 "Arsip tertata", NULL);
        assert_non_null(strstr(r.out, "recorded"));
        h_result_free(&r);
        f_expect(&r, EXIT_REFUSED, fx.a, "followup", "add", "LV-01", fx.a1, "--rating", "5", NULL);
        assert_non_null(strstr(r.err, "already"));
        h_result_free(&r);
        f_expect(&r, EXIT_REFUSED, fx.a, "followup", "add", "LV-01", fx.a4, "--rating", "3", NULL);
        assert_non_null(strstr(r.err, "hadir"));
        h_result_free(&r);
        f_expect(&r, EXIT_DENIED, fx.a, "followup", "add", "LV-01", fx.b1, "--rating", "3", NULL);
        h_result_free(&r);
        f_expect(&r, EXIT_INVALID, fx.a, "followup", "add", "LV-01", fx.a2, "--rating", "6", NULL);
        h_result_free(&r);
        f_ok(fx.a, "followup", "add", "LV-01", fx.a2, "--rating", "5", NULL);
        l = level3(fx.a);
        assert_int_equal(f_int(l, "followups"), 2);
        assert_true(json_is_true(json_object_get(l, "suppressed")));
        assert_true(json_is_null(json_object_get(l, "mean_rating")));
        json_decref(l);
        f_ok(fx.a, "followup", "add", "LV-01", fx.a3, "--rating", "4", NULL);
        l = level3(fx.a);
        assert_int_equal(f_int(l, "completed"), 3);
        assert_int_equal(f_int(l, "followups"), 3);
        assert_true(json_is_false(json_object_get(l, "suppressed")));
        ASSERT_NUM(l, "mean_rating", 4.33);
        json_decref(l);
        l = level3(fx.hr);
        assert_int_equal(f_int(l, "completed"), 4);
        ASSERT_NUM(l, "mean_rating", 4.33);
        json_decref(l);
        json_decref(f_sync(fx.hr));
        rows = due(fx.hr, NULL);
        assert_int_equal(json_array_size(rows), 1);
        assert_int_equal(f_rows_with(rows, "nip", fx.b1), 1);
        json_decref(rows);
}

/* The three levels side by side, in JSON and text. */
static void test_report_levels(void **state)
{
        json_t *d;
        struct h_result r;

        (void)state;
        f_ok(fx.a, "eval", "submit", "LV-01", fx.a1, "--materi", "4", "--penyampaian", "4",
             "--aplikasi", "5", NULL);
        d = report(fx.hr);
        assert_int_equal(f_int(d, "responses"), 1);
        assert_true(json_is_true(at(d, "suppressed")));
        assert_true(json_is_false(at(d, "level2.suppressed")));
        assert_true(json_is_false(at(d, "level3.suppressed")));
        assert_int_equal(f_int(at(d, "level3"), "opens_after_days"), 60);
        json_decref(d);
        f_expect(&r, 0, fx.hr, "report", "program", "LV-01", NULL);
        assert_non_null(strstr(r.out, "1 reaction"));
        assert_non_null(strstr(r.out, "2 learning"));
        assert_non_null(strstr(r.out, "pre 45.00, post 75.00, gain 30.00"));
        assert_non_null(strstr(r.out, "3 behaviour"));
        assert_non_null(strstr(r.out, "3 of 4"));
        assert_non_null(strstr(r.out, "mean rating 4.33 of 5"));
        h_result_free(&r);
        f_expect(&r, 0, fx.a, "report", "program", "LV-01", NULL);
        assert_non_null(strstr(r.out, "hidden with other figures"));
        assert_non_null(strstr(r.out, "mean rating 4.33 of 5"));
        h_result_free(&r);
        /* Tests and follow-ups (a replaced score too) are audited like any row. */
        assert_int_equal(h_renbind(&r, "audit", "verify", "--data", fx.data, NULL), 0);
        h_result_free(&r);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_level2),
            cmocka_unit_test(test_followup_due),
            cmocka_unit_test(test_followup_add),
            cmocka_unit_test(test_report_levels),
        };
        return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
