/*
 * entity.c - the catalogue (see entity.h): every synced entity, its fields
 * with their checks, and its actions with the roles that may perform them.
 * The rules that are more than a field's own limits (seats, the enrollment
 * state machine, ownership of a row, a mentor's seniority) live in the
 * server's rule hooks (server/e_*.c), named by entity and action.
 */
#include "entity.h"
#include "i18n.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

#define FIELDS(a) a, sizeof(a) / sizeof(a[0])
#define ACTIONS(a) a, sizeof(a) / sizeof(a[0])

/* Field lines: name, flags, then what the kind needs, and the help text. */
#define TEXT(n, fl, mx, h)                                                                         \
        {                                                                                          \
                .name = n, .type = F_TEXT, .check = C_TEXT, .flags = fl, .max = mx, .help = h      \
        }
#define CODE(n, fl, h)                                                                             \
        {                                                                                          \
                .name = n, .type = F_TEXT, .check = C_CODE, .flags = fl, .help = h                 \
        }
#define NIP(n, fl, h)                                                                              \
        {                                                                                          \
                .name = n, .type = F_TEXT, .check = C_NIP, .flags = fl, .help = h                  \
        }
#define DATE(n, fl, h)                                                                             \
        {                                                                                          \
                .name = n, .type = F_TEXT, .check = C_DATE, .flags = fl, .help = h                 \
        }
#define PERIOD(n, fl, h)                                                                           \
        {                                                                                          \
                .name = n, .type = F_TEXT, .check = C_PERIOD, .flags = fl, .help = h               \
        }
#define YEAR(n, fl, h)                                                                             \
        {                                                                                          \
                .name = n, .type = F_INT, .check = C_YEAR, .flags = fl, .help = h                  \
        }
#define INT(n, fl, lo, hi, h)                                                                      \
        {                                                                                          \
                .name = n, .type = F_INT, .check = C_INT, .flags = fl, .min = lo, .max = hi,       \
                .help = h                                                                          \
        }
#define ENUM(n, fl, list, h)                                                                       \
        {                                                                                          \
                .name = n, .type = F_TEXT, .check = C_ENUM, .flags = fl, .allowed = list,          \
                .help = h                                                                          \
        }
#define ID(n, fl, h)                                                                               \
        {                                                                                          \
                .name = n, .type = F_TEXT, .check = C_ID, .flags = fl, .help = h                   \
        }
/* Made by the server, never typed. */
#define STORED(n, t)                                                                               \
        {                                                                                          \
                .name = n, .type = t, .check = C_NONE                                              \
        }
#define STORED_NOW(n)                                                                              \
        {                                                                                          \
                .name = n, .type = F_INT, .check = C_NONE, .flags = FD_NOW                         \
        }

/* The levels of a competency, from an assessment and in a position's
 * standard alike: one range for both. */
#define LEVEL_MIN 1
#define LEVEL_MAX 5
/* The JP one program or one record from outside the plan may credit. */
#define JP_MAX 1000
/* A course's title, a program's or a record's. */
#define COURSE_TITLE_MAX 300
/* The first and last day of a course (a program, a record), typed as
 * --start and --end. */
#define COURSE_START                                                                               \
        {                                                                                          \
                .name = "start_date", .type = F_TEXT, .check = C_DATE, .flags = FD_REQUIRED,       \
                .opt = "start", .column = "start", .help = N_("first day, YYYY-MM-DD")             \
        }
#define COURSE_END                                                                                 \
        {                                                                                          \
                .name = "end_date", .type = F_TEXT, .check = C_DATE, .flags = FD_REQUIRED,         \
                .not_before = "start_date", .opt = "end", .column = "end",                         \
                .help = N_("last day, YYYY-MM-DD")                                                 \
        }
/* A position's name, on the roster and in a standard. */
#define JABATAN_MAX 200

#define REQ FD_REQUIRED
#define HR ROLE_HR
#define OFFICE (ROLE_HR | ROLE_UNIT)

static const char *const sexes[] = {"L", "P", NULL};
static const char *const plan_states[] = {"draft", "approved", NULL};
/* A forum note's follow-up: open, being worked on, done (forum list --open). */
static const char *const forum_states[] = {"terbuka", "proses", "selesai", NULL};

