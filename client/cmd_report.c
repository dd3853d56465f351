/*
 * cmd_report.c - `renbin report KIND`: the reports people act on, computed by
 * the server for what the caller's role may see. Each prints a readable table
 * on a terminal, the server's document with --json, or rows with --csv. A
 * report fetched online is saved in the replica; offline, the saved copy is
 * shown with the time it was made. Questionnaire groups under 3 answers show
 * nothing per dimension in every format.
 */
#include "cmds.h"
#include "i18n.h"
#include "opts.h"
#include "out.h"
#include "report.h"
#include "report_gaps.h"
#include "report_html.h"
#include "table.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The options every report kind may take; each kind says which it needs. */
struct ropts {
        const char *year, *unit, *period, *out, *today, *service;
};

/* A report kind: its query, the arguments it requires, how it prints. */
struct report_kind {
        const char *name;
        const char *query;
        const char *needs; /* required options: y year, u unit, p period, o out, P program */
        void (*text)(struct cli *cli, json_t *doc);
        int (*csv)(struct cli *cli, json_t *doc);
};

static void program_text(struct cli *cli, json_t *doc);
static void program_level1(struct cli *cli, json_t *doc);
static void levels_text(struct cli *cli, json_t *doc);
static int program_csv(struct cli *cli, json_t *doc);
static void jp_text(struct cli *cli, json_t *doc);
static int jp_csv(struct cli *cli, json_t *doc);
static void plan_text(struct cli *cli, json_t *doc);
static int plan_csv(struct cli *cli, json_t *doc);
static void needs_text(struct cli *cli, json_t *doc);
static int needs_csv(struct cli *cli, json_t *doc);
static void competency_text(struct cli *cli, json_t *doc);
static int competency_csv(struct cli *cli, json_t *doc);
static void mentoring_text(struct cli *cli, json_t *doc);
static int mentoring_csv(struct cli *cli, json_t *doc);
static void ikm_text(struct cli *cli, json_t *doc);
static int ikm_csv(struct cli *cli, json_t *doc);

static const struct report_kind kinds[] = {
    {"program", "report.program", "P", program_text, program_csv},
    {"jp", "report.jp", "y", jp_text, jp_csv},
    {"plan", "report.plan", "y", plan_text, plan_csv},
    {"needs", "report.needs", "y", needs_text, needs_csv},
    {"competency", "report.competency", "", competency_text, competency_csv},
    {"gaps", "report.gaps", "", report_gaps_text, report_gaps_csv},
    {"mentoring", "report.mentoring", "y", mentoring_text, mentoring_csv},
    {"ikm", "report.ikm", "p", ikm_text, ikm_csv},
};

/* A number of a document as a person reads it (two decimals for reals,
 * the decimal comma in Indonesian). */
static const char *num(json_t *v, char buf[32])
{
        if (json_is_integer(v))
                snprintf(buf, 32, "%lld", (long long)json_integer_value(v));
        else if (json_is_real(v))
                i18n_number(json_real_value(v), buf, 32);
        else
                snprintf(buf, 32, "-");
        return buf;
}

/* A count of a document, for ngettext. */
static unsigned long count_of(json_t *v)
{
        return json_is_integer(v) && json_integer_value(v) > 0
                   ? (unsigned long)json_integer_value(v)
                   : 0;
}

/* Copies the listed members of each object of arr into new flat rows. */
static json_t *pick(json_t *arr, const char *const *keys, size_t nk)
{
        json_t *rows = json_array(), *o;
        size_t i;

        json_array_foreach(arr, i, o)
        {
                json_t *r = json_object();
                for (size_t k = 0; k < nk; k++) {
                        json_t *v = json_object_get(o, keys[k]);
                        json_object_set_new(r, keys[k], v ? json_deep_copy(v) : json_null());
                }
                json_array_append_new(rows, r);
        }
        return rows;
}

#define NK(a) (sizeof(a) / sizeof(a[0]))

/* Prints the listed members of each object of arr as a table (any form). */
static int print_pick(struct cli *cli, json_t *arr, const char *const *keys, size_t nk,
                      const char *const *headers)
{
        return table_print_rows(cli, pick(arr, keys, nk), keys, nk, headers);
}

/* One row of the levels table: the level, what it measures, how many, the result. */
static json_t *level_row(const char *level, const char *n, const char *result)
{
        return json_pack("{s:s, s:s, s:s}", "level", level, "n", n, "result", result);
}

/* Whether a level's figures are hidden: then why, in buf. */
static int level_hidden(json_t *obj, char *buf, size_t len)
{
        if (!json_is_true(json_object_get(obj, "suppressed")))
                return 0;
        snprintf(buf, len, _("not shown: %s"), report_str(obj, "reason"));
        return 1;
}

