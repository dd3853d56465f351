/*
 * cmd_restore.c - `renbind restore --data DIR --from FILE`: put a backup made
 * by `renbind backup` in place of the database of a stopped server. The
 * database it replaces is kept aside first (renbin.db.before-restore-TIME);
 * the backup is read without being changed, checked to be a renbin database
 * of a schema this program knows, copied into the database with SQLite's
 * backup (so the WAL of the old one cannot outlive it) and migrated if it is
 * older. Certificates revoked or renewed since the backup stay so, and a
 * certificate of completion given since keeps its number and code for when
 * its selesai comes back. The
 * database then gets a new generation id, by which every office knows at its
 * next sync to send again what it had acknowledged and to resync
 * (docs/sync.md, "A restored server").
 */
#include "cmd_restore.h"
#include "ca.h"
#include "clock.h"
#include "db.h"
#include "fsutil.h"
#include "i18n.h"
#include "opts.h"
#include "status.h"
#include "store.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char restore_help[] =
    N_("Usage: renbind restore --data DIR --from FILE\n"
       "Put FILE, a backup made by renbind backup, in place of DIR's database. The\n"
       "server must be stopped. The database it replaces is kept beside it as\n"
       "renbin.db.before-restore-TIME. Offices send again at their next sync what\n"
       "the server had acknowledged since FILE was made, and resync.\n"
       "\n"
       "  --data DIR    the server's data folder\n"
       "  --from FILE   the backup to restore\n");

/* FILE as a read-only, immutable SQLite URI (the backup is never written,
 * nor a -wal or -shm made beside it). */
static void backup_uri(char *buf, size_t len, const char *path)
{
        size_t o = (size_t)snprintf(buf, len, "file:");

        for (const char *p = path; *p != '\0' && o + 4 < len; p++)
                o += (size_t)(strchr("%?#", *p) ? snprintf(buf + o, len - o, "%%%02X", *p)
                                                : snprintf(buf + o, len - o, "%c", *p));
        snprintf(buf + o, len - o, "?immutable=1");
}

/* Opens the backup and checks it: a renbin database (its meta table read)
 * of a schema from 1 to target. NULL with e: INVALID for a file that is not
 * one, PRECONDITION for one newer than this program. */
static sqlite3 *backup_open(const char *from, int target, int *version, struct rb_err *e)
{
        char uri[8300];
        long long v = 0, n = 0;
        sqlite3 *db = NULL;

        backup_uri(uri, sizeof(uri), from);
        if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK ||
            db_value(db, "PRAGMA user_version", NULL, &v, e) < 0 ||
            (v >= 1 && db_value(db, "SELECT count(*) FROM meta", NULL, &n, e) < 0) || v < 1) {
                err_set(e, RB_INVALID, "from", _("%s is not a renbin database: %s"), from,
                        v < 1 && db != NULL && sqlite3_errcode(db) == SQLITE_OK
                            ? _("no renbin schema in it")
                            : sqlite3_errmsg(db));
                sqlite3_close(db);
                return NULL;
        }
        if (v > target) {
                err_set(e, RB_PRECONDITION, "from",
                        _("%s has database schema %lld, newer than this program (%d)"), from, v,
                        target);
                sqlite3_close(db);
                return NULL;
        }
        *version = (int)v;
        return db;
}

/* e for SQLite's rc on db: a database another process holds is RB_EXHAUSTED
 * (exit 8: try again once it is stopped), as everywhere in restore. -1. */
static int restore_db_error(sqlite3 *db, int rc, struct rb_err *e)
{
        db_error_on(db, rc, "restore", e);
        if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
                e->code = RB_EXHAUSTED;
        return -1;
}

/* Copies src over the whole of dst in one step (dst's own transaction). */
static int copy_over(sqlite3 *src, sqlite3 *dst, struct rb_err *e)
{
        sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
        int rc;

        if (b == NULL)
                return db_error_on(dst, sqlite3_errcode(dst), "restore", e), -1;
        rc = sqlite3_backup_step(b, -1);
        sqlite3_backup_finish(b);
        if (rc != SQLITE_DONE)
                return restore_db_error(dst, rc, e);
        return 0;
}

/* What restore found in DATA in place of the backup. */
enum current {
        CURRENT_READ,       /* a database SQLite reads */
        CURRENT_UNREADABLE, /* a file SQLite reads as no database, or a corrupt one */
        CURRENT_MISSING,    /* no database in a server's data folder */
};

