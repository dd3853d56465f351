/*
 * cmd_setup.c - `renbin setup`: points this office at a server and installs the
 * certificate bundle made by `renbind cert issue`, then checks the connection.
 * A server that cannot be reached now is not an error: the office can work
 * offline and sync later.
 */
#include "cmds.h"
#include "db.h"
#include "fsutil.h"
#include "i18n.h"
#include "net.h"
#include "opts.h"
#include "out.h"
#include "outbox.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The files of a bundle and their modes. */
static const struct {
        const char *name;
        unsigned mode;
} files[] = {{"client.key", 0600}, {"client.crt", 0644}, {"ca.crt", 0644}};

/* Copies the three bundle files into the folder home. */
static int install_bundle(const char *home, const char *bundle, struct rb_err *e)
{
        char src[4096], dst[4096];

        if (fs_mkdirs(home, 0700, e) != 0)
                return -1;
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
                if (fs_join(src, sizeof(src), bundle, files[i].name) != 0 || !fs_exists(src))
                        return err_set(e, RB_NOT_FOUND, "bundle",
                                       _("%s has no %s: is it a bundle from renbind cert issue?"),
                                       bundle, files[i].name);
                if (fs_join(dst, sizeof(dst), home, files[i].name) != 0 ||
                    fs_copy(src, dst, files[i].mode, e) != 0)
                        return -1;
        }
        return 0;
}

/* Removes a folder setup made (its bundle files and replica), then it. */
static void remove_home(const char *home)
{
        static const char *const extra[] = {"replica.db", "replica.db-wal", "replica.db-shm",
                                            NET_SESSION_FILE};
        char path[4096];

        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
                if (fs_join(path, sizeof(path), home, files[i].name) == 0)
                        unlink(path);
        for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
                if (fs_join(path, sizeof(path), home, extra[i]) == 0)
                        unlink(path);
        rmdir(home);
}

static const struct opt setup_opts[] = {
    {"server", NULL, OPT_VALUE, 1, N_("the renbind server, HOST:PORT (default port 7443)"), NULL,
     NULL},
    {"bundle", NULL, OPT_VALUE, 1, N_("folder with client.key, client.crt and ca.crt"), NULL, NULL},
    {"replace", NULL, OPT_FLAG, 0,
     N_("start a fresh replica for another unit's bundle (nothing may wait to be sent)"), NULL,
     NULL},
    OPT_END,
};

/* Refuses a bundle of another unit (p) in a folder that holds one, unless
 * replace; with replace, refuses while changes wait to be sent. */
static int check_folder(struct cli *cli, const struct principal *p, int replace, struct rb_err *e)
{
        char unit[64] = "", role[16] = "";
        struct outbox_counts c;
        int held;

        if ((held = cli_setting(cli, "unit", unit, sizeof(unit), e)) < 0)
                return -1;
        cli_get(cli, "role", role, sizeof(role));
        if (held == 0 || (!replace && strcmp(unit, p->unit) == 0 && strcmp(role, p->role) == 0))
                return 0;
        if (!replace)
                return err_set(e, RB_PRECONDITION, "bundle",
                               _("%s holds the replica of unit %s (role %s), not %s (role %s): "
                                 "give another --home, or add --replace to start afresh"),
                               cli->home, unit, role, p->unit, p->role);
        if (outbox_count(cli, &c, e) != 0)
                return -1;
        if (c.pending > 0)
                return err_set(e, RB_PRECONDITION, "replace",
                               ngettext("%lld change of unit %s waits to be sent: run renbin "
                                        "sync first (--replace would lose it)",
                                        "%lld changes of unit %s wait to be sent: run renbin "
                                        "sync first (--replace would lose them)",
                                        (unsigned long)c.pending),
                               c.pending, unit);
        return 0;
}

/* Tries the bundle against server from a folder of its own beside the
 * home, so a failure leaves the home as it was: 1 reached, 0 unreachable
 * (e says why), -1 refused (e). */
