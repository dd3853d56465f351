/*
 * test_e2e_sync.c - the plan and its sync end to end (issue 3): central HR and
 * two unit offices, each with its own renbin home, against a real renbind on
 * 127.0.0.1. Covers what an office may see and change, enrolling offline,
 * a push applied at most once, a pull cut after every page, the race for the
 * last seat, rejected ops in `renbin status`, roster imports, locking out a
 * deactivated unit and the attendance state machine.
 *
 * One server and one roster serve the group; each test uses programs and
 * people of its own, so the tests do not depend on each other's results.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "err.h"
#include "flow.h"
#include "uuid.h"
#include "wire.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#define UNIT_A "KEL-BLW1"
#define UNIT_B "KEL-BLW2"
#define NPEOPLE 6

struct fixture {
        char *tmp, *data;
        char *bundle_hr, *bundle_a, *bundle_b;
        char *hr, *a, *b; /* homes */
        char a_nip[NPEOPLE][19], b_nip[NPEOPLE][19];
        struct h_server srv;
};

static struct fixture fx;

/* The roster of both offices as CSV. */
static char *roster_csv(void)
{
        char *csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n"), *next;

        for (int i = 0; i < NPEOPLE; i++) {
                next = h_strf("%s%s,Pegawai A%d,%s,Pengadministrasi Umum,III/a,\n"
                              "%s,Pegawai B%d,%s,Analis Pelayanan,III/b,\n",
                              csv, fx.a_nip[i], i, UNIT_A, fx.b_nip[i], i, UNIT_B);
                free(csv);
                csv = next;
        }
        return csv;
}

/* HR adds a program of the 2027 plan. */
static void add_program(const char *code, const char *capacity, const char *jp)
{
        f_ok(fx.hr, "program", "add", "--plan", "2027", "--code", code, "--title", "Program uji",
             "--method", "pelatihan", "--competency", "K-ANG", "--partner",
             "Politeknik Negeri Medan", "--speaker", "Dr. Rina", "--start", "2027-02-10", "--end",
             "2027-02-12", "--jp", jp, "--capacity", capacity, NULL);
}

