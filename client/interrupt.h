/*
 * interrupt.h - Ctrl-C during a long run (sync, import): the first SIGINT is
 * noted, the work stops at the next point where everything so far is saved
 * (a committed batch or page), and the command says what was saved and how
 * to go on, then exits EXIT_INTERRUPTED (docs/exit-codes.md).
 */
#ifndef RENBIN_INTERRUPT_H
#define RENBIN_INTERRUPT_H

/* Notes the first SIGINT from now on (without restarting a blocked read: a
 * pending network call fails, and the caller sees interrupt_seen()); a
 * second one ends the program as usual. */
void interrupt_catch(void);
/* Whether SIGINT came since interrupt_catch. */
int interrupt_seen(void);

#endif
