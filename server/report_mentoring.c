/*
 * report_mentoring.c - `report.mentoring`: mentoring in a year. Active pairs
 * whose period overlaps the year, sessions and hours logged in the year, and
 * the ongoing pairs with no session in the 30 days before the reference date
 * (argument today, default the current date), which need a nudge.
 */
#include "db.h"
#include "i18n.h"
#include "queries.h"
#include "report_math.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

/* A pair with no log within this many days of the reference date is quiet. */
#define STALE_DAYS 30

static const char SQL_PAIRS[] =
    "SELECT p.id, p.mentor, ifnull(m.name, ''), p.mentee, ifnull(t.name, ''), p.unit, p.topic,"
    " p.start_date, ifnull(p.end_date, ''),"
    " (SELECT count(*) FROM mentor_logs l WHERE l.pair = p.id AND substr(l.date, 1, 4) = ?1),"
    " (SELECT ifnull(sum(l.minutes), 0) FROM mentor_logs l WHERE l.pair = p.id"
    "   AND substr(l.date, 1, 4) = ?1),"
    " (SELECT ifnull(max(l.date), '') FROM mentor_logs l WHERE l.pair = p.id AND l.date <= ?3)"
    " FROM mentor_pairs p LEFT JOIN asn m ON m.nip = p.mentor LEFT JOIN asn t ON t.nip = p.mentee"
    " WHERE p.active = 1 AND p.start_date <= ?1 || '-12-31'"
    " AND (p.end_date IS NULL OR p.end_date >= ?1 || '-01-01') AND (?2 IS NULL OR p.unit = ?2)"
    " ORDER BY p.unit, p.start_date, p.id";

/* Running totals of a unit or of everything. */
struct mtally {
        long pairs, sessions, stale;
        long long minutes;
};

/* The totals as an object (hours to two decimals). */
static json_t *mtally_json(const struct mtally *t)
{
        return json_pack("{s:I, s:I, s:I, s:o, s:I}", "pairs", (json_int_t)t->pairs, "sessions",
                         (json_int_t)t->sessions, "minutes", (json_int_t)t->minutes, "hours",
                         json_h100(rm_hours100(t->minutes)), "stale_pairs", (json_int_t)t->stale);
}

/* One pair's row; adds it to t. */
static json_t *pair_row(sqlite3_stmt *st, const char *today, struct mtally *t)
{
        const char *end = db_col_text(st, 8), *last = db_col_text(st, 11);
        int ongoing = end[0] == '\0' || strcmp(end, today) >= 0;
        long since = last[0] ? date_diff_days(last, today) : -1;
        int stale = ongoing && (last[0] == '\0' || since > STALE_DAYS);
        long long min = sqlite3_column_int64(st, 10);

        t->pairs++;
        t->sessions += sqlite3_column_int(st, 9);
        t->minutes += min;
        t->stale += stale;
        return json_pack(
            "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:I, s:I, s:o, s:o, "
            "s:o, s:b, s:b}",
            "pair", db_col_text(st, 0), "mentor", db_col_text(st, 1), "mentor_name",
            db_col_text(st, 2), "mentee", db_col_text(st, 3), "mentee_name", db_col_text(st, 4),
            "unit", db_col_text(st, 5), "topic", db_col_text(st, 6), "start_date",
            db_col_text(st, 7), "end_date", end[0] ? json_string(end) : json_null(), "sessions",
            (json_int_t)sqlite3_column_int(st, 9), "minutes", (json_int_t)min, "hours",
            json_h100(rm_hours100(min)), "last_session", last[0] ? json_string(last) : json_null(),
            "days_since_last", last[0] ? json_integer(since) : json_null(), "ongoing", ongoing,
            "stale", stale);
}

/* Appends one unit's tally to units, named. */
static void unit_put(struct query_ctx *q, json_t *units, const char *unit, const struct mtally *t)
{
        json_t *u = mtally_json(t);
        char name[256];

        json_object_set_new(u, "unit", json_string(unit));
        json_object_set_new(u, "name",
                            json_string(query_unit_name(q->db, unit, name, sizeof(name))));
        json_array_append_new(units, u);
}

/* The pairs of the statement, in unit order: every pair, each unit's
 * tally, and the pairs gone quiet. 0, or -1 with e. */
static int pairs_read(struct query_ctx *q, sqlite3_stmt *st, const char *today, json_t *pairs,
                      json_t *units, json_t *stale, struct rb_err *e)
{
        struct mtally ut = {0};
        char cur[64] = "";
        int step;

        while ((step = db_step(q->db, st, e)) > 0) {
                if (strcmp(cur, db_col_text(st, 5)) != 0) {
                        if (cur[0] != '\0')
                                unit_put(q, units, cur, &ut);
                        snprintf(cur, sizeof(cur), "%s", db_col_text(st, 5));
                        memset(&ut, 0, sizeof(ut));
                }
                long before = ut.stale;
                json_t *r = pair_row(st, today, &ut);
                if (ut.stale > before)
                        json_array_append(stale, r);
                json_array_append_new(pairs, r);
        }
        sqlite3_reset(st);
        if (step == 0 && cur[0] != '\0')
                unit_put(q, units, cur, &ut);
        return step < 0 ? -1 : 0;
}

int q_report_mentoring(struct query_ctx *q, json_t **out, struct rb_err *e)
{
        struct mtally all = {0};
        json_t *pairs, *units, *stale;
        char today[11], ys[8];
        const char *unit;
        sqlite3_stmt *st;
        long year;

        if (query_year(q, &year, e) || query_unit_scope(q, query_arg(q, "unit"), &unit, e) ||
            query_today(q, today, e) || (st = db_stmt(q->db, SQL_PAIRS, e)) == NULL)
                return -1;
        snprintf(ys, sizeof(ys), "%ld", year);
        pairs = json_array();
        units = json_array();
        stale = json_array();
        sqlite3_bind_text(st, 1, ys, -1, SQLITE_STATIC);
        db_bind_text(st, 2, unit);
        sqlite3_bind_text(st, 3, today, -1, SQLITE_STATIC);
        if (pairs_read(q, st, today, pairs, units, stale, e) != 0) {
                json_decref(pairs);
                json_decref(units);
                json_decref(stale);
                return -1;
        }
        for (size_t i = 0; i < json_array_size(units); i++) {
                json_t *u = json_array_get(units, i);
                all.pairs += (long)json_integer_value(json_object_get(u, "pairs"));
                all.sessions += (long)json_integer_value(json_object_get(u, "sessions"));
                all.minutes += json_integer_value(json_object_get(u, "minutes"));
                all.stale += (long)json_integer_value(json_object_get(u, "stale_pairs"));
        }
        *out = json_pack("{s:s, s:I, s:o, s:s, s:i, s:o, s:o, s:o, s:o}", "report", "mentoring",
                         "year", (json_int_t)year, "unit", unit ? json_string(unit) : json_null(),
                         "today", today, "stale_days", STALE_DAYS, "total", mtally_json(&all),
                         "units", units, "pairs", pairs, "stale", stale);
        return 0;
}
