/*
 * test_e2e_audit2.c - seats have names, and the audit log proves the data,
 * against a real renbind: `audit list` names the seat (unit, role, name,
 * serial) that made each change, for HR and the auditor, never an office;
 * a seat count moved by an enrollment is recorded as such; `audit verify`
 * names a direct SQL edit of an enrollment, a deleted row, a deleted last
 * record with its head fixed, a wiped log, and (with a signed head saved
 * earlier) a chain rewritten with its head; an op whose at-most-once
 * record cannot be written is undone and applied once on the retry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "err.h"
#include "flow.h"
#include "tls.h"

#include <openssl/evp.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct {
        char *tmp, *data, *hr1, *hr2, *a, *aud;
        char serial1[64], serial2[64], addr[64];
        char p0[19], p1[19];
        struct h_server srv;
} fx;

/* Runs SQL (any number of statements) on the server's database (stopped). */
static void tamper(const char *sql)
{
        char *path = h_path(fx.data, "renbin.db");
        sqlite3 *db = NULL;
        char *msg = NULL;

        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
                fail_msg("%s: %s", sql, msg);
        sqlite3_close(db);
        free(path);
}

/* One integer from the server's database (stopped). */
static long long db_int(const char *sql)
{
        char *path = h_path(fx.data, "renbin.db"), *v = f_db_text(path, sql, NULL);
        long long n;

        assert_non_null(v);
        n = atoll(v);
        free(v);
        free(path);
        return n;
}

/* Starts renbind again on the address it had (the seats keep their setting). */
static void restart(void)
{
        const char *extra[] = {"--listen", fx.addr, NULL};
        int st = 0;

        h_server_free(&fx.srv);
        if (h_server_start(&fx.srv, fx.data, extra, &st) != 0)
                fail_msg("renbind did not restart on %s (exit %d)", fx.addr, st);
}

/* Copies file src to dst. */
static void copy_file(const char *src, const char *dst)
{
        FILE *in, *out;
        size_t n;
        char buf[65536];

        assert_non_null(in = fopen(src, "rb"));
        assert_non_null(out = fopen(dst, "wb"));
        while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
                assert_int_equal(fwrite(buf, 1, n, out), n);
        fclose(in);
        fclose(out);
}

/* Saves the (stopped) server's database to name in tmp, or puts it back. */
static void db_save(const char *name, int back)
{
        char *db = h_path(fx.data, "renbin.db"), *copy = h_path(fx.tmp, name),
             *wal = h_path(fx.data, "renbin.db-wal"), *shm = h_path(fx.data, "renbin.db-shm");

        unlink(wal);
        unlink(shm);
        if (back)
                copy_file(copy, db);
        else
                copy_file(db, copy);
        free(db);
        free(copy);
        free(wal);
        free(shm);
}

/* Issues a named seat's bundle into tmp/name; its serial into serial. */
static char *issue(const char *unit, const char *role, const char *person, const char *name,
                   char serial[64])
{
        char *bundle = h_path(fx.tmp, name), *home = h_strf("%s-home", bundle);
        struct h_result r;
        const char *at;

        h_renbind(&r, "cert", "issue", "--data", fx.data, "--unit", unit, "--role", role, "--out",
                  bundle, "--name", person, NULL);
        assert_int_equal(r.status, EXIT_OK);
        assert_non_null(strstr(r.out, person));
        if (serial != NULL) {
                assert_non_null(at = strstr(r.out, "(serial "));
                sscanf(at, "(serial %63[0-9A-F]", serial);
        }
        h_result_free(&r);
        h_must_setup(home, fx.srv.addr, bundle);
        free(bundle);
        return home;
}

