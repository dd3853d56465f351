/*
 * entity.h - the catalogue: each synced entity described once. For every
 * entity: its name on the wire, its table on both sides, the field naming the
 * unit that owns a row (which decides who may see and write it), every field
 * with its storage type, whether a person must give it, its limit and its
 * allowed values, and the entity's actions with the roles that may perform
 * each. Everything else reads this one description:
 *
 *   - the server checks an op's fields (entity_check) and the role before
 *     any rule hook runs, builds the INSERT of a plain "add" from it, builds
 *     the change feed's SQL from it, and refuses to start on a database that
 *     lacks one of its columns;
 *   - the client builds a verb's options (OPT_ENTITY_FIELDS), checks what was
 *     typed (the same entity_check), refuses a write the seat's role may not
 *     make, and builds its replica's tables;
 *   - an import reads the columns named here and checks each row the same way.
 *
 * Adding a field a person sets is its line here and one migration line in
 * server/store.c (docs/decisions.md 21).
 */
#ifndef RENBIN_ENTITY_H
#define RENBIN_ENTITY_H

#include <jansson.h>
#include <stddef.h>

#include "err.h"
#include "role.h"

/* How a value is stored: every value travels as text; F_INT is an integer
 * column on both sides. */
enum ftype { F_TEXT, F_INT };

/* How a value a person gives is checked (common/validate.c does the work). */
enum fcheck {
        C_NONE,   /* made by the server (a time, a count, a link): never typed */
        C_TEXT,   /* free text, at most max bytes */
        C_CODE,   /* a code: A-Z 0-9 - _ . */
        C_NIP,    /* an 18-digit NIP (spaces are stripped when typed) */
        C_DATE,   /* YYYY-MM-DD */
        C_PERIOD, /* 2027, 2027-S1, 2027-Q1 */
        C_YEAR,   /* 2000..2100 */
        C_INT,    /* a whole number in [min, max] */
        C_ENUM,   /* one of allowed */
        C_ID,     /* the id of another row (a UUID) */
};

/* Field flags. */
#define FD_REQUIRED 1u /* an action that takes the field must be given it */
#define FD_NOW 2u      /* set by the server to the batch's time when the row is made */
/* A questionnaire's content (a rating, a comment): kept only in the
 * anonymous answer row, never in conflicts, the audit log, a log line or a
 * done op of the outbox (docs/privacy.md). */
#define FD_PRIVATE 4u

struct field_def {
        const char *name; /* column and wire name */
        enum ftype type;
        enum fcheck check;
        unsigned flags;
        long min, max;              /* C_INT: the range; C_TEXT: max bytes */
        const char *const *allowed; /* C_ENUM: NULL-terminated */
        const char *not_before;     /* C_DATE: a field of the same row it may not precede */
        const char *opt;            /* the command-line option, when not the name with '-' */
        const char *column;         /* the spreadsheet column, when not the name */
        const char *help;           /* N_(): what it is, for --help */
};

/* Action flags. */
#define A_INSERT 1u /* the server inserts the row from its checked fields (a plain add) */
/* The op makes a row whose id is the op's entity_id: no row of any entity
 * may have it yet (ALREADY_EXISTS). */
#define A_CREATES 2u
/* The op changes the row its entity_id names, which must be a row of the
 * op's own entity (NOT_FOUND). An action with neither flag names its row by
 * a natural key (a code, a NIP, a year); its entity_id may name no row of
 * another entity. */
#define A_BY_ID 4u

/* One thing a client may do to an entity ("create", "status", ...). */
struct action_def {
        const char *name;
        unsigned roles; /* role_bits that may perform it */
        unsigned flags;
        /* The fields it takes, NULL-terminated; a name ending in '?' is
         * optional even if the field is FD_REQUIRED, one ending in '!' is
         * required by this action even if the field is not. NULL: every field a
         * person gives (check != C_NONE), required as the field says. */
        const char *const *fields;
        const char *result; /* the result word of an A_INSERT (entity_results) */
};

