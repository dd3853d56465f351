/*
 * import_row.c - a spreadsheet row read through the catalogue: the cells of
 * the columns an action's fields name (common/entity.c: a field's column is
 * its name unless the catalogue says otherwise), normalized as the command
 * line normalizes them (codes upper-case, NIP without spaces), the row's
 * unit defaulted to and checked against the office, dates a spreadsheet
 * wrote DD/MM/YYYY made YYYY-MM-DD, then checked by entity_check: the same
 * limits as the CLI and the server. A NIP Excel turned into a number is
 * named as such (import_nip_excel).
 */
#include "csvin.h"
#include "entity.h"
#include "i18n.h"
#include "import.h"
#include "validate.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* The entity and action of a kind. */
static int kind_def(const struct import_kind *k, const struct entity_def **d,
                    const struct action_def **a)
{
        *d = entity_find(k->entity);
        *a = *d != NULL ? entity_action(*d, k->action) : NULL;
        return *a != NULL ? 0 : -1;
}

/* True if the kind fills field itself (given, or from its own columns). */
static int kind_fills(const struct import_kind *k, const char *field)
{
        for (size_t i = 0; k->columns != NULL && k->columns[i] != NULL; i++)
                if (strcmp(k->fields[i], field) == 0)
                        return 1;
        return k->given != NULL && strcmp(k->given, field) == 0;
}

const char *import_key_field(const struct import_kind *k)
{
        const struct entity_def *d;
        const struct action_def *a;
        int req;

        if (k->fields != NULL)
                return k->fields[0];
        if (kind_def(k, &d, &a) != 0 || entity_action_field(d, a, 0, &req) == NULL)
                return "";
        return entity_action_field(d, a, 0, &req)->name;
}

const char *import_column_of(const struct import_kind *k, const char *field)
{
        const struct entity_def *d;
        const struct action_def *a;
        const struct field_def *f;

        for (size_t i = 0; k->columns != NULL && k->columns[i] != NULL; i++)
                if (strcasecmp(k->fields[i], field) == 0)
                        return k->columns[i];
        if (k->row_is_custom || kind_def(k, &d, &a) != 0 || (f = entity_field(d, field)) == NULL)
                return field;
        return entity_field_column(f);
}

const char *const *import_required_columns(const struct import_kind *k, const char *buf[],
                                           size_t len)
{
        const struct entity_def *d;
        const struct action_def *a;
        const struct field_def *f;
        size_t n = 0;
        int req;

        if (k->row_is_custom)
                return k->columns;
        for (size_t i = 0; k->columns != NULL && k->columns[i] != NULL && n + 1 < len; i++)
                buf[n++] = k->columns[i];
        for (size_t i = 0; kind_def(k, &d, &a) == 0 && n + 1 < len &&
                           (f = entity_action_field(d, a, i, &req)) != NULL;
             i++)
                /* The unit may be left out: it is the office's own. */
                if (req && (d->scope == NULL || strcmp(f->name, d->scope) != 0) &&
                    !kind_fills(k, f->name))
                        buf[n++] = entity_field_column(f);
        buf[n] = NULL;
        return buf;
}

int import_unit(struct import_ctx *ic, const char *unit, char out[64], struct rb_err *e)
{
        char own[64] = "", role[16] = "";

        cli_get(ic->cli, "role", role, sizeof(role));
        cli_get(ic->cli, "unit", own, sizeof(own));
        if (unit[0] == '\0') {
                if (role_bit(role) != ROLE_UNIT)
                        return err_set(e, RB_INVALID, "unit", _("unit is required"));
                unit = own;
        }
        snprintf(out, 64, "%s", unit);
        for (char *p = out; *p != '\0'; p++)
                *p = (char)toupper((unsigned char)*p);
        if (code_check(out, "unit", e) != 0)
                return -1;
        if (role_bit(role) == ROLE_UNIT && strcmp(out, own) != 0)
                return err_set(e, RB_DENIED, "unit",
                               _("unit %s: this office records only its own unit (%s)"), out, own);
        return 0;
}

/* True for what Excel writes of a long number: 1.98001E+17 or 1,98001E+17. */
static int scientific(const char *v)
{
        size_t n = strspn(v, "0123456789");

        if (n == 0)
                return 0;
        v += n;
        if (*v == '.' || *v == ',')
                v += 1 + strspn(v + 1, "0123456789");
        if (*v != 'E' && *v != 'e')
                return 0;
        v += v[1] == '+' ? 2 : 1;
        return *v != '\0' && strspn(v, "0123456789") == strlen(v);
}

int import_nip_excel(const char *cell, const char *field, struct rb_err *e)
{
        char nip[64];
        size_t n = 0;

        for (; *cell != '\0' && n + 1 < sizeof(nip); cell++)
                if (*cell != ' ')
                        nip[n++] = *cell;
        nip[n] = '\0';
        /* Excel keeps 15 significant digits: an 18-digit NIP ends in 000 (no
         * NIP's sequence is 000), or the number lost digits (15 to 17 left). */
        if (scientific(nip) ||
            (strspn(nip, "0123456789") == n && ((n >= 15 && n <= 17 && nip[n - 1] == '0') ||
                                                (n == 18 && strcmp(nip + 15, "000") == 0))))
                return err_set(e, RB_INVALID, field,
                               _("%s: '%s' is a number Excel made of the NIP, which lost its "
                                 "digits; format the NIP column as Text and type the NIPs again"),
                               field, nip);
        return 0;
}

/* A cell as the command line would have it: codes upper-case, NIP without
 * spaces, dates YYYY-MM-DD. */
static void cell_value(const struct field_def *f, const char *v, char *buf, size_t len)
{
        size_t o = 0;

        if (f->check == C_DATE && len >= 11 && csvin_date(v, buf))
                return;
        /* An export guarded a formula-like text with a '; it is not data. */
        if (v[0] == '\'' && csvin_formula_like(v + 1))
                v++;
        for (; *v != '\0' && o + 1 < len; v++)
                if (f->check == C_CODE)
                        buf[o++] = (char)toupper((unsigned char)*v);
                else if (f->check != C_NIP || *v != ' ')
                        buf[o++] = *v;
        buf[o] = '\0';
}

int import_entity_row(struct import_ctx *ic, const struct csv_row *r, json_t **out,
                      struct rb_err *e)
{
        const struct entity_def *d;
        const struct action_def *a;
        const struct field_def *f;
        char v[4096], unit[64];
        int req;

        if (kind_def(ic->kind, &d, &a) != 0)
                return err_set(e, RB_INTERNAL, NULL, "no catalogue action for %s", ic->kind->name);
        if (*out == NULL)
                *out = json_object();
        for (size_t i = 0; (f = entity_action_field(d, a, i, &req)) != NULL; i++) {
                if (json_object_get(*out, f->name) != NULL)
                        continue;
                cell_value(f, import_cell(ic, r, entity_field_column(f)), v, sizeof(v));
                if (f->check == C_NIP && import_nip_excel(v, f->name, e) != 0)
                        goto fail;
                if (d->scope != NULL && strcmp(f->name, d->scope) == 0) {
                        if (import_unit(ic, v, unit, e) != 0)
                                goto fail;
                        snprintf(v, sizeof(v), "%s", unit);
                }
                if (v[0] != '\0')
                        json_object_set_new(*out, f->name, json_string(v));
        }
        if (entity_check(d, a, entity_json_get, *out, e) == 0)
                return 0;
fail:
        json_decref(*out);
        *out = NULL;
        return -1;
}
