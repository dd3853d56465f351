/*
 * test_e2e_rejections.c - a rejected offline op a person can act on (issue
 * 10): status names it (short id, person, program, reason), retry sends a
 * corrected copy that is applied once, the ops that depend on it wait and
 * follow it, dismiss drops it, sync exits 5 when the server rejected an op,
 * and HR's conflicts name the person and program of an attendance op. Also
 * the command line's strictness: every command group refuses a verb it does
 * not know, a word too many says to quote a value, a list of a missing
 * program exits 4.
 */
#include "run.h"

#include "err.h"
#include "flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNIT_A "KEL-BLW1"

struct fixture {
        char *tmp, *data, *bundle_hr, *bundle_a, *hr, *a;
        char p[3][19], ghost[19];
        struct h_server srv;
};

static struct fixture fx;

static void add_program(const char *code, const char *capacity)
{
        f_ok(fx.hr, "program", "add", "--plan", "2026", "--code", code, "--title", "Pelatihan",
             "--method", "pelatihan", "--start", "2026-03-02", "--end", "2026-03-04", "--jp", "24",
             "--capacity", capacity, NULL);
}

static int group_setup(void **state)
{
        char *csv, *path;

        (void)state;
        for (int i = 0; i < 3; i++) {
                char birth[24];
                snprintf(birth, sizeof(birth), "198506%02d", i + 1);
                f_nip(fx.p[i], birth, "201004", 1 + i % 2, 10 + i);
        }
        f_nip(fx.ghost, "19900909", "201504", 1, 77);
        fx.tmp = h_tmpdir("rejections");
        fx.data = h_path(fx.tmp, "data");
        fx.bundle_hr = h_path(fx.tmp, "bundle-hr");
        fx.bundle_a = h_path(fx.tmp, "bundle-a");
        fx.hr = h_path(fx.tmp, "home-hr");
        fx.a = h_path(fx.tmp, "home-a");
        h_must_init(fx.data);
        h_must_issue(fx.data, "BKPSDM", "hr", fx.bundle_hr, NULL);
        h_must_issue(fx.data, UNIT_A, "unit", fx.bundle_a, NULL);
        h_must_start(&fx.srv, fx.data);
        h_must_setup(fx.hr, fx.srv.addr, fx.bundle_hr);
        f_ok(fx.hr, "unit", "add", UNIT_A, "Kelurahan Belawan I", "--kind", "kelurahan", NULL);
        csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n"
                     "%s,Peserta Satu,%s,Staf,III/b,\n%s,Peserta Dua,%s,Staf,III/b,\n"
                     "%s,Peserta Tiga,%s,Staf,III/b,\n",
                     fx.p[0], UNIT_A, fx.p[1], UNIT_A, fx.p[2], UNIT_A);
        path = f_write(fx.tmp, "roster.csv", csv);
        f_ok(fx.hr, "import", "asn", path, NULL);
        free(path);
        free(csv);
        f_ok(fx.hr, "plan", "create", "2026", "Rencana 2026", NULL);
        add_program("RJ-01", "10");
        add_program("RJ-02", "1");
        add_program("RJ-03", "10");
        f_ok(fx.hr, "plan", "approve", "2026", NULL);
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

/* The open ops (rejected and waiting) of home's status. */
static json_t *open_ops(const char *home, json_t **status)
{
        *status = f_status(home);
        return json_object_get(json_object_get(*status, "outbox"), "open_ops");
}

/* sync exits 5 and says the server rejected n. */
static void sync_rejects(const char *home, long long n)
{
        json_t *j = f_json(EXIT_REFUSED, home, "sync", NULL);

        assert_non_null(j);
        assert_int_equal(f_int(j, "rejected"), n);
        json_decref(j);
}

/* Office A has nothing open or waiting, and the server (read through HR's
 * replica) has nip enrolled in program and present (hadir). */
static void all_applied(const char *program, const char *nip)
{
        json_t *st, *ops = open_ops(fx.a, &st);
        char *sql = h_strf("SELECT count(*) FROM enrollments WHERE program = '%s'"
                           " AND nip = ?1 AND status = 'hadir'",
                           program);

        assert_int_equal(json_array_size(ops), 0);
        assert_int_equal(f_pending(st), 0);
        assert_int_equal(f_rejected(st), 0);
        json_decref(st);
        json_decref(f_sync(fx.hr));
        assert_int_equal(f_replica_int(fx.hr, sql, nip), 1);
        free(sql);
}

