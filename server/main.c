/*
 * main.c - renbind, the central server of renbin: the command table of its
 * administrative commands (init, cert, serve, config) and their option parsing.
 */
#include "audit.h"
#include "ca.h"
#include "cmd_cert.h"
#include "cmd_restore.h"
#include "config.h"
#include "db.h"
#include "fsutil.h"
#include "i18n.h"
#include "log.h"
#include "opts.h"
#include "role.h"
#include "server.h"
#include "status.h"
#include "sqlmem.h"
#include "store.h"
#include "validate.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

struct admin_cmd {
        const char *name;
        const char *summary;
        int (*fn)(int argc, char **argv);
};

static int cmd_init(int argc, char **argv);
static int cmd_backup(int argc, char **argv);
static int cmd_audit(int argc, char **argv);
static int cmd_setting(int argc, char **argv);

static const struct admin_cmd admin_cmds[] = {
    {"init", N_("create a data folder: database, CA and server certificate"), cmd_init},
    {"cert", N_("issue, renew, list or revoke certificates; reissue the server's"), cmd_cert},
    {"serve", N_("serve the renbin protocol over mutual TLS"), serve_main},
    {"status", N_("say whether a server is serving a data folder, and how it is"), status_main},
    {"config", N_("print serve's settings and where each comes from"), config_main},
    {"backup", N_("copy the database while it is in use (SQLite online backup)"), cmd_backup},
    {"restore", N_("put a backup in place of a stopped server's database"), cmd_restore},
    {"audit", N_("verify the audit log and the data against it; sign its head"), cmd_audit},
    {"setting", N_("show or change a server setting (jp_minutes, tombstone_days)"), cmd_setting},
    {"migrate", N_("bring the database to this version's schema (--dry-run: only say what)"),
     cmd_migrate},
};

static void usage(FILE *f)
{
        fputs(_("Usage: renbind COMMAND [options]   (renbind COMMAND --help for more)\n"
                "The renbin server, run by central HR.\n\nCommands:\n"),
              f);
        for (size_t i = 0; i < sizeof(admin_cmds) / sizeof(admin_cmds[0]); i++)
                fprintf(f, "  %-8s %s\n", admin_cmds[i].name, _(admin_cmds[i].summary));
        fputs(_("\nExit status: 0 ok, 1 failure, 2 usage, 3 bad input, 4 not found,\n"
                "5 refused by a rule, 6 not allowed, 7 unreachable (docs/exit-codes.md).\n"),
              f);
}

static const char init_help[] =
    N_("Usage: renbind init --data DIR [--hosts NAME,...]\n"
       "Create DIR with the database, a CA (ECDSA P-256) and the server certificate.\n"
       "\n"
       "  --data DIR        the data folder to create (must not hold a database yet)\n"
       "  --hosts LIST      extra DNS names or IP addresses for the server certificate\n"
       "                    (localhost and 127.0.0.1 are always included)\n");