static int group_setup(void **state)
{
        char *csv, *path;

        (void)state;
        for (int i = 0; i < NPEOPLE; i++) {
                char birth[24];
                snprintf(birth, sizeof(birth), "198001%02d", i + 1);
                f_nip(fx.a_nip[i], birth, "200503", 1, 10 + i);
                snprintf(birth, sizeof(birth), "198502%02d", i + 1);
                f_nip(fx.b_nip[i], birth, "201004", 2, 20 + i);
        }
        fx.tmp = h_tmpdir("sync");
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
        f_ok(fx.hr, "unit", "add", UNIT_A, "Kelurahan Belawan I", "--kind", "kelurahan", NULL);
        f_ok(fx.hr, "unit", "add", UNIT_B, "Kelurahan Belawan II", "--kind", "kelurahan", NULL);
        csv = roster_csv();
        path = f_write(fx.tmp, "roster.csv", csv);
        f_ok(fx.hr, "import", "asn", path, NULL);
        free(path);
        free(csv);
        f_ok(fx.hr, "competency", "add", "K-ANG", "Pengelolaan anggaran", "--type", "teknis", NULL);
        f_ok(fx.hr, "plan", "create", "2027", "Rencana Pembinaan ASN Belawan 2027", NULL);
        add_program("ISO-01", "30", "24");
        add_program("OFF-01", "30", "24");
        add_program("DUP-01", "30", "24");
        add_program("RACE-01", "2", "24");
        add_program("ATT-01", "30", "24");
        f_ok(fx.hr, "plan", "approve", "2027", NULL);
        h_must_setup(fx.a, fx.srv.addr, fx.bundle_a);
        h_must_setup(fx.b, fx.srv.addr, fx.bundle_b);
        json_decref(f_sync(fx.a));
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

/* A program's enrolled count in home's replica (program list --json). */
static long long enrolled(const char *home, const char *program)
{
        json_t *rows = f_json(0, home, "program", "list", NULL);
        json_t *row = f_row_with(rows, "code", program);
        long long n;

        if (row == NULL)
                fail_msg("no program %s in the replica of %s", program, home);
        n = f_int(row, "enrolled");
        json_decref(rows);
        return n;
}

/* Enrollments of a program in home's replica (enroll list PROGRAM --json). */
static json_t *enrollments(const char *home, const char *program)
{
        json_t *rows = f_json(0, home, "enroll", "list", program, NULL);

        assert_true(json_is_array(rows));
        return rows;
}

/* One text value read from home's replica.db, or "" (malloc'd). */
static char *replica_text(const char *home, const char *sql, const char *arg)
{
        char *path = h_path(home, "replica.db"), *v = NULL;
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;

        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
                fail_msg("cannot read %s: %s", path, sqlite3_errmsg(db));
        sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
                v = h_strf("%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        sqlite3_close(db);
        free(path);
        return v ? v : h_strf("%s", "");
}

/* ---- raw pushes ---- */

/* A connected raw client of bundle that has said Hello. */
static void raw_connect(struct h_tls *t, const char *bundle)
{
        if (h_tls_connect(t, fx.srv.port, bundle, 0) != 0)
                fail_msg("connect: %s", t->error);
        assert_int_equal(h_tls_hello(t), RENBIN__CODE__OK);
}

/* Sends one op (one or two fields) in a Push and returns the response (free it). */
static Renbin__Response *raw_push(struct h_tls *t, const char *op_id, const char *entity,
                                  const char *entity_id, const char *action, const char *k1,
                                  const char *v1, const char *k2, const char *v2)
{
        const char *const kv[2][2] = {{k1, v1}, {k2, v2}};
        char id[UUID_STR];

        snprintf(id, sizeof(id), "%s", op_id);
        return h_tls_push(t, entity, entity_id, action, kv, k2 ? 2 : 1, id);
}

/* The one OpResult of a push answer, checked to be there. */
static const Renbin__OpResult *one_result(const Renbin__Response *resp)
{
        assert_int_equal(resp->status ? resp->status->code : 0, RENBIN__CODE__OK);
        assert_int_equal(resp->result_case, RENBIN__RESPONSE__RESULT_PUSH);
        assert_int_equal(resp->push->n_results, 1);
        return resp->push->results[0];
}

/* ---- the tests ---- */

/* An office sees its own people and enrollments only, and cannot change
 * another office's: the server says PERMISSION_DENIED and nothing changes. */
static void test_office_isolation(void **state)
{
        json_t *rows, *st, *op, *conf;
        struct h_result r;
        char *enr_id, *dump;
        struct h_tls t;
        Renbin__Response *resp;
        const Renbin__OpResult *res;
        char op_id[UUID_STR], asn_id[UUID_STR];

        (void)state;
        /* Rosters: each office exactly its own people. */
        rows = f_json(0, fx.a, "asn", "list", NULL);
        assert_int_equal(json_array_size(rows), NPEOPLE);
        assert_int_equal(f_rows_with(rows, "unit", UNIT_A), NPEOPLE);
        for (int i = 0; i < NPEOPLE; i++) {
                assert_int_equal(f_rows_with(rows, "nip", fx.a_nip[i]), 1);
                assert_int_equal(f_rows_with(rows, "nip", fx.b_nip[i]), 0);
        }
        json_decref(rows);
        rows = f_json(0, fx.b, "asn", "list", NULL);
        assert_int_equal(json_array_size(rows), NPEOPLE);
        assert_int_equal(f_rows_with(rows, "unit", UNIT_B), NPEOPLE);
        json_decref(rows);

        /* HR enrolls B's first person, A its own; after sync neither sees the other's. */
        f_ok(fx.hr, "enroll", "ISO-01", fx.b_nip[0], NULL);
        f_ok(fx.a, "enroll", "ISO-01", fx.a_nip[0], NULL);
        json_decref(f_sync(fx.a));
        json_decref(f_sync(fx.b));
        rows = enrollments(fx.a, "ISO-01");
        assert_int_equal(json_array_size(rows), 1);
        assert_string_equal(f_text(json_array_get(rows, 0), "nip"), fx.a_nip[0]);
        json_decref(rows);
        rows = enrollments(fx.b, "ISO-01");
        assert_int_equal(json_array_size(rows), 1);
        assert_string_equal(f_text(json_array_get(rows, 0), "nip"), fx.b_nip[0]);
        json_decref(rows);
        /* The seat count of a shared program is visible to both. */
        assert_int_equal(enrolled(fx.a, "ISO-01"), 2);

        /* A enrolls one of B's people: refused by the server, exit "not allowed". */
        f_expect(&r, EXIT_DENIED, fx.a, "enroll", "ISO-01", fx.b_nip[1], NULL);
        assert_non_null(strstr(r.err, "rejected by the server"));
        /* The office is told the person is not its own, not whose they are. */
        assert_non_null(strstr(r.err, "is not in this office (" UNIT_A ")"));
        assert_null(strstr(r.err, UNIT_B));
        h_result_free(&r);
        st = f_status(fx.a);
        assert_int_equal(f_pending(st), 0);
        assert_non_null(op = f_rejected_op(st, fx.b_nip[1]));
        assert_string_equal(f_text(op, "code"), "PERMISSION_DENIED");
        assert_string_equal(f_text(op, "field"), "unit");
        assert_non_null(strstr(f_text(op, "reason"), "is not in this office"));
        assert_null(strstr(f_text(op, "reason"), UNIT_B));
        json_decref(st);
        /* The text form says it too, with the code. */
        f_expect(&r, 0, fx.a, "status", NULL);
        assert_non_null(strstr(r.out, "rejected by the server: 1\n"));
        assert_non_null(strstr(r.out, "(PERMISSION_DENIED)"));
        h_result_free(&r);

        /* A's change to B's enrollment, sent by hand: PERMISSION_DENIED too. */
        enr_id = replica_text(fx.hr, "SELECT id FROM enrollments WHERE nip = ?1", fx.b_nip[0]);
        assert_true(uuid_valid(enr_id));
        raw_connect(&t, fx.bundle_a);
        assert_int_equal(uuid7_make(op_id), 0);
        resp = raw_push(&t, op_id, "enrollment", enr_id, "status", "status", "batal", NULL, NULL);
        res = one_result(resp);
        assert_int_equal(res->status->code, RENBIN__CODE__PERMISSION_DENIED);
        assert_string_equal(res->status->field, "unit");
        assert_int_equal(res->seq, 0);
        renbin__response__free_unpacked(resp, NULL);
        h_tls_close(&t);

        /* A unit office cannot rewrite the roster either: HR owns it. renbin
         * refuses before queueing anything (nothing waits, nothing rejected)... */
        {
                char *csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n"
                                   "%s,Pegawai A5,%s,Pengadministrasi Umum,IV/a,\n",
                                   fx.a_nip[5], UNIT_A);
                char *path = f_write(fx.tmp, "roster-by-office.csv", csv);
                f_expect(&r, EXIT_DENIED, fx.a, "import", "asn", path, NULL);
                assert_non_null(strstr(r.err, "BKPSDM"));
                h_result_free(&r);
                st = f_status(fx.a);
                assert_null(f_rejected_op(st, fx.a_nip[5]));
                json_decref(st);
                free(path);
                free(csv);
        }
        /* ...and the server refuses the same op sent by hand. */
        raw_connect(&t, fx.bundle_a);
        assert_int_equal(uuid7_make(op_id), 0);
        assert_int_equal(uuid7_make(asn_id), 0);
        resp = raw_push(&t, op_id, "asn", asn_id, "put", "nip", fx.a_nip[5], "name", "Pegawai A5");
        res = one_result(resp);
        assert_int_equal(res->status->code, RENBIN__CODE__PERMISSION_DENIED);
        assert_string_equal(res->status->field, "role");
        renbin__response__free_unpacked(resp, NULL);
        h_tls_close(&t);

        /* Nothing changed on the server: HR sees B's enrollment as it was. */
        json_decref(f_sync(fx.hr));
        rows = enrollments(fx.hr, "ISO-01");
        assert_int_equal(json_array_size(rows), 2);
        assert_int_equal(f_rows_with(rows, "nip", fx.b_nip[1]), 0);
        assert_string_equal(f_text(f_row_with(rows, "nip", fx.b_nip[0]), "status"), "terdaftar");
        json_decref(rows);
        assert_int_equal(enrolled(fx.hr, "ISO-01"), 2);
        rows = f_json(0, fx.hr, "asn", "list", NULL);
        assert_string_equal(f_text(f_row_with(rows, "nip", fx.a_nip[5]), "golongan"), "III/a");
        json_decref(rows);

        /* HR's conflicts list keeps the rejected op as it was sent. */
        conf = f_json(0, fx.hr, "conflicts", NULL);
        dump = json_dumps(conf, JSON_COMPACT);
        assert_non_null(strstr(dump, fx.b_nip[1]));
        assert_non_null(strstr(dump, "PERMISSION_DENIED"));
        free(dump);
        json_decref(conf);

        /* A, having read them, takes its rejections off its status list: gone
         * from status, still in HR's conflicts list. */
        st = f_status(fx.a);
        assert_true(f_rejected(st) >= 1);
        json_decref(st);
        f_expect(&r, 0, fx.a, "status", "--dismiss", NULL);
        assert_non_null(strstr(r.out, "taken off this list"));
        h_result_free(&r);
        st = f_status(fx.a);
        assert_int_equal(f_rejected(st), 0);
        assert_null(f_rejected_op(st, fx.b_nip[1]));
        json_decref(st);
        conf = f_json(0, fx.hr, "conflicts", NULL);
        dump = json_dumps(conf, JSON_COMPACT);
        assert_non_null(strstr(dump, fx.b_nip[1]));
        free(dump);
        json_decref(conf);
        free(enr_id);
}

/* Enrolling with the server down: saved offline, shown pending, pushed by the
 * next sync once the server is back on the same address, then seen by HR. */
static void test_offline_enroll(void **state)
{
        char addr[64];
        const char *listen[] = {"--listen", addr, NULL};
        json_t *st, *rows, *row, *sync;
        struct h_result r;
        int code;

        (void)state;
        snprintf(addr, sizeof(addr), "%s", fx.srv.addr);
        st = f_status(fx.a);
        assert_int_equal(f_pending(st), 0);
        json_decref(st);
        assert_int_equal(h_server_stop(&fx.srv), 0);
        h_server_free(&fx.srv);

        f_expect(&r, 0, fx.a, "enroll", "OFF-01", fx.a_nip[1], fx.a_nip[2], NULL);
        assert_int_equal(h_count(r.out, "saved offline"), 2);
        h_result_free(&r);
        rows = enrollments(fx.a, "OFF-01");
        assert_int_equal(json_array_size(rows), 2);
        for (int i = 1; i <= 2; i++) {
                assert_non_null(row = f_row_with(rows, "nip", fx.a_nip[i]));
                assert_string_equal(f_text(row, "pending"), "enroll");
                assert_string_equal(f_text(row, "status"), "");
        }
        json_decref(rows);
        st = f_status(fx.a);
        assert_false(json_is_true(json_object_get(st, "reachable")));
        assert_int_equal(f_pending(st), 2);
        json_decref(st);
        /* A sync with the server down exits "unreachable" and keeps the ops. */
        f_expect(&r, EXIT_OFFLINE, fx.a, "sync", NULL);
        h_result_free(&r);

        if (h_server_start(&fx.srv, fx.data, listen, &code) != 0)
                fail_msg("renbind did not restart on %s (exit %d)", addr, code);
        assert_string_equal(fx.srv.addr, addr);
        sync = f_sync(fx.a);
        assert_int_equal(f_int(sync, "pushed"), 2);
        assert_int_equal(f_int(sync, "accepted"), 2);
        assert_int_equal(f_int(sync, "rejected"), 0);
        json_decref(sync);
        st = f_status(fx.a);
        assert_true(json_is_true(json_object_get(st, "reachable")));
        assert_int_equal(f_pending(st), 0);
        json_decref(st);
        rows = enrollments(fx.a, "OFF-01");
        assert_int_equal(json_array_size(rows), 2);
        assert_int_equal(f_rows_with(rows, "status", "terdaftar"), 2);
        assert_int_equal(f_rows_with(rows, "pending", ""), 2);
        json_decref(rows);

        json_decref(f_sync(fx.hr));
        rows = enrollments(fx.hr, "OFF-01");
        assert_int_equal(json_array_size(rows), 2);
        assert_int_equal(f_rows_with(rows, "nip", fx.a_nip[1]), 1);
        assert_int_equal(f_rows_with(rows, "nip", fx.a_nip[2]), 1);
        json_decref(rows);
        assert_int_equal(enrolled(fx.hr, "OFF-01"), 2);
}

/* Copies a file byte for byte; a missing source removes dst. */
static void copy_bin(const char *src, const char *dst)
{
        FILE *in = fopen(src, "rb"), *out;
        char buf[65536];
        size_t n;

        if (in == NULL) {
                unlink(dst);
                return;
        }
        assert_non_null(out = fopen(dst, "wb"));
        while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
                assert_int_equal(fwrite(buf, 1, n, out), n);
        fclose(in);
        assert_int_equal(fclose(out), 0);
}

/* Copies home's replica (with its WAL files) to or from the folder saved. */
static void replica_copy(const char *home, const char *saved, int restore)
{
        static const char *const names[] = {"replica.db", "replica.db-wal", "replica.db-shm"};

        for (size_t i = 0; i < 3; i++) {
                char *a = h_path(home, names[i]), *b = h_path(saved, names[i]);
                if (restore)
                        copy_bin(b, a);
                else
                        copy_bin(a, b);
                free(a);
                free(b);
        }
}

/* The same push sent twice (the answer lost, the outbox restored) creates one
 * enrollment: the server answers the retry with its first result. */
static void test_push_twice(void **state)
{
        char *saved = h_path(fx.tmp, "saved-replica"), *op1, *op2;
        json_t *st, *sync, *rows;
        struct h_result r;

        (void)state;
        assert_int_equal(mkdir(saved, 0700), 0);
        f_expect(&r, 0, fx.a, "--offline", "enroll", "DUP-01", fx.a_nip[3], NULL);
        assert_non_null(strstr(r.out, "saved offline"));
        h_result_free(&r);
        op1 = replica_text(fx.a, "SELECT op_id FROM outbox WHERE state = 'pending'", NULL);
        assert_true(uuid_valid(op1));
        replica_copy(fx.a, saved, 0);

        sync = f_sync(fx.a);
        assert_int_equal(f_int(sync, "accepted"), 1);
        json_decref(sync);
        assert_int_equal(enrolled(fx.a, "DUP-01"), 1);

        /* As if the answer had been lost: the op is pending again, same op_id. */
        replica_copy(fx.a, saved, 1);
        st = f_status(fx.a);
        assert_int_equal(f_pending(st), 1);
        json_decref(st);
        op2 = replica_text(fx.a, "SELECT op_id FROM outbox WHERE state = 'pending'", NULL);
        assert_string_equal(op1, op2);
        sync = f_sync(fx.a);
        assert_int_equal(f_int(sync, "pushed"), 1);
        assert_int_equal(f_int(sync, "accepted"), 1);
        assert_int_equal(f_int(sync, "rejected"), 0);
        json_decref(sync);
        free(op2);
        op2 = replica_text(fx.a, "SELECT detail FROM outbox WHERE op_id = ?1", op1);
        assert_string_equal(op2, "enrolled");

        json_decref(f_sync(fx.hr));
        rows = enrollments(fx.hr, "DUP-01");
        assert_int_equal(json_array_size(rows), 1);
        assert_int_equal(f_rows_with(rows, "nip", fx.a_nip[3]), 1);
        json_decref(rows);
        assert_int_equal(enrolled(fx.hr, "DUP-01"), 1);
        assert_int_equal(enrolled(fx.a, "DUP-01"), 1);
        free(op1);
        free(op2);
        free(saved);
}

/* The same at the protocol level: a retried op gets its first answer (same
 * seq, same detail); a new op for the same person is ALREADY_EXISTS. */
static void test_push_twice_raw(void **state)
{
        char op_id[UUID_STR], op2[UUID_STR], id[UUID_STR], id2[UUID_STR];
        Renbin__Response *first, *again, *other;
        const Renbin__OpResult *r1, *r2, *r3;
        struct h_tls t;

        (void)state;
        assert_int_equal(uuid7_make(op_id), 0);
        assert_int_equal(uuid7_make(id), 0);
        assert_int_equal(uuid7_make(op2), 0);
        assert_int_equal(uuid7_make(id2), 0);
        raw_connect(&t, fx.bundle_b);
        first = raw_push(&t, op_id, "enrollment", id, "create", "program", "DUP-01", "nip",
                         fx.b_nip[3]);
        r1 = one_result(first);
        assert_int_equal(r1->status->code, RENBIN__CODE__OK);
        assert_string_equal(r1->detail, "enrolled");
        assert_true(r1->seq > 0);
        again = raw_push(&t, op_id, "enrollment", id, "create", "program", "DUP-01", "nip",
                         fx.b_nip[3]);
        r2 = one_result(again);
        assert_int_equal(r2->status->code, RENBIN__CODE__OK);
        assert_string_equal(r2->op_id, op_id);
        assert_int_equal(r2->seq, r1->seq);
        assert_string_equal(r2->detail, "enrolled");
        other =
            raw_push(&t, op2, "enrollment", id2, "create", "program", "DUP-01", "nip", fx.b_nip[3]);
        r3 = one_result(other);
        assert_int_equal(r3->status->code, RENBIN__CODE__ALREADY_EXISTS);
        assert_string_equal(r3->status->field, "nip");
        renbin__response__free_unpacked(first, NULL);
        renbin__response__free_unpacked(again, NULL);
        renbin__response__free_unpacked(other, NULL);
        h_tls_close(&t);
        json_decref(f_sync(fx.hr));
        assert_int_equal(enrolled(fx.hr, "DUP-01"), 2);
}

/* Runs `renbin --home home sync --quiet` in a child process; its pid. */
static pid_t sync_in_child(const char *home)
{
        pid_t pid;

        fflush(NULL);
        if ((pid = fork()) == 0) {
                const char *args[] = {"--quiet", "sync", NULL};
                struct h_result r;
                int st = f_run(&r, home, args);
                _exit(st < 0 ? 99 : st);
        }
        assert_true(pid > 0);
        return pid;
}

/* The exit status of a child of sync_in_child. */
static int child_status(pid_t pid)
{
        int st;

        assert_int_equal(waitpid(pid, &st, 0), pid);
        return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Two offices, offline, each take the last seat; they sync at the same time:
 * the server gives it to one and refuses the other (capacity). */
static void test_capacity_race(void **state)
{
        json_t *sa, *sb, *oa, *ob, *lost, *rows;
        struct h_result r;
        pid_t pa, pb;

        (void)state;
        f_ok(fx.hr, "enroll", "RACE-01", fx.a_nip[4], NULL);
        json_decref(f_sync(fx.a));
        json_decref(f_sync(fx.b));
        assert_int_equal(enrolled(fx.a, "RACE-01"), 1);
        f_ok(fx.a, "--offline", "enroll", "RACE-01", fx.a_nip[5], NULL);
        f_ok(fx.b, "--offline", "enroll", "RACE-01", fx.b_nip[5], NULL);
        pa = sync_in_child(fx.a);
        pb = sync_in_child(fx.b);
        /* The office refused exits 5 (the server rejected its op), the other 0. */
        int ca = child_status(pa), cb = child_status(pb);
        assert_int_equal(ca + cb, EXIT_REFUSED);
        assert_true(ca == 0 || cb == 0);

        sa = f_status(fx.a);
        sb = f_status(fx.b);
        assert_int_equal(f_pending(sa), 0);
        assert_int_equal(f_pending(sb), 0);
        oa = f_rejected_op(sa, "RACE-01");
        ob = f_rejected_op(sb, "RACE-01");
        if ((oa == NULL) == (ob == NULL))
                fail_msg("want exactly one office refused, got A %s, B %s",
                         oa ? "refused" : "accepted", ob ? "refused" : "accepted");
        lost = oa ? oa : ob;
        assert_string_equal(f_text(lost, "code"), "FAILED_PRECONDITION");
        assert_string_equal(f_text(lost, "field"), "capacity");
        assert_non_null(strstr(f_text(lost, "reason"), "full"));
        json_decref(sa);
        json_decref(sb);

        json_decref(f_sync(fx.hr));
        assert_int_equal(enrolled(fx.hr, "RACE-01"), 2);
        rows = enrollments(fx.hr, "RACE-01");
        assert_int_equal(json_array_size(rows), 2);
        assert_int_equal(f_rows_with(rows, "nip", oa ? fx.b_nip[5] : fx.a_nip[5]), 1);
        json_decref(rows);

        /* Online, the answer comes at once: refused by a rule. */
        f_expect(&r, EXIT_REFUSED, fx.a, "enroll", "RACE-01", fx.a_nip[0], NULL);
        assert_non_null(strstr(r.err, "full"));
        h_result_free(&r);
        json_decref(f_sync(fx.hr));
        assert_int_equal(enrolled(fx.hr, "RACE-01"), 2);
}

/* Roster imports: every bad line reported and nothing imported; --skip-bad
 * imports the rest; a re-import updates by NIP and lists who is missing. */
static void test_roster_import(void **state)
{
        char n[4][19], *csv, *path;
        json_t *doc, *done, *rows, *missing;
        struct h_result r;

        (void)state;
        f_ok(fx.hr, "unit", "add", "KEL-IMP", "Kelurahan Impor", "--kind", "kelurahan", NULL);
        f_nip(n[0], "19750310", "200003", 1, 1);
        f_nip(n[1], "19780412", "200104", 2, 2);
        f_nip(n[2], "19820513", "200805", 1, 3);
        f_nip(n[3], "19900614", "201506", 2, 4);
        csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n"
                     "%s,Ahmad,KEL-IMP,Lurah,IV/a,\n"
                     "19801301200501 1 001,Salah Tanggal,KEL-IMP,Staf,III/a,\n"
                     "%s,Butet,KEL-IMP,Sekretaris Lurah,III/d,\n"
                     "%s,Salah Golongan,KEL-IMP,Staf,V/z,\n"
                     "%s,Cahaya,KEL-IMP,Bendahara,III/a,\n",
                     n[0], n[1], n[3], n[2]);
        path = f_write(fx.tmp, "roster-bad.csv", csv);
        free(csv);
        f_expect(&r, EXIT_INVALID, fx.hr, "import", "asn", path, NULL);
        assert_non_null(strstr(r.err, "line 3, column NIP: "));
        assert_non_null(strstr(r.err, "line 5, column golongan: "));
        assert_null(strstr(r.err, "line 2,"));
        assert_null(strstr(r.err, "line 4,"));
        assert_null(strstr(r.err, "line 6,"));
        assert_non_null(strstr(r.err, "nothing was imported"));
        h_result_free(&r);
        rows = f_json(0, fx.hr, "asn", "list", "--unit", "KEL-IMP", NULL);
        assert_int_equal(json_array_size(rows), 0);
        json_decref(rows);

        doc = f_json(0, fx.hr, "import", "asn", path, "--skip-bad", NULL);
        done = json_object_get(doc, "done");
        assert_int_equal(f_int(done, "created"), 3);
        assert_int_equal(json_object_size(done), 1);
        assert_int_equal(f_int(doc, "skipped"), 2);
        assert_int_equal(json_array_size(json_object_get(doc, "rejected")), 0);
        json_decref(doc);
        free(path);
        rows = f_json(0, fx.hr, "asn", "list", "--unit", "KEL-IMP", NULL);
        assert_int_equal(json_array_size(rows), 3);
        json_decref(rows);

        /* Next month's roster: Ahmad promoted, Butet as before, Cahaya left out. */
        csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n"
                     "%s,Ahmad,KEL-IMP,Lurah,IV/b,\n"
                     "%s,Butet,KEL-IMP,Sekretaris Lurah,III/d,\n",
                     n[0], n[1]);
        path = f_write(fx.tmp, "roster-next.csv", csv);
        free(csv);
        doc = f_json(0, fx.hr, "import", "asn", path, NULL);
        done = json_object_get(doc, "done");
        assert_int_equal(f_int(done, "updated"), 1);
        assert_int_equal(f_int(done, "unchanged"), 1);
        assert_int_equal(json_object_size(done), 2);
        missing = json_object_get(doc, "not_in_file");
        assert_int_equal(json_array_size(missing), 1);
        assert_non_null(strstr(json_string_value(json_array_get(missing, 0)), n[2]));
        json_decref(doc);
        /* The text form names what changed. */
        f_expect(&r, 0, fx.hr, "import", "asn", path, NULL);
        assert_non_null(strstr(r.out, "unchanged 2"));
        h_result_free(&r);
        free(path);
        rows = f_json(0, fx.hr, "asn", "list", "--unit", "KEL-IMP", NULL);
        assert_int_equal(json_array_size(rows), 3);
        assert_string_equal(f_text(f_row_with(rows, "nip", n[0]), "golongan"), "IV/b");
        assert_string_equal(f_text(f_row_with(rows, "nip", n[1]), "golongan"), "III/d");
        assert_int_equal(f_int(f_row_with(rows, "nip", n[2]), "active"), 1);
        json_decref(rows);
}

