/*
 * audit_data.c - the audit log proves the data, not only itself. Every
 * write of a catalogue row leaves its snapshot in the log (feed.c), so a
 * live row that differs from its last snapshot, a row the log holds that
 * is gone, a row the log never saw, and a log shorter than the change feed
 * (its newest records cut, or the whole table wiped), and a change of the
 * feed that is not its audit record's are each named here: entity, id and
 * field.
 */
#include "audit.h"
#include "db.h"
#include "entity.h"
#include "i18n.h"
#include "strbuf.h"
#include "wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_SNAPSHOT[] =
    "SELECT data FROM audit WHERE entity = ?1 AND entity_id = ?2 AND data IS NOT NULL"
    " ORDER BY n DESC LIMIT 1";

/* The value the snapshot ch holds for field name, or NULL (the field was NULL). */
static const char *snap_value(const Renbin__Change *ch, const char *name)
{
        for (size_t i = 0; i < ch->n_fields; i++)
                if (ch->fields[i]->name != NULL && strcmp(ch->fields[i]->name, name) == 0)
                        return ch->fields[i]->value != NULL ? ch->fields[i]->value : "";
        return NULL;
}

/* Compares the live row (st: id, then the fields of d) with its snapshot
 * ch; prints and counts each field that differs. */
static long row_diff(const struct entity_def *d, sqlite3_stmt *st, const Renbin__Change *ch)
{
        const char *id = db_col_text(st, 0);
        long bad = 0;

        for (size_t f = 0; f < d->nfields; f++) {
                const char *live = sqlite3_column_type(st, (int)f + 1) == SQLITE_NULL
                                       ? NULL
                                       : db_col_text(st, (int)f + 1);
                const char *was = snap_value(ch, d->fields[f].name);
                if ((live == NULL) == (was == NULL) && (live == NULL || strcmp(live, was) == 0))
                        continue;
                fprintf(stderr,
                        _("data: %s %s: field %s is '%s' but its last audit record says '%s' "
                          "(changed outside renbind)\n"),
                        d->name, id, d->fields[f].name, live ? live : "NULL", was ? was : "NULL");
                bad++;
        }
        return bad;
}

/* Checks one live row (st) against its last snapshot (snap: SQL_SNAPSHOT). */
static long row_check(sqlite3 *db, const struct entity_def *d, sqlite3_stmt *st, sqlite3_stmt *snap,
                      struct rb_err *e)
{
        const char *id = db_col_text(st, 0);
        Renbin__Change *ch;
        long bad = 1;
        int step;

        sqlite3_bind_text(snap, 1, d->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(snap, 2, id, -1, SQLITE_TRANSIENT);
        if ((step = db_step(db, snap, e)) < 0) {
                sqlite3_reset(snap);
                return -1;
        }
        if (step == 0)
                fprintf(stderr,
                        _("data: %s %s: the row is not in the audit log (written outside "
                          "renbind)\n"),
                        d->name, id);
        else if ((ch = renbin__change__unpack(NULL, (size_t)sqlite3_column_bytes(snap, 0),
                                              sqlite3_column_blob(snap, 0))) == NULL)
                fprintf(stderr, _("data: %s %s: its last audit record cannot be read\n"), d->name,
                        id);
        else {
                bad = row_diff(d, st, ch);
                renbin__change__free_unpacked(ch, NULL);
        }
        sqlite3_reset(snap);
        return bad;
}

/* Every live row of d against its last snapshot. */
static long live_check(sqlite3 *db, const struct entity_def *d, sqlite3_stmt *snap,
                       struct rb_err *e)
{
        char cols[1024];
        size_t off = 0;
        sqlite3_stmt *st;
        long bad = 0, n;
        int step;

