/*
 * cmd_certificate.c - `renbin certificate`: certificates of completion
 * (STTPP). The server issues one with every selesai and revokes it when a
 * correction takes the selesai away (server/certificate.c); they reach the
 * unit's replica and HR's like any row, so `list` and `show` work offline.
 * `show` writes a printable A4 landscape page (HTML with print CSS) holding
 * the verification code as text and as a QR image (libqrencode, drawn as an
 * inline SVG). `verify` asks the server, so any seat can check a code it was
 * handed: exit 0 valid, 4 unknown (or held by a restore, decision 179), 5
 * revoked.
 */
#include "cmds.h"
#include "db.h"
#include "fsutil.h"
#include "i18n.h"
#include "opts.h"
#include "out.h"
#include "query.h"
#include "report_html.h"
#include "table.h"
#include "verbs.h"

#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct opt list_opts[] = {
    {"program", NULL, OPT_CODE, 0, N_("only this program's certificates"), NULL, NULL},
    {"nip", NULL, OPT_NIP, 0, N_("only this person's certificates"), NULL, NULL},
    OPT_END,
};

/* certificate list [--program P] [--nip N]: in the order they were issued. */
static int cert_list(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {N_("NUMBER"), N_("NIP"),  N_("NAME"),   N_("PROGRAM"),
                                              N_("YEAR"),   N_("CODE"), N_("ISSUED"), N_("REVOKED"),
                                              N_("REASON"), NULL};

        return verb_list(cli, argc, argv, list_opts,
                         "SELECT c.number, c.nip, ifnull(a.name, '') AS name, c.program, c.year,"
                         " c.code, c.issued_at, c.revoked_at, c.revoked_reason"
                         " FROM certificates c LEFT JOIN asn a ON a.nip = c.nip"
                         " WHERE (?1 IS NULL OR c.program = ?1) AND (?2 IS NULL OR c.nip = ?2)"
                         " ORDER BY c.year, c.id",
                         headers);
}

/* One certificate as show prints it: the columns of SQL_SHOW. */
enum {
        S_NUMBER,
        S_CODE,
        S_NIP,
        S_NAME,
        S_PROGRAM,
        S_TITLE,
        S_START,
        S_END,
        S_JP,
        S_PARTNER,
        S_ISSUED,
        S_REVOKED,
        S_REASON,
        S_N
};
static const char SQL_SHOW[] =
    "SELECT c.number, c.code, c.nip, ifnull(a.name, ''), c.program, ifnull(p.title, ''),"
    " ifnull(p.start_date, ''), ifnull(p.end_date, ''), ifnull(p.jp, 0), ifnull(p.partner, ''),"
    " c.issued_at, ifnull(c.revoked_at, ''), ifnull(c.revoked_reason, '')"
    " FROM certificates c LEFT JOIN asn a ON a.nip = c.nip"
    " LEFT JOIN programs p ON p.code = c.program WHERE c.number = ?1";

struct cert_row {
        char col[S_N][512];
};

/* Writes code's QR symbol (level M) as an inline SVG, one rect per dark
 * module, with the four-module quiet zone the standard asks for. */
static int qr_svg(FILE *f, const char *code)
{
        QRcode *qr = QRcode_encodeString(code, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
        int w, size;

        if (qr == NULL)
                return -1;
        w = qr->width;
        size = w + 8;
        fprintf(f,
                "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\""
                " shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR\">"
                "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>",
                size, size, size, size);
        for (int y = 0; y < w; y++)
                for (int x = 0; x < w; x++)
                        if (qr->data[y * w + x] & 1)
                                fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"1\" height=\"1\"/>",
                                        x + 4, y + 4);
        fputs("</svg>", f);
        QRcode_free(qr);
        return 0;
}

