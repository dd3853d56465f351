/*
 * progress.c - the progress bar of long loops (imports): the look of sync's
 * bar, "\rLABEL DONE/TOTAL [####......]", 30 cells wide, on stderr.
 */
#include "progress.h"

#include <stdio.h>
#include <unistd.h>

int progress_wanted(const struct cli *cli)
{
        return !cli->quiet && !cli->json && isatty(STDERR_FILENO);
}

void progress_start(struct progress *p, int on, long total)
{
        p->on = on;
        p->total = total > 0 ? total : 1;
        p->shown = -1;
        p->drawn = 0;
}

void progress_step(struct progress *p, const char *what, long done)
{
        int width = 30, fill;
        long hundredths = done * 100 / p->total;

        if (!p->on || (hundredths == p->shown && done != p->total))
                return;
        p->shown = hundredths;
        fill = (int)(done * width / p->total);
        if (fill > width)
                fill = width;
        fprintf(stderr, "\r%s %ld/%ld [", what, done, p->total);
        for (int i = 0; i < width; i++)
                fputc(i < fill ? '#' : '.', stderr);
        fputs("]", stderr);
        fflush(stderr);
        p->drawn = 1;
}

void progress_end(struct progress *p)
{
        if (p->drawn)
                fputc('\n', stderr);
        p->drawn = 0;
}
