/*
 * report_jp.c - `report.jp`: competency development per ASN in a year against
 * the 20 JP minimum (PP 11/2017 art. 203). Klasikal JP are the JP credited to
 * enrollments finished (selesai) in programs of the year's plan; nonklasikal
 * JP are the year's mentoring minutes as mentee divided by the server's JP
 * minutes (meta jp_minutes, 45 by default), to two decimals. A verified
 * record from outside the plan that starts in the year adds its JP to
 * klasikal or nonklasikal by its method (the kind kept with the row); a
 * pending one is shown (pending_jp) and never counted. The report lists
 * everyone in scope, who is below and by how much, and each unit's share of
 * people who reached the minimum.
 */
#include "db.h"
#include "i18n.h"
#include "queries.h"
#include "report_math.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_JP[] =
    "SELECT a.nip, a.name, a.unit,"
    " (SELECT ifnull(sum(e.jp), 0) FROM enrollments e JOIN programs p ON p.code = e.program"
    "   WHERE e.nip = a.nip AND e.status = 'selesai' AND p.plan_year = ?1),"
    " (SELECT ifnull(sum(l.minutes), 0) FROM mentor_logs l JOIN mentor_pairs m ON m.id = l.pair"
    "   WHERE m.mentee = a.nip AND substr(l.date, 1, 4) = CAST(?1 AS TEXT)),"
    " (SELECT ifnull(sum(r.jp), 0) FROM records r WHERE r.nip = a.nip AND r.status = 'verified'"
    "   AND r.klasikal = 1 AND substr(r.start_date, 1, 4) = CAST(?1 AS TEXT)),"
    " (SELECT ifnull(sum(r.jp), 0) FROM records r WHERE r.nip = a.nip AND r.status = 'verified'"
    "   AND r.klasikal = 0 AND substr(r.start_date, 1, 4) = CAST(?1 AS TEXT)),"
    " (SELECT ifnull(sum(r.jp), 0) FROM records r WHERE r.nip = a.nip AND r.status = 'pending'"
    "   AND substr(r.start_date, 1, 4) = CAST(?1 AS TEXT))"
    " FROM asn a WHERE a.active = 1 AND (?2 IS NULL OR a.unit = ?2) ORDER BY a.unit, a.name";

/* Per-unit tallies while the rows go by (rows come ordered by unit). */
struct tally {
        char unit[64];
        long asn, compliant;
};

/* Appends a unit's tally to units. */
static void tally_flush(sqlite3 *db, json_t *units, const struct tally *t)
{
        char name[256];

        if (t->unit[0] == '\0')
                return;
        json_array_append_new(
            units, json_pack("{s:s, s:s, s:I, s:I, s:I, s:o}", "unit", t->unit, "name",
                             query_unit_name(db, t->unit, name, sizeof(name)), "asn",
                             (json_int_t)t->asn, "compliant", (json_int_t)t->compliant, "below",
                             (json_int_t)(t->asn - t->compliant), "share_compliant_pct",
                             json_h100(rm_pct100(t->compliant, t->asn))));
}

/* One ASN's row; counts them into t and all. */
static json_t *asn_row(sqlite3_stmt *st, int jp_minutes, struct tally *t, struct tally *all)
{
        long long rec_klas = sqlite3_column_int64(st, 5), rec_non = sqlite3_column_int64(st, 6),
                  klas100 = (sqlite3_column_int64(st, 3) + rec_klas) * 100,
                  non100 = rm_jp100_from_minutes(sqlite3_column_int64(st, 4), jp_minutes) +
                           rec_non * 100,
                  total100 = klas100 + non100, short100 = RM_JP_MINIMUM * 100 - total100;
        int ok = short100 <= 0;

        t->asn++;
        all->asn++;
        t->compliant += ok;
        all->compliant += ok;
        return json_pack(
            "{s:s, s:s, s:s, s:o, s:I, s:o, s:I, s:I, s:o, s:b, s:o}", "nip", db_col_text(st, 0),
            "name", db_col_text(st, 1), "unit", db_col_text(st, 2), "klasikal_jp",
            json_h100(klas100), "mentoring_minutes", (json_int_t)sqlite3_column_int64(st, 4),
            "nonklasikal_jp", json_h100(non100), "records_jp", (json_int_t)(rec_klas + rec_non),
            "pending_jp", (json_int_t)sqlite3_column_int64(st, 7), "total_jp", json_h100(total100),
            "compliant", ok, "shortfall_jp", json_h100(ok ? 0 : short100));
}

int q_report_jp(struct query_ctx *q, json_t **out, struct rb_err *e)
{
        struct tally t = {"", 0, 0}, all = {"", 0, 0};
        json_t *rows, *below, *units;
        const char *unit;
        sqlite3_stmt *st;
        char buf[32];
        int jp_minutes;
        long year;

        if (query_year(q, &year, e) != 0 || query_unit_scope(q, query_arg(q, "unit"), &unit, e) ||
            (st = db_stmt(q->db, SQL_JP, e)) == NULL)
                return -1;
        jp_minutes = store_meta(q->db, "jp_minutes", buf, sizeof(buf)) ? atoi(buf) : 45;
        if (jp_minutes <= 0)
                jp_minutes = 45;
        rows = json_array();
        below = json_array();
        units = json_array();
        sqlite3_bind_int64(st, 1, year);
        db_bind_text(st, 2, unit);
        int step;
        while ((step = db_step(q->db, st, e)) > 0) {
                if (strcmp(t.unit, db_col_text(st, 2)) != 0) {
                        tally_flush(q->db, units, &t);
                        snprintf(t.unit, sizeof(t.unit), "%s", db_col_text(st, 2));
                        t.asn = t.compliant = 0;
                }
                json_t *r = asn_row(st, jp_minutes, &t, &all);
                if (!json_is_true(json_object_get(r, "compliant")))
                        json_array_append_new(
                            below,
                            json_pack("{s:O, s:O, s:O, s:O, s:O}", "nip", json_object_get(r, "nip"),
                                      "name", json_object_get(r, "name"), "unit",
                                      json_object_get(r, "unit"), "total_jp",
                                      json_object_get(r, "total_jp"), "shortfall_jp",
                                      json_object_get(r, "shortfall_jp")));
                json_array_append_new(rows, r);
        }
        sqlite3_reset(st);
        if (step < 0) {
                json_decref(rows);
                json_decref(below);
                json_decref(units);
                return -1;
        }
        tally_flush(q->db, units, &t);
        *out = json_pack("{s:s, s:I, s:o, s:i, s:i, s:o, s:o, s:o, s:{s:I, s:I, s:I, s:o}}",
                         "report", "jp", "year", (json_int_t)year, "unit",
                         unit ? json_string(unit) : json_null(), "minimum_jp", RM_JP_MINIMUM,
                         "jp_minutes", jp_minutes, "asn", rows, "below", below, "units", units,
                         "total", "asn", (json_int_t)all.asn, "compliant",
                         (json_int_t)all.compliant, "below", (json_int_t)(all.asn - all.compliant),
                         "share_compliant_pct", json_h100(rm_pct100(all.compliant, all.asn)));
        return 0;
}
