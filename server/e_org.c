/*
 * e_org.c - rules for the organisation's rows, all owned by central HR: unit
 * offices, the ASN roster (upserted by NIP, as monthly roster imports need)
 * and competencies. The catalogue (common/entity.c) has checked the role and
 * every field's presence, kind and limits before a hook here runs; what is
 * left is what the database and the NIP decide.
 */
#include "apply.h"
#include "db.h"
#include "feed.h"
#include "i18n.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The catalogue entry of an entity. */
static const struct entity_def *def(const char *name)
{
        return entity_find(name);
}

/* Steps a write that ends RETURNING id: 1 with id, 0 when it touched no row,
 * -1 with e as db_step sets it (db_code maps the result). */
static int step_id(struct apply_ctx *cx, sqlite3_stmt *st, char id[64])
{
        int rc = db_step(cx->db, st, cx->e);

        if (rc > 0)
                snprintf(id, 64, "%s", db_col_text(st, 0));
        sqlite3_reset(st);
        return rc;
}

/* Whether a query of one row ("SELECT 1 ... WHERE x = ?1") finds it: 1 or 0,
 * or -1 with cx->e when the database cannot say (never read as "not found"). */
static int row_exists(struct apply_ctx *cx, const char *sql, const char *arg)
{
        long long one;

        return db_value(cx->db, sql, arg, &one, cx->e);
}

