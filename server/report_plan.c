/*
 * report_plan.c - the year's plan against what happened. `report.plan`:
 * programs planned vs held (ended before the reference date), seats vs
 * enrolled vs completed and the JP delivered, per program, per method and
 * per competency. `report.needs`: each unit's training needs of the year, the
 * programs of that year with the needed competency (which cover it), and the
 * needs no program covers, with how many of the need's unit took a covering
 * program (enrolled in one, completed one). A unit office sees its own enrollments and needs;
 * programs and seats are everyone's. A cancelled program is neither planned
 * nor covers a need (decisions 66).
 */
#include "db.h"
#include "i18n.h"
#include "queries.h"
#include "report_math.h"

#include <stdio.h>
#include <string.h>

static const char SQL_PLAN[] = "SELECT year, title, status, revision FROM plans WHERE year = ?1";

static const char SQL_PROGRAMS[] =
    "SELECT p.code, p.title, p.method, ifnull(p.competency, ''), ifnull(c.name, ''),"
    " p.start_date, p.end_date, p.jp, p.capacity,"
    " (SELECT count(*) FROM enrollments e WHERE e.program = p.code"
    "   AND e.status IN ('terdaftar', 'hadir', 'selesai') AND (?2 IS NULL OR e.unit = ?2)),"
    " (SELECT count(*) FROM enrollments e WHERE e.program = p.code"
    "   AND e.status IN ('hadir', 'selesai') AND (?2 IS NULL OR e.unit = ?2)),"
    " (SELECT count(*) FROM enrollments e WHERE e.program = p.code"
    "   AND e.status = 'selesai' AND (?2 IS NULL OR e.unit = ?2)),"
    " (SELECT ifnull(sum(e.jp), 0) FROM enrollments e WHERE e.program = p.code"
    "   AND e.status = 'selesai' AND (?2 IS NULL OR e.unit = ?2))"
    " FROM programs p LEFT JOIN competencies c ON c.code = p.competency"
    " WHERE p.plan_year = ?1 AND p.status = 'aktif' ORDER BY p.start_date, p.code";

static const char SQL_NEEDS[] =
    "SELECT n.unit, ifnull(u.name, ''), n.competency, ifnull(c.name, ''), n.priority,"
    " ifnull(n.reason, ''),"
    " (SELECT json_group_array(code) FROM (SELECT code FROM programs"
    "   WHERE plan_year = n.year AND competency = n.competency AND status = 'aktif'"
    "   ORDER BY code)),"
    " (SELECT count(DISTINCT e.nip) FROM enrollments e JOIN programs p ON p.code = e.program"
    "   WHERE p.plan_year = n.year AND p.competency = n.competency AND p.status = 'aktif'"
    "   AND e.unit = n.unit AND e.status IN ('terdaftar', 'hadir', 'selesai')),"
    " (SELECT count(DISTINCT e.nip) FROM enrollments e JOIN programs p ON p.code = e.program"
    "   WHERE p.plan_year = n.year AND p.competency = n.competency AND p.status = 'aktif'"
    "   AND e.unit = n.unit AND e.status = 'selesai')"
    " FROM needs n LEFT JOIN units u ON u.code = n.unit"
    " LEFT JOIN competencies c ON c.code = n.competency"
    " WHERE n.year = ?1 AND (?2 IS NULL OR n.unit = ?2) AND n.withdrawn_at IS NULL"
    " ORDER BY n.unit,"
    " CASE n.priority WHEN 'tinggi' THEN 0 WHEN 'sedang' THEN 1 ELSE 2 END, n.competency";

/* The plan of a year as an object, or NULL (NOT_FOUND). */
static json_t *plan_info(sqlite3 *db, long year, struct rb_err *e)
{
        sqlite3_stmt *st = db_stmt(db, SQL_PLAN, e);
        json_t *p = NULL;

        if (st == NULL)
                return NULL;
        sqlite3_bind_int64(st, 1, year);
        int step = db_step(db, st, e);
        if (step > 0)
                p = json_pack("{s:I, s:s, s:s, s:I}", "year",
                              (json_int_t)sqlite3_column_int64(st, 0), "title", db_col_text(st, 1),
                              "status", db_col_text(st, 2), "revision",
                              (json_int_t)sqlite3_column_int64(st, 3));
        sqlite3_reset(st);
        if (p == NULL && step == 0)
                err_set(e, RB_NOT_FOUND, "year", _("no plan for %ld"), year);
        return p;
}

