/*
 * xlsxin.h - the first worksheet of an .xlsx workbook read into the same
 * struct csv_table the CSV reader fills (csvin.h), through libzip (the
 * container) and expat (the XML). The header is the first non-blank row, and
 * every data row keeps its row number in the sheet as its line, so "line 5"
 * points at spreadsheet row 5.
 *
 * Cells: shared strings (t="s"), inline strings (t="inlineStr"), formula
 * strings (t="str"), booleans (t="b", TRUE or FALSE), errors (t="e", as
 * shown) and numbers. A number whose cell style is a date (built-in formats
 * 14-22 or a custom format with a day or a year) becomes YYYY-MM-DD; an
 * integral number is written without a fraction; a number of 16 digits or
 * more (Excel keeps 15) is left as the file holds it, so an NIP that Excel
 * turned into a number fails the NIP check rather than gaining digits.
 */
#ifndef RENBIN_XLSXIN_H
#define RENBIN_XLSXIN_H

#include "csvin.h"
#include "err.h"

/* The most characters a cell may hold: Excel's own limit. */
#define XLSX_MAX_CELL 32767
/* The most bytes a part of the workbook may unpack to (a zip bomb's guard). */
#define XLSX_MAX_PART (512L * 1024 * 1024)

/* True if path names an .xlsx file: it begins with a zip's "PK\3\4" or its
 * name ends in .xlsx (any case). */
int xlsxin_is_xlsx(const char *path);
/* Reads the first worksheet of the workbook at path into t. Fails
 * (INVALID_ARGUMENT) on a file that is not a zip or is damaged, a workbook
 * without a worksheet, bad XML, a cell over XLSX_MAX_CELL characters, a row
 * over CSV_MAX_COLS cells, a header named twice or an empty sheet; NOT_FOUND
 * if it cannot be opened. On failure t is left empty. */
int xlsxin_read(const char *path, struct csv_table *t, struct rb_err *e);
/* xlsxin_read when xlsxin_is_xlsx(path), else csvin_read. */
int xlsxin_read_any(const char *path, struct csv_table *t, struct rb_err *e);

#endif
