/*
 * replica.c - the client's schema. Static tables come from numbered
 * migrations; the entity tables are made from the catalogue, so a replica of
 * an older catalogue is rebuilt and pulled again from scratch (the outbox is
 * kept: nothing typed is lost).
 */
#include "replica.h"
#include "db.h"
#include "i18n.h"
#include "outbox_schema.h"
#include "replica_ddl.h"
#include "strbuf.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const migrations[] = {
    /* 1: settings (server address, principal, cursor, last sync) */
    "CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT);",
    /* 2: the outbox: every local write, in order, until the server answers
     * (its schema is the outbox's own, client/outbox.c) */
    outbox_schema,
    /* 3: reports as the server last made them, for reading offline */
    /* One statement on two lines: the parentheses tell clang the join is meant. */
    ("CREATE TABLE report_cache(key TEXT PRIMARY KEY, json TEXT NOT NULL,"
     "  generated_at INTEGER NOT NULL);"),
    /* 4: rejected ops a person has read can be dismissed from status (kept) */
    outbox_schema_dismissed,
    /* 5: a rejected op retried names its corrected copy; ops wait on the
     * create of their row (outbox_open_ops) */
    outbox_schema_retried,
    /* 6: done questionnaires keep no answer (docs/privacy.md) */
    outbox_schema_blank_answers,
};

/* Per-entity SQL, built from the catalogue when a sync first applies a
 * change of the entity (a command that applies none builds none). */
static struct {
        char *upsert;
        char *drop;
} sql[32];

/* Builds the entity's upsert and delete statements, once: 0, or -1 with e. */
static int build_sql(size_t i, struct rb_err *e)
{
        if (sql[i].upsert != NULL)
                return 0; /* before the buffers below: every applied row calls this */
        const struct entity_def *d = entity_defs[i];
        char cols[1024] = "", vals[1024] = "", sets[2048] = "";
        size_t oc = 0, ov = 0, os = 0;

        for (size_t f = 0; f < d->nfields; f++) {
                str_appendf(cols, sizeof(cols), &oc, ", %s", d->fields[f].name);
                str_appendf(vals, sizeof(vals), &ov, ", ?%zu", f + 3);
                str_appendf(sets, sizeof(sets), &os, ", %s = excluded.%s", d->fields[f].name,
                            d->fields[f].name);
        }
        sql[i].upsert = sqlite3_mprintf("INSERT INTO %s(id, seq%s) VALUES(?1, ?2%s)"
                                        " ON CONFLICT(id) DO UPDATE SET seq = excluded.seq%s",
                                        d->table, cols, vals, sets);
        sql[i].drop = sqlite3_mprintf("DELETE FROM %s WHERE id = ?1", d->table);
        if (sql[i].upsert == NULL || sql[i].drop == NULL) {
                sqlite3_free(sql[i].upsert);
                sqlite3_free(sql[i].drop);
                sql[i].upsert = sql[i].drop = NULL;
                return err_set(e, RB_INTERNAL, NULL, "%s: out of memory", d->table);
        }
        return 0;
}

/* Creates the entity tables from the catalogue (dropping old ones first).
 * A server-only entity has no table here: an older replica's is dropped, so
 * no answer stays on an office's disk (docs/privacy.md). */
static int build_tables(sqlite3 *db, struct rb_err *e)
{
        for (size_t i = 0; i < entity_count; i++) {
                const struct entity_def *d = entity_defs[i];
                char ddl[4096];
                size_t off = 0;
                int rc;

                str_appendf(ddl, sizeof(ddl), &off, "DROP TABLE IF EXISTS %s;", d->table);
                if (!entity_synced(d)) {
                        if ((rc = db_exec(db, ddl, e)) != 0)
                                return rc;
                        continue;
                }
                replica_table_sql(d, ddl, sizeof(ddl), &off);
                str_appendf(ddl, sizeof(ddl), &off, "; ");
                replica_key_index_sql(d, ddl, sizeof(ddl), &off);
                if ((rc = db_exec(db, ddl, e)) != 0)
                        return rc;
        }
        return 0;
}

static const char SQL_CATALOG_SAME[] = "SELECT value = ?1 FROM settings WHERE key = 'catalog'";

int replica_schema(sqlite3 *db, struct rb_err *e)
{
        return db_migrate(db, migrations, (int)(sizeof(migrations) / sizeof(migrations[0])), e);
}

int replica_migrate(sqlite3 *db, struct rb_err *e)
{
        char want[24];
        long long same = 0;
        int rc;

        if (replica_schema(db, e) != 0)
                return -1;
        /* The catalogue's version and the layout of the tables built from it
         * (2: WITHOUT ROWID): either changed, the tables are rebuilt. */
        replica_layout(want);
        /* A version that cannot be read must not rebuild (and empty) the tables. */
        if ((rc = db_value(db, SQL_CATALOG_SAME, want, &same, e)) < 0)
                return -1;
        if (rc > 0 && same == 1)
                return 0;
        if (db_begin(db, e) != 0)
                return -1;
        if (build_tables(db, e) != 0 ||
            db_exec(db, "INSERT OR REPLACE INTO settings(key, value) VALUES('cursor', '0');", e) ||
            db_exec(db, "DELETE FROM settings WHERE key = 'catalog';", e)) {
                db_rollback(db);
                return -1;
        }
        char ins[96];
        snprintf(ins, sizeof(ins), "INSERT INTO settings(key, value) VALUES('catalog', '%s');",
                 want);
        if (db_exec(db, ins, e) != 0) {
                db_rollback(db);
                return -1;
        }
        return db_commit(db, e);
}

