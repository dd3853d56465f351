/*
 * e_eval.c - evaluation of development: the post-training questionnaire
 * (Kirkpatrick level 1: materi, penyampaian, aplikasi praktis), one per
 * enrollment of someone who attended, immutable once accepted and kept apart
 * from the person (docs/privacy.md); and periodic
 * competency assessments (a level per ASN x competency x period), where a
 * later value replaces the earlier one and the history is kept. The
 * catalogue has checked the fields (ratings, period, text limits) and the
 * role before these hooks run; what is left are the rules across rows.
 */
#include "apply.h"
#include "db.h"
#include "feed.h"
#include "i18n.h"
#include "uuid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int eval_store(struct apply_ctx *cx, const char *program, const struct enrollment_ref *en);
static int assess_retire(struct apply_ctx *cx, const char *nip, const char *comp,
                         const char *period, char old[64]);

/* Writes the anonymous answer (a random id; program, unit and the answer,
 * nothing that names the person or the time) and marks the enrollment
 * answered. The answer is never fed or audited: the audit records the
 * enrollment's change (docs/privacy.md). 0, or -1 with cx->e. */
static int eval_store(struct apply_ctx *cx, const char *program, const struct enrollment_ref *en)
{
        static const char ins[] =
            "INSERT INTO evaluations(id, program, unit, materi, penyampaian, aplikasi, comment)"
            " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
        static const char mark[] = "UPDATE enrollments SET answered = 1 WHERE id = ?1";
        static const char *const names[] = {"materi", "penyampaian", "aplikasi"};
        char id[UUID_STR];
        sqlite3_stmt *st;

        if (uuid4_make(id) != 0)
                return err_set(cx->e, RB_INTERNAL, NULL, _("no random bytes for an id"));
        if ((st = db_stmt(cx->db, ins, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, program, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, en->unit, -1, SQLITE_STATIC);
        for (int i = 0; i < 3; i++)
                sqlite3_bind_int64(st, 4 + i, strtol(op_get(cx, names[i]), NULL, 10));
        db_bind_text(st, 7, op_get(cx, "comment"));
        if (apply_step(cx, st) != 0 || (st = db_stmt(cx->db, mark, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, en->id, -1, SQLITE_STATIC);
        if (apply_step(cx, st) != 0)
                return -1;
        return feed_record(cx, entity_find("enrollment"), en->id);
}

int e_eval_submit(struct apply_ctx *cx)
{
        const char *program = op_get(cx, "program"), *nip = op_get(cx, "nip");
        struct enrollment_ref en;

        if (enrollment_of(cx, program, nip, &en) != 0)
                return -1;
        if (!own_unit(cx, en.unit))
                return deny_other_unit(cx, nip, en.unit);
        if (strcmp(en.status, "hadir") != 0 && strcmp(en.status, "selesai") != 0)
                return err_set(cx->e, RB_PRECONDITION, "status",
                               _("%s did not attend %s (status %s): a questionnaire needs hadir "
                                 "or selesai"),
                               nip, program, en.status);
        /* One questionnaire per enrollment. */
        if (en.answered)
                return err_set(cx->e, RB_EXISTS, "enrollment",
                               _("%s already answered the questionnaire of %s; answers cannot "
                                 "be changed"),
                               nip, program);
        if (eval_store(cx, program, &en) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "%s", R_RECORDED);
        return 0;
}

/* Takes the current assessment of (nip, competency, period), if any, off
 * current and records the change; its id goes to old ("" when none). */
static int assess_retire(struct apply_ctx *cx, const char *nip, const char *comp,
                         const char *period, char old[64])
{
        static const char sql[] =
            "UPDATE assessments SET current = 0 WHERE nip = ?1 AND competency = ?2"
            " AND period = ?3 AND current = 1 RETURNING id";
        sqlite3_stmt *st = db_stmt(cx->db, sql, cx->e);
        int had;

        old[0] = '\0';
        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, nip, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, comp, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, period, -1, SQLITE_STATIC);
        if ((had = db_step(cx->db, st, cx->e)) > 0)
                snprintf(old, 64, "%s", db_col_text(st, 0));
        sqlite3_reset(st);
        if (had < 0)
                return -1;
        return old[0] != '\0' ? feed_record(cx, entity_find("assessment"), old) : 0;
}

int e_assess_add(struct apply_ctx *cx)
{
        static const char sql[] =
            "INSERT INTO assessments(id, nip, unit, competency, period, level, note, assessed_at,"
            " current) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1)";
        const char *nip = op_get(cx, "nip"), *comp = op_get(cx, "competency"),
                   *period = op_get(cx, "period");
        char unit[64], old[64];
        sqlite3_stmt *st;

        if (asn_active(cx, nip, "nip", unit, NULL) != 0)
                return -1;
        if (!own_unit(cx, unit))
                return deny_other_unit(cx, nip, unit);
        if (competency_known(cx, comp, "competency") != 0 ||
            assess_retire(cx, nip, comp, period, old) != 0 ||
            (st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, nip, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, unit, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, comp, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, period, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, strtol(op_get(cx, "level"), NULL, 10));
        db_bind_text(st, 7, op_get(cx, "note"));
        sqlite3_bind_int64(st, 8, cx->now);
        if (apply_step(cx, st) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "%s", old[0] ? R_REPLACED : R_RECORDED);
        return feed_record(cx, entity_find("assessment"), cx->op->entity_id);
}
