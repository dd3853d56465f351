/*
 * test_e2e_restore.c - a restored server never silently splits from its
 * offices (issue 11 part 2, docs/sync.md "A restored server"). HR takes
 * `renbind backup`; office KEL-BLW1 then enrolls a person and adds a forum
 * note, both acknowledged; the server is stopped and `renbind restore` puts
 * the backup back (a new generation). At its next sync the office sends its
 * acknowledged ops again, the server's at-most-once record skips what the
 * backup already had, and the office's replica is rebuilt: the writes the
 * backup lacked are on the server (read through HR's seat), and the office's
 * and HR's replicas equal the server's rows in their scope, table by table.
 * HR's later enrollments reach the office. Restore is refused while the
 * server serves (5), from a file that is not a database or not renbin's
 * (3), from one newer than the program (5) or missing (4); it keeps the old
 * database aside, and a certificate revoked after the backup stays revoked.
 * A certificate of completion given after the backup is held: verify says
 * so (exit 4) until the office sends the selesai again, a completion meanwhile
 * gets the next number, and the one sent again gets the paper's number,
 * code and date back.
 * A backup copied in by hand (same generation, a lower last sequence) is
 * found too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "entity.h"
#include "err.h"
#include "flow.h"
#include "fsutil.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define UNIT_A "KEL-BLW1"

struct fixture {
        char *tmp, *data, *backup;
        char *backup2; /* made just after the first restore, holding what it held */
        char *bundle_hr, *bundle_a;
        char *bundle_a2; /* a second seat of A, revoked after the backup */
        char serial_a2[64];
        char *hr, *a; /* homes */
        char addr[64];
        char nip[4][19];   /* office A's staff */
        char paper[256];   /* number, code, date of nip[0]'s certificate */
        char revoked[256]; /* the same of nip[1]'s, revoked by HR after the backup */
        struct h_server srv;
};

static struct fixture fx;

/* Appends the rows of sql (every column, NULL as \N) to *out, one line each. */
static void dump_rows(sqlite3 *db, const char *sql, const char *unit, char **out)
{
        sqlite3_stmt *st = NULL;

        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
                fail_msg("%s: %s", sql, sqlite3_errmsg(db));
        if (unit != NULL)
                sqlite3_bind_text(st, 1, unit, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
                for (int c = 0; c < sqlite3_column_count(st); c++) {
                        const char *v = (const char *)sqlite3_column_text(st, c);
                        char *next = h_strf("%s%s%s", *out, c ? "|" : "", v ? v : "\\N");
                        free(*out);
                        *out = next;
                }
                char *next = h_strf("%s\n", *out);
                free(*out);
                *out = next;
        }
        sqlite3_finalize(st);
}

/*
 * The synced tables of the database at path in a canonical order: for each
 * catalogue entity, its table's rows (id, seq, every catalogue field) by id.
 * unit not NULL keeps the rows a unit office may see: those of entities
 * without scope and those whose scope field is unit (on the server). Only
 * the tables the replica at rpath has (an entity kept on the server alone
 * has none there). A malloc'd text.
 */
static char *dump_synced(const char *path, const char *unit, const char *rpath)
{
        char *out = h_strf("%s", "");
        sqlite3 *db = NULL;

        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
                fail_msg("cannot open %s", path);
        for (size_t i = 0; i < entity_count; i++) {
                const struct entity_def *d = entity_defs[i];
                char *cols, *sql, *head,
                    *has = f_db_text(rpath, "SELECT count(*) FROM sqlite_master WHERE name = ?1",
                                     d->table);
                int skip = strcmp(has, "0") == 0;

                free(has);
                if (skip)
                        continue;
                cols = h_strf("id, seq");

                for (size_t f = 0; f < d->nfields; f++) {
                        char *next = h_strf("%s, %s", cols, d->fields[f].name);
                        free(cols);
                        cols = next;
                }
                if (unit != NULL && d->scope != NULL)
                        sql = h_strf("SELECT %s FROM %s WHERE %s = ?1 ORDER BY id", cols, d->table,
                                     d->scope);
                else
                        sql = h_strf("SELECT %s FROM %s ORDER BY id", cols, d->table);
                head = h_strf("%s[%s]\n", out, d->table);
                free(out);
                out = head;
                dump_rows(db, sql, unit != NULL && d->scope != NULL ? unit : NULL, &out);
                free(sql);
                free(cols);
        }
        sqlite3_close(db);
        return out;
}

/* A seat's replica equals the server's rows in its scope (unit NULL: all). */
static void assert_replica_is_server(const char *home, const char *unit)
{
        char *rpath = h_path(home, "replica.db"), *spath = h_path(fx.data, "renbin.db");
        char *mine = dump_synced(rpath, NULL, rpath), *server = dump_synced(spath, unit, rpath);

        assert_string_equal(mine, server);
        free(mine);
        free(server);
        free(rpath);
        free(spath);
}

/* One number from the server's database (read beside the running server). */
static long long server_int(const char *sql, const char *arg)
{
        char *path = h_path(fx.data, "renbin.db"), *v = f_db_text(path, sql, arg);
        long long n = v != NULL ? strtoll(v, NULL, 10) : -1;

        free(v);
        free(path);
        return n;
}

static const char SQL_ENROLLED[] =
    "SELECT count(*) FROM enrollments WHERE program = 'RS-01' AND nip = ?1";
