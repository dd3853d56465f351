/*
 * audit.c - the SHA-256 chained audit log. A record's hash covers the previous
 * record's hash and every column of its own, with the change's data by its
 * digest; the last hash is also kept in meta, so removing the newest records
 * is detected too. Within a transaction the head is kept in the apply
 * context and written to meta once, before COMMIT (audit_store).
 */
#include "audit.h"
#include "batch.h"
#include "db.h"
#include "i18n.h"
#include "store.h"

#include <stdio.h>
#include <string.h>

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

static const char SQL_LAST[] = "SELECT hash FROM audit ORDER BY n DESC LIMIT 1";
static const char SQL_APPEND[] =
    "INSERT INTO audit(n, at, unit, role, op_id, entity, entity_id, action, seq, data, prev, hash,"
    " serial, name) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";

/* What the record says happened to the row: the op's action on a row of its
 * own entity; on another entity's row (a program's seat count moved by an
 * enrollment) the op's entity and action, "enrollment create". */
static const char *audit_action(const struct apply_ctx *cx, const char *entity, int tomb, char *buf,
                                size_t len)
{
        if (tomb)
                return "tombstone";
        if (cx->op == NULL || cx->op->action == NULL)
                return "";
        if (cx->op->entity == NULL || strcmp(cx->op->entity, entity) == 0)
                return cx->op->action;
        snprintf(buf, len, "%s %s", cx->op->entity, cx->op->action);
        return buf;
}

/* The head the next record follows: read once per transaction, then
 * followed in memory. 0, or -1 with cx->e. */
static int audit_prev(struct apply_ctx *cx)
{
        char *prev = cx->audit_head;
        sqlite3_stmt *st;

        if (prev[0] != '\0')
                return 0;
        if ((st = db_stmt(cx->db, SQL_LAST, cx->e)) == NULL)
                return -1;
        int step = db_step(cx->db, st, cx->e);
        snprintf(prev, sizeof(cx->audit_head), "%s", step > 0 ? db_col_text(st, 0) : GENESIS);
        sqlite3_reset(st);
        if (step < 0) {
                prev[0] = '\0'; /* read it again next time */
                return -1;
        }
        return 0;
}

int audit_append(struct apply_ctx *cx, const char *entity, const char *id, const uint8_t *data,
                 size_t len)
{
        char hash[65], what[160];
        struct audit_rec r = {
            .n = (long long)cx->seq,
            .at = cx->now,
            .unit = cx->who->unit,
            .role = cx->who->role,
            .serial = cx->who->serial,
            .name = cx->who->name,
            .op_id = cx->op ? cx->op->op_id : "",
            .entity = entity,
            .id = id,
            .seq = (long long)cx->seq,
            .data = data,
            .len = len,
            .prev = cx->audit_head,
        };
        sqlite3_stmt *st;

        if (audit_prev(cx) != 0)
                return -1;
        r.action = audit_action(cx, entity, data == NULL, what, sizeof(what));
        audit_hash(&r, hash);
        if ((st = db_stmt_bind(cx->db, SQL_APPEND, cx->e)) == NULL)
                return -1;
        sqlite3_bind_int64(st, 1, r.n);
        sqlite3_bind_int64(st, 2, r.at);
        const char *text[] = {r.unit, r.role, r.op_id, r.entity, r.id, r.action};
        for (int i = 0; i < 6; i++)
                sqlite3_bind_text(st, 3 + i, text[i], -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 9, r.seq);
        if (data != NULL)
                sqlite3_bind_blob(st, 10, data, (int)len, SQLITE_STATIC);
        else
                sqlite3_bind_null(st, 10);
        sqlite3_bind_text(st, 11, r.prev, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 12, hash, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 13, r.serial, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 14, r.name, -1, SQLITE_STATIC);
        if (db_run(cx->db, st, cx->e) != 0)
                return -1;
        memcpy(cx->audit_head, hash, sizeof(hash));
        cx->audit_moved = 1;
        return 0;
}

