/*
 * replica_ddl.c - the replica's entity tables from the catalogue
 * (replica_ddl.h).
 */
#include "replica_ddl.h"
#include "strbuf.h"

#include <stdio.h>

void replica_layout(char out[24])
{
        snprintf(out, 24, "%lu/%d", entity_catalog_version(), REPLICA_LAYOUT);
}

void replica_table_sql(const struct entity_def *d, char *buf, size_t len, size_t *off)
{
        str_appendf(buf, len, off, "CREATE TABLE %s(id TEXT PRIMARY KEY, seq INTEGER NOT NULL",
                    d->table);
        for (size_t f = 0; f < d->nfields; f++)
                str_appendf(buf, len, off, ", %s %s", d->fields[f].name,
                            d->fields[f].type == F_INT ? "INTEGER" : "TEXT");
        /* WITHOUT ROWID: the row lives in its id's b-tree, so a pulled row is
         * one b-tree insert (and its key index), not three. */
        str_appendf(buf, len, off, ") WITHOUT ROWID");
}

void replica_key_index_sql(const struct entity_def *d, char *buf, size_t len, size_t *off)
{
        str_appendf(buf, len, off, "CREATE INDEX IF NOT EXISTS %s_key ON %s(%s);", d->table,
                    d->table, d->fields[0].name);
}
