/*
 * out.c - output helpers shared by the commands. Every JSON document leaves
 * through out_json, which writes the conventions of docs/json.md in one
 * place: a time (a key "at" or ending in "_at") is an ISO 8601 UTC string, or
 * null when there is none; a flag (out_json_flags) is a JSON boolean.
 */
#include "out.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Keys that hold a yes/no, whatever integer the database keeps for it. */
static const char *const out_json_flags[] = {"active",   "suppressed", "current",
                                             "answered", "klasikal",   NULL};

/* Whether key names a time. */
static int is_time_key(const char *key)
{
        size_t n = strlen(key);

        return strcmp(key, "at") == 0 || (n > 3 && strcmp(key + n - 3, "_at") == 0);
}

/* Whether key names a flag. */
static int is_flag_key(const char *key)
{
        for (size_t i = 0; out_json_flags[i] != NULL; i++)
                if (strcmp(key, out_json_flags[i]) == 0)
                        return 1;
        return 0;
}

json_t *out_json_time(long long t)
{
        char buf[32];
        struct tm tm;
        time_t tt = (time_t)t;

        if (t <= 0 || gmtime_r(&tt, &tm) == NULL)
                return json_null();
        strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
        return json_string(buf);
}

/* The value of key as docs/json.md writes it: v itself, or a new value. */
static json_t *norm_value(const char *key, json_t *v)
{
        if (json_is_integer(v) && is_time_key(key))
                return out_json_time((long long)json_integer_value(v));
        if (json_is_integer(v) && is_flag_key(key) && json_integer_value(v) >= 0 &&
            json_integer_value(v) <= 1)
                return json_boolean(json_integer_value(v) != 0);
        return NULL;
}

void out_json_norm(json_t *j)
{
        const char *k;
        json_t *v, *nv;
        size_t i;

        if (json_is_array(j))
                json_array_foreach(j, i, v) out_json_norm(v);
        if (!json_is_object(j))
                return;
        json_object_foreach(j, k, v)
        {
                if ((nv = norm_value(k, v)) != NULL)
                        json_object_set_new(j, k, nv);
                else
                        out_json_norm(v);
        }
}

int out_json(json_t *j)
{
        out_json_norm(j);
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
