/*
 * test_e2e_language.c - each office gets the server's messages in its own
 * language: the client names it in Hello (LANGUAGE, else its locale), and the
 * server writes that connection's rule messages and refusals in it, whatever
 * the server's own locale. English stays the default.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "err.h"
#include "harness.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

static struct {
        char *tmp, *data, *bundle, *home, *hr;
        struct h_server srv;
} fx;

static int group_setup(void **state)
{
        (void)state;
        fx.tmp = h_tmpdir("language");
        fx.data = h_path(fx.tmp, "data");
        fx.bundle = h_path(fx.tmp, "bundle-a");
        fx.home = h_path(fx.tmp, "home-a");
        h_must_init(fx.data);
        h_must_issue(fx.data, "KEL-A", "unit", fx.bundle, NULL);
        h_must_start(&fx.srv, fx.data);
        fx.hr = h_must_units(&fx.srv, "KEL-A", "KEL-B", NULL);
        h_must_setup(fx.home, fx.srv.addr, fx.bundle);
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
        free(fx.bundle);
        free(fx.home);
        free(fx.hr);
        return 0;
}

/* Asks for another unit's report, which the server refuses, in a language. */
static void refused(struct h_result *r, const char *const *env)
{
        const char *argv[] = {h_renbin_bin(), "--home",  fx.home,  "report", "ikm",
                              "--period",     "2027-Q1", "--unit", "KEL-B",  NULL};

        h_run_env(r, env, argv);
        assert_int_equal(r->status, EXIT_DENIED);
}

/* An office in English gets the refusal in English. */
static void test_english(void **state)
{
        struct h_result r;

        (void)state;
        refused(&r, NULL);
        if (strstr(r.err, "office KEL-A may only read its own unit's reports") == NULL)
                fail_msg("no English refusal in: %s", r.err);
        h_result_free(&r);
}

/* An office in Indonesian gets the same refusal in Indonesian, from the same
 * server; the next English office is answered in English again. */
static void test_indonesian(void **state)
{
        static const char *const id_env[] = {"LC_ALL=C.UTF-8", "LANGUAGE=id", NULL};
        locale_t id = newlocale(LC_MESSAGES_MASK, "id_ID.UTF-8", (locale_t)0);
        struct h_result r;

        (void)state;
        if (id == (locale_t)0)
                skip(); /* scripts/deps generates id_ID.UTF-8; without it, nothing to test */
        freelocale(id);
        refused(&r, id_env);
        if (strstr(r.err, "kantor KEL-A hanya boleh membaca laporan unitnya sendiri") == NULL)
                fail_msg("no Indonesian refusal in: %s", r.err);
        h_result_free(&r);
        refused(&r, NULL);
        assert_non_null(strstr(r.err, "may only read its own unit's reports"));
        h_result_free(&r);
}

/* The answer's language follows the client, not the server's own settings:
 * under LC_ALL=id_ID.UTF-8 an English office (or an older client that names
 * no language) still gets English, and under LANGUAGE=en an Indonesian office
 * still gets Indonesian. */
static void test_server_locale_ignored(void **state)
{
        static const char *const id_server[] = {"LC_ALL=id_ID.UTF-8", NULL};
        static const char *const en_server[] = {"LC_ALL=C.UTF-8", "LANGUAGE=en", NULL};
        static const char *const id_env[] = {"LC_ALL=C.UTF-8", "LANGUAGE=id", NULL};
        locale_t id = newlocale(LC_MESSAGES_MASK, "id_ID.UTF-8", (locale_t)0);
        struct h_result r;
        char *old_addr = fx.srv.addr[0] ? strdup(fx.srv.addr) : NULL;

        (void)state;
        if (id == (locale_t)0)
                skip();
        freelocale(id);
        for (int k = 0; k < 2; k++) {
                char *addr = h_strf("--listen=%s", old_addr);
                const char *extra[] = {addr, NULL};
                int st = 0;

                h_server_stop(&fx.srv);
                h_server_free(&fx.srv);
                h_server_env = k == 0 ? id_server : en_server;
                if (h_server_start(&fx.srv, fx.data, extra, &st) != 0)
                        fail_msg("renbind did not restart (exit %d)", st);
                h_server_env = NULL;
                free(addr);
                if (k == 0) {
                        refused(&r, NULL);
                        if (strstr(r.err, "office KEL-A may only read its own unit's reports") ==
                            NULL)
                                fail_msg("an English office got, from an Indonesian server: %s",
                                         r.err);
                } else {
                        refused(&r, id_env);
                        if (strstr(r.err, "kantor KEL-A hanya boleh membaca laporan unitnya "
                                          "sendiri") == NULL)
                                fail_msg("an Indonesian office got, under LANGUAGE=en: %s", r.err);
                }
                h_result_free(&r);
        }
        free(old_addr);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_english),
            cmocka_unit_test(test_indonesian),
            cmocka_unit_test(test_server_locale_ignored),
        };
        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
