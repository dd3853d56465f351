/*
 * audit_redact.c - an answer leaves the audit log, its proof stays. A
 * record's hash covers its snapshot only by the snapshot's digest
 * (audit_hash.c), so keeping the digest in place of the snapshot
 * keeps the chain whole while no copy of the answer, or of the NIP beside
 * it, stays on disk (secure_delete, common/db.c).
 */
#include "audit_redact.h"
#include "db.h"
#include "digest.h"
#include "entity.h"

static const char SQL_KEPT[] =
    "SELECT n, data FROM audit WHERE entity = ?1 AND data IS NOT NULL ORDER BY n";
static const char SQL_REDACT[] = "UPDATE audit SET data = NULL, digest = ?2 WHERE n = ?1";

/* Redacts the records of entity d; their count, or -1 with e. */
static long redact_entity(sqlite3 *db, const struct entity_def *d, struct rb_err *e)
{
        sqlite3_stmt *st = db_prepare(db, SQL_KEPT, e), *up = NULL;
        char dh[DIGEST_HEX];
        long n = 0;
        int step = -1;

        if (st == NULL || (up = db_prepare(db, SQL_REDACT, e)) == NULL) {
                sqlite3_finalize(st);
                return -1;
        }
        db_bind_text(st, 1, d->name);
        while ((step = db_step(db, st, e)) > 0) {
                digest_sha256_hex(sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1),
                                  dh);
                sqlite3_bind_int64(up, 1, sqlite3_column_int64(st, 0));
                sqlite3_bind_text(up, 2, dh, -1, SQLITE_STATIC);
                if (db_run(db, up, e) != 0) {
                        step = -1;
                        break;
                }
                n++;
        }
        sqlite3_finalize(up);
        sqlite3_finalize(st);
        return step < 0 ? -1 : n;
}

long audit_redact_private(sqlite3 *db, struct rb_err *e)
{
        long total = 0, n;

        for (size_t i = 0; i < entity_count; i++) {
                if (!entity_private(entity_defs[i]))
                        continue;
                if ((n = redact_entity(db, entity_defs[i], e)) < 0)
                        return -1;
                total += n;
        }
        return total;
}