/* DATA/NAME with suffix (a "-wal", ...) into buf. */
static void data_file(char *buf, size_t len, const char *path, const char *suffix)
{
        snprintf(buf, len, "%s%s", path, suffix);
}

/* Removes path and its WAL, shared-memory and journal files: what a failed
 * restore leaves of a new file. */
static void remove_db_files(const char *path)
{
        static const char *const side[] = {"-wal", "-shm", "-journal"};
        char f[4300];

        unlink(path);
        for (size_t i = 0; i < sizeof(side) / sizeof(side[0]); i++) {
                data_file(f, sizeof(f), path, side[i]);
                unlink(f);
        }
}

/* Copies the backup into tmp, a new database beside the one it replaces,
 * checkpointed into that one file, with mode and, when restore runs as
 * root, like's owner (the file replaced, or one `init` made), so that
 * moving it into place is a rename. On failure tmp is gone. */
static int build_copy(const char *tmp, const struct stat *like, unsigned mode, sqlite3 *src,
                      struct rb_err *e)
{
        long long busy = 0;
        sqlite3 *dst;
        int rc;

        remove_db_files(tmp);
        if ((dst = db_open(tmp, 1, e)) == NULL)
                return -1;
        rc = copy_over(src, dst, e);
        if (rc == 0 && db_value(dst, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, &busy, e) < 0)
                rc = -1;
        else if (rc == 0 && busy != 0)
                rc = err_set(e, RB_EXHAUSTED, "data", _("cannot checkpoint %s"), tmp);
        db_close(dst);
        if (rc == 0 && geteuid() == 0 && chown(tmp, like->st_uid, like->st_gid) != 0)
                rc = err_set(e, RB_INTERNAL, "data", _("cannot give %s its owner: %s"), tmp,
                             strerror(errno));
        if (rc == 0 && chmod(tmp, mode) != 0)
                rc = err_set(e, RB_INTERNAL, "data", _("cannot set the mode of %s: %s"), tmp,
                             strerror(errno));
        if (rc != 0)
                remove_db_files(tmp);
        return rc;
}

/* Moves an unreadable database (and its WAL) aside as they are, so nothing
 * reads or changes their bytes: 0, or -1 with e and nothing moved. */
static int move_aside(const char *path, const char *aside, struct rb_err *e)
{
        char wal[4300], awal[4300], shm[4300];

        data_file(wal, sizeof(wal), path, "-wal");
        data_file(awal, sizeof(awal), aside, "-wal");
        data_file(shm, sizeof(shm), path, "-shm");
        if (fs_rename(path, aside, e) != 0)
                return -1;
        if (fs_exists(wal) && fs_rename(wal, awal, e) != 0) {
                if (rename(aside, path) != 0)
                        err_set(e, e->code, "data", _("%s; the database is at %s"), e->msg, aside);
                return -1;
        }
        unlink(shm);
        return 0;
}

/* Puts what move_aside moved back, after e's failure: 0, or -1 with e
 * saying where the database is. */
static int move_back(const char *path, const char *aside, struct rb_err *e)
{
        char wal[4300], awal[4300];

        data_file(wal, sizeof(wal), path, "-wal");
        data_file(awal, sizeof(awal), aside, "-wal");
        if (rename(aside, path) != 0)
                return err_set(e, e->code, "data", _("%s; the database is at %s"), e->msg, aside);
        if (fs_exists(awal) && rename(awal, wal) != 0)
                return err_set(e, e->code, "data", _("%s; the database is back, its WAL is at %s"),
                               e->msg, awal);
        return 0;
}

/* swap_in for a database that is unreadable (moved aside as it is) or
 * missing: the backup copied into a new file first, then the renames. */
