/*
 * test_e2e_reports.c - the reports end to end: a real renbind on 127.0.0.1, a
 * small dataset built through the real renbin over TLS (units, roster, plan,
 * programs, enrollments, attendance, questionnaires, assessments, mentoring,
 * needs, surveys), and every report checked for its exact numbers in --json.
 * Also: an office asking for another unit's report is refused (exit 6); the
 * n < 3 rule holds in text, --json, --csv and the HTML page, whose sections
 * hold the hand-computed figures (test_e2e_report_page opens the sample's
 * page in headless Chromium); reports are read offline from the replica's
 * saved copies.
 *
 * Hand-computed figures are in the comments beside each check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "err.h"
#include "harness.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define A1 "198001012005011001" /* KEL-A, mentor */
#define A2 "199001012015012001"
#define A3 "199205052018011002"
#define A4 "199507072020012003" /* KEL-A, mentee */
#define B1 "198503032010011001"
#define B2 "199303032019012002"

struct fixture {
        char *tmp, *data, *hr, *unit_a, *unit_b;
        char *hr_bundle, *a_bundle, *b_bundle;
        struct h_server srv;
};

static struct fixture fx;

/* Runs renbin in home and fails the test unless it exits 0. */
#define OK(home, ...) run_ok(home, __VA_ARGS__, NULL)

static void run_ok(const char *home, ...) __attribute__((sentinel));

/* renbin --home home ARGS... (NULL-terminated) into r. */
static int run_v(struct h_result *r, const char *home, va_list ap)
{
        const char *argv[64] = {h_renbin_bin(), "--home", home};
        size_t n = 3;
        const char *a;

        while ((a = va_arg(ap, const char *)) != NULL && n < 63)
                argv[n++] = a;
        argv[n] = NULL;
        return h_run(r, argv);
}

static void run_ok(const char *home, ...)
{
        struct h_result r;
        va_list ap;

        va_start(ap, home);
        run_v(&r, home, ap);
        va_end(ap);
        if (r.status != 0)
                fail_msg("renbin exited %d\nstdout: %s\nstderr: %s", r.status, r.out, r.err);
        h_result_free(&r);
}

/* Runs renbin and returns its result (caller frees). */
static struct h_result run(const char *home, ...) __attribute__((sentinel));
static struct h_result run(const char *home, ...)
{
        struct h_result r;
        va_list ap;

        va_start(ap, home);
        run_v(&r, home, ap);
        va_end(ap);
        return r;
}

/* Runs a report with --json in home and parses it; fails the test otherwise. */
static json_t *report_json(const char *home, const char *kind, const char *a1, const char *a2,
                           const char *a3, const char *a4)
{
        const char *argv[16] = {h_renbin_bin(), "--home", home, "--json", "report", kind};
        size_t n = 6;
        struct h_result r;
        json_error_t je;
        json_t *doc;

        if (a1)
                argv[n++] = a1;
        if (a2)
                argv[n++] = a2;
        if (a3)
                argv[n++] = a3;
        if (a4)
                argv[n++] = a4;
        argv[n] = NULL;
        h_run(&r, argv);
        if (r.status != 0)
                fail_msg("report %s exited %d: %s", kind, r.status, r.err);
        doc = json_loads(r.out, 0, &je);
        if (doc == NULL)
                fail_msg("report %s: not JSON (%s): %s", kind, je.text, r.out);
        h_result_free(&r);
        return doc;
}

/* Runs argv and parses its standard output as JSON; fails the test otherwise. */
static json_t *report_json_argv(const char **argv)
{
        struct h_result r;
        json_t *doc;

        h_run(&r, argv);
        if (r.status != 0)
                fail_msg("%s exited %d: %s", argv[4], r.status, r.err);
        if ((doc = json_loads(r.out, 0, NULL)) == NULL)
                fail_msg("not JSON: %s", r.out);
        h_result_free(&r);
        return doc;
}

/* A number at a JSON path like "total.asn" or "units.0.ikm". */
static double num_at(json_t *doc, const char *path)
{
        char buf[256], *save = NULL, *tok;
        json_t *v = doc;

        snprintf(buf, sizeof(buf), "%s", path);
        for (tok = strtok_r(buf, ".", &save); tok && v; tok = strtok_r(NULL, ".", &save))
                v = json_is_array(v) ? json_array_get(v, strtoul(tok, NULL, 10))
                                     : json_object_get(v, tok);
        if (!json_is_number(v))
                fail_msg("%s is not a number", path);
        return json_number_value(v);
}

/* A JSON value at a path (borrowed). */
static json_t *at(json_t *doc, const char *path)
{
        char buf[256], *save = NULL, *tok;
        json_t *v = doc;

        snprintf(buf, sizeof(buf), "%s", path);
        for (tok = strtok_r(buf, ".", &save); tok && v; tok = strtok_r(NULL, ".", &save))
                v = json_is_array(v) ? json_array_get(v, strtoul(tok, NULL, 10))
                                     : json_object_get(v, tok);
        return v;
}

#define ASSERT_NUM(doc, path, want)                                                                \
        assert_int_equal(llround(num_at(doc, path) * 100), llround((want)*100))
#define ASSERT_STR(doc, path, want) assert_string_equal(json_string_value(at(doc, path)), want)

long long llround(double x);

/* Writes text to dir/name; returns the malloc'd path. */
static char *put_file(const char *dir, const char *name, const char *text)
{
        char *p = h_path(dir, name);
        FILE *f = fopen(p, "w");

        assert_non_null(f);
        fputs(text, f);
        fclose(f);
        return p;
}

