/*
 * test_report_math.c - the figures of renbin's reports (common/report_math.c)
 * against values computed by hand: rounding, rating distributions and means,
 * shares, JP from mentoring minutes, and the IKM with its grade boundaries
 * (PermenPAN-RB 14/2017, weight 1/9 exactly).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "run.h"

#include "report_math.h"

#include <math.h>

/* Two decimals, half away from zero, also for decimal-looking doubles. */
static void test_round(void **state)
{
        (void)state;
        assert_int_equal(rm_hundredths(88.305), 8831);
        assert_int_equal(rm_hundredths(88.3049), 8830);
        assert_int_equal(rm_hundredths(2.675), 268);
        assert_int_equal(rm_hundredths(0.0), 0);
        assert_int_equal(rm_hundredths(-1.005), -101);
        assert_true(rm_round2(14.666666) == 14.67);
        assert_int_equal(rm_ratio100(2, 3), 67);
        assert_int_equal(rm_ratio100(1, 3), 33);
        assert_int_equal(rm_ratio100(1, 8), 13); /* 0.125 -> 0.13 */
        assert_int_equal(rm_ratio100(5, 0), 0);
}

/* Periods of mixed length order by the month they end. */
static void test_period_end(void **state)
{
        (void)state;
        assert_int_equal(rm_period_end("2027-Q1"), 202703);
        assert_int_equal(rm_period_end("2027-S1"), 202706);
        assert_int_equal(rm_period_end("2027-Q3"), 202709);
        assert_int_equal(rm_period_end("2027-S2"), 202712);
        assert_int_equal(rm_period_end("2027"), 202712);
        assert_true(rm_period_end("2026-S2") < rm_period_end("2027-Q1"));
        assert_int_equal(rm_period_end("2027-S3"), -1);
        assert_int_equal(rm_period_end("27-S1"), -1);
        assert_int_equal(rm_period_end(NULL), -1);
}

/* Distribution counts, sum and mean of ratings 1-5. */
static void test_dist(void **state)
{
        struct rm_dist d = {0}, all = {0};
        const long v[] = {5, 4, 4, 3};

        (void)state;
        for (size_t i = 0; i < 4; i++)
                assert_int_equal(rm_dist_add(&d, v[i]), 0);
        assert_int_equal(rm_dist_add(&d, 0), -1);
        assert_int_equal(rm_dist_add(&d, 6), -1);
        assert_int_equal(d.n, 4);
        assert_int_equal(d.sum, 16);
        assert_int_equal(d.count[0], 0);
        assert_int_equal(d.count[2], 1);
        assert_int_equal(d.count[3], 2);
        assert_int_equal(d.count[4], 1);
        assert_int_equal(rm_dist_mean100(&d), 400);

        struct rm_dist e = {0};
        rm_dist_add(&e, 5);
        rm_dist_add(&e, 4);
        rm_dist_add(&e, 4);
        assert_int_equal(rm_dist_mean100(&e), 433); /* 13 / 3 = 4.333 */
        struct rm_dist f = {0};
        rm_dist_add(&f, 1);
        rm_dist_add(&f, 2);
        rm_dist_add(&f, 2);
        assert_int_equal(rm_dist_mean100(&f), 167); /* 5 / 3 = 1.667 */

        rm_dist_merge(&all, &d);
        rm_dist_merge(&all, &e);
        assert_int_equal(all.n, 7);
        assert_int_equal(all.sum, 29);
        assert_int_equal(all.count[3], 4);
        assert_int_equal(rm_dist_mean100(&all), 414); /* 29 / 7 = 4.1428 */
        struct rm_dist z = {0};
        assert_int_equal(rm_dist_mean100(&z), 0);
}

