/*
 * pager.h - long output on a terminal goes through a pager the way git does:
 * $PAGER, else less -FRX; never when stdout is not a terminal or --no-pager.
 */
#ifndef RENBIN_PAGER_H
#define RENBIN_PAGER_H

#include <stddef.h>

#include "cli.h"

/* The terminal's rows when stdout is one (else $LINES, else 24). */
size_t pager_rows(void);
/* Sends the rest of stdout through the pager when stdout is a terminal and
 * neither --no-pager nor --json/--csv is given; waits for it at exit. Output
 * stays on the terminal when the pager cannot be started. Once only. */
void pager_start(const struct cli *cli);

#endif
