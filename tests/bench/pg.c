/*
 * pg.c - the anchor a district might pick instead of renbind: a local
 * PostgreSQL over TLS (mutual, TLS 1.3, the bench's own CA and server
 * certificate), fsync and synchronous_commit on, taking the same enrollment
 * rows as plain inserts, 100 per transaction (pipelined), from 64 clients at
 * once. Built only when CMake finds libpq; run only when PostgreSQL's server
 * binaries are installed (scripts/deps --with-postgres). The bench installs
 * nothing: without them the figure is skipped with the reason.
 */
#include "bench.h"
#include "uuid.h"

#include <errno.h>
#include <glob.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PG_CLIENTS 64
#define PG_PER_TXN 100

/* The enrollments table of server/store.c, without the foreign keys (the
 * parent tables are absent, as in the raw SQLite baseline). */
static const char PG_SCHEMA[] =
    "CREATE TABLE enrollments("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  program TEXT NOT NULL, nip TEXT NOT NULL, unit TEXT NOT NULL,"
    "  status TEXT NOT NULL, jp INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX enrollments_one ON enrollments(program, nip) WHERE status != 'batal';"
    "CREATE INDEX enrollments_nip ON enrollments(nip);";

struct pg_run {
        char conninfo[1200];
        double end;
        long next; /* the next row's number, shared (atomic) */
        long done; /* rows committed (atomic) */
        int failed;
        char err[256];
};

/* The directory of PostgreSQL's server binaries, or "" if none is installed. */
static void pg_bindir(char *out, size_t len)
{
        glob_t g;

        out[0] = '\0';
        if (glob("/usr/lib/postgresql/*/bin/pg_ctl", 0, NULL, &g) == 0 && g.gl_pathc > 0) {
                snprintf(out, len, "%s", g.gl_pathv[g.gl_pathc - 1]);
                *strrchr(out, '/') = '\0';
        }
        globfree(&g);
}

/* A free loopback TCP port (bound, read, closed). */
static int free_port(void)
{
        struct sockaddr_in sa = {.sin_family = AF_INET};
        socklen_t sl = sizeof(sa);
        int fd = socket(AF_INET, SOCK_STREAM, 0), port = 0;

        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
            getsockname(fd, (struct sockaddr *)&sa, &sl) == 0)
                port = ntohs(sa.sin_port);
        if (fd >= 0)
                close(fd);
        return port;
}

/* Runs a shell command, as the postgres user when we are root (PostgreSQL
 * refuses to run as root). 0 on success. */
static int pg_sh(const char *cmd)
{
        char full[4096];

        if (geteuid() == 0)
                snprintf(full, sizeof(full), "runuser -u postgres -- sh -c \"%s\"", cmd);
        else
                snprintf(full, sizeof(full), "sh -c \"%s\"", cmd);
        return system(full);
}

static void pg_fail(struct pg_run *r, PGconn *c, const char *what)
{
        if (__atomic_exchange_n(&r->failed, 1, __ATOMIC_SEQ_CST) == 0)
                snprintf(r->err, sizeof(r->err), "%s: %s", what, c ? PQerrorMessage(c) : "");
}

/* Reads the results of one pipelined transaction; 0 if every one was OK. */
static int pg_drain(PGconn *c)
{
        int bad = 0;

        for (;;) {
                PGresult *res = PQgetResult(c);
                if (res == NULL)
                        continue;
                ExecStatusType st = PQresultStatus(res);
                PQclear(res);
                if (st == PGRES_PIPELINE_SYNC)
                        return bad;
                if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
                        bad = 1;
                if (PQstatus(c) == CONNECTION_BAD)
                        return -1;
        }
}

/* One client: BEGIN, 100 inserts, COMMIT, pipelined, until the time is up. */
static void *pg_client(void *p)
{
        struct pg_run *r = p;
        PGconn *c = PQconnectdb(r->conninfo);
        char id[UUID_STR], nip[24], prog[24], now[24];
        const char *v[5] = {id, prog, nip, "KEL-01", now};

        if (PQstatus(c) != CONNECTION_OK) {
                pg_fail(r, c, "connect");
                PQfinish(c);
                return NULL;
        }
        PQclear(PQprepare(c, "ins",
                          "INSERT INTO enrollments(id, program, nip, unit, status, jp, updated_at)"
                          " VALUES($1, $2, $3, $4, 'terdaftar', 0, $5)",
                          5, NULL));
        PQenterPipelineMode(c);
        while (!r->failed && now_s() < r->end) {
                PQsendQueryParams(c, "BEGIN", 0, NULL, NULL, NULL, NULL, 0);
                for (int i = 0; i < PG_PER_TXN; i++) {
                        long k = __atomic_fetch_add(&r->next, 1, __ATOMIC_RELAXED);
                        uuid7_make(id);
                        snprintf(nip, sizeof(nip), "19800101200501%04ld", k % 6400);
                        snprintf(prog, sizeof(prog), "P-%06ld", k / 6400);
                        snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
                        PQsendQueryPrepared(c, "ins", 5, v, NULL, NULL, 0);
                }
                PQsendQueryParams(c, "COMMIT", 0, NULL, NULL, NULL, NULL, 0);
                if (PQpipelineSync(c) != 1 || pg_drain(c) != 0) {
                        pg_fail(r, c, "insert");
                        break;
                }
                __atomic_fetch_add(&r->done, PG_PER_TXN, __ATOMIC_RELAXED);
        }
        PQfinish(c);
        return NULL;
}