/* The rows of levels 2 and 3 of doc, appended to rows. */
static void levels_23(json_t *doc, json_t *rows)
{
        json_t *l2 = json_object_get(doc, "level2"), *l3 = json_object_get(doc, "level3");
        char n[80], r[300], a[32], b[32], c[32];

        if (!level_hidden(l2, r, sizeof(r)))
                snprintf(r, sizeof(r), _("pre %s, post %s, gain %s"),
                         num(json_object_get(l2, "mean_pre"), a),
                         num(json_object_get(l2, "mean_post"), b),
                         num(json_object_get(l2, "gain"), c));
        json_array_append_new(rows,
                              level_row(_("2 learning"), num(json_object_get(l2, "tests"), a), r));
        /* TRANSLATORS: follow-ups recorded of the enrollments completed. */
        snprintf(n, sizeof(n), _("%s of %s"), num(json_object_get(l3, "followups"), a),
                 num(json_object_get(l3, "completed"), b));
        if (!level_hidden(l3, r, sizeof(r)))
                snprintf(r, sizeof(r), _("mean rating %s of 5"),
                         num(json_object_get(l3, "mean_rating"), a));
        json_array_append_new(rows, level_row(_("3 behaviour"), n, r));
}

/* Kirkpatrick levels 1, 2 and 3 side by side (decisions 123). */
static void levels_text(struct cli *cli, json_t *doc)
{
        static const char *const keys[] = {"level", "n", "result"};
        static const char *const headers[] = {N_("LEVEL"), N_("PEOPLE"), N_("RESULT"), NULL};
        json_t *rows = json_array();
        char r[300], a[32];

        if (!level_hidden(doc, r, sizeof(r)))
                snprintf(r, sizeof(r), _("mean %s of 5"),
                         num(json_object_get(json_array_get(json_object_get(doc, "dimensions"), 3),
                                             "mean"),
                             a));
        json_array_append_new(
            rows, level_row(_("1 reaction"), num(json_object_get(doc, "responses"), a), r));
        levels_23(doc, rows);
        printf(_("\nEvaluation levels:\n"));
        table_print_rows(cli, rows, keys, NK(keys), headers);
}

static void program_text(struct cli *cli, json_t *doc)
{
        json_t *p = json_object_get(doc, "program");
        char a[32], b[32], c[32];

        printf(_("Program %s: %s (%s, %s to %s)\n"), report_str(p, "code"), report_str(p, "title"),
               report_str(p, "method"), report_str(p, "start_date"), report_str(p, "end_date"));
        if (!json_is_null(json_object_get(doc, "unit")))
                printf(_("Unit: %s\n"), report_str(doc, "unit"));
        printf(ngettext("Responses: %s of %s attendee (%s%%)\n",
                        "Responses: %s of %s attendees (%s%%)\n",
                        count_of(json_object_get(doc, "attendees"))),
               num(json_object_get(doc, "responses"), a), num(json_object_get(doc, "attendees"), b),
               num(json_object_get(doc, "response_rate_pct"), c));
        if (json_is_true(json_object_get(doc, "suppressed")))
                printf(_("Results not shown: %s\n"), report_str(doc, "reason"));
        else
                program_level1(cli, doc);
        levels_text(cli, doc);
}

/* Level 1's figures: each dimension, the weakest, the comments. */
static void program_level1(struct cli *cli, json_t *doc)
{
        static const char *const keys[] = {"name", "answers", "mean", "1", "2", "3", "4", "5"};
        static const char *const headers[] = {N_("DIMENSION"), N_("ANSWERS"), N_("MEAN"),
                                              N_("1"),         N_("2"),       N_("3"),
                                              N_("4"),         N_("5"),       NULL};
        json_t *rows, *d;
        size_t i;

        rows = json_array();
        json_array_foreach(json_object_get(doc, "dimensions"), i, d)
        {
                json_t *r =
                    json_pack("{s:O, s:O, s:O}", "name", json_object_get(d, "name"), "answers",
                              json_object_get(d, "answers"), "mean", json_object_get(d, "mean"));
                for (int k = 0; k < 5; k++) {
                        char key[2] = {(char)('1' + k), 0};
                        json_object_set(r, key,
                                        json_array_get(json_object_get(d, "distribution"), k));
                }
                json_array_append_new(rows, r);
        }
        putchar('\n');
        table_print_rows(cli, rows, keys, NK(keys), headers);
        printf(_("\nWeakest dimension: %s\n"), report_str(doc, "weakest"));
        if (json_array_size(json_object_get(doc, "comments")) > 0)
                printf(_("Comments:\n"));
        json_array_foreach(json_object_get(doc, "comments"), i, d)
            printf("  - %s\n", json_string_value(d));
}

