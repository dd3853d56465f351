/*
 * store.c - server schema and its numbered migrations. A migration, once
 * released, is never edited: changes go into a new entry at the end.
 */
#include "store.h"
#include "db.h"
#include "fsutil.h"
#include "i18n.h"

#include <stdio.h>

static const char *const migrations[] = {
    /* 1: certificates issued by the CA */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE certs("
    "  serial TEXT PRIMARY KEY,"
    "  unit TEXT NOT NULL,"
    "  role TEXT NOT NULL CHECK(role IN ('hr','unit','auditor')),"
    "  issued_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  revoked_at INTEGER);",
};

sqlite3 *store_open(const char *data, int create, struct rb_err *e)
{
        char path[4096];
        sqlite3 *db;

        if (fs_join(path, sizeof(path), data, STORE_FILE) != 0) {
                err_set(e, RB_INVALID, "data", _("path too long: %s"), data);
                return NULL;
        }
        if (!create && !fs_exists(path)) {
                err_set(e, RB_PRECONDITION, "data",
                        _("%s is not a renbin data folder (run renbind init --data %s)"), data,
                        data);
                return NULL;
        }
        if ((db = db_open(path, create, e)) == NULL)
                return NULL;
        if (db_migrate(db, migrations, (int)(sizeof(migrations) / sizeof(migrations[0])), e)) {
                sqlite3_close(db);
                return NULL;
        }
        return db;
}

int store_cert_revoked(sqlite3 *db, const char *serial)
{
        return db_int(db, "SELECT revoked_at IS NOT NULL FROM certs WHERE serial = ?1", serial,
                      0) != 0;
}
