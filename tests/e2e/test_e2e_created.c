/*
 * test_e2e_created.c - a created row takes its change sequence before its
 * INSERT and is never stamped afterwards (server/feed.c: feed_seq_next,
 * feed_created). What is stored must be what the stamping path stored: the
 * row's seq, its change and its audit record under that seq, the change's
 * bytes those of the row packed from the catalogue, and the sequence
 * strictly increasing in commit order, with no gap. Every create path is
 * here: an enrollment (its own hook) and the catalogue's plain adds
 * (competency, need, forum note, survey response; server/insert.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "entity.h"
#include "err.h"
#include "flow.h"
#include "renbin.pb-c.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNIT "KEL-BLW1"

struct fixture {
        char *tmp, *data, *db, *hr, *a, *aud;
        char nip[2][19];
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
        f_nip(fx.nip[0], "19850601", "201004", 1, 10);
        f_nip(fx.nip[1], "19870707", "201203", 2, 11);
        fx.tmp = h_tmpdir("created");
        fx.data = h_path(fx.tmp, "data");
        fx.db = h_path(fx.data, "renbin.db");
        h_must_init(fx.data);
        h_must_start(&fx.srv, fx.data);
        fx.hr = seat("BKPSDM", "hr", "hr");
        f_ok(fx.hr, "unit", "add", UNIT, "Kelurahan Belawan I", "--kind", "kelurahan", NULL);
        csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n%s,Peserta Satu,%s,Staf,III/b,\n"
                     "%s,Peserta Dua,%s,Staf,III/c,\n",
                     fx.nip[0], UNIT, fx.nip[1], UNIT);
        path = f_write(fx.tmp, "roster.csv", csv);
        f_ok(fx.hr, "import", "asn", path, NULL);
        free(path);
        free(csv);
        f_ok(fx.hr, "competency", "add", "K-ANG", "Pengelolaan anggaran", "--type", "teknis", NULL);
        f_ok(fx.hr, "plan", "create", "2027", "Rencana Pembinaan ASN Belawan 2027", NULL);
        f_ok(fx.hr, "program", "add", "--plan", "2027", "--code", "P-01", "--title", "Program uji",
             "--method", "pelatihan", "--competency", "K-ANG", "--partner",
             "Politeknik Negeri Medan", "--speaker", "Dr. Rina", "--start", "2027-02-10", "--end",
             "2027-02-12", "--jp", "24", "--capacity", "30", NULL);
        f_ok(fx.hr, "plan", "approve", "2027", NULL);
        fx.a = seat(UNIT, "unit", "a");
        fx.aud = seat("INSPEKTORAT", "auditor", "aud");
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
        free(fx.db);
        free(fx.hr);
        free(fx.a);
        free(fx.aud);
        return rc;
}

/* The server's database, read-only (the server running: WAL lets it in). */
static sqlite3 *db_open_ro(void)
{
        sqlite3 *db = NULL;

        if (sqlite3_open_v2(fx.db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
                fail_msg("%s: %s", fx.db, sqlite3_errmsg(db));
        sqlite3_busy_timeout(db, 5000);
        return db;
}

/* One integer from the server's database: sql with ?1 bound to arg (if not
 * NULL); -1 when there is no row. */
static long long db_int(sqlite3 *db, const char *sql, const char *arg)
{
        sqlite3_stmt *st = NULL;
        long long n = -1;

        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
                fail_msg("%s: %s", sql, sqlite3_errmsg(db));
        if (arg != NULL)
                sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) == SQLITE_ROW)
                n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return n;
}

/* One text (an id) from the server's database, malloc'd. */
static char *db_text(sqlite3 *db, const char *sql)
{
        sqlite3_stmt *st = NULL;
        char *s = NULL;

        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
                fail_msg("%s: %s", sql, sqlite3_errmsg(db));
        if (sqlite3_step(st) == SQLITE_ROW)
                s = strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        if (s == NULL)
                fail_msg("no row: %s", sql);
        return s;
}

/* The live row id of d packed as the stamping path packed it (feed.c,
 * snapshot): entity, id, then each catalogue field that is not NULL, as
 * text, in the catalogue's order. malloc'd, its size in *len. */
