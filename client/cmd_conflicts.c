/*
 * cmd_conflicts.c - `renbin conflicts`: the ops the server rejected, from
 * every office, with the op as sent and the reason (HR and auditors).
 * Nothing a person typed disappears: it is here, or pending in an outbox.
 */
#include "cmds.h"
#include "i18n.h"
#include "net.h"
#include "opts.h"
#include "query.h"
#include "out.h"
#include "table.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int conflicts_exec(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {{"unit", required_argument, NULL, 'u'},
                                                 {NULL, 0, NULL, 0}};
        static const char *const headers[] = {N_("WHEN"),   N_("UNIT"),   N_("ROLE"),
                                              N_("ENTITY"), N_("ACTION"), N_("CODE"),
                                              N_("REASON"), N_("SENT"),   NULL};
        const char *unit = NULL;
        json_t *doc, *rows, *row;
        struct rb_err e;
        size_t i;
        int ch;

        optind = 1;
        while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
                if (ch != 'u')
                        return opt_unknown(argv);
                unit = optarg;
        }
        err_clear(&e);
        if ((doc = query_run(cli, "conflicts", &e, "unit", unit, NULL)) == NULL)
                return cli_fail(&e);
        if (cli->json)
                return out_json(doc);
        rows = json_array();
        json_array_foreach(doc, i, row)
        {
                char when[32];
                time_t t = (time_t)json_integer_value(json_object_get(row, "at"));
                struct tm tm;
                char *sent = json_dumps(json_object_get(row, "fields"), JSON_COMPACT);
                localtime_r(&t, &tm);
                strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
                json_array_append_new(
                    rows,
                    json_pack("{s:s, s:O, s:O, s:O, s:O, s:O, s:O, s:s}", "when", when, "unit",
                              json_object_get(row, "unit"), "role", json_object_get(row, "role"),
                              "entity", json_object_get(row, "entity"), "action",
                              json_object_get(row, "action"), "code", json_object_get(row, "code"),
                              "message", json_object_get(row, "message"), "sent",
                              sent ? sent : ""));
                free(sent);
        }
        json_decref(doc);
        if (json_array_size(rows) == 0) {
                json_decref(rows);
                printf(_("no rejected changes\n"));
                return EXIT_OK;
        }
        table_print_json(cli, rows, headers);
        return EXIT_OK;
}

const struct cmd cmd_conflicts = {
    .name = "conflicts",
    .usage = "conflicts [--unit CODE]",
    .summary = N_("changes the server rejected, from every office, with the reasons (HR)"),
    .help = NULL,
    .exec = conflicts_exec,
};
