/*
 * test_e2e_json.c - the JSON the commands print is the JSON docs/json.md
 * documents. Each ```json-shape block of that page names a command and
 * lists every key of its output with its JSON types; this test runs each
 * command against a real server with data in every table and checks both
 * ways: every documented key is there with one of its types (a "time" is an
 * ISO 8601 UTC string, a "date" YYYY-MM-DD), and every key printed is
 * documented. So the page and the program cannot drift apart.
 *
 * Numbers in Indonesian text take the decimal comma, never in CSV or JSON.
 * Also here, the other half of a sync's story: `status --json` of a sync
 * stopped before the end says so with the changes still to come, and Ctrl-C
 * during a sync or an import exits 130 with what was saved, losing nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "err.h"
#include "flow.h"

#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define UNIT_A "KEL-BLW1"
#define MANY 1500 /* roster rows, so a page-by-page pull takes a while */

static struct {
        char *tmp, *data, *bundle, *hr, *units_csv;
        char senior[19], junior[19], part[19], ghost[19];
        char *retry_id; /* the short id of a rejected enrollment, for retry */
        char *code;     /* the verification code of part's certificate of completion */
        struct h_server srv;
} fx;

/* Imports text as kind from the HR seat (exit 0). */
static void import_text(const char *kind, const char *text, const char *extra)
{
        char *name = h_strf("in-%s.csv", kind), *p = f_write(fx.tmp, name, text);

        if (extra != NULL)
                f_ok(fx.hr, "import", kind, p, "--plan", extra, NULL);
        else
                f_ok(fx.hr, "import", kind, p, NULL);
        free(p);
        free(name);
}

/* A roster of MANY people of UNIT_A, and the three the data names. */
static char *roster(void)
{
        size_t cap = (MANY + 4) * 96, off;
        char *csv = malloc(cap), nip[19], birth[32];

        assert_non_null(csv);
        off = (size_t)snprintf(csv, cap,
                               "NIP,nama,unit,jabatan,golongan,tmt\n"
                               "%s,Zulfahmi Hasibuan,%s,Lurah,IV/a,2000-03-01\n"
                               "%s,Teguh Santoso,%s,Staf,III/a,2024-03-01\n%s,Peserta Satu,%s,Staf,"
                               "III/b,\n",
                               fx.senior, UNIT_A, fx.junior, UNIT_A, fx.part, UNIT_A);
        for (int i = 0; i < MANY; i++) {
                snprintf(birth, sizeof(birth), "1990%02d%02d", 1 + i / 900 % 12, 1 + i / 900 / 12);
                f_nip(nip, birth, "201501", 1 + i % 2, 100 + i % 900);
                off += (size_t)snprintf(csv + off, cap - off, "%s,Pegawai %d,%s,Staf,II/a,\n", nip,
                                        i, UNIT_A);
        }
        return csv;
}

/* An enrollment of a NIP nobody has, typed offline and rejected at the
 * sync: retry corrects it (fx.retry_id, the id status shows). */
static void rejected_enrollment(void)
{
        json_t *st, *ops, *o;
        struct h_result r;
        size_t i;

        f_ok(fx.hr, "--offline", "enroll", "ANG-01", fx.ghost, NULL);
        f_expect(&r, EXIT_REFUSED, fx.hr, "sync", NULL);
        h_result_free(&r);
        st = f_status(fx.hr);
        ops = json_object_get(json_object_get(st, "outbox"), "open_ops");
        json_array_foreach(ops, i, o) if (strcmp(f_text(o, "entity"), "enrollment") == 0)
            fx.retry_id = strdup(f_text(o, "id"));
        assert_non_null(fx.retry_id);
        json_decref(st);
}

