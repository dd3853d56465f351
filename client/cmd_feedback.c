/*
 * cmd_feedback.c - what the community and the unit say: `renbin survey`
 * (SKM responses, PermenPAN-RB 14/2017), `renbin forum` (community forum
 * notes) and `renbin need` (the unit's training needs, which the plan is
 * tailored to). A unit office writes for its own unit; HR names the unit.
 */
#include "cmds.h"
#include "db.h"
#include "i18n.h"
#include "opts.h"
#include "out.h"
#include "outbox.h"
#include "table.h"
#include "validate.h"
#include "verbs.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The unit a row is for: --unit when given, else this office's own unit. */
static int row_unit(struct cli *cli, const char *opt, char unit[64], struct rb_err *e)
{
        char role[16] = "";

        /* An auditor is told it is read-only, not which option is missing. */
        if (outbox_may_write(cli, e) != 0)
                return -1;
        if (opt != NULL)
                return snprintf(unit, 64, "%s", opt) > 0 ? code_check(unit, "unit", e) : -1;
        cli_get(cli, "role", role, sizeof(role));
        if (strcmp(role, "unit") != 0 || cli_get(cli, "unit", unit, 64) != 0)
                return err_set(e, RB_INVALID, "unit", _("say which unit with --unit CODE"));
        return 0;
}

/* Prints a replica query whose ?1 is --unit and ?2 the option named second
 * (both optional), as each group's list verb takes them. */
static int list(struct cli *cli, int argc, char **argv, const char *second, const char *sql,
                const char *const *headers)
{
        const struct option longopts[] = {{"unit", required_argument, NULL, 'U'},
                                          {second, required_argument, NULL, 'S'},
                                          {NULL, 0, NULL, 0}};
        const char *arg[2] = {NULL, NULL};
        struct rb_err e;
        sqlite3_stmt *st;
        int ch;

        while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
                if (ch != 'U' && ch != 'S')
                        return opt_unknown(argv);
                arg[ch == 'S'] = optarg;
        }
        if (optind != argc)
                return opt_fail(EXIT_USAGE, _("unexpected argument '%s' (see --help)"),
                                argv[optind]);
        if (cli_db(cli, &e) == NULL || (st = db_stmt(cli->db, sql, &e)) == NULL)
                return cli_fail(&e);
        db_bind_text(st, 1, arg[0]);
        db_bind_text(st, 2, arg[1]);
        if (table_print(cli, st, headers, &e) != 0)
                return cli_fail(&e);
        return EXIT_OK;
}

static int survey_add(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {
            {"service", required_argument, NULL, 's'},
            {"period", required_argument, NULL, 'p'},
            {"unit", required_argument, NULL, 'U'},
            {"u1", required_argument, NULL, '1'},
            {"u2", required_argument, NULL, '2'},
            {"u3", required_argument, NULL, '3'},
            {"u4", required_argument, NULL, '4'},
            {"u5", required_argument, NULL, '5'},
            {"u6", required_argument, NULL, '6'},
            {"u7", required_argument, NULL, '7'},
            {"u8", required_argument, NULL, '8'},
            {"u9", required_argument, NULL, '9'},
            {"age", required_argument, NULL, 'a'},
            {"sex", required_argument, NULL, 'x'},
            {"education", required_argument, NULL, 'e'},
            {"job", required_argument, NULL, 'j'},
            {NULL, 0, NULL, 0},
        };
        const char *u[9] = {0}, *service = NULL, *period = NULL, *unit_opt = NULL, *age = NULL,
                   *sex = NULL, *edu = NULL, *job = NULL;
        char unit[64], label[160], name[16];
        struct rb_err e;
        long v;
        int ch;

        while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
                if (ch >= '1' && ch <= '9') {
                        u[ch - '1'] = optarg;
                        continue;
                }
                switch (ch) {
                case 's':
                        service = optarg;
                        break;
                case 'p':
                        period = optarg;
                        break;
                case 'U':
                        unit_opt = optarg;
                        break;
                case 'a':
                        age = optarg;
                        break;
                case 'x':
                        sex = optarg;
                        break;
                case 'e':
                        edu = optarg;
                        break;
                case 'j':
                        job = optarg;
                        break;
                default:
                        return opt_unknown(argv);
                }
        }
        if (optind != argc)
                return opt_fail(EXIT_USAGE, _("survey add takes options only (see --help)"));
        if (service == NULL || period == NULL)
                return opt_missing("survey add", service == NULL ? "--service" : "--period");
        err_clear(&e);
        for (int i = 0; i < 9; i++) {
                snprintf(name, sizeof(name), "u%d", i + 1);
                if (u[i] == NULL) {
                        char opt[16];
                        snprintf(opt, sizeof(opt), "--u%d", i + 1);
                        return opt_missing("survey add", opt);
                }
                if (skm_score_check(u[i], name, &v, &e) != 0)
                        return cli_fail(&e);
        }
        if (row_unit(cli, unit_opt, unit, &e) || text_check(service, 200, "service", &e) ||
            period_check(period, "period", &e) || (age && int_check(age, 10, 120, "age", &v, &e)) ||
            (sex && strcmp(sex, "L") && strcmp(sex, "P") &&
             err_set(&e, RB_INVALID, "sex", _("sex: '%s' is not L or P"), sex)))
                return cli_fail(&e);
        json_t *f =
            json_pack("{s:s, s:s, s:s}", "unit", unit, "service", service, "period", period);
        for (int i = 0; i < 9; i++) {
                snprintf(name, sizeof(name), "u%d", i + 1);
                json_object_set_new(f, name, json_string(u[i]));
        }
        json_put(f, "age", age);
        json_put(f, "sex", sex);
        json_put(f, "education", edu);
        json_put(f, "job", job);
        snprintf(label, sizeof(label), _("survey response for %s, %s"), service, period);
        return outbox_write1(cli, "survey", NULL, "add", f, label);
}

