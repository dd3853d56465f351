/*
 * e_eval.c - evaluation of development: the post-training questionnaire
 * (Kirkpatrick level 1: materi, penyampaian, aplikasi praktis, 1-5), one per
 * enrollment of someone who attended, immutable once accepted; and periodic
 * competency assessments (level 1-5 per ASN x competency x period), where a
 * later value replaces the earlier one and the history is kept.
 */
#include "apply.h"
#include "db.h"
#include "feed.h"
#include "i18n.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

/* Reads three ratings named in names into v. */
static int ratings(struct apply_ctx *cx, const char *const *names, long *v)
{
        for (int i = 0; i < 3; i++) {
                const char *s = op_need(cx, names[i]);
                if (s == NULL || rating5_check(s, names[i], &v[i], cx->e) != 0)
                        return -1;
        }
        return 0;
}

int e_eval_submit(struct apply_ctx *cx)
{
        static const char sql_enr[] =
            "SELECT id, unit, status FROM enrollments WHERE program = ?1 AND nip = ?2"
            " ORDER BY status = 'batal', seq DESC LIMIT 1";
        static const char sql[] =
            "INSERT INTO evaluations(id, enrollment, program, nip, unit, materi, penyampaian,"
            " aplikasi, comment, submitted_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
        static const char *const names[] = {"materi", "penyampaian", "aplikasi"};
        const char *program = op_need(cx, "program"), *nip = op_need(cx, "nip"),
                   *comment = op_get(cx, "comment");
        char enr[64], unit[64], status[16];
        sqlite3_stmt *st;
        long v[3];
        int found;

        if (program == NULL || nip == NULL || ratings(cx, names, v) != 0 ||
            opt_text_check(comment, 2000, "comment", cx->e) != 0 ||
            (st = db_stmt(cx->db, sql_enr, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, program, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, nip, -1, SQLITE_STATIC);
        if ((found = db_step(cx->db, st, cx->e)) > 0) {
                snprintf(enr, sizeof(enr), "%s", db_col_text(st, 0));
                snprintf(unit, sizeof(unit), "%s", db_col_text(st, 1));
                snprintf(status, sizeof(status), "%s", db_col_text(st, 2));
        }
        sqlite3_reset(st);
        if (found < 0)
                return -1;
        if (!found)
                return err_set(cx->e, RB_NOT_FOUND, "nip", _("%s is not enrolled in %s"), nip,
                               program);
        if (!own_unit(cx, unit))
                return deny_other_unit(cx, nip, unit);
        if (strcmp(status, "hadir") != 0 && strcmp(status, "selesai") != 0)
                return err_set(cx->e, RB_PRECONDITION, "status",
                               _("%s did not attend %s (status %s): a questionnaire needs hadir "
                                 "or selesai"),
                               nip, program, status);
        if (db_int(cx->db, "SELECT count(*) FROM evaluations WHERE enrollment = ?1", enr, 0) > 0)
                return err_set(cx->e, RB_EXISTS, "enrollment",
                               _("%s already answered the questionnaire of %s; answers cannot "
                                 "be changed"),
                               nip, program);
        if ((st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, enr, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, program, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, nip, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, unit, -1, SQLITE_STATIC);
        for (int i = 0; i < 3; i++)
                sqlite3_bind_int64(st, 6 + i, v[i]);
        db_bind_text(st, 9, comment);
        sqlite3_bind_int64(st, 10, cx->now);
        if (apply_step(cx, st) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "recorded");
        return feed_record(cx, entity_find("evaluation"), cx->op->entity_id);
}

int e_assess_add(struct apply_ctx *cx)
{
        static const char sql_old[] =
            "UPDATE assessments SET current = 0 WHERE nip = ?1 AND competency = ?2"
            " AND period = ?3 AND current = 1 RETURNING id";
        static const char sql[] =
            "INSERT INTO assessments(id, nip, unit, competency, period, level, note, assessed_at,"
            " current) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1)";
        const char *nip = op_need(cx, "nip"), *comp = op_need(cx, "competency"),
                   *period = op_need(cx, "period"), *level = op_need(cx, "level"),
                   *note = op_get(cx, "note");
        char unit[64], old[64] = "";
        sqlite3_stmt *st;
        long lv;

        if (nip == NULL || comp == NULL || period == NULL || level == NULL ||
            rating5_check(level, "level", &lv, cx->e) || period_check(period, "period", cx->e) ||
            opt_text_check(note, 2000, "note", cx->e) ||
            asn_active(cx, nip, "nip", unit, NULL) != 0)
                return -1;
        if (!own_unit(cx, unit))
                return deny_other_unit(cx, nip, unit);
        if (competency_known(cx, comp, "competency") != 0)
                return -1;
        if ((st = db_stmt(cx->db, sql_old, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, nip, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, comp, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, period, -1, SQLITE_STATIC);
        int had = db_step(cx->db, st, cx->e);
        if (had > 0)
                snprintf(old, sizeof(old), "%s", db_col_text(st, 0));
        sqlite3_reset(st);
        if (had < 0)
                return -1;
        if (old[0] != '\0' && feed_record(cx, entity_find("assessment"), old) != 0)
                return -1;
        if ((st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, nip, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, unit, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, comp, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, period, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, lv);
        db_bind_text(st, 7, note);
        sqlite3_bind_int64(st, 8, cx->now);
        if (apply_step(cx, st) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "%s", old[0] ? "replaced" : "recorded");
        return feed_record(cx, entity_find("assessment"), cx->op->entity_id);
}
