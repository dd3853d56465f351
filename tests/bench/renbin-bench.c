/*
 * renbin-bench.c - renbind against this machine's ceiling, side by side in one
 * run. It makes a temp data folder, starts the built renbind on 127.0.0.1,
 * fills it through the protocol (units, ASN, a plan with programs) and then
 * measures, each figure beside a baseline taken on the same machine in the
 * same run:
 *
 *   durable push   enrollment ops/s from 1/16/64 offices   raw SQLite inserts
 *   pull           changes/s of an initial sync (hr)       raw SQLite range scan
 *   round trips    Ping/s on 1/16/64/256 connections       bare TLS echo server
 *   handshakes     full mTLS handshakes/s                  the same, bare server
 *   idle           server RSS per idle connection (1,000)  -
 *
 * Usage: renbin-bench [--quick] [--json] [--keep]. Every loop is bounded in
 * count and in time; the server and this client share the machine's cores.
 */
#include "arena.h"
#include "bench.h"
#include "err.h"
#include "tls.h"
#include "uuid.h"
#include "wire.h"

#include <errno.h>
#include <stdarg.h>
#include <event2/event.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define OFFICES 64
#define PLAN_YEAR "2026"

/* How much of everything one run does. */
struct cfg {
        int quick;
        int asn_per_unit; /* roster of each office */
        int programs;     /* programs of the plan, 10000 seats each */
        int batch;        /* ops per Push from an office */
        double push_secs; /* per office count */
        int pull_rows;    /* enrollments in the database for the pull */
        double ping_secs; /* per connection count and server */
        double hs_secs;   /* per server */
        int raw1_max;     /* 1-row transactions at most */
        int raw_rows;     /* rows inserted in 1000-row transactions */
        int idle_conns;
};

/* The running renbind and what the load needs to reach it. */
struct bench {
        struct cfg cfg;
        char dir[256];
        char data[300];
        pid_t server;
        struct sockaddr_in sa;
        struct sockaddr_in echo_sa;
        pid_t echo;
        SSL_CTX *hr;
        SSL_CTX *office[OFFICES];
        int next_pair[OFFICES]; /* next (program, ASN) pair of each office */
        json_t *res;            /* results, for the table and --json */
};

