/*
 * table.c - tabular output in three forms. Text columns are aligned by
 * display width, counted in UTF-8 code points (names and places here are
 * Latin script).
 */
#include "table.h"
#include "csvin.h"
#include "db.h"
#include "i18n.h"
#include "out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Code points in a UTF-8 string. */
static size_t width(const char *s)
{
        size_t n = 0;

        for (; *s; s++)
                if (((unsigned char)*s & 0xc0) != 0x80)
                        n++;
        return n;
}

/* Prints s cut to at most max code points (with "..." when cut), padded to pad. */
static void cell(const char *s, size_t max, size_t pad)
{
        size_t n = 0, i = 0;

        if (width(s) <= max) {
                fputs(s, stdout);
                n = width(s);
        } else {
                for (; s[i] && n < max - 3; i++) {
                        if (((unsigned char)s[i] & 0xc0) != 0x80)
                                n++;
                }
                while (((unsigned char)s[i] & 0xc0) == 0x80)
                        i++;
                fwrite(s, 1, i, stdout);
                fputs("...", stdout);
                n += 3;
        }
        for (; n < pad; n++)
                putchar(' ');
}

/* Prints rows (arrays of strings) as an aligned table. */
static void print_text(json_t *head, json_t *rows)
{
        size_t nc = json_array_size(head), w[64] = {0}, i, c;
        json_t *row;

        if (nc > 64)
                nc = 64;
        for (c = 0; c < nc; c++)
                w[c] = width(json_string_value(json_array_get(head, c)));
        json_array_foreach(rows, i, row) for (c = 0; c < nc; c++)
        {
                size_t k = width(json_string_value(json_array_get(row, c)));
                if (k > w[c])
                        w[c] = k > 48 ? 48 : k;
        }
        for (c = 0; c < nc; c++) {
                fputs(c ? "  " : "", stdout);
                cell(json_string_value(json_array_get(head, c)), 48, c + 1 < nc ? w[c] : 0);
        }
        putchar('\n');
        json_array_foreach(rows, i, row)
        {
                for (c = 0; c < nc; c++) {
                        fputs(c ? "  " : "", stdout);
                        cell(json_string_value(json_array_get(row, c)), 48, c + 1 < nc ? w[c] : 0);
                }
                putchar('\n');
        }
        if (json_array_size(rows) == 0)
                printf(_("(none)\n"));
}

/* A JSON scalar as text. */
static const char *scalar_text(json_t *v, char *buf, size_t len)
{
        if (json_is_string(v))
                return json_string_value(v);
        if (json_is_integer(v))
                snprintf(buf, len, "%lld", (long long)json_integer_value(v));
        else if (json_is_real(v))
                snprintf(buf, len, "%.2f", json_real_value(v));
        else if (json_is_true(v))
                snprintf(buf, len, "%s", "yes");
        else if (json_is_false(v))
                snprintf(buf, len, "%s", "no");
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
        for (i = 0; i < nk; i++)
                json_array_append_new(head,
                                      json_string(headers && headers[i] ? _(headers[i]) : keys[i]));
        json_array_foreach(rows, i, obj)
        {
                json_t *r = json_array();
                for (size_t c = 0; c < nk; c++)
                        json_array_append_new(r,
                                              json_string(scalar_text(json_object_get(obj, keys[c]),
                                                                      buf, sizeof(buf))));
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
                print_text(head, text);
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

int table_print(struct cli *cli, sqlite3_stmt *st, const char *const *headers, struct rb_err *e)
{
        json_t *rows = json_array();
        char names[64][48];
        const char *keys[64];
        int nc = sqlite3_column_count(st), rc;

        if (nc > 64)
                nc = 64;
        for (int c = 0; c < nc; c++) {
                snprintf(names[c], sizeof(names[c]), "%s", sqlite3_column_name(st, c));
                keys[c] = names[c];
        }
        while ((rc = db_step(sqlite3_db_handle(st), st, e)) > 0) {
                json_t *o = json_object();
                for (int c = 0; c < nc; c++) {
                        switch (sqlite3_column_type(st, c)) {
                        case SQLITE_INTEGER:
                                json_object_set_new(o, keys[c],
                                                    json_integer(sqlite3_column_int64(st, c)));
                                break;
                        case SQLITE_FLOAT:
                                json_object_set_new(o, keys[c],
                                                    json_real(sqlite3_column_double(st, c)));
                                break;
                        case SQLITE_NULL:
                                json_object_set_new(o, keys[c], json_null());
                                break;
                        default:
                                json_object_set_new(
                                    o, keys[c],
                                    json_string((const char *)sqlite3_column_text(st, c)));
                        }
                }
                json_array_append_new(rows, o);
        }
        if (rc < 0) {
                json_decref(rows);
                return -1;
        }
        return emit(cli, rows, keys, (size_t)nc, headers);
}
