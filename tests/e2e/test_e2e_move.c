/*
 * test_e2e_move.c - rows follow their person (issue 12, docs/decisions.md
 * 38): when HR moves an ASN to another unit, their open enrollments, the
 * enrollments whose questionnaire is still to answer, their current
 * assessments and the mentoring pairs (and logs) in which they are the
 * mentee go to the new unit in the same op; the old office gets tombstones
 * and is refused on them, without being told where the person went; the new
 * office may write them and the person's JP keep counting. What is history
 * (a finished, answered enrollment; a superseded assessment) stays.
 *
 * One server; HR loads two units, the roster and the 2027 plan; office A
 * enrolls, assesses and mentors its new ASN before HR moves them to B.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "err.h"
#include "flow.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNIT_A "KEL-BLW1"
#define UNIT_B "KEL-BLW2"

struct fixture {
        char *tmp, *data;
        char *bundle_hr, *bundle_a, *bundle_b;
        char *hr, *a, *b; /* homes */
        /* In A: a senior (mentor), the person who moves, one who stays. */
        char senior[19], mover[19], stayer[19];
        struct h_server srv;
};

static struct fixture fx;

/* The roster as HR imports it, with the mover in unit. */
static void import_roster(const char *unit)
{
        char *csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n"
                           "%s,Zulfahmi Hasibuan,%s,Lurah,IV/a,\n"
                           "%s,Teguh Santoso,%s,Penata Layanan Operasional,III/a,\n"
                           "%s,Peserta Tetap,%s,Staf,III/b,\n",
                           fx.senior, UNIT_A, fx.mover, unit, fx.stayer, UNIT_A);
        char *path = f_write(fx.tmp, "roster.csv", csv);

        f_ok(fx.hr, "import", "asn", path, NULL);
        free(path);
        free(csv);
}

/* A 2027 program of HR's plan. */
static void program(const char *code, const char *jp)
{
        f_ok(fx.hr, "program", "add", "--plan", "2027", "--code", code, "--title", code, "--method",
             "pelatihan", "--competency", "K-ANG", "--start", "2027-02-10", "--end", "2027-02-12",
             "--jp", jp, "--capacity", "30", NULL);
}

static void make_homes(void)
{
        fx.tmp = h_tmpdir("move");
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
}

/* Office A's records of the mover, before the move: MV-01 registered (open),
 * MV-02 finished and answered (history), MV-03 finished with its
 * questionnaire still to answer; an assessment replaced once (one history
 * row, one current); a mentoring pair with one session. */
static void office_a_records(void)
{
        f_ok(fx.a, "enroll", "MV-01", fx.mover, fx.stayer, NULL);
        f_ok(fx.a, "enroll", "MV-02", fx.mover, NULL);
        f_ok(fx.a, "attend", "MV-02", fx.mover, "--status", "hadir", NULL);
        f_ok(fx.a, "attend", "MV-02", fx.mover, "--status", "selesai", NULL);
        f_ok(fx.a, "eval", "submit", "MV-02", fx.mover, "--materi", "4", "--penyampaian", "4",
             "--aplikasi", "5", NULL);
        f_ok(fx.a, "enroll", "MV-03", fx.mover, NULL);
        f_ok(fx.a, "attend", "MV-03", fx.mover, "--status", "hadir", NULL);
        f_ok(fx.a, "attend", "MV-03", fx.mover, "--status", "selesai", NULL);
        f_ok(fx.a, "assess", "add", fx.mover, "--competency", "K-ANG", "--period", "2027-S1",
             "--level", "2", NULL);
        f_ok(fx.a, "assess", "add", fx.mover, "--competency", "K-ANG", "--period", "2027-S1",
             "--level", "3", NULL);
        f_ok(fx.a, "mentor", "pair", fx.senior, fx.mover, "--topic", "Pengelolaan anggaran",
             "--from", "2027-01-15", NULL);
        f_ok(fx.a, "mentor", "log", fx.mover, "--date", "2027-02-01", "--minutes", "90", NULL);
}

