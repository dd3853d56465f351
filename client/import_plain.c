/*
 * import_plain.c - the spreadsheet kinds read entirely through the
 * catalogue: units, competencies, training needs, forum notes, SKM survey
 * responses, questionnaires, pre/post tests, competency assessments and
 * standards. A column is a field of the catalogue (common/entity.c), checked
 * with the field's own limits;
 * what is left here is how each row is named and what may not appear twice
 * in one file. The server decides the rest.
 */
#include "i18n.h"
#include "import.h"
#include "replica.h"

#include <ctype.h>
#include <stdio.h>

#define F(name) json_string_value(json_object_get(*out, name))

static int units_row(struct import_ctx *ic, const struct csv_row *r, json_t **out, char label[160],
                     char key[128], struct rb_err *e)
{
        if (import_entity_row(ic, r, out, e) != 0)
                return -1;
        snprintf(label, 160, _("add unit %s"), F("code"));
        snprintf(key, 128, "%s", F("code"));
        return 0;
}

const struct import_kind import_units = {
    .name = "units",
    .entity = "unit",
    .action = "create",
    .row = units_row,
};

static int comp_row(struct import_ctx *ic, const struct csv_row *r, json_t **out, char label[160],
                    char key[128], struct rb_err *e)
{
        if (import_entity_row(ic, r, out, e) != 0)
                return -1;
        snprintf(label, 160, _("add competency %s"), F("code"));
        snprintf(key, 128, "%s", F("code"));
        return 0;
}

const struct import_kind import_competencies = {
    .name = "competencies",
    .entity = "competency",
    .action = "create",
    .row = comp_row,
};

/* A need without a year is for the newest plan's year, as `need add`. */
static int need_row(struct import_ctx *ic, const struct csv_row *r, json_t **out, char label[160],
                    char key[128], struct rb_err *e)
{
        char year[24];

        if (import_cell(ic, r, "year")[0] == '\0') {
                if (replica_plan_year(ic->cli->db, year, e) != 0)
                        return -1;
                *out = json_pack("{s:s}", "year", year);
        }
        if (import_entity_row(ic, r, out, e) != 0)
                return -1;
        snprintf(label, 160, _("%s need of %s for %s"), F("year"), F("unit"), F("competency"));
        snprintf(key, 128, "%s/%s/%s", F("unit"), F("year"), F("competency"));
        return 0;
}

const struct import_kind import_needs = {
    .name = "needs",
    .entity = "need",
    .action = "add",
    .given = "year",
    .row = need_row,
};

static int forum_row(struct import_ctx *ic, const struct csv_row *r, json_t **out, char label[160],
                     char key[128], struct rb_err *e)
{
        if (import_entity_row(ic, r, out, e) != 0)
                return -1;
        snprintf(label, 160, _("forum note of %s: %s"), F("date"), F("topic"));
        key[0] = '\0';
        return 0;
}

const struct import_kind import_forums = {
    .name = "forums",
    .entity = "forum",
    .action = "add",
    .row = forum_row,
};

/* SKM responses typed from paper questionnaires: service, period, u1..u9
 * and optionally unit, age, sex, education, job. */
static int survey_row(struct import_ctx *ic, const struct csv_row *r, json_t **out, char label[160],
                      char key[128], struct rb_err *e)
{
        if (import_entity_row(ic, r, out, e) != 0)
                return -1;
        snprintf(label, 160, _("survey line %ld (%s, %s)"), r->line, F("unit"), F("period"));
        key[0] = '\0';
        return 0;
}

const struct import_kind import_survey = {
    .name = "survey",
    .entity = "survey",
    .action = "add",
    .row = survey_row,
};

static int eval_row(struct import_ctx *ic, const struct csv_row *r, json_t **out, char label[160],
                    char key[128], struct rb_err *e)
{
        if (import_entity_row(ic, r, out, e) != 0)
                return -1;
        snprintf(label, 160, _("questionnaire of %s for %s"), F("nip"), F("program"));
        snprintf(key, 128, "%s/%s", F("program"), F("nip"));
        return 0;
}

const struct import_kind import_evaluations = {
    .name = "evaluations",
    .entity = "evaluation",
    .action = "submit",
    .row = eval_row,
};

/* Pre/post tests (evaluation level 2): program, nip, pre, post; a person
 * given twice in one program would replace the first line's scores. */
static int test_row(struct import_ctx *ic, const struct csv_row *r, json_t **out, char label[160],
                    char key[128], struct rb_err *e)
{
        if (import_entity_row(ic, r, out, e) != 0)
                return -1;
        snprintf(label, 160, _("test scores of %s in %s"), F("nip"), F("program"));
        snprintf(key, 128, "%s/%s", F("program"), F("nip"));
        return 0;
}

const struct import_kind import_tests = {
    .name = "tests",
    .entity = "learning_test",
    .action = "record",
    .row = test_row,
};

static int assess_row(struct import_ctx *ic, const struct csv_row *r, json_t **out, char label[160],
                      char key[128], struct rb_err *e)
{
        if (import_entity_row(ic, r, out, e) != 0)
                return -1;
        snprintf(label, 160, _("assessment of %s in %s, %s"), F("nip"), F("competency"),
                 F("period"));
        key[0] = '\0';
        return 0;
}

const struct import_kind import_assessments = {
    .name = "assessments",
    .entity = "assessment",
    .action = "add",
    .row = assess_row,
};

/* Competency standards (HR): jabatan, competency, level; a jabatan and
 * competency given twice in one file would set the standard twice. */
static int standard_row(struct import_ctx *ic, const struct csv_row *r, json_t **out,
                        char label[160], char key[128], struct rb_err *e)
{
        if (import_entity_row(ic, r, out, e) != 0)
                return -1;
        snprintf(label, 160, _("standard of %s in %s"), F("jabatan"), F("competency"));
        snprintf(key, 128, "%s/%s", F("jabatan"), F("competency"));
        for (char *p = key; *p != '\0'; p++)
                *p = (char)tolower((unsigned char)*p);
        return 0;
}

const struct import_kind import_standards = {
    .name = "standard",
    .entity = "standard",
    .action = "set",
    .row = standard_row,
};
