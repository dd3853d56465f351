/*
 * test_e2e_domain.c - evaluation, mentoring and community feedback end to end
 * (issue 4): questionnaires, assessments, mentoring pairs and their logs, SKM
 * survey responses, forum notes and training needs recorded by a unit office
 * (offline or not), synced through the same ops and change feed as
 * enrollments, visible to HR and the auditor, invisible to other offices, and
 * checked by the server's rules.
 *
 * One server serves the group. HR loads the roster and the 2027 plan and
 * marks attendance in EV-01 before the tests start.
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

#define UNIT_A "KEL-BLW1"
#define UNIT_B "KEL-BLW2"

struct fixture {
        char *tmp, *data;
        char *bundle_hr, *bundle_a, *bundle_b, *bundle_aud;
        char *hr, *a, *b, *aud; /* homes */
        /* Office A: a senior (mentor), a junior (mentee), four participants.
         * Office B: two people. */
        char senior[19], junior[19], p[4][19], b1[19], b2[19];
        struct h_server srv;
};

static struct fixture fx;

static int group_setup(void **state)
{
        char *csv, *path;

        (void)state;
        f_nip(fx.senior, "19750310", "200003", 1, 1);
        f_nip(fx.junior, "19980101", "202403", 2, 2);
        for (int i = 0; i < 4; i++) {
                char birth[24];
                snprintf(birth, sizeof(birth), "198506%02d", i + 1);
                f_nip(fx.p[i], birth, "201004", 1 + i % 2, 10 + i);
        }
        f_nip(fx.b1, "19870707", "201203", 1, 30);
        f_nip(fx.b2, "19880808", "201303", 2, 31);
        fx.tmp = h_tmpdir("domain");
        fx.data = h_path(fx.tmp, "data");
        fx.bundle_hr = h_path(fx.tmp, "bundle-hr");
        fx.bundle_a = h_path(fx.tmp, "bundle-a");
        fx.bundle_b = h_path(fx.tmp, "bundle-b");
        fx.bundle_aud = h_path(fx.tmp, "bundle-aud");
        fx.hr = h_path(fx.tmp, "home-hr");
        fx.a = h_path(fx.tmp, "home-a");
        fx.b = h_path(fx.tmp, "home-b");
        fx.aud = h_path(fx.tmp, "home-aud");
        h_must_init(fx.data);
        h_must_issue(fx.data, "BKPSDM", "hr", fx.bundle_hr, NULL);
        h_must_issue(fx.data, UNIT_A, "unit", fx.bundle_a, NULL);
        h_must_issue(fx.data, UNIT_B, "unit", fx.bundle_b, NULL);
        h_must_issue(fx.data, "INSPEKTORAT", "auditor", fx.bundle_aud, NULL);
        h_server_env = h_env_after_plans; /* attendance after the programs start */
        h_must_start(&fx.srv, fx.data);
        h_must_setup(fx.hr, fx.srv.addr, fx.bundle_hr);
        f_ok(fx.hr, "unit", "add", UNIT_A, "Kelurahan Belawan I", "--kind", "kelurahan", NULL);
        f_ok(fx.hr, "unit", "add", UNIT_B, "Kelurahan Belawan II", "--kind", "kelurahan", NULL);
        csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n"
                     "%s,Zulfahmi Hasibuan,%s,Lurah,IV/a,\n"
                     "%s,Teguh Santoso,%s,Penata Layanan Operasional,III/a,\n"
                     "%s,Peserta Satu,%s,Staf,III/b,\n"
                     "%s,Peserta Dua,%s,Staf,III/b,\n"
                     "%s,Peserta Tiga,%s,Staf,III/b,\n"
                     "%s,Peserta Empat,%s,Staf,III/b,\n"
                     "%s,Pegawai B1,%s,Staf,III/c,\n"
                     "%s,Pegawai B2,%s,Staf,III/c,\n",
                     fx.senior, UNIT_A, fx.junior, UNIT_A, fx.p[0], UNIT_A, fx.p[1], UNIT_A,
                     fx.p[2], UNIT_A, fx.p[3], UNIT_A, fx.b1, UNIT_B, fx.b2, UNIT_B);
        path = f_write(fx.tmp, "roster.csv", csv);
        f_ok(fx.hr, "import", "asn", path, NULL);
        free(path);
        free(csv);
        f_ok(fx.hr, "competency", "add", "K-ANG", "Pengelolaan anggaran", "--type", "teknis", NULL);
        f_ok(fx.hr, "plan", "create", "2027", "Rencana Pembinaan ASN Belawan 2027", NULL);
        f_ok(fx.hr, "program", "add", "--plan", "2027", "--code", "EV-01", "--title",
             "Manajemen Waktu", "--method", "pelatihan", "--competency", "K-ANG", "--start",
             "2027-02-10", "--end", "2027-02-12", "--jp", "24", "--capacity", "30", NULL);
        f_ok(fx.hr, "plan", "approve", "2027", NULL);
        /* p[0], p[2] attended; p[1] completed; p[3] only registered; b1 attended. */
        f_ok(fx.hr, "enroll", "EV-01", fx.p[0], fx.p[1], fx.p[2], fx.p[3], fx.b1, NULL);
        f_ok(fx.hr, "attend", "EV-01", fx.p[0], "--status", "hadir", NULL);
        f_ok(fx.hr, "attend", "EV-01", fx.p[1], "--status", "hadir", NULL);
        f_ok(fx.hr, "attend", "EV-01", fx.p[1], "--status", "selesai", NULL);
        f_ok(fx.hr, "attend", "EV-01", fx.p[2], "--status", "hadir", NULL);
        f_ok(fx.hr, "attend", "EV-01", fx.b1, "--status", "hadir", NULL);
        h_must_setup(fx.a, fx.srv.addr, fx.bundle_a);
        h_must_setup(fx.b, fx.srv.addr, fx.bundle_b);
        h_must_setup(fx.aud, fx.srv.addr, fx.bundle_aud);
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
        free(fx.bundle_b);
        free(fx.bundle_aud);
        free(fx.hr);
        free(fx.a);
        free(fx.b);
        free(fx.aud);
        return rc;
}