/* Deactivating a unit locks its office out until it is activated again. */
static void test_unit_deactivate(void **state)
{
        char *bundle = h_path(fx.tmp, "bundle-off"), *home = h_path(fx.tmp, "home-off");
        struct h_result r;
        json_t *st;

        (void)state;
        f_ok(fx.hr, "unit", "add", "KEL-OFF", "Kelurahan Tutup", "--kind", "kelurahan", NULL);
        h_must_issue(fx.data, "KEL-OFF", "unit", bundle, NULL);
        h_must_setup(home, fx.srv.addr, bundle);
        st = f_status(home);
        assert_string_equal(f_text(st, "unit"), "KEL-OFF");
        json_decref(st);

        f_ok(fx.hr, "unit", "deactivate", "KEL-OFF", NULL);
        f_expect(&r, EXIT_DENIED, home, "status", NULL);
        assert_non_null(strstr(r.err, "KEL-OFF"));
        assert_non_null(strstr(r.err, "deactivated"));
        assert_int_equal(h_count(r.err, "\n"), 1);
        h_result_free(&r);
        f_expect(&r, EXIT_DENIED, home, "sync", NULL);
        assert_non_null(strstr(r.err, "KEL-OFF"));
        h_result_free(&r);
        /* HR's replica shows it inactive. */
        st = f_json(0, fx.hr, "unit", "list", NULL);
        assert_int_equal(f_int(f_row_with(st, "code", "KEL-OFF"), "active"), 0);
        json_decref(st);

        f_ok(fx.hr, "unit", "activate", "KEL-OFF", NULL);
        json_decref(f_sync(home));
        free(bundle);
        free(home);
}

