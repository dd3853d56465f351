/*
 * test_e2e_correct_records.c - records can be corrected (issue 10), end to
 * end over TLS: a need's priority changed and the need withdrawn, a forum
 * note's follow-up moved through terbuka -> proses -> selesai, a survey
 * response deleted, a file imported twice refused unless --again, an ASN and
 * a unit activated again after deactivation. Each correction reaches another
 * seat's replica through the change feed, and each refusal exits with its
 * documented status: an office correcting another unit's row is refused as
 * not its own (6) without being told the owner (decisions 39).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "err.h"
#include "flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNIT_A "KEL-BLW1"
#define UNIT_B "KEL-BLW2"

struct fixture {
        char *tmp, *data;
        char *hr, *a, *b, *aud; /* homes */
        char pa[19], pb[19];
        struct h_server srv;
};

static struct fixture fx;

/* A seat of unit with role: its bundle issued, its home set up. */
static char *seat(const char *unit, const char *role, const char *name)
{
        char *bn = h_strf("bundle-%s", name), *hn = h_strf("home-%s", name);
        char *bundle = h_path(fx.tmp, bn), *home = h_path(fx.tmp, hn);

        h_must_issue(fx.data, unit, role, bundle, NULL);
        h_must_setup(home, fx.srv.addr, bundle);
        free(bundle);
        free(bn);
        free(hn);
        return home;
}

static int group_setup(void **state)
{
        char *csv, *path;

        (void)state;
        f_nip(fx.pa, "19850601", "201004", 1, 10);
        f_nip(fx.pb, "19870707", "201203", 2, 30);
        fx.tmp = h_tmpdir("correct");
        fx.data = h_path(fx.tmp, "data");
        h_must_init(fx.data);
        h_server_env = h_env_after_plans; /* attendance after the programs start */
        h_must_start(&fx.srv, fx.data);
        fx.hr = seat("BKPSDM", "hr", "hr");
        f_ok(fx.hr, "unit", "add", UNIT_A, "Kelurahan Belawan I", "--kind", "kelurahan", NULL);
        f_ok(fx.hr, "unit", "add", UNIT_B, "Kelurahan Belawan II", "--kind", "kelurahan", NULL);
        csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n%s,Peserta Satu,%s,Staf,III/b,\n"
                     "%s,Pegawai B1,%s,Staf,III/c,\n",
                     fx.pa, UNIT_A, fx.pb, UNIT_B);
        path = f_write(fx.tmp, "roster.csv", csv);
        f_ok(fx.hr, "import", "asn", path, NULL);
        free(path);
        free(csv);
        f_ok(fx.hr, "competency", "add", "K-ANG", "Pengelolaan anggaran", "--type", "teknis", NULL);
        f_ok(fx.hr, "plan", "create", "2027", "Rencana Pembinaan ASN Belawan 2027", NULL);
        fx.a = seat(UNIT_A, "unit", "a");
        fx.b = seat(UNIT_B, "unit", "b");
        fx.aud = seat("INSPEKTORAT", "auditor", "aud");
        return 0;
}

static int group_teardown(void **state)
{
        int rc;

        (void)state;
        rc = h_group_end(&fx.srv, fx.tmp);
        free(fx.tmp);
        free(fx.data);
        free(fx.hr);
        free(fx.a);
        free(fx.b);
        free(fx.aud);
        return rc;
}

/* The needs total of `report needs --year 2027` as home sees it. */
static long long needs_total(const char *home)
{
        json_t *d = f_json(0, home, "report", "needs", "--year", "2027", NULL);
        long long n = f_int(json_object_get(d, "total"), "needs");

        json_decref(d);
        return n;
}

/* need update changes the priority, need withdraw hides the need from the
 * list and the report; both reach the auditor's replica; update brings a
 * withdrawn need back. Another office is refused (6), a need that is not
 * there is 4, withdrawing twice is 5. */
