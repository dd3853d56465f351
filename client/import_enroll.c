/*
 * import_enroll.c - enrollments from a spreadsheet: program, nip and the
 * status reached, which becomes the enrollment and one state change per
 * step of the state machine (terdaftar -> hadir -> selesai). The row's
 * values are checked by the catalogue (entity_check), as the CLI's are.
 */
#include "entity.h"
#include "i18n.h"
#include "import.h"
#include "outbox.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define CELL(name) import_cell(ic, r, name)

static const char *const enr_cols[] = {"program", "nip", "status", NULL};
static const char *const enr_fields[] = {"program", "nip", "status", NULL};

/* A cell as the command line would have it: upper-cased for a code, without
 * spaces for a NIP. */
static void cell_norm(const char *v, int code, char *out, size_t len)
{
        size_t o = 0;

        for (; *v != '\0' && o + 1 < len; v++)
                if (code)
                        out[o++] = (char)toupper((unsigned char)*v);
                else if (*v != ' ')
                        out[o++] = *v;
        out[o] = '\0';
}

/* Checks the ops a row becomes against the catalogue: the enrollment's
 * create (program, nip) and, when a status is given, its status change. */
static int enr_check(json_t *f, struct rb_err *e)
{
        const struct entity_def *d = entity_find("enrollment");

        if (entity_check(d, entity_action(d, "create"), entity_json_get, f, e) != 0)
                return -1;
        if (json_object_get(f, "status") == NULL)
                return 0;
        return entity_check(d, entity_action(d, "status"), entity_json_get, f, e);
}

static int enr_row(struct import_ctx *ic, const struct csv_row *r, json_t **out, char label[160],
                   char key[128], struct rb_err *e)
{
        char program[64], nip[64];

        cell_norm(CELL("program"), 1, program, sizeof(program));
        cell_norm(CELL("nip"), 0, nip, sizeof(nip));
        if (import_nip_excel(nip, "nip", e) != 0)
                return -1;
        *out = json_pack("{s:s, s:s}", "program", program, "nip", nip);
        if (CELL("status")[0] != '\0')
                json_object_set_new(*out, "status", json_string(CELL("status")));
        if (enr_check(*out, e) != 0) {
                json_decref(*out);
                *out = NULL;
                return -1;
        }
        if (json_object_get(*out, "status") == NULL)
                json_object_set_new(*out, "status", json_string("terdaftar"));
        snprintf(label, 160, _("enroll %s in %s"), nip, program);
        snprintf(key, 128, "%s/%s", program, nip);
        return 0;
}

/* The states an enrollment passes through to reach `to`. */
static const char *const *steps_to(const char *to)
{
        static const char *const hadir[] = {"hadir", NULL};
        static const char *const selesai[] = {"hadir", "selesai", NULL};
        static const char *const tidak[] = {"tidak-hadir", NULL};
        static const char *const batal[] = {"batal", NULL};
        static const char *const none[] = {NULL};

        if (strcmp(to, "hadir") == 0)
                return hadir;
        if (strcmp(to, "selesai") == 0)
                return selesai;
        if (strcmp(to, "tidak-hadir") == 0)
                return tidak;
        if (strcmp(to, "batal") == 0)
                return batal;
        return none;
}

/* An enrollment row becomes "create" then one "status" op per step. */
static int enr_queue(struct import_ctx *ic, json_t *f, const char *label, char (*op_ids)[UUID_STR],
                     size_t *n, struct rb_err *e)
{
        const char *const *steps = steps_to(json_string_value(json_object_get(f, "status")));
        json_t *create = json_pack("{s:O, s:O}", "program", json_object_get(f, "program"), "nip",
                                   json_object_get(f, "nip"));
        char id[UUID_STR], step_label[200];
        int rc =
            outbox_add(ic->cli, "enrollment", NULL, "create", create, label, op_ids[*n], id, e);

        json_decref(create);
        if (rc != 0)
                return -1;
        (*n)++;
        for (; *steps != NULL; steps++) {
                json_t *s = json_pack("{s:s}", "status", *steps);
                snprintf(step_label, sizeof(step_label), "%s: %s", label, *steps);
                rc = outbox_add(ic->cli, "enrollment", id, "status", s, step_label, op_ids[*n],
                                NULL, e);
                json_decref(s);
                if (rc != 0)
                        return -1;
                (*n)++;
        }
        return 0;
}

const struct import_kind import_enrollments = {
    .name = "enrollments",
    .entity = "enrollment",
    .action = "create",
    .columns = enr_cols,
    .row_is_custom = 1,
    .fields = enr_fields,
    .row = enr_row,
    .queue = enr_queue,
    .ops_per_row = 3,
};
