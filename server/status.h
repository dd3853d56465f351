/*
 * status.h - `renbind status`, and the small file it reads: a serving
 * renbind rewrites DATA/renbind.status (JSON: pid, start, connections,
 * database size, last group commit, metrics address) every few seconds.
 * The command trusts it only with the pid alive and the address in
 * DATA/renbind.addr accepting a TCP connection (docs/decisions.md).
 */
#ifndef RENBIN_STATUS_H
#define RENBIN_STATUS_H

#include <stddef.h>

struct server;

/* How often the status file is rewritten, in seconds. */
#define STATUS_PERIOD 5

/* Writes DATA/renbind.status now and every STATUS_PERIOD s from srv's loop.
 * 0, or -1 when out of memory. */
int status_start(struct server *srv);
/* Stops the rewrites and removes the file. */
void status_stop(void);
/* 1 if a renbind is serving data (as `renbind status` decides), else 0
 * with the reason in why. */
int status_serving(const char *data, char *why, size_t wlen);
/* Runs `renbind status`. */
int status_main(int argc, char **argv);

#endif
