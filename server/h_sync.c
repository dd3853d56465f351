/*
 * h_sync.c - the sync calls. Push applies a batch of ops in one transaction
 * (one fsync for the batch) and answers only after it is durable; Pull pages
 * through the change feed in sequence order, showing each principal only the
 * rows it may see: hr and auditor everything, a unit office the shared rows
 * (plan, programs, competencies) and its own unit's.
 */
#include "apply.h"
#include "db.h"
#include "handlers.h"
#include "i18n.h"
#include "server.h"
#include "store.h"
#include "validate.h"
#include "wire.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char SQL_PAGE_ALL[] =
    "SELECT seq, entity, entity_id, deleted, data FROM changes WHERE seq > ?1"
    " ORDER BY seq LIMIT ?2";
static const char SQL_PAGE_UNIT[] =
    "SELECT seq, entity, entity_id, deleted, data FROM changes WHERE seq > ?1"
    " AND (scope IS NULL OR scope = ?3) ORDER BY seq LIMIT ?2";
static const char SQL_LEFT_ALL[] = "SELECT count(*) FROM changes WHERE seq > ?1";
static const char SQL_LEFT_UNIT[] =
    "SELECT count(*) FROM changes WHERE seq > ?1 AND (scope IS NULL OR scope = ?2)";

/* Fills the fields every op of a batch shares. */
static void batch_ctx(struct call_ctx *cx, struct apply_ctx *ax)
{
        char v[16];

        memset(ax, 0, sizeof(*ax));
        ax->db = cx->srv->db;
        ax->who = cx->who;
        ax->role = cx->role;
        ax->now = (int64_t)time(NULL);
        date_today(ax->today);
        ax->jp_minutes = store_meta(ax->db, "jp_minutes", v, sizeof(v)) ? atoi(v) : 45;
        if (ax->jp_minutes <= 0)
                ax->jp_minutes = 45;
}

int h_push(struct call_ctx *cx, const Renbin__Request *req, Renbin__Response *resp,
           struct rb_err *e)
{
        const Renbin__Push *p = req->push;
        Renbin__PushReply *r = arena_alloc(cx->arena, sizeof(*r));
        struct apply_ctx ax;
        struct op_result res;

        if (p->n_ops > cx->srv->lim.max_ops)
                return err_set(e, RB_INVALID, "ops", _("a push may carry at most %u ops, not %zu"),
                               cx->srv->lim.max_ops, p->n_ops);
        renbin__push_reply__init(r);
        r->n_results = p->n_ops;
        r->results = arena_calloc(cx->arena, p->n_ops, sizeof(*r->results));
        batch_ctx(cx, &ax);
        if (db_begin(ax.db, e) != 0)
                return -1;
        for (size_t i = 0; i < p->n_ops; i++) {
                Renbin__OpResult *o = arena_alloc(cx->arena, sizeof(*o));
                apply_op(&ax, p->ops[i], &res);
                renbin__op_result__init(o);
                o->op_id = arena_strdup(cx->arena, p->ops[i]->op_id ? p->ops[i]->op_id : "");
                o->status = wire_status(cx->arena, &res.err);
                o->seq = res.seq;
                o->detail = arena_strdup(cx->arena, res.detail);
                r->results[i] = o;
        }
        if (db_commit(ax.db, e) != 0)
                return -1;
        resp->result_case = RENBIN__RESPONSE__RESULT_PUSH;
        resp->push = r;
        return 0;
}

/* Reads one feed row into a Change allocated in the arena. */
static Renbin__Change *change_row(struct call_ctx *cx, sqlite3_stmt *st, ProtobufCAllocator *pa)
{
        Renbin__Change *c = NULL;

        if (sqlite3_column_int(st, 3) == 0 && sqlite3_column_type(st, 4) == SQLITE_BLOB)
                c = renbin__change__unpack(pa, (size_t)sqlite3_column_bytes(st, 4),
                                           sqlite3_column_blob(st, 4));
        if (c == NULL) {
                c = arena_alloc(cx->arena, sizeof(*c));
                renbin__change__init(c);
                c->entity = arena_strdup(cx->arena, db_col_text(st, 1));
                c->entity_id = arena_strdup(cx->arena, db_col_text(st, 2));
                c->deleted = 1;
        }
        c->seq = (uint64_t)sqlite3_column_int64(st, 0);
        return c;
}

int h_pull(struct call_ctx *cx, const Renbin__Request *req, Renbin__Response *resp,
           struct rb_err *e)
{
        const Renbin__Pull *p = req->pull;
        Renbin__PullReply *r = arena_alloc(cx->arena, sizeof(*r));
        sqlite3 *db = cx->srv->db;
        int all = cx->role != ROLE_UNIT;
        unsigned limit = p->limit == 0 || p->limit > cx->srv->lim.max_page ? cx->srv->lim.max_page
                                                                          : p->limit;
        ProtobufCAllocator pa;
        sqlite3_stmt *st;
        char v[32];
        size_t n = 0;

        renbin__pull_reply__init(r);
        resp->result_case = RENBIN__RESPONSE__RESULT_PULL;
        resp->pull = r;
        r->cursor = p->since;
        if (p->since > 0 && store_meta(db, "purged_seq", v, sizeof(v)) &&
            strtoull(v, NULL, 10) > p->since) {
                r->resync = 1;
                return 0;
        }
        arena_pb_allocator(cx->arena, &pa);
        r->changes = arena_calloc(cx->arena, limit, sizeof(*r->changes));
        if ((st = db_stmt(db, all ? SQL_PAGE_ALL : SQL_PAGE_UNIT, e)) == NULL)
                return -1;
        sqlite3_bind_int64(st, 1, (sqlite3_int64)p->since);
        sqlite3_bind_int(st, 2, (int)limit);
        if (!all)
                sqlite3_bind_text(st, 3, cx->who->unit, -1, SQLITE_STATIC);
        while (n < limit && sqlite3_step(st) == SQLITE_ROW)
                r->changes[n++] = change_row(cx, st, &pa);
        sqlite3_reset(st);
        r->n_changes = n;
        if (n > 0)
                r->cursor = r->changes[n - 1]->seq;
        if ((st = db_stmt(db, all ? SQL_LEFT_ALL : SQL_LEFT_UNIT, e)) == NULL)
                return -1;
        sqlite3_bind_int64(st, 1, (sqlite3_int64)r->cursor);
        if (!all)
                sqlite3_bind_text(st, 2, cx->who->unit, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
                r->remaining = (uint64_t)sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        return 0;
}
