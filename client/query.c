/*
 * query.c - one Query call over a fresh connection.
 */
#include "query.h"
#include "i18n.h"
#include "net.h"
#include "wire.h"

#include <stdarg.h>

json_t *query_run(struct cli *cli, const char *name, struct rb_err *e, ...)
{
        const char *args[32];
        size_t n = 0;
        const char *k;
        va_list ap;

        va_start(ap, e);
        while ((k = va_arg(ap, const char *)) != NULL && n < 16) {
                args[2 * n] = k;
                args[2 * n + 1] = va_arg(ap, const char *);
                n++;
        }
        va_end(ap);
        return query_runv(cli, name, args, n, NULL, e);
}

json_t *query_runv(struct cli *cli, const char *name, const char *const *args, size_t nargs,
                   int64_t *generated_at, struct rb_err *e)
{
        Renbin__Request req = RENBIN__REQUEST__INIT;
        Renbin__Query q = RENBIN__QUERY__INIT;
        Renbin__Response *resp = NULL;
        struct arena a = ARENA_INIT;
        struct net n;
        json_t *doc = NULL;
        size_t cap = 0;

        q.name = (char *)name;
        for (size_t i = 0; i < nargs; i++)
                wire_field_add(&a, &q.args, &q.n_args, &cap, args[2 * i], args[2 * i + 1]);
        req.call_case = RENBIN__REQUEST__CALL_QUERY;
        req.query = &q;
        if (cli_db(cli, e) == NULL || net_open(cli, &n, e) != 0)
                goto out;
        if (net_call(&n, &req, &resp, e) == 0) {
                json_error_t je;
                if ((doc = json_loads(resp->query->json, 0, &je)) == NULL)
                        err_set(e, RB_INTERNAL, NULL, _("the server sent unreadable JSON: %s"),
                                je.text);
                else if (generated_at != NULL)
                        *generated_at = resp->query->generated_at;
        }
        if (resp)
                renbin__response__free_unpacked(resp, NULL);
        net_close(&n);
out:
        arena_free(&a);
        return doc;
}