static const char SQL_FORUM[] = "SELECT count(*) FROM forums WHERE topic = ?1";
static const char SQL_PAPER[] =
    "SELECT number || ' ' || code || ' ' || issued_at FROM certificates WHERE nip = ?1";
static const char SQL_HELD[] = "SELECT count(*) FROM certificates_held WHERE revoked_at IS NULL";
static const char SQL_HELD_PAPER[] = "SELECT number || ' ' || code || ' ' || issued_at"
                                     " FROM certificates_held WHERE revoked_at IS NULL";
static const char SQL_REVOKED[] =
    "SELECT count(*) FROM certificates WHERE revoked_at IS NOT NULL AND nip = ?1";
static const char SQL_HELD_REVOKED[] =
    "SELECT count(*) FROM certificates_held WHERE revoked_at IS NOT NULL";

/* What the certificate of nip on the server says (malloc'd), or NULL. */
static char *server_paper(const char *nip)
{
        char *path = h_path(fx.data, "renbin.db"), *v = f_db_text(path, SQL_PAPER, nip);

        free(path);
        return v;
}

/* Restarts the server on the address the seats know. */
static void restart(void)
{
        const char *listen[] = {"--listen", fx.addr, NULL};
        int code = 0;

        if (h_server_start(&fx.srv, fx.data, listen, &code) != 0)
                fail_msg("renbind did not restart on %s (exit %d)", fx.addr, code);
}

static void stop(void)
{
        assert_int_equal(h_server_stop(&fx.srv), 0);
        h_server_free(&fx.srv);
}

static void load_hr(void)
{
        char *csv =
            h_strf("NIP,nama,unit,jabatan,golongan,tmt\n"
                   "%s,Rahmat Siregar,%s,Lurah,IV/a,\n"
                   "%s,Sri Wahyuni,%s,Sekretaris,III/c,\n"
                   "%s,Dedi Purba,%s,Staf,III/a,\n"
                   "%s,Nur Aini,%s,Staf,II/c,\n",
                   fx.nip[0], UNIT_A, fx.nip[1], UNIT_A, fx.nip[2], UNIT_A, fx.nip[3], UNIT_A);
        char *path = f_write(fx.tmp, "roster.csv", csv);

        f_ok(fx.hr, "unit", "add", UNIT_A, "Kelurahan Belawan I", "--kind", "kelurahan", NULL);
        f_ok(fx.hr, "import", "asn", path, NULL);
        f_ok(fx.hr, "competency", "add", "K-ANG", "Pengelolaan anggaran", "--type", "teknis", NULL);
        f_ok(fx.hr, "plan", "create", "2027", "Rencana Pembinaan ASN Belawan 2027", NULL);
        f_ok(fx.hr, "program", "add", "--plan", "2027", "--code", "RS-01", "--title",
             "Pengelolaan anggaran", "--method", "pelatihan", "--competency", "K-ANG", "--start",
             "2027-02-10", "--end", "2027-02-12", "--jp", "24", "--capacity", "30", NULL);
        f_ok(fx.hr, "plan", "approve", "2027", NULL);
        free(path);
        free(csv);
}

static int group_setup(void **state)
{
        (void)state;
        f_nip(fx.nip[0], "19750310", "200003", 1, 1);
        f_nip(fx.nip[1], "19800412", "200504", 2, 2);
        f_nip(fx.nip[2], "19850601", "201004", 1, 3);
        f_nip(fx.nip[3], "19900715", "201503", 2, 4);
        fx.tmp = h_tmpdir("restore");
        fx.data = h_path(fx.tmp, "data");
        fx.backup = h_path(fx.tmp, "backup.db");
        fx.backup2 = h_path(fx.tmp, "backup2.db");
        fx.bundle_hr = h_path(fx.tmp, "bundle-hr");
        fx.bundle_a = h_path(fx.tmp, "bundle-a");
        fx.bundle_a2 = h_path(fx.tmp, "bundle-a2");
        fx.hr = h_path(fx.tmp, "home-hr");
        fx.a = h_path(fx.tmp, "home-a");
        h_must_init(fx.data);
        h_must_issue(fx.data, "BKPSDM", "hr", fx.bundle_hr, NULL);
        h_must_issue(fx.data, UNIT_A, "unit", fx.bundle_a, NULL);
        h_must_issue(fx.data, UNIT_A, "unit", fx.bundle_a2, fx.serial_a2);
        h_server_env = h_env_after_plans; /* attendance needs the program begun */
        h_must_start(&fx.srv, fx.data);
        snprintf(fx.addr, sizeof(fx.addr), "%s", fx.srv.addr);
        h_must_setup(fx.hr, fx.srv.addr, fx.bundle_hr);
        load_hr();
        h_must_setup(fx.a, fx.srv.addr, fx.bundle_a);
        json_decref(f_sync(fx.a));
        /* One enrollment the backup will hold: sent again, it must not count twice. */
        f_ok(fx.a, "enroll", "RS-01", fx.nip[0], NULL);
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
        free(fx.backup);
        free(fx.backup2);
        free(fx.bundle_hr);
        free(fx.bundle_a);
        free(fx.bundle_a2);
        free(fx.hr);
        free(fx.a);
        return rc;
}

/* Office A's work after the backup: acknowledged, so on the server. nip[0]
 * completes the program: its certificate's paper is kept in fx.paper.
 * nip[1] completes it too, and HR's correction takes that away: its
 * revoked paper is kept in fx.revoked. */