/* The weakest is the lowest, the first one on ties. */
static void test_weakest(void **state)
{
        const long long a[] = {433, 400, 433}, b[] = {400, 400, 450}, c[] = {300, 350, 250};

        (void)state;
        assert_int_equal(rm_weakest(a, 3), 1);
        assert_int_equal(rm_weakest(b, 3), 0);
        assert_int_equal(rm_weakest(c, 3), 2);
        assert_int_equal(rm_weakest(a, 0), -1);
}

/* Response rate and compliance shares as percentages. */
static void test_pct(void **state)
{
        (void)state;
        assert_int_equal(rm_pct100(3, 4), 7500);
        assert_int_equal(rm_pct100(2, 3), 6667);
        assert_int_equal(rm_pct100(1, 3), 3333);
        assert_int_equal(rm_pct100(4, 4), 10000);
        assert_int_equal(rm_pct100(0, 0), 0);
}

/* Nonklasikal JP from mentoring minutes, and hours. */
static void test_jp(void **state)
{
        (void)state;
        assert_int_equal(rm_jp100_from_minutes(120, 45), 267); /* 2.6667 */
        assert_int_equal(rm_jp100_from_minutes(90, 45), 200);
        assert_int_equal(rm_jp100_from_minutes(100, 60), 167);
        assert_int_equal(rm_jp100_from_minutes(45, 0), 100); /* default 45 */
        assert_int_equal(rm_jp100_from_minutes(0, 45), 0);
        assert_int_equal(rm_jp100_from_minutes(900, 45), 2000);
        assert_int_equal(rm_hours100(90), 150);
        assert_int_equal(rm_hours100(100), 167);
}

/* Grade boundaries compared on the value rounded to two decimals. */
static void test_grade_bounds(void **state)
{
        (void)state;
        assert_int_equal(rm_ikm_grade(100.00).grade, 'A');
        assert_int_equal(rm_ikm_grade(88.31).grade, 'A');
        assert_int_equal(rm_ikm_grade(88.30).grade, 'B');
        assert_int_equal(rm_ikm_grade(88.305).grade, 'A'); /* rounds to 88.31 */
        assert_int_equal(rm_ikm_grade(88.3049).grade, 'B');
        assert_int_equal(rm_ikm_grade(76.61).grade, 'B');
        assert_int_equal(rm_ikm_grade(76.60).grade, 'C');
        assert_int_equal(rm_ikm_grade(65.00).grade, 'C');
        assert_int_equal(rm_ikm_grade(64.99).grade, 'D');
        assert_int_equal(rm_ikm_grade(64.995).grade, 'C'); /* rounds to 65.00 */
        assert_int_equal(rm_ikm_grade(25.00).grade, 'D');
        assert_int_equal(rm_ikm_grade(24.99).grade, '-');
        assert_int_equal(rm_ikm_grade(100.01).grade, '-');
        assert_string_equal(rm_ikm_grade(88.31).label, "Sangat Baik");
        assert_string_equal(rm_ikm_grade(88.30).label, "Baik");
        assert_string_equal(rm_ikm_grade(76.60).label, "Kurang Baik");
        assert_string_equal(rm_ikm_grade(64.99).label, "Tidak Baik");
        assert_int_equal(rm_ikm_grade100(8830).grade, 'B');
        assert_int_equal(rm_ikm_grade100(8831).grade, 'A');
        assert_int_equal(rm_ikm_grade100(7660).grade, 'C');
        assert_int_equal(rm_ikm_grade100(7661).grade, 'B');
        assert_int_equal(rm_ikm_grade100(6499).grade, 'D');
        assert_int_equal(rm_ikm_grade100(6500).grade, 'C');
}

/* Nine answers of 4 from everyone give 100.00, not 99.90 (0.111 x 9 x 4 x 25). */
static void test_ikm_all_fours(void **state)
{
        const long sums[9] = {40, 40, 40, 40, 40, 40, 40, 40, 40};
        struct rm_ikm r;

        (void)state;
        assert_int_equal(rm_ikm(sums, 10, &r), 0);
        assert_int_equal(r.ikm100, 10000);
        assert_true(rm_round2(r.ikm) == 100.00);
        assert_int_equal(r.grade.grade, 'A');
        assert_int_equal(r.nrr100[0], 400);
        assert_int_equal(rm_hundredths(r.wnrr[0] * 100), 4444); /* 4/9 = 0.4444 */
        assert_int_equal(rm_ikm(sums, 0, &r), -1);
}