static int group_setup(void **state)
{
        char *csv, *path;

        (void)state;
        fx.tmp = h_tmpdir("audit2");
        fx.data = h_path(fx.tmp, "data");
        h_must_init(fx.data);
        h_must_start(&fx.srv, fx.data);
        snprintf(fx.addr, sizeof(fx.addr), "%s", fx.srv.addr);
        fx.hr1 = issue("BKPSDM", "hr", "Siti Rahma", "hr1", fx.serial1);
        fx.hr2 = issue("BKPSDM", "hr", "Budi Santoso", "hr2", fx.serial2);
        fx.aud = issue("INSPEKTORAT", "auditor", "Rina Wati", "aud", NULL);
        f_ok(fx.hr1, "unit", "add", "KEL-A", "Kelurahan A", "--kind", "kelurahan", NULL);
        fx.a = issue("KEL-A", "unit", "Ahmad Lubis", "a", NULL);
        f_nip(fx.p0, "19850505", "201004", 1, 1);
        f_nip(fx.p1, "19860606", "201104", 2, 2);
        csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n"
                     "%s,Peserta Satu,KEL-A,Staf,III/b,\n%s,Peserta Dua,KEL-A,Staf,III/b,\n",
                     fx.p0, fx.p1);
        path = f_write(fx.tmp, "roster.csv", csv);
        f_ok(fx.hr1, "import", "asn", path, NULL);
        free(path);
        free(csv);
        f_ok(fx.hr1, "competency", "add", "K-ANG", "Pengelolaan anggaran", "--type", "teknis",
             NULL);
        f_ok(fx.hr1, "plan", "create", "2027", "Rencana 2027", NULL);
        f_ok(fx.hr1, "program", "add", "--plan", "2027", "--code", "EV-01", "--title",
             "Manajemen Waktu", "--method", "pelatihan", "--competency", "K-ANG", "--start",
             "2027-02-10", "--end", "2027-02-12", "--jp", "24", "--capacity", "30", NULL);
        f_ok(fx.hr1, "plan", "approve", "2027", NULL);
        json_decref(f_sync(fx.hr2));
        f_ok(fx.hr2, "enroll", "EV-01", fx.p0, fx.p1, NULL);
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
        free(fx.hr1);
        free(fx.hr2);
        free(fx.a);
        free(fx.aud);
        return 0;
}

/* The rows of `audit list ARGS` on home, as JSON. */
static json_t *audit_rows(const char *home, const char *k, const char *v)
{
        json_t *doc = f_json(EXIT_OK, home, "audit", "list", k, v, NULL);
        json_t *rows = json_incref(json_object_get(doc, "rows"));

        json_decref(doc);
        assert_true(json_is_array(rows));
        return rows;
}

/* audit list names the seat of each change: the program by Siti Rahma, the
 * enrollments by Budi Santoso, and the seat count they moved as such. */
static void test_list_names_seats(void **state)
{
        json_t *rows = audit_rows(fx.hr1, NULL, NULL), *row;
        char *seat1 = h_strf("BKPSDM hr Siti Rahma #%s", fx.serial1);
        size_t i, enrolls = 0, seats = 0;
        struct h_result r;

        (void)state;
        row = f_row_with(rows, "action", "create");
        assert_non_null(row);
        json_array_foreach(rows, i, row)
        {
                const char *entity = f_text(row, "entity"), *action = f_text(row, "action");
                if (strcmp(entity, "program") == 0 && strcmp(action, "create") == 0)
                        assert_string_equal(f_text(row, "seat"), seat1);
                if (strcmp(entity, "enrollment") == 0) {
                        assert_string_equal(f_text(row, "name"), "Budi Santoso");
                        assert_string_equal(f_text(row, "serial"), fx.serial2);
                        enrolls++;
                }
                /* The seat count moved by the enrollments, not "program create". */
                if (strcmp(entity, "program") == 0 && strcmp(action, "enrollment create") == 0) {
                        assert_string_equal(f_text(row, "name"), "Budi Santoso");
                        seats++;
                }
        }
        assert_int_equal(enrolls, 2);
        assert_int_equal(seats, 1);
        json_decref(rows);
        rows = audit_rows(fx.aud, "--entity", "enrollment");
        assert_int_equal(json_array_size(rows), 2);
        assert_int_equal(f_rows_with(rows, "entity", "enrollment"), 2);
        json_decref(rows);
        rows = audit_rows(fx.aud, "--since", "2099-01-01");
        assert_int_equal(json_array_size(rows), 0);
        json_decref(rows);
        f_expect(&r, EXIT_OK, fx.hr2, "audit", "list", "--entity", "program", NULL);
        assert_non_null(strstr(r.out, "Siti Rahma"));
        assert_non_null(strstr(r.out, "enrollment create"));
        assert_non_null(strstr(r.out, "EV-01"));
        h_result_free(&r);
        f_expect(&r, EXIT_OK, fx.aud, "audit", "list", "--entity", "enrollment", NULL);
        assert_int_equal(h_count(r.out, "Budi Santoso"), 2);
        assert_non_null(strstr(r.out, fx.p0));
        h_result_free(&r);
        free(seat1);
}

