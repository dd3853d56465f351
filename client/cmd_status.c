/*
 * cmd_status.c - `renbin status`: who this office is, whether the server can
 * be reached, what waits in the outbox, what the server rejected and why, and
 * when the last sync was. Works offline: it then says so.
 */
#include "certwarn.h"
#include "cmds.h"
#include "db.h"
#include "i18n.h"
#include "net.h"
#include "opts.h"
#include "out.h"
#include "outbox.h"
#include "rejections.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A unix time as local "YYYY-MM-DD HH:MM", or "never". */
static const char *when(long long t, char *buf, size_t len)
{
        struct tm tm;
        time_t tt = (time_t)t;

        if (t <= 0)
                return _("never");
        localtime_r(&tt, &tm);
        strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
        return buf;
}

/* The outbox part of the status: counts and lists; NULL and e when the
 * replica cannot be read. */
static json_t *outbox_status(struct cli *cli, struct rb_err *e)
{
        struct outbox_counts c;
        json_t *rej, *pend = NULL;

        if (outbox_count(cli, &c, e) != 0 || (rej = outbox_rejected_ops(cli, e)) == NULL)
                return NULL;
        if ((pend = outbox_pending_labels(cli, e)) == NULL) {
                json_decref(rej);
                return NULL;
        }
        return json_pack("{s:I, s:I, s:I, s:o, s:o}", "pending", (json_int_t)c.pending, "rejected",
                         (json_int_t)c.rejected, "accepted", (json_int_t)c.done, "pending_ops",
                         pend, "rejected_ops", rej);
}

/* Whether the last sync reached the end, and how many changes the server
 * still had for this office when it stopped (the replica's settings, which
 * sync.c keeps). */
static json_t *sync_state(struct cli *cli)
{
        char cut[32] = "", left[32] = "";

        cli_get(cli, "sync_cut", cut, sizeof(cut));
        cli_get(cli, "pull_remaining", left, sizeof(left));
        return json_pack("{s:b, s:I}", "complete", atoll(cut) == 0 && atoll(left) == 0,
                         "changes_remaining", (json_int_t)atoll(left));
}

/* Says so when the last sync stopped before the end. */
static void print_sync_state(json_t *s)
{
        long long left = json_integer_value(json_object_get(s, "changes_remaining"));

        if (json_is_true(json_object_get(s, "complete")))
                return;
        if (left > 0)
                printf(ngettext("the last sync stopped before the end: %lld change still to "
                                "receive; run renbin sync\n",
                                "the last sync stopped before the end: %lld changes still to "
                                "receive; run renbin sync\n",
                                (unsigned long)left),
                       left);
        else
                printf(_("the last sync stopped before the end; run renbin sync\n"));
}

/* Prints the status document for a person; last is the last sync's time. */
static void print_status(json_t *j, long long last)
{
        char buf[32];

        json_t *ob = json_object_get(j, "outbox"), *v;
        size_t i;

        if (json_is_true(json_object_get(j, "reachable")))
                printf(_("server %s reached (renbind %s)\n"),
                       json_string_value(json_object_get(j, "server")),
                       json_string_value(json_object_get(j, "server_version")));
        else
                printf(_("offline: %s\n"), json_string_value(json_object_get(j, "error")));
        printf(_("principal: unit %s, role %s\n"), json_string_value(json_object_get(j, "unit")),
               json_string_value(json_object_get(j, "role")));
        printf(_("last sync: %s\n"), when(last, buf, sizeof(buf)));
        print_sync_state(json_object_get(j, "sync"));
        printf(_("waiting to be sent: %lld\n"),
               (long long)json_integer_value(json_object_get(ob, "pending")));
        json_array_foreach(json_object_get(ob, "pending_ops"), i, v)
            printf("  %s\n", json_string_value(v));
        printf(_("rejected by the server: %lld\n"),
               (long long)json_integer_value(json_object_get(ob, "rejected")));
        rejections_print(json_object_get(ob, "open_ops"));
}

/* Takes the rejected ops a person has read off the status list; they stay in
 * the outbox, and on the server for HR (renbin conflicts). */
static int status_dismiss(struct cli *cli)
{
        struct rb_err e;
        int n;

        if (outbox_dismiss(cli, &n, &e) != 0)
                return cli_fail(&e);
        out_say(cli,
                ngettext("%d rejected change taken off this list; it is kept, and HR sees it "
                         "with renbin conflicts\n",
                         "%d rejected changes taken off this list; they are kept, and HR sees them "
                         "with renbin conflicts\n",
                         (unsigned long)n),
                n);
        return EXIT_OK;
}

static int status_exec(struct cli *cli, int argc, char **argv)
{
        char server[512] = "", unit[64] = "", role[16] = "", last[32] = "";
        struct net n;
        struct rb_err e;
        int online;
        json_t *j, *ob;

        if (argc == 2 && strcmp(argv[1], "--dismiss") == 0)
                return status_dismiss(cli);
        if (argc == 3 && strcmp(argv[1], "--dismiss") == 0)
                return rejections_dismiss(cli, argv[2]);
        if (argc > 1)
                return argv[1][0] == '-' || argc > 3
                           ? opt_fail(EXIT_USAGE, _("usage: renbin status [--dismiss [ID]]"))
                           : opt_word("status", argv[1]);
        err_clear(&e);
        if (cli_setup_needed(cli, "server", server, sizeof(server), &e) != 0)
                return cli_fail(&e);
        cli_get(cli, "unit", unit, sizeof(unit));
        cli_get(cli, "role", role, sizeof(role));
        cli_get(cli, "last_sync", last, sizeof(last));
        if ((ob = outbox_status(cli, &e)) == NULL)
                return cli_fail(&e);
        if ((j = rejections_list(cli, &e)) == NULL) {
                json_decref(ob);
                return cli_fail(&e);
        }
        json_object_set_new(ob, "open_ops", j);
        online = net_open(cli, &n, &e) == 0;
        if (!online && e.code != RB_UNAVAILABLE) {
                json_decref(ob);
                return cli_fail(&e);
        }
        if (online) {
                snprintf(unit, sizeof(unit), "%s", n.who.unit);
                snprintf(role, sizeof(role), "%s", n.who.role);
        }
        j = json_pack("{s:s, s:s, s:s, s:b, s:o, s:o, s:o}", "unit", unit, "role", role, "server",
                      server, "reachable", online, "last_sync", out_json_time(atoll(last)), "sync",
                      sync_state(cli), "outbox", ob);
        if (online) {
                json_object_set_new(j, "server_version", json_string(n.server_version));
                net_close(&n);
        } else {
                json_object_set_new(j, "error", json_string(e.msg));
        }
        certwarn(cli, j);
        if (cli->json)
                return out_json(j);
        print_status(j, atoll(last));
        json_decref(j);
        return EXIT_OK;
}

const struct cmd cmd_status = {
    .name = "status",
    .usage = "status [--json] [--dismiss [ID]]",
    .summary = N_("show this office, the server connection and what waits to sync"),
    .help = N_("Shows the changes waiting to be sent and the ones the server rejected, with\n"
               "the reason. Exit status 0 whether or not the server can be reached.\n"
               "From 30 days before this office's certificate or the server's expires, a\n"
               "warning on stderr says when and what to ask HR for.\n"
               "  --dismiss   take the rejected changes listed now off the list (after\n"
               "              reading them); they are kept, and HR still sees them\n"
               "  --dismiss ID   take one off the list (ID as listed); renbin retry ID\n"
               "              sends a corrected copy instead\n"),
    .exec = status_exec,
};
