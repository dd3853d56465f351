/*
 * cmd_setup.c - `renbin setup`: points this office at a server and installs the
 * certificate bundle made by `renbind cert issue`, then checks the connection.
 * A server that cannot be reached now is not an error: the office can work
 * offline and sync later.
 */
#include "cmds.h"
#include "fsutil.h"
#include "i18n.h"
#include "net.h"
#include "opts.h"
#include "out.h"

#include <stdio.h>
#include <string.h>

/* Copies the three bundle files into the home folder. */
static int install_bundle(struct cli *cli, const char *bundle, struct rb_err *e)
{
        static const struct {
                const char *name;
                unsigned mode;
        } files[] = {{"client.key", 0600}, {"client.crt", 0644}, {"ca.crt", 0644}};
        char src[4096], dst[4096];

        if (fs_mkdirs(cli->home, 0700, e) != 0)
                return -1;
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
                if (fs_join(src, sizeof(src), bundle, files[i].name) != 0 || !fs_exists(src))
                        return err_set(e, RB_NOT_FOUND, "bundle",
                                       _("%s has no %s: is it a bundle from renbind cert issue?"),
                                       bundle, files[i].name);
                cli_path(cli, files[i].name, dst, sizeof(dst));
                if (fs_copy(src, dst, files[i].mode, e) != 0)
                        return -1;
        }
        return 0;
}

static const struct opt setup_opts[] = {
    {"server", NULL, OPT_VALUE, 1, N_("the renbind server, HOST:PORT (default port 7443)"), NULL,
     NULL},
    {"bundle", NULL, OPT_VALUE, 1, N_("folder with client.key, client.crt and ca.crt"), NULL, NULL},
    OPT_END,
};

/* Installs the bundle at server and checks the link; prints what it did. */
static int setup_run(struct cli *cli, const char *server, const char *bundle)
{
        char cert[4096];
        struct principal p;
        struct net n;
        struct rb_err e;
        int online;

        err_clear(&e);
        if (strchr(server, ':') == NULL)
                return opt_fail(EXIT_USAGE, _("--server '%s': give HOST:PORT, e.g. %s:7443"),
                                server, server);
        cli_path(cli, "client.crt", cert, sizeof(cert));
        if (install_bundle(cli, bundle, &e) != 0 || tls_cert_principal(cert, &p, &e) != 0 ||
            cli_set(cli, "server", server, &e) != 0 || cli_set(cli, "unit", p.unit, &e) != 0 ||
            cli_set(cli, "role", p.role, &e) != 0)
                return cli_fail(&e);
        online = net_open(cli, &n, &e) == 0;
        if (online)
                net_close(&n);
        else if (e.code != RB_UNAVAILABLE)
                return cli_fail(&e);
        if (cli->json) {
                json_t *j = json_pack("{s:s, s:s, s:s, s:b}", "unit", p.unit, "role", p.role,
                                      "server", server, "reachable", online);
                if (!online)
                        json_object_set_new(j, "error", json_string(e.msg));
                return out_json(j);
        }
        out_say(cli, _("installed certificate for unit %s, role %s, in %s\n"), p.unit, p.role,
                cli->home);
        if (online)
                out_say(cli, _("server %s reached\n"), server);
        else
                out_say(cli, _("offline: %s; work offline and run renbin sync later\n"), e.msg);
        return EXIT_OK;
}

static int setup_exec(struct cli *cli, int argc, char **argv)
{
        json_t *o = json_object();
        int rest, rc;

        if ((rc = opts_parse("setup", setup_opts, argc, argv, o, &rest)) == 0 && rest != argc)
                rc = opts_extra("setup", argc, argv, rest);
        else if (rc == 0)
                rc = setup_run(cli, opts_value(o, &setup_opts[0]), opts_value(o, &setup_opts[1]));
        json_decref(o);
        return rc;
}

const struct cmd cmd_setup = {
    .name = "setup",
    .usage = "setup --server HOST:PORT --bundle DIR",
    .summary = N_("point this office at a server and install its certificate bundle"),
    .help = NULL,
    .exec = setup_exec,
    .opts = setup_opts,
};
