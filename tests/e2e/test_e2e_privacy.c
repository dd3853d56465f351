/*
 * test_e2e_privacy.c - questionnaire answers are anonymous by construction
 * (issue 11, docs/privacy.md), end to end over TLS: no replica of any role
 * holds a (person, rating) pair, a rejected or done questionnaire op keeps no
 * answer in `conflicts`, the server's audit records or the outbox, and the
 * reports of a program whose units gave 5 and 2 answers never let the 2 be
 * worked out by subtraction. `eval pending` and "one answer per enrollment"
 * still work; an older database's answers lose their link when migrated.
 *
 * One server serves the group. HR loads two units (5 and 2 attendees, one
 * more of the first who does not answer), the plan and program PV-01, and
 * marks attendance; the offices answer in the tests.
 */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "err.h"
#include "flow.h"

#include <openssl/evp.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNIT_A "KEL-BLW1"
#define UNIT_B "KEL-BLW2"
/* Words only an answer holds: found anywhere else, an answer leaked. */
#define SECRET_A "Narasumber-kurang-siap"
#define SECRET_B "Ruang-terlalu-panas"

struct fixture {
        char *tmp, *data;
        char *bundle_hr, *bundle_a, *bundle_b, *bundle_aud;
        char *hr, *a, *b, *aud; /* homes */
        char a_nip[6][19], b_nip[2][19];
        struct h_server srv;
};

static struct fixture fx;

/* Ratings given: office A's five (a_nip[0..4]) and office B's two. */
static const char *const ratings_a[5][3] = {
    {"5", "4", "4"}, {"4", "4", "3"}, {"5", "5", "4"}, {"3", "4", "4"}, {"4", "3", "5"},
};
static const char *const ratings_b[2][3] = {{"1", "2", "1"}, {"2", "1", "1"}};

/* Roster, plan, program PV-01 and attendance, as HR. */
static void load_domain(void)
{
        char *csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n"), *next, *path;

        for (int i = 0; i < 6; i++) {
                next = h_strf("%s%s,Peserta A%d,%s,Staf,III/b,\n", csv, fx.a_nip[i], i, UNIT_A);
                free(csv);
                csv = next;
        }
        for (int i = 0; i < 2; i++) {
                next = h_strf("%s%s,Peserta B%d,%s,Staf,III/b,\n", csv, fx.b_nip[i], i, UNIT_B);
                free(csv);
                csv = next;
        }
        f_ok(fx.hr, "unit", "add", UNIT_A, "Kelurahan Belawan I", "--kind", "kelurahan", NULL);
        f_ok(fx.hr, "unit", "add", UNIT_B, "Kelurahan Belawan II", "--kind", "kelurahan", NULL);
        path = f_write(fx.tmp, "roster.csv", csv);
        f_ok(fx.hr, "import", "asn", path, NULL);
        free(path);
        free(csv);
        f_ok(fx.hr, "competency", "add", "K-PLY", "Pelayanan publik", "--type", "teknis", NULL);
        f_ok(fx.hr, "plan", "create", "2027", "Rencana Pembinaan ASN Belawan 2027", NULL);
        f_ok(fx.hr, "program", "add", "--plan", "2027", "--code", "PV-01", "--title",
             "Pelayanan Prima", "--method", "pelatihan", "--competency", "K-PLY", "--start",
             "2027-03-01", "--end", "2027-03-03", "--jp", "24", "--capacity", "30", NULL);
        f_ok(fx.hr, "plan", "approve", "2027", NULL);
        for (int i = 0; i < 8; i++) {
                const char *nip = i < 6 ? fx.a_nip[i] : fx.b_nip[i - 6];

                f_ok(fx.hr, "enroll", "PV-01", nip, NULL);
                f_ok(fx.hr, "attend", "PV-01", nip, "--status", "hadir", NULL);
        }
}

