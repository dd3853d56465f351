/*
 * csvin.c - CSV import and export (renbin import / export, --csv output)
 * through libcsv. A file is read whole (the path "-" is standard input),
 * checked to be UTF-8 text (converted with iconv from Windows-1252, what
 * Excel saves under Windows, when it is not), its separator (',' ';' or tab)
 * taken from the header line, and fed to libcsv one line at a time so that each row knows the line
 * it started on: a row ends on the line being fed, and the line breaks inside its quoted cells say
 * how many lines back it began. A line break is "\n", "\r\n" or a lone "\r", the same in the file
 * and inside cells.
 *
 * Rows whose cells are all empty (",,,", Excel's padding) count as blank and
 * are skipped like empty lines. Every cell is trimmed of surrounding spaces
 * and tabs, quoted or not. The header row is the first non-blank row; a name
 * may not appear twice in it (case-insensitively).
 */
#include "csvin.h"
#include "fsutil.h"
#include "i18n.h"
#include "validate.h"

#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* What the libcsv callbacks build: the row in progress and the table. */
struct reader {
        struct csv_table *t;
        char **cells; /* the row in progress */
        size_t n, cap;
        long line; /* line of the chunk libcsv is parsing */
        size_t rows_cap;
        int oom;
        int wide; /* a row went over CSV_MAX_COLS cells */
};

static size_t line_end(const char *buf, size_t len, size_t pos);
static long count_breaks(const char *s, size_t n);
static void free_cells(char **cells, size_t n);
static void field_cb(void *field, size_t len, void *data);
static void row_cb(int c, void *data);
static int keep_row(struct reader *r);
static int check_nul(const char *path, const char *buf, size_t len, struct rb_err *e);
static long bad_utf8_line(char *buf, size_t len);
static int parse(const char *path, const char *buf, size_t len, char delim, struct reader *r,
                 struct rb_err *e);
static int needs_quotes(const char *s);

/* Grows an array by doubling (see csvin.h). */
int csvin_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
        size_t ncap = *cap ? *cap : 8;
        void *p;

        if (need <= *cap)
                return 0;
        while (ncap < need) {
                if (ncap > SIZE_MAX / 2)
                        return -1;
                ncap *= 2;
        }
        if (ncap > SIZE_MAX / elem || (p = realloc(*arr, ncap * elem)) == NULL)
                return -1;
        *arr = p;
        *cap = ncap;
        return 0;
}

/* Index just after the line that starts at pos, its line break included. */
static size_t line_end(const char *buf, size_t len, size_t pos)
{
        while (pos < len) {
                if (buf[pos] == '\n')
                        return pos + 1;
                if (buf[pos] == '\r')
                        return pos + 1 < len && buf[pos + 1] == '\n' ? pos + 2 : pos + 1;
                pos++;
        }
        return len;
}

/* Line breaks in s[0..n): "\n", or "\r" not followed by "\n". */
static long count_breaks(const char *s, size_t n)
{
        long k = 0;

        for (size_t i = 0; i < n; i++)
                if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n')))
                        k++;
        return k;
}

/* Frees n cells and their array. */
static void free_cells(char **cells, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(cells[i]);
        free(cells);
}

/* libcsv's end-of-field callback: appends a trimmed copy to the row in progress. */
static void field_cb(void *field, size_t len, void *data)
{
        struct reader *r = data;
        const char *s = field != NULL ? field : "";
        char *c;

        if (r->oom || r->wide)
                return;
        if (r->n >= CSV_MAX_COLS) {
                r->wide = 1;
                return;
        }
        while (len > 0 && (*s == ' ' || *s == '\t')) {
                s++;
                len--;
        }
        while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
                len--;
        if (csvin_grow((void **)&r->cells, &r->cap, r->n + 1, sizeof(char *)) != 0 ||
            (c = malloc(len + 1)) == NULL) {
                r->oom = 1;
                return;
        }
        memcpy(c, s, len);
        c[len] = '\0';
        r->cells[r->n++] = c;
}

/* libcsv's end-of-row callback: the row becomes the header or a data row,
 * unless it is blank. */
