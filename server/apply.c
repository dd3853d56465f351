/*
 * apply.c - one op from a client to the store, at most once. The table below
 * names, for every entity and action, the roles that may write and the
 * handler that owns the rules. A rejected op leaves nothing behind: most are
 * rejected before they write, and need no undo; one that had written makes
 * the batch roll back and run again with a savepoint per op (commit.c).
 */
#include "apply.h"
#include "db.h"
#include "role.h"
#include "i18n.h"
#include "log.h"
#include "strbuf.h"
#include "uuid.h"
#include "wire.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The rule hook of an entity's action: the rules beyond the catalogue's
 * field limits and roles. An A_INSERT action's hook (optional) runs before
 * the row is inserted from the catalogue; any other action's hook does the
 * whole write. */
struct rule_hook {
        const char *entity;
        const char *action;
        int (*fn)(struct apply_ctx *cx);
};

static const struct rule_hook hooks[] = {
    {"unit", "create", e_unit_create},
    {"unit", "update", e_unit_update},
    {"asn", "put", e_asn_put},
    {"asn", "deactivate", e_asn_deactivate},
    {"asn", "activate", e_asn_activate},
    {"competency", "create", e_competency_create},
    {"plan", "create", e_plan_create},
    {"plan", "approve", e_plan_approve},
    {"program", "create", e_program_create},
    {"program", "update", e_program_update},
    {"program", "cancel", e_program_cancel},
    {"enrollment", "create", e_enroll_create},
    {"enrollment", "status", e_enroll_status},
    {"enrollment", "correct", e_enroll_correct},
    {"evaluation", "submit", e_eval_submit},
    {"assessment", "add", e_assess_add},
    {"mentor_pair", "create", e_mentor_pair},
    {"mentor_log", "add", e_mentor_log},
    {"need", "add", e_need_add},
    {"need", "update", e_need_update},
    {"need", "withdraw", e_need_withdraw},
    {"forum", "update", e_forum_update},
    {"survey", "delete", e_survey_delete},
    {"import", "record", e_import_record},
    {"standard", "set", e_standard_set},
    {"population", "set", e_population_set},
    {"learning_test", "record", e_test_record},
    {"followup", "add", e_followup_add},
    {"record", "add", e_record_add},
    {"record", "verify", e_record_verify},
    {"record", "reject", e_record_reject},
};

static const char SQL_OP_GET[] =
    "SELECT code, message, field, seq, detail FROM ops WHERE op_id = ?1";
static const char SQL_OP_PUT[] =
    "INSERT INTO ops(op_id, unit, role, entity, entity_id, action, received_at, code, message,"
    " field, seq, detail) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
static const char SQL_CONFLICT_PUT[] =
    "INSERT INTO conflicts(op_id, at, unit, role, entity, entity_id, action, fields, code,"
    " message, field, dropped, serial, name)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";

const char *op_get(const struct apply_ctx *cx, const char *name)
{
        const char *v = wire_field_value(cx->op, name);
        return v != NULL && v[0] != '\0' ? v : NULL;
}

const char *op_need(struct apply_ctx *cx, const char *name)
{
        const char *v = op_get(cx, name);

        if (v == NULL)
                err_set(cx->e, RB_INVALID, name, _("%s is required"), name);
        return v;
}

int own_unit(const struct apply_ctx *cx, const char *unit)
{
        return cx->role == ROLE_HR || (cx->role == ROLE_UNIT && strcmp(cx->who->unit, unit) == 0);
}

/* An office is not told which other unit owns a row (a person's new unit
 * included): only that it is not its own. HR may be told. */
int deny_other_unit(struct apply_ctx *cx, const char *what, const char *unit)
{
        if (cx->role != ROLE_UNIT)
                return err_set(cx->e, RB_DENIED, "unit",
                               _("%s belongs to unit %s; office %s may only write its own unit's "
                                 "records"),
                               what, unit, cx->who->unit);
        return err_set(cx->e, RB_DENIED, "unit",
                       _("%s is not in this office (%s); an office may only write its own "
                         "unit's records"),
                       what, cx->who->unit);
}

int apply_step(struct apply_ctx *cx, sqlite3_stmt *st)
{
        return db_run(cx->db, st, cx->e);
}

int apply_any(struct apply_ctx *cx, sqlite3_stmt *st)
{
        int rc = db_step(cx->db, st, cx->e);

        if (rc > 0)
                rc = sqlite3_column_int64(st, 0) > 0;
        sqlite3_reset(st);
        return rc;
}