static int program_csv(struct cli *cli, json_t *doc)
{
        static const char *const keys[] = {
            "program",    "attendees", "responses", "response_rate_pct",
            "suppressed", "dimension", "answers",   "mean",
            "n1",         "n2",        "n3",        "n4",
            "n5"};
        json_t *rows = json_array(), *d;
        const char *code = report_str(json_object_get(doc, "program"), "code");
        size_t i;

        if (json_is_true(json_object_get(doc, "suppressed"))) {
                json_array_append_new(
                    rows, json_pack("{s:s, s:O, s:O, s:O, s:O}", "program", code, "attendees",
                                    json_object_get(doc, "attendees"), "responses",
                                    json_object_get(doc, "responses"), "response_rate_pct",
                                    json_object_get(doc, "response_rate_pct"), "suppressed",
                                    json_object_get(doc, "suppressed")));
                return table_print_rows(cli, rows, keys, NK(keys), NULL);
        }
        json_array_foreach(json_object_get(doc, "dimensions"), i, d)
        {
                json_t *r = json_pack(
                    "{s:s, s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "program", code, "attendees",
                    json_object_get(doc, "attendees"), "responses",
                    json_object_get(doc, "responses"), "response_rate_pct",
                    json_object_get(doc, "response_rate_pct"), "suppressed",
                    json_object_get(doc, "suppressed"), "dimension", json_object_get(d, "name"),
                    "answers", json_object_get(d, "answers"), "mean", json_object_get(d, "mean"));
                for (int k = 0; k < 5; k++) {
                        char key[3] = {'n', (char)('1' + k), 0};
                        json_object_set(r, key,
                                        json_array_get(json_object_get(d, "distribution"), k));
                }
                json_array_append_new(rows, r);
        }
        return table_print_rows(cli, rows, keys, NK(keys), NULL);
}

static const char *const JP_KEYS[] = {"nip",         "name",           "unit",
                                      "klasikal_jp", "nonklasikal_jp", "total_jp",
                                      "compliant",   "shortfall_jp",   "pending_jp"};

static void jp_text(struct cli *cli, json_t *doc)
{
        static const char *const ukeys[] = {"unit",      "name",  "asn",
                                            "compliant", "below", "share_compliant_pct"};
        static const char *const uheads[] = {
            N_("UNIT"),  N_("NAME"),    N_("ASN"), N_("REACHED 20 JP"),
            N_("BELOW"), N_("SHARE %"), NULL};
        static const char *const heads[] = {N_("NIP"), N_("NAME"), N_("UNIT"), N_("KLASIKAL"),
                                            N_("NONKLASIKAL"), N_("TOTAL"), N_("REACHED"),
                                            N_("SHORT BY"),
                                            /* TRANSLATORS: JP of records from outside the
                                             * plan not yet verified (never counted). */
                                            N_("PENDING"), NULL};
        json_t *t = json_object_get(doc, "total");
        char a[32], b[32], c[32];

        printf(
            ngettext(
                "JP in %lld against the %lld JP minimum (mentoring counts 1 JP per %lld minute)\n",
                "JP in %lld against the %lld JP minimum (mentoring counts 1 JP per %lld minutes)\n",
                (unsigned long)json_integer_value(json_object_get(doc, "jp_minutes"))),
            (long long)json_integer_value(json_object_get(doc, "year")),
            (long long)json_integer_value(json_object_get(doc, "minimum_jp")),
            (long long)json_integer_value(json_object_get(doc, "jp_minutes")));
        printf(_("%s ASN, %s reached the minimum (%s%%)\n\n"), num(json_object_get(t, "asn"), a),
               num(json_object_get(t, "compliant"), b),
               num(json_object_get(t, "share_compliant_pct"), c));
        print_pick(cli, json_object_get(doc, "units"), ukeys, NK(ukeys), uheads);
        putchar('\n');
        print_pick(cli, json_object_get(doc, "asn"), JP_KEYS, NK(JP_KEYS), heads);
}

static int jp_csv(struct cli *cli, json_t *doc)
{
        return print_pick(cli, json_object_get(doc, "asn"), JP_KEYS, NK(JP_KEYS), NULL);
}

static const char *const PLAN_KEYS[] = {
    "code", "title", "method",   "competency", "start_date", "end_date",    "held",
    "jp",   "seats", "enrolled", "attended",   "completed",  "jp_delivered"};