/* The id of the row of `NOUN list --json` (as HR) whose key is val. */
static char *row_id(const char *noun, const char *key, const char *val)
{
        json_t *doc = report_json_argv(
                   (const char *[]){h_renbin_bin(), "--home", fx.hr, "--json", noun, "list", NULL}),
               *n;
        char *id = NULL;
        size_t i;

        json_array_foreach(doc, i,
                           n) if (strcmp(json_string_value(json_object_get(n, key)), val) == 0) id =
            h_strf("%s", json_string_value(json_object_get(n, "id")));
        json_decref(doc);
        assert_non_null(id);
        return id;
}

/* Two records from outside the plan in 2027, neither counted in JP: A2's
 * pending (6 JP), B2's rejected. */
static void records_dataset(void)
{
        char *id;

        OK(fx.hr, "record", "add", A2, "--title", "Manajemen ASN", "--organizer", "LAN RI",
           "--method", "e-learning", "--start", "2027-04-01", "--end", "2027-04-10", "--jp", "6");
        OK(fx.hr, "record", "add", B2, "--title", "Seminar lain", "--organizer", "Pemko",
           "--method", "seminar", "--start", "2027-05-03", "--end", "2027-05-03");
        id = row_id("record", "title", "Seminar lain");
        OK(fx.hr, "record", "reject", id, "--reason", "tanpa sertifikat");
        free(id);
}

/* Three forum notes of 2027: KEL-A's to do and done, KEL-B's in progress. */
static void forums_dataset(void)
{
        char *id;

        OK(fx.hr, "forum", "add", "--unit", "KEL-A", "--date", "2027-02-10", "--topic",
           "Saluran air", "--follow-up", "Usulan ke dinas", "--due", "2027-05-01");
        OK(fx.hr, "forum", "add", "--unit", "KEL-A", "--date", "2027-03-10", "--topic",
           "Lampu jalan", "--follow-up", "Dipasang");
        OK(fx.hr, "forum", "add", "--unit", "KEL-B", "--date", "2027-04-10", "--topic",
           "Antrean loket", "--follow-up", "Antrean daring");
        id = row_id("forum", "topic", "Lampu jalan");
        OK(fx.hr, "forum", "update", id, "--status", "selesai");
        free(id);
        id = row_id("forum", "topic", "Antrean loket");
        OK(fx.hr, "forum", "update", id, "--status", "proses", "--owner", "Seksi Trantib");
        free(id);
}