static int group_setup(void **state)
{
        (void)state;
        for (int i = 0; i < 6; i++)
                f_nip(fx.a_nip[i], "19880412", "201203", 1 + i % 2, 40 + i);
        for (int i = 0; i < 2; i++)
                f_nip(fx.b_nip[i], "19900921", "201503", 2 - i % 2, 60 + i);
        fx.tmp = h_tmpdir("renbin-privacy");
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
        load_domain();
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

/* Submits one questionnaire from home, which must be accepted at once. */
static void answer(const char *home, const char *nip, const char *const r[3], const char *comment)
{
        json_t *doc = f_json(0, home, "eval", "submit", "PV-01", nip, "--materi", r[0],
                             "--penyampaian", r[1], "--aplikasi", r[2], "--comment", comment, NULL);
        json_t *op = json_array_get(json_object_get(doc, "ops"), 0);

        assert_string_equal(f_text(op, "state"), "done");
        json_decref(doc);
}

/* The offices answer: A five of its six, B both; `eval pending` lists only
 * A's sixth, at the office and (after a sync) at HR. */
static void test_answer_and_pending(void **state)
{
        json_t *rows;

        (void)state;
        json_decref(f_sync(fx.a));
        json_decref(f_sync(fx.b));
        rows = f_json(0, fx.a, "eval", "pending", "PV-01", NULL);
        assert_int_equal(json_array_size(rows), 6);
        json_decref(rows);
        for (int i = 0; i < 5; i++)
                answer(fx.a, fx.a_nip[i], ratings_a[i], SECRET_A);
        for (int i = 0; i < 2; i++)
                answer(fx.b, fx.b_nip[i], ratings_b[i], SECRET_B);
        rows = f_json(0, fx.a, "eval", "pending", "PV-01", NULL);
        assert_int_equal(json_array_size(rows), 1);
        assert_string_equal(f_text(json_array_get(rows, 0), "nip"), fx.a_nip[5]);
        json_decref(rows);
        json_decref(f_sync(fx.hr));
        rows = f_json(0, fx.hr, "eval", "pending", "PV-01", NULL);
        assert_int_equal(json_array_size(rows), 1);
        assert_string_equal(f_text(json_array_get(rows, 0), "nip"), fx.a_nip[5]);
        json_decref(rows);
}

/* A second answer for the same enrollment is refused (ALREADY_EXISTS, exit
 * 5), from a seat that had not synced; the rejection HR lists keeps who and
 * which program, never the ratings or the comment. */
static void test_second_answer_refused(void **state)
{
        char *a2 = h_path(fx.tmp, "home-a2");
        struct h_result r;
        json_t *doc, *rows, *row, *fields;

        (void)state;
        h_must_setup(a2, fx.srv.addr, fx.bundle_a);
        f_expect(&r, EXIT_REFUSED, a2, "eval", "submit", "PV-01", fx.a_nip[0], "--materi", "1",
                 "--penyampaian", "1", "--aplikasi", "1", "--comment", "Jawaban-kedua", NULL);
        assert_non_null(strstr(r.err, "already answered"));
        h_result_free(&r);
        doc = f_json(0, fx.hr, "conflicts", NULL);
        rows = json_is_array(doc) ? doc : json_object_get(doc, "rows");
        row = f_row_with(rows, "entity", "evaluation");
        assert_non_null(row);
        fields = json_object_get(row, "fields");
        assert_string_equal(f_text(fields, "nip"), fx.a_nip[0]);
        assert_string_equal(f_text(fields, "program"), "PV-01");
        assert_null(json_object_get(fields, "materi"));
        assert_null(json_object_get(fields, "penyampaian"));
        assert_null(json_object_get(fields, "aplikasi"));
        assert_null(json_object_get(fields, "comment"));
        {
                char *all = json_dumps(doc, 0);
                assert_null(strstr(all, "Jawaban-kedua"));
                free(all);
        }
        json_decref(doc);
        /* The audit list of every seat that may read it holds no answer:
         * the answers are not audited, the enrollment's change only says
         * that it was answered. */
        {
                const char *const readers[] = {fx.hr, fx.aud};
                for (int i = 0; i < 2; i++) {
                        char *all;
                        doc = f_json(0, readers[i], "audit", "list", NULL);
                        all = json_dumps(doc, 0);
                        assert_non_null(all);
                        assert_null(strstr(all, SECRET_A));
                        assert_null(strstr(all, SECRET_B));
                        assert_null(strstr(all, "Jawaban-kedua"));
                        assert_null(strstr(all, "materi"));
                        assert_null(strstr(all, "penyampaian"));
                        free(all);
                        json_decref(doc);
                }
        }
        h_rmtree(a2);
        free(a2);
}

/* Fails the test if any cell of any table of the database at path (but
 * skip, if not NULL) holds needle or a rating's JSON key, or any such table
 * has a rating column; names where. */
static void db_clean(const char *path, const char *needle, const char *skip)
{
        sqlite3 *db = NULL;
        sqlite3_stmt *tables = NULL, *st;

        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table'", -1,
                               &tables, NULL) != SQLITE_OK)
                fail_msg("cannot read %s: %s", path, sqlite3_errmsg(db));
        while (sqlite3_step(tables) == SQLITE_ROW) {
                char *sql = h_strf("SELECT * FROM \"%s\"", sqlite3_column_text(tables, 0));

                if (skip != NULL &&
                    strcmp((const char *)sqlite3_column_text(tables, 0), skip) == 0) {
                        free(sql);
                        continue;
                }

                if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
                        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
                for (int c = 0; c < sqlite3_column_count(st); c++)
                        if (strcmp(sqlite3_column_name(st, c), "materi") == 0 ||
                            strcmp(sqlite3_column_name(st, c), "penyampaian") == 0)
                                fail_msg("%s: table %s has column %s", path,
                                         sqlite3_column_text(tables, 0),
                                         sqlite3_column_name(st, c));
                while (sqlite3_step(st) == SQLITE_ROW)
                        for (int c = 0; c < sqlite3_column_count(st); c++) {
                                const void *v = sqlite3_column_blob(st, c);
                                int n = sqlite3_column_bytes(st, c);

                                if (v != NULL && memmem(v, (size_t)n, needle, strlen(needle)))
                                        fail_msg("%s: table %s column %s holds '%s'", path,
                                                 sqlite3_column_text(tables, 0),
                                                 sqlite3_column_name(st, c), needle);
                                if (v != NULL && memmem(v, (size_t)n, "\"materi\"", 8))
                                        fail_msg("%s: table %s column %s holds a rating", path,
                                                 sqlite3_column_text(tables, 0),
                                                 sqlite3_column_name(st, c));
                        }
                sqlite3_finalize(st);
                free(sql);
        }
        sqlite3_finalize(tables);
        sqlite3_close(db);
}

