/*
 * cmd_export.c - `renbin export TABLE`: a table of the replica as CSV (UTF-8,
 * through libcsv's writer) or --json, for the spreadsheets HR works in. The
 * replica holds exactly what the seat may see, so the export does too.
 * Questionnaire answers are never exported one by one: `export evaluations`
 * gives the per-program aggregate of the reports, empty for groups under 3.
 */
#include "cmds.h"
#include "db.h"
#include "entity.h"
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

/* Prints the entity's table, every field, in the order of its first field. */
static int export_entity(struct cli *cli, const struct entity_def *d, struct rb_err *e)
{
        char cols[1024] = "id";
        size_t off = 2;
        sqlite3_stmt *st;
        char *sql;
        int rc;

        for (size_t f = 0; f < d->nfields; f++)
                off += (size_t)snprintf(cols + off, sizeof(cols) - off, ", %s", d->fields[f].name);
        /* table and column names come from the catalogue, never from the command line */
        sql =
            sqlite3_mprintf("SELECT %s FROM %s ORDER BY %s, id", cols, d->table, d->fields[0].name);
        if (sql == NULL)
                return err_set(e, RB_INTERNAL, NULL, _("out of memory"));
        st = db_prepare(cli->db, sql, e);
        sqlite3_free(sql);
        if (st == NULL)
                return -1;
        rc = table_print(cli, st, NULL, e);
        sqlite3_finalize(st);
        return rc;
}

static int export_exec(struct cli *cli, int argc, char **argv)
{
        const struct entity_def *d;
        struct rb_err e;
        sqlite3_stmt *st;
        int rc;

        if (argc != 2)
                return opt_fail(EXIT_USAGE, _("usage: renbin export TABLE [--csv | --json]"));
        err_clear(&e);
        if (cli_db(cli, &e) == NULL)
                return cli_fail(&e);
        if (!cli->json)
                cli->csv = 1;
        if (strcmp(argv[1], "evaluations") == 0 || strcmp(argv[1], "evaluation") == 0) {
                if ((st = db_prepare(cli->db, SQL_EVAL, &e)) == NULL)
                        return cli_fail(&e);
                rc = table_print(cli, st, NULL, &e);
                sqlite3_finalize(st);
                return rc == 0 ? EXIT_OK : cli_fail(&e);
        }
        if ((d = export_def(argv[1])) == NULL)
                return opt_fail(EXIT_USAGE,
                                _("export: unknown table '%s' (see renbin export "
                                  "--help)"),
                                argv[1]);
        return export_entity(cli, d, &e) == 0 ? EXIT_OK : cli_fail(&e);
}

const struct cmd cmd_export = {
    .name = "export",
    .usage = "export TABLE [--csv | --json]",
    .summary = N_("export a table of the replica as CSV (UTF-8) for a spreadsheet"),
    .help = N_("Tables: units asn competencies plans programs enrollments assessments\n"
               "mentor_pairs mentor_logs surveys forums needs, and evaluations (per program,\n"
               "aggregated; nothing for groups under 3 answers, never single answers).\n"
               "Exports hold what this seat may see; run renbin sync first for fresh data.\n"),
    .exec = export_exec,
};
