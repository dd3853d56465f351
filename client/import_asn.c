/*
 * import_asn.c - the roster import: NIP,nama,unit,jabatan,golongan,tmt. HR
 * exports the roster monthly; each row becomes an "asn put" op, which the
 * server applies as an update by NIP. People of the file's units who are not
 * in the file are reported, never deleted. Every header is required (the
 * kind's own list below); each row's fields are read and checked through the
 * catalogue (import_entity_row), whose asn fields name the columns.
 */
#include "db.h"
#include "i18n.h"
#include "import.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

static const char *const columns[] = {"NIP", "nama", "unit", "jabatan", "golongan", "tmt", NULL};
static const char *const fields[] = {"nip", "name", "unit", "jabatan", "golongan", "tmt", NULL};

const char *import_cell(const struct import_ctx *ic, const struct csv_row *r, const char *col)
{
        return csvin_cell(r, csvin_col(ic->table, col));
}

/* Whether the replica knows unit (a replica with no units yet, before the
 * first sync, knows nothing and refuses nothing): 0, or -1 with e. */
static int asn_unit_known(struct import_ctx *ic, const char *unit, struct rb_err *e)
{
        long long one;
        int any, known;

        if ((any = db_value(ic->cli->db, "SELECT 1 FROM units LIMIT 1", NULL, &one, e)) <= 0)
                return any;
        if ((known = db_value(ic->cli->db, "SELECT 1 FROM units WHERE code = ?1", unit, &one, e)) <
            0)
                return -1;
        return known ? 0 : err_set(e, RB_NOT_FOUND, "unit", _("unknown unit '%s'"), unit);
}

/* The rules beyond the catalogue's limits: the NIP's dates, the TMT in the
 * NIP's TMT CPNS month (its default), a unit the replica knows. */
static int asn_rules(struct import_ctx *ic, json_t *f, struct rb_err *e)
{
        const char *nip = json_string_value(json_object_get(f, "nip")),
                   *tmt = json_string_value(json_object_get(f, "tmt"));
        struct nip_info info;

        if (nip_check(nip, NULL, &info, e) != 0)
                return -1;
        if (tmt != NULL && strncmp(tmt, info.tmt, 7) != 0)
                return err_set(e, RB_INVALID, "tmt",
                               _("tmt %s does not match the TMT CPNS month in the NIP (%.7s)"), tmt,
                               info.tmt);
        if (asn_unit_known(ic, json_string_value(json_object_get(f, "unit")), e) != 0)
                return -1;
        if (tmt == NULL)
                json_object_set_new(f, "tmt", json_string(info.tmt));
        return 0;
}

/* One roster line: the catalogue's fields and checks (the columns NIP and
 * nama are the catalogue's names for nip and name), then the roster's rules. */
static int asn_row(struct import_ctx *ic, const struct csv_row *r, json_t **out, char label[160],
                   char key[128], struct rb_err *e)
{
        const char *nip;

        if (import_entity_row(ic, r, out, e) != 0)
                return -1;
        if (asn_rules(ic, *out, e) != 0) {
                json_decref(*out);
                *out = NULL;
                return -1;
        }
        nip = json_string_value(json_object_get(*out, "nip"));
        snprintf(label, 160, _("roster %s %s"), nip,
                 json_string_value(json_object_get(*out, "name")));
        snprintf(key, 128, "%s", nip);
        return 0;
}

/* Lists active people of the file's units that the file leaves out. */
static void asn_missing(struct import_ctx *ic)
{
        static const char sql[] =
            "SELECT nip, name, unit FROM asn WHERE active = 1 AND unit = ?1 ORDER BY name";
        json_t *units = json_object(), *nips = json_object();
        const char *k;
        json_t *v;
        char nip[19];

        ic->missing = json_array();
        for (size_t i = 0; i < ic->table->nrows; i++) {
                const struct csv_row *r = &ic->table->rows[i];
                json_object_set_new(units, import_cell(ic, r, "unit"), json_true());
                if (nip_normalize(import_cell(ic, r, "NIP"), nip) == 0)
                        json_object_set_new(nips, nip, json_true());
        }
        json_object_foreach(units, k, v)
        {
                sqlite3_stmt *st = db_stmt(ic->cli->db, sql, NULL);
                if (st == NULL)
                        break;
                sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
                while (db_step(ic->cli->db, st, NULL) > 0) {
                        char line[300];
                        if (json_object_get(nips, db_col_text(st, 0)) != NULL)
                                continue;
                        snprintf(line, sizeof(line), "%s %s (%s)", db_col_text(st, 0),
                                 db_col_text(st, 1), db_col_text(st, 2));
                        json_array_append_new(ic->missing, json_string(line));
                }
                sqlite3_reset(st);
        }
        json_decref(units);
        json_decref(nips);
}

const struct import_kind import_asn = {
    .name = "asn",
    .entity = "asn",
    .action = "put",
    .columns = columns,
    .row_is_custom = 1,
    .fields = fields,
    .row = asn_row,
    .after_check = asn_missing,
    /* The monthly roster is the whole roster again, upserted by NIP: the
     * same file twice changes nothing ("unchanged"), so it is not refused. */
    .repeatable = 1,
};
