/*
 * store.c - server schema and its numbered migrations. A migration, once
 * released, is never edited: changes go into a new entry at the end.
 */
#include "store.h"
#include "audit_redact.h"
#include "clock.h"
#include "db.h"
#include "entity.h"
#include "fsutil.h"
#include "i18n.h"
#include "log.h"
#include "uuid.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const char *const migrations[] = {
    /* 1: certificates issued by the CA */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE certs("
    "  serial TEXT PRIMARY KEY,"
    "  unit TEXT NOT NULL,"
    "  role TEXT NOT NULL CHECK(role IN ('hr','unit','auditor')),"
    "  issued_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  revoked_at INTEGER);",

    /* 2: the plan's first half (issue: roster, programs, enrollments), the
     * change feed, ops applied at most once, rejected ops, the audit chain */
    "CREATE TABLE units("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, kind TEXT NOT NULL,"
    "  active INTEGER NOT NULL DEFAULT 1);"
    "CREATE TABLE asn("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  nip TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
    "  unit TEXT NOT NULL REFERENCES units(code),"
    "  jabatan TEXT, golongan TEXT, tmt TEXT NOT NULL, birth_date TEXT NOT NULL,"
    "  sex INTEGER NOT NULL CHECK(sex IN (1, 2)), active INTEGER NOT NULL DEFAULT 1);"
    "CREATE INDEX asn_unit ON asn(unit);"
    "CREATE TABLE competencies("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, type TEXT NOT NULL);"
    "CREATE TABLE plans("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  year INTEGER NOT NULL UNIQUE, title TEXT NOT NULL,"
    "  status TEXT NOT NULL DEFAULT 'draft' CHECK(status IN ('draft', 'approved')));"
    "CREATE TABLE programs("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  code TEXT NOT NULL UNIQUE, plan_year INTEGER NOT NULL REFERENCES plans(year),"
    "  title TEXT NOT NULL, method TEXT NOT NULL,"
    "  competency TEXT REFERENCES competencies(code),"
    "  partner TEXT, speaker TEXT, start_date TEXT NOT NULL, end_date TEXT NOT NULL,"
    "  jp INTEGER NOT NULL CHECK(jp > 0), capacity INTEGER NOT NULL CHECK(capacity > 0),"
    "  enrolled INTEGER NOT NULL DEFAULT 0 CHECK(enrolled BETWEEN 0 AND capacity));"
    "CREATE TABLE enrollments("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  program TEXT NOT NULL REFERENCES programs(code),"
    "  nip TEXT NOT NULL REFERENCES asn(nip), unit TEXT NOT NULL,"
    "  status TEXT NOT NULL, jp INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX enrollments_one ON enrollments(program, nip) WHERE status != 'batal';"
    "CREATE INDEX enrollments_nip ON enrollments(nip);"
    /* The change feed holds the latest change of each row per owning unit:
     * a row that moves to another unit leaves a tombstone for the old one. */
    "CREATE TABLE changes("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT, entity TEXT NOT NULL, entity_id TEXT NOT NULL,"
    "  scope TEXT, deleted INTEGER NOT NULL DEFAULT 0, at INTEGER NOT NULL, data BLOB);"
    "CREATE UNIQUE INDEX changes_row ON changes(entity_id, ifnull(scope, ''));"
    "CREATE TABLE ops("
    "  op_id TEXT PRIMARY KEY, unit TEXT NOT NULL, role TEXT NOT NULL,"
    "  entity TEXT NOT NULL, entity_id TEXT NOT NULL, action TEXT NOT NULL,"
    "  received_at INTEGER NOT NULL, code INTEGER NOT NULL, message TEXT, field TEXT,"
    "  seq INTEGER NOT NULL DEFAULT 0, detail TEXT) WITHOUT ROWID;"
    "CREATE TABLE conflicts("
    "  op_id TEXT PRIMARY KEY, at INTEGER NOT NULL, unit TEXT NOT NULL, role TEXT NOT NULL,"
    "  entity TEXT NOT NULL, entity_id TEXT NOT NULL, action TEXT NOT NULL,"
    "  fields TEXT NOT NULL, code INTEGER NOT NULL, message TEXT NOT NULL, field TEXT);"
    "CREATE TABLE audit("
    "  n INTEGER PRIMARY KEY, at INTEGER NOT NULL, unit TEXT NOT NULL, role TEXT NOT NULL,"
    "  op_id TEXT, entity TEXT NOT NULL, entity_id TEXT NOT NULL, action TEXT NOT NULL,"
    "  seq INTEGER NOT NULL, data BLOB, prev TEXT NOT NULL, hash TEXT NOT NULL);"
    "INSERT INTO meta(key, value) VALUES('jp_minutes', '45'), ('tombstone_days', '90'),"
    "  ('purged_seq', '0');",

    /* 3: evaluation, mentoring and community feedback */
    "CREATE TABLE evaluations("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  enrollment TEXT NOT NULL UNIQUE REFERENCES enrollments(id),"
    "  program TEXT NOT NULL, nip TEXT NOT NULL, unit TEXT NOT NULL,"
    "  materi INTEGER NOT NULL CHECK(materi BETWEEN 1 AND 5),"
    "  penyampaian INTEGER NOT NULL CHECK(penyampaian BETWEEN 1 AND 5),"
    "  aplikasi INTEGER NOT NULL CHECK(aplikasi BETWEEN 1 AND 5),"
    "  comment TEXT, submitted_at INTEGER NOT NULL);"
    "CREATE INDEX evaluations_program ON evaluations(program);"
    /* Every assessment is kept; `current` marks the latest per ASN x competency x period. */
    "CREATE TABLE assessments("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  nip TEXT NOT NULL REFERENCES asn(nip), unit TEXT NOT NULL,"
    "  competency TEXT NOT NULL REFERENCES competencies(code), period TEXT NOT NULL,"
    "  level INTEGER NOT NULL CHECK(level BETWEEN 1 AND 5), note TEXT,"
    "  assessed_at INTEGER NOT NULL, current INTEGER NOT NULL DEFAULT 1);"
    "CREATE UNIQUE INDEX assessments_current ON assessments(nip, competency, period)"
    "  WHERE current = 1;"
    "CREATE TABLE mentor_pairs("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  mentor TEXT NOT NULL REFERENCES asn(nip), mentee TEXT NOT NULL REFERENCES asn(nip),"
    "  unit TEXT NOT NULL, topic TEXT NOT NULL, competency TEXT REFERENCES competencies(code),"
    "  start_date TEXT NOT NULL, end_date TEXT, active INTEGER NOT NULL DEFAULT 1,"
    "  CHECK(mentor != mentee));"
    "CREATE TABLE mentor_logs("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  pair TEXT NOT NULL REFERENCES mentor_pairs(id), unit TEXT NOT NULL,"
    "  date TEXT NOT NULL, minutes INTEGER NOT NULL CHECK(minutes > 0), notes TEXT,"
    "  progress INTEGER CHECK(progress BETWEEN 1 AND 5));"
    "CREATE INDEX mentor_logs_pair ON mentor_logs(pair);"
    "CREATE TABLE surveys("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  unit TEXT NOT NULL REFERENCES units(code), service TEXT NOT NULL, period TEXT NOT NULL,"
    "  u1 INTEGER NOT NULL CHECK(u1 BETWEEN 1 AND 4), u2 INTEGER NOT NULL CHECK(u2 BETWEEN 1 AND "
    "4),"
    "  u3 INTEGER NOT NULL CHECK(u3 BETWEEN 1 AND 4), u4 INTEGER NOT NULL CHECK(u4 BETWEEN 1 AND "
    "4),"
    "  u5 INTEGER NOT NULL CHECK(u5 BETWEEN 1 AND 4), u6 INTEGER NOT NULL CHECK(u6 BETWEEN 1 AND "
    "4),"
    "  u7 INTEGER NOT NULL CHECK(u7 BETWEEN 1 AND 4), u8 INTEGER NOT NULL CHECK(u8 BETWEEN 1 AND "
    "4),"
    "  u9 INTEGER NOT NULL CHECK(u9 BETWEEN 1 AND 4),"
    "  age INTEGER, sex TEXT CHECK(sex IN ('L', 'P')), education TEXT, job TEXT,"
    "  submitted_at INTEGER NOT NULL);"
    "CREATE INDEX surveys_period ON surveys(period, unit);"
    "CREATE TABLE forums("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  unit TEXT NOT NULL REFERENCES units(code), date TEXT NOT NULL, topic TEXT NOT NULL,"
    "  input TEXT, follow_up TEXT);"
    "CREATE TABLE needs("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  unit TEXT NOT NULL REFERENCES units(code), year INTEGER NOT NULL,"
    "  competency TEXT NOT NULL REFERENCES competencies(code),"
    "  priority TEXT NOT NULL, reason TEXT);"
    "CREATE UNIQUE INDEX needs_one ON needs(unit, year, competency);",

    /* 4: a feed row is keyed by its entity too, so a row of one entity can
     * never replace or tombstone another's (issue 12); conflicts keep how
     * many fields of the op were dropped (not in the catalogue, or over its
     * limit), and a unit's oldest conflicts beyond the cap are summarised in
     * conflict_summary, one row per unit. */
    "DROP INDEX changes_row;"
    "CREATE UNIQUE INDEX changes_row ON changes(entity, entity_id, ifnull(scope, ''));"
    "ALTER TABLE conflicts ADD COLUMN dropped INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX conflicts_unit ON conflicts(unit, at, op_id);"
    "CREATE TABLE conflict_summary("
    "  unit TEXT PRIMARY KEY, n INTEGER NOT NULL, first_at INTEGER NOT NULL,"
    "  last_at INTEGER NOT NULL) WITHOUT ROWID;",

    /* 5: a renewed certificate stays valid until grace_until, then is
     * refused as revoked; renewed_by is the serial of its successor */
    "ALTER TABLE certs ADD COLUMN grace_until INTEGER;"
    "ALTER TABLE certs ADD COLUMN renewed_by TEXT;"
    "CREATE INDEX certs_unit ON certs(unit);",

    /* 6: records can be corrected (issue 10): a need withdrawn with its
     * reason, a forum note's follow-up state, owner and due date, a survey
     * response deleted with its reason (kept, left out of reports), and the
     * ledger of imported files (one row per import: kind, unit, digest) */
    "ALTER TABLE needs ADD COLUMN withdrawn_reason TEXT;"
    "ALTER TABLE needs ADD COLUMN withdrawn_at INTEGER;"
    "ALTER TABLE forums ADD COLUMN status TEXT NOT NULL DEFAULT 'terbuka';"
    "ALTER TABLE forums ADD COLUMN owner TEXT;"
    "ALTER TABLE forums ADD COLUMN due TEXT;"
    "ALTER TABLE surveys ADD COLUMN deleted_reason TEXT;"
    "ALTER TABLE surveys ADD COLUMN deleted_at INTEGER;"
    "CREATE TABLE imports("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  kind TEXT NOT NULL, unit TEXT NOT NULL, digest TEXT NOT NULL, file TEXT,"
    "  rows INTEGER NOT NULL, imported_at INTEGER NOT NULL);"
    "CREATE INDEX imports_digest ON imports(kind, unit, digest);",
    /* 7: programs can be corrected and cancelled, plans keep their
     * revision, approval and history, enrollments their corrections
     * (issue 10, decisions 65-67) */
    "ALTER TABLE programs ADD COLUMN location TEXT;"
    "ALTER TABLE programs ADD COLUMN status TEXT NOT NULL DEFAULT 'aktif'"
    "  CHECK(status IN ('aktif', 'batal'));"
    "ALTER TABLE programs ADD COLUMN cancel_reason TEXT;"
    "ALTER TABLE plans ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE plans ADD COLUMN approved_at INTEGER;"
    "ALTER TABLE plans ADD COLUMN approved_by TEXT;"
    "ALTER TABLE enrollments ADD COLUMN reason TEXT;"
    "CREATE TABLE plan_changes("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  year INTEGER NOT NULL, revision INTEGER NOT NULL, changed_at INTEGER NOT NULL,"
    "  by_unit TEXT NOT NULL, by_role TEXT NOT NULL, by_serial TEXT NOT NULL, by_name TEXT,"
    "  action TEXT NOT NULL, program TEXT, detail TEXT);"
    "CREATE INDEX plan_changes_year ON plan_changes(year, changed_at);"
    "CREATE TABLE enrollment_changes("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  enrollment TEXT NOT NULL REFERENCES enrollments(id), program TEXT NOT NULL,"
    "  nip TEXT NOT NULL, unit TEXT NOT NULL, changed_at INTEGER NOT NULL,"
    "  from_status TEXT, to_status TEXT NOT NULL, reason TEXT,"
    "  by_unit TEXT NOT NULL, by_role TEXT NOT NULL, by_serial TEXT NOT NULL, by_name TEXT);"
    "CREATE INDEX enrollment_changes_enrollment ON enrollment_changes(enrollment, changed_at);",
    /* 8: seats have names: a certificate keeps the name of the person its
     * seat is issued to; audit records and rejected ops name the seat (its
     * certificate's serial and name) beside its unit and role; the audit
     * log is looked up by row (audit list, audit verify) */
    "ALTER TABLE certs ADD COLUMN name TEXT;"
    "ALTER TABLE audit ADD COLUMN serial TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE audit ADD COLUMN name TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE conflicts ADD COLUMN serial TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE conflicts ADD COLUMN name TEXT NOT NULL DEFAULT '';"
    "CREATE INDEX audit_row ON audit(entity, entity_id, n);",
    /* 9: questionnaire answers without their person (docs/privacy.md): the
     * enrollment keeps only that it was answered; the answer keeps program,
     * unit and the answer under a random id, in a table without rowid, with
     * no time and no change sequence. The feed's evaluation rows go (no
     * replica receives answers), and rejected evaluation ops keep no answer. */
    "ALTER TABLE enrollments ADD COLUMN answered INTEGER NOT NULL DEFAULT 0;"
    "UPDATE enrollments SET answered = 1 WHERE id IN (SELECT enrollment FROM evaluations);"
    "CREATE TABLE answers("
    "  id TEXT PRIMARY KEY, program TEXT NOT NULL, unit TEXT NOT NULL,"
    "  materi INTEGER NOT NULL CHECK(materi BETWEEN 1 AND 5),"
    "  penyampaian INTEGER NOT NULL CHECK(penyampaian BETWEEN 1 AND 5),"
    "  aplikasi INTEGER NOT NULL CHECK(aplikasi BETWEEN 1 AND 5),"
    "  comment TEXT) WITHOUT ROWID;"
    "INSERT INTO answers(id, program, unit, materi, penyampaian, aplikasi, comment)"
    "  SELECT lower(hex(randomblob(16))), program, unit, materi, penyampaian, aplikasi, comment"
    "  FROM evaluations;"
    "DROP TABLE evaluations;"
    "ALTER TABLE answers RENAME TO evaluations;"
    "CREATE INDEX evaluations_program ON evaluations(program, unit);"
    "DELETE FROM changes WHERE entity = 'evaluation';"
    "UPDATE conflicts SET fields = json_remove(fields, '$.materi', '$.penyampaian',"
    "  '$.aplikasi', '$.comment') WHERE entity = 'evaluation';"
    /* an audit record keeps a redacted snapshot's digest (audit_redact.c) */
    "ALTER TABLE audit ADD COLUMN digest TEXT;",
    /* 10: competency standards: the level a jabatan requires in a competency
     * (its range is the catalogue's, as for assessments); one per jabatan,
     * matched without regard to case, and competency */
    "CREATE TABLE standards("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  jabatan TEXT NOT NULL, competency TEXT NOT NULL REFERENCES competencies(code),"
    "  level INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX standards_one ON standards(lower(jabatan), competency);",
    /* 11: the people a unit served in a period (SKM), whose count gives the
     * IKM's minimum sample; one per unit and period */
    "CREATE TABLE populations("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  unit TEXT NOT NULL REFERENCES units(code), period TEXT NOT NULL,"
    "  served INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX populations_one ON populations(unit, period);",
    /* 12: evaluation levels 2 and 3: a pre/post test and a follow-up on the
     * job per enrollment (their ranges are the catalogue's) */
    "CREATE TABLE learning_tests("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  program TEXT NOT NULL REFERENCES programs(code), nip TEXT NOT NULL REFERENCES asn(nip),"
    "  unit TEXT NOT NULL, enrollment TEXT NOT NULL UNIQUE REFERENCES enrollments(id),"
    "  pre INTEGER NOT NULL, post INTEGER NOT NULL, tested_at INTEGER NOT NULL);"
    "CREATE INDEX learning_tests_program ON learning_tests(program, unit);"
    "CREATE TABLE followups("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  program TEXT NOT NULL REFERENCES programs(code), nip TEXT NOT NULL REFERENCES asn(nip),"
    "  unit TEXT NOT NULL, enrollment TEXT NOT NULL UNIQUE REFERENCES enrollments(id),"
    "  rating INTEGER NOT NULL, note TEXT, recorded_at INTEGER NOT NULL);"
    "CREATE INDEX followups_program ON followups(program, unit);",
    /* 13: records of training from outside the plan, pending until HR
     * verifies or rejects them; klasikal is the method's kind when added */
    "CREATE TABLE records("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  nip TEXT NOT NULL REFERENCES asn(nip), unit TEXT NOT NULL REFERENCES units(code),"
    "  title TEXT NOT NULL, organizer TEXT NOT NULL, method TEXT NOT NULL,"
    "  start_date TEXT NOT NULL, end_date TEXT NOT NULL, jp INTEGER NOT NULL,"
    "  certificate TEXT, klasikal INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'pending',"
    "  reject_reason TEXT, added_at INTEGER NOT NULL, decided_at INTEGER, decided_by TEXT);"
    "CREATE INDEX records_nip ON records(nip, status);",
    /* 14: certificates of completion (STTPP): one per selesai enrollment,
     * numbered in one sequence per year, with a verification code; a
     * correction that removes the selesai revokes it, and no row is ever
     * deleted, so a number is never given twice */
    "CREATE TABLE certificates("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  enrollment TEXT NOT NULL UNIQUE REFERENCES enrollments(id), program TEXT NOT NULL,"
    "  nip TEXT NOT NULL, unit TEXT NOT NULL, number TEXT NOT NULL UNIQUE,"
    "  code TEXT NOT NULL UNIQUE, year INTEGER NOT NULL, issued_at INTEGER NOT NULL,"
    "  revoked_at INTEGER, revoked_reason TEXT);"
    "CREATE INDEX certificates_year ON certificates(year);"
    "CREATE INDEX certificates_nip ON certificates(nip);",
    /* 15: the feed's row key leads with the row's id, so the one live
     * change of a row answers which entity owns an id (insert.c) in one
     * index lookup; the key and its uniqueness are the same (decision 148) */
    "DROP INDEX changes_row;"
    "CREATE UNIQUE INDEX changes_row ON changes(entity_id, entity, ifnull(scope, ''));",
    /* 16: the feed without AUTOINCREMENT, whose counter row every INSERT
     * rewrote; the highest sequence ever given is meta's feed_seq, written
     * once per transaction (feed.c), so a purged newest change still never
     * sees its sequence given again (decision 166). SQLite's way of
     * dropping AUTOINCREMENT is a new table; a PostgreSQL port has a
     * sequence and needs neither. */
    "CREATE TABLE changes_16("
    "  seq INTEGER PRIMARY KEY, entity TEXT NOT NULL, entity_id TEXT NOT NULL,"
    "  scope TEXT, deleted INTEGER NOT NULL DEFAULT 0, at INTEGER NOT NULL, data BLOB);"
    "INSERT INTO changes_16(seq, entity, entity_id, scope, deleted, at, data)"
    "  SELECT seq, entity, entity_id, scope, deleted, at, data FROM changes ORDER BY seq;"
    "INSERT INTO meta(key, value) VALUES('feed_seq', (SELECT max("
    "  ifnull((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0),"
    "  ifnull((SELECT max(seq) FROM changes), 0))))"
    "  ON CONFLICT(key) DO UPDATE SET value = excluded.value;"
    "DROP TABLE changes;"
    "ALTER TABLE changes_16 RENAME TO changes;"
    "CREATE UNIQUE INDEX changes_row ON changes(entity_id, entity, ifnull(scope, ''));",
    /* 17: certificates of completion given after the backup a restore put
     * back, held by their enrollment until its selesai comes back with the
     * offices' journals and takes the same number and code again
     * (cmd_restore.c, certificate.c; decision 179). The server's alone: it
     * is no catalogue entity and is not synced. */
    "CREATE TABLE certificates_held("
    "  enrollment TEXT PRIMARY KEY, id TEXT NOT NULL, number TEXT NOT NULL UNIQUE,"
    "  code TEXT NOT NULL UNIQUE, year INTEGER NOT NULL, issued_at INTEGER NOT NULL);",
    /* 18: a held certificate names its person, program and unit, so HR can
     * list what waits for whose completion (`renbin certificate held`), and
     * keeps its revocation: a paper revoked before the restore stays so, its
     * number and code retired (decision 181). So the table is keyed by the
     * certificate's id, with one row waiting per enrollment; a revoked row
     * may sit beside the enrollment's later certificate. Rows held before it
     * have no person, program or unit. */
    "CREATE TABLE certificates_held_18("
    "  id TEXT PRIMARY KEY, enrollment TEXT NOT NULL, number TEXT NOT NULL UNIQUE,"
    "  code TEXT NOT NULL UNIQUE, year INTEGER NOT NULL, issued_at INTEGER NOT NULL,"
    "  program TEXT, nip TEXT, unit TEXT, revoked_at INTEGER, revoked_reason TEXT);"
    "INSERT INTO certificates_held_18(id, enrollment, number, code, year, issued_at)"
    "  SELECT id, enrollment, number, code, year, issued_at FROM certificates_held;"
    "DROP TABLE certificates_held;"
    "ALTER TABLE certificates_held_18 RENAME TO certificates_held;"
    "CREATE UNIQUE INDEX certificates_held_waiting ON certificates_held(enrollment)"
    "  WHERE revoked_at IS NULL;",
