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
        Renbin__Request req = RENBIN__REQUEST__INIT;
        Renbin__Query q = RENBIN__QUERY__INIT;
        Renbin__Response *resp = NULL;
        struct arena a = ARENA_INIT;
        struct net n;
        json_t *doc = NULL;
        size_t cap = 0;
        const char *k, *v;
        va_list ap;

        q.name = (char *)name;
        va_start(ap, e);
        while ((k = va_arg(ap, const char *)) != NULL) {
                v = va_arg(ap, const char *);
                wire_field_add(&a, &q.args, &q.n_args, &cap, k, v);
        }
        va_end(ap);
        req.call_case = RENBIN__REQUEST__CALL_QUERY;
        req.query = &q;
        if (cli_db(cli, e) == NULL || net_open(cli, &n, e) != 0)
                goto out;
        if (net_call(&n, &req, &resp, e) == 0) {
                json_error_t je;
                if ((doc = json_loads(resp->query->json, 0, &je)) == NULL)
                        err_set(e, RB_INTERNAL, NULL, _("the server sent unreadable JSON: %s"),
                                je.text);
        }
        if (resp)
                renbin__response__free_unpacked(resp, NULL);
        net_close(&n);
out:
        arena_free(&a);
        return doc;
}
