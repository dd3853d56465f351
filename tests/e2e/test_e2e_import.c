/*
 * test_e2e_import.c - every kind `renbin import --help` lists, end to end:
 * a small CSV (the headers of data/) imported with --json over TLS against a
 * real renbind, the rows counted in another seat's replica after its sync;
 * and for each kind a file with one bad line, which exits 3 (bad input),
 * names the line and the column, and queues nothing.
 *
 * One server serves the group. HR imports the kinds only HR may write (and
 * the enrollments, with attendance); office A imports the office's own
 * records. A second HR seat, which imports nothing, is the one that checks.
 * Under the sanitizer build every renbin run is checked by LeakSanitizer:
 * a leak makes the program exit non-zero, which these tests see.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNIT_A "KEL-BLW1"
#define UNIT_B "KEL-BLW2"

struct fixture {
        char *tmp, *data;
        char *bundle_hr, *bundle_hr2, *bundle_a;
        char *hr, *hr2, *a; /* homes */
        /* Office A: a senior (mentor), a junior (mentee), a participant;
         * office B: one person. */
        char senior[19], junior[19], part[19], b1[19];
        struct h_server srv;
};

static struct fixture fx;

/* The number of rows of table (a name, or a name and a WHERE) in home's replica. */
static long long replica_count(const char *home, const char *table)
{
        char *sql = h_strf("SELECT count(*) FROM %s", table);
        long long n = f_replica_int(home, sql, NULL);

        free(sql);
        return n;
}

/* Imports text as kind from home with --json (extra: "--plan", year or NULL)
 * and checks it exits 0 with nothing rejected. */
static void import_ok(const char *home, const char *kind, const char *text, const char *plan)
{
        char *name = h_strf("%s.csv", kind), *path = f_write(fx.tmp, name, text);
        json_t *j = plan ? f_json(0, home, "import", kind, path, "--plan", plan, NULL)
                         : f_json(0, home, "import", kind, path, NULL);

        assert_non_null(j);
        if (json_array_size(json_object_get(j, "rejected")) != 0)
                fail_msg("import %s: rejected %s", kind,
                         json_dumps(json_object_get(j, "rejected"), JSON_COMPACT));
        assert_string_equal(f_text(j, "kind"), kind);
        json_decref(j);
        free(path);
        free(name);
}

static int group_setup(void **state)
{
        (void)state;
        f_nip(fx.senior, "19750310", "200003", 1, 1);
        f_nip(fx.junior, "19980101", "202403", 2, 2);
        f_nip(fx.part, "19850601", "201004", 1, 3);
        f_nip(fx.b1, "19870707", "201203", 1, 4);
        fx.tmp = h_tmpdir("import");
        fx.data = h_path(fx.tmp, "data");
        fx.bundle_hr = h_path(fx.tmp, "bundle-hr");
        fx.bundle_hr2 = h_path(fx.tmp, "bundle-hr2");
        fx.bundle_a = h_path(fx.tmp, "bundle-a");
        fx.hr = h_path(fx.tmp, "home-hr");
        fx.hr2 = h_path(fx.tmp, "home-hr2");
        fx.a = h_path(fx.tmp, "home-a");
        h_must_init(fx.data);
        h_must_issue(fx.data, "BKPSDM", "hr", fx.bundle_hr, NULL);
        h_must_issue(fx.data, "BKPSDM", "hr", fx.bundle_hr2, NULL);
        h_must_issue(fx.data, UNIT_A, "unit", fx.bundle_a, NULL);
        h_server_env = h_env_after_plans; /* attendance after the programs start */
        h_must_start(&fx.srv, fx.data);
        h_must_setup(fx.hr, fx.srv.addr, fx.bundle_hr);
        h_must_setup(fx.hr2, fx.srv.addr, fx.bundle_hr2);
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
        free(fx.bundle_hr2);
        free(fx.bundle_a);
        free(fx.hr);
        free(fx.hr2);
        free(fx.a);
        return rc;
}

/* HR's kinds: units, the roster, competencies, programs into the 2027 plan,
 * enrollments with the status reached; another HR seat sees every row. */
