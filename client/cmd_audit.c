/*
 * cmd_audit.c - `renbin audit list`: who did what when, from the server's
 * audit log (HR and auditor seats; the server refuses an office). Each
 * change names the seat that made it (unit, role, the person's name, the
 * certificate's serial), the row and what happened.
 */
#include "cmds.h"
#include "i18n.h"
#include "opts.h"
#include "out.h"
#include "query.h"
#include "report.h"
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct opt audit_list_opts[] = {
    {"entity", NULL, OPT_VALUE, 0, N_("only changes of this entity (program, enrollment, ...)"),
     NULL, NULL},
    {"id", NULL, OPT_VALUE, 0, N_("only changes of the row with this id"), NULL, NULL},
    {"since", NULL, OPT_VALUE, 0, N_("only changes on or after this date (YYYY-MM-DD)"), NULL,
     NULL},
    OPT_END,
};

/* Every record the filters select, page by page (the server pages them so
 * no reply outgrows a frame), into one array. NULL with e. */
static json_t *audit_fetch(struct cli *cli, const char *const *f, struct rb_err *e)
{
        json_t *all = json_array(), *page;
        char after[32] = "";

        for (;;) {
                page = query_run(cli, "audit", e, "entity", f[0], "id", f[1], "since", f[2],
                                 "after", after[0] ? after : NULL, NULL);
                if (page == NULL) {
                        json_decref(all);
                        return NULL;
                }
                json_array_extend(all, json_object_get(page, "rows"));
                json_t *next = json_object_get(page, "next");
                if (!json_is_integer(next)) {
                        json_decref(page);
                        return all;
                }
                snprintf(after, sizeof(after), "%lld", (long long)json_integer_value(next));
                json_decref(page);
        }
}

/* What a person knows the row by, from its recorded fields: its code,
 * program, NIP or year, those it has ("EV-01 198505052010041001"); its id
 * when it has none of them (a tombstone). */
static void audit_label(json_t *row, char *buf, size_t len)
{
        static const char *const keys[] = {"code", "program", "nip", "year"};
        json_t *f = json_object_get(row, "fields");
        size_t off = 0;

        buf[0] = '\0';
        for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]) && off < len; k++) {
                const char *v = json_string_value(json_object_get(f, keys[k]));
                if (v != NULL)
                        off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? " " : "", v);
        }
        if (buf[0] == '\0')
                snprintf(buf, len, "%s", json_string_value(json_object_get(row, "entity_id")));
}

/* The table's rows for the records. */
static json_t *audit_table(json_t *doc)
{
        json_t *rows = json_array(), *row;
        size_t i;

        json_array_foreach(doc, i, row)
        {
                char when[32], label[160];
                report_time(json_integer_value(json_object_get(row, "at")), when);
                audit_label(row, label, sizeof(label));
                json_array_append_new(rows,
                                      json_pack("{s:O, s:s, s:O, s:O, s:O, s:s}", "n",
                                                json_object_get(row, "n"), "when", when, "seat",
                                                json_object_get(row, "seat"), "entity",
                                                json_object_get(row, "entity"), "action",
                                                json_object_get(row, "action"), "row", label));
        }
        return rows;
}

static int audit_list(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {N_("#"),      N_("WHEN"), N_("SEAT"), N_("ENTITY"),
                                              N_("ACTION"), N_("ROW"),  NULL};
        json_t *o = json_object(), *doc;
        struct rb_err e;
        int rest, rc;

        err_clear(&e);
        if ((rc = opts_parse("audit list", audit_list_opts, argc, argv, o, &rest)) != 0 ||
            (rest < argc && (rc = opt_fail(EXIT_USAGE, _("audit list: unexpected argument '%s'"),
                                           argv[rest])) != 0)) {
                json_decref(o);
                return rc;
        }
        const char *f[] = {opts_value(o, &audit_list_opts[0]), opts_value(o, &audit_list_opts[1]),
                           opts_value(o, &audit_list_opts[2])};
        doc = audit_fetch(cli, f, &e);
        json_decref(o);
        if (doc == NULL)
                return cli_fail(&e);
        if (cli->json)
                return out_json(json_pack("{s:o}", "rows", doc));
        if (json_array_size(doc) == 0)
                printf(_("no changes recorded\n"));
        else
                table_print_json(cli, audit_table(doc), headers); /* takes the rows */
        json_decref(doc);
        return EXIT_OK;
}

static const struct verb audit_verbs[] = {
    {"list", audit_list, audit_list_opts},
    {NULL, NULL, NULL},
};

const struct cmd cmd_audit = {
    .name = "audit",
    .usage = "audit list [--entity ENTITY] [--id ID] [--since YYYY-MM-DD]",
    .summary = N_("who changed what and when, from the server's audit log (HR, auditor)"),
    .help = N_("Each change names the seat that made it: unit, role, the person's name and\n"
               "the certificate's serial. A change of a row by an op on another entity\n"
               "names that op (\"enrollment create\" on a program: its seat count moved).\n"),
    .exec = NULL,
    .verbs = audit_verbs,
};
