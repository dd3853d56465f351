/*
 * refuse.h - the log of refused and unauthenticated connections, rate-limited
 * and summarised. A flood of peers that never finish a handshake (or that a
 * limit turns away) must not write one line each: the first few of an
 * interval are logged as usual, the rest are counted, and one line per
 * interval gives the counts by reason.
 */
#ifndef RENBIN_REFUSE_H
#define RENBIN_REFUSE_H

#include <event2/event.h>

/* Why a connection was turned away or ended before it was let in. */
enum refusal {
        REFUSE_NONE = 0,
        REFUSE_CAP,          /* every established slot taken (closed before TLS) */
        REFUSE_PENDING,      /* handshake slots full: the oldest handshake closed */
        REFUSE_PENDING_ADDR, /* too many handshakes from one address: its oldest closed */
        REFUSE_ADDR,         /* too many established connections from one address */
        REFUSE_CERT,         /* too many connections with one certificate */
        REFUSE_RESERVE,      /* the slots left are reserved for hr seats */
        REFUSE_HANDSHAKE,    /* handshake failed, timed out or was abandoned */
        REFUSE_PRINCIPAL,    /* revoked, or the certificate names no principal */
        REFUSE_OTHER,        /* out of memory and the like */
        REFUSE_N,
};

struct refuse_log;

/* A refusal log whose summary is written every interval_sec seconds (when
 * something was left out), letting burst lines through individually each
 * interval. NULL when out of memory. */
struct refuse_log *refuse_log_new(struct event_base *base, int interval_sec, unsigned burst);
/* Writes the pending summary, if any, and frees rl (NULL is fine). */
void refuse_log_free(struct refuse_log *rl);
/* Counts one refusal; true if its own line may be written now. */
int refuse_log_allow(struct refuse_log *rl, enum refusal why);

#endif