/* Data in every table the commands print. */
static void fill(void)
{
        char *csv;
        struct h_result r;

        import_text("units", "code,name,kind\n" UNIT_A ",Kelurahan Belawan I,kelurahan\n", NULL);
        csv = roster();
        import_text("asn", csv, NULL);
        free(csv);
        import_text("competencies",
                    "code,name,type\nK-ANG,Pengelolaan anggaran,teknis\n"
                    "K-KOM,Komunikasi publik,sosial-kultural\n",
                    NULL);
        f_ok(fx.hr, "plan", "create", "2027", "Rencana 2027", NULL);
        import_text("programs",
                    "code,title,method,competency,partner,speaker,start,end,jp,capacity\n"
                    "ANG-01,Pengelolaan Anggaran,bimtek,K-ANG,BPSDM,Drs. S,2027-01-25,2027-01-27,"
                    "24,30\n",
                    "2027");
        f_ok(fx.hr, "plan", "approve", "2027", NULL);
        csv =
            h_strf("program,nip,status\nANG-01,%s,selesai\nANG-01,%s,hadir\n", fx.part, fx.junior);
        import_text("enrollments", csv, NULL);
        free(csv);
        import_text("needs",
                    "unit,year,competency,priority,reason\n" UNIT_A ",2027,K-ANG,tinggi,DPA\n",
                    NULL);
        csv = h_strf("nip,competency,period,level,note\n%s,K-ANG,2027-S1,3,Membaik\n", fx.part);
        import_text("assessments", csv, NULL);
        free(csv);
        csv = h_strf("mentor_nip,mentee_nip,topic,competency,from,to\n"
                     "%s,%s,Pengelolaan anggaran,K-ANG,2027-01-11,2027-06-30\n",
                     fx.senior, fx.junior);
        import_text("mentoring", csv, NULL);
        free(csv);
        csv = h_strf("mentor_nip,mentee_nip,date,minutes,notes,progress\n"
                     "%s,%s,2027-01-20,90,Anggaran,3\n",
                     fx.senior, fx.junior);
        import_text("mentoring-logs", csv, NULL);
        free(csv);
        import_text("forums",
                    "unit,date,topic,input,follow_up\n" UNIT_A
                    ",2027-01-19,Musrenbang,Parit,Diusulkan\n",
                    NULL);
        import_text("survey",
                    "unit,service,period,u1,u2,u3,u4,u5,u6,u7,u8,u9,age,sex,education,job\n" UNIT_A
                    ",Surat,2027-Q1,3,4,2,4,3,3,3,4,4,73,P,SMA,ibu\n" UNIT_A
                    ",Surat,2027-Q1,4,4,4,4,4,4,4,4,4,,,,\n",
                    NULL);
        f_ok(fx.hr, "survey", "population", "--unit", UNIT_A, "--period", "2027", "--count", "100",
             NULL);
        f_ok(fx.hr, "eval", "submit", "ANG-01", fx.part, "--materi", "4", "--penyampaian", "5",
             "--aplikasi", "4", NULL);
        /* A standard the person assessed falls short of (standard list,
         * report gaps, need suggest), and a withdrawn need (need list --all). */
        f_ok(fx.hr, "standard", "set", "--jabatan", "Staf", "--competency", "K-ANG", "--level", "4",
             NULL);
        f_ok(fx.hr, "need", "add", "--unit", UNIT_A, "--year", "2027", "--competency", "K-KOM",
             "--priority", "rendah", NULL);
        f_ok(fx.hr, "need", "withdraw", "--unit", UNIT_A, "--year", "2027", "--competency", "K-KOM",
             "--reason", "sudah dilatih", NULL);
        f_ok(fx.hr, "eval", "test", "ANG-01", fx.part, "--pre", "55", "--post", "85", NULL);
        f_ok(fx.hr, "record", "add", fx.part, "--title", "Manajemen ASN", "--organizer", "LAN RI",
             "--method", "e-learning", "--start", "2027-04-05", "--end", "2027-04-09", "--jp", "6",
             "--certificate", "LAN/2027/0042", NULL);
        /* One op the server rejects, for status and conflicts. */
        f_expect(&r, EXIT_REFUSED, fx.hr, "unit", "add", UNIT_A, "Lagi", "--kind", "kelurahan",
                 NULL);
        h_result_free(&r);
        rejected_enrollment();
        fx.units_csv =
            f_write(fx.tmp, "units-new.csv", "code,name,kind\nKEL-BLW2,Belawan II,kelurahan\n");
}

/* A certificate a restore holds (certificate held), as a restore leaves it:
 * its enrollment gone with the backup. */
static void held_fixture(void)
{
        char *db = h_path(fx.data, "renbin.db");
        char *sql = h_strf("INSERT INTO certificates_held(enrollment, id, number, code, year,"
                           " issued_at, program, nip, unit) VALUES('gone', 'gone-cert',"
                           " '900/STTPP/BKPSDM/2027', 'ZZZZZZZZZZ', 2027, 1800000000, 'ANG-01',"
                           " '%s', '%s')",
                           fx.part, UNIT_A);

        f_db_exec(db, sql);
        free(sql);
        free(db);
}

