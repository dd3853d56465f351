/*
 * test_e2e_identity.c - the server owns row identity, whichever way a row
 * was made (decision 148): an id held by a row of one entity is refused for
 * a create of another (ALREADY_EXISTS on entity_id, naming the owner), a
 * change by id of another entity's row is NOT_FOUND, and an action keyed by
 * code may not carry it; for a row an op made, an ASN row `renbin import`
 * made, and a certificate the server made itself. A database left at schema
 * 14 with rows still refuses their ids once migrated, through the feed's
 * row key. Raw ops go through the harness's TLS client.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "err.h"
#include "flow.h"
#include "uuid.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNIT_A "KEL-BLW1"

struct fixture {
        char *tmp, *data, *bundle_hr, *bundle_a, *hr, *a;
        char nip[19];
        struct h_server srv;
};

static struct fixture fx;

static int group_setup(void **state)
{
        char *csv, *path;

        (void)state;
        f_nip(fx.nip, "19800101", "200503", 1, 11);
        fx.tmp = h_tmpdir("identity");
        fx.data = h_path(fx.tmp, "data");
        fx.bundle_hr = h_path(fx.tmp, "bundle-hr");
        fx.bundle_a = h_path(fx.tmp, "bundle-a");
        fx.hr = h_path(fx.tmp, "home-hr");
        fx.a = h_path(fx.tmp, "home-a");
        h_must_init(fx.data);
        h_must_issue(fx.data, "BKPSDM", "hr", fx.bundle_hr, NULL);
        h_must_issue(fx.data, UNIT_A, "unit", fx.bundle_a, NULL);
        h_server_env = h_env_after_plans; /* attendance after the program starts */
        h_must_start(&fx.srv, fx.data);
        h_must_setup(fx.hr, fx.srv.addr, fx.bundle_hr);
        f_ok(fx.hr, "unit", "add", UNIT_A, "Kelurahan Belawan I", "--kind", "kelurahan", NULL);
        csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n%s,Pegawai A,%s,Analis,III/a,\n", fx.nip,
                     UNIT_A);
        path = f_write(fx.tmp, "roster.csv", csv);
        f_ok(fx.hr, "import", "asn", path, NULL);
        free(path);
        free(csv);
        f_ok(fx.hr, "competency", "add", "K-ANG", "Pengelolaan anggaran", "--type", "teknis", NULL);
        f_ok(fx.hr, "plan", "create", "2027", "Rencana 2027", NULL);
        f_ok(fx.hr, "program", "add", "--plan", "2027", "--code", "ID-01", "--title", "Program",
             "--method", "pelatihan", "--start", "2027-02-10", "--end", "2027-02-12", "--jp", "24",
             "--capacity", "30", "--competency", "K-ANG", NULL);
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

/* A connected raw client of bundle on port that has said Hello. */
static void raw_connect(struct h_tls *t, int port, const char *bundle)
{
        if (h_tls_connect(t, port, bundle, 0) != 0)
                fail_msg("connect: %s", t->error);
        assert_int_equal(h_tls_hello(t), RENBIN__CODE__OK);
}

/* Pushes one op of entity and action on id and checks its one result: code,
 * and for a refusal the field entity_id and exactly the message want. */
static void push_expect(struct h_tls *t, const char *entity, const char *id, const char *action,
                        const char *const (*kv)[2], size_t n, int code, const char *want)
{
        Renbin__Response *resp = h_tls_push(t, entity, id, action, kv, n, NULL);
        const Renbin__Status *s;

        assert_int_equal(resp->status ? resp->status->code : 0, RENBIN__CODE__OK);
        assert_int_equal(resp->push->n_results, 1);
        s = resp->push->results[0]->status;
        if ((s ? (int)s->code : 0) != code)
                fail_msg("%s %s %s: code %d (%s), not %d", entity, action, id, s ? (int)s->code : 0,
                         s && s->message ? s->message : "", code);
        if (want != NULL) {
                assert_string_equal(s->field, "entity_id");
                assert_string_equal(s->message, want);
        }
        renbin__response__free_unpacked(resp, NULL);
}

