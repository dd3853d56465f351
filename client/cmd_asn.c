/*
 * cmd_asn.c - `renbin asn`: the roster as this office's replica holds it (a
 * unit office sees its own people; HR everyone), one person by NIP, and HR's
 * deactivation of someone who left. The roster itself comes in through
 * `renbin import asn`.
 */
#include "cmds.h"
#include "db.h"
#include "i18n.h"
#include "opts.h"
#include "out.h"
#include "table.h"
#include "validate.h"
#include "verbs.h"
#include "write.h"

#include <stdio.h>
#include <string.h>

static const struct opt asn_list_opts[] = {
    {"unit", NULL, OPT_VALUE, 0, N_("only this unit (its code)"), NULL, NULL},
    {"all", NULL, OPT_FLAG, 0, N_("also those who left (inactive)"), NULL, NULL},
    OPT_END,
};

/* Prints the roster: of unit (NULL: every unit), with those who left if all. */
static int asn_print(struct cli *cli, const char *unit, int all)
{
        static const char sql[] =
            "SELECT nip, name, unit, jabatan, golongan, tmt, active FROM asn"
            " WHERE (?1 IS NULL OR unit = ?1) AND (?2 OR active = 1) ORDER BY unit, name";
        static const char *const headers[] = {
            N_("NIP"),      N_("NAME"), N_("UNIT"),   N_("JABATAN"),
            N_("GOLONGAN"), N_("TMT"),  N_("ACTIVE"), NULL};
        struct rb_err e;
        sqlite3_stmt *st;

        if (cli_db(cli, &e) == NULL || (st = db_stmt(cli->db, sql, &e)) == NULL)
                return cli_fail(&e);
        db_bind_text(st, 1, unit);
        sqlite3_bind_int(st, 2, all);
        if (table_print(cli, st, headers, &e) != 0)
                return cli_fail(&e);
        return EXIT_OK;
}

static int asn_list(struct cli *cli, int argc, char **argv)
{
        json_t *o = json_object();
        int rest, rc;

        if ((rc = opts_parse("asn list", asn_list_opts, argc, argv, o, &rest)) == 0)
                rc = rest != argc ? opts_extra("asn list", argc, argv, rest)
                                  : asn_print(cli, opts_value(o, &asn_list_opts[0]),
                                              opts_value(o, &asn_list_opts[1]) != NULL);
        json_decref(o);
        return rc;
}

/* One person's enrollments, as the text view lists them. */
static const char SQL_ASN_ENROLLMENTS[] =
    "SELECT e.program, p.title, e.status, e.jp FROM enrollments e"
    " LEFT JOIN programs p ON p.code = e.program WHERE e.nip = ?1 ORDER BY p.start_date";
/* One person's records from outside the plan: a pending one is shown as
 * such (report jp never counts it). */
static const char SQL_ASN_RECORDS[] =
    "SELECT substr(id, -8) AS id, title, organizer, method, start_date, end_date, jp, status"
    " FROM records WHERE nip = ?1 ORDER BY start_date, id";

/* The rows of sql bound with nip, or NULL with e. */
static json_t *person_rows(struct cli *cli, const char *sql, const char *nip, struct rb_err *e)
{
        sqlite3_stmt *st = db_stmt(cli->db, sql, e);

        if (st == NULL)
                return NULL;
        sqlite3_bind_text(st, 1, nip, -1, SQLITE_STATIC);
        return table_rows(st, e);
}

/* asn show --json: the person's row (st, bound) with its "enrollments" and
 * its "records" from outside the plan. */
static int asn_show_json(struct cli *cli, sqlite3_stmt *st, const char *nip)
{
        json_t *rows, *enr, *rec;
        struct rb_err e;

        if ((rows = table_rows(st, &e)) == NULL)
                return cli_fail(&e);
        if ((enr = person_rows(cli, SQL_ASN_ENROLLMENTS, nip, &e)) == NULL)
                goto fail;
        json_object_set_new(json_array_get(rows, 0), "enrollments", enr);
        if ((rec = person_rows(cli, SQL_ASN_RECORDS, nip, &e)) == NULL)
                goto fail;
        json_object_set_new(json_array_get(rows, 0), "records", rec);
        return out_json(rows);
fail:
        json_decref(rows);
        return cli_fail(&e);
}

/* A table of one person's rows (sql bound with nip) after a blank line. */
static int person_table(struct cli *cli, const char *sql, const char *nip, const char *const *heads,
                        struct rb_err *e)
{
        sqlite3_stmt *st = db_stmt(cli->db, sql, e);

        if (st == NULL)
                return -1;
        printf("\n");
        sqlite3_bind_text(st, 1, nip, -1, SQLITE_STATIC);
        return table_print(cli, st, heads, e);
}