/* The evaluations of nip in home's replica as "materi/penyampaian/aplikasi"
 * lines (malloc'd, "" if none). */
static char *replica_evals(const char *home, const char *nip)
{
        char *path = h_path(home, "replica.db"), *all = h_strf("%s", ""), *next;
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;

        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(db,
                               "SELECT materi, penyampaian, aplikasi FROM evaluations"
                               " WHERE nip = ?1 ORDER BY submitted_at",
                               -1, &st, NULL) != SQLITE_OK)
                fail_msg("cannot read %s: %s", path, sqlite3_errmsg(db));
        sqlite3_bind_text(st, 1, nip, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
                next = h_strf("%s%d/%d/%d\n", all, sqlite3_column_int(st, 0),
                              sqlite3_column_int(st, 1), sqlite3_column_int(st, 2));
                free(all);
                all = next;
        }
        sqlite3_finalize(st);
        sqlite3_close(db);
        free(path);
        return all;
}

/* Checks that a write printed "saved offline". */
static void offline_ok(struct h_result *r)
{
        if (strstr(r->out, "saved offline") == NULL)
                fail_msg("not saved offline: %s%s", r->out, r->err);
        h_result_free(r);
}

/* What the office's records look like in home's replica: the checks shared
 * by HR and the auditor. */
