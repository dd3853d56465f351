/*
 * i18n.c - locale and message catalog setup.
 */
#include "i18n.h"

#include <locale.h>
#include <stdlib.h>

void i18n_init(void)
{
        const char *dir = getenv("RENBIN_LOCALEDIR");

        setlocale(LC_ALL, "");
        /* Numbers on the wire, in CSV and JSON stay in the C locale. */
        setlocale(LC_NUMERIC, "C");
        bindtextdomain("renbin", dir != NULL ? dir : RENBIN_LOCALEDIR);
        bind_textdomain_codeset("renbin", "UTF-8");
        textdomain("renbin");
}
