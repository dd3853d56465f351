/*
 * test_csv.c - CSV in and out (common/csvin.c): rows and their line numbers,
 * quoting, BOM, blank lines, the errors that name a line, and csvout_row
 * output read back by csvin_read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvin.h"

/* The temp folder of the whole run and the last file written in it. */
struct fixture {
        char dir[64];
        char path[128];
        int nfiles;
};

/* Writes len bytes of data to a new file in the temp folder; returns its path. */
static const char *put(void **state, const char *data, size_t len)
{
        struct fixture *fx = *state;
        FILE *f;

        snprintf(fx->path, sizeof(fx->path), "%s/f%d.csv", fx->dir, fx->nfiles++);
        assert_non_null(f = fopen(fx->path, "wb"));
        assert_int_equal(fwrite(data, 1, len, f), len);
        assert_int_equal(fclose(f), 0);
        return fx->path;
}

/* put() for a string literal, which may hold NUL bytes. */
#define PUT(lit) put(state, (lit), sizeof(lit) - 1)

/* Reads path (with o, or detecting) expecting failure with code and needle in the message. */
static void read_fails_opts(const char *path, const struct csv_opts *o, int code,
                            const char *needle)
{
        struct csv_table t;
        struct rb_err e;

        err_clear(&e);
        assert_int_equal(csvin_read_opts(path, o, &t, &e), -1);
        assert_int_equal(e.code, code);
        if (strstr(e.msg, needle) == NULL) {
                print_error("message \"%s\" lacks \"%s\"\n", e.msg, needle);
                fail();
        }
        /* Nothing is left allocated or half-filled. */
        assert_null(t.header);
        assert_null(t.rows);
        assert_int_equal(t.nrows, 0);
}

static void read_fails(const char *path, int code, const char *needle)
{
        read_fails_opts(path, NULL, code, needle);
}

/* Makes the temp folder. */
static int setup(void **state)
{
        struct fixture *fx = calloc(1, sizeof(*fx));

        if (fx == NULL)
                return -1;
        snprintf(fx->dir, sizeof(fx->dir), "/tmp/renbin-test-csv-XXXXXX");
        if (mkdtemp(fx->dir) == NULL) {
                free(fx);
                return -1;
        }
        *state = fx;
        return 0;
}

/* Removes the temp folder and what was written in it. */
static int teardown(void **state)
{
        struct fixture *fx = *state;
        char p[128];

        for (int i = 0; i < fx->nfiles; i++) {
                snprintf(p, sizeof(p), "%s/f%d.csv", fx->dir, i);
                unlink(p);
        }
        rmdir(fx->dir);
        free(fx);
        return 0;
}

