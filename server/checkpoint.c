/*
 * checkpoint.c - WAL checkpoints off the event loop (checkpoint.h). The
 * committing connection's WAL hook runs on the loop after each commit: each
 * time the WAL has grown by CKPT_FRAMES it wakes the thread (so a checkpoint
 * and its two fsyncs come once per CKPT_FRAMES, as SQLite's own would, not
 * after every commit). Past CKPT_FRAMES_MAX it copies the rest itself when
 * the thread's last checkpoint left at most this commit's frames and
 * CKPT_FRAMES more; a larger backlog (a reader held the WAL) stays the
 * thread's, unless the thread's last checkpoint failed. The thread's
 * failures are logged by the loop (when it next wakes the thread, or at
 * stop), so the log is only ever written from one thread.
 */
#include "checkpoint.h"
#include "db.h"
#include "log.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ckpt {
        sqlite3 *db;  /* the committing connection (the loop's) */
        sqlite3 *own; /* the thread's */
        /* The loop's own: */
        int woken_at;     /* the WAL's frames when the loop last woke the thread */
        int last;         /* ... after the commit before */
        int loop_failing; /* the loop's last checkpoint failed (logged once) */
        pthread_t thread;
        pthread_mutex_t mu; /* guards everything below */
        pthread_cond_t wake;
        int want; /* a checkpoint is asked for */
        int stop;
        struct ckpt_counts n;
        int copied;         /* the WAL's frames copied, by the thread's last checkpoint */
        int thread_failing; /* ... which failed */
        char failure[256];  /* the thread's last failure, not yet logged */
};

/* One PASSIVE checkpoint of conn's main database: SQLITE_OK with the WAL's
 * frames copied by now in *copied, or SQLITE_BUSY when another connection
 * is checkpointing (it does the work), or an error with its message in
 * msg. */
static int checkpoint_once(sqlite3 *conn, int *copied, char *msg, size_t size)
{
        int rc = sqlite3_wal_checkpoint_v2(conn, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, copied);

        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
                snprintf(msg, size, "%s (%s)", sqlite3_errmsg(conn), sqlite3_errstr(rc));
        return rc;
}

/* Logs the thread's failure, if one is waiting; with c->mu held. */
static void log_failure(struct ckpt *c)
{
        if (c->failure[0] == '\0')
                return;
        log_err("WAL checkpoint on its thread failed: %s; it is tried again when the WAL has "
                "grown by %d frames",
                c->failure, CKPT_FRAMES);
        c->failure[0] = '\0';
}

static void *run(void *arg)
{
        struct ckpt *c = arg;
        char msg[sizeof(c->failure)];
        int copied = 0, rc;

        pthread_mutex_lock(&c->mu);
        for (;;) {
                while (!c->want && !c->stop)
                        pthread_cond_wait(&c->wake, &c->mu);
                if (c->stop)
                        break;
                c->want = 0;
                pthread_mutex_unlock(&c->mu);
                rc = checkpoint_once(c->own, &copied, msg, sizeof(msg));
                pthread_mutex_lock(&c->mu);
                if (rc == SQLITE_OK) {
                        c->n.thread++;
                        c->copied = copied;
                        c->thread_failing = 0;
                } else if (rc != SQLITE_BUSY) {
                        c->n.failed++;
                        c->thread_failing = 1;
                        memcpy(c->failure, msg, sizeof(c->failure));
                }
        }
        pthread_mutex_unlock(&c->mu);
        return NULL;
}

/* Wakes the thread; with c->mu held. */
static void wake(struct ckpt *c)
{
        log_failure(c);
        c->want = 1;
        pthread_cond_signal(&c->wake);
}

