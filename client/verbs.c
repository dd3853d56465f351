/*
 * verbs.c - verb lookup for command groups.
 */
#include "verbs.h"
#include "err.h"
#include "i18n.h"
#include "opts.h"

#include <getopt.h>
#include <string.h>

int verb_run(struct cli *cli, const char *group, const struct verb *verbs, size_t n,
             int (*def)(struct cli *, int, char **), int argc, char **argv)
{
        optind = 1;
        if (argc < 2 || argv[1][0] == '-') {
                if (def != NULL)
                        return def(cli, argc, argv);
                return opt_fail(EXIT_USAGE, _("%s: say what to do (see renbin %s --help)"), group,
                                group);
        }
        for (size_t i = 0; i < n; i++) {
                if (strcmp(argv[1], verbs[i].name) == 0) {
                        optind = 1;
                        return verbs[i].fn(cli, argc - 1, argv + 1);
                }
        }
        if (def != NULL)
                return def(cli, argc, argv);
        return opt_fail(EXIT_USAGE, _("%s: unknown action '%s' (see renbin %s --help)"), group,
                        argv[1], group);
}