/* A roster with quoted commas, an embedded line break, blank lines and a short row. */
static void test_roster(void **state)
{
        static const char *const need[] = {"nip", "Nama", "GOLONGAN", NULL};
        static const char *const need_more[] = {"nip", "email", "telepon", NULL};
        struct csv_table t;
        struct rb_err e;
        const char *path = PUT(
            "NIP,nama,unit,jabatan,golongan,tmt\n"                                    /* 1 */
            "198609262015051001,Budi Santoso,KEL-BLW1,Pengatur,II/c,2015-05-01\n"     /* 2 */
            "199001152014032007,\"Rina Siregar, S.Kom\",PKM-BLW,\"Pranata Komputer\n" /* 3 */
            "Ahli Pertama\",III/a,2014-03-01\n"                                       /* 4 */
            "\n"                                                                      /* 5 */
            "   \n"                                                                   /* 6 */
            "198801012010011002 , \" Ahmad \"\"Bang\"\" Lubis \" ,KEC-BLW,Camat,IV/a,2010-01-01\n"
            ",,,,,\n"                          /* 8 */
            "197512312000121003,Sri,KEL-BHR"); /* 9 */
        int nip, nama, gol;

        err_clear(&e);
        assert_int_equal(csvin_read(path, &t, &e), 0);
        assert_int_equal(t.ncols, 6);
        assert_string_equal(t.header[0], "NIP");
        assert_string_equal(t.header[5], "tmt");
        assert_int_equal(t.nrows, 4);

        nip = csvin_col(&t, "nip");
        nama = csvin_col(&t, "NAMA");
        gol = csvin_col(&t, "Golongan");
        assert_int_equal(nip, 0);
        assert_int_equal(nama, 1);
        assert_int_equal(gol, 4);
        assert_int_equal(csvin_col(&t, "jabatan"), 3);
        assert_int_equal(csvin_col(&t, "email"), -1);
        assert_int_equal(csvin_col(&t, ""), -1);

        assert_int_equal(t.rows[0].line, 2);
        assert_int_equal(t.rows[0].n, 6);
        assert_string_equal(csvin_cell(&t.rows[0], nama), "Budi Santoso");
        assert_string_equal(csvin_cell(&t.rows[0], gol), "II/c");

        assert_int_equal(t.rows[1].line, 3);
        assert_int_equal(t.rows[1].n, 6);
        assert_string_equal(csvin_cell(&t.rows[1], nama), "Rina Siregar, S.Kom");
        assert_string_equal(csvin_cell(&t.rows[1], 3), "Pranata Komputer\nAhli Pertama");
        assert_string_equal(csvin_cell(&t.rows[1], 5), "2014-03-01");

        /* After the two-line row and the blank lines, line 7 is still line 7. */
        assert_int_equal(t.rows[2].line, 7);
        assert_string_equal(csvin_cell(&t.rows[2], nip), "198801012010011002");
        assert_string_equal(csvin_cell(&t.rows[2], nama), "Ahmad \"Bang\" Lubis");
        assert_string_equal(csvin_cell(&t.rows[2], gol), "IV/a");

        /* A short last row without a final line break. */
        assert_int_equal(t.rows[3].line, 9);
        assert_int_equal(t.rows[3].n, 3);
        assert_string_equal(csvin_cell(&t.rows[3], 2), "KEL-BHR");
        assert_string_equal(csvin_cell(&t.rows[3], gol), "");
        assert_string_equal(csvin_cell(&t.rows[3], 5), "");
        assert_string_equal(csvin_cell(&t.rows[3], -1), "");
        assert_string_equal(csvin_cell(&t.rows[3], 99), "");

        assert_int_equal(csvin_require(&t, need, &e), 0);
        assert_int_equal(e.code, RB_OK);
        assert_int_equal(csvin_require(&t, need_more, &e), -1);
        assert_int_equal(e.code, RB_INVALID);
        assert_string_equal(e.field, "email");
        assert_string_equal(e.msg, "missing column 'email' (the header has: NIP, nama, unit, "
                                   "jabatan, golongan, tmt)");

        csvin_free(&t);
        assert_null(t.header);
        assert_null(t.rows);
        assert_int_equal(t.nrows, 0);
}

/* Line breaks inside quoted cells, with CRLF files and several breaks in a row. */
static void test_line_numbers(void **state)
{
        struct csv_table t;
        struct rb_err e;
        const char *path = PUT("a,b\r\n"                 /* 1 */
                               "1,\"x\r\n"               /* 2 */
                               "y\r\n"                   /* 3 */
                               "\r\n"                    /* 4 */
                               "z\"\r\n"                 /* 5 */
                               "\r\n"                    /* 6 */
                               "2,\"p\nq\",\"r\ns\"\r\n" /* 7-9 */
                               "3,w\r\n");               /* 10 */

        err_clear(&e);
        assert_int_equal(csvin_read(path, &t, &e), 0);
        assert_int_equal(t.nrows, 3);
        assert_int_equal(t.rows[0].line, 2);
        assert_string_equal(t.rows[0].cells[1], "x\r\ny\r\n\r\nz");
        assert_int_equal(t.rows[1].line, 7);
        assert_string_equal(t.rows[1].cells[1], "p\nq");
        assert_string_equal(t.rows[1].cells[2], "r\ns");
        assert_int_equal(t.rows[2].line, 10);
        assert_string_equal(t.rows[2].cells[1], "w");
        csvin_free(&t);

        /* Old Mac line ends count as lines too. */
        path = PUT("a,b\r1,2\r\r3,\"4\r5\"\r6,7");
        assert_int_equal(csvin_read(path, &t, &e), 0);
        assert_int_equal(t.nrows, 3);
        assert_int_equal(t.rows[0].line, 2);
        assert_int_equal(t.rows[1].line, 4);
        assert_string_equal(t.rows[1].cells[1], "4\r5");
        assert_int_equal(t.rows[2].line, 6);
        assert_string_equal(t.rows[2].cells[1], "7");
        csvin_free(&t);
}

