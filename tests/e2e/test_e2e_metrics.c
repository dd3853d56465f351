/*
 * test_e2e_metrics.c - health and metrics of a real renbind: the page of
 * `serve --metrics 127.0.0.1:0` (its address in DATA/renbind.metrics) is
 * Prometheus text whose ops counter moves with a push; `renbind status`
 * exits 0 with the address while serving and 7 once stopped; a non-loopback
 * metrics address is refused.
 */
#include "run.h"

#include "err.h"
#include "flow.h"

#include <ctype.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct {
        char *tmp, *data, *hr;
        struct h_server srv;
} fx;

static const char *const metrics_args[] = {"--metrics", "127.0.0.1:0", NULL};

static int group_setup(void **state)
{
        (void)state;
        fx.tmp = h_tmpdir("metrics");
        fx.data = h_path(fx.tmp, "data");
        h_must_init(fx.data);
        assert_int_equal(h_server_start(&fx.srv, fx.data, metrics_args, NULL), 0);
        fx.hr = h_must_units(&fx.srv, "KEL-A", NULL);
        return 0;
}

static int group_teardown(void **state)
{
        (void)state;
        /* test_status stopped it already (unless it failed first). */
        if (fx.srv.pid != 0) {
                h_group_end(&fx.srv, fx.tmp);
        } else {
                h_server_free(&fx.srv);
                h_rmtree(fx.tmp);
        }
        free(fx.tmp);
        free(fx.data);
        free(fx.hr);
        return 0;
}

/* GET path from the metrics address: the whole HTTP response (malloc'd). */
static char *http_get(const char *path)
{
        char *file = h_path(fx.data, "renbind.metrics"), *addr = h_read_file(file), *req, *out;
        size_t len = 0, cap = 65536;
        int fd, port;
        ssize_t n;

        assert_non_null(addr);
        assert_non_null(strchr(addr, ':'));
        port = atoi(strrchr(addr, ':') + 1);
        assert_true((fd = h_tcp_connect(port)) >= 0);
        req = h_strf("GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", path, "localhost");
        assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
        out = malloc(cap);
        assert_non_null(out);
        for (;;) {
                struct pollfd p = {.fd = fd, .events = POLLIN};
                assert_int_equal(poll(&p, 1, 5000), 1);
                if (len + 4096 > cap)
                        assert_non_null(out = realloc(out, cap *= 2));
                if ((n = read(fd, out + len, cap - len - 1)) <= 0)
                        break;
                len += (size_t)n;
        }
        out[len] = '\0';
        close(fd);
        free(req);
        free(addr);
        free(file);
        return out;
}

/* Checks one sample line: NAME{LABELS} VALUE, the name declared by TYPE. */
static void check_sample(const char *line, const char *types)
{
        const char *p = line, *sp;
        char name[128], *key;
        size_t n;
        double v;
        char *end;

        while (isalnum((unsigned char)*p) || *p == '_' || *p == ':')
                p++;
        n = (size_t)(p - line);
        assert_true(n > 0 && n < sizeof(name));
        memcpy(name, line, n);
        name[n] = '\0';
        if (*p == '{') {
                assert_non_null(sp = strchr(p, '}'));
                assert_true(sp[-1] == '"' || sp == p + 1);
                p = sp + 1;
        }
        assert_true(*p == ' ');
        v = strtod(p + 1, &end);
        (void)v;
        assert_true(end != p + 1 && *end == '\0');
        /* The family: the name itself, or a histogram's _bucket/_sum/_count. */
        key = h_strf("# TYPE %s ", name);
        if (strstr(types, key) == NULL) {
                char *cut = strrchr(name, '_');
                assert_non_null(cut);
                *cut = '\0';
                free(key);
                key = h_strf("# TYPE %s histogram", name);
                assert_non_null(strstr(types, key));
        }
        free(key);
}

/* The page's body, checked line by line as Prometheus text 0.0.4. */
static char *scrape(void)
{
        char *resp = http_get("/metrics"), *body, *line, *save = NULL;
        char *copy;

        assert_non_null(strstr(resp, "HTTP/1.0 200") ? resp : strstr(resp, "HTTP/1.1 200"));
        assert_non_null(strstr(resp, "Content-Type: text/plain; version=0.0.4"));
        assert_non_null(body = strstr(resp, "\r\n\r\n"));
        body = strdup(body + 4);
        copy = strdup(body);
        for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                if (strncmp(line, "# HELP ", 7) == 0 || strncmp(line, "# TYPE ", 7) == 0)
                        continue;
                assert_true(line[0] != '#');
                check_sample(line, body);
        }
        free(copy);
        free(resp);
        return body;
}

/* The value of one sample (the whole "name{labels}"), 0 when absent. */
static double sample(const char *body, const char *series)
{
        char *key = h_strf("\n%s ", series);
        const char *p = strstr(body, key);
        double v = p ? strtod(p + strlen(key), NULL) : 0;

        free(key);
        return v;
}

