/*
 * test_e2e_service.c - renbind as a service: sd_notify READY=1 and STOPPING=1
 * on a NOTIFY_SOCKET, SIGHUP that reloads a changed limit and leaves the
 * server serving, the journald and plain log formats, --log-file reopened on
 * HUP, the merged config (`renbind config`) and its bad lines, and a host
 * name for --listen.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "harness.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static char *tmp, *data;

static int group_setup(void **state)
{
        (void)state;
        tmp = h_tmpdir("service");
        data = h_path(tmp, "data");
        h_must_init(data);
        return 0;
}

static int group_teardown(void **state)
{
        (void)state;
        h_rmtree(tmp);
        free(data);
        free(tmp);
        return 0;
}

/* Writes text to path (replacing it). */
static void put_file(const char *path, const char *text)
{
        FILE *f = fopen(path, "w");

        assert_non_null(f);
        fputs(text, f);
        assert_int_equal(fclose(f), 0);
}

/* Receives datagrams on fd until one holds needle: 1, or 0 after timeout_ms. */
static int recv_until(int fd, const char *needle, int timeout_ms)
{
        struct pollfd p = {.fd = fd, .events = POLLIN};
        char buf[4096];
        ssize_t n;

        while (poll(&p, 1, timeout_ms) == 1) {
                if ((n = recv(fd, buf, sizeof(buf) - 1, 0)) <= 0)
                        return 0;
                buf[n] = '\0';
                if (strstr(buf, needle) != NULL)
                        return 1;
        }
        return 0;
}

/* READY=1 once renbind.addr is written, STOPPING=1 at SIGTERM. */
static void test_notify_ready_stopping(void **state)
{
        char *sock = h_path(tmp, "notify"), *env_sock = h_strf("NOTIFY_SOCKET=%s", sock);
        const char *env[] = {env_sock, NULL};
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        struct h_server s;
        int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

        (void)state;
        assert_true(fd >= 0);
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
        unlink(sock);
        assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
        h_server_env = env;
        h_must_start(&s, data);
        h_server_env = NULL;
        assert_true(recv_until(fd, "READY=1", 5000));
        assert_int_equal(h_server_stop(&s), 0);
        assert_true(recv_until(fd, "STOPPING=1", 5000));
        h_server_free(&s);
        close(fd);
        unlink(sock);
        free(env_sock);
        free(sock);
}

/* SIGHUP: one log line, the server keeps serving, and a lower handshake
 * timeout from the changed config file closes a silent connection. */
static void test_hup_reloads(void **state)
{
        char *conf = h_path(tmp, "hup.conf"), *home;
        const char *extra[] = {"--config", conf, NULL};
        struct h_server s;
        struct h_result r;
        int st, fd;

        (void)state;
        put_file(conf, "[serve]\nhandshake-timeout = 60\n");
        assert_int_equal(h_server_start(&s, data, extra, &st), 0);
        fd = h_tcp_connect(s.port);
        assert_true(fd >= 0);
        assert_int_equal(h_fd_wait_closed(fd, 1500), 0);
        close(fd);
        put_file(conf, "[serve]\nhandshake-timeout = 1\nmax-conns = 77\n");
        assert_int_equal(h_server_kill(&s, SIGHUP), 0);
        assert_true(h_server_log_wait(&s, "SIGHUP: reloaded", 5000));
        assert_true(h_server_log_count(&s, "max-conns 77") == 1);
        fd = h_tcp_connect(s.port);
        assert_true(fd >= 0);
        assert_int_equal(h_fd_wait_closed(fd, 5000), 1);
        close(fd);
        /* A bad file is logged and changes nothing. */
        put_file(conf, "[serve]\nmax-conns = many\n");
        assert_int_equal(h_server_kill(&s, SIGHUP), 0);
        assert_true(h_server_log_wait(&s, "settings in force are kept", 5000));
        home = h_must_units(&s, "KEL-HUP", NULL);
        h_renbin(&r, home, "sync", NULL);
        assert_int_equal(r.status, 0);
        h_result_free(&r);
        assert_int_equal(h_server_stop(&s), 0);
        h_server_free(&s);
        free(home);
        free(conf);
}

/* Under journald (JOURNAL_STREAM names stderr) lines are "<6>message". */
static void test_journal_format(void **state)
{
        char *log = h_path(data, "serve.log"), *js, *text;
        const char *env[2] = {NULL, NULL};
        struct h_server s;
        struct stat st;

        (void)state;
        unlink(log);
        put_file(log, "");
        assert_int_equal(stat(log, &st), 0);
        js = h_strf("JOURNAL_STREAM=%llu:%llu", (unsigned long long)st.st_dev,
                    (unsigned long long)st.st_ino);
        env[0] = js;
        h_server_env = env;
        h_must_start(&s, data);
        h_server_env = NULL;
        assert_int_equal(h_server_stop(&s), 0);
        text = h_server_log(&s);
        assert_non_null(strstr(text, "<6>listening on 127.0.0.1:"));
        assert_null(strstr(text, "renbind info:"));
        assert_int_equal(text[0], '<');
        free(text);
        h_server_free(&s);
        free(js);
        free(log);
}

