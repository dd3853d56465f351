/*
 * xlsxin.c - the first worksheet of an .xlsx workbook (xlsxin.h). libzip
 * opens the container; each part is streamed from it into expat, so no part
 * is held whole. The parts are read in the order each needs the one before:
 * xl/workbook.xml names the first sheet's relationship, whose target
 * xl/_rels/workbook.xml.rels gives (xl/worksheets/sheet1.xml when either is
 * missing); xl/styles.xml says which cell styles are dates;
 * xl/sharedStrings.xml holds the strings the cells point at; then the sheet.
 *
 * Element and attribute names are matched without their prefix, so a
 * workbook written with "x:" prefixes reads the same. A document type
 * declaration stops the parse: no part of a workbook has one, and refusing it
 * refuses entity expansion with it.
 */
#include "xlsxin.h"
#include "i18n.h"

#include <errno.h>
#include <expat.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <zip.h>

/* A growing string whose length in characters is bounded. */
struct text {
        char *s;
        size_t n, cap, chars;
};

/* What every part's parse shares: the parser, the error, the part's name. */
struct job {
        XML_Parser p;
        const char *path, *part;
        struct rb_err *e;
        int failed;
};

/* xl/workbook.xml and its relationships. */
struct book {
        struct job j;
        char rid[128];
        char target[512];
        int date1904;
};

/* xl/styles.xml: whether each cell style (cellXfs index) is a date. */
struct styles {
        struct job j;
        int *custom; /* ids of custom number formats that are dates */
        size_t ncustom, custom_cap;
        unsigned char *xf_date;
        size_t nxf, xf_cap;
        int in_xfs;
};

/* xl/sharedStrings.xml. */
struct strings {
        struct job j;
        char **s;
        size_t n, cap;
        struct text cur;
        int in_si, in_t, in_rph;
};

/* The worksheet being read into t. */
struct sheet {
        struct job j;
        const struct book *book;
        const struct styles *st;
        const struct strings *ss;
        struct csv_table *t;
        size_t rows_cap;
        char **cells; /* the row in progress; NULL slots are empty cells */
        size_t n, cap;
        long row;     /* the sheet's row number of the row in progress */
        long col;     /* the column (from 0) of the cell in progress */
        char ref[24]; /* its reference, "B5" */
        char type[16];
        long style;
        struct text cur;
        int in_row, in_cell, in_v, in_is, in_t, in_rph;
};

/* The name without its namespace prefix. */
static const char *local(const char *name)
{
        const char *c = strrchr(name, ':');

        return c != NULL ? c + 1 : name;
}

/* The value of the attribute called name (prefix ignored), or NULL. */
static const char *attr(const char **atts, const char *name)
{
        for (size_t i = 0; atts[i] != NULL; i += 2)
                if (strcmp(local(atts[i]), name) == 0)
                        return atts[i + 1];
        return NULL;
}

/* Stops the parse of j; its error is already set. */
static void stop(struct job *j)
{
        j->failed = 1;
        XML_StopParser(j->p, XML_FALSE);
}

/* Stops j for want of memory. */
static void oom(struct job *j)
{
        err_set(j->e, RB_EXHAUSTED, "file", _("%s: out of memory"), j->path);
        stop(j);
}

/* Appends len bytes of UTF-8 to x; 1 when x would pass XLSX_MAX_CELL
 * characters, -1 when out of memory. */
static int text_add(struct text *x, const char *s, size_t len)
{
        for (size_t i = 0; i < len; i++)
                if (((unsigned char)s[i] & 0xc0) != 0x80)
                        x->chars++;
        if (x->chars > XLSX_MAX_CELL)
                return 1;
        if (csvin_grow((void **)&x->s, &x->cap, x->n + len + 1, 1) != 0)
                return -1;
        memcpy(x->s + x->n, s, len);
        x->n += len;
        x->s[x->n] = '\0';
        return 0;
}

/* Empties x, keeping its buffer. */
static void text_reset(struct text *x)
{
        x->n = x->chars = 0;
        if (x->s != NULL)
                x->s[0] = '\0';
}

/* A copy of s[0..len) trimmed of surrounding spaces and tabs, or NULL. */
static char *trimmed(const char *s, size_t len)
{
        char *c;

        while (len > 0 && (*s == ' ' || *s == '\t')) {
                s++;
                len--;
        }
        while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
                len--;
        if ((c = malloc(len + 1)) == NULL)
                return NULL;
        memcpy(c, s, len);
        c[len] = '\0';
        return c;
}

