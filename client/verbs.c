/*
 * verbs.c - verb lookup for command groups.
 */
#include "verbs.h"
#include "err.h"
#include "i18n.h"
#include "opts.h"

#include "db.h"
#include "table.h"

#include <stdio.h>
#include <string.h>

/* True if a group's exec takes a positional argument first (enroll
 * PROGRAM NIP): a word that is no verb is then its argument. */
static int exec_takes_words(const struct cmd *c)
{
        for (const struct opt *o = c->opts; o != NULL && o->kind != OPT_END_; o++)
                if (o->kind == OPT_ARG || o->kind == OPT_ARG_CODE || o->kind == OPT_ARG_NIP)
                        return 1;
        return 0;
}

/* The group verb_run runs, for verb_list's messages ("program list"). */
static const char *group = "";

int verb_run(struct cli *cli, const struct cmd *c, int argc, char **argv)
{
        optind = 1;
        group = c->name;
        for (const struct verb *v = c->verbs; argc >= 2 && v->name != NULL; v++) {
                if (strcmp(argv[1], v->name) == 0)
                        return v->fn(cli, argc - 1, argv + 1);
        }
        if (c->exec != NULL && (argc < 2 || argv[1][0] == '-' || exec_takes_words(c)))
                return c->exec(cli, argc, argv);
        if (argc < 2 || argv[1][0] == '-')
                return opt_fail(EXIT_USAGE, _("%s: say what to do (see renbin %s --help)"), c->name,
                                c->name);
        return opt_fail(EXIT_USAGE, _("%s: unknown action '%s' (see renbin %s --help)"), c->name,
                        argv[1], c->name);
}

int verb_list(struct cli *cli, int argc, char **argv, const struct opt *opts, const char *sql,
              const char *const *headers)
{
        json_t *args = json_object();
        struct rb_err e;
        sqlite3_stmt *st;
        int rest, rc = EXIT_OK;

        if ((rc = opts_parse(argv[0], opts, argc, argv, args, &rest)) != 0)
                goto out;
        if (rest != argc) {
                char cmd[64];
                snprintf(cmd, sizeof(cmd), "%s list", group);
                rc = opts_extra(cmd, argc, argv, rest);
                goto out;
        }
        if (cli_db(cli, &e) == NULL || (st = db_stmt(cli->db, sql, &e)) == NULL) {
                rc = cli_fail(&e);
                goto out;
        }
        for (int i = 0; opts[i].kind != OPT_END_; i++)
                db_bind_text(st, i + 1, opts_value(args, &opts[i]));
        if (table_print(cli, st, headers, &e) != 0)
                rc = cli_fail(&e);
out:
        json_decref(args);
        return rc;
}

void verb_help(const struct cmd *c, int argc, char **argv, FILE *f)
{
        cli_help(c, f);
        /* One line naming every verb, from the table itself: what a script
         * (test_e2e_json) walks to find each verb of each group. */
        if (c->verbs != NULL && c->verbs[0].name != NULL) {
                fprintf(f, "\n%s", _("Actions:"));
                for (const struct verb *v = c->verbs; v->name != NULL; v++)
                        fprintf(f, " %s", v->name);
                fputc('\n', f);
        }
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
