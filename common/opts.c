/*
 * opts.c - option parsing helpers and the uniform one-line error output.
 */
#include "opts.h"
#include "entity.h"
#include "err.h"
#include "i18n.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *prog = "renbin";

void opt_set_prog(const char *p)
{
        prog = p;
}

int opt_long(const char *s, long min, long max, long *out)
{
        char *end;
        long v;

        errno = 0;
        v = strtol(s, &end, 10);
        if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
                return -1;
        *out = v;
        return 0;
}

int opt_bad(const struct option *longopts, int val, const char *value)
{
        const char *name = "?";

        for (; longopts->name != NULL; longopts++)
                if (longopts->val == val)
                        name = longopts->name;
        return opt_bad_value(name, value);
}

int opt_bad_value(const char *name, const char *value)
{
        return opt_fail(EXIT_USAGE, _("option --%s: bad value '%s'"), name, value);
}

int opt_missing(const char *cmd, const char *opt)
{
        return opt_fail(EXIT_USAGE, _("%s: %s is required (see --help)"), cmd, opt);
}

int opt_unknown(char *const *argv)
{
        const char *arg = optind > 0 ? argv[optind - 1] : "?";

        if (arg == NULL)
                arg = "?";
        if (strncmp(arg, "--", 2) == 0 && optopt != 0)
                return opt_fail(EXIT_USAGE, _("option %s needs a value (see --help)"), arg);
        return opt_fail(EXIT_USAGE, _("unknown option '%s' (see --help)"), arg);
}

int opt_data(int argc, char **argv, const char *help, const char **data, const char *file_opt,
             const char **file)
{
        /* Without a file option its row ends the table. */
        const struct option longopts[] = {
            {"data", required_argument, NULL, 'd'},
            {"help", no_argument, NULL, 'h'},
            {file != NULL ? file_opt : NULL, required_argument, NULL, 'f'},
            {NULL, 0, NULL, 0},
        };
        char opt[64];
        int ch;

        optind = 1;
        while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
                if (ch == 'd')
                        *data = optarg;
                else if (ch == 'f')
                        *file = optarg;
                else if (ch == 'h')
                        return fputs(_(help), stdout), EXIT_OK;
                else
                        return fputs(_(help), stderr), EXIT_USAGE;
        }
        if (*data == NULL)
                return opt_missing(argv[0], "--data");
        snprintf(opt, sizeof(opt), "--%s", file != NULL ? file_opt : "");
        if (file != NULL && *file == NULL)
                return opt_missing(argv[0], opt);
        return -1;
}

int opt_fail(int status, const char *fmt, ...)
{
        va_list ap;

        fprintf(stderr, "%s: ", prog);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
        return status;
}

/* Most options one verb has, catalogue fields included. */
#define OPTS_MAX 48

/* One option as the parser sees it, explicit or from the catalogue. */
struct opt_row {
        char name[40];
        char field[40];
        enum opt_kind kind;
        int required;
        const char *help;
        const struct field_def *def; /* a catalogue field, or NULL */
};

/* The name of an explicit row's field. */
static void row_field(const struct opt *o, char *buf, size_t len)
{
        snprintf(buf, len, "%s", o->field != NULL ? o->field : o->name);
        for (char *p = buf; *p != '\0'; p++)
                if (*p == '-')
                        *p = '_';
}

/* The row of rows[0..n) that fills field, or NULL. */
static struct opt_row *row_find(struct opt_row *rows, size_t n, const char *field)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(rows[i].field, field) == 0)
                        return &rows[i];
        return NULL;
}

/* Appends the catalogue's fields of an entity's action not yet declared. */
static size_t rows_from_catalogue(const struct opt *o, struct opt_row *rows, size_t n)
{
        const struct entity_def *d = entity_find(o->entity);
        const struct action_def *a = d != NULL ? entity_action(d, o->action) : NULL;
        const struct field_def *f;
        int req;

        for (size_t i = 0; a != NULL && (f = entity_action_field(d, a, i, &req)) != NULL; i++) {
                struct opt_row *own = row_find(rows, n, f->name);
                if (own != NULL && own->help == NULL) {
                        own->help = f->help;
                        own->def = f;
                }
                if (n == OPTS_MAX || own != NULL)
                        continue;
                entity_field_opt(f, rows[n].name, sizeof(rows[n].name));
                snprintf(rows[n].field, sizeof(rows[n].field), "%s", f->name);
                rows[n].kind = f->check == C_CODE  ? OPT_CODE
                               : f->check == C_NIP ? OPT_NIP
                                                   : OPT_VALUE;
                rows[n].required = req;
                rows[n].help = f->help;
                rows[n].def = f;
                n++;
        }
        return n;
}

