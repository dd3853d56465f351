/*
 * report.c - fetching a report (a report.* named query) from the server and
 * keeping it in the replica's report_cache, so it can be read offline "as
 * of" when it was made; and the small helpers every report printer uses.
 * cmd_report.c (tables, --json, --csv) and report_html.c (the year's page)
 * both build on this file, and report_html.c knows nothing of the command.
 */
#include "db.h"
#include "i18n.h"
#include "query.h"
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Formats a unix time as local "YYYY-MM-DD HH:MM". */
void report_time(int64_t t, char buf[32])
{
        time_t tt = (time_t)t;
        struct tm tm;

        localtime_r(&tt, &tm);
        strftime(buf, 32, "%Y-%m-%d %H:%M", &tm);
}

/* The cache key of a query and its arguments: "name k=v k=v". */
static void cache_key(const char *name, const char *const *args, size_t nargs, char *key,
                      size_t len)
{
        size_t off = (size_t)snprintf(key, len, "%s", name);

        for (size_t i = 0; i < nargs && off < len; i++)
                if (args[2 * i + 1] != NULL)
                        off += (size_t)snprintf(key + off, len - off, " %s=%s", args[2 * i],
                                                args[2 * i + 1]);
}

/* Saves a fresh document (a failure to cache is not a failure to report). */
static void cache_put(struct cli *cli, const char *key, json_t *doc, int64_t at)
{
        static const char sql[] =
            "INSERT INTO report_cache(key, json, generated_at) VALUES(?1, ?2, ?3)"
            " ON CONFLICT(key) DO UPDATE SET json = excluded.json,"
            " generated_at = excluded.generated_at";
        sqlite3_stmt *st = db_stmt(cli->db, sql, NULL);
        char *s = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));

        if (st != NULL && s != NULL) {
                sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 2, s, -1, SQLITE_STATIC);
                sqlite3_bind_int64(st, 3, at);
                db_run(cli->db, st, NULL); /* a cache: not keeping it costs a fetch */
        }
        free(s);
}

/* The cached copy of key into r: 0, or -1 if none. */
static int cache_get(struct cli *cli, const char *key, struct report_doc *r)
{
        static const char sql[] = "SELECT json, generated_at FROM report_cache WHERE key = ?1";
        sqlite3_stmt *st = db_stmt(cli->db, sql, NULL);
        int rc = -1;

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        if (db_step(cli->db, st, NULL) > 0 &&
            (r->doc = json_loads(db_col_text(st, 0), 0, NULL)) != NULL) {
                r->generated_at = sqlite3_column_int64(st, 1);
                r->cached = 1;
                rc = 0;
        }
        sqlite3_reset(st);
        return rc;
}

/* Fetches a report, caching it; offline, the cached copy (see report.h). */
int report_get(struct cli *cli, const char *name, const char *const *args, size_t nargs,
               struct report_doc *r, struct rb_err *e)
{
        char key[512];

        memset(r, 0, sizeof(*r));
        if (cli_db(cli, e) == NULL)
                return -1;
        cache_key(name, args, nargs, key, sizeof(key));
        if ((r->doc = query_runv(cli, name, args, nargs, &r->generated_at, e)) != NULL) {
                cache_put(cli, key, r->doc, r->generated_at);
                return 0;
        }
        if (e->code != RB_UNAVAILABLE)
                return -1;
        if (cache_get(cli, key, r) != 0) {
                char msg[sizeof(e->msg)];
                snprintf(msg, sizeof(msg), "%s", e->msg);
                return err_set(e, RB_UNAVAILABLE, "server",
                               _("%s; no saved copy of this report to show offline"), msg);
        }
        return 0;
}

/* A string member of an object, "" when absent. */
const char *report_str(json_t *o, const char *k)
{
        const char *s = json_string_value(json_object_get(o, k));
        return s ? s : "";
}
