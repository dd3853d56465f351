/*
 * cmd_export.c - `renbin export TABLE`: a table of the replica as CSV (UTF-8;
 * --excel for Indonesian Excel), an .xlsx workbook (--xlsx) or --json, for
 * the spreadsheets HR works in. Headers are the import's column names, so an
 * exported file can be edited and imported back; times are ISO 8601 (UTC).
 * The replica holds exactly what the seat may see, so the export does too.
 * Questionnaire answers are never exported one by one (no replica holds
 * them): `export evaluations` gives the server's per-program aggregate
 * (report.evaluations), empty where the reports hide a group.
 */
#include "cmds.h"
#include "db.h"
#include "entity.h"
#include "export.h"
#include "fsutil.h"
#include "i18n.h"
#include "opts.h"
#include "report.h"
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The server's per-program aggregate of the questionnaires (report.evaluations)
 * in a temporary table: the replica holds no answers. */
static const char *const eval_cols[] = {"program",     "responses",        "suppressed",
                                        "materi_mean", "penyampaian_mean", "aplikasi_mean",
                                        "overall_mean"};
#define EVAL_COLS (sizeof(eval_cols) / sizeof(eval_cols[0]))
static const char SQL_EVAL_TABLE[] =
    "DROP TABLE IF EXISTS temp.eval_export; CREATE TEMP TABLE eval_export(program TEXT,"
    " responses INTEGER, suppressed INTEGER, materi_mean REAL, penyampaian_mean REAL,"
    " aplikasi_mean REAL, overall_mean REAL);";
static const char SQL_EVAL_PUT[] =
    "INSERT INTO temp.eval_export VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char SQL_EVAL[] = "SELECT * FROM temp.eval_export ORDER BY program";

/* The server's SIASN rows (export.siasn, docs/siasn.md) in a temporary
 * table, in the server's order: SIASN's field names are the columns. */
static const char *const siasn_cols[] = {"pnsOrangId",  "namaKursus",      "institusiPenyelenggara",
                                         "jumlahJam",   "tanggalKursus",   "tanggalSelesaiKursus",
                                         "tahunKursus", "nomorSertipikat", "jenisKursus"};
#define SIASN_COLS (sizeof(siasn_cols) / sizeof(siasn_cols[0]))
static const char SQL_SIASN_TABLE[] =
    "DROP TABLE IF EXISTS temp.siasn_export; CREATE TEMP TABLE siasn_export(pnsOrangId TEXT,"
    " namaKursus TEXT, institusiPenyelenggara TEXT, jumlahJam INTEGER, tanggalKursus TEXT,"
    " tanggalSelesaiKursus TEXT, tahunKursus INTEGER, nomorSertipikat TEXT, jenisKursus TEXT);";
static const char SQL_SIASN_PUT[] =
    "INSERT INTO temp.siasn_export VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char SQL_SIASN[] = "SELECT * FROM temp.siasn_export ORDER BY rowid";

/* The entity whose table (or name) is t, among those the replica holds. */
static const struct entity_def *export_def(const char *t)
{
        for (size_t i = 0; i < entity_count; i++)
                if (entity_synced(entity_defs[i]) &&
                    (strcmp(entity_defs[i]->table, t) == 0 || strcmp(entity_defs[i]->name, t) == 0))
                        return entity_defs[i];
        return NULL;
}

/* What kind of cell a field makes: a time the server stamps (an integer
 * named *_at) is written as an ISO 8601 time, never Unix seconds. */
static enum export_kind field_kind(const struct field_def *f)
{
        size_t n = strlen(f->name);

        if (f->type == F_INT && n > 3 && strcmp(f->name + n - 3, "_at") == 0)
                return EX_TIME;
        if (f->type == F_INT)
                return EX_NUM;
        if (f->check == C_DATE || (n > 5 && strcmp(f->name + n - 5, "_date") == 0))
                return EX_DATE;
        return EX_TEXT;
}

/* Appends to cols the SQL of field f's column(s) and their headers to s. A
 * session log's pair is written as the pair's two NIPs, the columns its
 * import reads (an id means nothing on another server). */
