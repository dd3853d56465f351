/*
 * report_program.c - `report.program`: how participants rated one program
 * (Kirkpatrick level 1). Responses over attendees (enrollments hadir or
 * selesai) give the response rate; per dimension (materi, penyampaian,
 * aplikasi praktis, and all three pooled as overall) the mean and the 1-5
 * distribution, the weakest dimension and the comments. A group of fewer than
 * three answers shows nothing per dimension and no comments, so no answer can
 * be traced to a person; the document then says suppressed and why.
 */
#include "db.h"
#include "i18n.h"
#include "queries.h"
#include "report_math.h"

#include <stdio.h>

static const char *const dims[] = {"materi", "penyampaian", "aplikasi", "overall"};

/* The program's own facts as an object, or NULL if there is no such program. */
static json_t *program_info(sqlite3 *db, const char *code, struct rb_err *e)
{
        static const char sql[] =
            "SELECT code, title, method, plan_year, ifnull(competency, ''), start_date, end_date,"
            " jp, capacity FROM programs WHERE code = ?1";
        sqlite3_stmt *st = db_stmt(db, sql, e);
        json_t *p = NULL;

        if (st == NULL)
                return NULL;
        sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
        int step = db_step(db, st, e);
        if (step > 0)
                p = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:I, s:I}", "code",
                              db_col_text(st, 0), "title", db_col_text(st, 1), "method",
                              db_col_text(st, 2), "plan_year",
                              (json_int_t)sqlite3_column_int64(st, 3), "competency",
                              db_col_text(st, 4), "start_date", db_col_text(st, 5), "end_date",
                              db_col_text(st, 6), "jp", (json_int_t)sqlite3_column_int64(st, 7),
                              "capacity", (json_int_t)sqlite3_column_int64(st, 8));
        sqlite3_reset(st);
        if (p == NULL && step == 0)
                err_set(e, RB_NOT_FOUND, "program", _("no program %s"), code);
        return p;
}

/* Attendees of the program within the unit scope (NULL: all units). */
static long attendees(sqlite3 *db, const char *program, const char *unit)
{
        static const char sql[] =
            "SELECT count(*) FROM enrollments WHERE program = ?1"
            " AND status IN ('hadir', 'selesai') AND (?2 IS NULL OR unit = ?2)";
        sqlite3_stmt *st = db_stmt(db, sql, NULL);
        long n = 0;

        if (st == NULL)
                return 0;
        sqlite3_bind_text(st, 1, program, -1, SQLITE_STATIC);
        db_bind_text(st, 2, unit);
        if (db_step(db, st, NULL) > 0) /* a count for display, as on st == NULL */
                n = sqlite3_column_int(st, 0);
        sqlite3_reset(st);
        return n;
}

/* Reads the answers into d[0..2] and the comments (sorted, never in answer order). */
static int answers(sqlite3 *db, const char *program, const char *unit, struct rm_dist d[4],
                   json_t *comments, struct rb_err *e)
{
        static const char sql[] =
            "SELECT v.materi, v.penyampaian, v.aplikasi, ifnull(v.comment, '')"
            " FROM evaluations v JOIN enrollments n ON n.id = v.enrollment"
            " WHERE v.program = ?1 AND n.status IN ('hadir', 'selesai')"
            " AND (?2 IS NULL OR v.unit = ?2) ORDER BY v.comment";
        sqlite3_stmt *st = db_stmt(db, sql, e);

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, program, -1, SQLITE_STATIC);
        db_bind_text(st, 2, unit);
        int step;
        while ((step = db_step(db, st, e)) > 0) {
                for (int i = 0; i < 3; i++) {
                        rm_dist_add(&d[i], sqlite3_column_int(st, i));
                        rm_dist_add(&d[3], sqlite3_column_int(st, i));
                }
                if (db_col_text(st, 3)[0] != '\0')
                        json_array_append_new(comments, json_string(db_col_text(st, 3)));
        }
        sqlite3_reset(st);
        if (step < 0) {
                return -1;
        }
        return 0;
}

/* One dimension's figures. */
static json_t *dimension(const char *name, const struct rm_dist *d)
{
        json_t *dist = json_array();

        for (int i = 0; i < 5; i++)
                json_array_append_new(dist, json_integer(d->count[i]));
        return json_pack("{s:s, s:I, s:o, s:o}", "name", name, "answers", (json_int_t)d->n, "mean",
                         json_h100(rm_dist_mean100(d)), "distribution", dist);
}

int q_report_program(struct query_ctx *q, json_t **out, struct rb_err *e)
{
        const char *code = query_arg(q, "program"), *unit;
        struct rm_dist d[4] = {{0}};
        json_t *doc, *prog, *comments = NULL;
        long att;

        if (code == NULL)
                return err_set(e, RB_INVALID, "program", _("program is required"));
        if (query_unit_scope(q, query_arg(q, "unit"), &unit, e) != 0 ||
            (prog = program_info(q->db, code, e)) == NULL)
                return -1;
        comments = json_array();
        if (answers(q->db, code, unit, d, comments, e) != 0) {
                json_decref(prog);
                json_decref(comments);
                return -1;
        }
        att = attendees(q->db, code, unit);
        doc = json_pack("{s:s, s:o, s:o, s:I, s:I, s:o, s:i}", "report", "program", "program", prog,
                        "unit", unit ? json_string(unit) : json_null(), "attendees",
                        (json_int_t)att, "responses", (json_int_t)d[0].n, "response_rate_pct",
                        json_h100(rm_pct100(d[0].n, att)), "min_group", RM_MIN_GROUP);
        if (d[0].n < RM_MIN_GROUP) {
                char why[160];
                snprintf(why, sizeof(why),
                         ngettext("fewer than %d answer (%ld), so that no answer can be traced "
                                  "to a person",
                                  "fewer than %d answers (%ld), so that no answer can be traced "
                                  "to a person",
                                  (unsigned long)RM_MIN_GROUP),
                         RM_MIN_GROUP, d[0].n);
                json_object_set_new(doc, "suppressed", json_true());
                json_object_set_new(doc, "reason", json_string(why));
                json_decref(comments);
                *out = doc;
                return 0;
        }
        json_t *arr = json_array();
        long long means[3];
        for (int i = 0; i < 4; i++) {
                json_array_append_new(arr, dimension(dims[i], &d[i]));
                if (i < 3)
                        means[i] = rm_dist_mean100(&d[i]);
        }
        json_object_set_new(doc, "suppressed", json_false());
        json_object_set_new(doc, "dimensions", arr);
        json_object_set_new(doc, "weakest", json_string(dims[rm_weakest(means, 3)]));
        json_object_set_new(doc, "comments", comments);
        *out = doc;
        return 0;
}