static void assert_office_records(const char *home)
{
        json_t *rows, *row;

        rows = f_json(0, home, "eval", "pending", "EV-01", NULL);
        assert_int_equal(f_rows_with(rows, "nip", fx.p[0]), 0);
        assert_int_equal(f_rows_with(rows, "nip", fx.p[1]), 0);
        assert_int_equal(f_rows_with(rows, "nip", fx.p[3]), 0);
        json_decref(rows);

        rows = f_json(0, home, "assess", "list", "--nip", fx.p[0], NULL);
        assert_int_equal(json_array_size(rows), 1);
        row = json_array_get(rows, 0);
        assert_string_equal(f_text(row, "competency"), "K-ANG");
        assert_string_equal(f_text(row, "period"), "2027-S1");
        assert_int_equal(f_int(row, "level"), 3);
        assert_string_equal(f_text(row, "note"), "Menyusun RKA dengan bimbingan");
        assert_int_equal(f_int(row, "current"), 1);
        json_decref(rows);

        rows = f_json(0, home, "mentor", "list", NULL);
        assert_int_equal(json_array_size(rows), 1);
        row = json_array_get(rows, 0);
        assert_string_equal(f_text(row, "mentor"), fx.senior);
        assert_string_equal(f_text(row, "mentee"), fx.junior);
        assert_string_equal(f_text(row, "topic"), "Pengelolaan anggaran");
        assert_string_equal(f_text(row, "start_date"), "2027-01-15");
        assert_string_equal(f_text(row, "end_date"), "2027-12-31");
        assert_int_equal(f_int(row, "sessions"), 2);
        assert_int_equal(f_int(row, "minutes"), 150);
        assert_string_equal(f_text(row, "last_session"), "2027-03-01");
        assert_int_equal(f_int(row, "progress"), 4);
        json_decref(rows);

        rows = f_json(0, home, "survey", "list", NULL);
        assert_int_equal(json_array_size(rows), 1);
        row = json_array_get(rows, 0);
        assert_string_equal(f_text(row, "unit"), UNIT_A);
        assert_string_equal(f_text(row, "period"), "2027-Q1");
        assert_string_equal(f_text(row, "service"), "Pelayanan KTP");
        assert_int_equal(f_int(row, "responses"), 2);
        json_decref(rows);

        rows = f_json(0, home, "forum", "list", NULL);
        assert_int_equal(json_array_size(rows), 1);
        row = json_array_get(rows, 0);
        assert_string_equal(f_text(row, "unit"), UNIT_A);
        assert_string_equal(f_text(row, "date"), "2027-03-05");
        assert_string_equal(f_text(row, "topic"), "Forum konsultasi publik");
        assert_string_equal(f_text(row, "follow_up"), "Antrean daring mulai Agustus");
        json_decref(rows);

        rows = f_json(0, home, "need", "list", NULL);
        assert_int_equal(json_array_size(rows), 1);
        row = json_array_get(rows, 0);
        assert_string_equal(f_text(row, "unit"), UNIT_A);
        assert_int_equal(f_int(row, "year"), 2027);
        assert_string_equal(f_text(row, "competency"), "K-ANG");
        assert_string_equal(f_text(row, "priority"), "tinggi");
        json_decref(rows);
}

/* The office records everything with the server down, syncs, and HR (and the
 * auditor) see all of it. */
