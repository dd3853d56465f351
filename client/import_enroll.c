/*
 * import_enroll.c - enrollments from a spreadsheet: program, nip and the
 * status reached, which becomes the enrollment and one state change per
 * step of the state machine (terdaftar -> hadir -> selesai).
 */
#include "db.h"
#include "i18n.h"
#include "import.h"
#include "outbox.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

#define CELL(name) import_cell(ic, r, name)

/* A NIP cell, normalized into out; the error names field. */
static int nip_cell(const char *v, const char *field, char out[19], struct rb_err *e)
{
        if (nip_normalize(v, out) != 0 || strlen(out) != 18 || strspn(out, "0123456789") != 18)
                return err_set(e, RB_INVALID, field, _("'%s' is not an 18-digit NIP"), v);
        return 0;
}

static const char *const enr_cols[] = {"program", "nip", "status", NULL};
static const char *const enr_fields[] = {"program", "nip", "status", NULL};

static int enr_row(struct import_ctx *ic, const struct csv_row *r, json_t **out, char label[160],
                   char key[128], struct rb_err *e)
{
        const char *status = CELL("status");
        char nip[19];

        if (code_check(CELL("program"), "program", e) || nip_cell(CELL("nip"), "nip", nip, e) ||
            (status[0] && enum_check(status, enroll_states, "status", e)))
                return -1;
        *out = json_pack("{s:s, s:s, s:s}", "program", CELL("program"), "nip", nip, "status",
                         status[0] ? status : "terdaftar");
        snprintf(label, 160, _("enroll %s in %s"), nip, CELL("program"));
        snprintf(key, 128, "%s/%s", CELL("program"), nip);
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