/* Refuses a document type declaration. */
static void on_doctype(void *data, const XML_Char *name, const XML_Char *sys, const XML_Char *pub,
                       int internal)
{
        struct job *j = data;

        (void)name, (void)sys, (void)pub, (void)internal;
        err_set(j->e, RB_INVALID, "file", _("%s: %s is not a spreadsheet part (it has a DTD)"),
                j->path, j->part);
        stop(j);
}

/* Fails e for a damaged container. */
static int damaged(const char *path, const char *why, struct rb_err *e)
{
        return err_set(e, RB_INVALID, "file", _("%s: the .xlsx file is damaged (%s)"), path, why);
}

/* Feeds one zip entry to j's parser. 1 if the entry does not exist (and
 * optional), 0 when parsed, -1 with e set on failure. */
static int feed(zip_t *z, struct job *j, int optional)
{
        char buf[65536];
        zip_int64_t at = zip_name_locate(z, j->part, 0), got;
        zip_file_t *f;
        long total = 0;
        int final = 0, rc = -1;

        if (at < 0 && optional)
                return 1;
        if (at < 0)
                return err_set(j->e, RB_INVALID, "file", _("%s: the workbook has no worksheet"),
                               j->path);
        if ((f = zip_fopen_index(z, (zip_uint64_t)at, 0)) == NULL)
                return damaged(j->path, zip_strerror(z), j->e);
        XML_SetStartDoctypeDeclHandler(j->p, on_doctype);
        while (!final) {
                if ((got = zip_fread(f, buf, sizeof(buf))) < 0) {
                        damaged(j->path, zip_file_strerror(f), j->e);
                        goto out;
                }
                final = got == 0;
                if ((total += (long)got) > XLSX_MAX_PART) {
                        err_set(j->e, RB_INVALID, "file", _("%s: %s unpacks to more than %ld MiB"),
                                j->path, j->part, XLSX_MAX_PART / (1024 * 1024));
                        goto out;
                }
                if (XML_Parse(j->p, buf, (int)got, final) == XML_STATUS_ERROR) {
                        if (!j->failed)
                                err_set(j->e, RB_INVALID, "file",
                                        _("%s: %s is not valid XML (line %lu: %s)"), j->path,
                                        j->part, (unsigned long)XML_GetCurrentLineNumber(j->p),
                                        XML_ErrorString(XML_GetErrorCode(j->p)));
                        goto out;
                }
        }
        rc = 0;
out:
        zip_fclose(f);
        return rc;
}

/* Parses the part called name with the handlers given, data's first member
 * being its struct job. */
static int parse_part(zip_t *z, const char *path, const char *name, struct job *j,
                      XML_StartElementHandler start, XML_EndElementHandler end,
                      XML_CharacterDataHandler chars, int optional, struct rb_err *e)
{
        int rc;

        j->path = path;
        j->part = name;
        j->e = e;
        if ((j->p = XML_ParserCreate("UTF-8")) == NULL)
                return err_set(e, RB_EXHAUSTED, "file", _("%s: out of memory"), path);
        XML_SetUserData(j->p, j);
        XML_SetElementHandler(j->p, start, end);
        if (chars != NULL)
                XML_SetCharacterDataHandler(j->p, chars);
        rc = feed(z, j, optional);
        XML_ParserFree(j->p);
        j->p = NULL;
        return rc;
}

/* ---- the workbook and its relationships ---- */

static void book_start(void *data, const XML_Char *name, const XML_Char **atts)
{
        struct book *b = data;
        const char *v;

        if (strcmp(local(name), "workbookPr") == 0 && (v = attr(atts, "date1904")) != NULL)
                b->date1904 = strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
        if (strcmp(local(name), "sheet") == 0 && b->rid[0] == '\0' &&
            (v = attr(atts, "id")) != NULL)
                snprintf(b->rid, sizeof(b->rid), "%s", v);
}

static void rels_start(void *data, const XML_Char *name, const XML_Char **atts)
{
        struct book *b = data;
        const char *id, *target;

        if (strcmp(local(name), "Relationship") != 0 || b->target[0] != '\0' ||
            (id = attr(atts, "Id")) == NULL || strcmp(id, b->rid) != 0 ||
            (target = attr(atts, "Target")) == NULL)
                return;
        if (target[0] == '/')
                snprintf(b->target, sizeof(b->target), "%s", target + 1);
        else
                snprintf(b->target, sizeof(b->target), "xl/%s", target);
}

static void no_end(void *data, const XML_Char *name)
{
        (void)data, (void)name;
}