/* Office A takes nip through hadir to selesai: its certificate's paper,
 * which must have number, into paper. */
static void office_completes(const char *nip, const char *number, char paper[256])
{
        char *p;

        f_ok(fx.a, "attend", "RS-01", nip, "--status", "hadir", NULL);
        f_ok(fx.a, "attend", "RS-01", nip, "--status", "selesai", NULL);
        assert_non_null(p = server_paper(nip));
        assert_non_null(strstr(p, number));
        snprintf(paper, 256, "%s", p);
        free(p);
}

/* HR's correction selesai -> batal of nip[1], which revokes its
 * certificate on the server. */
static void hr_cancels_nip1(void)
{
        f_ok(fx.hr, "attend", "RS-01", fx.nip[1], "--status", "batal", "--reason",
             "tidak mengikuti ujian akhir", NULL);
        assert_int_equal(server_int(SQL_REVOKED, fx.nip[1]), 1);
}

static void office_writes_after_backup(void)
{
        json_t *st;

        f_ok(fx.a, "enroll", "RS-01", fx.nip[1], NULL);
        office_completes(fx.nip[0], "001/STTPP/BKPSDM/2027 ", fx.paper);
        office_completes(fx.nip[1], "002/STTPP/BKPSDM/2027 ", fx.revoked);
        f_ok(fx.a, "forum", "add", "--date", "2027-03-05", "--topic", "Musrenbang", "--input",
             "Jalan lingkungan", NULL);
        st = f_status(fx.a);
        assert_int_equal(f_pending(st), 0);
        assert_int_equal(f_rejected(st), 0);
        json_decref(st);
        assert_int_equal(server_int(SQL_ENROLLED, fx.nip[1]), 1);
        assert_int_equal(server_int(SQL_FORUM, "Musrenbang"), 1);
        json_decref(f_sync(fx.hr));
        hr_cancels_nip1();
}

/* A copy of the backup made at path with its schema version set to v (0: a
 * SQLite database that is no renbin database). */