/* A unit's code is unique. */
int e_unit_create(struct apply_ctx *cx)
{
        static const char sql[] =
            "INSERT INTO units(id, code, name, kind, active) VALUES(?1, ?2, ?3, ?4, 1)";
        const char *code = op_get(cx, "code");
        sqlite3_stmt *st;
        int dup;

        if ((dup = row_exists(cx, "SELECT 1 FROM units WHERE code = ?1", code)) < 0)
                return -1;
        if (dup)
                return err_set(cx->e, RB_EXISTS, "code", _("unit %s already exists"), code);
        if ((st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
        db_bind_text(st, 3, op_get(cx, "name"));
        db_bind_text(st, 4, op_get(cx, "kind"));
        if (apply_step(cx, st) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "%s", R_CREATED);
        return feed_record(cx, def("unit"), cx->op->entity_id);
}

/* Update of an existing unit by code: name, kind, active (0 locks the office
 * out). The catalogue has checked each value given. */
int e_unit_update(struct apply_ctx *cx)
{
        static const char sql[] =
            "UPDATE units SET name = coalesce(?2, name), kind = coalesce(?3, kind),"
            " active = coalesce(?4, active) WHERE code = ?1 RETURNING id";
        const char *code = op_get(cx, "code"), *active = op_get(cx, "active");
        long act = active != NULL ? strtol(active, NULL, 10) : -1;
        char id[64];
        sqlite3_stmt *st;
        int rc;

        if ((st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
        db_bind_text(st, 2, op_get(cx, "name"));
        db_bind_text(st, 3, op_get(cx, "kind"));
        if (act >= 0)
                sqlite3_bind_int(st, 4, (int)act);
        if ((rc = step_id(cx, st, id)) < 0)
                return -1;
        if (rc == 0)
                return err_set(cx->e, RB_NOT_FOUND, "code", _("no unit %s"), code);
        snprintf(cx->detail, sizeof(cx->detail), "%s",
                 act == 0   ? R_DEACTIVATED
                 : act == 1 ? R_ACTIVATED
                            : R_UPDATED);
        return feed_record(cx, def("unit"), id);
}

/* The roster fields of an asn op (checked by the catalogue) and what the
 * NIP tells. */
struct asn_in {
        const char *nip, *name, *unit, *jabatan, *golongan, *tmt;
        struct nip_info info;
};

/* The rules beyond the fields' own: the NIP's dates against today, the TMT
 * in the NIP's TMT CPNS month (and its default), the unit existing. */
static int asn_read(struct apply_ctx *cx, struct asn_in *a)
{
        memset(a, 0, sizeof(*a));
        a->nip = op_get(cx, "nip");
        a->name = op_get(cx, "name");
        a->unit = op_get(cx, "unit");
        a->jabatan = op_get(cx, "jabatan");
        a->golongan = op_get(cx, "golongan");
        a->tmt = op_get(cx, "tmt");
        if (nip_check(a->nip, cx->today, &a->info, cx->e) != 0)
                return -1;
        if (a->tmt == NULL)
                a->tmt = a->info.tmt;
        else if (strncmp(a->tmt, a->info.tmt, 7) != 0)
                return err_set(cx->e, RB_INVALID, "tmt",
                               _("tmt %s does not match the TMT CPNS month in NIP %s (%.7s)"),
                               a->tmt, a->nip, a->info.tmt);
        if (unit_known(cx, a->unit, "unit") != 0)
                return -1;
        return 0;
}

/* Names the roster fields that differ from the stored row, into detail
 * ("updated: golongan" or "unchanged"): 1 with *n the number that differ and
 * the stored unit in was, 0 when the NIP is new, -1 with cx->e. */
static int asn_changes(struct apply_ctx *cx, const struct asn_in *a, int *n, char was[64])
{
        static const char sql[] =
            "SELECT name, unit, ifnull(jabatan, ''), ifnull(golongan, ''), tmt, active"
            " FROM asn WHERE nip = ?1";
        const char *names[] = {"name", "unit", "jabatan", "golongan", "tmt"};
        const char *now[] = {a->name, a->unit, a->jabatan ? a->jabatan : "",
                             a->golongan ? a->golongan : "", a->tmt};
        sqlite3_stmt *st = db_stmt(cx->db, sql, cx->e);
        size_t off;
        int found;

        *n = 0;
        was[0] = '\0';
        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, a->nip, -1, SQLITE_STATIC);
        if ((found = db_step(cx->db, st, cx->e)) <= 0) {
                sqlite3_reset(st);
                return found;
        }
        snprintf(was, 64, "%s", db_col_text(st, 1));
        off = (size_t)snprintf(cx->detail, sizeof(cx->detail), "%s:", R_UPDATED);
        for (int i = 0; i < 5; i++) {
                if (strcmp(db_col_text(st, i), now[i]) == 0)
                        continue;
                off += (size_t)snprintf(cx->detail + off, sizeof(cx->detail) - off, "%s %s",
                                        *n ? "," : "", names[i]);
                (*n)++;
        }
        if (sqlite3_column_int(st, 5) == 0) {
                snprintf(cx->detail + off, sizeof(cx->detail) - off, "%s active", *n ? "," : "");
                (*n)++;
        }
        sqlite3_reset(st);
        if (*n == 0)
                snprintf(cx->detail, sizeof(cx->detail), "%s", R_UNCHANGED);
        return 1;
}

/* The rows that follow a person to their new unit (docs/decisions.md 38),
 * each statement moving them to unit ?2 for NIP ?1 (today ?3) and naming
 * them: open enrollments and finished ones whose questionnaire is still to
 * answer, current assessments, mentoring pairs not over in which the person
 * is the mentee, then the logs of the pairs so moved. What is not here stays
 * with the unit where it happened. */
static const struct follow {
        const char *entity;
        const char *sql;
} follows[] = {
    {"enrollment",
     "UPDATE enrollments SET unit = ?2 WHERE nip = ?1 AND unit != ?2 AND (status IN"
     " ('terdaftar', 'hadir') OR (status = 'selesai' AND answered = 0)) RETURNING id"},
    {"assessment",
     "UPDATE assessments SET unit = ?2 WHERE nip = ?1 AND current = 1 AND unit != ?2 RETURNING id"},
    {"mentor_pair", "UPDATE mentor_pairs SET unit = ?2 WHERE mentee = ?1 AND unit != ?2"
                    " AND active = 1 AND (end_date IS NULL OR end_date >= ?3) RETURNING id"},
    {"mentor_log", "UPDATE mentor_logs SET unit = ?2 WHERE unit != ?2 AND pair IN"
                   " (SELECT id FROM mentor_pairs WHERE mentee = ?1 AND unit = ?2) RETURNING id"},
};

/* Runs one follow statement and records every row it moved in the change
 * feed (a tombstone for the old unit, the row for the new) and the audit
 * chain; *moved counts them. 0, or -1 with cx->e. */
static int follow_run(struct apply_ctx *cx, const struct follow *f, const char *nip,
                      const char *unit, int *moved)
{
        sqlite3_stmt *st = db_stmt(cx->db, f->sql, cx->e);
        char(*ids)[64] = NULL;
        size_t n = 0, cap = 0;
        int step, rc = 0;

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, nip, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, unit, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, cx->today, -1, SQLITE_STATIC);
        /* The ids are read whole before any is recorded: feed_record stamps
         * rows of the same table. */
        while ((step = db_step(cx->db, st, cx->e)) > 0) {
                if (n == cap) {
                        void *p = realloc(ids, (cap = cap ? 2 * cap : 8) * sizeof(*ids));
                        if (p == NULL) {
                                step = err_set(cx->e, RB_INTERNAL, NULL, _("out of memory"));
                                break;
                        }
                        ids = p;
                }
                snprintf(ids[n++], sizeof(ids[0]), "%s", db_col_text(st, 0));
        }
        sqlite3_reset(st);
        for (size_t i = 0; step == 0 && rc == 0 && i < n; i++)
                rc = feed_record(cx, def(f->entity), ids[i]);
        free(ids);
        *moved += (int)n;
        return step < 0 ? -1 : rc;
}

/* Moves the person's rows that follow them to unit (all in this op) and
 * says how many in detail. The op's own seq stays the ASN row's. */
static int asn_follow(struct apply_ctx *cx, const char *nip, const char *unit)
{
        uint64_t seq = cx->seq;
        size_t off = strlen(cx->detail);
        int moved = 0;

        for (size_t i = 0; i < sizeof(follows) / sizeof(follows[0]); i++)
                if (follow_run(cx, &follows[i], nip, unit, &moved) != 0)
                        return -1;
        cx->seq = seq;
        if (moved > 0 && off < sizeof(cx->detail))
                snprintf(cx->detail + off, sizeof(cx->detail) - off,
                         ngettext(" (%d of their records moved with them)",
                                  " (%d of their records moved with them)", (unsigned long)moved),
                         moved);
        return 0;
}

/* A roster row by NIP: made, updated with what changed, or left unchanged.
 * A person moved to another unit takes their open rows along (asn_follow). */
int e_asn_put(struct apply_ctx *cx)
{
        static const char sql[] =
            "INSERT INTO asn(id, nip, name, unit, jabatan, golongan, tmt, birth_date, sex, active)"
            " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1)"
            " ON CONFLICT(nip) DO UPDATE SET name = excluded.name, unit = excluded.unit,"
            " jabatan = excluded.jabatan, golongan = excluded.golongan, tmt = excluded.tmt,"
            " active = 1 RETURNING id";
        struct asn_in a;
        sqlite3_stmt *st;
        char id[64], was[64];
        int found, changed, rc;

        if (asn_read(cx, &a) != 0 || (found = asn_changes(cx, &a, &changed, was)) < 0)
                return -1;
        if (found && changed == 0)
                return 0;
        if (!found)
                snprintf(cx->detail, sizeof(cx->detail), "%s", R_CREATED);
        if ((st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, a.nip, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, a.name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, a.unit, -1, SQLITE_STATIC);
        db_bind_text(st, 5, a.jabatan);
        db_bind_text(st, 6, a.golongan);
        sqlite3_bind_text(st, 7, a.tmt, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 8, a.info.birth, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 9, a.info.sex);
        if ((rc = step_id(cx, st, id)) < 0)
                return -1;
        if (rc == 0)
                return err_set(cx->e, RB_INTERNAL, NULL, _("asn %s: no row written"), a.nip);
        if (feed_record(cx, def("asn"), id) != 0)
                return -1;
        return found && strcmp(was, a.unit) != 0 ? asn_follow(cx, a.nip, a.unit) : 0;
}

/* Sets an ASN's active flag by NIP, with the result word. */
static int asn_set_active(struct apply_ctx *cx, int active, const char *result)
{
        static const char sql[] = "UPDATE asn SET active = ?2 WHERE nip = ?1 RETURNING id";
        const char *nip = op_get(cx, "nip");
        sqlite3_stmt *st;
        char id[64];
        int rc;

        if ((st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, nip, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, active);
        if ((rc = step_id(cx, st, id)) < 0)
                return -1;
        if (rc == 0)
                return err_set(cx->e, RB_NOT_FOUND, "nip", _("no ASN with NIP %s"), nip);
        snprintf(cx->detail, sizeof(cx->detail), "%s", result);
        return feed_record(cx, def("asn"), id);
}

/* Marks an ASN inactive (left the service or the district); kept for history. */
int e_asn_deactivate(struct apply_ctx *cx)
{
        return asn_set_active(cx, 0, R_DEACTIVATED);
}

/* The way back from deactivate: the person is on the roster again. */
int e_asn_activate(struct apply_ctx *cx)
{
        return asn_set_active(cx, 1, R_ACTIVATED);
}

/* A competency's code is its name in every plan: made once (the row itself
 * is the catalogue's insert). */
int e_competency_create(struct apply_ctx *cx)
{
        const char *code = op_get(cx, "code");
        int dup = row_exists(cx, "SELECT 1 FROM competencies WHERE code = ?1", code);

        if (dup > 0)
                return err_set(cx->e, RB_EXISTS, "code", _("competency %s already exists"), code);
        return dup;
}