/* terdaftar -> hadir -> selesai credits the program's JP; selesai -> hadir is
 * refused, by the client when it knows and by the server when it does not. */
static void test_attendance(void **state)
{
        char *a2 = h_path(fx.tmp, "home-a2");
        const char *nip = fx.a_nip[1];
        json_t *doc, *op, *rows, *row, *st;
        struct h_result r;

        (void)state;
        doc = f_json(0, fx.a, "enroll", "ATT-01", nip, NULL);
        assert_true(json_is_true(json_object_get(doc, "online")));
        op = json_array_get(json_object_get(doc, "ops"), 0);
        assert_string_equal(f_text(op, "state"), "done");
        assert_string_equal(f_text(op, "detail"), "enrolled");
        json_decref(doc);
        /* A second seat of the same office, synced now: it will lag behind. */
        h_must_setup(a2, fx.srv.addr, fx.bundle_a);
        json_decref(f_sync(a2));

        doc = f_json(0, fx.a, "attend", "ATT-01", nip, "--status", "hadir", NULL);
        op = json_array_get(json_object_get(doc, "ops"), 0);
        assert_string_equal(f_text(op, "detail"), "terdaftar -> hadir");
        json_decref(doc);
        rows = enrollments(fx.a, "ATT-01");
        assert_int_equal(f_int(f_row_with(rows, "nip", nip), "jp"), 0);
        json_decref(rows);
        doc = f_json(0, fx.a, "attend", "ATT-01", nip, "--status", "selesai", NULL);
        op = json_array_get(json_object_get(doc, "ops"), 0);
        assert_string_equal(f_text(op, "detail"), "hadir -> selesai");
        json_decref(doc);

        json_decref(f_sync(fx.hr));
        rows = enrollments(fx.hr, "ATT-01");
        assert_int_equal(json_array_size(rows), 1);
        row = f_row_with(rows, "nip", nip);
        assert_string_equal(f_text(row, "status"), "selesai");
        assert_int_equal(f_int(row, "jp"), 24);
        json_decref(rows);

        /* Back to hadir: the client knows better and refuses. */
        f_expect(&r, EXIT_REFUSED, fx.a, "attend", "ATT-01", nip, "--status", "hadir", NULL);
        assert_non_null(strstr(r.err, "selesai"));
        h_result_free(&r);
        st = f_status(fx.a);
        assert_int_equal(f_pending(st), 0);
        json_decref(st);

        /* The lagging seat still thinks terdaftar; the server refuses. */
        f_expect(&r, EXIT_REFUSED, a2, "attend", "ATT-01", nip, "--status", "hadir", NULL);
        assert_non_null(strstr(r.err, "rejected by the server"));
        h_result_free(&r);
        st = f_status(a2);
        assert_non_null(op = f_rejected_op(st, "ATT-01"));
        assert_string_equal(f_text(op, "code"), "FAILED_PRECONDITION");
        assert_string_equal(f_text(op, "field"), "status");
        assert_non_null(strstr(f_text(op, "reason"), "selesai"));
        json_decref(st);
        rows = enrollments(a2, "ATT-01");
        assert_string_equal(f_text(f_row_with(rows, "nip", nip), "status"), "selesai");
        json_decref(rows);
        json_decref(f_sync(fx.hr));
        rows = enrollments(fx.hr, "ATT-01");
        row = f_row_with(rows, "nip", nip);
        assert_string_equal(f_text(row, "status"), "selesai");
        assert_int_equal(f_int(row, "jp"), 24);
        json_decref(rows);
        free(a2);
}

