/*
 * import_more.c - the other spreadsheet imports: units, competencies, needs,
 * enrollments (with the status reached, step by step), questionnaires,
 * assessments, mentoring pairs and their logs, forum notes. Each row is
 * checked here for what can be checked offline; the server decides the rest.
 */
#include "db.h"
#include "i18n.h"
#include "import.h"
#include "outbox.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

#define CELL(name) import_cell(ic, r, name)

/* Copies the named cells that are not empty into a new JSON object. */
static json_t *cells(struct import_ctx *ic, const struct csv_row *r, const char *const *cols,
                     const char *const *fields)
{
        json_t *o = json_object();

        for (size_t i = 0; cols[i] != NULL; i++) {
                const char *v = CELL(cols[i]);
                if (v[0] != '\0')
                        json_object_set_new(o, fields[i], json_string(v));
        }
        return o;
}

/* A NIP cell, normalized into out; the error names field. */
static int nip_cell(const char *v, const char *field, char out[19], struct rb_err *e)
{
        if (nip_normalize(v, out) != 0)
                return err_set(e, RB_INVALID, field, _("'%s' is not an 18-digit NIP"), v);
        return 0;
}

/* The unit of a row for a unit office: its own, or the error. */
static int unit_cell(struct import_ctx *ic, const char *unit, struct rb_err *e)
{
        char own[64] = "", role[16] = "";

        if (code_check(unit, "unit", e) != 0)
                return -1;
        cli_get(ic->cli, "role", role, sizeof(role));
        cli_get(ic->cli, "unit", own, sizeof(own));
        if (strcmp(role, "unit") == 0 && strcmp(unit, own) != 0)
                return err_set(e, RB_DENIED, "unit",
                               _("unit %s: this office records only its own unit (%s)"), unit, own);
        return 0;
}

static const char *const unit_cols[] = {"code", "name", "kind", NULL};

static int units_row(struct import_ctx *ic, const struct csv_row *r, json_t **out, char label[160],
                     char key[128], struct rb_err *e)
{
        if (code_check(CELL("code"), "code", e) || text_check(CELL("name"), 200, "name", e) ||
            enum_check(CELL("kind"), unit_kinds, "kind", e))
                return -1;
        *out = cells(ic, r, unit_cols, unit_cols);
        snprintf(label, 160, _("add unit %s"), CELL("code"));
        snprintf(key, 128, "%s", CELL("code"));
        return 0;
}

const struct import_kind import_units = {
    .name = "units",
    .entity = "unit",
    .action = "create",
    .columns = unit_cols,
    .fields = unit_cols,
    .row = units_row,
};

static const char *const comp_cols[] = {"code", "name", "type", NULL};

static int comp_row(struct import_ctx *ic, const struct csv_row *r, json_t **out, char label[160],
                    char key[128], struct rb_err *e)
{
        if (code_check(CELL("code"), "code", e) || text_check(CELL("name"), 200, "name", e) ||
            enum_check(CELL("type"), competency_types, "type", e))
                return -1;
        *out = cells(ic, r, comp_cols, comp_cols);
        snprintf(label, 160, _("add competency %s"), CELL("code"));
        snprintf(key, 128, "%s", CELL("code"));
        return 0;
}

const struct import_kind import_competencies = {
    .name = "competencies",
    .entity = "competency",
    .action = "create",
    .columns = comp_cols,
    .fields = comp_cols,
    .row = comp_row,
};

static const char *const need_cols[] = {"unit", "competency", "priority", "reason", NULL};

static int need_row(struct import_ctx *ic, const struct csv_row *r, json_t **out, char label[160],
                    char key[128], struct rb_err *e)
{
        const char *year = CELL("year");
        long y;
        char yb[24];

        if (unit_cell(ic, CELL("unit"), e) || code_check(CELL("competency"), "competency", e) ||
            enum_check(CELL("priority"), need_priorities, "priority", e) ||
            opt_text_check(CELL("reason"), 2000, "reason", e) ||
            (year[0] && year_check(year, "year", &y, e)))
                return -1;
        if (year[0] == '\0')
                snprintf(yb, sizeof(yb), "%lld",
                         db_int(ic->cli->db, "SELECT max(year) FROM plans", NULL, 2027));
        else
                snprintf(yb, sizeof(yb), "%s", year);
        *out = cells(ic, r, need_cols, need_cols);
        json_object_set_new(*out, "year", json_string(yb));
        snprintf(label, 160, _("%s need of %s for %s"), yb, CELL("unit"), CELL("competency"));
        snprintf(key, 128, "%s/%s/%s", CELL("unit"), yb, CELL("competency"));
        return 0;
}

