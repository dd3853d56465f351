/*
 * cmd_unit.c - `renbin unit`: the unit offices (HR adds and deactivates them;
 * a deactivated unit's office is locked out), and the list from the replica.
 * The unit's fields and their limits are the catalogue's (common/entity.c).
 */
#include "cmds.h"
#include "db.h"
#include "i18n.h"
#include "table.h"
#include "verbs.h"
#include "write.h"

#include <stdio.h>

static const struct opt unit_add_opts[] = {
    {"CODE", "code", OPT_ARG_CODE, 1, NULL, NULL, NULL},
    {"NAME", "name", OPT_ARG, 1, NULL, NULL, NULL},
    OPT_ENTITY_FIELDS("unit", "create"),
    OPT_END,
};

/* unit add CODE NAME --kind KIND */
static int unit_add(struct cli *cli, int argc, char **argv)
{
        char label[160];
        json_t *f;
        int rc;

        if ((rc = write_parse(cli, "unit add", "unit", "create", unit_add_opts, argc, argv, &f,
                              NULL)) != 0)
                return rc;
        snprintf(label, sizeof(label), _("add unit %s"), write_get(f, "code"));
        return write_submit(cli, "unit", "create", f, label);
}

static const struct opt unit_activate_opts[] = {
    {"CODE", "code", OPT_ARG_CODE, 1, N_("the unit's code"), NULL, NULL},
    OPT_END,
};

/* unit activate|deactivate CODE: an update of the unit's active field. */
static int unit_set_active(struct cli *cli, int argc, char **argv, int active)
{
        char cmd[32], label[160];
        json_t *f;
        int rc;

        snprintf(cmd, sizeof(cmd), "unit %s", argv[0]);
        if ((rc = write_parse(cli, cmd, "unit", "update", unit_activate_opts, argc, argv, &f,
                              NULL)) != 0)
                return rc;
        json_object_set_new(f, "active", json_string(active ? "1" : "0"));
        snprintf(label, sizeof(label), active ? _("activate unit %s") : _("deactivate unit %s"),
                 write_get(f, "code"));
        return write_submit(cli, "unit", "update", f, label);
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

        if (argc > 1)
                return opt_word("unit list", argv[1]);
        if (cli_db(cli, &e) == NULL || (st = db_stmt(cli->db, sql, &e)) == NULL ||
            table_print(cli, st, headers, &e) != 0)
                return cli_fail(&e);
        return EXIT_OK;
}

static const struct verb unit_verbs[] = {
    {"add", unit_add, unit_add_opts},
    {"list", unit_list, NULL},
    {"activate", unit_activate, unit_activate_opts},
    {"deactivate", unit_deactivate, unit_activate_opts},
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