static void plan_text(struct cli *cli, json_t *doc)
{
        static const char *const gkeys[] = {"method",   "planned",   "held",        "seats",
                                            "enrolled", "completed", "jp_delivered"};
        static const char *const ckeys[] = {"competency", "planned",   "held",        "seats",
                                            "enrolled",   "completed", "jp_delivered"};
        static const char *const gheads[] = {
            N_("METHOD"),   N_("PLANNED"),   N_("HELD"),         N_("SEATS"),
            N_("ENROLLED"), N_("COMPLETED"), N_("JP DELIVERED"), NULL};
        static const char *const cheads[] = {
            N_("COMPETENCY"), N_("PLANNED"),   N_("HELD"),         N_("SEATS"),
            N_("ENROLLED"),   N_("COMPLETED"), N_("JP DELIVERED"), NULL};
        static const char *const heads[] = {N_("CODE"),         N_("TITLE"),
                                            N_("METHOD"),       N_("COMPETENCY"),
                                            N_("START"),        N_("END"),
                                            N_("HELD"),         N_("JP"),
                                            N_("SEATS"),        N_("ENROLLED"),
                                            N_("ATTENDED"),     N_("COMPLETED"),
                                            N_("JP DELIVERED"), NULL};
        json_t *p = json_object_get(doc, "plan"), *t = json_object_get(doc, "total");
        char a[32], b[32], c[32], d[32], f[32], g[32];

        printf(_("Plan %lld: %s (%s), as of %s\n"),
               (long long)json_integer_value(json_object_get(p, "year")), report_str(p, "title"),
               table_word(report_str(p, "status")), report_str(doc, "today"));
        printf(ngettext("Programs held %s of %s planned; seats %s, enrolled %s, completed %s; JP "
                        "delivered %s\n\n",
                        "Programs held %s of %s planned; seats %s, enrolled %s, completed %s; JP "
                        "delivered %s\n\n",
                        count_of(json_object_get(t, "planned"))),
               num(json_object_get(t, "held"), a), num(json_object_get(t, "planned"), b),
               num(json_object_get(t, "seats"), c), num(json_object_get(t, "enrolled"), d),
               num(json_object_get(t, "completed"), f), num(json_object_get(t, "jp_delivered"), g));
        print_pick(cli, json_object_get(doc, "by_method"), gkeys, NK(gkeys), gheads);
        putchar('\n');
        print_pick(cli, json_object_get(doc, "by_competency"), ckeys, NK(ckeys), cheads);
        putchar('\n');
        print_pick(cli, json_object_get(doc, "programs"), PLAN_KEYS, NK(PLAN_KEYS), heads);
}

static int plan_csv(struct cli *cli, json_t *doc)
{
        return print_pick(cli, json_object_get(doc, "programs"), PLAN_KEYS, NK(PLAN_KEYS), NULL);
}

/* Needs as flat rows, the covering programs joined by spaces. */
static json_t *needs_rows(json_t *arr)
{
        static const char *const keys[] = {"unit", "competency", "priority", "covered", "reason"};
        json_t *rows = pick(arr, keys, NK(keys)), *n, *c;
        size_t i, k;

        json_array_foreach(arr, i, n)
        {
                char by[512] = "";
                size_t off = 0;
                json_array_foreach(json_object_get(n, "covered_by"), k, c) if (off < sizeof(by))
                    off += (size_t)snprintf(by + off, sizeof(by) - off, "%s%s", k ? " " : "",
                                            json_string_value(c));
                json_object_set_new(json_array_get(rows, i), "covered_by", json_string(by));
        }
        return rows;
}

static const char *const NEED_KEYS[] = {"unit",    "competency", "priority",
                                        "covered", "covered_by", "reason"};

static void needs_text(struct cli *cli, json_t *doc)
{
        static const char *const heads[] = {N_("UNIT"),    N_("COMPETENCY"), N_("PRIORITY"),
                                            N_("COVERED"), N_("COVERED BY"), N_("REASON"),
                                            NULL};
        json_t *t = json_object_get(doc, "total");
        char a[32], b[32], c[32];

        printf(_("Training needs of %lld: %s, covered by a program %s (%s%%)\n\n"),
               (long long)json_integer_value(json_object_get(doc, "year")),
               num(json_object_get(t, "needs"), a), num(json_object_get(t, "covered"), b),
               num(json_object_get(t, "covered_pct"), c));
        table_print_rows(cli, needs_rows(json_object_get(doc, "needs")), NEED_KEYS, NK(NEED_KEYS),
                         heads);
        if (json_array_size(json_object_get(doc, "uncovered")) > 0) {
                printf(_("\nNeeds no program covers:\n"));
                table_print_rows(cli, needs_rows(json_object_get(doc, "uncovered")), NEED_KEYS, 3,
                                 heads);
        }
}

