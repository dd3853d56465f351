/*
 * verbs.h - command groups with verbs ("unit add", "unit list"): the lookup
 * that runs the right verb of a command's table (struct cmd.verbs).
 */
#ifndef RENBIN_VERBS_H
#define RENBIN_VERBS_H

#include "cli.h"

/* Runs the verb of command c named argv[1], with argv shifted so that argv[0]
 * is the verb; with no verb, runs c->exec (if not NULL). Unknown verbs are a
 * usage error. */
int verb_run(struct cli *cli, const struct cmd *c, int argc, char **argv);

#endif
