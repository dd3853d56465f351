/*
 * test_e2e_scale.c - a city's roster in one report (issue 11 part 4): with
 * 50,000 ASN, HR's `renbin report jp --year 2027` returns every row and
 * `report html` is made, both over the default 4 MiB frame (the answer comes
 * in parts, docs/decisions.md 48). The roster is loaded straight into the
 * server's database with SQLite before the server starts (one transaction,
 * well under a second), not through 50,000 CLI writes: what is measured is
 * the report's path, not the import's.
 *
 * The count is RENBIN_SCALE_ASN: 50,000 in a normal build; a build with
 * sanitizers (RENBIN_SANITIZE, several times slower) compiles 10,000
 * (tests/CMakeLists.txt), which still needs several parts. The environment
 * variable RENBIN_SCALE_ASN overrides both.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "flow.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef RENBIN_SCALE_ASN
#define RENBIN_SCALE_ASN 50000
#endif
/* Units the roster is spread over (a city's kelurahan and offices). */
#define SCALE_UNITS 100

struct fixture {
        char *tmp, *data, *bundle_hr, *hr;
        long n; /* ASN loaded */
        struct h_server srv;
};

static struct fixture fx;

static void must_exec(sqlite3 *db, const char *sql)
{
        char *msg = NULL;

        if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
                fail_msg("%s: %s", sql, msg ? msg : sqlite3_errmsg(db));
}

/* Inserts SCALE_UNITS units and n ASN (unique NIPs, born 1970-1999). */
static void load_roster(sqlite3 *db, long n)
{
        sqlite3_stmt *u = NULL, *a = NULL;
        char id[64], code[32], nip[48], name[48];

        if (sqlite3_prepare_v2(
                db, "INSERT INTO units(id, code, name, kind) VALUES(?1, ?2, ?2, 'kelurahan')", -1,
                &u, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(db,
                               "INSERT INTO asn(id, nip, name, unit, tmt, birth_date, sex)"
                               " VALUES(?1, ?2, ?3, ?4, '2005-01-01', '1980-01-01', 1)",
                               -1, &a, NULL) != SQLITE_OK)
                fail_msg("prepare: %s", sqlite3_errmsg(db));
        for (int i = 0; i < SCALE_UNITS; i++) {
                snprintf(id, sizeof(id), "00000000-0000-7000-8000-%012d", i);
                snprintf(code, sizeof(code), "KEL-%03d", i);
                sqlite3_bind_text(u, 1, id, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(u, 2, code, -1, SQLITE_TRANSIENT);
                if (sqlite3_step(u) != SQLITE_DONE)
                        fail_msg("unit %s: %s", code, sqlite3_errmsg(db));
                sqlite3_reset(u);
        }
        for (long i = 0; i < n; i++) {
                snprintf(id, sizeof(id), "00000000-0000-7000-9000-%012ld", i);
                snprintf(nip, sizeof(nip), "19%02ld%02ld%02ld2005011%03ld", 70 + i % 30,
                         1 + i / 30 % 12, 1 + i / 360 % 28, 1 + i / 10080);
                snprintf(name, sizeof(name), "Pegawai %06ld", i);
                snprintf(code, sizeof(code), "KEL-%03ld", i % SCALE_UNITS);
                sqlite3_bind_text(a, 1, id, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(a, 2, nip, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(a, 3, name, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(a, 4, code, -1, SQLITE_TRANSIENT);
                if (sqlite3_step(a) != SQLITE_DONE)
                        fail_msg("asn %s: %s", nip, sqlite3_errmsg(db));
                sqlite3_reset(a);
        }
        sqlite3_finalize(u);
        sqlite3_finalize(a);
}

/* The roster and the 2027 plan, straight into the stopped server's database. */
static void bulk_load(long n)
{
        char *path = h_path(fx.data, "renbin.db");
        sqlite3 *db = NULL;

        if (sqlite3_open(path, &db) != SQLITE_OK)
                fail_msg("cannot open %s", path);
        must_exec(db, "BEGIN");
        load_roster(db, n);
        must_exec(db, "INSERT INTO plans(id, year, title, status) VALUES("
                      "'00000000-0000-7000-a000-000000000001', 2027, 'Rencana Pembinaan 2027',"
                      " 'approved')");
        must_exec(db, "COMMIT");
        sqlite3_close(db);
        free(path);
}

static int group_setup(void **state)
{
        const char *env = getenv("RENBIN_SCALE_ASN");

        (void)state;
        fx.n = env != NULL && atol(env) > 0 ? atol(env) : RENBIN_SCALE_ASN;
        fx.tmp = h_tmpdir("scale");
        fx.data = h_path(fx.tmp, "data");
        fx.bundle_hr = h_path(fx.tmp, "bundle-hr");
        fx.hr = h_path(fx.tmp, "home-hr");
        h_must_init(fx.data);
        h_must_issue(fx.data, "BKPSDM", "hr", fx.bundle_hr, NULL);
        bulk_load(fx.n);
        h_must_start(&fx.srv, fx.data);
        h_must_setup(fx.hr, fx.srv.addr, fx.bundle_hr);
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
        free(fx.hr);
        return rc;
}

/* report jp --json: every ASN, once, in a document far over one frame. */
static void test_report_jp_every_row(void **state)
{
        json_t *d, *rows;
        char *dump;

        (void)state;
        d = f_json(0, fx.hr, "report", "jp", "--year", "2027", NULL);
        assert_non_null(d);
        rows = json_object_get(d, "asn");
        assert_int_equal(json_array_size(rows), (size_t)fx.n);
        assert_int_equal(json_integer_value(json_object_get(json_object_get(d, "total"), "asn")),
                         fx.n);
        assert_int_equal(f_rows_with(rows, "name", "Pegawai 000000"), 1);
        dump = h_strf("Pegawai %06ld", fx.n - 1);
        assert_int_equal(f_rows_with(rows, "name", dump), 1);
        free(dump);
        assert_int_equal(json_array_size(json_object_get(d, "units")), SCALE_UNITS);
        json_decref(d);
        assert_int_equal(h_server_log_count(&fx.srv, "over the"), 0);
}

/* report html: the page is made from the same large answers. */
static void test_report_html(void **state)
{
        char *out = h_path(fx.tmp, "city-2027.html"), *html, *last;
        struct h_result r;

        (void)state;
        f_expect(&r, 0, fx.hr, "report", "html", "--year", "2027", "--out", out, NULL);
        h_result_free(&r);
        assert_non_null(html = h_read_file(out));
        assert_non_null(strstr(html, "</html>"));
        last = h_strf("KEL-%03d", SCALE_UNITS - 1);
        assert_non_null(strstr(html, last));
        free(last);
        free(html);
        free(out);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_report_jp_every_row),
            cmocka_unit_test(test_report_html),
        };

        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