static void schema_copy(const char *path, int v)
{
        char *sql = h_strf("PRAGMA user_version = %d", v);
        struct h_result r;
        sqlite3 *db = NULL;

        assert_int_equal(h_runl(&r, "/bin/cp", fx.backup, path, NULL), 0);
        h_result_free(&r);
        if (sqlite3_open(path, &db) != SQLITE_OK ||
            sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
                fail_msg("cannot set the schema of %s", path);
        sqlite3_close(db);
        free(sql);
}

/* Restore from each file is refused with want, naming why. */
static void restore_refused(const char *from, int want, const char *why)
{
        struct h_result r;

        assert_int_equal(h_renbind(&r, "restore", "--data", fx.data, "--from", from, NULL), want);
        assert_non_null(strstr(r.err, why));
        h_result_free(&r);
}

/* The database restore kept aside (named on its output) holds what the
 * backup lacked. */
static void assert_kept_aside(const char *out)
{
        const char *p = strstr(out, "kept as ");
        char *path, *n;

        assert_non_null(p);
        path = h_strf("%.*s", (int)strcspn(p + 8, "\n"), p + 8);
        assert_non_null(strstr(path, "renbin.db.before-restore-"));
        assert_non_null(n = f_db_text(path, SQL_FORUM, "Musrenbang"));
        assert_string_equal(n, "1");
        free(n);
        free(path);
}

/* The restore held nip[0]'s certificate as its paper says. Its issue date is
 * then moved an hour back (the server is stopped), so the paper that comes
 * back can only have its date from the held row. */
static void hold_earlier(void)
{
        char *path = h_path(fx.data, "renbin.db"), *held;

        assert_non_null(held = f_db_text(path, SQL_HELD_PAPER, NULL));
        assert_string_equal(held, fx.paper);
        free(held);
        f_db_exec(path, "UPDATE certificates_held SET issued_at = issued_at - 3600");
        assert_non_null(held = f_db_text(path, SQL_HELD_PAPER, NULL));
        snprintf(fx.paper, sizeof(fx.paper), "%s", held);
        free(held);
        free(path);
}

/* Stops the server and restores the backup: refused while it serves (5),
 * from a file that is not a database (3); then done, and the server has
 * lost the office's writes. */
static void restore_backup(void)
{
        char *junk = f_write(fx.tmp, "junk.db", "this is not a database\n");
        char *plain = h_path(fx.tmp, "plain.db"), *newer = h_path(fx.tmp, "newer.db");
        struct h_result r;

        schema_copy(plain, 0);
        schema_copy(newer, 999);
        restore_refused(fx.backup, EXIT_REFUSED, "serving");
        stop();
        restore_refused(junk, EXIT_INVALID, "not a renbin database");
        restore_refused(plain, EXIT_INVALID, "no renbin schema");
        restore_refused(newer, EXIT_REFUSED, "newer than this program");
        restore_refused("no-such-backup.db", EXIT_NOT_FOUND, "no-such-backup.db");
        assert_int_equal(h_renbind(&r, "restore", "--data", fx.data, "--from", fx.backup, NULL),
                         EXIT_OK);
        assert_non_null(strstr(r.out, "restored"));
        assert_non_null(strstr(r.out, "1 certificate of completion is held"));
        assert_kept_aside(r.out);
        h_result_free(&r);
        hold_earlier();
        restart();
        assert_int_equal(server_int(SQL_ENROLLED, fx.nip[1]), 0);
        assert_int_equal(server_int(SQL_FORUM, "Musrenbang"), 0);
        assert_null(server_paper(fx.nip[0]));
        assert_int_equal(server_int(SQL_HELD, NULL), 1);
        assert_int_equal(server_int(SQL_HELD_REVOKED, NULL), 1);
        free(junk);
        free(plain);
        free(newer);
}

/* The code of a paper (number, code, date). */
static void paper_code_of(const char *paper, char code[16])
{
        const char *p = strchr(paper, ' ');

        assert_non_null(p);
        snprintf(code, 16, "%.*s", (int)strcspn(p + 1, " "), p + 1);
}

/* nip[0]'s paper's code, as the restore held it. */
static void paper_code(char code[16])
{
        paper_code_of(fx.paper, code);
}

/* nip[1]'s revoked paper verifies as revoked, with HR's reason: the restore
 * held it revoked, whatever order the seats' journals come back in. */
static void assert_paper_revoked(void)
{
        char code[16];
        json_t *doc;

        paper_code_of(fx.revoked, code);
        doc = f_json(EXIT_REFUSED, fx.hr, "certificate", "verify", code, NULL);
        assert_string_equal(json_string_value(json_object_get(doc, "result")), "revoked");
        assert_string_equal(json_string_value(json_object_get(doc, "number")),
                            "002/STTPP/BKPSDM/2027");
        assert_string_equal(json_string_value(json_object_get(doc, "revoked_reason")),
                            "tidak mengikuti ujian akhir");
        json_decref(doc);
}

/* The held certificates as seat home lists them with unit (NULL: none
 * asked): the document's rows, which must be n. */
static json_t *held_rows(const char *home, const char *unit, size_t n)
{
        json_t *doc = unit ? f_json(EXIT_OK, home, "certificate", "held", "--unit", unit, NULL)
                           : f_json(EXIT_OK, home, "certificate", "held", NULL);
        json_t *rows = json_incref(json_object_get(doc, "rows"));

        json_decref(doc);
        assert_int_equal(json_array_size(rows), n);
        return rows;
}

/* HR and the office see nip[0]'s held certificate, with whose completion
 * it waits for; the office may not ask for another unit's, and one held for
 * another unit stays out of its list. */
static void list_held(void)
{
        char *db = h_path(fx.data, "renbin.db");
        struct h_result r;
        json_t *rows, *row;

        rows = held_rows(fx.hr, NULL, 1);
        row = json_array_get(rows, 0);
        assert_string_equal(json_string_value(json_object_get(row, "number")),
                            "001/STTPP/BKPSDM/2027");
        assert_string_equal(json_string_value(json_object_get(row, "nip")), fx.nip[0]);
        assert_string_equal(json_string_value(json_object_get(row, "name")), "Rahmat Siregar");
        assert_string_equal(json_string_value(json_object_get(row, "program")), "RS-01");
        assert_string_equal(json_string_value(json_object_get(row, "unit")), UNIT_A);
        /* The enrollment was in the backup, so it is here, not yet selesai. */
        assert_string_equal(json_string_value(json_object_get(row, "status")), "terdaftar");
        json_decref(rows);
        f_expect(&r, EXIT_OK, fx.hr, "certificate", "held", NULL);
        assert_non_null(strstr(r.out, "001/STTPP/BKPSDM/2027"));
        assert_non_null(strstr(r.out, "RS-01"));
        h_result_free(&r);

        f_db_exec(db, "INSERT INTO certificates_held(enrollment, id, number, code, year,"
                      " issued_at, program, nip, unit) VALUES('elsewhere', 'elsewhere-cert',"
                      " '900/STTPP/BKPSDM/2027', 'ZZZZZZZZZZ', 2027, 1800000000, 'RS-01',"
                      " '199001012015011001', 'KEL-OTHER')");
        json_decref(held_rows(fx.hr, NULL, 2));
        json_decref(held_rows(fx.hr, "KEL-OTHER", 1));
        rows = held_rows(fx.a, NULL, 1);
        assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "nip")),
                            fx.nip[0]);
        json_decref(rows);
        f_expect(&r, EXIT_DENIED, fx.a, "certificate", "held", "--unit", "KEL-OTHER", NULL);
        assert_non_null(strstr(r.err, "KEL-OTHER"));
        h_result_free(&r);
        f_db_exec(db, "DELETE FROM certificates_held WHERE enrollment = 'elsewhere'");
        free(db);
}

/* Before the office sends its completion again, verify of its paper's code
 * says the certificate is held by the restore (exit 4, the number and no
 * person: the database holds no such completion), and a completion HR makes
 * meanwhile gets the next number, not the one on that paper. */