/* An enrollment of a mistyped NIP, and the attendance typed after it, both
 * offline: the enrollment is rejected, the attendance waits on it; retry
 * with the right NIP applies both, once. */
static void test_retry_corrected(void **state)
{
        json_t *st, *ops, *rej, *wait;
        struct h_result r;
        char *id;

        (void)state;
        f_ok(fx.a, "--offline", "enroll", "RJ-01", fx.ghost, NULL);
        f_ok(fx.a, "--offline", "attend", "RJ-01", fx.ghost, "--status", "hadir", NULL);
        sync_rejects(fx.a, 1);
        ops = open_ops(fx.a, &st);
        assert_int_equal(json_array_size(ops), 2);
        rej = json_array_get(ops, 0);
        wait = json_array_get(ops, 1);
        assert_string_equal(f_text(rej, "state"), "rejected");
        assert_non_null(strstr(f_text(rej, "about"), fx.ghost));
        assert_non_null(strstr(f_text(rej, "about"), "RJ-01"));
        assert_true(strlen(f_text(rej, "reason")) > 0);
        assert_true(strlen(f_text(rej, "id")) >= 8);
        assert_string_equal(f_text(wait, "state"), "waiting");
        assert_string_equal(f_text(wait, "waits_on"), f_text(rej, "id"));
        assert_non_null(strstr(f_text(wait, "about"), "RJ-01"));
        id = strdup(f_text(rej, "id"));
        json_decref(st);
        /* The person reads the same. */
        f_expect(&r, 0, fx.a, "status", NULL);
        assert_non_null(strstr(r.out, id));
        assert_int_equal(h_count(r.out, "waiting on "), 1);
        h_result_free(&r);
        /* A bad value is checked like any write: nothing queued. */
        f_expect(&r, EXIT_INVALID, fx.a, "retry", id, "--nip", "12345", NULL);
        h_result_free(&r);
        f_expect(&r, EXIT_NOT_FOUND, fx.a, "retry", "ffffffff", NULL);
        h_result_free(&r);
        f_ok(fx.a, "retry", id, "--nip", fx.p[0], NULL);
        all_applied("RJ-01", fx.p[0]);
        assert_int_equal(
            f_replica_int(fx.hr, "SELECT count(*) FROM enrollments WHERE program = ?1", "RJ-01"),
            1);
        /* Retried once: it is no longer open. */
        f_expect(&r, EXIT_NOT_FOUND, fx.a, "retry", id, NULL);
        h_result_free(&r);
        free(id);
}

/* A full program rejects an enrollment; the attendance and the
 * questionnaire typed after it wait, the answers kept; once a seat is free,
 * retry applies all three. */
static void test_dependents_wait(void **state)
{
        json_t *st, *ops;
        char *id;

        (void)state;
        f_ok(fx.hr, "enroll", "RJ-02", fx.p[2], NULL);
        f_ok(fx.a, "--offline", "enroll", "RJ-02", fx.p[1], NULL);
        f_ok(fx.a, "--offline", "attend", "RJ-02", fx.p[1], "--status", "hadir", NULL);
        f_ok(fx.a, "--offline", "eval", "submit", "RJ-02", fx.p[1], "--materi", "4",
             "--penyampaian", "5", "--aplikasi", "3", NULL);
        sync_rejects(fx.a, 1);
        ops = open_ops(fx.a, &st);
        assert_int_equal(json_array_size(ops), 3);
        assert_non_null(strstr(f_text(json_array_get(ops, 0), "reason"), "full"));
        assert_non_null(strstr(f_text(json_array_get(ops, 0), "about"), "Peserta Dua"));
        id = strdup(f_text(json_array_get(ops, 0), "id"));
        assert_string_equal(f_text(json_array_get(ops, 1), "waits_on"), id);
        assert_string_equal(f_text(json_array_get(ops, 2), "waits_on"), id);
        json_decref(st);
        /* The answers typed are kept while the questionnaire waits. */
        assert_int_equal(f_replica_int(fx.a,
                                       "SELECT count(*) FROM outbox WHERE entity = 'evaluation'"
                                       " AND state = 'pending' AND fields LIKE ?1",
                                       "%\"materi\":\"4\"%"),
                         1);
        /* Syncing again sends nothing of them. */
        json_decref(f_sync(fx.a));
        ops = open_ops(fx.a, &st);
        assert_int_equal(json_array_size(ops), 3);
        json_decref(st);
        f_ok(fx.hr, "attend", "RJ-02", fx.p[2], "--status", "batal", NULL);
        f_ok(fx.a, "retry", id, NULL);
        all_applied("RJ-02", fx.p[1]);
        free(id);
}

