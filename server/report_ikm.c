/*
 * report_ikm.c - `report.ikm`: the community satisfaction index of a period
 * per unit (SKM, PermenPAN-RB 14/2017). NRR of an element = sum of its scores
 * / responses; IKM = sum of the nine NRR x 1/9 x 25, graded A-D on the value
 * rounded to two decimals. The weight is 1/9 exactly; the regulation prints
 * it rounded as 0.111, which would make nine answers of 4 come to 99.90.
 *
 * A year or a semester rolls up the responses of its quarters and the
 * figures are computed once over all of them (decisions 125); beside the
 * units, a table per unit and service (126). Each unit's result is judged
 * against the Krejcie-Morgan minimum sample of the population it served in
 * the period, or in its year (127-129): below it, or with no population set,
 * the grade is marked provisional.
 */
#include "db.h"
#include "i18n.h"
#include "queries.h"
#include "report_math.h"
#include "validate.h"

#include <math.h>
#include <stdio.h>

/* The sums of a report's responses: ?1 unit, ?2 service (NULL: all), ?3..?9
 * the stored periods the report's period covers (rm_period_parts; unused
 * ones NULL). Grouped by unit, or by unit and service. */
#define SUMS_SELECT                                                                                \
        "count(*), sum(u1), sum(u2), sum(u3), sum(u4), sum(u5), sum(u6), sum(u7), sum(u8),"        \
        " sum(u9) FROM surveys WHERE period IN (?3, ?4, ?5, ?6, ?7, ?8, ?9)"                       \
        " AND (?1 IS NULL OR unit = ?1) AND (?2 IS NULL OR service = ?2) AND deleted_at IS NULL"
static const char SQL_UNIT_SUMS[] = "SELECT unit, " SUMS_SELECT " GROUP BY unit ORDER BY unit";
static const char SQL_SERVICE_SUMS[] =
    "SELECT unit, service, " SUMS_SELECT " GROUP BY unit, service ORDER BY unit, service";
/* The population a unit served: the one set for the period itself (?2),
 * else the one set for its year (?3) (decisions 128). */
static const char SQL_POPULATION[] =
    "SELECT served, period FROM populations WHERE unit = ?1 AND period IN (?2, ?3)"
    " ORDER BY length(period) DESC LIMIT 1";

#define IKM_NOTE                                                                                   \
        N_("IKM = sum of the nine NRR x 1/9 x 25. The weight is 1/9 exactly; "                     \
           "PermenPAN-RB 14/2017 prints it rounded as 0.111. Grades: A "                           \
           "88.31-100.00 Sangat Baik, B 76.61-88.30 Baik, C 65.00-76.60 Kurang "                   \
           "Baik, D 25.00-64.99 Tidak Baik. A year or a semester is computed over all the "        \
           "responses of its quarters. A grade is provisional when the sample is under the "       \
           "Krejcie-Morgan minimum of the population served, or the population is not set.")

/* What one report is over, and the figures it adds up. */
struct ikm_req {
        struct query_ctx *q;
        const char *period, *unit, *service;
        char parts[RM_PERIOD_PARTS][8];
        int nparts;
        long total[RM_IKM_ELEMENTS], n_all;
        long long served_all; /* -1 once a unit has no population */
};

static const char *const element_names[RM_IKM_ELEMENTS] = {
    "persyaratan",
    "sistem, mekanisme dan prosedur",
    "waktu penyelesaian",
    "biaya/tarif",
    "produk spesifikasi jenis pelayanan",
    "kompetensi pelaksana",
    "perilaku pelaksana",
    "sarana dan prasarana",
    "penanganan pengaduan, saran dan masukan",
};

