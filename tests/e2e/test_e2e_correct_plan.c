/*
 * test_e2e_correct_plan.c - programs, plans and attendance can be corrected
 * (issue 10) end to end over TLS: HR updates and cancels programs, the
 * server keeps the seats taken, the JP of a completed program, the dates
 * and a cancelled program's enrollments; an office may do none of it; no
 * attendance before a program's first day; HR corrects selesai -> batal and
 * the JP go; every change reaches an office's replica after sync, raises an
 * approved plan's revision and is listed in the plan's history with the
 * seat that made it.
 *
 * The server's clock (RENBIN_TEST_NOW, common/clock.c) is 2027-03-01: CP-01
 * and CP-03 have started, CP-02 starts on 2027-06-01.
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
/* 2027-03-01 05:00 UTC, noon in Belawan. */
#define SERVER_NOW "RENBIN_TEST_NOW=1803877200"

struct fixture {
        char *tmp, *data, *bundle_hr, *bundle_a, *hr, *a;
        char hr_serial[64];
        char p[3][19];
        struct h_server srv;
};

static struct fixture fx;

static const char *const server_env[] = {SERVER_NOW, NULL};

/* A program of the 2027 plan. */
static void program(const char *code, const char *start, const char *end, const char *jp,
                    const char *cap)
{
        f_ok(fx.hr, "program", "add", "--plan", "2027", "--code", code, "--title", "Kegiatan",
             "--method", "pelatihan", "--start", start, "--end", end, "--jp", jp, "--capacity", cap,
             NULL);
}

static int group_setup(void **state)
{
        char *csv, *path;

        (void)state;
        for (int i = 0; i < 3; i++) {
                char birth[24];
                snprintf(birth, sizeof(birth), "198703%02d", i + 1);
                f_nip(fx.p[i], birth, "201104", 1 + i % 2, 40 + i);
        }
        fx.tmp = h_tmpdir("correct");
        fx.data = h_path(fx.tmp, "data");
        fx.bundle_hr = h_path(fx.tmp, "bundle-hr");
        fx.bundle_a = h_path(fx.tmp, "bundle-a");
        fx.hr = h_path(fx.tmp, "home-hr");
        fx.a = h_path(fx.tmp, "home-a");
        h_must_init(fx.data);
        h_must_issue(fx.data, "BKPSDM", "hr", fx.bundle_hr, fx.hr_serial);
        h_must_issue(fx.data, UNIT_A, "unit", fx.bundle_a, NULL);
        h_server_env = server_env;
        h_must_start(&fx.srv, fx.data);
        h_must_setup(fx.hr, fx.srv.addr, fx.bundle_hr);
        f_ok(fx.hr, "unit", "add", UNIT_A, "Kelurahan Belawan I", "--kind", "kelurahan", NULL);
        csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n"
                     "%s,Peserta Satu,%s,Staf,III/b,\n%s,Peserta Dua,%s,Staf,III/b,\n"
                     "%s,Peserta Tiga,%s,Staf,III/b,\n",
                     fx.p[0], UNIT_A, fx.p[1], UNIT_A, fx.p[2], UNIT_A);
        path = f_write(fx.tmp, "roster.csv", csv);
        f_ok(fx.hr, "import", "asn", path, NULL);
        free(path);
        free(csv);
        f_ok(fx.hr, "plan", "create", "2027", "Rencana 2027", NULL);
        program("CP-01", "2027-02-10", "2027-02-12", "24", "3");
        program("CP-02", "2027-06-01", "2027-06-02", "8", "10");
        program("CP-03", "2027-02-15", "2027-02-16", "6", "5");
        f_ok(fx.hr, "plan", "approve", "2027", NULL);
        h_must_setup(fx.a, fx.srv.addr, fx.bundle_a);
        return 0;
}