/* One office's load: which office, how many ops were acknowledged. */
struct push_load {
        struct bench *b;
        int hr_mode; /* hr pushes pairs of every office in turn */
        int turn;
        int hr_batch; /* ops per Push in hr_mode */
        uint64_t ok, rejected;
        char first_err[256];
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static struct bench *cleanup_bench;

/* Stops what we started and removes the temp folder (unless --keep). */
static void cleanup(void)
{
        struct bench *b = cleanup_bench;
        char cmd[400];

        if (b == NULL)
                return;
        cleanup_bench = NULL;
        if (b->server > 0) {
                kill(b->server, SIGTERM);
                waitpid(b->server, NULL, 0);
        }
        if (b->echo > 0) {
                kill(b->echo, SIGTERM);
                waitpid(b->echo, NULL, 0);
        }
        if (b->dir[0] != '\0' && getenv("RENBIN_BENCH_KEEP") == NULL) {
                snprintf(cmd, sizeof(cmd), "rm -rf '%s'", b->dir);
                if (system(cmd) != 0)
                        fprintf(stderr, "renbin-bench: could not remove %s\n", b->dir);
        }
}

static void die(const char *fmt, ...)
{
        va_list ap;

        fputs("renbin-bench: ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
        cleanup();
        exit(1);
}

/* Runs argv to completion with output to the log; dies on failure. */
static void run(struct bench *b, const char *const *argv)
{
        char log[400];
        pid_t pid;
        int st, fd;

        snprintf(log, sizeof(log), "%s/setup.log", b->dir);
        if ((pid = fork()) < 0)
                die("fork: %s", strerror(errno));
        if (pid == 0) {
                fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
                dup2(fd, 1);
                dup2(fd, 2);
                execv(argv[0], (char *const *)argv);
                _exit(127);
        }
        if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
                die("%s %s failed (see %s)", argv[0], argv[1], log);
}

/* Starts renbind serve on a free loopback port and waits for its address. */
static void server_start(struct bench *b)
{
        char addr[400], line[64], log[400];
        FILE *f;
        int port = 0;

        snprintf(addr, sizeof(addr), "%s/renbind.addr", b->data);
        snprintf(log, sizeof(log), "%s/renbind.log", b->dir);
        unlink(addr);
        if ((b->server = fork()) < 0)
                die("fork: %s", strerror(errno));
        if (b->server == 0) {
                int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
                dup2(fd, 1);
                dup2(fd, 2);
                /* RENBIN_BENCH_RENBIND: another build's server, to compare. */
                const char *bin =
                    getenv("RENBIN_BENCH_RENBIND") ? getenv("RENBIN_BENCH_RENBIND") : RENBIND_BIN;
                if (getenv("RENBIN_BENCH_CALLGRIND") != NULL) {
                        char out[600];
                        snprintf(out, sizeof(out), "--callgrind-out-file=%s",
                                 getenv("RENBIN_BENCH_CALLGRIND"));
                        execlp("valgrind", "valgrind", "--tool=callgrind", "--instr-atstart=no",
                               out, bin, "serve", "--data", b->data, "--listen", "127.0.0.1:0",
                               "--max-conns", "4096", "--max-conns-per-address", "4096",
                               (char *)NULL);
                }
                execl(bin, bin, "serve", "--data", b->data, "--listen", "127.0.0.1:0",
                      "--max-conns", "4096", "--max-conns-per-address", "4096", (char *)NULL);
                _exit(127);
        }
        for (int i = 0; i < 600 && port == 0; i++) {
                usleep(50000);
                if ((f = fopen(addr, "r")) == NULL)
                        continue;
                if (fgets(line, sizeof(line), f) != NULL && strrchr(line, ':') != NULL)
                        port = atoi(strrchr(line, ':') + 1);
                fclose(f);
        }
        if (port <= 0)
                die("renbind did not start (see %s)", log);
        b->sa.sin_family = AF_INET;
        b->sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        b->sa.sin_port = htons((uint16_t)port);
}

static void server_stop(struct bench *b)
{
        int st;

        if (b->server <= 0)
                return;
        kill(b->server, SIGTERM);
        for (int i = 0; i < 100 && waitpid(b->server, &st, WNOHANG) == 0; i++)
                usleep(50000);
        if (waitpid(b->server, &st, WNOHANG) == 0) {
                kill(b->server, SIGKILL);
                waitpid(b->server, &st, 0);
        }
        b->server = 0;
}

/* A client TLS context from the bundle of unit (the renbin CLI's own setup). */
static SSL_CTX *bundle_ctx(struct bench *b, const char *unit)
{
        char ca[400], cert[400], key[400];
        struct rb_err e;
        SSL_CTX *ctx;

        snprintf(ca, sizeof(ca), "%s/b-%s/ca.crt", b->dir, unit);
        snprintf(cert, sizeof(cert), "%s/b-%s/client.crt", b->dir, unit);
        snprintf(key, sizeof(key), "%s/b-%s/client.key", b->dir, unit);
        if ((ctx = tls_client_ctx(ca, cert, key, &e)) == NULL)
                die("%s", e.msg);
        return ctx;
}

static void unit_code(int i, char out[16])
{
        snprintf(out, 16, "KEL-%02d", i + 1);
}

/* `renbind init` and one certificate bundle for hr and each office. */
static void make_data(struct bench *b)
{
        char out[400], unit[16];

        snprintf(b->data, sizeof(b->data), "%s/data", b->dir);
        run(b, (const char *const[]){RENBIND_BIN, "init", "--data", b->data, NULL});
        for (int i = -1; i < OFFICES; i++) {
                if (i < 0)
                        snprintf(unit, sizeof(unit), "BKPSDM");
                else
                        unit_code(i, unit);
                snprintf(out, sizeof(out), "%s/b-%s", b->dir, unit);
                run(b, (const char *const[]){RENBIND_BIN, "cert", "issue", "--data", b->data,
                                             "--unit", unit, "--role", i < 0 ? "hr" : "unit",
                                             "--out", out, NULL});
        }
        b->hr = bundle_ctx(b, "BKPSDM");
        for (int i = 0; i < OFFICES; i++) {
                unit_code(i, unit);
                b->office[i] = bundle_ctx(b, unit);
        }
}

/* --- requests ------------------------------------------------------------ */

/* A framed Request (malloc'd) for one call. */
static uint8_t *request_frame(Renbin__Request *req, uint64_t id, size_t *len)
{
        req->id = id;
        return wire_pack(&req->base, len);
}

static uint8_t *hello_frame(uint64_t id, size_t *len)
{
        Renbin__Request req = RENBIN__REQUEST__INIT;
        Renbin__Hello h = RENBIN__HELLO__INIT;

        h.protocol_version = PROTOCOL_VERSION;
        h.client_version = "renbin-bench";
        req.call_case = RENBIN__REQUEST__CALL_HELLO;
        req.hello = &h;
        return request_frame(&req, id, len);
}

static uint8_t *ping_frame(uint64_t id, size_t *len)
{
        static uint8_t payload[32] = "renbin-bench ping payload 32 B.";
        Renbin__Request req = RENBIN__REQUEST__INIT;
        Renbin__Ping p = RENBIN__PING__INIT;

        p.payload.data = payload;
        p.payload.len = sizeof(payload);
        req.call_case = RENBIN__REQUEST__CALL_PING;
        req.ping = &p;
        return request_frame(&req, id, len);
}

/* An op in arena a; fields are NULL-terminated name, value pairs. */
static Renbin__Op *make_op(struct arena *a, const char *entity, const char *action,
                           const char *const *kv)
{
        Renbin__Op *op = arena_alloc(a, sizeof(*op));
        size_t cap = 0;
        char id[UUID_STR];

        renbin__op__init(op);
        uuid7_make(id);
        op->op_id = arena_strdup(a, id);
        uuid7_make(id);
        op->entity_id = arena_strdup(a, id);
        op->entity = (char *)entity;
        op->action = (char *)action;
        op->created_at = (int64_t)time(NULL);
        for (; kv[0] != NULL; kv += 2)
                wire_field_add(a, &op->fields, &op->n_fields, &cap, kv[0], kv[1]);
        return op;
}

static uint8_t *push_frame(Renbin__Op **ops, size_t n, uint64_t id, size_t *len)
{
        Renbin__Request req = RENBIN__REQUEST__INIT;
        Renbin__Push p = RENBIN__PUSH__INIT;

        p.ops = ops;
        p.n_ops = n;
        req.call_case = RENBIN__REQUEST__CALL_PUSH;
        req.push = &p;
        return request_frame(&req, id, len);
}

/* The NIP of ASN number i: born 1970-01-01 + i/999 days, TMT 2005-01, male. */
static void nip_of(int i, char out[19])
{
        char buf[64];
        time_t t = (time_t)(i / 999) * 86400;
        struct tm tm;

        gmtime_r(&t, &tm);
        snprintf(buf, sizeof(buf), "%04d%02d%02d2005011%03d", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, i % 999 + 1);
        memcpy(out, buf, 18);
        out[18] = '\0';
}

static void program_code(int i, char out[16])
{
        snprintf(out, 16, "PRG-%03d", i + 1);
}

/* Counts the OK results of a Push response into pl. */
static void push_answer(struct push_load *pl, const uint8_t *body, uint32_t len)
{
        Renbin__Response *r = renbin__response__unpack(NULL, len, body);

        if (r == NULL || r->result_case != RENBIN__RESPONSE__RESULT_PUSH) {
                pl->rejected++;
                if (pl->first_err[0] == '\0')
                        snprintf(pl->first_err, sizeof(pl->first_err), "push failed: %s",
                                 r && r->status ? r->status->message : "no reply");
        } else {
                for (size_t i = 0; i < r->push->n_results; i++) {
                        Renbin__Status *s = r->push->results[i]->status;
                        if (s == NULL || s->code == RENBIN__CODE__OK) {
                                pl->ok++;
                                continue;
                        }
                        pl->rejected++;
                        if (pl->first_err[0] == '\0')
                                snprintf(pl->first_err, sizeof(pl->first_err), "%s", s->message);
                }
        }
        if (r != NULL)
                renbin__response__free_unpacked(r, NULL);
}

/* Opens a connection and says Hello; dies on failure. */
static void open_hello(struct bconn *c, SSL_CTX *ctx, const struct sockaddr_in *sa)
{
        size_t len;
        uint32_t blen;
        uint8_t *f = hello_frame(1, &len), *body;

        if (bconn_open(c, ctx, sa) != 0)
                die("cannot connect to port %d: %s", ntohs(sa->sin_port), strerror(errno));
        body = bconn_call(c, f, len, &blen);
        free(f);
        if (body == NULL)
                die("no Hello answer on port %d", ntohs(sa->sin_port));
        free(body);
        c->next_id = 2;
}

/* Sends one Push (blocking) and checks every op was applied. */
static void push_all(struct bconn *c, Renbin__Op **ops, size_t n)
{
        struct push_load pl = {0};
        size_t len;
        uint32_t blen;
        uint8_t *f = push_frame(ops, n, c->next_id++, &len), *body;

        body = bconn_call(c, f, len, &blen);
        free(f);
        if (body == NULL)
                die("setup push: no answer");
        push_answer(&pl, body, blen);
        free(body);
        if (pl.rejected)
                die("setup push: %llu ops rejected: %s", (unsigned long long)pl.rejected,
                    pl.first_err);
}

/* Units, the roster, the plan and its programs, pushed as hr. */
static void seed(struct bench *b)
{
        struct arena a = ARENA_INIT;
        Renbin__Op **ops = calloc(1000, sizeof(*ops));
        struct bconn c;
        char unit[16], nip[19], name[32], code[16], cap[8] = "10000";
        size_t n = 0;

        open_hello(&c, b->hr, &b->sa);
        for (int i = 0; i < OFFICES; i++) {
                unit_code(i, unit);
                snprintf(name, sizeof(name), "Kelurahan %d", i + 1);
                ops[n++] = make_op(
                    &a, "unit", "create",
                    (const char *const[]){"code", unit, "name", name, "kind", "kelurahan", NULL});
        }
        push_all(&c, ops, n);
        for (int i = 0, total = OFFICES * b->cfg.asn_per_unit; i < total; i++) {
                if (n == 1000 || i == 0) {
                        if (i > 0)
                                push_all(&c, ops, n);
                        arena_free(&a);
                        n = 0;
                }
                unit_code(i / b->cfg.asn_per_unit, unit);
                nip_of(i, nip);
                snprintf(name, sizeof(name), "ASN %d", i + 1);
                ops[n++] = make_op(&a, "asn", "put",
                                   (const char *const[]){"nip", nip, "name", name, "unit", unit,
                                                         "golongan", "III/a", NULL});
        }
        push_all(&c, ops, n);
        arena_free(&a);
        n = 0;
        ops[n++] = make_op(&a, "plan", "create",
                           (const char *const[]){"year", PLAN_YEAR, "title", "Renbang 2026", NULL});
        for (int i = 0; i < b->cfg.programs; i++) {
                program_code(i, code);
                ops[n++] =
                    make_op(&a, "program", "create",
                            (const char *const[]){"code", code, "plan_year", PLAN_YEAR, "title",
                                                  "Pelatihan", "method", "pelatihan", "start_date",
                                                  "2026-03-02", "end_date", "2026-03-04", "jp",
                                                  "24", "capacity", cap, NULL});
        }
        ops[n++] = make_op(&a, "plan", "approve", (const char *const[]){"year", PLAN_YEAR, NULL});
        push_all(&c, ops, n);
        arena_free(&a);
        bconn_close(&c);
        free(ops);
}

/* --- durable push ---------------------------------------------------------- */

/* Next Push of enrollments for an office (or for hr, office by office). */
static uint8_t *push_next(struct load *l, struct bconn *c, size_t *len)
{
        struct push_load *pl = l->arg;
        struct bench *b = pl->b;
        int office = pl->hr_mode ? pl->turn++ % OFFICES : c->idx % OFFICES;
        int pool = b->cfg.asn_per_unit * b->cfg.programs, n = 0;
        int batch = pl->hr_mode ? pl->hr_batch : b->cfg.batch;
        Renbin__Op *ops[1000];
        struct arena a = ARENA_INIT;
        char nip[19], prog[16];
        uint8_t *f;

        while (n < batch && b->next_pair[office] < pool) {
                int k = b->next_pair[office]++;
                program_code(k / b->cfg.asn_per_unit, prog);
                nip_of(office * b->cfg.asn_per_unit + k % b->cfg.asn_per_unit, nip);
                ops[n++] = make_op(&a, "enrollment", "create",
                                   (const char *const[]){"program", prog, "nip", nip, NULL});
        }
        f = n > 0 ? push_frame(ops, (size_t)n, c->next_id++, len) : NULL;
        arena_free(&a);
        return f;
}

static void push_ans(struct load *l, struct bconn *c, const uint8_t *body, uint32_t len)
{
        (void)c;
        push_answer(l->arg, body, len);
}

/* Enrollments in by hr, 1000 per Push, until the database holds `rows`. */
static void fill_enrollments(struct bench *b, int rows)
{
        struct push_load pl = {.b = b, .hr_mode = 1};
        struct bconn c;
        struct load l = {.c = &c, .n = 1, .arg = &pl};
        uint64_t want = (uint64_t)rows;

        open_hello(&c, b->hr, &b->sa);
        for (double end = now_s() + 300; pl.ok < want && now_s() < end;) {
                size_t len;
                uint32_t blen;
                uint8_t *f, *body;

                pl.hr_batch = want - pl.ok < 1000 ? (int)(want - pl.ok) : 1000;
                if ((f = push_next(&l, &c, &len)) == NULL)
                        break;
                body = bconn_call(&c, f, len, &blen);
                free(f);
                if (body == NULL)
                        die("fill: no answer");
                push_answer(&pl, body, blen);
                free(body);
        }
        bconn_close(&c);
        if (pl.ok < want)
                die("could only enroll %llu of %d rows: %s", (unsigned long long)pl.ok, rows,
                    pl.first_err);
}

/* Under RENBIN_BENCH_CALLGRIND, turns the server's instruction count on or
 * off (callgrind_control). */
static void callgrind_collect(struct bench *b, const char *on_off)
{
        char cmd[128];

        if (getenv("RENBIN_BENCH_CALLGRIND") == NULL)
                return;
        snprintf(cmd, sizeof(cmd), "callgrind_control -i %s %d >/dev/null", on_off, (int)b->server);
        if (system(cmd) != 0)
                die("%s failed", cmd);
}

/* Durable push from n offices at once, each with one Push in flight. */
static void bench_push(struct bench *b, int n, json_t *out)
{
        struct push_load pl = {.b = b};
        struct bconn *c = calloc((size_t)n, sizeof(*c));
        struct load l = {.c = c, .n = n, .arg = &pl, .next = push_next, .answer = push_ans};
        double t0, secs;

        for (int i = 0; i < n; i++)
                open_hello(&c[i], b->office[i % OFFICES], &b->sa);
        callgrind_collect(b, "on");
        t0 = now_s();
        l.deadline = t0 + b->cfg.push_secs;
        load_run(&l);
        secs = now_s() - t0;
        callgrind_collect(b, "off");
        if (pl.rejected)
                fprintf(stderr, "renbin-bench: push x%d: %llu ops rejected, e.g. %s\n", n,
                        (unsigned long long)pl.rejected, pl.first_err);
        json_array_append_new(out, json_pack("{s:i, s:f, s:f, s:f, s:I, s:i}", "offices", n,
                                             "ops_per_s", (double)pl.ok / secs, "p50_ms",
                                             lat_ms(&l.lat, 0.5), "p99_ms", lat_ms(&l.lat, 0.99),
                                             "ops", (json_int_t)pl.ok, "batch", b->cfg.batch));
        lat_free(&l.lat);
        for (int i = 0; i < n; i++)
                bconn_close(&c[i]);
        free(c);
}

static uint64_t ping_run(struct bench *b, const struct sockaddr_in *sa, int n, double *rate,
                         double *p50, double *p99);

/* RENBIN_BENCH_CALLGRIND=FILE (scripts/push-cost): renbind runs under
 * callgrind, counting only while one durable push from 16 offices runs
 * (or, with RENBIN_BENCH_CALLGRIND_LOAD=ping, Ping round trips on 16
 * connections for 5 s); prints the ops acknowledged (or the round trips)
 * and exits. */
static void callgrind_push(struct bench *b)
{
        const char *load = getenv("RENBIN_BENCH_CALLGRIND_LOAD");
        json_t *push = json_array();
        double rate, p50, p99;

        if (load != NULL && strcmp(load, "ping") == 0) {
                b->cfg.ping_secs = 5;
                printf("ops %llu\n",
                       (unsigned long long)ping_run(b, &b->sa, 16, &rate, &p50, &p99));
                json_decref(push);
                cleanup();
                exit(0);
        }
        b->cfg.batch = 100;
        b->cfg.push_secs = 20;
        bench_push(b, 16, push);
        printf("ops %lld\n",
               (long long)json_integer_value(json_object_get(json_array_get(push, 0), "ops")));
        json_decref(push);
        cleanup();
        exit(0);
}

/* --- raw SQLite ------------------------------------------------------------ */

/* The enrollments table exactly as server/store.c makes it. Foreign keys are
 * left off: the parent tables are not there, and the server's lookups of
 * them are part of what renbind does on top. */
static const char RAW_SCHEMA[] =
    "CREATE TABLE enrollments("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  program TEXT NOT NULL REFERENCES programs(code),"
    "  nip TEXT NOT NULL REFERENCES asn(nip), unit TEXT NOT NULL,"
    "  status TEXT NOT NULL, jp INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX enrollments_one ON enrollments(program, nip) WHERE status != 'batal';"
    "CREATE INDEX enrollments_nip ON enrollments(nip);";

/* Inserts rows in transactions of per rows; returns rows per second. */
static double raw_insert(sqlite3 *db, int per, int rows, double secs, int *k)
{
        sqlite3_stmt *st;
        char id[UUID_STR], nip[19], prog[16];
        double t0 = now_s(), end = t0 + secs;
        int done = 0;

        sqlite3_prepare_v2(db,
                           "INSERT INTO enrollments(id, program, nip, unit, status, jp, updated_at)"
                           " VALUES(?1, ?2, ?3, ?4, 'terdaftar', 0, ?5)",
                           -1, &st, NULL);
        while (done < rows && now_s() < end) {
                sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
                for (int i = 0; i < per && done < rows; i++, done++, (*k)++) {
                        uuid7_make(id);
                        nip_of(*k % 6400, nip);
                        program_code(*k / 6400, prog);
                        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
                        sqlite3_bind_text(st, 2, prog, -1, SQLITE_STATIC);
                        sqlite3_bind_text(st, 3, nip, -1, SQLITE_STATIC);
                        sqlite3_bind_text(st, 4, "KEL-01", -1, SQLITE_STATIC);
                        sqlite3_bind_int64(st, 5, (sqlite3_int64)time(NULL));
                        if (sqlite3_step(st) != SQLITE_DONE)
                                die("raw insert: %s", sqlite3_errmsg(db));
                        sqlite3_reset(st);
                }
                if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
                        die("raw commit: %s", sqlite3_errmsg(db));
        }
        sqlite3_finalize(st);
        return done / (now_s() - t0);
}

/* Raw SQLite inserts of enrollment rows: WAL, synchronous=FULL. */
static void bench_raw_insert(struct bench *b, json_t *out)
{
        char path[400];
        sqlite3 *db;
        int k = 0;
        double one, thousand;

        snprintf(path, sizeof(path), "%s/raw.db", b->dir);
        if (sqlite3_open(path, &db) != SQLITE_OK ||
            sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", NULL, NULL,
                         NULL) != SQLITE_OK ||
            sqlite3_exec(db, RAW_SCHEMA, NULL, NULL, NULL) != SQLITE_OK)
                die("raw database: %s", sqlite3_errmsg(db));
        one = raw_insert(db, 1, b->cfg.raw1_max, b->cfg.quick ? 1.5 : 3, &k);
        thousand = raw_insert(db, 1000, b->cfg.raw_rows, b->cfg.quick ? 3 : 10, &k);
        sqlite3_close(db);
        json_object_set_new(out, "raw_1row_per_s", json_real(one));
        json_object_set_new(out, "raw_1000row_per_s", json_real(thousand));
}

/* --- pull ------------------------------------------------------------------ */

/* An initial sync as hr: every page until nothing remains; rows per
 * second into *rate. */
static void pull_pass(struct bench *b, uint64_t *rows_out, uint64_t *bytes_out, uint64_t *pages_out,
                      int *bad_out, double *rate)
{
        struct bconn c;
        uint64_t since = 0, rows = 0, bytes = 0, pages = 0, first_left = 0;
        double t0, secs;
        int bad = 0;

        open_hello(&c, b->hr, &b->sa);
        t0 = now_s();
        for (double end = t0 + 120; pages < 100000 && now_s() < end; pages++) {
                Renbin__Request req = RENBIN__REQUEST__INIT;
                Renbin__Pull p = RENBIN__PULL__INIT;
                Renbin__Response *r;
                size_t len;
                uint32_t blen;
                uint8_t *f, *body;

                p.since = since;
                req.call_case = RENBIN__REQUEST__CALL_PULL;
                req.pull = &p;
                f = request_frame(&req, c.next_id++, &len);
                body = bconn_call(&c, f, len, &blen);
                free(f);
                if (body == NULL)
                        die("pull: no answer");
                bytes += FRAME_HEADER + blen;
                /* decoded as renbin decodes a page: into one arena, freed at once */
                struct arena pa = ARENA_INIT;
                ProtobufCAllocator alloc = wire_arena_allocator(&pa);
                r = renbin__response__unpack(&alloc, blen, body);
                free(body);
                if (r == NULL || r->result_case != RENBIN__RESPONSE__RESULT_PULL)
                        die("pull: bad answer");
                if (pages == 0)
                        first_left = r->pull->remaining + r->pull->n_changes;
                rows += r->pull->n_changes;
                since = r->pull->cursor;
                /* remaining must count down exactly to what was still to come */
                if (r->pull->remaining != first_left - rows)
                        bad++;
                int last = r->pull->remaining == 0 || r->pull->n_changes == 0;
                arena_free(&pa);
                if (last)
                        break;
        }
        secs = now_s() - t0;
        bconn_close(&c);
        *rows_out = rows;
        *bytes_out = bytes;
        *pages_out = pages + 1;
        *bad_out += bad;
        *rate = (double)rows / secs;
}

/* The initial sync, best of 3 passes as the raw scan it is set against. */
static void bench_pull(struct bench *b, json_t *out)
{
        uint64_t rows = 0, bytes = 0, pages = 0;
        double best = 0, rate;
        int bad = 0;

        for (int i = 0; i < 3; i++) {
                pull_pass(b, &rows, &bytes, &pages, &bad, &rate);
                if (rate > best)
                        best = rate;
        }
        if (bad)
                fprintf(stderr, "renbin-bench: pull: remaining was off on %d pages\n", bad);
        json_object_set_new(out, "rows", json_integer((json_int_t)rows));
        json_object_set_new(out, "rows_per_s", json_real(best));
        json_object_set_new(out, "bytes", json_integer((json_int_t)bytes));
        json_object_set_new(out, "pages", json_integer((json_int_t)pages));
        json_object_set_new(out, "remaining_exact", json_boolean(bad == 0));
}

/* The same rows read straight from the server's database: best of 3 scans. */
static void bench_scan(struct bench *b, json_t *out)
{
        char path[400];
        sqlite3 *db;
        sqlite3_stmt *st;
        double best = 0;

        snprintf(path, sizeof(path), "%s/renbin.db", b->data);
        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(db,
                               "SELECT seq, entity, entity_id, deleted, data FROM changes"
                               " WHERE seq > ?1 ORDER BY seq",
                               -1, &st, NULL) != SQLITE_OK)
                die("scan: %s", sqlite3_errmsg(db));
        for (int run_no = 0; run_no < 3; run_no++) {
                double t0 = now_s();
                uint64_t rows = 0, sum = 0;

                sqlite3_bind_int64(st, 1, 0);
                while (sqlite3_step(st) == SQLITE_ROW) {
                        sum += (uint64_t)sqlite3_column_int64(st, 0);
                        sum += (uint64_t)sqlite3_column_bytes(st, 1);
                        sum += (uint64_t)sqlite3_column_bytes(st, 2);
                        sum += (uint64_t)sqlite3_column_bytes(st, 4);
                        rows++;
                }
                sqlite3_reset(st);
                double rate = (double)rows / (now_s() - t0);
                if (rate > best)
                        best = rate;
                (void)sum;
        }
        sqlite3_finalize(st);
        sqlite3_close(db);
        json_object_set_new(out, "scan_rows_per_s", json_real(best));
}

