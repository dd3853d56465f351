/*
 * outbox.h - local writes. Every command that changes something queues an op
 * here first (durably, before anything is sent), then tries to push at once:
 * online, the user sees the server's answer; offline, the op waits for the
 * next sync and the user is told so.
 */
#ifndef RENBIN_OUTBOX_H
#define RENBIN_OUTBOX_H

#include <jansson.h>

#include "cli.h"
#include "uuid.h"

/* Queues an op. entity_id NULL makes a new UUIDv7 (written to id_out if not
 * NULL). fields: a JSON object of strings (borrowed). label: what a person
 * would call this write ("enroll 1986... in MW-01"). op_id_out may be NULL. */
int outbox_add(struct cli *cli, const char *entity, const char *entity_id, const char *action,
               json_t *fields, const char *label, char op_id_out[UUID_STR], char id_out[UUID_STR],
               struct rb_err *e);
/* Refuses writes for an auditor seat, before anything is queued. */
int outbox_may_write(struct cli *cli, struct rb_err *e);
/* outbox_may_write, and refuses HR's writes (units, roster, competencies,
 * plans, programs) on a unit office's seat, before anything is queued: the
 * server would reject them anyway. */
int outbox_may_do(struct cli *cli, const char *entity, const char *action, struct rb_err *e);
/* Pushes now and reports the answers to the n ops in op_ids (one line each, or
 * a JSON array). Returns the exit status: 0 when all were accepted or stay
 * queued offline, else the status of the first rejection. */
int outbox_submit(struct cli *cli, char (*op_ids)[UUID_STR], size_t n);

/* What became of one op. */
struct op_state {
        char state[12]; /* pending | done | rejected */
        int code;
        char message[512];
        char field[64];
        char detail[256];
};

/* Pushes and pulls now. Returns 1 if the server answered, 0 if it could not
 * be reached (ops stay queued), -1 with e when the server refused us. */
int outbox_push_now(struct cli *cli, struct rb_err *e);
/* Reads the state of an op. */
int outbox_state(struct cli *cli, const char *op_id, struct op_state *s);
/* The server's result word of an accepted op (OpResult.detail, kept as it is on
 * the wire and in --json) as people read it: "created" translated; in "updated:
 * jabatan, golongan" the word translated and the fields kept; anything else,
 * such as a state change "terdaftar -> hadir", as it is. Writes into buf. */
const char *outbox_result_text(const char *detail, char *buf, size_t len);
/* Checks the seat may write, queues one op (fields are released) and submits
 * it: the usual body of a write command. Returns the exit status. */
int outbox_write1(struct cli *cli, const char *entity, const char *entity_id, const char *action,
                  json_t *fields, const char *label);

#endif
