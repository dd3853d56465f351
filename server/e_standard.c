/*
 * e_standard.c - the rule of competency standards (standar kompetensi
 * jabatan): the level a position requires in a competency, one row per
 * jabatan and competency, set by HR and read by every seat. The catalogue
 * has checked the role and the fields (the level within the assessment
 * range); what is left is the competency existing and the upsert by the
 * natural key, where the jabatan is matched without regard to case, as the
 * gaps report matches it to the roster (server/report_gaps.c).
 */
#include "apply.h"
#include "db.h"
#include "feed.h"
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The standard of (jabatan, competency): 1 with its id, level and jabatan as
 * written, 0 when there is none, -1 with cx->e. */
static int standard_find(struct apply_ctx *cx, const char *jabatan, const char *comp, char id[64],
                         long *level, char *was, size_t len)
{
        static const char sql[] = "SELECT id, level, jabatan FROM standards"
                                  " WHERE lower(jabatan) = lower(?1) AND competency = ?2";
        sqlite3_stmt *st = db_stmt(cx->db, sql, cx->e);
        int rc;

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, jabatan, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, comp, -1, SQLITE_STATIC);
        if ((rc = db_step(cx->db, st, cx->e)) > 0) {
                snprintf(id, 64, "%s", db_col_text(st, 0));
                *level = (long)sqlite3_column_int64(st, 1);
                snprintf(was, len, "%s", db_col_text(st, 2));
        }
        sqlite3_reset(st);
        return rc;
}

/* Sets the level a jabatan requires in a competency: made, changed (the
 * jabatan's spelling too), or left unchanged. */
int e_standard_set(struct apply_ctx *cx)
{
        static const char ins[] =
            "INSERT INTO standards(id, jabatan, competency, level) VALUES(?1, ?2, ?3, ?4)";
        static const char upd[] = "UPDATE standards SET jabatan = ?2, level = ?4 WHERE id = ?1";
        const char *jabatan = op_get(cx, "jabatan"), *comp = op_get(cx, "competency");
        long level = strtol(op_get(cx, "level"), NULL, 10), had = 0;
        char id[64], was[256];
        sqlite3_stmt *st;
        int found;

        if (competency_known(cx, comp, "competency") != 0 ||
            (found = standard_find(cx, jabatan, comp, id, &had, was, sizeof(was))) < 0)
                return -1;
        if (found && had == level && strcmp(was, jabatan) == 0) {
                snprintf(cx->detail, sizeof(cx->detail), "%s", R_UNCHANGED);
                return 0;
        }
        if (!found)
                snprintf(id, sizeof(id), "%s", cx->op->entity_id);
        if ((st = db_stmt(cx->db, found ? upd : ins, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, jabatan, -1, SQLITE_STATIC);
        if (!found)
                sqlite3_bind_text(st, 3, comp, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, level);
        if (apply_step(cx, st) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "%s", found ? R_UPDATED : R_CREATED);
        return feed_record(cx, entity_find("standard"), id);
}