static void complete_while_held(void)
{
        struct h_result r;
        char code[16], *other;
        json_t *doc;

        paper_code(code);
        f_expect(&r, EXIT_NOT_FOUND, fx.hr, "certificate", "verify", code, NULL);
        assert_non_null(strstr(r.err, "001/STTPP/BKPSDM/2027 was given before the server was "
                                      "restored from a backup"));
        h_result_free(&r);
        doc = f_json(EXIT_NOT_FOUND, fx.hr, "certificate", "verify", code, NULL);
        assert_string_equal(json_string_value(json_object_get(doc, "result")), "held");
        assert_string_equal(json_string_value(json_object_get(doc, "number")),
                            "001/STTPP/BKPSDM/2027");
        assert_true(json_is_null(json_object_get(doc, "nip")));
        json_decref(doc);
        f_expect(&r, EXIT_NOT_FOUND, fx.hr, "certificate", "verify", "0000000000", NULL);
        assert_non_null(strstr(r.err, "not genuine"));
        h_result_free(&r);
        f_ok(fx.hr, "enroll", "RS-01", fx.nip[2], NULL);
        f_ok(fx.hr, "attend", "RS-01", fx.nip[2], "--status", "hadir", NULL);
        f_ok(fx.hr, "attend", "RS-01", fx.nip[2], "--status", "selesai", NULL);
        assert_non_null(other = server_paper(fx.nip[2]));
        assert_non_null(strstr(other, "003/STTPP/BKPSDM/2027 "));
        assert_null(strstr(other, code));
        free(other);
}

/* The seat revoked after the backup is still refused after the restore. */
static void assert_still_revoked(void)
{
        struct h_tls t;

        assert_int_equal(h_tls_connect(&t, fx.srv.port, fx.bundle_a2, 0), 0);
        assert_int_not_equal(h_tls_hello(&t), RENBIN__CODE__OK);
        h_tls_close(&t);
}

static void test_restore_and_resync(void **state)
{
        struct h_result r;
        json_t *sync, *rows, *st, *op;
        char code[16], *paper;

        (void)state;
        assert_int_equal(h_renbind(&r, "backup", "--data", fx.data, "--out", fx.backup, NULL), 0);
        h_result_free(&r);
        h_must_revoke(fx.data, fx.serial_a2);
        office_writes_after_backup();
        restore_backup();
        assert_still_revoked();
        assert_int_equal(h_renbind(&r, "backup", "--data", fx.data, "--out", fx.backup2, NULL), 0);
        h_result_free(&r);
        list_held();
        assert_paper_revoked();
        complete_while_held();

        /* The office meets the new generation: its five acknowledged ops go
         * again, the replica is rebuilt, and it says so in one line. */
        f_expect(&r, 0, fx.a, "--json", "sync", NULL);
        assert_int_equal(h_count(r.err, "restored from a backup"), 1);
        sync = json_loads(r.out, 0, NULL);
        assert_non_null(sync);
        assert_true(json_is_true(json_object_get(sync, "resynced")));
        assert_int_equal(f_int(sync, "resent"), 7);
        assert_int_equal(f_int(sync, "accepted"), 7);
        assert_int_equal(f_int(sync, "rejected"), 0);
        json_decref(sync);
        h_result_free(&r);
        assert_int_equal(server_int(SQL_ENROLLED, fx.nip[0]), 1);
        assert_int_equal(server_int(SQL_ENROLLED, fx.nip[1]), 1);
        assert_int_equal(server_int(SQL_FORUM, "Musrenbang"), 1);
        assert_int_equal(server_int("SELECT enrolled FROM programs WHERE code = ?1", "RS-01"), 3);

        /* The completion came back with the paper's number, code and date,
         * and that code verifies again. */
        paper = server_paper(fx.nip[0]);
        assert_non_null(paper);
        assert_string_equal(paper, fx.paper);
        free(paper);
        assert_int_equal(server_int(SQL_HELD, NULL), 0);
        json_decref(held_rows(fx.hr, NULL, 0));
        /* nip[1]'s completion came back too and drew a new number: the
         * revoked one stays retired, and its paper still says revoked. */
        assert_non_null(paper = server_paper(fx.nip[1]));
        assert_non_null(strstr(paper, "004/STTPP/BKPSDM/2027 "));
        free(paper);
        assert_int_equal(server_int(SQL_HELD_REVOKED, NULL), 1);
        assert_paper_revoked();
        f_expect(&r, EXIT_OK, fx.hr, "certificate", "held", NULL);
        assert_non_null(strstr(r.out, "no certificate of completion is held"));
        h_result_free(&r);
        paper_code(code);
        f_expect(&r, EXIT_OK, fx.a, "certificate", "verify", code, NULL);
        h_result_free(&r);

        /* HR's seat sees the office's work again, and both replicas equal
         * the server in their scope. HR's correction of nip[1], sent again
         * before the office's enrollment came back, was refused and waits
         * in HR's rejections; retried, it revokes the new certificate. */
        json_decref(f_sync(fx.hr));
        st = f_status(fx.hr);
        assert_int_equal(f_rejected(st), 1);
        op = json_array_get(json_object_get(json_object_get(st, "outbox"), "open_ops"), 0);
        assert_non_null(strstr(json_string_value(json_object_get(op, "about")), fx.nip[1]));
        f_ok(fx.hr, "retry", json_string_value(json_object_get(op, "id")), NULL);
        json_decref(st);
        assert_int_equal(server_int(SQL_REVOKED, fx.nip[1]), 1);
        json_decref(f_sync(fx.a));
        rows = f_json(0, fx.hr, "enroll", "list", "RS-01", NULL);
        assert_int_equal(f_rows_with(rows, "nip", fx.nip[1]), 1);
        assert_int_equal(f_rows_with(rows, "nip", fx.nip[0]), 1);
        json_decref(rows);
        rows = f_json(0, fx.hr, "forum", "list", NULL);
        assert_int_equal(f_rows_with(rows, "topic", "Musrenbang"), 1);
        json_decref(rows);
        assert_replica_is_server(fx.a, UNIT_A);
        assert_replica_is_server(fx.hr, NULL);

        /* HR enrolls the office's staff: the office receives them. */
        f_ok(fx.hr, "enroll", "RS-01", fx.nip[3], NULL);
        json_decref(f_sync(fx.a));
        for (int i = 2; i < 4; i++)
                assert_int_equal(f_replica_int(fx.a,
                                               "SELECT count(*) FROM enrollments"
                                               " WHERE program = 'RS-01' AND nip = ?1",
                                               fx.nip[i]),
                                 1);
        assert_replica_is_server(fx.a, UNIT_A);
        json_decref(f_sync(fx.hr));
        assert_replica_is_server(fx.hr, NULL);
}

