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

#include <getopt.h>
#include <stdio.h>
#include <string.h>

/* Pairs in the replica and those still queued, as (id, mentee). */
static const char SQL_PAIRS[] =
    "SELECT id, mentee FROM mentor_pairs WHERE active = 1"
    " UNION SELECT entity_id, json_extract(fields, '$.mentee') FROM outbox"
    " WHERE entity = 'mentor_pair' AND state = 'pending'";

/* Resolves PAIR (the id, its last 4+ characters as mentor list shows them, or
 * the mentee's NIP) to an id. UUIDv7 ids begin with the time, so their ends
 * tell pairs apart. */
static int pair_find(struct cli *cli, const char *key, char id[64], struct rb_err *e)
{
        sqlite3_stmt *st = db_stmt(cli->db, SQL_PAIRS, e);
        size_t klen = strlen(key);
        int n = 0, rc;

        if (st == NULL)
                return -1;
        while ((rc = db_step(cli->db, st, e)) > 0) {
                const char *pid = db_col_text(st, 0), *mentee = db_col_text(st, 1);
                size_t plen = strlen(pid);
                if ((klen >= 4 && klen <= plen && strcmp(pid + plen - klen, key) == 0) ||
                    strcmp(pid, key) == 0 || strcmp(mentee, key) == 0) {
                        snprintf(id, 64, "%s", pid);
                        n++;
                }
        }
        sqlite3_reset(st);
        if (rc < 0)
                return -1;
        if (n == 0)
                return err_set(e, RB_NOT_FOUND, "pair",
                               _("no mentoring pair '%s' (see renbin mentor list)"), key);
        if (n > 1)
                return err_set(e, RB_INVALID, "pair",
                               _("'%s' names %d pairs; give more of the pair's id"), key, n);
        return 0;
}

static int mentor_pair(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {
            {"topic", required_argument, NULL, 't'},
            {"competency", required_argument, NULL, 'c'},
            {"from", required_argument, NULL, 'f'},
            {"to", required_argument, NULL, 'u'},
            {NULL, 0, NULL, 0},
        };
        const char *topic = NULL, *comp = NULL, *from = NULL, *to = NULL;
        char mentor[19], mentee[19], label[160];
        struct rb_err e;
        int ch;

        while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
                switch (ch) {
                case 't':
                        topic = optarg;
                        break;
                case 'c':
                        comp = optarg;
                        break;
                case 'f':
                        from = optarg;
                        break;
                case 'u':
                        to = optarg;
                        break;
                default:
                        return opt_unknown(argv);
                }
        }
        if (argc - optind != 2)
                return opt_fail(EXIT_USAGE, _("usage: renbin mentor pair MENTOR_NIP MENTEE_NIP "
                                              "--topic TEXT --from DATE [--to DATE] "
                                              "[--competency CODE]"));
        if (topic == NULL || from == NULL)
                return opt_missing("mentor pair", topic == NULL ? "--topic" : "--from");
        err_clear(&e);
        if (nip_normalize(argv[optind], mentor) || nip_normalize(argv[optind + 1], mentee))
                return opt_fail(EXIT_INVALID, _("mentor and mentee are given by NIP"));
        if (strcmp(mentor, mentee) == 0)
                return opt_fail(EXIT_INVALID, _("a mentor cannot be their own mentee (%s)"),
                                mentor);
        if (text_check(topic, 300, "topic", &e) || date_check(from, "from", &e) ||
            (to && date_range_check(from, to, "from", "to", &e)))
                return cli_fail(&e);
        json_t *f = json_pack("{s:s, s:s, s:s, s:s}", "mentor", mentor, "mentee", mentee, "topic",
                              topic, "start_date", from);
        json_put(f, "end_date", to);
        json_put(f, "competency", comp);
        snprintf(label, sizeof(label), _("mentoring pair %s -> %s"), mentor, mentee);
        return outbox_write1(cli, "mentor_pair", NULL, "create", f, label);
}

static int mentor_log(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {
            {"date", required_argument, NULL, 'd'},
            {"minutes", required_argument, NULL, 'm'},
            {"notes", required_argument, NULL, 'n'},
            {"progress", required_argument, NULL, 'p'},
            {NULL, 0, NULL, 0},
        };
        const char *date = NULL, *min = NULL, *notes = NULL, *prog = NULL;
        char id[64], label[160];
        struct rb_err e;
        long v;
        int ch;

        while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
                switch (ch) {
                case 'd':
                        date = optarg;
                        break;
                case 'm':
                        min = optarg;
                        break;
                case 'n':
                        notes = optarg;
                        break;
                case 'p':
                        prog = optarg;
                        break;
                default:
                        return opt_unknown(argv);
                }
        }
        if (argc - optind != 1)
                return opt_fail(EXIT_USAGE, _("usage: renbin mentor log PAIR --date DATE "
                                              "--minutes N [--notes TEXT] [--progress 1-5]"));
        if (date == NULL || min == NULL)
                return opt_missing("mentor log", date == NULL ? "--date" : "--minutes");
        err_clear(&e);
        if (date_check(date, "date", &e) || int_check(min, 1, 24 * 60, "minutes", &v, &e) ||
            (prog && rating5_check(prog, "progress", &v, &e)) ||
            opt_text_check(notes, 4000, "notes", &e) || cli_db(cli, &e) == NULL ||
            pair_find(cli, argv[optind], id, &e) != 0)
                return cli_fail(&e);
        json_t *f = json_pack("{s:s, s:s, s:s}", "pair", id, "date", date, "minutes", min);
        json_put(f, "notes", notes);
        json_put(f, "progress", prog);
        snprintf(label, sizeof(label), _("mentoring session %s on %s"), argv[optind], date);
        return outbox_write1(cli, "mentor_log", NULL, "add", f, label);
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

        (void)argc;
        (void)argv;
        if (cli_db(cli, &e) == NULL || (st = db_stmt(cli->db, sql, &e)) == NULL ||
            table_print(cli, st, headers, &e) != 0)
                return cli_fail(&e);
        return EXIT_OK;
}

static const struct verb mentor_verbs[] = {
    {"pair", mentor_pair, NULL},
    {"log", mentor_log, NULL},
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
