/*
 * test_e2e_replay.c - the group commit applies its ops without a savepoint
 * each; an op rejected after it had written makes the batch roll back and
 * run again with a savepoint per op (server/commit.c, server/apply.c). Here
 * a trigger refuses the at-most-once record of one enrollment, so its op
 * fails after the row, its change, its audit record and its seat were
 * written: nothing of it may stay, the seat it held goes to the next op of
 * the same Push, and it is applied once when it is sent again. The change
 * sequence it had taken goes to the next op too, as if it had never run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "err.h"
#include "flow.h"
#include "renbin.pb-c.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNIT "KEL-BLW1"
#define NPEOPLE 3

struct fixture {
        char *tmp, *data, *bundle_hr, *bundle_a, *hr, *a;
        char nip[NPEOPLE][19];
        struct h_server srv;
};

static struct fixture fx;

/* Runs sql on the server's database (the server idle: WAL lets it in). */
static void tamper(const char *sql)
{
        char *path = h_path(fx.data, "renbin.db");
        sqlite3 *db = NULL;
        char *msg = NULL;

        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        sqlite3_busy_timeout(db, 5000);
        if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
                fail_msg("%s: %s", sql, msg);
        sqlite3_close(db);
        free(path);
}

/* One integer from the server's database. */
static long long db_int(const char *sql)
{
        char *path = h_path(fx.data, "renbin.db"), *v = f_db_text(path, sql, NULL);
        long long n;

        assert_non_null(v);
        n = atoll(v);
        free(v);
        free(path);
        return n;
}

static int group_setup(void **state)
{
        char *csv, *path;

        (void)state;
        for (int i = 0; i < NPEOPLE; i++)
                f_nip(fx.nip[i], "19800101", "200503", 1, 10 + i);
        fx.tmp = h_tmpdir("replay");
        fx.data = h_path(fx.tmp, "data");
        fx.bundle_hr = h_path(fx.tmp, "bundle-hr");
        fx.bundle_a = h_path(fx.tmp, "bundle-a");
        fx.hr = h_path(fx.tmp, "home-hr");
        fx.a = h_path(fx.tmp, "home-a");
        h_must_init(fx.data);
        h_must_issue(fx.data, "BKPSDM", "hr", fx.bundle_hr, NULL);
        h_must_issue(fx.data, UNIT, "unit", fx.bundle_a, NULL);
        h_must_start(&fx.srv, fx.data);
        h_must_setup(fx.hr, fx.srv.addr, fx.bundle_hr);
        f_ok(fx.hr, "unit", "add", UNIT, "Kelurahan Belawan I", "--kind", "kelurahan", NULL);
        csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n"
                     "%s,Pegawai A0,%s,Pengadministrasi Umum,III/a,\n"
                     "%s,Pegawai A1,%s,Pengadministrasi Umum,III/a,\n"
                     "%s,Pegawai A2,%s,Pengadministrasi Umum,III/a,\n",
                     fx.nip[0], UNIT, fx.nip[1], UNIT, fx.nip[2], UNIT);
        path = f_write(fx.tmp, "roster.csv", csv);
        f_ok(fx.hr, "import", "asn", path, NULL);
        free(path);
        free(csv);
        f_ok(fx.hr, "competency", "add", "K-ANG", "Pengelolaan anggaran", "--type", "teknis", NULL);
        f_ok(fx.hr, "plan", "create", "2027", "Rencana Pembinaan ASN Belawan 2027", NULL);
        f_ok(fx.hr, "program", "add", "--plan", "2027", "--code", "TWO-01", "--title",
             "Program uji", "--method", "pelatihan", "--competency", "K-ANG", "--partner",
             "Politeknik Negeri Medan", "--speaker", "Dr. Rina", "--start", "2027-02-10", "--end",
             "2027-02-12", "--jp", "24", "--capacity", "2", NULL);
        f_ok(fx.hr, "program", "add", "--plan", "2027", "--code", "DUP-01", "--title",
             "Program uji", "--method", "pelatihan", "--competency", "K-ANG", "--partner",
             "Politeknik Negeri Medan", "--speaker", "Dr. Rina", "--start", "2027-02-10", "--end",
             "2027-02-12", "--jp", "24", "--capacity", "30", NULL);
        f_ok(fx.hr, "program", "add", "--plan", "2027", "--code", "SEQ-01", "--title",
             "Program uji", "--method", "pelatihan", "--competency", "K-ANG", "--partner",
             "Politeknik Negeri Medan", "--speaker", "Dr. Rina", "--start", "2027-02-10", "--end",
             "2027-02-12", "--jp", "24", "--capacity", "30", NULL);
        f_ok(fx.hr, "plan", "approve", "2027", NULL);
        h_must_setup(fx.a, fx.srv.addr, fx.bundle_a);
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

