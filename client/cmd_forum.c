/*
 * cmd_forum.c - `renbin forum`: notes of the community communication
 * forums a unit holds, what was said and what the unit will do. The note's
 * fields are the catalogue's (common/entity.c).
 */
#include "cmds.h"
#include "i18n.h"
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

/* The filters of forum list: ?1 and ?2 of its query. */
static const struct opt forum_list_opts[] = {
    {"unit", NULL, OPT_VALUE, 0, N_("only this unit (its code)"), NULL, NULL},
    {"year", NULL, OPT_VALUE, 0, N_("only this year"), NULL, NULL},
    OPT_END,
};

static int forum_list(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {N_("UNIT"),  N_("DATE"),      N_("TOPIC"),
                                              N_("INPUT"), N_("FOLLOW-UP"), NULL};

        return verb_list(cli, argc, argv, forum_list_opts,
                         "SELECT unit, date, topic, ifnull(input, '') AS input,"
                         " ifnull(follow_up, '') AS follow_up FROM forums"
                         " WHERE (?1 IS NULL OR unit = ?1) AND (?2 IS NULL OR date LIKE ?2 || '%')"
                         " ORDER BY date, unit",
                         headers);
}

static const struct verb forum_verbs[] = {
    {"add", forum_add, forum_add_opts},
    {"list", forum_list, forum_list_opts},
    {NULL, NULL, NULL},
};

const struct cmd cmd_forum = {
    .name = "forum",
    .usage = "forum add --date DATE --topic TEXT [--input TEXT] [--follow-up TEXT] [--unit CODE]"
             "\n     | forum list [--unit CODE] [--year YEAR]",
    .summary = N_("notes of community communication forums: input and follow-up"),
    .help = NULL,
    .exec = forum_list,
    .verbs = forum_verbs,
};
