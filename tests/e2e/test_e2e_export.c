/*
 * test_e2e_export.c - `renbin export` end to end: every exportable table that
 * has an import kind is exported from one server's HR seat and imported, as
 * the file is, into a fresh server, whose export then holds the same rows
 * (ids and server times aside); an .xlsx export keeps all 18 digits of an NIP
 * as a text cell, with a bold frozen header (read back with unzip -p, and
 * opened by LibreOffice when it is installed); a cell a spreadsheet would
 * take for a formula is guarded with '; --excel writes a UTF-8 BOM, ';' and
 * CRLF; --out - is standard output.
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
#include <unistd.h>

#define UNIT_A "KEL-BLW1"
#define UNIT_B "KEL-BLW2"

struct fixture {
        char *tmp, *data, *data2, *bundle, *bundle2, *hr, *hr2;
        char senior[19], junior[19], part[19], b1[19];
        struct h_server srv, srv2;
};

static struct fixture fx;

/* Imports text (or the file at path when text is NULL) as kind from home,
 * which must exit 0 with nothing rejected. */
static void import_ok(const char *home, const char *kind, const char *text, const char *path)
{
        char *name = h_strf("in-%s.csv", kind);
        char *p = text != NULL ? f_write(fx.tmp, name, text) : h_strf("%s", path);
        json_t *j = strcmp(kind, "programs") == 0
                        ? f_json(0, home, "import", kind, p, "--plan", "2027", NULL)
                        : f_json(0, home, "import", kind, p, NULL);

        assert_non_null(j);
        if (json_array_size(json_object_get(j, "rejected")) != 0)
                fail_msg("import %s: rejected %s", kind,
                         json_dumps(json_object_get(j, "rejected"), JSON_COMPACT));
        json_decref(j);
        free(p);
        free(name);
}

/* The HR kinds of the first server's data. */
static void fill_hr(void)
{
        char *csv;

        import_ok(fx.hr, "units",
                  "code,name,kind\n" UNIT_A ",Kelurahan Belawan I,kelurahan\n" UNIT_B
                  ",Kelurahan Belawan II,kelurahan\n",
                  NULL);
        csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n"
                     "%s,Zulfahmi Hasibuan,%s,Lurah,IV/a,2000-03-01\n"
                     "%s,Teguh Santoso,%s,Penata Layanan Operasional,III/a,2024-03-01\n"
                     "%s,Peserta Satu,%s,Staf,III/b,\n%s,Pegawai B1,%s,Staf,III/c,\n",
                     fx.senior, UNIT_A, fx.junior, UNIT_A, fx.part, UNIT_A, fx.b1, UNIT_B);
        import_ok(fx.hr, "asn", csv, NULL);
        free(csv);
        import_ok(fx.hr, "competencies",
                  "code,name,type\nK-ANG,Pengelolaan anggaran,teknis\n"
                  "K-WKT,Manajemen waktu,manajerial\n",
                  NULL);
        f_ok(fx.hr, "plan", "create", "2027", "Rencana 2027", NULL);
        import_ok(fx.hr, "programs",
                  "code,title,method,competency,partner,speaker,start,end,jp,capacity\n"
                  "ANG-01,Pengelolaan Anggaran,bimtek,K-ANG,BPSDM Provinsi,Drs. S,"
                  "2027-01-25,2027-01-27,24,30\n"
                  "MW-01,Manajemen Waktu,pelatihan,K-WKT,,,2027-02-10,2027-02-12,24,30\n",
                  NULL);
        f_ok(fx.hr, "plan", "approve", "2027", NULL);
        csv = h_strf("program,nip,status\nANG-01,%s,selesai\nANG-01,%s,hadir\nMW-01,%s,\n", fx.part,
                     fx.junior, fx.b1);
        import_ok(fx.hr, "enrollments", csv, NULL);
        free(csv);
}