/* Every refusal an id held by a row of owner gets from ops of other
 * entities: a create (forum add, enrollment create), a change by id (forum
 * update, enrollment status) and an action keyed by code (need update). */
static void refused_everywhere(int port, const char *id, const char *owner)
{
        const char *const forum[][2] = {{"unit", UNIT_A}, {"date", "2027-01-05"}, {"topic", "X"}};
        const char *const enroll[][2] = {{"program", "ID-01"}, {"nip", fx.nip}};
        const char *const update[][2] = {{"status", "proses"}};
        const char *const status[][2] = {{"status", "hadir"}};
        const char *const need[][2] = {
            {"unit", UNIT_A}, {"year", "2027"}, {"competency", "K-ANG"}, {"priority", "tinggi"}};
        char *taken = h_strf("id %s is already taken by a row of %s", id, owner);
        char *no_forum = h_strf("no forum has id %s", id),
             *no_enr = h_strf("no enrollment has id %s", id);
        struct h_tls t;

        raw_connect(&t, port, fx.bundle_a);
        if (strcmp(owner, "forum") != 0) {
                push_expect(&t, "forum", id, "add", forum, 3, RENBIN__CODE__ALREADY_EXISTS, taken);
                push_expect(&t, "forum", id, "update", update, 1, RENBIN__CODE__NOT_FOUND,
                            no_forum);
        }
        push_expect(&t, "enrollment", id, "create", enroll, 2, RENBIN__CODE__ALREADY_EXISTS, taken);
        push_expect(&t, "enrollment", id, "status", status, 1, RENBIN__CODE__NOT_FOUND, no_enr);
        push_expect(&t, "need", id, "update", need, 4, RENBIN__CODE__ALREADY_EXISTS, taken);
        h_tls_close(&t);
        free(taken);
        free(no_forum);
        free(no_enr);
}

/* A forum note an op made: its id is refused to every other entity and to
 * a second create of a note; the note's own change by id still applies. */
static void test_op_row(void **state)
{
        const char *const forum[][2] = {{"unit", UNIT_A}, {"date", "2027-01-05"}, {"topic", "X"}};
        const char *const update[][2] = {{"status", "proses"}};
        char id[UUID_STR], *taken;
        struct h_tls t;

        (void)state;
        assert_int_equal(uuid7_make(id), 0);
        taken = h_strf("id %s is already taken by a row of forum", id);
        raw_connect(&t, fx.srv.port, fx.bundle_a);
        push_expect(&t, "forum", id, "add", forum, 3, RENBIN__CODE__OK, NULL);
        push_expect(&t, "forum", id, "add", forum, 3, RENBIN__CODE__ALREADY_EXISTS, taken);
        push_expect(&t, "forum", id, "update", update, 1, RENBIN__CODE__OK, NULL);
        h_tls_close(&t);
        refused_everywhere(fx.srv.port, id, "forum");
        free(taken);
}

/* An ASN row made by `renbin import asn` (the fixture's roster). */
static void test_imported_row(void **state)
{
        char *id = f_replica_text(fx.a, "SELECT id FROM asn WHERE nip = ?1", fx.nip);

        (void)state;
        assert_non_null(id);
        refused_everywhere(fx.srv.port, id, "asn");
        free(id);
}

/* A certificate the server made itself when an enrollment became selesai:
 * no op carried its id. */
static void test_server_made_row(void **state)
{
        char *id;

        (void)state;
        f_ok(fx.a, "enroll", "ID-01", fx.nip, NULL);
        f_ok(fx.a, "attend", "ID-01", fx.nip, "--status", "hadir", NULL);
        f_ok(fx.a, "attend", "ID-01", fx.nip, "--status", "selesai", NULL);
        json_decref(f_sync(fx.a));
        id = f_replica_text(fx.a, "SELECT id FROM certificates WHERE nip = ?1", fx.nip);
        assert_non_null(id);
        refused_everywhere(fx.srv.port, id, "certificate");
        free(id);
}

/* Runs sql on the database file at path, failing the test on an error. */
static void db_exec_at(const char *path, const char *sql)
{
        sqlite3 *db = NULL;

        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
            sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
                fail_msg("%s: %s", path, sqlite3_errmsg(db));
        sqlite3_close(db);
}

