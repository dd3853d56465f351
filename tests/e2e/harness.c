/*
 * harness.c - the end-to-end test harness: temp folders, child processes with
 * captured output, a renbind serving on 127.0.0.1 in the background, and a raw
 * OpenSSL client that speaks frames. See harness.h for the contracts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "harness.h"
#include "tls.h"
#include "uuid.h"
#include "wire.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void child_env(const char *const *env);
static int drain_pipes(int out, int err, struct h_result *r, pid_t pid);
static int wait_child(pid_t pid, int timeout_ms, int *status);
static void tls_note(struct h_tls *t, int ret);

/* Milliseconds on a clock that does not jump. */
static long long now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleeps for ms milliseconds. */
static void sleep_ms(int ms)
{
        struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

        while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
                ;
}

char *h_strf(const char *fmt, ...)
{
        va_list ap;
        char *s;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
                fail_msg("h_strf: out of memory");
        va_start(ap, fmt);
        vsnprintf(s, (size_t)n + 1, fmt, ap);
        va_end(ap);
        return s;
}

char *h_path(const char *dir, const char *name)
{
        return h_strf("%s/%s", dir, name);
}

char *h_read_file(const char *path)
{
        FILE *f = fopen(path, "rb");
        char *buf = NULL, *nb;
        size_t cap = 0, n = 0, k;

        if (f == NULL)
                return NULL;
        do {
                if (cap - n < 4096) {
                        cap = cap * 2 + 8192;
                        if ((nb = realloc(buf, cap)) == NULL) {
                                free(buf);
                                fclose(f);
                                return NULL;
                        }
                        buf = nb;
                }
                k = fread(buf + n, 1, cap - n - 1, f);
                n += k;
        } while (k > 0);
        fclose(f);
        buf[n] = '\0';
        return buf;
}

int h_count(const char *s, const char *needle)
{
        size_t len = strlen(needle);
        int n = 0;

        if (s == NULL || len == 0)
                return 0;
        for (const char *p = strstr(s, needle); p != NULL; p = strstr(p + len, needle))
                n++;
        return n;
}

char *h_html_section(const char *html, const char *id)
{
        char *open = h_strf("<section id=\"%s\">", id);
        const char *at = strstr(html, open), *end;

        free(open);
        if (at == NULL)
                fail_msg("no section %s in the page", id);
        if ((end = strstr(at, "</section>")) == NULL)
                fail_msg("section %s is not closed", id);
        return h_strf("%.*s", (int)(end - at), at);
}

char *h_tmpdir(const char *tag)
{
        const char *base = getenv("TMPDIR");
        char *path;

        if (base == NULL || base[0] == '\0')
                base = "/tmp";
        path = h_strf("%s/renbin-%s-XXXXXX", base, tag ? tag : "test");
        if (mkdtemp(path) == NULL)
                fail_msg("mkdtemp %s: %s", path, strerror(errno));
        return path;
}

/* Removes one tree, depth first; symbolic links are removed, not followed. */
static void rmtree(const char *path)
{
        struct stat st;
        DIR *d;
        struct dirent *de;

        if (lstat(path, &st) != 0)
                return;
        if (!S_ISDIR(st.st_mode)) {
                unlink(path);
                return;
        }
        if ((d = opendir(path)) != NULL) {
                while ((de = readdir(d)) != NULL) {
                        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                                continue;
                        char *sub = h_path(path, de->d_name);
                        rmtree(sub);
                        free(sub);
                }
                closedir(d);
        }
        rmdir(path);
}

void h_rmtree(const char *path)
{
        const char *keep = getenv("RENBIN_KEEP_TMP");

        if (path == NULL)
                return;
        if (keep != NULL && keep[0] != '\0') {
                fprintf(stderr, "harness: keeping %s (RENBIN_KEEP_TMP)\n", path);
                return;
        }
        rmtree(path);
}

/* The programs under test: the build's, unless the test is run against
 * another build of them (RENBIN_TEST_RENBIND, RENBIN_TEST_RENBIN). */
const char *h_renbind_bin(void)
{
        const char *p = getenv("RENBIN_TEST_RENBIND");

        return p != NULL && p[0] != '\0' ? p : RENBIND_BIN;
}

