/*
 * csvin.h - CSV files in and out, through libcsv. A file read is UTF-8 (a
 * leading BOM is dropped) or Windows-1252 (converted to UTF-8), separated by
 * ',' ';' or tab (detected from the header line), has a header row, and every
 * data row keeps the line number it started on, so errors can say "line 5,
 * column NIP: ...". The path "-" is standard input.
 */
#ifndef RENBIN_CSVIN_H
#define RENBIN_CSVIN_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"

struct csv_row {
        long line;    /* 1-based line of the file where the row starts */
        size_t n;     /* cells in this row */
        char **cells; /* trimmed of surrounding spaces */
};

struct csv_table {
        size_t ncols;
        char **header; /* header cells, trimmed */
        size_t nrows;
        struct csv_row *rows; /* data rows; blank lines are skipped */
        char delim;           /* the separator the file was read with */
        int cp1252;           /* the file was read as Windows-1252 */
};

enum csv_encoding {
        CSV_ENC_AUTO,   /* UTF-8, else (when not valid UTF-8) Windows-1252 */
        CSV_ENC_UTF8,   /* UTF-8 only: anything else is refused */
        CSV_ENC_CP1252, /* Windows-1252, converted to UTF-8 */
};

struct csv_opts {
        char delim; /* ',' ';' '\t', or 0: detected from the header line */
        enum csv_encoding enc;
};

/* The most cells a row may have: a spreadsheet's width (Excel and
 * LibreOffice stop at 16,384 columns). */
#define CSV_MAX_COLS 16384

/* Reads path. Fails (INVALID_ARGUMENT, naming the line) on bad quoting,
 * invalid UTF-8, a row over CSV_MAX_COLS cells or an empty file; NOT_FOUND
 * if it cannot be opened. Time and memory are linear in the file's size
 * (the header's duplicate check is O(n log n)). */
int csvin_read(const char *path, struct csv_table *t, struct rb_err *e);
/* csvin_read with a forced separator or encoding (o may be NULL: both
 * detected). A file that is neither UTF-8 nor Windows-1252 fails, naming
 * its line. */
int csvin_read_opts(const char *path, const struct csv_opts *o, struct csv_table *t,
                    struct rb_err *e);
/* The separator of the header line (the first that is not blank) of
 * buf[0..len): the most frequent of ',' ';' tab outside quotes, ',' on a
 * tie or when there is none. */
char csvin_detect_delim(const char *buf, size_t len);
/* A date a spreadsheet wrote, DD/MM/YYYY or DD-MM-YYYY (day and month of
 * one or two digits), as YYYY-MM-DD into out; 1 if it was such a date
 * (written), 0 if not (out untouched). The date's validity is not checked. */
int csvin_date(const char *in, char out[11]);
/* Index of a header column, matched case-insensitively; -1 if absent. */
int csvin_col(const struct csv_table *t, const char *name);
/* Checks that every name in cols (NULL-terminated) is a header column; the
 * error names the first missing one. */
int csvin_require(const struct csv_table *t, const char *const *cols, struct rb_err *e);
/* A row's cell at col, or "" when the row is short or col is -1. */
const char *csvin_cell(const struct csv_row *r, int col);
void csvin_free(struct csv_table *t);

/* Writes one CSV row of n cells (NULL is an empty cell), quoting as needed, CRLF-free. */
int csvout_row(FILE *f, const char *const *cells, size_t n);

/* True for a cell a spreadsheet would run as a formula (it begins with
 * =, +, -, @, a tab or a CR). An export writes such a text cell with a
 * leading ' (the guard); an import takes a guarding ' off again. */
int csvin_formula_like(const char *v);

/* Refuses a header that names a column twice, naming the first column (in
 * the header's order) that repeats an earlier one: 0, or -1 with e. Sorts
 * indices, so a wide header costs n log n comparisons, not n squared. Every
 * reader of a table (CSV, .xlsx) checks its header with it. */
int csvin_check_header(const char *path, const struct csv_table *t, struct rb_err *e);
/* Makes room for need elements of elem bytes in *arr (capacity *cap),
 * doubling; -1 on overflow or no memory. */
int csvin_grow(void **arr, size_t *cap, size_t need, size_t elem);

#endif
