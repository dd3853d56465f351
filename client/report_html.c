/*
 * report_html.c - `renbin report html`: the year on one page for the head of
 * the district. One self-contained HTML file: inline CSS (A4 print and a
 * narrow-screen layout for phones) and inline SVG charts; no scripts, fonts
 * or images from anywhere. Every text from the data is escaped. The page
 * holds what the caller's role may see (HR: every unit; an office: its own),
 * because every figure comes from the server's reports (or their saved copies).
 * Every word on the page goes through gettext and is escaped like the data;
 * the page's lang attribute names the catalog actually used. Decimals are
 * written as the catalog's language writes them (i18n_number: a decimal
 * comma in Indonesian); LC_NUMERIC stays "C".
 */
#include "db.h"
#include "fsutil.h"
#include "i18n.h"
#include "report.h"
#include "report_html.h"
#include "validate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A column heading of a table: its label (translated at use), right-aligned. */
struct col {
        const char *label;
        int num;
};

/* Fill colours of ratings 1..5, from poor to good. */
/* x as the page's language writes a decimal (one use per printed line: the
 * text lives in one buffer). */
static const char *dec(double x)
{
        static char buf[32];

        return i18n_number(x, buf, sizeof(buf));
}

static const char *const rating_fill[5] = {"#c0392b", "#e67e22", "#f1c40f", "#7fb77e", "#2e7d32"};

/* The page's style. Every chart is drawn twice: .wide (label beside its bar;
 * desktop and print) and .narrow (label above its bar, shown on screens up to
 * 640 px instead). On such screens a table's rows become blocks whose cells
 * flow, each led by its column's label (data-label). */
static const char CSS[] =
    "body{font-family:'DejaVu Sans',Arial,Helvetica,sans-serif;color:#222;margin:0 auto;"
    "max-width:60em;padding:1em 1.5em;line-height:1.4}"
    "h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;border-bottom:2px solid #2c5d8a;"
    "color:#2c5d8a;margin-top:1.6em}h3{font-size:1.05em;margin:1em 0 .3em}"
    "table{border-collapse:collapse;width:100%;font-size:.9em;margin:.5em 0}"
    "th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left}"
    "td.n,th.n{text-align:right}th{background:#eef3f8}"
    ".meta{color:#555;font-size:.9em}.note{color:#555;font-size:.85em}"
    ".hidden{color:#7a4b00;background:#fff4e0;padding:.3em .6em;border-left:4px solid #e67e22}"
    ".grade-A{color:#1b5e20}.grade-B{color:#2c5d8a}.grade-C{color:#a05a00}"
    ".grade-D{color:#b71c1c}svg{width:100%;height:auto;display:block}"
    ".chart{margin:.3em 0}.chart svg.narrow{display:none}"
    ".card{break-inside:avoid;page-break-inside:avoid;margin-bottom:1em}"
    ".wrap{overflow-x:auto}.nw{white-space:nowrap}"
    "@media screen and (max-width:640px){body{padding:.5em}h1{font-size:1.3em}"
    ".chart svg.wide{display:none}.chart svg.narrow{display:block}"
    "table,tbody,tr{display:block}thead{display:none}table{font-size:.85em}"
    "tr{border-bottom:1px solid #ccc;padding:.35em 0}tr:first-child{border-top:1px solid #ccc}"
    "td,td.n{display:inline-block;border:none;padding:0 .9em 0 0;text-align:left;"
    "max-width:100%}td::before{content:attr(data-label) \": \";color:#666}"
    "td:first-child{display:block;font-weight:bold}td:first-child::before{content:none}}"
    "@media print{@page{size:A4;margin:15mm}body{max-width:none;padding:0;font-size:10pt}"
    "h2{break-after:avoid;page-break-after:avoid}.wrap{overflow:visible}"
    "tr{break-inside:avoid;page-break-inside:avoid}}";

/* Helpers of the sections, in the order they appear below. */
static void plan_meta(FILE *f, json_t *doc);
static void plan_chart(FILE *f, json_t *t);
static void plan_row(FILE *f, const struct col *cols, json_t *p);
static int ikm_chart(FILE *f, json_t *units);
static void ikm_weakest(FILE *f, json_t *u);
static void ikm_row(FILE *f, const struct col *cols, json_t *u);
static void page_head(FILE *f, long year, json_t *plan, json_t *jp, int64_t oldest);

/* Writes the first len bytes of s escaped for HTML text and attribute values. */
static void escn(FILE *f, const char *s, size_t len)
{
        for (; s != NULL && len > 0 && *s; s++, len--) {
                switch (*s) {
                case '&':
                        fputs("&amp;", f);
                        break;
                case '<':
                        fputs("&lt;", f);
                        break;
                case '>':
                        fputs("&gt;", f);
                        break;
                case '"':
                        fputs("&quot;", f);
                        break;
                case '\'':
                        fputs("&#39;", f);
                        break;
                default:
                        fputc(*s, f);
                }
        }
}