/* dismiss drops a rejected op off the list. */
static void test_dismiss(void **state)
{
        static const char answers[] = "SELECT count(*) FROM outbox WHERE entity = 'evaluation'"
                                      " AND json_extract(fields, '$.nip') = ?1"
                                      " AND json_extract(fields, '$.materi') IS NOT NULL";
        json_t *st, *ops;
        struct h_result r;
        char *id;

        (void)state;
        f_ok(fx.a, "--offline", "enroll", "RJ-03", fx.ghost, NULL);
        sync_rejects(fx.a, 1);
        ops = open_ops(fx.a, &st);
        assert_int_equal(json_array_size(ops), 1);
        id = strdup(f_text(json_array_get(ops, 0), "id"));
        json_decref(st);
        f_ok(fx.a, "status", "--dismiss", id, NULL);
        ops = open_ops(fx.a, &st);
        assert_int_equal(json_array_size(ops), 0);
        assert_int_equal(f_rejected(st), 0);
        json_decref(st);
        f_expect(&r, EXIT_NOT_FOUND, fx.a, "status", "--dismiss", id, NULL);
        h_result_free(&r);
        free(id);

        /* A rejected questionnaire keeps its answers until it is dismissed;
         * then the op is kept without them. */
        f_ok(fx.a, "--offline", "eval", "submit", "RJ-03", fx.ghost, "--materi", "2",
             "--penyampaian", "3", "--aplikasi", "4", NULL);
        sync_rejects(fx.a, 1);
        assert_int_equal(f_replica_int(fx.a, answers, fx.ghost), 1);
        ops = open_ops(fx.a, &st);
        assert_int_equal(json_array_size(ops), 1);
        id = strdup(f_text(json_array_get(ops, 0), "id"));
        json_decref(st);
        f_ok(fx.a, "status", "--dismiss", id, NULL);
        assert_int_equal(f_replica_int(fx.a, answers, fx.ghost), 0);
        assert_int_equal(f_replica_int(fx.a,
                                       "SELECT count(*) FROM outbox WHERE entity = 'evaluation'"
                                       " AND json_extract(fields, '$.nip') = ?1",
                                       fx.ghost),
                         1);
        free(id);
}

/* An enrollment of a mistyped NIP with its attendance and questionnaire
 * typed after it: the questionnaire typed online says it waits on the
 * rejected enrollment (its short id), and retrying the enrollment with the
 * right NIP carries the attendance and the questionnaire to that person, so
 * all three apply. Then an HR correction queued offline shows as the
 * enrollment's pending state. */
static void test_retry_carries_dependents(void **state)
{
        static const char answered[] = "SELECT answered FROM enrollments WHERE program = 'RJ-03'"
                                       " AND nip = ?1 AND status != 'batal'";
        json_t *st, *ops, *rows;
        struct h_result r;
        char *id, *said;

        (void)state;
        f_ok(fx.a, "--offline", "enroll", "RJ-03", fx.ghost, NULL);
        f_ok(fx.a, "--offline", "attend", "RJ-03", fx.ghost, "--status", "hadir", NULL);
        f_expect(&r, EXIT_OK, fx.a, "eval", "submit", "RJ-03", fx.ghost, "--materi", "5",
                 "--penyampaian", "4", "--aplikasi", "4", NULL);
        ops = open_ops(fx.a, &st);
        assert_int_equal(json_array_size(ops), 3);
        id = strdup(f_text(json_array_get(ops, 0), "id"));
        assert_string_equal(f_text(json_array_get(ops, 2), "waits_on"), id);
        json_decref(st);
        said = h_strf("waiting on %s", id);
        if (strstr(r.out, said) == NULL || strstr(r.out, "queued") != NULL)
                fail_msg("eval submit said: %s", r.out);
        h_result_free(&r);
        free(said);
        f_ok(fx.a, "retry", id, "--nip", fx.p[1], NULL);
        all_applied("RJ-03", fx.p[1]);
        assert_int_equal(f_replica_int(fx.hr, answered, fx.p[1]), 1);
        /* The copy and the ops that waited name the person they were sent
         * for, not the mistyped NIP. */
        said = h_strf("%%%s%%", fx.ghost);
        assert_int_equal(f_replica_int(fx.a,
                                       "SELECT count(*) FROM outbox WHERE state = 'done'"
                                       " AND label LIKE ?1",
                                       said),
                         0);
        free(said);
        said = h_strf("%%%s%%RJ-03%%", fx.p[1]);
        assert_int_equal(f_replica_int(fx.a,
                                       "SELECT count(*) FROM outbox WHERE state = 'done'"
                                       " AND label LIKE ?1",
                                       said),
                         3);
        free(said);
        free(id);

        /* HR's correction typed offline is the enrollment's pending state. */
        json_decref(f_sync(fx.hr));
        f_ok(fx.hr, "--offline", "attend", "RJ-03", fx.p[1], "--status", "selesai", "--reason",
             "koreksi daftar hadir", NULL);
        rows = f_json(0, fx.hr, "enroll", "list", "RJ-03", NULL);
        assert_string_equal(f_text(f_row_with(rows, "nip", fx.p[1]), "pending"), "-> selesai");
        json_decref(rows);
        json_decref(f_sync(fx.hr));
        rows = f_json(0, fx.hr, "enroll", "list", "RJ-03", NULL);
        assert_string_equal(f_text(f_row_with(rows, "nip", fx.p[1]), "pending"), "");
        assert_string_equal(f_text(f_row_with(rows, "nip", fx.p[1]), "status"), "selesai");
        json_decref(rows);
}

