/*
 * cmd_import.c - `renbin import KIND FILE`: spreadsheets (CSV read with
 * libcsv: ',' ';' or tab, UTF-8 or Windows-1252; FILE "-" is standard
 * input) turned into ops, with a progress bar on a terminal. Every line is checked first and every
 * bad line is reported ("line 5, column NIP: ..."); nothing is imported while any line is bad,
 * unless --skip-bad. Each kind is one entry of the table below.
 */
#include "cmds.h"
#include "csvin.h"
#include "db.h"
#include "i18n.h"
#include "import.h"
#include "opts.h"
#include "out.h"
#include "outbox.h"
#include "interrupt.h"
#include "progress.h"
#include "submit.h"
#include "validate.h"
#include "xlsxin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* What the command line asks of one import. */
struct import_args {
        int skip_bad;
        int again;            /* --again: import rows imported already */
        const char *year;     /* --plan */
        struct csv_opts csv;  /* --delimiter, --encoding */
        struct progress *bar; /* drawn on a terminal */
};

static const struct import_kind *const kinds[] = {
    &import_units,          &import_asn,         &import_competencies, &import_needs,
    &import_enrollments,    &import_evaluations, &import_assessments,  &import_mentoring,
    &import_mentoring_logs, &import_survey,      &import_forums,       &import_programs,
    &import_standards,      &import_tests,
};

/* Steps of an import, in the order they appear below. */
static const char *without_field(const struct rb_err *e);
static size_t check_rows(struct import_ctx *ic, const struct csv_table *t, json_t **fields,
                         char (*labels)[160]);
static int queue_rows(struct import_ctx *ic, const struct csv_table *t, json_t **fields,
                      char (*labels)[160], char (*op_ids)[UUID_STR], size_t *n, struct rb_err *e);
static const char *label_of(struct import_ctx *ic, const char *upd);
static int tally(struct import_ctx *ic, char (*op_ids)[UUID_STR], size_t n, json_t *by,
                 json_t *rejected, size_t *pending);
static void summary_line(struct import_ctx *ic, json_t *by, json_t *rejected, size_t pending,
                         int online, size_t skipped);
static void summary_details(struct import_ctx *ic, json_t *rejected);
static int summarize(struct import_ctx *ic, char (*op_ids)[UUID_STR], size_t n, int online,
                     size_t skipped);

/* The message of e without its leading "field: ", which the line report
 * already names as the column. */
static const char *without_field(const struct rb_err *e)
{
        size_t n = strlen(e->field);

        if (n > 0 && strncmp(e->msg, e->field, n) == 0 && strncmp(e->msg + n, ": ", 2) == 0)
                return e->msg + n + 2;
        return e->msg;
}

/* Checks every row; fills ops[] for good rows. Returns the number of bad rows. */
static size_t check_rows(struct import_ctx *ic, const struct csv_table *t, json_t **fields,
                         char (*labels)[160])
{
        size_t bad = 0;
        json_t *seen = json_object();

        for (size_t i = 0; i < t->nrows; i++) {
                struct rb_err e;
                char key[128] = "";

                progress_step(ic->bar, _("import: checked"), (long)i + 1);
                err_clear(&e);
                fields[i] = NULL;
                if (ic->kind->row(ic, &t->rows[i], &fields[i], labels[i], key, &e) == 0 &&
                    key[0] != '\0' && json_object_get(seen, key) != NULL) {
                        json_decref(fields[i]);
                        fields[i] = NULL;
                        err_set(&e, RB_INVALID, import_key_field(ic->kind),
                                _("%s appears twice in the file (first on line %lld)"), key,
                                (long long)json_integer_value(json_object_get(seen, key)));
                }
                if (fields[i] == NULL) {
                        progress_end(ic->bar);
                        fprintf(stderr, _("line %ld, column %s: %s\n"), t->rows[i].line,
                                import_column_of(ic->kind, e.field), without_field(&e));
                        bad++;
                } else if (key[0] != '\0') {
                        json_object_set_new(seen, key, json_integer(t->rows[i].line));
                }
        }
        json_decref(seen);
        return bad;
}