/* The rule hook of an entity's action, or NULL. */
static int (*hook_find(const char *entity, const char *action))(struct apply_ctx *)
{
        for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++)
                if (strcmp(hooks[i].entity, entity) == 0 && strcmp(hooks[i].action, action) == 0)
                        return hooks[i].fn;
        return NULL;
}

int apply_catalog_check(struct rb_err *e)
{
        for (size_t i = 0; i < entity_count; i++)
                for (size_t j = 0; j < entity_defs[i]->nactions; j++) {
                        const struct action_def *a = &entity_defs[i]->actions[j];
                        if (!(a->flags & A_INSERT) &&
                            hook_find(entity_defs[i]->name, a->name) == NULL)
                                return err_set(e, RB_INTERNAL, NULL,
                                               "the catalogue's action %s %s has no rule hook",
                                               entity_defs[i]->name, a->name);
                }
        for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++) {
                const struct entity_def *d = entity_find(hooks[i].entity);
                if (d == NULL || entity_action(d, hooks[i].action) == NULL)
                        return err_set(e, RB_INTERNAL, NULL,
                                       "rule hook %s %s names no action of the catalogue",
                                       hooks[i].entity, hooks[i].action);
        }
        return 0;
}

/* The op's field, as entity_check reads it. */
static const char *op_field(const void *op, const char *name)
{
        return wire_field_value(op, name);
}

/* A result recorded for this op_id earlier: 1 if found (r filled), 0 if new,
 * -1 with r->err set (transient) when the database cannot say. */
static int recorded(struct apply_ctx *cx, const char *op_id, struct op_result *r)
{
        sqlite3_stmt *st = db_stmt_bind(cx->db, SQL_OP_GET, &r->err);
        int found;

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, op_id, -1, SQLITE_STATIC);
        if ((found = db_step(cx->db, st, &r->err)) > 0) {
                r->err.code = sqlite3_column_int(st, 0);
                str_copy(r->err.msg, sizeof(r->err.msg), db_col_text(st, 1));
                str_copy(r->err.field, sizeof(r->err.field), db_col_text(st, 2));
                r->seq = (uint64_t)sqlite3_column_int64(st, 3);
                str_copy(r->detail, sizeof(r->detail), db_col_text(st, 4));
        }
        sqlite3_reset(st);
        return found;
}

/* Rejected ops kept whole per unit; older ones are folded into one count per
 * unit (conflict_summary). With every kept field cut to its catalogue limit,
 * a unit's conflicts take a few MB at most (docs/sync.md). */
#define CONFLICTS_KEPT 1000

static const char SQL_CONFLICT_FOLD[] =
    "INSERT INTO conflict_summary(unit, n, first_at, last_at)"
    " SELECT unit, count(*), min(at), max(at) FROM (SELECT unit, at FROM conflicts"
    " WHERE unit = ?1 ORDER BY at DESC, op_id DESC LIMIT -1 OFFSET ?2) WHERE true GROUP BY unit"
    " ON CONFLICT(unit) DO UPDATE SET n = n + excluded.n,"
    " first_at = min(first_at, excluded.first_at), last_at = max(last_at, excluded.last_at)";
static const char SQL_CONFLICT_TRIM[] =
    "DELETE FROM conflicts WHERE op_id IN (SELECT op_id FROM conflicts WHERE unit = ?1"
    " ORDER BY at DESC, op_id DESC LIMIT -1 OFFSET ?2)";

/* A copy of s (which may be NULL) in buf, cut to fit and made valid UTF-8. */
static const char *clean(char *buf, size_t len, const char *s)
{
        err_utf8_fix(str_copy(buf, len, s));
        return buf;
}

/* The catalogue's field of the action named name, or NULL. */
static const struct field_def *taken_field(const struct entity_def *d, const struct action_def *a,
                                           const char *name)
{
        const struct field_def *f;
        int req;

        for (size_t k = 0; d != NULL && a != NULL && (f = entity_action_field(d, a, k, &req)); k++)
                if (strcmp(f->name, name) == 0)
                        return f;
        return NULL;
}

/* The op's fields as a JSON object, for the conflicts table: only the fields
 * the catalogue's action takes, each once and cut to its limit (as valid
 * UTF-8), never an answer's (FD_PRIVATE); *dropped counts the others. */
