/*
 * cmd_cert.c - `renbind cert`: issue a bundle, renew one (the old certificate
 * stays valid for a grace period, then is refused as revoked), list what was
 * issued (or what expires soon), revoke by serial, serial prefix or unit, and
 * reissue the server certificate from the same CA.
 */
#include "cmd_cert.h"
#include "ca.h"
#include "clock.h"
#include "db.h"
#include "i18n.h"
#include "opts.h"
#include "role.h"
#include "store.h"
#include "tls.h"
#include "validate.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char cert_help[] =
    N_("Usage: renbind cert issue --data DIR --unit CODE --role hr|unit|auditor --out DIR\n"
       "                          [--name NAME] [--days N]\n"
       "       renbind cert renew --data DIR --serial HEX | --unit CODE --out DIR [--grace DAYS]\n"
       "                          [--days N]\n"
       "       renbind cert list --data DIR [--expiring DAYS]\n"
       "       renbind cert revoke --data DIR --serial HEX | --unit CODE\n"
       "       renbind cert server --data DIR [--days N]\n"
       "Issue a certificate bundle (client.key, client.crt, ca.crt) for an office or a\n"
       "seat, list the certificates issued, or revoke one. The bundle goes to the\n"
       "office, where `renbin setup --bundle DIR` installs it.\n"
       "  issue     --name: the person the seat is for (\"Siti Rahma\"); the audit log\n"
       "            and the rejected changes name the seat by it\n"
       "  renew     a new bundle for the same unit and role; the old certificate\n"
       "            stays valid for --grace days (default 14), then is refused\n"
       "  list      --expiring DAYS: only certificates in use that expire within DAYS\n"
       "  revoke    --serial takes a unique prefix; --unit revokes all of a unit's\n"
       "  server    a new server key and certificate from the same CA (default 825\n"
       "            days); offices keep working. The server uses it from its next\n"
       "            start (or reload)\n"
       "Issued lifetimes are N days plus 0 to 6 at random, so bundles issued together\n"
       "do not all expire on one day.\n");

struct cert_args {
        const char *data, *unit, *role, *out, *serial, *name;
        long days, grace, expiring;
        int days_set;
};

/* The exit status for a failure of the server's own database: one another
 * process holds (UNAVAILABLE) is "busy, try later" (8), not the network's
 * "unreachable" (7); see docs/exit-codes.md. */
static int db_exit_status(int code)
{
        return code == RB_UNAVAILABLE ? EXIT_BUSY : err_exit_status(code);
}

/* The seat's name: valid UTF-8 without control characters, short enough for
 * a principal. 0, or an exit status. */
static int seat_name_check(const char *name)
{
        size_t len = name != NULL ? strlen(name) : 0;

        if (name == NULL)
                return 0;
        if (len == 0 || len >= sizeof(((struct principal *)0)->name))
                return opt_fail(EXIT_INVALID, _("--name must be 1 to %zu bytes, not %zu"),
                                sizeof(((struct principal *)0)->name) - 1, len);
        for (size_t i = 0; i < len; i++)
                if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
                        return opt_fail(EXIT_INVALID,
                                        _("--name may not hold control characters (byte %zu)"),
                                        i + 1);
        if (err_utf8_bad(name, len) != ERR_UTF8_OK)
                return opt_fail(EXIT_INVALID, _("--name is not valid UTF-8"));
        return 0;
}

/* `cert issue` */
static int cert_issue(const struct cert_args *a)
{
        struct ca_seat seat = {a->unit, a->role, a->name};
        char serial[64];
        struct rb_err e;
        sqlite3 *db;
        int rc;

        if (a->unit == NULL || a->role == NULL || a->out == NULL)
                return opt_missing("cert issue", a->unit == NULL   ? "--unit"
                                                 : a->role == NULL ? "--role"
                                                                   : "--out");
        if (role_bit(a->role) == 0)
                return opt_fail(EXIT_USAGE, _("--role must be hr, unit or auditor, not '%s'"),
                                a->role);
        /* The certificate's CN is the unit's code: the same rule as the code. */
        if (code_check(a->unit, "unit", &e) != 0)
                return opt_fail(EXIT_INVALID, "--%s", e.msg);
        if ((rc = seat_name_check(a->name)) != 0)
                return rc;
        if ((db = store_open(a->data, 0, &e)) == NULL)
                return opt_fail(err_exit_status(e.code), "%s", e.msg);
        rc = ca_issue(a->data, db, &seat, (int)a->days, a->out, serial, &e);
        db_close(db);
        if (rc != 0)
                return opt_fail(err_exit_status(e.code), "%s", e.msg);
        if (a->name != NULL)
                printf(_("issued %s certificate for %s, %s (serial %s) into %s\n"), a->role,
                       a->unit, a->name, serial, a->out);
        else
                printf(_("issued %s certificate for %s (serial %s) into %s\n"), a->role, a->unit,
                       serial, a->out);
        return EXIT_OK;
}

