/*
 * out.c - output helpers shared by the commands.
 */
#include "out.h"

#include <stdarg.h>
#include <stdio.h>

int out_json(json_t *j)
{
        json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
        fputc('\n', stdout);
        json_decref(j);
        return 0;
}

void json_put(json_t *o, const char *key, const char *value)
{
        if (value != NULL && value[0] != '\0')
                json_object_set_new(o, key, json_string(value));
}

void out_say(const struct cli *cli, const char *fmt, ...)
{
        va_list ap;

        if (cli->quiet)
                return;
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
}