static int group_teardown(void **state)
{
        int rc;

        (void)state;
        rc = h_group_end(&fx.srv, fx.tmp);
        h_server_env = NULL;
        free(fx.tmp);
        free(fx.data);
        free(fx.bundle_hr);
        free(fx.bundle_a);
        free(fx.hr);
        free(fx.a);
        return rc;
}

/* f_expect that also requires needle on stderr. */
static void refused(int want, const char *needle, const char *home, const char *a1, const char *a2,
                    const char *a3, const char *a4, const char *a5)
{
        struct h_result r;

        f_expect(&r, want, home, a1, a2, a3, a4, a5, NULL);
        if (strstr(r.err, needle) == NULL)
                fail_msg("renbin %s %s %s: stderr lacks '%s': %s", a1, a2, a3, needle, r.err);
        h_result_free(&r);
}

/* A correction reaches the office's replica after its sync. */
static void test_update_round_trips(void **state)
{
        (void)state;
        f_ok(fx.hr, "program", "update", "CP-02", "--title", "Manajemen Risiko", "--capacity", "12",
             "--location", "Aula Kantor Camat", "--end", "2027-06-03", NULL);
        json_decref(f_sync(fx.a));
        char *title = f_replica_text(fx.a, "SELECT title FROM programs WHERE code = ?1", "CP-02");
        char *loc = f_replica_text(fx.a, "SELECT location FROM programs WHERE code = ?1", "CP-02");
        assert_string_equal(title, "Manajemen Risiko");
        assert_string_equal(loc, "Aula Kantor Camat");
        assert_int_equal(
            f_replica_int(fx.a, "SELECT capacity FROM programs WHERE code = ?1", "CP-02"), 12);
        free(title);
        free(loc);
        /* The dates stay in order: an end before the start is bad input. */
        refused(EXIT_INVALID, "2027-06-01", fx.hr, "program", "update", "CP-02", "--end",
                "2027-05-01");
        refused(EXIT_NOT_FOUND, "CP-99", fx.hr, "program", "update", "CP-99", "--title", "X");
}

/* The capacity never drops below the seats taken; the message names both. */
static void test_capacity_below_seats(void **state)
{
        (void)state;
        f_ok(fx.a, "enroll", "CP-01", fx.p[0], fx.p[1], NULL);
        refused(EXIT_REFUSED, "capacity 1 is below the 2 seats taken", fx.hr, "program", "update",
                "CP-01", "--capacity", "1");
        f_ok(fx.hr, "program", "update", "CP-01", "--capacity", "2", NULL);
        json_decref(f_sync(fx.a));
        assert_int_equal(
            f_replica_int(fx.a, "SELECT capacity FROM programs WHERE code = ?1", "CP-01"), 2);
}

/* Once anyone completed a program its JP are fixed. */
static void test_jp_fixed_after_completion(void **state)
{
        (void)state;
        f_ok(fx.hr, "program", "update", "CP-01", "--jp", "20", NULL);
        f_ok(fx.a, "attend", "CP-01", fx.p[0], "--status", "hadir", NULL);
        f_ok(fx.a, "attend", "CP-01", fx.p[0], "--status", "selesai", NULL);
        refused(EXIT_REFUSED, "completed", fx.hr, "program", "update", "CP-01", "--jp", "30");
        json_decref(f_sync(fx.a));
        assert_int_equal(f_replica_int(fx.a, "SELECT jp FROM programs WHERE code = ?1", "CP-01"),
                         20);
        assert_int_equal(f_replica_int(fx.a,
                                       "SELECT jp FROM enrollments WHERE nip = ?1"
                                       " AND program = 'CP-01'",
                                       fx.p[0]),
                         20);
}

