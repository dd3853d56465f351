/*
 * h_snapshot.c - the Snapshot call (proto/renbin.proto): a session's replica
 * snapshot (snapshot.c), held by the session and handed out in parts of at
 * most one frame.
 *
 * Part 1 makes it on a thread of its own (decision 168): making one reads
 * every row of the session's scope, which would stall every other
 * connection if done on the event loop. The call is answered once the
 * thread is done (CALL_DEFERRED: the connection reads nothing more of its
 * requests meanwhile); the thread only reads the database through its own
 * connection and touches nothing else of the server. At most SNAPSHOT_JOBS
 * are made at once and all sessions together hold at most SNAPSHOT_MEMORY;
 * beyond either a first sync is told EXHAUSTED and pulls page by page.
 *
 * A scope of fewer changes than the server's snapshot-min-rows is refused a
 * copy before any is made (PRECONDITION; decision 170): its pages come
 * faster than a copy's fixed cost, and the count is the one the Pull from 0
 * that follows would make, which it then takes instead of counting again.
 */
#include "h_sync.h"
#include "handlers.h"
#include "i18n.h"
#include "log.h"
#include "metrics.h"
#include "reply.h"
#include "replica_ddl.h"
#include "server.h"
#include "snapshot.h"
#include "wire.h"

#include <errno.h>
#include <fcntl.h>
#include <event2/event.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Bytes the snapshots held by all sessions may take together. */
#define SNAPSHOT_MEMORY (512u << 20)
/* Snapshots made at once (one per core of a small server). */
#define SNAPSHOT_JOBS 2

/* One snapshot being made. */
struct job {
        struct server *srv;
        struct session *ss;  /* valid while reply is open */
        struct reply *reply; /* held until answered */
        uint64_t id;         /* the request's */
        locale_t loc;        /* its messages' */
        char path[4096], scope[64], unit[64];
        pthread_t thread;
        int joined;  /* the thread has been joined */
        int pipe[2]; /* the thread writes one byte when done */
        struct event *done;
        struct snapshot *s;
        int rc;
        struct rb_err e;
        double t0;
        struct job *next; /* running */
};

static struct job *running;
static unsigned nrunning;

