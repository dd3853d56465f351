/*
 * e_need.c - the rule of a unit's training needs (the plan is tailored to
 * them): a need names a known competency, once per unit and year. The
 * catalogue checks the fields, the unit and the role; survey responses and
 * forum notes have no rule beyond the catalogue's (server/insert.c).
 */
#include "apply.h"
#include "feed.h"
#include "db.h"
#include "i18n.h"

#include <stdlib.h>

int e_need_add(struct apply_ctx *cx)
{
        static const char sql[] = "SELECT count(*) FROM needs WHERE unit = ?1 AND year = ?2"
                                  " AND competency = ?3";
        const char *unit = op_get(cx, "unit"), *comp = op_get(cx, "competency");
        long y = strtol(op_get(cx, "year"), NULL, 10);
        sqlite3_stmt *st;
        int dup;

        if (competency_known(cx, comp, "competency") != 0 ||
            (st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, unit, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, y);
        sqlite3_bind_text(st, 3, comp, -1, SQLITE_STATIC);
        if ((dup = apply_any(cx, st)) < 0)
                return -1;
        if (dup)
                return err_set(cx->e, RB_EXISTS, "competency",
                               _("%s already has a %ld need for %s"), unit, y, comp);
        return 0;
}
