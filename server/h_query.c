/*
 * h_query.c - named reads computed on the server: the table below names each
 * query, the roles that may ask and its function, which returns one JSON
 * document. Queries see the whole database, so each restricts rows to what
 * the caller's role may see. A document larger than a frame is held in the
 * session (query_memo.h) and handed out in parts (the `part` argument).
 */
#include "db.h"
#include "handlers.h"
#include "i18n.h"
#include "queries.h"
#include "query_memo.h"
#include "role.h"
#include "server.h"
#include "validate.h"
#include "wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct query_def {
        const char *name;
        unsigned roles;
        query_fn fn;
};

static const struct query_def queries[] = {
    {"conflicts", ROLE_HR | ROLE_AUDITOR, q_conflicts},
    {"audit", ROLE_HR | ROLE_AUDITOR, q_audit},
    {"report.program", ROLE_ANY, q_report_program},
    {"report.evaluations", ROLE_ANY, q_report_evaluations},
    {"report.jp", ROLE_ANY, q_report_jp},
    {"report.plan", ROLE_ANY, q_report_plan},
    {"report.needs", ROLE_ANY, q_report_needs},
    {"report.competency", ROLE_ANY, q_report_competency},
    {"report.gaps", ROLE_ANY, q_report_gaps},
    {"report.mentoring", ROLE_ANY, q_report_mentoring},
    {"report.ikm", ROLE_ANY, q_report_ikm},
    {"export.siasn", ROLE_ANY, q_export_siasn},
    {"certificate.verify", ROLE_ANY, q_certificate_verify},
    {"certificate.held", ROLE_ANY, q_certificate_held},
};

const char *query_arg(const struct query_ctx *q, const char *name)
{
        const char *v = wire_field(q->args, q->nargs, name);
        return v != NULL && v[0] != '\0' ? v : NULL;
}

int query_unit_scope(const struct query_ctx *q, const char *want, const char **unit,
                     struct rb_err *e)
{
        if (want != NULL && code_check(want, "unit", e) != 0)
                return -1;
        if (q->role != ROLE_UNIT) {
                *unit = want;
                return 0;
        }
        if (want != NULL && strcmp(want, q->who->unit) != 0)
                return err_set(e, RB_DENIED, "unit",
                               _("office %s may only read its own unit's reports, not %s's"),
                               q->who->unit, want);
        *unit = q->who->unit;
        return 0;
}

int query_year(const struct query_ctx *q, long *year, struct rb_err *e)
{
        const char *y = query_arg(q, "year");

        if (y == NULL)
                return err_set(e, RB_INVALID, "year", _("year is required"));
        return year_check(y, "year", year, e);
}

int query_today(const struct query_ctx *q, char today[11], struct rb_err *e)
{
        const char *t = query_arg(q, "today");

        if (t == NULL) {
                date_today(today);
                return 0;
        }
        if (date_check(t, "today", e) != 0)
                return -1;
        snprintf(today, 11, "%s", t);
        return 0;
}

json_t *json_h100(long long v)
{
        return json_real((double)v / 100.0);
}

const char *query_unit_name(sqlite3 *db, const char *code, char *buf, size_t len)
{
        static const char sql[] = "SELECT name FROM units WHERE code = ?1";
        sqlite3_stmt *st = db_stmt(db, sql, NULL);

        buf[0] = '\0';
        if (st == NULL)
                return buf;
        sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
        if (db_step(db, st, NULL) > 0) /* a name for display; the code stands in */
                snprintf(buf, len, "%s", db_col_text(st, 0));
        sqlite3_reset(st);
        return buf;
}

/* Room left in a frame for what surrounds a part: the response's id and
 * status, the QueryReply's tags, lengths, generated_at, part and parts. */
#define QUERY_ENVELOPE 128

/* The bytes of document one reply may carry (0: the frame is too small to
 * page in; the answer goes out whole and conn_send stands in for it). */
static size_t query_slice(const struct server *srv)
{
        return srv->lim.max_frame > 4 * QUERY_ENVELOPE ? srv->lim.max_frame - QUERY_ENVELOPE : 0;
}

/* What names a query's document: its name and its arguments but part, each
 * with its length before it. malloc'd; NULL when out of memory. */
static char *query_key(const Renbin__Query *q)
{
        size_t len = strlen(q->name) + 24, off;
        char *k;

        for (size_t i = 0; i < q->n_args; i++)
                len += strlen(q->args[i]->name) + strlen(q->args[i]->value) + 48;
        if ((k = malloc(len)) == NULL)
                return NULL;
        off = (size_t)snprintf(k, len, "%zu:%s", strlen(q->name), q->name);
        for (size_t i = 0; i < q->n_args; i++)
                if (strcmp(q->args[i]->name, "part") != 0)
                        off += (size_t)snprintf(k + off, len - off, "|%zu:%s=%zu:%s",
                                                strlen(q->args[i]->name), q->args[i]->name,
                                                strlen(q->args[i]->value), q->args[i]->value);
        return k;
}

