/*
 * batch.h - the context of one op inside one transaction of the group
 * commit (commit.c): the database, who sent the op, the batch's time, and
 * what the transaction carries from op to op (the rows to record before
 * COMMIT, the audit chain's head). Every writer of the batch sees it: the
 * op's rules (apply.c, e_*.c, insert.c), the change feed (feed.c) and the
 * audit chain (audit.c). Types only: no module owns it, so none of them
 * depends on another for it.
 */
#ifndef RENBIN_BATCH_H
#define RENBIN_BATCH_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "entity.h"
#include "err.h"
#include "tls.h"
#include "renbin.pb-c.h"

/* Rows whose change is recorded once per batch, just before COMMIT (a
 * program's seat count moves with every enrollment). */
#define FEED_DIRTY 256

/* One row waiting for its change record (feed_flush). */
struct feed_dirty {
        const struct entity_def *def;
        char id[64];
        const Renbin__Op *op;        /* the first op of the batch that changed it */
        const struct principal *who; /* and who sent that op */
};

/* Programs whose seat count the batch's ops moved, the moves not written yet:
 * the capacity is checked against the database's count plus the pending
 * delta, and one UPDATE per program is written before COMMIT (seats.c). */
#define SEATS_PENDING 64

/* What enrolling reads of a program and its plan (seats_program). */
struct seat_program {
        long capacity, enrolled; /* enrolled as in the row, without the delta */
        int cancelled, approved; /* the program is batal; its plan approved */
};

struct seat_delta {
        char program[64]; /* the program's code */
        int delta;
        const Renbin__Op *op;        /* the first op of the batch that moved it (or NULL) */
        const struct principal *who; /* and who sent that op */
        int known;                   /* info read in this batch, still true */
        struct seat_program info;
};

struct apply_ctx {
        sqlite3 *db;
        const struct principal *who;
        unsigned role; /* role_bits */
        const Renbin__Op *op;
        int64_t now;    /* unix seconds of the batch */
        char today[11]; /* YYYY-MM-DD (WIB) */
        struct rb_err *e;
        char detail[256]; /* what was done, for the op's result */
        uint64_t seq;     /* last change sequence written */
        /* Per transaction: the next change's sequence (0 until read: feed.c),
         * rows to record at its end, the audit chain's head. */
        uint64_t seq_next;
        int seq_moved; /* a change written: feed_flush keeps seq_next - 1 */
        struct feed_dirty dirty[FEED_DIRTY];
        size_t n_dirty;
        char audit_head[65]; /* "" until read from the database */
        int audit_moved;     /* head changed: meta is written by feed_flush */
        struct seat_delta seats[SEATS_PENDING];
        size_t n_seats;
        unsigned seats_gen; /* moves with every change of seats[] */
        /* The ops run without savepoints unless careful: one rejected after
         * it had written sets replay, and commit.c rolls the batch back and
         * applies it again with a savepoint per op (apply.c). */
        int careful;
        int replay;
};

#endif