const char *h_renbin_bin(void)
{
        const char *p = getenv("RENBIN_TEST_RENBIN");

        return p != NULL && p[0] != '\0' ? p : RENBIN_BIN;
}

/* In a child: the defaults every program under test gets, then env's entries. */
static void child_env(const char *const *env)
{
        setenv("LC_ALL", "C", 1);
        unsetenv("LANGUAGE");
        setenv("RENBIN_TIMEOUT", "10", 1);
        /* The build tree's catalogs, also when a test is run outside ctest. */
        setenv("RENBIN_LOCALEDIR", RENBIN_TEST_LOCALEDIR, 0);
        /* No installed /etc/renbin/renbind.conf, no systemd of the machine. */
        setenv("RENBIND_CONFIG", "/dev/null", 1);
        unsetenv("NOTIFY_SOCKET");
        for (size_t i = 0; env != NULL && env[i] != NULL; i++) {
                const char *eq = strchr(env[i], '=');
                if (eq == NULL) {
                        unsetenv(env[i]);
                } else {
                        char *name = strndup(env[i], (size_t)(eq - env[i]));
                        if (name != NULL)
                                setenv(name, eq + 1, 1);
                        free(name);
                }
        }
        /* The test process ignores SIGPIPE; the programs must not inherit that. */
        signal(SIGPIPE, SIG_DFL);
}

/* Appends n bytes to a growing NUL-terminated string. */
static int append(char **s, size_t *len, const char *p, size_t n)
{
        char *ns = realloc(*s, *len + n + 1);

        if (ns == NULL)
                return -1;
        memcpy(ns + *len, p, n);
        *len += n;
        ns[*len] = '\0';
        *s = ns;
        return 0;
}

/* Reads both pipes to their end, within H_RUN_TIMEOUT_MS; then reaps pid. */
static int drain_pipes(int out, int err, struct h_result *r, pid_t pid)
{
        struct pollfd pfd[2] = {{out, POLLIN, 0}, {err, POLLIN, 0}};
        size_t len[2] = {0, 0};
        char **dst[2] = {&r->out, &r->err};
        long long deadline = now_ms() + H_RUN_TIMEOUT_MS;
        char buf[4096];
        int open = 2, killed = 0;

        while (open > 0) {
                long long left = deadline - now_ms();
                if (left <= 0) {
                        fprintf(stderr, "harness: pid %d ran over %d ms; killed\n", (int)pid,
                                H_RUN_TIMEOUT_MS);
                        kill(pid, SIGKILL);
                        killed = 1;
                        break;
                }
                if (poll(pfd, 2, (int)left) < 0 && errno != EINTR)
                        break;
                for (int i = 0; i < 2; i++) {
                        if (pfd[i].fd < 0 || pfd[i].revents == 0)
                                continue;
                        ssize_t n = read(pfd[i].fd, buf, sizeof(buf));
                        if (n > 0) {
                                append(dst[i], &len[i], buf, (size_t)n);
                        } else if (n == 0 || errno != EINTR) {
                                close(pfd[i].fd);
                                pfd[i].fd = -1;
                                open--;
                        }
                }
        }
        for (int i = 0; i < 2; i++)
                if (pfd[i].fd >= 0)
                        close(pfd[i].fd);
        if (wait_child(pid, killed ? 5000 : H_RUN_TIMEOUT_MS, &r->status) != 0 || killed)
                r->status = -1;
        return r->status;
}

int h_run_env(struct h_result *r, const char *const *env, const char *const *argv)
{
        int po[2] = {-1, -1}, pe[2] = {-1, -1};
        pid_t pid;

        memset(r, 0, sizeof(*r));
        r->status = -1;
        if (pipe(po) != 0 || pipe(pe) != 0)
                fail_msg("pipe: %s", strerror(errno));
        fflush(NULL);
        if ((pid = fork()) < 0)
                fail_msg("fork: %s", strerror(errno));
        if (pid == 0) {
                int in = open("/dev/null", O_RDONLY);
                dup2(in, 0);
                dup2(po[1], 1);
                dup2(pe[1], 2);
                close(in);
                close(po[0]);
                close(po[1]);
                close(pe[0]);
                close(pe[1]);
                child_env(env);
                execv(argv[0], (char *const *)argv);
                fprintf(stderr, "harness: cannot run %s: %s\n", argv[0], strerror(errno));
                _exit(127);
        }
        close(po[1]);
        close(pe[1]);
        drain_pipes(po[0], pe[0], r, pid);
        if (r->out == NULL)
                r->out = h_strf("%s", "");
        if (r->err == NULL)
                r->err = h_strf("%s", "");
        return r->status;
}