static int survey_list(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {N_("UNIT"), N_("PERIOD"), N_("SERVICE"),
                                              N_("RESPONSES"), NULL};

        return list(cli, argc, argv, "period",
                    "SELECT unit, period, service, count(*) AS responses FROM surveys"
                    " WHERE (?1 IS NULL OR unit = ?1) AND (?2 IS NULL OR period = ?2)"
                    " GROUP BY unit, period, service ORDER BY unit, period, service",
                    headers);
}

static int survey_import(struct cli *cli, int argc, char **argv);

static const struct verb survey_verbs[] = {
    {"add", survey_add},
    {"list", survey_list},
    {"import", survey_import},
    {NULL, NULL},
};

/* survey import FILE: the same as renbin import survey FILE. */
static int survey_import(struct cli *cli, int argc, char **argv)
{
        char *args[5] = {"import", "survey", NULL, NULL, NULL};
        int n = 2;

        for (int i = 1; i < argc && n < 5; i++)
                args[n++] = argv[i];
        return cmd_import.exec(cli, n, args);
}

const struct cmd cmd_survey = {
    .name = "survey",
    .usage = "survey add --service S --period P --u1 N ... --u9 N [--unit CODE] [--age N]\n"
             "       [--sex L|P] [--education E] [--job J]\n"
             "     | survey import FILE | survey list [--unit CODE] [--period P]",
    .summary = N_("community satisfaction survey (SKM): record responses, import, list"),
    .help = N_("Nine elements scored 1-4 (PermenPAN-RB 14/2017): u1 persyaratan; u2 sistem,\n"
               "mekanisme dan prosedur; u3 waktu penyelesaian; u4 biaya/tarif; u5 produk\n"
               "spesifikasi jenis pelayanan; u6 kompetensi pelaksana; u7 perilaku pelaksana;\n"
               "u8 sarana dan prasarana; u9 penanganan pengaduan, saran dan masukan.\n"
               "Respondent details are optional and never identify a person.\n"
               "Periods: 2027, 2027-S1, 2027-Q1 ...\n"),
    .exec = survey_list,
    .verbs = survey_verbs,
};

static int forum_add(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {
            {"date", required_argument, NULL, 'd'},  {"topic", required_argument, NULL, 't'},
            {"input", required_argument, NULL, 'i'}, {"follow-up", required_argument, NULL, 'f'},
            {"unit", required_argument, NULL, 'U'},  {NULL, 0, NULL, 0},
        };
        const char *date = NULL, *topic = NULL, *input = NULL, *follow = NULL, *unit_opt = NULL;
        char unit[64], label[160];
        struct rb_err e;
        int ch;

        while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
                switch (ch) {
                case 'd':
                        date = optarg;
                        break;
                case 't':
                        topic = optarg;
                        break;
                case 'i':
                        input = optarg;
                        break;
                case 'f':
                        follow = optarg;
                        break;
                case 'U':
                        unit_opt = optarg;
                        break;
                default:
                        return opt_unknown(argv);
                }
        }
        if (date == NULL || topic == NULL)
                return opt_missing("forum add", date == NULL ? "--date" : "--topic");
        err_clear(&e);
        if (row_unit(cli, unit_opt, unit, &e) || date_check(date, "date", &e) ||
            text_check(topic, 300, "topic", &e) || opt_text_check(input, 4000, "input", &e) ||
            opt_text_check(follow, 4000, "follow_up", &e))
                return cli_fail(&e);
        json_t *f = json_pack("{s:s, s:s, s:s}", "unit", unit, "date", date, "topic", topic);
        json_put(f, "input", input);
        json_put(f, "follow_up", follow);
        snprintf(label, sizeof(label), _("forum note of %s: %s"), date, topic);
        return outbox_write1(cli, "forum", NULL, "add", f, label);
}

