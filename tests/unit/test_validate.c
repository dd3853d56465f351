/*
 * test_validate.c - the domain's input rules (common/validate.c): NIP, dates,
 * numbers, codes, text, word lists, the enrollment state machine, periods;
 * and the ids ops carry (common/uuid.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "run.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "uuid.h"
#include "validate.h"

/* The fixed "today" of the NIP tests. */
#define TODAY "2026-11-29"

/* Asserts that expr failed with code, naming field, with needle in the message. */
#define EXPECT_ERR(expr, code_, field_, needle)                                                    \
        do {                                                                                       \
                struct rb_err e_;                                                                  \
                struct rb_err *e = &e_;                                                            \
                err_clear(e);                                                                      \
                assert_int_equal((expr), -1);                                                      \
                assert_int_equal(e_.code, (code_));                                                \
                assert_string_equal(e_.field, (field_));                                           \
                msg_has(e_.msg, (needle));                                                         \
        } while (0)

/* Fails unless msg contains needle, showing both. */
static void msg_has(const char *msg, const char *needle)
{
        if (strstr(msg, needle) == NULL) {
                print_error("message \"%s\" lacks \"%s\"\n", msg, needle);
                fail();
        }
}

/* Checks nip fails with INVALID_ARGUMENT on "nip", quoting it, with what in the message. */
static void nip_bad(const char *nip, const char *what)
{
        struct rb_err er;
        struct nip_info info = {.sex = 42};

        err_clear(&er);
        assert_int_equal(nip_check(nip, TODAY, &info, &er), -1);
        assert_int_equal(er.code, RB_INVALID);
        assert_string_equal(er.field, "nip");
        msg_has(er.msg, nip);
        msg_has(er.msg, what);
        /* Nothing is reported for a bad NIP. */
        assert_int_equal(info.sex, 42);
}

/* A valid NIP and what it says. */
static void test_nip_valid(void **state)
{
        struct nip_info info;
        struct rb_err er;

        (void)state;
        err_clear(&er);
        assert_int_equal(nip_check("198609262015051001", TODAY, &info, &er), 0);
        assert_string_equal(info.birth, "1986-09-26");
        assert_string_equal(info.tmt, "2015-05-01");
        assert_int_equal(info.sex, 1);
        assert_int_equal(info.seq, 1);
        assert_int_equal(er.code, RB_OK);

        assert_int_equal(nip_check("199001152014032007", TODAY, &info, &er), 0);
        assert_string_equal(info.birth, "1990-01-15");
        assert_string_equal(info.tmt, "2014-03-01");
        assert_int_equal(info.sex, 2);
        assert_int_equal(info.seq, 7);

        /* Appointed in the very month of the 18th birthday, and this month. */
        assert_int_equal(nip_check("198609262004091999", TODAY, &info, &er), 0);
        assert_int_equal(info.seq, 999);
        assert_int_equal(nip_check("198609262026111001", TODAY, NULL, &er), 0);
        /* Born on a leap day. */
        assert_int_equal(nip_check("198802292010012003", TODAY, &info, &er), 0);
        assert_string_equal(info.birth, "1988-02-29");
        /* The system clock is after 2026. */
        assert_int_equal(nip_check("198609262015051001", NULL, NULL, &er), 0);
}