#ifdef RENBIN_TEST_FIELD
    /* The test-only field of common/entity.c (a test build only). */
    "ALTER TABLE forums ADD COLUMN place TEXT;",
#endif
};

/* The first comment line of each migration, for `renbind migrate --dry-run`. */
static const char *const migration_notes[] = {
    "certificates issued by the CA",
    "the plan's first half, the change feed, ops, rejected ops, the audit chain",
    "evaluation, mentoring and community feedback",
    "feed rows keyed by entity; conflicts count dropped fields; conflict summary",
    "renewed certificates: a grace period, then refused as revoked",
    "records can be corrected: withdrawn needs, forum follow-up, deleted surveys, import ledger",
    "program corrections and cancellation, plan revisions and history, enrollment corrections",
    "seats have names: certificates, audit records and rejected ops name the seat",
    "questionnaire answers without their person",
    "competency standards per jabatan",
    "the people a unit served in a period (SKM)",
    "evaluation levels 2 and 3: pre/post tests and follow-ups on the job",
    "records of training from outside the plan",
    "certificates of completion (STTPP), numbered per year, with a verification code",
    "the feed's row key leads with the id: which entity owns an id in one lookup",
    "the feed's highest sequence kept in meta, not by AUTOINCREMENT",
    "certificates of completion a restore holds for their completion's return",
    "a held certificate names its person, program and unit, and keeps its revocation",
#ifdef RENBIN_TEST_FIELD
    "the test-only field of common/entity.c",
#endif
};

