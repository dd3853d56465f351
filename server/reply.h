/*
 * reply.h - the handle a deferred answer goes through, so that the code that
 * answers later (the group commit) needs to know nothing of the connection,
 * as Redis's connection type hides its transport behind a few callbacks.
 *
 * Ownership: the connection makes the handle (reply_new) and holds the first
 * reference; whoever keeps a call to answer later takes another (reply_hold)
 * and drops it when done (reply_release). When the connection goes away it
 * calls reply_close: the handle stays valid for its other holders, but is no
 * longer open, and sending through it does nothing. The last release frees it.
 * Single-threaded: the event loop's thread only.
 */
#ifndef RENBIN_REPLY_H
#define RENBIN_REPLY_H

#include "renbin.pb-c.h"

/* What the owner does with an answer; ctx is the owner's (its connection). */
struct reply_ops {
        /* Packs and queues one response. */
        void (*send)(void *ctx, const Renbin__Response *resp);
        /* The deferred answer is out: the owner reads its next requests. */
        void (*resume)(void *ctx);
};

struct reply;

/* A handle on ctx, open, with one reference (the owner's); NULL when out of memory. */
struct reply *reply_new(const struct reply_ops *ops, void *ctx);
/* Takes one more reference to r; returns r. */
struct reply *reply_hold(struct reply *r);
/* Drops one reference; the last frees r. */
void reply_release(struct reply *r);
/* The owner has gone: r is closed for every holder, and the owner's
 * reference is dropped. */
void reply_close(struct reply *r);
/* True while the owner is still there to be answered. */
int reply_open(const struct reply *r);
/* Sends resp to the owner, if still open. */
void reply_send(struct reply *r, const Renbin__Response *resp);
/* Tells the owner its deferred answer is out, if still open. */
void reply_resume(struct reply *r);

#endif
