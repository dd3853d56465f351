/*
 * opts.c - option parsing helpers and the uniform one-line error output.
 */
#include "opts.h"
#include "err.h"
#include "i18n.h"

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