static int try_bundle(struct cli *cli, const char *server, const char *bundle, struct rb_err *e)
{
        struct cli t = {.offline = cli->offline};
        struct net n;
        int rc = -1;

        cli_path(cli, ".setup-new", t.home, sizeof(t.home));
        if (install_bundle(t.home, bundle, e) == 0 && cli_set(&t, "server", server, e) == 0) {
                rc = net_open(&t, &n, e) == 0;
                if (rc)
                        net_close(&n);
                else if (e->code != RB_UNAVAILABLE)
                        rc = -1;
        }
        db_close(t.db);
        remove_home(t.home);
        return rc;
}

/* Makes the home a fresh replica (setup --replace). */
static int fresh_replica(struct cli *cli, struct rb_err *e)
{
        char path[4096];

        db_close(cli->db);
        cli->db = NULL;
        cli_path(cli, "replica.db", path, sizeof(path));
        unlink(path);
        cli_path(cli, "replica.db-wal", path, sizeof(path));
        unlink(path);
        cli_path(cli, "replica.db-shm", path, sizeof(path));
        unlink(path);
        return cli_db(cli, e) != NULL ? 0 : -1;
}

/* Prints what setup did. */
static int setup_said(struct cli *cli, const struct principal *p, const char *server, int online,
                      const struct rb_err *e)
{
        if (cli->json) {
                json_t *j = json_pack("{s:s, s:s, s:s, s:b}", "unit", p->unit, "role", p->role,
                                      "server", server, "reachable", online);
                if (!online)
                        json_object_set_new(j, "error", json_string(e->msg));
                return out_json(j);
        }
        out_say(cli, _("installed certificate for unit %s, role %s, in %s\n"), p->unit, p->role,
                cli->home);
        if (online)
                out_say(cli, _("server %s reached\n"), server);
        else
                out_say(cli, _("offline: %s; work offline and run renbin sync later\n"), e->msg);
        return EXIT_OK;
}

/* Checks the bundle, the folder and the link, then installs the bundle at
 * server: nothing in the home changes unless all of it succeeds. */
static int setup_run(struct cli *cli, const char *server, const char *bundle, int replace)
{
        char cert[4096];
        struct principal p;
        struct rb_err e, off;
        int online;

        err_clear(&e);
        err_clear(&off);
        if (strchr(server, ':') == NULL)
                return opt_fail(EXIT_USAGE, _("--server '%s': give HOST:PORT, e.g. %s:7443"),
                                server, server);
        if (fs_join(cert, sizeof(cert), bundle, "client.crt") != 0 || !fs_exists(cert))
                return opt_fail(EXIT_NOT_FOUND,
                                _("%s has no %s: is it a bundle from renbind cert issue?"), bundle,
                                "client.crt");
        if (tls_cert_principal(cert, &p, &e) != 0 || check_folder(cli, &p, replace, &e) != 0 ||
            (online = try_bundle(cli, server, bundle, &off)) < 0)
                return cli_fail(e.code != RB_OK ? &e : &off);
        if ((replace && fresh_replica(cli, &e) != 0) ||
            install_bundle(cli->home, bundle, &e) != 0 || cli_set(cli, "server", server, &e) != 0 ||
            cli_set(cli, "unit", p.unit, &e) != 0 || cli_set(cli, "role", p.role, &e) != 0)
                return cli_fail(&e);
        return setup_said(cli, &p, server, online, &off);
}

static int setup_exec(struct cli *cli, int argc, char **argv)
{
        json_t *o = json_object();
        int rest, rc;

        if ((rc = opts_parse("setup", setup_opts, argc, argv, o, &rest)) == 0 && rest != argc)
                rc = opts_extra("setup", argc, argv, rest);
        else if (rc == 0)
                rc = setup_run(cli, opts_value(o, &setup_opts[0]), opts_value(o, &setup_opts[1]),
                               opts_value(o, &setup_opts[2]) != NULL);
        json_decref(o);
        return rc;
}

const struct cmd cmd_setup = {
    .name = "setup",
    .usage = "setup --server HOST:PORT --bundle DIR [--replace]",
    .summary = N_("point this office at a server and install its certificate bundle"),
    .help = N_("Nothing in the home folder changes unless setup succeeds. A folder that holds\n"
               "another unit's replica is refused; --replace starts a fresh replica for the\n"
               "new bundle once nothing waits to be sent.\n"),
    .exec = setup_exec,
    .opts = setup_opts,
};