/* No replica of any role holds an answer: no answers table, no rating
 * column, no comment anywhere (the outbox's done ops included), while each
 * still knows who answered (the enrollment's flag) within its scope. */
static void test_no_replica_holds_answers(void **state)
{
        const char *const homes[] = {fx.a, fx.b, fx.hr, fx.aud};

        (void)state;
        for (size_t i = 0; i < sizeof(homes) / sizeof(homes[0]); i++) {
                char *path = h_path(homes[i], "replica.db");

                json_decref(f_sync(homes[i]));
                assert_int_equal(f_replica_int(homes[i],
                                               "SELECT count(*) FROM sqlite_schema"
                                               " WHERE name = 'evaluations'",
                                               NULL),
                                 0);
                db_clean(path, SECRET_A, NULL);
                db_clean(path, SECRET_B, NULL);
                free(path);
        }
        assert_int_equal(
            f_replica_int(fx.aud, "SELECT count(*) FROM enrollments WHERE answered = 1", NULL), 7);
        assert_int_equal(
            f_replica_int(fx.b, "SELECT count(*) FROM enrollments WHERE answered = 1", NULL), 2);
}

/* The server keeps each answer without its person: no NIP, no enrollment, no
 * time, a random id; the audit log and the change feed hold no answer. */
static void test_server_keeps_no_link(void **state)
{
        char *path = h_path(fx.data, "renbin.db");
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        int n = 0;

        (void)state;
        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(db, "SELECT * FROM evaluations", -1, &st, NULL) != SQLITE_OK)
                fail_msg("cannot read %s: %s", path, sqlite3_errmsg(db));
        for (int c = 0; c < sqlite3_column_count(st); c++) {
                const char *name = sqlite3_column_name(st, c);
                assert_true(strcmp(name, "nip") && strcmp(name, "enrollment") &&
                            strcmp(name, "seq") && strstr(name, "_at") == NULL);
        }
        while (sqlite3_step(st) == SQLITE_ROW) {
                const char *id = (const char *)sqlite3_column_text(st, 0);
                assert_int_equal(id[14], '4'); /* a random UUIDv4, not time-ordered */
                n++;
        }
        assert_int_equal(n, 7);
        sqlite3_finalize(st);
        /* No rowid gives the insertion order away. */
        assert_int_not_equal(sqlite3_prepare_v2(db, "SELECT rowid FROM evaluations", -1, &st, NULL),
                             SQLITE_OK);
        sqlite3_close(db);
        /* Outside the answers: not in the audit chain, the feed, the ops or
         * the rejected ops. */
        db_clean(path, SECRET_A, "evaluations");
        db_clean(path, SECRET_B, "evaluations");
        free(path);
}