/* An office may neither update nor cancel a program, nor correct a state. */
static void test_office_refused(void **state)
{
        (void)state;
        refused(EXIT_DENIED, "central HR", fx.a, "program", "update", "CP-02", "--title", "Lain");
        refused(EXIT_DENIED, "central HR", fx.a, "program", "cancel", "CP-02", "--reason",
                "tidak jadi");
        /* The state machine keeps selesai for the office; only HR corrects it. */
        refused(EXIT_REFUSED, "selesai", fx.a, "attend", "CP-01", fx.p[0], "--status", "batal");
        struct h_result r;
        f_expect(&r, EXIT_DENIED, fx.a, "attend", "CP-01", fx.p[0], "--status", "batal", "--reason",
                 "salah", NULL);
        assert_non_null(strstr(r.err, "central HR"));
        h_result_free(&r);
        json_decref(f_sync(fx.a));
        char *title = f_replica_text(fx.a, "SELECT title FROM programs WHERE code = ?1", "CP-02");
        assert_string_equal(title, "Manajemen Risiko");
        free(title);
}

/* The status code of the one result of an office's push straight to the
 * server (past the client's own check). */
static int office_push(const char *entity, const char *action, const char *const (*kv)[2], size_t n)
{
        Renbin__Response *resp;
        struct h_tls t;
        int code;

        if (h_tls_connect(&t, fx.srv.port, fx.bundle_a, 0) != 0)
                fail_msg("connect: %s", t.error);
        assert_int_equal(h_tls_hello(&t), RENBIN__CODE__OK);
        resp = h_tls_push(&t, entity, NULL, action, kv, n, NULL);
        assert_int_equal(resp->push->n_results, 1);
        code = resp->push->results[0]->status ? (int)resp->push->results[0]->status->code : 0;
        renbin__response__free_unpacked(resp, NULL);
        h_tls_close(&t);
        return code;
}

/* The server refuses an office's update or cancel as well. */
static void test_server_refuses_office(void **state)
{
        const char *const upd[][2] = {{"code", "CP-02"}, {"title", "Lain"}};
        const char *const cancel[][2] = {{"code", "CP-02"}, {"cancel_reason", "tidak jadi"}};

        (void)state;
        assert_int_equal(office_push("program", "update", upd, 2), RENBIN__CODE__PERMISSION_DENIED);
        assert_int_equal(office_push("program", "cancel", cancel, 2),
                         RENBIN__CODE__PERMISSION_DENIED);
        json_decref(f_sync(fx.hr));
        char *st = f_replica_text(fx.hr,
                                  "SELECT status || ' ' || title FROM programs"
                                  " WHERE code = ?1",
                                  "CP-02");
        assert_string_equal(st, "aktif Manajemen Risiko");
        free(st);
}

/* No hadir or selesai before the program's first day, named in the refusal. */
static void test_hadir_before_start(void **state)
{
        (void)state;
        f_ok(fx.a, "enroll", "CP-02", fx.p[2], NULL);
        refused(EXIT_REFUSED, "2027-06-01", fx.a, "attend", "CP-02", fx.p[2], "--status", "hadir");
        json_decref(f_sync(fx.a));
        char *s = f_replica_text(fx.a,
                                 "SELECT status FROM enrollments WHERE nip = ?1"
                                 " AND program = 'CP-02'",
                                 fx.p[2]);
        assert_string_equal(s, "terdaftar");
        free(s);
}

/* A cancelled program frees its seats, moves its open enrollments to batal
 * and takes no more. */