/* The committing connection's WAL hook: frames is the WAL's size now. */
static int on_commit(void *arg, sqlite3 *db, const char *name, int frames)
{
        struct ckpt *c = arg;
        char msg[sizeof(c->failure)];
        int rc, copied, left, mine;

        (void)name;
        if (frames < c->woken_at)
                c->woken_at = 0; /* the WAL started again */
        /* What the loop may copy itself: this commit's frames and a little. */
        mine = (frames >= c->last ? frames - c->last : frames) + CKPT_FRAMES;
        c->last = frames;
        pthread_mutex_lock(&c->mu);
        /* What the thread's last checkpoint left (all, if it was of the
         * WAL before it started again); when it failed, the loop copies. */
        left = c->thread_failing ? 0 : c->copied <= frames ? frames - c->copied : frames;
        if (frames - c->woken_at >= CKPT_FRAMES) {
                c->woken_at = frames;
                wake(c);
        } else if (frames >= CKPT_FRAMES_MAX && left > mine) {
                wake(c); /* a backlog (a reader held the WAL): the thread's to copy */
        }
        pthread_mutex_unlock(&c->mu);
        /* Past the bound the WAL has not started again since: copy the
         * rest, so that the next transaction can - when it is only the
         * frames the thread has not reached yet. SQLITE_BUSY: the thread is
         * at it, and the next commit tries again. */
        if (frames < CKPT_FRAMES_MAX || left > mine)
                return SQLITE_OK;
        rc = checkpoint_once(db, &copied, msg, sizeof(msg));
        pthread_mutex_lock(&c->mu);
        if (rc == SQLITE_OK)
                c->n.loop++;
        else if (rc != SQLITE_BUSY)
                c->n.failed++;
        pthread_mutex_unlock(&c->mu);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY && !c->loop_failing)
                log_err("WAL checkpoint at %d frames failed: %s (logged once until one succeeds)",
                        frames, msg);
        if (rc != SQLITE_BUSY)
                c->loop_failing = rc != SQLITE_OK;
        return SQLITE_OK;
}

struct ckpt *ckpt_start(sqlite3 *db, struct rb_err *e)
{
        const char *path = sqlite3_db_filename(db, "main");
        struct ckpt *c = calloc(1, sizeof(*c));
        sigset_t all, old;
        int made = 0, rc; /* made: 1 the lock, 2 and its condition */

        if (c == NULL) {
                err_set(e, RB_INTERNAL, NULL, "out of memory");
                return NULL;
        }
        c->db = db;
        if (path == NULL || path[0] == '\0') {
                err_set(e, RB_INTERNAL, NULL, "the database has no file to checkpoint");
                goto fail;
        }
        if ((c->own = db_open(path, 0, e)) == NULL)
                goto fail;
        if (pthread_mutex_init(&c->mu, NULL) != 0)
                goto no_lock;
        made = 1;
        if (pthread_cond_init(&c->wake, NULL) != 0)
                goto no_lock;
        made = 2;
        /* The thread takes no signals: SIGTERM, SIGHUP and the rest reach
         * the loop's handlers. */
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        rc = pthread_create(&c->thread, NULL, run, c);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (rc != 0) {
                err_set(e, RB_INTERNAL, NULL, "cannot start the checkpoint thread");
                goto fail;
        }
        sqlite3_wal_hook(db, on_commit, c);
        return c;
no_lock:
        err_set(e, RB_INTERNAL, NULL, "cannot make the checkpoint thread's lock");
fail:
        if (made == 2)
                pthread_cond_destroy(&c->wake);
        if (made >= 1)
                pthread_mutex_destroy(&c->mu);
        if (c->own != NULL)
                db_close(c->own);
        free(c);
        return NULL;
}

void ckpt_stop(struct ckpt *c)
{
        if (c == NULL)
                return;
        sqlite3_wal_autocheckpoint(c->db, CKPT_FRAMES);
        pthread_mutex_lock(&c->mu);
        c->stop = 1;
        pthread_cond_signal(&c->wake);
        pthread_mutex_unlock(&c->mu);
        pthread_join(c->thread, NULL);
        log_failure(c);
        db_close(c->own);
        pthread_cond_destroy(&c->wake);
        pthread_mutex_destroy(&c->mu);
        free(c);
}

struct ckpt_counts ckpt_counts(struct ckpt *c)
{
        struct ckpt_counts n = {0};

        if (c == NULL)
                return n;
        pthread_mutex_lock(&c->mu);
        n = c->n;
        pthread_mutex_unlock(&c->mu);
        return n;
}
