/*
 * query.h - named reads computed on the server (reports, the conflicts list).
 */
#ifndef RENBIN_QUERY_H
#define RENBIN_QUERY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"

/* Asks the server for query name with (key, value) argument pairs ending in
 * NULL (a NULL value is skipped). Returns the parsed JSON document, or NULL
 * with e. */
json_t *query_run(struct cli *cli, const char *name, struct rb_err *e, ...);
/* The same with nargs (key, value) pairs in args (a NULL value is skipped);
 * *generated_at gets the time the server made the document. */
json_t *query_runv(struct cli *cli, const char *name, const char *const *args, size_t nargs,
                   int64_t *generated_at, struct rb_err *e);

#endif