/* Queues the good rows in one local transaction. */
static int queue_rows(struct import_ctx *ic, const struct csv_table *t, json_t **fields,
                      char (*labels)[160], char (*op_ids)[UUID_STR], size_t *n, struct rb_err *e)
{
        *n = 0;
        if (db_begin(ic->cli->db, e) != 0)
                return -1;
        progress_start(ic->bar, ic->bar->on, (long)t->nrows);
        for (size_t i = 0; i < t->nrows; i++) {
                progress_step(ic->bar, _("import: queued"), (long)i + 1);
                if (fields[i] == NULL)
                        continue;
                if (interrupt_seen()) {
                        progress_end(ic->bar);
                        db_rollback(ic->cli->db);
                        *n = 0;
                        return err_set(e, RB_CANCELLED, NULL, _("import stopped (Ctrl-C)"));
                }
                if (ic->kind->queue != NULL
                        ? ic->kind->queue(ic, fields[i], labels[i], op_ids, n, e)
                        : outbox_add(ic->cli, ic->kind->entity, NULL, ic->kind->action, fields[i],
                                     labels[i], op_ids[*n], NULL, e)) {
                        progress_end(ic->bar);
                        db_rollback(ic->cli->db);
                        return -1;
                }
                if (ic->kind->queue == NULL)
                        (*n)++;
        }
        progress_end(ic->bar);
        if (import_ledger_queue(ic, e) != 0) {
                db_rollback(ic->cli->db);
                return -1;
        }
        return db_commit(ic->cli->db, e);
}

/* "OPID: fields" -> "roster NIP NAME: fields", using the op's label (the op
 * id stays when the outbox cannot say). */
static const char *label_of(struct import_ctx *ic, const char *upd)
{
        static char buf[400];
        char op_id[UUID_STR], label[256];
        size_t idlen = strcspn(upd, ":");
        struct rb_err e;

        snprintf(buf, sizeof(buf), "%s", upd);
        snprintf(op_id, sizeof(op_id), "%.*s", (int)idlen, upd);
        if (upd[idlen] == ':' && outbox_label(ic->cli, op_id, label, sizeof(label), &e) > 0)
                snprintf(buf, sizeof(buf), "%s:%s", label, upd + idlen + 1);
        return buf;
}

/* Sorts the states of the n queued ops: counts per result word into by,
 * the rejected into rejected, updates into ic->updates (text only), the
 * still pending into *pending. Returns the exit status of the first
 * rejection, or EXIT_OK. */
static int tally(struct import_ctx *ic, char (*op_ids)[UUID_STR], size_t n, json_t *by,
                 json_t *rejected, size_t *pending)
{
        int status = EXIT_OK;

        for (size_t i = 0; i < n; i++) {
                struct op_state s;
                struct rb_err e;
                if (outbox_state(ic->cli, op_ids[i], &s, &e) != 0) {
                        if (status == EXIT_OK)
                                status = cli_fail(&e);
                        continue;
                }
                if (strcmp(s.state, "pending") == 0) {
                        (*pending)++;
                } else if (strcmp(s.state, "rejected") == 0) {
                        json_array_append_new(
                            rejected, json_pack("{s:s, s:s, s:s}", "op_id", op_ids[i], "code",
                                                err_code_name(s.code), "message", s.message));
                        if (status == EXIT_OK)
                                status = err_exit_status(s.code);
                } else {
                        if (!ic->cli->json && strncmp(s.detail, "updated:", 8) == 0)
                                json_array_append_new(
                                    ic->updates ? ic->updates : (ic->updates = json_array()),
                                    json_sprintf("%s:%s", op_ids[i], s.detail + 8));
                        /* "updated: jabatan, golongan" counts under "updated" */
                        char what[32];
                        snprintf(what, sizeof(what), "%.*s", (int)strcspn(s.detail, ":"), s.detail);
                        json_int_t c = json_integer_value(json_object_get(by, what));
                        json_object_set_new(by, what, json_integer(c + 1));
                }
        }
        return status;
}

/* The one summary line: rows read, what was done, rejected, queued, skipped. */
static void summary_line(struct import_ctx *ic, json_t *by, json_t *rejected, size_t pending,
                         int online, size_t skipped)
{
        const char *k;
        json_t *v;

        out_say(ic->cli, ngettext("%s: %zu row read", "%s: %zu rows read", ic->table->nrows),
                ic->kind->name, ic->table->nrows);
        json_object_foreach(by, k, v)
        {
                char said[300];
                out_say(ic->cli, ", %s %lld", outbox_result_text(k, said, sizeof(said)),
                        (long long)json_integer_value(v));
        }
        if (json_array_size(rejected) > 0)
                out_say(ic->cli,
                        ngettext(", rejected %zu", ", rejected %zu", json_array_size(rejected)),
                        json_array_size(rejected));
        if (pending > 0)
                out_say(ic->cli,
                        online ? ngettext(", %zu queued", ", %zu queued", pending)
                               : ngettext(", %zu saved offline (sent at the next sync)",
                                          ", %zu saved offline (sent at the next sync)", pending),
                        pending);
        if (skipped > 0)
                out_say(ic->cli,
                        ngettext(", %zu bad line skipped", ", %zu bad lines skipped", skipped),
                        skipped);
        out_say(ic->cli, "\n");
}

