/*
 * checkpoint.h - the server database's WAL checkpoints on a thread of their
 * own (decision 175). SQLite would checkpoint on the committing connection,
 * inside the COMMIT of the group that passed 1,000 WAL frames: the event
 * loop, and every office waiting on it, would wait for the pages' copy into
 * the database file and its two fsyncs. Here a commit that grew the WAL by
 * CKPT_FRAMES only wakes a thread that copies through a connection of its own (PASSIVE: it
 * never waits for the writer, nor the writer for it).
 *
 * The WAL starts again from its beginning only when a transaction begins
 * while every frame is copied. Commits that follow each other closely never
 * see that: the thread is always a commit behind. So past CKPT_FRAMES_MAX
 * the committing connection copies what is left itself (the frames the
 * thread has not reached yet, about one commit's) and the next transaction
 * starts the WAL again: the WAL stays bounded, and most of the copying is
 * still the thread's. A larger backlog (a long read held the WAL, so
 * nothing could be copied) is left to the thread, which copies it once the
 * reader is gone; the loop takes more than its commit's frames and
 * CKPT_FRAMES only when the thread's last checkpoint failed.
 * Durability is the WAL's, synced at every COMMIT, whoever copies later.
 */
#ifndef RENBIN_CHECKPOINT_H
#define RENBIN_CHECKPOINT_H

#include <sqlite3.h>
#include <stdint.h>

#include "err.h"

/* The WAL's growth, in frames (pages), that wakes the thread: SQLite's own
 * autocheckpoint default. */
#define CKPT_FRAMES 1000
/* ... and past which the committing connection copies what is left (64 MiB
 * of WAL at most, in 4 KiB pages, before it starts again). */
#define CKPT_FRAMES_MAX (16 * CKPT_FRAMES)

struct ckpt;

/* What the checkpoints have done so far. */
struct ckpt_counts {
        uint64_t thread; /* checkpoints the thread made */
        uint64_t loop;   /* made by the committing connection, past CKPT_FRAMES_MAX */
        uint64_t failed; /* either's that failed (logged with their cause) */
};

/* Opens a second connection to db's main database and starts the thread;
 * from then on db's commits hand their checkpoints to it (db must outlive
 * the returned handle and be used by one thread). NULL with e set when the
 * connection or the thread cannot be had: db then keeps SQLite's own
 * checkpoints. */
struct ckpt *ckpt_start(sqlite3 *db, struct rb_err *e);
/* Stops and joins the thread (a checkpoint under way is finished), closes
 * its connection and gives db SQLite's own checkpoints back; NULL is
 * allowed. */
void ckpt_stop(struct ckpt *c);
/* A copy of the counts (any thread). */
struct ckpt_counts ckpt_counts(struct ckpt *c);

#endif
