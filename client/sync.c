/*
 * sync.c - push then pull. Push sends the outbox in order, in batches of at
 * most the server's max_ops, and records each op's answer in one local
 * transaction per batch; an op the server could not apply for a passing
 * reason (busy, disk) stays pending. Pull applies each page with its cursor
 * in one transaction, so a sync cut at any point resumes without loss or
 * duplicates. The server says how much remains, so the bar tells the truth.
 */
#include "sync.h"
#include "db.h"
#include "i18n.h"
#include "interrupt.h"
#include "outbox.h"
#include "replica.h"
#include "snapshot.h"
#include "uuid.h"
#include "wire.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Draws "push 3/10  pull 400/1000 [#####.....]" on stderr: the bar fills
 * with the ops sent while pushing, then with the changes received. */
static void sync_progress(const struct sync_report *r, long push_total)
{
        long done = r->total > 0 ? r->pulled : r->pushed,
             total = r->total > 0 ? r->total : push_total;
        int width = 30, fill;

        if (!r->progress)
                return;
        fill = (int)(done * width / (total > 0 ? total : 1));
        if (fill > width)
                fill = width;
        fprintf(stderr, _("\rsync: sent %ld/%ld  received %ld/%ld ["), r->pushed, push_total,
                r->pulled, r->total);
        for (int i = 0; i < width; i++)
                fputc(i < fill ? '#' : '.', stderr);
        fputs("]", stderr);
        fflush(stderr);
}

/* A sync stopped by Ctrl-C where everything so far is saved. */
static int sync_stopped(struct rb_err *e)
{
        return err_set(e, RB_CANCELLED, NULL, _("sync stopped (Ctrl-C)"));
}

/* Records the answers to one batch; returns how many stayed pending. */
static int record_answers(struct cli *cli, const Renbin__PushReply *r, struct sync_report *rep,
                          struct rb_err *e)
{
        sqlite3 *db = cli->db;
        int kept = 0;

        if (db_begin(db, e) != 0)
                return -1;
        for (size_t i = 0; i < r->n_results; i++) {
                const Renbin__OpResult *o = r->results[i];
                int code = o->status ? (int)o->status->code : 0;

                if (code == RB_INTERNAL || code == RB_UNAVAILABLE || code == RB_EXHAUSTED) {
                        kept++;
                        continue;
                }
                if (outbox_answer(cli, o, e) != 0) {
                        db_rollback(db);
                        return -1;
                }
                rep->pushed++;
                if (code == RB_OK)
                        rep->accepted++;
                else
                        rep->rejected++;
        }
        return db_commit(db, e) != 0 ? -1 : kept;
}

/* Keeps a push under the server's frame limit: fewer ops go now, the rest
 * stay pending for the next round. An op too big alone is left to the
 * server, which refuses the frame with its reason. */
static void push_fit(Renbin__Request *req, Renbin__Push *push, uint32_t max_frame)
{
        while (max_frame > 0 && push->n_ops > 1 &&
               renbin__request__get_packed_size(req) > (size_t)max_frame)
                push->n_ops /= 2;
}

int sync_push(struct cli *cli, struct net *n, struct sync_report *rep, struct rb_err *e)
{
        struct outbox_counts c;
        unsigned batch = n->max_ops && n->max_ops < 500 ? n->max_ops : 500;
        long total;

        if (outbox_count(cli, &c, e) != 0)
                return -1;
        total = (long)c.pending;
        while (total > 0) {
                Renbin__Request req = RENBIN__REQUEST__INIT;
                Renbin__Push push = RENBIN__PUSH__INIT;
                Renbin__Response *resp = NULL;
                struct arena a = ARENA_INIT;
                int kept, rc;

                push.ops = arena_calloc(&a, batch, sizeof(*push.ops));
                if ((rc = outbox_pending_ops(cli, &a, batch, push.ops, e)) < 0) {
                        arena_free(&a);
                        return -1;
                }
                push.n_ops = (size_t)rc;
                if (push.n_ops == 0) {
                        arena_free(&a);
                        break;
                }
                req.call_case = RENBIN__REQUEST__CALL_PUSH;
                req.push = &push;
                push_fit(&req, &push, n->max_frame);
                if (net_call(n, &req, &resp, e) != 0) {
                        if (resp)
                                renbin__response__free_unpacked(resp, NULL);
                        arena_free(&a);
                        return interrupt_seen() ? sync_stopped(e) : -1;
                }
                if (resp->push == NULL || resp->push->n_results != push.n_ops) {
                        renbin__response__free_unpacked(resp, NULL);
                        arena_free(&a);
                        return err_set(e, RB_INTERNAL, NULL,
                                       _("the server answered a push without its results"));
                }
                kept = record_answers(cli, resp->push, rep, e);
                renbin__response__free_unpacked(resp, NULL);
                arena_free(&a);
                if (kept < 0)
                        return -1;
                sync_progress(rep, total);
                if (interrupt_seen())
                        return sync_stopped(e);
                if (kept > 0)
                        return err_set(
                            e, RB_UNAVAILABLE, NULL,
                            ngettext("the server could not take %d op now; it stays queued",
                                     "the server could not take %d ops now; they stay queued",
                                     (unsigned long)kept),
                            kept);
        }
        return 0;
}