/* A pull cut after every page (7 changes) resumes, page by page, to the same
 * replica as one sync in one go. */
static void test_paged_pull(void **state)
{
        static const char *const lists[][4] = {
            {"enroll", "list", NULL}, {"asn", "list", "--all", NULL}, {"program", "list", NULL},
            {"unit", "list", NULL},   {"plan", "list", NULL},
        };
        char *paged = h_path(fx.tmp, "home-hr-paged"), *whole = h_path(fx.tmp, "home-hr-whole");
        long long total, sum = 0, pages = 0, p;
        json_t *doc;

        (void)state;
        h_must_setup(whole, fx.srv.addr, fx.bundle_hr);
        h_must_setup(paged, fx.srv.addr, fx.bundle_hr);
        doc = f_sync(whole);
        total = f_int(doc, "pulled");
        json_decref(doc);
        assert_true(total > 4 * 7);
        for (;;) {
                doc = f_json(0, paged, "sync", "--page-size", "7", "--max-pages", "1", NULL);
                p = f_int(doc, "pulled");
                json_decref(doc);
                assert_in_range(p, 0, 7);
                if (p == 0)
                        break;
                sum += p;
                pages++;
                if (pages > total)
                        fail_msg("paged sync does not end: %lld pages", pages);
        }
        assert_int_equal(sum, total);
        assert_int_equal(pages, (total + 6) / 7);

        for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
                const char *args[6] = {"--json", lists[i][0], lists[i][1], lists[i][2], NULL};
                struct h_result ra, rb, rh;
                json_t *ja, *jb, *jh;

                f_run(&ra, paged, args);
                f_run(&rb, whole, args);
                f_run(&rh, fx.hr, args);
                assert_int_equal(ra.status, 0);
                assert_int_equal(rb.status, 0);
                assert_int_equal(rh.status, 0);
                assert_non_null(ja = json_loads(ra.out, 0, NULL));
                assert_non_null(jb = json_loads(rb.out, 0, NULL));
                assert_non_null(jh = json_loads(rh.out, 0, NULL));
                assert_true(json_array_size(ja) > 0);
                if (!json_equal(ja, jb) || !json_equal(ja, jh))
                        fail_msg("%s %s differs:\npaged: %s\nwhole: %s\nhr: %s", lists[i][0],
                                 lists[i][1], ra.out, rb.out, rh.out);
                json_decref(ja);
                json_decref(jb);
                json_decref(jh);
                h_result_free(&ra);
                h_result_free(&rb);
                h_result_free(&rh);
        }
        free(paged);
        free(whole);
}