static int group_setup(void **state)
{
        (void)state;
        f_nip(fx.senior, "19750310", "200003", 1, 1);
        f_nip(fx.junior, "19980101", "202403", 2, 2);
        f_nip(fx.part, "19850601", "201004", 1, 3);
        f_nip(fx.ghost, "19900909", "201504", 1, 77);
        fx.tmp = h_tmpdir("json");
        fx.data = h_path(fx.tmp, "data");
        fx.bundle = h_path(fx.tmp, "bundle-hr");
        fx.hr = h_path(fx.tmp, "home-hr");
        h_must_init(fx.data);
        h_must_issue(fx.data, "BKPSDM", "hr", fx.bundle, NULL);
        h_server_env = h_env_after_plans; /* attendance after the programs start */
        h_must_start(&fx.srv, fx.data);
        h_must_setup(fx.hr, fx.srv.addr, fx.bundle);
        fill();
        json_decref(f_sync(fx.hr));
        fx.code = f_replica_text(fx.hr, "SELECT code FROM certificates WHERE nip = ?1", fx.part);
        assert_non_null(fx.code);
        held_fixture();
        return 0;
}

static int group_teardown(void **state)
{
        int rc;

        (void)state;
        rc = h_group_end(&fx.srv, fx.tmp);
        free(fx.tmp);
        free(fx.data);
        free(fx.bundle);
        free(fx.hr);
        free(fx.units_csv);
        free(fx.retry_id);
        free(fx.code);
        return rc;
}

/* ---- the shapes of docs/json.md ---- */

#define MAX_KEYS 160

/* One ```json-shape block: the command, the document's type, its paths. */
struct shape {
        char cmd[256];
        char root[16];
        size_t n;
        char path[MAX_KEYS][96];
        char types[MAX_KEYS][64];
};

/* Whether v matches the type name t (one of those docs/json.md lists). */
static int type_is(json_t *v, const char *t, size_t len)
{
        const char *s = json_string_value(v);
        regex_t re;
        int ok;

#define T(name) (len == strlen(name) && strncmp(t, name, len) == 0)
        if (T("string"))
                return json_is_string(v);
        if (T("integer"))
                return json_is_integer(v);
        if (T("number"))
                return json_is_number(v);
        if (T("boolean"))
                return json_is_boolean(v);
        if (T("null"))
                return json_is_null(v);
        if (T("array"))
                return json_is_array(v);
        if (T("object"))
                return json_is_object(v);
        if (!T("time") && !T("date"))
                fail_msg("docs/json.md names an unknown type '%.*s'", (int)len, t);
        if (s == NULL)
                return 0;
        assert_int_equal(regcomp(&re,
                                 T("time")
                                     ? "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"
                                     : "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                                 REG_EXTENDED | REG_NOSUB),
                         0);
        ok = regexec(&re, s, 0, NULL, 0) == 0;
        regfree(&re);
        return ok;
#undef T
}

/* Whether v matches one of types ("string|null"). */
static int types_match(json_t *v, const char *types)
{
        for (const char *t = types; *t != '\0';) {
                size_t len = strcspn(t, "|");
                if (type_is(v, t, len))
                        return 1;
                t += len + (t[len] == '|');
        }
        return 0;
}

/* The documented index of path in s, or -1. */
static int shape_find(const struct shape *s, const char *path)
{
        for (size_t i = 0; i < s->n; i++)
                if (strcmp(s->path[i], path) == 0)
                        return (int)i;
        return -1;
}

/* Whether something is documented below path (else its contents are free). */
static int has_children(const struct shape *s, const char *path)
{
        size_t n = strlen(path);

        for (size_t i = 0; i < s->n; i++)
                if (strncmp(s->path[i], path, n) == 0 &&
                    (s->path[i][n] == '.' || s->path[i][n] == '['))
                        return 1;
        return 0;
}

/* Checks v found at path (and all below it) against s; seen[i] counts the
 * values found for path i. */
static void check_value(const struct shape *s, const char *path, json_t *v, int *seen)
{
        char sub[160];
        const char *k;
        json_t *x;
        size_t i;
        int at = path[0] ? shape_find(s, path) : -1;

        if (path[0] != '\0') {
                if (at < 0)
                        fail_msg("renbin %s: key %s is printed but not in docs/json.md", s->cmd,
                                 path);
                if (!types_match(v, s->types[at]))
                        fail_msg("renbin %s: %s is %s, not %s as docs/json.md says", s->cmd, path,
                                 json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT), s->types[at]);
                seen[at]++;
                if (!has_children(s, path))
                        return;
        }
        if (json_is_array(v))
                json_array_foreach(v, i, x)
                {
                        snprintf(sub, sizeof(sub), "%s[]", path);
                        check_value(s, sub, x, seen);
                }
        else if (json_is_object(v))
                json_object_foreach(v, k, x)
                {
                        snprintf(sub, sizeof(sub), "%s%s%s", path, path[0] ? "." : "", k);
                        check_value(s, sub, x, seen);
                }
}