        for (size_t f = 0; f < d->nfields; f++)
                str_appendf(cols, sizeof(cols), &off, ", %s", d->fields[f].name);
        char *sql = sqlite3_mprintf("SELECT id%s FROM %s ORDER BY id", cols, d->table);
        st = sql != NULL ? db_prepare(db, sql, e) : NULL;
        sqlite3_free(sql);
        if (st == NULL)
                return -1;
        while ((step = db_step(db, st, e)) > 0 && (n = row_check(db, d, st, snap, e)) >= 0)
                bad += n;
        sqlite3_finalize(st);
        return step != 0 ? -1 : bad;
}

/* The rows of d the log holds that the database no longer has. */
static long gone_check(sqlite3 *db, const struct entity_def *d, struct rb_err *e)
{
        char *sql = sqlite3_mprintf("SELECT DISTINCT entity_id FROM audit a WHERE entity = %Q"
                                    " AND data IS NOT NULL AND NOT EXISTS"
                                    " (SELECT 1 FROM %s t WHERE t.id = a.entity_id)"
                                    " ORDER BY entity_id",
                                    d->name, d->table);
        sqlite3_stmt *st = sql != NULL ? db_prepare(db, sql, e) : NULL;
        long bad = 0;
        int step;

        sqlite3_free(sql);
        if (st == NULL)
                return -1;
        while ((step = db_step(db, st, e)) > 0) {
                fprintf(stderr,
                        _("data: %s %s: the audit log holds the row but the database lost it\n"),
                        d->name, db_col_text(st, 0));
                bad++;
        }
        sqlite3_finalize(st);
        return step < 0 ? -1 : bad;
}

/* The log is as long as the change feed it records: every change has an
 * audit record under its sequence, so the feed's last sequence above the
 * log's means records were cut (or the log wiped). */
static long feed_check(sqlite3 *db, struct rb_err *e)
{
        long long feed = 0, log = 0;

        if (db_value(db, "SELECT coalesce(max(seq), 0) FROM changes", NULL, &feed, e) < 0 ||
            db_value(db, "SELECT coalesce(max(seq), 0) FROM audit", NULL, &log, e) < 0)
                return -1;
        if (feed <= log)
                return 0;
        fprintf(stderr,
                _("audit log: shorter than the change feed it records (its last change is %lld, "
                  "the feed's %lld): records were cut or the log wiped\n"),
                log, feed);
        return 1;
}

/* Every change of the feed (what offices pull) is the one its audit record
 * holds: the same row and the same snapshot under its sequence. */
static long feed_rows_check(sqlite3 *db, struct rb_err *e)
{
        sqlite3_stmt *st = db_prepare(
            db,
            "SELECT c.seq, c.entity, c.entity_id FROM changes c LEFT JOIN audit a ON a.n = c.seq"
            " WHERE a.n IS NULL OR a.entity != c.entity OR a.entity_id != c.entity_id"
            " OR (a.data IS NULL) != (c.data IS NULL) OR a.data != c.data ORDER BY c.seq",
            e);
        long bad = 0;
        int step;

        if (st == NULL)
                return -1;
        while ((step = db_step(db, st, e)) > 0) {
                fprintf(stderr,
                        _("feed: change %lld (%s %s) is not the one its audit record holds (the "
                          "change feed was edited)\n"),
                        (long long)sqlite3_column_int64(st, 0), db_col_text(st, 1),
                        db_col_text(st, 2));
                bad++;
        }
        sqlite3_finalize(st);
        return step < 0 ? -1 : bad;
}

long audit_data_verify(sqlite3 *db, struct rb_err *e)
{
        sqlite3_stmt *snap = db_prepare(db, SQL_SNAPSHOT, e);
        long bad = 0, n = 0;

        if (snap == NULL)
                return -1;
        /* An entity kept on the server only (the answers) is never audited. */
        for (size_t i = 0; i < entity_count && n >= 0; i++)
                if (entity_synced(entity_defs[i]) &&
                    (n = live_check(db, entity_defs[i], snap, e)) >= 0 &&
                    (bad += n, n = gone_check(db, entity_defs[i], e)) >= 0)
                        bad += n;
        sqlite3_finalize(snap);
        if (n < 0 || (n = feed_check(db, e)) < 0)
                return -1;
        bad += n;
        if ((n = feed_rows_check(db, e)) < 0)
                return -1;
        return bad + n;
}
