/*
 * reply.c - the reply handle (reply.h): a callback pair, its context and a
 * reference count. Closing clears the context, so a holder that answers after
 * the connection went away reaches nothing instead of freed memory.
 */
#include "reply.h"

#include <stdlib.h>

struct reply {
        const struct reply_ops *ops;
        void *ctx; /* NULL once closed */
        unsigned refs;
};

struct reply *reply_new(const struct reply_ops *ops, void *ctx)
{
        struct reply *r = calloc(1, sizeof(*r));

        if (r == NULL)
                return NULL;
        r->ops = ops;
        r->ctx = ctx;
        r->refs = 1;
        return r;
}

struct reply *reply_hold(struct reply *r)
{
        r->refs++;
        return r;
}

void reply_release(struct reply *r)
{
        if (r != NULL && --r->refs == 0)
                free(r);
}

void reply_close(struct reply *r)
{
        if (r == NULL)
                return;
        r->ctx = NULL;
        reply_release(r);
}

int reply_open(const struct reply *r)
{
        return r->ctx != NULL;
}

void reply_send(struct reply *r, const Renbin__Response *resp)
{
        if (r->ctx != NULL)
                r->ops->send(r->ctx, resp);
}

void reply_resume(struct reply *r)
{
        if (r->ctx != NULL)
                r->ops->resume(r->ctx);
}