/* asn show as text: the person, the enrollments, the records. */
static int asn_show_text(struct cli *cli, sqlite3_stmt *st, const char *nip)
{
        static const char *const heads[] = {N_("NIP"),      N_("NAME"), N_("UNIT"), N_("JABATAN"),
                                            N_("GOLONGAN"), N_("TMT"),  N_("BORN"), N_("SEX"),
                                            N_("ACTIVE"),   NULL};
        static const char *const enr_heads[] = {N_("PROGRAM"), N_("TITLE"), N_("STATUS"), N_("JP"),
                                                NULL};
        static const char *const rec_heads[] = {N_("RECORD"), N_("TITLE"),  N_("ORGANIZER"),
                                                N_("METHOD"), N_("START"),  N_("END"),
                                                N_("JP"),     N_("STATUS"), NULL};
        struct rb_err e;
        long long any = 0;

        if (table_print(cli, st, heads, &e) != 0 ||
            person_table(cli, SQL_ASN_ENROLLMENTS, nip, enr_heads, &e) != 0 ||
            db_value(cli->db, "SELECT count(*) FROM records WHERE nip = ?1", nip, &any, &e) < 0 ||
            (any > 0 && person_table(cli, SQL_ASN_RECORDS, nip, rec_heads, &e) != 0))
                return cli_fail(&e);
        return EXIT_OK;
}

static int asn_show(struct cli *cli, int argc, char **argv)
{
        static const char sql[] =
            "SELECT nip, name, unit, jabatan, golongan, tmt, birth_date,"
            " CASE sex WHEN 1 THEN 'L' WHEN 2 THEN 'P' END AS sex, active FROM asn WHERE nip = ?1";
        char nip[19];
        struct rb_err e;
        sqlite3_stmt *st;
        long long one;
        int found;

        if (argc > 2)
                return opt_word("asn show", argv[2]);
        if (argc != 2)
                return opt_fail(EXIT_USAGE, _("usage: renbin asn show NIP"));
        if (nip_normalize(argv[1], nip) != 0)
                return opt_fail(EXIT_INVALID, _("'%s' is not a NIP"), argv[1]);
        if (cli_db(cli, &e) == NULL || (st = db_stmt(cli->db, sql, &e)) == NULL)
                return cli_fail(&e);
        sqlite3_bind_text(st, 1, nip, -1, SQLITE_STATIC);
        if ((found = db_value(cli->db, "SELECT 1 FROM asn WHERE nip = ?1", nip, &one, &e)) < 0)
                return cli_fail(&e);
        if (!found)
                return opt_fail(EXIT_NOT_FOUND,
                                _("no ASN with NIP %s in this office's replica (renbin sync?)"),
                                nip);
        return cli->json ? asn_show_json(cli, st, nip) : asn_show_text(cli, st, nip);
}

static const struct opt asn_deactivate_opts[] = {
    {"NIP", "nip", OPT_ARG_NIP, 1, NULL, NULL, NULL},
    OPT_ENTITY_FIELDS("asn", "deactivate"),
    OPT_END,
};

/* asn deactivate|activate NIP (HR): someone who left (the row is kept for
 * history), or the way back. */
static int asn_set_active(struct cli *cli, int argc, char **argv, int active)
{
        const char *action = active ? "activate" : "deactivate";
        char cmd[32], label[128];
        json_t *f;
        int rc;

        snprintf(cmd, sizeof(cmd), "asn %s", action);
        if ((rc = write_parse(cli, cmd, "asn", action, asn_deactivate_opts, argc, argv, &f,
                              NULL)) != 0)
                return rc;
        snprintf(label, sizeof(label), active ? _("activate ASN %s") : _("deactivate ASN %s"),
                 write_get(f, "nip"));
        return write_submit(cli, "asn", action, f, label);
}

static int asn_deactivate(struct cli *cli, int argc, char **argv)
{
        return asn_set_active(cli, argc, argv, 0);
}

static int asn_activate(struct cli *cli, int argc, char **argv)
{
        return asn_set_active(cli, argc, argv, 1);
}

static const struct verb asn_verbs[] = {
    {"list", asn_list, asn_list_opts},
    {"show", asn_show, NULL},
    {"deactivate", asn_deactivate, asn_deactivate_opts},
    {"activate", asn_activate, asn_deactivate_opts},
    {NULL, NULL, NULL},
};

const struct cmd cmd_asn = {
    .name = "asn",
    .usage = "asn [list [--unit CODE] [--all]] | asn show NIP | asn deactivate|activate NIP",
    .summary = N_("the ASN roster: list, show one person, deactivate and activate (HR)"),
    .help = N_("The roster is loaded by HR with: renbin import asn roster.csv\n"),
    .exec = asn_list,
    .verbs = asn_verbs,
};
