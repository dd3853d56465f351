/*
 * test_e2e_audit.c - the audit trail and the server's housekeeping commands,
 * against a real renbind: every change through the CLI lands in the SHA-256
 * chain; `renbind audit verify` finds a record altered, removed from the
 * middle or from the end; `renbind backup` copies a database that verifies;
 * `renbind setting` changes the JP minutes the reports use.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "err.h"
#include "flow.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct {
        char *tmp, *data, *hr;
        struct h_server srv;
} fx;

/* Runs one SQL statement on the server's database (the server is stopped). */
static void tamper(const char *data, const char *sql)
{
        char *path = h_path(data, "renbin.db");
        sqlite3 *db = NULL;

        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
        assert_true(sqlite3_changes(db) > 0);
        sqlite3_close(db);
        free(path);
}

/* Copies the database file (and nothing else) to dst. */
static void copy_db(const char *data, const char *dst)
{
        struct h_result r;

        h_renbind(&r, "backup", "--data", data, "--out", dst, NULL);
        assert_int_equal(r.status, EXIT_OK);
        h_result_free(&r);
}

/* Restores the database from a backup made by copy_db. */
static void restore_db(const char *src, const char *data)
{
        char *dst = h_path(data, "renbin.db"), *wal = h_path(data, "renbin.db-wal"),
             *shm = h_path(data, "renbin.db-shm");
        FILE *in, *out;
        size_t n;
        char buf[65536];

        unlink(wal);
        unlink(shm);
        assert_non_null(in = fopen(src, "rb"));
        assert_non_null(out = fopen(dst, "wb"));
        while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
                assert_int_equal(fwrite(buf, 1, n, out), n);
        fclose(in);
        fclose(out);
        free(dst);
        free(wal);
        free(shm);
}

static int group_setup(void **state)
{
        (void)state;
        fx.tmp = h_tmpdir("audit");
        fx.data = h_path(fx.tmp, "data");
        h_must_init(fx.data);
        h_must_start(&fx.srv, fx.data);
        fx.hr = h_must_units(&fx.srv, "KEL-A", "KEL-B", NULL);
        f_ok(fx.hr, "competency", "add", "K-ANG", "Pengelolaan anggaran", "--type", "teknis", NULL);
        f_ok(fx.hr, "plan", "create", "2027", "Rencana 2027", NULL);
        f_ok(fx.hr, "unit", "deactivate", "KEL-B", NULL);
        assert_int_equal(h_server_stop(&fx.srv), 0);
        return 0;
}

static int group_teardown(void **state)
{
        (void)state;
        h_server_free(&fx.srv);
        h_rmtree(fx.tmp);
        free(fx.tmp);
        free(fx.data);
        free(fx.hr);
        return 0;
}

/* renbind audit verify on the data folder: its exit status, output in r. */
static int verify(struct h_result *r)
{
        return h_renbind(r, "audit", "verify", "--data", fx.data, NULL);
}

/* Every change made through the CLI is in the chain, and the chain holds. */
static void test_intact(void **state)
{
        struct h_result r;

        (void)state;
        verify(&r);
        assert_int_equal(r.status, EXIT_OK);
        /* two units, one competency, one plan and its history row, one unit update */
        assert_non_null(strstr(r.out, "audit log intact: 6 records"));
        h_result_free(&r);
}

/* An altered record, a record removed from the middle and the newest record
 * removed are each found; the database is restored after each. */
static void test_tamper_found(void **state)
{
        static const struct {
                const char *sql, *says;
        } cases[] = {
            {"UPDATE audit SET unit = 'KEL-X' WHERE n = (SELECT min(n) FROM audit)",
             "altered (hash mismatch)"},
            {"UPDATE audit SET data = zeroblob(8) WHERE n = (SELECT min(n) + 1 FROM audit)",
             "altered (hash mismatch)"},
            {"DELETE FROM audit WHERE n = (SELECT min(n) + 2 FROM audit)",
             "does not follow the record before it"},
            {"DELETE FROM audit WHERE n = (SELECT max(n) FROM audit)",
             "the newest records were removed"},
        };
        char *saved = h_path(fx.tmp, "saved.db");
        struct h_result r;

        (void)state;
        copy_db(fx.data, saved);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                tamper(fx.data, cases[i].sql);
                verify(&r);
                assert_int_equal(r.status, EXIT_FAIL);
                if (strstr(r.err, cases[i].says) == NULL)
                        fail_msg("case %zu: stderr lacks '%s':\n%s", i, cases[i].says, r.err);
                assert_non_null(strstr(r.err, "audit log broken"));
                h_result_free(&r);
                restore_db(saved, fx.data);
                verify(&r);
                assert_int_equal(r.status, EXIT_OK);
                h_result_free(&r);
        }
        free(saved);
}

/* A backup is a database of its own that verifies, and backup refuses to
 * overwrite a file. */
static void test_backup(void **state)
{
        char *out = h_path(fx.tmp, "backup.db");
        struct h_result r;
        sqlite3 *db;
        sqlite3_stmt *st;

        (void)state;
        copy_db(fx.data, out);
        assert_int_equal(sqlite3_open(out, &db), SQLITE_OK);
        assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM audit", -1, &st, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(st, 0), 6);
        sqlite3_finalize(st);
        sqlite3_close(db);
        h_renbind(&r, "backup", "--data", fx.data, "--out", out, NULL);
        assert_int_equal(r.status, EXIT_REFUSED);
        h_result_free(&r);
        free(out);
}

/* renbind setting shows, changes and bounds the server settings. */
static void test_setting(void **state)
{
        struct h_result r;

        (void)state;
        h_renbind(&r, "setting", "--data", fx.data, NULL);
        assert_int_equal(r.status, EXIT_OK);
        assert_non_null(strstr(r.out, "jp_minutes = 45\n"));
        assert_non_null(strstr(r.out, "tombstone_days = 90\n"));
        h_result_free(&r);
        h_renbind(&r, "setting", "--data", fx.data, "jp_minutes", "60", NULL);
        assert_int_equal(r.status, EXIT_OK);
        assert_string_equal(r.out, "jp_minutes = 60\n");
        h_result_free(&r);
        h_renbind(&r, "setting", "--data", fx.data, "jp_minutes", "0", NULL);
        assert_int_equal(r.status, EXIT_INVALID);
        h_result_free(&r);
        h_renbind(&r, "setting", "--data", fx.data, "colour", "red", NULL);
        assert_int_equal(r.status, EXIT_USAGE);
        h_result_free(&r);
        h_renbind(&r, "setting", "--data", fx.data, "jp_minutes", NULL);
        assert_string_equal(r.out, "jp_minutes = 60\n");
        h_result_free(&r);
        h_renbind(&r, "setting", "--data", fx.data, "jp_minutes", "45", NULL);
        h_result_free(&r);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_intact),
            cmocka_unit_test(test_tamper_found),
            cmocka_unit_test(test_backup),
            cmocka_unit_test(test_setting),
        };
        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
