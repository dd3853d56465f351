/*
 * report_gaps.c - `report.gaps`: people whose current level in a competency
 * is under their position's standard (standar kompetensi jabatan), with the
 * gap, and per unit the competencies with the largest gaps.
 *
 * A person's standards are those of their jabatan (matched without regard to
 * case). Their current level in a competency is that of their latest
 * assessment in it: the current value of the period that ends last
 * (rm_period_end), the later-recorded one on a tie. A standard the person
 * was never assessed in is counted per unit as not assessed, never guessed.
 * A unit's competencies are ranked by the sum of their gaps (the levels the
 * unit's people miss in all), then by the people below, then by code; each
 * carries the mean gap over the people below, and the need priority that
 * mean suggests (need suggest proposes it): see gap_priority.
 */
#include "db.h"
#include "i18n.h"
#include "queries.h"
#include "report_math.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_GAPS[] =
    "SELECT p.unit, p.nip, p.name, p.jabatan, s.competency, ifnull(c.name, ''), s.level,"
    " a.period, a.level, a.assessed_at"
    " FROM asn p JOIN standards s ON lower(s.jabatan) = lower(p.jabatan)"
    " LEFT JOIN competencies c ON c.code = s.competency"
    " LEFT JOIN assessments a ON a.nip = p.nip AND a.competency = s.competency"
    "  AND a.current = 1"
    " WHERE p.active = 1 AND (?1 IS NULL OR p.unit = ?1)"
    " ORDER BY p.unit, p.nip, s.competency";

/* The mean gap (hundredths) from which each need priority is suggested, in
 * the order of need_priorities (tinggi, sedang, rendah). */
static const long long gap_priority100[] = {200, 150, 0};

/* One person x standard while its assessments go by. */
struct cell {
        char unit[64], nip[32], name[256], jabatan[256], comp[64], cname[256], period[16];
        long standard, level; /* level -1: never assessed */
        long end;             /* rm_period_end of period */
        long long at;
};

/* A unit's tally of one competency. */
struct ucomp {
        char code[64], name[256];
        long people, sum;
};

/* A unit's tallies while its rows go by. */
struct unit_acc {
        char unit[64], last_nip[32];
        struct ucomp *comps;
        size_t n;
        long below, gaps, not_assessed;
};

/* What the whole report counts. */
struct gaps_acc {
        sqlite3 *db;
        json_t *people, *units;
        struct unit_acc u;
        long below, gaps, not_assessed;
};

/* The need priority a mean gap (hundredths) suggests. */
static const char *gap_priority(long long mean100)
{
        size_t i = 0;

        while (mean100 < gap_priority100[i])
                i++;
        return need_priorities[i];
}

/* Orders a unit's competencies: largest sum of gaps, more people, code. */
static int ucomp_cmp(const void *a, const void *b)
{
        const struct ucomp *x = a, *y = b;

        if (x->sum != y->sum)
                return x->sum > y->sum ? -1 : 1;
        if (x->people != y->people)
                return x->people > y->people ? -1 : 1;
        return strcmp(x->code, y->code);
}

/* Appends the unit's tallies to the report and starts an empty one. */
static void unit_flush(struct gaps_acc *g)
{
        struct unit_acc *u = &g->u;
        json_t *comps = json_array();
        char name[256];

        if (u->unit[0] != '\0') {
                if (u->n > 0) /* qsort must not be given NULL, even for none */
                        qsort(u->comps, u->n, sizeof(*u->comps), ucomp_cmp);
                for (size_t i = 0; i < u->n; i++) {
                        long long mean = rm_ratio100(u->comps[i].sum, u->comps[i].people);
                        json_array_append_new(
                            comps,
                            json_pack("{s:s, s:s, s:i, s:i, s:o, s:s}", "competency",
                                      u->comps[i].code, "name", u->comps[i].name, "people",
                                      (int)u->comps[i].people, "gap_sum", (int)u->comps[i].sum,
                                      "gap_mean", json_h100(mean), "priority", gap_priority(mean)));
                }
                json_array_append_new(
                    g->units,
                    json_pack("{s:s, s:s, s:i, s:i, s:i, s:o}", "unit", u->unit, "name",
                              query_unit_name(g->db, u->unit, name, sizeof(name)), "people_below",
                              (int)u->below, "gaps", (int)u->gaps, "not_assessed",
                              (int)u->not_assessed, "competencies", comps));
        } else
                json_decref(comps);
        free(u->comps);
        memset(u, 0, sizeof(*u));
}

/* Adds one gap of c to its unit's tally of the competency. */
static int unit_add(struct unit_acc *u, const struct cell *c)
{
        size_t i = 0;
        struct ucomp *more;

        while (i < u->n && strcmp(u->comps[i].code, c->comp) != 0)
                i++;
        if (i == u->n) {
                if ((more = realloc(u->comps, (u->n + 1) * sizeof(*more))) == NULL)
                        return -1;
                u->comps = more;
                memset(&u->comps[u->n], 0, sizeof(*more));
                snprintf(u->comps[i].code, sizeof(u->comps[i].code), "%s", c->comp);
                snprintf(u->comps[i].name, sizeof(u->comps[i].name), "%s", c->cname);
                u->n++;
        }
        u->comps[i].people++;
        u->comps[i].sum += c->standard - c->level;
        if (strcmp(u->last_nip, c->nip) != 0) {
                u->below++;
                snprintf(u->last_nip, sizeof(u->last_nip), "%s", c->nip);
        }
        u->gaps++;
        return 0;
}

