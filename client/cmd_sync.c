/*
 * cmd_sync.c - `renbin sync`: push what was typed here, then pull what changed
 * on the server, with a progress bar on a terminal and a one-line summary
 * otherwise (--quiet: nothing but errors).
 */
#include "certwarn.h"
#include "cmds.h"
#include "db.h"
#include "i18n.h"
#include "interrupt.h"
#include "opts.h"
#include "out.h"
#include "outbox.h"
#include "sync.h"

#include <stdio.h>
#include <unistd.h>

static const struct opt sync_opts[] = {
    {"page-size", NULL, OPT_NUMBER, 0, N_("changes per request (smaller for a very slow link)"),
     NULL, NULL},
    {"max-pages", NULL, OPT_NUMBER, 0, N_("stop after N pages (the next sync continues)"), NULL,
     NULL},
    {"by-page", NULL, OPT_FLAG, 0,
     N_("receive a first copy page by page, each page kept (for a link that keeps dropping)"), NULL,
     NULL},
    OPT_END,
};

/* Reads --page-size and --max-pages (each 1-100000) and --by-page into
 * rep: pages asked for in any way are pages for a first copy too. */
static int sync_parse(int argc, char **argv, struct sync_report *rep)
{
        json_t *o = json_object();
        const char *v;
        long n[2] = {0, 0};
        int rest, rc;

        if ((rc = opts_parse("sync", sync_opts, argc, argv, o, &rest)) != 0)
                goto out;
        for (int i = 0; i < 2 && rc == 0; i++)
                if ((v = opts_value(o, &sync_opts[i])) != NULL && opt_long(v, 1, 100000, &n[i]))
                        rc = opt_bad_value(sync_opts[i].name, v);
        if (rc == 0 && rest != argc)
                rc = opts_extra("sync", argc, argv, rest);
        rep->page_size = (unsigned)n[0];
        rep->max_pages = n[1];
        rep->by_page = n[0] > 0 || n[1] > 0 || opts_value(o, &sync_opts[2]) != NULL;
out:
        json_decref(o);
        return rc;
}

/* The --json document of a sync. */
static void sync_json(const struct sync_report *rep, int rc, const struct rb_err *e)
{
        json_t *j =
            json_pack("{s:b, s:I, s:I, s:I, s:I, s:b, s:b}", "ok", rc == 0, "pushed",
                      (json_int_t)rep->pushed, "accepted", (json_int_t)rep->accepted, "rejected",
                      (json_int_t)rep->rejected, "pulled", (json_int_t)rep->pulled, "resynced",
                      rep->resynced, "interrupted", rc != 0 && e->code == RB_CANCELLED);

        json_object_set_new(j, "resent", json_integer(rep->resent));
        if (rc != 0)
                json_object_set_new(j, "error", json_string(e->msg));
        out_json(j);
}

/* The summary of a sync that reached the end. */
static void sync_said(struct cli *cli, const struct sync_report *rep)
{
        out_say(cli,
                ngettext("sync: sent %ld (accepted %ld, rejected %ld), received %ld change%s\n",
                         "sync: sent %ld (accepted %ld, rejected %ld), received %ld changes%s\n",
                         (unsigned long)rep->pulled),
                rep->pushed, rep->accepted, rep->rejected, rep->pulled,
                rep->resynced ? _(" (replica rebuilt from scratch)") : "");
        if (rep->rejected > 0)
                out_say(cli, _("see renbin status for the reasons of rejected changes\n"));
}

/* Ctrl-C: what is saved, what is still to send, how to go on; exits 130. */
static int sync_interrupted(struct cli *cli, const struct sync_report *rep)
{
        struct outbox_counts c = {0};
        struct rb_err ce;
        long saved = rep->pushed + rep->pulled;

        if (cli->db != NULL)
                outbox_count(cli, &c, &ce);
        fprintf(stderr,
                ngettext("renbin: sync stopped: %ld change saved",
                         "renbin: sync stopped: %ld changes saved", (unsigned long)saved),
                saved);
        fprintf(stderr,
                ngettext(", %lld op still to send; run renbin sync again\n",
                         ", %lld ops still to send; run renbin sync again\n",
                         (unsigned long)c.pending),
                (long long)c.pending);
        return EXIT_INTERRUPTED;
}

/* A sync that failed: what was done, and that nothing is lost. */
static int sync_failed(struct cli *cli, const struct sync_report *rep, struct rb_err *e)
{
        struct outbox_counts c;
        struct rb_err ce;
        int rc;

        if (rep->pushed > 0 || rep->pulled > 0)
                fprintf(stderr,
                        _("renbin: sync cut after sending %ld and receiving %ld; "
                          "run it again to continue\n"),
                        rep->pushed, rep->pulled);
        rc = cli_fail(e);
        if (e->code == RB_UNAVAILABLE && cli->db != NULL && outbox_count(cli, &c, &ce) == 0)
                fprintf(stderr,
                        ngettext("renbin: nothing is lost: %lld change waits here; run renbin "
                                 "sync again when the link is back\n",
                                 "renbin: nothing is lost: %lld changes wait here; run renbin "
                                 "sync again when the link is back\n",
                                 (unsigned long)c.pending),
                        c.pending);
        return rc;
}

static int sync_exec(struct cli *cli, int argc, char **argv)
{
        struct sync_report rep = {0};
        struct rb_err e;
        int rc;

        if ((rc = sync_parse(argc, argv, &rep)) != 0)
                return rc;
        err_clear(&e);
        rep.progress = !cli->quiet && !cli->json && isatty(STDERR_FILENO);
        interrupt_catch();
        rc = sync_now(cli, &rep, &e);
        if (rc == 0)
                certwarn(cli, NULL);
        if (cli->json)
                sync_json(&rep, rc, &e);
        else if (rc == 0)
                sync_said(cli, &rep);
        /* The server refused some of what was sent: a script must know. */
        if (rc == 0)
                return rep.rejected > 0 ? EXIT_REFUSED : EXIT_OK;
        if (e.code == RB_CANCELLED)
                return cli->json ? EXIT_INTERRUPTED : sync_interrupted(cli, &rep);
        return cli->json ? err_exit_status(e.code) : sync_failed(cli, &rep, &e);
}

const struct cmd cmd_sync = {
    .name = "sync",
    .usage = "sync [--quiet] [--page-size N] [--max-pages N] [--by-page]",
    .summary = N_("send what was typed here, then receive what changed on the server"),
    .help = N_("A sync cut at any point (a dropped link, Ctrl-C) loses nothing: run it again\n"
               "and it continues where it stopped. Ctrl-C says what was saved and exits 130.\n"
               "The first sync of an office receives its rows as one copy; if that copy is\n"
               "cut, the next sync receives them page by page.\n"),
    .exec = sync_exec,
    .opts = sync_opts,
};
