/*
 * rowid.h - a row named on the command line by its id as a list shows it
 * (its last characters; UUIDv7 ids begin with the time, so their ends tell
 * rows apart) or whole.
 */
#ifndef RENBIN_ROWID_H
#define RENBIN_ROWID_H

#include <jansson.h>
#include <stddef.h>

#include "cli.h"
#include "opts.h"

/* The characters of an id a list shows (its end). */
#define ROWID_SHOWN 8

/* Resolves key to the id of one row of table in the replica: the whole id,
 * or its last 4 or more characters. A whole UUID the replica lacks is kept
 * (the server decides: another unit's row, or none). 0 with id, or -1 with
 * e (NOT_FOUND naming what, INVALID when key names several). */
int rowid_find(struct cli *cli, const char *table, const char *key, const char *what, char id[64],
               struct rb_err *e);

/* Names a write on one row: buf from the id as shown and the fields. */
typedef void (*rowid_label_fn)(char *buf, size_t len, const char *shown, const json_t *fields);

/* The body of a verb on a row named by id ("forum update ID ..."): opts
 * (whose OPT_ARG row is "id") parsed into the fields of an op of entity and
 * action, the id resolved in table (what names its rows in messages), the
 * op checked and submitted. Returns the exit status. */
int rowid_write(struct cli *cli, const char *cmd, const char *entity, const char *action,
                const char *table, const char *what, const struct opt *opts, int argc, char **argv,
                rowid_label_fn label);

#endif
