/*
 * test_checkpoint.c - the server database's WAL checkpoints on their thread
 * (server/checkpoint.c, decision 175). Commits past CKPT_FRAMES wake the
 * thread, which copies the pages into the database file: the file grows
 * while the committing connection has not checkpointed. Under commits that
 * follow each other closely, the committing connection copies the rest past
 * CKPT_FRAMES_MAX and the WAL starts again: it stays far below what was
 * written. A reader that pins the WAL keeps anything from being copied;
 * the committing connection leaves that backlog to the thread, which copies
 * it once the reader is gone, and the WAL starts again. A database without
 * a file gets no thread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "checkpoint.h"
#include "db.h"
#include "err.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Pages of 1 KiB: a WAL frame is 1,048 bytes, a row of 900 bytes fills
 * most of a page. */
#define PAGE 1024
#define FRAME (PAGE + 24)

static char dir[64], path[128], wal[160];

static int setup(void **state)
{
        sqlite3 *db;

        (void)state;
        snprintf(dir, sizeof(dir), "/tmp/test_checkpoint.XXXXXX");
        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/t.db", dir);
        snprintf(wal, sizeof(wal), "%s-wal", path);
        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db,
                                      "PRAGMA page_size=1024; PRAGMA journal_mode=WAL;"
                                      "CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB NOT NULL);",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_close(db), SQLITE_OK);
        return 0;
}

static int teardown(void **state)
{
        char cmd[96];

        (void)state;
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        assert_int_equal(system(cmd), 0);
        return 0;
}

static long long file_size(const char *p)
{
        struct stat st;

        return stat(p, &st) == 0 ? (long long)st.st_size : 0;
}

/* One transaction of n rows of 900 random bytes. */
static void commit_rows(sqlite3 *db, int n)
{
        char sql[128];

        snprintf(sql, sizeof(sql),
                 "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < %d)"
                 " INSERT INTO t(b) SELECT randomblob(900) FROM k",
                 n);
        assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
}

static long long rows(sqlite3 *db)
{
        sqlite3_stmt *st;
        long long n;

        assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &st, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return n;
}

/* Waits up to 20 s for the thread to have made at least n checkpoints. */
static void wait_thread(struct ckpt *c, uint64_t n)
{
        for (int i = 0; i < 2000 && ckpt_counts(c).thread < n; i++)
                usleep(10000);
        assert_true(ckpt_counts(c).thread >= n);
}

static sqlite3 *open_writer(void)
{
        struct rb_err e;
        sqlite3 *db;

        err_clear(&e);
        db = db_open(path, 0, &e);
        if (db == NULL)
                fail_msg("%s", e.msg);
        return db;
}

/* Reopened after everything: every row is there and the file is sound. */
static void check_reopened(long long want)
{
        sqlite3 *db;
        sqlite3_stmt *st;

        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        assert_int_equal(rows(db), want);
        assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
        sqlite3_finalize(st);
        assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* The thread copies the pages; close commits keep the WAL bounded. */
static void test_thread_checkpoints(void **state)
{
        sqlite3 *db = open_writer();
        struct rb_err e;
        struct ckpt *c;
        long long before = file_size(path);
        int commits = 0;

        (void)state;
        err_clear(&e);
        assert_non_null(c = ckpt_start(db, &e));
        /* Past CKPT_FRAMES: the thread is woken and copies. */
        while (file_size(wal) < (long long)CKPT_FRAMES * FRAME) {
                commit_rows(db, 100);
                commits++;
        }
        wait_thread(c, 1);
        assert_true(file_size(path) >= before + (long long)(CKPT_FRAMES / 2) * PAGE);
        assert_int_equal(ckpt_counts(c).loop, 0);
        /* 40,000 frames more, a commit of 100 rows at a time, each commit
         * right after the last: the committing connection copies the rest
         * past CKPT_FRAMES_MAX, and the WAL starts again. */
        for (int i = 0; i < 400; i++, commits++)
                commit_rows(db, 100);
        assert_true(ckpt_counts(c).loop >= 1);
        assert_true(file_size(wal) < (CKPT_FRAMES_MAX + 8LL * CKPT_FRAMES) * FRAME);
        assert_int_equal(ckpt_counts(c).failed, 0);
        ckpt_stop(c);
        assert_int_equal(rows(db), commits * 100LL);
        db_close(db);
        check_reopened(commits * 100LL);
}

/* A reader pins the WAL: nothing can be copied, and the committing
 * connection, seeing the whole WAL left, leaves it to the thread. Once the
 * reader ends, the thread copies the backlog and the WAL starts again. */
static void test_pinned_wal(void **state)
{
        sqlite3 *db = open_writer(), *reader;
        struct rb_err e;
        struct ckpt *c;
        long long pinned, n = 0;
        uint64_t had;

        (void)state;
        err_clear(&e);
        assert_non_null(c = ckpt_start(db, &e));
        assert_int_equal(sqlite3_open(path, &reader), SQLITE_OK);
        assert_int_equal(sqlite3_exec(reader, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
        assert_int_equal(rows(reader), 0);
        pinned = file_size(path);
        while (file_size(wal) <= (long long)(CKPT_FRAMES_MAX + CKPT_FRAMES) * FRAME) {
                commit_rows(db, 500);
                n += 500;
        }
        /* Nothing could be copied while the reader reads the file as it
         * was, and the loop did not try to take the backlog. */
        assert_int_equal(file_size(path), pinned);
        assert_int_equal(ckpt_counts(c).loop, 0);
        assert_int_equal(rows(reader), 0);
        assert_int_equal(sqlite3_exec(reader, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_close(reader), SQLITE_OK);
        had = ckpt_counts(c).thread;
        commit_rows(db, 1);
        n++;
        /* The thread copies the backlog. */
        wait_thread(c, had + 1);
        for (int i = 0; i < 2000 && file_size(path) < pinned + (n - 1) * 900; i++)
                usleep(10000);
        assert_true(file_size(path) >= pinned + (n - 1) * 900);
        /* Then the WAL starts again: a transaction begins with everything
         * copied (the thread done), or a commit finds little left and
         * copies it itself. Later commits do not make the file grow. */
        for (int i = 0; i < 20; i++, n++) {
                commit_rows(db, 1);
                usleep(5000);
        }
        long long size = file_size(wal);
        for (int i = 0; i < 10; i++, n += 100)
                commit_rows(db, 100);
        assert_int_equal(file_size(wal), size);
        assert_int_equal(ckpt_counts(c).failed, 0);
        ckpt_stop(c);
        db_close(db);
        check_reopened(n);
}

/* No file, no thread: the error says why and the database keeps SQLite's
 * own checkpoints. */
static void test_no_file(void **state)
{
        sqlite3 *db;
        struct rb_err e;
        struct ckpt_counts n;

        (void)state;
        err_clear(&e);
        assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
        assert_null(ckpt_start(db, &e));
        assert_int_equal(e.code, RB_INTERNAL);
        assert_non_null(strstr(e.msg, "no file"));
        n = ckpt_counts(NULL);
        assert_int_equal(n.thread + n.loop + n.failed, 0);
        ckpt_stop(NULL);
        assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_thread_checkpoints, setup, teardown),
            cmocka_unit_test_setup_teardown(test_pinned_wal, setup, teardown),
            cmocka_unit_test(test_no_file),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
