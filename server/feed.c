/*
 * feed.c - the change feed and the audit chain. Every write of a synced row
 * ends here: the row's current fields are packed once into `changes` under
 * the next global sequence (replacing the row's previous change for the same
 * owning unit, and leaving a tombstone for a unit that no longer owns it), the
 * row is stamped with that sequence, and an audit record chained by SHA-256
 * is appended. Pull reads `changes` only.
 *
 * A row whose seq stamp is still 0 has never been in the feed: it has no
 * change to replace and no unit that saw it before, so those lookups are
 * skipped. A row changed by many ops of one batch (a program's seat count)
 * can be marked instead (feed_mark) and recorded once before COMMIT.
 *
 * The next sequence is followed in memory for the transaction
 * (apply_ctx.seq_next), so a row can be created with its seq already set
 * (feed_seq_next, feed_created): it is then never stamped.
 */
#include "batch.h"
#include "audit.h"
#include "db.h"
#include "feed.h"
#include "i18n.h"
#include "store.h"
#include "strbuf.h"
#include "wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Per-entity SQL, built once from the catalogue (names are constants). */
struct feed_sql {
        char *select; /* SELECT scope, fields..., seq FROM table WHERE id = ?1 */
        char *stamp;  /* UPDATE table SET seq = ?1 WHERE id = ?2 */
        char *insert; /* INSERT INTO table(id, seq, fields...) VALUES(?1, ?2, ...) */
};

static struct feed_sql feed_sql[32];

/* What a packed string or message may add to its bytes: a tag of one byte
 * (field numbers under 16) and a length of up to 10. */
#define PACK_OVER 11

/* The most fields a snapshot packs (the catalogue's widest entity has fewer). */
#define FEED_FIELDS 32

/* A feed row is keyed by entity, id and owning unit (store.c migration 4):
 * two entities never share one, whatever ids a client sends. */
static const char SQL_OTHER_SCOPES[] =
    "SELECT scope FROM changes WHERE entity = ?3 AND entity_id = ?1 AND deleted = 0"
    " AND ifnull(scope, '') != ifnull(?2, '')";
static const char SQL_DROP[] = "DELETE FROM changes WHERE entity = ?3 AND entity_id = ?1"
                               " AND ifnull(scope, '') = ifnull(?2, '')";
static const char SQL_PUT[] =
    "INSERT INTO changes(entity, entity_id, scope, deleted, at, data, seq) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";

/* The SQL of def, built on first use. */
static const struct feed_sql *sql_for(const struct entity_def *def)
{
        size_t i;
        char cols[1024];
        char marks[256];
        size_t off = 0, moff = 0;

        for (i = 0; i < entity_count && entity_defs[i] != def; i++)
                ;
        if (i == entity_count || i >= sizeof(feed_sql) / sizeof(feed_sql[0]))
                return NULL;
        if (feed_sql[i].select != NULL)
                return &feed_sql[i];
        for (size_t f = 0; f < def->nfields; f++) {
                str_appendf(cols, sizeof(cols), &off, ", %s", def->fields[f].name);
                str_appendf(marks, sizeof(marks), &moff, ", ?%zu", f + 3);
        }
        feed_sql[i].insert =
            sqlite3_mprintf("INSERT INTO %s(id, seq%s) VALUES(?1, ?2%s)", def->table, cols, marks);
        feed_sql[i].select = sqlite3_mprintf("SELECT %s%s, seq FROM %s WHERE id = ?1",
                                             def->scope ? def->scope : "NULL", cols, def->table);
        feed_sql[i].stamp = sqlite3_mprintf("UPDATE %s SET seq = ?1 WHERE id = ?2", def->table);
        return &feed_sql[i];
}

/* Writes one change row: a snapshot (data) or a tombstone (data NULL); fresh:
 * the row was never in the feed, so there is no previous change to drop. seq:
 * the sequence the change takes (feed_seq_next), or 0 for the feed's next.
 * Every change names its seq: the table has no AUTOINCREMENT (migration 16). */