/* HR's conflicts name the person and program of an attendance op. */
static void test_conflicts_about(void **state)
{
        json_t *doc, *row;
        size_t i;
        int seen = 0;

        (void)state;
        json_decref(f_sync(fx.a));
        f_ok(fx.hr, "attend", "RJ-01", fx.p[0], "--status", "batal", NULL);
        f_ok(fx.a, "--offline", "attend", "RJ-01", fx.p[0], "--status", "selesai", NULL);
        sync_rejects(fx.a, 1);
        json_decref(f_sync(fx.hr));
        doc = f_json(0, fx.hr, "conflicts", NULL);
        json_array_foreach(json_object_get(doc, "rows"), i, row)
        {
                if (strcmp(f_text(row, "action"), "status") != 0)
                        continue;
                if (strstr(f_text(row, "about"), fx.p[0]) == NULL)
                        fail_msg("conflict row %s", json_dumps(row, 0));
                assert_non_null(strstr(f_text(row, "about"), "Peserta Satu"));
                assert_non_null(strstr(f_text(row, "about"), "RJ-01"));
                seen++;
        }
        assert_int_equal(seen, 1);
        json_decref(doc);
}

/* Every command group refuses a verb it does not know, naming it: the
 * groups are read from renbin --help, so a new one is covered. */
static void test_unknown_verbs(void **state)
{
        struct h_result r, c;
        char *line, *save = NULL;
        int groups = 0;

        (void)state;
        assert_int_equal(h_renbin(&r, fx.a, "--help", NULL), 0);
        for (line = strtok_r(r.out, "\n", &save); line != NULL;
             line = strtok_r(NULL, "\n", &save)) {
                char name[32];
                if (strncmp(line, "  ", 2) != 0 || line[2] == '-' ||
                    sscanf(line, " %31s", name) != 1)
                        continue;
                h_renbin(&c, fx.a, name, "--help", NULL);
                int group = strstr(c.out, "|") != NULL && strstr(c.out, " list") != NULL;
                h_result_free(&c);
                if (!group)
                        continue;
                groups++;
                h_renbin(&c, fx.a, name, "frobnicate", "x", NULL);
                /* enroll PROGRAM NIP: the word is its program, which is not there. */
                if (strcmp(name, "enroll") == 0 && c.status == EXIT_NOT_FOUND &&
                    strstr(c.err, "FROBNICATE") != NULL) {
                        h_result_free(&c);
                        continue;
                }
                if (c.status != EXIT_USAGE || strstr(c.err, "'frobnicate'") == NULL ||
                    h_count(c.err, "\n") != 1)
                        fail_msg("renbin %s frobnicate: exit %d, %s", name, c.status, c.err);
                h_result_free(&c);
        }
        assert_true(groups >= 10);
        h_result_free(&r);
}

/* A word too many exits 2 naming it, with the quote hint for a value that
 * lost words; a list of a missing program exits 4. */