/* What `renbin sync` does for an office's first sync: the built client, set up
 * with the hr bundle in a fresh home, gets every row (from the server's
 * replica snapshot, decision 168), pulls on from its cursor and has a
 * replica; rows per second of the whole process. With by_page, as an older
 * server makes it do: every page pulled, decoded and applied. */
static double sync_once(struct bench *b, const char *tag, int by_page, json_int_t *rows)
{
        char home[300], bundle[300], addr[64], cmd[1100];
        json_t *j;
        FILE *f;
        double t0, secs;

        snprintf(home, sizeof(home), "%s/home-%s", b->dir, tag);
        snprintf(bundle, sizeof(bundle), "%s/b-BKPSDM", b->dir);
        snprintf(addr, sizeof(addr), "127.0.0.1:%d", ntohs(b->sa.sin_port));
        run(b, (const char *const[]){RENBIN_BIN, "--home", home, "-q", "setup", "--server", addr,
                                     "--bundle", bundle, NULL});
        snprintf(cmd, sizeof(cmd), "'%s' --home '%s' --json sync%s 2>>'%s/setup.log'", RENBIN_BIN,
                 home, by_page ? " --by-page" : "", b->dir);
        t0 = now_s();
        if ((f = popen(cmd, "r")) == NULL)
                die("popen: %s", strerror(errno));
        j = json_loadf(f, 0, NULL);
        secs = now_s() - t0;
        if (pclose(f) != 0 || j == NULL || !json_is_true(json_object_get(j, "ok")))
                die("renbin sync failed (see %s/setup.log)", b->dir);
        *rows = json_integer_value(json_object_get(j, "pulled"));
        json_decref(j);
        return secs;
}

