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
#include "report_math.h"
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

/* x as the page's language writes a decimal (one use per printed line: the
 * text lives in one buffer). */
static const char *dec(double x)
{
        static char buf[32];

        return i18n_number(x, buf, sizeof(buf));
}

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
    "tr.total td{font-weight:bold}.meta{color:#555;font-size:.9em}.note{color:#555;font-size:.85em}"
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
    "@media print{@page{size:A4;margin:10mm 12mm}body{max-width:none;padding:0;font-size:9pt;"
    "line-height:1.25}h1{font-size:15pt}h2{font-size:12pt;margin:.8em 0 .3em}h3{font-size:10pt;"
    "margin:.5em 0 .2em}table{font-size:7.5pt;margin:.3em 0;line-height:1.15}th,td{padding:.05em "
    ".3em}.meta,.note{font-size:8pt;margin:.3em 0}"
    "h2{break-after:avoid;page-break-after:avoid}.wrap{overflow:visible}"
    "tr{break-inside:avoid;page-break-inside:avoid}}";

/* Helpers of the sections, in the order they appear below. */
static void plan_meta(FILE *f, json_t *doc);
static void plan_chart(FILE *f, json_t *t);
static void plan_row(FILE *f, const struct col *cols, json_t *p);
static int ikm_chart(FILE *f, json_t *units, int note);
static void ikm_sample(FILE *f, json_t *u);
static void ikm_weakest(FILE *f, json_t *u);
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

void html_esc(FILE *f, const char *s)
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
        html_esc(f, buf);
}

/* Writes open and close (HTML) around text (already translated), escaped. */
static void tagged(FILE *f, const char *open, const char *text, const char *close)
{
        fputs(open, f);
        html_esc(f, text);
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
        html_esc(f, _(c->label));
        fputs("\">", f);
}

/* A cell of column c holding text. */
static void td_text(FILE *f, const struct col *c, const char *text)
{
        td(f, c);
        html_esc(f, text);
        fputs("</td>", f);
}

/* A cell of column c holding a code (kept on one line). */
static void td_code(FILE *f, const struct col *c, const char *code)
{
        fputs("<td class=\"nw\" data-label=\"", f);
        html_esc(f, _(c->label));
        fputs("\">", f);
        html_esc(f, code);
        fputs("</td>", f);
}

/* A cell of column c holding a code and its name ("KEL-BLW1 Kelurahan ..."). */
static void td_pair(FILE *f, const struct col *c, const char *code, const char *name)
{
        td(f, c);
        html_esc(f, code);
        fputs(" ", f);
        html_esc(f, name);
        fputs("</td>", f);
}

/* Writes a cell of column c holding n. */
static void td_num(FILE *f, const struct col *c, long long n)
{
        td(f, c);
        fprintf(f, "%lld</td>", n);
}

/* Closes a section with the note text when arr is empty: true then. */
static int none_note(FILE *f, json_t *arr, const char *text)
{
        if (json_array_size(arr) > 0)
                return 0;
        tagged(f, "<p class=\"note\">", text, "</p></section>");
        return 1;
}

/* Opens a section: its id, its heading and a line saying what it holds. */
static void section_open(FILE *f, const char *id, const char *title, const char *meta)
{
        fprintf(f, "<section id=\"%s\"><h2>", id);
        html_esc(f, title);
        fputs("</h2>", f);
        if (meta != NULL)
                tagged(f, "<p class=\"meta\">", meta, "</p>");
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

/* A line across a chart's bars at a share at (0..1) of their width, its
 * label below the bars; a dashed one is a target. */
struct mark {
        double at;
        const char *label;
        int dashed;
};

/* A colour of a chart's key and what it means (already translated). */
struct key {
        const char *fill, *label;
};

/* What a chart draws besides its rows: lines across the bars (an axis with
 * its labels, a target) and a key of its colours. */
struct chart_opts {
        const struct mark *marks;
        size_t nmarks;
        const struct key *keys;
        size_t nkeys;
};

/* The key of the ratings' colours (1 poor .. 5 good). */
static const struct key rating_keys[] = {
    {"#c0392b", "1"}, {"#e67e22", "2"}, {"#f1c40f", "3"}, {"#7fb77e", "4"}, {"#2e7d32", "5"}};
static const struct chart_opts rating_opts = {NULL, 0, rating_keys, 5};

/* Height of a line of text, and the width a character is taken to need. */
#define LINE_H 14
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
                return k * LINE_H + 22;
        return k * LINE_H + 6 > 20 ? k * LINE_H + 6 : 20;
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
                text_lines(f, r->label, max, 0, y + 11, 0);
        }
        fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"14\" fill=\"#eee\"/>", g->bx, by,
                g->bw);
        if (r->kind == ROW_BAR) {
                double w =
                    r->max > 0 ? g->bw * (r->value > r->max ? r->max : r->value) / r->max : 0;
                fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"14\" fill=\"%s\"/>",
                        g->bx, by, w, r->fill);
        } else {
                double x = g->bx;
                for (int k = 0; k < 5; k++) {
                        double w = r->n > 0 ? g->bw * (double)r->dist[k] / r->n : 0;
                        if (w > 0)
                                fprintf(f,
                                        "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
                                        "height=\"14\" fill=\"%s\"><title>%d: %lld</title>"
                                        "</rect>",
                                        x, by, w, rating_keys[k].fill, k + 1, r->dist[k]);
                        x += w;
                }
        }
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\">", g->bx + g->bw + 6, by + 11);
        html_esc(f, r->text);
        fputs("</text>", f);
}

/* Where a key's entry k starts in layout g, its row (0 the first) in *line. */
static double key_x(const struct geo *g, const struct chart_opts *o, size_t k, int *line)
{
        double x = 0;

        *line = 0;
        for (size_t i = 0; i <= k; i++) {
                double w = 16 + chars(o->keys[i].label) * 6.2 + 14;
                if (x > 0 && x + w > g->w) {
                        x = 0;
                        ++*line;
                }
                if (i == k)
                        return x;
                x += w;
        }
        return x;
}

/* Height the marks' labels and the key take below the rows in layout g. */
static int extras_height(const struct geo *g, const struct chart_opts *o)
{
        int line = 0, h = 4;

        if (o == NULL)
                return h;
        if (o->nmarks > 0)
                h += 14;
        if (o->nkeys > 0) {
                key_x(g, o, o->nkeys - 1, &line);
                h += (line + 1) * 16 + 4;
        }
        return h;
}

/* Draws o's lines across layout g from top to bottom. */
static void marks_across(FILE *f, const struct geo *g, const struct chart_opts *o, int top,
                         int bottom)
{
        for (size_t i = 0; o != NULL && i < o->nmarks; i++) {
                double x = g->bx + o->marks[i].at * g->bw;
                fprintf(f,
                        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" "
                        "stroke-width=\"%s\"%s/>",
                        x, top, x, bottom, o->marks[i].dashed ? "#111" : "#888",
                        o->marks[i].dashed ? "1.5" : "0.6",
                        o->marks[i].dashed ? " stroke-dasharray=\"4 3\"" : "");
        }
}

/* Draws the marks over rows from top to bottom (a layout with labels above
 * the bars has them across each bar only), then the key below them. */
