/*
 * snapshot.c - a replica snapshot: the rows a Pull from 0 would leave in a
 * session's replica, made at once as a SQLite database of the replica's own
 * tables (common/replica_ddl.c), which a first sync copies whole
 * (docs/sync.md, "A first sync"; decision 168). h_snapshot.c hands it out.
 *
 * It is made on a connection of its own: an in-memory database, the
 * server's file attached read-only, every table copied by one INSERT ...
 * SELECT inside one read transaction, so the copy is one moment of the
 * feed and its cursor the feed's last sequence at that moment. A row is in
 * it when it is in the feed (seq > 0) and its scope field is the session's
 * unit or empty: the rule the feed's `changes.scope` follows (feed.c), so
 * an office sees the rows its Pull would. Values are cast as a pulled row
 * is bound (an INTEGER field as an integer, every other as text).
 *
 */
#include "snapshot.h"
#include "db.h"
#include "i18n.h"
#include "replica_ddl.h"
#include "store.h"
#include "strbuf.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t held_bytes; /* by every snapshot held (snapshot_hold) */

size_t snapshot_held(void)
{
        return held_bytes;
}

void snapshot_hold(struct snapshot *s)
{
        if (!s->held)
                held_bytes += s->len;
        s->held = 1;
}

void snapshot_free(struct snapshot *s)
{
        if (s == NULL)
                return;
        if (s->held)
                held_bytes -= s->len;
        sqlite3_free(s->data);
        free(s);
}

/* The feed's last sequence as the Pull's resync check counts it
 * (store_last_seq), read through the attached server database: a Pull from
 * it never asks for a resync. */
static const char SQL_LAST[] = STORE_LAST_SEQ_SQL("srv.");

/* The integer sql yields, into *v. Prepared and finalized here: this runs
 * on a thread of its own, so not through the statement cache (db_stmt),
 * which is the event loop's. 0, or -1 with e. */
static int first_int(sqlite3 *mem, const char *sql, long long *v, struct rb_err *e)
{
        sqlite3_stmt *st = NULL;
        int rc;

        if ((rc = sqlite3_prepare_v2(mem, sql, -1, &st, NULL)) != SQLITE_OK)
                return db_error_on(mem, rc, "snapshot", e);
        if ((rc = db_step(mem, st, e)) > 0)
                *v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return rc < 0 ? -1 : 0;
}

/* Fills mem's table of d from the server's, for scope ("" for all). */
static int copy_table(sqlite3 *mem, const struct entity_def *d, const char *scope, uint64_t *rows,
                      struct rb_err *e)
{
        char sql[4096];
        size_t off = 0;
        sqlite3_stmt *st;
        int rc;

        replica_table_sql(d, sql, sizeof(sql), &off);
        if (db_exec(mem, sql, e) != 0)
                return -1;
        off = 0;
        str_appendf(sql, sizeof(sql), &off, "INSERT INTO main.%s SELECT id, seq", d->table);
        /* A pulled INTEGER field is bound as strtoll reads its text, which
         * CAST does too; a text field takes the column's TEXT affinity,
         * here as there. */
        for (size_t f = 0; f < d->nfields; f++)
                str_appendf(sql, sizeof(sql), &off,
                            d->fields[f].type == F_INT ? ", CAST(%s AS INTEGER)" : ", %s",
                            d->fields[f].name);
        str_appendf(sql, sizeof(sql), &off, " FROM srv.%s WHERE seq > 0", d->table);
        if (scope[0] != '\0' && d->scope != NULL)
                str_appendf(sql, sizeof(sql), &off, " AND (%s IS NULL OR %s = ?1)", d->scope,
                            d->scope);

        if (sqlite3_prepare_v2(mem, sql, -1, &st, NULL) != SQLITE_OK)
                return err_set(e, RB_INTERNAL, NULL, "snapshot: %s: %s", d->table,
                               sqlite3_errmsg(mem));
        if (sqlite3_bind_parameter_count(st) > 0 &&
            (rc = sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC)) != SQLITE_OK) {
                sqlite3_finalize(st);
                return db_error_on(mem, rc, "snapshot", e);
        }
        rc = db_step(mem, st, e);
        sqlite3_finalize(st);
        if (rc < 0)
                return -1;
        *rows += (uint64_t)sqlite3_changes64(mem);
        /* Its key index too, so that the replica need not sort its rows. */
        off = 0;
        replica_key_index_sql(d, sql, sizeof(sql), &off);
        return db_exec(mem, sql, e);
}

/* "ATTACH 'file:PATH?mode=ro' AS srv", PATH escaped as a URI's path
 * ('%', '?' and '#' as %HH); sqlite3_malloc'd, or NULL. */
static char *attach_sql(const char *path)
{
        char *uri = sqlite3_malloc64(strlen(path) * 3 + 16), *sql;
        size_t k = 0;

        if (uri == NULL)
                return NULL;
        memcpy(uri, "file:", 5);
        k = 5;
        for (const char *p = path; *p; p++) {
                if (*p == '%' || *p == '?' || *p == '#')
                        k += (size_t)sprintf(uri + k, "%%%02X", (unsigned char)*p);
                else
                        uri[k++] = *p;
        }
        memcpy(uri + k, "?mode=ro", 9);
        sql = sqlite3_mprintf("ATTACH %Q AS srv", uri);
        sqlite3_free(uri);
        return sql;
}

int snapshot_make(const char *path, const char *scope, struct snapshot *s, struct rb_err *e)
{
        sqlite3 *mem = NULL;
        sqlite3_int64 len = 0;
        long long last = 0;
        char *attach;
        int rc = -1;

        if (sqlite3_open_v2(":memory:", &mem, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, NULL) !=
            SQLITE_OK) {
                err_set(e, RB_EXHAUSTED, NULL, _("out of memory"));
                goto out;
        }
        if ((attach = attach_sql(path)) == NULL) {
                err_set(e, RB_EXHAUSTED, NULL, _("out of memory"));
                goto out;
        }
        rc = db_exec(mem, attach, e);
        sqlite3_free(attach);
        if (rc != 0 || (rc = db_exec(mem, "BEGIN", e)) != 0)
                goto out;
        rc = -1;
        if (first_int(mem, SQL_LAST, &last, e) != 0)
                goto end;
        s->cursor = (uint64_t)last;
        for (size_t i = 0; i < entity_count; i++)
                if (entity_synced(entity_defs[i]) &&
                    copy_table(mem, entity_defs[i], scope, &s->rows, e) != 0)
                        goto end;
        rc = 0;
end:
        if (db_exec(mem, rc == 0 ? "COMMIT" : "ROLLBACK", rc == 0 ? e : NULL) != 0)
                rc = -1;
        if (rc == 0 && (s->data = sqlite3_serialize(mem, "main", &len, 0)) == NULL)
                rc = err_set(e, RB_EXHAUSTED, NULL, _("out of memory"));
        s->len = (size_t)len;
out:
        /* Every statement is finalized: nothing keeps the database open. */
        if (sqlite3_close(mem) != SQLITE_OK && rc == 0) {
                sqlite3_free(s->data);
                s->data = NULL;
                rc = err_set(e, RB_INTERNAL, NULL, "snapshot: close: %s", sqlite3_errmsg(mem));
        }
        return rc;
}
