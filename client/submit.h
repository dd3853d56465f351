/*
 * submit.h - a write as the person sees it: queued (outbox.h), pushed at
 * once when online, and its outcome told: online, the server's answer;
 * offline, that it waits for the next sync.
 */
#ifndef RENBIN_SUBMIT_H
#define RENBIN_SUBMIT_H

#include <jansson.h>

#include "cli.h"
#include "uuid.h"

/* Pushes and pulls now. Returns 1 if the server answered, 0 if it could not
 * be reached (ops stay queued), -1 with e when the server refused us. */
int submit_now(struct cli *cli, struct rb_err *e);
/* submit_now drawing sync's progress bar on stderr when progress is set. */
int submit_now_shown(struct cli *cli, int progress, struct rb_err *e);
/* Pushes now and reports the answers to the n ops in op_ids (one line each, or
 * a JSON array). Returns the exit status: 0 when all were accepted or stay
 * queued offline, else the status of the first rejection. */
int submit_ops(struct cli *cli, char (*op_ids)[UUID_STR], size_t n);

/* Checks the seat may write, queues one op (fields are released) and submits
 * it: the usual body of a write command. Returns the exit status. */
int submit_one(struct cli *cli, const char *entity, const char *entity_id, const char *action,
               json_t *fields, const char *label);

#endif
