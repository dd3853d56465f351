/*
 * test_e2e_gaps.c - competency standards, gaps and the competency report end
 * to end over TLS (issue 15): standards set by HR on the command line and
 * from a CSV file reach an office's replica; the gaps report gives exactly
 * the hand-computed people, gaps and per-unit ranking; need suggest prints
 * need add lines that run as they are; the competency report compares the
 * same people and flags a decline; an office may not set a standard.
 *
 * The data, by hand (standards: Lurah ADM 4, KEU 3; Staf ADM 3, PLY 3;
 * Sekretaris KEU 2):
 *
 *   A1 Lurah KEL-A  ADM 2026-S2 3, 2027-S1 2 -> 2 (gap 2); KEU 2027-S1 3 (met)
 *   A2 Staf  KEL-A  ADM 2026-S1 1, 2027-S1 1 replaced by 2 -> 2 (gap 1);
 *                   PLY 2027-S1 1 (gap 2); KEU 2026-S2 2, 2027-S1 1
 *   A3 Staf  KEL-A  ADM 2027-S1 3 (met); PLY 2026-S2 2, 2027-S1 1 (gap 2);
 *                   KEU 2026-S2 1, 2027-S1 1
 *   A4 Staf  KEL-A  ADM, PLY never assessed (2 not assessed); KEU 2027-S1 4
 *   B1 Staf  KEL-B  ADM 2027-S1 1 (gap 2); PLY 2027-S1 4, 2027 1 -> 1: the
 *                   year ends after its first semester (gap 2)
 *   B2 Staf  KEL-B  ADM 2027-S1 1, then left the service: not counted
 *
 * KEL-A: PLY 2 people, sum 4, mean 2.00 (tinggi); ADM 2 people, sum 3, mean
 * 1.50 (sedang). KEL-B: ADM and PLY 1 person, sum 2 each (tinggi), by code.
 * KEU in KEL-A, 2026-S2 against 2027-S1: A2 2 -> 1, A3 1 -> 1 (A1 and A4
 * only in 2027-S1): 1.50 -> 1.00, a decline, although the mean of everyone
 * assessed rose to (3 + 1 + 1 + 4) / 4 = 2.25.
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

struct fixture {
        char *tmp, *data, *bundle_hr, *bundle_a, *bundle_b, *hr, *a, *b;
        char a1[19], a2[19], a3[19], a4[19], b1[19], b2[19];
        struct h_server srv;
};

static struct fixture fx;

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

/* HR records an assessment. */
static void assess(const char *nip, const char *comp, const char *period, const char *level)
{
        f_ok(fx.hr, "assess", "add", nip, "--competency", comp, "--period", period, "--level",
             level, NULL);
}

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
                     "%s,Lurah Satu,%s,Lurah,IV/a,\n%s,Staf Dua,%s,Staf,III/a,\n"
                     "%s,Staf Tiga,%s,staf,III/a,\n%s,Staf Empat,%s,Staf,III/a,\n"
                     "%s,Staf B Satu,%s,Staf,III/b,\n%s,Staf B Dua,%s,Staf,III/b,\n",
                     fx.a1, UNIT_A, fx.a2, UNIT_A, fx.a3, UNIT_A, fx.a4, UNIT_A, fx.b1, UNIT_B,
                     fx.b2, UNIT_B);
        path = f_write(fx.tmp, "roster.csv", csv);
        f_ok(fx.hr, "import", "asn", path, NULL);
        free(path);
        free(csv);
}

/* The assessments of the table above. */
static void assessments(void)
{
        assess(fx.a1, "ADM", "2026-S2", "3");
        assess(fx.a1, "ADM", "2027-S1", "2");
        assess(fx.a1, "KEU", "2027-S1", "3");
        assess(fx.a2, "ADM", "2026-S1", "1");
        assess(fx.a2, "ADM", "2027-S1", "1");
        assess(fx.a2, "ADM", "2027-S1", "2");
        assess(fx.a2, "PLY", "2027-S1", "1");
        assess(fx.a2, "KEU", "2026-S2", "2");
        assess(fx.a2, "KEU", "2027-S1", "1");
        assess(fx.a3, "ADM", "2027-S1", "3");
        assess(fx.a3, "PLY", "2026-S2", "2");
        assess(fx.a3, "PLY", "2027-S1", "1");
        assess(fx.a3, "KEU", "2026-S2", "1");
        assess(fx.a3, "KEU", "2027-S1", "1");
        assess(fx.a4, "KEU", "2027-S1", "4");
        assess(fx.b1, "ADM", "2027-S1", "1");
        assess(fx.b1, "PLY", "2027-S1", "4");
        assess(fx.b1, "PLY", "2027", "1");
        assess(fx.b2, "ADM", "2027-S1", "1");
        f_ok(fx.hr, "asn", "deactivate", fx.b2, NULL);
}

