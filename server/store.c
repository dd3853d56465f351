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

    /* 2: the plan's first half (issue: roster, programs, enrollments), the
     * change feed, ops applied at most once, rejected ops, the audit chain */
    "CREATE TABLE units("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, kind TEXT NOT NULL,"
    "  active INTEGER NOT NULL DEFAULT 1);"
    "CREATE TABLE asn("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  nip TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
    "  unit TEXT NOT NULL REFERENCES units(code),"
    "  jabatan TEXT, golongan TEXT, tmt TEXT NOT NULL, birth_date TEXT NOT NULL,"
    "  sex INTEGER NOT NULL CHECK(sex IN (1, 2)), active INTEGER NOT NULL DEFAULT 1);"
    "CREATE INDEX asn_unit ON asn(unit);"
    "CREATE TABLE competencies("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, type TEXT NOT NULL);"
    "CREATE TABLE plans("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  year INTEGER NOT NULL UNIQUE, title TEXT NOT NULL,"
    "  status TEXT NOT NULL DEFAULT 'draft' CHECK(status IN ('draft', 'approved')));"
    "CREATE TABLE programs("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  code TEXT NOT NULL UNIQUE, plan_year INTEGER NOT NULL REFERENCES plans(year),"
    "  title TEXT NOT NULL, method TEXT NOT NULL,"
    "  competency TEXT REFERENCES competencies(code),"
    "  partner TEXT, speaker TEXT, start_date TEXT NOT NULL, end_date TEXT NOT NULL,"
    "  jp INTEGER NOT NULL CHECK(jp > 0), capacity INTEGER NOT NULL CHECK(capacity > 0),"
    "  enrolled INTEGER NOT NULL DEFAULT 0 CHECK(enrolled BETWEEN 0 AND capacity));"
    "CREATE TABLE enrollments("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  program TEXT NOT NULL REFERENCES programs(code),"
    "  nip TEXT NOT NULL REFERENCES asn(nip), unit TEXT NOT NULL,"
    "  status TEXT NOT NULL, jp INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX enrollments_one ON enrollments(program, nip) WHERE status != 'batal';"
    "CREATE INDEX enrollments_nip ON enrollments(nip);"
    /* The change feed holds the latest change of each row per owning unit:
     * a row that moves to another unit leaves a tombstone for the old one. */
    "CREATE TABLE changes("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT, entity TEXT NOT NULL, entity_id TEXT NOT NULL,"
    "  scope TEXT, deleted INTEGER NOT NULL DEFAULT 0, at INTEGER NOT NULL, data BLOB);"
    "CREATE UNIQUE INDEX changes_row ON changes(entity_id, ifnull(scope, ''));"
    "CREATE TABLE ops("
    "  op_id TEXT PRIMARY KEY, unit TEXT NOT NULL, role TEXT NOT NULL,"
    "  entity TEXT NOT NULL, entity_id TEXT NOT NULL, action TEXT NOT NULL,"
    "  received_at INTEGER NOT NULL, code INTEGER NOT NULL, message TEXT, field TEXT,"
    "  seq INTEGER NOT NULL DEFAULT 0, detail TEXT) WITHOUT ROWID;"
    "CREATE TABLE conflicts("
    "  op_id TEXT PRIMARY KEY, at INTEGER NOT NULL, unit TEXT NOT NULL, role TEXT NOT NULL,"
    "  entity TEXT NOT NULL, entity_id TEXT NOT NULL, action TEXT NOT NULL,"
    "  fields TEXT NOT NULL, code INTEGER NOT NULL, message TEXT NOT NULL, field TEXT);"
    "CREATE TABLE audit("
    "  n INTEGER PRIMARY KEY, at INTEGER NOT NULL, unit TEXT NOT NULL, role TEXT NOT NULL,"
    "  op_id TEXT, entity TEXT NOT NULL, entity_id TEXT NOT NULL, action TEXT NOT NULL,"
    "  seq INTEGER NOT NULL, data BLOB, prev TEXT NOT NULL, hash TEXT NOT NULL);"
    "INSERT INTO meta(key, value) VALUES('jp_minutes', '45'), ('tombstone_days', '90'),"
    "  ('purged_seq', '0');",
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
                db_close(db);
                return NULL;
        }
        return db;
}

int store_unit_exists(sqlite3 *db, const char *code)
{
        return db_int(db, "SELECT count(*) FROM units WHERE code = ?1", code, 0) > 0;
}

int store_unit_active(sqlite3 *db, const char *code)
{
        return db_int(db, "SELECT active FROM units WHERE code = ?1", code, 0) == 1;
}

const char *store_meta(sqlite3 *db, const char *key, char *buf, size_t len)
{
        sqlite3_stmt *st = db_stmt(db, "SELECT value FROM meta WHERE key = ?1", NULL);

        if (st == NULL)
                return NULL;
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_ROW) {
                sqlite3_reset(st);
                return NULL;
        }
        snprintf(buf, len, "%s", db_col_text(st, 0));
        sqlite3_reset(st);
        return buf;
}

int store_meta_set(sqlite3 *db, const char *key, const char *value, struct rb_err *e)
{
        sqlite3_stmt *st = db_stmt(db,
                                   "INSERT INTO meta(key, value) VALUES(?1, ?2)"
                                   " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                                   e);
        int rc;

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0
                                             : err_set(e, RB_INTERNAL, NULL, "meta %s: %s", key,
                                                       sqlite3_errmsg(db));
        sqlite3_reset(st);
        return rc;
}

int store_cert_revoked(sqlite3 *db, const char *serial)
{
        return db_int(db, "SELECT revoked_at IS NOT NULL FROM certs WHERE serial = ?1", serial,
                      0) != 0;
}