/* All answers 1: the floor of the scale, 25.00, grade D. */
static void test_ikm_all_ones(void **state)
{
        const long sums[9] = {3, 3, 3, 3, 3, 3, 3, 3, 3};
        struct rm_ikm r;

        (void)state;
        assert_int_equal(rm_ikm(sums, 3, &r), 0);
        assert_int_equal(r.ikm100, 2500);
        assert_int_equal(r.grade.grade, 'D');
}

/* Four respondents: total 113 -> IKM 25 x 113 / 36 = 78.4722 -> 78.47, B. */
static void test_ikm_mixed(void **state)
{
        const long sums[9] = {13, 12, 10, 16, 12, 13, 14, 11, 12};
        struct rm_ikm r;

        (void)state;
        assert_int_equal(rm_ikm(sums, 4, &r), 0);
        assert_int_equal(r.n, 4);
        assert_int_equal(r.nrr100[0], 325);
        assert_int_equal(r.nrr100[2], 250);
        assert_int_equal(r.nrr100[3], 400);
        assert_int_equal(r.nrr100[7], 275);
        assert_int_equal(r.ikm100, 7847);
        assert_int_equal(rm_hundredths(r.ikm), 7847);
        assert_int_equal(r.grade.grade, 'B');
        assert_string_equal(r.grade.label, "Baik");
        long long n[9];
        for (int i = 0; i < 9; i++)
                n[i] = r.nrr100[i];
        assert_int_equal(rm_weakest(n, 9), 2);
}

/* One respondent: 32 points -> 88.89 (A); 31 -> 86.11 (B); 24 -> 66.67 (C); 23 -> 63.89 (D). */
static void test_ikm_grades(void **state)
{
        const long s32[9] = {4, 4, 4, 4, 4, 4, 4, 2, 2}, s31[9] = {4, 4, 4, 4, 4, 4, 4, 2, 1},
                   s24[9] = {3, 3, 3, 3, 3, 3, 3, 2, 1}, s23[9] = {3, 3, 3, 3, 3, 3, 3, 1, 1};
        struct rm_ikm r;

        (void)state;
        assert_int_equal(rm_ikm(s32, 1, &r), 0);
        assert_int_equal(r.ikm100, 8889);
        assert_int_equal(r.grade.grade, 'A');
        assert_int_equal(rm_ikm(s31, 1, &r), 0);
        assert_int_equal(r.ikm100, 8611);
        assert_int_equal(r.grade.grade, 'B');
        assert_int_equal(rm_ikm(s24, 1, &r), 0);
        assert_int_equal(r.ikm100, 6667);
        assert_int_equal(r.grade.grade, 'C');
        assert_int_equal(rm_ikm(s23, 1, &r), 0);
        assert_int_equal(r.ikm100, 6389);
        assert_int_equal(r.grade.grade, 'D');
}

/* Runs rm_suppress on n groups of the given sizes; shown[] gets each group's
 * flag, and the total's flag is returned. */
static int suppress(const long *sizes, size_t n, int *shown)
{
        struct rm_group g[8];
        int total;

        for (size_t i = 0; i < n; i++)
                g[i] = (struct rm_group){.n = sizes[i], .shown = -1};
        total = rm_suppress(g, n);
        for (size_t i = 0; i < n; i++)
                shown[i] = g[i].shown;
        return total;
}

/* Units of 5 and 2 answers: the 2 is hidden (primary); the total less the 5
 * would give it, so the 5 is hidden too; the total (7) stays. */