/* Each wrong part of a NIP is named, with the value quoted. */
static void test_nip_invalid(void **state)
{
        struct rb_err er;

        (void)state;
        nip_bad("19860926201505100", "17 characters");
        nip_bad("1986092620150510011", "19 characters");
        nip_bad("19860926201505100A", "digits only");
        nip_bad("19860926-201505-1-001", "21 characters");
        nip_bad("198602302015051001", "birth date 1986-02-30 is not a real date");
        nip_bad("190002292015051001", "birth date 1900-02-29 is not a real date");
        nip_bad("198613262015051001", "birth date 1986-13-26 is not a real date");
        nip_bad("198609002015051001", "birth date 1986-09-00 is not a real date");
        nip_bad("189909262015051001", "before 1900");
        nip_bad("203001012015051001", "birth date 2030-01-01 is in the future");
        nip_bad("198609262015131001", "TMT CPNS 2015-13 has no month 13");
        nip_bad("198609262015001001", "TMT CPNS 2015-00 has no month 00");
        nip_bad("198609262004081001", "TMT CPNS 2004-08 is before the 18th birthday (2004-09)");
        nip_bad("198609262026121001", "TMT CPNS 2026-12 is in the future");
        nip_bad("198609262015050001", "sex digit 0 must be 1 (male) or 2 (female)");
        nip_bad("198609262015053001", "sex digit 3 must be 1 (male) or 2 (female)");
        nip_bad("198609262015051000", "sequence 000 must be 001 or more");

        /* The whole message, once, so its wording is pinned. */
        err_clear(&er);
        assert_int_equal(nip_check("198609262004081001", TODAY, NULL, &er), -1);
        assert_string_equal(er.msg, "NIP 198609262004081001: TMT CPNS 2004-08 is before the 18th "
                                    "birthday (2004-09)");
        assert_int_equal(nip_check("198609261015051001", TODAY, NULL, &er), -1);
        assert_string_equal(er.msg, "NIP 198609261015051001: TMT CPNS 1015-05 is before the 18th "
                                    "birthday (2004-09)");

        EXPECT_ERR(nip_check("", TODAY, NULL, e), RB_INVALID, "nip", "required");
        EXPECT_ERR(nip_check(NULL, TODAY, NULL, e), RB_INVALID, "nip", "required");
        /* A spaced NIP must be normalized first. */
        EXPECT_ERR(nip_check("19860926 201505 1 001", TODAY, NULL, e), RB_INVALID, "nip",
                   "'19860926 201505 1 001' has 21 characters");
        /* A broken "today" is the caller's mistake, and says so. */
        EXPECT_ERR(nip_check("198609262015051001", "2026-02-30", NULL, e), RB_INVALID, "today",
                   "2026-02-30");
}

/* nip_normalize strips spaces and refuses what cannot be a NIP. */
static void test_nip_normalize(void **state)
{
        char out[19];

        (void)state;
        assert_int_equal(nip_normalize("19860926 201505 1 001", out), 0);
        assert_string_equal(out, "198609262015051001");
        assert_int_equal(nip_normalize("  19860926\t201505 1 001  ", out), 0);
        assert_string_equal(out, "198609262015051001");
        assert_int_equal(nip_normalize("198609262015051001", out), 0);
        assert_string_equal(out, "198609262015051001");
        /* Short ones pass through for nip_check to refuse. */
        assert_int_equal(nip_normalize("1986 0926", out), 0);
        assert_string_equal(out, "19860926");
        assert_int_equal(nip_normalize("19860926 201505 1 0011", out), -1);
        assert_string_equal(out, "");
        assert_int_equal(nip_normalize(NULL, out), -1);
}

/* Calendar dates, 1900..2100. */
static void test_dates(void **state)
{
        struct rb_err er;

        (void)state;
        err_clear(&er);
        assert_int_equal(date_check("2024-02-29", "start", &er), 0);
        assert_int_equal(date_check("1900-01-01", "start", &er), 0);
        assert_int_equal(date_check("2100-12-31", "start", &er), 0);
        assert_int_equal(er.code, RB_OK);
        EXPECT_ERR(date_check("2023-02-29", "start", e), RB_INVALID, "start",
                   "start: '2023-02-29' is not a real date");
        EXPECT_ERR(date_check("2024-13-01", "start", e), RB_INVALID, "start", "'2024-13-01'");
        EXPECT_ERR(date_check("2024-04-31", "tanggal", e), RB_INVALID, "tanggal", "'2024-04-31'");
        EXPECT_ERR(date_check("2024-4-01", "start", e), RB_INVALID, "start",
                   "'2024-4-01' is not a date written YYYY-MM-DD");
        EXPECT_ERR(date_check("2024-02-29x", "start", e), RB_INVALID, "start", "YYYY-MM-DD");
        EXPECT_ERR(date_check("29-02-2024", "start", e), RB_INVALID, "start", "'29-02-2024'");
        EXPECT_ERR(date_check("1899-12-31", "start", e), RB_INVALID, "start", "1900..2100");
        EXPECT_ERR(date_check("2101-01-01", "start", e), RB_INVALID, "start", "'2101-01-01'");
        EXPECT_ERR(date_check("", "start", e), RB_INVALID, "start", "''");
        EXPECT_ERR(date_check(NULL, "start", e), RB_INVALID, "start", "YYYY-MM-DD");
}

