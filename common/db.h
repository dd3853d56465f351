/*
 * db.h - SQLite helpers shared by the server store and the client replica:
 * opening with the project's pragmas, numbered migrations, transactions.
 */
#ifndef RENBIN_DB_H
#define RENBIN_DB_H

#include <sqlite3.h>

#include "err.h"

/* Opens (creating if create is set) a database in WAL mode with foreign keys
 * on and synchronous=FULL, so a committed transaction survives power loss. */
sqlite3 *db_open(const char *path, int create, struct rb_err *e);
/* A prepared statement for sql kept for reuse, reset and unbound: sql must be
 * a string that lives as long as the program (the cache keys on its address).
 * Do not finalize it; db_close does. NULL and e on failure. */
sqlite3_stmt *db_stmt(sqlite3 *db, const char *sql, struct rb_err *e);
/* Finalizes db's cached statements and closes it. */
void db_close(sqlite3 *db);
/* Runs SQL that returns no rows. */
int db_exec(sqlite3 *db, const char *sql, struct rb_err *e);
/* Applies migrations[user_version..n) each in its own transaction. */
int db_migrate(sqlite3 *db, const char *const *migrations, int n, struct rb_err *e);
/* Prepares a statement; NULL and e on failure. */
sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql, struct rb_err *e);
/* Transaction helpers: BEGIN IMMEDIATE, COMMIT, ROLLBACK. */
int db_begin(sqlite3 *db, struct rb_err *e);
int db_commit(sqlite3 *db, struct rb_err *e);
void db_rollback(sqlite3 *db);
/* Binds text, or NULL when s is NULL. */
int db_bind_text(sqlite3_stmt *st, int i, const char *s);
/* Column text as a C string, "" for NULL. */
const char *db_col_text(sqlite3_stmt *st, int i);
/* Returns one integer from a single-row query with up to one text parameter; def if no row. */
long long db_int(sqlite3 *db, const char *sql, const char *arg, long long def);

#endif
