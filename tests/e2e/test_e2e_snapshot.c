/*
 * test_e2e_snapshot.c - a first sync copied whole (issue 16, decision 168,
 * docs/sync.md "A first sync"). Each seat - HR, office A, office B - gets
 * two fresh replicas: one filled from the server's replica snapshot (what
 * `renbin sync` does), one page by page (`--by-page`, what an older server
 * gives). Both must hold the same rows, column by column with their types,
 * after the first sync and after later changes pulled on from the
 * snapshot's cursor; an office's copy holds no row of another unit. The
 * data has what the feed must get right: a person moved from A to B
 * (tombstones for A, history that stays), replaced assessments, changed
 * enrollments and a mentoring pair.
 *
 * A copy cut on the way leaves the replica empty and the next sync pulls
 * page by page; one killed (SIGKILL) at moments further and further in
 * leaves each time a replica that opens whole with its outbox. The call itself refuses another
 * layout (PRECONDITION, field layout), a part asked before part 1 or after the last was sent
 * (PRECONDITION, field part) and a part past the last (INVALID); a unit
 * seat's snapshot, read directly, is of its scope only. The server's frames
 * are small, so every snapshot comes in several parts. A scope of fewer
 * changes than snapshot-min-rows gets no copy but pages (decision 170): at
 * the bound, one below it and one above.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "entity.h"
#include "err.h"
#include "flow.h"
#include "replica_ddl.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define UNIT_A "KEL-BLW1"
#define UNIT_B "KEL-BLW2"

struct fixture {
        char *tmp, *data;
        char *bundle_hr, *bundle_a, *bundle_b;
        char *hr, *a, *b; /* the homes that write */
        char senior[19], mover[19], stayer[19], other[19];
        struct h_server srv;
};

static struct fixture fx;

/* The roster as HR imports it, with the mover in unit. */
static void import_roster(const char *unit)
{
        char *csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n"
                           "%s,Zulfahmi Hasibuan,%s,Lurah,IV/a,\n"
                           "%s,Teguh Santoso,%s,Penata Layanan Operasional,III/a,\n"
                           "%s,Peserta Tetap,%s,Staf,III/b,\n"
                           "%s,Rina Lubis,%s,Staf,II/c,\n",
                           fx.senior, UNIT_A, fx.mover, unit, fx.stayer, UNIT_A, fx.other, UNIT_B);
        char *path = f_write(fx.tmp, "roster.csv", csv);

        f_ok(fx.hr, "import", "asn", path, NULL);
        free(path);
        free(csv);
}

static void program(const char *code)
{
        f_ok(fx.hr, "program", "add", "--plan", "2027", "--code", code, "--title", code, "--method",
             "pelatihan", "--competency", "K-ANG", "--start", "2027-02-10", "--end", "2027-02-12",
             "--jp", "8", "--capacity", "30", NULL);
}

/* (Re)starts the server with small frames and snapshot-min-rows min. */
static void server_restart(const char *min)
{
        const char *args[] = {"--max-frame", "16384", "--snapshot-min-rows", min, NULL};
        int code = 0;

        if (fx.srv.pid > 0) {
                assert_int_equal(h_server_stop(&fx.srv), 0);
                h_server_free(&fx.srv);
        }
        if (h_server_start(&fx.srv, fx.data, args, &code) != 0)
                fail_msg("renbind did not start (exit %d)", code);
}