/* Everything the reports are computed from, through the CLI as HR. */
static void build_dataset(void)
{
        const char *hr = fx.hr;
        char *roster, *surveys;

        OK(hr, "unit", "add", "KEL-A", "Kelurahan Belawan A", "--kind", "kelurahan");
        OK(hr, "unit", "add", "KEL-B", "Kelurahan Belawan B", "--kind", "kelurahan");
        OK(hr, "competency", "add", "ADM", "Administrasi perkantoran", "--type", "teknis");
        OK(hr, "competency", "add", "PLY", "Pelayanan publik", "--type", "sosial-kultural");
        OK(hr, "competency", "add", "KEU", "Pengelolaan keuangan", "--type", "manajerial");
        OK(hr, "competency", "add", "ETK", "Etika", "--type", "sosial-kultural");
        roster =
            put_file(fx.tmp, "roster.csv",
                     "NIP,nama,unit,jabatan,golongan,tmt\n" A1 ",Ahmad Siregar,KEL-A,Lurah,,\n" A2
                     ",Butet Nasution,KEL-A,Sekretaris,,\n" A3 ",Citra Lubis,KEL-A,Staf,,\n" A4
                     ",Dedi Harahap,KEL-A,Staf,,\n" B1 ",Eka Sembiring,KEL-B,Lurah,,\n" B2
                     ",Fitri Ginting,KEL-B,Staf,,\n");
        OK(hr, "import", "asn", roster);
        OK(hr, "plan", "create", "2027", "Rencana Pembinaan ASN 2027");
        OK(hr, "program", "add", "--plan", "2027", "--code", "P1", "--title", "Tata naskah dinas",
           "--method", "pelatihan", "--competency", "ADM", "--start", "2027-02-01", "--end",
           "2027-02-03", "--jp", "24", "--capacity", "10");
        OK(hr, "program", "add", "--plan", "2027", "--code", "P2", "--title", "Pelayanan prima",
           "--method", "seminar", "--competency", "PLY", "--start", "2027-03-01", "--end",
           "2027-03-01", "--jp", "4", "--capacity", "10");
        OK(hr, "program", "add", "--plan", "2027", "--code", "P3", "--title", "Anggaran kelurahan",
           "--method", "workshop", "--competency", "KEU", "--start", "2027-12-01", "--end",
           "2027-12-02", "--jp", "10", "--capacity", "5");
        OK(hr, "plan", "approve", "2027");
        OK(hr, "enroll", "P1", A1, A2, A3, A4, B1);
        OK(hr, "enroll", "P2", A1, A2, B1, B2);
        const char *p1_done[] = {A1, A2, A3, B1};
        for (int i = 0; i < 4; i++) {
                OK(hr, "attend", "P1", p1_done[i], "--status", "hadir");
                OK(hr, "attend", "P1", p1_done[i], "--status", "selesai");
        }
        OK(hr, "attend", "P1", A4, "--status", "hadir");
        OK(hr, "attend", "P2", A1, "--status", "hadir");
        OK(hr, "attend", "P2", A1, "--status", "selesai");
        OK(hr, "attend", "P2", A2, "--status", "hadir");
        OK(hr, "attend", "P2", A2, "--status", "selesai");
        OK(hr, "attend", "P2", B1, "--status", "hadir");
        OK(hr, "attend", "P2", B2, "--status", "tidak-hadir");
        OK(hr, "eval", "submit", "P1", A1, "--materi", "5", "--penyampaian", "4", "--aplikasi", "4",
           "--comment", "Sangat bermanfaat");
        OK(hr, "eval", "submit", "P1", A2, "--materi", "4", "--penyampaian", "3", "--aplikasi",
           "5");
        OK(hr, "eval", "submit", "P1", A3, "--materi", "4", "--penyampaian", "4", "--aplikasi", "3",
           "--comment", "Materi <b>padat</b> & jelas");
        OK(hr, "eval", "submit", "P1", B1, "--materi", "3", "--penyampaian", "2", "--aplikasi",
           "4");
        OK(hr, "eval", "submit", "P2", A1, "--materi", "4", "--penyampaian", "4", "--aplikasi", "4",
           "--comment", "Rahasia satu orang");
        OK(hr, "eval", "submit", "P2", A2, "--materi", "5", "--penyampaian", "5", "--aplikasi",
           "5");
        OK(hr, "assess", "add", A2, "--competency", "ADM", "--period", "2026-S2", "--level", "2");
        OK(hr, "assess", "add", A2, "--competency", "ADM", "--period", "2027-S1", "--level", "1");
        OK(hr, "assess", "add", A2, "--competency", "ADM", "--period", "2027-S1", "--level", "3");
        OK(hr, "assess", "add", A3, "--competency", "ADM", "--period", "2026-S2", "--level", "2");
        OK(hr, "assess", "add", A3, "--competency", "ADM", "--period", "2027-S1", "--level", "4");
        OK(hr, "assess", "add", A2, "--competency", "PLY", "--period", "2026-S2", "--level", "3");
        OK(hr, "assess", "add", A2, "--competency", "PLY", "--period", "2027-S1", "--level", "2");
        OK(hr, "assess", "add", A3, "--competency", "PLY", "--period", "2027-S1", "--level", "2");
        OK(hr, "assess", "add", B1, "--competency", "KEU", "--period", "2027-S1", "--level", "4");
        OK(hr, "mentor", "pair", A1, A4, "--topic", "Pengelolaan anggaran", "--from", "2027-01-01");
        OK(hr, "mentor", "log", A4, "--date", "2027-03-10", "--minutes", "90");
        OK(hr, "mentor", "log", A4, "--date", "2027-04-15", "--minutes", "60", "--progress", "3");
        OK(hr, "need", "add", "--unit", "KEL-A", "--year", "2027", "--competency", "ADM",
           "--priority", "tinggi");
        OK(hr, "need", "add", "--unit", "KEL-A", "--year", "2027", "--competency", "PLY",
           "--priority", "sedang");
        OK(hr, "need", "add", "--unit", "KEL-B", "--year", "2027", "--competency", "KEU",
           "--priority", "tinggi");
        OK(hr, "need", "add", "--unit", "KEL-B", "--year", "2027", "--competency", "ETK",
           "--priority", "rendah");
        OK(hr, "standard", "set", "--jabatan", "Staf", "--competency", "PLY", "--level", "3");
        /* level 2 of P1: pre 40, 50, 60 (mean 50.00), post 80, 70, 90 (80.00) */
        OK(hr, "eval", "test", "P1", A1, "--pre", "40", "--post", "80");
        OK(hr, "eval", "test", "P1", A2, "--pre", "50", "--post", "70");
        OK(hr, "eval", "test", "P1", A3, "--pre", "60", "--post", "90");
        /* KEL-A served 100 in 2027: a minimum sample of 80 (Krejcie-Morgan) */
        OK(hr, "survey", "population", "--unit", "KEL-A", "--period", "2027", "--count", "100");
        forums_dataset();
        records_dataset();
        surveys = put_file(fx.tmp, "skm.csv",
                           "unit,service,period,u1,u2,u3,u4,u5,u6,u7,u8,u9\n"
                           "KEL-A,Surat keterangan,2027-Q1,4,4,3,4,3,4,4,3,3\n"
                           "KEL-A,Surat keterangan,2027-Q1,3,3,2,4,3,3,4,3,3\n"
                           "KEL-A,Surat keterangan,2027-Q1,3,3,3,4,3,3,3,2,3\n"
                           "KEL-A,Surat keterangan,2027-Q1,3,2,2,4,3,3,3,3,3\n"
                           "KEL-B,Surat pindah,2027-Q1,4,4,4,4,4,4,4,4,4\n");
        OK(hr, "import", "survey", surveys);
        free(roster);
        free(surveys);
}

static int group_setup(void **state)
{
        (void)state;
        fx.tmp = h_tmpdir("reports");
        fx.data = h_path(fx.tmp, "data");
        fx.hr = h_path(fx.tmp, "home-hr");
        fx.unit_a = h_path(fx.tmp, "home-a");
        fx.unit_b = h_path(fx.tmp, "home-b");
        fx.hr_bundle = h_path(fx.tmp, "bundle-hr");
        fx.a_bundle = h_path(fx.tmp, "bundle-a");
        fx.b_bundle = h_path(fx.tmp, "bundle-b");
        h_must_init(fx.data);
        h_must_issue(fx.data, "BKPSDM", "hr", fx.hr_bundle, NULL);
        h_must_issue(fx.data, "KEL-A", "unit", fx.a_bundle, NULL);
        h_must_issue(fx.data, "KEL-B", "unit", fx.b_bundle, NULL);
        h_server_env = h_env_after_plans; /* attendance after the programs start */
        h_must_start(&fx.srv, fx.data);
        h_must_setup(fx.hr, fx.srv.addr, fx.hr_bundle);
        build_dataset();
        h_must_setup(fx.unit_a, fx.srv.addr, fx.a_bundle);
        h_must_setup(fx.unit_b, fx.srv.addr, fx.b_bundle);
        OK(fx.unit_a, "sync");
        OK(fx.unit_b, "sync");
        return 0;
}

