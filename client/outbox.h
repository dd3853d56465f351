/*
 * outbox.h - local writes. Every command that changes something queues an op
 * here first (durably, before anything is sent); submit.h then pushes it at
 * once and tells what became of it. Only this module knows the outbox's
 * table.
 */
#ifndef RENBIN_OUTBOX_H
#define RENBIN_OUTBOX_H

#include <jansson.h>
#include <sqlite3.h>

#include "arena.h"
#include "cli.h"
#include "uuid.h"
#include "renbin.pb-c.h"

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
/* What became of one op. */
struct op_state {
        char state[12]; /* pending | done | rejected */
        int code;
        char message[512];
        char field[64];
        char detail[256];
};

/* Reads the state of an op: 0, or -1 with e (NOT_FOUND for an op not in the
 * outbox, or the database's error). */
int outbox_state(struct cli *cli, const char *op_id, struct op_state *s, struct rb_err *e);
/* The label of an op into buf: 1, 0 when there is no such op (buf ""), or -1
 * with e. */
int outbox_label(struct cli *cli, const char *op_id, char *buf, size_t len, struct rb_err *e);
/* The server's result word of an accepted op (OpResult.detail, kept as it is on
 * the wire and in --json) as people read it: "created" translated; in "updated:
 * jabatan, golongan" the word translated and the fields kept; anything else,
 * such as a state change "terdaftar -> hadir", as it is. Writes into buf. */
const char *outbox_result_text(const char *detail, char *buf, size_t len);
/*
 * What waits and what was answered: the queries of the outbox other modules
 * need, named here so that only this file knows its columns and its JSON.
 * Lookups return 1 when found, 0 when not, -1 with e when the database
 * cannot say.
 */

/* How many ops are pending, rejected (and not dismissed) and done. */
struct outbox_counts {
        long long pending, rejected, done;
};
int outbox_count(struct cli *cli, struct outbox_counts *c, struct rb_err *e);
/* The labels of the oldest 50 pending ops, as a JSON array of strings; NULL
 * with e. */
json_t *outbox_pending_labels(struct cli *cli, struct rb_err *e);
/* The newest 50 rejected ops not dismissed, as a JSON array of objects
 * {what, code (the code's name), reason, field, at (unix time)}; NULL with e. */
json_t *outbox_rejected_ops(struct cli *cli, struct rb_err *e);
/* Dismisses the rejected ops outbox_rejected_ops lists (they are kept);
 * their number goes to *n. 0, or -1 with e. */
int outbox_dismiss(struct cli *cli, int *n, struct rb_err *e);

/* The rejected ops still open (neither dismissed nor retried) and the
 * pending ops waiting on one, in order, as a JSON array of objects {id (the
 * shortest unique prefix of op_id, 8 characters or more), op_id, entity,
 * entity_id, action, what (the label), state "rejected" (with code, reason,
 * field, at) or "waiting" (with waits_on: the short id), fields}; NULL with
 * e. An op waits while the create of its row (of its mentoring pair, of the
 * enrollment a questionnaire is for) is unanswered or rejected and open:
 * outbox_pending_ops leaves it out, and it is sent once that create is done. */
json_t *outbox_open_ops(struct cli *cli, struct rb_err *e);
/* The open rejected op whose op id starts with id (an object as above, a
 * new reference), or NULL with e: NOT_FOUND for none, INVALID for several. */
json_t *outbox_open_find(struct cli *cli, const char *id, struct rb_err *e);
/* The fields of the newest create queued for row entity_id (a new
 * reference), or NULL (none, or e). */
json_t *outbox_create_fields(struct cli *cli, const char *entity_id, struct rb_err *e);
/* The op pending op op_id waits on (decisions 71), as the short id renbin
 * status shows it, into id: 1, 0 when it waits on none (id ""), or -1 with
 * e. */
int outbox_waits_on(struct cli *cli, const char *op_id, char id[UUID_STR], struct rb_err *e);
/* Queues a corrected copy of rejected op op_id (same row, entity and action,
 * these fields; new op id into copy_id) and marks op_id retried, in one
 * transaction. A rejected enrollment's waiting questionnaires (matched by
 * program and NIP) take the copy's program and NIP in the same transaction.
 * 0, or -1 with e. */
int outbox_retry(struct cli *cli, const char *op_id, json_t *fields, char copy_id[UUID_STR],
                 struct rb_err *e);
/* Dismisses one rejected op (kept; a questionnaire's answers are dropped). */
int outbox_dismiss_one(struct cli *cli, const char *op_id, struct rb_err *e);

/* The next pending ops in order, at most max, built in arena memory into
 * ops (room for max): their number, or -1 with e. */
int outbox_pending_ops(struct cli *cli, struct arena *a, size_t max, Renbin__Op **ops,
                       struct rb_err *e);
/* Records the server's final answer to an op (done or rejected). 0, or -1 with e. */
int outbox_answer(struct cli *cli, const Renbin__OpResult *o, struct rb_err *e);

/* The journal: done ops are kept. After a server restore (docs/sync.md)
 * the ops it had acknowledged within the last days (0: all) go back to
 * pending, in their order, to be sent again; the server's at-most-once
 * record answers those it still has. Their number goes to *n. 0, or -1. */
int outbox_journal_requeue(struct cli *cli, unsigned days, long long *n, struct rb_err *e);

/* The enrollment of nip in program still queued (not yet answered): its id. */
int outbox_enroll_queued(struct cli *cli, const char *program, const char *nip, char id[64],
                         struct rb_err *e);
/* The status the newest pending change of enrollment id sets. */
int outbox_enroll_status(struct cli *cli, const char *id, char status[16], struct rb_err *e);
/* Enrollments of program (NULL: all) in the replica and still queued, with
 * what is pending, as a statement for table_print; NULL with e. */
sqlite3_stmt *outbox_enroll_list(struct cli *cli, const char *program, struct rb_err *e);
/* Who attended program (NULL: all) and has no questionnaire, in the replica
 * or queued, as a statement for table_print; NULL with e. */
sqlite3_stmt *outbox_eval_pending(struct cli *cli, const char *program, struct rb_err *e);
/* The mentoring pairs still queued, as a statement yielding (id, mentee);
 * step it with db_step. NULL with e. */
sqlite3_stmt *outbox_pairs_queued(struct cli *cli, struct rb_err *e);
/* The pair (mentor, mentee) queued and not rejected: its id. */
int outbox_pair_queued(struct cli *cli, const char *mentor, const char *mentee, char id[64],
                       struct rb_err *e);

/* An import of kind with this digest of its rows queued and not yet sent
 * (import_ledger.c): 1 with the file's name, 0 if none, -1 with e. */
int outbox_import_queued(struct cli *cli, const char *kind, const char *digest, char file[256],
                         struct rb_err *e);

#endif
