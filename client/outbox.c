/*
 * outbox.c - queueing local writes and reporting what became of them. This
 * file owns the outbox table: its schema, its columns and the JSON of its
 * fields are known here only, and every other module asks through the named
 * functions of outbox.h (tests/lint/outbox_sql.sh keeps it so).
 */
#include "outbox.h"
#include "outbox_schema.h"
#include "db.h"
#include "entity.h"
#include "i18n.h"
#include "opts.h"
#include "out.h"
#include "wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char outbox_schema[] =
    "CREATE TABLE outbox("
    "  n INTEGER PRIMARY KEY AUTOINCREMENT, op_id TEXT NOT NULL UNIQUE,"
    "  entity TEXT NOT NULL, entity_id TEXT NOT NULL, action TEXT NOT NULL,"
    "  base_seq INTEGER NOT NULL DEFAULT 0, fields TEXT NOT NULL, label TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'pending' CHECK(state IN ('pending', 'done', 'rejected')),"
    "  code INTEGER, message TEXT, field TEXT, result_seq INTEGER, detail TEXT,"
    "  answered_at INTEGER);"
    "CREATE INDEX outbox_state ON outbox(state, n);";
const char outbox_schema_dismissed[] =
    "ALTER TABLE outbox ADD COLUMN dismissed INTEGER NOT NULL DEFAULT 0;";
/* Done questionnaires of an older outbox keep no answer either (the
 * evaluation's FD_PRIVATE fields as the catalogue names them; blank_private
 * does it for every op answered since). */
const char outbox_schema_blank_answers[] =
    "UPDATE outbox SET fields = json_remove(fields, '$.materi', '$.penyampaian', '$.aplikasi',"
    " '$.comment') WHERE entity = 'evaluation' AND state = 'done';";

const char outbox_schema_retried[] =
    "ALTER TABLE outbox ADD COLUMN retried TEXT;"
    "CREATE INDEX outbox_entity ON outbox(entity_id);"
    "CREATE INDEX outbox_enroll_nip ON outbox(json_extract(fields, '$.nip'))"
    " WHERE entity = 'enrollment' AND action = 'create';";

/* An op a (the create of a row) that op b must wait for: a is unanswered,
 * or rejected and neither dismissed nor retried (its retry is a new pending
 * create of the same row). */
/* clang-format off */
#define BLOCKS(a)                                                                          \
        a ".action = 'create' AND (" a ".state = 'pending' OR (" a ".state = 'rejected'"  \
        " AND " a ".dismissed = 0 AND " a ".retried IS NULL))"
/* The op that b waits on, in three indexed lookups (an outbox of thousands
 * of ops is read in milliseconds): the create of b's row, of its mentoring
 * pair, or (a questionnaire) of the enrollment it is for. */
#define WAITS_ON(b)                                                                        \
        "coalesce((SELECT a.op_id FROM outbox a WHERE a.entity_id = " b ".entity_id"      \
        " AND a.n != " b ".n AND " BLOCKS("a") " ORDER BY a.n LIMIT 1),"                  \
        " (SELECT a.op_id FROM outbox a"                                                   \
        " WHERE a.entity_id = json_extract(" b ".fields, '$.pair')"                       \
        " AND " BLOCKS("a") " ORDER BY a.n LIMIT 1),"                                     \
        " CASE " b ".entity WHEN 'evaluation' THEN (SELECT a.op_id FROM outbox a"         \
        " WHERE json_extract(a.fields, '$.nip') = json_extract(" b ".fields, '$.nip')"    \
        " AND a.entity = 'enrollment' AND " BLOCKS("a")                                   \
        " AND json_extract(a.fields, '$.program') = json_extract(" b ".fields, '$.program')" \
        " ORDER BY a.n LIMIT 1) END)"
/* clang-format on */

static const char SQL_ADD[] =
    "INSERT INTO outbox(op_id, entity, entity_id, action, base_seq, fields, label, created_at)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char SQL_STATE[] =
    "SELECT state, ifnull(code, 0), ifnull(message, ''), ifnull(field, ''), ifnull(detail, '')"
    " FROM outbox WHERE op_id = ?1";
static const char SQL_LABEL[] = "SELECT label FROM outbox WHERE op_id = ?1";

/* The result word translated for text output, the rest of detail kept. */
const char *outbox_result_text(const char *detail, char *buf, size_t len)
{
        size_t word = strcspn(detail, ":");

        snprintf(buf, len, "%s", detail);
        for (size_t i = 0; i < entity_result_count; i++)
                if (strlen(entity_results[i].wire) == word &&
                    strncmp(detail, entity_results[i].wire, word) == 0) {
                        snprintf(buf, len, "%s%s", _(entity_results[i].label), detail + word);
                        break;
                }
        return buf;
}