static int needs_csv(struct cli *cli, json_t *doc)
{
        return table_print_rows(cli, needs_rows(json_object_get(doc, "needs")), NEED_KEYS,
                                NK(NEED_KEYS), NULL);
}

/* Competency levels as flat rows: unit x competency x period, with the
 * competency's comparison over the same people. */
static json_t *competency_rows(json_t *doc)
{
        static const char *const ck[] = {"from",       "to",          "compared",
                                         "first_mean", "latest_mean", "change",
                                         "improved",   "declined",    "weak"};
        json_t *rows = json_array(), *u, *c, *p, *r;
        size_t i, j, k;

        json_array_foreach(json_object_get(doc, "units"), i, u)
            json_array_foreach(json_object_get(u, "competencies"), j, c)
                json_array_foreach(json_object_get(c, "periods"), k, p)
        {
                r = json_pack("{s:O, s:O, s:O, s:O, s:O}", "unit", json_object_get(u, "unit"),
                              "competency", json_object_get(c, "competency"), "period",
                              json_object_get(p, "period"), "assessed",
                              json_object_get(p, "assessed"), "mean", json_object_get(p, "mean"));
                for (size_t n = 0; n < NK(ck); n++)
                        json_object_set(r, ck[n], json_object_get(c, ck[n]));
                json_array_append_new(rows, r);
        }
        return rows;
}

static const char *const COMP_KEYS[] = {
    "unit",     "competency", "period",      "assessed", "mean",     "from",     "to",
    "compared", "first_mean", "latest_mean", "change",   "improved", "declined", "weak"};

/* The comparison of each competency as rows, a decline marked in "trend". */
static json_t *competency_trends(json_t *doc)
{
        json_t *rows = json_array(), *u, *c;
        size_t i, j;

        json_array_foreach(json_object_get(doc, "units"), i, u)
            json_array_foreach(json_object_get(u, "competencies"), j, c)
        {
                const char *t = json_is_true(json_object_get(c, "declined"))   ? _("DECLINED (!)")
                                : json_is_true(json_object_get(c, "improved")) ? _("improved")
                                : json_integer_value(json_object_get(c, "compared")) > 0
                                    ? _("no change")
                                    : "-";
                json_array_append_new(
                    rows, json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:s}",
                                    "unit", json_object_get(u, "unit"), "competency",
                                    json_object_get(c, "competency"), "from",
                                    json_object_get(c, "from"), "to", json_object_get(c, "to"),
                                    "compared", json_object_get(c, "compared"), "first_mean",
                                    json_object_get(c, "first_mean"), "latest_mean",
                                    json_object_get(c, "latest_mean"), "change",
                                    json_object_get(c, "change"), "people_improved",
                                    json_object_get(c, "people_improved"), "people_declined",
                                    json_object_get(c, "people_declined"), "trend", t));
        }
        return rows;
}

/* A unit's line: the competencies listed under key k of u. */
static void competency_list(json_t *u, const char *k)
{
        json_t *c;
        size_t i;

        json_array_foreach(json_object_get(u, k), i, c) printf(" %s", json_string_value(c));
}

static void competency_text(struct cli *cli, json_t *doc)
{
        static const char *const heads[] = {N_("UNIT"),     N_("COMPETENCY"), N_("PERIOD"),
                                            N_("ASSESSED"), N_("MEAN"),       NULL};
        static const char *const tkeys[] = {"unit",
                                            "competency",
                                            "from",
                                            "to",
                                            "compared",
                                            "first_mean",
                                            "latest_mean",
                                            "change",
                                            "people_improved",
                                            "people_declined",
                                            "trend"};
        static const char *const theads[] = {
            N_("UNIT"),   N_("COMPETENCY"), N_("FROM"), N_("TO"),   N_("SAME PEOPLE"), N_("FIRST"),
            N_("LATEST"), N_("CHANGE"),     N_("UP"),   N_("DOWN"), N_("TREND"),       NULL};
        json_t *u;
        size_t i;

        printf(_("Competency levels (1-5, current assessments); weak: latest mean below 3\n\n"));
        table_print_rows(cli, competency_rows(doc), COMP_KEYS, 5, heads);
        printf(_("\nFirst against latest period, over the people assessed in both:\n"));
        table_print_rows(cli, competency_trends(doc), tkeys, NK(tkeys), theads);
        json_array_foreach(json_object_get(doc, "units"), i, u)
        {
                printf(_("\n%s %s: improved:"), report_str(u, "unit"), report_str(u, "name"));
                competency_list(u, "improved");
                printf(_("; declined:"));
                competency_list(u, "declined");
                printf(_("; still weak:"));
                competency_list(u, "weak");
                putchar('\n');
        }
}

