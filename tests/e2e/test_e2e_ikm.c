/*
 * test_e2e_ikm.c - the community satisfaction index (SKM, PermenPAN-RB
 * 14/2017) as the regulation asks, end to end over TLS (issue 15): a year
 * and a semester roll up the responses of their quarters, the per-service
 * table and --service, the population a unit served and the Krejcie-Morgan
 * minimum sample with its marker, and an office that may set only its own
 * unit's population.
 *
 * The data of KEL-A, by hand (element sums of a response in brackets):
 *
 *   2027-Q1 Surat  r1 3 3 3 3 3 3 3 3 3 (27)   r2 4 4 4 4 4 4 4 4 2 (34)
 *   2027-Q2 KTP    r3 2 2 2 2 2 2 2 2 2 (18)   r4 4 3 4 3 4 3 4 3 4 (32)
 *                  r5 1 1 1 1 1 1 1 1 1 (9)
 *   2027-Q3 Surat  r6 4 4 4 4 4 4 4 4 4 (36)
 *
 * IKM = sum of the nine NRR x 1/9 x 25 = 25 x (all scores) / (9 n):
 *   Q1 25 x 61 / 18 = 84.72; Q2 25 x 59 / 27 = 54.63; Q3 100.00.
 *   2027-S1 (Q1, Q2): 25 x 120 / 45 = 66.67 (C).
 *   2027-S2 (Q3): 100.00 (A).
 *   2027 (Q1-Q4): 25 x 156 / 54 = 72.22 (C); the mean of the quarters'
 *   IKMs would be (84.72 + 54.63 + 100.00) / 3 = 79.78 (B): not what the
 *   regulation computes (decisions 125).
 *   u9 in 2027: (3 + 2 + 2 + 4 + 1 + 4) / 6 = 2.67.
 *   Per service in 2027: Surat r1 r2 r6 25 x 97 / 27 = 89.81 (A); KTP r3 r4
 *   r5 25 x 59 / 27 = 54.63 (D).
 *
 * Samples (Krejcie-Morgan, ceil(3841 N / (10 N + 3831))): KEL-A served 10 in
 * 2027 -> minimum 10; KEL-B served 100 in 2027-Q4 -> 384100 / 4831 = 79.51
 * -> 80, so 79 responses are too few and 80 are enough.
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

static struct {
        char *tmp, *data, *bundle_hr, *bundle_a, *bundle_b, *hr, *a, *b;
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
#define ASSERT_STR(doc, path, want) assert_string_equal(json_string_value(at(doc, path)), want)

/* HR's `report ikm --json --period period` with up to four more options
 * (NULL ends them). */
static json_t *ikm(const char *period, const char *a1, const char *a2, const char *a3,
                   const char *a4)
{
        return f_json(0, fx.hr, "report", "ikm", "--period", period, a1, a2, a3, a4, NULL);
}

/* HR's `report ikm` text of period and unit holds each of want[] (NULL
 * ends it) and not absent (NULL: nothing). */
static void text_has(const char *period, const char *unit, const char *const *want,
                     const char *absent)
{
        struct h_result r;

        f_expect(&r, 0, fx.hr, "report", "ikm", "--period", period, "--unit", unit, NULL);
        for (; *want != NULL; want++)
                if (strstr(r.out, *want) == NULL)
                        fail_msg("no '%s' in:\n%s", *want, r.out);
        if (absent != NULL && strstr(r.out, absent) != NULL)
                fail_msg("'%s' in:\n%s", absent, r.out);
        h_result_free(&r);
}

/* The responses of KEL-A in the table above, imported from one CSV file. */
static void responses_a(void)
{
        char *path = f_write(fx.tmp, "a.csv",
                             "unit,service,period,u1,u2,u3,u4,u5,u6,u7,u8,u9\n"
                             "KEL-A,Surat,2027-Q1,3,3,3,3,3,3,3,3,3\n"
                             "KEL-A,Surat,2027-Q1,4,4,4,4,4,4,4,4,2\n"
                             "KEL-A,KTP,2027-Q2,2,2,2,2,2,2,2,2,2\n"
                             "KEL-A,KTP,2027-Q2,4,3,4,3,4,3,4,3,4\n"
                             "KEL-A,KTP,2027-Q2,1,1,1,1,1,1,1,1,1\n"
                             "KEL-A,Surat,2027-Q3,4,4,4,4,4,4,4,4,4\n");

        f_ok(fx.hr, "import", "survey", path, NULL);
        free(path);
}