/* Writes s escaped for HTML text and attribute values. */
static void esc(FILE *f, const char *s)
{
        escn(f, s, s != NULL ? strlen(s) : 0);
}

/* Writes a printf-formatted text (a translated format) escaped for HTML. */
static void escf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void escf(FILE *f, const char *fmt, ...)
{
        char buf[1024];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        esc(f, buf);
}

/* Writes open and close (HTML) around text (already translated), escaped. */
static void tagged(FILE *f, const char *open, const char *text, const char *close)
{
        fputs(open, f);
        esc(f, text);
        fputs(close, f);
}

/* Opens a table with its heading row, each label translated. */
static void table_open(FILE *f, const struct col *cols)
{
        fputs("<div class=\"wrap\"><table><thead><tr>", f);
        for (; cols->label != NULL; cols++)
                tagged(f, cols->num ? "<th class=\"n\">" : "<th>", _(cols->label), "</th>");
        fputs("</tr></thead><tbody>", f);
}

/* Opens a cell of column c, its label (translated) in data-label for phones. */
static void td(FILE *f, const struct col *c)
{
        fputs(c->num ? "<td class=\"n\" data-label=\"" : "<td data-label=\"", f);
        esc(f, _(c->label));
        fputs("\">", f);
}

/* A cell of column c holding text. */
static void td_text(FILE *f, const struct col *c, const char *text)
{
        td(f, c);
        esc(f, text);
        fputs("</td>", f);
}

/* A cell of column c holding a code and its name ("KEL-BLW1 Kelurahan ..."). */
static void td_pair(FILE *f, const struct col *c, const char *code, const char *name)
{
        td(f, c);
        esc(f, code);
        fputs(" ", f);
        esc(f, name);
        fputs("</td>", f);
}

/* Words of the reports' data that are English rather than domain terms
 * (a plan's status, the questionnaire's "overall"), with their labels. */
static const struct {
        const char *word, *label;
} data_words[] = {
    {"draft", N_("draft")},
    {"approved", N_("approved")},
    /* TRANSLATORS: the questionnaire's fourth dimension: the three together. */
    {"overall", N_("overall")},
};

/* A data word as people read it: translated when the table has it. */
static const char *shown(const char *word)
{
        for (size_t i = 0; i < sizeof(data_words) / sizeof(data_words[0]); i++)
                if (strcmp(word, data_words[i].word) == 0)
                        return _(data_words[i].label);
        return word;
}

/* A numeric member as a double. */
static double dbl(json_t *o, const char *k)
{
        return json_number_value(json_object_get(o, k));
}

/* A numeric member as an integer. */
static long long lng(json_t *o, const char *k)
{
        json_t *v = json_object_get(o, k);
        return json_is_integer(v) ? json_integer_value(v) : (long long)json_number_value(v);
}

/* Kinds of a chart's row: a bar, a bar stacked from the 1-5 ratings, a
 * heading (bold, no bar), a line of text. */
enum { ROW_BAR, ROW_STACK, ROW_HEAD, ROW_NOTE };

/* One row of a chart: its label and, for a bar, value of max and the text at
 * its right; for a stacked bar the answers rated 1..5 of n. */
struct row {
        int kind;
        char label[320], text[160];
        double value, max, n;
        const char *fill;
        long long dist[5];
};

/* Where a layout of a chart puts things, in SVG units (12-unit text). */
struct geo {
        int w;      /* the viewBox's width */
        int lw;     /* the labels' column beside the bars; 0: each label above its bar */
        int bx, bw; /* the bars' start and full width */
};

/* Height of a line of text, and the width a character is taken to need. */
#define LINE_H 15
#define CHAR_W 7.2

/* Number of characters (UTF-8 code points) of s. */
static size_t chars(const char *s)
{
        size_t n = 0;

        for (; *s; s++)
                n += ((unsigned char)*s & 0xC0) != 0x80;
        return n;
}

/* Bytes of s's first line of at most max characters, broken after a word
 * when one fits; *next is where the rest starts. */
static size_t line_len(const char *s, size_t max, const char **next)
{
        size_t i = 0, n = 0, space = 0;

        for (; s[i]; i++) {
                if (((unsigned char)s[i] & 0xC0) == 0x80)
                        continue;
                if (s[i] == ' ')
                        space = i;
                if (n == max && n > 0)
                        break;
                n++;
        }
        if (s[i] == '\0' || space == 0) {
                *next = s + i;
                return i;
        }
        *next = s + space + 1;
        return space;
}