/* Closes a person x standard: a gap row and tallies, or not assessed. */
static int cell_close(struct gaps_acc *g, const struct cell *c)
{
        if (c->nip[0] == '\0')
                return 0;
        if (strcmp(g->u.unit, c->unit) != 0) {
                unit_flush(g);
                snprintf(g->u.unit, sizeof(g->u.unit), "%s", c->unit);
        }
        if (c->level < 0) {
                g->u.not_assessed++;
                g->not_assessed++;
                return 0;
        }
        if (c->level >= c->standard)
                return 0;
        if (strcmp(g->u.last_nip, c->nip) != 0)
                g->below++;
        g->gaps++;
        json_array_append_new(
            g->people,
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:i}", "unit", c->unit, "nip",
                      c->nip, "name", c->name, "jabatan", c->jabatan, "competency", c->comp,
                      "competency_name", c->cname, "standard", (int)c->standard, "level",
                      (int)c->level, "period", c->period, "gap", (int)(c->standard - c->level)));
        return unit_add(&g->u, c);
}

/* Whether a row is of another person x standard than c. */
static int cell_differs(const struct cell *c, sqlite3_stmt *st)
{
        return strcmp(c->nip, db_col_text(st, 1)) != 0 || strcmp(c->comp, db_col_text(st, 4)) != 0;
}

/* Starts c from a row: the person, the standard, no assessment yet. */
static void cell_start(struct cell *c, sqlite3_stmt *st)
{
        memset(c, 0, sizeof(*c));
        snprintf(c->unit, sizeof(c->unit), "%s", db_col_text(st, 0));
        snprintf(c->nip, sizeof(c->nip), "%s", db_col_text(st, 1));
        snprintf(c->name, sizeof(c->name), "%s", db_col_text(st, 2));
        snprintf(c->jabatan, sizeof(c->jabatan), "%s", db_col_text(st, 3));
        snprintf(c->comp, sizeof(c->comp), "%s", db_col_text(st, 4));
        snprintf(c->cname, sizeof(c->cname), "%s", db_col_text(st, 5));
        c->standard = (long)sqlite3_column_int64(st, 6);
        c->level = -1;
        c->end = -1;
}

/* Keeps the row's assessment in c when it is later than the one held. */
static void cell_take(struct cell *c, sqlite3_stmt *st)
{
        long end;
        long long at = sqlite3_column_int64(st, 9);

        if (sqlite3_column_type(st, 8) == SQLITE_NULL)
                return;
        end = rm_period_end(db_col_text(st, 7));
        if (c->level >= 0 && (end < c->end || (end == c->end && at <= c->at)))
                return;
        c->end = end;
        c->at = at;
        c->level = (long)sqlite3_column_int64(st, 8);
        snprintf(c->period, sizeof(c->period), "%s", db_col_text(st, 7));
}

/* Walks the rows of SQL_GAPS into g. 0, or -1 with e. */
static int gaps_walk(struct gaps_acc *g, sqlite3_stmt *st, struct rb_err *e)
{
        struct cell *c = calloc(1, sizeof(*c));
        int step = 0;

        if (c == NULL)
                return err_set(e, RB_INTERNAL, NULL, _("out of memory"));
        while (step >= 0 && (step = db_step(g->db, st, e)) > 0) {
                if (cell_differs(c, st)) {
                        if (cell_close(g, c) != 0)
                                step = err_set(e, RB_INTERNAL, NULL, _("out of memory"));
                        cell_start(c, st);
                }
                cell_take(c, st);
        }
        sqlite3_reset(st);
        if (step == 0 && cell_close(g, c) != 0)
                step = err_set(e, RB_INTERNAL, NULL, _("out of memory"));
        free(c);
        unit_flush(g);
        return step < 0 ? -1 : 0;
}

int q_report_gaps(struct query_ctx *q, json_t **out, struct rb_err *e)
{
        struct gaps_acc g = {.db = q->db};
        const char *unit;
        sqlite3_stmt *st;

        if (query_unit_scope(q, query_arg(q, "unit"), &unit, e) != 0 ||
            (st = db_stmt(q->db, SQL_GAPS, e)) == NULL)
                return -1;
        db_bind_text(st, 1, unit);
        g.people = json_array();
        g.units = json_array();
        if (gaps_walk(&g, st, e) != 0) {
                json_decref(g.people);
                json_decref(g.units);
                return -1;
        }
        *out = json_pack("{s:s, s:o, s:o, s:o, s:{s:i, s:i, s:i}}", "report", "gaps", "unit",
                         unit ? json_string(unit) : json_null(), "people", g.people, "units",
                         g.units, "total", "people_below", (int)g.below, "gaps", (int)g.gaps,
                         "not_assessed", (int)g.not_assessed);
        return 0;
}