static void test_suppress_five_two(void **state)
{
        const long sizes[] = {5, 2};
        int shown[2];

        (void)state;
        assert_int_equal(suppress(sizes, 2, shown), 1);
        assert_int_equal(shown[0], 0);
        assert_int_equal(shown[1], 0);
}

/* 5, 4, 1: the 1 is hidden; the smallest other with answers (the 4) joins
 * it, so the total less the 5 gives 5 answers pooled, never the 1. */
static void test_suppress_smallest_joins(void **state)
{
        const long sizes[] = {5, 4, 1};
        int shown[3];

        (void)state;
        assert_int_equal(suppress(sizes, 3, shown), 1);
        assert_int_equal(shown[0], 1);
        assert_int_equal(shown[1], 0);
        assert_int_equal(shown[2], 0);
}

/* Groups of 3 or more and empty groups are all shown; the empty one is never
 * taken as a complement (hiding it would protect nothing). */
static void test_suppress_none_needed(void **state)
{
        const long big[] = {3, 3, 3}, empty[] = {6, 0, 2};
        int shown[3];

        (void)state;
        assert_int_equal(suppress(big, 3, shown), 1);
        assert_true(shown[0] && shown[1] && shown[2]);
        assert_int_equal(suppress(empty, 3, shown), 1);
        assert_int_equal(shown[0], 0); /* 6 joins the 2: 8 pooled */
        assert_int_equal(shown[1], 1);
        assert_int_equal(shown[2], 0);
}

/* Small groups that pool to 3 protect each other: 1 and 2 are hidden, the 10
 * and the total shown (total - 10 = 3 answers pooled). Ties take the first. */
static void test_suppress_pooled_and_ties(void **state)
{
        const long pooled[] = {1, 2, 10}, ties[] = {4, 4, 2};
        int shown[3];

        (void)state;
        assert_int_equal(suppress(pooled, 3, shown), 1);
        assert_int_equal(shown[0], 0);
        assert_int_equal(shown[1], 0);
        assert_int_equal(shown[2], 1);
        assert_int_equal(suppress(ties, 3, shown), 1);
        assert_int_equal(shown[0], 0);
        assert_int_equal(shown[1], 1);
        assert_int_equal(shown[2], 0);
}

/* With nothing left to hide the total goes: 1 and 1 (2 pooled); one group of
 * 2; no groups at all. */
static void test_suppress_total(void **state)
{
        const long two_ones[] = {1, 1}, one_two[] = {2};
        int shown[2];

        (void)state;
        assert_int_equal(suppress(two_ones, 2, shown), 0);
        assert_int_equal(shown[0], 0);
        assert_int_equal(shown[1], 0);
        assert_int_equal(suppress(one_two, 1, shown), 0);
        assert_int_equal(shown[0], 0);
        assert_int_equal(suppress(NULL, 0, shown), 0);
}

/* Every table of up to 4 groups of 0..6 answers: a shown group has 0 or at
 * least 3; a shown total has at least 3 and leaves the hidden groups 0 or at
 * least 3 answers pooled (the only difference the shown figures give). */
static void test_suppress_exhaustive(void **state)
{
        long sizes[4];
        int shown[4];

        (void)state;
        for (int code = 0; code < 7 * 7 * 7 * 7; code++) {
                long hidden = 0, total = 0;
                int c = code, t;

                for (int i = 0; i < 4; i++, c /= 7)
                        sizes[i] = c % 7;
                t = suppress(sizes, 4, shown);
                for (int i = 0; i < 4; i++) {
                        total += sizes[i];
                        if (shown[i])
                                assert_true(sizes[i] == 0 || sizes[i] >= RM_MIN_GROUP);
                        else
                                hidden += sizes[i];
                }
                if (t) {
                        assert_true(total >= RM_MIN_GROUP);
                        assert_true(hidden == 0 || hidden >= RM_MIN_GROUP);
                }
        }
}

