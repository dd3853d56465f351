/*
 * import_program.c - a plan's programs from a spreadsheet:
 * code,title,method,competency,partner,speaker,start,end,jp,capacity, all
 * into the plan named by --plan YEAR (HR). Each row becomes a "program
 * create" op; competency, partner and speaker may be left empty.
 */
#include "db.h"
#include "i18n.h"
#include "import.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

static const char *const columns[] = {"code",    "title", "method", "competency", "partner",
                                      "speaker", "start", "end",    "jp",         "capacity",
                                      NULL};
static const char *const fields[] = {"code",    "title",      "method",   "competency", "partner",
                                     "speaker", "start_date", "end_date", "jp",         "capacity",
                                     NULL};

static int program_row(struct import_ctx *ic, const struct csv_row *r, json_t **out,
                       char label[160], char key[128], struct rb_err *e)
{
        const char *v[10];
        long n;

        for (int i = 0; i < 10; i++)
                v[i] = import_cell(ic, r, columns[i]);
        if (code_check(v[0], "code", e) || text_check(v[1], 300, "title", e) ||
            enum_check(v[2], program_methods, "method", e) ||
            (v[3][0] && code_check(v[3], "competency", e)) ||
            opt_text_check(v[4], 300, "partner", e) || opt_text_check(v[5], 300, "speaker", e) ||
            date_check(v[6], "start_date", e) ||
            date_range_check(v[6], v[7], "start_date", "end_date", e) ||
            int_check(v[8], 1, 1000, "jp", &n, e) || int_check(v[9], 1, 10000, "capacity", &n, e))
                return -1;
        if (strncmp(v[6], ic->plan, 4) != 0)
                return err_set(e, RB_INVALID, "start_date",
                               _("start %s is not in the plan year %s"), v[6], ic->plan);
        if (v[3][0] && db_int(ic->cli->db, "SELECT count(*) FROM competencies", NULL, 0) > 0 &&
            db_int(ic->cli->db, "SELECT count(*) FROM competencies WHERE code = ?1", v[3], 0) == 0)
                return err_set(e, RB_NOT_FOUND, "competency", _("unknown competency '%s'"), v[3]);
        *out = json_pack("{s:s}", "plan_year", ic->plan);
        for (int i = 0; i < 10; i++)
                if (v[i][0] != '\0')
                        json_object_set_new(*out, fields[i], json_string(v[i]));
        snprintf(label, 160, _("add program %s"), v[0]);
        snprintf(key, 128, "%s", v[0]);
        return 0;
}

const struct import_kind import_program = {
    .name = "programs",
    .entity = "program",
    .action = "create",
    .columns = columns,
    .fields = fields,
    .row = program_row,
    .after_check = NULL,
    .needs_plan = 1,
};
