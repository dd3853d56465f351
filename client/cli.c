/*
 * cli.c - the client's home folder: where it is (--home, RENBIN_HOME, or
 * $XDG_DATA_HOME/renbin), the replica database in it and its settings table.
 * Certificates installed by setup sit beside the database.
 */
#include "cli.h"
#include "role.h"
#include "db.h"
#include "fsutil.h"
#include "i18n.h"
#include "opts.h"
#include "replica.h"

#include <stdio.h>
#include <string.h>

void cli_path(const struct cli *cli, const char *name, char *buf, size_t len)
{
        fs_join(buf, len, cli->home, name);
}

/* SQL seat(unit, role, name, serial): the seat as people read it, through
 * seat_format (common/role.h), so a history names it as the audit log
 * does. */
static void sql_seat(sqlite3_context *cx, int argc, sqlite3_value **v)
{
        char buf[320];

        (void)argc;
        sqlite3_result_text(cx,
                            seat_format(buf, sizeof(buf), (const char *)sqlite3_value_text(v[0]),
                                        (const char *)sqlite3_value_text(v[1]),
                                        (const char *)sqlite3_value_text(v[2]),
                                        (const char *)sqlite3_value_text(v[3])),
                            -1, SQLITE_TRANSIENT);
}

sqlite3 *cli_db(struct cli *cli, struct rb_err *e)
{
        char path[4096];

        if (cli->db != NULL)
                return cli->db;
        if (fs_mkdirs(cli->home, 0700, e) != 0)
                return NULL;
        cli_path(cli, "replica.db", path, sizeof(path));
        if ((cli->db = db_open_private(path, e)) == NULL)
                return NULL;
        if (sqlite3_create_function(cli->db, "seat", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                    sql_seat, NULL, NULL) != SQLITE_OK) {
                err_set(e, RB_INTERNAL, NULL, "%s", sqlite3_errmsg(cli->db));
                db_close(cli->db);
                cli->db = NULL;
        } else if (replica_migrate(cli->db, e) != 0) {
                /* db_close: the migration's cached statements go with it */
                db_close(cli->db);
                cli->db = NULL;
        }
        return cli->db;
}

int cli_setting(struct cli *cli, const char *key, char *buf, size_t len, struct rb_err *e)
{
        static const char sql[] = "SELECT value FROM settings WHERE key = ?1";
        sqlite3_stmt *st;
        int rc;

        /* Prepared once per command (db_stmt): a command reads several. */
        if (cli_db(cli, e) == NULL || (st = db_stmt(cli->db, sql, e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        if ((rc = db_step(cli->db, st, e)) > 0)
                snprintf(buf, len, "%s", db_col_text(st, 0));
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return rc;
}

int cli_get(struct cli *cli, const char *key, char *buf, size_t len)
{
        return cli_setting(cli, key, buf, len, NULL) > 0 ? 0 : -1;
}

int cli_setup_needed(struct cli *cli, const char *key, char *buf, size_t len, struct rb_err *e)
{
        int rc = cli_setting(cli, key, buf, len, e);

        if (rc == 0)
                return err_set(e, RB_PRECONDITION, "server",
                               _("this office is not set up: run renbin setup --server HOST:PORT "
                                 "--bundle DIR"));
        return rc > 0 ? 0 : -1;
}

int cli_set(struct cli *cli, const char *key, const char *value, struct rb_err *e)
{
        static const char sql[] = "INSERT INTO settings(key, value) VALUES(?1, ?2)"
                                  " ON CONFLICT(key) DO UPDATE SET value = excluded.value";
        sqlite3_stmt *st;

        if (cli_db(cli, e) == NULL || (st = db_stmt(cli->db, sql, e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        db_bind_text(st, 2, value);
        return db_run(cli->db, st, e);
}

char *cli_code(char *s)
{
        for (char *p = s; p != NULL && *p; p++)
                if (*p >= 'a' && *p <= 'z')
                        *p = (char)(*p - 'a' + 'A');
        return s;
}

int cli_fail(const struct rb_err *e)
{
        if (e->field[0] != '\0' && strstr(e->msg, e->field) == NULL)
                return opt_fail(err_exit_status(e->code), "%s (%s: %s)", e->msg, _("field"),
                                e->field);
        return opt_fail(err_exit_status(e->code), "%s", e->msg);
}

void cli_help(const struct cmd *c, FILE *f)
{
        fprintf(f, _("Usage: renbin [--home DIR] %s\n"), c->usage);
        fprintf(f, "%s\n", _(c->summary));
        if (c->help != NULL && c->help[0] != '\0')
                fprintf(f, "\n%s", _(c->help));
}

int cli_wants_help(int argc, char **argv)
{
        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--") == 0)
                        return 0;
                if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
                        return 1;
        }
        return 0;
}

int cli_program_known(struct cli *cli, const char *program, struct rb_err *e)
{
        long long n = 0;

        if (cli_db(cli, e) == NULL ||
            db_value(cli->db, "SELECT count(*) FROM programs WHERE code = ?1", program, &n, e) < 0)
                return -1;
        if (n == 0)
                return err_set(e, RB_NOT_FOUND, "program",
                               _("no program %s in this office's replica (check the code, or "
                                 "run renbin sync)"),
                               program);
        return 0;
}
