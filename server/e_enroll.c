/*
 * e_enroll.c - enrollments (pendaftaran): who takes part in which program,
 * and the state machine terdaftar -> hadir -> selesai (or tidak-hadir, batal)
 * of common/validate.c. The server owns the seats: a program's capacity is
 * checked here, where every office's enrollments meet, so two offices racing
 * for the last seat get one yes and one clear no. JP are credited on selesai.
 * The catalogue has checked the fields and the role before these hooks run.
 */
#include "apply.h"
#include "db.h"
#include "feed.h"
#include "i18n.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

/* True for the states that hold a seat in the program. */
static int holds_seat(const char *status)
{
        return strcmp(status, "terdaftar") == 0 || strcmp(status, "hadir") == 0 ||
               strcmp(status, "selesai") == 0;
}

/* Moves a program's seat count by delta; the program's change is recorded
 * once per batch (feed_mark), not once per enrollment. */
static int seats_move(struct apply_ctx *cx, const char *program, int delta)
{
        static const char sql[] =
            "UPDATE programs SET enrolled = enrolled + ?2 WHERE code = ?1 RETURNING id";
        sqlite3_stmt *st = db_stmt(cx->db, sql, cx->e);
        char id[64];
        int rc;

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, program, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, delta);
        rc = db_step(cx->db, st, cx->e);
        snprintf(id, sizeof(id), "%s", rc > 0 ? db_col_text(st, 0) : "");
        sqlite3_reset(st);
        if (rc < 0)
                return -1;
        if (rc == 0)
                return err_set(cx->e, RB_INTERNAL, NULL, _("no program %s to count a seat in"),
                               program);
        return feed_mark(cx, entity_find("program"), id);
}

/* What enrolling needs to know of the program: 0, or -1 with e set. */
static int program_open(struct apply_ctx *cx, const char *code)
{
        static const char sql[] = "SELECT p.capacity, p.enrolled, pl.status FROM programs p"
                                  " JOIN plans pl ON pl.year = p.plan_year WHERE p.code = ?1";
        sqlite3_stmt *st = db_stmt(cx->db, sql, cx->e);
        long cap, taken;
        char status[16];

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
        int step = db_step(cx->db, st, cx->e);
        if (step <= 0) {
                sqlite3_reset(st);
                return step < 0 ? -1
                                : err_set(cx->e, RB_NOT_FOUND, "program", _("no program %s"), code);
        }
        cap = sqlite3_column_int(st, 0);
        taken = sqlite3_column_int(st, 1);
        snprintf(status, sizeof(status), "%s", db_col_text(st, 2));
        sqlite3_reset(st);
        if (strcmp(status, "approved") != 0)
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
        static const char sql_dup[] =
            "SELECT count(*) FROM enrollments WHERE (program = ?1 AND nip = ?2 AND status != "
            "'batal') OR id = ?3";
        static const char sql[] =
            "INSERT INTO enrollments(id, program, nip, unit, status, jp, updated_at)"
            " VALUES(?1, ?2, ?3, ?4, 'terdaftar', 0, ?5)";
        const char *program = op_get(cx, "program"), *nip = op_get(cx, "nip");
        char unit[64];
        sqlite3_stmt *st;
        int dup;

        if (asn_active(cx, nip, "nip", unit, NULL) != 0)
                return -1;
        if (!own_unit(cx, unit))
                return deny_other_unit(cx, nip, unit);
        if ((st = db_stmt(cx->db, sql_dup, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, program, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, nip, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, cx->op->entity_id, -1, SQLITE_STATIC);
        if ((dup = apply_any(cx, st)) < 0)
                return -1;
        if (dup)
                return err_set(cx->e, RB_EXISTS, "nip", _("%s is already enrolled in %s"), nip,
                               program);
        if (program_open(cx, program) != 0 || (st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, program, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, nip, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, unit, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, cx->now);
        if (apply_step(cx, st) != 0 ||
            feed_record(cx, entity_find("enrollment"), cx->op->entity_id) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "%s", R_ENROLLED);
        return seats_move(cx, program, 1);
}

int e_enroll_status(struct apply_ctx *cx)
{
        static const char sql_get[] =
            "SELECT e.program, e.nip, e.unit, e.status, p.jp FROM enrollments e"
            " JOIN programs p ON p.code = e.program WHERE e.id = ?1";
        static const char sql_set[] =
            "UPDATE enrollments SET status = ?2, jp = ?3, updated_at = ?4 WHERE id = ?1";
        const char *to = op_get(cx, "status");
        char program[64], nip[32], unit[64], from[16];
        long jp;
        sqlite3_stmt *st;

        if ((st = db_stmt(cx->db, sql_get, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        int step = db_step(cx->db, st, cx->e);
        if (step <= 0) {
                sqlite3_reset(st);
                return step < 0
                           ? -1
                           : err_set(cx->e, RB_NOT_FOUND, "enrollment", _("no such enrollment"));
        }
        snprintf(program, sizeof(program), "%s", db_col_text(st, 0));
        snprintf(nip, sizeof(nip), "%s", db_col_text(st, 1));
        snprintf(unit, sizeof(unit), "%s", db_col_text(st, 2));
        snprintf(from, sizeof(from), "%s", db_col_text(st, 3));
        jp = sqlite3_column_int(st, 4);
        sqlite3_reset(st);
        if (!own_unit(cx, unit))
                return deny_other_unit(cx, nip, unit);
        if (enroll_transition(from, to, cx->e) != 0)
                return -1;
        if ((st = db_stmt(cx->db, sql_set, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, strcmp(to, "selesai") == 0 ? jp : 0);
        sqlite3_bind_int64(st, 4, cx->now);
        if (apply_step(cx, st) != 0 ||
            feed_record(cx, entity_find("enrollment"), cx->op->entity_id) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "%s -> %s", from, to);
        if (holds_seat(from) && !holds_seat(to))
                return seats_move(cx, program, -1);
        return 0;
}
