/*
 * rowid.c - a row's id from what a person typed (see rowid.h): looked up in
 * the replica by its end, as the lists show it.
 */
#include "rowid.h"
#include "db.h"
#include "i18n.h"
#include "uuid.h"
#include "write.h"

#include <stdio.h>
#include <string.h>

/* The lookup of each table whose rows are named by id (db_stmt caches a
 * statement by the address of its SQL, so each is a constant). */
static const struct {
        const char *table, *sql;
} lookups[] = {
    {"forums", "SELECT id FROM forums WHERE id = lower(?1) OR substr(id, -length(?1)) = lower(?1)"},
    {"surveys",
     "SELECT id FROM surveys WHERE id = lower(?1) OR substr(id, -length(?1)) = lower(?1)"},
    {"records",
     "SELECT id FROM records WHERE id = lower(?1) OR substr(id, -length(?1)) = lower(?1)"},
};

/* The lookup of table, or NULL. */
static const char *lookup_sql(const char *table)
{
        for (size_t i = 0; i < sizeof(lookups) / sizeof(lookups[0]); i++)
                if (strcmp(lookups[i].table, table) == 0)
                        return lookups[i].sql;
        return NULL;
}

int rowid_find(struct cli *cli, const char *table, const char *key, const char *what, char id[64],
               struct rb_err *e)
{
        const char *sql = lookup_sql(table);
        sqlite3_stmt *st;
        int step, n = 0;

        if (sql == NULL)
                return err_set(e, RB_INTERNAL, NULL, "no id lookup for %s", table);
        if (cli_db(cli, e) == NULL)
                return -1;
        if (strlen(key) < 4 || strlen(key) > 36 ||
            strspn(key, "0123456789abcdefABCDEF-") != strlen(key))
                return err_set(e, RB_INVALID, "id", _("'%s' is not the id of %s"), key, what);
        if ((st = db_stmt(cli->db, sql, e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        while ((step = db_step(cli->db, st, e)) > 0)
                if (n++ == 0)
                        snprintf(id, 64, "%s", db_col_text(st, 0));
        sqlite3_reset(st);
        if (step < 0)
                return -1;
        if (n == 0 && uuid_valid(key)) {
                snprintf(id, 64, "%s", key);
                return 0;
        }
        if (n == 0)
                return err_set(e, RB_NOT_FOUND, "id", _("no %s with id '%s' (renbin sync?)"), what,
                               key);
        if (n > 1)
                return err_set(e, RB_INVALID, "id",
                               ngettext("'%s' names %d row; give more of the id",
                                        "'%s' names %d rows; give more of the id",
                                        (unsigned long)n),
                               key, n);
        return 0;
}

int rowid_write(struct cli *cli, const char *cmd, const char *entity, const char *action,
                const char *table, const char *what, const struct opt *opts, int argc, char **argv,
                rowid_label_fn label)
{
        char id[64], text[160];
        struct rb_err e;
        json_t *f;
        int rc;

        if ((rc = write_parse(cli, cmd, entity, action, opts, argc, argv, &f, NULL)) != 0)
                return rc;
        if (rowid_find(cli, table, write_get(f, "id"), what, id, &e) != 0) {
                json_decref(f);
                return cli_fail(&e);
        }
        json_object_del(f, "id");
        label(text, sizeof(text), id + strlen(id) - ROWID_SHOWN, f);
        return write_submit_id(cli, entity, id, action, f, text);
}