static int group_teardown(void **state)
{
        (void)state;
        if (fx.srv.pid != 0)
                h_server_stop(&fx.srv);
        h_server_free(&fx.srv);
        h_rmtree(fx.tmp);
        free(fx.tmp);
        free(fx.data);
        free(fx.hr);
        free(fx.unit_a);
        free(fx.unit_b);
        free(fx.hr_bundle);
        free(fx.a_bundle);
        free(fx.b_bundle);
        return 0;
}

/* P1 as HR: 4 answers of 5 attendees; means and distributions by hand. */
static void test_program_hr(void **state)
{
        json_t *d = report_json(fx.hr, "program", "P1", NULL, NULL, NULL);

        (void)state;
        ASSERT_NUM(d, "attendees", 5);
        ASSERT_NUM(d, "responses", 4);
        ASSERT_NUM(d, "response_rate_pct", 80.00);
        assert_true(json_is_false(at(d, "suppressed")));
        ASSERT_STR(d, "dimensions.0.name", "materi");
        ASSERT_NUM(d, "dimensions.0.mean", 4.00); /* 5 4 4 3 */
        ASSERT_NUM(d, "dimensions.0.distribution.2", 1);
        ASSERT_NUM(d, "dimensions.0.distribution.3", 2);
        ASSERT_NUM(d, "dimensions.0.distribution.4", 1);
        ASSERT_NUM(d, "dimensions.1.mean", 3.25); /* 4 3 4 2 */
        ASSERT_NUM(d, "dimensions.1.distribution.1", 1);
        ASSERT_NUM(d, "dimensions.2.mean", 4.00); /* 4 5 3 4 */
        ASSERT_STR(d, "dimensions.3.name", "overall");
        ASSERT_NUM(d, "dimensions.3.answers", 12);
        ASSERT_NUM(d, "dimensions.3.mean", 3.75); /* 45 / 12 */
        ASSERT_NUM(d, "dimensions.3.distribution.3", 6);
        ASSERT_STR(d, "weakest", "penyampaian");
        assert_int_equal(json_array_size(at(d, "comments")), 2);
        ASSERT_STR(d, "comments.0", "Materi <b>padat</b> & jelas");
        json_decref(d);
}

/* P2 as HR has 2 answers: nothing per dimension, no comments, in every format. */
static void test_program_suppressed(void **state)
{
        json_t *d = report_json(fx.hr, "program", "P2", NULL, NULL, NULL);
        struct h_result r;

        (void)state;
        ASSERT_NUM(d, "responses", 2);
        ASSERT_NUM(d, "attendees", 3);
        ASSERT_NUM(d, "response_rate_pct", 66.67);
        assert_true(json_is_true(at(d, "suppressed")));
        assert_non_null(strstr(json_string_value(at(d, "reason")), "fewer than 3"));
        assert_null(at(d, "dimensions"));
        assert_null(at(d, "comments"));
        assert_null(at(d, "weakest"));
        json_decref(d);

        r = run(fx.hr, "report", "program", "P2", NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "Results not shown"));
        assert_null(strstr(r.out, "materi"));
        assert_null(strstr(r.out, "Rahasia"));
        h_result_free(&r);

        r = run(fx.hr, "--csv", "report", "program", "P2", NULL);
        assert_int_equal(r.status, 0);
        assert_int_equal(h_count(r.out, "\n"), 2); /* header and one row */
        assert_non_null(strstr(r.out, "P2,3,2,66.67,yes,,,,,,,,\n"));
        assert_null(strstr(r.out, "Rahasia"));
        h_result_free(&r);

        r = run(fx.hr, "--csv", "report", "program", "P1", NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "P1,5,4,80.00,no,penyampaian,4,3.25,0,1,1,2,0\n"));
        h_result_free(&r);
}

/* An office sees its own unit's answers: KEL-A 3 of 4; KEL-B 1 of 1 (hidden).
 * P1's total (4) is shown to HR, so KEL-A's 3 are hidden too: the total less
 * KEL-A would be KEL-B's one answer (complementary suppression). */
static void test_program_office(void **state)
{
        json_t *d = report_json(fx.unit_a, "program", "P1", NULL, NULL, NULL);

        (void)state;
        ASSERT_STR(d, "unit", "KEL-A");
        ASSERT_NUM(d, "attendees", 4);
        ASSERT_NUM(d, "responses", 3);
        ASSERT_NUM(d, "response_rate_pct", 75.00);
        assert_true(json_is_true(at(d, "suppressed")));
        assert_non_null(strstr(json_string_value(at(d, "reason")), "hidden with other figures"));
        assert_null(at(d, "dimensions"));
        json_decref(d);
        d = report_json(fx.unit_b, "program", "P1", NULL, NULL, NULL);
        assert_true(json_is_true(at(d, "suppressed")));
        ASSERT_NUM(d, "responses", 1);
        json_decref(d);
}

/* Another unit's report is PERMISSION_DENIED, exit status 6. */
static void test_denied(void **state)
{
        struct h_result r;

        (void)state;
        r = run(fx.unit_a, "report", "jp", "--year", "2027", "--unit", "KEL-B", NULL);
        assert_int_equal(r.status, EXIT_DENIED);
        assert_non_null(strstr(r.err, "KEL-B"));
        h_result_free(&r);
        r = run(fx.unit_a, "--json", "report", "ikm", "--period", "2027-Q1", "--unit", "KEL-B",
                NULL);
        assert_int_equal(r.status, EXIT_DENIED);
        h_result_free(&r);
        r = run(fx.unit_b, "report", "program", "P1", "--unit", "KEL-A", NULL);
        assert_int_equal(r.status, EXIT_DENIED);
        h_result_free(&r);
}