struct entity_def {
        const char *name;  /* on the wire: Op.entity, Change.entity */
        const char *table; /* table name on the server and in the replica */
        const char *scope; /* field with the owning unit's code; NULL: everyone's */
        const struct field_def *fields;
        size_t nfields;
        const struct action_def *actions;
        size_t nactions;
        const char *noun; /* N_(): one row as people say it ("a forum note") */
        unsigned flags;   /* E_* */
};

/* Entity flags. */
/* Its rows never leave the server: no change feed, no audit snapshot, no
 * replica table; its op is checked by the catalogue and written by its rule
 * hook only (questionnaire answers, docs/privacy.md). */
#define E_SERVER_ONLY 1u

/* The range of a pre-test or post-test score (Kirkpatrick level 2). */
#define TEST_SCORE_MIN 0
#define TEST_SCORE_MAX 100
/* Days after a program's end from which a completed enrollment is due for
 * its follow-up on the job (Kirkpatrick level 3, 60-90 days). */
#define FOLLOWUP_DAYS 60

/* Most fields one entity has. */
#define ENTITY_MAX_FIELDS 32

extern const struct entity_def *const entity_defs[];
extern const size_t entity_count;

/* The entity named name, or NULL. */
const struct entity_def *entity_find(const char *name);
/* The field named name of d, or NULL. */
const struct field_def *entity_field(const struct entity_def *d, const char *name);
/* The action named name of d, or NULL. */
const struct action_def *entity_action(const struct entity_def *d, const char *name);
/* Whether rows of d travel to replicas (change feed, replica table, export). */
int entity_synced(const struct entity_def *d);
/* Whether d has a private field (FD_PRIVATE: an answer, docs/privacy.md). */
int entity_private(const struct entity_def *d);
/* A number that changes whenever an entity, table or field is added, renamed
 * or retyped: a replica built for another catalogue rebuilds its tables. */
unsigned long entity_catalog_version(void);

/* Walks the fields an action takes: the i-th (from 0) is returned with
 * *required set, or NULL past the last. */
const struct field_def *entity_action_field(const struct entity_def *d, const struct action_def *a,
                                            size_t i, int *required);
/* The most bytes a valid value of f can hold (its limit for text, the
 * longest form of its kind otherwise): what the server keeps of a rejected
 * op's value. */
size_t entity_field_max(const struct field_def *f);
/* The command-line option of a field ("follow-up" for follow_up), in buf. */
const char *entity_field_opt(const struct field_def *f, char *buf, size_t len);
/* The spreadsheet column of a field. */
const char *entity_field_column(const struct field_def *f);

/* Reads a field's value from a source; NULL or "" when absent. */
typedef const char *(*entity_get_fn)(const void *src, const char *field);
/* entity_get_fn over a JSON object of strings. */
const char *entity_json_get(const void *obj, const char *field);

/* Checks the fields an action takes against the catalogue: present when
 * required, each of its kind and within its limits, dates in order. 0, or -1
 * with e (INVALID_ARGUMENT naming the field and quoting the value). */
int entity_check(const struct entity_def *d, const struct action_def *a, entity_get_fn get,
                 const void *src, struct rb_err *e);
/* Whether role (one role bit) may perform a: 0, or -1 with e
 * (PERMISSION_DENIED naming role). */
int entity_may(const struct entity_def *d, const struct action_def *a, unsigned role,
               struct rb_err *e);

/* The words the server answers an accepted op with (OpResult.detail begins
 * with one), and how people read them. */
#define R_CREATED "created"
#define R_CREATED_DRAFT "created (draft)"
#define R_ENROLLED "enrolled"
#define R_RECORDED "recorded"
#define R_REPLACED "replaced"
#define R_UPDATED "updated"
#define R_UNCHANGED "unchanged"
#define R_ACTIVATED "activated"
#define R_DEACTIVATED "deactivated"
#define R_APPROVED "approved"
#define R_PAIRED "paired"
#define R_LOGGED "logged"
#define R_WITHDRAWN "withdrawn"
#define R_DELETED "deleted"
#define R_CANCELLED "cancelled"
#define R_VERIFIED "verified"
#define R_REJECTED "rejected"

struct result_word {
        const char *wire;  /* as sent */
        const char *label; /* N_(): as shown */
};
extern const struct result_word entity_results[];
extern const size_t entity_result_count;

#endif
