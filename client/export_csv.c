/*
 * export_csv.c - an exported table as CSV. Plain CSV is what scripts read
 * (',' and LF); --excel is what a spreadsheet opened under an Indonesian
 * locale reads without the import wizard: a UTF-8 BOM (else Excel guesses
 * Windows-1252), ';' (the list separator where ',' is the decimal comma),
 * CRLF, and decimals written with a comma. Text that a spreadsheet would take
 * for a formula is guarded with a leading ' (docs/decisions.md).
 */
#include "csvin.h"
#include "db.h"
#include "export.h"
#include "i18n.h"

#include <errno.h>
#include <string.h>

/* Whether a text cell would start a formula in a spreadsheet. */
/* One cell, quoted when it holds the delimiter, a quote or a line break. */
static void csv_cell(FILE *f, const char *v, int guard, char delim)
{
        int quote = strchr(v, delim) != NULL || strpbrk(v, "\"\r\n") != NULL;

        if (quote)
                fputc('"', f);
        if (guard && csvin_formula_like(v))
                fputc('\'', f);
        for (; *v != '\0'; v++) {
                if (*v == '"')
                        fputc('"', f);
                fputc(*v, f);
        }
        if (quote)
                fputc('"', f);
}

/* A number cell as written: an integer as it is, a decimal with two places
 * (as the tables print them), with a decimal comma for Excel. */
static void csv_number(FILE *f, sqlite3_stmt *st, int c, int excel)
{
        char buf[64];

        if (sqlite3_column_type(st, c) == SQLITE_FLOAT)
                snprintf(buf, sizeof(buf), "%.2f", sqlite3_column_double(st, c));
        else
                snprintf(buf, sizeof(buf), "%s", db_col_text(st, c));
        for (const char *v = buf; *v != '\0'; v++)
                fputc(excel && *v == '.' ? ',' : *v, f);
}

static void csv_row(FILE *f, struct export_sheet *s, int excel)
{
        char delim = excel ? ';' : ',';

        for (int c = 0; c < s->ncols; c++) {
                int t = sqlite3_column_type(s->st, c);
                if (c > 0)
                        fputc(delim, f);
                if (s->kinds[c] == EX_NUM && (t == SQLITE_INTEGER || t == SQLITE_FLOAT))
                        csv_number(f, s->st, c, excel);
                else
                        csv_cell(f, db_col_text(s->st, c), 1, delim);
        }
        fputs(excel ? "\r\n" : "\n", f);
}

int export_csv(FILE *f, struct export_sheet *s, int excel, struct rb_err *e)
{
        char delim = excel ? ';' : ',';
        int rc;

        if (excel)
                fputs("\xEF\xBB\xBF", f);
        for (int c = 0; c < s->ncols; c++) {
                if (c > 0)
                        fputc(delim, f);
                csv_cell(f, s->heads[c], 0, delim);
        }
        fputs(excel ? "\r\n" : "\n", f);
        while ((rc = db_step(s->db, s->st, e)) > 0)
                csv_row(f, s, excel);
        if (rc < 0)
                return -1;
        if (fflush(f) != 0 || ferror(f))
                return err_set(e, RB_PRECONDITION, NULL, _("cannot write the export: %s"),
                               strerror(errno));
        return 0;
}