/* JP 2027: klasikal from selesai enrollments, mentoring 150 min / 45 = 3.33. */
static void test_jp(void **state)
{
        json_t *d = report_json(fx.hr, "jp", "--year", "2027", NULL, NULL);
        json_t *row;
        size_t i;

        (void)state;
        ASSERT_NUM(d, "minimum_jp", 20);
        ASSERT_NUM(d, "jp_minutes", 45);
        ASSERT_NUM(d, "total.asn", 6);
        ASSERT_NUM(d, "total.compliant", 4);
        ASSERT_NUM(d, "total.share_compliant_pct", 66.67);
        ASSERT_STR(d, "units.0.unit", "KEL-A");
        ASSERT_NUM(d, "units.0.asn", 4);
        ASSERT_NUM(d, "units.0.compliant", 3);
        ASSERT_NUM(d, "units.0.share_compliant_pct", 75.00);
        ASSERT_NUM(d, "units.1.share_compliant_pct", 50.00);
        json_array_foreach(at(d, "asn"), i, row)
        {
                const char *nip = json_string_value(json_object_get(row, "nip"));
                if (strcmp(nip, A1) == 0) {
                        ASSERT_NUM(row, "klasikal_jp", 28); /* 24 + 4 */
                        assert_true(json_is_true(json_object_get(row, "compliant")));
                } else if (strcmp(nip, A4) == 0) {
                        ASSERT_NUM(row, "klasikal_jp", 0); /* hadir only */
                        ASSERT_NUM(row, "mentoring_minutes", 150);
                        ASSERT_NUM(row, "nonklasikal_jp", 3.33);
                        ASSERT_NUM(row, "total_jp", 3.33);
                        ASSERT_NUM(row, "shortfall_jp", 16.67);
                } else if (strcmp(nip, B2) == 0) {
                        ASSERT_NUM(row, "total_jp", 0);
                        ASSERT_NUM(row, "shortfall_jp", 20);
                }
        }
        assert_int_equal(json_array_size(at(d, "below")), 2);
        json_decref(d);
        d = report_json(fx.unit_b, "jp", "--year", "2027", NULL, NULL);
        ASSERT_NUM(d, "total.asn", 2);
        ASSERT_NUM(d, "total.compliant", 1);
        json_decref(d);
}

/* Plan 2027 as of 2027-06-30: P1 and P2 held, P3 not. */
static void test_plan(void **state)
{
        json_t *d = report_json(fx.hr, "plan", "--year", "2027", "--today", "2027-06-30");

        (void)state;
        ASSERT_NUM(d, "total.planned", 3);
        ASSERT_NUM(d, "total.held", 2);
        ASSERT_NUM(d, "total.seats", 25);
        ASSERT_NUM(d, "total.enrolled", 8);       /* 5 + 3 (tidak-hadir frees a seat) */
        ASSERT_NUM(d, "total.completed", 6);      /* 4 + 2 */
        ASSERT_NUM(d, "total.jp_delivered", 104); /* 4 x 24 + 2 x 4 */
        ASSERT_STR(d, "by_method.0.method", "pelatihan");
        ASSERT_NUM(d, "by_method.0.jp_delivered", 96);
        ASSERT_STR(d, "by_competency.1.competency", "PLY");
        ASSERT_NUM(d, "by_competency.1.completed", 2);
        ASSERT_STR(d, "programs.2.code", "P3");
        assert_true(json_is_false(at(d, "programs.2.held")));
        json_decref(d);
}

/* Needs: 4 needs, 3 covered, ETK of KEL-B by nobody. */
static void test_needs(void **state)
{
        json_t *d = report_json(fx.hr, "needs", "--year", "2027", NULL, NULL);

        (void)state;
        ASSERT_NUM(d, "total.needs", 4);
        ASSERT_NUM(d, "total.covered", 3);
        ASSERT_NUM(d, "total.covered_pct", 75.00);
        assert_int_equal(json_array_size(at(d, "uncovered")), 1);
        ASSERT_STR(d, "uncovered.0.competency", "ETK");
        ASSERT_STR(d, "needs.0.covered_by.0", "P1");
        /* KEL-A ADM (P1): A1-A4 enrolled (A4 hadir), A1-A3 selesai; KEL-A
         * PLY (P2): A1, A2 selesai; KEL-B KEU (P3): nobody of KEL-B */
        ASSERT_NUM(d, "needs.0.enrolled", 4);
        ASSERT_NUM(d, "needs.0.completed", 3);
        ASSERT_NUM(d, "needs.1.enrolled", 2);
        ASSERT_NUM(d, "needs.1.completed", 2);
        ASSERT_STR(d, "needs.2.competency", "KEU");
        ASSERT_NUM(d, "needs.2.enrolled", 0);
        json_decref(d);
}

/* Competency: ADM 2.00 -> 3.50 improved; PLY 3.00 -> 2.00 weak; replaced value ignored. */
static void test_competency(void **state)
{
        json_t *d = report_json(fx.unit_a, "competency", NULL, NULL, NULL, NULL);

        (void)state;
        ASSERT_STR(d, "units.0.unit", "KEL-A");
        assert_int_equal(json_array_size(at(d, "units")), 1);
        ASSERT_STR(d, "units.0.competencies.0.competency", "ADM");
        ASSERT_NUM(d, "units.0.competencies.0.periods.0.mean", 2.00);
        ASSERT_NUM(d, "units.0.competencies.0.periods.1.mean", 3.50);
        ASSERT_NUM(d, "units.0.competencies.0.change", 1.50);
        assert_true(json_is_true(at(d, "units.0.competencies.0.improved")));
        assert_true(json_is_false(at(d, "units.0.competencies.0.weak")));
        ASSERT_NUM(d, "units.0.competencies.1.latest_mean", 2.00);
        assert_true(json_is_true(at(d, "units.0.competencies.1.weak")));
        ASSERT_STR(d, "units.0.weak.0", "PLY");
        ASSERT_STR(d, "units.0.improved.0", "ADM");
        json_decref(d);
}

