/*
 * test_e2e_tables.c - tables read well on a small screen (issue 13): under
 * COLUMNS=80 no line of a list is wider than 80 display columns (long cells
 * end in "…"), a name with a combining accent keeps its row aligned, --wide
 * shows every cell whole; counts in messages take the plural form of the
 * language (English "1 row"/"2 rows", Indonesian one form); plan states are
 * translated; and without a terminal the pager never runs, with a pty it does.
 */
#define _XOPEN_SOURCE 700 /* wcswidth */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "err.h"
#include "flow.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#define UNIT_A "KEL-BLW1"
#define LONG_TITLE                                                                                 \
        "Pelatihan Kepemimpinan Pengawas Angkatan Kedua Tingkat Kelurahan dan Kecamatan "          \
        "se-Kota Medan Bagian Utara"

static struct {
        char *tmp, *data, *bundle_hr, *hr;
        char nip[4][19];
        struct h_server srv;
} fx;

static const char *const en80[] = {"LC_ALL=C.UTF-8", "COLUMNS=80", NULL};

static int group_setup(void **state)
{
        char *csv, *path;

        (void)state;
        setlocale(LC_ALL, "C.UTF-8");
        fx.tmp = h_tmpdir("tables");
        fx.data = h_path(fx.tmp, "data");
        fx.bundle_hr = h_path(fx.tmp, "bundle-hr");
        fx.hr = h_path(fx.tmp, "home-hr");
        for (int i = 0; i < 4; i++)
                f_nip(fx.nip[i], "19850101", "201001", 1 + i % 2, 40 + i);
        h_must_init(fx.data);
        h_must_issue(fx.data, "BKPSDM", "hr", fx.bundle_hr, NULL);
        h_must_start(&fx.srv, fx.data);
        h_must_setup(fx.hr, fx.srv.addr, fx.bundle_hr);
        f_ok(fx.hr, "unit", "add", UNIT_A, "Kelurahan Belawan I", "--kind", "kelurahan", NULL);
        /* Andre\u0301as: e and a combining acute accent, one column. */
        csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n"
                     "%s,Andre\xcc\x81"
                     "as Siregar,%s,Staf,III/a,\n"
                     "%s,Andreas Siregar,%s,Staf,III/a,\n"
                     "%s,Rahmawati Br Tarigan Sembiring Meliala Pandia Kembaren,%s,Penata Layanan "
                     "Operasional Bidang Pemerintahan dan Ketenteraman,III/b,\n",
                     fx.nip[0], UNIT_A, fx.nip[1], UNIT_A, fx.nip[2], UNIT_A);
        path = f_write(fx.tmp, "roster.csv", csv);
        f_ok(fx.hr, "import", "asn", path, NULL);
        free(path);
        free(csv);
        f_ok(fx.hr, "plan", "create", "2027", "Rencana Pembinaan ASN Belawan 2027", NULL);
        f_ok(fx.hr, "program", "add", "--plan", "2027", "--code", "PK-01", "--title", LONG_TITLE,
             "--method", "pelatihan", "--start", "2027-02-10", "--end", "2027-02-12", "--jp", "24",
             "--capacity", "30", NULL);
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

/* Runs renbin --home hr ARGS (up to 8, NULL-terminated) under env into r. */
static void run(struct h_result *r, const char *const *env, const char *a0, const char *a1,
                const char *a2)
{
        const char *argv[] = {h_renbin_bin(), "--home", fx.hr, a0, a1, a2, NULL};

        h_run_env(r, env, argv);
        if (r->status != 0)
                fail_msg("renbin %s %s failed (%d): %s", a0, a1 ? a1 : "", r->status, r->err);
}

/* Display columns of line (up to its end or newline). */
static int line_width(const char *line)
{
        size_t n = strcspn(line, "\n");
        char *s = strndup(line, n);
        wchar_t w[1024];
        size_t k = mbstowcs(w, s, 1024);

        free(s);
        assert_true(k != (size_t)-1 && k < 1024);
        return wcswidth(w, k);
}