static void test_cancel(void **state)
{
        (void)state;
        f_ok(fx.a, "enroll", "CP-03", fx.p[1], fx.p[2], NULL);
        f_ok(fx.a, "attend", "CP-03", fx.p[1], "--status", "hadir", NULL);
        f_ok(fx.hr, "program", "cancel", "CP-03", "--reason", "Narasumber berhalangan", NULL);
        json_decref(f_sync(fx.a));
        char *st = f_replica_text(fx.a, "SELECT status FROM programs WHERE code = ?1", "CP-03");
        assert_string_equal(st, "batal");
        free(st);
        assert_int_equal(
            f_replica_int(fx.a, "SELECT enrolled FROM programs WHERE code = ?1", "CP-03"), 0);
        assert_int_equal(f_replica_int(fx.a,
                                       "SELECT count(*) FROM enrollments WHERE program = ?1"
                                       " AND status = 'batal'",
                                       "CP-03"),
                         2);
        refused(EXIT_REFUSED, "cancelled", fx.a, "enroll", "CP-03", fx.p[0], NULL, NULL);
        /* The server refuses it too, past the office's own check. */
        const char *const enr[][2] = {{"program", "CP-03"}, {"nip", fx.p[0]}};
        assert_int_equal(office_push("enrollment", "create", enr, 2),
                         RENBIN__CODE__FAILED_PRECONDITION);
        refused(EXIT_REFUSED, "cancelled", fx.hr, "program", "update", "CP-03", "--title", "X");
        /* Nor does HR's correction bring an enrollment back into it. */
        struct h_result r;
        f_expect(&r, EXIT_REFUSED, fx.hr, "attend", "CP-03", fx.p[1], "--status", "terdaftar",
                 "--reason", "kembali", NULL);
        assert_non_null(strstr(r.err, "cancelled"));
        h_result_free(&r);
        /* Neither planned nor held any more: the plan's report leaves it out. */
        json_t *rep = f_json(0, fx.hr, "report", "plan", "--year", "2027", NULL);
        assert_int_equal(f_rows_with(json_object_get(rep, "programs"), "code", "CP-03"), 0);
        assert_int_equal(f_rows_with(json_object_get(rep, "programs"), "code", "CP-02"), 1);
        json_decref(rep);
        /* The moves are in each enrollment's history, with the reason. */
        char *why = f_replica_text(fx.a,
                                   "SELECT reason FROM enrollment_changes WHERE nip = ?1"
                                   " AND program = 'CP-03' AND to_status = 'batal'",
                                   fx.p[1]);
        assert_string_equal(why, "Narasumber berhalangan");
        free(why);
}

/* The JP of nip in HR's `report jp` for 2027 (klasikal). */
static long long report_jp(const char *nip)
{
        json_t *d = f_json(0, fx.hr, "report", "jp", "--year", "2027", NULL);
        json_t *row = f_row_with(json_object_get(d, "asn"), "nip", nip);
        long long jp;

        assert_non_null(row);
        jp = (long long)json_number_value(json_object_get(row, "klasikal_jp"));
        json_decref(d);
        return jp;
}

/* HR corrects selesai -> batal with a reason: the JP go from the report,
 * and the enrollment's history shows who, when and why. */
static void test_correct_selesai_batal(void **state)
{
        struct h_result r;

        (void)state;
        assert_int_equal(report_jp(fx.p[0]), 20);
        refused(EXIT_REFUSED, "selesai", fx.hr, "attend", "CP-01", fx.p[0], "--status", "batal");
        f_ok(fx.hr, "attend", "CP-01", fx.p[0], "--status", "batal", "--reason",
             "salah input: tidak hadir", NULL);
        assert_int_equal(report_jp(fx.p[0]), 0);
        json_decref(f_sync(fx.a));
        assert_int_equal(f_replica_int(fx.a,
                                       "SELECT jp FROM enrollments WHERE nip = ?1"
                                       " AND program = 'CP-01'",
                                       fx.p[0]),
                         0);
        f_expect(&r, 0, fx.a, "enroll", "history", "CP-01", fx.p[0], NULL);
        assert_non_null(strstr(r.out, "salah input: tidak hadir"));
        assert_non_null(strstr(r.out, "BKPSDM hr"));
        assert_non_null(strstr(r.out, "selesai"));
        h_result_free(&r);
        /* HR may put it back: selesai again, the JP with it. */
        f_ok(fx.hr, "attend", "CP-01", fx.p[0], "--status", "selesai", "--reason", "koreksi", NULL);
        assert_int_equal(report_jp(fx.p[0]), 20);
}

/* An approved plan's revision rises with each change to its programs, and
 * its history names who did what when; the office's replica has both. */
