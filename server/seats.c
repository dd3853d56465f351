/*
 * seats.c - a program's seat count across one batch. An enrollment that
 * takes or frees a seat moves the program's pending delta in memory; the
 * capacity is checked against the database's count plus that delta
 * (e_enroll.c), and one UPDATE per program is written just before COMMIT
 * (seats_flush), its change recorded once (feed_mark). The batch's ops see
 * every seat taken before them, so two offices racing for the last seat
 * still get one yes and one no. Should the table of pending programs be
 * full, the move is written at once, as each one was before.
 *
 * What enrolling reads of the program and its plan is read once per batch
 * and program, and read again after any write of a program or a plan (every
 * such write records its change, and feed_record forgets what was read).
 */
#include "apply.h"
#include "db.h"
#include "feed.h"
#include "i18n.h"

#include <stdio.h>
#include <string.h>

/* Writes delta to program's count and marks its change for the batch. */
static int seats_write(struct apply_ctx *cx, const char *program, int delta)
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

/* The index of program's pending entry, or n_seats when it has none. */
static size_t seats_find(const struct apply_ctx *cx, const char *program)
{
        size_t i;

        for (i = 0; i < cx->n_seats; i++)
                if (strcmp(cx->seats[i].program, program) == 0)
                        break;
        return i;
}

int seats_pending(const struct apply_ctx *cx, const char *program)
{
        size_t i = seats_find(cx, program);
        return i < cx->n_seats ? cx->seats[i].delta : 0;
}

/* program's entry, made if need be; NULL when the table is full. */
static struct seat_delta *seats_entry(struct apply_ctx *cx, const char *program)
{
        size_t i = seats_find(cx, program);
        struct seat_delta *s = &cx->seats[i];

        if (i < cx->n_seats)
                return s;
        if (i == SEATS_PENDING || strlen(program) >= sizeof(s->program))
                return NULL;
        /* A new entry moves nothing yet: seats_gen stays (apply.c's undo). */
        cx->n_seats++;
        memset(s, 0, sizeof(*s));
        memcpy(s->program, program, strlen(program) + 1);
        return s;
}

int seats_move(struct apply_ctx *cx, const char *program, int delta)
{
        struct seat_delta *s = seats_entry(cx, program);

        if (s == NULL)
                return seats_write(cx, program, delta);
        if (s->op == NULL) {
                s->op = cx->op;
                s->who = cx->who;
        }
        s->delta += delta;
        cx->seats_gen++;
        return 0;
}

/* Reads program's row and its plan's status into p: 1, 0 when there is no
 * such program, -1 with cx->e. */
static int program_read(struct apply_ctx *cx, const char *code, struct seat_program *p)
{
        static const char sql[] =
            "SELECT p.capacity, p.enrolled, pl.status, p.status FROM programs p"
            " JOIN plans pl ON pl.year = p.plan_year WHERE p.code = ?1";
        sqlite3_stmt *st = db_stmt(cx->db, sql, cx->e);
        int step;

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
        if ((step = db_step(cx->db, st, cx->e)) > 0) {
                p->capacity = sqlite3_column_int(st, 0);
                p->enrolled = sqlite3_column_int(st, 1);
                p->approved = strcmp(db_col_text(st, 2), "approved") == 0;
                p->cancelled = strcmp(db_col_text(st, 3), "batal") == 0;
        }
        sqlite3_reset(st);
        return step;
}

int seats_program(struct apply_ctx *cx, const char *code, struct seat_program *p)
{
        struct seat_delta *s = seats_entry(cx, code);
        int found;

        if (s != NULL && s->known) {
                *p = s->info;
                return 1;
        }
        if ((found = program_read(cx, code, p)) <= 0 || s == NULL)
                return found;
        /* What the database says now: true whatever the op does next, so
         * seats_gen stays (a rejected op that read it needs no undo). */
        s->info = *p;
        s->known = 1;
        return 1;
}

void seats_forget(struct apply_ctx *cx, const char *program)
{
        size_t i = seats_find(cx, program);

        if (i < cx->n_seats && cx->seats[i].delta != 0) {
                cx->seats[i].delta = 0;
                cx->seats_gen++;
        }
}

int seats_flush(struct apply_ctx *cx, struct rb_err *e)
{
        const struct principal *who = cx->who;
        const Renbin__Op *op = cx->op;
        struct rb_err *oe = cx->e;
        int rc = 0;

        cx->e = e;
        for (size_t i = 0; i < cx->n_seats && rc == 0; i++) {
                if (cx->seats[i].delta == 0)
                        continue;
                /* The change names the op that first moved the count in this batch. */
                cx->op = cx->seats[i].op;
                cx->who = cx->seats[i].who;
                rc = seats_write(cx, cx->seats[i].program, cx->seats[i].delta);
        }
        cx->n_seats = 0;
        cx->who = who;
        cx->op = op;
        cx->e = oe;
        return rc;
}