static void test_page_parses_and_moves(void **state)
{
        char *before, *after, *r404;

        (void)state;
        before = scrape();
        assert_non_null(strstr(before, "# TYPE renbind_connections gauge"));
        assert_non_null(strstr(before, "# TYPE renbind_group_commit_seconds histogram"));
        assert_true(sample(before, "renbind_server_certificate_expiry_timestamp_seconds") > 1e9);
        assert_true(sample(before, "renbind_office_certificate_next_expiry_timestamp_seconds") >
                    1e9);
        f_ok(fx.hr, "competency", "add", "K-ANG", "Pengelolaan anggaran", "--type", "teknis", NULL);
        after = scrape();
        assert_true(sample(after, "renbind_ops_total{code=\"OK\"}") >
                    sample(before, "renbind_ops_total{code=\"OK\"}"));
        assert_true(sample(after, "renbind_calls_total{call=\"Push\",code=\"OK\"}") >
                    sample(before, "renbind_calls_total{call=\"Push\",code=\"OK\"}"));
        assert_true(sample(after, "renbind_group_commit_ops_count") >
                    sample(before, "renbind_group_commit_ops_count"));
        assert_true(sample(after, "renbind_last_group_commit_timestamp_seconds") > 1e9);
        r404 = http_get("/other");
        assert_non_null(strstr(r404, " 404 "));
        free(r404);
        free(before);
        free(after);
}

/* A roster large enough to pass CKPT_FRAMES of WAL (server/checkpoint.h):
 * the real server's checkpoint thread copies it, nothing fails, and the
 * people are all there. */
static void test_checkpoint_thread(void **state)
{
        enum { PEOPLE = 3000 };
        char nip[19], *csv = NULL, *path, *body;
        size_t len = 0;
        FILE *f = open_memstream(&csv, &len);
        double made = 0;

        (void)state;
        assert_non_null(f);
        fputs("NIP,nama,unit,jabatan,golongan,tmt\n", f);
        for (int i = 1; i <= PEOPLE; i++) {
                char birth[16];
                snprintf(birth, sizeof(birth), "198001%02d", 1 + i / 999 % 28);
                f_nip(nip, birth, "200501", 1 + i % 2, 1 + i % 999);
                fprintf(f, "%s,Peserta %d,KEL-A,Staf,III/a,\n", nip, i);
        }
        assert_int_equal(fclose(f), 0);
        path = f_write(fx.tmp, "roster-3000.csv", csv);
        f_ok(fx.hr, "import", "asn", path, NULL);
        for (int i = 0; i < 200 && made < 1; i++) {
                body = scrape();
                assert_non_null(strstr(body, "# TYPE renbind_wal_checkpoints_total counter"));
                made = sample(body, "renbind_wal_checkpoints_total{by=\"thread\"}");
                assert_int_equal(sample(body, "renbind_wal_checkpoints_failed_total"), 0);
                free(body);
                if (made < 1)
                        usleep(50000);
        }
        assert_true(made >= 1);
        assert_int_equal(f_replica_int(fx.hr, "SELECT count(*) FROM asn WHERE unit = ?1", "KEL-A"),
                         PEOPLE);
        free(path);
        free(csv);
}

/* status exits 0 with the address while serving, 7 after the stop. */
static void test_status(void **state)
{
        struct h_result r;
        json_t *doc;

        (void)state;
        h_renbind(&r, "status", "--data", fx.data, NULL);
        assert_int_equal(r.status, EXIT_OK);
        assert_non_null(strstr(r.out, fx.srv.addr));
        assert_non_null(strstr(r.out, "last group commit: "));
        h_result_free(&r);
        h_renbind(&r, "status", "--data", fx.data, "--json", NULL);
        assert_int_equal(r.status, EXIT_OK);
        assert_non_null(doc = json_loads(r.out, 0, NULL));
        assert_true(json_is_true(json_object_get(doc, "serving")));
        assert_string_equal(f_text(doc, "address"), fx.srv.addr);
        assert_true(f_int(doc, "database_bytes") > 0);
        json_decref(doc);
        h_result_free(&r);
        assert_int_equal(h_server_stop(&fx.srv), 0);
        h_renbind(&r, "status", "--data", fx.data, NULL);
        assert_int_equal(r.status, EXIT_OFFLINE);
        assert_non_null(strstr(r.err, "no server is serving"));
        h_result_free(&r);
        h_renbind(&r, "status", "--data", fx.data, "--json", NULL);
        assert_int_equal(r.status, EXIT_OFFLINE);
        assert_non_null(strstr(r.out, "\"serving\": false"));
        h_result_free(&r);
}

/* A stale renbind.addr (the server killed) is no server either. */
static void test_stale_addr(void **state)
{
        struct h_result r;
        char *path = h_path(fx.data, "renbind.addr");
        FILE *f = fopen(path, "w");

        (void)state;
        assert_non_null(f);
        fprintf(f, "%s\n", fx.srv.addr);
        fclose(f);
        h_renbind(&r, "status", "--data", fx.data, NULL);
        assert_int_equal(r.status, EXIT_OFFLINE);
        h_result_free(&r);
        unlink(path);
        free(path);
}

/* The page has no authentication: a non-loopback address is refused. */
static void test_public_refused(void **state)
{
        struct h_server s = {0};
        const char *const args[] = {"--metrics", "0.0.0.0:0", NULL};
        int status = -1;

        (void)state;
        assert_int_equal(h_server_start(&s, fx.data, args, &status), -1);
        assert_int_equal(status, EXIT_INVALID);
        h_server_free(&s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_page_parses_and_moves),
            cmocka_unit_test(test_checkpoint_thread),
            cmocka_unit_test(test_status),
            cmocka_unit_test(test_stale_addr),
            cmocka_unit_test(test_public_refused),
        };
        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