static void test_need_corrections(void **state)
{
        struct h_result r;
        json_t *rows;

        (void)state;
        f_ok(fx.a, "need", "add", "--year", "2027", "--competency", "K-ANG", "--priority", "tinggi",
             "--reason", "Bendahara baru", NULL);
        assert_int_equal(needs_total(fx.hr), 1);
        f_ok(fx.a, "need", "update", "--year", "2027", "--competency", "K-ANG", "--priority",
             "rendah", NULL);
        json_decref(f_sync(fx.aud));
        assert_int_equal(f_replica_int(fx.aud,
                                       "SELECT count(*) FROM needs WHERE unit = ?1"
                                       " AND priority = 'rendah' AND reason = 'Bendahara baru'",
                                       UNIT_A),
                         1);
        /* Another office: refused as not its own, the owner not named. */
        f_expect(&r, EXIT_DENIED, fx.b, "need", "update", "--unit", UNIT_A, "--year", "2027",
                 "--competency", "K-ANG", "--priority", "tinggi", NULL);
        assert_non_null(strstr(r.err, "not in this office (" UNIT_B ")"));
        h_result_free(&r);
        f_expect(&r, EXIT_DENIED, fx.b, "need", "withdraw", "--unit", UNIT_A, "--year", "2027",
                 "--competency", "K-ANG", "--reason", "salah", NULL);
        h_result_free(&r);
        f_expect(&r, EXIT_NOT_FOUND, fx.b, "need", "update", "--year", "2027", "--competency",
                 "K-ANG", "--priority", "tinggi", NULL);
        h_result_free(&r);
        f_expect(&r, EXIT_USAGE, fx.a, "need", "withdraw", "--year", "2027", "--competency",
                 "K-ANG", NULL);
        assert_non_null(strstr(r.err, "reason"));
        h_result_free(&r);
        f_expect(&r, EXIT_INVALID, fx.a, "need", "update", "--year", "2027", "--competency",
                 "K-ANG", "--priority", "mendesak", NULL);
        h_result_free(&r);
        f_ok(fx.a, "need", "withdraw", "--year", "2027", "--competency", "K-ANG", "--reason",
             "Sudah dilatih tahun lalu", NULL);
        f_expect(&r, EXIT_REFUSED, fx.a, "need", "withdraw", "--year", "2027", "--competency",
                 "K-ANG", "--reason", "lagi", NULL);
        h_result_free(&r);
        assert_int_equal(needs_total(fx.hr), 0);
        f_expect(&r, EXIT_REFUSED, fx.a, "need", "add", "--year", "2027", "--competency", "K-ANG",
                 "--priority", "tinggi", NULL);
        assert_non_null(strstr(r.err, "need update"));
        h_result_free(&r);
        rows = f_json(0, fx.a, "need", "list", NULL);
        assert_int_equal(json_array_size(rows), 0);
        json_decref(rows);
        json_decref(f_sync(fx.aud));
        rows = f_json(0, fx.aud, "need", "list", "--all", NULL);
        assert_int_equal(f_rows_with(rows, "status", "withdrawn"), 1);
        json_decref(rows);
        assert_int_equal(f_replica_int(fx.aud,
                                       "SELECT count(*) FROM needs WHERE unit = ?1 AND"
                                       " withdrawn_reason = 'Sudah dilatih tahun lalu'"
                                       " AND withdrawn_at IS NOT NULL",
                                       UNIT_A),
                         1);
        /* HR may correct any unit's need, naming it. */
        f_ok(fx.hr, "need", "update", "--unit", UNIT_A, "--year", "2027", "--competency", "K-ANG",
             "--priority", "sedang", NULL);
        assert_int_equal(needs_total(fx.a), 1);
        json_decref(f_sync(fx.aud));
        assert_int_equal(f_replica_int(fx.aud,
                                       "SELECT count(*) FROM needs WHERE unit = ?1 AND"
                                       " priority = 'sedang' AND withdrawn_at IS NULL",
                                       UNIT_A),
                         1);
}

