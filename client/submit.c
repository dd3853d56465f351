/*
 * submit.c - a write from the person's point of view: queue it in the
 * outbox (outbox.h), push it at once when online (sync.h), and say what
 * became of each op: done, rejected with the server's reason, or waiting
 * for the next sync. Above both the outbox and the sync engine.
 */
#include "submit.h"
#include "i18n.h"
#include "out.h"
#include "outbox.h"
#include "sync.h"

#include <stdio.h>
#include <string.h>

int submit_now(struct cli *cli, struct rb_err *e)
{
        return submit_now_shown(cli, 0, e);
}

int submit_now_shown(struct cli *cli, int progress, struct rb_err *e)
{
        struct sync_report rep = {.progress = progress};

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
        struct rb_err e;
        char said[300], waits[UUID_STR] = "";

        err_clear(&e);
        if (outbox_state(cli, op_id, &s, &e) != 0 ||
            (strcmp(s.state, "pending") == 0 && outbox_waits_on(cli, op_id, waits, &e) < 0))
                return cli_fail(&e);
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
        } else if (online && waits[0] != '\0') {
                out_say(cli, _("%s: waiting on %s (renbin status shows it)\n"), label, waits);
        } else {
                out_say(cli,
                        online ? _("%s: queued; the server will take it at the next sync\n")
                               : _("%s: saved offline; it will be sent with the next renbin "
                                   "sync\n"),
                        label);
        }
        return strcmp(s.state, "rejected") == 0 ? err_exit_status(s.code) : EXIT_OK;
}

int submit_ops(struct cli *cli, char (*op_ids)[UUID_STR], size_t n)
{
        struct rb_err e;
        json_t *arr = cli->json ? json_array() : NULL;
        int online, status = EXIT_OK;
        char label[256];

        err_clear(&e);
        if ((online = submit_now(cli, &e)) < 0) {
                /* Reached the server but it refused us: say so; the ops stay queued. */
                json_decref(arr);
                return cli_fail(&e);
        }
        for (size_t i = 0; i < n; i++) {
                int s;
                if (outbox_label(cli, op_ids[i], label, sizeof(label), &e) < 0) {
                        json_decref(arr);
                        return cli_fail(&e);
                }
                s = report_op(cli, op_ids[i], label, online, arr);
                if (status == EXIT_OK)
                        status = s;
        }
        if (arr != NULL)
                out_json(json_pack("{s:b, s:o}", "online", online, "ops", arr));
        return status;
}

int submit_one(struct cli *cli, const char *entity, const char *entity_id, const char *action,
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
        return submit_ops(cli, op_id, 1);
}
