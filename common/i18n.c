/*
 * i18n.c - locale and message catalog setup.
 *
 * The catalogs are looked for, in order: $RENBIN_LOCALEDIR; share/locale
 * beside the running program's prefix (/proc/self/exe is PREFIX/bin/PROG, so
 * PREFIX/share/locale), when it holds renbin's catalogs, so a relocated
 * install (cmake --install --prefix P, an extracted .deb) still speaks
 * Indonesian; else the folder compiled in (RENBIN_LOCALEDIR).
 */
#include "i18n.h"

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* Holds the folder found beside the program, for bindtextdomain. */
static char exe_localedir[PATH_MAX];

/* locale_dir_from_exe: PREFIX/share/locale of the running program if it
 * holds a renbin catalog of some language, else NULL. */
static const char *locale_dir_from_exe(void)
{
        char exe[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n <= 0)
                return NULL;
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash == NULL)
                return NULL;
        *slash = '\0'; /* PREFIX/bin */
        slash = strrchr(exe, '/');
        if (slash == NULL)
                return NULL;
        *slash = '\0'; /* PREFIX */
        int len = snprintf(exe_localedir, sizeof exe_localedir, "%s/share/locale", exe);
        if (len < 0 || (size_t)len >= sizeof exe_localedir)
                return NULL;
        char probe[PATH_MAX + 32];
        struct stat st;
        len = snprintf(probe, sizeof probe, "%s/id/LC_MESSAGES/renbin.mo", exe_localedir);
        if (len < 0 || (size_t)len >= sizeof probe || stat(probe, &st) != 0)
                return NULL;
        return exe_localedir;
}

void i18n_init(void)
{
        const char *dir = getenv("RENBIN_LOCALEDIR");

        if (dir == NULL)
                dir = locale_dir_from_exe();
        if (dir == NULL)
                dir = RENBIN_LOCALEDIR;
        /* Without the named locale generated, fall back to C.UTF-8 so that
         * LANGUAGE=id still selects the catalog. */
        if (setlocale(LC_ALL, "") == NULL)
                setlocale(LC_ALL, "C.UTF-8");
        /* Numbers on the wire, in CSV and JSON stay in the C locale. */
        setlocale(LC_NUMERIC, "C");
        bindtextdomain("renbin", dir);
        bind_textdomain_codeset("renbin", "UTF-8");
        textdomain("renbin");
}

const char *i18n_number(double x, char *buf, size_t len)
{
        /* TRANSLATORS: the decimal mark of numbers people read in tables
         * and reports (a mean of 3.25); "," in Indonesian. */
        const char *mark = _(".");
        char *dot;

        snprintf(buf, len, "%.2f", x);
        if (strcmp(mark, ".") != 0 && strlen(mark) == 1 && (dot = strchr(buf, '.')) != NULL)
                *dot = mark[0];
        return buf;
}
