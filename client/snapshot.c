/*
 * snapshot.c - a first sync copied whole (docs/sync.md, "A first sync";
 * decision 168). An empty replica asks the server for a replica snapshot:
 * the rows a pull from 0 would leave here, as a SQLite database of this
 * replica's own tables and key indexes, in parts of one frame each. The
 * parts are written to a scratch file beside the replica (SNAPSHOT_FILE),
 * which is checked against the tables this replica builds (the
 * same catalogue code, common/replica_ddl.c), given the replica's own
 * tables by its migrations and their rows - settings, outbox, journal,
 * report cache - copied from the replica, with the snapshot's cursor. Only
 * then is the whole file copied into the replica by SQLite's online backup,
 * in one transaction, the replica open and locked throughout: a cut at any
 * point leaves the replica as it was or the new one whole, with nothing
 * typed lost, and another renbin waits for it as for any command. The sync
 * then pulls on from that cursor page by page.
 *
 * A copy cut on the way keeps nothing, so the next sync of the replica
 * pulls page by page, which keeps every page it gets: a link that keeps
 * dropping still gets there.
 */
#include "snapshot.h"
#include "db.h"
#include "i18n.h"
#include "interrupt.h"
#include "replica.h"
#include "replica_ddl.h"

#include <sqlite3.h>
#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Set while a copy is on its way; a replica that has it pulls by pages. */
#define SNAPSHOT_CUT "snapshot_cut"
/* The scratch file a copy is received into, in the home: one name, so that
 * one left by a copy killed on the way is reused or removed (only the
 * renbin holding the replica's lock writes it). */
#define SNAPSHOT_FILE "replica.db.copy"