/* An office may not read the audit log; a bad date is named. */
static void test_list_refused(void **state)
{
        struct h_result r;

        (void)state;
        f_expect(&r, EXIT_DENIED, fx.a, "audit", "list", NULL);
        h_result_free(&r);
        f_expect(&r, EXIT_INVALID, fx.hr1, "audit", "list", "--since", "2027-13-01", NULL);
        assert_non_null(strstr(r.err, "since"));
        h_result_free(&r);
        f_expect(&r, EXIT_USAGE, fx.hr1, "audit", "list", "extra", NULL);
        h_result_free(&r);
}

/* A renewed seat keeps its name; a name with a control character is refused. */
static void test_seat_name_kept(void **state)
{
        char *out = h_path(fx.tmp, "hr1-renewed"), *crt = h_path(out, "client.crt");
        struct principal p;
        struct h_result r;
        struct rb_err e;

        (void)state;
        h_renbind(&r, "cert", "renew", "--data", fx.data, "--serial", fx.serial1, "--out", out,
                  NULL);
        assert_int_equal(r.status, EXIT_OK);
        h_result_free(&r);
        assert_int_equal(tls_cert_principal(crt, &p, &e), 0);
        assert_string_equal(p.name, "Siti Rahma");
        assert_string_equal(p.role, "hr");
        h_renbind(&r, "cert", "list", "--data", fx.data, NULL);
        assert_int_equal(h_count(r.out, "Siti Rahma"), 2);
        assert_int_equal(h_count(r.out, "Budi Santoso"), 1);
        h_result_free(&r);
        h_renbind(&r, "cert", "issue", "--data", fx.data, "--unit", "BKPSDM", "--role", "hr",
                  "--out", out, "--name", "Siti\tRahma", NULL);
        assert_int_equal(r.status, EXIT_INVALID);
        assert_non_null(strstr(r.err, "--name"));
        h_result_free(&r);
        free(crt);
        free(out);
}

/* A rejected op names the seat that sent it. */
static void test_conflict_names_seat(void **state)
{
        struct h_result r;
        json_t *doc;

        (void)state;
        f_expect(&r, EXIT_NOT_FOUND, fx.hr2, "enroll", "EV-01", "199001012015011001", NULL);
        h_result_free(&r);
        doc = f_json(EXIT_OK, fx.hr1, "conflicts", NULL);
        json_t *row = f_row_with(json_object_get(doc, "rows"), "name", "Budi Santoso");
        assert_non_null(row);
        assert_string_equal(f_text(row, "serial"), fx.serial2);
        json_decref(doc);
}

/* renbind audit verify [--head FILE]: its exit status, output in r. */
static int verify(struct h_result *r, const char *head)
{
        if (head != NULL)
                return h_renbind(r, "audit", "verify", "--data", fx.data, "--head", head, NULL);
        return h_renbind(r, "audit", "verify", "--data", fx.data, NULL);
}

/* Verify exits want and its stderr holds says. */
static void verify_says(const char *head, int want, const char *says)
{
        struct h_result r;

        verify(&r, head);
        if (r.status != want || (says != NULL && strstr(r.err, says) == NULL))
                fail_msg("audit verify exited %d (want %d); stderr lacks '%s':\n%s", r.status, want,
                         says ? says : "", r.err);
        h_result_free(&r);
}

