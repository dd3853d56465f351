/*
 * write.h - the body of a write verb: its options become the op's fields
 * (common/opts.h), the row's unit defaults to the office's own, the fields
 * are checked against the catalogue (common/entity.h), and the op is queued
 * and submitted (client/outbox.h).
 */
#ifndef RENBIN_WRITE_H
#define RENBIN_WRITE_H

#include <jansson.h>

#include "cli.h"
#include "opts.h"

/* Parses a verb's options into *fields (a new JSON object) for an op of
 * entity and action: arguments left over (beyond the table's OPT_ARG rows)
 * are a usage error when rest is NULL, else *rest is the first of them; a
 * write the seat's role may not make is refused; the entity's unit field,
 * when the action takes it and it was not given, is the office's own. 0, or
 * the exit status (printed, *fields NULL). */
int write_parse(struct cli *cli, const char *cmd, const char *entity, const char *action,
                const struct opt *opts, int argc, char **argv, json_t **fields, int *rest);
/* The string value of a field, "" when absent. */
const char *write_get(const json_t *fields, const char *name);
/* Checks fields (released) against the catalogue, then queues and submits
 * one op of entity and action. Returns the exit status. */
int write_submit(struct cli *cli, const char *entity, const char *action, json_t *fields,
                 const char *label);
/* write_submit of an op on the row entity_id names (an A_BY_ID action). */
int write_submit_id(struct cli *cli, const char *entity, const char *entity_id, const char *action,
                    json_t *fields, const char *label);
/* The unit a row is for: unit when given, else this office's own unit (an
 * HR seat must say which). 0, or -1 with e. Refuses an auditor's seat first. */
int write_unit(struct cli *cli, const char *unit, char out[64], struct rb_err *e);

#endif