/* Ranges: a reversed one names the end field; a bad date names its own. */
static void test_date_range(void **state)
{
        struct rb_err er;

        (void)state;
        err_clear(&er);
        assert_int_equal(date_range_check("2026-03-01", "2026-03-10", "start", "end", &er), 0);
        assert_int_equal(date_range_check("2026-03-01", "2026-03-01", "start", "end", &er), 0);
        EXPECT_ERR(date_range_check("2026-03-10", "2026-03-01", "start", "end", e), RB_INVALID,
                   "end", "end: 2026-03-01 is before start 2026-03-10");
        EXPECT_ERR(date_range_check("2026-02-30", "2026-03-01", "start", "end", e), RB_INVALID,
                   "start", "'2026-02-30'");
        EXPECT_ERR(date_range_check("2026-03-01", "2026-3-9", "start", "end", e), RB_INVALID, "end",
                   "'2026-3-9'");
}

/* Day differences and today's date in WIB. */
static void test_date_days(void **state)
{
        char today[11], utc[11];
        time_t now = time(NULL);
        struct tm tm;
        long d;

        (void)state;
        assert_int_equal(date_diff_days("2024-02-28", "2024-03-01"), 2);
        assert_int_equal(date_diff_days("2023-02-28", "2023-03-01"), 1);
        assert_int_equal(date_diff_days("2026-01-01", "2025-01-01"), -365);
        assert_int_equal(date_diff_days("1970-01-01", "2000-01-01"), 10957);
        assert_int_equal(date_diff_days("1900-03-01", "2100-03-01"), 73049);
        assert_int_equal(date_diff_days("2026-11-29", "2026-11-29"), 0);
        assert_int_equal(date_diff_days("2026-02-30", "2026-03-01"), 0);

        date_today(today);
        gmtime_r(&now, &tm);
        strftime(utc, sizeof(utc), "%Y-%m-%d", &tm);
        assert_int_equal(strlen(today), 10);
        assert_int_equal(date_check(today, "today", NULL), 0);
        /* WIB is the UTC date or, from 17:00 UTC, the day after. */
        d = date_diff_days(utc, today);
        if (tm.tm_hour >= 17)
                assert_int_equal(d, 1);
        else
                assert_int_equal(d, 0);
}

/* Whole numbers in a range. */
static void test_int(void **state)
{
        struct rb_err er;
        long v = 0;

        (void)state;
        err_clear(&er);
        assert_int_equal(int_check("-3", -5, 5, "x", &v, &er), 0);
        assert_int_equal(v, -3);
        assert_int_equal(int_check("040", 0, 100, "jp", &v, &er), 0);
        assert_int_equal(v, 40);
        EXPECT_ERR(int_check("101", 0, 100, "jp", &v, e), RB_INVALID, "jp",
                   "jp: '101' is not a whole number from 0 to 100");
        EXPECT_ERR(int_check("99999999999999999999999", 0, 100, "jp", &v, e), RB_INVALID, "jp",
                   "'99999999999999999999999'");
        EXPECT_ERR(int_check(" 4", 0, 100, "jp", &v, e), RB_INVALID, "jp", "' 4'");
        EXPECT_ERR(int_check("+4", 0, 100, "jp", &v, e), RB_INVALID, "jp", "'+4'");
        EXPECT_ERR(int_check("-", -5, 5, "jp", &v, e), RB_INVALID, "jp", "'-'");
        EXPECT_ERR(int_check("4 ", 0, 100, "jp", &v, e), RB_INVALID, "jp", "'4 '");
        EXPECT_ERR(int_check(NULL, 0, 100, "jp", &v, e), RB_INVALID, "jp", "''");
        assert_int_equal(v, 40);
}

/* Ratings 1-5 and SKM scores 1-4. */
static void test_ratings(void **state)
{
        static const char *const bad[] = {"0", "6", "4.5", "", "abc", "-1", "5a"};
        struct rb_err er;
        long v = 0;

        (void)state;
        err_clear(&er);
        for (long i = 1; i <= 5; i++) {
                char s[2] = {(char)('0' + i), '\0'};
                assert_int_equal(rating5_check(s, "materi", &v, &er), 0);
                assert_int_equal(v, i);
        }
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                char quoted[16];
                snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
                EXPECT_ERR(rating5_check(bad[i], "materi", &v, e), RB_INVALID, "materi", quoted);
        }
        EXPECT_ERR(rating5_check("4.5", "penyampaian", &v, e), RB_INVALID, "penyampaian",
                   "penyampaian: '4.5' is not a whole number from 1 to 5");
        EXPECT_ERR(rating5_check(NULL, "materi", &v, e), RB_INVALID, "materi", "from 1 to 5");
        assert_int_equal(v, 5);

        assert_int_equal(skm_score_check("1", "u1", &v, &er), 0);
        assert_int_equal(v, 1);
        assert_int_equal(skm_score_check("4", "u9", &v, &er), 0);
        assert_int_equal(v, 4);
        EXPECT_ERR(skm_score_check("5", "u3", &v, e), RB_INVALID, "u3",
                   "u3: '5' is not a whole number from 1 to 4");
        EXPECT_ERR(skm_score_check("0", "u3", &v, e), RB_INVALID, "u3", "'0'");
        assert_int_equal(v, 4);
}

