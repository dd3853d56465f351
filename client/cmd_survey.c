/*
 * cmd_survey.c - `renbin survey`: the community satisfaction survey (SKM,
 * PermenPAN-RB 14/2017), one response per questionnaire. The response's
 * fields and limits are the catalogue's (common/entity.c); a unit office
 * records for its own unit, HR names the unit. A response typed wrong is
 * deleted with a reason: kept on the server with it, left out of the lists
 * and the IKM.
 */
#include "cmds.h"
#include "i18n.h"
#include "rowid.h"
#include "verbs.h"
#include "write.h"

#include <stdio.h>

static const struct opt survey_add_opts[] = {
    {"unit", NULL, OPT_CODE, 0, NULL, NULL, NULL},
    OPT_ENTITY_FIELDS("survey", "add"),
    OPT_END,
};

static int survey_add(struct cli *cli, int argc, char **argv)
{
        char label[160];
        json_t *f;
        int rc;

        if ((rc = write_parse(cli, "survey add", "survey", "add", survey_add_opts, argc, argv, &f,
                              NULL)) != 0)
                return rc;
        snprintf(label, sizeof(label), _("survey response for %s, %s"), write_get(f, "service"),
                 write_get(f, "period"));
        return write_submit(cli, "survey", "add", f, label);
}

static const struct opt survey_delete_opts[] = {
    {"ID", "id", OPT_ARG, 1, N_("the response's id, as survey responses shows it"), NULL, NULL},
    OPT_ENTITY_FIELDS("survey", "delete"),
    OPT_END,
};

/* "delete survey response 1a2b3c4d" */
static void delete_label(char *buf, size_t len, const char *shown, const json_t *f)
{
        (void)f;
        snprintf(buf, len, _("delete survey response %s"), shown);
}

/* survey delete ID --reason TEXT */
static int survey_delete(struct cli *cli, int argc, char **argv)
{
        return rowid_write(cli, "survey delete", "survey", "delete", "surveys",
                           _("survey response"), survey_delete_opts, argc, argv, delete_label);
}

/* The filters of survey list and survey responses: ?1 and ?2 of their
 * queries. */
static const struct opt survey_list_opts[] = {
    {"unit", NULL, OPT_VALUE, 0, N_("only this unit (its code)"), NULL, NULL},
    {"period", NULL, OPT_VALUE, 0, N_("only this period, e.g. 2027-Q1"), NULL, NULL},
    OPT_END,
};

static int survey_list(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {N_("UNIT"), N_("PERIOD"), N_("SERVICE"),
                                              N_("RESPONSES"), NULL};

        return verb_list(cli, argc, argv, survey_list_opts,
                         "SELECT unit, period, service, count(*) AS responses FROM surveys"
                         " WHERE (?1 IS NULL OR unit = ?1) AND (?2 IS NULL OR period = ?2)"
                         " AND deleted_at IS NULL"
                         " GROUP BY unit, period, service ORDER BY unit, period, service",
                         headers);
}

/* survey responses: one line per response, with the id survey delete takes. */
static int survey_responses(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {N_("ID"),      N_("UNIT"),   N_("PERIOD"),
                                              N_("SERVICE"), N_("SCORES"), NULL};

        return verb_list(cli, argc, argv, survey_list_opts,
                         "SELECT substr(id, -8) AS id, unit, period, service,"
                         " u1 || ' ' || u2 || ' ' || u3 || ' ' || u4 || ' ' || u5 || ' ' || u6"
                         " || ' ' || u7 || ' ' || u8 || ' ' || u9 AS scores FROM surveys"
                         " WHERE (?1 IS NULL OR unit = ?1) AND (?2 IS NULL OR period = ?2)"
                         " AND deleted_at IS NULL ORDER BY unit, period, submitted_at, id",
                         headers);
}

static const struct opt survey_population_opts[] = {
    {"unit", NULL, OPT_CODE, 0, NULL, NULL, NULL},
    OPT_ENTITY_FIELDS("population", "set"),
    OPT_END,
};

/* survey population --period P --count N [--unit U]: the people the unit
 * served, which gives the IKM's minimum sample. */
static int survey_population(struct cli *cli, int argc, char **argv)
{
        char label[160];
        json_t *f;
        int rc;

        if ((rc = write_parse(cli, "survey population", "population", "set", survey_population_opts,
                              argc, argv, &f, NULL)) != 0)
                return rc;
        snprintf(label, sizeof(label), _("population served by %s in %s"), write_get(f, "unit"),
                 write_get(f, "period"));
        return write_submit(cli, "population", "set", f, label);
}

/* survey populations: the people each unit served per period, as set. */
static int survey_populations(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {N_("UNIT"), N_("PERIOD"), N_("SERVED"), NULL};

        return verb_list(cli, argc, argv, survey_list_opts,
                         "SELECT unit, period, served FROM populations"
                         " WHERE (?1 IS NULL OR unit = ?1) AND (?2 IS NULL OR period = ?2)"
                         " ORDER BY unit, period",
                         headers);
}

/* survey import FILE: the same as renbin import survey FILE. */
static int survey_import(struct cli *cli, int argc, char **argv)
{
        char *args[5] = {"import", "survey", NULL, NULL, NULL};
        int n = 2;

        for (int i = 1; i < argc && n < 5; i++)
                args[n++] = argv[i];
        return cmd_import.exec(cli, n, args);
}

static const struct verb survey_verbs[] = {
    {"add", survey_add, survey_add_opts},
    {"list", survey_list, survey_list_opts},
    {"responses", survey_responses, survey_list_opts},
    {"delete", survey_delete, survey_delete_opts},
    {"import", survey_import, NULL},
    {"population", survey_population, survey_population_opts},
    {"populations", survey_populations, survey_list_opts},
    {NULL, NULL, NULL},
};

const struct cmd cmd_survey = {
    .name = "survey",
    .usage = "survey add --service S --period P --u1 N ... --u9 N [--unit CODE] [--age N]\n"
             "       [--sex L|P] [--education E] [--job J]\n"
             "     | survey import FILE | survey list [--unit CODE] [--period P]\n"
             "     | survey responses [--unit CODE] [--period P] | survey delete ID --reason TEXT\n"
             "     | survey population --period P --count N [--unit CODE]\n"
             "     | survey populations [--unit CODE] [--period P]",
    .summary = N_("community satisfaction survey (SKM): record responses, import, list"),
    .help = N_("Nine elements scored 1-4 (PermenPAN-RB 14/2017): u1 persyaratan; u2 sistem,\n"
               "mekanisme dan prosedur; u3 waktu penyelesaian; u4 biaya/tarif; u5 produk\n"
               "spesifikasi jenis pelayanan; u6 kompetensi pelaksana; u7 perilaku pelaksana;\n"
               "u8 sarana dan prasarana; u9 penanganan pengaduan, saran dan masukan.\n"
               "Respondent details are optional and never identify a person.\n"
               "Periods: 2027, 2027-S1, 2027-Q1 ...\n"
               "survey responses shows each response's id (its last characters); survey\n"
               "delete ID --reason TEXT removes one from the counts and the IKM.\n"
               "survey population sets how many people a unit served in a period: the\n"
               "IKM's minimum sample follows from it (Krejcie-Morgan; 100 served: 80).\n"),
    .exec = survey_list,
    .verbs = survey_verbs,
};