/* Three enrollments for two seats in one Push; the first cannot be recorded
 * (a fault after its writes). The batch runs again with savepoints: the
 * first is undone whole, seat included, so the two others get the seats. */
static void test_fault_after_write(void **state)
{
        char *refuse = h_strf("CREATE TRIGGER ops_refuse BEFORE INSERT ON ops WHEN"
                              " NEW.entity_id IN (SELECT id FROM enrollments WHERE nip = '%s')"
                              " BEGIN SELECT RAISE(ABORT, 'ops record refused'); END",
                              fx.nip[0]);
        struct h_result r;
        json_t *st, *lost;

        (void)state;
        for (int i = 0; i < NPEOPLE; i++)
                f_ok(fx.a, "--offline", "enroll", "TWO-01", fx.nip[i], NULL);
        tamper(refuse);
        /* One Push of three ops: the first stays in the outbox (transient: the
         * sync says it is cut, run it again). */
        f_expect(&r, EXIT_OFFLINE, fx.a, "sync", NULL);
        h_result_free(&r);
        assert_int_equal(h_server_log_count(&fx.srv, "cannot record its outcome"), 1);
        assert_int_equal(h_server_log_count(&fx.srv, "applied again with a savepoint per op"), 1);
        st = f_status(fx.a);
        assert_int_equal(f_pending(st), 1);
        assert_int_equal(f_rejected(st), 0);
        json_decref(st);
        assert_int_equal(db_int("SELECT enrolled FROM programs WHERE code = 'TWO-01'"), 2);
        assert_int_equal(db_int("SELECT count(*) FROM enrollments WHERE program = 'TWO-01'"), 2);
        char *none = h_strf("SELECT count(*) FROM enrollments WHERE nip = '%s'", fx.nip[0]);
        assert_int_equal(db_int(none), 0);
        free(none);
        /* No change or audit record of the undone row, nor any other op's
         * twice: one per enrollment kept. */
        assert_int_equal(db_int("SELECT count(*) FROM changes WHERE entity = 'enrollment'"), 2);
        assert_int_equal(db_int("SELECT count(*) FROM audit WHERE entity = 'enrollment'"), 2);
        assert_int_equal(db_int("SELECT count(*) FROM ops WHERE entity = 'enrollment'"), 2);

        /* Sent again without the fault: applied once, and refused, the
         * program being full now. */
        tamper("DROP TRIGGER ops_refuse");
        f_expect(&r, EXIT_REFUSED, fx.a, "sync", NULL);
        h_result_free(&r);
        st = f_status(fx.a);
        assert_int_equal(f_pending(st), 0);
        assert_non_null(lost = f_rejected_op(st, "TWO-01"));
        assert_string_equal(f_text(lost, "code"), "FAILED_PRECONDITION");
        assert_string_equal(f_text(lost, "field"), "capacity");
        json_decref(st);
        assert_int_equal(db_int("SELECT enrolled FROM programs WHERE code = 'TWO-01'"), 2);
        assert_int_equal(db_int("SELECT count(*) FROM ops WHERE entity = 'enrollment'"), 3);
        assert_int_equal(h_server_stop(&fx.srv), 0);
        assert_int_equal(h_renbind(&r, "audit", "verify", "--data", fx.data, NULL), EXIT_OK);
        h_result_free(&r);
        h_server_free(&fx.srv);
        h_must_start(&fx.srv, fx.data);
        free(refuse);
}

/* Pushes one enrollment of nip in program as the office: the op's code, its
 * field in field (cut), its message in msg (cut). */