static int swap_in_new(const char *data, enum current cur, const char *path, sqlite3 *src,
                       char *aside, struct rb_err *e)
{
        char tmp[4300], like_path[4096];
        struct stat like;
        int rc;

        /* The owner comes from the file replaced, or one init made. */
        if (cur == CURRENT_MISSING) {
                aside[0] = '\0';
                fs_join(like_path, sizeof(like_path), data, SERVER_KEY);
        } else {
                snprintf(like_path, sizeof(like_path), "%s", path);
        }
        if (stat(like_path, &like) != 0)
                return err_set(e, RB_INTERNAL, "data", _("cannot read %s: %s"), like_path,
                               strerror(errno));
        if (cur == CURRENT_UNREADABLE && fs_exists(aside))
                return err_set(e, RB_PRECONDITION, "data", _("cannot keep %s aside: %s exists"),
                               path, aside);
        /* The copy is made first: the database is away from its name
         * only between the renames. */
        data_file(tmp, sizeof(tmp), path, ".restoring");
        /* The replaced file's mode (one its owner can write), or what
         * init gives a database. */
        if (build_copy(tmp, &like,
                       cur == CURRENT_UNREADABLE ? (like.st_mode & 0777) | S_IRUSR | S_IWUSR : 0600,
                       src, e) != 0)
                return -1;
        if (cur == CURRENT_UNREADABLE && move_aside(path, aside, e) != 0) {
                remove_db_files(tmp);
                return err_set(e, e->code, "data", _("cannot keep %s aside: %s"), path, e->msg);
        }
        /* The copy goes only once the old files are back: if they
         * cannot be, it is the one database under its name. */
        if ((rc = fs_rename(tmp, path, e)) != 0 &&
            (cur != CURRENT_UNREADABLE || move_back(path, aside, e) == 0))
                remove_db_files(tmp);
        else if (rc != 0)
                err_set(e, e->code, "data", _("%s; the backup's copy is at %s"), e->msg, tmp);
        return rc;
}

/* Keeps the current database aside, as DATA/renbin.db.before-restore-TIME
 * (written to aside; -2, -3 ... after it when a restore of the same second
 * kept one; "" when there is none), then puts the backup in its place. A
 * database SQLite reads is copied aside and the backup copied over it; an
 * unreadable one is moved aside as it is and the backup copied into a new
 * file. On failure nothing has changed. */
static int swap_in(const char *data, enum current cur, sqlite3 *src, char *aside, size_t alen,
                   struct rb_err *e)
{
        char path[4096], stamp[32];
        time_t now = (time_t)clock_now();
        struct fs_out o;
        sqlite3 *dst;
        int rc = -1;

        strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime(&now));
        fs_join(path, sizeof(path), data, STORE_FILE);
        snprintf(aside, alen, "%s.before-restore-%s", path, stamp);
        for (int n = 2; fs_exists(aside) && n < 100; n++)
                snprintf(aside, alen, "%s.before-restore-%s-%d", path, stamp, n);
        if (cur != CURRENT_READ)
                return swap_in_new(data, cur, path, src, aside, e);
        if ((dst = db_open(path, 0, e)) == NULL)
                return -1;
        if (fs_out_open(&o, aside, 0600, FS_OUT_NEW, e) != 0 || store_backup(dst, o.tmp, e) != 0 ||
            fs_out_commit(&o, e) != 0) {
                fs_out_abort(&o);
                err_set(e, e->code, "data", _("cannot keep %s aside: %s"), path, e->msg);
        } else if ((rc = copy_over(src, dst, e)) != 0) {
                unlink(aside); /* nothing was replaced: no copy of it either */
        }
        db_close(dst);
        return rc;
}

/*
 * What the database kept aside gave after the backup and must not be undone
 * by its restore, carried over in one transaction:
 * - the office certificates: one revoked or renewed since stays so;
 * - the certificates of completion the backup lacks (and those an earlier
 *   restore still holds), held by enrollment with their person, program,
 *   unit and revocation: when the offices send that selesai again, it gets
 *   the same number and code as its paper (certificate.c, decisions
 *   179, 181); one revoked stays revoked, its number and code retired;
 * - each year's certificate counter at the higher of the two, so no number
 *   given since the backup is given again to someone else;
 * - and, in the same transaction, the new generation (finish).
 * A held row the restored database has already takes the revocation the
 * kept one has since (by id); the others are added, one waiting row per
 * enrollment (the partial unique index of migration 18), the certificate
 * of the kept database before a row it held.
 */
