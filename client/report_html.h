/*
 * report_html.h - `renbin report html`: the year's page, built from the
 * reports report.c fetches.
 */
#ifndef RENBIN_REPORT_HTML_H
#define RENBIN_REPORT_HTML_H

#include "cli.h"

#include <stdio.h>

/* Writes the year's page (plan, JP, questionnaires, IKM, competencies,
 * gaps, needs coverage, mentoring, forum follow-ups) to
 * path as one self-contained HTML file; today (NULL: the current date) is
 * the plan's reference date. 0, or -1 with e. */
int report_html_write(struct cli *cli, long year, const char *today, const char *path,
                      struct rb_err *e);

/* Writes s (NULL: nothing) escaped for HTML text and attribute values. */
void html_esc(FILE *f, const char *s);

#endif