static char *op_fields_json(const Renbin__Op *op, int *dropped)
{
        const struct entity_def *d = entity_find(op->entity);
        const struct action_def *a = d != NULL ? entity_action(d, op->action) : NULL;
        json_t *j = json_object();
        char *s;

        *dropped = 0;
        for (size_t i = 0; i < op->n_fields; i++) {
                const char *name = op->fields[i]->name, *v = op->fields[i]->value;
                const struct field_def *f = name != NULL ? taken_field(d, a, name) : NULL;
                size_t max = f != NULL ? entity_field_max(f) : 0;
                char *cut;

                if (f != NULL && (f->flags & FD_PRIVATE))
                        continue; /* an answer is never kept with its person */
                if (f == NULL || v == NULL || json_object_get(j, f->name) != NULL) {
                        (*dropped)++;
                        continue;
                }
                cut = strndup(v, max);
                if (cut == NULL)
                        break;
                err_utf8_fix(cut);
                json_object_set_new(j, f->name, json_string(cut));
                free(cut);
        }
        s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(j);
        return s;
}

/* Keeps the unit's newest CONFLICTS_KEPT conflicts; the older are counted. */
static int conflicts_trim(struct apply_ctx *cx, struct rb_err *e)
{
        const char *sql[] = {SQL_CONFLICT_FOLD, SQL_CONFLICT_TRIM};

        for (int i = 0; i < 2; i++) {
                sqlite3_stmt *st = db_stmt(cx->db, sql[i], e);
                if (st == NULL)
                        return -1;
                sqlite3_bind_text(st, 1, cx->who->unit, -1, SQLITE_STATIC);
                sqlite3_bind_int(st, 2, CONFLICTS_KEPT);
                if (db_run(cx->db, st, e) != 0)
                        return -1;
        }
        return 0;
}

/* The op's names as stored: cut and valid UTF-8 (a rejected op's may be neither). */
struct op_names {
        char entity[64], entity_id[64], action[64];
};

static void op_names(const Renbin__Op *op, struct op_names *n)
{
        clean(n->entity, sizeof(n->entity), op->entity);
        clean(n->entity_id, sizeof(n->entity_id), op->entity_id);
        clean(n->action, sizeof(n->action), op->action);
}

/* Records a rejection in the conflicts table, bounded (op_fields_json,
 * conflicts_trim). */
static int conflict_put(struct apply_ctx *cx, const Renbin__Op *op, const struct op_names *n,
                        const struct op_result *r, struct rb_err *e)
{
        sqlite3_stmt *st = db_stmt(cx->db, SQL_CONFLICT_PUT, e);
        char *fields;
        int rc, dropped;

        if (st == NULL)
                return -1;
        fields = op_fields_json(op, &dropped);
        sqlite3_bind_text(st, 1, op->op_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, cx->now);
        sqlite3_bind_text(st, 3, cx->who->unit, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, cx->who->role, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, n->entity, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, n->entity_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, n->action, -1, SQLITE_STATIC);
        db_bind_text(st, 8, fields ? fields : "{}");
        sqlite3_bind_int(st, 9, r->err.code);
        sqlite3_bind_text(st, 10, r->err.msg, -1, SQLITE_STATIC);
        db_bind_text(st, 11, r->err.field);
        sqlite3_bind_int(st, 12, dropped);
        sqlite3_bind_text(st, 13, cx->who->serial, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 14, cx->who->name, -1, SQLITE_STATIC);
        rc = db_run(cx->db, st, e);
        free(fields);
        return rc == 0 ? conflicts_trim(cx, e) : -1;
}

/* Records the op's outcome; rejections also go to the conflicts table.
 * 0, or -1 with e set: the caller must then undo the op, since an op applied
 * without its record would be applied again when the client retries. */
static int record(struct apply_ctx *cx, const Renbin__Op *op, const struct op_result *r,
                  struct rb_err *e)
{
        sqlite3_stmt *st = db_stmt_bind(cx->db, SQL_OP_PUT, e);
        struct op_names n;

        if (st == NULL)
                return -1;
        op_names(op, &n);
        sqlite3_bind_text(st, 1, op->op_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, cx->who->unit, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, cx->who->role, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, n.entity, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, n.entity_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, n.action, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 7, cx->now);
        sqlite3_bind_int(st, 8, r->err.code);
        db_bind_text(st, 9, r->err.code ? r->err.msg : NULL);
        db_bind_text(st, 10, r->err.code ? r->err.field : NULL);
        sqlite3_bind_int64(st, 11, (sqlite3_int64)r->seq);
        db_bind_text(st, 12, r->detail);
        if (db_run(cx->db, st, e) != 0)
                return -1;
        return r->err.code == RB_OK ? 0 : conflict_put(cx, op, &n, r, e);
}

