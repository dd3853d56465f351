/*
 * e_program.c - correcting and cancelling a program (issue 10), owned by
 * central HR. The rules are the server's, where every office's enrollments
 * meet: the capacity never drops below the seats taken, the JP stay as they
 * are once anyone completed the program (their credit was counted with
 * them), the dates stay in order and in the plan's year, and a cancelled
 * program frees its open seats, moves its open enrollments to batal and
 * takes no more. Each change is kept in the plan's history and raises an
 * approved plan's revision (history.c).
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

/* The fields a correction may change, in the order of SQL_GET's columns
 * from 4 and SQL_SET's parameters from 2. */
static const char *const upd_fields[] = {"title",   "start_date", "end_date", "capacity",
                                         "speaker", "partner",    "location", "jp"};
#define N_UPD (sizeof(upd_fields) / sizeof(upd_fields[0]))
enum { U_TITLE, U_START, U_END, U_CAPACITY, U_SPEAKER, U_PARTNER, U_LOCATION, U_JP };

static const char SQL_GET[] =
    "SELECT id, plan_year, enrolled, status, title, start_date, end_date, capacity, speaker,"
    " partner, location, jp, method FROM programs WHERE code = ?1";
static const char SQL_SET[] =
    "UPDATE programs SET title = coalesce(?2, title), start_date = coalesce(?3, start_date),"
    " end_date = coalesce(?4, end_date), capacity = coalesce(?5, capacity),"
    " speaker = coalesce(?6, speaker), partner = coalesce(?7, partner),"
    " location = coalesce(?8, location), jp = coalesce(?9, jp) WHERE id = ?1";
static const char SQL_DONE[] =
    "SELECT count(*) FROM enrollments WHERE program = ?1 AND status = 'selesai'";
static const char SQL_OPEN_ONE[] =
    "SELECT id, nip, unit, status FROM enrollments WHERE program = ?1"
    " AND status IN ('terdaftar', 'hadir') LIMIT 1";
static const char SQL_ENROLL_CANCEL[] =
    "UPDATE enrollments SET status = 'batal', jp = 0, updated_at = ?2, reason = ?3 WHERE id = ?1";
static const char SQL_CANCEL[] =
    "UPDATE programs SET status = 'batal', cancel_reason = ?2,"
    " enrolled = (SELECT count(*) FROM enrollments e WHERE e.program = programs.code"
    " AND e.status IN ('terdaftar', 'hadir', 'selesai')) WHERE id = ?1";

/* A program as it is now. */
struct program_now {
        char id[64], status[16], method[32];
        long year, enrolled;
        char old[N_UPD][512]; /* the fields of upd_fields, as text */
};

/* Reads program code: 0, or -1 with cx->e (NOT_FOUND; FAILED_PRECONDITION
 * for a cancelled one). */
static int program_get(struct apply_ctx *cx, const char *code, struct program_now *p)
{
        sqlite3_stmt *st = db_stmt(cx->db, SQL_GET, cx->e);
        int found;

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
        if ((found = db_step(cx->db, st, cx->e)) > 0) {
                snprintf(p->id, sizeof(p->id), "%s", db_col_text(st, 0));
                p->year = sqlite3_column_int(st, 1);
                /* With the seats this batch moved, not written yet (seats.c). */
                p->enrolled = sqlite3_column_int(st, 2) + seats_pending(cx, code);
                snprintf(p->status, sizeof(p->status), "%s", db_col_text(st, 3));
                for (size_t i = 0; i < N_UPD; i++)
                        snprintf(p->old[i], sizeof(p->old[i]), "%s", db_col_text(st, (int)i + 4));
                snprintf(p->method, sizeof(p->method), "%s", db_col_text(st, (int)N_UPD + 4));
        }
        sqlite3_reset(st);
        if (found < 0)
                return -1;
        if (!found)
                return err_set(cx->e, RB_NOT_FOUND, "code", _("no program %s"), code);
        if (strcmp(p->status, "batal") == 0)
                return err_set(cx->e, RB_PRECONDITION, "code",
                               _("program %s is cancelled; it cannot be changed"), code);
        return 0;
}

/* The value field i will have: the op's, else the program's. */
static const char *after(const struct apply_ctx *cx, const struct program_now *p, int i)
{
        const char *v = op_get(cx, upd_fields[i]);
        return v != NULL ? v : p->old[i];
}

/* The dates stay in order and in the plan's year; a method counted by day
 * keeps its JP within days x its JP a day (common/validate.c). */
static int dates_rule(struct apply_ctx *cx, const struct program_now *p)
{
        const char *start = after(cx, p, U_START), *end = after(cx, p, U_END);

        if ((op_get(cx, "jp") != NULL || op_get(cx, "start_date") != NULL ||
             op_get(cx, "end_date") != NULL) &&
            strcmp(end, start) >= 0 &&
            method_jp_check(p->method, start, end, strtol(after(cx, p, U_JP), NULL, 10), cx->e) !=
                0)
                return -1;

        if (strtol(start, NULL, 10) != p->year)
                return err_set(cx->e, RB_INVALID, "start_date",
                               _("start_date %s is not in the plan year %ld"), start, p->year);
        if (strcmp(end, start) < 0)
                return err_set(cx->e, RB_INVALID, "end_date",
                               _("end_date %s is before start_date %s"), end, start);
        return 0;
}