#define N_MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))
_Static_assert(sizeof(migrations) / sizeof(migrations[0]) ==
                   sizeof(migration_notes) / sizeof(migration_notes[0]),
               "every migration has a note");

int store_backup(sqlite3 *src, const char *path, struct rb_err *e)
{
        sqlite3 *dst = NULL;
        sqlite3_backup *b;
        int rc;

        if ((rc = sqlite3_open(path, &dst)) != SQLITE_OK ||
            (b = sqlite3_backup_init(dst, "main", src, "main")) == NULL) {
                db_error_on(dst, dst ? sqlite3_errcode(dst) : rc, "backup", e);
                sqlite3_close(dst);
                return -1;
        }
        /* Copy in steps so writers are only briefly held back. */
        while ((rc = sqlite3_backup_step(b, 256)) == SQLITE_OK || rc == SQLITE_BUSY ||
               rc == SQLITE_LOCKED)
                sqlite3_sleep(rc == SQLITE_OK ? 0 : 20);
        sqlite3_backup_finish(b);
        if (rc != SQLITE_DONE)
                db_error_on(dst, rc, "backup", e);
        if (sqlite3_close(dst) != SQLITE_OK && rc == SQLITE_DONE)
                return err_set(e, RB_INTERNAL, NULL, "sqlite3_close: %s", sqlite3_errmsg(dst));
        return rc == SQLITE_DONE ? 0 : -1;
}