int h_run(struct h_result *r, const char *const *argv)
{
        return h_run_env(r, NULL, argv);
}

/* Runs a program whose argv starts with head (nhead entries) and goes on with ap. */
static int run_va(struct h_result *r, const char *const *head, size_t nhead, va_list ap)
{
        const char *argv[64];
        const char *a;
        size_t n = 0;

        for (; n < nhead; n++)
                argv[n] = head[n];
        while ((a = va_arg(ap, const char *)) != NULL) {
                if (n + 1 >= sizeof(argv) / sizeof(argv[0]))
                        fail_msg("harness: too many arguments");
                argv[n++] = a;
        }
        argv[n] = NULL;
        return h_run(r, argv);
}

int h_runl(struct h_result *r, const char *prog, ...)
{
        const char *head[] = {prog};
        va_list ap;
        int rc;

        va_start(ap, prog);
        rc = run_va(r, head, 1, ap);
        va_end(ap);
        return rc;
}

int h_renbind(struct h_result *r, ...)
{
        const char *head[] = {h_renbind_bin()};
        va_list ap;
        int rc;

        va_start(ap, r);
        rc = run_va(r, head, 1, ap);
        va_end(ap);
        return rc;
}

int h_renbin(struct h_result *r, const char *home, ...)
{
        const char *head[] = {h_renbin_bin(), "--home", home};
        va_list ap;
        int rc;

        va_start(ap, home);
        rc = run_va(r, head, 3, ap);
        va_end(ap);
        return rc;
}

void h_result_free(struct h_result *r)
{
        free(r->out);
        free(r->err);
        r->out = r->err = NULL;
}

/* Fails the test with what a program printed, unless it exited 0. */
static void must_succeed(struct h_result *r, const char *what)
{
        if (r->status != 0)
                fail_msg("%s exited %d\nstdout: %s\nstderr: %s", what, r->status, r->out, r->err);
        h_result_free(r);
}

void h_must_init(const char *data)
{
        struct h_result r;

        h_renbind(&r, "init", "--data", data, NULL);
        must_succeed(&r, "renbind init");
}

void h_must_init_schema(const char *data, int schema)
{
        char *var = h_strf("RENBIN_TEST_SCHEMA=%d", schema);
        const char *const env[] = {var, NULL};
        const char *argv[] = {h_renbind_bin(), "init", "--data", data, NULL};
        struct h_result r;

        if (h_run_env(&r, env, argv) != 0)
                fail_msg("renbind init: cannot run");
        free(var);
        must_succeed(&r, "renbind init at an older schema");
}

void h_must_issue(const char *data, const char *unit, const char *role, const char *out,
                  char serial[64])
{
        struct h_result r;
        struct principal p;
        struct rb_err e;
        char *crt;

        h_renbind(&r, "cert", "issue", "--data", data, "--unit", unit, "--role", role, "--out", out,
                  NULL);
        must_succeed(&r, "renbind cert issue");
        if (serial == NULL)
                return;
        crt = h_path(out, "client.crt");
        if (tls_cert_principal(crt, &p, &e) != 0)
                fail_msg("%s: %s", crt, e.msg);
        free(crt);
        snprintf(serial, 64, "%s", p.serial);
}

void h_must_revoke(const char *data, const char *serial)
{
        struct h_result r;

        h_renbind(&r, "cert", "revoke", "--data", data, "--serial", serial, NULL);
        must_succeed(&r, "renbind cert revoke");
}

void h_must_setup(const char *home, const char *addr, const char *bundle)
{
        struct h_result r;

        h_renbin(&r, home, "setup", "--server", addr, "--bundle", bundle, NULL);
        must_succeed(&r, "renbin setup");
}

int h_group_end(struct h_server *s, const char *tmp)
{
        int st = h_server_stop(s);

        if (st != 0)
                fprintf(stderr, "renbind exited %d at the end of the group\n", st);
        h_server_free(s);
        h_rmtree(tmp);
        return st == 0 ? 0 : -1;
}

