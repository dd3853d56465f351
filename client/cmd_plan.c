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

static const struct verb plan_verbs[] = {
    {"create", plan_create, plan_create_opts},
    {"approve", plan_approve, plan_approve_opts},
    {"list", plan_list, NULL},
    {NULL, NULL, NULL},
};

const struct cmd cmd_plan = {
    .name = "plan",
    .usage = "plan create YEAR TITLE | plan approve YEAR | plan list",
    .summary = N_("the yearly plan (Rencana Pembinaan ASN): create and approve (HR), list"),
    .help = N_("Offices can enrol only in programs of an approved plan; HR can still add\n"
               "programs to an approved plan.\n"),
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
            N_("CODE"), N_("TITLE"), N_("METHOD"), N_("COMPETENCY"), N_("START"),
            N_("END"),  N_("JP"),    N_("SEATS"),  N_("ENROLLED"),   NULL};

        return verb_list(cli, argc, argv, program_list_opts,
                         "SELECT code, title, method, competency, start_date, end_date, jp,"
                         " capacity, enrolled FROM programs WHERE ?1 IS NULL OR plan_year = ?1"
                         " ORDER BY start_date, code",
                         headers);
}

static int program_show(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {
            N_("CODE"),    N_("YEAR"),     N_("TITLE"), N_("METHOD"), N_("COMPETENCY"),
            N_("PARTNER"), N_("SPEAKER"),  N_("START"), N_("END"),    N_("JP"),
            N_("SEATS"),   N_("ENROLLED"), NULL};

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
                          " start_date, end_date, jp, capacity, enrolled FROM programs"
                          " WHERE code = ?1",
                          argv[1], headers);
}

static const struct verb program_verbs[] = {
    {"add", program_add, program_add_opts},
    {"list", program_list, program_list_opts},
    {"show", program_show, NULL},
    {NULL, NULL, NULL},
};

const struct cmd cmd_program = {
    .name = "program",
    .usage = "program add --plan YEAR --code CODE --title T --method M --start DATE --end DATE\n"
             "       --jp N --capacity N [--competency CODE] [--partner P] [--speaker S]\n"
             "     | program list [--year YEAR] | program show CODE",
    .summary = N_("programs (kegiatan) of a plan: add (HR), list, show"),
    .help = N_("Methods: pelatihan bimtek sosialisasi seminar workshop kursus (klasikal);\n"
               "coaching mentoring e-learning pjj magang pertukaran bimbingan komunitas\n"
               "outbound (nonklasikal). Dates are YYYY-MM-DD; 1 JP = 45 minutes.\n"),
    .exec = program_list,
    .verbs = program_verbs,
};
