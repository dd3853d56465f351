/*
 * audit.c - the SHA-256 chained audit log. A record's hash covers the previous
 * record's hash and every column of its own, with the change's data by its
 * digest; the last hash is also kept in meta, so removing the newest records
 * is detected too. Within a transaction the head is kept in the apply
 * context and written to meta once, before COMMIT (audit_store).
 */
#include "audit.h"
#include "batch.h"
#include "db.h"
#include "i18n.h"
#include "store.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

static const char SQL_LAST[] = "SELECT hash FROM audit ORDER BY n DESC LIMIT 1";
static const char SQL_APPEND[] =
    "INSERT INTO audit(n, at, unit, role, op_id, entity, entity_id, action, seq, data, prev, hash)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

/* SHA-256, fetched once: EVP_sha256() makes EVP_Digest fetch it on every call. */
static const EVP_MD *sha256_md(void)
{
        static EVP_MD *md;

        if (md == NULL)
                md = EVP_MD_fetch(NULL, "SHA256", NULL);
        return md != NULL ? md : EVP_sha256();
}

/* Hex SHA-256 of len bytes. */
static void sha256_hex(const void *p, size_t len, char out[65])
{
        unsigned char md[32];
        unsigned int n = 0;

        static const char hex[] = "0123456789abcdef";

        EVP_Digest(p, len, md, &n, sha256_md(), NULL);
        for (int i = 0; i < 32; i++) {
                out[2 * i] = hex[md[i] >> 4];
                out[2 * i + 1] = hex[md[i] & 15];
        }
        out[64] = '\0';
}

/* The hash of one record from its columns. */
static void record_hash(const char *prev, long long n, long long at, const char *unit,
                        const char *role, const char *op_id, const char *entity, const char *id,
                        const char *action, long long seq, const void *data, size_t len,
                        char out[65])
{
        char dh[65] = "-", buf[1024];
        int k;

        if (data != NULL)
                sha256_hex(data, len, dh);
        k = snprintf(buf, sizeof(buf), "%s|%lld|%lld|%s|%s|%s|%s|%s|%s|%lld|%s", prev, n, at, unit,
                     role, op_id, entity, id, action, seq, dh);
        sha256_hex(buf, k < (int)sizeof(buf) ? (size_t)k : sizeof(buf) - 1, out);
}

int audit_append(struct apply_ctx *cx, const char *entity, const char *id, const uint8_t *data,
                 size_t len)
{
        sqlite3_stmt *st;
        char *prev = cx->audit_head, hash[65];
        const char *op_id = cx->op ? cx->op->op_id : "";
        const char *action = data == NULL ? "tombstone" : cx->op ? cx->op->action : "";
        long long n;

        /* The head is read once per transaction, then followed in memory. */
        if (prev[0] == '\0') {
                if ((st = db_stmt(cx->db, SQL_LAST, cx->e)) == NULL)
                        return -1;
                int step = db_step(cx->db, st, cx->e);
                snprintf(prev, sizeof(cx->audit_head), "%s",
                         step > 0 ? db_col_text(st, 0) : GENESIS);
                sqlite3_reset(st);
                if (step < 0) {
                        prev[0] = '\0'; /* read it again next time */
                        return -1;
                }
        }
        n = (long long)cx->seq;
        record_hash(prev, n, cx->now, cx->who->unit, cx->who->role, op_id, entity, id, action,
                    (long long)cx->seq, data, len, hash);
        if ((st = db_stmt(cx->db, SQL_APPEND, cx->e)) == NULL)
                return -1;
        sqlite3_bind_int64(st, 1, n);
        sqlite3_bind_int64(st, 2, cx->now);
        sqlite3_bind_text(st, 3, cx->who->unit, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, cx->who->role, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, op_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, entity, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 8, action, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 9, (sqlite3_int64)cx->seq);
        if (data != NULL)
                sqlite3_bind_blob(st, 10, data, (int)len, SQLITE_STATIC);
        sqlite3_bind_text(st, 11, prev, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 12, hash, -1, SQLITE_STATIC);
        if (db_run(cx->db, st, cx->e) != 0)
                return -1;
        memcpy(cx->audit_head, hash, sizeof(hash));
        cx->audit_moved = 1;
        return 0;
}

int audit_store(struct apply_ctx *cx, struct rb_err *e)
{
        if (!cx->audit_moved)
                return 0;
        if (store_meta_set(cx->db, "audit_head", cx->audit_head, e) != 0)
                return -1;
        cx->audit_moved = 0;
        return 0;
}

long audit_verify(sqlite3 *db, long *checked, struct rb_err *e)
{
        sqlite3_stmt *st = db_prepare(db,
                                      "SELECT n, at, unit, role, op_id, entity, entity_id, action,"
                                      " seq, data, prev, hash FROM audit ORDER BY n",
                                      e);
        char prev[65] = GENESIS, hash[65], head[65] = GENESIS;
        long bad = 0;

        *checked = 0;
        if (st == NULL)
                return -1;
        int step;
        while ((step = db_step(db, st, e)) > 0) {
                long long n = sqlite3_column_int64(st, 0);
                record_hash(prev, n, sqlite3_column_int64(st, 1), db_col_text(st, 2),
                            db_col_text(st, 3), db_col_text(st, 4), db_col_text(st, 5),
                            db_col_text(st, 6), db_col_text(st, 7), sqlite3_column_int64(st, 8),
                            sqlite3_column_type(st, 9) == SQLITE_NULL ? NULL
                                                                      : sqlite3_column_blob(st, 9),
                            (size_t)sqlite3_column_bytes(st, 9), hash);
                if (strcmp(prev, db_col_text(st, 10)) != 0) {
                        fprintf(stderr,
                                _("audit record %lld: does not follow the record before "
                                  "it (a record was removed or altered)\n"),
                                n);
                        bad++;
                } else if (strcmp(hash, db_col_text(st, 11)) != 0) {
                        fprintf(stderr, _("audit record %lld: altered (hash mismatch)\n"), n);
                        bad++;
                }
                snprintf(prev, sizeof(prev), "%s", db_col_text(st, 11));
                (*checked)++;
        }
        sqlite3_finalize(st);
        if (step < 0)
                return -1;
        store_meta(db, "audit_head", head, sizeof(head));
        if (strcmp(head, prev) != 0) {
                fprintf(stderr,
                        _("audit log: the newest records were removed (head %.12s... "
                          "not found at the end)\n"),
                        head);
                bad++;
        }
        return bad;
}
