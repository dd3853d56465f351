/*
 * need_suggest.c - `renbin need suggest [--unit U] [--year Y]`: training
 * needs proposed from the competency gaps (the server's report.gaps, or its
 * saved copy offline), one per unit and competency with people under their
 * position's standard, with the priority the report gives the gap and a
 * reason naming it. Nothing is written: each is printed as the `renbin need
 * add` line that accepts it, so the output runs as it is (`sh`); a need the
 * unit already has for the year is printed as a comment.
 */
#include "db.h"
#include "i18n.h"
#include "need_suggest.h"
#include "out.h"
#include "replica.h"
#include "report.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

const struct opt need_suggest_opts[] = {
    {"unit", NULL, OPT_CODE, 0, N_("only this unit (its code)"), NULL, NULL},
    {"year", NULL, OPT_VALUE, 0, N_("the plan year (default: the newest plan, else next year)"),
     NULL, NULL},
    OPT_END,
};

/* Prints s as one shell word: as it is when it needs no quotes, else in
 * single quotes (a quote inside as '\''). */
static void shell_word(const char *s)
{
        if (s[0] != '\0' && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                      "0123456789-_./,:+=@%") == strlen(s)) {
                fputs(s, stdout);
                return;
        }
        putchar('\'');
        for (; *s != '\0'; s++)
                if (*s == '\'')
                        fputs("'\\''", stdout);
                else
                        putchar(*s);
        putchar('\'');
}

/* Whether unit already has a need for the competency in year: 1, 0, or -1 with e. */
static int need_exists(struct cli *cli, const char *unit, const char *year, const char *comp,
                       struct rb_err *e)
{
        static const char sql[] = "SELECT count(*) FROM needs WHERE unit = ?1 AND year = ?2"
                                  " AND competency = ?3";
        sqlite3_stmt *st = db_stmt(cli->db, sql, e);
        int rc;

        if (st == NULL)
                return -1;
        db_bind_text(st, 1, unit);
        db_bind_text(st, 2, year);
        db_bind_text(st, 3, comp);
        if ((rc = db_step(cli->db, st, e)) > 0)
                rc = sqlite3_column_int64(st, 0) > 0;
        sqlite3_reset(st);
        return rc;
}

/* The suggestion of one competency c of unit u, for year. */
static json_t *suggestion(json_t *u, json_t *c, const char *year)
{
        long long n = json_integer_value(json_object_get(c, "people"));
        char reason[300];

        snprintf(reason, sizeof(reason),
                 ngettext("gap to the position standard: %lld person below, mean gap %.2f "
                          "levels (%lld in all)",
                          "gap to the position standard: %lld people below, mean gap %.2f "
                          "levels (%lld in all)",
                          (unsigned long)n),
                 n, json_number_value(json_object_get(c, "gap_mean")),
                 (long long)json_integer_value(json_object_get(c, "gap_sum")));
        return json_pack("{s:s, s:s, s:s, s:s, s:s}", "unit", report_str(u, "unit"), "year", year,
                         "competency", report_str(c, "competency"), "priority",
                         report_str(c, "priority"), "reason", reason);
}

/* Prints one suggestion as the need add line that accepts it. */
static void print_line(json_t *s, int exists)
{
        static const char *const opts[] = {"unit", "year", "competency", "priority", "reason"};

        if (exists)
                printf(_("# %s already has a %s need for %s:\n# "), report_str(s, "unit"),
                       report_str(s, "year"), report_str(s, "competency"));
        fputs("renbin need add", stdout);
        for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
                printf(" --%s ", opts[i]);
                shell_word(report_str(s, opts[i]));
        }
        putchar('\n');
}

/* Collects (and without --json prints) the suggestions of doc into out. */
static int suggest_all(struct cli *cli, json_t *doc, const char *year, json_t *out,
                       struct rb_err *e)
{
        json_t *u, *c, *s;
        size_t i, j;
        int ex;

        json_array_foreach(json_object_get(doc, "units"), i, u)
            json_array_foreach(json_object_get(u, "competencies"), j, c)
        {
                s = suggestion(u, c, year);
                if ((ex = need_exists(cli, report_str(s, "unit"), year, report_str(s, "competency"),
                                      e)) < 0) {
                        json_decref(s);
                        return -1;
                }
                json_object_set_new(s, "exists", json_boolean(ex));
                if (!cli->json)
                        print_line(s, ex);
                json_array_append_new(out, s);
        }
        if (!cli->json && json_array_size(out) == 0)
                printf(_("# no one is under their position's standard: nothing to suggest\n"));
        return 0;
}

/* Fetches the gaps and suggests; the year given or the newest plan's. */
static int suggest_run(struct cli *cli, const char *unit, const char *year)
{
        const char *args[] = {"unit", unit};
        struct report_doc r = {0};
        char y[24], when[32];
        struct rb_err e;
        json_t *out;

        err_clear(&e);
        if ((year != NULL && year_check(year, "year", &(long){0}, &e) != 0) ||
            cli_db(cli, &e) == NULL || (year == NULL && replica_plan_year(cli->db, y, &e) != 0) ||
            report_get(cli, "report.gaps", args, 1, &r, &e) != 0)
                return cli_fail(&e);
        if (r.cached) {
                report_time(r.generated_at, when);
                fprintf(stderr, _("offline: the saved gaps report as of %s\n"), when);
        }
        out = json_array();
        if (suggest_all(cli, r.doc, year != NULL ? year : y, out, &e) != 0) {
                json_decref(out);
                json_decref(r.doc);
                return cli_fail(&e);
        }
        json_decref(r.doc);
        if (cli->json)
                return out_json(out);
        json_decref(out);
        return EXIT_OK;
}

int need_suggest(struct cli *cli, int argc, char **argv)
{
        json_t *o = json_object();
        int rest, rc;

        if ((rc = opts_parse("need suggest", need_suggest_opts, argc, argv, o, &rest)) == 0) {
                if (rest != argc)
                        rc = opt_fail(EXIT_USAGE, _("unexpected argument '%s' (see --help)"),
                                      argv[rest]);
                else
                        rc = suggest_run(cli, opts_value(o, &need_suggest_opts[0]),
                                         opts_value(o, &need_suggest_opts[1]));
        }
        json_decref(o);
        return rc;
}
