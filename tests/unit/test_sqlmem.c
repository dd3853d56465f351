/*
 * test_sqlmem.c - SQLite's allocator in renbind (server/sqlmem.c): a block
 * is at least as large as asked and keeps its bytes through a realloc to
 * any size, a kept block is handed out again, and SQLite runs on it (a
 * table written and read back whole).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "sqlmem.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Fills n bytes at p with a pattern of seed. */
static void fill(unsigned char *p, int n, unsigned seed)
{
        for (int i = 0; i < n; i++)
                p[i] = (unsigned char)(seed + (unsigned)i * 7u);
}

/* Whether the n bytes at p still hold the pattern of seed. */
static int holds(const unsigned char *p, int n, unsigned seed)
{
        for (int i = 0; i < n; i++)
                if (p[i] != (unsigned char)(seed + (unsigned)i * 7u))
                        return 0;
        return 1;
}

/* Every size from 1 to past the small classes: the block is as large as
 * asked, aligned, and its size that of its class of 16 bytes (8 past 1,024):
 * SQLite's own allocator would round to 8, so this also shows sqlmem.c is
 * the one installed. */
static void test_sizes(void **state)
{
        (void)state;
        for (int n = 1; n <= 3000; n += 37) {
                unsigned char *p = sqlite3_malloc(n);
                assert_non_null(p);
                assert_int_equal(sqlite3_msize(p),
                                 n <= 1024 ? (n + 15) / 16 * 16 : (n + 7) / 8 * 8);
                assert_int_equal((uintptr_t)p % 8, 0);
                fill(p, n, (unsigned)n);
                assert_true(holds(p, n, (unsigned)n));
                sqlite3_free(p);
        }
}

/* A realloc keeps the bytes: growing within a class, to another class, to
 * a large block, from large to larger, and shrinking back to small. */
static void test_realloc_keeps_bytes(void **state)
{
        static const int steps[] = {10, 15, 100, 1000, 1024, 1025, 5000, 9000, 600, 8};
        unsigned char *p = sqlite3_malloc(5);
        int have = 5;

        (void)state;
        assert_non_null(p);
        fill(p, have, 3);
        for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
                int keep = have < steps[i] ? have : steps[i];
                p = sqlite3_realloc(p, steps[i]);
                assert_non_null(p);
                assert_true(sqlite3_msize(p) >= (sqlite3_uint64)steps[i]);
                assert_true(holds(p, keep, 3));
                fill(p, steps[i], 3);
                have = steps[i];
        }
        sqlite3_free(p);
}

/* A freed small block is the next one of its class handed out. */
static void test_kept_block_reused(void **state)
{
        void *a, *b;

        (void)state;
        a = sqlite3_malloc(200);
        assert_non_null(a);
        sqlite3_free(a);
        b = sqlite3_malloc(195);
        assert_ptr_equal(a, b);
        sqlite3_free(b);
}

/* A thread that keeps blocks and ends: its blocks go back to the heap
 * (the leak check of the sanitizer build fails this test otherwise). */
static void *thread_work(void *arg)
{
        void *p[64];

        for (int i = 0; i < 64; i++)
                p[i] = sqlite3_malloc(300);
        for (int i = 0; i < 64; i++)
                sqlite3_free(p[i]);
        *(void **)arg = p[63];
        return NULL;
}

static void test_thread_end(void **state)
{
        pthread_t t;
        void *last = NULL, *mine;

        (void)state;
        assert_int_equal(pthread_create(&t, NULL, thread_work, &last), 0);
        assert_int_equal(pthread_join(t, NULL), 0);
        assert_non_null(last);
        mine = sqlite3_malloc(300);
        assert_non_null(mine);
        sqlite3_free(mine);
}

/* SQLite itself on the allocator: 2,000 rows with an index, read back. */
static void test_sqlite_runs(void **state)
{
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        char key[32];

        (void)state;
        assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db,
                                      "CREATE TABLE t(k TEXT PRIMARY KEY, v INTEGER, b BLOB);"
                                      "CREATE INDEX t_v ON t(v); BEGIN",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        assert_int_equal(
            sqlite3_prepare_v2(db, "INSERT INTO t VALUES(?1, ?2, zeroblob(?2))", -1, &st, NULL),
            SQLITE_OK);
        for (int i = 0; i < 2000; i++) {
                snprintf(key, sizeof(key), "k%08u", (unsigned)i * 2654435761u);
                sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
                sqlite3_bind_int(st, 2, i % 500);
                assert_int_equal(sqlite3_step(st), SQLITE_DONE);
                sqlite3_reset(st);
        }
        sqlite3_finalize(st);
        assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
        assert_int_equal(
            sqlite3_prepare_v2(db, "SELECT count(*), sum(v), sum(length(b)) FROM t", -1, &st, NULL),
            SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int64(st, 0), 2000);
        assert_int_equal(sqlite3_column_int64(st, 1), 4 * (499 * 500 / 2));
        assert_int_equal(sqlite3_column_int64(st, 2), 4 * (499 * 500 / 2));
        sqlite3_finalize(st);
        assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_sizes),
            cmocka_unit_test(test_realloc_keeps_bytes),
            cmocka_unit_test(test_kept_block_reused),
            cmocka_unit_test(test_thread_end),
            cmocka_unit_test(test_sqlite_runs),
        };

        if (sqlmem_install() != 0)
                return 1;
        int rc = cmocka_run_group_tests(tests, NULL, NULL);
        sqlite3_shutdown(); /* the kept blocks back to the heap */
        return rc;
}
