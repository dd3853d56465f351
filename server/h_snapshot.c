/*
 * h_snapshot.c - the Snapshot call (proto/renbin.proto): a session's replica
 * snapshot (snapshot.c) made on part 1, held by the session and handed out
 * in parts of at most one frame. All sessions together hold at most
 * SNAPSHOT_MEMORY, beyond which a first sync pulls page by page.
 */
#include "h_sync.h"
#include "handlers.h"
#include "i18n.h"
#include "log.h"
#include "replica_ddl.h"
#include "server.h"
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Bytes the snapshots held by all sessions may take together. */
#define SNAPSHOT_MEMORY (512u << 20)

/* Milliseconds of the monotonic clock. */
static double now_ms(void)
{
        struct timespec t;

        clock_gettime(CLOCK_MONOTONIC, &t);
        return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Makes the session's snapshot (dropping one it held). 0, or -1 with e. */
static int snapshot_start(struct call_ctx *cx, struct rb_err *e)
{
        struct server *srv = cx->srv;
        const char *scope = sync_scope(cx);
        struct snapshot *s;
        double t0 = now_ms();

        snapshot_free(cx->ss->snap);
        cx->ss->snap = NULL;
        if (snapshot_held() >= SNAPSHOT_MEMORY)
                return err_set(e, RB_EXHAUSTED, NULL,
                               _("the server is busy sending other copies; pull page by page"));
        if ((s = calloc(1, sizeof(*s))) == NULL)
                return err_set(e, RB_EXHAUSTED, NULL, _("out of memory"));
        if (snapshot_make(sqlite3_db_filename(srv->db, "main"), scope, s, e) != 0) {
                free(s);
                if (e->code == RB_INTERNAL)
                        log_err("snapshot for unit %s: %s", cx->who->unit, e->msg);
                return -1;
        }
        if (snapshot_held() > SNAPSHOT_MEMORY) {
                snapshot_free(s);
                return err_set(e, RB_EXHAUSTED, NULL,
                               _("the server is busy sending other copies; pull page by page"));
        }
        s->part_len = sync_frame_budget(srv);
        s->parts = (uint32_t)((s->len + s->part_len - 1) / s->part_len);
        cx->ss->snap = s;
        log_info("unit=%s snapshot: %llu rows to seq %llu, %zu bytes in %u parts, made in %.0f ms",
                 cx->who->unit, (unsigned long long)s->rows, (unsigned long long)s->cursor, s->len,
                 s->parts, now_ms() - t0);
        return 0;
}

int h_snapshot(struct call_ctx *cx, const Renbin__Request *req, Renbin__Response *resp,
               struct rb_err *e)
{
        const Renbin__Snapshot *q = req->snapshot;
        Renbin__SnapshotReply *r = arena_alloc(cx->arena, sizeof(*r));
        struct snapshot *s;
        char layout[24];
        size_t at, len;

        replica_layout(layout);
        if (strcmp(q->layout, layout) != 0)
                return err_set(e, RB_PRECONDITION, "layout",
                               _("this server makes replicas of layout %s, not %s"), layout,
                               q->layout);
        if (q->part == 1 && snapshot_start(cx, e) != 0)
                return -1;
        if ((s = cx->ss->snap) == NULL)
                return err_set(e, RB_PRECONDITION, "part",
                               _("no snapshot is held on this connection; ask for part 1"));
        if (q->part < 1 || q->part > s->parts)
                return err_set(e, RB_INVALID, "part",
                               _("part must be a number from 1 to %u, not %u"), (unsigned)s->parts,
                               (unsigned)q->part);
        renbin__snapshot_reply__init(r);
        at = (size_t)(q->part - 1) * s->part_len;
        len = s->len - at < s->part_len ? s->len - at : s->part_len;
        r->part = q->part;
        r->parts = s->parts;
        r->bytes = s->len;
        r->cursor = s->cursor;
        r->rows = s->rows;
        r->data.len = len;
        if (q->part < s->parts) {
                r->data.data = s->data + at;
        } else {
                /* The last part: the answer keeps a copy, the session nothing. */
                r->data.data = arena_alloc_raw(cx->arena, len ? len : 1);
                memcpy(r->data.data, s->data + at, len);
                snapshot_free(s);
                cx->ss->snap = NULL;
        }
        resp->result_case = RENBIN__RESPONSE__RESULT_SNAPSHOT;
        resp->snapshot = r;
        return 0;
}
