/*
 * cmd_plan.c - the yearly plan and what it is made of: `renbin competency`
 * (what ASN develop), `renbin plan` (create, approve, list) and `renbin
 * program` (the activities of a plan). HR writes; everyone reads offline.
 */
#include "cmds.h"
#include "db.h"
#include "i18n.h"
#include "opts.h"
#include "outbox.h"
#include "table.h"
#include "validate.h"
#include "verbs.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

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

static int competency_add(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {{"type", required_argument, NULL, 't'},
                                                 {NULL, 0, NULL, 0}};
        const char *type = NULL;
        char label[160];
        struct rb_err e;
        int ch;

        while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
                if (ch != 't')
                        return opt_unknown(argv);
                type = optarg;
        }
        if (argc - optind != 2)
                return opt_fail(EXIT_USAGE,
                                _("usage: renbin competency add CODE NAME --type TYPE"));
        if (type == NULL)
                return opt_missing("competency add", "--type");
        if (code_check(argv[optind], "code", &e) || text_check(argv[optind + 1], 200, "name", &e) ||
            enum_check(type, competency_types, "type", &e))
                return cli_fail(&e);
        snprintf(label, sizeof(label), _("add competency %s"), argv[optind]);
        return outbox_write1(cli, "competency", NULL, "create",
                             json_pack("{s:s, s:s, s:s}", "code", argv[optind], "name",
                                       argv[optind + 1], "type", type),
                             label);
}

static int competency_list(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {N_("CODE"), N_("NAME"), N_("TYPE"), NULL};
        (void)argc;
        (void)argv;
        return list_query(cli, "SELECT code, name, type FROM competencies ORDER BY code", NULL,
                          headers);
}