/* Runs the command of s on the HR seat, then checks its document. */
static void check_shape(const struct shape *s)
{
        const char *args[F_MAXARGS] = {"--json"};
        char cmd[256], *save = NULL, *tok;
        int seen[MAX_KEYS] = {0}, n = 1;
        struct h_result r;
        json_error_t je;
        json_t *doc;

        snprintf(cmd, sizeof(cmd), "%s", s->cmd);
        for (tok = strtok_r(cmd, " ", &save); tok != NULL && n < F_MAXARGS - 1;
             tok = strtok_r(NULL, " ", &save))
                args[n++] = strcmp(tok, "{NIP}") == 0         ? fx.part
                            : strcmp(tok, "{UNITS_CSV}") == 0 ? fx.units_csv
                            : strcmp(tok, "{ADDR}") == 0      ? fx.srv.addr
                            : strcmp(tok, "{BUNDLE}") == 0    ? fx.bundle
                            : strcmp(tok, "{RETRY_ID}") == 0  ? fx.retry_id
                            : strcmp(tok, "{NIP2}") == 0      ? fx.senior
                            : strcmp(tok, "{CODE}") == 0      ? fx.code
                                                              : tok;
        args[n] = NULL;
        f_run(&r, fx.hr, args);
        if (r.status != EXIT_OK)
                fail_msg("renbin %s exited %d: %s", s->cmd, r.status, r.err);
        if ((doc = json_loads(r.out, 0, &je)) == NULL)
                fail_msg("renbin %s --json printed no JSON: %s", s->cmd, je.text);
        if (!types_match(doc, s->root))
                fail_msg("renbin %s: the document is not an %s", s->cmd, s->root);
        check_value(s, "", doc, seen);
        for (size_t i = 0; i < s->n; i++)
                if (seen[i] == 0 && strstr(s->types[i], "null") == NULL)
                        fail_msg("renbin %s: %s (docs/json.md) is not printed", s->cmd, s->path[i]);
        json_decref(doc);
        h_result_free(&r);
}

/* Copies src into dst of n bytes; a longer src fails the test. */
static void copy(char *dst, size_t n, const char *src)
{
        size_t len = strlen(src);

        if (len >= n)
                fail_msg("docs/json.md: '%s' is too long for this test", src);
        memcpy(dst, src, len + 1);
}

/* Reads the block that starts after line p into s; returns the text after it. */
static const char *parse_block(const char *p, struct shape *s)
{
        const char *end = strstr(p, "\n```");
        int line = 0;

        assert_non_null(end);
        memset(s, 0, sizeof(*s));
        while (p < end) {
                const char *nl = strchr(p, '\n');
                size_t len = (size_t)((nl && nl < end ? nl : end) - p);
                char buf[256];
                snprintf(buf, sizeof(buf), "%.*s", (int)len, p);
                if (line == 0) {
                        assert_true(strncmp(buf, "renbin ", 7) == 0);
                        copy(s->cmd, sizeof(s->cmd), buf + 7);
                } else if (line == 1) {
                        copy(s->root, sizeof(s->root), buf);
                } else {
                        char *colon = strstr(buf, ": ");
                        assert_non_null(colon);
                        assert_true(s->n < MAX_KEYS);
                        *colon = '\0';
                        copy(s->path[s->n], sizeof(s->path[0]), buf);
                        copy(s->types[s->n++], sizeof(s->types[0]), colon + 2);
                }
                line++;
                p += len + 1;
        }
        return end + 4;
}