static const char SQL_CARRY[] =
    "INSERT INTO certs(serial, unit, role, issued_at, expires_at, revoked_at,"
    " grace_until, renewed_by) SELECT serial, unit, role, issued_at, expires_at,"
    " revoked_at, grace_until, renewed_by FROM old.certs WHERE true"
    " ON CONFLICT(serial) DO UPDATE SET revoked_at = excluded.revoked_at,"
    " grace_until = excluded.grace_until, renewed_by = excluded.renewed_by;"
    "UPDATE certificates_held SET revoked_at = k.revoked_at, revoked_reason = k.revoked_reason"
    " FROM (SELECT id, revoked_at, revoked_reason FROM old.certificates UNION ALL"
    " SELECT id, revoked_at, revoked_reason FROM old.certificates_held) k"
    " WHERE k.id = certificates_held.id AND k.revoked_at IS NOT NULL"
    " AND certificates_held.revoked_at IS NULL;"
    "WITH kept AS (SELECT 0 AS src, enrollment, id, number, code, year, issued_at, program, nip,"
    " unit, revoked_at, revoked_reason FROM old.certificates UNION ALL SELECT 1, enrollment, id,"
    " number, code, year, issued_at, program, nip, unit, revoked_at, revoked_reason"
    " FROM old.certificates_held)"
    " INSERT INTO certificates_held(enrollment, id, number, code, year, issued_at, program, nip,"
    " unit, revoked_at, revoked_reason) SELECT enrollment, id, number, code, year, issued_at,"
    " program, nip, unit, revoked_at, revoked_reason FROM kept k WHERE NOT EXISTS"
    " (SELECT 1 FROM certificates c WHERE c.enrollment = k.enrollment OR c.number = k.number"
    " OR c.code = k.code) ORDER BY k.src ON CONFLICT DO NOTHING;"
    "INSERT INTO meta(key, value) SELECT key, value FROM old.meta"
    " WHERE key LIKE 'certificate_seq.%' ON CONFLICT(key) DO UPDATE SET value = CASE"
    " WHEN CAST(excluded.value AS INTEGER) > CAST(meta.value AS INTEGER) THEN excluded.value"
    " ELSE meta.value END;";

/* The papers of the database kept aside that neither table of the
 * restored one has after the carry: one whose enrollment already waits for
 * another (the kept database was itself restored without a carry), or whose
 * enrollment the restored database gave another certificate. Each would
 * verify as unknown. */
static const char SQL_LOST[] =
    "SELECT number FROM (SELECT number, code FROM old.certificates UNION ALL"
    " SELECT number, code FROM old.certificates_held) k"
    " WHERE NOT EXISTS (SELECT 1 FROM certificates c WHERE c.code = k.code)"
    " AND NOT EXISTS (SELECT 1 FROM certificates_held h WHERE h.code = k.code) ORDER BY number";

/* The papers the carry could not hold (SQL_LOST): their count in *n, their
 * numbers in list, whole, with "and N more" when they do not all fit. 0, or
 * -1 with e. */
static int lost_papers(sqlite3 *db, char *list, size_t len, long long *n, struct rb_err *e)
{
        sqlite3_stmt *st = db_stmt(db, SQL_LOST, e);
        long long shown = 0;
        size_t used = 0;
        int step;

        *n = 0;
        list[0] = '\0';
        if (st == NULL)
                return -1;
        while ((step = db_step(db, st, e)) > 0) {
                const char *num = db_col_text(st, 0);
                (*n)++;
                /* room for this number and the "and N more" after it */
                if (shown == *n - 1 && used + strlen(num) + 64 < len) {
                        used += (size_t)snprintf(list + used, len - used, "%s%s",
                                                 shown > 0 ? ", " : "", num);
                        shown++;
                }
        }
        sqlite3_reset(st);
        if (step < 0)
                return -1;
        if (shown < *n)
                snprintf(list + used, len - used, _(" and %lld more"), *n - shown);
        return 0;
}

static int carry_aside(sqlite3 *db, const char *aside, struct rb_err *e)
{
        static const char attach[] = "ATTACH DATABASE ?1 AS old";
        sqlite3_stmt *st = db_stmt(db, attach, e);
        char list[1024];
        long long lost = 0;
        struct rb_err de;
        int rc;

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, aside, -1, SQLITE_STATIC);
        if (db_run(db, st, e) != 0)
                return -1;
        if ((rc = db_begin(db, e)) == 0 && (rc = db_exec(db, SQL_CARRY, e)) == 0 &&
            (rc = lost_papers(db, list, sizeof(list), &lost, e)) == 0 &&
            (rc = store_new_generation(db, e)) == 0)
                rc = db_commit(db, e);
        if (rc != 0)
                db_rollback(db);
        else if (lost > 0)
                fprintf(stderr,
                        ngettext("renbind: warning: %lld certificate of completion given since the "
                                 "backup cannot be held, another waiting for its enrollment or "
                                 "given it, so its paper verifies as unknown: %s\n",
                                 "renbind: warning: %lld certificates of completion given since "
                                 "the backup cannot be held, another waiting for their enrollment "
                                 "or given it, so their papers verify as unknown: %s\n",
                                 (unsigned long)lost),
                        lost, list);
        /* Once committed, the carry is done: a DETACH that fails is said, and
         * the connection closes next anyway. */
        if (db_exec(db, "DETACH DATABASE old;", &de) != 0)
                fprintf(stderr, _("renbind: warning: %s\n"), de.msg);
        return rc;
}