static const struct field_def unit_fields[] = {
    CODE("code", REQ, N_("unit code, e.g. KEL-BLW1")),
    TEXT("name", REQ, 200, N_("the unit's name")),
    ENUM("kind", REQ, unit_kinds, N_("kind of office")),
    INT("active", 0, 0, 1, N_("1 active, 0 not")),
};
static const char *const unit_create[] = {"code", "name", "kind", NULL};
static const char *const unit_update[] = {"code", "name?", "kind?", "active?", NULL};
static const struct action_def unit_actions[] = {
    {"create", HR, A_CREATES, unit_create, NULL},
    {"update", HR, 0, unit_update, NULL},
};

static const struct field_def asn_fields[] = {
    {.name = "nip",
     .type = F_TEXT,
     .check = C_NIP,
     .flags = REQ,
     .column = "NIP",
     .help = N_("18-digit NIP")},
    {.name = "name",
     .type = F_TEXT,
     .check = C_TEXT,
     .flags = REQ,
     .max = 200,
     .column = "nama",
     .help = N_("full name")},
    CODE("unit", REQ, N_("the unit the ASN works in")),
    TEXT("jabatan", 0, JABATAN_MAX, N_("position")),
    ENUM("golongan", 0, golongan_list, N_("grade, e.g. III/a")),
    DATE("tmt", 0, N_("TMT of the current grade")),
    STORED("birth_date", F_TEXT),
    STORED("sex", F_INT),
    STORED("active", F_INT),
};
static const char *const asn_put[] = {"nip", "name", "unit", "jabatan", "golongan", "tmt", NULL};
static const char *const asn_deactivate[] = {"nip", NULL};
static const struct action_def asn_actions[] = {
    {"put", HR, 0, asn_put, NULL},
    {"deactivate", HR, 0, asn_deactivate, NULL},
    {"activate", HR, 0, asn_deactivate, NULL},
};

static const struct field_def competency_fields[] = {
    CODE("code", REQ, N_("competency code, e.g. K-ANG")),
    TEXT("name", REQ, 200, N_("the competency's name")),
    ENUM("type", REQ, competency_types, N_("kind of competency")),
};
static const struct action_def competency_actions[] = {
    {"create", HR, A_INSERT | A_CREATES, NULL, R_CREATED},
};

static const struct field_def plan_fields[] = {
    YEAR("year", REQ, N_("the plan's year")),
    TEXT("title", REQ, 300, N_("the plan's title")),
    {.name = "status", .type = F_TEXT, .check = C_NONE, .allowed = plan_states},
    /* Raised by every change to the programs of an approved plan; who
     * approved it and when (decisions 65). */
    STORED("revision", F_INT),
    STORED("approved_at", F_INT),
    STORED("approved_by", F_TEXT),
};
static const char *const plan_create[] = {"year", "title", NULL};
static const char *const plan_approve[] = {"year", NULL};
static const struct action_def plan_actions[] = {
    {"create", HR, A_CREATES, plan_create, NULL},
    {"approve", HR, 0, plan_approve, NULL},
};

static const struct field_def program_fields[] = {
    CODE("code", REQ, N_("program code, unique across years, e.g. MW-01")),
    {.name = "plan_year",
     .type = F_INT,
     .check = C_YEAR,
     .flags = REQ,
     .opt = "plan",
     .help = N_("the year of the plan it belongs to")},
    TEXT("title", REQ, COURSE_TITLE_MAX, N_("the program's title")),
    ENUM("method", REQ, program_methods, N_("how it is held")),
    CODE("competency", 0, N_("the competency it develops")),
    TEXT("partner", 0, 300, N_("partner institution")),
    TEXT("speaker", 0, 500, N_("speakers (narasumber)")),
    COURSE_START,
    COURSE_END,
    INT("jp", REQ, 1, JP_MAX,
        N_("lesson hours (1 JP = 45 minutes); seminar and workshop: days x 4 or 5 by default")),
    INT("capacity", REQ, 1, 10000, N_("seats")),
    STORED("enrolled", F_INT),
    TEXT("location", 0, 300, N_("where it is held")),
    STORED("status", F_TEXT),
    {.name = "cancel_reason",
     .type = F_TEXT,
     .check = C_TEXT,
     .flags = REQ,
     .max = 2000,
     .opt = "reason",
     .help = N_("why the program is cancelled")},
};
static const char *const program_create[] = {
    "code",       "plan_year", "title", "method",   "competency", "partner", "speaker",
    "start_date", "end_date",  "jp?",   "capacity", "location?",  NULL};
