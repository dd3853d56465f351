/*
 * test_e2e_syncs.c - how many times a short command waits for the disk
 * (docs/performance.md). Each renbin runs with tests/e2e/synccount.c
 * preloaded, which logs every fsync and fdatasync. An online enroll syncs
 * three times: the outbox commit that saves the op before it is sent, the
 * folder holding the WAL (once per process), and the end of the sync, which
 * also makes the push answers and the pulled page durable (decision 162).
 * An offline enroll syncs the first two only; status writes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define UNIT_A "KEL-SYNC"
#define PEOPLE 4

static struct {
        char *tmp, *data, *hr, *a, *log;
        char nip[PEOPLE][19];
        struct h_server srv;
} fx;

/* Runs renbin --home home ARGS... with the sync log preloaded; the command
 * must exit 0. Returns how many syncs it made. */
static int syncs(const char *home, const char *a1, const char *a2, const char *a3, const char *a4)
{
        char *preload = h_strf("LD_PRELOAD=%s", RENBIN_SYNCCOUNT);
        char *log = h_strf("RENBIN_TEST_SYNC_LOG=%s", fx.log);
        /* A sanitized renbin wants its runtime first among the libraries. */
        const char *asan = getenv("ASAN_OPTIONS");
        char *asan_opts = h_strf("ASAN_OPTIONS=%s%sverify_asan_link_order=0", asan ? asan : "",
                                 asan && asan[0] ? ":" : "");
        const char *env[] = {preload, log, asan_opts, NULL};
        const char *argv[] = {h_renbin_bin(), "--home", home, a1, a2, a3, a4, NULL};
        struct h_result r;
        char *text;
        int n;

        unlink(fx.log);
        if (h_run_env(&r, env, argv) != 0)
                fail_msg("renbin %s exited %d: %s", a1, r.status, r.err);
        text = h_read_file(fx.log);
        n = text != NULL ? h_count(text, "sync\n") : 0;
        free(text);
        h_result_free(&r);
        free(preload);
        free(log);
        free(asan_opts);
        return n;
}

static int group_setup(void **state)
{
        char *csv, *path;

        (void)state;
        for (int i = 0; i < PEOPLE; i++)
                f_nip(fx.nip[i], "19870301", "201104", 1 + i % 2, 60 + i);
        fx.tmp = h_tmpdir("syncs");
        fx.data = h_path(fx.tmp, "data");
        fx.hr = h_path(fx.tmp, "home-hr");
        fx.a = h_path(fx.tmp, "home-a");
        fx.log = h_path(fx.tmp, "syncs.log");
        char *bundle_hr = h_path(fx.tmp, "bundle-hr"), *bundle_a = h_path(fx.tmp, "bundle-a");
        h_must_init(fx.data);
        h_must_issue(fx.data, "BKPSDM", "hr", bundle_hr, NULL);
        h_must_issue(fx.data, UNIT_A, "unit", bundle_a, NULL);
        h_must_start(&fx.srv, fx.data);
        h_must_setup(fx.hr, fx.srv.addr, bundle_hr);
        f_ok(fx.hr, "unit", "add", UNIT_A, "Kelurahan Sinkron", "--kind", "kelurahan", NULL);
        csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n%s,Satu,%s,Staf,III/b,\n"
                     "%s,Dua,%s,Staf,III/b,\n%s,Tiga,%s,Staf,III/b,\n%s,Empat,%s,Staf,III/b,\n",
                     fx.nip[0], UNIT_A, fx.nip[1], UNIT_A, fx.nip[2], UNIT_A, fx.nip[3], UNIT_A);
        path = f_write(fx.tmp, "roster.csv", csv);
        f_ok(fx.hr, "import", "asn", path, NULL);
        f_ok(fx.hr, "plan", "create", "2027", "Rencana 2027", NULL);
        f_ok(fx.hr, "program", "add", "--plan", "2027", "--code", "SY-01", "--title", "Kegiatan",
             "--method", "pelatihan", "--start", "2027-02-10", "--end", "2027-02-12", "--jp", "24",
             "--capacity", "10", NULL);
        f_ok(fx.hr, "plan", "approve", "2027", NULL);
        h_must_setup(fx.a, fx.srv.addr, bundle_a);
        json_decref(f_sync(fx.a));
        free(path);
        free(csv);
        free(bundle_hr);
        free(bundle_a);
        return 0;
}

static int group_teardown(void **state)
{
        int rc;

        (void)state;
        rc = h_group_end(&fx.srv, fx.tmp);
        free(fx.tmp);
        free(fx.data);
        free(fx.hr);
        free(fx.a);
        free(fx.log);
        return rc;
}

/* The log counts: a command known to sync does (else every count below
 * would hold with a preload that logs nothing). */
static void test_log_counts(void **state)
{
        (void)state;
        assert_true(syncs(fx.a, "enroll", "SY-01", fx.nip[0], NULL) > 0);
}

/* Online: the op saved (and the folder, once), then the end of the sync. */
static void test_enroll_online(void **state)
{
        (void)state;
        assert_int_equal(syncs(fx.a, "enroll", "SY-01", fx.nip[1], NULL), 3);
        /* and the enrollment went through, the sync to its end */
        struct h_result r;
        f_expect(&r, 0, fx.a, "status", NULL);
        assert_non_null(strstr(r.out, "waiting to be sent: 0"));
        assert_null(strstr(r.out, "stopped before the end"));
        h_result_free(&r);
}

/* Offline: the op saved, and the folder; nothing else waits for the disk. */
static void test_enroll_offline(void **state)
{
        (void)state;
        assert_int_equal(syncs(fx.a, "--offline", "enroll", "SY-01", fx.nip[2]), 2);
        /* sent by the next sync: the folder (its first WAL sync) and the
         * end; nothing new is written to the outbox */
        assert_int_equal(syncs(fx.a, "sync", NULL, NULL, NULL), 2);
        /* and the op went through: nothing waits, the sync reached the end */
        struct h_result r;
        f_expect(&r, 0, fx.a, "status", NULL);
        assert_non_null(strstr(r.out, "waiting to be sent: 0"));
        assert_null(strstr(r.out, "stopped before the end"));
        h_result_free(&r);
}

/* status reads only. */
static void test_status(void **state)
{
        (void)state;
        assert_int_equal(syncs(fx.a, "status", NULL, NULL, NULL), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_log_counts),
            cmocka_unit_test(test_enroll_online),
            cmocka_unit_test(test_enroll_offline),
            cmocka_unit_test(test_status),
        };
        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