/* Ratings of one group as 15 counts (3 dimensions x ratings 1-5), and its
 * number of answers in n[0]. */
struct figures {
        long n, c[15];
};

/* The figures a report document shows; 0 if it shows none (suppressed). */
static int shown_figures(json_t *doc, struct figures *f)
{
        memset(f, 0, sizeof(*f));
        if (!json_is_false(json_object_get(doc, "suppressed")))
                return 0;
        f->n = (long)json_integer_value(json_object_get(doc, "responses"));
        for (int d = 0; d < 3; d++) {
                json_t *dist = json_object_get(
                    json_array_get(json_object_get(doc, "dimensions"), (size_t)d), "distribution");
                for (int k = 0; k < 5; k++)
                        f->c[d * 5 + k] = (long)json_integer_value(json_array_get(dist, (size_t)k));
        }
        return 1;
}

/* Office B's figures as it answered them. */
static struct figures b_figures(void)
{
        struct figures f = {.n = 2};

        for (int i = 0; i < 2; i++)
                for (int d = 0; d < 3; d++)
                        f.c[d * 5 + atoi(ratings_b[i][d]) - 1]++;
        return f;
}

/* Whether x - y (y NULL: x alone) gives B's figures exactly. */
static int reveals_b(const struct figures *x, const struct figures *y)
{
        struct figures b = b_figures();

        if (x->n - (y ? y->n : 0) != b.n)
                return 0;
        for (int k = 0; k < 15; k++)
                if (x->c[k] - (y ? y->c[k] : 0) != b.c[k])
                        return 0;
        return 1;
}

/* Units of 5 and 2 answers: of every report any seat is shown (the program's
 * total and each unit's, at HR, the auditor and both offices), none is B's
 * and no difference of two gives B's; B's comment is in no unit's report. */
static void test_no_difference_reveals_small_unit(void **state)
{
        const char *const asks[][3] = {
            {"hr", NULL, NULL},  {"hr", "--unit", UNIT_A},  {"hr", "--unit", UNIT_B},
            {"aud", NULL, NULL}, {"aud", "--unit", UNIT_A}, {"aud", "--unit", UNIT_B},
            {"a", NULL, NULL},   {"b", NULL, NULL},
        };
        struct figures f[8];
        int shown[8], nshown = 0;

        (void)state;
        for (size_t i = 0; i < 8; i++) {
                const char *home = strcmp(asks[i][0], "hr") == 0    ? fx.hr
                                   : strcmp(asks[i][0], "aud") == 0 ? fx.aud
                                   : strcmp(asks[i][0], "a") == 0   ? fx.a
                                                                    : fx.b;
                json_t *doc =
                    f_json(0, home, "report", "program", "PV-01", asks[i][1], asks[i][2], NULL);
                char *all = json_dumps(doc, 0);

                shown[i] = shown_figures(doc, &f[i]);
                nshown += shown[i];
                if (asks[i][1] != NULL || i >= 6) { /* a unit's report: both hidden */
                        assert_null(strstr(all, SECRET_A));
                        assert_null(strstr(all, SECRET_B));
                }
                free(all);
                json_decref(doc);
        }
        assert_true(shown[0]); /* the program's total: 7 answers */
        assert_int_equal(f[0].n, 7);
        assert_false(shown[2]); /* B's own */
        assert_false(shown[1]); /* A's: the total less A would be B */
        assert_false(shown[6]);
        assert_false(shown[7]);
        for (int i = 0; i < 8; i++)
                for (int j = -1; j < 8; j++)
                        if (shown[i] && (j < 0 || (j != i && shown[j])))
                                assert_false(reveals_b(&f[i], j < 0 ? NULL : &f[j]));
        assert_true(nshown >= 1);
}

/* `export evaluations` gives the same as the reports: the total at HR, and
 * each office's own unit hidden. */
static void test_export_follows_reports(void **state)
{
        struct h_result r;

        (void)state;
        f_expect(&r, 0, fx.hr, "export", "evaluations", "--csv", NULL);
        assert_non_null(strstr(r.out, "program,responses,suppressed,materi_mean"));
        assert_non_null(strstr(r.out, "PV-01,7,0,"));
        h_result_free(&r);
        f_expect(&r, 0, fx.a, "export", "evaluations", "--csv", NULL);
        assert_non_null(strstr(r.out, "PV-01,5,1,,,,\n"));
        h_result_free(&r);
        f_expect(&r, 0, fx.b, "export", "evaluations", "--csv", NULL);
        assert_non_null(strstr(r.out, "PV-01,2,1,,,,\n"));
        h_result_free(&r);
}

