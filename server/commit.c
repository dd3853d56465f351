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
 */
#include "commit.h"
#include "apply.h"
#include "conn.h"
#include "db.h"
#include "feed.h"
#include "dispatch.h"
#include "i18n.h"
#include "log.h"
#include "server.h"
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
        struct conn *conn;    /* NULL once the connection has closed */
        Renbin__Request *req; /* owned */
        struct principal who; /* a copy: the connection may go first */
        unsigned role;
        locale_t loc;       /* the client's message language */
        struct arena arena; /* the answer's memory */
        Renbin__PushReply *reply;
};

static void commit_run(evutil_socket_t fd, short what, void *arg);

int commit_init(struct server *srv)
{
        srv->push_head = NULL;
        srv->push_tail = &srv->push_head;
        srv->push_ev = event_new(srv->base, -1, 0, commit_run, srv);
        return srv->push_ev != NULL ? 0 : -1;
}

int commit_enqueue(struct server *srv, struct conn *c, Renbin__Request *req)
{
        struct push_job *j = calloc(1, sizeof(*j));

        if (j == NULL)
                return -1;
        j->conn = c;
        j->req = req;
        j->who = *conn_principal(c);
        j->role = role_bit(j->who.role);
        j->loc = conn_locale(c);
        *srv->push_tail = j;
        srv->push_tail = &j->next;
        /* Activating an active event again does nothing: one run per pass. */
        event_active(srv->push_ev, EV_TIMEOUT, 0);
        return 0;
}

void commit_forget(struct server *srv, struct conn *c)
{
        for (struct push_job *j = srv->push_head; j != NULL; j = j->next)
                if (j->conn == c)
                        j->conn = NULL;
}

/* Releases one job. */
static void job_free(struct push_job *j)
{
        renbin__request__free_unpacked(j->req, NULL);
        arena_free(&j->arena);
        free(j);
}

void commit_free(struct server *srv)
{
        while (srv->push_head != NULL) {
                struct push_job *j = srv->push_head;
                srv->push_head = j->next;
                job_free(j);
        }
        srv->push_tail = &srv->push_head;
        if (srv->push_ev != NULL)
                event_free(srv->push_ev);
        srv->push_ev = NULL;
}

/* Detaches the first jobs, up to GROUP_OPS ops (at least one job). */
static struct push_job *take_group(struct server *srv)
{
        struct push_job *head = srv->push_head, **end = &srv->push_head;
        size_t ops = 0;

        while (*end != NULL && (ops == 0 || ops + (*end)->req->push->n_ops <= GROUP_OPS)) {
                ops += (*end)->req->push->n_ops;
                end = &(*end)->next;
        }
        srv->push_head = *end;
        if (srv->push_head == NULL)
                srv->push_tail = &srv->push_head;
        *end = NULL;
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
        j->reply = r;
}

/* Answers a job on its connection (if still open): the reply, or e. */
static void job_answer(struct push_job *j, const struct rb_err *e)
{
        Renbin__Response resp = RENBIN__RESPONSE__INIT;

        if (j->conn == NULL)
                return;
        resp.id = j->req->id;
        if (e == NULL) {
                resp.status = wire_status(&j->arena, NULL);
                resp.result_case = RENBIN__RESPONSE__RESULT_PUSH;
                resp.push = j->reply;
        } else {
                resp.status = wire_status(&j->arena, e);
        }
        conn_send(j->conn, &resp);
        conn_resume(j->conn);
}

/* The settings every op of a group shares. */
static void group_ctx(struct server *srv, struct apply_ctx *ax)
{
        memset(ax, 0, sizeof(*ax));
        ax->db = srv->db;
        ax->now = (int64_t)time(NULL);
        date_today(ax->today);
}

/* The event: one transaction for a group of queued pushes, then the answers. */
static void commit_run(evutil_socket_t fd, short what, void *arg)
{
        struct server *srv = arg;
        struct push_job *group = take_group(srv), *j;
        struct apply_ctx ax;
        struct rb_err e;
        int failed;

        (void)fd;
        (void)what;
        if (group == NULL)
                return;
        err_clear(&e);
        group_ctx(srv, &ax);
        failed = db_begin(srv->db, &e) != 0;
        for (j = group; j != NULL && !failed; j = j->next)
                job_apply(&ax, j);
        /* SQLite dropped the transaction by itself (disk full, I/O): the feed
         * rows and audit records of the marked rows would be written one by
         * one outside any transaction, for changes that were rolled back. */
        if (!failed && sqlite3_get_autocommit(srv->db)) {
                err_set(&e, RB_UNAVAILABLE, NULL,
                        _("the server could not keep this batch; send it again"));
                failed = 1;
        }
        /* Rows marked by the ops (seat counts) and the audit head, then COMMIT. */
        if (!failed && feed_flush(&ax, &e) != 0) {
                db_rollback(srv->db);
                failed = 1;
        }
        if (!failed && db_commit(srv->db, &e) != 0)
                failed = 1;
        if (failed)
                log_err("group commit: %s", e.msg);
        /* Durable (or rolled back as a whole): now every push is answered. */
        while (group != NULL) {
                j = group;
                group = j->next;
                job_answer(j, failed ? &e : NULL);
                job_free(j);
        }
        if (srv->push_head != NULL)
                event_active(srv->push_ev, EV_TIMEOUT, 0);
}