/* A UTF-8 BOM is dropped, so the first column is found by name. */
static void test_bom(void **state)
{
        struct csv_table t;
        struct rb_err e;
        const char *path = PUT("\xef\xbb\xbfNIP,nama\n198609262015051001,Sihombing\n");

        err_clear(&e);
        assert_int_equal(csvin_read(path, &t, &e), 0);
        assert_string_equal(t.header[0], "NIP");
        assert_int_equal(csvin_col(&t, "nip"), 0);
        assert_int_equal(t.nrows, 1);
        assert_int_equal(t.rows[0].line, 2);
        assert_string_equal(csvin_cell(&t.rows[0], 0), "198609262015051001");
        csvin_free(&t);

        /* A BOM and nothing else is an empty file. */
        read_fails(PUT("\xef\xbb\xbf"), RB_INVALID, "empty");
}

/* Blank lines before the header are skipped, and a header alone has no rows. */
static void test_blank_lines(void **state)
{
        struct csv_table t;
        struct rb_err e;

        err_clear(&e);
        assert_int_equal(csvin_read(PUT("\n\n  \t\nkode,nama\n\nA,Satu\n\n"), &t, &e), 0);
        assert_int_equal(t.ncols, 2);
        assert_string_equal(t.header[0], "kode");
        assert_int_equal(t.nrows, 1);
        assert_int_equal(t.rows[0].line, 6);
        assert_string_equal(t.rows[0].cells[1], "Satu");
        csvin_free(&t);

        assert_int_equal(csvin_read(PUT("kode,nama\n"), &t, &e), 0);
        assert_int_equal(t.ncols, 2);
        assert_int_equal(t.nrows, 0);
        assert_null(t.rows);
        csvin_free(&t);
}

/* Bad quoting names the line it is on, or the line a never-closed quote opened. */
static void test_bad_quoting(void **state)
{
        read_fails(PUT("a,b\n1,2\n3,\"x\"y\n4,5\n"), RB_INVALID, "line 3: bad quoting");
        read_fails(PUT("a,b\n1,x\"y\n"), RB_INVALID, "line 2: bad quoting");
        read_fails(PUT("a,b\n1,\"x\ny\"\n2,\"z\"w\n"), RB_INVALID, "line 4: bad quoting");
        read_fails(PUT("a,b\n1,2\n3,\"open\n4,5\n6,7\n"), RB_INVALID,
                   "line 3: bad quoting (a quoted cell is never closed)");
        read_fails(PUT("a,b\n1,2\n\n3,\"x\ny\"\n4,\"open"), RB_INVALID, "line 6: bad quoting");
}

/* Invalid UTF-8 (when UTF-8 is forced) and NUL bytes name their line. */
static void test_bad_text(void **state)
{
        static const struct csv_opts utf8 = {0, CSV_ENC_UTF8};

        read_fails_opts(PUT("a,b\n1,2\n3,\xc3\x28\n"), &utf8, RB_INVALID,
                        "line 3: not valid UTF-8");
        read_fails_opts(PUT("nama\nJos\xe9\n"), &utf8, RB_INVALID, "line 2: not valid UTF-8");
        read_fails_opts(PUT("\xef\xbb\xbfnama\nA\n\"B\nC\xed\xa0\x80\"\n"), &utf8, RB_INVALID,
                        "line 4: not valid UTF-8");
        /* 0x81 is not a Windows-1252 character either. */
        read_fails(PUT("nama\nA\nB\x81\n"), RB_INVALID, "line 3: neither UTF-8 nor Windows-1252");
        read_fails(PUT("a,b\n1,2\n3,x\0y\n"), RB_INVALID, "line 3: holds a NUL byte");
}