/* Finds the first sheet's part name in b->target. */
static int read_book(zip_t *z, const char *path, struct book *b, struct rb_err *e)
{
        int rc = parse_part(z, path, "xl/workbook.xml", &b->j, book_start, no_end, NULL, 1, e);

        if (rc < 0)
                return -1;
        if (rc == 0 && b->rid[0] != '\0' &&
            parse_part(z, path, "xl/_rels/workbook.xml.rels", &b->j, rels_start, no_end, NULL, 1,
                       e) < 0)
                return -1;
        if (b->target[0] == '\0')
                snprintf(b->target, sizeof(b->target), "xl/worksheets/sheet1.xml");
        return 0;
}

/* ---- styles ---- */

/* True if a custom number format shows a day or a year: its letters outside
 * quotes, brackets ([Red], [$-421]) and escapes. */
static int format_is_date(const char *code)
{
        for (const char *c = code; *c != '\0'; c++) {
                if (*c == '\\' && c[1] != '\0')
                        c++;
                else if (*c == '"' && (c = strchr(c + 1, '"')) == NULL)
                        return 0;
                else if (*c == '[' && (c = strchr(c + 1, ']')) == NULL)
                        return 0;
                else if (strchr("dDyY", *c) != NULL)
                        return 1;
        }
        return 0;
}

/* True if number format id is a date: built in (14-22) or a custom one. */
static int id_is_date(const struct styles *st, long id)
{
        if (id >= 14 && id <= 22)
                return 1;
        for (size_t i = 0; i < st->ncustom; i++)
                if (st->custom[i] == id)
                        return 1;
        return 0;
}

static void styles_start(void *data, const XML_Char *name, const XML_Char **atts)
{
        struct styles *st = data;
        const char *n = local(name), *id = attr(atts, "numFmtId"), *code;

        if (strcmp(n, "cellXfs") == 0)
                st->in_xfs = 1;
        if (strcmp(n, "numFmt") == 0 && id != NULL && (code = attr(atts, "formatCode")) != NULL &&
            format_is_date(code)) {
                if (csvin_grow((void **)&st->custom, &st->custom_cap, st->ncustom + 1,
                               sizeof(int)) != 0) {
                        oom(&st->j);
                        return;
                }
                st->custom[st->ncustom++] = atoi(id);
        }
        if (strcmp(n, "xf") == 0 && st->in_xfs) {
                if (csvin_grow((void **)&st->xf_date, &st->xf_cap, st->nxf + 1, 1) != 0) {
                        oom(&st->j);
                        return;
                }
                st->xf_date[st->nxf++] = id != NULL && id_is_date(st, strtol(id, NULL, 10));
        }
}

static void styles_end(void *data, const XML_Char *name)
{
        struct styles *st = data;

        if (strcmp(local(name), "cellXfs") == 0)
                st->in_xfs = 0;
}

/* ---- shared strings ---- */

static void ss_start(void *data, const XML_Char *name, const XML_Char **atts)
{
        struct strings *ss = data;
        const char *n = local(name);

        (void)atts;
        if (strcmp(n, "si") == 0) {
                ss->in_si = 1;
                text_reset(&ss->cur);
        } else if (strcmp(n, "rPh") == 0) {
                ss->in_rph++;
        } else if (strcmp(n, "t") == 0) {
                ss->in_t = 1;
        }
}

static void ss_end(void *data, const XML_Char *name)
{
        struct strings *ss = data;
        const char *n = local(name);

        if (strcmp(n, "rPh") == 0 && ss->in_rph > 0)
                ss->in_rph--;
        else if (strcmp(n, "t") == 0)
                ss->in_t = 0;
        else if (strcmp(n, "si") == 0) {
                ss->in_si = 0;
                if (csvin_grow((void **)&ss->s, &ss->cap, ss->n + 1, sizeof(char *)) != 0 ||
                    (ss->s[ss->n] = trimmed(ss->cur.s ? ss->cur.s : "", ss->cur.n)) == NULL) {
                        oom(&ss->j);
                        return;
                }
                ss->n++;
        }
}

static void ss_chars(void *data, const XML_Char *s, int len)
{
        struct strings *ss = data;
        int rc;

        if (!ss->in_si || !ss->in_t || ss->in_rph > 0)
                return;
        if ((rc = text_add(&ss->cur, s, (size_t)len)) < 0) {
                oom(&ss->j);
                return;
        }
        if (rc > 0) {
                err_set(ss->j.e, RB_INVALID, "file",
                        ngettext("%s: shared string %zu holds more than %d character",
                                 "%s: shared string %zu holds more than %d characters",
                                 (unsigned long)XLSX_MAX_CELL),
                        ss->j.path, ss->n, XLSX_MAX_CELL);
                stop(&ss->j);
        }
}