static size_t sheet_field(struct export_sheet *s, const struct field_def *f, char *cols, size_t off,
                          size_t len)
{
        enum export_kind k = field_kind(f);

        s->heads[s->ncols] = entity_field_column(f);
        s->kinds[s->ncols] = k;
        if (f->check == C_ID && strcmp(f->name, "pair") == 0 && s->ncols + 1 < ENTITY_MAX_FIELDS) {
                s->heads[s->ncols] = "mentor_nip";
                s->kinds[s->ncols++] = EX_TEXT;
                s->heads[s->ncols] = "mentee_nip";
                s->kinds[s->ncols] = EX_TEXT;
                return (size_t)snprintf(cols + off, len - off,
                                        ", (SELECT mentor FROM mentor_pairs p WHERE p.id = pair)"
                                        " AS mentor_nip, (SELECT mentee FROM mentor_pairs p"
                                        " WHERE p.id = pair) AS mentee_nip");
        }
        if (f->type == F_INT && strcmp(f->name, "sex") == 0) {
                /* the roster keeps the NIP's digit (1, 2); every output says L or P */
                s->kinds[s->ncols] = EX_TEXT;
                return (size_t)snprintf(cols + off, len - off,
                                        ", CASE sex WHEN 1 THEN 'L' WHEN 2 THEN 'P' END AS sex");
        }
        if (k == EX_TIME)
                return (size_t)snprintf(cols + off, len - off,
                                        ", strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', %s, 'unixepoch')"
                                        " AS %s",
                                        f->name, f->name);
        return (size_t)snprintf(cols + off, len - off, ", %s", f->name);
}

/* The sheet of an entity: id, then every field under the import's column
 * name (export -> edit -> import works), in the order of its first field. */
static int entity_sheet(struct cli *cli, const struct entity_def *d, struct export_sheet *s,
                        struct rb_err *e)
{
        char cols[2048] = "id";
        size_t off = 2;
        char *sql;

        *s = (struct export_sheet){.name = d->table, .db = cli->db, .ncols = 1};
        s->heads[0] = "id";
        s->kinds[0] = EX_TEXT;
        for (size_t i = 0; i < d->nfields && s->ncols < ENTITY_MAX_FIELDS; i++, s->ncols++)
                off += sheet_field(s, &d->fields[i], cols, off, sizeof(cols));
        /* table and column names come from the catalogue, never from the command line */
        sql =
            sqlite3_mprintf("SELECT %s FROM %s ORDER BY %s, id", cols, d->table, d->fields[0].name);
        if (sql == NULL)
                return err_set(e, RB_INTERNAL, NULL, _("out of memory"));
        s->st = db_prepare(cli->db, sql, e);
        sqlite3_free(sql);
        return s->st == NULL ? -1 : 0;
}

/* One row of a server document into a temporary table (put: its INSERT,
 * cols: its columns in order). */
static int temp_put(struct cli *cli, const char *put, const char *const *cols, size_t ncols,
                    json_t *row, struct rb_err *e)
{
        sqlite3_stmt *st = db_stmt(cli->db, put, e);

        if (st == NULL)
                return -1;
        for (size_t c = 0; c < ncols; c++) {
                json_t *v = json_object_get(row, cols[c]);

                if (json_is_string(v))
                        sqlite3_bind_text(st, (int)c + 1, json_string_value(v), -1,
                                          SQLITE_TRANSIENT);
                else if (json_is_boolean(v))
                        sqlite3_bind_int(st, (int)c + 1, json_is_true(v));
                else if (json_is_number(v))
                        sqlite3_bind_double(st, (int)c + 1, json_number_value(v));
                else
                        sqlite3_bind_null(st, (int)c + 1);
        }
        return db_run(cli->db, st, e);
}

/* A sheet the server computes (a report's rows), held in a temporary table
 * so that the export's writers read it as they read a replica table. */
struct server_sheet {
        const char *name;                  /* the sheet */
        const char *query;                 /* the server's query */
        const char *rows;                  /* the document's array of rows */
        const char *create, *put, *select; /* the temporary table's SQL */
        const char *const *cols;           /* the rows' keys, in the table's order */
        size_t ncols;
};

static const struct server_sheet eval_def = {"evaluations", "report.evaluations",
                                             "programs",    SQL_EVAL_TABLE,
                                             SQL_EVAL_PUT,  SQL_EVAL,
                                             eval_cols,     EVAL_COLS};
