/*
 * flow.h - steps the end-to-end tests of the domain share, on top of
 * harness.h: running renbin with --json and reading what it printed,
 * picking rows out of list output, writing small CSV files, and making valid
 * NIPs. Like the harness, the f_must_* functions fail the running test.
 */
#ifndef RENBIN_FLOW_H
#define RENBIN_FLOW_H

#include <jansson.h>

#include "harness.h"

/* Arguments of a renbin run: up to F_MAXARGS, NULL-terminated. */
#define F_MAXARGS 48

/* Runs renbin --home home with args (NULL-terminated array) into r. */
int f_run(struct h_result *r, const char *home, const char *const *args);
/* Runs renbin --home home --json ARGS..., checks the exit status is want and
 * returns the JSON it printed on stdout (NULL when it printed none). */
json_t *f_json(int want, const char *home, ...) __attribute__((sentinel));
/* Runs renbin --home home ARGS... and checks the exit status is want; r keeps
 * what it printed (free it with h_result_free). */
void f_expect(struct h_result *r, int want, const char *home, ...) __attribute__((sentinel));
/* f_expect for a command that must exit 0, discarding its output. */
void f_ok(const char *home, ...) __attribute__((sentinel));

/* The number of rows of a list whose string (or integer) key equals value. */
size_t f_rows_with(json_t *rows, const char *key, const char *value);
/* The first row of a list whose key equals value, or NULL (borrowed). */
json_t *f_row_with(json_t *rows, const char *key, const char *value);
/* A key of a JSON object as text ("" when absent; integers in decimal). */
const char *f_text(json_t *obj, const char *key);
/* An integer key of a JSON object (a boolean is 1 or 0; -1 when absent or
 * not an integer). */
long long f_int(json_t *obj, const char *key);

/* The value at a dotted path of a document ("units.0.competencies.1.name":
 * numbers index arrays), or NULL (borrowed). */
json_t *f_at(json_t *doc, const char *path);

/* `renbin status --json` of home (exit 0 required). */
json_t *f_status(const char *home);
/* outbox.pending, outbox.rejected of a status document. */
long long f_pending(json_t *status);
long long f_rejected(json_t *status);
/* The newest rejected op of a status document whose "what" holds needle, or
 * NULL (borrowed). */
json_t *f_rejected_op(json_t *status, const char *needle);

/* `renbin sync --json` of home that must exit 0; returns its document. */
json_t *f_sync(const char *home);

/* The first column of the first row of sql (with ?1 bound to arg, if not
 * NULL) in home's replica, as malloc'd text; NULL when there is no row. A
 * replica that cannot be read fails the test. */
char *f_replica_text(const char *home, const char *sql, const char *arg);
/* f_replica_text of the database file at path (read-only, beside a running
 * server too). */
char *f_db_text(const char *path, const char *sql, const char *arg);
/* Runs sql on the database file at path, as a fixture no command makes
 * (beside a running server too: it waits for the lock); an error fails the
 * test. */
void f_db_exec(const char *path, const char *sql);
/* f_replica_text as an integer (-1 when there is no row). */
long long f_replica_int(const char *home, const char *sql, const char *arg);

/* Writes text to dir/name; returns the malloc'd path. */
char *f_write(const char *dir, const char *name, const char *text);

/* A valid NIP into out (19 bytes): born on birth (YYYYMMDD), appointed in
 * tmt (YYYYMM), sex 1 or 2, sequence seq. */
void f_nip(char out[19], const char *birth, const char *tmt, int sex, int seq);

#endif
