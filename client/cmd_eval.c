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
#include "write.h"

#include <stdio.h>
#include <string.h>

static const struct opt eval_submit_opts[] = {
    {"PROGRAM", "program", OPT_ARG_CODE, 1, NULL, NULL, NULL},
    {"NIP", "nip", OPT_ARG_NIP, 1, NULL, NULL, NULL},
    OPT_ENTITY_FIELDS("evaluation", "submit"),
    OPT_END,
};

static const struct opt eval_test_opts[] = {
    {"PROGRAM", "program", OPT_ARG_CODE, 1, NULL, NULL, NULL},
    {"NIP", "nip", OPT_ARG_NIP, 1, NULL, NULL, NULL},
    OPT_ENTITY_FIELDS("learning_test", "record"),
    OPT_END,
};

static const struct opt assess_add_opts[] = {
    {"NIP", "nip", OPT_ARG_NIP, 1, NULL, NULL, NULL},
    OPT_ENTITY_FIELDS("assessment", "add"),
    OPT_END,
};

/* eval submit PROGRAM NIP --materi N --penyampaian N --aplikasi N [--comment TEXT] */
static int eval_submit(struct cli *cli, int argc, char **argv)
{
        char label[160];
        json_t *f;
        int rc;

        if ((rc = write_parse(cli, "eval submit", "evaluation", "submit", eval_submit_opts, argc,
                              argv, &f, NULL)) != 0)
                return rc;
        snprintf(label, sizeof(label), _("questionnaire of %s for %s"), write_get(f, "nip"),
                 write_get(f, "program"));
        return write_submit(cli, "evaluation", "submit", f, label);
}

/* eval test PROGRAM NIP --pre N --post N: the pre/post test (level 2). */
static int eval_test(struct cli *cli, int argc, char **argv)
{
        char label[160];
        json_t *f;
        int rc;

        if ((rc = write_parse(cli, "eval test", "learning_test", "record", eval_test_opts, argc,
                              argv, &f, NULL)) != 0)
                return rc;
        snprintf(label, sizeof(label), _("test scores of %s in %s"), write_get(f, "nip"),
                 write_get(f, "program"));
        return write_submit(cli, "learning_test", "record", f, label);
}

static int eval_pending(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {N_("PROGRAM"), N_("NIP"), N_("NAME"), N_("STATUS"),
                                              NULL};
        struct rb_err e;
        sqlite3_stmt *st;

        if (argc > 2)
                return opt_word("eval pending", argv[2]);
        if ((argc == 2 && cli_program_known(cli, cli_code(argv[1]), &e) != 0) ||
            (st = outbox_eval_pending(cli, argc == 2 ? argv[1] : NULL, &e)) == NULL ||
            table_print(cli, st, headers, &e) != 0)
                return cli_fail(&e);
        return EXIT_OK;
}

static const struct verb eval_verbs[] = {
    {"submit", eval_submit, eval_submit_opts},
    {"test", eval_test, eval_test_opts},
    {"pending", eval_pending, NULL},
    {NULL, NULL, NULL},
};

const struct cmd cmd_eval = {
    .name = "eval",
    .usage = "eval submit PROGRAM NIP --materi 1-5 --penyampaian 1-5 --aplikasi 1-5 "
             "[--comment TEXT]\n"
             "     | eval test PROGRAM NIP --pre 0-100 --post 0-100 | eval pending [PROGRAM]",
    .summary = N_("post-training questionnaire: record answers, list who has not answered"),
    .help = N_("One questionnaire per participant who attended (hadir or selesai); it cannot\n"
               "be changed once the server accepted it. Results are shown only in aggregate\n"
               "(renbin report program), never for groups under 3 answers.\n"
               "eval test records a participant's pre-test and post-test scores (level 2),\n"
               "one per enrollment that attended: a second one replaces the first.\n"),
    .exec = NULL,
    .verbs = eval_verbs,
};

/* assess add NIP --competency CODE --period P --level N [--note TEXT] */
static int assess_add(struct cli *cli, int argc, char **argv)
{
        char label[160];
        json_t *f;
        int rc;

        if ((rc = write_parse(cli, "assess add", "assessment", "add", assess_add_opts, argc, argv,
                              &f, NULL)) != 0)
                return rc;
        snprintf(label, sizeof(label), _("assessment of %s in %s, %s"), write_get(f, "nip"),
                 write_get(f, "competency"), write_get(f, "period"));
        return write_submit(cli, "assessment", "add", f, label);
}

/* The filters of assess list: ?1 and ?2 of its query. */
static const struct opt assess_list_opts[] = {
    {"nip", NULL, OPT_VALUE, 0, N_("only this person (NIP)"), NULL, NULL},
    {"history", NULL, OPT_FLAG, 0, N_("also the values replaced since"), NULL, NULL},
    OPT_END,
};

static int assess_list(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {N_("NIP"),     N_("NAME"),  N_("COMPETENCY"),
                                              N_("PERIOD"),  N_("LEVEL"), N_("NOTE"),
                                              N_("CURRENT"), NULL};

        return verb_list(cli, argc, argv, assess_list_opts,
                         "SELECT s.nip, ifnull(a.name, '') AS name, s.competency, s.period,"
                         " s.level, ifnull(s.note, '') AS note, s.current FROM assessments s"
                         " LEFT JOIN asn a ON a.nip = s.nip WHERE (?1 IS NULL OR s.nip = ?1)"
                         " AND (?2 IS NOT NULL OR s.current = 1)"
                         " ORDER BY name, s.competency, s.period, s.assessed_at",
                         headers);
}

static const struct verb assess_verbs[] = {
    {"add", assess_add, assess_add_opts},
    {"list", assess_list, assess_list_opts},
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