/* Mentoring: 2 sessions, 150 minutes = 2.50 hours; quiet after 30 days. */
static void test_mentoring(void **state)
{
        json_t *d = report_json(fx.hr, "mentoring", "--year", "2027", "--today", "2027-06-30");

        (void)state;
        ASSERT_NUM(d, "total.pairs", 1);
        ASSERT_NUM(d, "total.sessions", 2);
        ASSERT_NUM(d, "total.minutes", 150);
        ASSERT_NUM(d, "total.hours", 2.50);
        ASSERT_NUM(d, "total.stale_pairs", 1);
        ASSERT_NUM(d, "pairs.0.days_since_last", 76);
        ASSERT_STR(d, "pairs.0.last_session", "2027-04-15");
        json_decref(d);
        d = report_json(fx.hr, "mentoring", "--year", "2027", "--today", "2027-05-15");
        ASSERT_NUM(d, "total.stale_pairs", 0); /* 30 days exactly is not quiet */
        json_decref(d);
}

/* IKM 2027-Q1: KEL-A 25 x 113 / 36 = 78.47 (B), KEL-B all 4s = 100.00 (A). */
static void test_ikm(void **state)
{
        json_t *d = report_json(fx.hr, "ikm", "--period", "2027-Q1", NULL, NULL);
        struct h_result r;

        (void)state;
        ASSERT_STR(d, "weight", "1/9");
        assert_non_null(strstr(json_string_value(at(d, "note")), "0.111"));
        ASSERT_STR(d, "units.0.unit", "KEL-A");
        ASSERT_NUM(d, "units.0.respondents", 4);
        ASSERT_NUM(d, "units.0.ikm", 78.47);
        ASSERT_STR(d, "units.0.grade", "B");
        ASSERT_STR(d, "units.0.label", "Baik");
        ASSERT_NUM(d, "units.0.elements.2.nrr", 2.50);
        ASSERT_NUM(d, "units.0.elements.3.nrr", 4.00);
        ASSERT_STR(d, "units.0.weakest.0", "u3");
        assert_int_equal(json_array_size(at(d, "units.0.weakest")), 1);
        ASSERT_NUM(d, "units.1.ikm", 100.00);
        ASSERT_STR(d, "units.1.grade", "A");
        ASSERT_STR(d, "units.1.label", "Sangat Baik");
        ASSERT_NUM(d, "all.respondents", 5);
        ASSERT_NUM(d, "all.ikm", 82.78); /* 25 x 149 / 45 */
        json_decref(d);
        d = report_json(fx.unit_a, "ikm", "--period", "2027-Q1", NULL, NULL);
        assert_int_equal(json_array_size(at(d, "units")), 1);
        ASSERT_NUM(d, "units.0.ikm", 78.47);
        json_decref(d);
        r = run(fx.hr, "report", "ikm", "--period", "2027-Q1", NULL);
        assert_int_equal(r.status, 0);
        /* no population set: the grade is given as provisional */
        assert_non_null(strstr(r.out, "IKM 78.47, grade B (Baik; provisional)"));
        assert_non_null(strstr(r.out, "population not set"));
        h_result_free(&r);
}

/* export: tables from the replica; evaluations only in aggregate. */
static void test_export(void **state)
{
        struct h_result r;

        (void)state;
        r = run(fx.hr, "export", "programs", "--csv", NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "id,code,plan_year,title,method"));
        assert_int_equal(h_count(r.out, "\n"), 4);
        h_result_free(&r);
        r = run(fx.unit_a, "export", "asn", "--csv", NULL);
        assert_int_equal(r.status, 0);
        assert_int_equal(h_count(r.out, "KEL-B"), 0);
        assert_int_equal(h_count(r.out, "KEL-A"), 4);
        h_result_free(&r);
        r = run(fx.hr, "export", "evaluations", "--csv", NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "P1,4,0,4.00,3.25,4.00,3.75\n"));
        assert_non_null(strstr(r.out, "P2,2,1,,,,\n"));
        assert_null(strstr(r.out, "Rahasia"));
        h_result_free(&r);
        r = run(fx.hr, "export", "nosuch", NULL);
        assert_int_equal(r.status, EXIT_USAGE);
        h_result_free(&r);
}

/* The page in Indonesian: lang="id", its words translated and escaped, the
 * figures a person reads with the decimal comma (i18n_number, decisions 61),
 * while the drawing's coordinates stay in the C locale (LC_NUMERIC "C" even
 * under id_ID; without that locale C.UTF-8 and LANGUAGE=id still pick the
 * catalog). */
static void test_html_id(void)
{
        char *out = h_path(fx.tmp, "belawan-2027-id.html");
        const char *env[] = {"LC_ALL=id_ID.UTF-8", "LANGUAGE=id", NULL};
        const char *argv[] = {h_renbin_bin(), "--home", fx.hr, "report",  "html",       "--year",
                              "2027",         "--out",  out,   "--today", "2027-06-30", NULL};
        struct h_result r;
        char *html;

        h_run_env(&r, env, argv);
        if (r.status != 0)
                fail_msg("renbin exited %d: %s", r.status, r.err);
        h_result_free(&r);
        assert_non_null(html = h_read_file(out));
        assert_non_null(strstr(html, "<html lang=\"id\">"));
        assert_non_null(strstr(html, "Rencana Pembinaan ASN Belawan 2027</h1>"));
        assert_int_equal(h_count(html, "Jawaban kurang dari 3"), 1); /* P2 */
        assert_int_equal(h_count(html, "Belum ada jawaban."), 1);    /* P3 */
        assert_null(strstr(html, "Fewer than 3 answers"));
        assert_non_null(strstr(html, "Materi &lt;b&gt;padat&lt;/b&gt; &amp; jelas"));
        assert_non_null(strstr(html, "78,47 B Baik"));
        assert_non_null(strstr(html, "2 dari 3</text>"));
        assert_non_null(strstr(html, "di bawah 10,00 JP (separuh batas minimum)</text>"));
        assert_non_null(strstr(html, ">76,61</text>"));
        assert_non_null(strstr(html, "12,00 JP; 1 dari 2 mencapai 20</text>"));
        assert_null(strstr(html, "78.47"));
        assert_null(strstr(html, "width=\"0,"));
        assert_null(strstr(html, "x=\"0,"));
        free(html);
        free(out);
}