static int forum_list(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {N_("UNIT"),  N_("DATE"),      N_("TOPIC"),
                                              N_("INPUT"), N_("FOLLOW-UP"), NULL};

        return list(cli, argc, argv, "year",
                    "SELECT unit, date, topic, ifnull(input, '') AS input,"
                    " ifnull(follow_up, '') AS follow_up FROM forums"
                    " WHERE (?1 IS NULL OR unit = ?1) AND (?2 IS NULL OR date LIKE ?2 || '%')"
                    " ORDER BY date, unit",
                    headers);
}

static const struct verb forum_verbs[] = {
    {"add", forum_add},
    {"list", forum_list},
    {NULL, NULL},
};

const struct cmd cmd_forum = {
    .name = "forum",
    .usage = "forum add --date DATE --topic TEXT [--input TEXT] [--follow-up TEXT] [--unit CODE]"
             "\n     | forum list [--unit CODE] [--year YEAR]",
    .summary = N_("notes of community communication forums: input and follow-up"),
    .help = NULL,
    .exec = forum_list,
    .verbs = forum_verbs,
};

/* The default year for a need: the newest plan in the replica, else next year. */
static void default_year(struct cli *cli, char year[24])
{
        long long y = db_int(cli->db, "SELECT max(year) FROM plans", NULL, 0);
        time_t now = time(NULL);
        struct tm tm;

        if (y <= 0) {
                localtime_r(&now, &tm);
                y = tm.tm_year + 1900 + 1;
        }
        snprintf(year, 24, "%lld", y);
}

static int need_add(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {
            {"competency", required_argument, NULL, 'c'},
            {"priority", required_argument, NULL, 'p'},
            {"reason", required_argument, NULL, 'r'},
            {"year", required_argument, NULL, 'y'},
            {"unit", required_argument, NULL, 'U'},
            {NULL, 0, NULL, 0},
        };
        const char *comp = NULL, *prio = NULL, *reason = NULL, *year_opt = NULL, *unit_opt = NULL;
        char unit[64], year[24], label[160];
        struct rb_err e;
        long y;
        int ch;

        while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
                switch (ch) {
                case 'c':
                        comp = optarg;
                        break;
                case 'p':
                        prio = optarg;
                        break;
                case 'r':
                        reason = optarg;
                        break;
                case 'y':
                        year_opt = optarg;
                        break;
                case 'U':
                        unit_opt = optarg;
                        break;
                default:
                        return opt_unknown(argv);
                }
        }
        if (comp == NULL || prio == NULL)
                return opt_missing("need add", comp == NULL ? "--competency" : "--priority");
        err_clear(&e);
        if (cli_db(cli, &e) == NULL || row_unit(cli, unit_opt, unit, &e) ||
            code_check(comp, "competency", &e) ||
            enum_check(prio, need_priorities, "priority", &e) ||
            opt_text_check(reason, 2000, "reason", &e) ||
            (year_opt && year_check(year_opt, "year", &y, &e)))
                return cli_fail(&e);
        if (year_opt)
                snprintf(year, sizeof(year), "%s", year_opt);
        else
                default_year(cli, year);
        json_t *f = json_pack("{s:s, s:s, s:s, s:s}", "unit", unit, "year", year, "competency",
                              comp, "priority", prio);
        json_put(f, "reason", reason);
        snprintf(label, sizeof(label), _("%s need of %s for %s"), year, unit, comp);
        return outbox_write1(cli, "need", NULL, "add", f, label);
}

static int need_list(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {N_("UNIT"),     N_("YEAR"),   N_("COMPETENCY"),
                                              N_("PRIORITY"), N_("REASON"), NULL};

        return list(cli, argc, argv, "year",
                    "SELECT unit, year, competency, priority, ifnull(reason, '') AS reason"
                    " FROM needs WHERE (?1 IS NULL OR unit = ?1) AND (?2 IS NULL OR year = ?2)"
                    " ORDER BY unit, CASE priority WHEN 'tinggi' THEN 0 WHEN 'sedang' THEN 1"
                    " ELSE 2 END, competency",
                    headers);
}

static const struct verb need_verbs[] = {
    {"add", need_add},
    {"list", need_list},
    {NULL, NULL},
};

const struct cmd cmd_need = {
    .name = "need",
    .usage = "need add --competency CODE --priority tinggi|sedang|rendah [--reason TEXT]\n"
             "       [--year YEAR] [--unit CODE] | need list [--year YEAR] [--unit CODE]",
    .summary = N_("the unit's training needs, which the plan is tailored to"),
    .help = N_("The year defaults to the newest plan's year.\n"),
    .exec = need_list,
    .verbs = need_verbs,
};