static int competency_csv(struct cli *cli, json_t *doc)
{
        return table_print_rows(cli, competency_rows(doc), COMP_KEYS, NK(COMP_KEYS), NULL);
}

static const char *const MENTOR_KEYS[] = {
    "pair",     "unit",    "mentor", "mentor_name",  "mentee",          "mentee_name", "topic",
    "sessions", "minutes", "hours",  "last_session", "days_since_last", "stale"};

static void mentoring_text(struct cli *cli, json_t *doc)
{
        static const char *const heads[] = {N_("PAIR"),    N_("UNIT"),
                                            N_("MENTOR"),  N_("MENTOR NAME"),
                                            N_("MENTEE"),  N_("MENTEE NAME"),
                                            N_("TOPIC"),   N_("SESSIONS"),
                                            N_("MINUTES"), N_("HOURS"),
                                            N_("LAST"),    N_("DAYS SINCE"),
                                            N_("QUIET"),   NULL};
        json_t *t = json_object_get(doc, "total");
        char a[32], b[32], c[32], d[32];

        printf(
            ngettext(
                "Mentoring in %lld (as of %s): active pairs %s, sessions %s, hours %s; pairs with "
                "no session in the last %lld day: %s\n\n",
                "Mentoring in %lld (as of %s): active pairs %s, sessions %s, hours %s; pairs with "
                "no session in the last %lld days: %s\n\n",
                (unsigned long)json_integer_value(json_object_get(doc, "stale_days"))),
            (long long)json_integer_value(json_object_get(doc, "year")), report_str(doc, "today"),
            num(json_object_get(t, "pairs"), a), num(json_object_get(t, "sessions"), b),
            num(json_object_get(t, "hours"), c),
            (long long)json_integer_value(json_object_get(doc, "stale_days")),
            num(json_object_get(t, "stale_pairs"), d));
        print_pick(cli, json_object_get(doc, "pairs"), MENTOR_KEYS, NK(MENTOR_KEYS), heads);
}

static int mentoring_csv(struct cli *cli, json_t *doc)
{
        return print_pick(cli, json_object_get(doc, "pairs"), MENTOR_KEYS, NK(MENTOR_KEYS), NULL);
}

/* IKM elements as flat rows: unit x element. */
static json_t *ikm_rows(json_t *doc)
{
        json_t *rows = json_array(), *u, *el;
        size_t i, k;

        json_array_foreach(json_object_get(doc, "units"), i, u)
            json_array_foreach(json_object_get(u, "elements"), k, el) json_array_append_new(
                rows,
                json_pack("{s:O, s:O?, s:O?, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "unit",
                          json_object_get(u, "unit"), "sample_min",
                          json_object_get(u, "sample_min"), "sample_ok",
                          json_object_get(u, "sample_ok"), "respondents",
                          json_object_get(u, "respondents"), "ikm", json_object_get(u, "ikm"),
                          "grade", json_object_get(u, "grade"), "label",
                          json_object_get(u, "label"), "element", json_object_get(el, "element"),
                          "name", json_object_get(el, "name"), "nrr", json_object_get(el, "nrr"),
                          "weighted_nrr", json_object_get(el, "weighted_nrr")));
        return rows;
}

/* The sample's verdict of a result: whether its responses reach the minimum
 * of the population served, or that no population is set. */
static void ikm_sample(json_t *u)
{
        json_t *ok = json_object_get(u, "sample_ok");
        char a[32], b[32], c[32];

        num(json_object_get(u, "respondents"), a);
        num(json_object_get(u, "sample_min"), b);
        num(json_object_get(u, "population"), c);
        if (json_is_null(ok) || ok == NULL)
                printf(_("  population not set: sample unknown, the grade is provisional\n"));
        else if (json_is_false(ok))
                printf(_("  sample too small (%s of %s; population %s): the grade is "
                         "provisional\n"),
                       a, b, c);
        else
                printf(_("  sample sufficient (%s of %s; population %s)\n"), a, b, c);
}

/* A grade's label as text, marked when the grade is provisional. */
static const char *ikm_label(json_t *u, char buf[64])
{
        if (json_is_true(json_object_get(u, "provisional")))
                snprintf(buf, 64, _("%s; provisional"), report_str(u, "label"));
        else
                snprintf(buf, 64, "%s", report_str(u, "label"));
        return buf;
}

