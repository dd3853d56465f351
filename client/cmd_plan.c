/*
 * cmd_plan.c - the yearly plan and what it is made of: `renbin competency`
 * (what ASN develop), `renbin plan` (create, approve, list) and `renbin
 * program` (the activities of a plan). HR writes; everyone reads offline.
 * The fields and their limits are the catalogue's (common/entity.c).
 */
#include "cmds.h"
#include "db.h"
#include "i18n.h"
#include "opts.h"
#include "table.h"
#include "verbs.h"
#include "write.h"

#include <stdio.h>
#include <stdlib.h>

/* Prints a query on the replica with one optional text parameter. */
static int list_query(struct cli *cli, const char *sql, const char *arg, const char *const *headers)
{
        struct rb_err e;
        sqlite3_stmt *st;

        if (cli_db(cli, &e) == NULL || (st = db_stmt(cli->db, sql, &e)) == NULL)
                return cli_fail(&e);
        db_bind_text(st, 1, arg);
        if (table_print(cli, st, headers, &e) != 0)
                return cli_fail(&e);
        return EXIT_OK;
}

static const struct opt competency_add_opts[] = {
    {"CODE", "code", OPT_ARG_CODE, 1, NULL, NULL, NULL},
    {"NAME", "name", OPT_ARG, 1, NULL, NULL, NULL},
    OPT_ENTITY_FIELDS("competency", "create"),
    OPT_END,
};

/* competency add CODE NAME --type TYPE */
static int competency_add(struct cli *cli, int argc, char **argv)
{
        char label[160];
        json_t *f;
        int rc;

        if ((rc = write_parse(cli, "competency add", "competency", "create", competency_add_opts,
                              argc, argv, &f, NULL)) != 0)
                return rc;
        snprintf(label, sizeof(label), _("add competency %s"), write_get(f, "code"));
        return write_submit(cli, "competency", "create", f, label);
}

static int competency_list(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {N_("CODE"), N_("NAME"), N_("TYPE"), NULL};
        if (argc > 1)
                return opt_word("competency list", argv[1]);
        return list_query(cli, "SELECT code, name, type FROM competencies ORDER BY code", NULL,
                          headers);
}

static const struct verb competency_verbs[] = {
    {"add", competency_add, competency_add_opts},
    {"list", competency_list, NULL},
    {NULL, NULL, NULL},
};

const struct cmd cmd_competency = {
    .name = "competency",
    .usage = "competency add CODE NAME --type teknis|manajerial|sosial-kultural | competency list",
    .summary = N_("competencies the plan develops: add (HR), list"),
    .help = NULL,
    .exec = competency_list,
    .verbs = competency_verbs,
};

static const struct opt plan_create_opts[] = {
    {"YEAR", "year", OPT_ARG, 1, NULL, NULL, NULL},
    {"TITLE", "title", OPT_ARG, 1, NULL, NULL, NULL},
    OPT_ENTITY_FIELDS("plan", "create"),
    OPT_END,
};

/* plan create YEAR TITLE: the year's plan, as a draft. */
static int plan_create(struct cli *cli, int argc, char **argv)
{
        char label[160];
        json_t *f;
        int rc;

        if ((rc = write_parse(cli, "plan create", "plan", "create", plan_create_opts, argc, argv,
                              &f, NULL)) != 0)
                return rc;
        snprintf(label, sizeof(label), _("create the %ld plan"),
                 strtol(write_get(f, "year"), NULL, 10));
        return write_submit(cli, "plan", "create", f, label);
}

static const struct opt plan_approve_opts[] = {
    {"YEAR", "year", OPT_ARG, 1, NULL, NULL, NULL},
    OPT_ENTITY_FIELDS("plan", "approve"),
    OPT_END,
};