static void row_cb(int c, void *data)
{
        struct reader *r = data;

        (void)c;
        if (!r->oom && keep_row(r) != 0)
                r->oom = 1;
        if (r->cells != NULL)
                free_cells(r->cells, r->n);
        r->cells = NULL;
        r->n = r->cap = 0;
}

/* Moves the row in progress into the table (taking its cells) unless every
 * cell is empty; -1 if out of memory. */
static int keep_row(struct reader *r)
{
        struct csv_table *t = r->t;
        struct csv_row *row;
        long breaks = 0;
        size_t i;

        for (i = 0; i < r->n && r->cells[i][0] == '\0'; i++)
                ;
        if (i == r->n)
                return 0;
        if (t->header == NULL) {
                t->header = r->cells;
                t->ncols = r->n;
                r->cells = NULL;
                return 0;
        }
        if (csvin_grow((void **)&t->rows, &r->rows_cap, t->nrows + 1, sizeof(*t->rows)) != 0)
                return -1;
        for (i = 0; i < r->n; i++)
                breaks += count_breaks(r->cells[i], strlen(r->cells[i]));
        row = &t->rows[t->nrows++];
        row->line = r->line - breaks;
        row->n = r->n;
        row->cells = r->cells;
        r->cells = NULL;
        return 0;
}

/* Refuses NUL bytes (a binary file, or UTF-16), naming the line of the first. */
static int check_nul(const char *path, const char *buf, size_t len, struct rb_err *e)
{
        const char *nul = memchr(buf, '\0', len);

        if (nul != NULL)
                return err_set(e, RB_INVALID, "file", _("%s, line %ld: holds a NUL byte, not text"),
                               path, 1 + count_breaks(buf, (size_t)(nul - buf)));
        return 0;
}

/* The first line of buf that is not valid UTF-8, or 0. buf must have a NUL
 * at buf[len]; it is changed and restored line by line. */
static long bad_utf8_line(char *buf, size_t len)
{
        size_t pos = 0, end;
        long line = 1;
        char save;
        int ok;

        while (pos < len) {
                end = line_end(buf, len, pos);
                /* No UTF-8 sequence spans a line break: CR and LF are never continuation bytes. */
                save = buf[end];
                buf[end] = '\0';
                ok = utf8_valid(buf + pos);
                buf[end] = save;
                if (!ok)
                        return line;
                pos = end;
                line++;
        }
        return 0;
}

/* buf[0..len) read as Windows-1252, as a new UTF-8 string (at most 3 bytes a
 * byte); NULL with e naming the line of a byte Windows-1252 leaves undefined. */
static char *from_cp1252(const char *path, const char *buf, size_t len, struct rb_err *e)
{
        iconv_t cd = iconv_open("UTF-8", "WINDOWS-1252");
        size_t inleft = len, outleft = len * 3, rc;
        char *in = (char *)buf, *out, *o;

        if (cd == (iconv_t)-1) {
                err_set(e, RB_INTERNAL, "file", _("%s: cannot read Windows-1252 here: %s"), path,
                        strerror(errno));
                return NULL;
        }
        if (len > (SIZE_MAX - 1) / 3 || (out = o = malloc(len * 3 + 1)) == NULL) {
                iconv_close(cd);
                err_set(e, RB_EXHAUSTED, "file", _("%s: out of memory"), path);
                return NULL;
        }
        rc = iconv(cd, &in, &inleft, &o, &outleft);
        iconv_close(cd);
        if (rc == (size_t)-1) {
                free(out);
                err_set(e, RB_INVALID, "file",
                        _("%s, line %ld: neither UTF-8 nor Windows-1252 text (save the file as "
                          "UTF-8)"),
                        path, 1 + count_breaks(buf, (size_t)(in - buf)));
                return NULL;
        }
        *o = '\0';
        return out;
}

/* The header being sorted by csvin_check_header (qsort has no context pointer). */
static char *const *sort_header;

/* Orders header indices by name ignoring case, then by position. */
static int by_name(const void *a, const void *b)
{
        size_t i = *(const size_t *)a, j = *(const size_t *)b;
        int c = strcasecmp(sort_header[i], sort_header[j]);

        return c != 0 ? c : (i > j) - (i < j);
}