static int group_setup(void **state)
{
        (void)state;
        f_nip(fx.senior, "19750310", "200003", 1, 1);
        f_nip(fx.mover, "19980101", "202403", 2, 2);
        f_nip(fx.stayer, "19850601", "201004", 1, 10);
        f_nip(fx.other, "19900715", "201503", 2, 4);
        fx.tmp = h_tmpdir("snapshot");
        fx.data = h_path(fx.tmp, "data");
        fx.bundle_hr = h_path(fx.tmp, "bundle-hr");
        fx.bundle_a = h_path(fx.tmp, "bundle-a");
        fx.bundle_b = h_path(fx.tmp, "bundle-b");
        fx.hr = h_path(fx.tmp, "home-hr");
        fx.a = h_path(fx.tmp, "home-a");
        fx.b = h_path(fx.tmp, "home-b");
        h_must_init(fx.data);
        h_must_issue(fx.data, "BKPSDM", "hr", fx.bundle_hr, NULL);
        h_must_issue(fx.data, UNIT_A, "unit", fx.bundle_a, NULL);
        h_must_issue(fx.data, UNIT_B, "unit", fx.bundle_b, NULL);
        h_server_env = h_env_after_plans; /* attendance after the programs start */
        /* Small frames: every snapshot comes in several parts; and a copy
         * of however few rows (test_small_scope_pages sets the bound). */
        server_restart("0");
        h_must_setup(fx.hr, fx.srv.addr, fx.bundle_hr);
        f_ok(fx.hr, "unit", "add", UNIT_A, "Kelurahan Belawan I", "--kind", "kelurahan", NULL);
        f_ok(fx.hr, "unit", "add", UNIT_B, "Kelurahan Belawan II", "--kind", "kelurahan", NULL);
        import_roster(UNIT_A);
        f_ok(fx.hr, "competency", "add", "K-ANG", "Pengelolaan anggaran", "--type", "teknis", NULL);
        f_ok(fx.hr, "plan", "create", "2027", "Rencana Pembinaan ASN Belawan 2027", NULL);
        program("SN-01");
        program("SN-02");
        f_ok(fx.hr, "plan", "approve", "2027", NULL);
        h_must_setup(fx.a, fx.srv.addr, fx.bundle_a);
        h_must_setup(fx.b, fx.srv.addr, fx.bundle_b);
        json_decref(f_sync(fx.a));
        f_ok(fx.a, "enroll", "SN-01", fx.mover, fx.stayer, NULL);
        f_ok(fx.a, "enroll", "SN-02", fx.mover, NULL);
        f_ok(fx.a, "attend", "SN-02", fx.mover, "--status", "hadir", NULL);
        f_ok(fx.a, "attend", "SN-02", fx.mover, "--status", "selesai", NULL);
        f_ok(fx.a, "eval", "submit", "SN-02", fx.mover, "--materi", "4", "--penyampaian", "4",
             "--aplikasi", "5", NULL);
        f_ok(fx.a, "assess", "add", fx.mover, "--competency", "K-ANG", "--period", "2027-S1",
             "--level", "2", NULL);
        f_ok(fx.a, "assess", "add", fx.mover, "--competency", "K-ANG", "--period", "2027-S1",
             "--level", "3", NULL);
        f_ok(fx.a, "mentor", "pair", fx.senior, fx.mover, "--topic", "Pengelolaan anggaran",
             "--from", "2027-01-15", NULL);
        json_decref(f_sync(fx.a));
        json_decref(f_sync(fx.b));
        f_ok(fx.b, "enroll", "SN-01", fx.other, NULL);
        json_decref(f_sync(fx.b));
        /* The move: A keeps tombstones and history, B gets the open rows. */
        import_roster(UNIT_B);
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
        free(fx.hr);
        free(fx.a);
        free(fx.b);
        return rc;
}

/* Appends every row st yields to *out, a line each: each column's type
 * and value (NULL as \\N). */
static void append_rows(sqlite3_stmt *st, char **out)
{
        char *next;

        while (sqlite3_step(st) == SQLITE_ROW) {
                for (int c = 0; c < sqlite3_column_count(st); c++) {
                        const char *v = (const char *)sqlite3_column_text(st, c);
                        next = h_strf("%s%s%d:%s", *out, c ? "|" : "", sqlite3_column_type(st, c),
                                      v ? v : "\\N");
                        free(*out);
                        *out = next;
                }
                next = h_strf("%s\n", *out);
                free(*out);
                *out = next;
        }
}

/* Every synced table of home's replica by id: each column's type and
 * value. A malloc'd text. */
static char *dump(const char *home)
{
        char *path = h_path(home, "replica.db"), *out = h_strf("%s", "");
        sqlite3 *db = NULL;

        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
                fail_msg("cannot open %s", path);
        for (size_t i = 0; i < entity_count; i++) {
                const struct entity_def *d = entity_defs[i];
                char *sql, *next;
                sqlite3_stmt *st = NULL;

                if (!entity_synced(d))
                        continue;
                sql = h_strf("SELECT * FROM %s ORDER BY id", d->table);
                if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
                        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
                next = h_strf("%s[%s]\n", out, d->table);
                free(out);
                out = next;
                append_rows(st, &out);
                sqlite3_finalize(st);
                free(sql);
        }
        sqlite3_close(db);
        free(path);
        return out;
}