static void test_import_hr_kinds(void **state)
{
        char *csv;

        (void)state;
        import_ok(fx.hr, "units",
                  "code,name,kind\n" UNIT_A ",Kelurahan Belawan I,kelurahan\n" UNIT_B
                  ",Kelurahan Belawan II,kelurahan\n",
                  NULL);
        csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n"
                     "%s,Zulfahmi Hasibuan,%s,Lurah,IV/a,2000-03-01\n"
                     "%s,Teguh Santoso,%s,Penata Layanan Operasional,III/a,2024-03-01\n"
                     "%s,Peserta Satu,%s,Staf,III/b,\n"
                     "%s,Pegawai B1,%s,Staf,III/c,\n",
                     fx.senior, UNIT_A, fx.junior, UNIT_A, fx.part, UNIT_A, fx.b1, UNIT_B);
        import_ok(fx.hr, "asn", csv, NULL);
        free(csv);
        import_ok(fx.hr, "competencies",
                  "code,name,type\nK-ANG,Pengelolaan anggaran,teknis\n"
                  "K-WKT,Manajemen waktu,manajerial\n",
                  NULL);
        f_ok(fx.hr, "plan", "create", "2027", "Rencana Pembinaan ASN Belawan 2027", NULL);
        import_ok(fx.hr, "programs",
                  "code,title,method,competency,partner,speaker,start,end,jp,capacity\n"
                  "ANG-01,Pengelolaan Anggaran,bimtek,K-ANG,BPSDM Provinsi,\"Drs. S, M.AP.\","
                  "2027-01-25,2027-01-27,24,30\n"
                  "MW-01,Manajemen Waktu,pelatihan,K-WKT,,,2027-02-10,2027-02-12,24,30\n",
                  "2027");
        f_ok(fx.hr, "plan", "approve", "2027", NULL);
        csv = h_strf("program,nip,status\nANG-01,%s,selesai\nANG-01,%s,hadir\nMW-01,%s,\n", fx.part,
                     fx.junior, fx.b1);
        import_ok(fx.hr, "enrollments", csv, NULL);
        free(csv);
        json_decref(f_sync(fx.hr2));
        assert_int_equal(replica_count(fx.hr2, "units"), 2);
        assert_int_equal(replica_count(fx.hr2, "asn"), 4);
        assert_int_equal(replica_count(fx.hr2, "competencies"), 2);
        assert_int_equal(replica_count(fx.hr2, "programs"), 2);
        assert_int_equal(replica_count(fx.hr2, "enrollments"), 3);
        assert_int_equal(replica_count(fx.hr2, "enrollments WHERE status = 'selesai'"), 1);
        assert_int_equal(replica_count(fx.hr2, "enrollments WHERE status = 'hadir'"), 1);
        assert_int_equal(replica_count(fx.hr2, "enrollments WHERE status = 'terdaftar'"), 1);
}

/* The roster as an .xlsx LibreOffice wrote (tests/data/asn.xlsx: a text NIP,
 * a date column, a number column the import ignores): its rows reach
 * another HR seat's replica, dates as YYYY-MM-DD. An NIP that Excel made a
 * number (nipnum.xlsx) is refused at its spreadsheet row, nothing queued. */
static void test_import_xlsx(void **state)
{
        json_t *j;
        char *name, *tmt;
        long long before;
        struct h_result r;

        (void)state;
        j = f_json(0, fx.hr, "import", "asn", RENBIN_TEST_DATA "/asn.xlsx", NULL);
        assert_non_null(j);
        assert_int_equal(json_array_size(json_object_get(j, "rejected")), 0);
        json_decref(j);
        json_decref(f_sync(fx.hr2));
        assert_int_equal(replica_count(fx.hr2, "asn WHERE nip IN ('197604122001031101', "
                                               "'198209152006042102', '199001202015031103')"),
                         3);
        name = f_replica_text(fx.hr2, "SELECT name FROM asn WHERE nip = ?1", "197604122001031101");
        tmt = f_replica_text(fx.hr2, "SELECT tmt FROM asn WHERE nip = ?1", "198209152006042102");
        assert_string_equal(name, "Andr\xc3\xa9"
                                  "as Siregar");
        assert_string_equal(tmt, "2006-04-01");
        free(name);
        free(tmt);
        before = replica_count(fx.hr, "outbox");
        f_expect(&r, 3, fx.hr, "import", "asn", RENBIN_TEST_DATA "/nipnum.xlsx", NULL);
        if (strstr(r.err, "line 2, column NIP:") == NULL)
                fail_msg("wanted line 2, column NIP in: %s", r.err);
        assert_int_equal(replica_count(fx.hr, "outbox"), before);
        h_result_free(&r);
}

/* The office's kinds, imported by office A: needs, questionnaires,
 * assessments, mentoring pairs and their sessions, forum notes, survey
 * answers; HR's other seat sees every row after its sync. */
