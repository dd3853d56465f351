/*
 * import_program.c - a plan's programs from a spreadsheet (`import programs
 * FILE --plan YEAR`): the catalogue's columns, and each program must start
 * in the plan's year.
 */
#include "db.h"
#include "i18n.h"
#include "import.h"
#include "outbox.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

#define CELL(name) import_cell(ic, r, name)

static int prog_row(struct import_ctx *ic, const struct csv_row *r, json_t **out, char label[160],
                    char key[128], struct rb_err *e)
{
        const char *start;

        if (ic->year == NULL)
                return err_set(e, RB_INVALID, "plan_year", _("say which plan with --plan YEAR"));
        *out = json_pack("{s:s}", "plan_year", ic->year);
        if (import_entity_row(ic, r, out, e) != 0)
                return -1;
        start = json_string_value(json_object_get(*out, "start_date"));
        if (strncmp(start, ic->year, 4) != 0) {
                err_set(e, RB_INVALID, "start_date", _("start %s is not in the plan year %s"),
                        start, ic->year);
                json_decref(*out);
                *out = NULL;
                return -1;
        }
        snprintf(label, 160, _("add program %s"), json_string_value(json_object_get(*out, "code")));
        snprintf(key, 128, "%s", json_string_value(json_object_get(*out, "code")));
        return 0;
}

const struct import_kind import_programs = {
    .name = "programs",
    .entity = "program",
    .action = "create",
    .given = "plan_year",
    .row = prog_row,
};
