/*
 * checkpoint.c - WAL checkpoints off the event loop (checkpoint.h). The
 * committing connection's WAL hook runs on the loop after each commit: each
 * time the WAL has grown by CKPT_FRAMES it wakes the thread (so a checkpoint
 * and its two fsyncs come once per CKPT_FRAMES, as SQLite's own would, not
 * after every commit), and past CKPT_FRAMES_MAX it checkpoints itself. The thread's failures are
 * logged by the loop (at the next commit or at stop), so the log is only ever written from one
 * thread.
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
        int woken_at; /* the WAL's frames when the loop last woke the thread (the loop's) */
        pthread_t thread;
        pthread_mutex_t mu; /* guards everything below */
        pthread_cond_t wake;
        int want; /* a checkpoint is asked for */
        int stop;
        struct ckpt_counts n;
        char failure[256]; /* the thread's last failure, not yet logged */
};

/* One PASSIVE checkpoint of conn's main database: SQLITE_OK, or SQLITE_BUSY
 * when another connection is checkpointing (it does the work), or an error
 * with its message in msg. */
static int checkpoint_once(sqlite3 *conn, char *msg, size_t size)
{
        int rc = sqlite3_wal_checkpoint_v2(conn, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);

        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
                snprintf(msg, size, "%s (%s)", sqlite3_errmsg(conn), sqlite3_errstr(rc));
        return rc;
}

/* Logs the thread's failure, if one is waiting; with c->mu held. */
static void log_failure(struct ckpt *c)
{
        if (c->failure[0] == '\0')
                return;
        log_err("WAL checkpoint on its thread failed: %s; the WAL is checkpointed again at the "
                "next commit",
                c->failure);
        c->failure[0] = '\0';
}

static void *run(void *arg)
{
        struct ckpt *c = arg;
        char msg[sizeof(c->failure)];
        int rc;

        pthread_mutex_lock(&c->mu);
        for (;;) {
                while (!c->want && !c->stop)
                        pthread_cond_wait(&c->wake, &c->mu);
                if (c->stop)
                        break;
                c->want = 0;
                pthread_mutex_unlock(&c->mu);
                rc = checkpoint_once(c->own, msg, sizeof(msg));
                pthread_mutex_lock(&c->mu);
                if (rc == SQLITE_OK) {
                        c->n.thread++;
                } else if (rc != SQLITE_BUSY) {
                        c->n.failed++;
                        memcpy(c->failure, msg, sizeof(c->failure));
                }
        }
        pthread_mutex_unlock(&c->mu);
        return NULL;
}

/* The committing connection's WAL hook: frames is the WAL's size now. */
static int on_commit(void *arg, sqlite3 *db, const char *name, int frames)
{
        struct ckpt *c = arg;
        char msg[sizeof(c->failure)];
        int rc;

        (void)name;
        if (frames < c->woken_at)
                c->woken_at = 0; /* the WAL started again */
        if (frames - c->woken_at >= CKPT_FRAMES) {
                c->woken_at = frames;
                pthread_mutex_lock(&c->mu);
                log_failure(c);
                c->want = 1;
                pthread_cond_signal(&c->wake);
                pthread_mutex_unlock(&c->mu);
        }
        if (frames < CKPT_FRAMES_MAX)
                return SQLITE_OK;
        /* The WAL has not started again since: copy the rest, so that the
         * next transaction can (SQLITE_BUSY: the thread is at it, and the
         * next commit tries again). */
        rc = checkpoint_once(db, msg, sizeof(msg));
        pthread_mutex_lock(&c->mu);
        if (rc == SQLITE_OK)
                c->n.loop++;
        else if (rc != SQLITE_BUSY)
                c->n.failed++;
        pthread_mutex_unlock(&c->mu);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
                log_err("WAL checkpoint at %d frames failed: %s", frames, msg);
        return SQLITE_OK;
}

struct ckpt *ckpt_start(sqlite3 *db, struct rb_err *e)
{
        const char *path = sqlite3_db_filename(db, "main");
        struct ckpt *c = calloc(1, sizeof(*c));
        sigset_t all, old;
        int rc;

        if (c == NULL) {
                err_set(e, RB_INTERNAL, NULL, "out of memory");
                return NULL;
        }
        c->db = db;
        if (path == NULL || path[0] == '\0') {
                err_set(e, RB_INTERNAL, NULL, "the database has no file to checkpoint");
                free(c);
                return NULL;
        }
        if ((c->own = db_open(path, 0, e)) == NULL) {
                free(c);
                return NULL;
        }
        pthread_mutex_init(&c->mu, NULL);
        pthread_cond_init(&c->wake, NULL);
        /* The thread takes no signals: SIGTERM, SIGHUP and the rest reach
         * the loop's handlers. */
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        rc = pthread_create(&c->thread, NULL, run, c);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (rc != 0) {
                err_set(e, RB_INTERNAL, NULL, "cannot start the checkpoint thread");
                pthread_cond_destroy(&c->wake);
                pthread_mutex_destroy(&c->mu);
                db_close(c->own);
                free(c);
                return NULL;
        }
        sqlite3_wal_hook(db, on_commit, c);
        return c;
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