static void test_import_office_kinds(void **state)
{
        char *csv;

        (void)state;
        h_must_setup(fx.a, fx.srv.addr, fx.bundle_a);
        json_decref(f_sync(fx.a));
        import_ok(fx.a, "needs",
                  "unit,competency,priority,reason\n" UNIT_A ",K-ANG,tinggi,Penyusunan DPA\n" UNIT_A
                  ",K-WKT,sedang,\n",
                  NULL);
        csv = h_strf("program,nip,materi,penyampaian,aplikasi,comment\n"
                     "ANG-01,%s,4,3,4,\nANG-01,%s,5,5,4,Mohon slide dibagikan\n",
                     fx.part, fx.junior);
        import_ok(fx.a, "evaluations", csv, NULL);
        free(csv);
        csv = h_strf("nip,competency,period,level,note\n%s,K-ANG,2026-S2,2,\n"
                     "%s,K-ANG,2027-S1,3,Membaik\n%s,K-WKT,2027-S1,1,\n",
                     fx.part, fx.part, fx.junior);
        import_ok(fx.a, "assessments", csv, NULL);
        free(csv);
        csv = h_strf("mentor_nip,mentee_nip,topic,competency,from,to\n"
                     "%s,%s,Pengelolaan anggaran,K-ANG,2027-01-11,2027-06-30\n",
                     fx.senior, fx.junior);
        import_ok(fx.a, "mentoring", csv, NULL);
        free(csv);
        json_decref(f_sync(fx.a));
        csv = h_strf("mentor_nip,mentee_nip,date,minutes,notes,progress\n"
                     "%s,%s,2027-01-18,150,Struktur DPA,2\n%s,%s,2027-02-15,90,,3\n",
                     fx.senior, fx.junior, fx.senior, fx.junior);
        import_ok(fx.a, "mentoring-logs", csv, NULL);
        free(csv);
        import_ok(fx.a, "forums",
                  "unit,date,topic,input,follow_up\n" UNIT_A
                  ",2027-01-19,Musrenbang Kelurahan,Parit dan lampu jalan,Diusulkan ke kecamatan\n",
                  NULL);
        import_ok(fx.a, "survey",
                  "unit,service,period,u1,u2,u3,u4,u5,u6,u7,u8,u9,age,sex,education,job\n" UNIT_A
                  ",Surat keterangan,2027-Q1,3,4,2,4,3,3,3,4,4,73,P,SMA,ibu rumah tangga\n" UNIT_A
                  ",Surat keterangan,2027-Q1,3,4,2,3,3,4,3,3,4,59,L,S1,PNS\n" UNIT_A
                  ",Surat keterangan,2027-Q1,4,4,4,4,4,4,4,4,4,,,,\n",
                  NULL);
        assert_int_equal(replica_count(fx.a, "outbox WHERE state = 'pending'"), 0);
        json_decref(f_sync(fx.hr2));
        assert_int_equal(replica_count(fx.hr2, "needs"), 2);
        /* Answers stay on the server: HR's seat knows only that both answered. */
        assert_int_equal(replica_count(fx.hr2, "enrollments WHERE program = 'ANG-01'"
                                               " AND answered = 1"),
                         2);
        assert_int_equal(replica_count(fx.hr2, "assessments"), 3);
        assert_int_equal(replica_count(fx.hr2, "mentor_pairs"), 1);
        assert_int_equal(replica_count(fx.hr2, "mentor_logs"), 2);
        assert_int_equal(replica_count(fx.hr2, "forums"), 1);
        assert_int_equal(replica_count(fx.hr2, "surveys"), 3);
}

/* Imports path (the bytes a spreadsheet saved) as kind from HR's seat, expecting status;
 * returns what it printed on stderr (to free). */
static char *import_file(const char *kind, const char *path, int status)
{
        struct h_result r;
        char *err;

        f_expect(&r, status, fx.hr, "import", kind, path, NULL);
        err = strdup(r.err);
        h_result_free(&r);
        return err;
}

/* The files offices have: ';' with a BOM and CRLF (Indonesian Excel),
 * Windows-1252, dates written DD/MM/YYYY, and standard input; another seat
 * sees the rows as UTF-8 and YYYY-MM-DD. */
