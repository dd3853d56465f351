/*
 * verbs.h - command groups with verbs ("unit add", "unit list"): one table per
 * group, and the lookup that runs the right verb.
 */
#ifndef RENBIN_VERBS_H
#define RENBIN_VERBS_H

#include "cli.h"

struct verb {
        const char *name;
        int (*fn)(struct cli *cli, int argc, char **argv);
};

/* Runs the verb named argv[1] with argv shifted so that argv[0] is the verb;
 * with no verb, runs def (if not NULL). Unknown verbs are a usage error. */
int verb_run(struct cli *cli, const char *group, const struct verb *verbs, size_t n,
             int (*def)(struct cli *, int, char **), int argc, char **argv);

#endif
