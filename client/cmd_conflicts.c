/*
 * cmd_conflicts.c - `renbin conflicts`: the ops the server rejected, from
 * every office, with the op as sent and the reason (HR and auditors).
 * Nothing a person typed disappears: it is here, or pending in an outbox.
 */
#include "about.h"
#include "cmds.h"
#include "i18n.h"
#include "net.h"
#include "opts.h"
#include "query.h"
#include "out.h"
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct opt conflicts_opts[] = {
    {"unit", NULL, OPT_VALUE, 0, N_("only this unit (its code)"), NULL, NULL},
    OPT_END,
};

/* Every rejected op of unit (NULL: of every office), page by page (the
 * server pages them so no reply outgrows a frame), into one document:
 * {"rows": [...], "summarised": [...]}. NULL with e. */
static json_t *conflicts_fetch(struct cli *cli, const char *unit, struct rb_err *e)
{
        json_t *all = json_array(), *sum = NULL, *page;
        char *after = NULL;

        do {
                page = query_run(cli, "conflicts", e, "unit", unit, "after", after, NULL);
                free(after);
                after = NULL;
                if (page == NULL) {
                        json_decref(all);
                        json_decref(sum);
                        return NULL;
                }
                json_array_extend(all, json_object_get(page, "rows"));
                json_decref(sum);
                sum = json_incref(json_object_get(page, "summarised"));
                if (json_is_string(json_object_get(page, "next")))
                        after = strdup(json_string_value(json_object_get(page, "next")));
                json_decref(page);
        } while (after != NULL);
        return json_pack("{s:o, s:o}", "rows", all, "summarised", sum ? sum : json_array());
}

/* Gives each rejected op "about": the person and program it is about, in
 * names, read from this seat's replica (an attendance op carries only its
 * status). */
static void conflicts_about(struct cli *cli, json_t *doc)
{
        char about[512];
        json_t *row;
        size_t i;

        json_array_foreach(doc, i, row)
        {
                about_op(cli, json_string_value(json_object_get(row, "entity_id")),
                         json_object_get(row, "fields"), about, sizeof(about));
                json_object_set_new(row, "about", json_string(about));
        }
}

/* The table's rows for the rejected ops. */
static json_t *conflicts_table(json_t *doc)
{
        json_t *rows = json_array(), *row;
        size_t i;

        json_array_foreach(doc, i, row)
        {
                char when[32];
                time_t t = (time_t)json_integer_value(json_object_get(row, "at"));
                struct tm tm;
                char *sent = json_dumps(json_object_get(row, "fields"), JSON_COMPACT);
                localtime_r(&t, &tm);
                strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
                json_array_append_new(
                    rows, json_pack("{s:s, s:O, s:O, s:O, s:O, s:O, s:O, s:s}", "when", when,
                                    "seat", json_object_get(row, "seat"), "entity",
                                    json_object_get(row, "entity"), "action",
                                    json_object_get(row, "action"), "about",
                                    json_object_get(row, "about"), "code",
                                    json_object_get(row, "code"), "message",
                                    json_object_get(row, "message"), "sent", sent ? sent : ""));
                free(sent);
        }
        return rows;
}

/* Prints the rejected ops of unit (NULL: of every office). */
static int conflicts_show(struct cli *cli, const char *unit)
{
        static const char *const headers[] = {N_("WHEN"),   N_("SEAT"),  N_("ENTITY"),
                                              N_("ACTION"), N_("ABOUT"), N_("CODE"),
                                              N_("REASON"), N_("SENT"),  NULL};
        json_t *doc, *rows, *row;
        struct rb_err e;
        size_t i;

        err_clear(&e);
        if ((doc = conflicts_fetch(cli, unit, &e)) == NULL)
                return cli_fail(&e);
        conflicts_about(cli, json_object_get(doc, "rows"));
        if (cli->json)
                return out_json(doc);
        rows = conflicts_table(json_object_get(doc, "rows"));
        if (json_array_size(rows) == 0) {
                printf(_("no rejected changes\n"));
                json_decref(rows);
        } else {
                table_print_json(cli, rows, headers); /* takes rows */
        }
        json_array_foreach(json_object_get(doc, "summarised"), i, row)
            printf(ngettext("%s: %lld older rejected change kept as a count only\n",
                            "%s: %lld older rejected changes kept as a count only\n",
                            (unsigned long)json_integer_value(json_object_get(row, "n"))),
                   json_string_value(json_object_get(row, "unit")),
                   (long long)json_integer_value(json_object_get(row, "n")));
        json_decref(doc);
        return EXIT_OK;
}

static int conflicts_exec(struct cli *cli, int argc, char **argv)
{
        json_t *o = json_object();
        int rest, rc;

        if ((rc = opts_parse("conflicts", conflicts_opts, argc, argv, o, &rest)) == 0 &&
            rest != argc)
                rc = opts_extra("conflicts", argc, argv, rest);
        else if (rc == 0)
                rc = conflicts_show(cli, opts_value(o, &conflicts_opts[0]));
        json_decref(o);
        return rc;
}

const struct cmd cmd_conflicts = {
    .name = "conflicts",
    .usage = "conflicts [--unit CODE]",
    .summary = N_("changes the server rejected, from every office, with the reasons (HR)"),
    .help = NULL,
    .exec = conflicts_exec,
    .opts = conflicts_opts,
};
