/*
 * cmd_followup.c - `renbin followup`: Kirkpatrick level 3, the follow-up on
 * the job. From FOLLOWUP_DAYS (common/entity.h) after a program's end, each
 * completed (selesai) enrollment is due for its supervisor's rating of how
 * the person applies the program at work: `followup due` lists them from
 * the replica (an office holds its own unit's, HR every unit's), `followup
 * add` records one, once per enrollment; the server refuses it before the
 * day it opens (server/e_followup.c). The figures are in `renbin report
 * program` beside levels 1 and 2.
 */
#include "clock.h"
#include "cmds.h"
#include "db.h"
#include "entity.h"
#include "i18n.h"
#include "opts.h"
#include "table.h"
#include "validate.h"
#include "verbs.h"
#include "write.h"

#include <stdio.h>

static const struct opt followup_add_opts[] = {
    {"PROGRAM", "program", OPT_ARG_CODE, 1, NULL, NULL, NULL},
    {"NIP", "nip", OPT_ARG_NIP, 1, NULL, NULL, NULL},
    OPT_ENTITY_FIELDS("followup", "add"),
    OPT_END,
};

/* followup add PROGRAM NIP --rating 1-5 [--note TEXT] */
static int followup_add(struct cli *cli, int argc, char **argv)
{
        char label[160];
        json_t *f;
        int rc;

        if ((rc = write_parse(cli, "followup add", "followup", "add", followup_add_opts, argc, argv,
                              &f, NULL)) != 0)
                return rc;
        snprintf(label, sizeof(label), _("follow-up of %s in %s"), write_get(f, "nip"),
                 write_get(f, "program"));
        return write_submit(cli, "followup", "add", f, label);
}

static const struct opt followup_due_opts[] = {
    {"on", NULL, OPT_VALUE, 0, N_("as of this day, YYYY-MM-DD (default: today)"), NULL, NULL},
    {"unit", NULL, OPT_CODE, 0, N_("only this unit (HR)"), NULL, NULL},
    OPT_END,
};

/* The completed enrollments without a follow-up whose program ended at
 * least ?2 days before ?1, of unit ?3 (NULL: every unit in the replica). */
static const char SQL_DUE[] =
    "SELECT e.program, p.title, e.nip, ifnull(a.name, '') AS name, e.unit,"
    " coalesce(p.end_date, p.start_date) AS end_date,"
    " CAST(julianday(?1) - julianday(coalesce(p.end_date, p.start_date)) AS INTEGER)"
    " AS days_since_end"
    " FROM enrollments e JOIN programs p ON p.code = e.program LEFT JOIN asn a ON a.nip = e.nip"
    " WHERE e.status = 'selesai' AND (?3 IS NULL OR e.unit = ?3)"
    " AND julianday(?1) - julianday(coalesce(p.end_date, p.start_date)) >= ?2"
    " AND NOT EXISTS (SELECT 1 FROM followups f WHERE f.enrollment = e.id)"
    " ORDER BY days_since_end DESC, e.program, name, e.nip";

/* followup due [--on DATE] [--unit U] */
static int followup_due(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {N_("PROGRAM"), N_("TITLE"), N_("NIP"),  N_("NAME"),
                                              N_("UNIT"),    N_("ENDED"), N_("DAYS"), NULL};
        json_t *args = json_object();
        char today[16];
        const char *on;
        struct rb_err e;
        sqlite3_stmt *st;
        int rest, rc;

        if ((rc = opts_parse("followup due", followup_due_opts, argc, argv, args, &rest)) != 0)
                goto out;
        if (rest != argc) {
                rc = opts_extra("followup due", argc, argv, rest);
                goto out;
        }
        if ((on = opts_value(args, &followup_due_opts[0])) == NULL)
                on = clock_today(today, sizeof(today));
        rc = EXIT_OK;
        if (date_check(on, "on", &e) != 0 || cli_db(cli, &e) == NULL ||
            (st = db_stmt(cli->db, SQL_DUE, &e)) == NULL) {
                rc = cli_fail(&e);
                goto out;
        }
        sqlite3_bind_text(st, 1, on, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 2, FOLLOWUP_DAYS);
        db_bind_text(st, 3, opts_value(args, &followup_due_opts[1]));
        if (table_print(cli, st, headers, &e) != 0)
                rc = cli_fail(&e);
out:
        json_decref(args);
        return rc;
}

static const struct verb followup_verbs[] = {
    {"due", followup_due, followup_due_opts},
    {"add", followup_add, followup_add_opts},
    {NULL, NULL, NULL},
};

const struct cmd cmd_followup = {
    .name = "followup",
    .usage = "followup due [--on YYYY-MM-DD] [--unit U]\n"
             "       | followup add PROGRAM NIP --rating 1-5 [--note TEXT]",
    .summary = N_("follow-up on the job (evaluation level 3): who is due, record a rating"),
    .help = N_("From 60 days after a program's end, each person who completed it (selesai)\n"
               "is due for a follow-up: the supervisor rates how the program is applied on\n"
               "the job, 1-5, once per enrollment. DAYS counts the days since the end.\n"
               "The figures are in renbin report program, beside levels 1 and 2.\n"),
    .exec = followup_due,
    .verbs = followup_verbs,
};
