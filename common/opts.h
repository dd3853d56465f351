/*
 * opts.h - command-line helpers shared by renbind and renbin: number parsing
 * and the one-line usage errors both print.
 */
#ifndef RENBIN_OPTS_H
#define RENBIN_OPTS_H

#include <getopt.h>

/* Parses a whole decimal number in [min, max]. 0 or -1. */
int opt_long(const char *s, long min, long max, long *out);
/* Prints "option --NAME: bad value 'V'" and returns EXIT_USAGE. */
int opt_bad(const struct option *longopts, int val, const char *value);
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

#endif
