/*
 * cmd_unit.c - `renbin unit`: the unit offices (HR adds and deactivates them;
 * a deactivated unit's office is locked out), and the list from the replica.
 */
#include "cmds.h"
#include "db.h"
#include "i18n.h"
#include "opts.h"
#include "outbox.h"
#include "table.h"
#include "validate.h"
#include "verbs.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static int unit_add(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {{"kind", required_argument, NULL, 'k'},
                                                 {NULL, 0, NULL, 0}};
        const char *kind = NULL;
        char label[160];
        struct rb_err e;
        int ch;

        while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
                if (ch != 'k')
                        return opt_unknown(argv);
                kind = optarg;
        }
        if (argc - optind != 2)
                return opt_fail(EXIT_USAGE, _("usage: renbin unit add CODE NAME --kind KIND"));
        if (kind == NULL)
                return opt_missing("unit add", "--kind");
        if (code_check(argv[optind], "code", &e) || text_check(argv[optind + 1], 200, "name", &e) ||
            enum_check(kind, unit_kinds, "kind", &e))
                return cli_fail(&e);
        snprintf(label, sizeof(label), _("add unit %s"), argv[optind]);
        return outbox_write1(cli, "unit", NULL, "create",
                             json_pack("{s:s, s:s, s:s}", "code", argv[optind], "name",
                                       argv[optind + 1], "kind", kind),
                             label);
}

/* unit activate|deactivate CODE */
static int unit_set_active(struct cli *cli, int argc, char **argv, int active)
{
        char label[160];

        if (argc != 2)
                return opt_fail(EXIT_USAGE, _("usage: renbin unit %s CODE"), argv[0]);
        snprintf(label, sizeof(label), active ? _("activate unit %s") : _("deactivate unit %s"),
                 argv[1]);
        return outbox_write1(cli, "unit", NULL, "update",
                             json_pack("{s:s, s:s}", "code", argv[1], "active", active ? "1" : "0"),
                             label);
}

static int unit_activate(struct cli *cli, int argc, char **argv)
{
        return unit_set_active(cli, argc, argv, 1);
}

static int unit_deactivate(struct cli *cli, int argc, char **argv)
{
        return unit_set_active(cli, argc, argv, 0);
}

static int unit_list(struct cli *cli, int argc, char **argv)
{
        static const char sql[] =
            "SELECT u.code, u.name, u.kind, u.active,"
            " (SELECT count(*) FROM asn a WHERE a.unit = u.code AND a.active = 1) AS asn"
            " FROM units u ORDER BY u.code";
        static const char *const headers[] = {N_("CODE"),   N_("NAME"), N_("KIND"),
                                              N_("ACTIVE"), N_("ASN"),  NULL};
        struct rb_err e;
        sqlite3_stmt *st;

        (void)argv;
        if (argc > 1)
                return opt_fail(EXIT_USAGE, _("usage: renbin unit list"));
        if (cli_db(cli, &e) == NULL || (st = db_stmt(cli->db, sql, &e)) == NULL ||
            table_print(cli, st, headers, &e) != 0)
                return cli_fail(&e);
        return EXIT_OK;
}

static const struct verb unit_verbs[] = {
    {"add", unit_add, NULL},
    {"list", unit_list, NULL},
    {"activate", unit_activate, NULL},
    {"deactivate", unit_deactivate, NULL},
    {NULL, NULL, NULL},
};

const struct cmd cmd_unit = {
    .name = "unit",
    .usage = "unit add CODE NAME --kind KIND | unit list | unit activate|deactivate CODE",
    .summary = N_("unit offices: add (HR), list, deactivate (locks the office out)"),
    .help = N_("Kinds: kecamatan kelurahan puskesmas pustu upt dinas badan kantor lainnya.\n"
               "A deactivated unit's certificate is refused until it is activated again.\n"),
    .exec = NULL,
    .verbs = unit_verbs,
};
