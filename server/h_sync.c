/*
 * h_sync.c - the sync calls. Push is queued for the group commit (commit.c),
 * which applies it with whatever else arrived in one transaction (one fsync)
 * and answers only after it is durable; Pull pages
 * through the change feed in sequence order, showing each principal only the
 * rows it may see: hr and auditor everything, a unit office the shared rows
 * (plan, programs, competencies) and its own unit's.
 *
 * A stored change is a packed Change without its seq. A Pull reply does not
 * unpack and pack it again: each row goes into the reply as its encoded
 * field 1 (`changes`) - length, the stored bytes, then the seq field
 * appended (a later field wins; order does not matter) - carried in the
 * reply's unknown fields, which protobuf-c packs verbatim after the known
 * ones. The client decodes exactly the Changes it got before.
 *
 * Read-ahead: a client that pulls page after page waits for each page while
 * the server builds it, and the server waits while the client applies. So
 * once a page with more to come is written out (conn.c calls
 * pull_ahead_build when the connection's output drains), the next page -
 * from the cursor the client will send - is built into the session's
 * pull_ahead, with the database's change count and data version of that
 * moment. The next Pull from that cursor, with nothing written in between,
 * is answered with it at once; any write, another request, another cursor
 * or limit, or the close drops it. One page per connection, and all of them
 * together within AHEAD_MEMORY.
 */
#include "apply.h"
#include "commit.h"
#include "db.h"
#include "frame.h"
#include "h_sync.h"
#include "handlers.h"
#include "i18n.h"
#include "log.h"
#include "metrics.h"
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
/* Slots of the Pull memo. */
#define MEMO_SLOTS 32
/* Bytes that read-ahead pages of all connections may hold together. */
#define AHEAD_MEMORY (64u << 20)

/* What remained after a recently served page, one slot per cursor hash;
 * and the bytes held by read-ahead pages. */
struct pull_memo {
        struct memo_slot {
                uint64_t cursor, left;
                int64_t gen;    /* sqlite3_total_changes64 when counted */
                unsigned dv;    /* and the pager's data version */
                char scope[64]; /* unit code, "" for everything */
        } slot[MEMO_SLOTS];
        size_t ahead_bytes;
};

/* One page of the feed, as a Pull reply carries it. */
struct page {
        uint64_t cursor; /* the last seq in it (since, if empty) */
        uint64_t left;   /* changes after cursor the scope may see */
        size_t n;
        ProtobufCMessageUnknownField *rows;
};

/* The next page of one connection's sync, built before it is asked for. */
struct pull_ahead {
        struct server *srv;
        enum { AHEAD_NONE, AHEAD_WANTED, AHEAD_READY } state;
        char scope[64]; /* the session's unit, "" for everything */
        uint64_t since; /* the cursor the page starts after */
        uint32_t limit; /* as the client asked (0: the server's) */
        int64_t gen;    /* sqlite3_total_changes64 when built */
        unsigned dv;    /* and the data version */
        struct page pg; /* READY: the page, in arena */
        size_t bytes;   /* counted in ahead_bytes */
        struct arena arena;
};

static const char SQL_PAGE_ALL[] =
    "SELECT seq, entity, entity_id, deleted, data FROM changes WHERE seq > ?1"
    " ORDER BY seq LIMIT ?2";
static const char SQL_PAGE_UNIT[] =
    "SELECT seq, entity, entity_id, deleted, data FROM changes WHERE seq > ?1"
    " AND (scope IS NULL OR scope = ?3) ORDER BY seq LIMIT ?2";
static const char SQL_LEFT_ALL[] = "SELECT count(*) FROM changes WHERE seq > ?1";
static const char SQL_LEFT_UNIT[] =
    "SELECT count(*) FROM changes WHERE seq > ?1 AND (scope IS NULL OR scope = ?2)";
/* The same, counting no further than ?3. */
static const char SQL_LEFT_ALL_UPTO[] =
    "SELECT count(*) FROM (SELECT 1 FROM changes WHERE seq > ?1 LIMIT ?3)";
static const char SQL_LEFT_UNIT_UPTO[] =
    "SELECT count(*) FROM (SELECT 1 FROM changes WHERE seq > ?1"
    " AND (scope IS NULL OR scope = ?2) LIMIT ?3)";

/* Queues the push for the next group commit (commit.c): answered after COMMIT. */
int h_push(struct call_ctx *cx, const Renbin__Request *req, Renbin__Response *resp,
           struct rb_err *e)
{
        const Renbin__Push *p = req->push;

