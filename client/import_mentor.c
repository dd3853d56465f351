/*
 * import_mentor.c - mentoring from a spreadsheet: pairs (mentor_nip,
 * mentee_nip, topic, from, to: the catalogue's columns) and their session
 * logs, which name a pair by its two NIPs.
 */
#include "db.h"
#include "i18n.h"
#include "import.h"
#include "outbox.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

#define CELL(name) import_cell(ic, r, name)

/* A NIP cell, normalized into out; the error names field. */
static int nip_cell(const char *v, const char *field, char out[19], struct rb_err *e)
{
        if (import_nip_excel(v, field, e) != 0)
                return -1;
        if (nip_normalize(v, out) != 0 || strlen(out) != 18 || strspn(out, "0123456789") != 18)
                return err_set(e, RB_INVALID, field, _("'%s' is not an 18-digit NIP"), v);
        return 0;
}

static int pair_row(struct import_ctx *ic, const struct csv_row *r, json_t **out, char label[160],
                    char key[128], struct rb_err *e)
{
        const char *mentor, *mentee;

        if (import_entity_row(ic, r, out, e) != 0)
                return -1;
        mentor = json_string_value(json_object_get(*out, "mentor"));
        mentee = json_string_value(json_object_get(*out, "mentee"));
        if (strcmp(mentor, mentee) == 0) {
                json_decref(*out);
                *out = NULL;
                return err_set(e, RB_INVALID, "mentee",
                               _("a mentor cannot be their own mentee (%s)"), mentor);
        }
        snprintf(label, 160, _("mentoring pair %s -> %s"), mentor, mentee);
        snprintf(key, 128, "%s/%s", mentor, mentee);
        return 0;
}

const struct import_kind import_mentoring = {
    .name = "mentoring",
    .entity = "mentor_pair",
    .action = "create",
    .row = pair_row,
};

/* The columns a log reads itself: the pair is named by its two NIPs. */
static const char *const log_cols[] = {"mentor_nip", "mentee_nip", NULL};
static const char *const log_fields[] = {"pair", "pair", NULL};

/* The id of the pair (mentor, mentee), in the replica or still queued. */
static int pair_id(struct import_ctx *ic, const char *mentor, const char *mentee, char id[64],
                   struct rb_err *e)
{
        static const char sql[] =
            "SELECT id FROM mentor_pairs WHERE mentor = ?1 AND mentee = ?2 AND active = 1 LIMIT 1";
        sqlite3_stmt *st = db_stmt(ic->cli->db, sql, e);
        int found;

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, mentor, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, mentee, -1, SQLITE_STATIC);
        if ((found = db_step(ic->cli->db, st, e)) > 0)
                snprintf(id, 64, "%s", db_col_text(st, 0));
        sqlite3_reset(st);
        if (found == 0)
                found = outbox_pair_queued(ic->cli, mentor, mentee, id, e);
        if (found < 0)
                return -1;
        if (found == 0)
                return err_set(e, RB_NOT_FOUND, "pair",
                               _("no mentoring pair %s -> %s (import mentoring first)"), mentor,
                               mentee);
        return 0;
}

static int log_row(struct import_ctx *ic, const struct csv_row *r, json_t **out, char label[160],
                   char key[128], struct rb_err *e)
{
        char mentor[19], mentee[19], id[64];

        if (nip_cell(CELL("mentor_nip"), "pair", mentor, e) ||
            nip_cell(CELL("mentee_nip"), "pair", mentee, e) || pair_id(ic, mentor, mentee, id, e))
                return -1;
        *out = json_pack("{s:s}", "pair", id);
        if (import_entity_row(ic, r, out, e) != 0)
                return -1;
        snprintf(label, 160, _("mentoring session %s -> %s on %s"), mentor, mentee, CELL("date"));
        key[0] = '\0';
        return 0;
}

const struct import_kind import_mentoring_logs = {
    .name = "mentoring-logs",
    .entity = "mentor_log",
    .action = "add",
    .columns = log_cols,
    .fields = log_fields,
    .row = log_row,
};
