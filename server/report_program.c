/*
 * report_program.c - `report.program`: how participants rated one program
 * (Kirkpatrick level 1). Responses over attendees (enrollments hadir or
 * selesai) give the response rate; per dimension (materi, penyampaian,
 * aplikasi praktis, and all three pooled as overall) the mean and the 1-5
 * distribution, the weakest dimension and the comments. A group of fewer than
 * three answers shows nothing per dimension and no comments, so no answer can
 * be traced to a person, and enough other groups (or the program's total) are
 * hidden with it that no difference of shown figures reveals it
 * (complementary suppression, common/report_math.c:rm_suppress); the
 * document then says suppressed and why. Beside them, levels 2 (the
 * pre/post test: mean pre, mean post, gain) and 3 (the follow-ups on the
 * job: count and mean rating), each under the same rule over its own
 * groups (decisions 123). `report.evaluations` gives the level-1
 * figures per program in one table (renbin export evaluations).
 */
#include "db.h"
#include "entity.h"
#include "i18n.h"
#include "queries.h"
#include "report_math.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The units that answered one program with their answers, and which of
 * them (and the total) may be shown (rm_suppress). */
struct pgroups {
        size_t n;
        char (*unit)[64];
        struct rm_group *g;
        int total_shown;
};

/* Appends one unit's group to pg. 0, or -1 with e. */
static int group_add(struct pgroups *pg, const char *unit, long n, struct rb_err *e)
{
        char(*u)[64] = realloc(pg->unit, (pg->n + 1) * sizeof(*u));
        struct rm_group *g;

        if (u != NULL)
                pg->unit = u;
        if (u == NULL || (g = realloc(pg->g, (pg->n + 1) * sizeof(*g))) == NULL)
                return err_set(e, RB_INTERNAL, NULL, _("out of memory"));
        pg->g = g;
        snprintf(pg->unit[pg->n], sizeof(pg->unit[0]), "%s", unit);
        pg->g[pg->n++].n = n;
        return 0;
}

/* The units' answers to program ?1, in unit order: the groups of level 1. */
static const char SQL_ANSWER_GROUPS[] = "SELECT unit, count(*) FROM evaluations WHERE program = ?1"
                                        " GROUP BY unit ORDER BY unit";

/* Reads the program's groups by sql (every unit, whoever asks: what is
 * hidden must not depend on the reader) and decides what may be shown. 0,
 * or -1 with e (pg freed). */
static int program_groups(sqlite3 *db, const char *sql, const char *program, struct pgroups *pg,
                          struct rb_err *e)
{
        sqlite3_stmt *st = db_stmt(db, sql, e);
        int step = -1;

        *pg = (struct pgroups){0};
        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, program, -1, SQLITE_STATIC);
        while ((step = db_step(db, st, e)) > 0)
                if (group_add(pg, db_col_text(st, 0), sqlite3_column_int(st, 1), e) != 0) {
                        step = -1;
                        break;
                }
        sqlite3_reset(st);
        if (step < 0) {
                free(pg->unit);
                free(pg->g);
                return -1;
        }
        pg->total_shown = rm_suppress(pg->g, pg->n);
        return 0;
}

/* Whether the figures of unit (NULL: the program's total) may be shown;
 * then frees pg. */
static int group_shown(struct pgroups *pg, const char *unit)
{
        int shown = unit == NULL ? pg->total_shown : 1;

        for (size_t i = 0; unit != NULL && i < pg->n; i++)
                if (strcmp(pg->unit[i], unit) == 0)
                        shown = pg->g[i].shown;
        free(pg->unit);
        free(pg->g);
        return shown;
}

/* Reads the answers into d[0..2] and the comments (sorted, never in answer order). */
static int answers(sqlite3 *db, const char *program, const char *unit, struct rm_dist d[4],
                   json_t *comments, struct rb_err *e)
{
        static const char sql[] =
            "SELECT materi, penyampaian, aplikasi, ifnull(comment, '') FROM evaluations"
            " WHERE program = ?1 AND (?2 IS NULL OR unit = ?2) ORDER BY comment";
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
                if (comments != NULL && db_col_text(st, 3)[0] != '\0')
                        json_array_append_new(comments, json_string(db_col_text(st, 3)));
        }
        sqlite3_reset(st);
        return step < 0 ? -1 : 0;
}

/* Reads the answers of program in the unit scope into d (and comments) and
 * says whether they may be shown. 1 shown, 0 hidden, -1 with e. */