static const char PAGE_CSS[] =
    "@page{size:A4 landscape;margin:12mm}"
    "html,body{margin:0;font-family:'DejaVu Serif',Georgia,serif;color:#111}"
    ".sheet{box-sizing:border-box;width:273mm;height:186mm;border:3px double #1a3d6d;"
    "padding:12mm 16mm;position:relative;page-break-after:avoid}"
    "h1{font-size:26pt;margin:0 0 2mm;text-align:center;letter-spacing:2px;color:#1a3d6d}"
    ".sub{text-align:center;font-size:12pt;margin:0 0 8mm}"
    ".number{text-align:center;font-size:12pt;margin-bottom:8mm}"
    ".name{text-align:center;font-size:22pt;font-weight:bold;margin:2mm 0}"
    ".nip{text-align:center;font-size:12pt;margin-bottom:6mm}"
    ".body{text-align:center;font-size:13pt;line-height:1.5}"
    ".verify{position:absolute;right:16mm;bottom:12mm;text-align:center;font-size:9pt}"
    ".verify svg{width:32mm;height:32mm;display:block;margin:0 auto 2mm}"
    ".code{font-family:'DejaVu Sans Mono',monospace;font-size:11pt;letter-spacing:1px}"
    ".issued{position:absolute;left:16mm;bottom:12mm;font-size:10pt}"
    "@media screen{body{background:#ddd}.sheet{margin:10mm auto;background:#fff}}";

/* A Unix time as the district's (WIB) date, YYYY-MM-DD. */
static void wib_date(const char *unix_text, char out[16])
{
        time_t t = (time_t)atoll(unix_text) + 7 * 3600;
        struct tm tm;

        gmtime_r(&t, &tm);
        strftime(out, 16, "%Y-%m-%d", &tm);
}

/* Writes the markup before, then text escaped. */
static void part(FILE *f, const char *before, const char *text)
{
        fputs(before, f);
        html_esc(f, text);
}

/* Writes the page's body: who, what, when, the number and the code. */
static int page_body(FILE *f, const struct cert_row *r)
{
        char issued[16], number[600], dates[600], on[64];

        wib_date(r->col[S_ISSUED], issued);
        snprintf(number, sizeof(number), _("Number: %s"), r->col[S_NUMBER]);
        snprintf(dates, sizeof(dates), _("from %s to %s, %s JP"), r->col[S_START], r->col[S_END],
                 r->col[S_JP]);
        snprintf(on, sizeof(on), _("Issued on %s"), issued);
        part(f, "<div class=\"sheet\"><h1>", _("CERTIFICATE OF COMPLETION"));
        part(f, "</h1><p class=\"sub\">", _("Surat Tanda Tamat Pendidikan dan Pelatihan (STTPP)"));
        part(f, "</p><p class=\"number\">", number);
        part(f, "</p><p class=\"body\">", _("This certifies that"));
        part(f, "</p><p class=\"name\">", r->col[S_NAME]);
        part(f, "</p><p class=\"nip\">NIP ", r->col[S_NIP]);
        part(f, "</p><p class=\"body\">", _("has completed"));
        part(f, "<br><strong>", r->col[S_TITLE]);
        part(f, "</strong> (", r->col[S_PROGRAM]);
        part(f, ")<br>", dates);
        part(f, "</p><p class=\"issued\">", on);
        fputs("</p><div class=\"verify\">", f);
        if (qr_svg(f, r->col[S_CODE]) != 0)
                return -1;
        html_esc(f, _("Verification code"));
        part(f, "<br><span class=\"code\">", r->col[S_CODE]);
        part(f, "</span><br>renbin certificate verify ", r->col[S_CODE]);
        fputs("</div></div>", f);
        return 0;
}

/* Writes the whole page of r to path through fs_out: 0, or -1 with e. */
static int page_write(const char *path, const struct cert_row *r, struct rb_err *e)
{
        struct fs_out o;

        if (fs_out_open(&o, path, 0666, FS_OUT_REPLACE, e) != 0)
                return -1;
        fputs("<!DOCTYPE html>\n<html lang=\"id\"><head><meta charset=\"utf-8\"><title>", o.f);
        html_esc(o.f, r->col[S_NUMBER]);
        fprintf(o.f, "</title><style>%s</style></head><body>", PAGE_CSS);
        if (page_body(o.f, r) != 0) {
                fs_out_abort(&o);
                return err_set(e, RB_INTERNAL, NULL, _("cannot draw the QR code of %s"),
                               r->col[S_CODE]);
        }
        fputs("</body></html>\n", o.f);
        return fs_out_commit(&o, e);
}

/* Reads certificate number from the replica into r: 1, 0 when absent, -1. */
static int cert_read(struct cli *cli, const char *number, struct cert_row *r, struct rb_err *e)
{
        sqlite3_stmt *st;
        int found;

        if (cli_db(cli, e) == NULL || (st = db_stmt(cli->db, SQL_SHOW, e)) == NULL)
                return -1;
        sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
        if ((found = db_step(cli->db, st, e)) > 0)
                for (int i = 0; i < S_N; i++)
                        snprintf(r->col[i], sizeof(r->col[i]), "%s", db_col_text(st, i));
        sqlite3_reset(st);
        return found;
}