/* After the summary line: the rejections, the updates, who is not in the file. */
static void summary_details(struct import_ctx *ic, json_t *rejected)
{
        for (size_t i = 0; i < json_array_size(rejected); i++)
                fprintf(stderr, _("renbin: rejected: %s\n"),
                        json_string_value(json_object_get(json_array_get(rejected, i), "message")));
        for (size_t i = 0; ic->updates && i < json_array_size(ic->updates); i++)
                out_say(ic->cli, _("  updated %s\n"),
                        label_of(ic, json_string_value(json_array_get(ic->updates, i))));
        if (ic->missing != NULL && json_array_size(ic->missing) > 0)
                out_say(ic->cli,
                        ngettext(
                            "note: %zu active person of the units in this file is not in it; "
                            "kept (renbin asn deactivate NIP if they left):\n",
                            "note: %zu active people of the units in this file are not in it; they "
                            "are kept (renbin asn deactivate NIP if they left):\n",
                            json_array_size(ic->missing)),
                        json_array_size(ic->missing));
        for (size_t i = 0; ic->missing && i < json_array_size(ic->missing) && i < 20; i++)
                out_say(ic->cli, "  %s\n", json_string_value(json_array_get(ic->missing, i)));
}

/* Prints what the server did with the imported rows; returns the exit status. */
static int summarize(struct import_ctx *ic, char (*op_ids)[UUID_STR], size_t n, int online,
                     size_t skipped)
{
        json_t *by = json_object(), *rejected = json_array();
        size_t pending = 0;
        int status = tally(ic, op_ids, n, by, rejected, &pending);

        if (ic->cli->json) {
                out_json(json_pack("{s:s, s:b, s:I, s:I, s:o, s:o, s:o}", "kind", ic->kind->name,
                                   "online", online, "queued", (json_int_t)pending, "skipped",
                                   (json_int_t)skipped, "done", by, "rejected", rejected,
                                   "not_in_file",
                                   ic->missing ? json_incref(ic->missing) : json_array()));
                return status;
        }
        summary_line(ic, by, rejected, pending, online, skipped);
        summary_details(ic, rejected);
        json_decref(by);
        json_decref(rejected);
        return status;
}

/* Reads the file, saying on stderr when it was read as Windows-1252. */
static int read_table(struct cli *cli, const char *path, const struct import_args *a,
                      struct csv_table *t, struct rb_err *e)
{
        /* A workbook is read as a workbook (its cells are already text). */
        if (strcmp(path, "-") != 0 && xlsxin_is_xlsx(path))
                return xlsxin_read(path, t, e);
        if (csvin_read_opts(path, &a->csv, t, e) != 0)
                return -1;
        if (t->cp1252 && !cli->quiet)
                fprintf(stderr,
                        _("renbin: %s: read as Windows-1252 (it is not UTF-8); use --encoding "
                          "utf-8 to refuse it\n"),
                        strcmp(path, "-") == 0 ? _("standard input") : path);
        return 0;
}

/* Ctrl-C during an import: what was saved (n ops queued, or nothing) and
 * how to go on; the exit status. */
static int import_interrupted(struct cli *cli, size_t n)
{
        struct outbox_counts c = {0};
        struct rb_err ce;

        if (n == 0) {
                fprintf(stderr, _("renbin: import stopped: nothing was saved; run the import "
                                  "again\n"));
                return EXIT_INTERRUPTED;
        }
        outbox_count(cli, &c, &ce);
        fprintf(stderr,
                ngettext("renbin: import stopped: %zu change saved here",
                         "renbin: import stopped: %zu changes saved here", n),
                n);
        fprintf(stderr,
                ngettext(", %lld op still to send; run renbin sync\n",
                         ", %lld ops still to send; run renbin sync\n", (unsigned long)c.pending),
                (long long)c.pending);
        return EXIT_INTERRUPTED;
}

