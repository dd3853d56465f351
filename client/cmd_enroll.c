/*
 * cmd_enroll.c - `renbin enroll` (put ASN on a program, list who is on it) and
 * `renbin attend` (mark attendance: hadir, selesai, tidak-hadir, batal). Both
 * work offline: the write waits in the outbox and shows as pending in lists.
 */
#include "cmds.h"
#include "db.h"
#include "i18n.h"
#include "opts.h"
#include "outbox.h"
#include "table.h"
#include "validate.h"
#include "verbs.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Enrollments in the replica and the ones still in the outbox, with what is pending. */
static const char SQL_LIST[] =
    "SELECT e.program, e.nip, ifnull(a.name, '') AS name, e.status,"
    " ifnull('-> ' || p.status, '') AS pending, e.jp FROM enrollments e"
    " LEFT JOIN asn a ON a.nip = e.nip"
    " LEFT JOIN (SELECT entity_id, json_extract(fields, '$.status') AS status, max(n)"
    "   FROM outbox WHERE state = 'pending' AND entity = 'enrollment' AND action = 'status'"
    "   GROUP BY entity_id) p ON p.entity_id = e.id"
    " WHERE ?1 IS NULL OR e.program = ?1"
    " UNION ALL"
    " SELECT json_extract(o.fields, '$.program'), json_extract(o.fields, '$.nip'),"
    " ifnull(a.name, ''), '', 'enroll' || ifnull(' -> ' || s.status, ''), 0 FROM outbox o"
    " LEFT JOIN asn a ON a.nip = json_extract(o.fields, '$.nip')"
    " LEFT JOIN (SELECT entity_id, json_extract(fields, '$.status') AS status, max(n)"
    "   FROM outbox WHERE state = 'pending' AND entity = 'enrollment' AND action = 'status'"
    "   GROUP BY entity_id) s ON s.entity_id = o.entity_id"
    " WHERE o.state = 'pending' AND o.entity = 'enrollment' AND o.action = 'create'"
    " AND (?1 IS NULL OR json_extract(o.fields, '$.program') = ?1)"
    " ORDER BY 1, 3";

/* An enrollment not yet answered by the server, for (program, nip). */
static const char SQL_QUEUED[] =
    "SELECT entity_id FROM outbox WHERE state = 'pending' AND entity = 'enrollment'"
    " AND action = 'create' AND json_extract(fields, '$.program') = ?1"
    " AND json_extract(fields, '$.nip') = ?2 ORDER BY n DESC LIMIT 1";
static const char SQL_CURRENT[] =
    "SELECT id, status FROM enrollments WHERE program = ?1 AND nip = ?2"
    " ORDER BY status = 'batal', seq DESC LIMIT 1";
static const char SQL_LAST_PENDING_STATUS[] =
    "SELECT json_extract(fields, '$.status') FROM outbox WHERE state = 'pending'"
    " AND entity = 'enrollment' AND action = 'status' AND entity_id = ?1 ORDER BY n DESC LIMIT 1";

/* Finds the enrollment of nip in program (replica or outbox): its id and the
 * status it will have once pending ops are applied. -1 if none. */
