/*
 * snapshot.h - a first sync copied whole from a replica snapshot the
 * server makes (snapshot.c; docs/sync.md, "A first sync").
 */
#ifndef RENBIN_SNAPSHOT_H
#define RENBIN_SNAPSHOT_H

#include "cli.h"
#include "net.h"

#include <stdint.h>

/* How far a copy has come: got of bytes received, of rows in all. */
typedef void (*snapshot_progress_fn)(void *arg, uint64_t got, uint64_t bytes, uint64_t rows);

/* Fills an empty replica from the server's snapshot of its rows and sets
 * the cursor to the snapshot's, all in one transaction; *rows: the rows
 * copied. 0 when copied, 1 when the rows must come page by page (a server
 * without snapshots, or a copy cut before: pages are kept), 2 when Ctrl-C
 * stopped it (nothing kept), -1 with e. */
int snapshot_pull(struct cli *cli, struct net *n, snapshot_progress_fn progress, void *arg,
                  uint64_t *rows, struct rb_err *e);
/* Forgets a copy that was cut, once a sync has reached its end by pages;
 * in the caller's transaction. 0, or -1 with e. */
int snapshot_done(struct cli *cli, struct rb_err *e);

#endif
