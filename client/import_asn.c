/*
 * import_asn.c - the roster import: NIP,nama,unit,jabatan,golongan,tmt. HR
 * exports the roster monthly; each row becomes an "asn put" op, which the
 * server applies as an update by NIP. People of the file's units who are not
 * in the file are reported, never deleted.
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

static int asn_row(struct import_ctx *ic, const struct csv_row *r, json_t **out, char label[160],
                   char key[128], struct rb_err *e)
{
        const char *name = import_cell(ic, r, "nama"), *unit = import_cell(ic, r, "unit"),
                   *jab = import_cell(ic, r, "jabatan"), *gol = import_cell(ic, r, "golongan"),
                   *tmt = import_cell(ic, r, "tmt");
        struct nip_info info;
        char nip[19];

        if (nip_normalize(import_cell(ic, r, "NIP"), nip) != 0)
                return err_set(e, RB_INVALID, "nip", _("'%s' is not an 18-digit NIP"),
                               import_cell(ic, r, "NIP"));
        if (nip_check(nip, NULL, &info, e) || text_check(name, 200, "name", e) ||
            code_check(unit, "unit", e) || opt_text_check(jab, 200, "jabatan", e) ||
            (gol[0] && enum_check(gol, golongan_list, "golongan", e)) ||
            (tmt[0] && date_check(tmt, "tmt", e)))
                return -1;
        if (tmt[0] && strncmp(tmt, info.tmt, 7) != 0)
                return err_set(e, RB_INVALID, "tmt",
                               _("tmt %s does not match the TMT CPNS month in the NIP (%.7s)"), tmt,
                               info.tmt);
        if (db_int(ic->cli->db, "SELECT count(*) FROM units", NULL, 0) > 0 &&
            db_int(ic->cli->db, "SELECT count(*) FROM units WHERE code = ?1", unit, 0) == 0)
                return err_set(e, RB_NOT_FOUND, "unit", _("unknown unit '%s'"), unit);
        *out = json_pack("{s:s, s:s, s:s}", "nip", nip, "name", name, "unit", unit);
        if (jab[0])
                json_object_set_new(*out, "jabatan", json_string(jab));
        if (gol[0])
                json_object_set_new(*out, "golongan", json_string(gol));
        json_object_set_new(*out, "tmt", json_string(tmt[0] ? tmt : info.tmt));
        snprintf(label, 160, _("roster %s %s"), nip, name);
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
};
