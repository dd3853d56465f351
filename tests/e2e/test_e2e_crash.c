/*
 * test_e2e_crash.c - nothing lost after a crash. The server is killed with
 * SIGKILL while an office pushes, at several moments; after a restart the
 * office's next sync ends with every op applied exactly once. The client is
 * killed while it pulls, again and again; its next sync ends with the same
 * replica as one made in one go. Where the kill lands varies from run to run:
 * the assertions hold wherever it lands.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "err.h"
#include "flow.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PEOPLE 240

static struct {
        char *tmp, *data, *hr;
        char addr[64];
        struct h_server srv;
        char nip[PEOPLE][19];
} fx;

/* Starts renbind on the address it had before (offices keep their setting). */
static void restart(void)
{
        const char *extra[] = {"--listen", fx.addr, NULL};
        char *addr_file = h_path(fx.data, "renbind.addr");
        int st = 0;

        unlink(addr_file); /* a killed server leaves it behind */
        free(addr_file);
        h_server_free(&fx.srv);
        if (h_server_start(&fx.srv, fx.data, extra, &st) != 0)
                fail_msg("renbind did not restart on %s (exit %d)", fx.addr, st);
}

/* Kills renbind outright and reaps it. */
static void crash_server(void)
{
        h_server_kill(&fx.srv, SIGKILL);
        h_server_stop(&fx.srv);
}

/* Runs renbin --home home ARGS in the background; returns its pid. */
static pid_t spawn(const char *home, const char *const *args)
{
        const char *argv[16] = {h_renbin_bin(), "--home", home};
        size_t n = 3;
        pid_t pid;

        for (size_t i = 0; args[i] != NULL && n < 15; i++)
                argv[n++] = args[i];
        argv[n] = NULL;
        if ((pid = fork()) == 0) {
                freopen("/dev/null", "w", stdout);
                freopen("/dev/null", "w", stderr);
                setenv("LC_ALL", "C", 1);
                setenv("RENBIN_TIMEOUT", "5", 1);
                execv(argv[0], (char *const *)argv);
                _exit(127);
        }
        assert_true(pid > 0);
        return pid;
}

/* The pull cursor kept in a client's replica. */
static long long replica_cursor(const char *home)
{
        return f_replica_int(home, "SELECT value FROM settings WHERE key = 'cursor'", NULL);
}

/* The newest change applied to a client's replica (0 if none). */
static long long replica_max_seq(const char *home)
{
        return f_replica_int(home,
                             "SELECT ifnull(max(s), 0) FROM (SELECT max(seq) s FROM units"
                             " UNION ALL SELECT max(seq) FROM asn"
                             " UNION ALL SELECT max(seq) FROM programs"
                             " UNION ALL SELECT max(seq) FROM enrollments)",
                             NULL);
}

/* Sleeps ms milliseconds. */
static void pause_ms(long ms)
{
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

        nanosleep(&ts, NULL);
}

static int group_setup(void **state)
{
        char *csv, *path;
        size_t off, cap = 128 + PEOPLE * 80;

        (void)state;
        fx.tmp = h_tmpdir("crash");
        fx.data = h_path(fx.tmp, "data");
        h_must_init(fx.data);
        h_must_start(&fx.srv, fx.data);
        snprintf(fx.addr, sizeof(fx.addr), "%s", fx.srv.addr);
        fx.hr = h_must_units(&fx.srv, "KEL-A", NULL);
        csv = malloc(cap);
        off = (size_t)snprintf(csv, cap, "NIP,nama,unit,jabatan,golongan,tmt\n");
        for (int i = 0; i < PEOPLE; i++) {
                char birth[24];
                snprintf(birth, sizeof(birth), "19%02d%02d%02d", 70 + i % 15, 1 + i % 12,
                         1 + i % 28);
                f_nip(fx.nip[i], birth, "200501", 1 + i % 2, 1 + i);
                off += (size_t)snprintf(csv + off, cap - off, "%s,Pegawai %d,KEL-A,Staf,III/a,\n",
                                        fx.nip[i], i);
        }
        path = f_write(fx.tmp, "roster.csv", csv);
        f_ok(fx.hr, "import", "asn", path, NULL);
        f_ok(fx.hr, "plan", "create", "2027", "Rencana 2027", NULL);
        for (int k = 0; k < 3; k++) {
                char code[16];
                snprintf(code, sizeof(code), "P-%d", k);
                f_ok(fx.hr, "program", "add", "--plan", "2027", "--code", code, "--title", code,
                     "--method", "pelatihan", "--start", "2027-03-01", "--end", "2027-03-02",
                     "--jp", "8", "--capacity", "1000", NULL);
        }
        f_ok(fx.hr, "plan", "approve", "2027", NULL);
        free(csv);
        free(path);
        return 0;
}

static int group_teardown(void **state)
{
        (void)state;
        h_server_stop(&fx.srv);
        h_server_free(&fx.srv);
        h_rmtree(fx.tmp);
        free(fx.tmp);
        free(fx.data);
        free(fx.hr);
        return 0;
}

