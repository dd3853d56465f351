/*
 * validate.c - the domain's input rules (see DOMAIN.md), used by the server's
 * handlers before anything reaches the store and by the client's commands to
 * fail early. Every check fills an rb_err naming the caller's field and quoting
 * the bad value (control characters and invalid UTF-8 shown as '?', long values
 * cut), and returns -1; 0 means valid.
 *
 * The fixed word lists, all lowercase with '-' for spaces:
 *   unit kinds:        kecamatan kelurahan puskesmas pustu upt dinas badan kantor lainnya
 *   competency types:  teknis manajerial sosial-kultural
 *   program methods, klasikal:
 *     pelatihan    pelatihan (struktural, manajerial, teknis, fungsional, sosial kultural)
 *     bimtek       bimbingan teknis
 *     sosialisasi  sosialisasi
 *     seminar      seminar / konferensi
 *     workshop     workshop / lokakarya
 *     kursus       kursus
 *   program methods, nonklasikal:
 *     coaching mentoring e-learning
 *     pjj          pelatihan jarak jauh
 *     magang       magang / praktik kerja
 *     pertukaran   pertukaran PNS-swasta
 *     bimbingan    bimbingan di tempat kerja
 *     komunitas    komunitas belajar
 *     outbound     outbound
 *   methods counted by day (DOMAIN.md; the rest count the JP they state):
 *     seminar 4 JP a day, workshop 5 JP a day (method_day_jp)
 *   golongan:          I/a I/b I/c I/d II/a .. II/d III/a .. III/d IV/a .. IV/e (PNS),
 *                      then the PPPK grades I II ... XVII
 *   need priorities:   tinggi sedang rendah
 *   enrollment states: terdaftar hadir selesai tidak-hadir batal
 *
 * Codes: enroll_transition answers FAILED_PRECONDITION for a refused move
 * between two known states and INVALID_ARGUMENT for a word that is not a
 * state at all; both name "status". Free text may hold tabs and line breaks
 * but no other control characters. date_diff_days gives 0 for an invalid date,
 * so check dates first.
 */
#include "validate.h"
#include "i18n.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Values longer than this are cut in messages. */
#define QUOTE_MAX 48

const char *const unit_kinds[] = {
    "kecamatan", "kelurahan", "puskesmas", "pustu",   "upt",
    "dinas",     "badan",     "kantor",    "lainnya", NULL,
};

const char *const competency_types[] = {"teknis", "manajerial", "sosial-kultural", NULL};

/* Klasikal methods first, then nonklasikal from "coaching" on. */
const char *const program_methods[] = {
    "pelatihan", "bimtek",    "sosialisasi", "seminar", "workshop", "kursus",
    "coaching",  "mentoring", "e-learning",  "pjj",     "magang",   "pertukaran",
    "bimbingan", "komunitas", "outbound",    NULL,
};

static const char *const nonklasikal_methods[] = {
    "coaching",   "mentoring", "e-learning", "pjj",      "magang",
    "pertukaran", "bimbingan", "komunitas",  "outbound", NULL,
};

/* The methods counted by day and their JP a day (DOMAIN.md: seminar /
 * konferensi 4, workshop / lokakarya 5); every other method counts the JP it
 * states. */
static const struct {
        const char *method;
        long jp_a_day;
} method_day_jp[] = {
    {"seminar", 4},
    {"workshop", 5},
};

/* PNS golongan/ruang, then the PPPK grades. */
const char *const golongan_list[] = {
    "I/a",   "I/b",   "I/c",   "I/d",  "II/a", "II/b", "II/c", "II/d", "III/a",
    "III/b", "III/c", "III/d", "IV/a", "IV/b", "IV/c", "IV/d", "IV/e", /* PPPK: */
    "I",     "II",    "III",   "IV",   "V",    "VI",   "VII",  "VIII", "IX",
    "X",     "XI",    "XII",   "XIII", "XIV",  "XV",   "XVI",  "XVII", NULL,
};

const char *const need_priorities[] = {"tinggi", "sedang", "rendah", NULL};