/* What a correction may change: the code names the program, the rest is
 * optional; the server keeps the seats, the JP and the dates in order. */
static const char *const program_update[] = {"code",      "title?",   "start_date?", "end_date?",
                                             "capacity?", "speaker?", "partner?",    "location?",
                                             "jp?",       NULL};
static const char *const program_cancel[] = {"code", "cancel_reason", NULL};
static const struct action_def program_actions[] = {
    {"create", HR, A_CREATES, program_create, NULL},
    {"update", HR, 0, program_update, NULL},
    {"cancel", HR, 0, program_cancel, NULL},
};

static const struct field_def enrollment_fields[] = {
    CODE("program", REQ, N_("program code")),
    NIP("nip", REQ, N_("the participant's NIP")),
    STORED("unit", F_TEXT),
    ENUM("status", REQ, enroll_states, N_("the state reached")),
    STORED("jp", F_INT),
    STORED("updated_at", F_INT),
    TEXT("reason", REQ, 2000, N_("why HR corrects the state")),
    /* 1 once the questionnaire was answered: the only trace of the answer
     * the person keeps (docs/privacy.md) */
    STORED("answered", F_INT),
};
static const char *const enroll_create[] = {"program", "nip", NULL};
static const char *const enroll_status[] = {"status", NULL};
/* HR's correction: any state to any other, with the reason kept in the
 * enrollment's history (decisions 67). */
static const char *const enroll_correct[] = {"status", "reason", NULL};
static const struct action_def enrollment_actions[] = {
    {"create", OFFICE, A_CREATES, enroll_create, NULL},
    {"status", OFFICE, A_BY_ID, enroll_status, NULL},
    {"correct", HR, A_BY_ID, enroll_correct, NULL},
};

/* The op names the person (program, nip) so the server can find the
 * enrollment; the answer row it writes keeps program, unit and the answer
 * only (server/e_eval.c). */
#define ANSWER (REQ | FD_PRIVATE)
static const struct field_def evaluation_fields[] = {
    CODE("program", REQ, N_("program code")),
    NIP("nip", REQ, N_("the participant's NIP")),
    STORED("unit", F_TEXT),
    INT("materi", ANSWER, 1, 5, N_("the material")),
    INT("penyampaian", ANSWER, 1, 5, N_("the delivery")),
    INT("aplikasi", ANSWER, 1, 5, N_("practical application")),
    TEXT("comment", FD_PRIVATE, 2000, N_("a comment")),
};
static const struct action_def evaluation_actions[] = {
    {"submit", OFFICE, A_CREATES, NULL, NULL},
};

static const struct field_def assessment_fields[] = {
    NIP("nip", REQ, N_("the assessed ASN's NIP")),
    STORED("unit", F_TEXT),
    CODE("competency", REQ, N_("competency code")),
    PERIOD("period", REQ, N_("semester or year, e.g. 2027-S1")),
    INT("level", REQ, LEVEL_MIN, LEVEL_MAX, N_("the level reached")),
    TEXT("note", 0, 2000, N_("a note")),
    STORED_NOW("assessed_at"),
    STORED("current", F_INT),
};
static const struct action_def assessment_actions[] = {
    {"add", OFFICE, A_CREATES, NULL, NULL},
};

static const struct field_def mentor_pair_fields[] = {
    {.name = "mentor",
     .type = F_TEXT,
     .check = C_NIP,
     .flags = REQ,
     .column = "mentor_nip",
     .help = N_("the senior ASN's NIP")},
    {.name = "mentee",
     .type = F_TEXT,
     .check = C_NIP,
     .flags = REQ,
     .column = "mentee_nip",
     .help = N_("the new ASN's NIP")},
    STORED("unit", F_TEXT),
    TEXT("topic", REQ, 300, N_("what the mentoring is about")),
    CODE("competency", 0, N_("the competency it develops")),
    {.name = "start_date",
     .type = F_TEXT,
     .check = C_DATE,
     .flags = REQ,
     .opt = "from",
     .column = "from",
     .help = N_("first day, YYYY-MM-DD")},
    {.name = "end_date",
     .type = F_TEXT,
     .check = C_DATE,
     .not_before = "start_date",
     .opt = "to",
     .column = "to",
     .help = N_("last day, YYYY-MM-DD")},
    STORED("active", F_INT),
};
static const struct action_def mentor_pair_actions[] = {
    {"create", OFFICE, A_CREATES, NULL, NULL},
};

