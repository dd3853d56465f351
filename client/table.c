/*
 * table.c - tabular output in three forms. Text columns are aligned by
 * display width (wcwidth: a combining accent takes no column, a wide
 * character two), and fit the terminal.
 */
#define _XOPEN_SOURCE 700 /* wcwidth */
#include "table.h"
#include "csvin.h"
#include "db.h"
#include "i18n.h"
#include "out.h"
#include "pager.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

/* The next character of s: its length in bytes into *len, its display
 * columns as the return (a combining accent 0, a wide character 2). Bytes the
 * locale cannot decode count as one column per UTF-8 code point. */
static int next_char(const char *s, size_t *len)
{
        mbstate_t ps;
        wchar_t wc;
        size_t n;
        int w;

        memset(&ps, 0, sizeof(ps));
        n = mbrtowc(&wc, s, MB_CUR_MAX, &ps);
        if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
                n = 1;
                while (s[n] != '\0' && ((unsigned char)s[n] & 0xc0) == 0x80)
                        n++;
                *len = n;
                return 1;
        }
        *len = n;
        w = wcwidth(wc);
        return w < 0 ? 1 : w;
}

/* Display columns of a string. */
static size_t width(const char *s)
{
        size_t n = 0, len;

        while (*s) {
                n += (size_t)next_char(s, &len);
                s += len;
        }
        return n;
}

/* Prints s cut to at most max columns (ending in "…" when cut), padded to pad. */
static void cell(const char *s, size_t max, size_t pad)
{
        size_t n = 0, i = 0, len;

        if (width(s) <= max) {
                fputs(s, stdout);
                n = width(s);
        } else if (max > 0) {
                while (s[i]) {
                        size_t w = (size_t)next_char(s + i, &len);
                        if (n + w > max - 1)
                                break;
                        n += w;
                        i += len;
                }
                fwrite(s, 1, i, stdout);
                fputs("\xe2\x80\xa6", stdout);
                n++;
        }
        for (; n < pad; n++)
                putchar(' ');
}

/* The columns a table may take: the terminal's when stdout is one, else
 * $COLUMNS, else 0 (no limit). */
static size_t term_columns(void)
{
        struct winsize ws;
        const char *env = getenv("COLUMNS");
        long n;

        if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
                return ws.ws_col;
        if (env != NULL && (n = strtol(env, NULL, 10)) > 0)
                return (size_t)n;
        return 0;
}

/* Shrinks the widest columns of w[0..nc) one column at a time until the row
 * (with two spaces between columns) fits in limit, or every column is 1. */
static void fit(size_t *w, size_t nc, size_t limit)
{
        size_t total = 2 * (nc - 1), c;

        for (c = 0; c < nc; c++)
                total += w[c];
        while (total > limit) {
                size_t widest = 0;
                for (c = 1; c < nc; c++)
                        if (w[c] > w[widest])
                                widest = c;
                if (w[widest] <= 1)
                        break;
                w[widest]--;
                total--;
        }
}

/* Prints one row of cells cut to the widths w. */
static void print_row(json_t *row, const size_t *w, size_t nc)
{
        for (size_t c = 0; c < nc; c++) {
                fputs(c ? "  " : "", stdout);
                cell(json_string_value(json_array_get(row, c)), w[c], c + 1 < nc ? w[c] : 0);
        }
        putchar('\n');
}

/* Prints rows (arrays of strings) as an aligned table: cells longer than 48
 * columns are cut, and the widest columns shrink until the table fits the
 * terminal; --wide shows every cell whole. */
static void print_text(const struct cli *cli, json_t *head, json_t *rows)
{
        size_t nc = json_array_size(head), w[64] = {0}, i, c, cap = cli->wide ? (size_t)-1 : 48;
        json_t *row;

        if (nc > 64)
                nc = 64;
        for (c = 0; c < nc; c++)
                w[c] = width(json_string_value(json_array_get(head, c)));
        json_array_foreach(rows, i, row) for (c = 0; c < nc; c++)
        {
                size_t k = width(json_string_value(json_array_get(row, c)));
                if (k > w[c])
                        w[c] = k;
        }
        for (c = 0; c < nc; c++)
                if (w[c] > cap)
                        w[c] = cap;
        if (!cli->wide && nc > 0 && term_columns() > 0)
                fit(w, nc, term_columns());
        if (json_array_size(rows) + 2 > pager_rows())
                pager_start(cli);
        print_row(head, w, nc);
        json_array_foreach(rows, i, row) print_row(row, w, nc);
        if (json_array_size(rows) == 0)
                printf(_("(none)\n"));
}

/* The English words of the data (a plan's state, the questionnaire's
 * "overall"), shown translated. */
static const char *const data_words[] = {N_("draft"), N_("approved"), N_("overall"),
                                         N_("withdrawn")};