/* ---- the worksheet ---- */

/* The column (from 0) of a cell reference such as "AB12"; -1 if it has no
 * letters, CSV_MAX_COLS if it is past the last column. */
static long ref_col(const char *ref)
{
        long col = 0;
        int k = 0;

        for (; *ref >= 'A' && *ref <= 'Z'; ref++, k++) {
                if (k == 3)
                        return CSV_MAX_COLS;
                col = col * 26 + (*ref - 'A' + 1);
        }
        if (k == 0)
                return -1;
        return col - 1 < CSV_MAX_COLS ? col - 1 : CSV_MAX_COLS;
}

/* Writes the date of serial day d (1900 or 1904 system) as YYYY-MM-DD. */
static const char *serial_date(double x, int date1904, char *buf, size_t len)
{
        long d = (long)floor(x) + (date1904 ? 1462 : 0), z, era, doe, yoe, y, doy, mp, m;

        if (d == 60) /* Excel's 29 February 1900, a day that never was */
                return "1900-02-29";
        z = (d < 60 ? d - 25568 : d - 25569) + 719468; /* days since 0000-03-01 */
        era = (z >= 0 ? z : z - 146096) / 146097;
        doe = z - era * 146097;
        yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        y = yoe + era * 400;
        doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        mp = (5 * doy + 2) / 153;
        m = mp < 10 ? mp + 3 : mp - 9;
        snprintf(buf, len, "%04ld-%02ld-%02ld", y + (m <= 2), m, doy - (153 * mp + 2) / 5 + 1);
        return buf;
}

/* The text of a number cell: a date when its style is one, an integral
 * number without a fraction; a number of 16 digits or more as the file
 * holds it (Excel keeps 15), and anything that is no number unchanged. */
static const char *number_text(const char *v, int date, int date1904, char *buf, size_t len)
{
        char *end;
        double x;

        if (*v == '\0')
                return v;
        x = strtod(v, &end);
        if (*end != '\0' || !isfinite(x))
                return v;
        if (date && x >= 0 && x < 2958466) /* up to 9999-12-31 */
                return serial_date(x, date1904, buf, len);
        if (fabs(x) >= 1e15)
                return v;
        if (x == 0)
                x = 0; /* never "-0" */
        snprintf(buf, len, x == floor(x) ? "%.0f" : "%.15g", x);
        return buf;
}

/* The text of the cell in progress, by its type; NULL (the parse stopped)
 * for a shared string that does not exist. */
static const char *cell_text(struct sheet *sh, char *buf, size_t len)
{
        const char *v = sh->cur.s != NULL ? sh->cur.s : "", *ty = sh->type;
        char *end;
        long i;
        int date;

        if (strcmp(ty, "s") == 0) {
                i = strtol(v, &end, 10);
                if (end != v && *end == '\0' && i >= 0 && (size_t)i < sh->ss->n)
                        return sh->ss->s[i];
                err_set(sh->j.e, RB_INVALID, "file",
                        _("%s, line %ld: cell %s points at shared string '%s', which does not "
                          "exist"),
                        sh->j.path, sh->row, sh->ref, v);
                stop(&sh->j);
                return NULL;
        }
        if (strcmp(ty, "b") == 0)
                return strcmp(v, "1") == 0 ? "TRUE" : "FALSE";
        if (strcmp(ty, "d") == 0) {
                snprintf(buf, len, "%.*s", (int)strcspn(v, "T"), v);
                return buf;
        }
        if (ty[0] != '\0' && strcmp(ty, "n") != 0)
                return v; /* inlineStr, str, e */
        date = sh->style >= 0 && (size_t)sh->style < sh->st->nxf && sh->st->xf_date[sh->style];
        return number_text(v, date, sh->book->date1904, buf, len);
}

/* Fails the parse for a row wider than CSV_MAX_COLS. */
static void too_wide(struct sheet *sh)
{
        err_set(sh->j.e, RB_INVALID, "file",
                ngettext("%s, line %ld: more than %d column (a spreadsheet has at most %d)",
                         "%s, line %ld: more than %d columns (a spreadsheet has at most %d)",
                         (unsigned long)CSV_MAX_COLS),
                sh->j.path, sh->row, CSV_MAX_COLS, CSV_MAX_COLS);
        stop(&sh->j);
}

