/*
 * report_competency.c - `report.competency`: how a unit's competencies develop.
 * From the current assessments (the latest value per ASN x competency x
 * period), the mean level per competency per period, periods in the order
 * they end (rm_period_end). The first and the latest period of a competency
 * are compared over the same people: only those assessed in both count, in
 * the means compared and as improved or declined, so a change is never one
 * of who was assessed. A competency declined when that mean fell (1.50 ->
 * 1.00); it is still weak when the mean of everyone assessed in its latest
 * period is below 3 (of 5). HR and auditors may ask for every unit at once.
 */
#include "db.h"
#include "i18n.h"
#include "queries.h"
#include "report_math.h"

#include <stdio.h>
#include <string.h>

/* Levels below this mean (in hundredths) are weak. */
#define WEAK_BELOW 300

static const char SQL_LEVELS[] =
    "SELECT a.unit, a.competency, ifnull(c.name, ''), a.period, count(*), sum(a.level)"
    " FROM assessments a LEFT JOIN competencies c ON c.code = a.competency"
    " WHERE a.current = 1 AND (?1 IS NULL OR a.unit = ?1)"
    " GROUP BY a.unit, a.competency, a.period ORDER BY a.unit, a.competency, a.period";

/* Every current assessment, a person's together within unit x competency. */
static const char SQL_PEOPLE[] =
    "SELECT unit, competency, nip, period, level FROM assessments"
    " WHERE current = 1 AND (?1 IS NULL OR unit = ?1) ORDER BY unit, competency, nip";

/* One person's levels in the compared periods of a competency. */
struct pair {
        json_t *comp; /* borrowed: the competency's object */
        char key[160];
        long first, last; /* -1: not assessed then */
};

/* Sorts a JSON array of objects by the end of their "period" (insertion). */
static void periods_sort(json_t *ps)
{
        for (size_t i = 1; i < json_array_size(ps); i++)
                for (size_t j = i; j > 0; j--) {
                        json_t *a = json_array_get(ps, j - 1), *b = json_array_get(ps, j);
                        if (rm_period_end(json_string_value(json_object_get(a, "period"))) <=
                            rm_period_end(json_string_value(json_object_get(b, "period"))))
                                break;
                        json_incref(a);
                        json_array_set(ps, j - 1, b);
                        json_array_set_new(ps, j, a);
                }
}

/* An integer member of an object (0 when absent). */
static long long ival(json_t *o, const char *k)
{
        return json_integer_value(json_object_get(o, k));
}

/* Adds one person assessed in both compared periods to their competency. */
static void pair_close(const struct pair *p)
{
        json_t *c = p->comp;

        if (c == NULL || p->first < 0 || p->last < 0)
                return;
        json_object_set_new(c, "n", json_integer(ival(c, "n") + 1));
        json_object_set_new(c, "s1", json_integer(ival(c, "s1") + p->first));
        json_object_set_new(c, "s2", json_integer(ival(c, "s2") + p->last));
        if (p->last != p->first) {
                const char *k = p->last > p->first ? "up" : "down";
                json_object_set_new(c, k, json_integer(ival(c, k) + 1));
        }
}

/* Walks every current assessment into the competencies' compared figures;
 * comps maps "unit/competency" to each competency's object. 0, or -1 with e. */