/* Sets resp to the QueryReply of len bytes of json: part of parts (0, 0:
 * the whole document). */
static void query_reply(struct call_ctx *cx, Renbin__Response *resp, const char *json, size_t len,
                        int64_t at, uint32_t part, uint32_t parts)
{
        Renbin__QueryReply *r = arena_alloc(cx->arena, sizeof(*r));

        renbin__query_reply__init(r);
        r->json = arena_alloc(cx->arena, len + 1);
        memcpy(r->json, json, len);
        r->json[len] = '\0';
        r->generated_at = at;
        r->part = part;
        r->parts = parts;
        resp->result_case = RENBIN__RESPONSE__RESULT_QUERY;
        resp->query = r;
}

/* Answers with part (the argument's text) of the document the session
 * holds for the query that key names; the last part drops the memo. */
static int query_part(struct call_ctx *cx, const char *name, const char *key, const char *part,
                      Renbin__Response *resp, struct rb_err *e)
{
        struct session *ss = cx->ss;
        uint32_t parts = query_memo_parts(ss->memo);
        unsigned long p = 0;
        const char *json;
        char *end;
        size_t len;

        if (query_memo_is(ss->memo, key)) {
                p = strtoul(part, &end, 10);
                if (*end != '\0' || p < 1 || p > parts)
                        return err_set(e, RB_INVALID, "part",
                                       _("part must be a number from 1 to %u, not '%s'"),
                                       (unsigned)parts, part);
        } else
                return err_set(e, RB_PRECONDITION, "part",
                               _("no parts of query %s are held on this connection; ask for it "
                                 "again without part"),
                               name);
        json = query_memo_part(ss->memo, (uint32_t)p, &len);
        query_reply(cx, resp, json, len, query_memo_at(ss->memo), (uint32_t)p, parts);
        if (p == parts) {
                query_memo_free(ss->memo);
                ss->memo = NULL;
        }
        return 0;
}

/* Answers with the document s (malloc'd, taken over): whole if it fits in a
 * frame, else its first part, the rest held in the session's memo. */
static int query_answer(struct call_ctx *cx, const char *key, char *s, Renbin__Response *resp,
                        struct rb_err *e)
{
        struct session *ss = cx->ss;
        size_t len = strlen(s), slice = query_slice(cx->srv);
        int64_t at = (int64_t)time(NULL);

        if (slice == 0 || len <= slice) {
                query_reply(cx, resp, s, len, at, 0, 0);
                free(s);
                return 0;
        }
        if ((ss->memo = query_memo_new(key, s, len, slice, at)) == NULL)
                return err_set(e, RB_INTERNAL, NULL, _("out of memory"));
        return query_part(cx, "", key, "1", resp, e);
}

/* Computes the document of query def. */
static int query_compute(struct call_ctx *cx, const struct query_def *def, const Renbin__Query *q,
                         char **s, struct rb_err *e)
{
        struct query_ctx qc = {
            .db = cx->srv->db,
            .who = cx->who,
            .role = cx->role,
            .args = q->args,
            .nargs = q->n_args,
        };
        json_t *out = NULL;

        if (def->fn(&qc, &out, e) != 0)
                return -1;
        *s = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
        json_decref(out);
        if (*s == NULL)
                return err_set(e, RB_INTERNAL, NULL, _("out of memory"));
        return 0;
}

int h_query(struct call_ctx *cx, const Renbin__Request *req, Renbin__Response *resp,
            struct rb_err *e)
{
        const Renbin__Query *q = req->query;
        const struct query_def *def = NULL;
        const char *part = wire_field(q->args, q->n_args, "part");
        char *key, *s;
        int rc;

        for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
                if (strcmp(queries[i].name, q->name) == 0)
                        def = &queries[i];
        if (def == NULL)
                return err_set(e, RB_INVALID, "name", _("unknown query '%s'"), q->name);
        if ((def->roles & cx->role) == 0)
                return err_set(e, RB_DENIED, "role", _("role %s may not read %s"), cx->who->role,
                               q->name);
        if ((key = query_key(q)) == NULL)
                return err_set(e, RB_INTERNAL, NULL, _("out of memory"));
        if (part != NULL) {
                rc = query_part(cx, q->name, key, part, resp, e);
        } else {
                /* A new computation drops the document held before. */
                query_memo_free(cx->ss->memo);
                cx->ss->memo = NULL;
                rc = query_compute(cx, def, q, &s, e) != 0 ? -1 : query_answer(cx, key, s, resp, e);
        }
        free(key);
        return rc;
}

/* The bytes of conflict rows one reply may carry, well below the 4 MiB frame
 * a client accepts; rows per page at most. */
#define CONFLICTS_PAGE_BYTES (2u << 20)
#define CONFLICTS_PAGE_ROWS 500