static void extras_draw(FILE *f, const struct geo *g, const struct chart_opts *o, int top,
                        int bottom)
{
        int line;

        if (o == NULL)
                return;
        fputs("<g font-size=\"10\">", f);
        if (g->lw > 0)
                marks_across(f, g, o, top, bottom + 3);
        for (size_t i = 0; i < o->nmarks; i++) {
                fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
                        g->bx + o->marks[i].at * g->bw, bottom + 13);
                html_esc(f, o->marks[i].label);
                fputs("</text>", f);
        }
        bottom += o->nmarks > 0 ? 18 : 4;
        for (size_t k = 0; k < o->nkeys; k++) {
                double x = key_x(g, o, k, &line);
                fprintf(f,
                        "<rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                        "<text x=\"%.1f\" y=\"%d\" font-size=\"11\">",
                        x, bottom + line * 16, o->keys[k].fill, x + 16, bottom + line * 16 + 10);
                html_esc(f, o->keys[k].label);
                fputs("</text>", f);
        }
        fputs("</g>", f);
}

/* The layout of a chart's rows (narrow or wide). */
static struct geo chart_geo(const struct row *rows, size_t n, int narrow)
{
        struct geo g = {narrow ? 360 : 800, 0, 0, 0};
        double lw = 0, tw = 0;

        for (size_t i = 0; i < n; i++) {
                if (rows[i].kind != ROW_BAR && rows[i].kind != ROW_STACK)
                        continue;
                if (chars(rows[i].label) * CHAR_W > lw)
                        lw = chars(rows[i].label) * CHAR_W;
                if (chars(rows[i].text) * CHAR_W > tw)
                        tw = chars(rows[i].text) * CHAR_W;
        }
        /* Wide: a 280-unit label column, 800 units across (in print its text
         * about the size of the tables'); narrow: labels beside short bars
         * only when they are all short, else above. */
        g.lw = !narrow ? 280 : lw <= 120 ? (int)lw + 10 : 0;
        g.bx = g.lw;
        g.bw = g.w - g.lw - 6 - (int)tw;
        return g;
}

/* Writes one layout of a chart (narrow or wide) as an SVG named by label,
 * with o's marks and key (o NULL: none). */
static void chart_layout(FILE *f, const char *label, const struct row *rows, size_t n,
                         const struct chart_opts *o, int narrow)
{
        struct geo g = chart_geo(rows, n, narrow);
        int y = 4;
        size_t i;

        for (i = 0; i < n; i++)
                y += row_height(&g, &rows[i]);
        fprintf(f,
                "<svg class=\"%s\" viewBox=\"0 0 %d %d\" role=\"img\" "
                "aria-label=\"",
                narrow ? "narrow" : "wide", g.w, y + extras_height(&g, o));
        html_esc(f, label);
        fputs("\">", f);
        for (y = 4, i = 0; i < n; i++) {
                row_draw(f, &g, &rows[i], y);
                y += row_height(&g, &rows[i]);
                if (g.lw == 0 && (rows[i].kind == ROW_BAR || rows[i].kind == ROW_STACK))
                        marks_across(f, &g, o, y - 21, y - 7); /* the bar only */
        }
        extras_draw(f, &g, o, 4, y);
        fputs("</svg>", f);
}

/* Writes a chart of rows named by a translated label, in both layouts. */
static void chart(FILE *f, const char *label, const struct row *rows, size_t n,
                  const struct chart_opts *o)
{
        fputs("<div class=\"chart\">", f);
        chart_layout(f, label, rows, n, o, 0);
        chart_layout(f, label, rows, n, o, 1);
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
        tagged(f, "<section id=\"plan\"><h2>", _("Plan progress"), "</h2><p class=\"meta\">");
        html_esc(f, report_str(json_object_get(doc, "plan"), "title"));
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
        chart(f, _("plan progress"), rows, 4, NULL);
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
        html_esc(f, report_str(p, "start_date"));
        fputs("</span> &ndash; <span class=\"nw\">", f);
        html_esc(f, report_str(p, "end_date"));
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
        html_esc(f, json_is_true(json_object_get(p, "held")) ? _("yes") : _("no"));
        fputs("</td></tr>", f);
}

/* The plan's totals t as the table's last row (the chart's text). */
static void plan_total_row(FILE *f, const struct col *cols, json_t *t)
{
        char held[64];

        fputs("<tr class=\"total\">", f);
        td_text(f, &cols[0], _("Total"));
        fputs("<td></td><td></td><td></td>", f);
        td_num(f, &cols[4], lng(t, "seats"));
        td_num(f, &cols[5], lng(t, "enrolled"));
        td_num(f, &cols[6], lng(t, "completed"));
        td_num(f, &cols[7], lng(t, "jp_delivered"));
        snprintf(held, sizeof(held), _("%lld of %lld"), lng(t, "held"), lng(t, "planned"));
        td_text(f, &cols[8], held);
        fputs("</tr>", f);
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
        plan_total_row(f, cols, json_object_get(doc, "total"));
        fputs("</tbody></table></div></section>", f);
}

/* A unit of the JP report with its people's mean JP, for sorting. */
struct jp_unit {
        json_t *u;
        double mean;
};

/* Worst first: the lowest mean JP, then the lowest share at the minimum,
 * then by code. */
static int jp_unit_cmp(const void *pa, const void *pb)
{
        const struct jp_unit *a = pa, *b = pb;
        double sa = dbl(a->u, "share_compliant_pct"), sb = dbl(b->u, "share_compliant_pct");

        if (a->mean != b->mean)
                return a->mean < b->mean ? -1 : 1;
        if (sa != sb)
                return sa < sb ? -1 : 1;
        return strcmp(report_str(a->u, "unit"), report_str(b->u, "unit"));
}

/* The units of the JP report doc, each with its people's mean JP (asn[]),
 * worst first (jp_unit_cmp); NULL when out of memory. */
static struct jp_unit *jp_units(json_t *doc, size_t *n)
{
        json_t *units = json_object_get(doc, "units"), *u, *a;
        struct jp_unit *v;
        size_t i, k;

        *n = json_array_size(units);
        if ((v = calloc(*n ? *n : 1, sizeof(*v))) == NULL)
                return NULL;
        json_array_foreach(units, i, u)
        {
                double sum = 0;
                long long people = 0;
                json_array_foreach(json_object_get(doc, "asn"), k,
                                   a) if (strcmp(report_str(a, "unit"), report_str(u, "unit")) == 0)
                {
                        sum += dbl(a, "total_jp");
                        people++;
                }
                v[i] = (struct jp_unit){u, people > 0 ? sum / (double)people : 0};
        }
        qsort(v, *n, sizeof(*v), jp_unit_cmp);
        return v;
}

/* Colours of a unit's mean JP: under half the minimum, under it, at or over. */
static const char *const jp_fill[] = {"#c0392b", "#e67e22", "#2e7d32"};

/* The JP chart of the units v (worst first): each unit's mean JP on an axis
 * from 0 to twice the minimum min, the minimum a dashed line. */
static void jp_chart(FILE *f, const struct jp_unit *v, size_t n, long long min)
{
        struct row *rows = calloc(n ? n : 1, sizeof(*rows));
        char mid[64], top[32], k0[96], k1[96], k2[96];
        struct mark marks[3] = {{0, "0", 0}, {0.5, mid, 1}, {1, top, 0}};
        struct key keys[3] = {{jp_fill[0], k0}, {jp_fill[1], k1}, {jp_fill[2], k2}};
        struct chart_opts o = {marks, 3, keys, 3};

        if (rows == NULL)
                return;
        snprintf(mid, sizeof(mid), _("%lld JP (the minimum)"), min);
        snprintf(top, sizeof(top), "%lld", 2 * min);
        snprintf(k0, sizeof(k0), _("under %s JP (half the minimum)"), dec(min / 2.0));
        snprintf(k1, sizeof(k1), _("%s to under %lld JP"), dec(min / 2.0), min);
        snprintf(k2, sizeof(k2), _("%lld JP or more"), min);
        for (size_t i = 0; i < n; i++) {
                char label[160], txt[96];
                int c = v[i].mean < min / 2.0 ? 0 : v[i].mean < min ? 1 : 2;
                snprintf(label, sizeof(label), "%s %s", report_str(v[i].u, "unit"),
                         report_str(v[i].u, "name"));
                snprintf(txt, sizeof(txt), _("%s JP; %lld of %lld at %lld"), dec(v[i].mean),
                         lng(v[i].u, "compliant"), lng(v[i].u, "asn"), min);
                bar(&rows[i], label, v[i].mean, 2.0 * min, jp_fill[c], txt);
        }
        chart(f, _("mean JP per unit"), rows, n, &o);
        free(rows);
}