/* Refuses a header naming a column twice (see csvin.h). */
int csvin_check_header(const char *path, const struct csv_table *t, struct rb_err *e)
{
        size_t *ix = malloc((t->ncols ? t->ncols : 1) * sizeof(*ix)), first = SIZE_MAX;

        if (ix == NULL)
                return err_set(e, RB_EXHAUSTED, "file", _("%s: out of memory"), path);
        for (size_t i = 0; i < t->ncols; i++)
                ix[i] = i;
        sort_header = t->header;
        qsort(ix, t->ncols, sizeof(*ix), by_name);
        for (size_t k = 1; k < t->ncols; k++)
                if (t->header[ix[k]][0] != '\0' &&
                    strcasecmp(t->header[ix[k]], t->header[ix[k - 1]]) == 0 && ix[k] < first)
                        first = ix[k];
        free(ix);
        if (first != SIZE_MAX)
                return err_set(e, RB_INVALID, t->header[first],
                               _("%s: column '%s' appears twice in the header"), path,
                               t->header[first]);
        return 0;
}

/* Fails e for a row over CSV_MAX_COLS cells that ends on line. */
static int too_wide(const char *path, long line, struct rb_err *e)
{
        return err_set(e, RB_INVALID, "file",
                       ngettext("%s, line %ld: more than %d column (a spreadsheet has at most %d)",
                                "%s, line %ld: more than %d columns (a spreadsheet has at most %d)",
                                (unsigned long)CSV_MAX_COLS),
                       path, line, CSV_MAX_COLS, CSV_MAX_COLS);
}

/* Feeds buf to libcsv a line at a time, building r->t. */
/* libcsv's space test for a tab-separated file: only ' ' (a tab separates). */
static int space_only(unsigned char c)
{
        return c == ' ';
}

static int parse(const char *path, const char *buf, size_t len, char delim, struct reader *r,
                 struct rb_err *e)
{
        struct csv_parser p;
        size_t pos = 0, end, done;
        long breaks;
        int rc = -1;

        if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
                return err_set(e, RB_EXHAUSTED, "file", _("out of memory"));
        csv_set_delim(&p, (unsigned char)delim);
        if (delim == '\t')
                csv_set_space_func(&p, space_only);
        r->line = 1;
        while (pos < len) {
                end = line_end(buf, len, pos);
                done = csv_parse(&p, buf + pos, end - pos, field_cb, row_cb, r);
                if (r->oom || csv_error(&p) == CSV_ENOMEM || csv_error(&p) == CSV_ETOOBIG) {
                        err_set(e, RB_EXHAUSTED, "file", _("%s: out of memory"), path);
                        goto out;
                }
                if (r->wide) {
                        too_wide(path, r->line, e);
                        goto out;
                }
                if (done != end - pos) {
                        err_set(e, RB_INVALID, "file",
                                _("%s, line %ld: bad quoting (a quote inside a cell must be "
                                  "doubled, and a quoted cell must end at its closing quote)"),
                                path, r->line);
                        goto out;
                }
                if (buf[end - 1] == '\n' || buf[end - 1] == '\r')
                        r->line++;
                pos = end;
        }
        if (csv_fini(&p, field_cb, row_cb, r) != 0) {
                /* Only an unclosed quote fails here: find the line its row began on. */
                breaks = count_breaks((const char *)p.entry_buf, p.entry_pos);
                for (size_t i = 0; i < r->n; i++)
                        breaks += count_breaks(r->cells[i], strlen(r->cells[i]));
                err_set(e, RB_INVALID, "file",
                        _("%s, line %ld: bad quoting (a quoted cell is never closed)"), path,
                        r->line - breaks);
                goto out;
        }
        if (r->oom) {
                err_set(e, RB_EXHAUSTED, "file", _("%s: out of memory"), path);
                goto out;
        }
        if (r->wide) {
                too_wide(path, r->line, e);
                goto out;
        }
        rc = 0;
out:
        csv_free(&p);
        return rc;
}

