/*
 * entity_check.c - reading the catalogue (see entity.h): the fields an
 * action takes, their option and column names, the check of a set of values
 * against their limits, and whether a role may perform an action. The
 * server, the CLI and the imports all check through entity_check, so a limit
 * is written once, in entity.c.
 */
#include "entity.h"
#include "i18n.h"
#include "uuid.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int value_check(const struct field_def *f, const char *v, struct rb_err *e);

/* The field of d whose name is the n bytes at name, or NULL. */
static const struct field_def *field_named(const struct entity_def *d, const char *name, size_t n)
{
        for (size_t j = 0; j < d->nfields; j++)
                if (strncmp(d->fields[j].name, name, n) == 0 && d->fields[j].name[n] == '\0')
                        return &d->fields[j];
        return NULL;
}

const struct field_def *entity_action_field(const struct entity_def *d, const struct action_def *a,
                                            size_t i, int *required)
{
        const struct field_def *f;
        size_t n;

        if (a->fields != NULL) {
                if (a->fields[i] == NULL)
                        return NULL;
                n = strcspn(a->fields[i], "?!");
                f = field_named(d, a->fields[i], n);
                *required = f != NULL && (a->fields[i][n] == '!' ||
                                          (a->fields[i][n] != '?' && (f->flags & FD_REQUIRED)));
                return f;
        }
        for (size_t j = 0; j < d->nfields; j++) {
                if (d->fields[j].check == C_NONE)
                        continue;
                if (i-- == 0) {
                        *required = (d->fields[j].flags & FD_REQUIRED) != 0;
                        return &d->fields[j];
                }
        }
        return NULL;
}

const char *entity_field_opt(const struct field_def *f, char *buf, size_t len)
{
        snprintf(buf, len, "%s", f->opt != NULL ? f->opt : f->name);
        for (char *p = buf; *p != '\0'; p++)
                if (*p == '_')
                        *p = '-';
        return buf;
}

const char *entity_field_column(const struct field_def *f)
{
        return f->column != NULL ? f->column : f->name;
}

const char *entity_json_get(const void *obj, const char *field)
{
        return json_string_value(json_object_get((const json_t *)obj, field));
}

/* A value of one field, present and not empty, against its kind and limits. */
static int value_check(const struct field_def *f, const char *v, struct rb_err *e)
{
        long n;

        switch (f->check) {
        case C_TEXT:
                return text_check(v, (size_t)f->max, f->name, e);
        case C_CODE:
                return code_check(v, f->name, e);
        case C_NIP:
                if (strlen(v) != 18 || strspn(v, "0123456789") != 18)
                        return err_set(e, RB_INVALID, f->name, _("%s: '%s' is not an 18-digit NIP"),
                                       f->name, v);
                return 0;
        case C_DATE:
                return date_check(v, f->name, e);
        case C_PERIOD:
                return period_check(v, f->name, e);
        case C_YEAR:
                return year_check(v, f->name, &n, e);
        case C_INT:
                return int_check(v, f->min, f->max, f->name, &n, e);
        case C_ENUM:
                return enum_check(v, f->allowed, f->name, e);
        case C_ID:
                if (!uuid_valid(v))
                        return err_set(e, RB_INVALID, f->name, _("%s: '%s' is not an id"), f->name,
                                       v);
                return 0;
        case C_NONE:
                break;
        }
        return 0;
}

/* A date that may not come before another field's: checked once both are. */
static int order_check(const struct field_def *f, entity_get_fn get, const void *src,
                       struct rb_err *e)
{
        const char *v = get(src, f->name), *from = get(src, f->not_before);

        if (v == NULL || v[0] == '\0' || from == NULL || from[0] == '\0')
                return 0;
        return date_range_check(from, v, f->not_before, f->name, e);
}

/* Whether action a of d takes the field named name. */
static int takes(const struct entity_def *d, const struct action_def *a, const char *name)
{
        const struct field_def *f;
        int required;

        for (size_t i = 0; (f = entity_action_field(d, a, i, &required)) != NULL; i++)
                if (strcmp(f->name, name) == 0)
                        return 1;
        return 0;
}

/* The JP of an action that takes a method, its dates and its JP (a
 * program, a record from outside the plan): for a method counted by day,
 * at most days x its JP a day, and left out it is that (the server fills
 * it in); any other method states its JP. */
static int jp_rule(const struct entity_def *d, const struct action_def *a, entity_get_fn get,
                   const void *src, struct rb_err *e)
{
        const char *m, *jp;

        if (!takes(d, a, "method") || !takes(d, a, "jp") || !takes(d, a, "start_date") ||
            !takes(d, a, "end_date"))
                return 0;
        if ((m = get(src, "method")) == NULL || m[0] == '\0')
                return 0;
        if ((jp = get(src, "jp")) == NULL || jp[0] == '\0')
                return method_jp_a_day(m) != 0
                           ? 0
                           : err_set(e, RB_INVALID, "jp",
                                     _("jp is required: a %s counts the JP it states"), m);
        return method_jp_check(m, get(src, "start_date"), get(src, "end_date"),
                               strtol(jp, NULL, 10), e);
}

int entity_check(const struct entity_def *d, const struct action_def *a, entity_get_fn get,
                 const void *src, struct rb_err *e)
{
        const struct field_def *f;
        const char *v;
        int required;

        for (size_t i = 0; (f = entity_action_field(d, a, i, &required)) != NULL; i++) {
                v = get(src, f->name);
                if (v == NULL || v[0] == '\0') {
                        if (required)
                                return err_set(e, RB_INVALID, f->name, _("%s is required"),
                                               f->name);
                        continue;
                }
                if (value_check(f, v, e) != 0)
                        return -1;
        }
        for (size_t i = 0; (f = entity_action_field(d, a, i, &required)) != NULL; i++)
                if (f->not_before != NULL && order_check(f, get, src, e) != 0)
                        return -1;
        return jp_rule(d, a, get, src, e);
}

int entity_may(const struct entity_def *d, const struct action_def *a, unsigned role,
               struct rb_err *e)
{
        if ((a->roles & role) != 0)
                return 0;
        return err_set(e, RB_DENIED, "role", _("role %s may not %s a %s"), role_name(role), a->name,
                       d->name);
}
