/*
 * snapshot.h - replica snapshots (snapshot.c): the rows of one scope as a
 * SQLite database of the replica's tables, for a first sync to copy whole.
 */
#ifndef RENBIN_SNAPSHOT_H
#define RENBIN_SNAPSHOT_H

#include "err.h"

#include <stddef.h>
#include <stdint.h>

struct snapshot {
        unsigned char *data; /* the database file, sqlite3_malloc'd */
        size_t len;
        size_t part_len; /* the bytes of one part as h_snapshot.c hands it out */
        uint32_t parts;
        uint64_t cursor; /* the feed's last sequence when it was made */
        uint64_t rows;   /* every table's together */
        int held;        /* counted in snapshot_held */
};

/* Makes into s (zeroed) the snapshot of the rows of the database at path
 * that scope may see ("" for all, else a unit's code), at one moment of
 * the feed, through a connection of its own: safe on any thread. 0, or -1
 * with e. */
int snapshot_make(const char *path, const char *scope, struct snapshot *s, struct rb_err *e);
/* Frees a snapshot made by snapshot_make (and s itself). NULL is allowed. */
void snapshot_free(struct snapshot *s);
/* Counts s in snapshot_held (the event loop's thread only, as the two
 * below). */
void snapshot_hold(struct snapshot *s);
/* The bytes every held snapshot takes. */
size_t snapshot_held(void);
/* Waits for the snapshots being made (h_snapshot.c) and frees them: at
 * shutdown, after the connections are closed. */
void snapshot_jobs_wait(void);

#endif