/* Every string of the op is valid UTF-8; a bad one is named with the
 * position of its first bad byte, never quoted. */
static int op_text_check(const Renbin__Op *op, struct rb_err *e)
{
        const char *names[] = {"op_id", "entity", "entity_id", "action"};
        const char *vals[] = {op->op_id, op->entity, op->entity_id, op->action};
        size_t bad;

        for (int i = 0; i < 4; i++)
                if (vals[i] != NULL &&
                    (bad = err_utf8_bad(vals[i], strlen(vals[i]))) != ERR_UTF8_OK)
                        return err_set(e, RB_INVALID, names[i],
                                       _("%s is not valid UTF-8 (byte %zu)"), names[i], bad + 1);
        for (size_t i = 0; i < op->n_fields; i++) {
                const char *k = op->fields[i]->name, *v = op->fields[i]->value;
                if (k != NULL && (bad = err_utf8_bad(k, strlen(k))) != ERR_UTF8_OK)
                        return err_set(e, RB_INVALID, "fields",
                                       _("the name of field %zu is not valid UTF-8 (byte %zu)"),
                                       i + 1, bad + 1);
                if (v != NULL && (bad = err_utf8_bad(v, strlen(v))) != ERR_UTF8_OK)
                        return err_set(e, RB_INVALID, k, _("%s is not valid UTF-8 (byte %zu)"), k,
                                       bad + 1);
        }
        return 0;
}

/* Checks what every op must carry before any rule runs. */
static int envelope_check(const Renbin__Op *op, struct rb_err *e)
{
        if (op_text_check(op, e) != 0)
                return -1;
        if (op->entity_id == NULL || !uuid_valid(op->entity_id))
                return err_set(e, RB_INVALID, "entity_id", _("entity_id '%s' is not a UUID"),
                               op->entity_id ? op->entity_id : "");
        if (entity_find(op->entity) == NULL)
                return err_set(e, RB_INVALID, "entity", _("unknown entity '%s'"), op->entity);
        return 0;
}

/* A failure the client should retry rather than show as a rejection. */
static int transient(int code)
{
        return code == RB_INTERNAL || code == RB_UNAVAILABLE || code == RB_EXHAUSTED;
}

static const char SQL_SAVE[] = "SAVEPOINT op", SQL_UNDO[] = "ROLLBACK TO op",
                  SQL_RELEASE[] = "RELEASE op";

/* What an op may change outside the database, kept to undo it. */
struct op_mark {
        uint64_t seq_next;
        int seq_moved;
        size_t n_dirty;
        int audit_moved;
        char audit_head[sizeof(((struct apply_ctx *)0)->audit_head)];
        sqlite3_int64 changes; /* the connection's rows written when the op began */
        size_t n_seats;
        unsigned seats_gen;
        struct seat_delta seats[SEATS_PENDING]; /* careful only */
};

/* Runs the savepoint's statement (cached: SAVEPOINT, ROLLBACK TO, RELEASE).
 * Should one fail, the batch's transaction is rolled back as a whole and the
 * failure logged: apply_op then answers the op, and commit_run the batch,
 * "send it again" rather than keep an op half undone. */
static void savepoint_exec(struct apply_ctx *cx, const char *sql)
{
        struct rb_err e;
        sqlite3_stmt *st = db_stmt(cx->db, sql, &e);

        if (st != NULL && db_run(cx->db, st, &e) == 0)
                return;
        log_err("%s: %s; the batch is rolled back", sql, e.msg);
        db_rollback(cx->db);
}

/* Notes what the op may change, and when careful opens its savepoint. */
static void op_begin(struct apply_ctx *cx, struct op_mark *m)
{
        m->seq_next = cx->seq_next;
        m->seq_moved = cx->seq_moved;
        m->n_dirty = cx->n_dirty;
        m->audit_moved = cx->audit_moved;
        memcpy(m->audit_head, cx->audit_head, sizeof(m->audit_head));
        m->changes = sqlite3_total_changes64(cx->db);
        m->n_seats = cx->n_seats;
        m->seats_gen = cx->seats_gen;
        if (!cx->careful)
                return;
        memcpy(m->seats, cx->seats, cx->n_seats * sizeof(cx->seats[0]));
        savepoint_exec(cx, SQL_SAVE);
}