/* plan approve YEAR */
static int plan_approve(struct cli *cli, int argc, char **argv)
{
        char label[160];
        json_t *f;
        int rc;

        if ((rc = write_parse(cli, "plan approve", "plan", "approve", plan_approve_opts, argc, argv,
                              &f, NULL)) != 0)
                return rc;
        snprintf(label, sizeof(label), _("approve the %ld plan"),
                 strtol(write_get(f, "year"), NULL, 10));
        return write_submit(cli, "plan", "approve", f, label);
}

static int plan_list(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {N_("YEAR"),     N_("TITLE"), N_("STATUS"),
                                              N_("PROGRAMS"), N_("JP"),    NULL};
        if (argc > 1)
                return opt_word("plan list", argv[1]);
        return list_query(
            cli,
            "SELECT p.year, p.title, p.status,"
            " (SELECT count(*) FROM programs g WHERE g.plan_year = p.year) AS programs,"
            " (SELECT ifnull(sum(jp), 0) FROM programs g WHERE g.plan_year = p.year)"
            " AS jp FROM plans p ORDER BY p.year",
            NULL, headers);
}

/* Fails with exit 4 unless the replica has the plan of year arg. */
static int plan_known(struct cli *cli, const char *year)
{
        struct rb_err e;
        long long one;
        int found;

        if (cli_db(cli, &e) == NULL ||
            (found = db_value(cli->db, "SELECT 1 FROM plans WHERE year = ?1", year, &one, &e)) < 0)
                return cli_fail(&e);
        if (!found)
                return opt_fail(EXIT_NOT_FOUND, _("no %s plan in the replica (renbin sync?)"),
                                year);
        return EXIT_OK;
}

/* A plan's status, revision and approval; server times (unix seconds) as
 * ISO 8601 UTC. */
static const char SQL_PLAN_SHOW[] =
    "SELECT p.year AS year, p.title AS title, p.status AS status, p.revision AS revision,"
    " p.approved_by AS approved_by,"
    " strftime('%Y-%m-%dT%H:%M:%SZ', p.approved_at, 'unixepoch') AS approved_at,"
    " (SELECT count(*) FROM programs g WHERE g.plan_year = p.year"
    " AND ifnull(g.status, 'aktif') != 'batal') AS programs FROM plans p WHERE p.year = ?1";
/* A plan's changes, oldest first; the seat as seat_format writes it (unit,
 * role, name, #serial: SQL seat(), client/cli.c). */
static const char SQL_PLAN_HISTORY[] =
    "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', changed_at, 'unixepoch') AS changed_at, revision,"
    " seat(by_unit, by_role, by_name, by_serial) AS seat, by_serial AS serial, action, program,"
    " detail"
    " FROM plan_changes WHERE year = ?1 ORDER BY changed_at, seq";

/* plan show YEAR: status, revision and approval (who, when). */
static int plan_show(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {
            N_("YEAR"),        N_("TITLE"),       N_("STATUS"),   N_("REVISION"),
            N_("APPROVED BY"), N_("APPROVED AT"), N_("PROGRAMS"), NULL};
        int rc;

        if (argc != 2)
                return opt_fail(EXIT_USAGE, _("usage: renbin plan show YEAR"));
        if ((rc = plan_known(cli, argv[1])) != EXIT_OK)
                return rc;
        return list_query(cli, SQL_PLAN_SHOW, argv[1], headers);
}

/* plan history YEAR: every change, oldest first (when, who, what). */
static int plan_history(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {
            N_("WHEN"),   N_("REVISION"), N_("SEAT"),   N_("SERIAL"),
            N_("ACTION"), N_("PROGRAM"),  N_("DETAIL"), NULL};
        int rc;

        if (argc != 2)
                return opt_fail(EXIT_USAGE, _("usage: renbin plan history YEAR"));
        if ((rc = plan_known(cli, argv[1])) != EXIT_OK)
                return rc;
        return list_query(cli, SQL_PLAN_HISTORY, argv[1], headers);
}