static const char SQL_LIST[] =
    "SELECT serial, unit, role, date(issued_at,'unixepoch'), date(expires_at,'unixepoch'),"
    " coalesce(date(revoked_at,'unixepoch'), 'grace ' || date(grace_until,'unixepoch'), ''),"
    " coalesce(name, '')"
    " FROM certs WHERE ?1 < 0 OR (revoked_at IS NULL AND renewed_by IS NULL"
    "  AND expires_at <= ?2 + ?1 * 86400)"
    " ORDER BY issued_at, unit";

/* `cert list [--expiring DAYS]` (DAYS < 0: all) */
static int cert_list(const char *data, long expiring)
{
        struct rb_err e;
        sqlite3 *db = store_open(data, 0, &e);
        sqlite3_stmt *st;
        int rc;

        if (db == NULL)
                return opt_fail(err_exit_status(e.code), "%s", e.msg);
        if ((st = db_prepare(db, SQL_LIST, &e)) == NULL) {
                db_close(db);
                return opt_fail(EXIT_FAIL, "%s", e.msg);
        }
        sqlite3_bind_int64(st, 1, expiring);
        sqlite3_bind_int64(st, 2, clock_now());
        printf("%-34s %-12s %-8s %-10s %-10s %-16s %s\n", "SERIAL", "UNIT", "ROLE", "ISSUED",
               "EXPIRES", "REVOKED", "NAME");
        while ((rc = db_step(db, st, &e)) > 0)
                printf("%-34s %-12s %-8s %-10s %-10s %-16s %s\n", db_col_text(st, 0),
                       db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3),
                       db_col_text(st, 4), db_col_text(st, 5), db_col_text(st, 6));
        sqlite3_finalize(st);
        db_close(db);
        return rc < 0 ? opt_fail(db_exit_status(e.code), "%s", e.msg) : EXIT_OK;
}

/* Prints the serials a prefix matched (for an ambiguous one). */
static void list_matches(sqlite3 *db, sqlite3_stmt *st)
{
        struct rb_err e;

        sqlite3_reset(st);
        while (db_step(db, st, &e) > 0)
                fprintf(stderr, "  %s %s %s\n", db_col_text(st, 0), db_col_text(st, 1),
                        db_col_text(st, 2));
}

static const char SQL_PREFIX[] = "SELECT serial, unit, role FROM certs"
                                 " WHERE substr(upper(serial), 1, length(?1)) = upper(?1)"
                                 " ORDER BY serial";

/* The one serial that prefix starts: 0 with it in out, or an exit status
 * (not hex: 3; none: 4; several, listed: 3). */
static int resolve_serial(sqlite3 *db, const char *prefix, char out[64])
{
        struct rb_err e;
        sqlite3_stmt *st;
        int rc, n = 0;

        if (prefix[0] == '\0' || strspn(prefix, "0123456789abcdefABCDEF") != strlen(prefix))
                return opt_fail(EXIT_INVALID, _("--serial: '%s' is not a hexadecimal serial"),
                                prefix);
        if ((st = db_prepare(db, SQL_PREFIX, &e)) == NULL)
                return opt_fail(db_exit_status(e.code), "%s", e.msg);
        db_bind_text(st, 1, prefix);
        while ((rc = db_step(db, st, &e)) > 0)
                if (n++ == 0)
                        snprintf(out, 64, "%s", db_col_text(st, 0));
        if (rc < 0)
                rc = opt_fail(db_exit_status(e.code), "%s", e.msg);
        else if (n == 0)
                rc = opt_fail(EXIT_NOT_FOUND, _("no certificate with serial %s"), prefix);
        else if (n > 1) {
                rc = opt_fail(EXIT_INVALID,
                              ngettext("serial prefix %s matches %d certificate; give more "
                                       "digits:",
                                       "serial prefix %s matches %d certificates; give more "
                                       "digits:",
                                       (unsigned long)n),
                              prefix, n);
                list_matches(db, st);
        }
        sqlite3_finalize(st);
        return rc;
}

/* Runs sql (one ?1) and returns the rows changed, or -1 with e. */
static int run_changes(sqlite3 *db, const char *sql, const char *arg, struct rb_err *e)
{
        sqlite3_stmt *st = db_prepare(db, sql, e);
        int rc;

        if (st == NULL)
                return -1;
        db_bind_text(st, 1, arg);
        rc = db_step(db, st, e);
        sqlite3_finalize(st);
        return rc < 0 ? -1 : sqlite3_changes(db);
}

