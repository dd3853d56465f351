/*
 * q_audit.c - the "audit" query: who did what when, from the audit log, for
 * HR and auditor seats (h_query.c's table refuses offices). Each record
 * names the seat that made the change (unit, role, the seat's name and its
 * certificate's serial), the row (entity, id), what happened (the action;
 * "enrollment create" on a program: its seat count moved by an enrollment)
 * and the row's fields as recorded. Oldest first, a page at a time, like
 * the conflicts query.
 */
#include "db.h"
#include "i18n.h"
#include "queries.h"
#include "role.h"
#include "validate.h"
#include "wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The bytes of records one reply may carry, well below a frame; records
 * per page at most. */
#define AUDIT_PAGE_BYTES (2u << 20)
#define AUDIT_PAGE_ROWS 500

/* Dates are WIB (UTC+7), as everywhere in the plan. */
#define WIB_SECONDS (7 * 3600)

static const char SQL_AUDIT[] =
    "SELECT n, at, unit, role, name, serial, entity, entity_id, action, op_id, data FROM audit"
    " WHERE n > ?1 AND (?2 IS NULL OR entity = ?2) AND (?3 IS NULL OR entity_id = ?3)"
    " AND at >= ?4 ORDER BY n LIMIT ?5";

/* The snapshot's fields as a JSON object (an empty one for a tombstone). */
static json_t *audit_fields(sqlite3_stmt *st)
{
        json_t *o = json_object();
        Renbin__Change *ch;

        if (sqlite3_column_type(st, 10) == SQLITE_NULL ||
            (ch = renbin__change__unpack(NULL, (size_t)sqlite3_column_bytes(st, 10),
                                         sqlite3_column_blob(st, 10))) == NULL)
                return o;
        for (size_t i = 0; i < ch->n_fields; i++)
                if (ch->fields[i]->name != NULL && ch->fields[i]->value != NULL)
                        json_object_set_new(o, ch->fields[i]->name,
                                            json_string(ch->fields[i]->value));
        renbin__change__free_unpacked(ch, NULL);
        return o;
}

/* One audit record as JSON. */
static json_t *audit_row(sqlite3_stmt *st)
{
        char seat[256];

        seat_format(seat, sizeof(seat), db_col_text(st, 2), db_col_text(st, 3), db_col_text(st, 4),
                    db_col_text(st, 5));
        return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "n",
                         (json_int_t)sqlite3_column_int64(st, 0), "at",
                         (json_int_t)sqlite3_column_int64(st, 1), "seat", seat, "unit",
                         db_col_text(st, 2), "role", db_col_text(st, 3), "name", db_col_text(st, 4),
                         "serial", db_col_text(st, 5), "entity", db_col_text(st, 6), "entity_id",
                         db_col_text(st, 7), "action", db_col_text(st, 8), "op_id",
                         db_col_text(st, 9), "fields", audit_fields(st));
}

/* The query's arguments: since (a date: its first second, WIB) and after
 * (the last record of the page before). 0, or -1 and e. */
static int audit_args(const struct query_ctx *q, long long *since, long long *after,
                      struct rb_err *e)
{
        const char *s = query_arg(q, "since"), *a = query_arg(q, "after");
        struct tm tm;
        char *end;

        *since = 0;
        *after = 0;
        if (s != NULL) {
                if (date_check(s, "since", e) != 0)
                        return -1;
                memset(&tm, 0, sizeof(tm));
                sscanf(s, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
                tm.tm_year -= 1900;
                tm.tm_mon -= 1;
                *since = (long long)timegm(&tm) - WIB_SECONDS;
        }
        if (a != NULL && ((*after = strtoll(a, &end, 10)) < 0 || *end != '\0'))
                return err_set(e, RB_INVALID, "after", _("after must be a record number, not '%s'"),
                               a);
        return 0;
}

/*
 * {"rows": [...], "next": N or null}: records after `after`, optionally of
 * one entity, one row id, since a date; pass `next` back as `after` for the
 * following page.
 */
int q_audit(struct query_ctx *q, json_t **out, struct rb_err *e)
{
        sqlite3_stmt *st = db_stmt(q->db, SQL_AUDIT, e);
        long long since, after, next = 0;
        json_t *rows, *row;
        size_t bytes = 0;
        int step = -1, full = 0;

        if (st == NULL || audit_args(q, &since, &after, e) != 0)
                return -1;
        rows = json_array();
        sqlite3_bind_int64(st, 1, after);
        db_bind_text(st, 2, query_arg(q, "entity"));
        db_bind_text(st, 3, query_arg(q, "id"));
        sqlite3_bind_int64(st, 4, since);
        sqlite3_bind_int(st, 5, AUDIT_PAGE_ROWS + 1);
        while ((step = db_step(q->db, st, e)) > 0) {
                if (json_array_size(rows) == AUDIT_PAGE_ROWS) {
                        full = 1;
                        break;
                }
                if ((row = audit_row(st)) == NULL) {
                        step = err_set(e, RB_INTERNAL, NULL, _("out of memory"));
                        break;
                }
                /* A page holds one record at least, however large. */
                if ((bytes += json_dumpb(row, NULL, 0, JSON_COMPACT)) > AUDIT_PAGE_BYTES &&
                    json_array_size(rows) > 0) {
                        json_decref(row);
                        full = 1;
                        break;
                }
                json_array_append_new(rows, row);
                next = sqlite3_column_int64(st, 0);
        }
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        if (step < 0) {
                json_decref(rows);
                return -1;
        }
        *out = json_pack("{s:o, s:o}", "rows", rows, "next",
                         full ? json_integer((json_int_t)next) : json_null());
        return 0;
}