static void bench_sync(struct bench *b, json_t *out)
{
        json_int_t rows, pages_rows;
        double secs = sync_once(b, "sync", 0, &rows);
        double pages = sync_once(b, "sync-pages", 1, &pages_rows);

        json_object_set_new(out, "sync_rows", json_integer(rows));
        json_object_set_new(out, "sync_rows_per_s", json_real((double)rows / secs));
        json_object_set_new(out, "sync_secs", json_real(secs));
        json_object_set_new(out, "sync_pages_rows_per_s", json_real((double)pages_rows / pages));
}

/* --- round trips and handshakes ------------------------------------------- */

static uint8_t *ping_next(struct load *l, struct bconn *c, size_t *len)
{
        (void)l;
        return ping_frame(c->next_id++, len);
}

/* Ping round trips on n connections for the configured time; returns
 * how many were answered. */
static uint64_t ping_run(struct bench *b, const struct sockaddr_in *sa, int n, double *rate,
                         double *p50, double *p99)
{
        struct bconn *c = calloc((size_t)n, sizeof(*c));
        struct load l = {.c = c, .n = n, .next = ping_next};
        double t0;

        for (int i = 0; i < n; i++)
                open_hello(&c[i], b->office[i % OFFICES], sa);
        callgrind_collect(b, "on");
        t0 = now_s();
        l.deadline = t0 + b->cfg.ping_secs;
        load_run(&l);
        *rate = (double)l.answers / (now_s() - t0);
        callgrind_collect(b, "off");
        *p50 = lat_ms(&l.lat, 0.5);
        *p99 = lat_ms(&l.lat, 0.99);
        if (l.failed)
                fprintf(stderr, "renbin-bench: ping x%d: %d connections failed\n", n, l.failed);
        lat_free(&l.lat);
        for (int i = 0; i < n; i++)
                bconn_close(&c[i]);
        free(c);
        return l.answers;
}