static int cmd_init(int argc, char **argv)
{
        static const struct option longopts[] = {
            {"data", required_argument, NULL, 'd'},
            {"hosts", required_argument, NULL, 'n'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        const char *data = NULL, *hosts = NULL;
        char path[4096];
        struct rb_err e;
        sqlite3 *db;
        int ch;

        while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
                if (ch == 'd')
                        data = optarg;
                else if (ch == 'n')
                        hosts = optarg;
                else if (ch == 'h')
                        return fputs(_(init_help), stdout), EXIT_OK;
                else
                        return fputs(_(init_help), stderr), EXIT_USAGE;
        }
        if (data == NULL)
                return opt_missing("init", "--data");
        fs_join(path, sizeof(path), data, STORE_FILE);
        if (fs_exists(path))
                return opt_fail(EXIT_REFUSED, _("%s already holds a renbin database"), data);
        if (fs_mkdirs(data, 0700, &e) != 0 || ca_init(data, hosts, &e) != 0 ||
            (db = store_open(data, STORE_CREATE, &e)) == NULL)
                return opt_fail(err_exit_status(e.code), "%s", e.msg);
        db_close(db);
        printf(_("initialised %s: database, CA and server certificate\n"), data);
        return EXIT_OK;
}

static const char backup_help[] =
    N_("Usage: renbind backup --data DIR --out FILE\n"
       "Copy the database to FILE while the server runs (SQLite online backup).\n"
       "Keep the data folder's ca.key and server.key safe as well: they are not in FILE.\n");

/* renbind backup: into a temporary beside FILE, moved onto FILE only when
 * whole and synced, so a failure leaves no partial or empty FILE. */
static int cmd_backup(int argc, char **argv)
{
        const char *data = NULL, *out = NULL;
        struct rb_err e;
        struct fs_out o;
        sqlite3 *src;
        int rc = opt_data(argc, argv, backup_help, &data, "out", &out);

        if (rc >= 0)
                return rc;
        err_clear(&e);
        if (fs_exists(out))
                return opt_fail(EXIT_REFUSED, _("%s exists; choose a new file"), out);
        if ((src = store_open(data, 0, &e)) == NULL)
                return opt_fail(err_exit_status(e.code), "%s", e.msg);
        if (fs_out_open(&o, out, 0600, FS_OUT_NEW, &e) != 0 || store_backup(src, o.tmp, &e) != 0 ||
            fs_out_commit(&o, &e) != 0) {
                fs_out_abort(&o);
                db_close(src);
                return opt_fail(err_exit_status(e.code), _("backup to %s failed: %s"), out, e.msg);
        }
        db_close(src);
        printf(_("backed up %s to %s\n"), data, out);
        return EXIT_OK;
}

static const char audit_help[] =
    N_("Usage: renbind audit verify --data DIR [--head FILE]\n"
       "       renbind audit head --data DIR [--out FILE]\n"
       "verify: walk the audit log and report every record that was altered or\n"
       "removed, every row of the data that differs from its last audited snapshot\n"
       "(entity, id, field), every audited row that is gone, and a log shorter than\n"
       "the change feed. --head FILE: also prove that the log still extends a head\n"
       "saved earlier by `audit head`.\n"
       "head: print the chain's last sequence and hash signed with the server's key\n"
       "(JSON; to FILE with --out). Keep it away from the server.\n"
       "Exit status 0 when the log and the data are intact, 1 when either is broken,\n"
       "3 when the head file is not one this server signed, 4 when it does not exist.\n");

/* Reads audit's options (--data, --head, --out): -1 to go on, or an exit status. */
static int audit_opts(int argc, char **argv, const char **data, const char **file)
{
        static const struct option longopts[] = {
            {"data", required_argument, NULL, 'd'},
            {"head", required_argument, NULL, 'H'},
            {"out", required_argument, NULL, 'o'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        int ch, verify = strcmp(argv[0], "verify") == 0;

        optind = 1;
        while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
                if (ch == 'd')
                        *data = optarg;
                else if ((ch == 'H' && verify) || (ch == 'o' && !verify))
                        *file = optarg;
                else if (ch == 'h')
                        return fputs(_(audit_help), stdout), EXIT_OK;
                else
                        return fputs(_(audit_help), stderr), EXIT_USAGE;
        }
        if (optind < argc)
                return opt_fail(EXIT_USAGE, _("audit %s: unexpected argument '%s'"), argv[0],
                                argv[optind]);
        return *data == NULL ? opt_missing(argv[0], "--data") : -1;
}

/* `audit verify [--head FILE]`: the chain, the saved head, the data. */
static int audit_verify_cmd(sqlite3 *db, const char *data, const char *head)
{
        struct audit_head h;
        struct rb_err e;
        long bad, rows, n;

        if (head != NULL && audit_head_read(data, head, &h, &e) != 0)
                return opt_fail(err_exit_status(e.code), "%s", e.msg);
        if ((bad = audit_verify(db, head != NULL ? &h : NULL, &n, &e)) < 0 ||
            (rows = audit_data_verify(db, &e)) < 0)
                return opt_fail(EXIT_FAIL, "%s", e.msg);
        if (bad > 0 || rows > 0)
                return opt_fail(EXIT_FAIL,
                                ngettext("audit log broken: %ld of %ld record fails the check, "
                                         "%ld differences in the data",
                                         "audit log broken: %ld of %ld records fail the check, "
                                         "%ld differences in the data",
                                         (unsigned long)n),
                                bad, n, rows);
        printf(ngettext("audit log intact: %ld record\n", "audit log intact: %ld records\n",
                        (unsigned long)n),
               n);
        return EXIT_OK;
}

static int cmd_audit(int argc, char **argv)
{
        const char *data = NULL, *file = NULL;
        struct rb_err e;
        sqlite3 *db;
        int rc;

        if (argc < 2 || (strcmp(argv[1], "verify") != 0 && strcmp(argv[1], "head") != 0)) {
                if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
                        return fputs(_(audit_help), stdout), EXIT_OK;
                return fputs(_(audit_help), stderr), EXIT_USAGE;
        }
        if ((rc = audit_opts(argc - 1, argv + 1, &data, &file)) >= 0)
                return rc;
        if ((db = store_open(data, 0, &e)) == NULL)
                return opt_fail(err_exit_status(e.code), "%s", e.msg);
        if (strcmp(argv[1], "verify") == 0)
                rc = audit_verify_cmd(db, data, file);
        else if ((rc = audit_head_write(db, data, file, &e)) != 0)
                rc = opt_fail(err_exit_status(e.code), "%s", e.msg);
        db_close(db);
        return rc;
}

static const char setting_help[] =
    N_("Usage: renbind setting --data DIR [NAME [VALUE]]\n"
       "Show the server settings, or one, or change one:\n"
       "  jp_minutes       minutes in one JP (default 45): mentoring minutes / this = JP\n"
       "  tombstone_days   days deleted rows are remembered for offices that sync late\n"
       "                   (default 90); an office that stayed away longer resyncs\n"
       "A change takes effect for the next request (jp_minutes) or the next start\n"
       "(tombstone_days).\n");

/* The settings an administrator may change, with their bounds. */
static const struct {
        const char *name;
        long min, max;
} settings[] = {
    {"jp_minutes", 1, 600},
    {"tombstone_days", 1, 3650},
};

static int cmd_setting(int argc, char **argv)
{
        const char *data = NULL;
        char buf[64];
        struct rb_err e;
        sqlite3 *db;
        long v;
        int rc = opt_data(argc, argv, setting_help, &data, NULL, NULL);
        size_t i, n = sizeof(settings) / sizeof(settings[0]);

        if (rc >= 0)
                return rc;
        if (argc - optind > 2)
                return fputs(_(setting_help), stderr), EXIT_USAGE;
        for (i = 0; optind < argc && i < n && strcmp(settings[i].name, argv[optind]) != 0; i++)
                ;
        if (optind < argc && i == n)
                return opt_fail(EXIT_USAGE, _("unknown setting '%s' (see --help)"), argv[optind]);
        if (argc - optind == 2 &&
            opt_long(argv[optind + 1], settings[i].min, settings[i].max, &v) != 0)
                return opt_fail(EXIT_INVALID, _("%s: '%s' is not a whole number from %ld to %ld"),
                                settings[i].name, argv[optind + 1], settings[i].min,
                                settings[i].max);
        if ((db = store_open(data, 0, &e)) == NULL)
                return opt_fail(err_exit_status(e.code), "%s", e.msg);
        rc = EXIT_OK;
        if (argc - optind == 2) {
                snprintf(buf, sizeof(buf), "%ld", v);
                if (store_meta_set(db, settings[i].name, buf, &e) != 0)
                        rc = opt_fail(err_exit_status(e.code), "%s", e.msg);
        }
        for (size_t k = 0; rc == EXIT_OK && k < n; k++)
                if (optind >= argc || k == i)
                        printf("%s = %s\n", settings[k].name,
                               store_meta(db, settings[k].name, buf, sizeof(buf)) ? buf : "?");
        db_close(db);
        return rc;
}

int main(int argc, char **argv)
{
        /* One thread uses each database: no allocator statistics to lock.
         * Small blocks from free lists (no lookaside in this SQLite); should
         * SQLite refuse, its own allocator serves as before. */
        int mem = sqlmem_install();
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        i18n_init();
        log_set_prog("renbind");
        if (mem != 0)
                log_warn("sqlite: the allocator of sqlmem.c was refused; SQLite's own serves");
        opt_set_prog("renbind");
        umask(077);
        if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
                usage(argc < 2 ? stderr : stdout);
                return argc < 2 ? EXIT_USAGE : EXIT_OK;
        }
        if (strcmp(argv[1], "--version") == 0)
                return printf("renbind %s\n", RENBIN_VERSION), EXIT_OK;
        for (size_t i = 0; i < sizeof(admin_cmds) / sizeof(admin_cmds[0]); i++)
                if (strcmp(argv[1], admin_cmds[i].name) == 0)
                        return admin_cmds[i].fn(argc - 1, argv + 1);
        usage(stderr);
        return opt_fail(EXIT_USAGE, _("unknown command '%s'"), argv[1]);
}