/* n responses of KEL-B for 2027-Q4, all 4s, in one CSV file. */
static void responses_b(int n)
{
        size_t cap = 64 + (size_t)n * 64, off;
        char *csv = malloc(cap), *path;

        assert_non_null(csv);
        off = (size_t)snprintf(csv, cap, "unit,service,period,u1,u2,u3,u4,u5,u6,u7,u8,u9\n");
        for (int i = 0; i < n; i++)
                off += (size_t)snprintf(csv + off, cap - off,
                                        "KEL-B,Akta,2027-Q4,4,4,4,4,4,4,4,4,4\n");
        path = f_write(fx.tmp, "b.csv", csv);
        f_ok(fx.hr, "import", "survey", path, NULL);
        free(path);
        free(csv);
}

static int group_setup(void **state)
{
        (void)state;
        fx.tmp = h_tmpdir("ikm");
        fx.data = h_path(fx.tmp, "data");
        fx.bundle_hr = h_path(fx.tmp, "bundle-hr");
        fx.bundle_a = h_path(fx.tmp, "bundle-a");
        fx.bundle_b = h_path(fx.tmp, "bundle-b");
        fx.hr = h_path(fx.tmp, "home-hr");
        fx.a = h_path(fx.tmp, "home-a");
        fx.b = h_path(fx.tmp, "home-b");
        h_must_init(fx.data);
        h_must_issue(fx.data, "BKPSDM", "hr", fx.bundle_hr, NULL);
        h_must_issue(fx.data, UNIT_A, "unit", fx.bundle_a, NULL);
        h_must_issue(fx.data, UNIT_B, "unit", fx.bundle_b, NULL);
        h_must_start(&fx.srv, fx.data);
        h_must_setup(fx.hr, fx.srv.addr, fx.bundle_hr);
        f_ok(fx.hr, "unit", "add", UNIT_A, "Kelurahan A", "--kind", "kelurahan", NULL);
        f_ok(fx.hr, "unit", "add", UNIT_B, "Kelurahan B", "--kind", "kelurahan", NULL);
        h_must_setup(fx.a, fx.srv.addr, fx.bundle_a);
        h_must_setup(fx.b, fx.srv.addr, fx.bundle_b);
        responses_a();
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
        free(fx.bundle_b);
        free(fx.hr);
        free(fx.a);
        free(fx.b);
        return rc;
}

/* 2027 is the regulation's formula over all six responses of its quarters,
 * not the mean of the quarters' IKMs; a quarter is itself alone. */
static void test_year_rollup(void **state)
{
        json_t *d;

        (void)state;
        d = ikm("2027", "--unit", UNIT_A, NULL, NULL);
        ASSERT_STR(d, "period", "2027");
        assert_int_equal(json_array_size(at(d, "periods")), 7);
        ASSERT_STR(d, "periods.3", "2027-Q1");
        assert_int_equal(json_array_size(at(d, "units")), 1);
        ASSERT_NUM(d, "units.0.respondents", 6);
        ASSERT_NUM(d, "units.0.ikm", 72.22);
        ASSERT_STR(d, "units.0.grade", "C");
        ASSERT_NUM(d, "units.0.elements.8.sum", 16);
        ASSERT_NUM(d, "units.0.elements.8.nrr", 2.67);
        json_decref(d);
        d = ikm("2027-Q1", NULL, NULL, NULL, NULL);
        ASSERT_NUM(d, "units.0.respondents", 2);
        ASSERT_NUM(d, "units.0.ikm", 84.72);
        json_decref(d);
        d = ikm("2027-Q2", NULL, NULL, NULL, NULL);
        ASSERT_NUM(d, "units.0.ikm", 54.63);
        json_decref(d);
        text_has("2027", UNIT_A, (const char *[]){"6 respondents, IKM 72.22, grade C", NULL},
                 "no survey responses");
}

/* The semesters: S1 is Q1 and Q2, S2 is Q3 and Q4; a response recorded for
 * a semester or a year counts in it and in what holds it. */
