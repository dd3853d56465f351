/*
 * audit.h - the append-only audit log: one record per change, each holding
 * the SHA-256 of the previous record, so altering or removing any record
 * breaks the chain. `renbind audit verify` walks it.
 */
#ifndef RENBIN_AUDIT_H
#define RENBIN_AUDIT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct apply_ctx;

/* One audit record as it is hashed (audit_hash). */
struct audit_rec {
        long long n, at, seq;
        const char *unit, *role, *serial, *name; /* the seat that made the change */
        const char *op_id, *entity, *id, *action;
        const void *data;   /* the row's snapshot (a packed Change); NULL: a tombstone */
        const char *digest; /* with data NULL: the redacted snapshot's digest (audit_redact) */
        size_t len;
        const char *prev; /* the hash of the record before it */
};

/* The chain's last record as `renbind audit head` signs it. */
struct audit_head {
        long long n;
        char hash[65];
};

/* audit_hash.c: the text a record's hash covers, in buf of AUDIT_TEXT
 * bytes (cut to AUDIT_TEXT - 1, terminated); returns its length. Its format
 * never changes: the logs written before must still verify. */
#define AUDIT_TEXT 1280
size_t audit_hash_text(const struct audit_rec *r, char buf[AUDIT_TEXT]);
/* The hex SHA-256 of a record's text: the previous hash, every column, the
 * data by its digest, and the seat's serial and name when it has them. */
void audit_hash(const struct audit_rec *r, char out[65]);

/* Appends a record for the change just written (cx->seq); data NULL for a
 * tombstone. The new head is kept in cx until audit_store. */
int audit_append(struct apply_ctx *cx, const char *entity, const char *id, const uint8_t *data,
                 size_t len);
/* Writes the head of the chain, followed in cx since the transaction began,
 * to meta (once per transaction, before COMMIT). 0, or -1 and e. */
int audit_store(struct apply_ctx *cx, struct rb_err *e);
/* Walks the chain, and checks that it still holds want (a head saved
 * earlier; NULL: none). Returns the number of bad records (0: intact) and
 * prints each one on stderr; -1 and e if the log cannot be read. */
long audit_verify(sqlite3 *db, const struct audit_head *want, long *checked, struct rb_err *e);

/* audit_data.c: checks the data against the log. Every live row of every
 * catalogue entity equals its last audited snapshot, every row the log
 * holds still exists, and the log is as long as the change feed it records.
 * Returns the differences found (each printed on stderr: entity, id,
 * field), or -1 and e. */
long audit_data_verify(sqlite3 *db, struct rb_err *e);

/* audit_head.c: the chain's last record, signed with the server's key, as
 * JSON in the file out (NULL: stdout). 0, or -1 and e. */
int audit_head_write(sqlite3 *db, const char *data, const char *out, struct rb_err *e);
/* Reads a head written by audit_head_write and checks its signature by a
 * server certificate of this data folder's CA. 0 with *h, or -1 and e
 * (NOT_FOUND: no file; INVALID: not a head or not signed by this server). */
int audit_head_read(const char *data, const char *path, struct audit_head *h, struct rb_err *e);

#endif