/* `cert revoke --serial HEX | --unit CODE` */
static int cert_revoke(const struct cert_args *a)
{
        char serial[64];
        struct rb_err e;
        sqlite3 *db;
        int rc, n;

        if ((a->serial == NULL) == (a->unit == NULL))
                return opt_fail(EXIT_USAGE,
                                _("cert revoke: give --serial or --unit (one of them)"));
        if ((db = store_open(a->data, 0, &e)) == NULL)
                return opt_fail(db_exit_status(e.code), "%s", e.msg);
        if (a->serial != NULL && (rc = resolve_serial(db, a->serial, serial)) != 0) {
                db_close(db);
                return rc;
        }
        n = a->serial != NULL ? run_changes(db,
                                            "UPDATE certs SET revoked_at = unixepoch()"
                                            " WHERE serial = ?1 AND revoked_at IS NULL",
                                            serial, &e)
                              : run_changes(db,
                                            "UPDATE certs SET revoked_at = unixepoch()"
                                            " WHERE unit = ?1 AND revoked_at IS NULL",
                                            a->unit, &e);
        db_close(db);
        if (n < 0)
                return opt_fail(db_exit_status(e.code), _("cannot revoke %s: %s"),
                                a->serial ? a->serial : a->unit, e.msg);
        if (n == 0 && a->serial != NULL)
                return opt_fail(EXIT_NOT_FOUND, _("no unrevoked certificate with serial %s"),
                                serial);
        if (n == 0)
                return opt_fail(EXIT_NOT_FOUND, _("unit %s has no unrevoked certificate"), a->unit);
        if (a->serial != NULL)
                printf(_("revoked %s; its connections are refused from now on\n"), serial);
        else
                printf(
                    ngettext(
                        "revoked %d certificate of %s; its connections are refused from now on\n",
                        "revoked %d certificates of %s; their connections are refused from now "
                        "on\n",
                        (unsigned long)n),
                    n, a->unit);
        return EXIT_OK;
}

static const char SQL_CURRENT[] = "SELECT serial, unit, role, name FROM certs"
                                  " WHERE unit = ?1 AND revoked_at IS NULL AND renewed_by IS NULL"
                                  " ORDER BY serial";

/* The certificate to renew: the serial (a unique prefix), or the unit's one
 * certificate in use. 0 with serial, unit, role and the seat's name (""
 * for none), or an exit status. */
static int renew_target(sqlite3 *db, const struct cert_args *a, char serial[64], char unit[64],
                        char role[16], char name[128])
{
        struct rb_err e;
        sqlite3_stmt *st;
        int rc, n = 0;

        if (a->serial != NULL && (rc = resolve_serial(db, a->serial, serial)) != 0)
                return rc;
        st = db_prepare(db,
                        a->serial ? "SELECT serial, unit, role, name FROM certs WHERE serial = ?1"
                                  : SQL_CURRENT,
                        &e);
        if (st == NULL)
                return opt_fail(db_exit_status(e.code), "%s", e.msg);
        db_bind_text(st, 1, a->serial ? serial : a->unit);
        while ((rc = db_step(db, st, &e)) > 0)
                if (n++ == 0) {
                        snprintf(serial, 64, "%s", db_col_text(st, 0));
                        snprintf(unit, 64, "%s", db_col_text(st, 1));
                        snprintf(role, 16, "%s", db_col_text(st, 2));
                        snprintf(name, 128, "%s", db_col_text(st, 3));
                }
        if (rc < 0)
                rc = opt_fail(db_exit_status(e.code), "%s", e.msg);
        else if (n == 0)
                rc = opt_fail(EXIT_NOT_FOUND, _("unit %s has no certificate in use to renew"),
                              a->unit);
        else if (n > 1) {
                rc = opt_fail(
                    EXIT_INVALID,
                    ngettext("unit %s has %d certificate in use (seats); renew one by --serial:",
                             "unit %s has %d certificates in use (seats); renew one by --serial:",
                             (unsigned long)n),
                    a->unit, n);
                list_matches(db, st);
        }
        sqlite3_finalize(st);
        return rc;
}

/* Marks old as renewed by new: valid until grace days from now (not past its
 * own expiry), then refused as revoked by store_cert_revoked. */
static int mark_renewed(sqlite3 *db, const char *old, const char *new, long grace, struct rb_err *e)
{
        sqlite3_stmt *st = db_prepare(db,
                                      "UPDATE certs SET renewed_by = ?2,"
                                      " grace_until = min(expires_at, ?3 + ?4 * 86400)"
                                      " WHERE serial = ?1",
                                      e);
        int rc;

        if (st == NULL)
                return -1;
        db_bind_text(st, 1, old);
        db_bind_text(st, 2, new);
        sqlite3_bind_int64(st, 3, clock_now());
        sqlite3_bind_int64(st, 4, grace);
        rc = db_run(db, st, e);
        sqlite3_finalize(st);
        return rc;
}