/* The current database, older than this program, migrated before it is
 * kept aside (with the migration's own before-vN copy, as serve would make
 * it), so that what it gave since the backup can be carried over: 1, or 0
 * with a warning when it cannot be (a damaged database, the usual reason to
 * restore, is still replaced). */
static int migrate_current(const char *data)
{
        struct rb_err e;
        sqlite3 *db;

        err_clear(&e);
        if ((db = store_open(data, 0, &e)) == NULL) {
                fprintf(stderr,
                        _("renbind: warning: the database in %s cannot be migrated (%s): what it "
                          "gave since the backup is not carried over\n"),
                        data, e.msg);
                return 0;
        }
        db_close(db);
        return 1;
}

/* After the copy: migrated (store_open, without a before-vN copy: the
 * backup file is that), what carry_aside carries when the kept database
 * has this program's schema, with a new generation in the same
 * transaction. A carry that fails is said as a warning and the generation
 * is made alone: the offices must still send again what the backup lacks. */
static int finish(const char *data, const char *aside, int carry, struct rb_err *e)
{
        char gen[64] = "";
        long long last = 0, held = 0;
        struct rb_err ce;
        sqlite3 *db;
        int rc;

        if ((db = store_open(data, STORE_NO_COPY, e)) == NULL)
                return -1;
        err_clear(&ce);
        if (carry && carry_aside(db, aside, &ce) != 0) {
                fprintf(stderr,
                        _("renbind: warning: what %s gave since the backup cannot be carried over "
                          "(%s): office certificates revoked since are valid again until revoked "
                          "anew, and certificates of completion given since are not held\n"),
                        aside, ce.msg);
                carry = 0;
        }
        rc = (!carry && store_new_generation(db, e) != 0) || store_last_seq(db, &last, e) != 0 ||
                     db_value(db, "SELECT count(*) FROM certificates_held WHERE revoked_at IS NULL",
                              NULL, &held, e) < 0
                 ? -1
                 : 0;
        store_meta(db, "generation", gen, sizeof(gen));
        db_close(db);
        if (rc != 0)
                return rc;
        printf(_("last change %lld; new generation %s: every office sends again at its next "
                 "sync what this server had acknowledged since, and resyncs\n"),
               last, gen);
        if (held > 0)
                printf(ngettext("%lld certificate of completion is held: it gets its number and "
                                "code back when its office sends the selesai again (renbin "
                                "certificate held lists it)\n",
                                "%lld certificates of completion are held: each gets its number "
                                "and code back when its office sends the selesai again (renbin "
                                "certificate held lists them)\n",
                                (unsigned long)held),
                       held);
        return 0;
}

/* Whether data holds what `renbind init` makes for a server (its CA with
 * key, its own certificate with key), not an office's bundle or home. */
static int server_folder(const char *data)
{
        static const char *const made[] = {CA_CERT, CA_KEY, SERVER_CERT, SERVER_KEY};
        char f[4096];

        for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++)
                if (fs_join(f, sizeof(f), data, made[i]) != 0 || !fs_exists(f))
                        return 0;
        return 1;
}

/* Reads path's schema on a read-only connection, which reads its WAL but
 * never writes the database nor checkpoints into it: 1 when SQLite reads
 * it, 0 when the file is no database or a corrupt one (its message in
 * why), -1 with e for anything else (locked by another process, no
 * permission, ...), which must stop the restore. */