static const struct server_sheet siasn_def = {"siasn",         "export.siasn", "rows",
                                              SQL_SIASN_TABLE, SQL_SIASN_PUT,  SQL_SIASN,
                                              siasn_cols,      SIASN_COLS};

/* The sheet of ss fetched with nargs (key, value) pairs, as the server
 * computed it (the offline copy of a report is the report): a column
 * declared INTEGER or REAL makes number cells, any other text cells. */
static int server_sheet(struct cli *cli, const struct server_sheet *ss, const char *const *args,
                        size_t nargs, struct export_sheet *s, struct rb_err *e)
{
        struct report_doc r;
        const char *type;
        json_t *row;
        size_t i;
        int rc = 0;

        *s = (struct export_sheet){.name = ss->name, .db = cli->db};
        if (report_get(cli, ss->query, args, nargs, &r, e) != 0)
                return -1;
        if (db_exec(cli->db, ss->create, e) != 0)
                rc = -1;
        json_array_foreach(json_object_get(r.doc, ss->rows), i, row)
        {
                if (rc == 0)
                        rc = temp_put(cli, ss->put, ss->cols, ss->ncols, row, e);
        }
        json_decref(r.doc);
        if (rc != 0 || (s->st = db_prepare(cli->db, ss->select, e)) == NULL)
                return -1;
        s->ncols = sqlite3_column_count(s->st);
        for (int c = 0; c < s->ncols; c++) {
                type = sqlite3_column_decltype(s->st, c);
                s->heads[c] = sqlite3_column_name(s->st, c);
                s->kinds[c] =
                    type != NULL && (strcmp(type, "INTEGER") == 0 || strcmp(type, "REAL") == 0)
                        ? EX_NUM
                        : EX_TEXT;
        }
        return 0;
}

/* CSV to out ("-" or NULL: standard output) through fs_out. */
static int write_csv(struct export_sheet *s, const char *out, int excel, struct rb_err *e)
{
        struct fs_out o;

        if (out == NULL || strcmp(out, "-") == 0)
                return export_csv(stdout, s, excel, e);
        if (fs_out_open(&o, out, 0666, FS_OUT_REPLACE, e) != 0)
                return -1;
        if (export_csv(o.f, s, excel, e) != 0) {
                fs_out_abort(&o);
                return -1;
        }
        return fs_out_commit(&o, e);
}

static const struct opt export_opts[] = {
    {"TABLE", "table", OPT_ARG, 0, N_("the table, one of those below"), NULL, NULL},
    {"xlsx", NULL, OPT_FLAG, 0, N_("write an .xlsx workbook (needs --out FILE)"), NULL, NULL},
    {"excel", NULL, OPT_FLAG, 0, N_("CSV as Indonesian Excel reads it: BOM, ';', CRLF"), NULL,
     NULL},
    {"out", NULL, OPT_VALUE, 0, N_("the file to write ('-' or none: standard output)"), NULL, NULL},
    {"year", NULL, OPT_VALUE, 0, N_("export siasn: the year"), NULL, NULL},
    {"unit", NULL, OPT_VALUE, 0, N_("export siasn: only this unit (its code)"), NULL, NULL},
    OPT_END,
};

/* Writes the sheet the way the options say. */
static int export_write(struct cli *cli, struct export_sheet *s, const json_t *o, struct rb_err *e)
{
        const char *out = opts_value(o, &export_opts[3]);

        if (cli->json)
                return table_print(cli, s->st, NULL, e);
        if (opts_value(o, &export_opts[1]) != NULL)
                return export_xlsx(out, s, e);
        return write_csv(s, out, opts_value(o, &export_opts[2]) != NULL, e);
}

/* The options' combination is one export can do: 0, or a usage exit. */
static int export_usage(struct cli *cli, const json_t *o)
{
        const char *out = opts_value(o, &export_opts[3]);
        int xlsx = opts_value(o, &export_opts[1]) != NULL,
            excel = opts_value(o, &export_opts[2]) != NULL;

        if (xlsx && (out == NULL || strcmp(out, "-") == 0))
                return opt_fail(EXIT_USAGE, _("export: --xlsx needs --out FILE"));
        if ((xlsx || excel) && cli->json)
                return opt_fail(EXIT_USAGE, _("export: --xlsx and --excel are not --json"));
        if (xlsx && excel)
                return opt_fail(EXIT_USAGE, _("export: choose --xlsx or --excel"));
        return 0;
}