/* Number of lines of at most max characters that s takes. */
static int lines(const char *s, size_t max)
{
        int n = 1;

        while (line_len(s, max, &s), *s)
                n++;
        return n;
}

/* Writes s as lines of at most max characters from (x, y), one below another. */
static void text_lines(FILE *f, const char *s, size_t max, int x, int y, int bold)
{
        do {
                const char *next;
                size_t len = line_len(s, max, &next);
                fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\"%s>", x, y,
                        bold ? " font-weight=\"bold\"" : "");
                escn(f, s, len);
                fputs("</text>", f);
                s = next;
                y += LINE_H;
        } while (*s);
}

/* Characters per line of a row's label in layout g. */
static size_t label_max(const struct geo *g, const struct row *r)
{
        if (r->kind == ROW_HEAD) /* bold letters are wider */
                return (size_t)(g->w / (CHAR_W * 1.15));
        if (r->kind == ROW_NOTE || g->lw == 0)
                return (size_t)(g->w / CHAR_W);
        return (size_t)((g->lw - 8) / CHAR_W + 0.5);
}

/* Height of a row in layout g. */
static int row_height(const struct geo *g, const struct row *r)
{
        int k = lines(r->label, label_max(g, r));

        if (r->kind == ROW_HEAD || r->kind == ROW_NOTE)
                return k * LINE_H + 5;
        if (g->lw == 0)
                return k * LINE_H + 26;
        return k * LINE_H + 9 > 24 ? k * LINE_H + 9 : 24;
}

/* Writes one row at y in layout g. */
static void row_draw(FILE *f, const struct geo *g, const struct row *r, int y)
{
        size_t max = label_max(g, r);
        int by = y;

        if (r->kind == ROW_HEAD || r->kind == ROW_NOTE) {
                text_lines(f, r->label, max, 0, y + 13, r->kind == ROW_HEAD);
                return;
        }
        if (g->lw == 0) {
                text_lines(f, r->label, max, 0, y + 12, 0);
                by = y + lines(r->label, max) * LINE_H + 1;
        } else {
                text_lines(f, r->label, max, 0, y + 13, 0);
        }
        fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"#eee\"/>", g->bx, by,
                g->bw);
        if (r->kind == ROW_BAR) {
                double w =
                    r->max > 0 ? g->bw * (r->value > r->max ? r->max : r->value) / r->max : 0;
                fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"%s\"/>",
                        g->bx, by, w, r->fill);
        } else {
                double x = g->bx;
                for (int k = 0; k < 5; k++) {
                        double w = r->n > 0 ? g->bw * (double)r->dist[k] / r->n : 0;
                        if (w > 0)
                                fprintf(f,
                                        "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
                                        "height=\"16\" fill=\"%s\"><title>%d: %lld</title>"
                                        "</rect>",
                                        x, by, w, rating_fill[k], k + 1, r->dist[k]);
                        x += w;
                }
        }
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\">", g->bx + g->bw + 6, by + 13);
        esc(f, r->text);
        fputs("</text>", f);
}

/* Writes one layout of a chart (narrow or wide) as an SVG named by label;
 * legend adds the key of the ratings' colours. */
static void chart_layout(FILE *f, const char *label, const struct row *rows, size_t n, int legend,
                         int narrow)
{
        struct geo g = {narrow ? 360 : 720, 0, 0, 0};
        double lw = 0, tw = 0;
        int y = 4;
        size_t i;

        for (i = 0; i < n; i++) {
                if (rows[i].kind != ROW_BAR && rows[i].kind != ROW_STACK)
                        continue;
                if (chars(rows[i].label) * CHAR_W > lw)
                        lw = chars(rows[i].label) * CHAR_W;
                if (chars(rows[i].text) * CHAR_W > tw)
                        tw = chars(rows[i].text) * CHAR_W;
        }
        /* Wide: a 250-unit label column; narrow: labels beside short bars
         * only when they are all short, else above. */
        g.lw = !narrow ? 250 : lw <= 120 ? (int)lw + 10 : 0;
        g.bx = g.lw;
        g.bw = g.w - g.lw - 6 - (int)tw;
        for (i = 0; i < n; i++)
                y += row_height(&g, &rows[i]);
        fprintf(f,
                "<svg class=\"%s\" viewBox=\"0 0 %d %d\" role=\"img\" "
                "aria-label=\"",
                narrow ? "narrow" : "wide", g.w, y + (legend ? 24 : 4));
        esc(f, label);
        fputs("\">", f);
        for (y = 4, i = 0; i < n; i++) {
                row_draw(f, &g, &rows[i], y);
                y += row_height(&g, &rows[i]);
        }
        if (legend) {
                fputs("<g font-size=\"11\">", f);
                for (int k = 0; k < 5; k++)
                        fprintf(f,
                                "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" "
                                "fill=\"%s\"/><text x=\"%d\" y=\"%d\">%d</text>",
                                g.bx + k * 40, y + 4, rating_fill[k], g.bx + 16 + k * 40, y + 14,
                                k + 1);
                fputs("</g>", f);
        }
        fputs("</svg>", f);
}

