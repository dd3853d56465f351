/*
 * run.h - how every test binary runs its cmocka group, so a developer can run
 * one case: RENBIN_TEST_CASES='GLOB' (cmocka's pattern: '*' and '?') in the
 * environment runs only the cases whose names match, e.g.
 *   RENBIN_TEST_CASES='test_revoked*' build/tests/test_e2e_transport
 * The group's setup and teardown still run around them.
 */
#ifndef RENBIN_TEST_RUN_H
#define RENBIN_TEST_RUN_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

/* Applies RENBIN_TEST_CASES, when set and not empty, as cmocka's test filter. */
static inline void renbin_test_select(void)
{
        const char *pattern = getenv("RENBIN_TEST_CASES");

        if (pattern != NULL && pattern[0] != '\0')
                cmocka_set_test_filter(pattern);
}

/* cmocka_run_group_tests, limited to the cases RENBIN_TEST_CASES names. */
#define renbin_run_group_tests(tests, setup, teardown)                                             \
        (renbin_test_select(), cmocka_run_group_tests(tests, setup, teardown))

#endif