/* Each edit of the data or the log (on a stopped server) is named. */
static void test_verify_data(void **state)
{
        char *edit = h_strf("UPDATE enrollments SET status = 'selesai', jp = 24 WHERE nip = '%s'",
                            fx.p0),
             *drop = h_strf("DELETE FROM enrollments WHERE nip = '%s'", fx.p1);
        const struct {
                const char *sql, *says;
        } cases[] = {
            {edit, "field status is 'selesai' but its last audit record says 'terdaftar'"},
            {edit, "field jp is '24' but its last audit record says '0'"},
            {drop, "the audit log holds the row but the database lost it"},
            {"INSERT INTO competencies(id, code, name, type) VALUES"
             "('0b8e1f7a-3c2d-4e5f-8a9b-1c2d3e4f5a6b', 'K-X', 'Sisipan', 'teknis')",
             "the row is not in the audit log"},
            {"DELETE FROM audit WHERE n = (SELECT max(n) FROM audit);"
             "UPDATE meta SET value = (SELECT hash FROM audit ORDER BY n DESC LIMIT 1)"
             " WHERE key = 'audit_head'",
             "shorter than the change feed"},
            {"DELETE FROM audit; DELETE FROM meta WHERE key = 'audit_head'",
             "shorter than the change feed"},
            {"UPDATE changes SET data = zeroblob(8) WHERE entity = 'enrollment'",
             "is not the one its audit record holds"},
        };

        (void)state;
        assert_int_equal(h_server_stop(&fx.srv), 0);
        verify_says(NULL, EXIT_OK, NULL);
        db_save("clean.db", 0);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                tamper(cases[i].sql);
                verify_says(NULL, EXIT_FAIL, cases[i].says);
                verify_says(NULL, EXIT_FAIL, "audit log broken");
                db_save("clean.db", 1);
        }
        verify_says(NULL, EXIT_OK, NULL);
        free(edit);
        free(drop);
}

/* Hex SHA-256 of len bytes. */
static void sha_hex(const void *p, size_t len, char out[65])
{
        unsigned char md[32];
        unsigned int n = 0;

        EVP_Digest(p, len, md, &n, EVP_sha256(), NULL);
        for (int i = 0; i < 32; i++)
                snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* What one who can write the database but not sign does: names another
 * seat in every record, then recomputes the whole chain and its meta head. */
static void rewrite_chain(void)
{
        char *path = h_path(fx.data, "renbin.db"), prev[65], hash[65], dh[65], buf[2048];
        sqlite3 *db = NULL;
        sqlite3_stmt *st, *up;

        memset(prev, '0', 64);
        prev[64] = '\0';
        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db, "UPDATE audit SET name = 'Siti Rahma'", 0, 0, 0), 0);
        assert_int_equal(
            sqlite3_prepare_v2(db,
                               "SELECT n, at, unit, role, op_id, entity, entity_id,"
                               " action, seq, data, serial, name FROM audit ORDER BY n",
                               -1, &st, NULL),
            SQLITE_OK);
        assert_int_equal(sqlite3_prepare_v2(
                             db, "UPDATE audit SET prev = ?1, hash = ?2 WHERE n = ?3", -1, &up, 0),
                         SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW) {
                const char *c[12];
                for (int i = 0; i < 12; i++)
                        c[i] = (const char *)sqlite3_column_text(st, i);
                snprintf(dh, sizeof(dh), "-");
                if (sqlite3_column_type(st, 9) != SQLITE_NULL)
                        sha_hex(sqlite3_column_blob(st, 9), (size_t)sqlite3_column_bytes(st, 9),
                                dh);
                int k = snprintf(buf, sizeof(buf), "%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s", prev,
                                 c[0], c[1], c[2], c[3], c[4] ? c[4] : "", c[5], c[6], c[7], c[8],
                                 dh, c[10], c[11]);
                sha_hex(buf, (size_t)k, hash);
                sqlite3_bind_text(up, 1, prev, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(up, 2, hash, -1, SQLITE_TRANSIENT);
                sqlite3_bind_int64(up, 3, sqlite3_column_int64(st, 0));
                assert_int_equal(sqlite3_step(up), SQLITE_DONE);
                sqlite3_reset(up);
                memcpy(prev, hash, sizeof(prev));
        }
        sqlite3_finalize(st);
        sqlite3_finalize(up);
        char *sql = sqlite3_mprintf("UPDATE meta SET value = %Q WHERE key = 'audit_head'", prev);
        assert_int_equal(sqlite3_exec(db, sql, 0, 0, 0), SQLITE_OK);
        sqlite3_free(sql);
        sqlite3_close(db);
        free(path);
}