/* Writes a chart of rows named by a translated label, in both layouts. */
static void chart(FILE *f, const char *label, const struct row *rows, size_t n, int legend)
{
        fputs("<div class=\"chart\">", f);
        chart_layout(f, label, rows, n, legend, 0);
        chart_layout(f, label, rows, n, legend, 1);
        fputs("</div>", f);
}

/* A bar row: value of max in fill, text at its right. */
static void bar(struct row *r, const char *label, double value, double max, const char *fill,
                const char *text)
{
        memset(r, 0, sizeof(*r));
        r->kind = ROW_BAR;
        snprintf(r->label, sizeof(r->label), "%s", label);
        snprintf(r->text, sizeof(r->text), "%s", text);
        r->value = value;
        r->max = max;
        r->fill = fill;
}

/* A row of text only: a heading or a note. */
static void text_row(struct row *r, int kind, const char *label)
{
        memset(r, 0, sizeof(*r));
        r->kind = kind;
        snprintf(r->label, sizeof(r->label), "%s", label);
}

/* Opens the plan's section: its heading and the plan's title, status, date. */
static void plan_meta(FILE *f, json_t *doc)
{
        tagged(f, "<section><h2>", _("Plan progress"), "</h2><p class=\"meta\">");
        esc(f, report_str(json_object_get(doc, "plan"), "title"));
        fputs(" &middot; ", f);
        escf(f, _("status %s"), shown(report_str(json_object_get(doc, "plan"), "status")));
        fputs(" &middot; ", f);
        escf(f, _("as of %s"), report_str(doc, "today"));
        fputs("</p>", f);
}

/* The plan's chart from its totals t: held, enrolled, completed, JP. */
static void plan_chart(FILE *f, json_t *t)
{
        struct row rows[4];
        char txt[160];

        /* TRANSLATORS: programs held of programs planned, e.g. "2 of 3" */
        snprintf(txt, sizeof(txt), _("%lld of %lld"), lng(t, "held"), lng(t, "planned"));
        bar(&rows[0], _("Programs held"), dbl(t, "held"), dbl(t, "planned"), "#2c5d8a", txt);
        snprintf(
            txt, sizeof(txt),
            ngettext("%lld of %lld seat", "%lld of %lld seats", (unsigned long)lng(t, "seats")),
            lng(t, "enrolled"), lng(t, "seats"));
        bar(&rows[1], _("Enrolled"), dbl(t, "enrolled"), dbl(t, "seats"), "#5b8fbf", txt);
        snprintf(txt, sizeof(txt), _("%lld of %lld enrolled"), lng(t, "completed"),
                 lng(t, "enrolled"));
        bar(&rows[2], _("Completed"), dbl(t, "completed"), dbl(t, "enrolled"), "#2e7d32", txt);
        snprintf(txt, sizeof(txt),
                 _("JP delivered: %lld (JP credited to everyone who completed a program)"),
                 lng(t, "jp_delivered"));
        text_row(&rows[3], ROW_NOTE, txt);
        chart(f, _("plan progress"), rows, 4, 0);
}

/* One program p of the plan as a table row of cols. */
static void plan_row(FILE *f, const struct col *cols, json_t *p)
{
        fputs("<tr>", f);
        td_pair(f, &cols[0], report_str(p, "code"), report_str(p, "title"));
        td_text(f, &cols[1], report_str(p, "method"));
        td_text(f, &cols[2], report_str(p, "competency"));
        td(f, &cols[3]);
        fputs("<span class=\"nw\">", f);
        esc(f, report_str(p, "start_date"));
        fputs("</span> &ndash; <span class=\"nw\">", f);
        esc(f, report_str(p, "end_date"));
        fputs("</span></td>", f);
        td(f, &cols[4]);
        fprintf(f, "%lld</td>", lng(p, "seats"));
        td(f, &cols[5]);
        fprintf(f, "%lld</td>", lng(p, "enrolled"));
        td(f, &cols[6]);
        fprintf(f, "%lld</td>", lng(p, "completed"));
        td(f, &cols[7]);
        fprintf(f, "%lld</td>", lng(p, "jp_delivered"));
        td(f, &cols[8]);
        esc(f, json_is_true(json_object_get(p, "held")) ? _("yes") : _("no"));
        fputs("</td></tr>", f);
}

