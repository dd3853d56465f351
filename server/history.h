/*
 * history.h - the history rows the rule hooks write with a change to a plan
 * (plan_changes) or an enrollment (enrollment_changes): who, when, what.
 */
#ifndef RENBIN_HISTORY_H
#define RENBIN_HISTORY_H

#include <stddef.h>

#include "batch.h"

/* One move of an enrollment's state, as its history keeps it. */
struct enroll_change {
        const char *enrollment, *program, *nip, *unit;
        const char *from; /* NULL: the enrollment was made */
        const char *to;
        const char *reason; /* HR's correction; NULL otherwise */
};

/* The seat as people read it (seat_format): "BKPSDM hr Siti Rahma #1A2B...", in buf. */
const char *history_seat(const struct principal *who, char *buf, size_t len);
/* The plan of year: its id, whether it is approved and its revision. 1, 0
 * when there is none, -1 with cx->e. */
int plan_state(struct apply_ctx *cx, long year, char id[64], int *approved, long *revision);
/* Records a change to the plan of year: action ("approve", "program
 * update", ...), the program it touched (NULL: the plan itself) and what
 * changed. A program change to an approved plan raises its revision first.
 * No plan of that year: nothing to record. 0, or -1 with cx->e. */
int history_plan(struct apply_ctx *cx, long year, const char *action, const char *program,
                 const char *detail);
/* Records one move of an enrollment's state. 0, or -1 with cx->e. */
int history_enrollment(struct apply_ctx *cx, const struct enroll_change *c);

#endif
