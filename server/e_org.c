/*
 * e_org.c - rules for the organisation's rows, all owned by central HR: unit
 * offices, the ASN roster (upserted by NIP, as monthly roster imports need)
 * and competencies.
 */
#include "apply.h"
#include "db.h"
#include "feed.h"
#include "i18n.h"
#include "store.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

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

int e_unit_create(struct apply_ctx *cx)
{
        static const char sql[] =
            "INSERT INTO units(id, code, name, kind, active) VALUES(?1, ?2, ?3, ?4, 1)";
        const char *code = op_get(cx, "code"), *name = op_get(cx, "name"),
                   *kind = op_get(cx, "kind");
        sqlite3_stmt *st;

        if (db_int(cx->db, "SELECT count(*) FROM units WHERE code = ?1", code, 0) > 0)
                return err_set(cx->e, RB_EXISTS, "code", _("unit %s already exists"), code);
        if ((st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, cx->op->entity_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
        if (apply_step(cx, st) != 0)
                return -1;
        snprintf(cx->detail, sizeof(cx->detail), "created");
        return feed_record(cx, def("unit"), cx->op->entity_id);
}

/* Update of a unit by code: name, kind, active (0 locks the office out). */
int e_unit_update(struct apply_ctx *cx)
{
        static const char sql[] =
            "UPDATE units SET name = coalesce(?2, name), kind = coalesce(?3, kind),"
            " active = coalesce(?4, active) WHERE code = ?1 RETURNING id";
        const char *code = op_need(cx, "code"), *name = op_get(cx, "name"),
                   *kind = op_get(cx, "kind"), *active = op_get(cx, "active");
        char id[64];
        long act = -1;
        sqlite3_stmt *st;
        int rc;

        if (code == NULL || (name && text_check(name, 200, "name", cx->e)) ||
            (kind && enum_check(kind, unit_kinds, "kind", cx->e)) ||
            (active && int_check(active, 0, 1, "active", &act, cx->e)))
                return -1;
        if ((st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
        db_bind_text(st, 2, name);
        db_bind_text(st, 3, kind);
        if (act >= 0)
                sqlite3_bind_int(st, 4, (int)act);
        if ((rc = step_id(cx, st, id)) < 0)
                return -1;
        if (rc == 0)
                return err_set(cx->e, RB_NOT_FOUND, "code", _("no unit %s"), code);
        snprintf(cx->detail, sizeof(cx->detail), "%s",
                 act == 0   ? "deactivated"
                 : act == 1 ? "activated"
                            : "updated");
        return feed_record(cx, def("unit"), id);
}

/* The roster fields of an asn op, checked. */
struct asn_in {
        const char *nip, *name, *unit, *jabatan, *golongan, *tmt;
        struct nip_info info;
};

static int asn_read(struct apply_ctx *cx, struct asn_in *a)
{
        memset(a, 0, sizeof(*a));
        if ((a->nip = op_need(cx, "nip")) == NULL ||
            nip_check(a->nip, cx->today, &a->info, cx->e) != 0 ||
            (a->name = op_need(cx, "name")) == NULL || text_check(a->name, 200, "name", cx->e) ||
            (a->unit = op_need(cx, "unit")) == NULL)
                return -1;
        a->jabatan = op_get(cx, "jabatan");
        a->golongan = op_get(cx, "golongan");
        a->tmt = op_get(cx, "tmt");
        if (opt_text_check(a->jabatan, 200, "jabatan", cx->e) ||
            (a->golongan && enum_check(a->golongan, golongan_list, "golongan", cx->e)))
                return -1;
        if (a->tmt == NULL)
                a->tmt = a->info.tmt;
        else if (date_check(a->tmt, "tmt", cx->e) != 0)
                return -1;
        else if (strncmp(a->tmt, a->info.tmt, 7) != 0)
                return err_set(cx->e, RB_INVALID, "tmt",
                               _("tmt %s does not match the TMT CPNS month in NIP %s (%.7s)"),
                               a->tmt, a->nip, a->info.tmt);
        if (unit_known(cx, a->unit, "unit") != 0)
                return -1;
        return 0;
}

/* Names the roster fields that differ from the stored row, into detail. */
static int asn_changes(struct apply_ctx *cx, const struct asn_in *a)
{
        static const char sql[] =
            "SELECT name, unit, ifnull(jabatan, ''), ifnull(golongan, ''), tmt, active"
            " FROM asn WHERE nip = ?1";
        const char *names[] = {"name", "unit", "jabatan", "golongan", "tmt"};
        const char *now[] = {a->name, a->unit, a->jabatan ? a->jabatan : "",
                             a->golongan ? a->golongan : "", a->tmt};
        sqlite3_stmt *st = db_stmt(cx->db, sql, cx->e);
        size_t off;
        int n = 0;

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, a->nip, -1, SQLITE_STATIC);
        if (db_step(cx->db, st, cx->e) <= 0) {
                sqlite3_reset(st);
                return -1;
        }
        off = (size_t)snprintf(cx->detail, sizeof(cx->detail), "updated:");
        for (int i = 0; i < 5; i++) {
                if (strcmp(db_col_text(st, i), now[i]) == 0)
                        continue;
                off += (size_t)snprintf(cx->detail + off, sizeof(cx->detail) - off, "%s %s",
                                        n ? "," : "", names[i]);
                n++;
        }
        if (sqlite3_column_int(st, 5) == 0) {
                snprintf(cx->detail + off, sizeof(cx->detail) - off, "%s active", n ? "," : "");
                n++;
        }
        sqlite3_reset(st);
        if (n == 0)
                snprintf(cx->detail, sizeof(cx->detail), "unchanged");
        return n;
}

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
        char id[64];
        int changed, rc;

        if (asn_read(cx, &a) != 0)
                return -1;
        changed = asn_changes(cx, &a);
        if (changed == 0)
                return 0;
        if (changed < 0)
                snprintf(cx->detail, sizeof(cx->detail), "created");
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
        return feed_record(cx, def("asn"), id);
}

/* Marks an ASN inactive (left the service or the district); kept for history. */
int e_asn_deactivate(struct apply_ctx *cx)
{
        static const char sql[] = "UPDATE asn SET active = 0 WHERE nip = ?1 RETURNING id";
        const char *nip = op_need(cx, "nip");
        sqlite3_stmt *st;
        char id[64];
        int rc;

        if (nip == NULL || (st = db_stmt(cx->db, sql, cx->e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, nip, -1, SQLITE_STATIC);
        if ((rc = step_id(cx, st, id)) < 0)
                return -1;
        if (rc == 0)
                return err_set(cx->e, RB_NOT_FOUND, "nip", _("no ASN with NIP %s"), nip);
        snprintf(cx->detail, sizeof(cx->detail), "deactivated");
        return feed_record(cx, def("asn"), id);
}

/* A competency's code is its name in every plan: made once. */
int e_competency_create(struct apply_ctx *cx)
{
        const char *code = op_get(cx, "code");

        if (db_int(cx->db, "SELECT count(*) FROM competencies WHERE code = ?1", code, 0) > 0)
                return err_set(cx->e, RB_EXISTS, "code", _("competency %s already exists"), code);
        return 0;
}