/* The per-service table: each service's respondents, IKM and grade. */
static void ikm_services(struct cli *cli, json_t *doc)
{
        static const char *const keys[] = {"unit", "service", "respondents",
                                           "ikm",  "grade",   "label_text"};
        static const char *const heads[] = {N_("UNIT"), N_("SERVICE"), N_("RESPONDENTS"),
                                            N_("IKM"),  N_("GRADE"),   N_("LABEL"),
                                            NULL};
        json_t *rows = json_deep_copy(json_object_get(doc, "services")), *s;
        char g[64];
        size_t i;

        if (json_array_size(rows) == 0) {
                json_decref(rows);
                return;
        }
        json_array_foreach(rows, i, s)
            json_object_set_new(s, "label_text", json_string(ikm_label(s, g)));
        printf(_("\nPer service:\n"));
        print_pick(cli, rows, keys, NK(keys), heads);
        json_decref(rows);
}

static void ikm_text(struct cli *cli, json_t *doc)
{
        static const char *const keys[] = {"element", "name", "sum", "nrr", "weighted_nrr"};
        static const char *const heads[] = {N_("ELEMENT"), N_("NAME"),      N_("SUM"),
                                            N_("NRR"),     N_("NRR x 1/9"), NULL};
        json_t *u, *w;
        size_t i, k;
        char a[32], b[32], g[64];

        printf(_("IKM (community satisfaction index) for %s\n"), report_str(doc, "period"));
        if (json_is_string(json_object_get(doc, "service")))
                printf(_("Service: %s\n"), report_str(doc, "service"));
        if (json_array_size(json_object_get(doc, "units")) == 0)
                printf(_("(no survey responses)\n"));
        json_array_foreach(json_object_get(doc, "units"), i, u)
        {
                printf(ngettext("\n%s %s: %s respondent, IKM %s, grade %s (%s); weakest:",
                                "\n%s %s: %s respondents, IKM %s, grade %s (%s); weakest:",
                                count_of(json_object_get(u, "respondents"))),
                       report_str(u, "unit"), report_str(u, "name"),
                       num(json_object_get(u, "respondents"), a), num(json_object_get(u, "ikm"), b),
                       report_str(u, "grade"), ikm_label(u, g));
                json_array_foreach(json_object_get(u, "weakest"), k, w)
                    printf(" %s", json_string_value(w));
                printf("\n");
                ikm_sample(u);
                print_pick(cli, json_object_get(u, "elements"), keys, NK(keys), heads);
        }
        ikm_services(cli, doc);
        if (json_is_object(json_object_get(doc, "all"))) {
                u = json_object_get(doc, "all");
                printf(ngettext("\nAll units: %s respondent, IKM %s, grade %s (%s)\n",
                                "\nAll units: %s respondents, IKM %s, grade %s (%s)\n",
                                count_of(json_object_get(u, "respondents"))),
                       num(json_object_get(u, "respondents"), a), num(json_object_get(u, "ikm"), b),
                       report_str(u, "grade"), ikm_label(u, g));
                ikm_sample(u);
        }
        printf(_("\nNote: %s\n"), report_str(doc, "note"));
}

static int ikm_csv(struct cli *cli, json_t *doc)
{
        static const char *const keys[] = {"unit", "respondents", "sample_min",  "sample_ok",
                                           "ikm",  "grade",       "label",       "element",
                                           "name", "nrr",         "weighted_nrr"};
        return table_print_rows(cli, ikm_rows(doc), keys, NK(keys), NULL);
}

static const struct opt report_opts[] = {
    {"year", NULL, OPT_VALUE, 0, N_("the year (jp, plan, needs, mentoring, html)"), NULL, NULL},
    {"unit", NULL, OPT_VALUE, 0, N_("only this unit (its code)"), NULL, NULL},
    {"period", NULL, OPT_VALUE, 0,
     N_("the survey period (ikm): 2027-Q1, or 2027-S1 or 2027 to roll up its quarters"), NULL,
     NULL},
    {"out", NULL, OPT_VALUE, 0, N_("the file html writes"), NULL, NULL},
    {"today", NULL, OPT_VALUE, 0, N_("the day to report as of (YYYY-MM-DD)"), NULL, NULL},
    {"service", NULL, OPT_VALUE, 0, N_("only this service (ikm)"), NULL, NULL},
    OPT_END,
};

/* Parses the options after KIND into o, whose strings live in args. */
static int parse(int argc, char **argv, json_t *args, struct ropts *o, int *rest)
{
        int rc = opts_parse("report", report_opts, argc, argv, args, rest);

        o->year = opts_value(args, &report_opts[0]);
        o->unit = opts_value(args, &report_opts[1]);
        o->period = opts_value(args, &report_opts[2]);
        o->out = opts_value(args, &report_opts[3]);
        o->today = opts_value(args, &report_opts[4]);
        o->service = opts_value(args, &report_opts[5]);
        return rc;
}