static int group_setup(void **state)
{
        (void)state;
        f_nip(fx.senior, "19750310", "200003", 1, 1);
        f_nip(fx.mover, "19980101", "202403", 2, 2);
        f_nip(fx.stayer, "19850601", "201004", 1, 10);
        make_homes();
        f_ok(fx.hr, "unit", "add", UNIT_A, "Kelurahan Belawan I", "--kind", "kelurahan", NULL);
        f_ok(fx.hr, "unit", "add", UNIT_B, "Kelurahan Belawan II", "--kind", "kelurahan", NULL);
        import_roster(UNIT_A);
        f_ok(fx.hr, "competency", "add", "K-ANG", "Pengelolaan anggaran", "--type", "teknis", NULL);
        f_ok(fx.hr, "plan", "create", "2027", "Rencana Pembinaan ASN Belawan 2027", NULL);
        program("MV-01", "24");
        program("MV-02", "8");
        program("MV-03", "4");
        f_ok(fx.hr, "plan", "approve", "2027", NULL);
        h_must_setup(fx.a, fx.srv.addr, fx.bundle_a);
        h_must_setup(fx.b, fx.srv.addr, fx.bundle_b);
        json_decref(f_sync(fx.a));
        office_a_records();
        json_decref(f_sync(fx.b));
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

/* How many rows of sql (?1 = the mover's NIP) home's replica has. */
static long long count(const char *home, const char *sql)
{
        return f_replica_int(home, sql, fx.mover);
}

static const char SQL_ENR[] = "SELECT count(*) FROM enrollments WHERE nip = ?1";
static const char SQL_ENR_OPEN[] =
    "SELECT count(*) FROM enrollments WHERE nip = ?1 AND program IN ('MV-01', 'MV-03')";
static const char SQL_ASSESS[] = "SELECT count(*) FROM assessments WHERE nip = ?1";
static const char SQL_ASSESS_CUR[] =
    "SELECT count(*) FROM assessments WHERE nip = ?1 AND current = 1";
static const char SQL_PAIRS[] = "SELECT count(*) FROM mentor_pairs WHERE mentee = ?1";
static const char SQL_LOGS[] = "SELECT count(*) FROM mentor_logs l JOIN mentor_pairs p"
                               " ON p.id = l.pair WHERE p.mentee = ?1";
static const char SQL_ALL_LOGS[] = "SELECT count(*) FROM mentor_logs WHERE ?1 IS NOT NULL";

/* The audit chain of the server holds, for row id, a tombstone and a later
 * snapshot (the move), each a record of its own. */
static void assert_audited_move(const char *entity, const char *sql_id)
{
        char *id = f_replica_text(fx.hr, sql_id, fx.mover);
        char *path = h_path(fx.data, "renbin.db");
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;

        assert_non_null(id);
        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(db,
                               "SELECT (SELECT count(*) FROM audit WHERE entity = ?1 AND"
                               " entity_id = ?2 AND data IS NULL), (SELECT max(n) FROM audit"
                               " WHERE entity = ?1 AND entity_id = ?2 AND data IS NULL) <"
                               " (SELECT max(n) FROM audit WHERE entity = ?1 AND entity_id = ?2"
                               " AND data IS NOT NULL)",
                               -1, &st, NULL) != SQLITE_OK)
                fail_msg("cannot read %s: %s", path, sqlite3_errmsg(db));
        sqlite3_bind_text(st, 1, entity, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(st, 0), 1);
        assert_int_equal(sqlite3_column_int(st, 1), 1);
        sqlite3_finalize(st);
        sqlite3_close(db);
        free(path);
        free(id);
}

