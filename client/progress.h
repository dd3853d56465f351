/*
 * progress.h - a progress bar on stderr in sync's style ("LABEL 3/10
 * [###.......]"), drawn only on a terminal and never under --quiet or
 * --json, redrawn when it moves by a hundredth, so a long loop costs
 * nothing for it.
 */
#ifndef RENBIN_PROGRESS_H
#define RENBIN_PROGRESS_H

#include "cli.h"

struct progress {
        int on;     /* drawing at all */
        long total; /* the steps to go */
        long shown; /* the hundredths drawn last, or -1 */
        int drawn;  /* something is on the line (progress_end ends it) */
};

/* True when cli shows progress: stderr is a terminal, neither --quiet nor --json. */
int progress_wanted(const struct cli *cli);
/* Starts a bar of total steps, drawn only if on. */
void progress_start(struct progress *p, int on, long total);
/* Draws "\rWHAT DONE/TOTAL [###...]" when the bar moved (and at the end). */
void progress_step(struct progress *p, const char *what, long done);
/* Ends the bar's line, if one was drawn. */
void progress_end(struct progress *p);

#endif