int outbox_may_write(struct cli *cli, struct rb_err *e)
{
        char role[16] = "";

        if (cli_setup_needed(cli, "role", role, sizeof(role), e) != 0)
                return -1;
        if (role_bit(role) == ROLE_AUDITOR)
                return err_set(e, RB_DENIED, NULL,
                               _("an auditor's seat is read-only: it may read and export, not "
                                 "change anything"));
        return 0;
}

int outbox_may_do(struct cli *cli, const char *entity, const char *action, struct rb_err *e)
{
        const struct entity_def *d = entity_find(entity);
        const struct action_def *a = d != NULL ? entity_action(d, action) : NULL;
        char role[16] = "", unit[64] = "";

        if (outbox_may_write(cli, e) != 0)
                return -1;
        cli_get(cli, "role", role, sizeof(role));
        /* The server decides; a write the catalogue gives to HR alone is
         * refused here before it is queued, with who to ask. */
        if (a == NULL || (a->roles & role_bit(role)) != 0)
                return 0;
        cli_get(cli, "unit", unit, sizeof(unit));
        if (a->roles == ROLE_HR)
                return err_set(e, RB_DENIED, "role",
                               _("only central HR (BKPSDM) may do this; this is the seat "
                                 "of office %s (role %s); ask BKPSDM"),
                               unit, role);
        return entity_may(d, a, role_bit(role), e);
}

int outbox_add(struct cli *cli, const char *entity, const char *entity_id, const char *action,
               json_t *fields, const char *label, char op_id_out[UUID_STR], char id_out[UUID_STR],
               struct rb_err *e)
{
        char op_id[UUID_STR], id[UUID_STR];
        sqlite3_stmt *st;
        char *js;
        int rc;

        if (cli_db(cli, e) == NULL)
                return -1;
        if (uuid7_make(op_id) != 0 || (entity_id == NULL && uuid7_make(id) != 0))
                return err_set(e, RB_INTERNAL, NULL, _("no randomness for an id"));
        if (entity_id != NULL)
                snprintf(id, sizeof(id), "%s", entity_id);
        if ((st = db_stmt(cli->db, SQL_ADD, e)) == NULL)
                return -1;
        js = json_dumps(fields, JSON_COMPACT | JSON_PRESERVE_ORDER);
        sqlite3_bind_text(st, 1, op_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, entity, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, 0);
        sqlite3_bind_text(st, 6, js ? js : "{}", -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 7, label, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 8, (sqlite3_int64)time(NULL));
        rc = db_run(cli->db, st, e);
        free(js);
        if (rc != 0)
                return -1;
        if (op_id_out)
                memcpy(op_id_out, op_id, UUID_STR);
        if (id_out)
                memcpy(id_out, id, UUID_STR);
        return 0;
}