/* A signed head saved earlier: the log that grew since still extends it; a
 * rewritten chain (which the plain check passes) does not; a head edited to
 * match, or a missing file, is refused. */
static void test_verify_head(void **state)
{
        char *head = h_path(fx.tmp, "head.json"), *forged = h_path(fx.tmp, "forged.json"), *text;
        struct h_result r;

        (void)state;
        h_renbind(&r, "audit", "head", "--data", fx.data, "--out", head, NULL);
        assert_int_equal(r.status, EXIT_OK);
        h_result_free(&r);
        text = h_read_file(head);
        assert_non_null(strstr(text, "\"signature\""));
        assert_non_null(strstr(text, "\"seq\""));
        restart();
        f_expect(&r, EXIT_OK, fx.hr1, "competency", "add", "K-KOM", "Komunikasi", "--type",
                 "manajerial", NULL);
        assert_null(strstr(r.out, "offline"));
        h_result_free(&r);
        assert_int_equal(h_server_stop(&fx.srv), 0);
        verify_says(head, EXIT_OK, NULL);
        db_save("grown.db", 0);
        rewrite_chain();
        verify_says(NULL, EXIT_OK, NULL); /* the chain alone cannot tell */
        verify_says(head, EXIT_FAIL, "differs from the saved head");
        /* The rewriter edits the saved head's hash too: its signature fails. */
        char *hash = strstr(text, "\"hash\": \"");
        assert_non_null(hash);
        hash[9] = hash[9] == 'a' ? 'b' : 'a';
        free(f_write(fx.tmp, "forged.json", text));
        verify_says(forged, EXIT_INVALID, "signature does not verify");
        verify_says("/nonexistent/head.json", EXIT_NOT_FOUND, "no head file");
        db_save("grown.db", 1);
        verify_says(head, EXIT_OK, NULL);
        free(text);
        free(head);
        free(forged);
}

/* An op whose at-most-once record cannot be written is undone (nothing
 * applied, the client keeps it) and applied once when it is sent again. */
static void test_record_fails(void **state)
{
        struct h_result r;
        json_t *st;

        (void)state;
        tamper("CREATE TRIGGER ops_refuse BEFORE INSERT ON ops WHEN NEW.entity = 'competency'"
               " BEGIN SELECT RAISE(ABORT, 'ops record refused'); END");
        restart();
        /* Sent, failed as transient: kept in the outbox. */
        f_expect(&r, EXIT_OK, fx.hr1, "competency", "add", "K-ONE", "Sekali", "--type", "teknis",
                 NULL);
        assert_non_null(strstr(r.out, "saved offline"));
        h_result_free(&r);
        assert_int_equal(h_server_log_count(&fx.srv, "cannot record its outcome"), 1);
        assert_int_equal(h_server_stop(&fx.srv), 0);
        assert_int_equal(db_int("SELECT count(*) FROM competencies WHERE code = 'K-ONE'"), 0);
        assert_int_equal(db_int("SELECT count(*) FROM audit WHERE entity = 'competency' AND"
                                " op_id NOT IN (SELECT op_id FROM ops)"),
                         0);
        tamper("DROP TRIGGER ops_refuse");
        restart();
        st = f_status(fx.hr1);
        assert_int_equal(f_pending(st), 1);
        json_decref(st);
        json_decref(f_sync(fx.hr1));
        json_decref(f_sync(fx.hr1));
        assert_int_equal(h_server_stop(&fx.srv), 0);
        assert_int_equal(db_int("SELECT count(*) FROM competencies WHERE code = 'K-ONE'"), 1);
        assert_int_equal(db_int("SELECT count(*) FROM ops WHERE entity = 'competency' AND"
                                " action = 'create' AND code = 0"),
                         db_int("SELECT count(*) FROM competencies"));
        verify_says(NULL, EXIT_OK, NULL);
        restart();
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_list_names_seats), cmocka_unit_test(test_list_refused),
            cmocka_unit_test(test_seat_name_kept),   cmocka_unit_test(test_conflict_names_seat),
            cmocka_unit_test(test_verify_data),      cmocka_unit_test(test_verify_head),
            cmocka_unit_test(test_record_fails),
        };
        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
