/*
 * cmd_need.c - `renbin need`: a unit's training needs (competency x
 * priority), which the plan is tailored to: added, its priority changed,
 * withdrawn with a reason (kept, hidden from the list unless --all, left out
 * of reports). The need's fields are the catalogue's (common/entity.c); the
 * year defaults to the newest plan's.
 */
#include "cmds.h"
#include "i18n.h"
#include "need_suggest.h"
#include "replica.h"
#include "verbs.h"
#include "write.h"

#include <stdio.h>
#include <string.h>

static const struct opt need_add_opts[] = {
    {"unit", NULL, OPT_CODE, 0, NULL, NULL, NULL},
    {"year", NULL, OPT_VALUE, 0, NULL, NULL, NULL},
    OPT_ENTITY_FIELDS("need", "add"),
    OPT_END,
};

static const struct opt need_update_opts[] = {
    {"unit", NULL, OPT_CODE, 0, NULL, NULL, NULL},
    {"year", NULL, OPT_VALUE, 0, NULL, NULL, NULL},
    OPT_ENTITY_FIELDS("need", "update"),
    OPT_END,
};

static const struct opt need_withdraw_opts[] = {
    {"unit", NULL, OPT_CODE, 0, NULL, NULL, NULL},
    {"year", NULL, OPT_VALUE, 0, NULL, NULL, NULL},
    OPT_ENTITY_FIELDS("need", "withdraw"),
    OPT_END,
};

/* need add|update|withdraw: the need named by unit, year (default: the
 * newest plan's) and competency, as one op of action. */
static int need_write(struct cli *cli, int argc, char **argv, const char *action,
                      const struct opt *opts)
{
        char cmd[32], year[24], label[160];
        struct rb_err e;
        json_t *f;
        int rc;

        snprintf(cmd, sizeof(cmd), "need %s", argv[0]);
        if ((rc = write_parse(cli, cmd, "need", action, opts, argc, argv, &f, NULL)) != 0)
                return rc;
        if (write_get(f, "year")[0] == '\0') {
                if (cli_db(cli, &e) == NULL || replica_plan_year(cli->db, year, &e) != 0) {
                        json_decref(f);
                        return cli_fail(&e);
                }
                json_object_set_new(f, "year", json_string(year));
        }
        if (strcmp(action, "update") == 0)
                snprintf(label, sizeof(label), _("update the %s need of %s for %s"),
                         write_get(f, "year"), write_get(f, "unit"), write_get(f, "competency"));
        else if (strcmp(action, "withdraw") == 0)
                snprintf(label, sizeof(label), _("withdraw the %s need of %s for %s"),
                         write_get(f, "year"), write_get(f, "unit"), write_get(f, "competency"));
        else
                snprintf(label, sizeof(label), _("%s need of %s for %s"), write_get(f, "year"),
                         write_get(f, "unit"), write_get(f, "competency"));
        return write_submit(cli, "need", action, f, label);
}

static int need_add(struct cli *cli, int argc, char **argv)
{
        return need_write(cli, argc, argv, "add", need_add_opts);
}

static int need_update(struct cli *cli, int argc, char **argv)
{
        return need_write(cli, argc, argv, "update", need_update_opts);
}

static int need_withdraw(struct cli *cli, int argc, char **argv)
{
        return need_write(cli, argc, argv, "withdraw", need_withdraw_opts);
}

/* The filters of need list: ?1, ?2 and ?3 of its query. */
static const struct opt need_list_opts[] = {
    {"unit", NULL, OPT_VALUE, 0, N_("only this unit (its code)"), NULL, NULL},
    {"year", NULL, OPT_VALUE, 0, N_("only this year"), NULL, NULL},
    {"all", NULL, OPT_FLAG, 0, N_("also the withdrawn needs"), NULL, NULL},
    OPT_END,
};

static int need_list(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {
            N_("UNIT"),   N_("YEAR"), N_("COMPETENCY"), N_("PRIORITY"), N_("REASON"),
            N_("STATUS"), NULL};

        return verb_list(cli, argc, argv, need_list_opts,
                         "SELECT unit, year, competency, priority, ifnull(reason, '') AS reason,"
                         " CASE WHEN withdrawn_at IS NULL THEN '' ELSE 'withdrawn' END AS status"
                         " FROM needs WHERE (?1 IS NULL OR unit = ?1) AND (?2 IS NULL OR year = ?2)"
                         " AND (?3 IS NOT NULL OR withdrawn_at IS NULL) ORDER BY unit,"
                         " CASE priority WHEN 'tinggi' THEN 0 WHEN 'sedang' THEN 1 ELSE 2 END,"
                         " competency",
                         headers);
}

static const struct verb need_verbs[] = {
    {"add", need_add, need_add_opts},
    {"update", need_update, need_update_opts},
    {"withdraw", need_withdraw, need_withdraw_opts},
    {"list", need_list, need_list_opts},
    {"suggest", need_suggest, need_suggest_opts},
    {NULL, NULL, NULL},
};

const struct cmd cmd_need = {
    .name = "need",
    .usage = "need add --competency CODE --priority tinggi|sedang|rendah [--reason TEXT]\n"
             "       [--year YEAR] [--unit CODE]\n"
             "     | need update --competency CODE --priority P [--year YEAR] [--unit CODE]\n"
             "     | need withdraw --competency CODE --reason TEXT [--year YEAR] [--unit CODE]\n"
             "     | need list [--year YEAR] [--unit CODE] [--all]\n"
             "     | need suggest [--unit CODE] [--year YEAR]",
    .summary = N_("the unit's training needs, which the plan is tailored to"),
    .help = N_("The year defaults to the newest plan's year, else next year.\n"
               "A withdrawn need is kept with its reason, left out of reports and of the\n"
               "list (shown with --all); need update brings it back.\n"
               "suggest proposes needs from the competency gaps (renbin report gaps) and\n"
               "prints the need add lines that accept them; it writes nothing.\n"),
    .exec = need_list,
    .verbs = need_verbs,
};
