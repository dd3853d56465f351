/*
 * test_db.c - the one mapping of SQLite results to status codes (db_code,
 * db_step, db_run): a broken rule of the schema is the client's
 * INVALID_ARGUMENT, a database another connection holds UNAVAILABLE, a full
 * disk RESOURCE_EXHAUSTED, anything else INTERNAL, each with SQLite's text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A fresh database file in a temp folder, with one table. */
struct fx {
        char dir[64];
        char path[128];
        sqlite3 *db;
};

static int setup(void **state)
{
        struct fx *f = calloc(1, sizeof(*f));
        struct rb_err e;

        snprintf(f->dir, sizeof(f->dir), "/tmp/renbin-test-db-XXXXXX");
        if (mkdtemp(f->dir) == NULL)
                return -1;
        snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
        if ((f->db = db_open(f->path, 1, &e)) == NULL ||
            db_exec(f->db, "CREATE TABLE t(k TEXT PRIMARY KEY, v INTEGER NOT NULL)", &e) != 0)
                return -1;
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fx *f = *state;
        char p[160];

        db_close(f->db);
        unlink(f->path);
        snprintf(p, sizeof(p), "%s-wal", f->path);
        unlink(p);
        snprintf(p, sizeof(p), "%s-shm", f->path);
        unlink(p);
        rmdir(f->dir);
        free(f);
        return 0;
}

static void test_codes(void **state)
{
        (void)state;
        assert_int_equal(db_code(SQLITE_CONSTRAINT), RB_INVALID);
        assert_int_equal(db_code(SQLITE_CONSTRAINT_UNIQUE), RB_INVALID);
        assert_int_equal(db_code(SQLITE_FULL), RB_EXHAUSTED);
        assert_int_equal(db_code(SQLITE_BUSY), RB_UNAVAILABLE);
        assert_int_equal(db_code(SQLITE_BUSY_SNAPSHOT), RB_UNAVAILABLE);
        assert_int_equal(db_code(SQLITE_LOCKED), RB_UNAVAILABLE);
        assert_int_equal(db_code(SQLITE_IOERR), RB_INTERNAL);
        assert_int_equal(db_code(SQLITE_CORRUPT), RB_INTERNAL);
        assert_int_equal(db_code(SQLITE_ERROR), RB_INTERNAL);
}

/* Rows, then done: 1, 1, 0. */
static void test_step_rows(void **state)
{
        struct fx *f = *state;
        struct rb_err e;
        sqlite3_stmt *st;
        int rc, n = 0;

        assert_int_equal(db_exec(f->db, "INSERT INTO t VALUES('a', 1), ('b', 2)", &e), 0);
        assert_non_null(st = db_prepare(f->db, "SELECT v FROM t ORDER BY k", &e));
        while ((rc = db_step(f->db, st, &e)) > 0)
                n += sqlite3_column_int(st, 0);
        assert_int_equal(rc, 0);
        assert_int_equal(n, 3);
        sqlite3_finalize(st);
}

/* A duplicate key and a NOT NULL: INVALID_ARGUMENT with SQLite's text. */
static void test_constraint(void **state)
{
        struct fx *f = *state;
        struct rb_err e;
        sqlite3_stmt *st = db_prepare(f->db, "INSERT INTO t VALUES(?1, ?2)", &e);

        assert_non_null(st);
        db_bind_text(st, 1, "a");
        sqlite3_bind_int(st, 2, 1);
        assert_int_equal(db_run(f->db, st, &e), 0);
        err_clear(&e);
        assert_int_equal(db_run(f->db, st, &e), -1);
        assert_int_equal(e.code, RB_INVALID);
        assert_non_null(strstr(e.msg, "UNIQUE"));
        sqlite3_bind_null(st, 2);
        db_bind_text(st, 1, "z");
        err_clear(&e);
        assert_int_equal(db_step(f->db, st, &e), -1);
        assert_int_equal(e.code, RB_INVALID);
        assert_non_null(strstr(e.msg, "NOT NULL"));
        sqlite3_finalize(st);
        err_clear(&e);
        assert_int_equal(db_exec(f->db, "INSERT INTO t VALUES('a', 9)", &e), -1);
        assert_int_equal(e.code, RB_INVALID);
}

/* A second connection holds the write lock; with no busy timeout a write
 * fails at once as UNAVAILABLE, saying busy, and so does BEGIN IMMEDIATE. */
static void test_busy(void **state)
{
        struct fx *f = *state;
        struct rb_err e;
        sqlite3 *other;
        sqlite3_stmt *st;

        assert_non_null(other = db_open(f->path, 0, &e));
        assert_int_equal(db_exec(other, "BEGIN IMMEDIATE; INSERT INTO t VALUES('x', 1)", &e), 0);
        sqlite3_busy_timeout(f->db, 0);
        assert_non_null(st = db_prepare(f->db, "INSERT INTO t VALUES('y', 2)", &e));
        err_clear(&e);
        assert_int_equal(db_step(f->db, st, &e), -1);
        assert_int_equal(e.code, RB_UNAVAILABLE);
        assert_non_null(strstr(e.msg, "busy"));
        assert_non_null(strstr(e.msg, "locked"));
        sqlite3_finalize(st);
        err_clear(&e);
        assert_int_equal(db_begin(f->db, &e), -1);
        assert_int_equal(e.code, RB_UNAVAILABLE);
        db_rollback(other);
        db_close(other);
        err_clear(&e);
        assert_int_equal(db_begin(f->db, &e), 0);
        assert_int_equal(db_commit(f->db, &e), 0);
}

/* Anything else is INTERNAL: here a write to a read-only connection. */
static void test_other(void **state)
{
        struct fx *f = *state;
        struct rb_err e;
        sqlite3 *ro;
        sqlite3_stmt *st;

        assert_int_equal(sqlite3_open_v2(f->path, &ro, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
        assert_non_null(st = db_prepare(ro, "INSERT INTO t VALUES('r', 1)", &e));
        err_clear(&e);
        assert_int_equal(db_step(ro, st, &e), -1);
        assert_int_equal(e.code, RB_INTERNAL);
        assert_non_null(strstr(e.msg, "readonly"));
        sqlite3_finalize(st);
        sqlite3_close(ro);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_codes),
            cmocka_unit_test_setup_teardown(test_step_rows, setup, teardown),
            cmocka_unit_test_setup_teardown(test_constraint, setup, teardown),
            cmocka_unit_test_setup_teardown(test_busy, setup, teardown),
            cmocka_unit_test_setup_teardown(test_other, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
