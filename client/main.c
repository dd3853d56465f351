/*
 * main.c - renbin, the unit office's command-line client: global options, the
 * command table, and the route from a command name to its exec.
 */
#include "cli.h"
#include "net.h"
#include "cmds.h"
#include "db.h"
#include "i18n.h"
#include "opts.h"
#include "verbs.h"

#include <getopt.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const struct cmd *const commands[] = {
    &cmd_setup,  &cmd_status,      &cmd_sync,   &cmd_unit,   &cmd_asn,       &cmd_competency,
    &cmd_plan,   &cmd_program,     &cmd_enroll, &cmd_attend, &cmd_eval,      &cmd_assess,
    &cmd_mentor, &cmd_survey,      &cmd_forum,  &cmd_need,   &cmd_standard,  &cmd_followup,
    &cmd_record, &cmd_report,      &cmd_import, &cmd_export, &cmd_conflicts, &cmd_retry,
    &cmd_audit,  &cmd_certificate,
};

static void usage(FILE *f)
{
        fputs(_("Usage: renbin [--home DIR] [--json|--csv] COMMAND [args]   (COMMAND --help for "
                "more)\n"
                "The renbin client: the civil-servant development plan of Belawan, online or "
                "not.\n\nCommands:\n"),
              f);
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
                fprintf(f, "  %-11s %s\n", commands[i]->name, _(commands[i]->summary));
        fputs(_("\nGlobal options:\n"
                "  --home DIR   client folder (default $RENBIN_HOME, else $XDG_DATA_HOME/renbin)\n"
                "  --json       print data as JSON\n"
                "  --csv        print data as CSV (lists, reports, export)\n"
                "  --wide       show table cells whole, however wide the terminal\n"
                "  --no-pager   do not page long output on a terminal ($PAGER, less -FRX)\n"
                "  --quiet      print nothing but errors\n"
                "  --offline    save writes for the next sync without contacting the server\n"
                "\nExit status: 0 ok, 1 failure, 2 usage, 3 bad input, 4 not found,\n"
                "5 refused by a rule, 6 not allowed, 7 server unreachable, 8 server busy,\n"
                "130 stopped by Ctrl-C (what was done is saved).\n"),
              f);
}

/* Picks the home folder: --home, then RENBIN_HOME, then XDG. */
static int resolve_home(struct cli *cli, const char *opt)
{
        const char *env = getenv("RENBIN_HOME"), *xdg = getenv("XDG_DATA_HOME"),
                   *home = getenv("HOME");
        int n;

        if (opt != NULL)
                n = snprintf(cli->home, sizeof(cli->home), "%s", opt);
        else if (env != NULL && env[0] != '\0')
                n = snprintf(cli->home, sizeof(cli->home), "%s", env);
        else if (xdg != NULL && xdg[0] != '\0')
                n = snprintf(cli->home, sizeof(cli->home), "%s/renbin", xdg);
        else
                n = snprintf(cli->home, sizeof(cli->home), "%s/.local/share/renbin",
                             home ? home : ".");
        return n > 0 && (size_t)n < sizeof(cli->home) ? 0 : -1;
}

/* Strips global options that may stand anywhere on the line. */
static int take_globals(struct cli *cli, int *argc, char **argv, const char **home)
{
        int out = 0;

        for (int i = 0; i < *argc; i++) {
                if (strcmp(argv[i], "--") == 0) {
                        while (i < *argc)
                                argv[out++] = argv[i++];
                        break;
                }
                if (strcmp(argv[i], "--home") == 0) {
                        if (i + 1 >= *argc)
                                return opt_fail(EXIT_USAGE, _("--home needs a folder"));
                        *home = argv[++i];
                } else if (strncmp(argv[i], "--home=", 7) == 0) {
                        *home = argv[i] + 7;
                } else if (strcmp(argv[i], "--json") == 0) {
                        cli->json = 1;
                } else if (strcmp(argv[i], "--csv") == 0) {
                        cli->csv = 1;
                } else if (strcmp(argv[i], "--wide") == 0) {
                        cli->wide = 1;
                } else if (strcmp(argv[i], "--no-pager") == 0) {
                        cli->nopager = 1;
                } else if (strcmp(argv[i], "--offline") == 0) {
                        cli->offline = 1;
                } else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
                        cli->quiet = 1;
                } else {
                        argv[out++] = argv[i];
                }
        }
        *argc = out;
        return 0;
}

int main(int argc, char **argv)
{
        struct cli cli = {0};
        const char *home = NULL;
        int rc;

        /* One thread, one connection: SQLite needs neither its mutexes nor
         * its allocator statistics (which take a global mutex). */
        sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        i18n_init();
        opt_set_prog("renbin");
        /* getopt would name the verb ("list: unrecognized option"): commands
         * say it themselves with opt_unknown(). */
        opterr = 0;
        umask(077);
        /* A server that closes on us is an error to report, not a reason to die. */
        signal(SIGPIPE, SIG_IGN);
        argc--;
        argv++;
        if ((rc = take_globals(&cli, &argc, argv, &home)) != 0)
                return rc;
        if (argc == 0 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0 ||
            strcmp(argv[0], "help") == 0) {
                usage(argc == 0 ? stderr : stdout);
                return argc == 0 ? EXIT_USAGE : EXIT_OK;
        }
        if (strcmp(argv[0], "--version") == 0)
                return printf("renbin %s\n", RENBIN_VERSION), EXIT_OK;
        if (resolve_home(&cli, home) != 0)
                return opt_fail(EXIT_USAGE, _("home folder path too long"));
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
                if (strcmp(argv[0], commands[i]->name) != 0)
                        continue;
                if (cli_wants_help(argc, argv)) {
                        verb_help(commands[i], argc, argv, stdout);
                        return EXIT_OK;
                }
                /* OpenSSL set up (without its config file) before any use of
                 * it: a command may make ids, digests or connections. Help and
                 * usage never touch it, so they do not pay for it. */
                net_init();
                rc = commands[i]->verbs != NULL ? verb_run(&cli, commands[i], argc, argv)
                                                : commands[i]->exec(&cli, argc, argv);
                db_close(cli.db);
                return rc;
        }
        return opt_fail(EXIT_USAGE, _("unknown command '%s' (renbin --help lists them)"), argv[0]);
}
