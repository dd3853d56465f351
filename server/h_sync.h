/*
 * h_sync.h - what the server's setup needs of h_sync.c besides its handlers
 * (those are in handlers.h): the Pull memo, which remembers how many changes
 * were left after recently served pages so that a sync counts them once;
 * and a connection's read-ahead page (the next of its sync, built while the
 * client works on the last).
 */
#ifndef RENBIN_H_SYNC_H
#define RENBIN_H_SYNC_H

#include <stddef.h>
#include <stdint.h>

struct call_ctx;
struct pull_memo;
struct rb_err;
struct server;

/* The unit whose rows a session's sync sees: "" for everything (hr and
 * auditor seats), else its unit's code (the shared rows and its own). */
const char *sync_scope(const struct call_ctx *cx);
/* The bytes a reply's rows may take: the reply must fit a frame of the
 * server's limit and of the 4 MiB that clients accept. */
size_t sync_frame_budget(const struct server *srv);
/* Counts into *left the changes a Pull from 0 would send scope ("" for
 * all), counting no further than limit; a count below it is remembered for
 * that Pull (the memo below). 0, or -1 with e. */
int sync_left_upto(struct server *srv, const char *scope, uint64_t limit, uint64_t *left,
                   struct rb_err *e);

/* An empty memo; NULL when out of memory. */
struct pull_memo *pull_memo_new(void);
/* Frees the memo; NULL is allowed. */
void pull_memo_free(struct pull_memo *m);

struct pull_ahead;

/* Builds the page a session's next Pull will ask for, if its last answer
 * (with more to come) asked for one; conn.c calls it when that answer has
 * been written out. NULL is allowed. */
void pull_ahead_build(struct pull_ahead *a);
/* Forgets the read-ahead page (another request came). NULL is allowed. */
void pull_ahead_drop(struct pull_ahead *a);
/* Frees it (the connection closed). NULL is allowed. */
void pull_ahead_free(struct pull_ahead *a);

#endif
