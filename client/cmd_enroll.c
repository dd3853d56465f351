/*
 * cmd_enroll.c - `renbin enroll` (put ASN on a program, list who is on it) and
 * `renbin attend` (mark attendance: hadir, selesai, tidak-hadir, batal). Both
 * work offline: the write waits in the outbox and shows as pending in lists.
 * The fields and their limits are the catalogue's (common/entity.c); what is
 * checked here is what the replica can tell early: the program exists, the
 * person is not enrolled yet, the state machine allows the move.
 */
#include "cmds.h"
#include "db.h"
#include "entity.h"
#include "i18n.h"
#include "opts.h"
#include "outbox.h"
#include "submit.h"
#include "table.h"
#include "validate.h"
#include "verbs.h"
#include "write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_CURRENT[] =
    "SELECT id, status FROM enrollments WHERE program = ?1 AND nip = ?2"
    " ORDER BY status = 'batal', seq DESC LIMIT 1";
static const char SQL_CANCELLED[] =
    "SELECT count(*) FROM programs WHERE code = ?1 AND status = 'batal'";

/* enroll PROGRAM NIP [NIP...]: the first NIP is the table's, the rest follow. */
static const struct opt enroll_opts[] = {
    {"PROGRAM", "program", OPT_ARG_CODE, 1, NULL, NULL, NULL},
    {"NIP", "nip", OPT_ARG_NIP, 1, N_("the participant's NIP (more may follow)"), NULL, NULL},
    OPT_ENTITY_FIELDS("enrollment", "create"),
    OPT_END,
};

static const struct opt attend_opts[] = {
    {"PROGRAM", "program", OPT_ARG_CODE, 1, N_("program code"), NULL, NULL},
    {"NIP", "nip", OPT_ARG_NIP, 1, N_("the participant's NIP"), NULL, NULL},
    {"reason", NULL, OPT_VALUE, 0,
     N_("HR's correction: any state to any other, kept with why in the enrollment's history"), NULL,
     NULL},
    OPT_ENTITY_FIELDS("enrollment", "status"),
    OPT_END,
};

/* The enrollment of nip in program in the replica (not cancelled): 1 with
 * its id and status, 0 when none, -1 with e. */
static int enrollment_current(struct cli *cli, const char *program, const char *nip, char id[64],
                              char status[16], struct rb_err *e)
{
        sqlite3_stmt *st = db_stmt(cli->db, SQL_CURRENT, e);
        int found;

        status[0] = '\0';
        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, program, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, nip, -1, SQLITE_STATIC);
        if ((found = db_step(cli->db, st, e)) > 0) {
                found = strcmp(db_col_text(st, 1), "batal") != 0;
                snprintf(id, 64, "%s", db_col_text(st, 0));
                snprintf(status, 16, "%s", db_col_text(st, 1));
        }
        sqlite3_reset(st);
        return found;
}

/* The newest enrollment of nip in program in the replica, cancelled or not:
 * 1 with its id and status, 0 when none, -1 with e. */
static int enrollment_any(struct cli *cli, const char *program, const char *nip, char id[64],
                          char status[16], struct rb_err *e)
{
        int found = enrollment_current(cli, program, nip, id, status, e);

        return found == 0 && strcmp(status, "batal") == 0 ? 1 : found;
}

/* Finds the enrollment of nip in program (replica or outbox): 1 with its id
 * and the status it will have once pending ops are applied, 0 if none, -1
 * with e when the replica cannot say. */
static int find_enrollment(struct cli *cli, const char *program, const char *nip, char id[64],
                           char status[16], struct rb_err *e)
{
        char pending[16];
        int found = enrollment_current(cli, program, nip, id, status, e), rc;

        if (found == 0 && (found = outbox_enroll_queued(cli, program, nip, id, e)) > 0)
                snprintf(status, 16, "terdaftar");
        if (found <= 0)
                return found;
        if ((rc = outbox_enroll_status(cli, id, pending, e)) < 0)
                return -1;
        if (rc > 0)
                snprintf(status, 16, "%s", pending);
        return 1;
}

/* Checks that program is in the replica and not cancelled: the server
 * refuses it anyway, this says so offline. */
static int program_takes(struct cli *cli, const char *program, struct rb_err *e)
{
        long long n = 0;

        if (cli_program_known(cli, program, e) != 0 ||
            db_value(cli->db, SQL_CANCELLED, program, &n, e) < 0)
                return -1;
        if (n > 0)
                return err_set(e, RB_PRECONDITION, "program",
                               _("program %s is cancelled; it takes no enrollments"), program);
        return 0;
}

