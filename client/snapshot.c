/*
 * snapshot.c - a first sync copied whole (docs/sync.md, "A first sync";
 * decision 164). An empty replica asks the server for a replica snapshot:
 * the rows a pull from 0 would leave here, as a SQLite database of this
 * replica's own tables, in parts of one frame each. The parts are put
 * together in memory, the database is attached read-only, its tables are
 * checked against the ones this replica builds (the same catalogue code,
 * common/replica_ddl.c), and each table is copied by one INSERT ... SELECT *
 * (SQLite copies the b-tree records as they are) in one transaction with
 * the snapshot's cursor: the copy is whole or not at all. The sync then
 * pulls on from that cursor page by page.
 *
 * A copy cut on the way (a dropped link, Ctrl-C) keeps nothing, so the
 * next sync of the replica pulls page by page, which keeps every page it
 * gets: a link that keeps dropping still gets there.
 */
#include "snapshot.h"
#include "db.h"
#include "i18n.h"
#include "interrupt.h"
#include "replica_ddl.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

/* Set while a copy is on its way; a replica that has it pulls by pages. */
#define SNAPSHOT_CUT "snapshot_cut"

/* What the parts received so far say of the whole. */
struct copy {
        unsigned char *buf; /* sqlite3_malloc'd, bytes long */
        uint64_t bytes, got, cursor, rows;
        uint32_t parts;
};

/* Sends a Snapshot request for part; its id in *id. */
static int part_ask(struct net *n, uint32_t part, uint64_t *id, struct rb_err *e)
{
        Renbin__Request req = RENBIN__REQUEST__INIT;
        Renbin__Snapshot s = RENBIN__SNAPSHOT__INIT;
        char layout[24];

        replica_layout(layout);
        s.layout = layout;
        s.part = part;
        req.call_case = RENBIN__REQUEST__CALL_SNAPSHOT;
        req.snapshot = &s;
        if (net_send(n, &req, e) != 0)
                return -1;
        *id = req.id;
        return 0;
}

/* A part that does not continue what came before. */
static int part_bad(struct rb_err *e, uint32_t part)
{
        return err_set(e, RB_INTERNAL, NULL,
                       _("the server sent part %u of a replica copy that does not fit the "
                         "others"),
                       (unsigned)part);
}

/* Takes part (1..) into c; the first sizes it. 0, or -1 with e. */
static int part_take(struct copy *c, const Renbin__SnapshotReply *r, uint32_t part,
                     struct rb_err *e)
{
        if (r == NULL || r->part != part)
                return part_bad(e, part);
        if (part == 1) {
                if (r->parts == 0 || r->bytes == 0 || r->bytes > (uint64_t)1 << 40 ||
                    (c->buf = sqlite3_malloc64(r->bytes)) == NULL)
                        return r->parts == 0 || r->bytes == 0
                                   ? part_bad(e, part)
                                   : err_set(e, RB_EXHAUSTED, NULL,
                                             _("no memory for a replica copy of %llu bytes"),
                                             (unsigned long long)r->bytes);
                c->bytes = r->bytes;
                c->parts = r->parts;
                c->cursor = r->cursor;
                c->rows = r->rows;
        }
        if (r->parts != c->parts || r->bytes != c->bytes || r->cursor != c->cursor ||
            r->rows != c->rows || r->data.len > c->bytes - c->got ||
            (part == c->parts && c->got + r->data.len != c->bytes))
                return part_bad(e, part);
        memcpy(c->buf + c->got, r->data.data, r->data.len);
        c->got += r->data.len;
        return 0;
}

/* The snapshot attached as "snap" holds exactly the synced tables, each
 * as this replica builds it. 0, or -1 with e. */
static int snap_check(sqlite3 *db, struct rb_err *e)
{
        static const char count_sql[] =
            "SELECT count(*) FROM snap.sqlite_schema WHERE type != 'index'";
        sqlite3_stmt *st;
        long long n = 0, want = 0;
        char sql[4096];
        int rc = 0;

        if ((st = db_stmt(db,
                          "SELECT sql FROM snap.sqlite_schema WHERE type = 'table'"
                          " AND name = ?1",
                          e)) == NULL)
                return -1;
        for (size_t i = 0; i < entity_count && rc == 0; i++) {
                const struct entity_def *d = entity_defs[i];
                size_t off = 0;

                if (!entity_synced(d))
                        continue;
                want++;
                replica_table_sql(d, sql, sizeof(sql), &off);
                sqlite3_bind_text(st, 1, d->table, -1, SQLITE_STATIC);
                if ((rc = db_step(db, st, e)) > 0)
                        rc = strcmp(db_col_text(st, 0), sql) == 0 ? 0 : 1;
                else if (rc == 0)
                        rc = 1;
                sqlite3_reset(st);
                if (rc > 0)
                        rc = err_set(e, RB_INTERNAL, NULL,
                                     _("the server's replica copy has no table %s as this "
                                       "replica keeps it"),
                                     d->table);
        }
        if (rc == 0 && db_value(db, count_sql, NULL, &n, e) < 0)
                return -1;
        if (rc == 0 && n != want)
                rc = err_set(e, RB_INTERNAL, NULL,
                             _("the server's replica copy holds %lld tables, not %lld"), n, want);
        return rc;
}