const char *table_word(const char *v)
{
        for (size_t i = 0; v != NULL && i < sizeof(data_words) / sizeof(data_words[0]); i++)
                if (strcmp(v, data_words[i]) == 0)
                        return _(data_words[i]);
        return v;
}

/* A cell in the reader's language when human (not in CSV). */
static const char *human_text(int human, const char *v)
{
        return human ? table_word(v) : v;
}

/* A JSON scalar as text; booleans in the reader's language when human. */
static const char *scalar_text(int human, json_t *v, char *buf, size_t len)
{
        if (json_is_string(v))
                return json_string_value(v);
        if (json_is_integer(v))
                snprintf(buf, len, "%lld", (long long)json_integer_value(v));
        else if (json_is_real(v) && human)
                i18n_number(json_real_value(v), buf, len);
        else if (json_is_real(v))
                snprintf(buf, len, "%.2f", json_real_value(v));
        else if (json_is_true(v))
                snprintf(buf, len, "%s", human ? _("yes") : "yes");
        else if (json_is_false(v))
                snprintf(buf, len, "%s", human ? _("no") : "no");
        else
                buf[0] = '\0';
        return buf;
}

/* Prints rows (objects) with columns keys[0..nk) in the chosen form; releases rows. */
static int emit(struct cli *cli, json_t *rows, const char *const *keys, size_t nk,
                const char *const *headers)
{
        json_t *head = json_array(), *text = json_array(), *obj;
        const char *cells[64];
        char buf[64];
        size_t i;

        if (cli->json) {
                json_decref(head);
                json_decref(text);
                return out_json(rows);
        }
        if (!cli->csv)
                out_json_norm(rows); /* a flag reads yes/no, a time ISO 8601 */
        for (i = 0; i < nk; i++)
                json_array_append_new(head,
                                      json_string(headers && headers[i] ? _(headers[i]) : keys[i]));
        json_array_foreach(rows, i, obj)
        {
                json_t *r = json_array();
                for (size_t c = 0; c < nk; c++)
                        json_array_append_new(
                            r, json_string(human_text(
                                   !cli->csv, scalar_text(!cli->csv, json_object_get(obj, keys[c]),
                                                          buf, sizeof(buf)))));
                json_array_append_new(text, r);
        }
        if (cli->csv) {
                csvout_row(stdout, keys, nk);
                json_array_foreach(text, i, obj)
                {
                        for (size_t c = 0; c < nk; c++)
                                cells[c] = json_string_value(json_array_get(obj, c));
                        csvout_row(stdout, cells, nk);
                }
        } else {
                print_text(cli, head, text);
        }
        json_decref(head);
        json_decref(text);
        json_decref(rows);
        return 0;
}

int table_print_rows(struct cli *cli, json_t *rows, const char *const *keys, size_t nk,
                     const char *const *headers)
{
        return emit(cli, rows, keys, nk > 64 ? 64 : nk, headers);
}

int table_print_json(struct cli *cli, json_t *rows, const char *const *headers)
{
        const char *keys[64], *k;
        size_t nk = 0;
        json_t *v;

        json_object_foreach(json_array_get(rows, 0), k, v)
        {
                if (nk < 64)
                        keys[nk++] = k;
        }
        return emit(cli, rows, keys, nk, headers);
}

/* The value of column c of st's row as JSON. */
static json_t *column_json(sqlite3_stmt *st, int c)
{
        switch (sqlite3_column_type(st, c)) {
        case SQLITE_INTEGER:
                return json_integer(sqlite3_column_int64(st, c));
        case SQLITE_FLOAT:
                return json_real(sqlite3_column_double(st, c));
        case SQLITE_NULL:
                return json_null();
        default:
                return json_string((const char *)sqlite3_column_text(st, c));
        }
}

json_t *table_rows(sqlite3_stmt *st, struct rb_err *e)
{
        json_t *rows = json_array();
        int nc = sqlite3_column_count(st), rc;

        while ((rc = db_step(sqlite3_db_handle(st), st, e)) > 0) {
                json_t *o = json_object();
                for (int c = 0; c < nc; c++)
                        json_object_set_new(o, sqlite3_column_name(st, c), column_json(st, c));
                json_array_append_new(rows, o);
        }
        if (rc < 0) {
                json_decref(rows);
                return NULL;
        }
        return rows;
}

int table_print(struct cli *cli, sqlite3_stmt *st, const char *const *headers, struct rb_err *e)
{
        char names[64][48];
        const char *keys[64];
        int nc = sqlite3_column_count(st);
        json_t *rows;

        if (nc > 64)
                nc = 64;
        for (int c = 0; c < nc; c++) {
                snprintf(names[c], sizeof(names[c]), "%s", sqlite3_column_name(st, c));
                keys[c] = names[c];
        }
        if ((rows = table_rows(st, e)) == NULL)
                return -1;
        return emit(cli, rows, keys, (size_t)nc, headers);
}