const char *const enroll_states[] = {"terdaftar", "hadir", "selesai", "tidak-hadir", "batal", NULL};

/* The allowed enrollment moves, as from -> to pairs. */
static const char *const enroll_moves[][2] = {
    {"terdaftar", "hadir"}, {"hadir", "selesai"}, {"terdaftar", "tidak-hadir"},
    {"terdaftar", "batal"}, {"hadir", "batal"},
};

/* Why parse_date refused a string. */
enum date_fault {
        DATE_OK,
        DATE_FORMAT, /* not YYYY-MM-DD */
        DATE_YEAR,   /* outside 1900..2100 */
        DATE_UNREAL, /* no such month or day */
};

static void quote_value(const char *s, char *out, size_t len);
static size_t utf8_seq_len(const unsigned char *p);
static int is_leap(long y);
static int month_days(long y, long m);
static long days_from_civil(long y, long m, long d);
static int digits(const char *s, size_t n, long *out);
static enum date_fault parse_date(const char *s, long *y, long *m, long *d);
static int date_fault_err(enum date_fault f, const char *s, const char *field, struct rb_err *e);
static int in_list(const char *s, const char *const *list);
static int nip_shape(const char *nip, struct rb_err *e);

/* Copies s into out for a message: control bytes and invalid UTF-8 become
 * '?', and a long value is cut at a character boundary with "...". */
static void quote_value(const char *s, char *out, size_t len)
{
        const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
        size_t o = 0, k;

        while (*p != '\0') {
                k = utf8_seq_len(p);
                if (o + (k ? k : 1) + 4 > len || o >= QUOTE_MAX) {
                        memcpy(out + o, "...", 3);
                        o += 3;
                        break;
                }
                if (k == 0 || (k == 1 && (*p < 0x20 || *p == 0x7f))) {
                        out[o++] = '?';
                        p++;
                        continue;
                }
                memcpy(out + o, p, k);
                o += k;
                p += k;
        }
        out[o] = '\0';
}

/* Length of the well-formed UTF-8 sequence at p (1-4), or 0 if it is not one:
 * overlong forms, surrogates, code points above U+10FFFF and truncated
 * sequences are all refused. */
static size_t utf8_seq_len(const unsigned char *p)
{
        unsigned char c = p[0];
        unsigned char lo = 0x80, hi = 0xbf;
        size_t n;

        if (c < 0x80)
                return 1;
        if (c >= 0xc2 && c <= 0xdf)
                n = 2;
        else if (c >= 0xe0 && c <= 0xef)
                n = 3;
        else if (c >= 0xf0 && c <= 0xf4)
                n = 4;
        else
                return 0;
        if (c == 0xe0)
                lo = 0xa0; /* overlong */
        else if (c == 0xed)
                hi = 0x9f; /* surrogates */
        else if (c == 0xf0)
                lo = 0x90; /* overlong */
        else if (c == 0xf4)
                hi = 0x8f; /* above U+10FFFF */
        if (p[1] < lo || p[1] > hi)
                return 0;
        /* A NUL ends the string and is not a continuation byte, so this stops there. */
        for (size_t i = 2; i < n; i++)
                if (p[i] < 0x80 || p[i] > 0xbf)
                        return 0;
        return n;
}

