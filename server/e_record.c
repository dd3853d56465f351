/*
 * e_record.c - the rules of records from outside the plan: training a
 * person took elsewhere (another agency's seminar, LAN's e-learning),
 * added by the person's office or by HR and verified or rejected by HR.
 * The catalogue has checked the role, the fields and the JP of a method
 * counted by day (common/entity_check.c); what is left is the person
 * (active, of the writer's unit), the JP a seminar or workshop gets when
 * none is given, the method's kind kept with the row, and a decision taken
 * once, on a pending record.
 */
#include "apply.h"
#include "db.h"
#include "feed.h"
#include "history.h"
#include "i18n.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A record's states: added pending, then verified or rejected by HR. */
#define REC_PENDING "pending"

static const char SQL_ADD[] =
    "INSERT INTO records(id, nip, unit, title, organizer, method, start_date, end_date, jp,"
    " certificate, klasikal, status, added_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
    " ?11, 'pending', ?12)";
static const char SQL_STATE[] = "SELECT status FROM records WHERE id = ?1";
static const char SQL_DECIDE[] =
    "UPDATE records SET status = ?2, reject_reason = ?3, decided_at = ?4, decided_by = ?5"
    " WHERE id = ?1";

/* Adds a record for an active person of the writer's unit (HR: any); a
 * seminar or workshop without JP gets days x its JP a day. */
int e_record_add(struct apply_ctx *cx)
{
        const char *nip = op_get(cx, "nip"), *method = op_get(cx, "method"),
                   *start = op_get(cx, "start_date"), *end = op_get(cx, "end_date"),
                   *jp_text = op_get(cx, "jp");
        long jp =
            jp_text != NULL ? strtol(jp_text, NULL, 10) : method_jp_default(method, start, end);
        char unit[64];
        sqlite3_stmt *st;

        if (asn_active(cx, nip, "nip", unit, NULL) != 0)
                return -1;
        if (!own_unit(cx, unit))
                return deny_other_unit(cx, _("the ASN"), unit);
        if ((st = db_stmt(cx->db, SQL_ADD, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, nip, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, unit, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, op_get(cx, "title"), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, op_get(cx, "organizer"), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, method, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, start, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 8, end, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 9, jp);
        db_bind_text(st, 10, op_get(cx, "certificate"));
        sqlite3_bind_int(st, 11, !method_nonklasikal(method));
        sqlite3_bind_int64(st, 12, cx->now);
        if (apply_step(cx, st) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "%s", R_RECORDED);
        return feed_record(cx, entity_find("record"), cx->op->entity_id);
}

/* Decides the op's record (to: verified or rejected, with reason), which
 * must be pending: a decision is taken once. */
static int record_decide(struct apply_ctx *cx, const char *to, const char *reason,
                         const char *result)
{
        char state[16] = "", seat[256];
        sqlite3_stmt *st;
        int found;

        if ((st = db_stmt(cx->db, SQL_STATE, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        if ((found = db_step(cx->db, st, cx->e)) > 0)
                snprintf(state, sizeof(state), "%s", db_col_text(st, 0));
        sqlite3_reset(st);
        if (found <= 0)
                return found < 0 ? -1
                                 : err_set(cx->e, RB_NOT_FOUND, "entity_id",
                                           _("no record has id %s"), cx->op->entity_id);
        if (strcmp(state, REC_PENDING) != 0)
                return err_set(cx->e, RB_PRECONDITION, "status",
                               _("the record is already %s; a decision is taken once"), state);
        if ((st = db_stmt(cx->db, SQL_DECIDE, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
        db_bind_text(st, 3, reason);
        sqlite3_bind_int64(st, 4, cx->now);
        sqlite3_bind_text(st, 5, history_seat(cx->who, seat, sizeof(seat)), -1, SQLITE_STATIC);
        if (apply_step(cx, st) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "%s", result);
        return feed_record(cx, entity_find("record"), cx->op->entity_id);
}

/* HR verifies a pending record: from now it counts. */
int e_record_verify(struct apply_ctx *cx)
{
        return record_decide(cx, "verified", NULL, R_VERIFIED);
}

/* HR rejects a pending record, saying why: it never counts. */
int e_record_reject(struct apply_ctx *cx)
{
        return record_decide(cx, "rejected", op_get(cx, "reject_reason"), R_REJECTED);
}
