/*
 * flow.c - the shared steps of the domain end-to-end tests (see flow.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "flow.h"

#include <sqlite3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Collects the NULL-terminated arguments after home into args (with --json first if json). */
static void collect(const char **args, int json, va_list ap)
{
        size_t n = 0;
        const char *a;

        if (json)
                args[n++] = "--json";
        while ((a = va_arg(ap, const char *)) != NULL) {
                if (n + 1 >= F_MAXARGS)
                        fail_msg("too many arguments for renbin");
                args[n++] = a;
        }
        args[n] = NULL;
}

int f_run(struct h_result *r, const char *home, const char *const *args)
{
        const char *argv[F_MAXARGS + 4] = {h_renbin_bin(), "--home", home};
        size_t n = 3;

        for (size_t i = 0; args[i] != NULL && n + 1 < F_MAXARGS + 4; i++)
                argv[n++] = args[i];
        argv[n] = NULL;
        return h_run(r, argv);
}

/* Fails the test with what renbin printed when its exit status is not want. */
static void check_status(const struct h_result *r, int want, const char *const *args)
{
        char line[1024] = "";
        size_t off = 0;

        if (r->status == want)
                return;
        for (size_t i = 0; args[i] != NULL && off < sizeof(line) - 1; i++)
                off += (size_t)snprintf(line + off, sizeof(line) - off, "%s ", args[i]);
        fail_msg("renbin %sexited %d, not %d\nstdout: %s\nstderr: %s", line, r->status, want,
                 r->out, r->err);
}

json_t *f_json(int want, const char *home, ...)
{
        const char *args[F_MAXARGS];
        struct h_result r;
        json_error_t jerr;
        json_t *j;
        va_list ap;

        va_start(ap, home);
        collect(args, 1, ap);
        va_end(ap);
        f_run(&r, home, args);
        check_status(&r, want, args);
        j = r.out[0] ? json_loads(r.out, 0, &jerr) : NULL;
        if (r.out[0] && j == NULL)
                fail_msg("renbin %s --json printed no JSON (%s): %s", args[1], jerr.text, r.out);
        h_result_free(&r);
        return j;
}

void f_expect(struct h_result *r, int want, const char *home, ...)
{
        const char *args[F_MAXARGS];
        va_list ap;

        va_start(ap, home);
        collect(args, 0, ap);
        va_end(ap);
        f_run(r, home, args);
        check_status(r, want, args);
}

void f_ok(const char *home, ...)
{
        const char *args[F_MAXARGS];
        struct h_result r;
        va_list ap;

        va_start(ap, home);
        collect(args, 0, ap);
        va_end(ap);
        f_run(&r, home, args);
        check_status(&r, 0, args);
        h_result_free(&r);
}

const char *f_text(json_t *obj, const char *key)
{
        static char buf[8][32];
        static int next;
        json_t *v = json_object_get(obj, key);

        if (json_is_string(v))
                return json_string_value(v);
        if (json_is_integer(v)) {
                char *b = buf[next++ % 8];
                snprintf(b, sizeof(buf[0]), "%lld", (long long)json_integer_value(v));
                return b;
        }
        return "";
}

long long f_int(json_t *obj, const char *key)
{
        json_t *v = json_object_get(obj, key);

        if (json_is_boolean(v))
                return json_is_true(v);
        return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

json_t *f_at(json_t *doc, const char *path)
{
        char buf[256], *save = NULL, *tok;
        json_t *v = doc;

        snprintf(buf, sizeof(buf), "%s", path);
        for (tok = strtok_r(buf, ".", &save); tok && v; tok = strtok_r(NULL, ".", &save))
                v = json_is_array(v) ? json_array_get(v, strtoul(tok, NULL, 10))
                                     : json_object_get(v, tok);
        return v;
}

size_t f_rows_with(json_t *rows, const char *key, const char *value)
{
        size_t i, n = 0;
        json_t *row;

        json_array_foreach(rows, i, row) if (strcmp(f_text(row, key), value) == 0) n++;
        return n;
}

json_t *f_row_with(json_t *rows, const char *key, const char *value)
{
        size_t i;
        json_t *row;

        json_array_foreach(rows, i, row) if (strcmp(f_text(row, key), value) == 0) return row;
        return NULL;
}

json_t *f_status(const char *home)
{
        json_t *j = f_json(0, home, "status", NULL);

        assert_non_null(j);
        return j;
}

long long f_pending(json_t *status)
{
        return f_int(json_object_get(status, "outbox"), "pending");
}

long long f_rejected(json_t *status)
{
        return f_int(json_object_get(status, "outbox"), "rejected");
}

json_t *f_rejected_op(json_t *status, const char *needle)
{
        json_t *ops = json_object_get(json_object_get(status, "outbox"), "rejected_ops"), *op;
        size_t i;

        /* The list is newest first. */
        json_array_foreach(ops, i, op) if (strstr(f_text(op, "what"), needle) != NULL) return op;
        return NULL;
}

json_t *f_sync(const char *home)
{
        json_t *j = f_json(0, home, "sync", NULL);

        assert_non_null(j);
        assert_true(json_is_true(json_object_get(j, "ok")));
        return j;
}

char *f_write(const char *dir, const char *name, const char *text)
{
        char *path = h_path(dir, name);
        FILE *f = fopen(path, "w");

        if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
                fail_msg("cannot write %s", path);
        return path;
}

void f_nip(char out[19], const char *birth, const char *tmt, int sex, int seq)
{
        snprintf(out, 19, "%.8s%.6s%d%03d", birth, tmt, sex, seq);
}

char *f_replica_text(const char *home, const char *sql, const char *arg)
{
        char *path = h_path(home, "replica.db"), *v = f_db_text(path, sql, arg);

        free(path);
        return v;
}

char *f_db_text(const char *path, const char *sql, const char *arg)
{
        char *v = NULL;
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;

        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
                fail_msg("cannot read %s: %s", path, sqlite3_errmsg(db));
        if (arg != NULL)
                sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
                v = h_strf("%s", sqlite3_column_text(st, 0)
                                     ? (const char *)sqlite3_column_text(st, 0)
                                     : "");
        sqlite3_finalize(st);
        sqlite3_close(db);
        return v;
}

void f_db_exec(const char *path, const char *sql)
{
        sqlite3 *db = NULL;

        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
            sqlite3_busy_timeout(db, 10000) != SQLITE_OK ||
            sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
                fail_msg("cannot change %s: %s", path, sqlite3_errmsg(db));
        sqlite3_close(db);
}

long long f_replica_int(const char *home, const char *sql, const char *arg)
{
        char *v = f_replica_text(home, sql, arg);
        long long n = v != NULL ? strtoll(v, NULL, 10) : -1;

        free(v);
        return n;
}