/* The JP chart's text: per unit (worst first) its people, those at the
 * minimum and below it, the share and the mean. */
static void jp_table(FILE *f, const struct jp_unit *v, size_t n)
{
        static const struct col cols[] = {
            {N_("Unit"), 0},  {N_("ASN"), 1},       {N_("At the minimum"), 1},
            {N_("Below"), 1}, {N_("Share (%)"), 1}, {N_("Mean JP"), 1},
            {NULL, 0}};

        table_open(f, cols);
        for (size_t i = 0; i < n; i++) {
                fputs("<tr>", f);
                td_pair(f, &cols[0], report_str(v[i].u, "unit"), report_str(v[i].u, "name"));
                td(f, &cols[1]);
                fprintf(f, "%lld</td>", lng(v[i].u, "asn"));
                td(f, &cols[2]);
                fprintf(f, "%lld</td>", lng(v[i].u, "compliant"));
                td(f, &cols[3]);
                fprintf(f, "%lld</td>", lng(v[i].u, "below"));
                td(f, &cols[4]);
                fprintf(f, "%s</td>", dec(dbl(v[i].u, "share_compliant_pct")));
                td(f, &cols[5]);
                fprintf(f, "%s</td></tr>", dec(v[i].mean));
        }
        fputs("</tbody></table></div>", f);
}

/* JP compliance per unit, worst first: a chart of the mean JP against the
 * minimum, its table, and where the names of those below are. */
static void section_jp(FILE *f, json_t *doc)
{
        size_t n;
        struct jp_unit *v = jp_units(doc, &n);

        tagged(f, "<section id=\"jp\"><h2>", _("JP compliance per unit"),
               "</h2><p class=\"meta\">");
        escf(f,
             ngettext("ASN with at least %lld JP in %lld (klasikal and mentoring; 1 JP = "
                      "%lld minute), the units furthest from it first.",
                      "ASN with at least %lld JP in %lld (klasikal and mentoring; 1 JP = "
                      "%lld minutes), the units furthest from it first.",
                      (unsigned long)lng(doc, "jp_minutes")),
             lng(doc, "minimum_jp"), lng(doc, "year"), lng(doc, "jp_minutes"));
        fputs(" ", f);
        escf(f, _("In all: %lld of %lld (%s%%)."), lng(json_object_get(doc, "total"), "compliant"),
             lng(json_object_get(doc, "total"), "asn"),
             dec(dbl(json_object_get(doc, "total"), "share_compliant_pct")));
        fputs("</p>", f);
        if (v != NULL) {
                jp_chart(f, v, n, lng(doc, "minimum_jp"));
                jp_table(f, v, n);
                free(v);
        }
        if (lng(json_object_get(doc, "total"), "below") > 0) {
                fputs("<p class=\"note\">", f);
                escf(f,
                     _("The names of the people below the minimum: renbin report jp --year %lld "
                       "--csv."),
                     lng(doc, "year"));
                fputs("</p>", f);
        }
        fputs("</section>", f);
}

/* Why a program's results are hidden: too few answers, or (the server's
 * reason) hidden to protect another group. */
static const char *hidden_why(json_t *doc)
{
        return lng(doc, "responses") < lng(doc, "min_group")
                   ? _("Fewer than 3 answers: results are not shown, so no answer can be "
                       "traced to a person.")
                   : report_str(doc, "reason");
}

/* True when the questionnaire doc shows its ratings (answers, not hidden). */
static int ratings_shown(json_t *doc)
{
        return lng(doc, "responses") > 0 && !json_is_true(json_object_get(doc, "suppressed"));
}

/* The questionnaires' chart: per program shown, its answers of all three
 * dimensions together as a bar stacked from 1 to 5. */
static void programs_chart(FILE *f, json_t *docs)
{
        size_t i, n = 0;
        struct row *rows = calloc(json_array_size(docs) + 1, sizeof(*rows));
        json_t *doc;

        if (rows == NULL)
                return;
        json_array_foreach(docs, i, doc)
        {
                json_t *p = json_object_get(doc, "program"),
                       *d = json_array_get(json_object_get(doc, "dimensions"), 3),
                       *dist = json_object_get(d, "distribution");
                struct row *r = &rows[n];
                if (!ratings_shown(doc))
                        continue;
                r->kind = ROW_STACK;
                snprintf(r->label, sizeof(r->label), "%s", report_str(p, "code"));
                snprintf(r->text, sizeof(r->text), _("mean %s"), dec(dbl(d, "mean")));
                r->n = dbl(d, "answers");
                for (int k = 0; k < 5; k++)
                        r->dist[k] = (long long)json_integer_value(json_array_get(dist, (size_t)k));
                n++;
        }
        if (n > 0)
                chart(f, _("ratings"), rows, n, &rating_opts);
        free(rows);
}

/* One program's questionnaire doc as a table row of cols: answers, the
 * mean of each dimension and the weakest, or why they are not shown. */
static void program_row(FILE *f, const struct col *cols, json_t *doc)
{
        json_t *p = json_object_get(doc, "program"), *d;
        size_t k;

        fputs("<tr>", f);
        td_pair(f, &cols[0], report_str(p, "code"), report_str(p, "title"));
        td(f, &cols[1]);
        fprintf(f, "%lld/%lld</td>", lng(doc, "responses"), lng(doc, "attendees"));
        if (!ratings_shown(doc)) {
                fputs("<td colspan=\"6\" class=\"note\">", f);
                html_esc(f, lng(doc, "responses") == 0 ? _("No answers yet.") : hidden_why(doc));
                fputs("</td></tr>", f);
                return;
        }
        json_array_foreach(json_object_get(doc, "dimensions"), k, d) if (k < 4)
        {
                td(f, &cols[2 + k]);
                fprintf(f, "%s</td>", dec(dbl(d, "mean")));
        }
        td(f, &cols[6]);
        d = json_object_get(json_array_get(json_object_get(doc, "dimensions"), 3), "distribution");
        for (k = 0; k < 5; k++)
                fprintf(f, "%s%lld", k ? "/" : "",
                        (long long)json_integer_value(json_array_get(d, k)));
        fputs("</td>", f);
        td_text(f, &cols[7], shown(report_str(doc, "weakest")));
        fputs("</tr>", f);
}

/* The first comment of each program shown, "CODE: text". */
static void programs_comments(FILE *f, json_t *docs)
{
        size_t i, k, any = 0;
        json_t *doc, *c;

        json_array_foreach(docs, i, doc)
        {
                if (!ratings_shown(doc))
                        continue;
                json_array_foreach(json_object_get(doc, "comments"), k, c)
                {
                        if (k == 1)
                                break;
                        if (!any++)
                                tagged(f, "<h3>", _("Comments (one per program)"),
                                       "</h3><ul class=\"note\">");
                        fputs("<li>", f);
                        html_esc(f, report_str(json_object_get(doc, "program"), "code"));
                        fputs(": ", f);
                        html_esc(f, json_string_value(c));
                        fputs("</li>", f);
                }
        }
        if (any)
                fputs("</ul>", f);
}