/* initdb and start a cluster in dir on port with TLS; 0 if it runs. */
static int pg_start(const char *bin, const char *dir, int port, const char *data)
{
        char cmd[3000];

        /* copied as ourselves (the data folder is ours alone), then handed over */
        snprintf(cmd, sizeof(cmd),
                 "cp '%s/server.crt' '%s/server.key' '%s/ca.crt' '%s/' && chmod 600 '%s/server.key'"
                 "%s%s",
                 data, data, data, dir, dir, geteuid() == 0 ? " && chown -R postgres: " : "",
                 geteuid() == 0 ? dir : "");
        if (system(cmd) != 0)
                return -1;
        snprintf(cmd, sizeof(cmd),
                 "'%s/initdb' -D '%s/db' -U bench -A trust >'%s/initdb.log' 2>&1"
                 " && echo 'hostssl all all 127.0.0.1/32 trust clientcert=verify-ca'"
                 " >'%s/db/pg_hba.conf'",
                 bin, dir, dir, dir);
        if (pg_sh(cmd) != 0)
                return -1;
        snprintf(cmd, sizeof(cmd),
                 "'%s/pg_ctl' -D '%s/db' -l '%s/pg.log' -w -o '-c listen_addresses=127.0.0.1"
                 " -p %d -c unix_socket_directories=%s -c ssl=on -c ssl_cert_file=%s/server.crt"
                 " -c ssl_key_file=%s/server.key -c ssl_ca_file=%s/ca.crt"
                 " -c ssl_min_protocol_version=TLSv1.3 -c fsync=on -c synchronous_commit=on"
                 " -c full_page_writes=on -c max_connections=100' start >/dev/null",
                 bin, dir, dir, port, dir, dir, dir, dir);
        return pg_sh(cmd) == 0 ? 0 : -1;
}

/* Creates the table through one TLS connection; 0 on success. */
static int pg_schema(struct pg_run *r)
{
        PGconn *c = PQconnectdb(r->conninfo);
        PGresult *res;
        int ok;

        if (PQstatus(c) != CONNECTION_OK) {
                pg_fail(r, c, "connect");
                PQfinish(c);
                return -1;
        }
        res = PQexec(c, PG_SCHEMA);
        ok = PQresultStatus(res) == PGRES_COMMAND_OK;
        if (!ok)
                pg_fail(r, c, "schema");
        PQclear(res);
        PQfinish(c);
        return ok ? 0 : -1;
}

void bench_pg(const char *data, const char *bundle, double secs, json_t *out)
{
        char bin[512], dir[] = "/tmp/renbin-bench-pg.XXXXXX", cmd[1200];
        static struct pg_run r;
        pthread_t th[PG_CLIENTS];
        int port = free_port();
        double t0;

        pg_bindir(bin, sizeof(bin));
        if (bin[0] == '\0') {
                json_object_set_new(out, "skipped",
                                    json_string("PostgreSQL is not installed (scripts/deps "
                                                "--with-postgres)"));
                return;
        }
        if (mkdtemp(dir) == NULL)
                return (void)json_object_set_new(out, "skipped", json_string(strerror(errno)));
        if (geteuid() == 0) {
                struct passwd *pw = getpwnam("postgres");
                if (pw == NULL || chown(dir, pw->pw_uid, pw->pw_gid) != 0)
                        return (void)json_object_set_new(
                            out, "skipped", json_string("running as root without a postgres user"));
        }
        memset(&r, 0, sizeof(r));
        snprintf(r.conninfo, sizeof(r.conninfo),
                 "host=127.0.0.1 port=%d user=bench dbname=postgres sslmode=verify-ca"
                 " sslrootcert=%s/ca.crt sslcert=%s/client.crt sslkey=%s/client.key"
                 " ssl_min_protocol_version=TLSv1.3",
                 port, bundle, bundle, bundle);
        if (pg_start(bin, dir, port, data) != 0) {
                snprintf(r.err, sizeof(r.err), "PostgreSQL did not start (see %s)", dir);
                json_object_set_new(out, "skipped", json_string(r.err));
                return;
        }
        if (pg_schema(&r) == 0) {
                t0 = now_s();
                r.end = t0 + secs;
                for (int i = 0; i < PG_CLIENTS; i++)
                        pthread_create(&th[i], NULL, pg_client, &r);
                for (int i = 0; i < PG_CLIENTS; i++)
                        pthread_join(th[i], NULL);
                json_object_set_new(out, "clients", json_integer(PG_CLIENTS));
                json_object_set_new(out, "per_txn", json_integer(PG_PER_TXN));
                json_object_set_new(out, "rows_per_s", json_real(r.done / (now_s() - t0)));
                json_object_set_new(out, "bindir", json_string(bin));
        }
        if (r.failed)
                json_object_set_new(out, "error", json_string(r.err));
        snprintf(cmd, sizeof(cmd), "'%s/pg_ctl' -D '%s/db' -m fast -w stop >/dev/null", bin, dir);
        pg_sh(cmd);
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        if (getenv("RENBIN_BENCH_KEEP") == NULL && system(cmd) != 0)
                fprintf(stderr, "renbin-bench: could not remove %s\n", dir);
}