/* Copies every synced table of "snap" into the replica with the cursor,
 * in one transaction; *rows: the rows copied. 0, or -1 with e. */
static int snap_copy(struct cli *cli, const struct copy *c, struct rb_err *e)
{
        sqlite3 *db = cli->db;
        long long copied = 0;
        char sql[256], cursor[32];

        /* Deferred: BEGIN IMMEDIATE (db_begin) would lock the read-only
         * snapshot for writing too, and fail. */
        if (db_exec(db, "BEGIN", e) != 0)
                return -1;
        for (size_t i = 0; i < entity_count; i++) {
                const struct entity_def *d = entity_defs[i];

                if (!entity_synced(d))
                        continue;
                /* Into an empty table from one of the same layout: SQLite
                 * copies the records as they are (its transfer optimisation). */
                snprintf(sql, sizeof(sql),
                         "DELETE FROM main.%s; INSERT INTO main.%s SELECT * FROM snap.%s;",
                         d->table, d->table, d->table);
                if (db_exec(db, sql, e) != 0)
                        goto fail;
                copied += sqlite3_changes64(db);
        }
        if (copied != (long long)c->rows) {
                err_set(e, RB_INTERNAL, NULL,
                        _("the server's replica copy holds %lld rows, not the %llu it said"),
                        copied, (unsigned long long)c->rows);
                goto fail;
        }
        snprintf(cursor, sizeof(cursor), "%llu", (unsigned long long)c->cursor);
        if (cli_set(cli, "cursor", cursor, e) != 0 || cli_set(cli, "pull_remaining", "0", e) != 0 ||
            cli_set(cli, SNAPSHOT_CUT, "0", e) != 0)
                goto fail;
        return db_commit(db, e);
fail:
        db_rollback(db);
        return -1;
}

/* Attaches the received database as "snap", checks it and copies it in;
 * c->buf is SQLite's from here. 0, or -1 with e. */
static int snap_apply(struct cli *cli, struct copy *c, struct rb_err *e)
{
        sqlite3 *db = cli->db;
        int rc;

        if (db_exec(db, "ATTACH ':memory:' AS snap", e) != 0)
                return -1;
        rc = sqlite3_deserialize(db, "snap", c->buf, (sqlite3_int64)c->bytes,
                                 (sqlite3_int64)c->bytes,
                                 SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
        c->buf = NULL; /* freed by SQLite, even when that failed */
        if (rc != SQLITE_OK)
                rc = err_set(e, RB_INTERNAL, NULL, _("cannot read the server's replica copy: %s"),
                             sqlite3_errstr(rc));
        else if ((rc = snap_check(db, e)) == 0)
                rc = snap_copy(cli, c, e);
        if (db_exec(db, "DETACH snap", rc != 0 ? NULL : e) != 0)
                rc = -1;
        return rc;
}

int snapshot_pull(struct cli *cli, struct net *n, snapshot_progress_fn progress, void *arg,
                  uint64_t *rows, struct rb_err *e)
{
        struct copy c = {0};
        char cut[8] = "";
        uint64_t id, next = 0;
        int rc = 0;

        *rows = 0;
        if (cli_setting(cli, SNAPSHOT_CUT, cut, sizeof(cut), e) < 0)
                return -1;
        if (strcmp(cut, "1") == 0)
                return 1; /* the last copy was cut: pages, which are kept */
        if (cli_set(cli, SNAPSHOT_CUT, "1", e) != 0 || part_ask(n, 1, &id, e) != 0)
                return interrupt_seen() ? 2 : -1;
        for (uint32_t part = 1; rc == 0; part++) {
                Renbin__Response *resp = NULL;

                rc = net_wait(n, id, &resp, e);
                if (rc != 0 && resp != NULL && part == 1) {
                        /* Answered: an older server, another layout, a busy
                         * one. The pages give the same rows. */
                        renbin__response__free_unpacked(resp, NULL);
                        return cli_set(cli, SNAPSHOT_CUT, "0", e) != 0 ? -1 : 1;
                }
                if (rc == 0 && (rc = part_take(&c, resp->snapshot, part, e)) == 0 &&
                    part < c.parts && !interrupt_seen())
                        rc = part_ask(n, part + 1, &next, e); /* asked ahead, as pages are */
                if (resp != NULL)
                        renbin__response__free_unpacked(resp, NULL);
                if (rc != 0 || interrupt_seen())
                        break;
                progress(arg, c.got, c.bytes, c.rows);
                if (part == c.parts) {
                        rc = snap_apply(cli, &c, e);
                        break;
                }
                id = next;
        }
        sqlite3_free(c.buf);
        if (interrupt_seen())
                return 2;
        if (rc == 0)
                *rows = c.rows;
        return rc;
}

int snapshot_done(struct cli *cli, struct rb_err *e)
{
        return cli_set(cli, SNAPSHOT_CUT, "0", e);
}
