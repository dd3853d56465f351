/*
 * table.h - printing rows: an aligned table on a terminal, or with --json a
 * JSON array of objects, or with --csv a CSV file with a header row.
 */
#ifndef RENBIN_TABLE_H
#define RENBIN_TABLE_H

#include <jansson.h>
#include <sqlite3.h>

#include "cli.h"

/* Steps st to the end and prints its rows. headers (NULL-terminated, may be
 * NULL) label the text columns; JSON keys and CSV headers are the SQL column
 * names. Returns 0, or -1 with e. */
int table_print(struct cli *cli, sqlite3_stmt *st, const char *const *headers, struct rb_err *e);
/* Steps st to the end: its rows as a JSON array of objects keyed by the SQL
 * column names, or NULL with e. */
json_t *table_rows(sqlite3_stmt *st, struct rb_err *e);
/* Prints a JSON array of flat objects the same three ways (keys in order of the first). */
int table_print_json(struct cli *cli, json_t *rows, const char *const *headers);
/* Prints rows (flat objects; released) with columns keys[0..nk) in the
 * chosen form, a header even when there are no rows. */
int table_print_rows(struct cli *cli, json_t *rows, const char *const *keys, size_t nk,
                     const char *const *headers);
/* A word of the data that is English (draft, approved, overall) in the
 * reader's language; any other value as it is. */
const char *table_word(const char *v);

#endif