static uint8_t *pack_row(sqlite3 *db, const struct entity_def *d, const char *id, size_t *len)
{
        Renbin__Change ch = RENBIN__CHANGE__INIT;
        Renbin__Field fv[ENTITY_MAX_FIELDS], *fp[ENTITY_MAX_FIELDS];
        char cols[2048] = "";
        sqlite3_stmt *st = NULL;
        uint8_t *buf;
        size_t n = 0;

        assert_true(d->nfields <= ENTITY_MAX_FIELDS);
        for (size_t f = 0; f < d->nfields; f++) {
                strcat(cols, f ? ", " : "");
                strcat(cols, d->fields[f].name);
        }
        char *sql = h_strf("SELECT %s FROM %s WHERE id = ?1", cols, d->table);
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
                fail_msg("%s: %s", sql, sqlite3_errmsg(db));
        sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        ch.entity = (char *)d->name;
        ch.entity_id = (char *)id;
        for (size_t f = 0; f < d->nfields; f++) {
                if (sqlite3_column_type(st, (int)f) == SQLITE_NULL)
                        continue;
                renbin__field__init(&fv[n]);
                fv[n].name = (char *)d->fields[f].name;
                fv[n].value = (char *)sqlite3_column_text(st, (int)f);
                fp[n] = &fv[n];
                n++;
        }
        ch.n_fields = n;
        ch.fields = fp;
        *len = renbin__change__get_packed_size(&ch);
        assert_non_null(buf = malloc(*len + 1));
        renbin__change__pack(&ch, buf);
        sqlite3_finalize(st);
        free(sql);
        return buf;
}

/* Row id of entity name as stored: its seq is its change's, the change (of
 * its unit) and the audit record under that seq hold the same bytes, those
 * of the live row packed from the catalogue. Returns the seq. */
static long long check_created(sqlite3 *db, const char *name, const char *id)
{
        const struct entity_def *d = entity_find(name);
        char *sql;
        sqlite3_stmt *st = NULL;
        long long seq, rowseq;
        uint8_t *want;
        size_t len;

        assert_non_null(d);
        sql = h_strf("SELECT seq FROM %s WHERE id = ?1", d->table);
        rowseq = db_int(db, sql, id);
        free(sql);
        want = pack_row(db, d, id, &len);
        assert_int_equal(sqlite3_prepare_v2(db,
                                            "SELECT c.seq, c.data, a.data, a.seq, a.entity_id"
                                            " FROM changes c JOIN audit a ON a.n = c.seq"
                                            " WHERE c.entity = ?1 AND c.entity_id = ?2",
                                            -1, &st, NULL),
                         SQLITE_OK);
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_ROW)
                fail_msg("%s %s: no change with its audit record", name, id);
        seq = sqlite3_column_int64(st, 0);
        assert_true(seq > 0);
        assert_int_equal(rowseq, seq);
        assert_int_equal(sqlite3_column_int64(st, 3), seq);
        assert_string_equal((const char *)sqlite3_column_text(st, 4), id);
        for (int col = 1; col <= 2; col++) {
                if ((size_t)sqlite3_column_bytes(st, col) != len ||
                    memcmp(sqlite3_column_blob(st, col), want, len) != 0)
                        fail_msg("%s %s: the %s's bytes are not the row's snapshot", name, id,
                                 col == 1 ? "change" : "audit record");
        }
        /* One change of the row, no tombstone beside it. */
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_finalize(st);
        free(want);
        return seq;
}

