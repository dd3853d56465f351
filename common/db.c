/*
 * db.c - SQLite helpers. Every failure goes through db_error, the one mapping
 * of SQLite's result codes to status codes, and carries SQLite's message.
 * This is the only file that calls sqlite3_step (tests/lint checks it).
 */
#include "db.h"
#include "i18n.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>

int db_code(int rc)
{
        switch (rc & 0xff) {
        case SQLITE_CONSTRAINT:
                return RB_INVALID;
        case SQLITE_FULL:
                return RB_EXHAUSTED;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
                return RB_UNAVAILABLE;
        default:
                return RB_INTERNAL;
        }
}

int db_error(int rc, const char *msg, const char *what, struct rb_err *e)
{
        int code = db_code(rc);

        if (code == RB_INVALID)
                return err_set(e, code, NULL, _("rejected by a database rule (%s): %s"), what, msg);
        if (code == RB_UNAVAILABLE)
                return err_set(e, code, NULL, _("database busy (%s): %s; try again"), what, msg);
        if (code == RB_EXHAUSTED)
                return err_set(e, code, NULL,
                               _("the disk is full: the database cannot be written (%s): %s; "
                                 "free some space and try again"),
                               what, msg);
        return err_set(e, code, NULL, _("database error (%s): %s"), what, msg);
}

/* rc as SQLite returned it on db, except that an I/O failure or a file that
 * cannot be opened because the disk (or a quota, or a file-size limit) is
 * full counts as SQLITE_FULL: on a full disk SQLite often reports the file
 * it could not grow (IOERR_SHMSIZE, IOERR_WRITE), not FULL. */
static int db_rc(sqlite3 *db, int rc)
{
        int sys = db != NULL ? sqlite3_system_errno(db) : 0;

        /* A failed WAL write is reported without its errno (3.40): the
         * write's errno is still the last one set. */
        if (sys == 0 && (rc & 0xff) == SQLITE_IOERR)
                sys = errno;

        if (((rc & 0xff) == SQLITE_IOERR || (rc & 0xff) == SQLITE_CANTOPEN) &&
            (sys == ENOSPC || sys == EDQUOT || sys == EFBIG))
                return SQLITE_FULL;
        return rc;
}

int db_error_on(sqlite3 *db, int rc, const char *what, struct rb_err *e)
{
        return db_error(db_rc(db, rc), db != NULL ? sqlite3_errmsg(db) : "out of memory", what, e);
}

/* Fills e from db's last error. */
static int db_fail(sqlite3 *db, struct rb_err *e, const char *what)
{
        return db_error(db_rc(db, sqlite3_errcode(db)), sqlite3_errmsg(db), what, e);
}

int db_step(sqlite3 *db, sqlite3_stmt *st, struct rb_err *e)
{
        int rc = sqlite3_step(st);

        if (rc == SQLITE_ROW)
                return 1;
        if (rc == SQLITE_DONE)
                return 0;
        return db_error(db_rc(db, rc), sqlite3_errmsg(db), "step", e);
}

int db_run(sqlite3 *db, sqlite3_stmt *st, struct rb_err *e)
{
        int rc;

        while ((rc = db_step(db, st, e)) > 0)
                ;
        sqlite3_reset(st);
        return rc;
}

#define STMT_CACHE 512

/* Prepared statements by (database, SQL address); small and single-threaded. */
static struct {
        sqlite3 *db;
        const char *sql;
        sqlite3_stmt *st;
} cache[STMT_CACHE];

/* The cached statement for sql, reset; its bindings cleared when clear. */
static sqlite3_stmt *stmt_cached(sqlite3 *db, const char *sql, int clear, struct rb_err *e)
{
        size_t h = ((size_t)(uintptr_t)sql >> 3) % STMT_CACHE;

        for (size_t i = 0; i < STMT_CACHE; i++, h = (h + 1) % STMT_CACHE) {
                if (cache[h].db == db && cache[h].sql == sql) {
                        sqlite3_reset(cache[h].st);
                        if (clear)
                                sqlite3_clear_bindings(cache[h].st);
                        return cache[h].st;
                }
                if (cache[h].db == NULL) {
                        sqlite3_stmt *st = db_prepare(db, sql, e);
                        if (st == NULL)
                                return NULL;
                        cache[h].db = db;
                        cache[h].sql = sql;
                        cache[h].st = st;
                        return st;
                }
        }
        err_set(e, RB_INTERNAL, NULL, "statement cache full");
        return NULL;
}

sqlite3_stmt *db_stmt(sqlite3 *db, const char *sql, struct rb_err *e)
{
        return stmt_cached(db, sql, 1, e);
}

sqlite3_stmt *db_stmt_bind(sqlite3 *db, const char *sql, struct rb_err *e)
{
        return stmt_cached(db, sql, 0, e);
}