static void test_plan_revision_history(void **state)
{
        struct h_result r;
        long long before, after;
        char *by;

        (void)state;
        by = f_replica_text(fx.hr, "SELECT approved_by FROM plans WHERE year = ?1", "2027");
        assert_non_null(strstr(by, "BKPSDM hr"));
        assert_non_null(strstr(by, fx.hr_serial));
        free(by);
        before = f_replica_int(fx.hr, "SELECT revision FROM plans WHERE year = ?1", "2027");
        f_ok(fx.hr, "program", "update", "CP-02", "--speaker", "Dr. Siregar", NULL);
        program("CP-04", "2027-08-01", "2027-08-01", "4", "20");
        json_decref(f_sync(fx.hr));
        after = f_replica_int(fx.hr, "SELECT revision FROM plans WHERE year = ?1", "2027");
        assert_int_equal(after, before + 2);
        f_expect(&r, 0, fx.hr, "plan", "show", "2027", NULL);
        assert_non_null(strstr(r.out, "approved"));
        assert_non_null(strstr(r.out, "BKPSDM hr"));
        h_result_free(&r);
        json_t *show = f_json(0, fx.hr, "plan", "show", "2027", NULL);
        json_t *plan = json_array_get(show, 0);
        assert_int_equal(f_int(plan, "revision"), after);
        assert_string_equal(f_text(plan, "status"), "approved");
        assert_non_null(strstr(f_text(plan, "approved_by"), fx.hr_serial));
        assert_int_equal(strlen(f_text(plan, "approved_at")), 20); /* 2026-12-02T04:50:00Z */
        assert_int_equal(f_int(plan, "programs"), 3);              /* CP-03 is cancelled */
        json_decref(show);
        json_t *hist = f_json(0, fx.hr, "plan", "history", "2027", NULL);
        assert_int_equal(f_rows_with(hist, "action", "program update"), 4);
        assert_int_equal(f_rows_with(hist, "action", "approve"), 1);
        /* The seat as seat_format writes it: an unnamed seat, unit role #serial. */
        by = h_strf("BKPSDM hr #%s", fx.hr_serial);
        assert_int_equal(f_rows_with(hist, "seat", by), json_array_size(hist));
        free(by);
        json_decref(hist);
        json_decref(f_sync(fx.a));
        assert_int_equal(f_replica_int(fx.a, "SELECT revision FROM plans WHERE year = ?1", "2027"),
                         after);
        f_expect(&r, 0, fx.a, "plan", "history", "2027", NULL);
        assert_non_null(strstr(r.out, "approve"));
        assert_non_null(strstr(r.out, "program update"));
        assert_non_null(strstr(r.out, "speaker"));
        assert_non_null(strstr(r.out, "program cancel"));
        assert_non_null(strstr(r.out, "CP-04"));
        h_result_free(&r);
        /* The newest change: who (the HR seat's serial), when, what. */
        char *what = f_replica_text(fx.a,
                                    "SELECT action || ' ' || program || ' ' || by_serial || ' '"
                                    " || revision FROM plan_changes WHERE year = ?1"
                                    " ORDER BY changed_at DESC, seq DESC LIMIT 1",
                                    "2027");
        char *want = h_strf("program create CP-04 %s %lld", fx.hr_serial, after);
        assert_string_equal(what, want);
        free(what);
        free(want);
        assert_true(f_replica_int(fx.a, "SELECT min(changed_at) FROM plan_changes WHERE year = ?1",
                                  "2027") > 0);
        f_expect(&r, EXIT_NOT_FOUND, fx.a, "plan", "show", "2031", NULL);
        h_result_free(&r);
}

/* Issues an HR seat for person (renbind cert issue --name) and sets it up
 * in tmp/home-tag: the home; its serial into serial. */