static int enroll_list(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {N_("PROGRAM"), N_("NIP"), N_("NAME"), N_("STATUS"),
                                              N_("PENDING"), N_("JP"),  NULL};
        struct rb_err e;
        sqlite3_stmt *st;

        if (argc > 2)
                return opt_word("enroll list", argv[2]);
        if ((argc == 2 && cli_program_known(cli, cli_code(argv[1]), &e) != 0) ||
            (st = outbox_enroll_list(cli, argc == 2 ? argv[1] : NULL, &e)) == NULL ||
            table_print(cli, st, headers, &e) != 0)
                return cli_fail(&e);
        return EXIT_OK;
}

/* The NIP of argument v, as the table's OPT_ARG_NIP stores it (no spaces). */
static void nip_arg(const char *v, char out[64])
{
        size_t o = 0;

        for (; *v != '\0' && o + 1 < 64; v++)
                if (*v != ' ')
                        out[o++] = *v;
        out[o] = '\0';
}

/* Checks one NIP to enroll against the catalogue and the replica: 0, or the
 * exit status (printed). f holds the program; its nip is set to the NIP. */
static int enroll_check(struct cli *cli, json_t *f, const char *arg)
{
        const struct entity_def *d = entity_find("enrollment");
        const char *program = write_get(f, "program");
        char nip[64], id[64], status[16];
        struct rb_err e;
        int found;

        err_clear(&e);
        nip_arg(arg, nip);
        json_object_set_new(f, "nip", json_string(nip));
        if (entity_check(d, entity_action(d, "create"), entity_json_get, f, &e) != 0 ||
            (found = find_enrollment(cli, program, nip, id, status, &e)) < 0)
                return cli_fail(&e);
        if (found)
                return opt_fail(EXIT_REFUSED, _("%s is already enrolled in %s (%s)"), nip, program,
                                status);
        return 0;
}

/* Queues one enrollment per NIP of args in one local transaction; their op
 * ids go to ops. 0, or -1 with e. */
static int enroll_queue(struct cli *cli, json_t *f, char **args, int n, char (*ops)[UUID_STR],
                        struct rb_err *e)
{
        char nip[64], label[160];

        if (db_begin(cli->db, e) != 0)
                return -1;
        for (int i = 0; i < n; i++) {
                nip_arg(args[i], nip);
                json_object_set_new(f, "nip", json_string(nip));
                snprintf(label, sizeof(label), _("enroll %s in %s"), nip, write_get(f, "program"));
                if (outbox_add(cli, "enrollment", NULL, "create", f, label, ops[i], NULL, e) != 0) {
                        db_rollback(cli->db);
                        return -1;
                }
        }
        return db_commit(cli->db, e);
}

/* enroll PROGRAM NIP [NIP...] */
static int enroll_add(struct cli *cli, int argc, char **argv)
{
        char(*ops)[UUID_STR] = NULL;
        char **nips = NULL, *first = NULL;
        struct rb_err e;
        json_t *f;
        int rest, n = 0, rc;

        if ((rc = write_parse(cli, "enroll", "enrollment", "create", enroll_opts, argc, argv, &f,
                              &rest)) != 0)
                return rc;
        err_clear(&e);
        /* The checks below set the op's nip: the first NIP is kept apart. */
        first = strdup(write_get(f, "nip"));
        ops = calloc((size_t)argc, sizeof(*ops));
        nips = calloc((size_t)argc, sizeof(*nips));
        if (first == NULL || ops == NULL || nips == NULL) {
                rc = opt_fail(EXIT_FAIL, _("out of memory"));
                goto out;
        }
        nips[n++] = first;
        for (int i = rest; i < argc; i++)
                nips[n++] = argv[i];
        if (cli_db(cli, &e) == NULL || program_takes(cli, write_get(f, "program"), &e) != 0) {
                rc = cli_fail(&e);
                goto out;
        }
        for (int i = 0; i < n && rc == 0; i++)
                rc = enroll_check(cli, f, nips[i]);
        if (rc == 0 && enroll_queue(cli, f, nips, n, ops, &e) != 0)
                rc = cli_fail(&e);
        if (rc == 0)
                rc = submit_ops(cli, ops, (size_t)n);
out:
        free(first);
        free(nips);
        free(ops);
        json_decref(f);
        return rc;
}

/* enroll history PROGRAM NIP: every move of the enrollment's state, with
 * who made it and, for HR's corrections, why. */