static int probe(const char *path, char *why, size_t wlen, struct rb_err *e)
{
        sqlite3 *db = NULL;
        int rc, code;

        rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
        if (rc == SQLITE_OK)
                rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
        code = rc & 0xff;
        snprintf(why, wlen, "%s", db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        if (rc != SQLITE_OK && code != SQLITE_NOTADB && code != SQLITE_CORRUPT) {
                restore_db_error(db, rc, e);
                err_set(e, e->code, "data", _("cannot read %s: %s"), path, e->msg);
        }
        sqlite3_close(db);
        return rc == SQLITE_OK ? 1 : code == SQLITE_NOTADB || code == SQLITE_CORRUPT ? 0 : -1;
}

/* What DATA holds (enum current), its schema in *have; -1 with e when it is
 * no server data folder, or its database cannot be read for a reason that
 * is not the database's own (busy, permissions). A database SQLite reads
 * as none, or corrupt, is kept aside as it is and replaced (why says what
 * is wrong with it), since getting rid of it is often why one restores. */
static int current_state(const char *data, int *have, int *target, char *why, size_t wlen,
                         struct rb_err *e)
{
        char path[4096], wal[4300], journal[4300];
        struct stat st;
        int readable;

        *have = 0;
        *target = store_target();
        fs_join(path, sizeof(path), data, STORE_FILE);
        data_file(wal, sizeof(wal), path, "-wal");
        /* A link to where the database was (a volume not mounted) is no
         * missing database: replacing it would leave the real one behind. */
        if (lstat(path, &st) != 0)
                st.st_mode = 0;
        if (S_ISLNK(st.st_mode) && !fs_exists(path))
                return err_set(e, RB_PRECONDITION, "data",
                               _("%s is a link to a file that is not there: mount or repair "
                                 "it first"),
                               path);
        data_file(journal, sizeof(journal), path, "-journal");
        /* SQLite would play a stray rollback journal into the new file. */
        if (fs_exists(journal))
                return err_set(e, RB_PRECONDITION, "data",
                               _("%s is there: move it away before restoring"), journal);
        if (!fs_exists(path) && server_folder(data)) {
                if (fs_exists(wal))
                        return err_set(e, RB_PRECONDITION, "data",
                                       _("%s is there without %s: move it away before restoring"),
                                       wal, path);
                return CURRENT_MISSING;
        }
        if (fs_exists(path) && (readable = probe(path, why, wlen, e)) <= 0) {
                if (readable < 0)
                        return -1;
                if (S_ISLNK(st.st_mode))
                        return err_set(e, RB_PRECONDITION, "data",
                                       _("%s is a link to a file SQLite cannot read (%s): move "
                                         "that file away first"),
                                       path, why);
                if (!server_folder(data))
                        return err_set(e, RB_PRECONDITION, "data",
                                       _("%s is not a renbin data folder"), data);
                return CURRENT_UNREADABLE;
        }
        return store_versions(data, have, target, e) == 0 ? CURRENT_READ : -1;
}

int cmd_restore(int argc, char **argv)
{
        const char *data = NULL, *from = NULL;
        char why[512], aside[4200], broken[512] = "";
        int rc = opt_data(argc, argv, restore_help, &data, "from", &from), have, target, version;
        int carry, cur;
        struct rb_err e;
        sqlite3 *src;

        if (rc >= 0)
                return rc;
        err_clear(&e);
        if ((cur = current_state(data, &have, &target, broken, sizeof(broken), &e)) < 0)
                return opt_fail(err_exit_status(e.code), "%s", e.msg);
        if (status_serving(data, why, sizeof(why)))
                return opt_fail(EXIT_REFUSED,
                                _("a server is serving %s: stop it first, then restore"), data);
        if (!fs_exists(from))
                return opt_fail(EXIT_NOT_FOUND, _("no such file: %s"), from);
        if ((src = backup_open(from, target, &version, &e)) == NULL)
                return opt_fail(err_exit_status(e.code), "%s", e.msg);
        carry = cur == CURRENT_READ && (have == target || (have < target && migrate_current(data)));
        if (cur == CURRENT_READ && have > target)
                fprintf(stderr,
                        _("renbind: warning: %s has database schema %d, newer than this program "
                          "(%d): what it gave since the backup (office certificates revoked, "
                          "certificates of completion) is not carried over\n"),
                        data, have, target);
        rc = swap_in(data, (enum current)cur, src, aside, sizeof(aside), &e);
        sqlite3_close(src);
        if (rc != 0)
                return opt_fail(err_exit_status(e.code), _("restore of %s failed: %s"), from,
                                e.msg);
        if (cur == CURRENT_UNREADABLE)
                fprintf(stderr,
                        _("renbind: warning: the database in %s cannot be read (%s): it is kept "
                          "aside as it is, and nothing it gave since the backup is carried "
                          "over\n"),
                        data, broken);
        if (aside[0] != '\0')
                printf(_("restored %s from %s (database schema %d); the database it replaced is "
                         "kept as %s\n"),
                       data, from, version, aside);
        else
                printf(_("restored %s from %s (database schema %d); there was no database to "
                         "keep aside\n"),
                       data, from, version);
        if (finish(data, aside, carry, &e) != 0)
                return opt_fail(err_exit_status(e.code), _("restore of %s failed: %s"), from,
                                e.msg);
        return EXIT_OK;
}
