/*
 * entity.h - the catalogue of synced entities: for each, its name on the wire,
 * its table on both sides, the column naming the unit that owns a row (which
 * decides who may see it), and its fields. Both sides build their sync SQL
 * from this one table, so a field added here travels everywhere.
 */
#ifndef RENBIN_ENTITY_H
#define RENBIN_ENTITY_H

#include <stddef.h>

enum ftype { F_TEXT, F_INT };

struct field_def {
        const char *name;
        enum ftype type;
};

struct entity_def {
        const char *name;  /* on the wire: Op.entity, Change.entity */
        const char *table; /* table name on the server and in the replica */
        const char *scope; /* column with the owning unit's code; NULL: everyone's */
        const struct field_def *fields;
        size_t nfields;
};

extern const struct entity_def *const entity_defs[];
extern const size_t entity_count;
/* Bumped whenever a field is added, so replicas rebuild their tables. */
#define ENTITY_CATALOG_VERSION 1

/* The entity named name, or NULL. */
const struct entity_def *entity_find(const char *name);
/* The field named name of d, or NULL. */
const struct field_def *entity_field(const struct entity_def *d, const char *name);

#endif