int outbox_state(struct cli *cli, const char *op_id, struct op_state *s, struct rb_err *e)
{
        sqlite3_stmt *st;
        int found;

        memset(s, 0, sizeof(*s));
        if (cli_db(cli, e) == NULL || (st = db_stmt(cli->db, SQL_STATE, e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, op_id, -1, SQLITE_STATIC);
        if ((found = db_step(cli->db, st, e)) > 0) {
                snprintf(s->state, sizeof(s->state), "%s", db_col_text(st, 0));
                s->code = sqlite3_column_int(st, 1);
                snprintf(s->message, sizeof(s->message), "%s", db_col_text(st, 2));
                snprintf(s->field, sizeof(s->field), "%s", db_col_text(st, 3));
                snprintf(s->detail, sizeof(s->detail), "%s", db_col_text(st, 4));
        }
        sqlite3_reset(st);
        if (found < 0)
                return -1;
        if (found == 0)
                return err_set(e, RB_NOT_FOUND, "op_id", _("no op %s in the outbox"), op_id);
        return 0;
}

/* Runs a lookup bound to up to two texts whose first column is copied to
 * out: 1, 0 when there is no row (out ""), or -1 with e. */
static int lookup(struct cli *cli, const char *sql, const char *a, const char *b, char *out,
                  size_t len, struct rb_err *e)
{
        sqlite3_stmt *st;
        int found;

        out[0] = '\0';
        if (cli_db(cli, e) == NULL || (st = db_stmt(cli->db, sql, e)) == NULL)
                return -1;
        db_bind_text(st, 1, a);
        db_bind_text(st, 2, b);
        if ((found = db_step(cli->db, st, e)) > 0)
                snprintf(out, len, "%s", db_col_text(st, 0));
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return found;
}

int outbox_label(struct cli *cli, const char *op_id, char *buf, size_t len, struct rb_err *e)
{
        return lookup(cli, SQL_LABEL, op_id, NULL, buf, len, e);
}

/* --- What waits and what was answered (outbox.h) --- */

static const char SQL_COUNT[] =
    "SELECT count(*) FILTER (WHERE state = 'pending'),"
    " count(*) FILTER (WHERE state = 'rejected' AND dismissed = 0 AND retried IS NULL),"
    " count(*) FILTER (WHERE state = 'done') FROM outbox";
static const char SQL_PENDING_LABELS[] =
    "SELECT label FROM outbox WHERE state = 'pending' ORDER BY n LIMIT 50";
static const char SQL_REJECTED[] =
    "SELECT label, code, message, field, answered_at FROM outbox WHERE state = 'rejected'"
    " AND dismissed = 0 AND retried IS NULL ORDER BY n DESC LIMIT 50";
/* Only the ones status lists (the newest 50): the others have not been read. */
static const char SQL_DISMISS[] =
    "UPDATE outbox SET dismissed = 1 WHERE n IN (SELECT n FROM outbox WHERE state = 'rejected'"
    " AND dismissed = 0 AND retried IS NULL ORDER BY n DESC LIMIT 50)";
/* An op whose row is not created yet waits (outbox.h). */
static const char SQL_PENDING_OPS[] =
    "SELECT op_id, entity, entity_id, action, base_seq, fields, created_at FROM outbox b"
    " WHERE state = 'pending' AND " WAITS_ON("b") " IS NULL ORDER BY n LIMIT ?1";
static const char SQL_BLANK[] =
    "UPDATE outbox SET fields = json_remove(fields, '$.' || ?3) WHERE op_id = ?1 AND entity = ?2"
    " AND json_type(fields, '$.' || ?3) IS NOT NULL";
static const char SQL_ANSWER[] =
    "UPDATE outbox SET state = ?2, code = ?3, message = ?4, field = ?5, result_seq = ?6,"
    " detail = ?7, answered_at = ?8 WHERE op_id = ?1";

int outbox_count(struct cli *cli, struct outbox_counts *c, struct rb_err *e)
{
        sqlite3_stmt *st;
        int rc;

        memset(c, 0, sizeof(*c));
        if (cli_db(cli, e) == NULL || (st = db_stmt(cli->db, SQL_COUNT, e)) == NULL)
                return -1;
        if ((rc = db_step(cli->db, st, e)) > 0) {
                c->pending = sqlite3_column_int64(st, 0);
                c->rejected = sqlite3_column_int64(st, 1);
                c->done = sqlite3_column_int64(st, 2);
        }
        sqlite3_reset(st);
        return rc < 0 ? -1 : 0;
}

json_t *outbox_pending_labels(struct cli *cli, struct rb_err *e)
{
        json_t *arr = json_array();
        sqlite3_stmt *st;
        int rc = -1;

        if (cli_db(cli, e) != NULL && (st = db_stmt(cli->db, SQL_PENDING_LABELS, e)) != NULL) {
                while ((rc = db_step(cli->db, st, e)) > 0)
                        json_array_append_new(arr, json_string(db_col_text(st, 0)));
                sqlite3_reset(st);
        }
        if (rc == 0)
                return arr;
        json_decref(arr);
        return NULL;
}

json_t *outbox_rejected_ops(struct cli *cli, struct rb_err *e)
{
        json_t *arr = json_array();
        sqlite3_stmt *st;
        int rc = -1;

        if (cli_db(cli, e) != NULL && (st = db_stmt(cli->db, SQL_REJECTED, e)) != NULL) {
                while ((rc = db_step(cli->db, st, e)) > 0)
                        json_array_append_new(
                            arr,
                            json_pack("{s:s, s:s, s:s, s:s, s:I}", "what", db_col_text(st, 0),
                                      "code", err_code_name(sqlite3_column_int(st, 1)), "reason",
                                      db_col_text(st, 2), "field", db_col_text(st, 3), "at",
                                      (json_int_t)sqlite3_column_int64(st, 4)));
                sqlite3_reset(st);
        }
        if (rc == 0)
                return arr;
        json_decref(arr);
        return NULL;
}

int outbox_dismiss(struct cli *cli, int *n, struct rb_err *e)
{
        sqlite3_stmt *st;

        if (cli_db(cli, e) == NULL || (st = db_stmt(cli->db, SQL_DISMISS, e)) == NULL ||
            db_run(cli->db, st, e) != 0)
                return -1;
        *n = sqlite3_changes(cli->db);
        return 0;
}

/* Builds one Op from an outbox row, in arena memory. */
static Renbin__Op *op_from_row(struct arena *a, sqlite3_stmt *st)
{
        Renbin__Op *op = arena_alloc(a, sizeof(*op));
        json_t *fields = json_loads(db_col_text(st, 5), 0, NULL);
        size_t cap = 0;
        const char *k;
        json_t *v;

        renbin__op__init(op);
        op->op_id = arena_strdup(a, db_col_text(st, 0));
        op->entity = arena_strdup(a, db_col_text(st, 1));
        op->entity_id = arena_strdup(a, db_col_text(st, 2));
        op->action = arena_strdup(a, db_col_text(st, 3));
        op->base_seq = (uint64_t)sqlite3_column_int64(st, 4);
        op->created_at = sqlite3_column_int64(st, 6);
        json_object_foreach(fields, k, v)
        {
                if (json_is_string(v))
                        wire_field_add(a, &op->fields, &op->n_fields, &cap, k,
                                       json_string_value(v));
        }
        json_decref(fields);
        return op;
}

int outbox_pending_ops(struct cli *cli, struct arena *a, size_t max, Renbin__Op **ops,
                       struct rb_err *e)
{
        sqlite3_stmt *st;
        int n = 0, rc = 0;

        if (cli_db(cli, e) == NULL || (st = db_stmt(cli->db, SQL_PENDING_OPS, e)) == NULL)
                return -1;
        sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
        while ((size_t)n < max && (rc = db_step(cli->db, st, e)) > 0)
                ops[n++] = op_from_row(a, st);
        sqlite3_reset(st);
        return rc < 0 ? -1 : n;
}

/* Blanks the answer (FD_PRIVATE fields) of op_id if it is a done op: once
 * the server holds the answer, the office keeps no copy next to the person's
 * NIP (docs/privacy.md). A rejected op keeps it, for a retry. */
static int blank_private(struct cli *cli, const char *op_id, struct rb_err *e)
{
        for (size_t i = 0; i < entity_count; i++) {
                const struct entity_def *d = entity_defs[i];

                for (size_t f = 0; f < d->nfields; f++) {
                        sqlite3_stmt *st;

                        if ((d->fields[f].flags & FD_PRIVATE) == 0)
                                continue;
                        if ((st = db_stmt(cli->db, SQL_BLANK, e)) == NULL)
                                return -1;
                        sqlite3_bind_text(st, 1, op_id, -1, SQLITE_STATIC);
                        sqlite3_bind_text(st, 2, d->name, -1, SQLITE_STATIC);
                        sqlite3_bind_text(st, 3, d->fields[f].name, -1, SQLITE_STATIC);
                        if (db_run(cli->db, st, e) != 0)
                                return -1;
                }
        }
        return 0;
}

int outbox_answer(struct cli *cli, const Renbin__OpResult *o, struct rb_err *e)
{
        int code = o->status ? (int)o->status->code : 0;
        sqlite3_stmt *st;

        if (cli_db(cli, e) == NULL || (code == RB_OK && blank_private(cli, o->op_id, e) != 0) ||
            (st = db_stmt(cli->db, SQL_ANSWER, e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, o->op_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, code == RB_OK ? "done" : "rejected", -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, code);
        db_bind_text(st, 4, code ? o->status->message : NULL);
        db_bind_text(st, 5, code ? o->status->field : NULL);
        sqlite3_bind_int64(st, 6, (sqlite3_int64)o->seq);
        db_bind_text(st, 7, o->detail);
        sqlite3_bind_int64(st, 8, (sqlite3_int64)time(NULL));
        return db_run(cli->db, st, e);
}

/* --- The journal of acknowledged ops (outbox.h) --- */

/* Ops of an entity with private fields are not resent: their answer was
 * blanked once done (blank_private), so the office has nothing to resend;
 * the restored server asks that person again (docs/privacy.md). */
static const char SQL_REQUEUE[] =
    "UPDATE outbox SET state = 'pending' WHERE state = 'done' AND (?1 = 0 OR answered_at >= ?2)"
    " AND entity NOT IN (SELECT value FROM json_each(?3))";

/* The names of the entities with a private field, as a JSON array. */
static char *private_entities(void)
{
        json_t *arr = json_array();
        char *js;

        for (size_t i = 0; i < entity_count; i++)
                if (entity_private(entity_defs[i]))
                        json_array_append_new(arr, json_string(entity_defs[i]->name));
        js = json_dumps(arr, JSON_COMPACT);
        json_decref(arr);
        return js;
}

int outbox_journal_requeue(struct cli *cli, unsigned days, long long *n, struct rb_err *e)
{
        sqlite3_stmt *st;
        char *priv;
        int rc;

        if (cli_db(cli, e) == NULL || (st = db_stmt(cli->db, SQL_REQUEUE, e)) == NULL)
                return -1;
        priv = private_entities();
        sqlite3_bind_int(st, 1, (int)days);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL) - (sqlite3_int64)days * 86400);
        sqlite3_bind_text(st, 3, priv ? priv : "[]", -1, SQLITE_TRANSIENT);
        free(priv);
        rc = db_run(cli->db, st, e);
        if (rc != 0)
                return -1;
        *n = sqlite3_changes(cli->db);
        return 0;
}

/* The newest status change still pending for each enrollment: an office's
 * move or HR's correction. */
#define PENDING_STATUS                                                                             \
        "SELECT entity_id, json_extract(fields, '$.status') AS status, max(n)"                     \
        " FROM outbox WHERE state = 'pending' AND entity = 'enrollment'"                           \
        " AND action IN ('status', 'correct') GROUP BY entity_id"

static const char SQL_ENROLL_LIST[] =
    "SELECT e.program, e.nip, ifnull(a.name, '') AS name, e.status,"
    " ifnull('-> ' || p.status, '') AS pending, e.jp FROM enrollments e"
    " LEFT JOIN asn a ON a.nip = e.nip"
    " LEFT JOIN (" PENDING_STATUS ") p ON p.entity_id = e.id"
    " WHERE ?1 IS NULL OR e.program = ?1"
    " UNION ALL"
    " SELECT json_extract(o.fields, '$.program'), json_extract(o.fields, '$.nip'),"
    " ifnull(a.name, ''), '', 'enroll' || ifnull(' -> ' || s.status, ''), 0 FROM outbox o"
    " LEFT JOIN asn a ON a.nip = json_extract(o.fields, '$.nip')"
    " LEFT JOIN (" PENDING_STATUS ") s ON s.entity_id = o.entity_id"
    " WHERE o.state = 'pending' AND o.entity = 'enrollment' AND o.action = 'create'"
    " AND (?1 IS NULL OR json_extract(o.fields, '$.program') = ?1)"
    " ORDER BY 1, 3";
static const char SQL_ENROLL_QUEUED[] =
    "SELECT entity_id FROM outbox WHERE state = 'pending' AND entity = 'enrollment'"
    " AND action = 'create' AND json_extract(fields, '$.program') = ?1"
    " AND json_extract(fields, '$.nip') = ?2 ORDER BY n DESC LIMIT 1";
static const char SQL_ENROLL_STATUS[] =
    "SELECT json_extract(fields, '$.status') FROM outbox WHERE state = 'pending'"
    " AND entity = 'enrollment' AND action IN ('status', 'correct') AND entity_id = ?1"
    " ORDER BY n DESC LIMIT 1";
/* Who attended (hadir/selesai) and has no questionnaire, here or queued. */
static const char SQL_EVAL_PENDING[] =
    "SELECT e.program, e.nip, ifnull(a.name, '') AS name, e.status FROM enrollments e"
    " LEFT JOIN asn a ON a.nip = e.nip"
    " WHERE e.status IN ('hadir', 'selesai') AND (?1 IS NULL OR e.program = ?1)"
    " AND e.answered = 0"
    " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.entity = 'evaluation'"
    "   AND o.state != 'rejected' AND json_extract(o.fields, '$.program') = e.program"
    "   AND json_extract(o.fields, '$.nip') = e.nip)"
    " ORDER BY e.program, name";
static const char SQL_PAIRS_QUEUED[] =
    "SELECT entity_id, json_extract(fields, '$.mentee') FROM outbox"
    " WHERE entity = 'mentor_pair' AND action = 'create' AND state = 'pending'";
static const char SQL_PAIR_QUEUED[] =
    "SELECT entity_id FROM outbox WHERE entity = 'mentor_pair' AND action = 'create'"
    " AND state != 'rejected' AND json_extract(fields, '$.mentor') = ?1"
    " AND json_extract(fields, '$.mentee') = ?2 ORDER BY n DESC LIMIT 1";

int outbox_enroll_queued(struct cli *cli, const char *program, const char *nip, char id[64],
                         struct rb_err *e)
{
        return lookup(cli, SQL_ENROLL_QUEUED, program, nip, id, 64, e);
}

int outbox_enroll_status(struct cli *cli, const char *id, char status[16], struct rb_err *e)
{
        return lookup(cli, SQL_ENROLL_STATUS, id, NULL, status, 16, e);
}

/* A list statement whose ?1 is program (or NULL). */
static sqlite3_stmt *list_stmt(struct cli *cli, const char *sql, const char *program,
                               struct rb_err *e)
{
        sqlite3_stmt *st;

        if (cli_db(cli, e) == NULL || (st = db_stmt(cli->db, sql, e)) == NULL)
                return NULL;
        db_bind_text(st, 1, program);
        return st;
}

sqlite3_stmt *outbox_enroll_list(struct cli *cli, const char *program, struct rb_err *e)
{
        return list_stmt(cli, SQL_ENROLL_LIST, program, e);
}

sqlite3_stmt *outbox_eval_pending(struct cli *cli, const char *program, struct rb_err *e)
{
        return list_stmt(cli, SQL_EVAL_PENDING, program, e);
}

sqlite3_stmt *outbox_pairs_queued(struct cli *cli, struct rb_err *e)
{
        if (cli_db(cli, e) == NULL)
                return NULL;
        return db_stmt(cli->db, SQL_PAIRS_QUEUED, e);
}

int outbox_pair_queued(struct cli *cli, const char *mentor, const char *mentee, char id[64],
                       struct rb_err *e)
{
        return lookup(cli, SQL_PAIR_QUEUED, mentor, mentee, id, 64, e);
}

static const char SQL_IMPORT_QUEUED[] =
    "SELECT ifnull(json_extract(fields, '$.file'), '') FROM outbox WHERE entity = 'import'"
    " AND action = 'record' AND state = 'pending' AND json_extract(fields, '$.kind') = ?1"
    " AND json_extract(fields, '$.digest') = ?2 ORDER BY n DESC LIMIT 1";

int outbox_import_queued(struct cli *cli, const char *kind, const char *digest, char file[256],
                         struct rb_err *e)
{
        return lookup(cli, SQL_IMPORT_QUEUED, kind, digest, file, 256, e);
}

/* --- Rejected ops a person acts on, and the ops waiting on them --- */

/* Rejected ops still open, and pending ops waiting on one, in order. */
static const char SQL_OPEN[] =
    "SELECT op_id, entity, entity_id, action, label, state, ifnull(code, 0), ifnull(message, ''),"
    " ifnull(field, ''), ifnull(answered_at, 0), fields, waits FROM (SELECT *, " WAITS_ON(
        "b") " AS waits FROM outbox b WHERE state IN ('pending', 'rejected')) WHERE (state = "
             "'rejected'"
             " AND dismissed = 0 AND retried IS NULL) OR (state = 'pending' AND waits IN (SELECT "
             "op_id"
             " FROM outbox WHERE state = 'rejected')) ORDER BY n";
/* Whether SQL_OPEN can return a row: every row it returns is an open
 * rejected op, or a pending op waiting on one (BLOCKS: a rejected op is
 * waited on only while neither dismissed nor retried). Cheap to prepare,
 * unlike SQL_OPEN, and no rejection is the usual state of an office. */
static const char SQL_ANY_OPEN[] =
    "SELECT EXISTS(SELECT 1 FROM outbox WHERE state = 'rejected' AND dismissed = 0"
    " AND retried IS NULL)";
static const char SQL_CREATE_FIELDS[] =
    "SELECT fields FROM outbox WHERE entity_id = ?1 AND action = 'create' ORDER BY n DESC LIMIT 1";
static const char SQL_RETRY_COPY[] =
    "INSERT INTO outbox(op_id, entity, entity_id, action, base_seq, fields, label, created_at)"
    " SELECT ?2, entity, entity_id, action, base_seq, ?3, label, ?4 FROM outbox WHERE op_id = ?1";
/* The ops waiting on a rejected enrollment ?1 follow its retry's fields ?2:
 * the questionnaires matched by its program and NIP take the new ones (so
 * they wait on the copy and are sent for the right person), and the labels
 * of those, of its attendance and of the copy say who they are now. */
static const char SQL_RETRY_DEPENDENTS[] =
    "UPDATE outbox SET"
    " fields = CASE entity WHEN 'evaluation' THEN json_set(fields,"
    " '$.program', json_extract(?2, '$.program'), '$.nip', json_extract(?2, '$.nip'))"
    " ELSE fields END,"
    " label = (SELECT replace(replace(outbox.label, json_extract(r.fields, '$.nip'),"
    " json_extract(?2, '$.nip')), json_extract(r.fields, '$.program'),"
    " json_extract(?2, '$.program')) FROM outbox r WHERE r.op_id = ?1)"
    " WHERE state = 'pending' AND EXISTS (SELECT 1 FROM outbox r WHERE r.op_id = ?1"
    " AND r.entity = 'enrollment' AND r.action = 'create' AND (outbox.entity_id = r.entity_id"
    " OR (outbox.entity = 'evaluation'"
    " AND json_extract(outbox.fields, '$.program') = json_extract(r.fields, '$.program')"
    " AND json_extract(outbox.fields, '$.nip') = json_extract(r.fields, '$.nip'))))";
/* A questionnaire's answers leave the outbox with the op they were typed in
 * (retried: the copy has them; dismissed: gone), the enrollment stays. */
static const char SQL_CLOSE[] =
    "UPDATE outbox SET retried = ?2, dismissed = ?2 IS NULL,"
    " fields = CASE entity WHEN 'evaluation' THEN json_object('program',"
    " json_extract(fields, '$.program'), 'nip', json_extract(fields, '$.nip')) ELSE fields END"
    " WHERE op_id = ?1 AND state = 'rejected'";

/* Length of the common prefix of a and b. */
static size_t common_prefix(const char *a, const char *b)
{
        size_t i = 0;

        while (a[i] != '\0' && a[i] == b[i])
                i++;
        return i;
}

/* Gives each op of arr (objects with "op_id") its short id: the shortest
 * prefix, of at least 8 characters, that no other op of arr shares; and
 * "waits_on" the short id of the op it waits on. */
static void short_ids(json_t *arr)
{
        size_t n = json_array_size(arr), i, j;
        json_t *o, *p;

        json_array_foreach(arr, i, o)
        {
                const char *id = json_string_value(json_object_get(o, "op_id"));
                size_t len = 8;
                for (j = 0; j < n; j++) {
                        size_t c = common_prefix(id, json_string_value(json_object_get(
                                                         json_array_get(arr, j), "op_id")));
                        if (j != i && c + 1 > len)
                                len = c + 1;
                }
                json_object_set_new(o, "id", json_stringn(id, len < strlen(id) ? len : strlen(id)));
        }
        json_array_foreach(arr, i, o)
        {
                const char *w = json_string_value(json_object_get(o, "waits_on"));
                for (j = 0; w != NULL && j < n; j++) {
                        p = json_array_get(arr, j);
                        if (strcmp(w, json_string_value(json_object_get(p, "op_id"))) == 0) {
                                /* Replacing waits_on frees w: stop here. */
                                json_object_set(o, "waits_on", json_object_get(p, "id"));
                                break;
                        }
                }
        }
}

/* One row of SQL_OPEN as an object. */
static json_t *open_row(sqlite3_stmt *st)
{
        json_t *f = json_loads(db_col_text(st, 10), 0, NULL);
        int waits = strcmp(db_col_text(st, 5), "pending") == 0;
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "op_id", db_col_text(st, 0),
                              "entity", db_col_text(st, 1), "entity_id", db_col_text(st, 2),
                              "action", db_col_text(st, 3), "what", db_col_text(st, 4), "state",
                              waits ? "waiting" : "rejected", "fields", f ? f : json_object());

        /* Every op has every key (null where it does not apply): one shape. */
        json_object_set_new(o, "waits_on", waits ? json_string(db_col_text(st, 11)) : json_null());
        json_object_set_new(
            o, "code", waits ? json_null() : json_string(err_code_name(sqlite3_column_int(st, 6))));
        json_object_set_new(o, "reason", waits ? json_null() : json_string(db_col_text(st, 7)));
        json_object_set_new(o, "field", waits ? json_null() : json_string(db_col_text(st, 8)));
        json_object_set_new(
            o, "at", waits ? json_null() : json_integer((json_int_t)sqlite3_column_int64(st, 9)));
        return o;
}

json_t *outbox_open_ops(struct cli *cli, struct rb_err *e)
{
        json_t *arr = json_array();
        sqlite3_stmt *st;
        long long any = 0;
        int rc = -1;

        if (cli_db(cli, e) != NULL)
                rc = db_value(cli->db, SQL_ANY_OPEN, NULL, &any, e);
        if (rc > 0 && any != 0) {
                if ((st = db_stmt(cli->db, SQL_OPEN, e)) == NULL)
                        rc = -1;
                else {
                        while ((rc = db_step(cli->db, st, e)) > 0)
                                json_array_append_new(arr, open_row(st));
                        sqlite3_reset(st);
                }
        }
        if (rc >= 0) {
                short_ids(arr);
                return arr;
        }
        json_decref(arr);
        return NULL;
}

json_t *outbox_open_find(struct cli *cli, const char *id, struct rb_err *e)
{
        json_t *arr = outbox_open_ops(cli, e), *o, *found = NULL;
        size_t i, n = 0, len = strlen(id);

        if (arr == NULL)
                return NULL;
        json_array_foreach(arr, i, o)
        {
                if (strcmp(json_string_value(json_object_get(o, "state")), "rejected") != 0 ||
                    strncmp(json_string_value(json_object_get(o, "op_id")), id, len) != 0)
                        continue;
                n++;
                found = o;
        }
        if (n == 1 && len > 0)
                json_incref(found);
        else if (n == 0 || len == 0)
                err_set(e, RB_NOT_FOUND, "id",
                        _("no rejected change %s in this office's outbox (renbin status lists "
                          "them)"),
                        id);
        else
                err_set(e, RB_INVALID, "id",
                        _("%s names several rejected changes; give more of its id"), id);
        json_decref(arr);
        return n == 1 && len > 0 ? found : NULL;
}

json_t *outbox_create_fields(struct cli *cli, const char *entity_id, struct rb_err *e)
{
        char js[4096];

        if (lookup(cli, SQL_CREATE_FIELDS, entity_id, NULL, js, sizeof(js), e) <= 0)
                return NULL;
        return json_loads(js, 0, NULL);
}

/* Closes rejected op op_id: retried by copy (not NULL) or dismissed. */
static int close_op(struct cli *cli, const char *op_id, const char *copy, struct rb_err *e)
{
        sqlite3_stmt *st;

        if ((st = db_stmt(cli->db, SQL_CLOSE, e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, op_id, -1, SQLITE_STATIC);
        db_bind_text(st, 2, copy);
        return db_run(cli->db, st, e);
}

/* The ops waiting on rejected op_id take the fields js of its copy (the
 * copy its label): SQL_RETRY_DEPENDENTS. */
static int retry_dependents(struct cli *cli, const char *op_id, const char *js, struct rb_err *e)
{
        sqlite3_stmt *st = db_stmt(cli->db, SQL_RETRY_DEPENDENTS, e);

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, op_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, js, -1, SQLITE_STATIC);
        return db_run(cli->db, st, e);
}

int outbox_retry(struct cli *cli, const char *op_id, json_t *fields, char copy_id[UUID_STR],
                 struct rb_err *e)
{
        sqlite3_stmt *st;
        char *js;
        int rc;

        if (cli_db(cli, e) == NULL)
                return -1;
        if (uuid7_make(copy_id) != 0)
                return err_set(e, RB_INTERNAL, NULL, _("no randomness for an id"));
        if (db_begin(cli->db, e) != 0)
                return -1;
        if ((st = db_stmt(cli->db, SQL_RETRY_COPY, e)) == NULL) {
                db_rollback(cli->db);
                return -1;
        }
        js = json_dumps(fields, JSON_COMPACT | JSON_PRESERVE_ORDER);
        sqlite3_bind_text(st, 1, op_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, copy_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, js ? js : "{}", -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL));
        rc = db_run(cli->db, st, e) == 0 && retry_dependents(cli, op_id, js ? js : "{}", e) == 0 &&
             close_op(cli, op_id, copy_id, e) == 0;
        free(js);
        if (!rc) {
                db_rollback(cli->db);
                return -1;
        }
        return db_commit(cli->db, e);
}

/* The op that pending op ?1 waits on (NULL: none). */
static const char SQL_WAITS[] = "SELECT " WAITS_ON("b") " FROM outbox b WHERE b.op_id = ?1";

int outbox_waits_on(struct cli *cli, const char *op_id, char id[UUID_STR], struct rb_err *e)
{
        char full[UUID_STR];
        json_t *arr, *o;
        size_t i;
        int found = lookup(cli, SQL_WAITS, op_id, NULL, full, sizeof(full), e);

        id[0] = '\0';
        if (found <= 0 || full[0] == '\0')
                return found < 0 ? -1 : 0;
        /* The short id renbin status shows, when it lists the op. */
        snprintf(id, UUID_STR, "%.8s", full);
        if ((arr = outbox_open_ops(cli, e)) == NULL)
                return -1;
        json_array_foreach(arr, i, o)
        {
                if (strcmp(json_string_value(json_object_get(o, "op_id")), full) == 0)
                        snprintf(id, UUID_STR, "%s", json_string_value(json_object_get(o, "id")));
        }
        json_decref(arr);
        return 1;
}

int outbox_dismiss_one(struct cli *cli, const char *op_id, struct rb_err *e)
{
        if (cli_db(cli, e) == NULL)
                return -1;
        return close_op(cli, op_id, NULL, e);
}
