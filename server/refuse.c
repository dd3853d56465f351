/*
 * refuse.c - rate-limited, summarised logging of refused connections (see
 * refuse.h). conn.c asks before writing the line of a connection it refused
 * or that ended before its principal was known.
 */
#include "refuse.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct refuse_log {
        struct event *tick;
        struct timeval interval;
        unsigned burst;             /* lines written individually per interval */
        unsigned logged;            /* ... so far in this interval */
        unsigned counts[REFUSE_N];  /* refusals in this interval, by reason */
        unsigned skipped[REFUSE_N]; /* ... of which no line was written */
};

/* The summary's name for each reason. */
static const char *const refusal_names[REFUSE_N] = {
    [REFUSE_NONE] = "none",
    [REFUSE_CAP] = "over the connection cap",
    [REFUSE_PENDING] = "handshake slots full",
    [REFUSE_PENDING_ADDR] = "handshakes per address",
    [REFUSE_ADDR] = "connections per address",
    [REFUSE_CERT] = "connections per certificate",
    [REFUSE_RESERVE] = "reserved for hr",
    [REFUSE_HANDSHAKE] = "handshake failed or timed out",
    [REFUSE_PRINCIPAL] = "certificate refused",
    [REFUSE_OTHER] = "other",
};

/* Writes one line with the interval's counts if any refusal went unlogged,
 * and starts a new interval. */
static void refuse_log_flush(struct refuse_log *rl)
{
        char buf[512];
        size_t off = 0;
        unsigned total = 0, skipped = 0;

        for (int i = 1; i < REFUSE_N; i++) {
                total += rl->counts[i];
                skipped += rl->skipped[i];
                if (rl->counts[i] == 0 || off >= sizeof(buf))
                        continue;
                int n = snprintf(buf + off, sizeof(buf) - off, "%s %s=%u", off ? "," : "",
                                 refusal_names[i], rl->counts[i]);
                if (n > 0)
                        off += (size_t)n;
        }
        if (skipped > 0)
                log_warn("conn refusals in the last %lds: %u (%u not logged one by one):%s",
                         (long)rl->interval.tv_sec, total, skipped, buf);
        memset(rl->counts, 0, sizeof(rl->counts));
        memset(rl->skipped, 0, sizeof(rl->skipped));
        rl->logged = 0;
}

static void refuse_tick_cb(evutil_socket_t fd, short what, void *arg)
{
        (void)fd;
        (void)what;
        refuse_log_flush(arg);
}

struct refuse_log *refuse_log_new(struct event_base *base, int interval_sec, unsigned burst)
{
        struct refuse_log *rl = calloc(1, sizeof(*rl));

        if (rl == NULL)
                return NULL;
        rl->interval.tv_sec = interval_sec;
        rl->burst = burst;
        if ((rl->tick = evtimer_new(base, refuse_tick_cb, rl)) == NULL) {
                free(rl);
                return NULL;
        }
        return rl;
}

void refuse_log_free(struct refuse_log *rl)
{
        if (rl == NULL)
                return;
        refuse_log_flush(rl);
        event_free(rl->tick);
        free(rl);
}

int refuse_log_allow(struct refuse_log *rl, enum refusal why)
{
        if (rl == NULL)
                return 1;
        if (why <= REFUSE_NONE || why >= REFUSE_N)
                why = REFUSE_OTHER;
        /* The interval starts with its first refusal; a quiet server keeps no timer. */
        if (!evtimer_pending(rl->tick, NULL))
                evtimer_add(rl->tick, &rl->interval);
        rl->counts[why]++;
        if (rl->logged < rl->burst) {
                rl->logged++;
                return 1;
        }
        rl->skipped[why]++;
        return 0;
}