/* Adds a program's figures to the group named key in groups (an object). */
static void group_add(json_t *groups, const char *field, const char *key, json_t *prog)
{
        static const char *const sums[] = {"seats", "enrolled", "attended", "completed",
                                           "jp_delivered"};
        json_t *g = json_object_get(groups, key);

        if (g == NULL) {
                g = json_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", field, key, "planned", 0,
                              "held", 0, "seats", 0, "enrolled", 0, "attended", 0, "completed", 0,
                              "jp_delivered", 0);
                json_object_set_new(groups, key, g);
        }
        json_object_set_new(g, "planned",
                            json_integer(json_integer_value(json_object_get(g, "planned")) + 1));
        if (json_is_true(json_object_get(prog, "held")))
                json_object_set_new(
                    g, "held", json_integer(json_integer_value(json_object_get(g, "held")) + 1));
        for (size_t i = 0; i < sizeof(sums) / sizeof(sums[0]); i++)
                json_object_set_new(
                    g, sums[i],
                    json_integer(json_integer_value(json_object_get(g, sums[i])) +
                                 json_integer_value(json_object_get(prog, sums[i]))));
}

/* The values of an object as an array (groups in order of first appearance). */
static json_t *values(json_t *obj)
{
        json_t *arr = json_array(), *v;
        const char *k;

        json_object_foreach(obj, k, v) json_array_append(arr, v);
        json_decref(obj);
        return arr;
}

/* One program row of SQL_PROGRAMS as the report shows it. */
static json_t *program_row(sqlite3_stmt *st, const char *today)
{
        return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:b}",
                         "code", db_col_text(st, 0), "title", db_col_text(st, 1), "method",
                         db_col_text(st, 2), "competency", db_col_text(st, 3), "competency_name",
                         db_col_text(st, 4), "start_date", db_col_text(st, 5), "end_date",
                         db_col_text(st, 6), "jp", (json_int_t)sqlite3_column_int64(st, 7), "seats",
                         (json_int_t)sqlite3_column_int64(st, 8), "enrolled",
                         (json_int_t)sqlite3_column_int64(st, 9), "attended",
                         (json_int_t)sqlite3_column_int64(st, 10), "completed",
                         (json_int_t)sqlite3_column_int64(st, 11), "jp_delivered",
                         (json_int_t)sqlite3_column_int64(st, 12), "held",
                         strcmp(db_col_text(st, 6), today) < 0);
}

/* The programs of the statement into progs, summed by method, by
 * competency and in all. 0, or -1 with e. */
static int programs_read(struct query_ctx *q, sqlite3_stmt *st, const char *today, json_t *progs,
                         json_t *by_method, json_t *by_comp, json_t *total, struct rb_err *e)
{
        int step;

        while ((step = db_step(q->db, st, e)) > 0) {
                json_t *p = program_row(st, today);
                group_add(by_method, "method", json_string_value(json_object_get(p, "method")), p);
                group_add(by_comp, "competency",
                          json_string_value(json_object_get(p, "competency")), p);
                group_add(total, "all", "all", p);
                json_array_append_new(progs, p);
        }
        sqlite3_reset(st);
        return step < 0 ? -1 : 0;
}

/* The plan's totals out of the "all" group (zeros for a plan with nothing). */
static json_t *plan_total(json_t *total)
{
        json_t *t = json_incref(json_object_get(total, "all"));

        json_decref(total);
        if (t == NULL)
                t = json_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "all", "all", "planned",
                              0, "held", 0, "seats", 0, "enrolled", 0, "attended", 0, "completed",
                              0, "jp_delivered", 0);
        json_object_del(t, "all");
        return t;
}