/* Reads all of standard input; NULL with e. buf[*len] is a NUL. */
static char *read_stdin(size_t *len, struct rb_err *e)
{
        size_t cap = 8192, n = 0, k;
        char *buf = malloc(cap), *nb;

        while (buf != NULL && (k = fread(buf + n, 1, cap - n - 1, stdin)) > 0) {
                n += k;
                if (n + 1 < cap)
                        continue;
                nb = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
                if (nb == NULL)
                        free(buf);
                buf = nb;
                cap *= 2;
        }
        if (buf == NULL) {
                err_set(e, RB_EXHAUSTED, "file", _("out of memory"));
                return NULL;
        }
        if (ferror(stdin)) {
                free(buf);
                err_set(e, RB_NOT_FOUND, "file", _("cannot read standard input: %s"),
                        strerror(errno));
                return NULL;
        }
        buf[n] = '\0';
        *len = n;
        return buf;
}

/* The text of the file as UTF-8 without its BOM at *start: buf itself (0),
 * or a new string (1) converted from Windows-1252 when forced, or (auto)
 * when buf is not valid UTF-8; -1 with e. */
static int decode(const char *path, char *buf, size_t len, enum csv_encoding enc, char **start,
                  struct rb_err *e)
{
        size_t skip = 0;
        long bad;

        if (check_nul(path, buf, len, e) != 0)
                return -1;
        if (enc != CSV_ENC_CP1252 && len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
                skip = 3;
        bad = enc == CSV_ENC_CP1252 ? 1 : bad_utf8_line(buf + skip, len - skip);
        if (bad == 0) {
                *start = buf + skip;
                return 0;
        }
        if (enc == CSV_ENC_UTF8)
                return err_set(e, RB_INVALID, "file",
                               _("%s, line %ld: not valid UTF-8 (save the file as UTF-8)"), path,
                               bad);
        return (*start = from_cp1252(path, buf, len, e)) != NULL ? 1 : -1;
}

/* Reads a whole CSV file into t; on failure t is left empty. */
int csvin_read_opts(const char *path, const struct csv_opts *o, struct csv_table *t,
                    struct rb_err *e)
{
        static const struct csv_opts detect = {0, CSV_ENC_AUTO};
        struct reader r = {.t = t};
        int in = strcmp(path, "-") == 0, rc = -1, conv;
        const char *name = in ? _("standard input") : path;
        char *buf, *text = NULL;
        size_t len;

