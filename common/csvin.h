/*
 * csvin.h - CSV files in and out, through libcsv. A file read is UTF-8 (a
 * leading BOM is dropped), has a header row, and every data row keeps the line
 * number it started on, so errors can say "line 5, column NIP: ...".
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
};

/* The most cells a row may have: a spreadsheet's width (Excel and
 * LibreOffice stop at 16,384 columns). */
#define CSV_MAX_COLS 16384

/* Reads path. Fails (INVALID_ARGUMENT, naming the line) on bad quoting,
 * invalid UTF-8, a row over CSV_MAX_COLS cells or an empty file; NOT_FOUND
 * if it cannot be opened. Time and memory are linear in the file's size
 * (the header's duplicate check is O(n log n)). */
int csvin_read(const char *path, struct csv_table *t, struct rb_err *e);
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

#endif
