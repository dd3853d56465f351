/*
 * e_feedback.c - corrections of a unit's community feedback and the ledger
 * of imported files: a forum note's follow-up (its state, owner and due
 * date), a survey response deleted with its reason (kept, with the reason,
 * and left out of the IKM), and the record of one import. Forum notes and
 * survey responses are added by the catalogue's plain insert
 * (server/insert.c); these hooks change a row named by its id (A_BY_ID),
 * which the catalogue has already found to be of the op's entity.
 */
#include "apply.h"
#include "db.h"
#include "feed.h"
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_FORUM_UNIT[] = "SELECT unit, 0 FROM forums WHERE id = ?1";
static const char SQL_SURVEY_UNIT[] =
    "SELECT unit, deleted_at IS NOT NULL FROM surveys WHERE id = ?1";

/* The unit of the op's row of entity d, read by sql (a constant: the
 * statement is cached by its address), whose second column (a flag: deleted)
 * goes to *set. An office may change only its own unit's rows (decisions
 * 39: not told the owner). 0, or -1 with cx->e. */
static int row_owned(struct apply_ctx *cx, const struct entity_def *d, const char *sql, int *set)
{
        char unit[64] = "";
        sqlite3_stmt *st;
        int found;

        if ((st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        if ((found = db_step(cx->db, st, cx->e)) > 0) {
                snprintf(unit, sizeof(unit), "%s", db_col_text(st, 0));
                *set = sqlite3_column_int(st, 1);
        }
        sqlite3_reset(st);
        if (found <= 0)
                return found < 0 ? -1
                                 : err_set(cx->e, RB_NOT_FOUND, "entity_id", _("no %s has id %s"),
                                           d->name, cx->op->entity_id);
        if (!own_unit(cx, unit))
                return deny_other_unit(cx, _(d->noun), unit);
        return 0;
}

/* Steps st, a bound write of the op's row of d, says result and records the
 * row in the change feed. */
static int row_write(struct apply_ctx *cx, const struct entity_def *d, sqlite3_stmt *st,
                     const char *result)
{
        if (apply_step(cx, st) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "%s", result);
        return feed_record(cx, d, cx->op->entity_id);
}

/* A forum note's follow-up: its state (required), and the follow-up text,
 * owner and due date when given. */
int e_forum_update(struct apply_ctx *cx)
{
        static const char sql[] =
            "UPDATE forums SET status = ?2, follow_up = coalesce(?3, follow_up),"
            " owner = coalesce(?4, owner), due = coalesce(?5, due) WHERE id = ?1";
        const struct entity_def *d = entity_find("forum");
        sqlite3_stmt *st;
        int set = 0;

        if (row_owned(cx, d, SQL_FORUM_UNIT, &set) != 0 ||
            (st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        db_bind_text(st, 2, op_get(cx, "status"));
        db_bind_text(st, 3, op_get(cx, "follow_up"));
        db_bind_text(st, 4, op_get(cx, "owner"));
        db_bind_text(st, 5, op_get(cx, "due"));
        return row_write(cx, d, st, R_UPDATED);
}

/* Deletes a survey response: kept with the reason and the time, left out of
 * the IKM and the lists; deleting it again is refused. */
int e_survey_delete(struct apply_ctx *cx)
{
        static const char sql[] =
            "UPDATE surveys SET deleted_reason = ?2, deleted_at = ?3 WHERE id = ?1";
        const struct entity_def *d = entity_find("survey");
        sqlite3_stmt *st;
        int deleted = 0;

        if (row_owned(cx, d, SQL_SURVEY_UNIT, &deleted) != 0)
                return -1;
        if (deleted)
                return err_set(cx->e, RB_PRECONDITION, "entity_id",
                               _("survey response %s is already deleted"), cx->op->entity_id);
        if ((st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        db_bind_text(st, 2, op_get(cx, "deleted_reason"));
        sqlite3_bind_int64(st, 3, cx->now);
        return row_write(cx, d, st, R_DELETED);
}

/* Records one import in the ledger, under the importing seat's own unit
 * (an HR seat's is its certificate's, which need not be a unit office). */
int e_import_record(struct apply_ctx *cx)
{
        static const char sql[] =
            "INSERT INTO imports(id, kind, unit, digest, file, rows, imported_at)"
            " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
        const char *unit = op_get(cx, "unit");
        sqlite3_stmt *st;

        if (strcmp(unit, cx->who->unit) != 0)
                return deny_other_unit(cx, _("an import"), unit);
        if ((st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        db_bind_text(st, 2, op_get(cx, "kind"));
        sqlite3_bind_text(st, 3, unit, -1, SQLITE_STATIC);
        db_bind_text(st, 4, op_get(cx, "digest"));
        db_bind_text(st, 5, op_get(cx, "file"));
        sqlite3_bind_int64(st, 6, strtoll(op_get(cx, "rows"), NULL, 10));
        sqlite3_bind_int64(st, 7, cx->now);
        return row_write(cx, entity_find("import"), st, R_RECORDED);
}
