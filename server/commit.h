/*
 * commit.h - group commit of pushes. A Push is queued with its connection;
 * at the end of the event loop's current pass every queued push is applied
 * in one transaction with one COMMIT (one fsync), and only then is each
 * answered.
 */
#ifndef RENBIN_COMMIT_H
#define RENBIN_COMMIT_H

#include "renbin.pb-c.h"

struct server;
struct conn;

/* Makes the event that runs the group commit. 0, or -1. */
int commit_init(struct server *srv);
/* Takes over req (a Push) of connection c and queues it. 0, or -1 when out of memory. */
int commit_enqueue(struct server *srv, struct conn *c, Renbin__Request *req);
/* The connection is going away: its queued pushes are applied unanswered. */
void commit_forget(struct server *srv, struct conn *c);
/* Drops every queued push without applying it (shutdown: none was answered). */
void commit_free(struct server *srv);

#endif