/* Before the move A holds the mover's rows, B none of them. */
static void test_before_move(void **state)
{
        (void)state;
        assert_int_equal(count(fx.a, SQL_ENR), 3);
        assert_int_equal(count(fx.a, SQL_ASSESS), 2);
        assert_int_equal(count(fx.a, SQL_PAIRS), 1);
        assert_int_equal(count(fx.a, SQL_LOGS), 1);
        assert_int_equal(count(fx.b, SQL_ENR), 0);
        assert_int_equal(count(fx.b, SQL_ASSESS), 0);
        assert_int_equal(count(fx.b, SQL_PAIRS), 0);
}

/* HR moves the mover to B by a roster import: the open rows follow, in the
 * same op, and the audit chain records each move. */
static void test_move_by_import(void **state)
{
        struct h_result r;
        char *csv, *path, *unit;

        (void)state;
        csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n"
                     "%s,Teguh Santoso,%s,Penata Layanan Operasional,III/a,\n",
                     fx.mover, UNIT_B);
        path = f_write(fx.tmp, "moved.csv", csv);
        f_expect(&r, 0, fx.hr, "import", "asn", path, NULL);
        /* HR is told what moved with the person: two enrollments, the current
         * assessment, the pair and its session. */
        if (strstr(r.out, "5 of their records moved with them") == NULL)
                fail_msg("import said: %s%s", r.out, r.err);
        h_result_free(&r);
        free(path);
        free(csv);
        json_decref(f_sync(fx.hr));
        unit = f_replica_text(fx.hr, "SELECT unit FROM asn WHERE nip = ?1", fx.mover);
        assert_string_equal(unit, UNIT_B);
        free(unit);
        assert_audited_move("enrollment",
                            "SELECT id FROM enrollments WHERE nip = ?1 AND program = 'MV-01'");
        assert_audited_move("enrollment",
                            "SELECT id FROM enrollments WHERE nip = ?1 AND program = 'MV-03'");
        assert_audited_move("assessment",
                            "SELECT id FROM assessments WHERE nip = ?1 AND current = 1");
        assert_audited_move("mentor_pair", "SELECT id FROM mentor_pairs WHERE mentee = ?1");
        assert_audited_move("mentor_log", "SELECT l.id FROM mentor_logs l JOIN mentor_pairs p"
                                          " ON p.id = l.pair WHERE p.mentee = ?1");
        {
                struct h_result v;
                assert_int_equal(h_renbind(&v, "audit", "verify", "--data", fx.data, NULL), 0);
                h_result_free(&v);
        }
}

/* B's replica has the rows that followed the person, and only those. */
static void test_new_office_has_rows(void **state)
{
        (void)state;
        json_decref(f_sync(fx.b));
        assert_int_equal(f_replica_int(fx.b, "SELECT count(*) FROM asn WHERE nip = ?1", fx.mover),
                         1);
        assert_int_equal(count(fx.b, SQL_ENR), 2);
        assert_int_equal(count(fx.b, SQL_ENR_OPEN), 2);
        assert_int_equal(count(fx.b, SQL_ASSESS), 1);
        assert_int_equal(count(fx.b, SQL_ASSESS_CUR), 1);
        assert_int_equal(count(fx.b, SQL_PAIRS), 1);
        assert_int_equal(count(fx.b, SQL_LOGS), 1);
}

/* Checks a refusal of office A names neither the other unit nor hides that
 * the person is not A's. */
static void assert_not_here(const char *text)
{
        if (strstr(text, "is not in this office (" UNIT_A ")") == NULL)
                fail_msg("refusal: %s", text);
        assert_null(strstr(text, UNIT_B));
}

/* A, which has not synced since the move, still shows the rows: its writes
 * on them are refused by the server, and the pull that follows takes them
 * away (tombstones); A's other person and the history stay. */
