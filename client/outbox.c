/*
 * outbox.c - queueing local writes and reporting what became of them.
 */
#include "outbox.h"
#include "db.h"
#include "entity.h"
#include "i18n.h"
#include "opts.h"
#include "out.h"
#include "sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char SQL_ADD[] =
    "INSERT INTO outbox(op_id, entity, entity_id, action, base_seq, fields, label, created_at)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char SQL_STATE[] =
    "SELECT state, ifnull(code, 0), ifnull(message, ''), ifnull(field, ''), ifnull(detail, '')"
    " FROM outbox WHERE op_id = ?1";

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

        if (cli_get(cli, "role", role, sizeof(role)) != 0)
                return err_set(e, RB_PRECONDITION, "server",
                               _("this office is not set up: run renbin setup --server HOST:PORT "
                                 "--bundle DIR"));
        if (strcmp(role, "auditor") == 0)
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

int outbox_state(struct cli *cli, const char *op_id, struct op_state *s)
{
        sqlite3_stmt *st = db_stmt(cli->db, SQL_STATE, NULL);
        int rc = -1;

        memset(s, 0, sizeof(*s));
        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, op_id, -1, SQLITE_STATIC);
        if (db_step(cli->db, st, NULL) > 0) {
                snprintf(s->state, sizeof(s->state), "%s", db_col_text(st, 0));
                s->code = sqlite3_column_int(st, 1);
                snprintf(s->message, sizeof(s->message), "%s", db_col_text(st, 2));
                snprintf(s->field, sizeof(s->field), "%s", db_col_text(st, 3));
                snprintf(s->detail, sizeof(s->detail), "%s", db_col_text(st, 4));
                rc = 0;
        }
        sqlite3_reset(st);
        return rc;
}

int outbox_push_now(struct cli *cli, struct rb_err *e)
{
        struct sync_report rep = {0};

        if (cli->offline)
                return 0;
        if (sync_now(cli, &rep, e) == 0)
                return 1;
        if (e->code == RB_UNAVAILABLE)
                return 0;
        return -1;
}

/* Reports one op: prints a line (or appends to arr) and returns its exit status. */
static int report_op(struct cli *cli, const char *op_id, const char *label, int online, json_t *arr)
{
        struct op_state s;
        char said[300];

        if (outbox_state(cli, op_id, &s) != 0)
                return EXIT_FAIL;
        if (arr != NULL) {
                json_t *o =
                    json_pack("{s:s, s:s, s:s}", "op_id", op_id, "what", label, "state", s.state);
                if (strcmp(s.state, "rejected") == 0) {
                        json_object_set_new(o, "code", json_string(err_code_name(s.code)));
                        json_object_set_new(o, "message", json_string(s.message));
                        json_object_set_new(o, "field", json_string(s.field));
                } else if (strcmp(s.state, "done") == 0) {
                        json_object_set_new(o, "detail", json_string(s.detail));
                }
                json_array_append_new(arr, o);
        } else if (strcmp(s.state, "done") == 0) {
                out_say(cli, _("%s: done (%s)\n"), label,
                        outbox_result_text(s.detail, said, sizeof(said)));
        } else if (strcmp(s.state, "rejected") == 0) {
                fprintf(stderr, _("renbin: %s: rejected by the server: %s\n"), label, s.message);
        } else {
                out_say(cli,
                        online ? _("%s: queued; the server will take it at the next sync\n")
                               : _("%s: saved offline; it will be sent with the next renbin "
                                   "sync\n"),
                        label);
        }
        return strcmp(s.state, "rejected") == 0 ? err_exit_status(s.code) : EXIT_OK;
}

int outbox_submit(struct cli *cli, char (*op_ids)[UUID_STR], size_t n)
{
        struct rb_err e;
        json_t *arr = cli->json ? json_array() : NULL;
        int online, status = EXIT_OK;
        char label[256];

        err_clear(&e);
        if ((online = outbox_push_now(cli, &e)) < 0) {
                /* Reached the server but it refused us: say so; the ops stay queued. */
                json_decref(arr);
                return cli_fail(&e);
        }
        for (size_t i = 0; i < n; i++) {
                int s;
                label[0] = '\0';
                sqlite3_stmt *st =
                    db_stmt(cli->db, "SELECT label FROM outbox WHERE op_id = ?1", NULL);
                if (st != NULL) {
                        sqlite3_bind_text(st, 1, op_ids[i], -1, SQLITE_STATIC);
                        if (db_step(cli->db, st, NULL) > 0)
                                snprintf(label, sizeof(label), "%s", db_col_text(st, 0));
                        sqlite3_reset(st);
                }
                s = report_op(cli, op_ids[i], label, online, arr);
                if (status == EXIT_OK)
                        status = s;
        }
        if (arr != NULL)
                out_json(json_pack("{s:b, s:o}", "online", online, "ops", arr));
        return status;
}

int outbox_write1(struct cli *cli, const char *entity, const char *entity_id, const char *action,
                  json_t *fields, const char *label)
{
        char op_id[1][UUID_STR];
        struct rb_err e;
        int rc;

        err_clear(&e);
        rc = outbox_may_do(cli, entity, action, &e) == 0 &&
             outbox_add(cli, entity, entity_id, action, fields, label, op_id[0], NULL, &e) == 0;
        json_decref(fields);
        if (!rc)
                return cli_fail(&e);
        return outbox_submit(cli, op_id, 1);
}
