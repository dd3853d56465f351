/*
 * test_e2e_integrity.c - hostile ops against a real renbind (issue 12): a
 * create reusing another entity's row id, rejected ops carrying huge or
 * countless fields, invalid UTF-8 in every kind of string, and a Pull from
 * a cursor beyond the server's last sequence. Raw ops go through the
 * harness's TLS client; HR's view through the real renbin.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "err.h"
#include "flow.h"
#include "uuid.h"
#include "wire.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define UNIT_A "KEL-BLW1"

struct fixture {
        char *tmp, *data, *bundle_hr, *bundle_a, *hr, *a;
        char nip[19];
        struct h_server srv;
};

static struct fixture fx;

static int group_setup(void **state)
{
        char *csv, *path;

        (void)state;
        f_nip(fx.nip, "19800101", "200503", 1, 11);
        fx.tmp = h_tmpdir("integrity");
        fx.data = h_path(fx.tmp, "data");
        fx.bundle_hr = h_path(fx.tmp, "bundle-hr");
        fx.bundle_a = h_path(fx.tmp, "bundle-a");
        fx.hr = h_path(fx.tmp, "home-hr");
        fx.a = h_path(fx.tmp, "home-a");
        h_must_init(fx.data);
        h_must_issue(fx.data, "BKPSDM", "hr", fx.bundle_hr, NULL);
        h_must_issue(fx.data, UNIT_A, "unit", fx.bundle_a, NULL);
        h_server_env = h_env_after_plans; /* attendance after the programs start */
        h_must_start(&fx.srv, fx.data);
        h_must_setup(fx.hr, fx.srv.addr, fx.bundle_hr);
        f_ok(fx.hr, "unit", "add", UNIT_A, "Kelurahan Belawan I", "--kind", "kelurahan", NULL);
        csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n%s,Pegawai A,%s,Analis,III/a,\n", fx.nip,
                     UNIT_A);
        path = f_write(fx.tmp, "roster.csv", csv);
        f_ok(fx.hr, "import", "asn", path, NULL);
        free(path);
        free(csv);
        f_ok(fx.hr, "competency", "add", "K-ANG", "Pengelolaan anggaran", "--type", "teknis", NULL);
        f_ok(fx.hr, "plan", "create", "2027", "Rencana 2027", NULL);
        f_ok(fx.hr, "program", "add", "--plan", "2027", "--code", "MW-01", "--title", "Program",
             "--method", "pelatihan", "--start", "2027-02-10", "--end", "2027-02-12", "--jp", "24",
             "--capacity", "30", NULL);
        f_ok(fx.hr, "plan", "approve", "2027", NULL);
        h_must_setup(fx.a, fx.srv.addr, fx.bundle_a);
        json_decref(f_sync(fx.a));
        return 0;
}

static int group_teardown(void **state)
{
        int rc;

        (void)state;
        rc = h_group_end(&fx.srv, fx.tmp);
        free(fx.tmp);
        free(fx.data);
        free(fx.bundle_hr);
        free(fx.bundle_a);
        free(fx.hr);
        free(fx.a);
        return rc;
}

/* A connected raw client of bundle that has said Hello. */
static void raw_connect(struct h_tls *t, const char *bundle)
{
        if (h_tls_connect(t, fx.srv.port, bundle, 0) != 0)
                fail_msg("connect: %s", t->error);
        assert_int_equal(h_tls_hello(t), RENBIN__CODE__OK);
}

/* The status code of the one result of a push answer (freed). */
static int result_code(Renbin__Response *resp)
{
        int code;

        assert_int_equal(resp->status ? resp->status->code : 0, RENBIN__CODE__OK);
        assert_int_equal(resp->push->n_results, 1);
        code = resp->push->results[0]->status ? (int)resp->push->results[0]->status->code : 0;
        renbin__response__free_unpacked(resp, NULL);
        return code;
}

/* An office's enrollment create with program MW-01's id is refused, so is a
 * status change on that id, and a fresh replica still has MW-01. */