/* Forum notes of the longest allowed texts, n of them in one raw push. */
static void push_long_forums(struct h_tls *t, size_t n)
{
        static const char *const names[] = {"unit", "date", "topic", "input", "follow_up"};
        Renbin__Request req = RENBIN__REQUEST__INIT;
        Renbin__Push push = RENBIN__PUSH__INIT;
        Renbin__Op *op = calloc(n, sizeof(*op)), **ops = calloc(n, sizeof(*ops));
        Renbin__Field *f = calloc(n * 5, sizeof(*f)), **fp = calloc(n * 5, sizeof(*fp));
        char(*ids)[2][UUID_STR] = calloc(n, sizeof(*ids)), *text = malloc(4001);
        const char *values[5] = {UNIT_A, "2027-03-01", "Forum warga", text, text};
        Renbin__Response *resp;

        assert_non_null(op && ops && f && fp && ids && text);
        memset(text, 'x', 4000);
        text[4000] = '\0';
        for (size_t i = 0; i < n; i++) {
                renbin__op__init(&op[i]);
                assert_int_equal(uuid7_make(ids[i][0]), 0);
                assert_int_equal(uuid7_make(ids[i][1]), 0);
                op[i].op_id = ids[i][0];
                op[i].entity = "forum";
                op[i].entity_id = ids[i][1];
                op[i].action = "add";
                for (size_t k = 0; k < 5; k++) {
                        renbin__field__init(&f[i * 5 + k]);
                        f[i * 5 + k].name = (char *)names[k];
                        f[i * 5 + k].value = (char *)values[k];
                        fp[i * 5 + k] = &f[i * 5 + k];
                }
                op[i].n_fields = 5;
                op[i].fields = &fp[i * 5];
                ops[i] = &op[i];
        }
        push.n_ops = n;
        push.ops = ops;
        req.call_case = RENBIN__REQUEST__CALL_PUSH;
        req.push = &push;
        assert_int_equal(h_tls_send_req(t, &req), 0);
        if ((resp = h_tls_recv(t, 30000)) == NULL)
                fail_msg("no answer to Push: %s", t->error);
        assert_int_equal(resp->result_case, RENBIN__RESPONSE__RESULT_PUSH);
        for (size_t i = 0; i < resp->push->n_results; i++)
                assert_int_equal(resp->push->results[i]->status->code, RENBIN__CODE__OK);
        renbin__response__free_unpacked(resp, NULL);
        free(op);
        free(ops);
        free(f);
        free(fp);
        free(ids);
        free(text);
}

