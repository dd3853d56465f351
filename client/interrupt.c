/*
 * interrupt.c - noting Ctrl-C so a long run stops where its work is saved.
 */
#include "interrupt.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t interrupted;

/* The SIGINT handler: only notes it. */
static void on_sigint(int sig)
{
        (void)sig;
        interrupted = 1;
}

void interrupt_catch(void)
{
        struct sigaction sa;

        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_sigint;
        sigemptyset(&sa.sa_mask);
        /* no SA_RESTART: a blocked read returns; a second Ctrl-C ends the
         * program at once (what is committed is safe either way) */
        sa.sa_flags = SA_RESETHAND;
        sigaction(SIGINT, &sa, NULL);
}

int interrupt_seen(void)
{
        return interrupted != 0;
}
