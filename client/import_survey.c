/*
 * import_survey.c - SKM responses typed from paper questionnaires into a
 * spreadsheet: service,period,u1..u9 and optionally unit,age,sex,education,job.
 * A unit office imports for its own unit (the unit column may be left out).
 */
#include "i18n.h"
#include "import.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

static const char *const columns[] = {"service", "period", "u1", "u2", "u3", "u4",
                                      "u5",      "u6",     "u7", "u8", "u9", NULL};
static const char *const fields[] = {"service", "period", "u1", "u2", "u3", "u4",
                                     "u5",      "u6",     "u7", "u8", "u9", NULL};
static const char *const extras[] = {"age", "sex", "education", "job"};

static int survey_row(struct import_ctx *ic, const struct csv_row *r, json_t **out, char label[160],
                      char key[128], struct rb_err *e)
{
        const char *unit = import_cell(ic, r, "unit"), *service = import_cell(ic, r, "service"),
                   *period = import_cell(ic, r, "period"), *age = import_cell(ic, r, "age"),
                   *sex = import_cell(ic, r, "sex");
        char own[64] = "", role[16] = "";
        long v;

        cli_get(ic->cli, "unit", own, sizeof(own));
        cli_get(ic->cli, "role", role, sizeof(role));
        if (unit[0] == '\0') {
                if (strcmp(role, "unit") != 0)
                        return err_set(e, RB_INVALID, "unit", _("unit is required"));
                unit = own;
        } else if (code_check(unit, "unit", e) != 0) {
                return -1;
        } else if (strcmp(role, "unit") == 0 && strcmp(unit, own) != 0) {
                return err_set(e, RB_DENIED, "unit",
                               _("unit %s: this office records only its own unit (%s)"), unit, own);
        }
        if (text_check(service, 200, "service", e) || period_check(period, "period", e))
                return -1;
        for (int i = 2; i < 11; i++)
                if (skm_score_check(import_cell(ic, r, columns[i]), fields[i], &v, e) != 0)
                        return -1;
        if ((age[0] && int_check(age, 10, 120, "age", &v, e)) ||
            (sex[0] && strcmp(sex, "L") && strcmp(sex, "P") &&
             err_set(e, RB_INVALID, "sex", _("sex: '%s' is not L or P"), sex)))
                return -1;
        *out = json_pack("{s:s, s:s, s:s}", "unit", unit, "service", service, "period", period);
        for (int i = 2; i < 11; i++)
                json_object_set_new(*out, fields[i], json_string(import_cell(ic, r, columns[i])));
        for (size_t i = 0; i < sizeof(extras) / sizeof(extras[0]); i++) {
                const char *x = import_cell(ic, r, extras[i]);
                if (x[0] != '\0')
                        json_object_set_new(*out, extras[i], json_string(x));
        }
        snprintf(label, 160, _("survey line %ld (%s, %s)"), r->line, unit, period);
        key[0] = '\0';
        return 0;
}

const struct import_kind import_survey = {
    .name = "survey",
    .entity = "survey",
    .action = "add",
    .columns = columns,
    .fields = fields,
    .row = survey_row,
    .after_check = NULL,
};
