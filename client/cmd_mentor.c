/*
 * cmd_mentor.c - `renbin mentor`: pair a senior ASN with a new one, log their
 * sessions, list pairs with what was logged. A pair is named by the last
 * characters of its id (as `mentor list` shows them) or by the mentee's NIP.
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

/* Active pairs in the replica, as (id, mentee); outbox_pairs_queued gives
 * those still queued the same way. */
static const char SQL_PAIRS[] = "SELECT id, mentee FROM mentor_pairs WHERE active = 1";

static const struct opt mentor_pair_opts[] = {
    {"MENTOR_NIP", "mentor", OPT_ARG_NIP, 1, NULL, NULL, NULL},
    {"MENTEE_NIP", "mentee", OPT_ARG_NIP, 1, NULL, NULL, NULL},
    OPT_ENTITY_FIELDS("mentor_pair", "create"),
    OPT_END,
};

static const struct opt mentor_log_opts[] = {
    {"PAIR", "pair", OPT_ARG, 1,
     N_("the pair: the end of its id (mentor list), or the mentee's NIP"), NULL, NULL},
    OPT_ENTITY_FIELDS("mentor_log", "add"),
    OPT_END,
};

/* Counts the pairs of st's rows (id, mentee) that key names; the last one
 * goes to id. One id seen twice (queued and already pulled) counts once.
 * The count, or -1 with e. */
static int pair_match(struct cli *cli, sqlite3_stmt *st, const char *key, char id[64], int n,
                      struct rb_err *e)
{
        size_t klen = strlen(key);
        int rc;

        while ((rc = db_step(cli->db, st, e)) > 0) {
                const char *pid = db_col_text(st, 0), *mentee = db_col_text(st, 1);
                size_t plen = strlen(pid);
                if (((klen >= 4 && klen <= plen && strcmp(pid + plen - klen, key) == 0) ||
                     strcmp(pid, key) == 0 || strcmp(mentee, key) == 0) &&
                    (n == 0 || strcmp(id, pid) != 0)) {
                        snprintf(id, 64, "%s", pid);
                        n++;
                }
        }
        sqlite3_reset(st);
        return rc < 0 ? -1 : n;
}

/* Resolves PAIR (the id, its last 4+ characters as mentor list shows them, or
 * the mentee's NIP) to an id, among the replica's pairs and the queued ones.
 * UUIDv7 ids begin with the time, so their ends tell pairs apart. */
static int pair_find(struct cli *cli, const char *key, char id[64], struct rb_err *e)
{
        sqlite3_stmt *st;
        int n;

        if ((st = db_stmt(cli->db, SQL_PAIRS, e)) == NULL ||
            (n = pair_match(cli, st, key, id, 0, e)) < 0 ||
            (st = outbox_pairs_queued(cli, e)) == NULL ||
            (n = pair_match(cli, st, key, id, n, e)) < 0)
                return -1;
        if (n == 0)
                return err_set(e, RB_NOT_FOUND, "pair",
                               _("no mentoring pair '%s' (see renbin mentor list)"), key);
        if (n > 1)
                return err_set(e, RB_INVALID, "pair",
                               ngettext("'%s' names %d pair; give more of the pair's id",
                                        "'%s' names %d pairs; give more of the pair's id",
                                        (unsigned long)n),
                               key, n);
        return 0;
}

/* mentor pair MENTOR_NIP MENTEE_NIP --topic TEXT --from DATE [--to DATE] [--competency CODE] */
static int mentor_pair(struct cli *cli, int argc, char **argv)
{
        char label[160];
        json_t *f;
        int rc;

        if ((rc = write_parse(cli, "mentor pair", "mentor_pair", "create", mentor_pair_opts, argc,
                              argv, &f, NULL)) != 0)
                return rc;
        /* The pair's own rule, told before anything is queued (the server
         * has it too): a person cannot mentor themselves. */
        if (strcmp(write_get(f, "mentor"), write_get(f, "mentee")) == 0) {
                rc = opt_fail(EXIT_INVALID, _("a mentor cannot be their own mentee (%s)"),
                              write_get(f, "mentor"));
                json_decref(f);
                return rc;
        }
        snprintf(label, sizeof(label), _("mentoring pair %s -> %s"), write_get(f, "mentor"),
                 write_get(f, "mentee"));
        return write_submit(cli, "mentor_pair", "create", f, label);
}