/* Undoes everything the op did, in the database, the batch's next change
 * sequence, marked rows, seat counts and audit head. Without a savepoint,
 * an op that wrote nothing has nothing to undo (a failed statement writes
 * nothing: SQLite undoes it); one that had written sets cx->replay, and
 * commit.c applies the batch again, careful. */
static void op_undo(struct apply_ctx *cx, const struct op_mark *m)
{
        if (!cx->careful &&
            (sqlite3_total_changes64(cx->db) != m->changes || cx->seats_gen != m->seats_gen)) {
                cx->replay = 1;
                return;
        }
        if (cx->careful)
                savepoint_exec(cx, SQL_UNDO);
        cx->seq_next = m->seq_next;
        cx->seq_moved = m->seq_moved;
        cx->n_dirty = m->n_dirty;
        memcpy(cx->audit_head, m->audit_head, sizeof(m->audit_head));
        cx->audit_moved = m->audit_moved;
        if (cx->seats_gen != m->seats_gen) {
                cx->n_seats = m->n_seats;
                memcpy(cx->seats, m->seats, m->n_seats * sizeof(cx->seats[0]));
                cx->seats_gen = m->seats_gen;
        }
}

/* The action's rules and its write: an A_INSERT's hook (if any) then the
 * row from the catalogue; any other action's hook alone. */
static int op_write(struct apply_ctx *cx, const struct entity_def *d, const struct action_def *a,
                    int (*fn)(struct apply_ctx *))
{
        if (!(a->flags & A_INSERT))
                return fn(cx);
        if (insert_scope(cx, d) != 0 || (fn != NULL && fn(cx) != 0) || insert_row(cx, d, a) != 0)
                return -1;
        str_copy(cx->detail, sizeof(cx->detail), a->result);
        return 0;
}

/* The server owns row identity: a create's entity_id names no row yet, of
 * any entity; a change by id names a row of the op's own entity; an action
 * keyed by a code, NIP or year may not carry another entity's row id. */
static int op_identity(struct apply_ctx *cx, const struct entity_def *d, const struct action_def *a)
{
        const struct entity_def *owner;
        const char *id = cx->op->entity_id;

        if (insert_id_owner(cx, id, &owner) != 0)
                return -1;
        if ((a->flags & A_BY_ID) && owner != d)
                return err_set(cx->e, RB_NOT_FOUND, "entity_id", _("no %s has id %s"), d->name, id);
        if (owner != NULL && ((a->flags & A_CREATES) || owner != d))
                return err_set(cx->e, RB_EXISTS, "entity_id",
                               _("id %s is already taken by a row of %s"), id, owner->name);
        return 0;
}

/* The catalogue's checks (role, fields), then the action's rules and write;
 * a rejection leaves nothing behind. */
static void op_run(struct apply_ctx *cx, const struct entity_def *d, const struct action_def *a,
                   const struct op_mark *m, struct op_result *r)
{
        int (*fn)(struct apply_ctx *) = hook_find(d->name, a->name);

        if (entity_may(d, a, cx->role, cx->e) != 0 ||
            entity_check(d, a, op_field, cx->op, cx->e) != 0 || op_identity(cx, d, a) != 0)
                return;
        if (fn == NULL && !(a->flags & A_INSERT)) {
                err_set(cx->e, RB_INTERNAL, "action", "no rule for %s %s", d->name, a->name);
                return;
        }
        if (op_write(cx, d, a, fn) != 0) {
                op_undo(cx, m);
                return;
        }
        r->seq = cx->seq;
        str_copy(r->detail, sizeof(r->detail), cx->detail);
}

/* Logs an op that failed inside the server (INTERNAL): it is transient, so
 * the client retries it, and without this line nobody would learn why. The
 * message carries SQLite's own (db_stmt, apply_step). */
static void log_internal(const Renbin__Op *op, const struct rb_err *e)
{
        log_err("op %s: %s %s failed: %s", op->op_id, op->entity, op->action, e->msg);
}

/* Records a final outcome with the op; if the record cannot be written the
 * op is undone and fails as transient, so the client's retry applies it
 * once rather than never or twice. */
static void op_record(struct apply_ctx *cx, const Renbin__Op *op, const struct op_mark *m,
                      struct op_result *r)
{
        struct rb_err e;