static const struct field_def mentor_log_fields[] = {
    ID("pair", REQ, N_("the mentoring pair")),
    STORED("unit", F_TEXT),
    DATE("date", REQ, N_("day of the session, YYYY-MM-DD")),
    INT("minutes", REQ, 1, 24 * 60, N_("length of the session in minutes")),
    TEXT("notes", 0, 4000, N_("what was done")),
    INT("progress", 0, 1, 5, N_("the mentee's progress")),
};
static const struct action_def mentor_log_actions[] = {
    {"add", OFFICE, A_CREATES, NULL, NULL},
};

static const struct field_def survey_fields[] = {
    CODE("unit", REQ, N_("the unit whose service was rated (default: this office)")),
    TEXT("service", REQ, 200, N_("the service the answer is about")),
    PERIOD("period", REQ, N_("quarter, semester or year, e.g. 2027-Q1")),
    INT("u1", REQ, 1, 4, N_("persyaratan (requirements)")),
    INT("u2", REQ, 1, 4, N_("sistem, mekanisme dan prosedur")),
    INT("u3", REQ, 1, 4, N_("waktu penyelesaian (time)")),
    INT("u4", REQ, 1, 4, N_("biaya/tarif (cost)")),
    INT("u5", REQ, 1, 4, N_("produk spesifikasi jenis pelayanan")),
    INT("u6", REQ, 1, 4, N_("kompetensi pelaksana")),
    INT("u7", REQ, 1, 4, N_("perilaku pelaksana (conduct)")),
    INT("u8", REQ, 1, 4, N_("sarana dan prasarana (facilities)")),
    INT("u9", REQ, 1, 4, N_("penanganan pengaduan (complaints)")),
    INT("age", 0, 10, 120, N_("the respondent's age")),
    ENUM("sex", 0, sexes, N_("the respondent's sex")),
    TEXT("education", 0, 60, N_("the respondent's education")),
    TEXT("job", 0, 100, N_("the respondent's job")),
    STORED_NOW("submitted_at"),
    {.name = "deleted_reason",
     .type = F_TEXT,
     .check = C_TEXT,
     .max = 2000,
     .opt = "reason",
     .help = N_("why the response is deleted")},
    STORED("deleted_at", F_INT),
};
static const char *const survey_add[] = {"unit", "service", "period",    "u1",  "u2", "u3",
                                         "u4",   "u5",      "u6",        "u7",  "u8", "u9",
                                         "age",  "sex",     "education", "job", NULL};
static const char *const survey_delete[] = {"deleted_reason!", NULL};
static const struct action_def survey_actions[] = {
    {"add", OFFICE, A_INSERT | A_CREATES, survey_add, R_RECORDED},
    {"delete", OFFICE, A_BY_ID, survey_delete, NULL},
};

static const struct field_def forum_fields[] = {
    CODE("unit", REQ, N_("the unit that held the forum (default: this office)")),
    DATE("date", REQ, N_("day of the forum, YYYY-MM-DD")),
    TEXT("topic", REQ, 300, N_("what was discussed")),
    TEXT("input", 0, 4000, N_("what the community said")),
    TEXT("follow_up", 0, 4000, N_("what the unit will do")),
    ENUM("status", 0, forum_states, N_("the follow-up's state")),
    TEXT("owner", 0, 200, N_("who sees to the follow-up")),
    DATE("due", 0, N_("when the follow-up is due, YYYY-MM-DD")),
#ifdef RENBIN_TEST_FIELD
    /* A field only the test build has (tests/e2e/test_e2e_catalog.c): it
     * proves that a field is its line here and one migration line. */
    TEXT("place", 0, 120, N_("where the forum was held")),
#endif
};
/* A note is added terbuka (the column's default). */
static const char *const forum_add[] = {"unit",      "date",  "topic", "input",
                                        "follow_up", "owner", "due",
#ifdef RENBIN_TEST_FIELD
                                        "place",
#endif
                                        NULL};