static void test_office_formats(void **state)
{
        char nip1[19], nip2[19], *csv, *path, *err, *cmd;
        struct h_result r;

        (void)state;
        f_nip(nip1, "19900515", "201503", 1, 7);
        f_nip(nip2, "19910620", "201604", 2, 8);
        path = f_write(fx.tmp, "excel-id.csv",
                       "\xef\xbb\xbf"
                       "code;name;kind\r\nKEL-BLW3;Kelurahan Belawan III;kelurahan\r\n");
        free(import_file("units", path, 0));
        free(path);
        csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n%s,Andr\xe9"
                     "as Sitepu,%s,Staf,III/a,2015-03-01\n",
                     nip1, UNIT_A);
        path = f_write(fx.tmp, "cp1252.csv", csv);
        err = import_file("asn", path, 0);
        assert_non_null(strstr(err, "read as Windows-1252"));
        free(err);
        free(path);
        free(csv);
        csv = h_strf("NIP\tnama\tunit\tjabatan\tgolongan\ttmt\n%s\tDewi Lestari\t%s\tStaf\tIII/"
                     "a\t01/04/2016\n",
                     nip2, UNIT_A);
        path = f_write(fx.tmp, "ddmm.csv", csv);
        free(import_file("asn", path, 0));
        free(path);
        free(csv);
        json_decref(f_sync(fx.hr2));
        assert_int_equal(replica_count(fx.hr2, "units WHERE code = 'KEL-BLW3'"), 1);
        assert_int_equal(f_replica_int(fx.hr2, "SELECT count(*) FROM asn WHERE name = ?1",
                                       "Andr\xc3\xa9"
                                       "as Sitepu"),
                         1);
        err = f_replica_text(fx.hr2, "SELECT tmt FROM asn WHERE nip = ?1", nip2);
        assert_string_equal(err, "2016-04-01");
        free(err);
        /* Standard input. */
        path = f_write(fx.tmp, "stdin.csv", "code,name,type\nK-STD,Dari stdin,teknis\n");
        cmd = h_strf("exec '%s' --home '%s' import competencies - < '%s'", h_renbin_bin(), fx.hr,
                     path);
        h_runl(&r, "/bin/sh", "-c", cmd, NULL);
        if (r.status != 0)
                fail_msg("import from stdin exited %d: %s", r.status, r.err);
        h_result_free(&r);
        free(cmd);
        free(path);
        json_decref(f_sync(fx.hr2));
        assert_int_equal(replica_count(fx.hr2, "competencies WHERE code = 'K-STD'"), 1);
}

/* An NIP Excel made a number: exit 3, the line and the column, and what to do. */
static void test_excel_nip(void **state)
{
        static const char *const cells[] = {"1.98001E+17", "1,98001E+17", "198001012020121000"};
        char *csv, *path, *err;

        (void)state;
        for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++) {
                csv = h_strf("NIP;nama;unit;jabatan;golongan;tmt\n\"%s\";Excel;%s;Staf;III/a;\n",
                             cells[i], UNIT_A);
                path = f_write(fx.tmp, "excel-nip.csv", csv);
                err = import_file("asn", path, 3);
                if (strstr(err, "line 2, column NIP:") == NULL || strstr(err, "Excel") == NULL ||
                    strstr(err, "Text") == NULL)
                        fail_msg("%s: no Excel hint in: %s", cells[i], err);
                free(err);
                free(path);
                free(csv);
        }
}

/* A file of one kind: its header, a good line (line 2), a bad one (line 3),
 * the column the report must name, and the seat that imports it. */
struct bad_case {
        const char *kind, *header, *good, *bad, *column;
        int office;
};

/* Imports a file whose line 3 is bad: exit 3, "line 3, column C:", and the
 * seat's outbox is as it was (the good line 2 was not queued either). */
static void expect_bad(const struct bad_case *c)
{
        const char *home = c->office ? fx.a : fx.hr;
        char *name = h_strf("bad-%s.csv", c->kind);
        char *text = h_strf("%s\n%s\n%s\n", c->header, c->good, c->bad);
        char *path = f_write(fx.tmp, name, text);
        char *want = h_strf("line 3, column %s:", c->column);
        long long before = replica_count(home, "outbox");
        struct h_result r;

        if (strcmp(c->kind, "programs") == 0)
                f_expect(&r, 3, home, "import", c->kind, path, "--plan", "2027", NULL);
        else
                f_expect(&r, 3, home, "import", c->kind, path, NULL);
        if (strstr(r.err, want) == NULL || strstr(r.err, "line 2,") != NULL)
                fail_msg("import %s: wanted \"%s\" alone in: %s", c->kind, want, r.err);
        assert_non_null(strstr(r.err, "nothing was imported"));
        assert_int_equal(replica_count(home, "outbox"), before);
        h_result_free(&r);
        free(want);
        free(path);
        free(text);
        free(name);
}

