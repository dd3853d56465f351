/*
 * opts.h - command-line helpers shared by renbind and renbin: number parsing
 * and the one-line usage errors both print.
 */
#ifndef RENBIN_OPTS_H
#define RENBIN_OPTS_H

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>

/* Parses a whole decimal number in [min, max]. 0 or -1. */
int opt_long(const char *s, long min, long max, long *out);
/* Prints "option --NAME: bad value 'V'" and returns EXIT_USAGE. */
int opt_bad(const struct option *longopts, int val, const char *value);
/* The same for an option named by its name (a table's row, see below). */
int opt_bad_value(const char *name, const char *value);
/* Prints "CMD: --OPT is required" and returns EXIT_USAGE. */
int opt_missing(const char *cmd, const char *opt);
/* After getopt_long returned '?' (with opterr = 0): prints "PROG: unknown
 * option '--X' (see --help)" or "option '--X' needs a value" and returns
 * EXIT_USAGE. argv is the vector given to getopt_long. */
int opt_unknown(char *const *argv);
/* Prints "PROG: MSG" on stderr (one line) and returns status. */
int opt_fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sets the program name opt_fail prints. */
void opt_set_prog(const char *prog);
/* renbind's small commands: --data DIR, required, and, when file is not
 * NULL, --FILE_OPT PATH, required too (--out of backup, --from of restore);
 * --help prints help (N_()); file_opt is named whenever file is given.
 * -1 to go on, else the exit status. */
int opt_data(int argc, char **argv, const char *help, const char **data, const char *file_opt,
             const char **file);

/*
 * Options declared, not coded (in the spirit of git's parse-options): a
 * verb lists its options in a table and opts_parse fills the op's fields
 * from the command line, so the verb's body is a few lines. Where options
 * are an entity's fields, OPT_ENTITY_FIELDS takes them from the catalogue
 * (name, help, whether required); an explicit row for the same field before
 * it overrides the catalogue's (a unit that defaults to the office's own).
 */
enum opt_kind {
        OPT_END_,     /* the end of the table */
        OPT_VALUE,    /* --name VALUE, stored as it is */
        OPT_CODE,     /* --name CODE, upper-cased (mw-01 means MW-01) */
        OPT_NIP,      /* --name NIP, spaces stripped */
        OPT_NUMBER,   /* --name N, stored as typed: the verb checks it (opt_long,
                       * opt_bad_value); its help shows N, not VALUE */
        OPT_FLAG,     /* --name, stored as "1" */
        OPT_ARG,      /* a positional argument (name is its placeholder, "CODE"), in order */
        OPT_ARG_CODE, /* a positional code, upper-cased */
        OPT_ARG_NIP,  /* a positional NIP, spaces stripped */
        OPT_FIELDS,   /* every field an entity's action takes, from the catalogue */
};

struct opt {
        const char *name;  /* the long option, without "--" */
        const char *field; /* the field it fills; NULL: the name with '-' as '_' */
        enum opt_kind kind;
        int required;
        const char *help;            /* N_() */
        const char *entity, *action; /* OPT_FIELDS */
};

#define OPT_ENTITY_FIELDS(ent, act)                                                                \
        {                                                                                          \
                .kind = OPT_FIELDS, .entity = (ent), .action = (act)                               \
        }
#define OPT_END                                                                                    \
        {                                                                                          \
                .kind = OPT_END_                                                                   \
        }

/* Parses argv (argv[0] is the verb) against opts into out, a JSON object of
 * strings. Positional arguments fill the OPT_ARG rows in order. On success
 * returns 0 and sets *rest to the index of the first argument left over
 * (GNU getopt moves them to the end). A usage error (unknown option, no
 * value, a required option or argument missing) is printed on one line
 * naming cmd and returned as EXIT_USAGE. */
int opts_parse(const char *cmd, const struct opt *opts, int argc, char **argv, json_t *out,
               int *rest);
/* Prints "CMD: unexpected word 'W' (see renbin CMD --help)" and returns
 * EXIT_USAGE: a word too many on a command line. */
int opt_word(const char *cmd, const char *word);
/* After opts_parse left words over (rest < argc): prints one line naming the
 * first, "CMD: unexpected word 'W'", or, when it followed an option's value
 * (an unquoted value that lost words), "unexpected word 'baru' after
 * --reason Bendahara (quote a value with spaces: --reason "Bendahara
 * baru")", and returns EXIT_USAGE. */
int opts_extra(const char *cmd, int argc, char **argv, int rest);
/* The value row o of a table stored in out, or NULL if not given. */
const char *opts_value(const json_t *out, const struct opt *o);
/* Prints the options of a table, one per line, for --help. */
void opts_help(const struct opt *opts, FILE *f);

#endif
