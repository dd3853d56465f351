/*
 * h_sync.h - what the server's setup needs of h_sync.c besides its handlers
 * (those are in handlers.h): the Pull memo, which remembers how many changes
 * were left after recently served pages so that a sync counts them once.
 */
#ifndef RENBIN_H_SYNC_H
#define RENBIN_H_SYNC_H

struct pull_memo;

/* An empty memo; NULL when out of memory. */
struct pull_memo *pull_memo_new(void);
/* Frees the memo; NULL is allowed. */
void pull_memo_free(struct pull_memo *m);

#endif
