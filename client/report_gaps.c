/*
 * report_gaps.c - printing `renbin report gaps` (see report_gaps.h); the
 * figures are the server's (server/report_gaps.c), shown as they come.
 */
#include "i18n.h"
#include "report.h"
#include "report_gaps.h"
#include "table.h"

#include <stdio.h>

static const char *const PEOPLE_KEYS[] = {"nip",      "name",  "unit",   "jabatan", "competency",
                                          "standard", "level", "period", "gap"};
#define NPK (sizeof(PEOPLE_KEYS) / sizeof(PEOPLE_KEYS[0]))

/* One unit's summary line and its competencies, largest gaps first. */
static void unit_text(struct cli *cli, json_t *u)
{
        static const char *const keys[] = {"competency", "name",     "people",
                                           "gap_sum",    "gap_mean", "priority"};
        static const char *const heads[] = {
            N_("COMPETENCY"), N_("NAME"), N_("PEOPLE BELOW"), N_("GAP SUM"), N_("MEAN GAP"),
            N_("PRIORITY"),   NULL};
        json_t *comps = json_object_get(u, "competencies");
        long long below = json_integer_value(json_object_get(u, "people_below"));

        printf(ngettext("\n%s %s: %lld person below the standard; gaps: %lld, not assessed: "
                        "%lld\n",
                        "\n%s %s: %lld people below the standard; gaps: %lld, not assessed: "
                        "%lld\n",
                        (unsigned long)below),
               report_str(u, "unit"), report_str(u, "name"), below,
               (long long)json_integer_value(json_object_get(u, "gaps")),
               (long long)json_integer_value(json_object_get(u, "not_assessed")));
        if (json_array_size(comps) > 0)
                table_print_rows(cli, json_deep_copy(comps), keys, 6, heads);
}

void report_gaps_text(struct cli *cli, json_t *doc)
{
        static const char *const heads[] = {
            N_("NIP"),      N_("NAME"),  N_("UNIT"),   N_("JABATAN"), N_("COMPETENCY"),
            N_("STANDARD"), N_("LEVEL"), N_("PERIOD"), N_("GAP"),     NULL};
        json_t *u;
        size_t i;

        printf(_("Competency gaps: people whose latest assessed level is under their "
                 "position's standard\n\n"));
        if (json_array_size(json_object_get(doc, "units")) == 0)
                printf(_("(no active ASN holds a position with a standard)\n"));
        else
                table_print_rows(cli, json_deep_copy(json_object_get(doc, "people")), PEOPLE_KEYS,
                                 NPK, heads);
        json_array_foreach(json_object_get(doc, "units"), i, u) unit_text(cli, u);
        printf(_("\nUnits rank competencies by the sum of their gaps; the mean is over the "
                 "people below.\n"));
}

int report_gaps_csv(struct cli *cli, json_t *doc)
{
        return table_print_rows(cli, json_deep_copy(json_object_get(doc, "people")), PEOPLE_KEYS,
                                NPK, NULL);
}