/* The first column of the first row of sql in the database at path, as
 * malloc'd text ("" when there is no row or it is NULL). */
static char *db_text(const char *path, const char *sql)
{
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        char *v;

        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
                fail_msg("%s: %s", sql, sqlite3_errmsg(db));
        v = h_strf("%s", sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)
                             ? (const char *)sqlite3_column_text(st, 0)
                             : "");
        sqlite3_finalize(st);
        sqlite3_close(db);
        return v;
}

/* Hex SHA-256 of len bytes, as server/audit.c's chain uses it. */
static void sha_hex(const void *p, size_t len, char out[65])
{
        unsigned char md[32];
        unsigned int n = 0;

        EVP_Digest(p, len, md, &n, EVP_sha256(), NULL);
        for (int i = 0; i < 32; i++)
                snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* Appends to the chain of the database at path the audit record an older
 * release wrote for answer v1 (its snapshot holds the NIP and the ratings),
 * with the hash that release gave it, and moves the head to it. */
static void old_answer_audited(sqlite3 *db)
{
        static const char snap[] = "v1 198804122012031040 materi=5 penyampaian=4 Lama";
        char prev[65], dh[65], hash[65], buf[1024], *sql;
        sqlite3_stmt *st;
        long long n = 1, seq = 0;

        memset(prev, '0', 64);
        prev[64] = '\0';
        assert_int_equal(
            sqlite3_prepare_v2(db,
                               "SELECT (SELECT n + 1 FROM audit ORDER BY n DESC LIMIT 1),"
                               " (SELECT hash FROM audit ORDER BY n DESC LIMIT 1),"
                               " (SELECT seq FROM changes WHERE entity_id = 'v1')",
                               -1, &st, NULL),
            SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        if (sqlite3_column_type(st, 0) != SQLITE_NULL)
                n = sqlite3_column_int64(st, 0);
        if (sqlite3_column_type(st, 1) != SQLITE_NULL)
                snprintf(prev, sizeof(prev), "%s", (const char *)sqlite3_column_text(st, 1));
        seq = sqlite3_column_int64(st, 2);
        sqlite3_finalize(st);
        sha_hex(snap, strlen(snap), dh);
        snprintf(buf, sizeof(buf), "%s|%lld|1|KEL-BLW1|unit|o0|evaluation|v1|submit|%lld|%s", prev,
                 n, seq, dh);
        sha_hex(buf, strlen(buf), hash);
        sql =
            sqlite3_mprintf("INSERT INTO audit(n, at, unit, role, op_id, entity, entity_id,"
                            " action, seq, data, prev, hash) VALUES(%lld, 1, 'KEL-BLW1', 'unit',"
                            " 'o0', 'evaluation', 'v1', 'submit', %lld, CAST(%Q AS BLOB), %Q, %Q);"
                            " INSERT OR REPLACE INTO meta(key, value) VALUES('audit_head', %Q);",
                            n, seq, snap, prev, hash, hash);
        if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
                fail_msg("old audit record: %s", sqlite3_errmsg(db));
        sqlite3_free(sql);
}

/* A database made before answers lost their person: migrating it keeps
 * each answer's program, unit and ratings under a new random id, marks its
 * enrollment answered, and drops the NIP, the enrollment link, the time, the
 * feed's copy and a rejected op's ratings. */
static void test_migration_drops_link(void **state)
{
        char *data = h_path(fx.tmp, "old"), *path = h_path(data, "renbin.db");
        sqlite3 *db = NULL;
        struct h_result r;

        (void)state;
        h_must_init_schema(data, 8); /* the schema before answers lost their person */
        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
            sqlite3_exec(db,
                         " INSERT INTO enrollments(id, program, nip, unit, status, updated_at)"
                         " VALUES('e1', 'PV-01', '198804122012031040', 'KEL-BLW1', 'hadir', 1),"
                         " ('e2', 'PV-01', '198804122012032041', 'KEL-BLW1', 'hadir', 1);"
                         " INSERT INTO evaluations(id, seq, enrollment, program, nip, unit, materi,"
                         " penyampaian, aplikasi, comment, submitted_at) VALUES('v1', 7, 'e1',"
                         " 'PV-01', '198804122012031040', 'KEL-BLW1', 5, 4, 3, 'Lama', 1800000000);"
                         " INSERT INTO changes(entity, entity_id, scope, at, data)"
                         " VALUES('evaluation', 'v1', 'KEL-BLW1', 1, x'00');"
                         " INSERT INTO conflicts(op_id, at, unit, role, entity, entity_id, action,"
                         " fields, code, message) VALUES('o1', 1, 'KEL-BLW1', 'unit', 'evaluation',"
                         " 'x', 'submit', '{\"nip\":\"198804122012032041\",\"materi\":\"2\","
                         "\"comment\":\"Lama2\"}', 6, 'already answered');",
                         NULL, NULL, NULL) != SQLITE_OK)
                fail_msg("old database: %s", sqlite3_errmsg(db));
        old_answer_audited(db);
        sqlite3_close(db);
        h_renbind(&r, "migrate", "--data", data, NULL);
        assert_int_equal(r.status, 0);
        h_result_free(&r);
        {
                static const char *const checks[][2] = {
                    {"SELECT group_concat(program || '/' || unit || '/' || materi || penyampaian"
                     " || aplikasi || '/' || comment) FROM evaluations",
                     "PV-01/KEL-BLW1/543/Lama"},
                    {"SELECT count(*) FROM pragma_table_info('evaluations')"
                     " WHERE name IN ('nip', 'enrollment', 'seq', 'submitted_at')",
                     "0"},
                    {"SELECT id != 'v1' AND length(id) = 32 FROM evaluations", "1"},
                    {"SELECT group_concat(id || answered, ',') FROM"
                     " (SELECT id, answered FROM enrollments ORDER BY id)",
                     "e11,e20"},
                    {"SELECT count(*) FROM changes WHERE entity = 'evaluation'", "0"},
                    {"SELECT fields FROM conflicts WHERE op_id = 'o1'",
                     "{\"nip\":\"198804122012032041\"}"},
                    /* the old audit record keeps its snapshot's digest only */
                    {"SELECT count(*) FROM audit WHERE entity = 'evaluation' AND data IS NOT NULL",
                     "0"},
                    {"SELECT count(*) FROM audit WHERE entity = 'evaluation'"
                     " AND length(digest) = 64",
                     "1"},
                };
                for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
                        char *v = db_text(path, checks[i][0]);
                        if (strcmp(v, checks[i][1]) != 0)
                                fail_msg("%s: '%s', not '%s'", checks[i][0], v, checks[i][1]);
                        free(v);
                }
        }
        /* the chain still verifies with the snapshot gone (the rows this
         * test wrote by hand are, rightly, not in the log) */
        h_renbind(&r, "audit", "verify", "--data", data, NULL);
        if (strstr(r.err, ": 0 of 1 record fails the check") == NULL ||
            strstr(r.err, "altered") != NULL)
                fail_msg("audit verify after the redaction: %d %s", r.status, r.err);
        h_result_free(&r);
        free(path);
        free(data);
}

/* An office's outbox from before answers were blanked: its done
 * questionnaires lose their answers when the replica is next opened. */
static void test_old_outbox_blanked(void **state)
{
        char *path = h_path(fx.a, "replica.db");
        sqlite3 *db = NULL;

        (void)state;
        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
            sqlite3_exec(db,
                         "UPDATE outbox SET fields = json_set(fields, '$.materi', '5', '$.comment',"
                         " 'Lama-rahasia') WHERE entity = 'evaluation' AND state = 'done';"
                         " PRAGMA user_version = 5;",
                         NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_changes(db) != 5)
                fail_msg("old outbox: %s", sqlite3_errmsg(db));
        sqlite3_close(db);
        json_decref(f_status(fx.a));
        db_clean(path, "Lama-rahasia", NULL);
        free(path);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_answer_and_pending),
            cmocka_unit_test(test_second_answer_refused),
            cmocka_unit_test(test_no_replica_holds_answers),
            cmocka_unit_test(test_server_keeps_no_link),
            cmocka_unit_test(test_no_difference_reveals_small_unit),
            cmocka_unit_test(test_export_follows_reports),
            cmocka_unit_test(test_migration_drops_link),
            cmocka_unit_test(test_old_outbox_blanked),
        };
        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