/* mentor log PAIR --date DATE --minutes N [--notes TEXT] [--progress 1-5] */
static int mentor_log(struct cli *cli, int argc, char **argv)
{
        char key[128], id[64], label[160];
        struct rb_err e;
        json_t *f;
        int rc;

        if ((rc = write_parse(cli, "mentor log", "mentor_log", "add", mentor_log_opts, argc, argv,
                              &f, NULL)) != 0)
                return rc;
        err_clear(&e);
        snprintf(key, sizeof(key), "%s", write_get(f, "pair"));
        if (cli_db(cli, &e) == NULL || pair_find(cli, key, id, &e) != 0) {
                json_decref(f);
                return cli_fail(&e);
        }
        json_object_set_new(f, "pair", json_string(id));
        snprintf(label, sizeof(label), _("mentoring session %s on %s"), key, write_get(f, "date"));
        return write_submit(cli, "mentor_log", "add", f, label);
}

static int mentor_list(struct cli *cli, int argc, char **argv)
{
        static const char sql[] =
            "SELECT substr(p.id, -8) AS pair, p.mentor, ifnull(m.name, '') AS mentor_name,"
            " p.mentee, ifnull(t.name, '') AS mentee_name, p.topic, p.start_date,"
            " ifnull(p.end_date, '') AS end_date, count(l.id) AS sessions,"
            " ifnull(sum(l.minutes), 0) AS minutes, ifnull(max(l.date), '') AS last_session,"
            " ifnull((SELECT progress FROM mentor_logs x WHERE x.pair = p.id AND progress IS NOT"
            "  NULL ORDER BY date DESC LIMIT 1), '') AS progress"
            " FROM mentor_pairs p LEFT JOIN asn m ON m.nip = p.mentor"
            " LEFT JOIN asn t ON t.nip = p.mentee LEFT JOIN mentor_logs l ON l.pair = p.id"
            " WHERE p.active = 1 GROUP BY p.id ORDER BY p.start_date, mentee_name";
        static const char *const headers[] = {N_("PAIR"),    N_("MENTOR"),      N_("MENTOR NAME"),
                                              N_("MENTEE"),  N_("MENTEE NAME"), N_("TOPIC"),
                                              N_("FROM"),    N_("TO"),          N_("SESSIONS"),
                                              N_("MINUTES"), N_("LAST"),        N_("PROGRESS"),
                                              NULL};
        struct rb_err e;
        sqlite3_stmt *st;

        if (argc > 1)
                return opt_word("mentor list", argv[1]);
        if (cli_db(cli, &e) == NULL || (st = db_stmt(cli->db, sql, &e)) == NULL ||
            table_print(cli, st, headers, &e) != 0)
                return cli_fail(&e);
        return EXIT_OK;
}

static const struct verb mentor_verbs[] = {
    {"pair", mentor_pair, mentor_pair_opts},
    {"log", mentor_log, mentor_log_opts},
    {"list", mentor_list, NULL},
    {NULL, NULL, NULL},
};

const struct cmd cmd_mentor = {
    .name = "mentor",
    .usage = "mentor pair MENTOR_NIP MENTEE_NIP --topic TEXT --from DATE [--to DATE]\n"
             "       [--competency CODE]\n"
             "     | mentor log PAIR --date DATE --minutes N [--notes TEXT] [--progress 1-5]\n"
             "     | mentor list",
    .summary = N_("mentoring of new ASN by senior ones: pair, log sessions, list"),
    .help = N_("The mentor must have served longer (earlier TMT) than the mentee. Session\n"
               "minutes count toward the mentee's yearly JP (1 JP = 45 minutes).\n"
               "PAIR is the id shown by mentor list (its last characters) or the\n"
               "mentee's NIP.\n"),
    .exec = mentor_list,
    .verbs = mentor_verbs,
};
