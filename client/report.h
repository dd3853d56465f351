/*
 * report.h - reports computed by the server (the report.* named queries),
 * fetched fresh when the server answers and kept in the replica's
 * report_cache, so they can be read offline "as of" when they were made.
 */
#ifndef RENBIN_REPORT_H
#define RENBIN_REPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"

/* One report document and where it came from. */
struct report_doc {
        json_t *doc;          /* owned by the caller */
        int64_t generated_at; /* unix seconds, as the server made it */
        int cached;           /* 1: the server was unreachable, this is the saved copy */
};

/* Fetches query name with nargs (key, value) pairs (NULL values skipped),
 * saving it to the cache; when the server cannot be reached, the cached copy.
 * 0, or -1 with e (UNAVAILABLE when offline with nothing cached). */
int report_get(struct cli *cli, const char *name, const char *const *args, size_t nargs,
               struct report_doc *r, struct rb_err *e);
/* Formats a unix time as local "YYYY-MM-DD HH:MM". */
void report_time(int64_t t, char buf[32]);

/* A string member of an object, "" when absent. */
const char *report_str(json_t *o, const char *k);

#endif
