/*
 * need_suggest.h - `renbin need suggest`: training needs proposed from the
 * competency gaps, printed as the `renbin need add` lines that accept them.
 */
#ifndef RENBIN_NEED_SUGGEST_H
#define RENBIN_NEED_SUGGEST_H

#include "cli.h"
#include "opts.h"

/* The options of need suggest (--unit, --year). */
extern const struct opt need_suggest_opts[];

/* need suggest [--unit U] [--year Y]: writes nothing. Returns the exit status. */
int need_suggest(struct cli *cli, int argc, char **argv);

#endif