/* The sections of the page, hand-computed. JP: KEL-B's mean is (24 + 0) / 2
 * = 12.00 JP (amber: at least half of 20, under it), KEL-A's (28 + 28 + 24 +
 * 3.33) / 4 = 20.83 (green), so KEL-B comes first; no names of the people
 * below. IKM: the axis from 25 marked at 65.00, 76.61 and 88.31; KEL-A's 4
 * answers under the minimum of 80 for 100 served; the year before its
 * quarter. Levels: P1's pre 50.00, post 80.00, gain 30.00. Needs: KEL-A
 * ADM covered by P1, where 4 of KEL-A's 4 ASN enrolled and 3 completed.
 * Forums: one of each state, the done one not listed. Gaps: A3 (Staf) at
 * PLY 2 of 3. Records: KEL-A's one pending (6 JP), KEL-B's one rejected.
 * Mentoring: KEL-A's one pair, 2 sessions. */
static void test_html_sections(const char *html)
{
        char *s = h_html_section(html, "jp");

        assert_true(strstr(s, "KEL-B") < strstr(s, "KEL-A"));
        /* both layouts: KEL-B's bar amber, KEL-A's green, red only in the key */
        assert_int_equal(h_count(s, "fill=\"#e67e22\""), 4);
        assert_int_equal(h_count(s, "fill=\"#2e7d32\""), 4);
        assert_int_equal(h_count(s, "fill=\"#c0392b\""), 2);
        assert_non_null(strstr(s, "12.00 JP; 1 of 2 at 20</text>"));
        assert_non_null(strstr(s, "20.83 JP; 3 of 4 at 20</text>"));
        assert_non_null(strstr(s, "stroke-dasharray"));
        assert_null(strstr(s, "Fitri Ginting")); /* B2, 0 JP */
        free(s);
        s = h_html_section(html, "ikm");
        assert_non_null(strstr(s, ">65.00</text>"));
        assert_non_null(strstr(s, ">76.61</text>"));
        assert_non_null(strstr(s, ">88.31</text>"));
        assert_non_null(strstr(s, "The axis starts at 25.00"));
        assert_non_null(strstr(s, "sample too small (4 of 80)"));
        assert_non_null(strstr(s, "population not set")); /* KEL-B */
        assert_non_null(strstr(s, "<th class=\"n nw\">2027</th><th class=\"n nw\">2027-Q1</th>"));
        free(s);
        s = h_html_section(html, "levels");
        assert_non_null(strstr(s, "P1</td><td class=\"n\" data-label=\"Level 1 mean\">"));
        assert_non_null(strstr(s, ">3</td><td class=\"n\" data-label=\"Pre\">50.00</td><td "
                                  "class=\"n\" data-label=\"Post\">80.00</td><td class=\"n\" "
                                  "data-label=\"Gain\">30.00</td>"));
        assert_null(strstr(s, ">P2</td>")); /* no test, no follow-up */
        free(s);
        s = h_html_section(html, "needs");
        assert_non_null(strstr(s, "<td class=\"nw\" data-label=\"Unit\">KEL-A</td><td "
                                  "data-label=\"Competency\">ADM Administrasi perkantoran</td><td "
                                  "data-label=\"Priority\">tinggi</td><td data-label=\"Covered "
                                  "by\">P1</td><td class=\"n\" data-label=\"Enrolled\">4</td><td "
                                  "class=\"n\" data-label=\"Completed\">3</td><td class=\"n\" "
                                  "data-label=\"ASN\">4</td>"));
        free(s);
        s = h_html_section(html, "forums");
        assert_non_null(strstr(s, "3 forum notes: 1 to do, 1 in progress, 1 done."));
        assert_non_null(strstr(s, "Saluran air"));
        assert_non_null(strstr(s, "Seksi Trantib"));
        assert_null(strstr(s, "Lampu jalan")); /* done */
        free(s);
        s = h_html_section(html, "gaps");
        assert_non_null(strstr(s, "PLY Pelayanan publik (1 person, mean gap 1.00)"));
        free(s);
        s = h_html_section(html, "records");
        assert_non_null(strstr(s,
                               "KEL-A</td><td class=\"n\" data-label=\"Verified\">0</td><td "
                               "class=\"n\" data-label=\"JP verified\">0</td><td class=\"n\" "
                               "data-label=\"Pending\">1</td><td class=\"n\" data-label=\"JP "
                               "pending\">6</td><td class=\"n\" data-label=\"Rejected\">0</td>"));
        assert_non_null(strstr(s,
                               "KEL-B</td><td class=\"n\" data-label=\"Verified\">0</td><td "
                               "class=\"n\" data-label=\"JP verified\">0</td><td class=\"n\" "
                               "data-label=\"Pending\">0</td><td class=\"n\" data-label=\"JP "
                               "pending\">0</td><td class=\"n\" data-label=\"Rejected\">1</td>"));
        free(s);
        s = h_html_section(html, "mentoring");
        assert_non_null(strstr(s, "<td class=\"nw\" data-label=\"Unit\">KEL-A</td><td class=\"n\" "
                                  "data-label=\"Pairs\">1</td><td class=\"n\" "
                                  "data-label=\"Sessions\">2</td>"));
        free(s);
}

