/*
 * e_feedback.c - what the community and the units say: satisfaction survey
 * responses (SKM, PermenPAN-RB 14/2017: nine elements scored 1-4, respondent
 * details optional and never identifying), notes of community forums, and
 * each unit's training needs, which the plan is tailored to.
 */
#include "apply.h"
#include "db.h"
#include "i18n.h"
#include "store.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

static const char *const sexes[] = {"L", "P", NULL};

/* The row's unit: required, existing, and the writer's own for a unit office. */
static const char *row_unit(struct apply_ctx *cx, const char *what)
{
        const char *unit = op_need(cx, "unit");

        if (unit == NULL)
                return NULL;
        if (!store_unit_exists(cx->db, unit)) {
                err_set(cx->e, RB_NOT_FOUND, "unit", _("unknown unit '%s'"), unit);
                return NULL;
        }
        if (!own_unit(cx, unit)) {
                deny_other_unit(cx, what, unit);
                return NULL;
        }
        return unit;
}

int e_survey_add(struct apply_ctx *cx)
{
        static const char sql[] =
            "INSERT INTO surveys(id, unit, service, period, u1, u2, u3, u4, u5, u6, u7, u8, u9, "
            "age,"
            " sex, education, job, submitted_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
            " ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";
        static const char *const el[] = {"u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9"};
        const char *unit = row_unit(cx, _("a survey response")), *service, *period, *age, *sex,
                   *edu, *job;
        long u[9], a = 0;
        sqlite3_stmt *st;

        if (unit == NULL || (service = op_need(cx, "service")) == NULL ||
            text_check(service, 200, "service", cx->e) ||
            (period = op_need(cx, "period")) == NULL || period_check(period, "period", cx->e))
                return -1;
        for (int i = 0; i < 9; i++) {
                const char *s = op_need(cx, el[i]);
                if (s == NULL || skm_score_check(s, el[i], &u[i], cx->e) != 0)
                        return -1;
        }
        age = op_get(cx, "age");
        sex = op_get(cx, "sex");
        edu = op_get(cx, "education");
        job = op_get(cx, "job");
        if ((age && int_check(age, 10, 120, "age", &a, cx->e)) ||
            (sex && enum_check(sex, sexes, "sex", cx->e)) ||
            opt_text_check(edu, 60, "education", cx->e) || opt_text_check(job, 100, "job", cx->e))
                return -1;
        if ((st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, unit, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, service, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, period, -1, SQLITE_STATIC);
        for (int i = 0; i < 9; i++)
                sqlite3_bind_int64(st, 5 + i, u[i]);
        if (age)
                sqlite3_bind_int64(st, 14, a);
        db_bind_text(st, 15, sex);
        db_bind_text(st, 16, edu);
        db_bind_text(st, 17, job);
        sqlite3_bind_int64(st, 18, cx->now);
        if (apply_step(cx, st) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "recorded");
        return feed_record(cx, entity_find("survey"), cx->op->entity_id);
}

int e_forum_add(struct apply_ctx *cx)
{
        static const char sql[] = "INSERT INTO forums(id, unit, date, topic, input, follow_up)"
                                  " VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
        const char *unit = row_unit(cx, _("a forum note")), *date, *topic,
                   *input = op_get(cx, "input"), *follow = op_get(cx, "follow_up");
        sqlite3_stmt *st;

        if (unit == NULL || (date = op_need(cx, "date")) == NULL ||
            date_check(date, "date", cx->e) || (topic = op_need(cx, "topic")) == NULL ||
            text_check(topic, 300, "topic", cx->e) || opt_text_check(input, 4000, "input", cx->e) ||
            opt_text_check(follow, 4000, "follow_up", cx->e))
                return -1;
        if ((st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, unit, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, date, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, topic, -1, SQLITE_STATIC);
        db_bind_text(st, 5, input);
        db_bind_text(st, 6, follow);
        if (apply_step(cx, st) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "recorded");
        return feed_record(cx, entity_find("forum"), cx->op->entity_id);
}

int e_need_add(struct apply_ctx *cx)
{
        static const char sql[] = "INSERT INTO needs(id, unit, year, competency, priority, reason)"
                                  " VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
        const char *unit = row_unit(cx, _("a training need")), *year, *comp, *prio,
                   *reason = op_get(cx, "reason");
        sqlite3_stmt *st;
        long y;

        if (unit == NULL || (year = op_need(cx, "year")) == NULL ||
            year_check(year, "year", &y, cx->e) || (comp = op_need(cx, "competency")) == NULL ||
            (prio = op_need(cx, "priority")) == NULL ||
            enum_check(prio, need_priorities, "priority", cx->e) ||
            opt_text_check(reason, 2000, "reason", cx->e))
                return -1;
        if (competency_known(cx, comp, "competency") != 0)
                return -1;
        if ((st = db_stmt(cx->db,
                          "SELECT count(*) FROM needs WHERE unit = ?1 AND year = ?2"
                          " AND competency = ?3",
                          cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, unit, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, y);
        sqlite3_bind_text(st, 3, comp, -1, SQLITE_STATIC);
        int dup = db_step(cx->db, st, cx->e);
        if (dup > 0)
                dup = sqlite3_column_int(st, 0) > 0;
        sqlite3_reset(st);
        if (dup < 0)
                return -1;
        if (dup)
                return err_set(cx->e, RB_EXISTS, "competency",
                               _("%s already has a %ld need for %s"), unit, y, comp);
        if ((st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, unit, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, y);
        sqlite3_bind_text(st, 4, comp, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, prio, -1, SQLITE_STATIC);
        db_bind_text(st, 6, reason);
        if (apply_step(cx, st) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "recorded");
        return feed_record(cx, entity_find("need"), cx->op->entity_id);
}