static const struct verb plan_verbs[] = {
    {"create", plan_create, plan_create_opts},
    {"approve", plan_approve, plan_approve_opts},
    {"list", plan_list, NULL},
    {"show", plan_show, NULL},
    {"history", plan_history, NULL},
    {NULL, NULL, NULL},
};

const struct cmd cmd_plan = {
    .name = "plan",
    .usage = "plan create YEAR TITLE | plan approve YEAR | plan list | plan show YEAR\n"
             "     | plan history YEAR",
    .summary = N_("the yearly plan (Rencana Pembinaan ASN): create and approve (HR), list, show,"
                  " history"),
    .help = N_("Offices can enrol only in programs of an approved plan; HR can still add,\n"
               "correct and cancel its programs: each change raises the plan's revision and\n"
               "is kept in its history (who, when, what).\n"),
    .exec = plan_list,
    .verbs = plan_verbs,
};

/* Every option is a program field of the catalogue (--plan, --start and
 * --end are its names for plan_year, start_date and end_date). */
static const struct opt program_add_opts[] = {
    OPT_ENTITY_FIELDS("program", "create"),
    OPT_END,
};

static int program_add(struct cli *cli, int argc, char **argv)
{
        char label[160];
        json_t *f;
        int rc;

        if ((rc = write_parse(cli, "program add", "program", "create", program_add_opts, argc, argv,
                              &f, NULL)) != 0)
                return rc;
        snprintf(label, sizeof(label), _("add program %s"), write_get(f, "code"));
        return write_submit(cli, "program", "create", f, label);
}

/* The filter of program list: ?1 of its query. */
static const struct opt program_list_opts[] = {
    {"year", NULL, OPT_VALUE, 0, N_("only the programs of this plan year"), NULL, NULL},
    OPT_END,
};

static int program_list(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {
            N_("CODE"), N_("TITLE"), N_("METHOD"),   N_("COMPETENCY"), N_("START"), N_("END"),
            N_("JP"),   N_("SEATS"), N_("ENROLLED"), N_("STATUS"),     NULL};

        return verb_list(
            cli, argc, argv, program_list_opts,
            "SELECT code, title, method, competency, start_date, end_date, jp,"
            " capacity, enrolled, status FROM programs WHERE ?1 IS NULL OR plan_year = ?1"
            " ORDER BY start_date, code",
            headers);
}

static int program_show(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {
            N_("CODE"),       N_("YEAR"),    N_("TITLE"),   N_("METHOD"),
            N_("COMPETENCY"), N_("PARTNER"), N_("SPEAKER"), N_("START"),
            N_("END"),        N_("JP"),      N_("SEATS"),   N_("ENROLLED"),
            N_("LOCATION"),   N_("STATUS"),  N_("REASON"),  NULL};

        struct rb_err e;
        long long one;
        int found;

        if (argc > 2)
                return opt_word("program show", argv[2]);
        if (argc != 2)
                return opt_fail(EXIT_USAGE, _("usage: renbin program show CODE"));
        cli_code(argv[1]);
        if (cli_db(cli, &e) == NULL ||
            (found = db_value(cli->db, "SELECT 1 FROM programs WHERE code = ?1", argv[1], &one,
                              &e)) < 0)
                return cli_fail(&e);
        if (!found)
                return opt_fail(EXIT_NOT_FOUND, _("no program %s in the replica (renbin sync?)"),
                                argv[1]);
        return list_query(cli,
                          "SELECT code, plan_year, title, method, competency, partner, speaker,"
                          " start_date, end_date, jp, capacity, enrolled, location, status,"
                          " cancel_reason FROM programs WHERE code = ?1",
                          argv[1], headers);
}

static const struct opt program_update_opts[] = {
    {"CODE", "code", OPT_ARG_CODE, 1, NULL, NULL, NULL},
    OPT_ENTITY_FIELDS("program", "update"),
    OPT_END,
};