/* Queues PEOPLE enrollments in program offline, in one command. */
static void enroll_offline(const char *program)
{
        const char *argv[PEOPLE + 8] = {h_renbin_bin(), "--home", fx.hr,  "--offline",
                                        "-q",           "enroll", program};
        struct h_result r;
        size_t n = 7;

        for (int i = 0; i < PEOPLE; i++)
                argv[n++] = fx.nip[i];
        argv[n] = NULL;
        h_run(&r, argv);
        assert_int_equal(r.status, EXIT_OK);
        h_result_free(&r);
}

/* The server dies while the office pushes; after a restart the office's next
 * sync leaves every enrollment applied once, none pending, none rejected. */
static void test_server_killed_during_push(void **state)
{
        static const long delays[] = {0, 15, 60};
        static const char *const sync[] = {"sync", "-q", NULL};
        struct h_result r;

        (void)state;
        for (int k = 0; k < 3; k++) {
                char code[16];
                json_t *list, *st;
                pid_t pid;
                int ws;

                snprintf(code, sizeof(code), "P-%d", k);
                enroll_offline(code);
                pid = spawn(fx.hr, sync);
                pause_ms(delays[k]);
                crash_server();
                waitpid(pid, &ws, 0);
                restart();
                f_ok(fx.hr, "sync", NULL);
                st = f_status(fx.hr);
                assert_int_equal(f_pending(st), 0);
                assert_int_equal(f_rejected(st), 0);
                json_decref(st);
                list = f_json(EXIT_OK, fx.hr, "enroll", "list", code, NULL);
                assert_int_equal(json_array_size(list), PEOPLE);
                for (int i = 0; i < PEOPLE; i++)
                        assert_int_equal(f_rows_with(list, "nip", fx.nip[i]), 1);
                json_decref(list);
                list = f_json(EXIT_OK, fx.hr, "program", "show", code, NULL);
                assert_int_equal(f_int(json_array_get(list, 0), "enrolled"), PEOPLE);
                json_decref(list);
        }
        /* And the audit chain survived the kills. */
        crash_server();
        h_renbind(&r, "audit", "verify", "--data", fx.data, NULL);
        assert_int_equal(r.status, EXIT_OK);
        h_result_free(&r);
        restart();
}

/* The client dies while it pulls, page after page; the next sync ends with the
 * replica a sync in one go makes. */
static void test_client_killed_during_pull(void **state)
{
        static const char *const slow[] = {"sync", "--page-size", "3", "-q", NULL};
        char *bundle = h_path(fx.tmp, "bundle-a"), *cut = h_path(fx.tmp, "home-cut"),
             *whole = h_path(fx.tmp, "home-whole");
        static const char *const lists[][3] = {
            {"enroll", "list", NULL}, {"asn", "list", NULL}, {"program", "list", NULL}};

        (void)state;
        h_must_issue(fx.data, "KEL-A", "unit", bundle, NULL);
        h_must_setup(cut, fx.srv.addr, bundle);
        h_must_setup(whole, fx.srv.addr, bundle);
        /* Kill it again and again, each time a little later, until the kills
         * have let some pages be kept (at least three kills): on a slow
         * machine the first ones land before the first page. */
        for (int k = 0; k < 20; k++) {
                pid_t pid = spawn(cut, slow);
                int ws;

                pause_ms(15 + 10 * k);
                kill(pid, SIGKILL);
                waitpid(pid, &ws, 0);
                /* Killed wherever it was, the replica holds whole pages up to
                 * its cursor and nothing past it. */
                long long seq = replica_max_seq(cut), at = replica_cursor(cut);
                if (seq > at)
                        fail_msg("after kill %d: a change of seq %lld applied past the cursor %lld",
                                 k, seq, at);
                if (k >= 2 && replica_cursor(cut) > 0)
                        break;
        }
        /* The kills landed after some pages were kept: the cut replica's
         * cursor moved (each page commits with its cursor). */
        long long cursor = replica_cursor(cut);
        print_message("cursor after the killed syncs: %lld\n", cursor);
        assert_true(cursor > 0);
        f_ok(cut, "sync", NULL);
        assert_true(replica_cursor(cut) >= cursor);
        f_ok(whole, "sync", NULL);
        for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
                json_t *a = f_json(EXIT_OK, cut, lists[i][0], lists[i][1], NULL),
                       *b = f_json(EXIT_OK, whole, lists[i][0], lists[i][1], NULL);
                if (!json_equal(a, b))
                        fail_msg("%s %s differs after the cut syncs", lists[i][0], lists[i][1]);
                if (i == 0)
                        assert_int_equal(json_array_size(a), 3 * PEOPLE);
                json_decref(a);
                json_decref(b);
        }
        free(bundle);
        free(cut);
        free(whole);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_server_killed_during_push),
            cmocka_unit_test(test_client_killed_during_pull),
        };
        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