/* One unit's (or everyone's) figures from its sums over n responses. */
static json_t *ikm_json(const long sums[RM_IKM_ELEMENTS], long n)
{
        json_t *els = json_array(), *weak = json_array();
        struct rm_ikm r;
        long long min;
        char id[16];

        rm_ikm(sums, n, &r);
        min = r.nrr100[rm_weakest(r.nrr100, RM_IKM_ELEMENTS)];
        for (int i = 0; i < RM_IKM_ELEMENTS; i++) {
                snprintf(id, sizeof(id), "u%d", i + 1);
                json_array_append_new(els,
                                      json_pack("{s:s, s:s, s:I, s:o, s:f}", "element", id, "name",
                                                element_names[i], "sum", (json_int_t)sums[i], "nrr",
                                                json_h100(r.nrr100[i]), "weighted_nrr",
                                                round(r.wnrr[i] * 1000.0) / 1000.0));
                if (r.nrr100[i] == min)
                        json_array_append_new(weak, json_string(id));
        }
        return json_pack("{s:I, s:o, s:s#, s:s, s:o, s:o}", "respondents", (json_int_t)n, "ikm",
                         json_h100(r.ikm100), "grade", r.grade.grade == '-' ? "-" : &r.grade.grade,
                         1, "label", r.grade.label, "weakest", weak, "elements", els);
}

/* Binds the unit, service and covered periods of r to a sums statement. */
static void bind_sums(const struct ikm_req *r, sqlite3_stmt *st)
{
        db_bind_text(st, 1, r->unit);
        db_bind_text(st, 2, r->service);
        for (int i = 0; i < RM_PERIOD_PARTS; i++)
                db_bind_text(st, 3 + i, i < r->nparts ? r->parts[i] : NULL);
}

/* Reads the nine sums and the count from columns first.. of st. */
static long read_sums(sqlite3_stmt *st, int first, long sums[RM_IKM_ELEMENTS])
{
        for (int i = 0; i < RM_IKM_ELEMENTS; i++)
                sums[i] = (long)sqlite3_column_int64(st, first + 1 + i);
        return (long)sqlite3_column_int64(st, first);
}

/* The people unit served in r's period (or its year) into *served, the
 * period it was set for into from: 1, 0 when none is set, -1 with e. */
static int population_of(const struct ikm_req *r, const char *unit, long long *served, char from[8],
                         struct rb_err *e)
{
        sqlite3_stmt *st = db_stmt(r->q->db, SQL_POPULATION, e);
        char year[8];
        int rc;

        if (st == NULL)
                return -1;
        snprintf(year, sizeof(year), "%.4s", r->period);
        sqlite3_bind_text(st, 1, unit, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, r->period, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, year, -1, SQLITE_STATIC);
        if ((rc = db_step(r->q->db, st, e)) > 0) {
                *served = sqlite3_column_int64(st, 0);
                snprintf(from, 8, "%s", db_col_text(st, 1));
        }
        sqlite3_reset(st);
        return rc;
}

/* Adds the sample's verdict to a result of n responses from a population of
 * served (< 0: not set) set for period from: the minimum sample
 * (Krejcie-Morgan), whether n reaches it (null: unknown), and whether the
 * grade is provisional (decisions 127). */
static void sample_json(json_t *o, long n, long long served, const char *from)
{
        long long min = served >= 0 ? rm_sample_min(served) : -1;

        json_object_set_new(o, "population", served >= 0 ? json_integer(served) : json_null());
        json_object_set_new(o, "population_period",
                            served >= 0 && from ? json_string(from) : json_null());
        json_object_set_new(o, "sample_min", min >= 0 ? json_integer(min) : json_null());
        json_object_set_new(o, "sample_ok", min >= 0 ? json_boolean(n >= min) : json_null());
        json_object_set_new(o, "provisional", json_boolean(min < 0 || n < min));
}

/* One unit's row of r: its figures, name and sample; adds to r's totals. */
static json_t *unit_row(struct ikm_req *r, sqlite3_stmt *st, struct rb_err *e)
{
        long sums[RM_IKM_ELEMENTS], n = read_sums(st, 1, sums);
        const char *code = db_col_text(st, 0);
        long long served = -1;
        char name[256], from[8] = "";
        json_t *u;
        int has;

        if ((has = population_of(r, code, &served, from, e)) < 0)
                return NULL;
        for (int i = 0; i < RM_IKM_ELEMENTS; i++)
                r->total[i] += sums[i];
        r->n_all += n;
        r->served_all = has && r->served_all >= 0 ? r->served_all + served : -1;
        u = ikm_json(sums, n);
        json_object_set_new(u, "unit", json_string(code));
        json_object_set_new(u, "name",
                            json_string(query_unit_name(r->q->db, code, name, sizeof(name))));
        sample_json(u, n, has ? served : -1, from);
        return u;
}