static int push_enroll(const char *program, const char *nip, char field[32], char msg[256])
{
        const char *const kv[2][2] = {{"program", program}, {"nip", nip}};
        Renbin__Response *resp;
        struct h_tls t;
        int code;

        if (h_tls_connect(&t, fx.srv.port, fx.bundle_a, 0) != 0)
                fail_msg("connect: %s", t.error);
        assert_int_equal(h_tls_hello(&t), RENBIN__CODE__OK);
        resp = h_tls_push(&t, "enrollment", NULL, "create", kv, 2, NULL);
        assert_int_equal(resp->push->n_results, 1);
        code = (int)resp->push->results[0]->status->code;
        snprintf(field, 32, "%s", resp->push->results[0]->status->field);
        snprintf(msg, 256, "%s", resp->push->results[0]->status->message);
        renbin__response__free_unpacked(resp, NULL);
        h_tls_close(&t);
        return code;
}

/* A second open enrollment of a person in a program is refused by the
 * server's unique index, answered as before (ALREADY_EXISTS on nip), and
 * leaves nothing: no row, no change, no seat. */
static void test_duplicate(void **state)
{
        char field[32], msg[256], *want = h_strf("%s is already enrolled in DUP-01", fx.nip[1]);
        int replays = h_server_log_count(&fx.srv, "applied again with a savepoint per op");

        (void)state;
        assert_int_equal(push_enroll("DUP-01", fx.nip[1], field, msg), RENBIN__CODE__OK);
        assert_int_equal(push_enroll("DUP-01", fx.nip[1], field, msg),
                         RENBIN__CODE__ALREADY_EXISTS);
        assert_string_equal(field, "nip");
        assert_string_equal(msg, want);
        assert_int_equal(h_server_log_count(&fx.srv, "applied again with a savepoint per op"),
                         replays);
        assert_int_equal(db_int("SELECT enrolled FROM programs WHERE code = 'DUP-01'"), 1);
        assert_int_equal(db_int("SELECT count(*) FROM enrollments WHERE program = 'DUP-01'"), 1);
        assert_int_equal(db_int("SELECT count(*) FROM changes WHERE entity = 'enrollment'"
                                " AND entity_id IN (SELECT id FROM enrollments"
                                " WHERE program = 'DUP-01')"),
                         1);
        free(want);
}

/* The change sequence of the enrollment of nip i in program (its row's seq
 * and its change's, which must agree), or -1. */
static long long enroll_seq(const char *program, int i)
{
        char *sql = h_strf("SELECT e.seq FROM enrollments e JOIN changes c ON c.entity_id = e.id"
                           " AND c.seq = e.seq JOIN audit a ON a.n = e.seq"
                           " WHERE e.program = '%s' AND e.nip = '%s'",
                           program, fx.nip[i]);
        char *path = h_path(fx.data, "renbin.db"), *v = f_db_text(path, sql, NULL);
        long long n = v != NULL ? atoll(v) : -1;

        free(v);
        free(path);
        free(sql);
        return n;
}

/* The middle op of a Push fails after it had written: in the first pass
 * and again in the careful one, where its savepoint is rolled back. The
 * sequence it had taken is given back each time: the ops around it get
 * the feed's next two, as they would had it never run, the seat count the
 * one after; sent again, it takes the next. */
static void test_fault_gives_seq_back(void **state)
{
        char *refuse = h_strf("CREATE TRIGGER ops_refuse BEFORE INSERT ON ops WHEN"
                              " NEW.entity_id IN (SELECT id FROM enrollments WHERE nip = '%s'"
                              " AND program = 'SEQ-01')"
                              " BEGIN SELECT RAISE(ABORT, 'ops record refused'); END",
                              fx.nip[1]);
        long long last;
        struct h_result r;

        (void)state;
        /* The server was started again, on another port. */
        h_must_setup(fx.a, fx.srv.addr, fx.bundle_a);
        last = db_int("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'feed_seq'");
        for (int i = 0; i < NPEOPLE; i++)
                f_ok(fx.a, "--offline", "enroll", "SEQ-01", fx.nip[i], NULL);
        tamper(refuse);
        f_expect(&r, EXIT_OFFLINE, fx.a, "sync", NULL);
        h_result_free(&r);
        assert_int_equal(enroll_seq("SEQ-01", 0), last + 1);
        assert_int_equal(enroll_seq("SEQ-01", 1), -1);
        assert_int_equal(enroll_seq("SEQ-01", 2), last + 2);
        assert_int_equal(db_int("SELECT seq FROM programs WHERE code = 'SEQ-01'"), last + 3);
        assert_int_equal(db_int("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'feed_seq'"),
                         last + 3);
        tamper("DROP TRIGGER ops_refuse");
        json_decref(f_sync(fx.a));
        assert_int_equal(enroll_seq("SEQ-01", 1), last + 4);
        assert_int_equal(db_int("SELECT seq FROM programs WHERE code = 'SEQ-01'"), last + 5);
        assert_int_equal(db_int("SELECT enrolled FROM programs WHERE code = 'SEQ-01'"), 3);
        assert_int_equal(h_server_stop(&fx.srv), 0);
        assert_int_equal(h_renbind(&r, "audit", "verify", "--data", fx.data, NULL), EXIT_OK);
        h_result_free(&r);
        h_server_free(&fx.srv);
        h_must_start(&fx.srv, fx.data);
        free(refuse);
}

