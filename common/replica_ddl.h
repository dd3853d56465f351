/*
 * replica_ddl.h - the layout of a replica's entity tables, made from the
 * catalogue: the client builds its replica with it, and the server a
 * replica snapshot (server/snapshot.c) that a first sync copies whole, so
 * both sides write the same tables from one place.
 */
#ifndef RENBIN_REPLICA_DDL_H
#define RENBIN_REPLICA_DDL_H

#include "entity.h"

#include <stddef.h>

/* The version of the tables' layout built from one catalogue (2: WITHOUT
 * ROWID); with the catalogue's version it names a replica's tables. */
#define REPLICA_LAYOUT 2

/* Writes "catalogue-version/layout" (at most 23 characters) into out. */
void replica_layout(char out[24]);
/* Appends the CREATE TABLE statement of d's replica table (no ';') to buf
 * at *off: id, seq and every catalogue field, INTEGER or TEXT. */
void replica_table_sql(const struct entity_def *d, char *buf, size_t len, size_t *off);
/* Appends the DDL of d's key index (its first field) to buf at *off. */
void replica_key_index_sql(const struct entity_def *d, char *buf, size_t len, size_t *off);

#endif
