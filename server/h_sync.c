/*
 * h_sync.c - the sync calls. Push is queued for the group commit (commit.c),
 * which applies it with whatever else arrived in one transaction (one fsync)
 * and answers only after it is durable; Pull pages
 * through the change feed in sequence order, showing each principal only the
 * rows it may see: hr and auditor everything, a unit office the shared rows
 * (plan, programs, competencies) and its own unit's.
 */
#include "apply.h"
#include "commit.h"
#include "db.h"
#include "frame.h"
#include "handlers.h"
#include "i18n.h"
#include "server.h"
#include "store.h"
#include "validate.h"
#include "wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Room left in a Pull reply frame for the status and the cursor fields. */
#define PAGE_SLACK 1024

static const char SQL_PAGE_ALL[] =
    "SELECT seq, entity, entity_id, deleted, data FROM changes WHERE seq > ?1"
    " ORDER BY seq LIMIT ?2";
static const char SQL_PAGE_UNIT[] =
    "SELECT seq, entity, entity_id, deleted, data FROM changes WHERE seq > ?1"
    " AND (scope IS NULL OR scope = ?3) ORDER BY seq LIMIT ?2";
static const char SQL_LEFT_ALL[] = "SELECT count(*) FROM changes WHERE seq > ?1";
static const char SQL_LEFT_UNIT[] =
    "SELECT count(*) FROM changes WHERE seq > ?1 AND (scope IS NULL OR scope = ?2)";

/* Queues the push for the next group commit (commit.c): answered after COMMIT. */
int h_push(struct call_ctx *cx, const Renbin__Request *req, Renbin__Response *resp,
           struct rb_err *e)
{
        const Renbin__Push *p = req->push;

        (void)resp;
        if (p->n_ops > cx->srv->lim.max_ops)
                return err_set(e, RB_INVALID, "ops", _("a push may carry at most %u ops, not %zu"),
                               cx->srv->lim.max_ops, p->n_ops);
        if (commit_enqueue(cx->srv, cx->conn, (Renbin__Request *)req) != 0)
                return err_set(e, RB_EXHAUSTED, NULL, _("out of memory"));
        cx->keep_req = 1;
        return CALL_DEFERRED;
}

/* The bytes a page's changes may take: the reply must fit a frame of the
 * server's limit and of the 4 MiB that clients accept. */
static size_t page_budget(const struct server *srv)
{
        uint32_t max = srv->lim.max_frame < FRAME_DEFAULT_MAX ? srv->lim.max_frame
                                                              : FRAME_DEFAULT_MAX;

        return max > 2 * PAGE_SLACK ? max - PAGE_SLACK : max / 2;
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

/* The memo slot for a cursor. */
static struct pull_memo *memo_slot(struct server *srv, uint64_t cursor)
{
        size_t n = sizeof(srv->pull_memo) / sizeof(srv->pull_memo[0]);

        return &srv->pull_memo[(cursor * 0x9e3779b97f4a7c15ull >> 32) % n];
}

/*
 * Sets *left to the changes after cursor that scope ("" for all) may see.
 * Counting is O(rows after cursor), so a page that continues one served
 * before (its since is that page's cursor), with nothing written in between,
 * takes the count left then minus the n rows this page holds: a sync counts
 * once, on its first page, instead of on every page.
 */
static int remaining(struct call_ctx *cx, const char *scope, uint64_t since, size_t n,
                     uint64_t cursor, uint64_t *left, struct rb_err *e)
{
        sqlite3 *db = cx->srv->db;
        struct pull_memo *m = memo_slot(cx->srv, since);
        int64_t gen = sqlite3_total_changes64(db);
        unsigned dv = 0;
        sqlite3_stmt *st;

        /* Commits by anyone (another process too) move the data version. */
        sqlite3_file_control(db, "main", SQLITE_FCNTL_DATA_VERSION, &dv);
        if (m->gen == gen && m->dv == dv && m->cursor == since && m->left >= n &&
            strcmp(m->scope, scope) == 0) {
                *left = m->left - n;
        } else {
                if ((st = db_stmt(db, scope[0] ? SQL_LEFT_UNIT : SQL_LEFT_ALL, e)) == NULL)
                        return -1;
                sqlite3_bind_int64(st, 1, (sqlite3_int64)cursor);
                if (scope[0])
                        sqlite3_bind_text(st, 2, scope, -1, SQLITE_STATIC);
                *left = sqlite3_step(st) == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
                sqlite3_reset(st);
        }
        m = memo_slot(cx->srv, cursor);
        m->cursor = cursor;
        m->left = *left;
        m->gen = gen;
        m->dv = dv;
        snprintf(m->scope, sizeof(m->scope), "%s", scope);
        return 0;
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
        size_t n = 0, bytes = 0, budget = page_budget(cx->srv);

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
        /* A page ends at limit changes or when the next would overflow the frame
         * (always at least one: a single row is far below the limit). */
        while (n < limit && sqlite3_step(st) == SQLITE_ROW) {
                Renbin__Change *c = change_row(cx, st, &pa);
                size_t sz = renbin__change__get_packed_size(c) + 16;

                if (n > 0 && bytes + sz > budget)
                        break;
                bytes += sz;
                r->changes[n++] = c;
        }
        sqlite3_reset(st);
        r->n_changes = n;
        if (n > 0)
                r->cursor = r->changes[n - 1]->seq;
        return remaining(cx, all ? "" : cx->who->unit, p->since, n, r->cursor, &r->remaining,
                         e);
}