void db_close(sqlite3 *db)
{
        if (db == NULL)
                return;
        for (size_t i = 0; i < STMT_CACHE; i++) {
                if (cache[i].db != db)
                        continue;
                sqlite3_finalize(cache[i].st);
                cache[i].db = NULL;
                cache[i].sql = NULL;
                cache[i].st = NULL;
        }
        /* Later entries of a probe chain may now be unreachable: rehash them. */
        for (size_t i = 0; i < STMT_CACHE; i++) {
                if (cache[i].db == NULL)
                        continue;
                sqlite3 *d = cache[i].db;
                const char *q = cache[i].sql;
                sqlite3_stmt *st = cache[i].st;
                size_t h = ((size_t)(uintptr_t)q >> 3) % STMT_CACHE;
                cache[i].db = NULL;
                while (cache[h].db != NULL)
                        h = (h + 1) % STMT_CACHE;
                cache[h].db = d;
                cache[h].sql = q;
                cache[h].st = st;
        }
        sqlite3_close(db);
}

/* Opens path with the pragmas every database gets, after first (run before
 * the journal mode is set; may be ""). */
static sqlite3 *open_with(const char *path, int create, const char *first, struct rb_err *e)
{
        sqlite3 *db = NULL;
        int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
        int rc;

        if ((rc = sqlite3_open_v2(path, &db, flags, NULL)) != SQLITE_OK) {
                if (db_rc(db, rc) == SQLITE_FULL)
                        db_fail(db, e, path);
                else
                        err_set(e, RB_PRECONDITION, "database", _("cannot open database %s: %s"),
                                path, db ? sqlite3_errmsg(db) : "out of memory");
                sqlite3_close(db);
                return NULL;
        }
        sqlite3_busy_timeout(db, 5000);
        /* secure_delete: what is deleted or blanked (an old answer's link, a
         * done op's ratings) is overwritten, not left in free pages. */
        if (db_exec(db, first, e) != 0 ||
            db_exec(db,
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                    "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; PRAGMA secure_delete=ON;",
                    e) != 0) {
                sqlite3_close(db);
                return NULL;
        }
        return db;
}

sqlite3 *db_open(const char *path, int create, struct rb_err *e)
{
        return open_with(path, create, "", e);
}

sqlite3 *db_open_private(const char *path, struct rb_err *e)
{
        sqlite3 *db = open_with(path, 1, "PRAGMA locking_mode=EXCLUSIVE;", e);

        /* What is committed is in the WAL, synced: a checkpoint at close
         * would only add two syncs to every command. SQLite still
         * checkpoints when the WAL grows past its limit. */
        if (db != NULL)
                sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
        return db;
}

int db_exec(sqlite3 *db, const char *sql, struct rb_err *e)
{
        char *msg = NULL;

        if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
                db_error(db_rc(db, sqlite3_errcode(db)), msg ? msg : sqlite3_errmsg(db), "exec", e);
                sqlite3_free(msg);
                return -1;
        }
        return 0;
}

int db_migrate(sqlite3 *db, const char *const *migrations, int n, struct rb_err *e)
{
        static const char sql[] = "PRAGMA user_version";
        long long version = 0;
        int have;
        char pragma[64];

        if (db_value(db, sql, NULL, &version, e) < 0)
                return -1;
        have = (int)version;
        if (have > n)
                return err_set(e, RB_PRECONDITION, "database",
                               _("database schema %d is newer than this program (%d)"), have, n);
        for (int v = have; v < n; v++) {
                if (db_begin(db, e) != 0)
                        return -1;
                snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d;", v + 1);
                if (db_exec(db, migrations[v], e) != 0 || db_exec(db, pragma, e) != 0) {
                        db_rollback(db);
                        return -1;
                }
                if (db_commit(db, e) != 0)
                        return -1;
        }
        return 0;
}

sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql, struct rb_err *e)
{
        sqlite3_stmt *st = NULL;

        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
                db_fail(db, e, "prepare");
                return NULL;
        }
        return st;
}

int db_begin(sqlite3 *db, struct rb_err *e)
{
        return db_exec(db, "BEGIN IMMEDIATE", e);
}

int db_commit(sqlite3 *db, struct rb_err *e)
{
        if (db_exec(db, "COMMIT", e) != 0) {
                db_rollback(db);
                return -1;
        }
        return 0;
}

void db_rollback(sqlite3 *db)
{
        if (!sqlite3_get_autocommit(db))
                sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

int db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
        return s == NULL ? sqlite3_bind_null(st, i)
                         : sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

const char *db_col_text(sqlite3_stmt *st, int i)
{
        const unsigned char *s = sqlite3_column_text(st, i);
        return s ? (const char *)s : "";
}

int db_value(sqlite3 *db, const char *sql, const char *arg, long long *out, struct rb_err *e)
{
        sqlite3_stmt *st = db_stmt(db, sql, e);
        int rc;

        if (st == NULL)
                return -1;
        db_bind_text(st, 1, arg);
        if ((rc = db_step(db, st, e)) > 0)
                *out = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return rc;
}