static void test_strict_words(void **state)
{
        struct h_result r;

        (void)state;
        f_expect(&r, EXIT_USAGE, fx.a, "need", "add", "--competency", "K-X", "--priority", "1",
                 "--reason", "Bendahara", "baru", NULL);
        assert_string_equal(r.err, "renbin: unexpected word 'baru' after --reason Bendahara (quote "
                                   "a value with spaces: --reason \"Bendahara baru\")\n");
        h_result_free(&r);
        f_expect(&r, EXIT_USAGE, fx.a, "sync", "now", NULL);
        assert_non_null(strstr(r.err, "'now'"));
        h_result_free(&r);
        f_expect(&r, EXIT_USAGE, fx.a, "status", "now", NULL);
        assert_non_null(strstr(r.err, "'now'"));
        h_result_free(&r);
        f_expect(&r, EXIT_NOT_FOUND, fx.a, "enroll", "list", "MW-99", NULL);
        assert_non_null(strstr(r.err, "MW-99"));
        h_result_free(&r);
        f_expect(&r, EXIT_NOT_FOUND, fx.a, "eval", "pending", "MW-99", NULL);
        assert_non_null(strstr(r.err, "MW-99"));
        h_result_free(&r);
}

/* A setup that fails (a server with another CA) leaves the home as it was:
 * its server address, its certificate, its replica. */
static void test_setup_failed_changes_nothing(void **state)
{
        char *data2 = h_path(fx.tmp, "data2"), *crt = h_path(fx.a, "client.crt"), *before, *after,
             *addr;
        struct h_server other = {0};
        struct h_result r;

        (void)state;
        h_must_init(data2);
        h_must_start(&other, data2);
        before = h_read_file(crt);
        f_expect(&r, EXIT_DENIED, fx.a, "setup", "--server", other.addr, "--bundle", fx.bundle_a,
                 NULL);
        h_result_free(&r);
        addr = f_replica_text(fx.a, "SELECT value FROM settings WHERE key = ?1", "server");
        assert_string_equal(addr, fx.srv.addr);
        after = h_read_file(crt);
        assert_string_equal(before, after);
        json_decref(f_sync(fx.a));
        assert_int_equal(h_server_stop(&other), 0);
        h_server_free(&other);
        free(addr);
        free(before);
        free(after);
        free(crt);
        free(data2);
}

/* A bundle of another unit in a used home is refused, naming the unit the
 * folder holds; --replace refuses while a change waits, then starts a
 * fresh replica. */
static void test_setup_other_unit(void **state)
{
        char *bundle_b = h_path(fx.tmp, "bundle-b");
        struct h_result r;
        json_t *st;

        (void)state;
        f_ok(fx.hr, "unit", "add", "KEL-BLW2", "Kelurahan Belawan II", "--kind", "kelurahan", NULL);
        h_must_issue(fx.data, "KEL-BLW2", "unit", bundle_b, NULL);
        f_expect(&r, EXIT_REFUSED, fx.a, "setup", "--server", fx.srv.addr, "--bundle", bundle_b,
                 NULL);
        assert_non_null(strstr(r.err, UNIT_A));
        assert_int_equal(h_count(r.err, "\n"), 1);
        h_result_free(&r);
        f_ok(fx.a, "--offline", "enroll", "RJ-03", fx.p[2], NULL);
        f_expect(&r, EXIT_REFUSED, fx.a, "setup", "--server", fx.srv.addr, "--bundle", bundle_b,
                 "--replace", NULL);
        assert_non_null(strstr(r.err, "sync"));
        h_result_free(&r);
        st = f_status(fx.a);
        assert_string_equal(f_text(st, "unit"), UNIT_A);
        assert_int_equal(f_pending(st), 1);
        json_decref(st);
        json_decref(f_sync(fx.a));
        f_ok(fx.a, "setup", "--server", fx.srv.addr, "--bundle", bundle_b, "--replace", NULL);
        st = f_status(fx.a);
        assert_string_equal(f_text(st, "unit"), "KEL-BLW2");
        assert_int_equal(f_pending(st), 0);
        json_decref(st);
        assert_int_equal(f_replica_int(fx.a, "SELECT count(*) FROM asn WHERE unit = ?1", UNIT_A),
                         0);
        free(bundle_b);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_retry_corrected),
            cmocka_unit_test(test_dependents_wait),
            cmocka_unit_test(test_dismiss),
            cmocka_unit_test(test_retry_carries_dependents),
            cmocka_unit_test(test_conflicts_about),
            cmocka_unit_test(test_unknown_verbs),
            cmocka_unit_test(test_strict_words),
            cmocka_unit_test(test_setup_failed_changes_nothing),
            cmocka_unit_test(test_setup_other_unit),
        };

        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
