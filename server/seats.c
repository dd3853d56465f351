/*
 * seats.c - a program's seat count across one batch. An enrollment that
 * takes or frees a seat moves the program's pending delta in memory; the
 * capacity is checked against the database's count plus that delta
 * (e_enroll.c), and one UPDATE per program is written just before COMMIT
 * (seats_flush), its change recorded once (feed_mark). The batch's ops see
 * every seat taken before them, so two offices racing for the last seat
 * still get one yes and one no. Should the table of pending programs be
 * full, the move is written at once, as each one was before.
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

int seats_move(struct apply_ctx *cx, const char *program, int delta)
{
        size_t i = seats_find(cx, program);
        struct seat_delta *s = &cx->seats[i];

        if (i == cx->n_seats) {
                if (i == SEATS_PENDING || strlen(program) >= sizeof(s->program))
                        return seats_write(cx, program, delta);
                cx->n_seats++;
                memcpy(s->program, program, strlen(program) + 1);
                s->delta = 0;
                s->op = cx->op;
                s->who = cx->who;
        }
        s->delta += delta;
        cx->seats_gen++;
        return 0;
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
