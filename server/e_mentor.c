/*
 * e_mentor.c - mentoring: a senior ASN guides a new one. A pair needs two
 * active ASN, different people, the mentor appointed (TMT) before the mentee;
 * the mentee's unit owns the pair and its log. Log entries fall within the
 * pair's period; their minutes count toward the mentee's yearly JP as
 * nonklasikal development (reports divide by the server's JP minutes).
 */
#include "apply.h"
#include "db.h"
#include "feed.h"
#include "i18n.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

int e_mentor_pair(struct apply_ctx *cx)
{
        static const char sql[] =
            "INSERT INTO mentor_pairs(id, mentor, mentee, unit, topic, competency, start_date,"
            " end_date, active) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1)";
        const char *mentor = op_need(cx, "mentor"), *mentee = op_need(cx, "mentee"),
                   *topic = op_need(cx, "topic"), *from = op_need(cx, "start_date"),
                   *to = op_get(cx, "end_date"), *comp = op_get(cx, "competency");
        char ru[64], rt[16], eu[64], et[16];
        sqlite3_stmt *st;

        if (mentor == NULL || mentee == NULL || topic == NULL || from == NULL ||
            text_check(topic, 300, "topic", cx->e) || date_check(from, "start_date", cx->e) ||
            (to && date_range_check(from, to, "start_date", "end_date", cx->e)))
                return -1;
        if (strcmp(mentor, mentee) == 0)
                return err_set(cx->e, RB_INVALID, "mentee",
                               _("a mentor cannot be their own mentee (%s)"), mentor);
        if (asn_active(cx, mentor, "mentor", ru, rt) || asn_active(cx, mentee, "mentee", eu, et))
                return -1;
        if (!own_unit(cx, eu))
                return deny_other_unit(cx, mentee, eu);
        if (strcmp(rt, et) >= 0)
                return err_set(cx->e, RB_PRECONDITION, "mentor",
                               _("the mentor (TMT %s) must have served longer than the mentee "
                                 "(TMT %s)"),
                               rt, et);
        if (comp != NULL && competency_known(cx, comp, "competency") != 0)
                return -1;
        if ((st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, mentor, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, mentee, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, eu, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, topic, -1, SQLITE_STATIC);
        db_bind_text(st, 6, comp);
        sqlite3_bind_text(st, 7, from, -1, SQLITE_STATIC);
        db_bind_text(st, 8, to);
        if (apply_step(cx, st) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "paired");
        return feed_record(cx, entity_find("mentor_pair"), cx->op->entity_id);
}

int e_mentor_log(struct apply_ctx *cx)
{
        static const char sql_pair[] =
            "SELECT unit, start_date, ifnull(end_date, ''), active FROM mentor_pairs WHERE id = ?1";
        static const char sql[] =
            "INSERT INTO mentor_logs(id, pair, unit, date, minutes, notes, progress)"
            " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
        const char *pair = op_need(cx, "pair"), *date = op_need(cx, "date"),
                   *min = op_need(cx, "minutes"), *notes = op_get(cx, "notes"),
                   *prog = op_get(cx, "progress");
        char unit[64], from[16], to[16];
        long minutes, progress = 0;
        sqlite3_stmt *st;
        int found, active = 0;

        if (pair == NULL || date == NULL || min == NULL || date_check(date, "date", cx->e) ||
            int_check(min, 1, 24 * 60, "minutes", &minutes, cx->e) ||
            (prog && rating5_check(prog, "progress", &progress, cx->e)) ||
            opt_text_check(notes, 4000, "notes", cx->e) ||
            (st = db_stmt(cx->db, sql_pair, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, pair, -1, SQLITE_STATIC);
        if ((found = db_step(cx->db, st, cx->e)) > 0) {
                snprintf(unit, sizeof(unit), "%s", db_col_text(st, 0));
                snprintf(from, sizeof(from), "%s", db_col_text(st, 1));
                snprintf(to, sizeof(to), "%s", db_col_text(st, 2));
                active = sqlite3_column_int(st, 3);
        }
        sqlite3_reset(st);
        if (found < 0)
                return -1;
        if (!found)
                return err_set(cx->e, RB_NOT_FOUND, "pair", _("no mentoring pair %s"), pair);
        if (!own_unit(cx, unit))
                return deny_other_unit(cx, _("this mentoring pair"), unit);
        if (!active)
                return err_set(cx->e, RB_PRECONDITION, "pair", _("the mentoring pair has ended"));
        if (strcmp(date, from) < 0 || (to[0] && strcmp(date, to) > 0))
                return err_set(cx->e, RB_INVALID, "date",
                               _("date %s is outside the pair's period (%s to %s)"), date, from,
                               to[0] ? to : _("open"));
        if ((st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, pair, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, unit, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, date, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, minutes);
        db_bind_text(st, 6, notes);
        if (prog)
                sqlite3_bind_int64(st, 7, progress);
        if (apply_step(cx, st) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "logged");
        return feed_record(cx, entity_find("mentor_log"), cx->op->entity_id);
}
