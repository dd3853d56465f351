/*
 * e_enroll.c - enrollments (pendaftaran): who takes part in which program,
 * and the state machine terdaftar -> hadir -> selesai (or tidak-hadir, batal)
 * of common/validate.c. The server owns the seats: a program's capacity is
 * checked here, where every office's enrollments meet, so two offices racing
 * for the last seat get one yes and one clear no (the batch's own moves are
 * counted in memory and written before COMMIT: seats.c). JP are credited on selesai,
 * and never before the program's first day. Every move is kept in the
 * enrollment's history (history.c); HR may correct any state with a reason
 * (decisions 67). Selesai issues a certificate, and a move away from it
 * revokes it (certificate.c).
 * The catalogue has checked the fields and the role before these hooks run.
 */
#include "apply.h"
#include "certificate.h"
#include "db.h"
#include "clock.h"
#include "feed.h"
#include "history.h"
#include "i18n.h"
#include "strbuf.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

/* True for the states that hold a seat in the program. */
static int holds_seat(const char *status)
{
        return strcmp(status, "terdaftar") == 0 || strcmp(status, "hadir") == 0 ||
               strcmp(status, "selesai") == 0;
}

/* What enrolling needs to know of the program: 0, or -1 with e set. */
static int program_open(struct apply_ctx *cx, const char *code)
{
        struct seat_program p;
        int found = seats_program(cx, code, &p);
        long cap, taken;

        if (found <= 0)
                return found < 0
                           ? -1
                           : err_set(cx->e, RB_NOT_FOUND, "program", _("no program %s"), code);
        cap = p.capacity;
        /* The seats this batch took or freed are not in the row yet (seats.c). */
        taken = p.enrolled + seats_pending(cx, code);
        if (p.cancelled)
                return err_set(cx->e, RB_PRECONDITION, "program",
                               _("program %s is cancelled; it takes no enrollments"), code);
        if (!p.approved)
                return err_set(cx->e, RB_PRECONDITION, "program",
                               _("program %s belongs to a plan that is not approved yet"), code);
        if (taken >= cap)
                return err_set(cx->e, RB_PRECONDITION, "capacity",
                               ngettext("program %s is full: its %ld seat is taken",
                                        "program %s is full: all %ld seats are taken",
                                        (unsigned long)cap),
                               code, cap);
        return 0;
}

int e_enroll_create(struct apply_ctx *cx)
{
        const char *program = op_get(cx, "program"), *nip = op_get(cx, "nip");
        static const struct entity_def *def;
        char unit[64], at[STR_LL];
        int rc;

        if (asn_active(cx, nip, "nip", unit, NULL) != 0)
                return -1;
        if (!own_unit(cx, unit))
                return deny_other_unit(cx, nip, unit);
        if (program_open(cx, program) != 0)
                return -1;
        if (def == NULL && (def = entity_find("enrollment")) == NULL)
                return err_set(cx->e, RB_INTERNAL, NULL, "no enrollment in the catalogue");
        str_ll(at, cx->now);
        /* The new row whole, in the catalogue's order: its snapshot is packed
         * from these values (feed.c). */
        const struct feed_value row[] = {
            {"program", program}, {"nip", nip},       {"unit", unit},   {"status", "terdaftar"},
            {"jp", "0"},          {"updated_at", at}, {"reason", NULL}, {"answered", "0"},
        };
        /* A second open enrollment of nip in the program is refused by the
         * unique index enrollments_one (store.c), the row not written; a
         * taken id was refused before (apply.c, op_identity). */
        rc = feed_insert(cx, def, cx->op->entity_id, row, sizeof(row) / sizeof(row[0]));
        if (rc > 0 && sqlite3_extended_errcode(cx->db) == SQLITE_CONSTRAINT_UNIQUE)
                return err_set(cx->e, RB_EXISTS, "nip", _("%s is already enrolled in %s"), nip,
                               program);
        if (rc != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "%s", R_ENROLLED);
        return seats_move(cx, program, 1);
}

/* An enrollment as it is, with what its program says of it. */
struct enroll_now {
        char program[64], nip[32], unit[64], from[16], start[16];
        long jp;
};

/* Reads the op's enrollment: 0, or -1 with cx->e (NOT_FOUND). */
static int enroll_get(struct apply_ctx *cx, struct enroll_now *n)
{
        static const char sql[] =
            "SELECT e.program, e.nip, e.unit, e.status, p.jp, p.start_date"
            " FROM enrollments e JOIN programs p ON p.code = e.program WHERE e.id = ?1";
        sqlite3_stmt *st = db_stmt(cx->db, sql, cx->e);
        int step;

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        if ((step = db_step(cx->db, st, cx->e)) > 0) {
                snprintf(n->program, sizeof(n->program), "%s", db_col_text(st, 0));
                snprintf(n->nip, sizeof(n->nip), "%s", db_col_text(st, 1));
                snprintf(n->unit, sizeof(n->unit), "%s", db_col_text(st, 2));
                snprintf(n->from, sizeof(n->from), "%s", db_col_text(st, 3));
                n->jp = sqlite3_column_int(st, 4);
                snprintf(n->start, sizeof(n->start), "%s", db_col_text(st, 5));
        }
        sqlite3_reset(st);
        if (step < 0)
                return -1;
        return step ? 0 : err_set(cx->e, RB_NOT_FOUND, "enrollment", _("no such enrollment"));
}

/* Western Indonesia Time (UTC+7): the day a program starts is the
 * district's day. */