static void bench_ping(struct bench *b, json_t *out)
{
        static const int conns[] = {1, 16, 64, 256};

        for (size_t i = 0; i < sizeof(conns) / sizeof(conns[0]); i++) {
                double r, p50, p99, er, ep50, ep99;

                ping_run(b, &b->sa, conns[i], &r, &p50, &p99);
                ping_run(b, &b->echo_sa, conns[i], &er, &ep50, &ep99);
                json_array_append_new(out, json_pack("{s:i, s:f, s:f, s:f, s:f, s:f, s:f}",
                                                     "connections", conns[i], "per_s", r, "p50_ms",
                                                     p50, "p99_ms", p99, "echo_per_s", er,
                                                     "echo_p50_ms", ep50, "echo_p99_ms", ep99));
        }
}

/* One handshake thread's loop. */
struct hs_arg {
        SSL_CTX *ctx;
        const struct sockaddr_in *sa;
        double end;
        long done, failed;
};

/* Connects, completes the handshake and the first call (Hello), closes; again. */
static void *hs_thread(void *p)
{
        struct hs_arg *h = p;
        size_t len;
        uint8_t *f = hello_frame(1, &len);

        for (long i = 0; i < 1000000 && now_s() < h->end; i++) {
                struct bconn c;
                uint32_t blen;
                uint8_t *body;

                if (bconn_open(&c, h->ctx, h->sa) != 0) {
                        h->failed++;
                        continue;
                }
                if ((body = bconn_call(&c, f, len, &blen)) != NULL)
                        h->done++;
                else
                        h->failed++;
                free(body);
                bconn_close(&c);
        }
        free(f);
        return NULL;
}