/* The plan: totals as bars, programs as a table. */
static void section_plan(FILE *f, json_t *doc)
{
        static const struct col cols[] = {{N_("Program"), 0},    {N_("Method"), 0},
                                          {N_("Competency"), 0}, {N_("Dates"), 0},
                                          {N_("Seats"), 1},      {N_("Enrolled"), 1},
                                          {N_("Completed"), 1},  {N_("JP delivered"), 1},
                                          {N_("Held"), 0},       {NULL, 0}};
        json_t *p;
        size_t i;

        plan_meta(f, doc);
        plan_chart(f, json_object_get(doc, "total"));
        table_open(f, cols);
        json_array_foreach(json_object_get(doc, "programs"), i, p) plan_row(f, cols, p);
        fputs("</tbody></table></div></section>", f);
}

/* JP compliance per unit as bars; the people below the minimum as a table. */
static void section_jp(FILE *f, json_t *doc)
{
        static const struct col cols[] = {{N_("NIP"), 0}, {N_("Name"), 0},     {N_("Unit"), 0},
                                          {N_("JP"), 1},  {N_("Short by"), 1}, {NULL, 0}};
        json_t *units = json_object_get(doc, "units"), *u, *b;
        size_t i, n = json_array_size(units);
        struct row *rows = calloc(n ? n : 1, sizeof(*rows));
        char txt[96];

        tagged(f, "<section><h2>", _("JP compliance per unit"), "</h2><p class=\"meta\">");
        escf(f,
             ngettext("Share of ASN with at least %lld JP in %lld (klasikal and mentoring; 1 JP = "
                      "%lld minute).",
                      "Share of ASN with at least %lld JP in %lld (klasikal and mentoring; 1 JP = "
                      "%lld minutes).",
                      (unsigned long)lng(doc, "jp_minutes")),
             lng(doc, "minimum_jp"), lng(doc, "year"), lng(doc, "jp_minutes"));
        fputs("</p>", f);
        if (rows == NULL)
                return;
        json_array_foreach(units, i, u)
        {
                char label[160];
                snprintf(label, sizeof(label), "%s %s", report_str(u, "unit"),
                         report_str(u, "name"));
                snprintf(txt, sizeof(txt), "%lld/%lld (%s%%)", lng(u, "compliant"), lng(u, "asn"),
                         dec(dbl(u, "share_compliant_pct")));
                bar(&rows[i], label, dbl(u, "share_compliant_pct"), 100,
                    dbl(u, "share_compliant_pct") >= 100 ? "#2e7d32" : "#e67e22", txt);
        }
        chart(f, _("JP compliance"), rows, n, 0);
        free(rows);
        if (json_array_size(json_object_get(doc, "below")) > 0) {
                tagged(f, "<h3>", _("Below the minimum"), "</h3>");
                table_open(f, cols);
                json_array_foreach(json_object_get(doc, "below"), i, b)
                {
                        fputs("<tr>", f);
                        td_text(f, &cols[0], report_str(b, "nip"));
                        td_text(f, &cols[1], report_str(b, "name"));
                        td_text(f, &cols[2], report_str(b, "unit"));
                        td(f, &cols[3]);
                        fprintf(f, "%s</td>", dec(dbl(b, "total_jp")));
                        td(f, &cols[4]);
                        fprintf(f, "%s</td></tr>", dec(dbl(b, "shortfall_jp")));
                }
                fputs("</tbody></table></div>", f);
        }
        fputs("</section>", f);
}

/* Why a program's results are hidden: too few answers, or (the server's
 * reason) hidden to protect another group. */
static void hidden_note(FILE *f, json_t *doc)
{
        tagged(f, "</p><p class=\"hidden\">",
               lng(doc, "responses") < lng(doc, "min_group")
                   ? _("Fewer than 3 answers: results are not shown, so no answer can be "
                       "traced to a person.")
                   : report_str(doc, "reason"),
               "</p></div>");
}