static void test_offline_records(void **state)
{
        char addr[64];
        const char *listen[] = {"--listen", addr, NULL};
        json_t *rows, *st, *sync;
        struct h_result r;
        int code;

        (void)state;
        json_decref(f_sync(fx.a));
        /* Before: HR lists all three who attended as not having answered. */
        rows = f_json(0, fx.hr, "eval", "pending", "EV-01", NULL);
        assert_int_equal(json_array_size(rows), 4);
        assert_int_equal(f_rows_with(rows, "nip", fx.p[0]), 1);
        assert_int_equal(f_rows_with(rows, "nip", fx.p[1]), 1);
        assert_int_equal(f_rows_with(rows, "nip", fx.p[2]), 1);
        assert_int_equal(f_rows_with(rows, "nip", fx.b1), 1);
        json_decref(rows);

        snprintf(addr, sizeof(addr), "%s", fx.srv.addr);
        assert_int_equal(h_server_stop(&fx.srv), 0);
        h_server_free(&fx.srv);

        f_expect(&r, 0, fx.a, "eval", "submit", "EV-01", fx.p[0], "--materi", "4", "--penyampaian",
                 "5", "--aplikasi", "3", "--comment", "Materi bermanfaat", NULL);
        offline_ok(&r);
        f_expect(&r, 0, fx.a, "eval", "submit", "EV-01", fx.p[1], "--materi", "5", "--penyampaian",
                 "4", "--aplikasi", "4", NULL);
        offline_ok(&r);
        f_expect(&r, 0, fx.a, "assess", "add", fx.p[0], "--competency", "K-ANG", "--period",
                 "2027-S1", "--level", "3", "--note", "Menyusun RKA dengan bimbingan", NULL);
        offline_ok(&r);
        f_expect(&r, 0, fx.a, "mentor", "pair", fx.senior, fx.junior, "--topic",
                 "Pengelolaan anggaran", "--competency", "K-ANG", "--from", "2027-01-15", "--to",
                 "2027-12-31", NULL);
        offline_ok(&r);
        /* The pair is still queued; the log names it by the mentee's NIP. */
        f_expect(&r, 0, fx.a, "mentor", "log", fx.junior, "--date", "2027-02-01", "--minutes", "90",
                 "--notes", "Menyusun RKA", "--progress", "3", NULL);
        offline_ok(&r);
        f_expect(&r, 0, fx.a, "mentor", "log", fx.junior, "--date", "2027-03-01", "--minutes", "60",
                 "--progress", "4", NULL);
        offline_ok(&r);
        f_expect(&r, 0, fx.a, "survey", "add", "--service", "Pelayanan KTP", "--period", "2027-Q1",
                 "--u1", "4", "--u2", "3", "--u3", "3", "--u4", "4", "--u5", "4", "--u6", "3",
                 "--u7", "4", "--u8", "3", "--u9", "2", "--age", "34", "--sex", "P", "--education",
                 "SMA", "--job", "wiraswasta", NULL);
        offline_ok(&r);
        f_expect(&r, 0, fx.a, "survey", "add", "--service", "Pelayanan KTP", "--period", "2027-Q1",
                 "--u1", "1", "--u2", "2", "--u3", "3", "--u4", "4", "--u5", "1", "--u6", "2",
                 "--u7", "3", "--u8", "4", "--u9", "1", NULL);
        offline_ok(&r);
        f_expect(&r, 0, fx.a, "forum", "add", "--date", "2027-03-05", "--topic",
                 "Forum konsultasi publik", "--input", "Warga meminta antrean lewat WhatsApp",
                 "--follow-up", "Antrean daring mulai Agustus", NULL);
        offline_ok(&r);
        f_expect(&r, 0, fx.a, "need", "add", "--competency", "K-ANG", "--priority", "tinggi",
                 "--reason", "Bendahara baru", NULL);
        offline_ok(&r);
        st = f_status(fx.a);
        assert_false(json_is_true(json_object_get(st, "reachable")));
        assert_int_equal(f_pending(st), 10);
        assert_int_equal(f_rejected(st), 0);
        json_decref(st);
        /* Pending questionnaires already leave the office's pending list. */
        rows = f_json(0, fx.a, "eval", "pending", "EV-01", NULL);
        assert_int_equal(json_array_size(rows), 1);
        assert_string_equal(f_text(json_array_get(rows, 0), "nip"), fx.p[2]);
        json_decref(rows);

        if (h_server_start(&fx.srv, fx.data, listen, &code) != 0)
                fail_msg("renbind did not restart on %s (exit %d)", addr, code);
        sync = f_sync(fx.a);
        assert_int_equal(f_int(sync, "pushed"), 10);
        assert_int_equal(f_int(sync, "accepted"), 10);
        assert_int_equal(f_int(sync, "rejected"), 0);
        json_decref(sync);
        assert_office_records(fx.a);

        json_decref(f_sync(fx.hr));
        assert_office_records(fx.hr);
        rows = f_json(0, fx.hr, "eval", "pending", "EV-01", NULL);
        assert_int_equal(json_array_size(rows), 2);
        assert_int_equal(f_rows_with(rows, "nip", fx.p[2]), 1);
        assert_int_equal(f_rows_with(rows, "nip", fx.b1), 1);
        json_decref(rows);
        {
                char *ev = replica_evals(fx.hr, fx.p[0]);
                assert_string_equal(ev, "4/5/3\n");
                free(ev);
        }
        json_decref(f_sync(fx.aud));
        assert_office_records(fx.aud);
}