/* Runs sql (a sums statement) over r, appending row(r, st) to *rows. */
static int walk(struct ikm_req *r, const char *sql, json_t *rows,
                json_t *(*row)(struct ikm_req *, sqlite3_stmt *, struct rb_err *), struct rb_err *e)
{
        sqlite3_stmt *st = db_stmt(r->q->db, sql, e);
        json_t *one;
        int step;

        if (st == NULL)
                return -1;
        bind_sums(r, st);
        while ((step = db_step(r->q->db, st, e)) > 0) {
                if ((one = row(r, st, e)) == NULL) {
                        step = -1;
                        break;
                }
                json_array_append_new(rows, one);
        }
        sqlite3_reset(st);
        return step < 0 ? -1 : 0;
}

/* One service's row: its figures over its unit's responses to it. Its grade
 * is provisional when its unit's is: the population is the unit's. */
static json_t *service_row(struct ikm_req *r, sqlite3_stmt *st, struct rb_err *e)
{
        long sums[RM_IKM_ELEMENTS], n = read_sums(st, 2, sums);
        json_t *s = ikm_json(sums, n);

        (void)r;
        (void)e;
        json_object_del(s, "elements");
        json_object_set_new(s, "unit", json_string(db_col_text(st, 0)));
        json_object_set_new(s, "service", json_string(db_col_text(st, 1)));
        return s;
}

/* Marks each service provisional as its unit is. */
static void services_follow_units(json_t *services, json_t *units)
{
        json_t *s, *u;
        size_t i, k;

        json_array_foreach(services, i, s)
        {
                int prov = 1;
                json_array_foreach(units, k, u) if (json_equal(json_object_get(u, "unit"),
                                                               json_object_get(s, "unit"))) prov =
                    json_is_true(json_object_get(u, "provisional"));
                json_object_set_new(s, "provisional", json_boolean(prov));
        }
}

/* The overall row of several units; its population is theirs added up,
 * unknown when one of them has none. */
static json_t *all_row(const struct ikm_req *r, size_t nunits)
{
        json_t *a;

        if (r->n_all <= 0 || nunits <= 1)
                return json_null();
        a = ikm_json(r->total, r->n_all);
        sample_json(a, r->n_all, r->served_all, NULL);
        return a;
}

/* The IKM of a period per unit and per service. A year or a semester rolls up
 * the responses of its quarters (and of any recorded for the semester or the
 * year itself): the regulation's formula over all of them, not a mean of
 * quarterly IKMs (decisions 125). */
int q_report_ikm(struct query_ctx *q, json_t **out, struct rb_err *e)
{
        struct ikm_req r = {
            .q = q, .period = query_arg(q, "period"), .service = query_arg(q, "service")};
        json_t *units, *services, *periods;

        if (r.period == NULL)
                return err_set(e, RB_INVALID, "period", _("period is required"));
        if (period_check(r.period, "period", e) ||
            query_unit_scope(q, query_arg(q, "unit"), &r.unit, e))
                return -1;
        r.nparts = rm_period_parts(r.period, r.parts, RM_PERIOD_PARTS);
        units = json_array();
        services = json_array();
        if (walk(&r, SQL_UNIT_SUMS, units, unit_row, e) != 0 ||
            walk(&r, SQL_SERVICE_SUMS, services, service_row, e) != 0) {
                json_decref(units);
                json_decref(services);
                return -1;
        }
        services_follow_units(services, units);
        periods = json_array();
        for (int i = 0; i < r.nparts; i++)
                json_array_append_new(periods, json_string(r.parts[i]));
        *out = json_pack("{s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:o, s:o, s:o}", "report", "ikm",
                         "period", r.period, "periods", periods, "unit",
                         r.unit ? json_string(r.unit) : json_null(), "service",
                         r.service ? json_string(r.service) : json_null(), "weight", "1/9", "note",
                         _(IKM_NOTE), "units", units, "services", services, "all",
                         all_row(&r, json_array_size(units)));
        return 0;
}
