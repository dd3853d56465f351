/*
 * sync.h - the sync engine: push the outbox, then pull the change feed into
 * the replica, page by page, each page and its cursor in one transaction.
 */
#ifndef RENBIN_SYNC_H
#define RENBIN_SYNC_H

#include "cli.h"
#include "net.h"

struct sync_report {
        long pushed; /* ops sent and answered */
        long accepted;
        long rejected;
        long pulled;        /* changes applied */
        long total;         /* changes this pull had to apply */
        int resynced;       /* the replica was rebuilt from scratch */
        long resent;        /* acknowledged ops sent again to a restored server */
        int progress;       /* draw a progress bar on stderr */
        unsigned page_size; /* changes per pull page, 0: the server's */
        long max_pages;     /* stop pulling after this many pages, 0: no limit */
        int by_page;        /* a first sync pulls page by page, not one snapshot */
};

/* Sends pending ops in batches and records each answer. */
int sync_push(struct cli *cli, struct net *n, struct sync_report *r, struct rb_err *e);
/* Pulls until nothing remains (or r->max_pages pages, if > 0). */
int sync_pull(struct cli *cli, struct net *n, struct sync_report *r, struct rb_err *e);
/* Connects, pushes and pulls. UNAVAILABLE when the server cannot be reached. */
int sync_now(struct cli *cli, struct sync_report *r, struct rb_err *e);

#endif