/* The newest change gone (as a purge of the newest tombstone takes it): its
 * sequence is still never given again, since the highest ever given is kept
 * in meta (feed_seq, migration 16) and not read from the rows. */
static void test_newest_gone_not_given_again(void **state)
{
        long long last;

        (void)state;
        /* The server was started again, on another port. */
        h_must_setup(fx.hr, fx.srv.addr, fx.bundle_hr);
        last = db_int("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'feed_seq'");
        assert_int_equal(db_int("SELECT max(seq) FROM changes"), last);
        tamper("DELETE FROM changes WHERE seq = (SELECT max(seq) FROM changes)");
        f_ok(fx.hr, "competency", "add", "K-NEW", "Kompetensi baru", "--type", "teknis", NULL);
        assert_int_equal(db_int("SELECT c.seq FROM changes c JOIN competencies k ON k.id ="
                                " c.entity_id WHERE k.code = 'K-NEW'"),
                         last + 1);
        assert_int_equal(db_int("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'feed_seq'"),
                         last + 1);
}

/* Runs sql on the database at path. */
static void exec_at(const char *path, const char *sql)
{
        sqlite3 *db = NULL;
        char *msg = NULL;

        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
                fail_msg("%s: %s", sql, msg);
        sqlite3_close(db);
}

/* A database at schema 15 whose newest change was deleted: migrating keeps
 * the rows and carries AUTOINCREMENT's counter, not the highest row, to
 * meta; the table left has no AUTOINCREMENT and keeps its row key. */
static void test_migrated_counter(void **state)
{
        char *data = h_path(fx.tmp, "old15"), *path = h_path(data, "renbin.db"), *v;
        struct h_result r;

        (void)state;
        h_must_init_schema(data, 15);
        exec_at(path, "INSERT INTO changes(entity, entity_id, scope, at, data) VALUES"
                      " ('unit', 'a', 'U', 1, x'01'), ('unit', 'b', 'U', 1, x'02'),"
                      " ('unit', 'c', 'U', 1, x'03');"
                      "DELETE FROM changes WHERE entity_id = 'c';");
        h_renbind(&r, "migrate", "--data", data, NULL);
        assert_int_equal(r.status, 0);
        h_result_free(&r);
        v = f_db_text(path, "SELECT value FROM meta WHERE key = 'feed_seq'", NULL);
        assert_string_equal(v, "3");
        free(v);
        v = f_db_text(path, "SELECT group_concat(seq || entity_id || hex(data), ',') FROM changes",
                      NULL);
        assert_string_equal(v, "1a01,2b02");
        free(v);
        v = f_db_text(path, "SELECT sql FROM sqlite_master WHERE name = 'changes'", NULL);
        assert_null(strstr(v, "AUTOINCREMENT"));
        free(v);
        v = f_db_text(path, "SELECT count(*) FROM sqlite_master WHERE name = 'changes_row'", NULL);
        assert_string_equal(v, "1");
        free(v);
        free(path);
        free(data);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_fault_after_write),
            cmocka_unit_test(test_duplicate),
            cmocka_unit_test(test_fault_gives_seq_back),
            cmocka_unit_test(test_newest_gone_not_given_again),
            cmocka_unit_test(test_migrated_counter),
        };
        return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
