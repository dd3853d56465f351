/*
 * certificate.c - certificates of completion (STTPP, sertifikat). Every
 * enrollment that reaches selesai gets one in the same transaction as the
 * move (e_enroll.c calls certificate_follow where the status changes): a
 * number in one district sequence per year (the program's end year) under
 * the server's format, and a verification code of 10 Crockford base32
 * characters from OpenSSL's RAND_bytes (50 bits: unguessable, short enough
 * to type). A correction that takes the selesai away revokes it; rows are
 * never deleted and the year's counter (in meta) only rises, so no number
 * is given twice (decisions 115-119). The rows are a catalogue entity
 * written by the server only, synced to the unit's replica and to HR. A
 * restore holds the certificates given after its backup (cmd_restore.c);
 * the selesai that comes back with the offices' journals takes its held
 * certificate again, so a printed paper keeps its number and code
 * (decision 179).
 *
 * q_certificate_verify answers any seat: valid, revoked or unknown, with
 * the person's name, the program, its dates and JP; or held, with the
 * number alone, for a code a restore holds.
 */
#include "certificate.h"
#include "db.h"
#include "feed.h"
#include "i18n.h"
#include "queries.h"
#include "uuid.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Crockford's base32: no I, L, O or U, so a code reads back as typed. */
static const char CROCKFORD[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
#define CODE_LEN 10

static const char SQL_FIND[] =
    "SELECT id, revoked_at IS NOT NULL FROM certificates WHERE enrollment = ?1";
static const char SQL_YEAR[] = "SELECT CAST(substr(p.end_date, 1, 4) AS INTEGER) FROM enrollments e"
                               " JOIN programs p ON p.code = e.program WHERE e.id = ?1";
/* The year's counter (meta "certificate_seq.YEAR"): raised, or started from
 * the count of the year's rows (a range scan once a year, not per issue). */
static const char SQL_SEQ_NEXT[] =
    "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = ?1"
    " RETURNING CAST(value AS INTEGER)";
static const char SQL_SEQ_START[] =
    "INSERT INTO meta(key, value) SELECT ?1, CAST(count(*) + 1 AS TEXT) FROM certificates"
    " WHERE year = ?2 RETURNING CAST(value AS INTEGER)";
static const char SQL_CODE_TAKEN[] = "SELECT (SELECT count(*) FROM certificates WHERE code = ?1)"
                                     " + (SELECT count(*) FROM certificates_held WHERE code = ?1)";
/* The certificate a restore held for this enrollment (decision 179), taken;
 * one revoked before the restore is never taken: its number and code stay
 * retired, and the completion draws a new one (decision 181). */
static const char SQL_HELD[] =
    "DELETE FROM certificates_held WHERE enrollment = ?1"
    " AND revoked_at IS NULL RETURNING id, number, code, year, issued_at";
static const char SQL_ISSUE[] =
    "INSERT INTO certificates(id, enrollment, program, nip, unit, number, code, year, issued_at)"
    " SELECT ?1, e.id, e.program, e.nip, e.unit, ?2, ?3, ?4, ?5 FROM enrollments e WHERE e.id = ?6";
static const char SQL_REVOKE[] =
    "UPDATE certificates SET revoked_at = ?2, revoked_reason = ?3 WHERE id = ?1";
static const char SQL_REINSTATE[] =
    "UPDATE certificates SET revoked_at = NULL, revoked_reason = NULL WHERE id = ?1";

static char format[1024] = CERT_FORMAT_DEFAULT;

/* Reads a placeholder at *p (just after '{'): 'S' for seq (with its width),
 * 'Y' for year, 0 for anything else; *p moves past the '}'. */
static int placeholder(const char **p, int *width)
{
        const char *s = *p;

        *width = 0;
        if (strncmp(s, "year}", 5) == 0)
                return *p = s + 5, 'Y';
        if (strncmp(s, "seq}", 4) == 0)
                return *p = s + 4, 'S';
        if (strncmp(s, "seq:0", 5) == 0 && s[5] >= '1' && s[5] <= '9' && s[6] == '}') {
                *width = s[5] - '0';
                return *p = s + 7, 'S';
        }
        return 0;
}

int cert_format_check(const char *fmt, char *why, size_t n)
{
        int seqs = 0, years = 0, width, kind;

        for (const char *p = fmt; *p != '\0';) {
                if (*p == '}')
                        return snprintf(why, n, "%s", _("a '}' without its '{'")), -1;
                if (*p++ != '{')
                        continue;
                if ((kind = placeholder(&p, &width)) == 0)
                        return snprintf(
                                   why, n, "%s",
                                   _("only {seq}, {seq:0N} (N 1-9) and {year} may be in braces")),
                               -1;
                seqs += kind == 'S';
                years += kind == 'Y';
        }
        if (seqs != 1 || years != 1)
                return snprintf(why, n, "%s",
                                _("the format needs {seq} (or {seq:03}) and {year}, once each, so "
                                  "that no two certificates share a number")),
                       -1;
        return 0;
}

void cert_format_set(const char *fmt)
{
        snprintf(format, sizeof(format), "%s", fmt);
}

int cert_number(const char *fmt, long seq, long year, char *out, size_t n)
{
        size_t off = 0;
        int width, kind, w;

        for (const char *p = fmt; *p != '\0' && off < n;) {
                if (*p != '{') {
                        out[off++] = *p++;
                        continue;
                }
                p++;
                kind = placeholder(&p, &width);
                w = kind == 'S' ? snprintf(out + off, n - off, "%0*ld", width, seq)
                                : snprintf(out + off, n - off, "%ld", year);
                if (w < 0)
                        return -1;
                off += (size_t)w;
        }
        if (off >= n)
                return -1;
        out[off] = '\0';
        return 0;
}

int cert_code_norm(const char *typed, char out[11])
{
        size_t o = 0;

        for (const char *p = typed; *p != '\0'; p++) {
                char c = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
                if (c == '-' || c == ' ')
                        continue;
                c = c == 'O' ? '0' : c == 'I' || c == 'L' ? '1' : c;
                if (o == CODE_LEN || strchr(CROCKFORD, c) == NULL || c == '\0')
                        return -1;
                out[o++] = c;
        }
        out[o] = '\0';
        return o == CODE_LEN ? 0 : -1;
}

/* A new verification code no certificate has: 0, or -1 with cx->e. */
static int new_code(struct apply_ctx *cx, char out[CODE_LEN + 1])
{
        unsigned char raw[CODE_LEN];
        long long taken = 1;

        for (int tries = 0; taken > 0 && tries < 3; tries++) {
                if (RAND_bytes(raw, sizeof(raw)) != 1)
                        return err_set(cx->e, RB_INTERNAL, NULL, "RAND_bytes failed");
                /* 256 is a multiple of 32: every character is equally likely. */
                for (int i = 0; i < CODE_LEN; i++)
                        out[i] = CROCKFORD[raw[i] & 31];
                out[CODE_LEN] = '\0';
                if (db_value(cx->db, SQL_CODE_TAKEN, out, &taken, cx->e) < 0)
                        return -1;
        }
        return taken > 0 ? err_set(cx->e, RB_INTERNAL, NULL, "cannot make a new code") : 0;
}

/* Steps sql with the counter's key (and year as ?2): 1 with *v, 0, -1. */
static int seq_step(struct apply_ctx *cx, const char *sql, const char *key, long long year,
                    long long *v)
{
        sqlite3_stmt *st = db_stmt(cx->db, sql, cx->e);
        int rc;

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        if (sql == SQL_SEQ_START)
                sqlite3_bind_int64(st, 2, year);
        if ((rc = db_step(cx->db, st, cx->e)) > 0) {
                *v = sqlite3_column_int64(st, 0);
                /* Runs the statement to its end, as a RETURNING write must. */
                rc = db_step(cx->db, st, cx->e) < 0 ? -1 : 1;
        }
        sqlite3_reset(st);
        return rc;
}

/* The next number of year's sequence into *seq: 0, or -1 with cx->e. */
static int seq_next(struct apply_ctx *cx, long long year, long long *seq)
{
        char key[64];
        int rc;

        snprintf(key, sizeof(key), "certificate_seq.%lld", year);
        if ((rc = seq_step(cx, SQL_SEQ_NEXT, key, year, seq)) == 0)
                rc = seq_step(cx, SQL_SEQ_START, key, year, seq);
        return rc > 0   ? 0
               : rc < 0 ? -1
                        : err_set(cx->e, RB_INTERNAL, NULL, "no certificate sequence");
}

/* A certificate's own values: what its paper shows. */
struct cert_paper {
        char id[UUID_STR], number[1100], code[CODE_LEN + 1];
        long long year, issued_at;
};

/* Takes the certificate a restore held for enrollment into *p: 1, 0 when
 * there is none, -1 with cx->e. */
static int cert_held(struct apply_ctx *cx, const char *enrollment, struct cert_paper *p)
{
        sqlite3_stmt *st = db_stmt(cx->db, SQL_HELD, cx->e);
        int rc;

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, enrollment, -1, SQLITE_STATIC);
        if ((rc = db_step(cx->db, st, cx->e)) > 0) {
                snprintf(p->id, sizeof(p->id), "%s", db_col_text(st, 0));
                snprintf(p->number, sizeof(p->number), "%s", db_col_text(st, 1));
                snprintf(p->code, sizeof(p->code), "%s", db_col_text(st, 2));
                p->year = sqlite3_column_int64(st, 3);
                p->issued_at = sqlite3_column_int64(st, 4);
                /* Runs the statement to its end, as a RETURNING write must. */
                rc = db_step(cx->db, st, cx->e) < 0 ? -1 : 1;
        }
        sqlite3_reset(st);
        return rc;
}