static void test_create_reuses_id(void **state)
{
        const char *const create[][2] = {{"program", "MW-01"}, {"nip", fx.nip}};
        const char *const status[][2] = {{"status", "hadir"}};
        char *id = f_replica_text(fx.a, "SELECT id FROM programs WHERE code = ?1", "MW-01");
        char *fresh = h_path(fx.tmp, "home-hr2");
        struct h_tls t;

        (void)state;
        assert_non_null(id);
        raw_connect(&t, fx.bundle_a);
        assert_int_equal(result_code(h_tls_push(&t, "enrollment", id, "create", create, 2, NULL)),
                         RENBIN__CODE__ALREADY_EXISTS);
        assert_int_equal(result_code(h_tls_push(&t, "enrollment", id, "status", status, 1, NULL)),
                         RENBIN__CODE__NOT_FOUND);
        h_tls_close(&t);
        h_must_setup(fresh, fx.srv.addr, fx.bundle_hr);
        json_decref(f_sync(fresh));
        assert_int_equal(
            f_replica_int(fresh, "SELECT count(*) FROM programs WHERE code = ?1", "MW-01"), 1);
        json_decref(f_sync(fx.a));
        assert_int_equal(
            f_replica_int(fx.a, "SELECT count(*) FROM programs WHERE code = ?1", "MW-01"), 1);
        free(fresh);
        free(id);
}

/* Sends one forum add of n fields (names[i], values[i]) that the rules
 * reject (an unknown unit) and checks it was answered with a rejection. */
static void push_rejected(struct h_tls *t, Renbin__Field **fp, size_t n)
{
        Renbin__Request req = RENBIN__REQUEST__INIT;
        Renbin__Push push = RENBIN__PUSH__INIT;
        Renbin__Op op = RENBIN__OP__INIT, *ops[1] = {&op};
        char op_id[UUID_STR], row[UUID_STR];
        Renbin__Response *resp;

        assert_int_equal(uuid7_make(op_id), 0);
        assert_int_equal(uuid7_make(row), 0);
        op.op_id = op_id;
        op.entity = "forum";
        op.entity_id = row;
        op.action = "add";
        op.n_fields = n;
        op.fields = fp;
        push.n_ops = 1;
        push.ops = ops;
        req.call_case = RENBIN__REQUEST__CALL_PUSH;
        req.push = &push;
        assert_int_equal(h_tls_send_req(t, &req), 0);
        if ((resp = h_tls_recv(t, 30000)) == NULL)
                fail_msg("no answer to Push: %s", t->error);
        assert_int_not_equal(result_code(resp), RENBIN__CODE__OK);
}

/* The bytes the conflicts table takes in the server's database file. */
static long long conflicts_bytes(void)
{
        char *path = h_path(fx.data, "renbin.db");
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        long long n = -1;

        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(db,
                               "SELECT sum(pgsize) FROM dbstat WHERE name IN ('conflicts',"
                               " 'sqlite_autoindex_conflicts_1', 'conflicts_unit')",
                               -1, &st, NULL) != SQLITE_OK)
                fail_msg("cannot read %s: %s", path, sqlite3_errmsg(db));
        if (sqlite3_step(st) == SQLITE_ROW)
                n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        sqlite3_close(db);
        free(path);
        return n;
}

/* 100 rejected ops with a 4 MB extra field and one with countless junk
 * fields leave a bounded conflicts table, and HR's conflicts still work. */
static void test_bounded_conflicts(void **state)
{
        static Renbin__Field f[4], junk[300000];
        static Renbin__Field *fp[4], *jp[300000];
        const char *names[4] = {"unit", "date", "topic", "extra"};
        char *big = malloc(4000001);
        json_t *doc;
        struct h_tls t;
        long long bytes;

        (void)state;
        memset(big, 'x', 4000000);
        big[4000000] = '\0';
        const char *values[4] = {"NO-SUCH", "2027-03-05", "Musrenbang", big};
        for (int k = 0; k < 4; k++) {
                renbin__field__init(&f[k]);
                f[k].name = (char *)names[k];
                f[k].value = (char *)values[k];
                fp[k] = &f[k];
        }
        raw_connect(&t, fx.bundle_hr);
        for (int i = 0; i < 100; i++)
                push_rejected(&t, fp, 4);
        for (int k = 0; k < 300000; k++) {
                renbin__field__init(&junk[k]);
                junk[k].name = k < 4 ? (char *)names[k] : "j";
                junk[k].value = k < 3 ? (char *)values[k] : "y";
                jp[k] = &junk[k];
        }
        push_rejected(&t, jp, 300000);
        h_tls_close(&t);
        free(big);
        bytes = conflicts_bytes();
        print_message("conflicts table: %lld bytes\n", bytes);
        assert_true(bytes > 0 && bytes < 2 * 1024 * 1024);
        doc = f_json(0, fx.hr, "conflicts", NULL);
        assert_true(json_array_size(json_object_get(doc, "rows")) >= 101);
        json_decref(doc);
        f_ok(fx.hr, "conflicts", NULL);
}