/* Codes: 1-32 of A-Z 0-9 - _ . */
static void test_codes(void **state)
{
        struct rb_err er;

        (void)state;
        err_clear(&er);
        assert_int_equal(code_check("PKM-BLW.01", "unit", &er), 0);
        assert_int_equal(code_check("KEL_BAGAN_DELI", "unit", &er), 0);
        assert_int_equal(code_check("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", "unit", &er), 0);
        EXPECT_ERR(code_check("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", "unit", e), RB_INVALID, "unit",
                   "'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456' is longer than 32 characters");
        EXPECT_ERR(code_check("pkm-blw", "unit", e), RB_INVALID, "unit",
                   "unit: 'pkm-blw' may only");
        EXPECT_ERR(code_check("PKM BLW", "program", e), RB_INVALID, "program", "'PKM BLW'");
        EXPECT_ERR(code_check("PKM/BLW", "program", e), RB_INVALID, "program", "'PKM/BLW'");
        EXPECT_ERR(code_check("", "competency", e), RB_INVALID, "competency",
                   "competency is required");
        EXPECT_ERR(code_check(NULL, "competency", e), RB_INVALID, "competency", "required");
}

/* UTF-8: well-formed sequences pass; overlongs, surrogates, truncation fail. */
static void test_utf8(void **state)
{
        (void)state;
        assert_int_equal(utf8_valid(""), 1);
        assert_int_equal(utf8_valid("Belawan Sicanang"), 1);
        assert_int_equal(utf8_valid("Pe\xc3\xb1"
                                    "a \xe2\x80\x93 \xe2\x82\xac"),
                         1);
        assert_int_equal(utf8_valid("\xf0\x9f\x98\x80"), 1); /* U+1F600 */
        assert_int_equal(utf8_valid("\xf4\x8f\xbf\xbf"), 1); /* U+10FFFF */
        assert_int_equal(utf8_valid("\xed\x9f\xbf"), 1);     /* U+D7FF */
        assert_int_equal(utf8_valid("\xee\x80\x80"), 1);     /* U+E000 */
        assert_int_equal(utf8_valid("\xc0\xaf"), 0);         /* overlong '/' */
        assert_int_equal(utf8_valid("\xc1\xbf"), 0);         /* overlong */
        assert_int_equal(utf8_valid("\xe0\x80\xaf"), 0);     /* overlong, 3 bytes */
        assert_int_equal(utf8_valid("\xe0\x9f\xbf"), 0);     /* overlong U+07FF */
        assert_int_equal(utf8_valid("\xf0\x80\x80\xaf"), 0); /* overlong, 4 bytes */
        assert_int_equal(utf8_valid("\xf0\x8f\xbf\xbf"), 0); /* overlong U+FFFF */
        assert_int_equal(utf8_valid("\xed\xa0\x80"), 0);     /* surrogate D800 */
        assert_int_equal(utf8_valid("\xed\xbf\xbf"), 0);     /* surrogate DFFF */
        assert_int_equal(utf8_valid("\xf4\x90\x80\x80"), 0); /* above U+10FFFF */
        assert_int_equal(utf8_valid("\xf5\x80\x80\x80"), 0);
        assert_int_equal(utf8_valid("\xe2\x82"), 0);     /* truncated */
        assert_int_equal(utf8_valid("abc\xe2"), 0);      /* truncated at end */
        assert_int_equal(utf8_valid("\xe2\x82x"), 0);    /* truncated inside */
        assert_int_equal(utf8_valid("\xf0\x9f\x98"), 0); /* truncated 4-byte */
        assert_int_equal(utf8_valid("\x80"), 0);         /* lone continuation */
        assert_int_equal(utf8_valid("a\xff"), 0);
        assert_int_equal(utf8_valid("Jos\xe9"), 0); /* Latin-1 */
        assert_int_equal(utf8_valid(NULL), 0);
}