/* The questionnaires of the programs docs: a chart, its table, comments. */
static void section_programs(FILE *f, json_t *docs)
{
        static const struct col cols[] = {{N_("Program"), 0},
                                          {N_("Answers"), 1},
                                          {N_("materi"), 1},
                                          {N_("penyampaian"), 1},
                                          {N_("aplikasi"), 1},
                                          {N_("overall"), 1},
                                          {N_("Answers rated 1/2/3/4/5"), 1},
                                          {N_("Weakest"), 0},
                                          {NULL, 0}};
        json_t *doc;
        size_t i;

        section_open(f, "programs", _("Questionnaire results per program"),
                     _("Ratings 1-5 for materi, penyampaian, aplikasi praktis and all three "
                       "together (the chart); groups under 3 answers are not shown. Answers: of "
                       "the attendees. All comments: renbin report program CODE."));
        programs_chart(f, docs);
        table_open(f, cols);
        json_array_foreach(docs, i, doc) program_row(f, cols, doc);
        fputs("</tbody></table></div>", f);
        programs_comments(f, docs);
        fputs("</section>", f);
}

/* Where each IKM grade starts (hundredths) as rm_ikm_grade100 draws them,
 * from the lowest IKM (every answer 1: 25.00), then 100.00; their number. */
static size_t ikm_bounds(long long b[6])
{
        size_t n = 0;
        char last = 0;

        for (long long v = 2500; v <= 10000 && n < 5; v++) {
                char g = rm_ikm_grade100(v).grade;
                if (g != last)
                        b[n++] = v;
                last = g;
        }
        b[n++] = 10000;
        return n;
}

/* Fill colours of the IKM grades A..D. */
static const char *const grade_fill[] = {"#2e7d32", "#2c5d8a", "#e67e22", "#c0392b"};

/* The IKM chart of a period's units (not empty): a bar per unit, coloured
 * by its grade, on an axis from 25 marked where each grade starts (note:
 * and a line saying so). 0, or -1 when out of memory (nothing written). */
static int ikm_chart(FILE *f, json_t *units, int note)
{
        size_t i, nb, nk, n = json_array_size(units);
        long long b[6];
        char lab[6][16], key[4][48];
        struct mark marks[6];
        struct key keys[4];
        struct row *rows;
        json_t *u;

        if ((rows = calloc(n, sizeof(*rows))) == NULL)
                return -1;
        nb = ikm_bounds(b);
        for (i = 0; i < nb; i++) {
                snprintf(lab[i], sizeof(lab[i]), "%s", dec(b[i] / 100.0));
                marks[i] = (struct mark){(b[i] - b[0]) / (double)(b[nb - 1] - b[0]), lab[i], 0};
        }
        for (i = 0; i < 4 && i + 1 < nb; i++) {
                struct rm_grade g = rm_ikm_grade100(b[nb - 2 - i]);
                snprintf(key[i], sizeof(key[i]), "%c %s", g.grade, g.label);
                keys[i] = (struct key){grade_fill[i], key[i]};
        }
        nk = i;
        json_array_foreach(units, i, u)
        {
                char label[160], txt[96];
                const char *g = report_str(u, "grade");
                int gi = g[0] >= 'A' && g[0] <= 'D' ? g[0] - 'A' : 3;
                snprintf(label, sizeof(label), "%s", report_str(u, "unit"));
                snprintf(txt, sizeof(txt), "%s %s %s%s", dec(dbl(u, "ikm")), g,
                         report_str(u, "label"),
                         json_is_true(json_object_get(u, "provisional")) ? "*" : "");
                bar(&rows[i], label, dbl(u, "ikm") - b[0] / 100.0, (b[nb - 1] - b[0]) / 100.0,
                    grade_fill[gi], txt);
        }
        chart(f, _("IKM"), rows, n, &(struct chart_opts){marks, nb, keys, nk});
        free(rows);
        if (!note)
                return 0;
        fprintf(f, "<p class=\"note\">");
        escf(f,
             _("The axis starts at %s, the lowest IKM (every answer 1); its lines mark where "
               "each grade starts."),
             lab[0]);
        fputs("</p>", f);
        return 0;
}

/* A unit's weakest elements, "U3, U7". */
static void ikm_weakest(FILE *f, json_t *u)
{
        json_t *w;
        size_t k;

        json_array_foreach(json_object_get(u, "weakest"), k, w)
        {
                fputs(k ? ", " : "", f);
                html_esc(f, json_string_value(w));
        }
}

/* The names of the nine elements of unit u, "U1 name; U2 name; ...". */
static void ikm_elements(FILE *f, json_t *u)
{
        json_t *el;
        size_t k;

        fputs("<p class=\"note\">", f);
        json_array_foreach(json_object_get(u, "elements"), k, el)
        {
                fputs(k ? "; " : "", f);
                html_esc(f, report_str(el, "element"));
                fputs(" ", f);
                html_esc(f, report_str(el, "name"));
        }
        fputs("</p>", f);
}

/* Compares two JSON strings, for qsort. */
static int json_str_cmp(const void *a, const void *b)
{
        return strcmp(json_string_value(*(json_t *const *)a),
                      json_string_value(*(json_t *const *)b));
}

/* Sorts an array of strings in place. */
static void qsort_strings(json_t *arr)
{
        size_t n = json_array_size(arr), i;
        json_t **v = calloc(n ? n : 1, sizeof(*v));

        if (v == NULL)
                return;
        for (i = 0; i < n; i++)
                v[i] = json_incref(json_array_get(arr, i));
        qsort(v, n, sizeof(*v), json_str_cmp);
        json_array_clear(arr);
        for (i = 0; i < n; i++)
                json_array_append_new(arr, v[i]);
        free(v);
}

/* Unit code's row in the IKM doc (NULL when the period has none of it). */
static json_t *ikm_unit(json_t *doc, const char *code)
{
        json_t *u;
        size_t i;

        json_array_foreach(json_object_get(doc, "units"), i,
                           u) if (strcmp(report_str(u, "unit"), code) == 0) return u;
        return NULL;
}

/* The units of any of the IKM docs, each once, by code (a sorted array of
 * codes). */
static json_t *ikm_codes(json_t *docs)
{
        json_t *seen = json_object(), *codes = json_array(), *doc, *u, *v;
        const char *k;
        size_t i, j;

        json_array_foreach(docs, i, doc) json_array_foreach(json_object_get(doc, "units"), j, u)
            json_object_set_new(seen, report_str(u, "unit"), json_true());
        json_object_foreach(seen, k, v) json_array_append_new(codes, json_string(k));
        json_decref(seen);
        qsort_strings(codes);
        return codes;
}

/* A unit's IKM in one period as a cell: "81.90 B (35)", coloured by grade;
 * a provisional grade (sample under the minimum or unknown) is starred. */
static void ikm_cell(FILE *f, const char *period, json_t *u)
{
        fputs("<td class=\"n", f);
        if (u != NULL) {
                fputs(" grade-", f);
                html_esc(f, report_str(u, "grade"));
        }
        fputs("\" data-label=\"", f);
        html_esc(f, period);
        fputs("\">", f);
        if (u != NULL) {
                fprintf(f, "%s ", dec(dbl(u, "ikm")));
                html_esc(f, report_str(u, "grade"));
                fputs(json_is_true(json_object_get(u, "provisional")) ? "* " : " ", f);
                fprintf(f, "(%lld)", lng(u, "respondents"));
        }
        fputs("</td>", f);
}

