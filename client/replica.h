/*
 * replica.h - the client's local database: settings, and (from the sync layer)
 * the replicated entities, the outbox of ops and the pull cursor.
 */
#ifndef RENBIN_REPLICA_H
#define RENBIN_REPLICA_H

#include <sqlite3.h>

#include "err.h"

/* Creates or upgrades the replica schema. */
int replica_migrate(sqlite3 *db, struct rb_err *e);

#endif