/* Runs one report kind: fetch (or the saved copy), then print. */
static int run_kind(struct cli *cli, const struct report_kind *k, const struct ropts *o,
                    const char *program)
{
        const char *args[] = {"program", program,   "year",  o->year,  "unit",    o->unit,
                              "period",  o->period, "today", o->today, "service", o->service};
        struct report_doc r;
        struct rb_err e;
        char when[32];
        int rc = EXIT_OK;

        err_clear(&e);
        if (report_get(cli, k->query, args, NK(args) / 2, &r, &e) != 0)
                return cli_fail(&e);
        if (r.cached) {
                report_time(r.generated_at, when);
                fprintf(cli->json || cli->csv ? stderr : stdout,
                        _("offline: the saved report as of %s\n"), when);
        }
        if (cli->json)
                return out_json(r.doc);
        if (cli->csv)
                rc = k->csv(cli, r.doc) == 0 ? EXIT_OK : EXIT_FAIL;
        else
                k->text(cli, r.doc);
        json_decref(r.doc);
        return rc;
}

/* report html --year Y --out FILE */
static int run_html(struct cli *cli, const struct ropts *o)
{
        struct rb_err e;
        long y;

        err_clear(&e);
        if (o->year == NULL || o->out == NULL)
                return opt_missing("report html", o->year == NULL ? "--year" : "--out");
        if (year_check(o->year, "year", &y, &e) != 0 ||
            report_html_write(cli, y, o->today, o->out, &e) != 0)
                return cli_fail(&e);
        out_say(cli, _("wrote %s\n"), o->out);
        return EXIT_OK;
}

/* Runs the report named name with options o and nops operands ops. */
static int report_run(struct cli *cli, const char *name, const struct ropts *o, int nops,
                      char **ops)
{
        const char *program = NULL;
        struct rb_err e;

        err_clear(&e);
        if ((o->year && year_check(o->year, "year", &(long){0}, &e)) ||
            (o->today && date_check(o->today, "today", &e)) ||
            (o->period && period_check(o->period, "period", &e)))
                return cli_fail(&e);
        if (strcmp(name, "html") == 0)
                return nops == 0 ? run_html(cli, o)
                                 : opt_fail(EXIT_USAGE, _("report html takes options only"));
        for (size_t i = 0; i < NK(kinds); i++) {
                const struct report_kind *k = &kinds[i];
                if (strcmp(name, k->name) != 0)
                        continue;
                if (strchr(k->needs, 'P')) {
                        if (nops != 1)
                                return opt_fail(EXIT_USAGE, _("usage: renbin report program "
                                                              "PROGRAM [--unit U]"));
                        program = cli_code(ops[0]);
                } else if (nops != 0) {
                        return opt_word("report", ops[0]);
                }
                if (strchr(k->needs, 'y') && o->year == NULL)
                        return opt_missing("report", "--year");
                if (strchr(k->needs, 'p') && o->period == NULL)
                        return opt_missing("report ikm", "--period");
                return run_kind(cli, k, o, program);
        }
        return opt_fail(EXIT_USAGE, _("report: unknown report '%s' (see renbin report --help)"),
                        name);
}

static int report_exec(struct cli *cli, int argc, char **argv)
{
        json_t *args;
        struct ropts o;
        int rest, rc;

        if (argc < 2)
                return opt_fail(EXIT_USAGE,
                                _("report: say which report (see renbin report --help)"));
        args = json_object();
        if ((rc = parse(argc - 1, argv + 1, args, &o, &rest)) == 0)
                rc = report_run(cli, argv[1], &o, argc - 1 - rest, argv + 1 + rest);
        json_decref(args);
        return rc;
}

const struct cmd cmd_report = {
    .name = "report",
    .usage = "report program PROGRAM [--unit U] | report jp --year Y [--unit U]\n"
             "     | report plan --year Y [--today DATE] | report needs --year Y\n"
             "     | report competency [--unit U] | report gaps [--unit U]\n"
             "     | report mentoring --year Y [--today DATE]\n"
             "     | report ikm --period P [--unit U] [--service S] | report html --year Y --out "
             "FILE [--today DATE]",
    .summary = N_("reports: evaluation, JP, plan, needs, competency, gaps, mentoring, IKM, a page"),
    .help = N_("Reports are computed by the server for what your certificate may see (an\n"
               "office: its own unit). A table on the terminal, or --json, or --csv.\n"
               "Each report is saved; offline, the saved copy is shown with its time.\n"
               "Questionnaire results are never shown for fewer than 3 answers.\n"
               "IKM = sum of the nine NRR x 1/9 x 25 (1/9 exactly; the regulation prints\n"
               "0.111). html writes one self-contained page for printing or a phone.\n"),
    .exec = report_exec,
    .opts = report_opts,
};
