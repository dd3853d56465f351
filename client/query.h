/*
 * query.h - named reads computed on the server (reports, the conflicts list).
 */
#ifndef RENBIN_QUERY_H
#define RENBIN_QUERY_H

#include <jansson.h>

#include "cli.h"

/* Asks the server for query name with (key, value) argument pairs ending in
 * NULL (a NULL value is skipped). Returns the parsed JSON document, or NULL
 * with e. */
json_t *query_run(struct cli *cli, const char *name, struct rb_err *e, ...);

#endif