int q_report_plan(struct query_ctx *q, json_t **out, struct rb_err *e)
{
        json_t *plan, *progs, *by_method, *by_comp, *total;
        const char *unit;
        sqlite3_stmt *st;
        char today[11];
        long year;

        if (query_year(q, &year, e) || query_unit_scope(q, query_arg(q, "unit"), &unit, e) ||
            query_today(q, today, e) || (plan = plan_info(q->db, year, e)) == NULL)
                return -1;
        if ((st = db_stmt(q->db, SQL_PROGRAMS, e)) == NULL) {
                json_decref(plan);
                return -1;
        }
        progs = json_array();
        by_method = json_object();
        by_comp = json_object();
        total = json_object();
        sqlite3_bind_int64(st, 1, year);
        db_bind_text(st, 2, unit);
        if (programs_read(q, st, today, progs, by_method, by_comp, total, e) != 0) {
                json_decref(plan);
                json_decref(progs);
                json_decref(by_method);
                json_decref(by_comp);
                json_decref(total);
                return -1;
        }
        *out = json_pack("{s:s, s:I, s:o, s:s, s:o, s:o, s:o, s:o, s:o}", "report", "plan", "year",
                         (json_int_t)year, "unit", unit ? json_string(unit) : json_null(), "today",
                         today, "plan", plan, "total", plan_total(total), "by_method",
                         values(by_method), "by_competency", values(by_comp), "programs", progs);
        return 0;
}

/* Counts the need at st (covered or not) in its unit's row of units. */
static void unit_count(json_t *units, sqlite3_stmt *st, int cov)
{
        json_t *u = json_object_get(units, db_col_text(st, 0));

        if (u == NULL) {
                u = json_pack("{s:s, s:s, s:i, s:i, s:i}", "unit", db_col_text(st, 0), "name",
                              db_col_text(st, 1), "needs", 0, "covered", 0, "uncovered", 0);
                json_object_set_new(units, db_col_text(st, 0), u);
        }
        json_object_set_new(u, "needs",
                            json_integer(json_integer_value(json_object_get(u, "needs")) + 1));
        json_object_set_new(
            u, cov ? "covered" : "uncovered",
            json_integer(json_integer_value(json_object_get(u, cov ? "covered" : "uncovered")) +
                         1));
}

int q_report_needs(struct query_ctx *q, json_t **out, struct rb_err *e)
{
        json_t *needs, *uncovered, *units;
        long year, n = 0, covered = 0;
        const char *unit;
        sqlite3_stmt *st;

        if (query_year(q, &year, e) || query_unit_scope(q, query_arg(q, "unit"), &unit, e) ||
            (st = db_stmt(q->db, SQL_NEEDS, e)) == NULL)
                return -1;
        needs = json_array();
        uncovered = json_array();
        units = json_object();
        sqlite3_bind_int64(st, 1, year);
        db_bind_text(st, 2, unit);
        int step;
        while ((step = db_step(q->db, st, e)) > 0) {
                json_t *by = json_loads(db_col_text(st, 6), 0, NULL);
                int cov;
                if (by == NULL)
                        by = json_array();
                cov = json_array_size(by) > 0;
                json_t *r =
                    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:I, s:I}", "unit",
                              db_col_text(st, 0), "unit_name", db_col_text(st, 1), "competency",
                              db_col_text(st, 2), "competency_name", db_col_text(st, 3), "priority",
                              db_col_text(st, 4), "reason", db_col_text(st, 5), "covered", cov,
                              "covered_by", by, "enrolled", (json_int_t)sqlite3_column_int64(st, 7),
                              "completed", (json_int_t)sqlite3_column_int64(st, 8));
                unit_count(units, st, cov);
                n++;
                covered += cov;
                if (!cov)
                        json_array_append(uncovered, r);
                json_array_append_new(needs, r);
        }
        sqlite3_reset(st);
        if (step < 0) {
                json_decref(needs);
                json_decref(uncovered);
                json_decref(units);
                return -1;
        }
        *out =
            json_pack("{s:s, s:I, s:o, s:{s:I, s:I, s:I, s:o}, s:o, s:o, s:o}", "report", "needs",
                      "year", (json_int_t)year, "unit", unit ? json_string(unit) : json_null(),
                      "total", "needs", (json_int_t)n, "covered", (json_int_t)covered, "uncovered",
                      (json_int_t)(n - covered), "covered_pct", json_h100(rm_pct100(covered, n)),
                      "units", values(units), "needs", needs, "uncovered", uncovered);
        return 0;
}