static int put_change(struct apply_ctx *cx, const struct entity_def *def, const char *id,
                      const char *scope, const uint8_t *data, size_t len, int fresh, uint64_t seq)
{
        sqlite3_stmt *st;

        if (!fresh) {
                if ((st = db_stmt(cx->db, SQL_DROP, cx->e)) == NULL)
                        return -1;
                sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
                db_bind_text(st, 2, scope);
                sqlite3_bind_text(st, 3, def->name, -1, SQLITE_STATIC);
                if (db_run(cx->db, st, cx->e) != 0)
                        return -1;
        }
        if ((st = db_stmt_bind(cx->db, SQL_PUT, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, def->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
        db_bind_text(st, 3, scope);
        sqlite3_bind_int(st, 4, data == NULL);
        sqlite3_bind_int64(st, 5, cx->now);
        if (data != NULL)
                sqlite3_bind_blob(st, 6, data, (int)len, SQLITE_STATIC);
        else
                sqlite3_bind_null(st, 6);
        if (seq == 0 && feed_seq_next(cx, &seq) != 0)
                return -1;
        sqlite3_bind_int64(st, 7, (sqlite3_int64)seq);
        if (db_run(cx->db, st, cx->e) != 0)
                return -1;
        cx->seq = seq;
        /* The highest yet: the next one follows it, and feed_flush keeps it. */
        cx->seq_next = seq + 1;
        cx->seq_moved = 1;
        return 0;
}

/* Leaves tombstones for units that saw this row before and no longer own it. */
static int tombstone_old_scopes(struct apply_ctx *cx, const struct entity_def *def, const char *id,
                                const char *scope)
{
        sqlite3_stmt *st = db_stmt(cx->db, SQL_OTHER_SCOPES, cx->e);
        char old[8][64];
        int n = 0;

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        db_bind_text(st, 2, scope);
        sqlite3_bind_text(st, 3, def->name, -1, SQLITE_STATIC);
        int step = 0;
        while (n < 8 && (step = db_step(cx->db, st, cx->e)) > 0)
                snprintf(old[n++], sizeof(old[0]), "%s", db_col_text(st, 0));
        sqlite3_reset(st);
        if (step < 0)
                return -1;
        for (int i = 0; i < n; i++)
                if (put_change(cx, def, id, old[i], NULL, 0, 0, 0) != 0 ||
                    audit_append(cx, def->name, id, NULL, 0) != 0)
                        return -1;
        return 0;
}

/* Packs a row as a Change (without seq) into a malloc'd buffer: v holds its
 * value of each of def's fields in the catalogue's order, NULL for a NULL
 * column (left out). The one packing of a snapshot, whether the values were
 * read back or just bound (feed_insert). */
static uint8_t *pack_values(const struct entity_def *def, const char *id, const char *const v[],
                            size_t *len)
{
        Renbin__Change ch = RENBIN__CHANGE__INIT;
        Renbin__Field fv[FEED_FIELDS], *fp[FEED_FIELDS];
        uint8_t *buf;
        size_t n = 0, room = 1;

        ch.entity = (char *)def->name;
        ch.entity_id = (char *)id;
        room += strlen(def->name) + strlen(id) + 2 * PACK_OVER;
        for (size_t f = 0; f < def->nfields && f < FEED_FIELDS; f++) {
                if (v[f] == NULL)
                        continue;
                room += strlen(def->fields[f].name) + strlen(v[f]) + 3 * PACK_OVER;
                renbin__field__init(&fv[n]);
                fv[n].name = (char *)def->fields[f].name;
                fv[n].value = (char *)v[f];
                fp[n] = &fv[n];
                n++;
        }
        ch.n_fields = n;
        ch.fields = fp;
        /* Packed into room enough instead of sized first: only strings and
         * fields are set, each at most its bytes, a one-byte tag and a
         * length of at most 10 bytes. */
        if ((buf = malloc(room)) != NULL)
                *len = renbin__change__pack(&ch, buf);
        return buf;
}

/* Packs the row the statement holds (its columns: scope, def's fields). */
static uint8_t *snapshot(sqlite3_stmt *st, const struct entity_def *def, const char *id,
                         size_t *len)
{
        const char *v[FEED_FIELDS];

        for (size_t f = 0; f < def->nfields && f < FEED_FIELDS; f++)
                v[f] = sqlite3_column_type(st, (int)f + 1) == SQLITE_NULL
                           ? NULL
                           : db_col_text(st, (int)f + 1);
        return pack_values(def, id, v, len);
}

/* Stamps row id with the change just written (cx->seq). */
static int stamp(struct apply_ctx *cx, const struct feed_sql *q, const char *id)
{
        sqlite3_stmt *st = db_stmt(cx->db, q->stamp, cx->e);

        if (st == NULL)
                return -1;
        sqlite3_bind_int64(st, 1, (sqlite3_int64)cx->seq);
        sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
        return db_run(cx->db, st, cx->e);
}

/* A program or a plan written: what enrolling read of them this batch is
 * read again (seats.c). */
static void seats_reread(struct apply_ctx *cx, const struct entity_def *def)
{
        if (strcmp(def->name, "program") == 0 || strcmp(def->name, "plan") == 0)
                for (size_t i = 0; i < cx->n_seats; i++)
                        cx->seats[i].known = 0;
}

/* Writes the change and the audit record of row id, whose snapshot is data
 * (freed here; NULL: out of memory); fresh and seq as for put_change; q:
 * the row is stamped with its change (by q's stamp), or NULL. */
static int record_snapshot(struct apply_ctx *cx, const struct entity_def *def, const char *id,
                           const char *scope, uint8_t *data, size_t len, int fresh, uint64_t seq,
                           const struct feed_sql *q)
{
        int rc = -1;

        if (data == NULL)
                return err_set(cx->e, RB_INTERNAL, NULL, _("out of memory"));
        if ((fresh || tombstone_old_scopes(cx, def, id, scope) == 0) &&
            put_change(cx, def, id, scope, data, len, fresh, seq) == 0 &&
            (q == NULL || stamp(cx, q, id) == 0))
                rc = audit_append(cx, def->name, id, data, len);
        free(data);
        return rc;
}

/* Records the row's current state, read back (feed_record); seq: the row
 * was just created with that seq (feed_created), so it is fresh and needs
 * no stamp, or 0. */
static int record_row(struct apply_ctx *cx, const struct entity_def *def, const char *id,
                      uint64_t seq)
{
        const struct feed_sql *q = sql_for(def);
        sqlite3_stmt *st;
        uint8_t *data;
        size_t len = 0;
        char scope[64];
        int has_scope, fresh;

        if (q == NULL || (st = db_stmt(cx->db, q->select, cx->e)) == NULL)
                return err_set(cx->e, RB_INTERNAL, NULL, "feed: no SQL for %s", def->name);
        seats_reread(cx, def);
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        int step = db_step(cx->db, st, cx->e);
        if (step <= 0) {
                sqlite3_reset(st);
                return step < 0 ? -1
                                : err_set(cx->e, RB_INTERNAL, NULL, "feed: %s %s vanished",
                                          def->name, id);
        }
        has_scope = sqlite3_column_type(st, 0) != SQLITE_NULL;
        str_copy(scope, sizeof(scope), db_col_text(st, 0));
        fresh = sqlite3_column_int64(st, (int)def->nfields + 1) == 0;
        data = snapshot(st, def, id, &len);
        sqlite3_reset(st);
        fresh |= seq != 0;
        return record_snapshot(cx, def, id, has_scope ? scope : NULL, data, len, fresh, seq,
                               seq == 0 ? q : NULL);
}

int feed_record(struct apply_ctx *cx, const struct entity_def *def, const char *id)
{
        return record_row(cx, def, id, 0);
}

/* The values of row in def's field order, in v, and its owning unit's in
 * *scope (NULL: everyone's): every field given once, by name, none other.
 * 0, or -1 with cx->e (the caller's list and the catalogue differ). */
static int row_values(struct apply_ctx *cx, const struct entity_def *def, const char *id,
                      const struct feed_value *row, size_t n, const char *v[], const char **scope)
{
        size_t f, j;

        if (n != def->nfields || n > FEED_FIELDS)
                return err_set(cx->e, RB_INTERNAL, NULL,
                               "feed: %s %s created with %zu values, the catalogue has %zu fields",
                               def->name, id, n, def->nfields);
        *scope = NULL;
        for (f = 0; f < n; f++) {
                /* In the catalogue's order, as the callers list them, at once. */
                for (j = f; j < f + n && strcmp(row[j % n].name, def->fields[f].name) != 0; j++)
                        ;
                if (j == f + n)
                        return err_set(cx->e, RB_INTERNAL, NULL, "feed: %s %s created without %s",
                                       def->name, id, def->fields[f].name);
                v[f] = row[j % n].value;
                if (def->scope != NULL && strcmp(def->scope, def->fields[f].name) == 0)
                        *scope = v[f];
        }
        return 0;
}

int feed_insert(struct apply_ctx *cx, const struct entity_def *def, const char *id,
                const struct feed_value *row, size_t n)
{
        const struct feed_sql *q = sql_for(def);
        const char *v[FEED_FIELDS], *scope = NULL;
        sqlite3_stmt *st;
        uint8_t *data;
        uint64_t seq;
        size_t len = 0;

        if (q == NULL)
                return err_set(cx->e, RB_INTERNAL, NULL, "feed: no SQL for %s", def->name);
        if (row_values(cx, def, id, row, n, v, &scope) != 0 || feed_seq_next(cx, &seq) != 0 ||
            (st = db_stmt_bind(cx->db, q->insert, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
        for (size_t f = 0; f < n; f++) {
                if (v[f] == NULL)
                        sqlite3_bind_null(st, (int)f + 3);
                else if (def->fields[f].type == F_INT)
                        sqlite3_bind_int64(st, (int)f + 3, strtoll(v[f], NULL, 10));
                else
                        sqlite3_bind_text(st, (int)f + 3, v[f], -1, SQLITE_STATIC);
        }
        if (db_run(cx->db, st, cx->e) != 0)
                return 1;
        seats_reread(cx, def);
        /* The values just bound are the row: an F_INT field's canonical
         * decimal is bound as its integer, which reads back as the same text
         * (test_e2e_created compares the two). */
        data = pack_values(def, id, v, &len);
        return record_snapshot(cx, def, id, scope, data, len, 1, seq, NULL);
}

int feed_seq_next(struct apply_ctx *cx, uint64_t *seq)
{
        long long last = 0;

        if (cx->seq_next == 0) {
                if (store_last_seq(cx->db, &last, cx->e) != 0)
                        return -1;
                cx->seq_next = (uint64_t)last + 1;
        }
        *seq = cx->seq_next;
        return 0;
}

int feed_created(struct apply_ctx *cx, const struct entity_def *def, const char *id, uint64_t seq)
{
        /* Another change written between the two calls took seq already. */
        if (seq == 0 || seq != cx->seq_next)
                return err_set(cx->e, RB_INTERNAL, NULL,
                               "feed: %s %s was created with seq %llu, the feed's next is %llu",
                               def->name, id, (unsigned long long)seq,
                               (unsigned long long)cx->seq_next);
        return record_row(cx, def, id, seq);
}

int feed_mark(struct apply_ctx *cx, const struct entity_def *def, const char *id)
{
        struct feed_dirty *d;

        for (size_t i = 0; i < cx->n_dirty; i++)
                if (cx->dirty[i].def == def && strcmp(cx->dirty[i].id, id) == 0)
                        return 0;
        /* No room, or an id too long to keep: record it now, as before. */
        if (cx->n_dirty == FEED_DIRTY || strlen(id) >= sizeof(d->id)) {
                uint64_t seq = cx->seq;
                int rc = feed_record(cx, def, id);
                cx->seq = seq;
                return rc;
        }
        d = &cx->dirty[cx->n_dirty++];
        d->def = def;
        memcpy(d->id, id, strlen(id) + 1);
        d->op = cx->op;
        d->who = cx->who;
        return 0;
}

/* Keeps the highest sequence the transaction gave in meta (feed_seq), where
 * store_last_seq and the next transaction's feed_seq_next read it. */
static int seq_store(struct apply_ctx *cx, struct rb_err *e)
{
        char v[24];

        if (!cx->seq_moved || cx->seq_next == 0)
                return 0;
        snprintf(v, sizeof(v), "%llu", (unsigned long long)(cx->seq_next - 1));
        if (store_meta_set(cx->db, "feed_seq", v, e) != 0)
                return -1;
        cx->seq_moved = 0;
        return 0;
}

int feed_flush(struct apply_ctx *cx, struct rb_err *e)
{
        const struct principal *who = cx->who;
        const Renbin__Op *op = cx->op;
        struct rb_err *oe = cx->e;
        int rc = 0;

        cx->e = e;
        for (size_t i = 0; i < cx->n_dirty && rc == 0; i++) {
                /* The record names the op that first changed the row in this batch. */
                cx->op = cx->dirty[i].op;
                cx->who = cx->dirty[i].who;
                rc = feed_record(cx, cx->dirty[i].def, cx->dirty[i].id);
        }
        cx->n_dirty = 0;
        cx->who = who;
        cx->op = op;
        cx->e = oe;
        if (rc == 0)
                rc = seq_store(cx, e);
        if (rc == 0)
                rc = audit_store(cx, e);
        return rc;
}