static void test_semester_rollup(void **state)
{
        json_t *d;

        (void)state;
        d = ikm("2027-S1", "--unit", UNIT_A, NULL, NULL);
        assert_int_equal(json_array_size(at(d, "periods")), 3);
        ASSERT_NUM(d, "units.0.respondents", 5);
        ASSERT_NUM(d, "units.0.ikm", 66.67);
        ASSERT_STR(d, "units.0.grade", "C");
        json_decref(d);
        d = ikm("2027-S2", "--unit", UNIT_A, NULL, NULL);
        ASSERT_NUM(d, "units.0.respondents", 1);
        ASSERT_NUM(d, "units.0.ikm", 100.00);
        ASSERT_STR(d, "units.0.grade", "A");
        json_decref(d);
        /* KEL-B: one response recorded for 2027-S1 (all 2s) and one for the
         * whole year (all 1s): the semester takes the first, the year both
         * (25 x 27 / 18 = 37.50), a quarter neither. */
        f_ok(fx.hr, "survey", "add", "--unit", UNIT_B, "--service", "Akta", "--period", "2027-S1",
             "--u1", "2", "--u2", "2", "--u3", "2", "--u4", "2", "--u5", "2", "--u6", "2", "--u7",
             "2", "--u8", "2", "--u9", "2", NULL);
        f_ok(fx.hr, "survey", "add", "--unit", UNIT_B, "--service", "Akta", "--period", "2027",
             "--u1", "1", "--u2", "1", "--u3", "1", "--u4", "1", "--u5", "1", "--u6", "1", "--u7",
             "1", "--u8", "1", "--u9", "1", NULL);
        d = ikm("2027-S1", "--unit", UNIT_B, NULL, NULL);
        ASSERT_NUM(d, "units.0.respondents", 1);
        ASSERT_NUM(d, "units.0.ikm", 50.00);
        json_decref(d);
        d = ikm("2027", "--unit", UNIT_B, NULL, NULL);
        ASSERT_NUM(d, "units.0.respondents", 2);
        ASSERT_NUM(d, "units.0.ikm", 37.50);
        json_decref(d);
        d = ikm("2027-Q1", "--unit", UNIT_B, NULL, NULL);
        assert_int_equal(json_array_size(at(d, "units")), 0);
        json_decref(d);
}

/* Each service's n, IKM and grade; --service keeps one service only. */
static void test_services(void **state)
{
        json_t *d;

        (void)state;
        d = ikm("2027", "--unit", UNIT_A, NULL, NULL);
        assert_int_equal(json_array_size(at(d, "services")), 2);
        ASSERT_STR(d, "services.0.service", "KTP");
        ASSERT_NUM(d, "services.0.respondents", 3);
        ASSERT_NUM(d, "services.0.ikm", 54.63);
        ASSERT_STR(d, "services.0.grade", "D");
        ASSERT_STR(d, "services.1.service", "Surat");
        ASSERT_STR(d, "services.1.unit", UNIT_A);
        ASSERT_NUM(d, "services.1.respondents", 3);
        ASSERT_NUM(d, "services.1.ikm", 89.81);
        ASSERT_STR(d, "services.1.grade", "A");
        json_decref(d);
        d = ikm("2027", "--unit", UNIT_A, "--service", "Surat");
        ASSERT_STR(d, "service", "Surat");
        ASSERT_NUM(d, "units.0.respondents", 3);
        ASSERT_NUM(d, "units.0.ikm", 89.81);
        assert_int_equal(json_array_size(at(d, "services")), 1);
        json_decref(d);
        text_has("2027", UNIT_A, (const char *[]){"Per service", "89.81", "KTP", NULL}, NULL);
}

/* No population: the sample is unknown and the grade provisional; a year's
 * population serves its semesters until one is set for the semester; the
 * office sets its own unit's, which reaches its replica. */