/* Required and optional free text. */
static void test_text(void **state)
{
        struct rb_err er;

        (void)state;
        err_clear(&er);
        assert_int_equal(text_check("Pengelolaan anggaran", 200, "topic", &er), 0);
        assert_int_equal(text_check("baris satu\n\tbaris dua", 200, "notes", &er), 0);
        assert_int_equal(text_check("12345", 5, "topic", &er), 0);
        assert_int_equal(text_check("Pe\xc3\xb1"
                                    "a",
                                    5, "topic", &er),
                         0);
        EXPECT_ERR(text_check("123456", 5, "topic", e), RB_INVALID, "topic",
                   "topic: '123456' is longer than 5 bytes");
        EXPECT_ERR(text_check("  \t\n", 200, "topic", e), RB_INVALID, "topic", "topic is required");
        EXPECT_ERR(text_check("", 200, "topic", e), RB_INVALID, "topic", "required");
        EXPECT_ERR(text_check(NULL, 200, "topic", e), RB_INVALID, "topic", "required");
        EXPECT_ERR(text_check("Jos\xe9", 200, "nama", e), RB_INVALID, "nama",
                   "nama: 'Jos?' is not valid UTF-8 text");
        EXPECT_ERR(text_check("merah \x1b[31m", 200, "nama", e), RB_INVALID, "nama",
                   "'merah ?[31m' holds a control character");

        assert_int_equal(opt_text_check(NULL, 10, "comment", &er), 0);
        assert_int_equal(opt_text_check("", 10, "comment", &er), 0);
        assert_int_equal(opt_text_check("bagus", 10, "comment", &er), 0);
        EXPECT_ERR(opt_text_check("\xc0\xaf", 10, "comment", e), RB_INVALID, "comment",
                   "not valid UTF-8");
        EXPECT_ERR(opt_text_check("sangat bagus sekali", 10, "comment", e), RB_INVALID, "comment",
                   "longer than 10 bytes");
}

/* The word lists are exactly the documented words, in order. */
static void test_lists(void **state)
{
        static const char *const kinds[] = {"kecamatan", "kelurahan", "puskesmas", "pustu",  "upt",
                                            "dinas",     "badan",     "kantor",    "lainnya"};
        static const char *const types[] = {"teknis", "manajerial", "sosial-kultural"};
        static const char *const methods[] = {
            "pelatihan", "bimtek",     "sosialisasi", "seminar",    "workshop",
            "kursus",    "coaching",   "mentoring",   "e-learning", "pjj",
            "magang",    "pertukaran", "bimbingan",   "komunitas",  "outbound"};
        static const char *const gol[] = {
            "I/a",   "I/b",   "I/c",   "I/d",  "II/a", "II/b", "II/c", "II/d", "III/a",
            "III/b", "III/c", "III/d", "IV/a", "IV/b", "IV/c", "IV/d", "IV/e", "I",
            "II",    "III",   "IV",    "V",    "VI",   "VII",  "VIII", "IX",   "X",
            "XI",    "XII",   "XIII",  "XIV",  "XV",   "XVI",  "XVII"};
        static const char *const prio[] = {"tinggi", "sedang", "rendah"};
        static const char *const states[] = {"terdaftar", "hadir", "selesai", "tidak-hadir",
                                             "batal"};
        size_t i;

        (void)state;
#define SAME_LIST(list, want)                                                                      \
        do {                                                                                       \
                for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)                               \
                        assert_string_equal((list)[i], (want)[i]);                                 \
                assert_null((list)[i]);                                                            \
        } while (0)
        SAME_LIST(unit_kinds, kinds);
        SAME_LIST(competency_types, types);
        SAME_LIST(program_methods, methods);
        SAME_LIST(golongan_list, gol);
        SAME_LIST(need_priorities, prio);
        SAME_LIST(enroll_states, states);
#undef SAME_LIST

        /* The first six methods are klasikal, the rest nonklasikal. */
        for (i = 0; program_methods[i] != NULL; i++)
                assert_int_equal(method_nonklasikal(program_methods[i]), i >= 6);
        assert_int_equal(method_nonklasikal("Coaching"), 0);
        assert_int_equal(method_nonklasikal("lainnya"), 0);
        assert_int_equal(method_nonklasikal(NULL), 0);
}

/* Seminar and workshop count by day (4 and 5 JP), every other method its
 * own JP: the default is days x the rate, more is refused with the rule. */