/* The IKM chart's text: a row per unit, a column per period of docs (the
 * year first: IKM, grade, respondents), then the year's sample against its
 * minimum and its weakest elements. */
static void ikm_table(FILE *f, json_t *docs)
{
        static const struct col unit = {N_("Unit"), 0}, weak = {N_("Weakest elements"), 0},
                                sample = {N_("Sample"), 0};
        json_t *codes = ikm_codes(docs), *doc, *c;
        size_t i, k;

        fputs("<div class=\"wrap\"><table><thead><tr>", f);
        tagged(f, "<th>", _(unit.label), "</th>");
        json_array_foreach(docs, k, doc)
            tagged(f, "<th class=\"n nw\">", report_str(doc, "period"), "</th>");
        tagged(f, "<th>", _(sample.label), "</th>");
        tagged(f, "<th>", _(weak.label), "</th></tr></thead><tbody>");
        json_array_foreach(codes, i, c)
        {
                fputs("<tr>", f);
                td_code(f, &unit, json_string_value(c));
                json_array_foreach(docs, k, doc)
                {
                        json_t *u = ikm_unit(doc, json_string_value(c));
                        ikm_cell(f, report_str(doc, "period"), u);
                }
                td(f, &sample);
                ikm_sample(f, ikm_unit(json_array_get(docs, 0), json_string_value(c)));
                fputs("</td>", f);
                td(f, &weak);
                ikm_weakest(f, ikm_unit(json_array_get(docs, 0), json_string_value(c)));
                fputs("</td></tr>", f);
        }
        fputs("</tbody></table></div>", f);
        json_decref(codes);
}

/* Whether unit u's sample is enough: "35 of 80 minimum", "too small (n of
 * m)", or that no population is set. */
static void ikm_sample(FILE *f, json_t *u)
{
        if (u == NULL)
                return;
        if (json_is_null(json_object_get(u, "sample_ok")) ||
            json_object_get(u, "sample_ok") == NULL)
                html_esc(f, _("population not set"));
        else if (json_is_true(json_object_get(u, "sample_ok")))
                escf(f, _("%lld of %lld minimum"), lng(u, "respondents"), lng(u, "sample_min"));
        else {
                fputs("<strong class=\"grade-D\">", f);
                escf(f, _("sample too small (%lld of %lld)"), lng(u, "respondents"),
                     lng(u, "sample_min"));
                fputs("</strong>", f);
        }
}

/* The year's IKM per service of each unit (doc's services[]): a row per
 * unit, its services in one cell, "name 85.20 B (22)". */
static void ikm_services(FILE *f, json_t *doc)
{
        static const struct col cols[] = {{N_("Unit"), 0}, {N_("Per service"), 0}, {NULL, 0}};
        json_t *sv, *prev = NULL;
        size_t i;

        if (json_array_size(json_object_get(doc, "services")) == 0)
                return;
        tagged(f, "<h3>", _("Per service"), "</h3>");
        table_open(f, cols);
        json_array_foreach(json_object_get(doc, "services"), i, sv)
        {
                int same =
                    prev != NULL && strcmp(report_str(prev, "unit"), report_str(sv, "unit")) == 0;
                if (!same) {
                        fputs(prev != NULL ? "</td></tr><tr>" : "<tr>", f);
                        td_code(f, &cols[0], report_str(sv, "unit"));
                        td(f, &cols[1]);
                } else
                        fputs("; ", f);
                fputs("<span class=\"nw\">", f);
                html_esc(f, report_str(sv, "service"));
                fprintf(f, " %s ", dec(dbl(sv, "ikm")));
                html_esc(f, report_str(sv, "grade"));
                fprintf(f, "%s (%lld)</span>",
                        json_is_true(json_object_get(sv, "provisional")) ? "*" : "",
                        lng(sv, "respondents"));
                prev = sv;
        }
        fputs("</td></tr></tbody></table></div>", f);
}

/* IKM of the year (docs: the year's roll-up first, then each period): the
 * year's chart (a bar per unit on the 25-100 scale, by grade), a table of
 * the year and its periods with the sample, the year per service. */
static void section_ikm(FILE *f, json_t *docs)
{
        json_t *year = json_array_get(docs, 0), *units = json_object_get(year, "units");

        section_open(f, "ikm", _("Community satisfaction (IKM) per unit"),
                     _("The year over all its responses (the chart), then each period; * a "
                       "provisional grade: the sample is under the Krejcie-Morgan minimum "
                       "for the population served, or no population is set."));
        if (json_array_size(units) == 0) {
                tagged(f, "<p class=\"note\">", _("No survey responses this year."),
                       "</p></section>");
                return;
        }
        if (ikm_chart(f, units, 1) != 0)
                return;
        ikm_table(f, docs);
        ikm_elements(f, json_array_get(units, 0));
        ikm_services(f, year);
        /* The same words as the note of the server's IKM report. */
        tagged(f, "<p class=\"note\">",
               _("IKM = sum of the nine NRR x 1/9 x 25. The weight is 1/9 exactly; "
                 "PermenPAN-RB 14/2017 prints it rounded as 0.111. Grades: A "
                 "88.31-100.00 Sangat Baik, B 76.61-88.30 Baik, C 65.00-76.60 Kurang "
                 "Baik, D 25.00-64.99 Tidak Baik."),
               "</p></section>");
}

/* What the report flags of competency c: improved or declined, still weak. */
static void comp_flags(FILE *f, json_t *c)
{
        int imp = json_is_true(json_object_get(c, "improved")),
            down = json_is_true(json_object_get(c, "declined")),
            weak = json_is_true(json_object_get(c, "weak"));

        if (down)
                tagged(f, "<strong class=\"grade-D\">", _("declined"), "</strong>");
        else if (imp)
                html_esc(f, _("improved"));
        if (weak) {
                fputs(imp || down ? "; " : "", f);
                html_esc(f, _("still weak"));
        }
}

/* The mean of competency c in period (as the page writes it), "" when it
 * was not assessed then. */
static const char *comp_mean(json_t *c, const char *period)
{
        json_t *p;
        size_t k;

        json_array_foreach(json_object_get(c, "periods"), k,
                           p) if (strcmp(report_str(p, "period"), period) ==
                                  0) return dec(dbl(p, "mean"));
        return "";
}

/* One competency c of unit u as a table row: its mean in each of the
 * report's periods, the people compared, up and down, the flags. */
static void comp_row(FILE *f, json_t *doc, json_t *u, json_t *c)
{
        static const struct col unit = {N_("Unit"), 0}, comp = {N_("Competency"), 0},
                                num[] = {{N_("Compared"), 1}, {N_("Up"), 1}, {N_("Down"), 1}},
                                flag = {N_("Flag"), 0};
        json_t *p;
        size_t k;

        fputs("<tr>", f);
        td_code(f, &unit, report_str(u, "unit"));
        td_pair(f, &comp, report_str(c, "competency"), report_str(c, "name"));
        json_array_foreach(json_object_get(doc, "periods"), k, p)
        {
                fputs("<td class=\"n\" data-label=\"", f);
                html_esc(f, json_string_value(p));
                fputs("\">", f);
                html_esc(f, comp_mean(c, json_string_value(p)));
                fputs("</td>", f);
        }
        td_num(f, &num[0], lng(c, "compared"));
        td_num(f, &num[1], lng(c, "people_improved"));
        td_num(f, &num[2], lng(c, "people_declined"));
        td(f, &flag);
        comp_flags(f, c);
        fputs("</td></tr>", f);
}

/* Competency development: per unit and competency, the mean level of each
 * period, the same people compared and what the report flags. */
