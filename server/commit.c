/*
 * commit.c - group commit. h_push does not touch the database: it queues the
 * request here and its connection reads no further frames. An event made
 * active by the first push of a loop pass runs after every callback of that
 * pass, so the pushes of all connections that arrived together are applied
 * in one transaction, committed once (one fsync under synchronous=FULL), and
 * then every op is answered - never before COMMIT has returned. A failed
 * COMMIT rolls the whole group back and answers every push with the error;
 * the clients retry, and at-most-once application makes that safe.
 *
 * A group holds at most GROUP_OPS ops, so one commit keeps the loop (and
 * every other connection) waiting a bounded time; the rest go in the next.
 *
 * commit.c does not know connections: a job holds a reference to its
 * connection's reply handle (reply.h), which the connection closes when it
 * goes away; an answer through a closed handle goes nowhere.
 */
#include "commit.h"
#include "apply.h"
#include "db.h"
#include "feed.h"
#include "i18n.h"
#include "log.h"
#include "metrics.h"
#include "reply.h"
#include "store.h"
#include "validate.h"
#include "wire.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GROUP_OPS 4000

/* One queued Push. */
struct push_job {
        struct push_job *next;
        struct reply *reply;  /* a reference: how the answer reaches its connection */
        Renbin__Request *req; /* in req_arena, owned */
        struct arena req_arena;
        struct principal who; /* a copy: the connection may go first */
        unsigned role;
        locale_t loc;       /* the client's message language */
        struct arena arena; /* the answer's memory */
        Renbin__PushReply *answer;
};

/* The queue of pushes waiting for the next transaction. */
struct commit {
        sqlite3 *db;
        struct push_job *head, **tail;
        struct event *ev; /* made active by a push: runs commit_run */
};

static void commit_run(evutil_socket_t fd, short what, void *arg);

struct commit *commit_new(struct event_base *base, sqlite3 *db)
{
        struct commit *cm = calloc(1, sizeof(*cm));

        if (cm == NULL)
                return NULL;
        cm->db = db;
        cm->head = NULL;
        cm->tail = &cm->head;
        if ((cm->ev = event_new(base, -1, 0, commit_run, cm)) == NULL) {
                free(cm);
                return NULL;
        }
        return cm;
}

int commit_enqueue(struct commit *cm, Renbin__Request *req, struct arena *req_arena,
                   const struct principal *who, unsigned role, locale_t loc, struct reply *reply)
{
        struct push_job *j = calloc(1, sizeof(*j));

        if (j == NULL)
                return -1;
        j->reply = reply_hold(reply);
        j->req = req;
        j->req_arena = *req_arena;
        *req_arena = (struct arena)ARENA_INIT;
        j->who = *who;
        j->role = role;
        j->loc = loc;
        *cm->tail = j;
        cm->tail = &j->next;
        /* Activating an active event again does nothing: one run per pass. */
        event_active(cm->ev, EV_TIMEOUT, 0);
        return 0;
}

/* Releases one job. */
static void job_free(struct push_job *j)
{
        arena_free(&j->req_arena);
        reply_release(j->reply);
        arena_free(&j->arena);
        free(j);
}

void commit_free(struct commit *cm)
{
        if (cm == NULL)
                return;
        while (cm->head != NULL) {
                struct push_job *j = cm->head;
                cm->head = j->next;
                job_free(j);
        }
        event_free(cm->ev);
        free(cm);
}

/* Detaches the first jobs, up to GROUP_OPS ops (at least one job). */
static struct push_job *take_group(struct commit *cm)
{
        struct push_job *head = cm->head, **end = &cm->head;
        size_t ops = 0;

        while (*end != NULL && (ops == 0 || ops + (*end)->req->push->n_ops <= GROUP_OPS)) {
                ops += (*end)->req->push->n_ops;
                end = &(*end)->next;
        }
        cm->head = *end;
        if (cm->head == NULL)
                cm->tail = &cm->head;
        *end = NULL;
        metrics_group_begin(ops);
        return head;
}

/* Applies one job's ops inside the open transaction, building its reply. */
static void job_apply(struct apply_ctx *ax, struct push_job *j)
{
        const Renbin__Push *p = j->req->push;
        Renbin__PushReply *r = arena_alloc(&j->arena, sizeof(*r));
        struct op_result res;
        locale_t old = uselocale(j->loc);

        ax->who = &j->who;
        ax->role = j->role;
        renbin__push_reply__init(r);
        r->n_results = p->n_ops;
        r->results = arena_calloc(&j->arena, p->n_ops, sizeof(*r->results));
        for (size_t i = 0; i < p->n_ops; i++) {
                Renbin__OpResult *o = arena_alloc(&j->arena, sizeof(*o));
                apply_op(ax, p->ops[i], &res);
                renbin__op_result__init(o);
                o->op_id = arena_strdup(&j->arena, p->ops[i]->op_id ? p->ops[i]->op_id : "");
                o->status = wire_status(&j->arena, &res.err);
                o->seq = res.seq;
                o->detail = arena_strdup(&j->arena, res.detail);
                r->results[i] = o;
        }
        uselocale(old);
        j->answer = r;
}