/* Full mTLS handshakes per second with a few client threads. */
static double hs_run(struct bench *b, const struct sockaddr_in *sa)
{
        enum { THREADS = 4 };
        struct hs_arg h[THREADS];
        pthread_t t[THREADS];
        double t0 = now_s();
        long done = 0, failed = 0;

        for (int i = 0; i < THREADS; i++) {
                h[i] = (struct hs_arg){.ctx = b->office[i], .sa = sa, .end = t0 + b->cfg.hs_secs};
                pthread_create(&t[i], NULL, hs_thread, &h[i]);
        }
        for (int i = 0; i < THREADS; i++) {
                pthread_join(t[i], NULL);
                done += h[i].done;
                failed += h[i].failed;
        }
        if (failed)
                fprintf(stderr, "renbin-bench: %ld handshakes failed\n", failed);
        return (double)done / (now_s() - t0);
}

/* --- idle connections ------------------------------------------------------ */

/* VmRSS of pid in KiB. */
static long rss_kib(pid_t pid)
{
        char path[64], line[256];
        FILE *f;
        long kib = -1;

        snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
        if ((f = fopen(path, "r")) == NULL)
                return -1;
        while (fgets(line, sizeof(line), f) != NULL)
                if (strncmp(line, "VmRSS:", 6) == 0)
                        kib = atol(line + 6);
        fclose(f);
        return kib;
}

/* A fresh server, n connections that said Hello and then wait. */
static void bench_idle(struct bench *b, json_t *out)
{
        int n = b->cfg.idle_conns, opened = 0;
        struct bconn *c = calloc((size_t)n, sizeof(*c));
        struct bconn warm;
        long before, after;

        server_stop(b);
        server_start(b);
        /* One connection first, so what every connection shares is loaded. */
        open_hello(&warm, b->office[0], &b->sa);
        usleep(200000);
        before = rss_kib(b->server);
        for (double end = now_s() + 120; opened < n && now_s() < end; opened++)
                open_hello(&c[opened], b->office[opened % OFFICES], &b->sa);
        usleep(500000);
        after = rss_kib(b->server);
        for (int i = 0; i < opened; i++)
                bconn_close(&c[i]);
        bconn_close(&warm);
        free(c);
        json_object_set_new(out, "connections", json_integer(opened));
        json_object_set_new(out, "rss_before_kib", json_integer(before));
        json_object_set_new(out, "rss_after_kib", json_integer(after));
        json_object_set_new(out, "bytes_per_conn",
                            json_real(opened ? (double)(after - before) * 1024.0 / opened : 0));
}

/* --- report ---------------------------------------------------------------- */

/* The machine: CPU model, cores, kernel, library versions. */
static json_t *machine(void)
{
        char line[512], cpu[256] = "unknown";
        struct utsname u;
        FILE *f = fopen("/proc/cpuinfo", "r");

        while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
                char *colon = strchr(line, ':');
                if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
                        snprintf(cpu, sizeof(cpu), "%s", colon + 2);
                        cpu[strcspn(cpu, "\n")] = '\0';
                        break;
                }
        }
        if (f != NULL)
                fclose(f);
        uname(&u);
        return json_pack("{s:s, s:i, s:s, s:s, s:s, s:s}", "cpu", cpu, "cores",
                         (int)sysconf(_SC_NPROCESSORS_ONLN), "kernel", u.release, "sqlite",
                         sqlite3_libversion(), "openssl", OpenSSL_version(OPENSSL_VERSION),
                         "libevent", event_get_version());
}

static double num(json_t *o, const char *k)
{
        return json_number_value(json_object_get(o, k));
}

/* A rate for the table: 12.3k, 4.56M. */
static const char *human(double v, char *buf, size_t len)
{
        if (v >= 1e6)
                snprintf(buf, len, "%.2fM", v / 1e6);
        else if (v >= 1e4)
                snprintf(buf, len, "%.1fk", v / 1e3);
        else
                snprintf(buf, len, "%.0f", v);
        return buf;
}

static double ratio_of(double a, double b)
{
        return b > 0 ? a / b : 0;
}

/* Every ratio the table shows, also in --json: renbin / baseline. */
static json_t *ratios(json_t *res)
{
        json_t *r = json_object(), *raw = json_object_get(res, "raw_insert"),
               *pull = json_object_get(res, "pull"), *hs = json_object_get(res, "handshakes"), *v;
        char key[48];
        size_t i;

        json_array_foreach(json_object_get(res, "push"), i, v)
        {
                snprintf(key, sizeof(key), "push_%d_vs_raw_1000row",
                         (int)json_integer_value(json_object_get(v, "offices")));
                json_object_set_new(
                    r, key,
                    json_real(ratio_of(num(v, "ops_per_s"), num(raw, "raw_1000row_per_s"))));
        }
        v = json_array_get(json_object_get(res, "push"), 0);
        json_object_set_new(r, "push_1_vs_raw_1row",
                            json_real(ratio_of(num(v, "ops_per_s"), num(raw, "raw_1row_per_s"))));
        if (json_object_get(json_object_get(res, "postgres"), "rows_per_s") != NULL) {
                v = json_array_get(json_object_get(res, "push"), 2);
                json_object_set_new(
                    r, "push_64_vs_postgres",
                    json_real(ratio_of(num(v, "ops_per_s"),
                                       num(json_object_get(res, "postgres"), "rows_per_s"))));
        }
        json_object_set_new(
            r, "pull_vs_scan",
            json_real(ratio_of(num(pull, "rows_per_s"), num(pull, "scan_rows_per_s"))));
        json_object_set_new(
            r, "sync_vs_scan",
            json_real(ratio_of(num(pull, "sync_rows_per_s"), num(pull, "scan_rows_per_s"))));
        json_object_set_new(
            r, "sync_pages_vs_scan",
            json_real(ratio_of(num(pull, "sync_pages_rows_per_s"), num(pull, "scan_rows_per_s"))));
        json_array_foreach(json_object_get(res, "ping"), i, v)
        {
                snprintf(key, sizeof(key), "ping_%d_vs_echo",
                         (int)json_integer_value(json_object_get(v, "connections")));
                json_object_set_new(r, key,
                                    json_real(ratio_of(num(v, "per_s"), num(v, "echo_per_s"))));
        }
        json_object_set_new(r, "handshakes_vs_bare",
                            json_real(ratio_of(num(hs, "per_s"), num(hs, "echo_per_s"))));
        return r;
}