/* The whole id of home's only forum note of unit with topic (malloc'd). */
static char *forum_id(const char *home, const char *topic)
{
        char *id = f_replica_text(home, "SELECT id FROM forums WHERE topic = ?1", topic);

        assert_non_null(id);
        return id;
}

/* forum update moves a note's follow-up through its states, with an owner
 * and a due date; forum list --open leaves out the done ones; the table
 * shows the state in words; another office is refused (6), an unknown id
 * is 4, a state the catalogue does not know is 3. */
static void test_forum_follow_up(void **state)
{
        struct h_result r;
        char *id, *shortid;
        json_t *rows;

        (void)state;
        f_ok(fx.a, "forum", "add", "--date", "2027-03-05", "--topic", "Musrenbang", "--input",
             "Jalan lingkungan rusak", NULL);
        rows = f_json(0, fx.a, "forum", "list", "--open", NULL);
        assert_int_equal(f_rows_with(rows, "status", "terbuka"), 1);
        json_decref(rows);
        id = forum_id(fx.a, "Musrenbang");
        shortid = id + strlen(id) - 8;
        f_ok(fx.a, "forum", "update", shortid, "--status", "proses", "--follow-up",
             "Usulan ke dinas PU", "--owner", "Seksi Pemerintahan", "--due", "2027-04-01", NULL);
        f_expect(&r, 0, fx.a, "forum", "list", NULL);
        assert_non_null(strstr(r.out, "in progress"));
        h_result_free(&r);
        json_decref(f_sync(fx.hr));
        assert_int_equal(f_replica_int(fx.hr,
                                       "SELECT count(*) FROM forums WHERE id = ?1 AND status ="
                                       " 'proses' AND owner = 'Seksi Pemerintahan' AND due ="
                                       " '2027-04-01' AND follow_up = 'Usulan ke dinas PU'",
                                       id),
                         1);
        f_expect(&r, EXIT_INVALID, fx.a, "forum", "update", shortid, "--status", "tutup", NULL);
        h_result_free(&r);
        f_expect(&r, EXIT_DENIED, fx.b, "forum", "update", id, "--status", "selesai", NULL);
        assert_null(strstr(r.err, "belongs to"));
        h_result_free(&r);
        f_expect(&r, EXIT_NOT_FOUND, fx.b, "forum", "update",
                 "01890000-0000-7000-8000-000000000000", "--status", "selesai", NULL);
        h_result_free(&r);
        f_ok(fx.a, "forum", "update", shortid, "--status", "selesai", NULL);
        rows = f_json(0, fx.a, "forum", "list", "--open", NULL);
        assert_int_equal(json_array_size(rows), 0);
        json_decref(rows);
        json_decref(f_sync(fx.aud));
        rows = f_json(0, fx.aud, "forum", "list", NULL);
        assert_int_equal(f_rows_with(rows, "status", "selesai"), 1);
        /* The follow-up text given before is kept when not given again. */
        assert_int_equal(f_rows_with(rows, "follow_up", "Usulan ke dinas PU"), 1);
        json_decref(rows);
        free(id);
}

/* The respondents of unit in `report ikm --period 2027-Q1` as HR sees it. */
static long long respondents(const char *unit)
{
        json_t *d = f_json(0, fx.hr, "report", "ikm", "--period", "2027-Q1", "--unit", unit, NULL);
        json_t *u = json_array_get(json_object_get(d, "units"), 0);
        long long n = u != NULL ? f_int(u, "respondents") : 0;

        json_decref(d);
        return n;
}

static const char survey_csv[] = "service,period,u1,u2,u3,u4,u5,u6,u7,u8,u9\n"
                                 "Pelayanan KTP,2027-Q1,3,3,3,3,3,3,3,3,3\n"
                                 "Pelayanan KTP,2027-Q1,4,4,4,4,4,4,4,4,4\n"
                                 "Pelayanan KTP,2027-Q1,2,3,2,3,2,3,2,3,2\n";