/* Room for the op ids of nrows rows of kind (NULL when out of memory). */
static char (*op_ids_for(const struct import_kind *kind, size_t nrows))[UUID_STR]
{
        return calloc((nrows + 1) * (kind->ops_per_row ? kind->ops_per_row : 1), UUID_STR);
}

/* Imports one file of one kind. */
static int import_file(struct cli *cli, const struct import_kind *kind, const char *path,
                       const struct import_args *a)
{
        struct import_ctx ic = {.cli = cli, .kind = kind, .year = a->year, .bar = a->bar};
        struct csv_table t = {0};
        const char *cols[32];
        json_t **fields = NULL;
        char(*labels)[160] = NULL, (*op_ids)[UUID_STR] = NULL;
        struct rb_err e;
        size_t bad, n = 0;
        int online, status = EXIT_INVALID;

        err_clear(&e);
        if (outbox_may_do(cli, kind->entity, kind->action, &e) != 0 || cli_db(cli, &e) == NULL ||
            read_table(cli, path, a, &t, &e) != 0 ||
            csvin_require(&t, import_required_columns(kind, cols, 32), &e) != 0) {
                status = cli_fail(&e);
                goto out;
        }
        fields = calloc(t.nrows + 1, sizeof(*fields));
        labels = calloc(t.nrows + 1, sizeof(*labels));
        if (fields == NULL || labels == NULL || (op_ids = op_ids_for(kind, t.nrows)) == NULL) {
                status = opt_fail(EXIT_FAIL, _("out of memory"));
                goto out;
        }
        ic.table = &t;
        progress_start(a->bar, a->bar->on, (long)t.nrows);
        bad = check_rows(&ic, &t, fields, labels);
        progress_end(a->bar);
        if (bad > 0 && !a->skip_bad) {
                status = opt_fail(EXIT_INVALID,
                                  ngettext("%s: %zu of %zu line is bad; nothing was imported "
                                           "(fix it, or use --skip-bad to import the rest)",
                                           "%s: %zu of %zu lines are bad; nothing was imported "
                                           "(fix them, or use --skip-bad to import the rest)",
                                           t.nrows),
                                  path, bad, t.nrows);
                goto out;
        }
        if ((status = import_ledger_check(&ic, path, fields, t.nrows, a->again)) != EXIT_OK)
                goto out;
        if (kind->after_check != NULL)
                kind->after_check(&ic);
        if (interrupt_seen() || queue_rows(&ic, &t, fields, labels, op_ids, &n, &e) != 0 ||
            (online = submit_now_shown(cli, a->bar->on, &e)) < 0) {
                status = interrupt_seen() ? import_interrupted(cli, n) : cli_fail(&e);
                goto out;
        }
        status = summarize(&ic, op_ids, n, online, bad);
out:
        for (size_t i = 0; fields && i < t.nrows; i++)
                json_decref(fields[i]);
        json_decref(ic.missing);
        json_decref(ic.updates);
        free(fields);
        free(labels);
        free(op_ids);
        csvin_free(&t);
        return status;
}

static const struct opt import_opts[] = {
    {"KIND", "kind", OPT_ARG, 0, N_("what the file holds, one of the kinds above"), NULL, NULL},
    {"FILE", "file", OPT_ARG, 0,
     N_("the spreadsheet saved as CSV (UTF-8 or Windows-1252; - for standard input)"), NULL, NULL},
    {"skip-bad", NULL, OPT_FLAG, 0, N_("import the good lines; report the bad ones"), NULL, NULL},
    {"plan", NULL, OPT_VALUE, 0, N_("the plan year programs go into"), NULL, NULL},
    {"delimiter", NULL, OPT_VALUE, 0,
     N_("the separator: , or ; or tab (default: the header line's)"), NULL, NULL},
    {"encoding", NULL, OPT_VALUE, 0,
     N_("utf-8 or windows-1252 (default: UTF-8, else Windows-1252)"), NULL, NULL},
    {"again", NULL, OPT_FLAG, 0, N_("import rows that were imported already"), NULL, NULL},
    OPT_END,
};