/* One bad line per kind, each checked offline before anything is queued. */
static void test_bad_line_per_kind(void **state)
{
        char asn_good[128], enr_good[64], eval_good[64], test_good[64], assess_good[64],
            pair_good[96], log_good[96], log_bad[96];
        const struct bad_case cases[] = {
            {"units", "code,name,kind", "KEL-X1,Kelurahan X,kelurahan", "KEL-X2,Kelurahan Y,kota",
             "kind", 0},
            {"asn", "NIP,nama,unit,jabatan,golongan,tmt", asn_good,
             "12345,Salah,KEL-BLW1,Staf,III/a,", "NIP", 0},
            {"competencies", "code,name,type", "K-X1,Satu,teknis", "K-X2,Dua,rahasia", "type", 0},
            {"programs", "code,title,method,competency,partner,speaker,start,end,jp,capacity",
             "PX-01,Satu,bimtek,K-ANG,,,2027-03-01,2027-03-02,8,20",
             "PX-02,Dua,bimtek,K-ANG,,,2027-03-01,2027-03-02,lots,20", "jp", 0},
            {"enrollments", "program,nip,status", enr_good, "MW-01,1990010120150310011,hadir",
             "nip", 0},
            {"needs", "unit,competency,priority,reason", UNIT_A ",K-ANG,rendah,",
             UNIT_A ",K-WKT,genting,", "priority", 1},
            {"evaluations", "program,nip,materi,penyampaian,aplikasi,comment", eval_good,
             "MW-01,199001012015031001,4,9,4,", "penyampaian", 1},
            {"tests", "program,nip,pre,post", test_good, "MW-01,199001012015031001,40,101", "post",
             1},
            {"assessments", "nip,competency,period,level,note", assess_good,
             "199001012015031001,K-ANG,2027-S1,7,", "level", 1},
            {"mentoring", "mentor_nip,mentee_nip,topic,competency,from,to", pair_good,
             "199001012015031001,199101012016031002,Topik,K-ANG,2027-02-30,", "from", 1},
            {"mentoring-logs", "mentor_nip,mentee_nip,date,minutes,notes,progress", log_good,
             log_bad, "minutes", 1},
            {"forums", "unit,date,topic,input,follow_up", UNIT_A ",2027-03-01,Rapat,,",
             UNIT_A ",2027-03-01,,Tanpa topik,", "topic", 1},
            {"survey", "unit,service,period,u1,u2,u3,u4,u5,u6,u7,u8,u9",
             UNIT_A ",Surat,2027-Q2,3,3,3,3,3,3,3,3,3", UNIT_A ",Surat,2027-Q2,3,3,3,3,3,3,3,3,7",
             "u9", 1},
            {"standard", "jabatan,competency,level", "Lurah,K-ANG,3", "Lurah,K-WKT,9", "level", 0},
        };

        (void)state;
        snprintf(asn_good, sizeof(asn_good), "%s,Zulfahmi Hasibuan,%s,Lurah,IV/a,2000-03-01",
                 fx.senior, UNIT_A);
        snprintf(enr_good, sizeof(enr_good), "MW-01,%s,hadir", fx.part);
        snprintf(eval_good, sizeof(eval_good), "MW-01,%s,4,4,4,", fx.part);
        snprintf(test_good, sizeof(test_good), "MW-01,%s,40,70", fx.part);
        snprintf(assess_good, sizeof(assess_good), "%s,K-WKT,2027-S2,2,", fx.part);
        snprintf(pair_good, sizeof(pair_good), "%s,%s,Manajemen waktu,K-WKT,2027-02-01,", fx.senior,
                 fx.part);
        snprintf(log_good, sizeof(log_good), "%s,%s,2027-03-01,60,,", fx.senior, fx.junior);
        snprintf(log_bad, sizeof(log_bad), "%s,%s,2027-03-01,lama,,", fx.senior, fx.junior);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
                expect_bad(&cases[i]);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_import_hr_kinds),     cmocka_unit_test(test_import_xlsx),
            cmocka_unit_test(test_office_formats),      cmocka_unit_test(test_excel_nip),
            cmocka_unit_test(test_import_office_kinds), cmocka_unit_test(test_bad_line_per_kind),
        };
        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