/* Before migrating an existing database from version have: a copy beside it,
 * PATH.before-vN (N the target version), through fs_out, and one line saying
 * so. 0, or -1 with e (then nothing is migrated). */
static int backup_before(sqlite3 *db, const char *path, int have, struct rb_err *e)
{
        char out[4200];
        struct fs_out o;

        snprintf(out, sizeof(out), "%s.before-v%d", path, N_MIGRATIONS);
        if (fs_out_open(&o, out, 0600, FS_OUT_REPLACE, e) != 0 || store_backup(db, o.tmp, e) != 0 ||
            fs_out_commit(&o, e) != 0) {
                fs_out_abort(&o);
                return err_set(e, e->code, "data", _("cannot back up %s before migrating: %s"),
                               path, e->msg);
        }
        fprintf(stderr, _("renbind: database schema %d -> %d: backed up to %s first\n"), have,
                N_MIGRATIONS, out);
        return 0;
}

int store_target(void)
{
        return N_MIGRATIONS;
}

int store_versions(const char *data, int *have, int *target, struct rb_err *e)
{
        char path[4096];
        long long v = 0;
        sqlite3 *db;
        int rc;

        *target = N_MIGRATIONS;
        if (fs_join(path, sizeof(path), data, STORE_FILE) != 0 || !fs_exists(path))
                return err_set(e, RB_PRECONDITION, "data",
                               _("%s is not a renbin data folder (run renbind init --data %s)"),
                               data, data);
        if ((db = db_open(path, 0, e)) == NULL)
                return -1;
        rc = db_value(db, "PRAGMA user_version", NULL, &v, e) < 0 ? -1 : 0;
        db_close(db);
        *have = (int)v;
        return rc;
}