/* `cert renew --serial HEX | --unit CODE --out DIR [--grace DAYS]` */
static int cert_renew(const struct cert_args *a)
{
        char old[64], unit[64], role[16], serial[64], date[16], name[128];
        struct ca_seat seat = {unit, role, name};
        struct rb_err e;
        sqlite3 *db;
        int rc;

        if ((a->serial == NULL) == (a->unit == NULL))
                return opt_fail(EXIT_USAGE, _("cert renew: give --serial or --unit (one of them)"));
        if (a->out == NULL)
                return opt_missing("cert renew", "--out");
        if ((db = store_open(a->data, 0, &e)) == NULL)
                return opt_fail(db_exit_status(e.code), "%s", e.msg);
        if ((rc = renew_target(db, a, old, unit, role, name)) == 0 &&
            (ca_issue(a->data, db, &seat, (int)a->days, a->out, serial, &e) != 0 ||
             mark_renewed(db, old, serial, a->grace, &e) != 0))
                rc = opt_fail(db_exit_status(e.code), "%s", e.msg);
        db_close(db);
        if (rc != 0)
                return rc;
        printf(_("renewed %s certificate for %s (serial %s) into %s; the old one (%s) is "
                 "accepted until %s\n"),
               role, unit, serial, a->out, old,
               clock_date(clock_now() + a->grace * 86400, date, sizeof(date)));
        return EXIT_OK;
}

/* `cert server [--days N]` */
static int cert_server(const struct cert_args *a)
{
        char serial[64], date[16];
        long long until = 0;
        struct rb_err e;

        if (ca_server_reissue(a->data, a->days_set ? (int)a->days : 825, serial, &until, &e) != 0)
                return opt_fail(err_exit_status(e.code), "%s", e.msg);
        printf(_("reissued the server certificate (serial %s, valid until %s) from the same CA; "
                 "offices need nothing new. A running renbind uses it from its next start (or "
                 "reload)\n"),
               serial, clock_date(until, date, sizeof(date)));
        return EXIT_OK;
}

static const struct option cert_longopts[] = {
    {"data", required_argument, NULL, 'd'},
    {"unit", required_argument, NULL, 'u'},
    {"role", required_argument, NULL, 'r'},
    {"out", required_argument, NULL, 'o'},
    {"days", required_argument, NULL, 'D'},
    {"serial", required_argument, NULL, 's'},
    {"grace", required_argument, NULL, 'g'},
    {"expiring", required_argument, NULL, 'x'},
    {"name", required_argument, NULL, 'n'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Reads one option into a: -1 to go on, or an exit status. */
static int cert_opt(int ch, struct cert_args *a)
{
        const char **s = ch == 'd'   ? &a->data
                         : ch == 'u' ? &a->unit
                         : ch == 'r' ? &a->role
                         : ch == 'o' ? &a->out
                         : ch == 's' ? &a->serial
                         : ch == 'n' ? &a->name
                                     : NULL;

        if (s != NULL)
                *s = optarg;
        else if (ch == 'D' && opt_long(optarg, 1, 3650, &a->days) == 0)
                a->days_set = 1;
        else if ((ch == 'g' && opt_long(optarg, 0, 365, &a->grace) == 0) ||
                 (ch == 'x' && opt_long(optarg, 0, 3650, &a->expiring) == 0))
                ;
        else if (ch == 'D' || ch == 'g' || ch == 'x')
                return opt_bad(cert_longopts, ch, optarg);
        else if (ch == 'h')
                return fputs(_(cert_help), stdout), EXIT_OK;
        else
                return fputs(_(cert_help), stderr), EXIT_USAGE;
        return -1;
}

int cmd_cert(int argc, char **argv)
{
        struct cert_args a = {.days = 730, .grace = 14, .expiring = -1};
        const char *verb = argc > 1 ? argv[1] : "";
        int ch, rc;

        if (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0)
                return fputs(_(cert_help), stdout), EXIT_OK;
        optind = 2;
        while ((ch = getopt_long(argc, argv, "h", cert_longopts, NULL)) != -1)
                if ((rc = cert_opt(ch, &a)) >= 0)
                        return rc;
        if (a.data == NULL)
                return opt_missing("cert", "--data");
        if (strcmp(verb, "issue") == 0)
                return cert_issue(&a);
        if (strcmp(verb, "renew") == 0)
                return cert_renew(&a);
        if (strcmp(verb, "list") == 0)
                return cert_list(a.data, a.expiring);
        if (strcmp(verb, "revoke") == 0)
                return cert_revoke(&a);
        if (strcmp(verb, "server") == 0)
                return cert_server(&a);
        fputs(_(cert_help), stderr);
        return EXIT_USAGE;
}