/* The snapshots the server has made for unit so far (its log). */
static int made(const char *unit)
{
        char *needle = h_strf("unit=%s snapshot:", unit);
        int n = h_server_log_count(&fx.srv, needle);

        free(needle);
        return n;
}

/* Two fresh homes of a seat, one synced from a snapshot and one by pages. */
struct pair {
        char *copy, *pages;
};

/* Two fresh homes of bundle, the first synced as renbin sync does it, the
 * second by pages; how many copies the server made for unit meanwhile in
 * *copies (a sync by pages never asks for one). */
static struct pair pair_sync(const char *name, const char *bundle, const char *unit, int *copies)
{
        struct pair p = {h_strf("%s/%s-copy", fx.tmp, name), h_strf("%s/%s-pages", fx.tmp, name)};
        int before = made(unit);
        json_t *j;

        h_must_setup(p.copy, fx.srv.addr, bundle);
        h_must_setup(p.pages, fx.srv.addr, bundle);
        j = f_sync(p.copy);
        assert_true(f_int(j, "pulled") > 0);
        json_decref(j);
        *copies = made(unit) - before;
        json_decref(f_json(0, p.pages, "sync", "--by-page", NULL));
        assert_int_equal(made(unit), before + *copies);
        return p;
}

static struct pair pair_new(const char *name, const char *bundle, const char *unit)
{
        int copies;
        struct pair p = pair_sync(name, bundle, unit, &copies);

        assert_int_equal(copies, 1);
        return p;
}

static void pair_same(const struct pair *p)
{
        char *x = dump(p->copy), *y = dump(p->pages);

        assert_string_equal(x, y);
        free(x);
        free(y);
}

static void pair_free(struct pair *p)
{
        free(p->copy);
        free(p->pages);
}

static const char SQL_ASN_OF[] = "SELECT count(*) FROM asn WHERE unit = ?1";

/* Every seat's copy equals its pages, then and after more changes. */
static void test_copy_equals_pages(void **state)
{
        struct pair hr, a, b;

        (void)state;
        hr = pair_new("hr", fx.bundle_hr, "BKPSDM");
        a = pair_new("a", fx.bundle_a, UNIT_A);
        b = pair_new("b", fx.bundle_b, UNIT_B);
        pair_same(&hr);
        pair_same(&a);
        pair_same(&b);
        /* Scope: A's copy holds A's staff and none of B's, the mover gone. */
        assert_int_equal(f_replica_int(a.copy, SQL_ASN_OF, UNIT_A), 2);
        assert_int_equal(f_replica_int(a.copy, SQL_ASN_OF, UNIT_B), 0);
        assert_int_equal(f_replica_int(b.copy, SQL_ASN_OF, UNIT_B), 2);
        assert_int_equal(f_replica_int(hr.copy, SQL_ASN_OF, UNIT_B), 2);
        assert_int_equal(
            f_replica_int(a.copy, "SELECT count(*) FROM enrollments WHERE unit = ?1", UNIT_B), 0);
        /* Its key indexes are built, as after a pull from scratch. */
        assert_int_equal(f_replica_int(a.copy,
                                       "SELECT count(*) FROM sqlite_schema WHERE type = 'index'"
                                       " AND name = ?1",
                                       "asn_key"),
                         1);
        /* Later changes come on from the copy's cursor, as from the pages'. */
        f_ok(fx.hr, "enroll", "SN-02", fx.stayer, fx.other, NULL);
        f_ok(fx.a, "--offline", "enroll", "SN-02", fx.senior, NULL);
        json_decref(f_sync(fx.a));
        import_roster(UNIT_A); /* the mover back to A */
        const char *homes[] = {hr.copy, hr.pages, a.copy, a.pages, b.copy, b.pages};
        for (size_t i = 0; i < sizeof(homes) / sizeof(homes[0]); i++)
                json_decref(f_sync(homes[i]));
        pair_same(&hr);
        pair_same(&a);
        pair_same(&b);
        assert_int_equal(f_replica_int(a.copy, SQL_ASN_OF, UNIT_A), 3);
        assert_int_equal(f_replica_int(b.copy, SQL_ASN_OF, UNIT_B), 1);
        /* ... and equal the seat's replica that was never rebuilt. */
        char *x = dump(a.copy), *y = dump(fx.a);
        json_decref(f_sync(fx.a));
        free(y);
        y = dump(fx.a);
        assert_string_equal(x, y);
        free(x);
        free(y);
        pair_free(&hr);
        pair_free(&a);
        pair_free(&b);
}