static int scope_answers(sqlite3 *db, const char *program, const char *unit, struct rm_dist d[4],
                         json_t *comments, struct rb_err *e)
{
        struct pgroups pg;

        if (answers(db, program, unit, d, comments, e) != 0 ||
            program_groups(db, SQL_ANSWER_GROUPS, program, &pg, e) != 0)
                return -1;
        return group_shown(&pg, unit);
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

/* Why a group's figures are hidden: too few answers (of the questionnaire)
 * or people (tested, followed up), or hidden with others so that no
 * difference of shown figures reveals a small group. */
static json_t *hidden_reason(long n, int people)
{
        const unsigned long k = RM_MIN_GROUP;
        char why[240];

        if (n < RM_MIN_GROUP)
                snprintf(why, sizeof(why),
                         people ? ngettext("fewer than %d person (%ld), so that no score can be "
                                           "traced to a person",
                                           "fewer than %d people (%ld), so that no score can be "
                                           "traced to a person",
                                           k)
                                : ngettext("fewer than %d answer (%ld), so that no answer can be "
                                           "traced to a person",
                                           "fewer than %d answers (%ld), so that no answer can be "
                                           "traced to a person",
                                           k),
                         RM_MIN_GROUP, n);
        else
                snprintf(why, sizeof(why),
                         people ? _("hidden with other figures of this program, so that no "
                                    "difference of the figures shown reveals a group of fewer "
                                    "than %d people")
                                : _("hidden with other figures of this program, so that no "
                                    "difference of the figures shown reveals a group of fewer "
                                    "than %d answers"),
                         RM_MIN_GROUP);
        return json_string(why);
}

/* Levels 2 and 3 of the program in a unit scope, each an object. */
struct levels {
        json_t *level2, *level3;
};

/* A level's people in the unit scope: their count and the sums of up to
 * two scores. */
struct lsum {
        long n;
        long long sum[2];
};

/* Runs sql (program ?1, unit ?2 or NULL: count, sum, sum) into s. 0, or -1 with e. */
static int level_sums(sqlite3 *db, const char *sql, const char *program, const char *unit,
                      struct lsum *s, struct rb_err *e)
{
        sqlite3_stmt *st = db_stmt(db, sql, e);
        int step;

        *s = (struct lsum){0};
        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, program, -1, SQLITE_STATIC);
        db_bind_text(st, 2, unit);
        if ((step = db_step(db, st, e)) > 0) {
                s->n = sqlite3_column_int(st, 0);
                s->sum[0] = sqlite3_column_int64(st, 1);
                s->sum[1] = sqlite3_column_int64(st, 2);
        }
        sqlite3_reset(st);
        return step < 0 ? -1 : 0;
}

/* Whether a level's figures of the unit scope may be shown, deciding over
 * every unit's groups (groups_sql) as level 1 does. 1, 0, or -1 with e. */
static int level_shown(sqlite3 *db, const char *groups_sql, const char *program, const char *unit,
                       struct rb_err *e)
{
        struct pgroups pg;

        if (program_groups(db, groups_sql, program, &pg, e) != 0)
                return -1;
        return group_shown(&pg, unit);
}

/* A figure in hundredths when shown, else null. */
static json_t *shown_h100(int shown, long long v)
{
        return shown ? json_h100(v) : json_null();
}

/* Level 2 (learning): the people tested, and when shown the mean pre-test,
 * the mean post-test and the gain, the difference of the two means shown
 * (decisions 122). NULL with e. */
static json_t *level2(sqlite3 *db, const char *program, const char *unit, struct rb_err *e)
{
        static const char sums[] = "SELECT count(*), ifnull(sum(pre), 0), ifnull(sum(post), 0)"
                                   " FROM learning_tests WHERE program = ?1"
                                   " AND (?2 IS NULL OR unit = ?2)";
        static const char groups[] = "SELECT unit, count(*) FROM learning_tests WHERE program = ?1"
                                     " GROUP BY unit ORDER BY unit";
        struct lsum s;
        int shown;

        if (level_sums(db, sums, program, unit, &s, e) != 0 ||
            (shown = level_shown(db, groups, program, unit, e)) < 0)
                return NULL;
        long long pre = rm_ratio100(s.sum[0], s.n), post = rm_ratio100(s.sum[1], s.n);
        return json_pack("{s:I, s:b, s:o, s:o, s:o, s:o}", "tests", (json_int_t)s.n, "suppressed",
                         !shown, "reason", shown ? json_null() : hidden_reason(s.n, 1), "mean_pre",
                         shown_h100(shown, pre), "mean_post", shown_h100(shown, post), "gain",
                         shown_h100(shown, post - pre));
}

/* Level 3 (behaviour): the completed enrollments, their follow-ups on the
 * job, and when shown the mean rating. NULL with e. */
static json_t *level3(sqlite3 *db, const char *program, const char *unit, struct rb_err *e)
{
        static const char sums[] = "SELECT count(*), ifnull(sum(rating), 0), 0 FROM followups"
                                   " WHERE program = ?1 AND (?2 IS NULL OR unit = ?2)";
        static const char done[] = "SELECT count(*), 0, 0 FROM enrollments WHERE program = ?1"
                                   " AND status = 'selesai' AND (?2 IS NULL OR unit = ?2)";
        static const char groups[] = "SELECT unit, count(*) FROM followups WHERE program = ?1"
                                     " GROUP BY unit ORDER BY unit";
        struct lsum s, c;
        int shown;

        if (level_sums(db, sums, program, unit, &s, e) != 0 ||
            level_sums(db, done, program, unit, &c, e) != 0 ||
            (shown = level_shown(db, groups, program, unit, e)) < 0)
                return NULL;
        return json_pack("{s:I, s:I, s:i, s:b, s:o, s:o}", "completed", (json_int_t)c.n,
                         "followups", (json_int_t)s.n, "opens_after_days", FOLLOWUP_DAYS,
                         "suppressed", !shown, "reason",
                         shown ? json_null() : hidden_reason(s.n, 1), "mean_rating",
                         shown_h100(shown, rm_ratio100(s.sum[0], s.n)));
}

