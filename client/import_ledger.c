/*
 * import_ledger.c - a file is not imported twice by mistake. The checked
 * rows of an import have a digest (SHA-256 over each row's fields as read,
 * keys sorted), recorded with the import's kind, the seat's unit, the file's
 * name and the row count as an "import" op queued with the rows; the server
 * keeps it (the imports table) and the change feed brings it to the seat's
 * replicas. Before any row is queued, the outbox (an import made offline,
 * not yet sent) and the replica (synced first when online) are asked
 * whether the same rows were imported already: if so the import is
 * refused, naming when and which file, unless --again. A kind
 * whose rows are upserts (the roster) is not checked.
 */
#include "db.h"
#include "i18n.h"
#include "import.h"
#include "opts.h"
#include "outbox.h"
#include "submit.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* The hex SHA-256 of the rows that were read well (fields[i] not NULL). */
static int rows_digest(json_t **fields, size_t n, char out[65], size_t *rows, struct rb_err *e)
{
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        unsigned char h[EVP_MAX_MD_SIZE];
        unsigned int hl = 0;
        int ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1;

        *rows = 0;
        for (size_t i = 0; ok && i < n; i++) {
                char *s;
                if (fields[i] == NULL)
                        continue;
                if ((s = json_dumps(fields[i], JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
                        ok = 0;
                else
                        ok = EVP_DigestUpdate(md, s, strlen(s)) == 1 &&
                             EVP_DigestUpdate(md, "\n", 1) == 1;
                free(s);
                (*rows)++;
        }
        ok = ok && EVP_DigestFinal_ex(md, h, &hl) == 1;
        EVP_MD_CTX_free(md);
        if (!ok)
                return err_set(e, RB_INTERNAL, NULL, _("cannot compute the file's digest"));
        for (unsigned int i = 0; i < hl && i < 32; i++)
                snprintf(out + 2 * i, 3, "%02x", h[i]);
        return 0;
}

/* Looks up the latest import of the same rows in the replica: 1 with when
 * (UTC) and file, 0 if none, -1 with e. */
static int earlier(struct import_ctx *ic, char when[32], char file[256], struct rb_err *e)
{
        static const char sql[] = "SELECT imported_at, ifnull(file, '') FROM imports"
                                  " WHERE kind = ?1 AND unit = ?2 AND digest = ?3"
                                  " ORDER BY imported_at DESC LIMIT 1";
        sqlite3_stmt *st = db_stmt(ic->cli->db, sql, e);
        int found;

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, ic->kind->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, ic->ledger.unit, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, ic->ledger.digest, -1, SQLITE_STATIC);
        if ((found = db_step(ic->cli->db, st, e)) > 0) {
                time_t t = (time_t)sqlite3_column_int64(st, 0);
                struct tm tm;
                gmtime_r(&t, &tm);
                strftime(when, 32, "%Y-%m-%d %H:%M UTC", &tm);
                snprintf(file, 256, "%s", db_col_text(st, 1));
        }
        sqlite3_reset(st);
        return found;
}

int import_ledger_check(struct import_ctx *ic, const char *path, json_t **fields, size_t n,
                        int again)
{
        const char *base = strrchr(path, '/');
        char when[32], file[256];
        struct rb_err e;
        int found;

        err_clear(&e);
        if (ic->kind->repeatable)
                return EXIT_OK;
        snprintf(ic->ledger.file, sizeof(ic->ledger.file), "%s", base != NULL ? base + 1 : path);
        if (cli_get(ic->cli, "unit", ic->ledger.unit, sizeof(ic->ledger.unit)) != 0 ||
            rows_digest(fields, n, ic->ledger.digest, &ic->ledger.rows, &e) != 0)
                return e.code ? cli_fail(&e)
                              : opt_fail(EXIT_REFUSED, _("this seat is not set up (renbin setup)"));
        /* Nothing to import is never "imported already". */
        if ((ic->ledger.on = ic->ledger.rows > 0) == 0)
                return EXIT_OK;
        /* What other seats of the unit imported reaches this replica first. */
        if (!again && submit_now(ic->cli, &e) < 0)
                return cli_fail(&e);
        if (again)
                return EXIT_OK;
        /* Imported offline and not yet sent: waiting in the outbox. */
        if ((found = outbox_import_queued(ic->cli, ic->kind->name, ic->ledger.digest, file, &e)) >
            0)
                return opt_fail(EXIT_REFUSED,
                                ngettext("%s: its %zu row was imported already from %s and waits "
                                         "for the next sync; nothing was imported (use --again "
                                         "to import it again)",
                                         "%s: these %zu rows were imported already from %s and "
                                         "wait for the next sync; nothing was imported (use "
                                         "--again to import them again)",
                                         ic->ledger.rows),
                                path, ic->ledger.rows, file[0] ? file : _("standard input"));
        if (found == 0 && (found = earlier(ic, when, file, &e)) == 0)
                return EXIT_OK;
        if (found < 0)
                return cli_fail(&e);
        return opt_fail(EXIT_REFUSED,
                        ngettext("%s: its %zu row was imported already, on %s from %s; nothing "
                                 "was imported (use --again to import it again)",
                                 "%s: these %zu rows were imported already, on %s from %s; "
                                 "nothing was imported (use --again to import them again)",
                                 ic->ledger.rows),
                        path, ic->ledger.rows, when, file[0] ? file : _("standard input"));
}

int import_ledger_queue(struct import_ctx *ic, struct rb_err *e)
{
        char rows[24], label[320];
        json_t *f;
        int rc;

        if (!ic->ledger.on || ic->ledger.rows == 0)
                return 0;
        snprintf(rows, sizeof(rows), "%zu", ic->ledger.rows);
        f = json_pack("{s:s, s:s, s:s, s:s, s:s}", "kind", ic->kind->name, "unit", ic->ledger.unit,
                      "digest", ic->ledger.digest, "file", ic->ledger.file, "rows", rows);
        snprintf(label, sizeof(label), _("import %s from %s"), ic->kind->name, ic->ledger.file);
        rc = f != NULL ? outbox_add(ic->cli, "import", NULL, "record", f, label, NULL, NULL, e)
                       : err_set(e, RB_INTERNAL, NULL, _("out of memory"));
        json_decref(f);
        return rc;
}