/* True for a Gregorian leap year. */
static int is_leap(long y)
{
        return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days in month m (1-12) of year y. */
static int month_days(long y, long m)
{
        static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

        return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days since 1970-01-01 of a valid proleptic Gregorian date (H. Hinnant's algorithm). */
static long days_from_civil(long y, long m, long d)
{
        long era, yoe, doy, doe;

        y -= m <= 2;
        era = (y >= 0 ? y : y - 399) / 400;
        yoe = y - era * 400;
        doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
        doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
}

/* Reads exactly n decimal digits at s into *out; -1 if any is not a digit. */
static int digits(const char *s, size_t n, long *out)
{
        long v = 0;

        for (size_t i = 0; i < n; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -1;
                v = v * 10 + (s[i] - '0');
        }
        *out = v;
        return 0;
}

/* Splits a YYYY-MM-DD date and says what, if anything, is wrong with it. */
static enum date_fault parse_date(const char *s, long *y, long *m, long *d)
{
        if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, y) != 0 ||
            digits(s + 5, 2, m) != 0 || digits(s + 8, 2, d) != 0)
                return DATE_FORMAT;
        if (*y < 1900 || *y > 2100)
                return DATE_YEAR;
        if (*m < 1 || *m > 12 || *d < 1 || *d > month_days(*y, *m))
                return DATE_UNREAL;
        return DATE_OK;
}

/* Fills e for a date parse_date refused. */
static int date_fault_err(enum date_fault f, const char *s, const char *field, struct rb_err *e)
{
        char q[QUOTE_MAX + 8];

        quote_value(s, q, sizeof(q));
        switch (f) {
        case DATE_YEAR:
                return err_set(e, RB_INVALID, field, _("%s: '%s' has a year outside 1900..2100"),
                               field, q);
        case DATE_UNREAL:
                return err_set(e, RB_INVALID, field, _("%s: '%s' is not a real date"), field, q);
        default:
                return err_set(e, RB_INVALID, field, _("%s: '%s' is not a date written YYYY-MM-DD"),
                               field, q);
        }
}

/* True if s is one of the words of the NULL-terminated list. */
static int in_list(const char *s, const char *const *list)
{
        if (s == NULL)
                return 0;
        for (size_t i = 0; list[i] != NULL; i++)
                if (strcmp(s, list[i]) == 0)
                        return 1;
        return 0;
}

/* Checks that nip is 18 digits. */
static int nip_shape(const char *nip, struct rb_err *e)
{
        char q[QUOTE_MAX + 8];
        size_t len = nip != NULL ? strlen(nip) : 0;

        if (len == 0)
                return err_set(e, RB_INVALID, "nip", _("NIP is required (18 digits)"));
        quote_value(nip, q, sizeof(q));
        if (len != 18)
                return err_set(e, RB_INVALID, "nip",
                               ngettext("NIP '%s' has %zu character, not 18 digits",
                                        "NIP '%s' has %zu characters, not 18 digits", len),
                               q, len);
        for (size_t i = 0; i < 18; i++)
                if (nip[i] < '0' || nip[i] > '9')
                        return err_set(e, RB_INVALID, "nip",
                                       _("NIP '%s' must be digits only: character %zu is not"), q,
                                       i + 1);
        return 0;
}

/* Checks each part of an 18-digit NIP in order, naming the first bad one. */
int nip_check(const char *nip, const char *today, struct nip_info *out, struct rb_err *e)
{
        char now[11];
        long by = 0, bm = 0, bd = 0, ty = 0, tm = 0, sex = 0, seq = 0, ny, nm, nd;
        enum date_fault f;

        if (today == NULL) {
                date_today(now);
                today = now;
        }
        if ((f = parse_date(today, &ny, &nm, &nd)) != DATE_OK)
                return date_fault_err(f, today, "today", e);
        if (nip_shape(nip, e) != 0)
                return -1;
        digits(nip, 4, &by);
        digits(nip + 4, 2, &bm);
        digits(nip + 6, 2, &bd);
        digits(nip + 8, 4, &ty);
        digits(nip + 12, 2, &tm);
        digits(nip + 14, 1, &sex);
        digits(nip + 15, 3, &seq);
        if (by < 1900)
                return err_set(e, RB_INVALID, "nip",
                               _("NIP %s: birth date %.4s-%.2s-%.2s is before 1900"), nip, nip,
                               nip + 4, nip + 6);
        if (bm < 1 || bm > 12 || bd < 1 || bd > month_days(by, bm))
                return err_set(e, RB_INVALID, "nip",
                               _("NIP %s: birth date %.4s-%.2s-%.2s is not a real date"), nip, nip,
                               nip + 4, nip + 6);
        if (by * 10000 + bm * 100 + bd > ny * 10000 + nm * 100 + nd)
                return err_set(e, RB_INVALID, "nip",
                               _("NIP %s: birth date %.4s-%.2s-%.2s is in the future"), nip, nip,
                               nip + 4, nip + 6);
        if (tm < 1 || tm > 12)
                return err_set(e, RB_INVALID, "nip",
                               _("NIP %s: TMT CPNS %.4s-%.2s has no month %.2s"), nip, nip + 8,
                               nip + 12, nip + 12);
        if (ty * 100 + tm > ny * 100 + nm)
                return err_set(e, RB_INVALID, "nip",
                               _("NIP %s: TMT CPNS %.4s-%.2s is in the future (today is %s)"), nip,
                               nip + 8, nip + 12, today);
        if (ty * 100 + tm < (by + 18) * 100 + bm)
                return err_set(e, RB_INVALID, "nip",
                               _("NIP %s: TMT CPNS %.4s-%.2s is before the 18th birthday "
                                 "(%04ld-%02ld)"),
                               nip, nip + 8, nip + 12, by + 18, bm);
        if (sex != 1 && sex != 2)
                return err_set(e, RB_INVALID, "nip",
                               _("NIP %s: sex digit %ld must be 1 (male) or 2 (female)"), nip, sex);
        if (seq < 1)
                return err_set(e, RB_INVALID, "nip", _("NIP %s: sequence %.3s must be 001 or more"),
                               nip, nip + 15);
        if (out != NULL) {
                snprintf(out->birth, sizeof(out->birth), "%.4s-%.2s-%.2s", nip, nip + 4, nip + 6);
                snprintf(out->tmt, sizeof(out->tmt), "%.4s-%.2s-01", nip + 8, nip + 12);
                out->sex = (int)sex;
                out->seq = (int)seq;
        }
        return 0;
}

/* Copies nip into out without spaces or tabs; out is "" and -1 if more than
 * 18 characters remain. */
int nip_normalize(const char *nip, char out[19])
{
        size_t o = 0;

        out[0] = '\0';
        if (nip == NULL)
                return -1;
        for (const char *p = nip; *p != '\0'; p++) {
                if (*p == ' ' || *p == '\t')
                        continue;
                if (o == 18) {
                        out[0] = '\0';
                        return -1;
                }
                out[o++] = *p;
        }
        out[o] = '\0';
        return 0;
}

/* Checks a YYYY-MM-DD date in 1900..2100. */
int date_check(const char *s, const char *field, struct rb_err *e)
{
        long y, m, d;
        enum date_fault f = parse_date(s, &y, &m, &d);

        return f == DATE_OK ? 0 : date_fault_err(f, s, field, e);
}

/* Checks two dates and that the first is not after the second. */
int date_range_check(const char *from, const char *to, const char *field_from, const char *field_to,
                     struct rb_err *e)
{
        if (date_check(from, field_from, e) != 0 || date_check(to, field_to, e) != 0)
                return -1;
        /* YYYY-MM-DD compares as text. */
        if (strcmp(from, to) > 0)
                return err_set(e, RB_INVALID, field_to, _("%s: %s is before %s %s"), field_to, to,
                               field_from, from);
        return 0;
}

/* b - a in days; 0 if either is not a valid date. */
long date_diff_days(const char *a, const char *b)
{
        long ay, am, ad, by, bm, bd;

        if (parse_date(a, &ay, &am, &ad) != DATE_OK || parse_date(b, &by, &bm, &bd) != DATE_OK)
                return 0;
        return days_from_civil(by, bm, bd) - days_from_civil(ay, am, ad);
}

/* Today's date in Western Indonesia Time (UTC+7, no daylight saving). */
void date_today(char out[11])
{
        time_t t = time(NULL) + 7 * 3600;
        struct tm tm;

        if (gmtime_r(&t, &tm) == NULL || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
                snprintf(out, 11, "1970-01-01");
}

/* Parses a decimal integer (optional '-', digits only, no spaces) within [min, max]. */
int int_check(const char *s, long min, long max, const char *field, long *out, struct rb_err *e)
{
        char q[QUOTE_MAX + 8];
        const char *p = s != NULL ? s : "";
        char *end;
        long v;

        quote_value(p, q, sizeof(q));
        if (*p == '-')
                p++;
        if (*p < '0' || *p > '9' || strspn(p, "0123456789") != strlen(p))
                return err_set(e, RB_INVALID, field,
                               _("%s: '%s' is not a whole number from %ld to %ld"), field, q, min,
                               max);
        errno = 0;
        v = strtol(s, &end, 10);
        if (errno == ERANGE || v < min || v > max)
                return err_set(e, RB_INVALID, field,
                               _("%s: '%s' is not a whole number from %ld to %ld"), field, q, min,
                               max);
        if (out != NULL)
                *out = v;
        return 0;
}

/* A rating 1-5. */
int rating5_check(const char *s, const char *field, long *out, struct rb_err *e)
{
        return int_check(s, 1, 5, field, out, e);
}

/* An SKM element score 1-4. */
int skm_score_check(const char *s, const char *field, long *out, struct rb_err *e)
{
        return int_check(s, 1, 4, field, out, e);
}

/* A code: 1-32 characters of A-Z 0-9 - _ . */
int code_check(const char *s, const char *field, struct rb_err *e)
{
        static const char ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";
        char q[QUOTE_MAX + 8];
        size_t n = s != NULL ? strlen(s) : 0;

        if (n == 0)
                return err_set(e, RB_INVALID, field, _("%s is required"), field);
        quote_value(s, q, sizeof(q));
        if (n > 32)
                return err_set(e, RB_INVALID, field, _("%s: '%s' is longer than 32 characters"),
                               field, q);
        if (strspn(s, ok) != n)
                return err_set(e, RB_INVALID, field,
                               _("%s: '%s' may only hold A-Z, 0-9, '-', '_' and '.'"), field, q);
        return 0;
}

/* Required text: something besides white space, valid UTF-8, no control
 * characters except tab and line breaks, at most max bytes. */
int text_check(const char *s, size_t max, const char *field, struct rb_err *e)
{
        char q[QUOTE_MAX + 8];
        size_t n = s != NULL ? strlen(s) : 0;

        if (n == 0 || strspn(s, " \t\r\n") == n)
                return err_set(e, RB_INVALID, field, _("%s is required"), field);
        quote_value(s, q, sizeof(q));
        if (!utf8_valid(s))
                return err_set(e, RB_INVALID, field, _("%s: '%s' is not valid UTF-8 text"), field,
                               q);
        for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
                if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0x7f)
                        return err_set(e, RB_INVALID, field,
                                       _("%s: '%s' holds a control character"), field, q);
        if (n > max)
                return err_set(e, RB_INVALID, field,
                               ngettext("%s: '%s' is longer than %zu byte",
                                        "%s: '%s' is longer than %zu bytes", max),
                               field, q, max);
        return 0;
}

/* Optional text: NULL or "" passes, anything else must pass text_check. */
int opt_text_check(const char *s, size_t max, const char *field, struct rb_err *e)
{
        if (s == NULL || *s == '\0')
                return 0;
        return text_check(s, max, field, e);
}

/* True if s is well-formed UTF-8; NULL is not. */
int utf8_valid(const char *s)
{
        const unsigned char *p = (const unsigned char *)s;
        size_t k;

        if (p == NULL)
                return 0;
        while (*p != '\0') {
                if ((k = utf8_seq_len(p)) == 0)
                        return 0;
                p += k;
        }
        return 1;
}

/* Checks that s is one of allowed; the message lists them all. */
int enum_check(const char *s, const char *const *allowed, const char *field, struct rb_err *e)
{
        char q[QUOTE_MAX + 8], words[400];
        size_t o = 0;
        int n;

        if (in_list(s, allowed))
                return 0;
        words[0] = '\0';
        for (size_t i = 0; allowed[i] != NULL && o < sizeof(words); i++) {
                n = snprintf(words + o, sizeof(words) - o, "%s%s", i ? ", " : "", allowed[i]);
                if (n < 0)
                        break;
                o += (size_t)n;
        }
        quote_value(s, q, sizeof(q));
        return err_set(e, RB_INVALID, field, _("%s: '%s' is not one of: %s"), field, q, words);
}

/* True for a nonklasikal method. */
int method_nonklasikal(const char *method)
{
        return in_list(method, nonklasikal_methods);
}

long method_jp_a_day(const char *method)
{
        for (size_t i = 0; method != NULL && i < sizeof(method_day_jp) / sizeof(method_day_jp[0]);
             i++)
                if (strcmp(method, method_day_jp[i].method) == 0)
                        return method_day_jp[i].jp_a_day;
        return 0;
}

long method_jp_default(const char *method, const char *start, const char *end)
{
        long rate = method_jp_a_day(method);

        if (rate == 0 || start == NULL || end == NULL ||
            date_check(start, "start_date", NULL) != 0 || date_check(end, "end_date", NULL) != 0 ||
            strcmp(end, start) < 0)
                return 0;
        return (date_diff_days(start, end) + 1) * rate;
}

int method_jp_check(const char *method, const char *start, const char *end, long jp,
                    struct rb_err *e)
{
        long rate = method_jp_a_day(method), most = method_jp_default(method, start, end), days;

        if (rate == 0 || most == 0 || jp <= most)
                return 0;
        days = most / rate;
        return err_set(
            e, RB_INVALID, "jp",
            ngettext("jp: a %s of %ld day counts at most %ld JP (%ld JP a day), not %ld",
                     "jp: a %s of %ld days counts at most %ld JP (%ld JP a day), not %ld",
                     (unsigned long)days),
            method, days, most, rate, jp);
}

/* Checks one enrollment move against the state machine in validate.h. */
int enroll_transition(const char *from, const char *to, struct rb_err *e)
{
        if (enum_check(from, enroll_states, "status", e) != 0 ||
            enum_check(to, enroll_states, "status", e) != 0)
                return -1;
        if (strcmp(from, to) == 0)
                return err_set(e, RB_PRECONDITION, "status", _("status: already '%s'"), to);
        for (size_t i = 0; i < sizeof(enroll_moves) / sizeof(enroll_moves[0]); i++)
                if (strcmp(from, enroll_moves[i][0]) == 0 && strcmp(to, enroll_moves[i][1]) == 0)
                        return 0;
        return err_set(e, RB_PRECONDITION, "status",
                       _("status: cannot go from '%s' to '%s' (the steps are terdaftar -> hadir "
                         "-> selesai, terdaftar -> tidak-hadir, terdaftar or hadir -> batal)"),
                       from, to);
}

/* A period: YYYY, YYYY-S1, YYYY-S2 or YYYY-Q1..YYYY-Q4, year 2000..2100. */
int period_check(const char *s, const char *field, struct rb_err *e)
{
        char q[QUOTE_MAX + 8];
        size_t n = s != NULL ? strlen(s) : 0;
        long y;

        if ((n == 4 || n == 7) && digits(s, 4, &y) == 0 && y >= 2000 && y <= 2100) {
                if (n == 4)
                        return 0;
                if (s[4] == '-' && s[5] == 'S' && (s[6] == '1' || s[6] == '2'))
                        return 0;
                if (s[4] == '-' && s[5] == 'Q' && s[6] >= '1' && s[6] <= '4')
                        return 0;
        }
        quote_value(s, q, sizeof(q));
        return err_set(e, RB_INVALID, field,
                       _("%s: '%s' is not a period (YYYY, YYYY-S1, YYYY-S2 or YYYY-Q1..YYYY-Q4, "
                         "year 2000..2100)"),
                       field, q);
}

/* A plan year: four digits, 2000..2100. */
int year_check(const char *s, const char *field, long *out, struct rb_err *e)
{
        char q[QUOTE_MAX + 8];
        long y;

        if (s == NULL || strlen(s) != 4 || digits(s, 4, &y) != 0 || y < 2000 || y > 2100) {
                quote_value(s, q, sizeof(q));
                return err_set(e, RB_INVALID, field, _("%s: '%s' is not a year from 2000 to 2100"),
                               field, q);
        }
        if (out != NULL)
                *out = y;
        return 0;
}