/* Levels 2 and 3 of program in the unit scope into lv. 0, or -1 with e. */
static int report_levels(sqlite3 *db, const char *program, const char *unit, struct levels *lv,
                         struct rb_err *e)
{
        lv->level3 = NULL;
        if ((lv->level2 = level2(db, program, unit, e)) == NULL ||
            (lv->level3 = level3(db, program, unit, e)) == NULL) {
                json_decref(lv->level2);
                return -1;
        }
        return 0;
}

int q_report_program(struct query_ctx *q, json_t **out, struct rb_err *e)
{
        const char *code = query_arg(q, "program"), *unit;
        struct rm_dist d[4] = {{0}};
        json_t *doc, *prog, *comments = NULL;
        struct levels lv;
        long att;
        int shown;

        if (code == NULL)
                return err_set(e, RB_INVALID, "program", _("program is required"));
        if (query_unit_scope(q, query_arg(q, "unit"), &unit, e) != 0 ||
            (prog = program_info(q->db, code, e)) == NULL)
                return -1;
        comments = json_array();
        if ((shown = scope_answers(q->db, code, unit, d, comments, e)) < 0) {
                json_decref(prog);
                json_decref(comments);
                return -1;
        }
        att = attendees(q->db, code, unit);
        if (report_levels(q->db, code, unit, &lv, e) != 0) {
                json_decref(prog);
                json_decref(comments);
                return -1;
        }
        doc = json_pack("{s:s, s:o, s:o, s:I, s:I, s:o, s:i}", "report", "program", "program", prog,
                        "unit", unit ? json_string(unit) : json_null(), "attendees",
                        (json_int_t)att, "responses", (json_int_t)d[0].n, "response_rate_pct",
                        json_h100(rm_pct100(d[0].n, att)), "min_group", RM_MIN_GROUP);
        json_object_set_new(doc, "level2", lv.level2);
        json_object_set_new(doc, "level3", lv.level3);
        if (!shown) {
                json_object_set_new(doc, "suppressed", json_true());
                json_object_set_new(doc, "reason", hidden_reason(d[0].n, 0));
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

/* One program's row of report.evaluations: its answers in the unit scope
 * and, when they may be shown, the mean of each dimension. NULL with e. */
static json_t *eval_row(sqlite3 *db, const char *program, const char *unit, struct rb_err *e)
{
        struct rm_dist d[4] = {{0}};
        int shown = scope_answers(db, program, unit, d, NULL, e);
        json_t *row;

        if (shown < 0)
                return NULL;
        row = json_pack("{s:s, s:I, s:b}", "program", program, "responses", (json_int_t)d[0].n,
                        "suppressed", !shown);
        for (int i = 0; i < 4; i++) {
                char key[32];

                snprintf(key, sizeof(key), "%s_mean", dims[i]);
                json_object_set_new(row, key,
                                    shown ? json_h100(rm_dist_mean100(&d[i])) : json_null());
        }
        return row;
}

int q_report_evaluations(struct query_ctx *q, json_t **out, struct rb_err *e)
{
        static const char sql[] = "SELECT DISTINCT program FROM evaluations"
                                  " WHERE ?1 IS NULL OR unit = ?1 ORDER BY program";
        json_t *codes = json_array(), *rows = json_array(), *v;
        const char *unit;
        sqlite3_stmt *st;
        int step = -1;
        size_t i;

        if (query_unit_scope(q, query_arg(q, "unit"), &unit, e) == 0 &&
            (st = db_stmt(q->db, sql, e)) != NULL) {
                db_bind_text(st, 1, unit);
                while ((step = db_step(q->db, st, e)) > 0)
                        json_array_append_new(codes, json_string(db_col_text(st, 0)));
                sqlite3_reset(st);
        }
        json_array_foreach(codes, i, v)
        {
                json_t *row = step == 0 ? eval_row(q->db, json_string_value(v), unit, e) : NULL;

                if (row == NULL) {
                        step = -1;
                        break;
                }
                json_array_append_new(rows, row);
        }
        json_decref(codes);
        if (step != 0) {
                json_decref(rows);
                return -1;
        }
        *out = json_pack("{s:s, s:o, s:o, s:i}", "report", "evaluations", "unit",
                         unit ? json_string(unit) : json_null(), "programs", rows, "min_group",
                         RM_MIN_GROUP);
        return 0;
}
