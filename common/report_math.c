/*
 * report_math.c - report arithmetic (see report_math.h). Where a figure is a
 * ratio of integers it is rounded in integers, so the result does not depend
 * on how a double happens to represent it.
 */
#include "report_math.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

long long rm_hundredths(double x)
{
        double a = fabs(x) * 100.0;
        long long v = (long long)floor(a + 0.5 + 1e-7);

        return x < 0 ? -v : v;
}

double rm_round2(double x)
{
        return (double)rm_hundredths(x) / 100.0;
}

long long rm_ratio100(long long num, long long den)
{
        if (den <= 0)
                return 0;
        /* round(100 num / den) = floor((200 num + den) / (2 den)) */
        return (200 * num + den) / (2 * den);
}

int rm_dist_add(struct rm_dist *d, long v)
{
        if (v < 1 || v > 5)
                return -1;
        d->n++;
        d->count[v - 1]++;
        d->sum += v;
        return 0;
}

void rm_dist_merge(struct rm_dist *dst, const struct rm_dist *src)
{
        dst->n += src->n;
        dst->sum += src->sum;
        for (int i = 0; i < 5; i++)
                dst->count[i] += src->count[i];
}

long long rm_dist_mean100(const struct rm_dist *d)
{
        return rm_ratio100(d->sum, d->n);
}

int rm_weakest(const long long *v, int n)
{
        int w = n > 0 ? 0 : -1;

        for (int i = 1; i < n; i++)
                if (v[i] < v[w])
                        w = i;
        return w;
}

/* Answers of the hidden groups pooled. */
static long hidden_answers(const struct rm_group *g, size_t n)
{
        long h = 0;

        for (size_t i = 0; i < n; i++)
                if (!g[i].shown)
                        h += g[i].n;
        return h;
}

/* The shown group with the fewest answers (at least one), or n if none. */
static size_t smallest_shown(const struct rm_group *g, size_t n)
{
        size_t best = n;

        for (size_t i = 0; i < n; i++)
                if (g[i].shown && g[i].n > 0 && (best == n || g[i].n < g[best].n))
                        best = i;
        return best;
}

int rm_suppress(struct rm_group *g, size_t n)
{
        long total = 0, h;

        for (size_t i = 0; i < n; i++) {
                g[i].shown = g[i].n <= 0 || g[i].n >= RM_MIN_GROUP;
                total += g[i].n > 0 ? g[i].n : 0;
        }
        while ((h = hidden_answers(g, n)) > 0 && h < RM_MIN_GROUP) {
                size_t k = smallest_shown(g, n);

                if (k == n)
                        return 0;
                g[k].shown = 0;
        }
        return total >= RM_MIN_GROUP;
}

long long rm_pct100(long long part, long long whole)
{
        return rm_ratio100(100 * part, whole);
}

long long rm_jp100_from_minutes(long long minutes, int jp_minutes)
{
        return rm_ratio100(minutes, jp_minutes > 0 ? jp_minutes : 45);
}

long long rm_hours100(long long minutes)
{
        return rm_ratio100(minutes, 60);
}

struct rm_grade rm_ikm_grade100(long long v)
{
        struct rm_grade g = {'-', ""};

        if (v > 10000 || v < 2500)
                return g;
        if (v >= 8831)
                g = (struct rm_grade){'A', "Sangat Baik"};
        else if (v >= 7661)
                g = (struct rm_grade){'B', "Baik"};
        else if (v >= 6500)
                g = (struct rm_grade){'C', "Kurang Baik"};
        else
                g = (struct rm_grade){'D', "Tidak Baik"};
        return g;
}

struct rm_grade rm_ikm_grade(double ikm)
{
        return rm_ikm_grade100(rm_hundredths(ikm));
}

int rm_ikm(const long sums[RM_IKM_ELEMENTS], long n, struct rm_ikm *r)
{
        long long total = 0;
        double s = 0;

        if (n <= 0)
                return -1;
        r->n = n;
        for (int i = 0; i < RM_IKM_ELEMENTS; i++) {
                r->nrr[i] = (double)sums[i] / (double)n;
                r->wnrr[i] = r->nrr[i] / 9.0;
                r->nrr100[i] = rm_ratio100(sums[i], n);
                s += r->nrr[i];
                total += sums[i];
        }
        r->ikm = s / 9.0 * 25.0;
        /* sum(sum_i / n) / 9 x 25 = 25 total / (9 n): round that ratio exactly */
        r->ikm100 = rm_ratio100(25 * total, 9LL * n);
        r->grade = rm_ikm_grade100(r->ikm100);
        return 0;
}

long rm_period_end(const char *p)
{
        size_t n = p != NULL ? strlen(p) : 0;
        long y;

        if ((n != 4 && n != 7) || strspn(p, "0123456789") < 4)
                return -1;
        y = (p[0] - '0') * 1000L + (p[1] - '0') * 100L + (p[2] - '0') * 10L + (p[3] - '0');
        if (n == 4)
                return y * 100 + 12;
        if (p[4] == '-' && p[5] == 'S' && (p[6] == '1' || p[6] == '2'))
                return y * 100 + (p[6] - '0') * 6;
        if (p[4] == '-' && p[5] == 'Q' && p[6] >= '1' && p[6] <= '4')
                return y * 100 + (p[6] - '0') * 3;
        return -1;
}

long long rm_sample_min(long long n)
{
        long long den = 10 * n + 3831;

        if (n < 0)
                return -1;
        /* 3.841 n / 4 over (n - 1) / 400 + 3.841 / 4, both sides times 4000 */
        return (3841 * n + den - 1) / den;
}

int rm_period_parts(const char *p, char out[][8], int max)
{
        long end = rm_period_end(p);
        int n = 0, first, last;

        if (end < 0 || max < RM_PERIOD_PARTS)
                return -1;
        snprintf(out[n++], 8, "%s", p);
        if (strlen(p) == 4) {
                snprintf(out[n++], 8, "%.4s-S1", p);
                snprintf(out[n++], 8, "%.4s-S2", p);
                first = 1, last = 4;
        } else if (p[5] == 'S') {
                first = p[6] == '1' ? 1 : 3, last = first + 1;
        } else {
                return n;
        }
        for (int q = first; q <= last; q++)
                snprintf(out[n++], 8, "%.4s-Q%c", p, (char)('0' + q));
        return n;
}