        (void)resp;
        if (p->n_ops > cx->srv->lim.max_ops)
                return err_set(e, RB_INVALID, "ops",
                               ngettext("a push may carry at most %u op, not %zu",
                                        "a push may carry at most %u ops, not %zu",
                                        (unsigned long)cx->srv->lim.max_ops),
                               cx->srv->lim.max_ops, p->n_ops);
        if (commit_enqueue(cx->srv->commit, (Renbin__Request *)req, cx->req_arena, cx->who,
                           cx->role, cx->loc, cx->reply) != 0)
                return err_set(e, RB_EXHAUSTED, NULL, _("out of memory"));
        return CALL_DEFERRED;
}

size_t sync_frame_budget(const struct server *srv)
{
        uint32_t max =
            srv->lim.max_frame < FRAME_DEFAULT_MAX ? srv->lim.max_frame : FRAME_DEFAULT_MAX;

        return max > 2 * PAGE_SLACK ? max - PAGE_SLACK : max / 2;
}

/* Writes v as a protobuf varint at p; returns its length (at most 10). */
static size_t put_varint(uint8_t *p, uint64_t v)
{
        size_t k = 0;

        while (v >= 0x80) {
                p[k++] = (uint8_t)(v | 0x80);
                v >>= 7;
        }
        p[k++] = (uint8_t)v;
        return k;
}

/*
 * Encodes one feed row as field 1 of PullReply, without its tag (protobuf-c
 * adds tag and wire type): the length, the Change's bytes, and `seq = 1`.
 * A tombstone (no data stored) is packed here from its names.
 */
static void change_field(struct arena *a, sqlite3_stmt *st, ProtobufCMessageUnknownField *uf)
{
        uint64_t seq = (uint64_t)sqlite3_column_int64(st, 0);
        const uint8_t *body;
        size_t blen, clen, k;
        uint8_t tmp[10], *p;

        if (sqlite3_column_int(st, 3) == 0 && sqlite3_column_type(st, 4) == SQLITE_BLOB) {
                body = sqlite3_column_blob(st, 4);
                blen = (size_t)sqlite3_column_bytes(st, 4);
        } else {
                Renbin__Change c = RENBIN__CHANGE__INIT;
                uint8_t *b;

                c.entity = (char *)db_col_text(st, 1);
                c.entity_id = (char *)db_col_text(st, 2);
                c.deleted = 1;
                blen = renbin__change__get_packed_size(&c);
                b = arena_alloc(a, blen + 1);
                renbin__change__pack(&c, b);
                body = b;
        }
        clen = blen + 1 + put_varint(tmp, seq);
        p = arena_alloc_raw(a, 10 + clen);
        k = put_varint(p, clen);
        memcpy(p + k, body, blen);
        k += blen;
        p[k++] = 1 << 3 | PROTOBUF_C_WIRE_TYPE_VARINT; /* Change.seq */
        k += put_varint(p + k, seq);
        uf->tag = 1; /* PullReply.changes */
        uf->wire_type = PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED;
        uf->len = k;
        uf->data = p;
}

struct pull_memo *pull_memo_new(void)
{
        return calloc(1, sizeof(struct pull_memo));
}

void pull_memo_free(struct pull_memo *m)
{
        free(m);
}

/* The memo slot for a cursor. */
static struct memo_slot *memo_slot(const struct server *srv, uint64_t cursor)
{
        return &srv->pull_memo->slot[(cursor * 0x9e3779b97f4a7c15ull >> 32) % MEMO_SLOTS];
}

/* Remembers that left changes follow cursor for scope, the database at
 * gen and dv. */
static void memo_put(struct server *srv, const char *scope, uint64_t cursor, uint64_t left,
                     int64_t gen, unsigned dv)
{
        struct memo_slot *m = memo_slot(srv, cursor);

        m->cursor = cursor;
        m->left = left;
        m->gen = gen;
        m->dv = dv;
        snprintf(m->scope, sizeof(m->scope), "%s", scope);
}

/* The database's version as the memo keeps it: this connection's changes
 * and the data version (commits by anyone, another process too). */
static void memo_version(sqlite3 *db, int64_t *gen, unsigned *dv)
{
        *gen = sqlite3_total_changes64(db);
        *dv = 0;
        sqlite3_file_control(db, "main", SQLITE_FCNTL_DATA_VERSION, dv);
}

/* Counts into *left the changes after since that scope ("" for all) may
 * see, no further than limit (0: all of them). 0, or -1 with e. */
static int count_left(sqlite3 *db, const char *scope, uint64_t since, uint64_t limit,
                      uint64_t *left, struct rb_err *e)
{
        const char *sql = limit ? (scope[0] ? SQL_LEFT_UNIT_UPTO : SQL_LEFT_ALL_UPTO)
                                : (scope[0] ? SQL_LEFT_UNIT : SQL_LEFT_ALL);
        sqlite3_stmt *st;
        int step;

        if ((st = db_stmt(db, sql, e)) == NULL)
                return -1;
        if (sqlite3_bind_int64(st, 1, (sqlite3_int64)since) != SQLITE_OK ||
            (scope[0] && sqlite3_bind_text(st, 2, scope, -1, SQLITE_STATIC) != SQLITE_OK) ||
            (limit && sqlite3_bind_int64(st, 3, (sqlite3_int64)limit) != SQLITE_OK)) {
                sqlite3_reset(st);
                return db_error_on(db, sqlite3_errcode(db), "count", e);
        }
        step = db_step(db, st, e);
        *left = step > 0 ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
        sqlite3_reset(st);
        return step < 0 ? -1 : 0;
}