static const struct opt show_opts[] = {
    {"NUMBER", "number", OPT_ARG, 1, N_("the certificate's number"), NULL, NULL},
    {"out", NULL, OPT_VALUE, 1, N_("the HTML file to write (print it to PDF or paper)"), NULL,
     NULL},
    OPT_END,
};

/* certificate show NUMBER --out FILE */
static int cert_show(struct cli *cli, int argc, char **argv)
{
        json_t *args = json_object();
        struct cert_row *r = calloc(1, sizeof(*r));
        struct rb_err e;
        int rest, rc, found;

        if (r == NULL || args == NULL)
                rc = opt_fail(EXIT_FAIL, "%s", _("out of memory"));
        else if ((rc = opts_parse("certificate show", show_opts, argc, argv, args, &rest)) != 0)
                ;
        else if (rest != argc)
                rc = opts_extra("certificate show", argc, argv, rest);
        else if ((found = cert_read(cli, opts_value(args, &show_opts[0]), r, &e)) <= 0)
                rc = found < 0 ? cli_fail(&e)
                               : opt_fail(EXIT_NOT_FOUND,
                                          _("no certificate %s here (renbin sync brings new ones)"),
                                          opts_value(args, &show_opts[0]));
        else if (r->col[S_REVOKED][0] != '\0')
                rc = opt_fail(EXIT_REFUSED, _("certificate %s was revoked: %s"), r->col[S_NUMBER],
                              r->col[S_REASON]);
        else if (page_write(opts_value(args, &show_opts[1]), r, &e) != 0)
                rc = cli_fail(&e);
        else
                out_say(cli, _("certificate %s written to %s\n"), r->col[S_NUMBER],
                        opts_value(args, &show_opts[1]));
        json_decref(args);
        free(r);
        return rc;
}

/* A text key of the verify document ("" when null). */
static const char *vtext(json_t *doc, const char *key)
{
        const char *s = json_string_value(json_object_get(doc, key));
        return s != NULL ? s : "";
}

/* Prints what verify found, as text. */
static void verify_print(json_t *doc, int revoked)
{
        printf("%s\n", revoked ? _("REVOKED: this certificate is no longer valid")
                               : _("VALID: the certificate is genuine"));
        printf(_("number:  %s\n"), vtext(doc, "number"));
        printf(_("name:    %s (NIP %s)\n"), vtext(doc, "name"), vtext(doc, "nip"));
        printf(_("program: %s (%s)\n"), vtext(doc, "title"), vtext(doc, "program"));
        printf(_("dates:   %s to %s\n"), vtext(doc, "start_date"), vtext(doc, "end_date"));
        printf(_("JP:      %lld\n"), (long long)json_integer_value(json_object_get(doc, "jp")));
        if (revoked)
                printf(_("reason:  %s\n"), vtext(doc, "revoked_reason"));
}

static const struct opt verify_opts[] = {
    {"CODE", "code", OPT_ARG, 1, N_("the verification code printed on the certificate"), NULL,
     NULL},
    OPT_END,
};

/* certificate verify CODE: exit 0 valid, 4 unknown, 5 revoked. */
static int cert_verify(struct cli *cli, int argc, char **argv)
{
        json_t *args = json_object(), *doc = NULL;
        const char *result, *code;
        struct rb_err e;
        int rest, rc;

        if ((rc = opts_parse("certificate verify", verify_opts, argc, argv, args, &rest)) != 0 ||
            (rest != argc && (rc = opts_extra("certificate verify", argc, argv, rest)) != 0))
                goto out;
        code = opts_value(args, &verify_opts[0]);
        if ((doc = query_run(cli, "certificate.verify", &e, "code", code, NULL)) == NULL) {
                rc = cli_fail(&e);
                goto out;
        }
        result = vtext(doc, "result");
        rc = strcmp(result, "valid") == 0     ? EXIT_OK
             : strcmp(result, "revoked") == 0 ? EXIT_REFUSED
                                              : EXIT_NOT_FOUND;
        if (cli->json)
                out_json(json_incref(doc));
        else if (rc != EXIT_NOT_FOUND)
                verify_print(doc, rc == EXIT_REFUSED);
        if (strcmp(result, "held") == 0)
                opt_fail(rc,
                         _("certificate %s was given before the server was restored from a "
                           "backup, and its completion has not reached the server again: "
                           "verify it again once the office that recorded it has synced (HR: "
                           "renbin certificate held shows whose completion it waits for)"),
                         vtext(doc, "number"));
        else if (rc == EXIT_NOT_FOUND)
                opt_fail(rc, _("no certificate has the code %s: it is not genuine"), code);
        else if (rc == EXIT_REFUSED)
                opt_fail(rc, _("certificate %s was revoked: %s"), vtext(doc, "number"),
                         vtext(doc, "revoked_reason"));
out:
        json_decref(doc);
        json_decref(args);
        return rc;
}

