/*
 * report_math.h - the arithmetic of renbin's reports, kept apart from SQL so
 * every figure can be checked against hand-computed values: rounding to two
 * decimals, rating distributions and means, the suppression of small groups
 * (primary and complementary), JP from minutes, shares, and the
 * community satisfaction index (IKM, PermenPAN-RB 14/2017) with its grade.
 *
 * Figures that are shown with two decimals are also carried as integer
 * hundredths (x100), so comparisons (a 20 JP minimum, a grade boundary) are
 * made on the rounded value a reader sees, never on a binary fraction.
 */
#ifndef RENBIN_REPORT_MATH_H
#define RENBIN_REPORT_MATH_H

#include <stddef.h>

/* Questionnaire groups smaller than this are never shown per dimension. */
#define RM_MIN_GROUP 3
/* The yearly minimum of competency development (PP 11/2017 art. 203). */
#define RM_JP_MINIMUM 20
/* IKM elements (unsur) of the SKM. */
#define RM_IKM_ELEMENTS 9

/* x rounded half away from zero to integer hundredths (88.305 -> 8831). The
 * tiny bias absorbs binary error in decimal-looking inputs. */
long long rm_hundredths(double x);
/* x rounded half away from zero to two decimals. */
double rm_round2(double x);
/* num / den rounded half up to integer hundredths, exactly (den > 0, num >= 0). */
long long rm_ratio100(long long num, long long den);

/* Counts of ratings 1..max (max <= 5) and their sum. */
struct rm_dist {
        long n;
        long count[5];
        long sum;
};

/* Adds one rating; values outside 1..5 are ignored (returns -1). */
int rm_dist_add(struct rm_dist *d, long v);
/* Adds all of src to dst (pooling, e.g. the overall of three dimensions). */
void rm_dist_merge(struct rm_dist *dst, const struct rm_dist *src);
/* The mean in hundredths (0 when empty). */
long long rm_dist_mean100(const struct rm_dist *d);
/* Index of the smallest of v[0..n) (the first on ties), -1 if n is 0. */
int rm_weakest(const long long *v, int n);

/* One group of a table whose total is shown too (a unit's answers to one
 * program): its answers, and whether its figures may be shown. */
struct rm_group {
        long n;
        int shown;
};

/* Suppression for groups g[0..n) that add up to a total (every answer is in
 * exactly one group). Primary: a group of 1 to RM_MIN_GROUP - 1 answers is
 * hidden. Complementary: the total less the shown groups gives the hidden
 * groups pooled, so while they pool 1 to RM_MIN_GROUP - 1 answers the
 * smallest shown group with answers is hidden as well (the first of equals);
 * with none left, the total is hidden. A total under RM_MIN_GROUP answers is
 * hidden. Groups of 0 answers stay shown (they show nothing). Sets every
 * g[i].shown; returns 1 if the total may be shown, 0 if not. */
int rm_suppress(struct rm_group *g, size_t n);

/* Share part/whole as a percentage in hundredths (75.00% -> 7500); 0 when whole is 0. */
long long rm_pct100(long long part, long long whole);
/* JP in hundredths from minutes, with jp_minutes minutes in one JP (<= 0: 45). */
long long rm_jp100_from_minutes(long long minutes, int jp_minutes);
/* Hours in hundredths from minutes. */
long long rm_hours100(long long minutes);

/* The month a period ends in, as YYYYMM (2027-Q1 202703, 2027-S1 202706,
 * 2027 202712), so periods of mixed length order by when they end; -1 for
 * what is not a period. */
long rm_period_end(const char *period);

/* Grades of the IKM. */
struct rm_grade {
        char grade;        /* 'A'..'D', or '-' out of range */
        const char *label; /* "Sangat Baik", "Baik", "Kurang Baik", "Tidak Baik" */
};

/* The grade of an IKM given in hundredths: A 88.31-100.00, B 76.61-88.30,
 * C 65.00-76.60, D 25.00-64.99. */
struct rm_grade rm_ikm_grade100(long long ikm100);
/* The grade of an IKM value, compared on the value rounded to two decimals. */
struct rm_grade rm_ikm_grade(double ikm);

/* One unit's IKM from the sums of each element's scores over n responses. */
struct rm_ikm {
        long n;                       /* respondents */
        double nrr[RM_IKM_ELEMENTS];  /* sum / n */
        double wnrr[RM_IKM_ELEMENTS]; /* nrr x 1/9 */
        long long nrr100[RM_IKM_ELEMENTS];
        double ikm;       /* sum(nrr) x 1/9 x 25, unrounded */
        long long ikm100; /* ikm rounded to hundredths, exactly */
        struct rm_grade grade;
};

/* Computes r from sums[9] over n > 0 responses (scores 1-4). The weight is
 * 1/9 exactly, not the 0.111 the regulation prints: nine answers of 4 give
 * 100.00. Returns 0, or -1 when n <= 0. */
int rm_ikm(const long sums[RM_IKM_ELEMENTS], long n, struct rm_ikm *r);

/* The minimum sample of a population of n people served (Krejcie-Morgan, as
 * PermenPAN-RB 14/2017 tabulates it): s = 3.841 n 0.25 / (0.0025 (n - 1) +
 * 3.841 x 0.25) rounded up, computed in integers as ceil(3841 n / (10 n +
 * 3831)). 100 -> 80, 1000 -> 278, 1 -> 1, 0 -> 0; -1 for n < 0. */
long long rm_sample_min(long long n);

/* The stored survey periods a report of period covers, into out[0..max):
 * a year its semesters and quarters and itself (2027: 2027, 2027-S1,
 * 2027-S2, 2027-Q1..Q4), a semester its quarters and itself (2027-S1:
 * 2027-S1, 2027-Q1, 2027-Q2), a quarter itself. Returns how many, or -1 for
 * what is not a period or does not fit. */
#define RM_PERIOD_PARTS 7
int rm_period_parts(const char *period, char out[][8], int max);

#endif
