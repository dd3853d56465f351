/*
 * fuzz_csv.c - libFuzzer target for the CSV reader and writer (common/csvin.c),
 * which `renbin import` runs on files people bring from spreadsheets.
 *
 * The input is written to a temp file and read with csvin_read. A table it
 * accepts is then looked at the way the importers do (csvin_col for each
 * header name, csvin_require, csvin_cell in and out of range), checked (rows
 * are never blank, start on a line of the file, in order), written back with
 * csvout_row and read again: the second table must equal the first. Rejected
 * input must leave the table empty. Nothing may leak.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "csvin.h"

#define CHECK(c)                                                                                   \
        do {                                                                                       \
                if (!(c))                                                                          \
                        abort();                                                                   \
        } while (0)

/* The temp folder of this process and its two files: the input and the copy. */
static char dir[64];
static char in_path[128];
static char out_path[128];

/* Removes the temp files at exit. */
static void cleanup(void)
{
        unlink(in_path);
        unlink(out_path);
        rmdir(dir);
}

/* Makes the temp folder on the first run. */
static void setup(void)
{
        if (dir[0] != '\0')
                return;
        snprintf(dir, sizeof(dir), "/tmp/renbin-fuzz-csv-XXXXXX");
        CHECK(mkdtemp(dir) != NULL);
        snprintf(in_path, sizeof(in_path), "%s/in.csv", dir);
        snprintf(out_path, sizeof(out_path), "%s/out.csv", dir);
        atexit(cleanup);
}

/* Writes n bytes to path, replacing it. */
static void put(const char *path, const uint8_t *data, size_t n)
{
        FILE *f = fopen(path, "wb");

        CHECK(f != NULL);
        CHECK(fwrite(data, 1, n, f) == n);
        CHECK(fclose(f) == 0);
}

/* Line breaks of the input ("\n", "\r\n", lone "\r"): the last line a row may start on. */
static long lines(const uint8_t *s, size_t n)
{
        long k = 1;

        for (size_t i = 0; i < n; i++)
                if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n')))
                        k++;
        return k;
}

/* Looks at t the way the importers do, and checks what a read table promises. */
static void look(const struct csv_table *t, long nlines)
{
        const char *need[3] = {NULL, "no such column, surely", NULL};
        struct rb_err e;
        long last = 0;
        int col;

        CHECK(t->header != NULL && t->ncols > 0);
        for (size_t i = 0; i < t->ncols; i++) {
                CHECK(t->header[i] != NULL);
                col = csvin_col(t, t->header[i]);
                /* A name appears once in the header; "" is never a column. */
                CHECK(t->header[i][0] == '\0' ? col == -1 : col == (int)i);
                need[0] = t->header[i];
                need[1] = NULL;
                CHECK(csvin_require(t, need, &e) == (t->header[i][0] == '\0' ? -1 : 0));
        }
        need[0] = "no such column, surely";
        CHECK(csvin_require(t, need, &e) == -1 || csvin_col(t, need[0]) >= 0);
        for (size_t r = 0; r < t->nrows; r++) {
                const struct csv_row *row = &t->rows[r];
                int blank = 1;

                CHECK(row->line >= 1 && row->line <= nlines && row->line > last);
                last = row->line;
                for (size_t i = 0; i < row->n; i++) {
                        CHECK(row->cells[i] != NULL);
                        CHECK(strcmp(csvin_cell(row, (int)i), row->cells[i]) == 0);
                        blank &= row->cells[i][0] == '\0';
                }
                CHECK(!blank);
                CHECK(strcmp(csvin_cell(row, -1), "") == 0);
                CHECK(strcmp(csvin_cell(row, (int)row->n), "") == 0);
        }
}

/* Writes t with csvout_row to out_path, header first. */
static void write_back(const struct csv_table *t)
{
        FILE *f = fopen(out_path, "wb");

        CHECK(f != NULL);
        CHECK(csvout_row(f, (const char *const *)t->header, t->ncols) == 0);
        for (size_t r = 0; r < t->nrows; r++)
                CHECK(csvout_row(f, (const char *const *)t->rows[r].cells, t->rows[r].n) == 0);
        CHECK(fclose(f) == 0);
}

/* True if two rows of cells are the same. */
static int same_cells(char *const *a, size_t na, char *const *b, size_t nb)
{
        if (na != nb)
                return 0;
        for (size_t i = 0; i < na; i++)
                if (strcmp(a[i], b[i]) != 0)
                        return 0;
        return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One run: data is a whole CSV file. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct csv_table t, u;
        struct rb_err e;

        setup();
        put(in_path, data, size);
        if (csvin_read(in_path, &t, &e) != 0) {
                CHECK(e.code != RB_OK && e.msg[0] != '\0');
                CHECK(t.header == NULL && t.rows == NULL && t.nrows == 0 && t.ncols == 0);
                return 0;
        }
        look(&t, lines(data, size));
        write_back(&t);
        if (csvin_read(out_path, &u, &e) != 0) {
                fprintf(stderr, "written back, not read again: %s\n", e.msg);
                abort();
        }
        CHECK(same_cells(t.header, t.ncols, u.header, u.ncols));
        CHECK(t.nrows == u.nrows);
        for (size_t r = 0; r < t.nrows; r++)
                CHECK(same_cells(t.rows[r].cells, t.rows[r].n, u.rows[r].cells, u.rows[r].n));
        csvin_free(&u);
        csvin_free(&t);
        return 0;
}
