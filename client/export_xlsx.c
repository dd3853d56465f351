/*
 * export_xlsx.c - an exported table as an .xlsx workbook (libxlsxwriter):
 * one worksheet, a bold header frozen in place, NIP and codes as text cells
 * (a number cell keeps 15 digits, an NIP has 18), dates as dates, times as
 * date-and-time (UTC), numbers as numbers. libxlsxwriter writes to a path:
 * it is given fs_out's temporary (made O_EXCL in the target's folder, as
 * SQLite is given one), which is renamed over the target once whole.
 */
#include "db.h"
#include "export.h"
#include "fsutil.h"
#include "i18n.h"

#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

struct xfmt {
        lxw_format *head, *text, *date, *time;
};

/* Reads YYYY-MM-DD (and, for a time, THH:MM:SS) into dt: 1, or 0 if v is not one. */
static int parse_when(const char *v, int time, lxw_datetime *dt)
{
        int y, mo, d, h = 0, mi = 0, n = 0;
        double s = 0;

        if (time ? sscanf(v, "%4d-%2d-%2dT%2d:%2d:%lfZ%n", &y, &mo, &d, &h, &mi, &s, &n) != 6
                 : sscanf(v, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
                return 0;
        if ((size_t)n != strlen(v) || y < 1900 || mo < 1 || mo > 12 || d < 1 || d > 31)
                return 0;
        *dt = (lxw_datetime){.year = y, .month = mo, .day = d, .hour = h, .min = mi, .sec = s};
        return 1;
}

/* One cell of the current row. */
static void xlsx_cell(lxw_worksheet *ws, struct export_sheet *s, struct xfmt *f, lxw_row_t r, int c)
{
        const char *v = db_col_text(s->st, c);
        int t = sqlite3_column_type(s->st, c);
        lxw_datetime dt;

        if (t == SQLITE_NULL || v[0] == '\0')
                return;
        if (s->kinds[c] == EX_NUM && (t == SQLITE_INTEGER || t == SQLITE_FLOAT))
                worksheet_write_number(ws, r, (lxw_col_t)c, sqlite3_column_double(s->st, c), NULL);
        else if ((s->kinds[c] == EX_DATE || s->kinds[c] == EX_TIME) &&
                 parse_when(v, s->kinds[c] == EX_TIME, &dt))
                worksheet_write_datetime(ws, r, (lxw_col_t)c, &dt,
                                         s->kinds[c] == EX_TIME ? f->time : f->date);
        else
                worksheet_write_string(ws, r, (lxw_col_t)c, v, f->text);
}

/* The formats, the header row and the column widths. */
static void xlsx_head(lxw_workbook *wb, lxw_worksheet *ws, struct export_sheet *s, struct xfmt *f)
{
        static const double width[] = {
            [EX_TEXT] = 20, [EX_NUM] = 10, [EX_DATE] = 12, [EX_TIME] = 20};

        f->head = workbook_add_format(wb);
        format_set_bold(f->head);
        f->text = workbook_add_format(wb);
        format_set_num_format(f->text, "@");
        f->date = workbook_add_format(wb);
        format_set_num_format(f->date, "yyyy-mm-dd");
        f->time = workbook_add_format(wb);
        format_set_num_format(f->time, "yyyy-mm-dd hh:mm:ss");
        for (int c = 0; c < s->ncols; c++) {
                lxw_format *col = s->kinds[c] == EX_TEXT ? f->text : NULL;
                worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, width[s->kinds[c]], col);
                worksheet_write_string(ws, 0, (lxw_col_t)c, s->heads[c], f->head);
        }
        worksheet_freeze_panes(ws, 1, 0);
}

/* Writes the workbook to tmp: 0, or -1 with e. */
static int xlsx_write(const char *tmp, struct export_sheet *s, struct rb_err *e)
{
        lxw_workbook *wb = workbook_new(tmp);
        lxw_worksheet *ws;
        struct xfmt f;
        lxw_row_t r = 1;
        lxw_error xe;
        int rc;

        if (wb == NULL)
                return err_set(e, RB_PRECONDITION, "path", _("cannot write %s: %s"), tmp,
                               _("the workbook could not be made"));
        ws = workbook_add_worksheet(wb, s->name);
        xlsx_head(wb, ws, s, &f);
        while ((rc = db_step(s->db, s->st, e)) > 0) {
                for (int c = 0; c < s->ncols; c++)
                        xlsx_cell(ws, s, &f, r, c);
                r++;
        }
        xe = workbook_close(wb);
        if (rc < 0)
                return -1;
        if (xe != LXW_NO_ERROR)
                return err_set(e, RB_PRECONDITION, "path", _("cannot write %s: %s"), tmp,
                               lxw_strerror(xe));
        return 0;
}

int export_xlsx(const char *path, struct export_sheet *s, struct rb_err *e)
{
        struct fs_out o;

        if (fs_out_open(&o, path, 0666, FS_OUT_REPLACE, e) != 0)
                return -1;
        if (xlsx_write(o.tmp, s, e) != 0) {
                fs_out_abort(&o);
                return -1;
        }
        return fs_out_commit(&o, e);
}
