/*
 * e_followup.c - the rules of evaluation levels 2 and 3 (Kirkpatrick): a
 * participant's pre-test and post-test scores in a program (learning), and
 * the supervisor's follow-up on the job (behaviour). Both belong to one
 * enrollment and are assessments of the person, kept per enrollment and
 * synced to its unit; neither touches the anonymous questionnaire answers
 * (docs/privacy.md, decisions 120-122). The catalogue has checked the role
 * and the fields (score 0-100, rating 1-5, note length) before these hooks
 * run; what is left is the enrollment, its state, its unit and, for a
 * follow-up, the day it opens (FOLLOWUP_DAYS after the program's end).
 */
#include "apply.h"
#include "clock.h"
#include "db.h"
#include "feed.h"
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The enrollment of the op's nip in its program, in this seat's unit. 0, or
 * -1 with cx->e. */
static int lvl_enrollment(struct apply_ctx *cx, struct enrollment_ref *en)
{
        const char *nip = op_get(cx, "nip");

        if (enrollment_of(cx, op_get(cx, "program"), nip, en) != 0)
                return -1;
        if (!own_unit(cx, en->unit))
                return deny_other_unit(cx, nip, en->unit);
        return 0;
}

/* The id of the row of table (learning_tests or followups) that belongs to
 * the enrollment: 1 with it in id, 0 when none, -1 with cx->e. */
static int lvl_row(struct apply_ctx *cx, const char *sql, const char *enrollment, char id[64])
{
        sqlite3_stmt *st = db_stmt(cx->db, sql, cx->e);
        int found;

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, enrollment, -1, SQLITE_STATIC);
        if ((found = db_step(cx->db, st, cx->e)) > 0)
                snprintf(id, 64, "%s", db_col_text(st, 0));
        sqlite3_reset(st);
        return found;
}

/* Binds the row's own columns (1 id, 2 program, 3 nip, 4 unit, 5 enrollment,
 * 8 the batch's time) common to a test and a follow-up. */
static void lvl_bind(struct apply_ctx *cx, sqlite3_stmt *st, const char *id,
                     const struct enrollment_ref *en)
{
        sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, op_get(cx, "program"), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, op_get(cx, "nip"), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, en->unit, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 5, en->id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 8, cx->now);
}

/* Records the pre/post test of an enrollment that attended (hadir or
 * selesai); a second one for the same enrollment replaces the first, as a
 * score typed wrong from the paper is corrected (decisions 120). */
int e_test_record(struct apply_ctx *cx)
{
        static const char find[] = "SELECT id FROM learning_tests WHERE enrollment = ?1";
        static const char put[] =
            "INSERT INTO learning_tests(id, program, nip, unit, enrollment, pre, post, tested_at)"
            " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(id) DO UPDATE SET"
            " pre = excluded.pre, post = excluded.post, tested_at = excluded.tested_at";
        struct enrollment_ref en;
        char id[64];
        sqlite3_stmt *st;
        int had;

        if (lvl_enrollment(cx, &en) != 0)
                return -1;
        if (strcmp(en.status, "hadir") != 0 && strcmp(en.status, "selesai") != 0)
                return err_set(cx->e, RB_PRECONDITION, "status",
                               _("%s did not attend %s (status %s): a test needs hadir or "
                                 "selesai"),
                               op_get(cx, "nip"), op_get(cx, "program"), en.status);
        if ((had = lvl_row(cx, find, en.id, id)) < 0 || (st = db_stmt(cx->db, put, cx->e)) == NULL)
                return -1;
        if (!had)
                snprintf(id, sizeof(id), "%s", cx->op->entity_id);
        lvl_bind(cx, st, id, &en);
        sqlite3_bind_int64(st, 6, strtol(op_get(cx, "pre"), NULL, 10));
        sqlite3_bind_int64(st, 7, strtol(op_get(cx, "post"), NULL, 10));
        if (apply_step(cx, st) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "%s", had ? R_REPLACED : R_RECORDED);
        return feed_record(cx, entity_find("learning_test"), id);
}

/* Refuses a follow-up of an enrollment that is not selesai, or before the
 * day it opens (FOLLOWUP_DAYS after the program's end, by the server's
 * clock in Western Indonesia Time), naming that day. */
static int followup_open(struct apply_ctx *cx, const struct enrollment_ref *en)
{
        char today[16], opens[16];

        if (strcmp(en->status, "selesai") != 0)
                return err_set(cx->e, RB_PRECONDITION, "status",
                               _("%s did not complete %s (status %s): a follow-up needs selesai"),
                               op_get(cx, "nip"), op_get(cx, "program"), en->status);
        clock_today(today, sizeof(today));
        clock_date_add(en->end, FOLLOWUP_DAYS, opens, sizeof(opens));
        if (strcmp(today, opens) < 0)
                return err_set(cx->e, RB_PRECONDITION, "program",
                               ngettext("the follow-up of %s in %s opens on %s, %d day after the "
                                        "program's end (%s)",
                                        "the follow-up of %s in %s opens on %s, %d days after the "
                                        "program's end (%s)",
                                        FOLLOWUP_DAYS),
                               op_get(cx, "nip"), op_get(cx, "program"), opens, FOLLOWUP_DAYS,
                               en->end);
        return 0;
}

/* Records the supervisor's follow-up of a completed enrollment, once. */
int e_followup_add(struct apply_ctx *cx)
{
        static const char find[] = "SELECT id FROM followups WHERE enrollment = ?1";
        static const char put[] =
            "INSERT INTO followups(id, program, nip, unit, enrollment, rating, note, recorded_at)"
            " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
        struct enrollment_ref en;
        char id[64];
        sqlite3_stmt *st;
        int had;

        if (lvl_enrollment(cx, &en) != 0 || followup_open(cx, &en) != 0 ||
            (had = lvl_row(cx, find, en.id, id)) < 0)
                return -1;
        if (had)
                return err_set(cx->e, RB_EXISTS, "enrollment",
                               _("the follow-up of %s in %s is recorded already"),
                               op_get(cx, "nip"), op_get(cx, "program"));
        if ((st = db_stmt(cx->db, put, cx->e)) == NULL)
                return -1;
        lvl_bind(cx, st, cx->op->entity_id, &en);
        sqlite3_bind_int64(st, 6, strtol(op_get(cx, "rating"), NULL, 10));
        db_bind_text(st, 7, op_get(cx, "note"));
        if (apply_step(cx, st) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "%s", R_RECORDED);
        return feed_record(cx, entity_find("followup"), cx->op->entity_id);
}