static int pairs_walk(sqlite3 *db, const char *unit, json_t *comps, struct rb_err *e)
{
        sqlite3_stmt *st = db_stmt(db, SQL_PEOPLE, e);
        struct pair p = {.first = -1, .last = -1};
        char key[160];
        int step = -1;

        if (st == NULL)
                return -1;
        db_bind_text(st, 1, unit);
        while ((step = db_step(db, st, e)) > 0) {
                const char *period = db_col_text(st, 3);
                snprintf(key, sizeof(key), "%s/%s/%s", db_col_text(st, 0), db_col_text(st, 1),
                         db_col_text(st, 2));
                if (strcmp(key, p.key) != 0) {
                        pair_close(&p);
                        snprintf(p.key, sizeof(p.key), "%s", key);
                        snprintf(key, sizeof(key), "%s/%s", db_col_text(st, 0), db_col_text(st, 1));
                        p.comp = json_object_get(comps, key);
                        p.first = p.last = -1;
                }
                if (p.comp == NULL)
                        continue;
                if (strcmp(period, json_string_value(json_object_get(p.comp, "from"))) == 0)
                        p.first = (long)sqlite3_column_int64(st, 4);
                if (strcmp(period, json_string_value(json_object_get(p.comp, "to"))) == 0)
                        p.last = (long)sqlite3_column_int64(st, 4);
        }
        sqlite3_reset(st);
        if (step == 0)
                pair_close(&p);
        return step < 0 ? -1 : 0;
}

/* Appends the competency's code to the unit's list named k. */
static void unit_list(json_t *unit_obj, const char *k, json_t *comp)
{
        json_array_append(json_object_get(unit_obj, k), json_object_get(comp, "competency"));
}

/* Closes a competency: the compared means over the same people, change,
 * improved, declined, weak; lists it in its unit. */
static void comp_finish(json_t *comp, json_t *unit_obj)
{
        json_t *ps = json_object_get(comp, "periods");
        long long n = ival(comp, "n"), m1 = rm_ratio100(ival(comp, "s1"), n),
                  m2 = rm_ratio100(ival(comp, "s2"), n),
                  last = ival(json_array_get(ps, json_array_size(ps) - 1), "mean100");
        int two = strcmp(json_string_value(json_object_get(comp, "from")),
                         json_string_value(json_object_get(comp, "to"))) != 0,
            up = two && n > 0 && m2 > m1, down = two && n > 0 && m2 < m1;

        for (size_t i = 0; i < json_array_size(ps); i++)
                json_object_del(json_array_get(ps, i), "mean100");
        json_object_set_new(comp, "compared", json_integer(two ? n : 0));
        json_object_set_new(comp, "first_mean", two && n > 0 ? json_h100(m1) : json_null());
        json_object_set_new(comp, "latest_mean", two && n > 0 ? json_h100(m2) : json_null());
        json_object_set_new(comp, "change", two && n > 0 ? json_h100(m2 - m1) : json_null());
        json_object_set_new(comp, "people_improved", json_integer(two ? ival(comp, "up") : 0));
        json_object_set_new(comp, "people_declined", json_integer(two ? ival(comp, "down") : 0));
        json_object_set_new(comp, "improved", json_boolean(up));
        json_object_set_new(comp, "declined", json_boolean(down));
        json_object_set_new(comp, "weak", json_boolean(last < WEAK_BELOW));
        json_object_set_new(comp, "latest_period_mean", json_h100(last));
        json_object_del(comp, "n");
        json_object_del(comp, "s1");
        json_object_del(comp, "s2");
        json_object_del(comp, "up");
        json_object_del(comp, "down");
        if (up)
                unit_list(unit_obj, "improved", comp);
        if (down)
                unit_list(unit_obj, "declined", comp);
        if (last < WEAK_BELOW)
                unit_list(unit_obj, "weak", comp);
}

/* The competency object of a row, made (and registered in comps) when new. */
static json_t *comp_of(json_t *u, json_t *comps, sqlite3_stmt *st)
{
        json_t *list = json_object_get(u, "competencies"),
               *c = json_array_get(list, json_array_size(list) - 1);
        char key[160];

        if (c != NULL &&
            strcmp(json_string_value(json_object_get(c, "competency")), db_col_text(st, 1)) == 0)
                return c;
        c = json_pack("{s:s, s:s, s:[]}", "competency", db_col_text(st, 1), "name",
                      db_col_text(st, 2), "periods");
        json_array_append_new(list, c);
        snprintf(key, sizeof(key), "%s/%s", db_col_text(st, 0), db_col_text(st, 1));
        json_object_set(comps, key, c);
        return c;
}