static void test_old_office_refused(void **state)
{
        struct h_result r;
        json_t *st, *op;

        (void)state;
        f_ok(fx.a, "--offline", "eval", "submit", "MV-03", fx.mover, "--materi", "3",
             "--penyampaian", "3", "--aplikasi", "3", NULL);
        f_ok(fx.a, "--offline", "mentor", "log", fx.mover, "--date", "2027-03-01", "--minutes",
             "60", NULL);
        f_expect(&r, EXIT_DENIED, fx.a, "attend", "MV-01", fx.mover, "--status", "hadir", NULL);
        assert_not_here(r.err);
        h_result_free(&r);
        st = f_status(fx.a);
        assert_int_equal(f_rejected(st), 3);
        assert_non_null(op = f_rejected_op(st, "2027-03-01"));
        assert_string_equal(f_text(op, "code"), "PERMISSION_DENIED");
        assert_not_here(f_text(op, "reason"));
        assert_non_null(op = f_rejected_op(st, "MV-03"));
        assert_string_equal(f_text(op, "code"), "PERMISSION_DENIED");
        assert_not_here(f_text(op, "reason"));
        json_decref(st);
        /* Tombstoned: the person, the open enrollments, the current
         * assessment, the pair and its log. */
        assert_int_equal(f_replica_int(fx.a, "SELECT count(*) FROM asn WHERE nip = ?1", fx.mover),
                         0);
        assert_int_equal(count(fx.a, SQL_ENR_OPEN), 0);
        assert_int_equal(count(fx.a, SQL_ASSESS_CUR), 0);
        assert_int_equal(count(fx.a, SQL_PAIRS), 0);
        assert_int_equal(f_replica_int(fx.a, SQL_ALL_LOGS, fx.mover), 0);
        /* History stays where it happened: the finished, answered MV-02 and
         * the superseded assessment. The other person's enrollment too. */
        assert_int_equal(count(fx.a, SQL_ENR), 1);
        assert_int_equal(count(fx.a, SQL_ASSESS), 1);
        assert_int_equal(f_replica_int(fx.a, SQL_ENR, fx.stayer), 1);
}

/* B completes the enrollment, answers the questionnaire, logs a session and
 * assesses; the person's JP count everything, wherever it was earned. */
static void test_new_office_writes(void **state)
{
        json_t *doc, *row;

        (void)state;
        f_ok(fx.b, "attend", "MV-01", fx.mover, "--status", "hadir", NULL);
        f_ok(fx.b, "attend", "MV-01", fx.mover, "--status", "selesai", NULL);
        f_ok(fx.b, "eval", "submit", "MV-03", fx.mover, "--materi", "5", "--penyampaian", "4",
             "--aplikasi", "4", NULL);
        f_ok(fx.b, "mentor", "log", fx.mover, "--date", "2027-03-01", "--minutes", "60", NULL);
        f_ok(fx.b, "assess", "add", fx.mover, "--competency", "K-ANG", "--period", "2027-S1",
             "--level", "4", NULL);
        assert_int_equal(f_replica_int(fx.b,
                                       "SELECT jp FROM enrollments WHERE nip = ?1"
                                       " AND program = 'MV-01'",
                                       fx.mover),
                         24);
        json_decref(f_sync(fx.hr));
        doc = f_json(0, fx.b, "report", "jp", "--year", "2027", NULL);
        assert_non_null(row = f_row_with(json_object_get(doc, "asn"), "nip", fx.mover));
        /* 24 (MV-01, at B) + 8 (MV-02, at A) + 4 (MV-03). */
        assert_int_equal((int)json_number_value(json_object_get(row, "klasikal_jp")), 36);
        assert_int_equal(f_int(row, "mentoring_minutes"), 150);
        json_decref(doc);
        doc = f_json(0, fx.a, "report", "jp", "--year", "2027", NULL);
        assert_null(f_row_with(json_object_get(doc, "asn"), "nip", fx.mover));
        json_decref(doc);
        /* B's new value replaced the current one it received. */
        json_decref(f_sync(fx.b));
        assert_int_equal(count(fx.b, SQL_ASSESS), 2);
        assert_int_equal(count(fx.b, SQL_ASSESS_CUR), 1);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_before_move),         cmocka_unit_test(test_move_by_import),
            cmocka_unit_test(test_new_office_has_rows), cmocka_unit_test(test_old_office_refused),
            cmocka_unit_test(test_new_office_writes),
        };

        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