static const char *const forum_update[] = {"status!", "follow_up", "owner", "due", NULL};
static const struct action_def forum_actions[] = {
    {"add", OFFICE, A_INSERT | A_CREATES, forum_add, R_RECORDED},
    {"update", OFFICE, A_BY_ID, forum_update, NULL},
};

static const struct field_def need_fields[] = {
    CODE("unit", REQ, N_("the unit with the need (default: this office)")),
    YEAR("year", REQ, N_("the plan year (default: the newest plan, else next year)")),
    CODE("competency", REQ, N_("the competency to develop")),
    ENUM("priority", REQ, need_priorities, N_("how urgent")),
    TEXT("reason", 0, 2000, N_("why the unit needs it")),
    {.name = "withdrawn_reason",
     .type = F_TEXT,
     .check = C_TEXT,
     .max = 2000,
     .opt = "reason",
     .help = N_("why the need is withdrawn")},
    STORED("withdrawn_at", F_INT),
};
static const char *const need_add[] = {"unit", "year", "competency", "priority", "reason", NULL};
static const char *const need_update[] = {"unit", "year", "competency", "priority", NULL};
static const char *const need_withdraw[] = {"unit", "year", "competency", "withdrawn_reason!",
                                            NULL};
static const struct action_def need_actions[] = {
    {"add", OFFICE, A_INSERT | A_CREATES, need_add, R_RECORDED},
    {"update", OFFICE, 0, need_update, NULL},
    {"withdraw", OFFICE, 0, need_withdraw, NULL},
};

/* The ledger of imported files: a digest of a file's rows per import kind
 * and the importing seat's unit, so the same rows are not imported twice
 * unless asked (renbin import --again). */
static const struct field_def import_fields[] = {
    TEXT("kind", REQ, 40, N_("the import kind")),
    CODE("unit", REQ, N_("the importing seat's unit")),
    TEXT("digest", REQ, 64, N_("SHA-256 of the file's rows as read")),
    TEXT("file", 0, 255, N_("the file's name")),
    INT("rows", REQ, 0, 1000000000, N_("rows imported")),
    STORED_NOW("imported_at"),
};
static const struct action_def import_actions[] = {
    {"record", OFFICE, A_CREATES, NULL, NULL},
};

/* The history of plans and enrollments (decisions 65, 67): rows the server
 * writes with each change, never typed, synced like any row so that every
 * seat reads them offline. The seat is the certificate's unit, role and
 * serial, and its name once certificates carry one. */
static const struct field_def plan_change_fields[] = {
    STORED("year", F_INT),     STORED("revision", F_INT), STORED("changed_at", F_INT),
    STORED("by_unit", F_TEXT), STORED("by_role", F_TEXT), STORED("by_serial", F_TEXT),
    STORED("by_name", F_TEXT), STORED("action", F_TEXT),  STORED("program", F_TEXT),
    STORED("detail", F_TEXT),
};

static const struct field_def enrollment_change_fields[] = {
    STORED("enrollment", F_TEXT), STORED("program", F_TEXT),   STORED("nip", F_TEXT),
    STORED("unit", F_TEXT),       STORED("changed_at", F_INT), STORED("from_status", F_TEXT),
    STORED("to_status", F_TEXT),  STORED("reason", F_TEXT),    STORED("by_unit", F_TEXT),
    STORED("by_role", F_TEXT),    STORED("by_serial", F_TEXT), STORED("by_name", F_TEXT),
};

/* A certificate of completion (STTPP) of one selesai enrollment, issued and
 * revoked by the server with the enrollment's move (server/certificate.c,
 * decisions 115-119); never typed, synced to the unit's replica and HR. */
static const struct field_def certificate_fields[] = {
    STORED("enrollment", F_TEXT), STORED("program", F_TEXT),
    STORED("nip", F_TEXT),        STORED("unit", F_TEXT),
    STORED("number", F_TEXT),     STORED("code", F_TEXT),
    STORED("year", F_INT),        STORED("issued_at", F_INT),
    STORED("revoked_at", F_INT),  STORED("revoked_reason", F_TEXT),
};

/* The level a position (jabatan) requires in a competency (standar
 * kompetensi jabatan), set by HR, one per jabatan and competency; the
 * jabatan is matched to the roster's without regard to case. */
