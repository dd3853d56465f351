/*
 * import.h - one kind of CSV import: its columns, the op each row becomes,
 * and the check of one row. Kinds live in import_*.c.
 */
#ifndef RENBIN_IMPORT_H
#define RENBIN_IMPORT_H

#include <jansson.h>

#include "cli.h"
#include "csvin.h"

struct import_kind;

struct import_ctx {
        struct cli *cli;
        const struct import_kind *kind;
        const struct csv_table *table;
        json_t *missing;     /* after_check may list rows the file leaves out */
        json_t *updates;     /* "op_id: fields" of rows that changed something */
};

struct import_kind {
        const char *name;
        const char *entity, *action;
        const char *const *columns;   /* required header names, NULL-terminated */
        const char *const *fields;    /* the op field each column becomes, same order */
        /* Checks a row: 0 with *fields (a JSON object), a label and a key that must
         * be unique in the file (or ""), or -1 with e naming the op field. */
        int (*row)(struct import_ctx *ic, const struct csv_row *r, json_t **fields,
                   char label[160], char key[128], struct rb_err *e);
        void (*after_check)(struct import_ctx *ic);
};

/* Reads the cell of a column by header name ("" when absent). */
const char *import_cell(const struct import_ctx *ic, const struct csv_row *r, const char *col);

extern const struct import_kind import_asn;
extern const struct import_kind import_survey;

#endif