static void section_competency(FILE *f, json_t *doc)
{
        static const char *const heads[] = {N_("Compared"), N_("Up"), N_("Down"), N_("Flag")};
        json_t *u, *c, *p;
        size_t i, j;

        section_open(f, "competency", _("Competency development"),
                     _("Mean assessed level (1-5) per period; compared: the people assessed in "
                       "the first and the latest period, up and down among them; weak: latest "
                       "mean below 3."));
        if (none_note(f, json_object_get(doc, "units"), _("No assessments.")))
                return;
        fputs("<div class=\"wrap\"><table><thead><tr>", f);
        tagged(f, "<th>", _("Unit"), "</th>");
        tagged(f, "<th>", _("Competency"), "</th>");
        json_array_foreach(json_object_get(doc, "periods"), j, p)
            tagged(f, "<th class=\"n nw\">", json_string_value(p), "</th>");
        for (j = 0; j < 4; j++)
                tagged(f, j < 3 ? "<th class=\"n\">" : "<th>", _(heads[j]), "</th>");
        fputs("</tr></thead><tbody>", f);
        json_array_foreach(json_object_get(doc, "units"), i, u)
            json_array_foreach(json_object_get(u, "competencies"), j, c) comp_row(f, doc, u, c);
        fputs("</tbody></table></div></section>", f);
}

/* Mentoring per unit (pairs, sessions, hours, pairs gone quiet), then the
 * quiet pairs by name. */
static void section_mentoring(FILE *f, json_t *doc)
{
        static const struct col cols[] = {{N_("Unit"), 0},        {N_("Pairs"), 1},
                                          {N_("Sessions"), 1},    {N_("Hours"), 1},
                                          {N_("Quiet pairs"), 1}, {NULL, 0}};
        static const struct col qcols[] = {{N_("Mentor"), 0},
                                           {N_("Mentee"), 0},
                                           {N_("Unit"), 0},
                                           {N_("Last session"), 0},
                                           {NULL, 0}};
        json_t *t = json_object_get(doc, "total"), *u;
        char meta[320];
        size_t i;

        snprintf(meta, sizeof(meta),
                 ngettext("%lld pair, %lld sessions, %s hours in all; quiet: no session in the "
                          "last %lld days (as of %s).",
                          "%lld pairs, %lld sessions, %s hours in all; quiet: no session in the "
                          "last %lld days (as of %s).",
                          (unsigned long)lng(t, "pairs")),
                 lng(t, "pairs"), lng(t, "sessions"), dec(dbl(t, "hours")), lng(doc, "stale_days"),
                 report_str(doc, "today"));
        section_open(f, "mentoring", _("Mentoring"), meta);
        if (none_note(f, json_object_get(doc, "units"), _("No mentoring pairs this year.")))
                return;
        table_open(f, cols);
        json_array_foreach(json_object_get(doc, "units"), i, u)
        {
                fputs("<tr>", f);
                td_code(f, &cols[0], report_str(u, "unit"));
                td_num(f, &cols[1], lng(u, "pairs"));
                td_num(f, &cols[2], lng(u, "sessions"));
                td(f, &cols[3]);
                fprintf(f, "%s</td>", dec(dbl(u, "hours")));
                td_num(f, &cols[4], lng(u, "stale_pairs"));
                fputs("</tr>", f);
        }
        fputs("</tbody></table></div>", f);
        if (json_array_size(json_object_get(doc, "stale")) > 0) {
                tagged(f, "<h3>", _("Quiet pairs"), "</h3>");
                table_open(f, qcols);
                json_array_foreach(json_object_get(doc, "stale"), i, u)
                {
                        fputs("<tr>", f);
                        td_text(f, &qcols[0], report_str(u, "mentor_name"));
                        td_text(f, &qcols[1], report_str(u, "mentee_name"));
                        td_code(f, &qcols[2], report_str(u, "unit"));
                        td_text(f, &qcols[3], report_str(u, "last_session"));
                        fputs("</tr>", f);
                }
                fputs("</tbody></table></div>", f);
        }
        fputs("</section>", f);
}

/* The ASN of a unit in the JP report (its units[]), 0 when not there. */
static long long unit_asn(json_t *jp, const char *unit)
{
        json_t *u;
        size_t i;

        json_array_foreach(json_object_get(jp, "units"), i,
                           u) if (strcmp(report_str(u, "unit"), unit) == 0) return lng(u, "asn");
        return 0;
}

/* One need n as a table row of cols: the programs covering it and how many
 * of its unit's ASN (from jp) enrolled in one and completed one. */
static void need_row(FILE *f, const struct col *cols, json_t *n, json_t *jp)
{
        json_t *c;
        size_t k;

        fputs("<tr>", f);
        td_code(f, &cols[0], report_str(n, "unit"));
        td_pair(f, &cols[1], report_str(n, "competency"), report_str(n, "competency_name"));
        td_text(f, &cols[2], report_str(n, "priority"));
        td(f, &cols[3]);
        json_array_foreach(json_object_get(n, "covered_by"), k, c)
        {
                fputs(k ? ", " : "", f);
                html_esc(f, json_string_value(c));
        }
        if (k == 0)
                tagged(f, "<strong>", _("none"), "</strong>");
        fputs("</td>", f);
        td_num(f, &cols[4], lng(n, "enrolled"));
        td_num(f, &cols[5], lng(n, "completed"));
        td_num(f, &cols[6], unit_asn(jp, report_str(n, "unit")));
        fputs("</tr>", f);
}

/* Training needs and the programs that cover them. */
static void section_needs(FILE *f, json_t *doc, json_t *jp)
{
        static const struct col cols[] = {
            {N_("Unit"), 0},     {N_("Competency"), 0}, {N_("Priority"), 0}, {N_("Covered by"), 0},
            {N_("Enrolled"), 1}, {N_("Completed"), 1},  {N_("ASN"), 1},      {NULL, 0}};
        json_t *t = json_object_get(doc, "total"), *n;
        char meta[400];
        size_t i;

        snprintf(meta, sizeof(meta),
                 ngettext("%lld of %lld need is covered by a program of the year (%s%%). "
                          "Enrolled, completed: the unit's ASN in a program that covers the "
                          "need, of its ASN.",
                          "%lld of %lld needs are covered by a program of the year (%s%%). "
                          "Enrolled, completed: the unit's ASN in a program that covers the "
                          "need, of its ASN.",
                          (unsigned long)lng(t, "needs")),
                 lng(t, "covered"), lng(t, "needs"), dec(dbl(t, "covered_pct")));
        section_open(f, "needs", _("Training needs coverage"), meta);
        if (none_note(f, json_object_get(doc, "needs"), _("No training needs this year.")))
                return;
        table_open(f, cols);
        json_array_foreach(json_object_get(doc, "needs"), i, n) need_row(f, cols, n, jp);
        fputs("</tbody></table></div></section>", f);
}

/* The two largest gaps of a unit u: "K-ADM Name (3 people, mean 1.50)". */
static void gap_comps(FILE *f, json_t *u)
{
        json_t *c;
        size_t k;

        json_array_foreach(json_object_get(u, "competencies"), k, c)
        {
                if (k == 2)
                        break;
                fputs(k ? "; " : "", f);
                html_esc(f, report_str(c, "competency"));
                fputs(" ", f);
                html_esc(f, report_str(c, "name"));
                fputs(" (", f);
                escf(f,
                     ngettext("%lld person, mean gap %s", "%lld people, mean gap %s",
                              (unsigned long)lng(c, "people")),
                     lng(c, "people"), dec(dbl(c, "gap_mean")));
                fputs(")", f);
        }
}