static void test_jp_by_day(void **state)
{
        struct rb_err er;

        (void)state;
        err_clear(&er);
        assert_int_equal(method_jp_a_day("seminar"), 4);
        assert_int_equal(method_jp_a_day("workshop"), 5);
        assert_int_equal(method_jp_a_day("pelatihan"), 0);
        assert_int_equal(method_jp_default("seminar", "2027-03-01", "2027-03-02"), 8);
        assert_int_equal(method_jp_default("workshop", "2027-02-28", "2027-03-01"), 10);
        assert_int_equal(method_jp_default("seminar", "2028-02-28", "2028-03-01"), 12);
        assert_int_equal(method_jp_default("pelatihan", "2027-03-01", "2027-03-02"), 0);
        assert_int_equal(method_jp_default("seminar", "2027-03-02", "2027-03-01"), 0);
        assert_int_equal(method_jp_check("seminar", "2027-03-01", "2027-03-02", 8, &er), 0);
        assert_int_equal(method_jp_check("pelatihan", "2027-03-01", "2027-03-01", 900, &er), 0);
        assert_int_equal(method_jp_check("seminar", "2027-03-01", "2027-03-02", 9, &er), -1);
        assert_int_equal(er.code, RB_INVALID);
        assert_string_equal(er.field, "jp");
        assert_non_null(strstr(er.msg, "a seminar of 2 days counts at most 8 JP (4 JP a day)"));
        assert_int_equal(method_jp_check("workshop", "2027-03-01", "2027-03-01", 6, &er), -1);
        assert_non_null(strstr(er.msg, "a workshop of 1 day counts at most 5 JP (5 JP a day)"));
}

/* enum_check accepts exact words only and lists them when it refuses. */
static void test_enum(void **state)
{
        struct rb_err er;

        (void)state;
        err_clear(&er);
        assert_int_equal(enum_check("teknis", competency_types, "type", &er), 0);
        assert_int_equal(enum_check("sosial-kultural", competency_types, "type", &er), 0);
        assert_int_equal(enum_check("e-learning", program_methods, "method", &er), 0);
        assert_int_equal(enum_check("III/d", golongan_list, "golongan", &er), 0);
        assert_int_equal(enum_check("XVII", golongan_list, "golongan", &er), 0);
        assert_int_equal(enum_check("pustu", unit_kinds, "kind", &er), 0);
        assert_int_equal(enum_check("tinggi", need_priorities, "priority", &er), 0);
        EXPECT_ERR(enum_check("Teknis", competency_types, "type", e), RB_INVALID, "type",
                   "type: 'Teknis' is not one of: teknis, manajerial, sosial-kultural");
        EXPECT_ERR(enum_check("sosial kultural", competency_types, "type", e), RB_INVALID, "type",
                   "'sosial kultural'");
        EXPECT_ERR(enum_check("III/e", golongan_list, "golongan", e), RB_INVALID, "golongan",
                   "'III/e' is not one of: I/a, I/b,");
        EXPECT_ERR(enum_check("XVIII", golongan_list, "golongan", e), RB_INVALID, "golongan",
                   "XVI, XVII");
        EXPECT_ERR(enum_check("webinar", program_methods, "method", e), RB_INVALID, "method",
                   "'webinar' is not one of: pelatihan, bimtek,");
        EXPECT_ERR(enum_check("", need_priorities, "priority", e), RB_INVALID, "priority",
                   "priority: '' is not one of: tinggi, sedang, rendah");
        EXPECT_ERR(enum_check(NULL, unit_kinds, "kind", e), RB_INVALID, "kind", "kecamatan");
}

/* Every pair of states: exactly the five documented moves are allowed. */
static void test_enroll_machine(void **state)
{
        static const char *const allowed[][2] = {
            {"terdaftar", "hadir"}, {"hadir", "selesai"}, {"terdaftar", "tidak-hadir"},
            {"terdaftar", "batal"}, {"hadir", "batal"},
        };
        struct rb_err er;
        size_t seen = 0;

        (void)state;
        for (size_t f = 0; enroll_states[f] != NULL; f++) {
                for (size_t t = 0; enroll_states[t] != NULL; t++) {
                        const char *from = enroll_states[f], *to = enroll_states[t];
                        int ok = 0;

                        for (size_t k = 0; k < sizeof(allowed) / sizeof(allowed[0]); k++)
                                if (strcmp(allowed[k][0], from) == 0 &&
                                    strcmp(allowed[k][1], to) == 0)
                                        ok = 1;
                        err_clear(&er);
                        if (ok) {
                                assert_int_equal(enroll_transition(from, to, &er), 0);
                                assert_int_equal(er.code, RB_OK);
                                seen++;
                                continue;
                        }
                        assert_int_equal(enroll_transition(from, to, &er), -1);
                        assert_int_equal(er.code, RB_PRECONDITION);
                        assert_string_equal(er.field, "status");
                        msg_has(er.msg, to);
                }
        }
        assert_int_equal(seen, 5);
}

