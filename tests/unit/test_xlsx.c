/*
 * test_xlsx.c - .xlsx in (common/xlsxin.c): the workbooks LibreOffice made
 * under tests/data (a text NIP, a date, numbers; an NIP left a number), every
 * cell kind of a workbook built here with libzip, and the files that must be
 * refused with a clear message: not a zip, one cut short, one damaged, no
 * sheet, bad XML, a DTD, a cell over the limit, a row too wide.
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
#include <zip.h>

#include "xlsxin.h"

#define DATA RENBIN_TEST_DATA

/* The temp folder of the whole run and the files written in it. */
struct fixture {
        char dir[64];
        char path[128];
        int nfiles;
};

static struct fixture *fx;

static const char wb[] =
    "<?xml version=\"1.0\"?><workbook xmlns:r=\"rel\"><workbookPr date1904=\"false\"/>"
    "<sheets><sheet name=\"Data\" sheetId=\"1\" r:id=\"rId7\"/>"
    "<sheet name=\"Other\" sheetId=\"2\" r:id=\"rId8\"/></sheets></workbook>";
static const char rels[] = "<Relationships><Relationship Id=\"rId8\" Target=\"worksheets/o.xml\"/>"
                           "<Relationship Id=\"rId7\" Target=\"worksheets/data.xml\"/>"
                           "</Relationships>";
static const char styles[] =
    "<x:styleSheet xmlns:x=\"main\"><x:numFmts><x:numFmt numFmtId=\"170\" "
    "formatCode=\"[$-421]dd/mm/yyyy\"/><x:numFmt numFmtId=\"171\" "
    "formatCode=\"[Red]0.00&quot;d&quot;\"/>"
    "</x:numFmts><x:cellStyleXfs><x:xf numFmtId=\"14\"/></x:cellStyleXfs><x:cellXfs>"
    "<x:xf numFmtId=\"0\"/><x:xf numFmtId=\"14\"/><x:xf numFmtId=\"170\"/><x:xf numFmtId=\"171\"/>"
    "</x:cellXfs></x:styleSheet>";
static const char shared[] = "<sst><si><t>NIP</t></si><si><r><t>na</t></r><r><t>ma</t></r>"
                             "<rPh><t>phonetic</t></rPh></si><si><t xml:space=\"preserve\">  "
                             "Andr\xc3\xa9"
                             "as  </t></si></sst>";

/* Writes a zip at a new path of the temp folder holding the parts given as
 * name, content pairs (NULL-terminated); returns the path. */
static const char *put_zip(const char *const *parts)
{
        zip_source_t *src;
        zip_t *z;
        int err;

        snprintf(fx->path, sizeof(fx->path), "%s/f%d.xlsx", fx->dir, fx->nfiles++);
        assert_non_null(z = zip_open(fx->path, ZIP_CREATE | ZIP_TRUNCATE, &err));
        for (size_t i = 0; parts[i] != NULL; i += 2) {
                assert_non_null(src = zip_source_buffer(z, parts[i + 1], strlen(parts[i + 1]), 0));
                assert_true(zip_file_add(z, parts[i], src, ZIP_FL_ENC_UTF_8) >= 0);
        }
        assert_int_equal(zip_close(z), 0);
        return fx->path;
}

/* A workbook of the parts above whose sheet's <sheetData> holds data. */
static const char *put_sheet(const char *data)
{
        static char sheet[200000];
        const char *parts[] = {"xl/workbook.xml",
                               wb,
                               "xl/_rels/workbook.xml.rels",
                               rels,
                               "xl/styles.xml",
                               styles,
                               "xl/sharedStrings.xml",
                               shared,
                               "xl/worksheets/data.xml",
                               sheet,
                               NULL};

        snprintf(sheet, sizeof(sheet), "<worksheet><sheetData>%s</sheetData></worksheet>", data);
        return put_zip(parts);
}

/* Writes len bytes to a new file of the temp folder called f<n><ext>. */
static const char *put_bytes(const char *data, size_t len, const char *ext)
{
        FILE *f;

        snprintf(fx->path, sizeof(fx->path), "%s/f%d%s", fx->dir, fx->nfiles++, ext);
        assert_non_null(f = fopen(fx->path, "wb"));
        assert_int_equal(fwrite(data, 1, len, f), len);
        assert_int_equal(fclose(f), 0);
        return fx->path;
}

/* Reads path expecting failure with code and needle in the message. */
static void read_fails(const char *path, int code, const char *needle)
{
        struct csv_table t;
        struct rb_err e;

        err_clear(&e);
        assert_int_equal(xlsxin_read(path, &t, &e), -1);
        if (e.code != code || strstr(e.msg, needle) == NULL)
                fail_msg("message \"%s\" (code %d) lacks \"%s\" (code %d)", e.msg, e.code, needle,
                         code);
        assert_null(t.header);
        assert_null(t.rows);
        assert_int_equal(t.nrows, 0);
}