const struct import_kind import_needs = {
    .name = "needs",
    .entity = "need",
    .action = "add",
    .columns = need_cols,
    .fields = need_cols,
    .row = need_row,
};

static const char *const enr_cols[] = {"program", "nip", "status", NULL};
static const char *const enr_fields[] = {"program", "nip", "status", NULL};

static int enr_row(struct import_ctx *ic, const struct csv_row *r, json_t **out, char label[160],
                   char key[128], struct rb_err *e)
{
        const char *status = CELL("status");
        char nip[19];

        if (code_check(CELL("program"), "program", e) || nip_cell(CELL("nip"), "nip", nip, e) ||
            (status[0] && enum_check(status, enroll_states, "status", e)))
                return -1;
        *out = json_pack("{s:s, s:s, s:s}", "program", CELL("program"), "nip", nip, "status",
                         status[0] ? status : "terdaftar");
        snprintf(label, 160, _("enroll %s in %s"), nip, CELL("program"));
        snprintf(key, 128, "%s/%s", CELL("program"), nip);
        return 0;
}

/* The states an enrollment passes through to reach `to`. */
static const char *const *steps_to(const char *to)
{
        static const char *const hadir[] = {"hadir", NULL};
        static const char *const selesai[] = {"hadir", "selesai", NULL};
        static const char *const tidak[] = {"tidak-hadir", NULL};
        static const char *const batal[] = {"batal", NULL};
        static const char *const none[] = {NULL};

        if (strcmp(to, "hadir") == 0)
                return hadir;
        if (strcmp(to, "selesai") == 0)
                return selesai;
        if (strcmp(to, "tidak-hadir") == 0)
                return tidak;
        if (strcmp(to, "batal") == 0)
                return batal;
        return none;
}

/* An enrollment row becomes "create" then one "status" op per step. */
static int enr_queue(struct import_ctx *ic, json_t *f, const char *label, char (*op_ids)[UUID_STR],
                     size_t *n, struct rb_err *e)
{
        const char *const *steps = steps_to(json_string_value(json_object_get(f, "status")));
        json_t *create = json_pack("{s:O, s:O}", "program", json_object_get(f, "program"), "nip",
                                   json_object_get(f, "nip"));
        char id[UUID_STR], step_label[200];
        int rc =
            outbox_add(ic->cli, "enrollment", NULL, "create", create, label, op_ids[*n], id, e);

        json_decref(create);
        if (rc != 0)
                return -1;
        (*n)++;
        for (; *steps != NULL; steps++) {
                json_t *s = json_pack("{s:s}", "status", *steps);
                snprintf(step_label, sizeof(step_label), "%s: %s", label, *steps);
                rc = outbox_add(ic->cli, "enrollment", id, "status", s, step_label, op_ids[*n],
                                NULL, e);
                json_decref(s);
                if (rc != 0)
                        return -1;
                (*n)++;
        }
        return 0;
}

const struct import_kind import_enrollments = {
    .name = "enrollments",
    .entity = "enrollment",
    .action = "create",
    .columns = enr_cols,
    .fields = enr_fields,
    .row = enr_row,
    .queue = enr_queue,
    .ops_per_row = 3,
};

static const char *const eval_cols[] = {"program",  "nip",     "materi", "penyampaian",
                                        "aplikasi", "comment", NULL};

static int eval_row(struct import_ctx *ic, const struct csv_row *r, json_t **out, char label[160],
                    char key[128], struct rb_err *e)
{
        char nip[19];
        long v;

        if (code_check(CELL("program"), "program", e) || nip_cell(CELL("nip"), "nip", nip, e) ||
            rating5_check(CELL("materi"), "materi", &v, e) ||
            rating5_check(CELL("penyampaian"), "penyampaian", &v, e) ||
            rating5_check(CELL("aplikasi"), "aplikasi", &v, e) ||
            opt_text_check(CELL("comment"), 2000, "comment", e))
                return -1;
        *out = cells(ic, r, eval_cols, eval_cols);
        json_object_set_new(*out, "nip", json_string(nip));
        snprintf(label, 160, _("questionnaire of %s for %s"), nip, CELL("program"));
        snprintf(key, 128, "%s/%s", CELL("program"), nip);
        return 0;
}