/* Otherwise (no JOURNAL_STREAM, or one naming another file) today's format. */
static void test_plain_format(void **state)
{
        char *log = h_path(data, "serve.log"), *text;
        const char *env[] = {"JOURNAL_STREAM=1:1", NULL};
        struct h_server s;

        (void)state;
        unlink(log);
        h_server_env = env;
        h_must_start(&s, data);
        h_server_env = NULL;
        assert_int_equal(h_server_stop(&s), 0);
        text = h_server_log(&s);
        assert_non_null(strstr(text, "Z renbind info: listening on 127.0.0.1:"));
        assert_null(strstr(text, "<6>"));
        free(text);
        h_server_free(&s);
        free(log);
}

/* --log-file: the log goes there, and HUP reopens it after a rotation. */
static void test_log_file_reopened(void **state)
{
        char *path = h_path(tmp, "renbind.log"), *old = h_path(tmp, "renbind.log.1"), *text;
        const char *extra[] = {"--log-file", path, NULL};
        struct h_server s;
        int st;

        (void)state;
        assert_int_equal(h_server_start(&s, data, extra, &st), 0);
        assert_int_equal(rename(path, old), 0);
        assert_int_equal(h_server_kill(&s, SIGHUP), 0);
        for (int i = 0; i < 250 && (text = h_read_file(path)) == NULL; i++)
                usleep(20000);
        assert_int_equal(h_server_stop(&s), 0);
        free(text);
        text = h_read_file(path);
        assert_non_null(text);
        assert_non_null(strstr(text, "renbind info: SIGHUP: reloaded"));
        assert_non_null(strstr(text, "stopped"));
        free(text);
        text = h_read_file(old);
        assert_non_null(strstr(text, "listening on 127.0.0.1:"));
        free(text);
        h_server_free(&s);
        free(old);
        free(path);
}

/* Flags override the environment, which overrides the file. */
static void test_config_merged(void **state)
{
        char *conf = h_path(tmp, "merge.conf"), *line;
        const char *env[] = {"RENBIND_CONFIG", "RENBIND_MAX_CONNS=60", "RENBIND_IDLE_TIMEOUT=8",
                             NULL};
        struct h_result r;

        (void)state;
        put_file(conf, "[serve]\n; a comment\nmax-conns = 50\nidle-timeout = 9\n"
                       "frame-timeout = 20\n");
        const char *argv[] = {h_renbind_bin(),  "config", "--config", conf,
                              "--idle-timeout", "7",      NULL};
        assert_int_equal(h_run_env(&r, env, argv), 0);
        assert_non_null(strstr(r.out, "data = /var/lib/renbin  ; default"));
        assert_non_null(strstr(r.out, "max-conns = 60  ; environment RENBIND_MAX_CONNS"));
        assert_non_null(strstr(r.out, "idle-timeout = 7  ; flag --idle-timeout"));
        line = h_strf("frame-timeout = 20  ; file %s, line 5", conf);
        assert_non_null(strstr(r.out, line));
        h_result_free(&r);
        free(line);
        free(conf);
}

/* A bad line names file, line and key (3); a bad flag is usage (2); a named
 * file that is missing is 4. */
static void test_config_bad(void **state)
{
        char *conf = h_path(tmp, "bad.conf"), *want;
        struct h_result r;

        (void)state;
        put_file(conf, "[serve]\nlisten = 127.0.0.1:0\nmax-conns = lots\n");
        assert_int_equal(h_renbind(&r, "config", "--config", conf, NULL), 3);
        want = h_strf("%s:3: max-conns = lots", conf);
        assert_non_null(strstr(r.err, want));
        h_result_free(&r);
        free(want);
        put_file(conf, "[serve]\ncolour = red\n");
        assert_int_equal(h_renbind(&r, "serve", "--config", conf, "--data", data, NULL), 3);
        assert_non_null(strstr(r.err, ":2: colour = red: unknown key"));
        h_result_free(&r);
        assert_int_equal(h_renbind(&r, "config", "--max-conns", "0", NULL), 2);
        h_result_free(&r);
        assert_int_equal(h_renbind(&r, "config", "--config", "/nonexistent/renbind.conf", NULL), 4);
        h_result_free(&r);
        free(conf);
}

/* --listen takes a host name. */
static void test_listen_host_name(void **state)
{
        const char *extra[] = {"--listen", "localhost:0", NULL};
        struct h_server s;
        int st;

        (void)state;
        assert_int_equal(h_server_start(&s, data, extra, &st), 0);
        assert_int_equal(h_server_stop(&s), 0);
        h_server_free(&s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_notify_ready_stopping),
            cmocka_unit_test(test_hup_reloads),
            cmocka_unit_test(test_journal_format),
            cmocka_unit_test(test_plain_format),
            cmocka_unit_test(test_log_file_reopened),
            cmocka_unit_test(test_config_merged),
            cmocka_unit_test(test_config_bad),
            cmocka_unit_test(test_listen_host_name),
        };
        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