/* 0 if the packed response parses with Google's protobuf runtime (protoc-c
 * --decode is built on it, and refuses a string that is not UTF-8). */
static int google_parses(const Renbin__Response *resp)
{
        size_t n = renbin__response__get_packed_size(resp);
        uint8_t *buf = malloc(n + 1);
        char *bin = h_path(fx.tmp, "reply.bin"), *cmd;
        FILE *f = fopen(bin, "wb");
        int rc;

        renbin__response__pack(resp, buf);
        assert_non_null(f);
        assert_int_equal(fwrite(buf, 1, n, f), n);
        fclose(f);
        cmd = h_strf("protoc-c -I'%s' --decode=renbin.Response renbin.proto < '%s' > /dev/null",
                     RENBIN_PROTO_DIR, bin);
        rc = system(cmd);
        free(cmd);
        free(bin);
        free(buf);
        return rc;
}

/* Ops with invalid UTF-8 in their action, entity, a field's name and a
 * field's value: each reply parses with another protobuf runtime, and each
 * rejected op is in HR's conflicts. */
static void test_invalid_utf8(void **state)
{
        static const char bad[] = "K-\xff\xfe"
                                  "ANG\xc3";
        const char *const need[][2] = {
            {"unit", UNIT_A}, {"year", "2027"}, {"competency", bad}, {"priority", "tinggi"}};
        const char *const badname[][2] = {{"unit", UNIT_A}, {bad, "x"}};
        struct {
                const char *entity, *action;
                const char *const (*kv)[2];
                size_t n;
        } ops[] = {{"need", bad, need, 2},
                   {bad, "add", need, 2},
                   {"need", "add", need, 4},
                   {"forum", "add", badname, 2}};
        char op_id[4][UUID_STR];
        struct h_tls t;
        json_t *doc;
        char *dump;

        (void)state;
        if (system("protoc-c --version > /dev/null 2>&1") != 0)
                skip();
        raw_connect(&t, fx.bundle_a);
        for (int i = 0; i < 4; i++) {
                Renbin__Response *resp;
                op_id[i][0] = '\0';
                resp = h_tls_push(&t, ops[i].entity, NULL, ops[i].action, ops[i].kv, ops[i].n,
                                  op_id[i]);
                assert_int_equal(google_parses(resp), 0);
                assert_int_equal(result_code(resp), RENBIN__CODE__INVALID_ARGUMENT);
        }
        h_tls_close(&t);
        doc = f_json(0, fx.hr, "conflicts", "--unit", UNIT_A, NULL);
        dump = json_dumps(doc, JSON_COMPACT);
        for (int i = 0; i < 4; i++)
                assert_non_null(strstr(dump, op_id[i]));
        free(dump);
        json_decref(doc);
}

/* A NUL inside a string (protobuf-c would cut the string there) refuses the
 * request whole, naming the field and byte, and nothing is applied. */
