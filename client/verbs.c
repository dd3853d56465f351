/*
 * verbs.c - verb lookup for command groups.
 */
#include "verbs.h"
#include "err.h"
#include "i18n.h"
#include "opts.h"

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