/* The same survey file imported twice leaves the count as it was (refused,
 * 5, naming the earlier import); with --again it is imported twice. */
static void test_import_twice(void **state)
{
        struct h_result r;
        char *path = f_write(fx.tmp, "skm-q1.csv", survey_csv);
        char *copy = f_write(fx.tmp, "skm-q1-copy.csv", survey_csv);

        (void)state;
        f_ok(fx.a, "import", "survey", path, NULL);
        assert_int_equal(respondents(UNIT_A), 3);
        f_expect(&r, EXIT_REFUSED, fx.a, "import", "survey", copy, NULL);
        assert_non_null(strstr(r.err, "imported already"));
        assert_non_null(strstr(r.err, "skm-q1.csv"));
        h_result_free(&r);
        /* Another seat's replica: the same three. */
        json_decref(f_sync(fx.aud));
        assert_int_equal(
            f_replica_int(fx.aud, "SELECT count(*) FROM surveys WHERE unit = ?1", UNIT_A), 3);
        assert_int_equal(respondents(UNIT_A), 3);
        /* Another unit's ledger is its own: B may import the same rows. */
        f_ok(fx.b, "import", "survey", path, NULL);
        assert_int_equal(respondents(UNIT_B), 3);
        f_ok(fx.a, "import", "survey", copy, "--again", NULL);
        assert_int_equal(respondents(UNIT_A), 6);
        json_decref(f_sync(fx.hr));
        assert_int_equal(f_replica_int(fx.hr,
                                       "SELECT count(*) FROM imports WHERE unit = ?1"
                                       " AND kind = 'survey' AND rows = 3",
                                       UNIT_A),
                         2);
        free(path);
        free(copy);
}

/* Imported twice offline, before any sync: the second is refused from the
 * outbox (5); after the sync the notes are there once. */
static void test_import_twice_offline(void **state)
{
        struct h_result r;
        char *path = f_write(fx.tmp, "forum-rw.csv",
                             "date,topic,input\n2027-02-01,Forum RW 1,Drainase\n"
                             "2027-02-02,Forum RW 2,Penerangan jalan\n");

        (void)state;
        f_ok(fx.a, "--offline", "import", "forums", path, NULL);
        f_expect(&r, EXIT_REFUSED, fx.a, "--offline", "import", "forums", path, NULL);
        assert_non_null(strstr(r.err, "next sync"));
        h_result_free(&r);
        json_decref(f_sync(fx.a));
        f_expect(&r, EXIT_REFUSED, fx.a, "import", "forums", path, NULL);
        assert_non_null(strstr(r.err, "forum-rw.csv"));
        h_result_free(&r);
        json_decref(f_sync(fx.hr));
        assert_int_equal(f_replica_int(fx.hr,
                                       "SELECT count(*) FROM forums WHERE unit = ?1"
                                       " AND topic LIKE 'Forum RW _'",
                                       UNIT_A),
                         2);
        free(path);
}

/* survey delete takes a response out of the list and the IKM, kept with
 * its reason; deleting it again is 5, another office 6. */
