/*
 * fuzz_validate.c - libFuzzer target for the domain's input rules
 * (common/validate.c), which the server runs on every text an op carries.
 *
 * The input, cut at its first NUL as a protobuf string would never be but a C
 * string always is, goes through every check as the value, and as "today"
 * for nip_check. What a check accepts must be what it promises: a date has 10
 * characters and a real day, accepted text is valid UTF-8 within its limit, a
 * NIP's parts are real dates. A refusal must fill the error with a message.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "validate.h"

#define CHECK(c)                                                                                   \
        do {                                                                                       \
                if (!(c))                                                                          \
                        abort();                                                                   \
        } while (0)

/* A NIP valid on TODAY, to fuzz "today" against. */
#define NIP_OK "198609262015051001"
#define TODAY "2027-06-15"

/* Runs rc's check: a refusal (-1) carries a code and a message; else rc is 0. */
static int refused(int rc, const struct rb_err *e)
{
        CHECK(rc == 0 || rc == -1);
        if (rc == -1)
                CHECK(e->code != RB_OK && e->msg[0] != '\0');
        return rc != 0;
}

/* The NIP checks: as given, normalized, and s as today's date. */
static void nip(const char *s)
{
        struct nip_info info;
        struct rb_err e;
        char norm[19];

        if (!refused(nip_check(s, TODAY, &info, &e), &e)) {
                CHECK(strlen(s) == 18);
                CHECK(date_check(info.birth, "birth", &e) == 0);
                CHECK(strlen(info.tmt) == 10);
                CHECK(info.sex == 1 || info.sex == 2);
                CHECK(info.seq >= 1 && info.seq <= 999);
        }
        if (nip_normalize(s, norm) == 0) {
                CHECK(strlen(norm) <= 18 && strpbrk(norm, " \t") == NULL);
                refused(nip_check(norm, TODAY, NULL, &e), &e);
        } else {
                CHECK(norm[0] == '\0');
        }
        if (!refused(nip_check(NIP_OK, s, NULL, &e), &e))
                CHECK(date_check(s, "today", &e) == 0);
}

/* The dates, periods and numbers. */
static void dates(const char *s)
{
        struct rb_err e;
        long v;

        if (!refused(date_check(s, "date", &e), &e)) {
                CHECK(strlen(s) == 10);
                CHECK(date_diff_days(s, s) == 0);
                CHECK(date_diff_days("1900-01-01", s) >= 0);
                CHECK(date_diff_days(s, "2100-12-31") >= 0);
                CHECK(date_range_check(s, s, "from", "to", &e) == 0);
        } else {
                CHECK(date_diff_days(s, TODAY) == 0);
        }
        refused(date_range_check(s, TODAY, "from", "to", &e), &e);
        refused(date_range_check(TODAY, s, "from", "to", &e), &e);
        if (!refused(period_check(s, "period", &e), &e))
                CHECK(strlen(s) == 4 || strlen(s) == 7);
        if (!refused(year_check(s, "year", &v, &e), &e))
                CHECK(v >= 2000 && v <= 2100);
        if (!refused(int_check(s, -1000, 1000, "n", &v, &e), &e))
                CHECK(v >= -1000 && v <= 1000);
        if (!refused(rating5_check(s, "rating", &v, &e), &e))
                CHECK(v >= 1 && v <= 5);
        if (!refused(skm_score_check(s, "score", &v, &e), &e))
                CHECK(v >= 1 && v <= 4);
}

/* The text, code and word checks. */
static void text(const char *s)
{
        static const size_t maxes[] = {0, 1, 8, 200, 4000};
        struct rb_err e;
        int ok = utf8_valid(s);

        for (size_t i = 0; i < sizeof(maxes) / sizeof(maxes[0]); i++) {
                if (!refused(text_check(s, maxes[i], "text", &e), &e))
                        CHECK(ok && strlen(s) <= maxes[i] && strlen(s) > 0);
                if (!refused(opt_text_check(s, maxes[i], "text", &e), &e))
                        CHECK(s[0] == '\0' || (ok && strlen(s) <= maxes[i]));
        }
        if (!refused(code_check(s, "code", &e), &e))
                CHECK(strlen(s) >= 1 && strlen(s) <= 32);
        refused(enum_check(s, unit_kinds, "kind", &e), &e);
        refused(enum_check(s, competency_types, "type", &e), &e);
        refused(enum_check(s, program_methods, "method", &e), &e);
        refused(enum_check(s, golongan_list, "golongan", &e), &e);
        refused(enum_check(s, need_priorities, "priority", &e), &e);
        if (method_nonklasikal(s))
                CHECK(enum_check(s, program_methods, "method", &e) == 0);
        refused(enroll_transition(s, "hadir", &e), &e);
        refused(enroll_transition("terdaftar", s, &e), &e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One run: data as one C string. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *s = malloc(size + 1);

        if (s == NULL)
                return 0;
        memcpy(s, data, size);
        s[size] = '\0';
        nip(s);
        dates(s);
        text(s);
        free(s);
        return 0;
}