static int find_enrollment(sqlite3 *db, const char *program, const char *nip, char id[64],
                           char status[16])
{
        sqlite3_stmt *st;
        int found = 0;

        if ((st = db_stmt(db, SQL_CURRENT, NULL)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, program, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, nip, -1, SQLITE_STATIC);
        if (db_step(db, st, NULL) > 0 && strcmp(db_col_text(st, 1), "batal") != 0) {
                snprintf(id, 64, "%s", db_col_text(st, 0));
                snprintf(status, 16, "%s", db_col_text(st, 1));
                found = 1;
        }
        sqlite3_reset(st);
        if (!found) {
                if ((st = db_stmt(db, SQL_QUEUED, NULL)) == NULL)
                        return -1;
                sqlite3_bind_text(st, 1, program, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 2, nip, -1, SQLITE_STATIC);
                if (db_step(db, st, NULL) > 0) {
                        snprintf(id, 64, "%s", db_col_text(st, 0));
                        snprintf(status, 16, "terdaftar");
                        found = 1;
                }
                sqlite3_reset(st);
        }
        if (!found || (st = db_stmt(db, SQL_LAST_PENDING_STATUS, NULL)) == NULL)
                return found ? 0 : -1;
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        if (db_step(db, st, NULL) > 0)
                snprintf(status, 16, "%s", db_col_text(st, 0));
        sqlite3_reset(st);
        return 0;
}

/* Checks that program is in the replica, so typos are caught offline. */
static int program_known(struct cli *cli, const char *program, struct rb_err *e)
{
        if (db_int(cli->db, "SELECT count(*) FROM programs WHERE code = ?1", program, 0) == 0)
                return err_set(e, RB_NOT_FOUND, "program",
                               _("no program %s in this office's replica (check the code, or "
                                 "run renbin sync)"),
                               program);
        return 0;
}

static int enroll_list(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {N_("PROGRAM"), N_("NIP"), N_("NAME"), N_("STATUS"),
                                              N_("PENDING"), N_("JP"),  NULL};
        struct rb_err e;
        sqlite3_stmt *st;

        if (argc > 2)
                return opt_fail(EXIT_USAGE, _("usage: renbin enroll list [PROGRAM]"));
        if (cli_db(cli, &e) == NULL || (st = db_stmt(cli->db, SQL_LIST, &e)) == NULL)
                return cli_fail(&e);
        db_bind_text(st, 1, argc == 2 ? cli_code(argv[1]) : NULL);
        if (table_print(cli, st, headers, &e) != 0)
                return cli_fail(&e);
        return EXIT_OK;
}

/* enroll PROGRAM NIP [NIP...] */
static int enroll_add(struct cli *cli, int argc, char **argv)
{
        const char *program = argc > 1 ? cli_code(argv[1]) : NULL;
        char(*ops)[UUID_STR] = NULL;
        char nip[19], id[64], status[16], label[160];
        struct rb_err e;
        size_t n = 0;
        int rc;

        if (argc < 3)
                return opt_fail(EXIT_USAGE, _("usage: renbin enroll PROGRAM NIP [NIP...]"));
        err_clear(&e);
        if (outbox_may_write(cli, &e) != 0 || cli_db(cli, &e) == NULL ||
            program_known(cli, program, &e) != 0)
                return cli_fail(&e);
        for (int i = 2; i < argc; i++) {
                if (nip_normalize(argv[i], nip) != 0 || nip_check(nip, NULL, NULL, &e) != 0) {
                        if (e.code == RB_OK)
                                err_set(&e, RB_INVALID, "nip", _("'%s' is not a NIP"), argv[i]);
                        return cli_fail(&e);
                }
                if (find_enrollment(cli->db, program, nip, id, status) == 0)
                        return opt_fail(EXIT_REFUSED, _("%s is already enrolled in %s (%s)"), nip,
                                        program, status);
        }
        if ((ops = calloc((size_t)argc, sizeof(*ops))) == NULL)
                return opt_fail(EXIT_FAIL, _("out of memory"));
        if (db_begin(cli->db, &e) != 0) {
                free(ops);
                return cli_fail(&e);
        }
        for (int i = 2; i < argc; i++) {
                nip_normalize(argv[i], nip);
                snprintf(label, sizeof(label), _("enroll %s in %s"), nip, program);
                json_t *f = json_pack("{s:s, s:s}", "program", program, "nip", nip);
                rc = outbox_add(cli, "enrollment", NULL, "create", f, label, ops[n++], NULL, &e);
                json_decref(f);
                if (rc != 0) {
                        db_rollback(cli->db);
                        free(ops);
                        return cli_fail(&e);
                }
        }
        if (db_commit(cli->db, &e) != 0) {
                free(ops);
                return cli_fail(&e);
        }
        rc = outbox_submit(cli, ops, n);
        free(ops);
        return rc;
}

static const struct verb enroll_verbs[] = {
    {"list", enroll_list, NULL},
    {NULL, NULL, NULL},
};

const struct cmd cmd_enroll = {
    .name = "enroll",
    .usage = "enroll PROGRAM NIP [NIP...] | enroll list [PROGRAM]",
    .summary = N_("enrol ASN in a program (queued until the server takes it); list enrollments"),
    .help = N_("Offline, enrollments wait in the outbox and show as pending in the list;\n"
               "renbin sync sends them. The server owns the seats: the last one goes to the\n"
               "first enrollment it receives.\n"),
    .exec = enroll_add,
    .verbs = enroll_verbs,
};

static int attend_exec(struct cli *cli, int argc, char **argv)
{
        static const struct option longopts[] = {{"status", required_argument, NULL, 's'},
                                                 {NULL, 0, NULL, 0}};
        const char *to = NULL;
        char nip[19], id[64], from[16], label[160];
        struct rb_err e;
        int ch;

        optind = 1;
        while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
                if (ch != 's')
                        return opt_unknown(argv);
                to = optarg;
        }
        if (argc - optind != 2)
                return opt_fail(EXIT_USAGE, _("usage: renbin attend PROGRAM NIP --status STATUS"));
        if (to == NULL)
                return opt_missing("attend", "--status");
        err_clear(&e);
        if (enum_check(to, enroll_states, "status", &e) || outbox_may_write(cli, &e) ||
            cli_db(cli, &e) == NULL)
                return cli_fail(&e);
        if (nip_normalize(argv[optind + 1], nip) != 0)
                return opt_fail(EXIT_INVALID, _("'%s' is not a NIP"), argv[optind + 1]);
        cli_code(argv[optind]);
        if (find_enrollment(cli->db, argv[optind], nip, id, from) != 0)
                return opt_fail(EXIT_NOT_FOUND, _("%s is not enrolled in %s"), nip, argv[optind]);
        if (enroll_transition(from, to, &e) != 0)
                return cli_fail(&e);
        snprintf(label, sizeof(label), _("%s in %s: %s"), nip, argv[optind], to);
        return outbox_write1(cli, "enrollment", id, "status", json_pack("{s:s}", "status", to),
                             label);
}

const struct cmd cmd_attend = {
    .name = "attend",
    .usage = "attend PROGRAM NIP --status hadir|selesai|tidak-hadir|batal",
    .summary = N_("record attendance and completion (JP are credited on selesai)"),
    .help = N_("States: terdaftar -> hadir -> selesai; terdaftar -> tidak-hadir;\n"
               "terdaftar or hadir -> batal.\n"),
    .exec = attend_exec,
};
