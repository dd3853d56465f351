/*
 * queries.h - named server-side queries (reports, lists) answered by h_query.
 * Each takes the caller's principal and arguments and builds one JSON
 * document; it restricts rows to what the role may see.
 */
#ifndef RENBIN_QUERIES_H
#define RENBIN_QUERIES_H

#include <jansson.h>
#include <sqlite3.h>

#include "err.h"
#include "tls.h"
#include "renbin.pb-c.h"

struct query_ctx {
        sqlite3 *db;
        const struct principal *who;
        unsigned role;
        Renbin__Field **args;
        size_t nargs;
};

typedef int (*query_fn)(struct query_ctx *q, json_t **out, struct rb_err *e);

/* A query argument, or NULL when absent or empty. */
const char *query_arg(const struct query_ctx *q, const char *name);

/* Which unit's rows a report may show: for hr and auditor, want (NULL: every
 * unit); for a unit office, its own unit, and PERMISSION_DENIED when want
 * names another. *unit is NULL for all units. */
int query_unit_scope(const struct query_ctx *q, const char *want, const char **unit,
                     struct rb_err *e);
/* A required year argument (2000..2100) into *year. */
int query_year(const struct query_ctx *q, long *year, struct rb_err *e);
/* The reference date argument "today" (YYYY-MM-DD), default the current date. */
int query_today(const struct query_ctx *q, char today[11], struct rb_err *e);
/* A figure held in hundredths as a JSON number with two decimals. */
json_t *json_h100(long long v);
/* The name of a unit, or "" if unknown. */
const char *query_unit_name(sqlite3 *db, const char *code, char *buf, size_t len);

/* h_query.c */
int q_conflicts(struct query_ctx *q, json_t **out, struct rb_err *e);
/* q_audit.c: the audit log, who did what when (hr, auditor), a page at a time */
int q_audit(struct query_ctx *q, json_t **out, struct rb_err *e);

/* report_program.c: questionnaire results of one program (n < 3: suppressed) */
int q_report_program(struct query_ctx *q, json_t **out, struct rb_err *e);
/* ... and the same figures for every program answered, one row each */
int q_report_evaluations(struct query_ctx *q, json_t **out, struct rb_err *e);
/* report_jp.c: JP per ASN in a year against the 20 JP minimum */
int q_report_jp(struct query_ctx *q, json_t **out, struct rb_err *e);
/* report_plan.c: plan progress, and unit needs against programs */
int q_report_plan(struct query_ctx *q, json_t **out, struct rb_err *e);
int q_report_needs(struct query_ctx *q, json_t **out, struct rb_err *e);
/* report_competency.c: assessment levels per competency over periods */
int q_report_competency(struct query_ctx *q, json_t **out, struct rb_err *e);
/* report_gaps.c: people under their position's competency standard, per unit */
int q_report_gaps(struct query_ctx *q, json_t **out, struct rb_err *e);
/* report_mentoring.c: pairs, sessions, hours, pairs gone quiet */
int q_report_mentoring(struct query_ctx *q, json_t **out, struct rb_err *e);
/* report_ikm.c: community satisfaction index per unit (PermenPAN-RB 14/2017) */
int q_report_ikm(struct query_ctx *q, json_t **out, struct rb_err *e);
/* report_siasn.c: a year's completed training in SIASN's riwayat kursus fields */
int q_export_siasn(struct query_ctx *q, json_t **out, struct rb_err *e);
/* certificate.c: a certificate of completion by its verification code (any seat) */
int q_certificate_verify(struct query_ctx *q, json_t **out, struct rb_err *e);
/* ... and the certificates a restore holds, with whose completion they wait for */
int q_certificate_held(struct query_ctx *q, json_t **out, struct rb_err *e);

#endif
