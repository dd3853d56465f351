/*
 * about.h - the person and program an op is about, in names (status,
 * conflicts).
 */
#ifndef RENBIN_ABOUT_H
#define RENBIN_ABOUT_H

#include <jansson.h>

#include "cli.h"

/* Writes "NIP Name, PROGRAM" (what is known of them) for an op on row
 * entity_id with these fields into buf and returns it ("" when nothing is
 * known). */
const char *about_op(struct cli *cli, const char *entity_id, const json_t *fields, char *buf,
                     size_t len);

#endif