/* The page: self-contained, escaped, n < 3 hidden, its sections hand-computed. */
static void test_html(void **state)
{
        char *out = h_path(fx.tmp, "belawan-2027.html"), *html, *out_a, *html_a;

        (void)state;
        OK(fx.hr, "report", "html", "--year", "2027", "--out", out, "--today", "2027-06-30");
        assert_non_null(html = h_read_file(out));
        assert_non_null(strstr(html, "<!DOCTYPE html>"));
        assert_non_null(strstr(html, "@media print"));
        assert_non_null(strstr(html, "<svg"));
        assert_null(strstr(html, "<script"));
        assert_null(strstr(html, "http://"));
        assert_null(strstr(html, "https://"));
        assert_null(strstr(html, "<b>padat"));
        assert_non_null(strstr(html, "Materi &lt;b&gt;padat&lt;/b&gt; &amp; jelas"));
        assert_int_equal(h_count(html, "Fewer than 3 answers"), 1); /* P2 */
        assert_int_equal(h_count(html, "No answers yet"), 1);       /* P3 */
        assert_null(strstr(html, "Rahasia"));
        assert_non_null(strstr(html, "78.47 B Baik"));
        assert_non_null(strstr(html, "100.00 A Sangat Baik"));
        assert_non_null(strstr(html, "KEL-B"));
        assert_non_null(strstr(html, "2 of 3</text>")); /* programs held as of 2027-06-30 */
        assert_non_null(strstr(html, "<html lang=\"en\">"));
        test_html_id();
        /* an office's page holds its own unit only */
        out_a = h_path(fx.tmp, "kel-a-2027.html");
        OK(fx.unit_a, "report", "html", "--year", "2027", "--out", out_a);
        assert_non_null(html_a = h_read_file(out_a));
        assert_null(strstr(html_a, "KEL-B"));
        assert_non_null(strstr(html_a, "KEL-A"));
        test_html_sections(html);
        free(html);
        free(html_a);
        free(out_a);
        free(out);
}

/* Runs report html --out out as HR: its exit status (stderr into err, if not NULL). */
static int html_to(const char *out, char **err)
{
        struct h_result r = run(fx.hr, "report", "html", "--year", "2027", "--out", out, NULL);
        int st = r.status;

        if (err != NULL)
                *err = h_strf("%s", r.err);
        h_result_free(&r);
        return st;
}

/* The page is written through a new temporary: a symbolic link planted at
 * the old predictable name OUT.tmp is not followed, and an --out that names
 * something other than a regular file (a FIFO, a link to one, a folder) is
 * refused (exit 3) and left as it was. */
static void test_html_out_safe(void **state)
{
        char *out = h_path(fx.tmp, "safe.html"), *tmp = h_strf("%s.tmp", out),
             *victim = h_path(fx.tmp, "victim.txt"), *fifo = h_path(fx.tmp, "out.fifo"),
             *link = h_path(fx.tmp, "fifo-link.html"), *got, *err;
        struct stat st;
        FILE *f;

        (void)state;
        assert_non_null(f = fopen(victim, "w"));
        fputs("precious\n", f);
        fclose(f);
        assert_int_equal(symlink(victim, tmp), 0);
        assert_int_equal(html_to(out, NULL), EXIT_OK);
        assert_string_equal(got = h_read_file(victim), "precious\n");
        free(got);
        assert_int_equal(lstat(out, &st), 0);
        assert_true(S_ISREG(st.st_mode));
        assert_non_null(got = h_read_file(out));
        assert_non_null(strstr(got, "</html>"));
        free(got);
        assert_int_equal(lstat(tmp, &st), 0); /* the planted link is left alone */
        assert_true(S_ISLNK(st.st_mode));
        /* a FIFO, a link to it and a folder: refused, not replaced */
        assert_int_equal(mkfifo(fifo, 0600), 0);
        assert_int_equal(symlink(fifo, link), 0);
        assert_int_equal(html_to(fifo, &err), EXIT_INVALID);
        assert_non_null(strstr(err, "not a regular file"));
        free(err);
        assert_int_equal(html_to(link, NULL), EXIT_INVALID);
        assert_int_equal(html_to(fx.tmp, NULL), EXIT_INVALID);
        assert_int_equal(lstat(fifo, &st), 0);
        assert_true(S_ISFIFO(st.st_mode));
        assert_int_equal(lstat(link, &st), 0);
        assert_true(S_ISLNK(st.st_mode));
        free(out);
        free(tmp);
        free(victim);
        free(fifo);
        free(link);
}

/* With the server gone, reports come from the replica, marked with their time. */
static void test_offline(void **state)
{
        struct h_result r;
        json_t *d;

        (void)state;
        h_server_stop(&fx.srv);
        r = run(fx.hr, "report", "ikm", "--period", "2027-Q1", NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "as of "));
        assert_non_null(strstr(r.out, "IKM 78.47"));
        h_result_free(&r);
        r = run(fx.hr, "--json", "report", "jp", "--year", "2027", NULL);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.err, "as of "));
        assert_non_null(d = json_loads(r.out, 0, NULL));
        ASSERT_NUM(d, "total.compliant", 4);
        json_decref(d);
        h_result_free(&r);
        r = run(fx.hr, "report", "needs", "--year", "2031", NULL);
        assert_int_equal(r.status, EXIT_OFFLINE);
        h_result_free(&r);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_program_hr),
            cmocka_unit_test(test_program_suppressed),
            cmocka_unit_test(test_program_office),
            cmocka_unit_test(test_denied),
            cmocka_unit_test(test_jp),
            cmocka_unit_test(test_plan),
            cmocka_unit_test(test_needs),
            cmocka_unit_test(test_competency),
            cmocka_unit_test(test_mentoring),
            cmocka_unit_test(test_ikm),
            cmocka_unit_test(test_export),
            cmocka_unit_test(test_html),
            cmocka_unit_test(test_html_out_safe),
            cmocka_unit_test(test_offline),
        };
        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
