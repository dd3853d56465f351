/*
 * db.h - SQLite helpers shared by the server store and the client replica:
 * opening with the project's pragmas, numbered migrations, transactions.
 */
#ifndef RENBIN_DB_H
#define RENBIN_DB_H

#include <sqlite3.h>

#include "err.h"

/* The status code for an SQLite result code (primary or extended): a rule of
 * the schema (CONSTRAINT) is INVALID_ARGUMENT, a full disk (FULL)
 * RESOURCE_EXHAUSTED, a database another connection holds (BUSY, LOCKED)
 * UNAVAILABLE, anything else INTERNAL. The one such mapping in the project. */
int db_code(int rc);
/* Fills e with db_code(rc) and a line naming what failed and SQLite's msg
 * (sqlite3_errmsg); returns -1, so callers can `return db_error(...)`. */
int db_error(int rc, const char *msg, const char *what, struct rb_err *e);
/* db_error for a failure rc of a call on db, with SQLite's message for db,
 * where an I/O error that is a full disk (ENOSPC, a quota, a file-size
 * limit) counts as FULL. For calls outside these helpers (online backup). */
int db_error_on(sqlite3 *db, int rc, const char *what, struct rb_err *e);
/* Steps st once: 1 when it yields a row (read it, then step again), 0 when
 * done, -1 with e filled by db_error on failure. It does not reset st. Loop
 * over rows with `while ((rc = db_step(db, st, e)) > 0)` and check rc < 0. */
int db_step(sqlite3 *db, sqlite3_stmt *st, struct rb_err *e);
/* Steps st to completion, discarding any rows, then resets it (keeping its
 * bindings): 0, or -1 with e as db_step sets it. For writes. */
int db_run(sqlite3 *db, sqlite3_stmt *st, struct rb_err *e);
/* Opens (creating if create is set) a database in WAL mode with foreign keys
 * on and synchronous=FULL, so a committed transaction survives power loss. */
sqlite3 *db_open(const char *path, int create, struct rb_err *e);
/* Opens (creating) a database only this process uses while it runs: locked
 * exclusively from the start, so SQLite keeps its WAL index in memory (no
 * -shm file to rebuild), and no checkpoint at close (the WAL is synced at
 * each commit and stays). A second process waits for the busy timeout. */
sqlite3 *db_open_private(const char *path, struct rb_err *e);
/* A prepared statement for sql kept for reuse, reset and unbound: sql must be
 * a string that lives as long as the program (the cache keys on its address).
 * Do not finalize it; db_close does. NULL and e on failure. */
sqlite3_stmt *db_stmt(sqlite3 *db, const char *sql, struct rb_err *e);
/* As db_stmt, but the bindings of its last use are left in place, for a
 * caller that binds every parameter at every use (a NULL one with
 * sqlite3_bind_null): the statements the push path runs for every op,
 * where clearing them first cost 0.2k instructions a statement. */
sqlite3_stmt *db_stmt_bind(sqlite3 *db, const char *sql, struct rb_err *e);
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
/* One integer from a single-row query with up to one text parameter: 1 with
 * *out, 0 when there is no row (*out untouched), -1 with e (the one mapping)
 * when the database cannot answer. The statement is cached (db_stmt): sql must live as long as the
 * program. */
int db_value(sqlite3 *db, const char *sql, const char *arg, long long *out, struct rb_err *e);

#endif