/* Expands a table into rows: explicit ones first, then catalogue fields. */
static size_t rows_expand(const struct opt *opts, struct opt_row *rows)
{
        size_t n = 0;

        for (const struct opt *o = opts; o->kind != OPT_END_ && n < OPTS_MAX; o++) {
                if (o->kind == OPT_FIELDS)
                        continue;
                snprintf(rows[n].name, sizeof(rows[n].name), "%s", o->name);
                row_field(o, rows[n].field, sizeof(rows[n].field));
                rows[n].kind = o->kind;
                rows[n].required = o->required;
                rows[n].help = o->help;
                rows[n].def = NULL;
                n++;
        }
        for (const struct opt *o = opts; o->kind != OPT_END_; o++)
                if (o->kind == OPT_FIELDS)
                        n = rows_from_catalogue(o, rows, n);
        return n;
}

/* True for a positional argument's row. */
static int row_positional(const struct opt_row *r)
{
        return r->kind == OPT_ARG || r->kind == OPT_ARG_CODE || r->kind == OPT_ARG_NIP;
}

/* Stores one value as its kind says. */
static void row_store(const struct opt_row *r, const char *v, json_t *out)
{
        char buf[256];
        size_t o = 0;

        if (r->kind == OPT_FLAG) {
                v = "1";
        } else if (r->kind == OPT_CODE || r->kind == OPT_NIP || r->kind == OPT_ARG_CODE ||
                   r->kind == OPT_ARG_NIP) {
                for (const char *p = v; *p != '\0' && o + 1 < sizeof(buf); p++)
                        if (r->kind == OPT_CODE || r->kind == OPT_ARG_CODE)
                                buf[o++] = (char)toupper((unsigned char)*p);
                        else if (*p != ' ')
                                buf[o++] = *p;
                buf[o] = '\0';
                v = buf;
        }
        json_object_set_new(out, r->field, json_string(v));
}

/* The command line as typed, before getopt moved the words it did not take
 * to the end: opts_extra looks there for the option a stray word followed. */
static char **typed;
static int ntyped;

/* Keeps the order argv was typed in (the pointers, not the strings). */
static void keep_typed(int argc, char **argv)
{
        char **copy = realloc(typed, (size_t)(argc > 0 ? argc : 1) * sizeof(*copy));

        if (copy == NULL)
                return;
        memcpy(copy, argv, (size_t)argc * sizeof(*copy));
        typed = copy;
        ntyped = argc;
}

int opts_parse(const char *cmd, const struct opt *opts, int argc, char **argv, json_t *out,
               int *rest)
{
        struct opt_row rows[OPTS_MAX];
        struct option longopts[OPTS_MAX + 1];
        size_t n = rows_expand(opts, rows);
        char flag[48];
        int ch;

        for (size_t i = 0; i < n; i++)
                longopts[i] = (struct option){
                    rows[i].name, rows[i].kind == OPT_FLAG ? no_argument : required_argument, NULL,
                    1000 + (int)i};
        longopts[n] = (struct option){NULL, 0, NULL, 0};
        keep_typed(argc, argv);
        optind = 1;
        while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
                if (ch < 1000 || ch >= 1000 + (int)n)
                        return opt_unknown(argv);
                row_store(&rows[ch - 1000], optarg, out);
        }
        for (size_t i = 0; i < n; i++)
                if (row_positional(&rows[i]) && optind < argc)
                        row_store(&rows[i], argv[optind++], out);
        for (size_t i = 0; i < n; i++)
                if (rows[i].required && json_object_get(out, rows[i].field) == NULL) {
                        snprintf(flag, sizeof(flag), row_positional(&rows[i]) ? "%s" : "--%s",
                                 rows[i].name);
                        return opt_missing(cmd, flag);
                }
        *rest = optind;
        return 0;
}

