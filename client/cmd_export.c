/*
 * cmd_export.c - `renbin export TABLE`: a table of the replica as CSV (UTF-8;
 * --excel for Indonesian Excel), an .xlsx workbook (--xlsx) or --json, for
 * the spreadsheets HR works in. Headers are the import's column names, so an
 * exported file can be edited and imported back; times are ISO 8601 (UTC).
 * The replica holds exactly what the seat may see, so the export does too.
 * Questionnaire answers are never exported one by one: `export evaluations`
 * gives the per-program aggregate of the reports, empty for groups under 3.
 */
#include "cmds.h"
#include "db.h"
#include "entity.h"
#include "export.h"
#include "fsutil.h"
#include "i18n.h"
#include "opts.h"
#include "table.h"

#include <stdio.h>
#include <string.h>

/* Per-program aggregate of the questionnaires (n < 3: counts only). */
static const char SQL_EVAL[] =
    "SELECT program, count(*) AS responses, count(*) < 3 AS suppressed,"
    " CASE WHEN count(*) >= 3 THEN round(avg(materi), 2) END AS materi_mean,"
    " CASE WHEN count(*) >= 3 THEN round(avg(penyampaian), 2) END AS penyampaian_mean,"
    " CASE WHEN count(*) >= 3 THEN round(avg(aplikasi), 2) END AS aplikasi_mean,"
    " CASE WHEN count(*) >= 3 THEN round((avg(materi) + avg(penyampaian) + avg(aplikasi)) / 3,"
    "  2) END AS overall_mean"
    " FROM evaluations GROUP BY program ORDER BY program";

/* The entity whose table (or name) is t, never the raw evaluations. */
static const struct entity_def *export_def(const char *t)
{
        for (size_t i = 0; i < entity_count; i++)
                if (strcmp(entity_defs[i]->table, t) == 0 || strcmp(entity_defs[i]->name, t) == 0)
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
        for (size_t i = 0; i < d->nfields && s->ncols < ENTITY_MAX_FIELDS; i++, s->ncols++) {
                const struct field_def *f = &d->fields[i];
                s->heads[s->ncols] = entity_field_column(f);
                s->kinds[s->ncols] = field_kind(f);
                if (s->kinds[s->ncols] == EX_TIME)
                        off += (size_t)snprintf(cols + off, sizeof(cols) - off,
                                                ", strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', %s,"
                                                " 'unixepoch') AS %s",
                                                f->name, f->name);
                else
                        off += (size_t)snprintf(cols + off, sizeof(cols) - off, ", %s", f->name);
        }
        /* table and column names come from the catalogue, never from the command line */
        sql =
            sqlite3_mprintf("SELECT %s FROM %s ORDER BY %s, id", cols, d->table, d->fields[0].name);
        if (sql == NULL)
                return err_set(e, RB_INTERNAL, NULL, _("out of memory"));
        s->st = db_prepare(cli->db, sql, e);
        sqlite3_free(sql);
        return s->st == NULL ? -1 : 0;
}

/* The sheet of the questionnaires' aggregate: program, then numbers. */
static int eval_sheet(struct cli *cli, struct export_sheet *s, struct rb_err *e)
{
        *s = (struct export_sheet){.name = "evaluations", .db = cli->db};
        if ((s->st = db_prepare(cli->db, SQL_EVAL, e)) == NULL)
                return -1;
        s->ncols = sqlite3_column_count(s->st);
        for (int c = 0; c < s->ncols; c++) {
                s->heads[c] = sqlite3_column_name(s->st, c);
                s->kinds[c] = c == 0 ? EX_TEXT : EX_NUM;
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

static int export_exec(struct cli *cli, int argc, char **argv)
{
        json_t *o = json_object();
        struct export_sheet s = {0};
        const struct entity_def *d = NULL;
        const char *t;
        struct rb_err e;
        int rest, rc;

        err_clear(&e);
        if ((rc = opts_parse("export", export_opts, argc, argv, o, &rest)) != 0 ||
            (rc = export_usage(cli, o)) != 0)
                goto out;
        if ((t = opts_value(o, &export_opts[0])) == NULL || rest != argc) {
                rc = opt_fail(EXIT_USAGE, _("usage: renbin export TABLE [--csv | --json | "
                                            "--excel | --xlsx] [--out FILE]"));
                goto out;
        }
        if (strcmp(t, "evaluations") != 0 && strcmp(t, "evaluation") != 0 &&
            (d = export_def(t)) == NULL) {
                rc = opt_fail(EXIT_USAGE,
                              _("export: unknown table '%s' (see renbin export --help)"), t);
                goto out;
        }
        if (cli_db(cli, &e) == NULL ||
            (d != NULL ? entity_sheet(cli, d, &s, &e) : eval_sheet(cli, &s, &e)) != 0 ||
            export_write(cli, &s, o, &e) != 0)
                rc = cli_fail(&e);
out:
        if (s.st != NULL)
                sqlite3_finalize(s.st);
        json_decref(o);
        return rc;
}

const struct cmd cmd_export = {
    .name = "export",
    .usage = "export TABLE [--csv | --json | --excel | --xlsx] [--out FILE]",
    .summary = N_("export a table of the replica as CSV (UTF-8) or .xlsx for a spreadsheet"),
    .help = N_("Tables: units asn competencies plans programs enrollments assessments\n"
               "mentor_pairs mentor_logs surveys forums needs standards, and evaluations\n"
               "(per program, aggregated; nothing for groups under 3 answers, never single\n"
               "answers).\n"
               "Exports hold what this seat may see; run renbin sync first for fresh data.\n"
               "Headers are the import's column names, so a file can be edited and imported\n"
               "back; times are ISO 8601 (UTC). A text cell starting with = + - or @ gets a\n"
               "leading ' so a spreadsheet never runs it as a formula (numbers are kept).\n"
               "--xlsx writes NIP and codes as text, dates as dates, a bold frozen header.\n"),
    .exec = export_exec,
    .opts = export_opts,
};