char *h_must_units(const struct h_server *s, ...)
{
        char *bundle = h_path(s->data, "_hr-bundle"), *home = h_path(s->data, "_hr");
        struct h_result r;
        struct stat st;
        const char *code;
        va_list ap;

        if (stat(bundle, &st) != 0) {
                h_must_issue(s->data, "BKPSDM", "hr", bundle, NULL);
                h_must_setup(home, s->addr, bundle);
        }
        va_start(ap, s);
        while ((code = va_arg(ap, const char *)) != NULL) {
                h_renbin(&r, home, "unit", "add", code, code, "--kind", "kelurahan", NULL);
                must_succeed(&r, "renbin unit add");
        }
        va_end(ap);
        free(bundle);
        return home;
}

/* Waits up to timeout_ms for pid to exit: 0 with its exit status in *status
 * (-1 if a signal ended it), or -1 if it is still running. */
static int wait_child(pid_t pid, int timeout_ms, int *status)
{
        long long deadline = now_ms() + timeout_ms;
        int ws;

        for (;;) {
                pid_t w = waitpid(pid, &ws, WNOHANG);
                if (w == pid) {
                        *status = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
                        return 0;
                }
                if (w < 0 && errno != EINTR)
                        return -1;
                if (now_ms() >= deadline)
                        return -1;
                sleep_ms(10);
        }
}

/* Servers still running, so that a test that fails half-way (cmocka jumps
 * out of it) does not leave one behind when the test program ends. */
static pid_t running[32];

/* Kills whatever server is still running; registered with atexit. */
static void kill_running(void)
{
        int st;

        for (size_t i = 0; i < sizeof(running) / sizeof(running[0]); i++) {
                if (running[i] <= 0)
                        continue;
                kill(running[i], SIGKILL);
                wait_child(running[i], 5000, &st);
                running[i] = 0;
        }
}

/* Adds (on != 0) or removes a server in the running list. */
static void track(pid_t pid, int on)
{
        static int registered;

        if (!registered && atexit(kill_running) == 0)
                registered = 1;
        for (size_t i = 0; i < sizeof(running) / sizeof(running[0]); i++) {
                if (on && running[i] == 0) {
                        running[i] = pid;
                        return;
                }
                if (!on && running[i] == pid) {
                        running[i] = 0;
                        return;
                }
        }
}

/* Reads "127.0.0.1:PORT\n" from the addr file once it is whole. */
static int read_addr(struct h_server *s, const char *path)
{
        char *text = h_read_file(path), *nl, *colon;
        long port;
        int rc = -1;

        if (text == NULL || (nl = strchr(text, '\n')) == NULL)
                goto out;
        *nl = '\0';
        if ((colon = strrchr(text, ':')) == NULL || strncmp(text, "127.0.0.1:", 10) != 0)
                goto out;
        port = strtol(colon + 1, NULL, 10);
        if (port <= 0 || port > 65535)
                goto out;
        snprintf(s->addr, sizeof(s->addr), "%s", text);
        s->port = (int)port;
        rc = 0;
out:
        free(text);
        return rc;
}

const char *const *h_server_env;
/* 2028-01-01 00:00 UTC. */
const char *const h_env_after_plans[] = {"RENBIN_TEST_NOW=1830297600", NULL};

