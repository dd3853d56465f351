/*
 * test_text.c - the request path's text helpers: err_utf8_bad (common/err.c)
 * finds the first bad byte wherever it falls against its eight-byte ASCII
 * steps, and str_ll (common/strbuf.c) writes what "%lld" writes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "err.h"
#include "strbuf.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* A bad sequence put at every offset of a 40-byte ASCII text is found at
 * that offset; the text with a good multi-byte sequence there is good. */
static void test_utf8_bad_at_every_offset(void **state)
{
        static const char *const bad[] = {
            "\x80", "\xC0\xAF", "\xED\xA0\x80", "\xF5\x80\x80\x80", "\xE2\x82", "\xFF"};
        static const char *const good[] = {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"};
        char buf[64];

        (void)state;
        for (size_t at = 0; at < 40; at++) {
                for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
                        memset(buf, 'a', 40);
                        buf[40] = '\0';
                        memcpy(buf + at, bad[b], strlen(bad[b]));
                        size_t len = at + strlen(bad[b]) > 40 ? at + strlen(bad[b]) : 40;
                        buf[len] = '\0';
                        assert_int_equal(err_utf8_bad(buf, len), at);
                }
                for (size_t g = 0; g < sizeof(good) / sizeof(good[0]); g++) {
                        memset(buf, 'a', 44);
                        memcpy(buf + at, good[g], strlen(good[g]));
                        buf[44] = '\0';
                        assert_int_equal(err_utf8_bad(buf, 44), ERR_UTF8_OK);
                }
        }
        /* A NUL is ASCII; the length given is what is checked. */
        assert_int_equal(err_utf8_bad("abc\0defghijk\x80", 13), 12);
        assert_int_equal(err_utf8_bad("abcdefghijk\x80", 11), ERR_UTF8_OK);
        assert_int_equal(err_utf8_bad("", 0), ERR_UTF8_OK);
}

/* str_ll against snprintf's "%lld", both ends of the range included. */
static void test_str_ll(void **state)
{
        static const long long v[] = {
            0, 1, -1, 9, 10, -10, 1796221487, -1796221487, LLONG_MAX, LLONG_MIN, LLONG_MIN + 1};
        char want[STR_LL], got[STR_LL];

        (void)state;
        for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
                snprintf(want, sizeof(want), "%lld", v[i]);
                assert_string_equal(str_ll(got, v[i]), want);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_utf8_bad_at_every_offset),
            cmocka_unit_test(test_str_ll),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
