/*
 * cmd_status.c - `renbin status`: who this office is, whether the server can
 * be reached and what it says of us. Works offline: it then says so.
 */
#include "cmds.h"
#include "i18n.h"
#include "net.h"
#include "opts.h"
#include "out.h"

#include <stdio.h>
#include <string.h>

static int status_exec(struct cli *cli, int argc, char **argv)
{
        char server[512] = "", unit[64] = "", role[16] = "";
        struct net n;
        struct rb_err e;
        int online;
        json_t *j;

        (void)argv;
        if (argc > 1)
                return opt_fail(EXIT_USAGE, _("status takes no arguments"));
        err_clear(&e);
        if (cli_get(cli, "server", server, sizeof(server)) != 0) {
                err_set(&e, RB_PRECONDITION, "server",
                        _("this office is not set up: run renbin setup --server HOST:PORT "
                          "--bundle DIR"));
                return cli_fail(&e);
        }
        cli_get(cli, "unit", unit, sizeof(unit));
        cli_get(cli, "role", role, sizeof(role));
        online = net_open(cli, &n, &e) == 0;
        if (online) {
                snprintf(unit, sizeof(unit), "%s", n.who.unit);
                snprintf(role, sizeof(role), "%s", n.who.role);
        } else if (e.code != RB_UNAVAILABLE) {
                return cli_fail(&e);
        }
        if (cli->json) {
                j = json_pack("{s:s, s:s, s:s, s:b}", "unit", unit, "role", role, "server", server,
                              "reachable", online);
                if (online)
                        json_object_set_new(j, "server_version", json_string(n.server_version));
                else
                        json_object_set_new(j, "error", json_string(e.msg));
        }
        if (online)
                net_close(&n);
        if (cli->json)
                return out_json(j);
        if (online)
                printf(_("server %s reached (renbind %s)\n"), server, n.server_version);
        else
                printf(_("server %s not reachable: %s\n"), server, e.msg);
        printf(_("principal: unit %s, role %s\n"), unit, role);
        return EXIT_OK;
}

const struct cmd cmd_status = {
    .name = "status",
    .usage = "status [--json]",
    .summary = N_("show this office, the server connection and what waits to sync"),
    .help = NULL,
    .exec = status_exec,
};