/* In the child: stderr and stdout to the log, then exec renbind serve. */
static void exec_server(const struct h_server *s, const char *const *extra)
{
        const char *argv[64] = {h_renbind_bin(), "serve",    "--data",
                                s->data,         "--listen", "127.0.0.1:0"};
        size_t n = 6;
        int in = open("/dev/null", O_RDONLY);
        int log = open(s->log, O_WRONLY | O_CREAT | O_APPEND, 0600);

        for (size_t i = 0; extra != NULL && extra[i] != NULL && n + 1 < 64; i++)
                argv[n++] = extra[i];
        argv[n] = NULL;
        if (in < 0 || log < 0)
                _exit(127);
        /* If the test program dies (a crash, ctest's timeout), so does the server. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(in, 0);
        dup2(log, 1);
        dup2(log, 2);
        close(in);
        close(log);
        child_env(h_server_env);
        execv(argv[0], (char *const *)argv);
        _exit(127);
}

int h_server_start(struct h_server *s, const char *data, const char *const *extra, int *status)
{
        char *addr_path = h_path(data, "renbind.addr");
        long long deadline = now_ms() + H_SERVER_TIMEOUT_MS;
        int st = -1, rc = -1;

        memset(s, 0, sizeof(*s));
        s->data = h_strf("%s", data);
        s->log = h_path(data, "serve.log");
        unlink(addr_path);
        fflush(NULL);
        if ((s->pid = fork()) < 0)
                fail_msg("fork: %s", strerror(errno));
        if (s->pid == 0)
                exec_server(s, extra);
        track(s->pid, 1);
        while (now_ms() < deadline) {
                if (read_addr(s, addr_path) == 0) {
                        rc = 0;
                        goto out;
                }
                if (wait_child(s->pid, 0, &st) == 0) {
                        track(s->pid, 0);
                        s->pid = 0;
                        goto out;
                }
                sleep_ms(20);
        }
        fprintf(stderr, "harness: renbind did not write %s within %d ms\n", addr_path,
                H_SERVER_TIMEOUT_MS);
        kill(s->pid, SIGKILL);
        wait_child(s->pid, 5000, &st);
        track(s->pid, 0);
        s->pid = 0;
out:
        if (status != NULL)
                *status = st;
        free(addr_path);
        return rc;
}

void h_must_start(struct h_server *s, const char *data)
{
        int st;

        if (h_server_start(s, data, NULL, &st) != 0) {
                char *log = h_server_log(s);
                fail_msg("renbind serve --data %s did not start (exit %d)\nlog: %s", data, st,
                         log ? log : "(none)");
        }
}

int h_server_stop(struct h_server *s)
{
        int st = -1;

        if (s->pid <= 0)
                return -1;
        kill(s->pid, SIGTERM);
        if (wait_child(s->pid, H_SERVER_TIMEOUT_MS, &st) != 0) {
                fprintf(stderr, "harness: renbind did not stop within %d ms; killed\n",
                        H_SERVER_TIMEOUT_MS);
                kill(s->pid, SIGKILL);
                wait_child(s->pid, 5000, &st);
                st = -1;
        }
        track(s->pid, 0);
        s->pid = 0;
        return st;
}

int h_server_kill(struct h_server *s, int sig)
{
        return s->pid > 0 ? kill(s->pid, sig) : -1;
}

char *h_server_log(const struct h_server *s)
{
        return s->log ? h_read_file(s->log) : NULL;
}

int h_server_log_count(const struct h_server *s, const char *needle)
{
        char *log = h_server_log(s);
        int n = h_count(log, needle);

        free(log);
        return n;
}

int h_server_log_wait_n(const struct h_server *s, const char *needle, int n, int timeout_ms)
{
        long long deadline = now_ms() + timeout_ms;

        for (;;) {
                if (h_server_log_count(s, needle) >= n)
                        return 1;
                if (now_ms() >= deadline)
                        return 0;
                sleep_ms(20);
        }
}

int h_server_log_wait(const struct h_server *s, const char *needle, int timeout_ms)
{
        return h_server_log_wait_n(s, needle, 1, timeout_ms);
}

void h_server_free(struct h_server *s)
{
        if (s->pid > 0)
                h_server_stop(s);
        free(s->data);
        free(s->log);
        s->data = s->log = NULL;
}

int h_tcp_connect(int port)
{
        struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
        struct timeval tv = {5, 0};
        int fd;

        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        signal(SIGPIPE, SIG_IGN);
        if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
                return -1;
        /* On Linux the send timeout bounds connect() too. */
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
                close(fd);
                return -1;
        }
        return fd;
}

int h_fd_wait_closed(int fd, int timeout_ms)
{
        long long deadline = now_ms() + timeout_ms;
        char buf[4096];

        for (;;) {
                long long left = deadline - now_ms();
                struct pollfd pfd = {fd, POLLIN, 0};
                if (left <= 0)
                        return 0;
                if (poll(&pfd, 1, (int)left) <= 0)
                        continue;
                ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
                if (n == 0 || (n < 0 && (errno == ECONNRESET || errno == EPIPE)))
                        return 1;
        }
}