/* The plan SQLite gives sql on the database at path, its details joined. */
static char *query_plan(const char *path, const char *sql)
{
        char *q = h_strf("EXPLAIN QUERY PLAN %s", sql), *out = h_strf("%s", "");
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;

        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
                fail_msg("%s: %s", path, sqlite3_errmsg(db));
        while (sqlite3_step(st) == SQLITE_ROW) {
                char *more = h_strf("%s%s;", out, (const char *)sqlite3_column_text(st, 3));
                free(out);
                out = more;
        }
        sqlite3_finalize(st);
        sqlite3_close(db);
        free(q);
        return out;
}

/* A database at schema 14 with rows (each with its feed entry, as renbind
 * then wrote them): once migrated, the id lookup is one search of the
 * feed's row key, and a server on it refuses those ids. */
static void test_migrated_rows(void **state)
{
        char *data = h_path(fx.tmp, "old"), *path = h_path(data, "renbin.db"),
             *bundle = h_path(fx.tmp, "bundle-old");
        const char *const forum[][2] = {{"unit", UNIT_A}, {"date", "2027-01-05"}, {"topic", "X"}};
        const char *const update[][2] = {{"status", "proses"}};
        char unit_id[UUID_STR], comp_id[UUID_STR], *plan, *v, *rows, *want;
        struct h_server srv;
        struct h_result r;
        struct h_tls t;

        (void)state;
        h_must_init_schema(data, 14);
        v = f_db_text(path, "PRAGMA user_version", NULL);
        assert_string_equal(v, "14");
        free(v);
        assert_int_equal(uuid7_make(unit_id), 0);
        assert_int_equal(uuid7_make(comp_id), 0);
        rows =
            h_strf("INSERT INTO units(id, seq, code, name, kind) VALUES"
                   " ('%s', 1, '" UNIT_A "', 'Kelurahan Belawan I', 'kelurahan');"
                   "INSERT INTO competencies(id, seq, code, name, type) VALUES"
                   " ('%s', 2, 'K-ANG', 'Pengelolaan anggaran', 'teknis');"
                   "INSERT INTO changes(entity, entity_id, scope, at, data) VALUES"
                   " ('unit', '%s', '" UNIT_A "', 1, x'00'), ('competency', '%s', NULL, 1, x'00');",
                   unit_id, comp_id, unit_id, comp_id);
        db_exec_at(path, rows);
        free(rows);
        h_renbind(&r, "migrate", "--data", data, NULL);
        assert_int_equal(r.status, 0);
        h_result_free(&r);
        plan = query_plan(path, "SELECT entity FROM changes WHERE entity_id = ?1 AND deleted = 0");
        if (strstr(plan, "USING INDEX changes_row (entity_id=?)") == NULL)
                fail_msg("the id lookup after migrating: %s", plan);
        free(plan);
        h_must_issue(data, UNIT_A, "unit", bundle, NULL);
        h_must_start(&srv, data);
        raw_connect(&t, srv.port, bundle);
        want = h_strf("id %s is already taken by a row of unit", unit_id);
        push_expect(&t, "forum", unit_id, "add", forum, 3, RENBIN__CODE__ALREADY_EXISTS, want);
        free(want);
        want = h_strf("id %s is already taken by a row of competency", comp_id);
        push_expect(&t, "forum", comp_id, "add", forum, 3, RENBIN__CODE__ALREADY_EXISTS, want);
        free(want);
        want = h_strf("no forum has id %s", unit_id);
        push_expect(&t, "forum", unit_id, "update", update, 1, RENBIN__CODE__NOT_FOUND, want);
        free(want);
        push_expect(&t, "forum", NULL, "add", forum, 3, RENBIN__CODE__OK, NULL);
        h_tls_close(&t);
        assert_int_equal(h_server_stop(&srv), 0);
        h_server_free(&srv);
        free(bundle);
        free(path);
        free(data);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_op_row),
            cmocka_unit_test(test_imported_row),
            cmocka_unit_test(test_server_made_row),
            cmocka_unit_test(test_migrated_rows),
        };
        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