/* What the parts received so far say of the whole. */
struct copy {
        FILE *f;         /* the scratch file, written part by part */
        char path[4096]; /* its path */
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

/* Creates (or empties) c's scratch file, private, never following a link.
 * 0, or -1 with e. */
static int scratch_open(struct copy *c, struct rb_err *e)
{
        int fd = open(c->path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);

        if (fd < 0 || (c->f = fdopen(fd, "w")) == NULL) {
                int err = errno;

                if (fd >= 0)
                        close(fd);
                return err_set(e, err == ENOSPC ? RB_EXHAUSTED : RB_PRECONDITION, NULL,
                               _("cannot write %s: %s"), c->path, strerror(err));
        }
        return 0;
}

/* Writes part (1..) to c's file; the first says what the whole is. 0, or
 * -1 with e. */
static int part_take(struct copy *c, const Renbin__SnapshotReply *r, uint32_t part,
                     struct rb_err *e)
{
        if (r == NULL || r->part != part || (part == 1 && (r->parts == 0 || r->bytes == 0)))
                return part_bad(e, part);
        if (part == 1) {
                c->bytes = r->bytes;
                c->parts = r->parts;
                c->cursor = r->cursor;
                c->rows = r->rows;
        }
        if (r->parts != c->parts || r->bytes != c->bytes || r->cursor != c->cursor ||
            r->rows != c->rows || r->data.len > c->bytes - c->got ||
            (part == c->parts && c->got + r->data.len != c->bytes))
                return part_bad(e, part);
        if (fwrite(r->data.data, 1, r->data.len, c->f) != r->data.len)
                return err_set(e, RB_EXHAUSTED, NULL, _("cannot write %s: %s"), c->path,
                               strerror(errno));
        c->got += r->data.len;
        return 0;
}

/* The snapshot db holds exactly the synced tables, each as this replica
 * builds it (and indexes). 0, or -1 with e. */
static int snap_check(sqlite3 *db, struct rb_err *e)
{
        static const char count_sql[] = "SELECT count(*) FROM sqlite_schema WHERE type != 'index'";
        sqlite3_stmt *st;
        long long n = 0, want = 0, version = -1;
        char sql[4096];
        int rc = 0;

        if ((st = db_stmt(db,
                          "SELECT sql FROM sqlite_schema WHERE type = 'table'"
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
                if (sqlite3_bind_text(st, 1, d->table, -1, SQLITE_STATIC) != SQLITE_OK)
                        return db_error_on(db, sqlite3_errcode(db), "bind", e);
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
        /* Nothing but the entity tables: the replica's own come from its
         * migrations, which start from version 0. */
        if (rc == 0 && db_value(db, "PRAGMA user_version", NULL, &version, e) < 0)
                return -1;
        if (rc == 0 && version != 0)
                rc = err_set(e, RB_INTERNAL, NULL,
                             _("the server's replica copy is of schema %lld, not a new one"),
                             version);
        if (rc == 0 && n != want)
                rc = err_set(e, RB_INTERNAL, NULL,
                             _("the server's replica copy holds %lld tables, not %lld"), n, want);
        return rc;
}

/* The replica's tables that are its own (not an entity's). */
static const char SQL_OWN_TABLES[] =
    "SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%'";

/* Copies the rows of every one of the replica's own tables into the
 * attached "fresh" (which must have each: its migrations made them) and
 * sets its cursor, in one transaction. 0, or -1 with e. */
static int fresh_fill(sqlite3 *db, uint64_t cursor, struct rb_err *e)
{
        sqlite3_stmt *st = NULL;
        char sql[512];
        int step;

        /* Deferred: BEGIN IMMEDIATE (db_begin) would lock every attached
         * database for writing first. */
        if (db_exec(db, "PRAGMA fresh.journal_mode=OFF; PRAGMA fresh.synchronous=OFF; BEGIN", e))
                return -1;
        if ((st = db_prepare(db, SQL_OWN_TABLES, e)) == NULL)
                goto fail;
        while ((step = db_step(db, st, e)) > 0) {
                const char *t = db_col_text(st, 0);
                int entity = 0;

                for (size_t i = 0; i < entity_count; i++)
                        entity |= strcmp(entity_defs[i]->table, t) == 0;
                if (entity)
                        continue;
                /* Both made by the same migrations: the same columns in the
                 * same order. */
                snprintf(sql, sizeof(sql), "INSERT INTO fresh.\"%s\" SELECT * FROM main.\"%s\"", t,
                         t);
                if (db_exec(db, sql, e) != 0)
                        goto fail;
        }
        if (step < 0)
                goto fail;
        sqlite3_finalize(st);
        st = NULL;
        snprintf(sql, sizeof(sql),
                 "INSERT OR REPLACE INTO fresh.settings(key, value) VALUES ('cursor', '%llu'),"
                 " ('pull_remaining', '0'), ('" SNAPSHOT_CUT "', '0')",
                 (unsigned long long)cursor);
        if (db_exec(db, sql, e) != 0)
                goto fail;
        return db_exec(db, "COMMIT", e);
fail:
        sqlite3_finalize(st);
        db_exec(db, "ROLLBACK", NULL);
        return -1;
}

/*
 * Readies the received file at path on a connection of its own: checked,
 * then given this replica's own tables by its migrations, up to the
 * replica's version (db's). It is a scratch file, so it keeps no journal
 * and waits for no disk. 0, or -1 with e.
 */
static int fresh_ready(sqlite3 *db, const char *path, struct rb_err *e)
{
        sqlite3 *f = NULL;
        long long have = -1, want = 0;
        int rc = -1;

        if (sqlite3_open_v2(path, &f, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
                err_set(e, RB_INTERNAL, NULL, _("cannot read the server's replica copy: %s"),
                        f ? sqlite3_errmsg(f) : "out of memory");
                sqlite3_close(f);
                return -1;
        }
        if (db_exec(f, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF", e) == 0 &&
            snap_check(f, e) == 0 && replica_schema(f, e) == 0 &&
            db_value(f, "PRAGMA user_version", NULL, &have, e) > 0 &&
            db_value(db, "PRAGMA user_version", NULL, &want, e) > 0)
                rc = have == want ? 0
                                  : err_set(e, RB_INTERNAL, NULL,
                                            _("the replica copy is of schema %lld, the replica of "
                                              "%lld"),
                                            have, want);
        db_close(f);
        return rc;
}

/* Copies the file at path into the replica, page by page, in one
 * transaction (sqlite3_backup): the replica is the old one or the new one,
 * whatever happens, and stays open and locked throughout, so another
 * renbin waits for it as for any command. 0, or -1 with e (the replica as
 * it was). */
static int fresh_copy_in(sqlite3 *db, const char *path, struct rb_err *e)
{
        sqlite3 *src = NULL;
        sqlite3_backup *b;
        int rc, done;

        if (sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
                err_set(e, RB_INTERNAL, NULL, _("cannot read the server's replica copy: %s"),
                        src ? sqlite3_errmsg(src) : "out of memory");
                sqlite3_close(src);
                return -1;
        }
        if ((b = sqlite3_backup_init(db, "main", src, "main")) == NULL) {
                rc = db_error_on(db, sqlite3_errcode(db), "backup", e);
        } else {
                done = sqlite3_backup_step(b, -1);
                rc = sqlite3_backup_finish(b);
                if (done != SQLITE_DONE || rc != SQLITE_OK)
                        rc = db_error_on(db, done != SQLITE_DONE ? done : rc, "backup", e);
        }
        if (sqlite3_close(src) != SQLITE_OK && rc == 0)
                rc = err_set(e, RB_INTERNAL, NULL, "backup: %s", sqlite3_errmsg(src));
        return rc;
}

/* Switches the replica's journal to mode (DELETE, WAL). 0, or -1 with e. */
static int journal_mode(sqlite3 *db, const char *mode, struct rb_err *e)
{
        char sql[64];
        sqlite3_stmt *st;
        int step, same = 0;

        snprintf(sql, sizeof(sql), "PRAGMA main.journal_mode=%s", mode);
        if ((st = db_prepare(db, sql, e)) == NULL)
                return -1;
        if ((step = db_step(db, st, e)) > 0)
                same = strcasecmp(db_col_text(st, 0), mode) == 0;
        sqlite3_finalize(st);
        if (step < 0)
                return -1;
        return same ? 0
                    : err_set(e, RB_UNAVAILABLE, NULL,
                              _("the replica's journal could not be switched to %s; run renbin "
                                "sync again"),
                              mode);
}

/*
 * Puts the received file, whole, in the replica's place: readied on a
 * connection of its own, given the replica's own rows through the replica
 * (which holds its lock from here to the end), copied into it, and
 * removed (by the caller). 0, or -1 with e (the replica as it was).
 */
static int fresh_adopt(struct cli *cli, struct copy *c, struct rb_err *e)
{
        char *attach;
        int rc;

        if (fflush(c->f) != 0)
                return err_set(e, RB_EXHAUSTED, NULL, _("cannot write %s: %s"), c->path,
                               strerror(errno));
        if (fresh_ready(cli->db, c->path, e) != 0)
                return -1;
        if ((attach = sqlite3_mprintf("ATTACH %Q AS fresh", c->path)) == NULL)
                return err_set(e, RB_EXHAUSTED, NULL, _("out of memory"));
        rc = db_exec(cli->db, attach, e);
        sqlite3_free(attach);
        if (rc != 0)
                return -1;
        rc = fresh_fill(cli->db, c->cursor, e);
        if (db_exec(cli->db, "DETACH fresh", rc != 0 ? NULL : e) != 0)
                rc = -1;
        if (rc != 0)
                return -1;
        /* Through a rollback journal, which holds only the pages the copy
         * overwrites (a replica at cursor 0 has few), the pages are written
         * once; through the WAL they would be written there and then again
         * by its checkpoint. The replica stays locked (exclusive locking)
         * across both switches. */
        if (journal_mode(cli->db, "DELETE", e) != 0)
                return -1;
        rc = fresh_copy_in(cli->db, c->path, e);
        if (journal_mode(cli->db, "WAL", rc != 0 ? NULL : e) != 0)
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
        cli_path(cli, SNAPSHOT_FILE, c.path, sizeof(c.path));
        for (uint32_t part = 1; rc == 0; part++) {
                Renbin__Response *resp = NULL;

                rc = net_wait(n, id, &resp, e);
                if (rc != 0 && resp != NULL && part == 1) {
                        /* Answered: an older server, another layout, a busy
                         * one. The pages give the same rows. */
                        renbin__response__free_unpacked(resp, NULL);
                        return cli_set(cli, SNAPSHOT_CUT, "0", e) != 0 ? -1 : 1;
                }
                if (rc == 0 && part == 1)
                        rc = scratch_open(&c, e);
                if (rc == 0 && (rc = part_take(&c, resp->snapshot, part, e)) == 0 &&
                    part < c.parts && !interrupt_seen())
                        rc = part_ask(n, part + 1, &next, e); /* asked ahead, as pages are */
                if (resp != NULL)
                        renbin__response__free_unpacked(resp, NULL);
                if (rc != 0 || interrupt_seen())
                        break;
                progress(arg, c.got, c.bytes, c.rows);
                if (part == c.parts) {
                        rc = fresh_adopt(cli, &c, e);
                        break;
                }
                id = next;
        }
        if (c.f != NULL)
                fclose(c.f);
        unlink(c.path);
        if (rc == 0)
                *rows = c.rows;
        else if (interrupt_seen())
                return 2;
        return rc;
}

int snapshot_done(struct cli *cli, struct rb_err *e)
{
        char path[4096];

        /* What a copy killed on the way left, if it did. */
        cli_path(cli, SNAPSHOT_FILE, path, sizeof(path));
        unlink(path);
        return cli_set(cli, SNAPSHOT_CUT, "0", e);
}