/* Sets the receive timeout of the socket to ms (at least 1 ms). */
static void set_rcv_timeout(int fd, long long ms)
{
        struct timeval tv;

        if (ms < 1)
                ms = 1;
        tv.tv_sec = (time_t)(ms / 1000);
        tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* Classifies the failed TLS call that returned ret into t->state and t->error. */
static void tls_note(struct h_tls *t, int ret)
{
        int code = SSL_get_error(t->ssl, ret);
        unsigned long e = ERR_peek_last_error();
        int err = errno;

        switch (code) {
        case SSL_ERROR_ZERO_RETURN:
                t->state = H_TLS_CLOSED;
                snprintf(t->error, sizeof(t->error), "closed by peer");
                break;
        case SSL_ERROR_WANT_READ:
        case SSL_ERROR_WANT_WRITE:
                t->state = H_TLS_TIMEOUT;
                snprintf(t->error, sizeof(t->error), "timed out");
                break;
        case SSL_ERROR_SYSCALL:
                if (err == EAGAIN || err == EWOULDBLOCK) {
                        t->state = H_TLS_TIMEOUT;
                        snprintf(t->error, sizeof(t->error), "timed out");
                } else {
                        t->state = H_TLS_CLOSED;
                        snprintf(t->error, sizeof(t->error), "%s",
                                 err ? strerror(err) : "connection closed");
                }
                break;
        default:
                /* An alert from the server, or a protocol failure: either way the
                 * connection is over. */
                t->state = H_TLS_CLOSED;
                snprintf(t->error, sizeof(t->error), "%s",
                         e ? ERR_reason_error_string(e) : "TLS failure");
                break;
        }
        ERR_clear_error();
}

/* The client context: our certificate if any, versions up to max_version. */
static SSL_CTX *raw_ctx(struct h_tls *t, const char *bundle, int max_version)
{
        static const unsigned char alpn[] = "\x08renbin/1";
        SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
        char *crt = NULL, *key = NULL;

        if (ctx == NULL)
                goto fail;
        if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
            SSL_CTX_set_max_proto_version(ctx, max_version ? max_version : TLS1_3_VERSION) != 1 ||
            SSL_CTX_set_alpn_protos(ctx, alpn, sizeof(alpn) - 1) != 0)
                goto fail;
        SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
        if (bundle != NULL) {
                crt = h_path(bundle, "client.crt");
                key = h_path(bundle, "client.key");
                if (SSL_CTX_use_certificate_chain_file(ctx, crt) != 1 ||
                    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
                        goto fail;
        }
        free(crt);
        free(key);
        return ctx;
fail:
        snprintf(t->error, sizeof(t->error), "client context: %s", tls_last_error());
        SSL_CTX_free(ctx);
        free(crt);
        free(key);
        return NULL;
}

int h_tls_connect(struct h_tls *t, int port, const char *bundle, int max_version)
{
        int ret;

        memset(t, 0, sizeof(*t));
        t->fd = -1;
        t->next_id = 1;
        t->state = H_TLS_FAILED;
        frame_dec_init(&t->dec, FRAME_DEFAULT_MAX);
        ERR_clear_error();
        if ((t->ctx = raw_ctx(t, bundle, max_version)) == NULL)
                return -1;
        if ((t->fd = h_tcp_connect(port)) < 0) {
                snprintf(t->error, sizeof(t->error), "connect 127.0.0.1:%d: %s", port,
                         strerror(errno));
                return -1;
        }
        set_rcv_timeout(t->fd, H_RECV_TIMEOUT_MS);
        if ((t->ssl = SSL_new(t->ctx)) == NULL || SSL_set_fd(t->ssl, t->fd) != 1) {
                snprintf(t->error, sizeof(t->error), "SSL_new: %s", tls_last_error());
                return -1;
        }
        if ((ret = SSL_connect(t->ssl)) != 1) {
                tls_note(t, ret);
                return -1;
        }
        t->state = H_TLS_OK;
        return 0;
}

int h_tls_send(struct h_tls *t, const void *buf, size_t len)
{
        const uint8_t *p = buf;

        if (t->ssl == NULL)
                return -1;
        ERR_clear_error();
        while (len > 0) {
                size_t w = 0;
                int ret = SSL_write_ex(t->ssl, p, len, &w);
                if (ret != 1) {
                        tls_note(t, ret);
                        return -1;
                }
                p += w;
                len -= w;
        }
        return 0;
}

int h_tls_send_req(struct h_tls *t, Renbin__Request *req)
{
        size_t len;
        uint8_t *buf;
        int rc;

        if (req->id == 0)
                req->id = t->next_id++;
        if ((buf = wire_pack(&req->base, &len)) == NULL)
                fail_msg("wire_pack failed");
        rc = h_tls_send(t, buf, len);
        free(buf);
        return rc;
}

Renbin__Response *h_tls_recv(struct h_tls *t, int timeout_ms)
{
        long long deadline = now_ms() + timeout_ms;
        Renbin__Response *resp;
        uint32_t len;
        uint8_t *body;
        size_t used, got;
        int rc, ret;

        if (t->ssl == NULL)
                return NULL;
        for (;;) {
                while (t->off < t->len) {
                        rc = frame_dec_feed(&t->dec, t->buf + t->off, t->len - t->off, &used);
                        t->off += used;
                        if (rc < 0) {
                                t->state = H_TLS_FAILED;
                                snprintf(t->error, sizeof(t->error), "bad frame: %s",
                                         frame_strerror(rc));
                                return NULL;
                        }
                        if (rc != FRAME_READY)
                                continue;
                        body = frame_dec_take(&t->dec, &len);
                        resp = renbin__response__unpack(NULL, len, body);
                        free(body);
                        if (resp == NULL) {
                                t->state = H_TLS_FAILED;
                                snprintf(t->error, sizeof(t->error), "unreadable Response");
                        } else {
                                t->state = H_TLS_OK;
                        }
                        return resp;
                }
                t->off = t->len = 0;
                if (deadline - now_ms() <= 0 && SSL_pending(t->ssl) == 0) {
                        t->state = H_TLS_TIMEOUT;
                        snprintf(t->error, sizeof(t->error), "timed out");
                        return NULL;
                }
                set_rcv_timeout(t->fd, deadline - now_ms());
                ERR_clear_error();
                if ((ret = SSL_read_ex(t->ssl, t->buf, sizeof(t->buf), &got)) != 1) {
                        tls_note(t, ret);
                        return NULL;
                }
                t->len = got;
        }
}

/* Sends req, reads one response: its status code, or -1 (also when the
 * response answers another id). */
static int call_code(struct h_tls *t, Renbin__Request *req)
{
        Renbin__Response *resp;
        int code;

        /* A failed send still reads: the server may have said why it closed
         * (an alert, or an error with id 0) before our bytes reached it. */
        h_tls_send_req(t, req);
        if ((resp = h_tls_recv(t, H_RECV_TIMEOUT_MS)) == NULL)
                return -1;
        code = resp->status ? (int)resp->status->code : 0;
        if (resp->id != req->id) {
                t->state = H_TLS_FAILED;
                snprintf(t->error, sizeof(t->error), "response id %llu for request %llu",
                         (unsigned long long)resp->id, (unsigned long long)req->id);
                code = -1;
        }
        renbin__response__free_unpacked(resp, NULL);
        return code;
}

int h_tls_hello(struct h_tls *t)
{
        Renbin__Request req = RENBIN__REQUEST__INIT;
        Renbin__Hello h = RENBIN__HELLO__INIT;

        h.protocol_version = PROTOCOL_VERSION;
        h.client_version = "harness";
        req.call_case = RENBIN__REQUEST__CALL_HELLO;
        req.hello = &h;
        return call_code(t, &req);
}

int h_tls_ping(struct h_tls *t, const char *payload)
{
        Renbin__Request req = RENBIN__REQUEST__INIT;
        Renbin__Ping p = RENBIN__PING__INIT;

        p.payload.data = (uint8_t *)payload;
        p.payload.len = strlen(payload);
        req.call_case = RENBIN__REQUEST__CALL_PING;
        req.ping = &p;
        return call_code(t, &req);
}

int h_tls_wait_closed(struct h_tls *t, int timeout_ms)
{
        long long deadline = now_ms() + timeout_ms;
        Renbin__Response *resp;

        for (;;) {
                long long left = deadline - now_ms();
                if ((resp = h_tls_recv(t, (int)(left > 0 ? left : 0))) != NULL) {
                        renbin__response__free_unpacked(resp, NULL);
                        continue;
                }
                if (t->state == H_TLS_CLOSED)
                        return 1;
                if (t->state == H_TLS_TIMEOUT || left <= 0)
                        return 0;
                /* A frame we could not read: keep reading raw until the end. */
                frame_dec_free(&t->dec);
                frame_dec_init(&t->dec, FRAME_DEFAULT_MAX);
                t->off = t->len = 0;
        }
}

void h_tls_close(struct h_tls *t)
{
        if (t->ssl != NULL) {
                if (t->state == H_TLS_OK)
                        SSL_shutdown(t->ssl);
                SSL_free(t->ssl);
        }
        if (t->fd >= 0)
                close(t->fd);
        SSL_CTX_free(t->ctx);
        frame_dec_free(&t->dec);
        t->ssl = NULL;
        t->ctx = NULL;
        t->fd = -1;
        ERR_clear_error();
}

Renbin__Response *h_tls_push(struct h_tls *t, const char *entity, const char *entity_id,
                             const char *action, const char *const (*kv)[2], size_t n, char *op_id)
{
        Renbin__Request req = RENBIN__REQUEST__INIT;
        Renbin__Push push = RENBIN__PUSH__INIT;
        Renbin__Op op = RENBIN__OP__INIT, *ops[1] = {&op};
        Renbin__Field f[16], *fp[16];
        char own_op[UUID_STR] = "", id[UUID_STR];
        Renbin__Response *resp;

        assert_true(n <= 16);
        if (op_id == NULL)
                op_id = own_op;
        if (op_id[0] == '\0')
                assert_int_equal(uuid7_make(op_id), 0);
        if (entity_id == NULL)
                assert_int_equal(uuid7_make(id), 0);
        for (size_t i = 0; i < n; i++) {
                renbin__field__init(&f[i]);
                f[i].name = (char *)kv[i][0];
                f[i].value = (char *)kv[i][1];
                fp[i] = &f[i];
        }
        op.op_id = op_id;
        op.entity = (char *)entity;
        op.entity_id = entity_id != NULL ? (char *)entity_id : id;
        op.action = (char *)action;
        op.n_fields = n;
        op.fields = fp;
        push.n_ops = 1;
        push.ops = ops;
        req.call_case = RENBIN__REQUEST__CALL_PUSH;
        req.push = &push;
        assert_int_equal(h_tls_send_req(t, &req), 0);
        if ((resp = h_tls_recv(t, H_RECV_TIMEOUT_MS)) == NULL)
                fail_msg("no answer to Push: %s", t->error);
        assert_int_equal(resp->id, req.id);
        return resp;
}

long long h_metric(const struct h_server *s, const char *sample)
{
        char *file = h_path(s->data, "renbind.metrics"), *addr = h_read_file(file), *req;
        char buf[65536], *at, *want = h_strf("\n%s ", sample);
        size_t len = 0;
        ssize_t n;
        int fd;

        if (addr == NULL || strchr(addr, ':') == NULL)
                fail_msg("no metrics address in %s", file);
        if ((fd = h_tcp_connect(atoi(strrchr(addr, ':') + 1))) < 0)
                fail_msg("cannot reach the metrics page at %s", addr);
        req = h_strf("GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n");
        if (write(fd, req, strlen(req)) != (ssize_t)strlen(req))
                fail_msg("cannot ask for the metrics page: %s", strerror(errno));
        for (;;) {
                struct pollfd p = {.fd = fd, .events = POLLIN};
                if (poll(&p, 1, 5000) != 1 || len + 1 >= sizeof(buf) ||
                    (n = read(fd, buf + len, sizeof(buf) - len - 1)) <= 0)
                        break;
                len += (size_t)n;
        }
        buf[len] = '\0';
        close(fd);
        if ((at = strstr(buf, want)) == NULL)
                fail_msg("the metrics page has no %s:\n%s", sample, buf);
        free(want);
        free(req);
        free(addr);
        free(file);
        return strtoll(at + strlen(sample) + 2, NULL, 10);
}