/* Sets a replica setting inside the caller's transaction. */
static int put_setting(sqlite3 *db, const char *key, unsigned long long v, struct rb_err *e)
{
        char buf[32];
        sqlite3_stmt *st = db_stmt(db,
                                   "INSERT INTO settings(key, value) VALUES(?1, ?2)"
                                   " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                                   e);

        if (st == NULL)
                return -1;
        snprintf(buf, sizeof(buf), "%llu", v);
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, buf, -1, SQLITE_TRANSIENT);
        return db_run(db, st, e);
}

/* Applies one page, its cursor and what the server says remains after it
 * (renbin status tells of a sync that stopped before the end) in one local
 * transaction. */
static int apply_page(sqlite3 *db, const Renbin__PullReply *p, struct rb_err *e)
{
        if (db_begin(db, e) != 0)
                return -1;
        for (size_t i = 0; i < p->n_changes; i++) {
                if (replica_apply(db, p->changes[i], e) != 0) {
                        db_rollback(db);
                        return -1;
                }
        }
        if (put_setting(db, "cursor", (unsigned long long)p->cursor, e) != 0 ||
            put_setting(db, "pull_remaining", (unsigned long long)p->remaining, e) != 0) {
                db_rollback(db);
                return -1;
        }
        return db_commit(db, e);
}

static const char SQL_CURSOR[] = "SELECT value FROM settings WHERE key = 'cursor'";

/* Sends a Pull for the page after since; its request id in *id. */
static int pull_send(struct net *n, uint64_t since, const struct sync_report *rep, uint64_t *id,
                     struct rb_err *e)
{
        Renbin__Request req = RENBIN__REQUEST__INIT;
        Renbin__Pull pull = RENBIN__PULL__INIT;

        pull.since = since;
        pull.limit = rep->page_size;
        req.call_case = RENBIN__REQUEST__CALL_PULL;
        req.pull = &pull;
        if (net_send(n, &req, e) != 0)
                return -1;
        *id = req.id;
        return 0;
}

/* Sends a Pull from the replica's cursor. */
static int pull_ask(struct cli *cli, struct net *n, const struct sync_report *rep, uint64_t *id,
                    struct rb_err *e)
{
        long long since = 0;

        /* A cursor that cannot be read is an error, not a full resync. */
        if (db_value(cli->db, SQL_CURSOR, NULL, &since, e) < 0)
                return -1;
        if (pull_send(n, (uint64_t)since, rep, id, e) != 0)
                return interrupt_seen() ? sync_stopped(e) : -1;
        return 0;
}

/*
 * Waits for the answer to Pull id, decoded into arena a, and applies it.
 * While more is to come and may be asked for (more), the next Pull - from
 * this page's cursor - is sent before this page is applied, so that the
 * server builds that page meanwhile; it is read (and applied) only after
 * this page has committed with its cursor, so a sync cut anywhere resumes
 * from the last page applied. 0 when the next Pull was sent (its id in
 * *next), 1 when the pull stops here, 2 when the replica was emptied for a
 * resync (no page yet, nothing sent), -1 with e.
 */
static int pull_page(struct cli *cli, struct net *n, struct arena *a, uint64_t id, int more,
                     struct sync_report *rep, uint64_t *next, struct rb_err *e)
{
        Renbin__Response *resp = NULL;
        ProtobufCAllocator alloc = wire_arena_allocator(a);
        const Renbin__PullReply *p;
        struct rb_err se;
        int rc, ask, sent = -1;