/* Another office sees none of these rows. */
static void test_other_office_cannot_read(void **state)
{
        static const char *const lists[][2] = {
            {"assess", "list"}, {"mentor", "list"}, {"survey", "list"},
            {"forum", "list"},  {"need", "list"},
        };
        json_t *rows;
        char *ev;

        (void)state;
        json_decref(f_sync(fx.b));
        for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
                rows = f_json(0, fx.b, lists[i][0], lists[i][1], NULL);
                if (!json_is_array(rows) || json_array_size(rows) != 0)
                        fail_msg("office B's %s %s is not empty: %s", lists[i][0], lists[i][1],
                                 json_dumps(rows, 0));
                json_decref(rows);
        }
        /* Its own participant only. */
        rows = f_json(0, fx.b, "eval", "pending", NULL);
        assert_int_equal(json_array_size(rows), 1);
        assert_string_equal(f_text(json_array_get(rows, 0), "nip"), fx.b1);
        json_decref(rows);
        rows = f_json(0, fx.b, "enroll", "list", NULL);
        assert_int_equal(json_array_size(rows), 1);
        assert_string_equal(f_text(json_array_get(rows, 0), "nip"), fx.b1);
        json_decref(rows);
        ev = replica_evals(fx.b, fx.p[0]);
        assert_string_equal(ev, "");
        free(ev);
}

/* A second client of the same office answers a questionnaire already
 * answered: ALREADY_EXISTS, in its status; the first answer stays. */
static void test_duplicate_questionnaire(void **state)
{
        char *a2 = h_path(fx.tmp, "home-a2"), *ev;
        json_t *doc, *rows, *st, *op;
        struct h_result r;

        (void)state;
        h_must_setup(a2, fx.srv.addr, fx.bundle_a);
        json_decref(f_sync(a2));
        doc = f_json(0, fx.a, "eval", "submit", "EV-01", fx.p[2], "--materi", "5", "--penyampaian",
                     "5", "--aplikasi", "4", NULL);
        op = json_array_get(json_object_get(doc, "ops"), 0);
        assert_string_equal(f_text(op, "state"), "done");
        assert_string_equal(f_text(op, "detail"), "recorded");
        json_decref(doc);
        /* The second seat has not synced since: it still lists p[2]. */
        rows = f_json(0, a2, "eval", "pending", "EV-01", NULL);
        assert_int_equal(f_rows_with(rows, "nip", fx.p[2]), 1);
        json_decref(rows);

        f_expect(&r, EXIT_REFUSED, a2, "eval", "submit", "EV-01", fx.p[2], "--materi", "1",
                 "--penyampaian", "1", "--aplikasi", "2", NULL);
        assert_non_null(strstr(r.err, "rejected by the server"));
        assert_non_null(strstr(r.err, "already answered"));
        h_result_free(&r);
        st = f_status(a2);
        assert_int_equal(f_pending(st), 0);
        assert_int_equal(f_rejected(st), 1);
        assert_non_null(op = f_rejected_op(st, fx.p[2]));
        assert_string_equal(f_text(op, "code"), "ALREADY_EXISTS");
        assert_string_equal(f_text(op, "field"), "enrollment");
        json_decref(st);
        rows = f_json(0, a2, "eval", "pending", "EV-01", NULL);
        assert_int_equal(f_rows_with(rows, "nip", fx.p[2]), 0);
        json_decref(rows);

        json_decref(f_sync(fx.hr));
        ev = replica_evals(fx.hr, fx.p[2]);
        assert_string_equal(ev, "5/5/4\n");
        free(ev);
        free(a2);
}