/* Competency gaps against the positions' standards, per unit. */
static void section_gaps(FILE *f, json_t *doc)
{
        static const struct col cols[] = {{N_("Unit"), 0},           {N_("People below"), 1},
                                          {N_("Levels missing"), 1}, {N_("Not assessed"), 1},
                                          {N_("Largest gaps"), 0},   {NULL, 0}};
        json_t *u;
        size_t i;

        section_open(f, "gaps", _("Competency gaps"),
                     _("People whose latest assessed level is under their position's standard "
                       "(standar kompetensi jabatan), and each unit's two largest gaps; the full "
                       "list: renbin report gaps."));
        if (none_note(f, json_object_get(doc, "units"), _("No gaps.")))
                return;
        table_open(f, cols);
        json_array_foreach(json_object_get(doc, "units"), i, u)
        {
                fputs("<tr>", f);
                td_code(f, &cols[0], report_str(u, "unit"));
                td_num(f, &cols[1], lng(u, "people_below"));
                td_num(f, &cols[2], lng(u, "gaps"));
                td_num(f, &cols[3], lng(u, "not_assessed"));
                td(f, &cols[4]);
                gap_comps(f, u);
                fputs("</td></tr>", f);
        }
        fputs("</tbody></table></div></section>", f);
}

/* A forum follow-up's states as stored and as people read them. */
static const char *const forum_raw[] = {"terbuka", "proses", "selesai"};
/* TRANSLATORS: a forum follow-up's states: terbuka, proses, selesai. */
static const char *const forum_words[] = {N_("to do"), N_("in progress"), N_("done")};

/* A forum state as people read it. */
static const char *forum_word(const char *status)
{
        for (size_t i = 0; i < 3; i++)
                if (strcmp(status, forum_raw[i]) == 0)
                        return _(forum_words[i]);
        return status;
}

/* A cell of column c holding text cut after a word within max characters
 * (an ellipsis says so). */
static void td_short(FILE *f, const struct col *c, const char *text, size_t max)
{
        const char *rest;
        size_t len = line_len(text, max, &rest);

        td(f, c);
        escn(f, text, len);
        fputs(*rest ? " &hellip;</td>" : "</td>", f);
}

/* The forum notes' follow-ups of year y: how many to do, in progress, done. */
static void forum_counts(FILE *f, struct cli *cli, const char *y)
{
        static const char sql[] =
            "SELECT count(*), sum(status = 'terbuka'), sum(status = 'proses'),"
            " sum(status = 'selesai') FROM forums WHERE substr(date, 1, 4) = ?1";
        sqlite3_stmt *st = db_stmt(cli->db, sql, NULL);

        if (st == NULL)
                return;
        sqlite3_bind_text(st, 1, y, -1, SQLITE_STATIC);
        if (db_step(cli->db, st, NULL) > 0) {
                fputs("<p>", f);
                escf(f,
                     ngettext("%lld forum note: %lld to do, %lld in progress, %lld done.",
                              "%lld forum notes: %lld to do, %lld in progress, %lld done.",
                              (unsigned long)sqlite3_column_int64(st, 0)),
                     (long long)sqlite3_column_int64(st, 0), (long long)sqlite3_column_int64(st, 1),
                     (long long)sqlite3_column_int64(st, 2),
                     (long long)sqlite3_column_int64(st, 3));
                fputs("</p>", f);
        }
        sqlite3_reset(st);
}

/* The notes of the year whose follow-up is not done, by due date. */
static void forum_open(FILE *f, struct cli *cli, const char *y)
{
        static const char sql[] =
            "SELECT unit, topic, ifnull(follow_up, ''), status, ifnull(owner, ''),"
            " ifnull(due, '') FROM forums WHERE substr(date, 1, 4) = ?1 AND status != 'selesai'"
            " ORDER BY due IS NULL, due, date, unit";
        static const struct col cols[] = {{N_("Unit"), 0},  {N_("Topic"), 0}, {N_("Follow-up"), 0},
                                          {N_("State"), 0}, {N_("Owner"), 0}, {N_("Due"), 0},
                                          {NULL, 0}};
        sqlite3_stmt *st = db_stmt(cli->db, sql, NULL);
        int any = 0;

        if (st == NULL)
                return;
        sqlite3_bind_text(st, 1, y, -1, SQLITE_STATIC);
        while (db_step(cli->db, st, NULL) > 0) {
                if (!any++) {
                        tagged(f, "<h3>", _("Follow-ups not done"), "</h3>");
                        table_open(f, cols);
                }
                fputs("<tr>", f);
                for (int k = 0; k < 6; k++)
                        if (k == 2)
                                td_short(f, &cols[k], db_col_text(st, k), 80);
                        else if (k == 0 || k == 5)
                                td_code(f, &cols[k], db_col_text(st, k));
                        else
                                td_text(f, &cols[k],
                                        k == 3 ? forum_word(db_col_text(st, k))
                                               : db_col_text(st, k));
                fputs("</tr>", f);
        }
        sqlite3_reset(st);
        if (any)
                fputs("</tbody></table></div>", f);
}

/* Forum follow-ups of the year, from the replica (what this seat can see). */
static void section_forums(FILE *f, struct cli *cli, long year)
{
        static const char sql[] = "SELECT count(*) FROM forums WHERE substr(date, 1, 4) = ?1";
        sqlite3_stmt *st = db_stmt(cli->db, sql, NULL);
        char y[8];
        long long n = 0;

        snprintf(y, sizeof(y), "%ld", year);
        section_open(
            f, "forums", _("Community forum follow-ups"),
            _("What each unit said it would do after its forums, and how far it got; the full "
              "text: renbin forum list --open."));
        if (st != NULL) {
                sqlite3_bind_text(st, 1, y, -1, SQLITE_STATIC);
                if (db_step(cli->db, st, NULL) > 0)
                        n = sqlite3_column_int64(st, 0);
                sqlite3_reset(st);
        }
        if (n == 0)
                tagged(f, "<p class=\"note\">", _("No forum notes this year."), "</p>");
        else {
                forum_counts(f, cli, y);
                forum_open(f, cli, y);
        }
        fputs("</section>", f);
}

/* Records from outside the plan of year y per unit, from the replica (what
 * this seat can see): verified (counted in the JP report), pending (not
 * counted until HR verifies them), rejected. */
static void records_table(FILE *f, struct cli *cli, const char *y)
{
        static const char sql[] =
            "SELECT unit, sum(status = 'verified'), sum(CASE WHEN status = 'verified' THEN jp"
            " ELSE 0 END), sum(status = 'pending'), sum(CASE WHEN status = 'pending' THEN jp"
            " ELSE 0 END), sum(status = 'rejected') FROM records"
            " WHERE substr(start_date, 1, 4) = ?1 GROUP BY unit ORDER BY unit";
        static const struct col cols[] = {
            {N_("Unit"), 0},    {N_("Verified"), 1},   {N_("JP verified"), 1},
            {N_("Pending"), 1}, {N_("JP pending"), 1}, {N_("Rejected"), 1},
            {NULL, 0}};
        sqlite3_stmt *st = db_stmt(cli->db, sql, NULL);
        int any = 0;

        if (st == NULL)
                return;
        sqlite3_bind_text(st, 1, y, -1, SQLITE_STATIC);
        while (db_step(cli->db, st, NULL) > 0) {
                if (!any++)
                        table_open(f, cols);
                fputs("<tr>", f);
                td_code(f, &cols[0], db_col_text(st, 0));
                for (int k = 1; k <= 5; k++)
                        td_num(f, &cols[k], sqlite3_column_int64(st, k));
                fputs("</tr>", f);
        }
        sqlite3_reset(st);
        if (any)
                fputs("</tbody></table></div>", f);
        else
                tagged(f, "<p class=\"note\">", _("No records from outside the plan this year."),
                       "</p>");
}

