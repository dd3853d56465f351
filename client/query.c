/*
 * query.c - one Query call over a fresh connection. A document larger than
 * a frame comes in parts (QueryReply.parts): the following ones are asked
 * for on the same connection and joined before the JSON is read.
 */
#include "query.h"
#include "i18n.h"
#include "net.h"
#include "wire.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Asks for part (0: the document) of query name on n. *resp gets a
 * QueryReply, or the call fails with e. */
static int query_call(struct net *n, const char *name, const char *const *args, size_t nargs,
                      uint32_t part, Renbin__Response **resp, struct rb_err *e)
{
        Renbin__Request req = RENBIN__REQUEST__INIT;
        Renbin__Query q = RENBIN__QUERY__INIT;
        struct arena a = ARENA_INIT;
        char num[16];
        size_t cap = 0;
        int rc;

        q.name = (char *)name;
        for (size_t i = 0; i < nargs; i++)
                wire_field_add(&a, &q.args, &q.n_args, &cap, args[2 * i], args[2 * i + 1]);
        snprintf(num, sizeof(num), "%u", (unsigned)part);
        if (part > 0)
                wire_field_add(&a, &q.args, &q.n_args, &cap, "part", num);
        req.call_case = RENBIN__REQUEST__CALL_QUERY;
        req.query = &q;
        rc = net_call(n, &req, resp, e);
        arena_free(&a);
        if (rc == 0 && ((*resp)->result_case != RENBIN__RESPONSE__RESULT_QUERY ||
                        (*resp)->query->json == NULL))
                rc = err_set(e, RB_INTERNAL, NULL, _("server answered Query with no reply"));
        return rc;
}

/* Appends the json of r, part p of the document first began, to *buf. */
static int query_join(const Renbin__QueryReply *first, const Renbin__QueryReply *r, uint32_t p,
                      char **buf, size_t *len, struct rb_err *e)
{
        size_t add = strlen(r->json);
        char *nb;

        if (r->part != p || r->parts != first->parts || r->generated_at != first->generated_at)
                return err_set(e, RB_INTERNAL, NULL,
                               _("the server sent part %u of %u where part %u of %u was due"),
                               (unsigned)r->part, (unsigned)r->parts, (unsigned)p,
                               (unsigned)first->parts);
        if ((nb = realloc(*buf, *len + add + 1)) == NULL)
                return err_set(e, RB_INTERNAL, NULL, _("out of memory"));
        memcpy(nb + *len, r->json, add + 1);
        *buf = nb;
        *len += add;
        return 0;
}

/* Reads the document that first begins: whole, or joined from its parts
 * asked for one by one on n. NULL with e. */
static json_t *query_collect(struct net *n, const char *name, const char *const *args, size_t nargs,
                             const Renbin__QueryReply *first, struct rb_err *e)
{
        Renbin__Response *resp = NULL;
        char *buf = NULL;
        size_t len = 0;
        json_error_t je;
        json_t *doc = NULL;
        int rc = query_join(first, first, first->parts > 1 ? 1 : first->part, &buf, &len, e);

        for (uint32_t p = 2; rc == 0 && p <= first->parts; p++) {
                if ((rc = query_call(n, name, args, nargs, p, &resp, e)) == 0)
                        rc = query_join(first, resp->query, p, &buf, &len, e);
                if (resp)
                        renbin__response__free_unpacked(resp, NULL);
                resp = NULL;
        }
        if (rc == 0 && (doc = json_loadb(buf, len, 0, &je)) == NULL)
                err_set(e, RB_INTERNAL, NULL, _("the server sent unreadable JSON: %s"), je.text);
        free(buf);
        return doc;
}

json_t *query_runv(struct cli *cli, const char *name, const char *const *args, size_t nargs,
                   int64_t *generated_at, struct rb_err *e)
{
        Renbin__Response *resp = NULL;
        struct net n;
        json_t *doc = NULL;

        if (cli_db(cli, e) == NULL || net_open(cli, &n, e) != 0)
                return NULL;
        if (query_call(&n, name, args, nargs, 0, &resp, e) == 0 &&
            (doc = query_collect(&n, name, args, nargs, resp->query, e)) != NULL &&
            generated_at != NULL)
                *generated_at = resp->query->generated_at;
        if (resp)
                renbin__response__free_unpacked(resp, NULL);
        net_close(&n);
        return doc;
}