/* An auditor writes nothing: the CLI refuses at once, and the server refuses
 * a Push from an auditor's certificate as a whole. */
static void test_auditor_read_only(void **state)
{
        static const char *const kv[3][2] = {
            {"unit", UNIT_A}, {"date", "2027-04-01"}, {"topic", "Catatan auditor"}};
        Renbin__Response *resp;
        struct h_result r;
        struct h_tls t;
        json_t *st, *rows;

        (void)state;
        f_expect(&r, EXIT_DENIED, fx.aud, "assess", "add", fx.p[0], "--competency", "K-ANG",
                 "--period", "2027-S2", "--level", "2", NULL);
        assert_non_null(strstr(r.err, "read-only"));
        h_result_free(&r);
        f_expect(&r, EXIT_DENIED, fx.aud, "forum", "add", "--unit", UNIT_A, "--date", "2027-04-01",
                 "--topic", "Catatan auditor", NULL);
        h_result_free(&r);
        f_expect(&r, EXIT_DENIED, fx.aud, "--offline", "enroll", "EV-01", fx.p[3], NULL);
        h_result_free(&r);
        st = f_status(fx.aud);
        assert_string_equal(f_text(st, "role"), "auditor");
        assert_int_equal(f_pending(st), 0);
        assert_int_equal(f_rejected(st), 0);
        json_decref(st);

        /* By hand: a well-formed Push is refused for the call, no op applied. */
        if (h_tls_connect(&t, fx.srv.port, fx.bundle_aud, 0) != 0)
                fail_msg("connect: %s", t.error);
        assert_int_equal(h_tls_hello(&t), RENBIN__CODE__OK);
        resp = h_tls_push(&t, "forum", NULL, "add", kv, 3, NULL);
        assert_non_null(resp->status);
        assert_int_equal(resp->status->code, RENBIN__CODE__PERMISSION_DENIED);
        assert_string_equal(resp->status->field, "role");
        assert_int_equal(resp->result_case, RENBIN__RESPONSE__RESULT__NOT_SET);
        renbin__response__free_unpacked(resp, NULL);
        /* The connection stays usable for reading. */
        assert_int_equal(h_tls_ping(&t, "still here"), RENBIN__CODE__OK);
        h_tls_close(&t);

        json_decref(f_sync(fx.hr));
        rows = f_json(0, fx.hr, "forum", "list", NULL);
        assert_int_equal(json_array_size(rows), 1);
        assert_int_equal(f_rows_with(rows, "topic", "Catatan auditor"), 0);
        json_decref(rows);
}

/* The office's newest rejected op about needle: code and field as given. */
static void assert_rejected(const char *needle, const char *code, const char *field)
{
        json_t *st = f_status(fx.a), *op;

        if ((op = f_rejected_op(st, needle)) == NULL)
                fail_msg("no rejected op about %s in %s", needle, json_dumps(st, 0));
        assert_string_equal(f_text(op, "code"), code);
        assert_string_equal(f_text(op, "field"), field);
        json_decref(st);
}

/* The office's rejected count, to show a local refusal queued nothing. */
static long long rejected_now(void)
{
        json_t *st = f_status(fx.a);
        long long n = f_rejected(st);

        assert_int_equal(f_pending(st), 0);
        json_decref(st);
        return n;
}