static const struct field_def standard_fields[] = {
    TEXT("jabatan", REQ, JABATAN_MAX, N_("the position, as the roster names it")),
    CODE("competency", REQ, N_("competency code")),
    INT("level", REQ, LEVEL_MIN, LEVEL_MAX, N_("the level the position requires")),
};
static const struct action_def standard_actions[] = {
    {"set", HR, 0, NULL, NULL},
};

/* The people a unit served in a period (SKM): the population its minimum
 * sample is drawn from (Krejcie-Morgan, PermenPAN-RB 14/2017), one per unit
 * and period, set by HR or the unit's office (decisions 127). */
static const struct field_def population_fields[] = {
    CODE("unit", REQ, N_("the unit that served them (default: this office)")),
    PERIOD("period", REQ, N_("quarter, semester or year, e.g. 2027")),
    {.name = "served",
     .type = F_INT,
     .check = C_INT,
     .flags = REQ,
     .min = 1,
     .max = 100000000,
     .opt = "count",
     .help = N_("how many people the unit served in the period")},
};
static const char *const population_set[] = {"unit", "period", "served", NULL};
static const struct action_def population_actions[] = {
    {"set", OFFICE, 0, population_set, NULL},
};

/* Kirkpatrick level 2 (learning): one participant's pre-test and post-test
 * scores in a program, one per enrollment (a later one replaces it). A
 * score is an assessment of the person, like a competency assessment, not a
 * questionnaire answer: it is kept per enrollment and synced to the unit
 * (decisions 120). */
static const struct field_def learning_test_fields[] = {
    CODE("program", REQ, N_("program code")),
    NIP("nip", REQ, N_("the participant's NIP")),
    STORED("unit", F_TEXT),
    STORED("enrollment", F_TEXT),
    INT("pre", REQ, TEST_SCORE_MIN, TEST_SCORE_MAX, N_("the score before the program (pre-test)")),
    INT("post", REQ, TEST_SCORE_MIN, TEST_SCORE_MAX, N_("the score after it (post-test)")),
    STORED_NOW("tested_at"),
};
static const struct action_def learning_test_actions[] = {
    {"record", OFFICE, 0, NULL, NULL},
};

/* Kirkpatrick level 3 (behaviour): the supervisor's rating of how a person
 * who completed a program applies it on the job, from FOLLOWUP_DAYS after
 * the program's end, once per enrollment (decisions 121). */
static const struct field_def followup_fields[] = {
    CODE("program", REQ, N_("program code")),
    NIP("nip", REQ, N_("the participant's NIP")),
    STORED("unit", F_TEXT),
    STORED("enrollment", F_TEXT),
    INT("rating", REQ, LEVEL_MIN, LEVEL_MAX, N_("how the program is applied on the job")),
    TEXT("note", 0, 2000, N_("what the supervisor saw")),
    STORED_NOW("recorded_at"),
};
static const struct action_def followup_actions[] = {
    {"add", OFFICE, A_CREATES, NULL, NULL},
};

/* Training a person took outside the plan (another agency's seminar, LAN's
 * e-learning), added by the person's office or HR with the person's NIP
 * and verified or rejected by HR: a verified record counts in the JP report
 * by its method (klasikal or nonklasikal: common/validate.c), a pending one
 * is shown and never counted. The server stamps the person's unit, the
 * state (pending, verified, rejected), whether the method is klasikal, and
 * who decided when. */
static const struct field_def record_fields[] = {
    NIP("nip", REQ, N_("the ASN's NIP")),
    STORED("unit", F_TEXT),
    TEXT("title", REQ, COURSE_TITLE_MAX, N_("the course's title")),
    TEXT("organizer", REQ, 300, N_("who held it (institusi penyelenggara)")),
    ENUM("method", REQ, program_methods, N_("how it was held")),
    COURSE_START,
    COURSE_END,
    INT("jp", 0, 1, JP_MAX,
        N_("lesson hours (1 JP = 45 minutes); seminar and workshop: days x 4 or 5 by default")),
    TEXT("certificate", 0, 100, N_("the certificate's number")),
    STORED("klasikal", F_INT),
    STORED("status", F_TEXT),
    {.name = "reject_reason",
     .type = F_TEXT,
     .check = C_TEXT,
     .max = 2000,
     .opt = "reason",
     .help = N_("why the record is rejected")},
    STORED_NOW("added_at"),
    STORED("decided_at", F_INT),
    STORED("decided_by", F_TEXT),
};
static const char *const record_add[] = {"nip",      "title", "organizer",   "method", "start_date",
                                         "end_date", "jp",    "certificate", NULL};
