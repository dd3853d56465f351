/*
 * entity.c - the synced entities and their fields (see entity.h). Every value
 * travels as text; F_INT fields are stored as integers on both sides.
 */
#include "entity.h"

#include <string.h>

#define FIELDS(a) a, sizeof(a) / sizeof(a[0])

static const struct field_def unit_fields[] = {
    {"code", F_TEXT}, {"name", F_TEXT}, {"kind", F_TEXT}, {"active", F_INT},
};
static const struct field_def asn_fields[] = {
    {"nip", F_TEXT},      {"name", F_TEXT},       {"unit", F_TEXT}, {"jabatan", F_TEXT},
    {"golongan", F_TEXT}, {"tmt", F_TEXT},        {"birth_date", F_TEXT},
    {"sex", F_INT},       {"active", F_INT},
};
static const struct field_def competency_fields[] = {
    {"code", F_TEXT}, {"name", F_TEXT}, {"type", F_TEXT},
};
static const struct field_def plan_fields[] = {
    {"year", F_INT}, {"title", F_TEXT}, {"status", F_TEXT},
};
static const struct field_def program_fields[] = {
    {"code", F_TEXT},       {"plan_year", F_INT},  {"title", F_TEXT},    {"method", F_TEXT},
    {"competency", F_TEXT}, {"partner", F_TEXT},   {"speaker", F_TEXT},  {"start_date", F_TEXT},
    {"end_date", F_TEXT},   {"jp", F_INT},         {"capacity", F_INT},  {"enrolled", F_INT},
};
static const struct field_def enrollment_fields[] = {
    {"program", F_TEXT}, {"nip", F_TEXT}, {"unit", F_TEXT},
    {"status", F_TEXT},  {"jp", F_INT},   {"updated_at", F_INT},
};

static const struct entity_def unit_def = {"unit", "units", "code", FIELDS(unit_fields)};
static const struct entity_def asn_def = {"asn", "asn", "unit", FIELDS(asn_fields)};
static const struct entity_def competency_def = {"competency", "competencies", NULL,
                                                 FIELDS(competency_fields)};
static const struct entity_def plan_def = {"plan", "plans", NULL, FIELDS(plan_fields)};
static const struct entity_def program_def = {"program", "programs", NULL,
                                              FIELDS(program_fields)};
static const struct entity_def enrollment_def = {"enrollment", "enrollments", "unit",
                                                 FIELDS(enrollment_fields)};

const struct entity_def *const entity_defs[] = {
    &unit_def, &asn_def, &competency_def, &plan_def, &program_def, &enrollment_def,
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