/* Every block of docs/json.md against what its command prints. */
static void test_documented_shapes(void **state)
{
        char *doc = h_read_file(RENBIN_DOCS "/json.md");
        const char *p = doc;
        struct shape *s = malloc(sizeof(*s));
        int blocks = 0;

        (void)state;
        assert_non_null(doc);
        assert_non_null(s);
        while ((p = strstr(p, "```json-shape\n")) != NULL) {
                p = parse_block(p + strlen("```json-shape\n"), s);
                check_shape(s);
                blocks++;
        }
        /* setup, status, sync, a write, import, 20 lists, shows and
         * histories, conflicts, retry, audit list, 13 exports, 8 reports */
        assert_true(blocks >= 49);
        /* setup, status, sync, a write, import, 17 lists, shows and
         * histories, certificate list and verify, conflicts, 13 exports,
         * 7 reports */
        assert_true(blocks >= 45);
        free(s);
        free(doc);
}

/* ---- every command that prints JSON has its block ---- */

/* Whether docs/json.md (doc) gives a document to command name ("plan
 * show", "attend"): a json-shape block whose command is name or begins with
 * it, or a line "NAME: OTHER" of the json-same block (*same). */
static int documented(const char *doc, const char *same, const char *name)
{
        size_t n = strlen(name);
        char *line = h_strf("\n%s: ", name);
        int found = strstr(same, line) != NULL;

        free(line);
        for (const char *p = doc; !found && (p = strstr(p, "```json-shape\nrenbin ")) != NULL;) {
                p += strlen("```json-shape\nrenbin ");
                found = strncmp(p, name, n) == 0 && (p[n] == ' ' || p[n] == '\n');
        }
        return found;
}

/* The verbs of command name, from its --help: the Actions: line of a group,
 * else the lowercase words after "NAME " in its usage (report's kinds);
 * appended to list as "NAME VERB\n", or "NAME\n" when it has none. */
static void verbs_of(const char *name, char **list)
{
        struct h_result r;
        char *act, *word, *save = NULL, *usage, *old = *list;
        size_t n = strlen(name), before = strlen(*list);

        assert_int_equal(h_renbin(&r, fx.hr, name, "--help", NULL), EXIT_OK);
        if ((act = strstr(r.out, "\nActions: ")) != NULL) {
                act = strtok_r(act + strlen("\nActions: "), "\n", &save);
                for (word = strtok_r(act, " ", &save); word != NULL;
                     word = strtok_r(NULL, " ", &save))
                        *list = h_strf("%s%s %s\n", old = *list, name, word), free(old);
        } else {
                if ((usage = strstr(r.out, "\n\n")) != NULL)
                        *usage = '\0';
                for (const char *p = r.out; (p = strstr(p, name)) != NULL; p += n) {
                        char kind[32];
                        if ((p == r.out || p[-1] == ' ') && p[n] == ' ' &&
                            sscanf(p + n + 1, "%31[a-z]", kind) == 1 &&
                            (p[n + 1 + strlen(kind)] == ' ' || p[n + 1 + strlen(kind)] == '\n' ||
                             p[n + 1 + strlen(kind)] == '\0'))
                                *list = h_strf("%s%s %s\n", old = *list, name, kind), free(old);
                }
        }
        if (strlen(*list) == before)
                *list = h_strf("%s%s\n", old = *list, name), free(old);
        h_result_free(&r);
}

/* Every verb of every command (renbin --help, then each command's) has a
 * json-shape block in docs/json.md or shares one through the json-same
 * block; every line of json-same names a real command and a documented
 * one. A new command fails here until it is documented, named. */
