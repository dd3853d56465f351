/*
 * cmd_retry.c - `renbin retry ID [--FIELD VALUE ...]`: a rejected op put
 * right. The copy takes the rejected op's fields, overridden by the command
 * line through the catalogue's options of its action, is checked like any
 * write (entity_check) and queued with a new op id for the same row; the ops
 * that waited on the rejected one are sent after it. Also the rejections
 * part of `renbin status` (listing, --dismiss ID).
 */
#include "about.h"
#include "cmds.h"
#include "entity.h"
#include "i18n.h"
#include "opts.h"
#include "out.h"
#include "outbox.h"
#include "rejections.h"
#include "submit.h"

#include <stdio.h>
#include <string.h>

json_t *rejections_list(struct cli *cli, struct rb_err *e)
{
        json_t *arr = outbox_open_ops(cli, e), *o;
        char about[512];
        size_t i;

        if (arr == NULL)
                return NULL;
        json_array_foreach(arr, i, o)
        {
                about_op(cli, json_string_value(json_object_get(o, "entity_id")),
                         json_object_get(o, "fields"), about, sizeof(about));
                json_object_set_new(o, "about", json_string(about));
                json_object_del(o, "fields");
                json_object_del(o, "entity_id");
        }
        return arr;
}

void rejections_print(const json_t *arr)
{
        const json_t *o;
        size_t i;

        json_array_foreach(arr, i, o)
        {
                const char *about = json_string_value(json_object_get(o, "about"));
                printf("  %s  %s%s%s%s: ", json_string_value(json_object_get(o, "id")),
                       json_string_value(json_object_get(o, "what")), about[0] ? " [" : "", about,
                       about[0] ? "]" : "");
                if (strcmp(json_string_value(json_object_get(o, "state")), "waiting") == 0)
                        printf(_("waiting on %s\n"),
                               json_string_value(json_object_get(o, "waits_on")));
                else
                        printf(_("rejected: %s (%s)\n"),
                               json_string_value(json_object_get(o, "reason")),
                               json_string_value(json_object_get(o, "code")));
        }
        if (json_array_size(arr) > 0)
                printf(_("  (renbin retry ID [--FIELD VALUE] sends a corrected copy; renbin status "
                         "--dismiss ID drops one)\n"));
}

int rejections_dismiss(struct cli *cli, const char *id)
{
        struct rb_err e;
        json_t *o;
        int rc;

        err_clear(&e);
        if ((o = outbox_open_find(cli, id, &e)) == NULL)
                return cli_fail(&e);
        rc = outbox_dismiss_one(cli, json_string_value(json_object_get(o, "op_id")), &e);
        if (rc == 0)
                out_say(cli, _("%s dismissed: %s\n"), json_string_value(json_object_get(o, "id")),
                        json_string_value(json_object_get(o, "what")));
        json_decref(o);
        return rc == 0 ? EXIT_OK : cli_fail(&e);
}

/* The copy's fields: the rejected op's, then the command line's options
 * (those of the op's action in the catalogue). 0, or an exit status. */
static int retry_fields(const json_t *op, int argc, char **argv, json_t *f)
{
        const char *entity = json_string_value(json_object_get(op, "entity")),
                   *action = json_string_value(json_object_get(op, "action"));
        const struct opt opts[] = {
            {"ID", "retry_id", OPT_ARG, 1, NULL, NULL, NULL},
            OPT_ENTITY_FIELDS(entity, action),
            OPT_END,
        };
        int rest, rc;

        json_object_update(f, json_object_get(op, "fields"));
        if ((rc = opts_parse("retry", opts, argc, argv, f, &rest)) != 0)
                return rc;
        if (rest != argc)
                return opts_extra("retry", argc, argv, rest);
        json_object_del(f, "retry_id");
        return 0;
}

/* retry ID [--FIELD VALUE ...] */
static int retry_exec(struct cli *cli, int argc, char **argv)
{
        const struct entity_def *d;
        char copy[1][UUID_STR];
        json_t *op, *f = json_object();
        struct rb_err e;
        int rc;

        err_clear(&e);
        if (argc < 2 || argv[1][0] == '-')
                rc = opt_fail(EXIT_USAGE, _("usage: renbin retry ID [--FIELD VALUE ...]"));
        else if ((op = outbox_open_find(cli, argv[1], &e)) == NULL)
                rc = cli_fail(&e);
        else {
                d = entity_find(json_string_value(json_object_get(op, "entity")));
                if ((rc = retry_fields(op, argc, argv, f)) == 0 &&
                    (outbox_may_do(cli, d->name, json_string_value(json_object_get(op, "action")),
                                   &e) != 0 ||
                     entity_check(
                         d, entity_action(d, json_string_value(json_object_get(op, "action"))),
                         entity_json_get, f, &e) != 0 ||
                     outbox_retry(cli, json_string_value(json_object_get(op, "op_id")), f, copy[0],
                                  &e) != 0))
                        rc = cli_fail(&e);
                json_decref(op);
        }
        json_decref(f);
        return rc != 0 ? rc : submit_ops(cli, copy, 1);
}

const struct cmd cmd_retry = {
    .name = "retry",
    .usage = "retry ID [--FIELD VALUE ...]",
    .summary = N_("send a corrected copy of a change the server rejected"),
    .help = N_("ID is the short id renbin status shows. The copy keeps the rejected change's\n"
               "values except the options given (those of its command, e.g. --nip, --status);\n"
               "it is checked like any write, and the changes waiting on it follow it.\n"),
    .exec = retry_exec,
};