/* The last sequence the feed gave. */
static long long feed_last(sqlite3 *db)
{
        return db_int(db, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'feed_seq'", NULL);
}

/* One Push of every create path an office has, then HR's plain add: each
 * row stored as the stamping path stored it, the sequence following the
 * ops in order from the feed's last one with no gap, the program's seat
 * count after them; another seat pulls them all; the audit log verifies. */
static void test_created_rows(void **state)
{
        sqlite3 *db;
        long long last, seq;
        char *id, *sql;
        struct h_result r;

        (void)state;
        db = db_open_ro();
        last = feed_last(db);
        sqlite3_close(db);
        assert_true(last > 0);
        f_ok(fx.a, "--offline", "enroll", "P-01", fx.nip[0], NULL);
        f_ok(fx.a, "--offline", "enroll", "P-01", fx.nip[1], NULL);
        f_ok(fx.a, "--offline", "need", "add", "--year", "2027", "--competency", "K-ANG",
             "--priority", "tinggi", "--reason", "Bendahara baru", NULL);
        f_ok(fx.a, "--offline", "forum", "add", "--date", "2027-03-05", "--topic", "Musrenbang",
             "--input", "Jalan lingkungan rusak", NULL);
        f_ok(fx.a, "--offline", "survey", "add", "--service", "Akta", "--period", "2027-Q1", "--u1",
             "4", "--u2", "3", "--u3", "4", "--u4", "4", "--u5", "2", "--u6", "4", "--u7", "4",
             "--u8", "3", "--u9", "4", NULL);
        json_decref(f_sync(fx.a));

        db = db_open_ro();
        for (int i = 0; i < 2; i++) {
                sql = h_strf("SELECT id FROM enrollments WHERE nip = '%s'", fx.nip[i]);
                id = db_text(db, sql);
                assert_int_equal(check_created(db, "enrollment", id), last + 1 + i);
                free(id);
                free(sql);
        }
        id = db_text(db, "SELECT id FROM needs WHERE reason = 'Bendahara baru'");
        assert_int_equal(check_created(db, "need", id), last + 3);
        free(id);
        id = db_text(db, "SELECT id FROM forums WHERE topic = 'Musrenbang'");
        assert_int_equal(check_created(db, "forum", id), last + 4);
        free(id);
        id = db_text(db, "SELECT id FROM surveys WHERE service = 'Akta'");
        assert_int_equal(check_created(db, "survey", id), last + 5);
        free(id);
        /* The seat count, recorded before COMMIT, after the ops (stamped). */
        assert_int_equal(db_int(db, "SELECT seq FROM programs WHERE code = 'P-01'", NULL),
                         last + 6);
        assert_int_equal(db_int(db, "SELECT enrolled FROM programs WHERE code = 'P-01'", NULL), 2);
        assert_int_equal(feed_last(db), last + 6);
        sqlite3_close(db);

        /* HR's plain add in a Push of its own takes the next one. */
        f_ok(fx.hr, "competency", "add", "K-KOM", "Komunikasi", "--type", "teknis", NULL);
        db = db_open_ro();
        id = db_text(db, "SELECT id FROM competencies WHERE code = 'K-KOM'");
        seq = check_created(db, "competency", id);
        assert_int_equal(seq, last + 7);
        free(id);
        sqlite3_close(db);

        /* Another seat pulls every created row. */
        json_decref(f_sync(fx.aud));
        assert_int_equal(f_replica_int(fx.aud, "SELECT count(*) FROM enrollments", NULL), 2);
        assert_int_equal(f_replica_int(fx.aud, "SELECT count(*) FROM needs", NULL), 1);
        assert_int_equal(f_replica_int(fx.aud, "SELECT count(*) FROM forums", NULL), 1);
        assert_int_equal(
            f_replica_int(fx.aud, "SELECT count(*) FROM competencies WHERE code = 'K-KOM'", NULL),
            1);
        assert_int_equal(h_renbind(&r, "audit", "verify", "--data", fx.data, NULL), EXIT_OK);
        h_result_free(&r);
}

/* A forum note updated to the state it was created in is recorded by the
 * stamping path (feed_record: the row read back, packed, stamped): its
 * snapshot is byte for byte the one its create recorded. */
static void test_created_as_recorded(void **state)
{
        sqlite3 *db = db_open_ro();
        char *id = db_text(db, "SELECT id FROM forums WHERE topic = 'Musrenbang'");
        sqlite3_stmt *st = NULL;
        long long created, updated;
        uint8_t *a;
        int alen;

        (void)state;
        created = db_int(db, "SELECT seq FROM forums WHERE id = ?1", id);
        sqlite3_close(db);
        f_ok(fx.a, "forum", "update", id, "--status", "terbuka", NULL);
        db = db_open_ro();
        updated = db_int(db, "SELECT seq FROM forums WHERE id = ?1", id);
        assert_true(updated > created);
        assert_int_equal(db_int(db, "SELECT seq FROM changes WHERE entity_id = ?1", id), updated);
        assert_int_equal(sqlite3_prepare_v2(db,
                                            "SELECT n, data FROM audit WHERE entity = 'forum'"
                                            " AND entity_id = ?1 ORDER BY n",
                                            -1, &st, NULL),
                         SQLITE_OK);
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int64(st, 0), created);
        alen = sqlite3_column_bytes(st, 1);
        assert_non_null(a = malloc((size_t)alen + 1));
        memcpy(a, sqlite3_column_blob(st, 1), (size_t)alen);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int64(st, 0), updated);
        assert_int_equal(sqlite3_column_bytes(st, 1), alen);
        assert_memory_equal(sqlite3_column_blob(st, 1), a, (size_t)alen);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_finalize(st);
        sqlite3_close(db);
        free(a);
        free(id);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_created_rows),
            cmocka_unit_test(test_created_as_recorded),
        };
        return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