/* A file that is not UTF-8 is read as Windows-1252; a forced encoding wins. */
static void test_cp1252(void **state)
{
        static const struct csv_opts cp = {0, CSV_ENC_CP1252};
        struct csv_table t;
        struct rb_err e;

        err_clear(&e);
        assert_int_equal(csvin_read(PUT("nama;kota\nAndr\xe9\x61s;Bogor\n"), &t, &e), 0);
        assert_int_equal(t.cp1252, 1);
        assert_int_equal(t.delim, ';');
        assert_string_equal(t.rows[0].cells[0], "Andr\xc3\xa9\x61s");
        csvin_free(&t);
        /* Valid UTF-8 stays UTF-8 ... */
        assert_int_equal(csvin_read(PUT("nama\nAndr\xc3\xa9\x61s\n"), &t, &e), 0);
        assert_int_equal(t.cp1252, 0);
        assert_string_equal(t.rows[0].cells[0], "Andr\xc3\xa9\x61s");
        csvin_free(&t);
        /* ... unless Windows-1252 is forced. */
        assert_int_equal(csvin_read_opts(PUT("nama\nAndr\xc3\xa9\x61s\n"), &cp, &t, &e), 0);
        assert_string_equal(t.rows[0].cells[0], "Andr\xc3\x83\xc2\xa9\x61s");
        csvin_free(&t);
}

/* The separator is the header line's most frequent of , ; tab (outside quotes). */
static void test_delimiter(void **state)
{
        static const struct csv_opts comma = {',', CSV_ENC_AUTO};
        struct csv_table t;
        struct rb_err e;

        (void)state;
        assert_int_equal(csvin_detect_delim("a,b,c\n", 6), ',');
        assert_int_equal(csvin_detect_delim("a;b;c\n1,5;2\n", 13), ';');
        assert_int_equal(csvin_detect_delim("a\tb\n", 4), '\t');
        assert_int_equal(csvin_detect_delim("\"a,b,c\";d\n", 10), ';');
        assert_int_equal(csvin_detect_delim(";;\n\n  \na;b\n", 12), ';');
        assert_int_equal(csvin_detect_delim("nama\n", 5), ',');
        assert_int_equal(csvin_detect_delim("", 0), ',');
        err_clear(&e);
        assert_int_equal(
            csvin_read(PUT("\xef\xbb\xbfNIP;nama;tmt\r\n1;\"Siti; S.Pd\";01/12/2020\r\n"), &t, &e),
            0);
        assert_int_equal(t.ncols, 3);
        assert_string_equal(t.header[0], "NIP");
        assert_string_equal(t.rows[0].cells[1], "Siti; S.Pd");
        assert_int_equal(t.rows[0].line, 2);
        csvin_free(&t);
        assert_int_equal(csvin_read(PUT("a\tb c\n1\t 2 \n"), &t, &e), 0);
        assert_string_equal(t.header[1], "b c");
        assert_string_equal(t.rows[0].cells[1], "2");
        csvin_free(&t);
        assert_int_equal(csvin_read_opts(PUT("a;b\n1;2\n"), &comma, &t, &e), 0);
        assert_int_equal(t.ncols, 1);
        csvin_free(&t);
}

/* Spreadsheet dates: DD/MM/YYYY and DD-MM-YYYY become YYYY-MM-DD. */
static void test_dates(void **state)
{
        char out[11] = "unchanged";

        (void)state;
        assert_int_equal(csvin_date("01/12/2020", out), 1);
        assert_string_equal(out, "2020-12-01");
        assert_int_equal(csvin_date("5-3-1999", out), 1);
        assert_string_equal(out, "1999-03-05");
        strcpy(out, "unchanged");
        assert_int_equal(csvin_date("2020-12-01", out), 0);
        assert_int_equal(csvin_date("01/12-2020", out), 0);
        assert_int_equal(csvin_date("01/12/20", out), 0);
        assert_int_equal(csvin_date("001/12/2020", out), 0);
        assert_int_equal(csvin_date("01/12/2020x", out), 0);
        assert_int_equal(csvin_date("", out), 0);
        assert_string_equal(out, "unchanged");
}

