/*
 * test_e2e_records.c - records of training from outside the plan, the JP of
 * a method counted by day and the SIASN export, end to end over TLS (issue
 * 15): a verified record moves a person over 20 JP in report jp and a
 * pending one does not (shown as pending, in asn show too); HR rejects with
 * a reason and decides once; an office may not verify, nor add for a person
 * of another unit; a two-day seminar counts at most 8 JP, offline on the
 * client and on the server, and gets 8 when no JP is given; the SIASN export
 * gives SIASN's fields with the exact values of one enrollment and one
 * verified record, in CSV and JSON, and an office sees only its unit's.
 *
 * The data, by hand: P1 pelatihan 2027-02-01..03, 16 JP, partner "BPSDM
 * Provinsi Sumatera Utara"; A1 and A2 (KEL-A) complete it: 16 JP each.
 * A1's record: e-learning (nonklasikal) 2027-04-05..09, 6 JP, certificate
 * LAN/2027/0042: verified, 16 + 6 = 22 >= 20. A2's record: seminar
 * 2027-05-10..11, no JP given: 2 days x 4 = 8, pending: 16 counted, 8
 * pending.
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
#include <unistd.h>

#define UNIT_A "KEL-A"
#define UNIT_B "KEL-B"
#define CERT "LAN/2027/0042"

struct fixture {
        char *tmp, *data, *bundle_hr, *bundle_a, *bundle_b, *hr, *a, *b;
        char a1[19], a2[19], b1[19];
        struct h_server srv;
};

static struct fixture fx;

/* The row of report jp --json for nip (HR's view). */
static json_t *jp_row(json_t *doc, const char *nip)
{
        json_t *row = f_row_with(json_object_get(doc, "asn"), "nip", nip);

        if (row == NULL)
                fail_msg("report jp has no row for %s", nip);
        return row;
}

#define ASSERT_JP(row, key, want)                                                                  \
        assert_int_equal(llround(json_number_value(json_object_get(row, key)) * 100),              \
                         llround((want)*100))

/* The roster, the plan and P1 completed by A1 and A2. */
static void dataset(void)
{
        char *csv, *path;

        f_nip(fx.a1, "19800101", "200503", 1, 1);
        f_nip(fx.a2, "19850202", "201003", 2, 2);
        f_nip(fx.b1, "19900303", "201503", 1, 3);
        csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n%s,Andi Satu,%s,Staf,III/a,\n"
                     "%s,Ani Dua,%s,Staf,III/a,\n%s,Budi Tiga,%s,Staf,III/b,\n",
                     fx.a1, UNIT_A, fx.a2, UNIT_A, fx.b1, UNIT_B);
        path = f_write(fx.tmp, "roster.csv", csv);
        f_ok(fx.hr, "import", "asn", path, NULL);
        free(path);
        free(csv);
        f_ok(fx.hr, "plan", "create", "2027", "Rencana 2027", NULL);
        f_ok(fx.hr, "program", "add", "--plan", "2027", "--code", "P1", "--title", "Tata naskah",
             "--method", "pelatihan", "--partner", "BPSDM Provinsi Sumatera Utara", "--start",
             "2027-02-01", "--end", "2027-02-03", "--jp", "16", "--capacity", "10", NULL);
        f_ok(fx.hr, "plan", "approve", "2027", NULL);
        f_ok(fx.hr, "enroll", "P1", fx.a1, fx.a2, NULL);
        f_ok(fx.hr, "attend", "P1", fx.a1, "--status", "hadir", NULL);
        f_ok(fx.hr, "attend", "P1", fx.a1, "--status", "selesai", NULL);
        f_ok(fx.hr, "attend", "P1", fx.a2, "--status", "hadir", NULL);
        f_ok(fx.hr, "attend", "P1", fx.a2, "--status", "selesai", NULL);
}