/* One program's questionnaire: stacked bars of the 1-5 distribution. */
static void program_card(FILE *f, json_t *doc)
{
        json_t *p = json_object_get(doc, "program"), *d;
        struct row rows[8];
        size_t i, n = 0;

        fputs("<div class=\"card\"><h3>", f);
        esc(f, report_str(p, "code"));
        fputs(" ", f);
        esc(f, report_str(p, "title"));
        fputs("</h3><p class=\"meta\">", f);
        escf(f, ngettext("%lld answer", "%lld answers", (unsigned long)lng(doc, "responses")),
             lng(doc, "responses"));
        escf(f,
             ngettext(" from %lld attendee (%s%%)", " from %lld attendees (%s%%)",
                      (unsigned long)lng(doc, "attendees")),
             lng(doc, "attendees"), dec(dbl(doc, "response_rate_pct")));
        if (lng(doc, "responses") == 0) {
                tagged(f, "</p><p class=\"note\">", _("No answers yet."), "</p></div>");
                return;
        }
        if (json_is_true(json_object_get(doc, "suppressed"))) {
                hidden_note(f, doc);
                return;
        }
        fputs(" &middot; ", f);
        escf(f, _("weakest: %s"), shown(report_str(doc, "weakest")));
        fputs("</p>", f);
        json_array_foreach(json_object_get(doc, "dimensions"), i, d)
        {
                json_t *dist = json_object_get(d, "distribution");
                struct row *r = &rows[n];
                if (n == sizeof(rows) / sizeof(rows[0]))
                        break;
                memset(r, 0, sizeof(*r));
                r->kind = ROW_STACK;
                snprintf(r->label, sizeof(r->label), "%s", shown(report_str(d, "name")));
                snprintf(r->text, sizeof(r->text), _("mean %s"), dec(dbl(d, "mean")));
                r->n = dbl(d, "answers");
                for (int k = 0; k < 5; k++)
                        r->dist[k] = (long long)json_integer_value(json_array_get(dist, (size_t)k));
                n++;
        }
        chart(f, _("ratings"), rows, n, 1);
        if (json_array_size(json_object_get(doc, "comments")) > 0) {
                fputs("<ul class=\"note\">", f);
                json_array_foreach(json_object_get(doc, "comments"), i, d)
                {
                        fputs("<li>", f);
                        esc(f, json_string_value(d));
                        fputs("</li>", f);
                }
                fputs("</ul>", f);
        }
        fputs("</div>", f);
}

/* The IKM chart of a period's units (not empty): a bar per unit, coloured
 * by its grade. 0, or -1 when out of memory (nothing written). */
static int ikm_chart(FILE *f, json_t *units)
{
        static const char *const grade_fill[] = {"#2e7d32", "#2c5d8a", "#e67e22", "#c0392b"};
        size_t i, n = json_array_size(units);
        struct row *rows;
        json_t *u;

        if ((rows = calloc(n, sizeof(*rows))) == NULL)
                return -1;
        json_array_foreach(units, i, u)
        {
                char label[160], txt[96];
                const char *g = report_str(u, "grade");
                int gi = g[0] >= 'A' && g[0] <= 'D' ? g[0] - 'A' : 3;
                snprintf(label, sizeof(label), "%s %s", report_str(u, "unit"),
                         report_str(u, "name"));
                snprintf(txt, sizeof(txt), "%s %s %s", dec(dbl(u, "ikm")), g,
                         report_str(u, "label"));
                bar(&rows[i], label, dbl(u, "ikm") - 25, 75, grade_fill[gi], txt);
        }
        chart(f, _("IKM"), rows, n, 0);
        free(rows);
        return 0;
}

/* A unit's weakest elements, "U3 name; U7 name". */
static void ikm_weakest(FILE *f, json_t *u)
{
        json_t *w;
        size_t k;

        json_array_foreach(json_object_get(u, "weakest"), k, w)
        {
                json_t *el = json_array_get(json_object_get(u, "elements"),
                                            (size_t)(json_string_value(w)[1] - '1'));
                fputs(k ? "; " : "", f);
                esc(f, json_string_value(w));
                fputs(" ", f);
                esc(f, report_str(el, "name"));
        }
}

/* One unit u of a period as a table row of cols. */
static void ikm_row(FILE *f, const struct col *cols, json_t *u)
{
        fputs("<tr>", f);
        td_pair(f, &cols[0], report_str(u, "unit"), report_str(u, "name"));
        td(f, &cols[1]);
        fprintf(f, "%lld</td>", lng(u, "respondents"));
        td(f, &cols[2]);
        fprintf(f, "%s</td><td class=\"grade-", dec(dbl(u, "ikm")));
        esc(f, report_str(u, "grade"));
        fputs("\" data-label=\"", f);
        esc(f, _(cols[3].label));
        fputs("\">", f);
        esc(f, report_str(u, "grade"));
        fputs(" ", f);
        esc(f, report_str(u, "label"));
        fputs("</td>", f);
        td(f, &cols[4]);
        ikm_weakest(f, u);
        fputs("</td></tr>", f);
}

