/*
 * certwarn.h - the certificate expiry warning of `renbin status` and `renbin
 * sync`: from 30 days before this office's certificate (client.crt in the
 * home folder) or the server's (as seen in the last handshake) expires.
 */
#ifndef RENBIN_CERTWARN_H
#define RENBIN_CERTWARN_H

#include <jansson.h>

#include "cli.h"

#define CERTWARN_DAYS 30

/* Prints one line on stderr for each certificate that expires within
 * CERTWARN_DAYS (by the expiry clock, common/clock.h), saying what to do; and
 * when j is not NULL, sets its certificate_expires and
 * server_certificate_expires (dates, or null when unknown). */
void certwarn(struct cli *cli, json_t *j);

#endif
