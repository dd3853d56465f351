/*
 * e_plan.c - rules for the yearly plan and its programs, owned by central HR.
 * A plan starts as a draft and is approved once; programs can still be added
 * to an approved plan (each addition is in the audit log like every change),
 * but offices can only enrol in programs of an approved plan.
 */
#include "apply.h"
#include "db.h"
#include "feed.h"
#include "i18n.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

int e_plan_create(struct apply_ctx *cx)
{
        static const char sql[] =
            "INSERT INTO plans(id, year, title, status) VALUES(?1, ?2, ?3, 'draft')";
        const char *year = op_need(cx, "year"), *title;
        sqlite3_stmt *st;
        long y;

        if (year == NULL || year_check(year, "year", &y, cx->e) ||
            (title = op_need(cx, "title")) == NULL || text_check(title, 300, "title", cx->e))
                return -1;
        if (db_int(cx->db, "SELECT count(*) FROM plans WHERE year = ?1", year, 0) > 0)
                return err_set(cx->e, RB_EXISTS, "year", _("the %ld plan already exists"), y);
        if ((st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, y);
        sqlite3_bind_text(st, 3, title, -1, SQLITE_STATIC);
        if (apply_step(cx, st) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "created (draft)");
        return feed_record(cx, entity_find("plan"), cx->op->entity_id);
}

int e_plan_approve(struct apply_ctx *cx)
{
        static const char sql[] = "UPDATE plans SET status = 'approved' WHERE year = ?1";
        const char *year = op_need(cx, "year");
        char id[64];
        sqlite3_stmt *st;
        long y;

        if (year == NULL || year_check(year, "year", &y, cx->e))
                return -1;
        if (db_int(cx->db, "SELECT count(*) FROM plans WHERE year = ?1", year, 0) == 0)
                return err_set(cx->e, RB_NOT_FOUND, "year", _("there is no %ld plan"), y);
        if (db_int(cx->db, "SELECT status = 'approved' FROM plans WHERE year = ?1", year, 0))
                return err_set(cx->e, RB_PRECONDITION, "status",
                               _("the %ld plan is already approved"), y);
        if (db_int(cx->db, "SELECT count(*) FROM programs WHERE plan_year = ?1", year, 0) == 0)
                return err_set(cx->e, RB_PRECONDITION, "year",
                               _("the %ld plan has no programs yet; add them before approving"), y);
        if ((st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_int64(st, 1, y);
        if (apply_step(cx, st) != 0)
                return -1;
        snprintf(id, sizeof(id), "%s", "");
        if ((st = db_stmt(cx->db, "SELECT id FROM plans WHERE year = ?1", cx->e)) == NULL)
                return -1;
        sqlite3_bind_int64(st, 1, y);
        int had = db_step(cx->db, st, cx->e);
        if (had > 0)
                snprintf(id, sizeof(id), "%s", db_col_text(st, 0));
        sqlite3_reset(st);
        if (had < 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "approved");
        return feed_record(cx, entity_find("plan"), id);
}

/* The program fields of an op, checked. */
struct program_in {
        const char *code, *title, *method, *competency, *partner, *speaker, *start, *end;
        long year, jp, capacity;
};

static int program_read(struct apply_ctx *cx, struct program_in *p)
{
        const char *year, *jp, *cap;

        memset(p, 0, sizeof(*p));
        if ((p->code = op_need(cx, "code")) == NULL || code_check(p->code, "code", cx->e) ||
            (year = op_need(cx, "plan_year")) == NULL ||
            year_check(year, "plan_year", &p->year, cx->e) ||
            (p->title = op_need(cx, "title")) == NULL ||
            text_check(p->title, 300, "title", cx->e) ||
            (p->method = op_need(cx, "method")) == NULL ||
            enum_check(p->method, program_methods, "method", cx->e) ||
            (p->start = op_need(cx, "start_date")) == NULL ||
            (p->end = op_need(cx, "end_date")) == NULL ||
            date_range_check(p->start, p->end, "start_date", "end_date", cx->e) ||
            (jp = op_need(cx, "jp")) == NULL || int_check(jp, 1, 1000, "jp", &p->jp, cx->e) ||
            (cap = op_need(cx, "capacity")) == NULL ||
            int_check(cap, 1, 10000, "capacity", &p->capacity, cx->e))
                return -1;
        p->competency = op_get(cx, "competency");
        p->partner = op_get(cx, "partner");
        p->speaker = op_get(cx, "speaker");
        if (opt_text_check(p->partner, 300, "partner", cx->e) ||
            opt_text_check(p->speaker, 500, "speaker", cx->e))
                return -1;
        if (strtol(p->start, NULL, 10) != p->year)
                return err_set(cx->e, RB_INVALID, "start_date",
                               _("start_date %s is not in the plan year %ld"), p->start, p->year);
        return 0;
}

int e_program_create(struct apply_ctx *cx)
{
        static const char sql[] =
            "INSERT INTO programs(id, code, plan_year, title, method, competency, partner, speaker,"
            " start_date, end_date, jp, capacity) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
            " ?11, ?12)";
        struct program_in p;
        char year[16];
        sqlite3_stmt *st;

        if (program_read(cx, &p) != 0)
                return -1;
        snprintf(year, sizeof(year), "%ld", p.year);
        if (db_int(cx->db, "SELECT count(*) FROM plans WHERE year = ?1", year, 0) == 0)
                return err_set(cx->e, RB_NOT_FOUND, "plan_year",
                               _("there is no %ld plan (renbin plan create %ld ...)"), p.year,
                               p.year);
        if (p.competency != NULL && competency_known(cx, p.competency, "competency") != 0)
                return -1;
        if (db_int(cx->db, "SELECT count(*) FROM programs WHERE code = ?1", p.code, 0) > 0)
                return err_set(cx->e, RB_EXISTS, "code", _("program %s already exists"), p.code);
        if ((st = db_stmt(cx->db, sql, cx->e)) == NULL)
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
        if (apply_step(cx, st) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "created");
        return feed_record(cx, entity_find("program"), cx->op->entity_id);
}