const char *store_migration_note(int version)
{
        return version >= 1 && version <= N_MIGRATIONS ? migration_notes[version - 1] : "";
}

int store_new_generation(sqlite3 *db, struct rb_err *e)
{
        char id[UUID_STR];

        if (uuid7_make(id) != 0)
                return err_set(e, RB_INTERNAL, NULL, _("no randomness for an id"));
        return store_meta_set(db, "generation", id, e);
}

/* A database made before generations gets its first one when opened. */
static int generation_ensure(sqlite3 *db, struct rb_err *e)
{
        long long n = 0;

        if (db_value(db, "SELECT count(*) FROM meta WHERE key = 'generation'", NULL, &n, e) < 0)
                return -1;
        return n > 0 ? 0 : store_new_generation(db, e);
}

int store_last_seq(sqlite3 *db, long long *seq, struct rb_err *e)
{
        *seq = 0;
        return db_value(db, STORE_LAST_SEQ_SQL(""), NULL, seq, e) < 0 ? -1 : 0;
}

/* The migration that took answers from their person (9, below). */
#define MIGRATION_ANSWERS 9

/* No audit record keeps an answer (docs/privacy.md): those written before
 * answers lost their person are redacted the first time the database is
 * opened after migration 9, in one transaction; later opens find none. */
