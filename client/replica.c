/*
 * replica.c - the client's schema and its numbered migrations.
 */
#include "replica.h"
#include "db.h"

static const char *const migrations[] = {
    /* 1: settings (server address, principal seen at setup) */
    "CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT);",
};

int replica_migrate(sqlite3 *db, struct rb_err *e)
{
        return db_migrate(db, migrations, (int)(sizeof(migrations) / sizeof(migrations[0])), e);
}