/* The office kinds, written by HR for both offices. */
static void fill_office(void)
{
        char *csv;

        import_ok(fx.hr, "needs",
                  "unit,year,competency,priority,reason\n" UNIT_A ",2027,K-ANG,tinggi,DPA\n" UNIT_B
                  ",2027,K-WKT,sedang,\n",
                  NULL);
        csv = h_strf("nip,competency,period,level,note\n%s,K-ANG,2026-S2,2,\n"
                     "%s,K-ANG,2027-S1,3,Membaik\n%s,K-WKT,2027-S1,1,\n",
                     fx.part, fx.part, fx.junior);
        import_ok(fx.hr, "assessments", csv, NULL);
        free(csv);
        csv = h_strf("mentor_nip,mentee_nip,topic,competency,from,to\n"
                     "%s,%s,Pengelolaan anggaran,K-ANG,2027-01-11,2027-06-30\n",
                     fx.senior, fx.junior);
        import_ok(fx.hr, "mentoring", csv, NULL);
        free(csv);
        csv = h_strf("mentor_nip,mentee_nip,date,minutes,notes,progress\n"
                     "%s,%s,2027-01-20,90,\"Anggaran, DPA\",3\n%s,%s,2027-02-03,45,,\n",
                     fx.senior, fx.junior, fx.senior, fx.junior);
        import_ok(fx.hr, "mentoring-logs", csv, NULL);
        free(csv);
        import_ok(fx.hr, "forums",
                  "unit,date,topic,input,follow_up\n" UNIT_A
                  ",2027-01-19,Musrenbang Kelurahan,\"Parit, lampu jalan\",Diusulkan\n",
                  NULL);
        import_ok(fx.hr, "survey",
                  "unit,service,period,u1,u2,u3,u4,u5,u6,u7,u8,u9,age,sex,education,job\n" UNIT_A
                  ",Surat keterangan,2027-Q1,3,4,2,4,3,3,3,4,4,73,P,SMA,ibu rumah tangga\n" UNIT_A
                  ",Surat keterangan,2027-Q1,4,4,4,4,4,4,4,4,4,,,,\n",
                  NULL);
}

static int group_setup(void **state)
{
        (void)state;
        f_nip(fx.senior, "19750310", "200003", 1, 1);
        f_nip(fx.junior, "19980101", "202403", 2, 2);
        f_nip(fx.part, "19850601", "201004", 1, 3);
        f_nip(fx.b1, "19870707", "201203", 1, 4);
        fx.tmp = h_tmpdir("export");
        fx.data = h_path(fx.tmp, "data");
        fx.data2 = h_path(fx.tmp, "data2");
        fx.bundle = h_path(fx.tmp, "bundle-hr");
        fx.bundle2 = h_path(fx.tmp, "bundle-hr2");
        fx.hr = h_path(fx.tmp, "home-hr");
        fx.hr2 = h_path(fx.tmp, "home-hr2");
        h_must_init(fx.data);
        h_must_init(fx.data2);
        h_must_issue(fx.data, "BKPSDM", "hr", fx.bundle, NULL);
        h_must_issue(fx.data2, "BKPSDM", "hr", fx.bundle2, NULL);
        h_server_env = h_env_after_plans; /* attendance after the programs start */
        h_must_start(&fx.srv, fx.data);
        h_must_start(&fx.srv2, fx.data2);
        h_must_setup(fx.hr, fx.srv.addr, fx.bundle);
        h_must_setup(fx.hr2, fx.srv2.addr, fx.bundle2);
        fill_hr();
        fill_office();
        json_decref(f_sync(fx.hr));
        return 0;
}

static int group_teardown(void **state)
{
        int rc;

        (void)state;
        rc = h_server_stop(&fx.srv2) == 0 ? 0 : -1;
        h_server_free(&fx.srv2);
        if (h_group_end(&fx.srv, fx.tmp) != 0)
                rc = -1;
        free(fx.tmp);
        free(fx.data);
        free(fx.data2);
        free(fx.bundle);
        free(fx.bundle2);
        free(fx.hr);
        free(fx.hr2);
        return rc;
}