/* IKM of one period: a bar per unit on the 25-100 scale, with its grade. */
static void ikm_period(FILE *f, json_t *doc)
{
        static const struct col cols[] = {
            {N_("Unit"), 0},  {N_("Respondents"), 1},      {N_("IKM"), 1},
            {N_("Grade"), 0}, {N_("Weakest elements"), 0}, {NULL, 0}};
        json_t *units = json_object_get(doc, "units"), *u;
        size_t i;

        fputs("<div class=\"card\"><h3>", f);
        esc(f, report_str(doc, "period"));
        fputs("</h3>", f);
        if (json_array_size(units) == 0) {
                tagged(f, "<p class=\"note\">", _("No survey responses."), "</p></div>");
                return;
        }
        if (ikm_chart(f, units) != 0)
                return;
        table_open(f, cols);
        json_array_foreach(units, i, u) ikm_row(f, cols, u);
        fputs("</tbody></table></div></div>", f);
}

/* Competency development: per unit, each competency's mean level per period. */
static void section_competency(FILE *f, json_t *doc)
{
        json_t *u, *c, *p;
        size_t i, j, k;

        tagged(f, "<section><h2>", _("Competency development"), "</h2>");
        tagged(f, "<p class=\"meta\">",
               _("Mean assessed level (1-5) per period; weak: latest mean below 3."), "</p>");
        if (json_array_size(json_object_get(doc, "units")) == 0)
                tagged(f, "<p class=\"note\">", _("No assessments."), "</p>");
        json_array_foreach(json_object_get(doc, "units"), i, u)
        {
                size_t n = 0;
                struct row *rows;
                json_array_foreach(json_object_get(u, "competencies"), j, c) n +=
                    json_array_size(json_object_get(c, "periods")) + 1;
                if ((rows = calloc(n ? n : 1, sizeof(*rows))) == NULL)
                        return;
                fputs("<div class=\"card\"><h3>", f);
                esc(f, report_str(u, "unit"));
                fputs(" ", f);
                esc(f, report_str(u, "name"));
                fputs("</h3>", f);
                n = 0;
                json_array_foreach(json_object_get(u, "competencies"), j, c)
                {
                        char head[300];
                        int imp = json_is_true(json_object_get(c, "improved")),
                            down = json_is_true(json_object_get(c, "declined")),
                            weak = json_is_true(json_object_get(c, "weak"));
                        snprintf(head, sizeof(head), "%s %s%s%s%s%s", report_str(c, "competency"),
                                 report_str(c, "name"), imp || down ? " - " : "",
                                 imp ? _("improved") : down ? _("declined") : "",
                                 weak ? " - " : "", weak ? _("still weak") : "");
                        text_row(&rows[n++], ROW_HEAD, head);
                        json_array_foreach(json_object_get(c, "periods"), k, p)
                        {
                                char txt[96];
                                snprintf(txt, sizeof(txt),
                                         ngettext("%s (%lld assessed)", "%s (%lld assessed)",
                                                  (unsigned long)lng(p, "assessed")),
                                         dec(dbl(p, "mean")), lng(p, "assessed"));
                                bar(&rows[n++], report_str(p, "period"), dbl(p, "mean"), 5,
                                    dbl(p, "mean") < 3 ? "#e67e22" : "#2e7d32", txt);
                        }
                }
                chart(f, _("competency levels"), rows, n, 0);
                free(rows);
                fputs("</div>", f);
        }
        fputs("</section>", f);
}

/* Fetches one report; notes in *oldest the oldest saved copy used. */
static json_t *fetch(struct cli *cli, const char *name, const char *const *args, size_t n,
                     int64_t *oldest, struct rb_err *e)
{
        struct report_doc r;

        if (report_get(cli, name, args, n, &r, e) != 0)
                return NULL;
        if (r.cached && (*oldest == 0 || r.generated_at < *oldest))
                *oldest = r.generated_at;
        return r.doc;
}

/* The survey periods of a year in the replica (what this seat can see). */
static json_t *survey_periods(struct cli *cli, long year)
{
        static const char sql[] =
            "SELECT DISTINCT period FROM surveys WHERE substr(period, 1, 4) = ?1"
            " AND deleted_at IS NULL ORDER BY period";
        sqlite3_stmt *st = db_stmt(cli->db, sql, NULL);
        json_t *arr = json_array();
        char y[8];

        if (st == NULL)
                return arr;
        snprintf(y, sizeof(y), "%ld", year);
        sqlite3_bind_text(st, 1, y, -1, SQLITE_STATIC);
        while (db_step(cli->db, st, NULL) > 0)
                json_array_append_new(arr, json_string(db_col_text(st, 0)));
        sqlite3_reset(st);
        return arr;
}

/* Writes the questionnaire and IKM sections, fetching as it goes. */
static int sections_fetched(struct cli *cli, FILE *f, json_t *plan, long year, int64_t *oldest,
                            struct rb_err *e)
{
        json_t *p, *periods, *v;
        size_t i;