/* A backup copied over the database by hand keeps the generation, but the
 * server's last sequence is then below the office's cursor: found as well. */
static void test_copied_by_hand(void **state)
{
        char *db = h_path(fx.data, "renbin.db"), *copy = h_path(fx.tmp, "copy.db");
        struct h_result r;
        json_t *sync;

        (void)state;
        stop();
        assert_int_equal(h_renbind(&r, "backup", "--data", fx.data, "--out", copy, NULL), 0);
        h_result_free(&r);
        restart();
        f_ok(fx.a, "forum", "add", "--date", "2027-04-02", "--topic", "Posyandu", NULL);
        stop();
        assert_int_equal(h_runl(&r, "/bin/cp", copy, db, NULL), 0);
        h_result_free(&r);
        restart();
        assert_int_equal(server_int(SQL_FORUM, "Posyandu"), 0);
        f_expect(&r, 0, fx.a, "--json", "sync", NULL);
        assert_int_equal(h_count(r.err, "restored from a backup"), 1);
        sync = json_loads(r.out, 0, NULL);
        assert_true(json_is_true(json_object_get(sync, "resynced")));
        json_decref(sync);
        h_result_free(&r);
        assert_int_equal(server_int(SQL_FORUM, "Posyandu"), 1);
        assert_replica_is_server(fx.a, UNIT_A);
        free(db);
        free(copy);
}

/* The database being replaced is older than this program (installed, then
 * restored before the server first started): restore migrates it first, so
 * what it gave since the backup is still carried over. And a restore in a
 * second that already kept a database aside keeps this one beside it. */
static void test_over_older_schema(void **state)
{
        char *db = h_path(fx.data, "renbin.db"), *taken, *held, stamp[32], clock[32], *n;
        char *old = h_path(fx.tmp, "backup-17.db"), *before = h_strf("%s.before-v18", db);
        time_t now = 1800000000;
        struct h_result r;

        (void)state;
        stop();
        /* Migration 18 undone: the database is as schema 17 made it, which
         * held no revoked certificate apart. */
        f_db_exec(db, "CREATE TABLE held_17(enrollment TEXT PRIMARY KEY, id TEXT NOT NULL,"
                      " number TEXT NOT NULL UNIQUE, code TEXT NOT NULL UNIQUE,"
                      " year INTEGER NOT NULL, issued_at INTEGER NOT NULL);"
                      "INSERT INTO held_17 SELECT enrollment, id, number, code, year, issued_at"
                      " FROM certificates_held WHERE revoked_at IS NULL;"
                      "DROP TABLE certificates_held;"
                      "ALTER TABLE held_17 RENAME TO certificates_held;"
                      "PRAGMA user_version = 17;");
        /* The restore's clock is set, and its kept-aside name taken. */
        strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime(&now));
        taken = h_strf("%s.before-restore-%s", db, stamp);
        free(f_write(fx.data, strrchr(taken, '/') + 1, "kept by an earlier restore\n"));
        snprintf(clock, sizeof(clock), "%lld", (long long)now);
        setenv("RENBIN_TEST_NOW", clock, 1);
        /* The backup is at schema 17 too: migrated without a copy of its
         * own, so the current database's before-v18 copy stays its. */
        schema_copy(old, 17);
        assert_int_equal(h_renbind(&r, "restore", "--data", fx.data, "--from", old, NULL), EXIT_OK);
        assert_int_equal(h_count(r.err, "database schema 17 -> "), 1);
        assert_non_null(n = f_db_text(before, "SELECT count(*) > 0 FROM certificates", NULL));
        assert_string_equal(n, "1");
        free(n);
        assert_non_null(strstr(r.out, "certificates of completion are held"));
        unsetenv("RENBIN_TEST_NOW");
        assert_non_null(strstr(r.out, stamp));
        assert_non_null(strstr(r.out, "-2\n"));
        h_result_free(&r);
        assert_non_null(held = h_read_file(taken));
        assert_string_equal(held, "kept by an earlier restore\n");
        free(held);
        free(taken);
        /* The certificates given since the backup are held with their
         * person, from the migrated database kept aside: nip[0]'s and
         * nip[2]'s waiting, nip[1]'s revoked. */
        assert_non_null(held = f_db_text(db,
                                         "SELECT nip FROM certificates_held"
                                         " WHERE number = '001/STTPP/BKPSDM/2027'",
                                         NULL));
        assert_string_equal(held, fx.nip[0]);
        free(held);
        assert_int_equal(server_int(SQL_HELD, NULL), 2);
        assert_int_equal(server_int(SQL_HELD_REVOKED, NULL), 1);
        restart();
        json_decref(f_sync(fx.a));
        json_decref(f_sync(fx.hr));
        free(before);
        free(old);
        free(db);
}