static int enroll_history(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {N_("WHEN"), N_("FROM"),   N_("TO"), N_("REASON"),
                                              N_("SEAT"), N_("SERIAL"), NULL};
        static const char sql[] =
            "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', changed_at, 'unixepoch') AS changed_at,"
            " from_status, to_status, reason, seat(by_unit, by_role, by_name, by_serial) AS seat,"
            " by_serial AS serial"
            " FROM enrollment_changes WHERE program = ?1 AND nip = ?2 ORDER BY changed_at, seq";
        char nip[64];
        struct rb_err e;
        sqlite3_stmt *st;

        if (argc != 3)
                return opt_fail(EXIT_USAGE, _("usage: renbin enroll history PROGRAM NIP"));
        nip_arg(argv[2], nip);
        if (cli_db(cli, &e) == NULL || cli_program_known(cli, cli_code(argv[1]), &e) != 0 ||
            (st = db_stmt(cli->db, sql, &e)) == NULL)
                return cli_fail(&e);
        db_bind_text(st, 1, argv[1]);
        db_bind_text(st, 2, nip);
        if (table_print(cli, st, headers, &e) != 0)
                return cli_fail(&e);
        return EXIT_OK;
}

static const struct verb enroll_verbs[] = {
    {"list", enroll_list, NULL},
    {"history", enroll_history, NULL},
    {NULL, NULL, NULL},
};

const struct cmd cmd_enroll = {
    .name = "enroll",
    .usage = "enroll PROGRAM NIP [NIP...] | enroll list [PROGRAM] | enroll history PROGRAM NIP",
    .summary = N_("enrol ASN in a program (queued until the server takes it); list enrollments"),
    .help = N_("Offline, enrollments wait in the outbox and show as pending in the list;\n"
               "renbin sync sends them. The server owns the seats: the last one goes to the\n"
               "first enrollment it receives.\n"),
    .exec = enroll_add,
    .verbs = enroll_verbs,
    .opts = enroll_opts,
};

/* Checks an attendance op before it is queued: the fields of its action,
 * the enrollment (for HR's correction, a cancelled one too) and the move.
 * HR's correction ("correct") goes from any state to any other (the server
 * keeps the seats and the JP); an office's move ("status") follows the state
 * machine. 0 with the enrollment's id, or the exit status (printed). */
static int attend_check(struct cli *cli, const char *action, const char *program, const char *nip,
                        json_t *f, char id[64])
{
        const struct entity_def *d = entity_find("enrollment");
        int correct = strcmp(action, "correct") == 0, found;
        const char *to = write_get(f, "status");
        char from[16];
        struct rb_err e;

        err_clear(&e);
        if ((correct && outbox_may_do(cli, "enrollment", action, &e) != 0) ||
            entity_check(d, entity_action(d, action), entity_json_get, f, &e) != 0 ||
            (found =
                 (correct ? enrollment_any : find_enrollment)(cli, program, nip, id, from, &e)) < 0)
                return cli_fail(&e);
        if (!found)
                return opt_fail(EXIT_NOT_FOUND,
                                correct ? _("%s was never enrolled in %s")
                                        : _("%s is not enrolled in %s"),
                                nip, program);
        if (correct && strcmp(from, to) == 0)
                return opt_fail(EXIT_REFUSED, _("status: already '%s'"), from);
        if (!correct && enroll_transition(from, to, &e) != 0)
                return cli_fail(&e);
        return 0;
}

/* attend PROGRAM NIP --status STATUS [--reason TEXT]: the op carries the
 * status (and HR's reason) alone. */
static int attend_exec(struct cli *cli, int argc, char **argv)
{
        char program[64], nip[64], id[64], label[160];
        const char *action;
        struct rb_err e;
        json_t *f;
        int rc;

        if ((rc = write_parse(cli, "attend", "enrollment", "status", attend_opts, argc, argv, &f,
                              NULL)) != 0)
                return rc;
        snprintf(program, sizeof(program), "%s", write_get(f, "program"));
        snprintf(nip, sizeof(nip), "%s", write_get(f, "nip"));
        json_object_del(f, "program");
        json_object_del(f, "nip");
        action = json_object_get(f, "reason") != NULL ? "correct" : "status";
        if (cli_db(cli, &e) == NULL)
                rc = cli_fail(&e);
        else
                rc = attend_check(cli, action, program, nip, f, id);
        if (rc != 0) {
                json_decref(f);
                return rc;
        }
        snprintf(label, sizeof(label), _("%s in %s: %s"), nip, program, write_get(f, "status"));
        return submit_one(cli, "enrollment", id, action, f, label);
}

const struct cmd cmd_attend = {
    .name = "attend",
    .usage = "attend PROGRAM NIP --status hadir|selesai|tidak-hadir|batal [--reason TEXT]",
    .summary = N_("record attendance and completion (JP are credited on selesai)"),
    .help = N_("States: terdaftar -> hadir -> selesai; terdaftar -> tidak-hadir;\n"
               "terdaftar or hadir -> batal. Not hadir or selesai before the program's first\n"
               "day. HR corrects any state with --reason (selesai -> batal takes the JP\n"
               "back); renbin enroll history PROGRAM NIP shows every move.\n"),
    .exec = attend_exec,
    .opts = attend_opts,
};
