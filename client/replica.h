/*
 * replica.h - the client's local database: settings, one table per synced
 * entity (built from common/entity.c), the outbox of ops waiting for the
 * server, and the pull cursor. Reads work offline from here.
 */
#ifndef RENBIN_REPLICA_H
#define RENBIN_REPLICA_H

#include <sqlite3.h>

#include "entity.h"
#include "err.h"
#include "renbin.pb-c.h"

/* Creates or upgrades the replica schema; rebuilds the entity tables (and
 * resets the cursor) when the catalogue changed. */
int replica_migrate(sqlite3 *db, struct rb_err *e);
/* Creates or upgrades the replica's own tables (settings, outbox, report
 * cache: its numbered migrations), not the entity tables. */
int replica_schema(sqlite3 *db, struct rb_err *e);
/* Applies one pulled change (upsert or delete). */
int replica_apply(sqlite3 *db, const Renbin__Change *c, struct rb_err *e);
/* A pull from scratch fills the entity tables faster without their key
 * indexes, and builds each once at the end (a sort, not an insert per
 * row): drop them before the first page, build them after the last. The
 * indexes only speed reads up; one missing (a sync killed on the way) is
 * built by the next sync's end. 0, or -1 with e. */
int replica_keys_drop(sqlite3 *db, struct rb_err *e);
/* Builds the key indexes that are missing (none: nothing to do). */
int replica_keys_build(sqlite3 *db, struct rb_err *e);
/* Empties every entity table and resets the cursor (a resync from scratch). */
int replica_reset(sqlite3 *db, struct rb_err *e);

/* The year a need is for when none is given: the newest plan's in the
 * replica, else next year (WIB). Written into year; 0, or -1 with e. */
int replica_plan_year(sqlite3 *db, char year[24], struct rb_err *e);

#endif
