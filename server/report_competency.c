/*
 * report_competency.c - `report.competency`: how a unit's competencies develop.
 * From the current assessments (the latest value per ASN x competency x
 * period), the mean level per competency per period; a competency improved
 * when its latest mean is above its first, and is still weak when its latest
 * mean is below 3 (of 5). HR and auditors may ask for every unit at once.
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

/* Closes a competency: first and latest mean, change, improved, weak; lists it. */
static void comp_finish(json_t *comp, json_t *unit_obj)
{
        json_t *ps = json_object_get(comp, "periods");
        size_t n = json_array_size(ps);
        long long first, last;

        if (comp == NULL || n == 0)
                return;
        first = json_integer_value(json_object_get(json_array_get(ps, 0), "mean100"));
        last = json_integer_value(json_object_get(json_array_get(ps, n - 1), "mean100"));
        for (size_t i = 0; i < n; i++)
                json_object_del(json_array_get(ps, i), "mean100");
        json_object_set_new(comp, "first_mean", json_h100(first));
        json_object_set_new(comp, "latest_mean", json_h100(last));
        json_object_set_new(comp, "change", json_h100(last - first));
        json_object_set_new(comp, "improved", json_boolean(n >= 2 && last > first));
        json_object_set_new(comp, "weak", json_boolean(last < WEAK_BELOW));
        if (n >= 2 && last > first)
                json_array_append(json_object_get(unit_obj, "improved"),
                                  json_object_get(comp, "competency"));
        if (last < WEAK_BELOW)
                json_array_append(json_object_get(unit_obj, "weak"),
                                  json_object_get(comp, "competency"));
}

int q_report_competency(struct query_ctx *q, json_t **out, struct rb_err *e)
{
        json_t *units, *periods, *u = NULL, *c = NULL;
        const char *unit;
        sqlite3_stmt *st;
        char name[256];

        if (query_unit_scope(q, query_arg(q, "unit"), &unit, e) != 0 ||
            (st = db_stmt(q->db, SQL_LEVELS, e)) == NULL)
                return -1;
        units = json_array();
        periods = json_object();
        db_bind_text(st, 1, unit);
        int step;
        while ((step = db_step(q->db, st, e)) > 0) {
                const char *uc = db_col_text(st, 0), *cc = db_col_text(st, 1);
                long long n = sqlite3_column_int64(st, 4), sum = sqlite3_column_int64(st, 5);
                if (u == NULL || strcmp(json_string_value(json_object_get(u, "unit")), uc) != 0) {
                        comp_finish(c, u);
                        c = NULL;
                        u = json_pack("{s:s, s:s, s:[], s:[], s:[]}", "unit", uc, "name",
                                      query_unit_name(q->db, uc, name, sizeof(name)),
                                      "competencies", "improved", "weak");
                        json_array_append_new(units, u);
                }
                if (c == NULL ||
                    strcmp(json_string_value(json_object_get(c, "competency")), cc) != 0) {
                        comp_finish(c, u);
                        c = json_pack("{s:s, s:s, s:[]}", "competency", cc, "name",
                                      db_col_text(st, 2), "periods");
                        json_array_append_new(json_object_get(u, "competencies"), c);
                }
                json_array_append_new(json_object_get(c, "periods"),
                                      json_pack("{s:s, s:I, s:o, s:I}", "period",
                                                db_col_text(st, 3), "assessed", (json_int_t)n,
                                                "mean", json_h100(rm_ratio100(sum, n)), "mean100",
                                                (json_int_t)rm_ratio100(sum, n)));
                json_object_set_new(periods, db_col_text(st, 3), json_true());
        }
        sqlite3_reset(st);
        if (step < 0) {
                comp_finish(c, u);
                json_decref(units);
                json_decref(periods);
                return -1;
        }
        comp_finish(c, u);
        json_t *plist = json_array(), *v;
        const char *k;
        json_object_foreach(periods, k, v) json_array_append_new(plist, json_string(k));
        json_decref(periods);
        *out = json_pack("{s:s, s:o, s:i, s:o, s:o}", "report", "competency", "unit",
                         unit ? json_string(unit) : json_null(), "weak_below", 3, "periods", plist,
                         "units", units);
        return 0;
}
