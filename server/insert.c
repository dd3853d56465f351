/*
 * insert.c - the write of a plain "add" (an A_INSERT action of the
 * catalogue): the row's unit must exist and be the writer's own, then the
 * row is inserted from the fields the action takes and recorded in the
 * change feed. The INSERT of each entity is built once from the catalogue,
 * so a field added there is stored with no code here. The row takes its
 * change sequence at once (feed_seq_next): it is never stamped.
 */
#include "apply.h"
#include "feed.h"
#include "db.h"
#include "i18n.h"
#include "store.h"
#include "strbuf.h"
#include "wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One bound value of the INSERT: a field, or the batch's time. */
struct bind {
        const struct field_def *f;
};

/* Per action: the INSERT and the fields bound to ?3.. in order (?1 the id,
 * ?2 the change sequence). */
static struct insert_sql {
        const struct action_def *action;
        char *sql;
        struct bind binds[ENTITY_MAX_FIELDS];
        size_t n;
} insert_sql[32];

/* The INSERT of d's action a, built on first use; NULL if the cache is full. */
static const struct insert_sql *sql_for(const struct entity_def *d, const struct action_def *a)
{
        char cols[1024], vals[512];
        size_t oc = 0, ov = 0, i;
        struct insert_sql *s;
        const struct field_def *f;
        int req;

        for (i = 0; i < sizeof(insert_sql) / sizeof(insert_sql[0]); i++)
                if (insert_sql[i].action == a || insert_sql[i].action == NULL)
                        break;
        if (i == sizeof(insert_sql) / sizeof(insert_sql[0]))
                return NULL;
        s = &insert_sql[i];
        if (s->action == a)
                return s;
        s->action = a;
        for (size_t k = 0; (f = entity_action_field(d, a, k, &req)) != NULL; k++)
                s->binds[s->n++].f = f;
        for (size_t k = 0; k < d->nfields && s->n < ENTITY_MAX_FIELDS; k++)
                if (d->fields[k].flags & FD_NOW)
                        s->binds[s->n++].f = &d->fields[k];
        for (size_t k = 0; k < s->n; k++) {
                str_appendf(cols, sizeof(cols), &oc, ", %s", s->binds[k].f->name);
                str_appendf(vals, sizeof(vals), &ov, ", ?%zu", k + 3);
        }
        s->sql =
            sqlite3_mprintf("INSERT INTO %s(id, seq%s) VALUES(?1, ?2%s)", d->table, cols, vals);
        return s;
}

int insert_scope(struct apply_ctx *cx, const struct entity_def *d)
{
        const char *unit;

        if (d->scope == NULL || (unit = op_need(cx, d->scope)) == NULL)
                return d->scope == NULL ? 0 : -1;
        if (unit_known(cx, unit, d->scope) != 0)
                return -1;
        if (!own_unit(cx, unit))
                return deny_other_unit(cx, _(d->noun), unit);
        return 0;
}

/* Binds one value: the batch's time, an integer, text, or NULL when absent. */
static void bind_one(struct apply_ctx *cx, sqlite3_stmt *st, int i, const struct field_def *f)
{
        const char *v = op_get(cx, f->name);

        if (f->flags & FD_NOW)
                sqlite3_bind_int64(st, i, cx->now);
        else if (v == NULL)
                sqlite3_bind_null(st, i);
        else if (f->type == F_INT)
                sqlite3_bind_int64(st, i, strtoll(v, NULL, 10));
        else
                sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

int insert_row(struct apply_ctx *cx, const struct entity_def *d, const struct action_def *a)
{
        const struct insert_sql *s = sql_for(d, a);
        sqlite3_stmt *st;
        uint64_t seq;

        if (s == NULL || s->sql == NULL)
                return err_set(cx->e, RB_INTERNAL, NULL, "no INSERT for entity %s", d->name);
        if (feed_seq_next(cx, &seq) != 0 || (st = db_stmt(cx->db, s->sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
        for (size_t k = 0; k < s->n; k++)
                bind_one(cx, st, (int)k + 3, s->binds[k].f);
        if (apply_step(cx, st) != 0)
                return -1;
        return feed_created(cx, d, cx->op->entity_id, seq);
}

/* The live change of every row with id ?1: one per row, whatever its entity
 * (feed.c leaves one deleted = 0 change for each row it wrote, and no synced
 * row is ever deleted), found through changes_row, which leads with
 * entity_id (store.c migration 15). */
static const char SQL_OWNER[] = "SELECT entity FROM changes WHERE entity_id = ?1 AND deleted = 0";

/* Index of the synced entity named name in the catalogue, or entity_count. */
static size_t synced_index(const char *name)
{
        for (size_t i = 0; i < entity_count; i++)
                if (strcmp(entity_defs[i]->name, name) == 0)
                        return entity_synced(entity_defs[i]) ? i : entity_count;
        return entity_count;
}

int insert_id_owner(struct apply_ctx *cx, const char *id, const struct entity_def **owner)
{
        sqlite3_stmt *st;
        size_t first = entity_count;
        int step;

        *owner = NULL;
        if ((st = db_stmt_bind(cx->db, SQL_OWNER, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        /* Should two entities hold the id, the first in the catalogue owns
         * it, as when each table was asked in that order. An anonymous answer
         * (not synced) is never in the feed: its id is the server's own. */
        while ((step = db_step(cx->db, st, cx->e)) > 0) {
                size_t i = synced_index(db_col_text(st, 0));
                if (i < first)
                        first = i;
        }
        sqlite3_reset(st);
        if (step < 0)
                return -1;
        if (first < entity_count)
                *owner = entity_defs[first];
        return 0;
}
