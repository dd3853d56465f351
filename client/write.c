/*
 * write.c - a write verb's body (see write.h): options to fields, the row's
 * unit, the catalogue's check, then the outbox.
 */
#include "write.h"
#include "entity.h"
#include "i18n.h"
#include "opts.h"
#include "outbox.h"
#include "submit.h"
#include "validate.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

const char *write_get(const json_t *fields, const char *name)
{
        const char *v = json_string_value(json_object_get(fields, name));

        return v != NULL ? v : "";
}

int write_unit(struct cli *cli, const char *unit, char out[64], struct rb_err *e)
{
        char role[16] = "";

        /* An auditor is told it is read-only, not which option is missing. */
        if (outbox_may_write(cli, e) != 0)
                return -1;
        if (unit != NULL && unit[0] != '\0')
                return snprintf(out, 64, "%s", unit) > 0 ? code_check(out, "unit", e) : -1;
        cli_get(cli, "role", role, sizeof(role));
        if (role_bit(role) != ROLE_UNIT || cli_get(cli, "unit", out, 64) != 0)
                return err_set(e, RB_INVALID, "unit", _("say which unit with --unit CODE"));
        return 0;
}

/* True if action a of d takes the field named name. */
static int action_takes(const struct entity_def *d, const struct action_def *a, const char *name)
{
        const struct field_def *f;
        int req;

        for (size_t i = 0; (f = entity_action_field(d, a, i, &req)) != NULL; i++)
                if (strcmp(f->name, name) == 0)
                        return 1;
        return 0;
}

/* The checks before the fields are read: role, then the row's unit. */
static int write_scope(struct cli *cli, const struct entity_def *d, const struct action_def *a,
                       json_t *fields, struct rb_err *e)
{
        char unit[64];

        if (a == NULL)
                return err_set(e, RB_INTERNAL, "action", "the catalogue has no %s action", d->name);
        if (outbox_may_do(cli, d->name, a->name, e) != 0)
                return -1;
        if (d->scope != NULL && action_takes(d, a, d->scope)) {
                if (write_unit(cli, write_get(fields, d->scope), unit, e) != 0)
                        return -1;
                json_object_set_new(fields, d->scope, json_string(unit));
        }
        return 0;
}

int write_parse(struct cli *cli, const char *cmd, const char *entity, const char *action,
                const struct opt *opts, int argc, char **argv, json_t **fields, int *rest)
{
        const struct entity_def *d = entity_find(entity);
        struct rb_err e;
        int first, rc;

        err_clear(&e);
        *fields = json_object();
        if ((rc = opts_parse(cmd, opts, argc, argv, *fields, &first)) == 0 && rest == NULL &&
            first < argc)
                rc = opt_fail(EXIT_USAGE, _("unexpected argument '%s' (see --help)"), argv[first]);
        if (rest != NULL)
                *rest = first;
        if (rc == 0 && write_scope(cli, d, entity_action(d, action), *fields, &e) != 0)
                rc = cli_fail(&e);
        if (rc != 0) {
                json_decref(*fields);
                *fields = NULL;
        }
        return rc;
}

/* Replaces the whole word from in s (at most len bytes) with to. */
static void word_replace(char *s, size_t len, const char *from, const char *to)
{
        size_t nf = strlen(from), nt = strlen(to);
        char *p = s;

        while ((p = strstr(p, from)) != NULL) {
                int starts = p == s || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
                int ends = !(isalnum((unsigned char)p[nf]) || p[nf] == '_');
                if (!starts || !ends || strlen(s) - nf + nt + 1 > len) {
                        p += nf;
                        continue;
                }
                memmove(p + nt, p + nf, strlen(p + nf) + 1);
                memcpy(p, to, nt);
                p += nt;
        }
}

/* A field error as the person typed it: fields named by their options
 * ("end" for end_date), as the import names them by their columns. */
static void name_by_options(const struct entity_def *d, struct rb_err *e)
{
        char opt[64];

        for (size_t i = 0; i < d->nfields; i++)
                if (strcmp(entity_field_opt(&d->fields[i], opt, sizeof(opt)), d->fields[i].name))
                        word_replace(e->msg, sizeof(e->msg), d->fields[i].name, opt);
}

int write_submit(struct cli *cli, const char *entity, const char *action, json_t *fields,
                 const char *label)
{
        return write_submit_id(cli, entity, NULL, action, fields, label);
}

int write_submit_id(struct cli *cli, const char *entity, const char *entity_id, const char *action,
                    json_t *fields, const char *label)
{
        const struct entity_def *d = entity_find(entity);
        struct rb_err e;

        err_clear(&e);
        if (entity_check(d, entity_action(d, action), entity_json_get, fields, &e) != 0) {
                json_decref(fields);
                name_by_options(d, &e);
                return cli_fail(&e);
        }
        return submit_one(cli, entity, entity_id, action, fields, label);
}