/* The unit object of a row, made when new. */
static json_t *unit_of(sqlite3 *db, json_t *units, json_t *u, sqlite3_stmt *st)
{
        char name[256];

        if (u != NULL &&
            strcmp(json_string_value(json_object_get(u, "unit")), db_col_text(st, 0)) == 0)
                return u;
        u = json_pack("{s:s, s:s, s:[], s:[], s:[], s:[]}", "unit", db_col_text(st, 0), "name",
                      query_unit_name(db, db_col_text(st, 0), name, sizeof(name)), "competencies",
                      "improved", "declined", "weak");
        json_array_append_new(units, u);
        return u;
}

/* Walks the per-period means into units (and comps, see pairs_walk); the
 * periods seen into the set periods. 0, or -1 with e. */
static int levels_walk(sqlite3 *db, const char *unit, json_t *units, json_t *comps, json_t *periods,
                       struct rb_err *e)
{
        sqlite3_stmt *st = db_stmt(db, SQL_LEVELS, e);
        json_t *u = NULL, *c;
        int step = -1;

        if (st == NULL)
                return -1;
        db_bind_text(st, 1, unit);
        while ((step = db_step(db, st, e)) > 0) {
                long long n = sqlite3_column_int64(st, 4), sum = sqlite3_column_int64(st, 5);
                u = unit_of(db, units, u, st);
                c = comp_of(u, comps, st);
                json_array_append_new(json_object_get(c, "periods"),
                                      json_pack("{s:s, s:I, s:o, s:I}", "period",
                                                db_col_text(st, 3), "assessed", (json_int_t)n,
                                                "mean", json_h100(rm_ratio100(sum, n)), "mean100",
                                                (json_int_t)rm_ratio100(sum, n)));
                json_object_set_new(periods, db_col_text(st, 3), json_true());
        }
        sqlite3_reset(st);
        return step < 0 ? -1 : 0;
}

/* Orders each competency's periods and names the two compared. */
static void comps_order(json_t *units)
{
        json_t *u, *c, *ps;
        size_t i, j;

        json_array_foreach(units, i, u) json_array_foreach(json_object_get(u, "competencies"), j, c)
        {
                ps = json_object_get(c, "periods");
                periods_sort(ps);
                json_object_set(c, "from", json_object_get(json_array_get(ps, 0), "period"));
                json_object_set(
                    c, "to",
                    json_object_get(json_array_get(ps, json_array_size(ps) - 1), "period"));
        }
}

/* The periods of the set as a list in the order they end. */
static json_t *period_list(json_t *set)
{
        json_t *objs = json_array(), *list = json_array(), *v;
        const char *k;
        size_t i;

        json_object_foreach(set, k, v) json_array_append_new(objs, json_pack("{s:s}", "period", k));
        periods_sort(objs);
        json_array_foreach(objs, i, v) json_array_append(list, json_object_get(v, "period"));
        json_decref(objs);
        return list;
}

int q_report_competency(struct query_ctx *q, json_t **out, struct rb_err *e)
{
        json_t *units, *periods, *comps, *u, *c;
        const char *unit;
        size_t i, j;
        int rc;

        if (query_unit_scope(q, query_arg(q, "unit"), &unit, e) != 0)
                return -1;
        units = json_array();
        periods = json_object();
        comps = json_object();
        if ((rc = levels_walk(q->db, unit, units, comps, periods, e)) == 0) {
                comps_order(units);
                rc = pairs_walk(q->db, unit, comps, e);
        }
        json_decref(comps);
        json_array_foreach(units, i, u) json_array_foreach(json_object_get(u, "competencies"), j, c)
            comp_finish(c, u);
        if (rc != 0) {
                json_decref(units);
                json_decref(periods);
                return -1;
        }
        *out = json_pack("{s:s, s:o, s:i, s:o, s:o}", "report", "competency", "unit",
                         unit ? json_string(unit) : json_null(), "weak_below", WEAK_BELOW / 100,
                         "periods", period_list(periods), "units", units);
        json_decref(periods);
        return 0;
}