/* The rules, one failing case each, over the CLI. */
static void test_rules(void **state)
{
        struct h_result r;
        json_t *rows, *doc, *op;
        long long before;

        (void)state;
        json_decref(f_sync(fx.a));
        /* A questionnaire for someone who did not attend: the server refuses. */
        f_expect(&r, EXIT_REFUSED, fx.a, "eval", "submit", "EV-01", fx.p[3], "--materi", "4",
                 "--penyampaian", "4", "--aplikasi", "4", NULL);
        assert_non_null(strstr(r.err, "terdaftar"));
        h_result_free(&r);
        assert_rejected(fx.p[3], "FAILED_PRECONDITION", "status");

        /* Rating 6, mentor == mentee, minutes 0, SKM score 5: refused here. */
        before = rejected_now();
        f_expect(&r, EXIT_INVALID, fx.a, "eval", "submit", "EV-01", fx.p[2], "--materi", "6",
                 "--penyampaian", "4", "--aplikasi", "4", NULL);
        assert_non_null(strstr(r.err, "materi"));
        h_result_free(&r);
        f_expect(&r, EXIT_INVALID, fx.a, "mentor", "pair", fx.senior, fx.senior, "--topic", "X",
                 "--from", "2027-01-15", NULL);
        assert_non_null(strstr(r.err, "own mentee"));
        h_result_free(&r);
        f_expect(&r, EXIT_INVALID, fx.a, "mentor", "log", fx.junior, "--date", "2027-04-01",
                 "--minutes", "0", NULL);
        assert_non_null(strstr(r.err, "minutes"));
        h_result_free(&r);
        f_expect(&r, EXIT_INVALID, fx.a, "survey", "add", "--service", "Pelayanan KTP", "--period",
                 "2027-Q1", "--u1", "4", "--u2", "3", "--u3", "5", "--u4", "4", "--u5", "4", "--u6",
                 "3", "--u7", "4", "--u8", "3", "--u9", "2", NULL);
        assert_non_null(strstr(r.err, "u3"));
        h_result_free(&r);
        assert_int_equal(rejected_now(), before);

        /* A mentor appointed after the mentee: the server refuses, naming the mentor. */
        f_expect(&r, EXIT_REFUSED, fx.a, "mentor", "pair", fx.junior, fx.p[0], "--topic",
                 "Kearsipan", "--from", "2027-01-15", NULL);
        assert_non_null(strstr(r.err, "served longer"));
        h_result_free(&r);
        assert_rejected(fx.p[0], "FAILED_PRECONDITION", "mentor");

        /* A session before the pair's period: the server refuses the date. */
        f_expect(&r, EXIT_INVALID, fx.a, "mentor", "log", fx.junior, "--date", "2026-12-01",
                 "--minutes", "30", NULL);
        assert_non_null(strstr(r.err, "outside the pair's period"));
        h_result_free(&r);
        assert_rejected("2026-12-01", "INVALID_ARGUMENT", "date");

        /* An assessment replaced: the first value stays as history, not current. */
        doc = f_json(0, fx.a, "assess", "add", fx.p[1], "--competency", "K-ANG", "--period",
                     "2027-S2", "--level", "2", NULL);
        op = json_array_get(json_object_get(doc, "ops"), 0);
        assert_string_equal(f_text(op, "detail"), "recorded");
        json_decref(doc);
        doc = f_json(0, fx.a, "assess", "add", fx.p[1], "--competency", "K-ANG", "--period",
                     "2027-S2", "--level", "4", NULL);
        op = json_array_get(json_object_get(doc, "ops"), 0);
        assert_string_equal(f_text(op, "detail"), "replaced");
        json_decref(doc);
        json_decref(f_sync(fx.hr));
        for (int i = 0; i < 2; i++) {
                const char *home = i ? fx.hr : fx.a;
                rows = f_json(0, home, "assess", "list", "--history", "--nip", fx.p[1], NULL);
                assert_int_equal(json_array_size(rows), 2);
                assert_int_equal(f_int(f_row_with(rows, "level", "2"), "current"), 0);
                assert_int_equal(f_int(f_row_with(rows, "level", "4"), "current"), 1);
                json_decref(rows);
                rows = f_json(0, home, "assess", "list", "--nip", fx.p[1], NULL);
                assert_int_equal(json_array_size(rows), 1);
                assert_int_equal(f_int(json_array_get(rows, 0), "level"), 4);
                json_decref(rows);
        }
}

