/*
 * report_siasn.c - `export.siasn`: a year's completed training as SIASN's
 * training history (riwayat kursus) wants it, one row per person per course:
 * every enrollment finished (selesai) in a program of the year's plan and
 * every verified record from outside the plan that starts in the year, the
 * same courses report.jp counts. Rows are limited to what the seat may see
 * (an office: its own unit). Field names are SIASN's; docs/siasn.md says
 * where each comes from and how it is written.
 */
#include "db.h"
#include "i18n.h"
#include "queries.h"

#include <stdio.h>
#include <string.h>

/* The organizer of a plan program that names no partner: the district's
 * central HR (DOMAIN.md), which holds the plan. */
#define SIASN_OWN_ORGANIZER "BKPSDM"

/* The certificate number of the enrollment e: its STTPP certificate's
 * (server/certificate.c), unless revoked; here and nowhere else. */
#define SIASN_ENROLLMENT_CERTIFICATE                                                               \
        "coalesce((SELECT c.number FROM certificates c WHERE c.enrollment = e.id"                  \
        " AND c.revoked_at IS NULL), '')"

static const char SQL_SIASN[] =
    "SELECT nip, title, organizer, jp, start_date, end_date, year, certificate, method FROM ("
    " SELECT e.nip AS nip, p.title AS title, coalesce(p.partner, ?3) AS organizer, e.jp AS jp,"
    "  p.start_date AS start_date, p.end_date AS end_date, p.plan_year AS year,"
    "  " SIASN_ENROLLMENT_CERTIFICATE " AS certificate, p.method AS method"
    "  FROM enrollments e JOIN programs p ON p.code = e.program"
    "  WHERE e.status = 'selesai' AND p.plan_year = ?1 AND (?2 IS NULL OR e.unit = ?2)"
    " UNION ALL"
    " SELECT r.nip, r.title, r.organizer, r.jp, r.start_date, r.end_date, ?1,"
    "  coalesce(r.certificate, ''), r.method FROM records r"
    "  WHERE r.status = 'verified' AND substr(r.start_date, 1, 4) = CAST(?1 AS TEXT)"
    "  AND (?2 IS NULL OR r.unit = ?2)"
    ") t ORDER BY nip, start_date, title";

/* YYYY-MM-DD as SIASN writes a date: DD-MM-YYYY. */
static json_t *siasn_date(const char *iso)
{
        char out[16];

        if (strlen(iso) != 10)
                return json_string(iso);
        snprintf(out, sizeof(out), "%.2s-%.2s-%.4s", iso + 8, iso + 5, iso);
        return json_string(out);
}

/* One row of SQL_SIASN in SIASN's names. */
static json_t *siasn_row(sqlite3_stmt *st)
{
        return json_pack(
            "{s:s, s:s, s:s, s:I, s:o, s:o, s:I, s:s, s:s}", "pnsOrangId", db_col_text(st, 0),
            "namaKursus", db_col_text(st, 1), "institusiPenyelenggara", db_col_text(st, 2),
            "jumlahJam", (json_int_t)sqlite3_column_int64(st, 3), "tanggalKursus",
            siasn_date(db_col_text(st, 4)), "tanggalSelesaiKursus", siasn_date(db_col_text(st, 5)),
            "tahunKursus", (json_int_t)sqlite3_column_int64(st, 6), "nomorSertipikat",
            db_col_text(st, 7), "jenisKursus", db_col_text(st, 8));
}

int q_export_siasn(struct query_ctx *q, json_t **out, struct rb_err *e)
{
        const char *unit;
        sqlite3_stmt *st;
        json_t *rows;
        long year;
        int step;

        if (query_year(q, &year, e) != 0 || query_unit_scope(q, query_arg(q, "unit"), &unit, e) ||
            (st = db_stmt(q->db, SQL_SIASN, e)) == NULL)
                return -1;
        sqlite3_bind_int64(st, 1, year);
        db_bind_text(st, 2, unit);
        sqlite3_bind_text(st, 3, SIASN_OWN_ORGANIZER, -1, SQLITE_STATIC);
        rows = json_array();
        while ((step = db_step(q->db, st, e)) > 0)
                json_array_append_new(rows, siasn_row(st));
        sqlite3_reset(st);
        if (step < 0) {
                json_decref(rows);
                return -1;
        }
        *out = json_pack("{s:s, s:I, s:o, s:o}", "report", "siasn", "year", (json_int_t)year,
                         "unit", unit ? json_string(unit) : json_null(), "rows", rows);
        return 0;
}