#define WIB_SECONDS (7 * 3600)

/* No hadir or selesai before the program's first day, by the server's
 * clock (common/clock.c, which tests set). */
static int started(struct apply_ctx *cx, const struct enroll_now *n, const char *to)
{
        char today[16];

        if (strcmp(to, "hadir") != 0 && strcmp(to, "selesai") != 0)
                return 0;
        clock_date(clock_now() + WIB_SECONDS, today, sizeof(today));
        if (strcmp(today, n->start) < 0)
                return err_set(cx->e, RB_PRECONDITION, "status",
                               _("%s in %s cannot be '%s' before the program starts on %s"), n->nip,
                               n->program, to, n->start);
        return 0;
}

/* Writes the move from n->from to to (with HR's reason, or NULL): the row,
 * its change, its history and the program's seats. */
static int enroll_move(struct apply_ctx *cx, const struct enroll_now *n, const char *to,
                       const char *reason)
{
        static const char sql_set[] =
            "UPDATE enrollments SET status = ?2, jp = ?3, updated_at = ?4,"
            " reason = ?5 WHERE id = ?1";
        struct enroll_change c = {cx->op->entity_id, n->program, n->nip, n->unit,
                                  n->from,           to,         reason};
        sqlite3_stmt *st;

        if ((st = db_stmt(cx->db, sql_set, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, strcmp(to, "selesai") == 0 ? n->jp : 0);
        sqlite3_bind_int64(st, 4, cx->now);
        db_bind_text(st, 5, reason);
        if (apply_step(cx, st) != 0 ||
            feed_record(cx, entity_find("enrollment"), cx->op->entity_id) != 0 ||
            history_enrollment(cx, &c) != 0 ||
            certificate_follow(cx, cx->op->entity_id, n->from, to, reason) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "%s -> %s", n->from, to);
        if (holds_seat(n->from) && !holds_seat(to))
                return seats_move(cx, n->program, -1);
        if (!holds_seat(n->from) && holds_seat(to))
                return seats_move(cx, n->program, 1);
        return 0;
}

int e_enroll_status(struct apply_ctx *cx)
{
        const char *to = op_get(cx, "status");
        struct enroll_now n;

        if (enroll_get(cx, &n) != 0)
                return -1;
        if (!own_unit(cx, n.unit))
                return deny_other_unit(cx, n.nip, n.unit);
        if (enroll_transition(n.from, to, cx->e) != 0 || started(cx, &n, to) != 0)
                return -1;
        return enroll_move(cx, &n, to, NULL);
}

/* Whether nip has another enrollment in the program that is not batal (a
 * batal one brought back would be a second): 1, 0, or -1 with cx->e. */
static int enrolled_again(struct apply_ctx *cx, const struct enroll_now *n)
{
        static const char sql[] = "SELECT count(*) FROM enrollments WHERE program = ?1"
                                  " AND nip = ?2 AND status != 'batal' AND id != ?3";
        sqlite3_stmt *st = db_stmt(cx->db, sql, cx->e);

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, n->program, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, n->nip, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, cx->op->entity_id, -1, SQLITE_STATIC);
        return apply_any(cx, st);
}

/* HR's correction: any state to any other, with a reason. A state that
 * takes a seat again needs the program open and a seat free. */
int e_enroll_correct(struct apply_ctx *cx)
{
        const char *to = op_get(cx, "status");
        struct enroll_now n;
        int again;

        if (enroll_get(cx, &n) != 0)
                return -1;
        if (strcmp(n.from, to) == 0)
                return err_set(cx->e, RB_PRECONDITION, "status", _("status: already '%s'"), to);
        if (started(cx, &n, to) != 0)
                return -1;
        if (strcmp(n.from, "batal") == 0 && (again = enrolled_again(cx, &n)) != 0)
                return again < 0 ? -1
                                 : err_set(cx->e, RB_EXISTS, "status",
                                           _("%s is already enrolled in %s"), n.nip, n.program);
        if (!holds_seat(n.from) && holds_seat(to) && program_open(cx, n.program) != 0)
                return -1;
        return enroll_move(cx, &n, to, op_get(cx, "reason"));
}

int enrollment_of(struct apply_ctx *cx, const char *program, const char *nip,
                  struct enrollment_ref *en)
{
        static const char sql[] =
            "SELECT e.id, e.unit, e.status, e.answered, coalesce(p.end_date, p.start_date)"
            " FROM enrollments e JOIN programs p ON p.code = e.program"
            " WHERE e.program = ?1 AND e.nip = ?2 ORDER BY e.status = 'batal', e.seq DESC LIMIT 1";
        sqlite3_stmt *st = db_stmt(cx->db, sql, cx->e);
        int found;

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, program, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, nip, -1, SQLITE_STATIC);
        if ((found = db_step(cx->db, st, cx->e)) > 0) {
                snprintf(en->id, sizeof(en->id), "%s", db_col_text(st, 0));
                snprintf(en->unit, sizeof(en->unit), "%s", db_col_text(st, 1));
                snprintf(en->status, sizeof(en->status), "%s", db_col_text(st, 2));
                en->answered = sqlite3_column_int(st, 3) != 0;
                snprintf(en->end, sizeof(en->end), "%s", db_col_text(st, 4));
        }
        sqlite3_reset(st);
        if (found < 0)
                return -1;
        if (!found)
                return err_set(cx->e, RB_NOT_FOUND, "nip", _("%s is not enrolled in %s"), nip,
                               program);
        return 0;
}