/* A sample of refusals, with their exact messages, and words that are not states. */
static void test_enroll_refused(void **state)
{
        (void)state;
        EXPECT_ERR(enroll_transition("selesai", "hadir", e), RB_PRECONDITION, "status",
                   "status: cannot go from 'selesai' to 'hadir'");
        EXPECT_ERR(enroll_transition("batal", "terdaftar", e), RB_PRECONDITION, "status",
                   "cannot go from 'batal' to 'terdaftar'");
        EXPECT_ERR(enroll_transition("tidak-hadir", "hadir", e), RB_PRECONDITION, "status",
                   "cannot go from 'tidak-hadir' to 'hadir'");
        EXPECT_ERR(enroll_transition("terdaftar", "selesai", e), RB_PRECONDITION, "status",
                   "cannot go from 'terdaftar' to 'selesai'");
        EXPECT_ERR(enroll_transition("hadir", "tidak-hadir", e), RB_PRECONDITION, "status",
                   "cannot go from 'hadir' to 'tidak-hadir'");
        EXPECT_ERR(enroll_transition("selesai", "batal", e), RB_PRECONDITION, "status",
                   "cannot go from 'selesai' to 'batal'");
        EXPECT_ERR(enroll_transition("hadir", "hadir", e), RB_PRECONDITION, "status",
                   "status: already 'hadir'");
        EXPECT_ERR(enroll_transition("terdaftar", "done", e), RB_INVALID, "status",
                   "'done' is not one of: terdaftar, hadir, selesai, tidak-hadir, batal");
        EXPECT_ERR(enroll_transition("tidak hadir", "batal", e), RB_INVALID, "status",
                   "'tidak hadir'");
        EXPECT_ERR(enroll_transition(NULL, "hadir", e), RB_INVALID, "status", "''");
}

/* Periods and plan years. */
static void test_periods(void **state)
{
        static const char *const good[] = {"2027",    "2027-S1", "2027-S2", "2027-Q1", "2027-Q2",
                                           "2027-Q3", "2027-Q4", "2000",    "2100-Q4"};
        static const char *const bad[] = {"2027-S3", "2027-S0", "2027-Q5", "2027-Q0",  "2027-s1",
                                          "2027-q1", "2027Q1",  "2027-Q",  "2027-Q12", "27",
                                          "1999",    "2101-S1", "",        "abcd",     "2027-H1"};
        struct rb_err er;
        long y = 0;

        (void)state;
        err_clear(&er);
        for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
                assert_int_equal(period_check(good[i], "period", &er), 0);
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                char quoted[16];
                snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
                EXPECT_ERR(period_check(bad[i], "period", e), RB_INVALID, "period", quoted);
        }
        EXPECT_ERR(period_check(NULL, "period", e), RB_INVALID, "period", "YYYY-S1");

        assert_int_equal(year_check("2027", "year", &y, &er), 0);
        assert_int_equal(y, 2027);
        assert_int_equal(year_check("2000", "year", &y, &er), 0);
        assert_int_equal(y, 2000);
        assert_int_equal(year_check("2100", "year", &y, &er), 0);
        assert_int_equal(y, 2100);
        EXPECT_ERR(year_check("1999", "year", &y, e), RB_INVALID, "year",
                   "year: '1999' is not a year from 2000 to 2100");
        EXPECT_ERR(year_check("2101", "year", &y, e), RB_INVALID, "year", "'2101'");
        EXPECT_ERR(year_check("02027", "year", &y, e), RB_INVALID, "year", "'02027'");
        EXPECT_ERR(year_check("20x7", "year", &y, e), RB_INVALID, "year", "'20x7'");
        EXPECT_ERR(year_check("", "tahun", &y, e), RB_INVALID, "tahun", "''");
        assert_int_equal(y, 2100);
}