/* True if word is one of the words opts_parse left over (argv[rest..argc)). */
static int left_over(const char *word, int argc, char **argv, int rest)
{
        for (int i = rest; i < argc; i++)
                if (argv[i] == word)
                        return 1;
        return 0;
}

/* Where a value that lost words began: the index in typed of the option
 * ("--reason" or "--reason=Bendahara") that the left-over word at i follows
 * with only left-over words between its value and i; -1 if none. */
static int lost_from(int i, int argc, char **argv, int rest)
{
        int v = i - 1;

        while (v > 0 && typed[v][0] != '-')
                v--;
        if (v <= 0 || strncmp(typed[v], "--", 2) != 0)
                return -1;
        if (strchr(typed[v], '=') == NULL && v + 1 >= i)
                return -1;
        for (int k = v + (strchr(typed[v], '=') == NULL ? 2 : 1); k < i; k++)
                if (!left_over(typed[k], argc, argv, rest))
                        return -1;
        return v;
}

int opt_word(const char *cmd, const char *word)
{
        return opt_fail(EXIT_USAGE, _("%s: unexpected word '%s' (see renbin %s --help)"), cmd, word,
                        cmd);
}

int opts_extra(const char *cmd, int argc, char **argv, int rest)
{
        const char *word = argv[rest];
        char opt[48], before[256] = "", all[512];
        int i = 0, v, k;

        while (i < ntyped && typed[i] != word)
                i++;
        if (i >= ntyped || (v = lost_from(i, argc, argv, rest)) < 0)
                return opt_word(cmd, word);
        if (strchr(typed[v], '=') != NULL) {
                snprintf(opt, sizeof(opt), "%.*s", (int)(strchr(typed[v], '=') - typed[v]),
                         typed[v]);
                snprintf(before, sizeof(before), "%s", strchr(typed[v], '=') + 1);
                k = v + 1;
        } else {
                snprintf(opt, sizeof(opt), "%s", typed[v]);
                snprintf(before, sizeof(before), "%s", typed[v + 1]);
                k = v + 2;
        }
        for (; k < i; k++)
                snprintf(before + strlen(before), sizeof(before) - strlen(before), " %s", typed[k]);
        snprintf(all, sizeof(all), "%s", before);
        for (k = i; k < ntyped && typed[k][0] != '-' && left_over(typed[k], argc, argv, rest); k++)
                snprintf(all + strlen(all), sizeof(all) - strlen(all), " %s", typed[k]);
        return opt_fail(EXIT_USAGE,
                        _("unexpected word '%s' after %s %s (quote a value with spaces: %s "
                          "\"%s\")"),
                        word, opt, before, opt, all);
}

const char *opts_value(const json_t *out, const struct opt *o)
{
        char field[40];

        row_field(o, field, sizeof(field));
        return json_string_value(json_object_get(out, field));
}

/* What a catalogue field accepts, for --help: its values or its range. */
static void field_values(const struct field_def *f, FILE *f_out)
{
        if (f->check == C_ENUM) {
                fputs(" (", f_out);
                for (size_t i = 0; f->allowed[i] != NULL; i++)
                        fprintf(f_out, "%s%s", i ? ", " : "", f->allowed[i]);
                fputc(')', f_out);
        } else if (f->check == C_INT) {
                fprintf(f_out, " (%ld-%ld)", f->min, f->max);
        }
}

void opts_help(const struct opt *opts, FILE *f)
{
        struct opt_row rows[OPTS_MAX];
        size_t n = rows_expand(opts, rows);
        char left[64];

        for (size_t i = 0; i < n; i++) {
                if (row_positional(&rows[i]))
                        snprintf(left, sizeof(left), "%.40s", rows[i].name);
                else
                        snprintf(left, sizeof(left), "--%.40s%s", rows[i].name,
                                 rows[i].kind == OPT_FLAG     ? ""
                                 : rows[i].kind == OPT_NUMBER ? " N"
                                                              : " VALUE");
                fprintf(f, "  %-24s %s", left, rows[i].help != NULL ? _(rows[i].help) : "");
                if (rows[i].def != NULL)
                        field_values(rows[i].def, f);
                fputs(rows[i].required ? _(" [required]\n") : "\n", f);
        }
}