static int setup(void **state)
{
        (void)state;
        if ((fx = calloc(1, sizeof(*fx))) == NULL)
                return -1;
        snprintf(fx->dir, sizeof(fx->dir), "/tmp/renbin-test-xlsx-XXXXXX");
        return mkdtemp(fx->dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
        char p[160];

        (void)state;
        for (int i = 0; i < fx->nfiles; i++) {
                snprintf(p, sizeof(p), "%s/f%d.xlsx", fx->dir, i);
                unlink(p);
                snprintf(p, sizeof(p), "%s/f%d.csv", fx->dir, i);
                unlink(p);
                snprintf(p, sizeof(p), "%s/f%d.dat", fx->dir, i);
                unlink(p);
        }
        rmdir(fx->dir);
        free(fx);
        return 0;
}

/* LibreOffice's roster: the text NIP keeps 18 digits, the date column is
 * YYYY-MM-DD, integral numbers have no fraction, rows keep their row number. */
static void test_libreoffice(void **state)
{
        struct csv_table t;
        struct rb_err e;
        int tmt, nilai;

        (void)state;
        err_clear(&e);
        if (xlsxin_read(DATA "/asn.xlsx", &t, &e) != 0)
                fail_msg("%s", e.msg);
        assert_int_equal(t.ncols, 7);
        assert_string_equal(t.header[0], "NIP");
        assert_int_equal(t.nrows, 3);
        tmt = csvin_col(&t, "tmt");
        nilai = csvin_col(&t, "nilai");
        assert_int_equal(t.rows[0].line, 2);
        assert_int_equal(t.rows[2].line, 4);
        assert_string_equal(csvin_cell(&t.rows[0], 0), "197604122001031101");
        assert_string_equal(csvin_cell(&t.rows[0], 1), "Andr\xc3\xa9"
                                                       "as Siregar");
        assert_string_equal(csvin_cell(&t.rows[0], tmt), "2001-03-01");
        assert_string_equal(csvin_cell(&t.rows[1], tmt), "2006-04-01");
        assert_string_equal(csvin_cell(&t.rows[0], nilai), "12");
        assert_string_equal(csvin_cell(&t.rows[1], nilai), "3.5");
        assert_string_equal(csvin_cell(&t.rows[2], nilai), "0");
        assert_string_equal(csvin_cell(&t.rows[2], 2), "KEL-BLW2");
        csvin_free(&t);
}

/* An NIP Excel made a number keeps only the digits the file holds. */
static void test_nip_number(void **state)
{
        struct csv_table t;
        struct rb_err e;

        (void)state;
        assert_int_equal(xlsxin_read(DATA "/nipnum.xlsx", &t, &e), 0);
        assert_int_equal(t.nrows, 1);
        assert_string_equal(csvin_cell(&t.rows[0], 0), "1.97604122001031E+017");
        csvin_free(&t);
}

/* Every cell kind, the first sheet found through the relationships, gaps. */
static void test_cell_kinds(void **state)
{
        struct csv_table t;
        struct rb_err e;
        const struct csv_row *r;

        (void)state;
        err_clear(&e);
        if (xlsxin_read(put_sheet("<row r=\"2\"><c r=\"A2\" t=\"s\"><v>0</v></c>"
                                  "<c r=\"B2\" t=\"s\"><v>1</v></c><c r=\"D2\" t=\"inlineStr\">"
                                  "<is><t>d</t></is></c></row><row r=\"3\"><c r=\"A3\"/></row>"
                                  "<row r=\"5\"><c r=\"A5\"><v>1.0</v></c><c r=\"B5\" t=\"s\">"
                                  "<v>2</v></c><c r=\"C5\" t=\"b\"><v>1</v></c><c r=\"D5\" t=\"e\">"
                                  "<v>#N/A</v></c><c t=\"str\"><f>A1</f><v>x y</v></c>"
                                  "<c r=\"G5\" s=\"1\"><v>43831.75</v></c><c r=\"H5\" s=\"2\">"
                                  "<v>60</v></c><c r=\"I5\" s=\"3\"><v>2.50</v></c>"
                                  "<c r=\"J5\" t=\"d\"><v>2021-02-03T00:00:00</v></c></row>"),
                        &t, &e) != 0)
                fail_msg("%s", e.msg);
        assert_int_equal(t.ncols, 4);
        assert_string_equal(t.header[1], "nama");
        assert_string_equal(t.header[2], "");
        assert_int_equal(t.nrows, 1);
        r = &t.rows[0];
        assert_int_equal(r->line, 5);
        assert_int_equal(r->n, 10);
        assert_string_equal(r->cells[0], "1");
        assert_string_equal(r->cells[1], "Andr\xc3\xa9"
                                         "as");
        assert_string_equal(r->cells[2], "TRUE");
        assert_string_equal(r->cells[3], "#N/A");
        assert_string_equal(r->cells[4], "x y");
        assert_string_equal(r->cells[5], "");
        assert_string_equal(r->cells[6], "2020-01-01");
        assert_string_equal(r->cells[7], "1900-02-29");
        assert_string_equal(r->cells[8], "2.5");
        assert_string_equal(r->cells[9], "2021-02-03");
        csvin_free(&t);
}

/* No workbook.xml: sheet1.xml is the sheet; an inline string header. */
static void test_sheet1_fallback(void **state)
{
        const char *parts[] = {"xl/worksheets/sheet1.xml",
                               "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>a</t></is>"
                               "</c></row><row><c><v>7</v></c></row></sheetData></worksheet>",
                               NULL};
        struct csv_table t;
        struct rb_err e;

        (void)state;
        assert_int_equal(xlsxin_read(put_zip(parts), &t, &e), 0);
        assert_string_equal(t.header[0], "a");
        assert_int_equal(t.rows[0].line, 2);
        assert_string_equal(t.rows[0].cells[0], "7");
        csvin_free(&t);
}

/* Files that are no workbook, or a broken one: a clear message, nothing kept. */
static void test_malformed(void **state)
{
        const char *nosheet[] = {"[Content_Types].xml", "<Types/>", NULL};
        const char *dtd[] = {"xl/worksheets/sheet1.xml",
                             "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><worksheet>&a;</worksheet>", NULL};
        char *buf;
        FILE *f;
        long len;

        (void)state;
        read_fails(put_bytes("NIP,nama\n", 9, ".xlsx"), RB_INVALID, "not an .xlsx file");
        read_fails(DATA "/missing.xlsx", RB_NOT_FOUND, "cannot open");
        read_fails(put_zip(nosheet), RB_INVALID, "the workbook has no worksheet");
        read_fails(put_zip(dtd), RB_INVALID, "it has a DTD");
        read_fails(put_sheet("<row><c>"), RB_INVALID, "data.xml is not valid XML (line 1");
        read_fails(put_sheet(""), RB_INVALID, "no header row");
        read_fails(put_sheet("<row r=\"4\"><c r=\"XFE4\"><v>1</v></c></row>"), RB_INVALID,
                   "line 4: more than 16384 columns");
        read_fails(put_sheet("<row r=\"9\"><c r=\"B9\" t=\"s\"><v>3</v></c></row>"), RB_INVALID,
                   "line 9: cell B9 points at shared string '3'");
        read_fails(put_sheet("<row><c t=\"inlineStr\"><is><t>a</t></is></c><c t=\"inlineStr\">"
                             "<is><t>A</t></is></c></row>"),
                   RB_INVALID, "column 'A' appears twice");

        /* LibreOffice's roster cut short, and with its middle overwritten. */
        assert_non_null(f = fopen(DATA "/asn.xlsx", "rb"));
        assert_int_equal(fseek(f, 0, SEEK_END), 0);
        assert_true((len = ftell(f)) > 1000);
        rewind(f);
        assert_non_null(buf = malloc((size_t)len));
        assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
        fclose(f);
        read_fails(put_bytes(buf, (size_t)len / 2, ".xlsx"), RB_INVALID, "not an .xlsx file");
        memset(buf + 200, 'x', (size_t)len / 2);
        read_fails(put_bytes(buf, (size_t)len, ".xlsx"), RB_INVALID, "");
        free(buf);
}

/* A cell of XLSX_MAX_CELL characters reads; one more is refused. */
static void test_cell_limit(void **state)
{
        char *row = malloc(XLSX_MAX_CELL + 200);
        struct csv_table t;
        struct rb_err e;
        int n;

        (void)state;
        assert_non_null(row);
        n = sprintf(row, "<row r=\"3\"><c r=\"C3\" t=\"inlineStr\"><is><t>");
        memset(row + n, 'a', XLSX_MAX_CELL);
        strcpy(row + n + XLSX_MAX_CELL, "</t></is></c></row>");
        assert_int_equal(xlsxin_read(put_sheet(row), &t, &e), 0);
        assert_int_equal(strlen(t.header[2]), XLSX_MAX_CELL);
        csvin_free(&t);
        memmove(row + n + 1, row + n, strlen(row + n) + 1);
        row[n] = 'a';
        read_fails(put_sheet(row), RB_INVALID, "line 3: cell C3 holds more than 32767 characters");
        free(row);
}

/* xlsxin_read_any: a zip by its first bytes or its name, else CSV. */
static void test_read_any(void **state)
{
        struct csv_table t;
        struct rb_err e;
        const char *p;

        (void)state;
        assert_true(xlsxin_is_xlsx(DATA "/asn.xlsx"));
        assert_false(xlsxin_is_xlsx(DATA "/asn.csv"));
        p = put_bytes("a,b\n1,2\n", 8, ".csv");
        assert_int_equal(xlsxin_read_any(p, &t, &e), 0);
        assert_string_equal(t.header[1], "b");
        csvin_free(&t);
        p = put_bytes("PK\x03\x04", 4, ".dat");
        assert_true(xlsxin_is_xlsx(p));
        assert_int_equal(xlsxin_read_any(p, &t, &e), -1);
        assert_non_null(strstr(e.msg, "not an .xlsx file"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_libreoffice), cmocka_unit_test(test_nip_number),
            cmocka_unit_test(test_cell_kinds),  cmocka_unit_test(test_sheet1_fallback),
            cmocka_unit_test(test_malformed),   cmocka_unit_test(test_cell_limit),
            cmocka_unit_test(test_read_any),
        };

        return renbin_run_group_tests(tests, setup, teardown);
}
