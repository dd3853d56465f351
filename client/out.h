/*
 * out.h - output helpers: JSON documents on stdout (jansson), and plain lines
 * that --quiet silences.
 */
#ifndef RENBIN_OUT_H
#define RENBIN_OUT_H

#include <jansson.h>

#include "cli.h"

/* Prints j as one JSON document and releases it. Returns 0. */
int out_json(json_t *j);
/* printf unless --quiet. */
void out_say(const struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
