/*
 * queries.h - named server-side queries (reports, lists) answered by h_query.
 * Each takes the caller's principal and arguments and builds one JSON
 * document; it restricts rows to what the role may see.
 */
#ifndef RENBIN_QUERIES_H
#define RENBIN_QUERIES_H

#include <jansson.h>
#include <sqlite3.h>

#include "err.h"
#include "tls.h"
#include "renbin.pb-c.h"

struct query_ctx {
        sqlite3 *db;
        const struct principal *who;
        unsigned role;
        Renbin__Field **args;
        size_t nargs;
};

typedef int (*query_fn)(struct query_ctx *q, json_t **out, struct rb_err *e);

/* A query argument, or NULL when absent or empty. */
const char *query_arg(const struct query_ctx *q, const char *name);

/* h_query.c */
int q_conflicts(struct query_ctx *q, json_t **out, struct rb_err *e);

#endif