/* The widest line of text, in display columns. */
static int widest(const char *text)
{
        int max = 0;

        for (const char *p = text; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
                if (line_width(p) > max)
                        max = line_width(p);
        return max;
}

static void test_fit_80(void **state)
{
        static const char *const lists[][2] = {{"program", "list"}, {"asn", "list"}};
        struct h_result r;

        (void)state;
        for (size_t i = 0; i < 2; i++) {
                run(&r, en80, lists[i][0], lists[i][1], NULL);
                if (widest(r.out) > 80)
                        fail_msg("%s list is %d columns under COLUMNS=80:\n%s", lists[i][0],
                                 widest(r.out), r.out);
                if (strstr(r.out, "\xe2\x80\xa6") == NULL)
                        fail_msg("%s list cut no cell with an ellipsis:\n%s", lists[i][0], r.out);
                h_result_free(&r);
        }
}

/* The display column where needle starts on the line that holds key. */
static int column_of(const char *text, const char *key, const char *needle)
{
        const char *line = strstr(text, key), *at;
        char *head;
        int w;

        assert_non_null(line);
        while (line > text && line[-1] != '\n')
                line--;
        at = strstr(line, needle);
        assert_non_null(at);
        head = strndup(line, (size_t)(at - line));
        w = line_width(head);
        free(head);
        return w;
}

static void test_combining_aligned(void **state)
{
        static const char *const env[] = {"LC_ALL=C.UTF-8", "COLUMNS=200", NULL};
        struct h_result r;

        (void)state;
        run(&r, env, "asn", "list", NULL);
        if (column_of(r.out, fx.nip[0], UNIT_A) != column_of(r.out, fx.nip[1], UNIT_A))
                fail_msg("the accented name shifts its row:\n%s", r.out);
        h_result_free(&r);
}

static void test_wide(void **state)
{
        struct h_result r;

        (void)state;
        run(&r, en80, "--wide", "program", "list");
        if (widest(r.out) <= 80 || strstr(r.out, LONG_TITLE) == NULL)
                fail_msg("--wide did not show the whole title:\n%s", r.out);
        h_result_free(&r);
}

/* Imports n (1 or 2) people under env; returns what it printed (free it). */
static char *import_people(const char *const *env, int n)
{
        char *second = n == 2 ? h_strf("%s,Andreas Siregar,%s,Staf,III/a,\n", fx.nip[1], UNIT_A)
                              : h_strf("%s", "");
        char *csv = h_strf("NIP,nama,unit,jabatan,golongan,tmt\n%s,Siti Aminah,%s,Staf,II/c,\n%s",
                           fx.nip[3], UNIT_A, second);
        char *path = f_write(fx.tmp, "people.csv", csv), *out;
        struct h_result r;

        run(&r, env, "import", "asn", path);
        out = strdup(r.out);
        h_result_free(&r);
        free(path);
        free(csv);
        free(second);
        return out;
}

static void test_plural_english(void **state)
{
        char *one, *two;

        (void)state;
        one = import_people(en80, 1);
        two = import_people(en80, 2);
        if (strstr(one, "asn: 1 row read") == NULL || strstr(two, "asn: 2 rows read") == NULL)
                fail_msg("no English plural forms in:\n%s\n%s", one, two);
        free(one);
        free(two);
}

static void test_plural_indonesian(void **state)
{
        static const char *const env[] = {"LC_ALL=id_ID.UTF-8", "LANGUAGE=id", NULL};
        locale_t id = newlocale(LC_MESSAGES_MASK, "id_ID.UTF-8", (locale_t)0);
        struct h_result r;
        char *one, *two;

        (void)state;
        if (id == (locale_t)0)
                skip(); /* scripts/deps generates id_ID.UTF-8 */
        freelocale(id);
        one = import_people(env, 1);
        two = import_people(env, 2);
        if (strstr(one, "asn: 1 baris dibaca") == NULL ||
            strstr(two, "asn: 2 baris dibaca") == NULL)
                fail_msg("no Indonesian plural form in:\n%s\n%s", one, two);
        free(one);
        free(two);
        run(&r, env, "plan", "list", NULL);
        if (strstr(r.out, "draf") == NULL || strstr(r.out, "draft") != NULL)
                fail_msg("the plan's state is not in Indonesian:\n%s", r.out);
        h_result_free(&r);
}

/* Without a terminal the pager never runs: a pager that would swallow
 * everything changes nothing. */
static void test_no_pager_without_tty(void **state)
{
        static const char *const env[] = {"LC_ALL=C.UTF-8", "LINES=2", "PAGER=cat >/dev/null",
                                          NULL};
        struct h_result r;

        (void)state;
        run(&r, env, "asn", "list", NULL);
        if (strstr(r.out, fx.nip[2]) == NULL)
                fail_msg("the list did not reach stdout:\n%s", r.out);
        h_result_free(&r);
}

/* On a terminal (script(1) gives a pty) a list longer than the screen goes
 * through $PAGER; --no-pager keeps it off. */
static void test_pager_on_tty(void **state)
{
        static const char *const env[] = {"LC_ALL=C.UTF-8", "LINES=2", "PAGER=sed s/^/PAGED:/",
                                          NULL};
        struct h_result r;
        char *cmd;

        (void)state;
        if (access("/usr/bin/script", X_OK) != 0)
                skip();
        for (int k = 0; k < 2; k++) {
                cmd = h_strf("stty cols 200 2>/dev/null; %s --home %s %s asn list", h_renbin_bin(),
                             fx.hr, k ? "--no-pager" : "");
                const char *argv[] = {"/usr/bin/script", "-qec", cmd, "/dev/null", NULL};
                h_run_env(&r, env, argv);
                assert_int_equal(r.status, 0);
                if ((strstr(r.out, "PAGED:") != NULL) != (k == 0) ||
                    strstr(r.out, fx.nip[2]) == NULL)
                        fail_msg("%s: the pager %s:\n%s", k ? "--no-pager" : "a tty",
                                 k ? "ran" : "did not run", r.out);
                h_result_free(&r);
                free(cmd);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_fit_80),
            cmocka_unit_test(test_combining_aligned),
            cmocka_unit_test(test_wide),
            cmocka_unit_test(test_plural_english),
            cmocka_unit_test(test_plural_indonesian),
            cmocka_unit_test(test_no_pager_without_tty),
            cmocka_unit_test(test_pager_on_tty),
        };
        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