static int group_setup(void **state)
{
        (void)state;
        fx.tmp = h_tmpdir("gaps");
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
        roster();
        f_ok(fx.hr, "competency", "add", "ADM", "Administrasi", "--type", "teknis", NULL);
        f_ok(fx.hr, "competency", "add", "PLY", "Pelayanan publik", "--type", "sosial-kultural",
             NULL);
        f_ok(fx.hr, "competency", "add", "KEU", "Keuangan", "--type", "manajerial", NULL);
        f_ok(fx.hr, "plan", "create", "2027", "Rencana 2027", NULL);
        assessments();
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

/* The level of a standard in home's replica (-1: none). */
static long long replica_level(const char *home, const char *jabatan, const char *comp)
{
        char *sql =
            h_strf("SELECT level FROM standards WHERE jabatan = ?1 AND competency = '%s'", comp);
        long long v = f_replica_int(home, sql, jabatan);

        free(sql);
        return v;
}

/* Standards from the command line and a CSV file reach an office's replica;
 * setting one again changes it or leaves it; a bad line imports nothing. */
static void test_standards_round_trip(void **state)
{
        struct h_result r;
        json_t *rows, *row;
        char *path;

        (void)state;
        f_expect(&r, 0, fx.hr, "standard", "set", "--jabatan", "Lurah", "--competency", "adm",
                 "--level", "3", NULL);
        assert_non_null(strstr(r.out, "created"));
        h_result_free(&r);
        f_expect(&r, 0, fx.hr, "standard", "set", "--jabatan", "lurah", "--competency", "ADM",
                 "--level", "4", NULL);
        assert_non_null(strstr(r.out, "updated"));
        h_result_free(&r);
        f_ok(fx.hr, "standard", "set", "--jabatan", "Lurah", "--competency", "KEU", "--level", "3",
             NULL);
        f_expect(&r, 0, fx.hr, "standard", "set", "--jabatan", "Lurah", "--competency", "KEU",
                 "--level", "3", NULL);
        assert_non_null(strstr(r.out, "unchanged"));
        h_result_free(&r);
        f_expect(&r, EXIT_INVALID, fx.hr, "standard", "set", "--jabatan", "Lurah", "--competency",
                 "KEU", "--level", "6", NULL);
        assert_non_null(strstr(r.err, "level"));
        h_result_free(&r);
        f_expect(&r, EXIT_NOT_FOUND, fx.hr, "standard", "set", "--jabatan", "Lurah", "--competency",
                 "XXX", "--level", "2", NULL);
        h_result_free(&r);
        path = f_write(fx.tmp, "bad.csv", "jabatan,competency,level\nStaf,ADM,3\nStaf,PLY,0\n");
        f_expect(&r, EXIT_INVALID, fx.hr, "import", "standard", path, NULL);
        assert_non_null(strstr(r.err, "line 3"));
        assert_non_null(strstr(r.err, "level"));
        h_result_free(&r);
        free(path);
        assert_int_equal(replica_level(fx.hr, "Staf", "ADM"), -1);
        path = f_write(fx.tmp, "std.csv",
                       "jabatan,competency,level\nStaf,ADM,3\nStaf,ply,3\nSekretaris,KEU,2\n");
        f_ok(fx.hr, "import", "standard", path, NULL);
        free(path);
        json_decref(f_sync(fx.a));
        assert_int_equal(replica_level(fx.a, "lurah", "ADM"), 4); /* as last spelled */
        assert_int_equal(replica_level(fx.a, "Lurah", "KEU"), 3);
        assert_int_equal(replica_level(fx.a, "Staf", "ADM"), 3);
        assert_int_equal(replica_level(fx.a, "Staf", "PLY"), 3);
        assert_int_equal(replica_level(fx.a, "Sekretaris", "KEU"), 2);
        rows = f_json(0, fx.a, "standard", "list", NULL);
        assert_int_equal(json_array_size(rows), 5);
        row = json_array_get(rows, 3); /* lurah, sekretaris, staf: Staf ADM */
        assert_string_equal(f_text(row, "jabatan"), "Staf");
        assert_string_equal(f_text(row, "competency"), "ADM");
        assert_int_equal(f_int(row, "people"), 3); /* "staf" too; office A sees its own */
        json_decref(rows);
        rows = f_json(0, fx.a, "standard", "list", "--jabatan", "LURAH", NULL);
        assert_int_equal(json_array_size(rows), 2);
        json_decref(rows);
}

/* An office reads standards but may not set or import them (exit 6). */
static void test_office_refused(void **state)
{
        struct h_result r;
        char *path;

        (void)state;
        f_expect(&r, EXIT_DENIED, fx.a, "standard", "set", "--jabatan", "Staf", "--competency",
                 "ADM", "--level", "1", NULL);
        h_result_free(&r);
        path = f_write(fx.tmp, "office.csv", "jabatan,competency,level\nStaf,ADM,1\n");
        f_expect(&r, EXIT_DENIED, fx.a, "import", "standard", path, NULL);
        h_result_free(&r);
        free(path);
        assert_int_equal(replica_level(fx.hr, "Staf", "ADM"), 3);
}

/* One row of the people list: nip, competency, standard, level, period, gap. */
static void assert_gap(json_t *row, const char *nip, const char *comp, int std, int level,
                       const char *period, int gap)
{
        assert_string_equal(f_text(row, "nip"), nip);
        assert_string_equal(f_text(row, "competency"), comp);
        assert_int_equal(f_int(row, "standard"), std);
        assert_int_equal(f_int(row, "level"), level);
        assert_string_equal(f_text(row, "period"), period);
        assert_int_equal(f_int(row, "gap"), gap);
}

/* The people under their standard and the per-unit ranking, as by hand. */
static void test_gaps_report(void **state)
{
        json_t *d = f_json(0, fx.hr, "report", "gaps", NULL), *p = at(d, "people");

        (void)state;
        assert_int_equal(json_array_size(p), 6);
        assert_gap(json_array_get(p, 0), fx.a1, "ADM", 4, 2, "2027-S1", 2);
        assert_gap(json_array_get(p, 1), fx.a2, "ADM", 3, 2, "2027-S1", 1);
        assert_gap(json_array_get(p, 2), fx.a2, "PLY", 3, 1, "2027-S1", 2);
        assert_gap(json_array_get(p, 3), fx.a3, "PLY", 3, 1, "2027-S1", 2);
        assert_gap(json_array_get(p, 4), fx.b1, "ADM", 3, 1, "2027-S1", 2);
        assert_gap(json_array_get(p, 5), fx.b1, "PLY", 3, 1, "2027", 2);
        ASSERT_NUM(d, "total.people_below", 4);
        ASSERT_NUM(d, "total.gaps", 6);
        ASSERT_NUM(d, "total.not_assessed", 2);
        ASSERT_STR(d, "units.0.unit", UNIT_A);
        ASSERT_NUM(d, "units.0.people_below", 3);
        ASSERT_NUM(d, "units.0.not_assessed", 2);
        assert_int_equal(json_array_size(at(d, "units.0.competencies")), 2);
        ASSERT_STR(d, "units.0.competencies.0.competency", "PLY");
        ASSERT_NUM(d, "units.0.competencies.0.people", 2);
        ASSERT_NUM(d, "units.0.competencies.0.gap_sum", 4);
        ASSERT_NUM(d, "units.0.competencies.0.gap_mean", 2.00);
        ASSERT_STR(d, "units.0.competencies.0.priority", "tinggi");
        ASSERT_STR(d, "units.0.competencies.1.competency", "ADM");
        ASSERT_NUM(d, "units.0.competencies.1.gap_sum", 3);
        ASSERT_NUM(d, "units.0.competencies.1.gap_mean", 1.50);
        ASSERT_STR(d, "units.0.competencies.1.priority", "sedang");
        ASSERT_STR(d, "units.1.unit", UNIT_B);
        ASSERT_NUM(d, "units.1.people_below", 1);
        ASSERT_STR(d, "units.1.competencies.0.competency", "ADM");
        ASSERT_STR(d, "units.1.competencies.1.competency", "PLY");
        ASSERT_NUM(d, "units.1.competencies.1.gap_sum", 2);
        json_decref(d);
}

/* An office sees its own unit only, and offline the saved copy. */
static void test_gaps_scope(void **state)
{
        struct h_result r;
        json_t *d;

        (void)state;
        d = f_json(0, fx.b, "report", "gaps", NULL);
        assert_int_equal(json_array_size(at(d, "units")), 1);
        ASSERT_STR(d, "units.0.unit", UNIT_B);
        assert_int_equal(json_array_size(at(d, "people")), 2);
        json_decref(d);
        f_expect(&r, EXIT_DENIED, fx.b, "report", "gaps", "--unit", UNIT_A, NULL);
        h_result_free(&r);
        d = f_json(0, fx.b, "--offline", "report", "gaps", NULL);
        ASSERT_NUM(d, "total.gaps", 2);
        json_decref(d);
        f_expect(&r, 0, fx.b, "report", "gaps", NULL);
        assert_non_null(strstr(r.out, "PLY"));
        assert_non_null(strstr(r.out, "1 person below the standard; gaps: 2, not assessed: 0"));
        h_result_free(&r);
}

/* Runs one printed line with sh, as it is, renbin being office A's. */
static void run_line(const char *line)
{
        char *rb = h_strf("RB=%s", h_renbin_bin()), *home = h_strf("H=%s", fx.a),
             *script = h_strf("renbin() { \"$RB\" --home \"$H\" \"$@\"; }\n%s\n", line);
        const char *env[] = {rb, home, NULL};
        const char *argv[] = {"/bin/sh", "-c", script, NULL};
        struct h_result r;

        h_run_env(&r, env, argv);
        if (r.status != 0)
                fail_msg("sh ran '%s': exit %d: %s", line, r.status, r.err);
        h_result_free(&r);
        free(rb);
        free(home);
        free(script);
}

/* need suggest writes nothing; one of its lines, run as it is, adds the need. */
static void test_need_suggest(void **state)
{
        struct h_result r;
        json_t *needs, *s;
        char *line, *nl;

        (void)state;
        f_expect(&r, 0, fx.a, "need", "suggest", NULL);
        assert_int_equal(h_count(r.out, "renbin need add"), 2);
        assert_null(strstr(r.out, UNIT_B));
        line = strstr(r.out, "renbin need add --unit KEL-A --year 2027 --competency PLY "
                             "--priority tinggi --reason '");
        assert_non_null(line);
        assert_non_null(strstr(r.out, "--competency ADM --priority sedang"));
        assert_int_equal(f_replica_int(fx.a, "SELECT count(*) FROM needs", NULL), 0);
        if ((nl = strchr(line, '\n')) != NULL)
                *nl = '\0';
        run_line(line);
        h_result_free(&r);
        needs = f_json(0, fx.a, "need", "list", NULL);
        assert_int_equal(json_array_size(needs), 1);
        assert_string_equal(f_text(json_array_get(needs, 0), "competency"), "PLY");
        assert_string_equal(f_text(json_array_get(needs, 0), "priority"), "tinggi");
        assert_non_null(strstr(f_text(json_array_get(needs, 0), "reason"), "2 people below"));
        assert_non_null(strstr(f_text(json_array_get(needs, 0), "reason"), "mean gap 2.00"));
        json_decref(needs);
        s = f_json(0, fx.a, "need", "suggest", NULL);
        assert_int_equal(json_array_size(s), 2);
        assert_true(json_is_true(json_object_get(json_array_get(s, 0), "exists")));
        assert_true(json_is_false(json_object_get(json_array_get(s, 1), "exists")));
        json_decref(s);
        f_expect(&r, 0, fx.a, "need", "suggest", NULL);
        assert_non_null(strstr(r.out, "# KEL-A already has a 2027 need for PLY"));
        assert_int_equal(h_count(r.out, "\nrenbin need add"), 1);
        h_result_free(&r);
}

/* The competency report compares the same people and flags the decline. */
static void test_competency_same_people(void **state)
{
        json_t *d = f_json(0, fx.a, "report", "competency", NULL), *c = NULL, *v;
        struct h_result r;
        size_t i;

        (void)state;
        json_array_foreach(at(d, "units.0.competencies"), i,
                           v) if (strcmp(f_text(v, "competency"), "KEU") == 0) c = v;
        assert_non_null(c);
        ASSERT_STR(c, "from", "2026-S2");
        ASSERT_STR(c, "to", "2027-S1");
        ASSERT_NUM(c, "periods.1.assessed", 4);
        ASSERT_NUM(c, "periods.1.mean", 2.25);
        ASSERT_NUM(c, "compared", 2);
        ASSERT_NUM(c, "first_mean", 1.50);
        ASSERT_NUM(c, "latest_mean", 1.00);
        ASSERT_NUM(c, "change", -0.50);
        ASSERT_NUM(c, "people_declined", 1);
        ASSERT_NUM(c, "people_improved", 0);
        assert_true(json_is_true(at(c, "declined")));
        assert_true(json_is_false(at(c, "improved")));
        assert_true(json_is_true(at(c, "weak")));
        ASSERT_STR(d, "units.0.declined.0", "KEU");
        /* ADM: 2026-S1 against 2027-S1 is A2 alone, 1 -> 2. */
        ASSERT_STR(d, "units.0.competencies.0.competency", "ADM");
        ASSERT_STR(d, "units.0.competencies.0.from", "2026-S1");
        ASSERT_NUM(d, "units.0.competencies.0.compared", 1);
        assert_true(json_is_true(at(d, "units.0.competencies.0.improved")));
        json_decref(d);
        f_expect(&r, 0, fx.a, "report", "competency", NULL);
        assert_non_null(strstr(r.out, "DECLINED"));
        assert_non_null(strstr(r.out, "declined: KEU"));
        h_result_free(&r);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_standards_round_trip),
            cmocka_unit_test(test_office_refused),
            cmocka_unit_test(test_gaps_report),
            cmocka_unit_test(test_gaps_scope),
            cmocka_unit_test(test_need_suggest),
            cmocka_unit_test(test_competency_same_people),
        };
        return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
