/*
 * e_plan.c - rules for the yearly plan and its programs, owned by central HR.
 * A plan starts as a draft and is approved once, recording who approved it
 * and when; programs can still be added to an approved plan, and every
 * change to its programs raises its revision and is kept in its history
 * (history.c, e_program.c), but offices can only enrol in programs of an
 * approved plan. The catalogue
 * (common/entity.c) has checked the role and every field's presence, kind
 * and limits (a program's end not before its start) before a hook here runs.
 */
#include "apply.h"
#include "db.h"
#include "feed.h"
#include "history.h"
#include "i18n.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether a query of one row ("SELECT 1 ... WHERE x = ?1") finds it: 1 or 0,
 * or -1 with cx->e when the database cannot say (never read as "not found"). */
static int row_exists(struct apply_ctx *cx, const char *sql, const char *arg)
{
        long long one;

        return db_value(cx->db, sql, arg, &one, cx->e);
}

/* One plan a year, made as a draft. */
int e_plan_create(struct apply_ctx *cx)
{
        static const char sql[] =
            "INSERT INTO plans(id, year, title, status) VALUES(?1, ?2, ?3, 'draft')";
        long y = strtol(op_get(cx, "year"), NULL, 10);
        char year[16];
        sqlite3_stmt *st;
        int dup;

        snprintf(year, sizeof(year), "%ld", y);
        if ((dup = row_exists(cx, "SELECT 1 FROM plans WHERE year = ?1", year)) < 0)
                return -1;
        if (dup)
                return err_set(cx->e, RB_EXISTS, "year", _("the %ld plan already exists"), y);
        if ((st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, y);
        db_bind_text(st, 3, op_get(cx, "title"));
        if (apply_step(cx, st) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "%s", R_CREATED_DRAFT);
        if (feed_record(cx, entity_find("plan"), cx->op->entity_id) != 0)
                return -1;
        return history_plan(cx, y, "create", NULL, op_get(cx, "title"));
}

/* A draft plan with at least one program is approved, once. */
int e_plan_approve(struct apply_ctx *cx)
{
        static const char sql[] = "UPDATE plans SET status = 'approved', approved_at = ?2,"
                                  " approved_by = ?3 WHERE year = ?1";
        long y = strtol(op_get(cx, "year"), NULL, 10);
        char id[64], year[16], seat[256];
        sqlite3_stmt *st;
        int found, approved = 0, any;
        long revision;

        snprintf(year, sizeof(year), "%ld", y);
        if ((found = plan_state(cx, y, id, &approved, &revision)) < 0)
                return -1;
        if (!found)
                return err_set(cx->e, RB_NOT_FOUND, "year", _("there is no %ld plan"), y);
        if (approved)
                return err_set(cx->e, RB_PRECONDITION, "status",
                               _("the %ld plan is already approved"), y);
        if ((any = row_exists(cx, "SELECT 1 FROM programs WHERE plan_year = ?1 LIMIT 1", year)) < 0)
                return -1;
        if (!any)
                return err_set(cx->e, RB_PRECONDITION, "year",
                               _("the %ld plan has no programs yet; add them before approving"), y);
        if ((st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_int64(st, 1, y);
        sqlite3_bind_int64(st, 2, cx->now);
        sqlite3_bind_text(st, 3, history_seat(cx->who, seat, sizeof(seat)), -1, SQLITE_STATIC);
        if (apply_step(cx, st) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "%s", R_APPROVED);
        if (feed_record(cx, entity_find("plan"), id) != 0)
                return -1;
        return history_plan(cx, y, "approve", NULL, NULL);
}

/* The program fields of an op, as the catalogue checked them. */
struct program_in {
        const char *code, *title, *method, *competency, *partner, *speaker, *start, *end, *location;
        long year, jp, capacity;
        char year_text[16];
};

static void program_read(struct apply_ctx *cx, struct program_in *p)
{
        memset(p, 0, sizeof(*p));
        p->code = op_get(cx, "code");
        p->year = strtol(op_get(cx, "plan_year"), NULL, 10);
        snprintf(p->year_text, sizeof(p->year_text), "%ld", p->year);
        p->title = op_get(cx, "title");
        p->method = op_get(cx, "method");
        p->competency = op_get(cx, "competency");
        p->partner = op_get(cx, "partner");
        p->speaker = op_get(cx, "speaker");
        p->start = op_get(cx, "start_date");
        p->end = op_get(cx, "end_date");
        p->location = op_get(cx, "location");
        p->jp = op_get(cx, "jp") != NULL ? strtol(op_get(cx, "jp"), NULL, 10)
                                         : method_jp_default(p->method, p->start, p->end);
        p->capacity = strtol(op_get(cx, "capacity"), NULL, 10);
}

/* The rules beyond the fields' own: the program starts in its plan's year,
 * the plan exists, its competency is known, its code is new. */
static int program_rules(struct apply_ctx *cx, const struct program_in *p)
{
        int found;

        if (strtol(p->start, NULL, 10) != p->year)
                return err_set(cx->e, RB_INVALID, "start_date",
                               _("start_date %s is not in the plan year %ld"), p->start, p->year);
        if ((found = row_exists(cx, "SELECT 1 FROM plans WHERE year = ?1", p->year_text)) < 0)
                return -1;
        if (!found)
                return err_set(cx->e, RB_NOT_FOUND, "plan_year",
                               _("there is no %ld plan (renbin plan create %ld ...)"), p->year,
                               p->year);
        if (p->competency != NULL && competency_known(cx, p->competency, "competency") != 0)
                return -1;
        if ((found = row_exists(cx, "SELECT 1 FROM programs WHERE code = ?1", p->code)) < 0)
                return -1;
        if (found)
                return err_set(cx->e, RB_EXISTS, "code", _("program %s already exists"), p->code);
        return 0;
}

int e_program_create(struct apply_ctx *cx)
{
        static const char sql[] =
            "INSERT INTO programs(id, code, plan_year, title, method, competency, partner, speaker,"
            " start_date, end_date, jp, capacity, location) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
            " ?9, ?10, ?11, ?12, ?13)";
        struct program_in p;
        sqlite3_stmt *st;

        program_read(cx, &p);
        if (program_rules(cx, &p) != 0 || (st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, p.code, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, p.year);
        sqlite3_bind_text(st, 4, p.title, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, p.method, -1, SQLITE_STATIC);
        db_bind_text(st, 6, p.competency);
        db_bind_text(st, 7, p.partner);
        db_bind_text(st, 8, p.speaker);
        sqlite3_bind_text(st, 9, p.start, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 10, p.end, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 11, p.jp);
        sqlite3_bind_int64(st, 12, p.capacity);
        db_bind_text(st, 13, p.location);
        if (apply_step(cx, st) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "%s", R_CREATED);
        if (feed_record(cx, entity_find("program"), cx->op->entity_id) != 0)
                return -1;
        return history_plan(cx, p.year, "program create", p.code, p.title);
}
