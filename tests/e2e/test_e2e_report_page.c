/*
 * test_e2e_report_page.c - the year's page on the sample data (data/, as
 * scripts/demo loads it) in headless Chromium: a real renbind on 127.0.0.1,
 * HR imports the sample over TLS and marks some forum follow-ups, then
 * `renbin report html` writes the page. Checked: every section is there (by
 * id, in the page and in the DOM Chromium built from it), the JP units come
 * worst first, the people below the minimum are summarised per unit (no list
 * of names), Chromium logs no console message (the check is shown to see one
 * on a page that logs it), and the page printed to PDF
 * (A4) takes at most 6 pages.
 *
 * Without /usr/bin/chromium (scripts/deps --with-browser installs it) the
 * browser test is skipped; CI has it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "run.h"

#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The page's sections, by id, in their order. */
static const char *const sections[] = {"jp",        "plan",       "programs", "levels",
                                       "ikm",       "competency", "gaps",     "needs",
                                       "mentoring", "records",    "forums",   NULL};

/* The most A4 pages the sample's page may print on. */
#define MAX_PAGES 6

struct fixture {
        char *tmp, *data, *hr, *bundle, *page;
        struct h_server srv;
};

static struct fixture fx;

/* Runs renbin as HR with ARGS (NULL-terminated); fails unless it exits 0. */
static void hr_ok(const char *first, ...) __attribute__((sentinel));
static void hr_ok(const char *first, ...)
{
        const char *argv[32] = {h_renbin_bin(), "--home", fx.hr, first};
        struct h_result r;
        size_t n = 4;
        va_list ap;

        va_start(ap, first);
        while ((argv[n] = va_arg(ap, const char *)) != NULL && n < 31)
                n++;
        va_end(ap);
        argv[n] = NULL;
        h_run(&r, argv);
        if (r.status != 0)
                fail_msg("renbin %s exited %d: %s", first, r.status, r.err);
        h_result_free(&r);
}

/* HR imports data/NAME as KIND (and --plan 2027 for the programs). */
static void import(const char *kind, const char *name)
{
        char *path = h_strf("%s/%s", RENBIN_SAMPLE_DATA, name);

        if (strcmp(kind, "programs") == 0)
                hr_ok("import", kind, path, "--plan", "2027", NULL);
        else
                hr_ok("import", kind, path, NULL);
        free(path);
}

/* The short id of UNIT's first forum note (forum list --csv, first column). */
static char *forum_id(const char *unit)
{
        const char *argv[] = {h_renbin_bin(), "--home", fx.hr,   "forum", "list",
                              "--unit",       unit,     "--csv", NULL};
        struct h_result r;
        char *line, *id;

        h_run(&r, argv);
        assert_int_equal(r.status, 0);
        assert_non_null(line = strchr(r.out, '\n'));
        id = h_strf("%.8s", line + 1);
        h_result_free(&r);
        return id;
}

/* The sample as scripts/demo loads it, and three forum follow-ups moved on. */
static void load_sample(void)
{
        static const char *const files[][2] = {{"needs", "needs-2027.csv"},
                                               {"enrollments", "enrollments-2027.csv"},
                                               {"evaluations", "evaluations-2027.csv"},
                                               {"assessments", "assessments.csv"},
                                               {"mentoring", "mentoring.csv"},
                                               {"mentoring-logs", "mentoring-logs.csv"},
                                               {"survey", "surveys-2027.csv"},
                                               {"forums", "forums-2027.csv"}};
        char *id;

        import("units", "units.csv");
        import("asn", "asn.csv");
        import("competencies", "competencies.csv");
        import("standard", "standards.csv");
        hr_ok("plan", "create", "2027", "Rencana Pembinaan ASN Belawan 2027", NULL);
        import("programs", "programs-2027.csv");
        hr_ok("plan", "approve", "2027", NULL);
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
                import(files[i][0], files[i][1]);
        id = forum_id("KEL-BLW1");
        hr_ok("forum", "update", id, "--status", "selesai", "--owner", "Seksi Pelayanan Umum",
              NULL);
        free(id);
        id = forum_id("PKM-BLW");
        hr_ok("forum", "update", id, "--status", "proses", "--owner", "Kepala Puskesmas", "--due",
              "2027-08-31", NULL);
        free(id);
        id = forum_id("KEL-BHR");
        hr_ok("forum", "update", id, "--status", "proses", "--due", "2027-09-30", NULL);
        free(id);
}

