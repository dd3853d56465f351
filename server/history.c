/*
 * history.c - what the rule hooks record of a change to a plan or an
 * enrollment, beside the change itself: one row of plan_changes or
 * enrollment_changes (synced like any row, so every seat reads them
 * offline), naming the seat that made it (its certificate's unit, role,
 * name and serial) and when. A change to the programs of an approved plan also
 * raises the plan's revision (decisions 65-67).
 */
#include "apply.h"
#include "db.h"
#include "feed.h"
#include "history.h"
#include "role.h"
#include "uuid.h"

#include <stdio.h>
#include <string.h>

static const char SQL_PLAN_GET[] =
    "SELECT id, status = 'approved', revision FROM plans WHERE year = ?1";
static const char SQL_PLAN_RAISE[] = "UPDATE plans SET revision = revision + 1 WHERE id = ?1";
static const char SQL_PLAN_CHANGE[] =
    "INSERT INTO plan_changes(id, year, revision, changed_at, by_unit, by_role, by_serial,"
    " by_name, action, program, detail) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?11, ?8, ?9, ?10)";
static const char SQL_ENROLL_CHANGE[] =
    "INSERT INTO enrollment_changes(id, enrollment, program, nip, unit, changed_at,"
    " from_status, to_status, reason, by_unit, by_role, by_serial, by_name)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";

const char *history_seat(const struct principal *who, char *buf, size_t len)
{
        return seat_format(buf, len, who->unit, who->role, who->name, who->serial);
}

/* Binds the seat of the op at columns i, i+1, i+2 (unit, role, serial) and
 * its name at column n (NULL: a seat issued before names). */
static void bind_seat(const struct apply_ctx *cx, sqlite3_stmt *st, int i, int n)
{
        sqlite3_bind_text(st, i, cx->who->unit, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, i + 1, cx->who->role, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, i + 2, cx->who->serial, -1, SQLITE_STATIC);
        if (cx->who->name[0] != '\0')
                sqlite3_bind_text(st, n, cx->who->name, -1, SQLITE_STATIC);
}

int plan_state(struct apply_ctx *cx, long year, char id[64], int *approved, long *revision)
{
        sqlite3_stmt *st = db_stmt(cx->db, SQL_PLAN_GET, cx->e);
        int found;

        if (st == NULL)
                return -1;
        sqlite3_bind_int64(st, 1, year);
        if ((found = db_step(cx->db, st, cx->e)) > 0) {
                snprintf(id, 64, "%s", db_col_text(st, 0));
                *approved = sqlite3_column_int(st, 1);
                *revision = sqlite3_column_int(st, 2);
        }
        sqlite3_reset(st);
        return found;
}

/* Raises the revision of plan id and records the plan's change. */
static int plan_raise(struct apply_ctx *cx, const char *id)
{
        sqlite3_stmt *st = db_stmt(cx->db, SQL_PLAN_RAISE, cx->e);

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        if (apply_step(cx, st) != 0)
                return -1;
        return feed_record(cx, entity_find("plan"), id);
}

int history_plan(struct apply_ctx *cx, long year, const char *action, const char *program,
                 const char *detail)
{
        char id[64], row[UUID_STR];
        int approved = 0, found;
        long revision = 0;
        sqlite3_stmt *st;

        if ((found = plan_state(cx, year, id, &approved, &revision)) <= 0)
                return found < 0 ? -1 : 0;
        /* Approval itself is revision 1: only what changes an approved
         * plan's programs raises it. */
        if (approved && program != NULL) {
                if (plan_raise(cx, id) != 0)
                        return -1;
                revision++;
        }
        if (uuid7_make(row) != 0)
                return err_set(cx->e, RB_INTERNAL, NULL, "cannot make an id");
        if ((st = db_stmt(cx->db, SQL_PLAN_CHANGE, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, row, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, year);
        sqlite3_bind_int64(st, 3, revision);
        sqlite3_bind_int64(st, 4, cx->now);
        bind_seat(cx, st, 5, 11);
        sqlite3_bind_text(st, 8, action, -1, SQLITE_STATIC);
        db_bind_text(st, 9, program);
        db_bind_text(st, 10, detail);
        if (apply_step(cx, st) != 0)
                return -1;
        return feed_record(cx, entity_find("plan_change"), row);
}

int history_enrollment(struct apply_ctx *cx, const struct enroll_change *c)
{
        char row[UUID_STR];
        sqlite3_stmt *st;

        if (uuid7_make(row) != 0)
                return err_set(cx->e, RB_INTERNAL, NULL, "cannot make an id");
        if ((st = db_stmt(cx->db, SQL_ENROLL_CHANGE, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, row, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, c->enrollment, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, c->program, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, c->nip, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, c->unit, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, cx->now);
        db_bind_text(st, 7, c->from);
        sqlite3_bind_text(st, 8, c->to, -1, SQLITE_STATIC);
        db_bind_text(st, 9, c->reason);
        bind_seat(cx, st, 10, 13);
        if (apply_step(cx, st) != 0)
                return -1;
        return feed_record(cx, entity_find("enrollment_change"), row);
}
