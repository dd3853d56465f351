/*
 * cli.h - what every renbin command receives: global options, the home folder
 * and its replica, and the command table entry type. One command group per
 * file (cmd_*.c), each exporting one `struct cmd`, listed in main.c.
 */
#ifndef RENBIN_CLI_H
#define RENBIN_CLI_H

#include <sqlite3.h>
#include <stdio.h>

#include "err.h"

struct cli {
        char home[4096];
        int json;    /* --json: one JSON document on stdout */
        int csv;     /* --csv where offered */
        int quiet;   /* --quiet: nothing but errors */
        int offline; /* --offline: queue writes, do not contact the server */
        int wide;    /* --wide: table cells whole, whatever the terminal's width */
        int nopager; /* --no-pager: never page long output on a terminal */
        sqlite3 *db; /* the replica; opened by cli_db() */
};

/* One verb of a command group ("add" of "unit add"). */
struct opt;
struct verb {
        const char *name;
        int (*fn)(struct cli *cli, int argc, char **argv);
        const struct opt *opts; /* its options (common/opts.h), for --help; or NULL */
};

struct cmd {
        const char *name;
        const char *usage;
        const char *summary;
        const char *help; /* the rest of --help after usage and summary */
        /* Runs the command; for a group with verbs, runs when no verb is given
         * (NULL: a verb is required). */
        int (*exec)(struct cli *cli, int argc, char **argv);
        const struct verb *verbs; /* NULL, or the group's verbs ending in {NULL, NULL} */
        const struct opt *opts;   /* the options of exec, for --help; or NULL */
};

/* Opens (creating) the home folder's replica; NULL and e on failure. */
sqlite3 *cli_db(struct cli *cli, struct rb_err *e);
/* A value from the replica's settings table, copied into buf: 1, or 0 when
 * the setting is absent (buf untouched), or -1 with e when the replica cannot
 * be opened or read (a full disk is RESOURCE_EXHAUSTED, never "not set up"). */
int cli_setting(struct cli *cli, const char *key, char *buf, size_t len, struct rb_err *e);
/* cli_setting for a value setup stores: 0, or -1 with e, which says "not set
 * up" only when the replica answered and the setting is absent. */
int cli_setup_needed(struct cli *cli, const char *key, char *buf, size_t len, struct rb_err *e);
/* A value from the replica's settings table, copied into buf; -1 if unset or
 * unreadable (where the difference matters, use cli_setting). */
int cli_get(struct cli *cli, const char *key, char *buf, size_t len);
/* Stores a setting. */
int cli_set(struct cli *cli, const char *key, const char *value, struct rb_err *e);
/* A path inside the home folder. */
void cli_path(const struct cli *cli, const char *name, char *buf, size_t len);
/* Upper-cases a code typed on the command line in place (codes are
 * upper-case: mw-01 means MW-01) and returns it. */
char *cli_code(char *s);
/* Checks that program is in the replica, so typos are caught offline: 0, or
 * -1 with e (NOT_FOUND naming it, or the replica's error). */
int cli_program_known(struct cli *cli, const char *program, struct rb_err *e);
/* Prints the one-line error for e and returns its exit status. */
int cli_fail(const struct rb_err *e);
/* Prints a command's --help. */
void cli_help(const struct cmd *c, FILE *f);
/* True if argv holds --help or -h (before a lone --). */
int cli_wants_help(int argc, char **argv);

#endif