static void row(const char *figure, const char *renbin, const char *base, double ratio,
                double target)
{
        char r[32] = "-";

        if (ratio >= 0)
                snprintf(r, sizeof(r), "%5.1f%%%s", ratio * 100,
                         target <= 0       ? ""
                         : ratio >= target ? "  ok"
                                           : "  MISS");
        printf("%-28s %-36s %-36s %s\n", figure, renbin, base, r);
}

/* The PostgreSQL row: push@64 against it, or why it was skipped. */
static void print_pg(json_t *res, json_t *rt)
{
        json_t *pg = json_object_get(res, "postgres");
        char bb[80], h[16];

        if (json_object_get(rt, "push_64_vs_postgres") == NULL) {
                snprintf(bb, sizeof(bb), "PostgreSQL: skipped, %s",
                         json_string_value(json_object_get(pg, "skipped"))
                             ? json_string_value(json_object_get(pg, "skipped"))
                             : json_string_value(json_object_get(pg, "error")));
                printf("  (64 offices vs %s)\n", bb);
                return;
        }
        snprintf(bb, sizeof(bb), "PostgreSQL TLS 64x100 %s rows/s",
                 human(num(pg, "rows_per_s"), h, sizeof(h)));
        row("  (64 offices vs PostgreSQL)", "", bb, num(rt, "push_64_vs_postgres"), 1.2);
}

static void print_table(json_t *res)
{
        json_t *m = json_object_get(res, "machine"), *raw = json_object_get(res, "raw_insert"),
               *pull = json_object_get(res, "pull"), *hs = json_object_get(res, "handshakes"),
               *idle = json_object_get(res, "idle"), *rt = json_object_get(res, "ratios"), *v;
        char a[64], bb[64], h1[16], h2[16], fig[64], key[48];
        size_t i;

        printf("renbin-bench (%s mode)\n", json_string_value(json_object_get(res, "mode")));
        printf("machine: %s, %d cores, Linux %s\n", json_string_value(json_object_get(m, "cpu")),
               (int)json_integer_value(json_object_get(m, "cores")),
               json_string_value(json_object_get(m, "kernel")));
        printf("versions: SQLite %s, %s, libevent %s\n",
               json_string_value(json_object_get(m, "sqlite")),
               json_string_value(json_object_get(m, "openssl")),
               json_string_value(json_object_get(m, "libevent")));
        printf("note: renbind, the baseline servers and the load client share these cores;\n"
               "      the client is one thread (four for handshakes), loopback only.\n\n");
        printf("%-28s %-36s %-36s %s\n", "figure", "renbin", "baseline", "ratio");
        json_array_foreach(json_object_get(res, "push"), i, v)
        {
                snprintf(fig, sizeof(fig), "durable push, %d office%s",
                         (int)json_integer_value(json_object_get(v, "offices")),
                         json_integer_value(json_object_get(v, "offices")) > 1 ? "s" : "");
                snprintf(a, sizeof(a), "%s ops/s p50 %.1f p99 %.1f ms",
                         human(num(v, "ops_per_s"), h1, sizeof(h1)), num(v, "p50_ms"),
                         num(v, "p99_ms"));
                snprintf(bb, sizeof(bb), "SQLite 1000-row txn %s rows/s",
                         human(num(raw, "raw_1000row_per_s"), h2, sizeof(h2)));
                snprintf(key, sizeof(key), "push_%d_vs_raw_1000row",
                         (int)json_integer_value(json_object_get(v, "offices")));
                row(fig, a, bb, num(rt, key),
                    json_integer_value(json_object_get(v, "offices")) == 64 ? 0.35 : 0);
        }
        snprintf(bb, sizeof(bb), "SQLite 1-row txn %s rows/s",
                 human(num(raw, "raw_1row_per_s"), h2, sizeof(h2)));
        v = json_array_get(json_object_get(res, "push"), 0);
        row("  (1 office vs 1-row txn)", "", bb, num(rt, "push_1_vs_raw_1row"), 0);
        print_pg(res, rt);
        snprintf(fig, sizeof(fig), "pull, %lld rows (hr)",
                 (long long)json_integer_value(json_object_get(pull, "rows")));
        snprintf(a, sizeof(a), "%s rows/s, %.1f MB on the wire",
                 human(num(pull, "rows_per_s"), h1, sizeof(h1)), num(pull, "bytes") / 1e6);
        snprintf(bb, sizeof(bb), "SQLite range scan %s rows/s",
                 human(num(pull, "scan_rows_per_s"), h2, sizeof(h2)));
        row(fig, a, bb, num(rt, "pull_vs_scan"), 0.2);
        snprintf(fig, sizeof(fig), "renbin sync, %lld rows (hr)",
                 (long long)json_integer_value(json_object_get(pull, "sync_rows")));
        snprintf(a, sizeof(a), "%s rows/s (snapshot, then pages)",
                 human(num(pull, "sync_rows_per_s"), h1, sizeof(h1)));
        row(fig, a, bb, num(rt, "sync_vs_scan"), 0);
        snprintf(a, sizeof(a), "%s rows/s (page by page: --by-page)",
                 human(num(pull, "sync_pages_rows_per_s"), h1, sizeof(h1)));
        row("  (the same, by pages)", a, bb, num(rt, "sync_pages_vs_scan"), 0);
        json_array_foreach(json_object_get(res, "ping"), i, v)
        {
                snprintf(fig, sizeof(fig), "round trips, %d conn%s",
                         (int)json_integer_value(json_object_get(v, "connections")),
                         json_integer_value(json_object_get(v, "connections")) > 1 ? "s" : "");
                snprintf(a, sizeof(a), "%s/s p50 %.2f p99 %.2f ms",
                         human(num(v, "per_s"), h1, sizeof(h1)), num(v, "p50_ms"),
                         num(v, "p99_ms"));
                snprintf(bb, sizeof(bb), "echo %s/s p50 %.2f p99 %.2f ms",
                         human(num(v, "echo_per_s"), h2, sizeof(h2)), num(v, "echo_p50_ms"),
                         num(v, "echo_p99_ms"));
                snprintf(key, sizeof(key), "ping_%d_vs_echo",
                         (int)json_integer_value(json_object_get(v, "connections")));
                row(fig, a, bb, num(rt, key), 0.7);
        }
        snprintf(a, sizeof(a), "%.0f handshakes/s", num(hs, "per_s"));
        snprintf(bb, sizeof(bb), "bare OpenSSL server %.0f/s", num(hs, "echo_per_s"));
        row("full mTLS handshakes", a, bb, num(rt, "handshakes_vs_bare"), 0.8);
        snprintf(fig, sizeof(fig), "idle, %lld connections",
                 (long long)json_integer_value(json_object_get(idle, "connections")));
        snprintf(a, sizeof(a), "%.1f KiB RSS per connection%s", num(idle, "bytes_per_conn") / 1024,
                 num(idle, "bytes_per_conn") < 65536 ? " (< 64 KiB ok)" : " (>= 64 KiB MISS)");
        snprintf(bb, sizeof(bb), "RSS %lld -> %lld KiB",
                 (long long)json_integer_value(json_object_get(idle, "rss_before_kib")),
                 (long long)json_integer_value(json_object_get(idle, "rss_after_kib")));
        row(fig, a, bb, -1, 0);
        printf(
            "\nratio = renbin / baseline; targets: push@64 >= 35%%, pull (decode only) >= 20%%,\n"
            "round trips >= 70%%, handshakes >= 80%%; renbin sync >= 400k rows/s.\n");
}

