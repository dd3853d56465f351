/*
 * report_ikm.c - `report.ikm`: the community satisfaction index of a period
 * per unit (SKM, PermenPAN-RB 14/2017). NRR of an element = sum of its scores
 * / responses; IKM = sum of the nine NRR x 1/9 x 25, graded A-D on the value
 * rounded to two decimals. The weight is 1/9 exactly; the regulation prints
 * it rounded as 0.111, which would make nine answers of 4 come to 99.90.
 */
#include "db.h"
#include "i18n.h"
#include "queries.h"
#include "report_math.h"
#include "validate.h"

#include <math.h>
#include <stdio.h>

static const char SQL_SUMS[] =
    "SELECT unit, count(*), sum(u1), sum(u2), sum(u3), sum(u4), sum(u5), sum(u6), sum(u7),"
    " sum(u8), sum(u9) FROM surveys WHERE period = ?1 AND (?2 IS NULL OR unit = ?2)"
    " AND deleted_at IS NULL"
    " GROUP BY unit ORDER BY unit";

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

int q_report_ikm(struct query_ctx *q, json_t **out, struct rb_err *e)
{
        const char *period = query_arg(q, "period"), *unit;
        long total[RM_IKM_ELEMENTS] = {0}, n_all = 0;
        json_t *units;
        sqlite3_stmt *st;
        char name[256];

        if (period == NULL)
                return err_set(e, RB_INVALID, "period", _("period is required"));
        if (period_check(period, "period", e) ||
            query_unit_scope(q, query_arg(q, "unit"), &unit, e) ||
            (st = db_stmt(q->db, SQL_SUMS, e)) == NULL)
                return -1;
        units = json_array();
        sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
        db_bind_text(st, 2, unit);
        int step;
        while ((step = db_step(q->db, st, e)) > 0) {
                long sums[RM_IKM_ELEMENTS], n = sqlite3_column_int(st, 1);
                for (int i = 0; i < RM_IKM_ELEMENTS; i++) {
                        sums[i] = sqlite3_column_int(st, 2 + i);
                        total[i] += sums[i];
                }
                n_all += n;
                json_t *u = ikm_json(sums, n);
                json_object_set_new(u, "unit", json_string(db_col_text(st, 0)));
                json_object_set_new(
                    u, "name",
                    json_string(query_unit_name(q->db, db_col_text(st, 0), name, sizeof(name))));
                json_array_append_new(units, u);
        }
        sqlite3_reset(st);
        if (step < 0) {
                json_decref(units);
                return -1;
        }
        *out = json_pack("{s:s, s:s, s:o, s:s, s:s, s:o, s:o}", "report", "ikm", "period", period,
                         "unit", unit ? json_string(unit) : json_null(), "weight", "1/9", "note",
                         _("IKM = sum of the nine NRR x 1/9 x 25. The weight is 1/9 exactly; "
                           "PermenPAN-RB 14/2017 prints it rounded as 0.111. Grades: A "
                           "88.31-100.00 Sangat Baik, B 76.61-88.30 Baik, C 65.00-76.60 Kurang "
                           "Baik, D 25.00-64.99 Tidak Baik."),
                         "units", units, "all",
                         n_all > 0 && json_array_size(units) > 1 ? ikm_json(total, n_all)
                                                                 : json_null());
        return 0;
}