/* A page of long rows stays within the 4 MiB a client accepts: the server
 * fills a page by size as well as by count, and the office still syncs. */
static void test_pull_page_size(void **state)
{
        struct h_tls t;
        json_t *doc;

        (void)state;
        raw_connect(&t, fx.bundle_hr);
        for (int i = 0; i < 3; i++)
                push_long_forums(&t, 200);
        h_tls_close(&t);
        doc = f_sync(fx.a);
        assert_true(f_int(doc, "pulled") >= 600);
        json_decref(doc);
}

/* One raw Pull of at most limit changes after since (free the answer). */
static Renbin__Response *raw_pull(struct h_tls *t, uint64_t since, uint32_t limit)
{
        Renbin__Request req = RENBIN__REQUEST__INIT;
        Renbin__Pull pull = RENBIN__PULL__INIT;
        Renbin__Response *resp;

        pull.since = since;
        pull.limit = limit;
        req.call_case = RENBIN__REQUEST__CALL_PULL;
        req.pull = &pull;
        assert_int_equal(h_tls_send_req(t, &req), 0);
        if ((resp = h_tls_recv(t, H_RECV_TIMEOUT_MS)) == NULL)
                fail_msg("no answer to Pull: %s", t->error);
        assert_int_equal(resp->status ? resp->status->code : 0, RENBIN__CODE__OK);
        assert_int_equal(resp->result_case, RENBIN__RESPONSE__RESULT_PULL);
        return resp;
}

/*
 * The server builds the next page while the client reads the last (read
 * ahead); a write between two pages must not be answered from the page built
 * before it. Here a change committed after page 2 has gone out (its
 * read-ahead built) is counted in remaining at once, exactly, and comes in a
 * later page; so does one between pages with another call (Ping) between.
 */
static void test_pull_write_between(void **state)
{
        struct h_tls t, w;
        Renbin__Response *resp;
        const Renbin__PullReply *r;
        uint64_t since = 0, first_left = 0, got = 0, added = 0, last_seq = 0, forum_seen = 0;

        (void)state;
        raw_connect(&t, fx.bundle_hr);
        for (int page = 0;; page++) {
                resp = raw_pull(&t, since, 3);
                r = resp->pull;
                if (page == 0)
                        first_left = r->remaining + r->n_changes;
                got += r->n_changes;
                for (size_t i = 0; i < r->n_changes; i++) {
                        assert_true(r->changes[i]->seq > last_seq);
                        last_seq = r->changes[i]->seq;
                        forum_seen += strcmp(r->changes[i]->entity, "forum") == 0;
                }
                /* remaining counts down exactly to what is still to come,
                 * the changes written since the first page included */
                assert_int_equal(r->remaining, first_left + added - got);
                since = r->cursor;
                int done = r->remaining == 0;
                renbin__response__free_unpacked(resp, NULL);
                if (done)
                        break;
                if (page == 1 || page == 3) {
                        raw_connect(&w, fx.bundle_hr);
                        push_long_forums(&w, 1);
                        h_tls_close(&w);
                        added++;
                }
                if (page == 3)
                        assert_int_equal(h_tls_ping(&t, "between"), RENBIN__CODE__OK);
                if (page > 10000)
                        fail_msg("pull does not end");
        }
        assert_int_equal(added, 2);
        assert_int_equal(got, first_left + added);
        assert_true(forum_seen >= added);
        h_tls_close(&t);
}

/* Runs renbin with args as home, the files it writes limited to limit bytes
 * (a full disk, as test_e2e_faults makes one). */
static void run_fsize(struct h_result *r, rlim_t limit, const char *home, const char *const *args)
{
        struct rlimit old, lim;
        void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);

        assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
        lim = old;
        lim.rlim_cur = limit;
        assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
        f_run(r, home, args);
        setrlimit(RLIMIT_FSIZE, &old);
        signal(SIGXFSZ, prev);
}