static int group_setup(void **state)
{
        (void)state;
        fx.tmp = h_tmpdir("report-page");
        fx.data = h_path(fx.tmp, "data");
        fx.hr = h_path(fx.tmp, "home-hr");
        fx.bundle = h_path(fx.tmp, "bundle-hr");
        fx.page = h_path(fx.tmp, "belawan-2027.html");
        h_must_init(fx.data);
        h_must_issue(fx.data, "BKPSDM", "hr", fx.bundle, NULL);
        h_server_env = h_env_after_plans; /* attendance after the programs start */
        h_must_start(&fx.srv, fx.data);
        h_must_setup(fx.hr, fx.srv.addr, fx.bundle);
        load_sample();
        return 0;
}

/* Stops the server (it must exit 0) and frees the fixture. */
static int group_teardown(void **state)
{
        int rc = h_group_end(&fx.srv, fx.tmp);

        (void)state;
        free(fx.tmp);
        free(fx.data);
        free(fx.hr);
        free(fx.bundle);
        free(fx.page);
        return rc;
}

/* The page holds every section once; JP worst first, no list of names. */
static void test_page(void **state)
{
        char *html, *jp, *forums;

        (void)state;
        hr_ok("report", "html", "--year", "2027", "--today", "2027-06-30", "--out", fx.page, NULL);
        assert_non_null(html = h_read_file(fx.page));
        for (size_t i = 0; sections[i] != NULL; i++) {
                char *open = h_strf("<section id=\"%s\">", sections[i]);
                assert_int_equal(h_count(html, open), 1);
                free(open);
        }
        jp = h_html_section(html, "jp");
        /* KEL-BGD has the lowest mean JP of the sample, KEL-BLW2 the highest */
        assert_non_null(strstr(jp, "KEL-BGD"));
        assert_true(strstr(jp, "KEL-BGD") < strstr(jp, "KEL-BLW2"));
        assert_non_null(strstr(jp, "stroke-dasharray")); /* the line at 20 JP */
        assert_non_null(strstr(jp, "report jp --year 2027 --csv"));
        /* a person below the minimum (data/asn.csv, KEL-BGD) is not named */
        assert_int_equal(h_count(jp, "<td data-label=\"NIP\">"), 0);
        forums = h_html_section(html, "forums");
        assert_non_null(strstr(forums, "in progress"));
        assert_non_null(strstr(forums, "Kepala Puskesmas"));
        assert_null(strstr(forums, "Seksi Pelayanan Umum")); /* done: not listed */
        free(jp);
        free(forums);
        free(html);
}

/* True when Chromium's log (--enable-logging=stderr) holds a console message
 * or an uncaught exception ("...:INFO:CONSOLE:1] \"...\", source: ..."). */
static int console_logged(const char *log)
{
        return strstr(log, ":CONSOLE") != NULL || strstr(log, "Uncaught") != NULL;
}

/* Runs Chromium headless on the page at path with more (then its URL): its
 * result in r, failing the test on an error exit. */
static void chromium_on(struct h_result *r, const char *path, const char *more)
{
        char *prof = h_strf("--user-data-dir=%s/chromium-profile", fx.tmp),
             *url = h_strf("file://%s", path);
        const char *argv[] = {"/usr/bin/chromium",
                              "--headless",
                              "--no-sandbox", /* CI runs as root */
                              "--disable-gpu",
                              "--disable-quic",
                              "--no-first-run",
                              "--disable-background-networking",
                              "--disable-component-update",
                              "--disable-sync",
                              prof,
                              "--enable-logging=stderr",
                              "--v=0",
                              more,
                              url,
                              NULL};

        h_run(r, argv);
        free(prof);
        free(url);
        if (r->status != 0)
                fail_msg("chromium exited %d: %s", r->status, r->err);
}