/* Krejcie-Morgan at its boundaries. By hand: N = 100, 3841 x 100 / (10 x 100
 * + 3831) = 384100 / 4831 = 79.51 -> 80; N = 1000, 3841000 / 13831 = 277.71
 * -> 278 (the regulation's table: 278); N = 10, 38410 / 3931 = 9.77 -> 10;
 * N = 1 -> 1 (the one person); N = 0 -> 0 (nobody to ask). */
static void test_sample_min(void **state)
{
        (void)state;
        assert_int_equal(rm_sample_min(100), 80);
        assert_int_equal(rm_sample_min(99), 79);
        assert_int_equal(rm_sample_min(10), 10);
        assert_int_equal(rm_sample_min(1000), 278);
        assert_int_equal(rm_sample_min(1), 1);
        assert_int_equal(rm_sample_min(0), 0);
        assert_int_equal(rm_sample_min(-1), -1);
        /* the table's large end: the sample levels off under 384 */
        assert_int_equal(rm_sample_min(100000), 383);
        assert_int_equal(rm_sample_min(1000000), 384);
}

/* The integer form is the regulation's formula in doubles, rounded up,
 * for every population up to 20000. */
static void test_sample_min_formula(void **state)
{
        (void)state;
        for (long long n = 1; n <= 20000; n++) {
                double s = 3.841 * n * 0.25 / (0.0025 * (n - 1) + 3.841 * 0.25);
                assert_int_equal(rm_sample_min(n), (long long)ceil(s - 1e-9));
                assert_true(rm_sample_min(n) <= n);
        }
}

/* The stored periods a report period covers. */
static void test_period_parts(void **state)
{
        char p[RM_PERIOD_PARTS][8];

        (void)state;
        assert_int_equal(rm_period_parts("2027", p, RM_PERIOD_PARTS), 7);
        assert_string_equal(p[0], "2027");
        assert_string_equal(p[1], "2027-S1");
        assert_string_equal(p[2], "2027-S2");
        assert_string_equal(p[3], "2027-Q1");
        assert_string_equal(p[6], "2027-Q4");
        assert_int_equal(rm_period_parts("2027-S1", p, RM_PERIOD_PARTS), 3);
        assert_string_equal(p[0], "2027-S1");
        assert_string_equal(p[1], "2027-Q1");
        assert_string_equal(p[2], "2027-Q2");
        assert_int_equal(rm_period_parts("2027-S2", p, RM_PERIOD_PARTS), 3);
        assert_string_equal(p[1], "2027-Q3");
        assert_string_equal(p[2], "2027-Q4");
        assert_int_equal(rm_period_parts("2027-Q3", p, RM_PERIOD_PARTS), 1);
        assert_string_equal(p[0], "2027-Q3");
        assert_int_equal(rm_period_parts("2027-Q5", p, RM_PERIOD_PARTS), -1);
        assert_int_equal(rm_period_parts("2027", p, 3), -1);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_round),
            cmocka_unit_test(test_dist),
            cmocka_unit_test(test_weakest),
            cmocka_unit_test(test_pct),
            cmocka_unit_test(test_jp),
            cmocka_unit_test(test_grade_bounds),
            cmocka_unit_test(test_ikm_all_fours),
            cmocka_unit_test(test_ikm_all_ones),
            cmocka_unit_test(test_ikm_mixed),
            cmocka_unit_test(test_ikm_grades),
            cmocka_unit_test(test_suppress_five_two),
            cmocka_unit_test(test_suppress_smallest_joins),
            cmocka_unit_test(test_suppress_none_needed),
            cmocka_unit_test(test_suppress_pooled_and_ties),
            cmocka_unit_test(test_suppress_total),
            cmocka_unit_test(test_suppress_exhaustive),
            cmocka_unit_test(test_period_end),
            cmocka_unit_test(test_sample_min),
            cmocka_unit_test(test_sample_min_formula),
            cmocka_unit_test(test_period_parts),
        };
        return renbin_run_group_tests(tests, NULL, NULL);
}