static int answers_redacted(sqlite3 *db, struct rb_err *e)
{
        long long v = 0;

        if (db_value(db, "PRAGMA user_version", NULL, &v, e) < 0)
                return -1;
        if (v < MIGRATION_ANSWERS)
                return 0; /* a test database kept at an older schema */
        if (db_begin(db, e) != 0)
                return -1;
        if (audit_redact_private(db, e) < 0) {
                db_rollback(db);
                return -1;
        }
        return db_commit(db, e);
}

/* How many migrations a new database gets: all of them, or, for the upgrade
 * tests only, the first RENBIN_TEST_SCHEMA (a database as an older release
 * left it, which the next open migrates like any other). */
static int migrations_at_create(void)
{
        const char *s = getenv("RENBIN_TEST_SCHEMA");
        int n = s != NULL ? atoi(s) : 0;

        return n > 0 && n < N_MIGRATIONS ? n : N_MIGRATIONS;
}

sqlite3 *store_open(const char *data, int flags, struct rb_err *e)
{
        int create = flags & STORE_CREATE, copy = !(flags & STORE_NO_COPY);
        long long have = 0;
        char path[4096];
        sqlite3 *db;

        if (fs_join(path, sizeof(path), data, STORE_FILE) != 0) {
                err_set(e, RB_INVALID, "data", _("path too long: %s"), data);
                return NULL;
        }
        if (!create && !fs_exists(path)) {
                err_set(e, RB_PRECONDITION, "data",
                        _("%s is not a renbin data folder (run renbind init --data %s)"), data,
                        data);
                return NULL;
        }
        if ((db = db_open(path, create, e)) == NULL)
                return NULL;
        if (db_value(db, "PRAGMA user_version", NULL, &have, e) < 0 ||
            (copy && have > 0 && have < N_MIGRATIONS &&
             backup_before(db, path, (int)have, e) != 0) ||
            db_migrate(db, migrations, have == 0 && create ? migrations_at_create() : N_MIGRATIONS,
                       e) ||
            generation_ensure(db, e) != 0 || answers_redacted(db, e) != 0) {
                db_close(db);
                return NULL;
        }
        return db;
}