/* A copy cut on the way (the mark it leaves) makes the next sync pull by
 * pages, which are kept; a sync that ends clears the mark. */
static void test_cut_copy_then_pages(void **state)
{
        char *home = h_strf("%s/cut", fx.tmp), *ref = h_strf("%s/cut-ref", fx.tmp);
        char *path = h_path(home, "replica.db"), *x, *y;
        sqlite3 *db = NULL;
        int before;

        (void)state;
        h_must_setup(home, fx.srv.addr, fx.bundle_a);
        /* What a copy killed before it was applied leaves: its mark. */
        json_decref(f_status(home));
        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db,
                                      "INSERT OR REPLACE INTO settings(key, value)"
                                      " VALUES('snapshot_cut', '1')",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        sqlite3_close(db);
        before = made(UNIT_A);
        json_decref(f_sync(home));
        assert_int_equal(made(UNIT_A), before);
        x = f_replica_text(home, "SELECT value FROM settings WHERE key = ?1", "snapshot_cut");
        assert_string_equal(x, "0");
        free(x);
        h_must_setup(ref, fx.srv.addr, fx.bundle_a);
        json_decref(f_sync(ref));
        assert_int_equal(made(UNIT_A), before + 1);
        x = dump(home);
        y = dump(ref);
        assert_string_equal(x, y);
        free(x);
        free(y);
        free(path);
        free(home);
        free(ref);
}

/* Every row of a table of home's replica, all columns, in rowid order
 * (settings without what a sync itself moves). A malloc'd text. */
static char *dump_own(const char *home, const char *table)
{
        char *path = h_path(home, "replica.db"), *out = h_strf("%s", "");
        char *sql = h_strf("SELECT * FROM %s%s", table,
                           strcmp(table, "settings") == 0
                               ? " WHERE key NOT IN ('cursor', 'pull_remaining', 'last_sync',"
                                 " 'sync_cut', 'snapshot_cut') ORDER BY key"
                               : " ORDER BY rowid");
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;

        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
                fail_msg("%s: %s", sql, sqlite3_errmsg(db));
        append_rows(st, &out);
        sqlite3_finalize(st);
        sqlite3_close(db);
        free(sql);
        free(path);
        return out;
}

/* A replica with a history - an outbox journal, its settings - emptied for
 * a resync (as a restored server makes it, sync.c) is filled from a copy
 * and keeps every row of its own tables. */
