/*
 * test_e2e_faults.c - faults an office meets, read through the real renbin
 * and renbind: a server that cuts the connection mid-handshake (it stopped,
 * or it was over its connection cap) is "offline" (status exits 0, sync 7),
 * never a refused certificate (6); a full disk is reported as full (exit 8),
 * never "this office is not set up"; a backup that cannot be written leaves
 * no file behind.
 *
 * The disk is made "full" portably with RLIMIT_FSIZE (inherited by the
 * program under test, SIGXFSZ ignored): a write past the limit fails with
 * EFBIG as a write to a full disk fails with ENOSPC.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "err.h"
#include "harness.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct fixture {
        char *tmp, *data, *bundle, *home;
        pid_t fake; /* the fake server's pid */
        int port;
};

static struct fixture fx;

/* The fake server: accepts, reads a little of the ClientHello, closes. */
static void fake_serve(int lfd)
{
        for (;;) {
                char buf[64];
                int c = accept(lfd, NULL, NULL);
                if (c < 0)
                        continue;
                (void)read(c, buf, sizeof(buf));
                close(c);
        }
}

/* Starts the fake server on 127.0.0.1 in a child; its port in fx.port. */
static void fake_start(void)
{
        struct sockaddr_in sin = {.sin_family = AF_INET};
        socklen_t len = sizeof(sin);
        int lfd = socket(AF_INET, SOCK_STREAM, 0);

        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        assert_true(lfd >= 0);
        assert_int_equal(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
        assert_int_equal(listen(lfd, 16), 0);
        assert_int_equal(getsockname(lfd, (struct sockaddr *)&sin, &len), 0);
        fx.port = ntohs(sin.sin_port);
        fflush(NULL);
        if ((fx.fake = fork()) == 0) {
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                fake_serve(lfd);
        }
        assert_true(fx.fake > 0);
        close(lfd);
}

static int group_setup(void **state)
{
        char *addr;

        (void)state;
        fx.tmp = h_tmpdir("faults");
        fx.data = h_path(fx.tmp, "data");
        fx.bundle = h_path(fx.tmp, "bundle");
        fx.home = h_path(fx.tmp, "home");
        h_must_init(fx.data);
        h_must_issue(fx.data, "BKPSDM", "hr", fx.bundle, NULL);
        fake_start();
        addr = h_strf("127.0.0.1:%d", fx.port);
        /* Setup succeeds offline (decisions 15): the cut reads as unreachable. */
        h_must_setup(fx.home, addr, fx.bundle);
        free(addr);
        return 0;
}

static int group_teardown(void **state)
{
        int st;

        (void)state;
        if (fx.fake > 0) {
                kill(fx.fake, SIGKILL);
                waitpid(fx.fake, &st, 0);
        }
        h_rmtree(fx.tmp);
        free(fx.tmp);
        free(fx.data);
        free(fx.bundle);
        free(fx.home);
        return 0;
}

/* A cut during the handshake: status says offline and exits 0. */
static void test_cut_status(void **state)
{
        struct h_result r;

        (void)state;
        h_renbin(&r, fx.home, "status", NULL);
        assert_int_equal(r.status, EXIT_OK);
        assert_non_null(strstr(r.out, "offline: "));
        assert_non_null(strstr(r.out, "during the TLS handshake"));
        assert_null(strstr(r.out, "certificate not accepted"));
        h_result_free(&r);
        h_renbin(&r, fx.home, "--json", "status", NULL);
        assert_int_equal(r.status, EXIT_OK);
        assert_non_null(strstr(r.out, "\"reachable\": false"));
        h_result_free(&r);
}

/* The same cut for sync: exit 7 (server unreachable), not 6. */
static void test_cut_sync(void **state)
{
        struct h_result r;

        (void)state;
        h_renbin(&r, fx.home, "sync", NULL);
        assert_int_equal(r.status, EXIT_OFFLINE);
        assert_non_null(strstr(r.err, "during the TLS handshake"));
        assert_null(strstr(r.err, "certificate not accepted"));
        h_result_free(&r);
}

/* Runs argv with the files it writes limited to limit bytes. */
static int run_limited(struct h_result *r, rlim_t limit, const char *const *argv)
{
        struct rlimit old, lim;
        void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
        int rc;

        assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
        lim = old;
        lim.rlim_cur = limit;
        assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
        rc = h_run(r, argv);
        setrlimit(RLIMIT_FSIZE, &old);
        signal(SIGXFSZ, prev);
        return rc;
}

/* A full disk on the office machine: the replica cannot be written. A
 * command that writes says the disk is full (exit 8), not "not set up"; one
 * that only reads still works (the replica keeps no shared-memory file that
 * would need room, decisions 97). */
static void test_full_disk(void **state)
{
        const char *add[] = {h_renbin_bin(), "--home", fx.home,  "--offline", "unit", "add",
                             "KEL-X",        "X",      "--kind", "kelurahan", NULL};
        const char *status[] = {h_renbin_bin(), "--home", fx.home, "status", NULL};
        struct h_result r;

        (void)state;
        /* Files may not grow past 16 KiB: the replica's WAL is larger. */
        run_limited(&r, 16384, add);
        assert_int_equal(r.status, EXIT_BUSY);
        assert_non_null(strstr(r.err, "disk is full"));
        assert_null(strstr(r.err, "not set up"));
        h_result_free(&r);
        run_limited(&r, 16384, status);
        assert_int_equal(r.status, EXIT_OK);
        assert_non_null(strstr(r.out, "waiting to be sent: 0"));
        h_result_free(&r);
        /* With room again, the office works as before. */
        h_renbin(&r, fx.home, "status", NULL);
        assert_int_equal(r.status, EXIT_OK);
        h_result_free(&r);
}

/* True if dir holds a file whose name starts with prefix. */
static int dir_has(const char *dir, const char *prefix)
{
        DIR *d = opendir(dir);
        struct dirent *de;
        int found = 0;

        assert_non_null(d);
        while ((de = readdir(d)) != NULL)
                if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
                        found = 1;
        closedir(d);
        return found;
}

/* A backup that runs out of room leaves no file (not a 0-byte one) and says
 * why; with room it is written whole. */
static void test_backup_full(void **state)
{
        char *dir = h_path(fx.tmp, "backups"), *out = h_path(dir, "b.db");
        const char *argv[] = {h_renbind_bin(), "backup", "--data", fx.data, "--out", out, NULL};
        struct h_result r;
        struct stat st;

        (void)state;
        assert_int_equal(mkdir(dir, 0700), 0);
        /* Room for the source's index (32 KiB), not for the copy (200 KiB). */
        run_limited(&r, 65536, argv);
        assert_int_equal(r.status, EXIT_BUSY);
        assert_non_null(strstr(r.err, "backup to"));
        assert_non_null(strstr(r.err, "full"));
        assert_int_not_equal(stat(out, &st), 0);
        assert_false(dir_has(dir, ".renbin-"));
        h_result_free(&r);
        h_run(&r, argv);
        assert_int_equal(r.status, EXIT_OK);
        assert_int_equal(stat(out, &st), 0);
        assert_true(st.st_size > 65536);
        assert_false(dir_has(dir, ".renbin-"));
        h_result_free(&r);
        /* An existing file is never replaced. */
        h_run(&r, argv);
        assert_int_equal(r.status, EXIT_REFUSED);
        h_result_free(&r);
        free(out);
        free(dir);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_cut_status),
            cmocka_unit_test(test_cut_sync),
            cmocka_unit_test(test_full_disk),
            cmocka_unit_test(test_backup_full),
        };
        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