/* The columns every synced table has besides the catalogue's fields: the
 * row's id and its change sequence (feed.c selects by id and stamps seq). */
static const char *const row_columns[] = {"id", "seq"};

/* 1 if table has column col, 0 if not, -1 with e on a database error. */
static int table_has(sqlite3 *db, const char *table, const char *col, struct rb_err *e)
{
        sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", e);
        int rc;

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, col, -1, SQLITE_STATIC);
        rc = db_step(db, st, e);
        sqlite3_reset(st);
        return rc;
}

/* 0 if table has col; else -1 with e (FAILED_PRECONDITION naming it). */
static int column_check(sqlite3 *db, const struct entity_def *d, const char *col, struct rb_err *e)
{
        int has = table_has(db, d->table, col, e);

        if (has == 1)
                return 0;
        if (has == 0)
                err_set(e, RB_PRECONDITION, col,
                        _("the database lacks column %s.%s of entity %s (the catalogue names it; "
                          "add a migration)"),
                        d->table, col, d->name);
        return -1;
}

int store_check_catalogue(sqlite3 *db, struct rb_err *e)
{
        for (size_t i = 0; i < entity_count; i++) {
                const struct entity_def *d = entity_defs[i];

                /* A server-only table is its rule hook's (the answers, e_eval.c). */
                if (!entity_synced(d))
                        continue;
                for (size_t k = 0; k < sizeof(row_columns) / sizeof(row_columns[0]); k++)
                        if (column_check(db, d, row_columns[k], e) != 0)
                                return -1;
                for (size_t k = 0; k < d->nfields; k++)
                        if (column_check(db, d, d->fields[k].name, e) != 0)
                                return -1;
        }
        return 0;
}

