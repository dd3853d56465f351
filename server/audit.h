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

/* Appends a record for the change just written (cx->seq); data NULL for a
 * tombstone. The new head is kept in cx until audit_store. */
int audit_append(struct apply_ctx *cx, const char *entity, const char *id, const uint8_t *data,
                 size_t len);
/* Writes the head of the chain, followed in cx since the transaction began,
 * to meta (once per transaction, before COMMIT). 0, or -1 and e. */
int audit_store(struct apply_ctx *cx, struct rb_err *e);
/* Walks the chain. Returns the number of bad records (0: intact) and prints
 * each one on stderr; -1 and e if the log cannot be read. */
long audit_verify(sqlite3 *db, long *checked, struct rb_err *e);

#endif