int replica_reset(sqlite3 *db, struct rb_err *e)
{
        char q[256];

        for (size_t i = 0; i < entity_count; i++) {
                if (!entity_synced(entity_defs[i]))
                        continue;
                snprintf(q, sizeof(q), "DELETE FROM %s;", entity_defs[i]->table);
                if (db_exec(db, q, e) != 0)
                        return -1;
        }
        return db_exec(db, "UPDATE settings SET value = '0' WHERE key = 'cursor';", e);
}

/* Runs, for every synced entity, the DDL that fill writes of its key index,
 * all in one transaction. */
static int key_indexes(sqlite3 *db,
                       void (*fill)(const struct entity_def *, char *, size_t, size_t *),
                       struct rb_err *e)
{
        char ddl[8192];
        size_t off = 0;

        for (size_t i = 0; i < entity_count; i++)
                if (entity_synced(entity_defs[i]))
                        fill(entity_defs[i], ddl, sizeof(ddl), &off);
        if (db_begin(db, e) != 0)
                return -1;
        if (db_exec(db, ddl, e) != 0) {
                db_rollback(db);
                return -1;
        }
        return db_commit(db, e);
}

/* Appends the DDL that drops d's key index to buf at *off. */
static void key_drop_sql(const struct entity_def *d, char *buf, size_t len, size_t *off)
{
        str_appendf(buf, len, off, "DROP INDEX IF EXISTS %s_key;", d->table);
}

int replica_keys_drop(sqlite3 *db, struct rb_err *e)
{
        return key_indexes(db, key_drop_sql, e);
}

int replica_keys_build(sqlite3 *db, struct rb_err *e)
{
        return key_indexes(db, replica_key_index_sql, e);
}

/* The catalogue index of entity name, or entity_count. A page is mostly one
 * entity, so the last one found is tried first. */
static size_t entity_index(const char *name)
{
        static size_t last;

        if (last < entity_count && strcmp(entity_defs[last]->name, name) == 0)
                return last;
        for (size_t i = 0; i < entity_count; i++)
                if (strcmp(entity_defs[i]->name, name) == 0)
                        return last = i;
        return entity_count;
}

/* The column of field name in d, or d->nfields; hint is where it usually
 * is (the server sends fields in catalogue order). */
static size_t field_index(const struct entity_def *d, const char *name, size_t hint)
{
        if (hint < d->nfields && strcmp(d->fields[hint].name, name) == 0)
                return hint;
        for (size_t k = 0; k < d->nfields; k++)
                if (strcmp(d->fields[k].name, name) == 0)
                        return k;
        return d->nfields;
}

int replica_apply(sqlite3 *db, const Renbin__Change *c, struct rb_err *e)
{
        size_t i = entity_index(c->entity), hint = 0;
        const struct entity_def *d;
        sqlite3_stmt *st;

        if (i == entity_count || !entity_synced(entity_defs[i]))
                return 0; /* an entity this client does not know yet, or keeps no rows of */
        /* Statements prepared once and kept (db_stmt): bound, stepped, reset. */
        if (build_sql(i, e) != 0 ||
            (st = db_stmt(db, c->deleted ? sql[i].drop : sql[i].upsert, e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, c->entity_id, -1, SQLITE_STATIC);
        if (c->deleted)
                return db_run(db, st, e);
        d = entity_defs[i];
        sqlite3_bind_int64(st, 2, (sqlite3_int64)c->seq);
        for (size_t f = 0; f < c->n_fields; f++) {
                size_t k = field_index(d, c->fields[f]->name, hint);
                if (k == d->nfields)
                        continue;
                hint = k + 1;
                if (d->fields[k].type == F_INT)
                        sqlite3_bind_int64(st, (int)k + 3, strtoll(c->fields[f]->value, NULL, 10));
                else
                        sqlite3_bind_text(st, (int)k + 3, c->fields[f]->value, -1, SQLITE_STATIC);
        }
        return db_run(db, st, e);
}

int replica_plan_year(sqlite3 *db, char year[24], struct rb_err *e)
{
        sqlite3_stmt *st = db_stmt(db, "SELECT ifnull(max(year), 0) FROM plans", e);
        char today[11];
        long long y = 0;
        int rc;

        if (st == NULL)
                return -1;
        if ((rc = db_step(db, st, e)) > 0)
                y = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        if (rc < 0)
                return -1;
        if (y <= 0) {
                date_today(today);
                y = strtoll(today, NULL, 10) + 1;
        }
        snprintf(year, 24, "%lld", y);
        return 0;
}
