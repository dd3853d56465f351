/*
 * entity.c - the synced entities and their fields (see entity.h). Every value
 * travels as text; F_INT fields are stored as integers on both sides.
 */
#include "entity.h"

#include <string.h>

#define FIELDS(a) a, sizeof(a) / sizeof(a[0])

static const struct field_def unit_fields[] = {
    {"code", F_TEXT},
    {"name", F_TEXT},
    {"kind", F_TEXT},
    {"active", F_INT},
};
static const struct field_def asn_fields[] = {
    {"nip", F_TEXT},        {"name", F_TEXT},     {"unit", F_TEXT},
    {"jabatan", F_TEXT},    {"golongan", F_TEXT}, {"tmt", F_TEXT},
    {"birth_date", F_TEXT}, {"sex", F_INT},       {"active", F_INT},
};
static const struct field_def competency_fields[] = {
    {"code", F_TEXT},
    {"name", F_TEXT},
    {"type", F_TEXT},
};
static const struct field_def plan_fields[] = {
    {"year", F_INT},
    {"title", F_TEXT},
    {"status", F_TEXT},
};
static const struct field_def program_fields[] = {
    {"code", F_TEXT},       {"plan_year", F_INT}, {"title", F_TEXT},   {"method", F_TEXT},
    {"competency", F_TEXT}, {"partner", F_TEXT},  {"speaker", F_TEXT}, {"start_date", F_TEXT},
    {"end_date", F_TEXT},   {"jp", F_INT},        {"capacity", F_INT}, {"enrolled", F_INT},
};
static const struct field_def enrollment_fields[] = {
    {"program", F_TEXT}, {"nip", F_TEXT}, {"unit", F_TEXT},
    {"status", F_TEXT},  {"jp", F_INT},   {"updated_at", F_INT},
};

static const struct field_def evaluation_fields[] = {
    {"enrollment", F_TEXT}, {"program", F_TEXT}, {"nip", F_TEXT},
    {"unit", F_TEXT},       {"materi", F_INT},   {"penyampaian", F_INT},
    {"aplikasi", F_INT},    {"comment", F_TEXT}, {"submitted_at", F_INT},
};
static const struct field_def assessment_fields[] = {
    {"nip", F_TEXT},  {"unit", F_TEXT}, {"competency", F_TEXT}, {"period", F_TEXT},
    {"level", F_INT}, {"note", F_TEXT}, {"assessed_at", F_INT}, {"current", F_INT},
};
static const struct field_def mentor_pair_fields[] = {
    {"mentor", F_TEXT},     {"mentee", F_TEXT},     {"unit", F_TEXT},     {"topic", F_TEXT},
    {"competency", F_TEXT}, {"start_date", F_TEXT}, {"end_date", F_TEXT}, {"active", F_INT},
};
static const struct field_def mentor_log_fields[] = {
    {"pair", F_TEXT},   {"unit", F_TEXT},  {"date", F_TEXT},
    {"minutes", F_INT}, {"notes", F_TEXT}, {"progress", F_INT},
};
static const struct field_def survey_fields[] = {
    {"unit", F_TEXT},        {"service", F_TEXT}, {"period", F_TEXT},    {"u1", F_INT},
    {"u2", F_INT},           {"u3", F_INT},       {"u4", F_INT},         {"u5", F_INT},
    {"u6", F_INT},           {"u7", F_INT},       {"u8", F_INT},         {"u9", F_INT},
    {"age", F_INT},          {"sex", F_TEXT},     {"education", F_TEXT}, {"job", F_TEXT},
    {"submitted_at", F_INT},
};
static const struct field_def forum_fields[] = {
    {"unit", F_TEXT}, {"date", F_TEXT}, {"topic", F_TEXT}, {"input", F_TEXT}, {"follow_up", F_TEXT},
};
static const struct field_def need_fields[] = {
    {"unit", F_TEXT},     {"year", F_INT},    {"competency", F_TEXT},
    {"priority", F_TEXT}, {"reason", F_TEXT},
};

static const struct entity_def unit_def = {"unit", "units", "code", FIELDS(unit_fields)};
static const struct entity_def asn_def = {"asn", "asn", "unit", FIELDS(asn_fields)};
static const struct entity_def competency_def = {"competency", "competencies", NULL,
                                                 FIELDS(competency_fields)};
static const struct entity_def plan_def = {"plan", "plans", NULL, FIELDS(plan_fields)};
static const struct entity_def program_def = {"program", "programs", NULL, FIELDS(program_fields)};
static const struct entity_def enrollment_def = {"enrollment", "enrollments", "unit",
                                                 FIELDS(enrollment_fields)};

static const struct entity_def evaluation_def = {"evaluation", "evaluations", "unit",
                                                 FIELDS(evaluation_fields)};
static const struct entity_def assessment_def = {"assessment", "assessments", "unit",
                                                 FIELDS(assessment_fields)};
static const struct entity_def mentor_pair_def = {"mentor_pair", "mentor_pairs", "unit",
                                                  FIELDS(mentor_pair_fields)};
static const struct entity_def mentor_log_def = {"mentor_log", "mentor_logs", "unit",
                                                 FIELDS(mentor_log_fields)};
static const struct entity_def survey_def = {"survey", "surveys", "unit", FIELDS(survey_fields)};
static const struct entity_def forum_def = {"forum", "forums", "unit", FIELDS(forum_fields)};
static const struct entity_def need_def = {"need", "needs", "unit", FIELDS(need_fields)};

/* In dependency order: a replica applying a page in this order never meets a
 * row before the row it refers to (the feed is in sequence order anyway). */
const struct entity_def *const entity_defs[] = {
    &unit_def,       &asn_def,        &competency_def, &plan_def,        &program_def,
    &enrollment_def, &evaluation_def, &assessment_def, &mentor_pair_def, &mentor_log_def,
    &survey_def,     &forum_def,      &need_def,
};
const size_t entity_count = sizeof(entity_defs) / sizeof(entity_defs[0]);

const struct entity_def *entity_find(const char *name)
{
        for (size_t i = 0; i < entity_count; i++)
                if (strcmp(entity_defs[i]->name, name) == 0)
                        return entity_defs[i];
        return NULL;
}

const struct field_def *entity_field(const struct entity_def *d, const char *name)
{
        for (size_t i = 0; i < d->nfields; i++)
                if (strcmp(d->fields[i].name, name) == 0)
                        return &d->fields[i];
        return NULL;
}
