/*
 * e_mentor.c - mentoring: a senior ASN guides a new one. A pair needs two
 * active ASN, different people, the mentor appointed (TMT) before the mentee;
 * the mentee's unit owns the pair and its log. Log entries fall within the
 * pair's period; their minutes count toward the mentee's yearly JP as
 * nonklasikal development (reports divide by the server's JP minutes). The
 * catalogue has checked the fields (NIPs, dates and their order, minutes,
 * progress, text limits) and the role before these hooks run.
 */
#include "apply.h"
#include "db.h"
#include "feed.h"
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A mentoring pair as a log entry needs it. */
struct pair_row {
        char unit[64], from[16], to[16];
        int active;
};

static int pair_people(struct apply_ctx *cx, const char *mentor, const char *mentee, char unit[64]);
static int pair_get(struct apply_ctx *cx, const char *pair, struct pair_row *p);

/* The pair's people: two active ASN, different, the mentor senior (earlier
 * TMT), the mentee of a unit the writer may write for; the mentee's unit
 * goes to unit. 0, or -1 with cx->e. */
static int pair_people(struct apply_ctx *cx, const char *mentor, const char *mentee, char unit[64])
{
        char ru[64], rt[16], et[16];

        if (strcmp(mentor, mentee) == 0)
                return err_set(cx->e, RB_INVALID, "mentee",
                               _("a mentor cannot be their own mentee (%s)"), mentor);
        if (asn_active(cx, mentor, "mentor", ru, rt) || asn_active(cx, mentee, "mentee", unit, et))
                return -1;
        if (!own_unit(cx, unit))
                return deny_other_unit(cx, mentee, unit);
        if (strcmp(rt, et) >= 0)
                return err_set(cx->e, RB_PRECONDITION, "mentor",
                               _("the mentor (TMT %s) must have served longer than the mentee "
                                 "(TMT %s)"),
                               rt, et);
        return 0;
}

int e_mentor_pair(struct apply_ctx *cx)
{
        static const char sql[] =
            "INSERT INTO mentor_pairs(id, mentor, mentee, unit, topic, competency, start_date,"
            " end_date, active) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1)";
        const char *mentor = op_get(cx, "mentor"), *mentee = op_get(cx, "mentee"),
                   *comp = op_get(cx, "competency");
        char unit[64];
        sqlite3_stmt *st;

        if (pair_people(cx, mentor, mentee, unit) != 0 ||
            (comp != NULL && competency_known(cx, comp, "competency") != 0) ||
            (st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, mentor, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, mentee, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, unit, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, op_get(cx, "topic"), -1, SQLITE_STATIC);
        db_bind_text(st, 6, comp);
        sqlite3_bind_text(st, 7, op_get(cx, "start_date"), -1, SQLITE_STATIC);
        db_bind_text(st, 8, op_get(cx, "end_date"));
        if (apply_step(cx, st) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "%s", R_PAIRED);
        return feed_record(cx, entity_find("mentor_pair"), cx->op->entity_id);
}

/* Reads the pair a log entry names; NOT_FOUND when there is none. */
static int pair_get(struct apply_ctx *cx, const char *pair, struct pair_row *p)
{
        static const char sql[] =
            "SELECT unit, start_date, ifnull(end_date, ''), active FROM mentor_pairs WHERE id = ?1";
        sqlite3_stmt *st = db_stmt(cx->db, sql, cx->e);
        int found;

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, pair, -1, SQLITE_STATIC);
        if ((found = db_step(cx->db, st, cx->e)) > 0) {
                snprintf(p->unit, sizeof(p->unit), "%s", db_col_text(st, 0));
                snprintf(p->from, sizeof(p->from), "%s", db_col_text(st, 1));
                snprintf(p->to, sizeof(p->to), "%s", db_col_text(st, 2));
                p->active = sqlite3_column_int(st, 3);
        }
        sqlite3_reset(st);
        if (found < 0)
                return -1;
        if (!found)
                return err_set(cx->e, RB_NOT_FOUND, "pair", _("no mentoring pair %s"), pair);
        return 0;
}

int e_mentor_log(struct apply_ctx *cx)
{
        static const char sql[] =
            "INSERT INTO mentor_logs(id, pair, unit, date, minutes, notes, progress)"
            " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
        const char *pair = op_get(cx, "pair"), *date = op_get(cx, "date"),
                   *prog = op_get(cx, "progress");
        struct pair_row p;
        sqlite3_stmt *st;

        if (pair_get(cx, pair, &p) != 0)
                return -1;
        if (!own_unit(cx, p.unit))
                return deny_other_unit(cx, _("this mentoring pair"), p.unit);
        if (!p.active)
                return err_set(cx->e, RB_PRECONDITION, "pair", _("the mentoring pair has ended"));
        if (strcmp(date, p.from) < 0 || (p.to[0] && strcmp(date, p.to) > 0))
                return err_set(cx->e, RB_INVALID, "date",
                               _("date %s is outside the pair's period (%s to %s)"), date, p.from,
                               p.to[0] ? p.to : _("open"));
        if ((st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, pair, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, p.unit, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, date, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, strtol(op_get(cx, "minutes"), NULL, 10));
        db_bind_text(st, 6, op_get(cx, "notes"));
        if (prog != NULL)
                sqlite3_bind_int64(st, 7, strtol(prog, NULL, 10));
        if (apply_step(cx, st) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "%s", R_LOGGED);
        return feed_record(cx, entity_find("mentor_log"), cx->op->entity_id);
}