static char *named_hr(const char *person, const char *tag, char serial[64])
{
        char *bundle = h_strf("%s/bundle-%s", fx.tmp, tag),
             *home = h_strf("%s/home-%s", fx.tmp, tag);
        struct h_result r;
        const char *at;

        h_renbind(&r, "cert", "issue", "--data", fx.data, "--unit", "BKPSDM", "--role", "hr",
                  "--out", bundle, "--name", person, NULL);
        assert_int_equal(r.status, EXIT_OK);
        assert_non_null(at = strstr(r.out, "(serial "));
        assert_int_equal(sscanf(at, "(serial %63[0-9A-F]", serial), 1);
        h_result_free(&r);
        h_must_setup(home, fx.srv.addr, bundle);
        json_decref(f_sync(home));
        free(bundle);
        return home;
}

/* Two HR seats with different names change the plan and an enrollment:
 * plan history, enroll history and plan show name each seat in full (unit,
 * role, name, #serial), on HR's replica and on the office's. */
static void test_named_seats(void **state)
{
        char s1[64], s2[64], *siti = named_hr("Siti Rahma", "siti", s1),
                             *budi = named_hr("Budi Santoso", "budi", s2);
        char *w1 = h_strf("BKPSDM hr Siti Rahma #%s", s1),
             *w2 = h_strf("BKPSDM hr Budi Santoso #%s", s2);
        struct h_result r;
        json_t *rows;

        (void)state;
        f_ok(siti, "program", "update", "CP-02", "--speaker", "Drs. Lubis", NULL);
        f_ok(budi, "program", "update", "CP-02", "--speaker", "Dra. Nasution", NULL);
        f_ok(siti, "attend", "CP-01", fx.p[0], "--status", "batal", "--reason", "ganda", NULL);
        json_decref(f_sync(budi));
        f_ok(budi, "attend", "CP-01", fx.p[0], "--status", "selesai", "--reason", "bukan ganda",
             NULL);
        f_ok(budi, "plan", "create", "2028", "Rencana 2028", NULL);
        f_ok(budi, "program", "add", "--plan", "2028", "--code", "CP-28", "--title", "Kegiatan",
             "--method", "pelatihan", "--start", "2028-02-01", "--end", "2028-02-02", "--jp", "8",
             "--capacity", "10", NULL);
        json_decref(f_sync(siti));
        f_ok(siti, "plan", "approve", "2028", NULL);
        json_decref(f_sync(fx.a));
        rows = f_json(0, fx.a, "plan", "history", "2027", NULL);
        assert_int_equal(f_rows_with(rows, "seat", w1), 1);
        assert_int_equal(f_rows_with(rows, "seat", w2), 1);
        json_decref(rows);
        rows = f_json(0, fx.a, "enroll", "history", "CP-01", fx.p[0], NULL);
        assert_int_equal(f_rows_with(rows, "seat", w1), 1);
        assert_int_equal(f_rows_with(rows, "seat", w2), 1);
        json_decref(rows);
        rows = f_json(0, fx.a, "plan", "show", "2028", NULL);
        assert_string_equal(f_text(json_array_get(rows, 0), "approved_by"), w1);
        json_decref(rows);
        json_decref(f_sync(fx.hr));
        f_expect(&r, 0, fx.hr, "plan", "history", "2028", NULL);
        assert_non_null(strstr(r.out, "Budi Santoso"));
        assert_non_null(strstr(r.out, "Siti Rahma"));
        h_result_free(&r);
        free(w1);
        free(w2);
        free(siti);
        free(budi);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_update_round_trips),
            cmocka_unit_test(test_capacity_below_seats),
            cmocka_unit_test(test_jp_fixed_after_completion),
            cmocka_unit_test(test_office_refused),
            cmocka_unit_test(test_server_refuses_office),
            cmocka_unit_test(test_hadir_before_start),
            cmocka_unit_test(test_cancel),
            cmocka_unit_test(test_correct_selesai_batal),
            cmocka_unit_test(test_plan_revision_history),
            cmocka_unit_test(test_named_seats),
        };

        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