/* Every paper the server gave, as the database being replaced answers it:
 * code, then 'ok' (valid, or held for its completion) or 'revoked'. */
static const char SQL_PAPERS[] =
    "SELECT group_concat(code || ' ' || state, char(10)) FROM ("
    " SELECT code, CASE WHEN revoked_at IS NULL THEN 'ok' ELSE 'revoked' END AS state"
    " FROM certificates UNION ALL"
    " SELECT code, CASE WHEN revoked_at IS NULL THEN 'ok' ELSE 'revoked' END FROM "
    "certificates_held)";

/* A second restore, of a backup made while the first one held its papers:
 * every paper printed before it means after it what it meant: a valid one
 * is valid or held, never unknown; a revoked one stays revoked. */
static void test_restore_again(void **state)
{
        char *db = h_path(fx.data, "renbin.db"), *papers, *line, *save = NULL;
        struct h_result r;
        int n = 0;

        (void)state;
        /* nip[0]'s 001, which the backup holds for its completion, is
         * revoked since: the restore must hold it revoked. */
        f_ok(fx.hr, "attend", "RS-01", fx.nip[0], "--status", "batal", "--reason", "ganda", NULL);
        assert_int_equal(server_int(SQL_REVOKED, fx.nip[0]), 1);
        stop();
        assert_non_null(papers = f_db_text(db, SQL_PAPERS, NULL));
        assert_int_equal(h_renbind(&r, "restore", "--data", fx.data, "--from", fx.backup2, NULL),
                         EXIT_OK);
        h_result_free(&r);
        restart();
        for (line = strtok_r(papers, "\n", &save); line != NULL;
             line = strtok_r(NULL, "\n", &save)) {
                char code[16], was[16];
                const char *got;
                json_t *doc;

                assert_int_equal(sscanf(line, "%15s %15s", code, was), 2);
                h_renbin(&r, fx.hr, "--json", "certificate", "verify", code, NULL);
                assert_non_null(doc = json_loads(r.out, 0, NULL));
                got = json_string_value(json_object_get(doc, "result"));
                if (strcmp(was, "revoked") == 0
                        ? strcmp(got, "revoked") != 0
                        : strcmp(got, "valid") != 0 && strcmp(got, "held") != 0)
                        fail_msg("paper %s was %s before the restore, is %s after it", code, was,
                                 got);
                json_decref(doc);
                h_result_free(&r);
                n++;
        }
        assert_true(n >= 4);
        json_decref(f_sync(fx.a));
        json_decref(f_sync(fx.hr));
        free(papers);
        free(db);
}

static const char SQL_GENERATION[] = "SELECT value FROM meta WHERE key = 'generation'";

/* Restores fx.backup over the database as break_it left it: done (exit 0),
 * with a warning naming why (warn, then cause) on stderr, and a new
 * generation all the same, so the offices send again what the backup
 * lacks. The restore's output into *out (malloc'd). */
static void restore_over_broken(void (*break_it)(const char *db), const char *warn,
                                const char *cause, char **out)
{
        char *db = h_path(fx.data, "renbin.db"), *was, *now;
        struct h_result r;

        break_it(db);
        assert_non_null(was = f_db_text(fx.backup, SQL_GENERATION, NULL));
        if (h_renbind(&r, "restore", "--data", fx.data, "--from", fx.backup, NULL) != EXIT_OK)
                fail_msg("restore exited %d: %s", r.status, r.err);
        if (warn != NULL && (strstr(r.err, warn) == NULL || strstr(r.err, cause) == NULL))
                fail_msg("restore did not warn '%s' (%s): %s", warn, cause, r.err);
        assert_non_null(strstr(r.out, "new generation"));
        *out = h_strf("%s", r.out);
        h_result_free(&r);
        assert_non_null(now = f_db_text(db, SQL_GENERATION, NULL));
        assert_string_not_equal(now, was);
        free(now);
        free(was);
        free(db);
}

static void unmigratable(const char *db)
{
        f_db_exec(db, "DROP TABLE certificates_held; PRAGMA user_version = 17;");
}

static void uncarriable(const char *db)
{
        f_db_exec(db, "DROP TABLE certificates_held;");
}

static const char GARBAGE[] = "this is no database, whatever its name says\n";
static const char WAL_BYTES[] = "and these are no frames of one\n";

static void unreadable(const char *db)
{
        free(f_write(fx.data, strrchr(db, '/') + 1, GARBAGE));
        free(f_write(fx.data, "renbin.db-wal", WAL_BYTES));
}

/* With a stray file name in the data folder, restore refuses (exit 5),
 * saying why. */
static void refused_beside(const char *name, const char *why)
{
        struct h_result r;

        free(f_write(fx.data, name, "bytes of no database here\n"));
        assert_int_equal(h_renbind(&r, "restore", "--data", fx.data, "--from", fx.backup, NULL),
                         EXIT_REFUSED);
        assert_non_null(strstr(r.err, why));
        h_result_free(&r);
}

/* The database file gone. While its WAL is still there, restore refuses
 * (exit 5) and says to move it away; then it is moved away. */
static void missing(const char *db)
{
        char *wal = h_strf("%s-wal", db), *shm = h_strf("%s-shm", db), *moved;

        assert_int_equal(unlink(db), 0);
        refused_beside("renbin.db-wal", "move it away");
        moved = h_strf("%s.moved", wal);
        assert_int_equal(rename(wal, moved), 0);
        unlink(shm);
        free(moved);
        free(shm);
        free(wal);
}