static void test_copy_keeps_outbox(void **state)
{
        char *ref = h_strf("%s/keep-ref", fx.tmp), *path = h_path(fx.a, "replica.db");
        char *outbox, *settings, *x, *y;
        sqlite3 *db = NULL;
        int before;

        (void)state;
        f_ok(fx.a, "--offline", "enroll", "SN-01", fx.senior, NULL);
        json_decref(f_sync(fx.a));
        outbox = dump_own(fx.a, "outbox");
        settings = dump_own(fx.a, "settings");
        assert_true(h_count(outbox, "\n") >= 5);
        /* What replica_reset leaves: empty entity tables, cursor 0. */
        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        for (size_t i = 0; i < entity_count; i++) {
                char *sql;

                if (!entity_synced(entity_defs[i]))
                        continue;
                sql = h_strf("DELETE FROM %s", entity_defs[i]->table);
                assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
                free(sql);
        }
        assert_int_equal(sqlite3_exec(db, "UPDATE settings SET value = '0' WHERE key = 'cursor'",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        sqlite3_close(db);
        before = made(UNIT_A);
        json_decref(f_sync(fx.a));
        assert_int_equal(made(UNIT_A), before + 1);
        x = dump_own(fx.a, "outbox");
        assert_string_equal(x, outbox);
        free(x);
        x = dump_own(fx.a, "settings");
        assert_string_equal(x, settings);
        free(x);
        /* Its rows are the ones a replica that pulled page by page has. */
        h_must_setup(ref, fx.srv.addr, fx.bundle_a);
        json_decref(f_json(0, ref, "sync", "--by-page", NULL));
        x = dump(fx.a);
        y = dump(ref);
        assert_string_equal(x, y);
        /* And it goes on working: a write, sent and answered. */
        f_ok(fx.a, "assess", "add", fx.senior, "--competency", "K-ANG", "--period", "2027-S1",
             "--level", "2", NULL);
        json_t *st = f_status(fx.a);
        assert_int_equal(f_pending(st), 0);
        json_decref(st);
        free(x);
        free(y);
        free(outbox);
        free(settings);
        free(path);
        free(ref);
}

/* Runs renbin --home home -q sync in a child; its pid. */
static pid_t spawn_sync(const char *home)
{
        pid_t pid = fork();

        if (pid == 0) {
                freopen("/dev/null", "w", stdout);
                freopen("/dev/null", "w", stderr);
                execl(h_renbin_bin(), h_renbin_bin(), "--home", home, "-q", "sync", (char *)NULL);
                _exit(127);
        }
        assert_true(pid > 0);
        return pid;
}

static const char SQL_OPS[] = "SELECT count(*) FROM outbox WHERE entity = ?1";

/* A first sync killed (SIGKILL) at moments further and further in leaves
 * each time a replica that opens whole, with the op typed offline before it
 * still there; the sync after them ends with the rows a sync in one go
 * gives, and the op applied once. */
static void test_copy_killed(void **state)
{
        char *home = h_strf("%s/killed", fx.tmp), *ref = h_strf("%s/killed-ref", fx.tmp);
        char *x, *y, *ic;
        int status;

        (void)state;
        h_must_setup(home, fx.srv.addr, fx.bundle_hr);
        f_ok(home, "--offline", "unit", "add", "KEL-K1", "Kelurahan Uji", "--kind", "kelurahan",
             NULL);
        for (int i = 0; i < 12; i++) {
                pid_t pid = spawn_sync(home);

                usleep((useconds_t)(2000 + i * 4000));
                kill(pid, SIGKILL);
                assert_int_equal(waitpid(pid, &status, 0), pid);
                /* renbin opens it first, as the office's next command would:
                 * a copy killed on the way leaves a hot journal to roll
                 * back, which a read-only open cannot. */
                json_decref(f_status(home));
                ic = f_replica_text(home, "PRAGMA integrity_check", NULL);
                assert_string_equal(ic, "ok");
                free(ic);
                assert_int_equal(f_replica_int(home, SQL_OPS, "unit"), 1);
                char *cut = f_replica_text(home, "SELECT value FROM settings WHERE key = ?1",
                                           "snapshot_cut");
                print_message(
                    "kill %d: cursor %lld, copy cut %s\n", i,
                    f_replica_int(home, "SELECT value FROM settings WHERE key = ?1", "cursor"),
                    cut ? cut : "-");
                free(cut);
        }
        json_decref(f_sync(home));
        /* No scratch file of a killed copy is left behind. */
        char *scratch = h_path(home, "replica.db.copy");
        assert_false(access(scratch, F_OK) == 0);
        free(scratch);
        h_must_setup(ref, fx.srv.addr, fx.bundle_hr);
        json_decref(f_json(0, ref, "sync", "--by-page", NULL));
        x = dump(home);
        y = dump(ref);
        assert_string_equal(x, y);
        assert_int_equal(
            f_replica_int(home, "SELECT count(*) FROM units WHERE code = ?1", "KEL-K1"), 1);
        free(x);
        free(y);
        free(home);
        free(ref);
}

/* Sends Snapshot{layout, part} on t and returns the answer. */
static Renbin__Response *ask(struct h_tls *t, const char *layout, uint32_t part)
{
        Renbin__Request req = RENBIN__REQUEST__INIT;
        Renbin__Snapshot s = RENBIN__SNAPSHOT__INIT;
        Renbin__Response *r;

        s.layout = (char *)layout;
        s.part = part;
        req.id = 7;
        req.call_case = RENBIN__REQUEST__CALL_SNAPSHOT;
        req.snapshot = &s;
        assert_int_equal(h_tls_send_req(t, &req), 0);
        r = h_tls_recv(t, 5000);
        assert_non_null(r);
        return r;
}

static void assert_refused(Renbin__Response *r, int code, const char *field)
{
        assert_non_null(r->status);
        assert_int_equal(r->status->code, code);
        assert_string_equal(r->status->field, field);
        renbin__response__free_unpacked(r, NULL);
}

/* The call's refusals, and a unit's snapshot asked for directly, part by
 * part (the server's frames are small here: several parts). */
static void test_call_refusals(void **state)
{
        struct h_tls t;
        char layout[24];
        Renbin__Response *r;
        unsigned char *buf;
        uint64_t bytes, got = 0;
        uint32_t parts;
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;

        (void)state;
        replica_layout(layout);
        assert_int_equal(h_tls_connect(&t, fx.srv.port, fx.bundle_b, 0), 0);
        assert_int_equal(h_tls_hello(&t), 0);
        assert_refused(ask(&t, "1/1", 1), RB_PRECONDITION, "layout");
        assert_refused(ask(&t, layout, 2), RB_PRECONDITION, "part");
        r = ask(&t, layout, 1);
        assert_int_equal(r->status ? r->status->code : 0, RB_OK);
        assert_non_null(r->snapshot);
        parts = r->snapshot->parts;
        bytes = r->snapshot->bytes;
        assert_true(parts > 1);
        buf = sqlite3_malloc64(bytes);
        assert_non_null(buf);
        for (uint32_t p = 1;; p++) {
                assert_int_equal(r->snapshot->part, p);
                assert_true(got + r->snapshot->data.len <= bytes);
                memcpy(buf + got, r->snapshot->data.data, r->snapshot->data.len);
                got += r->snapshot->data.len;
                renbin__response__free_unpacked(r, NULL);
                if (p == parts)
                        break;
                if (p == 1)
                        assert_refused(ask(&t, layout, parts + 1), RB_INVALID, "part");
                r = ask(&t, layout, p + 1);
                assert_int_equal(r->status ? r->status->code : 0, RB_OK);
        }
        assert_int_equal(got, bytes);
        /* The last part was sent: nothing is held any more. */
        assert_refused(ask(&t, layout, 2), RB_PRECONDITION, "part");
        h_tls_close(&t);
        /* The file is a database of the rows B may see: B's staff only. */
        assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
        assert_int_equal(
            sqlite3_deserialize(db, "main", buf, (sqlite3_int64)bytes, (sqlite3_int64)bytes,
                                SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY),
            SQLITE_OK);
        assert_int_equal(
            sqlite3_prepare_v2(db, "SELECT count(*), sum(unit = ?1) FROM asn", -1, &st, NULL),
            SQLITE_OK);
        sqlite3_bind_text(st, 1, UNIT_B, -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_true(sqlite3_column_int64(st, 0) > 0);
        assert_int_equal(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1));
        sqlite3_finalize(st);
        sqlite3_close(db);
}

/* The changes a Pull from 0 sends unit's seat (NULL: hr's), as the server
 * counts them. */
static long long feed_count(const char *unit)
{
        char *path = h_path(fx.data, "renbin.db");
        char *v = f_db_text(path,
                            unit == NULL ? "SELECT count(*) FROM changes WHERE seq > 0"
                                         : "SELECT count(*) FROM changes WHERE seq > 0"
                                           " AND (scope IS NULL OR scope = ?1)",
                            unit);
        long long n = strtoll(v, NULL, 10);

        free(v);
        free(path);
        return n;
}

/* A first sync of a fresh home of bundle: whether the server made a copy
 * for unit, and the same replica as pages either way. */
static int synced_from_copy(const char *name, const char *bundle, const char *unit)
{
        int copies;
        struct pair p = pair_sync(name, bundle, unit, &copies);

        pair_same(&p);
        pair_free(&p);
        return copies;
}

/* A scope of fewer changes than snapshot-min-rows gets no copy, its first
 * sync pulls pages (and gets the same rows); one of as many gets a copy. */
static void test_small_scope_pages(void **state)
{
        long long b = feed_count(UNIT_B), hr = feed_count(NULL);
        char *min;

        (void)state;
        assert_true(b > 0 && hr > b + 1);
        min = h_strf("%lld", b + 1);
        server_restart(min);
        free(min);
        assert_int_equal(synced_from_copy("small-b", fx.bundle_b, UNIT_B), 0);
        assert_int_equal(h_server_log_count(&fx.srv, "snapshot refused"), 1);
        assert_int_equal(synced_from_copy("small-hr", fx.bundle_hr, "BKPSDM"), 1);
        min = h_strf("%lld", feed_count(UNIT_B));
        server_restart(min);
        free(min);
        assert_int_equal(synced_from_copy("exact-b", fx.bundle_b, UNIT_B), 1);
        server_restart("0");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_copy_equals_pages), cmocka_unit_test(test_cut_copy_then_pages),
            cmocka_unit_test(test_copy_keeps_outbox), cmocka_unit_test(test_copy_killed),
            cmocka_unit_test(test_call_refusals),     cmocka_unit_test(test_small_scope_pages),
        };

        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