        if (record(cx, op, r, &e) == 0)
                return;
        /* Undone by the batch's replay, which comes back here and says why. */
        op_undo(cx, m);
        if (cx->replay)
                return;
        log_err("op %s (%s %s): cannot record its outcome: %s", op->op_id, op->entity, op->action,
                e.msg);
        r->seq = 0;
        r->detail[0] = '\0';
        err_set(&r->err, transient(e.code) ? e.code : RB_INTERNAL, NULL, "%s", e.msg);
}

void apply_op(struct apply_ctx *cx, const Renbin__Op *op, struct op_result *r)
{
        const struct entity_def *d = NULL;
        const struct action_def *a = NULL;
        struct op_mark m;

        memset(r, 0, sizeof(*r));
        if (cx->replay)
                return;
        /* SQLite rolls the whole transaction back by itself on some errors
         * (disk full, I/O): apply nothing more of this batch, outside it. */
        if (sqlite3_get_autocommit(cx->db)) {
                err_set(&r->err, RB_UNAVAILABLE, NULL,
                        _("the server could not keep this batch; send it again"));
                return;
        }
        /* Without a valid op id the op cannot be recorded: answered only. */
        if (op->op_id == NULL || !uuid_valid(op->op_id)) {
                err_set(&r->err, RB_INVALID, "op_id", _("op_id is not a UUID"));
                return;
        }
        if (recorded(cx, op->op_id, r) != 0)
                return;
        cx->op = op;
        cx->e = &r->err;
        cx->detail[0] = '\0';
        cx->seq = 0;
        op_begin(cx, &m);
        /* A bad envelope is recorded too, so HR sees it in conflicts. */
        if (envelope_check(op, &r->err) == 0 &&
            (a = entity_action(d = entity_find(op->entity), op->action)) == NULL)
                err_set(&r->err, RB_INVALID, "action", _("%s cannot be '%s'"), op->entity,
                        op->action);
        else if (r->err.code == RB_OK)
                op_run(cx, d, a, &m, r);
        if (cx->replay)
                return;
        if (r->err.code == RB_INTERNAL)
                log_internal(op, &r->err);
        /* The transaction went during this op: whatever it did is gone, and
         * its record would be written outside the batch, for good. */
        if (sqlite3_get_autocommit(cx->db)) {
                r->seq = 0;
                r->detail[0] = '\0';
                err_set(&r->err, RB_UNAVAILABLE, NULL,
                        _("the server could not keep this batch; send it again"));
                return;
        }
        if (!transient(r->err.code))
                op_record(cx, op, &m, r);
        if (cx->careful && !cx->replay)
                savepoint_exec(cx, SQL_RELEASE);
}

int asn_active(struct apply_ctx *cx, const char *nip, const char *field, char unit[64],
               char tmt[16])
{
        static const char sql[] = "SELECT unit, tmt, active FROM asn WHERE nip = ?1";
        sqlite3_stmt *st = db_stmt_bind(cx->db, sql, cx->e);
        int found, active = 0;

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, nip, -1, SQLITE_STATIC);
        if ((found = db_step(cx->db, st, cx->e)) > 0) {
                str_copy(unit, 64, db_col_text(st, 0));
                if (tmt != NULL)
                        str_copy(tmt, 16, db_col_text(st, 1));
                active = sqlite3_column_int(st, 2);
        }
        sqlite3_reset(st);
        if (found < 0)
                return -1;
        if (!found)
                return err_set(cx->e, RB_NOT_FOUND, field, _("no ASN with NIP %s"), nip);
        if (!active)
                return err_set(cx->e, RB_PRECONDITION, field, _("ASN %s is no longer active"), nip);
        return 0;
}

int competency_known(struct apply_ctx *cx, const char *code, const char *field)
{
        static const char sql[] = "SELECT count(*) FROM competencies WHERE code = ?1";
        long long n = 0;

        if (db_value(cx->db, sql, code, &n, cx->e) < 0)
                return -1;
        if (n == 0)
                return err_set(cx->e, RB_NOT_FOUND, field, _("unknown competency '%s'"), code);
        return 0;
}

int unit_known(struct apply_ctx *cx, const char *code, const char *field)
{
        static const char sql[] = "SELECT count(*) FROM units WHERE code = ?1";
        long long n = 0;

        if (db_value(cx->db, sql, code, &n, cx->e) < 0)
                return -1;
        if (n == 0)
                return err_set(cx->e, RB_NOT_FOUND, field, _("unknown unit '%s'"), code);
        return 0;
}