static void test_population(void **state)
{
        struct h_result r;
        json_t *d, *rows;

        (void)state;
        d = ikm("2027", "--unit", UNIT_A, NULL, NULL);
        assert_true(json_is_null(at(d, "units.0.population")));
        assert_true(json_is_null(at(d, "units.0.sample_ok")));
        assert_true(json_is_null(at(d, "units.0.sample_min")));
        assert_true(json_is_true(at(d, "units.0.provisional")));
        assert_true(json_is_true(at(d, "services.0.provisional")));
        json_decref(d);
        text_has("2027", UNIT_A,
                 (const char *[]){"population not set", "grade C (Kurang Baik; provisional)", NULL},
                 NULL);
        f_ok(fx.hr, "survey", "population", "--unit", UNIT_A, "--period", "2027", "--count", "10",
             NULL);
        d = ikm("2027-S1", "--unit", UNIT_A, NULL, NULL);
        ASSERT_NUM(d, "units.0.population", 10);
        ASSERT_STR(d, "units.0.population_period", "2027");
        ASSERT_NUM(d, "units.0.sample_min", 10);
        assert_true(json_is_false(at(d, "units.0.sample_ok")));
        json_decref(d);
        f_expect(&r, 0, fx.a, "survey", "population", "--period", "2027-S1", "--count", "5", NULL);
        assert_non_null(strstr(r.out, "created"));
        h_result_free(&r);
        d = ikm("2027-S1", "--unit", UNIT_A, NULL, NULL);
        ASSERT_NUM(d, "units.0.population", 5);
        ASSERT_STR(d, "units.0.population_period", "2027-S1");
        ASSERT_NUM(d, "units.0.sample_min", 5);
        assert_true(json_is_true(at(d, "units.0.sample_ok")));
        assert_true(json_is_false(at(d, "units.0.provisional")));
        json_decref(d);
        json_decref(f_sync(fx.a));
        assert_int_equal(
            f_replica_int(fx.a, "SELECT served FROM populations WHERE period = ?1", "2027-S1"), 5);
        rows = f_json(0, fx.a, "survey", "populations", NULL);
        assert_int_equal(json_array_size(rows), 2); /* its own unit's: HR's and its own */
        assert_string_equal(f_text(json_array_get(rows, 0), "period"), "2027");
        assert_int_equal(f_int(json_array_get(rows, 0), "served"), 10);
        assert_string_equal(f_text(json_array_get(rows, 1), "period"), "2027-S1");
        assert_int_equal(f_int(json_array_get(rows, 1), "served"), 5);
        json_decref(rows);
        f_expect(&r, EXIT_INVALID, fx.a, "survey", "population", "--period", "2027-S1", "--count",
                 "0", NULL);
        assert_non_null(strstr(r.err, "count"));
        h_result_free(&r);
}

/* Population 100: 79 responses are marked too small (minimum 80), 80 are not. */
static void test_sample_boundary(void **state)
{
        json_t *d;

        (void)state;
        f_ok(fx.b, "survey", "population", "--period", "2027-Q4", "--count", "100", NULL);
        responses_b(79);
        d = ikm("2027-Q4", "--unit", UNIT_B, NULL, NULL);
        ASSERT_NUM(d, "units.0.respondents", 79);
        ASSERT_NUM(d, "units.0.sample_min", 80);
        assert_true(json_is_false(at(d, "units.0.sample_ok")));
        assert_true(json_is_true(at(d, "units.0.provisional")));
        json_decref(d);
        text_has("2027-Q4", UNIT_B,
                 (const char *[]){"sample too small (79 of 80",
                                  "grade A (Sangat Baik; provisional)", NULL},
                 NULL);
        f_ok(fx.b, "survey", "add", "--service", "Akta", "--period", "2027-Q4", "--u1", "4", "--u2",
             "4", "--u3", "4", "--u4", "4", "--u5", "4", "--u6", "4", "--u7", "4", "--u8", "4",
             "--u9", "4", NULL);
        d = ikm("2027-Q4", "--unit", UNIT_B, NULL, NULL);
        ASSERT_NUM(d, "units.0.respondents", 80);
        assert_true(json_is_true(at(d, "units.0.sample_ok")));
        assert_true(json_is_false(at(d, "units.0.provisional")));
        json_decref(d);
        text_has("2027-Q4", UNIT_B,
                 (const char *[]){"sample sufficient (80 of 80", "grade A (Sangat Baik)", NULL},
                 "sample too small");
}

/* An office may not set another unit's population (exit 6); nothing changes. */
static void test_other_unit_refused(void **state)
{
        struct h_result r;
        json_t *d;

        (void)state;
        f_expect(&r, EXIT_DENIED, fx.a, "survey", "population", "--unit", UNIT_B, "--period",
                 "2027-Q4", "--count", "5", NULL);
        h_result_free(&r);
        d = ikm("2027-Q4", "--unit", UNIT_B, NULL, NULL);
        ASSERT_NUM(d, "units.0.population", 100);
        json_decref(d);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_year_rollup),     cmocka_unit_test(test_semester_rollup),
            cmocka_unit_test(test_services),        cmocka_unit_test(test_population),
            cmocka_unit_test(test_sample_boundary), cmocka_unit_test(test_other_unit_refused),
        };
        return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