static const char *const record_verify[] = {NULL};
static const char *const record_reject[] = {"reject_reason!", NULL};
static const struct action_def record_actions[] = {
    {"add", OFFICE, A_CREATES, record_add, NULL},
    {"verify", HR, A_BY_ID, record_verify, NULL},
    {"reject", HR, A_BY_ID, record_reject, NULL},
};

#define ENTITY_F(var, n, tbl, sc, pre, noun, fl)                                                   \
        static const struct entity_def var = {                                                     \
            n, tbl, sc, FIELDS(pre##_fields), ACTIONS(pre##_actions), noun, fl}
#define ENTITY(var, n, tbl, sc, pre, noun) ENTITY_F(var, n, tbl, sc, pre, noun, 0)

ENTITY(unit_def, "unit", "units", "code", unit, N_("a unit"));
ENTITY(asn_def, "asn", "asn", "unit", asn, N_("an ASN"));
ENTITY(competency_def, "competency", "competencies", NULL, competency, N_("a competency"));
ENTITY(plan_def, "plan", "plans", NULL, plan, N_("a plan"));
ENTITY(program_def, "program", "programs", NULL, program, N_("a program"));
ENTITY(enrollment_def, "enrollment", "enrollments", "unit", enrollment, N_("an enrollment"));
ENTITY_F(evaluation_def, "evaluation", "evaluations", "unit", evaluation, N_("a questionnaire"),
         E_SERVER_ONLY);
ENTITY(assessment_def, "assessment", "assessments", "unit", assessment, N_("an assessment"));
ENTITY(mentor_pair_def, "mentor_pair", "mentor_pairs", "unit", mentor_pair, N_("a mentoring pair"));
ENTITY(mentor_log_def, "mentor_log", "mentor_logs", "unit", mentor_log, N_("a mentoring session"));
ENTITY(survey_def, "survey", "surveys", "unit", survey, N_("a survey response"));
ENTITY(forum_def, "forum", "forums", "unit", forum, N_("a forum note"));
ENTITY(need_def, "need", "needs", "unit", need, N_("a training need"));
ENTITY(import_def, "import", "imports", "unit", import, N_("an import"));
/* Written by the server only: no action a client may send. */
static const struct entity_def plan_change_def = {
    .name = "plan_change",
    .table = "plan_changes",
    .fields = plan_change_fields,
    .nfields = sizeof(plan_change_fields) / sizeof(plan_change_fields[0]),
    .noun = N_("a change to a plan"),
};
static const struct entity_def enrollment_change_def = {
    .name = "enrollment_change",
    .table = "enrollment_changes",
    .scope = "unit",
    .fields = enrollment_change_fields,
    .nfields = sizeof(enrollment_change_fields) / sizeof(enrollment_change_fields[0]),
    .noun = N_("a change to an enrollment"),
};
static const struct entity_def certificate_def = {
    .name = "certificate",
    .table = "certificates",
    .scope = "unit",
    .fields = certificate_fields,
    .nfields = sizeof(certificate_fields) / sizeof(certificate_fields[0]),
    .noun = N_("a certificate of completion"),
};
ENTITY(standard_def, "standard", "standards", NULL, standard, N_("a competency standard"));
ENTITY(population_def, "population", "populations", "unit", population, N_("a population served"));
ENTITY(learning_test_def, "learning_test", "learning_tests", "unit", learning_test,
       N_("a pre/post test"));
ENTITY(followup_def, "followup", "followups", "unit", followup, N_("a follow-up"));
ENTITY(record_def, "record", "records", "unit", record, N_("a record from outside the plan"));

/* In dependency order: a replica applying a page in this order never meets a
 * row before the row it refers to (the feed is in sequence order anyway). */
const struct entity_def *const entity_defs[] = {
    &unit_def,        &asn_def,         &competency_def,    &plan_def,
    &program_def,     &enrollment_def,  &evaluation_def,    &assessment_def,
    &mentor_pair_def, &mentor_log_def,  &survey_def,        &forum_def,
    &need_def,        &import_def,      &plan_change_def,   &enrollment_change_def,
    &standard_def,    &population_def,  &learning_test_def, &followup_def,
    &record_def,      &certificate_def,
};
const size_t entity_count = sizeof(entity_defs) / sizeof(entity_defs[0]);

/* TRANSLATORS: what the server did with an accepted change, shown after
 * "done" ("enroll ... in P1: done (enrolled)") and counted in the import
 * summary ("asn: 6 rows read, created 4, updated 1, unchanged 1"). */
const struct result_word entity_results[] = {
    {R_CREATED, N_("created")},         {R_CREATED_DRAFT, N_("created as a draft")},
    {R_ENROLLED, N_("enrolled")},       {R_RECORDED, N_("recorded")},
    {R_REPLACED, N_("replaced")},       {R_UPDATED, N_("updated")},
    {R_UNCHANGED, N_("unchanged")},     {R_ACTIVATED, N_("activated")},
    {R_DEACTIVATED, N_("deactivated")}, {R_APPROVED, N_("approved")},
    {R_PAIRED, N_("paired")},           {R_LOGGED, N_("logged")},
    {R_WITHDRAWN, N_("withdrawn")},     {R_DELETED, N_("deleted")},
    {R_CANCELLED, N_("cancelled")},     {R_VERIFIED, N_("verified")},
    {R_REJECTED, N_("rejected")},
};
const size_t entity_result_count = sizeof(entity_results) / sizeof(entity_results[0]);

const struct entity_def *entity_find(const char *name)
{
        for (size_t i = 0; name != NULL && i < entity_count; i++)
                if (strcmp(entity_defs[i]->name, name) == 0)
                        return entity_defs[i];
        return NULL;
}

const struct field_def *entity_field(const struct entity_def *d, const char *name)
{
        for (size_t i = 0; name != NULL && i < d->nfields; i++)
                if (strcmp(d->fields[i].name, name) == 0)
                        return &d->fields[i];
        return NULL;
}

const struct action_def *entity_action(const struct entity_def *d, const char *name)
{
        for (size_t i = 0; name != NULL && i < d->nactions; i++)
                if (strcmp(d->actions[i].name, name) == 0)
                        return &d->actions[i];
        return NULL;
}

int entity_synced(const struct entity_def *d)
{
        return d != NULL && (d->flags & E_SERVER_ONLY) == 0;
}

int entity_private(const struct entity_def *d)
{
        for (size_t f = 0; d != NULL && f < d->nfields; f++)
                if (d->fields[f].flags & FD_PRIVATE)
                        return 1;
        return 0;
}

/* FNV-1a over a string and its terminator. */
static unsigned long fnv(unsigned long h, const char *s)
{
        do {
                h ^= (unsigned char)*s;
                h *= 16777619ul;
        } while (*s++ != '\0');
        return h & 0xfffffffful;
}

unsigned long entity_catalog_version(void)
{
        unsigned long h = 2166136261ul;

        for (size_t i = 0; i < entity_count; i++) {
                h = fnv(fnv(h, entity_defs[i]->name), entity_defs[i]->table);
                for (size_t j = 0; j < entity_defs[i]->nfields; j++)
                        h = fnv(fnv(h, entity_defs[i]->fields[j].name),
                                entity_defs[i]->fields[j].type == F_INT ? "i" : "t");
        }
        return h;
}

size_t entity_field_max(const struct field_def *f)
{
        size_t n = 0;

        switch (f->check) {
        case C_TEXT:
                return (size_t)f->max;
        case C_CODE:
                return 32;
        case C_NIP:
                return 18 + 3; /* spaces between its groups, as typed */
        case C_DATE:
                return 10;
        case C_PERIOD:
                return 7;
        case C_YEAR:
                return 4;
        case C_INT:
                return 20;
        case C_ID:
                return 36;
        case C_ENUM:
                for (size_t i = 0; f->allowed != NULL && f->allowed[i] != NULL; i++)
                        if (strlen(f->allowed[i]) > n)
                                n = strlen(f->allowed[i]);
                return n;
        case C_NONE:
                break;
        }
        return 64;
}