const struct import_kind import_evaluations = {
    .name = "evaluations",
    .entity = "evaluation",
    .action = "submit",
    .columns = eval_cols,
    .fields = eval_cols,
    .row = eval_row,
};

static const char *const assess_cols[] = {"nip", "competency", "period", "level", "note", NULL};

static int assess_row(struct import_ctx *ic, const struct csv_row *r, json_t **out, char label[160],
                      char key[128], struct rb_err *e)
{
        char nip[19];
        long v;

        if (nip_cell(CELL("nip"), "nip", nip, e) ||
            code_check(CELL("competency"), "competency", e) ||
            period_check(CELL("period"), "period", e) ||
            rating5_check(CELL("level"), "level", &v, e) ||
            opt_text_check(CELL("note"), 2000, "note", e))
                return -1;
        *out = cells(ic, r, assess_cols, assess_cols);
        json_object_set_new(*out, "nip", json_string(nip));
        snprintf(label, 160, _("assessment of %s in %s, %s"), nip, CELL("competency"),
                 CELL("period"));
        key[0] = '\0';
        return 0;
}

const struct import_kind import_assessments = {
    .name = "assessments",
    .entity = "assessment",
    .action = "add",
    .columns = assess_cols,
    .fields = assess_cols,
    .row = assess_row,
};

static const char *const pair_cols[] = {"mentor_nip", "mentee_nip", "topic", "competency",
                                        "from",       "to",         NULL};
static const char *const pair_fields[] = {"mentor",     "mentee",   "topic", "competency",
                                          "start_date", "end_date", NULL};

static int pair_row(struct import_ctx *ic, const struct csv_row *r, json_t **out, char label[160],
                    char key[128], struct rb_err *e)
{
        char mentor[19], mentee[19];
        const char *to = CELL("to");

        if (nip_cell(CELL("mentor_nip"), "mentor", mentor, e) ||
            nip_cell(CELL("mentee_nip"), "mentee", mentee, e) ||
            text_check(CELL("topic"), 300, "topic", e) ||
            date_check(CELL("from"), "start_date", e) ||
            (to[0] && date_range_check(CELL("from"), to, "start_date", "end_date", e)))
                return -1;
        if (strcmp(mentor, mentee) == 0)
                return err_set(e, RB_INVALID, "mentee",
                               _("a mentor cannot be their own mentee (%s)"), mentor);
        *out = cells(ic, r, pair_cols, pair_fields);
        json_object_set_new(*out, "mentor", json_string(mentor));
        json_object_set_new(*out, "mentee", json_string(mentee));
        snprintf(label, 160, _("mentoring pair %s -> %s"), mentor, mentee);
        snprintf(key, 128, "%s/%s", mentor, mentee);
        return 0;
}

const struct import_kind import_mentoring = {
    .name = "mentoring",
    .entity = "mentor_pair",
    .action = "create",
    .columns = pair_cols,
    .fields = pair_fields,
    .row = pair_row,
};

static const char *const log_cols[] = {"mentor_nip", "mentee_nip", "date", "minutes",
                                       "notes",      "progress",   NULL};
static const char *const log_fields[] = {"pair",  "pair",     "date", "minutes",
                                         "notes", "progress", NULL};

/* The id of the pair (mentor, mentee), in the replica or still queued. */
static int pair_id(struct import_ctx *ic, const char *mentor, const char *mentee, char id[64],
                   struct rb_err *e)
{
        static const char sql[] =
            "SELECT id FROM mentor_pairs WHERE mentor = ?1 AND mentee = ?2 AND active = 1"
            " UNION ALL SELECT entity_id FROM outbox WHERE entity = 'mentor_pair'"
            " AND state != 'rejected' AND json_extract(fields, '$.mentor') = ?1"
            " AND json_extract(fields, '$.mentee') = ?2 LIMIT 1";
        sqlite3_stmt *st = db_stmt(ic->cli->db, sql, e);
        int found;

        if (st == NULL)
                return -1;
        sqlite3_bind_text(st, 1, mentor, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, mentee, -1, SQLITE_STATIC);
        if ((found = db_step(ic->cli->db, st, e)) > 0)
                snprintf(id, 64, "%s", db_col_text(st, 0));
        sqlite3_reset(st);
        if (found < 0)
                return -1;
        if (!found)
                return err_set(e, RB_NOT_FOUND, "pair",
                               _("no mentoring pair %s -> %s (import mentoring first)"), mentor,
                               mentee);
        return 0;
}

