/*
 * export.h - writing one exported table: CSV (plain, or the way Indonesian
 * Excel reads it) and .xlsx (libxlsxwriter). A sheet is a statement and, per
 * column, its header and the kind of cell it makes.
 */
#ifndef RENBIN_EXPORT_H
#define RENBIN_EXPORT_H

#include <sqlite3.h>
#include <stdio.h>

#include "entity.h"
#include "err.h"

/* What a column holds. */
enum export_kind {
        EX_TEXT, /* text, kept as typed (NIP, codes, names): a text cell */
        EX_NUM,  /* a number: a number cell */
        EX_DATE, /* YYYY-MM-DD: a date cell */
        EX_TIME, /* YYYY-MM-DDTHH:MM:SSZ (UTC): a date-and-time cell */
};

struct export_sheet {
        const char *name; /* the worksheet's name (the table) */
        sqlite3 *db;
        sqlite3_stmt *st; /* its columns in the order of heads */
        const char *heads[ENTITY_MAX_FIELDS + 1];
        enum export_kind kinds[ENTITY_MAX_FIELDS + 1];
        int ncols;
};

/* Writes the rows of s as CSV to f: ',' and LF, or with excel a UTF-8 BOM,
 * ';', CRLF and decimal commas. A text cell starting with = + - @ or a tab
 * or CR gets a leading ' (formula injection); number cells never do. 0, or
 * -1 with e. */
int export_csv(FILE *f, struct export_sheet *s, int excel, struct rb_err *e);
/* Writes the rows of s as an .xlsx file at path (through fs_out: the file is
 * replaced only once whole). 0, or -1 with e. */
int export_xlsx(const char *path, struct export_sheet *s, struct rb_err *e);

#endif