/*
 * Sets *left to the changes after cursor that scope ("" for all) may see.
 * Counting is O(rows after cursor), so a page that continues one served
 * before (its since is that page's cursor), with nothing written in between,
 * takes the count left then minus the n rows this page holds: a sync counts
 * once, on its first page, instead of on every page.
 */
static int remaining(struct server *srv, const char *scope, uint64_t since, size_t n,
                     uint64_t cursor, uint64_t *left, struct rb_err *e)
{
        struct memo_slot *m = memo_slot(srv, since);
        int64_t gen;
        unsigned dv;

        memo_version(srv->db, &gen, &dv);
        if (m->gen == gen && m->dv == dv && m->cursor == since && m->left >= n &&
            strcmp(m->scope, scope) == 0)
                *left = m->left - n;
        else if (count_left(srv->db, scope, cursor, 0, left, e) != 0)
                return -1;
        memo_put(srv, scope, cursor, *left, gen, dv);
        return 0;
}

int sync_left_upto(struct server *srv, const char *scope, uint64_t limit, uint64_t *left,
                   struct rb_err *e)
{
        int64_t gen;
        unsigned dv;

        memo_version(srv->db, &gen, &dv);
        if (count_left(srv->db, scope, 0, limit, left, e) != 0)
                return -1;
        /* Below the bound it is the whole count: the Pull from 0 that
         * follows takes it instead of counting again. */
        if (*left < limit)
                memo_put(srv, scope, 0, *left, gen, dv);
        return 0;
}

/*
 * 1 if a Pull from since must rebuild its replica: since is older than the
 * tombstones kept (purged), or beyond the last sequence this server issued
 * (a server restored from an older backup, or a made-up cursor): its feed
 * would otherwise come back from the start under a cursor below since. 0 if
 * not, -1 with e.
 */
static int must_resync(sqlite3 *db, uint64_t since, struct rb_err *e)
{
        long long last = 0;
        char v[32];

        if (since == 0)
                return 0;
        if (store_meta(db, "purged_seq", v, sizeof(v)) && strtoull(v, NULL, 10) > since)
                return 1;
        if (store_last_seq(db, &last, e) != 0)
                return -1;
        return since > (uint64_t)last;
}

/* The changes a page from since may hold, at most limit (0: the server's). */
static unsigned page_limit(const struct server *srv, uint32_t limit)
{
        return limit == 0 || limit > srv->lim.max_page ? srv->lim.max_page : limit;
}

/*
 * Builds the page after since that scope ("" for all) may see into pg, its
 * rows in arena a, and counts what is left after it. 0, or -1 with e.
 */
static int page_build(struct server *srv, struct arena *a, const char *scope, uint64_t since,
                      uint32_t want, struct page *pg, struct rb_err *e)
{
        sqlite3 *db = srv->db;
        unsigned limit = page_limit(srv, want);
        size_t bytes = 0, budget = sync_frame_budget(srv);
        sqlite3_stmt *st;
        int step = 0;

        memset(pg, 0, sizeof(*pg));
        pg->cursor = since;
        pg->rows = arena_calloc(a, limit, sizeof(*pg->rows));
        if ((st = db_stmt(db, scope[0] ? SQL_PAGE_UNIT : SQL_PAGE_ALL, e)) == NULL)
                return -1;
        sqlite3_bind_int64(st, 1, (sqlite3_int64)since);
        sqlite3_bind_int(st, 2, (int)limit);
        if (scope[0])
                sqlite3_bind_text(st, 3, scope, -1, SQLITE_STATIC);
        /* A page ends at limit changes or when the next would overflow the frame
         * (always at least one: a single row is far below the limit). */
        while (pg->n < limit && (step = db_step(db, st, e)) > 0) {
                change_field(a, st, &pg->rows[pg->n]);
                if (pg->n > 0 && bytes + pg->rows[pg->n].len + 16 > budget)
                        break;
                bytes += pg->rows[pg->n].len + 16;
                pg->cursor = (uint64_t)sqlite3_column_int64(st, 0);
                pg->n++;
        }
        sqlite3_reset(st);
        if (step < 0)
                return -1;
        return remaining(srv, scope, since, pg->n, pg->cursor, &pg->left, e);
}

/* The database's change count and data version: while both stand still,
 * nothing was written (by this server or by another process). */