/* The table t names: 0 with the sheet made, a usage exit, or -1 with e. */
static int export_sheet_of(struct cli *cli, const char *t, const json_t *o, struct export_sheet *s,
                           struct rb_err *e)
{
        const char *year = opts_value(o, &export_opts[4]), *unit = opts_value(o, &export_opts[5]);
        const struct entity_def *d = NULL;
        int siasn = strcmp(t, "siasn") == 0;

        if (!siasn && (year != NULL || unit != NULL))
                return opt_fail(EXIT_USAGE, _("export: --year and --unit are for export siasn"));
        if (siasn && year == NULL)
                return opt_fail(EXIT_USAGE, _("export siasn: --year YEAR is required"));
        if (!siasn && strcmp(t, "evaluations") != 0 && strcmp(t, "evaluation") != 0 &&
            (d = export_def(t)) == NULL)
                return opt_fail(EXIT_USAGE,
                                _("export: unknown table '%s' (see renbin export --help)"), t);
        if (cli_db(cli, e) == NULL)
                return -1;
        if (siasn) {
                const char *args[] = {"year", year, "unit", unit};
                return server_sheet(cli, &siasn_def, args, 2, s, e);
        }
        if (d == NULL) {
                const char *args[] = {"unit", NULL};
                return server_sheet(cli, &eval_def, args, 1, s, e);
        }
        return entity_sheet(cli, d, s, e);
}

static int export_exec(struct cli *cli, int argc, char **argv)
{
        json_t *o = json_object();
        struct export_sheet s = {0};
        const char *t;
        struct rb_err e;
        int rest, rc;

        err_clear(&e);
        if ((rc = opts_parse("export", export_opts, argc, argv, o, &rest)) != 0 ||
            (rc = export_usage(cli, o)) != 0)
                goto out;
        if ((t = opts_value(o, &export_opts[0])) != NULL && rest != argc) {
                rc = opts_extra("export", argc, argv, rest);
                goto out;
        }
        if (t == NULL) {
                rc = opt_fail(EXIT_USAGE, _("usage: renbin export TABLE [--csv | --json | "
                                            "--excel | --xlsx] [--out FILE]"));
                goto out;
        }
        if ((rc = export_sheet_of(cli, t, o, &s, &e)) > 0)
                goto out;
        rc = EXIT_OK;
        if (s.st == NULL || export_write(cli, &s, o, &e) != 0)
                rc = cli_fail(&e);
out:
        if (s.st != NULL)
                sqlite3_finalize(s.st);
        json_decref(o);
        return rc;
}

const struct cmd cmd_export = {
    .name = "export",
    .usage =
        "export TABLE [--csv | --json | --excel | --xlsx] [--out FILE]"
        "\n     | export siasn --year YEAR [--unit CODE] [--csv | --json | --xlsx] [--out FILE]",
    .summary = N_("export a table of the replica as CSV (UTF-8) or .xlsx for a spreadsheet"),
    .help = N_("Tables: units asn competencies plans programs enrollments assessments\n"
               "mentor_pairs mentor_logs surveys forums needs standards records, and\n"
               "evaluations (per program, from the server, empty where the reports hide a\n"
               "group; never an answer).\n"
               "siasn: the year's completed programs and verified records, one row per\n"
               "person per course in SIASN's riwayat kursus fields (docs/siasn.md), from the\n"
               "server.\n"
               "Exports hold what this seat may see; run renbin sync first for fresh data.\n"
               "Headers are the import's column names, so a file can be edited and imported\n"
               "back; times are ISO 8601 (UTC). A text cell starting with = + - or @ gets a\n"
               "leading ' so a spreadsheet never runs it as a formula (numbers are kept).\n"
               "--xlsx writes NIP and codes as text, dates as dates, a bold frozen header.\n"),
    .exec = export_exec,
    .opts = export_opts,
};
