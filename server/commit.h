/*
 * commit.h - group commit of pushes. A Push is queued with the reply handle
 * of its connection; at the end of the event loop's current pass every queued
 * push is applied in one transaction with one COMMIT (one fsync), and only
 * then is each answered through its handle. The queue is commit.c's own.
 */
#ifndef RENBIN_COMMIT_H
#define RENBIN_COMMIT_H

#include <event2/event.h>
#include <locale.h>
#include <sqlite3.h>

#include "arena.h"
#include "tls.h"
#include "renbin.pb-c.h"

struct commit;
struct reply;

/* A group commit on db, run from base's loop; NULL when out of memory. */
struct commit *commit_new(struct event_base *base, sqlite3 *db);
/* Takes over req (a Push, decoded into req_arena: the arena's blocks move
 * to the queue, leaving *req_arena empty) and a reference to reply, copies
 * who and queues the push; its ops are applied as role (role_bits) with
 * messages in loc. 0, or -1 when out of memory (nothing taken). A push whose connection
 * closes meanwhile is still applied; its answer goes nowhere (reply.h). */
int commit_enqueue(struct commit *cm, Renbin__Request *req, struct arena *req_arena,
                   const struct principal *who, unsigned role, locale_t loc, struct reply *reply);
/* Drops every queued push without applying it (shutdown: none was answered)
 * and frees cm; NULL is allowed. */
void commit_free(struct commit *cm);

#endif