        tagged(f, "<section><h2>", _("Questionnaire results per program"), "</h2>");
        tagged(f, "<p class=\"meta\">",
               _("Ratings 1-5 for materi, penyampaian, aplikasi praktis and all three together; "
                 "groups under 3 answers are not shown."),
               "</p>");
        json_array_foreach(json_object_get(plan, "programs"), i, p)
        {
                const char *args[] = {"program", report_str(p, "code")};
                json_t *doc = fetch(cli, "report.program", args, 1, oldest, e);
                if (doc == NULL)
                        return -1;
                program_card(f, doc);
                json_decref(doc);
        }
        tagged(f, "</section><section><h2>", _("Community satisfaction (IKM) per unit"), "</h2>");
        periods = survey_periods(cli, year);
        if (json_array_size(periods) == 0)
                tagged(f, "<p class=\"note\">", _("No survey responses this year."), "</p>");
        json_array_foreach(periods, i, v)
        {
                const char *args[] = {"period", json_string_value(v)};
                json_t *doc = fetch(cli, "report.ikm", args, 1, oldest, e);
                if (doc == NULL) {
                        json_decref(periods);
                        return -1;
                }
                ikm_period(f, doc);
                json_decref(doc);
        }
        json_decref(periods);
        /* The same words as the note of the server's IKM report. */
        tagged(f, "<p class=\"note\">",
               _("IKM = sum of the nine NRR x 1/9 x 25. The weight is 1/9 exactly; "
                 "PermenPAN-RB 14/2017 prints it rounded as 0.111. Grades: A "
                 "88.31-100.00 Sangat Baik, B 76.61-88.30 Baik, C 65.00-76.60 Kurang "
                 "Baik, D 25.00-64.99 Tidak Baik."),
               "</p></section>");
        return 0;
}

/* The page's head, its title and what it covers (the plan, the unit or all
 * units), and a note when oldest (0: none) says saved copies were used. */
static void page_head(FILE *f, long year, json_t *plan, json_t *jp, int64_t oldest)
{
        char when[32];

        /* TRANSLATORS: the code of this catalog's language (BCP 47), for the HTML
         * page's lang attribute: "id" in Indonesian. */
        tagged(f, "<!DOCTYPE html>\n<html lang=\"", _("en"),
               "\"><head><meta charset=\"utf-8\">"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
               "<title>");
        escf(f, _("Civil-servant development plan %ld"), year);
        fprintf(f, "</title><style>%s</style></head><body><h1>", CSS);
        escf(f, _("Civil-servant development plan of Belawan %ld"), year);
        fputs("</h1><p class=\"meta\">", f);
        esc(f, report_str(json_object_get(plan, "plan"), "title"));
        fputs(" &middot; ", f);
        if (!json_is_null(json_object_get(jp, "unit")))
                escf(f, _("unit %s"), report_str(jp, "unit"));
        else
                esc(f, _("all units"));
        fputs("</p>", f);
        if (oldest != 0) {
                report_time(oldest, when);
                fputs("<p class=\"hidden\">", f);
                escf(f, _("Offline: saved reports, the oldest as of %s."), when);
                fputs("</p>", f);
        }
}

/* Writes the year's page to path (see report_html.h). */
int report_html_write(struct cli *cli, long year, const char *today, const char *path,
                      struct rb_err *e)
{
        char ys[8];
        json_t *plan = NULL, *jp = NULL, *comp = NULL;
        int64_t oldest = 0;
        struct fs_out o = {.f = NULL};
        int rc = -1;

        snprintf(ys, sizeof(ys), "%ld", year);
        const char *yargs[] = {"year", ys, "today", today};
        if ((plan = fetch(cli, "report.plan", yargs, 2, &oldest, e)) == NULL ||
            (jp = fetch(cli, "report.jp", yargs, 1, &oldest, e)) == NULL ||
            (comp = fetch(cli, "report.competency", NULL, 0, &oldest, e)) == NULL)
                goto out;
        /* A new temporary beside path, renamed over it when whole (fsutil.h). */
        if (fs_out_open(&o, path, 0666, FS_OUT_REPLACE, e) != 0)
                goto out;
        page_head(o.f, year, plan, jp, oldest);
        section_plan(o.f, plan);
        section_jp(o.f, jp);
        if (sections_fetched(cli, o.f, plan, year, &oldest, e) != 0)
                goto out;
        section_competency(o.f, comp);
        fputs("</body></html>\n", o.f);
        rc = fs_out_commit(&o, e);
out:
        fs_out_abort(&o);
        json_decref(plan);
        json_decref(jp);
        json_decref(comp);
        return rc;
}