/* Raises the descriptor limit for 1,000 idle connections (inherited by renbind). */
static void raise_nofile(int need)
{
        struct rlimit rl;

        if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
                return;
        if (rl.rlim_cur < (rlim_t)need) {
                rl.rlim_cur = rl.rlim_max < (rlim_t)need ? rl.rlim_max : (rlim_t)need;
                setrlimit(RLIMIT_NOFILE, &rl);
        }
}

static void configure(struct cfg *c, int quick)
{
        if (quick)
                *c = (struct cfg){.quick = 1,
                                  .asn_per_unit = 30,
                                  .programs = 40,
                                  .batch = 100,
                                  .push_secs = 1.5,
                                  .pull_rows = 10000,
                                  .ping_secs = 1,
                                  .hs_secs = 1.5,
                                  .raw1_max = 1000,
                                  .raw_rows = 50000,
                                  .idle_conns = 1000};
        else
                *c = (struct cfg){.asn_per_unit = 100,
                                  .programs = 100,
                                  .batch = 100,
                                  .push_secs = 5,
                                  .pull_rows = 100000,
                                  .ping_secs = 3,
                                  .hs_secs = 4,
                                  .raw1_max = 5000,
                                  .raw_rows = 300000,
                                  .idle_conns = 1000};
}

static const char usage_text[] =
    "Usage: renbin-bench [--quick] [--json]\n"
    "Measures renbind against this machine's ceiling (raw SQLite, a bare TLS echo\n"
    "server) in one run, on 127.0.0.1 with a temp data folder.\n"
    "  --quick   smaller counts, under a minute\n"
    "  --json    print the results as JSON instead of a table\n"
    "Set RENBIN_BENCH_KEEP=1 to keep the temp folder (logs, databases).\n";

int main(int argc, char **argv)
{
        static struct bench b;
        int quick = 0, as_json = 0;
        char ca[400], cert[400], key[400];
        double t_start = now_s();
        int echo_port;
        json_t *push = json_array(), *raw = json_object(), *pull = json_object(),
               *ping = json_array(), *hs = json_object(), *idle = json_object(),
               *pg = json_object();

        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--quick") == 0)
                        quick = 1;
                else if (strcmp(argv[i], "--json") == 0)
                        as_json = 1;
                else
                        return fputs(usage_text, strcmp(argv[i], "--help") ? stderr : stdout),
                               strcmp(argv[i], "--help") ? 2 : 0;
        }
        configure(&b.cfg, quick);
        signal(SIGPIPE, SIG_IGN);
        raise_nofile(b.cfg.idle_conns * 2 + 256);
        snprintf(b.dir, sizeof(b.dir), "%s/renbin-bench.XXXXXX",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        if (mkdtemp(b.dir) == NULL)
                die("mkdtemp: %s", strerror(errno));
        cleanup_bench = &b;
        fprintf(stderr, "renbin-bench: setting up in %s\n", b.dir);
        make_data(&b);
        server_start(&b);
        seed(&b);
        if (getenv("RENBIN_BENCH_CALLGRIND") != NULL)
                callgrind_push(&b); /* does not return */

        fprintf(stderr, "renbin-bench: pull (%d enrollments)\n", b.cfg.pull_rows);
        fill_enrollments(&b, b.cfg.pull_rows);
        bench_pull(&b, pull);
        bench_scan(&b, pull);
        bench_sync(&b, pull);

        fprintf(stderr, "renbin-bench: durable push\n");
        b.cfg.batch = 100;
        bench_push(&b, 1, push);
        bench_push(&b, 16, push);
        bench_push(&b, 64, push);
        bench_raw_insert(&b, raw);
#ifdef BENCH_PG
        char bundle[400];
        snprintf(bundle, sizeof(bundle), "%s/b-KEL-01", b.dir);
        fprintf(stderr, "renbin-bench: PostgreSQL baseline\n");
        bench_pg(b.data, bundle, b.cfg.push_secs * 2, pg);
#else
        json_object_set_new(pg, "skipped", json_string("built without libpq"));
#endif

        fprintf(stderr, "renbin-bench: round trips and handshakes\n");
        snprintf(ca, sizeof(ca), "%s/ca.crt", b.data);
        snprintf(cert, sizeof(cert), "%s/server.crt", b.data);
        snprintf(key, sizeof(key), "%s/server.key", b.data);
        if ((b.echo = echo_start(ca, cert, key, &echo_port)) < 0)
                die("cannot start the echo server");
        b.echo_sa = b.sa;
        b.echo_sa.sin_port = htons((uint16_t)echo_port);
        bench_ping(&b, ping);
        json_object_set_new(hs, "per_s", json_real(hs_run(&b, &b.sa)));
        json_object_set_new(hs, "echo_per_s", json_real(hs_run(&b, &b.echo_sa)));

        fprintf(stderr, "renbin-bench: idle connections\n");
        bench_idle(&b, idle);

        b.res = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:f}", "mode",
                          quick ? "quick" : "full", "machine", machine(), "push", push,
                          "raw_insert", raw, "postgres", pg, "pull", pull, "ping", ping,
                          "handshakes", hs, "idle", idle, "seconds", now_s() - t_start);
        json_object_set_new(b.res, "ratios", ratios(b.res));
        if (as_json) {
                json_dumpf(b.res, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
                putchar('\n');
        } else {
                print_table(b.res);
                printf("run took %.0f s\n", now_s() - t_start);
        }
        json_decref(b.res);
        cleanup();
        return 0;
}