/* Exports table from home into dir/table.csv (--out FILE): its path. */
static char *export_to(const char *home, const char *table, const char *tag)
{
        char *name = h_strf("%s-%s.csv", tag, table), *path = h_path(fx.tmp, name);

        f_ok(home, "export", table, "--out", path, NULL);
        free(name);
        return path;
}

/* The cells of one CSV line (quotes understood), appended to out as
 * "|cell" for every column whose keep[i] is set; keep NULL: every one. When
 * keep_out is not NULL, the header's columns are classified into it. */
static void line_cells(const char *l, const char *end, const int *keep, int *keep_out, char *out,
                       size_t len)
{
        char cell[512];
        size_t c = 0, n = 0;
        int q = 0;

        for (const char *p = l;; p++) {
                if (p < end && (q || *p != ',')) {
                        if (*p == '"')
                                q = !q;
                        else if (n + 1 < sizeof(cell))
                                cell[n++] = *p;
                        continue;
                }
                cell[n] = '\0';
                if (keep_out != NULL)
                        keep_out[c] =
                            strcmp(cell, "id") != 0 && (n < 3 || strcmp(cell + n - 3, "_at") != 0);
                if (keep == NULL || keep[c])
                        snprintf(out + strlen(out), len - strlen(out), "|%s", cell);
                c++;
                n = 0;
                if (p >= end)
                        break;
        }
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A CSV export without its ids and server times, rows sorted: what two
 * servers holding the same data both export. */
static char *comparable(const char *csv)
{
        char *lines[256], *out = calloc(1, 65536);
        int keep[64] = {0};
        size_t n = 0;
        const char *p = csv, *nl;

        assert_non_null(out);
        nl = strchr(p, '\n');
        line_cells(p, nl, NULL, keep, out, 65536);
        out[0] = '\0';
        for (p = nl + 1; *p != '\0' && n < 256; p = nl + 1) {
                nl = strchr(p, '\n');
                lines[n] = calloc(1, 4096);
                line_cells(p, nl, keep, NULL, lines[n++], 4096);
        }
        line_cells(csv, strchr(csv, '\n'), keep, NULL, out, 65536);
        strcat(out, "\n");
        qsort(lines, n, sizeof(lines[0]), cmp_str);
        for (size_t i = 0; i < n; i++) {
                snprintf(out + strlen(out), 65536 - strlen(out), "%s\n", lines[i]);
                free(lines[i]);
        }
        return out;
}

/* Each table, the import kind that reads it back, in the order a fresh
 * server needs them: every exportable table (mentor_logs name their pair by
 * its two NIPs, as their import reads it) but evaluations, which export only
 * their aggregate. */
static const char *const round_trip[][2] = {
    {"units", "units"},
    {"asn", "asn"},
    {"competencies", "competencies"},
    {"programs", "programs"},
    {"enrollments", "enrollments"},
    {"needs", "needs"},
    {"assessments", "assessments"},
    {"mentor_pairs", "mentoring"},
    {"mentor_logs", "mentoring-logs"},
    {"forums", "forums"},
    {"surveys", "survey"},
};
#define NTRIP (sizeof(round_trip) / sizeof(round_trip[0]))

/* export -> import into a fresh server -> export: the same rows. */
static void test_round_trip(void **state)
{
        (void)state;
        f_ok(fx.hr2, "sync", NULL);
        for (size_t i = 0; i < NTRIP; i++) {
                char *path = export_to(fx.hr, round_trip[i][0], "a");
                if (strcmp(round_trip[i][0], "programs") == 0)
                        f_ok(fx.hr2, "plan", "create", "2027", "Rencana 2027", NULL);
                import_ok(fx.hr2, round_trip[i][1], NULL, path);
                if (strcmp(round_trip[i][0], "programs") == 0)
                        f_ok(fx.hr2, "plan", "approve", "2027", NULL);
                json_decref(f_sync(fx.hr2));
                free(path);
        }
        for (size_t i = 0; i < NTRIP; i++) {
                char *a = export_to(fx.hr, round_trip[i][0], "a"),
                     *b = export_to(fx.hr2, round_trip[i][0], "b");
                char *ta = h_read_file(a), *tb = h_read_file(b);
                char *ca = comparable(ta), *cb = comparable(tb);
                if (strcmp(ca, cb) != 0)
                        fail_msg("%s differs after the round trip:\n%s---\n%s", round_trip[i][0],
                                 ca, cb);
                assert_true(h_count(ca, "\n") > 1);
                free(ca);
                free(cb);
                free(ta);
                free(tb);
                free(a);
                free(b);
        }
}

/* Text a spreadsheet would run as a formula gets a leading '; numbers never. */
static void test_formula_guard(void **state)
{
        struct h_result r;

        (void)state;
        import_ok(fx.hr, "forums",
                  "unit,date,topic,input,follow_up\n" UNIT_A
                  ",2027-01-20,=1+2,-kurang,@sum\n" UNIT_A
                  ",2027-01-21,+62 812,\"=HYPERLINK(\"\"x\"\")\",ok\n",
                  NULL);
        json_decref(f_sync(fx.hr));
        f_expect(&r, 0, fx.hr, "export", "forums", NULL);
        assert_non_null(strstr(r.out, ",'=1+2,'-kurang,'@sum,terbuka,,\n"));
        assert_non_null(strstr(r.out, ",'+62 812,\"'=HYPERLINK(\"\"x\"\")\",ok,terbuka,,\n"));
        assert_null(strstr(r.out, ",=1+2"));
        /* Imported back, the guard is not data: the text is as typed. */
        import_ok(fx.hr2, "forums", r.out, NULL);
        h_result_free(&r);
        json_decref(f_sync(fx.hr2));
        assert_true(
            f_replica_int(fx.hr2, "SELECT count(*) FROM forums WHERE topic = '=1+2'", NULL) >= 1);
        assert_true(f_replica_int(fx.hr2, "SELECT count(*) FROM forums WHERE input = '-kurang'",
                                  NULL) >= 1);
        assert_int_equal(f_replica_int(fx.hr2,
                                       "SELECT count(*) FROM forums WHERE substr(topic, 1, 1) = "
                                       "char(39) OR substr(input, 1, 1) = char(39)",
                                       NULL),
                         0);
        f_expect(&r, 0, fx.hr, "export", "surveys", "--out", "-", NULL);
        assert_non_null(strstr(r.out, ",3,4,2,4,3,3,3,4,4,73,P,"));
        h_result_free(&r);
}

/* --excel: BOM, ';' between cells, CRLF after each line, the import's names. */
static void test_excel_csv(void **state)
{
        struct h_result r;

        (void)state;
        f_expect(&r, 0, fx.hr, "export", "asn", "--excel", NULL);
        assert_memory_equal(r.out, "\xEF\xBB\xBFid;NIP;nama;unit;jabatan;golongan;tmt;", 38);
        assert_int_equal(h_count(r.out, "\r\n"), 5);
        assert_int_equal(h_count(r.out, "\n"), 5);
        assert_non_null(strstr(r.out, fx.senior));
        assert_null(strstr(r.out, ","));
        h_result_free(&r);
        f_expect(&r, 0, fx.hr, "export", "enrollments", NULL);
        assert_non_null(
            strstr(r.out, "id,program,nip,unit,status,jp,updated_at,reason,answered\n"));
        /* times are ISO 8601, never Unix seconds */
        assert_non_null(strstr(r.out, "T"));
        assert_non_null(strstr(r.out, "Z,"));
        h_result_free(&r);
}

/* Runs unzip -p file member: what it printed (the test fails if it cannot). */
static char *unzip_member(const char *file, const char *member)
{
        struct h_result r;
        char *out;

        if (access("/usr/bin/unzip", X_OK) != 0) {
                fprintf(stderr, "unzip is not installed (scripts/deps)\n");
                skip();
        }
        h_runl(&r, "/usr/bin/unzip", "-p", file, member, NULL);
        assert_int_equal(r.status, 0);
        out = r.out;
        r.out = NULL;
        h_result_free(&r);
        return out;
}

/* --xlsx: the NIP a text cell with all 18 digits, a bold frozen header,
 * dates as date cells; --xlsx without --out FILE is a usage error. */
static void test_xlsx(void **state)
{
        char *path = h_path(fx.tmp, "asn.xlsx"), *sheet, *strings, *styles, *v;
        struct h_result r;

        (void)state;
        f_ok(fx.hr, "export", "asn", "--xlsx", "--out", path, NULL);
        strings = unzip_member(path, "xl/sharedStrings.xml");
        sheet = unzip_member(path, "xl/worksheets/sheet1.xml");
        styles = unzip_member(path, "xl/styles.xml");
        v = h_strf("<t>%s</t>", fx.senior);
        assert_non_null(strstr(strings, v));
        free(v);
        v = h_strf("<v>%s</v>", fx.senior);
        assert_null(strstr(sheet, v)); /* never a number cell */
        free(v);
        assert_non_null(strstr(sheet, "t=\"s\""));
        assert_non_null(strstr(sheet, "ySplit=\"1\""));
        assert_non_null(strstr(sheet, "state=\"frozen\""));
        assert_non_null(strstr(styles, "<b/>"));
        assert_non_null(strstr(styles, "yyyy-mm-dd"));
        assert_null(strstr(strings, "<t>2000-03-01</t>")); /* the tmt is a date cell */
        free(strings);
        free(sheet);
        free(styles);
        f_expect(&r, 2, fx.hr, "export", "asn", "--xlsx", NULL);
        h_result_free(&r);
        free(path);
}

/* The .xlsx opened by LibreOffice (converted back to CSV headless): every
 * NIP with its 18 digits, dates as written. Skipped without soffice. */
static void test_xlsx_libreoffice(void **state)
{
        char *path = h_path(fx.tmp, "lo.xlsx"), *dir = h_path(fx.tmp, "lo"), *csv, *text;
        char *profile = h_strf("-env:UserInstallation=file://%s/lo-profile", fx.tmp);
        struct h_result r;

        (void)state;
        if (access("/usr/bin/soffice", X_OK) != 0) {
                fprintf(stderr, "soffice is not installed: the .xlsx is not opened\n");
                free(path);
                free(dir);
                free(profile);
                skip();
        }
        f_ok(fx.hr, "export", "asn", "--xlsx", "--out", path, NULL);
        h_runl(&r, "/usr/bin/soffice", profile, "--headless", "--convert-to", "csv", "--outdir",
               dir, path, NULL);
        assert_int_equal(r.status, 0);
        h_result_free(&r);
        csv = h_path(dir, "lo.csv");
        text = h_read_file(csv);
        assert_non_null(text);
        assert_non_null(strstr(text, "id,NIP,nama,unit,jabatan,golongan,tmt,"));
        assert_non_null(strstr(text, fx.senior));
        assert_non_null(strstr(text, fx.junior));
        assert_non_null(strstr(text, ",2000-03-01,"));
        assert_null(strstr(text, "E+17"));
        free(text);
        free(csv);
        free(profile);
        free(dir);
        free(path);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_round_trip),       cmocka_unit_test(test_formula_guard),
            cmocka_unit_test(test_excel_csv),        cmocka_unit_test(test_xlsx),
            cmocka_unit_test(test_xlsx_libreoffice),
        };
        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
