/*
 * import.h - one kind of CSV import: its columns, the op each row becomes,
 * and the check of one row. Kinds live in import_*.c.
 */
#ifndef RENBIN_IMPORT_H
#define RENBIN_IMPORT_H

#include <jansson.h>

#include "cli.h"
#include "csvin.h"
#include "uuid.h"

struct import_kind;
struct progress;

/* The import's record in the ledger (import_ledger.c). */
struct import_ledger {
        int on;          /* checked: record it with the rows */
        char digest[65]; /* hex SHA-256 of the rows read */
        char unit[64];   /* the seat's unit */
        char file[256];  /* the file's name, without its folder */
        size_t rows;
};

struct import_ctx {
        struct cli *cli;
        const struct import_kind *kind;
        const struct csv_table *table;
        json_t *missing;      /* after_check may list rows the file leaves out */
        json_t *updates;      /* "op_id: fields" of rows that changed something */
        const char *year;     /* --plan YEAR, for programs */
        struct progress *bar; /* the import's progress (progress.h) */
        struct import_ledger ledger;
};

struct import_kind {
        const char *name;
        const char *entity, *action;
        /* Header names (NULL-terminated) and the op field each becomes.
         * For a kind read through the catalogue these are only the columns
         * it reads itself (beyond the catalogue's, or NULL); for one whose
         * rows are all its own (row_is_custom) every required header. */
        const char *const *columns;
        const char *const *fields;
        const char *given; /* a field the kind may fill itself: its column is optional */
        int row_is_custom; /* the row does not go through the catalogue */
        /* Checks a row: 0 with *fields (a JSON object), a label and a key that must
         * be unique in the file (or ""), or -1 with e naming the op field. */
        int (*row)(struct import_ctx *ic, const struct csv_row *r, json_t **fields, char label[160],
                   char key[128], struct rb_err *e);
        void (*after_check)(struct import_ctx *ic);
        /* Optional: queues the ops of one checked row itself (for rows that
         * become several ops); op ids are appended to op_ids[*n]. */
        int (*queue)(struct import_ctx *ic, json_t *fields, const char *label,
                     char (*op_ids)[UUID_STR], size_t *n, struct rb_err *e);
        size_t ops_per_row; /* most ops one row can become (0: 1) */
        /* Its rows are upserts a second import leaves unchanged: the same
         * file twice is not refused (import_ledger.c). */
        int repeatable;
};

/* A row of the kind's entity and action read through the catalogue
 * (import_row.c): 0 with *fields, or -1 with e naming the field (and *fields
 * NULL). *fields may come holding what the kind fills itself (kept). */
int import_entity_row(struct import_ctx *ic, const struct csv_row *r, json_t **fields,
                      struct rb_err *e);
/* The row's unit: the cell, else the office's own (a unit seat); a unit seat
 * may give only its own. Upper-cased into out; 0, or -1 with e. */
int import_unit(struct import_ctx *ic, const char *unit, char out[64], struct rb_err *e);
/* The field named when a row's key appears twice in a file. */
const char *import_key_field(const struct import_kind *k);
/* The header a field is read from (for "column X" in messages). */
const char *import_column_of(const struct import_kind *k, const char *field);
/* The headers a file of kind k must have: k->columns, or for a kind read
 * through the catalogue the columns of its required fields, written into
 * buf[len] (NULL-terminated). */
const char *const *import_required_columns(const struct import_kind *k, const char *buf[],
                                           size_t len);

/* Fails e (naming field, exit 3) when a NIP cell is what Excel makes of an
 * 18-digit number (1.98001E+17, or digits lost to its 15 significant ones),
 * saying to format the column as Text; 0 for any other cell. */
int import_nip_excel(const char *cell, const char *field, struct rb_err *e);

/* Refuses rows (fields[0..n), NULL for a bad line) that were imported
 * already by this seat's unit as this kind, naming when and the file,
 * unless again; fills ic->ledger. Syncs first when online. Returns the exit
 * status (EXIT_REFUSED, said, when refused). */
int import_ledger_check(struct import_ctx *ic, const char *path, json_t **fields, size_t n,
                        int again);
/* Queues the ledger's "import" op (in the caller's transaction). 0, or -1
 * with e. */
int import_ledger_queue(struct import_ctx *ic, struct rb_err *e);

/* Reads the cell of a column by header name ("" when absent). */
const char *import_cell(const struct import_ctx *ic, const struct csv_row *r, const char *col);

extern const struct import_kind import_asn;
extern const struct import_kind import_survey;
extern const struct import_kind import_units;
extern const struct import_kind import_competencies;
extern const struct import_kind import_needs;
extern const struct import_kind import_enrollments;
extern const struct import_kind import_evaluations;
extern const struct import_kind import_assessments;
extern const struct import_kind import_mentoring;
extern const struct import_kind import_mentoring_logs;
extern const struct import_kind import_forums;
extern const struct import_kind import_programs;
extern const struct import_kind import_standards;
extern const struct import_kind import_tests;

#endif