/* The size of file name in home, 0 if there is none. */
static long long file_size(const char *home, const char *name)
{
        char *path = h_path(home, name);
        struct stat sb;
        long long n = stat(path, &sb) == 0 ? (long long)sb.st_size : 0;

        free(path);
        return n;
}

/* The entity tables' key indexes a replica has. */
static const char SQL_KEY_INDEXES[] =
    "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name LIKE '%\\_key' ESCAPE '\\'";

/*
 * renbin sync asks for the next page before it applies the one it has (the
 * server builds it meanwhile). A sync cut while a page is applied - the disk
 * fills, with the next Pull already sent - keeps every page applied before
 * with its cursor; the next sync pulls exactly what the server said remained
 * after the last of them (nothing lost, nothing applied twice), and the
 * replica ends as one whole sync leaves it.
 */
static void test_pull_cut_pipelined(void **state)
{
        static const char *const lists[][4] = {
            {"enroll", "list", NULL}, {"asn", "list", "--all", NULL}, {"program", "list", NULL},
            {"unit", "list", NULL},   {"plan", "list", NULL},
        };
        const char *sync_args[] = {"--json", "sync", "--page-size", "2", NULL};
        char *cut = h_path(fx.tmp, "home-hr-cut"), *whole = h_path(fx.tmp, "home-hr-whole2"), *v,
             *w;
        long long db, wal, cursor, left, total;
        struct h_result r;
        json_t *doc;

        (void)state;
        h_must_setup(whole, fx.srv.addr, fx.bundle_hr);
        h_must_setup(cut, fx.srv.addr, fx.bundle_hr);
        doc = f_sync(whole);
        total = f_int(doc, "pulled");
        json_decref(doc);
        db = file_size(cut, "replica.db");
        wal = file_size(cut, "replica.db-wal");
        /* Room for the key indexes' drop and some pages: the WAL grows by a
         * few 4 KiB pages per page, and the 600 long forum notes alone fill
         * megabytes. */
        run_fsize(&r, (rlim_t)((db > wal ? db : wal) + 256 * 1024), cut, sync_args);
        if (r.status == 0)
                fail_msg("the sync was not cut (%lld changes): %s", total, r.out);
        h_result_free(&r);
        v = replica_text(cut, "SELECT value FROM settings WHERE key = 'cursor'", NULL);
        cursor = strtoll(v, NULL, 10);
        free(v);
        v = replica_text(cut, "SELECT value FROM settings WHERE key = 'pull_remaining'", NULL);
        left = strtoll(v, NULL, 10);
        free(v);
        /* cut in the middle: some pages applied, some not */
        assert_true(cursor > 0);
        assert_true(left > 0 && left < total);
        doc = f_json(0, cut, "sync", "--page-size", "2", NULL);
        assert_int_equal(f_int(doc, "pulled"), left);
        json_decref(doc);
        /* a pull from scratch drops the key indexes and builds them at its
         * end; the sync after the cut has them all back */
        v = replica_text(cut, SQL_KEY_INDEXES, NULL);
        w = replica_text(whole, SQL_KEY_INDEXES, NULL);
        assert_true(strtoll(v, NULL, 10) > 5);
        assert_string_equal(v, w);
        free(v);
        free(w);

        for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
                const char *args[6] = {"--json", lists[i][0], lists[i][1], lists[i][2], NULL};
                struct h_result ra, rb;

                f_run(&ra, cut, args);
                f_run(&rb, whole, args);
                assert_int_equal(ra.status, 0);
                assert_int_equal(rb.status, 0);
                assert_string_equal(ra.out, rb.out);
                h_result_free(&ra);
                h_result_free(&rb);
        }
        free(cut);
        free(whole);
}

/* An asn put whose row id is already another person's is the client's fault:
 * INVALID_ARGUMENT, recorded, not an INTERNAL error the client retries forever. */
static void test_asn_id_taken(void **state)
{
        static const char *const names[] = {"nip", "name", "unit"};
        Renbin__Request req = RENBIN__REQUEST__INIT;
        Renbin__Push push = RENBIN__PUSH__INIT;
        Renbin__Op op = RENBIN__OP__INIT, *ops[1] = {&op};
        Renbin__Field f[3], *fp[3] = {&f[0], &f[1], &f[2]};
        char nip[19], op_id[UUID_STR], *taken;
        const char *values[3] = {nip, "Pegawai Baru", UNIT_A};
        const Renbin__OpResult *o;
        Renbin__Response *resp;
        struct h_tls t;

        (void)state;
        f_nip(nip, "19900303", "201501", 1, 77);
        taken = replica_text(fx.hr, "SELECT id FROM asn WHERE nip = ?1", fx.a_nip[0]);
        assert_true(taken[0] != '\0');
        assert_int_equal(uuid7_make(op_id), 0);
        for (int k = 0; k < 3; k++) {
                renbin__field__init(&f[k]);
                f[k].name = (char *)names[k];
                f[k].value = (char *)values[k];
        }
        op.op_id = op_id;
        op.entity = "asn";
        op.entity_id = taken;
        op.action = "put";
        op.n_fields = 3;
        op.fields = fp;
        push.n_ops = 1;
        push.ops = ops;
        req.call_case = RENBIN__REQUEST__CALL_PUSH;
        req.push = &push;
        raw_connect(&t, fx.bundle_hr);
        assert_int_equal(h_tls_send_req(&t, &req), 0);
        if ((resp = h_tls_recv(&t, H_RECV_TIMEOUT_MS)) == NULL)
                fail_msg("no answer to Push: %s", t.error);
        o = one_result(resp);
        assert_int_equal(o->status->code, RENBIN__CODE__INVALID_ARGUMENT);
        renbin__response__free_unpacked(resp, NULL);
        h_tls_close(&t);
        free(taken);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_office_isolation),   cmocka_unit_test(test_offline_enroll),
            cmocka_unit_test(test_push_twice),         cmocka_unit_test(test_push_twice_raw),
            cmocka_unit_test(test_capacity_race),      cmocka_unit_test(test_roster_import),
            cmocka_unit_test(test_unit_deactivate),    cmocka_unit_test(test_attendance),
            cmocka_unit_test(test_paged_pull),         cmocka_unit_test(test_pull_page_size),
            cmocka_unit_test(test_asn_id_taken),       cmocka_unit_test(test_pull_write_between),
            cmocka_unit_test(test_pull_cut_pipelined),
        };

        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
