/*
 * report_gaps.h - printing `renbin report gaps` (the server's report.gaps):
 * the people under their position's competency standard and each unit's
 * largest gaps, as a table or CSV rows.
 */
#ifndef RENBIN_REPORT_GAPS_H
#define RENBIN_REPORT_GAPS_H

#include <jansson.h>

#include "cli.h"

/* Prints the report as tables: the people, then each unit's competencies. */
void report_gaps_text(struct cli *cli, json_t *doc);
/* Prints one CSV row per person x competency under the standard. */
int report_gaps_csv(struct cli *cli, json_t *doc);

#endif