/* Records from outside the plan (training elsewhere) of the year. */
static void section_records(FILE *f, struct cli *cli, long year)
{
        char y[8];

        snprintf(y, sizeof(y), "%ld", year);
        section_open(
            f, "records", _("Training outside the plan"),
            _("Courses taken elsewhere (another agency's seminar, e-learning), per unit: a "
              "verified record counts in the JP above, a pending one does not until HR "
              "verifies it (renbin record list --pending)."));
        records_table(f, cli, y);
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

/* A program's level as a cell: its figure, or why it is hidden. */
static void level_cell(FILE *f, const struct col *c, json_t *lv, const char *key)
{
        td(f, c);
        if (json_is_true(json_object_get(lv, "suppressed")))
                html_esc(f, _("hidden"));
        else if (json_is_number(json_object_get(lv, key)))
                fputs(dec(dbl(lv, key)), f);
        fputs("</td>", f);
}

/* True when the program's doc has level 2 or 3 figures to show. */
static int levels_any(json_t *doc)
{
        return lng(json_object_get(doc, "level2"), "tests") > 0 ||
               lng(json_object_get(doc, "level3"), "followups") > 0;
}

/* One program's three levels as a table row of cols. */
static void levels_row(FILE *f, const struct col *cols, json_t *doc)
{
        json_t *p = json_object_get(doc, "program"), *l2 = json_object_get(doc, "level2"),
               *l3 = json_object_get(doc, "level3");

        fputs("<tr>", f);
        td_code(f, &cols[0], report_str(p, "code"));
        td(f, &cols[1]);
        if (ratings_shown(doc))
                fputs(dec(dbl(json_array_get(json_object_get(doc, "dimensions"), 3), "mean")), f);
        fputs("</td>", f);
        td_num(f, &cols[2], lng(l2, "tests"));
        level_cell(f, &cols[3], l2, "mean_pre");
        level_cell(f, &cols[4], l2, "mean_post");
        level_cell(f, &cols[5], l2, "gain");
        td(f, &cols[6]);
        fprintf(f, "%lld/%lld</td>", lng(l3, "followups"), lng(l3, "completed"));
        level_cell(f, &cols[7], l3, "mean_rating");
        fputs("</tr>", f);
}

/* Evaluation levels 1-3 of the programs (docs) with a level 2 or 3 figure. */
static void section_levels(FILE *f, json_t *docs)
{
        static const struct col cols[] = {{N_("Program"), 0},
                                          {N_("Level 1 mean"), 1},
                                          {N_("Tests"), 1},
                                          {N_("Pre"), 1},
                                          {N_("Post"), 1},
                                          {N_("Gain"), 1},
                                          {N_("Follow-ups"), 1},
                                          {N_("On the job (1-5)"), 1},
                                          {NULL, 0}};
        json_t *doc;
        size_t i, n = 0;

        section_open(f, "levels", _("Evaluation levels 1-3"),
                     _("Level 1: the questionnaire (1-5); level 2: pre and post test (0-100) and "
                       "the gain; level 3: the supervisor's rating of use on the job (1-5), of "
                       "the completed, from 60 days after the end. Programs with a test or a "
                       "follow-up; groups under 3 are hidden."));
        json_array_foreach(docs, i, doc) if (levels_any(doc))
        {
                if (!n++)
                        table_open(f, cols);
                levels_row(f, cols, doc);
        }
        if (n > 0)
                fputs("</tbody></table></div>", f);
        else
                tagged(f, "<p class=\"note\">", _("No tests or follow-ups yet."), "</p>");
        fputs("</section>", f);
}

/* The reports name (arguments key = each value of vals) as an array, or
 * NULL with e; *oldest as fetch. */
static json_t *fetch_each(struct cli *cli, const char *name, const char *key, json_t *vals,
                          int64_t *oldest, struct rb_err *e)
{
        json_t *docs = json_array(), *v;
        size_t i;

        json_array_foreach(vals, i, v)
        {
                const char *args[] = {key, json_string_value(v)};
                json_t *doc = fetch(cli, name, args, 1, oldest, e);
                if (doc == NULL) {
                        json_decref(docs);
                        return NULL;
                }
                json_array_append_new(docs, doc);
        }
        return docs;
}

/* Writes the questionnaire and IKM sections, fetching their reports. */
static int sections_fetched(struct cli *cli, FILE *f, json_t *plan, long year, int64_t *oldest,
                            struct rb_err *e)
{
        json_t *codes = json_array(), *p, *periods, *docs;
        char ys[8];
        size_t i;

        json_array_foreach(json_object_get(plan, "programs"), i, p)
            json_array_append_new(codes, json_string(report_str(p, "code")));
        docs = fetch_each(cli, "report.program", "program", codes, oldest, e);
        json_decref(codes);
        if (docs == NULL)
                return -1;
        section_programs(f, docs);
        section_levels(f, docs);
        json_decref(docs);
        periods = survey_periods(cli, year);
        snprintf(ys, sizeof(ys), "%ld", year);
        if (json_array_size(periods) > 0)
                json_array_insert_new(periods, 0, json_string(ys)); /* the year's roll-up */
        docs = fetch_each(cli, "report.ikm", "period", periods, oldest, e);
        json_decref(periods);
        if (docs == NULL)
                return -1;
        section_ikm(f, docs);
        json_decref(docs);
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
        html_esc(f, report_str(json_object_get(plan, "plan"), "title"));
        fputs(" &middot; ", f);
        if (!json_is_null(json_object_get(jp, "unit")))
                escf(f, _("unit %s"), report_str(jp, "unit"));
        else
                html_esc(f, _("all units"));
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
        json_t *plan = NULL, *jp = NULL, *comp = NULL, *gaps = NULL, *needs = NULL, *ment = NULL;
        int64_t oldest = 0;
        struct fs_out o = {.f = NULL};
        int rc = -1;

        snprintf(ys, sizeof(ys), "%ld", year);
        const char *yargs[] = {"year", ys, "today", today};
        if ((plan = fetch(cli, "report.plan", yargs, 2, &oldest, e)) == NULL ||
            (jp = fetch(cli, "report.jp", yargs, 1, &oldest, e)) == NULL ||
            (comp = fetch(cli, "report.competency", NULL, 0, &oldest, e)) == NULL ||
            (gaps = fetch(cli, "report.gaps", NULL, 0, &oldest, e)) == NULL ||
            (needs = fetch(cli, "report.needs", yargs, 1, &oldest, e)) == NULL ||
            (ment = fetch(cli, "report.mentoring", yargs, 2, &oldest, e)) == NULL)
                goto out;
        /* A new temporary beside path, renamed over it when whole (fsutil.h). */
        if (fs_out_open(&o, path, 0666, FS_OUT_REPLACE, e) != 0)
                goto out;
        page_head(o.f, year, plan, jp, oldest);
        section_jp(o.f, jp); /* first: the year's headline, and its chart tops a page */
        section_plan(o.f, plan);
        if (sections_fetched(cli, o.f, plan, year, &oldest, e) != 0)
                goto out;
        section_competency(o.f, comp);
        section_gaps(o.f, gaps);
        section_needs(o.f, needs, jp);
        section_mentoring(o.f, ment);
        section_records(o.f, cli, year);
        section_forums(o.f, cli, year);
        fputs("</body></html>\n", o.f);
        rc = fs_out_commit(&o, e);
out:
        fs_out_abort(&o);
        json_decref(plan);
        json_decref(jp);
        json_decref(comp);
        json_decref(gaps);
        json_decref(needs);
        json_decref(ment);
        return rc;
}
