/*
 * cmd_eval.c - `renbin eval` (the post-training questionnaire: submit one per
 * participant who attended; list who has not answered yet) and `renbin
 * assess` (periodic competency assessment, level 1-5 per period). Answers are
 * never listed one by one: reports show them in aggregate, groups of 3 or more.
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
#include <string.h>

static int eval_submit(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {
            {"materi", required_argument, NULL, 'm'},
            {"penyampaian", required_argument, NULL, 'p'},
            {"aplikasi", required_argument, NULL, 'a'},
            {"comment", required_argument, NULL, 'c'},
            {NULL, 0, NULL, 0},
        };
        const char *m = NULL, *p = NULL, *a = NULL, *c = NULL;
        char nip[19], label[160];
        struct rb_err e;
        long v;
        int ch;

        while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
                switch (ch) {
                case 'm':
                        m = optarg;
                        break;
                case 'p':
                        p = optarg;
                        break;
                case 'a':
                        a = optarg;
                        break;
                case 'c':
                        c = optarg;
                        break;
                default:
                        return opt_unknown(argv);
                }
        }
        if (argc - optind != 2)
                return opt_fail(EXIT_USAGE, _("usage: renbin eval submit PROGRAM NIP --materi N "
                                              "--penyampaian N --aplikasi N [--comment TEXT]"));
        if (m == NULL || p == NULL || a == NULL)
                return opt_missing("eval submit", m == NULL   ? "--materi"
                                                  : p == NULL ? "--penyampaian"
                                                              : "--aplikasi");
        err_clear(&e);
        if (rating5_check(m, "materi", &v, &e) || rating5_check(p, "penyampaian", &v, &e) ||
            rating5_check(a, "aplikasi", &v, &e) || opt_text_check(c, 2000, "comment", &e))
                return cli_fail(&e);
        if (nip_normalize(argv[optind + 1], nip) != 0)
                return opt_fail(EXIT_INVALID, _("'%s' is not a NIP"), argv[optind + 1]);
        cli_code(argv[optind]);
        json_t *f = json_pack("{s:s, s:s, s:s, s:s, s:s}", "program", argv[optind], "nip", nip,
                              "materi", m, "penyampaian", p, "aplikasi", a);
        json_put(f, "comment", c);
        snprintf(label, sizeof(label), _("questionnaire of %s for %s"), nip, argv[optind]);
        return outbox_write1(cli, "evaluation", NULL, "submit", f, label);
}

static int eval_pending(struct cli *cli, int argc, char **argv)
{
        /* Who attended (hadir/selesai) and has no questionnaire, here or queued. */
        static const char sql[] =
            "SELECT e.program, e.nip, ifnull(a.name, '') AS name, e.status FROM enrollments e"
            " LEFT JOIN asn a ON a.nip = e.nip"
            " WHERE e.status IN ('hadir', 'selesai') AND (?1 IS NULL OR e.program = ?1)"
            " AND NOT EXISTS (SELECT 1 FROM evaluations v WHERE v.enrollment = e.id)"
            " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.entity = 'evaluation'"
            "   AND o.state != 'rejected' AND json_extract(o.fields, '$.program') = e.program"
            "   AND json_extract(o.fields, '$.nip') = e.nip)"
            " ORDER BY e.program, name";
        static const char *const headers[] = {N_("PROGRAM"), N_("NIP"), N_("NAME"), N_("STATUS"),
                                              NULL};
        struct rb_err e;
        sqlite3_stmt *st;

        if (argc > 2)
                return opt_fail(EXIT_USAGE, _("usage: renbin eval pending [PROGRAM]"));
        if (cli_db(cli, &e) == NULL || (st = db_stmt(cli->db, sql, &e)) == NULL)
                return cli_fail(&e);
        db_bind_text(st, 1, argc == 2 ? cli_code(argv[1]) : NULL);
        if (table_print(cli, st, headers, &e) != 0)
                return cli_fail(&e);
        return EXIT_OK;
}

static const struct verb eval_verbs[] = {
    {"submit", eval_submit, NULL},
    {"pending", eval_pending, NULL},
    {NULL, NULL, NULL},
};