/* An office writes only its own unit's records: every kind of row for
 * another unit is PERMISSION_DENIED by the server, and nothing is written. */
static void test_other_office_cannot_write(void **state)
{
        struct h_result r;
        json_t *rows;

        (void)state;
        f_expect(&r, EXIT_DENIED, fx.a, "eval", "submit", "EV-01", fx.b1, "--materi", "4",
                 "--penyampaian", "4", "--aplikasi", "4", NULL);
        h_result_free(&r);
        assert_rejected(fx.b1, "PERMISSION_DENIED", "unit");
        f_expect(&r, EXIT_DENIED, fx.a, "assess", "add", fx.b2, "--competency", "K-ANG", "--period",
                 "2027-S1", "--level", "3", NULL);
        h_result_free(&r);
        assert_rejected(fx.b2, "PERMISSION_DENIED", "unit");
        f_expect(&r, EXIT_DENIED, fx.a, "mentor", "pair", fx.senior, fx.b2, "--topic", "Lintas",
                 "--from", "2027-01-15", NULL);
        h_result_free(&r);
        {
                char *label = h_strf("-> %s", fx.b2);
                assert_rejected(label, "PERMISSION_DENIED", "unit");
                free(label);
        }
        f_expect(&r, EXIT_DENIED, fx.a, "survey", "add", "--unit", UNIT_B, "--service",
                 "Pelayanan KK", "--period", "2027-Q2", "--u1", "4", "--u2", "3", "--u3", "3",
                 "--u4", "4", "--u5", "4", "--u6", "3", "--u7", "4", "--u8", "3", "--u9", "2",
                 NULL);
        h_result_free(&r);
        assert_rejected("Pelayanan KK", "PERMISSION_DENIED", "unit");
        f_expect(&r, EXIT_DENIED, fx.a, "forum", "add", "--unit", UNIT_B, "--date", "2027-04-02",
                 "--topic", "Forum lintas kelurahan", NULL);
        h_result_free(&r);
        assert_rejected("Forum lintas kelurahan", "PERMISSION_DENIED", "unit");
        f_expect(&r, EXIT_DENIED, fx.a, "need", "add", "--unit", UNIT_B, "--competency", "K-ANG",
                 "--priority", "rendah", NULL);
        h_result_free(&r);
        assert_rejected(UNIT_B, "PERMISSION_DENIED", "unit");

        /* Office B and HR see nothing of these. */
        json_decref(f_sync(fx.b));
        rows = f_json(0, fx.b, "survey", "list", NULL);
        assert_int_equal(json_array_size(rows), 0);
        json_decref(rows);
        rows = f_json(0, fx.b, "assess", "list", NULL);
        assert_int_equal(json_array_size(rows), 0);
        json_decref(rows);
        json_decref(f_sync(fx.hr));
        rows = f_json(0, fx.hr, "need", "list", "--unit", UNIT_B, NULL);
        assert_int_equal(json_array_size(rows), 0);
        json_decref(rows);
        rows = f_json(0, fx.hr, "mentor", "list", NULL);
        assert_int_equal(f_rows_with(rows, "mentee", fx.b2), 0);
        json_decref(rows);
        rows = f_json(0, fx.hr, "forum", "list", NULL);
        assert_int_equal(f_rows_with(rows, "unit", UNIT_B), 0);
        json_decref(rows);
        {
                char *ev = replica_evals(fx.hr, fx.b1);
                assert_string_equal(ev, "");
                free(ev);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_offline_records),
            cmocka_unit_test(test_other_office_cannot_read),
            cmocka_unit_test(test_duplicate_questionnaire),
            cmocka_unit_test(test_auditor_read_only),
            cmocka_unit_test(test_rules),
            cmocka_unit_test(test_other_office_cannot_write),
        };

        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