static const struct opt program_cancel_opts[] = {
    {"CODE", "code", OPT_ARG_CODE, 1, NULL, NULL, NULL},
    OPT_ENTITY_FIELDS("program", "cancel"),
    OPT_END,
};

/* Parses a correction of a program (update or cancel) and checks the
 * program is in the replica: 0 with *f, or the exit status. */
static int program_change_parse(struct cli *cli, const char *cmd, const char *action,
                                const struct opt *opts, int argc, char **argv, json_t **f)
{
        struct rb_err e;
        long long one;
        int rc, found;

        if ((rc = write_parse(cli, cmd, "program", action, opts, argc, argv, f, NULL)) != 0)
                return rc;
        if (json_object_size(*f) < 2)
                rc = opt_fail(EXIT_USAGE, _("%s: say what to change (see --help)"), cmd);
        else if (cli_db(cli, &e) == NULL ||
                 (found = db_value(cli->db, "SELECT 1 FROM programs WHERE code = ?1",
                                   write_get(*f, "code"), &one, &e)) < 0)
                rc = cli_fail(&e);
        else if (!found)
                rc = opt_fail(EXIT_NOT_FOUND, _("no program %s in the replica (renbin sync?)"),
                              write_get(*f, "code"));
        if (rc != 0) {
                json_decref(*f);
                *f = NULL;
        }
        return rc;
}

/* program update CODE [--title T] [--start D] ...: the server keeps the
 * seats taken, the JP of a completed program and the dates in order. */
static int program_update(struct cli *cli, int argc, char **argv)
{
        char label[160];
        json_t *f;
        int rc;

        if ((rc = program_change_parse(cli, "program update", "update", program_update_opts, argc,
                                       argv, &f)) != 0)
                return rc;
        snprintf(label, sizeof(label), _("update program %s"), write_get(f, "code"));
        return write_submit(cli, "program", "update", f, label);
}

/* program cancel CODE --reason TEXT: its open enrollments become batal. */
static int program_cancel(struct cli *cli, int argc, char **argv)
{
        char label[160];
        json_t *f;
        int rc;

        if ((rc = program_change_parse(cli, "program cancel", "cancel", program_cancel_opts, argc,
                                       argv, &f)) != 0)
                return rc;
        snprintf(label, sizeof(label), _("cancel program %s"), write_get(f, "code"));
        return write_submit(cli, "program", "cancel", f, label);
}

static const struct verb program_verbs[] = {
    {"add", program_add, program_add_opts},
    {"list", program_list, program_list_opts},
    {"show", program_show, NULL},
    {"update", program_update, program_update_opts},
    {"cancel", program_cancel, program_cancel_opts},
    {NULL, NULL, NULL},
};

const struct cmd cmd_program = {
    .name = "program",
    .usage = "program add --plan YEAR --code CODE --title T --method M --start DATE --end DATE\n"
             "       --jp N --capacity N [--competency CODE] [--partner P] [--speaker S]\n"
             "     | program update CODE [--title T] [--start DATE] [--end DATE] [--capacity N]\n"
             "       [--speaker S] [--partner P] [--location L] [--jp N]\n"
             "     | program cancel CODE --reason TEXT\n"
             "     | program list [--year YEAR] | program show CODE",
    .summary = N_("programs (kegiatan) of a plan: add, update, cancel (HR), list, show"),
    .help = N_("Methods: pelatihan bimtek sosialisasi seminar workshop kursus (klasikal);\n"
               "coaching mentoring e-learning pjj magang pertukaran bimbingan komunitas\n"
               "outbound (nonklasikal). Dates are YYYY-MM-DD; 1 JP = 45 minutes.\n"
               "The capacity never drops below the seats taken, and the JP are fixed once\n"
               "anyone completed the program. A cancelled program moves its open\n"
               "enrollments to batal and takes no more.\n"),
    .exec = program_list,
    .verbs = program_verbs,
};
