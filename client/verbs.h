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

/* A group's list verb: parses argv against opts (optional filters, no
 * arguments) and prints a replica query whose ?N is the value of the Nth row
 * of opts (NULL if not given), under headers (N_() strings). */
int verb_list(struct cli *cli, int argc, char **argv, const struct opt *opts, const char *sql,
              const char *const *headers);
/* Prints a command's --help and, when argv[1] is a verb with an options
 * table, that verb's options. */
void verb_help(const struct cmd *c, int argc, char **argv, FILE *f);

#endif