        n->alloc = &alloc;
        rc = net_wait(n, id, &resp, e);
        n->alloc = NULL;
        if (rc != 0)
                return interrupt_seen() ? sync_stopped(e) : -1;
        if ((p = resp->pull) == NULL)
                return err_set(e, RB_INTERNAL, NULL,
                               _("the server answered a pull without changes"));
        if (p->resync) {
                if (replica_reset(cli->db, e) != 0)
                        return -1;
                rep->resynced = 1;
                return 2;
        }
        if (rep->total == 0 || rep->total < rep->pulled + (long)p->n_changes)
                rep->total = rep->pulled + (long)p->n_changes + (long)p->remaining;
        ask = more && p->remaining > 0 && p->n_changes > 0;
        if (ask && !interrupt_seen())
                sent = pull_send(n, p->cursor, rep, next, &se);
        if (apply_page(cli->db, p, e) != 0)
                return -1;
        rep->pulled += (long)p->n_changes;
        sync_progress(rep, rep->pushed);
        if (!ask)
                return 1;
        if (sent != 0) {
                if (interrupt_seen())
                        return sync_stopped(e);
                *e = se;
                return -1;
        }
        return 0;
}

/* Pulled pages commit without waiting for the disk (synchronous=NORMAL):
 * each still commits whole with its cursor, and one lost to a power cut is
 * pulled again. The next durable commit (an outbox write, the last sync
 * time) syncs them too. */
static const char SQL_SYNC_NORMAL[] = "PRAGMA synchronous=NORMAL";
static const char SQL_SYNC_FULL[] = "PRAGMA synchronous=FULL";

/* The progress of a replica copy, as a share of its rows. */
static void copy_progress(void *arg, uint64_t got, uint64_t bytes, uint64_t rows)
{
        struct sync_report *rep = arg;

        rep->total = rep->pulled + (long)rows;
        sync_progress(&(struct sync_report){.pushed = rep->pushed,
                                            .pulled = rep->pulled + (long)(rows * got / bytes),
                                            .total = rep->total,
                                            .progress = rep->progress},
                      rep->pushed);
}

/* A pull from cursor 0 fills empty tables: the rows come as one replica
 * snapshot where the server makes one (snapshot.h) and pages were not
 * asked for; else the key indexes are dropped now and built once at the
 * end (replica.h). 0, or -1 with e. */
static int pull_scratch(struct cli *cli, struct net *n, struct sync_report *rep, struct rb_err *e)
{
        long long since = 0;
        uint64_t rows;
        int rc;

        if (db_value(cli->db, SQL_CURSOR, NULL, &since, e) < 0)
                return -1;
        if (since != 0)
                return 0;
        if (!rep->by_page) {
                rc = snapshot_pull(cli, n, copy_progress, rep, &rows, e);
                rep->pulled += (long)rows;
                if (rc == 0) /* the rows, their key indexes with them */
                        return 0;
                if (rc != 1)
                        return rc == 2 ? sync_stopped(e) : -1;
        }
        return replica_keys_drop(cli->db, e);
}

int sync_pull(struct cli *cli, struct net *n, struct sync_report *rep, struct rb_err *e)
{
        long pages = 0;
        uint64_t id = 0;
        int rc;

        if (db_exec(cli->db, SQL_SYNC_NORMAL, e) != 0)
                return -1;
        rc = pull_scratch(cli, n, rep, e);
        if (rc == 0)
                rc = pull_ask(cli, n, rep, &id, e);
        while (rc == 0) {
                struct arena a = ARENA_INIT;
                int more = !(rep->max_pages > 0 && pages + 1 >= rep->max_pages);

                rc = pull_page(cli, n, &a, id, more, rep, &id, e);
                arena_free(&a);
                if (rc == 2 && (rc = pull_scratch(cli, n, rep, e)) == 0) /* emptied for a resync */
                        rc = pull_ask(cli, n, rep, &id, e);
                else if (rc == 0)
                        pages++;
                if (rc == 0 && interrupt_seen())
                        rc = sync_stopped(e);
        }
        /* Built also after a cut (the pages applied are kept, and so is the
         * speed of reading them). */
        if (replica_keys_build(cli->db, rc < 0 ? NULL : e) != 0)
                rc = -1;
        if (db_exec(cli->db, SQL_SYNC_FULL, rc < 0 ? NULL : e) != 0)
                return -1;
        return rc < 0 ? -1 : 0;
}