        memset(t, 0, sizeof(*t));
        o = o != NULL ? o : &detect;
        if ((buf = in ? read_stdin(&len, e) : fs_read(path, &len, e)) == NULL)
                return -1;
        if ((conv = decode(name, buf, len, o->enc, &text, e)) < 0)
                goto out;
        t->cp1252 = conv;
        t->delim = o->delim ? o->delim : csvin_detect_delim(text, strlen(text));
        if (parse(name, text, strlen(text), t->delim, &r, e) != 0)
                goto out;
        if (t->header == NULL) {
                err_set(e, RB_INVALID, "file", _("%s: the file is empty (no header row)"), name);
                goto out;
        }
        if (csvin_check_header(name, t, e) != 0)
                goto out;
        rc = 0;
out:
        if (r.cells != NULL)
                free_cells(r.cells, r.n);
        if (rc != 0)
                csvin_free(t);
        if (conv > 0)
                free(text);
        free(buf);
        return rc;
}

int csvin_read(const char *path, struct csv_table *t, struct rb_err *e)
{
        return csvin_read_opts(path, NULL, t, e);
}

/* True for a line that holds nothing but spaces and separators (blank, or
 * Excel's ",,," padding), from pos to end. */
static int blank_line(const char *buf, size_t pos, size_t end)
{
        for (; pos < end; pos++)
                if (strchr(" \t,;\r\n", buf[pos]) == NULL)
                        return 0;
        return 1;
}

char csvin_detect_delim(const char *buf, size_t len)
{
        size_t pos = 0, end = 0, n[3] = {0, 0, 0};
        int quoted = 0;

        while (pos < len && blank_line(buf, pos, end = line_end(buf, len, pos)))
                pos = end;
        /* The header record: to its first line break outside quotes. */
        for (; pos < len && (quoted || (buf[pos] != '\n' && buf[pos] != '\r')); pos++)
                if (buf[pos] == '"')
                        quoted = !quoted;
                else if (!quoted && buf[pos] == ',')
                        n[0]++;
                else if (!quoted && buf[pos] == ';')
                        n[1]++;
                else if (!quoted && buf[pos] == '\t')
                        n[2]++;
        if (n[1] > n[0] && n[1] >= n[2])
                return ';';
        if (n[2] > n[0] && n[2] > n[1])
                return '\t';
        return ',';
}

/* Reads 1-2 digits at *s into *v, moving *s; 0 if there were none. */
static int two_digits(const char **s, int *v)
{
        int k = 0;

        *v = 0;
        while (k < 2 && isdigit((unsigned char)**s)) {
                *v = *v * 10 + (**s - '0');
                (*s)++;
                k++;
        }
        return k;
}

int csvin_date(const char *in, char out[11])
{
        const char *s = in;
        int d, m;
        char sep;

        if (!two_digits(&s, &d) || (*s != '/' && *s != '-'))
                return 0;
        sep = *s++;
        if (!two_digits(&s, &m) || *s++ != sep)
                return 0;
        if (strlen(s) != 4 || strspn(s, "0123456789") != 4)
                return 0;
        snprintf(out, 11, "%.4s-%02u-%02u", s, (unsigned)m % 100u, (unsigned)d % 100u);
        return 1;
}

/* Index of the header column called name, ignoring case; -1 if none. */
int csvin_col(const struct csv_table *t, const char *name)
{
        if (name == NULL || *name == '\0')
                return -1;
        for (size_t i = 0; i < t->ncols; i++)
                if (strcasecmp(t->header[i], name) == 0)
                        return (int)i;
        return -1;
}

/* Checks the header has every column of cols; the error names the first missing. */
int csvin_require(const struct csv_table *t, const char *const *cols, struct rb_err *e)
{
        char have[256];
        size_t o = 0;
        int n;

        for (size_t i = 0; cols[i] != NULL; i++) {
                if (csvin_col(t, cols[i]) >= 0)
                        continue;
                have[0] = '\0';
                for (size_t j = 0; j < t->ncols && o < sizeof(have); j++) {
                        n = snprintf(have + o, sizeof(have) - o, "%s%s", j ? ", " : "",
                                     t->header[j]);
                        if (n < 0)
                                break;
                        o += (size_t)n;
                }
                return err_set(e, RB_INVALID, cols[i],
                               _("missing column '%s' (the header has: %s)"), cols[i], have);
        }
        return 0;
}

/* The cell at col of r, "" when the row is short or col is -1. */
const char *csvin_cell(const struct csv_row *r, int col)
{
        if (col < 0 || (size_t)col >= r->n)
                return "";
        return r->cells[col];
}

/* Frees everything t holds and zeroes it. */
void csvin_free(struct csv_table *t)
{
        if (t->header != NULL)
                free_cells(t->header, t->ncols);
        for (size_t i = 0; i < t->nrows; i++)
                free_cells(t->rows[i].cells, t->rows[i].n);
        free(t->rows);
        memset(t, 0, sizeof(*t));
}

/* True if s must be quoted: a comma, quote or line break inside, a space or
 * tab at either end that a reader would trim, or a leading BOM (U+FEFF) that
 * a reader would drop as the file's own when the cell opens the file. */
static int needs_quotes(const char *s)
{
        size_t n = strlen(s);

        if (n == 0)
                return 0;
        if (strpbrk(s, ",;\t\"\r\n") != NULL || strncmp(s, "\xef\xbb\xbf", 3) == 0)
                return 1;
        return s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t';
}

/* Writes one row (RFC 4180 quoting, quotes doubled) ending in "\n"; -1 on a write error. */
int csvout_row(FILE *f, const char *const *cells, size_t n)
{
        const char *s;

        for (size_t i = 0; i < n; i++) {
                s = cells[i] != NULL ? cells[i] : "";
                if (i > 0 && fputc(',', f) == EOF)
                        return -1;
                if (!needs_quotes(s)) {
                        if (fputs(s, f) == EOF)
                                return -1;
                        continue;
                }
                if (fputc('"', f) == EOF)
                        return -1;
                for (; *s != '\0'; s++)
                        if ((*s == '"' && fputc('"', f) == EOF) || fputc(*s, f) == EOF)
                                return -1;
                if (fputc('"', f) == EOF)
                        return -1;
        }
        if (fputc('\n', f) == EOF)
                return -1;
        return 0;
}

int csvin_formula_like(const char *v)
{
        return v[0] != '\0' && strchr("=+-@\t\r", v[0]) != NULL;
}