const struct cmd cmd_eval = {
    .name = "eval",
    .usage = "eval submit PROGRAM NIP --materi 1-5 --penyampaian 1-5 --aplikasi 1-5 "
             "[--comment TEXT] | eval pending [PROGRAM]",
    .summary = N_("post-training questionnaire: record answers, list who has not answered"),
    .help = N_("One questionnaire per participant who attended (hadir or selesai); it cannot\n"
               "be changed once the server accepted it. Results are shown only in aggregate\n"
               "(renbin report program), never for groups under 3 answers.\n"),
    .exec = NULL,
    .verbs = eval_verbs,
};

static int assess_add(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {
            {"competency", required_argument, NULL, 'c'},
            {"period", required_argument, NULL, 'p'},
            {"level", required_argument, NULL, 'l'},
            {"note", required_argument, NULL, 'n'},
            {NULL, 0, NULL, 0},
        };
        const char *comp = NULL, *period = NULL, *level = NULL, *note = NULL;
        char nip[19], label[160];
        struct rb_err e;
        long v;
        int ch;

        while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
                switch (ch) {
                case 'c':
                        comp = optarg;
                        break;
                case 'p':
                        period = optarg;
                        break;
                case 'l':
                        level = optarg;
                        break;
                case 'n':
                        note = optarg;
                        break;
                default:
                        return opt_unknown(argv);
                }
        }
        if (argc - optind != 1)
                return opt_fail(EXIT_USAGE, _("usage: renbin assess add NIP --competency CODE "
                                              "--period 2027-S1 --level 1-5 [--note TEXT]"));
        if (comp == NULL || period == NULL || level == NULL)
                return opt_missing("assess add", comp == NULL     ? "--competency"
                                                 : period == NULL ? "--period"
                                                                  : "--level");
        err_clear(&e);
        if (nip_normalize(argv[optind], nip) != 0)
                return opt_fail(EXIT_INVALID, _("'%s' is not a NIP"), argv[optind]);
        if (rating5_check(level, "level", &v, &e) || period_check(period, "period", &e) ||
            opt_text_check(note, 2000, "note", &e))
                return cli_fail(&e);
        json_t *f = json_pack("{s:s, s:s, s:s, s:s}", "nip", nip, "competency", comp, "period",
                              period, "level", level);
        json_put(f, "note", note);
        snprintf(label, sizeof(label), _("assessment of %s in %s, %s"), nip, comp, period);
        return outbox_write1(cli, "assessment", NULL, "add", f, label);
}

static int assess_list(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {{"nip", required_argument, NULL, 'n'},
                                                 {"history", no_argument, NULL, 'h'},
                                                 {NULL, 0, NULL, 0}};
        static const char sql[] =
            "SELECT s.nip, ifnull(a.name, '') AS name, s.competency, s.period, s.level,"
            " ifnull(s.note, '') AS note, s.current FROM assessments s"
            " LEFT JOIN asn a ON a.nip = s.nip WHERE (?1 IS NULL OR s.nip = ?1)"
            " AND (?2 OR s.current = 1) ORDER BY name, s.competency, s.period, s.assessed_at";
        static const char *const headers[] = {N_("NIP"),     N_("NAME"),  N_("COMPETENCY"),
                                              N_("PERIOD"),  N_("LEVEL"), N_("NOTE"),
                                              N_("CURRENT"), NULL};
        const char *nip = NULL;
        int hist = 0, ch;
        struct rb_err e;
        sqlite3_stmt *st;

        while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
                if (ch == 'n')
                        nip = optarg;
                else if (ch == 'h')
                        hist = 1;
                else
                        return opt_unknown(argv);
        }
        if (cli_db(cli, &e) == NULL || (st = db_stmt(cli->db, sql, &e)) == NULL)
                return cli_fail(&e);
        db_bind_text(st, 1, nip);
        sqlite3_bind_int(st, 2, hist);
        if (table_print(cli, st, headers, &e) != 0)
                return cli_fail(&e);
        return EXIT_OK;
}

static const struct verb assess_verbs[] = {
    {"add", assess_add, NULL},
    {"list", assess_list, NULL},
    {NULL, NULL, NULL},
};

const struct cmd cmd_assess = {
    .name = "assess",
    .usage = "assess add NIP --competency CODE --period 2027-S1 --level 1-5 [--note TEXT]\n"
             "     | assess list [--nip NIP] [--history]",
    .summary = N_("periodic competency assessment of ASN (level 1-5 per period)"),
    .help = N_("Periods: a year (2027) or a semester (2027-S1, 2027-S2). A second value for the\n"
               "same person, competency and period replaces the first; both are kept\n"
               "(--history shows them).\n"),
    .exec = assess_list,
    .verbs = assess_verbs,
};
