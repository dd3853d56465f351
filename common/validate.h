/*
 * validate.h - the domain's input rules, shared by the server (which decides)
 * and the client (which checks early, for convenience). Every failure fills
 * an rb_err with INVALID_ARGUMENT (unless stated), the field's name and a
 * message that quotes the bad value, and returns -1.
 */
#ifndef RENBIN_VALIDATE_H
#define RENBIN_VALIDATE_H

#include <stddef.h>

#include "err.h"

/* What an 18-digit NIP says (Perka BKN 22/2007): YYYYMMDD YYYYMM S NNN. */
struct nip_info {
        char birth[11]; /* YYYY-MM-DD */
        char tmt[11];   /* TMT CPNS as YYYY-MM-01 */
        int sex;        /* 1 male, 2 female */
        int seq;        /* 1..999 */
};

/* Validates a NIP against today's date (today as YYYY-MM-DD, NULL: the
 * system clock): 18 digits, a real birth date, appointment month not in the
 * future and on or after the month of the 18th birthday, sex 1 or 2, sequence
 * from 001. Spaces inside ("19860926 201505 1 001") are accepted and must be
 * stripped by the caller with nip_normalize first. */
int nip_check(const char *nip, const char *today, struct nip_info *out, struct rb_err *e);
/* Copies nip without spaces into out (19 bytes); -1 if it does not fit. */
int nip_normalize(const char *nip, char out[19]);

/* A calendar date YYYY-MM-DD (1900..2100). field names the field in errors. */
int date_check(const char *s, const char *field, struct rb_err *e);
/* from <= to, both valid dates; the error names field_to. */
int date_range_check(const char *from, const char *to, const char *field_from, const char *field_to,
                     struct rb_err *e);
/* Days from a to b (b - a), both valid dates. */
long date_diff_days(const char *a, const char *b);
/* Today as YYYY-MM-DD (UTC+7, Western Indonesia Time). */
void date_today(char out[11]);

/* Integer in [min, max] written in decimal; stores it in *out. */
int int_check(const char *s, long min, long max, const char *field, long *out, struct rb_err *e);
/* A rating 1-5 (questionnaire, assessment level, mentoring progress). */
int rating5_check(const char *s, const char *field, long *out, struct rb_err *e);
/* An SKM element score 1-4. */
int skm_score_check(const char *s, const char *field, long *out, struct rb_err *e);

/* A code (unit, competency, program): 1-32 of A-Z 0-9 - _ . */
int code_check(const char *s, const char *field, struct rb_err *e);
/* A required free-text value: non-empty after trimming, valid UTF-8, at most max bytes. */
int text_check(const char *s, size_t max, const char *field, struct rb_err *e);
/* An optional free-text value: NULL or "" is fine, else as text_check. */
int opt_text_check(const char *s, size_t max, const char *field, struct rb_err *e);
/* Valid UTF-8 (no overlongs, no surrogates). */
int utf8_valid(const char *s);

/* One of a fixed list of words; the error lists the allowed ones. */
int enum_check(const char *s, const char *const *allowed, const char *field, struct rb_err *e);

extern const char
    *const unit_kinds[]; /* kecamatan kelurahan puskesmas pustu upt dinas badan kantor lainnya */
extern const char *const competency_types[]; /* teknis manajerial sosial-kultural */
extern const char *const program_methods[];  /* pelatihan ... magang ...: see validate.c */
extern const char *const golongan_list[];    /* I/a .. IV/e, also PPPK grades I..XVII */
extern const char *const need_priorities[];  /* tinggi sedang rendah */

/* True for a nonklasikal method (coaching, mentoring, e-learning, magang, ...). */
int method_nonklasikal(const char *method);

/* The JP a day of a method counted by day (seminar, workshop: DOMAIN.md),
 * 0 for a method that counts the JP it states. */
long method_jp_a_day(const char *method);
/* The JP of an activity of method from start to end (valid dates, in
 * order): days x the method's JP a day, 0 when the method is not counted by
 * day (or the dates are not valid). */
long method_jp_default(const char *method, const char *start, const char *end);
/* jp within what method counts for the days from start to end: 0, or -1 with
 * e (INVALID_ARGUMENT naming "jp", the rule in the message). */
int method_jp_check(const char *method, const char *start, const char *end, long jp,
                    struct rb_err *e);

/* Enrollment states and the state machine:
 *   terdaftar -> hadir -> selesai ; terdaftar -> tidak-hadir ; terdaftar|hadir -> batal.
 * Anything else is FAILED_PRECONDITION naming "status". Setting the same state
 * again is also refused (FAILED_PRECONDITION). */
extern const char *const enroll_states[]; /* terdaftar hadir selesai tidak-hadir batal */
int enroll_transition(const char *from, const char *to, struct rb_err *e);

/* Periods: assessment "2027-S1"/"2027-S2" (semester) or a year "2027";
 * survey "2027-Q1".."2027-Q4", "2027-S1", "2027-S2" or "2027". */
int period_check(const char *s, const char *field, struct rb_err *e);
/* A plan year 2000..2100. */
int year_check(const char *s, const char *field, long *out, struct rb_err *e);

#endif