/* A new certificate for enrollment into *p: the year's next number, a new
 * code, issued now. */
static int cert_new(struct apply_ctx *cx, const char *enrollment, struct cert_paper *p)
{
        long long seq = 0;

        p->year = 0;
        p->issued_at = cx->now;
        if (db_value(cx->db, SQL_YEAR, enrollment, &p->year, cx->e) < 0 ||
            seq_next(cx, p->year, &seq) != 0 || new_code(cx, p->code) != 0)
                return -1;
        if (cert_number(format, (long)seq, (long)p->year, p->number, sizeof(p->number)) != 0)
                return err_set(cx->e, RB_INTERNAL, NULL, "certificate number too long");
        if (uuid7_make(p->id) != 0)
                return err_set(cx->e, RB_INTERNAL, NULL, "cannot make an id");
        return 0;
}

/* Issues the certificate of enrollment: the one a restore held for it
 * (same id, number, code and date as its paper), or a new one. */
static int cert_issue(struct apply_ctx *cx, const char *enrollment)
{
        struct cert_paper p;
        sqlite3_stmt *st;
        int held;

        if ((held = cert_held(cx, enrollment, &p)) < 0 ||
            (held == 0 && cert_new(cx, enrollment, &p) != 0))
                return -1;
        if ((st = db_stmt(cx->db, SQL_ISSUE, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, p.id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, p.number, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, p.code, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, p.year);
        sqlite3_bind_int64(st, 5, p.issued_at);
        sqlite3_bind_text(st, 6, enrollment, -1, SQLITE_STATIC);
        if (apply_step(cx, st) != 0)
                return -1;
        return feed_record(cx, entity_find("certificate"), p.id);
}

/* Runs SQL_REVOKE (reason not NULL) or SQL_REINSTATE on certificate id. */
static int cert_mark(struct apply_ctx *cx, const char *id, const char *reason, int revoke)
{
        sqlite3_stmt *st = db_stmt(cx->db, revoke ? SQL_REVOKE : SQL_REINSTATE, cx->e);

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        if (revoke) {
                sqlite3_bind_int64(st, 2, cx->now);
                db_bind_text(st, 3, reason != NULL ? reason : "");
        }
        if (apply_step(cx, st) != 0)
                return -1;
        return feed_record(cx, entity_find("certificate"), id);
}

int certificate_follow(struct apply_ctx *cx, const char *enrollment, const char *from,
                       const char *to, const char *reason)
{
        int done = strcmp(to, "selesai") == 0, was = strcmp(from, "selesai") == 0, found,
            revoked = 0;
        sqlite3_stmt *st;
        char id[64];

        if (done == was)
                return 0;
        if ((st = db_stmt(cx->db, SQL_FIND, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, enrollment, -1, SQLITE_STATIC);
        if ((found = db_step(cx->db, st, cx->e)) > 0) {
                snprintf(id, sizeof(id), "%s", db_col_text(st, 0));
                revoked = sqlite3_column_int(st, 1);
        }
        sqlite3_reset(st);
        if (found < 0)
                return -1;
        if (done)
                return !found    ? cert_issue(cx, enrollment)
                       : revoked ? cert_mark(cx, id, NULL, 0)
                                 : 0;
        return found && !revoked ? cert_mark(cx, id, reason, 1) : 0;
}

static const char SQL_VERIFY[] =
    "SELECT c.number, c.nip, coalesce(a.name, ''), c.program, coalesce(p.title, ''),"
    " coalesce(p.start_date, ''), coalesce(p.end_date, ''), coalesce(p.jp, 0), c.issued_at,"
    " c.revoked_at, c.revoked_reason FROM certificates c LEFT JOIN asn a ON a.nip = c.nip"
    " LEFT JOIN programs p ON p.code = c.program WHERE c.code = ?1";
/* The same columns for a code a restore holds. */
static const char SQL_VERIFY_HELD[] =
    "SELECT h.number, coalesce(h.nip, ''), coalesce(a.name, ''), coalesce(h.program, ''),"
    " coalesce(p.title, ''), coalesce(p.start_date, ''), coalesce(p.end_date, ''),"
    " coalesce(p.jp, 0), h.issued_at, h.revoked_at, h.revoked_reason FROM certificates_held h"
    " LEFT JOIN asn a ON a.nip = h.nip LEFT JOIN programs p ON p.code = h.program"
    " WHERE h.code = ?1";

/* Text column i, or JSON null when it is NULL. */
static json_t *text_or_null(sqlite3_stmt *st, int i)
{
        return sqlite3_column_type(st, i) == SQLITE_NULL ? json_null()
                                                         : json_string(db_col_text(st, i));
}

/* The answer for a certificate row of SQL_VERIFY. */
static json_t *verify_row(sqlite3_stmt *st, const char *code)
{
        int revoked = sqlite3_column_type(st, 9) != SQLITE_NULL;

        return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:o, s:o}",
                         "result", revoked ? "revoked" : "valid", "code", code, "number",
                         db_col_text(st, 0), "nip", db_col_text(st, 1), "name", db_col_text(st, 2),
                         "program", db_col_text(st, 3), "title", db_col_text(st, 4), "start_date",
                         db_col_text(st, 5), "end_date", db_col_text(st, 6), "jp",
                         (json_int_t)sqlite3_column_int64(st, 7), "issued_at",
                         (json_int_t)sqlite3_column_int64(st, 8), "revoked_at",
                         revoked ? json_integer(sqlite3_column_int64(st, 9)) : json_null(),
                         "revoked_reason", text_or_null(st, 10));
}

/* The answer for a code no certificate has. */
static json_t *verify_unknown(const char *code)
{
        return json_pack("{s:s, s:s, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:n}",
                         "result", "unknown", "code", code, "number", "nip", "name", "program",
                         "title", "start_date", "end_date", "jp", "issued_at", "revoked_at",
                         "revoked_reason");
}

/* The answer for a code a restore holds (SQL_VERIFY_HELD's row): revoked
 * as any revoked certificate when it was revoked before the restore
 * (decision 181); else held, a paper this server gave whose completion it
 * does not hold now, with its number and date alone (decision 179). */
static json_t *verify_held(sqlite3_stmt *st, const char *code)
{
        if (sqlite3_column_type(st, 9) != SQLITE_NULL)
                return verify_row(st, code);
        return json_pack("{s:s, s:s, s:s, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:I, s:n, s:n}",
                         "result", "held", "code", code, "number", db_col_text(st, 0), "nip",
                         "name", "program", "title", "start_date", "end_date", "jp", "issued_at",
                         (json_int_t)sqlite3_column_int64(st, 8), "revoked_at", "revoked_reason");
}

/* Steps sql with code as ?1 and makes the answer of its row with row, or
 * NULL in *out when there is none: 1, 0, or -1 with e. */
static int verify_find(struct query_ctx *q, const char *sql, const char *code,
                       json_t *(*row)(sqlite3_stmt *, const char *), json_t **out, struct rb_err *e)
{
        sqlite3_stmt *st = db_stmt(q->db, sql, e);
        int rc;

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
        if ((rc = db_step(q->db, st, e)) > 0 && (*out = row(st, code)) == NULL)
                rc = err_set(e, RB_INTERNAL, NULL, "out of memory");
        sqlite3_reset(st);
        return rc;
}

int q_certificate_verify(struct query_ctx *q, json_t **out, struct rb_err *e)
{
        const char *typed = query_arg(q, "code");
        char code[CODE_LEN + 1];
        int rc;

        if (typed == NULL)
                return err_set(e, RB_INVALID, "code", _("code is required"));
        /* A code that cannot be one is simply unknown: the answer is the same. */
        if (cert_code_norm(typed, code) != 0) {
                *out = verify_unknown(typed);
                return *out != NULL ? 0 : err_set(e, RB_INTERNAL, NULL, "out of memory");
        }
        *out = NULL;
        if ((rc = verify_find(q, SQL_VERIFY, code, verify_row, out, e)) == 0)
                rc = verify_find(q, SQL_VERIFY_HELD, code, verify_held, out, e);
        if (rc < 0)
                return -1;
        if (rc == 0 && (*out = verify_unknown(code)) == NULL)
                return err_set(e, RB_INTERNAL, NULL, "out of memory");
        return 0;
}

/* The certificates a restore holds for their completion (decision 181;
 * not those revoked before it, which wait for nothing): each with its person,
 * program and unit (from the enrollment when the row predates migration
 * 18), and the enrollment's status in the database now, NULL when the
 * restore took the enrollment away too. */
static const char SQL_HELD_LIST[] =
    "SELECT h.number, h.year, h.issued_at, coalesce(h.nip, e.nip), coalesce(a.name, ''),"
    " coalesce(h.program, e.program), coalesce(p.title, ''), coalesce(h.unit, e.unit), e.status"
    " FROM certificates_held h LEFT JOIN enrollments e ON e.id = h.enrollment"
    " LEFT JOIN asn a ON a.nip = coalesce(h.nip, e.nip)"
    " LEFT JOIN programs p ON p.code = coalesce(h.program, e.program)"
    " WHERE h.revoked_at IS NULL AND (?1 IS NULL OR coalesce(h.unit, e.unit) = ?1)"
    " ORDER BY h.year, h.issued_at, h.number";

static json_t *held_row(sqlite3_stmt *st)
{
        return json_pack("{s:s, s:I, s:I, s:o, s:s, s:o, s:s, s:o, s:o}", "number",
                         db_col_text(st, 0), "year", (json_int_t)sqlite3_column_int64(st, 1),
                         "issued_at", (json_int_t)sqlite3_column_int64(st, 2), "nip",
                         text_or_null(st, 3), "name", db_col_text(st, 4), "program",
                         text_or_null(st, 5), "title", db_col_text(st, 6), "unit",
                         text_or_null(st, 7), "status", text_or_null(st, 8));
}

int q_certificate_held(struct query_ctx *q, json_t **out, struct rb_err *e)
{
        const char *unit;
        sqlite3_stmt *st;
        json_t *rows, *row;
        int step;

        if (query_unit_scope(q, query_arg(q, "unit"), &unit, e) != 0 ||
            (st = db_stmt(q->db, SQL_HELD_LIST, e)) == NULL)
                return -1;
        db_bind_text(st, 1, unit);
        rows = json_array();
        while ((step = db_step(q->db, st, e)) > 0)
                if ((row = held_row(st)) == NULL || json_array_append_new(rows, row) != 0) {
                        step = err_set(e, RB_INTERNAL, NULL, "out of memory");
                        break;
                }
        sqlite3_reset(st);
        if (step < 0) {
                json_decref(rows);
                return -1;
        }
        *out =
            json_pack("{s:o, s:o}", "unit", unit ? json_string(unit) : json_null(), "rows", rows);
        return *out != NULL ? 0 : err_set(e, RB_INTERNAL, NULL, "out of memory");
}