static void test_survey_delete(void **state)
{
        struct h_result r;
        json_t *rows;
        char *id;
        long long before = respondents(UNIT_A);

        (void)state;
        assert_true(before >= 1);
        rows = f_json(0, fx.a, "survey", "responses", NULL);
        assert_int_equal((long long)json_array_size(rows), before);
        id = h_strf("%s", f_text(json_array_get(rows, 0), "id"));
        json_decref(rows);
        f_expect(&r, EXIT_USAGE, fx.a, "survey", "delete", id, NULL);
        h_result_free(&r);
        f_ok(fx.a, "survey", "delete", id, "--reason", "Tercatat dua kali", NULL);
        assert_int_equal(respondents(UNIT_A), before - 1);
        f_expect(&r, EXIT_REFUSED, fx.a, "survey", "delete", id, "--reason", "lagi", NULL);
        h_result_free(&r);
        rows = f_json(0, fx.a, "survey", "responses", NULL);
        assert_int_equal((long long)json_array_size(rows), before - 1);
        json_decref(rows);
        json_decref(f_sync(fx.aud));
        assert_int_equal(f_replica_int(fx.aud,
                                       "SELECT count(*) FROM surveys WHERE unit = ?1 AND"
                                       " deleted_reason = 'Tercatat dua kali'"
                                       " AND deleted_at IS NOT NULL",
                                       UNIT_A),
                         1);
        free(id);
        /* Office B names one of A's responses by its whole id. */
        json_decref(f_sync(fx.hr));
        id = f_replica_text(fx.hr, "SELECT id FROM surveys WHERE unit = ?1 AND deleted_at IS NULL",
                            UNIT_A);
        f_expect(&r, EXIT_DENIED, fx.b, "survey", "delete", id, "--reason", "salah", NULL);
        h_result_free(&r);
        /* HR may delete any unit's response. */
        f_ok(fx.hr, "survey", "delete", id, "--reason", "Responden di luar wilayah", NULL);
        assert_int_equal(respondents(UNIT_A), before - 2);
        free(id);
}

/* asn activate is the way back from deactivate (HR only), and reaches the
 * office's replica. */
static void test_asn_activate(void **state)
{
        struct h_result r;

        (void)state;
        f_ok(fx.hr, "asn", "deactivate", fx.pa, NULL);
        json_decref(f_sync(fx.a));
        assert_int_equal(f_replica_int(fx.a, "SELECT active FROM asn WHERE nip = ?1", fx.pa), 0);
        f_expect(&r, EXIT_DENIED, fx.a, "asn", "activate", fx.pa, NULL);
        h_result_free(&r);
        f_ok(fx.hr, "asn", "activate", fx.pa, NULL);
        json_decref(f_sync(fx.a));
        assert_int_equal(f_replica_int(fx.a, "SELECT active FROM asn WHERE nip = ?1", fx.pa), 1);
        f_expect(&r, EXIT_NOT_FOUND, fx.hr, "asn", "activate", "199001012015011999", NULL);
        h_result_free(&r);
}

/* A deactivated unit's office is locked out (6); activated, it syncs again
 * and its writes are taken. */
static void test_unit_activate(void **state)
{
        struct h_result r;

        (void)state;
        f_ok(fx.hr, "unit", "deactivate", UNIT_B, NULL);
        f_expect(&r, EXIT_DENIED, fx.b, "sync", NULL);
        h_result_free(&r);
        f_expect(&r, EXIT_DENIED, fx.b, "unit", "activate", UNIT_B, NULL);
        h_result_free(&r);
        f_ok(fx.hr, "unit", "activate", UNIT_B, NULL);
        json_decref(f_sync(fx.b));
        f_ok(fx.b, "forum", "add", "--date", "2027-03-06", "--topic", "Forum RW 3", NULL);
        json_decref(f_sync(fx.hr));
        assert_int_equal(f_replica_int(fx.hr,
                                       "SELECT count(*) FROM forums WHERE unit = ?1"
                                       " AND topic = 'Forum RW 3'",
                                       UNIT_B),
                         1);
        assert_int_equal(f_replica_int(fx.hr, "SELECT active FROM units WHERE code = ?1", UNIT_B),
                         1);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_need_corrections), cmocka_unit_test(test_forum_follow_up),
            cmocka_unit_test(test_import_twice),     cmocka_unit_test(test_import_twice_offline),
            cmocka_unit_test(test_survey_delete),    cmocka_unit_test(test_asn_activate),
            cmocka_unit_test(test_unit_activate),
        };

        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
