/*
 * verbs.c - verb lookup for command groups.
 */
#include "verbs.h"
#include "err.h"
#include "i18n.h"
#include "opts.h"

#include "db.h"
#include "table.h"

#include <getopt.h>
#include <string.h>

int verb_run(struct cli *cli, const struct cmd *c, int argc, char **argv)
{
        optind = 1;
        for (const struct verb *v = c->verbs; argc >= 2 && v->name != NULL; v++) {
                if (strcmp(argv[1], v->name) == 0)
                        return v->fn(cli, argc - 1, argv + 1);
        }
        if (c->exec != NULL)
                return c->exec(cli, argc, argv);
        if (argc < 2 || argv[1][0] == '-')
                return opt_fail(EXIT_USAGE, _("%s: say what to do (see renbin %s --help)"), c->name,
                                c->name);
        return opt_fail(EXIT_USAGE, _("%s: unknown action '%s' (see renbin %s --help)"), c->name,
                        argv[1], c->name);
}

int verb_list(struct cli *cli, int argc, char **argv, const char *second, const char *sql,
              const char *const *headers)
{
        const struct option longopts[] = {{"unit", required_argument, NULL, 'U'},
                                          {second, required_argument, NULL, 'S'},
                                          {NULL, 0, NULL, 0}};
        const char *arg[2] = {NULL, NULL};
        struct rb_err e;
        sqlite3_stmt *st;
        int ch;

        while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
                if (ch != 'U' && ch != 'S')
                        return opt_unknown(argv);
                arg[ch == 'S'] = optarg;
        }
        if (optind != argc)
                return opt_fail(EXIT_USAGE, _("unexpected argument '%s' (see --help)"),
                                argv[optind]);
        if (cli_db(cli, &e) == NULL || (st = db_stmt(cli->db, sql, &e)) == NULL)
                return cli_fail(&e);
        db_bind_text(st, 1, arg[0]);
        db_bind_text(st, 2, arg[1]);
        if (table_print(cli, st, headers, &e) != 0)
                return cli_fail(&e);
        return EXIT_OK;
}

void verb_help(const struct cmd *c, int argc, char **argv, FILE *f)
{
        cli_help(c, f);
        if (c->opts != NULL) {
                fprintf(f, _("\nOptions of %s:\n"), c->name);
                opts_help(c->opts, f);
        }
        for (const struct verb *v = c->verbs; argc >= 2 && v != NULL && v->name != NULL; v++)
                if (strcmp(argv[1], v->name) == 0 && v->opts != NULL) {
                        fprintf(f, _("\nOptions of %s %s:\n"), c->name, v->name);
                        opts_help(v->opts, f);
                }
}