/* Empty files, missing files, duplicate header names. */
static void test_empty_and_header(void **state)
{
        struct fixture *fx = *state;
        char missing[128];

        read_fails(PUT(""), RB_INVALID, "the file is empty (no header row)");
        read_fails(PUT("\n\n   \n"), RB_INVALID, "empty");
        read_fails(PUT(",,\n ,\n"), RB_INVALID, "empty");
        snprintf(missing, sizeof(missing), "%s/absent.csv", fx->dir);
        read_fails(missing, RB_NOT_FOUND, "absent.csv");
        read_fails(PUT("nip,nama,NIP\n1,a,2\n"), RB_INVALID,
                   "column 'NIP' appears twice in the header");
}

/* csvout_row quotes exactly when needed. */
static void test_csvout_text(void **state)
{
        static const char *const cells[] = {
            "plain", "with,comma", "with \"quote\"",   "two\nlines", " lead", "trail\t",
            "",      NULL,         "Pranata Komputer", "cr\rx",      "space "};
        static const char want[] = "plain,\"with,comma\",\"with \"\"quote\"\"\",\"two\nlines\","
                                   "\" lead\",\"trail\t\",,,Pranata Komputer,\"cr\rx\",\"space \"\n"
                                   "\n"
                                   "x\n";
        static const char *const one[] = {"x"};
        char got[256];
        FILE *f = tmpfile();
        size_t n;

        (void)state;
        assert_non_null(f);
        assert_int_equal(csvout_row(f, cells, sizeof(cells) / sizeof(cells[0])), 0);
        assert_int_equal(csvout_row(f, cells, 0), 0);
        assert_int_equal(csvout_row(f, one, 1), 0);
        rewind(f);
        n = fread(got, 1, sizeof(got) - 1, f);
        got[n] = '\0';
        fclose(f);
        assert_string_equal(got, want);
}

/* What csvout_row writes, csvin_read reads back (cells trimmed, as documented). */
static void test_csvout_roundtrip(void **state)
{
        struct fixture *fx = *state;
        static const char *const header[] = {"NIP", "nama", "jabatan", "catatan"};
        static const char *const row1[] = {"198609262015051001", "Rina Siregar, S.Kom",
                                           "Pranata Komputer\nAhli Pertama",
                                           "kata \"bagus\", sekali"};
        static const char *const row2[] = {"199001152014032007", "  Ahmad  ", "", "\"\""};
        static const char *const row3[] = {"197512312000121003", "Sri \xc3\xb1", "a\r\nb", "x"};
        struct csv_table t;
        struct rb_err e;
        FILE *f;

        snprintf(fx->path, sizeof(fx->path), "%s/f%d.csv", fx->dir, fx->nfiles++);
        assert_non_null(f = fopen(fx->path, "w"));
        assert_int_equal(csvout_row(f, header, 4), 0);
        assert_int_equal(csvout_row(f, row1, 4), 0);
        assert_int_equal(csvout_row(f, row2, 4), 0);
        assert_int_equal(csvout_row(f, row3, 4), 0);
        assert_int_equal(fclose(f), 0);

        err_clear(&e);
        assert_int_equal(csvin_read(fx->path, &t, &e), 0);
        assert_int_equal(t.ncols, 4);
        assert_string_equal(t.header[3], "catatan");
        assert_int_equal(t.nrows, 3);
        assert_int_equal(t.rows[0].line, 2);
        assert_int_equal(t.rows[0].n, 4);
        for (size_t i = 0; i < 4; i++)
                assert_string_equal(t.rows[0].cells[i], row1[i]);
        assert_int_equal(t.rows[1].line, 4);
        assert_string_equal(t.rows[1].cells[1], "Ahmad");
        assert_string_equal(t.rows[1].cells[2], "");
        assert_string_equal(t.rows[1].cells[3], "\"\"");
        assert_int_equal(t.rows[2].line, 5);
        for (size_t i = 0; i < 4; i++)
                assert_string_equal(t.rows[2].cells[i], row3[i]);
        csvin_free(&t);
}