/* A database too broken to carry from is still replaced: one that cannot
 * be migrated, one whose carry fails, one SQLite cannot read (kept aside
 * as its bytes), none at all. */
static void test_carry_fails(void **state)
{
        char *out, *kept, *wal, *db = h_path(fx.data, "renbin.db"), *was, *now, *stop_db, *moved;
        char *journal;
        struct stat st;
        struct h_result r;
        const char *p;
        sqlite3 *hold = NULL;

        (void)state;
        stop();
        /* A sound database another process holds is no broken one: the
         * restore stops, and changes nothing. */
        assert_non_null(was = f_db_text(db, SQL_GENERATION, NULL));
        if (sqlite3_open(db, &hold) != SQLITE_OK ||
            sqlite3_exec(hold, "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE;", NULL, NULL,
                         NULL) != SQLITE_OK)
                fail_msg("cannot hold %s: %s", db, sqlite3_errmsg(hold));
        assert_int_equal(h_renbind(&r, "restore", "--data", fx.data, "--from", fx.backup, NULL),
                         EXIT_BUSY);
        assert_non_null(strstr(r.err, "locked"));
        h_result_free(&r);
        sqlite3_exec(hold, "COMMIT", NULL, NULL, NULL);
        sqlite3_close(hold);
        assert_non_null(now = f_db_text(db, SQL_GENERATION, NULL));
        assert_string_equal(now, was);
        free(now);
        free(was);
        restore_over_broken(unmigratable, "cannot be migrated", "no such table", &out);
        free(out);
        restore_over_broken(uncarriable, "cannot be carried over", "no such table", &out);
        free(out);
        restore_over_broken(unreadable, "cannot be read", "not a database", &out);
        assert_non_null(p = strstr(out, "kept as "));
        kept = h_strf("%.*s", (int)strcspn(p + 8, "\n"), p + 8);
        free(out);
        assert_non_null(out = h_read_file(kept));
        assert_string_equal(out, GARBAGE);
        free(out);
        wal = h_strf("%s-wal", kept);
        assert_non_null(out = h_read_file(wal));
        assert_string_equal(out, WAL_BYTES);
        free(out);
        free(wal);
        free(kept);
        restore_over_broken(missing, NULL, NULL, &out);
        assert_non_null(strstr(out, "no database to keep aside"));
        free(out);
        assert_int_equal(stat(db, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        /* A stray rollback journal would be played into the new file. */
        refused_beside("renbin.db-journal", "renbin.db-journal is there");
        journal = h_strf("%s-journal", db);
        assert_int_equal(unlink(journal), 0);
        free(journal);
        free(db);
        /* A link to a database that is not there (a volume not mounted). */
        stop_db = h_path(fx.data, "renbin.db");
        moved = h_strf("%s.away", stop_db);
        assert_int_equal(rename(stop_db, moved), 0);
        assert_int_equal(symlink("/nonexistent/renbin.db", stop_db), 0);
        assert_int_equal(h_renbind(&r, "restore", "--data", fx.data, "--from", fx.backup, NULL),
                         EXIT_REFUSED);
        assert_non_null(strstr(r.err, "not there"));
        h_result_free(&r);
        assert_int_equal(unlink(stop_db), 0);
        assert_int_equal(rename(moved, stop_db), 0);
        free(moved);
        free(stop_db);
        /* An office's bundle has a ca.crt too, but is no server's folder. */
        assert_int_equal(h_renbind(&r, "restore", "--data", fx.bundle_a, "--from", fx.backup, NULL),
                         EXIT_REFUSED);
        assert_non_null(strstr(r.err, "not a renbin data folder"));
        h_result_free(&r);
        stop_db = h_path(fx.bundle_a, "renbin.db");
        assert_false(fs_exists(stop_db));
        free(stop_db);
        restart();
        json_decref(f_sync(fx.a));
        json_decref(f_sync(fx.hr));
}

/* A paper of the database being replaced that the restored one cannot hold,
 * its enrollment waiting there for another (the replaced database was
 * itself restored without a carry: made so here), is named on stderr. */
static void test_lost_paper_named(void **state)
{
        char *db = h_path(fx.data, "renbin.db"), *sql;
        struct h_result r;

        (void)state;
        stop();
        sql =
            h_strf("UPDATE certificates SET number = '777/STTPP/BKPSDM/2027', code = 'ZZZZZZZZZ7',"
                   " revoked_at = NULL, revoked_reason = NULL WHERE nip = '%s';"
                   "DELETE FROM certificates_held;",
                   fx.nip[0]);
        f_db_exec(db, sql);
        assert_int_equal(h_renbind(&r, "restore", "--data", fx.data, "--from", fx.backup2, NULL),
                         EXIT_OK);
        assert_non_null(strstr(r.err, "cannot be held"));
        assert_non_null(strstr(r.err, "777/STTPP/BKPSDM/2027"));
        h_result_free(&r);
        restart();
        json_decref(f_sync(fx.a));
        json_decref(f_sync(fx.hr));
        free(sql);
        free(db);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_restore_and_resync), cmocka_unit_test(test_copied_by_hand),
            cmocka_unit_test(test_over_older_schema),  cmocka_unit_test(test_restore_again),
            cmocka_unit_test(test_lost_paper_named),   cmocka_unit_test(test_carry_fails),
        };

        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