static int group_setup(void **state)
{
        (void)state;
        fx.tmp = h_tmpdir("records");
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
        h_server_env = h_env_after_plans; /* attendance after the programs start */
        h_must_start(&fx.srv, fx.data);
        h_must_setup(fx.hr, fx.srv.addr, fx.bundle_hr);
        f_ok(fx.hr, "unit", "add", UNIT_A, "Kelurahan A", "--kind", "kelurahan", NULL);
        f_ok(fx.hr, "unit", "add", UNIT_B, "Kelurahan B", "--kind", "kelurahan", NULL);
        h_must_setup(fx.a, fx.srv.addr, fx.bundle_a);
        h_must_setup(fx.b, fx.srv.addr, fx.bundle_b);
        dataset();
        f_ok(fx.a, "sync", NULL);
        f_ok(fx.b, "sync", NULL);
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

/* The id record list shows for the record of nip titled title, from home. */
static char *shown_id(const char *home, const char *nip, const char *title)
{
        json_t *rows = f_json(0, home, "record", "list", "--nip", nip, NULL), *row;
        char *id = NULL;
        size_t i;

        json_array_foreach(rows, i, row) if (strcmp(f_text(row, "title"), title) == 0) id =
            strdup(f_text(row, "id"));
        json_decref(rows);
        if (id == NULL)
                fail_msg("record list of %s has no '%s'", nip, title);
        return id;
}

/* A two-day seminar counts at most 8 JP: refused offline (nothing queued)
 * for a program and a record, with the rule in the message; without --jp a
 * program gets 8. */
static void test_seminar_rule(void **state)
{
        const char *rule = "a seminar of 2 days counts at most 8 JP (4 JP a day)";
        struct h_result r;
        json_t *st, *rows;

        (void)state;
        f_expect(&r, EXIT_INVALID, fx.hr, "--offline", "program", "add", "--plan", "2027", "--code",
                 "S1", "--title", "Seminar pelayanan", "--method", "seminar", "--start",
                 "2027-03-01", "--end", "2027-03-02", "--jp", "20", "--capacity", "10", NULL);
        assert_non_null(strstr(r.err, rule));
        h_result_free(&r);
        f_expect(&r, EXIT_INVALID, fx.a, "--offline", "record", "add", fx.a2, "--title", "Seminar",
                 "--organizer", "Pemko Medan", "--method", "seminar", "--start", "2027-05-10",
                 "--end", "2027-05-11", "--jp", "20", NULL);
        assert_non_null(strstr(r.err, rule));
        h_result_free(&r);
        st = f_status(fx.a);
        assert_int_equal(f_pending(st), 0);
        json_decref(st);
        st = f_status(fx.hr);
        assert_int_equal(f_pending(st), 0);
        json_decref(st);
        f_ok(fx.hr, "program", "add", "--plan", "2027", "--code", "S1", "--title",
             "Seminar pelayanan", "--method", "seminar", "--start", "2027-03-01", "--end",
             "2027-03-02", "--capacity", "10", NULL);
        rows = f_json(0, fx.hr, "export", "programs", NULL);
        assert_int_equal(f_int(f_row_with(rows, "code", "S1"), "jp"), 8);
        json_decref(rows);
        /* A correction is held to the same rule on the server. */
        f_expect(&r, EXIT_INVALID, fx.hr, "program", "update", "S1", "--jp", "9", NULL);
        assert_non_null(strstr(r.err, rule));
        h_result_free(&r);
        /* Other methods state their JP. */
        f_expect(&r, EXIT_INVALID, fx.a, "--offline", "record", "add", fx.a2, "--title", "Kursus",
                 "--organizer", "LAN", "--method", "kursus", "--start", "2027-05-10", "--end",
                 "2027-05-11", NULL);
        assert_non_null(strstr(r.err, "jp"));
        h_result_free(&r);
}

/* A verified record moves A1 over 20 JP (as nonklasikal); A2's pending
 * seminar (8 JP by default) is shown and not counted. */
static void test_verified_counts(void **state)
{
        json_t *doc, *row, *rows, *show;
        char *id;

        (void)state;
        f_ok(fx.a, "record", "add", fx.a1, "--title", "Manajemen ASN", "--organizer", "LAN RI",
             "--method", "e-learning", "--start", "2027-04-05", "--end", "2027-04-09", "--jp", "6",
             "--certificate", CERT, NULL);
        f_ok(fx.a, "record", "add", fx.a2, "--title", "Seminar pelayanan publik", "--organizer",
             "Pemko Medan", "--method", "seminar", "--start", "2027-05-10", "--end", "2027-05-11",
             NULL);
        f_ok(fx.hr, "sync", NULL);
        rows = f_json(0, fx.hr, "record", "list", "--pending", NULL);
        assert_int_equal(json_array_size(rows), 2);
        assert_int_equal(f_int(f_row_with(rows, "nip", fx.a2), "jp"), 8);
        assert_string_equal(f_text(f_row_with(rows, "nip", fx.a2), "status"), "pending");
        json_decref(rows);
        doc = f_json(0, fx.hr, "report", "jp", "--year", "2027", NULL);
        row = jp_row(doc, fx.a1);
        ASSERT_JP(row, "total_jp", 16);
        assert_int_equal(f_int(row, "pending_jp"), 6);
        assert_false(json_is_true(json_object_get(row, "compliant")));
        json_decref(doc);
        id = shown_id(fx.hr, fx.a1, "Manajemen ASN");
        f_ok(fx.hr, "record", "verify", id, NULL);
        free(id);
        doc = f_json(0, fx.hr, "report", "jp", "--year", "2027", NULL);
        row = jp_row(doc, fx.a1);
        ASSERT_JP(row, "klasikal_jp", 16);
        ASSERT_JP(row, "nonklasikal_jp", 6);
        ASSERT_JP(row, "total_jp", 22);
        assert_int_equal(f_int(row, "records_jp"), 6);
        assert_int_equal(f_int(row, "pending_jp"), 0);
        assert_true(json_is_true(json_object_get(row, "compliant")));
        row = jp_row(doc, fx.a2);
        ASSERT_JP(row, "total_jp", 16);
        ASSERT_JP(row, "shortfall_jp", 4);
        assert_int_equal(f_int(row, "pending_jp"), 8);
        assert_false(json_is_true(json_object_get(row, "compliant")));
        json_decref(doc);
        /* The person's history at the office: verified and pending. */
        f_ok(fx.a, "sync", NULL);
        show = f_json(0, fx.a, "asn", "show", fx.a2, NULL);
        rows = json_object_get(json_array_get(show, 0), "records");
        assert_int_equal(json_array_size(rows), 1);
        assert_string_equal(f_text(json_array_get(rows, 0), "status"), "pending");
        json_decref(show);
        show = f_json(0, fx.a, "asn", "show", fx.a1, NULL);
        rows = json_object_get(json_array_get(show, 0), "records");
        assert_string_equal(f_text(json_array_get(rows, 0), "status"), "verified");
        json_decref(show);
}

/* An office may not verify (refused before anything is queued), nor add a
 * record for a person of another unit. */
static void test_office_refused(void **state)
{
        struct h_result r;
        json_t *st;
        char *id = shown_id(fx.a, fx.a2, "Seminar pelayanan publik");

        (void)state;
        f_expect(&r, EXIT_DENIED, fx.a, "record", "verify", id, NULL);
        h_result_free(&r);
        st = f_status(fx.a);
        assert_int_equal(f_pending(st), 0);
        json_decref(st);
        free(id);
        f_expect(&r, EXIT_DENIED, fx.b, "record", "add", fx.a1, "--title", "Kursus", "--organizer",
                 "LAN", "--method", "kursus", "--start", "2027-05-10", "--end", "2027-05-11",
                 "--jp", "10", NULL);
        h_result_free(&r);
        f_ok(fx.hr, "sync", NULL);
        assert_int_equal(
            f_replica_int(fx.hr, "SELECT count(*) FROM records WHERE title = 'Kursus'", NULL), 0);
}

/* HR rejects with a reason, kept and shown; a decision is taken once; a
 * rejected record never counts. */
static void test_reject(void **state)
{
        struct h_result r;
        json_t *rows, *row, *doc;
        char *id;

        (void)state;
        f_ok(fx.a, "record", "add", fx.a2, "--title", "Workshop arsip", "--organizer", "ANRI",
             "--method", "workshop", "--start", "2027-06-01", "--end", "2027-06-02", NULL);
        f_ok(fx.hr, "sync", NULL);
        id = shown_id(fx.hr, fx.a2, "Workshop arsip");
        f_ok(fx.hr, "record", "reject", id, "--reason", "Sertifikat tidak terbaca", NULL);
        f_expect(&r, EXIT_REFUSED, fx.hr, "record", "verify", id, NULL);
        assert_non_null(strstr(r.err, "rejected"));
        h_result_free(&r);
        free(id);
        f_ok(fx.a, "sync", NULL);
        rows = f_json(0, fx.a, "record", "list", "--nip", fx.a2, NULL);
        row = f_row_with(rows, "title", "Workshop arsip");
        assert_non_null(row);
        assert_string_equal(f_text(row, "status"), "rejected");
        assert_string_equal(f_text(row, "reason"), "Sertifikat tidak terbaca");
        assert_int_equal(f_int(row, "jp"), 10);
        json_decref(rows);
        doc = f_json(0, fx.hr, "report", "jp", "--year", "2027", NULL);
        row = jp_row(doc, fx.a2);
        ASSERT_JP(row, "total_jp", 16);
        assert_int_equal(f_int(row, "pending_jp"), 8);
        json_decref(doc);
}

/* The exact SIASN row of A1's enrollment in P1. */
static void assert_p1_row(json_t *row)
{
        assert_non_null(row);
        assert_string_equal(f_text(row, "pnsOrangId"), fx.a1);
        assert_string_equal(f_text(row, "institusiPenyelenggara"), "BPSDM Provinsi Sumatera Utara");
        assert_int_equal(f_int(row, "jumlahJam"), 16);
        assert_string_equal(f_text(row, "tanggalKursus"), "01-02-2027");
        assert_string_equal(f_text(row, "tanggalSelesaiKursus"), "03-02-2027");
        assert_int_equal(f_int(row, "tahunKursus"), 2027);
        /* the enrollment's STTPP certificate (the first of the year) */
        assert_string_equal(f_text(row, "nomorSertipikat"), "001/STTPP/BKPSDM/2027");
        assert_string_equal(f_text(row, "jenisKursus"), "pelatihan");
}

/* The exact SIASN row of A1's verified record. */
static void assert_record_row(json_t *row)
{
        assert_non_null(row);
        assert_string_equal(f_text(row, "pnsOrangId"), fx.a1);
        assert_string_equal(f_text(row, "institusiPenyelenggara"), "LAN RI");
        assert_int_equal(f_int(row, "jumlahJam"), 6);
        assert_string_equal(f_text(row, "tanggalKursus"), "05-04-2027");
        assert_string_equal(f_text(row, "tanggalSelesaiKursus"), "09-04-2027");
        assert_int_equal(f_int(row, "tahunKursus"), 2027);
        assert_string_equal(f_text(row, "nomorSertipikat"), CERT);
        assert_string_equal(f_text(row, "jenisKursus"), "e-learning");
}

/* SIASN's fields for A1, JSON and CSV; pending and rejected records and
 * unfinished enrollments are not there; an office sees its own unit only. */
static void test_siasn_export(void **state)
{
        static const char head[] = "pnsOrangId,namaKursus,institusiPenyelenggara,jumlahJam,"
                                   "tanggalKursus,tanggalSelesaiKursus,tahunKursus,"
                                   "nomorSertipikat,jenisKursus\n";
        json_t *rows = f_json(0, fx.hr, "export", "siasn", "--year", "2027", NULL);
        struct h_result r;
        char *line;

        (void)state;
        /* A1: P1 and the record; A2: P1 only (its records are pending, rejected). */
        assert_int_equal(json_array_size(rows), 3);
        assert_int_equal(f_rows_with(rows, "pnsOrangId", fx.a1), 2);
        assert_p1_row(f_row_with(rows, "namaKursus", "Tata naskah"));
        assert_record_row(f_row_with(rows, "namaKursus", "Manajemen ASN"));
        json_decref(rows);
        f_expect(&r, 0, fx.hr, "export", "siasn", "--year", "2027", "--csv", NULL);
        assert_true(strncmp(r.out, head, strlen(head)) == 0);
        line = h_strf("%s,Tata naskah,BPSDM Provinsi Sumatera Utara,16,01-02-2027,03-02-2027,2027,"
                      "001/STTPP/BKPSDM/2027,pelatihan\n%s,Manajemen ASN,LAN "
                      "RI,6,05-04-2027,09-04-2027,2027,%s,"
                      "e-learning\n",
                      fx.a1, fx.a1, CERT);
        assert_non_null(strstr(r.out, line));
        free(line);
        h_result_free(&r);
        line = h_path(fx.tmp, "siasn.xlsx");
        f_ok(fx.hr, "export", "siasn", "--year", "2027", "--xlsx", "--out", line, NULL);
        assert_int_equal(access(line, R_OK), 0);
        free(line);
        f_expect(&r, EXIT_USAGE, fx.hr, "export", "siasn", NULL);
        h_result_free(&r);
        rows = f_json(0, fx.b, "export", "siasn", "--year", "2027", NULL);
        assert_int_equal(json_array_size(rows), 0);
        json_decref(rows);
        rows = f_json(0, fx.a, "export", "siasn", "--year", "2027", "--unit", UNIT_A, NULL);
        assert_int_equal(json_array_size(rows), 3);
        json_decref(rows);
        f_expect(&r, EXIT_DENIED, fx.b, "export", "siasn", "--year", "2027", "--unit", UNIT_A,
                 NULL);
        h_result_free(&r);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_seminar_rule),   cmocka_unit_test(test_verified_counts),
            cmocka_unit_test(test_office_refused), cmocka_unit_test(test_reject),
            cmocka_unit_test(test_siasn_export),
        };
        return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