/* Long and hostile values are cut and made printable in messages. */
static void test_quoting(void **state)
{
        char longv[200];

        (void)state;
        memset(longv, 'A', sizeof(longv) - 1);
        longv[sizeof(longv) - 1] = '\0';
        EXPECT_ERR(code_check(longv, "unit", e), RB_INVALID, "unit",
                   "'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA...' is longer");
        EXPECT_ERR(enum_check("a\nb\x1b", unit_kinds, "kind", e), RB_INVALID, "kind", "'a?b?'");
        /* A multi-byte character is never split. */
        EXPECT_ERR(text_check("\x01"
                              "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
                              "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
                              "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
                              "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac",
                              500, "nama", e),
                   RB_INVALID, "nama",
                   "'?\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
                   "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
                   "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
                   "\xe2\x82\xac...' holds");
}

/* An id is 36 characters: hex digits of either case, dashes at 8, 13, 18
 * and 23; anything shorter, longer or otherwise is not one. Made ids are. */
static void test_uuid_valid(void **state)
{
        static const char *const bad[] = {
            "",
            "0190f5e2-7b3c-7d4e-8f00-1234567890a",     /* 35 */
            "0190f5e2-7b3c-7d4e-8f00-1234567890abc",   /* 37 */
            "0190f5e2x7b3c-7d4e-8f00-1234567890ab",    /* no dash at 8 */
            "0190f5e2-7b3c-7d4e-8f00-1234567890-b",    /* a dash elsewhere */
            "0190f5e2-7b3c-7d4e-8f00-1234567890ag",    /* g */
            "0190f5e2-7b3c-7d4e-8f00-1234567890a/",    /* just below '0' */
            "0190f5e2-7b3c-7d4e-8f00-1234567890a:",    /* just above '9' */
            "0190f5e2-7b3c-7d4e-8f00-1234567890a`",    /* just below 'a' */
            "0190f5e2-7b3c-7d4e-8f00-1234567890a@",    /* just below 'A' */
            "0190f5e2-7b3c-7d4e-8f00-1234567890a\xc1", /* 'A' | 0x80 */
            "0190f5e2-7b3c-7d4e-8f00-1234567890 b",
        };
        char made[UUID_STR];

        (void)state;
        assert_true(uuid_valid("0190f5e2-7b3c-7d4e-8f00-1234567890ab"));
        assert_true(uuid_valid("0190F5E2-7B3C-7D4E-8F00-ABCDEFABCDEF"));
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                if (uuid_valid(bad[i]))
                        fail_msg("%s taken for an id", bad[i]);
        assert_int_equal(uuid7_make(made), 0);
        assert_true(uuid_valid(made));
        assert_int_equal(uuid4_make(made), 0);
        assert_true(uuid_valid(made));
}

/* err_set may wrap the message and field e already holds, as a caller
 * adding where it failed does. */
static void test_err_wraps_itself(void **state)
{
        struct rb_err e;

        (void)state;
        err_clear(&e);
        err_set(&e, RB_PRECONDITION, "path", "%s exists", "/srv/renbin/renbin.db.before");
        err_set(&e, e.code, e.field, "cannot keep %s aside: %s", "/srv/renbin/renbin.db", e.msg);
        assert_int_equal(e.code, RB_PRECONDITION);
        assert_string_equal(e.field, "path");
        assert_string_equal(e.msg, "cannot keep /srv/renbin/renbin.db aside: "
                                   "/srv/renbin/renbin.db.before exists");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_nip_valid),
            cmocka_unit_test(test_nip_invalid),
            cmocka_unit_test(test_nip_normalize),
            cmocka_unit_test(test_dates),
            cmocka_unit_test(test_date_range),
            cmocka_unit_test(test_date_days),
            cmocka_unit_test(test_int),
            cmocka_unit_test(test_ratings),
            cmocka_unit_test(test_codes),
            cmocka_unit_test(test_utf8),
            cmocka_unit_test(test_text),
            cmocka_unit_test(test_lists),
            cmocka_unit_test(test_enum),
            cmocka_unit_test(test_jp_by_day),
            cmocka_unit_test(test_enroll_machine),
            cmocka_unit_test(test_enroll_refused),
            cmocka_unit_test(test_periods),
            cmocka_unit_test(test_quoting),
            cmocka_unit_test(test_uuid_valid),
            cmocka_unit_test(test_err_wraps_itself),
        };

        return renbin_run_group_tests(tests, NULL, NULL);
}