static void db_moment(sqlite3 *db, int64_t *gen, unsigned *dv)
{
        *gen = sqlite3_total_changes64(db);
        *dv = 0;
        sqlite3_file_control(db, "main", SQLITE_FCNTL_DATA_VERSION, dv);
}

/* Drops what the read-ahead holds (a page, or the wish for one). */
void pull_ahead_drop(struct pull_ahead *a)
{
        if (a == NULL)
                return;
        a->srv->pull_memo->ahead_bytes -= a->bytes;
        a->bytes = 0;
        arena_free(&a->arena);
        a->state = AHEAD_NONE;
}

void pull_ahead_free(struct pull_ahead *a)
{
        pull_ahead_drop(a);
        free(a);
}

/*
 * Takes the read-ahead page for a Pull from since with limit into pg, its
 * memory moved into arena to (freed with the answer): 1 if there is one
 * and nothing was written since it was built, else 0 (and it is dropped).
 */
static int ahead_take(struct pull_ahead *a, uint64_t since, uint32_t limit, struct arena *to,
                      struct page *pg)
{
        int64_t gen;
        unsigned dv;

        if (a == NULL || a->state != AHEAD_READY)
                return 0;
        db_moment(a->srv->db, &gen, &dv);
        if (a->since != since || a->limit != limit || a->gen != gen || a->dv != dv) {
                pull_ahead_drop(a);
                return 0;
        }
        *pg = a->pg;
        arena_adopt(to, &a->arena);
        pull_ahead_drop(a);
        return 1;
}

/* Asks for the page after pg to be built once this answer is written out. */
static void ahead_want(struct call_ctx *cx, const char *scope, uint32_t limit,
                       const struct page *pg)
{
        struct pull_ahead *a = cx->ss->ahead;

        if (a == NULL) {
                if ((a = calloc(1, sizeof(*a))) == NULL)
                        return; /* no read-ahead: the next Pull builds its page */
                a->srv = cx->srv;
                snprintf(a->scope, sizeof(a->scope), "%s", scope);
                cx->ss->ahead = a;
        }
        pull_ahead_drop(a);
        a->since = pg->cursor;
        a->limit = limit;
        a->state = AHEAD_WANTED;
}

void pull_ahead_build(struct pull_ahead *a)
{
        struct pull_memo *m;
        struct rb_err e;

        if (a == NULL || a->state != AHEAD_WANTED)
                return;
        m = a->srv->pull_memo;
        a->state = AHEAD_NONE;
        if (m->ahead_bytes >= AHEAD_MEMORY || must_resync(a->srv->db, a->since, &e) != 0)
                return; /* the Pull itself will say (or build) it */
        db_moment(a->srv->db, &a->gen, &a->dv);
        if (page_build(a->srv, &a->arena, a->scope, a->since, a->limit, &a->pg, &e) != 0) {
                log_warn("pull read-ahead from %llu: %s", (unsigned long long)a->since, e.msg);
                arena_free(&a->arena);
                return;
        }
        a->bytes = a->pg.n * sizeof(*a->pg.rows);
        for (size_t i = 0; i < a->pg.n; i++)
                a->bytes += a->pg.rows[i].len;
        m->ahead_bytes += a->bytes;
        a->state = AHEAD_READY;
}

const char *sync_scope(const struct call_ctx *cx)
{
        return cx->role != ROLE_UNIT ? "" : cx->who->unit;
}

int h_pull(struct call_ctx *cx, const Renbin__Request *req, Renbin__Response *resp,
           struct rb_err *e)
{
        const Renbin__Pull *p = req->pull;
        Renbin__PullReply *r = arena_alloc(cx->arena, sizeof(*r));
        const char *scope = sync_scope(cx);
        struct page pg;
        int rc;

        renbin__pull_reply__init(r);
        resp->result_case = RENBIN__RESPONSE__RESULT_PULL;
        resp->pull = r;
        r->cursor = p->since;
        if ((rc = must_resync(cx->srv->db, p->since, e)) != 0) {
                pull_ahead_drop(cx->ss->ahead);
                r->resync = rc > 0;
                return rc < 0 ? -1 : 0;
        }
        if (!ahead_take(cx->ss->ahead, p->since, p->limit, cx->arena, &pg) &&
            page_build(cx->srv, cx->arena, scope, p->since, p->limit, &pg, e) != 0)
                return -1;
        metrics_pull_rows(pg.n);
        /* The changes, in seq order, as encoded fields (see the top). */
        r->base.n_unknown_fields = (unsigned)pg.n;
        r->base.unknown_fields = pg.rows;
        r->cursor = pg.cursor;
        r->remaining = pg.left;
        if (pg.left > 0 && pg.n > 0)
                ahead_want(cx, scope, p->limit, &pg);
        return 0;
}
