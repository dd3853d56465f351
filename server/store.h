/*
 * store.h - the server's database: opening it with its schema migrations,
 * and the few lookups that several modules share (units, meta, certificates).
 * Domain queries live with the code that runs them: the entity handlers
 * (e_*.c), the call handlers (h_*.c) and the reports (report_*.c).
 */
#ifndef RENBIN_STORE_H
#define RENBIN_STORE_H

#include <sqlite3.h>
#include <stddef.h>

#include "err.h"

#define STORE_FILE "renbin.db"

/* store_open's flags. */
enum {
        STORE_CREATE = 1,  /* make the database when there is none */
        STORE_NO_COPY = 2, /* migrate without the before-vN copy (restore: its backup is one) */
};

/* Opens DATA/renbin.db (creating it with STORE_CREATE) and migrates it; an
 * existing database is first backed up to renbin.db.before-vN (N the target
 * version), said in one line on stderr, unless flags has STORE_NO_COPY. */
sqlite3 *store_open(const char *data, int flags, struct rb_err *e);
/* Checks that every column the catalogue (common/entity.h) names, and each
 * synced table's id and seq, exists in the database. 0, or -1 with e: a
 * FAILED_PRECONDITION naming the first missing column and its entity. */
int store_check_catalogue(sqlite3 *db, struct rb_err *e);
/* True if a unit with this code exists and is active; false (and a log line)
 * when the database cannot answer. */
int store_unit_active(sqlite3 *db, const char *code);
/* A meta value copied into buf (returned), or NULL if unset (or unreadable:
 * logged). */
const char *store_meta(sqlite3 *db, const char *key, char *buf, size_t len);
/* Sets a meta value. */
int store_meta_set(sqlite3 *db, const char *key, const char *value, struct rb_err *e);
/* Drops tombstones older than the retention window (meta tombstone_days) and
 * records the newest dropped sequence as purged_seq: a client whose cursor is
 * older is told to resync from scratch. */
int store_purge_tombstones(sqlite3 *db, struct rb_err *e);
/* Copies src into the (new, empty) database file at path with SQLite's online
 * backup: 0, or -1 with e (a full disk is RESOURCE_EXHAUSTED). */
int store_backup(sqlite3 *src, const char *path, struct rb_err *e);
/* The schema version this program migrates to. */
int store_target(void);
/* The schema version of DATA/renbin.db (have) and this program's (target),
 * without migrating anything: 0, or -1 with e. */
int store_versions(const char *data, int *have, int *target, struct rb_err *e);
/* The first comment line of migration version (1-based), or "". */
const char *store_migration_note(int version);
/* True if the certificate serial has been revoked (or renewed and its grace
 * period is over, by the expiry clock of common/clock.h), and also when the database
 * cannot say (logged): a certificate is refused rather than let in unchecked. */
int store_cert_revoked(sqlite3 *db, const char *serial);
/* What moves when anyone writes the database: gen[0] is PRAGMA data_version
 * (commits by other processes, e.g. `renbind cert revoke`), gen[1] this
 * connection's total change count. 0, or -1 (logged). */
int store_generation(sqlite3 *db, long long gen[2]);
/* Gives the database a new generation id (meta generation, a UUIDv7): at
 * init, at every restore, and once for a database made before generations.
 * Offices that meet a new one send their acknowledged ops again and resync
 * (docs/sync.md). 0, or -1 with e. */
int store_new_generation(sqlite3 *db, struct rb_err *e);
/* The SQL of the last change sequence issued, the tables named with prefix
 * ("" or an attached schema's "name."): the highest ever given, kept in
 * meta (migration 16), or a higher row should that lag. */
#define STORE_LAST_SEQ_SQL(prefix)                                                                 \
        "SELECT max(ifnull((SELECT CAST(value AS INTEGER) FROM " prefix "meta"                     \
        " WHERE key = 'feed_seq'), 0), ifnull((SELECT max(seq) FROM " prefix "changes), 0))"
/* The last change sequence this database issued (0 for none) into *seq:
 * 0, or -1 with e. */
int store_last_seq(sqlite3 *db, long long *seq, struct rb_err *e);

#endif