static void test_every_verb_documented(void **state)
{
        char *doc = h_read_file(RENBIN_DOCS "/json.md"), *list = strdup(""), *missing = strdup("");
        char *line, *save = NULL, *same, *end, *old;
        struct h_result r;

        (void)state;
        assert_non_null(doc);
        assert_non_null(same = strstr(doc, "```json-same\n"));
        assert_non_null(end = strstr(same + 1, "\n```"));
        same = strndup(same + strlen("```json-same"), (size_t)(end - same) - 11);
        assert_int_equal(h_renbin(&r, fx.hr, "--help", NULL), EXIT_OK);
        for (line = strtok_r(r.out, "\n", &save); line != NULL;
             line = strtok_r(NULL, "\n", &save)) {
                char name[32];
                if (strncmp(line, "  ", 2) == 0 && line[2] != '-' &&
                    sscanf(line, " %31s", name) == 1)
                        verbs_of(name, &list);
        }
        h_result_free(&r);
        assert_true(h_count(list, "\n") >= 40);
        for (const char *p = same; (p = strchr(p, '\n')) != NULL && p[1] != '\0'; p++) {
                char *left = h_strf("\n%.*s\n", (int)strcspn(p + 1, ":"), p + 1);
                if (strstr(list, left + 1) != list && strstr(list, left) == NULL)
                        fail_msg("docs/json.md json-same names %.*s, which no command has",
                                 (int)strlen(left) - 2, left + 1);
                free(left);
        }
        for (line = strtok_r(list, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
                if (!documented(doc, same, line))
                        missing = h_strf("%s  renbin %s\n", old = missing, line), free(old);
        if (missing[0] != '\0')
                fail_msg("these commands print --json but docs/json.md has no json-shape block for "
                         "them (add one, or name the block they share in json-same):\n%s",
                         missing);
        for (line = strtok_r(same + 1, "\n", &save); line != NULL;
             line = strtok_r(NULL, "\n", &save)) {
                char *colon = strstr(line, ": ");
                assert_non_null(colon);
                *colon = '\0';
                if (strcmp(colon + 2, "none") != 0 && !documented(doc, "", colon + 2))
                        fail_msg("docs/json.md json-same: %s shares '%s', which has no block", line,
                                 colon + 2);
        }
        free(same);
        free(missing);
        free(list);
        free(doc);
}

/* ---- numbers as a person reads them ---- */

/* report program under env (exit 0): what it printed on stdout. */
static char *report_in(const char *const *env, const char *form)
{
        const char *argv[] = {h_renbin_bin(), "--home", fx.hr, form, "report",
                              "program",      "ANG-01", NULL,  NULL};
        struct h_result r;
        char *out;

        if (form == NULL)
                memmove(&argv[3], &argv[4], 5 * sizeof(argv[0]));
        h_run_env(&r, env, argv);
        if (r.status != EXIT_OK)
                fail_msg("report program exited %d: %s", r.status, r.err);
        out = strdup(r.out);
        h_result_free(&r);
        return out;
}

/* Indonesian text writes the response rate (1 of 2: 50%) with a decimal
 * comma; English text, CSV and JSON with a point, in either language. */
static void test_decimal_comma(void **state)
{
        static const char *const id[] = {"LC_ALL=id_ID.UTF-8", "LANGUAGE=id", NULL};
        char *text = report_in(id, NULL), *csv = report_in(id, "--csv"),
             *json = report_in(id, "--json"), *en = report_in(NULL, NULL);

        (void)state;
        if (strstr(text, "Jawaban") == NULL) {
                free(text), free(csv), free(json), free(en);
                skip(); /* scripts/deps generates id_ID.UTF-8 */
        }
        assert_non_null(strstr(text, "(50,00%)"));
        assert_null(strstr(text, "50.00"));
        assert_non_null(strstr(en, "(50.00%)"));
        assert_non_null(strstr(csv, ",50.00,"));
        assert_null(strstr(csv, "50,00"));
        assert_non_null(strstr(json, "\"response_rate_pct\": 50.0"));
        free(text);
        free(csv);
        free(json);
        free(en);
}

/* A flag JSON prints as true reads yes (ya) in a text table; CSV keeps the
 * database's 1 for scripts. */
static void test_flags_in_text(void **state)
{
        static const char *const id[] = {"LC_ALL=id_ID.UTF-8", "LANGUAGE=id", NULL};
        const char *argv[] = {h_renbin_bin(), "--home", fx.hr, "unit", "list", NULL};
        const char *csv[] = {h_renbin_bin(), "--home", fx.hr, "--csv", "unit", "list", NULL};
        struct h_result r;

        (void)state;
        h_run_env(&r, NULL, argv);
        assert_int_equal(r.status, EXIT_OK);
        assert_non_null(strstr(r.out, "kelurahan  yes"));
        h_result_free(&r);
        h_run_env(&r, NULL, csv);
        assert_int_equal(r.status, EXIT_OK);
        assert_non_null(strstr(r.out, ",kelurahan,1,"));
        h_result_free(&r);
        h_run_env(&r, id, argv);
        assert_int_equal(r.status, EXIT_OK);
        if (strstr(r.out, "AKTIF") != NULL)
                assert_non_null(strstr(r.out, "kelurahan  ya "));
        h_result_free(&r);
}

/* ---- a sync that stops before the end ---- */

/* A new HR seat of the same server (nothing pulled yet). */
static char *new_seat(const char *tag)
{
        char *bundle = h_path(fx.tmp, tag), *home = h_strf("%s/home-%s", fx.tmp, tag);

        h_must_issue(fx.data, "BKPSDM", "hr", bundle, NULL);
        h_must_setup(home, fx.srv.addr, bundle);
        free(bundle);
        return home;
}

/* The replica of home holds the whole roster. */
static void roster_whole(const char *home)
{
        json_t *rows = f_json(EXIT_OK, home, "asn", "list", NULL);

        assert_int_equal(json_array_size(rows), MANY + 3);
        json_decref(rows);
}

/* status after --max-pages: not complete, with the changes still to come;
 * after a whole sync: complete, none remaining. */
static void test_status_of_a_cut_sync(void **state)
{
        char *home = new_seat("cut");
        struct h_result r;
        json_t *st, *sy;

        (void)state;
        f_ok(home, "sync", "--page-size", "50", "--max-pages", "2", NULL);
        st = f_status(home);
        sy = json_object_get(st, "sync");
        assert_true(json_is_false(json_object_get(sy, "complete")));
        assert_true(f_int(sy, "changes_remaining") > MANY - 100);
        json_decref(st);
        f_expect(&r, EXIT_OK, home, "status", NULL);
        assert_non_null(strstr(r.out, "the last sync stopped before the end"));
        assert_non_null(strstr(r.out, "changes still to receive"));
        h_result_free(&r);
        {
                static const char *const id[] = {"LC_ALL=id_ID.UTF-8", "LANGUAGE=id", NULL};
                const char *argv[] = {h_renbin_bin(), "--home", home, "status", NULL};
                h_run_env(&r, id, argv);
                assert_int_equal(r.status, EXIT_OK);
                if (strstr(r.out, "sinkronisasi") != NULL)
                        assert_non_null(
                            strstr(r.out, "sinkronisasi terakhir berhenti sebelum selesai: "));
                h_result_free(&r);
        }
        json_decref(f_sync(home));
        st = f_status(home);
        sy = json_object_get(st, "sync");
        assert_true(json_is_true(json_object_get(sy, "complete")));
        assert_int_equal(f_int(sy, "changes_remaining"), 0);
        json_decref(st);
        f_expect(&r, EXIT_OK, home, "status", NULL);
        assert_null(strstr(r.out, "stopped before the end"));
        h_result_free(&r);
        roster_whole(home);
        free(home);
}

/* What interrupted() returns when SIGINT came before renbin caught it. */
#define TOO_EARLY (-1)

/* Runs renbin --home home ARGS (NULL-terminated), sends it SIGINT after ms
 * milliseconds and returns its exit status, or TOO_EARLY when the signal
 * killed it (it had not started catching it yet); *err gets its stderr. */
static int interrupted(const char *home, int ms, char **err, const char *const *args)
{
        char *errpath = h_path(fx.tmp, "interrupted.err");
        struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
        const char *argv[16] = {h_renbin_bin(), "--home", home};
        int status;
        pid_t pid;

        for (size_t i = 0; args[i] != NULL && i + 4 < 16; i++)
                argv[i + 3] = args[i];
        assert_true((pid = fork()) >= 0);
        if (pid == 0) {
                if (freopen(errpath, "w", stderr) == NULL ||
                    freopen("/dev/null", "w", stdout) == NULL)
                        _exit(127);
                setenv("LC_ALL", "C", 1);
                setenv("RENBIND_CONFIG", "/dev/null", 1);
                execv(argv[0], (char *const *)argv);
                _exit(127);
        }
        nanosleep(&ts, NULL);
        kill(pid, SIGINT);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        *err = h_read_file(errpath);
        free(errpath);
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGINT)
                return TOO_EARLY;
        assert_true(WIFEXITED(status));
        return WEXITSTATUS(status);
}

/* Ctrl-C in the middle of a sync: exit 130, what was saved and how to go
 * on; the next sync brings the rest, nothing lost. A fresh seat is tried
 * with a shorter wait when a fast machine finished the sync first, and
 * with a longer one when a busy machine had not started renbin's sync yet
 * (at most eight seats). */
static void test_sync_interrupted(void **state)
{
        static const char *const args[] = {"sync", "--page-size", "1", NULL};
        char *home = NULL, *err = NULL, tag[16];
        json_t *st;
        int rc = EXIT_OK;

        (void)state;
        for (int ms = 200, i = 0; (rc == EXIT_OK || rc == TOO_EARLY) && ms >= 25 && i < 8; i++) {
                free(home);
                free(err);
                snprintf(tag, sizeof(tag), "int%d", i);
                home = new_seat(tag);
                rc = interrupted(home, ms, &err, args);
                ms = rc == TOO_EARLY ? ms * 3 / 2 : ms / 2;
        }
        if (rc != EXIT_INTERRUPTED)
                fail_msg("sync exited %d after Ctrl-C: %s", rc, err);
        assert_non_null(strstr(err, "renbin: sync stopped: "));
        assert_non_null(strstr(err, "run renbin sync again"));
        st = f_status(home);
        assert_true(json_is_false(json_object_get(json_object_get(st, "sync"), "complete")));
        json_decref(st);
        json_decref(f_sync(home));
        roster_whole(home);
        free(err);
        free(home);
}

#define BIG 6000 /* roster rows of one import, so that it takes a while */

/* A roster of BIG people of unit into dir/big.csv, their NIPs made with
 * the appointment month tmt (YYYYMM; another month, other people): its
 * path. */
static char *big_roster(const char *unit, const char *tmt)
{
        size_t cap = (size_t)BIG * 64 + 64, off;
        char *csv = malloc(cap), nip[19], birth[32], *path;

        assert_non_null(csv);
        off = (size_t)snprintf(csv, cap, "NIP,nama,unit,jabatan,golongan,tmt\n");
        for (int i = 0; i < BIG; i++) {
                snprintf(birth, sizeof(birth), "1980%02d%02d", 1 + i / 999 % 12, 1 + i / 999 / 12);
                f_nip(nip, birth, tmt, 1 + i % 2, 1 + i % 999);
                off += (size_t)snprintf(csv + off, cap - off, "%s,Orang %d,%s,Staf,II/b,\n", nip, i,
                                        unit);
        }
        path = f_write(fx.tmp, "big.csv", csv);
        free(csv);
        return path;
}

/* Ctrl-C in the middle of an import: exit 130 and a message that says what
 * was saved; after the next sync the unit has every row or none, never a
 * part, and nothing waits in the outbox. An import that finished before
 * the Ctrl-C (a fast machine) is tried again into a new unit with a
 * shorter wait, one killed before it started (a busy one) with a longer
 * wait (at most eight units). */
static void test_import_interrupted(void **state)
{
        char *home = new_seat("imp"), *path = NULL, *err = NULL, unit[24], tmt[16];
        const char *args[] = {"import", "asn", NULL, NULL};
        json_t *rows, *st;
        int rc = EXIT_OK;

        (void)state;
        json_decref(f_sync(home));
        for (int ms = 400, i = 0; (rc == EXIT_OK || rc == TOO_EARLY) && ms >= 10 && i < 8; i++) {
                free(path);
                free(err);
                snprintf(unit, sizeof(unit), "KEL-IMP%d", i);
                snprintf(tmt, sizeof(tmt), "2010%02d", i + 1);
                f_ok(home, "unit", "add", unit, "Kelurahan Impor", "--kind", "kelurahan", NULL);
                args[2] = path = big_roster(unit, tmt);
                rc = interrupted(home, ms, &err, args);
                ms = rc == TOO_EARLY ? ms * 3 / 2 : ms / 2;
        }
        if (rc != EXIT_INTERRUPTED)
                fail_msg("import exited %d after Ctrl-C: %s", rc, err);
        assert_non_null(strstr(err, "renbin: import stopped: "));
        fprintf(stderr, "after Ctrl-C: %s", strstr(err, "renbin: import stopped: "));
        json_decref(f_sync(home));
        rows = f_json(EXIT_OK, home, "asn", "list", "--unit", unit, NULL);
        if (strstr(err, "nothing was saved") != NULL)
                assert_int_equal(json_array_size(rows), 0);
        else
                assert_int_equal(json_array_size(rows), BIG);
        st = f_status(home);
        assert_int_equal(f_pending(st), 0);
        json_decref(st);
        json_decref(rows);
        free(err);
        free(path);
        free(home);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_documented_shapes), cmocka_unit_test(test_every_verb_documented),
            cmocka_unit_test(test_decimal_comma),     cmocka_unit_test(test_status_of_a_cut_sync),
            cmocka_unit_test(test_sync_interrupted),  cmocka_unit_test(test_import_interrupted),
            cmocka_unit_test(test_flags_in_text),
        };
        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