int audit_store(struct apply_ctx *cx, struct rb_err *e)
{
        if (!cx->audit_moved)
                return 0;
        if (store_meta_set(cx->db, "audit_head", cx->audit_head, e) != 0)
                return -1;
        cx->audit_moved = 0;
        return 0;
}

/* The record the statement's row holds (the columns of SQL_WALK). */
static void walk_rec(sqlite3_stmt *st, struct audit_rec *r)
{
        r->n = sqlite3_column_int64(st, 0);
        r->at = sqlite3_column_int64(st, 1);
        r->unit = db_col_text(st, 2);
        r->role = db_col_text(st, 3);
        r->op_id = db_col_text(st, 4);
        r->entity = db_col_text(st, 5);
        r->id = db_col_text(st, 6);
        r->action = db_col_text(st, 7);
        r->seq = sqlite3_column_int64(st, 8);
        r->data = sqlite3_column_type(st, 9) == SQLITE_NULL ? NULL : sqlite3_column_blob(st, 9);
        r->len = (size_t)sqlite3_column_bytes(st, 9);
        r->serial = db_col_text(st, 12);
        r->name = db_col_text(st, 13);
        r->digest = sqlite3_column_type(st, 14) == SQLITE_NULL ? NULL : db_col_text(st, 14);
}

/* Checks one record against the one before it (whose hash is prev). */
static long walk_one(sqlite3_stmt *st, const char *prev, const struct audit_head *want, int *met)
{
        struct audit_rec r;
        char hash[65];

        walk_rec(st, &r);
        r.prev = prev;
        audit_hash(&r, hash);
        if (want != NULL && r.n == want->n)
                *met = strcmp(db_col_text(st, 11), want->hash) == 0 ? 1 : -1;
        if (strcmp(prev, db_col_text(st, 10)) != 0) {
                fprintf(stderr,
                        _("audit record %lld: does not follow the record before "
                          "it (a record was removed or altered)\n"),
                        r.n);
                return 1;
        }
        if (strcmp(hash, db_col_text(st, 11)) != 0) {
                fprintf(stderr, _("audit record %lld: altered (hash mismatch)\n"), r.n);
                return 1;
        }
        return 0;
}

/* Whether the log still holds the head an auditor saved (want): its record
 * is there with its hash (met 1); 1 if not, printed. */
static long head_met(const struct audit_head *want, int met)
{
        if (want == NULL || met == 1 || want->n == 0)
                return 0;
        if (met == 0)
                fprintf(stderr,
                        _("audit log: record %lld of the saved head is gone (the log was cut or "
                          "rewritten)\n"),
                        want->n);
        else
                fprintf(stderr,
                        _("audit log: record %lld differs from the saved head (the chain was "
                          "rewritten)\n"),
                        want->n);
        return 1;
}

long audit_verify(sqlite3 *db, const struct audit_head *want, long *checked, struct rb_err *e)
{
        sqlite3_stmt *st =
            db_prepare(db,
                       "SELECT n, at, unit, role, op_id, entity, entity_id, action,"
                       " seq, data, prev, hash, serial, name, digest FROM audit ORDER BY n",
                       e);
        char prev[65] = GENESIS, head[65] = GENESIS;
        long bad = 0;
        int met = 0;

        *checked = 0;
        if (st == NULL)
                return -1;
        int step;
        while ((step = db_step(db, st, e)) > 0) {
                bad += walk_one(st, prev, want, &met);
                snprintf(prev, sizeof(prev), "%s", db_col_text(st, 11));
                (*checked)++;
        }
        sqlite3_finalize(st);
        if (step < 0)
                return -1;
        store_meta(db, "audit_head", head, sizeof(head));
        if (strcmp(head, prev) != 0) {
                fprintf(stderr,
                        _("audit log: the newest records were removed (head %.12s... "
                          "not found at the end)\n"),
                        head);
                bad++;
        }
        return bad + head_met(want, met);
}
