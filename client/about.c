/*
 * about.c - who and what an op is about, in names: "198601012010011001 Siti
 * Rahma, MW-01" for an attendance op that carries only its status. Read from
 * the op's fields, the replica's rows and the create still queued for the
 * row, so an office offline and HR's conflicts list say the same.
 */
#include "about.h"
#include "db.h"
#include "outbox.h"

#include <stdio.h>
#include <string.h>

/* The row's program and person from the replica's enrollments. */
static void from_replica(struct cli *cli, const char *entity_id, json_t *f)
{
        static const char sql[] = "SELECT program, nip FROM enrollments WHERE id = ?1";
        struct rb_err e;
        sqlite3_stmt *st = db_stmt(cli->db, sql, &e);

        if (st == NULL)
                return;
        sqlite3_bind_text(st, 1, entity_id, -1, SQLITE_STATIC);
        if (db_step(cli->db, st, &e) > 0) {
                json_object_set_new(f, "program", json_string(db_col_text(st, 0)));
                json_object_set_new(f, "nip", json_string(db_col_text(st, 1)));
        }
        sqlite3_reset(st);
}

/* Fills f's missing program and nip from the row the op is about. */
static void fill(struct cli *cli, const char *row, json_t *f)
{
        struct rb_err e;
        json_t *c;

        if (row == NULL || json_object_get(f, "nip") != NULL)
                return;
        from_replica(cli, row, f);
        if (json_object_get(f, "nip") != NULL || (c = outbox_create_fields(cli, row, &e)) == NULL)
                return;
        json_object_update_missing(f, c);
        if (json_object_get(f, "nip") == NULL && json_object_get(c, "mentee") != NULL)
                json_object_set(f, "nip", json_object_get(c, "mentee"));
        json_decref(c);
}

const char *about_op(struct cli *cli, const char *entity_id, const json_t *fields, char *buf,
                     size_t len)
{
        json_t *f = json_deep_copy(fields);
        const char *nip, *program, *pair;
        char name[256] = "";
        struct rb_err e;

        buf[0] = '\0';
        if (f == NULL || cli_db(cli, &e) == NULL) {
                json_decref(f);
                return buf;
        }
        pair = json_string_value(json_object_get(f, "pair"));
        fill(cli, pair != NULL ? pair : entity_id, f);
        if (json_object_get(f, "nip") == NULL && json_object_get(f, "mentee") != NULL)
                json_object_set(f, "nip", json_object_get(f, "mentee"));
        nip = json_string_value(json_object_get(f, "nip"));
        program = json_string_value(json_object_get(f, "program"));
        if (nip != NULL) {
                sqlite3_stmt *st = db_stmt(cli->db, "SELECT name FROM asn WHERE nip = ?1", &e);
                if (st != NULL) {
                        sqlite3_bind_text(st, 1, nip, -1, SQLITE_STATIC);
                        if (db_step(cli->db, st, &e) > 0)
                                snprintf(name, sizeof(name), " %s", db_col_text(st, 0));
                        sqlite3_reset(st);
                }
        }
        snprintf(buf, len, "%s%s%s%s", nip ? nip : "", name, nip && program ? ", " : "",
                 program ? program : "");
        json_decref(f);
        return buf;
}