/* Puts the cell in progress into the row at its column. */
static void end_cell(struct sheet *sh)
{
        char buf[64], *c;
        const char *v = cell_text(sh, buf, sizeof(buf));
        size_t at = (size_t)sh->col;

        if (v == NULL)
                return;
        if (csvin_grow((void **)&sh->cells, &sh->cap, at + 1, sizeof(char *)) != 0) {
                oom(&sh->j);
                return;
        }
        for (; sh->n <= at; sh->n++)
                sh->cells[sh->n] = NULL;
        if ((c = trimmed(v, strlen(v))) == NULL) {
                oom(&sh->j);
                return;
        }
        free(sh->cells[at]);
        sh->cells[at] = c;
}

/* Frees n cells (NULL slots allowed) and their array. */
static void free_cells(char **cells, size_t n)
{
        if (cells == NULL)
                return;
        for (size_t i = 0; i < n; i++)
                free(cells[i]);
        free(cells);
}

/* Moves the row in progress into the table unless every cell is empty. */
static void end_row(struct sheet *sh)
{
        struct csv_table *t = sh->t;
        struct csv_row *r;
        size_t i, full = 0;

        for (i = 0; i < sh->n; i++) {
                if (sh->cells[i] == NULL && (sh->cells[i] = calloc(1, 1)) == NULL) {
                        oom(&sh->j);
                        return;
                }
                full += sh->cells[i][0] != '\0';
        }
        if (full > 0 && t->header == NULL) {
                t->header = sh->cells;
                t->ncols = sh->n;
                sh->cells = NULL;
        } else if (full > 0) {
                if (csvin_grow((void **)&t->rows, &sh->rows_cap, t->nrows + 1, sizeof(*t->rows)) !=
                    0) {
                        oom(&sh->j);
                        return;
                }
                r = &t->rows[t->nrows++];
                r->line = sh->row;
                r->n = sh->n;
                r->cells = sh->cells;
                sh->cells = NULL;
        }
        free_cells(sh->cells, sh->n);
        sh->cells = NULL;
        sh->n = sh->cap = 0;
}

/* A <c> begins: its reference, column, type and style. */
static void start_cell(struct sheet *sh, const char **atts)
{
        const char *ref = attr(atts, "r"), *ty = attr(atts, "t"), *s = attr(atts, "s");
        long col = ref != NULL ? ref_col(ref) : -1;

        sh->col = col >= 0 ? col : sh->col + 1;
        if (sh->col >= CSV_MAX_COLS) {
                too_wide(sh);
                return;
        }
        if (ref != NULL)
                snprintf(sh->ref, sizeof(sh->ref), "%s", ref);
        else
                snprintf(sh->ref, sizeof(sh->ref), "#%ld", sh->col + 1);
        snprintf(sh->type, sizeof(sh->type), "%s", ty != NULL ? ty : "");
        sh->style = s != NULL ? strtol(s, NULL, 10) : 0;
        text_reset(&sh->cur);
        sh->in_cell = 1;
}

static void sheet_start(void *data, const XML_Char *name, const XML_Char **atts)
{
        struct sheet *sh = data;
        const char *n = local(name), *r;

        if (strcmp(n, "row") == 0) {
                r = attr(atts, "r");
                sh->row = r != NULL ? strtol(r, NULL, 10) : sh->row + 1;
                sh->col = -1;
                sh->in_row = 1;
        } else if (strcmp(n, "c") == 0 && sh->in_row) {
                start_cell(sh, atts);
        } else if (sh->in_cell && strcmp(n, "v") == 0) {
                sh->in_v = 1;
        } else if (sh->in_cell && strcmp(n, "is") == 0) {
                sh->in_is = 1;
        } else if (sh->in_is && strcmp(n, "t") == 0) {
                sh->in_t = 1;
        } else if (sh->in_is && strcmp(n, "rPh") == 0) {
                sh->in_rph++;
        }
}

static void sheet_end(void *data, const XML_Char *name)
{
        struct sheet *sh = data;
        const char *n = local(name);

        if (strcmp(n, "v") == 0)
                sh->in_v = 0;
        else if (strcmp(n, "t") == 0)
                sh->in_t = 0;
        else if (strcmp(n, "rPh") == 0 && sh->in_rph > 0)
                sh->in_rph--;
        else if (strcmp(n, "is") == 0)
                sh->in_is = 0;
        else if (strcmp(n, "c") == 0 && sh->in_cell) {
                sh->in_cell = 0;
                end_cell(sh);
        } else if (strcmp(n, "row") == 0 && sh->in_row) {
                sh->in_row = 0;
                end_row(sh);
        }
}