/* Answers a job through its handle (if its connection is still open): the
 * reply, or e. */
static void job_answer(struct push_job *j, const struct rb_err *e)
{
        Renbin__Response resp = RENBIN__RESPONSE__INIT;

        metrics_push(j->answer, j->req->push->n_ops, e);
        if (!reply_open(j->reply))
                return;
        resp.id = j->req->id;
        if (e == NULL) {
                resp.status = wire_status(&j->arena, NULL);
                resp.result_case = RENBIN__RESPONSE__RESULT_PUSH;
                resp.push = j->answer;
        } else {
                resp.status = wire_status(&j->arena, e);
        }
        reply_send(j->reply, &resp);
        reply_resume(j->reply);
}

/* The settings every op of a group shares. */
static void group_ctx(struct commit *cm, struct apply_ctx *ax)
{
        memset(ax, 0, sizeof(*ax));
        ax->db = cm->db;
        ax->now = (int64_t)time(NULL);
        date_today(ax->today);
}

/* Forgets what the rolled-back first pass carried from op to op (the next
 * change sequence, marked rows, seat counts, audit head) and the answers it
 * built; the batch's time stays. */
static void group_reset(struct apply_ctx *ax, struct push_job *group)
{
        ax->seq_next = 0;
        ax->seq_moved = 0;
        ax->n_dirty = 0;
        ax->n_seats = 0;
        ax->seats_gen = 0;
        ax->audit_head[0] = '\0';
        ax->audit_moved = 0;
        ax->replay = 0;
        ax->careful = 1;
        for (struct push_job *j = group; j != NULL; j = j->next) {
                arena_free(&j->arena);
                j->answer = NULL;
        }
}

/* Applies the group's ops in one open transaction: 0, or -1 with e set. The
 * ops run without savepoints (apply.c); should one that had written be
 * rejected, the transaction is rolled back and the group applied again from
 * its first op, each op in a savepoint of its own. */
static int group_apply(struct commit *cm, struct apply_ctx *ax, struct push_job *group,
                       struct rb_err *e)
{
        struct push_job *j;

        group_ctx(cm, ax);
        if (db_begin(cm->db, e) != 0)
                return -1;
        for (j = group; j != NULL && !ax->replay; j = j->next)
                job_apply(ax, j);
        if (!ax->replay)
                return 0;
        log_info("group commit: an op rejected after it had written; the batch is applied again "
                 "with a savepoint per op");
        db_rollback(cm->db);
        group_reset(ax, group);
        if (db_begin(cm->db, e) != 0)
                return -1;
        for (j = group; j != NULL; j = j->next)
                job_apply(ax, j);
        return 0;
}

/* The event: one transaction for a group of queued pushes, then the answers. */
static void commit_run(evutil_socket_t fd, short what, void *arg)
{
        struct commit *cm = arg;
        sqlite3 *db = cm->db;
        struct push_job *group = take_group(cm), *j;
        struct apply_ctx ax;
        struct rb_err e;
        int failed;

        (void)fd;
        (void)what;
        if (group == NULL)
                return;
        err_clear(&e);
        failed = group_apply(cm, &ax, group, &e) != 0;
        /* SQLite dropped the transaction by itself (disk full, I/O): the feed
         * rows and audit records of the marked rows would be written one by
         * one outside any transaction, for changes that were rolled back. */
        if (!failed && sqlite3_get_autocommit(db)) {
                err_set(&e, RB_UNAVAILABLE, NULL,
                        _("the server could not keep this batch; send it again"));
                failed = 1;
        }
        /* The seat counts (one UPDATE per program), the rows marked by the
         * ops and the audit head, then COMMIT. */
        if (!failed && (seats_flush(&ax, &e) != 0 || feed_flush(&ax, &e) != 0)) {
                db_rollback(db);
                failed = 1;
        }
        metrics_fsync_begin();
        if (!failed && db_commit(db, &e) != 0)
                failed = 1;
        metrics_fsync_end();
        if (failed)
                log_err("group commit: %s", e.msg);
        /* Durable (or rolled back as a whole): now every push is answered. */
        while (group != NULL) {
                j = group;
                group = j->next;
                job_answer(j, failed ? &e : NULL);
                job_free(j);
        }
        metrics_group_end(failed);
        if (cm->head != NULL)
                event_active(cm->ev, EV_TIMEOUT, 0);
}