/*
 * A server restored from a backup (docs/sync.md): its generation is not the
 * one this replica last saw, or its last sequence is below our cursor. In
 * one transaction the journal's acknowledged ops go back to the outbox, the
 * replica is emptied for a pull from zero and the new generation is kept;
 * the push and pull that follow do the rest. Said in one line. 0, or -1.
 */
static int sync_restored(struct cli *cli, const struct net *n, struct sync_report *rep,
                         struct rb_err *e)
{
        char have[64] = "";
        long long cursor = 0, resent = 0;

        if (n->generation[0] == '\0')
                return 0; /* a server that predates generations */
        if (cli_setting(cli, "generation", have, sizeof(have), e) < 0 ||
            db_value(cli->db, SQL_CURSOR, NULL, &cursor, e) < 0)
                return -1;
        if ((have[0] == '\0' || strcmp(have, n->generation) == 0) &&
            (uint64_t)cursor <= n->last_seq)
                return have[0] == '\0' ? cli_set(cli, "generation", n->generation, e) : 0;
        if (db_begin(cli->db, e) != 0)
                return -1;
        if (outbox_journal_requeue(cli, n->journal_days, &resent, e) != 0 ||
            replica_reset(cli->db, e) != 0 || cli_set(cli, "generation", n->generation, e) != 0) {
                db_rollback(cli->db);
                return -1;
        }
        if (db_commit(cli->db, e) != 0)
                return -1;
        rep->resent = (long)resent;
        rep->resynced = 1;
        fprintf(stderr,
                ngettext("renbin: the server was restored from a backup: sending again the %lld "
                         "change it had acknowledged, and rebuilding this copy from scratch\n",
                         "renbin: the server was restored from a backup: sending again the %lld "
                         "changes it had acknowledged, and rebuilding this copy from scratch\n",
                         (unsigned long)resent),
                resent);
        return 0;
}

/* Records a sync that reached the end: its time and sync_cut "0" in one
 * durable commit, which also syncs every commit of the sync before it. The
 * sync is done whatever happens here: a failure leaves status saying it
 * stopped early. */
static void sync_finished(struct cli *cli)
{
        char now[32];

        snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
        if (db_begin(cli->db, NULL) != 0)
                return;
        if (cli_set(cli, "last_sync", now, NULL) != 0 || cli_set(cli, "sync_cut", "0", NULL) != 0 ||
            snapshot_done(cli, NULL) != 0 || db_commit(cli->db, NULL) != 0)
                db_rollback(cli->db);
}

int sync_now(struct cli *cli, struct sync_report *rep, struct rb_err *e)
{
        struct net n;
        int rc;

        if (cli_db(cli, e) == NULL)
                return -1;
        if (net_open(cli, &n, e) != 0)
                return interrupt_seen() ? sync_stopped(e) : -1;
        /* Until its end, a sync commits without waiting for the disk
         * (decision 162): every op it sends is synced in the outbox already;
         * a power cut can lose only what the server answers again (an op
         * sent again gets its recorded result) or what is pulled again, and
         * the WAL keeps commits in order, so whatever survives is a prefix.
         * The end of the sync syncs it all. */
        rc = db_exec(cli->db, SQL_SYNC_NORMAL, e);
        /* "1" until this sync reaches the end (renbin status says so) */
        if (rc == 0)
                rc = cli_set(cli, "sync_cut", "1", e);
        if (rc == 0)
                rc = sync_restored(cli, &n, rep, e);
        if (rc == 0)
                rc = sync_push(cli, &n, rep, e);
        if (rc == 0)
                rc = sync_pull(cli, &n, rep, e);
        net_close(&n);
        if (rep->progress)
                fputc('\n', stderr);
        /* The rest of the command (and a failed sync) writes durably again. */
        if (db_exec(cli->db, SQL_SYNC_FULL, rc != 0 ? NULL : e) != 0)
                rc = -1;
        if (rc == 0)
                sync_finished(cli);
        return rc;
}