/* Milliseconds of the monotonic clock. */
static double now_ms(void)
{
        struct timespec t;

        clock_gettime(CLOCK_MONOTONIC, &t);
        return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Refuses a snapshot for unit, past SNAPSHOT_JOBS or SNAPSHOT_MEMORY:
 * logged, and EXHAUSTED in e (the client pulls pages). */
static int busy(const char *unit, struct rb_err *e)
{
        log_info("unit=%s snapshot refused: %u being made, %zu bytes held", unit, nrunning,
                 snapshot_held());
        return err_set(e, RB_EXHAUSTED, NULL,
                       _("the server is busy sending other copies; pull page by page"));
}

/* Refuses a copy to a session whose scope holds fewer changes than the
 * server's snapshot-min-rows (0: never): PRECONDITION in e, and the client
 * pulls pages. 0 if the scope holds as many, else -1 with e. */
static int scope_small(struct call_ctx *cx, struct rb_err *e)
{
        uint64_t min = cx->srv->lim.snapshot_min_rows, rows = 0;

        if (min == 0)
                return 0;
        if (sync_left_upto(cx->srv, sync_scope(cx), min, &rows, e) != 0)
                return -1;
        if (rows >= min)
                return 0;
        log_info("unit=%s snapshot refused: %llu rows, fewer than snapshot-min-rows %llu",
                 cx->who->unit, (unsigned long long)rows, (unsigned long long)min);
        return err_set(e, RB_PRECONDITION, NULL,
                       _("a copy is made of %llu rows or more, this replica's are %llu; pull page "
                         "by page"),
                       (unsigned long long)min, (unsigned long long)rows);
}

/* Fills r with part (1..) of s; the last part is copied into a (the
 * session then holds nothing). */
static void part_reply(struct session *ss, struct snapshot *s, uint32_t part, struct arena *a,
                       Renbin__Response *resp)
{
        Renbin__SnapshotReply *r = arena_alloc(a, sizeof(*r));
        size_t at = (size_t)(part - 1) * s->part_len;
        size_t len = s->len - at < s->part_len ? s->len - at : s->part_len;

        renbin__snapshot_reply__init(r);
        r->part = part;
        r->parts = s->parts;
        r->bytes = s->len;
        r->cursor = s->cursor;
        r->rows = s->rows;
        r->data.len = len;
        if (part < s->parts) {
                r->data.data = s->data + at;
        } else {
                r->data.data = arena_alloc_raw(a, len ? len : 1);
                memcpy(r->data.data, s->data + at, len);
                snapshot_free(s);
                ss->snap = NULL;
        }
        resp->result_case = RENBIN__RESPONSE__RESULT_SNAPSHOT;
        resp->snapshot = r;
}

/* The thread: makes the snapshot, then says so through the pipe. */
static void *job_run(void *arg)
{
        struct job *j = arg;
        char one = 1;

        uselocale(j->loc);
        j->rc = snapshot_make(j->path, j->scope, j->s, &j->e);
        while (write(j->pipe[1], &one, 1) < 0 && errno == EINTR)
                ;
        return NULL;
}

/* Joins j's thread and frees j and what it still holds. */
static void job_free(struct job *j)
{
        struct job **p;

        if (!j->joined)
                pthread_join(j->thread, NULL);
        for (p = &running; *p != NULL && *p != j; p = &(*p)->next)
                ;
        if (*p == j)
                *p = j->next;
        nrunning--;
        snapshot_free(j->s);
        reply_release(j->reply);
        if (j->done)
                event_free(j->done);
        close(j->pipe[0]);
        close(j->pipe[1]);
        free(j);
}

/* On the event loop, once j's thread is done: the session takes the
 * snapshot and is answered with part 1, or with why there is none. */
static void job_done(evutil_socket_t fd, short what, void *arg)
{
        struct job *j = arg;
        Renbin__Response resp = RENBIN__RESPONSE__INIT;
        struct arena a = ARENA_INIT;
        locale_t old;
        char one;

        (void)what;
        while (read(fd, &one, 1) < 0 && errno == EINTR)
                ;
        pthread_join(j->thread, NULL);
        j->joined = 1;
        if (!reply_open(j->reply)) {
                job_free(j);
                return;
        }
        old = uselocale(j->loc);
        resp.id = j->id;
        if (j->rc == 0) {
                snapshot_hold(j->s);
                if (snapshot_held() > SNAPSHOT_MEMORY)
                        j->rc = busy(j->unit, &j->e);
        } else if (j->e.code == RB_INTERNAL) {
                log_err("unit=%s snapshot: %s", j->unit, j->e.msg);
        }
        if (j->rc == 0) {
                struct snapshot *s = j->s;

                j->s = NULL;
                s->part_len = sync_frame_budget(j->srv);
                s->parts = (uint32_t)((s->len + s->part_len - 1) / s->part_len);
                log_info("unit=%s snapshot: %llu rows to seq %llu, %zu bytes in %u parts, made in "
                         "%.0f ms",
                         j->unit, (unsigned long long)s->rows, (unsigned long long)s->cursor,
                         s->len, s->parts, now_ms() - j->t0);
                snapshot_free(j->ss->snap);
                j->ss->snap = s;
                part_reply(j->ss, s, 1, &a, &resp);
                resp.status = wire_status(&a, NULL);
        } else {
                resp.status = wire_status(&a, &j->e);
        }
        metrics_call(RENBIN__REQUEST__CALL_SNAPSHOT, (int)resp.status->code);
        reply_send(j->reply, &resp);
        reply_resume(j->reply);
        uselocale(old);
        arena_free(&a);
        job_free(j);
}

/* Starts making the session's snapshot on a thread (dropping one it held):
 * CALL_DEFERRED, or -1 with e. */
static int job_start(struct call_ctx *cx, const Renbin__Request *req, struct rb_err *e)
{
        struct job *j;

        snapshot_free(cx->ss->snap);
        cx->ss->snap = NULL;
        if (snapshot_held() >= SNAPSHOT_MEMORY || nrunning >= SNAPSHOT_JOBS)
                return busy(cx->who->unit, e);
        if ((j = calloc(1, sizeof(*j))) == NULL || (j->s = calloc(1, sizeof(*j->s))) == NULL) {
                free(j);
                return err_set(e, RB_EXHAUSTED, NULL, _("out of memory"));
        }
        j->srv = cx->srv;
        j->ss = cx->ss;
        j->id = req->id;
        j->loc = cx->loc;
        j->t0 = now_ms();
        snprintf(j->path, sizeof(j->path), "%s", sqlite3_db_filename(cx->srv->db, "main"));
        snprintf(j->scope, sizeof(j->scope), "%s", sync_scope(cx));
        snprintf(j->unit, sizeof(j->unit), "%s", cx->who->unit);
        j->pipe[0] = j->pipe[1] = -1;
        if (pipe(j->pipe) != 0 || fcntl(j->pipe[0], F_SETFD, FD_CLOEXEC) != 0 ||
            fcntl(j->pipe[1], F_SETFD, FD_CLOEXEC) != 0) {
                int err = errno;

                if (j->pipe[0] >= 0) {
                        close(j->pipe[0]);
                        close(j->pipe[1]);
                }
                free(j->s);
                free(j);
                return err_set(e, RB_EXHAUSTED, NULL, _("cannot start a copy: %s"), strerror(err));
        }
        j->done = event_new(cx->srv->base, j->pipe[0], EV_READ, job_done, j);
        if (j->done == NULL || event_add(j->done, NULL) != 0 ||
            pthread_create(&j->thread, NULL, job_run, j) != 0) {
                if (j->done)
                        event_free(j->done);
                close(j->pipe[0]);
                close(j->pipe[1]);
                free(j->s);
                free(j);
                return err_set(e, RB_EXHAUSTED, NULL, _("cannot start a copy"));
        }
        j->reply = reply_hold(cx->reply);
        j->next = running;
        running = j;
        nrunning++;
        return CALL_DEFERRED;
}

void snapshot_jobs_wait(void)
{
        while (running != NULL)
                job_free(running);
}

int h_snapshot(struct call_ctx *cx, const Renbin__Request *req, Renbin__Response *resp,
               struct rb_err *e)
{
        const Renbin__Snapshot *q = req->snapshot;
        struct snapshot *s;
        char layout[24];

        replica_layout(layout);
        if (strcmp(q->layout, layout) != 0)
                return err_set(e, RB_PRECONDITION, "layout",
                               _("this server makes replicas of layout %s, not %s"), layout,
                               q->layout);
        if (q->part == 1) {
                snapshot_free(cx->ss->snap);
                cx->ss->snap = NULL;
                return scope_small(cx, e) != 0 ? -1 : job_start(cx, req, e);
        }
        if ((s = cx->ss->snap) == NULL)
                return err_set(e, RB_PRECONDITION, "part",
                               _("no snapshot is held on this connection; ask for part 1"));
        if (q->part < 1 || q->part > s->parts)
                return err_set(e, RB_INVALID, "part",
                               _("part must be a number from 1 to %u, not %u"), (unsigned)s->parts,
                               (unsigned)q->part);
        part_reply(cx->ss, s, q->part, cx->arena, resp);
        return 0;
}