/* Reads --delimiter and --encoding into a->csv; 0, or EXIT_USAGE (said). */
static int csv_args(const char *delim, const char *enc, struct import_args *a)
{
        if (delim == NULL)
                a->csv.delim = 0;
        else if (strcmp(delim, ",") == 0 || strcmp(delim, ";") == 0 || strcmp(delim, "\t") == 0)
                a->csv.delim = delim[0];
        else if (strcasecmp(delim, "tab") == 0 || strcmp(delim, "\\t") == 0)
                a->csv.delim = '\t';
        else
                return opt_bad_value("delimiter", delim);
        if (enc == NULL)
                a->csv.enc = CSV_ENC_AUTO;
        else if (strcasecmp(enc, "utf-8") == 0 || strcasecmp(enc, "utf8") == 0)
                a->csv.enc = CSV_ENC_UTF8;
        else if (strcasecmp(enc, "windows-1252") == 0 || strcasecmp(enc, "cp1252") == 0)
                a->csv.enc = CSV_ENC_CP1252;
        else
                return opt_bad_value("encoding", enc);
        return 0;
}

/* Imports file as the kind named kind. */
static int import_named(struct cli *cli, const char *kind, const char *file,
                        const struct import_args *a)
{
        for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
                if (strcmp(kinds[i]->name, kind) == 0)
                        return import_file(cli, kinds[i], file, a);
        return opt_fail(EXIT_USAGE, _("import: unknown kind '%s' (see renbin import --help)"),
                        kind);
}

static int import_exec(struct cli *cli, int argc, char **argv)
{
        json_t *o = json_object();
        struct progress bar;
        struct import_args a = {.bar = &bar};
        const char *kind, *file;
        struct rb_err e;
        int rest, rc;
        long y;

        if ((rc = opts_parse("import", import_opts, argc, argv, o, &rest)) != 0)
                goto out;
        kind = opts_value(o, &import_opts[0]);
        file = opts_value(o, &import_opts[1]);
        a.year = opts_value(o, &import_opts[3]);
        a.skip_bad = opts_value(o, &import_opts[2]) != NULL;
        a.again = opts_value(o, &import_opts[6]) != NULL;
        progress_start(&bar, progress_wanted(cli), 0);
        interrupt_catch();
        if (a.year != NULL && year_check(a.year, "plan", &y, &e) != 0)
                rc = cli_fail(&e);
        else if ((rc = csv_args(opts_value(o, &import_opts[4]), opts_value(o, &import_opts[5]),
                                &a)) != 0)
                ;
        else if (kind != NULL && file != NULL && rest != argc)
                rc = opts_extra("import", argc, argv, rest);
        else if (kind == NULL || file == NULL)
                rc = opt_fail(EXIT_USAGE, _("usage: renbin import KIND FILE [--skip-bad]"));
        else
                rc = import_named(cli, kind, file, &a);
out:
        json_decref(o);
        return rc;
}

const struct cmd cmd_import = {
    .name = "import",
    .usage = "import KIND FILE|- [--skip-bad] [--again] [--plan YEAR] [--delimiter C]"
             " [--encoding ENC]",
    .summary = N_("import a spreadsheet (CSV): the roster, survey responses and more"),
    .help = N_("  asn   columns NIP,nama,unit,jabatan,golongan,tmt (HR). Re-importing updates\n"
               "        people by NIP and reports what changed; people missing from the file\n"
               "        are listed, not deleted.\n"
               "  survey  columns service,period,u1..u9 [,unit,age,sex,education,job]\n"
               "  units          code,name,kind (HR)\n"
               "  programs       code,title,method,competency,partner,speaker,start,end,jp,\n"
               "                 capacity, into the plan of --plan YEAR (HR)\n"
               "  competencies   code,name,type (HR)\n"
               "  needs          unit,competency,priority,reason [,year]\n"
               "  enrollments    program,nip,status (status reached step by step)\n"
               "  evaluations    program,nip,materi,penyampaian,aplikasi,comment\n"
               "  tests          program,nip,pre,post (pre/post test scores, 0-100)\n"
               "  assessments    nip,competency,period,level,note\n"
               "  mentoring      mentor_nip,mentee_nip,topic,competency,from,to\n"
               "  mentoring-logs mentor_nip,mentee_nip,date,minutes,notes,progress\n"
               "  forums         unit,date,topic,input,follow_up\n"
               "  standard       jabatan,competency,level (HR)\n"
               "Every bad line is reported; nothing is imported while a line is bad, unless\n"
               "--skip-bad. The separator (, ; or tab) is the header line's; a file that is\n"
               "not UTF-8 is read as Windows-1252; dates may be YYYY-MM-DD, DD/MM/YYYY or\n"
               "DD-MM-YYYY.\n"
               "A file whose rows this unit imported already (as the same kind) is refused,\n"
               "naming when and from which file; --again imports it once more.\n"),
    .exec = import_exec,
    .opts = import_opts,
};