/* Chromium on the year's page: no console message allowed. */
static void chromium(struct h_result *r, const char *more)
{
        chromium_on(r, fx.page, more);
        if (console_logged(r->err))
                fail_msg("console errors in chromium:\n%s", r->err);
}

/* The console check sees a page's console error and its uncaught exception. */
static void console_check_works(void)
{
        char *bad = h_path(fx.tmp, "bad.html");
        FILE *f = fopen(bad, "w");
        struct h_result r;

        assert_non_null(f);
        fputs("<!DOCTYPE html><html><body><script>console.error('x');</script></body></html>", f);
        fclose(f);
        chromium_on(&r, bad, "--dump-dom");
        assert_true(console_logged(r.err));
        h_result_free(&r);
        free(bad);
}

/* Page objects of a PDF: "/Type /Page" not followed by "s" (/Pages is the tree). */
static int pdf_pages(const char *pdf, size_t len)
{
        static const char key[] = "/Type";
        int n = 0;

        for (size_t i = 0; i + sizeof(key) < len; i++) {
                size_t j = i + sizeof(key) - 1;
                if (memcmp(pdf + i, key, sizeof(key) - 1) != 0)
                        continue;
                while (j < len && (pdf[j] == ' ' || pdf[j] == '\n' || pdf[j] == '\r'))
                        j++;
                if (j + 5 <= len && memcmp(pdf + j, "/Page", 5) == 0 &&
                    (j + 5 == len || pdf[j + 5] != 's'))
                        n++;
        }
        return n;
}

/* The whole of the file at path into *len bytes (malloc'd). */
static char *slurp(const char *path, size_t *len)
{
        FILE *f = fopen(path, "rb");
        char *buf;
        long n;

        assert_non_null(f);
        assert_int_equal(fseek(f, 0, SEEK_END), 0);
        assert_true((n = ftell(f)) > 0);
        rewind(f);
        assert_non_null(buf = malloc((size_t)n));
        assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
        fclose(f);
        *len = (size_t)n;
        return buf;
}

/* Chromium builds every section, logs no console error, prints at most 6 A4 pages. */
static void test_chromium(void **state)
{
        struct h_result r;
        char *pdf, *arg, *bytes;
        size_t len;
        int pages;

        (void)state;
        if (access("/usr/bin/chromium", X_OK) != 0) {
                fprintf(stderr, "chromium is not installed (scripts/deps --with-browser)\n");
                skip();
        }
        console_check_works();
        chromium(&r, "--dump-dom");
        for (size_t i = 0; sections[i] != NULL; i++) {
                char *id = h_strf("<section id=\"%s\">", sections[i]);
                if (strstr(r.out, id) == NULL)
                        fail_msg("section %s is not in Chromium's DOM", sections[i]);
                free(id);
        }
        h_result_free(&r);
        pdf = h_path(fx.tmp, "belawan-2027.pdf");
        arg = h_strf("--print-to-pdf=%s", pdf);
        chromium(&r, arg);
        h_result_free(&r);
        bytes = slurp(pdf, &len);
        pages = pdf_pages(bytes, len);
        printf("the sample's page prints on %d A4 pages: %s\n", pages, pdf);
        free(bytes);
        free(arg);
        free(pdf);
        assert_true(pages >= 1);
        if (pages > MAX_PAGES)
                fail_msg("the page prints on %d pages, more than %d", pages, MAX_PAGES);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_page),
            cmocka_unit_test(test_chromium),
        };
        return renbin_run_group_tests(tests, group_setup, group_teardown);
}