static const struct opt held_opts[] = {
    {"unit", NULL, OPT_CODE, 0, N_("only this unit's (an office sees its own)"), NULL, NULL},
    OPT_END,
};

/* The table's rows for the held certificates of doc (in CSV, an
 * enrollment not on the server is an empty cell, as the other nulls). */
static json_t *held_table(json_t *doc, int csv)
{
        json_t *rows = json_array(), *row;
        size_t i;

        json_array_foreach(json_object_get(doc, "rows"), i, row)
        {
                char issued[32], at[16];
                const char *status = vtext(row, "status");

                snprintf(at, sizeof(at), "%lld",
                         (long long)json_integer_value(json_object_get(row, "issued_at")));
                wib_date(at, issued);
                json_array_append_new(
                    rows, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "number",
                                    vtext(row, "number"), "nip", vtext(row, "nip"), "name",
                                    vtext(row, "name"), "program", vtext(row, "program"), "unit",
                                    vtext(row, "unit"), "issued", issued, "status",
                                    status[0] != '\0' || csv ? status : _("not on the server")));
        }
        return rows;
}

/* certificate held [--unit U]: the certificates a restore holds until their
 * completion comes back (decision 181), asked of the server. */
static int cert_held_list(struct cli *cli, int argc, char **argv)
{
        static const char *const headers[] = {N_("NUMBER"),         N_("NIP"),  N_("NAME"),
                                              N_("PROGRAM"),        N_("UNIT"), N_("ISSUED"),
                                              N_("ENROLLMENT NOW"), NULL};
        json_t *args = json_object(), *doc = NULL, *rows;
        struct rb_err e;
        int rest, rc;

        if ((rc = opts_parse("certificate held", held_opts, argc, argv, args, &rest)) != 0 ||
            (rest != argc && (rc = opts_extra("certificate held", argc, argv, rest)) != 0))
                goto out;
        err_clear(&e);
        if ((doc = query_run(cli, "certificate.held", &e, "unit", opts_value(args, &held_opts[0]),
                             NULL)) == NULL) {
                rc = cli_fail(&e);
                goto out;
        }
        if (cli->json) {
                rc = out_json(json_incref(doc));
                goto out;
        }
        rows = held_table(doc, cli->csv);
        if (json_array_size(rows) == 0 && !cli->csv) {
                printf(_("no certificate of completion is held\n"));
                json_decref(rows);
        } else {
                table_print_json(cli, rows, headers); /* takes rows */
                if (!cli->csv)
                        printf(_(
                            "each gets its number and code back when its office sends the selesai "
                            "again, or when HR records it\n"));
        }
out:
        json_decref(doc);
        json_decref(args);
        return rc;
}

static const struct verb cert_verbs[] = {
    {"list", cert_list, list_opts},
    {"show", cert_show, show_opts},
    {"verify", cert_verify, verify_opts},
    {"held", cert_held_list, held_opts},
    {NULL, NULL, NULL},
};

const struct cmd cmd_certificate = {
    .name = "certificate",
    .usage = "certificate list [--program P] [--nip NIP]\n"
             "       | certificate show NUMBER --out FILE\n"
             "       | certificate verify CODE\n"
             "       | certificate held [--unit U]",
    .summary = N_("certificates of completion (STTPP): list, print, verify, held"),
    .help = N_("Every enrollment that reaches selesai gets a certificate from the server: a\n"
               "number in the district's sequence of the program's end year and a\n"
               "verification code. A correction that takes the selesai away revokes it; a\n"
               "number is never given again. show writes a printable A4 landscape page\n"
               "with the code as text and as a QR image. verify asks the server: exit 0\n"
               "valid, 4 no such code (or one given before a restore whose completion\n"
               "has not reached the server again), 5 revoked. held lists the certificates\n"
               "a restore of the server holds until their completion comes back.\n"),
    .exec = cert_list,
    .verbs = cert_verbs,
};