/* The conflicts row's own columns as JSON. */
static json_t *conflict_fields(sqlite3_stmt *st, json_t *fields)
{
        return json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:I}", "op_id",
                         db_col_text(st, 0), "at", (json_int_t)sqlite3_column_int64(st, 1), "unit",
                         db_col_text(st, 2), "role", db_col_text(st, 3), "entity",
                         db_col_text(st, 4), "entity_id", db_col_text(st, 5), "action",
                         db_col_text(st, 6), "fields", fields ? fields : json_object(), "code",
                         err_code_name(sqlite3_column_int(st, 8)), "message", db_col_text(st, 9),
                         "field", db_col_text(st, 10), "dropped",
                         (json_int_t)sqlite3_column_int64(st, 11));
}

/* One conflicts row as JSON, with the seat that sent the op. */
static json_t *conflict_row(sqlite3_stmt *st)
{
        json_t *fields = json_loads(db_col_text(st, 7), 0, NULL);
        json_t *row = conflict_fields(st, fields);
        char seat[256];

        json_object_set_new(row, "name", json_string(db_col_text(st, 13)));
        json_object_set_new(row, "serial", json_string(db_col_text(st, 12)));
        json_object_set_new(
            row, "seat",
            json_string(seat_format(seat, sizeof(seat), db_col_text(st, 2), db_col_text(st, 3),
                                    db_col_text(st, 13), db_col_text(st, 12))));
        return row;
}

/* The units whose oldest conflicts were folded into a count. */
static json_t *conflict_summary(struct query_ctx *q, const char *unit, struct rb_err *e)
{
        static const char sql[] = "SELECT unit, n, first_at, last_at FROM conflict_summary"
                                  " WHERE ?1 IS NULL OR unit = ?1 ORDER BY unit";
        sqlite3_stmt *st = db_stmt(q->db, sql, e);
        json_t *rows = json_array();
        int step = -1;

        if (st != NULL) {
                db_bind_text(st, 1, unit);
                while ((step = db_step(q->db, st, e)) > 0)
                        json_array_append_new(
                            rows, json_pack("{s:s, s:I, s:I, s:I}", "unit", db_col_text(st, 0), "n",
                                            (json_int_t)sqlite3_column_int64(st, 1), "first_at",
                                            (json_int_t)sqlite3_column_int64(st, 2), "last_at",
                                            (json_int_t)sqlite3_column_int64(st, 3)));
                sqlite3_reset(st);
        }
        if (step < 0) {
                json_decref(rows);
                return NULL;
        }
        return rows;
}

/*
 * Rejected ops kept for HR, newest first, optionally of one unit, one page
 * at a time: {"rows": [...], "next": CURSOR or null, "summarised": [...]}.
 * A page ends at `limit` rows or CONFLICTS_PAGE_BYTES of rows; pass `next`
 * back as the `after` argument for the following page.
 */
int q_conflicts(struct query_ctx *q, json_t **out, struct rb_err *e)
{
        static const char sql[] =
            "SELECT op_id, at, unit, role, entity, entity_id, action, fields, code, message,"
            " field, dropped, serial, name FROM conflicts WHERE (?1 IS NULL OR unit = ?1)"
            " AND (?3 IS NULL OR at < ?3 OR (at = ?3 AND op_id < ?4))"
            " ORDER BY at DESC, op_id DESC LIMIT ?2";
        const char *unit = query_arg(q, "unit"), *lim = query_arg(q, "limit"),
                   *after = query_arg(q, "after");
        long limit = lim ? atol(lim) : CONFLICTS_PAGE_ROWS;
        sqlite3_stmt *st = db_stmt(q->db, sql, e);
        json_t *rows = json_array(), *row, *sum;
        size_t bytes = 0;
        char next[96] = "";
        int step = -1, full = 0;

        if (limit <= 0 || limit > CONFLICTS_PAGE_ROWS)
                limit = CONFLICTS_PAGE_ROWS;
        if (st != NULL) {
                db_bind_text(st, 1, unit);
                sqlite3_bind_int(st, 2, (int)limit + 1);
                if (after != NULL && strchr(after, '/') != NULL) {
                        sqlite3_bind_int64(st, 3, atoll(after));
                        sqlite3_bind_text(st, 4, strchr(after, '/') + 1, -1, SQLITE_STATIC);
                }
                while (!full && (step = db_step(q->db, st, e)) > 0) {
                        if ((long)json_array_size(rows) == limit ||
                            (row = conflict_row(st)) == NULL ||
                            (bytes += json_dumpb(row, NULL, 0, JSON_COMPACT)) >
                                CONFLICTS_PAGE_BYTES) {
                                full = 1;
                                break;
                        }
                        json_array_append_new(rows, row);
                        snprintf(next, sizeof(next), "%lld/%s",
                                 (long long)sqlite3_column_int64(st, 1), db_col_text(st, 0));
                }
                sqlite3_reset(st);
                sqlite3_clear_bindings(st);
        }
        if (step < 0 || (sum = conflict_summary(q, unit, e)) == NULL) {
                json_decref(rows);
                return -1;
        }
        *out = json_pack("{s:o, s:o, s:o}", "rows", rows, "next",
                         full ? json_string(next) : json_null(), "summarised", sum);
        return 0;
}