static void sheet_chars(void *data, const XML_Char *s, int len)
{
        struct sheet *sh = data;
        int rc;

        if (!sh->in_cell || !(sh->in_v || (sh->in_is && sh->in_t && sh->in_rph == 0)))
                return;
        if ((rc = text_add(&sh->cur, s, (size_t)len)) < 0) {
                oom(&sh->j);
                return;
        }
        if (rc > 0) {
                err_set(sh->j.e, RB_INVALID, "file",
                        ngettext("%s, line %ld: cell %s holds more than %d character",
                                 "%s, line %ld: cell %s holds more than %d characters",
                                 (unsigned long)XLSX_MAX_CELL),
                        sh->j.path, sh->row, sh->ref, XLSX_MAX_CELL);
                stop(&sh->j);
        }
}

/* ---- the workbook ---- */

/* Opens path as a zip archive; NULL with e set if it is not one. */
static zip_t *open_zip(const char *path, struct rb_err *e)
{
        zip_error_t ze;
        zip_t *z;
        int code = 0;

        if ((z = zip_open(path, ZIP_RDONLY, &code)) != NULL)
                return z;
        zip_error_init_with_code(&ze, code);
        if (code == ZIP_ER_NOENT || code == ZIP_ER_OPEN || code == ZIP_ER_READ)
                err_set(e, RB_NOT_FOUND, "file", _("cannot open %s: %s"), path,
                        zip_error_strerror(&ze));
        else if (code == ZIP_ER_NOZIP)
                err_set(e, RB_INVALID, "file",
                        _("%s: not an .xlsx file (not a zip archive, or one cut short)"), path);
        else
                damaged(path, zip_error_strerror(&ze), e);
        zip_error_fini(&ze);
        return NULL;
}

/* Reads the parts into t, in the order each needs the one before. */
static int read_parts(zip_t *z, const char *path, struct sheet *sh, struct rb_err *e)
{
        struct styles *st = (struct styles *)sh->st;
        struct strings *ss = (struct strings *)sh->ss;
        struct book *b = (struct book *)sh->book;

        if (read_book(z, path, b, e) != 0 ||
            parse_part(z, path, "xl/styles.xml", &st->j, styles_start, styles_end, NULL, 1, e) <
                0 ||
            parse_part(z, path, "xl/sharedStrings.xml", &ss->j, ss_start, ss_end, ss_chars, 1, e) <
                0 ||
            parse_part(z, path, b->target, &sh->j, sheet_start, sheet_end, sheet_chars, 0, e) != 0)
                return -1;
        if (sh->t->header == NULL)
                return err_set(e, RB_INVALID, "file", _("%s: the file is empty (no header row)"),
                               path);
        return csvin_check_header(path, sh->t, e);
}

int xlsxin_read(const char *path, struct csv_table *t, struct rb_err *e)
{
        struct book b = {0};
        struct styles st = {0};
        struct strings ss = {0};
        struct sheet sh = {.book = &b, .st = &st, .ss = &ss, .t = t};
        zip_t *z;
        int rc;

        memset(t, 0, sizeof(*t));
        if ((z = open_zip(path, e)) == NULL)
                return -1;
        rc = read_parts(z, path, &sh, e);
        zip_discard(z);
        free(st.custom);
        free(st.xf_date);
        free_cells(ss.s, ss.n);
        free(ss.cur.s);
        free_cells(sh.cells, sh.n);
        free(sh.cur.s);
        if (rc != 0)
                csvin_free(t);
        return rc;
}

int xlsxin_is_xlsx(const char *path)
{
        size_t n = strlen(path);
        unsigned char head[4];
        struct stat sb;
        FILE *f;
        int yes;

        if (n >= 5 && strcasecmp(path + n - 5, ".xlsx") == 0)
                return 1;
        /* Only a regular file is peeked at: a pipe would lose what is read. */
        if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || (f = fopen(path, "rb")) == NULL)
                return 0;
        yes = fread(head, 1, 4, f) == 4 && memcmp(head, "PK\x03\x04", 4) == 0;
        fclose(f);
        return yes;
}

int xlsxin_read_any(const char *path, struct csv_table *t, struct rb_err *e)
{
        return xlsxin_is_xlsx(path) ? xlsxin_read(path, t, e) : csvin_read(path, t, e);
}
