/*
 * out.h - output helpers: JSON documents on stdout (jansson), and plain lines
 * that --quiet silences.
 */
#ifndef RENBIN_OUT_H
#define RENBIN_OUT_H

#include <jansson.h>

#include "cli.h"

/* Prints j as one JSON document and releases it, times and flags written as
 * docs/json.md says (ISO 8601 or null, booleans). Returns 0. */
int out_json(json_t *j);
/* Applies those conventions to j and everything in it, in place (the text
 * tables use it too: a flag reads yes or no there). */
void out_json_norm(json_t *j);
/* A Unix time as an ISO 8601 UTC string, or null when t <= 0 (never). */
json_t *out_json_time(long long t);
/* Sets key of o to value when value is neither NULL nor empty (an optional
 * field of an op). */
void json_put(json_t *o, const char *key, const char *value);
/* printf unless --quiet. */
void out_say(const struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