static const struct verb competency_verbs[] = {
    {"add", competency_add, NULL},
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

static int plan_create(struct cli *cli, int argc, char **argv)
{
        char label[160];
        struct rb_err e;
        long y;

        if (argc != 3)
                return opt_fail(EXIT_USAGE, _("usage: renbin plan create YEAR TITLE"));
        if (year_check(argv[1], "year", &y, &e) || text_check(argv[2], 300, "title", &e))
                return cli_fail(&e);
        snprintf(label, sizeof(label), _("create the %ld plan"), y);
        return outbox_write1(cli, "plan", NULL, "create",
                             json_pack("{s:s, s:s}", "year", argv[1], "title", argv[2]), label);
}

static int plan_approve(struct cli *cli, int argc, char **argv)
{
        char label[160];
        struct rb_err e;
        long y;

        if (argc != 2)
                return opt_fail(EXIT_USAGE, _("usage: renbin plan approve YEAR"));
        if (year_check(argv[1], "year", &y, &e))
                return cli_fail(&e);
        snprintf(label, sizeof(label), _("approve the %ld plan"), y);
        return outbox_write1(cli, "plan", NULL, "approve", json_pack("{s:s}", "year", argv[1]),
                             label);
}

static int plan_list(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {N_("YEAR"),     N_("TITLE"), N_("STATUS"),
                                              N_("PROGRAMS"), N_("JP"),    NULL};
        (void)argc;
        (void)argv;
        return list_query(
            cli,
            "SELECT p.year, p.title, p.status,"
            " (SELECT count(*) FROM programs g WHERE g.plan_year = p.year) AS programs,"
            " (SELECT ifnull(sum(jp), 0) FROM programs g WHERE g.plan_year = p.year)"
            " AS jp FROM plans p ORDER BY p.year",
            NULL, headers);
}

static const struct verb plan_verbs[] = {
    {"create", plan_create, NULL},
    {"approve", plan_approve, NULL},
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

static int program_add(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {
            {"plan", required_argument, NULL, 'y'},       {"code", required_argument, NULL, 'c'},
            {"title", required_argument, NULL, 't'},      {"method", required_argument, NULL, 'm'},
            {"competency", required_argument, NULL, 'k'}, {"partner", required_argument, NULL, 'p'},
            {"speaker", required_argument, NULL, 's'},    {"start", required_argument, NULL, 'S'},
            {"end", required_argument, NULL, 'E'},        {"jp", required_argument, NULL, 'j'},
            {"capacity", required_argument, NULL, 'n'},   {NULL, 0, NULL, 0},
        };
        static const char *const names[] = {"plan_year",  "code",    "title",   "method",
                                            "competency", "partner", "speaker", "start_date",
                                            "end_date",   "jp",      "capacity"};
        static const char keys[] = "yctmkpsSEjn";
        const char *val[11] = {0};
        char label[160];
        struct rb_err e;
        long y, n;
        int ch;

        while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
                const char *k = ch > 0 ? strchr(keys, ch) : NULL;
                if (k == NULL)
                        return opt_unknown(argv);
                val[k - keys] = optarg;
        }
        for (int i = 0; i < 11; i++) {
                char opt[32];
                if (val[i] != NULL || strchr("yctmSEjn", keys[i]) == NULL)
                        continue;
                snprintf(opt, sizeof(opt), "--%s", longopts[i].name);
                return opt_missing("program add", opt);
        }
        if (optind != argc)
                return opt_fail(EXIT_USAGE, _("program add takes options only (see --help)"));
        if (year_check(val[0], "plan", &y, &e) || code_check(val[1], "code", &e) ||
            text_check(val[2], 300, "title", &e) ||
            enum_check(val[3], program_methods, "method", &e) ||
            date_range_check(val[7], val[8], "start", "end", &e) ||
            int_check(val[9], 1, 1000, "jp", &n, &e) ||
            int_check(val[10], 1, 10000, "capacity", &n, &e))
                return cli_fail(&e);
        json_t *f = json_object();
        for (int i = 0; i < 11; i++)
                if (val[i] != NULL && val[i][0] != '\0')
                        json_object_set_new(f, names[i], json_string(val[i]));
        snprintf(label, sizeof(label), _("add program %s"), val[1]);
        return outbox_write1(cli, "program", NULL, "create", f, label);
}

static int program_list(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {{"year", required_argument, NULL, 'y'},
                                                 {NULL, 0, NULL, 0}};
        static const char *const headers[] = {
            N_("CODE"), N_("TITLE"), N_("METHOD"), N_("COMPETENCY"), N_("START"),
            N_("END"),  N_("JP"),    N_("SEATS"),  N_("ENROLLED"),   NULL};
        const char *year = NULL;
        int ch;

        while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
                if (ch != 'y')
                        return opt_unknown(argv);
                year = optarg;
        }
        return list_query(cli,
                          "SELECT code, title, method, competency, start_date, end_date, jp,"
                          " capacity, enrolled FROM programs WHERE ?1 IS NULL OR plan_year = ?1"
                          " ORDER BY start_date, code",
                          year, headers);
}

static int program_show(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {
            N_("CODE"),    N_("YEAR"),     N_("TITLE"), N_("METHOD"), N_("COMPETENCY"),
            N_("PARTNER"), N_("SPEAKER"),  N_("START"), N_("END"),    N_("JP"),
            N_("SEATS"),   N_("ENROLLED"), NULL};

        if (argc != 2)
                return opt_fail(EXIT_USAGE, _("usage: renbin program show CODE"));
        cli_code(argv[1]);
        if (cli_db(cli, NULL) != NULL &&
            db_int(cli->db, "SELECT count(*) FROM programs WHERE code = ?1", argv[1], 0) == 0)
                return opt_fail(EXIT_NOT_FOUND, _("no program %s in the replica (renbin sync?)"),
                                argv[1]);
        return list_query(cli,
                          "SELECT code, plan_year, title, method, competency, partner, speaker,"
                          " start_date, end_date, jp, capacity, enrolled FROM programs"
                          " WHERE code = ?1",
                          argv[1], headers);
}

static const struct verb program_verbs[] = {
    {"add", program_add, NULL},
    {"list", program_list, NULL},
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