static void test_nul_refused(void **state)
{
        static const char *const kv[3][2] = {
            {"unit", UNIT_A}, {"date", "2027-04-01"}, {"topic", "Rapat#Rahasia"}};
        Renbin__Request req = RENBIN__REQUEST__INIT;
        Renbin__Push push = RENBIN__PUSH__INIT;
        Renbin__Op op = RENBIN__OP__INIT, *ops[1] = {&op};
        Renbin__Field f[3], *fp[3] = {&f[0], &f[1], &f[2]};
        char op_id[UUID_STR], id[UUID_STR];
        Renbin__Response *resp;
        struct h_tls t;
        uint8_t *buf, *p;
        size_t len;

        (void)state;
        assert_int_equal(uuid7_make(op_id), 0);
        assert_int_equal(uuid7_make(id), 0);
        for (int i = 0; i < 3; i++) {
                renbin__field__init(&f[i]);
                f[i].name = (char *)kv[i][0];
                f[i].value = (char *)kv[i][1];
        }
        op.op_id = op_id;
        op.entity = "forum";
        op.entity_id = id;
        op.action = "add";
        op.n_fields = 3;
        op.fields = fp;
        push.n_ops = 1;
        push.ops = ops;
        req.id = 7;
        req.call_case = RENBIN__REQUEST__CALL_PUSH;
        req.push = &push;
        assert_non_null(buf = wire_pack(&req.base, &len));
        for (p = buf; p + 13 <= buf + len && memcmp(p, "Rapat#Rahasia", 13) != 0; p++)
                ;
        assert_true(p + 13 <= buf + len);
        p[5] = '\0';
        raw_connect(&t, fx.bundle_a);
        assert_int_equal(h_tls_send(&t, buf, len), 0);
        free(buf);
        if ((resp = h_tls_recv(&t, H_RECV_TIMEOUT_MS)) == NULL)
                fail_msg("no answer: %s", t.error);
        assert_int_equal(resp->id, 7);
        assert_non_null(resp->status);
        assert_int_equal(resp->status->code, RENBIN__CODE__INVALID_ARGUMENT);
        assert_non_null(strstr(resp->status->field, "value"));
        assert_non_null(strstr(resp->status->message, "NUL"));
        renbin__response__free_unpacked(resp, NULL);
        /* The connection is still usable, and nothing was applied. */
        assert_int_equal(h_tls_ping(&t, "after"), RENBIN__CODE__OK);
        h_tls_close(&t);
        json_decref(f_sync(fx.hr));
        assert_int_equal(
            f_replica_int(fx.hr, "SELECT count(*) FROM forums WHERE topic LIKE 'Rapat%'", NULL), 0);
}

/* A roster of n people of unit, as an asn import file. */
static char *roster(const char *unit, int n, int first)
{
        char *csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n"), *next, nip[19];

        for (int i = 0; i < n; i++) {
                f_nip(nip, "19850101", "201001", 1 + i % 2, first + i);
                next =
                    h_strf("%s%s,Pegawai Nomor %d Dengan Nama Panjang,%s,Analis Kebijakan,III/a,\n",
                           csv, nip, first + i, unit);
                free(csv);
                csv = next;
        }
        return csv;
}

/* Under a small frame limit, the client splits its pushes to fit, and a
 * report larger than a frame comes in parts (one computation, held by the
 * session) that the client joins: no frame over the limit is sent. */
static void test_reply_over_frame(void **state)
{
        static const char *const small[] = {"--max-frame", "16384", NULL};
        char *data = h_path(fx.tmp, "data-small"), *bundle = h_path(fx.tmp, "bundle-small"),
             *home = h_path(fx.tmp, "home-small"), *csv, *path;
        struct h_server s;
        struct h_result r;
        json_t *d;
        char *dump;
        int st;

        (void)state;
        h_must_init(data);
        h_must_issue(data, "BKPSDM", "hr", bundle, NULL);
        if (h_server_start(&s, data, small, &st) != 0)
                fail_msg("renbind serve --max-frame 16384 did not start (exit %d)", st);
        h_must_setup(home, s.addr, bundle);
        f_ok(home, "unit", "add", "KEL-BIG", "Kelurahan Besar", "--kind", "kelurahan", NULL);
        f_ok(home, "unit", "add", "KEL-KCL", "Kelurahan Kecil", "--kind", "kelurahan", NULL);
        csv = roster("KEL-BIG", 300, 100);
        path = f_write(fx.tmp, "big-roster.csv", csv);
        f_ok(home, "import", "asn", path, NULL); /* 300 ops: more than one frame */
        free(path);
        free(csv);
        csv = roster("KEL-KCL", 3, 500);
        path = f_write(fx.tmp, "small-roster.csv", csv);
        f_ok(home, "import", "asn", path, NULL);
        assert_int_equal(f_replica_int(home, "SELECT count(*) FROM asn", NULL), 303);
        d = f_json(0, home, "report", "jp", "--year", "2027", NULL);
        assert_non_null(d);
        dump = json_dumps(d, JSON_COMPACT);
        assert_true(strlen(dump) > 2 * 16384); /* three parts at least */
        free(dump);
        assert_int_equal(json_array_size(json_object_get(d, "asn")), 303);
        assert_int_equal(json_integer_value(json_object_get(json_object_get(d, "total"), "asn")),
                         303);
        json_decref(d);
        f_expect(&r, 0, home, "report", "jp", "--year", "2027", NULL);
        assert_non_null(strstr(r.out, "Pegawai Nomor 399"));
        h_result_free(&r);
        f_ok(home, "report", "jp", "--year", "2027", "--unit", "KEL-KCL", NULL);
        assert_int_equal(h_server_log_count(&s, "over the 16384-byte frame limit"), 0);
        assert_int_equal(h_server_stop(&s), 0);
        h_server_free(&s);
        free(path);
        free(csv);
        free(home);
        free(bundle);
        free(data);
}

