/*
 * cmd_migrate.c - `renbind migrate`: bring the database to this program's
 * schema (backing it up first, as every command that opens it does), or with
 * --dry-run only say what would change.
 */
#include "cmd_cert.h"
#include "db.h"
#include "i18n.h"
#include "opts.h"
#include "store.h"

#include <getopt.h>
#include <stdio.h>

static const char migrate_help[] =
    N_("Usage: renbind migrate --data DIR [--dry-run]\n"
       "Bring the database to this version's schema. A backup is written beside it\n"
       "first (renbin.db.before-vN). Every command that opens the database migrates\n"
       "it the same way; --dry-run only says what would change.\n");

/* Prints what migrating from have to target would do. */
static int migrate_plan(const char *data, int have, int target)
{
        if (have > target)
                return opt_fail(EXIT_REFUSED,
                                _("database schema %d is newer than this program (%d)"), have,
                                target);
        printf(_("%s: database schema %d, this program's %d\n"), data, have, target);
        if (have == target)
                return printf(_("nothing to migrate\n")), EXIT_OK;
        for (int v = have + 1; v <= target; v++)
                printf("  %d: %s\n", v, store_migration_note(v));
        if (have > 0)
                printf(_("a backup would be written to %s/%s.before-v%d first\n"), data, STORE_FILE,
                       target);
        return EXIT_OK;
}

int cmd_migrate(int argc, char **argv)
{
        static const struct option longopts[] = {
            {"data", required_argument, NULL, 'd'},
            {"dry-run", no_argument, NULL, 'n'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        const char *data = NULL;
        int ch, dry = 0, have, target;
        struct rb_err e;
        sqlite3 *db;

        optind = 1;
        while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
                if (ch == 'd')
                        data = optarg;
                else if (ch == 'n')
                        dry = 1;
                else if (ch == 'h')
                        return fputs(_(migrate_help), stdout), EXIT_OK;
                else
                        return fputs(_(migrate_help), stderr), EXIT_USAGE;
        }
        if (data == NULL)
                return opt_missing("migrate", "--data");
        if (store_versions(data, &have, &target, &e) != 0)
                return opt_fail(err_exit_status(e.code), "%s", e.msg);
        if (dry || have >= target)
                return migrate_plan(data, have, target);
        if ((db = store_open(data, 0, &e)) == NULL)
                return opt_fail(err_exit_status(e.code), "%s", e.msg);
        db_close(db);
        printf(_("%s: database migrated from schema %d to %d\n"), data, have, target);
        return EXIT_OK;
}
