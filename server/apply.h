/*
 * apply.h - applying ops: the context an entity handler works in, the helpers
 * it shares, and the entity handlers (e_*.c). The change feed they write to
 * is declared in feed.h.
 *
 * Flow: h_push -> group commit (commit.c) -> apply_op (envelope, at-most-once,
 * role) -> entity handler (rules, SQL) -> feed_record (change feed + audit).
 */
#ifndef RENBIN_APPLY_H
#define RENBIN_APPLY_H

#include <sqlite3.h>
#include <stdint.h>

#include "entity.h"
#include "err.h"
#include "batch.h"
#include "feed.h"
#include "tls.h"
#include "renbin.pb-c.h"

struct server;

/* One op's outcome. */
struct op_result {
        struct rb_err err;
        uint64_t seq;
        char detail[256];
};

/* Applies one op inside the caller's open transaction, at most once: a known
 * op_id returns its recorded result. Rejections are recorded (ops and
 * conflicts); transient failures are not, so the client can retry. */
void apply_op(struct apply_ctx *cx, const Renbin__Op *op, struct op_result *r);

/* The op's field value, or NULL when absent or empty. */
const char *op_get(const struct apply_ctx *cx, const char *name);
/* The op's field value, or an INVALID_ARGUMENT naming it when absent. */
const char *op_need(struct apply_ctx *cx, const char *name);

/* True if the principal may write rows owned by unit (hr: all; unit: its own). */
int own_unit(const struct apply_ctx *cx, const char *unit);
/* Sets e to PERMISSION_DENIED for a row of another unit and returns -1; an
 * office is told the row is not its own, not which unit owns it. */
int deny_other_unit(struct apply_ctx *cx, const char *what, const char *unit);

/* Reads an active ASN's unit (and TMT, if tmt is not NULL); NOT_FOUND or
 * FAILED_PRECONDITION naming field otherwise. */
int asn_active(struct apply_ctx *cx, const char *nip, const char *field, char unit[64],
               char tmt[16]);
/* 0 if the competency exists, else NOT_FOUND naming field (or the database
 * error that kept it from being read). */
int competency_known(struct apply_ctx *cx, const char *code, const char *field);
/* 0 if the unit exists, else NOT_FOUND naming field (or the database error). */
int unit_known(struct apply_ctx *cx, const char *code, const char *field);
/* Steps a bound statement whose first column counts rows ("SELECT count(*)
 * ..."): 1 when it counted some, 0 when none, -1 with cx->e when the database
 * cannot say. Resets it. */
int apply_any(struct apply_ctx *cx, sqlite3_stmt *st);
/* Runs a statement to completion; -1 and e on failure (constraint -> INVALID). */
int apply_step(struct apply_ctx *cx, sqlite3_stmt *st);

/* Moves program's seat count by delta for the batch (seats.c): kept in
 * memory and written before COMMIT by seats_flush. 0, or -1 with cx->e. */
int seats_move(struct apply_ctx *cx, const char *program, int delta);
/* The batch's pending move of program's seat count, not yet in the database. */
int seats_pending(const struct apply_ctx *cx, const char *program);
/* What enrolling needs of program code and its plan, in p: read once per
 * batch (seats.c). 1, 0 when there is no such program, -1 with cx->e. */
int seats_program(struct apply_ctx *cx, const char *code, struct seat_program *p);
/* Drops program's pending move: its count was just written from the rows. */
void seats_forget(struct apply_ctx *cx, const char *program);
/* Writes every pending seat count (one UPDATE per program) and marks the
 * programs' changes for feed_flush. 0, or -1 with e set. */
int seats_flush(struct apply_ctx *cx, struct rb_err *e);

/* Checks the server's rule hooks against the catalogue: every action that
 * is not a plain insert has a hook, every hook an action. 0, or -1 with e. */
int apply_catalog_check(struct rb_err *e);

/* A plain add's row unit (the entity's scope field): it exists and the writer
 * may write for it. 0, or -1 with cx->e. */
int insert_scope(struct apply_ctx *cx, const struct entity_def *d);
/* Inserts the row of a plain add from its checked fields (the catalogue's
 * INSERT) and records it in the change feed. 0, or -1 with cx->e. */
int insert_row(struct apply_ctx *cx, const struct entity_def *d, const struct action_def *a);
/* The entity whose table holds a row with this id, in *owner (NULL: none).
 * 0, or -1 with cx->e. */
int insert_id_owner(struct apply_ctx *cx, const char *id, const struct entity_def **owner);

/* Rule hooks (server/e_*.c), named by entity and action in apply.c. Each returns 0 or -1 with cx->e
 * set. */
int e_unit_create(struct apply_ctx *cx);
int e_unit_update(struct apply_ctx *cx);
int e_asn_put(struct apply_ctx *cx);
int e_asn_deactivate(struct apply_ctx *cx);
int e_competency_create(struct apply_ctx *cx);
int e_plan_create(struct apply_ctx *cx);
int e_plan_approve(struct apply_ctx *cx);
int e_program_create(struct apply_ctx *cx);
int e_program_update(struct apply_ctx *cx);
int e_program_cancel(struct apply_ctx *cx);
/* The enrollment of a person in a program that a questionnaire, a test or
 * a follow-up is for (the live one before a cancelled one), with its
 * program's last day (its first if it has none). */
struct enrollment_ref {
        char id[64], unit[64], status[16], end[16];
        int answered;
};
/* Reads it into en; NOT_FOUND (field nip) when there is none. 0, or -1
 * with cx->e. */
int enrollment_of(struct apply_ctx *cx, const char *program, const char *nip,
                  struct enrollment_ref *en);
int e_enroll_create(struct apply_ctx *cx);
int e_enroll_status(struct apply_ctx *cx);
int e_enroll_correct(struct apply_ctx *cx);
int e_eval_submit(struct apply_ctx *cx);
int e_assess_add(struct apply_ctx *cx);
int e_mentor_pair(struct apply_ctx *cx);
int e_mentor_log(struct apply_ctx *cx);
int e_need_add(struct apply_ctx *cx);
int e_need_update(struct apply_ctx *cx);
int e_need_withdraw(struct apply_ctx *cx);
int e_asn_activate(struct apply_ctx *cx);
int e_forum_update(struct apply_ctx *cx);
int e_survey_delete(struct apply_ctx *cx);
int e_import_record(struct apply_ctx *cx);
int e_standard_set(struct apply_ctx *cx);
int e_population_set(struct apply_ctx *cx);
int e_test_record(struct apply_ctx *cx);
int e_followup_add(struct apply_ctx *cx);
int e_record_add(struct apply_ctx *cx);
int e_record_verify(struct apply_ctx *cx);
int e_record_reject(struct apply_ctx *cx);

#endif