/* Asked before every call of a unit office: a cached statement, not a prepare. */
int store_unit_active(sqlite3 *db, const char *code)
{
        struct rb_err e;
        sqlite3_stmt *st = db_stmt(db, "SELECT active FROM units WHERE code = ?1", &e);
        int active;

        if (st == NULL) {
                log_err("unit %s: %s", code, e.msg);
                return 0;
        }
        sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
        if ((active = db_step(db, st, &e)) > 0)
                active = sqlite3_column_int(st, 0) == 1;
        sqlite3_reset(st);
        if (active < 0) {
                log_err("unit %s: %s", code, e.msg);
                return 0;
        }
        return active;
}

const char *store_meta(sqlite3 *db, const char *key, char *buf, size_t len)
{
        struct rb_err e;
        sqlite3_stmt *st = db_stmt(db, "SELECT value FROM meta WHERE key = ?1", &e);
        int rc;

        if (st == NULL) {
                log_err("setting %s: %s", key, e.msg);
                return NULL;
        }
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        if ((rc = db_step(db, st, &e)) <= 0) {
                if (rc < 0)
                        log_err("setting %s: %s", key, e.msg);
                sqlite3_reset(st);
                return NULL;
        }
        snprintf(buf, len, "%s", db_col_text(st, 0));
        sqlite3_reset(st);
        return buf;
}

int store_meta_set(sqlite3 *db, const char *key, const char *value, struct rb_err *e)
{
        sqlite3_stmt *st = db_stmt(db,
                                   "INSERT INTO meta(key, value) VALUES(?1, ?2)"
                                   " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                                   e);

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
        return db_run(db, st, e);
}

/* Asked after every handshake: a cached statement, not a prepare. */
int store_cert_revoked(sqlite3 *db, const char *serial)
{
        struct rb_err e;
        sqlite3_stmt *st = db_stmt(db,
                                   "SELECT revoked_at IS NOT NULL OR ifnull(grace_until <= ?2, 0)"
                                   " FROM certs WHERE serial = ?1",
                                   &e);
        int revoked;

        if (st == NULL) {
                log_err("certificate %s refused: cannot check revocation: %s", serial, e.msg);
                return 1;
        }
        sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, clock_now());
        if ((revoked = db_step(db, st, &e)) > 0)
                revoked = sqlite3_column_int(st, 0) != 0;
        sqlite3_reset(st);
        if (revoked < 0) {
                log_err("certificate %s refused: cannot check revocation: %s", serial, e.msg);
                return 1;
        }
        return revoked;
}

int store_generation(sqlite3 *db, long long gen[2])
{
        struct rb_err e;
        long long v = 0;

        if (db_value(db, "PRAGMA data_version", NULL, &v, &e) < 0) {
                log_err("cannot read the database's data_version: %s", e.msg);
                return -1;
        }
        gen[0] = v;
        gen[1] = (long long)sqlite3_total_changes64(db);
        return 0;
}

static const char SQL_PURGE_TOP[] =
    "SELECT ifnull(max(seq), 0) FROM changes WHERE deleted = 1 AND at < ?1";

int store_purge_tombstones(sqlite3 *db, struct rb_err *e)
{
        char days[16] = "90", seq[32];
        long long cutoff, top;

        store_meta(db, "tombstone_days", days, sizeof(days));
        cutoff = (long long)time(NULL) - atoll(days) * 86400;
        snprintf(seq, sizeof(seq), "%lld", cutoff);
        top = 0;
        if (db_value(db, SQL_PURGE_TOP, seq, &top, e) < 0)
                return -1;
        if (top == 0)
                return 0;
        if (db_begin(db, e) != 0)
                return -1;
        snprintf(seq, sizeof(seq), "%lld", top);
        sqlite3_stmt *st = db_prepare(db, "DELETE FROM changes WHERE deleted = 1 AND seq <= ?1", e);
        if (st == NULL) {
                db_rollback(db);
                return -1;
        }
        sqlite3_bind_int64(st, 1, top);
        if (db_step(db, st, e) < 0) {
                sqlite3_finalize(st);
                db_rollback(db);
                return -1;
        }
        sqlite3_finalize(st);
        if (store_meta_set(db, "purged_seq", seq, e) != 0) {
                db_rollback(db);
                return -1;
        }
        return db_commit(db, e);
}