/* A cell that opens the file with a BOM of its own is quoted, so reading the
 * file back keeps it instead of dropping it as the file's BOM (found by
 * tests/fuzz/fuzz_csv). */
static void test_csvout_leading_bom(void **state)
{
        struct fixture *fx = *state;
        static const char *const header[] = {"\xef\xbb\xbf"
                                             "code",
                                             "name"};
        static const char *const row[] = {"\xef\xbb\xbf", "x"};
        struct csv_table t;
        struct rb_err e;
        FILE *f;

        snprintf(fx->path, sizeof(fx->path), "%s/f%d.csv", fx->dir, fx->nfiles++);
        assert_non_null(f = fopen(fx->path, "w"));
        assert_int_equal(csvout_row(f, header, 2), 0);
        assert_int_equal(csvout_row(f, row, 2), 0);
        assert_int_equal(fclose(f), 0);

        err_clear(&e);
        assert_int_equal(csvin_read(fx->path, &t, &e), 0);
        assert_int_equal(t.ncols, 2);
        assert_string_equal(t.header[0], header[0]);
        assert_int_equal(t.nrows, 1);
        assert_string_equal(t.rows[0].cells[0], row[0]);
        csvin_free(&t);
}

/* Writes a header of n columns c0..c(n-1) (the last named last, if given)
 * and one data row; returns its path. */
static const char *put_wide(void **state, size_t n, const char *last)
{
        size_t cap = n * 8 + 64, len = 0;
        char *buf = malloc(cap);
        const char *path;

        assert_non_null(buf);
        for (size_t i = 0; i < n; i++)
                len += (size_t)snprintf(buf + len, cap - len, "%sc%zu", i ? "," : "", i);
        if (last != NULL)
                len += (size_t)snprintf(buf + len, cap - len, ",%s", last);
        len += (size_t)snprintf(buf + len, cap - len, "\nx,y\n");
        path = put(state, buf, len);
        free(buf);
        return path;
}

/* A 100,000-column file is refused at once, naming the limit (it took 11 s
 * when the header's duplicate check compared every pair); a header at the
 * limit reads, and a duplicate at its far end is still found. */
static void test_wide(void **state)
{
        struct csv_table t;
        struct rb_err e;

        read_fails(put_wide(state, 100000, NULL), RB_INVALID, "line 1: more than 16384 columns");
        assert_int_equal(csvin_read(put_wide(state, CSV_MAX_COLS, NULL), &t, &e), 0);
        assert_int_equal(t.ncols, CSV_MAX_COLS);
        assert_int_equal(t.nrows, 1);
        assert_int_equal(csvin_col(&t, "C16383"), CSV_MAX_COLS - 1);
        csvin_free(&t);
        read_fails(put_wide(state, CSV_MAX_COLS - 1, "C7"), RB_INVALID,
                   "column 'C7' appears twice");
        /* the first column that repeats an earlier one, in the header's order */
        read_fails(PUT("a,b,B,A\nx\n"), RB_INVALID, "column 'B' appears twice");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_roster),
            cmocka_unit_test(test_line_numbers),
            cmocka_unit_test(test_bom),
            cmocka_unit_test(test_blank_lines),
            cmocka_unit_test(test_bad_quoting),
            cmocka_unit_test(test_bad_text),
            cmocka_unit_test(test_cp1252),
            cmocka_unit_test(test_delimiter),
            cmocka_unit_test(test_dates),
            cmocka_unit_test(test_empty_and_header),
            cmocka_unit_test(test_csvout_text),
            cmocka_unit_test(test_csvout_roundtrip),
            cmocka_unit_test(test_csvout_leading_bom),
            cmocka_unit_test(test_wide),
        };

        return renbin_run_group_tests(tests, setup, teardown);
}
