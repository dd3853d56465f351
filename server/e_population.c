/*
 * e_population.c - the rule of a unit's population served (SKM): how many
 * people a unit served in a period, the N of the minimum sample of its IKM
 * (Krejcie-Morgan, server/report_ikm.c). One row per unit and period, set by
 * HR or by the unit's own office and set again to change it. The catalogue
 * has checked the role and the fields; what is left is the unit (it exists,
 * and an office may set only its own) and the upsert by the natural key.
 */
#include "apply.h"
#include "db.h"
#include "feed.h"

#include <stdio.h>
#include <stdlib.h>

/* The population row of (unit, period): 1 with its id and count, 0 when
 * there is none, -1 with cx->e. */
static int population_find(struct apply_ctx *cx, const char *unit, const char *period, char id[64],
                           long long *served)
{
        static const char sql[] = "SELECT id, served FROM populations"
                                  " WHERE unit = ?1 AND period = ?2";
        sqlite3_stmt *st = db_stmt(cx->db, sql, cx->e);
        int rc;

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, unit, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, period, -1, SQLITE_STATIC);
        if ((rc = db_step(cx->db, st, cx->e)) > 0) {
                snprintf(id, 64, "%s", db_col_text(st, 0));
                *served = sqlite3_column_int64(st, 1);
        }
        sqlite3_reset(st);
        return rc;
}

/* Sets the people a unit served in a period: made, changed or unchanged. */
int e_population_set(struct apply_ctx *cx)
{
        static const char ins[] =
            "INSERT INTO populations(id, unit, period, served) VALUES(?1, ?2, ?3, ?4)";
        static const char upd[] = "UPDATE populations SET served = ?4 WHERE id = ?1";
        const char *unit = op_get(cx, "unit"), *period = op_get(cx, "period");
        long long served = strtoll(op_get(cx, "served"), NULL, 10), had = 0;
        sqlite3_stmt *st;
        char id[64];
        int found;

        if (insert_scope(cx, entity_find("population")) != 0 ||
            (found = population_find(cx, unit, period, id, &had)) < 0)
                return -1;
        if (found && had == served) {
                snprintf(cx->detail, sizeof(cx->detail), "%s", R_UNCHANGED);
                return 0;
        }
        if (!found)
                snprintf(id, sizeof(id), "%s", cx->op->entity_id);
        if ((st = db_stmt(cx->db, found ? upd : ins, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        if (!found) {
                sqlite3_bind_text(st, 2, unit, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 3, period, -1, SQLITE_STATIC);
        }
        sqlite3_bind_int64(st, 4, served);
        if (apply_step(cx, st) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "%s", found ? R_UPDATED : R_CREATED);
        return feed_record(cx, entity_find("population"), id);
}