static int log_row(struct import_ctx *ic, const struct csv_row *r, json_t **out, char label[160],
                   char key[128], struct rb_err *e)
{
        char mentor[19], mentee[19], id[64];
        const char *prog = CELL("progress");
        long v;

        if (nip_cell(CELL("mentor_nip"), "pair", mentor, e) ||
            nip_cell(CELL("mentee_nip"), "pair", mentee, e) ||
            date_check(CELL("date"), "date", e) ||
            int_check(CELL("minutes"), 1, 24 * 60, "minutes", &v, e) ||
            (prog[0] && rating5_check(prog, "progress", &v, e)) ||
            opt_text_check(CELL("notes"), 4000, "notes", e) ||
            pair_id(ic, mentor, mentee, id, e) != 0)
                return -1;
        *out = json_pack("{s:s, s:s, s:s}", "pair", id, "date", CELL("date"), "minutes",
                         CELL("minutes"));
        if (CELL("notes")[0])
                json_object_set_new(*out, "notes", json_string(CELL("notes")));
        if (prog[0])
                json_object_set_new(*out, "progress", json_string(prog));
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

static const char *const forum_cols[] = {"unit", "date", "topic", "input", "follow_up", NULL};

static int forum_row(struct import_ctx *ic, const struct csv_row *r, json_t **out, char label[160],
                     char key[128], struct rb_err *e)
{
        if (unit_cell(ic, CELL("unit"), e) || date_check(CELL("date"), "date", e) ||
            text_check(CELL("topic"), 300, "topic", e) ||
            opt_text_check(CELL("input"), 4000, "input", e) ||
            opt_text_check(CELL("follow_up"), 4000, "follow_up", e))
                return -1;
        *out = cells(ic, r, forum_cols, forum_cols);
        snprintf(label, 160, _("forum note of %s: %s"), CELL("date"), CELL("topic"));
        key[0] = '\0';
        return 0;
}

const struct import_kind import_forums = {
    .name = "forums",
    .entity = "forum",
    .action = "add",
    .columns = forum_cols,
    .fields = forum_cols,
    .row = forum_row,
};

static const char *const prog_cols[] = {"code",    "title",    "method", "competency",
                                        "partner", "speaker",  "start",  "end",
                                        "jp",      "capacity", NULL};
static const char *const prog_fields[] = {"code",    "title",    "method",     "competency",
                                          "partner", "speaker",  "start_date", "end_date",
                                          "jp",      "capacity", NULL};

static int prog_row(struct import_ctx *ic, const struct csv_row *r, json_t **out, char label[160],
                    char key[128], struct rb_err *e)
{
        long v;

        if (code_check(CELL("code"), "code", e) || text_check(CELL("title"), 300, "title", e) ||
            enum_check(CELL("method"), program_methods, "method", e) ||
            (CELL("competency")[0] && code_check(CELL("competency"), "competency", e)) ||
            opt_text_check(CELL("partner"), 300, "partner", e) ||
            opt_text_check(CELL("speaker"), 500, "speaker", e) ||
            date_range_check(CELL("start"), CELL("end"), "start_date", "end_date", e) ||
            int_check(CELL("jp"), 1, 1000, "jp", &v, e) ||
            int_check(CELL("capacity"), 1, 10000, "capacity", &v, e))
                return -1;
        if (ic->year == NULL)
                return err_set(e, RB_INVALID, "plan_year", _("say which plan with --plan YEAR"));
        if (strncmp(CELL("start"), ic->year, 4) != 0)
                return err_set(e, RB_INVALID, "start_date",
                               _("start %s is not in the plan year %s"), CELL("start"), ic->year);
        *out = cells(ic, r, prog_cols, prog_fields);
        json_object_set_new(*out, "plan_year", json_string(ic->year));
        snprintf(label, 160, _("add program %s"), CELL("code"));
        snprintf(key, 128, "%s", CELL("code"));
        return 0;
}

const struct import_kind import_programs = {
    .name = "programs",
    .entity = "program",
    .action = "create",
    .columns = prog_cols,
    .fields = prog_fields,
    .row = prog_row,
};