/* The seats and the JP: capacity not below the seats taken, JP fixed once
 * anyone completed. */
static int seats_rule(struct apply_ctx *cx, const char *code, const struct program_now *p)
{
        long cap = strtol(after(cx, p, U_CAPACITY), NULL, 10);
        long long done = 0;

        if (cap < p->enrolled)
                return err_set(cx->e, RB_PRECONDITION, "capacity",
                               ngettext("capacity %ld is below the %ld seat taken in %s",
                                        "capacity %ld is below the %ld seats taken in %s",
                                        (unsigned long)p->enrolled),
                               cap, p->enrolled, code);
        if (strtol(after(cx, p, U_JP), NULL, 10) == strtol(p->old[U_JP], NULL, 10))
                return 0;
        if (db_value(cx->db, SQL_DONE, code, &done, cx->e) < 0)
                return -1;
        if (done > 0)
                return err_set(cx->e, RB_PRECONDITION, "jp",
                               ngettext("the JP of %s stay %s: %lld participant completed it",
                                        "the JP of %s stay %s: %lld participants completed it",
                                        (unsigned long)done),
                               code, p->old[U_JP], done);
        return 0;
}

/* What the op changes, "capacity 30 -> 40; jp 12 -> 16", in buf; 0 when
 * nothing. Cut to fit. */
static int changes_text(const struct apply_ctx *cx, const struct program_now *p, char *buf,
                        size_t len)
{
        size_t off = 0;
        int n = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < N_UPD; i++) {
                const char *v = op_get(cx, upd_fields[i]);
                int w;
                if (v == NULL || strcmp(v, p->old[i]) == 0)
                        continue;
                if (i == U_CAPACITY || i == U_JP)
                        if (strtol(v, NULL, 10) == strtol(p->old[i], NULL, 10))
                                continue;
                w = snprintf(buf + off, len - off, "%s%s %s -> %s", n ? "; " : "", upd_fields[i],
                             p->old[i][0] ? p->old[i] : "-", v);
                n++;
                if (w < 0 || (size_t)w >= len - off)
                        break;
                off += (size_t)w;
        }
        return n;
}

int e_program_update(struct apply_ctx *cx)
{
        const char *code = op_get(cx, "code");
        struct program_now p;
        char what[1024];
        sqlite3_stmt *st;

        if (program_get(cx, code, &p) != 0 || dates_rule(cx, &p) != 0 ||
            seats_rule(cx, code, &p) != 0)
                return -1;
        if (changes_text(cx, &p, what, sizeof(what)) == 0) {
                snprintf(cx->detail, sizeof(cx->detail), "%s", R_UNCHANGED);
                return 0;
        }
        if ((st = db_stmt(cx->db, SQL_SET, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, p.id, -1, SQLITE_STATIC);
        for (size_t i = 0; i < N_UPD; i++)
                db_bind_text(st, (int)i + 2, op_get(cx, upd_fields[i]));
        if (apply_step(cx, st) != 0 || feed_record(cx, entity_find("program"), p.id) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "%s", R_UPDATED);
        return history_plan(cx, p.year, "program update", code, what);
}

/* Moves one open enrollment of program code to batal: 1 when one was
 * moved, 0 when none is left, -1 with cx->e. */
static int cancel_one(struct apply_ctx *cx, const char *code, const char *reason)
{
        char id[64], nip[32], unit[64], from[16];
        struct enroll_change c = {id, code, nip, unit, from, "batal", reason};
        sqlite3_stmt *st = db_stmt(cx->db, SQL_OPEN_ONE, cx->e);
        int found;

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
        if ((found = db_step(cx->db, st, cx->e)) > 0) {
                snprintf(id, sizeof(id), "%s", db_col_text(st, 0));
                snprintf(nip, sizeof(nip), "%s", db_col_text(st, 1));
                snprintf(unit, sizeof(unit), "%s", db_col_text(st, 2));
                snprintf(from, sizeof(from), "%s", db_col_text(st, 3));
        }
        sqlite3_reset(st);
        if (found <= 0)
                return found;
        if ((st = db_stmt(cx->db, SQL_ENROLL_CANCEL, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, cx->now);
        sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
        if (apply_step(cx, st) != 0 || feed_record(cx, entity_find("enrollment"), id) != 0 ||
            history_enrollment(cx, &c) != 0)
                return -1;
        return 1;
}

int e_program_cancel(struct apply_ctx *cx)
{
        const char *code = op_get(cx, "code"), *reason = op_get(cx, "cancel_reason");
        struct program_now p;
        sqlite3_stmt *st;
        int rc, moved = 0;

        if (program_get(cx, code, &p) != 0)
                return -1;
        while ((rc = cancel_one(cx, code, reason)) > 0)
                moved++;
        if (rc < 0 || (st = db_stmt(cx->db, SQL_CANCEL, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, p.id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, reason, -1, SQLITE_STATIC);
        if (apply_step(cx, st) != 0)
                return -1;
        /* The count was just taken from the rows: the batch's pending move is in it. */
        seats_forget(cx, code);
        if (feed_record(cx, entity_find("program"), p.id) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "%s (%d -> batal)", R_CANCELLED, moved);
        return history_plan(cx, p.year, "program cancel", code, reason);
}
