/*
 * e_need.c - the rule of a unit's training needs (the plan is tailored to
 * them): a need names a known competency, once per unit and year; its
 * priority may change, and it may be withdrawn with a reason (kept, left out
 * of reports; an update brings it back). The catalogue checks the fields,
 * the unit and the role; forum notes and survey responses are in
 * e_feedback.c.
 */
#include "apply.h"
#include "feed.h"
#include "db.h"
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>

/* The need the op names by unit, year and competency: 1 with its id and
 * whether it is withdrawn, 0 when there is none, -1 with cx->e. */
static int need_lookup(struct apply_ctx *cx, char id[64], int *withdrawn)
{
        static const char sql[] = "SELECT id, withdrawn_at IS NOT NULL FROM needs"
                                  " WHERE unit = ?1 AND year = ?2 AND competency = ?3";
        sqlite3_stmt *st = db_stmt(cx->db, sql, cx->e);
        int found;

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, op_get(cx, "unit"), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, strtol(op_get(cx, "year"), NULL, 10));
        sqlite3_bind_text(st, 3, op_get(cx, "competency"), -1, SQLITE_STATIC);
        if ((found = db_step(cx->db, st, cx->e)) > 0) {
                snprintf(id, 64, "%s", db_col_text(st, 0));
                *withdrawn = sqlite3_column_int(st, 1);
        }
        sqlite3_reset(st);
        return found;
}

int e_need_add(struct apply_ctx *cx)
{
        const char *unit = op_get(cx, "unit"), *comp = op_get(cx, "competency");
        char id[64];
        int dup, withdrawn = 0;

        if (competency_known(cx, comp, "competency") != 0 ||
            (dup = need_lookup(cx, id, &withdrawn)) < 0)
                return -1;
        if (dup && withdrawn)
                return err_set(cx->e, RB_EXISTS, "competency",
                               _("%s already has a %s need for %s, withdrawn (need update brings "
                                 "it back)"),
                               unit, op_get(cx, "year"), comp);
        if (dup)
                return err_set(cx->e, RB_EXISTS, "competency",
                               _("%s already has a %ld need for %s"), unit,
                               strtol(op_get(cx, "year"), NULL, 10), comp);
        return 0;
}

/* The need an update or withdrawal names (unit, year, competency): its id
 * and whether it is withdrawn. An office naming another unit is refused
 * before the row is looked for, so it learns nothing of that unit's needs.
 * 0, or -1 with cx->e (NOT_FOUND, PERMISSION_DENIED). */
static int need_find(struct apply_ctx *cx, char id[64], int *withdrawn)
{
        const char *unit = op_get(cx, "unit");
        int found;

        if (!own_unit(cx, unit))
                return deny_other_unit(cx, _("the need"), unit);
        if ((found = need_lookup(cx, id, withdrawn)) == 0)
                return err_set(cx->e, RB_NOT_FOUND, "competency", _("%s has no %s need for %s"),
                               unit, op_get(cx, "year"), op_get(cx, "competency"));
        return found < 0 ? -1 : 0;
}

/* Runs a one-row write bound with ?1 the row's id, ?2 a text (NULL when
 * absent) and ?3 the batch's time (when the statement has it), and records the row in the change
 * feed. */
static int need_write(struct apply_ctx *cx, const char *sql, const char *id, const char *text,
                      const char *result)
{
        sqlite3_stmt *st = db_stmt(cx->db, sql, cx->e);

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        db_bind_text(st, 2, text);
        if (sqlite3_bind_parameter_count(st) >= 3)
                sqlite3_bind_int64(st, 3, cx->now);
        if (apply_step(cx, st) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "%s", result);
        return feed_record(cx, entity_find("need"), id);
}

/* A need's new priority; a withdrawn need so updated counts again. */
int e_need_update(struct apply_ctx *cx)
{
        static const char sql[] = "UPDATE needs SET priority = ?2, withdrawn_at = NULL,"
                                  " withdrawn_reason = NULL WHERE id = ?1";
        char id[64];
        int withdrawn = 0;

        if (need_find(cx, id, &withdrawn) != 0)
                return -1;
        return need_write(cx, sql, id, op_get(cx, "priority"), R_UPDATED);
}

/* Withdraws a need, keeping it and the reason: it leaves the reports. */
int e_need_withdraw(struct apply_ctx *cx)
{
        static const char sql[] =
            "UPDATE needs SET withdrawn_reason = ?2, withdrawn_at = ?3 WHERE id = ?1";
        char id[64];
        int withdrawn = 0;

        if (need_find(cx, id, &withdrawn) != 0)
                return -1;
        if (withdrawn)
                return err_set(cx->e, RB_PRECONDITION, "competency",
                               _("the %s need for %s is already withdrawn"), op_get(cx, "year"),
                               op_get(cx, "competency"));
        return need_write(cx, sql, id, op_get(cx, "withdrawn_reason"), R_WITHDRAWN);
}