/* A Pull from beyond the server's last sequence resyncs instead of handing
 * out the feed from the start under a cursor below since. */
static void test_pull_beyond_last(void **state)
{
        Renbin__Request req = RENBIN__REQUEST__INIT;
        Renbin__Pull pull = RENBIN__PULL__INIT;
        Renbin__Response *resp;
        struct h_tls t;

        (void)state;
        raw_connect(&t, fx.bundle_hr);
        pull.since = UINT64_MAX;
        req.call_case = RENBIN__REQUEST__CALL_PULL;
        req.pull = &pull;
        assert_int_equal(h_tls_send_req(&t, &req), 0);
        if ((resp = h_tls_recv(&t, H_RECV_TIMEOUT_MS)) == NULL)
                fail_msg("no answer to Pull: %s", t.error);
        assert_int_equal(resp->status ? resp->status->code : 0, RENBIN__CODE__OK);
        assert_int_equal(resp->result_case, RENBIN__RESPONSE__RESULT_PULL);
        assert_true(resp->pull->resync);
        assert_int_equal(resp->pull->n_changes, 0);
        assert_true(resp->pull->cursor >= pull.since);
        renbin__response__free_unpacked(resp, NULL);
        h_tls_close(&t);
}

/* A part of a query asked for on a connection that holds none is refused:
 * parts come only from the document computed on the same connection. */
static void test_part_not_held(void **state)
{
        Renbin__Request req = RENBIN__REQUEST__INIT;
        Renbin__Query q = RENBIN__QUERY__INIT;
        Renbin__Field f = RENBIN__FIELD__INIT, y = RENBIN__FIELD__INIT, *args[2] = {&y, &f};
        Renbin__Response *resp;
        struct h_tls t;

        (void)state;
        raw_connect(&t, fx.bundle_hr);
        y.name = "year";
        y.value = "2027";
        f.name = "part";
        f.value = "2";
        q.name = "report.jp";
        q.args = args;
        q.n_args = 2;
        req.call_case = RENBIN__REQUEST__CALL_QUERY;
        req.query = &q;
        assert_int_equal(h_tls_send_req(&t, &req), 0);
        if ((resp = h_tls_recv(&t, H_RECV_TIMEOUT_MS)) == NULL)
                fail_msg("no answer to Query: %s", t.error);
        assert_int_equal(resp->status ? resp->status->code : 0, RENBIN__CODE__FAILED_PRECONDITION);
        assert_non_null(strstr(resp->status->message, "without part"));
        renbin__response__free_unpacked(resp, NULL);
        h_tls_close(&t);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_create_reuses_id), cmocka_unit_test(test_bounded_conflicts),
            cmocka_unit_test(test_invalid_utf8),     cmocka_unit_test(test_pull_beyond_last),
            cmocka_unit_test(test_nul_refused),      cmocka_unit_test(test_reply_over_frame),
            cmocka_unit_test(test_part_not_held),
        };

        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
