/*
 * cmd_forum.c - `renbin forum`: notes of the community communication
 * forums a unit holds, what was said and what the unit will do, and the
 * follow-up's state (terbuka, proses, selesai), owner and due date. The
 * note's fields and the states are the catalogue's (common/entity.c).
 */
#include "cmds.h"
#include "db.h"
#include "i18n.h"
#include "rowid.h"
#include "table.h"
#include "verbs.h"
#include "write.h"

#include <stdio.h>

static const struct opt forum_add_opts[] = {
    {"unit", NULL, OPT_CODE, 0, NULL, NULL, NULL},
    OPT_ENTITY_FIELDS("forum", "add"),
    OPT_END,
};

static int forum_add(struct cli *cli, int argc, char **argv)
{
        char label[160];
        json_t *f;
        int rc;

        if ((rc = write_parse(cli, "forum add", "forum", "add", forum_add_opts, argc, argv, &f,
                              NULL)) != 0)
                return rc;
        snprintf(label, sizeof(label), _("forum note of %s: %s"), write_get(f, "date"),
                 write_get(f, "topic"));
        return write_submit(cli, "forum", "add", f, label);
}

static const struct opt forum_update_opts[] = {
    {"ID", "id", OPT_ARG, 1, N_("the note's id, as forum list shows it"), NULL, NULL},
    OPT_ENTITY_FIELDS("forum", "update"),
    OPT_END,
};

/* "forum note 1a2b3c4d: proses" */
static void forum_label(char *buf, size_t len, const char *shown, const json_t *f)
{
        snprintf(buf, len, _("forum note %s: %s"), shown, write_get(f, "status"));
}

/* forum update ID --status S [--follow-up TEXT] [--owner NAME] [--due DATE] */
static int forum_update(struct cli *cli, int argc, char **argv)
{
        return rowid_write(cli, "forum update", "forum", "update", "forums", _("forum note"),
                           forum_update_opts, argc, argv, forum_label);
}

/* The filters of forum list. */
static const struct opt forum_list_opts[] = {
    {"unit", NULL, OPT_VALUE, 0, N_("only this unit (its code)"), NULL, NULL},
    {"year", NULL, OPT_VALUE, 0, N_("only this year"), NULL, NULL},
    {"open", NULL, OPT_FLAG, 0, N_("only notes whose follow-up is not selesai"), NULL, NULL},
    OPT_END,
};

/* Prints the notes; the follow-up's state in the reader's language in a
 * table (?4..?6), as stored in JSON and CSV. */
static int forum_print(struct cli *cli, const json_t *o)
{
        static const char sql[] =
            "SELECT substr(id, -8) AS id, unit, date, topic, ifnull(input, '') AS input,"
            " ifnull(follow_up, '') AS follow_up, CASE status WHEN 'terbuka' THEN ?4"
            " WHEN 'proses' THEN ?5 WHEN 'selesai' THEN ?6 ELSE status END AS status,"
            " ifnull(owner, '') AS owner, ifnull(due, '') AS due FROM forums"
            " WHERE (?1 IS NULL OR unit = ?1) AND (?2 IS NULL OR date LIKE ?2 || '%')"
            " AND (?3 IS NULL OR status != 'selesai') ORDER BY date, unit";
        static const char *const headers[] = {
            N_("ID"),        N_("UNIT"),   N_("DATE"),  N_("TOPIC"), N_("INPUT"),
            N_("FOLLOW-UP"), N_("STATUS"), N_("OWNER"), N_("DUE"),   NULL};
        /* TRANSLATORS: a forum follow-up's states: terbuka, proses, selesai. */
        const char *words[] = {N_("to do"), N_("in progress"), N_("done")};
        const char *raw[] = {"terbuka", "proses", "selesai"};
        int human = !cli->json && !cli->csv;
        struct rb_err e;
        sqlite3_stmt *st;

        if (cli_db(cli, &e) == NULL || (st = db_stmt(cli->db, sql, &e)) == NULL)
                return cli_fail(&e);
        for (int i = 0; i < 3; i++) {
                db_bind_text(st, i + 1, opts_value(o, &forum_list_opts[i]));
                db_bind_text(st, i + 4, human ? _(words[i]) : raw[i]);
        }
        if (table_print(cli, st, headers, &e) != 0)
                return cli_fail(&e);
        return EXIT_OK;
}

static int forum_list(struct cli *cli, int argc, char **argv)
{
        json_t *o = json_object();
        int rest, rc;

        if ((rc = opts_parse("forum list", forum_list_opts, argc, argv, o, &rest)) == 0)
                rc = rest != argc ? opt_fail(EXIT_USAGE, _("unexpected argument '%s' (see --help)"),
                                             argv[rest])
                                  : forum_print(cli, o);
        json_decref(o);
        return rc;
}

static const struct verb forum_verbs[] = {
    {"add", forum_add, forum_add_opts},
    {"update", forum_update, forum_update_opts},
    {"list", forum_list, forum_list_opts},
    {NULL, NULL, NULL},
};

const struct cmd cmd_forum = {
    .name = "forum",
    .usage = "forum add --date DATE --topic TEXT [--input TEXT] [--follow-up TEXT] [--unit CODE]"
             "\n     | forum update ID --status terbuka|proses|selesai [--follow-up TEXT]"
             "\n       [--owner NAME] [--due DATE]"
             "\n     | forum list [--unit CODE] [--year YEAR] [--open]",
    .summary = N_("notes of community communication forums: input and follow-up"),
    .help = N_("A note's follow-up is terbuka (open) when added, then proses or selesai.\n"
               "ID is the note's id as forum list shows it (its last characters).\n"),
    .exec = forum_list,
    .verbs = forum_verbs,
};
